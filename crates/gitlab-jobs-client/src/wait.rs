//! Waiting for a job to finish.

use std::time::{Duration, Instant};

use gitlab_jobs_schema::{Job, Manual, ProjectId};

use crate::{Call, CallError, CallErrorKind, Client};

impl Client {
    /// Polls a job every `poll` until it has stopped ([`Job::has_stopped`] with
    /// [`Manual::GoesOn`]: a terminal status, or an unknown one with `finished_at` set), and
    /// returns it. A `manual` job waits for a person, and `scheduled` for its time: both are
    /// waited for too, up to `timeout`, after which the error is `TimedOut`.
    ///
    /// `timeout` bounds everything inside the wait: a request that hangs, a retry GitLab asks
    /// to wait longer for (a 429's `Retry-After`) and the pauses between polls. The error
    /// names the job's status when it was last read and, when the last answer was an error,
    /// its status.
    pub async fn wait_for_terminal(
        &self,
        project: impl Into<ProjectId>,
        job_id: i64,
        poll: Duration,
        timeout: Duration,
    ) -> Result<Job, CallError> {
        let project = project.into();
        let started = Instant::now();
        let deadline = started.checked_add(timeout);
        let client = match deadline {
            Some(deadline) => self.clone().with_deadline(deadline),
            None => self.clone(),
        };
        let mut last_status = None;
        loop {
            let job = client
                .get_job()
                .id(project.clone())
                .job_id(job_id)
                .call()
                .await
                .map_err(|err| err.timed_out_after(started.elapsed(), last_status.clone()))?
                .into_inner();
            if job.has_stopped(Manual::GoesOn) {
                return Ok(job);
            }
            last_status = Some(job.status);
            if deadline.is_some_and(|deadline| {
                Instant::now()
                    .checked_add(poll)
                    .is_none_or(|next| next >= deadline)
            }) {
                return Err(CallError::new(
                    <crate::builder::GetJob<'_> as Call>::OPERATION,
                    1,
                    CallErrorKind::TimedOut {
                        waited: started.elapsed(),
                        last_answer: None,
                        job_status: last_status,
                        next_try_in: None,
                    },
                ));
            }
            tokio::time::sleep(poll).await;
        }
    }
}

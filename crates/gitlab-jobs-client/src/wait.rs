//! Waiting for a job to finish.

use std::time::{Duration, Instant};

use gitlab_jobs_schema::{Job, ProjectId};

use crate::{Call, CallError, CallErrorKind, Client};

impl Client {
    /// Polls a job every `poll` until it reaches a terminal status (`success`, `failed`,
    /// `canceled`, `skipped`, or an unknown one with `finished_at` set), and returns it.
    /// A `manual` job waits for a person, and `scheduled` for its time: both are waited for
    /// too, up to `timeout`, after which the error is `TimedOut`.
    pub async fn wait_for_terminal(
        &self,
        project: impl Into<ProjectId>,
        job_id: i64,
        poll: Duration,
        timeout: Duration,
    ) -> Result<Job, CallError> {
        let project = project.into();
        let started = Instant::now();
        loop {
            let job = self
                .get_job()
                .id(project.clone())
                .job_id(job_id)
                .call()
                .await?
                .into_inner();
            if job.status.is_terminal() || (!job.status.is_known() && job.finished_at.is_some()) {
                return Ok(job);
            }
            if started.elapsed().saturating_add(poll) > timeout {
                return Err(CallError::new(
                    <crate::builder::GetJob<'_> as Call>::OPERATION,
                    1,
                    CallErrorKind::TimedOut {
                        waited: started.elapsed(),
                    },
                ));
            }
            tokio::time::sleep(poll).await;
        }
    }
}

//! Job logs: streamed to a writer, or followed while the job runs.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use gitlab_jobs_schema::{Job, ProjectId};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::{Call, CallError, CallErrorKind, Client};

/// Whether a job has stopped in a way a follower should stop for: a terminal status; `manual`,
/// where it waits for a person to play it; or a status this crate does not know, once GitLab
/// has set `finished_at`. `created`, `scheduled` and the active statuses go on by themselves.
pub fn has_stopped(job: &Job) -> bool {
    job.status.is_terminal()
        || job.status.is_playable()
        || (!job.status.is_known() && job.finished_at.is_some())
}

impl Client {
    /// Streams the job's log into `out`, a chunk at a time, and returns the bytes written.
    /// Memory use does not grow with the log.
    pub async fn write_log<W: AsyncWrite + Unpin + ?Sized>(
        &self,
        project: impl Into<ProjectId>,
        job_id: i64,
        out: &mut W,
    ) -> Result<u64, CallError> {
        self.copy_log(project.into(), job_id, 0, out).await
    }

    /// Writes what follows the first `skip` bytes of the log to `out`; returns the log's
    /// length as far as it was read.
    async fn copy_log<W: AsyncWrite + Unpin + ?Sized>(
        &self,
        project: ProjectId,
        job_id: i64,
        skip: u64,
        out: &mut W,
    ) -> Result<u64, CallError> {
        let operation = <crate::builder::GetJobLog<'_> as Call>::OPERATION;
        let answer = self.get_job_log().id(project).job_id(job_id).call().await?;
        let mut stream = answer.into_inner().into_inner();
        let mut position = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|err| {
                CallError::new(operation, 1, CallErrorKind::Transport(err.without_url()))
            })?;
            let start = skip.saturating_sub(position).min(chunk.len() as u64) as usize;
            if start < chunk.len() {
                out.write_all(&chunk[start..])
                    .await
                    .map_err(|err| CallError::new(operation, 1, CallErrorKind::Write(err)))?;
            }
            position += chunk.len() as u64;
        }
        out.flush()
            .await
            .map_err(|err| CallError::new(operation, 1, CallErrorKind::Write(err)))?;
        Ok(position)
    }

    /// Follows a job's log: see [`FollowLog`].
    pub fn follow_log(&self, project: impl Into<ProjectId>, job_id: i64) -> FollowLog<'_> {
        FollowLog {
            client: self,
            project: project.into(),
            job_id,
            poll: Duration::from_secs(2),
            timeout: None,
        }
    }
}

/// Follows a job's log as the job writes it, like `tail -f`.
///
/// GitLab's stable API has no ranged reads of a log, so each poll reads the whole log and
/// writes only what follows the bytes already written. Between reads it checks the job's
/// status, and it stops, after writing the rest of the log, once the job has stopped (see
/// [`has_stopped`]).
#[derive(Debug)]
pub struct FollowLog<'a> {
    client: &'a Client,
    project: ProjectId,
    job_id: i64,
    poll: Duration,
    timeout: Option<Duration>,
}

impl FollowLog<'_> {
    /// The pause between polls; 2 seconds by default.
    pub fn poll_interval(mut self, poll: Duration) -> Self {
        self.poll = poll;
        self
    }

    /// Gives up, with `TimedOut`, after this long; no limit by default.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Writes the log to `out` as it grows, and returns the job as it was when it stopped.
    pub async fn write_to<W: AsyncWrite + Unpin + ?Sized>(
        self,
        out: &mut W,
    ) -> Result<Job, CallError> {
        let started = Instant::now();
        let mut written = 0u64;
        loop {
            // The status first: a log read after a job has stopped is complete.
            let job = self
                .client
                .get_job()
                .id(self.project.clone())
                .job_id(self.job_id)
                .call()
                .await?
                .into_inner();
            let length = self
                .client
                .copy_log(self.project.clone(), self.job_id, written, out)
                .await?;
            // A log that got shorter was erased: nothing more will come of what was written.
            written = written.max(length);
            if has_stopped(&job) {
                return Ok(job);
            }
            if self
                .timeout
                .is_some_and(|timeout| started.elapsed().saturating_add(self.poll) > timeout)
            {
                return Err(CallError::new(
                    <crate::builder::GetJob<'_> as Call>::OPERATION,
                    1,
                    CallErrorKind::TimedOut {
                        waited: started.elapsed(),
                    },
                ));
            }
            tokio::time::sleep(self.poll).await;
        }
    }
}

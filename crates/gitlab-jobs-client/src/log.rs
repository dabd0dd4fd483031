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
        let read = self.write_log_from(project, job_id, 0, out).await?;
        Ok(read.written)
    }

    /// Writes the job's log from byte `from` on into `out`, and says what it read.
    ///
    /// It asks for those bytes only (`Range: bytes=<from>-`): GitLab 19.4 and later serve a
    /// finished job's archived log so (206), and answer 416 when nothing follows `from`. A
    /// server that answers the whole log (200), as GitLab does for a running job's live log
    /// and older versions for every log, is read to the end and its first `from` bytes are
    /// skipped: either way, `out` gets each byte after `from` once.
    pub async fn write_log_from<W: AsyncWrite + Unpin + ?Sized>(
        &self,
        project: impl Into<ProjectId>,
        job_id: i64,
        from: u64,
        out: &mut W,
    ) -> Result<LogRead, CallError> {
        let operation = <crate::builder::GetJobLog<'_> as Call>::OPERATION;
        let mut request = self.get_job_log().id(project.into()).job_id(job_id);
        if from > 0 {
            request = request.range(format!("bytes={from}-"));
        }
        let (outcome, attempts) = crate::retry::counting(request.send()).await;
        let answer = match outcome {
            Ok(answer) => answer,
            // Nothing at or after `from`: the log is `length` bytes long.
            Err(crate::Error::ErrorResponse(answer))
                if answer.status() == reqwest::StatusCode::RANGE_NOT_SATISFIABLE =>
            {
                let length = content_range(answer.headers()).map(|range| range.length);
                return Ok(LogRead {
                    start: from,
                    written: 0,
                    length: length.or(Some(from)),
                });
            }
            Err(err) => return Err(CallError::from_progenitor(operation, attempts, err)),
        };
        let part = (answer.status() == reqwest::StatusCode::PARTIAL_CONTENT)
            .then(|| content_range(answer.headers()))
            .flatten();
        // Where the body starts in the log: a part says; a whole answer starts at 0.
        let (mut position, length) = match part {
            Some(range) if range.first > from => {
                return Err(CallError::new(
                    operation,
                    attempts,
                    CallErrorKind::InvalidBody(format!(
                        "asked for the log from byte {from}, the answer starts at byte {}",
                        range.first
                    )),
                ));
            }
            Some(range) => (range.first, Some(range.length)),
            None => (0, None),
        };
        let mut stream = answer.into_inner().into_inner();
        let mut written = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|err| {
                CallError::new(
                    operation,
                    attempts,
                    CallErrorKind::Transport(err.without_url()),
                )
            })?;
            let start = from.saturating_sub(position).min(chunk.len() as u64) as usize;
            if start < chunk.len() {
                out.write_all(&chunk[start..]).await.map_err(|err| {
                    CallError::new(operation, attempts, CallErrorKind::Write(err))
                })?;
                written += (chunk.len() - start) as u64;
            }
            position += chunk.len() as u64;
        }
        out.flush()
            .await
            .map_err(|err| CallError::new(operation, attempts, CallErrorKind::Write(err)))?;
        Ok(LogRead {
            start: from,
            written,
            length: length.or(Some(position)),
        })
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

/// What [`Client::write_log_from`] read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogRead {
    /// The offset asked for: the bytes written are the log's from here.
    pub start: u64,
    /// How many bytes were written.
    pub written: u64,
    /// The log's length as the answer gave it; shorter than `start` when the log was erased
    /// or cut since.
    pub length: Option<u64>,
}

/// `Content-Range: bytes <first>-<last>/<length>` or `bytes */<length>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ContentRange {
    first: u64,
    length: u64,
}

fn content_range(headers: &reqwest::header::HeaderMap) -> Option<ContentRange> {
    let value = headers.get(reqwest::header::CONTENT_RANGE)?.to_str().ok()?;
    let (range, length) = value.trim().strip_prefix("bytes ")?.split_once('/')?;
    let length = length.trim().parse().ok()?;
    let first = match range.trim() {
        "*" => length,
        range => {
            let (first, last) = range.split_once('-')?;
            let (first, last): (u64, u64) = (first.parse().ok()?, last.parse().ok()?);
            if first > last || last >= length {
                return None;
            }
            first
        }
    };
    Some(ContentRange { first, length })
}

/// Follows a job's log as the job writes it, like `tail -f`.
///
/// Each poll asks only for the bytes not yet written (see [`Client::write_log_from`]): where
/// the server honours the range, following a log that grows to N bytes transfers about N
/// bytes; where it answers the whole log, as GitLab does for a running job's live log, the
/// bytes already written are skipped. Between reads it checks the job's status, and it stops,
/// after writing the rest of the log, once the job has stopped (see [`has_stopped`]).
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
            let read = self
                .client
                .write_log_from(self.project.clone(), self.job_id, written, out)
                .await?;
            // A log that got shorter was erased: nothing more will come of what was written.
            written += read.written;
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

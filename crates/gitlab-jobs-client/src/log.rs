//! Job logs: streamed to a writer, or followed while the job runs.
//!
//! Whatever a server answers, the bytes written are a prefix of the log from the offset asked
//! for: an answer is placed in the log by its status and headers before any of its bytes is
//! written, and a byte is written only once its answer has proven where it sits. An answer
//! that cannot be placed, or whose body does not match what its head said, is an error that
//! says what was wrong; a log that got shorter is [`CallErrorKind::LogShrank`].

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use gitlab_jobs_schema::{Job, Manual, ProjectId};
use reqwest::StatusCode;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::ranged::{Body, Head, LONGEST_UNFRAMED_PART, invalid};
use crate::{Call, CallError, CallErrorKind, Client};

const OPERATION: &str = <crate::builder::GetJobLog<'static> as Call>::OPERATION;

/// What the messages of a log read call what is read.
const LOG: &str = "log";

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
    /// It asks for those bytes only (`Range: bytes=<from>-`). GitLab serves a finished job's
    /// archived log so where Workhorse serves archived logs (206, and 416 when nothing follows
    /// `from`); it answers the whole log (200) for a running job's live log, and for every log
    /// where Workhorse does not serve it. Either is read right: the bytes before `from` of a
    /// whole log are skipped, a part is placed by its `Content-Range` (RFC 9110: any case of
    /// the unit, a `*` length), and a part that ends before the log does is followed by a
    /// request for the rest. So `out` gets each byte from `from` on once, and on `Ok`, all of
    /// them up to [`LogRead::length`] where the answer gave it.
    ///
    /// Nothing is written of an answer that is not the log from `from`: a part that starts
    /// elsewhere, a body longer or shorter than its range, a multipart answer or an encoded
    /// one is an error naming what was wrong, and a log shorter than `from` (erased, or
    /// archived anew) is [`CallErrorKind::LogShrank`]. A part without `Content-Length` is held
    /// in memory (at most 8 MiB) until its end shows it has the length its range says.
    pub async fn write_log_from<W: AsyncWrite + Unpin + ?Sized>(
        &self,
        project: impl Into<ProjectId>,
        job_id: i64,
        from: u64,
        out: &mut W,
    ) -> Result<LogRead, CallError> {
        let project = project.into();
        let started = Instant::now();
        let mut at = from;
        let mut bounded = false;
        loop {
            let mut request = self.get_job_log().id(project.clone()).job_id(job_id);
            if at > 0 || bounded {
                request = request.range(match bounded {
                    true => format!(
                        "bytes={at}-{}",
                        at.saturating_add(LONGEST_UNFRAMED_PART - 1)
                    ),
                    false => format!("bytes={at}-"),
                });
            }
            let tries = crate::retry::TryCount::default();
            let counting = self.counting_tries(&tries);
            let outcome = request.made_by(&counting).send().await;
            let attempts = tries.get();
            let fail = |kind| CallError::new(OPERATION, attempts.max(1), kind);
            let (head, stream) = match outcome {
                Ok(answer) => (
                    Head::read(LOG, at, answer.status(), answer.headers()),
                    Some(answer.into_inner().into_inner()),
                ),
                Err(crate::Error::ErrorResponse(answer))
                    if answer.status() == StatusCode::RANGE_NOT_SATISFIABLE =>
                {
                    (Head::read(LOG, at, answer.status(), answer.headers()), None)
                }
                Err(crate::Error::UnexpectedResponse(answer))
                    if answer.status() == StatusCode::NOT_MODIFIED =>
                {
                    return Err(fail(invalid(
                        "a 304 Not Modified, though no If-None-Match was sent",
                    )));
                }
                Err(err) => return Err(CallError::from_progenitor(OPERATION, attempts, err)),
            };
            let head = head.map_err(fail)?;
            let (Head::Whole { .. } | Head::Part { .. }, Some(mut stream)) = (head, stream) else {
                let length = match head {
                    Head::Past { length } => length,
                    _ => None,
                };
                return Ok(LogRead::ended(from, at, length));
            };
            let mut body = Body::new(LOG, at, &head);
            if body.too_long_to_hold() {
                if bounded {
                    return Err(fail(invalid(format!(
                        "asked for at most {LONGEST_UNFRAMED_PART} bytes, a 206 without \
                         Content-Length for more"
                    ))));
                }
                // Asked again, in pieces small enough to check before they are written.
                bounded = true;
                continue;
            }
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(|err| CallError::transport(OPERATION, attempts, err))?;
                let ready = body.take(&chunk).map_err(fail)?;
                self.write(out, ready, started).await.map_err(fail)?;
            }
            let rest = body.finish().map_err(fail)?;
            self.write(out, &rest, started).await.map_err(fail)?;
            self.by_deadline(out.flush(), started).await.map_err(fail)?;
            let part_from = at;
            at = body.end();
            let more = match head {
                Head::Part {
                    length: Some(length),
                    ..
                } => at < length,
                // Of a log whose length the server does not know, a bounded piece that came
                // whole may have more after it.
                Head::Part { length: None, .. } => {
                    bounded && at - part_from == LONGEST_UNFRAMED_PART
                }
                _ => false,
            };
            if !more {
                let length = match head {
                    Head::Part { length, .. } => length,
                    _ => Some(at),
                };
                return Ok(LogRead::ended(from, at, length));
            }
        }
    }

    /// Writes `bytes` to `out`, by this client's deadline.
    pub(crate) async fn write<W: AsyncWrite + Unpin + ?Sized>(
        &self,
        out: &mut W,
        bytes: &[u8],
        started: Instant,
    ) -> Result<(), CallErrorKind> {
        if bytes.is_empty() {
            return Ok(());
        }
        self.by_deadline(out.write_all(bytes), started).await
    }

    /// `io`, a write to the caller's destination since `started`, failing once this client's
    /// deadline passes.
    pub(crate) async fn by_deadline(
        &self,
        io: impl Future<Output = std::io::Result<()>>,
        started: Instant,
    ) -> Result<(), CallErrorKind> {
        let written = match self.inner.deadline {
            Some(deadline) => tokio::time::timeout_at(deadline.into(), io)
                .await
                .map_err(|_| CallErrorKind::TimedOut {
                    waited: started.elapsed(),
                    last_answer: None,
                    job_status: None,
                    next_try_in: None,
                })?,
            None => io.await,
        };
        written.map_err(CallErrorKind::Write)
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
    /// The log's length as the last answer gave it, which is then `start + written`; none when
    /// it did not say (a `Content-Range` of `*` length, a 416 without one).
    pub length: Option<u64>,
}

impl LogRead {
    fn ended(start: u64, at: u64, length: Option<u64>) -> Self {
        LogRead {
            start,
            written: at - start,
            length,
        }
    }
}

/// Follows a job's log as the job writes it, like `tail -f`.
///
/// Each poll asks only for the bytes not yet written (see [`Client::write_log_from`]): where
/// the server honours the range, following a log that grows to N bytes transfers about N
/// bytes; where it answers the whole log, as GitLab does for a running job's live log, the
/// bytes already written are skipped. Between reads it checks the job's status, and it stops,
/// after writing the rest of the log, once the job has stopped ([`Job::has_stopped`] with [`Manual::Stops`]).
///
/// With a [`timeout`](FollowLog::timeout), it ends by then whatever the server does: a hung
/// request, a rate limit asking for a longer wait, a log that never ends.
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

    /// Gives up, with `TimedOut`, after this long, requests, retries and writes included; no
    /// limit by default.
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
        let deadline = self
            .timeout
            .and_then(|timeout| started.checked_add(timeout));
        let client = match deadline {
            Some(deadline) => self.client.clone().with_deadline(deadline),
            None => self.client.clone(),
        };
        let mut written = 0u64;
        let mut last_status = None;
        loop {
            let gave_up = |err: CallError, status| err.timed_out_after(started.elapsed(), status);
            // The status first: a log read after a job has stopped is complete.
            let job = client
                .get_job()
                .id(self.project.clone())
                .job_id(self.job_id)
                .call()
                .await
                .map_err(|err| gave_up(err, last_status.clone()))?
                .into_inner();
            last_status = Some(job.status.clone());
            let read = client
                .write_log_from(self.project.clone(), self.job_id, written, out)
                .await
                .map_err(|err| gave_up(err, last_status.clone()))?;
            written += read.written;
            if job.has_stopped(Manual::Stops) {
                return Ok(job);
            }
            if deadline.is_some_and(|deadline| {
                Instant::now()
                    .checked_add(self.poll)
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
            tokio::time::sleep(self.poll).await;
        }
    }
}

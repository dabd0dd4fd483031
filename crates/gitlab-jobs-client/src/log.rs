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
use http_content_range::ContentRange;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, HeaderMap};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::{Call, CallError, CallErrorKind, Client};

/// The longest part of a log taken without `Content-Length`: such a body is held until it
/// ends, to be checked against its range before it is written. A longer part is asked for
/// again in pieces of this size.
const LONGEST_UNFRAMED_PART: u64 = 8 << 20;

const OPERATION: &str = <crate::builder::GetJobLog<'static> as Call>::OPERATION;

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
                    Head::read(at, answer.status(), answer.headers()),
                    Some(answer.into_inner().into_inner()),
                ),
                Err(crate::Error::ErrorResponse(answer))
                    if answer.status() == StatusCode::RANGE_NOT_SATISFIABLE =>
                {
                    (Head::read(at, answer.status(), answer.headers()), None)
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
            let mut body = Body::new(at, &head);
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
    async fn write<W: AsyncWrite + Unpin + ?Sized>(
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
    async fn by_deadline(
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

/// A log answer that is not what it says: nothing of it is written.
fn invalid(message: impl Into<String>) -> CallErrorKind {
    CallErrorKind::InvalidBody(message.into())
}

/// What a log answer's status and headers say of its body, read before any of it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Head {
    /// 200: the whole log from byte 0; `Content-Length`, when given, is its length.
    Whole { length: Option<u64> },
    /// 206: the bytes `first..=last` of a log `length` bytes long (none for `*`); `framed` when
    /// `Content-Length` says the part's length, so that the body is the part or breaks off.
    Part {
        first: u64,
        last: u64,
        length: Option<u64>,
        framed: bool,
    },
    /// 416: nothing at or after the offset asked for, in a log `length` bytes long where the
    /// answer says so.
    Past { length: Option<u64> },
}

impl Head {
    /// Places an answer to a request for the log from byte `from`.
    fn read(from: u64, status: StatusCode, headers: &HeaderMap) -> Result<Head, CallErrorKind> {
        let header = |name| {
            headers
                .get(name)
                .map(|value| String::from_utf8_lossy(value.as_bytes()))
        };
        if let Some(encoding) = header(CONTENT_ENCODING)
            && !encoding.trim().eq_ignore_ascii_case("identity")
        {
            return Err(invalid(format!(
                "the log came encoded as {encoding:?}, which was not asked for"
            )));
        }
        let content_length = match header(CONTENT_LENGTH) {
            Some(value) => Some(
                value
                    .trim()
                    .parse::<u64>()
                    .map_err(|_| invalid(format!("a Content-Length of {value:?}")))?,
            ),
            None => None,
        };
        let content_range = header(CONTENT_RANGE).map(|value| (parse_content_range(&value), value));
        match status {
            StatusCode::OK => match content_length {
                Some(length) if length < from => Err(CallErrorKind::LogShrank {
                    had: from,
                    now: length,
                }),
                length => Ok(Head::Whole { length }),
            },
            StatusCode::PARTIAL_CONTENT => {
                let is_multipart = header(CONTENT_TYPE).is_some_and(|value| {
                    value
                        .trim_start()
                        .to_ascii_lowercase()
                        .starts_with("multipart/")
                });
                if is_multipart {
                    return Err(invalid("a multipart 206 to a request for one range"));
                }
                let (first, last, length) = match content_range {
                    Some((Some(ContentRange::Bytes(part)), _)) => {
                        (part.first_byte, part.last_byte, Some(part.complete_length))
                    }
                    Some((Some(ContentRange::UnboundBytes(part)), _)) => {
                        (part.first_byte, part.last_byte, None)
                    }
                    Some((_, value)) => {
                        return Err(invalid(format!(
                            "a 206 whose Content-Range {value:?} is not a range of bytes"
                        )));
                    }
                    None => return Err(invalid("a 206 without Content-Range")),
                };
                if first != from {
                    return Err(invalid(format!(
                        "asked for the log from byte {from}, the 206 starts at byte {first}"
                    )));
                }
                if last == u64::MAX {
                    return Err(invalid("a 206 whose range ends past the largest offset"));
                }
                let part = last - first + 1;
                match content_length {
                    Some(body) if body != part => Err(invalid(format!(
                        "a 206 for bytes {first}-{last} ({part} bytes) with a body of {body} bytes"
                    ))),
                    body => Ok(Head::Part {
                        first,
                        last,
                        length,
                        framed: body.is_some(),
                    }),
                }
            }
            StatusCode::RANGE_NOT_SATISFIABLE => match content_range {
                None => Ok(Head::Past { length: None }),
                Some((Some(ContentRange::Unsatisfied(log)), _)) => {
                    let length = log.complete_length;
                    if length < from {
                        Err(CallErrorKind::LogShrank {
                            had: from,
                            now: length,
                        })
                    } else if length > from {
                        Err(invalid(format!(
                            "a 416 for byte {from} of a log it says is {length} bytes long"
                        )))
                    } else {
                        Ok(Head::Past {
                            length: Some(length),
                        })
                    }
                }
                Some((_, value)) => Err(invalid(format!(
                    "a 416 whose Content-Range {value:?} does not give the log's length"
                ))),
            },
            status => Err(invalid(format!("a {status} to a log read"))),
        }
    }
}

/// `Content-Range` as RFC 9110 defines it, the unit in any case (section 14.1: range units
/// are case-insensitive); `http-content-range` reads the rest, `*` lengths included.
fn parse_content_range(value: &str) -> Option<ContentRange> {
    let value = value.trim();
    let (unit, rest) = value.split_at_checked(5)?;
    if !unit.eq_ignore_ascii_case("bytes") {
        return None;
    }
    ContentRange::parse(&format!("bytes{rest}"))
}

/// Which bytes of a log answer's body may be written, chunk by chunk.
#[derive(Debug)]
struct Body {
    /// Where in the log the next byte of the body sits.
    at: u64,
    /// The first byte of the log to write.
    from: u64,
    shape: Shape,
}

#[derive(Debug)]
enum Shape {
    /// The whole log: the bytes before `from` are skipped.
    Whole,
    /// A part with `Content-Length`: its bytes are written as they come, up to `end`, the
    /// position after its last byte.
    Framed { end: u64 },
    /// A part without: held until the body ends, then written if it ended at `end`.
    Unframed { end: u64, held: Vec<u8> },
}

impl Body {
    fn new(from: u64, head: &Head) -> Body {
        let shape = match *head {
            Head::Whole { .. } | Head::Past { .. } => Shape::Whole,
            Head::Part {
                last, framed: true, ..
            } => Shape::Framed { end: last + 1 },
            Head::Part { last, .. } => Shape::Unframed {
                end: last + 1,
                held: Vec::new(),
            },
        };
        let at = match head {
            Head::Part { first, .. } => *first,
            _ => 0,
        };
        Body { at, from, shape }
    }

    /// Whether the body is a part without `Content-Length` too long to be held.
    fn too_long_to_hold(&self) -> bool {
        matches!(self.shape, Shape::Unframed { end, .. } if end - self.at > LONGEST_UNFRAMED_PART)
    }

    /// The bytes of `chunk`, the body's next, that may be written now.
    fn take<'c>(&mut self, chunk: &'c [u8]) -> Result<&'c [u8], CallErrorKind> {
        let start = self.at;
        let length = chunk.len() as u64;
        let after = start.saturating_add(length);
        match &mut self.shape {
            Shape::Whole => {
                self.at = after;
                let skip = self.from.saturating_sub(start).min(length) as usize;
                Ok(&chunk[skip..])
            }
            Shape::Framed { end } | Shape::Unframed { end, .. } if after > *end => {
                Err(invalid(format!(
                    "a 206 for bytes {}-{} whose body runs past its range",
                    self.from,
                    *end - 1
                )))
            }
            Shape::Framed { .. } => {
                self.at = after;
                Ok(chunk)
            }
            Shape::Unframed { held, .. } => {
                self.at = after;
                held.extend_from_slice(chunk);
                Ok(&[])
            }
        }
    }

    /// The rest to write now the body has ended: what was held, once the body proved to be
    /// its whole range.
    fn finish(&mut self) -> Result<Vec<u8>, CallErrorKind> {
        match &mut self.shape {
            Shape::Whole if self.at < self.from => Err(CallErrorKind::LogShrank {
                had: self.from,
                now: self.at,
            }),
            Shape::Whole => Ok(Vec::new()),
            Shape::Framed { end } | Shape::Unframed { end, .. } if self.at < *end => {
                Err(invalid(format!(
                    "a 206 for bytes {}-{} whose body ends after {} bytes",
                    self.from,
                    *end - 1,
                    self.at - self.from
                )))
            }
            Shape::Framed { .. } => Ok(Vec::new()),
            Shape::Unframed { held, .. } => Ok(std::mem::take(held)),
        }
    }

    /// Where the log read so far ends: the offset of the next byte to ask for.
    fn end(&self) -> u64 {
        self.at.max(self.from)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::headers;

    #[test]
    fn content_range_as_rfc_9110_has_it() {
        for (value, expected) in [
            ("bytes 1200-1799/1800", Some((1200, 1799, Some(1800)))),
            ("Bytes 1200-1799/1800", Some((1200, 1799, Some(1800)))),
            ("BYTES 0-0/1", Some((0, 0, Some(1)))),
            ("bytes 1200-2999/*", Some((1200, 2999, None))),
            ("bytes 1200-1799/1200", None),
            ("bytes 1800-1200/3000", None),
            ("bytes=1200-1799/1800", None),
            ("items 1200-1799/1800", None),
            ("bytes 1200-/1800", None),
            ("bytes +1200-1799/1800", None),
            ("bytes 99999999999999999999-1/2", None),
            ("byte", None),
            ("", None),
        ] {
            let parsed = parse_content_range(value).and_then(|range| match range {
                ContentRange::Bytes(part) => {
                    Some((part.first_byte, part.last_byte, Some(part.complete_length)))
                }
                ContentRange::UnboundBytes(part) => Some((part.first_byte, part.last_byte, None)),
                ContentRange::Unsatisfied(_) => None,
            });
            assert_eq!(parsed, expected, "{value:?}");
        }
        assert!(matches!(
            parse_content_range("bytes */1800"),
            Some(ContentRange::Unsatisfied(log)) if log.complete_length == 1800
        ));
    }

    /// Every head is placed or refused before a byte is written, and says why it is refused.
    #[test]
    fn heads_are_placed_or_refused() {
        let part = |first, last, length, framed| {
            Ok(Head::Part {
                first,
                last,
                length,
                framed,
            })
        };
        let invalid = |text: &str| Err(text.to_owned());
        let shrank = |had, now| Err(format!("shrank {had} {now}"));
        for (status, pairs, expected) in [
            (200, vec![], Ok(Head::Whole { length: None })),
            (
                200,
                vec![("content-length", "1800")],
                Ok(Head::Whole { length: Some(1800) }),
            ),
            (200, vec![("content-length", "1000")], shrank(1200, 1000)),
            (
                206,
                vec![
                    ("content-range", "bytes 1200-1799/1800"),
                    ("content-length", "600"),
                ],
                part(1200, 1799, Some(1800), true),
            ),
            (
                206,
                vec![("content-range", "bytes 1200-2999/*")],
                part(1200, 2999, None, false),
            ),
            (
                206,
                vec![
                    ("content-range", "bytes 1200-1799/1800"),
                    ("content-length", "1800"),
                ],
                invalid("a 206 for bytes 1200-1799 (600 bytes) with a body of 1800 bytes"),
            ),
            (
                206,
                vec![("content-range", "bytes 0-1799/1800")],
                invalid("asked for the log from byte 1200, the 206 starts at byte 0"),
            ),
            (
                206,
                vec![("content-range", "bytes 1300-1799/1800")],
                invalid("asked for the log from byte 1200, the 206 starts at byte 1300"),
            ),
            (206, vec![], invalid("a 206 without Content-Range")),
            (
                206,
                vec![("content-range", "1200-1799/1800")],
                invalid("a 206 whose Content-Range \"1200-1799/1800\" is not a range of bytes"),
            ),
            (
                206,
                vec![("content-range", "bytes */1800")],
                invalid("a 206 whose Content-Range \"bytes */1800\" is not a range of bytes"),
            ),
            (
                206,
                vec![
                    ("content-type", "multipart/byteranges; boundary=x"),
                    ("content-range", "bytes 1200-1799/1800"),
                ],
                invalid("a multipart 206 to a request for one range"),
            ),
            (
                206,
                vec![
                    ("content-encoding", "gzip"),
                    ("content-range", "bytes 1200-1799/1800"),
                ],
                invalid("the log came encoded as \"gzip\", which was not asked for"),
            ),
            (
                416,
                vec![("content-range", "bytes */1200")],
                Ok(Head::Past { length: Some(1200) }),
            ),
            (416, vec![], Ok(Head::Past { length: None })),
            (
                416,
                vec![("content-range", "bytes */900")],
                shrank(1200, 900),
            ),
            (
                416,
                vec![("content-range", "bytes */1800")],
                invalid("a 416 for byte 1200 of a log it says is 1800 bytes long"),
            ),
            (
                200,
                vec![("content-length", "many")],
                invalid("a Content-Length of \"many\""),
            ),
            (
                206,
                vec![("content-range", "bytes 1200-18446744073709551615/*")],
                invalid("a 206 whose range ends past the largest offset"),
            ),
        ] {
            let status = StatusCode::from_u16(status).unwrap();
            let head = Head::read(1200, status, &headers(&pairs)).map_err(|err| match err {
                CallErrorKind::InvalidBody(text) => text,
                CallErrorKind::LogShrank { had, now } => format!("shrank {had} {now}"),
                other => format!("{other:?}"),
            });
            assert_eq!(head, expected, "{status} {pairs:?}");
        }
    }

    /// What a body lets through, fed in chunks of every size.
    fn written(from: u64, head: Head, body: &[u8]) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        for size in 1..=body.len().max(1) {
            let mut check = Body::new(from, &head);
            let mut this = Vec::new();
            let mut failed = None;
            for chunk in body.chunks(size) {
                match check.take(chunk) {
                    Ok(ready) => this.extend_from_slice(ready),
                    Err(err) => {
                        failed = Some(format!("{err:?}"));
                        break;
                    }
                }
            }
            let outcome = match failed {
                Some(err) => Err(err),
                None => match check.finish() {
                    Ok(rest) => {
                        this.extend_from_slice(&rest);
                        Ok(())
                    }
                    Err(err) => Err(format!("{err:?}")),
                },
            };
            if size == 1 {
                out = this;
                outcome?;
            } else {
                assert_eq!(this, out, "chunks of {size}");
            }
        }
        Ok(out)
    }

    #[test]
    fn bodies_write_only_their_place() {
        let log: Vec<u8> = (0..30u8).collect();
        let whole = Head::Whole { length: None };
        assert_eq!(written(10, whole, &log).unwrap(), &log[10..]);
        assert!(written(40, whole, &log).unwrap_err().contains("LogShrank"));
        let part = |framed| Head::Part {
            first: 10,
            last: 19,
            length: Some(30),
            framed,
        };
        for framed in [true, false] {
            assert_eq!(
                written(10, part(framed), &log[10..20]).unwrap(),
                &log[10..20]
            );
            let longer = written(10, part(framed), &log[10..25]).unwrap_err();
            assert!(longer.contains("runs past its range"), "{longer}");
            let shorter = written(10, part(framed), &log[10..15]).unwrap_err();
            assert!(shorter.contains("ends after 5 bytes"), "{shorter}");
        }
    }
}

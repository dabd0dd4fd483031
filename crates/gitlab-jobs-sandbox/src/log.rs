//! The job log as GitLab serves it. A running job's live log comes from Rails, whole. A
//! finished job's log is archived and, where `ci_job_trace_api_archived_log_via_workhorse` is
//! on (19.5, by default from 19.6), served by Workhorse as a file: with `Accept-Ranges`, an
//! `ETag` and `Last-Modified`, a single `Range` answered 206 (416 past the end, with the
//! length), and `If-None-Match` answered 304, as Go's `http.ServeContent` does. Where it is
//! off, Rails serves an archived log whole too.

use std::convert::Infallible;

use axum::body::Body;
use axum::http::header::{
    ACCEPT_RANGES, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, ETAG,
    IF_NONE_MATCH, LAST_MODIFIED, RANGE,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use crate::errors::Failure;
use crate::query::{Query, parse_int};
use crate::store::Job;

/// A job's log: the chunks as they were written, so that appending costs the chunk and
/// serving any part of it copies nothing. Every change gives it a new generation, which its
/// `ETag` carries.
#[derive(Debug, Clone, Default)]
pub struct Log {
    chunks: Vec<Bytes>,
    len: usize,
    generation: u64,
}

impl Log {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends `bytes`.
    pub fn push(&mut self, bytes: impl Into<Bytes>) {
        let bytes = bytes.into();
        if bytes.is_empty() {
            return;
        }
        self.len += bytes.len();
        self.chunks.push(bytes);
        self.generation += 1;
    }

    /// Empties the log, as erasing a job does.
    pub fn clear(&mut self) {
        self.chunks.clear();
        self.len = 0;
        self.generation += 1;
    }

    /// The bytes `start..end`, as slices of the chunks.
    pub fn slice(&self, start: usize, end: usize) -> Vec<Bytes> {
        let mut parts = Vec::new();
        let mut offset = 0;
        for chunk in &self.chunks {
            let (from, to) = (offset, offset + chunk.len());
            offset = to;
            if to <= start || from >= end {
                continue;
            }
            parts.push(chunk.slice(start.max(from) - from..end.min(to) - from));
        }
        parts
    }

    /// The whole log, copied.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut all = Vec::with_capacity(self.len);
        self.chunks
            .iter()
            .for_each(|chunk| all.extend_from_slice(chunk));
        all
    }
}

impl From<Vec<u8>> for Log {
    fn from(bytes: Vec<u8>) -> Self {
        let mut log = Log::default();
        log.push(bytes);
        log
    }
}

impl From<Bytes> for Log {
    fn from(bytes: Bytes) -> Self {
        let mut log = Log::default();
        log.push(bytes);
        log
    }
}

impl From<&'static [u8]> for Log {
    fn from(bytes: &'static [u8]) -> Self {
        let mut log = Log::default();
        log.push(Bytes::from_static(bytes));
        log
    }
}

/// `byte_offset` and `byte_limit`, read where `ci_job_trace_api_range_via_workhorse` is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    offset: u64,
    limit: Option<u64>,
}

impl Window {
    /// The query's bounds, validated as Grape validates them whether the flag is on or not:
    /// an offset of at least 0, a limit of 1 to 512000.
    pub fn parse(query: &Query) -> Result<Option<Window>, Failure> {
        let number = |name: &str| match query.get(name) {
            None => Ok(None),
            Some(text) => parse_int(text)
                .map(Some)
                .ok_or_else(|| Failure::invalid(name)),
        };
        let offset = number("byte_offset")?;
        let limit = number("byte_limit")?;
        if offset.is_some_and(|offset| offset < 0) {
            return Err(Failure::invalid_value("byte_offset"));
        }
        if limit.is_some_and(|limit| !(1..=512_000).contains(&limit)) {
            return Err(Failure::invalid_value("byte_limit"));
        }
        Ok((offset.is_some() || limit.is_some()).then(|| Window {
            offset: offset.unwrap_or(0) as u64,
            limit: limit.map(|limit| limit as u64),
        }))
    }
}

/// What a request asks of the log, besides the job.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'r> {
    pub headers: &'r HeaderMap,
    /// Workhorse serves a finished job's archived log: ranges, `ETag` and `Last-Modified`.
    /// Otherwise Rails serves every log whole.
    pub archived_by_workhorse: bool,
    /// `Some` only where the feature flag is on.
    pub window: Option<Window>,
    /// Range a live log too.
    pub live_ranges: bool,
}

/// The answer to `GET /projects/:id/jobs/:job_id/trace` for `job`, and the body's length.
pub fn answer(job: &Job, ask: Ask<'_>) -> (Response, u64) {
    let log = &job.log;
    let archived = job.status.is_terminal() && ask.archived_by_workhorse;
    let ranged = archived || ask.live_ranges;
    let mut headers = HeaderMap::new();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    if let Ok(disposition) = HeaderValue::from_str(&format!("infile; filename=\"{}.log\"", job.id))
    {
        headers.insert(CONTENT_DISPOSITION, disposition);
    }
    if let Some(window) = ask.window {
        let start = (window.offset.min(log.len() as u64)) as usize;
        let end = match window.limit {
            Some(limit) => start.saturating_add(limit as usize).min(log.len()),
            None => log.len(),
        };
        return body(StatusCode::OK, headers, log.slice(start, end));
    }
    if !ranged {
        return body(StatusCode::OK, headers, log.slice(0, log.len()));
    }
    headers.insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if archived {
        if let Ok(tag) = HeaderValue::from_str(&etag(job.id, log)) {
            headers.insert(ETAG, tag);
        }
        if let Some(written) = job.finished_at {
            let at = std::time::UNIX_EPOCH
                + std::time::Duration::from_secs(written.timestamp().max(0) as u64);
            if let Ok(date) = HeaderValue::from_str(&httpdate::fmt_http_date(at)) {
                headers.insert(LAST_MODIFIED, date);
            }
        }
        let unchanged = match (ask.headers.get(IF_NONE_MATCH), headers.get(ETAG)) {
            (Some(wanted), Some(tag)) => etag_matches(wanted, tag),
            _ => false,
        };
        if unchanged {
            headers.remove(CONTENT_TYPE);
            headers.remove(CONTENT_DISPOSITION);
            return ((StatusCode::NOT_MODIFIED, headers).into_response(), 0);
        }
    }
    let length = log.len() as u64;
    let range = ask
        .headers
        .get(RANGE)
        .and_then(|value| value.to_str().ok())
        .map(|value| parse_range(value, length));
    match range {
        None | Some(Range::Whole) => body(StatusCode::OK, headers, log.slice(0, log.len())),
        Some(Range::Part(first, last)) => {
            if let Ok(value) = HeaderValue::from_str(&format!("bytes {first}-{last}/{length}")) {
                headers.insert(CONTENT_RANGE, value);
            }
            body(
                StatusCode::PARTIAL_CONTENT,
                headers,
                log.slice(first as usize, last as usize + 1),
            )
        }
        Some(Range::Unsatisfiable) => {
            if let Ok(value) = HeaderValue::from_str(&format!("bytes */{length}")) {
                headers.insert(CONTENT_RANGE, value);
            }
            headers.remove(CONTENT_DISPOSITION);
            headers.remove(ETAG);
            headers.remove(LAST_MODIFIED);
            body(
                StatusCode::RANGE_NOT_SATISFIABLE,
                headers,
                vec![Bytes::from_static(b"invalid range: failed to overlap\n")],
            )
        }
    }
}

/// An answer whose body is `parts`, streamed without copying them, with its length.
fn body(status: StatusCode, mut headers: HeaderMap, parts: Vec<Bytes>) -> (Response, u64) {
    let length: u64 = parts.iter().map(|part| part.len() as u64).sum();
    headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
    let stream = futures_util::stream::iter(parts.into_iter().map(Ok::<_, Infallible>));
    (
        (status, headers, Body::from_stream(stream)).into_response(),
        length,
    )
}

/// An archived log's entity tag: it changes when the log does.
fn etag(job_id: i64, log: &Log) -> String {
    format!("\"{job_id:x}-{:x}-{:x}\"", log.len(), log.generation)
}

/// `If-None-Match`: `*`, or a list of tags, weak or strong, compared weakly (RFC 9110).
fn etag_matches(wanted: &HeaderValue, tag: &HeaderValue) -> bool {
    let (Ok(wanted), Ok(tag)) = (wanted.to_str(), tag.to_str()) else {
        return false;
    };
    wanted.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == tag
    })
}

/// What a `Range` header asks of a representation of `length` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Range {
    /// No range GitLab serves as a part: another unit, or several ranges (answered whole).
    Whole,
    /// The bytes `first..=last`.
    Part(u64, u64),
    /// 416: a range past the end, or one that does not parse.
    Unsatisfiable,
}

fn parse_range(header: &str, length: u64) -> Range {
    let Some(spec) = header.trim().strip_prefix("bytes=") else {
        return Range::Whole;
    };
    if spec.contains(',') {
        return Range::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Range::Unsatisfiable;
    };
    let number = |text: &str| {
        let text = text.trim();
        (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse::<u64>().ok())
            .flatten()
    };
    match (first.trim().is_empty(), last.trim().is_empty()) {
        (true, true) => Range::Unsatisfiable,
        (true, false) => match number(last) {
            Some(suffix) if suffix > 0 && length > 0 => {
                Range::Part(length - suffix.min(length), length - 1)
            }
            _ => Range::Unsatisfiable,
        },
        (false, true) => match number(first) {
            Some(first) if first < length => Range::Part(first, length - 1),
            _ => Range::Unsatisfiable,
        },
        (false, false) => match (number(first), number(last)) {
            (Some(first), Some(last)) if first <= last && first < length => {
                Range::Part(first, last.min(length - 1))
            }
            _ => Range::Unsatisfiable,
        },
    }
}

/// `bytes` more bytes of log lines, each starting with its offset in the log, so that a
/// reader that writes a byte twice, or skips one, is seen at once.
pub fn grow(log: &mut Log, bytes: usize) {
    let start = log.len();
    let mut chunk = Vec::with_capacity(bytes);
    while chunk.len() < bytes {
        let line = format!(
            "{:012} \x1b[32msandbox\x1b[0m: the job writes on\n",
            start + chunk.len()
        );
        let room = bytes - chunk.len();
        chunk.extend_from_slice(&line.as_bytes()[..line.len().min(room)]);
    }
    log.push(chunk);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_as_go_serves_files() {
        for (header, length, range) in [
            ("bytes=0-99", 1000, Range::Part(0, 99)),
            ("bytes=990-", 1000, Range::Part(990, 999)),
            ("bytes=990-5000", 1000, Range::Part(990, 999)),
            ("bytes=-10", 1000, Range::Part(990, 999)),
            ("bytes=-5000", 1000, Range::Part(0, 999)),
            ("bytes=1000-", 1000, Range::Unsatisfiable),
            ("bytes=0-", 0, Range::Unsatisfiable),
            ("bytes=-0", 1000, Range::Unsatisfiable),
            ("bytes=5-4", 1000, Range::Unsatisfiable),
            ("bytes=-", 1000, Range::Unsatisfiable),
            ("bytes=+1-", 1000, Range::Unsatisfiable),
            ("bytes=a-b", 1000, Range::Unsatisfiable),
            ("bytes=99999999999999999999-", 1000, Range::Unsatisfiable),
            ("bytes=0-1,5-6", 1000, Range::Whole),
            ("lines=0-1", 1000, Range::Whole),
        ] {
            assert_eq!(parse_range(header, length), range, "{header} of {length}");
        }
    }

    #[test]
    fn a_grown_log_says_where_each_line_starts() {
        let mut log = Log::default();
        grow(&mut log, 100);
        grow(&mut log, 7);
        assert_eq!(log.len(), 107);
        assert!(log.to_vec().starts_with(b"000000000000 "));
        assert!(log.to_vec()[100..].starts_with(b"0000000"));
    }

    #[test]
    fn slices_cross_chunks_and_copy_nothing() {
        let mut log = Log::from(b"0123".to_vec());
        log.push(&b"4567"[..]);
        log.push(&b"89"[..]);
        let joined = |parts: Vec<Bytes>| parts.concat();
        assert_eq!(joined(log.slice(0, 10)), b"0123456789");
        assert_eq!(joined(log.slice(3, 9)), b"345678");
        assert_eq!(joined(log.slice(4, 8)), b"4567");
        assert_eq!(log.slice(4, 8).len(), 1);
        assert!(log.slice(10, 10).is_empty());
        let before = log.generation;
        log.clear();
        assert!(log.is_empty() && log.generation > before);
    }
}

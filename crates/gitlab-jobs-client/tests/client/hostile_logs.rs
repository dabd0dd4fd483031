//! Answers to a log read from byte 1200 of an 1800-byte log, honest and hostile, with what a
//! reader must make of each: the whole rest, or an error after writing only bytes of the log.
//! The client's and the command line's tests both run them (the latter through `#[path]`).

use super::hostile::{Framing, Raw, Seen};

/// A log whose bytes differ from their neighbours', so that a shifted part cannot pass for
/// the right one.
pub fn log_of(length: usize) -> Vec<u8> {
    (0..length).map(|i| (i * 7 + i / 251) as u8).collect()
}

/// Job 8 with `status`, as `get_job` answers it.
pub fn job(status: &str) -> Raw {
    let mut job: serde_json::Value = serde_json::from_str(include_str!(
        "../../../gitlab-jobs-schema/src/examples/get_job.json"
    ))
    .expect("the example job");
    job["id"] = 8.into();
    job["status"] = status.into();
    if !matches!(status, "success" | "failed" | "canceled" | "skipped") {
        job["finished_at"] = serde_json::Value::Null;
    }
    Raw::json(200, &job)
}

/// An honest 206 of `log` from `from` to its end.
pub fn part(log: &[u8], from: usize) -> Raw {
    Raw::new(206, &log[from..])
        .header("content-type", "text/plain")
        .header(
            "content-range",
            format!("bytes {from}-{}/{}", log.len() - 1, log.len()),
        )
}

/// What a read should come to.
#[derive(Debug, Clone, Copy)]
pub enum Expect {
    /// `Ok`, with every byte from the offset, and this length.
    All(Option<u64>),
    /// An error that says this.
    Refused(&'static str),
    /// `LogShrank` to this length.
    Shrank(u64),
}

/// How a server answers a request for the log it is given.
pub type Answer = fn(&[u8], &Seen) -> Raw;

pub struct Case {
    pub name: &'static str,
    pub answer: Answer,
    pub expect: Expect,
}

pub const FROM: usize = 1200;
pub const LENGTH: usize = 1800;

pub fn cases() -> Vec<Case> {
    use Expect::*;
    vec![
        Case {
            name: "206, Content-Length",
            answer: |log, _| part(log, FROM),
            expect: All(Some(1800)),
        },
        Case {
            name: "206, chunked",
            answer: |log, _| part(log, FROM).framing(Framing::Chunked),
            expect: All(Some(1800)),
        },
        Case {
            name: "206, until the connection closes",
            answer: |log, _| part(log, FROM).framing(Framing::UntilClose),
            expect: All(Some(1800)),
        },
        Case {
            name: "206, the unit in capitals",
            answer: |log, _| {
                Raw::new(206, &log[FROM..]).header("content-range", "BYTES 1200-1799/1800")
            },
            expect: All(Some(1800)),
        },
        Case {
            name: "206, a length of *",
            answer: |log, _| {
                Raw::new(206, &log[FROM..]).header("content-range", "bytes 1200-1799/*")
            },
            expect: All(None),
        },
        Case {
            name: "206 of a first piece, then of the rest",
            answer: |log, seen| {
                let from = seen.range_from() as usize;
                let end = (from + 250).min(log.len());
                Raw::new(206, &log[from..end]).header(
                    "content-range",
                    format!("bytes {from}-{}/{}", end - 1, log.len()),
                )
            },
            expect: All(Some(1800)),
        },
        Case {
            name: "200, the whole log",
            answer: |log, _| Raw::new(200, log),
            expect: All(Some(1800)),
        },
        Case {
            name: "200, the whole log, chunked",
            answer: |log, _| Raw::new(200, log).framing(Framing::Chunked),
            expect: All(Some(1800)),
        },
        Case {
            name: "206 of the whole log, labelled as its tail",
            answer: |log, _| Raw::new(206, log).header("content-range", "bytes 1200-1799/1800"),
            expect: Refused("with a body of 1800 bytes"),
        },
        Case {
            name: "206 of the whole log, labelled as its tail, chunked",
            answer: |log, _| {
                Raw::new(206, log)
                    .header("content-range", "bytes 1200-1799/1800")
                    .framing(Framing::Chunked)
            },
            expect: Refused("runs past its range"),
        },
        Case {
            name: "206 of the whole log, labelled as its tail, until close",
            answer: |log, _| {
                Raw::new(206, log)
                    .header("content-range", "bytes 1200-1799/1800")
                    .framing(Framing::UntilClose)
            },
            expect: Refused("runs past its range"),
        },
        Case {
            name: "206 of the whole log without Content-Range",
            answer: |log, _| Raw::new(206, log),
            expect: Refused("without Content-Range"),
        },
        Case {
            name: "206 with a Content-Range that cannot be read",
            answer: |log, _| {
                Raw::new(206, &log[FROM..]).header("content-range", "bytes 1200-/1800")
            },
            expect: Refused("is not a range of bytes"),
        },
        Case {
            name: "206 of a range past the log's length",
            answer: |log, _| {
                Raw::new(206, &log[FROM..]).header("content-range", "bytes 1200-1799/1500")
            },
            expect: Refused("is not a range of bytes"),
        },
        Case {
            name: "206 from byte 0",
            answer: |log, _| Raw::new(206, log).header("content-range", "bytes 0-1799/1800"),
            expect: Refused("the 206 starts at byte 0"),
        },
        Case {
            name: "206 from a later byte",
            answer: |log, _| {
                Raw::new(206, &log[1300..]).header("content-range", "bytes 1300-1799/1800")
            },
            expect: Refused("the 206 starts at byte 1300"),
        },
        Case {
            name: "206 whose Content-Length is shorter than its range",
            answer: |log, _| {
                Raw::new(206, &log[FROM..1500]).header("content-range", "bytes 1200-1799/1800")
            },
            expect: Refused("with a body of 300 bytes"),
        },
        Case {
            name: "206 that breaks off",
            answer: |log, _| part(log, FROM).framing(Framing::CutAfter(300)),
            expect: Refused("no answer"),
        },
        Case {
            name: "206 whose chunked body ends early",
            answer: |log, _| {
                Raw::new(206, &log[FROM..1500])
                    .header("content-range", "bytes 1200-1799/1800")
                    .framing(Framing::Chunked)
            },
            expect: Refused("whose body ends after 300 bytes"),
        },
        Case {
            name: "multipart 206",
            answer: |log, _| {
                let mut body = b"--x\r\ncontent-type: text/plain\r\ncontent-range: bytes 1200-1799/1800\r\n\r\n".to_vec();
                body.extend_from_slice(&log[FROM..]);
                body.extend_from_slice(b"\r\n--x--\r\n");
                Raw::new(206, body).header("content-type", "multipart/byteranges; boundary=x")
            },
            expect: Refused("multipart"),
        },
        Case {
            name: "206, gzip",
            answer: |log, _| part(log, FROM).header("content-encoding", "gzip"),
            expect: Refused("encoded"),
        },
        Case {
            name: "200 of a log shorter than what was read",
            answer: |log, _| Raw::new(200, &log[..1000]),
            expect: Shrank(1000),
        },
        Case {
            name: "200 of a log shorter than what was read, chunked",
            answer: |log, _| Raw::new(200, &log[..1000]).framing(Framing::Chunked),
            expect: Shrank(1000),
        },
        Case {
            name: "416 of a log shorter than what was read",
            answer: |_, _| Raw::new(416, "").header("content-range", "bytes */1000"),
            expect: Shrank(1000),
        },
        Case {
            name: "416 of a log longer than the offset",
            answer: |_, _| Raw::new(416, "").header("content-range", "bytes */1800"),
            expect: Refused("a 416 for byte 1200 of a log it says is 1800 bytes long"),
        },
        Case {
            name: "304 without If-None-Match",
            answer: |_, _| Raw::new(304, ""),
            expect: Refused("304 Not Modified"),
        },
    ]
}

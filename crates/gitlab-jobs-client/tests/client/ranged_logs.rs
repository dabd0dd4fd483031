//! Ranged log reads never drop or repeat a byte, whatever the server answers: what is written
//! is always a prefix of the log from the offset asked for, and `Ok` means all of it up to the
//! length the answer gave.

use std::sync::{Arc, Mutex};

use gitlab_jobs_client::{Auth, CallErrorKind, Client, RetryPolicy};
use proptest::prelude::*;

use super::hostile::{Framing, Hostile, Raw, Seen};
use super::hostile_logs::{Answer, Expect, FROM, LENGTH, cases, job, log_of};
use super::support::TOKEN;

fn client(server: &Hostile) -> Client {
    Client::with_auth(server.url(), Auth::private_token(TOKEN).unwrap())
        .unwrap()
        .with_retry_policy(RetryPolicy::none())
}

/// Checks what one read wrote and returned against `expect`.
fn check(
    name: &str,
    log: &[u8],
    from: usize,
    out: &[u8],
    outcome: Result<Option<u64>, gitlab_jobs_client::CallError>,
    expect: Expect,
) {
    assert!(
        log[from..].starts_with(out),
        "{name}: wrote {} bytes that are not the log's from byte {from}",
        out.len()
    );
    match (expect, outcome) {
        (Expect::All(length), Ok(read)) => {
            assert_eq!(out, &log[from..], "{name}: every byte from {from}");
            assert_eq!(read, length, "{name}: the length");
        }
        (Expect::Refused(says), Err(err)) => {
            assert!(err.to_string().contains(says), "{name}: {err}");
        }
        (Expect::Shrank(length), Err(err)) => {
            assert!(
                matches!(err.kind(), CallErrorKind::LogShrank { had, now } if *had == from as u64 && *now == length),
                "{name}: {err}"
            );
            assert!(out.is_empty(), "{name}: nothing written");
        }
        (expect, outcome) => panic!("{name}: expected {expect:?}, got {outcome:?}"),
    }
}

#[tokio::test]
async fn hostile_log_answers_never_write_a_wrong_byte() {
    let log = log_of(LENGTH);
    let current: Arc<Mutex<Option<Answer>>> = Arc::default();
    let answer = current.clone();
    let served = log.clone();
    let server = Hostile::start(move |seen| match seen.is_log() {
        true => answer.lock().unwrap().expect("a case")(&served, seen),
        false => job("success"),
    })
    .await;
    let gitlab = client(&server);
    for case in cases() {
        *current.lock().unwrap() = Some(case.answer);
        let before = server.seen().len();
        let mut out = Vec::new();
        let outcome = gitlab
            .write_log_from(1, 8, FROM as u64, &mut out)
            .await
            .map(|read| {
                assert_eq!(read.start + read.written, FROM as u64 + out.len() as u64);
                read.length
            });
        check(case.name, &log, FROM, &out, outcome, case.expect);
        // Each request asks for what is not yet written, and only that.
        let asked: Vec<_> = server.seen()[before..]
            .iter()
            .map(|seen| seen.range.clone().unwrap_or_default())
            .collect();
        let expected: &[&str] = match case.name {
            "206 of a first piece, then of the rest" => {
                &["bytes=1200-", "bytes=1450-", "bytes=1700-"]
            }
            _ => &["bytes=1200-"],
        };
        assert_eq!(asked, expected, "{}", case.name);
    }
}

/// The same answers to a follower that has already written the log's first 1200 bytes, as
/// after a first poll of a running job: what it writes on is the log's, from there.
#[tokio::test]
async fn hostile_log_answers_never_reach_a_followers_output() {
    let log = log_of(LENGTH);
    let current: Arc<Mutex<Option<Answer>>> = Arc::default();
    let answer = current.clone();
    let served = log.clone();
    let polls = Arc::new(Mutex::new(0));
    let counted = polls.clone();
    let server = Hostile::start(move |seen| {
        if !seen.is_log() {
            // First running, then finished.
            let mut polls = counted.lock().unwrap();
            *polls += 1;
            return job(if *polls % 2 == 1 {
                "running"
            } else {
                "success"
            });
        }
        match seen.range_from() {
            // The first poll: the log was 1200 bytes long then, and came whole.
            0 => Raw::new(200, &served[..FROM]),
            _ => answer.lock().unwrap().expect("a case")(&served, seen),
        }
    })
    .await;
    let gitlab = client(&server);
    for case in cases() {
        *current.lock().unwrap() = Some(case.answer);
        let mut out = Vec::new();
        let outcome = gitlab
            .follow_log(1, 8)
            .poll_interval(std::time::Duration::from_millis(1))
            .write_to(&mut out)
            .await;
        let name = case.name;
        assert!(
            log.starts_with(&out),
            "{name}: wrote bytes that are not the log's"
        );
        assert!(out.len() >= FROM, "{name}: the first poll's bytes");
        match (case.expect, outcome) {
            (Expect::All(_), Ok(_)) => assert_eq!(out, log, "{name}: the whole log"),
            (Expect::Refused(says), Err(err)) => {
                assert!(err.to_string().contains(says), "{name}: {err}")
            }
            (Expect::Shrank(length), Err(err)) => assert!(
                matches!(err.kind(), CallErrorKind::LogShrank { had, now } if *had == FROM as u64 && *now == length),
                "{name}: {err}"
            ),
            (expect, outcome) => panic!("{name}: expected {expect:?}, got {outcome:?}"),
        }
    }
}

/// How a generated server answers a log read.
#[derive(Debug, Clone)]
enum Behaviour {
    /// As GitLab does: a part of the rest (at most `piece` bytes of it), 416 past the end, the
    /// whole log to a request without `Range`.
    Honest { framing: Framing, piece: usize },
    /// The whole log, whatever was asked.
    Whole { framing: Framing },
    /// The whole log in a 206 whose `Content-Range` is this one of several.
    WholeAsPart { framing: Framing, label: usize },
    /// A part that starts `shift` bytes off from where it was asked, labelled truthfully.
    Shifted { shift: i64 },
    /// An honest head over a body cut to `keep` bytes.
    Cut { framing: Framing, keep: usize },
    /// The log, erased down to `length` bytes, served honestly.
    Shrunk { length: usize },
    /// A 416 that claims the log is `length` bytes long.
    Past { length: usize },
    /// The right part, in a multipart body.
    Multipart,
    /// 304 without a validator sent.
    NotModified,
}

fn framing() -> impl Strategy<Value = Framing> {
    prop_oneof![
        Just(Framing::Length),
        Just(Framing::Chunked),
        Just(Framing::UntilClose)
    ]
}

fn behaviour() -> impl Strategy<Value = Behaviour> {
    prop_oneof![
        (framing(), 1..3000usize).prop_map(|(framing, piece)| Behaviour::Honest { framing, piece }),
        framing().prop_map(|framing| Behaviour::Whole { framing }),
        (framing(), 0..4usize)
            .prop_map(|(framing, label)| Behaviour::WholeAsPart { framing, label }),
        (-50..50i64)
            .prop_filter("a shift", |shift| *shift != 0)
            .prop_map(|shift| Behaviour::Shifted { shift }),
        (framing(), 0..2000usize).prop_map(|(framing, keep)| Behaviour::Cut { framing, keep }),
        (0..2000usize).prop_map(|length| Behaviour::Shrunk { length }),
        (0..3000usize).prop_map(|length| Behaviour::Past { length }),
        Just(Behaviour::Multipart),
        Just(Behaviour::NotModified),
    ]
}

/// What a server behaving so answers a request for `log`.
fn answer(behaviour: &Behaviour, log: &[u8], seen: &Seen) -> Raw {
    let from = seen.range_from() as usize;
    let asked = seen.range.is_some();
    let honest = |log: &[u8], framing, piece: usize| {
        if !asked {
            return Raw::new(200, log).framing(framing);
        }
        if from >= log.len() {
            return Raw::new(416, "").header("content-range", format!("bytes */{}", log.len()));
        }
        let end = from.saturating_add(piece.max(1)).min(log.len());
        Raw::new(206, &log[from..end])
            .header(
                "content-range",
                format!("bytes {from}-{}/{}", end - 1, log.len()),
            )
            .framing(framing)
    };
    match *behaviour {
        Behaviour::Honest { framing, piece } => honest(log, framing, piece),
        Behaviour::Whole { framing } => Raw::new(200, log).framing(framing),
        Behaviour::WholeAsPart { framing, label } => {
            let last = log.len().max(from + 1) - 1;
            let labels = [
                format!("bytes {from}-{last}/{}", log.len()),
                format!("Bytes {from}-{last}/*"),
                "garbage".to_owned(),
                String::new(),
            ];
            let raw = Raw::new(206, log).framing(framing);
            match &labels[label] {
                label if label.is_empty() => raw,
                label => raw.header("content-range", label.as_str()),
            }
        }
        Behaviour::Shifted { shift } => {
            let first = (from as i64 + shift).clamp(0, log.len() as i64) as usize;
            if first >= log.len() {
                return Raw::new(416, "").header("content-range", format!("bytes */{}", log.len()));
            }
            Raw::new(206, &log[first..]).header(
                "content-range",
                format!("bytes {first}-{}/{}", log.len() - 1, log.len()),
            )
        }
        Behaviour::Cut { framing, keep } => {
            let mut raw = honest(log, framing, usize::MAX);
            let keep = keep.min(raw.body.len());
            match framing {
                Framing::Length => raw.framing = Framing::CutAfter(keep),
                _ => raw.body.truncate(keep),
            }
            raw
        }
        Behaviour::Shrunk { length } => {
            honest(&log[..length.min(log.len())], Framing::Length, usize::MAX)
        }
        Behaviour::Past { length } => {
            Raw::new(416, "").header("content-range", format!("bytes */{length}"))
        }
        Behaviour::Multipart => {
            let mut body = b"--x\r\ncontent-type: text/plain\r\n\r\n".to_vec();
            body.extend_from_slice(&log[from.min(log.len())..]);
            body.extend_from_slice(b"\r\n--x--\r\n");
            Raw::new(206, body).header("content-type", "multipart/byteranges; boundary=x")
        }
        Behaviour::NotModified => Raw::new(304, ""),
    }
}

/// Over random logs, offsets and server answers: what is written is a prefix of the log from
/// the offset (the log as served: an erased one is shorter), and `Ok` means all of it up to
/// the length the read reports; from an honest server, `Ok` and the whole rest of the log.
#[test]
fn whatever_the_server_answers_the_output_is_a_prefix_of_the_log() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    type Scene = (Vec<u8>, Behaviour);
    let scene: Arc<Mutex<Option<Scene>>> = Arc::default();
    let shown = scene.clone();
    let server = runtime.block_on(Hostile::start(move |seen| {
        let scene = shown.lock().unwrap();
        let (log, behaviour) = scene.as_ref().expect("a scene");
        answer(behaviour, log, seen)
    }));
    let gitlab = client(&server);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let strategy = (0..2500usize, 0..2600usize, behaviour());
    runner
        .run(&strategy, |(length, from, behaviour)| {
            let log = log_of(length);
            *scene.lock().unwrap() = Some((log.clone(), behaviour.clone()));
            let mut out = Vec::new();
            let outcome = runtime.block_on(gitlab.write_log_from(1, 8, from as u64, &mut out));
            let served = match behaviour {
                Behaviour::Shrunk { length } => log[..length.min(log.len())].to_vec(),
                _ => log.clone(),
            };
            let rest = served.get(from..).unwrap_or_default();
            prop_assert!(rest.starts_with(&out), "wrote bytes that are not the log's: {outcome:?}");
            if let Ok(read) = &outcome {
                prop_assert_eq!(read.written, out.len() as u64);
                if let Some(length) = read.length {
                    prop_assert_eq!(from as u64 + read.written, length, "Ok short of its length");
                }
            }
            let complete = match behaviour {
                Behaviour::Honest { .. } | Behaviour::Whole { .. } => from <= length,
                Behaviour::Shrunk { length } => from <= length.min(log.len()),
                _ => false,
            };
            if complete {
                prop_assert!(outcome.is_ok(), "an honest answer refused: {outcome:?}");
                prop_assert_eq!(out.as_slice(), rest);
            }
            let faithful = matches!(
                behaviour,
                Behaviour::Honest { .. } | Behaviour::Whole { .. } | Behaviour::Shrunk { .. }
            );
            if faithful && from > served.len() {
                prop_assert!(
                    matches!(&outcome, Err(err) if matches!(err.kind(), CallErrorKind::LogShrank { .. })),
                    "past the end of the log, not LogShrank: {outcome:?}"
                );
            }
            Ok(())
        })
        .unwrap();
}

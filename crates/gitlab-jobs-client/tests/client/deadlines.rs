//! A deadline bounds everything inside it: requests in flight, bodies being read, waits before
//! a retry. A call that cannot end in time fails as a timeout that says what it saw last.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gitlab_jobs_client::models::JobStatus;
use gitlab_jobs_client::{
    Auth, Call, CallError, CallErrorKind, Client, RetryWait, Timeouts, WaitReason,
};
use reqwest::StatusCode;

use super::hostile::{Framing, Hostile, Raw, Seen};
use super::hostile_logs::job;
use super::support::TOKEN;

/// The deadline of these tests, and how long past it a call may still be running: the time
/// to notice, not a second try.
const DEADLINE: Duration = Duration::from_millis(1500);
const GRACE: Duration = Duration::from_secs(2);

/// A client with the default retry policy, which would wait 30 seconds if told to.
fn client(server: &Hostile) -> Client {
    Client::with_auth(server.url(), Auth::private_token(TOKEN).unwrap()).unwrap()
}

fn throttled() -> Raw {
    Raw::new(429, "Retry later\n")
        .header("content-type", "text/plain")
        .header("retry-after", "30")
}

/// How the server misbehaves: what it answers for the job, and for its log.
struct Misbehaviour {
    name: &'static str,
    job: fn() -> Raw,
    log: fn() -> Raw,
    /// What the timeout says it saw last.
    saw: Saw,
}

#[derive(Debug, Clone, PartialEq)]
enum Saw {
    Nothing,
    Answer(StatusCode),
    Job(JobStatus),
    /// The job running, and the log's answer.
    JobAndAnswer(StatusCode),
}

fn misbehaviours() -> Vec<Misbehaviour> {
    vec![
        Misbehaviour {
            name: "the job's request hangs",
            job: || Raw::new(200, "").framing(Framing::Silent),
            log: || Raw::new(200, ""),
            saw: Saw::Nothing,
        },
        Misbehaviour {
            name: "a 429 asks for 30 seconds",
            job: throttled,
            log: || Raw::new(200, ""),
            saw: Saw::Answer(StatusCode::TOO_MANY_REQUESTS),
        },
        Misbehaviour {
            name: "the job's answer stalls after its head",
            job: || job("running").framing(Framing::Stall),
            log: || Raw::new(200, ""),
            saw: Saw::Nothing,
        },
        Misbehaviour {
            name: "the log's request hangs",
            job: || job("running"),
            log: || Raw::new(200, "").framing(Framing::Silent),
            saw: Saw::Job(JobStatus::Running),
        },
        Misbehaviour {
            name: "the log trickles forever",
            job: || job("running"),
            log: || Raw::new(200, "").framing(Framing::Trickle(100)),
            saw: Saw::JobAndAnswer(StatusCode::OK),
        },
        Misbehaviour {
            name: "the log is throttled",
            job: || job("running"),
            log: throttled,
            saw: Saw::JobAndAnswer(StatusCode::TOO_MANY_REQUESTS),
        },
        Misbehaviour {
            name: "the job runs on, answered promptly",
            job: || job("running"),
            log: || Raw::new(200, "still running\n"),
            saw: Saw::Job(JobStatus::Running),
        },
    ]
}

/// Serves `misbehaviour`'s answers.
async fn serving(misbehaviour: &Misbehaviour) -> Hostile {
    let (job, log) = (misbehaviour.job, misbehaviour.log);
    Hostile::start(move |seen: &Seen| if seen.is_log() { log() } else { job() }).await
}

/// Checks that `outcome` came by the deadline, as a timeout naming what was seen last.
fn timed_out(name: &str, started: Instant, outcome: Result<(), CallError>, saw: Saw) {
    let took = started.elapsed();
    assert!(took < DEADLINE + GRACE, "{name}: ended after {took:?}");
    let err = outcome.expect_err(name);
    let CallErrorKind::TimedOut {
        last_answer,
        job_status,
        ..
    } = err.kind()
    else {
        panic!("{name}: not a timeout: {err}");
    };
    let shown = err.to_string();
    match saw {
        Saw::Nothing => {
            assert_eq!((*last_answer, job_status), (None, &None), "{name}: {err}");
            assert!(shown.contains("no answer had come"), "{name}: {shown}");
        }
        Saw::Answer(status) => {
            assert_eq!(*last_answer, Some(status), "{name}: {err}");
            if !status.is_success() {
                assert!(shown.contains(&status.to_string()), "{name}: {shown}");
            }
        }
        Saw::Job(status) => {
            assert_eq!(job_status.as_ref(), Some(&status), "{name}: {err}");
            assert!(
                shown.contains(&format!("the job was {status}")),
                "{name}: {shown}"
            );
        }
        Saw::JobAndAnswer(status) => {
            assert_eq!(
                job_status.as_ref(),
                Some(&JobStatus::Running),
                "{name}: {err}"
            );
            assert_eq!(*last_answer, Some(status), "{name}: {err}");
        }
    }
}

#[tokio::test]
async fn a_follow_ends_by_its_timeout_whatever_the_server_does() {
    for misbehaviour in misbehaviours() {
        let server = serving(&misbehaviour).await;
        let gitlab = client(&server);
        let started = Instant::now();
        let mut out = Vec::new();
        let outcome = gitlab
            .follow_log(1, 8)
            .poll_interval(Duration::from_millis(200))
            .timeout(DEADLINE)
            .write_to(&mut out)
            .await
            .map(drop);
        timed_out(
            misbehaviour.name,
            started,
            outcome,
            misbehaviour.saw.clone(),
        );
    }
}

#[tokio::test]
async fn a_wait_ends_by_its_timeout_whatever_the_server_does() {
    for misbehaviour in misbehaviours() {
        // The wait reads only the job; what it saw of the log does not apply.
        let saw = match &misbehaviour.saw {
            Saw::JobAndAnswer(_) => Saw::Job(JobStatus::Running),
            saw => saw.clone(),
        };
        let server = serving(&misbehaviour).await;
        let gitlab = client(&server);
        let started = Instant::now();
        let outcome = gitlab
            .wait_for_terminal(1, 8, Duration::from_millis(200), DEADLINE)
            .await
            .map(drop);
        timed_out(misbehaviour.name, started, outcome, saw);
    }
}

/// With a whole-call time limit, a GET to a server that never answers fails once, by then,
/// instead of after two tries of 90 seconds; so does one told to wait 30 seconds.
#[tokio::test]
async fn a_whole_call_limit_bounds_tries_and_retries() {
    for (name, answer, saw) in [
        (
            "silent",
            (|| Raw::new(200, "").framing(Framing::Silent)) as fn() -> Raw,
            Saw::Nothing,
        ),
        (
            "throttled",
            throttled,
            Saw::Answer(StatusCode::TOO_MANY_REQUESTS),
        ),
    ] {
        let server = Hostile::start(move |_: &Seen| answer()).await;
        let gitlab = client(&server).with_timeouts(Timeouts {
            call: Some(DEADLINE),
            ..Timeouts::default()
        });
        let started = Instant::now();
        let outcome = gitlab.get_job().id(1).job_id(8).call().await.map(drop);
        timed_out(name, started, outcome, saw);
    }
}

/// A 429 is retried after what GitLab asks for; one that says nothing, after the rest of
/// GitLab's rate-limit minute, read from its `Date`; the caller hears of each wait first.
#[tokio::test]
async fn rate_limits_are_waited_out_and_told() {
    for (name, hint, reason) in [
        ("Retry-After", ("retry-after", "1"), WaitReason::Asked),
        (
            "only a Date, a second before the minute ends",
            ("date", "Sun, 06 Nov 1994 08:49:59 GMT"),
            WaitReason::RateLimitWindow,
        ),
    ] {
        let tries = Arc::new(Mutex::new(0));
        let counted = tries.clone();
        let server = Hostile::start(move |_: &Seen| {
            let mut tries = counted.lock().unwrap();
            *tries += 1;
            match *tries {
                1 => Raw::json(
                    429,
                    &serde_json::json!({"message": {"error": "This endpoint has been requested too many times. Try again later."}}),
                )
                .header(hint.0, hint.1),
                _ => job("success"),
            }
        })
        .await;
        let waits: Arc<Mutex<Vec<RetryWait>>> = Arc::default();
        let heard = waits.clone();
        let gitlab = client(&server).on_retry(move |wait| heard.lock().unwrap().push(wait.clone()));
        let job = gitlab.get_job().id(1).job_id(8).call().await;
        assert!(job.is_ok(), "{name}: {job:?}");
        let waits = waits.lock().unwrap();
        assert_eq!(waits.len(), 1, "{name}: {waits:?}");
        let wait = &waits[0];
        assert_eq!(
            (wait.operation, wait.attempt, wait.status, wait.reason),
            ("get_job", 1, Some(StatusCode::TOO_MANY_REQUESTS), reason),
            "{name}"
        );
        assert!(
            wait.wait >= Duration::from_secs(1) && wait.wait < Duration::from_secs(2),
            "{name}: {:?}",
            wait.wait
        );
    }
}

//! The binary against servers that misbehave: hostile log answers, requests that hang, rate
//! limits, and a server that echoes the token back.

use std::time::{Duration, Instant};

use gitlab_jobs_sandbox::{Config, Sandbox};

use super::hostile::{Framing, Hostile, Raw, Seen};
use super::hostile_logs::{Expect, FROM, cases, job, log_of};
use super::{command, jobs_from_ndjson, run_with};

const TOKEN: &str = "glpat-cli-test-token-0123";

/// `log -f` prints only the log's bytes, once each, whatever GitLab answers after its first
/// poll: on an answer that cannot be the log's, it stops with an error that says why.
#[tokio::test(flavor = "multi_thread")]
async fn log_follow_prints_only_the_logs_bytes() {
    let log = log_of(super::hostile_logs::LENGTH);
    for case in cases() {
        let served = log.clone();
        let answer = case.answer;
        let polls = std::sync::Mutex::new(0);
        let server = Hostile::start(move |seen: &Seen| {
            if !seen.is_log() {
                let mut polls = polls.lock().unwrap();
                *polls += 1;
                return job(if *polls == 1 { "running" } else { "success" });
            }
            match seen.range_from() {
                0 => Raw::new(200, &served[..FROM]),
                _ => answer(&served, seen),
            }
        })
        .await;
        let env = [("GITLAB_URL", server.url()), ("GITLAB_TOKEN", TOKEN)];
        let args = ["-p", "1", "log", "-f", "8", "--interval", "10ms"];
        let output = tokio::time::timeout(Duration::from_secs(60), command(&env, &args).output())
            .await
            .expect("log -f ends")
            .unwrap();
        let name = case.name;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            log.starts_with(&output.stdout),
            "{name}: printed bytes that are not the log's"
        );
        match case.expect {
            Expect::All(_) => {
                assert_eq!(output.status.code(), Some(0), "{name}: {stderr}");
                assert!(
                    output.stdout == log,
                    "{name}: the whole log, each byte once"
                );
            }
            Expect::Refused(says) => {
                assert_eq!(output.status.code(), Some(1), "{name}: {stderr}");
                assert!(stderr.contains(says), "{name}: {stderr}");
            }
            Expect::Shrank(length) => {
                assert_eq!(output.status.code(), Some(1), "{name}: {stderr}");
                assert!(
                    stderr.contains(&format!("the log is {length} bytes long now")),
                    "{name}: {stderr}"
                );
            }
        }
    }
}

/// `wait --timeout` ends by then with exit code 7, whatever the server does.
#[tokio::test(flavor = "multi_thread")]
async fn wait_ends_by_its_timeout_whatever_the_server_does() {
    let throttled = || {
        Raw::new(429, "Retry later\n")
            .header("content-type", "text/plain")
            .header("retry-after", "30")
    };
    /// A misbehaviour: its name, the job's answer, the log's, and whether the log is followed.
    type Case = (&'static str, fn() -> Raw, fn() -> Raw, bool);
    let cases: [Case; 8] = [
        (
            "the job's request hangs",
            || Raw::new(200, "").framing(Framing::Silent),
            || Raw::new(200, ""),
            false,
        ),
        (
            "a 429 asks for 30 seconds",
            throttled,
            || Raw::new(200, ""),
            false,
        ),
        (
            "the job's answer stalls",
            || job("running").framing(Framing::Stall),
            || Raw::new(200, ""),
            false,
        ),
        (
            "the job runs on",
            || job("running"),
            || Raw::new(200, ""),
            false,
        ),
        (
            "the log trickles, followed",
            || job("running"),
            || Raw::new(200, "").framing(Framing::Trickle(100)),
            true,
        ),
        (
            "the log's request hangs, followed",
            || job("running"),
            || Raw::new(200, "").framing(Framing::Silent),
            true,
        ),
        (
            "the log is throttled, followed",
            || job("running"),
            throttled,
            true,
        ),
        (
            "the job runs on, followed",
            || job("running"),
            || Raw::new(200, "going on\n"),
            true,
        ),
    ];
    for (name, job_answer, log_answer, follow) in cases {
        let server = Hostile::start(move |seen: &Seen| match seen.is_log() {
            true => log_answer(),
            false => job_answer(),
        })
        .await;
        let env = [("GITLAB_URL", server.url()), ("GITLAB_TOKEN", TOKEN)];
        let mut args = vec![
            "-p",
            "1",
            "wait",
            "8",
            "--timeout",
            "2s",
            "--interval",
            "300ms",
        ];
        if follow {
            args.push("--follow");
        }
        let started = Instant::now();
        let run = run_with(&env, &args).await;
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(5),
            "{name}: ended after {took:?}"
        );
        assert_eq!(run.code, 7, "{name}: {run:?}");
        assert!(
            run.stderr.contains("had not stopped within 2s")
                || run.stderr.contains("gave up waiting after 2s"),
            "{name}: {}",
            run.stderr
        );
    }
}

/// A long listing outlasts GitLab's rate limit on the project job list: it waits for the
/// window GitLab names and goes on, and with `--verbose` says so.
#[tokio::test(flavor = "multi_thread")]
async fn a_long_listing_outlasts_the_rate_limit() {
    let sandbox = Sandbox::start(Config {
        jobs: 1000,
        jobs_rate_limit: 4,
        rate_limit_interval: Duration::from_secs(1),
        ..Config::default()
    })
    .await
    .unwrap();
    let run = super::run(&sandbox, &["-v", "list", "-o", "ndjson"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let jobs = jobs_from_ndjson(&run.stdout);
    assert!(jobs.len() >= 1000, "{} jobs", jobs.len());
    let mut ids: Vec<i64> = jobs.iter().map(|job| job.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), jobs.len(), "each job once");
    assert!(
        run.stderr
            .contains("GitLab's rate limit (429): trying list_project_jobs again in 1s"),
        "{}",
        run.stderr
    );
}

/// A server that puts the token in its messages and its jobs' names never gets it shown.
#[tokio::test(flavor = "multi_thread")]
async fn a_token_the_server_echoes_is_never_shown() {
    let server = Hostile::start(|seen: &Seen| {
        if seen.is_log() {
            // The token across the first chunk's end, and again on the last line.
            let log = format!("{}{TOKEN}\n$ echo {TOKEN}\n", "x".repeat(500));
            return Raw::new(200, log).framing(Framing::Chunked);
        }
        if seen.method == "POST" {
            return Raw::json(
                403,
                &serde_json::json!({"message": format!("403 Forbidden - {TOKEN} may not")}),
            );
        }
        let mut job: serde_json::Value = serde_json::from_slice(&job("success").body).unwrap();
        job["name"] = format!("deploy with {TOKEN}").into();
        job["ref"] = TOKEN.into();
        match seen.target.starts_with("/api/v4/projects/1/jobs/8") {
            true => Raw::json(200, &job),
            false => Raw::json(200, &serde_json::json!([job])),
        }
    })
    .await;
    let env = [("GITLAB_URL", server.url()), ("GITLAB_TOKEN", TOKEN)];
    for args in [
        &["-p", "1", "log", "8"][..],
        &["-p", "1", "log", "-f", "8"],
        &["-p", "1", "get", "8"],
        &["-p", "1", "retry", "8"],
        &["-p", "1", "list"],
        &["-p", "1", "list", "-o", "json"],
        &["-p", "1", "-v", "list", "-o", "ndjson"],
    ] {
        // run_with fails the test if the token shows anywhere.
        let run = run_with(&env, args).await;
        let shown = format!("{}{}", run.stdout, run.stderr);
        assert!(shown.contains("[REDACTED]"), "{args:?}: {shown}");
    }
}

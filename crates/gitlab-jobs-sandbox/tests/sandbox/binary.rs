//! The sandbox as a program, from outside: a log that grows while it runs can be followed to
//! its end, and options it cannot take are refused with a usage error.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures::TryStreamExt;
use gitlab_jobs_client::models::{JobScope, JobStatus};
use gitlab_jobs_client::{Client, RetryPolicy};

const SANDBOX: &str = env!("CARGO_BIN_EXE_gitlab-jobs-sandbox");

/// The running program, stopped when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the program with `args`; its API's URL, which it prints first.
fn start(args: &[&str]) -> (Running, String) {
    let mut child = Command::new(SANDBOX)
        .args(["--port", "0", "--jobs", "50"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the sandbox starts");
    let stdout = child.stdout.take().expect("piped");
    let mut stdout = BufReader::new(stdout);
    let mut line = String::new();
    stdout
        .read_line(&mut line)
        .expect("the sandbox prints its URL");
    // The rest of what it prints is read, so that it never writes to a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    (Running(child), line.trim().to_owned())
}

#[tokio::test]
async fn a_log_that_grows_in_the_running_program_is_followed_to_its_end() {
    let (_sandbox, url) = start(&[
        "--grow-logs",
        "4096",
        "--grow-every-ms",
        "10",
        "--finish-at",
        "262144",
        "--live-log-ranges",
    ]);
    let gitlab = Client::with_private_token(&url, "glpat-sandbox-root")
        .unwrap()
        .with_retry_policy(RetryPolicy::none());
    let running = gitlab
        .project_jobs(1)
        .scope([JobScope::Running])
        .stream()
        .try_next()
        .await
        .unwrap()
        .expect("a running job");
    let mut out = Vec::new();
    let job = tokio::time::timeout(
        Duration::from_secs(60),
        gitlab
            .follow_log(1, running.id)
            .poll_interval(Duration::from_millis(20))
            .write_to(&mut out),
    )
    .await
    .expect("the job ends and the follower stops")
    .unwrap();
    assert_eq!(job.status, JobStatus::Success);
    assert!(out.len() >= 262_144, "{} bytes", out.len());
    // The whole log, each byte once: the same as reading it again, now that it is archived.
    let mut again = Vec::new();
    gitlab.write_log(1, running.id, &mut again).await.unwrap();
    assert!(out == again, "the follower wrote the log as it is");
}

#[test]
fn options_it_cannot_take_are_usage_errors() {
    for args in [
        &["--feature", "no_such_flag"][..],
        &["--grow-every-ms", "10"],
        &["--grow-logs", "100", "--grow-every-ms", "0"],
    ] {
        let status = Command::new(SANDBOX)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(2), "{args:?}");
    }
}

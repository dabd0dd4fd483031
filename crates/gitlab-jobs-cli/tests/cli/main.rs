//! The `gitlab-jobs` binary, run as a person or a script runs it, against the sandbox.

use std::process::Stdio;
use std::time::Duration;

use gitlab_jobs_client::models::{Job, JobStatus};
use gitlab_jobs_sandbox::{Config, GrowLogs, Sandbox, data, store};
use tokio::io::AsyncBufReadExt;

mod artifacts;
mod completions;
mod daily;
#[allow(dead_code)]
#[path = "../../../gitlab-jobs-client/tests/client/hostile.rs"]
mod hostile;
#[allow(dead_code)]
#[path = "../../../gitlab-jobs-client/tests/client/hostile_logs.rs"]
mod hostile_logs;
#[cfg(unix)]
mod terminal;
mod unreliable;
mod verify;
mod watch;

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The binary with a clean environment: none of the caller's GitLab or CI variables, and
/// outside any git checkout, whose remote it would read.
pub fn command(env: &[(&str, &str)], args: &[&str]) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_gitlab-jobs"));
    command
        .args(args)
        .current_dir(std::env::temp_dir())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .kill_on_drop(true);
    command
}

/// Runs the binary with `env`, and checks that no token of `env` shows in what it printed.
pub async fn run_with(env: &[(&str, &str)], args: &[&str]) -> Run {
    let output = tokio::time::timeout(Duration::from_secs(60), command(env, args).output())
        .await
        .unwrap_or_else(|_| panic!("gitlab-jobs {args:?} finishes within a minute"))
        .expect("the binary runs");
    let run = Run {
        code: output.status.code().expect("an exit code, not a signal"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    for (name, value) in env {
        if name.contains("TOKEN") {
            for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
                assert!(
                    !text.contains(value),
                    "{name} shows in the {stream} of gitlab-jobs {args:?}:\n{text}"
                );
            }
        }
    }
    run
}

/// Runs the binary as `root` on `acme/platform/api`.
pub async fn run(sandbox: &Sandbox, args: &[&str]) -> Run {
    run_as(sandbox, &sandbox.config().tokens.root, args).await
}

async fn run_as(sandbox: &Sandbox, token: &str, args: &[&str]) -> Run {
    let mut all = vec!["--project", "acme/platform/api"];
    all.extend_from_slice(args);
    run_with(
        &[("GITLAB_URL", sandbox.url()), ("GITLAB_TOKEN", token)],
        &all,
    )
    .await
}

pub async fn start(config: Config) -> Sandbox {
    Sandbox::start(Config {
        jobs_rate_limit: 0,
        ..config
    })
    .await
    .expect("the sandbox starts")
}

/// The newest build of `acme/platform/api` that `wanted` picks.
pub fn find(sandbox: &Sandbox, wanted: impl Fn(&store::Job) -> bool) -> i64 {
    sandbox.with_store(|store| {
        store
            .jobs
            .values()
            .rev()
            .find(|job| job.is_build() && job.project_id == data::projects::API && wanted(job))
            .map(|job| job.id)
            .expect("the seeded data has such a job")
    })
}

fn status_of(sandbox: &Sandbox, id: i64) -> JobStatus {
    sandbox.with_store(|store| store.jobs[&id].status.clone())
}

/// The IDs of `jobs`: a running job's duration grows between two runs, its ID does not.
fn ids<'a>(jobs: impl IntoIterator<Item = &'a Job>) -> Vec<i64> {
    jobs.into_iter().map(|job| job.id).collect()
}

fn jobs_from_ndjson(text: &str) -> Vec<Job> {
    text.lines()
        .map(|line| serde_json::from_str(line).expect("each line is a job"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn list_prints_a_table_json_and_ndjson_of_the_same_jobs() {
    let sandbox = start(Config::default()).await;
    let ndjson = run(&sandbox, &["list", "--output", "ndjson"]).await;
    assert_eq!(ndjson.code, 0, "{ndjson:?}");
    let jobs = jobs_from_ndjson(&ndjson.stdout);
    assert_eq!(jobs.len(), 200, "every build of the project");
    assert!(
        jobs.windows(2).all(|pair| pair[0].id > pair[1].id),
        "newest first"
    );

    let json = run(&sandbox, &["list", "-o", "json"]).await;
    let from_json: Vec<Job> = serde_json::from_str(&json.stdout).expect("one JSON array");
    assert_eq!(ids(&from_json), ids(&jobs));

    let table = run(&sandbox, &["list", "--limit", "5"]).await;
    assert_eq!(table.code, 0, "{table:?}");
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), 6, "a header and five jobs:\n{}", table.stdout);
    for header in [
        "ID",
        "STATUS",
        "STAGE",
        "NAME",
        "REF",
        "DURATION",
        "FAILURE REASON",
    ] {
        assert!(lines[0].contains(header), "{}", lines[0]);
    }
    for (line, job) in lines[1..].iter().zip(&jobs) {
        let cells: Vec<&str> = line
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(cells[0], job.id.to_string());
        assert_eq!(cells[1], job.status.as_str());
        assert_eq!(cells[3], job.name);
    }
    assert!(!table.stdout.contains('\x1b'), "no colors when piped");
    assert!(
        table.stderr.is_empty(),
        "no progress when piped: {}",
        table.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn list_filters_by_status_ref_name_and_pipeline() {
    let sandbox = start(Config::default()).await;
    let all = jobs_from_ndjson(&run(&sandbox, &["list", "-o", "ndjson"]).await.stdout);

    let failed = run(
        &sandbox,
        &[
            "list", "-o", "ndjson", "--scope", "failed", "--scope", "skipped",
        ],
    )
    .await;
    let failed = jobs_from_ndjson(&failed.stdout);
    let expected: Vec<&Job> = all
        .iter()
        .filter(|job| matches!(job.status, JobStatus::Failed | JobStatus::Skipped))
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(ids(&failed), ids(expected));

    let tagged = jobs_from_ndjson(
        &run(&sandbox, &["list", "-o", "ndjson", "--ref", "v1.0.0"])
            .await
            .stdout,
    );
    assert!(!tagged.is_empty());
    assert_eq!(
        ids(&tagged),
        ids(all.iter().filter(|job| job.r#ref == "v1.0.0"))
    );

    let rspec = run(
        &sandbox,
        &["list", "-o", "ndjson", "--name", "rspec*", "--limit", "7"],
    )
    .await;
    let rspec = jobs_from_ndjson(&rspec.stdout);
    assert_eq!(
        ids(&rspec),
        ids(all
            .iter()
            .filter(|job| job.name.starts_with("rspec"))
            .take(7))
    );

    let pipeline = all[0].pipeline.as_ref().unwrap().id;
    let of_pipeline = run(
        &sandbox,
        &[
            "list",
            "-o",
            "ndjson",
            "--pipeline",
            &pipeline.to_string(),
            "--no-trigger-jobs",
        ],
    )
    .await;
    let of_pipeline = jobs_from_ndjson(&of_pipeline.stdout);
    let mut expected: Vec<i64> = all
        .iter()
        .filter(|job| job.pipeline.as_ref().unwrap().id == pipeline)
        .map(|job| job.id)
        .collect();
    expected.sort_unstable();
    let mut got: Vec<i64> = of_pipeline.iter().map(|job| job.id).collect();
    got.sort_unstable();
    assert_eq!(got, expected);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_is_named_by_id_by_name_in_a_pipeline_or_by_name_on_a_ref() {
    let sandbox = start(Config::default()).await;
    let running = find(&sandbox, |job| job.status == JobStatus::Running);
    let (pipeline, name) = sandbox.with_store(|store| {
        (
            store.jobs[&running].pipeline_id,
            store.jobs[&running].name.clone(),
        )
    });

    let by_id = run(&sandbox, &["get", &running.to_string(), "-o", "json"]).await;
    assert_eq!(by_id.code, 0, "{by_id:?}");
    let job: Job = serde_json::from_str(&by_id.stdout).unwrap();
    assert_eq!((job.id, job.name.as_str()), (running, name.as_str()));

    let in_pipeline = run(
        &sandbox,
        &[
            "get",
            &name,
            "--pipeline",
            &pipeline.to_string(),
            "-o",
            "ndjson",
        ],
    )
    .await;
    assert_eq!(
        jobs_from_ndjson(&in_pipeline.stdout)[0].id,
        running,
        "{in_pipeline:?}"
    );

    // The newest pipeline on main is the live one.
    let on_ref = run(&sandbox, &["get", &name, "--ref", "main", "--verbose"]).await;
    assert_eq!(on_ref.code, 0, "{on_ref:?}");
    assert!(
        on_ref.stdout.contains(&format!("job  {running}"))
            || on_ref.stdout.contains(&running.to_string())
    );
    assert!(
        on_ref.stderr.contains(&format!("is job {running}")),
        "{}",
        on_ref.stderr
    );

    // A pattern that names two jobs lists them, and names none.
    let ambiguous = run(
        &sandbox,
        &["get", "rspec*", "--pipeline", &pipeline.to_string()],
    )
    .await;
    assert_eq!(ambiguous.code, 1, "{ambiguous:?}");
    assert_eq!(ambiguous.stderr.lines().count(), 1, "{}", ambiguous.stderr);
    assert!(
        ambiguous.stderr.contains("names 2 jobs"),
        "{}",
        ambiguous.stderr
    );
    assert!(
        ambiguous.stderr.contains("\"rspec 1/2\"") && ambiguous.stderr.contains("\"rspec 2/2\"")
    );

    let missing = run(&sandbox, &["get", "no-such-job", "--ref", "main"]).await;
    assert_eq!(missing.code, 1);
    assert!(
        missing
            .stderr
            .contains("no job named \"no-such-job\" on \"main\""),
        "{}",
        missing.stderr
    );

    let unnamed = run(&sandbox, &["get", "rspec 1/2"]).await;
    assert_eq!(
        unnamed.code, 2,
        "a name needs --pipeline or --ref: {unnamed:?}"
    );
    assert!(unnamed.stderr.contains("--pipeline"), "{}", unnamed.stderr);
    assert!(unnamed.stderr.contains("Usage:"), "{}", unnamed.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_retry_erase_and_play_act_and_print_the_job() {
    let sandbox = start(Config::default()).await;

    let pending = find(&sandbox, |job| job.status == JobStatus::Pending);
    let cancel = run(&sandbox, &["cancel", &pending.to_string()]).await;
    assert_eq!(cancel.code, 0, "{cancel:?}");
    assert_eq!(status_of(&sandbox, pending), JobStatus::Canceled);
    assert!(
        cancel.stdout.contains("status") && cancel.stdout.contains("canceled"),
        "{}",
        cancel.stdout
    );

    let canceling = find(&sandbox, |job| job.status == JobStatus::Canceling);
    let force = run(
        &sandbox,
        &["cancel", "--force", &canceling.to_string(), "-o", "json"],
    )
    .await;
    assert_eq!(force.code, 0, "{force:?}");
    assert_eq!(
        serde_json::from_str::<Job>(&force.stdout).unwrap().status,
        JobStatus::Canceled
    );

    let failed = find(&sandbox, |job| {
        job.status == JobStatus::Failed && !job.archived && !job.retried
    });
    let retry = run(&sandbox, &["retry", &failed.to_string(), "-o", "json"]).await;
    assert_eq!(retry.code, 0, "{retry:?}");
    let new = serde_json::from_str::<Job>(&retry.stdout).unwrap();
    assert!(new.id > failed);
    assert!(sandbox.with_store(|store| store.jobs[&failed].retried));

    let finished = find(&sandbox, |job| {
        job.status == JobStatus::Success && !job.archived && !job.log.is_empty()
    });
    let erase = run(&sandbox, &["erase", &finished.to_string()]).await;
    assert_eq!(erase.code, 0, "{erase:?}");
    assert!(
        erase.stdout.starts_with(&format!("job {finished} erased")),
        "{}",
        erase.stdout
    );
    assert!(sandbox.with_store(|store| store.jobs[&finished].log.is_empty()));

    let manual = find(&sandbox, |job| {
        job.status == JobStatus::Manual && !job.archived
    });
    let play = run(
        &sandbox,
        &[
            "play",
            &manual.to_string(),
            "--var",
            "TARGET=eu-west=1",
            "--var",
            "DRY_RUN=",
            // Typed as the job's spec:inputs say; the sandbox refuses a value of another type.
            "--input",
            "replicas=3",
            "--input",
            "regions=[\"eu\", \"us\"]",
            "--input",
            "canary=true",
            "-o",
            "json",
        ],
    )
    .await;
    assert_eq!(play.code, 0, "{play:?}");
    assert_eq!(status_of(&sandbox, manual), JobStatus::Pending);
    let variables = sandbox.with_store(|store| store.jobs[&manual].variables.to_vec());
    assert_eq!(
        variables,
        [
            ("TARGET".into(), "eu-west=1".into()),
            ("DRY_RUN".into(), String::new())
        ]
    );

    // A manual trigger job is played too, and printed as the trigger job it is.
    let bridge = sandbox.with_store(|store| {
        store
            .jobs
            .values()
            .find(|job| !job.is_build() && job.status == JobStatus::Manual)
            .map(|job| job.id)
            .expect("the live pipeline has a manual trigger job")
    });
    let play = run(&sandbox, &["play", &bridge.to_string()]).await;
    assert_eq!(play.code, 0, "{play:?}");
    assert!(
        play.stdout.starts_with(&format!("job {bridge} started\n")),
        "{}",
        play.stdout
    );
    assert!(play.stdout.contains("trigger:website"), "{}", play.stdout);
    assert_ne!(status_of(&sandbox, bridge), JobStatus::Manual);
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_exits_with_a_code_for_each_way_a_job_ends() {
    let sandbox = start(Config {
        future_values: true,
        ..Config::default()
    })
    .await;
    let success = find(&sandbox, |job| job.status == JobStatus::Success);
    let failed = find(&sandbox, |job| job.status == JobStatus::Failed);
    let skipped = find(&sandbox, |job| job.status == JobStatus::Skipped);
    let manual = find(&sandbox, |job| job.status == JobStatus::Manual);
    let unknown = find(&sandbox, |job| !job.status.is_known());
    let pending = find(&sandbox, |job| job.status == JobStatus::Pending);
    sandbox.with_store(|store| store.cancel(pending, false, store::now()));
    assert_eq!(status_of(&sandbox, pending), JobStatus::Canceled);
    for (job, code, says) in [
        (success, 0, "success"),
        (failed, 3, "failed"),
        (pending, 4, "canceled"),
        (skipped, 5, "skipped"),
        (manual, 6, "manual"),
        (unknown, 8, data::future::STATUS),
    ] {
        let wait = run(&sandbox, &["wait", &job.to_string()]).await;
        assert_eq!(wait.code, code, "{job} ends {says}: {wait:?}");
        assert!(
            wait.stdout.starts_with(&format!("job {job} (")),
            "{}",
            wait.stdout
        );
        assert!(wait.stdout.contains(says), "{}", wait.stdout);
        let json = run(&sandbox, &["wait", &job.to_string(), "-o", "json"]).await;
        assert_eq!(json.code, code);
        assert_eq!(serde_json::from_str::<Job>(&json.stdout).unwrap().id, job);
    }

    let running = find(&sandbox, |job| job.status == JobStatus::Running);
    let timeout = run(
        &sandbox,
        &[
            "wait",
            &running.to_string(),
            "--timeout",
            "300ms",
            "--interval",
            "100ms",
        ],
    )
    .await;
    assert_eq!(timeout.code, 7, "{timeout:?}");
    assert!(
        timeout
            .stderr
            .contains(&format!("job {running} had not stopped within 300ms")),
        "{}",
        timeout.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn log_follow_and_wait_follow_print_a_growing_log_and_stop_with_the_job() {
    let sandbox = start(Config {
        grow_logs: Some(GrowLogs {
            every: Duration::from_millis(20),
            bytes: 4096,
            finish_at: Some(256 << 10),
        }),
        ..Config::default()
    })
    .await;
    let running: Vec<i64> = sandbox.with_store(|store| {
        store
            .jobs
            .values()
            .filter(|job| job.is_build() && job.status == JobStatus::Running)
            .map(|job| job.id)
            .collect()
    });
    let [first, second] = running[..] else {
        panic!("two running jobs: {running:?}");
    };
    let (first_id, second_id) = (first.to_string(), second.to_string());
    let log_args = ["log", "-f", &first_id, "--interval", "50ms"];
    let wait_args = ["wait", "--follow", &second_id, "--interval", "50ms"];
    let (log, wait) = tokio::join!(run(&sandbox, &log_args), run(&sandbox, &wait_args));
    for (id, run) in [(first, log), (second, wait)] {
        assert_eq!(run.code, 0, "{run:?}");
        let written = sandbox.with_store(|store| store.jobs[&id].log.to_vec());
        assert!(written.len() >= 256 << 10);
        assert!(
            run.stdout.as_bytes() == written,
            "job {id}: the whole log, each byte once"
        );
    }
    assert_eq!(status_of(&sandbox, second), JobStatus::Success);

    let plain = run(&sandbox, &["log", &first.to_string()]).await;
    assert_eq!(
        plain.stdout.as_bytes(),
        sandbox.with_store(|store| store.jobs[&first].log.to_vec())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn refusals_are_one_line_with_the_status_and_never_the_token() {
    let sandbox = start(Config::default()).await;
    let tokens = sandbox.config().tokens.clone();
    let running = find(&sandbox, |job| job.status == JobStatus::Running);

    let unknown = run_as(
        &sandbox,
        "glpat-not-a-token-of-anyone",
        &["get", &running.to_string()],
    )
    .await;
    assert_eq!(unknown.code, 1, "{unknown:?}");
    assert!(unknown.stderr.contains("401"), "{}", unknown.stderr);

    let reporter = run_as(
        &sandbox,
        &tokens.reporter,
        &["cancel", &running.to_string()],
    )
    .await;
    assert_eq!(reporter.code, 1, "{reporter:?}");
    assert!(
        reporter.stderr.contains(&format!("job {running}")),
        "{}",
        reporter.stderr
    );
    assert!(reporter.stderr.contains("403"), "{}", reporter.stderr);

    let missing = run(&sandbox, &["get", "999999"]).await;
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("job 999999") && missing.stderr.contains("404"),
        "{}",
        missing.stderr
    );

    for run in [unknown, reporter, missing] {
        assert!(run.stdout.is_empty(), "{run:?}");
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    }

    // --verbose, --help and a token that cannot be sent: the token shows in none of them
    // (run_with checks every run).
    let verbose = run(&sandbox, &["-v", "list", "--limit", "1"]).await;
    assert!(
        verbose.stderr.contains("GITLAB_TOKEN"),
        "{}",
        verbose.stderr
    );
    let help = run(&sandbox, &["--help"]).await;
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("GITLAB_TOKEN"));
    let spaced = run_with(
        &[
            ("GITLAB_URL", sandbox.url()),
            ("GITLAB_TOKEN", " glpat-spaced-secret "),
        ],
        &["-p", "1", "list"],
    )
    .await;
    assert_eq!(spaced.code, 2, "{spaced:?}");
    assert!(spaced.stderr.contains("GITLAB_TOKEN"), "{}", spaced.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn inside_a_ci_job_the_job_token_and_project_need_no_options() {
    let sandbox = start(Config::default()).await;
    let token = sandbox.job_token();
    let ci = [
        ("CI_API_V4_URL", sandbox.url()),
        ("CI_JOB_TOKEN", token.as_str()),
        ("CI_PROJECT_ID", "1"),
    ];
    let list = run_with(&ci, &["list", "--limit", "3", "-o", "ndjson"]).await;
    assert_eq!(list.code, 0, "{list:?}");
    assert_eq!(jobs_from_ndjson(&list.stdout).len(), 3);

    let cancel = run_with(&ci, &["cancel", "1"]).await;
    assert_eq!(cancel.code, 1, "{cancel:?}");
    assert!(
        cancel.stderr.contains("GITLAB_TOKEN"),
        "says what to do: {}",
        cancel.stderr
    );

    // A job token reads no single job, but a pipeline's list: `get` and `wait` with
    // --pipeline read the job from there, by name or by ID.
    let compile = find(&sandbox, |job| {
        job.name == "compile" && job.status == JobStatus::Success
    });
    let pipeline = sandbox.with_store(|store| store.jobs[&compile].pipeline_id.to_string());
    let wait = run_with(&ci, &["wait", "compile", "--pipeline", &pipeline]).await;
    assert_eq!(wait.code, 0, "{wait:?}");
    assert!(
        wait.stdout
            .starts_with(&format!("job {compile} (compile) success")),
        "{}",
        wait.stdout
    );
    let get = run_with(
        &ci,
        &[
            "get",
            &compile.to_string(),
            "--pipeline",
            &pipeline,
            "-o",
            "json",
        ],
    )
    .await;
    assert_eq!(get.code, 0, "{get:?}");
    assert_eq!(
        serde_json::from_str::<Job>(&get.stdout).unwrap().id,
        compile
    );
    let elsewhere = run_with(&ci, &["get", &compile.to_string(), "--pipeline", "1"]).await;
    assert_eq!(elsewhere.code, 1, "{elsewhere:?}");
    assert!(
        elsewhere
            .stderr
            .contains(&format!("job {compile} is not in pipeline 1")),
        "{}",
        elsewhere.stderr
    );
    let by_id = run_with(&ci, &["wait", &compile.to_string()]).await;
    assert_eq!(by_id.code, 1, "{by_id:?}");
    assert!(
        by_id.stderr.contains("--pipeline"),
        "says what to do: {}",
        by_id.stderr
    );

    let server_url = sandbox.url().trim_end_matches("/api/v4").to_owned();
    let ci = [
        ("CI_SERVER_URL", server_url.as_str()),
        ("CI_JOB_TOKEN", token.as_str()),
        ("CI_PROJECT_ID", "acme/platform/api"),
    ];
    let list = run_with(&ci, &["list", "--limit", "1", "-o", "ndjson"]).await;
    assert_eq!(list.code, 0, "{list:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_usage_exits_with_2_and_says_what_was_wrong() {
    let sandbox = start(Config::default()).await;
    for (args, says) in [
        (&["list", "--scope", "finished"][..], "--scope"),
        (&["list", "--pipeline", "1", "--ref", "main"], "--ref"),
        (&["wait", "1", "--timeout", "soon"], "--timeout"),
        (&["play", "1", "--var", "NO_EQUALS"], "KEY=VALUE"),
        (&["frobnicate"], "frobnicate"),
    ] {
        let run = run(&sandbox, args).await;
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
    }
    let no_project = run_with(&[("GITLAB_URL", sandbox.url())], &["list"]).await;
    assert_eq!(no_project.code, 2);
    assert!(
        no_project.stderr.contains("--project"),
        "{}",
        no_project.stderr
    );
    let with_password = sandbox.url().replace("http://", "http://root:hunter2@");
    let userinfo = run_with(&[], &["-v", "--url", &with_password, "-p", "1", "list"]).await;
    assert_eq!(userinfo.code, 2, "{userinfo:?}");
    assert!(
        userinfo.stderr.contains("credentials"),
        "{}",
        userinfo.stderr
    );
    assert!(!userinfo.stderr.contains("hunter2"), "{}", userinfo.stderr);
    let no_url = run_with(&[], &["-p", "1", "list"]).await;
    assert_eq!(no_url.code, 2);
    assert!(no_url.stderr.contains("GITLAB_URL"), "{}", no_url.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn completions_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = run_with(&[], &["completions", shell]).await;
        assert_eq!(run.code, 0, "{shell}: {run:?}");
        assert!(run.stdout.contains("gitlab-jobs"), "{shell}");
        assert!(run.stdout.contains("pipeline"), "{shell}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reader_that_goes_away_ends_the_listing_quietly() {
    let sandbox = start(Config::default()).await;
    let mut child = command(
        &[
            ("GITLAB_URL", sandbox.url()),
            ("GITLAB_TOKEN", &sandbox.config().tokens.root),
        ],
        &["-p", "1", "list", "-o", "ndjson"],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let mut stdout = tokio::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).await.unwrap();
    serde_json::from_str::<Job>(&line).expect("a job");
    drop(stdout);
    let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("it stops")
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

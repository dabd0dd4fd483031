//! `watch`: a pipeline's jobs as they change, until it stops, with the exit codes of `wait`.

use std::time::Duration;

use gitlab_jobs_client::models::{FailureReason, JobStatus};
use gitlab_jobs_sandbox::{Config, Sandbox, store};

use super::{run, start};

/// The pipeline of acme/platform/api's running jobs.
pub fn running_pipeline(sandbox: &Sandbox) -> i64 {
    sandbox.with_store(|store| {
        store
            .jobs
            .values()
            .find(|job| job.project_id == 1 && job.status == JobStatus::Running)
            .expect("a running job")
            .pipeline_id
    })
}

/// Ends the pipeline's jobs one at a time, every `pause`: each succeeds, and the last fails
/// without being allowed to, which fails the pipeline. Jobs that have not started go first, so
/// that a running one keeps the pipeline running (not blocked on a manual job) to the end.
pub async fn finish(sandbox: &Sandbox, pipeline: i64, pause: Duration) {
    loop {
        tokio::time::sleep(pause).await;
        let left = sandbox.with_store(|store| {
            let mut open: Vec<(bool, i64)> = store
                .jobs
                .values()
                .filter(|job| {
                    job.pipeline_id == pipeline && !job.retried && !job.status.is_terminal()
                })
                .map(|job| (job.status.is_active(), job.id))
                .collect();
            open.sort_unstable();
            let open: Vec<i64> = open.into_iter().map(|(_, id)| id).collect();
            let Some(&id) = open.first() else {
                return 0;
            };
            let now = store::now();
            let job = store.jobs.get_mut(&id).expect("listed above");
            if open.len() == 1 {
                job.status = JobStatus::Failed;
                job.allow_failure = false;
                job.failure_reason = Some(FailureReason::ScriptFailure);
            } else {
                job.status = JobStatus::Success;
            }
            let started = *job.started_at.get_or_insert(now);
            job.finished_at = Some(started + std::time::Duration::from_secs(62));
            store.refresh_pipeline(pipeline, now);
            open.len() - 1
        });
        if left == 0 {
            return;
        }
    }
}

/// Into a pipe, each job's status is a line when it first shows and when it changes, and the
/// pipeline's too; the exit code is the pipeline's outcome.
#[tokio::test(flavor = "multi_thread")]
async fn a_pipe_gets_a_line_per_change_and_the_pipelines_exit_code() {
    let sandbox = start(Config::default()).await;
    let pipeline = running_pipeline(&sandbox);
    let id = pipeline.to_string();
    let args = ["watch", "--pipeline", &id, "--interval", "40ms"];
    let (watched, ()) = tokio::join!(
        run(&sandbox, &args),
        finish(&sandbox, pipeline, Duration::from_millis(120))
    );
    assert_eq!(watched.code, 3, "the pipeline failed: {watched:?}");
    let lines: Vec<&str> = watched.stdout.lines().collect();
    let jobs: Vec<(i64, JobStatus)> = sandbox.with_store(|store| {
        store
            .jobs
            .values()
            .filter(|job| job.pipeline_id == pipeline && !job.retried)
            .map(|job| (job.id, job.status.clone()))
            .collect()
    });
    for (job, status) in &jobs {
        let said: Vec<&&str> = lines
            .iter()
            .filter(|line| line.starts_with(&format!("job {job} (")))
            .collect();
        assert!(!said.is_empty(), "job {job} is said:\n{}", watched.stdout);
        assert!(
            said.last().unwrap().contains(&format!(") {status}")),
            "job {job} ends {status}:\n{}",
            watched.stdout
        );
        assert!(
            said.windows(2).all(|pair| pair[0] != pair[1]),
            "a line per change, not per poll:\n{}",
            watched.stdout
        );
    }
    assert!(
        watched.stdout.contains(": script_failure after "),
        "{}",
        watched.stdout
    );
    let last = lines.last().unwrap();
    assert_eq!(
        *last,
        format!(
            "pipeline {pipeline} (main) failed, {0} of {0} jobs finished",
            jobs.len()
        ),
        "{}",
        watched.stdout
    );
    assert!(
        watched
            .stdout
            .contains(&format!("pipeline {pipeline} (main) running")),
        "{}",
        watched.stdout
    );
}

/// With -o ndjson each line is a job or a trigger job as GitLab sent it; a pipeline that has
/// stopped is shown once, and its status is the exit code.
#[tokio::test(flavor = "multi_thread")]
async fn ndjson_is_the_jobs_as_sent_and_a_stopped_pipeline_ends_at_once() {
    let sandbox = start(Config::default()).await;
    let (pipeline, expected, code) = sandbox.with_store(|store| {
        let bridge = store
            .jobs
            .values()
            .rev()
            .find(|job| {
                job.project_id == 1
                    && !job.is_build()
                    && store.pipelines[&job.pipeline_id].status.is_terminal()
            })
            .expect("a stopped pipeline with a trigger job");
        let pipeline = bridge.pipeline_id;
        let mut ids: Vec<i64> = store
            .jobs
            .values()
            .filter(|job| job.pipeline_id == pipeline && !job.retried)
            .map(|job| job.id)
            .collect();
        ids.sort_unstable();
        let code = match store.pipelines[&pipeline].status {
            JobStatus::Success => 0,
            JobStatus::Failed => 3,
            JobStatus::Canceled => 4,
            _ => 5,
        };
        (pipeline.to_string(), ids, code)
    });
    let watched = run(
        &sandbox,
        &["watch", "--pipeline", &pipeline, "-o", "ndjson"],
    )
    .await;
    assert_eq!(watched.code, code, "{watched:?}");
    let rows: Vec<serde_json::Value> = watched
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    let mut ids: Vec<i64> = rows.iter().map(|row| row["id"].as_i64().unwrap()).collect();
    ids.sort_unstable();
    assert_eq!(ids, expected, "every job once, trigger jobs included");
    assert!(
        rows.iter()
            .any(|row| row.get("downstream_pipeline").is_some())
    );

    let builds = run(
        &sandbox,
        &[
            "watch",
            "--pipeline",
            &pipeline,
            "--no-trigger-jobs",
            "-o",
            "json",
        ],
    )
    .await;
    assert_eq!(builds.code, code, "{builds:?}");
    assert!(!builds.stdout.contains("downstream_pipeline"));
    assert!(builds.stdout.lines().count() < expected.len());
}

/// `--timeout` ends a watch with exit code 7, saying where the pipeline was.
#[tokio::test(flavor = "multi_thread")]
async fn a_watch_gives_up_at_its_timeout() {
    let sandbox = start(Config::default()).await;
    let pipeline = running_pipeline(&sandbox).to_string();
    let args = [
        "watch",
        "--pipeline",
        &pipeline,
        "--timeout",
        "300ms",
        "--interval",
        "100ms",
    ];
    let watched = run(&sandbox, &args).await;
    assert_eq!(watched.code, 7, "{watched:?}");
    assert!(
        watched.stderr.contains(&format!(
            "pipeline {pipeline} had not stopped within 300ms (it was running)"
        )),
        "{}",
        watched.stderr
    );
    let missing = run(&sandbox, &["watch", "--pipeline", "999999"]).await;
    assert_eq!(missing.code, 1, "{missing:?}");
    assert!(missing.stderr.contains("404"), "{}", missing.stderr);
}

/// Inside a checkout, the pipeline is the newest of its branch, and a job's name is looked up
/// there; on a detached HEAD, the command asks for a pipeline.
#[tokio::test(flavor = "multi_thread")]
async fn the_checkouts_branch_names_the_pipeline_and_the_jobs() {
    let sandbox = start(Config::default()).await;
    let newest = sandbox.with_store(|store| {
        let mut on_main: Vec<&store::Job> = store
            .jobs
            .values()
            .filter(|job| job.project_id == 1 && store.pipelines[&job.pipeline_id].r#ref == "main")
            .collect();
        on_main.sort_unstable_by_key(|job| std::cmp::Reverse(job.id));
        on_main
            .iter()
            .take(100)
            .map(|job| job.pipeline_id)
            .max()
            .expect("jobs on main")
    });
    let clone = std::env::temp_dir().join(format!("gitlab-jobs-watch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&clone);
    std::fs::create_dir_all(clone.join(".git")).unwrap();
    std::fs::write(clone.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let token = sandbox.config().tokens.root.clone();
    let env = [
        ("GITLAB_URL", sandbox.url()),
        ("GITLAB_TOKEN", token.as_str()),
    ];
    let args = ["-v", "-p", "1", "watch", "--timeout", "1s", "-o", "ndjson"];
    let output = super::command(&env, &args)
        .current_dir(&clone)
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "pipeline {newest} is the newest of \"main\" (from the checkout's branch)"
        )),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in stdout.lines() {
        let job: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(job["pipeline"]["id"], newest, "{line}");
    }

    // A job's name is looked up on the checkout's branch too, as glab does.
    let named = super::command(&env, &["-v", "-p", "1", "get", "rspec 1/2", "-o", "json"])
        .current_dir(&clone)
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&named.stderr);
    assert!(named.status.success(), "{stderr}");
    assert!(
        stderr.contains("(on \"main\", the checkout's branch)"),
        "{stderr}"
    );
    let job: serde_json::Value = serde_json::from_slice(&named.stdout).unwrap();
    assert_eq!(job["ref"], "main");
    assert_eq!(job["name"], "rspec 1/2");
    let listed = super::command(&env, &["-p", "1", "artifacts", "ls", "compile"])
        .current_dir(&clone)
        .output()
        .await
        .unwrap();
    assert!(
        listed.status.success(),
        "GitLab's by-ref route on the branch: {}",
        String::from_utf8_lossy(&listed.stderr)
    );

    std::fs::write(
        clone.join(".git/HEAD"),
        "0123456789abcdef0123456789abcdef01234567\n",
    )
    .unwrap();
    let detached = super::command(&env, &["-p", "1", "watch"])
        .current_dir(&clone)
        .output()
        .await
        .unwrap();
    assert_eq!(detached.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&detached.stderr);
    assert!(
        stderr.contains("--pipeline ID") && stderr.contains("--ref NAME"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&clone).unwrap();
}

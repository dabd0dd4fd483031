//! What a person uses every day: retrying with inputs, being told what is missing.

use gitlab_jobs_client::models::JobStatus;
use gitlab_jobs_sandbox::Config;

use super::{find, run, run_with, start};

#[tokio::test(flavor = "multi_thread")]
async fn retry_takes_inputs_and_a_missing_token_is_named() {
    let sandbox = start(Config {
        features: vec![gitlab_jobs_sandbox::Feature::CiJobInputs],
        ..Config::default()
    })
    .await;
    let failed = find(&sandbox, |job| job.status == JobStatus::Failed).to_string();
    let retried = run(
        &sandbox,
        &[
            "retry",
            &failed,
            "--input",
            "deploy_to=production",
            "--input",
            "replicas=3",
            "-o",
            "json",
        ],
    )
    .await;
    assert_eq!(retried.code, 0, "{retried:?}");
    let job: serde_json::Value = serde_json::from_str(&retried.stdout).unwrap();
    assert_eq!(job["status"], "pending");

    let anonymous = run_with(
        &[("GITLAB_URL", sandbox.url())],
        &["-p", "acme/platform/api", "log", &failed],
    )
    .await;
    assert_eq!(anonymous.code, 1, "{anonymous:?}");
    assert!(anonymous.stderr.contains("401"), "{}", anonymous.stderr);
    assert!(
        anonymous.stderr.contains("GITLAB_TOKEN"),
        "names the variable without -v: {}",
        anonymous.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn inside_a_clone_the_remote_names_gitlab_and_the_project() {
    let sandbox = start(Config::default()).await;
    let web = sandbox.url().trim_end_matches("/api/v4").to_owned();
    let clone = std::env::temp_dir().join(format!("gitlab-jobs-clone-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&clone);
    std::fs::create_dir_all(clone.join(".git")).unwrap();
    std::fs::create_dir_all(clone.join("src/deep")).unwrap();
    std::fs::write(
        clone.join(".git/config"),
        format!(
            "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = git@gitlab.com:someone/else.git\n[remote \"origin\"]\n\turl = {web}/acme/platform/api.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n"
        ),
    )
    .unwrap();
    let token = sandbox.config().tokens.root.clone();
    let env = [("GITLAB_TOKEN", token.as_str())];
    let output = super::command(&env, &["-v", "list", "--limit", "2", "-o", "ndjson"])
        .current_dir(clone.join("src/deep"))
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 2);
    assert!(stderr.contains("from the git remote origin"), "{stderr}");
    assert!(stderr.contains("project acme/platform/api"), "{stderr}");

    // Another remote by name: it names a project on another GitLab, which is not guessed.
    let other = super::command(&env, &["--remote", "upstream", "--url", &web, "list"])
        .current_dir(&clone)
        .output()
        .await
        .unwrap();
    assert_eq!(other.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&other.stderr).contains("--project"));
    std::fs::remove_dir_all(&clone).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pipelines_list_shows_its_trigger_jobs_among_its_jobs() {
    let sandbox = start(Config::default()).await;
    let (pipeline, bridges) = sandbox.with_store(|store| {
        let bridge = store
            .jobs
            .values()
            .rev()
            .find(|job| job.project_id == 1 && !job.is_build() && !job.retried)
            .expect("a trigger job");
        let pipeline = bridge.pipeline_id;
        let count = store
            .jobs
            .values()
            .filter(|job| job.pipeline_id == pipeline && !job.is_build() && !job.retried)
            .count();
        (pipeline.to_string(), count)
    });
    let listed = run(&sandbox, &["list", "--pipeline", &pipeline, "-o", "ndjson"]).await;
    assert_eq!(listed.code, 0, "{listed:?}");
    let rows: Vec<serde_json::Value> = listed
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let ids: Vec<i64> = rows.iter().map(|row| row["id"].as_i64().unwrap()).collect();
    let mut newest_first = ids.clone();
    newest_first.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(ids, newest_first, "one list, newest first");
    let triggers = rows
        .iter()
        .filter(|row| row.get("downstream_pipeline").is_some())
        .count();
    assert_eq!(triggers, bridges, "every trigger job of the pipeline");
    assert!(rows.len() > bridges, "and its jobs");

    let without = run(
        &sandbox,
        &[
            "list",
            "--pipeline",
            &pipeline,
            "--no-trigger-jobs",
            "-o",
            "ndjson",
        ],
    )
    .await;
    assert_eq!(without.stdout.lines().count(), rows.len() - bridges);
    let table = run(&sandbox, &["list", "--pipeline", &pipeline]).await;
    assert_eq!(
        table.stdout.lines().count(),
        rows.len() + 1,
        "a row each, and the header"
    );
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn a_hosts_file_keeps_gitlab_and_its_token_once() {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = start(Config::default()).await;
    let web = sandbox.url().trim_end_matches("/api/v4").to_owned();
    let host = "sandbox";
    let path = std::env::temp_dir().join(format!("gitlab-jobs-hosts-{}.toml", std::process::id()));
    std::fs::write(
        &path,
        format!(
            "default_host = \"{host}\"\n\n[hosts.{host}]\nurl = \"{web}\"\ntoken = \"{}\"\n",
            sandbox.config().tokens.root
        ),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let config = path.to_str().unwrap();
    let env = [
        ("GITLAB_JOBS_CONFIG", config),
        ("HIDDEN_TOKEN", sandbox.config().tokens.root.as_str()),
    ];
    let listed = run_with(
        &env,
        &["-v", "-p", "1", "list", "--limit", "1", "-o", "ndjson"],
    )
    .await;
    assert_eq!(listed.code, 0, "{listed:?}");
    assert_eq!(listed.stdout.lines().count(), 1);
    assert!(
        listed.stderr.contains("the hosts file"),
        "{}",
        listed.stderr
    );
    assert!(listed.stderr.contains("default_host"), "{}", listed.stderr);

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let refused = run_with(&env, &["-p", "1", "list"]).await;
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(refused.stderr.contains("chmod 600"), "{}", refused.stderr);
    std::fs::remove_file(&path).unwrap();
}

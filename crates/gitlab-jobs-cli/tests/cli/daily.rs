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

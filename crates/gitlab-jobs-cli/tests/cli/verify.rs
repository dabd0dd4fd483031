//! `verify`: the sandbox keeps the contract, news is reported without failing, each way of
//! breaking the contract is found, and nothing identifying leaves unless asked.

use std::collections::BTreeSet;

use gitlab_jobs_sandbox::{Config, Faults, Sandbox};
use serde_json::Value;

use super::{run, run_with, start};

fn report(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|err| panic!("a JSON report ({err}):\n{stdout}"))
}

/// `(operation, at, what)` of each finding of `kind`.
fn findings(report: &Value, kind: &str) -> Vec<(String, String, String)> {
    report[kind]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            (
                finding["operation"].as_str().unwrap().to_owned(),
                finding["at"].as_str().unwrap().to_owned(),
                finding["what"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A sandbox with `--break-contract`.
async fn breaking_the_contract() -> Sandbox {
    start(Config {
        faults: Faults {
            break_contract: true,
            ..Faults::default()
        },
        ..Config::default()
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sandbox_keeps_the_contract() {
    let sandbox = start(Config::default()).await;
    let verified = run(&sandbox, &["verify", "-o", "json"]).await;
    assert_eq!(verified.code, 0, "{verified:?}");
    let report = report(&verified.stdout);
    assert_eq!(findings(&report, "deviations"), vec![], "{report:#}");
    assert_eq!(findings(&report, "news"), vec![], "{report:#}");
    assert_eq!(report["gitlab"]["version"], "19.6.0");
    assert!(report["answers"].as_u64().unwrap() > 20, "{report:#}");
    let operations: BTreeSet<&str> = report["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|call| call["operation"].as_str().unwrap())
        .collect();
    for operation in [
        "list_project_jobs",
        "list_pipeline_jobs",
        "list_pipeline_bridges",
        "list_pipeline_trigger_jobs",
        "get_job",
        "get_job_log",
        "list_job_artifact_entries",
    ] {
        assert!(
            operations.contains(operation),
            "{operation}: {operations:?}"
        );
    }
    let behaviour = report["behaviour"].to_string();
    assert!(behaviour.contains("206 with Content-Range"), "{behaviour}");
    assert!(behaviour.contains("honoured"), "{behaviour}");
    assert!(
        behaviour.contains("served (200)"),
        "the trigger_jobs route: {behaviour}"
    );
    assert!(behaviour.contains("entries of one archive"), "{behaviour}");

    // One pipeline's jobs, trigger jobs among them, keep it too.
    let pipeline = sandbox.with_store(|store| {
        store
            .jobs
            .values()
            .find(|job| job.project_id == 1 && !job.is_build())
            .expect("a trigger job")
            .pipeline_id
            .to_string()
    });
    let one = run(&sandbox, &["verify", "--pipeline", &pipeline, "-o", "json"]).await;
    assert_eq!(one.code, 0, "{one:?}");
    assert!(
        one.stdout.contains("list_pipeline_bridges"),
        "{}",
        one.stdout
    );

    // The text for a person says the same.
    let text = run(&sandbox, &["verify"]).await;
    assert_eq!(text.code, 0, "{text:?}");
    assert!(
        text.stdout.contains("0 deviations, 0 news"),
        "{}",
        text.stdout
    );
}

/// An older GitLab keeps the contract too, and the report says what it lacks: the
/// trigger_jobs route (19.2) and ranged logs (19.5).
#[tokio::test(flavor = "multi_thread")]
async fn an_older_gitlab_shows_what_it_lacks() {
    let sandbox = start(Config {
        gitlab_version: gitlab_jobs_sandbox::Version::new(19, 1, 0),
        ..Config::default()
    })
    .await;
    let verified = run(&sandbox, &["verify", "-o", "json"]).await;
    assert_eq!(verified.code, 0, "{verified:?}");
    let report = report(&verified.stdout);
    assert_eq!(findings(&report, "deviations"), vec![], "{report:#}");
    let behaviour = report["behaviour"].to_string();
    assert!(
        behaviour.contains("not asked: GitLab 19.1 has only the bridges route"),
        "{behaviour}"
    );
    assert!(
        behaviour.contains("not served: the whole log came (200)"),
        "{behaviour}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn new_values_are_news_and_not_deviations() {
    let sandbox = start(Config {
        future_values: true,
        ..Config::default()
    })
    .await;
    let verified = run(&sandbox, &["verify", "-o", "json"]).await;
    assert_eq!(verified.code, 0, "news alone passes: {verified:?}");
    let report = report(&verified.stdout);
    assert_eq!(findings(&report, "deviations"), vec![], "{report:#}");
    let news = findings(&report, "news");
    for (at, value) in [
        ("/status", "sandbox_future_status"),
        ("/failure_reason", "sandbox_future_failure_reason"),
        ("/runner/runner_type", "sandbox_future_runner_type"),
    ] {
        assert!(
            news.iter()
                .any(|(operation, there, what)| operation == "get_job"
                    && there == at
                    && what.contains(value)),
            "{at} {value}: {news:#?}"
        );
    }
}

/// Against a server that breaks the contract in each way, each deviation is found at its
/// pointer, with the value's type, and the exit code says so.
#[tokio::test(flavor = "multi_thread")]
async fn each_way_of_breaking_the_contract_is_found() {
    let sandbox = breaking_the_contract().await;
    let verified = run(&sandbox, &["verify", "-o", "json"]).await;
    assert_eq!(verified.code, 9, "{verified:?}");
    let report = report(&verified.stdout);
    let deviations = findings(&report, "deviations");
    for (operation, at, what) in [
        ("get_job", "/stage", "a required key is missing"),
        (
            "get_job",
            "/name",
            "null, where the contract allows no null",
        ),
        (
            "get_job",
            "/allow_failure",
            "a value of type string, where the contract says boolean",
        ),
        (
            "list_pipeline_bridges",
            "",
            "status 410, which the contract does not document for it",
        ),
        (
            "get_job_log",
            "header Content-Type",
            "text/html, which the contract does not document (it says text/plain)",
        ),
        (
            "list_project_jobs",
            "header X-Per-Page",
            "not an integer, where the contract says one",
        ),
        (
            "get_job_log",
            "header Content-Range",
            "missing, which HTTP requires on a 206",
        ),
    ] {
        assert!(
            deviations.contains(&(operation.into(), at.into(), what.into())),
            "{operation} {at} {what}: {deviations:#?}"
        );
    }
    let news = findings(&report, "news");
    assert!(
        news.contains(&(
            "get_job".into(),
            "/sandbox_future_key".into(),
            "a key Job does not name".into()
        )),
        "{news:#?}"
    );
    assert!(
        news.iter()
            .any(|(_, at, _)| at == "header x-sandbox-broken"),
        "{news:#?}"
    );
    let missing = report["deviations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["at"] == "/stage")
        .unwrap();
    assert!(missing["answers"].as_u64().unwrap() > 1, "{missing:#}");
    assert!(missing["example"]["id"].is_i64(), "{missing:#}");
}

/// Every text an example can show, which --show-values shows, is redacted without it: names,
/// emails, URLs, refs, SHAs, dates; and the project, GitLab's address and the token never
/// appear.
#[tokio::test(flavor = "multi_thread")]
async fn nothing_identifying_leaves_unless_asked() {
    let sandbox = breaking_the_contract().await;
    let shown = run(&sandbox, &["verify", "-o", "json", "--show-values"]).await;
    let shown = report(&shown.stdout);
    assert_eq!(shown["project"], "acme/platform/api");
    let mut identifying = BTreeSet::new();
    for finding in shown["deviations"].as_array().unwrap() {
        for (key, value) in finding["example"].as_object().into_iter().flatten() {
            if let Some(text) = value.as_str()
                && !text.starts_with('[')
                && text.len() >= 4
                && !["status", "failure_reason"].contains(&key.as_str())
            {
                identifying.insert(text.to_owned());
            }
        }
    }
    let keys: Vec<&str> = ["ref", "web_url", "created_at"].to_vec();
    for key in keys {
        assert!(
            shown["deviations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|finding| finding["example"][key].is_string()),
            "{key} is shown with --show-values"
        );
    }
    assert!(identifying.len() >= 3, "{identifying:?}");
    identifying.insert("acme/platform/api".into());
    identifying.insert(sandbox.url().trim_start_matches("http://").into());
    let (json, text) = tokio::join!(
        run(&sandbox, &["verify", "-o", "json"]),
        run(&sandbox, &["verify"])
    );
    for said in [&json.stdout, &json.stderr, &text.stdout, &text.stderr] {
        for value in &identifying {
            assert!(!said.contains(value.as_str()), "{value:?} leaks:\n{said}");
        }
    }
    for said in [&json.stdout, &text.stdout] {
        assert!(said.contains("[redacted]"), "{said}");
    }
}

/// `--report FILE` writes the report there, whole, and says on stderr what it found; a job
/// token verifies the routes it may read.
#[tokio::test(flavor = "multi_thread")]
async fn a_report_file_and_a_job_token() {
    let sandbox = start(Config::default()).await;
    let folder = std::env::temp_dir().join(format!("gitlab-jobs-verify-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let file = folder.join("report.md");
    let path = file.to_str().unwrap();
    let written = run(&sandbox, &["verify", "--report", path]).await;
    assert_eq!(written.code, 0, "{written:?}");
    assert_eq!(written.stdout, "");
    assert!(
        written.stderr.contains("0 deviations and 0 news"),
        "{}",
        written.stderr
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("# GitLab 19.6.0"), "{text}");
    let nowhere = run(
        &sandbox,
        &["verify", "--report", "/nonexistent/dir/report.md"],
    )
    .await;
    assert_eq!(nowhere.code, 1, "{nowhere:?}");
    assert!(
        nowhere.stderr.contains("writing the report to"),
        "{}",
        nowhere.stderr
    );
    std::fs::remove_dir_all(&folder).unwrap();

    let token = sandbox.with_store(|store| {
        store
            .jobs
            .values()
            .find(|job| {
                job.project_id == 1 && job.status == gitlab_jobs_client::models::JobStatus::Running
            })
            .and_then(|job| job.token())
            .expect("a running job's token")
    });
    let ci = [
        ("CI_API_V4_URL", sandbox.url()),
        ("CI_JOB_TOKEN", token.as_str()),
        ("CI_PROJECT_ID", "1"),
    ];
    let verified = run_with(&ci, &["verify", "-o", "json"]).await;
    assert_eq!(verified.code, 0, "{verified:?}");
    let report = report(&verified.stdout);
    let calls = report["calls"].to_string();
    assert!(calls.contains("get_job_by_token"), "{calls}");
    assert!(calls.contains("get_allowed_agents"), "{calls}");
    assert!(!calls.contains("\"get_job\""), "{calls}");
}

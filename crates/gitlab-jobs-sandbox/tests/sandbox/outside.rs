//! The routes outside the Jobs contract that GitLab clients call around it: answered with
//! GitLab's authentication and visibility, and the keys those clients read.

use gitlab_jobs_sandbox::Sandbox;
use gitlab_jobs_sandbox::data::projects;
use serde_json::Value;

use super::support::sandbox;

async fn get(sandbox: &Sandbox, path: &str, header: Option<(&str, &str)>) -> (u16, Value) {
    let mut request = gitlab_jobs_client::default_http_client()
        .build()
        .unwrap()
        .get(format!("{}{path}", sandbox.url()));
    if let Some((name, value)) = header {
        request = request.header(name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn the_current_user_is_the_tokens_and_only_a_users() {
    let sandbox = sandbox().await;
    let tokens = sandbox.config().tokens.clone();
    let (status, root) = get(&sandbox, "/user", Some(("private-token", &tokens.root))).await;
    assert_eq!(status, 200);
    assert_eq!(
        (root["id"].as_i64(), root["username"].as_str()),
        (Some(1), Some("root"))
    );
    assert_eq!(root["is_admin"], true);
    let origin = sandbox.url().trim_end_matches("/api/v4");
    assert_eq!(
        root["web_url"],
        format!("{origin}/root"),
        "the instance's own URL"
    );
    let (_, devon) = get(
        &sandbox,
        "/user",
        Some(("authorization", "Bearer glpat-sandbox-developer")),
    )
    .await;
    assert_eq!(devon["username"], "devon");
    assert!(
        devon.get("is_admin").is_none(),
        "only an administrator sees it"
    );
    let job_token = sandbox.job_token();
    for header in [
        None,
        Some(("job-token", job_token.as_str())),
        Some(("private-token", "nope")),
    ] {
        let (status, body) = get(&sandbox, "/user", header).await;
        assert_eq!(
            (status, &body),
            (401, &serde_json::json!({"message": "401 Unauthorized"}))
        );
    }
}

#[tokio::test]
async fn the_version_is_for_signed_in_callers() {
    let sandbox = sandbox().await;
    let token = sandbox.config().tokens.reporter.clone();
    let (status, version) = get(&sandbox, "/version", Some(("private-token", &token))).await;
    assert_eq!(status, 200);
    assert_eq!(version["version"], "19.6.0");
    assert!(version["revision"].is_string());
    assert_eq!(get(&sandbox, "/version", None).await.0, 401);
}

#[tokio::test]
async fn a_project_is_found_by_id_or_path_where_the_caller_may_see_it() {
    let sandbox = sandbox().await;
    let tokens = sandbox.config().tokens.clone();
    let (status, api) = get(
        &sandbox,
        "/projects/acme%2Fplatform%2Fapi",
        Some(("private-token", &tokens.guest)),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(api["id"], projects::API);
    assert_eq!(api["path_with_namespace"], "acme/platform/api");
    assert_eq!(api["visibility"], "private");
    assert_eq!(api["namespace"]["full_path"], "acme/platform");
    assert_eq!(api["permissions"]["project_access"]["access_level"], 10);
    // A public project without a token: ProjectDetails, no permissions.
    let (status, website) = get(&sandbox, "/projects/2", None).await;
    assert_eq!(
        (status, website["visibility"].as_str()),
        (200, Some("public"))
    );
    assert!(website.get("permissions").is_none());
    // A private project of others: not found, as GitLab says it.
    let (status, body) = get(
        &sandbox,
        "/projects/3",
        Some(("private-token", &tokens.reporter)),
    )
    .await;
    assert_eq!(
        (status, &body),
        (
            404,
            &serde_json::json!({"message": "404 Project Not Found"})
        )
    );
}

#[tokio::test]
async fn a_pipeline_comes_with_its_status_and_user() {
    let sandbox = sandbox().await;
    let token = sandbox.config().tokens.reporter.clone();
    let (pipeline_id, status) = sandbox.with_store(|store| {
        let pipeline = store
            .pipelines
            .values()
            .find(|pipeline| pipeline.project_id == projects::API)
            .unwrap();
        (pipeline.id, pipeline.status.to_string())
    });
    let path = format!("/projects/1/pipelines/{pipeline_id}");
    let (code, pipeline) = get(&sandbox, &path, Some(("private-token", &token))).await;
    assert_eq!(code, 200);
    assert_eq!(pipeline["id"], pipeline_id);
    assert_eq!(pipeline["status"], status.as_str());
    assert_eq!(pipeline["detailed_status"]["text"], status.as_str());
    assert!(pipeline["user"]["username"].is_string());
    let (code, body) = get(
        &sandbox,
        "/projects/1/pipelines/999999",
        Some(("private-token", &token)),
    )
    .await;
    assert_eq!(
        (code, &body),
        (404, &serde_json::json!({"message": "404 Not found"}))
    );
}

/// The sandbox serves the contract it answers by, and the reference page when it was built.
#[tokio::test]
async fn the_contract_and_its_page_are_served_beside_the_api() {
    let sandbox = sandbox().await;
    let origin = sandbox.url().trim_end_matches("/api/v4").to_owned();
    let http = gitlab_jobs_client::default_http_client().build().unwrap();
    let yaml = http
        .get(format!("{origin}/openapi.yaml"))
        .send()
        .await
        .unwrap();
    assert_eq!(yaml.headers()["content-type"], "application/yaml");
    let yaml = yaml.text().await.unwrap();
    let published = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.yaml"),
    )
    .unwrap();
    assert_eq!(yaml, published, "the published contract, as committed");
    let json: Value = http
        .get(format!("{origin}/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let from_yaml: Value = yaml_serde::from_str(&published).unwrap();
    assert_eq!(json, from_yaml);
    // Without a built page, /docs says how to build one and links the contract.
    let page = http.get(format!("{origin}/docs")).send().await.unwrap();
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    let page = page.text().await.unwrap();
    assert!(
        page.contains("cargo xtask docs") && page.contains("/openapi.yaml"),
        "{page}"
    );

    let built = std::env::temp_dir().join(format!("reference-{}.html", std::process::id()));
    std::fs::write(&built, "<!doctype html><title>reference</title>").unwrap();
    let with_page = super::support::sandbox_with(gitlab_jobs_sandbox::Config {
        docs: Some(built.clone()),
        ..gitlab_jobs_sandbox::Config::default()
    })
    .await;
    let origin = with_page.url().trim_end_matches("/api/v4");
    let page = http
        .get(format!("{origin}/docs"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(page, "<!doctype html><title>reference</title>");
    std::fs::remove_file(built).unwrap();
}

/// `GET /version` answers the version the sandbox is set to, and the routes follow it: no
/// `trigger_jobs` before 19.2, whole archived logs before Workhorse serves them (19.5 behind a
/// flag, on by default from 19.6).
#[tokio::test]
async fn the_version_says_which_features_are_served() {
    use gitlab_jobs_sandbox::{Config, Version};

    for (version, trigger_jobs, ranged) in [
        ("19.6.0", 200, 206),
        ("19.5.0", 200, 200),
        ("19.1.3", 404, 200),
    ] {
        let version: Version = version.parse().unwrap();
        let sandbox = gitlab_jobs_sandbox::Sandbox::start(Config {
            gitlab_version: version,
            jobs_rate_limit: 0,
            ..Config::default()
        })
        .await
        .unwrap();
        let http = gitlab_jobs_client::default_http_client().build().unwrap();
        let get = |path: String| {
            http.get(format!("{}{path}", sandbox.url()))
                .header("private-token", sandbox.config().tokens.root.clone())
                .header("range", "bytes=1-")
                .send()
        };
        let said: serde_json::Value = get("/version".into()).await.unwrap().json().await.unwrap();
        assert_eq!(said["version"], version.to_string());
        let (pipeline, finished) = sandbox.with_store(|store| {
            let job = store
                .jobs
                .values()
                .find(|job| {
                    job.project_id == gitlab_jobs_sandbox::data::projects::API
                        && job.is_build()
                        && job.status.is_terminal()
                        && job.log.len() > 1
                })
                .unwrap();
            (job.pipeline_id, job.id)
        });
        let listed = get(format!("/projects/1/pipelines/{pipeline}/trigger_jobs"))
            .await
            .unwrap();
        assert_eq!(listed.status(), trigger_jobs, "trigger_jobs on {version}");
        let log = get(format!("/projects/1/jobs/{finished}/trace"))
            .await
            .unwrap();
        assert_eq!(log.status(), ranged, "an archived log's range on {version}");
    }
}

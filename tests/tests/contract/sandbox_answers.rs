//! Both renditions are one contract: every answer the sandbox gives, for every operation and
//! every status the contract documents, validates against `openapi.yaml` and, read with the
//! strict semantics of OAS 3.0.3, against `openapi-3.0.yaml`.

use std::collections::BTreeSet;

use contract_tests::spec::{self, Operation};
use contract_tests::strict30;
use gitlab_jobs_sandbox::{Config, Faults, Sandbox};
use serde_json::Value;

use super::support::{errors, validator};

/// Statuses the contract documents that the sandbox does not produce, and why.
const NOT_PRODUCED: &[(&str, &str, &str)] = &[
    (
        "list_pipeline_jobs",
        "403",
        "GitLab answers it to a token whose scope does not allow reading the pipeline; the \
         sandbox's read tokens all may",
    ),
    (
        "erase_job",
        "409",
        "GitLab answers it while a project's storage statistics are recalculated, which the \
         sandbox does not model",
    ),
    ("delete_job_artifacts", "409", "the same as erase_job's 409"),
    (
        "delete_project_artifacts",
        "409",
        "the same as erase_job's 409",
    ),
];

/// Which sandbox answers a request.
#[derive(Clone, Copy, PartialEq)]
enum Server {
    /// Unknown values on (`--future-values`), no rate limit.
    Plain,
    /// The project job list allows one request a minute.
    Limited,
    /// Every request meets an instance throttle.
    Throttled,
    /// Artifacts archives are in object storage with direct download: a 302.
    Stored,
}

/// A request: the operation it calls, the server, the method and path under `/api/v4`, the
/// credentials, and a body with its content type.
struct Request {
    operation: &'static str,
    server: Server,
    method: &'static str,
    path: String,
    token: Token,
    body: Option<(&'static str, String)>,
    header: Option<(&'static str, &'static str)>,
}

#[derive(Clone, Copy)]
enum Token {
    None,
    Root,
    Reporter,
    Guest,
    Job,
    Wrong,
}

fn request(operation: &'static str, method: &'static str, path: impl Into<String>) -> Request {
    Request {
        operation,
        server: Server::Plain,
        method,
        path: path.into(),
        token: Token::Root,
        body: None,
        header: None,
    }
}

impl Request {
    fn on(mut self, server: Server) -> Self {
        self.server = server;
        self
    }
    fn token(mut self, token: Token) -> Self {
        self.token = token;
        self
    }
    fn header(mut self, name: &'static str, value: &'static str) -> Self {
        self.header = Some((name, value));
        self
    }
    fn json(mut self, body: &str) -> Self {
        self.body = Some(("application/json", body.to_owned()));
        self
    }
}

/// The requests: each operation's success, and each error status it documents.
fn requests(ids: &Ids) -> Vec<Request> {
    let Ids {
        pipeline,
        bridge_pipeline,
        build,
        pending,
        running,
        failed,
        erasable,
        manual,
        manual_bridge,
        ref build_file,
        ref artifacts_ref,
        ref artifacts_job,
    } = *ids;
    let archive = format!("/projects/1/jobs/{build}/artifacts");
    let by_ref = format!("/projects/1/jobs/artifacts/{artifacts_ref}");
    let mut requests = vec![
        request(
            "list_project_jobs",
            "GET",
            "/projects/acme%2Fplatform%2Fapi/jobs?per_page=100",
        ),
        request(
            "list_project_jobs",
            "GET",
            "/projects/1/jobs?pagination=keyset&per_page=50",
        ),
        request("list_project_jobs", "GET", "/projects/1/jobs?scope[]=bogus"),
        request(
            "list_project_jobs",
            "GET",
            "/projects/1/jobs?pagination=keyset&sort=asc",
        ),
        request("list_project_jobs", "GET", "/projects/1/jobs").token(Token::Guest),
        request("list_project_jobs", "GET", "/projects/1/jobs").on(Server::Limited),
        request("list_project_jobs", "GET", "/projects/1/jobs").on(Server::Limited),
        request(
            "list_pipeline_jobs",
            "GET",
            format!("/projects/1/pipelines/{pipeline}/jobs?include_retried=true"),
        ),
        request(
            "list_pipeline_jobs",
            "GET",
            format!("/projects/1/pipelines/{pipeline}/jobs?scope[]=bogus"),
        ),
        request(
            "list_pipeline_jobs",
            "GET",
            "/projects/1/pipelines/999999/jobs",
        ),
        request(
            "list_pipeline_jobs",
            "GET",
            format!("/projects/1/pipelines/{pipeline}/jobs"),
        )
        .token(Token::Job),
        request(
            "list_pipeline_bridges",
            "GET",
            format!("/projects/1/pipelines/{bridge_pipeline}/bridges"),
        ),
        request(
            "list_pipeline_bridges",
            "GET",
            format!("/projects/1/pipelines/{bridge_pipeline}/bridges?scope=bogus"),
        ),
        request(
            "list_pipeline_bridges",
            "GET",
            format!("/projects/1/pipelines/{bridge_pipeline}/bridges"),
        )
        .token(Token::Guest),
        request(
            "list_pipeline_trigger_jobs",
            "GET",
            format!("/projects/1/pipelines/{bridge_pipeline}/trigger_jobs?per_page=1"),
        ),
        request(
            "list_pipeline_trigger_jobs",
            "GET",
            format!("/projects/1/pipelines/{bridge_pipeline}/trigger_jobs?scope[]=bogus"),
        ),
        request(
            "list_pipeline_trigger_jobs",
            "GET",
            format!("/projects/1/pipelines/{bridge_pipeline}/trigger_jobs"),
        )
        .token(Token::Guest),
        request("get_job_by_token", "GET", "/job").token(Token::Job),
        request("get_job_by_token", "GET", "/job").token(Token::Root),
        request("get_job_by_token", "GET", "/job")
            .token(Token::Job)
            .json("{not json"),
        request("get_allowed_agents", "GET", "/job/allowed_agents").token(Token::Job),
        request("get_allowed_agents", "GET", "/job/allowed_agents").token(Token::Root),
        request("get_allowed_agents", "GET", "/job/allowed_agents")
            .token(Token::Job)
            .json("[[["),
        request("get_job", "GET", format!("/projects/1/jobs/{build}")),
        request("get_job", "GET", "/projects/1/jobs/abc"),
        request("get_job", "GET", format!("/projects/1/jobs/{build}")).token(Token::Guest),
        request(
            "get_job_log",
            "GET",
            format!("/projects/1/jobs/{build}/trace"),
        ),
        request("get_job_log", "GET", "/projects/1/jobs/abc/trace"),
        request(
            "get_job_log",
            "GET",
            format!("/projects/1/jobs/{build}/trace"),
        )
        .header("range", "bytes=10-"),
        request(
            "get_job_log",
            "GET",
            format!("/projects/1/jobs/{build}/trace"),
        )
        .header("if-none-match", "*"),
        request(
            "get_job_log",
            "GET",
            format!("/projects/1/jobs/{build}/trace"),
        )
        .header("range", "bytes=99999999-"),
        request(
            "get_job_log",
            "GET",
            format!("/projects/1/jobs/{build}/trace?byte_limit=0"),
        ),
        request(
            "get_job_log",
            "GET",
            format!("/projects/1/jobs/{build}/trace"),
        )
        .token(Token::Guest),
        request(
            "cancel_job",
            "POST",
            format!("/projects/1/jobs/{pending}/cancel"),
        ),
        request(
            "cancel_job",
            "POST",
            format!("/projects/1/jobs/{running}/cancel"),
        )
        .json(r#"{"force": "very"}"#),
        request(
            "cancel_job",
            "POST",
            format!("/projects/1/jobs/{running}/cancel"),
        )
        .token(Token::Reporter),
        request(
            "retry_job",
            "POST",
            format!("/projects/1/jobs/{failed}/retry"),
        ),
        request(
            "retry_job",
            "POST",
            format!("/projects/1/jobs/{failed}/retry"),
        ),
        request("retry_job", "POST", "/projects/1/jobs/abc/retry"),
        request(
            "retry_job",
            "POST",
            format!("/projects/1/jobs/{failed}/retry"),
        )
        .json(r#"{"inputs": {"deploy_to": "production"}}"#),
        request(
            "erase_job",
            "POST",
            format!("/projects/1/jobs/{erasable}/erase"),
        ),
        request(
            "erase_job",
            "POST",
            format!("/projects/1/jobs/{erasable}/erase"),
        ),
        request("erase_job", "POST", "/projects/1/jobs/abc/erase"),
        request(
            "play_job",
            "POST",
            format!("/projects/1/jobs/{manual}/play"),
        )
        .json(r#"{"job_variables_attributes": [{"key": "K", "value": "v", "variable_type": "file"}], "job_inputs": {"replicas": 3, "regions": ["eu"]}}"#),
        request(
            "play_job",
            "POST",
            format!("/projects/1/jobs/{manual_bridge}/play"),
        ),
        request(
            "play_job",
            "POST",
            format!("/projects/1/jobs/{manual}/play"),
        ),
        request(
            "play_job",
            "POST",
            format!("/projects/1/jobs/{failed}/play"),
        )
        .token(Token::Reporter),
        request("download_job_artifacts", "GET", archive.clone()),
        request("download_job_artifacts", "GET", archive.clone()).header("range", "bytes=10-"),
        request("download_job_artifacts", "GET", archive.clone()).header("if-none-match", "*"),
        request("download_job_artifacts", "GET", archive.clone())
            .header("range", "bytes=999999999-"),
        request("download_job_artifacts", "GET", archive.clone()).token(Token::Guest),
        request("download_job_artifacts", "GET", archive.clone()).on(Server::Stored),
        request("head_job_artifacts", "HEAD", archive.clone()),
        request("head_job_artifacts", "HEAD", archive.clone()).header("if-none-match", "*"),
        request("head_job_artifacts", "HEAD", archive.clone()).token(Token::Wrong),
        request("head_job_artifacts", "HEAD", archive.clone()).token(Token::Guest),
        request("head_job_artifacts", "HEAD", format!("/projects/1/jobs/{pending}/artifacts")),
        request("head_job_artifacts", "HEAD", archive.clone()).on(Server::Stored),
        request("head_job_artifacts", "HEAD", "/projects/1/jobs/abc/artifacts"),
        request("head_job_artifacts", "HEAD", archive.clone()).on(Server::Throttled),
        request("head_ref_artifacts", "HEAD", format!("{by_ref}/download")),
        request(
            "head_ref_artifacts",
            "HEAD",
            format!("{by_ref}/download?job={artifacts_job}"),
        )
        .on(Server::Throttled),
        request(
            "head_ref_artifacts",
            "HEAD",
            format!("{by_ref}/download?job={artifacts_job}"),
        ),
        request(
            "head_ref_artifacts",
            "HEAD",
            format!("{by_ref}/download?job={artifacts_job}"),
        )
        .header("if-none-match", "*"),
        request(
            "head_ref_artifacts",
            "HEAD",
            format!("{by_ref}/download?job={artifacts_job}"),
        )
        .token(Token::Wrong),
        request(
            "head_ref_artifacts",
            "HEAD",
            format!("{by_ref}/download?job={artifacts_job}"),
        )
        .token(Token::Guest),
        request(
            "head_ref_artifacts",
            "HEAD",
            format!("{by_ref}/download?job=no-such-job"),
        ),
        request(
            "head_ref_artifacts",
            "HEAD",
            format!("{by_ref}/download?job={artifacts_job}"),
        )
        .on(Server::Stored),
        request(
            "download_ref_artifacts",
            "GET",
            format!("{by_ref}/download?job={artifacts_job}"),
        )
        .on(Server::Stored),
        request("download_job_artifacts", "GET", format!("/projects/1/jobs/{pending}/artifacts")),
        request(
            "download_ref_artifacts",
            "GET",
            format!("{by_ref}/download?job={artifacts_job}"),
        ),
        request(
            "download_ref_artifacts",
            "GET",
            format!("{by_ref}/download?job={artifacts_job}&search_recent_successful_pipelines=true"),
        )
        .header("range", "bytes=-100"),
        request(
            "download_ref_artifacts",
            "GET",
            format!("{by_ref}/download?job={artifacts_job}"),
        )
        .header("if-none-match", "*"),
        request(
            "download_ref_artifacts",
            "GET",
            format!("{by_ref}/download?job={artifacts_job}"),
        )
        .header("range", "bytes=999999999-"),
        request("download_ref_artifacts", "GET", format!("{by_ref}/download")),
        request(
            "download_ref_artifacts",
            "GET",
            format!("{by_ref}/download?job={artifacts_job}"),
        )
        .token(Token::Guest),
        request(
            "download_ref_artifacts",
            "GET",
            format!("{by_ref}/download?job=no-such-job"),
        ),
        request(
            "list_job_artifact_entries",
            "GET",
            format!("{archive}/tree?recursive=true&per_page=2"),
        ),
        request(
            "list_job_artifact_entries",
            "GET",
            format!("{archive}/tree?path=no/such/dir"),
        ),
        request("list_job_artifact_entries", "GET", format!("{archive}/tree")).token(Token::Guest),
        request("list_job_artifact_entries", "GET", format!("{archive}/tree?recursive=maybe")),
        request("get_job_artifact_file", "GET", format!("{archive}/{build_file}")),
        request("get_job_artifact_file", "GET", format!("{archive}/{build_file}"))
            .header("if-none-match", "*"),
        request("get_job_artifact_file", "GET", format!("{archive}/a%2F..%2Fb")),
        request("get_job_artifact_file", "GET", format!("{archive}/no/such/file.txt")),
        request("get_job_artifact_file", "GET", format!("{archive}/{build_file}"))
            .token(Token::Guest),
        request(
            "get_ref_artifact_file",
            "GET",
            format!("{by_ref}/raw/{build_file}?job={artifacts_job}"),
        ),
        request(
            "get_ref_artifact_file",
            "GET",
            format!("{by_ref}/raw/{build_file}?job={artifacts_job}"),
        )
        .header("if-none-match", "*"),
        request(
            "get_ref_artifact_file",
            "GET",
            format!("{by_ref}/raw/a%2F..%2Fb?job={artifacts_job}"),
        ),
        request(
            "get_ref_artifact_file",
            "GET",
            format!("{by_ref}/raw/{build_file}?job=no-such-job"),
        ),
        request(
            "get_ref_artifact_file",
            "GET",
            format!("{by_ref}/raw/{build_file}?job={artifacts_job}"),
        )
        .token(Token::Guest),
        request("keep_job_artifacts", "POST", format!("{archive}/keep")),
        request("keep_job_artifacts", "POST", format!("{archive}/keep")).token(Token::Reporter),
        request(
            "delete_job_artifacts",
            "DELETE",
            format!("/projects/1/jobs/{erasable}/artifacts"),
        ),
        request(
            "delete_job_artifacts",
            "DELETE",
            format!("/projects/1/jobs/{erasable}/artifacts"),
        )
        .token(Token::Reporter),
        request("delete_project_artifacts", "DELETE", "/projects/1/artifacts")
            .token(Token::Reporter),
    ];
    // Every operation: unknown credentials, a project that is not there, a malformed path, and
    // an instance throttle.
    let every: Vec<(&str, &str, String)> = vec![
        ("list_project_jobs", "GET", "/projects/{p}/jobs".into()),
        (
            "list_pipeline_jobs",
            "GET",
            format!("/projects/{{p}}/pipelines/{pipeline}/jobs"),
        ),
        (
            "list_pipeline_bridges",
            "GET",
            format!("/projects/{{p}}/pipelines/{bridge_pipeline}/bridges"),
        ),
        (
            "list_pipeline_trigger_jobs",
            "GET",
            format!("/projects/{{p}}/pipelines/{bridge_pipeline}/trigger_jobs"),
        ),
        ("get_job_by_token", "GET", "/job?job_token={p}".into()),
        (
            "get_allowed_agents",
            "GET",
            "/job/allowed_agents?job_token={p}".into(),
        ),
        ("get_job", "GET", format!("/projects/{{p}}/jobs/{build}")),
        (
            "get_job_log",
            "GET",
            format!("/projects/{{p}}/jobs/{build}/trace"),
        ),
        (
            "cancel_job",
            "POST",
            format!("/projects/{{p}}/jobs/{build}/cancel"),
        ),
        (
            "retry_job",
            "POST",
            format!("/projects/{{p}}/jobs/{build}/retry"),
        ),
        (
            "erase_job",
            "POST",
            format!("/projects/{{p}}/jobs/{build}/erase"),
        ),
        (
            "play_job",
            "POST",
            format!("/projects/{{p}}/jobs/{build}/play"),
        ),
        (
            "download_job_artifacts",
            "GET",
            format!("/projects/{{p}}/jobs/{build}/artifacts"),
        ),
        (
            "download_ref_artifacts",
            "GET",
            format!("/projects/{{p}}/jobs/artifacts/{artifacts_ref}/download?job={artifacts_job}"),
        ),
        (
            "list_job_artifact_entries",
            "GET",
            format!("/projects/{{p}}/jobs/{build}/artifacts/tree"),
        ),
        (
            "get_job_artifact_file",
            "GET",
            format!("/projects/{{p}}/jobs/{build}/artifacts/{build_file}"),
        ),
        (
            "get_ref_artifact_file",
            "GET",
            format!(
                "/projects/{{p}}/jobs/artifacts/{artifacts_ref}/raw/{build_file}?job={artifacts_job}"
            ),
        ),
        (
            "keep_job_artifacts",
            "POST",
            format!("/projects/{{p}}/jobs/{build}/artifacts/keep"),
        ),
        (
            "delete_job_artifacts",
            "DELETE",
            format!("/projects/{{p}}/jobs/{erasable}/artifacts"),
        ),
        (
            "delete_project_artifacts",
            "DELETE",
            "/projects/{p}/artifacts".into(),
        ),
    ];
    for (operation, method, path) in every {
        let job_route = operation.starts_with("get_job_by") || operation == "get_allowed_agents";
        let token = if job_route { Token::None } else { Token::Wrong };
        let missing = if job_route { "glcbt-none" } else { "no%2Fsuch" };
        requests.push(request(operation, method, path.replace("{p}", "1")).token(token));
        requests.push(request(operation, method, path.replace("{p}", missing)));
        requests.push(request(operation, method, path.replace("{p}", "1%00")));
        requests.push(request(operation, method, path.replace("{p}", "1")).on(Server::Throttled));
    }
    // Last, as it expires most of the project's artifacts.
    requests.push(request(
        "delete_project_artifacts",
        "DELETE",
        "/projects/1/artifacts",
    ));
    requests
}

/// Records of the seeded data the requests name.
#[derive(Clone)]
struct Ids {
    pipeline: i64,
    bridge_pipeline: i64,
    build: i64,
    pending: i64,
    running: i64,
    failed: i64,
    erasable: i64,
    manual: i64,
    manual_bridge: i64,
    /// A file in `build`'s artifacts archive.
    build_file: String,
    /// A branch whose newest successful pipeline has a build with artifacts, and its name.
    artifacts_ref: String,
    artifacts_job: String,
}

fn ids(sandbox: &Sandbox) -> Ids {
    use gitlab_jobs_schema::JobStatus;
    let token_job = sandbox.job_token();
    sandbox.with_store(|store| {
        let job = |wanted: &dyn Fn(&gitlab_jobs_sandbox::store::Job) -> bool| {
            store
                .jobs
                .values()
                .rev()
                .find(|job| job.project_id == 1 && !job.archived && !job.retried && wanted(job))
                .unwrap_or_else(|| panic!("the seeded data has such a job"))
                .clone()
        };
        let build =
            job(&|job| job.is_build() && job.status == JobStatus::Success && !job.log.is_empty());
        let newest = by_ref(store);
        Ids {
            pipeline: build.pipeline_id,
            bridge_pipeline: job(&|job| !job.is_build()).pipeline_id,
            build: build.id,
            pending: job(&|job| job.is_build() && job.status == JobStatus::Pending).id,
            running: job(&|job| {
                job.is_build()
                    && job.status == JobStatus::Running
                    && job.token().as_deref() != Some(token_job.as_str())
            })
            .id,
            failed: job(&|job| job.is_build() && job.status == JobStatus::Failed).id,
            erasable: job(&|job| {
                job.is_build()
                    && job.status == JobStatus::Success
                    && !job.artifacts.is_empty()
                    && job.id != build.id
            })
            .id,
            manual: job(&|job| job.is_build() && job.status == JobStatus::Manual).id,
            manual_bridge: job(&|job| !job.is_build() && job.status == JobStatus::Manual).id,
            build_file: gitlab_jobs_sandbox::data::archive_entries(store, &store.jobs[&build.id])
                .into_iter()
                .find(|entry| entry.path.ends_with(".txt"))
                .expect("every archive has a text file")
                .path,
            artifacts_ref: newest.0,
            artifacts_job: newest.1,
        }
    })
}

/// A ref and a build name that the by-ref routes find: the newest successful pipeline of
/// `main` and one of its builds with an archive.
fn by_ref(store: &gitlab_jobs_sandbox::store::Store) -> (String, String) {
    use gitlab_jobs_schema::{ArtifactFileType, JobStatus};
    let pipeline = store
        .pipelines
        .values()
        .rev()
        .find(|pipeline| {
            pipeline.project_id == 1
                && pipeline.r#ref == "main"
                && pipeline.status == JobStatus::Success
        })
        .expect("main has a successful pipeline");
    let job = store
        .jobs
        .values()
        .rev()
        .find(|job| {
            job.pipeline_id == pipeline.id
                && job.is_build()
                && !job.retried
                && job
                    .artifacts
                    .iter()
                    .any(|artifact| artifact.file_type == ArtifactFileType::Archive)
        })
        .expect("the pipeline has a build with an archive");
    (pipeline.r#ref.clone(), job.name.clone())
}

/// The response object the contract documents for this answer, with the schema of its media
/// type, or why there is none.
fn documented<'a>(
    doc: &'a Value,
    operation: &'a Operation,
    status: &str,
    media_type: &str,
) -> Result<&'a Value, String> {
    let response = operation.object["responses"]
        .get(status)
        .ok_or_else(|| format!("status {status} is not documented"))?;
    // An answer without a body, such as a 304, matches a response without content.
    static ANYTHING: std::sync::LazyLock<Value> =
        std::sync::LazyLock::new(|| serde_json::json!({}));
    if media_type.is_empty() && spec::response(doc, response).get("content").is_none() {
        return Ok(&ANYTHING);
    }
    // A media range documented (`*/*`, `text/*`) covers the types in it.
    let content = &spec::response(doc, response)["content"];
    let range = format!("{}/*", media_type.split('/').next().unwrap_or(""));
    [media_type, range.as_str(), "*/*"]
        .into_iter()
        .find_map(|documented| content.get(documented))
        .map(|content| &content["schema"])
        .ok_or_else(|| format!("{status} with {media_type} is not documented"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sandbox_answer_validates_against_both_renditions() {
    let start =
        |config: Config| async { Sandbox::start(config).await.expect("the sandbox starts") };
    let plain = start(Config {
        jobs_rate_limit: 0,
        future_values: true,
        ..Config::default()
    })
    .await;
    let limited = start(Config {
        jobs_rate_limit: 1,
        ..Config::default()
    })
    .await;
    let throttled = start(Config {
        faults: Faults {
            rate_limited: 1.0,
            ..Faults::default()
        },
        ..Config::default()
    })
    .await;
    let stored = start(Config {
        artifacts_storage: gitlab_jobs_sandbox::ArtifactsStorage::Redirect,
        ..Config::default()
    })
    .await;
    let doc_31 = spec::openapi_31();
    let doc_30 = spec::openapi_30();
    let (operations_31, operations_30) = (spec::operations(&doc_31), spec::operations(&doc_30));
    // Redirects are answers to check, not to follow.
    let http = gitlab_jobs_client::default_http_client()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let ids = ids(&plain);
    let tokens = plain.config().tokens.clone();
    let job_token = plain.job_token();
    let mut failures = Vec::new();
    let mut produced = BTreeSet::new();
    for request in requests(&ids) {
        let sandbox = match request.server {
            Server::Plain => &plain,
            Server::Limited => &limited,
            Server::Throttled => &throttled,
            Server::Stored => &stored,
        };
        let mut call = http.request(
            request.method.parse().unwrap(),
            format!("{}{}", sandbox.url(), request.path),
        );
        call = match request.token {
            Token::None => call,
            Token::Root => call.header("private-token", &tokens.root),
            Token::Reporter => call.header("private-token", &tokens.reporter),
            Token::Guest => call.header("private-token", &tokens.guest),
            Token::Job => call.header("job-token", &job_token),
            Token::Wrong => call.header("private-token", "glpat-wrong"),
        };
        if let Some((name, value)) = request.header {
            call = call.header(name, value);
        }
        if let Some((content_type, body)) = &request.body {
            call = call
                .header("content-type", *content_type)
                .body(body.clone());
        }
        let answer = call.send().await.expect("the sandbox answers");
        let status = answer.status().as_str().to_owned();
        // An answer to HEAD has no body, whatever its Content-Type says the GET's would be.
        let media_type = answer
            .headers()
            .get("content-type")
            .filter(|_| request.method != "HEAD")
            .and_then(|value| value.to_str().ok())
            .map(|value| value.split(';').next().unwrap_or("").trim().to_owned())
            .unwrap_or_default();
        let text = answer.text().await.expect("a body");
        let label = format!(
            "{} {} {} -> {status}",
            request.operation, request.method, request.path
        );
        let body = if media_type == "application/json" {
            serde_json::from_str(&text).unwrap_or_else(|err| panic!("{label}: {err}"))
        } else {
            Value::String(text)
        };
        produced.insert((request.operation.to_owned(), status.clone()));
        for (rendition, doc, operations) in [
            ("openapi.yaml", &doc_31, &operations_31),
            ("openapi-3.0.yaml", &doc_30, &operations_30),
        ] {
            let operation = operations
                .iter()
                .find(|operation| operation.operation_id == request.operation)
                .expect("the operation is in the contract");
            let schema = match documented(doc, operation, &status, &media_type) {
                Ok(schema) => schema,
                Err(why) => {
                    failures.push(format!("{label} ({rendition}): {why}"));
                    continue;
                }
            };
            let problems = if rendition == "openapi.yaml" {
                errors(&validator(doc, schema), &body)
            } else {
                let strict = strict30::json_schema(doc, schema);
                errors(
                    &jsonschema::validator_for(&strict).expect("a valid schema"),
                    &body,
                )
            };
            failures.extend(
                problems
                    .into_iter()
                    .map(|p| format!("{label} ({rendition}): {p}")),
            );
        }
    }
    for operation in &operations_31 {
        for status in operation.object["responses"].as_object().unwrap().keys() {
            let id = operation.operation_id.as_str();
            let excused = NOT_PRODUCED
                .iter()
                .any(|(op, s, _)| *op == id && s == status);
            let seen = produced.contains(&(id.to_owned(), status.clone()));
            if !seen && !excused {
                failures.push(format!("{id} {status}: no request produced it; add one"));
            }
            if seen && excused {
                failures.push(format!(
                    "{id} {status} is produced now; remove it from NOT_PRODUCED"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "sandbox answers the contract does not describe:\n{}",
        failures.join("\n")
    );
}

//! Bad input and concurrency: GitLab's 4xx bodies, never a 500, never a lost job.

use gitlab_jobs_client::models::JobStatus;
use gitlab_jobs_sandbox::Config;
use gitlab_jobs_sandbox::data::projects;

use super::support::{root, sandbox_with};

#[tokio::test]
async fn bad_input_gets_gitlab_bodies_not_500s() {
    let sandbox = sandbox_with(Config {
        jobs_rate_limit: 0,
        ..Config::default()
    })
    .await;
    let http = gitlab_jobs_client::default_http_client().build().unwrap();
    let token = sandbox.config().tokens.root.clone();
    let cases: &[(&str, &str, Option<&str>, u16, &str)] = &[
        (
            "GET",
            "/projects/1/jobs/abc",
            None,
            400,
            r#"{"error":"job_id is invalid"}"#,
        ),
        (
            "GET",
            "/projects/1/jobs/99999999999999999999",
            None,
            404,
            r#"{"message":"404 Not found"}"#,
        ),
        (
            "GET",
            "/projects/1/jobs/999999",
            None,
            404,
            r#"{"message":"404 Not found"}"#,
        ),
        (
            "GET",
            "/projects/no%2Fsuch/jobs",
            None,
            404,
            r#"{"message":"404 Project Not Found"}"#,
        ),
        (
            "GET",
            "/projects/1/pipelines/1/jobs?include_retried=maybe",
            None,
            400,
            r#"{"error":"include_retried is invalid"}"#,
        ),
        (
            "GET",
            "/projects/1/jobs?page=-1",
            None,
            400,
            r#"{"error":"page does not have a valid value"}"#,
        ),
        (
            "GET",
            "/projects/1/jobs?scope[0]=failed&scope[x][y]=1",
            None,
            400,
            r#"{"error":"scope does not have a valid value"}"#,
        ),
        (
            "POST",
            "/projects/1/jobs/1/play",
            Some("{not json"),
            400,
            r#"{"error":"Invalid JSON format"}"#,
        ),
        (
            "POST",
            "/projects/1/jobs/1/cancel",
            Some(r#"{"force": "very"}"#),
            400,
            r#"{"error":"force is invalid"}"#,
        ),
        (
            "POST",
            "/projects/1/jobs/1/play",
            Some(r#"{"job_variables_attributes": [{"value": "x"}]}"#),
            400,
            r#"{"error":"job_variables_attributes[0][key] is missing"}"#,
        ),
        (
            "DELETE",
            "/projects/1/jobs",
            None,
            405,
            r#"{"error":"405 Method Not Allowed"}"#,
        ),
        (
            "GET",
            "/projects/1/nothing",
            None,
            404,
            r#"{"error":"404 Not Found"}"#,
        ),
    ];
    let deep = format!("{{\"a\":{}{}}}", "[".repeat(40), "]".repeat(40));
    let cases = [
        cases,
        &[
            (
                "POST",
                "/projects/1/jobs/1/cancel",
                Some(deep.as_str()),
                400,
                r#"{"error":"Parameters nested too deeply"}"#,
            ),
            (
                "POST",
                "/projects/1/jobs/1/play",
                Some(r#"{"job_variables_attributes": [{"key": "a\u0000", "value": "x"}]}"#),
                400,
                "Bad Request",
            ),
            // GitLab's middleware answers a malformed string in plain text.
            ("GET", "/projects/%E0/jobs", None, 400, "Bad Request"),
            ("GET", "/projects/%FF/jobs/1", None, 400, "Bad Request"),
            ("GET", "/projects/1%00/jobs", None, 400, "Bad Request"),
            ("GET", "/projects/1/jobs?ref=%C0", None, 400, "Bad Request"),
            ("GET", "/job?job_token=a%00", None, 400, "Bad Request"),
        ][..],
    ]
    .concat();
    for (method, path, body, status, expected) in &cases {
        let mut request = http
            .request(method.parse().unwrap(), format!("{}{path}", sandbox.url()))
            .header("private-token", token.clone());
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), *status, "{method} {path}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        let json = expected.starts_with('{');
        assert_eq!(
            content_type,
            if json {
                "application/json"
            } else {
                "text/plain"
            },
            "{method} {path}"
        );
        assert_eq!(response.text().await.unwrap(), *expected, "{method} {path}");
    }
}

/// GitLab reads a large body (NGINX in front of it takes up to 250 MiB): a 10 MiB cancel body
/// is read and its unknown keys ignored, as Grape ignores them.
#[tokio::test]
async fn a_large_body_is_read_as_gitlab_reads_it() {
    let sandbox = sandbox_with(Config {
        jobs_rate_limit: 0,
        ..Config::default()
    })
    .await;
    let pending = sandbox.with_store(|store| {
        store
            .jobs
            .values()
            .find(|job| job.is_build() && job.status == JobStatus::Pending && !job.archived)
            .map(|job| job.id)
            .unwrap()
    });
    let body = format!(
        r#"{{"force": false, "padding": "{}"}}"#,
        "x".repeat(10 << 20)
    );
    let response = gitlab_jobs_client::default_http_client()
        .build()
        .unwrap()
        .post(format!(
            "{}/projects/1/jobs/{pending}/cancel",
            sandbox.url()
        ))
        .header("private-token", sandbox.config().tokens.root.clone())
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let job: serde_json::Value = response.json().await.unwrap();
    assert_eq!(job["status"], "canceled");
}

/// Past NGINX's 250 MiB, the proxy answers 413 with its HTML page before GitLab sees the body.
#[tokio::test]
async fn a_body_past_the_proxy_limit_gets_the_proxys_413() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let sandbox = sandbox_with(Config::default()).await;
    let mut socket = tokio::net::TcpStream::connect(sandbox.address())
        .await
        .unwrap();
    let head = "POST /api/v4/projects/1/jobs/1/cancel HTTP/1.1\r\nhost: 127.0.0.1\r\n\
                content-type: application/json\r\ncontent-length: 300000000\r\n\r\n{";
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let read = socket.read(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("content-type: text/html"), "{answer}");
    assert!(
        answer.contains("<center><h1>413 Request Entity Too Large</h1></center>"),
        "{answer}"
    );
}

#[tokio::test]
async fn concurrent_actions_lose_no_job() {
    let sandbox = sandbox_with(Config {
        jobs_rate_limit: 0,
        ..Config::default()
    })
    .await;
    let retryable: Vec<i64> = sandbox.with_store(|store| {
        store
            .jobs
            .values()
            .filter(|job| {
                job.project_id == projects::API
                    && !job.archived
                    && !job.retried
                    && matches!(job.status, JobStatus::Success | JobStatus::Failed)
            })
            .map(|job| job.id)
            .take(40)
            .collect()
    });
    assert_eq!(retryable.len(), 40);
    let before = sandbox.with_store(|store| store.jobs.len());
    let gitlab = root(&sandbox);
    let mut tasks = Vec::new();
    for id in retryable.iter().copied() {
        let gitlab = gitlab.clone();
        tasks.push(tokio::spawn(async move {
            let list = gitlab.list_project_jobs().id(1).per_page(100u64).send();
            let retry = gitlab.retry_job().id(1).job_id(id).send();
            let (list, retry) = tokio::join!(list, retry);
            list.unwrap();
            retry.unwrap().into_inner().id
        }));
    }
    let mut new_ids = Vec::new();
    for task in tasks {
        new_ids.push(task.await.unwrap());
    }
    new_ids.sort();
    new_ids.dedup();
    assert_eq!(new_ids.len(), 40, "every retry made its own job");
    let after = sandbox.with_store(|store| store.jobs.len());
    assert_eq!(after, before + 40);
    assert!(sandbox.with_store(|store| retryable.iter().all(|id| store.jobs[id].retried)));
}

/// A JSON `null` body is no body, as GitLab (Grape) reads it: generated Go and Java clients
/// send it for an action called without one. Other bodies that are not an object are
/// refused, as GitLab ignores them and the contract does not allow them.
#[tokio::test]
async fn a_null_body_is_no_body() {
    let sandbox = super::support::sandbox().await;
    let http = gitlab_jobs_client::default_http_client().build().unwrap();
    let token = sandbox.config().tokens.root.clone();
    let job = |wanted: fn(&gitlab_jobs_sandbox::store::Job) -> bool| {
        sandbox.with_store(|store| {
            store
                .jobs
                .values()
                .find(|job| job.project_id == projects::API && !job.archived && wanted(job))
                .map(|job| job.id)
                .unwrap()
        })
    };
    let pending = job(|job| job.is_build() && job.status == JobStatus::Pending);
    let failed = job(|job| job.is_build() && job.status == JobStatus::Failed && !job.retried);
    let manual = job(|job| job.is_build() && job.status == JobStatus::Manual);
    let post = |action: &str, id: i64, body: &'static str| {
        http.post(format!("{}/projects/1/jobs/{id}/{action}", sandbox.url()))
            .header("private-token", token.clone())
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    for (action, id, created) in [
        ("cancel", pending, 201),
        ("retry", failed, 201),
        ("play", manual, 200),
    ] {
        let response = post(action, id, "null").await.unwrap();
        assert_eq!(response.status(), created, "{action} with null");
        // Again, now that the job has moved on: whatever GitLab says of that, not of the body.
        let response = post(action, id, " null\n").await.unwrap();
        assert!(
            !response.text().await.unwrap().contains("JSON object"),
            "{action} with null and spaces"
        );
        for other in ["[]", "\"force\"", "1", "true"] {
            let response = post(action, id, other).await.unwrap();
            assert_eq!(response.status(), 400, "{action} with {other}");
            assert_eq!(
                response.text().await.unwrap(),
                r#"{"message":"400 Bad request - The request body must be a JSON object"}"#,
                "{action} with {other}"
            );
        }
    }
}

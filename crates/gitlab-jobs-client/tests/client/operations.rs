//! Each operation sends what GitLab expects and parses what GitLab documents.

use gitlab_jobs_client::models::{
    ArtifactFileType, CancelJobRequest, FailureReason, Job, JobOrBridge, JobScope, JobStatus,
    JobVariableAttributes, PlayJobRequest,
};
use gitlab_jobs_client::types::{KeysetOrderBy, PaginationMode, SortDirection};
use gitlab_jobs_client::{Auth, TryStreamExt};
use gitlab_jobs_mock::MockServerExt;
use httpmock::prelude::*;
use serde_json::json;

use super::support::{authenticated, client, client_with, fixture, raw_query};

#[tokio::test]
async fn list_project_jobs_encodes_the_path_once_and_repeats_scope() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        let when = authenticated(
            when.method(GET)
                .path("/projects/group%2Fsub%2Fproject/jobs"),
        );
        raw_query(
            when,
            "page=2&per_page=50&ref=main&scope%5B%5D=pending&scope%5B%5D=running",
        );
        then.status(200)
            .header("content-type", "application/json")
            .header("x-page", "2")
            .header("x-next-page", "")
            .json_body(fixture("004-list_project_jobs.json"));
    });
    let response = client(&server)
        .list_project_jobs()
        .id("group/sub/project")
        .scope(vec![JobScope::Pending, JobScope::Running])
        .ref_("main")
        .page(2u64)
        .per_page(50u64)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-page"], "2");
    let jobs = response.into_inner();
    assert_eq!(jobs.iter().map(|job| job.id).collect::<Vec<_>>(), [7, 6]);
    assert_eq!(jobs[0].failure_reason, Some(FailureReason::ScriptFailure));
    assert_eq!(
        jobs[0].commit.as_ref().unwrap().created_at.to_rfc3339(),
        "2015-12-24T16:51:14+01:00"
    );
}

#[tokio::test]
async fn list_project_jobs_sends_keyset_parameters() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        let when = authenticated(when.method(GET).path("/projects/42/jobs"));
        raw_query(
            when,
            "cursor=eyJpZCI6IjYifQ&order_by=id&pagination=keyset&per_page=100&sort=desc",
        );
        then.status(200)
            .header("content-type", "application/json")
            .json_body(json!([]));
    });
    let jobs = client(&server)
        .list_project_jobs()
        .id(42)
        .pagination(PaginationMode::Keyset)
        .order_by(KeysetOrderBy::Id)
        .sort(SortDirection::Desc)
        .cursor("eyJpZCI6IjYifQ")
        .per_page(100u64)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert!(jobs.is_empty());
}

#[tokio::test]
async fn list_pipeline_jobs_sends_include_retried_and_one_scope() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        let when = authenticated(when.method(GET).path("/projects/1/pipelines/6/jobs"));
        raw_query(when, "include_retried=true&scope%5B%5D=failed");
        then.status(200)
            .header("content-type", "application/json")
            .header("x-total", "2")
            .json_body(fixture("004-list_pipeline_jobs.json"));
    });
    let response = client(&server)
        .list_pipeline_jobs()
        .id(1)
        .pipeline_id(6)
        .include_retried(true)
        .scope(vec![JobScope::Failed])
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(response.headers()["x-total"], "2");
    assert_eq!(response.into_inner().len(), 2);
}

#[tokio::test]
async fn list_pipeline_bridges_parses_downstream_pipelines() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        raw_query(
            authenticated(when.method(GET).path("/projects/1/pipelines/6/bridges")),
            "",
        );
        then.status(200)
            .header("content-type", "application/json")
            .json_body(fixture("004-list_pipeline_bridges.json"));
    });
    let bridges = client(&server)
        .list_pipeline_bridges()
        .id(1)
        .pipeline_id(6)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    let downstream = bridges[0].downstream_pipeline.as_ref().unwrap();
    assert_eq!(downstream.id, 5);
    assert_eq!(downstream.status, JobStatus::Pending);
}

#[tokio::test]
async fn job_token_routes_send_the_job_token_and_nothing_else() {
    let server = MockServer::start_async().await;
    let job = server.mock(|when, then| {
        when.method(GET)
            .path("/job")
            .header("job-token", "ci-job-token")
            .header_missing("private-token")
            .header_missing("api-version");
        then.status(200)
            .header("content-type", "application/json")
            .json_body(fixture("004-get_job_by_token.json"));
    });
    let agents = server.mock(|when, then| {
        when.method(GET)
            .path("/job/allowed_agents")
            .header("authorization", "Bearer ci-job-token");
        then.status(200)
            .header("content-type", "application/json")
            .json_body(fixture("004-get_allowed_agents.json"));
    });
    let by_header = client_with(&server, Auth::job_token("ci-job-token").unwrap());
    assert_eq!(by_header.get_job_by_token().send().await.unwrap().id, 8);
    // GitLab also takes a job token as a bearer token on these routes.
    let by_bearer = client_with(&server, Auth::oauth_token("ci-job-token").unwrap());
    let allowed = by_bearer.get_allowed_agents().send().await.unwrap();
    job.assert_async().await;
    agents.assert_async().await;
    assert_eq!(
        allowed.allowed_agents[0].config_project.path_with_namespace,
        "namespace1/project1"
    );
    assert_eq!(allowed.project.groups.as_ref().unwrap().len(), 3);
}

#[tokio::test]
async fn get_job_sends_numeric_ids() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        raw_query(
            authenticated(when.method(GET).path("/projects/1/jobs/8")),
            "",
        );
        then.status(200)
            .header("content-type", "application/json")
            .json_body(fixture("004-get_job.json"));
    });
    let job = client(&server)
        .get_job()
        .id(1)
        .job_id(8)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(
        (job.id, job.name.as_str(), job.status.clone()),
        (8, "rubocop", JobStatus::Failed)
    );
}

#[tokio::test]
async fn cancel_sends_an_empty_object_or_force() {
    let server = MockServer::start_async().await;
    let plain = server.mock(|when, then| {
        authenticated(when.method(POST).path("/projects/1/jobs/1/cancel"))
            .header("content-type", "application/json")
            .body("{}");
        then.status(201)
            .header("content-type", "application/json")
            .json_body(fixture("004-cancel_job.json"));
    });
    let forced = server.mock(|when, then| {
        authenticated(when.method(POST).path("/projects/1/jobs/2/cancel"))
            .json_body(json!({"force": true}));
        then.status(201)
            .header("content-type", "application/json")
            .json_body(fixture("004-cancel_job.json"));
    });
    let gitlab = client(&server);
    let job = gitlab.cancel_job().id(1).job_id(1).send().await.unwrap();
    assert_eq!(job.status, JobStatus::Canceled);
    assert!(
        job.pipeline.is_none(),
        "the documented example leaves `pipeline` out"
    );
    let force = CancelJobRequest { force: Some(true) };
    gitlab
        .cancel_job()
        .id(1)
        .job_id(2)
        .body(force)
        .send()
        .await
        .unwrap();
    plain.assert_async().await;
    forced.assert_async().await;
}

#[tokio::test]
async fn retry_sends_no_inputs_unless_given_erase_no_body_both_answer_201() {
    let server = MockServer::start_async().await;
    let retry = server.mock(|when, then| {
        authenticated(when.method(POST).path("/projects/1/jobs/1/retry")).body("{}");
        then.status(201)
            .header("content-type", "application/json")
            .json_body(fixture("004-retry_job.json"));
    });
    let erase = server.mock(|when, then| {
        authenticated(when.method(POST).path("/projects/1/jobs/1/erase")).body("");
        then.status(201)
            .header("content-type", "application/json")
            .json_body(fixture("004-erase_job.json"));
    });
    let gitlab = client(&server);
    let retried = gitlab.retry_job().id(1).job_id(1).send().await.unwrap();
    assert_eq!(retried.status(), 201);
    assert_eq!(retried.status, JobStatus::Pending);
    let erased = gitlab.erase_job().id(1).job_id(1).send().await.unwrap();
    assert!(matches!(*erased.erased_at, Some(Some(_))));
    retry.assert_async().await;
    erase.assert_async().await;
}

#[tokio::test]
async fn play_sends_no_variables_unless_given_and_answers_job_or_bridge() {
    let server = MockServer::start_async().await;
    let without = server.mock(|when, then| {
        authenticated(when.method(POST).path("/projects/1/jobs/1/play")).body("{}");
        then.status(200)
            .header("content-type", "application/json")
            .json_body(fixture("004-play_job.json"));
    });
    let with = server.mock(|when, then| {
        authenticated(when.method(POST).path("/projects/1/jobs/2/play"))
            .json_body(fixture("004-play_job-request.json"));
        then.status(200)
            .header("content-type", "application/json")
            .json_body(fixture("004-list_pipeline_bridges.json")[0].clone());
    });
    let gitlab = client(&server);
    let played = gitlab.play_job().id(1).job_id(1).send().await.unwrap();
    assert!(
        matches!(played.into_inner(), JobOrBridge::Job(job) if job.status == JobStatus::Pending)
    );
    let variables = PlayJobRequest {
        job_variables_attributes: vec![
            JobVariableAttributes::new("TEST_VAR_1", "test1"),
            JobVariableAttributes::new("TEST_VAR_2", "test2"),
        ],
        ..Default::default()
    };
    let played = gitlab
        .play_job()
        .id(1)
        .job_id(2)
        .body(variables)
        .send()
        .await
        .unwrap();
    assert!(matches!(played.into_inner(), JobOrBridge::Bridge(_)));
    without.assert_async().await;
    with.assert_async().await;
}

#[tokio::test]
async fn values_gitlab_adds_later_round_trip_unchanged() {
    let mut job = fixture("004-get_job.json");
    job["status"] = json!("waiting_for_quantum");
    job["failure_reason"] = json!("quantum_decoherence");
    job["artifacts"] = json!([{"file_type": "hologram", "size": 5_000_000_000i64, "filename": "h.3d", "file_format": "holo"}]);
    job["some_new_key"] = json!({"added": "in GitLab 20"});
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(GET).path("/projects/1/jobs/8");
        then.status(200)
            .header("content-type", "application/json")
            .json_body(job.clone());
    });
    let parsed: Job = client(&server)
        .get_job()
        .id(1)
        .job_id(8)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        parsed.status,
        JobStatus::Other("waiting_for_quantum".into())
    );
    assert_eq!(
        parsed.failure_reason,
        Some(FailureReason::Other("quantum_decoherence".into()))
    );
    assert_eq!(
        parsed.artifacts[0].file_type,
        ArtifactFileType::Other("hologram".into())
    );
    assert_eq!(parsed.artifacts[0].size, 5_000_000_000);
    let written = serde_json::to_value(&parsed).unwrap();
    // Unknown keys are ignored: the new one, and `skype`, which GitLab no longer sends.
    job.as_object_mut().unwrap().remove("some_new_key");
    job["user"].as_object_mut().unwrap().remove("skype");
    assert_eq!(written, job, "every known key comes back as GitLab sent it");
}

#[tokio::test]
async fn typed_mocks_match_array_parameters_and_encoded_paths() {
    let server = MockServer::start_async().await;
    let jobs: Vec<Job> = serde_json::from_value(fixture("004-list_project_jobs.json")).unwrap();
    let mock = server.list_project_jobs(|when, then| {
        when.id(&"group/project.name".into())
            .scope(&vec![JobScope::Failed, JobScope::Manual]);
        then.ok(&jobs);
    });
    let other = server.list_project_jobs(|when, then| {
        when.id(&"group/projectxname".into());
        then.ok(&vec![]);
    });
    let page = client(&server)
        .list_project_jobs()
        .id("group/project.name")
        .scope(vec![JobScope::Failed, JobScope::Manual])
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(other.calls(), 0, "`.` in a path is not a regex wildcard");
    assert_eq!(page.into_inner(), jobs);
}

/// As the mock crate's documentation shows: a typed mock answers the stream's request, and
/// the stream ends with the page, which names no next one.
#[tokio::test]
async fn a_typed_mock_serves_a_stream_one_page() {
    let server = MockServer::start_async().await;
    let jobs: Vec<Job> = serde_json::from_value(fixture("004-list_project_jobs.json")).unwrap();
    let mock = server.list_project_jobs(|when, then| {
        when.id(&"group/project".into())
            .scope(&vec![JobScope::Failed]);
        then.ok(&jobs);
    });
    let failed: Vec<Job> = client(&server)
        .project_jobs("group/project")
        .scope([JobScope::Failed])
        .stream()
        .try_collect()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(failed, jobs);
}

/// The next page is asked for as soon as a page's headers name it, before its items are
/// consumed; the one after waits until the consumer reaches the next page: at most one page
/// is read ahead.
#[tokio::test]
async fn a_stream_reads_one_page_ahead_and_no_more() {
    let server = MockServer::start_async().await;
    let page = |id: i64| {
        let mut job = fixture("004-get_job.json");
        job["id"] = json!(id);
        json!([job])
    };
    let mut pages = Vec::new();
    for (cursor, id, next) in [
        ("", 30, Some("c2")),
        ("c2", 20, Some("c3")),
        ("c3", 10, None),
    ] {
        let link = next.map(|next| {
            format!(
                "<{}>; rel=\"next\"",
                server.url(format!(
                    "/projects/1/jobs?cursor={next}&pagination=keyset&per_page=100"
                ))
            )
        });
        pages.push(server.mock(|when, then| {
            let when = authenticated(when.method(GET).path("/projects/1/jobs"));
            if cursor.is_empty() {
                when.query_param_missing("cursor");
            } else {
                when.query_param("cursor", cursor);
            }
            let then = then
                .status(200)
                .header("content-type", "application/json")
                .json_body(page(id));
            if let Some(link) = link {
                then.header("link", link);
            }
        }));
    }
    use futures::StreamExt;
    let gitlab = client(&server);
    let mut jobs = gitlab.project_jobs(1).stream();
    let first = jobs.next().await.unwrap().unwrap();
    assert_eq!(first.id, 30);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        pages[1].calls_async().await,
        1,
        "the second page was asked for ahead"
    );
    assert_eq!(pages[2].calls_async().await, 0, "and only the second");
    let rest: Vec<i64> = jobs.map(|job| job.unwrap().id).collect().await;
    assert_eq!(rest, [20, 10]);
    for page in &pages {
        assert_eq!(page.calls_async().await, 1);
    }
}

/// When GitLab says how many pages there are, `concurrency` pages are asked for at once, and
/// a page gives its turn up once its headers are read: a server that counts the requests it
/// has not answered yet never sees more than `concurrency`, and does see that many.
#[tokio::test(flavor = "multi_thread")]
async fn concurrent_pages_keep_to_their_number_of_requests() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use futures::TryStreamExt;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    const PAGES: u64 = 12;
    const CONCURRENCY: usize = 3;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (waiting, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let job = fixture("004-get_job.json");
    let server = {
        let (waiting, most) = (waiting.clone(), most.clone());
        tokio::spawn(async move {
            loop {
                let (mut connection, _) = listener.accept().await.unwrap();
                let (waiting, most, job) = (waiting.clone(), most.clone(), job.clone());
                tokio::spawn(async move {
                    let mut buffer = Vec::new();
                    loop {
                        let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
                            let mut chunk = [0u8; 4096];
                            match connection.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(read) => buffer.extend_from_slice(&chunk[..read]),
                            }
                            continue;
                        };
                        let head = String::from_utf8(buffer.drain(..end + 4).collect()).unwrap();
                        let target = head.split(' ').nth(1).unwrap().to_owned();
                        let page: u64 = target
                            .split(['?', '&'])
                            .find_map(|pair| pair.strip_prefix("page="))
                            .map_or(1, |page| page.parse().unwrap());
                        most.fetch_max(
                            waiting.fetch_add(1, Ordering::SeqCst) + 1,
                            Ordering::SeqCst,
                        );
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        let mut item = job.clone();
                        item["id"] = json!(1000 - page);
                        let body = json!([item]).to_string();
                        let next = if page < PAGES {
                            (page + 1).to_string()
                        } else {
                            String::new()
                        };
                        let answer = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                             content-length: {}\r\nx-page: {page}\r\nx-total-pages: {PAGES}\r\n\
                             x-next-page: {next}\r\n\r\n{body}",
                            body.len()
                        );
                        // Answered from here on: the count drops before the client can know.
                        waiting.fetch_sub(1, Ordering::SeqCst);
                        connection.write_all(answer.as_bytes()).await.unwrap();
                    }
                });
            }
        })
    };
    let gitlab = gitlab_jobs_client::Client::with_private_token(&base, "glpat-x").unwrap();
    let ids: Vec<i64> = gitlab
        .pipeline_jobs(1, 7)
        .concurrency(CONCURRENCY)
        .stream()
        .map_ok(|job| job.id)
        .try_collect()
        .await
        .unwrap();
    server.abort();
    assert_eq!(
        ids,
        (1..=PAGES)
            .map(|page| 1000 - page as i64)
            .collect::<Vec<_>>()
    );
    assert_eq!(
        most.load(Ordering::SeqCst),
        CONCURRENCY,
        "requests unanswered at once"
    );
}

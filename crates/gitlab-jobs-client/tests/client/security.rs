//! Safe by construction: whichever way a client is built and whatever HTTP client it runs on, a
//! token never reaches another origin, an action is never sent there, and no wait is endless.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use gitlab_jobs_client::{Auth, Call, CallErrorKind, Client, RetryPolicy, Timeouts};
use httpmock::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::support::fixture;

const TOKEN: &str = "glpat-secret-of-gitlab";

/// Every way to build a client that the crate offers, for `base_url` and `auth`.
fn every_constructor(base_url: &str, auth: &Auth) -> Vec<(&'static str, Client)> {
    let reqwest_default = reqwest::Client::builder();
    let follows_anywhere =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::limited(10));
    let mut clients = vec![
        (
            "with_auth",
            Client::with_auth(base_url, auth.clone()).unwrap(),
        ),
        (
            "with_auth_and_http(reqwest::Client::builder())",
            Client::with_auth_and_http(base_url, auth.clone(), reqwest_default).unwrap(),
        ),
        (
            "with_auth_and_http(redirect::Policy::limited(10))",
            Client::with_auth_and_http(base_url, auth.clone(), follows_anywhere).unwrap(),
        ),
    ];
    let by_token = match format!("{auth:?}").as_str() {
        "Auth::PrivateToken(<redacted>)" => Client::with_private_token(base_url, TOKEN),
        "Auth::OAuth(<redacted>)" => Client::with_oauth_token(base_url, TOKEN),
        _ => Client::with_job_token(base_url, TOKEN),
    };
    clients.push(("with_*_token", by_token.unwrap()));
    clients
        .into_iter()
        .map(|(name, client)| (name, client.with_retry_policy(RetryPolicy::none())))
        .collect()
}

/// What arrived at the other origin.
#[derive(Default)]
struct Seen {
    credentials: AtomicBool,
    actions: AtomicBool,
}

#[tokio::test]
async fn no_constructor_sends_a_token_or_an_action_to_another_origin() {
    let gitlab = MockServer::start_async().await;
    let elsewhere = MockServer::start_async().await;
    let seen = Arc::new(Seen::default());
    let record = seen.clone();
    let storage = elsewhere.mock(|when, then| {
        when.is_true(move |request| {
            let headers = request.headers();
            if ["private-token", "job-token", "authorization"]
                .iter()
                .any(|name| headers.contains_key(*name))
            {
                record.credentials.store(true, Ordering::SeqCst);
            }
            if request.method() != http::Method::GET {
                record.actions.store(true, Ordering::SeqCst);
            }
            true
        });
        then.status(200).json_body(fixture("004-get_job.json"));
    });
    for status in [301, 302, 303, 307, 308] {
        let mut redirects = Vec::new();
        for path in ["/projects/1/jobs/8", "/projects/1/jobs/8/cancel"] {
            redirects.push(gitlab.mock(|when, then| {
                when.path(path);
                then.status(status)
                    .header("location", elsewhere.url("/steal?from=gitlab"));
            }));
        }
        for auth in [
            Auth::private_token(TOKEN).unwrap(),
            Auth::oauth_token(TOKEN).unwrap(),
            Auth::job_token(TOKEN).unwrap(),
        ] {
            for (constructor, client) in every_constructor(&gitlab.base_url(), &auth) {
                let case = format!("{status}, {auth:?}, {constructor}");
                let before = storage.calls_async().await;
                // A GET arrives there without credentials, as it would at object storage.
                let job = client.get_job().id(1).job_id(8).send().await;
                assert!(job.is_ok(), "{case}: {job:?}");
                assert_eq!(storage.calls_async().await, before + 1, "{case}");
                // An action is not sent there at all, and says why.
                let err = client
                    .cancel_job()
                    .id(1)
                    .job_id(8)
                    .call()
                    .await
                    .unwrap_err();
                assert!(
                    matches!(err.kind(), CallErrorKind::Redirected { origin, .. } if *origin == elsewhere.url("")),
                    "{case}: {err}"
                );
                assert!(!err.to_string().contains("steal"), "{err}");
                assert_eq!(storage.calls_async().await, before + 1, "{case}");
            }
        }
        for redirect in redirects {
            redirect.delete_async().await;
        }
    }
    assert!(
        !seen.credentials.load(Ordering::SeqCst),
        "a credential left GitLab"
    );
    assert!(
        !seen.actions.load(Ordering::SeqCst),
        "an action left GitLab"
    );
    // 5 statuses, 3 kinds of credentials, 4 constructors: one GET each.
    assert_eq!(storage.calls_async().await, 5 * 3 * 4);
}

#[tokio::test]
async fn redirects_within_gitlab_keep_working_with_the_credentials() {
    let gitlab = MockServer::start_async().await;
    let job = fixture("004-get_job.json");
    for (status, method, from, to) in [
        (301, "GET", "/projects/1/jobs/8", "/projects/1/jobs/9"),
        (
            308,
            "POST",
            "/projects/1/jobs/8/cancel",
            "/projects/1/jobs/9/cancel",
        ),
    ] {
        gitlab.mock(|when, then| {
            when.method(method).path(from);
            then.status(status).header("location", gitlab.url(to));
        });
        gitlab.mock(|when, then| {
            when.method(method).path(to).header("private-token", TOKEN);
            then.status(if to.ends_with("cancel") { 201 } else { 200 })
                .json_body(job.clone());
        });
    }
    for (constructor, client) in
        every_constructor(&gitlab.base_url(), &Auth::private_token(TOKEN).unwrap())
    {
        let got = client.get_job().id(1).job_id(8).call().await;
        assert!(got.is_ok(), "{constructor}: {got:?}");
        let canceled = client.cancel_job().id(1).job_id(8).call().await;
        assert!(canceled.is_ok(), "{constructor}: {canceled:?}");
    }
}

/// A server that accepts connections and then says nothing, or sends its head and then
/// stalls; returns its base URL.
async fn silent_server(head: Option<&'static str>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/v4", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut request = [0u8; 4096];
            let _ = socket.read(&mut request).await;
            if let Some(head) = head {
                let _ = socket.write_all(head.as_bytes()).await;
            }
            held.push(socket);
        }
    });
    url
}

#[tokio::test]
async fn a_silent_server_fails_every_constructor_in_time() {
    let quick = Timeouts {
        answer: Duration::from_millis(300),
        idle: Duration::from_millis(300),
        call: None,
    };
    let auth = Auth::private_token(TOKEN).unwrap();
    for head in [
        None,
        Some(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"id\":",
        ),
    ] {
        let url = silent_server(head).await;
        for (constructor, client) in every_constructor(&url, &auth) {
            let client = client.with_timeouts(quick);
            // The tests' own limit: far above the client's, so only a hang trips it.
            let call = tokio::time::timeout(
                Duration::from_secs(20),
                client.get_job().id(1).job_id(8).call(),
            );
            let err = call
                .await
                .unwrap_or_else(|_| panic!("{constructor}: the call hung"))
                .unwrap_err();
            let CallErrorKind::Transport(cause) = err.kind() else {
                panic!("{constructor}: {err}");
            };
            assert!(cause.is_timeout(), "{constructor}: {err}");
            let expected = if head.is_none() {
                "no answer within 0.3s"
            } else {
                "the answer stalled for 0.3s"
            };
            assert!(err.to_string().contains(expected), "{constructor}: {err}");
        }
    }
}

#[tokio::test]
async fn a_log_that_stalls_fails_instead_of_hanging() {
    let url = silent_server(Some(
        "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n",
    ))
    .await;
    let client = Client::with_auth_and_http(
        &url,
        Auth::private_token(TOKEN).unwrap(),
        reqwest::Client::builder(),
    )
    .unwrap()
    .with_timeouts(Timeouts {
        answer: Duration::from_secs(5),
        idle: Duration::from_millis(300),
        call: None,
    });
    let mut out = Vec::new();
    let written = tokio::time::timeout(Duration::from_secs(20), client.write_log(1, 8, &mut out))
        .await
        .expect("the log read hung");
    let err = written.unwrap_err();
    assert!(err.to_string().contains("stalled for 0.3s"), "{err}");
    assert_eq!(out, b"hello", "what arrived before the stall was written");
}

/// A client whose retries wait at most a few milliseconds, whatever a server asks.
fn hurried(server: &MockServer) -> Client {
    Client::with_private_token(&server.base_url(), TOKEN)
        .unwrap()
        .with_retry_policy(RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            budget: Duration::from_secs(5),
        })
}

/// Whatever a 429 says of when to come back, the client waits a bounded time, retries and
/// reports GitLab's answer; no value panics, in debug builds either (overflow checks).
#[tokio::test]
async fn hostile_wait_headers_end_in_an_answer_not_a_panic() {
    let server = MockServer::start_async().await;
    let client = hurried(&server);
    for (name, value) in [
        ("retry-after", "Mon, 01 Jan 0000 00:00:00 GMT"),
        ("retry-after", "Wed, 31 Dec 1969 23:59:59 GMT"),
        ("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT"),
        ("retry-after", "Sat, 01 Jan 99999999999 00:00:00 GMT"),
        ("retry-after", "18446744073709551615"),
        ("retry-after", "-1"),
        ("ratelimit-reset", "18446744073709551615"),
        ("ratelimit-reset", "0"),
        ("ratelimit-resettime", "Mon, 01 Jan 0000 00:00:00 GMT"),
    ] {
        let mock = server.mock(|_, then| {
            then.status(429)
                .header("content-type", "text/plain")
                .header(name, value)
                .body("Retry later\n");
        });
        let err = client.get_job().id(1).job_id(8).call().await.unwrap_err();
        mock.delete_async().await;
        assert_eq!(
            err.status().map(|s| s.as_u16()),
            Some(429),
            "{name}: {value}"
        );
        assert_eq!(err.attempts(), 2, "{name}: {value}");
        assert_eq!(
            err.to_string(),
            "get_job: 429 Too Many Requests: Retry later (2 attempts)"
        );
    }
}

/// The documented job with another ID.
fn job_with_id(id: i64) -> serde_json::Value {
    let mut job = fixture("004-get_job.json");
    job["id"] = id.into();
    job
}

/// Pagination headers that never end, or point back, end the stream instead of looping.
#[tokio::test]
async fn hostile_pagination_ends_instead_of_looping() {
    use futures::TryStreamExt;

    let server = MockServer::start_async().await;
    let page = |number: Option<&'static str>| {
        move |request: &httpmock::HttpMockRequest| {
            let pages: Vec<String> = request
                .query_params()
                .into_iter()
                .filter(|(key, _)| key == "page")
                .map(|(_, value)| value)
                .collect();
            match number {
                Some(number) => pages == [number],
                None => pages.is_empty(),
            }
        }
    };
    // Page 1 claims u64::MAX pages; page 2 has one job; page 3 and every later one is empty.
    let many = "18446744073709551615";
    server.mock(|when, then| {
        when.path("/projects/1/pipelines/7/jobs")
            .is_true(page(None));
        then.status(200)
            .header("x-total-pages", many)
            .header("x-next-page", "2")
            .json_body(serde_json::json!([job_with_id(2)]));
    });
    server.mock(|when, then| {
        when.path("/projects/1/pipelines/7/jobs")
            .is_true(page(Some("2")));
        then.status(200)
            .header("x-total-pages", many)
            .header("x-next-page", "3")
            .json_body(serde_json::json!([job_with_id(1)]));
    });
    let empty = server.mock(|when, then| {
        when.path("/projects/1/pipelines/7/jobs")
            .is_true(|request| {
                request
                    .query_params()
                    .iter()
                    .any(|(key, value)| key == "page" && value != "2")
            });
        then.status(200)
            .header("x-total-pages", many)
            .json_body(serde_json::json!([]));
    });
    let client = hurried(&server);
    let ids: Vec<i64> = client
        .pipeline_jobs(1, 7)
        .stream()
        .map_ok(|job| job.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, [2, 1]);
    // The default concurrency is 4: 4 pages asked for, and 4 more read but not yet yielded.
    assert!(
        empty.calls_async().await <= 8,
        "at most the pages in flight past the end are asked for"
    );

    // A page that names itself as the next one.
    server.mock(|when, then| {
        when.path("/projects/2/jobs");
        then.status(200)
            .header("x-next-page", "1")
            .json_body(serde_json::json!([job_with_id(3)]));
    });
    let err = client
        .project_jobs(2)
        .offset()
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("page 1 names page 1 as the next one"),
        "{err}"
    );
}

//! The job log streams, and its redirects keep the token at home.

use futures::StreamExt;
use gitlab_jobs_client::Error;
use httpmock::prelude::*;

use super::support::{TOKEN, authenticated, client};

#[tokio::test]
async fn a_5_mib_log_streams_in_chunks() {
    const SIZE: usize = 5 * 1024 * 1024;
    let log: Vec<u8> = (0..SIZE).map(|i| b"0123456789abcdef\n"[i % 17]).collect();
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        authenticated(when.method(GET).path("/projects/1/jobs/8/trace"));
        then.status(200)
            .header("content-type", "text/plain; charset=utf-8")
            .body(&log);
    });
    let response = client(&server)
        .get_job_log()
        .id(1)
        .job_id(8)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut stream = response.into_inner().into_inner();
    let (mut received, mut chunks, mut largest) = (0, 0, 0);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        assert_eq!(
            &chunk[..],
            &log[received..received + chunk.len()],
            "bytes out of order"
        );
        received += chunk.len();
        largest = largest.max(chunk.len());
        chunks += 1;
    }
    mock.assert_async().await;
    assert_eq!(received, SIZE);
    assert!(
        chunks > 1 && largest < SIZE,
        "the log came in {chunks} chunk(s), the largest {largest} bytes"
    );
}

#[tokio::test]
async fn an_empty_log_is_an_empty_stream() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.path("/projects/1/jobs/8/trace");
        then.status(200)
            .header("content-type", "text/plain")
            .body("");
    });
    let stream = client(&server)
        .get_job_log()
        .id(1)
        .job_id(8)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stream.into_inner().count().await, 0);
}

#[tokio::test]
async fn the_token_follows_a_redirect_only_within_the_origin() {
    let gitlab = MockServer::start_async().await;
    let storage = MockServer::start_async().await;
    let same = gitlab.mock(|when, then| {
        when.path("/projects/1/jobs/8/trace");
        then.status(302)
            .header("location", gitlab.url("/moved/8.log"));
    });
    let moved = gitlab.mock(|when, then| {
        authenticated(when.path("/moved/8.log"));
        then.status(200).body("log");
    });
    let away = gitlab.mock(|when, then| {
        when.path("/projects/1/jobs/9/trace");
        then.status(302)
            .header("location", storage.url("/bucket/9.log"));
    });
    let stolen = storage.mock(|when, then| {
        when.path("/bucket/9.log");
        then.status(200).body("log");
    });
    let client = client(&gitlab);
    client.get_job_log().id(1).job_id(8).send().await.unwrap();
    same.assert_async().await;
    moved.assert_async().await;
    let result = client.get_job_log().id(1).job_id(9).send().await;
    let Err(Error::UnexpectedResponse(response)) = result else {
        panic!(
            "expected the redirect back, not {:?}",
            result.map(|r| r.status())
        );
    };
    assert_eq!(
        response.status(),
        302,
        "the redirect comes back for the caller to follow"
    );
    assert_eq!(response.headers()["location"], storage.url("/bucket/9.log"));
    away.assert_async().await;
    assert_eq!(
        stolen.calls_async().await,
        0,
        "nothing reached the other origin with {TOKEN}"
    );
}

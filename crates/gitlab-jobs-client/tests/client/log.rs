//! The job log streams, and its redirects keep the token at home.

use futures::StreamExt;
use httpmock::prelude::*;

use super::support::{authenticated, client};

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
async fn redirects_to_another_origin_are_followed_without_the_token() {
    let gitlab = MockServer::start_async().await;
    let storage = MockServer::start_async().await;
    let same = gitlab.mock(|when, then| {
        when.path("/projects/1/jobs/8/trace");
        then.status(302)
            .header("location", gitlab.url("/moved/8.log"));
    });
    let moved = gitlab.mock(|when, then| {
        authenticated(when.path("/moved/8.log"));
        then.status(200).body("log 8");
    });
    let away = gitlab.mock(|when, then| {
        when.path("/projects/1/jobs/9/trace");
        then.status(302)
            .header("location", storage.url("/bucket/9.log?X-Amz-Signature=s"));
    });
    let bare = storage.mock(|when, then| {
        when.path("/bucket/9.log")
            .query_param("X-Amz-Signature", "s")
            .header_missing("private-token")
            .header_missing("job-token")
            .header_missing("authorization");
        then.status(200)
            .header("content-type", "text/plain")
            .body("log 9");
    });
    let client = client(&gitlab);
    let log = |job_id| {
        let client = client.clone();
        async move {
            let stream = client
                .get_job_log()
                .id(1)
                .job_id(job_id)
                .send()
                .await
                .unwrap()
                .into_inner();
            let chunks: Vec<_> = stream
                .into_inner()
                .map(|chunk| chunk.unwrap())
                .collect()
                .await;
            String::from_utf8(chunks.concat()).unwrap()
        }
    };
    assert_eq!(
        log(8).await,
        "log 8",
        "within GitLab's origin, the token goes along"
    );
    assert_eq!(log(9).await, "log 9", "elsewhere, the log comes without it");
    same.assert_async().await;
    moved.assert_async().await;
    away.assert_async().await;
    // The storage answers only a request without credentials, once: anything else would
    // have been a 404 and failed the read above.
    bare.assert_async().await;
}

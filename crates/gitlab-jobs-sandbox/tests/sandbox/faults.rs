//! Rate limits and injected faults.

use std::time::{Duration, Instant};

use futures::StreamExt;
use gitlab_jobs_client::models::{ApiError, JobStatus};
use gitlab_jobs_client::{Auth, Client, Error, RetryPolicy};
use gitlab_jobs_sandbox::data::projects;
use gitlab_jobs_sandbox::{Config, Faults};

use super::support::{find_job, is_build_with, root, sandbox_with};

#[tokio::test]
async fn the_project_job_list_is_rate_limited_like_gitlab() {
    let sandbox = sandbox_with(Config {
        jobs_rate_limit: 3,
        ..Config::default()
    })
    .await;
    let gitlab = root(&sandbox);
    for _ in 0..3 {
        gitlab.list_project_jobs().id(1).send().await.unwrap();
    }
    let answer = gitlab.list_project_jobs().id(1).send().await;
    let Err(Error::ErrorResponse(response)) = answer else {
        panic!("a 429")
    };
    assert_eq!(response.status(), 429);
    // An endpoint's own limit (`check_rate_limit!`) sets none of the throttles' headers.
    for name in ["retry-after", "ratelimit-limit", "ratelimit-reset"] {
        assert!(!response.headers().contains_key(name), "{name}");
    }
    assert!(matches!(response.into_inner(), ApiError::RateLimited(_)));
    // Other routes are not limited.
    gitlab
        .get_job()
        .id(1)
        .job_id(find_job(&sandbox, projects::API, |job| job.is_build()).id)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn injected_faults_answer_5xx_429_late_or_not_at_all() {
    let always = |faults: Faults| Config {
        faults,
        jobs_rate_limit: 0,
        ..Config::default()
    };
    let errors = sandbox_with(always(Faults {
        server_errors: 1.0,
        ..Faults::default()
    }))
    .await;
    let err = root(&errors)
        .list_project_jobs()
        .id(1)
        .send()
        .await
        .unwrap_err();
    let status = err.status().expect("an answer with a status").as_u16();
    assert!([500, 502, 503].contains(&status), "{status}");

    let limited = sandbox_with(always(Faults {
        rate_limited: 1.0,
        ..Faults::default()
    }))
    .await;
    // An instance throttle answers any route, in plain text, with Rack::Attack's headers.
    let get_job = root(&limited).get_job().id(1).job_id(1).send().await;
    let cancel = root(&limited).cancel_job().id(1).job_id(1).send().await;
    let anonymous = Client::with_auth(limited.url(), Auth::anonymous())
        .unwrap()
        .with_retry_policy(RetryPolicy::none());
    let public = anonymous
        .list_pipeline_jobs()
        .id(2)
        .pipeline_id(1)
        .send()
        .await;
    for (answer, throttle) in [
        (get_job.map(drop), "throttle_authenticated_api"),
        (cancel.map(drop), "throttle_authenticated_api"),
        (public.map(drop), "throttle_unauthenticated_api"),
    ] {
        let Err(Error::ErrorResponse(response)) = answer else {
            panic!("a 429")
        };
        assert_eq!(response.status(), 429);
        let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
        assert_eq!(header("content-type"), "text/plain");
        assert_eq!(header("ratelimit-name"), throttle);
        assert_eq!(header("retry-after"), "1");
        assert_eq!(header("ratelimit-limit"), "600");
        assert_eq!(header("ratelimit-observed"), "11");
        assert_eq!(header("ratelimit-remaining"), "0");
        let reset: i64 = header("ratelimit-reset").parse().unwrap();
        let reset_time = httpdate::parse_http_date(&header("ratelimit-resettime")).unwrap();
        assert_eq!(
            reset_time
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs() as i64,
            reset
        );
        assert_eq!(
            response.into_inner(),
            ApiError::Text("Retry later\n".into())
        );
    }

    let slow = sandbox_with(always(Faults {
        latency: Duration::from_millis(150),
        ..Faults::default()
    }))
    .await;
    let started = Instant::now();
    root(&slow).list_project_jobs().id(1).send().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn a_dropped_answer_still_took_effect() {
    let sandbox = sandbox_with(Config {
        faults: Faults {
            dropped: 1.0,
            ..Faults::default()
        },
        jobs_rate_limit: 0,
        ..Config::default()
    })
    .await;
    let pending = find_job(&sandbox, projects::API, is_build_with(JobStatus::Pending));
    let result = root(&sandbox)
        .cancel_job()
        .id(1)
        .job_id(pending.id)
        .send()
        .await;
    assert!(result.is_err(), "the answer never arrives");
    let now = sandbox.with_store(|store| store.jobs[&pending.id].status.clone());
    assert_eq!(
        now,
        JobStatus::Canceled,
        "the cancel happened once all the same"
    );
}

#[tokio::test]
async fn logs_redirect_to_storage_and_the_token_stays_home() {
    let sandbox = sandbox_with(Config {
        faults: Faults {
            redirect_logs: true,
            ..Faults::default()
        },
        jobs_rate_limit: 0,
        ..Config::default()
    })
    .await;
    let done = find_job(&sandbox, projects::API, is_build_with(JobStatus::Success));
    // By hand: GitLab's answer is the redirect.
    let redirect = gitlab_jobs_client::default_http_client()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!(
            "{}/projects/1/jobs/{}/trace",
            sandbox.url(),
            done.id
        ))
        .header("private-token", sandbox.config().tokens.root.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(redirect.status(), 302);
    let location = redirect.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains(&format!("/logs/{}.log", done.id)));
    assert!(sandbox.storage_requests().is_empty());
    // The client follows it to the storage, without credentials.
    let log = root(&sandbox)
        .get_job_log()
        .id(1)
        .job_id(done.id)
        .send()
        .await
        .unwrap();
    let mut text = Vec::new();
    let mut body = log.into_inner().into_inner();
    while let Some(chunk) = body.next().await {
        text.extend_from_slice(&chunk.unwrap());
    }
    assert!(String::from_utf8(text).unwrap().contains("Job succeeded"));
    let seen = sandbox.storage_requests();
    assert_eq!(seen.len(), 1);
    for credential in ["private-token", "job-token", "authorization"] {
        assert!(
            seen[0].get(credential).is_none(),
            "{credential} reached the storage"
        );
    }
}

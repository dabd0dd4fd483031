//! Rate limits and injected faults.

use std::time::{Duration, Instant};

use futures::StreamExt;
use gitlab_jobs_client::models::{ApiError, Job, JobStatus};
use gitlab_jobs_client::{Auth, Client, Error, RetryPolicy};
use gitlab_jobs_sandbox::data::projects;
use gitlab_jobs_sandbox::{Config, Faults, Version};

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
    // An endpoint's own limit (`check_rate_limit!`) asks for its whole interval, and sets
    // none of the throttles' RateLimit headers.
    assert_eq!(response.headers()["retry-after"], "60");
    for name in ["ratelimit-limit", "ratelimit-reset", "ratelimit-resettime"] {
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

/// GitLab 19.5 limits retrying and playing a job to 3 a minute per user and job, checked
/// before the user's permission, so that refused calls count too; earlier versions do not.
#[tokio::test]
async fn retry_and_play_are_rate_limited_per_job_from_19_5() {
    for (version, limited) in [
        (Version::new(19, 5, 0), true),
        (Version::new(19, 4, 2), false),
    ] {
        let sandbox = sandbox_with(Config {
            gitlab_version: version,
            rate_limit_interval: Duration::from_secs(3600),
            ..Config::default()
        })
        .await;
        let gitlab = root(&sandbox);
        let reporter = super::support::client(&sandbox, &sandbox.config().tokens.reporter);
        let succeeded = find_job(&sandbox, projects::API, |job| {
            job.is_build() && job.status == JobStatus::Success
        });
        let status = |answer: Result<gitlab_jobs_client::ResponseValue<Job>, Error<ApiError>>| {
            match answer {
                Ok(new) => new.status().as_u16(),
                Err(Error::ErrorResponse(answer)) if answer.status() == 429 => {
                    assert_eq!(answer.headers()["retry-after"], "3600");
                    assert!(matches!(answer.into_inner(), ApiError::RateLimited(_)));
                    429
                }
                Err(Error::ErrorResponse(answer)) => answer.status().as_u16(),
                Err(other) => panic!("{other}"),
            }
        };
        // A Reporter may not retry: refused (403), and counted all the same.
        let mut statuses = Vec::new();
        for _ in 0..4 {
            statuses.push(status(
                reporter.retry_job().id(1).job_id(succeeded.id).send().await,
            ));
        }
        // Another user has a count of their own.
        statuses.push(status(
            gitlab.retry_job().id(1).job_id(succeeded.id).send().await,
        ));
        let expected = match limited {
            true => vec![403, 403, 403, 429, 201],
            false => vec![403, 403, 403, 403, 201],
        };
        assert_eq!(statuses, expected, "GitLab {version}");
    }
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

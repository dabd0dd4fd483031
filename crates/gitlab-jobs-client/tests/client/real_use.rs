//! The client for real use, against the sandbox with faults on: streams, retries, redirects,
//! following a log, waiting for a job.

use std::collections::BTreeMap;
use std::time::Duration;

use futures::TryStreamExt;
use gitlab_jobs_client::models::{JobScope, JobStatus};
use gitlab_jobs_client::{Call, CallErrorKind, Client, RetryPolicy};
use gitlab_jobs_sandbox::data::projects;
use gitlab_jobs_sandbox::{Config, Faults, Sandbox};

/// Quick retries: the sandbox asks for a second's wait on its 429s, and these tests wait at
/// most a few milliseconds, as a policy's `max_delay` allows.
fn patient() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 12,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        budget: Duration::from_secs(60),
    }
}

async fn start(jobs: usize, faults: Faults) -> Sandbox {
    let config = Config {
        jobs,
        faults,
        jobs_rate_limit: 0,
        ..Config::default()
    };
    Sandbox::start(config).await.unwrap()
}

fn root(sandbox: &Sandbox, policy: RetryPolicy) -> Client {
    Client::with_private_token(sandbox.url(), &sandbox.config().tokens.root)
        .unwrap()
        .with_retry_policy(policy)
}

fn faulty() -> Faults {
    Faults {
        server_errors: 0.10,
        rate_limited: 0.05,
        dropped: 0.05,
        ..Faults::default()
    }
}

fn builds(sandbox: &Sandbox, project: i64) -> Vec<i64> {
    sandbox.with_store(|store| {
        store
            .jobs
            .values()
            .rev()
            .filter(|job| job.project_id == project && job.is_build())
            .map(|job| job.id)
            .collect()
    })
}

#[tokio::test]
async fn twenty_thousand_jobs_under_faults_arrive_exactly_once() {
    let sandbox = start(20_000, faulty()).await;
    let gitlab = root(&sandbox, patient());
    let keyset: Vec<i64> = gitlab
        .project_jobs(1)
        .stream()
        .map_ok(|job| job.id)
        .try_collect()
        .await
        .unwrap();
    let expected = builds(&sandbox, projects::API);
    assert_eq!(expected.len(), 20_000);
    assert_eq!(keyset, expected, "every job once, newest first, by cursor");
    let offset: Vec<i64> = gitlab
        .project_jobs("acme/platform/api")
        .offset()
        .stream()
        .map_ok(|job| job.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(offset, expected, "and by offset");
}

#[tokio::test]
async fn pipeline_lists_fetch_pages_concurrently_in_order() {
    let sandbox = start(200, faulty()).await;
    let gitlab = root(&sandbox, patient());
    let pipeline = sandbox.with_store(|store| {
        store
            .jobs
            .values()
            .find(|job| job.project_id == projects::API)
            .unwrap()
            .pipeline_id
    });
    let expected: Vec<i64> = sandbox.with_store(|store| {
        store
            .jobs
            .values()
            .rev()
            .filter(|job| job.pipeline_id == pipeline && job.is_build())
            .map(|job| job.id)
            .collect()
    });
    let jobs: Vec<i64> = gitlab
        .pipeline_jobs(1, pipeline)
        .include_retried(true)
        .per_page(1)
        .concurrency(3)
        .stream()
        .map_ok(|job| job.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(jobs, expected);
    let failed: Vec<JobStatus> = gitlab
        .project_jobs(1)
        .scope([JobScope::Failed])
        .per_page(7)
        .stream()
        .map_ok(|job| job.status)
        .try_collect()
        .await
        .unwrap();
    assert!(!failed.is_empty() && failed.iter().all(|status| *status == JobStatus::Failed));
}

#[tokio::test]
async fn actions_under_faults_take_effect_at_most_once_and_once_when_answered() {
    let sandbox = start(400, faulty()).await;
    let gitlab = root(&sandbox, patient());
    let originals: Vec<(i64, i64, String)> = sandbox.with_store(|store| {
        store
            .jobs
            .values()
            .filter(|job| {
                job.project_id == projects::API
                    && job.is_build()
                    && !job.archived
                    && !job.retried
                    && matches!(job.status, JobStatus::Success | JobStatus::Failed)
            })
            .map(|job| (job.id, job.pipeline_id, job.name.clone()))
            .take(60)
            .collect()
    });
    // The sandbox answers a 5xx before it acts, and drops an answer after it acted.
    let mut answered = BTreeMap::new();
    let mut rejected = Vec::new();
    let mut broken = Vec::new();
    for (id, _, _) in &originals {
        match gitlab.retry_job().id(1).job_id(*id).call().await {
            Ok(new) => {
                answered.insert(*id, new.id);
            }
            Err(err) => match err.kind() {
                CallErrorKind::UnexpectedStatus { status } if status.is_server_error() => {
                    rejected.push(*id)
                }
                CallErrorKind::Transport(_) => broken.push(*id),
                other => panic!("job {id}: {other:?}"),
            },
        }
    }
    assert!(
        !rejected.is_empty() && !broken.is_empty() && !answered.is_empty(),
        "the faults hit some calls, not all"
    );
    sandbox.with_store(|store| {
        for (id, pipeline, name) in &originals {
            let copies: Vec<i64> = store
                .jobs
                .values()
                .filter(|job| {
                    job.id > *id
                        && job.pipeline_id == *pipeline
                        && job.name == *name
                        && job.created_at > store.jobs[id].created_at
                })
                .map(|job| job.id)
                .collect();
            // A retried POST after a broken answer would show here as a second copy.
            assert!(
                copies.len() <= 1,
                "job {id} was retried {} times",
                copies.len()
            );
            if let Some(new) = answered.get(id) {
                assert_eq!(copies, [*new], "an answered retry took effect once");
            }
            if rejected.contains(id) {
                assert!(copies.is_empty(), "job {id}: a 5xx answer, and no effect");
            }
            if broken.contains(id) {
                assert_eq!(
                    copies.len(),
                    1,
                    "job {id}: the answer broke off after the effect"
                );
            }
        }
    });
}

#[tokio::test]
async fn gets_are_retried_on_5xx_and_posts_only_on_429() {
    let policy = RetryPolicy {
        max_attempts: 3,
        ..patient()
    };
    let failing = start(
        50,
        Faults {
            server_errors: 1.0,
            ..Faults::default()
        },
    )
    .await;
    let gitlab = root(&failing, policy.clone());
    let err = gitlab.get_job().id(1).job_id(1).call().await.unwrap_err();
    assert_eq!(
        (err.attempts(), err.status().map(|s| s.is_server_error())),
        (3, Some(true))
    );
    assert!(err.to_string().ends_with("(3 attempts)"), "{err}");
    let err = gitlab
        .cancel_job()
        .id(1)
        .job_id(1)
        .call()
        .await
        .unwrap_err();
    assert_eq!(
        err.attempts(),
        1,
        "a POST that got a 5xx may have acted: not retried"
    );

    let throttled = start(
        50,
        Faults {
            rate_limited: 1.0,
            ..Faults::default()
        },
    )
    .await;
    let gitlab = root(&throttled, policy);
    let err = gitlab
        .cancel_job()
        .id(1)
        .job_id(1)
        .call()
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 3, "a 429 means GitLab did not act: retried");
    assert_eq!(err.status().map(|status| status.as_u16()), Some(429));
}

#[tokio::test]
async fn a_log_redirected_elsewhere_arrives_and_the_token_stays_home() {
    let sandbox = start(
        50,
        Faults {
            redirect_logs: true,
            ..Faults::default()
        },
    )
    .await;
    let done = sandbox.with_store(|store| {
        store
            .jobs
            .values()
            .find(|job| job.is_build() && job.status == JobStatus::Success)
            .unwrap()
            .clone()
    });
    let mut log = Vec::new();
    let written = root(&sandbox, RetryPolicy::none())
        .write_log(1, done.id, &mut log)
        .await
        .unwrap();
    assert_eq!(log, done.log.to_vec());
    assert_eq!(written, log.len() as u64);
    let seen = sandbox.storage_requests();
    assert_eq!(seen.len(), 1);
    for credential in ["private-token", "job-token", "authorization", "cookie"] {
        assert!(
            seen[0].get(credential).is_none(),
            "{credential} reached the storage origin"
        );
    }
}

#[tokio::test]
async fn following_a_log_writes_each_byte_once_and_stops_on_a_cancel() {
    let sandbox = start(50, Faults::default()).await;
    let running = sandbox.with_store(|store| {
        store
            .jobs
            .values()
            .find(|job| job.project_id == projects::API && job.status == JobStatus::Running)
            .unwrap()
            .id
    });
    let gitlab = root(&sandbox, RetryPolicy::none());
    let follower = {
        let gitlab = gitlab.clone();
        tokio::spawn(async move {
            let mut out = Vec::new();
            let job = gitlab
                .follow_log(1, running)
                .poll_interval(Duration::from_millis(10))
                .write_to(&mut out)
                .await;
            (job, out)
        })
    };
    for line in 0..5 {
        tokio::time::sleep(Duration::from_millis(25)).await;
        sandbox.with_store(|store| {
            let job = store.jobs.get_mut(&running).unwrap();
            let mut log = job.log.to_vec();
            log.extend_from_slice(format!("step {line}\n").as_bytes());
            job.log = log.into();
        });
    }
    gitlab
        .cancel_job()
        .id(1)
        .job_id(running)
        .call()
        .await
        .unwrap();
    let (job, out) = tokio::time::timeout(Duration::from_secs(10), follower)
        .await
        .expect("the follower stops")
        .unwrap();
    let job = job.unwrap();
    assert_eq!(job.status, JobStatus::Canceled);
    let full = sandbox.with_store(|store| store.jobs[&running].log.to_vec());
    assert_eq!(
        String::from_utf8(out).unwrap(),
        String::from_utf8(full).unwrap(),
        "the whole log, each byte once"
    );
}

#[tokio::test]
async fn waiting_for_a_job_returns_it_or_times_out() {
    let sandbox = start(50, Faults::default()).await;
    let pending = sandbox.with_store(|store| {
        store
            .jobs
            .values()
            .find(|job| job.project_id == projects::API && job.status == JobStatus::Pending)
            .unwrap()
            .id
    });
    let gitlab = root(&sandbox, RetryPolicy::none());
    let poll = Duration::from_millis(10);
    let err = gitlab
        .wait_for_terminal(1, pending, poll, Duration::from_millis(50))
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), CallErrorKind::TimedOut { .. }),
        "{err}"
    );
    let canceler = {
        let gitlab = gitlab.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(30)).await;
            gitlab
                .cancel_job()
                .id(1)
                .job_id(pending)
                .call()
                .await
                .unwrap();
        })
    };
    let job = gitlab
        .wait_for_terminal(1, pending, poll, Duration::from_secs(10))
        .await
        .unwrap();
    canceler.await.unwrap();
    assert_eq!(job.status, JobStatus::Canceled);
}

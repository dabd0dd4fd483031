//! What GitLab added after the seeds, against the sandbox: the `trigger_jobs` route, ranged
//! log reads and a follow that reads only new bytes, job inputs.

use std::collections::BTreeMap;
use std::time::Duration;

use futures::TryStreamExt;
use gitlab_jobs_client::models::{
    ApiError, JobInputValue, JobStatus, JobVariableAttributes, PlayJobRequest, RetryJobRequest,
    VariableType,
};
use gitlab_jobs_client::{Call, CallErrorKind, Client, LogRead};
use gitlab_jobs_sandbox::data::projects;
use gitlab_jobs_sandbox::{Config, Feature, GrowLogs, Sandbox};

async fn start(config: Config) -> Sandbox {
    Sandbox::start(Config {
        jobs: 60,
        jobs_rate_limit: 0,
        ..config
    })
    .await
    .unwrap()
}

fn root(sandbox: &Sandbox) -> Client {
    Client::with_private_token(sandbox.url(), &sandbox.config().tokens.root).unwrap()
}

fn find(sandbox: &Sandbox, wanted: impl Fn(&gitlab_jobs_sandbox::store::Job) -> bool) -> i64 {
    sandbox.with_store(|store| {
        store
            .jobs
            .values()
            .rev()
            .find(|job| job.project_id == projects::API && !job.retried && wanted(job))
            .expect("the seeded data has such a job")
            .id
    })
}

#[tokio::test]
async fn both_trigger_job_routes_list_the_same_bridges() {
    let sandbox = start(Config::default()).await;
    let gitlab = root(&sandbox);
    let pipeline = sandbox.with_store(|store| {
        store
            .jobs
            .values()
            .find(|job| job.project_id == projects::API && !job.is_build())
            .unwrap()
            .pipeline_id
    });
    let new: Vec<i64> = gitlab
        .pipeline_trigger_jobs(1, pipeline)
        .per_page(1)
        .stream()
        .map_ok(|bridge| bridge.id)
        .try_collect()
        .await
        .unwrap();
    let old: Vec<i64> = gitlab
        .pipeline_bridges(1, pipeline)
        .stream()
        .map_ok(|bridge| bridge.id)
        .try_collect()
        .await
        .unwrap();
    assert!(!new.is_empty());
    assert_eq!(new, old);
}

#[tokio::test]
async fn a_finished_jobs_log_is_read_from_an_offset_in_one_part() {
    let sandbox = start(Config::default()).await;
    let gitlab = root(&sandbox);
    let done = find(&sandbox, |job| {
        job.status == JobStatus::Success && job.log.len() > 100
    });
    let log = sandbox.with_store(|store| store.jobs[&done].log.to_vec());
    let before = sandbox.log_bytes_served();
    let mut out = Vec::new();
    let read = gitlab.write_log_from(1, done, 100, &mut out).await.unwrap();
    assert_eq!(out, log[100..]);
    let length = log.len() as u64;
    assert_eq!(
        read,
        LogRead {
            start: 100,
            written: length - 100,
            length: Some(length)
        }
    );
    assert_eq!(
        sandbox.log_bytes_served() - before,
        length - 100,
        "only the part"
    );
    // At the end, nothing more: a 416 that says how long the log is.
    let mut nothing = Vec::new();
    let read = gitlab
        .write_log_from(1, done, length, &mut nothing)
        .await
        .unwrap();
    assert!(nothing.is_empty());
    assert_eq!(read.length, Some(length));
    // Past the end, as after an erase: the log is shorter than what was read, an error that
    // gives both lengths, and nothing written.
    let err = gitlab
        .write_log_from(1, done, length + 50, &mut nothing)
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), CallErrorKind::LogShrank { had, now } if *had == length + 50 && *now == length),
        "{err}"
    );
    assert!(nothing.is_empty());
}

#[tokio::test]
async fn a_running_jobs_log_comes_whole_and_the_known_prefix_is_skipped() {
    let sandbox = start(Config::default()).await;
    let gitlab = root(&sandbox);
    let running = find(&sandbox, |job| {
        job.status == JobStatus::Running && job.log.len() > 10
    });
    let log = sandbox.with_store(|store| store.jobs[&running].log.to_vec());
    let before = sandbox.log_bytes_served();
    let mut out = Vec::new();
    let read = gitlab
        .write_log_from(1, running, 10, &mut out)
        .await
        .unwrap();
    assert_eq!(out, log[10..]);
    assert_eq!(read.written, log.len() as u64 - 10);
    assert_eq!(
        sandbox.log_bytes_served() - before,
        log.len() as u64,
        "GitLab serves a live log whole"
    );
}

/// A job whose log grows to `size` bytes, `step` at a time, then succeeds; followed to the
/// end. Returns what the follower wrote, the log, and the bytes the sandbox served.
async fn follow_growing_log(
    live_log_ranges: bool,
    size: usize,
    step: usize,
) -> (Vec<u8>, Vec<u8>, u64) {
    let sandbox = start(Config {
        live_log_ranges,
        grow_logs: Some(GrowLogs {
            every: Duration::from_millis(5),
            bytes: step,
            finish_at: Some(size),
        }),
        ..Config::default()
    })
    .await;
    let gitlab = root(&sandbox);
    let running = find(&sandbox, |job| job.status == JobStatus::Running);
    let before = sandbox.log_bytes_served();
    let mut out = Vec::new();
    let job = tokio::time::timeout(
        Duration::from_secs(120),
        gitlab
            .follow_log(1, running)
            .poll_interval(Duration::from_millis(5))
            .write_to(&mut out),
    )
    .await
    .expect("the job finishes and the follower stops")
    .unwrap();
    assert_eq!(job.status, JobStatus::Success);
    let log = sandbox.with_store(|store| store.jobs[&running].log.to_vec());
    (out, log, sandbox.log_bytes_served() - before)
}

#[tokio::test]
async fn following_a_log_that_grows_to_50_mib_transfers_it_about_once() {
    const SIZE: usize = 50 << 20;
    let (out, log, served) = follow_growing_log(true, SIZE, 1 << 20).await;
    assert!(log.len() >= SIZE);
    assert!(out == log, "the whole log, each byte once");
    assert!(
        (served as f64) < 1.1 * SIZE as f64,
        "{served} bytes served for a log of {}",
        log.len()
    );
}

#[tokio::test]
async fn following_a_log_a_server_answers_whole_still_writes_each_byte_once() {
    let (out, log, served) = follow_growing_log(false, 2 << 20, 64 << 10).await;
    assert!(out == log, "the whole log, each byte once");
    assert!(
        served > log.len() as u64,
        "the live log came whole, more than once"
    );
}

#[tokio::test]
async fn an_unchanged_archived_log_is_not_sent_again() {
    let sandbox = start(Config::default()).await;
    let gitlab = root(&sandbox);
    let done = find(&sandbox, |job| {
        job.status == JobStatus::Success && !job.log.is_empty()
    });
    let first = gitlab
        .get_job_log()
        .id(1)
        .job_id(done)
        .send()
        .await
        .unwrap();
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(first.headers()["accept-ranges"], "bytes");
    let again = gitlab
        .get_job_log()
        .id(1)
        .job_id(done)
        .if_none_match(etag)
        .send()
        .await;
    // 304 is not an answer progenitor types: it arrives as an unexpected response.
    match again {
        Err(gitlab_jobs_client::Error::UnexpectedResponse(response)) => {
            assert_eq!(response.status(), 304)
        }
        Ok(answer) => panic!("expected a 304, got {}", answer.status()),
        Err(err) => panic!("expected a 304, got {err}"),
    }
}

#[tokio::test]
async fn retry_inputs_need_the_feature_flag_and_play_takes_typed_inputs() {
    let inputs = BTreeMap::from([
        ("deploy_to".to_owned(), JobInputValue::from("production")),
        ("replicas".to_owned(), JobInputValue::from(3)),
    ]);
    for flag in [false, true] {
        let sandbox = start(Config {
            features: if flag {
                vec![Feature::CiJobInputs]
            } else {
                Vec::new()
            },
            ..Config::default()
        })
        .await;
        let gitlab = root(&sandbox);
        let failed = find(&sandbox, |job| {
            job.is_build() && job.status == JobStatus::Failed
        });
        let answer = gitlab
            .retry_job()
            .id(1)
            .job_id(failed)
            .body(RetryJobRequest {
                inputs: inputs.clone(),
            })
            .call()
            .await;
        if flag {
            assert_eq!(answer.unwrap().status(), 201);
        } else {
            let err = answer.unwrap_err();
            assert!(
                matches!(err.kind(), CallErrorKind::Api { status, body: ApiError::Message(message) }
                    if status.as_u16() == 403 && message.message == "403 Forbidden - The inputs parameter is not available"),
                "{err}"
            );
        }
    }
    let sandbox = start(Config::default()).await;
    let gitlab = root(&sandbox);
    let manual = find(&sandbox, |job| {
        job.is_build() && job.status == JobStatus::Manual
    });
    let mut variable = JobVariableAttributes::new("KUBECONFIG", "apiVersion: v1");
    variable.variable_type = Some(VariableType::File);
    let played = gitlab
        .play_job()
        .id(1)
        .job_id(manual)
        .body(PlayJobRequest {
            job_variables_attributes: vec![variable],
            job_inputs: inputs,
        })
        .call()
        .await
        .unwrap();
    assert_eq!(played.status(), 200);
}

//! The job state machine: cancel, retry, erase and play, as GitLab runs them.

use gitlab_jobs_client::models::{
    CancelJobRequest, JobOrBridge, JobStatus, JobVariableAttributes, PlayJobRequest,
};
use gitlab_jobs_sandbox::Config;
use gitlab_jobs_sandbox::data::{projects, users};

use super::support::{
    client, find_job, is_build_with, message, refused, root, sandbox, sandbox_with,
};

#[tokio::test]
async fn cancel_stops_active_jobs_and_leaves_others_alone() {
    let sandbox = sandbox().await;
    let gitlab = root(&sandbox);
    let pending = find_job(&sandbox, projects::API, is_build_with(JobStatus::Pending));
    let canceled = gitlab
        .cancel_job()
        .id(1)
        .job_id(pending.id)
        .send()
        .await
        .unwrap();
    assert_eq!(canceled.status(), 201);
    assert_eq!(canceled.status, JobStatus::Canceled);
    assert!(canceled.finished_at.is_some());
    let done = find_job(&sandbox, projects::API, is_build_with(JobStatus::Success));
    let unchanged = gitlab
        .cancel_job()
        .id(1)
        .job_id(done.id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (unchanged.status(), unchanged.status.clone()),
        (reqwest::StatusCode::CREATED, JobStatus::Success)
    );
}

#[tokio::test]
async fn force_ends_a_canceling_job_for_maintainers_only() {
    let sandbox = sandbox().await;
    let canceling = find_job(&sandbox, projects::API, is_build_with(JobStatus::Canceling));
    let developer = client(&sandbox, &sandbox.config().tokens.developer);
    let force = || CancelJobRequest { force: Some(true) };
    let (status, _) = refused(
        developer
            .cancel_job()
            .id(1)
            .job_id(canceling.id)
            .body(force())
            .send()
            .await,
    );
    assert_eq!(status, 403);
    let still = developer
        .cancel_job()
        .id(1)
        .job_id(canceling.id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        still.status,
        JobStatus::Canceling,
        "without force, canceling stays canceling"
    );
    let maintainer = client(&sandbox, &sandbox.config().tokens.maintainer);
    let forced = maintainer
        .cancel_job()
        .id(1)
        .job_id(canceling.id)
        .body(force())
        .send()
        .await
        .unwrap();
    assert_eq!(forced.status, JobStatus::Canceled);
}

#[tokio::test]
async fn retry_creates_a_new_job_and_hides_the_old_one() {
    let sandbox = sandbox().await;
    let failed = find_job(&sandbox, projects::API, |job| {
        is_build_with(JobStatus::Failed)(job) && !job.retried
    });
    let gitlab = root(&sandbox);
    let new = gitlab
        .retry_job()
        .id(1)
        .job_id(failed.id)
        .send()
        .await
        .unwrap();
    assert_eq!(new.status(), 201);
    assert!(new.id > failed.id);
    assert_eq!(
        (new.status.clone(), new.name.as_str()),
        (JobStatus::Pending, failed.name.as_str())
    );
    assert!(sandbox.with_store(|store| store.jobs[&failed.id].retried));
    let listed = gitlab
        .list_pipeline_jobs()
        .id(1)
        .pipeline_id(failed.pipeline_id)
        .send()
        .await
        .unwrap();
    assert!(
        listed.iter().any(|job| job.id == new.id) && listed.iter().all(|job| job.id != failed.id)
    );
    let (status, body) = refused(gitlab.retry_job().id(1).job_id(new.id).send().await);
    assert_eq!(
        (status, message(&body)),
        (403, "403 Forbidden - Job is not retryable")
    );
    let archived = find_job(&sandbox, projects::API, |job| {
        job.archived && job.status == JobStatus::Success
    });
    let (status, _) = refused(gitlab.retry_job().id(1).job_id(archived.id).send().await);
    assert_eq!(status, 403, "archived jobs cannot be retried");
}

/// `Ci::Processable#retryable?` is false for a job that was retried: however many retries of
/// one job arrive at once, one makes a new job and the others are refused.
#[tokio::test]
async fn a_job_is_retried_once_however_many_ask_at_once() {
    // Without GitLab 19.5's limit of 3 retries a minute per user and job, which would answer
    // most of these 429 before the state machine sees them (see the faults' tests).
    let sandbox = sandbox_with(Config {
        jobs_rate_limit: 0,
        job_action_rate_limits: false,
        ..Config::default()
    })
    .await;
    let failed = find_job(&sandbox, projects::API, |job| {
        is_build_with(JobStatus::Failed)(job) && !job.retried
    });
    let before = sandbox.with_store(|store| store.jobs.len());
    let gitlab = root(&sandbox);
    let retries = (0..64).map(|_| {
        let gitlab = gitlab.clone();
        tokio::spawn(async move { gitlab.retry_job().id(1).job_id(failed.id).send().await })
    });
    let (mut created, mut refusals) = (0, 0);
    for retry in retries.collect::<Vec<_>>() {
        match retry.await.unwrap() {
            Ok(new) => {
                assert_eq!(new.status(), 201);
                created += 1;
            }
            Err(err) => {
                let (status, body) = refused::<()>(Err(err));
                assert_eq!(
                    (status, message(&body)),
                    (403, "403 Forbidden - Job is not retryable")
                );
                refusals += 1;
            }
        }
    }
    assert_eq!((created, refusals), (1, 63));
    assert_eq!(sandbox.with_store(|store| store.jobs.len()), before + 1);
}

#[tokio::test]
async fn a_canceling_job_can_be_retried() {
    let sandbox = sandbox().await;
    let canceling = find_job(&sandbox, projects::API, |job| {
        job.is_build() && job.status == JobStatus::Canceling && !job.retried
    });
    let new = root(&sandbox)
        .retry_job()
        .id(1)
        .job_id(canceling.id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (new.status().as_u16(), new.status.clone()),
        (201, JobStatus::Pending)
    );
}

#[tokio::test]
async fn retrying_a_trigger_job_answers_it_as_a_job_without_runner_manager() {
    let sandbox = sandbox().await;
    let bridge = find_job(&sandbox, projects::API, |job| {
        !job.is_build() && job.status == JobStatus::Success && !job.archived
    });
    let new = root(&sandbox)
        .retry_job()
        .id(1)
        .job_id(bridge.id)
        .send()
        .await
        .unwrap();
    assert_eq!(new.runner_manager, None, "the key is absent for a bridge");
}

#[tokio::test]
async fn erase_removes_artifacts_and_log_once() {
    let sandbox = sandbox().await;
    let done = find_job(&sandbox, projects::API, |job| {
        is_build_with(JobStatus::Success)(job) && job.user_id == Some(users::DEVELOPER)
    });
    let theirs = find_job(&sandbox, projects::API, |job| {
        is_build_with(JobStatus::Success)(job) && job.user_id == Some(users::MAINTAINER)
    });
    let developer = client(&sandbox, &sandbox.config().tokens.developer);
    let (status, _) = refused(developer.erase_job().id(1).job_id(theirs.id).send().await);
    assert_eq!(status, 403, "a Developer erases only their own jobs");
    let erased = developer
        .erase_job()
        .id(1)
        .job_id(done.id)
        .send()
        .await
        .unwrap();
    assert_eq!(erased.status(), 201);
    assert!(erased.artifacts.is_empty() && erased.artifacts_file.is_none());
    assert!(matches!(*erased.erased_at, Some(Some(_))));
    assert!(sandbox.with_store(|store| store.jobs[&done.id].log.is_empty()));
    let (status, body) = refused(developer.erase_job().id(1).job_id(done.id).send().await);
    assert_eq!(
        (status, message(&body)),
        (403, "403 Forbidden - Job is not erasable!")
    );
}

#[tokio::test]
async fn play_starts_manual_jobs_with_their_variables() {
    let sandbox = sandbox().await;
    let manual = find_job(&sandbox, projects::API, is_build_with(JobStatus::Manual));
    let body = PlayJobRequest {
        job_variables_attributes: vec![JobVariableAttributes::new("DEPLOY_TO", "eu")],
        ..Default::default()
    };
    let played = root(&sandbox)
        .play_job()
        .id(1)
        .job_id(manual.id)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(played.status(), 200);
    let JobOrBridge::Job(job) = played.into_inner() else {
        panic!("a job")
    };
    assert_eq!(job.status, JobStatus::Pending);
    let variables = sandbox.with_store(|store| store.jobs[&manual.id].variables.clone());
    assert_eq!(variables, [("DEPLOY_TO".to_owned(), "eu".to_owned())]);
    let reporter = client(&sandbox, &sandbox.config().tokens.reporter);
    let other = find_job(&sandbox, projects::API, is_build_with(JobStatus::Manual));
    let (status, _) = refused(reporter.play_job().id(1).job_id(other.id).send().await);
    assert_eq!(status, 403, "a Reporter may not run jobs");
}

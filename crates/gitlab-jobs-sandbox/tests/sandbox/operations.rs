//! Every operation, through the generated client.

use futures::StreamExt;
use gitlab_jobs_client::models::{ApiError, JobOrBridge, JobScope, JobStatus, ProjectRole};
use gitlab_jobs_sandbox::data::projects;

use super::support::{find_job, is_build_with, job_token_client, message, refused, root, sandbox};

#[tokio::test]
async fn lists_filter_by_scope_and_ref_newest_first() {
    let sandbox = sandbox().await;
    let gitlab = root(&sandbox);
    let failed = gitlab
        .list_project_jobs()
        .id("acme/platform/api")
        .scope(vec![JobScope::Failed, JobScope::Manual])
        .per_page(100u64)
        .send()
        .await
        .unwrap();
    assert!(
        failed.headers().get("x-total").is_none(),
        "the project job list is never counted"
    );
    let jobs = failed.into_inner();
    assert!(!jobs.is_empty());
    assert!(
        jobs.iter()
            .all(|job| matches!(job.status, JobStatus::Failed | JobStatus::Manual))
    );
    assert!(
        jobs.windows(2).all(|pair| pair[0].id > pair[1].id),
        "newest first"
    );
    assert!(
        jobs.iter()
            .filter(|job| job.status == JobStatus::Failed)
            .all(|job| job.failure_reason.is_some())
    );
    let tagged = gitlab
        .list_project_jobs()
        .id(1)
        .ref_("v1.0.0")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(!tagged.is_empty() && tagged.iter().all(|job| job.r#ref == "v1.0.0" && job.tag));
}

#[tokio::test]
async fn pipeline_lists_count_and_hide_retried_jobs() {
    let sandbox = sandbox().await;
    let retried = find_job(&sandbox, projects::API, |job| job.retried);
    let gitlab = root(&sandbox);
    let current = gitlab
        .list_pipeline_jobs()
        .id(1)
        .pipeline_id(retried.pipeline_id)
        .send()
        .await
        .unwrap();
    let total: usize = current.headers()["x-total"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(total, current.len());
    assert!(current.iter().all(|job| job.id != retried.id));
    let all = gitlab
        .list_pipeline_jobs()
        .id(1)
        .pipeline_id(retried.pipeline_id)
        .include_retried(true)
        .send()
        .await
        .unwrap();
    assert!(all.iter().any(|job| job.id == retried.id));
    assert_eq!(all.len(), total + 1);
}

#[tokio::test]
async fn bridges_have_their_downstream_pipelines() {
    let sandbox = sandbox().await;
    let bridge = find_job(&sandbox, projects::API, |job| {
        !job.is_build() && job.status == JobStatus::Success
    });
    let bridges = root(&sandbox)
        .list_pipeline_bridges()
        .id(1)
        .pipeline_id(bridge.pipeline_id)
        .send()
        .await
        .unwrap();
    let listed = bridges.iter().find(|b| b.id == bridge.id).expect("listed");
    let downstream = listed.downstream_pipeline.as_ref().expect("triggered");
    assert_eq!(downstream.project_id, Some(projects::WEBSITE));
    // A trigger job is not a job of the single-job route.
    let (status, body) = refused(
        root(&sandbox)
            .get_job()
            .id(1)
            .job_id(bridge.id)
            .send()
            .await,
    );
    assert_eq!((status, message(&body)), (404, "404 Not found"));
}

#[tokio::test]
async fn the_job_token_routes_answer_the_tokens_job() {
    let sandbox = sandbox().await;
    let by_token = job_token_client(&sandbox);
    let job = by_token.get_job_by_token().send().await.unwrap();
    assert_eq!(job.status, JobStatus::Running);
    assert!(sandbox.job_token().ends_with(&job.id.to_string()));
    let agents = by_token.get_allowed_agents().send().await.unwrap();
    assert_eq!(agents.job.id, job.id);
    assert_eq!(agents.project.groups.as_ref().unwrap().len(), 2);
    assert_eq!(
        agents.allowed_agents[0].config_project.path_with_namespace,
        "acme/platform/api"
    );
    assert!(
        agents
            .user
            .roles_in_project
            .as_ref()
            .unwrap()
            .contains(&ProjectRole::Guest)
    );
    // A personal access token is not a job token: GitLab answers 404 here.
    let (status, body) = refused(root(&sandbox).get_job_by_token().send().await);
    assert_eq!((status, message(&body)), (404, "404 Job Not Found"));
    // The job token may list its own project's jobs.
    assert!(
        !by_token
            .list_project_jobs()
            .id(1)
            .send()
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_job_and_its_log() {
    let sandbox = sandbox().await;
    let done = find_job(&sandbox, projects::API, is_build_with(JobStatus::Success));
    let gitlab = root(&sandbox);
    let job = gitlab
        .get_job()
        .id("acme/platform/api")
        .job_id(done.id)
        .send()
        .await
        .unwrap();
    assert_eq!(job.id, done.id);
    assert!(
        job.artifacts_file.is_some(),
        "a successful build has its archive"
    );
    assert!(matches!(*job.runner_manager, Some(Some(_))));
    let log = gitlab
        .get_job_log()
        .id(1)
        .job_id(done.id)
        .send()
        .await
        .unwrap();
    assert_eq!(log.headers()["content-type"], "text/plain; charset=utf-8");
    let mut bytes = Vec::new();
    let mut stream = log.into_inner().into_inner();
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk.unwrap());
    }
    assert!(String::from_utf8(bytes).unwrap().contains("Job succeeded"));
    let created = find_job(&sandbox, projects::API, is_build_with(JobStatus::Created));
    let empty = gitlab
        .get_job_log()
        .id(1)
        .job_id(created.id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        empty.into_inner().into_inner().count().await,
        0,
        "no log yet: an empty body"
    );
}

#[tokio::test]
async fn playing_a_manual_trigger_job_answers_a_bridge() {
    let sandbox = sandbox().await;
    let manual_bridge = find_job(&sandbox, projects::API, |job| {
        !job.is_build() && job.status == JobStatus::Manual
    });
    let played = root(&sandbox)
        .play_job()
        .id(1)
        .job_id(manual_bridge.id)
        .send()
        .await
        .unwrap();
    let JobOrBridge::Bridge(bridge) = played.into_inner() else {
        panic!("a bridge")
    };
    assert_eq!(bridge.status, JobStatus::Pending);
    let (status, body) = refused(
        root(&sandbox)
            .play_job()
            .id(1)
            .job_id(manual_bridge.id)
            .send()
            .await,
    );
    assert_eq!(
        (status, message(&body)),
        (400, "400 Bad request - Unplayable Job")
    );
    assert!(matches!(body, ApiError::Message(_)));
}

/// Values GitLab may add tomorrow (`--future-values`) come through the Rust client whole: every
/// page reads, and each value is kept as sent, in `Other`.
#[tokio::test]
async fn values_gitlab_adds_later_are_kept() {
    use futures::TryStreamExt;
    use gitlab_jobs_client::models::{ArtifactFileType, FailureReason, PipelineSource, RunnerType};
    use gitlab_jobs_sandbox::data::future;

    let sandbox = super::support::sandbox_with(gitlab_jobs_sandbox::Config {
        future_values: true,
        jobs_rate_limit: 0,
        ..gitlab_jobs_sandbox::Config::default()
    })
    .await;
    let jobs: Vec<_> = super::support::root(&sandbox)
        .project_jobs(1)
        .per_page(50)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(jobs.len(), sandbox.config().jobs, "every page read");
    let status = jobs
        .iter()
        .find(|job| job.status == JobStatus::Other(future::STATUS.into()))
        .expect("the new status");
    assert!(!status.status.is_known() && !status.status.is_terminal());
    assert!(jobs.iter().any(|job| {
        job.failure_reason == Some(FailureReason::Other(future::FAILURE_REASON.into()))
    }));
    assert!(jobs.iter().flat_map(|job| &job.artifacts).any(|artifact| {
        artifact.file_type == ArtifactFileType::Other(future::FILE_TYPE.into())
    }));
    assert!(jobs.iter().any(|job| {
        job.pipeline
            .as_ref()
            .and_then(|p| p.source.clone().into_option().flatten())
            == Some(PipelineSource::Other(future::PIPELINE_SOURCE.into()))
    }));
    let runner = jobs
        .iter()
        .filter_map(|job| job.runner.clone())
        .find(|runner| runner.runner_type == Some(RunnerType::Other(future::RUNNER_TYPE.into())))
        .expect("the new runner type");
    let text = serde_json::to_string(&runner).unwrap();
    assert!(
        text.contains(&format!(r#""runner_type":"{}""#, future::RUNNER_TYPE)),
        "{text}"
    );
}

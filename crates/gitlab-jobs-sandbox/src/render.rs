//! The store's records as GitLab renders them, in the schema crate's models.

use gitlab_jobs_schema as models;
use gitlab_jobs_schema::{ArtifactFileType, JobStatus, RunnerStatus};

use crate::store::{Job, Kind, Store, Time};

/// Seconds between two times, as GitLab's `calculate_duration`.
fn seconds(from: Time, to: Time) -> f64 {
    (to - from).num_milliseconds() as f64 / 1000.0
}

pub fn user(store: &Store, id: i64) -> models::User {
    let user = &store.users[&id];
    models::User {
        id: user.id,
        username: user.username.clone(),
        public_email: Some(String::new()),
        name: user.name.clone(),
        state: user.state.clone(),
        locked: Some(false),
        avatar_url: Some(format!(
            "https://secure.gravatar.com/avatar/{}?s=80&d=identicon",
            user.id
        )),
        web_url: format!("{}/{}", store.web_url, user.username),
        created_at: Some(user.created_at),
        bio: Some(String::new()),
        location: Some(String::new()),
        linkedin: String::new(),
        twitter: String::new(),
        discord: Some(String::new()),
        website_url: String::new(),
        github: Some(String::new()),
        job_title: Some(String::new()),
        pronouns: Some(None),
        organization: Some(String::new()),
        bot: Some(false),
        work_information: Some(None),
        followers: None,
        following: None,
        is_followed: None,
        local_time: Some(None),
    }
}

pub fn user_basic(store: &Store, id: i64) -> models::UserBasic {
    let user = &store.users[&id];
    models::UserBasic {
        id: user.id,
        username: user.username.clone(),
        public_email: Some(Some(String::new())),
        name: user.name.clone(),
        state: user.state.clone(),
        locked: Some(false),
        avatar_url: Some(format!(
            "https://secure.gravatar.com/avatar/{}?s=80&d=identicon",
            user.id
        )),
        web_url: format!("{}/{}", store.web_url, user.username),
    }
}

fn commit(store: &Store, project_path: &str, sha: &str) -> Option<models::Commit> {
    let commit = store.commits.get(sha)?;
    Some(models::Commit {
        id: commit.sha.clone(),
        short_id: commit.sha[..8].to_owned(),
        created_at: commit.created_at,
        parent_ids: Some(commit.parent_ids.clone()),
        title: commit.title.clone(),
        message: commit.message.clone(),
        author_name: commit.author_name.clone(),
        author_email: commit.author_email.clone(),
        authored_date: Some(commit.created_at),
        committer_name: Some(commit.author_name.clone()),
        committer_email: Some(commit.author_email.clone()),
        committed_date: Some(commit.created_at),
        trailers: Some(Default::default()),
        extended_trailers: Some(Default::default()),
        web_url: Some(format!(
            "{}/{project_path}/-/commit/{}",
            store.web_url, commit.sha
        )),
    })
}

pub fn pipeline(store: &Store, id: i64) -> models::PipelineBasic {
    let pipeline = &store.pipelines[&id];
    let project = &store.projects[&pipeline.project_id];
    models::PipelineBasic {
        id: pipeline.id,
        iid: Some(pipeline.iid),
        project_id: Some(pipeline.project_id),
        sha: pipeline.sha.clone(),
        r#ref: pipeline.r#ref.clone(),
        status: pipeline.status.clone(),
        source: Some(Some(pipeline.source.clone())),
        created_at: Some(pipeline.created_at),
        updated_at: Some(pipeline.updated_at),
        web_url: Some(format!(
            "{}/{}/-/pipelines/{}",
            store.web_url, project.path_with_namespace, pipeline.id
        )),
    }
}

fn runner(store: &Store, id: i64) -> models::Runner {
    let runner = &store.runners[&id];
    models::Runner {
        id: runner.id,
        description: Some(runner.description.clone()),
        ip_address: None,
        active: !runner.paused,
        paused: Some(runner.paused),
        is_shared: runner.runner_type == gitlab_jobs_schema::RunnerType::InstanceType,
        runner_type: Some(runner.runner_type.clone()),
        name: runner.name.clone(),
        online: true,
        created_by: runner.created_by.map(|user_id| user_basic(store, user_id)),
        created_at: Some(runner.created_at),
        status: if runner.paused {
            RunnerStatus::Paused
        } else {
            RunnerStatus::Online
        },
        job_execution_status: Some(gitlab_jobs_schema::JobExecutionStatus::Idle),
    }
}

fn runner_manager(store: &Store, id: i64) -> models::RunnerManager {
    let manager = &store.runner_managers[&id];
    models::RunnerManager {
        id: manager.id,
        system_id: manager.system_id.clone(),
        version: Some(manager.version.clone()),
        revision: Some(manager.revision.clone()),
        platform: Some(manager.platform.clone()),
        architecture: Some(manager.architecture.clone()),
        created_at: Some(manager.created_at),
        contacted_at: Some(manager.contacted_at),
        ip_address: Some(manager.ip_address.clone()),
        status: gitlab_jobs_schema::RunnerManagerStatus::Online,
        job_execution_status: Some(gitlab_jobs_schema::JobExecutionStatus::Idle),
    }
}

/// The fields a job and a bridge share (`API::Entities::Ci::JobBasic`).
struct Basic {
    duration: Option<f64>,
    queued_duration: Option<f64>,
    user: Option<models::User>,
    commit: Option<models::Commit>,
    pipeline: models::PipelineBasic,
    web_url: String,
    project: models::JobProject,
}

fn basic(store: &Store, job: &Job, now: Time) -> Basic {
    let pipeline = &store.pipelines[&job.pipeline_id];
    let project = &store.projects[&job.project_id];
    Basic {
        duration: job
            .started_at
            .map(|started| seconds(started, job.finished_at.unwrap_or(now))),
        queued_duration: job
            .queued_at
            .map(|queued| seconds(queued, job.started_at.or(job.finished_at).unwrap_or(now))),
        user: job.user_id.map(|id| user(store, id)),
        commit: commit(store, &project.path_with_namespace, &pipeline.sha),
        pipeline: self::pipeline(store, job.pipeline_id),
        web_url: format!(
            "{}/{}/-/jobs/{}",
            store.web_url, project.path_with_namespace, job.id
        ),
        project: models::JobProject {
            ci_job_token_scope_enabled: project.job_token_scope_enabled,
        },
    }
}

/// A job as `API::Entities::Ci::Job` renders it; a bridge this way has no `runner_manager`.
pub fn job(store: &Store, job: &Job, now: Time) -> models::Job {
    let basic = basic(store, job, now);
    let pipeline = &store.pipelines[&job.pipeline_id];
    let archive = job
        .artifacts
        .iter()
        .find(|a| a.file_type == ArtifactFileType::Archive);
    let unexpired = job.artifacts_expire_at.is_none_or(|expiry| expiry > now);
    models::Job {
        id: job.id,
        status: job.status.clone(),
        stage: job.stage.clone(),
        name: job.name.clone(),
        r#ref: pipeline.r#ref.clone(),
        tag: pipeline.tag,
        coverage: job.coverage,
        allow_failure: job.allow_failure,
        created_at: job.created_at,
        started_at: job.started_at,
        finished_at: job.finished_at,
        erased_at: Some(job.erased_at),
        duration: basic.duration,
        queued_duration: Some(basic.queued_duration),
        user: basic.user,
        commit: basic.commit,
        pipeline: Some(basic.pipeline),
        failure_reason: failure_reason(job),
        web_url: basic.web_url,
        project: Some(basic.project),
        artifacts_file: archive
            .filter(|_| unexpired)
            .map(|archive| models::JobArtifactsFile {
                filename: archive.filename.clone(),
                size: archive.size,
            }),
        artifacts: job.artifacts.clone(),
        runner: job.runner_id.map(|id| runner(store, id)),
        runner_manager: job
            .is_build()
            .then(|| job.runner_manager_id.map(|id| runner_manager(store, id))),
        artifacts_expire_at: Some(job.artifacts_expire_at),
        archived: Some(job.archived),
        tag_list: Some(job.tag_list.clone()),
    }
}

/// A trigger job as `API::Entities::Ci::Bridge` renders it.
pub fn bridge(store: &Store, job: &Job, now: Time) -> models::Bridge {
    let basic = basic(store, job, now);
    let pipeline = &store.pipelines[&job.pipeline_id];
    let downstream = match job.kind {
        Kind::Bridge {
            downstream_pipeline_id,
        } => downstream_pipeline_id,
        Kind::Build => None,
    };
    models::Bridge {
        id: job.id,
        status: job.status.clone(),
        stage: job.stage.clone(),
        name: job.name.clone(),
        r#ref: pipeline.r#ref.clone(),
        tag: pipeline.tag,
        coverage: None,
        allow_failure: job.allow_failure,
        created_at: job.created_at,
        started_at: job.started_at,
        finished_at: job.finished_at,
        erased_at: Some(job.erased_at),
        duration: basic.duration,
        queued_duration: Some(basic.queued_duration),
        user: basic.user,
        commit: basic.commit,
        pipeline: basic.pipeline,
        failure_reason: failure_reason(job),
        web_url: basic.web_url,
        project: Some(basic.project),
        downstream_pipeline: downstream.map(|id| self::pipeline(store, id)),
    }
}

/// Sent only for a failed job; a failed job without a recorded reason has `unknown_failure`.
fn failure_reason(job: &Job) -> Option<gitlab_jobs_schema::FailureReason> {
    (job.status == JobStatus::Failed).then(|| {
        job.failure_reason
            .clone()
            .unwrap_or(gitlab_jobs_schema::FailureReason::UnknownFailure)
    })
}

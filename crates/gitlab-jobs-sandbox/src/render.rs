//! The store's records as GitLab renders them, in the schema crate's models.

use gitlab_jobs_schema as models;
use gitlab_jobs_schema::{ArtifactFileType, JobStatus, RunnerStatus, SometimesSent, Timestamp};
use std::collections::BTreeMap;

use crate::store::{Job, Kind, Role, Store, Time};

/// A store time as the models carry it.
fn at(time: Time) -> Timestamp {
    Timestamp(time)
}

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
        locked: false.into(),
        avatar_url: Some(format!(
            "https://secure.gravatar.com/avatar/{}?s=80&d=identicon",
            user.id
        )),
        web_url: format!("{}/{}", store.web_url, user.username),
        created_at: at(user.created_at).into(),
        bio: Some(String::new()),
        location: Some(String::new()),
        linkedin: String::new(),
        twitter: String::new(),
        discord: String::new().into(),
        website_url: String::new(),
        github: String::new().into(),
        job_title: String::new().into(),
        pronouns: None.into(),
        organization: Some(String::new()),
        bot: false.into(),
        work_information: None.into(),
        followers: SometimesSent::ABSENT,
        following: SometimesSent::ABSENT,
        is_followed: SometimesSent::ABSENT,
        local_time: None.into(),
    }
}

pub fn user_basic(store: &Store, id: i64) -> models::UserBasic {
    let user = &store.users[&id];
    models::UserBasic {
        id: user.id,
        username: user.username.clone(),
        public_email: Some(String::new()).into(),
        name: user.name.clone(),
        state: user.state.clone(),
        locked: false.into(),
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
        created_at: at(commit.created_at),
        parent_ids: commit.parent_ids.clone().into(),
        title: commit.title.clone(),
        message: commit.message.clone(),
        author_name: commit.author_name.clone(),
        author_email: commit.author_email.clone(),
        authored_date: at(commit.created_at).into(),
        committer_name: commit.author_name.clone().into(),
        committer_email: commit.author_email.clone().into(),
        committed_date: at(commit.created_at).into(),
        trailers: BTreeMap::new().into(),
        extended_trailers: BTreeMap::new().into(),
        web_url: format!("{}/{project_path}/-/commit/{}", store.web_url, commit.sha).into(),
    })
}

pub fn pipeline(store: &Store, id: i64) -> models::PipelineBasic {
    let pipeline = &store.pipelines[&id];
    let project = &store.projects[&pipeline.project_id];
    models::PipelineBasic {
        id: pipeline.id,
        iid: pipeline.iid.into(),
        project_id: pipeline.project_id.into(),
        sha: pipeline.sha.clone(),
        r#ref: pipeline.r#ref.clone(),
        status: pipeline.status.clone(),
        source: Some(pipeline.source.clone()).into(),
        created_at: at(pipeline.created_at).into(),
        updated_at: at(pipeline.updated_at).into(),
        web_url: format!(
            "{}/{}/-/pipelines/{}",
            store.web_url, project.path_with_namespace, pipeline.id
        )
        .into(),
    }
}

fn runner(store: &Store, id: i64) -> models::Runner {
    let runner = &store.runners[&id];
    models::Runner {
        id: runner.id,
        description: Some(runner.description.clone()),
        ip_address: None,
        active: !runner.paused,
        paused: runner.paused.into(),
        is_shared: runner.runner_type == gitlab_jobs_schema::RunnerType::InstanceType,
        runner_type: runner.runner_type.clone().into(),
        name: runner.name.clone(),
        online: true,
        created_by: SometimesSent(runner.created_by.map(|user_id| user_basic(store, user_id))),
        created_at: at(runner.created_at).into(),
        status: if runner.paused {
            RunnerStatus::Paused
        } else {
            RunnerStatus::Online
        },
        job_execution_status: gitlab_jobs_schema::JobExecutionStatus::Idle.into(),
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
        created_at: Some(at(manager.created_at)),
        contacted_at: Some(at(manager.contacted_at)),
        ip_address: Some(manager.ip_address.clone()),
        status: gitlab_jobs_schema::RunnerManagerStatus::Online,
        job_execution_status: gitlab_jobs_schema::JobExecutionStatus::Idle.into(),
    }
}

/// The keys a job and a bridge share (`API::Entities::Ci::JobBasic`).
fn basic(store: &Store, job: &Job, now: Time) -> models::JobBasic {
    let pipeline = &store.pipelines[&job.pipeline_id];
    let project = &store.projects[&job.project_id];
    models::JobBasic {
        id: job.id,
        status: job.status.clone(),
        stage: job.stage.clone(),
        name: job.name.clone(),
        r#ref: pipeline.r#ref.clone(),
        tag: pipeline.tag,
        coverage: job.coverage,
        allow_failure: job.allow_failure,
        created_at: at(job.created_at),
        started_at: job.started_at.map(at),
        finished_at: job.finished_at.map(at),
        erased_at: job.erased_at.map(at).into(),
        duration: job
            .started_at
            .map(|started| seconds(started, job.finished_at.unwrap_or(now))),
        queued_duration: job
            .queued_at
            .map(|queued| seconds(queued, job.started_at.or(job.finished_at).unwrap_or(now)))
            .into(),
        user: job.user_id.map(|id| user(store, id)),
        commit: commit(store, &project.path_with_namespace, &pipeline.sha),
        pipeline: self::pipeline(store, job.pipeline_id).into(),
        failure_reason: SometimesSent(failure_reason(job)),
        web_url: format!(
            "{}/{}/-/jobs/{}",
            store.web_url, project.path_with_namespace, job.id
        ),
        project: models::JobProject {
            ci_job_token_scope_enabled: project.job_token_scope_enabled,
        }
        .into(),
    }
}

/// A job as `API::Entities::Ci::Job` renders it; a bridge this way has no `runner_manager`.
pub fn job(store: &Store, job: &Job, now: Time) -> models::Job {
    let archive = job
        .artifacts
        .iter()
        .find(|a| a.file_type == ArtifactFileType::Archive);
    let unexpired = job.artifacts_expire_at.is_none_or(|expiry| expiry > now);
    let artifacts_file = archive
        .filter(|_| unexpired)
        .map(|archive| models::JobArtifactsFile {
            filename: archive.filename.clone(),
            size: archive.size,
        });
    let runner_manager = job
        .is_build()
        .then(|| job.runner_manager_id.map(|id| runner_manager(store, id)));
    models::Job::from_basic(
        basic(store, job, now),
        SometimesSent(artifacts_file),
        job.artifacts.clone(),
        job.runner_id.map(|id| runner(store, id)),
        SometimesSent(runner_manager),
        job.artifacts_expire_at.map(at).into(),
        job.archived.into(),
        job.tag_list.clone().into(),
    )
}

/// A trigger job as `API::Entities::Ci::Bridge` renders it: no coverage, and the pipeline it
/// started.
pub fn bridge(store: &Store, job: &Job, now: Time) -> models::Bridge {
    let downstream = match job.kind {
        Kind::Bridge {
            downstream_pipeline_id,
        } => downstream_pipeline_id,
        Kind::Build => None,
    };
    let basic = models::JobBasic {
        coverage: None,
        ..basic(store, job, now)
    };
    models::Bridge::from_basic(basic, downstream.map(|id| self::pipeline(store, id)))
}

/// Sent only for a failed job; a failed job without a recorded reason has `unknown_failure`.
fn failure_reason(job: &Job) -> Option<gitlab_jobs_schema::FailureReason> {
    (job.status == JobStatus::Failed).then(|| {
        job.failure_reason
            .clone()
            .unwrap_or(gitlab_jobs_schema::FailureReason::UnknownFailure)
    })
}

/// What `GET /job/allowed_agents` answers for a job (`Ci::JobAllowedAgentsEntity` and its
/// parts): the agents authorized for the job's project, and who runs it with which roles, up to
/// the `highest` role the job's user has in the project.
pub fn allowed_agents(store: &Store, job: &Job, highest: Role) -> models::AllowedAgents {
    let project = &store.projects[&job.project_id];
    let user_id = job.user_id.unwrap_or(crate::data::users::ROOT);
    let user = &store.users[&user_id];
    let agents = store
        .agents
        .iter()
        .filter(|agent| agent.authorized_project_ids.contains(&project.id))
        .map(|agent| {
            let config = &store.projects[&agent.config_project_id];
            models::AllowedAgent {
                id: agent.id,
                config_project: models::AgentConfigProject {
                    id: config.id,
                    description: config.description.clone(),
                    name: config.name.clone(),
                    name_with_namespace: config.name_with_namespace.clone(),
                    path: config.path.clone(),
                    path_with_namespace: config.path_with_namespace.clone(),
                    created_at: at(config.created_at),
                },
                configuration: agent.configuration.clone().into(),
            }
        })
        .collect();
    models::AllowedAgents {
        allowed_agents: agents,
        job: models::AllowedAgentsJob { id: job.id },
        pipeline: models::AllowedAgentsPipeline {
            id: job.pipeline_id,
        },
        project: models::AllowedAgentsProject {
            id: project.id,
            groups: project
                .group_ids
                .iter()
                .map(|&id| models::AllowedAgentsGroup { id })
                .collect::<Vec<_>>()
                .into(),
        },
        user: models::AllowedAgentsUser {
            id: user.id,
            username: user.username.clone(),
            roles_in_project: Role::ALL
                .iter()
                .filter(|role| **role <= highest)
                .map(|role| models::ProjectRole::from(role.name()))
                .collect::<Vec<_>>()
                .into(),
        },
        environment: SometimesSent(job.environment.as_ref().map(|(tier, slug)| {
            models::AllowedAgentsEnvironment {
                tier: tier.clone(),
                slug: slug.clone(),
            }
        })),
    }
}

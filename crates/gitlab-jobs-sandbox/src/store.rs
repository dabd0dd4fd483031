//! The sandbox's state: users, tokens, projects, pipelines and jobs, and the job state machine.

pub use crate::log::Log;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, FixedOffset, Utc};
use gitlab_jobs_schema::{
    EnvironmentTier, FailureReason, JobArtifact, JobStatus, PipelineSource, RunnerType, UserState,
};

pub type Time = DateTime<FixedOffset>;

/// Now, in UTC, to the millisecond GitLab shows.
pub fn now() -> Time {
    let now = Utc::now();
    let millis = now.timestamp_millis();
    DateTime::from_timestamp_millis(millis)
        .expect("now is representable")
        .fixed_offset()
}

/// A member's role in a project (`Gitlab::Access`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Guest = 10,
    Planner = 15,
    Reporter = 20,
    Developer = 30,
    Maintainer = 40,
    Owner = 50,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Guest,
        Role::Planner,
        Role::Reporter,
        Role::Developer,
        Role::Maintainer,
        Role::Owner,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Role::Guest => "guest",
            Role::Planner => "planner",
            Role::Reporter => "reporter",
            Role::Developer => "developer",
            Role::Maintainer => "maintainer",
            Role::Owner => "owner",
        }
    }
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub admin: bool,
    pub state: UserState,
    pub created_at: Time,
}

/// What a personal access token or an OAuth token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenScope {
    /// Everything.
    Api,
    /// GET and HEAD only.
    ReadApi,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Credential {
    pub user_id: i64,
    pub scope: TokenScope,
}

#[derive(Debug, Clone)]
pub struct Project {
    pub id: i64,
    pub name: String,
    pub path: String,
    pub path_with_namespace: String,
    pub name_with_namespace: String,
    pub description: Option<String>,
    pub created_at: Time,
    pub public: bool,
    pub members: BTreeMap<i64, Role>,
    pub job_token_scope_enabled: bool,
    /// The project's group and its ancestors, nearest first.
    pub group_ids: Vec<i64>,
}

#[derive(Debug, Clone)]
pub struct Commit {
    pub sha: String,
    pub title: String,
    pub message: String,
    pub author_name: String,
    pub author_email: String,
    pub created_at: Time,
    pub parent_ids: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Pipeline {
    pub id: i64,
    pub iid: i64,
    pub project_id: i64,
    pub sha: String,
    pub r#ref: String,
    pub tag: bool,
    pub status: JobStatus,
    pub source: PipelineSource,
    pub created_at: Time,
    pub updated_at: Time,
    pub user_id: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A build: a job that runs a script on a runner.
    Build,
    /// A trigger job, and the pipeline it started, if it has.
    Bridge { downstream_pipeline_id: Option<i64> },
}

#[derive(Debug, Clone)]
pub struct Job {
    pub id: i64,
    pub project_id: i64,
    pub pipeline_id: i64,
    pub kind: Kind,
    pub name: String,
    pub stage: String,
    pub status: JobStatus,
    pub coverage: Option<f64>,
    pub allow_failure: bool,
    pub created_at: Time,
    pub queued_at: Option<Time>,
    pub started_at: Option<Time>,
    pub finished_at: Option<Time>,
    pub erased_at: Option<Time>,
    pub user_id: Option<i64>,
    pub failure_reason: Option<FailureReason>,
    pub artifacts: Vec<JobArtifact>,
    pub artifacts_expire_at: Option<Time>,
    pub runner_id: Option<i64>,
    pub runner_manager_id: Option<i64>,
    pub tag_list: Vec<String>,
    pub archived: bool,
    pub retried: bool,
    /// The log as written so far; a running job's grows (appending is amortized, so a log
    /// that grows to N bytes costs O(N)).
    pub log: Log,
    /// Variables given when the job was played.
    pub variables: Vec<(String, String)>,
    pub environment: Option<(EnvironmentTier, String)>,
}

impl Job {
    pub fn is_build(&self) -> bool {
        self.kind == Kind::Build
    }

    /// GitLab's job token of a running job, which lives as long as the job runs.
    pub fn token(&self) -> Option<String> {
        (self.status == JobStatus::Running).then(|| job_token(self.id))
    }

    /// `Ci::Processable#retryable?`: not a job that was retried already or is archived, and
    /// one that finished or is being canceled; `Ci::Bridge` also refuses a trigger job that
    /// failed for making a pipeline loop or a hierarchy too deep.
    pub fn retryable(&self) -> bool {
        let finished = matches!(
            self.status,
            JobStatus::Success | JobStatus::Failed | JobStatus::Canceled | JobStatus::Canceling
        );
        let hopeless_trigger = !self.is_build()
            && self.status == JobStatus::Failed
            && matches!(
                self.failure_reason,
                Some(
                    FailureReason::PipelineLoopDetected
                        | FailureReason::ReachedMaxDescendantPipelinesDepth
                )
            );
        !self.retried && !self.archived && finished && !hopeless_trigger
    }

    fn is_complete(&self) -> bool {
        matches!(
            self.status,
            JobStatus::Success | JobStatus::Failed | JobStatus::Canceled | JobStatus::Skipped
        )
    }
}

/// The job token of job `id`; valid while the job runs.
pub fn job_token(id: i64) -> String {
    format!("glcbt-sandbox-{id}")
}

#[derive(Debug, Clone)]
pub struct Runner {
    pub id: i64,
    pub description: String,
    pub name: Option<String>,
    pub runner_type: RunnerType,
    pub paused: bool,
    pub created_at: Time,
    pub created_by: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct RunnerManager {
    pub id: i64,
    pub runner_id: i64,
    pub system_id: String,
    pub version: String,
    pub revision: String,
    pub platform: String,
    pub architecture: String,
    pub ip_address: String,
    pub created_at: Time,
    pub contacted_at: Time,
}

/// A GitLab agent for Kubernetes and the projects its CI access configuration names.
#[derive(Debug, Clone)]
pub struct Agent {
    pub id: i64,
    pub config_project_id: i64,
    pub authorized_project_ids: Vec<i64>,
    pub configuration: serde_json::Map<String, serde_json::Value>,
}

/// Why a job action was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// 403 `403 Forbidden - <reason>`.
    Forbidden(&'static str),
    /// 400 `400 Bad request - <reason>`.
    BadRequest(&'static str),
}

#[derive(Debug, Default)]
pub struct Store {
    /// The instance's own URL, as GitLab's `external_url`: where `web_url`s point. The sandbox
    /// sets it to the address it serves at.
    pub web_url: String,
    pub users: BTreeMap<i64, User>,
    pub credentials: HashMap<String, Credential>,
    pub projects: BTreeMap<i64, Project>,
    pub commits: HashMap<String, Commit>,
    pub pipelines: BTreeMap<i64, Pipeline>,
    pub jobs: BTreeMap<i64, Job>,
    /// The jobs of each project, by ID.
    pub project_jobs: HashMap<i64, BTreeSet<i64>>,
    pub runners: BTreeMap<i64, Runner>,
    pub runner_managers: BTreeMap<i64, RunnerManager>,
    pub agents: Vec<Agent>,
    /// The build whose artifacts archive has an extra large file, and its length in bytes
    /// (`Config::artifact_mib`).
    pub large_artifact: Option<(i64, u64)>,
}

impl Store {
    pub fn insert_job(&mut self, job: Job) {
        self.project_jobs
            .entry(job.project_id)
            .or_default()
            .insert(job.id);
        self.jobs.insert(job.id, job);
    }

    fn next_job_id(&self) -> i64 {
        self.jobs.keys().next_back().map_or(1, |id| id + 1)
    }

    /// The project with this ID, or this full path (case-insensitive, as GitLab's routes).
    pub fn find_project(&self, id_or_path: &str) -> Option<&Project> {
        if !id_or_path.is_empty() && id_or_path.bytes().all(|b| b.is_ascii_digit()) {
            return id_or_path
                .parse()
                .ok()
                .and_then(|id| self.projects.get(&id));
        }
        self.projects
            .values()
            .find(|project| project.path_with_namespace.eq_ignore_ascii_case(id_or_path))
    }

    /// The running job whose token this is.
    pub fn job_of_token(&self, token: &str) -> Option<&Job> {
        let id: i64 = token.strip_prefix("glcbt-sandbox-")?.parse().ok()?;
        self.jobs
            .get(&id)
            .filter(|job| job.token().as_deref() == Some(token))
    }

    /// Cancels a job. A job that cannot be canceled stays as it is; that is not an error.
    pub fn cancel(&mut self, job_id: i64, force: bool, now: Time) {
        let job = self
            .jobs
            .get_mut(&job_id)
            .expect("the caller found the job");
        let cancelable = matches!(
            job.status,
            JobStatus::Created
                | JobStatus::WaitingForResource
                | JobStatus::Preparing
                | JobStatus::WaitingForCallback
                | JobStatus::Pending
                | JobStatus::Running
                | JobStatus::Scheduled
        );
        if cancelable || (force && job.status == JobStatus::Canceling) {
            job.status = JobStatus::Canceled;
            job.finished_at = Some(now);
            let pipeline_id = job.pipeline_id;
            self.refresh_pipeline(pipeline_id, now);
        }
    }

    /// Appends `bytes` bytes to the log of every running build; a log that reaches
    /// `finish_at` bytes ends its job with `success`.
    pub fn grow_running_logs(&mut self, bytes: usize, finish_at: Option<usize>, now: Time) {
        let running: Vec<i64> = self
            .jobs
            .values()
            .filter(|job| job.status == JobStatus::Running && job.is_build())
            .map(|job| job.id)
            .collect();
        for job_id in running {
            let job = self.jobs.get_mut(&job_id).expect("listed above");
            crate::log::grow(&mut job.log, bytes);
            if finish_at.is_some_and(|limit| job.log.len() >= limit) {
                job.status = JobStatus::Success;
                job.finished_at = Some(now);
                let pipeline_id = job.pipeline_id;
                self.refresh_pipeline(pipeline_id, now);
            }
        }
    }

    /// Retries a finished job: a new job runs it again, and the old one is marked retried.
    pub fn retry(&mut self, job_id: i64, user_id: i64, now: Time) -> Result<i64, Refusal> {
        let job = &self.jobs[&job_id];
        if !job.retryable() {
            return Err(Refusal::Forbidden("Job is not retryable"));
        }
        let new_id = self.next_job_id();
        let mut new = job.clone();
        new.id = new_id;
        new.status = JobStatus::Pending;
        new.coverage = None;
        new.created_at = now;
        new.queued_at = Some(now);
        new.started_at = None;
        new.finished_at = None;
        new.erased_at = None;
        new.user_id = Some(user_id);
        new.failure_reason = None;
        new.artifacts = Vec::new();
        new.artifacts_expire_at = None;
        new.runner_id = None;
        new.runner_manager_id = None;
        new.retried = false;
        new.log = Log::default();
        if let Kind::Bridge { .. } = new.kind {
            new.kind = Kind::Bridge {
                downstream_pipeline_id: None,
            };
        }
        let pipeline_id = new.pipeline_id;
        self.jobs.get_mut(&job_id).expect("exists").retried = true;
        self.insert_job(new);
        self.refresh_pipeline(pipeline_id, now);
        Ok(new_id)
    }

    /// Erases a finished job's artifacts and log.
    pub fn erase(&mut self, job_id: i64, now: Time) -> Result<(), Refusal> {
        let job = self
            .jobs
            .get_mut(&job_id)
            .expect("the caller found the job");
        let erasable = job.is_build()
            && !job.archived
            && job.is_complete()
            && (!job.artifacts.is_empty() || !job.log.is_empty());
        if !erasable {
            return Err(Refusal::Forbidden("Job is not erasable!"));
        }
        job.artifacts.clear();
        job.artifacts_expire_at = None;
        job.log.clear();
        job.erased_at = Some(now);
        Ok(())
    }

    /// Starts a manual job with these variables.
    pub fn play(
        &mut self,
        job_id: i64,
        user_id: i64,
        variables: Vec<(String, String)>,
        now: Time,
    ) -> Result<(), Refusal> {
        let job = self
            .jobs
            .get_mut(&job_id)
            .expect("the caller found the job");
        if job.status != JobStatus::Manual || job.archived {
            return Err(Refusal::BadRequest("Unplayable Job"));
        }
        job.status = JobStatus::Pending;
        job.queued_at = Some(now);
        job.user_id = Some(user_id);
        job.variables = variables;
        let pipeline_id = job.pipeline_id;
        self.refresh_pipeline(pipeline_id, now);
        Ok(())
    }

    /// Sets a pipeline's status from its current (not retried) jobs, as GitLab's composite
    /// status does, in short.
    pub fn refresh_pipeline(&mut self, pipeline_id: i64, now: Time) {
        let statuses: Vec<(JobStatus, bool)> = self
            .jobs
            .values()
            .filter(|job| job.pipeline_id == pipeline_id && !job.retried)
            .map(|job| (job.status.clone(), job.allow_failure))
            .collect();
        self.set_pipeline_status(pipeline_id, &statuses, now);
    }

    /// [`Store::refresh_pipeline`] for every pipeline, each at its `updated_at`, reading the
    /// jobs once.
    pub fn refresh_all_pipelines(&mut self) {
        let mut statuses: HashMap<i64, Vec<(JobStatus, bool)>> = HashMap::new();
        for job in self.jobs.values().filter(|job| !job.retried) {
            statuses
                .entry(job.pipeline_id)
                .or_default()
                .push((job.status.clone(), job.allow_failure));
        }
        let pipelines: Vec<(i64, Time)> = self
            .pipelines
            .values()
            .map(|pipeline| (pipeline.id, pipeline.updated_at))
            .collect();
        for (id, updated) in pipelines {
            let jobs = statuses.remove(&id).unwrap_or_default();
            self.set_pipeline_status(id, &jobs, updated);
        }
    }

    fn set_pipeline_status(&mut self, pipeline_id: i64, statuses: &[(JobStatus, bool)], now: Time) {
        let any = |wanted: &[JobStatus]| statuses.iter().any(|(status, _)| wanted.contains(status));
        let status = if any(&[JobStatus::Running, JobStatus::Canceling]) {
            JobStatus::Running
        } else if any(&[
            JobStatus::Pending,
            JobStatus::Preparing,
            JobStatus::WaitingForResource,
            JobStatus::WaitingForCallback,
        ]) {
            JobStatus::Pending
        } else if any(&[JobStatus::Created]) {
            JobStatus::Created
        } else if statuses
            .iter()
            .any(|(status, allowed)| *status == JobStatus::Failed && !allowed)
        {
            JobStatus::Failed
        } else if any(&[JobStatus::Canceled]) {
            JobStatus::Canceled
        } else if any(&[JobStatus::Manual]) {
            JobStatus::Manual
        } else if any(&[JobStatus::Scheduled]) {
            JobStatus::Scheduled
        } else if !statuses.is_empty() && statuses.iter().all(|(s, _)| *s == JobStatus::Skipped) {
            JobStatus::Skipped
        } else {
            JobStatus::Success
        };
        if let Some(pipeline) = self.pipelines.get_mut(&pipeline_id) {
            pipeline.status = status;
            pipeline.updated_at = now;
        }
    }
}

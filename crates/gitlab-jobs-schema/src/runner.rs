//! The runner that picked up a job (`API::Entities::Ci::Runner`).

use serde::{Deserialize, Serialize};

use crate::{AlwaysSent, SometimesSent, Timestamp};

use crate::UserBasic;
use crate::open_enum::open_enum;

/// The runner that picked up a job; a job's `runner` is `null` until one does.
///
/// `paused`, `runner_type`, `created_at` and `job_execution_status` are newer than the rest:
/// current GitLab always sends them, older instances may not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = crate::examples::runner())
)]
pub struct Runner {
    /// ID of the runner.
    pub id: i64,
    /// Description given at registration.
    pub description: Option<String>,
    /// Always `null`: GitLab stopped exposing the runner's address here (see `runner_manager`).
    pub ip_address: Option<String>,
    /// Whether the runner takes jobs. Deprecated by GitLab in favour of `paused`.
    pub active: bool,
    /// Whether the runner is paused (the opposite of `active`).
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub paused: AlwaysSent<bool>,
    /// Whether the runner is an instance runner (`runner_type` is `instance_type`).
    pub is_shared: bool,
    /// Scope of the runner: the instance, a group or a project.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub runner_type: AlwaysSent<RunnerType>,
    /// Name of the runner.
    pub name: Option<String>,
    /// Whether the runner contacted GitLab recently.
    pub online: bool,
    /// Who created the runner; only when there is a creator the caller may see.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub created_by: SometimesSent<UserBasic>,
    /// When the runner was created.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub created_at: AlwaysSent<Timestamp>,
    /// Connection status of the runner.
    pub status: RunnerStatus,
    /// Whether the runner is executing jobs right now.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub job_execution_status: AlwaysSent<JobExecutionStatus>,
}

open_enum! {
    /// The scope a runner serves.
    #[example = "project_type"]
    pub enum RunnerType {
        /// An instance runner, available to every project.
        InstanceType = "instance_type",
        /// A group runner, available to the group's projects.
        GroupType = "group_type",
        /// A project runner.
        ProjectType = "project_type",
    }
}

open_enum! {
    /// Connection status of a runner, as the REST API reports it.
    #[example = "online"]
    pub enum RunnerStatus {
        /// Contacted GitLab within the last two hours.
        Online = "online",
        /// Has not contacted GitLab for more than two hours.
        Offline = "offline",
        /// Has not contacted GitLab for more than a week.
        Stale = "stale",
        /// Never contacted GitLab.
        NeverContacted = "never_contacted",
        /// Paused: takes no jobs.
        Paused = "paused",
    }
}

open_enum! {
    /// Whether a runner or runner manager is executing jobs.
    #[example = "idle"]
    pub enum JobExecutionStatus {
        /// Executing at least one job.
        Active = "active",
        /// Executing no job.
        Idle = "idle",
    }
}

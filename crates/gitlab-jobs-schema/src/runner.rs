//! The runner that picked up a job (`API::Entities::Ci::Runner`).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::UserBasic;
use crate::open_enum::open_enum;
use crate::wire::timestamp as ts;

/// The runner that picked up a job; a job's `runner` is `null` until one does.
///
/// `paused`, `runner_type`, `created_at` and `job_execution_status` are newer than the rest:
/// current GitLab always sends them, older instances may not.
// In Rust those four are `Option`s, so that jobs from older instances still parse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(crate::examples::runner)))]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "json-schema", schemars(
    example = crate::examples::runner(),
    transform = crate::schema::always_sent(&[
        "paused", "runner_type", "created_at", "job_execution_status",
    ]),
))]
pub struct Runner {
    /// ID of the runner.
    pub id: i64,
    /// Description given at registration.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub description: Option<String>,
    /// Always `null`: GitLab stopped exposing the runner's address here (see `runner_manager`).
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub ip_address: Option<String>,
    /// Whether the runner takes jobs. Deprecated by GitLab in favour of `paused`.
    pub active: bool,
    /// Whether the runner is paused (the opposite of `active`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "bool"))]
    pub paused: Option<bool>,
    /// Whether the runner is an instance runner (`runner_type` is `instance_type`).
    pub is_shared: bool,
    /// Scope of the runner: the instance, a group or a project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "RunnerType"))]
    pub runner_type: Option<RunnerType>,
    /// Name of the runner.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub name: Option<String>,
    /// Whether the runner contacted GitLab recently.
    pub online: bool,
    /// Who created the runner; only when there is a creator the caller may see.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "UserBasic"))]
    pub created_by: Option<UserBasic>,
    /// When the runner was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ts::option::serialize",
        deserialize_with = "ts::option::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "DateTime<FixedOffset>"))]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Connection status of the runner.
    pub status: RunnerStatus,
    /// Whether the runner is executing jobs right now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "JobExecutionStatus"))]
    pub job_execution_status: Option<JobExecutionStatus>,
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

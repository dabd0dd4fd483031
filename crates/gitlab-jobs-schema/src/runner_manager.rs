//! The runner manager (the machine) that ran a job (`API::Entities::Ci::RunnerManager`).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::JobExecutionStatus;
use crate::open_enum::open_enum;
use crate::wire::timestamp as ts;

/// The runner manager that ran a job: one machine or process registered under a runner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(crate::examples::runner_manager)))]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "json-schema", schemars(
    example = crate::examples::runner_manager(),
    transform = crate::schema::always_sent(&["job_execution_status"]),
))]
pub struct RunnerManager {
    /// ID of the runner manager.
    pub id: i64,
    /// The system ID the runner generated for the machine, such as `s_89e5e9956577`.
    pub system_id: String,
    /// Version of GitLab Runner.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub version: Option<String>,
    /// Git revision of GitLab Runner.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub revision: Option<String>,
    /// Operating system, such as `linux`.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub platform: Option<String>,
    /// CPU architecture, such as `amd64`.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub architecture: Option<String>,
    /// When the runner manager registered.
    #[serde(
        serialize_with = "ts::option::serialize",
        deserialize_with = "ts::option::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// When the runner manager last contacted GitLab.
    #[serde(
        serialize_with = "ts::option::serialize",
        deserialize_with = "ts::option::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub contacted_at: Option<DateTime<FixedOffset>>,
    /// IP address the runner manager last contacted GitLab from.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub ip_address: Option<String>,
    /// Connection status of the runner manager.
    pub status: RunnerManagerStatus,
    /// Whether the runner manager is executing jobs right now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "JobExecutionStatus"))]
    pub job_execution_status: Option<JobExecutionStatus>,
}

open_enum! {
    /// Connection status of a runner manager.
    #[example = "online"]
    pub enum RunnerManagerStatus {
        /// Contacted GitLab within the last two hours.
        Online = "online",
        /// Has not contacted GitLab for more than two hours.
        Offline = "offline",
        /// Has not contacted GitLab for more than a week.
        Stale = "stale",
        /// Never contacted GitLab.
        NeverContacted = "never_contacted",
    }
}

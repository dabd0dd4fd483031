//! The runner manager (the machine) that ran a job (`API::Entities::Ci::RunnerManager`).

use serde::{Deserialize, Serialize};

use crate::{AlwaysSent, Timestamp};

use crate::JobExecutionStatus;
use crate::open_enum::open_enum;

/// The runner manager that ran a job: one machine or process registered under a runner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = crate::examples::runner_manager())
)]
pub struct RunnerManager {
    /// ID of the runner manager.
    pub id: i64,
    /// The system ID the runner generated for the machine, such as `s_89e5e9956577`.
    pub system_id: String,
    /// Version of GitLab Runner.
    pub version: Option<String>,
    /// Git revision of GitLab Runner.
    pub revision: Option<String>,
    /// Operating system, such as `linux`.
    pub platform: Option<String>,
    /// CPU architecture, such as `amd64`.
    pub architecture: Option<String>,
    /// When the runner manager registered.
    pub created_at: Option<Timestamp>,
    /// When the runner manager last contacted GitLab.
    pub contacted_at: Option<Timestamp>,
    /// IP address the runner manager last contacted GitLab from.
    pub ip_address: Option<String>,
    /// Connection status of the runner manager.
    pub status: RunnerManagerStatus,
    /// Whether the runner manager is executing jobs right now.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub job_execution_status: AlwaysSent<JobExecutionStatus>,
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

//! The project object embedded in a job.

use serde::{Deserialize, Serialize};

/// The part of the job's project that GitLab embeds in a job (since GitLab 14.x).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = crate::examples::job_project())
)]
pub struct JobProject {
    /// Whether the project limits which projects its CI job tokens can reach (the job token's
    /// outbound scope). GitLab documents it as a string; it is a boolean.
    pub ci_job_token_scope_enabled: bool,
}

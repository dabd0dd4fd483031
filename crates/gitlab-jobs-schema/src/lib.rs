//! Models of GitLab's REST Jobs API (v4): what its eleven operations send and receive.
//!
//! The types follow what GitLab's source sends, key by key, and read whatever GitLab, older
//! instances and GitLab's own documentation send:
//!
//! - a key GitLab sends only under a condition (`failure_reason`, `artifacts_file`,
//!   `runner_manager`, ...) is an `Option` that stays absent when it was absent;
//! - a key GitLab always sends but older instances or the documentation's examples leave out is
//!   an `Option` too, and the OpenAPI contract still marks it required;
//! - a nullable key that may also be absent is an `Option<Option<T>>`: `None` when absent,
//!   `Some(None)` for `null`;
//! - enums are open: a value GitLab adds later parses into `Other(String)` and serializes back
//!   unchanged;
//! - timestamps keep their offset and serialize as GitLab writes them, with milliseconds.
//!
//! Features: `openapi` adds `utoipa::ToSchema` derives, the `#[utoipa::path]` operations and
//! [`openapi::ApiDoc`]; `json-schema` adds `schemars::JsonSchema` derives. Without them the
//! crate needs only serde, serde_json and chrono.

mod allowed_agents;
mod artifact;
mod artifacts_file;
mod bridge;
mod commit;
mod error;
mod failure_reason;
mod job;
mod job_or_bridge;
mod job_project;
mod job_status;
mod open_enum;
mod pipeline;
mod project_id;
mod requests;
mod runner;
mod runner_manager;
mod schema;
mod user;
mod user_basic;
mod wire;

#[cfg(any(feature = "openapi", feature = "json-schema"))]
pub mod examples;

pub use allowed_agents::{
    AgentConfigProject, AllowedAgent, AllowedAgents, AllowedAgentsEnvironment, AllowedAgentsGroup,
    AllowedAgentsJob, AllowedAgentsPipeline, AllowedAgentsProject, AllowedAgentsUser,
    EnvironmentTier, ProjectRole,
};
pub use artifact::{ArtifactFileFormat, ArtifactFileType, JobArtifact};
pub use artifacts_file::JobArtifactsFile;
pub use bridge::Bridge;
pub use commit::Commit;
pub use error::{ApiError, ErrorBody, MessageBody, RateLimitBody, RateLimitMessage};
pub use failure_reason::FailureReason;
pub use job::Job;
pub use job_or_bridge::JobOrBridge;
pub use job_project::JobProject;
pub use job_status::{JobScope, JobStatus};
pub use pipeline::{PipelineBasic, PipelineSource};
pub use project_id::ProjectId;
pub use requests::{CancelJobRequest, JobVariableAttributes, PlayJobRequest};
pub use runner::{JobExecutionStatus, Runner, RunnerStatus, RunnerType};
pub use runner_manager::{RunnerManager, RunnerManagerStatus};
pub use user::User;
pub use user_basic::{UserBasic, UserState};

#[cfg(feature = "openapi")]
pub mod openapi;
#[cfg(feature = "openapi")]
pub mod params;
#[cfg(feature = "openapi")]
pub mod paths;

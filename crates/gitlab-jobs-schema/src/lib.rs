//! Models of GitLab's REST Jobs API (v4) and its Job Artifacts API: what their operations send
//! and receive.
//!
//! The types follow what GitLab's source sends, key by key, and read whatever GitLab, older
//! instances and GitLab's own documentation send. A field says how GitLab sends it by its type
//! (see [`wire`]):
//!
//! - `T` or `Option<T>`: a key GitLab always sends, `Option` when it may be `null`;
//! - [`AlwaysSent<T>`]: a key GitLab always sends but older instances or the documentation's
//!   examples leave out; the contract marks it required, and a payload without it still reads;
//! - [`SometimesSent<T>`]: a key GitLab sends only under a condition (`failure_reason`,
//!   `artifacts_file`, `runner_manager`, ...); absent stays absent on a round trip. With
//!   `T = Option<U>`, the three states absent, `null` and a value are kept apart;
//! - [`Timestamp`]: a time that keeps its offset and serializes as GitLab writes it, with
//!   milliseconds;
//! - enums are open: a value GitLab adds later parses into `Other(String)` and serializes back
//!   unchanged.
//!
//! Features: `json-schema` derives `schemars::JsonSchema` for every model, the one source of
//! the contract's schemas; `openapi` adds the `#[utoipa::path]` operations and
//! `openapi::document`, which builds the OpenAPI document from them and those schemas (the
//! module says why each library has its role). Without them the crate needs only serde,
//! serde_json and chrono.

mod allowed_agents;
mod artifact;
mod artifact_entry;
mod artifacts_file;
mod bridge;
mod commit;
mod error;
mod failure_reason;
mod job;
mod job_basic;
mod job_or_bridge;
mod job_project;
mod job_status;
pub mod open_enum;
mod pipeline;
mod project_id;
mod requests;
mod runner;
mod runner_manager;
mod user;
mod user_basic;
pub mod wire;

#[cfg(feature = "json-schema")]
pub mod examples;

pub use allowed_agents::{
    AgentConfigProject, AllowedAgent, AllowedAgents, AllowedAgentsEnvironment, AllowedAgentsGroup,
    AllowedAgentsJob, AllowedAgentsPipeline, AllowedAgentsProject, AllowedAgentsUser,
    EnvironmentTier, ProjectRole,
};
pub use artifact::{ArtifactFileFormat, ArtifactFileType, JobArtifact};
pub use artifact_entry::{ArtifactEntry, ArtifactEntryType};
pub use artifacts_file::JobArtifactsFile;
pub use bridge::Bridge;
pub use commit::Commit;
pub use error::{ApiError, ErrorBody, MessageBody, RateLimitBody, RateLimitMessage};
pub use failure_reason::FailureReason;
pub use job::Job;
pub use job_basic::{JobBasic, Manual};
pub use job_or_bridge::JobOrBridge;
pub use job_project::JobProject;
pub use job_status::{JobScope, JobStatus};
pub use pipeline::{PipelineBasic, PipelineSource};
pub use project_id::ProjectId;
pub use requests::{
    CancelJobRequest, JobInputValue, JobVariableAttributes, PlayJobRequest, RetryJobRequest,
    VariableType,
};
pub use runner::{JobExecutionStatus, Runner, RunnerStatus, RunnerType};
pub use runner_manager::{RunnerManager, RunnerManagerStatus};
pub use user::User;
pub use user_basic::{UserBasic, UserState};
pub use wire::{AlwaysSent, SometimesSent, Timestamp};

/// The most items GitLab sends in one page of a list (its `max_per_page`): it serves a larger
/// `per_page` as this many.
pub const MAX_PER_PAGE: u64 = 100;

#[cfg(feature = "openapi")]
pub mod openapi;
#[cfg(feature = "openapi")]
pub mod params;
#[cfg(feature = "openapi")]
pub mod paths;

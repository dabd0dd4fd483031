//! The answer of `GET /job/allowed_agents`, which GitLab builds inline in `API::Ci::Jobs`.

use serde::{Deserialize, Serialize};

use crate::{AlwaysSent, SometimesSent, Timestamp};

use crate::open_enum::open_enum;

/// The GitLab agents for Kubernetes that a CI job may use, with the job, pipeline, project and
/// user they were resolved for.
///
/// GitLab's documentation shows an older `user` shape (`name`, `state`, `avatar_url`, `web_url`)
/// and leaves out `configuration` and `environment`; GitLab sends `user` with `id`, `username`
/// and `roles_in_project`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = crate::examples::get_allowed_agents())
)]
pub struct AllowedAgents {
    /// The agents whose CI access configuration includes the job's project or one of its groups.
    pub allowed_agents: Vec<AllowedAgent>,
    /// The job that owns the token.
    pub job: AllowedAgentsJob,
    /// The job's pipeline.
    pub pipeline: AllowedAgentsPipeline,
    /// The job's project.
    pub project: AllowedAgentsProject,
    /// The user who runs the job.
    pub user: AllowedAgentsUser,
    /// The job's environment; only when the job deploys to one.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub environment: SometimesSent<AllowedAgentsEnvironment>,
}

/// An agent the job may use (`API::Entities::Clusters::Agents::Authorizations::CiAccess`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = crate::examples::allowed_agent())
)]
pub struct AllowedAgent {
    /// ID of the agent.
    pub id: i64,
    /// The project that holds the agent's configuration file.
    pub config_project: AgentConfigProject,
    /// The `ci_access` entry of the agent's configuration that authorizes this project or
    /// group, as written in the agent's `config.yaml`.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub configuration: AlwaysSent<serde_json::Map<String, serde_json::Value>>,
}

/// The project holding an agent's configuration (`API::Entities::ProjectIdentity`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = crate::examples::agent_config_project())
)]
pub struct AgentConfigProject {
    /// ID of the project.
    pub id: i64,
    /// Description of the project.
    pub description: Option<String>,
    /// Name of the project.
    pub name: String,
    /// Name of the project with its namespace, such as `Group / Project`.
    pub name_with_namespace: String,
    /// Path of the project.
    pub path: String,
    /// Full path of the project, such as `group/project`.
    pub path_with_namespace: String,
    /// When the project was created.
    pub created_at: Timestamp,
}

/// The job that owns the CI job token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = crate::examples::allowed_agents_job())
)]
pub struct AllowedAgentsJob {
    /// ID of the job.
    pub id: i64,
}

/// The pipeline of the job that owns the CI job token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = crate::examples::allowed_agents_pipeline())
)]
pub struct AllowedAgentsPipeline {
    /// ID of the pipeline.
    pub id: i64,
}

/// The project of the job that owns the CI job token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = crate::examples::allowed_agents_project())
)]
pub struct AllowedAgentsProject {
    /// ID of the project.
    pub id: i64,
    /// The project's group and all its ancestor groups; `[]` for a project in a user's
    /// namespace.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub groups: AlwaysSent<Vec<AllowedAgentsGroup>>,
}

/// A group the job's project belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = crate::examples::allowed_agents_group())
)]
pub struct AllowedAgentsGroup {
    /// ID of the group.
    pub id: i64,
}

/// The user who runs the job, with their roles in the job's project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = crate::examples::allowed_agents_user())
)]
pub struct AllowedAgentsUser {
    /// ID of the user.
    pub id: i64,
    /// Username of the user.
    pub username: String,
    /// Every role at or below the user's highest role in the project, lowest first.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub roles_in_project: AlwaysSent<Vec<ProjectRole>>,
}

/// The environment the job deploys to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = crate::examples::allowed_agents_environment())
)]
pub struct AllowedAgentsEnvironment {
    /// Deployment tier of the environment.
    pub tier: EnvironmentTier,
    /// URL-safe slug of the environment's name.
    pub slug: String,
}

open_enum! {
    /// A role a user can have in a project (`Gitlab::Access`), lowest first.
    #[example = "developer"]
    pub enum ProjectRole {
        Guest = "guest",
        Planner = "planner",
        Reporter = "reporter",
        Developer = "developer",
        Maintainer = "maintainer",
        Owner = "owner",
    }
}

open_enum! {
    /// Deployment tier of an environment.
    #[example = "production"]
    pub enum EnvironmentTier {
        Production = "production",
        Staging = "staging",
        Testing = "testing",
        Development = "development",
        /// Any other environment (the variant is named so to keep clear of the catch-all).
        OtherTier = "other",
    }
}

//! The pipeline embedded in a job or a bridge (`API::Entities::Ci::PipelineBasic`).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::JobStatus;
use crate::open_enum::open_enum;
use crate::wire::{double_option, timestamp as ts};

/// A pipeline as embedded in a job (`pipeline`) or a bridge (`pipeline`, `downstream_pipeline`).
///
/// GitLab sends all ten keys. The documentation's examples show only some of them (`iid` and
/// `source` never); GitLab sends the others all the same.
// In Rust the keys the examples leave out are `Option`s, so that those examples parse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(crate::examples::pipeline_basic)))]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "json-schema", schemars(
    example = crate::examples::pipeline_basic(),
    transform = crate::schema::always_sent(&[
        "iid", "project_id", "source", "created_at", "updated_at", "web_url",
    ]),
))]
pub struct PipelineBasic {
    /// ID of the pipeline, unique on the instance.
    pub id: i64,
    /// ID of the pipeline within its project (the number GitLab shows in the UI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "i64"))]
    pub iid: Option<i64>,
    /// ID of the project the pipeline belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "i64"))]
    pub project_id: Option<i64>,
    /// SHA of the commit the pipeline runs for.
    pub sha: String,
    /// Branch or tag the pipeline runs for.
    pub r#ref: String,
    /// Status of the pipeline; pipelines share the job status values.
    pub status: JobStatus,
    /// What started the pipeline; `null` for some very old pipelines.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "double_option::serialize",
        deserialize_with = "double_option::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<PipelineSource>, required = true))]
    #[cfg_attr(feature = "json-schema", schemars(with = "Option<PipelineSource>"))]
    pub source: Option<Option<PipelineSource>>,
    /// When the pipeline was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ts::option::serialize",
        deserialize_with = "ts::option::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "DateTime<FixedOffset>"))]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// When the pipeline last changed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ts::option::serialize",
        deserialize_with = "ts::option::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "DateTime<FixedOffset>"))]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// The pipeline's page in GitLab, `https://<host>/<namespace>/<project>/-/pipelines/<id>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "String"))]
    pub web_url: Option<String>,
}

open_enum! {
    /// What started a pipeline (`Ci::Pipeline.sources`).
    #[example = "push"]
    pub enum PipelineSource {
        /// A push to a branch or tag.
        Push = "push",
        /// The "Run pipeline" button in the UI.
        Web = "web",
        /// A pipeline trigger token.
        Trigger = "trigger",
        /// A pipeline schedule.
        Schedule = "schedule",
        /// The pipelines API.
        Api = "api",
        /// An external CI service.
        External = "external",
        /// A trigger job (bridge) in another project's pipeline.
        Pipeline = "pipeline",
        /// A ChatOps command.
        Chat = "chat",
        /// The Web IDE.
        Webide = "webide",
        /// A merge request.
        MergeRequestEvent = "merge_request_event",
        /// A pull request of an external repository (GitHub).
        ExternalPullRequestEvent = "external_pull_request_event",
        /// A trigger job in the parent pipeline (a child pipeline).
        ParentPipeline = "parent_pipeline",
        /// An on-demand DAST scan.
        OndemandDastScan = "ondemand_dast_scan",
        /// An on-demand DAST site validation.
        OndemandDastValidation = "ondemand_dast_validation",
        /// A security policy.
        SecurityOrchestrationPolicy = "security_orchestration_policy",
        /// A push to the container registry.
        ContainerRegistryPush = "container_registry_push",
        /// A GitLab Duo workflow.
        DuoWorkflow = "duo_workflow",
        /// A scheduled pipeline execution policy.
        PipelineExecutionPolicySchedule = "pipeline_execution_policy_schedule",
        /// An automatic dependency security update.
        DependencyManagementSecurityUpdate = "dependency_management_security_update",
        /// Not recorded.
        Unknown = "unknown",
    }
}

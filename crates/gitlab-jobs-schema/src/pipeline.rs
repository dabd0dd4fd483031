//! The pipeline embedded in a job or a bridge (`API::Entities::Ci::PipelineBasic`).

use serde::{Deserialize, Serialize};

use crate::{AlwaysSent, Timestamp};

use crate::JobStatus;
use crate::open_enum::open_enum;

/// A pipeline as embedded in a job (`pipeline`) or a bridge (`pipeline`, `downstream_pipeline`).
///
/// GitLab sends all ten keys. The documentation's examples show only some of them (`iid` and
/// `source` never); GitLab sends the others all the same.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = crate::examples::pipeline_basic())
)]
pub struct PipelineBasic {
    /// ID of the pipeline, unique on the instance.
    pub id: i64,
    /// ID of the pipeline within its project (the number GitLab shows in the UI).
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub iid: AlwaysSent<i64>,
    /// ID of the project the pipeline belongs to.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub project_id: AlwaysSent<i64>,
    /// SHA of the commit the pipeline runs for.
    pub sha: String,
    /// Branch or tag the pipeline runs for.
    pub r#ref: String,
    /// Status of the pipeline; pipelines share the job status values.
    pub status: JobStatus,
    /// What started the pipeline; `null` for some very old pipelines.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub source: AlwaysSent<Option<PipelineSource>>,
    /// When the pipeline was created.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub created_at: AlwaysSent<Timestamp>,
    /// When the pipeline last changed.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub updated_at: AlwaysSent<Timestamp>,
    /// The pipeline's page in GitLab, `https://<host>/<namespace>/<project>/-/pipelines/<id>`.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub web_url: AlwaysSent<String>,
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

//! A trigger job (`API::Entities::Ci::Bridge`).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::wire::{double_option, timestamp as ts};
use crate::{Commit, FailureReason, JobProject, JobStatus, PipelineBasic, User};

/// A trigger job ("bridge"): a job that starts a downstream pipeline instead of running a
/// script.
///
/// It has a job's basic keys plus `downstream_pipeline`; it has no artifacts, runner, runner
/// manager or tags.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(crate::examples::bridge)))]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "json-schema", schemars(
    example = crate::examples::bridge(),
    transform = crate::schema::always_sent(&["erased_at", "queued_duration", "project"]),
))]
pub struct Bridge {
    /// ID of the trigger job, unique on the instance.
    pub id: i64,
    /// Status of the trigger job.
    pub status: JobStatus,
    /// Stage the trigger job belongs to.
    pub stage: String,
    /// Name of the trigger job.
    pub name: String,
    /// Branch or tag the trigger job runs for.
    pub r#ref: String,
    /// Whether `ref` is a tag.
    pub tag: bool,
    /// Always `null` for a trigger job, which has no log to parse coverage from.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub coverage: Option<f64>,
    /// Whether the pipeline may succeed when this job fails.
    pub allow_failure: bool,
    /// When the trigger job was created.
    #[serde(serialize_with = "ts::serialize", deserialize_with = "ts::deserialize")]
    pub created_at: DateTime<FixedOffset>,
    /// When the trigger job started; `null` until then.
    #[serde(
        serialize_with = "ts::option::serialize",
        deserialize_with = "ts::option::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub started_at: Option<DateTime<FixedOffset>>,
    /// When the trigger job finished; `null` until then.
    #[serde(
        serialize_with = "ts::option::serialize",
        deserialize_with = "ts::option::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub finished_at: Option<DateTime<FixedOffset>>,
    /// When the trigger job was erased; `null` unless erased.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ts::double_option::serialize",
        deserialize_with = "ts::double_option::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<DateTime<FixedOffset>>, required = true))]
    #[cfg_attr(
        feature = "json-schema",
        schemars(with = "Option<DateTime<FixedOffset>>")
    )]
    pub erased_at: Option<Option<DateTime<FixedOffset>>>,
    /// Seconds the trigger job ran; `null` until it starts.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub duration: Option<f64>,
    /// Seconds the trigger job waited in the queue; `null` if it was never queued.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "double_option::serialize",
        deserialize_with = "double_option::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>, required = true))]
    #[cfg_attr(feature = "json-schema", schemars(with = "Option<f64>"))]
    pub queued_duration: Option<Option<f64>>,
    /// The user who started the pipeline; `null` when there is none.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub user: Option<User>,
    /// The commit the trigger job runs for; `null` when it is no longer in the repository.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub commit: Option<Commit>,
    /// The pipeline the trigger job belongs to.
    pub pipeline: PipelineBasic,
    /// Why the trigger job failed; only when `status` is `failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "FailureReason"))]
    pub failure_reason: Option<FailureReason>,
    /// The trigger job's page in GitLab.
    pub web_url: String,
    /// Settings of the trigger job's project that concern jobs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "JobProject"))]
    pub project: Option<JobProject>,
    /// The pipeline the trigger job started; `null` until it has started one. The key is always
    /// present, which tells a bridge from a job.
    #[serde(deserialize_with = "Option::deserialize")]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub downstream_pipeline: Option<PipelineBasic>,
}

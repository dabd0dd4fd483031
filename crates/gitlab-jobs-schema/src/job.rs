//! A CI job (`API::Entities::Ci::Job`).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::wire::{double_option, timestamp as ts};
use crate::{
    Commit, FailureReason, JobArtifact, JobArtifactsFile, JobProject, JobStatus, PipelineBasic,
    Runner, RunnerManager, User,
};

/// A CI job, as the job lists, the single-job routes and the job actions return it.
///
/// GitLab sends 27 keys, in this order. Three appear only sometimes: `failure_reason` only when
/// the job failed, `artifacts_file` only while the job has an unexpired artifacts archive, and
/// `runner_manager` only for a build, so it is absent when GitLab renders a trigger job (a
/// bridge) this way, as retrying one does. The documentation's examples leave out several keys
/// GitLab always sends (`pipeline` in the action examples, `archived` everywhere), and show
/// `download_url`, which GitLab no longer sends.
// In Rust the keys the examples leave out are `Option`s, so that those examples and older
// instances parse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(crate::examples::job)))]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "json-schema", schemars(
    example = crate::examples::job(),
    transform = crate::schema::always_sent(&[
        "erased_at", "queued_duration", "pipeline", "project", "artifacts_expire_at",
        "archived", "tag_list",
    ]),
))]
pub struct Job {
    /// ID of the job, unique on the instance (64-bit: GitLab.com's IDs are past 2^31).
    pub id: i64,
    /// Status of the job.
    pub status: JobStatus,
    /// Stage the job belongs to.
    pub stage: String,
    /// Name of the job.
    pub name: String,
    /// Branch or tag the job runs for.
    pub r#ref: String,
    /// Whether `ref` is a tag.
    pub tag: bool,
    /// Code coverage in percent, parsed from the log; `null` when not configured or not found.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub coverage: Option<f64>,
    /// Whether the pipeline may succeed when this job fails (`allow_failure`).
    pub allow_failure: bool,
    /// When the job was created.
    #[serde(serialize_with = "ts::serialize", deserialize_with = "ts::deserialize")]
    pub created_at: DateTime<FixedOffset>,
    /// When a runner started the job; `null` until then.
    #[serde(
        serialize_with = "ts::option::serialize",
        deserialize_with = "ts::option::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub started_at: Option<DateTime<FixedOffset>>,
    /// When the job finished; `null` until then.
    #[serde(
        serialize_with = "ts::option::serialize",
        deserialize_with = "ts::option::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub finished_at: Option<DateTime<FixedOffset>>,
    /// When the job's artifacts and log were erased; `null` unless erased.
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
    /// Seconds the job ran (`finished_at - started_at`; up to now while it runs); `null` until
    /// it starts.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub duration: Option<f64>,
    /// Seconds the job waited in the queue (`started_at - queued_at`; up to now while it waits);
    /// `null` if it was never queued.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "double_option::serialize",
        deserialize_with = "double_option::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>, required = true))]
    #[cfg_attr(feature = "json-schema", schemars(with = "Option<f64>"))]
    pub queued_duration: Option<Option<f64>>,
    /// The user who started the job; `null` when there is none, for example after the user was
    /// deleted.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub user: Option<User>,
    /// The commit the job runs for; `null` when it is no longer in the repository.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub commit: Option<Commit>,
    /// The pipeline the job belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "PipelineBasic"))]
    pub pipeline: Option<PipelineBasic>,
    /// Why the job failed; only when `status` is `failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "FailureReason"))]
    pub failure_reason: Option<FailureReason>,
    /// The job's page in GitLab, `https://<host>/<namespace>/<project>/-/jobs/<id>`.
    pub web_url: String,
    /// Settings of the job's project that concern jobs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "JobProject"))]
    pub project: Option<JobProject>,
    /// The artifacts archive; only while the job has an unexpired one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "JobArtifactsFile"))]
    pub artifacts_file: Option<JobArtifactsFile>,
    /// Every artifact file of the job, including the archive, its metadata, the log and
    /// reports; `[]` when there is none.
    pub artifacts: Vec<JobArtifact>,
    /// The runner that picked up the job; `null` until one does.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub runner: Option<Runner>,
    /// The runner manager that ran the job; `null` until one does. Absent when the object is a
    /// trigger job (a bridge) rendered as a job.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "double_option::serialize",
        deserialize_with = "double_option::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<RunnerManager>))]
    #[cfg_attr(feature = "json-schema", schemars(with = "Option<RunnerManager>"))]
    pub runner_manager: Option<Option<RunnerManager>>,
    /// When the artifacts expire; `null` when they never do or there are none.
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
    pub artifacts_expire_at: Option<Option<DateTime<FixedOffset>>>,
    /// Whether the job is archived: GitLab archives old pipelines' jobs, which can then no
    /// longer be retried, played or erased.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "bool"))]
    pub archived: Option<bool>,
    /// Runner tags the job asks for, sorted alphabetically; `[]` when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "Vec<String>"))]
    pub tag_list: Option<Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Durations and coverage decode to exactly the number GitLab sent and encode back to the
    /// same text. Without serde_json's `float_roundtrip`, each of these comes back one ulp off.
    #[test]
    fn floats_round_trip_to_the_last_bit() {
        for number in [
            "3162.2839716525586",
            "1823.1153400508115",
            "2208.8506221163166",
            "9889.807847299733",
            "9347.715906083999",
        ] {
            let mut payload = crate::examples::job();
            for key in ["duration", "queued_duration", "coverage"] {
                payload[key] = serde_json::from_str(number).unwrap();
            }
            let text = serde_json::to_string(&payload).unwrap();
            let job: Job = serde_json::from_str(&text).unwrap();
            let expected: f64 = number.parse().unwrap();
            assert_eq!(job.duration.map(f64::to_bits), Some(expected.to_bits()));
            assert_eq!(job.coverage.map(f64::to_bits), Some(expected.to_bits()));
            let again = serde_json::to_string(&job).unwrap();
            assert!(again.contains(&format!("\"duration\":{number}")), "{again}");
            assert!(
                again.contains(&format!("\"queued_duration\":{number}")),
                "{again}"
            );
        }
    }
}

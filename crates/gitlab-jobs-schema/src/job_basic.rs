//! The keys a job and a trigger job share (`API::Entities::Ci::JobBasic`), said once.

/// Declares a struct whose keys start with those of GitLab's `JobBasic`, in GitLab's order,
/// followed by the struct's own: `Job` and `Bridge` are both `JobBasic` plus a few keys, and
/// serialize in the order GitLab sends.
macro_rules! with_job_basic_keys {
    (
        $(#[$attr:meta])*
        pub struct $name:ident {
            $($(#[$field_attr:meta])* pub $field:ident: $ty:ty,)*
        }
    ) => {
        $(#[$attr])*
        pub struct $name {
            /// ID of the job, unique on the instance (64-bit: GitLab.com's IDs are past 2^31).
            pub id: i64,
            /// Status of the job.
            pub status: $crate::JobStatus,
            /// Stage the job belongs to.
            pub stage: String,
            /// Name of the job.
            pub name: String,
            /// Branch or tag the job runs for.
            pub r#ref: String,
            /// Whether `ref` is a tag.
            pub tag: bool,
            /// Code coverage in percent, parsed from the log; `null` when not configured or not
            /// found, and always for a trigger job.
            pub coverage: Option<f64>,
            /// Whether the pipeline may succeed when this job fails (`allow_failure`).
            pub allow_failure: bool,
            /// When the job was created.
            pub created_at: $crate::Timestamp,
            /// When the job started; `null` until then.
            pub started_at: Option<$crate::Timestamp>,
            /// When the job finished; `null` until then.
            pub finished_at: Option<$crate::Timestamp>,
            /// When the job's artifacts and log were erased; `null` unless erased.
            #[serde(default, skip_serializing_if = "crate::wire::absent")]
            pub erased_at: $crate::AlwaysSent<Option<$crate::Timestamp>>,
            /// Seconds the job ran (`finished_at - started_at`; up to now while it runs); `null` until
            /// it starts.
            pub duration: Option<f64>,
            /// Seconds the job waited in the queue (`started_at - queued_at`; up to now while it waits);
            /// `null` if it was never queued.
            #[serde(default, skip_serializing_if = "crate::wire::absent")]
            pub queued_duration: $crate::AlwaysSent<Option<f64>>,
            /// The user who started the job; `null` when there is none, for example after the user was
            /// deleted.
            pub user: Option<$crate::User>,
            /// The commit the job runs for; `null` when it is no longer in the repository.
            pub commit: Option<$crate::Commit>,
            /// The pipeline the job belongs to.
            #[serde(default, skip_serializing_if = "crate::wire::absent")]
            pub pipeline: $crate::AlwaysSent<$crate::PipelineBasic>,
            /// Why the job failed; only when `status` is `failed`.
            #[serde(default, skip_serializing_if = "crate::wire::absent")]
            pub failure_reason: $crate::SometimesSent<$crate::FailureReason>,
            /// The job's page in GitLab, `https://<host>/<namespace>/<project>/-/jobs/<id>`.
            pub web_url: String,
            /// Settings of the job's project that concern jobs.
            #[serde(default, skip_serializing_if = "crate::wire::absent")]
            pub project: $crate::AlwaysSent<$crate::JobProject>,
            $($(#[$field_attr])* pub $field: $ty,)*
        }
    };
}

pub(crate) use with_job_basic_keys;

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

/// What adding a key to `Job` or `Bridge` takes: one declaration, here in a test model built
/// like them. The contract's schema then carries its type, nullability, description and
/// presence, in GitLab's order, and the type reads GitLab's payloads with and without the key.
#[cfg(all(test, feature = "json-schema"))]
mod tests {
    use serde::{Deserialize, Serialize};
    use serde_json::json;

    use crate::{AlwaysSent, Timestamp};

    with_job_basic_keys! {
        /// A job as a later GitLab might send it, with one key more.
        #[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
        pub struct JobWithANewKey {
            /// When the job was last looked at; `null` until then (GitLab 99.0 and later).
            #[serde(default, skip_serializing_if = "crate::wire::absent")]
            pub looked_at: AlwaysSent<Option<Timestamp>>,
        }
    }

    #[test]
    fn a_new_key_is_one_declaration_and_the_schema_says_all_of_it() {
        let schema =
            crate::wire::schema_generator("/$defs").into_root_schema_for::<JobWithANewKey>();
        let schema = schema.as_value();
        assert_eq!(
            schema["properties"]["looked_at"],
            json!({
                "type": ["string", "null"],
                "format": "date-time",
                "description": "When the job was last looked at; `null` until then (GitLab 99.0 and later)."
            })
        );
        let keys: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
        assert_eq!(keys.first().map(|key| key.as_str()), Some("id"));
        assert_eq!(keys.last().map(|key| key.as_str()), Some("looked_at"));
        let required = schema["required"].as_array().unwrap();
        assert_eq!(required.last(), Some(&json!("looked_at")));

        // An older GitLab's payload, without the key, reads and writes back without it.
        let old: JobWithANewKey = serde_json::from_value(crate::examples::job()).unwrap();
        assert!(old.looked_at.is_none());
        let written = serde_json::to_value(&old).unwrap();
        assert!(written.get("looked_at").is_none());

        // A newer one's, with it, keeps the value and writes it last, as GitLab orders it.
        let mut payload = crate::examples::job();
        payload["looked_at"] = json!("2026-11-23T07:51:00.000Z");
        let new: JobWithANewKey = serde_json::from_value(payload).unwrap();
        assert_eq!(
            new.looked_at.unwrap().unwrap().to_string(),
            "2026-11-23T07:51:00.000Z"
        );
        let written = serde_json::to_value(&new).unwrap();
        let keys: Vec<&String> = written.as_object().unwrap().keys().collect();
        assert_eq!(keys.last().map(|key| key.as_str()), Some("looked_at"));
    }
}

//! The keys a job and a trigger job share (`API::Entities::Ci::JobBasic`), said once.

/// Declares a struct whose keys start with those of GitLab's `JobBasic`, in GitLab's order,
/// followed by the struct's own: `Job` and `Bridge` are both `JobBasic` plus a few keys, and
/// serialize in the order GitLab sends. Each such struct can be made from a [`JobBasic`] and its
/// own keys (`from_basic`), gives its shared keys as one (`basic`), and says whether the job has
/// stopped (`has_stopped`).
macro_rules! with_job_basic_keys {
    (
        $(#[$attr:meta])*
        pub struct $name:ident {
            $($(#[$field_attr:meta])* pub $field:ident: $ty:ty,)*
        }
    ) => {
        $crate::job_basic::with_job_basic_keys! {
            @expand
            [$(#[$attr])*]
            $name
            [$($(#[$field_attr])* pub $field: $ty,)*]
            [
                /// ID of the job, unique on the instance (64-bit: GitLab.com's IDs are past 2^31).
                id: i64,
                /// Status of the job.
                status: $crate::JobStatus,
                /// Stage the job belongs to.
                stage: String,
                /// Name of the job.
                name: String,
                /// Branch or tag the job runs for.
                r#ref: String,
                /// Whether `ref` is a tag.
                tag: bool,
                /// Code coverage in percent, parsed from the log; `null` when not configured or not
                /// found, and always for a trigger job.
                coverage: Option<f64>,
                /// Whether the pipeline may succeed when this job fails (`allow_failure`).
                allow_failure: bool,
                /// When the job was created.
                created_at: $crate::Timestamp,
                /// When the job started; `null` until then.
                started_at: Option<$crate::Timestamp>,
                /// When the job finished; `null` until then.
                finished_at: Option<$crate::Timestamp>,
                /// When the job's artifacts and log were erased; `null` unless erased.
                #[serde(default, skip_serializing_if = "crate::wire::absent")]
                erased_at: $crate::AlwaysSent<Option<$crate::Timestamp>>,
                /// Seconds the job ran (`finished_at - started_at`; up to now while it runs); `null` until
                /// it starts.
                duration: Option<f64>,
                /// Seconds the job waited in the queue (`started_at - queued_at`; up to now while it waits);
                /// `null` if it was never queued.
                #[serde(default, skip_serializing_if = "crate::wire::absent")]
                queued_duration: $crate::AlwaysSent<Option<f64>>,
                /// The user who started the job; `null` when there is none, for example after the user was
                /// deleted.
                user: Option<$crate::User>,
                /// The commit the job runs for; `null` when it is no longer in the repository.
                commit: Option<$crate::Commit>,
                /// The pipeline the job belongs to.
                #[serde(default, skip_serializing_if = "crate::wire::absent")]
                pipeline: $crate::AlwaysSent<$crate::PipelineBasic>,
                /// Why the job failed; only when `status` is `failed`.
                #[serde(default, skip_serializing_if = "crate::wire::absent")]
                failure_reason: $crate::SometimesSent<$crate::FailureReason>,
                /// The job's page in GitLab, `https://<host>/<namespace>/<project>/-/jobs/<id>`.
                web_url: String,
                /// Settings of the job's project that concern jobs.
                #[serde(default, skip_serializing_if = "crate::wire::absent")]
                project: $crate::AlwaysSent<$crate::JobProject>,
            ]
        }
    };
    (
        @expand
        [$($attr:tt)*]
        $name:ident
        [$($(#[$field_attr:meta])* pub $field:ident: $ty:ty,)*]
        [$($(#[$base_attr:meta])* $base:ident: $base_ty:ty,)*]
    ) => {
        $($attr)*
        pub struct $name {
            $($(#[$base_attr])* pub $base: $base_ty,)*
            $($(#[$field_attr])* pub $field: $ty,)*
        }

        impl $name {
            /// Whether the job has stopped: a terminal status (`success`, `failed`, `canceled`,
            /// `skipped`), or a status this crate does not know once GitLab has set
            /// `finished_at`; and `manual`, where it waits for a person, as `manual` says.
            /// `created`, `scheduled` and the active statuses go on by themselves.
            pub fn has_stopped(&self, manual: $crate::Manual) -> bool {
                self.status.is_terminal()
                    || (manual == $crate::Manual::Stops && self.status.is_playable())
                    || (!self.status.is_known() && self.finished_at.is_some())
            }
        }

        $crate::job_basic::with_job_basic_keys! {
            @conversions $name [$($field: $ty,)*] [$($base,)*]
        }
    };
    // `JobBasic` itself has no keys of its own, and nothing to convert.
    (@conversions $name:ident [] [$($base:ident,)*]) => {};
    (@conversions $name:ident [$($field:ident: $ty:ty,)+] [$($base:ident,)*]) => {
        impl $name {
            /// The object from the keys every job and trigger job has, and its own.
            #[allow(clippy::too_many_arguments)]
            pub fn from_basic(basic: $crate::JobBasic, $($field: $ty),+) -> Self {
                Self {
                    $($base: basic.$base,)*
                    $($field,)+
                }
            }

            /// The keys it shares with every job and trigger job.
            pub fn basic(&self) -> $crate::JobBasic {
                $crate::JobBasic {
                    $($base: self.$base.clone(),)*
                }
            }
        }
    };
}

pub(crate) use with_job_basic_keys;

use serde::{Deserialize, Serialize};

with_job_basic_keys! {
    /// The keys every job and trigger job has (GitLab's `API::Entities::Ci::JobBasic`), apart
    /// from either: what code that handles both a [`Job`](crate::Job) and a
    /// [`Bridge`](crate::Bridge) reads (`basic()`), or builds them from (`from_basic`).
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct JobBasic {}
}

/// Whether a `manual` job counts as stopped for [`JobBasic::has_stopped`] and its kin: it
/// waits for a person to play it, which a log follower stops for and a wait for the job's end
/// does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Manual {
    /// A `manual` job has stopped: nothing more happens until someone plays it.
    Stops,
    /// A `manual` job has not stopped: someone may play it, and it goes on.
    GoesOn,
}

/// What adding a key to `Job` or `Bridge` takes: one declaration, here in a test model built
/// like them. The contract's schema then carries its type, nullability, description and
/// presence, in GitLab's order, and the type reads GitLab's payloads with and without the key.
#[cfg(all(test, feature = "json-schema"))]
// The test model gets the methods every such struct has, which it does not use.
#[allow(dead_code)]
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

    /// One rule of "has the job stopped" for every caller, with `manual` their choice.
    #[test]
    fn a_job_has_stopped_when_terminal_or_finished_and_manual_as_the_caller_says() {
        use crate::{Job, JobStatus, Manual};
        let mut job: Job = serde_json::from_value(crate::examples::job()).unwrap();
        let mut stopped = |status: JobStatus, finished: bool| {
            job.status = status;
            job.finished_at = finished.then(|| "2026-11-23T07:51:00.000Z".parse().unwrap());
            (
                job.has_stopped(Manual::Stops),
                job.has_stopped(Manual::GoesOn),
            )
        };
        assert_eq!(stopped(JobStatus::Failed, true), (true, true));
        assert_eq!(stopped(JobStatus::Skipped, false), (true, true));
        assert_eq!(stopped(JobStatus::Running, false), (false, false));
        assert_eq!(stopped(JobStatus::Scheduled, false), (false, false));
        assert_eq!(stopped(JobStatus::Manual, false), (true, false));
        let later = || JobStatus::Other("paused_by_admin".into());
        assert_eq!(stopped(later(), false), (false, false));
        assert_eq!(stopped(later(), true), (true, true));
    }

    /// A job's shared keys make a bridge with its own key, and the bridge gives them back.
    #[test]
    fn the_shared_keys_move_between_a_job_and_a_bridge() {
        use crate::{Bridge, Job};
        let job: Job = serde_json::from_value(crate::examples::job()).unwrap();
        let bridge = Bridge::from_basic(job.basic(), None);
        assert_eq!(bridge.basic(), job.basic());
        assert_eq!((bridge.id, &bridge.name), (job.id, &job.name));
        let written = serde_json::to_value(&bridge).unwrap();
        assert_eq!(written["downstream_pipeline"], serde_json::Value::Null);
        assert_eq!(
            written
                .as_object()
                .unwrap()
                .keys()
                .next()
                .map(String::as_str),
            Some("id")
        );
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

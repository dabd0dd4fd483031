//! A CI job (`API::Entities::Ci::Job`).

use serde::{Deserialize, Serialize};

use crate::job_basic::with_job_basic_keys;
use crate::{
    AlwaysSent, JobArtifact, JobArtifactsFile, Runner, RunnerManager, SometimesSent, Timestamp,
};

with_job_basic_keys! {
    /// A CI job, as the job lists, the single-job routes and the job actions return it.
    ///
    /// GitLab sends 27 keys, in this order. Three appear only sometimes: `failure_reason` only when
    /// the job failed, `artifacts_file` only while the job has an unexpired artifacts archive, and
    /// `runner_manager` only for a build, so it is absent when GitLab renders a trigger job (a
    /// bridge) this way, as retrying one does. The documentation's examples leave out several keys
    /// GitLab always sends (`pipeline` in the action examples, `archived` everywhere), and show
    /// `download_url`, which GitLab no longer sends.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[cfg_attr(
        feature = "json-schema",
        derive(schemars::JsonSchema),
        schemars(example = crate::examples::job())
    )]
    pub struct Job {
        /// The artifacts archive; only while the job has an unexpired one.
        #[serde(default, skip_serializing_if = "crate::wire::absent")]
        pub artifacts_file: SometimesSent<JobArtifactsFile>,
        /// Every artifact file of the job, including the archive, its metadata, the log and
        /// reports; `[]` when there is none.
        pub artifacts: Vec<JobArtifact>,
        /// The runner that picked up the job; `null` until one does.
        pub runner: Option<Runner>,
        /// The runner manager that ran the job; `null` until one does. Absent when the object is a
        /// trigger job (a bridge) rendered as a job.
        #[serde(default, skip_serializing_if = "crate::wire::absent")]
        pub runner_manager: SometimesSent<Option<RunnerManager>>,
        /// When the artifacts expire; `null` when they never do or there are none.
        #[serde(default, skip_serializing_if = "crate::wire::absent")]
        pub artifacts_expire_at: AlwaysSent<Option<Timestamp>>,
        /// Whether the job is archived: GitLab archives old pipelines' jobs, which can then no
        /// longer be retried, played or erased.
        #[serde(default, skip_serializing_if = "crate::wire::absent")]
        pub archived: AlwaysSent<bool>,
        /// Runner tags the job asks for, sorted alphabetically; `[]` when none.
        #[serde(default, skip_serializing_if = "crate::wire::absent")]
        pub tag_list: AlwaysSent<Vec<String>>,
    }
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

//! A trigger job (`API::Entities::Ci::Bridge`).

use serde::{Deserialize, Serialize};

use crate::PipelineBasic;
use crate::job_basic::with_job_basic_keys;

with_job_basic_keys! {
    /// A trigger job ("bridge"): a job that starts a downstream pipeline instead of running a
    /// script.
    ///
    /// It has a job's basic keys plus `downstream_pipeline`; it has no artifacts, runner, runner
    /// manager or tags.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[cfg_attr(
        feature = "json-schema",
        derive(schemars::JsonSchema),
        schemars(example = crate::examples::bridge())
    )]
    pub struct Bridge {
        /// The pipeline the trigger job started; `null` until it has started one. The key is always
        /// present, which tells a bridge from a job.
        // Required when reading, unlike other `Option`s: the key tells a bridge from a job.
        #[serde(deserialize_with = "Option::deserialize")]
        pub downstream_pipeline: Option<PipelineBasic>,
    }
}

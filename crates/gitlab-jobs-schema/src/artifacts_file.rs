//! The job's artifacts archive (`API::Entities::Ci::JobArtifactFile`).

use serde::{Deserialize, Serialize};

/// The job's artifacts archive. GitLab keeps this key for backward compatibility: `artifacts`
/// lists every artifact file, including the archive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = crate::examples::job_artifacts_file())
)]
pub struct JobArtifactsFile {
    /// File name of the archive, usually `artifacts.zip`.
    pub filename: String,
    /// Size of the archive in bytes.
    pub size: i64,
}

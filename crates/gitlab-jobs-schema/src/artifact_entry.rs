//! One entry of a job's artifacts archive, as the archive's browser lists it
//! (`API::Entities::Ci::JobArtifactEntry`, GitLab 18.8).

use serde::{Deserialize, Serialize};

use crate::SometimesSent;
use crate::open_enum::open_enum;

/// A file or a directory inside a job's artifacts archive, read from the archive's metadata
/// without extracting it. Since GitLab 18.8.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = crate::examples::artifact_entry())
)]
pub struct ArtifactEntry {
    /// The entry's own name, without its directory, such as `index.html`.
    pub name: String,
    /// The entry's path from the archive's root, such as `coverage/index.html`; a directory's
    /// path ends with `/`, such as `coverage/`. Give it to the single-file download as it is.
    pub path: String,
    /// Whether the entry is a file or a directory.
    #[serde(rename = "type")]
    pub kind: ArtifactEntryType,
    /// The file's size in bytes, before compression. Sent for files only.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub size: SometimesSent<i64>,
    /// The entry's Unix file mode as six octal digits, such as `100644` for a file or `040755`
    /// for a directory; `null` when the archive's metadata has none.
    pub mode: Option<String>,
}

open_enum! {
    /// What an entry of an artifacts archive is.
    #[example = "file"]
    pub enum ArtifactEntryType {
        /// A file, which the single-file download sends.
        File = "file",
        /// A directory, which the browser lists with `path`.
        Directory = "directory",
    }
}

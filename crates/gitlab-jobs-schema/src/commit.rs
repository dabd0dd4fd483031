//! The commit a job runs for (`API::Entities::Commit`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{AlwaysSent, Timestamp};

/// The commit a job runs for.
///
/// GitLab sends all fifteen keys. Dates are git dates and keep the committer's offset
/// (`2015-12-24T16:51:14.000+01:00`). The documentation's examples show only the first seven
/// keys; GitLab sends the others all the same.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = crate::examples::commit())
)]
pub struct Commit {
    /// The full 40-character SHA.
    pub id: String,
    /// The abbreviated SHA (8 characters).
    pub short_id: String,
    /// When the commit was created (the committer date), with its original offset.
    pub created_at: Timestamp,
    /// SHAs of the parent commits; empty for a root commit.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub parent_ids: AlwaysSent<Vec<String>>,
    /// The first line of the commit message.
    pub title: String,
    /// The full commit message.
    pub message: String,
    /// Name of the author.
    pub author_name: String,
    /// Email of the author.
    pub author_email: String,
    /// When the commit was authored, with its original offset.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub authored_date: AlwaysSent<Timestamp>,
    /// Name of the committer.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub committer_name: AlwaysSent<String>,
    /// Email of the committer.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub committer_email: AlwaysSent<String>,
    /// When the commit was committed, with its original offset.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub committed_date: AlwaysSent<Timestamp>,
    /// Git trailers of the message (`Signed-off-by: …`), the last value per key; `{}` when none.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub trailers: AlwaysSent<BTreeMap<String, String>>,
    /// Git trailers of the message with every value per key; `{}` when none.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub extended_trailers: AlwaysSent<BTreeMap<String, Vec<String>>>,
    /// The commit's page in GitLab, `https://<host>/<namespace>/<project>/-/commit/<sha>`.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub web_url: AlwaysSent<String>,
}

//! The commit a job runs for (`API::Entities::Commit`).

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::wire::timestamp as ts;

/// The commit a job runs for.
///
/// GitLab sends all fifteen keys. Dates are git dates and keep the committer's offset
/// (`2015-12-24T16:51:14.000+01:00`). The documentation's examples show only the first seven
/// keys; GitLab sends the others all the same.
// In Rust the keys the examples leave out are `Option`s, so that those examples and older
// instances parse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(crate::examples::commit)))]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "json-schema", schemars(
    example = crate::examples::commit(),
    transform = crate::schema::always_sent(&[
        "parent_ids", "authored_date", "committer_name", "committer_email", "committed_date",
        "trailers", "extended_trailers", "web_url",
    ]),
))]
pub struct Commit {
    /// The full 40-character SHA.
    pub id: String,
    /// The abbreviated SHA (8 characters).
    pub short_id: String,
    /// When the commit was created (the committer date), with its original offset.
    #[serde(serialize_with = "ts::serialize", deserialize_with = "ts::deserialize")]
    pub created_at: DateTime<FixedOffset>,
    /// SHAs of the parent commits; empty for a root commit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "Vec<String>"))]
    pub parent_ids: Option<Vec<String>>,
    /// The first line of the commit message.
    pub title: String,
    /// The full commit message.
    pub message: String,
    /// Name of the author.
    pub author_name: String,
    /// Email of the author.
    pub author_email: String,
    /// When the commit was authored, with its original offset.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ts::option::serialize",
        deserialize_with = "ts::option::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "DateTime<FixedOffset>"))]
    pub authored_date: Option<DateTime<FixedOffset>>,
    /// Name of the committer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "String"))]
    pub committer_name: Option<String>,
    /// Email of the committer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "String"))]
    pub committer_email: Option<String>,
    /// When the commit was committed, with its original offset.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ts::option::serialize",
        deserialize_with = "ts::option::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "DateTime<FixedOffset>"))]
    pub committed_date: Option<DateTime<FixedOffset>>,
    /// Git trailers of the message (`Signed-off-by: …`), the last value per key; `{}` when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "BTreeMap<String, String>"))]
    pub trailers: Option<BTreeMap<String, String>>,
    /// Git trailers of the message with every value per key; `{}` when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(
        feature = "json-schema",
        schemars(with = "BTreeMap<String, Vec<String>>")
    )]
    pub extended_trailers: Option<BTreeMap<String, Vec<String>>>,
    /// The commit's page in GitLab, `https://<host>/<namespace>/<project>/-/commit/<sha>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "String"))]
    pub web_url: Option<String>,
}

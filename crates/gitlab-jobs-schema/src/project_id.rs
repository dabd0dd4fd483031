//! How a request names a project: by ID or by full path.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A project, named by its numeric ID or its full path (`group/subgroup/project`).
///
/// In a URL GitLab wants the path URL-encoded (`group%2Fsubgroup%2Fproject`). Hold the raw path
/// here and let the client encode it once: an already encoded path would be encoded twice.
/// GitLab reads a value made only of digits as an ID, and so does `From<&str>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ProjectId {
    /// The project's numeric ID.
    Id(i64),
    /// The project's full path, not URL-encoded.
    Path(String),
}

impl fmt::Display for ProjectId {
    /// The ID, or the raw (not encoded) path.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProjectId::Id(id) => write!(f, "{id}"),
            ProjectId::Path(path) => f.write_str(path),
        }
    }
}

impl From<i64> for ProjectId {
    fn from(id: i64) -> Self {
        ProjectId::Id(id)
    }
}

impl From<&str> for ProjectId {
    fn from(value: &str) -> Self {
        match value.parse::<i64>() {
            Ok(id) if value.bytes().all(|b| b.is_ascii_digit()) => ProjectId::Id(id),
            _ => ProjectId::Path(value.to_owned()),
        }
    }
}

impl From<String> for ProjectId {
    fn from(value: String) -> Self {
        match ProjectId::from(value.as_str()) {
            ProjectId::Id(id) => ProjectId::Id(id),
            ProjectId::Path(_) => ProjectId::Path(value),
        }
    }
}

impl From<&String> for ProjectId {
    fn from(value: &String) -> Self {
        ProjectId::from(value.as_str())
    }
}

impl FromStr for ProjectId {
    type Err = std::convert::Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(ProjectId::from(value))
    }
}

/// What the contract says of a project reference: a string, which is what every language
/// puts in a URL path. An integer-or-string `oneOf` made wrapper types in Go and `Any` in
/// Python; the Rust client keeps this enum.
#[cfg(feature = "json-schema")]
const DESCRIPTION: &str = "ID or full path of a project, such as `42` or \
    `group/subgroup/project`; GitLab reads a value of digits only as an ID. Give a generated \
    client the path as it is: it encodes path parameters. A URL written by hand has it \
    encoded, `group%2Fsubgroup%2Fproject`.";

#[cfg(feature = "json-schema")]
impl schemars::JsonSchema for ProjectId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ProjectId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": DESCRIPTION,
            "type": "string",
            "minLength": 1,
            "examples": ["1"],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_an_id_and_anything_else_a_path() {
        assert_eq!(ProjectId::from("42"), ProjectId::Id(42));
        assert_eq!(ProjectId::from("+42"), ProjectId::Path("+42".into()));
        assert_eq!(
            ProjectId::from("group/sub/project"),
            ProjectId::Path("group/sub/project".into())
        );
        assert_eq!(ProjectId::from(7).to_string(), "7");
        assert_eq!(ProjectId::from("a/b").to_string(), "a/b");
    }
}

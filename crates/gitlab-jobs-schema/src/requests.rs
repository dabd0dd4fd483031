//! Request bodies of the job actions.

use serde::{Deserialize, Serialize};

/// Body of the play operation: variables for this run of a manual job.
///
/// Every key is optional: an empty body (`{}`) plays the job with the variables it already has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = crate::examples::play_job_request())
)]
pub struct PlayJobRequest {
    /// Variables to set for this run of the job (GitLab 14.9 and later). Left out when empty;
    /// GitLab reads `null` as none.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::wire::null_as_empty"
    )]
    #[cfg_attr(
        feature = "json-schema",
        schemars(with = "Option<Vec<JobVariableAttributes>>")
    )]
    pub job_variables_attributes: Vec<JobVariableAttributes>,
}

/// A variable to set when playing a manual job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = crate::examples::job_variable_attributes())
)]
pub struct JobVariableAttributes {
    /// Name of the variable; GitLab answers 400 when it is missing.
    pub key: String,
    /// Value of the variable; GitLab answers 400 when it is missing.
    pub value: String,
}

impl JobVariableAttributes {
    /// A variable named `key` with `value`.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// Body of the cancel operation.
///
/// Every key is optional: an empty body (`{}`) asks for a normal cancellation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = crate::examples::cancel_job_request())
)]
pub struct CancelJobRequest {
    /// Stop a job that is already `canceling` at once, without waiting for its `after_script`.
    /// Needs the Maintainer role. GitLab reads `null` as `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_bodies_are_empty_objects_never_null() {
        assert_eq!(
            serde_json::to_string(&PlayJobRequest::default()).unwrap(),
            "{}"
        );
        assert_eq!(
            serde_json::to_string(&CancelJobRequest::default()).unwrap(),
            "{}"
        );
    }

    #[test]
    fn null_reads_as_nothing_given() {
        let play: PlayJobRequest =
            serde_json::from_str(r#"{"job_variables_attributes":null}"#).unwrap();
        assert_eq!(play, PlayJobRequest::default());
        let cancel: CancelJobRequest = serde_json::from_str(r#"{"force":null}"#).unwrap();
        assert_eq!(cancel, CancelJobRequest::default());
    }

    #[test]
    fn play_variables_are_sent_as_gitlab_documents_them() {
        let body = PlayJobRequest {
            job_variables_attributes: vec![JobVariableAttributes::new("TEST_VAR_1", "test1")],
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"job_variables_attributes":[{"key":"TEST_VAR_1","value":"test1"}]}"#
        );
    }
}

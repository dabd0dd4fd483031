//! Request bodies of the job actions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Body of the play operation: variables for this run of a manual job.
///
/// Every key is optional: an empty body (`{}`) plays the job with the variables it already has.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = crate::examples::play_job_request())
)]
pub struct PlayJobRequest {
    /// Variables to set for this run of the job. Since GitLab 14.9. Left out when empty; GitLab
    /// reads `null` as none.
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
    /// Values of the job's `spec:inputs` for this run, by input name. Since GitLab 19.3. Left out
    /// when empty; GitLab reads `null` as none.
    // Evidence: GitLab's "CI/CD job inputs" documentation and client-go 2.59.0 (2026-08-25),
    // whose `PlayJobOptions.JobInputs` is sent as `job_inputs`.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::wire::null_as_empty"
    )]
    #[cfg_attr(
        feature = "json-schema",
        schemars(with = "Option<BTreeMap<String, JobInputValue>>")
    )]
    pub job_inputs: BTreeMap<String, JobInputValue>,
}

/// The value of a job input: a string, a number, a boolean or an array, as the input's `type`
/// in the job's `spec:inputs` says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum JobInputValue {
    // `type: string`, the default.
    String(String),
    // `type: number`.
    Number(serde_json::Number),
    // `type: boolean`.
    Boolean(bool),
    // `type: array`: any JSON values.
    Array(Vec<serde_json::Value>),
}

/// The schema is `anyOf` four named components, one per type, not four inline schemas:
/// openapi-generator cannot name an inline branch of `anyOf` and warns (the open enums are
/// built the same way for the same reason).
#[cfg(feature = "json-schema")]
impl schemars::JsonSchema for JobInputValue {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "JobInputValue".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        const ARRAY_ITEM: &str = "JobInputArrayItem";
        let path = generator.settings().definitions_path.to_string();
        let branches = [
            (
                "JobInputString",
                serde_json::json!({"type": "string", "description": "An input of `type: string`, the default.", "examples": ["staging"]}),
            ),
            (
                "JobInputNumber",
                serde_json::json!({"type": "number", "description": "An input of `type: number`.", "examples": [3]}),
            ),
            (
                "JobInputBoolean",
                serde_json::json!({"type": "boolean", "description": "An input of `type: boolean`.", "examples": [false]}),
            ),
            (
                "JobInputArray",
                serde_json::json!({
                    "type": "array",
                    "items": {"$ref": format!("#{path}/{ARRAY_ITEM}")},
                    "description": "An input of `type: array`.",
                    "examples": [["eu-west", "us-east"]],
                }),
            ),
        ];
        // A named schema for "any value": openapi-generator cannot name `items: {}`.
        generator.definitions_mut().insert(
            ARRAY_ITEM.into(),
            serde_json::json!({
                "description": "An item of an array input: any JSON value.",
                "examples": ["eu-west"],
            }),
        );
        let mut refs = Vec::new();
        for (name, schema) in branches {
            generator.definitions_mut().insert(name.into(), schema);
            refs.push(serde_json::json!({"$ref": format!("#{path}/{name}")}));
        }
        schemars::json_schema!({
            "description": "The value of a job input: a string, a number, a boolean or an array, as the input's `type`\nin the job's `spec:inputs` says.",
            "anyOf": refs,
            "examples": ["staging"],
        })
    }
}

impl From<&str> for JobInputValue {
    fn from(value: &str) -> Self {
        JobInputValue::String(value.to_owned())
    }
}

impl From<String> for JobInputValue {
    fn from(value: String) -> Self {
        JobInputValue::String(value)
    }
}

impl From<bool> for JobInputValue {
    fn from(value: bool) -> Self {
        JobInputValue::Boolean(value)
    }
}

impl From<i64> for JobInputValue {
    fn from(value: i64) -> Self {
        JobInputValue::Number(value.into())
    }
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
    /// Whether the job sees the value itself (`env_var`, the default) or the path of a file
    /// holding it (`file`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variable_type: Option<VariableType>,
}

/// How a job sees a variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = &"file")
)]
#[serde(rename_all = "snake_case")]
pub enum VariableType {
    // The value, in an environment variable.
    EnvVar,
    // The path of a file that holds the value, in the environment variable.
    File,
}

impl JobVariableAttributes {
    /// A variable named `key` with `value`.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            value: value.into(),
            variable_type: None,
        }
    }
}

/// Body of the retry operation.
///
/// Every key is optional: an empty body (`{}`) retries the job as it ran.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = crate::examples::retry_job_request())
)]
pub struct RetryJobRequest {
    /// Values of the job's `spec:inputs` for the new run, by input name. Only where the
    /// `ci_job_inputs` feature flag is on: elsewhere GitLab answers 403 "The inputs parameter
    /// is not available" when the key is sent. Left out when empty.
    // Evidence: `lib/api/ci/jobs.rb` (`optional :inputs, type: Hash`, behind `ci_job_inputs`).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::wire::null_as_empty"
    )]
    #[cfg_attr(
        feature = "json-schema",
        schemars(with = "Option<BTreeMap<String, JobInputValue>>")
    )]
    pub inputs: BTreeMap<String, JobInputValue>,
}

/// Body of the cancel operation.
///
/// Every key is optional: an empty body (`{}`) asks for a normal cancellation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
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

/// GitLab (Grape) reads an action's body that is not an object as no parameters: these bodies
/// read `null` as the empty body, as their schemas say, and are written as derived.
macro_rules! null_is_empty {
    ($($body:ident),+) => {$(
        impl Serialize for $body {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                // The derived (`remote = "Self"`) serialization.
                $body::serialize(self, serializer)
            }
        }

        impl<'de> Deserialize<'de> for $body {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Given($body);
                impl<'de> Deserialize<'de> for Given {
                    fn deserialize<D: serde::Deserializer<'de>>(
                        deserializer: D,
                    ) -> Result<Self, D::Error> {
                        $body::deserialize(deserializer).map(Given)
                    }
                }
                Option::<Given>::deserialize(deserializer)
                    .map(|given| given.map_or_else($body::default, |given| given.0))
            }
        }
    )+};
}

null_is_empty!(PlayJobRequest, RetryJobRequest, CancelJobRequest);

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

    /// A body of `null` is no body, as GitLab reads it; any other value that is not an object
    /// is still refused.
    #[test]
    fn a_null_body_is_the_empty_body() {
        assert_eq!(
            serde_json::from_str::<PlayJobRequest>("null").unwrap(),
            PlayJobRequest::default()
        );
        assert_eq!(
            serde_json::from_str::<RetryJobRequest>(" null ").unwrap(),
            RetryJobRequest::default()
        );
        assert_eq!(
            serde_json::from_str::<CancelJobRequest>("null").unwrap(),
            CancelJobRequest::default()
        );
        let cancel: CancelJobRequest = serde_json::from_str(r#"{"force":true}"#).unwrap();
        assert_eq!(cancel.force, Some(true));
        for other in ["1", "\"force\"", "true"] {
            assert!(
                serde_json::from_str::<CancelJobRequest>(other).is_err(),
                "{other}"
            );
        }
    }

    #[test]
    fn play_variables_are_sent_as_gitlab_documents_them() {
        let body = PlayJobRequest {
            job_variables_attributes: vec![JobVariableAttributes::new("TEST_VAR_1", "test1")],
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"job_variables_attributes":[{"key":"TEST_VAR_1","value":"test1"}]}"#
        );
    }

    #[test]
    fn inputs_keep_their_json_types_and_variables_their_type() {
        let mut variable = JobVariableAttributes::new("KUBECONFIG", "apiVersion: v1");
        variable.variable_type = Some(VariableType::File);
        let body = PlayJobRequest {
            job_variables_attributes: vec![variable],
            job_inputs: BTreeMap::from([
                ("deploy_to".to_owned(), "staging".into()),
                ("dry_run".to_owned(), false.into()),
                ("replicas".to_owned(), 3.into()),
                (
                    "regions".to_owned(),
                    JobInputValue::Array(vec!["eu".into(), 2.5.into()]),
                ),
            ]),
        };
        let text = serde_json::to_string(&body).unwrap();
        assert_eq!(
            text,
            r#"{"job_variables_attributes":[{"key":"KUBECONFIG","value":"apiVersion: v1","variable_type":"file"}],"job_inputs":{"deploy_to":"staging","dry_run":false,"regions":["eu",2.5],"replicas":3}}"#
        );
        let read: PlayJobRequest = serde_json::from_str(&text).unwrap();
        assert_eq!(read, body);
        let retry = RetryJobRequest {
            inputs: BTreeMap::from([("deploy_to".to_owned(), "production".into())]),
        };
        assert_eq!(
            serde_json::to_string(&retry).unwrap(),
            r#"{"inputs":{"deploy_to":"production"}}"#
        );
        assert_eq!(
            serde_json::to_string(&RetryJobRequest::default()).unwrap(),
            "{}"
        );
        // An object is not an input value GitLab accepts.
        assert!(serde_json::from_str::<RetryJobRequest>(r#"{"inputs":{"a":{"b":1}}}"#).is_err());
    }
}

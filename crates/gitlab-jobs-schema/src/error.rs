//! The bodies GitLab answers errors with.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::wire::SometimesSent;

/// An error body from GitLab. Which shape comes back depends on where the error was raised, not
/// on the status:
///
/// - [`MessageBody`], `{"message": "404 Project Not Found"}`: most errors (`not_found!`,
///   `forbidden!`, `bad_request!`, conflicts);
/// - [`RateLimitBody`], `{"message": {"error": "..."}}`: a rate limit (429);
/// - [`ErrorBody`], `{"error": "..."}`: a rejected parameter (400), a refused pagination (405),
///   or a bad or insufficient OAuth token, which adds `error_description` and `scope`;
/// - a plain-text body, [`ApiError::Text`], from what answers before the API does: the
///   instance's throttles (429 `Retry later`) and the check for malformed strings (400 `Bad
///   Request`). The client reads such a body as a JSON string.
///
/// A JSON body of any other shape is kept as [`ApiError::Other`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ApiError {
    /// `{"message": "<status> <reason>"}`.
    Message(MessageBody),
    /// `{"message": {"error": "<reason>"}}`, for a rate limit.
    RateLimited(RateLimitBody),
    /// `{"error": "<reason>"}`, with `error_description` and `scope` for OAuth errors.
    Error(ErrorBody),
    /// A plain-text body, such as `Retry later` or `Bad Request`, as sent.
    Text(String),
    /// A JSON body of a shape GitLab is not known to send, kept as sent.
    Other(serde_json::Value),
}

impl ApiError {
    /// The human-readable reason GitLab gave, if the body has one.
    pub fn reason(&self) -> Option<&str> {
        match self {
            ApiError::Message(body) => Some(&body.message),
            ApiError::RateLimited(body) => Some(&body.message.error),
            ApiError::Error(body) => Some(body.error_description.as_deref().unwrap_or(&body.error)),
            ApiError::Text(text) => Some(first_line(text)),
            ApiError::Other(_) => None,
        }
    }
}

/// The first line of `text`, trimmed and cut to at most 200 bytes: a plain-text error body is
/// one line from GitLab, and an error message never holds a whole page from anything else.
fn first_line(text: &str) -> &str {
    let line = text.trim().lines().next().unwrap_or("").trim();
    let mut end = line.len().min(200);
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    &line[..end]
}

impl fmt::Display for ApiError {
    /// The reason GitLab gave, or `unrecognized error body` for an unknown shape; never the
    /// whole body.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason().unwrap_or("unrecognized error body"))
    }
}

impl<'de> Deserialize<'de> for ApiError {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        if let serde_json::Value::String(text) = value {
            return Ok(ApiError::Text(text));
        }
        // The shapes exclude each other by key and type, so the order only matters for bodies
        // GitLab does not send, which end up in `Other`.
        if let Ok(body) = MessageBody::deserialize(&value) {
            return Ok(ApiError::Message(body));
        }
        if let Ok(body) = RateLimitBody::deserialize(&value) {
            return Ok(ApiError::RateLimited(body));
        }
        if let Ok(body) = ErrorBody::deserialize(&value) {
            return Ok(ApiError::Error(body));
        }
        Ok(ApiError::Other(value))
    }
}

#[cfg(feature = "json-schema")]
impl schemars::JsonSchema for ApiError {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ApiError".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        // The rate-limit body first: generators that try each alternative in turn without
        // checking types (openapi-python-client) would read its `message` object as a
        // `MessageBody`'s string.
        schemars::json_schema!({
            "description": "An error body from GitLab. The shape depends on where the error was \
                            raised: `{\"message\": string}` for most errors, \
                            `{\"message\": {\"error\": string}}` for a rate limit, and \
                            `{\"error\": string}` for a rejected parameter, a refused \
                            pagination or a bad OAuth token.",
            "oneOf": [
                generator.subschema_for::<RateLimitBody>(),
                generator.subschema_for::<MessageBody>(),
                generator.subschema_for::<ErrorBody>(),
            ],
        })
    }
}

/// The most common error body: the status and a reason, such as `404 Project Not Found`,
/// `404 Not found`, `403 Forbidden - Job is not retryable` or `400 Bad request - Unplayable Job`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema), schemars(example = serde_json::json!({"message": "404 Project Not Found"})))]
pub struct MessageBody {
    /// The status and the reason.
    pub message: String,
}

/// The body of a 429 from GitLab's application rate limits: `message` is an object here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema), schemars(example = serde_json::json!({
    "message": {"error": "This endpoint has been requested too many times. Try again later."}
})))]
pub struct RateLimitBody {
    /// What was limited.
    pub message: RateLimitMessage,
}

/// The reason inside a rate-limit body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema), schemars(example = serde_json::json!({
    "error": "This endpoint has been requested too many times. Try again later."
})))]
pub struct RateLimitMessage {
    /// The reason, such as `This endpoint has been requested too many times. Try again later.`
    pub error: String,
}

/// An error body keyed `error`: a rejected parameter (`scope does not have a valid value`), a
/// refused pagination (`Keyset pagination is not yet available for this type of request`), or
/// an OAuth error (`invalid_token`, `insufficient_scope`) with a description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema), schemars(example = serde_json::json!({
    "error": "insufficient_scope",
    "error_description": "The request requires higher privileges than provided by the access token.",
    "scope": "api"
})))]
pub struct ErrorBody {
    /// The reason, or the OAuth error code.
    pub error: String,
    /// What went wrong with the token; OAuth errors only.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub error_description: SometimesSent<String>,
    /// The token scope the request needs, such as `api`; `insufficient_scope` errors only.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub scope: SometimesSent<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> ApiError {
        serde_json::from_str(json).expect("any JSON parses")
    }

    #[test]
    fn each_gitlab_shape_parses_into_its_variant() {
        assert!(matches!(
            parse(r#"{"message":"404 Project Not Found"}"#),
            ApiError::Message(MessageBody { message }) if message == "404 Project Not Found"
        ));
        let limited = parse(
            r#"{"message":{"error":"This endpoint has been requested too many times. Try again later."}}"#,
        );
        assert!(matches!(limited, ApiError::RateLimited(_)));
        assert_eq!(
            limited.to_string(),
            "This endpoint has been requested too many times. Try again later."
        );
        let scope = parse(
            r#"{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api"}"#,
        );
        assert!(
            matches!(&scope, ApiError::Error(ErrorBody { scope, .. }) if scope.as_deref() == Some("api"))
        );
        assert_eq!(
            parse(r#"{"error":"scope does not have a valid value"}"#).reason(),
            Some("scope does not have a valid value")
        );
    }

    #[test]
    fn a_plain_text_body_is_its_own_reason() {
        let throttled = parse(r#""Retry later\n""#);
        assert_eq!(throttled, ApiError::Text("Retry later\n".into()));
        assert_eq!(throttled.to_string(), "Retry later");
        assert_eq!(
            serde_json::to_string(&throttled).unwrap(),
            r#""Retry later\n""#
        );
        let long = ApiError::Text(format!("  {}\nsecond line", "é".repeat(150)));
        assert_eq!(long.reason().map(str::len), Some(200));
        assert_eq!(ApiError::Text(String::new()).reason(), Some(""));
    }

    #[test]
    fn an_unknown_shape_is_kept_and_not_printed() {
        let other = parse(r#"{"errors":["something","else"]}"#);
        assert!(matches!(other, ApiError::Other(_)));
        assert_eq!(other.to_string(), "unrecognized error body");
        assert_eq!(
            serde_json::to_string(&other).unwrap(),
            r#"{"errors":["something","else"]}"#
        );
    }
}

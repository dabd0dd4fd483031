//! What stands in front of GitLab's API and answers before it does, in the order a request
//! meets it: the proxy's limit on bodies (NGINX's `client_max_body_size`, 250 MiB in the Linux
//! package), `Gitlab::Middleware::JsonValidation`, and
//! `Gitlab::Middleware::HandleMalformedStrings`.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::Value;

use crate::errors::Failure;

/// NGINX's `client_max_body_size` in GitLab's Linux package.
pub const MAX_BODY: usize = 250 << 20;

/// `Gitlab::Middleware::JsonValidation`'s default limits.
const MAX_DEPTH: usize = 32;
const MAX_ARRAY_SIZE: usize = 50_000;
const MAX_HASH_SIZE: usize = 50_000;
const MAX_TOTAL_ELEMENTS: usize = 100_000;

/// Runs around every request, before the routes.
pub async fn guard(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY as u64) {
        return Failure::body_too_large().into_response();
    }
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(err) if err.downcast_ref::<LengthLimitError>().is_some() => {
            return Failure::body_too_large().into_response();
        }
        // The client went away while sending: nobody reads the answer.
        Err(_) => return Failure::malformed().into_response(),
    };
    if let Err(failure) = check(parts.uri.path(), parts.uri.query(), &parts.headers, &body) {
        return failure.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(body))).await
}

/// GitLab's answer to a request it refuses before the API sees it, if it does.
fn check(
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<(), Failure> {
    let media_type = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| {
            value
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let json =
        media_type == "application/json" || (media_type.is_empty() && path.starts_with("/api/"));
    let parsed = if json && !body.is_empty() {
        Some(validate_json(body).map_err(Failure::invalid_json)?)
    } else {
        None
    };
    let malformed = malformed_path(path)
        || malformed_credentials(headers)
        || malformed_params(query.unwrap_or("").as_bytes())
        || (media_type == "application/x-www-form-urlencoded" && malformed_params(body))
        || parsed
            .as_ref()
            .is_some_and(|value| has_malformed_value(value, 0));
    if malformed {
        return Err(Failure::malformed());
    }
    Ok(())
}

/// The body as JSON, or the message `Gitlab::Json::StreamValidator` shows for why not.
fn validate_json(body: &[u8]) -> Result<Value, &'static str> {
    if nesting(body) > MAX_DEPTH {
        return Err("Parameters nested too deeply");
    }
    let value: Value = serde_json::from_slice(body).map_err(|_| "Invalid JSON format")?;
    let mut total = 0;
    sizes(&value, &mut total)?;
    Ok(value)
}

/// The deepest nesting of arrays and objects in `body`, outside strings, whether or not the
/// rest is valid JSON: the streaming validator meets the depth before anything after it.
fn nesting(body: &[u8]) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0, false, false);
    for &byte in body {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Counts elements as the validator does: a key and its value are two, an array item one.
fn sizes(value: &Value, total: &mut usize) -> Result<(), &'static str> {
    let mut count = |n: usize| {
        *total += n;
        if *total >= MAX_TOTAL_ELEMENTS {
            Err("Too many total parameters")
        } else {
            Ok(())
        }
    };
    match value {
        Value::Array(items) => {
            if items.len() > MAX_ARRAY_SIZE {
                return Err("Array parameter too large");
            }
            count(items.len())?;
            items.iter().try_for_each(|item| sizes(item, total))
        }
        Value::Object(entries) => {
            if entries.len() > MAX_HASH_SIZE {
                return Err("Hash parameter too large");
            }
            count(entries.len() * 2)?;
            entries.values().try_for_each(|item| sizes(item, total))
        }
        _ => Ok(()),
    }
}

/// A string with a null byte, or bytes that are not UTF-8.
fn malformed_bytes(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_err() || bytes.contains(&0)
}

/// The path, percent-decoded, as `Rack::Utils.unescape` reads it.
fn malformed_path(path: &str) -> bool {
    let decoded: Vec<u8> = percent_encoding::percent_decode_str(path).collect();
    malformed_bytes(&decoded)
}

/// The credentials of `Authorization`: decoded for Basic, as sent otherwise.
fn malformed_credentials(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return false;
    };
    let bytes = value.as_bytes();
    match bytes.strip_prefix(b"Basic ") {
        Some(encoded) => base64::engine::general_purpose::STANDARD
            .decode(encoded.trim_ascii())
            .is_ok_and(|decoded| malformed_bytes(&decoded)),
        None => malformed_bytes(bytes),
    }
}

/// Keys and values of `key=value&...` (a query or a form), decoded as Rack decodes them.
fn malformed_params(raw: &[u8]) -> bool {
    raw.split(|&byte| byte == b'&').any(|pair| {
        pair.split(|&byte| byte == b'=').any(|part| {
            let plus_as_space: Vec<u8> = part
                .iter()
                .map(|&byte| if byte == b'+' { b' ' } else { byte })
                .collect();
            let decoded: Vec<u8> = percent_encoding::percent_decode(&plus_as_space).collect();
            malformed_bytes(&decoded)
        })
    })
}

/// A string with a null byte in a JSON body's parameters, looked for three levels deep as
/// `param_has_null_byte?` does (the body is valid UTF-8 by then).
fn has_malformed_value(value: &Value, depth: usize) -> bool {
    if depth > 3 {
        return false;
    }
    match value {
        Value::String(text) => text.contains('\0'),
        Value::Array(items) => items
            .iter()
            .any(|item| has_malformed_value(item, depth + 1)),
        Value::Object(entries) => entries
            .values()
            .any(|item| has_malformed_value(item, depth + 1)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_bodies_are_refused_as_gitlab_refuses_them() {
        let deep = format!("{}{}", "[".repeat(33), "]".repeat(33));
        let just_deep_enough = format!("{}{}", "[".repeat(32), "]".repeat(32));
        let wide = format!("[{}0]", "0,".repeat(MAX_ARRAY_SIZE));
        let many: Vec<String> = (0..40_000).map(|i| format!("[{i},{i}]")).collect();
        let many = format!("[{}]", many.join(","));
        for (body, expected) in [
            (r#"{"force": true}"#.to_owned(), Ok(())),
            ("{not json".to_owned(), Err("Invalid JSON format")),
            (deep.clone(), Err("Parameters nested too deeply")),
            (
                format!("{deep}garbage"),
                Err("Parameters nested too deeply"),
            ),
            (
                r#"["[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["]"#.to_owned(),
                Ok(()),
            ),
            (just_deep_enough, Ok(())),
            (wide, Err("Array parameter too large")),
            (many, Err("Too many total parameters")),
        ] {
            assert_eq!(
                validate_json(body.as_bytes()).map(drop),
                expected,
                "{body:.40}"
            );
        }
    }

    #[test]
    fn malformed_strings_are_found_where_gitlab_looks() {
        assert!(malformed_path("/api/v4/projects/%E0/jobs"));
        assert!(malformed_path("/api/v4/projects/%FF/jobs"));
        assert!(malformed_path("/api/v4/projects/a%00b/jobs"));
        assert!(!malformed_path("/api/v4/projects/acme%2Fwebsite/jobs"));
        assert!(!malformed_path("/api/v4/projects/%C3%A9/jobs"));
        assert!(malformed_params(b"scope[]=%FF"));
        assert!(malformed_params(b"ref=a%00"));
        assert!(malformed_params(b"%C0=1"));
        assert!(!malformed_params(b"ref=caf%C3%A9&scope[]=failed"));
        let value = serde_json::json!({"job_variables_attributes": [{"key": "a\u{0}"}]});
        assert!(has_malformed_value(&value, 0));
        let value = serde_json::json!({"a": [[[["\u{0}"]]]]});
        assert!(!has_malformed_value(&value, 0), "deeper than GitLab looks");
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, "Basic dXNlcjpwYXNzAA==".parse().unwrap());
        assert!(malformed_credentials(&headers), "user:pass\\0");
        headers.insert(AUTHORIZATION, "Bearer glpat-fine".parse().unwrap());
        assert!(!malformed_credentials(&headers));
        headers.insert(
            AUTHORIZATION,
            axum::http::HeaderValue::from_bytes(b"Bearer \xff").unwrap(),
        );
        assert!(malformed_credentials(&headers));
    }
}

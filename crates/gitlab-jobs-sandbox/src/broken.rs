//! `--break-contract`: answers that part from the contract in each way a checker of it should
//! report (`gitlab-jobs verify`): a key missing, a null, a wrong type, an undocumented status,
//! a media type, a header's value or its absence; and, allowed but unknown, a key and a header.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The answer to `request`, broken where its route is one of those above.
pub async fn answer(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let route: Vec<&str> = path
        .strip_prefix("/api/v4/")
        .unwrap_or_default()
        .split('/')
        .collect();
    if let ["projects", _, "pipelines", _, "bridges"] = route[..] {
        let body = serde_json::json!({"message": "410 Gone"});
        return (StatusCode::GONE, axum::Json(body)).into_response();
    }
    let response = next.run(request).await;
    let (mut parts, body) = response.into_parts();
    parts
        .headers
        .insert("x-sandbox-broken", HeaderValue::from_static("yes"));
    if !parts.status.is_success() {
        return Response::from_parts(parts, body);
    }
    match route[..] {
        ["projects", _, "jobs", _, "trace"] => {
            parts
                .headers
                .insert("content-type", HeaderValue::from_static("text/html"));
            parts.headers.remove("content-range");
        }
        ["projects", _, "jobs"] => {
            parts
                .headers
                .insert("x-per-page", HeaderValue::from_static("lots"));
        }
        ["projects", _, "jobs", id] if id.bytes().all(|byte| byte.is_ascii_digit()) => {
            let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            };
            let Ok(mut job) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
                return Response::from_parts(parts, Body::from(bytes));
            };
            if let Some(job) = job.as_object_mut() {
                job.remove("stage");
                job.insert("name".into(), serde_json::Value::Null);
                job.insert("allow_failure".into(), "no".into());
                job.insert("sandbox_future_key".into(), true.into());
            }
            parts.headers.remove("content-length");
            let body = serde_json::to_vec(&job).expect("JSON");
            return Response::from_parts(parts, Body::from(body));
        }
        _ => {}
    }
    Response::from_parts(parts, body)
}

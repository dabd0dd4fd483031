//! How the API's answers are written: JSON bodies, and pages of models.

use axum::Json;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// `body` as JSON with `status` and `headers`.
pub(crate) fn json<T: serde::Serialize>(
    status: StatusCode,
    body: &T,
    headers: HeaderMap,
) -> Response {
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().extend(headers);
    response
}

/// A page of models as JSON, written after the store is unlocked into a buffer sized for
/// it (a job renders to about 2.7 KiB), so that it grows at most once.
pub(crate) fn json_page<T: serde::Serialize>(items: &[T], headers: HeaderMap) -> Response {
    let mut buffer = Vec::with_capacity(items.len() * 3 * 1024 + 2);
    match serde_json::to_writer(&mut buffer, items) {
        Ok(()) => {
            let mut response = (
                StatusCode::OK,
                [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
                buffer,
            )
                .into_response();
            response.headers_mut().extend(headers);
            response
        }
        // Not for models, whose every value serializes; but never a panic.
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

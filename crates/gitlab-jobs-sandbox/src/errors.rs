//! The errors GitLab answers with, in its bodies (`gitlab_jobs_schema::ApiError`).

use axum::Json;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use gitlab_jobs_schema::{ApiError, ErrorBody, MessageBody, RateLimitBody, RateLimitMessage};

/// An error answer: a status, a GitLab error body and any extra headers.
#[derive(Debug)]
pub struct Failure {
    status: StatusCode,
    body: ApiError,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl Failure {
    fn message(status: StatusCode, message: impl Into<String>) -> Self {
        Failure {
            status,
            body: ApiError::Message(MessageBody {
                message: message.into(),
            }),
            headers: Vec::new(),
        }
    }

    fn error(status: StatusCode, error: impl Into<String>) -> Self {
        Failure {
            status,
            body: ApiError::Error(ErrorBody {
                error: error.into(),
                error_description: None,
                scope: None,
            }),
            headers: Vec::new(),
        }
    }

    /// No credentials where they are needed, or credentials GitLab does not know.
    pub fn unauthorized() -> Self {
        Self::message(StatusCode::UNAUTHORIZED, "401 Unauthorized")
    }

    /// A token whose scope does not allow the request, such as `read_api` for a POST.
    pub fn insufficient_scope() -> Self {
        Failure {
            status: StatusCode::FORBIDDEN,
            body: ApiError::Error(ErrorBody {
                error: "insufficient_scope".into(),
                error_description: Some(
                    "The request requires higher privileges than provided by the access token."
                        .into(),
                ),
                scope: Some("api".into()),
            }),
            headers: vec![(
                HeaderName::from_static("www-authenticate"),
                HeaderValue::from_static(
                    "Bearer realm=\"\", error=\"insufficient_scope\", error_description=\"The request requires higher privileges than provided by the access token.\", scope=\"api\"",
                ),
            )],
        }
    }

    /// `forbidden!` with or without a reason.
    pub fn forbidden(reason: Option<&str>) -> Self {
        match reason {
            Some(reason) => {
                Self::message(StatusCode::FORBIDDEN, format!("403 Forbidden - {reason}"))
            }
            None => Self::message(StatusCode::FORBIDDEN, "403 Forbidden"),
        }
    }

    /// `bad_request!(reason)`.
    pub fn bad_request(reason: &str) -> Self {
        Self::message(
            StatusCode::BAD_REQUEST,
            format!("400 Bad request - {reason}"),
        )
    }

    /// The project does not exist or the caller may not see it.
    pub fn project_not_found() -> Self {
        Self::message(StatusCode::NOT_FOUND, "404 Project Not Found")
    }

    /// A job or pipeline `find` that found nothing.
    pub fn not_found() -> Self {
        Self::message(StatusCode::NOT_FOUND, "404 Not found")
    }

    /// `GET /job` without a job token.
    pub fn job_not_found() -> Self {
        Self::message(StatusCode::NOT_FOUND, "404 Job Not Found")
    }

    /// A parameter Grape could not coerce to its type.
    pub fn invalid(param: &str) -> Self {
        Self::error(StatusCode::BAD_REQUEST, format!("{param} is invalid"))
    }

    /// A parameter outside its allowed values.
    pub fn invalid_value(param: &str) -> Self {
        Self::error(
            StatusCode::BAD_REQUEST,
            format!("{param} does not have a valid value"),
        )
    }

    /// A required parameter that is absent.
    pub fn missing(param: &str) -> Self {
        Self::error(StatusCode::BAD_REQUEST, format!("{param} is missing"))
    }

    /// Keyset pagination with an ordering the list does not support.
    pub fn keyset_unsupported() -> Self {
        Self::error(
            StatusCode::METHOD_NOT_ALLOWED,
            "Keyset pagination is not yet available for this type of request",
        )
    }

    /// An API route that does not exist.
    pub fn no_route() -> Self {
        Self::error(StatusCode::NOT_FOUND, "404 Not Found")
    }

    /// A method the route does not have.
    pub fn method_not_allowed() -> Self {
        Self::error(StatusCode::METHOD_NOT_ALLOWED, "405 Method Not Allowed")
    }

    /// An application rate limit; `retry_after` seconds until the window ends, which ends at
    /// `reset` (Unix seconds).
    pub fn rate_limited(limit: u32, retry_after: u64, reset: i64) -> Self {
        let value = |text: String| HeaderValue::from_str(&text).expect("a header value");
        let reset_time = chrono::DateTime::from_timestamp(reset, 0)
            .unwrap_or_default()
            .format("%a, %d %b %Y %H:%M:%S GMT")
            .to_string();
        Failure {
            status: StatusCode::TOO_MANY_REQUESTS,
            body: ApiError::RateLimited(RateLimitBody {
                message: RateLimitMessage {
                    error: "This endpoint has been requested too many times. Try again later."
                        .into(),
                },
            }),
            headers: vec![
                (
                    HeaderName::from_static("retry-after"),
                    value(retry_after.to_string()),
                ),
                (
                    HeaderName::from_static("ratelimit-name"),
                    HeaderValue::from_static("jobs_index"),
                ),
                (
                    HeaderName::from_static("ratelimit-limit"),
                    value(limit.to_string()),
                ),
                (
                    HeaderName::from_static("ratelimit-observed"),
                    value((limit + 1).to_string()),
                ),
                (
                    HeaderName::from_static("ratelimit-remaining"),
                    HeaderValue::from_static("0"),
                ),
                (
                    HeaderName::from_static("ratelimit-reset"),
                    value(reset.to_string()),
                ),
                (
                    HeaderName::from_static("ratelimit-resettime"),
                    value(reset_time),
                ),
            ],
        }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        for (name, value) in self.headers {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

//! The errors GitLab answers with: the API's JSON bodies (`gitlab_jobs_schema::ApiError`), and
//! the plain text or HTML of what stands in front of it.

use axum::Json;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use gitlab_jobs_schema::{ApiError, ErrorBody, MessageBody, RateLimitBody, RateLimitMessage};

/// An error answer: a status, a body and any extra headers.
#[derive(Debug)]
pub struct Failure {
    status: StatusCode,
    body: Body,
    headers: Vec<(HeaderName, HeaderValue)>,
}

#[derive(Debug)]
enum Body {
    /// One of GitLab's JSON error bodies.
    Json(ApiError),
    /// Text of a content type, from a middleware or the proxy in front of GitLab.
    Text(&'static str, String),
}

impl Failure {
    fn message(status: StatusCode, message: impl Into<String>) -> Self {
        Failure {
            status,
            body: Body::Json(ApiError::Message(MessageBody {
                message: message.into(),
            })),
            headers: Vec::new(),
        }
    }

    fn error(status: StatusCode, error: impl Into<String>) -> Self {
        Failure {
            status,
            body: Body::Json(ApiError::Error(ErrorBody {
                error: error.into(),
                error_description: Default::default(),
                scope: Default::default(),
            })),
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
            body: Body::Json(ApiError::Error(ErrorBody {
                error: "insufficient_scope".into(),
                error_description: String::from(
                    "The request requires higher privileges than provided by the access token.",
                )
                .into(),
                scope: String::from("api").into(),
            })),
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

    /// `not_found!(resource)`: `404 <resource> Not Found`, or `404 Not Found` without one.
    pub fn resource_not_found(resource: Option<&str>) -> Self {
        match resource {
            Some(resource) => {
                Self::message(StatusCode::NOT_FOUND, format!("404 {resource} Not Found"))
            }
            None => Self::message(StatusCode::NOT_FOUND, "404 Not Found"),
        }
    }

    /// `bad_request!` without a reason.
    pub fn bare_bad_request() -> Self {
        Self::message(StatusCode::BAD_REQUEST, "400 Bad request")
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

    /// An application rate limit (`check_rate_limit!`, and GitLab 19.5's limits on retry and
    /// play): a JSON body whose `message` is an object, and `Retry-After` with the limit's
    /// whole interval, not the rest of it (`too_many_requests!(retry_after: interval)`, since
    /// merge request 206603), and none of the throttles' `RateLimit-*` headers.
    pub fn rate_limited(interval: std::time::Duration) -> Self {
        let seconds = interval.as_secs().max(1);
        Failure {
            status: StatusCode::TOO_MANY_REQUESTS,
            body: Body::Json(ApiError::RateLimited(RateLimitBody {
                message: RateLimitMessage {
                    error: "This endpoint has been requested too many times. Try again later."
                        .into(),
                },
            })),
            headers: vec![(
                HeaderName::from_static("retry-after"),
                HeaderValue::from(seconds),
            )],
        }
    }

    /// An instance throttle (Rack::Attack) that counted `observed` requests against `limit`
    /// in a period of `period` seconds, now being `now` (Unix seconds): GitLab's plain-text
    /// answer and `Gitlab::RackAttack.throttled_response_headers`.
    pub fn throttled(name: &'static str, limit: u64, observed: u64, period: i64, now: i64) -> Self {
        let value = |text: String| HeaderValue::from_str(&text).expect("a header value");
        let retry_after = period - now.rem_euclid(period);
        let reset = now + retry_after;
        let reset_time = httpdate::fmt_http_date(
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(reset.max(0) as u64),
        );
        let per_minute = (limit * 60).div_ceil(period.max(1) as u64);
        Failure {
            status: StatusCode::TOO_MANY_REQUESTS,
            body: Body::Text("text/plain", "Retry later\n".into()),
            headers: [
                ("ratelimit-name", value(name.to_owned())),
                ("ratelimit-limit", value(per_minute.to_string())),
                ("ratelimit-observed", value(observed.to_string())),
                (
                    "ratelimit-remaining",
                    value(limit.saturating_sub(observed).to_string()),
                ),
                ("ratelimit-reset", value(reset.to_string())),
                ("ratelimit-resettime", value(reset_time)),
                ("retry-after", value(retry_after.to_string())),
            ]
            .into_iter()
            .map(|(name, value)| (HeaderName::from_static(name), value))
            .collect(),
        }
    }

    /// `Gitlab::Middleware::HandleMalformedStrings`: a null byte or invalid UTF-8 in the path,
    /// the parameters or the credentials.
    pub fn malformed() -> Self {
        Failure {
            status: StatusCode::BAD_REQUEST,
            body: Body::Text("text/plain", "Bad Request".into()),
            headers: Vec::new(),
        }
    }

    /// `Gitlab::Middleware::JsonValidation`: a JSON body it cannot read or that is past one of
    /// its limits, with the message it shows for that.
    pub fn invalid_json(message: &str) -> Self {
        Self::error(StatusCode::BAD_REQUEST, message)
    }

    /// The proxy in front of GitLab (NGINX in the Linux package) refusing a body larger than
    /// `client_max_body_size`.
    pub fn body_too_large() -> Self {
        Failure {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            body: Body::Text(
                "text/html",
                "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n\
                 <center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n\
                 </body>\r\n</html>\r\n"
                    .into(),
            ),
            headers: Vec::new(),
        }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut response = match self.body {
            Body::Json(body) => (self.status, Json(body)).into_response(),
            Body::Text(content_type, text) => (
                self.status,
                [(CONTENT_TYPE, HeaderValue::from_static(content_type))],
                text,
            )
                .into_response(),
        };
        for (name, value) in self.headers {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

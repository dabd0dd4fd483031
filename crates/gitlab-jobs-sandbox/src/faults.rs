//! Misbehaviour on request: latency, server errors, rate limits and dropped connections.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::App;
use crate::errors::Failure;

/// What the dice said for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Served,
    ServerError(u16),
    RateLimited,
    Dropped,
}

/// Runs around every API request.
pub async fn inject(State(app): State<App>, request: Request, next: Next) -> Response {
    let faults = &app.config.faults;
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    let fate = {
        let mut rng = app
            .rng
            .lock()
            .expect("the fault generator is never poisoned");
        let roll = rng.f64();
        if roll < faults.server_errors {
            Fate::ServerError([500, 502, 503][rng.usize(..3)])
        } else if roll < faults.server_errors + faults.rate_limited {
            Fate::RateLimited
        } else if roll < faults.server_errors + faults.rate_limited + faults.dropped {
            Fate::Dropped
        } else {
            Fate::Served
        }
    };
    match fate {
        Fate::Served => next.run(request).await,
        Fate::ServerError(500) => {
            let body = serde_json::json!({"message": "500 Internal Server Error"});
            (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response()
        }
        Fate::ServerError(status) => {
            // What the proxy in front of GitLab answers when the application is away.
            let status = StatusCode::from_u16(status).expect("a status");
            let page = format!("<html><body><h1>{status}</h1></body></html>\n");
            let mut response = (status, page).into_response();
            response
                .headers_mut()
                .insert("content-type", HeaderValue::from_static("text/html"));
            response
        }
        Fate::RateLimited => {
            // An instance throttle (Rack::Attack) allowing 10 requests a second, as if this
            // was the eleventh: plain text and RateLimit headers, on any route.
            let authenticated = ["private-token", "job-token", "authorization"]
                .iter()
                .any(|name| request.headers().contains_key(*name))
                || request.uri().query().is_some_and(|query| {
                    query.contains("private_token=") || query.contains("job_token=")
                });
            let name = if authenticated {
                "throttle_authenticated_api"
            } else {
                "throttle_unauthenticated_api"
            };
            Failure::throttled(name, 10, 11, 1, chrono::Utc::now().timestamp()).into_response()
        }
        Fate::Dropped => {
            // The request is handled, so its effect happens; the answer never arrives.
            let response = next.run(request).await;
            let (parts, _) = response.into_parts();
            let broken = futures_util::stream::once(async {
                Err::<bytes::Bytes, _>(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "dropped by the sandbox",
                ))
            });
            Response::from_parts(parts, Body::from_stream(broken))
        }
    }
}

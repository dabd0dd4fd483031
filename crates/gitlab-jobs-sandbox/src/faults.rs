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

/// Runs around every API request. With latency, the answer leaves `latency` after the
/// request arrived, however long handling it took (up to that), as a network's round trip
/// would add: a 20 ms setting costs 20 ms, not 20 ms plus the handling.
pub async fn inject(State(app): State<App>, request: Request, next: Next) -> Response {
    let deadline = std::time::Instant::now() + app.config.faults.latency;
    let response = decide(&app, request, next).await;
    if !app.config.faults.latency.is_zero() {
        wait_until(deadline).await;
    }
    response
}

/// Sleeps until `deadline`, to within a few hundredths of a millisecond: tokio's timer, which
/// wakes on whole milliseconds and late, for all but the last two, then yielding to other
/// tasks until the time has come.
async fn wait_until(deadline: std::time::Instant) {
    let coarse = deadline.checked_sub(std::time::Duration::from_millis(2));
    if let Some(coarse) = coarse.filter(|coarse| *coarse > std::time::Instant::now()) {
        tokio::time::sleep_until(coarse.into()).await;
    }
    while std::time::Instant::now() < deadline {
        tokio::task::yield_now().await;
    }
}

/// The request's fate, and the answer it gets.
async fn decide(app: &App, request: Request, next: Next) -> Response {
    let faults = &app.config.faults;
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
        Fate::Served if faults.break_contract => crate::broken::answer(request, next).await,
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

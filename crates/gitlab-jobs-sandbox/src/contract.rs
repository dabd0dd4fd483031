//! The contract the sandbox serves, beside the API: `/openapi.yaml` and `/openapi.json` (the
//! published OpenAPI 3.1 document), and `/docs`, the reference page `cargo xtask docs` builds,
//! so that a developer who starts the sandbox has the documentation of what it serves.

use std::sync::Arc;

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse};
use axum::routing::get;

/// `openapi/openapi.yaml` as published, built into the sandbox.
pub const CONTRACT_YAML: &str = include_str!("../../../openapi/openapi.yaml");

/// What `/docs` answers when no reference page was built.
const NO_PAGE: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>GitLab Jobs API sandbox</title></head><body>\
<h1>GitLab Jobs API sandbox</h1>\
<p>The reference page is not built. Run <code>cargo xtask docs</code> (it needs Node.js and npm), \
then start the sandbox again, or pass <code>--docs &lt;file&gt;</code>.</p>\
<p>The contract itself: <a href=\"/openapi.yaml\">/openapi.yaml</a>, \
<a href=\"/openapi.json\">/openapi.json</a>.</p></body></html>\n";

/// The routes of the contract and its page; `page` is the reference page's HTML, if built.
pub fn router<S: Clone + Send + Sync + 'static>(page: Option<String>) -> Router<S> {
    let json = yaml_serde::from_str::<serde_json::Value>(CONTRACT_YAML)
        .map(|value| value.to_string())
        .expect("the published contract is YAML");
    let page: Arc<str> = page.unwrap_or_else(|| NO_PAGE.to_owned()).into();
    Router::new()
        .route(
            "/openapi.yaml",
            get(|| async {
                (
                    [(CONTENT_TYPE, HeaderValue::from_static("application/yaml"))],
                    CONTRACT_YAML,
                )
            }),
        )
        .route(
            "/openapi.json",
            get(move || {
                let json = json.clone();
                async move {
                    (
                        StatusCode::OK,
                        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
                        json,
                    )
                        .into_response()
                }
            }),
        )
        .route(
            "/docs",
            get(move || {
                let page = page.clone();
                async move { Html(page.to_string()) }
            }),
        )
}

//! Helpers shared by the client tests.

use std::path::Path;

use gitlab_jobs_client::{Auth, Client, RetryPolicy};
use httpmock::{MockServer, When};
use serde_json::Value;

pub const TOKEN: &str = "glpat-test-token";

/// A documented example, from the contract tests' fixtures.
pub fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/examples")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("reading {}: {err}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// The committed OpenAPI 3.1 document.
pub fn contract() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.yaml");
    yaml_serde::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A client with a private token for `server`, whose root stands for `/api/v4`. These tests
/// check single exchanges, so the client does not retry.
pub fn client(server: &MockServer) -> Client {
    client_with(server, Auth::private_token(TOKEN).unwrap())
}

pub fn client_with(server: &MockServer, auth: Auth) -> Client {
    Client::with_auth(&server.base_url(), auth)
        .unwrap()
        .with_retry_policy(RetryPolicy::none())
}

/// What every request of a private-token client carries, and what none carries.
pub fn authenticated(when: When) -> When {
    when.header("private-token", TOKEN)
        .header_missing("job-token")
        .header_missing("authorization")
        .header_missing("api-version")
}

/// Matches a request whose query string is exactly `query`, in order, as sent on the wire.
pub fn raw_query(when: When, query: &'static str) -> When {
    when.is_true(move |request| request.uri().query().unwrap_or("") == query)
}

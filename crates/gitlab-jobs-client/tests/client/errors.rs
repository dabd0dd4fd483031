//! Every error status the contract documents comes back as a typed `ApiError`.

use gitlab_jobs_client::models::ApiError;
use gitlab_jobs_client::{Client, Error};
use httpmock::prelude::*;
use serde_json::Value;

use super::support::{client, contract};

/// Calls `operation_id` with made-up arguments and returns how it failed.
async fn call(client: &Client, operation_id: &str) -> Result<(), Error<ApiError>> {
    match operation_id {
        "list_project_jobs" => client.list_project_jobs().id(1).send().await.map(drop),
        "list_pipeline_jobs" => client
            .list_pipeline_jobs()
            .id(1)
            .pipeline_id(2)
            .send()
            .await
            .map(drop),
        "list_pipeline_bridges" => client
            .list_pipeline_bridges()
            .id(1)
            .pipeline_id(2)
            .send()
            .await
            .map(drop),
        "get_job_by_token" => client.get_job_by_token().send().await.map(drop),
        "get_allowed_agents" => client.get_allowed_agents().send().await.map(drop),
        "get_job" => client.get_job().id(1).job_id(2).send().await.map(drop),
        "get_job_log" => client.get_job_log().id(1).job_id(2).send().await.map(drop),
        "cancel_job" => client.cancel_job().id(1).job_id(2).send().await.map(drop),
        "retry_job" => client.retry_job().id(1).job_id(2).send().await.map(drop),
        "erase_job" => client.erase_job().id(1).job_id(2).send().await.map(drop),
        "play_job" => client.play_job().id(1).job_id(2).send().await.map(drop),
        other => panic!("the contract has an operation {other} this test does not call"),
    }
}

#[tokio::test]
async fn every_documented_error_status_parses_into_api_error() {
    let contract = contract();
    let server = MockServer::start_async().await;
    let gitlab = client(&server);
    let mut checked = 0;
    for (_, item) in contract["paths"].as_object().unwrap() {
        for (_, operation) in item.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap();
            for (status, response) in operation["responses"].as_object().unwrap() {
                if !status.starts_with('4') {
                    continue;
                }
                let body: Value = response["content"]["application/json"]["example"].clone();
                let code: u16 = status.parse().unwrap();
                let mock = server.mock(|_, then| {
                    then.status(code)
                        .header("content-type", "application/json")
                        .json_body(body.clone());
                });
                let err = call(&gitlab, id).await.expect_err("an error status");
                mock.delete_async().await;
                let Error::ErrorResponse(response) = err else {
                    panic!("{id} {status}: not a typed error response: {err}");
                };
                assert_eq!(response.status().as_u16(), code, "{id}");
                let expected: ApiError = serde_json::from_value(body).unwrap();
                assert!(
                    !matches!(expected, ApiError::Other(_)),
                    "{id} {status}: the example is no GitLab shape"
                );
                assert_eq!(response.into_inner(), expected, "{id} {status}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 40, "only {checked} error responses checked");
}

#[tokio::test]
async fn an_undocumented_status_is_an_unexpected_response_not_a_panic() {
    let server = MockServer::start_async().await;
    server.mock(|_, then| {
        then.status(502)
            .header("content-type", "text/html")
            .body("<html>Bad Gateway</html>");
    });
    let err = call(&client(&server), "get_job").await.unwrap_err();
    assert!(
        matches!(&err, Error::UnexpectedResponse(response) if response.status() == 502),
        "{err}"
    );
}

#[tokio::test]
async fn errors_never_print_the_token() {
    let server = MockServer::start_async().await;
    server.mock(|_, then| {
        then.status(401)
            .header("content-type", "application/json")
            .json_body(serde_json::json!({"message": "401 Unauthorized"}));
    });
    let err = call(&client(&server), "get_job").await.unwrap_err();
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(super::support::TOKEN), "{text}");
    }
}

//! Every error status the contract documents comes back as a typed `ApiError`.

use gitlab_jobs_client::models::ApiError;
use gitlab_jobs_client::{Client, Error};
use httpmock::prelude::*;

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
        "list_pipeline_trigger_jobs" => client
            .list_pipeline_trigger_jobs()
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
        "download_job_artifacts" => client
            .download_job_artifacts()
            .id(1)
            .job_id(2)
            .send()
            .await
            .map(drop),
        "download_ref_artifacts" => client
            .download_ref_artifacts()
            .id(1)
            .ref_name("main")
            .job("build")
            .send()
            .await
            .map(drop),
        "list_job_artifact_entries" => client
            .list_job_artifact_entries()
            .id(1)
            .job_id(2)
            .send()
            .await
            .map(drop),
        "get_job_artifact_file" => client
            .get_job_artifact_file()
            .id(1)
            .job_id(2)
            .artifact_path("a/b.txt")
            .send()
            .await
            .map(drop),
        "get_ref_artifact_file" => client
            .get_ref_artifact_file()
            .id(1)
            .ref_name("main")
            .job("build")
            .artifact_path("a/b.txt")
            .send()
            .await
            .map(drop),
        "head_job_artifacts" => client
            .head_job_artifacts()
            .id(1)
            .job_id(2)
            .send()
            .await
            .map(drop),
        "head_ref_artifacts" => client
            .head_ref_artifacts()
            .id(1)
            .ref_name("main")
            .job("build")
            .send()
            .await
            .map(drop),
        "keep_job_artifacts" => client
            .keep_job_artifacts()
            .id(1)
            .job_id(2)
            .send()
            .await
            .map(drop),
        "delete_job_artifacts" => client
            .delete_job_artifacts()
            .id(1)
            .job_id(2)
            .send()
            .await
            .map(drop),
        "delete_project_artifacts" => client
            .delete_project_artifacts()
            .id(1)
            .send()
            .await
            .map(drop),
        other => panic!("the contract has an operation {other} this test does not call"),
    }
}

/// Every error status of every operation, with each body the contract documents for it: a
/// JSON body parses into its `ApiError` shape, a plain-text one into `ApiError::Text`.
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
                let response = match response["$ref"].as_str() {
                    Some(reference) => {
                        let name = reference.rsplit('/').next().unwrap();
                        &contract["components"]["responses"][name]
                    }
                    None => response,
                };
                let code: u16 = status.parse().unwrap();
                // An error without a body (any answer to HEAD) reads as an empty text.
                let bodyless = serde_json::json!({"": {"example": ""}});
                let contents = response["content"].as_object().or(bodyless.as_object());
                for (media_type, content) in contents.unwrap() {
                    let example = content["example"].clone();
                    let (body, expected) = match media_type.as_str() {
                        "" => (Vec::new(), ApiError::Text(String::new())),
                        "application/json" => (
                            serde_json::to_vec(&example).unwrap(),
                            serde_json::from_value::<ApiError>(example).unwrap(),
                        ),
                        "text/plain" => {
                            let text = example.as_str().unwrap().to_owned();
                            (text.clone().into_bytes(), ApiError::Text(text))
                        }
                        other => panic!("{id} {status}: a body of type {other}"),
                    };
                    assert!(
                        !matches!(expected, ApiError::Other(_)),
                        "{id} {status}: the example is no GitLab shape"
                    );
                    let mock = server.mock(|_, then| {
                        let then = then.status(code);
                        if !media_type.is_empty() {
                            then.header("content-type", media_type.as_str()).body(body);
                        }
                    });
                    let err = call(&gitlab, id).await.expect_err("an error status");
                    mock.delete_async().await;
                    let Error::ErrorResponse(response) = err else {
                        panic!("{id} {status} {media_type}: not a typed error response: {err}");
                    };
                    assert_eq!(response.status().as_u16(), code, "{id}");
                    assert_eq!(
                        response.into_inner(),
                        expected,
                        "{id} {status} {media_type}"
                    );
                    checked += 1;
                }
            }
        }
    }
    // 11 operations with 400 (JSON and text), 401, 404 and 429 (JSON and text) at least.
    assert!(checked >= 11 * 6, "only {checked} error responses checked");
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

//! Helpers shared by the sandbox tests.

use gitlab_jobs_client::models::{ApiError, JobStatus};
use gitlab_jobs_client::{Auth, Client, Error, RetryPolicy};
use gitlab_jobs_sandbox::store::Job;
use gitlab_jobs_sandbox::{Config, Sandbox};

/// A sandbox with the default data set and no rate limit.
pub async fn sandbox() -> Sandbox {
    sandbox_with(Config {
        jobs_rate_limit: 0,
        ..Config::default()
    })
    .await
}

pub async fn sandbox_with(config: Config) -> Sandbox {
    Sandbox::start(config).await.expect("the sandbox starts")
}

/// A client of `token`'s user. These tests check the sandbox's answers, so it does not retry.
pub fn client(sandbox: &Sandbox, token: &str) -> Client {
    Client::with_private_token(sandbox.url(), token)
        .unwrap()
        .with_retry_policy(RetryPolicy::none())
}

pub fn root(sandbox: &Sandbox) -> Client {
    client(sandbox, &sandbox.config().tokens.root)
}

pub fn job_token_client(sandbox: &Sandbox) -> Client {
    Client::with_auth(sandbox.url(), Auth::job_token(sandbox.job_token()).unwrap())
        .unwrap()
        .with_retry_policy(RetryPolicy::none())
}

/// The status and GitLab body of a failed call.
pub fn refused<T: std::fmt::Debug>(result: Result<T, Error<ApiError>>) -> (u16, ApiError) {
    match result {
        Err(Error::ErrorResponse(response)) => (response.status().as_u16(), response.into_inner()),
        other => panic!("expected a GitLab error answer, got {other:?}"),
    }
}

/// The `message` of a `{"message": ...}` body.
pub fn message(error: &ApiError) -> &str {
    match error {
        ApiError::Message(body) => &body.message,
        other => panic!("expected a message body, got {other:?}"),
    }
}

/// The first job of `project` that `predicate` picks, newest first.
pub fn find_job(sandbox: &Sandbox, project: i64, predicate: impl Fn(&Job) -> bool) -> Job {
    sandbox.with_store(|store| {
        store
            .jobs
            .values()
            .rev()
            .find(|job| job.project_id == project && predicate(job))
            .cloned()
            .expect("the seeded data has such a job")
    })
}

pub fn is_build_with(status: JobStatus) -> impl Fn(&Job) -> bool {
    move |job| job.is_build() && job.status == status && !job.archived
}

//! Who may see and do what, and GitLab's answers to everyone else.

use gitlab_jobs_client::models::{ApiError, JobStatus};
use gitlab_jobs_client::{Auth, Client};
use gitlab_jobs_sandbox::data::projects;

use super::support::{
    client, find_job, is_build_with, job_token_client, message, refused, sandbox,
};

#[tokio::test]
async fn unknown_and_missing_credentials_are_401() {
    let sandbox = sandbox().await;
    let stranger = client(&sandbox, "glpat-nobody-has-this");
    let (status, body) = refused(stranger.list_project_jobs().id(1).send().await);
    assert_eq!((status, message(&body)), (401, "401 Unauthorized"));
    let anonymous = Client::with_auth(sandbox.url(), Auth::anonymous()).unwrap();
    let (status, _) = refused(anonymous.list_project_jobs().id(2).send().await);
    assert_eq!(
        status, 401,
        "the project job list needs credentials even for a public project"
    );
    let (status, _) = refused(anonymous.get_job_by_token().send().await);
    assert_eq!(status, 401);
}

#[tokio::test]
async fn anonymous_reads_public_pipeline_jobs_only() {
    let sandbox = sandbox().await;
    let anonymous = Client::with_auth(sandbox.url(), Auth::anonymous()).unwrap();
    let public = find_job(&sandbox, projects::WEBSITE, |job| job.is_build());
    let jobs = anonymous
        .list_pipeline_jobs()
        .id("acme/website")
        .pipeline_id(public.pipeline_id)
        .send()
        .await
        .unwrap();
    assert!(!jobs.is_empty());
    let private = find_job(&sandbox, projects::API, |job| job.is_build());
    let (status, body) = refused(
        anonymous
            .list_pipeline_jobs()
            .id(1)
            .pipeline_id(private.pipeline_id)
            .send()
            .await,
    );
    assert_eq!((status, message(&body)), (404, "404 Project Not Found"));
}

#[tokio::test]
async fn non_members_get_404_and_weak_roles_403() {
    let sandbox = sandbox().await;
    let tokens = sandbox.config().tokens.clone();
    let reporter = client(&sandbox, &tokens.reporter);
    let (status, body) = refused(
        reporter
            .list_project_jobs()
            .id("devon/scratch")
            .send()
            .await,
    );
    assert_eq!(
        (status, message(&body)),
        (404, "404 Project Not Found"),
        "not a member of a private project"
    );
    let guest = client(&sandbox, &tokens.guest);
    let (status, body) = refused(guest.list_project_jobs().id(1).send().await);
    assert_eq!(
        (status, message(&body)),
        (403, "403 Forbidden"),
        "a guest sees the project, not its jobs"
    );
    let pending = find_job(&sandbox, projects::API, is_build_with(JobStatus::Pending));
    let (status, _) = refused(reporter.cancel_job().id(1).job_id(pending.id).send().await);
    assert_eq!(status, 403, "a Reporter may not cancel");
    let still = sandbox.with_store(|store| store.jobs[&pending.id].status.clone());
    assert_eq!(still, JobStatus::Pending);
}

#[tokio::test]
async fn read_api_tokens_may_read_but_not_act() {
    let sandbox = sandbox().await;
    let read_only = client(&sandbox, &sandbox.config().tokens.read_only);
    assert!(
        !read_only
            .list_project_jobs()
            .id(1)
            .send()
            .await
            .unwrap()
            .is_empty()
    );
    let pending = find_job(&sandbox, projects::API, is_build_with(JobStatus::Pending));
    let (status, body) = refused(read_only.cancel_job().id(1).job_id(pending.id).send().await);
    assert_eq!(status, 403);
    assert!(
        matches!(&body, ApiError::Error(error) if error.error == "insufficient_scope" && error.scope.as_deref() == Some("api"))
    );
}

#[tokio::test]
async fn job_tokens_work_only_where_gitlab_takes_them() {
    let sandbox = sandbox().await;
    let by_token = job_token_client(&sandbox);
    let job = by_token.get_job_by_token().send().await.unwrap();
    let (status, _) = refused(by_token.get_job().id(1).job_id(job.id).send().await);
    assert_eq!(status, 401, "the single-job route does not take job tokens");
    let (status, _) = refused(
        by_token
            .list_project_jobs()
            .id("devon/scratch")
            .send()
            .await,
    );
    assert_eq!(status, 404, "a job token reaches its own project only");
    // A job token of a job that no longer runs is refused.
    let root = client(&sandbox, &sandbox.config().tokens.root);
    root.cancel_job().id(1).job_id(job.id).send().await.unwrap();
    let (status, _) = refused(by_token.get_job_by_token().send().await);
    assert_eq!(status, 401);
}

#[tokio::test]
async fn oauth_tokens_authenticate_as_bearer() {
    let sandbox = sandbox().await;
    let oauth = Client::with_oauth_token(sandbox.url(), &sandbox.config().tokens.oauth).unwrap();
    assert!(
        !oauth
            .list_project_jobs()
            .id(1)
            .send()
            .await
            .unwrap()
            .is_empty()
    );
}

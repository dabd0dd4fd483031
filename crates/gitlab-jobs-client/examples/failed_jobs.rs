//! Lists every failed job of a project and retries those that failed for a runner's reasons.
//!
//! `GITLAB_URL=https://gitlab.example.com GITLAB_TOKEN=glpat-... \
//!     cargo run -p gitlab-jobs-client --example failed_jobs -- group/project`

use gitlab_jobs_client::models::{FailureReason, JobScope};
use gitlab_jobs_client::{Call, Client, TryStreamExt};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // GitLab's address, as the gitlab-jobs command takes it: the API is under /api/v4.
    let url = std::env::var("GITLAB_URL")?;
    let api = format!(
        "{}/api/v4",
        url.trim_end_matches('/').trim_end_matches("/api/v4")
    );
    let token = std::env::var("GITLAB_TOKEN")?;
    let project = std::env::args()
        .nth(1)
        .ok_or("usage: failed_jobs <project path or id>")?;

    let gitlab = Client::with_private_token(&api, token)?;
    // Every failed job, page after page: a raw path such as group/project is encoded by the
    // client. The stream asks for the next page while this loop works on the last one.
    let mut failed = gitlab
        .project_jobs(project.as_str())
        .scope([JobScope::Failed])
        .stream();
    let mut count = 0;
    while let Some(job) = failed.try_next().await? {
        count += 1;
        // An unknown reason from a newer GitLab arrives as FailureReason::Other, never an error.
        let reason = job
            .failure_reason
            .into_option()
            .unwrap_or(FailureReason::UnknownFailure);
        println!("#{} {} failed: {reason}", job.id, job.name);
        if matches!(
            reason,
            FailureReason::RunnerSystemFailure | FailureReason::StuckOrTimeoutFailure
        ) {
            let retry = gitlab.retry_job().id(project.as_str()).job_id(job.id);
            match retry.call().await {
                Ok(new) => println!("  retried as #{}", new.id),
                // GitLab's refusal, such as 403 "Job is not retryable": say it and go on.
                Err(refused) if refused.body().is_some() => println!("  not retried: {refused}"),
                Err(other) => return Err(other.into()),
            }
        }
    }
    println!("{count} failed jobs");
    Ok(())
}

//! Lists the failed jobs of a project and retries those that failed for a runner's reasons.
//!
//! `GITLAB_URL=https://gitlab.example.com/api/v4 GITLAB_TOKEN=glpat-... \
//!     cargo run -p gitlab-jobs-client --example failed_jobs -- group/project`

use gitlab_jobs_client::models::{ApiError, FailureReason, JobScope};
use gitlab_jobs_client::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("GITLAB_URL")?;
    let token = std::env::var("GITLAB_TOKEN")?;
    let project = std::env::args()
        .nth(1)
        .ok_or("usage: failed_jobs <project path or id>")?;

    let gitlab = Client::with_private_token(&url, token)?;
    let failed = gitlab
        .list_project_jobs()
        .id(project.as_str()) // a raw path such as group/project: the client encodes it
        .scope(vec![JobScope::Failed])
        .per_page(100u64)
        .send()
        .await?
        .into_inner();

    for job in failed {
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
            match gitlab
                .retry_job()
                .id(project.as_str())
                .job_id(job.id)
                .send()
                .await
            {
                Ok(new) => println!("  retried as #{}", new.id),
                Err(Error::ErrorResponse(answer)) => {
                    let status = answer.status();
                    let body: ApiError = answer.into_inner();
                    println!("  not retried: {status} {body}");
                }
                Err(other) => return Err(other.into()),
            }
        }
    }
    Ok(())
}

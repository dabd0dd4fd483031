//! The operations of the Jobs API, one stub per operation. The function names are the
//! operation IDs, and so the method names of clients generated from the contract.

#![cfg(feature = "openapi")]

use crate::params::{
    ArchiveRange, ArtifactTreeFilter, ArtifactsIfNoneMatch, JobArtifactFilePath, JobPath,
    KeysetPagination, LogReadHeaders, LogWindow, OffsetPagination, PipelineJobsFilter,
    PipelinePath, ProjectJobsFilter, ProjectPath, RefArtifactFilePath, RefArtifactsJob,
    RefArtifactsPath, ScopeFilter,
};
use crate::{
    AllowedAgents, ApiError, ArtifactEntry, Bridge, CancelJobRequest, Job, JobOrBridge,
    PlayJobRequest, RetryJobRequest,
};

/// The tag of the operations on jobs and their logs.
pub const JOBS_TAG: &str = "jobs";

/// The tag of the operations on jobs' artifacts.
pub const ARTIFACTS_TAG: &str = "job_artifacts";

/// An operation on one job of a project, `/projects/{id}/jobs/{job_id}…`: it takes the job's
/// path, answers 401 and 404 alike, and accepts a personal, project or group access token or
/// an OAuth token, but not a CI job token. The operation adds its own responses, and its tag
/// after the path (`in ARTIFACTS_TAG`) when it is not `jobs`.
macro_rules! job_operation {
    (
        $(#[doc = $doc:literal])*
        $method:ident $path:literal $(in $tag:ident)?,
        $(params($($param:ty),+),)?
        $(request_body($($body:tt)*),)?
        responses($($response:tt)*),
        fn $name:ident;
    ) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            $method,
            path = $path,
            tag = job_operation!(@tag $($tag)?),
            params(JobPath $($(, $param)+)?),
            $(request_body($($body)*),)?
            responses(
                $($response)*
                (status = 401, description = "No token, or the token is invalid, expired or revoked.",
                    body = ApiError, example = json!({"message": "401 Unauthorized"})),
                (status = 404, description = "The project or the job does not exist, or the user cannot see it.",
                    body = ApiError, example = json!({"message": "404 Not found"})),
            ),
            security(("private_token" = []), ("bearer" = [])),
        )]
        pub fn $name() {}
    };
    (@tag) => { JOBS_TAG };
    (@tag $tag:ident) => { $tag };
}

/// An operation that answers about the job owning the CI job token it is called with,
/// `/job…`: only a job token works, and any other credential is a 404.
macro_rules! job_token_operation {
    (
        $(#[doc = $doc:literal])*
        $method:ident $path:literal,
        responses($($response:tt)*),
        fn $name:ident;
    ) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            $method,
            path = $path,
            tag = JOBS_TAG,
            responses(
                $($response)*
                (status = 401, description = "No token, an invalid token, or the token of a job that is not running.",
                    body = ApiError, example = json!({"message": "401 Unauthorized"})),
                (status = 404, description = "The request was authenticated with something other than a job token.",
                    body = ApiError, example = json!({"message": "404 Job Not Found"})),
            ),
            security(("job_token" = []), ("job_token_query" = []), ("bearer" = [])),
        )]
        pub fn $name() {}
    };
}

/// List the jobs of a project
///
/// Returns the project's jobs, newest first, optionally filtered by status (`scope[]`) and by
/// the branch or tag of their pipelines (`ref`). Retried jobs are included.
///
/// Offset pagination is the default; keyset pagination (`pagination=keyset`, GitLab 15.9 and
/// later) is recommended for reading many pages. Unlike other lists, this one never sends
/// `X-Total` or `X-Total-Pages`: follow `X-Next-Page` or the `Link` header until it runs out.
/// GitLab rate-limits this endpoint per user (600 requests a minute by default; a 429 with a
/// JSON body).
#[utoipa::path(
    get,
    path = "/projects/{id}/jobs",
    tag = JOBS_TAG,
    params(ProjectPath, ScopeFilter, ProjectJobsFilter, OffsetPagination, KeysetPagination),
    responses(
        (status = 200, description = "A page of the project's jobs, newest first.",
            body = Vec<Job>, headers(
                ("X-Page" = i64, description = "The current page (offset pagination)."),
                ("X-Per-Page" = i64, description = "Items per page."),
                ("X-Next-Page" = String, description = "The next page, or an empty string on the last page (offset pagination)."),
                ("X-Prev-Page" = String, description = "The previous page, or an empty string on the first page (offset pagination)."),
                ("Link" = String, description = "RFC 8288 links to the `prev`, `next` and `first` pages; with keyset pagination, `next` carries the cursor and is absent on the last page."),
            ),
            example = json!(crate::examples::list_project_jobs())),
        (status = 400, description = "A parameter is invalid, such as an unknown `scope[]` value or `per_page=0`.",
            body = ApiError, example = json!({"error": "scope does not have a valid value"})),
        (status = 401, description = "No token, or the token is invalid, expired or revoked.",
            body = ApiError, example = json!({"message": "401 Unauthorized"})),
        (status = 403, description = "The token lacks the scope, or the user the role, to read jobs.",
            body = ApiError, example = json!({"message": "403 Forbidden"})),
        (status = 404, description = "The project does not exist or the user cannot see it.",
            body = ApiError, example = json!({"message": "404 Project Not Found"})),
        (status = 405, description = "Keyset pagination was asked for with an ordering other than `order_by=id&sort=desc`, or an offset past GitLab's limit (50,000 by default, where enforced).",
            body = ApiError, example = json!({"error": "Keyset pagination is not yet available for this type of request"})),
    ),
    security(("private_token" = []), ("bearer" = []), ("job_token" = []), ("job_token_query" = [])),
)]
pub fn list_project_jobs() {}

/// List the jobs of a pipeline
///
/// Returns the jobs of a pipeline, child pipelines included, newest first (GitLab 13.5 and
/// later), optionally filtered by status. Retried jobs are left out unless `include_retried`
/// is set. Trigger jobs are not listed here: see the pipeline's bridges.
///
/// A public project's pipeline jobs can be read without a token. A user who may see the
/// pipeline but not its jobs gets an empty list.
#[utoipa::path(
    get,
    path = "/projects/{id}/pipelines/{pipeline_id}/jobs",
    tag = JOBS_TAG,
    params(PipelinePath, ScopeFilter, PipelineJobsFilter, OffsetPagination),
    responses(
        (status = 200, description = "A page of the pipeline's jobs, newest first.",
            body = Vec<Job>, headers(
                ("X-Page" = i64, description = "The current page."),
                ("X-Per-Page" = i64, description = "Items per page."),
                ("X-Next-Page" = String, description = "The next page, or an empty string on the last page."),
                ("X-Prev-Page" = String, description = "The previous page, or an empty string on the first page."),
                ("X-Total" = i64, description = "The number of jobs; left out when there are more than 10,000."),
                ("X-Total-Pages" = i64, description = "The number of pages; left out when there are more than 10,000 jobs."),
                ("Link" = String, description = "RFC 8288 links to the `prev`, `next`, `first` and `last` pages."),
            ),
            example = json!(crate::examples::list_pipeline_jobs())),
        (status = 400, description = "A parameter is invalid, such as an unknown `scope[]` value.",
            body = ApiError, example = json!({"error": "scope does not have a valid value"})),
        (status = 401, description = "The token is invalid, expired or revoked.",
            body = ApiError, example = json!({"message": "401 Unauthorized"})),
        (status = 403, description = "The token lacks the scope to read the pipeline.",
            body = ApiError, example = json!({"message": "403 Forbidden"})),
        (status = 404, description = "The project or the pipeline does not exist, or the user cannot see it.",
            body = ApiError, example = json!({"message": "404 Not found"})),
    ),
    security(("private_token" = []), ("bearer" = []), ("job_token" = []), ("job_token_query" = []), ()),
)]
pub fn list_pipeline_jobs() {}

/// The two routes that list a pipeline's trigger jobs, which answer alike.
macro_rules! trigger_jobs_operation {
    ($(#[$attr:meta])* get $path:literal, fn $name:ident;) => {
        $(#[$attr])*
        #[utoipa::path(
            get,
            path = $path,
            tag = JOBS_TAG,
            params(PipelinePath, ScopeFilter, OffsetPagination),
            responses(
                (status = 200, description = "A page of the pipeline's trigger jobs, newest first.",
                    body = Vec<Bridge>, headers(
                        ("X-Page" = i64, description = "The current page."),
                        ("X-Per-Page" = i64, description = "Items per page."),
                        ("X-Next-Page" = String, description = "The next page, or an empty string on the last page."),
                        ("X-Prev-Page" = String, description = "The previous page, or an empty string on the first page."),
                        ("X-Total" = i64, description = "The number of trigger jobs; left out when there are more than 10,000."),
                        ("X-Total-Pages" = i64, description = "The number of pages; left out when there are more than 10,000 trigger jobs."),
                        ("Link" = String, description = "RFC 8288 links to the `prev`, `next`, `first` and `last` pages."),
                    ),
                    example = json!(crate::examples::list_pipeline_bridges())),
                (status = 400, description = "A parameter is invalid, such as an unknown `scope[]` value.",
                    body = ApiError, example = json!({"error": "scope does not have a valid value"})),
                (status = 401, description = "No token, or the token is invalid, expired or revoked.",
                    body = ApiError, example = json!({"message": "401 Unauthorized"})),
                (status = 403, description = "The user may not read the project's jobs.",
                    body = ApiError, example = json!({"message": "403 Forbidden"})),
                (status = 404, description = "The project or the pipeline does not exist, or the user cannot see it.",
                    body = ApiError, example = json!({"message": "404 Not found"})),
            ),
            security(("private_token" = []), ("bearer" = []), ()),
        )]
        pub fn $name() {}
    };
}

trigger_jobs_operation! {
    /// List the trigger jobs of a pipeline (deprecated route)
    ///
    /// Returns the pipeline's trigger jobs (bridges), the jobs that start downstream pipelines,
    /// newest first, optionally filtered by status. A public project's trigger jobs can be read
    /// without a token. GitLab 19.2 deprecated this route in favour of `trigger_jobs`
    /// (`list_pipeline_trigger_jobs`), which answers the same; older instances have only this
    /// one.
    #[deprecated = "GitLab 19.2 deprecated the route: use list_pipeline_trigger_jobs on 19.2 and later"]
    get "/projects/{id}/pipelines/{pipeline_id}/bridges",
    fn list_pipeline_bridges;
}

trigger_jobs_operation! {
    /// List the trigger jobs of a pipeline
    ///
    /// Returns the pipeline's trigger jobs (bridges), the jobs that start downstream pipelines,
    /// newest first, optionally filtered by status, as the deprecated `bridges` route does. A
    /// public project's trigger jobs can be read without a token. Since GitLab 19.2.
    // Evidence: client-go merge request 3134 ("add ListPipelineTriggerJobs and deprecate
    // ListPipelineBridges ... introduced in GitLab 19.2") and GitLab's `openapi_v3.yaml` (19.5).
    get "/projects/{id}/pipelines/{pipeline_id}/trigger_jobs",
    fn list_pipeline_trigger_jobs;
}

job_token_operation! {
    /// Get the job of a CI job token
    ///
    /// Returns the running job that owns the CI job token the request is authenticated with.
    /// Only a job token works here: send it as `JOB-TOKEN`, as the `job_token` query parameter,
    /// or as `Authorization: Bearer`, from the job's own script. Since GitLab 13.10.
    get "/job",
    responses(
        (status = 200, description = "The job that owns the token.",
            body = Job, example = json!(crate::examples::get_job_by_token())),
    ),
    fn get_job_by_token;
}

job_token_operation! {
    /// Get the agents a CI job token may use
    ///
    /// Returns the GitLab agents for Kubernetes that the job owning the CI job token is allowed to
    /// use, with the job, pipeline, project and user the access was resolved for. Only a job
    /// token works here, as for the job token's job. Since GitLab 13.11.
    get "/job/allowed_agents",
    responses(
        (status = 200, description = "The allowed agents and the context they were resolved for.",
            body = AllowedAgents, example = json!(crate::examples::get_allowed_agents())),
    ),
    fn get_allowed_agents;
}

job_operation! {
    /// Get a job
    ///
    /// Returns one job of a project. Trigger jobs are not found here: list the pipeline's bridges
    /// instead.
    get "/projects/{id}/jobs/{job_id}",
    responses(
        (status = 200, description = "The job.", body = Job, example = json!(crate::examples::get_job())),
        (status = 400, description = "A parameter is invalid, such as a `job_id` that is not a number.",
            body = ApiError, example = json!({"error": "job_id is invalid"})),
        (status = 403, description = "The user may not read the project's jobs.",
            body = ApiError, example = json!({"message": "403 Forbidden"})),
    ),
    fn get_job;
}

// The ranged answers (206, 304, 416 and their headers): see the evidence beside
// `LogReadHeaders` in params.rs.
job_operation! {
    /// Get a job's log
    ///
    /// Returns the job's log (its trace) as plain text, as far as it has been written; an empty
    /// body when there is none. A running job's log grows between requests, and comes whole.
    /// A finished job's log is archived; where Workhorse serves archived logs (GitLab 19.5
    /// with the feature flag `ci_job_trace_api_archived_log_via_workhorse`, on GitLab.com and
    /// by default in later versions) it honours HTTP range requests: `Range: bytes=<n>-` reads
    /// only what follows the first `n` bytes (206). Elsewhere GitLab ignores `Range` and
    /// answers 200 with the whole log, which is always a valid answer to a range request: a
    /// reader that follows a log asks for what it does not have and, answered 200, skips it.
    /// Some installations answer with a redirect to object storage: follow it without sending
    /// the token along.
    get "/projects/{id}/jobs/{job_id}/trace",
    params(LogReadHeaders, LogWindow),
    responses(
        (status = 200, description = "The whole log, as raw bytes (usually UTF-8 with ANSI color codes).",
            body = String, content_type = "text/plain",
            headers(
                ("Content-Disposition" = String, description = "`infile; filename=\"<job_id>.log\"`."),
                ("Accept-Ranges" = String, description = "`bytes` where the log is archived and `Range` is honoured; absent on a live log and where Rails serves the log. Since GitLab 19.5."),
                ("ETag" = String, description = "The archived log's entity tag, for `If-None-Match`; absent on a live log and where Rails serves the log. Since GitLab 19.5."),
                ("Last-Modified" = String, description = "When the archived log was written; absent on a live log and where Rails serves the log. Since GitLab 19.5."),
            ),
            example = json!("Running with gitlab-runner 16.11.1 (535ced5f)\n  on docker-auto-scale s_89e5e995\n$ bundle exec rubocop\nJob succeeded\n")),
        (status = 206, description = "The part of an archived log that `Range` asked for, where Workhorse serves it. Since GitLab 19.5.",
            body = String, content_type = "text/plain",
            headers(
                ("Content-Range" = String, description = "`bytes <first>-<last>/<length>`: where the part sits in the log, and the log's whole length."),
                ("Content-Disposition" = String, description = "`infile; filename=\"<job_id>.log\"`."),
                ("Accept-Ranges" = String, description = "`bytes`."),
                ("ETag" = String, description = "The archived log's entity tag."),
                ("Last-Modified" = String, description = "When the archived log was written."),
            ),
            example = json!("Job succeeded\n")),
        (status = 304, description = "The archived log still has the `ETag` that `If-None-Match` named; no body. Since GitLab 19.5.",
            headers(("ETag" = String, description = "The archived log's entity tag."))),
        (status = 400, description = "A parameter is invalid, such as a `job_id` that is not a number.",
            body = ApiError, example = json!({"error": "job_id is invalid"})),
        (status = 403, description = "The user may not read the log, such as a guest when debug logging is on.",
            body = ApiError, example = json!({"message": "403 Forbidden"})),
        (status = 416, description = "`Range` starts past the end of an archived log; `Content-Range` gives the log's length, so a follower knows it has everything. Since GitLab 19.5.",
            body = String, content_type = "text/plain",
            headers(("Content-Range" = String, description = "`bytes */<length>`.")),
            example = json!("invalid range: failed to overlap\n")),
    ),
    fn get_job_log;
}

job_operation! {
    /// Cancel a job
    ///
    /// Cancels a job and returns it. A job that cannot be canceled (it already finished, say) is
    /// not an error: it comes back unchanged. A job in `canceling` stops at once with `force`.
    post "/projects/{id}/jobs/{job_id}/cancel",
    request_body(content = CancelJobRequest, description = "Optional; `{}`, `null` or no body cancels normally: GitLab reads a body that is not an object as no parameters."),
    responses(
        (status = 201, description = "The job, canceled or, if it could not be, unchanged.",
            body = Job, example = json!(crate::examples::cancel_job())),
        (status = 400, description = "A parameter is invalid, such as a `job_id` that is not a number.",
            body = ApiError, example = json!({"error": "job_id is invalid"})),
        (status = 403, description = "The user may not cancel the job, or `force` without the Maintainer role.",
            body = ApiError, example = json!({"message": "403 Forbidden"})),
    ),
    fn cancel_job;
}

job_operation! {
    /// Retry a job
    ///
    /// Creates a new job that runs the given one again, and returns the new job (usually
    /// `pending`). The old job is then marked as retried. Trigger jobs can be retried too; GitLab
    /// then renders the new trigger job as a job, without `runner_manager`. GitLab limits how often
    /// a user may retry jobs of one project (a 429 with a JSON body).
    post "/projects/{id}/jobs/{job_id}/retry",
    request_body(content = RetryJobRequest, description = "Optional; `{}`, `null` or no body retries the job as it ran: GitLab reads a body that is not an object as no parameters.",
        example = json!(crate::examples::retry_job_request())),
    responses(
        (status = 201, description = "The new job.", body = Job, example = json!(crate::examples::retry_job())),
        (status = 400, description = "GitLab could not retry the job.",
            body = ApiError, example = json!({"message": "400 Bad request - Job is not retryable"})),
        (status = 403, description = "The job cannot be retried (it is archived, say), the user may not retry it, or `inputs` was sent where the `ci_job_inputs` feature flag is off (`403 Forbidden - The inputs parameter is not available`).",
            body = ApiError, example = json!({"message": "403 Forbidden - Job is not retryable"})),
    ),
    fn retry_job;
}

job_operation! {
    /// Erase a job
    ///
    /// Deletes the job's artifacts and log, and returns the job with `erased_at` set. A Developer
    /// may erase only their own jobs; archived jobs cannot be erased.
    post "/projects/{id}/jobs/{job_id}/erase",
    responses(
        (status = 201, description = "The erased job.", body = Job, example = json!(crate::examples::erase_job())),
        (status = 400, description = "A parameter is invalid, such as a `job_id` that is not a number.",
            body = ApiError, example = json!({"error": "job_id is invalid"})),
        (status = 403, description = "The job cannot be erased (it is not finished or archived, say) or the user may not erase it.",
            body = ApiError, example = json!({"message": "403 Forbidden - Job is not erasable!"})),
        (status = 409, description = "The project's storage statistics are being recalculated; try again later.",
            body = ApiError, example = json!({"message": "Action temporarily disabled. The project this pipeline belongs to is undergoing stats refresh."})),
    ),
    fn erase_job;
}

job_operation! {
    /// Run a manual job
    ///
    /// Starts a job that waits to be started by hand (status `manual`), optionally with variables
    /// for this run (GitLab 14.9 and later), and returns it. The answer is a trigger job when the
    /// manual job is one. GitLab limits how often a user may run jobs of one project (a 429 with a
    /// JSON body).
    post "/projects/{id}/jobs/{job_id}/play",
    request_body(content = PlayJobRequest, description = "Optional; `{}`, `null` or no body plays the job without extra variables or inputs: GitLab reads a body that is not an object as no parameters.",
        example = json!(crate::examples::play_job_request())),
    responses(
        (status = 200, description = "The started job, or trigger job.",
            body = JobOrBridge, example = json!(crate::examples::play_job())),
        (status = 400, description = "The job is not a manual job, or a variable lacks its `key` or `value`.",
            body = ApiError, example = json!({"message": "400 Bad request - Unplayable Job"})),
        (status = 403, description = "The user may not run the job, such as a Reporter, or the job's environment is protected.",
            body = ApiError, example = json!({"message": "403 Forbidden"})),
    ),
    fn play_job;
}

// The Job Artifacts API. Evidence: GitLab's `lib/api/ci/job_artifacts.rb` (routes, parameters,
// statuses, the strong `ETag` of `artifact_etag`), `lib/api/helpers.rb`
// (`present_carrierwave_file!`: 200 from local storage, 302 to a signed URL with direct
// download, 200 through Workhorse otherwise; `accepted!` answers `{"message": "202
// Accepted"}`), `API::Entities::Ci::JobArtifactEntry`, and `doc/api/job_artifacts.md` with
// its translations, which carry the browser (18.8) and `search_recent_successful_pipelines`
// (18.9, general in 18.10).

/// The body of a download: bytes as they are stored, of any media type. In OpenAPI 3.1, a
/// string with `contentMediaType`; in the 3.0.3 rendition, `format: binary`.
#[derive(Debug)]
pub struct Download;

impl utoipa::PartialSchema for Download {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .content_media_type("application/octet-stream")
            .into()
    }
}

impl utoipa::ToSchema for Download {}

/// The answers of a download: the archive (which may be ranged, or in object storage behind a
/// redirect) or one file of it (which GitLab sends itself, whole); then the errors of every
/// artifacts route.
macro_rules! artifact_download {
    (
        $(#[doc = $doc:literal])*
        archive $path:literal,
        params($($param:ty),+),
        not_found = $not_found:literal,
        fn $name:ident;
    ) => {
        artifact_download! {
            @any
            $(#[doc = $doc])*
            $path,
            params($($param),+, ArchiveRange, ArtifactsIfNoneMatch),
            content((inline(Download) = "application/octet-stream")),
            what = "archive",
            not_found = $not_found,
            responses(
                (status = 206, description = "The part of the archive that `Range` asked for.",
                    body = inline(Download), content_type = "application/octet-stream",
                    headers(
                        ("Content-Range" = String, description = "`bytes <first>-<last>/<length>`: where the part sits, and the archive's whole length."),
                        ("ETag" = String, description = "The archive's entity tag."),
                    )),
                (status = 302, description = "The archive is in object storage with direct download on: follow `Location`, a signed URL on another origin that expires after minutes. Send GitLab's credentials only to GitLab, never there (the URL's signature is the credential); once the URL has expired, storage answers 403, and asking GitLab again gives a fresh one.",
                    headers(("Location" = String, description = "The signed URL of the archive in object storage."))),
                (status = 416, description = "`Range` starts past the end; `Content-Range` gives the whole length, so a resumed download knows it has everything. The body is a short text (object storage sends its own XML error).",
                    body = String, content_type = "text/plain",
                    headers(("Content-Range" = String, description = "`bytes */<length>`.")),
                    example = json!("invalid range: failed to overlap\n")),
            ),
            fn $name;
        }
    };
    (
        $(#[doc = $doc:literal])*
        file $path:literal,
        params($($param:ty),+),
        not_found = $not_found:literal,
        fn $name:ident;
    ) => {
        artifact_download! {
            @any
            $(#[doc = $doc])*
            $path,
            params($($param),+, ArtifactsIfNoneMatch),
            // openapi-python-client reads only the first media type it knows, and `*/*` is
            // not one: `application/octet-stream` first gives it bytes.
            content((inline(Download) = "application/octet-stream"), (inline(Download) = "*/*")),
            what = "file",
            not_found = $not_found,
            responses(
                (status = 400, description = "`artifact_path` is not a valid path, such as one with `..`.",
                    body = ApiError, example = json!({"message": "400 Bad request"})),
            ),
            fn $name;
        }
    };
    (
        $(#[doc = $doc:literal])*
        head $path:literal,
        params($($param:ty),+),
        not_found = $not_found:literal,
        fn $name:ident;
    ) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            head,
            path = $path,
            tag = ARTIFACTS_TAG,
            params($($param),+, ArtifactsIfNoneMatch),
            responses(
                (status = 200, description = "The headers a download would have, without the archive: its length, its name and its entity tag.",
                    headers(
                        ("Content-Disposition" = String, description = "`attachment; filename=\"<name>\"`, with the archive's name."),
                        ("Content-Length" = i64, description = "The archive's length in bytes."),
                        ("ETag" = String, description = "The archive's entity tag, as a download's."),
                    )),
                (status = 302, description = "The archive is in object storage with direct download on: `Location` is a signed URL on another origin (on Amazon S3, one signed for `HEAD`). Send GitLab's credentials only to GitLab, never there.",
                    headers(("Location" = String, description = "The signed URL of the archive in object storage."))),
                (status = 304, description = "The `ETag` that `If-None-Match` named still matches. Trust it only for a strong `ETag`.",
                    headers(("ETag" = String, description = "The entity tag."))),
                (status = 400, description = "A parameter is invalid, such as a `job_id` that is not a number or a missing `job`; no body, as for any `HEAD`."),
                (status = 401, description = "No token, an invalid, expired or revoked one, or the CI job token of a job that is not running; no body."),
                (status = 403, description = "The user may not read the project's jobs or this job's artifacts; no body."),
                (status = 404, description = concat!($not_found, " No body.")),
                (status = 429, description = "One of the instance's throttles, or GitLab's limit on the route, refused the request for now; no body. `Retry-After` says when to try again.",
                    headers(("Retry-After" = i64, description = "Seconds to wait before trying again."))),
            ),
            security(("private_token" = []), ("bearer" = []), ("job_token" = []), ("job_token_query" = []), ()),
        )]
        pub fn $name() {}
    };
    (
        @any
        $(#[doc = $doc:literal])*
        $path:literal,
        params($($param:ty),+),
        content($($content:tt)*),
        what = $what:literal,
        not_found = $not_found:literal,
        responses($($response:tt)*),
        fn $name:ident;
    ) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            get,
            path = $path,
            tag = ARTIFACTS_TAG,
            params($($param),+),
            responses(
                (status = 200, description = concat!("The ", $what, ", as bytes."),
                    content($($content)*),
                    headers(
                        ("Content-Disposition" = String, description = "`attachment; filename=\"<name>\"`, with the file's name."),
                        ("Content-Length" = i64, description = "The length in bytes; check it against what arrived, as a connection can end early."),
                        ("ETag" = String, description = "The entity tag, for `If-None-Match`: strong, from the archive's SHA-256, since GitLab 19.1 with the feature flag `workhorse_download_etag_caching`; before, weak and the same for every download."),
                    )),
                (status = 304, description = "The `ETag` that `If-None-Match` named still matches; no body. Trust it only for a strong `ETag`.",
                    headers(("ETag" = String, description = "The entity tag."))),
                $($response)*
                (status = 401, description = "No token, an invalid, expired or revoked one, or the CI job token of a job that is not running.",
                    body = ApiError, example = json!({"message": "401 Unauthorized"})),
                (status = 403, description = "The user may not read the project's jobs or this job's artifacts, or a CI job token from another project that this project's job token allowlist does not let in (`Authentication by CI/CD job token not allowed from <source> to <target>`).",
                    body = ApiError, example = json!({"message": "403 Forbidden"})),
                (status = 404, description = $not_found,
                    body = ApiError, example = json!({"message": "404 Not found"})),
            ),
            security(("private_token" = []), ("bearer" = []), ("job_token" = []), ("job_token_query" = []), ()),
        )]
        pub fn $name() {}
    };
}

artifact_download! {
    /// Download a job's artifacts archive
    ///
    /// Sends the job's artifacts archive, a zip file, as it is stored. Where artifacts live in
    /// object storage with direct download on (GitLab.com through its CDN), the answer is a 302
    /// to a signed URL on another origin; elsewhere GitLab sends the bytes itself. A public
    /// project's artifacts can be read without a token, and a CI job token works where the
    /// project allows it (Premium and Ultimate). Reports (`artifacts:reports`) are not part of
    /// the archive unless `artifacts:paths` names them too.
    archive "/projects/{id}/jobs/{job_id}/artifacts",
    params(JobPath),
    not_found = "The project or the job does not exist, the user cannot see it, or the job has no artifacts archive (none, expired, deleted, or only reports).",
    fn download_job_artifacts;
}

artifact_download! {
    /// Download the artifacts archive of a branch or tag's newest job of a name
    ///
    /// Sends the artifacts archive of the job named `job` in the newest successful pipeline of
    /// `ref_name`, by the pipeline's creation time, as the job's own download does (a 302 to
    /// object storage included). A pipeline counts as successful when it ended `success`, so
    /// its manual jobs must have run or be allowed to fail. With
    /// `search_recent_successful_pipelines`, GitLab looks through recent successful pipelines
    /// for the newest such job that has artifacts.
    archive "/projects/{id}/jobs/artifacts/{ref_name}/download",
    params(RefArtifactsPath, RefArtifactsJob),
    not_found = "The project does not exist or the user cannot see it, or the ref has no successful pipeline with a job of that name that has an artifacts archive (`404 Job Not Found` when `search_recent_successful_pipelines` finds none).",
    fn download_ref_artifacts;
}

artifact_download! {
    /// Get the headers of a job's artifacts archive
    ///
    /// Answers as the download does, without the archive: its length and entity tag, to size a
    /// download or check a cached copy first. GitLab answers `HEAD` on every route that
    /// answers `GET`.
    head "/projects/{id}/jobs/{job_id}/artifacts",
    params(JobPath),
    not_found = "The project or the job does not exist, the user cannot see it, or the job has no artifacts archive.",
    fn head_job_artifacts;
}

artifact_download! {
    /// Get the headers of the artifacts archive of a branch or tag's newest job of a name
    ///
    /// Answers as the download by ref does, without the archive.
    head "/projects/{id}/jobs/artifacts/{ref_name}/download",
    params(RefArtifactsPath, RefArtifactsJob),
    not_found = "The project does not exist or the user cannot see it, or the ref has no successful pipeline with a job of that name that has an artifacts archive.",
    fn head_ref_artifacts;
}

/// List the files in a job's artifacts archive
///
/// Lists the files and directories of one directory of the job's artifacts archive, or with
/// `recursive` everything below it, from the archive's metadata, without downloading it. Since
/// GitLab 18.8.
#[utoipa::path(
    get,
    path = "/projects/{id}/jobs/{job_id}/artifacts/tree",
    tag = ARTIFACTS_TAG,
    params(JobPath, ArtifactTreeFilter, OffsetPagination),
    responses(
        (status = 200, description = "A page of the directory's entries: its directories, then its files; with `recursive`, everything below it.",
            body = Vec<ArtifactEntry>, headers(
                ("X-Page" = i64, description = "The current page."),
                ("X-Per-Page" = i64, description = "Items per page."),
                ("X-Next-Page" = String, description = "The next page, or an empty string on the last page."),
                ("X-Prev-Page" = String, description = "The previous page, or an empty string on the first page."),
                ("X-Total" = i64, description = "The number of entries."),
                ("X-Total-Pages" = i64, description = "The number of pages."),
                ("Link" = String, description = "RFC 8288 links to the `prev`, `next`, `first` and `last` pages."),
            ),
            example = json!(crate::examples::list_job_artifact_entries())),
        (status = 401, description = "No token, an invalid, expired or revoked one, or the CI job token of a job that is not running.",
            body = ApiError, example = json!({"message": "401 Unauthorized"})),
        (status = 403, description = "The user may not read the project's jobs or this job's artifacts, or a CI job token from a project that the allowlist does not let in.",
            body = ApiError, example = json!({"message": "403 Forbidden"})),
        (status = 404, description = "The project or the job does not exist or the user cannot see it (`404 Not found`), the job has no artifacts (`404 Artifacts Not Found`) or no metadata for them (`404 Artifacts metadata Not Found`), or `path` is not a directory of the archive (`404 Path Not Found`).",
            body = ApiError, example = json!({"message": "404 Artifacts Not Found"})),
    ),
    security(("private_token" = []), ("bearer" = []), ("job_token" = []), ("job_token_query" = []), ()),
)]
pub fn list_job_artifact_entries() {}

artifact_download! {
    /// Download one file of a job's artifacts
    ///
    /// Sends one file out of the job's artifacts archive, extracted by GitLab, with a content
    /// type GitLab detects from the file. GitLab sends it itself, never through a redirect,
    /// and always whole.
    file "/projects/{id}/jobs/{job_id}/artifacts/{artifact_path}",
    params(JobArtifactFilePath),
    not_found = "The project or the job does not exist, the user cannot see it, the job has no artifacts, or the archive has no such file.",
    fn get_job_artifact_file;
}

artifact_download! {
    /// Download one file of a branch or tag's newest artifacts of a job name
    ///
    /// Sends one file out of the artifacts archive of the job named `job` in the newest
    /// successful pipeline of `ref_name`, found as the archive download by ref finds it. A
    /// public project's file can be read without a token.
    file "/projects/{id}/jobs/artifacts/{ref_name}/raw/{artifact_path}",
    params(RefArtifactFilePath, RefArtifactsJob),
    not_found = "The project does not exist or the user cannot see it, no successful pipeline of the ref has a job of that name with artifacts, or the archive has no such file.",
    fn get_ref_artifact_file;
}

job_operation! {
    /// Keep a job's artifacts
    ///
    /// Keeps the job's artifacts past their expiry date (`artifacts:expire_in`): they are
    /// deleted only by hand from now on. Returns the job, with `artifacts_expire_at` cleared.
    post "/projects/{id}/jobs/{job_id}/artifacts/keep" in ARTIFACTS_TAG,
    responses(
        (status = 200, description = "The job, whose artifacts are now kept.",
            body = Job, example = json!(crate::examples::get_job())),
        (status = 403, description = "The user may not update the job.",
            body = ApiError, example = json!({"message": "403 Forbidden"})),
    ),
    fn keep_job_artifacts;
}

job_operation! {
    /// Delete a job's artifacts
    ///
    /// Deletes the job's artifacts, its archive and reports, but not its log. A Maintainer or
    /// Owner may do so.
    delete "/projects/{id}/jobs/{job_id}/artifacts" in ARTIFACTS_TAG,
    responses(
        (status = 204, description = "The artifacts are deleted."),
        (status = 403, description = "The user may not delete the job's artifacts (a Maintainer or Owner may).",
            body = ApiError, example = json!({"message": "403 Forbidden"})),
        (status = 409, description = "The project's storage statistics are being recalculated; try again later.",
            body = ApiError, example = json!({"message": "Action temporarily disabled. The project this pipeline belongs to is undergoing stats refresh."})),
    ),
    fn delete_job_artifacts;
}

// The version is from GitLab's changelog as other clients quote it (`DeleteProjectArtifacts`
// in client-go and the `gitlab` crate); the route's documentation has no history note.
/// Delete a project's artifacts
///
/// Expires every job artifact of the project that may be deleted, at once: GitLab's regular
/// cleanup then deletes their files, in the background, so they can take a while to go. The
/// artifacts of each ref's newest successful pipeline are kept (where the project keeps them,
/// the default), and job logs are never deleted. A Maintainer or Owner may do so.
/// Since GitLab 14.10.
#[utoipa::path(
    delete,
    path = "/projects/{id}/artifacts",
    tag = ARTIFACTS_TAG,
    params(ProjectPath),
    responses(
        (status = 202, description = "GitLab will expire the artifacts; the message says only that the request was accepted.",
            body = ApiError, example = json!({"message": "202 Accepted"})),
        (status = 401, description = "No token, or the token is invalid, expired or revoked.",
            body = ApiError, example = json!({"message": "401 Unauthorized"})),
        (status = 403, description = "The user may not delete the project's artifacts (a Maintainer or Owner may).",
            body = ApiError, example = json!({"message": "403 Forbidden"})),
        (status = 404, description = "The project does not exist or the user cannot see it.",
            body = ApiError, example = json!({"message": "404 Project Not Found"})),
        (status = 409, description = "The project's storage statistics are being recalculated; try again later.",
            body = ApiError, example = json!({"message": "Action temporarily disabled. The project this pipeline belongs to is undergoing stats refresh."})),
    ),
    security(("private_token" = []), ("bearer" = [])),
)]
pub fn delete_project_artifacts() {}

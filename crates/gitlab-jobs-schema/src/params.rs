//! Path and query parameters of the operations, for the OpenAPI document.
//!
//! The variants of the one-value enums here carry `//` comments, not docs: schemars would turn
//! a documented variant into a `oneOf` of constants, where a plain `enum` reads better.

#![cfg(feature = "openapi")]

use utoipa::IntoParams;

use crate::{JobScope, ProjectId};

/// The project a request is about.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ProjectPath {
    /// ID or full path of the project: `42`, or `group/subgroup/project`. Give a generated
    /// client the path as it is: it encodes path parameters. A URL written by hand has it
    /// encoded, `group%2Fsubgroup%2Fproject`.
    pub id: ProjectId,
}

/// A job of a project.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct JobPath {
    /// ID or full path of the project: `42`, or `group/subgroup/project`. Give a generated
    /// client the path as it is: it encodes path parameters. A URL written by hand has it
    /// encoded, `group%2Fsubgroup%2Fproject`.
    pub id: ProjectId,
    /// ID of the job.
    pub job_id: i64,
}

/// A pipeline of a project.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PipelinePath {
    /// ID or full path of the project: `42`, or `group/subgroup/project`. Give a generated
    /// client the path as it is: it encodes path parameters. A URL written by hand has it
    /// encoded, `group%2Fsubgroup%2Fproject`.
    pub id: ProjectId,
    /// ID of the pipeline; inside a job it is `CI_PIPELINE_ID`.
    pub pipeline_id: i64,
}

/// A file in the artifacts archive of a job.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct JobArtifactFilePath {
    /// ID or full path of the project: `42`, or `group/subgroup/project`. Give a generated
    /// client the path as it is: it encodes path parameters. A URL written by hand has it
    /// encoded, `group%2Fsubgroup%2Fproject`.
    pub id: ProjectId,
    /// ID of the job.
    pub job_id: i64,
    /// Path of a file inside the artifacts archive, such as `some/release/file.pdf`, as the
    /// archive's browser lists it. A URL may carry its slashes as they are or encoded
    /// (`%2F`): GitLab decodes the path before it looks the file up, so a generated client
    /// that encodes path parameters works. A path with `..` or other invalid parts is a 400.
    /// A file at the archive's root named `tree` cannot be read here: that path is the
    /// archive's browser.
    #[param(example = "some/release/file.pdf")]
    pub artifact_path: String,
}

/// The archive of the newest successful job of a name on a branch or tag.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct RefArtifactsPath {
    /// ID or full path of the project: `42`, or `group/subgroup/project`. Give a generated
    /// client the path as it is: it encodes path parameters. A URL written by hand has it
    /// encoded, `group%2Fsubgroup%2Fproject`.
    pub id: ProjectId,
    /// Name of a branch or tag, such as `main` or `release/1.2`; for a merge request's
    /// pipelines, `refs/merge-requests/<iid>/head` (`CI_MERGE_REQUEST_REF_PATH`). `HEAD` and
    /// commit SHAs are not accepted. Its slashes may be sent as they are or encoded (`%2F`).
    #[param(example = "main")]
    pub ref_name: String,
}

/// A file in the archive of the newest successful job of a name on a branch or tag.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct RefArtifactFilePath {
    /// ID or full path of the project: `42`, or `group/subgroup/project`. Give a generated
    /// client the path as it is: it encodes path parameters. A URL written by hand has it
    /// encoded, `group%2Fsubgroup%2Fproject`.
    pub id: ProjectId,
    /// Name of a branch or tag, such as `main` or `release/1.2`; for a merge request's
    /// pipelines, `refs/merge-requests/<iid>/head` (`CI_MERGE_REQUEST_REF_PATH`). `HEAD` and
    /// commit SHAs are not accepted. Its slashes may be sent as they are or encoded (`%2F`).
    #[param(example = "main")]
    pub ref_name: String,
    /// Path of a file inside the artifacts archive, such as `some/release/file.pdf`. A URL
    /// may carry its slashes as they are or encoded (`%2F`). A path with `..` or other
    /// invalid parts is a 400.
    #[param(example = "some/release/file.pdf")]
    pub artifact_path: String,
}

/// Which job of a branch or tag has the artifacts.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RefArtifactsJob {
    /// Name of the job, such as `build`. GitLab takes the job of that name in the newest
    /// successful pipeline of the ref (by creation time; a parent pipeline's job before a
    /// child's of the same name).
    #[param(example = "build")]
    pub job: String,
    /// `true` to look, beyond the newest successful pipeline, through up to 100 recent
    /// successful pipelines of the ref for the newest job of that name that has artifacts.
    /// Defaults to `false`. Since GitLab 18.10 (18.9 behind the feature flag
    /// `ci_search_recent_successful_pipelines`); older versions ignore it.
    #[param(default = false)]
    pub search_recent_successful_pipelines: Option<bool>,
}

/// What to list of an artifacts archive.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArtifactTreeFilter {
    /// The directory to list, such as `coverage/reports`, with or without a final `/`.
    /// Defaults to the archive's root. A directory that is not in the archive is a 404.
    #[param(example = "coverage/reports")]
    pub path: Option<String>,
    /// `true` to list everything below the directory, at every depth; `false` (the default)
    /// lists its directories, then its files, one level deep.
    #[param(default = false)]
    pub recursive: Option<bool>,
}

/// The request header of a ranged download of an artifacts archive (RFC 9110).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Header)]
pub struct ArchiveRange {
    /// One byte range of the archive, such as `bytes=1048576-` to go on after the first MiB.
    /// Honoured where the archive comes from local storage or from object storage: 206 with
    /// `Content-Range`, 416 past the end. Where it is not, the whole archive comes (200), a
    /// valid answer to any range request: a client that resumes must then start over.
    #[param(rename = "Range", example = "bytes=1048576-", nullable = false)]
    pub range: Option<String>,
}

/// The request header of a conditional download of artifacts (RFC 9110).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Header)]
pub struct ArtifactsIfNoneMatch {
    /// The `ETag` of the answer read before: 304 without a body while it is unchanged. Trust a
    /// 304 only for a strong `ETag` (one without `W/`), which GitLab computes from the
    /// archive's SHA-256 (GitLab 19.1 and later with the feature flag
    /// `workhorse_download_etag_caching`). Without it, GitLab sent the same weak `ETag` for
    /// every download, and a 304 could answer for a different archive.
    #[param(rename = "If-None-Match", nullable = false)]
    pub if_none_match: Option<String>,
}

/// The status filter of the job lists.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScopeFilter {
    /// Return only jobs with these statuses; all jobs when left out. Repeat the key once per
    /// value, `scope[]=pending&scope[]=running`: GitLab keeps only the last of repeated bare
    /// `scope=` keys and rejects a comma-separated list. An unknown status is a 400.
    #[param(rename = "scope[]", style = Form, explode)]
    pub scope: Option<Vec<JobScope>>,
}

/// The filters of the project job list beyond the status.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectJobsFilter {
    /// Return only jobs of pipelines for this branch or tag.
    pub r#ref: Option<String>,
}

/// The filters of the pipeline job list beyond the status.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PipelineJobsFilter {
    /// Also return jobs that were retried. Defaults to `false`. Since GitLab 13.9.
    #[param(default = false)]
    pub include_retried: Option<bool>,
}

/// The request headers of a ranged or conditional log read (RFC 9110).
// Evidence: GitLab merge request 255994 has Workhorse serve archived logs behind the flag
// `ci_job_trace_api_archived_log_via_workhorse`, milestone 19.5, off by default; 258487 turns
// it on by default (`Range: bytes=0-99` answered 206), most likely in 19.6 (not confirmed);
// on GitLab.com since 2026-09-22. No 206 was found in 19.4: the Rails path that serves every
// log without the flag ignores `Range` and answers 200 with the whole log, which RFC 9110
// (section 14.2) allows as the answer to any range request.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Header)]
pub struct LogReadHeaders {
    /// One byte range of the log: `bytes=<first>-`, `bytes=<first>-<last>` or
    /// `bytes=-<length>` for the last bytes. Where Workhorse serves a finished job's archived
    /// log (GitLab 19.5 with the feature flag `ci_job_trace_api_archived_log_via_workhorse`,
    /// which GitLab.com and later versions have on), it is honoured: 206 with
    /// `Content-Range`, 416 past the end. Anywhere else (a running job's live log, older
    /// versions, the flag off) the log comes whole (200), a valid answer to any range
    /// request, so a reader skips what it already has. Since GitLab 19.5.
    #[param(rename = "Range", example = "bytes=1024-", nullable = false)]
    pub range: Option<String>,
    /// The `ETag` of a finished job's archived log read before: 304 without a body while the
    /// log is unchanged, where Workhorse serves archived logs (see `Range`); ignored
    /// elsewhere. Since GitLab 19.5.
    #[param(rename = "If-None-Match", nullable = false)]
    pub if_none_match: Option<String>,
}

/// Bounds of a log read in the query, behind the beta feature flag
/// `ci_job_trace_api_range_via_workhorse`.
// Evidence: GitLab's own `openapi_v3.yaml` (19.5) lists both; merge request 257010 notes that
// `byte_offset` alone has no upper bound.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogWindow {
    /// The first byte to return, from 0; where the feature flag is off, GitLab ignores it and
    /// answers the whole log. Since GitLab 19.5.
    #[param(minimum = 0)]
    pub byte_offset: Option<i64>,
    /// The most bytes to return, 1 to 512000; ignored like `byte_offset` where the flag is
    /// off. Since GitLab 19.5.
    #[param(minimum = 1, maximum = 512000)]
    pub byte_limit: Option<i64>,
}

/// Offset pagination, GitLab's default.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OffsetPagination {
    /// Page to return, from 1. Defaults to 1.
    #[param(minimum = 1, default = 1)]
    pub page: Option<i64>,
    /// Items per page, up to 100. Defaults to 20; GitLab serves a larger value as 100 rather
    /// than refusing it (`X-Per-Page` says what it used), and answers 400 for 0.
    #[param(minimum = 1, default = 20)]
    pub per_page: Option<i64>,
}

/// Keyset pagination, which the project job list supports since GitLab 15.9. GitLab
/// recommends it for reading many pages: the next page's URL, with its `cursor`, is in the
/// `Link` header (`rel="next"`), which is absent on the last page.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KeysetPagination {
    /// `keyset` to page by cursor instead of by offset. Since GitLab 15.9.
    pub pagination: Option<PaginationMode>,
    /// Ordering for keyset pagination; only `id` is supported (the default). Since GitLab 15.9.
    pub order_by: Option<KeysetOrderBy>,
    /// Direction for keyset pagination; only `desc` is supported (the default). Any other
    /// ordering is a 405. Since GitLab 15.9.
    pub sort: Option<SortDirection>,
    /// Where the next page starts. Take it from the `Link` header; its value is opaque.
    /// Since GitLab 15.9.
    pub cursor: Option<String>,
}

/// The schemas of the closed enums below, which exist only for the OpenAPI document: a
/// generated client (progenitor's, for `gitlab-jobs-client`) makes its own types of them, where
/// every other schema of the contract is a model of this crate.
pub fn generated_by_clients() -> [std::borrow::Cow<'static, str>; 3] {
    use schemars::JsonSchema;
    [
        PaginationMode::schema_name(),
        KeysetOrderBy::schema_name(),
        SortDirection::schema_name(),
    ]
}

/// How a list is paginated, when not by offset.
#[derive(Debug, Clone, Copy, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(example = &"keyset")]
pub enum PaginationMode {
    // By cursor (`Link: <...cursor=...>; rel="next"`).
    Keyset,
}

/// What keyset pagination orders by.
#[derive(Debug, Clone, Copy, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(example = &"id")]
pub enum KeysetOrderBy {
    // The job ID.
    Id,
}

/// The direction keyset pagination orders in.
#[derive(Debug, Clone, Copy, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(example = &"desc")]
pub enum SortDirection {
    // Descending: newest jobs first.
    Desc,
}

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
    /// ID or full path of the project: `42`, or `group/subgroup/project` URL-encoded in the path
    /// (`group%2Fsubgroup%2Fproject`). Clients that encode path parameters take the raw path.
    pub id: ProjectId,
}

/// A job of a project.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct JobPath {
    /// ID or full path of the project: `42`, or `group/subgroup/project` URL-encoded in the path
    /// (`group%2Fsubgroup%2Fproject`). Clients that encode path parameters take the raw path.
    pub id: ProjectId,
    /// ID of the job.
    pub job_id: i64,
}

/// A pipeline of a project.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PipelinePath {
    /// ID or full path of the project: `42`, or `group/subgroup/project` URL-encoded in the path
    /// (`group%2Fsubgroup%2Fproject`). Clients that encode path parameters take the raw path.
    pub id: ProjectId,
    /// ID of the pipeline; inside a job it is `CI_PIPELINE_ID`.
    pub pipeline_id: i64,
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
    /// Also return jobs that were retried (GitLab 13.9 and later). Defaults to `false`.
    #[param(default = false)]
    pub include_retried: Option<bool>,
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

/// Keyset pagination, which the project job list supports (GitLab 15.9 and later). GitLab
/// recommends it for reading many pages: the next page's URL, with its `cursor`, is in the
/// `Link` header (`rel="next"`), which is absent on the last page.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KeysetPagination {
    /// `keyset` to page by cursor instead of by offset.
    pub pagination: Option<PaginationMode>,
    /// Ordering for keyset pagination; only `id` is supported (the default).
    pub order_by: Option<KeysetOrderBy>,
    /// Direction for keyset pagination; only `desc` is supported (the default). Any other
    /// ordering is a 405.
    pub sort: Option<SortDirection>,
    /// Where the next page starts. Take it from the `Link` header; its value is opaque.
    pub cursor: Option<String>,
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

//! What every handler reads from a request, extracted once: the path's parameters, the query
//! as GitLab parses it, the headers and the URI the client sent; and the steps every route
//! takes with them before its own (who calls, may they see the project, the job).

use std::collections::HashMap;

use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, OriginalUri, Path};
use axum::http::header::HOST;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};

use crate::App;
use crate::auth::{Caller, JobTokens, caller};
use crate::errors::Failure;
use crate::pagination::Location;
use crate::query::{Query, parse_int};
use crate::store::{self, Store};

/// A route's path parameters by name, such as `id` and `job_id`.
pub(crate) type Params = HashMap<String, String>;

/// A request to one of the sandbox's API routes, as its handler reads it.
pub(crate) struct Incoming {
    pub params: Params,
    pub query: Query,
    pub headers: HeaderMap,
    pub uri: Uri,
}

impl FromRequestParts<App> for Incoming {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &App) -> Result<Self, Response> {
        let params = match Path::<Params>::from_request_parts(parts, state).await {
            Ok(Path(params)) => params,
            // `/job` and `/version` have none.
            Err(PathRejection::MissingPathParams(_)) => Params::new(),
            Err(rejection) => return Err(rejection.into_response()),
        };
        // Behind `/api/v4`, the nested router sees a shortened URI; links use the original.
        let OriginalUri(uri) = match OriginalUri::from_request_parts(parts, state).await {
            Ok(uri) => uri,
            Err(never) => match never {},
        };
        Ok(Incoming {
            params,
            query: Query::parse(uri.query()),
            headers: parts.headers.clone(),
            uri,
        })
    }
}

impl Incoming {
    /// Who calls, by the request's credentials; anonymous when there are none.
    pub fn caller(&self, store: &Store, job_tokens: JobTokens) -> Result<Caller, Failure> {
        caller(store, &self.headers, &self.query, job_tokens)
    }

    /// Who calls, refusing a request without credentials (401).
    pub fn signed_in(&self, store: &Store, job_tokens: JobTokens) -> Result<Caller, Failure> {
        self.caller(store, job_tokens)?.require_authenticated()
    }

    /// The caller of a job action: signed in, with a token that may write (403 otherwise).
    /// Job tokens do not act on jobs.
    pub fn acting(&self, store: &Store) -> Result<Caller, Failure> {
        self.signed_in(store, JobTokens::Ignored)?
            .require_write_scope()
    }

    /// A path ID: not a number is Grape's 400; a number too large for any row finds nothing.
    pub fn id(&self, name: &str) -> Result<i64, Failure> {
        id_param(&self.params, name)
    }

    /// The project `id` of the path, if the caller may see it (404 otherwise).
    pub fn project<'s>(
        &self,
        store: &'s Store,
        caller: Caller,
    ) -> Result<&'s store::Project, Failure> {
        caller.visible_project(store, self.params.get("id").map_or("", String::as_str))
    }

    /// The pipeline `pipeline_id` of a project the caller may see.
    pub fn pipeline<'s>(
        &self,
        store: &'s Store,
        caller: Caller,
    ) -> Result<(&'s store::Project, &'s store::Pipeline), Failure> {
        let pipeline_id = self.id("pipeline_id")?;
        let project = self.project(store, caller)?;
        let pipeline = store
            .pipelines
            .get(&pipeline_id)
            .filter(|pipeline| pipeline.project_id == project.id)
            .ok_or_else(Failure::not_found)?;
        Ok((project, pipeline))
    }

    /// The job `job_id` of a project the caller may see: a build, or with `bridges` any job.
    pub fn job<'s>(
        &self,
        store: &'s Store,
        caller: Caller,
        bridges: bool,
    ) -> Result<(&'s store::Project, &'s store::Job), Failure> {
        let job_id = self.id("job_id")?;
        let project = self.project(store, caller)?;
        let job = store
            .jobs
            .get(&job_id)
            .filter(|job| job.project_id == project.id && (bridges || job.is_build()))
            .ok_or_else(Failure::not_found)?;
        Ok((project, job))
    }

    /// The build `job_id` for a signed-in caller who may read the project's jobs (403
    /// otherwise): the steps of the routes that read one job.
    pub fn readable_job<'s>(&self, store: &'s Store) -> Result<&'s store::Job, Failure> {
        let caller = self.signed_in(store, JobTokens::Ignored)?;
        let (project, job) = self.job(store, caller, false)?;
        if !caller.can_read_jobs(store, project) {
            return Err(Failure::forbidden(None));
        }
        Ok(job)
    }

    /// Where the request went, as GitLab's links name it: the pages' `Link` and the like.
    pub fn location(&self) -> Location {
        let host = self
            .headers
            .get(HOST)
            .and_then(|host| host.to_str().ok())
            .unwrap_or("127.0.0.1");
        Location {
            url: format!("http://{host}{}", self.uri.path()),
            query: self.query.clone(),
        }
    }

    /// The job that owns the job token the request carries: GitLab answers 404 to any other
    /// credential, and 401 to none.
    pub fn token_job(&self, store: &Store) -> Result<i64, Failure> {
        match self.caller(store, JobTokens::Accepted)? {
            Caller::Anonymous => Err(Failure::unauthorized()),
            Caller::User { .. } => Err(Failure::job_not_found()),
            Caller::Job { job_id } => Ok(job_id),
        }
    }
}

/// A path ID: not a number is Grape's 400; a number too large for any row finds nothing.
pub(crate) fn id_param(params: &Params, name: &str) -> Result<i64, Failure> {
    let value = params.get(name).map(String::as_str).unwrap_or("");
    match parse_int(value) {
        Some(id) => Ok(id),
        None if !value.is_empty()
            && value
                .trim_start_matches(['-', '+'])
                .bytes()
                .all(|b| b.is_ascii_digit()) =>
        {
            Err(Failure::not_found())
        }
        None => Err(Failure::invalid(name)),
    }
}

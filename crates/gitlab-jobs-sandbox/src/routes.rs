//! The eleven operations of the Jobs API, under `/api/v4`.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, HOST, LOCATION};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use gitlab_jobs_schema as models;
use serde_json::Value;

use crate::App;
use crate::auth::{Caller, JobTokens, caller};
use crate::errors::Failure;
use crate::pagination::{Location, keyset_page, offset_page, wants_keyset};
use crate::query::{Query, parse_bool, parse_int};
use crate::render;
use crate::store::{self, Kind, Refusal, Role, Store};

pub(crate) type Params = HashMap<String, String>;
type Answer = Result<Response, Failure>;

/// Every route the sandbox serves: method, path under `/api/v4` (the OpenAPI template), handler.
pub fn table() -> Vec<(Method, &'static str, MethodRouter<App>)> {
    vec![
        (Method::GET, "/projects/{id}/jobs", get(list_project_jobs)),
        (
            Method::GET,
            "/projects/{id}/pipelines/{pipeline_id}/jobs",
            get(list_pipeline_jobs),
        ),
        (
            Method::GET,
            "/projects/{id}/pipelines/{pipeline_id}/bridges",
            get(list_pipeline_bridges),
        ),
        (Method::GET, "/job", get(get_job_by_token)),
        (Method::GET, "/job/allowed_agents", get(get_allowed_agents)),
        (Method::GET, "/projects/{id}/jobs/{job_id}", get(get_job)),
        (
            Method::GET,
            "/projects/{id}/jobs/{job_id}/trace",
            get(get_job_log),
        ),
        (
            Method::POST,
            "/projects/{id}/jobs/{job_id}/cancel",
            post(cancel_job),
        ),
        (
            Method::POST,
            "/projects/{id}/jobs/{job_id}/retry",
            post(retry_job),
        ),
        (
            Method::POST,
            "/projects/{id}/jobs/{job_id}/erase",
            post(erase_job),
        ),
        (
            Method::POST,
            "/projects/{id}/jobs/{job_id}/play",
            post(play_job),
        ),
    ]
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

fn location(headers: &HeaderMap, uri: &Uri, query: &Query) -> Location {
    let host = headers
        .get(HOST)
        .and_then(|host| host.to_str().ok())
        .unwrap_or("127.0.0.1");
    Location {
        url: format!("http://{host}{}", uri.path()),
        query: query.clone(),
    }
}

fn json<T: serde::Serialize>(status: StatusCode, body: &T, headers: HeaderMap) -> Response {
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().extend(headers);
    response
}

/// `GET /projects/:id/jobs`: builds only, retried ones included, newest first.
async fn list_project_jobs(
    State(app): State<App>,
    Path(params): Path<Params>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Answer {
    let query = Query::parse(uri.query());
    let store = app.store();
    let caller = caller(&store, &headers, &query, JobTokens::Accepted)?.require_authenticated()?;
    let scope = query.scope(true)?;
    crate::pagination::per_page(&query)?;
    crate::pagination::page(&query)?;
    let keyset = wants_keyset(&query)?;
    app.check_jobs_rate_limit(caller)?;
    let project = caller.visible_project(&store, &params["id"])?;
    if !caller.can_read_jobs(&store, project) {
        return Err(Failure::forbidden(None));
    }
    let r#ref = query.get("ref");
    // With a cursor, start right below it rather than walking down to it.
    let below = match (
        keyset,
        query.get("cursor").filter(|cursor| !cursor.is_empty()),
    ) {
        (true, Some(cursor)) => crate::pagination::decode_cursor(cursor)?,
        _ => i64::MAX,
    };
    let ids = store
        .project_jobs
        .get(&project.id)
        .into_iter()
        .flat_map(|ids| ids.range(..below))
        .rev()
        .copied()
        .filter(|id| {
            let job = &store.jobs[id];
            job.is_build()
                && scope
                    .as_ref()
                    .is_none_or(|scope| scope.contains(&job.status))
                && r#ref.is_none_or(|r#ref| store.pipelines[&job.pipeline_id].r#ref == r#ref)
        });
    let location = location(&headers, &uri, &query);
    let (ids, headers) = if keyset {
        keyset_page(ids, &location)?
    } else {
        offset_page(ids, &location, false)?
    };
    let now = store::now();
    let jobs: Vec<models::Job> = ids
        .iter()
        .map(|id| render::job(&store, &store.jobs[id], now))
        .collect();
    Ok(json(StatusCode::OK, &jobs, headers))
}

/// The pipeline `pipeline_id` of a project the caller may see, with the caller.
fn visible_pipeline<'s>(
    store: &'s Store,
    caller: Caller,
    params: &Params,
) -> Result<(&'s store::Project, &'s store::Pipeline), Failure> {
    let pipeline_id = id_param(params, "pipeline_id")?;
    let project = caller.visible_project(store, &params["id"])?;
    let pipeline = store
        .pipelines
        .get(&pipeline_id)
        .filter(|pipeline| pipeline.project_id == project.id)
        .ok_or_else(Failure::not_found)?;
    Ok((project, pipeline))
}

/// `GET /projects/:id/pipelines/:pipeline_id/jobs`: builds, retried ones only on request.
async fn list_pipeline_jobs(
    State(app): State<App>,
    Path(params): Path<Params>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Answer {
    let query = Query::parse(uri.query());
    let store = app.store();
    let caller = caller(&store, &headers, &query, JobTokens::Accepted)?;
    let scope = query.scope(false)?;
    let include_retried = query.bool("include_retried")?.unwrap_or(false);
    crate::pagination::per_page(&query)?;
    crate::pagination::page(&query)?;
    let (project, pipeline) = visible_pipeline(&store, caller, &params)?;
    // Without read_build, GitLab's finder returns no jobs rather than a 403.
    let readable = caller.can_read_jobs(&store, project);
    let ids = store
        .project_jobs
        .get(&project.id)
        .into_iter()
        .flatten()
        .rev()
        .copied()
        .filter(|id| {
            let job = &store.jobs[id];
            readable
                && job.pipeline_id == pipeline.id
                && job.is_build()
                && (include_retried || !job.retried)
                && scope
                    .as_ref()
                    .is_none_or(|scope| scope.contains(&job.status))
        });
    let (ids, headers) = offset_page(ids, &location(&headers, &uri, &query), true)?;
    let now = store::now();
    let jobs: Vec<models::Job> = ids
        .iter()
        .map(|id| render::job(&store, &store.jobs[id], now))
        .collect();
    Ok(json(StatusCode::OK, &jobs, headers))
}

/// `GET /projects/:id/pipelines/:pipeline_id/bridges`: trigger jobs that were not retried.
async fn list_pipeline_bridges(
    State(app): State<App>,
    Path(params): Path<Params>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Answer {
    let query = Query::parse(uri.query());
    let store = app.store();
    let caller = caller(&store, &headers, &query, JobTokens::Ignored)?;
    let scope = query.scope(false)?;
    crate::pagination::per_page(&query)?;
    crate::pagination::page(&query)?;
    let (project, pipeline) = visible_pipeline(&store, caller, &params)?;
    if !caller.can_read_jobs(&store, project) {
        return Err(Failure::forbidden(None));
    }
    let ids = store
        .project_jobs
        .get(&project.id)
        .into_iter()
        .flatten()
        .rev()
        .copied()
        .filter(|id| {
            let job = &store.jobs[id];
            job.pipeline_id == pipeline.id
                && !job.is_build()
                && !job.retried
                && scope
                    .as_ref()
                    .is_none_or(|scope| scope.contains(&job.status))
        });
    let (ids, headers) = offset_page(ids, &location(&headers, &uri, &query), true)?;
    let now = store::now();
    let bridges: Vec<models::Bridge> = ids
        .iter()
        .map(|id| render::bridge(&store, &store.jobs[id], now))
        .collect();
    Ok(json(StatusCode::OK, &bridges, headers))
}

/// The job of the job token the request carries: GitLab answers 404 to any other credential.
fn token_job(store: &Store, headers: &HeaderMap, query: &Query) -> Result<i64, Failure> {
    match caller(store, headers, query, JobTokens::Accepted)? {
        Caller::Anonymous => Err(Failure::unauthorized()),
        Caller::User { .. } => Err(Failure::job_not_found()),
        Caller::Job { job_id } => Ok(job_id),
    }
}

/// `GET /job`.
async fn get_job_by_token(
    State(app): State<App>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Answer {
    let query = Query::parse(uri.query());
    let store = app.store();
    let job_id = token_job(&store, &headers, &query)?;
    let job = render::job(&store, &store.jobs[&job_id], store::now());
    Ok(json(StatusCode::OK, &job, HeaderMap::new()))
}

/// `GET /job/allowed_agents`.
async fn get_allowed_agents(
    State(app): State<App>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Answer {
    let query = Query::parse(uri.query());
    let store = app.store();
    let job_id = token_job(&store, &headers, &query)?;
    let job = &store.jobs[&job_id];
    let highest = Caller::Job { job_id }
        .role(&store, &store.projects[&job.project_id])
        .unwrap_or(Role::Guest);
    let answer = render::allowed_agents(&store, job, highest);
    Ok(json(StatusCode::OK, &answer, HeaderMap::new()))
}

/// A build (or, with `bridges`, any job) of a project the caller may see.
fn visible_job<'s>(
    store: &'s Store,
    caller: Caller,
    params: &Params,
    bridges: bool,
) -> Result<(&'s store::Project, &'s store::Job), Failure> {
    let job_id = id_param(params, "job_id")?;
    let project = caller.visible_project(store, &params["id"])?;
    let job = store
        .jobs
        .get(&job_id)
        .filter(|job| job.project_id == project.id && (bridges || job.is_build()))
        .ok_or_else(Failure::not_found)?;
    Ok((project, job))
}

/// `GET /projects/:id/jobs/:job_id`: builds only; a trigger job is not found here.
async fn get_job(
    State(app): State<App>,
    Path(params): Path<Params>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Answer {
    let query = Query::parse(uri.query());
    let store = app.store();
    let caller = caller(&store, &headers, &query, JobTokens::Ignored)?.require_authenticated()?;
    let (project, job) = visible_job(&store, caller, &params, false)?;
    if !caller.can_read_jobs(&store, project) {
        return Err(Failure::forbidden(None));
    }
    Ok(json(
        StatusCode::OK,
        &render::job(&store, job, store::now()),
        HeaderMap::new(),
    ))
}

/// `GET /projects/:id/jobs/:job_id/trace`: the log as text, or a redirect to object storage.
async fn get_job_log(
    State(app): State<App>,
    Path(params): Path<Params>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Answer {
    let query = Query::parse(uri.query());
    let store = app.store();
    let caller = caller(&store, &headers, &query, JobTokens::Ignored)?.require_authenticated()?;
    let (project, job) = visible_job(&store, caller, &params, false)?;
    if !caller.can_read_jobs(&store, project) {
        return Err(Failure::forbidden(None));
    }
    if let Some(origin) = &app.log_origin {
        let target = format!(
            "{origin}/logs/{}.log?X-Amz-Expires=600&X-Amz-Signature=sandbox",
            job.id
        );
        let mut response = StatusCode::FOUND.into_response();
        response
            .headers_mut()
            .insert(LOCATION, HeaderValue::from_str(&target).expect("a URL"));
        return Ok(response);
    }
    let mut response = (StatusCode::OK, job.log.clone()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    let disposition = format!("infile; filename=\"{}.log\"", job.id);
    headers.insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).expect("a header value"),
    );
    Ok(response)
}

/// The parameters of a job action: a JSON body's, typed as sent, and the query's and a form
/// body's, as strings that Grape coerces.
struct ActionParams {
    json: serde_json::Map<String, Value>,
    text: Vec<(String, String)>,
}

impl ActionParams {
    fn read(headers: &HeaderMap, body: &Bytes, query: &Query) -> Result<Self, Failure> {
        let mut params = ActionParams {
            json: serde_json::Map::new(),
            text: query.pairs().to_vec(),
        };
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(params);
        }
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("");
        if content_type.starts_with("application/json") {
            // The front checked the JSON already. GitLab (Grape) reads a body that is not an
            // object as no parameters; the contract allows only an object, so the sandbox
            // refuses one, as it refuses other values GitLab ignores.
            match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(object)) => params.json = object,
                Ok(_) => {
                    return Err(Failure::bad_request(
                        "The request body must be a JSON object",
                    ));
                }
                Err(_) => return Err(Failure::invalid_json("Invalid JSON format")),
            }
        } else if content_type.starts_with("application/x-www-form-urlencoded") {
            params
                .text
                .extend(form_urlencoded::parse(body).into_owned());
        }
        Ok(params)
    }

    fn text(&self, name: &str) -> Option<&str> {
        self.text
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// A `Boolean`: a JSON boolean (or `null`, for none), or one of Grape's spellings in the
    /// query or a form.
    fn boolean(&self, name: &str) -> Result<Option<bool>, Failure> {
        match self.json.get(name) {
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(Value::Null) => Ok(None),
            Some(_) => Err(Failure::invalid(name)),
            None => self
                .text(name)
                .map(|text| parse_bool(text).ok_or_else(|| Failure::invalid(name)))
                .transpose(),
        }
    }

    /// `job_variables_attributes`: `[{key, value}]` of strings in JSON, or
    /// `job_variables_attributes[][key]=...&job_variables_attributes[][value]=...` in a form.
    fn variables(&self) -> Result<Vec<(String, String)>, Failure> {
        let name = "job_variables_attributes";
        match self.json.get(name) {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                return items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| {
                        let item = item.as_object().ok_or_else(|| Failure::invalid(name))?;
                        let field = |field: &str| match item.get(field) {
                            None | Some(Value::Null) => {
                                Err(Failure::missing(&format!("{name}[{index}][{field}]")))
                            }
                            Some(Value::String(text)) => Ok(text.clone()),
                            Some(_) => Err(Failure::invalid(&format!("{name}[{index}][{field}]"))),
                        };
                        Ok((field("key")?, field("value")?))
                    })
                    .collect();
            }
            Some(_) => return Err(Failure::invalid(name)),
        }
        let mut variables: Vec<(Option<String>, Option<String>)> = Vec::new();
        for (key, value) in &self.text {
            let slot = match key.strip_prefix(name) {
                Some("[][key]") => 0,
                Some("[][value]") => 1,
                _ => continue,
            };
            match variables.last_mut() {
                Some(last)
                    if (slot == 0 && last.0.is_none()) || (slot == 1 && last.1.is_none()) =>
                {
                    if slot == 0 {
                        last.0 = Some(value.clone())
                    } else {
                        last.1 = Some(value.clone())
                    }
                }
                _ => variables.push(if slot == 0 {
                    (Some(value.clone()), None)
                } else {
                    (None, Some(value.clone()))
                }),
            }
        }
        variables
            .into_iter()
            .enumerate()
            .map(|(index, (key, value))| {
                let key = key.ok_or_else(|| Failure::missing(&format!("{name}[{index}][key]")))?;
                let value =
                    value.ok_or_else(|| Failure::missing(&format!("{name}[{index}][value]")))?;
                Ok((key, value))
            })
            .collect()
    }
}

/// The 201 GitLab answers a job action with: the job, as it is now.
fn created(store: &Store, job_id: i64, now: store::Time) -> Response {
    json(
        StatusCode::CREATED,
        &render::job(store, &store.jobs[&job_id], now),
        HeaderMap::new(),
    )
}

/// The caller of a job action: authenticated, with a token that may write.
fn acting_caller(store: &Store, headers: &HeaderMap, query: &Query) -> Result<Caller, Failure> {
    caller(store, headers, query, JobTokens::Ignored)?
        .require_authenticated()?
        .require_write_scope()
}

/// `POST /projects/:id/jobs/:job_id/cancel`.
async fn cancel_job(
    State(app): State<App>,
    Path(params): Path<Params>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let query = Query::parse(uri.query());
    let mut store = app.store();
    let caller = acting_caller(&store, &headers, &query)?;
    let force = ActionParams::read(&headers, &body, &query)?
        .boolean("force")?
        .unwrap_or(false);
    let (project, job) = visible_job(&store, caller, &params, false)?;
    if !caller.can_update_jobs(&store, project) {
        return Err(Failure::forbidden(None));
    }
    if force
        && caller
            .role(&store, project)
            .is_none_or(|role| role < Role::Maintainer)
    {
        return Err(Failure::forbidden(None));
    }
    let job_id = job.id;
    let now = store::now();
    store.cancel(job_id, force, now);
    Ok(created(&store, job_id, now))
}

/// `POST /projects/:id/jobs/:job_id/retry`: builds and trigger jobs; answers the new job.
async fn retry_job(
    State(app): State<App>,
    Path(params): Path<Params>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Answer {
    let query = Query::parse(uri.query());
    let mut store = app.store();
    let caller = acting_caller(&store, &headers, &query)?;
    let (project, job) = visible_job(&store, caller, &params, true)?;
    if !caller.can_update_jobs(&store, project) {
        return Err(Failure::forbidden(None));
    }
    let (job_id, user_id) = (
        job.id,
        caller.user_id(&store).unwrap_or(crate::data::users::ROOT),
    );
    let now = store::now();
    let new_id = store.retry(job_id, user_id, now).map_err(refusal)?;
    Ok(created(&store, new_id, now))
}

/// `POST /projects/:id/jobs/:job_id/erase`.
async fn erase_job(
    State(app): State<App>,
    Path(params): Path<Params>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Answer {
    let query = Query::parse(uri.query());
    let mut store = app.store();
    let caller = acting_caller(&store, &headers, &query)?;
    let (project, job) = visible_job(&store, caller, &params, false)?;
    if !caller.can_erase(&store, project, job) {
        return Err(Failure::forbidden(None));
    }
    let job_id = job.id;
    let now = store::now();
    store.erase(job_id, now).map_err(refusal)?;
    Ok(created(&store, job_id, now))
}

/// `POST /projects/:id/jobs/:job_id/play`: manual builds and trigger jobs.
async fn play_job(
    State(app): State<App>,
    Path(params): Path<Params>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let query = Query::parse(uri.query());
    let mut store = app.store();
    let caller = acting_caller(&store, &headers, &query)?;
    let variables = ActionParams::read(&headers, &body, &query)?.variables()?;
    let (project, job) = visible_job(&store, caller, &params, true)?;
    if !caller.can_update_jobs(&store, project) {
        return Err(Failure::forbidden(None));
    }
    let (job_id, user_id) = (
        job.id,
        caller.user_id(&store).unwrap_or(crate::data::users::ROOT),
    );
    let now = store::now();
    store
        .play(job_id, user_id, variables, now)
        .map_err(refusal)?;
    let job = &store.jobs[&job_id];
    let answer = match job.kind {
        Kind::Build => models::JobOrBridge::Job(Box::new(render::job(&store, job, now))),
        Kind::Bridge { .. } => {
            models::JobOrBridge::Bridge(Box::new(render::bridge(&store, job, now)))
        }
    };
    Ok(json(StatusCode::OK, &answer, HeaderMap::new()))
}

fn refusal(refusal: Refusal) -> Failure {
    match refusal {
        Refusal::Forbidden(reason) => Failure::forbidden(Some(reason)),
        Refusal::BadRequest(reason) => Failure::bad_request(reason),
    }
}

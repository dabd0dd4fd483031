//! The operations of the Jobs API and of the Job Artifacts API, under `/api/v4`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, head, post};
use gitlab_jobs_schema as models;
use serde_json::Value;

use crate::App;
use crate::artifact_routes;
use crate::auth::{Caller, JobTokens};
use crate::config::Feature;
use crate::errors::Failure;
use crate::pagination::{Paging, keyset_page, offset_page, wants_keyset};
use crate::query::parse_bool;
use crate::render;
use crate::request::Incoming;
use crate::respond::{json, json_page};
use crate::store::{self, Kind, Refusal, Role, Store};

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
            get(list_pipeline_trigger_jobs),
        ),
        (
            Method::GET,
            "/projects/{id}/pipelines/{pipeline_id}/trigger_jobs",
            get(list_pipeline_trigger_jobs_since_19_2),
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
        (
            Method::GET,
            "/projects/{id}/jobs/{job_id}/artifacts",
            get(artifact_routes::download_job_artifacts),
        ),
        (
            Method::DELETE,
            "/projects/{id}/jobs/{job_id}/artifacts",
            delete(artifact_routes::delete_job_artifacts),
        ),
        (
            Method::GET,
            "/projects/{id}/jobs/artifacts/{ref_name}/download",
            get(artifact_routes::by_ref),
        ),
        // GitLab answers HEAD wherever it answers GET; the contract names the archives'.
        (
            Method::HEAD,
            "/projects/{id}/jobs/{job_id}/artifacts",
            head(artifact_routes::download_job_artifacts),
        ),
        (
            Method::HEAD,
            "/projects/{id}/jobs/artifacts/{ref_name}/download",
            head(artifact_routes::by_ref),
        ),
        (
            Method::GET,
            "/projects/{id}/jobs/{job_id}/artifacts/tree",
            get(artifact_routes::list_job_artifact_entries),
        ),
        (
            Method::GET,
            "/projects/{id}/jobs/{job_id}/artifacts/{artifact_path}",
            get(artifact_routes::get_job_artifact_file),
        ),
        (
            Method::GET,
            "/projects/{id}/jobs/artifacts/{ref_name}/raw/{artifact_path}",
            get(artifact_routes::by_ref),
        ),
        (
            Method::POST,
            "/projects/{id}/jobs/{job_id}/artifacts/keep",
            post(artifact_routes::keep_job_artifacts),
        ),
        (
            Method::DELETE,
            "/projects/{id}/artifacts",
            delete(artifact_routes::delete_project_artifacts),
        ),
    ]
}

/// Where the router mounts a route of [`table`]: `{artifact_path}` takes the rest of the path,
/// slashes and all; and as a `ref_name` may have slashes too, the two routes by ref are one,
/// which finds where the ref ends (`artifact_routes::by_ref`).
pub fn mount_path(path: &str) -> String {
    if let Some(project) = path.strip_suffix("/jobs/artifacts/{ref_name}/download") {
        return format!("{project}/jobs/artifacts/{{*ref_route}}");
    }
    if let Some(project) = path.strip_suffix("/jobs/artifacts/{ref_name}/raw/{artifact_path}") {
        return format!("{project}/jobs/artifacts/{{*ref_route}}");
    }
    path.replace("{artifact_path}", "{*artifact_path}")
}

/// `GET /projects/:id/jobs`: builds only, retried ones included, newest first.
async fn list_project_jobs(State(app): State<App>, request: Incoming) -> Answer {
    let store = app.store();
    let caller = request.signed_in(&store, JobTokens::Accepted)?;
    let query = &request.query;
    let scope = query.scope(true)?;
    let paging = Paging::read(query)?;
    let keyset = wants_keyset(query)?;
    app.check_jobs_rate_limit(caller)?;
    let project = request.project(&store, caller)?;
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
    let location = request.location();
    let (ids, headers) = if keyset {
        keyset_page(ids, &location, paging)?
    } else {
        offset_page(ids, &location, paging, false)?
    };
    let now = store::now();
    let jobs: Vec<models::Job> = ids
        .iter()
        .map(|id| render::job(&store, &store.jobs[id], now))
        .collect();
    drop(store);
    Ok(json_page(&jobs, headers))
}

/// `GET /projects/:id/pipelines/:pipeline_id/jobs`: builds, retried ones only on request.
async fn list_pipeline_jobs(State(app): State<App>, request: Incoming) -> Answer {
    let store = app.store();
    let caller = request.caller(&store, JobTokens::Accepted)?;
    let query = &request.query;
    let scope = query.scope(false)?;
    let include_retried = query.bool("include_retried")?.unwrap_or(false);
    let paging = Paging::read(query)?;
    let (project, pipeline) = request.pipeline(&store, caller)?;
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
    let (ids, headers) = offset_page(ids, &request.location(), paging, true)?;
    let now = store::now();
    let jobs: Vec<models::Job> = ids
        .iter()
        .map(|id| render::job(&store, &store.jobs[id], now))
        .collect();
    drop(store);
    Ok(json_page(&jobs, headers))
}

/// `GET /projects/:id/pipelines/:pipeline_id/trigger_jobs` (GitLab 19.2) and the `bridges`
/// route it deprecates, which answer alike: trigger jobs that were not retried.
/// `GET /projects/:id/pipelines/:pipeline_id/trigger_jobs`: GitLab 19.2 added it beside
/// `/bridges`; before, it is a route GitLab does not have.
async fn list_pipeline_trigger_jobs_since_19_2(app: State<App>, request: Incoming) -> Answer {
    if app.config.gitlab_version < crate::Version::new(19, 2, 0) {
        return Err(Failure::no_route());
    }
    list_pipeline_trigger_jobs(app, request).await
}

/// `GET /projects/:id/pipelines/:pipeline_id/bridges` (and `trigger_jobs`).
async fn list_pipeline_trigger_jobs(State(app): State<App>, request: Incoming) -> Answer {
    let store = app.store();
    let caller = request.caller(&store, JobTokens::Ignored)?;
    let query = &request.query;
    let scope = query.scope(false)?;
    let paging = Paging::read(query)?;
    let (project, pipeline) = request.pipeline(&store, caller)?;
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
    let (ids, headers) = offset_page(ids, &request.location(), paging, true)?;
    let now = store::now();
    let bridges: Vec<models::Bridge> = ids
        .iter()
        .map(|id| render::bridge(&store, &store.jobs[id], now))
        .collect();
    drop(store);
    Ok(json_page(&bridges, headers))
}

/// `GET /job`.
async fn get_job_by_token(State(app): State<App>, request: Incoming) -> Answer {
    let store = app.store();
    let job_id = request.token_job(&store)?;
    let job = render::job(&store, &store.jobs[&job_id], store::now());
    Ok(json(StatusCode::OK, &job, HeaderMap::new()))
}

/// `GET /job/allowed_agents`.
async fn get_allowed_agents(State(app): State<App>, request: Incoming) -> Answer {
    let store = app.store();
    let job_id = request.token_job(&store)?;
    let job = &store.jobs[&job_id];
    let highest = Caller::Job { job_id }
        .role(&store, &store.projects[&job.project_id])
        .unwrap_or(Role::Guest);
    let answer = render::allowed_agents(&store, job, highest);
    Ok(json(StatusCode::OK, &answer, HeaderMap::new()))
}

/// `GET /projects/:id/jobs/:job_id`: builds only; a trigger job is not found here.
async fn get_job(State(app): State<App>, request: Incoming) -> Answer {
    let store = app.store();
    let job = request.readable_job(&store)?;
    Ok(json(
        StatusCode::OK,
        &render::job(&store, job, store::now()),
        HeaderMap::new(),
    ))
}

/// `GET /projects/:id/jobs/:job_id/trace`: the log (see [`crate::log`]), or a redirect to
/// object storage.
async fn get_job_log(State(app): State<App>, request: Incoming) -> Answer {
    let store = app.store();
    let caller = request.signed_in(&store, JobTokens::Ignored)?;
    let window = crate::log::Window::parse(&request.query)?;
    let (project, job) = request.job(&store, caller, false)?;
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
    let ask = crate::log::Ask {
        headers: &request.headers,
        archived_by_workhorse: app
            .config
            .flag(Feature::CiJobTraceApiArchivedLogViaWorkhorse)
            && app.config.gitlab_version >= crate::Version::new(19, 5, 0),
        window: window.filter(|_| app.config.flag(Feature::CiJobTraceApiRangeViaWorkhorse)),
        live_ranges: app.config.live_log_ranges,
    };
    let (response, served) = crate::log::answer(job, ask);
    app.log_bytes
        .fetch_add(served, std::sync::atomic::Ordering::Relaxed);
    Ok(response)
}

/// The parameters of a job action: a JSON body's, typed as sent, and the query's and a form
/// body's, as strings that Grape coerces.
struct ActionParams {
    json: serde_json::Map<String, Value>,
    text: Vec<(String, String)>,
}

impl ActionParams {
    fn read(request: &Incoming, body: &Bytes) -> Result<Self, Failure> {
        let mut params = ActionParams {
            json: serde_json::Map::new(),
            text: request.query.pairs().to_vec(),
        };
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(params);
        }
        let content_type = request
            .headers
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("");
        if content_type.starts_with("application/json") {
            // The front checked the JSON already. GitLab (Grape) reads a body that is not an
            // object as no parameters. The contract allows an object or `null`, which
            // generated Go and Java clients send for "no body"; the sandbox refuses the rest,
            // as it refuses other values GitLab ignores.
            match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(object)) => params.json = object,
                Ok(Value::Null) => {}
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

    /// A hash of job inputs, `inputs` or `job_inputs`, in a JSON body: values that are
    /// strings, numbers, booleans or arrays, as a job's `spec:inputs` types allow. Absent,
    /// `null` and `{}` are none.
    fn inputs(&self, name: &str) -> Result<Option<&serde_json::Map<String, Value>>, Failure> {
        match self.json.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(inputs)) => {
                for (input, value) in inputs {
                    if !matches!(
                        value,
                        Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Array(_)
                    ) {
                        return Err(Failure::invalid(&format!("{name}[{input}]")));
                    }
                }
                Ok((!inputs.is_empty()).then_some(inputs))
            }
            Some(_) => Err(Failure::invalid(name)),
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
                        match item.get("variable_type") {
                            None | Some(Value::Null) => {}
                            Some(Value::String(kind)) if kind == "env_var" || kind == "file" => {}
                            Some(_) => {
                                return Err(Failure::invalid_value(&format!(
                                    "{name}[{index}][variable_type]"
                                )));
                            }
                        }
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

/// `POST /projects/:id/jobs/:job_id/cancel`.
async fn cancel_job(State(app): State<App>, request: Incoming, body: Bytes) -> Answer {
    let mut store = app.store_mut();
    let caller = request.acting(&store)?;
    let force = ActionParams::read(&request, &body)?
        .boolean("force")?
        .unwrap_or(false);
    let (project, job) = request.job(&store, caller, false)?;
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
async fn retry_job(State(app): State<App>, request: Incoming, body: Bytes) -> Answer {
    let mut store = app.store_mut();
    let caller = request.acting(&store)?;
    let params = ActionParams::read(&request, &body)?;
    let inputs = params.inputs("inputs")?;
    let (project, job) = request.job(&store, caller, true)?;
    app.check_job_action_rate_limit(
        crate::Limit::JobRetry,
        caller.user_id(&store).unwrap_or_default(),
        project.id,
        job.id,
    )?;
    if !caller.can_update_jobs(&store, project) {
        return Err(Failure::forbidden(None));
    }
    if inputs.is_some() && !app.config.flag(Feature::CiJobInputs) {
        return Err(Failure::forbidden(Some(
            "The inputs parameter is not available",
        )));
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
async fn erase_job(State(app): State<App>, request: Incoming) -> Answer {
    let mut store = app.store_mut();
    let caller = request.acting(&store)?;
    let (project, job) = request.job(&store, caller, false)?;
    if !caller.can_erase(&store, project, job) {
        return Err(Failure::forbidden(None));
    }
    let job_id = job.id;
    let now = store::now();
    store.erase(job_id, now).map_err(refusal)?;
    Ok(created(&store, job_id, now))
}

/// `POST /projects/:id/jobs/:job_id/play`: manual builds and trigger jobs.
async fn play_job(State(app): State<App>, request: Incoming, body: Bytes) -> Answer {
    let mut store = app.store_mut();
    let caller = request.acting(&store)?;
    let params = ActionParams::read(&request, &body)?;
    let variables = params.variables()?;
    params.inputs("job_inputs")?;
    let (project, job) = request.job(&store, caller, true)?;
    app.check_job_action_rate_limit(
        crate::Limit::JobPlay,
        caller.user_id(&store).unwrap_or_default(),
        project.id,
        job.id,
    )?;
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

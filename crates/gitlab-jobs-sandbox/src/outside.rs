//! Routes outside the Jobs contract that GitLab clients call around it, so that their usual
//! code runs against the sandbox unmodified: python-gitlab's `auth()` and its CLI check the
//! token with `GET /user`, and scripts read `GET /version`, a project (`GET /projects/:id`)
//! and a pipeline (`GET /projects/:id/pipelines/:pipeline_id`) before their job calls.
//!
//! Each answers with GitLab's authentication and visibility, and with a subset of the keys of
//! GitLab's entity (`UserPublic`, the version hash, `ProjectWithAccess` or `ProjectDetails`,
//! `Ci::Pipeline`): the ones those clients read, with the values GitLab would send. None of
//! them is in `openapi/openapi.yaml`, which describes the Jobs API only.

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use serde_json::{Value, json};

use crate::App;
use crate::auth::{Caller, JobTokens};
use crate::errors::Failure;
use crate::render;
use crate::request::Incoming;
use crate::store::{Project, Role, Store, Time};

/// Every route outside the contract: method, path under `/api/v4`, handler.
pub fn table() -> Vec<(Method, &'static str, MethodRouter<App>)> {
    vec![
        (Method::GET, "/user", get(current_user)),
        (Method::GET, "/version", get(version)),
        (Method::GET, "/projects/{id}", get(project)),
        (
            Method::GET,
            "/projects/{id}/pipelines/{pipeline_id}",
            get(pipeline),
        ),
    ]
}

fn json(body: Value) -> Response {
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// A time as GitLab writes it (`Time#iso8601(3)`).
fn time(at: Time) -> Value {
    Value::String(at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

/// `GET /user`: the token's user, as `API::Entities::UserPublic` (with `is_admin` for an
/// administrator). Job tokens are not accepted here.
async fn current_user(State(app): State<App>, request: Incoming) -> Result<Response, Failure> {
    let store = app.store();
    let Caller::User { user_id, .. } = request.caller(&store, JobTokens::Ignored)? else {
        return Err(Failure::unauthorized());
    };
    let user = &store.users[&user_id];
    let mut body = serde_json::to_value(render::user(&store, user_id)).unwrap_or_default();
    let email = format!("{}@example.com", user.username);
    let at = time(user.created_at);
    let extra = json!({
        "last_sign_in_at": at,
        "confirmed_at": at,
        "last_activity_on": user.created_at.date_naive(),
        "email": email,
        "theme_id": 3,
        "color_scheme_id": 1,
        "projects_limit": 100000,
        "current_sign_in_at": at,
        "identities": [],
        "can_create_group": true,
        "can_create_project": true,
        "two_factor_enabled": false,
        "external": false,
        "private_profile": false,
        "commit_email": email,
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
        if user.admin {
            body.insert("is_admin".into(), Value::Bool(true));
        }
    }
    Ok(json(body))
}

/// `GET /version`: any authenticated user. The version is the sandbox's
/// [`Config::gitlab_version`](crate::Config), whose features it serves.
async fn version(State(app): State<App>, request: Incoming) -> Result<Response, Failure> {
    let store = app.store();
    request.signed_in(&store, JobTokens::Ignored)?;
    Ok(json(json!({
        "version": app.config.gitlab_version.to_string(),
        "revision": "5a4dbox0",
        "kas": {
            "enabled": false,
            "externalUrl": null,
            "externalK8sProxyUrl": null,
            "version": null
        },
        "enterprise": false
    })))
}

/// `GET /projects/:id`: `ProjectWithAccess` for a signed-in user, `ProjectDetails` without
/// one, for a project the caller may see.
async fn project(State(app): State<App>, request: Incoming) -> Result<Response, Failure> {
    let store = app.store();
    let caller = request.caller(&store, JobTokens::Ignored)?;
    let project = request.project(&store, caller)?;
    let mut body = project_details(&store, project);
    if let (Caller::User { .. }, Some(object)) = (caller, body.as_object_mut()) {
        let access = caller
            .role(&store, project)
            .map(|role| json!({"access_level": access_level(role), "notification_level": 3}));
        object.insert(
            "permissions".into(),
            json!({"project_access": access, "group_access": null}),
        );
    }
    Ok(json(body))
}

fn access_level(role: Role) -> u8 {
    role as u8
}

fn project_details(store: &Store, project: &Project) -> Value {
    let web = &store.web_url;
    let path = &project.path_with_namespace;
    let (namespace_path, _) = path.rsplit_once('/').unwrap_or(("", path));
    let namespace_name = project
        .name_with_namespace
        .rsplit_once(" / ")
        .map_or("", |(namespace, _)| namespace);
    let owner = store
        .users
        .values()
        .find(|user| user.username == namespace_path);
    let namespace = match (project.group_ids.first(), owner) {
        (Some(&id), _) => json!({
            "id": id,
            "name": namespace_name.rsplit(" / ").next().unwrap_or(namespace_name),
            "path": namespace_path.rsplit('/').next().unwrap_or(namespace_path),
            "kind": "group",
            "full_path": namespace_path,
            "parent_id": project.group_ids.get(1),
            "avatar_url": null,
            "web_url": format!("{web}/groups/{namespace_path}"),
        }),
        (None, owner) => json!({
            "id": owner.map_or(0, |user| 1000 + user.id),
            "name": namespace_name,
            "path": namespace_path,
            "kind": "user",
            "full_path": namespace_path,
            "parent_id": null,
            "avatar_url": null,
            "web_url": format!("{web}/{namespace_path}"),
        }),
    };
    json!({
        "id": project.id,
        "description": project.description,
        "name": project.name,
        "name_with_namespace": project.name_with_namespace,
        "path": project.path,
        "path_with_namespace": path,
        "created_at": time(project.created_at),
        "default_branch": "main",
        "tag_list": [],
        "topics": [],
        "ssh_url_to_repo": format!("git@{}:{path}.git", web.trim_start_matches("http://")),
        "http_url_to_repo": format!("{web}/{path}.git"),
        "web_url": format!("{web}/{path}"),
        "readme_url": null,
        "forks_count": 0,
        "avatar_url": null,
        "star_count": 0,
        "last_activity_at": time(project.created_at),
        "visibility": if project.public { "public" } else { "private" },
        "namespace": namespace,
        "empty_repo": false,
        "archived": false,
        "jobs_enabled": true,
        "public_jobs": true,
        "ci_job_token_scope_enabled": project.job_token_scope_enabled,
    })
}

/// `GET /projects/:id/pipelines/:pipeline_id`: a pipeline of a project the caller may see, as
/// `API::Entities::Ci::Pipeline`. Job tokens are accepted, as for the pipeline's jobs.
async fn pipeline(State(app): State<App>, request: Incoming) -> Result<Response, Failure> {
    let store = app.store();
    let caller = request.caller(&store, JobTokens::Accepted)?;
    let (project, pipeline) = request.pipeline(&store, caller)?;
    let jobs = store
        .jobs
        .values()
        .filter(|job| job.pipeline_id == pipeline.id && !job.retried);
    let started_at = jobs.clone().filter_map(|job| job.started_at).min();
    let finished_at = jobs
        .filter_map(|job| job.finished_at)
        .max()
        .filter(|_| pipeline.status.is_terminal());
    let duration = started_at
        .zip(finished_at)
        .map(|(start, end)| (end - start).num_seconds());
    let status = pipeline.status.to_string();
    let mut body = serde_json::to_value(render::pipeline(&store, pipeline.id)).unwrap_or_default();
    let extra = json!({
        "before_sha": "0000000000000000000000000000000000000000",
        "tag": pipeline.tag,
        "yaml_errors": null,
        "user": serde_json::to_value(render::user_basic(&store, pipeline.user_id)).unwrap_or_default(),
        "started_at": started_at.map(time),
        "finished_at": finished_at.map(time),
        "committed_at": null,
        "duration": duration,
        "queued_duration": null,
        "coverage": null,
        "detailed_status": {
            "icon": format!("status_{status}"),
            "text": status,
            "label": status,
            "group": status,
            "tooltip": status,
            "has_details": true,
            "details_path": format!("/{}/-/pipelines/{}", project.path_with_namespace, pipeline.id),
            "illustration": null,
            "favicon": format!("/assets/ci_favicons/favicon_status_{status}.png"),
        },
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    Ok(json(body))
}

//! The eight operations of the Job Artifacts API (`lib/api/ci/job_artifacts.rb`): archives and
//! their files served from [`crate::artifacts`], the browser, keeping and deleting.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{
    ACCEPT_RANGES, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, ETAG,
    IF_NONE_MATCH, RANGE,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use gitlab_jobs_schema::{self as models, ArtifactFileType, JobStatus, SometimesSent};

use crate::App;
use crate::artifacts::{self, Archive, Entry};
use crate::auth::{Caller, JobTokens};
use crate::config::ArtifactsStorage;
use crate::errors::Failure;
use crate::pagination::{Paging, offset_page};
use crate::request::Incoming;
use crate::respond::{json, json_page};
use crate::store::{self, Job, Role, Store};

type Answer = Result<Response, Failure>;

/// Whether `job` has an archive that has not expired (`available_artifacts?`).
fn has_archive(job: &Job, now: store::Time) -> bool {
    job.artifacts
        .iter()
        .any(|artifact| artifact.file_type == ArtifactFileType::Archive)
        && job.artifacts_expire_at.is_none_or(|expiry| expiry > now)
}

/// The caller of a read: anyone, a job token included; the project must be visible and its
/// jobs readable.
fn readable_job<'s>(store: &'s Store, request: &Incoming) -> Result<(Caller, &'s Job), Failure> {
    let caller = request.caller(store, JobTokens::Accepted)?;
    let (project, job) = request.job(store, caller, false)?;
    if !caller.can_read_jobs(store, project) {
        return Err(Failure::forbidden(None));
    }
    Ok((caller, job))
}

/// `GET /projects/:id/jobs/:job_id/artifacts`.
pub async fn download_job_artifacts(State(app): State<App>, request: Incoming) -> Answer {
    let archive = {
        let store = app.store();
        let (_, job) = readable_job(&store, &request)?;
        if !has_archive(job, store::now()) {
            return Err(Failure::resource_not_found(None));
        }
        if let Some(url) = app.signed_archive_url(job.id) {
            return Ok(redirect(&url));
        }
        app.archive(&store, job)
    };
    Ok(serve_archive(&app, &archive, &request.headers))
}

/// A 302 to object storage.
fn redirect(url: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    response
        .headers_mut()
        .insert(axum::http::header::LOCATION, header(url));
    response
}

/// An archive as the storage mode serves it from GitLab's host: local storage honours
/// `Range`; a proxy fetches the whole file.
fn serve_archive(app: &App, archive: &Arc<Archive>, headers: &HeaderMap) -> Response {
    let mut headers = headers.clone();
    if app.config.artifacts_storage == ArtifactsStorage::Proxy {
        headers.remove(RANGE);
    }
    send_archive(archive, &headers, app.breaks_download())
}

/// `GET /projects/:id/jobs/artifacts/:ref_name/download?job=` and
/// `.../:ref_name/raw/*artifact_path?job=`: one route, as a ref may have slashes too. Like
/// GitLab's, its pattern is greedy: the ref runs to the last `/download` or `/raw/`.
pub async fn by_ref(State(app): State<App>, request: Incoming) -> Answer {
    let rest = request.params.get("ref_route").cloned().unwrap_or_default();
    let (ref_name, file) = if let Some(ref_name) = rest.strip_suffix("/download") {
        (ref_name.to_owned(), None)
    } else if let Some((ref_name, path)) = rest.rsplit_once("/raw/") {
        (ref_name.to_owned(), Some(path.to_owned()))
    } else {
        return Err(Failure::no_route());
    };
    let archive = {
        let store = app.store();
        let caller = request.caller(&store, JobTokens::Accepted)?;
        let name = request
            .query
            .get("job")
            .ok_or_else(|| Failure::missing("job"))?
            .to_owned();
        let search = request
            .query
            .bool("search_recent_successful_pipelines")?
            .unwrap_or(false);
        let project = request.project(&store, caller)?;
        if !caller.can_read_jobs(&store, project) {
            return Err(Failure::forbidden(None));
        }
        let job = newest_with_artifacts(&store, project.id, &ref_name, &name, search)?;
        if file.is_none()
            && let Some(url) = app.signed_archive_url(job.id)
        {
            return Ok(redirect(&url));
        }
        app.archive(&store, job)
    };
    match file {
        None => Ok(serve_archive(&app, &archive, &request.headers)),
        Some(path) => send_file(&archive, &path, &request.headers, app.breaks_download()),
    }
}

/// The build named `name` with an archive in the newest successful pipeline of `ref_name`, or
/// with `search`, in the newest of up to 100 recent successful pipelines that has one.
fn newest_with_artifacts<'s>(
    store: &'s Store,
    project_id: i64,
    ref_name: &str,
    name: &str,
    search: bool,
) -> Result<&'s Job, Failure> {
    let now = store::now();
    let mut successful = store.pipelines.values().rev().filter(|pipeline| {
        pipeline.project_id == project_id
            && pipeline.r#ref == ref_name
            && pipeline.status == JobStatus::Success
    });
    let in_pipeline = |pipeline_id: i64| {
        store
            .project_jobs
            .get(&project_id)
            .into_iter()
            .flatten()
            .rev()
            .map(|id| &store.jobs[id])
            .find(|job| {
                job.pipeline_id == pipeline_id
                    && job.is_build()
                    && !job.retried
                    && job.name == name
                    && has_archive(job, now)
            })
    };
    if search {
        successful
            .take(100)
            .find_map(|pipeline| in_pipeline(pipeline.id))
            .ok_or_else(|| Failure::resource_not_found(Some("Job")))
    } else {
        successful
            .next()
            .and_then(|pipeline| in_pipeline(pipeline.id))
            .ok_or_else(Failure::not_found)
    }
}

/// `GET /projects/:id/jobs/:job_id/artifacts/*artifact_path`.
pub async fn get_job_artifact_file(State(app): State<App>, request: Incoming) -> Answer {
    let path = request
        .params
        .get("artifact_path")
        .cloned()
        .unwrap_or_default();
    let archive = {
        let store = app.store();
        let (_, job) = readable_job(&store, &request)?;
        if !has_archive(job, store::now()) {
            return Err(Failure::resource_not_found(None));
        }
        app.archive(&store, job)
    };
    send_file(&archive, &path, &request.headers, app.breaks_download())
}

/// `GET /projects/:id/jobs/:job_id/artifacts/tree`.
pub async fn list_job_artifact_entries(State(app): State<App>, request: Incoming) -> Answer {
    let paging = Paging::read(&request.query)?;
    let recursive = request.query.bool("recursive")?.unwrap_or(false);
    let path = request.query.get("path").unwrap_or("").to_owned();
    let archive = {
        let store = app.store();
        let (_, job) = readable_job(&store, &request)?;
        if !has_archive(job, store::now()) {
            return Err(Failure::resource_not_found(Some("Artifacts")));
        }
        app.archive(&store, job)
    };
    let listed = artifacts::list(archive.entries(), &path, recursive)
        .ok_or_else(|| Failure::resource_not_found(Some("Path")))?;
    let (page, headers) = offset_page(listed.into_iter(), &request.location(), paging, true)?;
    let entries: Vec<models::ArtifactEntry> = page.into_iter().map(render_entry).collect();
    Ok(json_page(&entries, headers))
}

fn render_entry(entry: &Entry) -> models::ArtifactEntry {
    models::ArtifactEntry {
        name: entry.name().to_owned(),
        path: entry.path.clone(),
        kind: if entry.is_directory() {
            models::ArtifactEntryType::Directory
        } else {
            models::ArtifactEntryType::File
        },
        size: SometimesSent((!entry.is_directory()).then(|| entry.content.len() as i64)),
        mode: Some(format!("{:06o}", entry.mode())),
    }
}

/// `POST /projects/:id/jobs/:job_id/artifacts/keep`: 200 with the job, its expiry cleared.
pub async fn keep_job_artifacts(State(app): State<App>, request: Incoming) -> Answer {
    let mut store = app.store_mut();
    let caller = request.acting(&store)?;
    let (project, job) = request.job(&store, caller, false)?;
    if !caller.can_update_jobs(&store, project) {
        return Err(Failure::forbidden(None));
    }
    let now = store::now();
    if !has_archive(job, now) {
        return Err(Failure::not_found());
    }
    let job_id = job.id;
    if let Some(job) = store.jobs.get_mut(&job_id) {
        job.artifacts_expire_at = None;
    }
    let job = crate::render::job(&store, &store.jobs[&job_id], now);
    Ok(json(StatusCode::OK, &job, HeaderMap::new()))
}

/// `DELETE /projects/:id/jobs/:job_id/artifacts`: every artifact but the log; 204.
pub async fn delete_job_artifacts(State(app): State<App>, request: Incoming) -> Answer {
    let mut store = app.store_mut();
    let caller = request.acting(&store)?;
    let (project, job) = request.job(&store, caller, false)?;
    if caller
        .role(&store, project)
        .is_none_or(|role| role < Role::Maintainer)
    {
        return Err(Failure::forbidden(None));
    }
    let job_id = job.id;
    if let Some(job) = store.jobs.get_mut(&job_id) {
        job.artifacts
            .retain(|artifact| artifact.file_type == ArtifactFileType::Trace);
        if job.artifacts.is_empty() {
            job.artifacts_expire_at = None;
        }
    }
    app.forget_archive(job_id);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /projects/:id/artifacts`: expires every artifact of the project now, but those of
/// each ref's newest successful pipeline; 202 with `accepted!`'s message.
pub async fn delete_project_artifacts(State(app): State<App>, request: Incoming) -> Answer {
    let mut store = app.store_mut();
    let caller = request.acting(&store)?;
    let project = request.project(&store, caller)?;
    if caller
        .role(&store, project)
        .is_none_or(|role| role < Role::Maintainer)
    {
        return Err(Failure::forbidden(None));
    }
    let project_id = project.id;
    let mut locked: std::collections::HashMap<&str, i64> = std::collections::HashMap::new();
    for pipeline in store.pipelines.values() {
        if pipeline.project_id == project_id && pipeline.status == JobStatus::Success {
            let newest = locked.entry(pipeline.r#ref.as_str()).or_insert(pipeline.id);
            *newest = (*newest).max(pipeline.id);
        }
    }
    let locked: std::collections::HashSet<i64> = locked.into_values().collect();
    let now = store::now();
    let expiring: Vec<i64> = store
        .project_jobs
        .get(&project_id)
        .into_iter()
        .flatten()
        .copied()
        .filter(|id| {
            let job = &store.jobs[id];
            !job.artifacts.is_empty() && !locked.contains(&job.pipeline_id)
        })
        .collect();
    for id in expiring {
        if let Some(job) = store.jobs.get_mut(&id) {
            job.artifacts_expire_at = Some(now);
        }
    }
    Ok(json(
        StatusCode::ACCEPTED,
        &models::ApiError::Message(models::MessageBody {
            message: "202 Accepted".into(),
        }),
        HeaderMap::new(),
    ))
}

/// An archive, whole or the one range `Range` asks for, or a 304 while `If-None-Match` names
/// its `ETag`.
pub(crate) fn send_archive(archive: &Arc<Archive>, headers: &HeaderMap, breaks: bool) -> Response {
    let etag = header(archive.etag());
    if matches(headers, archive.etag()) {
        return (StatusCode::NOT_MODIFIED, [(ETAG, etag)]).into_response();
    }
    let len = archive.len();
    let (status, start, end) = match requested_range(headers, len) {
        Ok(Some((start, end))) => (StatusCode::PARTIAL_CONTENT, start, end),
        Ok(None) => (StatusCode::OK, 0, len),
        Err(()) => {
            return (
                StatusCode::RANGE_NOT_SATISFIABLE,
                [
                    (
                        CONTENT_TYPE,
                        HeaderValue::from_static("text/plain; charset=utf-8"),
                    ),
                    (CONTENT_RANGE, header(&format!("bytes */{len}"))),
                ],
                "invalid range: failed to overlap\n",
            )
                .into_response();
        }
    };
    let mut response = Response::new(body(archive.read(start, end), end - start, breaks));
    *response.status_mut() = status;
    let out = response.headers_mut();
    out.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    out.insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"artifacts.zip\""),
    );
    out.insert(CONTENT_LENGTH, header(&(end - start).to_string()));
    out.insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    out.insert(ETAG, etag);
    if status == StatusCode::PARTIAL_CONTENT {
        out.insert(
            CONTENT_RANGE,
            header(&format!("bytes {start}-{}/{len}", end - 1)),
        );
    }
    response
}

/// One file of `archive`, whole, with the media type its name suggests.
fn send_file(archive: &Arc<Archive>, path: &str, headers: &HeaderMap, breaks: bool) -> Answer {
    if !artifacts::valid_path(path) {
        return Err(Failure::bare_bad_request());
    }
    let entry = archive
        .file(path)
        .ok_or_else(|| Failure::resource_not_found(None))?;
    let tag = format!(
        "\"{}-{:08x}\"",
        archive.etag().trim_matches('"'),
        crc32fast::hash(path.as_bytes())
    );
    if matches(headers, &tag) {
        return Ok((StatusCode::NOT_MODIFIED, [(ETAG, header(&tag))]).into_response());
    }
    let mut response = Response::new(body(Archive::read_file(entry), entry.content.len(), breaks));
    let out = response.headers_mut();
    out.insert(
        CONTENT_TYPE,
        HeaderValue::from_static(artifacts::media_type(path)),
    );
    let name = entry.name().replace(['"', '\\'], "_");
    out.insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
            .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
    );
    out.insert(CONTENT_LENGTH, header(&entry.content.len().to_string()));
    out.insert(ETAG, header(&tag));
    Ok(response)
}

/// A body of `len` bytes made of `chunks`, which breaks off after half of them, and at least
/// 64 KiB, when `breaks`: the connection ends with the body short of its `Content-Length`. A
/// resumed download of a body that breaks every time so still ends.
fn body(
    chunks: impl Iterator<Item = bytes::Bytes> + Send + 'static,
    len: u64,
    breaks: bool,
) -> Body {
    let mut sent = 0u64;
    let breaks = breaks && len > 64 * 1024;
    let half = (len / 2).max(64 * 1024);
    let chunks = chunks.map(move |chunk| {
        if breaks && sent + chunk.len() as u64 > half {
            let keep = (half - sent) as usize;
            sent = half;
            return vec![
                Ok(chunk.slice(..keep)),
                Err(std::io::Error::other("the connection broke off")),
            ];
        }
        sent += chunk.len() as u64;
        vec![Ok(chunk)]
    });
    let stream = futures_util::stream::iter(chunks.flatten())
        .scan(false, |failed, item| {
            // Nothing after the break.
            let next = (!*failed).then_some(item);
            if let Some(Err(_)) = &next {
                *failed = true;
            }
            futures_util::future::ready(next)
        })
        .then(|item| async move {
            // The bytes before a break leave before it, as on a connection that drops.
            if item.is_err() {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            item
        });
    Body::from_stream(stream)
}

fn header(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Whether `If-None-Match` names `etag` (or is `*`).
fn matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

/// The one range `Range` asks for within `len` bytes, as `start..end`: None for no range, a
/// malformed one or several (the whole answer then, as RFC 9110 allows), an error for one that
/// starts past the end.
fn requested_range(headers: &HeaderMap, len: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(spec) = headers
        .get(RANGE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().strip_prefix("bytes="))
    else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((first, last)) = spec.split_once('-') else {
        return Ok(None);
    };
    let (first, last) = (first.trim(), last.trim());
    if first.is_empty() {
        // The last `n` bytes.
        return match last.parse::<u64>() {
            Ok(0) => Err(()),
            Ok(n) => Ok(Some((len.saturating_sub(n), len))),
            Err(_) => Ok(None),
        };
    }
    let Ok(start) = first.parse::<u64>() else {
        return Ok(None);
    };
    let end = match last {
        "" => len,
        last => match last.parse::<u64>() {
            Ok(last) if last >= start => (last + 1).min(len),
            _ => return Ok(None),
        },
    };
    if start >= len {
        return Err(());
    }
    Ok(Some((start, end)))
}

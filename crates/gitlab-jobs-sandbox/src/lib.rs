//! A faithful fake of GitLab's REST Jobs API (v4) on loopback.
//!
//! It serves the twelve operations of the `gitlab-jobs` contract under `/api/v4`, over a
//! seeded, deterministic data set, with GitLab's authentication, permissions, pagination,
//! state machine, error bodies and rate limit; and, on request, faults: latency, server
//! errors, an instance throttle's 429s, dropped connections, and log redirects to a second
//! origin. Every body the Jobs API sends is one of `gitlab-jobs-schema`'s models.
//!
//! In front of the API it answers as GitLab's middleware and proxy do (plain-text `Bad
//! Request` for malformed strings, JSON errors for unreadable JSON bodies, NGINX's 413 past
//! 250 MiB), and beside it, it serves the few routes outside the contract that clients call
//! around it ([`outside`]: the current user, the version, a project, a pipeline).
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let sandbox = gitlab_jobs_sandbox::Sandbox::start(Default::default()).await?;
//! println!("GitLab API at {}", sandbox.url());
//! # Ok(())
//! # }
//! ```

mod artifact_routes;
pub mod artifacts;
pub mod auth;
mod broken;
pub mod config;
pub mod contract;
pub mod data;
mod errors;
mod faults;
mod front;
mod log;
pub mod outside;
pub mod pagination;
pub mod query;
mod render;
mod request;
mod respond;
pub mod routes;
pub mod store;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::IntoResponse;
use axum::routing::MethodRouter;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{ArtifactsStorage, Config, Faults, Feature, GrowLogs, Tokens, Version};

use crate::auth::Caller;
use crate::errors::Failure;
use crate::store::Store;

/// The state every handler shares.
#[derive(Clone)]
pub struct App {
    store: Arc<RwLock<Store>>,
    config: Arc<Config>,
    rng: Arc<Mutex<fastrand::Rng>>,
    limiter: Arc<Mutex<Counts>>,
    /// The second origin logs redirect to, when that fault is on.
    log_origin: Option<String>,
    /// The second origin artifacts archives redirect to, with `--artifacts-storage redirect`.
    artifacts_origin: Option<String>,
    /// Bytes of log bodies served, for tests and benchmarks of log readers.
    log_bytes: Arc<AtomicU64>,
    /// The artifacts archives laid out so far, by job: each file's CRC-32 is read once.
    archives: Arc<Mutex<HashMap<i64, Arc<artifacts::Archive>>>>,
}

impl App {
    /// The artifacts archive of `job`, laid out on first use.
    fn archive(&self, store: &Store, job: &store::Job) -> Arc<artifacts::Archive> {
        archive_of(&self.archives, store, job)
    }

    /// Where a redirect sends a download of `job`'s archive: a URL of the storage origin
    /// signed now, valid for `--signed-url-ttl-ms`.
    fn signed_archive_url(&self, job_id: i64) -> Option<String> {
        let origin = self.artifacts_origin.as_ref()?;
        let date = unix_millis();
        let signature = sign(&signing_secret(self.config.seed), job_id, date);
        Some(format!(
            "{origin}/artifacts/{job_id}/artifacts.zip?X-Amz-Date={date}&X-Amz-Expires={}&X-Amz-Signature={signature}",
            self.config.signed_url_ttl.as_millis() / 1000
        ))
    }

    /// Whether this download breaks off halfway (`Faults::broken_downloads`).
    fn breaks_download(&self) -> bool {
        let share = self.config.faults.broken_downloads;
        share > 0.0 && self.rng.lock().expect("never poisoned").f64() < share
    }

    /// Forgets the archive of a job whose artifacts were deleted.
    fn forget_archive(&self, job_id: i64) {
        self.archives
            .lock()
            .expect("never poisoned")
            .remove(&job_id);
    }

    /// The store, for reading: requests that only read it run side by side.
    fn store(&self) -> RwLockReadGuard<'_, Store> {
        self.store
            .read()
            .expect("a handler never panics while holding the store")
    }

    /// The store, for changing it: one request at a time, for the whole of the change, so
    /// none is lost or half-applied.
    fn store_mut(&self) -> RwLockWriteGuard<'_, Store> {
        self.store
            .write()
            .expect("a handler never panics while holding the store")
    }

    /// GitLab's `jobs_index` limit: requests per user per interval to the project job list.
    fn check_jobs_rate_limit(&self, caller: Caller) -> Result<(), Failure> {
        let key = match caller {
            Caller::User { user_id, .. } => user_id,
            Caller::Job { job_id } => -job_id,
            Caller::Anonymous => 0,
        };
        self.check_rate_limit(Limit::JobsIndex, (key, 0), self.config.jobs_rate_limit)
    }

    /// GitLab 19.5's limits on retrying or playing a job: 3 per user and job, and per user
    /// and project 1250 retries or 750 plays, in each interval. Checked before the caller's
    /// permission, so refused calls count too.
    fn check_job_action_rate_limit(
        &self,
        action: Limit,
        user_id: i64,
        project_id: i64,
        job_id: i64,
    ) -> Result<(), Failure> {
        if !self.config.job_action_rate_limits
            || self.config.gitlab_version < config::Version::new(19, 5, 0)
        {
            return Ok(());
        }
        let per_project = match action {
            Limit::JobRetry => 1250,
            _ => 750,
        };
        self.check_rate_limit(action, (user_id, job_id), 3)?;
        self.check_rate_limit(action.per_project(), (user_id, project_id), per_project)
    }

    /// Counts one request against `limit` for `scope`, in windows of the configured interval
    /// that start at the epoch, as `Gitlab::ApplicationRateLimiter` keys them; more than
    /// `threshold` in a window is a 429. A threshold of 0 is no limit.
    fn check_rate_limit(
        &self,
        limit: Limit,
        scope: (i64, i64),
        threshold: u32,
    ) -> Result<(), Failure> {
        if threshold == 0 {
            return Ok(());
        }
        let interval = self
            .config
            .rate_limit_interval
            .max(std::time::Duration::from_millis(1));
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let window = now.as_millis() / interval.as_millis();
        let mut limiter = self.limiter.lock().expect("never poisoned");
        let entry = limiter
            .entry((limit, scope.0, scope.1))
            .or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        if entry.1 > threshold {
            return Err(Failure::rate_limited(interval));
        }
        Ok(())
    }
}

/// Requests counted by the application rate limits: a limit and its scope (user, and job or
/// project), to the window counted in and the requests in it.
type Counts = HashMap<(Limit, i64, i64), (u128, u32)>;

/// GitLab's application rate limits the sandbox has, by `Gitlab::ApplicationRateLimiter`'s key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Limit {
    JobsIndex,
    JobRetry,
    JobRetryPerProject,
    JobPlay,
    JobPlayPerProject,
}

impl Limit {
    fn per_project(self) -> Limit {
        match self {
            Limit::JobRetry => Limit::JobRetryPerProject,
            Limit::JobPlay => Limit::JobPlayPerProject,
            other => other,
        }
    }
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// The routes of the API, with GitLab's answers to unknown paths and methods.
fn api_router(app: App, page: Option<String>) -> Router {
    // Routes that share a path, or a mount (`routes::mount_path`), share one method router.
    let mut mounts: Vec<(String, Vec<Method>, MethodRouter<App>)> = Vec::new();
    for (method, path, handler) in routes::table().into_iter().chain(outside::table()) {
        let mount = routes::mount_path(path);
        match mounts.iter_mut().find(|(at, _, _)| *at == mount) {
            Some((_, methods, _)) if methods.contains(&method) => {}
            Some((_, methods, router)) => {
                methods.push(method);
                *router = std::mem::take(router).merge(handler);
            }
            None => mounts.push((mount, vec![method], handler)),
        }
    }
    let mut api = Router::new();
    for (mount, methods, router) in mounts {
        let allow: Vec<String> = methods
            .iter()
            .filter(|method| **method != Method::HEAD || !methods.contains(&Method::GET))
            .map(|method| {
                if *method == Method::GET {
                    "GET, HEAD".to_owned()
                } else {
                    method.to_string()
                }
            })
            .collect();
        let allow = HeaderValue::from_str(&allow.join(", ")).expect("a header value");
        api = api.route(
            &mount,
            router.fallback(move || async move {
                let mut response = Failure::method_not_allowed().into_response();
                response.headers_mut().insert("allow", allow);
                response
            }),
        );
    }
    Router::new()
        .nest("/api/v4", api)
        .merge(contract::router(page))
        .fallback(|| async { Failure::no_route().into_response() })
        // The front has read the body, within the proxy's limit, before a handler sees it.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(axum::middleware::from_fn(front::guard))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            faults::inject,
        ))
        .with_state(app)
}

/// The artifacts archive of `job` from `archives`, laid out and kept there on first use.
fn archive_of(
    archives: &Mutex<HashMap<i64, Arc<artifacts::Archive>>>,
    store: &Store,
    job: &store::Job,
) -> Arc<artifacts::Archive> {
    let cached = archives
        .lock()
        .expect("never poisoned")
        .get(&job.id)
        .cloned();
    cached.unwrap_or_else(|| {
        let archive = artifacts::Archive::new(data::archive_entries(store, job));
        archives
            .lock()
            .expect("never poisoned")
            .insert(job.id, archive.clone());
        archive
    })
}

fn unix_millis() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_millis())
}

/// The key the sandbox signs storage URLs with: the seed's, as nothing here is secret.
fn signing_secret(seed: u64) -> String {
    format!("sandbox-storage-key-{seed}")
}

/// The signature of a URL to `job_id`'s archive signed at `date`.
fn sign(secret: &str, job_id: i64, date: u128) -> String {
    format!(
        "{:08x}",
        crc32fast::hash(format!("{secret}:{job_id}:{date}").as_bytes())
    )
}

/// What the object storage origin serves from.
#[derive(Clone)]
struct Storage {
    store: Arc<RwLock<Store>>,
    archives: Arc<Mutex<HashMap<i64, Arc<artifacts::Archive>>>>,
    /// The headers of every request it received.
    seen: Arc<Mutex<Vec<HeaderMap>>>,
    ttl: std::time::Duration,
    secret: String,
}

/// The object storage redirects point at: it serves logs and artifacts archives to anyone
/// holding a (pre-signed) link, never asks for credentials, and records the headers of every
/// request, so tests can check that none arrived. An archive's link is signed and expires, as
/// S3's do: a stale or forged one is a 403 with S3's XML error; `Range` is honoured.
fn storage_router(storage: Storage) -> Router {
    let logs = storage.clone();
    Router::new()
        .route(
            "/logs/{file}",
            axum::routing::get(move |Path(file): Path<String>, headers: HeaderMap| {
                let storage = logs.clone();
                async move {
                    storage.seen.lock().expect("never poisoned").push(headers);
                    let id = file.strip_suffix(".log").and_then(query::parse_int);
                    let log = id.and_then(|id| {
                        storage
                            .store
                            .read()
                            .expect("never poisoned")
                            .jobs
                            .get(&id)
                            .map(|job| job.log.to_vec())
                    });
                    match log {
                        Some(log) => (
                            StatusCode::OK,
                            [("content-type", "text/plain; charset=utf-8")],
                            log,
                        )
                            .into_response(),
                        None => StatusCode::NOT_FOUND.into_response(),
                    }
                }
            }),
        )
        .route(
            "/artifacts/{job_id}/artifacts.zip",
            axum::routing::get(
                move |Path(job_id): Path<String>,
                      axum::extract::RawQuery(query): axum::extract::RawQuery,
                      headers: HeaderMap| {
                    let storage = storage.clone();
                    async move {
                        storage
                            .seen
                            .lock()
                            .expect("never poisoned")
                            .push(headers.clone());
                        let query = query::Query::parse(query.as_deref());
                        let job_id = query::parse_int(&job_id);
                        let date = query.get("X-Amz-Date").and_then(|date| date.parse::<u128>().ok());
                        let signed = match (job_id, date) {
                            (Some(job_id), Some(date)) => {
                                query.get("X-Amz-Signature")
                                    == Some(sign(&storage.secret, job_id, date).as_str())
                            }
                            _ => false,
                        };
                        let expired = date.is_none_or(|date| {
                            unix_millis() >= date + storage.ttl.as_millis()
                        });
                        if !signed || expired {
                            let reason = if signed { "Request has expired" } else { "The request signature we calculated does not match the signature you provided." };
                            let code = if signed { "AccessDenied" } else { "SignatureDoesNotMatch" };
                            return (
                                StatusCode::FORBIDDEN,
                                [("content-type", "application/xml")],
                                format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{reason}</Message></Error>\n"),
                            )
                                .into_response();
                        }
                        let archive = {
                            let store = storage.store.read().expect("never poisoned");
                            job_id
                                .and_then(|id| store.jobs.get(&id))
                                .map(|job| archive_of(&storage.archives, &store, job))
                        };
                        match archive {
                            Some(archive) => {
                                artifact_routes::send_archive(&archive, &headers, false)
                            }
                            None => StatusCode::NOT_FOUND.into_response(),
                        }
                    }
                },
            ),
        )
}

/// Grows every running build's log as [`GrowLogs`] says, until the sandbox stops.
async fn grow_logs(
    store: Arc<RwLock<Store>>,
    grow: GrowLogs,
    stopped: impl std::future::Future<Output = ()>,
) {
    let mut ticks = tokio::time::interval(grow.every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    tokio::pin!(stopped);
    loop {
        tokio::select! {
            _ = &mut stopped => return,
            _ = ticks.tick() => {
                let mut store = store.write().expect("never poisoned");
                store.grow_running_logs(grow.bytes, grow.finish_at, store::now());
            }
        }
    }
}

/// A running sandbox. Dropping it stops the server.
#[derive(Debug)]
pub struct Sandbox {
    address: SocketAddr,
    url: String,
    store: Arc<RwLock<Store>>,
    config: Arc<Config>,
    log_bytes: Arc<AtomicU64>,
    storage_seen: Arc<Mutex<Vec<HeaderMap>>>,
    shutdown: Option<oneshot::Sender<()>>,
    tasks: Vec<JoinHandle<()>>,
}

impl Sandbox {
    /// Seeds the data set and starts serving on 127.0.0.1.
    pub async fn start(config: Config) -> std::io::Result<Sandbox> {
        let store = Arc::new(RwLock::new(data::seed(&config)));
        let storage_seen = Arc::new(Mutex::new(Vec::new()));
        let (shutdown, stopped) = oneshot::channel::<()>();
        let stopped = futures_util::FutureExt::shared(async move {
            let _ = stopped.await;
        });
        let mut tasks = Vec::new();
        let archives = Arc::new(Mutex::new(HashMap::new()));
        let redirect_artifacts = config.artifacts_storage == config::ArtifactsStorage::Redirect;
        let mut storage_origin = None;
        if config.faults.redirect_logs || redirect_artifacts {
            let storage = TcpListener::bind(("127.0.0.1", 0)).await?;
            storage_origin = Some(format!("http://{}", storage.local_addr()?));
            let router = storage_router(Storage {
                store: store.clone(),
                archives: archives.clone(),
                seen: storage_seen.clone(),
                ttl: config.signed_url_ttl,
                secret: signing_secret(config.seed),
            });
            let stop = stopped.clone();
            tasks.push(tokio::spawn(async move {
                let _ = axum::serve(storage, router)
                    .with_graceful_shutdown(stop)
                    .await;
            }));
        }
        let log_origin = storage_origin
            .clone()
            .filter(|_| config.faults.redirect_logs);
        let artifacts_origin = storage_origin.filter(|_| redirect_artifacts);
        if let Some(grow) = config.grow_logs {
            tasks.push(tokio::spawn(grow_logs(
                store.clone(),
                grow,
                stopped.clone(),
            )));
        }
        let config = Arc::new(config);
        let log_bytes = Arc::new(AtomicU64::new(0));
        let app = App {
            store: store.clone(),
            config: config.clone(),
            rng: Arc::new(Mutex::new(fastrand::Rng::with_seed(config.seed))),
            limiter: Arc::new(Mutex::new(HashMap::new())),
            log_origin,
            artifacts_origin,
            log_bytes: log_bytes.clone(),
            archives,
        };
        let listener = TcpListener::bind(("127.0.0.1", config.port)).await?;
        let address = listener.local_addr()?;
        store.write().expect("never poisoned").web_url = format!("http://{address}");
        let page = match &config.docs {
            Some(path) => Some(std::fs::read_to_string(path).map_err(|err| {
                std::io::Error::new(err.kind(), format!("reading {}: {err}", path.display()))
            })?),
            None => None,
        };
        let router = api_router(app, page);
        tasks.push(tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(stopped)
                .await;
        }));
        Ok(Sandbox {
            address,
            url: format!("http://{address}/api/v4"),
            store,
            config,
            log_bytes,
            storage_seen,
            shutdown: Some(shutdown),
            tasks,
        })
    }

    /// The API's base URL, `http://127.0.0.1:<port>/api/v4`.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Bytes of job log bodies served so far (redirected logs aside), to measure what a log
    /// reader transfers.
    pub fn log_bytes_served(&self) -> u64 {
        self.log_bytes.load(Ordering::Relaxed)
    }

    /// The token of a running job of `acme/platform/api`, for the job-token routes.
    pub fn job_token(&self) -> String {
        let store = self.store.read().expect("never poisoned");
        store
            .jobs
            .values()
            .rev()
            .find_map(|job| job.token())
            .expect("the seeded data has running jobs")
    }

    /// Runs `f` on the state, for tests that arrange or inspect it.
    pub fn with_store<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        f(&mut self.store.write().expect("never poisoned"))
    }

    /// The headers of every request the storage origin (logs and artifacts) received.
    pub fn storage_requests(&self) -> Vec<HeaderMap> {
        self.storage_seen.lock().expect("never poisoned").clone()
    }

    /// Stops serving and waits for the server to finish.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        for task in self.tasks.drain(..) {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

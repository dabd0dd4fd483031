//! The job lists as streams of items, page after page.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use gitlab_jobs_schema::{ArtifactEntry, Bridge, Job, JobScope, MAX_PER_PAGE, ProjectId};
use reqwest::Url;
use reqwest::header::HeaderMap;
use tokio::sync::Semaphore;

use crate::types::PaginationMode;
use crate::{Call, CallError, CallErrorKind, Client, ResponseValue};

/// Where the next page is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Next {
    Page(u64),
    Cursor(String),
    Done,
}

/// One page and what its headers say of the rest.
struct Page<T> {
    items: Vec<T>,
    next: Next,
    total_pages: Option<u64>,
}

impl<T> Page<T> {
    fn from_answer(answer: ResponseValue<Vec<T>>) -> Self {
        let (next, total_pages) = (next_page(answer.headers()), total_pages(answer.headers()));
        Page {
            next,
            total_pages,
            items: answer.into_inner(),
        }
    }
}

/// A page being fetched in its own task, which says its headers as soon as they are read.
struct InFlight<T> {
    headers: tokio::sync::oneshot::Receiver<HeaderMap>,
    page: AbortOnDrop<Result<Page<T>, CallError>>,
}

/// A task that is stopped when its handle is dropped, as when a stream is dropped half read.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> AbortOnDrop<Result<T, CallError>> {
    /// What the page's task returned; a task that stopped without returning is an error of
    /// `operation`.
    async fn finish(mut self, operation: &'static str) -> Result<T, CallError> {
        match (&mut self.0).await {
            Ok(result) => result,
            Err(err) => Err(CallError::new(
                operation,
                1,
                CallErrorKind::InvalidRequest(format!("the page's fetch stopped: {err}")),
            )),
        }
    }
}

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Starts fetching the page `at` names, or the first, with a client that says the page's
/// headers as soon as they are read.
fn launch<L: Lister>(lister: &L, at: Option<Next>) -> InFlight<L::Item> {
    let (sender, headers) = tokio::sync::oneshot::channel();
    let sender = std::sync::Mutex::new(Some(sender));
    let client = lister
        .client()
        .telling_heads(Arc::new(move |headers: &HeaderMap| {
            if let Some(sender) = sender.lock().ok().and_then(|mut sender| sender.take()) {
                let _ = sender.send(headers.clone());
            }
        }));
    let page = tokio::spawn(lister.fetch(client, at));
    InFlight {
        headers,
        page: AbortOnDrop(page),
    }
}

/// A list operation, fetched one page at a time.
trait Lister: Clone + Send + Sync + 'static {
    type Item: Identified;
    /// The operation ID, for errors.
    fn operation(&self) -> &'static str;
    /// The client the list was made with.
    fn client(&self) -> &Client;
    /// The first page, or the page `at` points to, fetched with `client`.
    fn fetch(
        &self,
        client: Client,
        at: Option<Next>,
    ) -> BoxFuture<'static, Result<Page<Self::Item>, CallError>>;
}

/// An item of a list: a job comes newest first by ID; an entry of an archive has none.
trait Identified: Send + 'static {
    fn id(&self) -> Option<i64>;
}

impl Identified for Job {
    fn id(&self) -> Option<i64> {
        Some(self.id)
    }
}

impl Identified for Bridge {
    fn id(&self) -> Option<i64> {
        Some(self.id)
    }
}

impl Identified for ArtifactEntry {
    fn id(&self) -> Option<i64> {
        None
    }
}

/// The next page from GitLab's headers: the `Link` header's `rel="next"` (its `cursor` with
/// keyset pagination, its `page` with offset pagination), else `X-Next-Page`.
fn next_page(headers: &HeaderMap) -> Next {
    if let Some(url) = link_next(headers) {
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        };
        if let Some(cursor) = get("cursor").filter(|cursor| !cursor.is_empty()) {
            return Next::Cursor(cursor);
        }
        if let Some(page) = get("page").and_then(|page| page.parse().ok()) {
            return Next::Page(page);
        }
    }
    match headers
        .get("x-next-page")
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
    {
        Some(page) if !page.is_empty() => page.parse().map_or(Next::Done, Next::Page),
        _ => Next::Done,
    }
}

/// The target of `rel="next"` in an RFC 8288 `Link` header. A header that does not parse as
/// RFC 8288 names no next page, and pagination falls back to `X-Next-Page`.
fn link_next(headers: &HeaderMap) -> Option<Url> {
    let link = headers.get("link")?.to_str().ok()?;
    // Only the target's query is read; a relative target resolves against any base.
    let base = Url::parse("http://gitlab.invalid/").ok()?;
    http_link::parse_link_header(link, &base)
        .ok()?
        .into_iter()
        .find(|link| link.rel == "next")
        .map(|link| link.target)
}

fn total_pages(headers: &HeaderMap) -> Option<u64> {
    headers
        .get("x-total-pages")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Every item of `lister`'s list, in GitLab's order. Pages are fetched one after another,
/// following each page's link, one page ahead; when GitLab says how many pages there are, the
/// pages after the first are asked for `concurrency` at a time (at most twice that many pages
/// in memory: those asked for, and those read but not yet yielded), still yielded in order.
///
/// Job lists come newest first, so a job whose ID is not below the last one yielded is a
/// duplicate that a new job pushed onto the next offset page: it is skipped. (An archive's
/// entries do not change while they are listed.) An empty page
/// ends the list, whatever its headers say (GitLab never sends one with a next page), so a
/// server that names ever more pages, or more pages than it has, is not followed forever.
fn paginate<L: Lister>(
    lister: L,
    concurrency: usize,
) -> BoxStream<'static, Result<L::Item, CallError>> {
    let first = {
        let lister = lister.clone();
        async move {
            // Pages fetched concurrently once their number is known are not fetched ahead.
            let concurrent = |headers: &HeaderMap| {
                concurrency > 1
                    && total_pages(headers).is_some()
                    && next_page(headers) == Next::Page(2)
            };
            let flight = launch(&lister, None);
            land(&lister, flight, &Next::Page(1), |headers| {
                !concurrent(headers)
            })
            .await
        }
    };
    let lister_operation = lister.operation();
    let pages = stream::once(first)
        .map_ok(
            move |(page, ahead)| -> BoxStream<'static, Result<Vec<L::Item>, CallError>> {
                let Page {
                    items,
                    next,
                    total_pages,
                } = page;
                let head = stream::iter([Ok(items)]);
                match (total_pages, &next) {
                    (Some(total), Next::Page(2)) if concurrency > 1 => {
                        let lister = lister.clone();
                        let requests = Arc::new(Semaphore::new(concurrency));
                        // Each page in its own task, so that pages are read and decoded side
                        // by side, not only while the stream is polled. A page holds one of
                        // the `concurrency` turns until its headers are read: the next page's
                        // request leaves while its body is still read and decoded.
                        let rest =
                            stream::iter(2..=total)
                                .map(move |page| {
                                    let (lister, requests) = (lister.clone(), requests.clone());
                                    let task = AbortOnDrop(tokio::spawn(async move {
                                        let turn = requests.acquire_owned().await;
                                        let flight = launch(&lister, Some(Next::Page(page)));
                                        // Headers, or the fetch ended without them.
                                        let _ = flight.headers.await;
                                        drop(turn);
                                        flight.page.finish(lister_operation).await
                                    }));
                                    async move {
                                        task.finish(lister_operation).await.map(|page| page.items)
                                    }
                                })
                                .buffered(2 * concurrency);
                        head.chain(rest).boxed()
                    }
                    _ => head
                        .chain(sequential(lister.clone(), Next::Page(1), next, ahead))
                        .boxed(),
                }
            },
        )
        .try_flatten()
        .try_take_while(|items| std::future::ready(Ok(!items.is_empty())));
    let mut last_id = i64::MAX;
    pages
        .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
        .try_flatten()
        .try_filter(move |item| {
            let fresh = match item.id() {
                Some(id) if id < last_id => {
                    last_id = id;
                    true
                }
                Some(_) => false,
                None => true,
            };
            std::future::ready(fresh)
        })
        .boxed()
}

/// Whether `next`, named by the page at `at`, is further along the list: a later page, or
/// another cursor. A server that names the same page again would be followed forever.
fn advances(at: &Next, next: &Next) -> bool {
    match (at, next) {
        (Next::Page(at), Next::Page(next)) => next > at,
        (Next::Cursor(at), Next::Cursor(next)) => next != at,
        _ => true,
    }
}

/// Waits for the page `flight` fetches (the one `at` names), starting the fetch of the page
/// after it as soon as its headers name it and `ahead` agrees; returns the page and that
/// fetch, if it is the one the page names.
async fn land<L: Lister>(
    lister: &L,
    flight: InFlight<L::Item>,
    at: &Next,
    ahead: impl FnOnce(&HeaderMap) -> bool,
) -> Result<(Page<L::Item>, Option<InFlight<L::Item>>), CallError> {
    let mut following = None;
    if let Ok(headers) = flight.headers.await {
        let after = next_page(&headers);
        if after != Next::Done && advances(at, &after) && ahead(&headers) {
            following = Some((after.clone(), launch(lister, Some(after))));
        }
    }
    let page = flight.page.finish(lister.operation()).await?;
    // The page's own headers are the ones seen above, so the fetch started ahead is for the
    // page it names; one for any other page is dropped, which stops it.
    let following = match following {
        Some((after, flight)) if after == page.next => Some(flight),
        _ => None,
    };
    Ok((page, following))
}

/// The pages from `next` on, each fetched after the one before; `at` named `next`. The fetch
/// of a page starts as soon as the headers of the one before have named it, while that one's
/// body is still being decoded and its items consumed: at most two pages are held, the one
/// being consumed and the next.
fn sequential<L: Lister>(
    lister: L,
    at: Next,
    next: Next,
    ahead: Option<InFlight<L::Item>>,
) -> BoxStream<'static, Result<Vec<L::Item>, CallError>> {
    struct State<T> {
        at: Next,
        next: Next,
        /// The fetch of `next`, if it was started ahead.
        ahead: Option<InFlight<T>>,
    }
    let start = State { at, next, ahead };
    stream::try_unfold(start, move |state| {
        let lister = lister.clone();
        async move {
            let State { at, next, ahead } = state;
            if next == Next::Done {
                return Ok(None);
            }
            if !advances(&at, &next) {
                let message = match (&at, &next) {
                    (Next::Page(at), Next::Page(next)) => {
                        format!("page {at} names page {next} as the next one")
                    }
                    _ => "a page names its own cursor as the next one".to_owned(),
                };
                return Err(CallError::new(
                    lister.operation(),
                    1,
                    CallErrorKind::InvalidBody(message),
                ));
            }
            let flight = ahead.unwrap_or_else(|| launch(&lister, Some(next.clone())));
            let (page, ahead) = land(&lister, flight, &next, |_| true).await?;
            Ok(Some((
                page.items,
                State {
                    at: next,
                    next: page.next,
                    ahead,
                },
            )))
        }
    })
    .boxed()
}

/// All jobs of a project, as a stream: see [`Client::project_jobs`].
#[derive(Debug, Clone)]
pub struct ProjectJobs {
    client: Client,
    project: ProjectId,
    scope: Vec<JobScope>,
    r#ref: Option<String>,
    per_page: u64,
    keyset: bool,
}

impl ProjectJobs {
    /// Only jobs with these statuses.
    pub fn scope(mut self, scope: impl IntoIterator<Item = JobScope>) -> Self {
        self.scope = scope.into_iter().collect();
        self
    }

    /// Only jobs of pipelines for this branch or tag.
    pub fn ref_(mut self, name: impl Into<String>) -> Self {
        self.r#ref = Some(name.into());
        self
    }

    /// Jobs per page, from 1 to [`MAX_PER_PAGE`], the default.
    pub fn per_page(mut self, per_page: u64) -> Self {
        self.per_page = per_page.clamp(1, MAX_PER_PAGE);
        self
    }

    /// Pages by offset instead of by cursor, for GitLab older than 15.9. Jobs created while
    /// the stream runs shift offset pages; the stream skips the duplicates that causes, and
    /// misses none, since jobs are never deleted.
    pub fn offset(mut self) -> Self {
        self.keyset = false;
        self
    }

    /// The jobs, newest first. One page is in memory at a time.
    pub fn stream(self) -> BoxStream<'static, Result<Job, CallError>> {
        paginate(self, 1)
    }
}

impl Lister for ProjectJobs {
    type Item = Job;
    fn operation(&self) -> &'static str {
        <crate::builder::ListProjectJobs<'_> as Call>::OPERATION
    }

    fn client(&self) -> &Client {
        &self.client
    }

    fn fetch(
        &self,
        client: Client,
        at: Option<Next>,
    ) -> BoxFuture<'static, Result<Page<Job>, CallError>> {
        let this = self.clone();
        Box::pin(async move {
            let mut request = client
                .list_project_jobs()
                .id(this.project.clone())
                .per_page(this.per_page);
            if !this.scope.is_empty() {
                request = request.scope(this.scope.clone());
            }
            if let Some(r#ref) = &this.r#ref {
                request = request.ref_(r#ref.clone());
            }
            if this.keyset {
                request = request.pagination(PaginationMode::Keyset);
            }
            request = match at {
                Some(Next::Page(page)) => request.page(page),
                Some(Next::Cursor(cursor)) => request.cursor(cursor),
                _ => request,
            };
            Ok(Page::from_answer(request.call().await?))
        })
    }
}

/// All jobs of a pipeline, as a stream: see [`Client::pipeline_jobs`].
#[derive(Debug, Clone)]
pub struct PipelineJobs {
    client: Client,
    project: ProjectId,
    pipeline_id: i64,
    scope: Vec<JobScope>,
    include_retried: bool,
    per_page: u64,
    concurrency: usize,
}

impl PipelineJobs {
    /// Only jobs with these statuses.
    pub fn scope(mut self, scope: impl IntoIterator<Item = JobScope>) -> Self {
        self.scope = scope.into_iter().collect();
        self
    }

    /// Also the jobs that were retried.
    pub fn include_retried(mut self, include: bool) -> Self {
        self.include_retried = include;
        self
    }

    /// Jobs per page, from 1 to [`MAX_PER_PAGE`], the default.
    pub fn per_page(mut self, per_page: u64) -> Self {
        self.per_page = per_page.clamp(1, MAX_PER_PAGE);
        self
    }

    /// Pages asked for at once once the number of pages is known; 4 by default, 1 for one at a
    /// time. Up to twice as many pages are in memory: those asked for, and those read but not
    /// yet yielded.
    pub fn concurrency(mut self, pages: usize) -> Self {
        self.concurrency = pages.max(1);
        self
    }

    /// The jobs, newest first.
    pub fn stream(self) -> BoxStream<'static, Result<Job, CallError>> {
        let concurrency = self.concurrency;
        paginate(self, concurrency)
    }
}

impl Lister for PipelineJobs {
    type Item = Job;
    fn operation(&self) -> &'static str {
        <crate::builder::ListPipelineJobs<'_> as Call>::OPERATION
    }

    fn client(&self) -> &Client {
        &self.client
    }

    fn fetch(
        &self,
        client: Client,
        at: Option<Next>,
    ) -> BoxFuture<'static, Result<Page<Job>, CallError>> {
        let this = self.clone();
        Box::pin(async move {
            let mut request = client
                .list_pipeline_jobs()
                .id(this.project.clone())
                .pipeline_id(this.pipeline_id)
                .include_retried(this.include_retried)
                .per_page(this.per_page);
            if !this.scope.is_empty() {
                request = request.scope(this.scope.clone());
            }
            if let Some(Next::Page(page)) = at {
                request = request.page(page);
            }
            Ok(Page::from_answer(request.call().await?))
        })
    }
}

/// All trigger jobs of a pipeline, as a stream: see [`Client::pipeline_trigger_jobs`] and
/// [`Client::pipeline_bridges`].
#[derive(Debug, Clone)]
pub struct PipelineBridges {
    client: Client,
    route: TriggerJobsRoute,
    project: ProjectId,
    pipeline_id: i64,
    scope: Vec<JobScope>,
    per_page: u64,
    concurrency: usize,
}

impl PipelineBridges {
    /// Trigger jobs per page, from 1 to [`MAX_PER_PAGE`], the default.
    pub fn per_page(mut self, per_page: u64) -> Self {
        self.per_page = per_page.clamp(1, MAX_PER_PAGE);
        self
    }

    /// Only trigger jobs with these statuses.
    pub fn scope(mut self, scope: impl IntoIterator<Item = JobScope>) -> Self {
        self.scope = scope.into_iter().collect();
        self
    }

    /// Pages asked for at once once the number of pages is known; 4 by default. Up to twice as
    /// many pages are in memory: those asked for, and those read but not yet yielded.
    pub fn concurrency(mut self, pages: usize) -> Self {
        self.concurrency = pages.max(1);
        self
    }

    /// The trigger jobs, newest first.
    pub fn stream(self) -> BoxStream<'static, Result<Bridge, CallError>> {
        let concurrency = self.concurrency;
        paginate(self, concurrency)
    }
}

/// The files and directories of a job's artifacts archive, as a stream: see
/// [`Client::artifact_entries`].
#[derive(Debug, Clone)]
pub struct ArtifactEntries {
    client: Client,
    project: ProjectId,
    job_id: i64,
    path: Option<String>,
    recursive: bool,
    per_page: u64,
    concurrency: usize,
}

impl ArtifactEntries {
    /// The directory to list, such as `coverage/reports`; the archive's root by default.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Everything below the directory, at every depth, instead of one level.
    pub fn recursive(mut self, recursive: bool) -> Self {
        self.recursive = recursive;
        self
    }

    /// Entries per page, from 1 to [`MAX_PER_PAGE`], the default.
    pub fn per_page(mut self, per_page: u64) -> Self {
        self.per_page = per_page.clamp(1, MAX_PER_PAGE);
        self
    }

    /// Pages asked for at once once the number of pages is known; 4 by default.
    pub fn concurrency(mut self, pages: usize) -> Self {
        self.concurrency = pages.max(1);
        self
    }

    /// The entries: one level's directories, then its files; with `recursive`, every entry
    /// below in path order.
    pub fn stream(self) -> BoxStream<'static, Result<ArtifactEntry, CallError>> {
        let concurrency = self.concurrency;
        paginate(self, concurrency)
    }
}

impl Lister for ArtifactEntries {
    type Item = ArtifactEntry;
    fn operation(&self) -> &'static str {
        <crate::builder::ListJobArtifactEntries<'_> as Call>::OPERATION
    }

    fn client(&self) -> &Client {
        &self.client
    }

    fn fetch(
        &self,
        client: Client,
        at: Option<Next>,
    ) -> BoxFuture<'static, Result<Page<ArtifactEntry>, CallError>> {
        let this = self.clone();
        Box::pin(async move {
            let mut request = client
                .list_job_artifact_entries()
                .id(this.project.clone())
                .job_id(this.job_id)
                .per_page(this.per_page)
                .recursive(this.recursive);
            if let Some(path) = &this.path {
                request = request.path(path.clone());
            }
            if let Some(Next::Page(page)) = at {
                request = request.page(page);
            }
            Ok(Page::from_answer(request.call().await?))
        })
    }
}

/// Which of the two routes lists a pipeline's trigger jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TriggerJobsRoute {
    /// `/bridges`, deprecated in GitLab 19.2.
    Bridges,
    /// `/trigger_jobs`, GitLab 19.2 and later.
    TriggerJobs,
}

impl Lister for PipelineBridges {
    type Item = Bridge;
    fn operation(&self) -> &'static str {
        match self.route {
            TriggerJobsRoute::Bridges => {
                <crate::builder::ListPipelineBridges<'_> as Call>::OPERATION
            }
            TriggerJobsRoute::TriggerJobs => {
                <crate::builder::ListPipelineTriggerJobs<'_> as Call>::OPERATION
            }
        }
    }

    fn client(&self) -> &Client {
        &self.client
    }

    fn fetch(
        &self,
        client: Client,
        at: Option<Next>,
    ) -> BoxFuture<'static, Result<Page<Bridge>, CallError>> {
        let this = self.clone();
        // The two routes take the same parameters and answer alike.
        macro_rules! fetch {
            ($route:ident) => {{
                let mut request = client
                    .$route()
                    .id(this.project.clone())
                    .pipeline_id(this.pipeline_id)
                    .per_page(this.per_page);
                if !this.scope.is_empty() {
                    request = request.scope(this.scope.clone());
                }
                if let Some(Next::Page(page)) = at {
                    request = request.page(page);
                }
                Ok(Page::from_answer(request.call().await?))
            }};
        }
        Box::pin(async move {
            match this.route {
                TriggerJobsRoute::Bridges => fetch!(list_pipeline_bridges),
                TriggerJobsRoute::TriggerJobs => fetch!(list_pipeline_trigger_jobs),
            }
        })
    }
}

impl Client {
    /// Every job of a project, newest first, as a stream that fetches pages as it goes.
    /// Keyset pagination by default (GitLab 15.9 and later), which neither skips nor repeats
    /// a job while others are created.
    ///
    /// ```no_run
    /// # async fn run(gitlab: gitlab_jobs_client::Client) -> Result<(), gitlab_jobs_client::CallError> {
    /// use futures_util::TryStreamExt;
    /// use gitlab_jobs_client::models::JobScope;
    ///
    /// let mut jobs = gitlab.project_jobs("group/project").scope([JobScope::Failed]).stream();
    /// while let Some(job) = jobs.try_next().await? {
    ///     println!("{} {}", job.id, job.name);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn project_jobs(&self, project: impl Into<ProjectId>) -> ProjectJobs {
        ProjectJobs {
            client: self.clone(),
            project: project.into(),
            scope: Vec::new(),
            r#ref: None,
            per_page: MAX_PER_PAGE,
            keyset: true,
        }
    }

    /// Every job of a pipeline, newest first, as a stream. Retried jobs are left out unless
    /// asked for.
    pub fn pipeline_jobs(&self, project: impl Into<ProjectId>, pipeline_id: i64) -> PipelineJobs {
        PipelineJobs {
            client: self.clone(),
            project: project.into(),
            pipeline_id,
            scope: Vec::new(),
            include_retried: false,
            per_page: MAX_PER_PAGE,
            concurrency: 4,
        }
    }

    /// The files and directories of a job's artifacts archive (GitLab 18.8 and later), as a
    /// stream that fetches pages as it goes, read from the archive's metadata without
    /// downloading it. The root's entries by default; see [`ArtifactEntries`].
    pub fn artifact_entries(&self, project: impl Into<ProjectId>, job_id: i64) -> ArtifactEntries {
        ArtifactEntries {
            client: self.clone(),
            project: project.into(),
            job_id,
            path: None,
            recursive: false,
            per_page: MAX_PER_PAGE,
            concurrency: 4,
        }
    }

    /// Every trigger job of a pipeline, newest first, as a stream, from the `trigger_jobs`
    /// route of GitLab 19.2 and later. On older instances (a 404 for an existing pipeline),
    /// use [`Client::pipeline_bridges`].
    pub fn pipeline_trigger_jobs(
        &self,
        project: impl Into<ProjectId>,
        pipeline_id: i64,
    ) -> PipelineBridges {
        PipelineBridges {
            route: TriggerJobsRoute::TriggerJobs,
            ..self.pipeline_bridges(project, pipeline_id)
        }
    }

    /// Every trigger job of a pipeline, newest first, as a stream, from the `bridges` route,
    /// which every GitLab version serves and 19.2 deprecated.
    pub fn pipeline_bridges(
        &self,
        project: impl Into<ProjectId>,
        pipeline_id: i64,
    ) -> PipelineBridges {
        PipelineBridges {
            client: self.clone(),
            route: TriggerJobsRoute::Bridges,
            project: project.into(),
            pipeline_id,
            scope: Vec::new(),
            per_page: MAX_PER_PAGE,
            concurrency: 4,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::headers;

    #[test]
    fn the_next_page_comes_from_the_link_then_x_next_page() {
        let keyset = headers(&[(
            "link",
            "<https://gitlab.example.com/api/v4/projects/1/jobs?cursor=eyJpZCI6IjQyIn0%3D&pagination=keyset&per_page=2>; rel=\"next\"",
        )]);
        assert_eq!(next_page(&keyset), Next::Cursor("eyJpZCI6IjQyIn0=".into()));
        let offset = headers(&[
            (
                "link",
                "<https://h/x?page=1&per_page=2>; rel=\"prev\", <https://h/x?page=3&per_page=2>; rel=\"next\", <https://h/x?page=1>; rel=\"first\"",
            ),
            ("x-next-page", "3"),
        ]);
        assert_eq!(next_page(&offset), Next::Page(3));
        assert_eq!(next_page(&headers(&[("x-next-page", "7")])), Next::Page(7));
        assert_eq!(
            next_page(&headers(&[
                ("x-next-page", ""),
                ("link", "<https://h/x?page=1>; rel=\"first\"")
            ])),
            Next::Done
        );
        assert_eq!(next_page(&HeaderMap::new()), Next::Done);
    }

    /// Whatever a server sends in the headers pagination reads, the client gets a next page
    /// (or none) and a total (or none), and never a panic.
    #[test]
    fn hostile_pagination_headers_give_a_page_or_none() {
        for (link, next) in [
            ("<", Next::Done),
            (">", Next::Done),
            ("<>", Next::Done),
            ("<<>>; rel=\"next\"", Next::Done),
            (";;;,,,<", Next::Done),
            ("<not a url>; rel=\"next\"", Next::Done),
            ("<https://h/x?page=-1>; rel=\"next\"", Next::Done),
            ("<https://h/x?page=é>; rel=next", Next::Done),
            (
                "<https://h/x?page=99999999999999999999999>; rel=\"next\"",
                Next::Done,
            ),
            ("<https://h/x?cursor=>; rel=\"next\"", Next::Done),
            ("<https://h/x?page=0>; rel=\"next\"", Next::Page(0)),
            ("<https://h/x?page=4>; REL=NEXT", Next::Page(4)),
            ("<https://h/x?page=4>; rel=\"prev\"", Next::Done),
            ("<https://h/x?page=2>; rel=\"next", Next::Done),
            ("<https://h/x?page=2>; title=\"é\"; rel=next", Next::Done),
            (
                "<https://h/x?page=2>; title*=UTF-8'x'%FF; rel=next",
                Next::Done,
            ),
            ("<https://h/x?page=2>; rel=\"prev next\"", Next::Page(2)),
            ("</api/v4/x?page=5>; rel=next", Next::Page(5)),
            (
                "<https://h/x?cursor=%FF%FE>; rel=\"next\"",
                Next::Cursor("\u{fffd}\u{fffd}".into()),
            ),
        ] {
            assert_eq!(next_page(&headers(&[("link", link)])), next, "Link: {link}");
        }
        for (value, next) in [
            ("", Next::Done),
            (" ", Next::Done),
            ("abc", Next::Done),
            ("-1", Next::Done),
            ("0", Next::Page(0)),
            ("18446744073709551615", Next::Page(u64::MAX)),
            ("18446744073709551616", Next::Done),
        ] {
            assert_eq!(
                next_page(&headers(&[("x-next-page", value)])),
                next,
                "X-Next-Page: {value}"
            );
        }
        for (value, total) in [
            ("", None),
            ("-3", None),
            ("many", None),
            ("18446744073709551615", Some(u64::MAX)),
        ] {
            assert_eq!(
                total_pages(&headers(&[("x-total-pages", value)])),
                total,
                "{value}"
            );
        }
        let mut binary = HeaderMap::new();
        binary.insert(
            "link",
            reqwest::header::HeaderValue::from_bytes(b"<\xff>; rel=next").unwrap(),
        );
        binary.insert(
            "x-next-page",
            reqwest::header::HeaderValue::from_bytes(b"\xff").unwrap(),
        );
        binary.insert(
            "x-total-pages",
            reqwest::header::HeaderValue::from_bytes(b"\xff").unwrap(),
        );
        assert_eq!(next_page(&binary), Next::Done);
        assert_eq!(total_pages(&binary), None);
    }

    #[test]
    fn only_a_later_page_or_another_cursor_advances() {
        assert!(advances(&Next::Page(1), &Next::Page(2)));
        assert!(!advances(&Next::Page(2), &Next::Page(2)));
        assert!(!advances(&Next::Page(3), &Next::Page(0)));
        assert!(advances(
            &Next::Cursor("a".into()),
            &Next::Cursor("b".into())
        ));
        assert!(!advances(
            &Next::Cursor("a".into()),
            &Next::Cursor("a".into())
        ));
        assert!(advances(&Next::Page(1), &Next::Cursor("a".into())));
    }
}

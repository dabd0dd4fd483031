//! The job lists as streams of items, page after page.

use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use gitlab_jobs_schema::{Bridge, Job, JobScope, ProjectId};
use reqwest::Url;
use reqwest::header::HeaderMap;

use crate::types::PaginationMode;
use crate::{Call, CallError, Client, ResponseValue};

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

/// A list operation, fetched one page at a time.
trait Lister: Clone + Send + Sync + 'static {
    type Item: Identified;
    /// The first page, or the page `at` points to.
    fn fetch(&self, at: Option<Next>) -> BoxFuture<'static, Result<Page<Self::Item>, CallError>>;
}

/// An item of a list, newest first by ID.
trait Identified: Send + 'static {
    fn id(&self) -> i64;
}

impl Identified for Job {
    fn id(&self) -> i64 {
        self.id
    }
}

impl Identified for Bridge {
    fn id(&self) -> i64 {
        self.id
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
        if let Some(cursor) = get("cursor") {
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

/// The target of `rel="next"` in an RFC 8288 `Link` header.
fn link_next(headers: &HeaderMap) -> Option<Url> {
    let link = headers.get("link")?.to_str().ok()?;
    let mut rest = link;
    while let Some(start) = rest.find('<') {
        let end = start + rest[start..].find('>')?;
        let target = &rest[start + 1..end];
        let params_end = rest[end..].find('<').map_or(rest.len(), |n| end + n);
        let params = &rest[end + 1..params_end];
        let is_next = params.split(';').any(|param| {
            let param = param.trim().trim_end_matches(',').trim();
            param.eq_ignore_ascii_case("rel=\"next\"") || param.eq_ignore_ascii_case("rel=next")
        });
        if is_next {
            return Url::parse(target).ok();
        }
        rest = &rest[params_end..];
    }
    None
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

/// Every item of `lister`'s list, in GitLab's order, holding at most `concurrency` pages at
/// once. Pages are fetched one after another, following each page's link; when GitLab says
/// how many pages there are, the pages after the first are fetched `concurrency` at a time,
/// still yielded in order.
///
/// Lists come newest first, so an item whose ID is not below the last one yielded is a
/// duplicate that a new job pushed onto the next offset page: it is skipped.
fn paginate<L: Lister>(
    lister: L,
    concurrency: usize,
) -> BoxStream<'static, Result<L::Item, CallError>> {
    let first = lister.fetch(None);
    let pages = stream::once(first)
        .map_ok(
            move |page| -> BoxStream<'static, Result<Vec<L::Item>, CallError>> {
                let Page {
                    items,
                    next,
                    total_pages,
                } = page;
                let head = stream::iter([Ok(items)]);
                match (total_pages, &next) {
                    (Some(total), Next::Page(2)) if concurrency > 1 => {
                        let lister = lister.clone();
                        let rest = stream::iter(2..=total)
                            .map(move |page| {
                                let lister = lister.clone();
                                async move {
                                    lister
                                        .fetch(Some(Next::Page(page)))
                                        .await
                                        .map(|page| page.items)
                                }
                            })
                            .buffered(concurrency);
                        head.chain(rest).boxed()
                    }
                    _ => head.chain(sequential(lister.clone(), next)).boxed(),
                }
            },
        )
        .try_flatten();
    let mut last_id = i64::MAX;
    pages
        .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
        .try_flatten()
        .try_filter(move |item| {
            let fresh = item.id() < last_id;
            if fresh {
                last_id = item.id();
            }
            std::future::ready(fresh)
        })
        .boxed()
}

/// The pages from `next` on, each fetched after the one before.
fn sequential<L: Lister>(
    lister: L,
    next: Next,
) -> BoxStream<'static, Result<Vec<L::Item>, CallError>> {
    stream::try_unfold(next, move |next| {
        let lister = lister.clone();
        async move {
            if next == Next::Done {
                return Ok(None);
            }
            let page = lister.fetch(Some(next)).await?;
            Ok(Some((page.items, page.next)))
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

    /// Jobs per page, from 1 to 100; 100 by default.
    pub fn per_page(mut self, per_page: u64) -> Self {
        self.per_page = per_page.clamp(1, 100);
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

    fn fetch(&self, at: Option<Next>) -> BoxFuture<'static, Result<Page<Job>, CallError>> {
        let this = self.clone();
        Box::pin(async move {
            let mut request = this
                .client
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

    /// Jobs per page, from 1 to 100; 100 by default.
    pub fn per_page(mut self, per_page: u64) -> Self {
        self.per_page = per_page.clamp(1, 100);
        self
    }

    /// Pages fetched at once once the number of pages is known; 4 by default, 1 for one at a
    /// time.
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

    fn fetch(&self, at: Option<Next>) -> BoxFuture<'static, Result<Page<Job>, CallError>> {
        let this = self.clone();
        Box::pin(async move {
            let mut request = this
                .client
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

/// All trigger jobs of a pipeline, as a stream: see [`Client::pipeline_bridges`].
#[derive(Debug, Clone)]
pub struct PipelineBridges {
    client: Client,
    project: ProjectId,
    pipeline_id: i64,
    scope: Vec<JobScope>,
    per_page: u64,
    concurrency: usize,
}

impl PipelineBridges {
    /// Only trigger jobs with these statuses.
    pub fn scope(mut self, scope: impl IntoIterator<Item = JobScope>) -> Self {
        self.scope = scope.into_iter().collect();
        self
    }

    /// Pages fetched at once once the number of pages is known; 4 by default.
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

impl Lister for PipelineBridges {
    type Item = Bridge;

    fn fetch(&self, at: Option<Next>) -> BoxFuture<'static, Result<Page<Bridge>, CallError>> {
        let this = self.clone();
        Box::pin(async move {
            let mut request = this
                .client
                .list_pipeline_bridges()
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
            per_page: 100,
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
            per_page: 100,
            concurrency: 4,
        }
    }

    /// Every trigger job of a pipeline, newest first, as a stream.
    pub fn pipeline_bridges(
        &self,
        project: impl Into<ProjectId>,
        pipeline_id: i64,
    ) -> PipelineBridges {
        PipelineBridges {
            client: self.clone(),
            project: project.into(),
            pipeline_id,
            scope: Vec::new(),
            per_page: 100,
            concurrency: 4,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| (name.parse().unwrap(), value.parse().unwrap()))
            .collect()
    }

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
}

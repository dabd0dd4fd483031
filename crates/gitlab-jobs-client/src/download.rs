//! Job artifacts: an archive or one file of it, streamed to any writer or saved to a file,
//! resumed where the server honours ranges, and checked against the length its answers give.
//!
//! A download is a sequence of reads of one resource (see `ranged.rs`): the first asks for it
//! whole; when an answer breaks off, the next asks for the bytes after those written
//! (`Range`), and a server that answers whole again has its first bytes skipped. Every answer
//! must carry the first one's strong `ETag`, if it had one, so that the bytes come from one
//! archive. A redirect to object storage is followed without credentials by the transport,
//! which asks GitLab again once when a signed URL has expired.

use std::path::{Path, PathBuf};
use std::time::Instant;

use futures_util::StreamExt;
use gitlab_jobs_schema::ProjectId;
use reqwest::StatusCode;
use reqwest::header::{ETAG, HeaderMap};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::ranged::{Body, Head};
use crate::{ByteStream, Call, CallError, CallErrorKind, Client, ResponseValue};

/// Which job's artifacts: a job by its ID, or the newest successful job of a name on a branch
/// or tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArtifactsOf {
    /// The job with this ID.
    Job(i64),
    /// The job named `job` in the newest successful pipeline of `ref_name`; with
    /// `search_recent`, the newest such job that has artifacts among recent successful
    /// pipelines (GitLab 18.10 and later).
    Ref {
        ref_name: String,
        job: String,
        search_recent: bool,
    },
}

impl ArtifactsOf {
    /// The newest successful job named `job` on `ref_name`.
    pub fn newest(ref_name: impl Into<String>, job: impl Into<String>) -> Self {
        ArtifactsOf::Ref {
            ref_name: ref_name.into(),
            job: job.into(),
            search_recent: false,
        }
    }
}

impl From<i64> for ArtifactsOf {
    fn from(job_id: i64) -> Self {
        ArtifactsOf::Job(job_id)
    }
}

/// What a download wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloaded {
    /// The bytes written: all of them, when the answers said how many there are.
    pub written: u64,
    /// The resource's length as its answers gave it; none when they did not say.
    pub length: Option<u64>,
    /// The `ETag` of the answers, if they had one.
    pub etag: Option<String>,
    /// How many times the download was resumed after an answer broke off.
    pub resumed: u32,
}

/// What is downloaded: the archive, or one file of it.
#[derive(Debug, Clone, Copy)]
enum Part<'p> {
    Archive,
    File(&'p str),
}

impl Part<'_> {
    fn what(self) -> &'static str {
        match self {
            Part::Archive => "archive",
            Part::File(_) => "file",
        }
    }

    fn operation(self, of: &ArtifactsOf) -> &'static str {
        match (self, of) {
            (Part::Archive, ArtifactsOf::Job(_)) => {
                <crate::builder::DownloadJobArtifacts<'static> as Call>::OPERATION
            }
            (Part::Archive, ArtifactsOf::Ref { .. }) => {
                <crate::builder::DownloadRefArtifacts<'static> as Call>::OPERATION
            }
            (Part::File(_), ArtifactsOf::Job(_)) => {
                <crate::builder::GetJobArtifactFile<'static> as Call>::OPERATION
            }
            (Part::File(_), ArtifactsOf::Ref { .. }) => {
                <crate::builder::GetRefArtifactFile<'static> as Call>::OPERATION
            }
        }
    }
}

/// Told of a download's progress: the bytes written so far, and the length its answers gave,
/// once they did.
type OnProgress<'a> = Box<dyn FnMut(u64, Option<u64>) + Send + 'a>;

/// A download of a job's artifacts archive, or of one file of it: see [`Client::artifacts`].
pub struct ArtifactsDownload<'a> {
    client: &'a Client,
    project: ProjectId,
    of: ArtifactsOf,
    file: Option<String>,
    on_progress: Option<OnProgress<'a>>,
}

impl std::fmt::Debug for ArtifactsDownload<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArtifactsDownload")
            .field("project", &self.project)
            .field("of", &self.of)
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

impl<'a> ArtifactsDownload<'a> {
    /// One file of the archive instead of the archive: `path` as the archive's browser lists
    /// it, such as `coverage/index.html`. GitLab sends a file whole, so a resumed download asks
    /// for it again and skips what was written.
    pub fn file(mut self, path: impl Into<String>) -> Self {
        self.file = Some(path.into());
        self
    }

    /// Calls `progress` with the bytes written so far and, once an answer gave it, the
    /// length, as the bytes are written.
    pub fn on_progress(mut self, progress: impl FnMut(u64, Option<u64>) + Send + 'a) -> Self {
        self.on_progress = Some(Box::new(progress));
        self
    }

    /// Streams the download into `out`, and says what it wrote. Memory use does not grow with
    /// the archive. An answer that breaks off is resumed from the bytes written (`Range`, or
    /// skipping them where the server answers whole), as often as the client's
    /// [`RetryPolicy`](crate::RetryPolicy) allows tries; on `Ok`, `out` has every byte, as many
    /// as the answers said there are. Where the archive is in object storage, the redirect is
    /// followed without credentials.
    pub async fn write_to<W: AsyncWrite + Unpin + ?Sized>(
        mut self,
        out: &mut W,
    ) -> Result<Downloaded, CallError> {
        let part = match &self.file {
            Some(path) => Part::File(path),
            None => Part::Archive,
        };
        let mut on_progress = self.on_progress.take();
        self.client
            .download(&self.project, &self.of, part, out, &mut on_progress)
            .await
    }

    /// Saves the download as the file `to`. It is written under a temporary name beside `to`
    /// and renamed once whole, so `to` never holds a part: on an error the temporary file is
    /// removed and `to` is as it was. What changed while it was read is downloaded again from
    /// the start, once.
    pub async fn save(mut self, to: &Path) -> Result<Downloaded, CallError> {
        let part = match &self.file {
            Some(path) => Part::File(path),
            None => Part::Archive,
        };
        let operation = part.operation(&self.of);
        let fail = |err: std::io::Error| CallError::new(operation, 1, CallErrorKind::Write(err));
        let mut on_progress = self.on_progress.take();
        for attempt in 0..2 {
            let (temporary, mut file) = temporary_beside(to).await.map_err(fail)?;
            let outcome: Result<Downloaded, CallError> = async {
                let downloaded = self
                    .client
                    .download(&self.project, &self.of, part, &mut file, &mut on_progress)
                    .await?;
                file.sync_all().await.map_err(fail)?;
                drop(file);
                tokio::fs::rename(&temporary, to).await.map_err(fail)?;
                Ok(downloaded)
            }
            .await;
            if outcome.is_err() {
                // Best effort: the error that matters is the download's.
                let _ = tokio::fs::remove_file(&temporary).await;
            }
            match outcome {
                Err(err) if attempt == 0 && matches!(err.kind(), CallErrorKind::Changed { .. }) => {
                    continue;
                }
                outcome => return outcome,
            }
        }
        unreachable!("the second attempt returns")
    }
}

impl Client {
    /// A download of the artifacts archive (a zip file) of `of`, or with
    /// [`ArtifactsDownload::file`] of one file of it, to a writer
    /// ([`ArtifactsDownload::write_to`]) or a file ([`ArtifactsDownload::save`]).
    ///
    /// ```no_run
    /// # async fn run(gitlab: gitlab_jobs_client::Client) -> Result<(), gitlab_jobs_client::CallError> {
    /// use gitlab_jobs_client::ArtifactsOf;
    ///
    /// // The newest `build` artifacts of `main`, saved once whole.
    /// let of = ArtifactsOf::newest("main", "build");
    /// let saved = gitlab.artifacts("group/project", of).save("artifacts.zip".as_ref()).await?;
    /// println!("{} bytes", saved.written);
    /// # Ok(())
    /// # }
    /// ```
    pub fn artifacts(
        &self,
        project: impl Into<ProjectId>,
        of: ArtifactsOf,
    ) -> ArtifactsDownload<'_> {
        ArtifactsDownload {
            client: self,
            project: project.into(),
            of,
            file: None,
            on_progress: None,
        }
    }

    /// The download loop: see the module's documentation.
    async fn download<W: AsyncWrite + Unpin + ?Sized>(
        &self,
        project: &ProjectId,
        of: &ArtifactsOf,
        part: Part<'_>,
        out: &mut W,
        on_progress: &mut Option<OnProgress<'_>>,
    ) -> Result<Downloaded, CallError> {
        let what = part.what();
        let operation = part.operation(of);
        let started = Instant::now();
        let most_tries = self.inner.retry.max_attempts.max(1);
        let mut at = 0u64;
        let mut etag: Option<String> = None;
        let mut length: Option<u64> = None;
        let mut resumed = 0u32;
        let mut attempts = 0u32;
        loop {
            let tries = crate::retry::TryCount::default();
            let outcome = self
                .send_part(project, of, part, at, &self.counting_tries(&tries))
                .await;
            attempts += tries.get().max(1);
            let fail = |kind| CallError::new(operation, attempts, kind);
            let (head, headers, stream) = match outcome {
                Ok(answer) => (
                    Head::read(what, at, answer.status(), answer.headers()),
                    answer.headers().clone(),
                    Some(answer.into_inner().into_inner()),
                ),
                Err(crate::Error::ErrorResponse(answer))
                    if answer.status() == StatusCode::RANGE_NOT_SATISFIABLE =>
                {
                    (
                        Head::read(what, at, answer.status(), answer.headers()),
                        answer.headers().clone(),
                        None,
                    )
                }
                Err(err) => return Err(CallError::from_progenitor(operation, attempts, err)),
            };
            let head = head.map_err(|kind| fail(changed(what, kind)))?;
            let this_etag = strong_etag(&headers);
            match (&etag, &this_etag) {
                (Some(first), Some(now)) if first != now => {
                    return Err(fail(CallErrorKind::Changed { what }));
                }
                (None, Some(now)) if at == 0 => etag = Some(now.clone()),
                _ => {}
            }
            let said = match head {
                Head::Whole { length } | Head::Past { length } => length,
                Head::Part { length, .. } => length,
            };
            match (length, said) {
                (Some(known), Some(now)) if known != now => {
                    return Err(fail(CallErrorKind::Changed { what }));
                }
                (None, Some(now)) => length = Some(now),
                _ => {}
            }
            let Some(mut stream) = stream else {
                // A 416: nothing after what was written.
                return Ok(Downloaded {
                    written: at,
                    length,
                    etag,
                    resumed,
                });
            };
            let mut body = Body::new(what, at, &head);
            let mut broke = None;
            while let Some(chunk) = stream.next().await {
                let chunk = match chunk {
                    Ok(chunk) => chunk,
                    Err(err) => {
                        broke = Some(err);
                        break;
                    }
                };
                let ready = body
                    .take(&chunk)
                    .map_err(|kind| fail(changed(what, kind)))?;
                self.write(out, ready, started).await.map_err(fail)?;
                at += ready.len() as u64;
                if let Some(progress) = on_progress.as_mut() {
                    progress(at, length);
                }
            }
            if broke.is_none() {
                let rest = body.finish();
                match rest {
                    Ok(rest) => {
                        self.write(out, &rest, started).await.map_err(fail)?;
                        at += rest.len() as u64;
                    }
                    // A part that ended before its range did broke off, too.
                    Err(CallErrorKind::InvalidBody(_)) if matches!(head, Head::Part { .. }) => {}
                    Err(kind) => return Err(fail(changed(what, kind))),
                }
            }
            self.by_deadline(out.flush(), started).await.map_err(fail)?;
            match (length, broke) {
                (Some(length), _) if at < length && attempts >= most_tries => {
                    return Err(fail(CallErrorKind::Incomplete {
                        what,
                        written: at,
                        length,
                    }));
                }
                (None, Some(err)) if attempts >= most_tries => {
                    return Err(CallError::transport(operation, attempts, err));
                }
                (Some(length), _) if at < length => resumed += 1,
                (_, Some(_)) => resumed += 1,
                _ => {
                    return Ok(Downloaded {
                        written: at,
                        length,
                        etag,
                        resumed,
                    });
                }
            }
        }
    }

    /// One request for `part` of `of`, from byte `at` where the route takes a range.
    async fn send_part(
        &self,
        project: &ProjectId,
        of: &ArtifactsOf,
        part: Part<'_>,
        at: u64,
        client: &Client,
    ) -> Result<ResponseValue<ByteStream>, crate::Error<gitlab_jobs_schema::ApiError>> {
        let range = (at > 0).then(|| format!("bytes={at}-"));
        match (part, of) {
            (Part::Archive, ArtifactsOf::Job(job_id)) => {
                let mut request = client
                    .download_job_artifacts()
                    .id(project.clone())
                    .job_id(*job_id);
                if let Some(range) = range {
                    request = request.range(range);
                }
                request.send().await
            }
            (
                Part::Archive,
                ArtifactsOf::Ref {
                    ref_name,
                    job,
                    search_recent,
                },
            ) => {
                let mut request = client
                    .download_ref_artifacts()
                    .id(project.clone())
                    .ref_name(ref_name.clone())
                    .job(job.clone());
                if *search_recent {
                    request = request.search_recent_successful_pipelines(true);
                }
                if let Some(range) = range {
                    request = request.range(range);
                }
                request.send().await
            }
            (Part::File(path), ArtifactsOf::Job(job_id)) => {
                client
                    .get_job_artifact_file()
                    .id(project.clone())
                    .job_id(*job_id)
                    .artifact_path(path)
                    .send()
                    .await
            }
            (
                Part::File(path),
                ArtifactsOf::Ref {
                    ref_name,
                    job,
                    search_recent,
                },
            ) => {
                let mut request = client
                    .get_ref_artifact_file()
                    .id(project.clone())
                    .ref_name(ref_name.clone())
                    .job(job.clone())
                    .artifact_path(path);
                if *search_recent {
                    request = request.search_recent_successful_pipelines(true);
                }
                request.send().await
            }
        }
    }
}

/// A resource shorter than what was already written of it changed.
fn changed(what: &'static str, kind: CallErrorKind) -> CallErrorKind {
    match kind {
        CallErrorKind::LogShrank { .. } => CallErrorKind::Changed { what },
        kind => kind,
    }
}

/// The answer's `ETag` when it is strong: a weak one (`W/`) may be the same for different
/// archives, as GitLab's was before it computed them from the archive's SHA-256.
fn strong_etag(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(ETAG)?.to_str().ok()?.trim();
    (!value.starts_with("W/")).then(|| value.to_owned())
}

/// A new file beside `to`, named after it, for a download to be renamed to `to` once whole.
async fn temporary_beside(to: &Path) -> std::io::Result<(PathBuf, tokio::fs::File)> {
    let name = to
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "download".to_owned());
    let folder = to.parent().unwrap_or(Path::new(""));
    let mut attempt = 0u32;
    loop {
        let temporary = folder.join(format!(".{name}.{}-{attempt}.partial", std::process::id()));
        match tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)
            .await
        {
            Ok(file) => return Ok((temporary, file)),
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(err) => return Err(err),
        }
    }
}

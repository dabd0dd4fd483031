//! What runs around every request of the generated client: credentials, retries, redirects to
//! other origins, time limits and reading the answer.

use std::io;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use futures_util::{StreamExt, TryStreamExt};
use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::{
    ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue, IF_NONE_MATCH, IF_RANGE,
    LOCATION, RANGE, USER_AGENT,
};
use reqwest::{Method, Request, Response, ResponseBuilderExt, StatusCode};

use crate::deadline::{DeadlinePassed, earliest};
use crate::retry::{RetryObserver, RetryPolicy, Tried, Tries, TryCount, send_with_retries};
use crate::{Auth, Client};

/// What a [`Client`] carries besides its base URL and HTTP client: its credentials, retry
/// policy, time limits and deadline. Set them with the client's constructors and `with_*`
/// methods.
#[derive(Clone)]
pub struct Settings {
    pub(crate) auth: Auth,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeouts: Timeouts,
    /// When every call of this client must have ended ([`Client::with_deadline`]).
    pub(crate) deadline: Option<Instant>,
    /// Told of each wait before a retry ([`Client::on_retry`]).
    pub(crate) on_retry: Option<RetryObserver>,
    /// Told of a successful answer's headers once its body is read, before it is decoded
    /// ([`Client::telling_heads`]).
    pub(crate) on_head: Option<HeadObserver>,
    /// Where the tries of a call are counted ([`Client::counting_tries`]).
    pub(crate) tries: Option<TryCount>,
}

/// What is told of a successful answer's headers before its body is decoded: the job lists ask
/// for the next page meanwhile.
pub(crate) type HeadObserver = std::sync::Arc<dyn Fn(&reqwest::header::HeaderMap) + Send + Sync>;

impl Settings {
    pub(crate) fn new(auth: Auth) -> Self {
        Settings {
            auth,
            retry: RetryPolicy::default(),
            timeouts: Timeouts::default(),
            deadline: None,
            on_retry: None,
            on_head: None,
            tries: None,
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("auth", &self.auth)
            .field("retry", &self.retry)
            .field("timeouts", &self.timeouts)
            .field("deadline", &self.deadline)
            .field("on_retry", &self.on_retry.as_ref().map(|_| "<fn>"))
            .field("on_head", &self.on_head.as_ref().map(|_| "<fn>"))
            .field("tries", &self.tries)
            .finish()
    }
}

/// How long a [`Client`] waits, whatever HTTP client it runs on. A try that runs out of
/// `answer` or `idle` fails as a timeout (`reqwest::Error::is_timeout`), and a GET is then
/// retried as its [`RetryPolicy`] allows; a call that runs out of `call` fails with
/// [`CallErrorKind::TimedOut`](crate::CallErrorKind::TimedOut).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// The longest wait from sending a request to the answer's status and headers,
    /// connecting included: 90 seconds by default, as GitLab itself gives up on a request
    /// after 60.
    pub answer: Duration,
    /// The longest pause while an answer's body arrives, a page of JSON or a log: 60 seconds
    /// by default.
    pub idle: Duration,
    /// The longest a whole call may take: every try, every wait before a retry and the
    /// answer's body, a log's stream included. None by default, so that a long log can
    /// stream: then `answer`, `idle` and the [`RetryPolicy`]'s `budget` bound a call.
    pub call: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            answer: Duration::from_secs(90),
            idle: Duration::from_secs(60),
            call: None,
        }
    }
}

/// The largest body read whole: far more than a page of 100 jobs (about 300 KiB), so that only
/// a server that answers without end runs into it.
const MAX_BODY: usize = 64 << 20;

/// The `User-Agent` of this crate's requests.
pub(crate) const OUR_USER_AGENT: &str = concat!("gitlab-jobs-client/", env!("CARGO_PKG_VERSION"));

impl ClientHooks<Settings> for Client {
    async fn pre<E>(&self, request: &mut Request, _: &OperationInfo) -> Result<(), Error<E>> {
        // progenitor sends `api-version: <info.version>` with every request; GitLab has no
        // such header, so it is noise at best.
        request.headers_mut().remove("api-version");
        self.inner().auth.apply(request);
        Ok(())
    }

    async fn exec(&self, request: Request, info: &OperationInfo) -> reqwest::Result<Response> {
        // The generated client asks for JSON wherever the contract answers JSON; any other
        // answer (a log, a download) is the caller's to read as it arrives. An answer to HEAD
        // has no body, and its Content-Length is the GET's: it is left as it came.
        let streamed = !accepts_json(&request) || request.method() == Method::HEAD;
        let settings = self.inner();
        let timeouts = settings.timeouts;
        let started = Instant::now();
        let deadline = earliest(
            settings.deadline,
            timeouts.call.and_then(|call| started.checked_add(call)),
        );
        let tries = Tries {
            policy: &settings.retry,
            operation: info.operation_id,
            deadline,
            observer: settings.on_retry.as_ref(),
            count: settings.tries.as_ref(),
        };
        let tried = send_with_retries(tries, request, |request| async move {
            let method = request.method().clone();
            let carried = carried_elsewhere(&request);
            let safe = method == Method::GET || method == Method::HEAD;
            let again = safe.then(|| request.try_clone()).flatten();
            let origin = request.url().origin();
            let mut response = self.answer(request, timeouts).await?;
            if safe {
                response = self
                    .follow_elsewhere(response, &method, &carried, timeouts)
                    .await?;
                // A signed URL of object storage expires minutes after GitLab made it: storage
                // then answers 403, and GitLab, asked again, signs a new one. Once.
                if response.status() == StatusCode::FORBIDDEN
                    && response.url().origin() != origin
                    && let Some(again) = again
                {
                    response = self.answer(again, timeouts).await?;
                    response = self
                        .follow_elsewhere(response, &method, &carried, timeouts)
                        .await?;
                }
            }
            // A JSON answer is read here, so that one that breaks off is retried like any
            // other failure; the log is left to stream.
            if streamed && response.status().is_success() {
                stalls_fail(response, timeouts.idle, deadline.map(|at| (at, started))).await
            } else {
                read_whole(response, timeouts.idle, &settings.auth).await
            }
        })
        .await;
        let answer = match tried {
            Tried::Outcome(outcome) => outcome,
            Tried::DeadlinePassed(passed) => {
                Err(transport_error(io::ErrorKind::TimedOut, passed).await)
            }
        };
        if let Ok(response) = &answer
            && response.status().is_success()
            && let Some(observer) = &settings.on_head
        {
            observer(response.headers());
            // Whoever the headers woke may wait on this thread's queue behind this task, which
            // decodes the body next: let it act first.
            tokio::task::yield_now().await;
        }
        answer
    }
}

/// Whether `request` asks for a JSON answer.
fn accepts_json(request: &Request) -> bool {
    request
        .headers()
        .get_all(ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.contains("application/json"))
}

impl Client {
    /// Sends `request` and waits for the answer's head, at most `timeouts.answer`.
    async fn answer(&self, request: Request, timeouts: Timeouts) -> reqwest::Result<Response> {
        match tokio::time::timeout(timeouts.answer, self.client().execute(request)).await {
            Ok(answer) => answer,
            Err(_) => Err(transport_error(
                io::ErrorKind::TimedOut,
                format!("no answer within {}", seconds(timeouts.answer)),
            )
            .await),
        }
    }

    /// Follows a redirect to another origin, such as a log in object storage, without the
    /// credentials: they are for GitLab only. Redirects within GitLab's origin were followed
    /// by the HTTP client already (see `connect.rs`). Only GETs and HEADs come here: an action
    /// is never sent to another origin.
    async fn follow_elsewhere(
        &self,
        mut response: Response,
        method: &Method,
        carried: &[(HeaderName, HeaderValue)],
        timeouts: Timeouts,
    ) -> reqwest::Result<Response> {
        for _ in 0..5 {
            if !response.status().is_redirection() {
                break;
            }
            let Some(target) = redirect_target(&response) else {
                break;
            };
            if target.origin() == response.url().origin() {
                break;
            }
            let mut bare = Request::new(method.clone(), target);
            bare.headers_mut()
                .insert(ACCEPT, HeaderValue::from_static("*/*"));
            bare.headers_mut()
                .insert(USER_AGENT, HeaderValue::from_static(OUR_USER_AGENT));
            bare.headers_mut().extend(carried.iter().cloned());
            response = self.answer(bare, timeouts).await?;
        }
        Ok(response)
    }
}

/// The headers of `request` that a redirect to another origin keeps: which bytes it asks for
/// and on what condition, never a credential.
fn carried_elsewhere(request: &Request) -> Vec<(HeaderName, HeaderValue)> {
    [RANGE, IF_RANGE, IF_NONE_MATCH]
        .into_iter()
        .filter_map(|name| {
            let value = request.headers().get(&name)?.clone();
            Some((name, value))
        })
        .collect()
}

/// Where a redirect points, resolved against the URL that answered it.
pub(crate) fn redirect_target(response: &Response) -> Option<reqwest::Url> {
    let location = response.headers().get(LOCATION)?.to_str().ok()?;
    response.url().join(location).ok()
}

/// `response` with its body read into memory, pausing at most `idle` between chunks, and the
/// token of `auth` redacted from it wherever the server echoed it. An error body that is not
/// JSON (GitLab's throttle answers `Retry later`, its middleware `Bad Request`, object storage
/// XML) becomes a JSON string, so that it parses as `ApiError::Text`.
async fn read_whole(
    mut response: Response,
    idle: Duration,
    auth: &Auth,
) -> reqwest::Result<Response> {
    let mut builder = http::Response::builder()
        .status(response.status())
        .version(response.version())
        .url(response.url().clone());
    for (name, value) in response.headers() {
        if name != CONTENT_LENGTH {
            builder = builder.header(name, value);
        }
    }
    let expected = response
        .content_length()
        .map_or(0, |length| length.min(MAX_BODY as u64) as usize);
    let mut chunks: Vec<Bytes> = Vec::new();
    let mut length = 0;
    loop {
        let chunk = match tokio::time::timeout(idle, response.chunk()).await {
            Ok(chunk) => chunk?,
            Err(_) => return Err(stalled(idle).await),
        };
        let Some(chunk) = chunk else { break };
        length += chunk.len();
        if length > MAX_BODY {
            return Err(transport_error(
                io::ErrorKind::InvalidData,
                format!("the answer is longer than {} MiB", MAX_BODY >> 20),
            )
            .await);
        }
        chunks.push(chunk);
    }
    let mut body = match chunks.len() {
        0 => Bytes::new(),
        1 => chunks.pop().unwrap_or_default(),
        _ => {
            let mut whole = BytesMut::with_capacity(expected.max(length));
            chunks
                .iter()
                .for_each(|chunk| whole.extend_from_slice(chunk));
            whole.freeze()
        }
    };
    body = auth.redact_bytes(body);
    if is_text_error(response.status(), response.headers()) {
        let text = String::from_utf8_lossy(&body);
        body = serde_json::to_vec(&text)
            .map(Bytes::from)
            .unwrap_or_default();
    }
    match builder.header(CONTENT_LENGTH, body.len()).body(body) {
        Ok(response) => Ok(Response::from(response)),
        Err(err) => Err(transport_error(io::ErrorKind::InvalidData, err.to_string()).await),
    }
}

/// An error answer whose body is text, not JSON: any media type but JSON's (`application/json`
/// and `+json` types), or none. An empty body counts as text too.
fn is_text_error(status: StatusCode, headers: &reqwest::header::HeaderMap) -> bool {
    let json = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            let essence = value
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            essence == "application/json" || essence.ends_with("+json")
        });
    !json && (status.is_client_error() || status.is_server_error())
}

/// `response`, whose body fails as a timeout once it pauses for longer than `idle`, or once
/// `deadline`, the first of the pair, passes (the second is when the call started).
async fn stalls_fail(
    response: Response,
    idle: Duration,
    deadline: Option<(Instant, Instant)>,
) -> reqwest::Result<Response> {
    let mut builder = http::Response::builder()
        .status(response.status())
        .version(response.version())
        .url(response.url().clone());
    for (name, value) in response.headers() {
        builder = builder.header(name, value);
    }
    let status = response.status();
    let chunks = response.bytes_stream().map_err(io::Error::other);
    let body = failing_when_idle(chunks, idle, deadline, status);
    match builder.body(reqwest::Body::wrap_stream(body)) {
        Ok(response) => Ok(Response::from(response)),
        Err(err) => Err(transport_error(io::ErrorKind::InvalidData, err.to_string()).await),
    }
}

/// The items of `stream`, failing with a timeout when the next one takes longer than `idle`,
/// or comes after `deadline` (when, and since when, the call must end).
fn failing_when_idle<S>(
    stream: S,
    idle: Duration,
    deadline: Option<(Instant, Instant)>,
    status: StatusCode,
) -> impl futures_util::Stream<Item = io::Result<Bytes>>
where
    S: futures_util::Stream<Item = io::Result<Bytes>> + Send + 'static,
{
    futures_util::stream::unfold(Some(Box::pin(stream)), move |state| async move {
        let mut stream = state?;
        let pause = Instant::now().checked_add(idle);
        // The deadline's start when it comes before the pause's end.
        let (until, deadline_first) = match (deadline, pause) {
            (Some((deadline, started)), Some(pause)) if deadline <= pause => {
                (deadline, Some(started))
            }
            (Some((deadline, started)), None) => (deadline, Some(started)),
            (_, Some(pause)) => (pause, None),
            (None, None) => return stream.next().await.map(|item| (item, Some(stream))),
        };
        match (
            tokio::time::timeout_at(until.into(), stream.next()).await,
            deadline_first,
        ) {
            (Ok(Some(item)), _) => Some((item, Some(stream))),
            (Ok(None), _) => None,
            (Err(_), Some(started)) => {
                let passed = DeadlinePassed::since(started, Some(status));
                Some((Err(io::Error::new(io::ErrorKind::TimedOut, passed)), None))
            }
            (Err(_), None) => Some((
                Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("the answer stalled for {}", seconds(idle)),
                )),
                None,
            )),
        }
    })
}

async fn stalled(idle: Duration) -> reqwest::Error {
    transport_error(
        io::ErrorKind::TimedOut,
        format!("the answer stalled for {}", seconds(idle)),
    )
    .await
}

fn seconds(duration: Duration) -> String {
    format!("{}s", duration.as_secs_f64())
}

/// A reqwest error whose source is an I/O error of `kind` caused by `cause`: what a try that
/// this crate gives up on fails with, so that retries and `CallError` treat it as they treat
/// reqwest's own (`is_timeout` holds for `TimedOut`). reqwest has no public constructor for
/// its errors; a body that fails at once makes one.
async fn transport_error(
    kind: io::ErrorKind,
    cause: impl Into<Box<dyn std::error::Error + Send + Sync>>,
) -> reqwest::Error {
    let error = io::Error::new(kind, cause);
    let failing = futures_util::stream::once(async move { Err::<Bytes, _>(error) });
    let response = Response::from(http::Response::new(reqwest::Body::wrap_stream(failing)));
    match response.bytes().await {
        Err(err) => err,
        Ok(_) => unreachable!("a body whose only item is an error fails"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A body read whole is the one buffer the decoder reads: neither the rebuilt answer nor
    /// `bytes()` copies it.
    #[tokio::test]
    async fn a_body_read_whole_is_kept_in_one_buffer() {
        let page = Bytes::from(br#"[{"id":1}]"#.repeat(1000));
        let at = page.as_ptr();
        let answer = Response::from(http::Response::new(reqwest::Body::from(page)));
        let auth = Auth::private_token("glpat-not-in-the-body").unwrap();
        let read = read_whole(answer, Duration::from_secs(5), &auth)
            .await
            .unwrap();
        assert_eq!(read.content_length(), Some(10_000));
        let body = read.bytes().await.unwrap();
        assert_eq!(body.as_ptr(), at, "the body was copied");
    }
}

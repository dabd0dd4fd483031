//! Building a client: the base URL, the credentials and the HTTP client.
//!
//! Every way to build a [`Client`] goes through [`Client::with_auth_and_http`], which sets the
//! HTTP client's redirect policy itself; the constructors progenitor generates are not public.
//! So whatever a caller passes, a token stays with GitLab's origin and an action is never sent
//! anywhere else, and every wait is bounded by the client's [`Timeouts`].

use std::fmt;
use std::time::Duration;

use reqwest::Url;
use reqwest::redirect::Policy;

use crate::{Auth, Client, InvalidToken, RetryPolicy, RetryWait, Settings, Timeouts};

/// What can go wrong when building a [`Client`]. No variant carries a token or any part of the
/// base URL but its scheme, host, port and path.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL is not an absolute `http` or `https` URL that paths can be appended to.
    InvalidBaseUrl {
        /// The URL as given, with everything but its scheme, host, port and path left out.
        url: String,
        reason: &'static str,
    },
    /// The token cannot be sent.
    InvalidToken(InvalidToken),
    /// reqwest could not build its client (for example, no TLS backend is compiled in).
    Http(reqwest::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::InvalidBaseUrl { url, reason } => {
                write!(f, "invalid base URL {url:?}: {reason}")
            }
            BuildError::InvalidToken(err) => err.fmt(f),
            BuildError::Http(err) => write!(f, "cannot build the HTTP client: {err}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::InvalidToken(err) => Some(err),
            BuildError::Http(err) => Some(err),
            BuildError::InvalidBaseUrl { .. } => None,
        }
    }
}

impl From<InvalidToken> for BuildError {
    fn from(err: InvalidToken) -> Self {
        BuildError::InvalidToken(err)
    }
}

/// The HTTP client [`Client::with_auth`] starts from: a connect timeout of 15 seconds and this
/// crate's user agent. Customize it (proxies, root certificates, ...) and pass it to
/// [`Client::with_auth_and_http`].
pub fn default_http_client() -> reqwest::ClientBuilder {
    ensure_crypto_provider();
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(15))
        .user_agent(crate::hooks::OUR_USER_AGENT)
}

/// reqwest's rustls takes rustls's process-wide crypto provider: this crate brings ring, and
/// installs it unless the program installed one first, which then stays.
#[cfg(feature = "rustls")]
fn ensure_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may install one meanwhile; then that one stays, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

#[cfg(not(feature = "rustls"))]
fn ensure_crypto_provider() {}

/// Follows redirects within one origin, up to 10, and stops at a redirect to another origin,
/// which [`Client`]'s hooks follow themselves: a GET without credentials, an action never.
fn same_origin_redirects() -> Policy {
    Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .last()
            .is_some_and(|previous| previous.origin() == attempt.url().origin());
        if attempt.previous().len() >= 10 {
            attempt.error("more than 10 redirects")
        } else if same_origin {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

impl Client {
    /// A client for the GitLab API at `base_url`, such as `https://gitlab.example.com/api/v4`,
    /// authenticating with a personal, project or group access token (`PRIVATE-TOKEN`).
    pub fn with_private_token(base_url: &str, token: impl AsRef<str>) -> Result<Self, BuildError> {
        Self::with_auth(base_url, Auth::private_token(token)?)
    }

    /// A client for the GitLab API at `base_url`, authenticating with an OAuth 2 access token
    /// (`Authorization: Bearer`).
    pub fn with_oauth_token(base_url: &str, token: impl AsRef<str>) -> Result<Self, BuildError> {
        Self::with_auth(base_url, Auth::oauth_token(token)?)
    }

    /// A client for the GitLab API at `base_url`, authenticating with a CI job token
    /// (`JOB-TOKEN`), such as `CI_JOB_TOKEN` inside a job with `CI_API_V4_URL` as the base.
    pub fn with_job_token(base_url: &str, token: impl AsRef<str>) -> Result<Self, BuildError> {
        Self::with_auth(base_url, Auth::job_token(token)?)
    }

    /// A client for the GitLab API at `base_url` over [`default_http_client`].
    pub fn with_auth(base_url: &str, auth: Auth) -> Result<Self, BuildError> {
        Self::with_auth_and_http(base_url, auth, default_http_client())
    }

    /// A client for the GitLab API at `base_url` over an HTTP client built from `http`, for
    /// proxies, root certificates and the like; start from [`default_http_client`].
    ///
    /// Whatever `http` says, the client:
    ///
    /// - follows redirects within the base URL's origin only. A redirect of a GET to another
    ///   origin (object storage, for logs) is followed by a request without credentials; an
    ///   action (cancel, retry, erase, play) redirected to another origin is not sent there,
    ///   and the call fails with [`CallErrorKind::Redirected`](crate::CallErrorKind);
    /// - gives up on an answer that does not come, or stalls, within its [`Timeouts`], even
    ///   over an HTTP client with no timeouts of its own.
    ///
    /// The progenitor constructors `Client::new` and `Client::new_with_client` are not public,
    /// so there is no way around this:
    ///
    /// ```compile_fail,E0599
    /// let settings: gitlab_jobs_client::Settings = unimplemented!();
    /// gitlab_jobs_client::Client::new("https://gitlab.example.com/api/v4", settings);
    /// ```
    ///
    /// ```compile_fail,E0624
    /// let settings: gitlab_jobs_client::Settings = unimplemented!();
    /// let http = reqwest::Client::new();
    /// gitlab_jobs_client::Client::new_with_client("https://gitlab.example.com/api/v4", http, settings);
    /// ```
    pub fn with_auth_and_http(
        base_url: &str,
        auth: Auth,
        http: reqwest::ClientBuilder,
    ) -> Result<Self, BuildError> {
        let base_url = checked_base_url(base_url)?;
        ensure_crypto_provider();
        let http = http
            .redirect(same_origin_redirects())
            .build()
            .map_err(BuildError::Http)?;
        Ok(Self::new_with_client(&base_url, http, Settings::new(auth)))
    }

    /// This client with another retry policy.
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.inner.retry = policy;
        self
    }

    /// This client's time limits.
    pub fn timeouts(&self) -> Timeouts {
        self.inner.timeouts
    }

    /// This client with other time limits.
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.inner.timeouts = timeouts;
        self
    }

    /// This client, all of whose calls end by `deadline`: each try, each wait before a retry
    /// and each answer's body, a log's stream included. A call that cannot end in time fails
    /// with [`CallErrorKind::TimedOut`](crate::CallErrorKind::TimedOut), which names the last
    /// status GitLab answered with; a retry that would start after the deadline is not waited
    /// for. The earlier of this and [`Timeouts::call`] holds.
    ///
    /// ```no_run
    /// # async fn run(gitlab: gitlab_jobs_client::Client) -> Result<(), gitlab_jobs_client::CallError> {
    /// use std::time::{Duration, Instant};
    /// use gitlab_jobs_client::Call;
    ///
    /// let quick = gitlab.clone().with_deadline(Instant::now() + Duration::from_secs(5));
    /// let job = quick.get_job().id("group/project").job_id(42).call().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_deadline(mut self, deadline: std::time::Instant) -> Self {
        self.inner.deadline = Some(deadline);
        self
    }

    /// This client, telling `observer` of each wait before a retry, such as one for GitLab's
    /// rate limit, before it starts: for saying so to a person who would otherwise see nothing
    /// happen.
    pub fn on_retry(mut self, observer: impl Fn(&RetryWait) + Send + Sync + 'static) -> Self {
        self.inner.on_retry = Some(std::sync::Arc::new(observer));
        self
    }

    /// A copy of this client that tells `observer` of each successful answer's headers once
    /// its body is read and before it is decoded: a job list asks for its next page meanwhile.
    pub(crate) fn telling_heads(&self, observer: crate::hooks::HeadObserver) -> Self {
        let mut client = self.clone();
        client.inner.on_head = Some(observer);
        client
    }

    /// A copy of this client that counts the tries of its requests in `count`: a call is made
    /// with one, so that its error can say how many tries it took.
    pub(crate) fn counting_tries(&self, count: &crate::retry::TryCount) -> Self {
        let mut client = self.clone();
        client.inner.tries = Some(count.clone());
        client
    }
}

/// `base_url` without a trailing slash, once it is known to be an absolute http(s) URL that
/// the operation paths can be appended to.
fn checked_base_url(base_url: &str) -> Result<String, BuildError> {
    let invalid = |reason| BuildError::InvalidBaseUrl {
        url: redacted(base_url),
        reason,
    };
    let url = Url::parse(base_url).map_err(|_| {
        invalid("not an absolute URL; it starts with https:// (or http://) and names the host")
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "it carries credentials; pass the token to the constructor instead",
        ));
    }
    if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
        return Err(invalid("the scheme is not http or https"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it has a query or a fragment"));
    }
    Ok(base_url.trim_end_matches('/').to_owned())
}

/// What of `text`, a would-be URL, an error may show: its scheme, host, port and path, and
/// nothing else. A query, a fragment or user information may hold a secret.
fn redacted(text: &str) -> String {
    let shown = |url: &Url| {
        let port = url
            .port()
            .map(|port| format!(":{port}"))
            .unwrap_or_default();
        format!("{}{port}{}", url.host_str().unwrap_or(""), url.path())
    };
    match Url::parse(text) {
        Ok(url) if url.has_host() => format!("{}://{}", url.scheme(), shown(&url)),
        // Without a scheme, `user:password@host/path` reads as a scheme `user`; read it as the
        // host and path it names instead.
        _ if !text.contains("://") => match Url::parse(&format!("http://{text}")) {
            Ok(url) if url.has_host() => shown(&url),
            _ => "<not a URL>".to_owned(),
        },
        _ => "<not a URL>".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked_and_lose_a_trailing_slash() {
        assert_eq!(
            checked_base_url("https://gitlab.example.com/api/v4/").unwrap(),
            "https://gitlab.example.com/api/v4"
        );
        for (url, message) in [
            (
                "gitlab.example.com/api/v4",
                r#"invalid base URL "gitlab.example.com/api/v4": not an absolute URL; it starts with https:// (or http://) and names the host"#,
            ),
            (
                "ftp://gitlab.example.com",
                r#"invalid base URL "ftp://gitlab.example.com/": the scheme is not http or https"#,
            ),
            (
                "https://gitlab.example.com/api/v4?x=1",
                r#"invalid base URL "https://gitlab.example.com/api/v4": it has a query or a fragment"#,
            ),
            (
                "https://root:secret@gitlab.example.com",
                r#"invalid base URL "https://gitlab.example.com/": it carries credentials; pass the token to the constructor instead"#,
            ),
        ] {
            assert_eq!(checked_base_url(url).unwrap_err().to_string(), message);
        }
    }

    /// A secret anywhere in a bad base URL but its scheme, host, port and path shows neither in
    /// `Display` nor in `Debug`.
    #[test]
    fn a_bad_base_url_is_shown_without_its_secrets() {
        for (url, shown) in [
            (
                "https://gitlab.example.com/api/v4?private_token=s3cr3t",
                "https://gitlab.example.com/api/v4",
            ),
            (
                "https://gitlab.example.com:8443/api/v4#s3cr3t",
                "https://gitlab.example.com:8443/api/v4",
            ),
            (
                "root:s3cr3t@gitlab.example.com/api/v4",
                "gitlab.example.com/api/v4",
            ),
            (
                "https://root:s3cr3t@gitlab.example.com/api/v4",
                "https://gitlab.example.com/api/v4",
            ),
            ("http://[::1]:s3cr3t/api", "<not a URL>"),
        ] {
            let err = checked_base_url(url).unwrap_err();
            let (display, debug) = (err.to_string(), format!("{err:?}"));
            assert!(!display.contains("s3cr3t"), "{display}");
            assert!(!debug.contains("s3cr3t"), "{debug}");
            assert!(display.contains(&format!("{shown:?}")), "{url}: {display}");
        }
    }

    #[test]
    fn a_client_shows_no_token_in_debug() {
        let client =
            Client::with_private_token("http://127.0.0.1:1/api/v4", "glpat-very-secret").unwrap();
        let debug = format!("{client:?}");
        assert!(!debug.contains("very-secret"), "{debug}");
        assert!(debug.contains("Auth::PrivateToken(<redacted>)"), "{debug}");
    }
}

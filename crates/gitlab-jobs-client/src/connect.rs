//! Building a client: the base URL, the credentials and the HTTP client.

use std::fmt;
use std::time::Duration;

use crate::{Auth, Client, InvalidToken, RetryPolicy, Settings};

/// What can go wrong when building a [`Client`]. No variant carries a token.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL is not an absolute `http` or `https` URL.
    InvalidBaseUrl {
        /// The URL as given, unless it carried credentials.
        url: Option<String>,
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
            BuildError::InvalidBaseUrl {
                url: Some(url),
                reason,
            } => {
                write!(f, "invalid base URL {url:?}: {reason}")
            }
            BuildError::InvalidBaseUrl { url: None, reason } => {
                write!(f, "invalid base URL: {reason}")
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

/// The HTTP client [`Client::with_auth`] uses: a connect timeout of 15 seconds and a read
/// timeout of 60 seconds, but no limit on a whole request, so that a long log can stream; and
/// redirects followed only within the same origin, so that a token never reaches another host.
/// GitLab may redirect a log to object storage; the client follows such a redirect itself,
/// with a request that carries no credentials.
pub fn default_http_client() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(15))
        .read_timeout(Duration::from_secs(60))
        .user_agent(concat!("gitlab-jobs-client/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::custom(|attempt| {
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
        }))
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
        let http = default_http_client().build().map_err(BuildError::Http)?;
        Self::with_auth_and_http_client(base_url, auth, http)
    }

    /// A client for the GitLab API at `base_url` over an HTTP client of your own.
    ///
    /// The client follows a redirect to another origin itself, without credentials; for that,
    /// the HTTP client must not follow one first. Build it from [`default_http_client`], or
    /// give it a redirect policy that stops at another origin (reqwest's default follows, and
    /// would send `PRIVATE-TOKEN` or `JOB-TOKEN` along).
    pub fn with_auth_and_http_client(
        base_url: &str,
        auth: Auth,
        http: reqwest::Client,
    ) -> Result<Self, BuildError> {
        Ok(Self::new_with_client(
            &checked_base_url(base_url)?,
            http,
            Settings::from(auth),
        ))
    }

    /// This client with another retry policy.
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.inner.retry = policy;
        self
    }
}

/// `base_url` without a trailing slash, once it is known to be an absolute http(s) URL that
/// the operation paths can be appended to.
fn checked_base_url(base_url: &str) -> Result<String, BuildError> {
    let invalid = |reason| BuildError::InvalidBaseUrl {
        url: Some(base_url.to_owned()),
        reason,
    };
    let url = reqwest::Url::parse(base_url).map_err(|_| invalid("not an absolute URL"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(BuildError::InvalidBaseUrl {
            url: None,
            reason: "it carries credentials; pass the token to the constructor instead",
        });
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme is not http or https"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it has a query or a fragment"));
    }
    Ok(base_url.trim_end_matches('/').to_owned())
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
                r#"invalid base URL "gitlab.example.com/api/v4": not an absolute URL"#,
            ),
            (
                "ftp://gitlab.example.com",
                r#"invalid base URL "ftp://gitlab.example.com": the scheme is not http or https"#,
            ),
            (
                "https://gitlab.example.com/api/v4?x=1",
                r#"invalid base URL "https://gitlab.example.com/api/v4?x=1": it has a query or a fragment"#,
            ),
            (
                "https://root:secret@gitlab.example.com",
                "invalid base URL: it carries credentials; pass the token to the constructor instead",
            ),
        ] {
            assert_eq!(checked_base_url(url).unwrap_err().to_string(), message);
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

//! How the client authenticates, and the hooks that put the credentials on each request.

use std::fmt;

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};

/// How a [`Client`](crate::Client) authenticates to GitLab.
///
/// The token is kept as a sensitive header value: it never appears in `Debug` output, in this
/// crate's error messages, or in reqwest's.
#[derive(Clone, PartialEq, Eq)]
pub struct Auth(Credentials);

#[derive(Clone, PartialEq, Eq)]
enum Credentials {
    Anonymous,
    Header {
        kind: Kind,
        name: HeaderName,
        value: HeaderValue,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    PrivateToken,
    OAuth,
    JobToken,
}

/// A token that cannot be sent: it is empty or holds characters an HTTP header cannot carry.
/// The message never contains the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidToken {
    kind: &'static str,
}

impl fmt::Display for InvalidToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {}: it is empty or holds characters an HTTP header cannot carry",
            self.kind
        )
    }
}

impl std::error::Error for InvalidToken {}

impl Auth {
    /// No credentials: enough for a public project's pipeline jobs, and nothing else.
    pub fn anonymous() -> Self {
        Auth(Credentials::Anonymous)
    }

    /// A personal, project or group access token, sent as `PRIVATE-TOKEN`. The token's scope
    /// decides what it may do: `api` for everything, `read_api` for reading only.
    pub fn private_token(token: impl AsRef<str>) -> Result<Self, InvalidToken> {
        Self::header(
            Kind::PrivateToken,
            HeaderName::from_static("private-token"),
            token.as_ref(),
        )
    }

    /// An OAuth 2 access token, sent as `Authorization: Bearer <token>`.
    pub fn oauth_token(token: impl AsRef<str>) -> Result<Self, InvalidToken> {
        Self::header(
            Kind::OAuth,
            AUTHORIZATION,
            &format!("Bearer {}", token.as_ref()),
        )
    }

    /// The CI job token of a running job (`CI_JOB_TOKEN`), sent as `JOB-TOKEN`. GitLab accepts
    /// it only on some operations: the project and pipeline job lists, the job token's job and
    /// its allowed agents.
    pub fn job_token(token: impl AsRef<str>) -> Result<Self, InvalidToken> {
        Self::header(
            Kind::JobToken,
            HeaderName::from_static("job-token"),
            token.as_ref(),
        )
    }

    fn header(kind: Kind, name: HeaderName, value: &str) -> Result<Self, InvalidToken> {
        let invalid = || InvalidToken { kind: kind.label() };
        let token = match kind {
            Kind::OAuth => value.strip_prefix("Bearer ").unwrap_or(value),
            _ => value,
        };
        if token.trim().is_empty() || token.trim() != token {
            return Err(invalid());
        }
        let mut value = HeaderValue::from_str(value).map_err(|_| invalid())?;
        value.set_sensitive(true);
        Ok(Auth(Credentials::Header { kind, name, value }))
    }

    /// Puts the credentials on `request`, replacing any already there.
    pub(crate) fn apply(&self, request: &mut reqwest::Request) {
        if let Credentials::Header { name, value, .. } = &self.0 {
            request.headers_mut().insert(name.clone(), value.clone());
        }
    }
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::PrivateToken => "private token",
            Kind::OAuth => "OAuth token",
            Kind::JobToken => "job token",
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Credentials::Anonymous => f.write_str("Auth::Anonymous"),
            Credentials::Header { kind, .. } => write!(f, "Auth::{kind:?}(<redacted>)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_never_show_in_debug_or_errors() {
        let auth = Auth::private_token("glpat-secret").unwrap();
        assert_eq!(format!("{auth:?}"), "Auth::PrivateToken(<redacted>)");
        let auth = Auth::oauth_token("oauth-secret").unwrap();
        assert_eq!(format!("{auth:?}"), "Auth::OAuth(<redacted>)");
        let err = Auth::job_token("bad\ntoken-secret").unwrap_err();
        assert!(!err.to_string().contains("secret"), "{err}");
        assert_eq!(
            err.to_string(),
            "invalid job token: it is empty or holds characters an HTTP header cannot carry"
        );
    }

    #[test]
    fn empty_or_padded_tokens_are_refused() {
        for token in ["", " ", " glpat", "glpat "] {
            assert!(Auth::private_token(token).is_err(), "{token:?}");
            assert!(Auth::oauth_token(token).is_err(), "{token:?}");
        }
    }

    #[test]
    fn each_kind_uses_its_header() {
        let mut request = reqwest::Request::new(
            reqwest::Method::GET,
            "http://127.0.0.1/api/v4/job".parse().unwrap(),
        );
        Auth::job_token("tok").unwrap().apply(&mut request);
        Auth::oauth_token("oat").unwrap().apply(&mut request);
        assert_eq!(request.headers()["job-token"], "tok");
        assert_eq!(request.headers()["authorization"], "Bearer oat");
        assert!(request.headers()["job-token"].is_sensitive());
    }
}

//! How the client authenticates, and the hooks that put the credentials on each request.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
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

    /// `text`, a server's words, with every occurrence of the token replaced by
    /// [`REDACTED`]: a server that echoes the token in a message or a name does not get it
    /// shown. A token shorter than 8 characters is left alone, as it could stand for
    /// anything.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match self.secret() {
            Some(secret) if text.contains(secret) => Cow::Owned(text.replace(secret, REDACTED)),
            _ => Cow::Borrowed(text),
        }
    }

    /// [`Auth::redact`] for a body as it came.
    pub(crate) fn redact_bytes(&self, body: Bytes) -> Bytes {
        let Some(secret) = self.secret() else {
            return body;
        };
        let finder = memchr::memmem::Finder::new(secret.as_bytes());
        let mut found = finder.find_iter(&body).peekable();
        if found.peek().is_none() {
            return body;
        }
        let mut redacted = Vec::with_capacity(body.len());
        let mut copied = 0;
        for at in found {
            redacted.extend_from_slice(&body[copied..at]);
            redacted.extend_from_slice(REDACTED.as_bytes());
            copied = at + secret.len();
        }
        redacted.extend_from_slice(&body[copied..]);
        Bytes::from(redacted)
    }

    /// The token itself, where it is long enough to look for.
    pub(crate) fn secret(&self) -> Option<&str> {
        let Credentials::Header { kind, value, .. } = &self.0 else {
            return None;
        };
        let value = value.to_str().ok()?;
        let token = match kind {
            Kind::OAuth => value.strip_prefix("Bearer ")?,
            _ => value,
        };
        (token.len() >= 8).then_some(token)
    }
}

/// What stands for a token in text shown to a person.
pub const REDACTED: &str = "[REDACTED]";

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
    fn a_token_in_a_servers_words_is_redacted() {
        for auth in [
            Auth::private_token("glpat-0123456789abcdef").unwrap(),
            Auth::oauth_token("glpat-0123456789abcdef").unwrap(),
            Auth::job_token("glpat-0123456789abcdef").unwrap(),
        ] {
            let echoed = "401 Unauthorized: token glpat-0123456789abcdef is revoked \
                          (glpat-0123456789abcdef)";
            let shown = "401 Unauthorized: token [REDACTED] is revoked ([REDACTED])";
            assert_eq!(auth.redact(echoed), shown);
            assert_eq!(
                auth.redact_bytes(Bytes::from(echoed)),
                Bytes::from(shown),
                "{auth:?}"
            );
            assert!(matches!(auth.redact("nothing here"), Cow::Borrowed(_)));
        }
        // A short token could be any word: nothing is replaced.
        let short = Auth::private_token("abc").unwrap();
        assert_eq!(short.redact("abc abc"), "abc abc");
        assert_eq!(Auth::anonymous().redact("glpat-x"), "glpat-x");
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

//! Reading a path of the API as GitLab answers it, undecoded: for holding a server to the
//! contract, where a typed call would stop at the first thing it cannot decode.

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

use crate::{CallError, CallErrorKind, Client};

/// An answer as GitLab sent it.
#[derive(Debug, Clone)]
pub struct RawAnswer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body, or its first bytes up to the limit asked for.
    pub body: Vec<u8>,
    /// Whether `body` is all of it.
    pub complete: bool,
}

impl Client {
    /// GETs `path`, a path under the API's base with its query (`/projects/1/jobs?per_page=5`),
    /// and answers what came, whatever its status, with at most `limit` bytes of its body.
    ///
    /// The request goes the way every call of this crate goes: its credentials, retries, time
    /// limits and redirect rules. A path that would leave the API's base (`/../`, another
    /// host) is refused before anything is sent. `operation` names the call in retries and
    /// errors; `headers` are sent as given (`Accept`, `Range`).
    pub async fn read_raw(
        &self,
        operation: &'static str,
        path: &str,
        headers: HeaderMap,
        limit: usize,
    ) -> Result<RawAnswer, CallError> {
        let refused =
            |why: String| CallError::new(operation, 1, CallErrorKind::InvalidRequest(why));
        let url = under_base(self.baseurl(), path).map_err(refused)?;
        let mut request = self
            .client()
            .request(Method::GET, url)
            .headers(headers)
            .build()
            .map_err(|err| CallError::transport(operation, 1, err))?;
        let info = OperationInfo {
            operation_id: operation,
        };
        self.pre::<()>(&mut request, &info)
            .await
            .map_err(|err| refused(err.to_string()))?;
        let mut response = self
            .exec(request, &info)
            .await
            .map_err(|err| CallError::transport(operation, 1, err))?;
        let (status, headers) = (response.status(), response.headers().clone());
        let mut body = Vec::new();
        let mut complete = true;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|err| CallError::transport(operation, 1, err))?
        {
            let room = limit - body.len();
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                complete = false;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        Ok(RawAnswer {
            status,
            headers,
            body,
            complete,
        })
    }
}

impl Client {
    /// The path under the API's base of `url`, an absolute URL GitLab gave (a `Link` header's
    /// next page), for [`Client::read_raw`]; none for a URL elsewhere.
    pub fn path_under_api(&self, url: &str) -> Option<String> {
        let base = self.baseurl().trim_end_matches('/');
        let path = url.strip_prefix(base)?;
        (path.starts_with('/') && under_base(base, path).is_ok()).then(|| path.to_owned())
    }
}

/// `path` joined to `base`, if the result stays under it, at the same origin.
fn under_base(base: &str, path: &str) -> Result<reqwest::Url, String> {
    if !path.starts_with('/') || path.starts_with("//") || path.contains('\\') {
        return Err(format!(
            "{path:?} is not a path under the API (such as /projects/1/jobs)"
        ));
    }
    let base_url = reqwest::Url::parse(base).map_err(|err| format!("the base URL: {err}"))?;
    let joined = format!("{}{path}", base.trim_end_matches('/'));
    let url = reqwest::Url::parse(&joined).map_err(|err| format!("{path:?}: {err}"))?;
    let under = format!("{}/", base_url.path().trim_end_matches('/'));
    if url.origin() != base_url.origin() || !url.path().starts_with(&under) {
        return Err(format!("{path:?} leaves the API's base, {base}"));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_stays_under_the_base() {
        let base = "https://gitlab.example.com/api/v4";
        let url = under_base(base, "/projects/1/jobs?per_page=5").unwrap();
        assert_eq!(
            url.as_str(),
            "https://gitlab.example.com/api/v4/projects/1/jobs?per_page=5"
        );
        assert!(under_base(&format!("{base}/"), "/version").is_ok());
        let client = Client::with_private_token(base, "glpat-x").unwrap();
        assert_eq!(
            client.path_under_api(&format!("{base}/projects/1/jobs?cursor=abc")),
            Some("/projects/1/jobs?cursor=abc".to_owned())
        );
        assert_eq!(
            client.path_under_api("https://gitlab.example.com/api/v44/x"),
            None
        );
        assert_eq!(client.path_under_api("https://evil.example/api/v4/x"), None);
        for path in [
            "projects/1",
            "//evil.example/x",
            "/../../admin",
            "/projects/%2e%2e/%2e%2e/%2e%2e/x",
            "/..\\x",
            "@evil.example/x",
        ] {
            let refused = under_base(base, path);
            assert!(refused.is_err(), "{path}: {refused:?}");
        }
    }
}

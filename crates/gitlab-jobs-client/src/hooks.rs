//! What runs around every request of the generated client.

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::{ACCEPT, LOCATION, USER_AGENT};
use reqwest::{Method, Request, Response, ResponseBuilderExt};

use crate::retry::{RetryPolicy, send_with_retries};
use crate::{Auth, Client};

/// What a [`Client`] carries besides its base URL and HTTP client.
#[derive(Debug, Clone)]
pub struct Settings {
    pub auth: Auth,
    pub retry: RetryPolicy,
}

impl From<Auth> for Settings {
    fn from(auth: Auth) -> Self {
        Settings {
            auth,
            retry: RetryPolicy::default(),
        }
    }
}

/// The operation whose answer is streamed to the caller rather than read whole.
const STREAMED: &str = "get_job_log";

impl ClientHooks<Settings> for Client {
    async fn pre<E>(&self, request: &mut Request, _: &OperationInfo) -> Result<(), Error<E>> {
        // progenitor sends `api-version: <info.version>` with every request; GitLab has no
        // such header, so it is noise at best.
        request.headers_mut().remove("api-version");
        self.inner().auth.apply(request);
        Ok(())
    }

    async fn exec(&self, request: Request, info: &OperationInfo) -> reqwest::Result<Response> {
        let streamed = info.operation_id == STREAMED;
        send_with_retries(&self.inner().retry, request, |request| async move {
            let method = request.method().clone();
            let response = self.client().execute(request).await?;
            let response = if method == Method::GET {
                self.follow_elsewhere(response).await?
            } else {
                response
            };
            // A JSON answer is read here, so that one that breaks off is retried like any
            // other failure; the log is left to stream.
            if streamed {
                Ok(response)
            } else {
                read_whole(response).await
            }
        })
        .await
    }
}

impl Client {
    /// Follows a redirect to another origin, such as a log in object storage, without the
    /// credentials: they are for GitLab only. Redirects within GitLab's origin are left to
    /// the HTTP client's policy, which follows them.
    async fn follow_elsewhere(&self, mut response: Response) -> reqwest::Result<Response> {
        for _ in 0..5 {
            if !response.status().is_redirection() {
                break;
            }
            let Some(target) = response
                .headers()
                .get(LOCATION)
                .and_then(|location| location.to_str().ok())
                .and_then(|location| response.url().join(location).ok())
            else {
                break;
            };
            if target.origin() == response.url().origin() {
                break;
            }
            let mut bare = Request::new(Method::GET, target);
            bare.headers_mut()
                .insert(ACCEPT, "*/*".parse().expect("a header value"));
            bare.headers_mut().insert(
                USER_AGENT,
                concat!("gitlab-jobs-client/", env!("CARGO_PKG_VERSION"))
                    .parse()
                    .expect("a header value"),
            );
            response = self.client().execute(bare).await?;
        }
        Ok(response)
    }
}

/// `response` with its body read into memory.
async fn read_whole(response: Response) -> reqwest::Result<Response> {
    let mut builder = http::Response::builder()
        .status(response.status())
        .version(response.version())
        .url(response.url().clone());
    for (name, value) in response.headers() {
        builder = builder.header(name, value);
    }
    let body = response.bytes().await?;
    Ok(Response::from(
        builder.body(body).expect("parts of a valid response"),
    ))
}

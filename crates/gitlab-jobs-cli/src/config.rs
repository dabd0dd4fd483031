//! Which GitLab, which credentials and which project: from the options, then the environment.

use std::time::Duration;

use gitlab_jobs_client::models::ProjectId;
use gitlab_jobs_client::{Auth, Client, Timeouts};

use crate::args::Global;
use crate::checkout;
use crate::hosts::Hosts;

/// The settings a command runs with, and where each came from (for `--verbose`).
#[derive(Debug)]
pub struct Config {
    pub api_url: String,
    pub url_from: String,
    pub auth: Auth,
    pub auth_from: Option<&'static str>,
    pub project: ProjectId,
    pub project_from: String,
    pub timeouts: Timeouts,
}

/// The variable GitLab puts a CI job's token in.
const JOB_TOKEN: &str = "CI_JOB_TOKEN";

/// Where a token kept in the hosts file comes from, for `--verbose`.
const HOSTS_FILE: &str = "the hosts file (GITLAB_JOBS_CONFIG or ~/.config/gitlab-jobs/config.toml)";

/// What is missing or wrong in the configuration: a usage error.
#[derive(Debug, PartialEq, Eq)]
pub struct Missing(pub String);

impl Config {
    /// Reads the options, and where they are not given, `env` (the process's environment),
    /// then the git checkout's `remotes`. clap has already read GITLAB_URL, GITLAB_TOKEN and
    /// CI_PROJECT_ID into `global`.
    pub fn resolve(
        global: &Global,
        env: impl Fn(&str) -> Option<String>,
        remotes: &[checkout::Remote],
        hosts: Option<&Hosts>,
    ) -> Result<Self, Missing> {
        let env = |name: &str| env(name).filter(|value| !value.is_empty());
        // The checkout's remote, read only where the options and the environment say nothing.
        let checkout = || checkout::choose(remotes, global.remote.as_deref()).map_err(Missing);
        let (url, url_from) = if let Some(url) = &global.url {
            (url.clone(), "--url or GITLAB_URL".to_owned())
        } else if let Some(url) = env("CI_API_V4_URL") {
            (url, "CI_API_V4_URL".to_owned())
        } else if let Some(url) = env("CI_SERVER_URL") {
            (url, "CI_SERVER_URL".to_owned())
        } else if let Some((remote, named)) = checkout()? {
            (named.web_url, format!("the git remote {}", remote.name))
        } else if let Some((url, from)) = hosts.and_then(Hosts::default_url) {
            (url, from)
        } else {
            return Err(Missing(
                "no GitLab to talk to: pass --url https://gitlab.example.com, set GITLAB_URL, run \
                 inside a clone of a GitLab project, or name a default_host in the hosts file"
                    .into(),
            ));
        };
        let (auth, auth_from) = match (&global.token, env(JOB_TOKEN)) {
            (Some(token), _) => (
                Auth::private_token(token)
                    .map_err(|err| Missing(format!("--token or GITLAB_TOKEN: {err}")))?,
                Some("--token or GITLAB_TOKEN"),
            ),
            (None, Some(token)) => (
                Auth::job_token(&token).map_err(|err| Missing(format!("{JOB_TOKEN}: {err}")))?,
                Some(JOB_TOKEN),
            ),
            (None, None) => match hosts
                .map(|hosts| hosts.token_for(&url))
                .transpose()
                .map_err(Missing)?
                .flatten()
            {
                Some((token, from)) => (
                    Auth::private_token(&token).map_err(|err| Missing(format!("{from}: {err}")))?,
                    Some(HOSTS_FILE),
                ),
                None => (Auth::anonymous(), None),
            },
        };
        let (project, project_from) = match global
            .project
            .as_deref()
            .filter(|project| !project.is_empty())
        {
            Some(project) => (project.to_owned(), "--project or CI_PROJECT_ID".to_owned()),
            // The remote's project, where it is on the GitLab talked to.
            None => match checkout()? {
                Some((remote, named)) if same_host(&named.web_url, &url) => {
                    (named.project, format!("the git remote {}", remote.name))
                }
                _ => {
                    return Err(Missing(
                        "no project: pass --project with its ID or full path (group/project), \
                         set CI_PROJECT_ID, or run inside a clone of the project"
                            .into(),
                    ));
                }
            },
        };
        Ok(Config {
            api_url: api_url(&url),
            url_from,
            auth,
            auth_from,
            project: ProjectId::from(project.as_str()),
            project_from,
            timeouts: timeouts(global.request_timeout, global.call_timeout),
        })
    }

    /// The client the commands use, which tells `on_retry` of each wait before a retry.
    pub fn client(
        &self,
        on_retry: impl Fn(&gitlab_jobs_client::RetryWait) + Send + Sync + 'static,
    ) -> Result<Client, String> {
        Client::with_auth(&self.api_url, self.auth.clone())
            .map(|client| client.with_timeouts(self.timeouts).on_retry(on_retry))
            .map_err(|err| err.to_string())
    }

    /// Whether the credentials are CI_JOB_TOKEN, which GitLab accepts on few operations.
    pub fn is_job_token(&self) -> bool {
        self.auth_from == Some(JOB_TOKEN)
    }

    /// A token would cross the network in the clear: plain HTTP to another machine.
    pub fn sends_token_in_the_clear(&self) -> bool {
        let Ok(url) = url::Url::parse(&self.api_url) else {
            return false;
        };
        let loopback = match url.host() {
            Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        self.auth_from.is_some() && url.scheme() == "http" && !loopback
    }
}

/// Whether two URLs name the same host.
fn same_host(a: &str, b: &str) -> bool {
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(a), Ok(b)) => a.host_str().is_some() && a.host_str() == b.host_str(),
        _ => false,
    }
}

/// The client's time limits for a person at a terminal: a request that gets no answer, or
/// whose answer stops, fails after `request`, and a call with its retries after `call`.
pub fn timeouts(request: Duration, call: Duration) -> Timeouts {
    Timeouts {
        answer: request,
        idle: request,
        call: Some(call),
    }
}

/// GitLab's address as its API's: `/api/v4` is added unless the path already ends so, which
/// also serves GitLab installed under a path (`https://example.com/gitlab`).
pub fn api_url(url: &str) -> String {
    let url = url.trim_end_matches('/');
    if url.ends_with("/api/v4") {
        url.to_owned()
    } else {
        format!("{url}/api/v4")
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn global(url: Option<&str>, token: Option<&str>, project: Option<&str>) -> Global {
        Global {
            url: url.map(Into::into),
            token: token.map(Into::into),
            project: project.map(Into::into),
            remote: None,
            output: crate::args::Output::Table,
            verbose: false,
            request_timeout: Duration::from_secs(30),
            call_timeout: Duration::from_secs(180),
        }
    }

    fn resolve(global: &Global, env: &[(&str, &str)]) -> Result<Config, Missing> {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect();
        Config::resolve(global, |name| env.get(name).cloned(), &[], None)
    }

    #[test]
    fn api_urls_end_in_api_v4_once() {
        assert_eq!(api_url("https://gitlab.com"), "https://gitlab.com/api/v4");
        assert_eq!(api_url("https://gitlab.com/"), "https://gitlab.com/api/v4");
        assert_eq!(
            api_url("https://gitlab.com/api/v4/"),
            "https://gitlab.com/api/v4"
        );
        assert_eq!(
            api_url("https://example.com/gitlab"),
            "https://example.com/gitlab/api/v4"
        );
    }

    #[test]
    fn options_win_over_the_ci_environment() {
        let ci = [
            ("CI_API_V4_URL", "https://ci.example.com/api/v4"),
            ("CI_SERVER_URL", "https://server.example.com"),
            ("CI_JOB_TOKEN", "job-token"),
        ];
        let config = resolve(
            &global(Some("https://mine.example.com"), Some("glpat-x"), Some("7")),
            &ci,
        )
        .unwrap();
        assert_eq!(config.api_url, "https://mine.example.com/api/v4");
        assert_eq!(config.auth, Auth::private_token("glpat-x").unwrap());
        assert_eq!(config.project, ProjectId::Id(7));

        let config = resolve(&global(None, None, Some("group/project")), &ci).unwrap();
        assert_eq!(config.api_url, "https://ci.example.com/api/v4");
        assert_eq!(config.auth, Auth::job_token("job-token").unwrap());
        assert!(config.is_job_token());
        assert_eq!(config.project, ProjectId::Path("group/project".into()));

        let config = resolve(&global(None, None, Some("1")), &ci[1..2]).unwrap();
        assert_eq!(config.api_url, "https://server.example.com/api/v4");
        assert_eq!(config.auth, Auth::anonymous());
    }

    #[test]
    fn what_is_missing_is_named() {
        let err = resolve(&global(None, None, Some("1")), &[]).unwrap_err();
        assert!(err.0.contains("--url"), "{err:?}");
        let err = resolve(&global(Some("https://x"), None, None), &[]).unwrap_err();
        assert!(err.0.contains("--project"), "{err:?}");
        let err =
            resolve(&global(Some("https://x"), Some(" secret "), Some("1")), &[]).unwrap_err();
        assert!(
            err.0.contains("GITLAB_TOKEN") && !err.0.contains("secret"),
            "{err:?}"
        );
        // Empty variables count as unset, as in a shell script.
        let err = resolve(&global(None, None, Some("1")), &[("CI_API_V4_URL", "")]).unwrap_err();
        assert!(err.0.contains("--url"), "{err:?}");
    }

    #[test]
    fn a_checkouts_remote_gives_what_options_and_ci_do_not() {
        let remotes = [checkout::Remote {
            name: "origin".into(),
            url: "git@gitlab.example.com:group/sub/project.git".into(),
        }];
        let resolve = |global: &Global| Config::resolve(global, |_| None, &remotes, None);
        let config = resolve(&global(None, None, None)).unwrap();
        assert_eq!(config.api_url, "https://gitlab.example.com/api/v4");
        assert_eq!(config.project, ProjectId::Path("group/sub/project".into()));
        assert_eq!(config.project_from, "the git remote origin");
        // Options win; the remote's project counts only on its own GitLab.
        let config = resolve(&global(None, None, Some("7"))).unwrap();
        assert_eq!(config.project, ProjectId::Id(7));
        let config = resolve(&global(Some("https://gitlab.example.com/"), None, None)).unwrap();
        assert_eq!(config.project_from, "the git remote origin");
        let err = resolve(&global(Some("https://other.example.com"), None, None)).unwrap_err();
        assert!(err.0.contains("--project"), "{err:?}");
        let mut chosen = global(None, None, None);
        chosen.remote = Some("upstream".into());
        let err = resolve(&chosen).unwrap_err();
        assert!(err.0.contains("no remote named \"upstream\""), "{err:?}");
    }

    #[test]
    fn only_a_token_to_another_machine_over_http_is_in_the_clear() {
        for (url, token, clear) in [
            ("http://gitlab.internal", true, true),
            ("http://gitlab.internal", false, false),
            ("https://gitlab.internal", true, false),
            ("http://127.0.0.1:8080", true, false),
            ("http://localhost/api/v4", true, false),
            ("http://[::1]:80", true, false),
        ] {
            let config = resolve(
                &global(Some(url), token.then_some("glpat-x"), Some("1")),
                &[],
            )
            .unwrap();
            assert_eq!(config.sends_token_in_the_clear(), clear, "{url}");
        }
    }
}

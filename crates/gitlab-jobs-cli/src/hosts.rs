//! Hosts and their tokens, kept once in a file, so that a person does not export a token in
//! every shell:
//!
//! ```toml
//! default_host = "gitlab.example.com"
//!
//! [hosts."gitlab.example.com"]
//! token_command = "pass show gitlab/token"   # or: token = "glpat-..."
//!
//! [hosts."gitlab.internal"]
//! url = "https://gitlab.internal/gitlab"     # https://<host> when left out
//! token = "glpat-..."
//! ```
//!
//! The file is `GITLAB_JOBS_CONFIG`, else `$XDG_CONFIG_HOME/gitlab-jobs/config.toml`, else
//! `~/.config/gitlab-jobs/config.toml`. One that holds a token must be readable by its owner
//! only.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The file, read.
#[derive(Debug)]
pub struct Hosts {
    path: PathBuf,
    file: File,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    default_host: Option<String>,
    #[serde(default)]
    hosts: BTreeMap<String, Host>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Host {
    url: Option<String>,
    token: Option<String>,
    token_command: Option<String>,
}

impl Hosts {
    /// The file `env` names or the default one; none when there is no file.
    pub fn load(env: impl Fn(&str) -> Option<String>) -> Result<Option<Hosts>, String> {
        let Some(path) = path(&env) else {
            return Ok(None);
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(format!("reading {}: {err}", path.display())),
        };
        let file: File = toml::from_str(&text)
            .map_err(|err| format!("{}: {}", path.display(), err.message()))?;
        if file.hosts.values().any(|host| host.token.is_some()) {
            readable_by_owner_only(&path)?;
        }
        Ok(Some(Hosts { path, file }))
    }

    /// The URL of the default host, and where it came from.
    pub fn default_url(&self) -> Option<(String, String)> {
        let host = self.file.default_host.as_ref()?;
        Some((
            self.url_of(host),
            format!("default_host in {}", self.path.display()),
        ))
    }

    /// The token the file keeps for the host of `url`, and where it came from (never the
    /// token): its `token`, or the first line `token_command` prints.
    pub fn token_for(&self, url: &str) -> Result<Option<(String, String)>, String> {
        let Some(host_name) = url::Url::parse(url)
            .ok()
            .and_then(|url| url.host_str().map(str::to_owned))
        else {
            return Ok(None);
        };
        let Some((name, host)) = self.file.hosts.iter().find(|(name, _)| {
            **name == host_name || self.url_host(name).as_deref() == Some(host_name.as_str())
        }) else {
            return Ok(None);
        };
        let from = format!("the host {name} in {}", self.path.display());
        match (&host.token, &host.token_command) {
            (Some(token), _) => Ok(Some((token.clone(), from))),
            (None, Some(command)) => run(command, name).map(|token| Some((token, from))),
            (None, None) => Ok(None),
        }
    }

    fn url_of(&self, name: &str) -> String {
        self.file
            .hosts
            .get(name)
            .and_then(|host| host.url.clone())
            .unwrap_or_else(|| format!("https://{name}"))
    }

    /// The host of the URL the file gives `name`.
    fn url_host(&self, name: &str) -> Option<String> {
        url::Url::parse(&self.url_of(name))
            .ok()?
            .host_str()
            .map(str::to_owned)
    }
}

fn path(env: &impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(path) = env("GITLAB_JOBS_CONFIG").filter(|path| !path.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let config = env("XDG_CONFIG_HOME")
        .filter(|path| !path.is_empty())
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|home| Path::new(&home).join(".config")))?;
    Some(config.join("gitlab-jobs").join("config.toml"))
}

/// A file that holds a token must not be readable by other users.
#[cfg(unix)]
fn readable_by_owner_only(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|err| format!("reading {}: {err}", path.display()))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(format!(
            "{} holds a token and other users may read it (mode {:o}): run chmod 600 on it, or \
             keep the token elsewhere with token_command",
            path.display(),
            mode & 0o777
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn readable_by_owner_only(_: &Path) -> Result<(), String> {
    Ok(())
}

/// The first line `command` prints, run by the shell; its output is never shown.
fn run(command: &str, host: &str) -> Result<String, String> {
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|err| format!("the token_command of {host} did not start: {err}"))?;
    if !output.status.success() {
        return Err(format!(
            "the token_command of {host} failed ({})",
            output.status
        ));
    }
    let text = String::from_utf8(output.stdout)
        .map_err(|_| format!("the token_command of {host} printed no UTF-8 text"))?;
    match text
        .lines()
        .next()
        .map(str::trim)
        .filter(|line| !line.is_empty())
    {
        Some(token) => Ok(token.to_owned()),
        None => Err(format!("the token_command of {host} printed nothing")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str, mode: u32) -> PathBuf {
        let path = std::env::temp_dir().join(format!(
            "gitlab-jobs-hosts-{name}-{}.toml",
            std::process::id()
        ));
        std::fs::write(&path, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        path
    }

    fn load(path: &Path) -> Result<Option<Hosts>, String> {
        let path = path.to_string_lossy().into_owned();
        Hosts::load(|name| (name == "GITLAB_JOBS_CONFIG").then(|| path.clone()))
    }

    #[test]
    fn a_hosts_token_or_command_answers_for_its_url() {
        let path = write(
            "tokens",
            "default_host = \"gitlab.example.com\"\n\n[hosts.\"gitlab.example.com\"]\ntoken = \"glpat-kept\"\n\n[hosts.internal]\nurl = \"http://127.0.0.1:8929\"\ntoken_command = \"echo glpat-printed; echo second\"\n",
            0o600,
        );
        let hosts = load(&path).unwrap().unwrap();
        assert_eq!(hosts.default_url().unwrap().0, "https://gitlab.example.com");
        let (token, from) = hosts
            .token_for("https://gitlab.example.com/api/v4")
            .unwrap()
            .unwrap();
        assert_eq!(token, "glpat-kept");
        assert!(
            from.contains("gitlab.example.com") && !from.contains("glpat"),
            "{from}"
        );
        let (token, _) = hosts
            .token_for("http://127.0.0.1:8929/api/v4")
            .unwrap()
            .unwrap();
        assert_eq!(token, "glpat-printed");
        assert_eq!(hosts.token_for("https://other.example.com").unwrap(), None);
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn a_token_others_may_read_or_a_broken_file_is_refused_with_its_name() {
        let open = write("open", "[hosts.h]\ntoken = \"glpat-x\"\n", 0o644);
        let err = load(&open).unwrap_err();
        #[cfg(unix)]
        assert!(err.contains("chmod 600") && err.contains("644"), "{err}");
        assert!(!err.contains("glpat-x"), "{err}");
        std::fs::remove_file(&open).unwrap();
        let command_only = write("command", "[hosts.h]\ntoken_command = \"false\"\n", 0o644);
        let hosts = load(&command_only).unwrap().unwrap();
        assert!(hosts.token_for("https://h").unwrap_err().contains("failed"));
        std::fs::remove_file(&command_only).unwrap();
        let broken = write("broken", "[hosts.h]\ntokn = \"x\"\n", 0o600);
        let err = load(&broken).unwrap_err();
        assert!(
            err.contains("tokn") && err.contains(&broken.display().to_string()),
            "{err}"
        );
        std::fs::remove_file(&broken).unwrap();
        assert!(
            load(Path::new("/nonexistent/gitlab-jobs.toml"))
                .unwrap()
                .is_none()
        );
    }
}

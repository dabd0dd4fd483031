//! The GitLab and the project of the git checkout a command runs in, read from its remotes, so
//! that inside a clone no option is needed.

use std::path::{Path, PathBuf};

/// A remote of the repository: its name and URL, as `.git/config` has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    pub name: String,
    pub url: String,
}

/// What a remote says of GitLab: its web address and the project's full path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// `https://gitlab.example.com`, or the scheme, host and port of an HTTP remote.
    pub web_url: String,
    /// `group/subgroup/project`.
    pub project: String,
}

/// The remotes of the repository that holds `dir`, in the order its configuration lists them;
/// none outside a repository.
pub fn remotes(dir: &Path) -> Vec<Remote> {
    let Some(config) = config_file(dir) else {
        return Vec::new();
    };
    let Ok(text) = std::fs::read_to_string(config) else {
        return Vec::new();
    };
    parse_config(&text)
}

/// The branch checked out in the repository that holds `dir`, as its `HEAD` names it; none
/// outside a repository or on a detached `HEAD` (as in a CI job).
pub fn branch(dir: &Path) -> Option<String> {
    let (git_dir, _) = git_dirs(dir)?;
    let head = std::fs::read_to_string(git_dir.join("HEAD")).ok()?;
    let branch = head.trim().strip_prefix("ref:")?.trim();
    Some(branch.strip_prefix("refs/heads/")?.to_owned()).filter(|branch| !branch.is_empty())
}

/// The configuration file of the repository that holds `dir`: `.git/config`, or for a
/// worktree the one of the repository it belongs to.
fn config_file(dir: &Path) -> Option<PathBuf> {
    git_dirs(dir).map(|(_, common)| common.join("config"))
}

/// The git folder of the checkout that holds `dir`, with its own `HEAD`, and the folder of the
/// repository it belongs to, with the configuration: both `.git`, except in a worktree.
fn git_dirs(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    for folder in dir.ancestors() {
        let dot_git = folder.join(".git");
        if dot_git.is_dir() {
            return Some((dot_git.clone(), dot_git));
        }
        if dot_git.is_file() {
            // A worktree: `gitdir: <path>`, whose `commondir` leads to the repository.
            let text = std::fs::read_to_string(&dot_git).ok()?;
            let git_dir = folder.join(text.trim().strip_prefix("gitdir:")?.trim());
            let common = std::fs::read_to_string(git_dir.join("commondir"))
                .map(|common| git_dir.join(common.trim()))
                .unwrap_or_else(|_| git_dir.clone());
            return Some((git_dir, common));
        }
    }
    None
}

/// The `[remote "name"]` sections of a git configuration and their `url`s.
fn parse_config(text: &str) -> Vec<Remote> {
    let mut remotes = Vec::new();
    let mut section: Option<String> = None;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line
                .strip_prefix("[remote \"")
                .and_then(|rest| rest.strip_suffix("\"]"))
                .map(str::to_owned);
            continue;
        }
        let Some(name) = &section else { continue };
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if key.trim().eq_ignore_ascii_case("url") {
            let url = value.trim().trim_matches('"').to_owned();
            if !remotes.iter().any(|remote: &Remote| &remote.name == name) {
                remotes.push(Remote {
                    name: name.clone(),
                    url,
                });
            }
        }
    }
    remotes
}

/// The GitLab and project a remote URL names: `git@host:group/project.git`,
/// `ssh://git@host:2222/group/project.git`, `https://host/group/project.git`. An SSH remote's
/// web address is `https://` its host; an HTTP remote keeps its scheme and port. None for a
/// local path or a URL without a project.
pub fn parse_remote(url: &str) -> Option<Named> {
    let (web_url, path) = if let Some((scheme, rest)) = url.split_once("://") {
        let (authority, path) = rest.split_once('/')?;
        let host_port = authority
            .rsplit_once('@')
            .map_or(authority, |(_, host)| host);
        match scheme {
            "http" | "https" => (format!("{scheme}://{host_port}"), path),
            "ssh" | "git" | "git+ssh" | "ssh+git" => {
                let host = host_port
                    .rsplit_once(':')
                    .map_or(host_port, |(host, _)| host);
                (format!("https://{host}"), path)
            }
            _ => return None,
        }
    } else {
        // scp-like: [user@]host:path, with no slash before the colon.
        let (before, path) = url.split_once(':')?;
        if before.contains('/') || before.is_empty() {
            return None;
        }
        let host = before.rsplit_once('@').map_or(before, |(_, host)| host);
        (format!("https://{host}"), path)
    };
    let project = path
        .trim_matches('/')
        .trim_end_matches(".git")
        .trim_end_matches('/');
    if project.is_empty() || !project.contains('/') || web_url.ends_with("://") {
        return None;
    }
    Some(Named {
        web_url,
        project: project.to_owned(),
    })
}

/// The remote to read: the one named `wanted`, else `origin`, else the only one that names a
/// GitLab project. With several and none chosen, an error that lists them.
pub fn choose(remotes: &[Remote], wanted: Option<&str>) -> Result<Option<(Remote, Named)>, String> {
    let named: Vec<(Remote, Named)> = remotes
        .iter()
        .filter_map(|remote| parse_remote(&remote.url).map(|named| (remote.clone(), named)))
        .collect();
    if let Some(wanted) = wanted {
        return match remotes.iter().find(|remote| remote.name == wanted) {
            Some(remote) => match parse_remote(&remote.url) {
                Some(named) => Ok(Some((remote.clone(), named))),
                None => Err(format!("the remote {wanted:?} names no GitLab project")),
            },
            None => Err(format!(
                "no remote named {wanted:?}; this checkout has {}",
                names(remotes)
            )),
        };
    }
    if let Some(origin) = named.iter().find(|(remote, _)| remote.name == "origin") {
        return Ok(Some(origin.clone()));
    }
    match named.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        _ => Err(format!(
            "this checkout has several remotes and none is origin: {}; choose one with --remote",
            names(remotes)
        )),
    }
}

fn names(remotes: &[Remote]) -> String {
    if remotes.is_empty() {
        return "none".to_owned();
    }
    remotes
        .iter()
        .map(|remote| remote.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(web_url: &str, project: &str) -> Option<Named> {
        Some(Named {
            web_url: web_url.into(),
            project: project.into(),
        })
    }

    #[test]
    fn remotes_name_their_gitlab_and_project() {
        for (url, expected) in [
            (
                "git@gitlab.com:group/project.git",
                named("https://gitlab.com", "group/project"),
            ),
            (
                "gitlab.example.com:group/sub/project",
                named("https://gitlab.example.com", "group/sub/project"),
            ),
            (
                "ssh://git@gitlab.example.com:2222/group/project.git",
                named("https://gitlab.example.com", "group/project"),
            ),
            (
                "https://gitlab.example.com/group/sub/project.git",
                named("https://gitlab.example.com", "group/sub/project"),
            ),
            (
                "https://oauth2:glpat-x@gitlab.example.com/group/project",
                named("https://gitlab.example.com", "group/project"),
            ),
            (
                "http://127.0.0.1:8929/acme/platform/api.git/",
                named("http://127.0.0.1:8929", "acme/platform/api"),
            ),
            ("/srv/git/project.git", None),
            ("../project", None),
            ("file:///srv/git/group/project.git", None),
            ("https://gitlab.example.com/project", None),
            ("git@gitlab.com:", None),
        ] {
            assert_eq!(parse_remote(url), expected, "{url}");
        }
    }

    #[test]
    fn the_configuration_lists_remotes_in_order() {
        let config = "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = git@gitlab.com:up/stream.git\n\tfetch = +refs/heads/*:refs/remotes/upstream/*\n[branch \"main\"]\n\tremote = origin\n[remote \"origin\"]\n\turl = https://gitlab.example.com/me/fork.git\n";
        let remotes = parse_config(config);
        assert_eq!(
            remotes.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
            ["upstream", "origin"]
        );
        let (remote, named) = choose(&remotes, None).unwrap().unwrap();
        assert_eq!(remote.name, "origin");
        assert_eq!(named.project, "me/fork");
        let (remote, _) = choose(&remotes, Some("upstream")).unwrap().unwrap();
        assert_eq!(remote.name, "upstream");
        assert!(
            choose(&remotes, Some("nope"))
                .unwrap_err()
                .contains("upstream, origin")
        );
    }

    #[test]
    fn several_remotes_without_origin_ask_for_one() {
        let remotes = parse_config(
            "[remote \"a\"]\nurl = git@h:g/a.git\n[remote \"b\"]\nurl = git@h:g/b.git\n",
        );
        assert!(choose(&remotes, None).unwrap_err().contains("--remote"));
        let only =
            parse_config("[remote \"a\"]\nurl = git@h:g/a.git\n[remote \"local\"]\nurl = /srv/x\n");
        assert_eq!(choose(&only, None).unwrap().unwrap().0.name, "a");
        assert_eq!(choose(&[], None).unwrap(), None);
    }

    /// A checkout's branch is its `HEAD`'s; a worktree has its own `HEAD` and shares the
    /// repository's remotes; a detached `HEAD` has none.
    #[test]
    fn the_branch_is_heads_own() {
        let root = std::env::temp_dir().join(format!("gitlab-jobs-branch-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let repo = root.join("repo");
        let tree = root.join("tree");
        let tree_git = repo.join(".git/worktrees/tree");
        std::fs::create_dir_all(repo.join("src")).unwrap();
        std::fs::create_dir_all(&tree_git).unwrap();
        std::fs::create_dir_all(tree.join("deep")).unwrap();
        std::fs::write(repo.join(".git/HEAD"), "ref: refs/heads/feature/x\n").unwrap();
        std::fs::write(
            repo.join(".git/config"),
            "[remote \"origin\"]\nurl = git@h:g/p.git\n",
        )
        .unwrap();
        std::fs::write(
            tree.join(".git"),
            format!("gitdir: {}\n", tree_git.display()),
        )
        .unwrap();
        std::fs::write(tree_git.join("commondir"), "../..\n").unwrap();
        std::fs::write(tree_git.join("HEAD"), "ref: refs/heads/hotfix\n").unwrap();

        assert_eq!(branch(&repo.join("src")).as_deref(), Some("feature/x"));
        assert_eq!(branch(&tree.join("deep")).as_deref(), Some("hotfix"));
        assert_eq!(remotes(&tree)[0].name, "origin");
        std::fs::write(
            repo.join(".git/HEAD"),
            "0123456789abcdef0123456789abcdef01234567\n",
        )
        .unwrap();
        assert_eq!(branch(&repo), None, "detached");
        std::fs::remove_dir_all(&root).unwrap();
    }
}

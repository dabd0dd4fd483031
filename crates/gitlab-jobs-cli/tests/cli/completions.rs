//! Completion in the real shells: what a person gets after `gitlab-jobs list --sc<Tab>` and
//! `--scope <Tab>`, in bash, zsh and fish. A shell that is not installed is skipped, except in
//! CI (`CI` set), which installs all three.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The completion script for `shell`, written by the binary into `folder` under `name`.
async fn script(shell: &str, folder: &Path, name: &str) -> PathBuf {
    let run = super::run_with(&[], &["completions", shell]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let path = folder.join(name);
    std::fs::write(&path, run.stdout).unwrap();
    path
}

/// Whether `shell` can be run here; in CI it must be.
fn installed(shell: &str) -> bool {
    let found = Command::new(shell).arg("-c").arg("exit 0").output().is_ok();
    assert!(
        found || std::env::var_os("CI").is_none(),
        "{shell} is not installed, and CI installs it (.ci/run)"
    );
    if !found {
        eprintln!("{shell} is not installed here: its completions are not tried");
    }
    found
}

fn folder(shell: &str) -> PathBuf {
    let folder = std::env::temp_dir().join(format!(
        "gitlab-jobs-completions-{shell}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    folder
}

/// What completes `line` in each shell, one candidate per line.
type Complete = fn(&Path, &str) -> Vec<String>;

fn bash(script: &Path, line: &str) -> Vec<String> {
    // The words typed, the last one being completed (empty after a space), as bash passes them.
    let mut words: Vec<&str> = line.split(' ').collect();
    if words.last() == Some(&"") {
        words.pop();
        words.push("''");
    }
    let current = words.len() - 1;
    let driver = format!(
        "source {}\nCOMP_WORDS=({})\nCOMP_CWORD={current}\n_gitlab__jobs gitlab-jobs {} {}\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        words.join(" "),
        words[current],
        words[current - 1],
    );
    lines(Command::new("bash").arg("-c").arg(driver))
}

fn fish(script: &Path, line: &str) -> Vec<String> {
    let driver = format!("source {}; complete -C {:?}", script.display(), line);
    lines(Command::new("fish").arg("-c").arg(driver))
        .into_iter()
        .map(|line| line.split('\t').next().unwrap_or("").to_owned())
        .collect()
}

/// zsh completes only in its line editor: an interactive zsh on a pseudo-terminal (zpty)
/// is typed `line` and a Tab, and prints what `compadd` is given.
fn zsh(script: &Path, line: &str) -> Vec<String> {
    let functions = script.parent().unwrap();
    let driver = format!(
        r#"zmodload zsh/zpty
zpty shell zsh -f -i
zpty -w shell 'PROMPT=""; fpath=({} $fpath); autoload -U compinit; compinit -u -D'
zpty -w shell 'bindkey "^I" complete-word'
zpty -w shell 'marker() {{ print -r -- "<<<""END>>>" }}; comppostfuncs=(marker exit)'
zpty -w shell 'compadd() {{ local -a hits; builtin compadd -A hits "$@"; print -rl -- "" "hit:"${{^hits}}; builtin compadd "$@" }}'
zpty -w shell {:?}$'\t'
zpty -r shell out '*<<<END>>>*'
print -r -- "$out" | tr -d '\r' | grep -a '^hit:' | cut -c5-
"#,
        functions.display(),
        line,
    );
    lines(Command::new("zsh").arg("-f").arg("-c").arg(driver))
}

fn lines(command: &mut Command) -> Vec<String> {
    let output = command.output().expect("the shell runs");
    let mut lines: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect();
    lines.sort();
    lines.dedup();
    lines
}

#[tokio::test(flavor = "multi_thread")]
async fn options_subcommands_and_values_complete_in_bash_zsh_and_fish() {
    let shells: [(&str, &str, Complete); 3] = [
        ("bash", "gitlab-jobs.bash", bash),
        ("zsh", "_gitlab-jobs", zsh),
        ("fish", "gitlab-jobs.fish", fish),
    ];
    for (shell, name, complete) in shells {
        if !installed(shell) {
            continue;
        }
        let folder = folder(shell);
        let script = script(shell, &folder, name).await;
        let scope = complete(&script, "gitlab-jobs list --sc");
        assert_eq!(scope, ["--scope"], "{shell}: list --sc<Tab>");
        let values = complete(&script, "gitlab-jobs list --scope ");
        for status in ["failed", "success", "manual", "waiting_for_resource"] {
            assert!(
                values.iter().any(|value| value == status),
                "{shell}: --scope <Tab> offers {status}: {values:?}"
            );
        }
        let artifacts = complete(&script, "gitlab-jobs artifacts d");
        assert_eq!(
            artifacts,
            ["delete", "download"],
            "{shell}: artifacts d<Tab>"
        );
        let output = complete(&script, "gitlab-jobs list -o ");
        assert_eq!(
            output,
            ["json", "ndjson", "table"],
            "{shell}: list -o <Tab>"
        );
        std::fs::remove_dir_all(&folder).unwrap();
    }
}

//! `cargo xtask bench`: runs the client's benchmarks and the build-time comparison, and writes
//! their table, with the machine and the conditions, into the README between its markers.
//! Needs the network for crates.io (the `gitlab` crate of the comparison); takes some minutes.

use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::workspace::workspace_root;

const START: &str = "<!-- cargo xtask bench: start -->";
const END: &str = "<!-- cargo xtask bench: end -->";

/// The crate a consumer would otherwise use, pinned so that runs compare alike.
const PEER: (&str, &str) = ("gitlab", "=0.1905.0");

pub fn run() -> Result<ExitCode> {
    let root = workspace_root();
    let readme_path = root.join("README.md");
    let readme = std::fs::read_to_string(&readme_path).context("reading README.md")?;
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        bail!("README.md has no `{START}` … `{END}` block to write the table into");
    };
    eprintln!(
        "{:>12} cargo bench -p gitlab-jobs-client --bench client",
        "Running"
    );
    let output = Command::new(env!("CARGO"))
        .args(["bench", "-p", "gitlab-jobs-client", "--bench", "client"])
        .current_dir(&root)
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo bench")?;
    if !output.status.success() {
        bail!("cargo bench failed");
    }
    let table = String::from_utf8(output.stdout).context("the bench printed non-UTF-8")?;
    let table: Vec<&str> = table.lines().filter(|line| line.starts_with('|')).collect();
    if table.len() < 3 {
        bail!("the bench printed no table");
    }
    let builds = build_comparison(&crate::workspace::target_dir().join("bench-builds"))?;
    let mut block = String::new();
    block.push_str(START);
    block.push_str("\n\n");
    block.push_str(&format!(
        "Written by `cargo xtask bench` on {} with {}. The client's benchmarks run against the \
         sandbox in the same process, in a release build, each ratio measured in the same run; \
         latency is the sandbox's, added to every answer.\n\n",
        machine(),
        rustc_version(),
    ));
    for line in &table {
        block.push_str(line);
        block.push('\n');
    }
    block.push_str(&builds);
    block.push('\n');
    block.push_str(END);
    let updated = format!(
        "{}{}{}",
        &readme[..start],
        block,
        &readme[end + END.len()..]
    );
    std::fs::write(&readme_path, updated).context("writing README.md")?;
    eprintln!("{:>12} README.md's benchmark table", "Updated");
    Ok(ExitCode::SUCCESS)
}

/// A cold debug build of a binary that depends only on `gitlab-jobs-client` (default
/// features), then of one that depends only on the `gitlab` crate, one after the other, each
/// in an empty target directory with its sources fetched first.
fn build_comparison(dir: &Path) -> Result<String> {
    let ours = consumer(
        &dir.join("ours"),
        &format!(
            "gitlab-jobs-client = {{ path = {:?} }}",
            workspace_root().join("crates/gitlab-jobs-client")
        ),
        "let _ = gitlab_jobs_client::Client::with_private_token(\"https://gitlab.example.com/api/v4\", \"t\");",
    )?;
    let peer = consumer(
        &dir.join("peer"),
        &format!("{} = {:?}", PEER.0, PEER.1),
        "let _ = gitlab::Gitlab::builder(\"gitlab.example.com\", \"t\");",
    )?;
    let (ours_time, ours_crates) = cold_build(&ours)?;
    let (peer_time, peer_crates) = cold_build(&peer)?;
    Ok(format!(
        "| a consumer's cold debug build, depending only on `gitlab-jobs-client` | {ours_time:.0} s, {ours_crates} crates | only on `{} {}`: {peer_time:.0} s, {peer_crates} crates | {:.2}× |\n",
        PEER.0,
        PEER.1.trim_start_matches('='),
        ours_time / peer_time
    ))
}

fn consumer(dir: &Path, dependency: &str, body: &str) -> Result<std::path::PathBuf> {
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"consumer\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{dependency}\n\n[workspace]\n"
        ),
    )?;
    std::fs::write(
        dir.join("src/main.rs"),
        format!("fn main() {{\n    {body}\n}}\n"),
    )?;
    Ok(dir.to_path_buf())
}

/// Seconds of a cold `cargo build`, and how many crates it compiled.
fn cold_build(dir: &Path) -> Result<(f64, usize)> {
    let target = dir.join("target");
    let _ = std::fs::remove_dir_all(&target);
    let cargo = env!("CARGO");
    let fetched = Command::new(cargo)
        .args(["fetch", "--quiet"])
        .current_dir(dir)
        .status()?;
    if !fetched.success() {
        bail!("cargo fetch failed in {}", dir.display());
    }
    let started = Instant::now();
    let output = Command::new(cargo)
        .args(["build", "--message-format=short"])
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(dir)
        .output()?;
    let took = started.elapsed().as_secs_f64();
    if !output.status.success() {
        bail!(
            "the build in {} failed: {}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let crates = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| line.trim_start().starts_with("Compiling "))
        .count();
    Ok((took, crates))
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, name)| name.trim().to_owned())
        })
        .unwrap_or_else(|| "an unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cores} cores of {cpu}")
}

fn rustc_version() -> String {
    Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .map(|text| text.trim().to_owned())
        .unwrap_or_else(|| "rustc".into())
}

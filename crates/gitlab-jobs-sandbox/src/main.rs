//! `cargo run -p gitlab-jobs-sandbox`: a fake GitLab Jobs API on 127.0.0.1.

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser;
use gitlab_jobs_sandbox::Sandbox;
use gitlab_jobs_sandbox::config::CommandLine;

#[tokio::main]
async fn main() -> ExitCode {
    let mut config = CommandLine::parse().config;
    let faults = &config.faults;
    if faults.server_errors + faults.rate_limited + faults.dropped > 1.0 {
        eprintln!("error: --server-errors, --rate-limited and --dropped add up to more than 1");
        return ExitCode::from(2);
    }
    if config.docs.is_none() {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .filter(|dir| !dir.is_empty())
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target")
            });
        let built = target.join("openapi-docs/reference.html");
        config.docs = built.is_file().then_some(built);
    }
    let (port, version, seed, jobs) =
        (config.port, config.gitlab_version, config.seed, config.jobs);
    let sandbox = match Sandbox::start(config).await {
        Ok(sandbox) => sandbox,
        Err(err) => {
            eprintln!("error: cannot start the sandbox on 127.0.0.1:{port}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let tokens = &sandbox.config().tokens;
    // A script may read the first line and close the pipe (`| head -n 1`): the sandbox goes on
    // serving, whether or not the rest can be written.
    let mut out = std::io::stdout().lock();
    macro_rules! say {
        ($out:expr, $($arg:tt)*) => {{
            let _ = writeln!($out, $($arg)*);
        }};
    }
    // The first line is the URL alone, for scripts that start the sandbox and read it.
    say!(out, "{}", sandbox.url());
    say!(out, "");
    say!(
        out,
        "GitLab {version} Jobs API sandbox, seed {seed}, {jobs} jobs in acme/platform/api"
    );
    say!(
        out,
        "  projects: 1 acme/platform/api (private), 2 acme/website (public), 3 devon/scratch (private)"
    );
    say!(
        out,
        "  PRIVATE-TOKEN  {:<32} root, administrator",
        tokens.root
    );
    say!(
        out,
        "  PRIVATE-TOKEN  {:<32} maria, Maintainer",
        tokens.maintainer
    );
    say!(
        out,
        "  PRIVATE-TOKEN  {:<32} devon, Developer",
        tokens.developer
    );
    say!(
        out,
        "  PRIVATE-TOKEN  {:<32} rita, Reporter",
        tokens.reporter
    );
    say!(
        out,
        "  PRIVATE-TOKEN  {:<32} gus, Guest of acme/platform/api",
        tokens.guest
    );
    say!(
        out,
        "  PRIVATE-TOKEN  {:<32} root, read_api scope",
        tokens.read_only
    );
    say!(out, "  Bearer         {:<32} root, OAuth", tokens.oauth);
    say!(
        out,
        "  JOB-TOKEN      {:<32} a running job of acme/platform/api",
        sandbox.job_token()
    );
    let origin = sandbox.url().trim_end_matches("/api/v4");
    say!(
        out,
        "  contract       {origin}/openapi.yaml, {origin}/openapi.json, reference {origin}/docs"
    );
    say!(out, "Ctrl-C stops it.");
    let _ = out.flush();
    drop(out);
    let _ = tokio::signal::ctrl_c().await;
    sandbox.stop().await;
    ExitCode::SUCCESS
}

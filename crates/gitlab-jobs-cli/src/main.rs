//! `gitlab-jobs`: GitLab CI/CD jobs from a terminal or a CI script, on top of
//! `gitlab-jobs-client` (its retries, streams and token hygiene).

mod args;
mod artifacts;
mod checkout;
mod commands;
mod completions;
mod config;
mod exit;
mod fail;
mod hosts;
mod lookup;
mod output;
mod verify;
mod watch;

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};

use crate::args::{Cli, Command};
use crate::config::{Config, Missing};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Completions { shell } = cli.command {
        use std::io::Write as _;
        let script = completions::script(shell);
        return match std::io::stdout().write_all(script.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("error: writing to stdout: {err}");
                ExitCode::from(exit::ERROR)
            }
        };
    }
    let remotes = std::env::current_dir()
        .map(|dir| checkout::remotes(&dir))
        .unwrap_or_default();
    let env = |name: &str| std::env::var(name).ok();
    let hosts = match hosts::Hosts::load(env) {
        Ok(hosts) => hosts,
        Err(message) => usage_error(ErrorKind::ValueValidation, &message),
    };
    let config = match Config::resolve(&cli.global, env, &remotes, hosts.as_ref()) {
        Ok(config) => config,
        Err(Missing(message)) => usage_error(ErrorKind::MissingRequiredArgument, &message),
    };
    // The client refuses a URL with credentials in it, before the URL is shown anywhere.
    let verbose = cli.global.verbose;
    let client = match config.client(move |wait| output::say_retry(wait, verbose)) {
        Ok(client) => client,
        Err(message) => usage_error(ErrorKind::ValueValidation, &message),
    };
    if cli.global.verbose {
        say_config(&config);
    }
    if config.sends_token_in_the_clear() {
        eprintln!(
            "warning: the token goes to {} unencrypted; use https",
            config.api_url
        );
    }
    let context = commands::Context {
        client,
        project: config.project.clone(),
        output: cli.global.output,
        verbose: cli.global.verbose,
        job_token: config.is_job_token(),
        auth: config.auth.clone(),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::from(exit::ERROR);
        }
    };
    let outcome = runtime.block_on(async {
        match cli.command {
            Command::Artifacts { command } => artifacts::run(&context, command).await,
            Command::Watch(args) => watch::run(&context, args).await,
            Command::Verify(args) => verify::run(&context, args).await,
            command => commands::run(&context, command).await,
        }
    });
    // A log stream or a read-ahead page may still be in flight: it is not waited for.
    runtime.shutdown_background();
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(failure) if failure.code == exit::USAGE => {
            usage_error(ErrorKind::ValueValidation, &failure.message)
        }
        Err(mut failure) => {
            if config.auth_from.is_none() && failure.status == Some(401) {
                failure.message.push_str(
                    " (no token was given: set GITLAB_TOKEN to a personal, project or group \
                     access token, with the read_api scope to read or api to act)",
                );
            }
            if config.is_job_token() && matches!(failure.status, Some(401 | 403)) {
                failure.message.push_str(
                    " (GitLab takes CI_JOB_TOKEN for job lists and artifacts downloads only: \
                     get and wait read a job from its pipeline's list when given --pipeline; \
                     for the rest, set GITLAB_TOKEN to a token with the api scope)",
                );
            }
            eprintln!("error: {failure}");
            ExitCode::from(failure.code)
        }
    }
}

/// Prints `message` as clap prints a usage error, with the usage line, and exits with 2.
fn usage_error(kind: ErrorKind, message: &str) -> ! {
    Cli::command().error(kind, output::clean(message)).exit()
}

/// Where each setting came from, for `--verbose`; never the token.
fn say_config(config: &Config) {
    eprintln!(
        "gitlab-jobs: GitLab API {} (from {})",
        config.api_url,
        output::clean(&config.url_from)
    );
    match config.auth_from {
        Some(from) => eprintln!("gitlab-jobs: authenticating with the token from {from}"),
        None => eprintln!("gitlab-jobs: no token: anonymous, which reads public projects only"),
    }
    eprintln!(
        "gitlab-jobs: project {} (from {})",
        output::clean(&config.project.to_string()),
        output::clean(&config.project_from),
    );
}

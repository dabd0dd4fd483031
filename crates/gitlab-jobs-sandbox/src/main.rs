//! `cargo run -p gitlab-jobs-sandbox`: a fake GitLab Jobs API on 127.0.0.1.

use std::io::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use gitlab_jobs_sandbox::config::Version;
use gitlab_jobs_sandbox::{Config, Faults, FeatureFlags, GrowLogs, Sandbox, Tokens};

/// A faithful fake of GitLab's Jobs API on loopback, with a seeded data set.
#[derive(Debug, Parser)]
#[command(name = "gitlab-jobs-sandbox", version)]
struct Options {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Seed of the data set and of the faults.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Jobs in the job list of the big project, acme/platform/api (20000 for a large one).
    #[arg(long, default_value_t = 200)]
    jobs: usize,
    /// Builds of one more, big pipeline of acme/platform/api (5000 for 50 pages of 100).
    #[arg(long, default_value_t = 0)]
    pipeline_jobs: usize,
    /// Token of root, the administrator.
    #[arg(long, default_value_t = Tokens::default().root)]
    root_token: String,
    /// Token of maria, Maintainer.
    #[arg(long, default_value_t = Tokens::default().maintainer)]
    maintainer_token: String,
    /// Token of devon, Developer.
    #[arg(long, default_value_t = Tokens::default().developer)]
    developer_token: String,
    /// Token of rita, Reporter.
    #[arg(long, default_value_t = Tokens::default().reporter)]
    reporter_token: String,
    /// Token of gus, Guest.
    #[arg(long, default_value_t = Tokens::default().guest)]
    guest_token: String,
    /// A read_api token of root.
    #[arg(long, default_value_t = Tokens::default().read_only)]
    read_api_token: String,
    /// An OAuth token of root.
    #[arg(long, default_value_t = Tokens::default().oauth)]
    oauth_token: String,
    /// The GitLab version to be: /version says it, and features that came later are not
    /// served (trigger_jobs before 19.2; retry and play limits and archived logs through
    /// Workhorse before 19.5).
    #[arg(long, default_value_t = Version::NEWEST, value_name = "VERSION")]
    gitlab_version: Version,
    /// Requests per user per --rate-limit-interval-secs to the project job list before a 429;
    /// 0 for no limit.
    #[arg(long, default_value_t = 600)]
    jobs_rate_limit: u32,
    /// Leave out GitLab 19.5's limits on retry and play (3 a minute per user and job).
    #[arg(long)]
    no_job_action_rate_limits: bool,
    /// The window of GitLab's application rate limits, in seconds: 60 as on GitLab.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    rate_limit_interval_secs: u64,
    /// Milliseconds added to every answer.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Share (0 to 1) of requests answered 500, 502 or 503.
    #[arg(long, default_value_t = 0.0, value_parser = share)]
    server_errors: f64,
    /// Share (0 to 1) of requests answered 429 by an instance throttle (plain text, RateLimit
    /// headers), on any route.
    #[arg(long, default_value_t = 0.0, value_parser = share)]
    rate_limited: f64,
    /// Share (0 to 1) of requests whose connection drops after they are handled.
    #[arg(long, default_value_t = 0.0, value_parser = share)]
    dropped: f64,
    /// Redirect job logs to a second loopback origin, as object storage.
    #[arg(long)]
    redirect_logs: bool,
    /// Serve values GitLab may add tomorrow on a few records: a job status, a failure reason,
    /// an artifact type, a pipeline source and a runner type, each named `sandbox_future_*`.
    #[arg(long)]
    future_values: bool,
    /// The reference page to serve at /docs; by default the one `cargo xtask docs` wrote to
    /// openapi-docs/reference.html in the target folder (CARGO_TARGET_DIR or target/), if it
    /// did.
    #[arg(long)]
    docs: Option<std::path::PathBuf>,
    /// Turn on GitLab feature flags, by GitLab's names (repeatable): ci_job_inputs (retry
    /// accepts `inputs`), ci_job_trace_api_range_via_workhorse (the log route reads
    /// `byte_offset` and `byte_limit`), ci_job_trace_api_archived_log_via_workhorse (ranged
    /// archived logs; on by default from 19.6).
    #[arg(long = "feature", value_name = "FLAG", value_parser = ["ci_job_inputs", "ci_job_trace_api_range_via_workhorse", "ci_job_trace_api_archived_log_via_workhorse"])]
    features: Vec<String>,
    /// Honour `Range` on running jobs' live logs too (GitLab ranges only archived logs).
    #[arg(long)]
    live_log_ranges: bool,
    /// Grow every running job's log by this many bytes every --grow-every-ms.
    #[arg(long, value_name = "BYTES")]
    grow_logs: Option<usize>,
    /// Milliseconds between two growths of the logs.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..), requires = "grow_logs")]
    grow_every_ms: u64,
    /// End a growing job with `success` once its log reaches this many bytes.
    #[arg(long, value_name = "BYTES", requires = "grow_logs")]
    finish_at: Option<usize>,
}

fn share(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if (0.0..=1.0).contains(&value) => Ok(value),
        _ => Err(format!("{text:?} is not a share between 0 and 1")),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = Options::parse();
    let faults = Faults {
        latency: Duration::from_millis(options.latency_ms),
        server_errors: options.server_errors,
        rate_limited: options.rate_limited,
        dropped: options.dropped,
        redirect_logs: options.redirect_logs,
    };
    if faults.server_errors + faults.rate_limited + faults.dropped > 1.0 {
        eprintln!("error: --server-errors, --rate-limited and --dropped add up to more than 1");
        return ExitCode::from(2);
    }
    let config = Config {
        port: options.port,
        seed: options.seed,
        jobs: options.jobs,
        pipeline_jobs: options.pipeline_jobs,
        tokens: Tokens {
            root: options.root_token,
            maintainer: options.maintainer_token,
            developer: options.developer_token,
            reporter: options.reporter_token,
            guest: options.guest_token,
            read_only: options.read_api_token,
            oauth: options.oauth_token,
        },
        faults,
        gitlab_version: options.gitlab_version,
        jobs_rate_limit: options.jobs_rate_limit,
        job_action_rate_limits: !options.no_job_action_rate_limits,
        rate_limit_interval: Duration::from_secs(options.rate_limit_interval_secs),
        future_values: options.future_values,
        docs: options.docs.or_else(|| {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .filter(|dir| !dir.is_empty())
                .map(std::path::PathBuf::from)
                .unwrap_or_else(|| {
                    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target")
                });
            let built = target.join("openapi-docs/reference.html");
            built.is_file().then_some(built)
        }),
        flags: {
            let on = |name: &str| options.features.iter().any(|flag| flag == name);
            let defaults = FeatureFlags::defaults_of(options.gitlab_version);
            FeatureFlags {
                ci_job_inputs: on("ci_job_inputs"),
                ci_job_trace_api_range_via_workhorse: on("ci_job_trace_api_range_via_workhorse"),
                ci_job_trace_api_archived_log_via_workhorse: defaults
                    .ci_job_trace_api_archived_log_via_workhorse
                    || on("ci_job_trace_api_archived_log_via_workhorse"),
            }
        },
        live_log_ranges: options.live_log_ranges,
        grow_logs: options.grow_logs.map(|bytes| GrowLogs {
            every: Duration::from_millis(options.grow_every_ms),
            bytes,
            finish_at: options.finish_at,
        }),
    };
    let sandbox = match Sandbox::start(config).await {
        Ok(sandbox) => sandbox,
        Err(err) => {
            eprintln!(
                "error: cannot start the sandbox on 127.0.0.1:{}: {err}",
                options.port
            );
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
        "GitLab {} Jobs API sandbox, seed {}, {} jobs in acme/platform/api",
        options.gitlab_version,
        options.seed,
        options.jobs
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

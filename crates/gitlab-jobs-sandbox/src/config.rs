//! What a sandbox serves and how it misbehaves.

use std::time::Duration;

/// The tokens of the seeded users. Every user's token can be set; the defaults are printed
/// when the sandbox starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    /// Administrator `root`: every project, every action.
    pub root: String,
    /// `maria`, Maintainer of every project.
    pub maintainer: String,
    /// `devon`, Developer of every project.
    pub developer: String,
    /// `rita`, Reporter of every project: may read jobs, not act on them.
    pub reporter: String,
    /// `gus`, Guest of the private project: sees it, but not its jobs.
    pub guest: String,
    /// `root` again, with the `read_api` scope only: reads, but every action is a 403.
    pub read_only: String,
    /// An OAuth 2 access token of `root`, sent as `Authorization: Bearer`.
    pub oauth: String,
}

impl Default for Tokens {
    fn default() -> Self {
        Tokens {
            root: "glpat-sandbox-root".into(),
            maintainer: "glpat-sandbox-maintainer".into(),
            developer: "glpat-sandbox-developer".into(),
            reporter: "glpat-sandbox-reporter".into(),
            guest: "glpat-sandbox-guest".into(),
            read_only: "glpat-sandbox-read-api".into(),
            oauth: "sandbox-oauth-root".into(),
        }
    }
}

/// Faults injected into answers, each off by default. Shares are fractions of requests, from 0
/// to 1, drawn from the seeded generator, so a run with the same seed and requests in the same
/// order misbehaves the same way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Added to every answer.
    pub latency: Duration,
    /// Share of requests answered 500, 502 or 503 before they are handled.
    pub server_errors: f64,
    /// Share of requests answered 429 before they are handled.
    pub rate_limited: f64,
    /// Share of requests whose connection is dropped after they are handled: the action took
    /// effect, the answer never arrives.
    pub dropped: f64,
    /// Answer the job log with a redirect to a second loopback origin, which serves it without
    /// credentials, as object storage does on some installations.
    pub redirect_logs: bool,
}

/// Everything a sandbox is started with.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The port to listen on, on 127.0.0.1; 0 for any free port.
    pub port: u16,
    /// Seeds the data set and the faults.
    pub seed: u64,
    /// Jobs in the project job list of the big project (`acme/platform/api`), at least the 8 of
    /// its running pipeline; trigger jobs come on top.
    pub jobs: usize,
    /// Builds of one more pipeline of `acme/platform/api`, a big one for listing a pipeline's
    /// jobs page after page (5000 make 50 pages of 100); none by default.
    pub pipeline_jobs: usize,
    pub tokens: Tokens,
    pub faults: Faults,
    /// Requests per minute per user to the project job list before GitLab's 429
    /// (`project_jobs_api_rate_limit`, 600 by default); 0 turns the limit off.
    pub jobs_rate_limit: u32,
    /// Serve, on a few records, values GitLab may add tomorrow (see
    /// [`data::future`](crate::data::future)), so that a client can show it keeps them.
    pub future_values: bool,
    /// The reference page `cargo xtask docs` built, served at `/docs`.
    pub docs: Option<std::path::PathBuf>,
    /// GitLab feature flags that change the Jobs API, each off by default as on GitLab.
    pub flags: FeatureFlags,
    /// Honour `Range` on a running job's live log too. GitLab answers a live log whole and
    /// ranges only an archived one; this models a server that ranges both.
    pub live_log_ranges: bool,
    /// Running jobs' logs grow while the sandbox runs.
    pub grow_logs: Option<GrowLogs>,
}

/// GitLab feature flags the sandbox knows, named as GitLab names them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeatureFlags {
    /// `ci_job_inputs`: retry accepts `inputs`; off, sending them is a 403.
    pub ci_job_inputs: bool,
    /// `ci_job_trace_api_range_via_workhorse`: the log route reads `byte_offset` and
    /// `byte_limit`; off, it ignores them and answers the whole log.
    pub ci_job_trace_api_range_via_workhorse: bool,
}

/// How running jobs' logs grow: every `every`, each running build's log gets `bytes` more
/// bytes of lines; a log that reaches `finish_at` bytes ends its job with `success`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GrowLogs {
    pub every: Duration,
    pub bytes: usize,
    pub finish_at: Option<usize>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            port: 0,
            seed: 1,
            jobs: 200,
            pipeline_jobs: 0,
            tokens: Tokens::default(),
            faults: Faults::default(),
            jobs_rate_limit: 600,
            future_values: false,
            docs: None,
            flags: FeatureFlags::default(),
            live_log_ranges: false,
            grow_logs: None,
        }
    }
}

//! What a sandbox serves and how it misbehaves: the library's configuration and the
//! command line's options, said once (clap reads these types, and `Default` is what the
//! command line gives with no option).

use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, Args, Parser};

/// Everything a sandbox is started with.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct Config {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Seed of the data set and of the faults.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Jobs in the job list of the big project, acme/platform/api (20000 for a large one): at
    /// least the 8 of its running pipeline; trigger jobs come on top.
    #[arg(long, default_value_t = 200)]
    pub jobs: usize,
    /// Builds of one more, big pipeline of acme/platform/api, for listing a pipeline's jobs
    /// page after page (5000 for 50 pages of 100).
    #[arg(long, default_value_t = 0)]
    pub pipeline_jobs: usize,
    #[command(flatten)]
    pub tokens: Tokens,
    #[command(flatten)]
    pub faults: Faults,
    /// The GitLab version to be: /version says it, and features that came later are not
    /// served (trigger_jobs before 19.2; retry and play limits and archived logs through
    /// Workhorse before 19.5).
    #[arg(long, default_value_t = Version::NEWEST, value_name = "VERSION")]
    pub gitlab_version: Version,
    /// Requests per user per --rate-limit-interval-secs to the project job list before a 429
    /// (GitLab's `project_jobs_api_rate_limit`); 0 for no limit.
    #[arg(long, default_value_t = 600)]
    pub jobs_rate_limit: u32,
    /// GitLab 19.5's limits on retrying and playing jobs: 3 a minute per user and job, and per
    /// user and project 1250 retries and 750 plays a minute (the application settings'
    /// defaults); only from 19.5. --no-job-action-rate-limits leaves them out.
    #[arg(long = "no-job-action-rate-limits", action = ArgAction::SetFalse)]
    pub job_action_rate_limits: bool,
    /// The window GitLab's application rate limits count requests in, in seconds: 60 as on
    /// GitLab; shorter to try a client's waiting. Its 429s ask for it (`Retry-After`).
    #[arg(
        long = "rate-limit-interval-secs",
        value_name = "SECONDS",
        default_value = "60",
        value_parser = whole_seconds
    )]
    pub rate_limit_interval: Duration,
    /// Serve values GitLab may add tomorrow on a few records: a job status, a failure reason,
    /// an artifact type, a pipeline source and a runner type, each named `sandbox_future_*`.
    #[arg(long)]
    pub future_values: bool,
    /// The reference page to serve at /docs; the sandbox's binary defaults to the one `cargo
    /// xtask docs` wrote to openapi-docs/reference.html in the target folder
    /// (CARGO_TARGET_DIR or target/), if it did.
    #[arg(long)]
    pub docs: Option<PathBuf>,
    /// Turn on a GitLab feature flag, by GitLab's name (repeatable); each is off by default
    /// as on GitLab, except where a version turns it on (see [`Feature`]).
    #[arg(long = "feature", value_name = "FLAG")]
    pub features: Vec<Feature>,
    /// Honour `Range` on running jobs' live logs too. GitLab answers a live log whole and
    /// ranges only an archived one; this models a server that ranges both.
    #[arg(long)]
    pub live_log_ranges: bool,
    #[command(flatten)]
    pub grow_logs: Option<GrowLogs>,
    /// Where artifacts archives are served from: local storage or proxied object storage (200
    /// from the sandbox; a proxy ignores `Range`), or object storage with direct download (a
    /// 302 to a second loopback origin, with a signed URL that expires)
    #[arg(long, value_enum, default_value_t = ArtifactsStorage::Local)]
    pub artifacts_storage: ArtifactsStorage,
    /// How long a signed URL of `--artifacts-storage redirect` is valid, in milliseconds
    #[arg(long = "signed-url-ttl-ms", value_name = "MS", default_value = "600000", value_parser = millis)]
    pub signed_url_ttl: Duration,
    /// Add a file of this many MiB (at most 4000) to the artifacts archive of the newest
    /// successful build of acme/platform/api, for downloads of a large archive.
    #[arg(long, default_value_t = 0, value_name = "MIB", value_parser = clap::value_parser!(u64).range(0..=4000))]
    pub artifact_mib: u64,
}

impl Config {
    /// Whether the GitLab feature flag is on: turned on, or on by default in the version.
    pub fn flag(&self, feature: Feature) -> bool {
        self.features.contains(&feature) || feature.on_by_default_in(self.gitlab_version)
    }
}

/// A faithful fake of GitLab's Jobs API on loopback, with a seeded data set.
#[derive(Debug, Parser)]
#[command(name = "gitlab-jobs-sandbox", version)]
pub struct CommandLine {
    #[command(flatten)]
    pub config: Config,
}

impl Default for Config {
    /// What `gitlab-jobs-sandbox` serves without options.
    fn default() -> Self {
        CommandLine::parse_from(["gitlab-jobs-sandbox"]).config
    }
}

/// The tokens of the seeded users. Every user's token can be set; the defaults are printed
/// when the sandbox starts.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct Tokens {
    /// Token of root, the administrator: every project, every action.
    #[arg(
        long = "root-token",
        value_name = "TOKEN",
        default_value = "glpat-sandbox-root"
    )]
    pub root: String,
    /// Token of maria, Maintainer of every project.
    #[arg(
        long = "maintainer-token",
        value_name = "TOKEN",
        default_value = "glpat-sandbox-maintainer"
    )]
    pub maintainer: String,
    /// Token of devon, Developer of every project.
    #[arg(
        long = "developer-token",
        value_name = "TOKEN",
        default_value = "glpat-sandbox-developer"
    )]
    pub developer: String,
    /// Token of rita, Reporter of every project: may read jobs, not act on them.
    #[arg(
        long = "reporter-token",
        value_name = "TOKEN",
        default_value = "glpat-sandbox-reporter"
    )]
    pub reporter: String,
    /// Token of gus, Guest of the private project: sees it, but not its jobs.
    #[arg(
        long = "guest-token",
        value_name = "TOKEN",
        default_value = "glpat-sandbox-guest"
    )]
    pub guest: String,
    /// A token of root with the `read_api` scope only: reads, but every action is a 403.
    #[arg(
        long = "read-api-token",
        value_name = "TOKEN",
        default_value = "glpat-sandbox-read-api"
    )]
    pub read_only: String,
    /// An OAuth 2 access token of root, sent as `Authorization: Bearer`.
    #[arg(
        long = "oauth-token",
        value_name = "TOKEN",
        default_value = "sandbox-oauth-root"
    )]
    pub oauth: String,
}

impl Default for Tokens {
    fn default() -> Self {
        Config::default().tokens
    }
}

/// Faults injected into answers, each off by default. Shares are fractions of requests, from 0
/// to 1, drawn from the seeded generator, so a run with the same seed and requests in the same
/// order misbehaves the same way.
#[derive(Debug, Clone, Default, PartialEq, Args)]
pub struct Faults {
    /// Milliseconds added to every answer.
    #[arg(long = "latency-ms", value_name = "MS", default_value = "0", value_parser = millis)]
    pub latency: Duration,
    /// Share (0 to 1) of requests answered 500, 502 or 503 before they are handled.
    #[arg(long, default_value_t = 0.0, value_parser = share)]
    pub server_errors: f64,
    /// Share (0 to 1) of requests answered 429 by an instance throttle (plain text, RateLimit
    /// headers), on any route, before they are handled.
    #[arg(long, default_value_t = 0.0, value_parser = share)]
    pub rate_limited: f64,
    /// Share (0 to 1) of requests whose connection drops after they are handled: the action
    /// took effect, the answer never arrives.
    #[arg(long, default_value_t = 0.0, value_parser = share)]
    pub dropped: f64,
    /// Redirect job logs to a second loopback origin, which serves them without credentials,
    /// as object storage does on some installations.
    #[arg(long)]
    pub redirect_logs: bool,
    /// Share (0 to 1) of artifacts downloads whose body breaks off halfway, as when a
    /// connection drops.
    #[arg(long, default_value_t = 0.0, value_parser = share)]
    pub broken_downloads: f64,
    /// Answer against the contract, for trying a checker of it such as `gitlab-jobs verify`:
    /// a job without `stage`, with a null `name` and a text `allow_failure`; a trigger jobs
    /// list answered 410; logs as text/html, a part of one without `Content-Range`; a job
    /// list's `X-Per-Page` not a number; and a key and a header no contract names.
    #[arg(long)]
    pub break_contract: bool,
}

/// How running jobs' logs grow: every `every`, each running build's log gets `bytes` more
/// bytes of lines; a log that reaches `finish_at` bytes ends its job with `success`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Args)]
pub struct GrowLogs {
    /// Milliseconds between two growths of the logs.
    #[arg(
        long = "grow-every-ms",
        value_name = "MS",
        default_value = "1000",
        value_parser = positive_millis,
        requires = "bytes"
    )]
    pub every: Duration,
    /// Grow every running job's log by this many bytes every --grow-every-ms.
    #[arg(long = "grow-logs", value_name = "BYTES", required = false)]
    pub bytes: usize,
    /// End a growing job with `success` once its log reaches this many bytes.
    #[arg(long, value_name = "BYTES", requires = "bytes")]
    pub finish_at: Option<usize>,
}

/// GitLab feature flags that change the Jobs API, named as GitLab names them.
/// Where artifacts archives live, as GitLab's object storage settings decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ArtifactsStorage {
    /// On GitLab's disk: Workhorse sends the file, `Range` honoured.
    Local,
    /// In object storage without direct download: Workhorse fetches and forwards the file.
    Proxy,
    /// In object storage with direct download: a 302 to a signed URL of the storage.
    Redirect,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Feature {
    /// `ci_job_inputs`: retry accepts `inputs`; off, sending them is a 403.
    #[value(name = "ci_job_inputs")]
    CiJobInputs,
    /// `ci_job_trace_api_range_via_workhorse`: the log route reads `byte_offset` and
    /// `byte_limit`; off, it ignores them and answers the whole log.
    #[value(name = "ci_job_trace_api_range_via_workhorse")]
    CiJobTraceApiRangeViaWorkhorse,
    /// `ci_job_trace_api_archived_log_via_workhorse` (GitLab 19.5, on by default from 19.6 as
    /// far as the evidence goes): Workhorse serves a finished job's archived log, with `Range`
    /// (206, 416), `ETag` (304) and `Last-Modified`; off, and before 19.5, Rails answers every
    /// log whole (200) and ignores those headers.
    #[value(name = "ci_job_trace_api_archived_log_via_workhorse")]
    CiJobTraceApiArchivedLogViaWorkhorse,
}

impl Feature {
    /// Whether GitLab `version` turns the flag on by default.
    pub fn on_by_default_in(self, version: Version) -> bool {
        match self {
            Feature::CiJobInputs | Feature::CiJobTraceApiRangeViaWorkhorse => false,
            Feature::CiJobTraceApiArchivedLogViaWorkhorse => version >= Version::new(19, 6, 0),
        }
    }
}

fn share(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if (0.0..=1.0).contains(&value) => Ok(value),
        _ => Err(format!("{text:?} is not a share between 0 and 1")),
    }
}

fn millis(text: &str) -> Result<Duration, String> {
    text.parse()
        .map(Duration::from_millis)
        .map_err(|_| format!("{text:?} is not a whole number of milliseconds"))
}

fn positive_millis(text: &str) -> Result<Duration, String> {
    millis(text).and_then(|duration| match duration.is_zero() {
        false => Ok(duration),
        true => Err("0 ms: give at least 1".to_owned()),
    })
}

fn whole_seconds(text: &str) -> Result<Duration, String> {
    match text.parse::<u64>() {
        Ok(seconds) if seconds >= 1 => Ok(Duration::from_secs(seconds)),
        _ => Err(format!(
            "{text:?} is not a whole number of seconds, 1 or more"
        )),
    }
}

/// A GitLab version, `major.minor.patch`. The sandbox serves what its routes had at that
/// version: before 19.2 no `trigger_jobs` route, before 19.5 no limits on retry and play nor
/// archived logs through Workhorse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Version {
    /// The newest version whose Jobs API the sandbox serves.
    pub const NEWEST: Version = Version::new(19, 6, 0);

    pub const fn new(major: u32, minor: u32, patch: u32) -> Version {
        Version {
            major,
            minor,
            patch,
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl std::str::FromStr for Version {
    type Err = String;

    /// `19.6.0`, or `19.6` for its first patch.
    fn from_str(text: &str) -> Result<Version, String> {
        let invalid = || format!("{text:?} is not a GitLab version such as 19.6.0");
        let mut parts = text.trim().split('.');
        let mut number = |required: bool| match parts.next() {
            Some(part) if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) => {
                part.parse::<u32>().map_err(|_| invalid())
            }
            None if !required => Ok(0),
            _ => Err(invalid()),
        };
        let version = Version::new(number(true)?, number(true)?, number(false)?);
        match parts.next() {
            None => Ok(version),
            Some(_) => Err(invalid()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_read_as_gitlab_writes_them() {
        assert_eq!("19.6.0".parse(), Ok(Version::new(19, 6, 0)));
        assert_eq!("18.11".parse(), Ok(Version::new(18, 11, 0)));
        for bad in ["19", "19.x", "19.6.0.1", "", "v19.6", "19..1", "-1.0"] {
            assert!(bad.parse::<Version>().is_err(), "{bad:?}");
        }
        assert!(Version::new(19, 10, 0) > Version::new(19, 9, 3));
        assert_eq!(Version::NEWEST.to_string(), "19.6.0");
    }

    #[test]
    fn flags_default_as_each_version_has_them() {
        let archived = Feature::CiJobTraceApiArchivedLogViaWorkhorse;
        let at = |version| Config {
            gitlab_version: version,
            ..Config::default()
        };
        assert!(!at(Version::new(19, 5, 0)).flag(archived));
        assert!(Config::default().flag(archived));
        assert!(!Config::default().flag(Feature::CiJobInputs));
        let turned_on = CommandLine::parse_from([
            "gitlab-jobs-sandbox",
            "--gitlab-version",
            "19.5",
            "--feature",
            "ci_job_trace_api_archived_log_via_workhorse",
        ]);
        assert!(turned_on.config.flag(archived));
    }

    /// The defaults the library gives are the command line's, and every option reaches its
    /// field.
    #[test]
    fn the_command_line_sets_every_field() {
        let defaults = Config::default();
        assert_eq!((defaults.port, defaults.seed, defaults.jobs), (0, 1, 200));
        assert_eq!(defaults.tokens.root, "glpat-sandbox-root");
        assert!(defaults.job_action_rate_limits && defaults.grow_logs.is_none());
        assert_eq!(defaults.rate_limit_interval, Duration::from_secs(60));
        assert_eq!(defaults.faults, Faults::default());
        let set = CommandLine::try_parse_from([
            "gitlab-jobs-sandbox",
            "--port",
            "8929",
            "--seed",
            "7",
            "--jobs",
            "20",
            "--pipeline-jobs",
            "5",
            "--root-token",
            "r",
            "--oauth-token",
            "o",
            "--latency-ms",
            "30",
            "--server-errors",
            "0.5",
            "--rate-limited",
            "0.25",
            "--dropped",
            "0.1",
            "--redirect-logs",
            "--gitlab-version",
            "19.2",
            "--jobs-rate-limit",
            "0",
            "--no-job-action-rate-limits",
            "--rate-limit-interval-secs",
            "2",
            "--future-values",
            "--docs",
            "page.html",
            "--feature",
            "ci_job_inputs",
            "--live-log-ranges",
            "--grow-logs",
            "64",
            "--grow-every-ms",
            "50",
            "--finish-at",
            "4096",
        ])
        .unwrap()
        .config;
        assert_eq!(
            (set.port, set.seed, set.jobs, set.pipeline_jobs),
            (8929, 7, 20, 5)
        );
        assert_eq!(
            (set.tokens.root.as_str(), set.tokens.oauth.as_str()),
            ("r", "o")
        );
        assert_eq!(set.tokens.guest, "glpat-sandbox-guest");
        assert_eq!(
            set.faults,
            Faults {
                latency: Duration::from_millis(30),
                server_errors: 0.5,
                rate_limited: 0.25,
                dropped: 0.1,
                redirect_logs: true,
                broken_downloads: 0.0,
                break_contract: false,
            }
        );
        assert_eq!(set.gitlab_version, Version::new(19, 2, 0));
        assert_eq!(set.jobs_rate_limit, 0);
        assert!(!set.job_action_rate_limits);
        assert_eq!(set.rate_limit_interval, Duration::from_secs(2));
        assert!(set.future_values && set.live_log_ranges);
        assert_eq!(set.docs, Some(PathBuf::from("page.html")));
        assert_eq!(set.features, [Feature::CiJobInputs]);
        assert_eq!(
            set.grow_logs,
            Some(GrowLogs {
                every: Duration::from_millis(50),
                bytes: 64,
                finish_at: Some(4096),
            })
        );
        for wrong in [
            &["--server-errors", "2"][..],
            &["--rate-limit-interval-secs", "0"],
            &["--grow-every-ms", "10"],
            &["--feature", "no_such_flag"],
            &["--gitlab-version", "nineteen"],
        ] {
            let line = std::iter::once("gitlab-jobs-sandbox").chain(wrong.iter().copied());
            assert!(CommandLine::try_parse_from(line).is_err(), "{wrong:?}");
        }
    }
}

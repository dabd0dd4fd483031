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
    /// The GitLab version the sandbox is: `GET /version` says it, and the features of the
    /// Jobs API that came later are not served (see [`Version`]). The newest by default.
    pub gitlab_version: Version,
    /// Requests per user to the project job list in each [`rate_limit_interval`] before
    /// GitLab's 429 (`project_jobs_api_rate_limit`, 600 by default); 0 turns the limit off.
    ///
    /// [`rate_limit_interval`]: Config::rate_limit_interval
    pub jobs_rate_limit: u32,
    /// GitLab 19.5's limits on retrying and playing jobs: 3 a minute per user and job, and
    /// per user and project 1250 retries and 750 plays a minute (the application settings'
    /// defaults). On by default, and only from 19.5.
    pub job_action_rate_limits: bool,
    /// The window GitLab's application rate limits count requests in: a minute, as on
    /// GitLab; shorter to try a client's waiting in a test. Its 429s ask for it in whole
    /// seconds (`Retry-After`).
    pub rate_limit_interval: Duration,
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

/// GitLab feature flags the sandbox knows, named as GitLab names them. The default is what
/// the newest version sets by default ([`FeatureFlags::defaults_of`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeatureFlags {
    /// `ci_job_inputs`: retry accepts `inputs`; off, sending them is a 403. Off by default.
    pub ci_job_inputs: bool,
    /// `ci_job_trace_api_range_via_workhorse`: the log route reads `byte_offset` and
    /// `byte_limit`; off, it ignores them and answers the whole log. Off by default.
    pub ci_job_trace_api_range_via_workhorse: bool,
    /// `ci_job_trace_api_archived_log_via_workhorse` (GitLab 19.5, on by default from 19.6 as
    /// far as the evidence goes): Workhorse serves a finished job's archived log, with
    /// `Range` (206, 416), `ETag` (304) and `Last-Modified`; off, and before 19.5, Rails
    /// answers every log whole (200) and ignores those headers.
    pub ci_job_trace_api_archived_log_via_workhorse: bool,
}

impl FeatureFlags {
    /// The flags as GitLab `version` sets them by default.
    pub fn defaults_of(version: Version) -> FeatureFlags {
        FeatureFlags {
            ci_job_inputs: false,
            ci_job_trace_api_range_via_workhorse: false,
            ci_job_trace_api_archived_log_via_workhorse: version >= Version::new(19, 6, 0),
        }
    }
}

impl Default for FeatureFlags {
    fn default() -> Self {
        FeatureFlags::defaults_of(Version::NEWEST)
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
            gitlab_version: Version::NEWEST,
            jobs_rate_limit: 600,
            job_action_rate_limits: true,
            rate_limit_interval: Duration::from_secs(60),
            future_values: false,
            docs: None,
            flags: FeatureFlags::default(),
            live_log_ranges: false,
            grow_logs: None,
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
        assert!(
            !FeatureFlags::defaults_of(Version::new(19, 5, 0))
                .ci_job_trace_api_archived_log_via_workhorse
        );
        assert!(FeatureFlags::default().ci_job_trace_api_archived_log_via_workhorse);
        assert!(!FeatureFlags::default().ci_job_inputs);
    }
}

//! The command line: commands, options and the environment they fall back on.

use std::path::PathBuf;
use std::time::Duration;

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand, ValueEnum};
use gitlab_jobs_client::models::JobScope;

use crate::exit;

/// Jobs of GitLab CI/CD pipelines: list them, read and follow their logs, wait for them,
/// cancel, retry, erase or play them, and download their artifacts.
#[derive(Debug, Parser)]
#[command(
    name = "gitlab-jobs",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(after_help = CONFIGURATION)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

const CONFIGURATION: &str = "\
Configuration, first found wins:
  GitLab   --url, GITLAB_URL, CI_API_V4_URL, CI_SERVER_URL (+ /api/v4), the git remote,
           the hosts file's default_host
  token    --token, GITLAB_TOKEN (a personal, project or group access token), CI_JOB_TOKEN,
           the hosts file's token or token_command for that GitLab
  project  --project, CI_PROJECT_ID, the git remote (origin, or --remote NAME)
The hosts file is GITLAB_JOBS_CONFIG, else ~/.config/gitlab-jobs/config.toml (TOML:
[hosts.\"gitlab.example.com\"] with token or token_command, and url); one that holds a token
must be readable by its owner only.
Inside a CI job, GitLab sets CI_API_V4_URL, CI_JOB_TOKEN and CI_PROJECT_ID: no option is needed.
Prefer GITLAB_TOKEN to --token: other users of the machine can read a command's arguments.";

/// Options every command takes.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    // Help given as an attribute: rustdoc would want the example URL in angle brackets, which
    // the help would then show.
    #[arg(
        long,
        env = "GITLAB_URL",
        hide_env_values = true,
        global = true,
        value_name = "URL",
        help = "GitLab's address, such as https://gitlab.example.com (its API, /api/v4, is added \
                when missing)"
    )]
    pub url: Option<String>,

    /// Access token (PRIVATE-TOKEN), with the api scope to act on jobs or read_api to read
    #[arg(
        long,
        env = "GITLAB_TOKEN",
        hide_env_values = true,
        global = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,

    /// The project, by ID or full path (group/subgroup/project)
    #[arg(
        short,
        long,
        env = "CI_PROJECT_ID",
        hide_env_values = true,
        global = true,
        value_name = "PROJECT"
    )]
    pub project: Option<String>,

    /// The git remote that names GitLab and the project when neither is given (inside a clone;
    /// origin by default)
    #[arg(long, env = "GITLAB_REMOTE", global = true, value_name = "NAME")]
    pub remote: Option<String>,

    /// How to print jobs: a table for people, or the API's JSON for scripts (json: one array;
    /// ndjson: one job per line)
    #[arg(short, long, value_enum, default_value_t = Output::Table, global = true)]
    pub output: Output,

    /// Say on stderr which GitLab, credentials and project are used, which job a name
    /// resolved to, and each retry (never the token itself)
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// Give up on a request when GitLab has not answered, or has stopped sending its answer,
    /// for this long
    #[arg(
        long,
        env = "GITLAB_REQUEST_TIMEOUT",
        hide_env_values = true,
        value_parser = duration,
        default_value = "30s",
        global = true,
        value_name = "DURATION"
    )]
    pub request_timeout: Duration,

    /// Give up on a call to GitLab after this long, its retries and waits for GitLab's rate
    /// limits included (a log being printed goes on as long as it keeps coming)
    #[arg(
        long,
        env = "GITLAB_CALL_TIMEOUT",
        hide_env_values = true,
        value_parser = duration,
        default_value = "3m",
        global = true,
        value_name = "DURATION"
    )]
    pub call_timeout: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// Aligned columns; status colors on a terminal
    Table,
    /// The jobs as GitLab's API sends them
    Json,
    /// One job per line, as GitLab's API sends it
    Ndjson,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List a project's jobs, newest first, or a pipeline's
    List(ListArgs),
    /// Show a job
    Get(JobArgs),
    /// Print a job's log; with --follow, keep printing it until the job stops
    Log {
        #[command(flatten)]
        job: JobArgs,
        /// Print new lines as the job writes them, and stop when the job stops
        #[arg(short, long)]
        follow: bool,
        #[command(flatten)]
        polling: Polling,
    },
    /// Cancel a job
    Cancel {
        #[command(flatten)]
        job: JobArgs,
        /// Stop a job that is already canceling at once, without its after_script (needs the
        /// Maintainer role)
        #[arg(long)]
        force: bool,
    },
    /// Retry a job: GitLab starts a new job, which is printed
    Retry {
        #[command(flatten)]
        job: JobArgs,
        /// A value of the job's spec:inputs for the new run (repeatable; where GitLab's
        /// ci_job_inputs feature flag is on). VALUE is read as --input of play reads it
        #[arg(long = "input", value_name = "KEY=VALUE", value_parser = key_value)]
        inputs: Vec<(String, String)>,
    },
    /// Erase a job's log and artifacts
    Erase(JobArgs),
    /// Start a manual job
    Play {
        #[command(flatten)]
        job: JobArgs,
        /// A CI/CD variable for this run (repeatable)
        #[arg(long = "var", value_name = "KEY=VALUE", value_parser = key_value)]
        vars: Vec<(String, String)>,
        /// A value of the job's spec:inputs (repeatable). VALUE is read as JSON when it is a
        /// number, true, false, an array or a quoted string, and as text otherwise
        #[arg(long = "input", value_name = "KEY=VALUE", value_parser = key_value)]
        inputs: Vec<(String, String)>,
    },
    /// Show a pipeline's jobs live until it stops; the exit code says how it ended
    #[command(long_about = WATCH_ABOUT, after_help = exit::WATCH_CODES)]
    Watch(WatchArgs),
    /// Hold this GitLab to the contract: read a sample of the project's jobs and report where
    /// the answers part from it
    #[command(long_about = VERIFY_ABOUT, after_help = exit::VERIFY_CODES)]
    Verify(VerifyArgs),
    /// Wait until a job stops; the exit code says how it ended
    #[command(after_help = exit::WAIT_CODES)]
    Wait {
        #[command(flatten)]
        job: JobArgs,
        /// Print the job's log on stdout while waiting; the line saying how it ended then goes
        /// to stderr
        #[arg(short, long)]
        follow: bool,
        /// Give up after this long, such as 90s, 10m or 1h 30m (exit code 7)
        #[arg(long, value_parser = duration, value_name = "DURATION")]
        timeout: Option<Duration>,
        #[command(flatten)]
        polling: Polling,
    },
    /// A job's artifacts: download the archive or one file of it, list, keep or delete them
    Artifacts {
        #[command(subcommand)]
        command: ArtifactsCommand,
    },
    /// Print a shell completion script, such as `gitlab-jobs completions bash`
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// What `artifacts` does.
#[derive(Debug, Subcommand)]
pub enum ArtifactsCommand {
    /// Download a job's artifacts archive, a zip file (or extract it with --extract)
    #[command(after_help = BY_REF)]
    Download {
        #[command(flatten)]
        job: ArtifactsJob,
        /// Where to write the archive: a file, artifacts.zip by default, or - for stdout. The
        /// file appears only once the archive is whole
        #[arg(short = 'O', long = "out-file", value_name = "FILE")]
        out: Option<PathBuf>,
        /// Extract the archive into this folder instead of keeping the zip file; an entry
        /// whose path would leave the folder is refused
        #[arg(long, value_name = "DIR", conflicts_with = "out")]
        extract: Option<PathBuf>,
    },
    /// Print one file of a job's artifacts, or write it to a file with -O
    #[command(after_help = BY_REF)]
    Get {
        #[command(flatten)]
        job: ArtifactsJob,
        /// The file's path in the archive, such as coverage/index.html
        #[arg(value_name = "PATH")]
        path: String,
        /// Write the file here instead of stdout; it appears only once whole
        #[arg(short = 'O', long = "out-file", value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// List the files in a job's artifacts archive (GitLab 18.8 and later)
    Ls {
        #[command(flatten)]
        job: JobArgs,
        /// The folder in the archive to list; its root by default
        #[arg(value_name = "PATH")]
        path: Option<String>,
        /// List everything below the folder, not only what is directly in it
        #[arg(short, long)]
        recursive: bool,
    },
    /// Keep a job's artifacts past their expiry date
    Keep(JobArgs),
    /// Delete a job's artifacts; its log stays (needs the Maintainer role)
    Delete(JobArgs),
}

/// What `download --help` and `get --help` add about naming the job.
const BY_REF: &str = "\
With a job name and --ref, GitLab picks the job: the one of that exact name in the newest
successful pipeline of the branch or tag (--search-recent looks further back). Inside a CI job,
CI_JOB_TOKEN downloads where the project allows it.";

/// Which job's artifacts a download takes.
#[derive(Debug, Clone, Args)]
pub struct ArtifactsJob {
    #[command(flatten)]
    pub job: JobArgs,
    /// With --ref: look past the newest successful pipeline, through recent successful ones,
    /// for the newest job of that name with artifacts (GitLab 18.10 and later)
    #[arg(long, requires = "ref")]
    pub search_recent: bool,
}

/// What `watch --help` says before its options.
const WATCH_ABOUT: &str = "\
Show a pipeline's jobs live until it stops; the exit code says how it ended.

On a terminal the jobs are redrawn in place, stage by stage. Into a pipe or a file, a line is
written for the pipeline and for each job when it first shows and whenever its status changes;
with -o json or -o ndjson that line is the job as GitLab sends it.

Without --pipeline, the pipeline is the newest of --ref, or of the branch checked out where the
command runs.";

/// Which pipeline `watch` shows.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The pipeline to watch
    #[arg(long, value_name = "PIPELINE_ID", conflicts_with = "ref")]
    pub pipeline: Option<i64>,
    /// Watch the newest pipeline of this branch or tag
    #[arg(long = "ref", value_name = "REF")]
    pub r#ref: Option<String>,
    /// Leave the trigger jobs out
    #[arg(long)]
    pub no_trigger_jobs: bool,
    /// Give up after this long, such as 90s, 10m or 1h 30m (exit code 7)
    #[arg(long, value_parser = duration, value_name = "DURATION")]
    pub timeout: Option<Duration>,
    #[command(flatten)]
    pub polling: Polling,
}

/// What `verify --help` says before its options.
const VERIFY_ABOUT: &str = "\
Hold this GitLab to the contract built into gitlab-jobs; report where its answers part from it.

It only reads: the project's jobs by offset and by keyset, a sample of them one by one (the first
of each status and each failure reason), their pipelines' jobs and trigger jobs, a few logs whole
and one by range, one artifacts archive's entries, and, with a CI job token, the job-token routes. Every answer is checked against
the contract: its status and media type, the headers the contract names, and its body against
the JSON Schema (2020-12, as OpenAPI 3.1 reads it).

The report lists deviations (what the contract forbids: a missing key, a null, a wrong type, an
undocumented status), each with its operation, JSON pointer, the value's type, how many answers
showed it and one example; and news (what the contract allows but does not know: a new value, a
key, a header). Names, emails, URLs, refs and log text never appear unless --show-values; the
token never does. Attach the report to an issue: a contract change follows from it.";

/// What `verify` reads and reports.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Sample this pipeline's jobs instead of the project's newest
    #[arg(long, value_name = "PIPELINE_ID")]
    pub pipeline: Option<i64>,
    /// List at most this many of the project's jobs to choose the sample from
    #[arg(long, value_name = "N", default_value_t = 300)]
    pub max_jobs: usize,
    /// Write the report to FILE (whole, or not at all) instead of stdout
    #[arg(long, value_name = "FILE")]
    pub report: Option<std::path::PathBuf>,
    /// Show names, refs, URLs and other text in the report's examples, which are redacted
    /// otherwise
    #[arg(long)]
    pub show_values: bool,
}

/// Which jobs `list` prints.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only the jobs of this pipeline, its trigger jobs among them as GitLab's pipeline page
    /// shows them
    #[arg(long, value_name = "PIPELINE_ID", conflicts_with = "ref")]
    pub pipeline: Option<i64>,
    /// With --pipeline: leave the trigger jobs out (GitLab does not give them to a CI job
    /// token, which leaves them out anyway)
    #[arg(long, requires = "pipeline")]
    pub no_trigger_jobs: bool,
    /// Only jobs with this status (repeatable)
    #[arg(long, value_name = "STATUS", value_parser = scopes())]
    pub scope: Vec<String>,
    /// Only jobs of pipelines for this branch or tag
    #[arg(long = "ref", value_name = "REF")]
    pub r#ref: Option<String>,
    /// Only jobs whose name matches this pattern (* ? [...]), such as 'rspec*'
    #[arg(long, value_name = "PATTERN", value_parser = pattern)]
    pub name: Option<glob::Pattern>,
    /// Print at most this many jobs. On a terminal, list prints the newest 30 unless given
    /// --limit or --all; into a pipe or a file, every one
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Print every job, on a terminal too
    #[arg(long, conflicts_with = "limit")]
    pub all: bool,
}

/// How a command names its job.
#[derive(Debug, Clone, Args)]
pub struct JobArgs {
    /// The job: its ID, or its name (or a pattern) with --pipeline or --ref
    #[arg(value_name = "JOB")]
    pub job: String,
    /// The job's pipeline: its name is looked up there, and with CI_JOB_TOKEN the job is read
    /// from its list
    #[arg(long, value_name = "PIPELINE_ID", conflicts_with = "ref")]
    pub pipeline: Option<i64>,
    /// Look the job's name up in the newest pipeline of this branch or tag that has it; inside
    /// a checkout, its branch unless --pipeline is given
    #[arg(long = "ref", value_name = "REF")]
    pub r#ref: Option<String>,
}

/// How often to ask GitLab while following or waiting.
#[derive(Debug, Clone, Copy, Args)]
pub struct Polling {
    /// Time between polls
    #[arg(long, value_parser = duration, default_value = "2s", value_name = "DURATION")]
    pub interval: Duration,
}

fn scopes() -> PossibleValuesParser {
    PossibleValuesParser::new(JobScope::KNOWN.iter().map(JobScope::as_str))
}

fn key_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err("expected KEY=VALUE, with a key before the first =".into()),
    }
}

fn duration(text: &str) -> Result<Duration, String> {
    let duration = humantime::parse_duration(text).map_err(|err| err.to_string())?;
    if duration.is_zero() {
        return Err("a duration longer than zero, such as 500ms, 2s or 10m".into());
    }
    Ok(duration)
}

fn pattern(text: &str) -> Result<glob::Pattern, String> {
    glob::Pattern::new(text).map_err(|err| err.to_string())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    /// What `--help` says, reviewed as snapshots; at a fixed width, as on a 100-column
    /// terminal or a pipe.
    #[test]
    fn help() {
        let mut command = Cli::command().term_width(100);
        command.build();
        insta::assert_snapshot!("help", command.render_long_help().to_string());
        let wait = command.find_subcommand_mut("wait").expect("a wait command");
        insta::assert_snapshot!("wait_help", wait.render_long_help().to_string());
        let verify = command
            .find_subcommand_mut("verify")
            .expect("a verify command");
        insta::assert_snapshot!("verify_help", verify.render_long_help().to_string());
        let watch = command
            .find_subcommand_mut("watch")
            .expect("a watch command");
        insta::assert_snapshot!("watch_help", watch.render_long_help().to_string());
        let download = command
            .find_subcommand_mut("artifacts")
            .and_then(|artifacts| artifacts.find_subcommand_mut("download"))
            .expect("an artifacts download command");
        insta::assert_snapshot!(
            "artifacts_download_help",
            download.render_long_help().to_string()
        );
    }

    #[test]
    fn key_values_split_at_the_first_equals_sign() {
        assert_eq!(key_value("A=b=c"), Ok(("A".into(), "b=c".into())));
        assert_eq!(key_value("A="), Ok(("A".into(), String::new())));
        assert!(key_value("=b").is_err());
        assert!(key_value("A").is_err());
    }

    #[test]
    fn durations_are_human() {
        assert_eq!(duration("1h 30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(duration("250ms"), Ok(Duration::from_millis(250)));
        assert!(duration("0s").is_err());
        assert!(duration("soon").is_err());
    }
}

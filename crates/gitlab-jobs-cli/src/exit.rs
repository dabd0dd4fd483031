//! Exit codes, each said once: `wait --help` is built from the same table.

use gitlab_jobs_client::models::{Job, JobStatus};

/// The command did what was asked; `wait`: the job succeeded.
pub const SUCCESS: u8 = 0;
/// Something went wrong: GitLab refused, could not be reached, or a job name did not resolve.
pub const ERROR: u8 = 1;
/// The command line was wrong (clap's own code).
pub const USAGE: u8 = 2;
pub const FAILED: u8 = 3;
pub const CANCELED: u8 = 4;
pub const SKIPPED: u8 = 5;
pub const MANUAL: u8 = 6;
pub const TIMED_OUT: u8 = 7;
pub const UNKNOWN_STATUS: u8 = 8;
/// `verify`: GitLab's answers part from the contract.
pub const DEVIATIONS: u8 = 9;

/// What `verify --help` shows.
pub const VERIFY_CODES: &str = "\
Exit codes:
  0  no deviation: every answer is as the contract says (news may still be reported)
  1  an error: GitLab refused the project's job list, or could not be reached
  2  wrong usage
  9  deviations: answers the contract forbids, listed in the report";

/// What `wait --help` shows.
pub const WAIT_CODES: &str = "\
Exit codes:
  0  the job succeeded
  1  an error: GitLab refused, could not be reached, or the job was not found
  2  wrong usage
  3  the job failed (also when it was allowed to fail)
  4  the job was canceled
  5  the job was skipped
  6  the job is manual: it waits for someone to play it
  7  --timeout passed first
  8  the job stopped with a status this version does not know";

/// What `watch --help` shows: the codes of `wait`, said of a pipeline.
pub const WATCH_CODES: &str = "\
Exit codes:
  0  the pipeline succeeded
  1  an error: GitLab refused, could not be reached, or the pipeline was not found
  2  wrong usage
  3  the pipeline failed
  4  the pipeline was canceled
  5  the pipeline was skipped
  6  the pipeline is blocked: a manual job waits for someone to play it
  7  --timeout passed first
  8  the pipeline stopped with a status this version does not know";

/// The exit code for a job that stopped.
pub fn for_stopped(job: &Job) -> u8 {
    for_status(&job.status)
}

/// The exit code for a job or a pipeline that stopped with `status`.
pub fn for_status(status: &JobStatus) -> u8 {
    match status {
        JobStatus::Success => SUCCESS,
        JobStatus::Failed => FAILED,
        JobStatus::Canceled => CANCELED,
        JobStatus::Skipped => SKIPPED,
        JobStatus::Manual => MANUAL,
        _ => UNKNOWN_STATUS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The help lists every code, with the number the constants give it.
    #[test]
    fn the_help_says_every_code() {
        for (codes, of) in [(WAIT_CODES, "the job"), (WATCH_CODES, "the pipeline")] {
            said(codes, of);
        }
    }

    fn said(codes: &str, of: &str) {
        for (code, words) in [
            (SUCCESS, "succeeded"),
            (ERROR, "an error"),
            (USAGE, "wrong usage"),
            (FAILED, "failed"),
            (CANCELED, "canceled"),
            (SKIPPED, "skipped"),
            (MANUAL, "manual"),
            (TIMED_OUT, "--timeout"),
            (UNKNOWN_STATUS, "does not know"),
        ] {
            let line = codes
                .lines()
                .find(|line| line.trim_start().starts_with(&format!("{code} ")))
                .unwrap_or_else(|| panic!("no line for exit code {code}"));
            assert!(line.contains(words), "{line:?} says {words:?}");
            if ![ERROR, USAGE, TIMED_OUT].contains(&code) {
                assert!(line.contains(of), "{line:?} is said of {of}");
            }
        }
    }
}

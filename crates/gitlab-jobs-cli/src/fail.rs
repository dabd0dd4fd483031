//! How a command fails: one line on stderr, and an exit code.

use std::fmt;

use gitlab_jobs_client::CallError;

use crate::exit;
use crate::output::clean;

/// A failed command: what to say, and the exit code.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    /// [`exit::USAGE`] for a usage error, which clap prints with the usage line.
    pub code: u8,
    /// GitLab's answer's status, when a call failed.
    pub status: Option<u16>,
}

impl Failure {
    pub fn error(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: exit::ERROR,
            status: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: exit::USAGE,
            status: None,
        }
    }

    /// A failed call, after `context` (`job 42`): the operation, the status and GitLab's
    /// message, as [`CallError`] says them, which never holds a token. A call that ran out of
    /// time exits with [`exit::TIMED_OUT`].
    pub fn call(context: &str, err: CallError) -> Self {
        let code = match err.kind() {
            gitlab_jobs_client::CallErrorKind::TimedOut { .. } => exit::TIMED_OUT,
            _ => exit::ERROR,
        };
        Failure {
            message: format!("{context}: {err}"),
            code,
            status: err.status().map(|status| status.as_u16()),
        }
    }

    /// Whether the failure is a closed stdout (`gitlab-jobs list | head`), which ends the
    /// command quietly.
    pub fn is_broken_pipe(err: &std::io::Error) -> bool {
        err.kind() == std::io::ErrorKind::BrokenPipe
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One line, whatever GitLab's message holds.
        f.write_str(&clean(&self.message))
    }
}

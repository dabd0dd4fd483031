//! Calling an operation and getting one error type back.

use std::fmt;
use std::time::Duration;

use gitlab_jobs_schema::{ApiError, JobStatus};
use progenitor_client::{Error, ResponseValue};
use reqwest::StatusCode;

use crate::deadline::DeadlinePassed;

/// Why a call failed: the operation, what went wrong, and how many tries it took.
///
/// `Display` is one short line, such as `retry_job: 403 Forbidden: 403 Forbidden - Job is not
/// retryable (1 attempt)`. It never holds a token, a URL or a whole response body: an error
/// answer shows only the reason GitLab gave.
#[derive(Debug)]
pub struct CallError {
    operation: &'static str,
    attempts: u32,
    kind: CallErrorKind,
}

/// What went wrong in a call.
#[derive(Debug)]
#[non_exhaustive]
pub enum CallErrorKind {
    /// GitLab answered with an error the contract documents, in one of its error bodies.
    Api { status: StatusCode, body: ApiError },
    /// An answer the contract does not document for the operation, such as a proxy's 502
    /// page. Only the status is kept.
    UnexpectedStatus { status: StatusCode },
    /// A redirect to another origin that the client does not follow: an action is never sent
    /// to another origin. `origin` is where it pointed, as `scheme://host:port`; its path and
    /// query (which may hold a signature) are left out.
    Redirected { status: StatusCode, origin: String },
    /// No answer: the connection failed, timed out or broke off.
    Transport(reqwest::Error),
    /// The answer's body is not what the contract says; the parser's message, without the
    /// body.
    InvalidBody(String),
    /// The request could not be made from the arguments given.
    InvalidRequest(String),
    /// Writing a log or a download to its destination failed.
    Write(std::io::Error),
    /// What was being downloaded changed between two answers: another strong `ETag`, or
    /// shorter than what was already written. The bytes written are of the old one; download
    /// it again from the start. ([`ArtifactsDownload::save`](crate::ArtifactsDownload::save)
    /// does, once.)
    Changed {
        /// What was downloaded: `archive` or `file`.
        what: &'static str,
    },
    /// A download whose answers kept breaking off: the bytes written are the first `written`
    /// of `length`, a prefix to resume from, never a whole.
    Incomplete {
        /// What was downloaded: `archive` or `file`.
        what: &'static str,
        written: u64,
        length: u64,
    },
    /// The log is shorter than what was already read of it: GitLab erased it, or archived it
    /// anew, since. Nothing was written; reading it again from byte 0 gives the new log.
    LogShrank {
        /// The bytes already read.
        had: u64,
        /// The log's length now.
        now: u64,
    },
    /// The call, or the wait or follow it belongs to, ran out of time: its deadline came
    /// during a try, before a retry that was due, or while a body was read, or the job did
    /// not stop in time.
    TimedOut {
        /// How long it had been going on.
        waited: Duration,
        /// The status of the last answer GitLab gave; none when no answer came.
        last_answer: Option<StatusCode>,
        /// The job's status when it was last read, for a wait or a follow.
        job_status: Option<JobStatus>,
        /// When the call gave up before the deadline, because GitLab asked to wait longer
        /// than was left (a 429's `Retry-After`): that wait.
        next_try_in: Option<Duration>,
    },
}

impl CallError {
    pub(crate) fn new(operation: &'static str, attempts: u32, kind: CallErrorKind) -> Self {
        CallError {
            operation,
            attempts,
            kind,
        }
    }

    pub(crate) fn from_progenitor(
        operation: &'static str,
        attempts: u32,
        err: Error<ApiError>,
    ) -> Self {
        let kind = match err {
            Error::ErrorResponse(answer) => CallErrorKind::Api {
                status: answer.status(),
                body: answer.into_inner(),
            },
            Error::UnexpectedResponse(response) => {
                let status = response.status();
                match crate::hooks::redirect_target(&response) {
                    Some(target) if status.is_redirection() => CallErrorKind::Redirected {
                        status,
                        origin: target.origin().ascii_serialization(),
                    },
                    _ => CallErrorKind::UnexpectedStatus { status },
                }
            }
            Error::CommunicationError(err)
            | Error::ResponseBodyError(err)
            | Error::InvalidUpgrade(err) => CallErrorKind::from_transport(err),
            Error::InvalidResponsePayload(_, err) => CallErrorKind::InvalidBody(err.to_string()),
            Error::InvalidRequest(message) | Error::Custom(message) => {
                CallErrorKind::InvalidRequest(message)
            }
        };
        CallError {
            operation,
            attempts: attempts.max(1),
            kind,
        }
    }

    /// A failure without an answer, or while its body was read: a timeout when the call's
    /// deadline came.
    pub(crate) fn transport(operation: &'static str, attempts: u32, err: reqwest::Error) -> Self {
        CallError::new(
            operation,
            attempts.max(1),
            CallErrorKind::from_transport(err),
        )
    }

    /// This error, if it is a timeout, with what the wait it belongs to knows: how long it
    /// went on, and the job's status when it was last read.
    pub(crate) fn timed_out_after(mut self, waited: Duration, job: Option<JobStatus>) -> Self {
        if let CallErrorKind::TimedOut {
            waited: ref mut was,
            ref mut job_status,
            ..
        } = self.kind
        {
            *was = waited;
            *job_status = job.or(job_status.take());
        }
        self
    }

    /// The operation ID of the call, such as `list_project_jobs`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// How many tries were made: 1 when the call was not retried.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Whether the call was tried more than once.
    pub fn was_retried(&self) -> bool {
        self.attempts > 1
    }

    /// The HTTP status of GitLab's answer, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match &self.kind {
            CallErrorKind::Api { status, .. }
            | CallErrorKind::UnexpectedStatus { status }
            | CallErrorKind::Redirected { status, .. } => Some(*status),
            CallErrorKind::Transport(err) => err.status(),
            _ => None,
        }
    }

    /// GitLab's error body, if it answered with one.
    pub fn body(&self) -> Option<&ApiError> {
        match &self.kind {
            CallErrorKind::Api { body, .. } => Some(body),
            _ => None,
        }
    }

    pub fn kind(&self) -> &CallErrorKind {
        &self.kind
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.operation)?;
        match &self.kind {
            CallErrorKind::Api { status, body } => write!(f, "{status}: {body}")?,
            CallErrorKind::UnexpectedStatus { status } => {
                write!(f, "{status}, which the contract does not document here")?
            }
            CallErrorKind::Redirected { status, origin } => write!(
                f,
                "{status} to another origin, {origin}, which is not followed with an action or \
                 a token; is the base URL the one GitLab answers at?"
            )?,
            CallErrorKind::Transport(err) => write!(f, "no answer: {}", causes(err))?,
            CallErrorKind::InvalidBody(err) => {
                write!(f, "the answer does not match the contract: {err}")?
            }
            CallErrorKind::InvalidRequest(message) => write!(f, "invalid request: {message}")?,
            CallErrorKind::Write(err) => write!(f, "cannot write what was read: {err}")?,
            CallErrorKind::Changed { what } => write!(
                f,
                "the {what} changed while it was read; download it again from the start"
            )?,
            CallErrorKind::Incomplete {
                what,
                written,
                length,
            } => write!(
                f,
                "the {what} broke off after {written} of its {length} bytes, and again when resumed"
            )?,
            CallErrorKind::LogShrank { had, now } => write!(
                f,
                "the log is {now} bytes long now, shorter than the {had} bytes already read: \
                 it was erased or archived anew"
            )?,
            CallErrorKind::TimedOut {
                waited,
                last_answer,
                job_status,
                next_try_in,
            } => {
                match next_try_in {
                    Some(wait) => write!(
                        f,
                        "gave up, as the next try was due in {}, past the deadline",
                        seconds(*wait)
                    )?,
                    None => write!(f, "gave up after {}", seconds(*waited))?,
                }
                if let Some(status) = job_status {
                    write!(f, "; the job was {status}")?;
                }
                match last_answer {
                    Some(status) if !status.is_success() => {
                        write!(f, "; the last answer was {status}")?
                    }
                    Some(_) => {}
                    None if job_status.is_none() => write!(f, "; no answer had come")?,
                    None => {}
                }
            }
        }
        match self.attempts {
            1 => write!(f, " (1 attempt)"),
            n => write!(f, " ({n} attempts)"),
        }
    }
}

impl CallErrorKind {
    /// A transport failure, which is a timeout when the call's deadline came.
    fn from_transport(err: reqwest::Error) -> Self {
        match DeadlinePassed::behind(&err) {
            Some(passed) => CallErrorKind::TimedOut {
                waited: passed.waited,
                last_answer: passed.last_answer,
                job_status: None,
                next_try_in: passed.next_try_in,
            },
            None => CallErrorKind::Transport(err.without_url()),
        }
    }
}

/// A duration as a person reads it: `3.1s`, `42s`, `2m 5s`.
fn seconds(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs < 10.0 {
        format!("{secs:.1}s")
    } else if secs < 120.0 {
        format!("{secs:.0}s")
    } else {
        format!("{}m {}s", duration.as_secs() / 60, duration.as_secs() % 60)
    }
}

/// An error and its causes, each said once: reqwest's own message is often only "error
/// decoding response body", and what went wrong is further down.
fn causes(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let message = cause.to_string();
        if !text.contains(&message) {
            text = format!("{text}: {message}");
        }
        source = cause.source();
    }
    text
}

impl std::error::Error for CallError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            CallErrorKind::Transport(err) => Some(err),
            CallErrorKind::Write(err) => Some(err),
            _ => None,
        }
    }
}

/// Sends an operation's request, with the client's retries, and answers with a [`CallError`]
/// when it fails. Every builder of the generated client has it:
/// `client.get_job().id(1).job_id(8).call().await`.
pub trait Call: Sized {
    /// What a successful answer holds.
    type Output;
    /// The operation ID, as in the contract.
    const OPERATION: &'static str;

    fn call(self) -> impl Future<Output = Result<ResponseValue<Self::Output>, CallError>> + Send;
}

/// Gives a builder of the generated client its `.call()`. The generator invokes it in
/// `generated.rs` for every builder, with its operation ID and the type of a successful answer,
/// all read from progenitor's output (`cargo xtask gen`), so a new operation needs no line here.
macro_rules! calls {
    ($($builder:ident => $operation:literal: $output:ty),+) => {
        $(
            impl<'a> crate::Call for $builder<'a> {
                type Output = $output;
                const OPERATION: &'static str = $operation;

                fn call(
                    self,
                ) -> impl ::std::future::Future<
                    Output = Result<ResponseValue<$output>, crate::CallError>,
                > + Send {
                    async move {
                        let tries = crate::retry::TryCount::default();
                        let counting = self.client().counting_tries(&tries);
                        let outcome = self.made_by(&counting).send().await;
                        outcome.map_err(|err| {
                            crate::CallError::from_progenitor($operation, tries.get(), err)
                        })
                    }
                }
            }
        )+
    };
}
pub(crate) use calls;

#[cfg(test)]
mod tests {
    use gitlab_jobs_schema::MessageBody;

    use super::*;

    /// The generator lists every builder in `calls!`; this holds that list to the contract.
    #[test]
    fn every_operation_of_the_contract_has_a_call() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../openapi/openapi-3.0.yaml"
        );
        let spec: serde_json::Value =
            yaml_serde::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut contract: Vec<String> = spec["paths"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|item| item.as_object().unwrap().values())
            .filter_map(|operation| operation["operationId"].as_str().map(str::to_owned))
            .collect();
        contract.sort();
        let mut called: Vec<String> = crate::builder::CALLS
            .iter()
            .map(|(_, id)| (*id).to_owned())
            .collect();
        called.sort();
        assert_eq!(
            called, contract,
            "every operation of the contract has a `.call()`: run `cargo xtask gen`"
        );
        for (builder, id) in crate::builder::CALLS {
            let expected: String = id
                .split('_')
                .map(|word| word[..1].to_uppercase() + &word[1..])
                .collect();
            assert_eq!(*builder, expected, "`calls!` pairs {builder} with {id}");
        }
    }

    #[test]
    fn display_is_one_short_line() {
        let err = CallError::new(
            "retry_job",
            1,
            CallErrorKind::Api {
                status: StatusCode::FORBIDDEN,
                body: ApiError::Message(MessageBody {
                    message: "403 Forbidden - Job is not retryable".into(),
                }),
            },
        );
        assert_eq!(
            err.to_string(),
            "retry_job: 403 Forbidden: 403 Forbidden - Job is not retryable (1 attempt)"
        );
        let err = CallError::new(
            "list_project_jobs",
            5,
            CallErrorKind::UnexpectedStatus {
                status: StatusCode::BAD_GATEWAY,
            },
        );
        assert_eq!(
            err.to_string(),
            "list_project_jobs: 502 Bad Gateway, which the contract does not document here (5 attempts)"
        );
        assert!(err.was_retried());
    }
}

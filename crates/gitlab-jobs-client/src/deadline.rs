//! Deadlines: the moment by which a call, or a group of calls, must have ended.
//!
//! A deadline comes from [`Timeouts::call`](crate::Timeouts) (one call) or
//! [`Client::with_deadline`](crate::Client::with_deadline) (every call of that client, such as
//! the polls of [`FollowLog`](crate::FollowLog)). It bounds every try, every wait before a
//! retry and the body of the answer, a streamed log's included: a retry that would start after
//! it is not waited for, and the call fails at once with a [`DeadlinePassed`] inside its error,
//! which [`CallError`](crate::CallError) turns into
//! [`CallErrorKind::TimedOut`](crate::CallErrorKind::TimedOut).

use std::fmt;
use std::time::{Duration, Instant};

use reqwest::StatusCode;

/// Why a try was given up: the deadline came. It travels as the source of the transport error
/// the try fails with, so that retries treat it as a timeout and `CallError` can read it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DeadlinePassed {
    /// How long the call had been going on.
    pub waited: Duration,
    /// The status of the last answer the call got, if one came.
    pub last_answer: Option<StatusCode>,
    /// The wait before the next try, when the call gave up before the deadline because that
    /// try would have started after it.
    pub next_try_in: Option<Duration>,
}

impl DeadlinePassed {
    pub fn since(started: Instant, last_answer: Option<StatusCode>) -> Self {
        DeadlinePassed {
            waited: started.elapsed(),
            last_answer,
            next_try_in: None,
        }
    }

    /// The call gives up now, as its next try, `next_try_in` from now, would start after the
    /// deadline.
    pub fn before_retry(
        started: Instant,
        last_answer: Option<StatusCode>,
        next_try_in: Duration,
    ) -> Self {
        DeadlinePassed {
            next_try_in: Some(next_try_in),
            ..DeadlinePassed::since(started, last_answer)
        }
    }

    /// The `DeadlinePassed` behind `err`, wherever it sits in its chain of causes: an I/O
    /// error hides its inner error from `source()`, so each I/O error is opened too.
    pub fn behind(err: &(dyn std::error::Error + 'static)) -> Option<DeadlinePassed> {
        let mut cause = Some(err);
        while let Some(err) = cause {
            if let Some(passed) = err.downcast_ref::<DeadlinePassed>() {
                return Some(*passed);
            }
            if let Some(passed) = err
                .downcast_ref::<std::io::Error>()
                .and_then(std::io::Error::get_ref)
                .and_then(|inner| inner.downcast_ref::<DeadlinePassed>())
            {
                return Some(*passed);
            }
            cause = err.source();
        }
        None
    }
}

impl fmt::Display for DeadlinePassed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.next_try_in {
            Some(wait) => write!(
                f,
                "the next try was due in {:.1}s, after the deadline",
                wait.as_secs_f64()
            )?,
            None => write!(
                f,
                "the deadline came after {:.1}s",
                self.waited.as_secs_f64()
            )?,
        }
        match self.last_answer {
            Some(status) => write!(f, "; the last answer was {status}"),
            None => write!(f, "; no answer had come"),
        }
    }
}

impl std::error::Error for DeadlinePassed {}

/// The earlier of two deadlines, either of which may be unset.
pub(crate) fn earliest(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_behind_io_errors_and_sources() {
        let passed = DeadlinePassed {
            waited: Duration::from_millis(3100),
            last_answer: Some(StatusCode::TOO_MANY_REQUESTS),
            next_try_in: None,
        };
        let io = std::io::Error::new(std::io::ErrorKind::TimedOut, passed);
        assert_eq!(DeadlinePassed::behind(&io), Some(passed));
        let other = std::io::Error::other("broken pipe");
        assert_eq!(DeadlinePassed::behind(&other), None);
        assert_eq!(
            passed.to_string(),
            "the deadline came after 3.1s; the last answer was 429 Too Many Requests"
        );
    }

    #[test]
    fn the_earliest_of_two() {
        let now = Instant::now();
        let later = now + Duration::from_secs(1);
        assert_eq!(earliest(Some(later), Some(now)), Some(now));
        assert_eq!(earliest(None, Some(now)), Some(now));
        assert_eq!(earliest(Some(later), None), Some(later));
        assert_eq!(earliest(None, None), None);
    }
}

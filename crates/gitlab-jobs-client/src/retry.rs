//! Retries: which failures are retried, how long to wait, and how many tries are allowed.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, Request, Response, StatusCode};

use crate::deadline::DeadlinePassed;

/// How a [`Client`](crate::Client) retries.
///
/// A GET is retried on a 429, a 5xx, a connection failure, a timeout and an answer that breaks
/// off. An action (POST: cancel, retry, erase, play) is retried only when GitLab did not act
/// on it: on a 429, or when the connection could not be made at all. After a 5xx or a broken
/// answer the action may have taken effect, and running it twice could, for example, retry a
/// job twice.
///
/// The wait before a retry after a 429 is what GitLab asks for (`Retry-After`, then
/// `RateLimit-Reset`), or else the rest of GitLab's one-minute rate-limit window, read from
/// its `Date`; after another failure it is an exponential backoff with jitter. Either is
/// capped by `max_delay`, and no retry starts after `budget` or after the call's deadline
/// ([`Timeouts::call`](crate::Timeouts), [`Client::with_deadline`](crate::Client::with_deadline)).
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Tries in all, the first included; 1 turns retries off.
    pub max_attempts: u32,
    /// The first backoff, doubled at each retry.
    pub base_delay: Duration,
    /// The longest single wait, whatever GitLab asks for: a minute by default, the window of
    /// GitLab's rate limits.
    pub max_delay: Duration,
    /// No retry starts once this much time has gone by since the first try.
    pub budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(60),
            budget: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// No retries: every call is tried once.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The wait before try `attempt + 1`: GitLab's hint if it gave one, else the backoff;
    /// never more than `max_delay`, whatever either says.
    fn delay(&self, attempt: u32, hint: Option<Duration>) -> Duration {
        match hint {
            Some(wait) => wait.min(self.max_delay),
            None => {
                let backoff = self
                    .base_delay
                    .saturating_mul(1 << attempt.saturating_sub(1).min(16))
                    .min(self.max_delay);
                // Full jitter on the upper half, so that clients that failed together spread
                // out: between 50% and 100% of the backoff, in whole nanoseconds.
                let share = 500 + u128::from(fastrand::u32(0..=500));
                let nanos = backoff.as_nanos().saturating_mul(share) / 1000;
                Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
            }
        }
    }
}

/// Below this, a `RateLimit-Reset` is seconds from now rather than a Unix time: GitLab 13.8 to
/// 13.x sent the seconds until the window ends, later versions the time it ends.
const RESET_IS_A_TIME_FROM: u64 = 1_000_000_000;

/// What GitLab asks a client to wait: `Retry-After` (seconds, or an HTTP date), else
/// `RateLimit-Reset` (a Unix time, or seconds on old versions), else `RateLimit-ResetTime` (an
/// HTTP date). A value that does not parse is ignored; a time in the past means no wait.
pub(crate) fn requested_wait(headers: &HeaderMap) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::trim)
    };
    let seconds = |text: &str| text.parse::<u64>().ok();
    let until = |text: &str| {
        let time = httpdate::parse_http_date(text).ok()?;
        Some(time.duration_since(SystemTime::now()).unwrap_or_default())
    };
    if let Some(value) = header(RETRY_AFTER.as_str())
        && let Some(wait) = seconds(value)
            .map(Duration::from_secs)
            .or_else(|| until(value))
    {
        return Some(wait);
    }
    if let Some(reset) = header("ratelimit-reset").and_then(seconds) {
        let wait = if reset < RESET_IS_A_TIME_FROM {
            Some(Duration::from_secs(reset))
        } else {
            UNIX_EPOCH
                .checked_add(Duration::from_secs(reset))
                .map(|time| time.duration_since(SystemTime::now()).unwrap_or_default())
        };
        if wait.is_some() {
            return wait;
        }
    }
    header("ratelimit-resettime").and_then(until)
}

/// The tries made for one call, counted by the client copy the call is made with
/// ([`Client::counting_tries`](crate::Client::counting_tries)).
#[derive(Debug, Clone, Default)]
pub(crate) struct TryCount(Arc<AtomicU32>);

impl TryCount {
    fn add_one(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    /// The tries made so far.
    pub(crate) fn get(&self) -> u32 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Why a try may be made again.
enum Retry {
    /// GitLab refused for now (429): retried for any method, after the wait it asks for.
    Throttled(Duration, WaitReason),
    /// A failure that leaves an action's effect unknown: retried for GET only.
    IfIdempotent,
    /// The connection was never made: nothing reached GitLab, retried for any method.
    NeverSent,
}

/// A wait before a retry, as [`Client::on_retry`](crate::Client::on_retry) is told of it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryWait {
    /// The operation ID of the call, such as `list_project_jobs`.
    pub operation: &'static str,
    /// The try that failed, from 1.
    pub attempt: u32,
    /// The status of its answer; none when no answer came.
    pub status: Option<StatusCode>,
    /// How long the client waits before the next try.
    pub wait: Duration,
    /// Where the wait comes from.
    pub reason: WaitReason,
}

/// Where the wait before a retry comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitReason {
    /// GitLab said how long to wait: `Retry-After`, `RateLimit-Reset` or `RateLimit-ResetTime`.
    Asked,
    /// A 429 that said nothing of when to come back: the rest of GitLab's rate-limit window.
    RateLimitWindow,
    /// A failure without an answer, or a server error: an exponential backoff with jitter.
    Backoff,
}

/// What is told of each wait before a retry.
pub(crate) type RetryObserver = std::sync::Arc<dyn Fn(&RetryWait) + Send + Sync>;

/// How one call is tried: its policy, its deadline and who hears of its waits.
pub(crate) struct Tries<'a> {
    pub policy: &'a RetryPolicy,
    pub operation: &'static str,
    pub deadline: Option<Instant>,
    pub observer: Option<&'a RetryObserver>,
    /// Where each try is counted, when the call counts them.
    pub count: Option<&'a TryCount>,
}

/// How a call's tries ended.
pub(crate) enum Tried {
    /// The last try's outcome: an answer to give the caller, or the failure that ended it.
    Outcome(reqwest::Result<Response>),
    /// The deadline came during a try, or before the next try was due.
    DeadlinePassed(DeadlinePassed),
}

/// GitLab's rate limits count requests in windows of a minute that start on the minute of
/// its clock (`Gitlab::ApplicationRateLimiter` keys them by `Time.now.to_i / interval`, and
/// every limit on the Jobs API has an interval of a minute); Rack::Attack's throttles default
/// to a minute too.
const RATE_LIMIT_WINDOW: u64 = 60;

/// How long to wait after a 429: what GitLab asked for, or, where it said nothing (GitLab
/// application limits before merge request 206603, or a proxy), until its clock's next minute starts, read
/// from its `Date`, with up to a second of jitter; without a `Date`, a whole window.
fn throttled_wait(headers: &HeaderMap) -> (Duration, WaitReason) {
    if let Some(wait) = requested_wait(headers) {
        return (wait, WaitReason::Asked);
    }
    let into_window = headers
        .get(reqwest::header::DATE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| httpdate::parse_http_date(value).ok())
        .and_then(|date| date.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |since| since.as_secs() % RATE_LIMIT_WINDOW);
    let jitter = Duration::from_millis(fastrand::u64(0..1000));
    (
        Duration::from_secs(RATE_LIMIT_WINDOW - into_window) + jitter,
        WaitReason::RateLimitWindow,
    )
}

/// Sends `request` with `send`, again as `tries` allow. `send` gets a fresh copy each time.
pub(crate) async fn send_with_retries<F, Fut>(tries: Tries<'_>, request: Request, send: F) -> Tried
where
    F: Fn(Request) -> Fut,
    Fut: Future<Output = reqwest::Result<Response>>,
{
    let policy = tries.policy;
    let idempotent = matches!(*request.method(), Method::GET | Method::HEAD);
    let started = Instant::now();
    let mut attempt = 0;
    let mut last_answer = None;
    let mut spare = Some(request);
    loop {
        attempt += 1;
        if let Some(count) = tries.count {
            count.add_one();
        }
        let this = spare.take().expect("a request for each try");
        // A body that cannot be copied (a stream) allows one try only.
        spare = this.try_clone();
        let outcome = match tries.deadline {
            Some(deadline) => match tokio::time::timeout_at(deadline.into(), send(this)).await {
                Ok(outcome) => outcome,
                Err(_) => {
                    return Tried::DeadlinePassed(DeadlinePassed::since(started, last_answer));
                }
            },
            None => send(this).await,
        };
        if let Ok(response) = &outcome {
            last_answer = Some(response.status());
        }
        let retry = match &outcome {
            Ok(response) if response.status() == StatusCode::TOO_MANY_REQUESTS => {
                let (wait, reason) = throttled_wait(response.headers());
                Some(Retry::Throttled(wait, reason))
            }
            Ok(response) if response.status().is_server_error() => Some(Retry::IfIdempotent),
            Ok(_) => None,
            Err(err) if err.is_connect() => Some(Retry::NeverSent),
            Err(_) => Some(Retry::IfIdempotent),
        };
        let (delay, reason) = match retry {
            None => return Tried::Outcome(outcome),
            Some(Retry::IfIdempotent) if !idempotent => return Tried::Outcome(outcome),
            Some(Retry::Throttled(wait, reason)) => (policy.delay(attempt, Some(wait)), reason),
            Some(_) => (policy.delay(attempt, None), WaitReason::Backoff),
        };
        if attempt >= policy.max_attempts
            || spare.is_none()
            || started.elapsed().saturating_add(delay) > policy.budget
        {
            return Tried::Outcome(outcome);
        }
        // Never sleep past the deadline: the next try could not end in time.
        if tries.deadline.is_some_and(|deadline| {
            Instant::now()
                .checked_add(delay)
                .is_none_or(|at| at >= deadline)
        }) {
            return Tried::DeadlinePassed(DeadlinePassed::before_retry(
                started,
                last_answer,
                delay,
            ));
        }
        if let Some(observer) = tries.observer {
            observer(&RetryWait {
                operation: tries.operation,
                attempt,
                status: outcome.as_ref().ok().map(Response::status),
                wait: delay,
                reason,
            });
        }
        tokio::time::sleep(delay).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unix_now() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    fn wait(pairs: &[(&'static str, &str)]) -> Option<Duration> {
        requested_wait(&crate::testing::headers(pairs))
    }

    #[test]
    fn gitlabs_hints_come_first() {
        let reset = (unix_now() + 30).to_string();
        let wait_for_reset = wait(&[("ratelimit-reset", &reset)]).unwrap();
        assert!(
            (29..=30).contains(&wait_for_reset.as_secs()),
            "{wait_for_reset:?}"
        );
        assert_eq!(
            wait(&[("retry-after", "7"), ("ratelimit-reset", &reset)]),
            Some(Duration::from_secs(7))
        );
        // GitLab 13.x sent the seconds left, not a time.
        assert_eq!(
            wait(&[("ratelimit-reset", "1830")]),
            Some(Duration::from_secs(1830))
        );
        let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(60));
        let until_date = wait(&[("retry-after", &date)]).unwrap();
        assert!((58..=60).contains(&until_date.as_secs()), "{until_date:?}");
        let until_reset_time = wait(&[("ratelimit-resettime", &date)]).unwrap();
        assert!(
            (58..=60).contains(&until_reset_time.as_secs()),
            "{until_reset_time:?}"
        );
        assert_eq!(wait(&[]), None);
    }

    /// Whatever a server puts in the headers the client reads for a wait, it gets a wait or
    /// none, and never a panic or an overflow (debug builds check arithmetic).
    #[test]
    fn hostile_wait_headers_give_a_wait_or_none() {
        let past = Some(Duration::ZERO);
        for (name, value, expected) in [
            ("retry-after", "Mon, 01 Jan 0000 00:00:00 GMT", None),
            ("retry-after", "Wed, 31 Dec 1969 23:59:59 GMT", None),
            ("retry-after", "Thu, 01 Jan 1970 00:00:00 GMT", past),
            ("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT", past),
            ("retry-after", "Sat, 01 Jan 99999999999 00:00:00 GMT", None),
            ("retry-after", "Sun, 06 Nov 1994 08:49:37 UTC", None),
            ("retry-after", "Sun, 32 Nov 1994 08:49:37 GMT", None),
            ("retry-after", "Sun, 06 Nov 1994 25:61:61 GMT", None),
            ("retry-after", "", None),
            ("retry-after", "-1", None),
            ("retry-after", "1.5", None),
            (
                "retry-after",
                "18446744073709551615",
                Some(Duration::from_secs(u64::MAX)),
            ),
            ("retry-after", "18446744073709551616", None),
            ("retry-after", "99999999999999999999999999999999", None),
            ("ratelimit-reset", "0", past),
            (
                "ratelimit-reset",
                "999999999",
                Some(Duration::from_secs(999_999_999)),
            ),
            ("ratelimit-reset", "1000000000", past),
            ("ratelimit-reset", "18446744073709551615", None),
            ("ratelimit-reset", "-5", None),
            ("ratelimit-reset", "soon", None),
            ("ratelimit-resettime", "Mon, 01 Jan 0000 00:00:00 GMT", None),
            ("ratelimit-resettime", "tomorrow", None),
        ] {
            assert_eq!(wait(&[(name, value)]), expected, "{name}: {value}");
        }
        let far = wait(&[("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT")]).unwrap();
        assert!(far.as_secs() > 7_000 * 365 * 86_400, "{far:?}");
        // Whatever the hint, the policy caps it, and the budget check does not overflow.
        let policy = RetryPolicy {
            max_delay: Duration::MAX,
            base_delay: Duration::MAX,
            ..RetryPolicy::default()
        };
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(u64::MAX))),
            Duration::from_secs(u64::MAX)
        );
        assert!(policy.delay(40, None) >= Duration::from_nanos(u64::MAX / 2));
        let capped = RetryPolicy::default();
        assert_eq!(
            capped.delay(1, Some(Duration::from_secs(u64::MAX))),
            capped.max_delay
        );
    }

    #[test]
    fn backoff_doubles_with_jitter_and_stays_under_the_cap() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            ..RetryPolicy::default()
        };
        for attempt in 1..=3 {
            let full = Duration::from_millis(100 << (attempt - 1));
            let delay = policy.delay(attempt, None);
            assert!(delay >= full / 2 && delay <= full, "{attempt}: {delay:?}");
        }
        assert!(policy.delay(10, None) <= Duration::from_secs(1));
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(60))),
            Duration::from_secs(1),
            "hints are capped too"
        );
    }
}

//! Retries: which failures are retried, how long to wait, and how many tries are allowed.

use std::cell::Cell;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, Request, Response, StatusCode};

tokio::task_local! {
    /// Attempts made by the call running in this task, for `CallError`.
    static ATTEMPTS: Cell<u32>;
}

/// How a [`Client`](crate::Client) retries.
///
/// A GET is retried on a 429, a 5xx, a connection failure, a timeout and an answer that breaks
/// off. An action (POST: cancel, retry, erase, play) is retried only when GitLab did not act
/// on it: on a 429, or when the connection could not be made at all. After a 5xx or a broken
/// answer the action may have taken effect, and running it twice could, for example, retry a
/// job twice.
///
/// The wait before a retry is what GitLab asks for (`Retry-After`, then `RateLimit-Reset`),
/// or else an exponential backoff with jitter; either is capped by `max_delay`.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Tries in all, the first included; 1 turns retries off.
    pub max_attempts: u32,
    /// The first backoff, doubled at each retry.
    pub base_delay: Duration,
    /// The longest single wait, whatever GitLab asks for.
    pub max_delay: Duration,
    /// No retry starts once this much time has gone by since the first try.
    pub budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(30),
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

    /// The wait before try `attempt + 1`: GitLab's hint if it gave one, else the backoff.
    fn delay(&self, attempt: u32, hint: Option<Duration>) -> Duration {
        let wait = hint.unwrap_or_else(|| {
            let backoff = self.base_delay.saturating_mul(1 << (attempt - 1).min(16));
            // Full jitter on the upper half, so that clients that failed together spread out.
            backoff.mul_f64(0.5 + fastrand::f64() / 2.0)
        });
        wait.min(self.max_delay)
    }
}

/// What GitLab asks a client to wait: `Retry-After` (seconds, or an HTTP date), else
/// `RateLimit-Reset` (Unix seconds).
pub(crate) fn requested_wait(headers: &HeaderMap) -> Option<Duration> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    if let Some(value) = header(RETRY_AFTER.as_str()) {
        if let Ok(seconds) = value.trim().parse::<u64>() {
            return Some(Duration::from_secs(seconds));
        }
        if let Ok(date) = httpdate_seconds(value) {
            return Some(Duration::from_secs(date.saturating_sub(unix_now())));
        }
    }
    let reset: u64 = header("ratelimit-reset")?.trim().parse().ok()?;
    Some(Duration::from_secs(reset.saturating_sub(unix_now())))
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// Unix seconds of an IMF-fixdate such as `Sun, 06 Nov 1994 08:49:37 GMT`.
fn httpdate_seconds(text: &str) -> Result<u64, ()> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts.as_slice() else {
        return Err(());
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| m == month).ok_or(())? as u64 + 1;
    let (day, year): (u64, u64) = (day.parse().map_err(|_| ())?, year.parse().map_err(|_| ())?);
    let hms: Vec<u64> = time
        .split(':')
        .map(|n| n.parse().map_err(|_| ()))
        .collect::<Result<_, _>>()?;
    let [hours, minutes, seconds] = hms.as_slice() else {
        return Err(());
    };
    // Days since the epoch, by the civil-from-days inverse (Howard Hinnant's algorithm).
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Ok(days * 86_400 + hours * 3600 + minutes * 60 + seconds)
}

/// Counts one try of the call running in this task.
fn count_attempt() {
    let _ = ATTEMPTS.try_with(|attempts| attempts.set(attempts.get() + 1));
}

/// Runs `call`, counting the tries the client makes for it.
pub(crate) async fn counting<T>(call: impl Future<Output = T>) -> (T, u32) {
    ATTEMPTS
        .scope(Cell::new(0), async {
            let outcome = call.await;
            (outcome, ATTEMPTS.with(Cell::get))
        })
        .await
}

/// Why a try may be made again.
enum Retry {
    /// GitLab refused for now (429): retried for any method, after the wait it asks for.
    Throttled(Option<Duration>),
    /// A failure that leaves an action's effect unknown: retried for GET only.
    IfIdempotent,
    /// The connection was never made: nothing reached GitLab, retried for any method.
    NeverSent,
}

/// Sends `request` with `send`, again as `policy` allows. `send` gets a fresh copy each time.
pub(crate) async fn send_with_retries<F, Fut>(
    policy: &RetryPolicy,
    request: Request,
    send: F,
) -> reqwest::Result<Response>
where
    F: Fn(Request) -> Fut,
    Fut: Future<Output = reqwest::Result<Response>>,
{
    let idempotent = matches!(*request.method(), Method::GET | Method::HEAD);
    let started = Instant::now();
    let mut attempt = 0;
    let mut spare = Some(request);
    loop {
        attempt += 1;
        count_attempt();
        let this = spare.take().expect("a request for each try");
        // A body that cannot be copied (a stream) allows one try only.
        spare = this.try_clone();
        let outcome = send(this).await;
        let retry = match &outcome {
            Ok(response) if response.status() == StatusCode::TOO_MANY_REQUESTS => {
                Some(Retry::Throttled(requested_wait(response.headers())))
            }
            Ok(response) if response.status().is_server_error() => Some(Retry::IfIdempotent),
            Ok(_) => None,
            Err(err) if err.is_connect() => Some(Retry::NeverSent),
            Err(_) => Some(Retry::IfIdempotent),
        };
        let hint = match retry {
            None => return outcome,
            Some(Retry::IfIdempotent) if !idempotent => return outcome,
            Some(Retry::Throttled(hint)) => hint,
            Some(_) => None,
        };
        let delay = policy.delay(attempt, hint);
        if attempt >= policy.max_attempts
            || spare.is_none()
            || started.elapsed() + delay > policy.budget
        {
            return outcome;
        }
        tokio::time::sleep(delay).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitlabs_hints_come_first() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "ratelimit-reset",
            (unix_now() + 30).to_string().parse().unwrap(),
        );
        let wait = requested_wait(&headers).unwrap();
        assert!((29..=30).contains(&wait.as_secs()), "{wait:?}");
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(requested_wait(&headers), Some(Duration::from_secs(7)));
        assert_eq!(
            httpdate_seconds("Sun, 06 Nov 1994 08:49:37 GMT"),
            Ok(784_111_777)
        );
        assert_eq!(requested_wait(&HeaderMap::new()), None);
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
        assert_eq!(
            policy.delay(10, None).max(Duration::from_secs(1)),
            Duration::from_secs(1)
        );
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(60))),
            Duration::from_secs(1),
            "hints are capped too"
        );
    }
}

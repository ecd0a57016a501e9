//! When to retry a failed request and how long to wait first.
//!
//! Only failures that a later attempt can fix are retried: `429 Too Many Requests`, `408`,
//! `5xx` gateway and server errors, and transport failures (refused or reset
//! connections, timeouts, a body cut off mid-way). The wait is exponential backoff with
//! jitter, unless the server says how long to wait (`Retry-After`, or the IETF
//! `RateLimit-Reset` header), in which case that is honoured exactly.

use reqwest::header::HeaderMap;
use std::time::{Duration, SystemTime};

/// How many times to try a request and how long to wait between attempts.
///
/// Defaults: 4 attempts, backoff from 250 ms doubling up to 60 s. A server that asks for
/// a longer wait than `max_backoff` (a `Retry-After` of an hour) is not waited for: the
/// request fails at once with the provider's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per request, the first included; 1 disables retries.
    pub max_attempts: u32,
    /// The wait before the first retry (before jitter); it doubles with each retry.
    pub initial_backoff: Duration,
    /// The longest wait between two attempts, whether computed or asked for by the server.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The backoff before retry number `retry` (1 for the first retry): exponential, capped
    /// at `max_backoff`, then jittered to between half and all of it so that clients
    /// that failed together do not retry together.
    pub fn backoff(&self, retry: u32) -> Duration {
        let doubling = 2u32.saturating_pow(retry.saturating_sub(1));
        let ceiling = self
            .initial_backoff
            .saturating_mul(doubling)
            .min(self.max_backoff);
        let half = ceiling / 2;
        let jitter_nanos = u64::try_from((ceiling - half).as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(rand::random_range(0..=jitter_nanos))
    }
}

/// How long to wait before retrying a failed request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Wait {
    /// The policy's exponential backoff.
    Backoff,
    /// What the server asked for.
    Server(Duration),
}

/// Whether a failed response is worth another attempt, and how long to wait first: `None`
/// for a status no retry can fix.
pub(crate) fn retry_wait(status: u16, headers: &HeaderMap, now: SystemTime) -> Option<Wait> {
    retryable_status(status).then(|| server_delay(headers, now).map_or(Wait::Backoff, Wait::Server))
}

/// Whether a response status is worth another attempt.
pub fn retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// How long the server asks the client to wait before the next request, from
/// `Retry-After` (seconds or an HTTP date) or, failing that, the IETF `RateLimit-Reset`
/// header (seconds). `now` is the wall-clock time an HTTP date is measured from.
pub fn server_delay(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    header_text(headers, "retry-after")
        .and_then(|text| parse_retry_after(text, now))
        .or_else(|| rate_limit_reset(headers))
}

/// The wait until the server's rate-limit window resets, when the response says the
/// window's quota is spent (`RateLimit-Remaining: 0`). The client then pauses every
/// request until the reset instead of running into `429`s.
pub fn quota_exhausted(headers: &HeaderMap) -> Option<Duration> {
    let remaining = header_text(headers, "ratelimit-remaining")?;
    if first_number(remaining)? > 0 {
        return None;
    }
    rate_limit_reset(headers)
}

fn rate_limit_reset(headers: &HeaderMap) -> Option<Duration> {
    header_text(headers, "ratelimit-reset")
        .and_then(first_number)
        .map(Duration::from_secs)
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name)?.to_str().ok().map(str::trim)
}

/// The leading whole number of a header value (`"30"`, `"30;w=60"` in some drafts).
fn first_number(text: &str) -> Option<u64> {
    let digits: &str = text
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .filter(|digits| !digits.is_empty())?;
    digits.parse().ok()
}

/// `Retry-After` is either a number of seconds or an HTTP date (RFC 9110 §10.2.3). A
/// date in the past means "now".
pub fn parse_retry_after(text: &str, now: SystemTime) -> Option<Duration> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit()) {
        return text.parse().ok().map(Duration::from_secs);
    }
    let at: SystemTime = parse_http_date(text)?.into();
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The three date formats RFC 9110 requires recipients to accept: IMF-fixdate, the
/// obsolete RFC 850 form, and C's `asctime()` form. All are in GMT.
fn parse_http_date(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    if let Ok(date) = chrono::DateTime::parse_from_rfc2822(text) {
        return Some(date.with_timezone(&chrono::Utc));
    }
    ["%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"]
        .iter()
        .find_map(|format| chrono::NaiveDateTime::parse_from_str(text, format).ok())
        .map(|naive| naive.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn backoff_doubles_with_jitter_and_stops_at_the_cap() {
        let policy = RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(700),
        };
        for _ in 0..200 {
            let first = policy.backoff(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let third = policy.backoff(3);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
            let capped = policy.backoff(30);
            assert!(capped >= Duration::from_millis(350) && capped <= Duration::from_millis(700));
        }
        let spread: std::collections::BTreeSet<Duration> =
            (0..50).map(|_| policy.backoff(2)).collect();
        assert!(spread.len() > 1, "jitter varies the wait");
    }

    #[test]
    fn statuses_worth_retrying() {
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(retryable_status(status), "{status}");
        }
        for status in [400, 401, 403, 404, 422, 501] {
            assert!(!retryable_status(status), "{status}");
        }
    }

    #[test]
    fn retry_after_in_seconds_and_as_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_747); // Sun, 06 Nov 1994 08:49:07 GMT
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        for date in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(
                parse_retry_after(date, now),
                Some(Duration::from_secs(30)),
                "{date}"
            );
        }
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }

    #[test]
    fn retry_after_wins_over_rate_limit_reset() {
        let now = SystemTime::now();
        assert_eq!(
            server_delay(
                &headers(&[("retry-after", "3"), ("ratelimit-reset", "50")]),
                now
            ),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            server_delay(&headers(&[("ratelimit-reset", "7")]), now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(server_delay(&headers(&[]), now), None);
    }

    #[test]
    fn a_spent_quota_pauses_until_the_reset() {
        assert_eq!(
            quota_exhausted(&headers(&[
                ("ratelimit-remaining", "0"),
                ("ratelimit-reset", "12")
            ])),
            Some(Duration::from_secs(12))
        );
        assert_eq!(
            quota_exhausted(&headers(&[
                ("ratelimit-remaining", "5"),
                ("ratelimit-reset", "12")
            ])),
            None
        );
        assert_eq!(
            quota_exhausted(&headers(&[("ratelimit-remaining", "0")])),
            None
        );
    }
}

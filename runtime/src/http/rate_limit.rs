//! Pacing every request of one client: the provider's declared rate limit, and pauses the
//! provider asks for (`Retry-After`, an exhausted `RateLimit-Remaining`).
//!
//! One [`Pacer`] is shared by all requests of a client (and its clones), so concurrent
//! pages together stay under the limit.

use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// A rate limit: at most `requests` per `per`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed in each window.
    pub requests: u32,
    /// The window.
    pub per: Duration,
}

impl RateLimit {
    /// The spacing between two requests that keeps any window of `per` at `requests`.
    fn interval(&self) -> Duration {
        self.per / self.requests.max(1)
    }
}

/// Hands out send times: requests are spaced evenly at the rate limit (so no window of
/// `per` ever holds more than `requests`), and nothing is sent before a pause the
/// provider asked for has passed.
///
/// Taking a slot never holds the lock across an `await`, so a caller that is dropped
/// while waiting (a cancelled stream) blocks nobody; its slot is simply left unused.
#[derive(Debug)]
pub struct Pacer {
    interval: Option<Duration>,
    next_free: Mutex<Option<Instant>>,
}

impl Pacer {
    /// A pacer for `limit` (none: only provider-requested pauses apply).
    pub fn new(limit: Option<RateLimit>) -> Pacer {
        Pacer {
            interval: limit.map(|limit| limit.interval()),
            next_free: Mutex::new(None),
        }
    }

    /// Waits until this request may be sent.
    pub async fn acquire(&self) {
        let now = Instant::now();
        let slot = {
            let mut next_free = self.lock();
            let slot = next_free.map_or(now, |free| free.max(now));
            if let Some(interval) = self.interval {
                *next_free = Some(slot + interval);
            }
            slot
        };
        if slot > now {
            tokio::time::sleep_until(slot).await;
        }
    }

    /// Holds every request back for `delay` from now (a provider's `Retry-After`).
    pub fn pause_for(&self, delay: Duration) {
        let until = Instant::now() + delay;
        let mut next_free = self.lock();
        *next_free = Some(next_free.map_or(until, |free| free.max(until)));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        // The guarded value is a plain instant, valid whatever a panicking holder did.
        self.next_free
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test(start_paused = true)]
    async fn requests_are_spaced_to_the_limit() {
        let pacer = Arc::new(Pacer::new(Some(RateLimit {
            requests: 300,
            per: Duration::from_secs(60),
        })));
        let start = Instant::now();
        let mut sent = Vec::new();
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let pacer = pacer.clone();
                tokio::spawn(async move {
                    pacer.acquire().await;
                    Instant::now()
                })
            })
            .collect();
        for task in tasks {
            sent.push(task.await.unwrap() - start);
        }
        sent.sort();
        let expected: Vec<Duration> = (0..10).map(|n| Duration::from_millis(200 * n)).collect();
        assert_eq!(sent, expected);
    }

    #[tokio::test(start_paused = true)]
    async fn no_window_holds_more_than_the_limit() {
        let limit = RateLimit {
            requests: 5,
            per: Duration::from_secs(1),
        };
        let pacer = Pacer::new(Some(limit));
        let start = Instant::now();
        let mut sent = Vec::new();
        for _ in 0..23 {
            pacer.acquire().await;
            sent.push(Instant::now() - start);
        }
        for (index, at) in sent.iter().enumerate() {
            let in_window = sent[index..]
                .iter()
                .take_while(|later| **later < *at + limit.per)
                .count();
            assert!(in_window <= 5, "{in_window} requests within 1 s of {at:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_back_every_request() {
        let pacer = Pacer::new(None);
        let start = Instant::now();
        pacer.acquire().await;
        assert_eq!(Instant::now(), start, "no limit, no wait");
        pacer.pause_for(Duration::from_secs(7));
        pacer.pause_for(Duration::from_secs(2));
        pacer.acquire().await;
        assert_eq!(
            Instant::now() - start,
            Duration::from_secs(7),
            "the longer pause wins"
        );
        pacer.acquire().await;
        assert_eq!(Instant::now() - start, Duration::from_secs(7));
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_wait_blocks_nobody() {
        let pacer = Pacer::new(Some(RateLimit {
            requests: 1,
            per: Duration::from_secs(10),
        }));
        let start = Instant::now();
        pacer.acquire().await;
        let waiting = pacer.acquire();
        let _ = tokio::time::timeout(Duration::from_secs(1), waiting).await;
        pacer.acquire().await;
        assert_eq!(
            Instant::now() - start,
            Duration::from_secs(20),
            "the abandoned slot at 10 s is skipped, not re-queued behind a lock"
        );
    }
}

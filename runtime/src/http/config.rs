//! Client configuration shared by every generated client and the command-line tool.

use super::rate_limit::RateLimit;
use super::retry::RetryPolicy;
use crate::error::RecordError;
use crate::secret::Secret;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Called with every record that failed to decode or normalize (when not strict).
pub type RecordErrorHandler = Arc<dyn Fn(&RecordError) + Send + Sync>;

/// How to reach and authenticate with a provider, how to page, and how hard to try.
///
/// Generated `ClientBuilder`s wrap this with typed setters (`.configure(|c| c.max_attempts(6))`);
/// the command-line tool fills it from flags and the environment.
///
/// Failure handling, with defaults:
/// - [`max_attempts`](Self::max_attempts) (4) and [`retry_backoff`](Self::retry_backoff)
///   (250 ms doubling, with jitter, up to 60 s): `429`, `408`, `5xx` and transport failures
///   are retried; `Retry-After` and `RateLimit-Reset` are honoured.
/// - [`connect_timeout`](Self::connect_timeout) (10 s) and [`timeout`](Self::timeout)
///   (30 s) bound each attempt; [`sync_timeout`](Self::sync_timeout) (none) bounds a whole
///   stream, retries and waits included.
/// - [`rate_limit`](Self::rate_limit) (the spec's `rate_limit`, if any) paces every
///   request of the client.
/// - [`max_pages`](Self::max_pages) (the endpoint's `max_pages`, if any) stops a stream
///   with an error rather than page without end.
#[derive(Clone)]
pub struct ClientConfig {
    pub(crate) base_url: Option<String>,
    pub(crate) variables: BTreeMap<String, String>,
    pub(crate) credentials: BTreeMap<String, Secret>,
    pub(crate) concurrency: usize,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) strict: bool,
    pub(crate) on_record_error: Option<RecordErrorHandler>,
    pub(crate) retry: RetryPolicy,
    pub(crate) rate_limit: Option<RateLimit>,
    pub(crate) sync_timeout: Option<Duration>,
    pub(crate) max_pages: Option<u64>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            base_url: None,
            variables: BTreeMap::new(),
            credentials: BTreeMap::new(),
            concurrency: 4,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            strict: false,
            on_record_error: None,
            retry: RetryPolicy::default(),
            rate_limit: None,
            sync_timeout: None,
            max_pages: None,
        }
    }
}

impl ClientConfig {
    /// The default configuration.
    pub fn new() -> ClientConfig {
        ClientConfig::default()
    }

    /// Replaces the spec's base URL entirely (a mock server, a proxy, a regional host).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sets a variable of the spec's base URL (`tenant` in `https://{tenant}.example.com`).
    pub fn variable(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.variables.insert(name.into(), value.into());
        self
    }

    /// Sets a credential by name (`token`, `api_key`, ...).
    pub fn credential(mut self, name: impl Into<String>, value: impl Into<Secret>) -> Self {
        self.credentials.insert(name.into(), value.into());
        self
    }

    /// How many pages may be in flight at once when the page count is known (default 4).
    pub fn concurrency(mut self, pages: usize) -> Self {
        self.concurrency = pages.max(1);
        self
    }

    /// The timeout of one attempt of one request, from sending to the last byte of the
    /// body (default 30 s). An attempt that runs past it is retried.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The timeout for opening a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How many times a request is tried, the first attempt included (default 4; 1
    /// disables retries). Only `429`, `408`, `5xx` and transport failures are retried; a
    /// page is yielded once, after its successful attempt, so retries never duplicate
    /// records.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.retry.max_attempts = attempts.max(1);
        self
    }

    /// The backoff between attempts: `initial` before the first retry, doubling with each
    /// retry, never above `max` (defaults 250 ms and 60 s), jittered to between half and
    /// all of that. A server's `Retry-After` or `RateLimit-Reset` replaces the computed
    /// wait; if it asks for longer than `max`, the request fails at once instead.
    pub fn retry_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.retry.initial_backoff = initial;
        self.retry.max_backoff = max.max(initial);
        self
    }

    /// Paces every request of the client (all pages in flight together) to at most
    /// `requests` per `per`, overriding the spec's `rate_limit`. Clones of a client share
    /// the limit; separate clients (one per tenant or brand) each have their own.
    pub fn rate_limit(mut self, requests: u32, per: Duration) -> Self {
        self.rate_limit = Some(RateLimit {
            requests: requests.max(1),
            per,
        });
        self
    }

    /// The longest a whole stream may run, from its first poll to its last record,
    /// retries and waits included (default: no limit). When it runs out the stream ends
    /// with [`Error::SyncTimeout`](crate::Error::SyncTimeout); every record already
    /// yielded stands.
    pub fn sync_timeout(mut self, limit: Duration) -> Self {
        self.sync_timeout = Some(limit);
        self
    }

    /// The most pages a stream may fetch, overriding the endpoint's `max_pages`. A
    /// provider with more pages ends the stream with an error, never silently.
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.max_pages = Some(pages.max(1));
        self
    }

    /// Makes a record that fails to decode or normalize end the stream with an error,
    /// instead of being reported and skipped.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Receives each record that fails to decode or normalize (when not strict). Without
    /// a handler, failures are logged (position and reason only) through `tracing`.
    pub fn on_record_error(
        mut self,
        handler: impl Fn(&RecordError) + Send + Sync + 'static,
    ) -> Self {
        self.on_record_error = Some(Arc::new(handler));
        self
    }
}

/// Lists which credentials are set, never their values.
impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("variables", &self.variables)
            .field("credentials", &self.credentials.keys().collect::<Vec<_>>())
            .field("concurrency", &self.concurrency)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field("sync_timeout", &self.sync_timeout)
            .field("max_pages", &self.max_pages)
            .field("strict", &self.strict)
            .finish_non_exhaustive()
    }
}

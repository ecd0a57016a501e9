//! Client configuration shared by every generated client and the command-line tool.

use crate::error::RecordError;
use crate::secret::Secret;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Called with every record that failed to decode or normalize (when not strict).
pub type RecordErrorHandler = Arc<dyn Fn(&RecordError) + Send + Sync>;

/// How to reach and authenticate with a provider, and how to page.
///
/// Generated `ClientBuilder`s wrap this with typed setters; the command-line tool fills it
/// from flags and the environment.
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

    /// The timeout of one request (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The timeout for opening a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
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
            .field("strict", &self.strict)
            .finish_non_exhaustive()
    }
}

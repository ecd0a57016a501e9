//! Errors. Each names the provider and endpoint; none carries a credential or a
//! personal-data value.

use crate::endpoint::EndpointSpec;
use crate::record::{RawRecord, RecordPosition};
use serde_json::value::RawValue;
use std::fmt;

/// Everything that can go wrong calling a provider.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client is not configured well enough to send a request.
    #[error("{provider}: {message}")]
    Config {
        /// The provider.
        provider: &'static str,
        /// What is missing or wrong.
        message: String,
    },
    /// A parameter broke its spec rules; no request was sent.
    #[error("{provider} {endpoint}: parameter `{param}` {reason}; no request was sent")]
    InvalidParam {
        /// The provider.
        provider: &'static str,
        /// The endpoint.
        endpoint: &'static str,
        /// The parameter's name.
        param: &'static str,
        /// The rule it broke.
        reason: String,
    },
    /// A token could not be obtained from the provider's token endpoint.
    #[error("{provider}: authentication failed: {reason}")]
    Auth {
        /// The provider.
        provider: &'static str,
        /// What went wrong, with credentials masked and no token.
        reason: String,
    },
    /// The provider answered with an error status.
    #[error("{provider} {endpoint}: HTTP {status}{}: {body_excerpt}", hint_for(*status))]
    Status {
        /// The provider.
        provider: &'static str,
        /// The endpoint.
        endpoint: &'static str,
        /// The HTTP status code.
        status: u16,
        /// The start of the response body, with credentials masked.
        body_excerpt: String,
    },
    /// The request could not be sent or the response not read (after every attempt).
    #[error("{provider} {endpoint}: {}", causes(source))]
    Transport {
        /// The provider.
        provider: &'static str,
        /// The endpoint.
        endpoint: &'static str,
        /// The underlying error, with its URL removed (a URL may carry a query-string key).
        source: reqwest::Error,
    },
    /// A response did not have the shape the spec describes.
    #[error("{provider} {endpoint}: page {page}: {reason}")]
    Response {
        /// The provider.
        provider: &'static str,
        /// The endpoint.
        endpoint: &'static str,
        /// The page, counted from 1.
        page: u64,
        /// What was wrong.
        reason: String,
    },
    /// The provider answered (often with HTTP 200) but its body's success flag says the
    /// call failed.
    #[error("{provider} {endpoint}: page {page}: the provider reported a failure: {reason}")]
    Rejected {
        /// The provider.
        provider: &'static str,
        /// The endpoint.
        endpoint: &'static str,
        /// The page, counted from 1.
        page: u64,
        /// The flag's value and the provider's message, with credentials masked.
        reason: String,
    },
    /// Paging stopped because going on would loop, leak or never end: a repeated cursor
    /// or page, a next-page URL on another host, more pages than `max_pages`.
    #[error("{provider} {endpoint}: page {page}: {reason}")]
    Paging {
        /// The provider.
        provider: &'static str,
        /// The endpoint.
        endpoint: &'static str,
        /// The page at which paging stopped, counted from 1.
        page: u64,
        /// Why.
        reason: String,
    },
    /// The stream ran past [`ClientConfig::sync_timeout`](crate::ClientConfig::sync_timeout).
    /// Every record yielded before stands; the rest were not fetched.
    #[error("{provider} {endpoint}: the sync did not finish within its time limit of {limit:?}")]
    SyncTimeout {
        /// The provider.
        provider: &'static str,
        /// The endpoint.
        endpoint: &'static str,
        /// The configured limit.
        limit: std::time::Duration,
    },
    /// A record could not be decoded or normalized, in strict mode.
    #[error(transparent)]
    Record(#[from] RecordError),
}

/// An error and its causes, `outer: inner: innermost` ("error sending request:
/// operation timed out"); reqwest's own message alone rarely says what went wrong.
fn causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn hint_for(status: u16) -> &'static str {
    match status {
        401 => " (unauthorized: check the credential)",
        403 => " (forbidden: the credential lacks a permission or scope)",
        404 => " (not found: check the base URL)",
        429 => " (rate limited)",
        301..=308 => {
            " (a redirect to another host, not followed: credentials go only to the configured host)"
        }
        _ => "",
    }
}

/// A record that could not be decoded or normalized. The stream reports it and goes on
/// (unless strict). Display and Debug give the position and reason; the record's text,
/// personal data, is available only through [`RecordError::raw_json`].
pub struct RecordError {
    /// The provider.
    pub provider: &'static str,
    /// The endpoint.
    pub endpoint: &'static str,
    /// Where the record was.
    pub position: RecordPosition,
    /// Why it failed.
    pub reason: String,
    raw: Box<RawValue>,
}

impl RecordError {
    /// A new error about `record`.
    pub fn new(
        endpoint: &EndpointSpec,
        record: &RawRecord,
        reason: impl Into<String>,
    ) -> RecordError {
        RecordError {
            provider: endpoint.provider,
            endpoint: endpoint.name,
            position: record.position,
            reason: reason.into(),
            raw: record.json.clone(),
        }
    }

    /// The record's JSON as the provider sent it. It is personal data: store it where
    /// the records go, not in logs.
    pub fn raw_json(&self) -> &str {
        self.raw.get()
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}: {}",
            self.provider, self.endpoint, self.position, self.reason
        )
    }
}

impl fmt::Debug for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordError")
            .field("provider", &self.provider)
            .field("endpoint", &self.endpoint)
            .field("position", &self.position)
            .field("reason", &self.reason)
            .finish_non_exhaustive()
    }
}

impl std::error::Error for RecordError {}

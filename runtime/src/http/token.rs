//! Tokens obtained by exchanging credentials (OAuth2 client credentials, or a provider's
//! own JSON token endpoint), cached and renewed.
//!
//! A token is reused until shortly before it expires ([`REFRESH_MARGIN`]), then a new one
//! is fetched; concurrent requests wait for one fetch instead of each making their own.
//! When a provider rejects a token early (HTTP 401) the executor drops it and fetches once
//! more. Tokens live in [`Secret`]s: never logged, never in errors.

use super::retry::{retry_wait, Wait};
use crate::error::Error;
use crate::json_path;
use crate::secret::Secret;
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// How long before its expiry a token is replaced, so that it does not expire in flight.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// A token endpoint, as the spec describes it.
#[derive(Debug, PartialEq, Eq)]
pub struct TokenExchange {
    /// The path below the base URL (`/oauth/token`).
    pub path: &'static str,
    /// How the request body is encoded.
    pub encoding: TokenEncoding,
    /// The body's fields, in order.
    pub fields: &'static [TokenField],
    /// The credentials the fields read, by name: what a client must be configured with.
    pub credentials: &'static [&'static str],
    /// Keys to the token in the response (`access_token`).
    pub token: &'static [&'static str],
    /// Keys to the token's lifetime in seconds (`expires_in`); without it a token is kept
    /// until the provider rejects it.
    pub expires_in: Option<&'static [&'static str]>,
    /// How requests carry the token.
    pub send: TokenPlacement,
}

/// A token request's body encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenEncoding {
    /// `application/x-www-form-urlencoded` (OAuth2).
    Form,
    /// A JSON object.
    Json,
}

/// One field of a token request.
#[derive(Debug, PartialEq, Eq)]
pub struct TokenField {
    /// The field's name in the body.
    pub name: &'static str,
    /// Where its value comes from.
    pub value: TokenValue,
}

/// A token request field's value.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenValue {
    /// A configured credential, by name.
    Credential(&'static str),
    /// A fixed text (`client_credentials`).
    Const(&'static str),
}

/// Where requests carry the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenPlacement {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// A named header, the token as its whole value (`x-token: <token>`).
    Header(&'static str),
}

impl TokenPlacement {
    /// Adds `token` to a request.
    pub(crate) fn apply(
        self,
        request: reqwest::RequestBuilder,
        token: &Secret,
    ) -> reqwest::RequestBuilder {
        match self {
            TokenPlacement::Bearer => request.bearer_auth(token.expose()),
            TokenPlacement::Header(name) => request.header(name, token.expose()),
        }
    }
}

/// A token and when it stops being usable.
struct Cached {
    token: Secret,
    expires: Option<Instant>,
}

/// The current token of one client, shared by all its requests.
#[derive(Default)]
pub(crate) struct TokenCache {
    current: Mutex<Option<Cached>>,
    fetching: tokio::sync::Mutex<()>,
}

impl TokenCache {
    /// The current token if it is still good for [`REFRESH_MARGIN`], else a new one from
    /// `fetch` (a token and its lifetime).
    pub(crate) async fn token<F, Fut, E>(&self, fetch: F) -> Result<Secret, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<(Secret, Option<Duration>), E>>,
    {
        if let Some(token) = self.fresh(Instant::now()) {
            return Ok(token);
        }
        let _one_fetch_at_a_time = self.fetching.lock().await;
        if let Some(token) = self.fresh(Instant::now()) {
            return Ok(token);
        }
        let (token, lifetime) = fetch().await?;
        let expires = lifetime.map(|lifetime| Instant::now() + lifetime);
        *self.lock() = Some(Cached {
            token: token.clone(),
            expires,
        });
        Ok(token)
    }

    /// Forgets `rejected` (unless another request already replaced it).
    pub(crate) fn invalidate(&self, rejected: &Secret) {
        let mut current = self.lock();
        if current
            .as_ref()
            .is_some_and(|cached| &cached.token == rejected)
        {
            *current = None;
        }
    }

    /// The cached token, if it stays valid beyond the refresh margin from `now`.
    fn fresh(&self, now: Instant) -> Option<Secret> {
        let current = self.lock();
        let cached = current.as_ref()?;
        let usable = cached
            .expires
            .is_none_or(|expires| now + REFRESH_MARGIN < expires);
        usable.then(|| cached.token.clone())
    }

    /// The cached token, for masking it in error texts.
    pub(crate) fn peek(&self) -> Option<Secret> {
        self.lock().as_ref().map(|cached| cached.token.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Cached>> {
        self.current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Why no token could be had, and whether asking again may help: the token endpoint
/// is retried like any request (a refused connection, `429`, `5xx`), while refused
/// credentials or a response without a token fail at once.
pub(crate) struct TokenFailure {
    /// The error to report, with credentials masked.
    pub(crate) error: Error,
    /// Whether and how long to wait before asking again; `None`: do not.
    pub(crate) retry: Option<Wait>,
    /// A short cause for logs (a status or a transport failure's kind).
    pub(crate) cause: String,
}

/// Asks the token endpoint for a token: the token and its lifetime, or why not.
pub(crate) async fn fetch(
    http: &reqwest::Client,
    base_url: &str,
    provider: &'static str,
    exchange: &TokenExchange,
    credentials: &BTreeMap<String, Secret>,
) -> Result<(Secret, Option<Duration>), TokenFailure> {
    let failure = |reason: String, retry: Option<Wait>, cause: String| TokenFailure {
        error: Error::Auth { provider, reason },
        retry,
        cause,
    };
    let url = format!(
        "{}/{}",
        base_url.trim_end_matches('/'),
        exchange.path.trim_start_matches('/')
    );
    let fields: Vec<(&str, &str)> = exchange
        .fields
        .iter()
        .map(|field| {
            let value = match field.value {
                TokenValue::Credential(name) => credentials.get(name).map_or("", Secret::expose),
                TokenValue::Const(text) => text,
            };
            (field.name, value)
        })
        .collect();
    let request = http.post(url);
    let request = match exchange.encoding {
        TokenEncoding::Form => request.form(&fields),
        TokenEncoding::Json => {
            let body: serde_json::Map<String, serde_json::Value> = fields
                .iter()
                .map(|(name, value)| (name.to_string(), serde_json::Value::from(*value)))
                .collect();
            request.json(&body)
        }
    };
    let transport = |what: &str, error: reqwest::Error| {
        let retry = (!error.is_builder()).then_some(Wait::Backoff);
        failure(
            format!("the token {what}: {}", error.without_url()),
            retry,
            format!("the token {what}"),
        )
    };
    let response = request
        .send()
        .await
        .map_err(|error| transport("request failed", error))?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .text()
        .await
        .map_err(|error| transport("response could not be read", error))?;
    tracing::debug!(provider, status = status.as_u16(), "token response");
    if !status.is_success() {
        let mut excerpt: String = body.chars().take(200).collect();
        for secret in credentials
            .values()
            .filter(|secret| !secret.expose().is_empty())
        {
            excerpt = excerpt.replace(secret.expose(), "***");
        }
        return Err(failure(
            format!(
                "the token endpoint answered HTTP {}: {excerpt}",
                status.as_u16()
            ),
            retry_wait(status.as_u16(), &headers, SystemTime::now()),
            format!("token endpoint HTTP {}", status.as_u16()),
        ));
    }
    read_token(exchange, &body)
        .map_err(|reason| failure(reason, None, "no token in the response".to_string()))
}

/// The token and lifetime in a token response body.
fn read_token(exchange: &TokenExchange, body: &str) -> Result<(Secret, Option<Duration>), String> {
    let root: &RawValue =
        serde_json::from_str(body).map_err(|_| "the token response is not JSON".to_string())?;
    let token = json_path::lookup_as::<String>(root, exchange.token)
        .ok()
        .flatten()
        .filter(|token| !token.is_empty())
        .ok_or_else(|| {
            format!(
                "the token response has no token at `{}`",
                exchange.token.join(".")
            )
        })?;
    let lifetime = match exchange.expires_in {
        Some(path) => json_path::lookup_as::<f64>(root, path)
            .ok()
            .flatten()
            .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
            .map(Duration::from_secs_f64),
        None => None,
    };
    Ok((Secret::new(token), lifetime))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXCHANGE: TokenExchange = TokenExchange {
        path: "/oauth/token",
        encoding: TokenEncoding::Form,
        fields: &[],
        credentials: &[],
        token: &["access_token"],
        expires_in: Some(&["expires_in"]),
        send: TokenPlacement::Bearer,
    };

    #[test]
    fn reads_the_token_and_its_lifetime() {
        let (token, lifetime) = read_token(
            &EXCHANGE,
            r#"{"access_token":"t-1","token_type":"Bearer","expires_in":3600}"#,
        )
        .unwrap();
        assert_eq!(token.expose(), "t-1");
        assert_eq!(lifetime, Some(Duration::from_secs(3600)));
        let error = read_token(&EXCHANGE, r#"{"error":"invalid_client"}"#).unwrap_err();
        assert_eq!(error, "the token response has no token at `access_token`");
    }

    #[tokio::test]
    async fn a_token_is_reused_until_the_margin_then_replaced() {
        let cache = TokenCache::default();
        let issue = |name: &'static str, seconds: u64| {
            move || async move {
                Ok::<_, Error>((Secret::new(name), Some(Duration::from_secs(seconds))))
            }
        };
        assert_eq!(cache.token(issue("a", 3600)).await.unwrap().expose(), "a");
        assert_eq!(
            cache.token(issue("b", 3600)).await.unwrap().expose(),
            "a",
            "still fresh"
        );
        cache.invalidate(&Secret::new("a"));
        assert_eq!(
            cache.token(issue("c", 30)).await.unwrap().expose(),
            "c",
            "rejected: new"
        );
        assert_eq!(
            cache.token(issue("d", 3600)).await.unwrap().expose(),
            "d",
            "30 s left is inside the refresh margin"
        );
        let now = Instant::now();
        assert!(cache.fresh(now).is_some());
        assert!(cache.fresh(now + Duration::from_secs(3600 - 59)).is_none());
    }
}

//! Sends requests: one pooled HTTP client per provider client, credentials attached at
//! the last moment, errors that never carry them.

use super::auth::AuthScheme;
use super::params::{Location, Params};
use super::rate_limit::Pacer;
use super::retry::{quota_exhausted, retry_wait, Wait};
use super::token::{self, TokenCache, TokenFailure};
use super::ClientConfig;
use crate::endpoint::{EndpointSpec, Method};
use crate::error::Error;
use crate::provider::ProviderInfo;
use serde_json::value::RawValue;
use std::time::{Duration, Instant, SystemTime};
use tracing::Instrument;
use url::Url;

/// How much of an error response's body an error message quotes.
const BODY_EXCERPT_CHARS: usize = 300;

/// Redirects followed per request, all on the configured origin.
const MAX_REDIRECTS: usize = 5;

/// Executes requests for one provider. Cheap to share behind an `Arc`; the underlying
/// connection pool is reused by every request and page.
pub struct Executor {
    provider: &'static ProviderInfo,
    http: reqwest::Client,
    base_url: String,
    pacer: Pacer,
    pub(crate) config: ClientConfig,
    tokens: TokenCache,
}

/// Why an authorized send failed.
enum Authorized {
    Token(TokenFailure),
    Transport(reqwest::Error),
}

/// Where a request's query comes from.
#[derive(Clone, Copy)]
enum Query<'a> {
    /// The query parameters, plus these paging parameters.
    Params(&'a [(&'static str, String)]),
    /// The URL as given (a next-page link).
    InUrl,
}

/// Why an attempt failed, and whether and how long to wait before the next.
struct Failure {
    error: Error,
    retry: Option<Wait>,
    /// A short cause for logs: a status or a transport failure's kind, nothing more.
    cause: String,
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The kind of a transport failure, for logs (reqwest's own message is kept for the error).
fn transport_cause(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body() || error.is_decode() {
        "the response body broke off"
    } else {
        "the request failed"
    };
    kind.to_string()
}

impl std::fmt::Debug for Executor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Executor")
            .field("provider", &self.provider.name)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// One successful response body.
pub struct Response {
    /// The page number it answers, counted from 1.
    pub page: u64,
    body: String,
    content_type: Option<String>,
}

impl Response {
    /// A response body for page `page` (counted from 1).
    pub fn new(page: u64, body: String) -> Response {
        Response {
            page,
            body,
            content_type: None,
        }
    }

    /// The body as borrowed JSON.
    ///
    /// A body that is not JSON is an error that says what it is instead (empty, HTML,
    /// truncated, the content type the server declared). A valid JSON body is accepted
    /// whatever its declared content type: some providers label JSON `text/html`.
    pub fn json(&self, endpoint: &EndpointSpec) -> Result<&RawValue, Error> {
        serde_json::from_str(&self.body).map_err(|error| Error::Response {
            provider: endpoint.provider,
            endpoint: endpoint.name,
            page: self.page,
            reason: describe_non_json(&self.body, self.content_type.as_deref(), &error),
        })
    }

    /// The body's text.
    pub(crate) fn body(&self) -> &str {
        &self.body
    }

    /// Why a lookup failed: the body is not JSON, or its shape is not the spec's.
    pub(crate) fn shape_error(&self, endpoint: &EndpointSpec, reason: String) -> Error {
        match self.json(endpoint) {
            Err(not_json) => not_json,
            Ok(_) => Error::Response {
                provider: endpoint.provider,
                endpoint: endpoint.name,
                page: self.page,
                reason,
            },
        }
    }
}

/// A response's body as text, read chunk by chunk into one buffer sized from
/// `Content-Length` (so a page is copied once, and its UTF-8 is checked in place). A
/// body that is not UTF-8 has its invalid bytes replaced, so what it says can still be
/// described.
async fn body_text(mut response: reqwest::Response) -> Result<String, reqwest::Error> {
    /// The most a `Content-Length` reserves up front: a lying header cannot make the
    /// client allocate more than this before any byte arrives.
    const MAX_RESERVE: u64 = 16 << 20;
    let reserve = response.content_length().unwrap_or(0).min(MAX_RESERVE);
    let mut body = Vec::with_capacity(usize::try_from(reserve).unwrap_or(0));
    while let Some(chunk) = response.chunk().await? {
        body.extend_from_slice(&chunk);
    }
    Ok(utf8_text(body))
}

/// `bytes` as a `String`, invalid sequences replaced. The check is SIMD (`simdutf8`):
/// pages of non-ASCII text (Vietnamese or Thai names) take the standard library's check
/// several times longer, and it runs on the thread that drives the stream.
fn utf8_text(bytes: Vec<u8>) -> String {
    if simdutf8::basic::from_utf8(&bytes).is_ok() {
        // SAFETY: `simdutf8` has just checked that `bytes` is valid UTF-8.
        unsafe { String::from_utf8_unchecked(bytes) }
    } else {
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

fn describe_non_json(body: &str, content_type: Option<&str>, error: &serde_json::Error) -> String {
    let reason = describe_body(body, error);
    match content_type {
        Some(declared) if !is_json_type(declared) => {
            format!("{reason} (content type `{declared}`, expected JSON)")
        }
        _ => reason,
    }
}

/// `application/json`, `text/json` and `+json` types such as `application/problem+json`.
fn is_json_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence == "text/json" || essence.ends_with("+json")
}

fn describe_body(body: &str, error: &serde_json::Error) -> String {
    let start = body.trim_start();
    if start.is_empty() {
        "the response body is empty".to_string()
    } else if start.starts_with('<') {
        "the response is HTML or XML, not JSON (a login page or proxy error?)".to_string()
    } else if error.is_eof() {
        "the response JSON is truncated".to_string()
    } else {
        format!(
            "the response is not valid JSON: {}",
            error.to_string().split(" at line").next().unwrap_or("")
        )
    }
}

impl Executor {
    /// Checks the configuration against the provider's spec and builds the HTTP client.
    pub fn new(provider: &'static ProviderInfo, config: ClientConfig) -> Result<Executor, Error> {
        let config_error = |message: String| Error::Config {
            provider: provider.name,
            message,
        };
        let base_url = resolve_base_url(provider, &config).map_err(config_error)?;
        for name in provider.auth.credential_names() {
            if !config.credentials.contains_key(*name) {
                return Err(config_error(format!(
                    "missing credential `{name}` ({} auth)",
                    provider.auth.describe()
                )));
            }
        }
        let origin = Url::parse(&base_url)
            .map_err(|error| config_error(format!("invalid base URL: {error}")))?
            .origin();
        let http = reqwest::Client::builder()
            .user_agent(concat!("custkit/", env!("CARGO_PKG_VERSION")))
            .redirect(same_origin_redirects(origin))
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .build()
            .map_err(|error| config_error(format!("cannot build the HTTP client: {error}")))?;
        let pacer = Pacer::new(config.rate_limit.or(provider.rate_limit));
        Ok(Executor {
            provider,
            http,
            base_url,
            pacer,
            config,
            tokens: TokenCache::default(),
        })
    }

    /// The provider this executor talks to.
    pub fn provider(&self) -> &'static ProviderInfo {
        self.provider
    }

    /// The resolved base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends one request to `endpoint` with `params` plus paging parameters, retrying
    /// what a later attempt can fix (see [`RetryPolicy`](super::RetryPolicy)), and returns the body of the
    /// first successful response. Each attempt waits for the client's [`Pacer`] and runs
    /// in a `request` tracing span (provider, endpoint, page, attempt, status; never the
    /// URL, its query or a credential).
    pub async fn send(
        &self,
        endpoint: &'static EndpointSpec,
        params: &Params,
        paging: &[(&'static str, String)],
        page: u64,
    ) -> Result<Response, Error> {
        let url = self.url(endpoint, params)?;
        self.send_to(endpoint, url, params, Query::Params(paging), page)
            .await
    }

    /// Like [`send`](Executor::send), for a page given by its whole URL: a provider's
    /// next-page link, already checked to be on the configured origin
    /// ([`guard::next_page_url`](crate::paging::guard::next_page_url)). The link carries
    /// the query; the endpoint's header and body parameters are added as usual.
    pub async fn send_link(
        &self,
        endpoint: &'static EndpointSpec,
        url: Url,
        params: &Params,
        page: u64,
    ) -> Result<Response, Error> {
        self.send_to(endpoint, url, params, Query::InUrl, page)
            .await
    }

    async fn send_to(
        &self,
        endpoint: &'static EndpointSpec,
        url: Url,
        params: &Params,
        query: Query<'_>,
        page: u64,
    ) -> Result<Response, Error> {
        let policy = self.config.retry;
        let mut attempt = 1;
        loop {
            self.pacer.acquire().await;
            let span = tracing::debug_span!(
                "request",
                provider = endpoint.provider,
                endpoint = endpoint.name,
                page,
                attempt,
                status = tracing::field::Empty,
            );
            let request = self.request(endpoint, url.clone(), params, query);
            let failure = match self
                .attempt(endpoint, request, page)
                .instrument(span.clone())
                .await
            {
                Ok(response) => return Ok(response),
                Err(failure) => failure,
            };
            let Some(wait) = failure.retry else {
                return Err(failure.error);
            };
            if attempt >= policy.max_attempts {
                tracing::warn!(parent: &span, attempts = attempt, "giving up: {}", failure.cause);
                return Err(failure.error);
            }
            let delay = match wait {
                Wait::Backoff => policy.backoff(attempt),
                Wait::Server(delay) if delay > policy.max_backoff => {
                    tracing::warn!(
                        parent: &span,
                        wait_ms = millis(delay),
                        max_backoff_ms = millis(policy.max_backoff),
                        "giving up: {}; the provider asks for a longer wait than max_backoff",
                        failure.cause
                    );
                    return Err(failure.error);
                }
                Wait::Server(delay) => {
                    self.pacer.pause_for(delay);
                    delay
                }
            };
            tracing::warn!(parent: &span, wait_ms = millis(delay), "retrying: {}", failure.cause);
            if matches!(wait, Wait::Backoff) {
                tokio::time::sleep(delay).await;
            }
            attempt += 1;
        }
    }

    /// One attempt: the response body on success, or why it failed and whether to retry.
    async fn attempt(
        &self,
        endpoint: &'static EndpointSpec,
        request: reqwest::RequestBuilder,
        page: u64,
    ) -> Result<Response, Failure> {
        let started = Instant::now();
        let transport = |error: reqwest::Error| {
            let retry = (!error.is_builder()).then_some(Wait::Backoff);
            let cause = transport_cause(&error);
            Failure {
                error: Error::Transport {
                    provider: endpoint.provider,
                    endpoint: endpoint.name,
                    source: error.without_url(),
                },
                retry,
                cause,
            }
        };
        let response = self
            .send_authorized(request)
            .await
            .map_err(|error| match error {
                Authorized::Token(failure) => Failure {
                    error: failure.error,
                    retry: failure.retry,
                    cause: format!("no token: {}", failure.cause),
                },
                Authorized::Transport(error) => transport(error),
            })?;
        let status = response.status();
        tracing::Span::current().record("status", status.as_u16());
        let headers = response.headers().clone();
        let body = body_text(response).await.map_err(transport)?;
        tracing::debug!(
            bytes = body.len(),
            elapsed_ms = millis(started.elapsed()),
            "response"
        );
        if !status.is_success() {
            let retry = retry_wait(status.as_u16(), &headers, SystemTime::now());
            return Err(Failure {
                error: Error::Status {
                    provider: endpoint.provider,
                    endpoint: endpoint.name,
                    status: status.as_u16(),
                    body_excerpt: self.excerpt(&body),
                },
                retry,
                cause: format!("HTTP {}", status.as_u16()),
            });
        }
        if let Some(delay) = quota_exhausted(&headers) {
            tracing::debug!(
                wait_ms = millis(delay),
                "rate limit quota spent; pausing until it resets"
            );
            self.pacer.pause_for(delay);
        }
        if let Some(flag) = &endpoint.success {
            if let Err(reason) = super::envelope::check(flag, &body) {
                let reason = self.mask(reason);
                return Err(Failure {
                    error: super::envelope::rejected(
                        endpoint.provider,
                        endpoint.name,
                        page,
                        reason,
                    ),
                    retry: None,
                    cause: "the body's success flag says the call failed".to_string(),
                });
            }
        }
        let content_type = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string);
        Ok(Response {
            page,
            body,
            content_type,
        })
    }

    /// A fresh request for one attempt, credentials attached last.
    fn request(
        &self,
        endpoint: &'static EndpointSpec,
        url: Url,
        params: &Params,
        query: Query<'_>,
    ) -> reqwest::RequestBuilder {
        let mut request = match endpoint.method {
            Method::Get => self.http.get(url),
            Method::Post => self.http.post(url),
        };
        if let Query::Params(paging) = query {
            let mut query = params.query_pairs();
            query.extend(
                paging
                    .iter()
                    .map(|(name, value)| (name.to_string(), value.clone())),
            );
            if !query.is_empty() {
                request = request.query(&query);
            }
        }
        for (name, value) in params.at(Location::Header) {
            request = request.header(name, value.to_text());
        }
        if endpoint.method == Method::Post {
            request = request.json(&json_body(params));
        }
        self.provider.auth.apply(request, &self.config.credentials)
    }

    /// Adds the credentials and sends. With a token scheme, a 401 answer means the token
    /// was rejected before its time: it is dropped, a new one fetched, and the request
    /// sent once more.
    async fn send_authorized(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, Authorized> {
        let AuthScheme::Token(exchange) = self.provider.auth else {
            let request = self.provider.auth.apply(request, &self.config.credentials);
            return request.send().await.map_err(Authorized::Transport);
        };
        let mut request = request;
        let mut renewed = false;
        loop {
            let again = if renewed { None } else { request.try_clone() };
            let token = self
                .tokens
                .token(|| {
                    token::fetch(
                        &self.http,
                        &self.base_url,
                        self.provider.name,
                        exchange,
                        &self.config.credentials,
                    )
                })
                .await
                .map_err(Authorized::Token)?;
            let response = exchange
                .send
                .apply(request, &token)
                .send()
                .await
                .map_err(Authorized::Transport)?;
            match again {
                Some(again) if response.status() == reqwest::StatusCode::UNAUTHORIZED => {
                    tracing::debug!(
                        provider = self.provider.name,
                        "token rejected; renewing once"
                    );
                    self.tokens.invalidate(&token);
                    renewed = true;
                    request = again;
                }
                _ => return Ok(response),
            }
        }
    }

    /// The URL of `endpoint` with `params` (path parameters filled in, no query): what a
    /// request adds its query to, and what relative next-page links resolve against.
    pub(crate) fn url(
        &self,
        endpoint: &'static EndpointSpec,
        params: &Params,
    ) -> Result<Url, Error> {
        let mut path = endpoint.path.to_string();
        for (name, value) in params.at(Location::Path) {
            let encoded: String =
                url::form_urlencoded::byte_serialize(value.to_text().as_bytes()).collect();
            path = path.replace(&format!("{{{name}}}"), &encoded);
        }
        let joined = format!(
            "{}/{}",
            self.base_url.trim_end_matches('/'),
            path.trim_start_matches('/')
        );
        Url::parse(&joined).map_err(|error| Error::Config {
            provider: endpoint.provider,
            message: format!("cannot form a URL for {}: {error}", endpoint.name),
        })
    }

    /// The start of a body, with every configured credential masked (servers sometimes
    /// echo them).
    fn excerpt(&self, body: &str) -> String {
        let mut excerpt = self.mask(body.chars().take(BODY_EXCERPT_CHARS).collect());
        if body.chars().count() > BODY_EXCERPT_CHARS {
            excerpt.push('…');
        }
        excerpt
    }

    /// `text` with every configured credential and the current token replaced by `***`.
    fn mask(&self, mut text: String) -> String {
        for secret in self
            .config
            .credentials
            .values()
            .chain(self.tokens.peek().as_ref())
        {
            if !secret.expose().is_empty() {
                text = text.replace(secret.expose(), "***");
            }
        }
        text
    }
}

/// Follows redirects only within `origin` (at most [`MAX_REDIRECTS`]): a redirect to
/// another host would carry the request's credentials there (reqwest strips
/// `Authorization` across hosts, but not a provider's own key header or query key). A
/// redirect elsewhere is not followed; its `3xx` answer becomes the request's error.
fn same_origin_redirects(origin: url::Origin) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else if attempt.url().origin() == origin {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// Body parameters as a JSON object; dotted names nest (`search.name`).
fn json_body(params: &Params) -> serde_json::Value {
    let mut root = serde_json::Map::new();
    for (name, value) in params.at(Location::Body) {
        let mut object = &mut root;
        let mut keys = name.split('.').peekable();
        while let Some(key) = keys.next() {
            if keys.peek().is_none() {
                object.insert(key.to_string(), value.to_json());
                break;
            }
            let child = object
                .entry(key.to_string())
                .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
            if !child.is_object() {
                *child = serde_json::Value::Object(serde_json::Map::new());
            }
            object = match child {
                serde_json::Value::Object(map) => map,
                _ => unreachable!("made an object just above"),
            };
        }
    }
    serde_json::Value::Object(root)
}

/// The configured base URL, or the spec's template with its variables filled in; HTTPS
/// unless the host is loopback.
fn resolve_base_url(provider: &ProviderInfo, config: &ClientConfig) -> Result<String, String> {
    let mut base = match &config.base_url {
        Some(url) => url.clone(),
        None => {
            let mut url = provider.base_url.to_string();
            for variable in provider.variables {
                let value = config
                    .variables
                    .get(variable.name)
                    .map(String::as_str)
                    .or(variable.default)
                    .ok_or_else(|| {
                        format!(
                            "missing base URL variable `{}` ({})",
                            variable.name, variable.doc
                        )
                    })?;
                url = url.replace(&format!("{{{}}}", variable.name), value);
            }
            url
        }
    };
    let parsed = Url::parse(&base).map_err(|error| format!("invalid base URL: {error}"))?;
    let loopback = match parsed.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(domain)) => domain == "localhost",
        None => false,
    };
    match parsed.scheme() {
        "https" => {}
        "http" if loopback => {}
        scheme => {
            return Err(format!(
                "base URL must use https (got {scheme}; plain http is allowed only for loopback)"
            ))
        }
    }
    if base.ends_with('/') {
        base.pop();
    }
    Ok(base)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::ParamValue;
    use proptest::strategy::Strategy;

    #[test]
    fn dotted_body_params_nest() {
        let mut params = Params::new();
        params.set(
            Location::Body,
            "search.name",
            ParamValue::Text("An".into()),
            Ok(()),
        );
        params.set(Location::Body, "page", ParamValue::Integer(2), Ok(()));
        assert_eq!(
            json_body(&params),
            serde_json::json!({"search": {"name": "An"}, "page": 2})
        );
    }

    #[test]
    fn non_json_bodies_are_described() {
        let error = serde_json::from_str::<&RawValue>("<html>").unwrap_err();
        assert!(describe_non_json("<html>", None, &error).contains("HTML"));
        let error = serde_json::from_str::<&RawValue>("{\"a\":").unwrap_err();
        assert!(describe_non_json("{\"a\":", None, &error).contains("truncated"));
        let error = serde_json::from_str::<&RawValue>("").unwrap_err();
        assert!(describe_non_json("", None, &error).contains("empty"));
        let error = serde_json::from_str::<&RawValue>("OK").unwrap_err();
        let reason = describe_non_json("OK", Some("text/plain; charset=utf-8"), &error);
        assert!(
            reason.contains("content type `text/plain; charset=utf-8`, expected JSON"),
            "{reason}"
        );
        let reason = describe_non_json("OK", Some("application/json"), &error);
        assert!(!reason.contains("content type"), "{reason}");
    }

    #[test]
    fn bodies_are_text_with_invalid_bytes_replaced() {
        let thai = "{\"name\":\"สมชาย\",\"city\":\"Hà Nội\"}";
        assert_eq!(utf8_text(thai.as_bytes().to_vec()), thai);
        assert_eq!(
            utf8_text(b"{\"a\":\"\xff\xfe\"}".to_vec()),
            "{\"a\":\"\u{FFFD}\u{FFFD}\"}"
        );
        assert_eq!(utf8_text(Vec::new()), "");
    }

    proptest::proptest! {
        #[test]
        fn body_text_is_the_lossy_reading(bytes in proptest::prop_oneof![
            proptest::collection::vec(proptest::num::u8::ANY, 0..512),
            ".{0,200}".prop_map(String::into_bytes),
        ]) {
            proptest::prop_assert_eq!(utf8_text(bytes.clone()), String::from_utf8_lossy(&bytes));
        }
    }

    #[test]
    fn json_content_types() {
        for declared in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON",
            "application/problem+json",
            "text/json",
        ] {
            assert!(is_json_type(declared), "{declared}");
        }
        for declared in ["text/html", "text/plain", "application/xml", ""] {
            assert!(!is_json_type(declared), "{declared}");
        }
    }
}

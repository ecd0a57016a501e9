//! Sends requests: one pooled HTTP client per provider client, credentials attached at
//! the last moment, errors that never carry them.

use super::params::{Location, Params};
use super::ClientConfig;
use crate::endpoint::{EndpointSpec, Method};
use crate::error::Error;
use crate::provider::ProviderInfo;
use serde_json::value::RawValue;
use std::time::Instant;
use url::Url;

/// How much of an error response's body an error message quotes.
const BODY_EXCERPT_CHARS: usize = 300;

/// Executes requests for one provider. Cheap to share behind an `Arc`; the underlying
/// connection pool is reused by every request and page.
pub struct Executor {
    provider: &'static ProviderInfo,
    http: reqwest::Client,
    base_url: String,
    pub(crate) config: ClientConfig,
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
}

impl Response {
    /// A response body for page `page` (counted from 1).
    pub fn new(page: u64, body: String) -> Response {
        Response { page, body }
    }

    /// The body as borrowed JSON.
    pub fn json(&self, endpoint: &EndpointSpec) -> Result<&RawValue, Error> {
        serde_json::from_str(&self.body).map_err(|error| Error::Response {
            provider: endpoint.provider,
            endpoint: endpoint.name,
            page: self.page,
            reason: describe_non_json(&self.body, &error),
        })
    }
}

fn describe_non_json(body: &str, error: &serde_json::Error) -> String {
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
        let http = reqwest::Client::builder()
            .user_agent(concat!("custkit/", env!("CARGO_PKG_VERSION")))
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .build()
            .map_err(|error| config_error(format!("cannot build the HTTP client: {error}")))?;
        Ok(Executor {
            provider,
            http,
            base_url,
            config,
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

    /// Sends one request to `endpoint` with `params` plus paging parameters, and returns
    /// the body of a successful response.
    pub async fn send(
        &self,
        endpoint: &'static EndpointSpec,
        params: &Params,
        paging: &[(&'static str, String)],
        page: u64,
    ) -> Result<Response, Error> {
        let url = self.url(endpoint, params)?;
        let mut request = match endpoint.method {
            Method::Get => self.http.get(url),
            Method::Post => self.http.post(url),
        };
        let query: Vec<(&str, String)> = params
            .at(Location::Query)
            .map(|(name, value)| (name, value.to_text()))
            .chain(paging.iter().cloned())
            .collect();
        if !query.is_empty() {
            request = request.query(&query);
        }
        for (name, value) in params.at(Location::Header) {
            request = request.header(name, value.to_text());
        }
        if endpoint.method == Method::Post {
            request = request.json(&json_body(params));
        }
        request = self.provider.auth.apply(request, &self.config.credentials);

        let started = Instant::now();
        let transport = |error: reqwest::Error| Error::Transport {
            provider: endpoint.provider,
            endpoint: endpoint.name,
            source: error.without_url(),
        };
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        let body = response.text().await.map_err(transport)?;
        tracing::debug!(
            provider = endpoint.provider,
            endpoint = endpoint.name,
            page,
            status = status.as_u16(),
            bytes = body.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "response"
        );
        if !status.is_success() {
            return Err(Error::Status {
                provider: endpoint.provider,
                endpoint: endpoint.name,
                status: status.as_u16(),
                body_excerpt: self.excerpt(&body),
            });
        }
        if let Some(flag) = &endpoint.success {
            if let Err(reason) = super::envelope::check(flag, &body) {
                let reason = self.mask(reason);
                return Err(super::envelope::rejected(
                    endpoint.provider,
                    endpoint.name,
                    page,
                    reason,
                ));
            }
        }
        Ok(Response { page, body })
    }

    fn url(&self, endpoint: &'static EndpointSpec, params: &Params) -> Result<Url, Error> {
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

    /// `text` with every configured credential replaced by `***`.
    fn mask(&self, mut text: String) -> String {
        for secret in self.config.credentials.values() {
            if !secret.expose().is_empty() {
                text = text.replace(secret.expose(), "***");
            }
        }
        text
    }
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
        assert!(describe_non_json("<html>", &error).contains("HTML"));
        let error = serde_json::from_str::<&RawValue>("{\"a\":").unwrap_err();
        assert!(describe_non_json("{\"a\":", &error).contains("truncated"));
        let error = serde_json::from_str::<&RawValue>("").unwrap_err();
        assert!(describe_non_json("", &error).contains("empty"));
    }
}

//! The sandbox: an in-process mock of a provider on 127.0.0.1, generated from its spec,
//! so `custkit sync` works on a machine with no network and no credentials.
//!
//! It serves each endpoint's documented example records, or with
//! [`SandboxOptions::records`] that many synthetic records made from them ([`synth`]),
//! and it behaves like the provider as the spec describes it: the spec's auth scheme
//! ([`auth`]), parameters as filters ([`filter`]), the spec's pagination ([`paging`]),
//! and, with [`SandboxOptions::withhold_pii`], the answers of a credential without the
//! personal-data scope (record keys marked `pii` omitted). Records are generated per
//! request from their index, so memory does not grow with the record count.

mod auth;
mod filter;
mod names;
mod paging;
mod synth;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use custkit::runtime::endpoint::{self, EndpointSpec, RecordsShape};
use custkit::runtime::http::envelope::Expected;
use custkit::runtime::http::{Location, ParamSpec};
use custkit::{ClientConfig, ProviderInfo};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use synth::Template;

/// What the sandbox serves.
#[derive(Clone, Copy, Debug, Default)]
pub struct SandboxOptions {
    /// Serve this many synthetic records per endpoint instead of the examples.
    pub records: Option<usize>,
    /// Omit the record keys the spec marks `pii`, as for a credential without the scope.
    pub withhold_pii: bool,
}

/// A running sandbox; stops when dropped.
pub struct Sandbox {
    address: SocketAddr,
    provider: &'static ProviderInfo,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

/// What one endpoint serves.
struct Dataset {
    endpoint: &'static EndpointSpec,
    /// The example response: the envelope records are put into.
    envelope: Value,
    /// The example records, verbatim.
    examples: Vec<Value>,
    /// The examples the endpoint can normalize, as templates for synthetic records.
    templates: Vec<Template>,
    /// Record keys the spec marks `pii`.
    pii_keys: Vec<String>,
    /// The parameters that filter (they name a record field).
    filterable: Vec<&'static str>,
}

struct Shared {
    provider: &'static ProviderInfo,
    options: SandboxOptions,
    datasets: Vec<Dataset>,
    /// Parameters already reported as not filtering, to say so once.
    reported: Mutex<HashSet<&'static str>>,
}

impl Sandbox {
    /// Starts serving `provider` on an ephemeral loopback port.
    pub async fn start(
        provider: &'static ProviderInfo,
        options: SandboxOptions,
    ) -> Result<Sandbox, String> {
        let mut datasets = Vec::new();
        for endpoint in provider.endpoints {
            if let Some(dataset) = Dataset::new(provider, endpoint, options)? {
                datasets.push(dataset);
            }
        }
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|error| error.to_string())?;
        let address = listener.local_addr().map_err(|error| error.to_string())?;
        let shared = Arc::new(Shared {
            provider,
            options,
            datasets,
            reported: Mutex::default(),
        });
        let mut paths: Vec<&'static str> = provider
            .endpoints
            .iter()
            .map(|endpoint| endpoint.path)
            .collect();
        paths.sort_unstable();
        paths.dedup();
        let mut router = Router::new();
        for path in paths {
            // Spec paths name parameters `{name}`, as axum routes do.
            router = router.route(path, any(move |state, request| serve(state, request, path)));
        }
        let router = router.with_state(shared);
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Sandbox {
            address,
            provider,
            shutdown: Some(shutdown),
        })
    }

    /// The sandbox's base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Points `config` at the sandbox, with the sandbox's credentials.
    pub fn configure(&self, mut config: ClientConfig) -> ClientConfig {
        config = config.base_url(self.base_url());
        for name in self.provider.auth.credential_names() {
            config = config.credential(*name, auth::credential(name));
        }
        config
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

impl Dataset {
    /// The dataset of `endpoint`, or `None` when the spec has no example at all. An
    /// endpoint without an example of its own borrows the records of another endpoint's
    /// example (a provider has one record type) in an envelope built from the spec.
    fn new(
        provider: &'static ProviderInfo,
        endpoint: &'static EndpointSpec,
        options: SandboxOptions,
    ) -> Result<Option<Dataset>, String> {
        let own = provider
            .examples
            .iter()
            .find(|example| example.endpoint == endpoint.name);
        let Some(example) = own.or_else(|| provider.examples.first()) else {
            return Ok(None);
        };
        let parsed: Value = serde_json::from_str(example.body).map_err(|error| {
            format!(
                "the example of {} {} is not JSON: {error}",
                provider.name, example.endpoint
            )
        })?;
        let records_path = provider
            .endpoint(example.endpoint)
            .map_or(endpoint.records.path, |source| source.records.path);
        let examples = match paging::lookup(&parsed, records_path) {
            Some(Value::Array(items)) => items.clone(),
            Some(Value::Null) | None => Vec::new(),
            Some(one) => vec![one.clone()],
        };
        let envelope = if own.is_some() {
            parsed
        } else {
            built_envelope(endpoint)
        };
        let templates: Vec<Template> = examples
            .iter()
            .filter_map(|record| Template::new(endpoint, record.clone()).ok())
            .collect();
        if options.records.is_some_and(|count| count > 0) && templates.is_empty() {
            return Err(format!(
                "{} {}: none of the spec's example records normalizes, so none can be a \
                 template for synthetic records",
                provider.name, endpoint.name
            ));
        }
        let mut pii_keys: Vec<String> = examples
            .iter()
            .flat_map(|record| synth::pii_keys(endpoint, record))
            .collect();
        pii_keys.sort_unstable();
        pii_keys.dedup();
        let filterable = endpoint
            .params
            .iter()
            .filter(|param| filter::filters(param))
            .filter(|param| {
                examples
                    .iter()
                    .any(|record| filter::field(record, param.name).is_some())
            })
            .map(|param| param.name)
            .collect();
        Ok(Some(Dataset {
            endpoint,
            envelope,
            examples,
            templates,
            pii_keys,
            filterable,
        }))
    }

    /// How many records the endpoint has.
    fn len(&self, options: SandboxOptions) -> usize {
        options.records.unwrap_or(self.examples.len())
    }

    /// Record `index` (below [`len`](Dataset::len)), as served.
    fn record(&self, index: usize, options: SandboxOptions) -> Value {
        let mut record = match options.records {
            Some(_) => self.templates[index % self.templates.len()].synthesize(index),
            None => self.examples[index].clone(),
        };
        if options.withhold_pii {
            if let Some(object) = record.as_object_mut() {
                for key in &self.pii_keys {
                    object.remove(key);
                }
            }
        }
        record
    }
}

/// A response envelope for an endpoint without an example: the success flag the spec
/// expects, if any (records and paging fields are placed per response).
fn built_envelope(endpoint: &EndpointSpec) -> Value {
    let mut envelope = Value::Object(serde_json::Map::new());
    if let Some(flag) = &endpoint.success {
        let value = match flag.equals {
            Expected::Bool(flag) => Value::from(flag),
            Expected::Integer(number) => Value::from(number),
            Expected::Text(text) => Value::from(text),
        };
        paging::place(&mut envelope, flag.path, value);
    }
    envelope
}

fn json_response(status: StatusCode, body: String) -> Response {
    (status, [("content-type", "application/json")], body).into_response()
}

fn error_response(status: StatusCode, message: &str) -> Response {
    json_response(
        status,
        serde_json::json!({ "message": message }).to_string(),
    )
}

async fn serve(
    State(shared): State<Arc<Shared>>,
    request: Request,
    path: &'static str,
) -> Response {
    let (parts, body) = request.into_parts();
    let Some(dataset) = shared.datasets.iter().find(|dataset| {
        dataset.endpoint.path == path && method_of(dataset.endpoint) == parts.method
    }) else {
        let known = shared
            .provider
            .endpoints
            .iter()
            .any(|endpoint| endpoint.path == path && method_of(endpoint) == parts.method);
        return if known {
            error_response(
                StatusCode::NOT_FOUND,
                "the spec has no example for this endpoint",
            )
        } else {
            error_response(StatusCode::METHOD_NOT_ALLOWED, "method not allowed")
        };
    };
    let bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let header = |name: &str| header_text(&parts.headers, name);
    if !auth::authorized(shared.provider.auth, header, &query) {
        return error_response(StatusCode::UNAUTHORIZED, "Unauthenticated.");
    }
    let given = request_params(
        dataset.endpoint,
        parts.uri.path(),
        &parts.headers,
        &query,
        &body,
    );
    let mut filters = Vec::new();
    for (name, value) in &given {
        if dataset.filterable.contains(name) {
            filters.push((*name, value.as_str()));
        } else if !paging::is_paging_param(dataset.endpoint, name) {
            let first = shared
                .reported
                .lock()
                .map(|mut reported| reported.insert(*name))
                .unwrap_or(false);
            if first {
                eprintln!(
                    "custkit sandbox: parameter `{name}` names no record field; it does not filter"
                );
            }
        }
    }
    let options = shared.options;
    let record = |index: usize| dataset.record(index, options);
    // Without filters a page needs only its own records generated.
    let matching: Box<dyn Iterator<Item = usize> + Send> = if filters.is_empty() {
        Box::new(0..dataset.len(options))
    } else {
        Box::new((0..dataset.len(options)).filter(move |index| {
            let candidate = record(*index);
            filters.iter().all(|(name, wanted)| {
                filter::field(&candidate, name).is_some_and(|value| filter::matches(value, wanted))
            })
        }))
    };
    if dataset.endpoint.records.shape == RecordsShape::Object {
        let mut matching = matching;
        return match matching.next() {
            Some(index) => {
                let mut response = dataset.envelope.clone();
                paging::place(&mut response, dataset.endpoint.records.path, record(index));
                json_response(StatusCode::OK, response.to_string())
            }
            None => error_response(StatusCode::NOT_FOUND, "customer not found"),
        };
    }
    let paging_param = |name: &str| {
        query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .or_else(|| body_text(&body, name))
    };
    match paging::page(
        dataset.endpoint,
        &dataset.envelope,
        paging_param,
        matching,
        record,
    ) {
        Ok(body) => json_response(StatusCode::OK, body.to_string()),
        Err(message) => error_response(StatusCode::UNPROCESSABLE_ENTITY, &message),
    }
}

fn method_of(endpoint: &EndpointSpec) -> Method {
    match endpoint.method {
        endpoint::Method::Get => Method::GET,
        endpoint::Method::Post => Method::POST,
    }
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
}

/// The declared parameters a request carries, as text, wherever the spec puts them.
fn request_params(
    endpoint: &'static EndpointSpec,
    path: &str,
    headers: &HeaderMap,
    query: &[(String, String)],
    json: &Value,
) -> BTreeMap<&'static str, String> {
    let mut found = BTreeMap::new();
    for param in endpoint.params {
        if let Some(value) = param_value(param, endpoint.path, path, headers, query, json) {
            found.insert(param.name, value);
        }
    }
    found
}

/// The text of body key `name` (dots nest), if present.
fn body_text(body: &Value, name: &str) -> Option<String> {
    let keys: Vec<&str> = name.split('.').collect();
    match paging::lookup(body, &keys)? {
        Value::String(text) => Some(text.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn param_value(
    param: &ParamSpec,
    template: &str,
    path: &str,
    headers: &HeaderMap,
    query: &[(String, String)],
    body: &Value,
) -> Option<String> {
    match param.location {
        Location::Query => query
            .iter()
            .find(|(key, _)| key == param.name)
            .map(|(_, value)| value.clone()),
        Location::Header => header_text(headers, param.name),
        Location::Body => body_text(body, param.name),
        Location::Path => {
            let wanted = format!("{{{}}}", param.name);
            template
                .split('/')
                .zip(path.split('/'))
                .find(|(segment, _)| *segment == wanted)
                .map(|(_, value)| {
                    url::form_urlencoded::parse(format!("v={value}").as_bytes())
                        .map(|(_, value)| value.into_owned())
                        .next()
                        .unwrap_or_default()
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Every provider's synthetic records normalize, with unique remote ids, and keep
    /// the template's shape.
    #[test]
    fn every_provider_synthesizes_normalizable_unique_records() {
        let options = SandboxOptions {
            records: Some(300),
            withhold_pii: false,
        };
        for provider in custkit::PROVIDERS {
            for endpoint in provider.endpoints {
                let Some(dataset) = Dataset::new(provider, endpoint, options).unwrap() else {
                    continue;
                };
                let mut ids = BTreeSet::new();
                for index in 0..300 {
                    let record = dataset.record(index, options);
                    let customer = synth::normalize(endpoint, &record).unwrap_or_else(|reason| {
                        panic!(
                            "{} {} record {index}: {reason}",
                            provider.name, endpoint.name
                        )
                    });
                    assert!(ids.insert(customer.remote_id), "{} {index}", provider.name);
                }
            }
        }
    }
}

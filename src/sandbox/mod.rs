//! The sandbox: an in-process mock of a provider on 127.0.0.1, generated from its spec,
//! so `custkit sync` works on a machine with no network and no credentials.
//!
//! It serves each endpoint's documented example records, or with
//! [`SandboxOptions::records`] that many synthetic records made from them ([`synth`]),
//! and it behaves like the provider as the spec describes it: the spec's auth scheme
//! ([`auth`]: its credentials, its token endpoint and the scopes a token holds),
//! parameters as filters ([`filter`]), the spec's pagination ([`paging`]), and the spec's
//! personal-data scopes: a record key marked `pii` is served only to a credential that
//! holds its scope, and with [`SandboxOptions::withhold_pii`] the sandbox's credential
//! does not. Records are generated per request from their index, so memory does not grow
//! with the record count.

mod auth;
mod filter;
mod names;
mod order;
mod paging;
mod synth;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
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
    /// Play a credential without the scopes of the record keys the spec marks `pii`,
    /// so those keys are left out.
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
    provider: &'static ProviderInfo,
    endpoint: &'static EndpointSpec,
    /// The example response: the envelope records are put into.
    envelope: Value,
    /// The example records, verbatim.
    examples: Vec<Value>,
    /// The examples the endpoint can normalize, as templates for synthetic records.
    templates: Vec<Template>,
    /// The parameters that filter, and how they find their record field.
    filterable: Vec<(&'static str, Lookup)>,
}

/// How a filtering parameter finds its record field.
#[derive(Clone)]
enum Lookup {
    /// By its name ([`filter::field`]); matches a substring.
    Named,
    /// At these keys, where its documented example is; matches the whole value.
    Example(Vec<String>),
}

struct Shared {
    provider: &'static ProviderInfo,
    options: SandboxOptions,
    authority: auth::Authority,
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
        let pii_scopes: Vec<&str> = provider.pii.iter().map(|key| key.scope).collect();
        let held = provider
            .scopes
            .iter()
            .copied()
            .filter(|scope| !(options.withhold_pii && pii_scopes.contains(scope)))
            .collect();
        let shared = Arc::new(Shared {
            provider,
            options,
            authority: auth::Authority::new(provider.auth, held),
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
        if let Some(exchange) = shared.authority.exchange() {
            router = router.route(exchange.path, post(token));
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
        let filterable = endpoint
            .params
            .iter()
            .filter(|param| filter::filters(param) && !order::is_order_param(endpoint, param.name))
            .filter_map(|param| {
                let named = examples
                    .iter()
                    .any(|record| filter::field(record, param.name).is_some());
                if named {
                    return Some((param.name, Lookup::Named));
                }
                let example = param.example?;
                examples
                    .iter()
                    .find_map(|record| filter::path_of_example(record, example))
                    .map(|path| (param.name, Lookup::Example(path)))
            })
            .collect();
        Ok(Some(Dataset {
            provider,
            endpoint,
            envelope,
            examples,
            templates,
            filterable,
        }))
    }

    /// How many records the endpoint has.
    fn len(&self, options: SandboxOptions) -> usize {
        options.records.unwrap_or(self.examples.len())
    }

    /// Record `index` (below [`len`](Dataset::len)), as served to a credential holding
    /// `grant`: without the personal-data keys whose scope it lacks.
    fn record(&self, index: usize, options: SandboxOptions, grant: &[&str]) -> Value {
        let mut record = match options.records {
            Some(_) => self.templates[index % self.templates.len()].synthesize(index),
            None => self.examples[index].clone(),
        };
        if let Some(object) = record.as_object_mut() {
            for pii in self.provider.pii {
                if !grant.contains(&pii.scope) {
                    object.remove(pii.key);
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
    let Some(grant) = shared.authority.authorize(header, &query) else {
        return error_response(StatusCode::UNAUTHORIZED, "Unauthenticated.");
    };
    let given = request_params(
        dataset.endpoint,
        parts.uri.path(),
        &parts.headers,
        &query,
        &body,
    );
    let mut filters = Vec::new();
    for (name, value) in &given {
        if let Some((_, lookup)) = dataset.filterable.iter().find(|(known, _)| known == name) {
            filters.push((lookup.clone(), *name, value.as_str()));
        } else if !paging::is_paging_param(dataset.endpoint, name)
            && !order::is_order_param(dataset.endpoint, name)
        {
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
    let record = |index: usize| dataset.record(index, options, &grant);
    // Without filters a page needs only its own records generated.
    let matching: Box<dyn Iterator<Item = usize> + Send> = if filters.is_empty() {
        Box::new(0..dataset.len(options))
    } else {
        Box::new((0..dataset.len(options)).filter(move |index| {
            let candidate = record(*index);
            filters.iter().all(|(lookup, name, wanted)| match lookup {
                Lookup::Named => filter::field(&candidate, name)
                    .is_some_and(|value| filter::matches(value, wanted)),
                Lookup::Example(path) => {
                    filter::at(&candidate, path).is_some_and(|value| filter::equals(value, wanted))
                }
            })
        }))
    };
    let matching: Box<dyn Iterator<Item = usize> + Send> =
        if order::asks_newest_first(dataset.endpoint, &given) {
            Box::new(order::newest_first(dataset.endpoint, matching, record).into_iter())
        } else {
            matching
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

/// The spec's token endpoint: a token for the sandbox's credentials, or the OAuth2 error.
async fn token(State(shared): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    let Some(exchange) = shared.authority.exchange() else {
        return error_response(StatusCode::NOT_FOUND, "no token endpoint");
    };
    match shared.authority.issue(exchange, &body) {
        Ok(answer) => json_response(StatusCode::OK, answer.to_string()),
        Err(refusal) => json_response(
            StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::BAD_REQUEST),
            serde_json::json!({ "error": refusal.error }).to_string(),
        ),
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
        Location::IndexedPair(array) => {
            let name_of = |(key, value): &(String, String)| {
                let index = key
                    .strip_prefix(array)?
                    .strip_suffix("][0]")?
                    .strip_prefix('[')?;
                (value == param.name).then(|| format!("{array}[{index}][1]"))
            };
            let value_key = query.iter().find_map(name_of)?;
            query
                .iter()
                .find(|(key, _)| *key == value_key)
                .map(|(_, value)| value.clone())
        }
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
                    let record = dataset.record(index, options, provider.scopes);
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

    /// A token from the sandbox's token endpoint, asking for `scope` if given.
    async fn token(
        http: &reqwest::Client,
        sandbox: &Sandbox,
        secret: &str,
        scope: Option<&str>,
    ) -> reqwest::Response {
        let mut form = vec![
            ("grant_type", "client_credentials"),
            ("client_id", "sandbox-client_id"),
            ("client_secret", secret),
        ];
        form.extend(scope.map(|scope| ("scope", scope)));
        http.post(format!("{}/api/partner/v1/oauth/token", sandbox.base_url()))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// Over real HTTP: the token endpoint checks the client's secret, a data request needs
    /// a token it issued, and the personal-data keys follow the token's scopes.
    #[tokio::test]
    async fn the_token_endpoint_issues_scoped_tokens_and_data_needs_one() {
        let sandbox = Sandbox::start(&custkit::meedee::PROVIDER, SandboxOptions::default())
            .await
            .unwrap();
        let http = reqwest::Client::new();
        let refused = token(&http, &sandbox, "wrong-secret", None).await;
        assert_eq!(refused.status().as_u16(), 401);
        assert_eq!(
            refused.json::<Value>().await.unwrap(),
            serde_json::json!({"error": "invalid_client"})
        );
        let customers = |token: &str| {
            http.get(format!("{}/api/partner/v1/customers", sandbox.base_url()))
                .bearer_auth(token)
                .send()
        };
        let forged = customers("sandbox-access-token-1").await.unwrap();
        assert_eq!(forged.status().as_u16(), 401, "a token it did not issue");

        let full: Value = token(&http, &sandbox, "sandbox-client_secret", None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(full["expires_in"], serde_json::json!(3600));
        assert_eq!(
            full["scope"],
            serde_json::json!("read:customers read:customers:pii")
        );
        let narrow: Value = token(
            &http,
            &sandbox,
            "sandbox-client_secret",
            Some("read:customers"),
        )
        .await
        .json()
        .await
        .unwrap();
        let record = |body: Value| body["data"][0].clone();
        let with_pii = record(
            customers(full["access_token"].as_str().unwrap())
                .await
                .unwrap()
                .json()
                .await
                .unwrap(),
        );
        assert_eq!(with_pii["phone"], serde_json::json!("0812345678"));
        assert_eq!(
            with_pii["email"],
            Value::Null,
            "present, null as in the example"
        );
        let without = record(
            customers(narrow["access_token"].as_str().unwrap())
                .await
                .unwrap()
                .json()
                .await
                .unwrap(),
        );
        for pii in custkit::meedee::PROVIDER.pii {
            assert!(without.get(pii.key).is_none(), "{} is left out", pii.key);
        }
        assert_eq!(without["full_name"], with_pii["full_name"]);
    }
}

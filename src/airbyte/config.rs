//! The connector's configuration: which provider, how to reach it, its credentials and
//! filters. Its JSON Schema (the SPEC's `connectionSpecification`) is derived from the
//! type that reads it.

use crate::connect::{self, ConnectArgs};
use crate::sandbox::Sandbox;
use custkit::{ClientConfig, ProviderInfo};
use custkit_runtime::http::Params;
use custkit_runtime::Executor;
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;

// No `Debug`: it holds credentials.
/// Which provider to read, how to reach it, and what to ask for.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "custkit source")]
pub struct RawConfig {
    /// The provider to sync (see `custkit providers`).
    provider: String,
    /// The provider's base URL; default: the spec's, with its variables filled in.
    #[serde(default)]
    base_url: Option<String>,
    /// Values of the base URL's variables, such as `tenant`.
    #[serde(default)]
    variables: BTreeMap<String, String>,
    /// Credentials by name (`token`, `api_key`, `username`, `password`).
    #[serde(default)]
    #[schemars(extend("airbyte_secret" = true))]
    credentials: BTreeMap<String, String>,
    /// Request parameters of the sync endpoint, checked against the spec.
    #[serde(default)]
    filters: BTreeMap<String, String>,
    /// Read from the built-in offline sandbox (the spec's example data). Also used when
    /// neither credentials nor a base URL are given.
    #[serde(default)]
    sandbox: bool,
    /// Pages in flight at once when the page count is known (default 4).
    #[serde(default)]
    #[schemars(range(min = 1, max = 64))]
    concurrency: Option<usize>,
}

/// A checked configuration.
pub struct SourceConfig {
    /// The provider it names.
    pub provider: &'static ProviderInfo,
    raw: RawConfig,
}

impl SourceConfig {
    /// Checks that the provider exists; the rest is checked when connecting.
    pub fn new(raw: RawConfig) -> Result<SourceConfig, String> {
        let provider = custkit::provider(&raw.provider).ok_or_else(|| {
            let names: Vec<&str> = custkit::PROVIDERS.iter().map(|p| p.name).collect();
            format!(
                "unknown provider `{}`; known providers: {}",
                raw.provider,
                names.join(", ")
            )
        })?;
        Ok(SourceConfig { provider, raw })
    }

    /// The executor and request parameters for the provider's sync endpoint, with the
    /// sandbox running when it is used (the connection is resolved as for `custkit sync`,
    /// the configuration standing for its flags). Bad parameters fail here, before any
    /// request. `configure` adds what the caller needs (a record error handler).
    pub async fn connect(
        self,
        configure: impl FnOnce(ClientConfig) -> ClientConfig,
    ) -> Result<Connection, String> {
        let provider = self.provider;
        let raw = self.raw;
        let pairs = |map: &BTreeMap<String, String>| -> Vec<String> {
            map.iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect()
        };
        let args = ConnectArgs {
            base_url: raw.base_url.clone(),
            variables: pairs(&raw.variables),
            credentials: pairs(&raw.credentials),
            sandbox: raw.sandbox,
            ..ConnectArgs::default()
        };
        let resolved = connect::connect(provider, &args)
            .await
            .map_err(|failure| failure.message)?;
        let mut config = configure(resolved.config);
        if let Some(pages) = raw.concurrency {
            config = config.concurrency(pages);
        }
        let endpoint = provider.sync_endpoint;
        let mut params = Params::new();
        for (name, value) in &raw.filters {
            params
                .set_text(endpoint, name, value)
                .map_err(|error| error.to_string())?;
        }
        params
            .validate(endpoint)
            .map_err(|error| error.to_string())?;
        let executor = Executor::new(provider, config).map_err(|error| error.to_string())?;
        Ok(Connection {
            provider,
            executor: Arc::new(executor),
            params,
            _sandbox: resolved.sandbox,
        })
    }
}

/// A provider ready to be read.
pub struct Connection {
    /// The provider.
    pub provider: &'static ProviderInfo,
    /// Its executor, configured.
    pub executor: Arc<Executor>,
    /// The sync endpoint's parameters (the configured filters).
    pub params: Params,
    /// The sandbox being read from, if any; it stops when the connection is dropped.
    pub _sandbox: Option<Sandbox>,
}

/// The SPEC's `spec` object: the configuration's JSON Schema, with the provider names as
/// its allowed values.
pub fn connection_specification() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft07()
        .with(|settings| settings.inline_subschemas = true)
        .into_generator();
    let mut schema = generator.into_root_schema_for::<RawConfig>().to_value();
    let names: Vec<&str> = custkit::PROVIDERS.iter().map(|p| p.name).collect();
    if let Some(provider) = schema.pointer_mut("/properties/provider") {
        provider["enum"] = serde_json::json!(names);
    }
    serde_json::json!({
        "connectionSpecification": schema,
        "supportsIncremental": false,
    })
}

//! The CATALOG this source offers (one stream per provider, named after it) and the
//! configured catalog Airbyte hands back to `read`.

use custkit::{Customer, ProviderInfo};
use serde::Deserialize;

/// The CATALOG of `provider`: its stream, whose records are normalized customers.
/// Providers whose spec declares an incremental cursor also offer `incremental` mode, by
/// that cursor (source-defined).
pub fn discover(provider: &ProviderInfo) -> serde_json::Value {
    let mut stream = serde_json::json!({
        "name": provider.name,
        "json_schema": customer_schema(),
        "supported_sync_modes": ["full_refresh"],
        "source_defined_primary_key": [["remote_id"]],
        "is_resumable": true,
    });
    if let Some(incremental) = &provider.sync_endpoint.incremental {
        stream["supported_sync_modes"] = serde_json::json!(["full_refresh", "incremental"]);
        stream["source_defined_cursor"] = serde_json::json!(true);
        stream["default_cursor_field"] = serde_json::json!([incremental.cursor.name()]);
    }
    serde_json::json!({ "streams": [stream] })
}

/// The JSON Schema (draft 7, no references) of a normalized [`Customer`] as serialized.
pub fn customer_schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft07()
        .with(|settings| settings.inline_subschemas = true)
        .for_serialize()
        .into_generator();
    generator.into_root_schema_for::<Customer>().to_value()
}

/// The configured catalog: the streams to read, and how.
#[derive(Deserialize)]
pub struct ConfiguredCatalog {
    /// The streams.
    pub streams: Vec<ConfiguredStream>,
}

/// One stream to read.
#[derive(Deserialize)]
pub struct ConfiguredStream {
    /// The stream as discovered (only its name is used).
    pub stream: StreamName,
    /// `full_refresh` or `incremental`.
    pub sync_mode: String,
}

/// A stream's name.
#[derive(Deserialize)]
pub struct StreamName {
    /// The name (the provider's).
    pub name: String,
}

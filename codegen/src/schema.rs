//! The JSON Schema of the spec format, derived from the spec types themselves.

use crate::spec::Spec;

/// The JSON Schema (draft 2020-12) of spec files, pretty-printed.
pub fn spec_schema() -> String {
    let schema = schemars::schema_for!(Spec);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

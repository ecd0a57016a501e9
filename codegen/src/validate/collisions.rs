//! Names that collide only after conversion to Rust: two JSON keys that become the same
//! struct field (`firstName`, `first_name`), two spec entries that become the same type
//! (`phone_primary` and `phone.primary` both give `CustomerPhonePrimary`), or a spec name
//! that takes a name custkit generates itself (an endpoint `client`, a parameter `stream`).

use super::Checker;
use crate::diagnostic::Diagnostic;
use crate::generate::client::{builder_ident, enum_ident, static_ident};
use crate::generate::names::{field_ident, type_ident};
use crate::spec::{FieldDef, FieldType, ParamType};
use indexmap::IndexMap;

/// Names in one Rust namespace, with the spec key each came from.
struct Namespace {
    /// What the names are, for messages ("type", "method of `Client`").
    what: &'static str,
    /// Names custkit generates in this namespace on its own.
    reserved: &'static [&'static str],
    taken: Vec<(String, String)>,
}

impl Namespace {
    fn new(what: &'static str, reserved: &'static [&'static str]) -> Namespace {
        Namespace {
            what,
            reserved,
            taken: Vec::new(),
        }
    }

    /// Claims `name` for the spec entry at `key`, reporting a collision there.
    fn claim(&mut self, checker: &mut Checker<'_>, name: String, key: &str) {
        if self.reserved.contains(&name.as_str()) {
            checker.error(
                key,
                Diagnostic::new(format!(
                    "`{key}` becomes the {} `{name}`, which custkit already generates",
                    self.what
                ))
                .hint("choose another name"),
            );
        } else if let Some((_, first)) = self.taken.iter().find(|(taken, _)| *taken == name) {
            checker.error(
                key,
                Diagnostic::new(format!(
                    "`{key}` and `{first}` both become the {} `{name}`",
                    self.what
                ))
                .hint("rename one of them so their Rust names differ"),
            );
        } else {
            self.taken.push((name, key.to_string()));
        }
    }
}

/// Reports every collision in the generated module.
pub(super) fn check(checker: &mut Checker<'_>) {
    let spec = &checker.source.spec;
    let mut types = Namespace::new("type", &["Client", "ClientBuilder"]);
    let mut statics = Namespace::new("static", &["PROVIDER"]);
    let mut client_methods = Namespace::new("method of `Client`", &["builder", "from_config"]);
    let mut builder_methods = Namespace::new(
        "method of `ClientBuilder`",
        &[
            "base_url",
            "configure",
            "build",
            "bearer_token",
            "api_key",
            "basic_auth",
        ],
    );
    types.claim(checker, "Customer".to_string(), "record");
    record_object(checker, &mut types, "Customer", "record", &spec.record);
    // A name that is no identifier has its own error (`names::check_identifier`), and
    // cannot be turned into Rust names to compare.
    for (name, endpoint) in spec
        .endpoints
        .iter()
        .filter(|(name, _)| super::names::is_snake_identifier(name))
    {
        let key = format!("endpoints.{name}");
        types.claim(checker, builder_ident(name).to_string(), &key);
        statics.claim(checker, static_ident(name).to_string(), &key);
        client_methods.claim(checker, field_ident(name).to_string(), &key);
        let mut setters = Namespace::new(
            "request builder method",
            &["stream", "raw_stream", "changed_since"],
        );
        for (param, def) in &endpoint.params {
            let param_key = format!("{key}.params.{param}");
            if def.ty == ParamType::Enum {
                types.claim(checker, enum_ident(name, param).to_string(), &param_key);
            }
            if !def.required {
                setters.claim(checker, field_ident(param).to_string(), &param_key);
            }
        }
    }
    for name in spec.variables.keys() {
        builder_methods.claim(
            checker,
            field_ident(name).to_string(),
            &format!("variables.{name}"),
        );
    }
}

/// One record object: its fields' Rust names, and the types of nested objects.
fn record_object(
    checker: &mut Checker<'_>,
    types: &mut Namespace,
    type_name: &str,
    key: &str,
    fields: &IndexMap<String, FieldDef>,
) {
    let mut members = Namespace::new("field", &[]);
    for (name, def) in fields {
        // Nested fields are written under `object:` (`record.phone.object.primary`).
        let field_key = if key == "record" {
            format!("{key}.{name}")
        } else {
            format!("{key}.object.{name}")
        };
        if super::names::check_field_name(checker, &field_key, name) {
            members.claim(checker, field_ident(name).to_string(), &field_key);
        }
        nested(
            checker,
            types,
            &format!("{type_name}_{name}"),
            &field_key,
            def,
        );
    }
}

fn nested(
    checker: &mut Checker<'_>,
    types: &mut Namespace,
    nested_name: &str,
    key: &str,
    def: &FieldDef,
) {
    match &def.ty {
        FieldType::Object(fields) => {
            types.claim(checker, type_ident(nested_name).to_string(), key);
            record_object(checker, types, nested_name, key, fields);
        }
        FieldType::Array(item) => nested(
            checker,
            types,
            &format!("{nested_name}_item"),
            &format!("{key}.array"),
            item,
        ),
        FieldType::Scalar(_) => {}
    }
}

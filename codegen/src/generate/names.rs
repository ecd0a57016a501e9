//! Rust names for spec names: field, type and variant identifiers.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// A field or method identifier for a JSON key or spec name; keywords become raw
/// identifiers (`type` → `r#type`).
pub fn field_ident(name: &str) -> Ident {
    let snake = name.to_snake_case();
    let snake = if snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{snake}")
    } else {
        snake
    };
    identifier(snake)
}

/// A type identifier (`CustomerPhonePrimary`).
pub fn type_ident(name: &str) -> Ident {
    identifier(name.to_upper_camel_case())
}

/// `text` as an identifier. Validation rejects names that have no usable letters; for
/// anything else that slips through (characters Rust does not allow in identifiers)
/// this drops them rather than panic, so code generation never aborts a build.
fn identifier(text: String) -> Ident {
    let text = usable(text);
    let text = if text.chars().all(|c| c == '_') {
        "field".to_string()
    } else if text.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{text}")
    } else {
        text
    };
    if matches!(text.as_str(), "self" | "Self" | "super" | "crate" | "_") {
        Ident::new(&format!("{text}_"), Span::call_site())
    } else if crate::validate::is_rust_keyword(&text) {
        Ident::new_raw(&text, Span::call_site())
    } else {
        Ident::new(&text, Span::call_site())
    }
}

/// `text` if it is a valid identifier (or keyword), else only its ASCII letters, digits
/// and underscores.
fn usable(text: String) -> String {
    if syn::parse_str::<Ident>(&text).is_ok() || crate::validate::is_rust_keyword(&text) {
        text
    } else {
        text.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    }
}

/// An enum variant name for a value (`"personal"` → `Personal`); empty when the value has
/// no letters or digits.
pub fn variant_name(value: &str) -> String {
    let camel = usable(value.to_upper_camel_case());
    if camel.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{camel}")
    } else {
        camel
    }
}

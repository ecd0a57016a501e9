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
    if matches!(snake.as_str(), "self" | "Self" | "super" | "crate" | "_") {
        Ident::new(&format!("{snake}_"), Span::call_site())
    } else if crate::validate::is_rust_keyword(&snake) {
        Ident::new_raw(&snake, Span::call_site())
    } else {
        Ident::new(&snake, Span::call_site())
    }
}

/// A type identifier (`CustomerPhonePrimary`).
pub fn type_ident(name: &str) -> Ident {
    Ident::new(&name.to_upper_camel_case(), Span::call_site())
}

/// An enum variant name for a value (`"personal"` → `Personal`); empty when the value has
/// no letters or digits.
pub fn variant_name(value: &str) -> String {
    let camel = value.to_upper_camel_case();
    if camel.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{camel}")
    } else {
        camel
    }
}

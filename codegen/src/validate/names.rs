//! Names that become Rust identifiers must be valid and must not collide.

use super::Checker;
use crate::diagnostic::Diagnostic;
use heck::ToSnakeCase;

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Whether `name` is a Rust keyword (strict or reserved).
pub fn is_rust_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// A name used verbatim as a Rust identifier (provider, endpoint, parameter): lower snake
/// case, and (when `no_keywords`) not a keyword.
pub(crate) fn check_identifier(
    checker: &mut Checker<'_>,
    key: &str,
    name: &str,
    no_keywords: bool,
) {
    if !is_snake_identifier(name) {
        let suggestion: String = name
            .to_snake_case()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        checker.error(
            key,
            Diagnostic::new(format!("`{name}` cannot be a Rust name"))
                .expected("lower snake case: a-z, 0-9 and _, starting with a letter")
                .maybe_hint(
                    is_snake_identifier(&suggestion).then(|| format!("use `{suggestion}`")),
                ),
        );
    } else if no_keywords && is_rust_keyword(name) {
        checker.error(
            key,
            Diagnostic::new(format!("`{name}` is a Rust keyword"))
                .hint(format!("use another name, such as `{name}_`")),
        );
    }
}

/// Lower snake case, starting with a letter: what spec names that become Rust names must
/// be.
pub(crate) fn is_snake_identifier(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A JSON key that becomes a struct field: any key is fine as long as it has at least one
/// letter or digit (keywords become raw identifiers). Returns whether it is usable.
pub(crate) fn check_field_name(checker: &mut Checker<'_>, key: &str, name: &str) -> bool {
    let usable = name.to_snake_case().chars().any(char::is_alphanumeric);
    if !usable {
        checker.error(
            key,
            Diagnostic::new(format!(
                "the key `{name}` has no letters or digits to form a Rust field name"
            ))
            .hint("if the provider really sends it, declare the record field as `json` in its parent, or leave it out: it is kept in `Customer::raw`"),
        );
    }
    usable
}

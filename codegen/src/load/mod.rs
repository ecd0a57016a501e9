//! Reading a spec file: YAML text → [`Spec`], with every error located.
//!
//! Three steps, each reporting everything it finds: the YAML becomes a value tree
//! (`tree`: syntax errors, duplicate keys), the tree becomes a [`Spec`] section by
//! section (`recover`: unknown keys, wrong types, missing keys — one bad entry does not
//! hide the next), and every error is placed on the text by key path (`locate`).

mod locate;
mod recover;
mod tree;

pub use locate::{Locations, Position};

use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::spec::Spec;
use recover::{backticked, expected_names, Anchor};
use std::path::{Path, PathBuf};

/// A spec read from disk, with what is needed to report errors against its text.
#[derive(Debug)]
pub struct SourceSpec {
    /// The parsed spec. When the spec had shape errors, their entries are missing.
    pub spec: Spec,
    /// The file it came from.
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
    /// Positions of its keys.
    pub locations: Locations,
    /// How the path is shown in diagnostics.
    pub display_path: String,
    /// Key paths cut out of the spec because they had shape errors (already reported):
    /// semantic checks skip what touches them rather than report consequences.
    pub damaged: Vec<String>,
}

/// The outcome of loading one spec: the spec when it could be formed, and every error.
#[derive(Debug)]
pub struct Loaded {
    /// The spec; `None` when the text is not YAML or a required part is unusable.
    pub source: Option<SourceSpec>,
    /// Every syntax and shape error, located.
    pub errors: Vec<Diagnostic>,
}

impl SourceSpec {
    /// A diagnostic at `key_path`, positioned on its key.
    pub fn error_at(&self, key_path: &str, diagnostic: Diagnostic) -> Diagnostic {
        self.place(self.locations.find(key_path), key_path, diagnostic)
    }

    /// A diagnostic at `key_path`, positioned on its value.
    pub fn error_at_value(&self, key_path: &str, diagnostic: Diagnostic) -> Diagnostic {
        self.place(self.locations.value(key_path), key_path, diagnostic)
    }

    /// Whether `key_path` is inside, or contains, a part cut for a shape error.
    pub fn touches_damage(&self, key_path: &str) -> bool {
        self.damaged
            .iter()
            .any(|damaged| related(key_path, damaged) || related(damaged, key_path))
    }

    fn place(
        &self,
        position: Option<Position>,
        key_path: &str,
        diagnostic: Diagnostic,
    ) -> Diagnostic {
        locate_diagnostic(
            &self.display_path,
            &self.text,
            position,
            key_path,
            diagnostic,
        )
    }
}

/// Whether `inner` is `outer` or below it.
fn related(inner: &str, outer: &str) -> bool {
    outer.is_empty()
        || inner == outer
        || inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.starts_with('.'))
}

fn locate_diagnostic(
    file: &str,
    text: &str,
    position: Option<Position>,
    key_path: &str,
    mut diagnostic: Diagnostic,
) -> Diagnostic {
    diagnostic.file = file.to_string();
    diagnostic.key_path = key_path.to_string();
    let position = position.unwrap_or(Position {
        line: 1,
        column: 1,
        width: 1,
    });
    diagnostic.line = position.line;
    diagnostic.column = position.column;
    diagnostic.width = position.width;
    diagnostic.source_line = text
        .lines()
        .nth(position.line.saturating_sub(1))
        .map(str::to_string);
    diagnostic
}

/// Reads and parses one spec.
pub fn load(path: &Path, display_path: String) -> Loaded {
    match std::fs::read_to_string(path) {
        Ok(text) => parse(text, path.to_path_buf(), display_path),
        Err(error) => {
            let mut diagnostic = Diagnostic::new(format!("cannot read the spec: {error}"));
            diagnostic.file = display_path;
            Loaded {
                source: None,
                errors: vec![diagnostic],
            }
        }
    }
}

/// Parses spec text, collecting every syntax and shape error.
pub fn parse(text: String, path: PathBuf, display_path: String) -> Loaded {
    let locations = Locations::index(&text);
    let tree = tree::build(&text);
    let mut errors: Vec<Diagnostic> = tree
        .problems
        .into_iter()
        .map(|problem| {
            locate_diagnostic(
                &display_path,
                &text,
                Some(problem.position),
                &problem.key_path,
                problem.diagnostic,
            )
        })
        .collect();
    let value = match tree.value {
        Some(value @ serde_json::Value::Object(_)) => value,
        other => {
            if errors.is_empty() {
                let found = match other {
                    None | Some(serde_json::Value::Null) => "an empty file".to_string(),
                    Some(value) => kind_of(&value).to_string(),
                };
                errors.push(locate_diagnostic(
                    &display_path,
                    &text,
                    locations.value(""),
                    "",
                    Diagnostic::new(format!("a spec is a mapping of keys, but this is {found}"))
                        .expected("`version: 1`, `provider: ...` and the other top-level keys")
                        .hint("start from specs/tourwell.yaml, or run `custkit scaffold`"),
                ));
            }
            return Loaded {
                source: None,
                errors,
            };
        }
    };
    let recovered = recover::recover(value);
    for error in recovered.errors {
        let position = match error.anchor {
            Anchor::Key => locations.find(&error.key_path),
            Anchor::Value => locations.value(&error.key_path),
        };
        let diagnostic = describe(&error.message, &error.key_path);
        errors.push(locate_diagnostic(
            &display_path,
            &text,
            position,
            &error.key_path,
            diagnostic,
        ));
    }
    let source = recovered.spec.map(|spec| SourceSpec {
        spec,
        path,
        text,
        locations,
        display_path,
        damaged: recovered.damaged,
    });
    Loaded { source, errors }
}

fn kind_of(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "empty",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "text",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "a mapping",
    }
}

/// serde's words for what it expected, in a spec author's words.
fn plain_expected(expected: &str) -> String {
    let expected = expected.trim();
    match expected {
        "u32" | "u64" | "usize" => "a whole number, 0 or more".to_string(),
        "i64" => "a whole number".to_string(),
        "f64" => "a number".to_string(),
        "a map" => "a mapping (`key: value` lines)".to_string(),
        "a sequence" => "a list (`- item` lines or `[a, b]`)".to_string(),
        other => {
            if let Some(name) = other.strip_prefix("struct ") {
                format!("a mapping ({name})")
            } else if other.starts_with("internally tagged enum") {
                "a mapping with `kind`".to_string()
            } else {
                other.to_string()
            }
        }
    }
}

fn describe(message: &str, key_path: &str) -> Diagnostic {
    let options = expected_names(message);
    let listed = || {
        options
            .iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let suggestion =
        |word: &str| did_you_mean(word, &options).map(|best| format!("did you mean `{best}`?"));
    if let Some(unknown) = backticked(message, "unknown field `") {
        return Diagnostic::new(format!("unknown key `{unknown}`"))
            .expected(format!("one of {}", listed()))
            .maybe_hint(
                suggestion(unknown)
                    .or_else(|| Some("remove it: every key of a spec is checked".into())),
            );
    }
    if let Some(unknown) = backticked(message, "unknown variant `") {
        return Diagnostic::new(format!("unknown value `{unknown}`"))
            .expected(format!("one of {}", listed()))
            .maybe_hint(suggestion(unknown));
    }
    if let Some(missing) = backticked(message, "missing field `") {
        let at = if key_path.is_empty() {
            "the top level".to_string()
        } else {
            format!("`{key_path}`")
        };
        return Diagnostic::new(format!("missing key `{missing}` in {at}")).hint(format!(
            "add `{missing}:`; see docs/spec-format.md for what it takes"
        ));
    }
    for (prefix, what) in [
        ("invalid type: ", "wrong type"),
        ("invalid value: ", "wrong value"),
    ] {
        if let Some((found, expected)) = message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split_once(", expected "))
        {
            let found = match found {
                "sequence" => "a list",
                "map" => "a mapping",
                other => other,
            };
            let hint = (expected == "a boolean").then_some("write `true` or `false`");
            return Diagnostic::new(format!("{what}: found {found}"))
                .expected(plain_expected(expected))
                .maybe_hint(hint.map(str::to_string));
        }
    }
    // The spec types' own messages: "what, expected what; did you mean ...?".
    let (message, hint) = match message.split_once("; did you mean") {
        Some((message, rest)) => (message, Some(format!("did you mean{rest}"))),
        None => (message, None),
    };
    let diagnostic = match message.split_once(", expected ") {
        Some((message, expected)) => Diagnostic::new(message).expected(expected),
        None => Diagnostic::new(message),
    };
    diagnostic.maybe_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_located_with_a_suggestion() {
        let text = "version: 1\nprovider: x\ntitel: X\n".to_string();
        let loaded = parse(text, PathBuf::from("x.yaml"), "specs/x.yaml".into());
        let error = &loaded.errors[0];
        assert_eq!(error.message, "unknown key `titel`");
        assert_eq!((error.line, error.column, error.width), (3, 1, 5));
        assert_eq!(error.hint.as_deref(), Some("did you mean `title`?"));
    }
}

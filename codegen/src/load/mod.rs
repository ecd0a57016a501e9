//! Reading a spec file: YAML text → [`Spec`], with every error located.

mod locate;

pub use locate::{Locations, Position};

use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::spec::Spec;
use std::path::{Path, PathBuf};

/// A spec read from disk, with what is needed to report errors against its text.
#[derive(Debug)]
pub struct SourceSpec {
    /// The parsed spec.
    pub spec: Spec,
    /// The file it came from.
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
    /// Positions of its keys.
    pub locations: Locations,
    /// How the path is shown in diagnostics.
    pub display_path: String,
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

fn locate_diagnostic(
    file: &str,
    text: &str,
    position: Option<Position>,
    key_path: &str,
    mut diagnostic: Diagnostic,
) -> Diagnostic {
    diagnostic.file = file.to_string();
    diagnostic.key_path = key_path.to_string();
    if let Some(position) = position {
        diagnostic.line = position.line;
        diagnostic.column = position.column;
        diagnostic.width = position.width;
        diagnostic.source_line = text
            .lines()
            .nth(position.line.saturating_sub(1))
            .map(str::to_string);
    }
    diagnostic
}

/// Reads and parses one spec. Syntax and shape errors come back as diagnostics.
pub fn load(path: &Path, display_path: String) -> Result<SourceSpec, Box<Diagnostic>> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        let mut diagnostic = Diagnostic::new(format!("cannot read the spec: {error}"));
        diagnostic.file = display_path.clone();
        Box::new(diagnostic)
    })?;
    parse(text, path.to_path_buf(), display_path)
}

/// Parses spec text.
pub fn parse(
    text: String,
    path: PathBuf,
    display_path: String,
) -> Result<SourceSpec, Box<Diagnostic>> {
    let locations = Locations::index(&text);
    match serde_yaml::from_str::<Spec>(&text) {
        Ok(spec) => Ok(SourceSpec {
            spec,
            path,
            text,
            locations,
            display_path,
        }),
        Err(error) => Err(Box::new(from_serde_error(
            &error,
            &text,
            &locations,
            &display_path,
        ))),
    }
}

/// Turns serde_yaml's message (`endpoints.x: unknown field `y`, expected one of ... at
/// line 3 column 5`) into a located diagnostic with a hint.
fn from_serde_error(
    error: &serde_yaml::Error,
    text: &str,
    locations: &Locations,
    file: &str,
) -> Diagnostic {
    let full = error.to_string();
    let without_position = match full.rfind(" at line ") {
        Some(at) => &full[..at],
        None => &full,
    };
    let (key_path, message) = split_key_path(without_position);
    let mut position = error.location().map(|location| Position {
        line: location.line(),
        column: location.column(),
        width: 1,
    });
    let diagnostic = describe(message, &key_path);
    let mut key_path = key_path;
    if let Some(unknown) = backticked(message, "unknown field `") {
        key_path = join(&key_path, unknown);
        let located = locations.find(&key_path);
        if located.is_some() {
            position = located;
        }
        if let Some(p) = position.as_mut() {
            p.width = unknown.chars().count();
        }
    }
    locate_diagnostic(file, text, position, &key_path, diagnostic)
}

fn split_key_path(message: &str) -> (String, &str) {
    // serde_yaml prefixes nested errors with the key path and ": ".
    match message.split_once(": ") {
        Some((path, rest)) if !path.contains(' ') && !path.is_empty() => (path.to_string(), rest),
        _ => (String::new(), message),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The text between `prefix` and the next backtick.
fn backticked<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let start = message.find(prefix)? + prefix.len();
    let end = message[start..].find('`')? + start;
    Some(&message[start..end])
}

/// The backticked names after "expected one of".
fn expected_names(message: &str) -> Vec<&str> {
    let Some(start) = message.find("expected one of ") else {
        return Vec::new();
    };
    message[start..].split('`').skip(1).step_by(2).collect()
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
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return Diagnostic::new(format!("wrong type: found {found}"))
                .expected(expected.to_string());
        }
    }
    Diagnostic::new(message.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_located_with_a_suggestion() {
        let text = "version: 1\nprovider: x\ntitel: X\n".to_string();
        let error = parse(text, PathBuf::from("x.yaml"), "specs/x.yaml".into()).unwrap_err();
        assert_eq!(error.message, "unknown key `titel`");
        assert_eq!((error.line, error.column, error.width), (3, 1, 5));
        assert_eq!(error.hint.as_deref(), Some("did you mean `title`?"));
    }
}

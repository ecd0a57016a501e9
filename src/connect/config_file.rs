//! The configuration file: per-provider base URL, variables and credentials.
//!
//! ```toml
//! [tourwell]
//! base_url = "https://acme.tourwell.net"   # optional
//! variables = { tenant = "acme" }
//! credentials = { token = "..." }
//! ```
//!
//! Looked up in order: `--config FILE`, `$CUSTKIT_CONFIG`, `./custkit.toml`,
//! `$XDG_CONFIG_HOME/custkit/config.toml` (or `~/.config/custkit/config.toml`). The first
//! that exists is used. Errors give the file, line and column, never the text there (it
//! may be a credential).

use crate::failure::Failure;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One provider's table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderTable {
    /// Replaces the spec's base URL.
    pub base_url: Option<String>,
    /// The base URL's variables.
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    /// Credentials by name.
    #[serde(default)]
    pub credentials: BTreeMap<String, String>,
}

/// A loaded configuration file.
#[derive(Debug, Default)]
pub struct ConfigFile {
    /// Where it was read from (`None`: no file was found).
    pub path: Option<PathBuf>,
    providers: BTreeMap<String, ProviderTable>,
}

impl ConfigFile {
    /// Finds and reads the configuration file; none found is an empty configuration, but
    /// an explicit `--config` or `$CUSTKIT_CONFIG` that does not exist is an error.
    pub fn load(explicit: Option<&Path>) -> Result<ConfigFile, Failure> {
        let from_env = std::env::var_os("CUSTKIT_CONFIG").map(PathBuf::from);
        if let Some(path) = explicit.map(Path::to_path_buf).or(from_env) {
            return read(&path);
        }
        match candidates().into_iter().find(|path| path.is_file()) {
            Some(path) => read(&path),
            None => Ok(ConfigFile::default()),
        }
    }

    /// The table of `provider`, if the file has one.
    pub fn provider(&self, provider: &str) -> Option<&ProviderTable> {
        self.providers.get(provider)
    }
}

/// The places searched when no file is named, in order.
pub fn candidates() -> Vec<PathBuf> {
    let mut paths = vec![PathBuf::from("custkit.toml")];
    let config_home = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")));
    if let Some(dir) = config_home {
        paths.push(dir.join("custkit").join("config.toml"));
    }
    paths
}

fn read(path: &Path) -> Result<ConfigFile, Failure> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        Failure::usage(format!(
            "cannot read the configuration file {}: {error}",
            path.display()
        ))
    })?;
    let providers = toml::from_str(&text).map_err(|error| {
        let place = error
            .span()
            .map(|span| {
                let (line, column) = line_column(&text, span.start);
                format!(":{line}:{column}")
            })
            .unwrap_or_default();
        Failure::usage(format!(
            "{}{place}: {}",
            path.display(),
            without_values(error.message().trim_end())
        ))
    })?;
    Ok(ConfigFile {
        path: Some(path.to_path_buf()),
        providers,
    })
}

/// serde's "invalid type: string \"...\", expected a map" names the offending value, which
/// may be a credential: keep only what was expected.
fn without_values(message: &str) -> String {
    for kind in ["invalid type", "invalid value", "invalid length"] {
        if message.starts_with(kind) {
            return match message.find(", expected") {
                Some(at) => format!("{kind}{}", &message[at..]),
                None => kind.to_string(),
            };
        }
    }
    message.to_string()
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(0, |last| last.chars().count())
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_located_and_never_quote_the_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("custkit.toml");
        std::fs::write(
            &path,
            "[tourwell]\ncredentials = { token = \"s3cret-value\" }\nbase_urll = \"x\"\n",
        )
        .unwrap();
        let error = read(&path).unwrap_err();
        assert!(
            error.message.contains("custkit.toml:3:1"),
            "{}",
            error.message
        );
        assert!(error.message.contains("base_urll"), "{}", error.message);
        assert!(!error.message.contains("s3cret"), "{}", error.message);
    }

    #[test]
    fn type_errors_do_not_echo_the_value() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("custkit.toml");
        std::fs::write(&path, "[tourwell]\ncredentials = \"s3cret-value\"\n").unwrap();
        let error = read(&path).unwrap_err();
        assert!(
            error.message.contains("custkit.toml:2:"),
            "{}",
            error.message
        );
        assert!(!error.message.contains("s3cret"), "{}", error.message);
    }

    #[test]
    fn reads_provider_tables() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(
            &path,
            "[tourwell]\nbase_url = \"http://127.0.0.1:1\"\nvariables = { tenant = \"acme\" }\n",
        )
        .unwrap();
        let file = read(&path).unwrap();
        let table = file.provider("tourwell").unwrap();
        assert_eq!(table.base_url.as_deref(), Some("http://127.0.0.1:1"));
        assert_eq!(table.variables["tenant"], "acme");
        assert!(file.provider("other").is_none());
    }
}

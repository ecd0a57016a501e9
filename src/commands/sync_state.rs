//! The `--state FILE` of an incremental `custkit sync`: the cursor the last successful
//! sync reached, read before the sync and replaced (atomically) after it.

use crate::failure::Failure;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What the state file holds.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SyncState {
    /// The provider it belongs to (a state is never applied to another provider).
    pub provider: String,
    /// The normalized field the cursor is a value of (`updated_at`).
    pub cursor_field: String,
    /// The newest value of that field the sync delivered; `None` if it delivered no dated
    /// customer.
    pub cursor: Option<DateTime<Utc>>,
}

/// A state file.
#[derive(Debug)]
pub struct StateFile {
    path: PathBuf,
}

impl StateFile {
    /// The file at `path` (it need not exist yet).
    pub fn new(path: &Path) -> StateFile {
        StateFile {
            path: path.to_path_buf(),
        }
    }

    /// The saved cursor for `provider` and `cursor_field`: `None` when the file does not
    /// exist yet (a first, full sync). A file for another provider or field, or one that
    /// cannot be read, is a usage error: syncing from a wrong cursor would skip customers.
    pub fn load(
        &self,
        provider: &str,
        cursor_field: &str,
    ) -> Result<Option<DateTime<Utc>>, Failure> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => {
                return Err(Failure::usage(format!(
                    "cannot read the state file {}: {error}",
                    self.path.display()
                )))
            }
        };
        let state: SyncState = serde_json::from_str(&text).map_err(|error| {
            Failure::usage(format!(
                "the state file {} is not a custkit sync state: {error} (delete it for a full sync)",
                self.path.display()
            ))
        })?;
        if state.provider != provider || state.cursor_field != cursor_field {
            return Err(Failure::usage(format!(
                "the state file {} is for {} by `{}`, not {provider} by `{cursor_field}`",
                self.path.display(),
                state.provider,
                state.cursor_field
            )));
        }
        Ok(state.cursor)
    }

    /// Replaces the file with `state`: written beside it, then renamed over it, so a
    /// crash leaves the old state or the new one, never half of one.
    pub fn save(&self, state: &SyncState) -> Result<(), Failure> {
        let output_error = |error: std::io::Error| Failure {
            code: crate::exit::OUTPUT,
            message: format!(
                "cannot write the state file {}: {error}",
                self.path.display()
            ),
        };
        let mut text = serde_json::to_string_pretty(state)
            .map_err(|error| output_error(std::io::Error::other(error)))?;
        text.push('\n');
        let mut partial = self.path.clone().into_os_string();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        std::fs::write(&partial, text).map_err(output_error)?;
        std::fs::rename(&partial, &self.path).map_err(output_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_round_trips_and_is_refused_for_another_provider() {
        let dir = tempfile::tempdir().unwrap();
        let file = StateFile::new(&dir.path().join("state.json"));
        assert_eq!(
            file.load("meedee", "updated_at").unwrap(),
            None,
            "no file yet"
        );
        let cursor: DateTime<Utc> = "2026-05-11T15:14:06.138Z".parse().unwrap();
        file.save(&SyncState {
            provider: "meedee".into(),
            cursor_field: "updated_at".into(),
            cursor: Some(cursor),
        })
        .unwrap();
        assert_eq!(file.load("meedee", "updated_at").unwrap(), Some(cursor));
        let error = file.load("ladiflow", "updated_at").unwrap_err();
        assert_eq!(error.code, crate::exit::USAGE);
        assert!(error.message.contains("is for meedee"), "{}", error.message);
        std::fs::write(dir.path().join("state.json"), "{\"cursor\": 3}").unwrap();
        let error = file.load("meedee", "updated_at").unwrap_err();
        assert!(
            error.message.contains("not a custkit sync state"),
            "{}",
            error.message
        );
    }
}

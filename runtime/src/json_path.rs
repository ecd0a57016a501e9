//! Finding values in a response body by key path, without building a `serde_json::Value`
//! of the whole page: only the objects along the path are scanned, and records stay
//! borrowed JSON text.

use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::HashMap;

/// The value at `path` below `doc`, or `None` when a key is missing or `null`.
///
/// Fails when something along the path is not an object.
pub fn lookup<'a>(doc: &'a RawValue, path: &[&str]) -> Result<Option<&'a RawValue>, String> {
    let mut current = doc;
    for (depth, key) in path.iter().enumerate() {
        let object: Option<HashMap<String, &'a RawValue>> = serde_json::from_str(current.get())
            .map_err(|_| format!("`{}` is not an object", path[..depth].join(".")))?;
        let Some(mut object) = object else {
            return Ok(None);
        };
        match object.remove(*key) {
            Some(next) => current = next,
            None => return Ok(None),
        }
    }
    Ok(if current.get() == "null" {
        None
    } else {
        Some(current)
    })
}

/// The value at `path`, deserialized.
pub fn lookup_as<'a, T: Deserialize<'a>>(
    doc: &'a RawValue,
    path: &[&str],
) -> Result<Option<T>, String> {
    match lookup(doc, path)? {
        None => Ok(None),
        Some(raw) => serde_json::from_str(raw.get())
            .map(Some)
            .map_err(|error| format!("`{}`: {error}", path.join("."))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_values_and_reports_missing_ones() {
        let doc: &RawValue =
            serde_json::from_str(r#"{"meta":{"last_page":3},"data":[1,2]}"#).unwrap();
        assert_eq!(
            lookup_as::<u64>(doc, &["meta", "last_page"]).unwrap(),
            Some(3)
        );
        assert_eq!(lookup(doc, &["data"]).unwrap().unwrap().get(), "[1,2]");
        assert!(lookup(doc, &["meta", "nope"]).unwrap().is_none());
        assert!(lookup(doc, &["data", "x"]).is_err());
    }
}

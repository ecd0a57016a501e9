//! Finding values in a response body by key path, without building a `serde_json::Value`
//! of the whole page: only the objects along the path are scanned, and records stay
//! borrowed JSON text.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::fmt;

/// The value at `path` below `doc`, or `None` when a key is missing or `null`.
///
/// Fails when something along the path is not an object.
pub fn lookup<'a>(doc: &'a RawValue, path: &[&str]) -> Result<Option<&'a RawValue>, String> {
    lookup_in(doc.get(), path)
}

/// Like [`lookup`], from JSON text: the text is checked to be JSON along the way, so a
/// response body needs no separate pass to validate it first.
pub fn lookup_in<'a>(text: &'a str, path: &[&str]) -> Result<Option<&'a RawValue>, String> {
    if path.is_empty() {
        let doc: &RawValue = serde_json::from_str(text).map_err(|error| error.to_string())?;
        return Ok(Some(doc).filter(|doc| doc.get() != "null"));
    }
    let mut current = text;
    let mut found = None;
    for (depth, key) in path.iter().enumerate() {
        let mut deserializer = serde_json::Deserializer::from_str(current);
        let member = Member(key)
            .deserialize(&mut deserializer)
            .and_then(|member| deserializer.end().map(|()| member))
            .map_err(|_| format!("`{}` is not an object", path[..depth].join(".")))?;
        let Some(Some(value)) = member else {
            return Ok(None);
        };
        current = value.get();
        found = Some(value);
    }
    Ok(found.filter(|value| value.get() != "null"))
}

/// The value at `path`, deserialized.
pub fn lookup_as<'a, T: Deserialize<'a>>(
    doc: &'a RawValue,
    path: &[&str],
) -> Result<Option<T>, String> {
    lookup_in_as(doc.get(), path)
}

/// Like [`lookup_as`], from JSON text (see [`lookup_in`]).
pub fn lookup_in_as<'a, T: Deserialize<'a>>(
    text: &'a str,
    path: &[&str],
) -> Result<Option<T>, String> {
    match lookup_in(text, path)? {
        None => Ok(None),
        Some(raw) => serde_json::from_str(raw.get())
            .map(Some)
            .map_err(|error| format!("`{}`: {error}", path.join("."))),
    }
}

/// The member `key` of an object, borrowed; other members are skipped without being
/// built. `None` for `null`, `Some(None)` for an object without the key. A repeated key
/// reads as its last value.
#[derive(Clone, Copy)]
struct Member<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for Member<'_> {
    type Value = Option<Option<&'de RawValue>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for Member<'_> {
    type Value = Option<Option<&'de RawValue>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(wanted) = map.next_key_seed(KeyIs(self.0))? {
            if wanted {
                found = Some(map.next_value::<&RawValue>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Some(found))
    }
}

/// Whether an object key is the one looked for, without allocating it.
struct KeyIs<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(key == self.0)
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
        assert!(lookup(doc, &["data", "x", "y"]).is_err());
    }

    #[test]
    fn reads_text_null_levels_repeated_keys_and_escaped_keys() {
        let text = r#"{"a":null,"b":{"c":1},"b":{"c":2},"e\u0078":{"y":[1]}}"#;
        assert!(lookup_in(text, &["a", "x"]).unwrap().is_none());
        assert!(lookup_in(text, &["a"]).unwrap().is_none());
        assert_eq!(lookup_in_as::<u64>(text, &["b", "c"]).unwrap(), Some(2));
        assert_eq!(lookup_in(text, &["ex", "y"]).unwrap().unwrap().get(), "[1]");
        assert_eq!(lookup_in(text, &[]).unwrap().unwrap().get(), text);
        assert!(lookup_in("{\"a\":1} trailing", &["a"]).is_err());
        assert!(lookup_in("<html>", &["a"]).is_err());
    }
}

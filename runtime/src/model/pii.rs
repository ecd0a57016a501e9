//! Personal data that a provider may withhold.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A personal-data field that a provider may withhold (for example when the API token
/// lacks a PII scope).
///
/// `Withheld` means "the provider did not tell us", which is different from a known empty
/// value (`Known(vec![])`, `Known(None)`): a sync must never overwrite known data with
/// `Withheld`.
///
/// In JSON, `Known(v)` is `v` itself and `Withheld` is `{"withheld": true}`, so consumers
/// of JSON output can tell the two apart too.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Pii<T> {
    /// The provider withheld this field.
    Withheld,
    /// The provider sent this value (which may itself be empty).
    Known(T),
}

impl<T> Pii<T> {
    /// Whether the provider withheld the field.
    pub fn is_withheld(&self) -> bool {
        matches!(self, Pii::Withheld)
    }

    /// The value, if the provider sent one.
    pub fn known(&self) -> Option<&T> {
        match self {
            Pii::Known(value) => Some(value),
            Pii::Withheld => None,
        }
    }

    /// Consumes `self`, returning the value if the provider sent one.
    pub fn into_known(self) -> Option<T> {
        match self {
            Pii::Known(value) => Some(value),
            Pii::Withheld => None,
        }
    }

    /// Maps a known value, keeping `Withheld` as is.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Pii<U> {
        match self {
            Pii::Known(value) => Pii::Known(f(value)),
            Pii::Withheld => Pii::Withheld,
        }
    }

    /// Keeps `self` unless it is `Withheld`, in which case `previous` wins: how a sync
    /// merges a fresh record into stored data.
    pub fn or_previous(self, previous: Pii<T>) -> Pii<T> {
        match self {
            Pii::Withheld => previous,
            known => known,
        }
    }
}

impl<T: Default> Default for Pii<T> {
    fn default() -> Self {
        Pii::Known(T::default())
    }
}

/// Never prints the value: PII stays out of logs even when a whole struct is debug-printed.
impl<T> std::fmt::Debug for Pii<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Pii::Withheld => f.write_str("Withheld"),
            Pii::Known(_) => f.write_str("Known(<redacted>)"),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct WithheldMarker {
    withheld: bool,
}

impl<T: Serialize> Serialize for Pii<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Pii::Known(value) => value.serialize(serializer),
            Pii::Withheld => WithheldMarker { withheld: true }.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Pii<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr<T> {
            Withheld(WithheldMarker),
            Known(T),
        }
        Ok(match Repr::deserialize(deserializer)? {
            Repr::Withheld(WithheldMarker { withheld: true }) => Pii::Withheld,
            Repr::Withheld(WithheldMarker { withheld: false }) => {
                return Err(serde::de::Error::custom("`withheld` marker must be true"))
            }
            Repr::Known(value) => Pii::Known(value),
        })
    }
}

/// In JSON, the value itself, or `{"withheld": true}`.
#[cfg(feature = "schemars")]
impl<T: schemars::JsonSchema> schemars::JsonSchema for Pii<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Pii_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "anyOf": [
                generator.subschema_for::<T>(),
                {
                    "type": "object",
                    "properties": { "withheld": { "const": true } },
                    "required": ["withheld"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shapes_distinguish_withheld_from_empty() {
        let withheld: Pii<Vec<String>> = Pii::Withheld;
        let empty: Pii<Vec<String>> = Pii::Known(vec![]);
        assert_eq!(
            serde_json::to_string(&withheld).unwrap(),
            r#"{"withheld":true}"#
        );
        assert_eq!(serde_json::to_string(&empty).unwrap(), "[]");
        let back: Pii<Vec<String>> = serde_json::from_str(r#"{"withheld":true}"#).unwrap();
        assert!(back.is_withheld());
        let back: Pii<Option<String>> = serde_json::from_str("null").unwrap();
        assert_eq!(back, Pii::Known(None));
    }

    #[test]
    fn debug_never_prints_the_value() {
        let value = Pii::Known("0812345678".to_string());
        assert_eq!(format!("{value:?}"), "Known(<redacted>)");
    }

    #[test]
    fn withheld_never_replaces_known_data() {
        let stored = Pii::Known(Some("a@example.com"));
        assert_eq!(Pii::Withheld.or_previous(stored.clone()), stored);
        assert_eq!(Pii::Known(None).or_previous(stored), Pii::Known(None));
    }
}

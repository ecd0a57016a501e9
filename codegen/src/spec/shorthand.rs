//! Keys that accept either a one-word shorthand (`id: integer`, `code: code`) or the full
//! mapping form. Errors in either form keep their key path (see `load::recover`).

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// A spec type with a shorthand string form.
pub trait Shorthand: Sized {
    /// What the expected forms are, for error messages.
    const EXPECTING: &'static str;
    /// The full form, deserialized from a mapping.
    type Full: for<'de> Deserialize<'de>;
    /// Parses the shorthand.
    fn from_shorthand(text: &str) -> Result<Self, String>;
    /// Checks and converts the full form.
    fn from_full(full: Self::Full) -> Result<Self, String>;
}

/// Deserializes a [`Shorthand`] type from a string or a mapping.
pub fn deserialize<'de, D: Deserializer<'de>, T: Shorthand>(
    deserializer: D,
) -> Result<T, D::Error> {
    struct ShorthandVisitor<T>(PhantomData<T>);

    impl<'de, T: Shorthand> Visitor<'de> for ShorthandVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(T::EXPECTING)
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
            T::from_shorthand(text).map_err(E::custom)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            let full = T::Full::deserialize(de::value::MapAccessDeserializer::new(map))?;
            T::from_full(full).map_err(de::Error::custom)
        }
    }

    deserializer.deserialize_any(ShorthandVisitor(PhantomData))
}

/// Implements `Deserialize` and `JsonSchema` for a [`Shorthand`] type: the schema is
/// "a string matching `$pattern`, or the full form".
macro_rules! shorthand_impls {
    ($ty:ty, $name:literal, $pattern:literal, $description:literal) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::spec::shorthand::deserialize(deserializer)
            }
        }

        impl schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                $name.into()
            }

            fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let full = generator.subschema_for::<<$ty as $crate::spec::shorthand::Shorthand>::Full>();
                schemars::json_schema!({
                    "description": $description,
                    "anyOf": [
                        { "type": "string", "pattern": $pattern },
                        full
                    ]
                })
            }
        }
    };
}

pub(crate) use shorthand_impls;

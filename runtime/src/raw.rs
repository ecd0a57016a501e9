//! Serde helpers for the quirks of providers' raw records. Generated raw types name them
//! in `#[serde(...)]` attributes, as the spec asks.

use crate::model::Pii;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A JSON string of a raw record, borrowed from the record's text when it has no escape
/// sequences (copied when it has). Normalizers decode records into types made of these,
/// so that only the texts they keep are ever copied. No `Debug`: it is personal data.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Text<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;

        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;

            /// The same words as `String`'s, so decode errors read the same.
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(text)))
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(text.to_string())))
            }

            fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(text)))
            }
        }

        deserializer.deserialize_string(TextVisitor)
    }
}

/// `Pii::Withheld`: the value of a scoped field whose key is absent from the record.
pub fn withheld<T>() -> Pii<T> {
    Pii::Withheld
}

/// Deserializes a present scoped field as `Pii::Known`.
pub fn known<'de, D, T>(deserializer: D) -> Result<Pii<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Pii::Known)
}

/// An object that the provider sends as `[]` (or `null`) when it is empty: `[]` and
/// `null` become `None`, an object becomes `Some`.
pub fn empty_array_as_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct ObjectOrEmptyArray<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectOrEmptyArray<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object, or an empty array meaning none")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            match seq.next_element::<de::IgnoredAny>()? {
                None => Ok(None),
                Some(_) => Err(de::Error::custom(
                    "expected an object or an empty array, found a non-empty array",
                )),
            }
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
        }
    }

    deserializer.deserialize_any(ObjectOrEmptyArray(PhantomData))
}

/// A list that the provider sends as a single object when it has one element.
pub fn one_or_many<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct OneOrMany<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for OneOrMany<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array, or a single object")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }

        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            Vec::<T>::deserialize(de::value::SeqAccessDeserializer::new(seq))
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map)).map(|one| vec![one])
        }
    }

    deserializer.deserialize_any(OneOrMany(PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, PartialEq, Debug)]
    struct Creator {
        id: i64,
    }

    #[derive(Deserialize, Debug)]
    struct Record {
        #[serde(default, deserialize_with = "empty_array_as_none")]
        creator: Option<Creator>,
        #[serde(default = "withheld", deserialize_with = "known")]
        phone: Pii<Option<String>>,
        #[serde(default, deserialize_with = "one_or_many")]
        items: Vec<Creator>,
    }

    #[test]
    fn empty_array_means_none() {
        let r: Record = serde_json::from_str(r#"{"creator":[]}"#).unwrap();
        assert_eq!(r.creator, None);
        let r: Record = serde_json::from_str(r#"{"creator":{"id":1}}"#).unwrap();
        assert_eq!(r.creator, Some(Creator { id: 1 }));
        assert!(serde_json::from_str::<Record>(r#"{"creator":[1]}"#).is_err());
    }

    #[test]
    fn absent_scoped_key_is_withheld_and_null_is_known() {
        let r: Record = serde_json::from_str("{}").unwrap();
        assert!(r.phone.is_withheld());
        let r: Record = serde_json::from_str(r#"{"phone":null}"#).unwrap();
        assert_eq!(r.phone, Pii::Known(None));
    }

    #[test]
    fn text_borrows_unless_escaped_and_fails_like_string() {
        let text: Text<'_> = serde_json::from_str(r#""Lệ""#).unwrap();
        assert!(matches!(text.0, Cow::Borrowed("Lệ")));
        let text: Text<'_> = serde_json::from_str(r#""a\/b""#).unwrap();
        assert!(matches!(text.0, Cow::Owned(ref owned) if owned == "a/b"));
        let text_error = serde_json::from_str::<Text<'_>>("5").err().unwrap();
        let string_error = serde_json::from_str::<String>("5").err().unwrap();
        assert_eq!(text_error.to_string(), string_error.to_string());
    }

    #[test]
    fn single_object_is_a_list_of_one() {
        let r: Record = serde_json::from_str(r#"{"items":{"id":3}}"#).unwrap();
        assert_eq!(r.items, vec![Creator { id: 3 }]);
        let r: Record = serde_json::from_str(r#"{"items":[{"id":3},{"id":4}]}"#).unwrap();
        assert_eq!(r.items.len(), 2);
    }
}

//! A borrowed, type-erased view of one raw field.

use crate::model::Pii;
use std::borrow::Cow;

/// One raw field's value, borrowed from the typed raw record.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Value<'a> {
    /// Absent, `null`, or withheld.
    #[default]
    Null,
    /// Text.
    Str(Cow<'a, str>),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// Any other JSON (arrays, objects).
    Json(&'a serde_json::Value),
}

impl Value<'_> {
    /// The value as text, for scalars; `None` for `Null` and structured JSON.
    pub fn as_text(&self) -> Option<Cow<'_, str>> {
        match self {
            Value::Null | Value::Json(_) => None,
            Value::Str(s) => Some(Cow::Borrowed(s.as_ref())),
            Value::Int(i) => Some(Cow::Owned(i.to_string())),
            Value::Float(f) => Some(Cow::Owned(f.to_string())),
            Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
        }
    }

    /// Whether the value means "nothing": `null`, or text that is empty or only spaces.
    /// Providers use `""` and `null` interchangeably, so every transform treats both as
    /// absent.
    pub fn is_blank(&self) -> bool {
        match self {
            Value::Null => true,
            Value::Str(s) => trim(s).is_empty(),
            Value::Json(serde_json::Value::Null) => true,
            _ => false,
        }
    }
}

/// `text` without leading and trailing whitespace, exactly as [`str::trim`], deciding from
/// the first and last bytes alone when they cannot belong to a whitespace character (the
/// usual case, in any script) instead of decoding characters: every text of every record
/// goes through here.
///
/// Besides ASCII's, Unicode's whitespace characters are U+0085, U+00A0, U+1680,
/// U+2000–U+200A, U+2028, U+2029, U+202F, U+205F and U+3000: in UTF-8 they start with
/// `C2` or `E1`–`E3`, and end with `80`–`8A`, `9F`, `A0`, `A8`, `A9` or `AF`.
pub(super) fn trim(text: &str) -> &str {
    let ascii_solid = |byte: u8| !matches!(byte, b'\t'..=b'\r' | b' ');
    let starts_solid = text.as_bytes().first().is_some_and(|&byte| match byte {
        0..0x80 => ascii_solid(byte),
        _ => !matches!(byte, 0xC2 | 0xE1..=0xE3),
    });
    let ends_solid = text.as_bytes().last().is_some_and(|&byte| match byte {
        0..0x80 => ascii_solid(byte),
        _ => !matches!(byte, 0x80..=0x8A | 0x9F | 0xA0 | 0xA8 | 0xA9 | 0xAF),
    });
    match (starts_solid, ends_solid) {
        (true, true) => text,
        (true, false) => text.trim_end(),
        (false, true) => text.trim_start(),
        (false, false) => text.trim(),
    }
}

/// Types a raw record's fields can have, viewed as a [`Value`].
pub trait AsValue {
    /// Borrows the field as a [`Value`].
    fn as_value(&self) -> Value<'_>;
}

impl AsValue for String {
    fn as_value(&self) -> Value<'_> {
        Value::Str(Cow::Borrowed(self))
    }
}

impl AsValue for crate::raw::Text<'_> {
    fn as_value(&self) -> Value<'_> {
        Value::Str(Cow::Borrowed(&self.0))
    }
}

impl AsValue for i64 {
    fn as_value(&self) -> Value<'_> {
        Value::Int(*self)
    }
}

impl AsValue for f64 {
    fn as_value(&self) -> Value<'_> {
        Value::Float(*self)
    }
}

impl AsValue for bool {
    fn as_value(&self) -> Value<'_> {
        Value::Bool(*self)
    }
}

impl AsValue for serde_json::Value {
    fn as_value(&self) -> Value<'_> {
        match self {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::String(s) => Value::Str(Cow::Borrowed(s)),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => n.as_f64().map_or(Value::Json(self), Value::Float),
            },
            other => Value::Json(other),
        }
    }
}

impl<T: AsValue> AsValue for Option<T> {
    fn as_value(&self) -> Value<'_> {
        self.as_ref().map_or(Value::Null, AsValue::as_value)
    }
}

impl<T: AsValue> AsValue for Box<T> {
    fn as_value(&self) -> Value<'_> {
        (**self).as_value()
    }
}

/// A withheld field reads as `Null`; normalizers check [`Pii::is_withheld`] first where
/// the distinction matters.
impl<T: AsValue> AsValue for Pii<T> {
    fn as_value(&self) -> Value<'_> {
        self.known().map_or(Value::Null, AsValue::as_value)
    }
}

#[cfg(test)]
mod tests {
    use super::trim;
    use proptest::prelude::*;

    #[test]
    fn trim_agrees_with_str_trim_at_the_edges_it_decides_fast() {
        for text in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\u{a0}a",
            "a\u{a0}",
            "\u{b}a\u{b}",
            "\u{1c}a",
            "Lệ",
            " Lệ ",
            "\u{3000}Lệ",
            "x\u{2029}",
            "สมชาย ใจดี",
            "\u{85}ใจดี",
            "สมชาย\u{1680}",
            "\u{202f}ใจ\u{3000}",
            "é",
        ] {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }

    /// The bytes `trim` decides by are those every whitespace character starts and ends
    /// with.
    #[test]
    fn whitespace_characters_start_and_end_with_the_bytes_trim_checks() {
        for c in (char::MIN..=char::MAX).filter(|c| c.is_whitespace() && !c.is_ascii()) {
            let mut buffer = [0; 4];
            let bytes = c.encode_utf8(&mut buffer).as_bytes();
            assert!(matches!(bytes[0], 0xC2 | 0xE1..=0xE3), "{c:?}");
            assert!(
                matches!(
                    bytes[bytes.len() - 1],
                    0x80..=0x8A | 0x9F | 0xA0 | 0xA8 | 0xA9 | 0xAF
                ),
                "{c:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn trim_is_str_trim(
            text in "\\PC{0,8}|[ \\t\\n\\u{b}\\u{a0}\\u{2000}a-z]{0,8}|\
                     [\\u{85}\\u{a0}\\u{1680}\\u{2000}-\\u{200a}\\u{2028}\\u{2029}\\u{202f}\\u{205f}\\u{3000}ก-ฮเ-ไ่-๋ aệ]{0,6}"
        ) {
            prop_assert_eq!(trim(&text), text.trim());
        }
    }
}

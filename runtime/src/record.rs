//! One raw record in flight: its JSON text and where it came from.

use crate::error::RecordError;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use std::fmt;

/// Where a record sat in the provider's responses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RecordPosition {
    /// The page, counted from 1 in the order pages were requested.
    pub page: u64,
    /// The record's index within its page, from 0.
    pub index: usize,
}

impl fmt::Display for RecordPosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "page {}, record {}", self.page, self.index)
    }
}

/// A record's JSON exactly as the provider sent it, not yet decoded. Decoding one record
/// at a time is what lets a malformed record be reported while the stream goes on.
#[derive(Clone)]
pub struct RawRecord {
    /// Where it came from.
    pub position: RecordPosition,
    /// The record's JSON text.
    pub json: Box<RawValue>,
}

impl RawRecord {
    /// Decodes the record into a generated raw type.
    pub fn decode<T: DeserializeOwned>(
        &self,
        endpoint: &crate::EndpointSpec,
    ) -> Result<T, RecordError> {
        serde_json::from_str(self.json.get())
            .map_err(|error| RecordError::new(endpoint, self, decode_reason(&error)))
    }
}

/// Decodes and normalizes one record, whose text becomes `Customer::raw`; a record that
/// fails is handed back with the reason, so it can be reported with its text.
pub type Normalizer = fn(RawRecord) -> Result<crate::Customer, (RawRecord, String)>;

/// Never prints the JSON: it is personal data.
impl fmt::Debug for RawRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawRecord")
            .field("position", &self.position)
            .finish_non_exhaustive()
    }
}

/// serde_json's message without the offending value: "invalid type: string \"Nguyễn\",
/// expected i64" would leak a name.
pub fn decode_reason(error: &serde_json::Error) -> String {
    mismatch_reason(&redacted_reason(error), error.column())
}

/// The reason of every record that does not decode, whichever decoder read it: `what`
/// went wrong (never quoting a value) and the column where.
pub fn mismatch_reason(what: &str, column: usize) -> String {
    format!("does not match the spec's record type: {what} (column {column})")
}

/// serde_json's message with every value redacted (see [`redact_values`]) and without its
/// position.
pub fn redacted_reason(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let message = match message.find(" at line ") {
        Some(at) => &message[..at],
        None => &message,
    };
    redact_values(message)
}

/// The words with which serde introduces a value it was given in backticks (`integer
/// `84912345678``, `unknown variant `vip``), as opposed to the names of the fields and
/// variants it expected, which it backticks too and which are kept: they say what is
/// wrong.
const VALUE_INTRODUCERS: [&str; 4] = ["integer ", "floating point ", "character ", "variant "];

/// Redacts every value a serde message quotes, so that any decode error of personal or
/// secret data can be shown: `"..."` becomes `"…"`, and a backticked value
/// (``integer `84912345678` `` — a phone number sent as a number is personal data too)
/// becomes `` `…` ``. Backticked field and variant names stay.
pub fn redact_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut hiding: Option<char> = None;
    for c in message.chars() {
        match hiding {
            Some(close) if c == close => {
                out.push('…');
                out.push(c);
                hiding = None;
            }
            Some(_) => {}
            None if c == '"' => {
                out.push(c);
                hiding = Some('"');
            }
            None if c == '`' && VALUE_INTRODUCERS.iter().any(|word| out.ends_with(word)) => {
                out.push(c);
                hiding = Some('`');
            }
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_errors_do_not_leak_values() {
        let error = serde_json::from_str::<i64>("\"Nguyễn Mạnh Dũng\"").unwrap_err();
        let reason = decode_reason(&error);
        assert!(!reason.contains("Nguyễn"), "{reason}");
        assert!(reason.contains("expected i64"), "{reason}");
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Contact {
        phone: String,
        tier: Tier,
        score: u8,
    }

    #[derive(Debug, serde::Deserialize)]
    enum Tier {
        Gold,
        Silver,
    }

    #[test]
    fn numbers_and_variants_given_are_redacted_and_names_expected_are_kept() {
        let cases = [
            (
                r#"{"phone": 84912345678, "tier": "Gold", "score": 1}"#,
                "84912345678",
                "invalid type: integer `…`, expected a string",
            ),
            (
                r#"{"phone": 8491234.5678, "tier": "Gold", "score": 1}"#,
                "8491234.5678",
                "invalid type: floating point `…`, expected a string",
            ),
            (
                r#"{"phone": "0912", "tier": "Nguyễn-VIP", "score": 1}"#,
                "Nguyễn-VIP",
                "unknown variant `…`, expected `Gold` or `Silver`",
            ),
            (
                r#"{"phone": "0912", "tier": "Gold", "score": 912345}"#,
                "912345",
                "invalid value: integer `…`, expected u8",
            ),
            (
                r#"{"tier": "Gold", "score": 1}"#,
                "",
                "missing field `phone`",
            ),
        ];
        for (json, value, expected) in cases {
            let error = serde_json::from_str::<Contact>(json).unwrap_err();
            let reason = redacted_reason(&error);
            assert_eq!(reason, expected, "{json}");
            assert!(value.is_empty() || !reason.contains(value), "{reason}");
        }
    }
}

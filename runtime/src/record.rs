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
    format!(
        "does not match the spec's record type: {} (column {})",
        redacted_reason(error),
        error.column()
    )
}

/// serde_json's message with every quoted value redacted and without its position.
pub fn redacted_reason(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let message = match message.find(" at line ") {
        Some(at) => &message[..at],
        None => &message,
    };
    redact_quoted(message)
}

/// Replaces every `"..."` in serde's message, except backticked field names, by `"…"`:
/// what lets any decode error of personal or secret data be shown.
pub fn redact_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut in_quote = false;
    for c in message.chars() {
        if c == '"' {
            if in_quote {
                out.push('…');
            }
            in_quote = !in_quote;
            out.push(c);
        } else if !in_quote {
            out.push(c);
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
}

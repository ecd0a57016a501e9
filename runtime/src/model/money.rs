//! Money as an exact decimal plus an ISO 4217 currency.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of money. The amount is exact (never a float) and serializes as a string,
/// so `"198860000"` survives every JSON consumer unchanged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Money {
    /// The exact amount, in the currency's major unit.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "schemars", schemars(with = "String"))]
    pub amount: Decimal,
    /// The currency the amount is in.
    pub currency: Currency,
}

/// An ISO 4217 currency code such as `VND` or `THB`.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    /// Parses a three-letter code, case-insensitively; `None` if it is not three ASCII letters.
    pub fn new(code: &str) -> Option<Currency> {
        let bytes = code.as_bytes();
        if bytes.len() == 3 && bytes.iter().all(u8::is_ascii_alphabetic) {
            Some(Currency([
                bytes[0].to_ascii_uppercase(),
                bytes[1].to_ascii_uppercase(),
                bytes[2].to_ascii_uppercase(),
            ]))
        } else {
            None
        }
    }

    /// The code, upper case.
    pub fn as_str(&self) -> &str {
        // Constructed only from ASCII letters.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(code: String) -> Result<Self, Self::Error> {
        Currency::new(&code).ok_or_else(|| format!("`{code}` is not an ISO 4217 currency code"))
    }
}

impl From<Currency> for String {
    fn from(currency: Currency) -> String {
        currency.as_str().to_string()
    }
}

/// In JSON, a three-letter upper-case code.
#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Currency {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Currency".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "pattern": "^[A-Z]{3}$" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_codes_are_validated_and_upper_cased() {
        assert_eq!(Currency::new("vnd").unwrap().as_str(), "VND");
        assert!(Currency::new("VN").is_none());
        assert!(Currency::new("V1D").is_none());
    }

    #[test]
    fn amounts_serialize_as_exact_strings() {
        let money = Money {
            amount: Decimal::new(198_860_000, 0),
            currency: Currency::new("VND").unwrap(),
        };
        assert_eq!(
            serde_json::to_string(&money).unwrap(),
            r#"{"amount":"198860000","currency":"VND"}"#
        );
    }
}

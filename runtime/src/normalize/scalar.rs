//! Transforms producing text, numbers, booleans, enums and money.

use super::value::trim;
use super::{NormalizeError, Value};
use crate::model::{CompactString, Currency, Money};
use compact_str::{format_compact, ToCompactString};
use rust_decimal::Decimal;
use std::str::FromStr;

/// Text, trimmed; blank text and `null` become `None`. Numbers and booleans are written
/// out (an integer id becomes `"2150"`).
pub fn text(value: &Value<'_>) -> Option<CompactString> {
    match value {
        Value::Str(text) => {
            let text = trim(text);
            (!text.is_empty()).then(|| CompactString::from(text))
        }
        Value::Null | Value::Json(_) => None,
        Value::Int(i) => Some(i.to_compact_string()),
        // Written as the standard library writes it (`1e21`, not a shortest form).
        Value::Float(f) => Some(format_compact!("{f}")),
        Value::Bool(b) => Some(b.to_compact_string()),
    }
}

/// Several values as texts, skipping blanks. A structured JSON array of scalars
/// contributes each element. An iterator, so that the texts go straight into the list
/// that keeps them.
pub fn text_list<'a, I>(values: I) -> impl Iterator<Item = CompactString> + 'a
where
    I: IntoIterator<Item = Value<'a>>,
    I::IntoIter: 'a,
{
    values.into_iter().flat_map(|value| {
        let (items, single): (&[serde_json::Value], _) = match value {
            Value::Json(serde_json::Value::Array(items)) => (items, None),
            other => (&[], text(&other)),
        };
        items
            .iter()
            .filter_map(|item| text(&super::AsValue::as_value(item)))
            .chain(single)
    })
}

/// `null` when the value's text is one of `sentinels` (a provider's `"0"` for "no phone").
pub fn null_if<'a>(value: Value<'a>, sentinels: &[&str]) -> Value<'a> {
    match value.as_text() {
        Some(text) if sentinels.contains(&trim(&text)) => Value::Null,
        _ => value,
    }
}

/// Looks the value's text up in `table`; blank values and values not in the table give
/// `None`, so callers fall back to their default.
pub fn enum_map<T: Copy>(value: &Value<'_>, table: &[(&str, T)]) -> Option<T> {
    if value.is_blank() {
        return None;
    }
    let key = value.as_text()?;
    table
        .iter()
        .find(|(from, _)| *from == trim(&key))
        .map(|(_, to)| *to)
}

/// An exact decimal from a number or numeric text.
pub fn decimal(field: &'static str, value: &Value<'_>) -> Result<Option<Decimal>, NormalizeError> {
    money_amount(field, value, &MoneyFormat::PLAIN)
}

/// A non-negative count from an integer, an integral float, or integral text.
pub fn count(field: &'static str, value: &Value<'_>) -> Result<Option<u64>, NormalizeError> {
    let invalid = || NormalizeError::new(field, "expected a non-negative whole number");
    match value {
        _ if value.is_blank() => Ok(None),
        Value::Int(i) => u64::try_from(*i).map(Some).map_err(|_| invalid()),
        Value::Float(f) if f.fract() == 0.0 && *f >= 0.0 && *f < u64::MAX as f64 => {
            Ok(Some(*f as u64))
        }
        Value::Str(s) => trim(s).parse::<u64>().map(Some).map_err(|_| invalid()),
        _ => Err(invalid()),
    }
}

/// A boolean from `true`/`false`, `1`/`0`, or their text forms.
pub fn boolean(field: &'static str, value: &Value<'_>) -> Result<Option<bool>, NormalizeError> {
    match value {
        _ if value.is_blank() => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        Value::Int(0) => Ok(Some(false)),
        Value::Int(1) => Ok(Some(true)),
        Value::Str(s) => match trim(s).to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Ok(Some(true)),
            "false" | "0" | "no" => Ok(Some(false)),
            _ => Err(NormalizeError::new(field, "expected true/false or 1/0")),
        },
        _ => Err(NormalizeError::new(field, "expected true/false or 1/0")),
    }
}

/// How a provider writes amounts as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MoneyFormat {
    /// The thousands separator, if any (`,` in `"198,860,000"`).
    pub thousands: Option<char>,
    /// The decimal separator.
    pub decimal: char,
}

impl MoneyFormat {
    /// Plain numbers: no thousands separator, `.` for decimals.
    pub const PLAIN: MoneyFormat = MoneyFormat {
        thousands: None,
        decimal: '.',
    };
}

/// Money from a number or formatted text, in `currency`.
pub fn money(
    field: &'static str,
    value: &Value<'_>,
    format: &MoneyFormat,
    currency: &str,
) -> Result<Option<Money>, NormalizeError> {
    let Some(amount) = money_amount(field, value, format)? else {
        return Ok(None);
    };
    let currency = Currency::new(currency)
        .ok_or_else(|| NormalizeError::new(field, "the spec's currency is not an ISO 4217 code"))?;
    Ok(Some(Money { amount, currency }))
}

fn money_amount(
    field: &'static str,
    value: &Value<'_>,
    format: &MoneyFormat,
) -> Result<Option<Decimal>, NormalizeError> {
    let invalid = || NormalizeError::new(field, "expected a number");
    match value {
        _ if value.is_blank() => Ok(None),
        Value::Int(i) => Ok(Some(Decimal::from(*i))),
        Value::Float(f) => float_decimal(*f).map(Some).ok_or_else(invalid),
        Value::Str(s) => {
            let text = trim(s);
            let mut buffer = [0u8; 64];
            let parsed = match plain_amount(text, format, &mut buffer) {
                Some(plain) => Decimal::from_str(plain),
                None => Decimal::from_str(&plain_chars(text, *format).collect::<String>()),
            };
            parsed.map(Some).map_err(|_| {
                NormalizeError::new(
                    field,
                    "expected an amount such as 1,234.50 in the spec's format",
                )
            })
        }
        _ => Err(invalid()),
    }
}

/// The decimal `f` is written as: the shortest digits that read back as `f`, those
/// `f64`'s `Display` writes (`1250.4`, not the binary value's `1250.400000000000091`).
/// `None` for a float no decimal holds (infinite, NaN, beyond 28 digits).
fn float_decimal(f: f64) -> Option<Decimal> {
    shortest_scaled(f).or_else(|| Decimal::from_str(&f.to_string()).ok())
}

/// [`float_decimal`] without formatting and parsing text, for the usual amount: at most
/// 15 digits after the point, and below 2^50 once scaled to whole digits.
///
/// For each scale `k` from 0 up, the only decimal of `k` fraction digits that can read
/// back as `f` is `round(f·10^k)·10^-k`: below 2^50 the scaled float is off by at most
/// 1/16 and the decimals that read back as `f` lie within 1/8 of the exact product, so no
/// other whole number is near enough. Whether it reads back is decided exactly: a whole
/// number below 2^53 divided by a power of ten up to 10^22 is rounded once, as parsing
/// its decimal text rounds it. The first scale that reads back gives the fewest digits,
/// so the same decimal `Display` writes. `None` (take the text route) otherwise.
fn shortest_scaled(f: f64) -> Option<Decimal> {
    const LIMIT: f64 = (1u64 << 50) as f64;
    // `Display` writes negative zero as `-0`, a decimal of its own.
    if f == 0.0 && f.is_sign_negative() {
        return None;
    }
    for (scale, power) in (0u32..).zip(crate::scan::EXACT_POWERS_OF_TEN) {
        let scaled = f * power;
        // NaN and the infinities are not finite either.
        if !scaled.is_finite() || scaled.abs() >= LIMIT {
            return None;
        }
        let digits = scaled.round();
        if digits / power == f {
            // Exact: `digits` is a whole number below 2^50.
            return Some(Decimal::new(digits as i64, scale));
        }
    }
    None
}

/// The characters of `text` as a plain number: no thousands separators, `.` for
/// decimals.
fn plain_chars(text: &str, format: MoneyFormat) -> impl Iterator<Item = char> + '_ {
    text.chars()
        .filter(move |&c| Some(c) != format.thousands)
        .map(move |c| if c == format.decimal { '.' } else { c })
}

/// [`plain_chars`] written into `buffer`: amounts are short, and this runs for every
/// amount of every record. `None` when they do not fit.
fn plain_amount<'b>(text: &str, format: &MoneyFormat, buffer: &'b mut [u8; 64]) -> Option<&'b str> {
    let mut len = 0;
    for c in plain_chars(text, *format) {
        let end = len + c.len_utf8();
        c.encode_utf8(buffer.get_mut(len..end)?);
        len = end;
    }
    std::str::from_utf8(&buffer[..len]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn s(text: &str) -> Value<'_> {
        Value::Str(Cow::Borrowed(text))
    }

    #[test]
    fn text_treats_blank_and_null_alike() {
        assert_eq!(text(&s("  KH75 ")), Some("KH75".into()));
        assert_eq!(text(&s("")), None);
        assert_eq!(text(&Value::Null), None);
        assert_eq!(text(&Value::Int(2150)), Some("2150".into()));
    }

    #[test]
    fn thousands_separated_money_is_exact() {
        let vnd = MoneyFormat {
            thousands: Some(','),
            decimal: '.',
        };
        let money = money("total_spent", &s("198,860,000"), &vnd, "VND")
            .unwrap()
            .unwrap();
        assert_eq!(money.amount, Decimal::from(198_860_000));
        assert_eq!(money.currency.as_str(), "VND");
        let eu = MoneyFormat {
            thousands: Some('.'),
            decimal: ',',
        };
        let money = super::money("x", &s("1.234,50"), &eu, "EUR")
            .unwrap()
            .unwrap();
        assert_eq!(money.amount, Decimal::new(123_450, 2));
        assert!(super::money("x", &s("12 dollars"), &vnd, "VND").is_err());
        assert_eq!(super::money("x", &s(""), &vnd, "VND").unwrap(), None);
    }

    #[test]
    fn amounts_longer_than_the_buffer_and_non_ascii_separators_read_alike() {
        let swiss = MoneyFormat {
            thousands: Some('\u{2019}'),
            decimal: '.',
        };
        let money = super::money("x", &s("1\u{2019}234\u{2019}567.25"), &swiss, "CHF")
            .unwrap()
            .unwrap();
        assert_eq!(money.amount, Decimal::new(123_456_725, 2));
        // 60 separators push the text past the 64-byte buffer; the value is small.
        let long = format!("{}42", "\u{2019}".repeat(60));
        assert!(long.len() > 64);
        let money = super::money("x", &s(&long), &swiss, "CHF")
            .unwrap()
            .unwrap();
        assert_eq!(money.amount, Decimal::from(42));
        let too_long = "9".repeat(70);
        assert!(super::money("x", &s(&too_long), &swiss, "CHF").is_err());
    }

    #[test]
    fn floats_become_exact_decimals() {
        assert_eq!(
            decimal("spent", &Value::Float(12.1)).unwrap(),
            Some(Decimal::new(121, 1))
        );
    }

    /// The decimal `Display`'s digits make, and its scale: `Decimal`'s `==` ignores the
    /// scale, but its text (`1250.40` or `1250.4`) does not.
    fn written(f: f64) -> Option<(Decimal, u32, String)> {
        let decimal = Decimal::from_str(&f.to_string()).ok()?;
        Some((decimal, decimal.scale(), decimal.to_string()))
    }

    fn fast(f: f64) -> Option<(Decimal, u32, String)> {
        shortest_scaled(f).map(|decimal| (decimal, decimal.scale(), decimal.to_string()))
    }

    #[test]
    fn floats_take_the_fast_route_where_they_can() {
        for f in [
            0.0,
            1250.4,
            62.52,
            -544.73,
            5.0,
            0.1,
            0.3,
            1e-15,
            123_456_789.125,
        ] {
            assert_eq!(fast(f), written(f), "{f}");
        }
        // Left to the text route: negative zero, too many digits, too large, not finite.
        for f in [-0.0, 0.1 + 0.2, 1e-16, 1e17, f64::NAN, f64::INFINITY] {
            assert_eq!(shortest_scaled(f), None, "{f}");
        }
        assert_eq!(
            float_decimal(0.1 + 0.2),
            Decimal::from_str("0.30000000000000004").ok()
        );
        assert_eq!(float_decimal(f64::NAN), None);
    }

    proptest::proptest! {
        /// Floats near short decimals, and their neighbours a few steps away (whose
        /// shortest forms are long), of every magnitude the fast route takes and beyond.
        #[test]
        fn the_fast_route_writes_what_display_writes(
            digits in proptest::prop_oneof![-(1i64 << 51)..(1i64 << 51), -100_000i64..100_000],
            scale in 0i32..=18,
            steps in -3i64..=3,
        ) {
            let near = digits as f64 / 10f64.powi(scale);
            let f = f64::from_bits(near.to_bits().wrapping_add_signed(steps));
            if let Some(fast) = fast(f) {
                proptest::prop_assert_eq!(Some(fast), written(f));
            }
        }

        #[test]
        fn any_float_the_fast_route_takes_is_written_as_display_writes(
            bits in proptest::num::u64::ANY,
        ) {
            let f = f64::from_bits(bits);
            if let Some(fast) = fast(f) {
                proptest::prop_assert_eq!(Some(fast), written(f));
            }
        }

        #[test]
        fn amounts_read_as_floats_keep_their_digits(
            cents in -10_000_000_000_000i64..10_000_000_000_000,
            scale in 0u32..=6,
        ) {
            let f: f64 = Decimal::new(cents, scale).to_string().parse().unwrap();
            proptest::prop_assert_eq!(fast(f), written(f));
        }
    }

    #[test]
    fn enum_maps_and_sentinels() {
        let table = [("Nam", 1), ("Nữ", 2)];
        assert_eq!(enum_map(&s("Nữ"), &table), Some(2));
        assert_eq!(enum_map(&s("Khác"), &table), None);
        assert_eq!(enum_map(&Value::Int(1), &[("1", 'm')]), Some('m'));
        assert_eq!(null_if(s("0"), &["0"]), Value::Null);
        assert_eq!(null_if(s("0912"), &["0"]), s("0912"));
    }

    #[test]
    fn counts_and_booleans() {
        assert_eq!(count("n", &Value::Int(32)).unwrap(), Some(32));
        assert!(count("n", &Value::Int(-1)).is_err());
        assert_eq!(boolean("b", &Value::Int(1)).unwrap(), Some(true));
        assert_eq!(boolean("b", &s("false")).unwrap(), Some(false));
    }
}

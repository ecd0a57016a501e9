//! Dates that may lack a year, month or day (birthdays often do).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A calendar date of which some parts may be unknown.
///
/// Text form (also its JSON form): `1990-05-31`, `1990-05`, `1990`, or `--05-31` for a
/// day and month without a year (ISO 8601's truncated form).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartialDate {
    year: Option<i32>,
    month: Option<u8>,
    day: Option<u8>,
}

impl PartialDate {
    /// Builds a partial date, checking that the parts that are present can form a real date.
    pub fn new(year: Option<i32>, month: Option<u32>, day: Option<u32>) -> Option<PartialDate> {
        let month = match month {
            Some(m @ 1..=12) => Some(m as u8),
            Some(_) => return None,
            None => None,
        };
        let day = match (day, month) {
            (Some(_), None) => return None,
            (Some(d), Some(m)) => {
                // A leap year accepts 29 February when the year is unknown.
                let probe_year = year.unwrap_or(2000);
                NaiveDate::from_ymd_opt(probe_year, u32::from(m), d)?;
                Some(d as u8)
            }
            (None, _) => None,
        };
        if year.is_none() && month.is_none() {
            return None;
        }
        if year.is_none() && day.is_none() {
            return None;
        }
        Some(PartialDate { year, month, day })
    }

    /// The year, if known.
    pub fn year(&self) -> Option<i32> {
        self.year
    }

    /// The month (1–12), if known.
    pub fn month(&self) -> Option<u32> {
        self.month.map(u32::from)
    }

    /// The day of the month, if known.
    pub fn day(&self) -> Option<u32> {
        self.day.map(u32::from)
    }

    /// The full date, when every part is known.
    pub fn to_naive_date(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year?, self.month()?, self.day()?)
    }
}

impl From<NaiveDate> for PartialDate {
    fn from(date: NaiveDate) -> Self {
        PartialDate {
            year: Some(date.year()),
            month: Some(date.month() as u8),
            day: Some(date.day() as u8),
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.year, self.month, self.day) {
            (Some(y), Some(m), Some(d)) => write!(f, "{y:04}-{m:02}-{d:02}"),
            (Some(y), Some(m), None) => write!(f, "{y:04}-{m:02}"),
            (Some(y), None, _) => write!(f, "{y:04}"),
            (None, Some(m), Some(d)) => write!(f, "--{m:02}-{d:02}"),
            (None, _, _) => f.write_str("--"),
        }
    }
}

impl fmt::Debug for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The error for text that is not a partial date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a date (expected YYYY-MM-DD, YYYY-MM, YYYY or --MM-DD)")]
pub struct ParsePartialDateError(String);

impl FromStr for PartialDate {
    type Err = ParsePartialDateError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || ParsePartialDateError(text.to_string());
        let number = |part: &str| part.parse::<u32>().map_err(|_| error());
        let (year, month, day) = if let Some(rest) = text.strip_prefix("--") {
            let (m, d) = rest.split_once('-').ok_or_else(error)?;
            (None, Some(number(m)?), Some(number(d)?))
        } else {
            let mut parts = text.split('-');
            let year = parts.next().ok_or_else(error)?;
            let year = year.parse::<i32>().map_err(|_| error())?;
            let month = parts.next().map(number).transpose()?;
            let day = parts.next().map(number).transpose()?;
            if parts.next().is_some() {
                return Err(error());
            }
            (Some(year), month, day)
        };
        PartialDate::new(year, month, day).ok_or_else(error)
    }
}

impl TryFrom<String> for PartialDate {
    type Error = ParsePartialDateError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<PartialDate> for String {
    fn from(date: PartialDate) -> String {
        date.to_string()
    }
}

/// In JSON, the text form: `1990-05-31`, `1990-05`, `1990` or `--05-31`.
#[cfg(feature = "schemars")]
impl schemars::JsonSchema for PartialDate {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PartialDate".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^(\\d{4}(-\\d{2}(-\\d{2})?)?|--\\d{2}-\\d{2})$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_shape() {
        for text in ["1990-05-31", "1990-05", "1990", "--02-29"] {
            let date: PartialDate = text.parse().unwrap();
            assert_eq!(date.to_string(), text);
        }
    }

    #[test]
    fn rejects_impossible_dates() {
        for text in [
            "1990-02-30",
            "1990-13",
            "--13-01",
            "",
            "abc",
            "1990-01-01-01",
        ] {
            assert!(
                text.parse::<PartialDate>().is_err(),
                "{text} should be rejected"
            );
        }
    }
}

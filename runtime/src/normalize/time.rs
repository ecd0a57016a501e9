//! Date and time transforms: provider formats and zones in, UTC instants and partial
//! dates out.

use super::value::trim;
use super::{NormalizeError, Value};
use crate::model::PartialDate;
use chrono::format::{Item, ParseResult, Parsed, StrftimeItems};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use std::cell::RefCell;

mod pattern;

pub use pattern::Pattern;

/// How a provider writes an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateTimeFormat {
    /// RFC 3339 / ISO 8601 with an offset or `Z` (`2024-04-27T04:33:33.462Z`).
    Rfc3339,
    /// A `strftime` pattern. Without an offset item (`%z`) the text is wall-clock time in
    /// the spec's zone.
    Pattern(&'static Pattern),
}

/// How a provider writes a calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateFormat {
    /// `YYYY-MM-DD`, optionally followed by a time, which is ignored.
    Iso,
    /// A `strftime` pattern.
    Pattern(&'static Pattern),
}

/// Units of a Unix timestamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnixUnit {
    /// Seconds since the epoch.
    Seconds,
    /// Milliseconds since the epoch.
    Millis,
}

/// A calendar date from text in `format`.
pub fn date(
    field: &'static str,
    value: &Value<'_>,
    format: DateFormat,
) -> Result<Option<PartialDate>, NormalizeError> {
    /// `YYYY-MM-DD`, the part of an ISO 8601 text a date reads.
    static ISO: Pattern = Pattern::new("%Y-%m-%d");
    if value.is_blank() {
        return Ok(None);
    }
    let text = value
        .as_text()
        .ok_or_else(|| NormalizeError::new(field, "expected a date as text"))?;
    let text = trim(&text);
    let (text, pattern) = match format {
        DateFormat::Iso => (text.get(..10).unwrap_or(text), &ISO),
        DateFormat::Pattern(pattern) => (text, pattern),
    };
    if let Some((date, _)) = pattern.fixed_width(text) {
        return Ok(Some(PartialDate::from(date)));
    }
    parse_with(text, pattern.as_str())
        .and_then(|parsed| parsed.to_naive_date())
        .map(|date| Some(PartialDate::from(date)))
        .map_err(|_| {
            let format = match format {
                DateFormat::Iso => "iso",
                DateFormat::Pattern(pattern) => pattern.as_str(),
            };
            NormalizeError::new(field, format!("expected a date in the format `{format}`"))
        })
}

/// A date from separate year, month and day values (numbers or numeric text), any of
/// which may be empty. `month_base` is the number the provider gives January (`0` for
/// zero-based months). Parts that are present but cannot form a date are an error.
pub fn date_from_parts(
    field: &'static str,
    year: &Value<'_>,
    month: &Value<'_>,
    day: &Value<'_>,
    month_base: u32,
) -> Result<Option<PartialDate>, NormalizeError> {
    let part = |value: &Value<'_>, name: &str| -> Result<Option<i64>, NormalizeError> {
        match value {
            _ if value.is_blank() => Ok(None),
            Value::Int(i) => Ok(Some(*i)),
            Value::Float(f) if f.fract() == 0.0 => Ok(Some(*f as i64)),
            Value::Str(text) => trim(text).parse::<i64>().map(Some).map_err(|_| {
                NormalizeError::new(field, format!("expected the {name} as a whole number"))
            }),
            _ => Err(NormalizeError::new(
                field,
                format!("expected the {name} as a whole number"),
            )),
        }
    };
    let year = part(year, "year")?.and_then(|y| i32::try_from(y).ok());
    let month = part(month, "month")?
        .and_then(|m| m.checked_sub(i64::from(month_base)))
        .and_then(|m| u32::try_from(m + 1).ok());
    let day = part(day, "day")?.and_then(|d| u32::try_from(d).ok());
    if year.is_none() && month.is_none() && day.is_none() {
        return Ok(None);
    }
    PartialDate::new(year, month, day)
        .map(Some)
        .ok_or_else(|| NormalizeError::new(field, "the year, month and day do not form a date"))
}

/// An instant from text in `format`; wall-clock times are read in `zone` (an IANA name
/// such as `Asia/Ho_Chi_Minh`).
pub fn datetime(
    field: &'static str,
    value: &Value<'_>,
    format: DateTimeFormat,
    zone: &'static str,
) -> Result<Option<DateTime<Utc>>, NormalizeError> {
    // The usual case first: text that `rfc3339` reads has no space around it, so it is
    // neither blank nor changed by trimming.
    if let (Value::Str(text), DateTimeFormat::Rfc3339) = (value, format) {
        if let Some(instant) = rfc3339(text) {
            return Ok(Some(instant));
        }
    }
    if value.is_blank() {
        return Ok(None);
    }
    let untrimmed = value
        .as_text()
        .ok_or_else(|| NormalizeError::new(field, "expected a date-time as text"))?;
    let text = trim(&untrimmed);
    match format {
        // Text as given was tried above, and a number's or a boolean's text never has
        // RFC 3339's shape: only trimming can have made the text readable by position.
        DateTimeFormat::Rfc3339 => match (text.len() != untrimmed.len())
            .then(|| rfc3339(text))
            .flatten()
        {
            Some(instant) => Ok(Some(instant)),
            None => DateTime::parse_from_rfc3339(text)
                .map(|instant| Some(instant.with_timezone(&Utc)))
                .map_err(|_| NormalizeError::new(field, "expected an RFC 3339 date-time")),
        },
        DateTimeFormat::Pattern(pattern) => {
            if let Some((date, Some(time))) = pattern.fixed_width(text) {
                return local_to_utc(field, date.and_time(time), zone).map(Some);
            }
            let pattern = pattern.as_str();
            let invalid = || {
                NormalizeError::new(
                    field,
                    format!("expected a date-time in the format `{pattern}`"),
                )
            };
            let parsed = parse_with(text, pattern).map_err(|_| invalid())?;
            if pattern.contains("%z") || pattern.contains("%:z") {
                parsed
                    .to_datetime()
                    .map(|instant| Some(instant.with_timezone(&Utc)))
                    .map_err(|_| invalid())
            } else {
                let naive = parsed
                    .to_naive_datetime_with_offset(0)
                    .map_err(|_| invalid())?;
                local_to_utc(field, naive, zone).map(Some)
            }
        }
    }
}

/// An instant from a Unix timestamp (a number or numeric text).
pub fn unix(
    field: &'static str,
    value: &Value<'_>,
    unit: UnixUnit,
) -> Result<Option<DateTime<Utc>>, NormalizeError> {
    let invalid = || NormalizeError::new(field, "expected a Unix timestamp");
    let number = match value {
        _ if value.is_blank() => return Ok(None),
        Value::Int(i) => *i,
        Value::Float(f) if f.fract() == 0.0 => *f as i64,
        Value::Str(s) => trim(s).parse::<i64>().map_err(|_| invalid())?,
        _ => return Err(invalid()),
    };
    let instant = match unit {
        UnixUnit::Seconds => DateTime::from_timestamp(number, 0),
        UnixUnit::Millis => DateTime::from_timestamp_millis(number),
    };
    instant.map(Some).ok_or_else(invalid)
}

/// `text` read with the `strftime` pattern `pattern`, as chrono's `parse_from_str` reads
/// it. The pattern's items are parsed once per thread rather than for every value (that
/// was a few percent of a normalizer's time); a spec names only a few patterns, all of
/// them constants of the generated code.
fn parse_with(text: &str, pattern: &'static str) -> ParseResult<Parsed> {
    /// A pattern and its parsed items.
    type Compiled = (&'static str, Box<[Item<'static>]>);
    thread_local! {
        static PATTERNS: RefCell<Vec<Compiled>> = const { RefCell::new(Vec::new()) };
    }
    PATTERNS.with_borrow_mut(|patterns| {
        let index = match patterns.iter().position(|(known, _)| *known == pattern) {
            Some(index) => index,
            None => {
                patterns.push((pattern, StrftimeItems::new(pattern).collect()));
                patterns.len() - 1
            }
        };
        let mut parsed = Parsed::new();
        chrono::format::parse(&mut parsed, text, patterns[index].1.iter())?;
        Ok(parsed)
    })
}

/// The instant of `text` in RFC 3339 (`2026-05-11T15:12:59.723Z`), read by position
/// without chrono's general reading and its detour through a fixed offset: a date and
/// time of the exact widths, `T`, `t` or a space between them, up to nine digits of a
/// second's fraction, and `Z`, `z` or `±HH:MM`. `None` for anything else (a leap second,
/// more fraction digits, another sign, a date or time that does not exist), which is
/// left to chrono; chrono reads text of this shape alike.
fn rfc3339(text: &str) -> Option<DateTime<Utc>> {
    /// How much the digits of a second's fraction are worth, by their count.
    const NANOS: [u32; 10] = [
        0,
        100_000_000,
        10_000_000,
        1_000_000,
        100_000,
        10_000,
        1_000,
        100,
        10,
        1,
    ];
    let (head, rest) = text.as_bytes().split_first_chunk::<19>()?;
    let [y1, y2, y3, y4, b'-', mo1, mo2, b'-', d1, d2, b'T' | b't' | b' ', h1, h2, b':', mi1, mi2, b':', s1, s2] =
        *head
    else {
        return None;
    };
    let (nanos, offset) = match rest.split_first() {
        Some((b'.', fraction)) => {
            let count = fraction
                .iter()
                .take_while(|byte| byte.is_ascii_digit())
                .count();
            let scale = *NANOS.get(count).filter(|&&scale| scale > 0)?;
            let (digits, offset) = fraction.split_at_checked(count)?;
            (checked_digits(digits) * scale, offset)
        }
        _ => (0, rest),
    };
    let offset_seconds = match *offset {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), oh1, oh2, b':', om1, om2] => {
            let (hours, minutes) = (two_digits(oh1, oh2)?, two_digits(om1, om2)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let seconds = i64::from(hours * 3600 + minutes * 60);
            if sign == b'-' {
                -seconds
            } else {
                seconds
            }
        }
        _ => return None,
    };
    let year = two_digits(y1, y2)? * 100 + two_digits(y3, y4)?;
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(year).ok()?,
        two_digits(mo1, mo2)?,
        two_digits(d1, d2)?,
    )?;
    let (hour, minute, second) = (
        two_digits(h1, h2)?,
        two_digits(mi1, mi2)?,
        two_digits(s1, s2)?,
    );
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // The offset is taken off the time of day, moving to the day before or after when
    // it crosses midnight: one path for every offset, with the parts in registers.
    let utc_seconds = i64::from(hour * 3600 + minute * 60 + second) - offset_seconds;
    let date = match utc_seconds {
        ..0 => date.pred_opt()?,
        SECONDS_PER_DAY.. => date.succ_opt()?,
        _ => date,
    };
    let seconds = u32::try_from(utc_seconds.rem_euclid(SECONDS_PER_DAY)).ok()?;
    let time = NaiveTime::from_num_seconds_from_midnight_opt(seconds, nanos)?;
    Some(date.and_time(time).and_utc())
}

/// Seconds in a day without a leap second.
const SECONDS_PER_DAY: i64 = 86_400;

/// The number `digits` write, when the caller has checked they are all ASCII digits and
/// at most nine.
fn checked_digits(digits: &[u8]) -> u32 {
    digits
        .iter()
        .fold(0, |value, &digit| value * 10 + u32::from(digit - b'0'))
}

/// The number two ASCII digits write (`b'0', b'7'`: 7).
fn two_digits(tens: u8, ones: u8) -> Option<u32> {
    let (tens, ones) = (tens.wrapping_sub(b'0'), ones.wrapping_sub(b'0'));
    (tens < 10 && ones < 10).then(|| u32::from(tens) * 10 + u32::from(ones))
}

/// How many zones a thread remembers.
const REMEMBERED_ZONES: usize = 16;

/// The zone named `name` (an IANA name from the spec), remembered per thread: finding
/// one by name hashes it, for every date-time of every record.
fn zone_named(name: &'static str) -> Option<Tz> {
    thread_local! {
        static ZONES: RefCell<Vec<(&'static str, Option<Tz>)>> = const { RefCell::new(Vec::new()) };
    }
    super::remembered(&ZONES, REMEMBERED_ZONES, name, |name| name.parse().ok())
}

fn local_to_utc(
    field: &'static str,
    naive: NaiveDateTime,
    zone: &'static str,
) -> Result<DateTime<Utc>, NormalizeError> {
    let zone = zone_named(zone).ok_or_else(|| {
        NormalizeError::new(field, "the spec's time zone is not an IANA zone name")
    })?;
    zone.from_local_datetime(&naive)
        .earliest()
        .map(|local| local.with_timezone(&Utc))
        .ok_or_else(|| {
            NormalizeError::new(
                field,
                "a wall-clock time that does not exist in the spec's zone",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn s(text: &str) -> Value<'_> {
        Value::Str(Cow::Borrowed(text))
    }

    #[test]
    fn naive_times_are_read_in_the_spec_zone() {
        let instant = datetime(
            "created_at",
            &s("30/05/2025 12:09:37"),
            DateTimeFormat::Pattern(&const { Pattern::new("%d/%m/%Y %H:%M:%S") }),
            "Asia/Ho_Chi_Minh",
        )
        .unwrap()
        .unwrap();
        assert_eq!(instant.to_rfc3339(), "2025-05-30T05:09:37+00:00");
    }

    #[test]
    fn rfc3339_and_unix_agree() {
        let a = datetime(
            "t",
            &s("2025-05-30T05:09:37.000Z"),
            DateTimeFormat::Rfc3339,
            "UTC",
        )
        .unwrap();
        let b = unix("t", &Value::Int(1_748_581_777_000), UnixUnit::Millis).unwrap();
        let c = unix("t", &s("1748581777"), UnixUnit::Seconds).unwrap();
        assert_eq!(a, b);
        assert_eq!(b, c);
    }

    #[test]
    fn dates_in_provider_formats() {
        assert_eq!(
            date(
                "d",
                &s("31/10/1990"),
                DateFormat::Pattern(&const { Pattern::new("%d/%m/%Y") })
            )
            .unwrap()
            .unwrap()
            .to_string(),
            "1990-10-31"
        );
        assert_eq!(
            date("d", &s("2024-04-10T00:00:00.000Z"), DateFormat::Iso)
                .unwrap()
                .unwrap()
                .to_string(),
            "2024-04-10"
        );
        assert_eq!(
            date(
                "d",
                &s(""),
                DateFormat::Pattern(&const { Pattern::new("%d/%m/%Y") })
            )
            .unwrap(),
            None
        );
        assert!(date(
            "d",
            &s("1990-10-31"),
            DateFormat::Pattern(&const { Pattern::new("%d/%m/%Y") })
        )
        .is_err());
    }

    #[test]
    fn errors_do_not_echo_the_value() {
        let error = date(
            "birth_date",
            &s("secret-ish"),
            DateFormat::Pattern(&const { Pattern::new("%d/%m/%Y") }),
        )
        .unwrap_err();
        assert!(!error.to_string().contains("secret-ish"));
    }

    #[test]
    fn remembered_patterns_read_as_chrono_reads_them() {
        let cases = [
            ("%d/%m/%Y", "01/01/1990"),
            ("%d/%m/%Y", "31/02/1990"),
            ("%d/%m/%Y %H:%M:%S", "30/05/2025 12:09:37"),
            ("%Y-%m-%d %H:%M:%S%z", "2025-05-30 12:09:37+0700"),
            ("%d/%m/%Y", "1990-01-01"),
            ("%Y-%m-%d", ""),
        ];
        // Twice, so the second round reads with the items the first one remembered.
        for _ in 0..2 {
            for (pattern, text) in cases {
                let ours = parse_with(text, pattern);
                assert_eq!(
                    ours.clone().and_then(|parsed| parsed.to_naive_date()),
                    chrono::NaiveDate::parse_from_str(text, pattern),
                    "{pattern} {text}"
                );
                assert_eq!(
                    ours.clone()
                        .and_then(|parsed| parsed.to_naive_datetime_with_offset(0)),
                    NaiveDateTime::parse_from_str(text, pattern),
                    "{pattern} {text}"
                );
                assert_eq!(
                    ours.and_then(|parsed| parsed.to_datetime()),
                    DateTime::parse_from_str(text, pattern),
                    "{pattern} {text}"
                );
            }
        }
    }

    /// Patterns providers use, and whether the fixed-width reader takes text in them.
    const PATTERNS: [(&str, bool); 9] = [
        ("%Y-%m-%d %H:%M:%S", true),
        ("%d/%m/%Y %H:%M:%S", true),
        ("%Y-%m-%d", true),
        ("%d/%m/%Y", true),
        ("%Y%m%d", true),
        ("%H:%M:%S %d.%m.%Y", true),
        ("%Y-%m-%d %H:%M", false),
        ("%Y-%m-%dT%H:%M:%S%z", false),
        ("%Y-%m-%d %H:%M:%S%.f", false),
    ];

    /// `pattern` written out with these field values, at the widths the pattern gives.
    fn written(pattern: &str, [year, month, day, hour, minute, second]: [u32; 6]) -> String {
        pattern
            .replace("%Y", &format!("{year:04}"))
            .replace("%m", &format!("{month:02}"))
            .replace("%d", &format!("{day:02}"))
            .replace("%H", &format!("{hour:02}"))
            .replace("%M", &format!("{minute:02}"))
            .replace("%S", &format!("{second:02}"))
            .replace("%z", "+0700")
            .replace("%.f", ".250")
    }

    proptest::proptest! {
        /// Dates and times that exist and ones that do not, now and then with a byte
        /// changed: wherever the fixed-width reader answers, chrono reads the same; and it
        /// answers for every existing date and time in a pattern it takes.
        #[test]
        fn fixed_width_reads_as_chrono_reads(
            (pattern, takes) in proptest::sample::select(PATTERNS.to_vec()),
            fields in (0u32..10_000, 0u32..14, 0u32..33, 0u32..25, 0u32..61, 0u32..62),
            damage in proptest::option::of((
                proptest::sample::select(b"09 -/:x+T".to_vec()),
                proptest::prelude::any::<proptest::sample::Index>(),
            )),
        ) {
            let (year, month, day, hour, minute, second) = fields;
            let mut text = written(pattern, [year, month, day, hour, minute, second]);
            if let Some((byte, at)) = damage {
                let at = at.index(text.len());
                text.replace_range(at..=at, &char::from(byte).to_string());
            }
            let read = Pattern::new(pattern).fixed_width(&text);
            if let Some((date, time)) = read {
                proptest::prop_assert_eq!(NaiveDate::parse_from_str(&text, pattern), Ok(date));
                if let Some(time) = time {
                    proptest::prop_assert_eq!(
                        NaiveDateTime::parse_from_str(&text, pattern),
                        Ok(date.and_time(time))
                    );
                }
            }
            let exists = NaiveDate::from_ymd_opt(year as i32, month, day).is_some()
                && NaiveTime::from_hms_opt(hour, minute, second).is_some();
            if takes && exists && damage.is_none() {
                proptest::prop_assert!(read.is_some(), "{} {}", pattern, text);
            }
        }
    }

    #[test]
    fn fixed_width_leaves_other_text_to_chrono() {
        let read = |text, pattern| Pattern::new(pattern).fixed_width(text);
        assert!(read("2024-08-04 08:23:45", "%Y-%m-%d %H:%M:%S").is_some());
        // One digit, a wider year, a second space, text after, a leap second.
        assert_eq!(read("2024-8-04 08:23:45", "%Y-%m-%d %H:%M:%S"), None);
        assert_eq!(read("12024-08-04", "%Y-%m-%d"), None);
        assert_eq!(read("2024-08-04  08:23:45", "%Y-%m-%d %H:%M:%S"), None);
        assert_eq!(read("2024-08-04 ", "%Y-%m-%d"), None);
        assert_eq!(read("2024-08-04 08:23:60", "%Y-%m-%d %H:%M:%S"), None);
        assert_eq!(read("2024-08-04 2024-08-04", "%Y-%m-%d %Y-%m-%d"), None);
        // A literal `%`, and a pattern too long to lay out.
        assert_eq!(read("2024-08-04%", "%Y-%m-%d%%"), None);
        let long = "on the day %Y-%m-%d of the calendar that the provider sends us, in its own way";
        assert!(long.len() > 64);
        assert_eq!(read(&written(long, [2024, 8, 4, 0, 0, 0]), long), None);
        // chrono still reads what the fast path leaves.
        assert_eq!(
            date(
                "d",
                &s("2024-8-4"),
                DateFormat::Pattern(&const { Pattern::new("%Y-%m-%d") })
            )
            .unwrap()
            .unwrap()
            .to_string(),
            "2024-08-04"
        );
    }

    #[test]
    fn a_pattern_debugs_as_its_text() {
        let pattern = Pattern::new("%d/%m/%Y");
        assert_eq!(format!("{pattern:?}"), r#"Pattern("%d/%m/%Y")"#);
        assert_eq!(pattern.as_str(), "%d/%m/%Y");
    }

    proptest::proptest! {
        /// RFC 3339 instants of every shape the fast path takes, and now and then with a
        /// byte changed or an unusual part: wherever it answers, chrono reads the same
        /// instant; and it answers for every existing instant written in that shape.
        #[test]
        fn rfc3339_reads_as_chrono_reads(
            fields in (0u32..10_000, 0u32..14, 0u32..33, 0u32..25, 0u32..61, 0u32..62),
            fraction in "(\\.[0-9]{0,11})?",
            separator in proptest::sample::select(vec!["T", "t", " ", "_"]),
            offset in proptest::sample::select(vec![
                "Z", "z", "+00:00", "-00:00", "+07:00", "-03:30", "+23:59", "+24:00",
                "-12:60", "+0700", "\u{2212}05:00", "", "Zx",
            ]),
            damage in proptest::option::of((
                proptest::sample::select(b"09 -:.Tx+Z".to_vec()),
                proptest::prelude::any::<proptest::sample::Index>(),
            )),
        ) {
            let (year, month, day, hour, minute, second) = fields;
            let mut text = format!(
                "{year:04}-{month:02}-{day:02}{separator}{hour:02}:{minute:02}:{second:02}\
                 {fraction}{offset}"
            );
            if let Some((byte, at)) = damage {
                let at = at.index(text.len());
                if text.is_char_boundary(at) && text.is_char_boundary(at + 1) {
                    text.replace_range(at..=at, &char::from(byte).to_string());
                }
            }
            let chrono = DateTime::parse_from_rfc3339(&text)
                .map(|instant| instant.with_timezone(&Utc))
                .ok();
            let fast = rfc3339(&text);
            if fast.is_some() {
                proptest::prop_assert_eq!(fast, chrono, "{}", text);
            }
            let usual = damage.is_none()
                && separator != "_"
                && fraction.len() != 1
                && fraction.len() <= 10
                && ["Z", "z", "+00:00", "-00:00", "+07:00", "-03:30", "+23:59"].contains(&offset)
                && second < 60;
            if usual && chrono.is_some() {
                proptest::prop_assert!(fast.is_some(), "{}", text);
            }
        }
    }

    #[test]
    fn rfc3339_leaves_other_text_to_chrono() {
        assert_eq!(
            rfc3339("2026-05-11T15:12:59.723Z").map(|instant| instant.to_rfc3339()),
            Some("2026-05-11T15:12:59.723+00:00".to_string())
        );
        assert_eq!(
            rfc3339("2024-07-19 19:11:02.000000+07:00").map(|instant| instant.to_rfc3339()),
            Some("2024-07-19T12:11:02+00:00".to_string())
        );
        // An offset that moves the instant to the day before or after, across a year.
        assert_eq!(
            rfc3339("2026-01-01T03:00:00+07:00").map(|instant| instant.to_rfc3339()),
            Some("2025-12-31T20:00:00+00:00".to_string())
        );
        assert_eq!(
            rfc3339("2025-12-31T21:30:00.5-03:30").map(|instant| instant.to_rfc3339()),
            Some("2026-01-01T01:00:00.500+00:00".to_string())
        );
        // A leap second, ten fraction digits, a minus sign that is not ASCII: chrono's.
        for text in [
            "2016-12-31T23:59:60Z",
            "2026-05-11T15:12:59.1234567890Z",
            "2026-05-11T15:12:59\u{2212}05:00",
        ] {
            assert_eq!(rfc3339(text), None, "{text}");
            let read = datetime("t", &s(text), DateTimeFormat::Rfc3339, "UTC");
            assert!(matches!(read, Ok(Some(_))), "{text}");
        }
    }

    #[test]
    fn rfc3339_text_is_read_whether_or_not_spaces_surround_it() {
        let read = |text| datetime("t", &s(text), DateTimeFormat::Rfc3339, "UTC");
        let plain = read("2026-05-11T15:12:59.723Z").unwrap();
        assert!(plain.is_some());
        assert_eq!(read(" 2026-05-11T15:12:59.723Z\n").unwrap(), plain);
        assert!(matches!(read(" 2016-12-31T23:59:60Z "), Ok(Some(_))));
        assert_eq!(read("  ").unwrap(), None);
        assert!(read("20260511").is_err());
    }

    #[test]
    fn zones_are_remembered_by_name() {
        assert_eq!(zone_named("Asia/Bangkok"), Some(Tz::Asia__Bangkok));
        assert_eq!(zone_named("Asia/Bangkok"), Some(Tz::Asia__Bangkok));
        assert_eq!(zone_named("Mars/Olympus_Mons"), None);
        let error = datetime(
            "t",
            &s("2024-08-04 08:23:45"),
            DateTimeFormat::Pattern(&const { Pattern::new("%Y-%m-%d %H:%M:%S") }),
            "Mars/Olympus_Mons",
        )
        .unwrap_err();
        assert!(
            error.to_string().contains("not an IANA zone name"),
            "{error}"
        );
    }

    #[test]
    fn dates_from_zero_based_parts() {
        let int = Value::Int;
        assert_eq!(
            date_from_parts("d", &int(2024), &int(3), &int(10), 0)
                .unwrap()
                .unwrap()
                .to_string(),
            "2024-04-10",
            "month 3 counted from 0 is April"
        );
        assert_eq!(
            date_from_parts("d", &Value::Null, &s("11"), &int(31), 0)
                .unwrap()
                .unwrap()
                .to_string(),
            "--12-31"
        );
        assert_eq!(
            date_from_parts("d", &Value::Null, &Value::Null, &Value::Null, 0).unwrap(),
            None
        );
        assert!(date_from_parts("d", &int(2024), &int(12), &int(1), 0).is_err());
        assert!(date_from_parts("d", &int(2024), &int(0), &int(1), 1).is_err());
    }
}

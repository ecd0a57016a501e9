//! Phone numbers: keep the raw text, derive E.164 where the number is valid.

use super::value::trim;
use crate::model::{CompactString, Phone};
use compact_str::ToCompactString;
use phonenumber::{country, Mode};
use std::cell::RefCell;

/// A phone from a number and an optional separate country calling code (`"+84"`), with
/// `default_region` (ISO 3166 alpha-2, from the spec) for national numbers without one.
///
/// `None` when the number is blank. The raw text is always kept; `e164` is set only when
/// the number is valid for its region.
pub fn phone(
    number: Option<CompactString>,
    calling_code: Option<CompactString>,
    default_region: Option<&str>,
    kind: Option<&'static str>,
) -> Option<Phone> {
    let number = number?;
    let e164 = e164(&number, calling_code.as_deref(), default_region);
    // The raw text reuses the strings it is made of.
    let raw = match calling_code {
        Some(mut code) if !number.starts_with('+') => {
            code.push(' ');
            code.push_str(&number);
            code
        }
        _ => number,
    };
    Some(Phone {
        e164,
        raw,
        kind: kind.map(std::borrow::Cow::Borrowed),
    })
}

/// A region from its ISO 3166 alpha-2 code in any case, without allocating: it is looked
/// up for every phone of every record.
fn region_id(code: &str) -> Option<country::Id> {
    let [first, second] = <[u8; 2]>::try_from(code.as_bytes()).ok()?;
    let upper = [first.to_ascii_uppercase(), second.to_ascii_uppercase()];
    std::str::from_utf8(&upper).ok()?.parse().ok()
}

fn e164(
    number: &str,
    calling_code: Option<&str>,
    default_region: Option<&str>,
) -> Option<CompactString> {
    let region = match calling_code {
        Some(code) if !number.starts_with('+') => Some(region_of_calling_code(code)?),
        _ => default_region.and_then(region_id),
    };
    let Some(region) = region else {
        // No region to read a national number in; a number in international form names
        // its own country.
        let parsed = phonenumber::parse(None, number).ok()?;
        return phonenumber::is_valid(&parsed)
            .then(|| parsed.format().mode(Mode::E164).to_compact_string());
    };
    let decided = super::e164::national_digits(number, region.as_ref())
        .or_else(|| super::e164::international_digits(number, region.as_ref()));
    if let Some(decided) = decided {
        return decided;
    }
    let parsed = phonenumber::parse(Some(region), number).ok()?;
    phonenumber::is_valid(&parsed).then(|| parsed.format().mode(Mode::E164).to_compact_string())
}

/// How many calling codes a thread remembers.
const REMEMBERED_CODES: usize = 32;

/// The first region of a country calling code (`"+84"`: Vietnam). Each thread
/// remembers the first codes it sees (a provider uses a few): the metadata lookup
/// allocates.
fn region_of_calling_code(code: &str) -> Option<country::Id> {
    thread_local! {
        static SEEN: RefCell<Vec<(u16, Option<country::Id>)>> = const { RefCell::new(Vec::new()) };
    }
    let digits: u16 = trim(code).trim_start_matches('+').parse().ok()?;
    super::remembered(&SEEN, REMEMBERED_CODES, digits, |digits| {
        phonenumber::metadata::DATABASE
            .by_code(&digits)
            .into_iter()
            .flatten()
            .find_map(|metadata| metadata.id().parse::<country::Id>().ok())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Option<CompactString> {
        Some(text.into())
    }

    #[test]
    fn separate_calling_code_gives_e164() {
        let phone = phone(s("0888899000"), s("+84"), None, Some("primary")).unwrap();
        assert_eq!(phone.e164.as_deref(), Some("+84888899000"));
        assert_eq!(phone.raw, "+84 0888899000");
    }

    #[test]
    fn default_region_applies_to_national_numbers() {
        let phone = phone(s("0812345678"), None, Some("TH"), None).unwrap();
        assert_eq!(phone.e164.as_deref(), Some("+66812345678"));
    }

    #[test]
    fn international_numbers_need_no_default_region() {
        let no_region = phone(s("+233 24 456 7890"), None, None, None).unwrap();
        assert_eq!(no_region.e164.as_deref(), Some("+233244567890"));
        let other_region = phone(s("+233 24 456 7890"), None, Some("VN"), None).unwrap();
        assert_eq!(other_region.e164.as_deref(), Some("+233244567890"));
        let national = phone(s("0244567890"), None, None, None).unwrap();
        assert_eq!(national.e164, None);
        assert_eq!(national.raw, "0244567890");
    }

    #[test]
    fn invalid_numbers_keep_raw_text_only() {
        let phone = phone(s("098877123"), None, Some("VN"), None).unwrap();
        assert_eq!(phone.e164, None);
        assert_eq!(phone.raw, "098877123");
        assert!(super::phone(None, s("+84"), Some("VN"), None).is_none());
    }
}

//! Phone numbers: keep the raw text, derive E.164 where the number is valid.

use super::value::trim;
use crate::model::{CompactString, Phone};
use compact_str::ToCompactString;
use phonenumber::{country, Mode};
use std::cell::RefCell;

/// The phones of one record, in the order its spec maps them, each national number read
/// in the spec's default region.
///
/// A number a record gives twice (a mobile number given again as the WhatsApp number,
/// say) is validated once: a number read the way an earlier one was read, with the same
/// text in the same region, takes that one's E.164.
pub struct Phones {
    default_region: Option<&'static str>,
    list: Vec<Phone>,
    /// Bit `i` is set when `list[i]` was read in the default region, without a separate
    /// calling code (the first 64 phones; later ones are never reused).
    in_default_region: u64,
}

impl Phones {
    /// No phones yet; national numbers will be read in `default_region` (ISO 3166
    /// alpha-2, from the spec).
    pub fn new(default_region: Option<&'static str>) -> Phones {
        Phones {
            default_region,
            list: Vec::new(),
            in_default_region: 0,
        }
    }

    /// Adds the phone made of `number` and an optional separate country calling code
    /// (`"+84"`), of role `kind`; a blank number adds nothing. The raw text is always
    /// kept; the E.164 form is set only when the number is valid for its region.
    pub fn push(
        &mut self,
        number: Option<CompactString>,
        calling_code: Option<CompactString>,
        kind: Option<&'static str>,
    ) {
        let Some(number) = number else {
            return;
        };
        let kind = kind.map(std::borrow::Cow::Borrowed);
        let phone = match calling_code {
            Some(code) if !number.starts_with('+') => {
                let e164 = e164(&number, Some(&code), self.default_region);
                // The raw text reuses the strings it is made of.
                let mut raw = code;
                raw.push(' ');
                raw.push_str(&number);
                Phone { raw, e164, kind }
            }
            _ => {
                let e164 = match self.read_before(&number) {
                    Some(earlier) => earlier.e164.clone(),
                    None => e164(&number, None, self.default_region),
                };
                if let Some(bit) = 1u64.checked_shl(self.list.len() as u32) {
                    self.in_default_region |= bit;
                }
                Phone {
                    raw: number,
                    e164,
                    kind,
                }
            }
        };
        self.list.push(phone);
    }

    /// The earlier phone with the text `number`, read in the default region.
    fn read_before(&self, number: &str) -> Option<&Phone> {
        self.list.iter().enumerate().find_map(|(index, phone)| {
            let in_default_region = 1u64
                .checked_shl(index as u32)
                .is_some_and(|bit| self.in_default_region & bit != 0);
            (in_default_region && phone.raw == number).then_some(phone)
        })
    }

    /// The phones, in the order they were added.
    pub fn into_vec(self) -> Vec<Phone> {
        self.list
    }
}

/// Counts the phones: their numbers are personal data.
impl std::fmt::Debug for Phones {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Phones")
            .field("default_region", &self.default_region)
            .field("count", &self.list.len())
            .finish_non_exhaustive()
    }
}

/// How many region codes a thread remembers.
const REMEMBERED_REGIONS: usize = 16;

/// A region from its ISO 3166 alpha-2 code in any case, without allocating. Each thread
/// remembers the codes it meets (a spec names one): it is looked up for every phone of
/// every record, and reading a code's name into an id compares it with every name.
fn region_id(code: &str) -> Option<country::Id> {
    thread_local! {
        static SEEN: RefCell<Vec<([u8; 2], Option<country::Id>)>> = const { RefCell::new(Vec::new()) };
    }
    let [first, second] = <[u8; 2]>::try_from(code.as_bytes()).ok()?;
    let upper = [first.to_ascii_uppercase(), second.to_ascii_uppercase()];
    super::remembered(&SEEN, REMEMBERED_REGIONS, upper, |upper| {
        std::str::from_utf8(&upper).ok()?.parse().ok()
    })
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

    /// The one phone `number` (and `calling_code`) make in `region`, if any.
    fn one_phone(
        number: Option<CompactString>,
        calling_code: Option<CompactString>,
        region: Option<&'static str>,
        kind: Option<&'static str>,
    ) -> Option<Phone> {
        let mut phones = Phones::new(region);
        phones.push(number, calling_code, kind);
        phones.into_vec().pop()
    }

    #[test]
    fn separate_calling_code_gives_e164() {
        let phone = one_phone(s("0888899000"), s("+84"), None, Some("primary")).unwrap();
        assert_eq!(phone.e164.as_deref(), Some("+84888899000"));
        assert_eq!(phone.raw, "+84 0888899000");
    }

    #[test]
    fn default_region_applies_to_national_numbers() {
        let phone = one_phone(s("0812345678"), None, Some("TH"), None).unwrap();
        assert_eq!(phone.e164.as_deref(), Some("+66812345678"));
    }

    #[test]
    fn international_numbers_need_no_default_region() {
        let no_region = one_phone(s("+233 24 456 7890"), None, None, None).unwrap();
        assert_eq!(no_region.e164.as_deref(), Some("+233244567890"));
        let other_region = one_phone(s("+233 24 456 7890"), None, Some("VN"), None).unwrap();
        assert_eq!(other_region.e164.as_deref(), Some("+233244567890"));
        let national = one_phone(s("0244567890"), None, None, None).unwrap();
        assert_eq!(national.e164, None);
        assert_eq!(national.raw, "0244567890");
    }

    #[test]
    fn invalid_numbers_keep_raw_text_only() {
        let phone = one_phone(s("098877123"), None, Some("VN"), None).unwrap();
        assert_eq!(phone.e164, None);
        assert_eq!(phone.raw, "098877123");
        assert!(one_phone(None, s("+84"), Some("VN"), None).is_none());
    }

    #[test]
    fn a_number_given_twice_is_read_once_and_kept_twice() {
        let mut phones = Phones::new(Some("GH"));
        phones.push(s("+233244567890"), None, Some("primary"));
        phones.push(s("+233244567890"), None, Some("whatsapp"));
        phones.push(s("0244567890"), None, Some("other"));
        phones.push(None, None, Some("blank"));
        let phones = phones.into_vec();
        let seen: Vec<_> = phones
            .iter()
            .map(|phone| (&*phone.raw, phone.e164.as_deref(), phone.kind.as_deref()))
            .collect();
        assert_eq!(
            seen,
            [
                ("+233244567890", Some("+233244567890"), Some("primary")),
                ("+233244567890", Some("+233244567890"), Some("whatsapp")),
                ("0244567890", Some("+233244567890"), Some("other")),
            ]
        );
    }

    /// A phone made with a separate calling code has a raw text that a number read in
    /// the default region could repeat; its E.164 comes from the code's region, so it is
    /// never reused for that number.
    #[test]
    fn a_number_read_with_a_calling_code_is_not_reused_for_another_reading() {
        // In the US, `phonenumber` keeps the `0` of `+233 0244567890`: too long for Ghana.
        let mut phones = Phones::new(Some("US"));
        phones.push(s("0244567890"), s("+233"), None);
        phones.push(s("+233 0244567890"), None, None);
        let phones = phones.into_vec();
        assert_eq!(phones[0].raw, phones[1].raw);
        assert_eq!(phones[0].e164.as_deref(), Some("+233244567890"));
        assert_eq!(phones[1].e164, None);
        assert_eq!(
            one_phone(s("+233 0244567890"), None, Some("US"), None).map(|phone| phone.e164),
            Some(None),
            "read as if it were the only number"
        );
    }

    #[test]
    fn phones_after_the_sixty_fourth_are_read_each_time() {
        let mut phones = Phones::new(Some("VN"));
        for _ in 0..70 {
            phones.push(s("0888899000"), None, None);
        }
        let phones = phones.into_vec();
        assert_eq!(phones.len(), 70);
        assert!(phones
            .iter()
            .all(|phone| phone.e164.as_deref() == Some("+84888899000")));
    }

    #[test]
    fn debug_counts_the_phones_without_printing_them() {
        let mut phones = Phones::new(Some("VN"));
        phones.push(s("0888899000"), None, None);
        let printed = format!("{phones:?}");
        assert!(printed.contains("count: 1"), "{printed}");
        assert!(!printed.contains("0888"), "{printed}");
    }
}

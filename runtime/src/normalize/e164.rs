//! A fast derivation of E.164 for the common cases: a national number written as plain
//! digits (`0888899000`) in a known region, and an international one (`+233244567890`,
//! `+994 50 123 45 67`).
//!
//! `phonenumber::parse` + `is_valid` answer every form of input, but every regex they run
//! goes through one global, locked LRU cache keyed by the pattern's text; with two
//! numbers per record that was most of the normalize time. This module follows the same
//! steps on the same metadata (`phonenumber::metadata::DATABASE`), with each region's
//! patterns compiled once, and answers only inputs whose handling it follows exactly: it
//! returns `None` ("not decided here") for anything else (letters, brackets, an
//! international dialling prefix, a number that starts with the country code, a region
//! with a national-prefix transform rule), and the caller falls back to `phonenumber`.
//! A property test checks it agrees with `phonenumber` wherever it answers.

use crate::model::CompactString;
use phonenumber::metadata::{Descriptor, Metadata, DATABASE};
use regex_automata::dfa::{dense, Automaton, StartKind};
use regex_automata::util::{primitives::StateID, start, syntax};
use regex_automata::{Anchored, Input};
use std::cell::RefCell;
use std::sync::RwLock;

/// `phonenumber`'s bounds on the length of a national significant number.
const MIN_NATIONAL_LENGTH: usize = 2;
const MAX_NATIONAL_LENGTH: usize = 17;

/// The E.164 form of `number` (plain digits, as dialled in `region`), decided:
/// `Some(Some(e164))` valid, `Some(None)` not a valid number, `None` for input this fast
/// path does not handle.
pub(super) fn national_digits(number: &str, region: &str) -> Option<Option<CompactString>> {
    if number.len() < 3 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let rules = rules_for(region)?;
    if rules.reads_otherwise(number) || number.starts_with(&rules.code_text) {
        return None;
    }
    Some(decide(rules, strip_national_prefix(rules, number)))
}

/// The E.164 form of `number` written in international form (`+233244567890`, its digits
/// perhaps grouped by spaces, `-` or `.`), read as `phonenumber::parse` reads it with
/// `default_region` as the region; decided or `None` as in [`national_digits`].
///
/// `phonenumber` strips a national prefix from such a number with the *default* region's
/// rules, not those of the number's country code; this follows it, so that both agree.
pub(super) fn international_digits(
    number: &str,
    default_region: &str,
) -> Option<Option<CompactString>> {
    /// Room for the longest number `phonenumber` accepts: a three-digit country code and
    /// a national number of `MAX_NATIONAL_LENGTH`; longer input is left to it.
    const MAX_DIGITS: usize = 3 + MAX_NATIONAL_LENGTH;
    let grouped = number.strip_prefix('+')?;
    let mut buffer = [0u8; MAX_DIGITS];
    let digits = if grouped.bytes().all(|byte| byte.is_ascii_digit()) {
        // Written without separators (the usual case): the digits are the text.
        (grouped.len() <= MAX_DIGITS).then_some(grouped)?
    } else {
        ungrouped(grouped, &mut buffer)?
    };
    let home = rules_for(default_region)?;
    if home.reads_otherwise(digits)
        || digits.len() <= MIN_NATIONAL_LENGTH
        || digits.starts_with('0')
    {
        return None;
    }
    // The country code is the prefix that is one (codes are prefix-free): most often the
    // default region's own, whose rules are at hand.
    let rules = if digits.starts_with(&home.code_text) {
        home
    } else {
        (1..=3).find_map(|code_length| {
            let code: u16 = digits.get(..code_length)?.parse().ok()?;
            let region = DATABASE.by_code(&code)?.into_iter().next()?.id();
            Some(rules_for(region))
        })??
    };
    let national = digits.get(rules.code_text.len()..)?;
    Some(decide(rules, strip_national_prefix(home, national)))
}

/// The digits of `grouped` (digits perhaps grouped by single spaces, `-` or `.`), copied
/// into `buffer`; `None` for any other text, or more digits than `buffer` holds.
fn ungrouped<'b>(grouped: &str, buffer: &'b mut [u8]) -> Option<&'b str> {
    let mut length = 0;
    let mut after_digit = false;
    for byte in grouped.bytes() {
        match byte {
            b'0'..=b'9' => {
                *buffer.get_mut(length)? = byte;
                length += 1;
                after_digit = true;
            }
            // A separator only between digits: one after another or at an end is left to
            // `phonenumber`'s own reading.
            b' ' | b'-' | b'.' if after_digit => after_digit = false,
            _ => return None,
        }
    }
    if !after_digit {
        return None;
    }
    std::str::from_utf8(buffer.get(..length)?).ok()
}

/// The E.164 form of `national` (the digits of a national significant number of `rules`'
/// country code), when it is a valid number.
fn decide(rules: &RegionRules, national: &str) -> Option<CompactString> {
    if national.len() < MIN_NATIONAL_LENGTH || national.len() > MAX_NATIONAL_LENGTH {
        return None;
    }
    let significant = national.trim_start_matches('0');
    // `phonenumber` keeps the digits after the leading zeros as a number below 2^56;
    // sixteen digits or fewer always are (10^16 < 2^56), so only more are read.
    if significant.is_empty()
        || significant.len() > 16
            && significant
                .parse::<u64>()
                .map_or(true, |value| value >= 1 << 56)
    {
        return None;
    }
    is_valid(rules, national).then(|| {
        let mut e164 = CompactString::with_capacity(1 + rules.code_text.len() + national.len());
        e164.push('+');
        e164.push_str(&rules.code_text);
        e164.push_str(national);
        e164
    })
}

/// The national significant number: the national prefix removed the way
/// `phonenumber::parse` removes it (including its second strip of the prefix), kept only
/// when what remains is not too short for the region.
fn strip_national_prefix<'a>(rules: &RegionRules, number: &'a str) -> &'a str {
    let mut potential = match &rules.prefix_for_parsing {
        Some(parsing) => match parsing.match_end(number) {
            Some(end) => number.get(end..).unwrap_or(number),
            None => number,
        },
        None => strip_prefix(number, rules.national_prefix.as_deref()),
    };
    potential = strip_prefix(potential, rules.national_prefix.as_deref());
    if rules.general.too_short(potential.len()) {
        number
    } else {
        potential
    }
}

fn strip_prefix<'a>(number: &'a str, prefix: Option<&str>) -> &'a str {
    prefix
        .and_then(|prefix| number.strip_prefix(prefix))
        .unwrap_or(number)
}

/// `phonenumber::is_valid` for a number of `rules`' country code: the region is the only
/// one with that code, or the first whose leading digits (or, without them, whose
/// number types) match; the number is valid when it is of a known type there.
fn is_valid(rules: &RegionRules, national: &str) -> bool {
    let region = match rules.code_regions.as_slice() {
        // The one region of the code is the one `rules` are of.
        [_] => Some(rules),
        regions => regions.iter().find_map(|region| {
            let candidate = rules_for(region)?;
            let matches = match &candidate.leading_digits {
                Some(leading) => leading.is_match(national),
                None => candidate.has_known_type(national),
            };
            matches.then_some(candidate)
        }),
    };
    region.is_some_and(|region| region.has_known_type(national))
}

/// One region's metadata with its patterns compiled, anchored at the start as
/// `phonenumber` uses them (a match must begin at the first digit).
struct RegionRules {
    /// The country calling code, as digits.
    code_text: String,
    /// The regions sharing the country code, in the metadata's order.
    code_regions: Vec<String>,
    international_prefix: Option<Prefix>,
    national_prefix: Option<String>,
    prefix_for_parsing: Option<Prefix>,
    transform_rule: bool,
    leading_digits: Option<Prefix>,
    general: Pattern,
    /// Every number type `phonenumber::validator::number_type` checks.
    types: Vec<Pattern>,
}

impl RegionRules {
    fn compile(meta: &Metadata) -> Option<RegionRules> {
        let descriptors = meta.descriptors();
        // Mobile and fixed line first: most numbers are one of them, and only whether
        // any type matches counts.
        let types = [
            descriptors.mobile(),
            descriptors.fixed_line(),
            descriptors.premium_rate(),
            descriptors.toll_free(),
            descriptors.shared_cost(),
            descriptors.voip(),
            descriptors.personal_number(),
            descriptors.pager(),
            descriptors.uan(),
            descriptors.voicemail(),
        ];
        Some(RegionRules {
            code_text: meta.country_code().to_string(),
            code_regions: DATABASE
                .region(&meta.country_code())?
                .into_iter()
                .map(str::to_string)
                .collect(),
            international_prefix: compile_optional(
                meta.international_prefix().map(|re| re.as_str()),
            )?,
            national_prefix: meta.national_prefix().map(str::to_string),
            prefix_for_parsing: compile_optional(
                meta.national_prefix_for_parsing().map(|re| re.as_str()),
            )?,
            transform_rule: meta.national_prefix_transform_rule().is_some(),
            leading_digits: compile_optional(meta.leading_digits().map(|re| re.as_str()))?,
            general: Pattern::compile(descriptors.general())?,
            types: types
                .into_iter()
                .flatten()
                .map(Pattern::compile)
                .collect::<Option<_>>()?,
        })
    }

    /// Whether `phonenumber` reads `digits` in this region in a way the fast path does
    /// not follow: the region has a national-prefix transform rule, or the digits start
    /// with its international dialling prefix.
    fn reads_otherwise(&self, digits: &str) -> bool {
        self.transform_rule
            || self
                .international_prefix
                .as_ref()
                .is_some_and(|idd| idd.is_match(digits))
    }

    /// `phonenumber::validator::number_type(..) != Type::Unknown`.
    fn has_known_type(&self, national: &str) -> bool {
        self.general.is_match(national) && self.types.iter().any(|kind| kind.is_match(national))
    }
}

/// A number-type descriptor: its pattern and the lengths it allows.
struct Pattern {
    regex: Prefix,
    possible_lengths: Vec<u16>,
    local_lengths: Vec<u16>,
}

impl Pattern {
    fn compile(descriptor: &Descriptor) -> Option<Pattern> {
        Some(Pattern {
            regex: Prefix::compile(descriptor.national_number().as_str())?,
            possible_lengths: descriptor.possible_length().to_vec(),
            local_lengths: descriptor.possible_local_length().to_vec(),
        })
    }

    /// `Descriptor::is_match`.
    fn is_match(&self, national: &str) -> bool {
        let length = national.len() as u16;
        (self.possible_lengths.is_empty() || self.possible_lengths.contains(&length))
            && self.regex.is_match(national)
    }

    /// `validator::length(..) == Validation::TooShort` for the general descriptor.
    fn too_short(&self, length: usize) -> bool {
        let length = length as u16;
        match self.possible_lengths.first() {
            Some(&minimum) => !self.local_lengths.contains(&length) && length < minimum,
            None => false,
        }
    }
}

/// A metadata pattern, matched as `phonenumber` matches it: from the first digit, ending
/// anywhere (`^(?:pattern)`).
///
/// It is compiled to a DFA: each pattern runs several times for every phone number, and
/// a DFA's search is a table walk over the digits, where a `regex::Regex` spends more on
/// setting the search up than on the ten digits. The patterns only ever see ASCII digits
/// (the fast paths check), so they are compiled without Unicode classes, which keeps the
/// DFAs small and reads such text alike; whitespace in them is ignored, as `phonenumber`
/// compiles them.
///
/// The DFA is walked here, a transition a digit, from a start state found once: the
/// general search (`try_search_fwd`) works the start state out for every call and
/// handles prefilters and acceleration, which cost more than the walk over a phone
/// number's digits.
struct Prefix {
    dfa: dense::DFA<Vec<u32>>,
    /// The anchored start state at the beginning of a text (no byte before it).
    start: StateID,
}

impl Prefix {
    fn compile(pattern: &str) -> Option<Prefix> {
        let dfa = dense::Builder::new()
            .syntax(
                syntax::Config::new()
                    .ignore_whitespace(true)
                    .unicode(false)
                    .utf8(false),
            )
            // Acceleration skips runs of bytes that loop on a state: none in ten digits.
            .configure(
                dense::Config::new()
                    .start_kind(StartKind::Anchored)
                    .accelerate(false),
            )
            .build(pattern)
            .ok()?;
        let start = dfa
            .start_state(&start::Config::new().anchored(Anchored::Yes))
            .ok()?;
        Some(Prefix { dfa, start })
    }

    /// Whether a match starts at the first byte of `digits`.
    fn is_match(&self, digits: &str) -> bool {
        self.walk(digits, true).is_some()
    }

    /// Where the match that starts at the first byte of `digits` ends.
    fn match_end(&self, digits: &str) -> Option<usize> {
        self.walk(digits, false)
    }

    /// The end of the leftmost-first match at the start of `text` (the first end found,
    /// if `earliest`), as `try_search_fwd` gives it for an anchored search. A DFA here
    /// reports a match one transition late: being in a match state after the byte at
    /// `at` means a match ends just before it.
    fn walk(&self, text: &str, earliest: bool) -> Option<usize> {
        let dfa = &self.dfa;
        let mut state = self.start;
        let mut end = None;
        for (at, &byte) in text.as_bytes().iter().enumerate() {
            state = dfa.next_state(state, byte);
            if dfa.is_special_state(state) {
                if dfa.is_match_state(state) {
                    end = Some(at);
                    if earliest {
                        return end;
                    }
                } else if dfa.is_dead_state(state) {
                    return end;
                } else if dfa.is_quit_state(state) {
                    // No byte is configured to quit on; should one ever be, the general
                    // search decides.
                    return self.search(text, earliest);
                }
            }
        }
        if dfa.is_match_state(dfa.next_eoi_state(state)) {
            end = Some(text.len());
        }
        end
    }

    fn search(&self, text: &str, earliest: bool) -> Option<usize> {
        let input = Input::new(text).anchored(Anchored::Yes).earliest(earliest);
        let found = self.dfa.try_search_fwd(&input).ok()??;
        Some(found.offset())
    }
}

/// An optional metadata pattern, compiled; `None` when it does not compile.
fn compile_optional(pattern: Option<&str>) -> Option<Option<Prefix>> {
    match pattern {
        Some(pattern) => Prefix::compile(pattern).map(Some),
        None => Some(None),
    }
}

/// `region`'s rules, compiled on first use and kept for the life of the process (there
/// are about 250 regions). Each thread remembers the regions it has used, so the common
/// lookup takes no lock and touches no memory another thread writes: records are
/// normalized on several threads at once. Lists, not maps: a sync meets a handful of
/// regions, and comparing two-letter ids beats hashing them.
fn rules_for(region: &str) -> Option<&'static RegionRules> {
    thread_local! {
        static USED: RefCell<Vec<(String, &'static RegionRules)>> = const { RefCell::new(Vec::new()) };
    }
    let near = USED.with_borrow(|used| find(used, region));
    if near.is_some() {
        return near;
    }
    let rules = shared_rules_for(region)?;
    USED.with_borrow_mut(|used| used.push((region.to_string(), rules)));
    Some(rules)
}

fn shared_rules_for(region: &str) -> Option<&'static RegionRules> {
    static COMPILED: RwLock<Vec<(String, &'static RegionRules)>> = RwLock::new(Vec::new());
    if let Some(rules) = find(&COMPILED.read().ok()?, region) {
        return Some(rules);
    }
    let mut compiled = COMPILED.write().ok()?;
    if let Some(existing) = find(&compiled, region) {
        return Some(existing);
    }
    let rules: &'static RegionRules =
        Box::leak(Box::new(RegionRules::compile(DATABASE.by_id(region)?)?));
    compiled.push((region.to_string(), rules));
    Some(rules)
}

fn find(rules: &[(String, &'static RegionRules)], region: &str) -> Option<&'static RegionRules> {
    rules
        .iter()
        .find(|(id, _)| id == region)
        .map(|(_, rules)| *rules)
}

#[cfg(test)]
mod tests {
    use super::*;
    use phonenumber::{country, Mode};
    use proptest::prelude::*;

    /// What `phonenumber` itself answers.
    fn reference(number: &str, region: &str) -> Option<CompactString> {
        let id = region.parse::<country::Id>().ok()?;
        let parsed = phonenumber::parse(Some(id), number).ok()?;
        phonenumber::is_valid(&parsed).then(|| parsed.format().mode(Mode::E164).to_string().into())
    }

    #[test]
    fn decides_common_national_numbers() {
        assert_eq!(
            national_digits("0888899000", "VN"),
            Some(Some("+84888899000".into()))
        );
        assert_eq!(
            national_digits("0812345678", "TH"),
            Some(Some("+66812345678".into()))
        );
        assert_eq!(national_digits("098877123", "VN"), Some(None));
        assert_eq!(
            national_digits("6502530000", "US"),
            Some(Some("+16502530000".into()))
        );
    }

    #[test]
    fn leaves_other_forms_to_phonenumber() {
        assert_eq!(national_digits("+84888899000", "VN"), None);
        assert_eq!(national_digits("0888 899 000", "VN"), None);
        assert_eq!(national_digits("0084888899000", "VN"), None);
        assert_eq!(national_digits("84888899000", "VN"), None);
        assert_eq!(national_digits("12", "VN"), None);
    }

    /// Regions chosen for their quirks: several regions per code (US/CA, GB/GG, RU/KZ,
    /// IT/VA), Italian leading zeros, transform rules (AR, BR, MX), carrier prefixes.
    const REGIONS: &[&str] = &[
        "VN", "TH", "US", "CA", "GB", "GG", "RU", "KZ", "IT", "VA", "DE", "FR", "AR", "BR", "MX",
        "AU", "CN", "JP", "IN", "SG", "ID", "PH", "MY", "KR", "NZ", "ZA", "CO", "PE",
    ];

    fn numbers() -> impl Strategy<Value = String> {
        let digits = proptest::string::string_regex("[0-9]{1,16}").unwrap();
        const HEADS: &[&str] = &[
            "0", "00", "011", "1", "84", "66", "44", "39", "01", "02", "09", "9",
        ];
        let prefixed = (
            proptest::sample::select(HEADS),
            proptest::string::string_regex("[0-9]{3,13}").unwrap(),
        )
            .prop_map(|(head, tail)| format!("{head}{tail}"));
        prop_oneof![digits, prefixed]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn agrees_with_phonenumber(number in numbers(), region in proptest::sample::select(REGIONS)) {
            if let Some(fast) = national_digits(&number, region) {
                prop_assert_eq!(fast, reference(&number, region), "{} in {}", number, region);
            }
        }
    }

    /// Every compiled pattern of the regions above, with its region and role.
    fn compiled_patterns() -> Vec<(&'static str, &'static Prefix)> {
        let mut patterns = Vec::new();
        for region in REGIONS {
            let rules = rules_for(region).expect("the region's rules compile");
            let optional = [
                &rules.international_prefix,
                &rules.prefix_for_parsing,
                &rules.leading_digits,
            ];
            patterns.extend(
                optional
                    .into_iter()
                    .flatten()
                    .map(|prefix| (*region, prefix)),
            );
            patterns.push((*region, &rules.general.regex));
            patterns.extend(rules.types.iter().map(|kind| (*region, &kind.regex)));
        }
        patterns
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// The walk finds what the general search finds, for every pattern, on digits
        /// (and on a few other bytes, which the fast paths never pass but which must not
        /// change the answer).
        #[test]
        fn walking_the_dfa_agrees_with_its_search(
            text in proptest::string::string_regex("[0-9]{0,18}|[0-9 +#*a]{0,6}").unwrap(),
        ) {
            for (region, prefix) in compiled_patterns() {
                for earliest in [true, false] {
                    prop_assert_eq!(
                        prefix.walk(&text, earliest),
                        prefix.search(&text, earliest),
                        "{:?} in {}, earliest {}", text, region, earliest
                    );
                }
            }
        }
    }

    #[test]
    fn decides_common_international_numbers() {
        assert_eq!(
            international_digits("+233244567890", "GH"),
            Some(Some("+233244567890".into()))
        );
        assert_eq!(
            international_digits("+994 50 123 45 67", "AZ"),
            Some(Some("+994501234567".into()))
        );
        assert_eq!(
            international_digits("+84-888-899-000", "VN"),
            Some(Some("+84888899000".into()))
        );
        assert_eq!(international_digits("+84 12", "VN"), Some(None));
    }

    #[test]
    fn leaves_other_international_forms_to_phonenumber() {
        for number in [
            "84888899000",
            "+84 (0) 888899000",
            "+84  888899000",
            "+84888899000 ",
            "+84888899000 ext. 12",
            "+0084888899000",
            "+1",
        ] {
            assert_eq!(international_digits(number, "VN"), None, "{number}");
        }
    }

    /// International numbers: a country code (of a region above, or another), its
    /// digits perhaps grouped by a separator.
    fn international_numbers() -> impl Strategy<Value = String> {
        const CODES: &[&str] = &[
            "84", "66", "1", "44", "39", "7", "49", "33", "54", "55", "52", "61", "86", "81", "91",
            "65", "62", "63", "60", "82", "64", "27", "57", "51", "233", "994", "380", "0", "999",
        ];
        const SEPARATORS: &[&str] = &["", "", " ", "-", "."];
        (
            proptest::sample::select(CODES),
            proptest::sample::select(SEPARATORS),
            proptest::collection::vec(proptest::string::string_regex("[0-9]{1,4}").unwrap(), 1..5),
        )
            .prop_map(|(code, separator, groups)| {
                format!("+{code}{separator}{}", groups.join(separator))
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn international_agrees_with_phonenumber(
            number in international_numbers(),
            region in proptest::sample::select(REGIONS),
        ) {
            if let Some(fast) = international_digits(&number, region) {
                prop_assert_eq!(fast, reference(&number, region), "{} in {}", number, region);
            }
        }
    }

    #[test]
    fn agrees_with_phonenumber_on_each_regions_examples_in_international_form() {
        let mut decided_valid = 0;
        for meta in DATABASE.iter() {
            let code = meta.country_code();
            let descriptors = meta.descriptors();
            let examples = [descriptors.fixed_line(), descriptors.mobile()]
                .into_iter()
                .flatten()
                .filter_map(|descriptor| descriptor.example());
            for example in examples {
                for number in [format!("+{code}{example}"), format!("+{code} {example}")] {
                    for region in ["VN", "DE"] {
                        if let Some(fast) = international_digits(&number, region) {
                            assert_eq!(fast, reference(&number, region), "{number} in {region}");
                            decided_valid += usize::from(fast.is_some());
                        }
                    }
                }
            }
        }
        println!("fast path decided {decided_valid} valid international examples");
        assert!(
            decided_valid > 1000,
            "the fast path decided only {decided_valid}"
        );
    }

    #[test]
    fn agrees_with_phonenumber_on_each_regions_examples() {
        let mut decided_valid = 0;
        for meta in DATABASE.iter() {
            let region = meta.id();
            if region.parse::<country::Id>().is_err() {
                continue;
            }
            let descriptors = meta.descriptors();
            let examples = [
                descriptors.general(),
                descriptors.fixed_line().unwrap_or(descriptors.general()),
                descriptors.mobile().unwrap_or(descriptors.general()),
            ]
            .into_iter()
            .filter_map(|descriptor| descriptor.example());
            for example in examples {
                let national = match meta.national_prefix() {
                    Some(prefix) => format!("{prefix}{example}"),
                    None => example.to_string(),
                };
                for number in [example.to_string(), national] {
                    if let Some(fast) = national_digits(&number, region) {
                        assert_eq!(fast, reference(&number, region), "{number} in {region}");
                        decided_valid += usize::from(fast.is_some());
                    }
                }
            }
        }
        println!("fast path decided {decided_valid} valid examples");
        assert!(
            decided_valid > 300,
            "the fast path decided only {decided_valid}"
        );
    }
}

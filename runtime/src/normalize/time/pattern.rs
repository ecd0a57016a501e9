//! `strftime` patterns of a spec, laid out when the generated code is compiled.

use chrono::{NaiveDate, NaiveTime};
use std::fmt;

/// A `strftime` pattern (`%Y-%m-%d %H:%M:%S`). When it is made of zero-padded numeric
/// fields and literal characters, as providers' patterns usually are, where each field's
/// digits sit is worked out by [`Pattern::new`], a `const fn`: generated code keeps its
/// patterns in statics, so reading a value compares bytes at known offsets instead of
/// interpreting the pattern. Other patterns, and texts of another shape, are read by
/// chrono.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Pattern {
    text: &'static str,
    layout: Option<Layout>,
}

/// Where a fixed-width pattern's fields and literals are, for texts of exactly `len`
/// bytes, with what each byte must be as masks over words of eight bytes, so that a
/// text's shape is checked a word at a time.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Layout {
    len: usize,
    words: [Word; MAX_LEN / 8],
    /// The offset of each field's first digit (year, month, day, hour, minute, second),
    /// `NONE` for a field the pattern does not have.
    fields: [u8; 6],
}

/// What eight bytes of a text must be, little-endian, a byte per lane.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Word {
    /// `0xFF` where a literal goes, `0xF0` where a digit goes, 0 past the end.
    mask: u64,
    /// The literal, or `0x30` (a digit's high half), under `mask`.
    expected: u64,
    /// `0x06` where a digit goes: a digit's lane plus 6 still has the high half `0x3`,
    /// any other byte of the form `0x3?` does not.
    six: u64,
    /// `0xF0` where a digit goes.
    high: u64,
}

/// The longest text a fixed-width layout describes.
const MAX_LEN: usize = 64;
/// The offset of a field the pattern lacks.
const NONE: u8 = u8::MAX;

impl Pattern {
    /// The pattern `text`, laid out when it is fixed-width: `%Y` (four digits), `%m`,
    /// `%d`, `%H`, `%M`, `%S` (two each), each at most once, with a date's three fields
    /// and either all three of a time's or none, between literal characters other than
    /// `%`. Any other pattern is kept as text for chrono.
    pub const fn new(text: &'static str) -> Pattern {
        Pattern {
            text,
            layout: Layout::of(text.as_bytes()),
        }
    }

    /// The pattern as the spec wrote it.
    pub const fn as_str(&self) -> &'static str {
        self.text
    }

    /// The date, and the time when the pattern has one, of `text` when the pattern is
    /// fixed-width and `text` has exactly its shape (every field's digits, every
    /// literal) and names a date and time that exist. `None` for anything else, which is
    /// left to chrono; chrono reads text of this shape alike, as its fields take at most
    /// these many digits and a literal takes exactly itself.
    pub(super) fn fixed_width(&self, text: &str) -> Option<(NaiveDate, Option<NaiveTime>)> {
        let layout = self.layout.as_ref()?;
        let bytes = text.as_bytes();
        if bytes.len() != layout.len {
            return None;
        }
        let eight = |from: usize| {
            let lanes = bytes.get(from..from + 8)?;
            <[u8; 8]>::try_from(lanes).ok().map(u64::from_le_bytes)
        };
        for (index, word) in layout
            .words
            .iter()
            .take(bytes.len().div_ceil(8))
            .enumerate()
        {
            let start = index * 8;
            // The last word of a text whose length is not a multiple of eight: the eight
            // bytes that end the text, shifted down (a layout has a date, so at least
            // eight bytes).
            let lanes = match eight(start) {
                Some(lanes) => lanes,
                None => eight(bytes.len().checked_sub(8)?)? >> ((start + 8 - bytes.len()) * 8),
            };
            // Literals and digits' high halves first; then, all digit lanes being `0x3?`
            // (so adding 6 carries out of none), that each is at most `0x39`.
            let shaped = lanes & word.mask == word.expected
                && lanes.wrapping_add(word.six) & word.high == word.expected & word.high;
            if !shaped {
                return None;
            }
        }
        // Digits only from here: the loop above checked every one.
        let number = |slot: usize, width: usize| -> Option<u32> {
            let at = usize::from(*layout.fields.get(slot)?);
            bytes.get(at..at + width).map(super::checked_digits)
        };
        let year = i32::try_from(number(0, 4)?).ok()?;
        let date = NaiveDate::from_ymd_opt(year, number(1, 2)?, number(2, 2)?)?;
        if layout.fields[3] == NONE {
            return Some((date, None));
        }
        let time = NaiveTime::from_hms_opt(number(3, 2)?, number(4, 2)?, number(5, 2)?)?;
        Some((date, Some(time)))
    }
}

/// The pattern's text alone: its layout is derived from it.
impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pattern").field(&self.text).finish()
    }
}

impl Layout {
    /// The layout of `pattern`, or `None` when it is not fixed-width (see [`Pattern::new`]).
    const fn of(pattern: &[u8]) -> Option<Layout> {
        // A byte per lane of the text first (the literal, or 0 for a digit), words after.
        let mut literals = [0u8; MAX_LEN];
        let mut digits = [false; MAX_LEN];
        let mut len = 0;
        let mut fields = [NONE; 6];
        let mut index = 0;
        while index < pattern.len() {
            let byte = pattern[index];
            index += 1;
            if byte != b'%' {
                if len == MAX_LEN {
                    return None;
                }
                literals[len] = byte;
                len += 1;
                continue;
            }
            if index == pattern.len() {
                return None;
            }
            let (slot, width) = match pattern[index] {
                b'Y' => (0, 4),
                b'm' => (1, 2),
                b'd' => (2, 2),
                b'H' => (3, 2),
                b'M' => (4, 2),
                b'S' => (5, 2),
                _ => return None,
            };
            index += 1;
            if fields[slot] != NONE || len + width > MAX_LEN {
                return None;
            }
            fields[slot] = len as u8;
            let end = len + width;
            while len < end {
                digits[len] = true;
                len += 1;
            }
        }
        let [year, month, day, hour, minute, second] = fields;
        let date = year != NONE && month != NONE && day != NONE;
        let time = hour != NONE && minute != NONE && second != NONE;
        let no_time = hour == NONE && minute == NONE && second == NONE;
        if !(date && (time || no_time)) {
            return None;
        }
        let empty = Word {
            mask: 0,
            expected: 0,
            six: 0,
            high: 0,
        };
        let mut words = [empty; MAX_LEN / 8];
        let mut lane = 0;
        while lane < len {
            let word = &mut words[lane / 8];
            let shift = (lane % 8) * 8;
            if digits[lane] {
                word.mask |= 0xF0 << shift;
                word.expected |= 0x30 << shift;
                word.six |= 0x06 << shift;
                word.high |= 0xF0 << shift;
            } else {
                word.mask |= 0xFF << shift;
                word.expected |= (literals[lane] as u64) << shift;
            }
            lane += 1;
        }
        Some(Layout { len, words, fields })
    }
}

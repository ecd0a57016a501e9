//! A cursor over one record's JSON text, and the [`Decode`] trait that the decoders
//! codegen writes for the normalizer's borrowed view types implement.
//!
//! serde_json with `#[derive(Deserialize)]` spent about twice the instructions of its
//! own bare scan on a record, in serde's layers (the `Option` wrapper, key matching
//! through a visitor, the map plumbing); a generated decoder matches keys and reads
//! values directly. The text is always a `RawValue` that serde_json has already
//! validated, so the scanner does not check the syntax again: it finds what the decoder
//! asks for (a key, a string, a number) and skips what it does not, borrowing strings
//! without escapes from the text. It still never panics and never reads out of bounds:
//! given text that is not what it expects, it returns a [`ScanError`] with the byte
//! offset where it stopped, and names what it expected, never the value it found.
//!
//! The public raw record types (`raw_stream`) keep serde.

use std::borrow::Cow;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Why a scan stopped, and where (a byte offset into the text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    /// What was expected there.
    pub expected: &'static str,
    /// The byte offset of the first byte that did not fit.
    pub offset: usize,
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected {} at byte {}", self.expected, self.offset)
    }
}

impl std::error::Error for ScanError {}

/// An error at byte `offset` (a value that began there and did not read).
fn error_at<T>(offset: usize, expected: &'static str) -> Result<T, ScanError> {
    Err(ScanError { expected, offset })
}

/// The kind of the next value, from its first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `{`
    Object,
    /// `[`
    Array,
    /// `"`
    String,
    /// `-` or a digit.
    Number,
    /// `true` or `false`.
    Bool,
    /// `null`.
    Null,
    /// The end of the text, or a byte no value starts with.
    Other,
}

/// A position in a record's JSON text.
pub struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Scanner<'a> {
    /// A scanner at the start of `text`.
    pub fn new(text: &'a str) -> Scanner<'a> {
        Scanner {
            text,
            bytes: text.as_bytes(),
            at: 0,
        }
    }

    /// The byte offset the scanner is at.
    pub fn offset(&self) -> usize {
        self.at
    }

    /// An error at the scanner's position: `expected` says what should have been there
    /// (`a string`, `the field \`id\``).
    pub fn error<T>(&self, expected: &'static str) -> Result<T, ScanError> {
        error_at(self.at, expected)
    }

    #[inline]
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    #[inline]
    fn peek_byte(&mut self) -> Option<u8> {
        self.skip_whitespace();
        self.bytes.get(self.at).copied()
    }

    #[inline]
    fn expect(&mut self, byte: u8, expected: &'static str) -> Result<(), ScanError> {
        if self.peek_byte() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            self.error(expected)
        }
    }

    /// The kind of the next value.
    #[inline]
    pub fn peek(&mut self) -> Kind {
        match self.peek_byte() {
            Some(b'{') => Kind::Object,
            Some(b'[') => Kind::Array,
            Some(b'"') => Kind::String,
            Some(b'-' | b'0'..=b'9') => Kind::Number,
            Some(b't' | b'f') => Kind::Bool,
            Some(b'n') => Kind::Null,
            _ => Kind::Other,
        }
    }

    /// Consumes a `null` if one is next; tells whether it did.
    #[inline]
    pub fn null(&mut self) -> bool {
        let found = self.peek_byte() == Some(b'n') && self.literal("null");
        if found {
            self.at += 4;
        }
        found
    }

    #[inline]
    fn literal(&self, word: &str) -> bool {
        self.bytes
            .get(self.at..self.at + word.len())
            .is_some_and(|bytes| bytes == word.as_bytes())
    }

    /// A string, borrowed from the text unless it holds escapes.
    #[inline]
    pub fn string(&mut self) -> Result<Cow<'a, str>, ScanError> {
        match self.plain_string() {
            Some(text) => Ok(Cow::Borrowed(text)),
            None => self.any_string(),
        }
    }

    /// The string that starts here if it holds no escapes, and the scanner moves past
    /// it; `None` for anything else, the scanner left where the string should start.
    ///
    /// Out of line, for one copy of the scan, but returning only two words, so that the
    /// result comes back in registers. A `Result<Cow<str>, ScanError>` comes back in
    /// memory, and its caller read it back before the stores had landed: the load
    /// stalled, once for every string field of every record.
    #[inline(never)]
    fn plain_string(&mut self) -> Option<&'a str> {
        self.skip_whitespace();
        let start = self.at.checked_add(1)?;
        if self.bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        let rest = self.bytes.get(start..)?;
        let length = quote_or_backslash(rest)?;
        if rest.get(length) != Some(&b'"') {
            return None;
        }
        let text = self.text.get(start..start + length)?;
        self.at = start + length + 1;
        Some(text)
    }

    /// Any string, borrowed or unescaped, or what is wrong instead: what
    /// [`plain_string`](Scanner::plain_string) leaves.
    #[cold]
    fn any_string(&mut self) -> Result<Cow<'a, str>, ScanError> {
        self.expect(b'"', "a string")?;
        let start = self.at;
        let rest = self.bytes.get(start..).unwrap_or_default();
        match quote_or_backslash(rest) {
            Some(length) if rest.get(length) == Some(&b'"') => {
                self.at = start + length + 1;
                match self.text.get(start..start + length) {
                    Some(text) => Ok(Cow::Borrowed(text)),
                    None => self.error("a string"),
                }
            }
            Some(_) => {
                self.at = start - 1;
                self.escaped_string().map(Cow::Owned)
            }
            None => self.error("the end of a string"),
        }
    }

    /// A string with escapes, unescaped by serde_json (they are rare in records).
    #[cold]
    fn escaped_string(&mut self) -> Result<String, ScanError> {
        let start = self.at;
        self.skip_string()?;
        let quoted = self.text.get(start..self.at).unwrap_or_default();
        serde_json::from_str(quoted).or_else(|_| error_at(start, "a string"))
    }

    /// Moves past the string that starts here (at its opening quote).
    fn skip_string(&mut self) -> Result<(), ScanError> {
        self.expect(b'"', "a string")?;
        loop {
            let rest = self.bytes.get(self.at..).unwrap_or_default();
            match quote_or_backslash(rest) {
                Some(length) if rest.get(length) == Some(&b'"') => {
                    self.at += length + 1;
                    return Ok(());
                }
                // A backslash and the byte it escapes.
                Some(length) => self.at += length + 2,
                None => {
                    self.at = self.bytes.len();
                    return self.error("the end of a string");
                }
            }
        }
    }

    /// The text of the number that starts here (`expected` names it in an error).
    #[inline]
    fn number_text(&mut self, expected: &'static str) -> Result<&'a str, ScanError> {
        self.skip_whitespace();
        let start = self.at;
        while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.bytes.get(self.at) {
            self.at += 1;
        }
        match self.text.get(start..self.at) {
            Some(number) if !number.is_empty() => Ok(number),
            _ => self.error(expected),
        }
    }

    /// A whole number that fits an `i64`.
    #[inline]
    pub fn i64(&mut self) -> Result<i64, ScanError> {
        let start = self.offset_after_whitespace();
        let number = self.number_text("a whole number")?;
        number
            .parse()
            .or_else(|_| error_at(start, "a whole number"))
    }

    /// A number, as serde_json reads it into an `f64`.
    pub fn f64(&mut self) -> Result<f64, ScanError> {
        let start = self.offset_after_whitespace();
        let number = self.number_text("a number")?;
        match short_decimal(number) {
            Some(value) => Ok(value),
            None => serde_json::from_str(number).or_else(|_| error_at(start, "a number")),
        }
    }

    #[inline]
    fn offset_after_whitespace(&mut self) -> usize {
        self.skip_whitespace();
        self.at
    }

    /// `true` or `false`.
    #[inline]
    pub fn bool(&mut self) -> Result<bool, ScanError> {
        self.skip_whitespace();
        if self.literal("true") {
            self.at += 4;
            Ok(true)
        } else if self.literal("false") {
            self.at += 5;
            Ok(false)
        } else {
            self.error("a boolean")
        }
    }

    /// Moves past the value that starts here, whatever it is.
    pub fn skip(&mut self) -> Result<(), ScanError> {
        match self.peek() {
            Kind::String => self.skip_string(),
            Kind::Object | Kind::Array => self.skip_nested(),
            Kind::Number => self.number_text("a number").map(drop),
            Kind::Bool => self.bool().map(drop),
            Kind::Null if self.null() => Ok(()),
            Kind::Null | Kind::Other => self.error("a value"),
        }
    }

    /// Moves past the object or array that starts here, by depth; strings inside are
    /// skipped whole, so brackets in them do not count.
    fn skip_nested(&mut self) -> Result<(), ScanError> {
        let mut depth = 0usize;
        loop {
            match self.bytes.get(self.at) {
                Some(b'{' | b'[') => {
                    depth += 1;
                    self.at += 1;
                }
                Some(b'}' | b']') => {
                    self.at += 1;
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Ok(());
                    }
                }
                Some(b'"') => self.skip_string()?,
                Some(_) => self.at += 1,
                None => return self.error("the end of an object or array"),
            }
        }
    }

    /// Calls `field` with each key of the object that starts here, the scanner placed at
    /// the key's value; `field` must consume the value (read it or [`skip`](Self::skip) it).
    #[inline]
    pub fn object(
        &mut self,
        field: impl FnMut(&mut Self, Cow<'a, str>) -> Result<(), ScanError>,
    ) -> Result<(), ScanError> {
        self.members(Self::string, field)
    }

    /// Calls `field` with the position in `keys` of each key of the object that starts
    /// here (`None` for a key not among them), the scanner placed at the key's value;
    /// `field` must consume the value.
    ///
    /// A provider sends an object's keys in the same order every time. So each key is
    /// first compared, in place, with the one [`Keys`] expects after the last key found;
    /// only when it is another is it read and looked up, and `keys` learns the order.
    #[inline]
    pub fn fields<const N: usize>(
        &mut self,
        keys: &Keys<N>,
        field: impl FnMut(&mut Self, Option<usize>) -> Result<(), ScanError>,
    ) -> Result<(), ScanError> {
        let mut previous = None;
        self.members(
            |scanner| {
                let expected = keys.after(previous);
                let found = match keys.names.get(expected) {
                    Some(name) if keys.plain && scanner.quoted_here(name) => Some(expected),
                    _ => (keys.lookup)(&scanner.string()?),
                };
                if let Some(index) = found {
                    if index != expected {
                        keys.learn(previous, index);
                    }
                    previous = found;
                }
                Ok(found)
            },
            field,
        )
    }

    /// Whether `key`, between quotes, is what comes next; moves past it if so.
    #[inline]
    fn quoted_here(&mut self, key: &str) -> bool {
        self.skip_whitespace();
        let end = self.at + key.len() + 2;
        let here = match self.bytes.get(self.at..end) {
            Some([b'"', inner @ .., b'"']) => same_bytes(inner, key.as_bytes()),
            _ => false,
        };
        if here {
            self.at = end;
        }
        here
    }

    /// The members of the object that starts here: `key` reads each key, `value` is
    /// called with what it read and must consume the member's value.
    #[inline]
    fn members<K>(
        &mut self,
        mut key: impl FnMut(&mut Self) -> Result<K, ScanError>,
        mut value: impl FnMut(&mut Self, K) -> Result<(), ScanError>,
    ) -> Result<(), ScanError> {
        self.delimited(
            b'{',
            b'}',
            "an object",
            "a comma or the end of the object",
            |scanner| {
                let key = key(scanner)?;
                scanner.expect(b':', "a colon")?;
                value(scanner, key)
            },
        )
    }

    /// Calls `item` for each element of the array that starts here, the scanner placed at
    /// the element; `item` must consume it.
    #[inline]
    pub fn array(
        &mut self,
        item: impl FnMut(&mut Self) -> Result<(), ScanError>,
    ) -> Result<(), ScanError> {
        self.delimited(
            b'[',
            b']',
            "an array",
            "a comma or the end of the array",
            item,
        )
    }

    /// The comma-separated entries between `open` and `close` (an object's members or an
    /// array's elements), each read by `entry`; `container` and `separator` name what
    /// was expected in an error.
    #[inline]
    fn delimited(
        &mut self,
        open: u8,
        close: u8,
        container: &'static str,
        separator: &'static str,
        mut entry: impl FnMut(&mut Self) -> Result<(), ScanError>,
    ) -> Result<(), ScanError> {
        self.expect(open, container)?;
        if self.peek_byte() == Some(close) {
            self.at += 1;
            return Ok(());
        }
        loop {
            entry(self)?;
            match self.peek_byte() {
                Some(b',') => self.at += 1,
                Some(byte) if byte == close => {
                    self.at += 1;
                    return Ok(());
                }
                _ => return self.error(separator),
            }
        }
    }

    /// Checks that only whitespace is left.
    pub fn end(&mut self) -> Result<(), ScanError> {
        match self.peek_byte() {
            None => Ok(()),
            Some(_) => self.error("the end of the record"),
        }
    }
}

/// The index of the first `"` or `\\` in `bytes`. Eight bytes at a time: record strings
/// are short, and `memchr`'s setup costs more than it saves on them.
#[inline]
fn quote_or_backslash(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const QUOTES: u64 = u64::from_ne_bytes([b'"'; 8]);
    const BACKSLASHES: u64 = u64::from_ne_bytes([b'\\'; 8]);
    let has_zero = |word: u64| word.wrapping_sub(ONES) & !word & HIGHS;
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        // A zero byte of `word ^ QUOTES` is a quote; the lowest flag is exact (borrows
        // only run upwards).
        let found = has_zero(word ^ QUOTES) | has_zero(word ^ BACKSLASHES);
        if found != 0 {
            return Some(offset + (found.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&byte| byte == b'"' || byte == b'\\')
        .map(|index| offset + index)
}

/// Whether `a` and `b` hold the same bytes. Keys are short, and their lengths are not
/// constants the compiler sees, so `==` would call `memcmp` for every key: up to 16
/// bytes are compared as two words, which may overlap, instead.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    fn word<const W: usize>(bytes: &[u8], at: usize) -> Option<[u8; W]> {
        bytes.get(at..at + W)?.try_into().ok()
    }
    let length = a.len();
    if length != b.len() {
        return false;
    }
    match length {
        8..=16 => {
            word::<8>(a, 0) == word::<8>(b, 0)
                && word::<8>(a, length - 8) == word::<8>(b, length - 8)
        }
        4..=7 => {
            word::<4>(a, 0) == word::<4>(b, 0)
                && word::<4>(a, length - 4) == word::<4>(b, length - 4)
        }
        _ => a == b,
    }
}

/// The `N` keys a generated decoder reads, for [`Scanner::fields`], and the order a
/// provider sends them in, as last seen.
///
/// The order starts as the spec's and is learned as records are read. It is kept in
/// relaxed atomics shared by every thread, written only when a key was not the one
/// expected: it is a guess that saves work, never what a key is taken to be (a key is
/// compared with the expected name before it counts as that field).
pub struct Keys<const N: usize> {
    names: [&'static str; N],
    /// The position of a key among `names`, by a `match` the generator writes.
    lookup: fn(&str) -> Option<usize>,
    /// Whether every name is written in JSON as itself between quotes (no `"`, `\` or
    /// control character needs escaping), so that it can be compared in place.
    plain: bool,
    /// The position of the key expected first.
    first: AtomicUsize,
    /// For each key, the position of the key expected after it.
    follows: [AtomicUsize; N],
}

impl<const N: usize> Keys<N> {
    /// The keys `names`, whose positions `lookup` gives, expected in this order.
    pub const fn new(names: [&'static str; N], lookup: fn(&str) -> Option<usize>) -> Keys<N> {
        let mut plain = true;
        let mut follows = [const { AtomicUsize::new(0) }; N];
        let mut name = 0;
        while name < N {
            let bytes = names[name].as_bytes();
            let mut at = 0;
            while at < bytes.len() {
                plain &= !matches!(bytes[at], b'"' | b'\\' | 0..=0x1f);
                at += 1;
            }
            follows[name] = AtomicUsize::new(name + 1);
            name += 1;
        }
        Keys {
            names,
            lookup,
            plain,
            first: AtomicUsize::new(0),
            follows,
        }
    }

    /// Where the guess of the key after `previous` (the first key, for `None`) is kept.
    fn guess(&self, previous: Option<usize>) -> Option<&AtomicUsize> {
        match previous {
            None => Some(&self.first),
            Some(index) => self.follows.get(index),
        }
    }

    /// The position of the key expected after `previous`; `N` (no name) when none is.
    #[inline]
    fn after(&self, previous: Option<usize>) -> usize {
        self.guess(previous)
            .map_or(N, |guess| guess.load(Ordering::Relaxed))
    }

    /// Remembers that the key at `index` came after `previous`.
    #[cold]
    fn learn(&self, previous: Option<usize>, index: usize) {
        if let Some(guess) = self.guess(previous) {
            guess.store(index, Ordering::Relaxed);
        }
    }
}

/// 10^0 to 10^15: powers of ten that an `f64` holds exactly, and whose quotient with a
/// whole number below 2^53 is rounded once, as parsing the decimal's text rounds it.
pub(crate) const EXACT_POWERS_OF_TEN: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// `number` as an `f64` when it is a plain JSON decimal (`-12.50`: no exponent, no
/// leading zero) of at most 15 digits, without serde_json's parser; `None` for any other
/// text, left to it. Fifteen digits and their power of ten are exact in an `f64`, so the
/// one division rounds once, to the correctly rounded value serde_json also gives here.
fn short_decimal(number: &str) -> Option<f64> {
    const MAX_DIGITS: usize = EXACT_POWERS_OF_TEN.len() - 1;
    let (negative, unsigned) = match number.as_bytes() {
        [b'-', unsigned @ ..] => (true, unsigned),
        unsigned => (false, unsigned),
    };
    // One pass: the digits into `digits`, and where the point is.
    let mut digits = 0u64;
    let mut count = 0;
    let mut point = None;
    for (index, &byte) in unsigned.iter().enumerate() {
        match byte {
            b'0'..=b'9' if count < MAX_DIGITS => {
                digits = digits * 10 + u64::from(byte - b'0');
                count += 1;
            }
            b'.' if point.is_none() => point = Some(index),
            _ => return None,
        }
    }
    let whole = point.unwrap_or(unsigned.len());
    let fraction = count - whole;
    if whole == 0 || (whole > 1 && unsigned.first() == Some(&b'0')) || point == Some(count) {
        return None;
    }
    // Exact: below 10^15, so below 2^53.
    let magnitude = digits as f64 / EXACT_POWERS_OF_TEN.get(fraction)?;
    Some(if negative { -magnitude } else { magnitude })
}

/// A value that a generated decoder reads from a [`Scanner`]: the field types of the
/// normalizer's view types.
pub trait Decode<'a>: Sized {
    /// Reads the value that starts at the scanner's position, and moves past it.
    fn decode(scanner: &mut Scanner<'a>) -> Result<Self, ScanError>;

    /// Reads the value that starts at the scanner's position into `slot`, and moves past
    /// it. Generated decoders read fields this way, so that a value is written once,
    /// where it stays (see [`fill`]). This default and the wrappers' versions (`Option`,
    /// `Pii`, `Text`) are always inlined: `fill` is the one copy out of line, and a
    /// wrapper left out of it would return its value through memory again.
    #[inline(always)]
    fn decode_into(scanner: &mut Scanner<'a>, slot: &mut Option<Self>) -> Result<(), ScanError> {
        *slot = Some(Self::decode(scanner)?);
        Ok(())
    }
}

impl<'a> Decode<'a> for crate::raw::Text<'a> {
    #[inline]
    fn decode(scanner: &mut Scanner<'a>) -> Result<Self, ScanError> {
        scanner.string().map(crate::raw::Text)
    }

    /// [`Scanner::string`]'s two cases, written out: through its `Result`, `fill` ran
    /// about five more instructions a field (callgrind).
    #[inline(always)]
    fn decode_into(scanner: &mut Scanner<'a>, slot: &mut Option<Self>) -> Result<(), ScanError> {
        let text = match scanner.plain_string() {
            Some(text) => Cow::Borrowed(text),
            None => scanner.any_string()?,
        };
        *slot = Some(crate::raw::Text(text));
        Ok(())
    }
}

impl<'a> Decode<'a> for i64 {
    #[inline]
    fn decode(scanner: &mut Scanner<'a>) -> Result<Self, ScanError> {
        scanner.i64()
    }
}

impl<'a> Decode<'a> for f64 {
    fn decode(scanner: &mut Scanner<'a>) -> Result<Self, ScanError> {
        scanner.f64()
    }
}

impl<'a> Decode<'a> for bool {
    fn decode(scanner: &mut Scanner<'a>) -> Result<Self, ScanError> {
        scanner.bool()
    }
}

impl<'a> Decode<'a> for serde_json::Value {
    fn decode(scanner: &mut Scanner<'a>) -> Result<Self, ScanError> {
        let start = scanner.offset_after_whitespace();
        scanner.skip()?;
        let text = scanner.text.get(start..scanner.at).unwrap_or_default();
        serde_json::from_str(text).or_else(|_| error_at(start, "a JSON value"))
    }
}

/// `null` is `None`.
impl<'a, T: Decode<'a>> Decode<'a> for Option<T> {
    fn decode(scanner: &mut Scanner<'a>) -> Result<Self, ScanError> {
        if scanner.null() {
            Ok(None)
        } else {
            T::decode(scanner).map(Some)
        }
    }

    #[inline(always)]
    fn decode_into(scanner: &mut Scanner<'a>, slot: &mut Option<Self>) -> Result<(), ScanError> {
        let value = slot.insert(None);
        if scanner.null() {
            Ok(())
        } else {
            T::decode_into(scanner, value)
        }
    }
}

impl<'a, T: Decode<'a>> Decode<'a> for Vec<T> {
    fn decode(scanner: &mut Scanner<'a>) -> Result<Self, ScanError> {
        let mut items = Vec::new();
        scanner.array(|scanner| {
            items.push(T::decode(scanner)?);
            Ok(())
        })?;
        Ok(items)
    }
}

/// A present scoped field is `Known` (an absent one is `Withheld`: the decoder's default).
impl<'a, T: Decode<'a>> Decode<'a> for crate::Pii<T> {
    fn decode(scanner: &mut Scanner<'a>) -> Result<Self, ScanError> {
        T::decode(scanner).map(crate::Pii::Known)
    }

    #[inline(always)]
    fn decode_into(scanner: &mut Scanner<'a>, slot: &mut Option<Self>) -> Result<(), ScanError> {
        let mut value = None;
        T::decode_into(scanner, &mut value)?;
        *slot = value.map(crate::Pii::Known);
        Ok(())
    }
}

/// Reads a field's value into its slot with `read` (a [`Decode::decode_into`], or a
/// quirk's reader through [`into_slot`]); a key that comes twice is an error, `once`
/// naming it. Generated decoders call this for every field instead of repeating it
/// inline: one copy per field type serves all of a crate's fields of that type, which
/// keeps the decoders small enough to stay in the instruction cache while a page is
/// read.
///
/// The reader writes the value into the slot itself. A value returned instead (a
/// `Result<Option<Text>, ScanError>` is four words) came back through memory, was
/// written there a word at a time and read back two words at a time before those
/// stores had landed: a stalled load for every field of every record.
#[inline(never)]
pub fn fill<'a, T>(
    slot: &mut Option<T>,
    scanner: &mut Scanner<'a>,
    once: &'static str,
    read: impl FnOnce(&mut Scanner<'a>, &mut Option<T>) -> Result<(), ScanError>,
) -> Result<(), ScanError> {
    if slot.is_some() {
        return scanner.error(once);
    }
    read(scanner, slot)
}

/// A reader that returns its value, made one that [`fill`] can give a slot to.
#[inline]
pub fn into_slot<'a, T>(
    read: impl FnOnce(&mut Scanner<'a>) -> Result<T, ScanError>,
) -> impl FnOnce(&mut Scanner<'a>, &mut Option<T>) -> Result<(), ScanError> {
    |scanner, slot| {
        *slot = Some(read(scanner)?);
        Ok(())
    }
}

/// An object the provider sends as `[]` (or `null`) when it is empty (the quirk
/// [`crate::raw::empty_array_as_none`] reads for serde).
pub fn empty_array_as_none<'a, T: Decode<'a>>(
    scanner: &mut Scanner<'a>,
) -> Result<Option<T>, ScanError> {
    match scanner.peek() {
        Kind::Null if scanner.null() => Ok(None),
        // Any element is an error: only `[]` stands for none.
        Kind::Array => scanner
            .array(|scanner| scanner.error("an object or an empty array"))
            .map(|()| None),
        _ => T::decode(scanner).map(Some),
    }
}

/// A list the provider sends as a single object when it has one element (the quirk
/// [`crate::raw::one_or_many`] reads for serde); `null` is empty.
pub fn one_or_many<'a, T: Decode<'a>>(scanner: &mut Scanner<'a>) -> Result<Vec<T>, ScanError> {
    match scanner.peek() {
        Kind::Null if scanner.null() => Ok(Vec::new()),
        Kind::Array => Vec::decode(scanner),
        Kind::Object => T::decode(scanner).map(|one| vec![one]),
        _ => scanner.error("an array, or a single object"),
    }
}

/// Decodes a whole record (one JSON value and nothing after it).
///
/// Always inlined, and the decoded value never taken out of its `Result`: a record's
/// view is hundreds of bytes, and unwrapping it to check the end and wrapping it again
/// copied it twice per record (the generated normalizer borrows it where it lands).
#[inline(always)]
pub fn decode_record<'a, T: Decode<'a>>(text: &'a str) -> Result<T, ScanError> {
    let mut scanner = Scanner::new(text);
    let mut decoded = T::decode(&mut scanner);
    if decoded.is_ok() {
        if let Err(error) = scanner.end() {
            decoded = Err(error);
        }
    }
    decoded
}

/// Why a record did not decode, in the words `RawRecord`'s errors use: what was expected
/// and the column where (values are never quoted).
pub fn decode_reason(error: &ScanError, text: &str) -> String {
    let before = text.get(..error.offset).unwrap_or(text);
    let column = before
        .rfind('\n')
        .map_or(before.len(), |newline| before.len() - newline - 1)
        + 1;
    crate::record::mismatch_reason(&format!("expected {}", error.expected), column)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    /// Reads any value into a `serde_json::Value` with the scanner alone.
    fn value(scanner: &mut Scanner<'_>) -> Result<Value, ScanError> {
        Ok(match scanner.peek() {
            Kind::Null if scanner.null() => Value::Null,
            Kind::Bool => Value::Bool(scanner.bool()?),
            Kind::String => Value::String(scanner.string()?.into_owned()),
            Kind::Number => {
                let start = scanner.offset_after_whitespace();
                match scanner.i64() {
                    Ok(number) => Value::from(number),
                    Err(_) => {
                        scanner.at = start;
                        let text = scanner.number_text("a number")?;
                        serde_json::from_str(text).map_err(|_| ScanError {
                            expected: "a number",
                            offset: start,
                        })?
                    }
                }
            }
            Kind::Array => {
                let mut items = Vec::new();
                scanner.array(|scanner| {
                    items.push(value(scanner)?);
                    Ok(())
                })?;
                Value::Array(items)
            }
            Kind::Object => {
                let mut map = serde_json::Map::new();
                scanner.object(|scanner, key| {
                    let item = value(scanner)?;
                    map.insert(key.into_owned(), item);
                    Ok(())
                })?;
                Value::Object(map)
            }
            Kind::Null | Kind::Other => return scanner.error("a value"),
        })
    }

    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            (-1e9f64..1e9).prop_map(Value::from),
            any::<String>().prop_map(Value::String),
            "[\\[\\]{}\",:\\\\ ]{0,6}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::btree_map("[a-z\"\\\\]{0,4}", inner, 0..6)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn reads_what_serde_json_reads(value_in in json(), pretty in any::<bool>()) {
            let text = if pretty {
                serde_json::to_string_pretty(&value_in).unwrap()
            } else {
                serde_json::to_string(&value_in).unwrap()
            };
            // serde_json's own reading (its float parsing is not an exact round trip).
            let expected: Value = serde_json::from_str(&text).unwrap();
            let mut scanner = Scanner::new(&text);
            prop_assert_eq!(value(&mut scanner).unwrap(), expected);
            prop_assert!(scanner.end().is_ok());
            let mut skipper = Scanner::new(&text);
            skipper.skip().unwrap();
            prop_assert_eq!(skipper.offset(), text.trim_end().len());
        }

        #[test]
        fn short_decimals_read_as_serde_json_reads_them(
            number in "-?(0|[1-9][0-9]{0,8})(\\.[0-9]{1,16})?",
        ) {
            let expected: f64 = serde_json::from_str(&number).unwrap();
            let digits = number.bytes().filter(u8::is_ascii_digit).count();
            let short = short_decimal(&number).map(f64::to_bits);
            prop_assert_eq!(short, (digits <= 15).then_some(expected.to_bits()));
        }

        #[test]
        fn number_like_text_is_short_only_where_serde_json_reads_it_alike(
            number in "[-+.eE0-9]{0,20}",
        ) {
            if let Some(short) = short_decimal(&number) {
                let expected: f64 = serde_json::from_str(&number).unwrap();
                prop_assert_eq!(short.to_bits(), expected.to_bits());
            }
        }

        #[test]
        fn never_panics_on_any_text(text in ".{0,40}") {
            let mut scanner = Scanner::new(&text);
            let _ = value(&mut scanner);
            let mut skipper = Scanner::new(&text);
            let _ = skipper.skip();
        }

        /// `decode_into`, which generated decoders call, is `decode` written into a
        /// slot: the same value or the same error, the scanner left at the same place.
        #[test]
        fn decode_into_reads_what_decode_reads(
            text in r#"[ \n]{0,2}("([a-z"\\]|\\u00e9){0,6}"?|null|nul|-?[0-9]{1,3}|\[\]|[a-z]{0,2})"#
        ) {
            same_as_decode::<Option<crate::raw::Text<'_>>>(&text)?;
            same_as_decode::<crate::raw::Text<'_>>(&text)?;
            same_as_decode::<Option<i64>>(&text)?;
            same_as_decode::<crate::Pii<Option<crate::raw::Text<'_>>>>(&text)?;
        }
    }

    fn same_as_decode<'a, T: Decode<'a> + PartialEq>(text: &'a str) -> Result<(), TestCaseError> {
        let mut decoder = Scanner::new(text);
        let decoded = T::decode(&mut decoder);
        let mut filler = Scanner::new(text);
        let mut slot = None;
        let filled = T::decode_into(&mut filler, &mut slot);
        match decoded {
            Ok(value) => {
                prop_assert_eq!(filled, Ok(()));
                // No `assert_eq`: `Text` has no `Debug`, being personal data.
                prop_assert!(slot == Some(value));
            }
            Err(error) => prop_assert_eq!(filled, Err(error)),
        }
        prop_assert_eq!(decoder.offset(), filler.offset());
        Ok(())
    }

    /// The field positions [`Scanner::fields`] gives for the object `text`, each with
    /// the member's value (a string).
    fn fields_of<const N: usize>(
        keys: &Keys<N>,
        text: &str,
    ) -> Result<Vec<(Option<usize>, String)>, ScanError> {
        let mut scanner = Scanner::new(text);
        let mut seen = Vec::new();
        scanner.fields(keys, |scanner, field| {
            seen.push((field, scanner.string()?.into_owned()));
            Ok(())
        })?;
        scanner.end()?;
        Ok(seen)
    }

    fn customer_keys() -> Keys<3> {
        Keys::new(["id", "name", "city"], |key| match key {
            "id" => Some(0),
            "name" => Some(1),
            "city" => Some(2),
            _ => None,
        })
    }

    #[test]
    fn fields_are_found_in_any_order_and_by_their_unescaped_names() {
        let keys = customer_keys();
        let found = |pairs: &[(Option<usize>, &str)]| {
            Ok(pairs
                .iter()
                .map(|(field, value)| (*field, value.to_string()))
                .collect())
        };
        assert_eq!(
            fields_of(&keys, r#"{"id":"1","name":"a","city":"b"}"#),
            found(&[(Some(0), "1"), (Some(1), "a"), (Some(2), "b")])
        );
        assert_eq!(
            fields_of(
                &keys,
                r#"{ "city" : "b", "extra": "x",
                     "id": "1", "na\u006de": "a", "id2": "y" }"#
            ),
            found(&[
                (Some(2), "b"),
                (None, "x"),
                (Some(0), "1"),
                (Some(1), "a"),
                (None, "y")
            ])
        );
        assert_eq!(fields_of(&keys, "{}"), found(&[]));
        assert_eq!(
            fields_of(&keys, r#"{"id":"1","name"}"#).map_err(|error| error.expected),
            Err("a colon")
        );
        assert_eq!(
            fields_of(&keys, r#"{"id":"1" "name":"a"}"#).map_err(|error| error.expected),
            Err("a comma or the end of the object")
        );
    }

    #[test]
    fn keys_learn_the_order_a_provider_sends() {
        let keys = customer_keys();
        assert_eq!(
            (keys.after(None), keys.after(Some(0))),
            (0, 1),
            "the spec's order"
        );
        let text = r#"{"city":"b","extra":"x","id":"1","name":"a"}"#;
        let expected = Ok(vec![
            (Some(2), "b".to_string()),
            (None, "x".to_string()),
            (Some(0), "1".to_string()),
            (Some(1), "a".to_string()),
        ]);
        assert_eq!(fields_of(&keys, text), expected);
        assert_eq!(
            (keys.after(None), keys.after(Some(2)), keys.after(Some(0))),
            (2, 0, 1),
            "city first, then id (the unknown key in between is passed over), then name"
        );
        assert_eq!(
            fields_of(&keys, text),
            expected,
            "read alike in the learned order"
        );
        assert_eq!(
            keys.after(Some(1)),
            2,
            "nothing after name yet: still the spec's guess"
        );
    }

    #[test]
    fn names_that_need_escaping_are_never_compared_in_place() {
        let keys = Keys::new([r"a\b"], |key| (key == r"a\b").then_some(0));
        assert!(!keys.plain && customer_keys().plain);
        // The first key is `a`, a backspace; in place, its bytes would read as the name.
        assert_eq!(
            fields_of(&keys, r#"{"a\b":"x","a\\b":"y"}"#),
            Ok(vec![(None, "x".to_string()), (Some(0), "y".to_string())])
        );
    }

    proptest! {
        /// Whatever the order, repeats and spacing of the keys, `fields` finds what
        /// reading every key and looking it up finds.
        #[test]
        fn fields_finds_what_reading_each_key_finds(
            members in proptest::collection::vec(
                (proptest::sample::select(vec!["id", "name", "city", "cityx", "nam", "x"]), "[a-z]{0,3}"),
                0..8,
            ),
            spaced in any::<bool>(),
        ) {
            let keys = customer_keys();
            let gap = if spaced { " \n " } else { "" };
            let text = format!(
                "{{{gap}{}{gap}}}",
                members
                    .iter()
                    .map(|(key, value)| format!("\"{key}\"{gap}:{gap}\"{value}\""))
                    .collect::<Vec<_>>()
                    .join(&format!("{gap},{gap}")),
            );
            let expected: Vec<_> = members
                .iter()
                .map(|(key, value)| ((keys.lookup)(key), value.clone()))
                .collect();
            prop_assert_eq!(fields_of(&keys, &text), Ok(expected));
        }

        #[test]
        fn same_bytes_is_equality(
            a in proptest::collection::vec(proptest::sample::select(b"ab".to_vec()), 0..24),
            b in proptest::collection::vec(proptest::sample::select(b"ab".to_vec()), 0..24),
        ) {
            prop_assert_eq!(same_bytes(&a, &b), a == b);
            prop_assert!(same_bytes(&a, &a.clone()));
        }

        #[test]
        fn finds_the_first_quote_or_backslash(bytes in proptest::collection::vec(
            proptest::sample::select(vec![b'a', b'"', b'\\', 0x80, 0xff, 0x01, b'!', b']']),
            0..40,
        )) {
            let expected = bytes.iter().position(|&byte| byte == b'"' || byte == b'\\');
            prop_assert_eq!(quote_or_backslash(&bytes), expected);
        }
    }

    #[test]
    fn strings_without_escapes_are_borrowed() {
        let mut scanner = Scanner::new(r#"{"name":"Thân Thị Cẩm Lệ","note":"a\"b"}"#);
        let mut seen = Vec::new();
        scanner
            .object(|scanner, key| {
                let text = scanner.string()?;
                seen.push((
                    key.into_owned(),
                    matches!(text, Cow::Borrowed(_)),
                    text.into_owned(),
                ));
                Ok(())
            })
            .unwrap();
        assert_eq!(
            seen,
            [
                ("name".to_string(), true, "Thân Thị Cẩm Lệ".to_string()),
                ("note".to_string(), false, "a\"b".to_string()),
            ]
        );
    }

    #[test]
    fn errors_say_what_was_expected_and_where() {
        let mut scanner = Scanner::new(r#"{"id": "2150"}"#);
        let error = scanner
            .object(|scanner, _| scanner.i64().map(drop))
            .unwrap_err();
        assert_eq!(
            error,
            ScanError {
                expected: "a whole number",
                offset: 7
            }
        );
        let error = Scanner::new("[1, 2").array(|s| s.skip()).unwrap_err();
        assert_eq!(error.expected, "a comma or the end of the array");
    }
}

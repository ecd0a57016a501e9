//! The closed set of value transforms a spec can name, and the [`Value`] view of raw
//! fields they work on.
//!
//! Generated normalizers read a raw field as a [`Value`] (through [`AsValue`]), pass it
//! through the transforms the spec names, and store the result in a
//! [`Customer`](crate::Customer). Every transform is a plain function here, so each quirk
//! is implemented and tested once, for every provider.
//!
//! Errors never include the value that failed: values are personal data.

mod e164;
mod phone;
mod scalar;
mod time;
mod value;

pub use phone::Phones;
pub use scalar::{boolean, count, decimal, enum_map, money, null_if, text, text_list, MoneyFormat};
pub use time::{
    date, date_from_parts, datetime, unix, DateFormat, DateTimeFormat, Pattern, UnixUnit,
};
pub use value::{AsValue, Value};

use std::cell::RefCell;
use std::thread::LocalKey;

/// `compute(key)`, remembered in this thread's `memory` for the first `limit` keys it
/// meets. For lookups that every record repeats with the few keys a spec names (a zone,
/// a calling code): a short list beats hashing them, and a thread's own memory takes no
/// lock.
fn remembered<K: Copy + PartialEq, V: Copy>(
    memory: &'static LocalKey<RefCell<Vec<(K, V)>>>,
    limit: usize,
    key: K,
    compute: impl FnOnce(K) -> V,
) -> V {
    let known = memory.with_borrow(|seen| {
        seen.iter()
            .find(|(known, _)| *known == key)
            .map(|(_, value)| *value)
    });
    known.unwrap_or_else(|| {
        let value = compute(key);
        memory.with_borrow_mut(|seen| {
            if seen.len() < limit {
                seen.push((key, value));
            }
        });
        value
    })
}

/// Why a raw value could not be normalized. Carries the target field and the expected
/// form, never the value itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("field `{field}`: {reason}")]
pub struct NormalizeError {
    /// The `Customer` field (or custom field) being produced.
    pub field: &'static str,
    /// What was expected.
    pub reason: String,
}

impl NormalizeError {
    /// A new error for `field`.
    pub fn new(field: &'static str, reason: impl Into<String>) -> NormalizeError {
        NormalizeError {
            field,
            reason: reason.into(),
        }
    }
}

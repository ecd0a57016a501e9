//! The unified, provider-agnostic customer model.
//!
//! Every provider's raw record normalizes into [`Customer`]. The model is lossless: what
//! a spec does not map is still in [`Customer::raw`], the record exactly as the provider
//! sent it.
//!
//! Texts are [`CompactString`]s: a customer's codes, names, phone numbers and cities are
//! mostly short, and a `CompactString` keeps up to 24 bytes inline, so a sync of millions
//! of customers does not allocate (and later free) each of them. It reads as a `&str`
//! (`&*text`, `as_str()`, `==` against text) and serializes as a JSON string.

mod customer;
mod money;
mod partial_date;
mod pii;

/// The string type of the model's texts (re-exported from `compact_str`, so callers need
/// no dependency of their own to build one).
pub use compact_str::CompactString;
pub use customer::{
    Address, CustomField, CustomValue, Customer, Email, Gender, Label, Loyalty, NationalId, Phone,
    SocialProfile,
};
pub use money::{Currency, Money};
pub use partial_date::PartialDate;
pub use pii::Pii;

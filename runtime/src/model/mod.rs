//! The unified, provider-agnostic customer model.
//!
//! Every provider's raw record normalizes into [`Customer`]. The model is lossless: what
//! a spec does not map is still in [`Customer::raw`], the record exactly as the provider
//! sent it.

mod customer;
mod money;
mod partial_date;
mod pii;

pub use customer::{
    Address, CustomField, CustomValue, Customer, Email, Gender, Label, Loyalty, NationalId, Phone,
    SocialProfile,
};
pub use money::{Currency, Money};
pub use partial_date::PartialDate;
pub use pii::Pii;

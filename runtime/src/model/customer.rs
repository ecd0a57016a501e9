//! [`Customer`]: one shape for every provider's customer record.

use super::{Money, PartialDate, Pii};
use chrono::{DateTime, Utc};
use compact_str::CompactString;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// A name a spec gives (a provider, the kind of a phone, a custom field's name):
/// borrowed from the generated code when a record is normalized, so the millions of
/// customers of a sync do not each allocate a copy of the same few words; owned when a
/// customer is read back from storage. It reads as a `&str` (`&*label`, `as_ref()`,
/// `==` against text).
pub type Label = Cow<'static, str>;

/// A customer, normalized from any provider.
///
/// Lossless: fields a spec maps are typed here; everything the provider sent, mapped or
/// not, is in [`raw`](Customer::raw). Personal data a provider can withhold is wrapped in
/// [`Pii`]. `Debug` prints identifiers only, never personal data.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Customer {
    /// The provider's name as in its spec (`acme`).
    pub provider: Label,
    /// The provider's identifier for this customer, as text.
    pub remote_id: CompactString,
    /// The provider's human-facing customer code (`KH2150`).
    pub code: Option<CompactString>,
    /// The full name as the provider shows it.
    pub full_name: Option<CompactString>,
    /// Given (first) name.
    pub given_name: Option<CompactString>,
    /// Family (last) name.
    pub family_name: Option<CompactString>,
    /// Form of address (`Chị`, `Mr`).
    pub salutation: Option<CompactString>,
    /// Gender; `Unknown` when the provider has none or an unmapped value.
    pub gender: Gender,
    /// Date of birth; parts may be unknown.
    pub birth_date: Pii<Option<PartialDate>>,
    /// Email addresses, primary first.
    pub emails: Pii<Vec<Email>>,
    /// Phone numbers, primary first.
    pub phones: Pii<Vec<Phone>>,
    /// Postal addresses.
    pub addresses: Pii<Vec<Address>>,
    /// National identity, passport and tax numbers.
    pub national_ids: Pii<Vec<NationalId>>,
    /// Accounts on social and messaging networks.
    pub social_profiles: Vec<SocialProfile>,
    /// The company the customer belongs to or represents.
    pub company: Option<CompactString>,
    /// Groups, segments and customer types.
    pub groups: Vec<CompactString>,
    /// Free-form tags.
    pub tags: Vec<CompactString>,
    /// Where the customer came from (channel, campaign, source system).
    pub source: Option<CompactString>,
    /// Whether the provider considers the customer active.
    pub active: Option<bool>,
    /// Loyalty-programme standing.
    pub loyalty: Loyalty,
    /// Total amount spent, in the provider's currency.
    pub total_spent: Option<Money>,
    /// Number of orders or receipts.
    pub order_count: Option<u64>,
    /// Number of visits.
    pub visit_count: Option<u64>,
    /// When the provider created the record (UTC).
    pub created_at: Option<DateTime<Utc>>,
    /// When the provider last changed the record (UTC).
    pub updated_at: Option<DateTime<Utc>>,
    /// Provider-specific fields, typed, in spec order.
    pub custom_fields: Vec<CustomField>,
    /// The record exactly as the provider sent it.
    #[cfg_attr(feature = "schemars", schemars(with = "serde_json::Value"))]
    pub raw: Box<RawValue>,
}

impl Customer {
    /// An empty customer of `provider` with identifier `remote_id`: the starting point of
    /// every generated normalizer.
    pub fn new(provider: &'static str, remote_id: CompactString, raw: Box<RawValue>) -> Customer {
        Customer {
            provider: Cow::Borrowed(provider),
            remote_id,
            code: None,
            full_name: None,
            given_name: None,
            family_name: None,
            salutation: None,
            gender: Gender::Unknown,
            birth_date: Pii::Known(None),
            emails: Pii::Known(Vec::new()),
            phones: Pii::Known(Vec::new()),
            addresses: Pii::Known(Vec::new()),
            national_ids: Pii::Known(Vec::new()),
            social_profiles: Vec::new(),
            company: None,
            groups: Vec::new(),
            tags: Vec::new(),
            source: None,
            active: None,
            loyalty: Loyalty::default(),
            total_spent: None,
            order_count: None,
            visit_count: None,
            created_at: None,
            updated_at: None,
            custom_fields: Vec::new(),
            raw,
        }
    }

    /// Fills every personal-data field this record withheld from `previous` (the same
    /// customer as stored earlier): a sync never replaces known data with `Withheld`.
    pub fn keep_known_from(&mut self, previous: Customer) {
        keep_known(&mut self.birth_date, previous.birth_date);
        keep_known(&mut self.emails, previous.emails);
        keep_known(&mut self.phones, previous.phones);
        keep_known(&mut self.addresses, previous.addresses);
        keep_known(&mut self.national_ids, previous.national_ids);
    }
}

/// Replaces a withheld `fresh` value by `stored`.
fn keep_known<T>(fresh: &mut Pii<T>, stored: Pii<T>) {
    let current = std::mem::replace(fresh, Pii::Withheld);
    *fresh = current.or_previous(stored);
}

/// Prints identifiers and timestamps only: names, contacts and `raw` are personal data.
impl fmt::Debug for Customer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Customer")
            .field("provider", &self.provider)
            .field("remote_id", &self.remote_id)
            .field("code", &self.code)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .finish_non_exhaustive()
    }
}

/// A customer's gender.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    /// Female.
    Female,
    /// Male.
    Male,
    /// Another gender the provider records explicitly.
    Other,
    /// Not recorded, or a value the spec does not map.
    #[default]
    Unknown,
}

/// An email address.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Email {
    /// The address as the provider sent it (trimmed).
    pub address: CompactString,
    /// The role the provider gives it (`primary`, `secondary`, `work`).
    pub kind: Option<Label>,
}

/// A phone number.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Phone {
    /// The number as the provider sent it, country code included when it was separate.
    pub raw: CompactString,
    /// The number in E.164 (`+84888899000`), when it is a valid number.
    pub e164: Option<CompactString>,
    /// The role the provider gives it (`primary`, `mobile`, `whatsapp`).
    pub kind: Option<Label>,
}

/// A postal address. Parts the provider does not split stay in `line1`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Address {
    /// The role the provider gives it (`home`, `billing`).
    pub kind: Option<Label>,
    /// First address line (street, or the whole address when unsplit).
    pub line1: Option<CompactString>,
    /// Second address line.
    pub line2: Option<CompactString>,
    /// Ward or neighbourhood.
    pub ward: Option<CompactString>,
    /// District.
    pub district: Option<CompactString>,
    /// City.
    pub city: Option<CompactString>,
    /// State, province or region.
    pub state: Option<CompactString>,
    /// Postal code.
    pub postal_code: Option<CompactString>,
    /// Country name as sent.
    pub country: Option<CompactString>,
    /// ISO 3166-1 alpha-2 country code, upper case.
    pub country_code: Option<CompactString>,
}

impl Address {
    /// Whether no part of the address is known, whatever its kind: a normalizer keeps
    /// only addresses with a part.
    pub fn is_blank(&self) -> bool {
        let Address {
            kind: _,
            line1,
            line2,
            ward,
            district,
            city,
            state,
            postal_code,
            country,
            country_code,
        } = self;
        [
            line1,
            line2,
            ward,
            district,
            city,
            state,
            postal_code,
            country,
            country_code,
        ]
        .iter()
        .all(|part| part.is_none())
    }
}

/// An identity document or tax number.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct NationalId {
    /// What it is (`national_id`, `passport`, `tax_id`).
    pub kind: Label,
    /// The number.
    pub value: CompactString,
}

/// An account on a social or messaging network.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct SocialProfile {
    /// The network (`facebook`, `zalo`).
    pub network: Label,
    /// The account's identifier on that network.
    pub id: Option<CompactString>,
    /// A link to the profile.
    pub url: Option<CompactString>,
    /// The display name there.
    pub name: Option<CompactString>,
}

/// Loyalty-programme standing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Loyalty {
    /// Tier, level or medal.
    pub tier: Option<CompactString>,
    /// Membership number.
    pub membership_number: Option<CompactString>,
    /// Points collected in total.
    pub points: Option<Decimal>,
    /// Points that can be spent now.
    pub available_points: Option<Decimal>,
}

/// A provider-specific field, typed.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CustomField {
    /// The name the spec gives the field (or, for fields sent as data, the provider).
    pub name: Label,
    /// Its value.
    pub value: CustomValue,
}

/// The value of a [`CustomField`].
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum CustomValue {
    /// Text.
    Text(CompactString),
    /// An exact number.
    Number(
        #[serde(with = "rust_decimal::serde::str")]
        #[cfg_attr(feature = "schemars", schemars(with = "String"))]
        Decimal,
    ),
    /// True or false.
    Bool(bool),
    /// A calendar date.
    Date(PartialDate),
    /// An instant, UTC.
    DateTime(DateTime<Utc>),
    /// An amount of money.
    Money(Money),
    /// Several text values.
    List(Vec<CompactString>),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer(emails: Pii<Vec<Email>>, phones: Pii<Vec<Phone>>) -> Customer {
        let raw = RawValue::from_string("{}".to_string()).unwrap();
        let mut customer = Customer::new("p", "1".into(), raw);
        customer.emails = emails;
        customer.phones = phones;
        customer
    }

    #[test]
    fn withheld_fields_keep_the_stored_value_and_known_ones_win() {
        let email = Email {
            address: "a@example.com".into(),
            kind: None,
        };
        let old_phone = Phone {
            raw: "0812345678".into(),
            e164: None,
            kind: None,
        };
        let stored = customer(Pii::Known(vec![email.clone()]), Pii::Known(vec![old_phone]));
        let mut fresh = customer(Pii::Withheld, Pii::Known(vec![]));
        fresh.keep_known_from(stored);
        assert_eq!(fresh.emails, Pii::Known(vec![email]));
        assert_eq!(fresh.phones, Pii::Known(vec![]));
    }

    #[test]
    fn an_address_is_blank_without_a_part_whatever_its_kind() {
        let kind_only = Address {
            kind: Some(Cow::Borrowed("home")),
            ..Address::default()
        };
        assert!(Address::default().is_blank());
        assert!(kind_only.is_blank());
        let with_city = Address {
            city: Some("Accra".into()),
            ..kind_only.clone()
        };
        assert!(!with_city.is_blank());
        let with_code = Address {
            country_code: Some("GH".into()),
            ..Address::default()
        };
        assert!(!with_code.is_blank());
    }
}

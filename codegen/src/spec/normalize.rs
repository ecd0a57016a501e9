//! The mapping from a raw record to the unified `custkit::Customer`.

use super::shorthand::{shorthand_impls, Shorthand};
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;

/// How each `Customer` field is filled. Omitted fields stay empty; the raw record is
/// always kept in `Customer::raw`, so nothing is lost.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Normalize {
    /// The provider's identifier (required).
    pub remote_id: ValueMap,
    /// The human-facing customer code.
    #[serde(default)]
    pub code: Option<ValueMap>,
    /// Full name.
    #[serde(default)]
    pub full_name: Option<ValueMap>,
    /// Given name.
    #[serde(default)]
    pub given_name: Option<ValueMap>,
    /// Family name.
    #[serde(default)]
    pub family_name: Option<ValueMap>,
    /// Form of address.
    #[serde(default)]
    pub salutation: Option<ValueMap>,
    /// Gender: a `map` to `female`, `male`, `other` or `unknown`.
    #[serde(default)]
    pub gender: Option<ValueMap>,
    /// Date of birth: needs `date`.
    #[serde(default)]
    pub birth_date: Option<ValueMap>,
    /// Email addresses.
    #[serde(default)]
    pub emails: Vec<EmailMap>,
    /// Phone numbers.
    #[serde(default)]
    pub phones: Vec<PhoneMap>,
    /// Postal addresses.
    #[serde(default)]
    pub addresses: Vec<AddressMap>,
    /// Identity documents and tax numbers.
    #[serde(default)]
    pub national_ids: Vec<NationalIdMap>,
    /// Social and messaging accounts.
    #[serde(default)]
    pub social_profiles: Vec<SocialProfileMap>,
    /// Company.
    #[serde(default)]
    pub company: Option<ValueMap>,
    /// Groups, segments, customer types.
    #[serde(default)]
    pub groups: Vec<ValueMap>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<ValueMap>,
    /// Source or channel.
    #[serde(default)]
    pub source: Option<ValueMap>,
    /// Whether the customer is active (a boolean, `1`/`0`, or a `map` to `true`/`false`).
    #[serde(default)]
    pub active: Option<ValueMap>,
    /// Loyalty programme.
    #[serde(default)]
    pub loyalty: Option<LoyaltyMap>,
    /// Total spent: a number, or text read with `money`. Needs a currency.
    #[serde(default)]
    pub total_spent: Option<ValueMap>,
    /// Number of orders.
    #[serde(default)]
    pub order_count: Option<ValueMap>,
    /// Number of visits.
    #[serde(default)]
    pub visit_count: Option<ValueMap>,
    /// Creation time: needs `datetime` or `unix`.
    #[serde(default)]
    pub created_at: Option<ValueMap>,
    /// Last change: needs `datetime` or `unix`.
    #[serde(default)]
    pub updated_at: Option<ValueMap>,
    /// Provider-specific fields, by the name they get in `Customer::custom_fields`.
    #[serde(default)]
    pub custom_fields: IndexMap<String, ValueMap>,
    /// Custom fields the provider sends as data: an array of `{name, value, type}` items,
    /// each becoming one typed custom field.
    #[serde(default)]
    pub custom_field_list: Vec<CustomFieldList>,
}

/// An array of custom-field items, typed by a type name in each item.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomFieldList {
    /// The array in the record.
    pub each: String,
    /// The item's field holding the custom field's name.
    pub name: String,
    /// The item's field holding the value (text, number or JSON).
    pub value: String,
    /// The item's array holding the values of `list`-typed fields.
    #[serde(default)]
    pub items: Option<String>,
    /// The item's field holding the provider's type name.
    #[serde(rename = "type", default)]
    pub type_from: Option<String>,
    /// Provider type names to custom field types (`NUMBER: number`). Unlisted or absent
    /// type names are `text`.
    #[serde(default)]
    pub types: IndexMap<String, CustomFieldType>,
    /// How `datetime`-typed values are written (default `rfc3339`).
    #[serde(default)]
    pub datetime: Option<String>,
    /// How `date`-typed values are written (default `iso`).
    #[serde(default)]
    pub date: Option<String>,
}

/// One value: shorthand `a.b.c` (a dotted path into the raw record), or the full form:
/// one source (`from`, `first_of`, `const`, or for lists `each`) and the transforms to
/// apply.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValueMap(pub ValueMapFull);

impl std::ops::Deref for ValueMap {
    type Target = ValueMapFull;
    fn deref(&self) -> &ValueMapFull {
        &self.0
    }
}

impl std::ops::DerefMut for ValueMap {
    fn deref_mut(&mut self) -> &mut ValueMapFull {
        &mut self.0
    }
}

/// The full form of a [`ValueMap`].
#[derive(Debug, Clone, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ValueMapFull {
    /// Lists only (`groups`, `tags`, `list` custom fields): a raw array contributing one
    /// text per item; `from` is then relative to the item (omitted: the item itself).
    #[serde(default)]
    pub each: Option<String>,
    /// Custom fields only: the field's type (`text` unless given).
    #[serde(rename = "type", default)]
    pub ty: Option<CustomFieldType>,
    /// Dotted path into the raw record (or, under `each`, into the item; `.` is the item).
    #[serde(default)]
    pub from: Option<String>,
    /// Alternatives, each a full value: the first that is not empty wins.
    #[serde(default)]
    pub first_of: Option<Vec<ValueMap>>,
    /// A fixed value.
    #[serde(rename = "const", default)]
    pub constant: Option<serde_json::Value>,
    /// Dates only: a date from separate year, month and day fields.
    #[serde(default)]
    pub date_parts: Option<DateParts>,
    /// Texts that mean "empty" for this provider (`"0"` for no phone).
    #[serde(default)]
    pub null_if: Vec<String>,
    /// A table from the provider's values to custkit's (`{"Nữ": female}`). Unlisted
    /// values become empty (`unknown` for gender).
    #[serde(default)]
    pub map: Option<IndexMap<String, String>>,
    /// Read text as a date in this `strftime` format, or `iso`.
    #[serde(default)]
    pub date: Option<String>,
    /// Read text as a date-time: `rfc3339`, or a `strftime` format (naive formats are
    /// wall-clock time in `timezone`).
    #[serde(default)]
    pub datetime: Option<String>,
    /// The zone of a naive `datetime`; defaults to `defaults.timezone`.
    #[serde(default)]
    pub timezone: Option<String>,
    /// Read a number as a Unix timestamp.
    #[serde(default)]
    pub unix: Option<UnixUnit>,
    /// Read text as an amount of money.
    #[serde(default)]
    pub money: Option<MoneyFormat>,
    /// Split text into a list at this separator (lists only).
    #[serde(default)]
    pub split: Option<String>,
}

impl Shorthand for ValueMap {
    const EXPECTING: &'static str =
        "a dotted path into the record, or a mapping with `from`, `first_of` or `const`";
    type Full = ValueMapFull;

    fn from_shorthand(text: &str) -> Result<ValueMap, String> {
        Ok(ValueMap(ValueMapFull {
            from: Some(text.to_string()),
            ..ValueMapFull::default()
        }))
    }

    fn from_full(full: ValueMapFull) -> Result<ValueMap, String> {
        let sources = [
            full.from.is_some() || full.each.is_some(),
            full.first_of.is_some(),
            full.constant.is_some(),
            full.date_parts.is_some(),
        ];
        match sources.iter().filter(|present| **present).count() {
            1 => Ok(ValueMap(full)),
            0 => Err(
                "a value needs a source: `from`, `first_of`, `const`, `date_parts` or `each`"
                    .to_string(),
            ),
            _ => Err(
                "a value takes exactly one source: `from`, `first_of`, `const` or `date_parts`"
                    .to_string(),
            ),
        }
    }
}

/// A plain value read from `path`.
pub fn normalize_value_from(path: &str) -> ValueMapFull {
    ValueMapFull {
        from: Some(path.to_string()),
        ..ValueMapFull::default()
    }
}

/// A date given as separate parts.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DateParts {
    /// Dotted path to the year.
    #[serde(default)]
    pub year: Option<String>,
    /// Dotted path to the month.
    pub month: String,
    /// Dotted path to the day.
    pub day: String,
    /// The number the provider gives January: `1` (default) or `0`.
    #[serde(default = "one")]
    pub month_base: u32,
}

fn one() -> u32 {
    1
}

/// Units of a Unix timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnixUnit {
    /// Seconds.
    Seconds,
    /// Milliseconds.
    Millis,
}

/// How amounts are written.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoneyFormat {
    /// The thousands separator (`","` in `"198,860,000"`).
    #[serde(default)]
    pub thousands: Option<String>,
    /// The decimal separator; `"."` unless given.
    #[serde(default)]
    pub decimal: Option<String>,
    /// The ISO 4217 currency; defaults to `defaults.currency`.
    #[serde(default)]
    pub currency: Option<String>,
}

/// The time-format vocabulary, as parsed from a `datetime` key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateTimeFormat {
    /// RFC 3339.
    Rfc3339,
    /// A `strftime` pattern.
    Pattern(String),
}

impl DateTimeFormat {
    /// Parses the `datetime` key's value.
    pub fn parse(text: &str) -> DateTimeFormat {
        if text == "rfc3339" || text == "iso" {
            DateTimeFormat::Rfc3339
        } else {
            DateTimeFormat::Pattern(text.to_string())
        }
    }
}

shorthand_impls!(
    ValueMap,
    "ValueMap",
    "^.+$",
    "A dotted path into the raw record, or a value with transforms."
);

/// A phone number.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PhoneMap {
    /// A raw array: one phone per item; paths below are then relative to the item.
    #[serde(default)]
    pub each: Option<String>,
    /// The number.
    pub number: ValueMap,
    /// A separate country calling code (`"+84"`).
    #[serde(default)]
    pub country_code: Option<ValueMap>,
    /// The phone's role (`primary`, `mobile`).
    #[serde(default)]
    pub kind: Option<String>,
}

/// An email address.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailMap {
    /// A raw array: one email per item.
    #[serde(default)]
    pub each: Option<String>,
    /// The address.
    pub address: ValueMap,
    /// Its role.
    #[serde(default)]
    pub kind: Option<String>,
}

/// A postal address; an address whose parts are all empty is dropped.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressMap {
    /// A raw array: one address per item.
    #[serde(default)]
    pub each: Option<String>,
    /// Its role.
    #[serde(default)]
    pub kind: Option<String>,
    /// First line (or the whole address).
    #[serde(default)]
    pub line1: Option<ValueMap>,
    /// Second line.
    #[serde(default)]
    pub line2: Option<ValueMap>,
    /// Ward.
    #[serde(default)]
    pub ward: Option<ValueMap>,
    /// District.
    #[serde(default)]
    pub district: Option<ValueMap>,
    /// City.
    #[serde(default)]
    pub city: Option<ValueMap>,
    /// State or province.
    #[serde(default)]
    pub state: Option<ValueMap>,
    /// Postal code.
    #[serde(default)]
    pub postal_code: Option<ValueMap>,
    /// Country name.
    #[serde(default)]
    pub country: Option<ValueMap>,
    /// ISO country code (upper-cased).
    #[serde(default)]
    pub country_code: Option<ValueMap>,
}

/// An identity document or tax number.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NationalIdMap {
    /// A raw array: one id per item.
    #[serde(default)]
    pub each: Option<String>,
    /// What it is (`national_id`, `passport`, `tax_id`).
    pub kind: String,
    /// The number.
    pub value: ValueMap,
}

/// A social or messaging account; dropped when `id`, `url` and `name` are all empty.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SocialProfileMap {
    /// A raw array: one profile per item.
    #[serde(default)]
    pub each: Option<String>,
    /// The network (`facebook`, `zalo`).
    pub network: String,
    /// The account id.
    #[serde(default)]
    pub id: Option<ValueMap>,
    /// A profile link.
    #[serde(default)]
    pub url: Option<ValueMap>,
    /// The display name.
    #[serde(default)]
    pub name: Option<ValueMap>,
}

/// Loyalty programme fields.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoyaltyMap {
    /// Tier or medal.
    #[serde(default)]
    pub tier: Option<ValueMap>,
    /// Membership number.
    #[serde(default)]
    pub membership_number: Option<ValueMap>,
    /// Points in total.
    #[serde(default)]
    pub points: Option<ValueMap>,
    /// Points available.
    #[serde(default)]
    pub available_points: Option<ValueMap>,
}

/// The types a custom field can have.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CustomFieldType {
    /// Text.
    #[default]
    Text,
    /// An exact number.
    Number,
    /// A boolean.
    Bool,
    /// A date (needs `date`).
    Date,
    /// An instant (needs `datetime` or `unix`).
    Datetime,
    /// Money (uses `money` and the currency).
    Money,
    /// A list of texts (from `each`, or `split`).
    List,
}

/// What a value becomes in `Customer`; decides which transforms make sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Text.
    Text,
    /// `Gender` (through `map`).
    Gender,
    /// A date (through `date`).
    Date,
    /// An instant (through `datetime` or `unix`).
    DateTime,
    /// Money.
    Money,
    /// A whole-number count.
    Count,
    /// An exact decimal.
    Decimal,
    /// A boolean.
    Bool,
    /// A list of texts (`each` or `split`).
    List,
}

impl Target {
    /// A phrase for messages ("a date-time").
    pub fn describe(self) -> &'static str {
        match self {
            Target::Text => "text",
            Target::Gender => "a gender",
            Target::Date => "a date",
            Target::DateTime => "a date-time",
            Target::Money => "money",
            Target::Count => "a count",
            Target::Decimal => "a number",
            Target::Bool => "a boolean",
            Target::List => "a list",
        }
    }

    /// The target of a custom field of the given type.
    pub fn of_custom(ty: CustomFieldType) -> Target {
        use CustomFieldType as C;
        match ty {
            C::Text => Target::Text,
            C::Number => Target::Decimal,
            C::Bool => Target::Bool,
            C::Date => Target::Date,
            C::Datetime => Target::DateTime,
            C::Money => Target::Money,
            C::List => Target::List,
        }
    }
}

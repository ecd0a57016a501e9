//! CSV: the flat view of a customer, one row each, under a fixed header.
//!
//! Lists are joined with `"; "`; phones are E.164 where known, else as sent; an address
//! is its non-empty parts joined with `", "`; identity documents are `kind:value`; custom
//! fields are one JSON object `{name: value}`. A personal-data field the provider withheld
//! is an empty cell, and its name is listed in the `withheld` column, so "withheld" and
//! "empty" stay distinguishable. `raw` is not included (JSON lines and SQLite keep it).

use super::{Outcome, Sink, SinkError};
use custkit::{Address, CompactString, CustomValue, Customer, Pii};
use std::io::Write;

/// The header, in order. Documented in the README.
pub const COLUMNS: &[&str] = &[
    "provider",
    "remote_id",
    "code",
    "full_name",
    "given_name",
    "family_name",
    "salutation",
    "gender",
    "birth_date",
    "emails",
    "phones",
    "addresses",
    "national_ids",
    "company",
    "groups",
    "tags",
    "source",
    "active",
    "loyalty_tier",
    "loyalty_membership_number",
    "loyalty_points",
    "total_spent",
    "currency",
    "order_count",
    "visit_count",
    "created_at",
    "updated_at",
    "custom_fields",
    "withheld",
];

/// Writes customers as CSV rows.
pub struct CsvSink<W: Write> {
    out: ::csv::Writer<W>,
    header_written: bool,
}

impl<W: Write> CsvSink<W> {
    /// Writes to `out`.
    pub fn new(out: W) -> Self {
        CsvSink {
            out: ::csv::Writer::from_writer(out),
            header_written: false,
        }
    }

    fn header(&mut self) -> Result<(), SinkError> {
        if !self.header_written {
            self.out.write_record(COLUMNS).map_err(csv_error)?;
            self.header_written = true;
        }
        Ok(())
    }
}

impl<W: Write> Sink for CsvSink<W> {
    fn write(&mut self, customer: Customer) -> Result<(), SinkError> {
        self.header()?;
        self.out.write_record(row(&customer)).map_err(csv_error)
    }

    fn finish(mut self: Box<Self>, _outcome: Outcome) -> Result<(), SinkError> {
        self.header()?;
        self.out.flush()?;
        Ok(())
    }
}

fn csv_error(error: ::csv::Error) -> SinkError {
    match error.into_kind() {
        ::csv::ErrorKind::Io(error) => SinkError::from(error),
        other => SinkError::Failed(format!("cannot write CSV: {other:?}")),
    }
}

/// One customer's cells, in [`COLUMNS`] order.
pub fn row(customer: &Customer) -> Vec<String> {
    let mut withheld = Vec::new();
    let mut pii = |name: &'static str, value: Option<String>| {
        if value.is_none() {
            withheld.push(name);
        }
        value.unwrap_or_default()
    };
    let birth_date = pii(
        "birth_date",
        known(&customer.birth_date, |date| {
            date.as_ref().map(ToString::to_string).unwrap_or_default()
        }),
    );
    let emails = pii(
        "emails",
        known(&customer.emails, |emails| {
            join(emails.iter().map(|email| email.address.as_str()))
        }),
    );
    let phones = pii(
        "phones",
        known(&customer.phones, |phones| {
            join(
                phones
                    .iter()
                    .map(|phone| phone.e164.as_deref().unwrap_or(&phone.raw)),
            )
        }),
    );
    let addresses = pii(
        "addresses",
        known(&customer.addresses, |addresses| {
            join(addresses.iter().map(address))
        }),
    );
    let national_ids = pii(
        "national_ids",
        known(&customer.national_ids, |ids| {
            join(ids.iter().map(|id| format!("{}:{}", id.kind, id.value)))
        }),
    );
    let text = |value: &Option<CompactString>| value.as_deref().unwrap_or_default().to_string();
    let number = |value: Option<u64>| value.map(|n| n.to_string()).unwrap_or_default();
    vec![
        customer.provider.to_string(),
        customer.remote_id.to_string(),
        text(&customer.code),
        text(&customer.full_name),
        text(&customer.given_name),
        text(&customer.family_name),
        text(&customer.salutation),
        serde_plain(&customer.gender),
        birth_date,
        emails,
        phones,
        addresses,
        national_ids,
        text(&customer.company),
        join(customer.groups.iter()),
        join(customer.tags.iter()),
        text(&customer.source),
        customer
            .active
            .map(|active| active.to_string())
            .unwrap_or_default(),
        text(&customer.loyalty.tier),
        text(&customer.loyalty.membership_number),
        customer
            .loyalty
            .points
            .map(|points| points.to_string())
            .unwrap_or_default(),
        customer
            .total_spent
            .as_ref()
            .map(|money| money.amount.to_string())
            .unwrap_or_default(),
        customer
            .total_spent
            .as_ref()
            .map(|money| money.currency.to_string())
            .unwrap_or_default(),
        number(customer.order_count),
        number(customer.visit_count),
        customer
            .created_at
            .map(|at| at.to_rfc3339())
            .unwrap_or_default(),
        customer
            .updated_at
            .map(|at| at.to_rfc3339())
            .unwrap_or_default(),
        custom_fields(customer),
        withheld.join("; "),
    ]
}

fn known<T>(value: &Pii<T>, flatten: impl FnOnce(&T) -> String) -> Option<String> {
    value.known().map(flatten)
}

fn join(items: impl Iterator<Item = impl AsRef<str>>) -> String {
    let mut joined = String::new();
    for item in items {
        let item = item.as_ref();
        if item.is_empty() {
            continue;
        }
        if !joined.is_empty() {
            joined.push_str("; ");
        }
        joined.push_str(item);
    }
    joined
}

fn address(address: &Address) -> String {
    [
        &address.line1,
        &address.line2,
        &address.ward,
        &address.district,
        &address.city,
        &address.state,
        &address.postal_code,
        &address.country,
    ]
    .into_iter()
    .flatten()
    .filter(|part| !part.is_empty())
    .cloned()
    .collect::<Vec<_>>()
    .join(", ")
}

/// A unit enum's serde name (`female`).
fn serde_plain<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        _ => String::new(),
    }
}

/// Custom fields as one JSON object of plain values; empty when there are none.
fn custom_fields(customer: &Customer) -> String {
    if customer.custom_fields.is_empty() {
        return String::new();
    }
    let object: serde_json::Map<String, serde_json::Value> = customer
        .custom_fields
        .iter()
        .map(|field| {
            let value = match &field.value {
                CustomValue::Text(text) => text.as_str().into(),
                CustomValue::Number(number) => number.to_string().into(),
                CustomValue::Bool(flag) => (*flag).into(),
                CustomValue::Date(date) => date.to_string().into(),
                CustomValue::DateTime(at) => at.to_rfc3339().into(),
                CustomValue::Money(money) => format!("{} {}", money.amount, money.currency).into(),
                CustomValue::List(items) => items.iter().map(CompactString::as_str).collect(),
            };
            (field.name.to_string(), value)
        })
        .collect();
    serde_json::Value::Object(object).to_string()
}

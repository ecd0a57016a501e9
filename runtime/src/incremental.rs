//! Incremental sync: only the customers changed since the newest change a previous sync
//! delivered (the saved *cursor*, an instant such as `updated_at`).
//!
//! Whatever the provider offers, a record whose cursor field is older than the saved
//! cursor is dropped here, so correctness never rests on a provider's filter. What the
//! spec declares only saves work: a `since` parameter makes the provider send less, and a
//! newest-first order lets paging stop at the first older record.
//!
//! Records whose cursor field equals the saved cursor are delivered again: several
//! records can share an instant, and one changed after the last sync read it would
//! otherwise be lost. A sink that upserts by id makes the repeat harmless. Records with
//! no cursor value cannot be dated and are always delivered.

use crate::endpoint::{EndpointSpec, Incremental};
use crate::error::Error;
use crate::http::{Executor, ParamKind, Params};
use crate::model::Customer;
use crate::paging::{self, RecordStream};
use chrono::{DateTime, SecondsFormat, Utc};
use futures::stream::{self, StreamExt};
use std::sync::Arc;

/// What an incremental sync does with one record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Changed since the cursor (or undated): deliver it.
    Keep,
    /// Older than the cursor: drop it and read on.
    Older,
    /// Older than the cursor in a newest-first listing: everything after is older too.
    Stop,
}

/// Judges the records of an incremental sync in stream order, and keeps the newest cursor
/// value delivered: the cursor to save when the sync has finished.
#[derive(Clone, Debug)]
pub struct ChangeFilter {
    incremental: &'static Incremental,
    since: Option<DateTime<Utc>>,
    /// The request lists newest first, so the first older record ends the sync.
    newest_first: bool,
    newest: Option<DateTime<Utc>>,
}

impl ChangeFilter {
    /// A filter for a sync from `since` (`None`: a first sync, which keeps everything and
    /// only finds the cursor) of a listing that is newest first or not.
    pub fn new(
        incremental: &'static Incremental,
        since: Option<DateTime<Utc>>,
        newest_first: bool,
    ) -> ChangeFilter {
        ChangeFilter {
            incremental,
            since,
            newest_first,
            newest: None,
        }
    }

    /// The verdict on `customer`, the next record of the stream.
    pub fn judge(&mut self, customer: &Customer) -> Verdict {
        let value = self.incremental.cursor.of(customer);
        if let (Some(value), Some(since)) = (value, self.since) {
            if value < since {
                return if self.newest_first {
                    Verdict::Stop
                } else {
                    Verdict::Older
                };
            }
        }
        self.newest = self.newest.max(value);
        Verdict::Keep
    }

    /// The field the cursor is a value of.
    pub fn field(&self) -> crate::endpoint::CursorField {
        self.incremental.cursor
    }

    /// The cursor to save once the sync has finished: the newest value delivered, or the
    /// cursor it started from if nothing newer came.
    pub fn cursor(&self) -> Option<DateTime<Utc>> {
        self.newest.max(self.since)
    }
}

/// The incremental description of `endpoint`, or the error a caller gets for asking one
/// of an endpoint without it.
pub fn of(endpoint: &'static EndpointSpec) -> Result<&'static Incremental, Error> {
    endpoint.incremental.as_ref().ok_or_else(|| Error::Config {
        provider: endpoint.provider,
        message: format!(
            "{} has no incremental cursor (its spec declares no `incremental`): sync it in full",
            endpoint.name
        ),
    })
}

/// The parameters and the filter of an incremental sync of `endpoint` from `since`
/// (`None`: a first, full sync that finds the cursor). `params` gain what lets the
/// provider send less: the `since` filter and the newest-first order. A value the caller
/// set for one of these is kept; if it is another order, paging does not stop early.
pub fn prepare(
    endpoint: &'static EndpointSpec,
    mut params: Params,
    since: Option<DateTime<Utc>>,
) -> Result<(Params, ChangeFilter), Error> {
    let incremental = of(endpoint)?;
    let Some(since) = since else {
        return Ok((params, ChangeFilter::new(incremental, None, false)));
    };
    if let Some(name) = incremental.since.filter(|name| params.get(name).is_none()) {
        let text = since_text(endpoint, incremental, name, since)?;
        params.set_text(endpoint, name, &text)?;
    }
    for (name, value) in incremental.newest_first {
        if params.get(name).is_none() {
            params.set_text(endpoint, name, value)?;
        }
    }
    let newest_first = !incremental.newest_first.is_empty()
        && incremental
            .newest_first
            .iter()
            .all(|(name, value)| params.get(name).is_some_and(|set| set.to_text() == *value));
    Ok((
        params,
        ChangeFilter::new(incremental, Some(since), newest_first),
    ))
}

/// `since` as the `since` parameter takes it: in its format and the provider's time
/// zone, or RFC 3339 for text.
fn since_text(
    endpoint: &'static EndpointSpec,
    incremental: &Incremental,
    name: &str,
    since: DateTime<Utc>,
) -> Result<String, Error> {
    let config_error = |message: String| Error::Config {
        provider: endpoint.provider,
        message,
    };
    let spec = endpoint
        .params
        .iter()
        .find(|spec| spec.name == name)
        .ok_or_else(|| config_error(format!("{}: no parameter `{name}`", endpoint.name)))?;
    let zone: chrono_tz::Tz = incremental
        .timezone
        .parse()
        .map_err(|_| config_error(format!("unknown time zone `{}`", incremental.timezone)))?;
    let local = since.with_timezone(&zone);
    match spec.kind {
        ParamKind::Date(format) | ParamKind::DateTime(format) => {
            Ok(local.format(format).to_string())
        }
        ParamKind::String => Ok(since.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        other => Err(config_error(format!(
            "{}: `{name}` ({other:?}) cannot carry a time",
            endpoint.name
        ))),
    }
}

/// The customers of `endpoint` changed since `since` (see the module documentation).
/// The stream ends early when a newest-first listing reaches older records.
pub fn customers_changed_since(
    executor: Arc<Executor>,
    endpoint: &'static EndpointSpec,
    params: Params,
    since: DateTime<Utc>,
) -> RecordStream<Customer> {
    let (params, filter) = match prepare(endpoint, params, Some(since)) {
        Ok(prepared) => prepared,
        Err(error) => return stream::once(async move { Err(error) }).boxed(),
    };
    paging::customers(executor, endpoint, params)
        .scan(filter, |filter, item| {
            let next = match item {
                Err(error) => Some(Some(Err(error))),
                Ok(customer) => match filter.judge(&customer) {
                    Verdict::Keep => Some(Some(Ok(customer))),
                    Verdict::Older => Some(None),
                    Verdict::Stop => None,
                },
            };
            std::future::ready(next)
        })
        .filter_map(std::future::ready)
        .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::CursorField;

    static NEWEST_FIRST: Incremental = Incremental {
        cursor: CursorField::UpdatedAt,
        since: None,
        newest_first: &[("sort", "DESC")],
        timezone: "UTC",
    };
    static ANY_ORDER: Incremental = Incremental {
        cursor: CursorField::UpdatedAt,
        since: None,
        newest_first: &[],
        timezone: "UTC",
    };

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn customer(updated_at: Option<&str>) -> Customer {
        let raw = serde_json::value::RawValue::from_string("{}".to_string()).unwrap();
        let mut customer = Customer::new("test", "1".into(), raw);
        customer.updated_at = updated_at.map(at);
        customer
    }

    #[test]
    fn older_records_are_dropped_and_the_newest_kept_as_the_cursor() {
        let mut filter = ChangeFilter::new(&ANY_ORDER, Some(at("2026-01-02T00:00:00Z")), false);
        let verdicts: Vec<Verdict> = [
            Some("2026-01-03T00:00:00Z"),
            Some("2026-01-01T00:00:00Z"),
            Some("2026-01-02T00:00:00Z"),
            None,
            Some("2026-01-05T00:00:00Z"),
            Some("2025-12-31T00:00:00Z"),
        ]
        .into_iter()
        .map(|updated| filter.judge(&customer(updated)))
        .collect();
        assert_eq!(
            verdicts,
            [
                Verdict::Keep,
                Verdict::Older,
                Verdict::Keep,
                Verdict::Keep,
                Verdict::Keep,
                Verdict::Older
            ],
            "equal instants and undated records are kept"
        );
        assert_eq!(filter.cursor(), Some(at("2026-01-05T00:00:00Z")));
    }

    #[test]
    fn a_newest_first_listing_stops_at_the_first_older_record() {
        let mut filter = ChangeFilter::new(&NEWEST_FIRST, Some(at("2026-01-02T00:00:00Z")), true);
        assert_eq!(
            filter.judge(&customer(Some("2026-01-04T00:00:00Z"))),
            Verdict::Keep
        );
        assert_eq!(filter.judge(&customer(None)), Verdict::Keep);
        assert_eq!(
            filter.judge(&customer(Some("2026-01-01T23:59:59Z"))),
            Verdict::Stop
        );
    }

    #[test]
    fn with_nothing_new_the_cursor_stays() {
        let since = at("2026-01-02T00:00:00Z");
        let mut filter = ChangeFilter::new(&ANY_ORDER, Some(since), false);
        filter.judge(&customer(Some("2025-06-01T00:00:00Z")));
        assert_eq!(filter.cursor(), Some(since));
        let first_sync = ChangeFilter::new(&ANY_ORDER, None, false);
        assert_eq!(first_sync.cursor(), None);
    }
}

//! Newest-first listings, for incremental syncs: a request that carries every parameter
//! of the spec's `incremental.newest_first` gets the matching records ordered by their
//! cursor (`updated_at`), newest first, as the provider would list them. Those parameters
//! order; they never filter.

use custkit::runtime::endpoint::EndpointSpec;
use custkit::runtime::record::{RawRecord, RecordPosition};
use serde_json::Value;
use std::cmp::Reverse;
use std::collections::BTreeMap;

/// Whether `name` is one of the endpoint's newest-first parameters.
pub fn is_order_param(endpoint: &EndpointSpec, name: &str) -> bool {
    endpoint.incremental.as_ref().is_some_and(|incremental| {
        incremental
            .newest_first
            .iter()
            .any(|(param, _)| *param == name)
    })
}

/// Whether the request's parameters ask for the newest changes first.
pub fn asks_newest_first(endpoint: &EndpointSpec, given: &BTreeMap<&'static str, String>) -> bool {
    endpoint.incremental.as_ref().is_some_and(|incremental| {
        !incremental.newest_first.is_empty()
            && incremental
                .newest_first
                .iter()
                .all(|(name, value)| given.get(name).is_some_and(|given| given == value))
    })
}

/// `indexes` ordered by their records' cursor value, newest first; records without one
/// (or that do not normalize) come last, in their original order. Every record is made
/// and normalized once per request: fine for a sandbox.
pub fn newest_first(
    endpoint: &EndpointSpec,
    indexes: impl Iterator<Item = usize>,
    record: impl Fn(usize) -> Value,
) -> Vec<usize> {
    let Some(incremental) = &endpoint.incremental else {
        return indexes.collect();
    };
    let mut keyed: Vec<(usize, Option<chrono::DateTime<chrono::Utc>>)> = indexes
        .map(|index| {
            let cursor = serde_json::value::to_raw_value(&record(index))
                .ok()
                .and_then(|json| {
                    let raw = RawRecord {
                        position: RecordPosition { page: 1, index },
                        json,
                    };
                    (endpoint.normalize)(raw).ok()
                })
                .and_then(|customer| incremental.cursor.of(&customer));
            (index, cursor)
        })
        .collect();
    keyed.sort_by_key(|(_, cursor)| (cursor.is_none(), Reverse(*cursor)));
    keyed.into_iter().map(|(index, _)| index).collect()
}

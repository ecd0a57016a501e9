//! One response body read in one pass: its records, split as the records array is
//! scanned, and the paging values the spec points to (a page count, a next cursor or
//! link). Reading each of them separately would scan a page three times.

use crate::endpoint::{EndpointSpec, RecordsShape};
use crate::error::Error;
use crate::http::Response;
use crate::json_path::{self, Found, Take};
use crate::record::{RawRecord, RecordPosition};
use serde::Deserialize;
use serde_json::value::RawValue;

/// A page's records and the values at the paths it was read with (`None`: not wanted).
pub(super) struct Page<'r, const N: usize> {
    /// The records, in the order of the body.
    pub(super) records: Vec<RawRecord>,
    values: [Option<&'r RawValue>; N],
    paths: [Option<&'static [&'static str]>; N],
    response: &'r Response,
    endpoint: &'static EndpointSpec,
}

impl<'r, const N: usize> Page<'r, N> {
    /// Reads `response` for the endpoint's records and the values at `paths`.
    pub(super) fn read(
        endpoint: &'static EndpointSpec,
        response: &'r Response,
        paths: [Option<&'static [&'static str]>; N],
    ) -> Result<Page<'r, N>, Error> {
        let records_take = match endpoint.records.shape {
            RecordsShape::Array => Take::Items,
            RecordsShape::Object | RecordsShape::ArrayOrObject => Take::Value,
        };
        let mut wanted = Vec::with_capacity(N + 1);
        wanted.push((endpoint.records.path, records_take));
        wanted.extend(paths.iter().flatten().map(|&path| (path, Take::Value)));
        let mut found = json_path::lookup_all(response.body(), &wanted)
            .map_err(|reason| response.shape_error(endpoint, reason))?
            .into_iter();
        let records = records(endpoint, response, found.next().flatten())?;
        let values = paths.map(|path| match path.and_then(|_| found.next().flatten()) {
            Some(Found::Value(value)) => Some(value),
            _ => None,
        });
        Ok(Page {
            records,
            values,
            paths,
            response,
            endpoint,
        })
    }

    /// [`Page::read`] on one of the runtime's threads (see [`super::off_thread`]), handing
    /// the page to `take` there for what to keep of it. Scanning and splitting a body is
    /// the heaviest part of a fetch; done apart, it leaves the thread that drives the
    /// stream free to drive the other fetches, and pages fetched together are read in
    /// parallel.
    pub(super) async fn read_apart<R: Send + 'static>(
        endpoint: &'static EndpointSpec,
        response: Response,
        paths: [Option<&'static [&'static str]>; N],
        take: impl FnOnce(Page<'_, N>) -> Result<R, Error> + Send + 'static,
    ) -> Result<R, Error> {
        super::off_thread(move || take(Page::read(endpoint, &response, paths)?)).await
    }

    /// The value at the `index`th path, deserialized; `None` when it is missing, `null`
    /// or was not wanted.
    pub(super) fn value<T: Deserialize<'r>>(&self, index: usize) -> Result<Option<T>, Error> {
        let Some(path) = self.paths[index] else {
            return Ok(None);
        };
        json_path::parse_found(self.values[index], path)
            .map_err(|reason| self.response.shape_error(self.endpoint, reason))
    }
}

/// What was found at the records path, as records of the spec's shape.
fn records(
    endpoint: &EndpointSpec,
    response: &Response,
    found: Option<Found<'_>>,
) -> Result<Vec<RawRecord>, Error> {
    let shape_error = |expected: &str| {
        response.shape_error(
            endpoint,
            format!(
                "expected {expected} at `{}`",
                endpoint.records.path.join(".")
            ),
        )
    };
    // `Items` answers `RecordsShape::Array`; `Value` the two shapes that allow an object.
    let items = match found {
        None => Vec::new(),
        Some(Found::Items(items)) => items,
        Some(Found::NotArray) => return Err(shape_error("an array of records")),
        Some(Found::Value(value)) if !value.get().starts_with('[') => vec![value],
        Some(Found::Value(_)) if endpoint.records.shape == RecordsShape::Object => {
            return Err(shape_error("one record object"))
        }
        Some(Found::Value(value)) => serde_json::from_str(value.get()).map_err(|error| {
            response.shape_error(
                endpoint,
                format!("records at `{}`: {error}", endpoint.records.path.join(".")),
            )
        })?,
    };
    let page = response.page;
    Ok(items
        .into_iter()
        .enumerate()
        .map(|(index, json)| RawRecord {
            position: RecordPosition { page, index },
            json: json.to_owned(),
        })
        .collect())
}

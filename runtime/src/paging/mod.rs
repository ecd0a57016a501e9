//! Paging: turning an endpoint and its parameters into a stream of records across every
//! page, with memory bounded by the pages in flight.
//!
//! Each pagination kind (numbered pages, cursors, next-page links) has its own module producing a stream
//! of pages; [`raw_records`]
//! flattens pages into records, and [`customers`] / [`decoded`] decode them one by one so
//! that a bad record is reported (or, strict, fatal) without losing the rest. Every page
//! stream passes through [`guard`], which stops loops, runaways and foreign links.
//!
//! Streams are cancellation-safe: they spawn nothing, so dropping one mid-page cancels
//! its requests in flight and leaves nothing running, and a page's records are yielded
//! only after its response arrived whole, so everything already yielded is complete.

mod cursor;
pub mod guard;
mod next_url;
mod page;
mod page_number;
mod walk;

use crate::endpoint::{EndpointSpec, Pagination};
use crate::error::{Error, RecordError};
use crate::http::{Executor, Params, Response};
use crate::model::Customer;
use crate::record::{RawRecord, RecordPosition};
use futures::stream::{self, BoxStream, StreamExt};
use page::Page;
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// A stream of records (or, on failure, one error that ends it).
pub type RecordStream<T> = BoxStream<'static, Result<T, Error>>;

/// One page's records.
type PageStream = BoxStream<'static, Result<Vec<RawRecord>, Error>>;

/// Every record of `endpoint`, undecoded, across all pages. Parameters are validated
/// first: a broken rule is the stream's only item, and nothing is sent. The stream ends
/// at its first error.
pub fn raw_records(
    executor: Arc<Executor>,
    endpoint: &'static EndpointSpec,
    params: Params,
) -> RecordStream<RawRecord> {
    raw_records_after(executor, endpoint, params, 0)
}

/// Like [`raw_records`], resuming a stream of which the first `pages_done` pages were
/// already delivered (a checkpoint: every record of those pages, in
/// [`RecordPosition::page`] terms). Record positions keep counting from the first page.
pub fn raw_records_after(
    executor: Arc<Executor>,
    endpoint: &'static EndpointSpec,
    params: Params,
    pages_done: u64,
) -> RecordStream<RawRecord> {
    if let Err(error) = params.validate(endpoint) {
        return stream::once(async move { Err(error) }).boxed();
    }
    let max_pages = executor.config.max_pages.or(endpoint.max_pages);
    let sync_timeout = executor.config.sync_timeout;
    let pages: PageStream = match &endpoint.pagination {
        Pagination::None if pages_done > 0 => stream::empty().boxed(),
        Pagination::None => stream::once(async move {
            let response = executor.send(endpoint, &params, &[], 1).await?;
            extract_records(endpoint, &response)
        })
        .boxed(),
        Pagination::PageNumber(paging) => {
            page_number::pages(executor, endpoint, paging, params, max_pages, pages_done)
        }
        Pagination::Cursor(paging) => skip_pages(
            cursor::pages(executor, endpoint, paging, params),
            pages_done,
        ),
        Pagination::NextUrl(paging) => skip_pages(
            next_url::pages(executor, endpoint, paging, params),
            pages_done,
        ),
    };
    let records = guard::checked(pages, endpoint, max_pages)
        .flat_map(|page| match page {
            Ok(records) => stream::iter(records.into_iter().map(Ok)).left_stream(),
            Err(error) => stream::once(async move { Err(error) }).right_stream(),
        })
        .boxed();
    match sync_timeout {
        Some(limit) => guard::deadline(records, endpoint, limit),
        None => records,
    }
}

/// Every record of `endpoint`, normalized into [`Customer`]s.
pub fn customers(
    executor: Arc<Executor>,
    endpoint: &'static EndpointSpec,
    params: Params,
) -> RecordStream<Customer> {
    let records = raw_records(executor.clone(), endpoint, params);
    decode_each(&executor, endpoint, records, move |record| {
        (endpoint.normalize)(record)
    })
}

/// Like [`customers`], resuming after `pages_done` delivered pages (see
/// [`raw_records_after`]), each customer with the position of its record.
pub fn customers_after(
    executor: Arc<Executor>,
    endpoint: &'static EndpointSpec,
    params: Params,
    pages_done: u64,
) -> RecordStream<(RecordPosition, Customer)> {
    let records = raw_records_after(executor.clone(), endpoint, params, pages_done);
    decode_each(&executor, endpoint, records, move |record| {
        (endpoint.normalize)(record).map(|customer| (record.position, customer))
    })
}

/// Every record of `endpoint`, decoded into the generated raw type `T`.
pub fn decoded<T: DeserializeOwned + Send + 'static>(
    executor: Arc<Executor>,
    endpoint: &'static EndpointSpec,
    params: Params,
) -> RecordStream<T> {
    let records = raw_records(executor.clone(), endpoint, params);
    decode_each(&executor, endpoint, records, move |record| {
        serde_json::from_str(record.json.get())
            .map_err(|error| crate::record::decode_reason(&error))
    })
}

fn decode_each<T: Send + 'static>(
    executor: &Executor,
    endpoint: &'static EndpointSpec,
    records: RecordStream<RawRecord>,
    decode: impl Fn(&RawRecord) -> Result<T, String> + Send + 'static,
) -> RecordStream<T> {
    let strict = executor.config.strict;
    let handler = executor.config.on_record_error.clone();
    let records = records.filter_map(move |item| {
        let out = match item {
            Err(error) => Some(Err(error)),
            Ok(record) => match decode(&record) {
                Ok(value) => Some(Ok(value)),
                Err(reason) => {
                    let error = RecordError::new(endpoint, &record, reason);
                    if strict {
                        Some(Err(Error::Record(error)))
                    } else {
                        match &handler {
                            Some(handler) => handler(&error),
                            None => tracing::warn!(
                                provider = error.provider,
                                endpoint = error.endpoint,
                                page = error.position.page,
                                index = error.position.index,
                                reason = %error.reason,
                                "skipped a record"
                            ),
                        }
                        None
                    }
                }
            },
        };
        std::future::ready(out)
    });
    until_error(records)
}

/// Drops the first `pages_done` pages of a pager that cannot start in the middle: the
/// way to a cursor or link runs through every page before it, so a resumed stream
/// fetches those again but yields none of their records. Errors pass.
fn skip_pages(pages: PageStream, pages_done: u64) -> PageStream {
    let mut delivered_before = pages_done;
    pages
        .filter(move |page| {
            let skip = page.is_ok() && delivered_before > 0;
            if skip {
                delivered_before -= 1;
            }
            std::future::ready(!skip)
        })
        .boxed()
}

/// Ends `stream` right after its first error, without polling it again, and drops it
/// then: a failed stream fetches nothing more and cancels what it had in flight.
fn until_error<T: Send + 'static>(
    stream: impl futures::Stream<Item = Result<T, Error>> + Send + 'static,
) -> BoxStream<'static, Result<T, Error>> {
    stream::unfold(Some(Box::pin(stream)), |stream| async move {
        let mut stream = stream?;
        let item = stream.next().await?;
        let rest = item.is_ok().then_some(stream);
        Some((item, rest))
    })
    .boxed()
}

/// The records of one response body, as owned JSON texts (also how tests and the sandbox
/// read example responses).
pub fn extract_records(
    endpoint: &'static EndpointSpec,
    response: &Response,
) -> Result<Vec<RawRecord>, Error> {
    Page::read(endpoint, response, []).map(|page| page.records)
}

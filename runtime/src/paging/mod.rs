//! Paging: turning an endpoint and its parameters into a stream of records across every
//! page, with memory bounded by the pages in flight.
//!
//! Each pagination kind (numbered pages, cursors, next-page links) has its own module
//! producing a stream of pages, each body read in one pass (`page.rs`). Every page stream
//! passes through [`guard`], which stops loops, runaways and foreign links.
//! [`raw_records`] flattens pages into records; [`normalized`], [`customers`] and
//! [`decoded`] decode each record on its own, so that a bad record is reported (or,
//! strict, fatal) without losing the rest. Decoding runs a page at a time on the tokio
//! runtime's threads, several pages at once, so a sync uses more than one core.
//!
//! Streams are cancellation-safe: dropping one mid-page cancels its requests in flight
//! and aborts the page decoding it spawned, and a page's records are yielded only after
//! its response arrived whole, so everything already yielded is complete.

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
    let sync_timeout = executor.config.sync_timeout;
    let records = flatten(pages_after(executor, endpoint, params, pages_done)).boxed();
    with_deadline(records, endpoint, sync_timeout)
}

/// The items of each page in turn; an error passes through.
fn flatten<T: Send + 'static>(
    pages: impl futures::Stream<Item = Result<Vec<T>, Error>> + Send + 'static,
) -> impl futures::Stream<Item = Result<T, Error>> + Send + 'static {
    pages.flat_map(|page| match page {
        Ok(items) => stream::iter(items.into_iter().map(Ok)).left_stream(),
        Err(error) => stream::once(async move { Err(error) }).right_stream(),
    })
}

/// Every page of `endpoint` after the first `pages_done`, guarded against loops and
/// runaways. Parameters are validated first: a broken rule is the only item, and nothing
/// is sent.
fn pages_after(
    executor: Arc<Executor>,
    endpoint: &'static EndpointSpec,
    params: Params,
    pages_done: u64,
) -> PageStream {
    if let Err(error) = params.validate(endpoint) {
        return stream::once(async move { Err(error) }).boxed();
    }
    let max_pages = executor.config.max_pages.or(endpoint.max_pages);
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
    guard::checked(pages, endpoint, max_pages)
}

/// `stream`, ended by [`Error::SyncTimeout`] when the client has a whole-sync limit.
fn with_deadline<T: Send + 'static>(
    stream: RecordStream<T>,
    endpoint: &'static EndpointSpec,
    limit: Option<std::time::Duration>,
) -> RecordStream<T> {
    match limit {
        Some(limit) => guard::deadline(stream, endpoint, limit),
        None => stream,
    }
}

/// One record's outcome: where it was and what it became, or why it could not be
/// decoded or normalized (the stream goes on after such a record).
pub type Decoded<T> = Result<(RecordPosition, T), RecordError>;

/// Every record of `endpoint` normalized into a [`Customer`], each with its position; a
/// record that fails is an `Err` item for the caller to report, and the stream goes on.
/// Errors that end the stream (transport, paging) are the outer `Err`.
///
/// Pages are normalized on the runtime's threads, several at once (the client's
/// concurrency), and their records yielded in order.
pub fn normalized(
    executor: Arc<Executor>,
    endpoint: &'static EndpointSpec,
    params: Params,
) -> RecordStream<Decoded<Customer>> {
    decode_pages(executor, endpoint, params, 0, endpoint.normalize)
}

/// Every record of `endpoint`, normalized into [`Customer`]s. A record that fails is
/// handed to the client's `on_record_error` handler (or logged) and skipped; strict, it
/// ends the stream.
pub fn customers(
    executor: Arc<Executor>,
    endpoint: &'static EndpointSpec,
    params: Params,
) -> RecordStream<Customer> {
    report_failed(&executor, normalized(executor.clone(), endpoint, params))
        .map(|item| item.map(|(_, customer)| customer))
        .boxed()
}

/// Like [`customers`], resuming after `pages_done` delivered pages (see
/// [`raw_records_after`]), each customer with the position of its record.
pub fn customers_after(
    executor: Arc<Executor>,
    endpoint: &'static EndpointSpec,
    params: Params,
    pages_done: u64,
) -> RecordStream<(RecordPosition, Customer)> {
    let records = decode_pages(
        executor.clone(),
        endpoint,
        params,
        pages_done,
        endpoint.normalize,
    );
    report_failed(&executor, records)
}

/// Every record of `endpoint`, decoded into the generated raw type `T` (failures as in
/// [`customers`]).
pub fn decoded<T: DeserializeOwned + Send + 'static>(
    executor: Arc<Executor>,
    endpoint: &'static EndpointSpec,
    params: Params,
) -> RecordStream<T> {
    let records = decode_pages(executor.clone(), endpoint, params, 0, decode_raw::<T>);
    report_failed(&executor, records)
        .map(|item| item.map(|(_, record)| record))
        .boxed()
}

fn decode_raw<T: DeserializeOwned>(record: RawRecord) -> Result<T, (RawRecord, String)> {
    let decoded = serde_json::from_str(record.json.get());
    decoded.map_err(|error| (record, crate::record::decode_reason(&error)))
}

/// Every record after the first `pages_done` pages, each page decoded by `decode` on the
/// runtime's threads while the next pages are fetched; pages are yielded in order.
fn decode_pages<T: Send + 'static>(
    executor: Arc<Executor>,
    endpoint: &'static EndpointSpec,
    params: Params,
    pages_done: u64,
    decode: fn(RawRecord) -> Result<T, (RawRecord, String)>,
) -> RecordStream<Decoded<T>> {
    let concurrency = executor.config.concurrency;
    let sync_timeout = executor.config.sync_timeout;
    let pages = pages_after(executor, endpoint, params, pages_done)
        .map(move |page| async move {
            let records = page?;
            Ok(off_thread(move || decode_page(endpoint, records, decode)).await)
        })
        .buffered(concurrency);
    with_deadline(until_error(flatten(pages)), endpoint, sync_timeout)
}

fn decode_page<T>(
    endpoint: &'static EndpointSpec,
    records: Vec<RawRecord>,
    decode: fn(RawRecord) -> Result<T, (RawRecord, String)>,
) -> Vec<Decoded<T>> {
    records
        .into_iter()
        .map(|record| {
            let position = record.position;
            match decode(record) {
                Ok(value) => Ok((position, value)),
                Err((record, reason)) => Err(RecordError::new(endpoint, &record, reason)),
            }
        })
        .collect()
}

/// Runs `work` (reading or decoding one page) as a task of the current tokio runtime, so
/// pages are processed on the runtime's threads, in parallel with each other and with
/// fetching; inline when there is no runtime. Dropping the future aborts the task.
async fn off_thread<R: Send + 'static>(work: impl FnOnce() -> R + Send + 'static) -> R {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return work();
    };
    let mut task = AbortOnDrop(runtime.spawn(async move { work() }));
    match (&mut task.0).await {
        Ok(done) => done,
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        // Cancelled: only a runtime shutting down cancels a task it still runs, and then
        // this future is about to be dropped with it.
        Err(_) => std::future::pending().await,
    }
}

/// Aborts a spawned task when dropped: a dropped stream leaves no page decoding behind.
struct AbortOnDrop<R>(tokio::task::JoinHandle<R>);

impl<R> Drop for AbortOnDrop<R> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The records of `records` that decoded; each failed one is handed to the client's
/// `on_record_error` handler (or logged as a warning) and skipped, or, strict, ends the
/// stream.
fn report_failed<T: Send + 'static>(
    executor: &Executor,
    records: RecordStream<Decoded<T>>,
) -> RecordStream<(RecordPosition, T)> {
    let strict = executor.config.strict;
    let handler = executor.config.on_record_error.clone();
    let records = records.filter_map(move |item| {
        let out = match item {
            Err(error) => Some(Err(error)),
            Ok(Ok(decoded)) => Some(Ok(decoded)),
            Ok(Err(error)) if strict => Some(Err(Error::Record(error))),
            Ok(Err(error)) => {
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

//! Numbered pages (`?page=1`, `?page=2`, ...).
//!
//! When the first response says how many pages there are (a last page number, or a
//! total with the page size), the rest are fetched
//! concurrently (bounded by the client's concurrency) and yielded in order. Otherwise
//! pages are fetched one after another until one comes back short or empty. Either
//! way no page beyond `max_pages` is requested: paging ends there with an error. A resumed
//! stream starts after the pages already delivered, and counts `max_pages` from there.

use super::page::Page;
use super::{guard, PageStream};
use crate::endpoint::{EndpointSpec, Method, PageNumber};
use crate::error::Error;
use crate::http::{Executor, Location, ParamValue, Params};
use futures::stream::{self, StreamExt};
use std::sync::Arc;

pub(super) fn pages(
    executor: Arc<Executor>,
    endpoint: &'static EndpointSpec,
    paging: &'static PageNumber,
    params: Params,
    max_pages: Option<u64>,
    pages_done: u64,
) -> PageStream {
    let params = Arc::new(params);
    let too_many = move |max: u64| Error::Paging {
        provider: endpoint.provider,
        endpoint: endpoint.name,
        page: max + 1,
        reason: guard::too_many_pages(max),
    };
    let fetch = {
        let executor = executor.clone();
        let params = params.clone();
        move |number: u64| {
            let executor = executor.clone();
            let params = params.clone();
            async move { fetch_page(&executor, endpoint, paging, &params, number).await }
        }
    };
    let concurrency = executor.config.concurrency;
    let size = page_size(paging, &params);
    let first_number = paging.start + pages_done;
    let first = fetch(first_number);
    stream::once(first)
        .flat_map(move |first| {
            let fetch = fetch.clone();
            match first {
                Err(error) => stream::once(async move { Err(error) }).boxed(),
                Ok((records, Some(last_page))) => {
                    let allowed_last =
                        max_pages.map_or(last_page, |max| last_page.min(first_number + max - 1));
                    let rest = stream::iter(first_number + 1..=allowed_last)
                        .map(fetch)
                        .buffered(concurrency);
                    let beyond = max_pages
                        .filter(|_| last_page > allowed_last)
                        .map(|max| Err(too_many(max)));
                    stream::once(async move { Ok((records, None)) })
                        .chain(rest)
                        .map(|page| page.map(|(records, _)| records))
                        .chain(stream::iter(beyond))
                        .boxed()
                }
                Ok((records, None)) => {
                    sequential(fetch, size, first_number, records, max_pages, too_many).boxed()
                }
            }
        })
        .boxed()
}

/// Without a known page count: next page while the last one was full.
fn sequential<F, Fut>(
    fetch: F,
    size: Option<u64>,
    first_number: u64,
    first: Vec<crate::record::RawRecord>,
    max_pages: Option<u64>,
    too_many: impl Fn(u64) -> Error + Copy + Send + 'static,
) -> impl futures::Stream<Item = Result<Vec<crate::record::RawRecord>, Error>>
where
    F: Fn(u64) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<(Vec<crate::record::RawRecord>, Option<u64>), Error>>
        + Send,
{
    let full = move |count: usize| match size {
        Some(size) => count as u64 >= size,
        None => count > 0,
    };
    let more = full(first.len());
    stream::once(async move { Ok(first) }).chain(stream::unfold(
        (first_number + 1, more, fetch),
        move |(number, more, fetch)| async move {
            if !more {
                return None;
            }
            if let Some(max) = max_pages.filter(|max| number - first_number >= *max) {
                return Some((Err(too_many(max)), (number, false, fetch)));
            }
            match fetch(number).await {
                Ok((records, _)) => {
                    let more = full(records.len());
                    Some((Ok(records), (number + 1, more, fetch)))
                }
                Err(error) => Some((Err(error), (number, false, fetch))),
            }
        },
    ))
}

async fn fetch_page(
    executor: &Executor,
    endpoint: &'static EndpointSpec,
    paging: &'static PageNumber,
    params: &Params,
    number: u64,
) -> Result<(Vec<crate::record::RawRecord>, Option<u64>), Error> {
    let mut params = params.clone();
    set_paging_param(endpoint, &mut params, paging.param, number);
    let size = page_size(paging, &params);
    if let (Some(spec), Some(size)) = (&paging.page_size, size) {
        if params.get(spec.param).is_none() {
            set_paging_param(endpoint, &mut params, spec.param, size);
        }
    }
    let page = number - paging.start + 1;
    let response = executor.send(endpoint, &params, &[], page).await?;
    // The last page's number, or else (with a known page size) the record total.
    let count_at = paging.last_page.or(size.and(paging.total));
    let (records, count) = Page::read_apart(endpoint, response, [count_at], |page| {
        let count = page.value::<u64>(0)?;
        Ok((page.records, count))
    })
    .await?;
    let last_page = match size {
        Some(size) if paging.last_page.is_none() => {
            count.map(|total| paging.start + total.div_ceil(size.max(1)).max(1) - 1)
        }
        _ => count,
    };
    Ok((records, last_page))
}

/// The page size requested: the caller's value of a declared size parameter, or the
/// spec's default.
fn page_size(paging: &PageNumber, params: &Params) -> Option<u64> {
    let spec = paging.page_size.as_ref()?;
    match params.get(spec.param) {
        Some(ParamValue::Integer(size)) => u64::try_from(*size).ok(),
        _ => Some(spec.default),
    }
}

/// Sets a paging parameter where the endpoint declares it, else where the method puts
/// parameters (query for `GET`, body for `POST`).
pub(super) fn set_paging_param(
    endpoint: &EndpointSpec,
    params: &mut Params,
    name: &'static str,
    value: u64,
) {
    let location = endpoint
        .params
        .iter()
        .find(|spec| spec.name == name)
        .map(|spec| spec.location)
        .unwrap_or(match endpoint.method {
            Method::Get => Location::Query,
            Method::Post => Location::Body,
        });
    let value = i64::try_from(value).unwrap_or(i64::MAX);
    params.set(location, name, ParamValue::Integer(value), Ok(()));
}

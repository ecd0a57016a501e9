//! Next-link paging: each response carries the URL of the next page (`links.next`), which
//! already holds every query parameter. Pages are fetched one after another until a
//! response has no link. A link is followed only on the configured origin (credentials
//! go nowhere else) and only once (a link seen before would loop).

use super::guard::{self, CursorGuard};
use super::page_number::set_paging_param;
use super::{extract_records, PageStream};
use crate::endpoint::{EndpointSpec, NextUrl};
use crate::error::Error;
use crate::http::{Executor, Params};
use crate::json_path;
use crate::record::RawRecord;
use futures::stream::{self, StreamExt};
use std::sync::Arc;
use url::Url;

/// Where the pager is.
struct State {
    executor: Arc<Executor>,
    params: Params,
    /// The next page's URL; `None` before the first request.
    next: Option<Url>,
    page: u64,
    seen: CursorGuard,
    done: bool,
    /// An error found after a page was read, reported once its records are out.
    pending: Option<Error>,
}

pub(super) fn pages(
    executor: Arc<Executor>,
    endpoint: &'static EndpointSpec,
    paging: &'static NextUrl,
    mut params: Params,
) -> PageStream {
    if let Some(size) = &paging.page_size {
        if params.get(size.param).is_none() {
            set_paging_param(endpoint, &mut params, size.param, size.default);
        }
    }
    let state = State {
        executor,
        params,
        next: None,
        page: 1,
        seen: CursorGuard::new("next-page link"),
        done: false,
        pending: None,
    };
    stream::unfold(state, move |mut state| async move {
        if let Some(error) = state.pending.take() {
            return Some((Err(error), state));
        }
        if state.done {
            return None;
        }
        let result = next_page(&mut state, endpoint, paging).await;
        if result.is_err() {
            state.done = true;
        }
        Some((result, state))
    })
    .boxed()
}

async fn next_page(
    state: &mut State,
    endpoint: &'static EndpointSpec,
    paging: &'static NextUrl,
) -> Result<Vec<RawRecord>, Error> {
    let page = state.page;
    let (current, response) = match state.next.take() {
        None => {
            let url = state.executor.endpoint_url(endpoint, &state.params)?;
            let response = state
                .executor
                .send(endpoint, &state.params, &[], page)
                .await?;
            (url, response)
        }
        Some(url) => {
            let response = state
                .executor
                .send_link(endpoint, url.clone(), &state.params, page)
                .await?;
            (url, response)
        }
    };
    let records = extract_records(endpoint, &response)?;
    let paging_error = |reason: String| Error::Paging {
        provider: endpoint.provider,
        endpoint: endpoint.name,
        page,
        reason,
    };
    let root = response.json(endpoint)?;
    let link = json_path::lookup_as::<Option<String>>(root, paging.next)
        .map_err(|reason| Error::Response {
            provider: endpoint.provider,
            endpoint: endpoint.name,
            page,
            reason,
        })?
        .flatten()
        .filter(|link| !link.trim().is_empty());
    let Some(link) = link else {
        state.done = true;
        return Ok(records);
    };
    let followed =
        guard::next_page_url(state.executor.base_url(), &current, &link).and_then(|url| {
            state.seen.check(url.as_str())?;
            Ok(url)
        });
    match followed {
        Ok(url) => {
            state.next = Some(url);
            state.page += 1;
        }
        Err(reason) => {
            state.pending = Some(paging_error(reason));
            state.done = true;
        }
    }
    Ok(records)
}

//! Cursor paging: each response names the cursor of the next page (`next_cursor`), sent
//! back as a parameter. Pages are fetched one after another until the response says there
//! are no more (`has_more: false`) or gives no cursor. A cursor seen before is an error,
//! not an endless loop.

use super::guard::CursorGuard;
use super::page_number::set_paging_param;
use super::{extract_records, PageStream};
use crate::endpoint::{Cursor, EndpointSpec};
use crate::error::Error;
use crate::http::{Executor, Location, ParamValue, Params};
use futures::stream::{self, StreamExt};
use std::sync::Arc;

/// Where the pager is.
struct State {
    executor: Arc<Executor>,
    params: Params,
    cursor: Option<String>,
    page: u64,
    seen: CursorGuard,
    done: bool,
    /// An error found after a page was read, reported once its records are out.
    pending: Option<Error>,
}

pub(super) fn pages(
    executor: Arc<Executor>,
    endpoint: &'static EndpointSpec,
    paging: &'static Cursor,
    params: Params,
) -> PageStream {
    let state = State {
        executor,
        params,
        cursor: None,
        page: 1,
        seen: CursorGuard::new("cursor"),
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
    paging: &'static Cursor,
) -> Result<Vec<crate::record::RawRecord>, Error> {
    let mut params = state.params.clone();
    if let Some(cursor) = &state.cursor {
        let location = endpoint
            .params
            .iter()
            .find(|spec| spec.name == paging.param)
            .map_or(Location::Query, |spec| spec.location);
        params.set(
            location,
            paging.param,
            ParamValue::Text(cursor.clone()),
            Ok(()),
        );
    }
    if let Some(size) = &paging.page_size {
        if params.get(size.param).is_none() {
            set_paging_param(endpoint, &mut params, size.param, size.default);
        }
    }
    let page = state.page;
    let response = state.executor.send(endpoint, &params, &[], page).await?;
    let records = extract_records(endpoint, &response)?;
    let shape_error = |reason: String| Error::Response {
        provider: endpoint.provider,
        endpoint: endpoint.name,
        page,
        reason,
    };
    let more = match paging.has_more {
        Some(path) => response.lookup_as::<bool>(endpoint, path)?.unwrap_or(false),
        None => true,
    };
    let next = response
        .lookup_as::<String>(endpoint, paging.next)?
        .filter(|cursor| !cursor.is_empty());
    match next {
        Some(cursor) if more => match state.seen.check(&cursor) {
            Ok(()) => {
                state.cursor = Some(cursor);
                state.page += 1;
            }
            Err(reason) => {
                state.pending = Some(shape_error(reason));
                state.done = true;
            }
        },
        _ => state.done = true,
    }
    Ok(records)
}

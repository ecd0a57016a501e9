//! Cursor paging: each response names the cursor of the next page (`next_cursor`), sent
//! back as a parameter. Pages are fetched one after another until the response says there
//! are no more (`has_more: false`) or gives no cursor. A cursor seen before is an error,
//! not an endless loop.

use super::page::Page;
use super::page_number::set_paging_param;
use super::walk::{self, Step, Walk};
use super::PageStream;
use crate::endpoint::{Cursor, EndpointSpec};
use crate::error::Error;
use crate::http::{Executor, Location, ParamValue, Params};
use crate::record::RawRecord;
use std::sync::Arc;

pub(super) fn pages(
    executor: Arc<Executor>,
    endpoint: &'static EndpointSpec,
    paging: &'static Cursor,
    params: Params,
) -> PageStream {
    walk::pages(
        CursorStep { endpoint, paging },
        Walk::start(executor, params, "cursor"),
    )
}

/// The way from a page to the next: its cursor, sent back as a parameter.
struct CursorStep {
    endpoint: &'static EndpointSpec,
    paging: &'static Cursor,
}

impl Step for CursorStep {
    type Pointer = String;

    async fn next_page(&self, walk: &mut Walk<String>) -> Result<Vec<RawRecord>, Error> {
        let (endpoint, paging) = (self.endpoint, self.paging);
        let mut params = walk.params.clone();
        if let Some(cursor) = &walk.next {
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
        let page = walk.page;
        let response = walk.executor.send(endpoint, &params, &[], page).await?;
        let paths = [Some(paging.next), paging.has_more];
        let (records, next, more) = Page::read_apart(endpoint, response, paths, |read| {
            let more = match paging.has_more {
                Some(_) => read.value::<bool>(1)?.unwrap_or(false),
                None => true,
            };
            let next = read.value::<String>(0)?.filter(|cursor| !cursor.is_empty());
            Ok((read.records, next, more))
        })
        .await?;
        let shape_error = |reason: String| Error::Response {
            provider: endpoint.provider,
            endpoint: endpoint.name,
            page,
            reason,
        };
        match next {
            Some(cursor) if more => match walk.seen.check(&cursor) {
                Ok(()) => {
                    walk.next = Some(cursor);
                    walk.page += 1;
                }
                Err(reason) => {
                    walk.pending = Some(shape_error(reason));
                    walk.done = true;
                }
            },
            _ => walk.done = true,
        }
        Ok(records)
    }
}

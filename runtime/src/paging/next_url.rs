//! Next-link paging: each response carries the URL of the next page (`links.next`), which
//! already holds every query parameter. Pages are fetched one after another until a
//! response has no link. A link is followed only on the configured origin (credentials
//! go nowhere else) and only once (a link seen before would loop).

use super::guard;
use super::page::Page;
use super::page_number::set_paging_param;
use super::walk::{self, Step, Walk};
use super::PageStream;
use crate::endpoint::{EndpointSpec, NextUrl};
use crate::error::Error;
use crate::http::{Executor, Params};
use crate::record::RawRecord;
use std::sync::Arc;
use url::Url;

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
    walk::pages(
        LinkStep { endpoint, paging },
        Walk::start(executor, params, "next-page link"),
    )
}

/// The way from a page to the next: its link, followed as given.
struct LinkStep {
    endpoint: &'static EndpointSpec,
    paging: &'static NextUrl,
}

impl Step for LinkStep {
    type Pointer = Url;

    async fn next_page(&self, walk: &mut Walk<Url>) -> Result<Vec<RawRecord>, Error> {
        let (endpoint, paging) = (self.endpoint, self.paging);
        let page = walk.page;
        let (current, response) = match walk.next.take() {
            None => {
                let url = walk.executor.url(endpoint, &walk.params)?;
                let response = walk
                    .executor
                    .send(endpoint, &walk.params, &[], page)
                    .await?;
                (url, response)
            }
            Some(url) => {
                let response = walk
                    .executor
                    .send_link(endpoint, url.clone(), &walk.params, page)
                    .await?;
                (url, response)
            }
        };
        let (records, link) = Page::read_apart(endpoint, response, [Some(paging.next)], |read| {
            let link = read.value::<String>(0)?;
            Ok((read.records, link))
        })
        .await?;
        let paging_error = |reason: String| Error::Paging {
            provider: endpoint.provider,
            endpoint: endpoint.name,
            page,
            reason,
        };
        let Some(link) = link.filter(|link| !link.trim().is_empty()) else {
            walk.done = true;
            return Ok(records);
        };
        let followed =
            guard::next_page_url(walk.executor.base_url(), &current, &link).and_then(|url| {
                walk.seen.check(url.as_str())?;
                Ok(url)
            });
        match followed {
            Ok(url) => {
                walk.next = Some(url);
                walk.page += 1;
            }
            Err(reason) => {
                walk.pending = Some(paging_error(reason));
                walk.done = true;
            }
        }
        Ok(records)
    }
}

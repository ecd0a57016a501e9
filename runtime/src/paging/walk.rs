//! The loop shared by pagers that follow what each response points to (a cursor, a
//! next-page link): one page after another, until a page says it is the last, with each
//! pointer followed at most once.

use super::guard::CursorGuard;
use super::PageStream;
use crate::error::Error;
use crate::http::{Executor, Params};
use crate::record::RawRecord;
use futures::stream::{self, StreamExt};
use std::future::Future;
use std::sync::Arc;

/// Where a walk is.
pub(super) struct Walk<P> {
    pub(super) executor: Arc<Executor>,
    pub(super) params: Params,
    /// Where the next page is; `None` before the first request.
    pub(super) next: Option<P>,
    /// The number of the page to fetch next, from 1.
    pub(super) page: u64,
    /// Every pointer followed so far.
    pub(super) seen: CursorGuard,
    /// No page follows.
    pub(super) done: bool,
    /// An error found after a page was read (a pointer that loops), reported once that
    /// page's records are out.
    pub(super) pending: Option<Error>,
}

impl<P> Walk<P> {
    /// A walk that has fetched nothing; `what` names its pointers in errors.
    pub(super) fn start(executor: Arc<Executor>, params: Params, what: &'static str) -> Walk<P> {
        Walk {
            executor,
            params,
            next: None,
            page: 1,
            seen: CursorGuard::new(what),
            done: false,
            pending: None,
        }
    }
}

/// One pager's way from a page to the next.
pub(super) trait Step: Send + Sync + 'static {
    /// What points to a page (a cursor, a URL).
    type Pointer: Send + 'static;

    /// Fetches the page `walk` is at, and moves it on: sets `next` (and counts the page)
    /// or `done`.
    fn next_page(
        &self,
        walk: &mut Walk<Self::Pointer>,
    ) -> impl Future<Output = Result<Vec<RawRecord>, Error>> + Send;
}

/// The pages of `walk`, each fetched by `step`; the stream ends after the first error.
pub(super) fn pages<S: Step>(step: S, walk: Walk<S::Pointer>) -> PageStream {
    stream::unfold((walk, step), |(mut walk, step)| async move {
        if let Some(error) = walk.pending.take() {
            return Some((Err(error), (walk, step)));
        }
        if walk.done {
            return None;
        }
        let result = step.next_page(&mut walk).await;
        if result.is_err() {
            walk.done = true;
        }
        Some((result, (walk, step)))
    })
    .boxed()
}

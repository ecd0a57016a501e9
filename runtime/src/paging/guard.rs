//! Safety guards for every pagination kind: paging must end, must not loop, and must not
//! send credentials anywhere but the configured host.
//!
//! - `checked` wraps any page stream: it stops with [`Error::Paging`] at a page that
//!   repeats the previous page's records (a provider ignoring the page parameter) or at
//!   a page beyond `max_pages`, and ends the stream at its first error.
//! - [`CursorGuard`] remembers every cursor a stream has followed, for cursor paging: a
//!   cursor seen before would loop.
//! - [`next_page_url`] resolves a provider's next-page link and refuses one on another
//!   origin, for next-URL paging.
//! - `deadline` bounds a whole stream by `ClientConfig::sync_timeout`.

use super::{PageStream, RecordStream};
use crate::endpoint::EndpointSpec;
use crate::error::Error;
use crate::record::RawRecord;
use futures::stream::{self, StreamExt};
use std::collections::hash_map::RandomState;
use std::collections::HashSet;
use std::hash::{BuildHasher, Hash, Hasher};
use std::time::Duration;
use url::Url;

/// Checks each page of `pages` in order (see [`PageGuard`]) and ends the stream at its
/// first error, so nothing is fetched or yielded after a failure.
pub(super) fn checked(
    pages: PageStream,
    endpoint: &'static EndpointSpec,
    max_pages: Option<u64>,
) -> PageStream {
    let mut guard = PageGuard::new(max_pages);
    let pages = pages.map(move |page| {
        page.and_then(|records| match guard.check(&records) {
            Ok(()) => Ok(records),
            Err(reason) => Err(Error::Paging {
                provider: endpoint.provider,
                endpoint: endpoint.name,
                page: guard.pages,
                reason,
            }),
        })
    });
    super::until_error(pages)
}

/// What a stream of pages has shown so far.
#[derive(Debug, Default)]
pub struct PageGuard {
    /// Pages seen, counting the one being checked.
    pub pages: u64,
    max_pages: Option<u64>,
    previous: Option<u64>,
}

impl PageGuard {
    /// A guard allowing at most `max_pages` pages (none: any number).
    pub fn new(max_pages: Option<u64>) -> PageGuard {
        PageGuard {
            pages: 0,
            max_pages,
            previous: None,
        }
    }

    /// Accepts the next page, or says why paging must stop.
    pub fn check(&mut self, records: &[RawRecord]) -> Result<(), String> {
        self.pages += 1;
        if let Some(max) = self.max_pages {
            if self.pages > max {
                return Err(too_many_pages(max));
            }
        }
        if records.is_empty() {
            self.previous = None;
            return Ok(());
        }
        let fingerprint = fingerprint(records);
        if self.previous == Some(fingerprint) {
            return Err(format!(
                "the page repeats the records of page {} exactly: the provider is not \
                 advancing (does it ignore the paging parameter?); stopped rather than loop",
                self.pages - 1
            ));
        }
        self.previous = Some(fingerprint);
        Ok(())
    }
}

/// The reason given when a provider has more pages than allowed.
pub(super) fn too_many_pages(max: u64) -> String {
    format!(
        "the provider has more than {max} pages (max_pages); stopped rather than page on \
         (raise max_pages if the data really is that large)"
    )
}

/// A fixed-key hash of a page's records, in order. foldhash rather than SipHash: every
/// byte of every page goes through it, and a provider that wanted to defeat the check
/// could as well send a page that differs by one byte.
fn fingerprint(records: &[RawRecord]) -> u64 {
    let mut hasher = foldhash::quality::FixedState::with_seed(0).build_hasher();
    records.len().hash(&mut hasher);
    for record in records {
        record.json.get().hash(&mut hasher);
    }
    hasher.finish()
}

/// Every cursor (or next-page link) a stream has followed, kept as hashes (8 bytes a
/// page, however long the provider's cursors are).
#[derive(Debug)]
pub struct CursorGuard {
    seen: HashSet<u64>,
    hasher: RandomState,
    /// What is followed, for messages: `cursor`, `next-page link`.
    what: &'static str,
}

impl CursorGuard {
    /// A guard that has seen no `what` (`"cursor"`, `"next-page link"`) yet.
    pub fn new(what: &'static str) -> CursorGuard {
        CursorGuard {
            seen: HashSet::new(),
            hasher: RandomState::new(),
            what,
        }
    }

    /// Accepts `cursor` as the next one to follow, or refuses one already followed (the
    /// provider would send the same pages again, forever). The error names no cursor:
    /// cursors can encode record values.
    pub fn check(&mut self, cursor: &str) -> Result<(), String> {
        if self.seen.insert(self.hasher.hash_one(cursor)) {
            Ok(())
        } else {
            Err(format!(
                "the provider sent a {what} it had already sent ({} {what}s followed): \
                 following it would loop; stopped",
                self.seen.len(),
                what = self.what,
            ))
        }
    }
}

/// Resolves a next-page link (`links.next`) against the page it came from and checks it
/// stays on the configured base URL's origin (scheme, host and port), so credentials
/// go only to the configured host. The error names the foreign host, never the link:
/// a link's query can carry a key.
pub fn next_page_url(base_url: &str, current: &Url, next: &str) -> Result<Url, String> {
    let base = Url::parse(base_url).map_err(|error| format!("invalid base URL: {error}"))?;
    let url = current
        .join(next.trim())
        .map_err(|error| format!("the next-page link is not a URL: {error}"))?;
    if url.origin() != base.origin() {
        return Err(format!(
            "the next-page link points to {} on host `{}`, not the configured {} host `{}`; \
             refused: credentials go only to the configured host",
            url.scheme(),
            url.host_str().unwrap_or("?"),
            base.scheme(),
            base.host_str().unwrap_or("?"),
        ));
    }
    Ok(url)
}

/// Ends `records` with [`Error::SyncTimeout`] once `limit` has passed since its first
/// poll. Whatever was in flight is dropped (requests are cancelled, nothing keeps
/// running); every record already yielded stands.
pub(super) fn deadline<T: Send + 'static>(
    records: RecordStream<T>,
    endpoint: &'static EndpointSpec,
    limit: Duration,
) -> RecordStream<T> {
    stream::unfold(
        (records, None, false),
        move |(mut records, deadline, ended)| async move {
            if ended {
                return None;
            }
            let deadline = deadline.unwrap_or_else(|| tokio::time::Instant::now() + limit);
            match tokio::time::timeout_at(deadline, records.next()).await {
                Ok(Some(item)) => Some((item, (records, Some(deadline), false))),
                Ok(None) => None,
                Err(_) => Some((
                    Err(Error::SyncTimeout {
                        provider: endpoint.provider,
                        endpoint: endpoint.name,
                        limit,
                    }),
                    (records, Some(deadline), true),
                )),
            }
        },
    )
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::RecordPosition;

    fn page(number: u64, ids: &[u32]) -> Vec<RawRecord> {
        ids.iter()
            .enumerate()
            .map(|(index, id)| RawRecord {
                position: RecordPosition {
                    page: number,
                    index,
                },
                json: serde_json::value::RawValue::from_string(format!("{{\"id\":{id}}}")).unwrap(),
            })
            .collect()
    }

    #[test]
    fn a_repeated_page_stops_paging() {
        let mut guard = PageGuard::new(None);
        assert!(guard.check(&page(1, &[1, 2])).is_ok());
        assert!(guard.check(&page(2, &[3, 4])).is_ok());
        assert!(
            guard.check(&page(3, &[4, 5])).is_ok(),
            "overlap is not a repeat"
        );
        let reason = guard.check(&page(4, &[4, 5])).unwrap_err();
        assert!(reason.contains("repeats the records of page 3"), "{reason}");
    }

    #[test]
    fn empty_pages_are_not_repeats() {
        let mut guard = PageGuard::new(None);
        assert!(guard.check(&page(1, &[])).is_ok());
        assert!(guard.check(&page(2, &[])).is_ok());
    }

    #[test]
    fn pages_beyond_the_maximum_are_refused() {
        let mut guard = PageGuard::new(Some(2));
        assert!(guard.check(&page(1, &[1])).is_ok());
        assert!(guard.check(&page(2, &[2])).is_ok());
        let reason = guard.check(&page(3, &[3])).unwrap_err();
        assert!(reason.contains("more than 2 pages"), "{reason}");
    }

    #[test]
    fn a_cursor_seen_before_is_refused_even_after_others() {
        let mut guard = CursorGuard::new("cursor");
        assert!(guard.check("c1").is_ok());
        assert!(guard.check("c2").is_ok());
        assert!(guard.check("c3").is_ok());
        let reason = guard.check("c1").unwrap_err();
        assert!(reason.contains("already sent"), "{reason}");
        assert!(!reason.contains("c1"), "the cursor is not quoted: {reason}");
    }

    #[test]
    fn next_page_links_stay_on_the_configured_origin() {
        let base = "https://api.example.com/v1";
        let current = Url::parse("https://api.example.com/v1/customers?page=1").unwrap();
        assert_eq!(
            next_page_url(base, &current, "/v1/customers?page=2")
                .unwrap()
                .as_str(),
            "https://api.example.com/v1/customers?page=2"
        );
        assert_eq!(
            next_page_url(
                base,
                &current,
                "https://api.example.com/v1/customers?page=2"
            )
            .unwrap()
            .as_str(),
            "https://api.example.com/v1/customers?page=2"
        );
        for foreign in [
            "https://evil.example.net/v1/customers?page=2",
            "http://api.example.com/v1/customers?page=2",
            "https://api.example.com:8443/v1/customers?page=2",
            "//evil.example.net/steal",
            "https://api.example.com.evil.net/v1",
            "https://user@evil.example.net/",
        ] {
            let reason = next_page_url(base, &current, foreign).unwrap_err();
            assert!(reason.contains("refused"), "{foreign}: {reason}");
        }
        let reason = next_page_url(
            base,
            &current,
            "https://evil.example.net/v1/customers?api_key=k-123",
        )
        .unwrap_err();
        assert!(!reason.contains("k-123"), "{reason}");
    }
}

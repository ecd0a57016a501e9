//! The sandbox's side of each pagination kind: which slice of the matching records a
//! request gets, and the paging fields the spec reads from a response.

use custkit::runtime::endpoint::{EndpointSpec, Pagination};
use serde_json::Value;

/// Records per page when the spec names no page size.
const DEFAULT_PER_PAGE: usize = 25;

/// How the sandbox's cursors start (`after-50`): the rest is the next page's offset.
const CURSOR_PREFIX: &str = "after-";

/// The value at `path` (object keys) in `value`.
pub fn lookup<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |value, key| value.get(*key))
}

/// Puts `new` at `path` in `body`, creating objects on the way; an empty path replaces
/// the body.
pub fn place(body: &mut Value, path: &[&str], new: Value) {
    let mut target = body;
    for key in path {
        if !target.is_object() {
            *target = Value::Object(serde_json::Map::new());
        }
        let Value::Object(object) = target else {
            return;
        };
        target = object.entry(key.to_string()).or_insert(Value::Null);
    }
    *target = new;
}

/// Whether `name` is one of the endpoint's paging parameters (not a filter).
pub fn is_paging_param(endpoint: &EndpointSpec, name: &str) -> bool {
    match &endpoint.pagination {
        Pagination::None => false,
        Pagination::PageNumber(paging) => {
            paging.param == name
                || paging
                    .page_size
                    .as_ref()
                    .is_some_and(|size| size.param == name)
        }
        Pagination::Cursor(paging) => {
            paging.param == name
                || paging
                    .page_size
                    .as_ref()
                    .is_some_and(|size| size.param == name)
        }
        Pagination::NextUrl(paging) => paging
            .page_size
            .as_ref()
            .is_some_and(|size| size.param == name),
    }
}

/// The response body for one page of the `matching` record indexes (`record` makes one),
/// as the spec's paging asks for it (`param` reads the request's paging parameters, from
/// the query or the body); `Err` for a request the provider would refuse.
pub fn page(
    endpoint: &EndpointSpec,
    envelope: &Value,
    param: impl Fn(&str) -> Option<String>,
    matching: impl Iterator<Item = usize>,
    record: impl Fn(usize) -> Value,
) -> Result<Value, String> {
    let numeric = |name: &str| param(name).and_then(|value| value.parse::<u64>().ok());
    let mut body = envelope.clone();
    match &endpoint.pagination {
        Pagination::None => {
            place(
                &mut body,
                endpoint.records.path,
                Value::Array(matching.map(record).collect()),
            );
        }
        Pagination::PageNumber(paging) => {
            let number = numeric(paging.param).unwrap_or(paging.start);
            if number < paging.start {
                return Err(format!(
                    "`{}` must be at least {}",
                    paging.param, paging.start
                ));
            }
            let per_page = paging
                .page_size
                .as_ref()
                .map(|size| numeric(size.param).unwrap_or(size.default))
                .map_or(DEFAULT_PER_PAGE, |size| size as usize)
                .max(1);
            let skip = usize::try_from(number - paging.start)
                .unwrap_or(usize::MAX)
                .saturating_mul(per_page);
            let mut total = 0usize;
            let mut records = Vec::new();
            for index in matching {
                if total >= skip && records.len() < per_page {
                    records.push(record(index));
                }
                total += 1;
            }
            place(&mut body, endpoint.records.path, Value::Array(records));
            if let Some(path) = paging.last_page {
                let pages = total.div_ceil(per_page).max(1) as u64;
                place(&mut body, path, Value::from(paging.start + pages - 1));
            }
            if let Some(path) = paging.total {
                place(&mut body, path, Value::from(total));
            }
        }
        Pagination::Cursor(paging) => {
            // The cursor is the offset of the page's first match, opaque to the client.
            let skip = match param(paging.param) {
                None => 0,
                Some(cursor) => cursor
                    .strip_prefix(CURSOR_PREFIX)
                    .and_then(|offset| offset.parse::<usize>().ok())
                    .ok_or_else(|| format!("`{}` is not a cursor this API issued", paging.param))?,
            };
            let per_page = paging
                .page_size
                .as_ref()
                .map(|size| numeric(size.param).unwrap_or(size.default))
                .map_or(DEFAULT_PER_PAGE, |size| size as usize)
                .max(1);
            // One match past the page tells whether there is a next one.
            let mut window: Vec<usize> = matching
                .skip(skip)
                .take(per_page.saturating_add(1))
                .collect();
            let more = window.len() > per_page;
            window.truncate(per_page);
            place(
                &mut body,
                endpoint.records.path,
                Value::Array(window.into_iter().map(record).collect()),
            );
            let next = if more {
                Value::from(format!("{CURSOR_PREFIX}{}", skip + per_page))
            } else {
                Value::Null
            };
            place(&mut body, paging.next, next);
            if let Some(path) = paging.has_more {
                place(&mut body, path, Value::Bool(more));
            }
        }
        // One page with every match and no next link (link paging is not simulated).
        Pagination::NextUrl(paging) => {
            place(
                &mut body,
                endpoint.records.path,
                Value::Array(matching.map(record).collect()),
            );
            place(&mut body, paging.next, Value::Null);
        }
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Follows the cursors of `endpoint` over `total` records, as a client would.
    fn cursor_pages(endpoint: &EndpointSpec, total: usize, limit: Option<&str>) -> Vec<Value> {
        let mut pages = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let param = |name: &str| match name {
                "cursor" => cursor.clone(),
                "limit" => limit.map(str::to_string),
                _ => None,
            };
            let body = page(
                endpoint,
                &json!({}),
                param,
                0..total,
                |index| json!({"id": index}),
            )
            .unwrap();
            cursor = body["pagination"]["next_cursor"]
                .as_str()
                .map(str::to_string);
            pages.push(body);
            if cursor.is_none() {
                return pages;
            }
        }
    }

    #[test]
    fn cursor_paging_serves_every_record_once_across_pages() {
        let endpoint = &custkit::meedee::LIST_CUSTOMERS;
        let pages = cursor_pages(endpoint, 120, None);
        let sizes: Vec<usize> = pages
            .iter()
            .map(|page| page["data"].as_array().unwrap().len())
            .collect();
        assert_eq!(sizes, [50, 50, 20], "the spec's default page size");
        let more: Vec<&Value> = pages
            .iter()
            .map(|page| &page["pagination"]["has_more"])
            .collect();
        assert_eq!(more, [&json!(true), &json!(true), &json!(false)]);
        let ids: Vec<u64> = pages
            .iter()
            .flat_map(|page| page["data"].as_array().unwrap().iter())
            .map(|record| record["id"].as_u64().unwrap())
            .collect();
        assert_eq!(ids, (0..120).collect::<Vec<u64>>());
        let exact = cursor_pages(endpoint, 14, Some("7"));
        assert_eq!(exact.len(), 2, "no empty page after an exact multiple");
        assert_eq!(exact[1]["pagination"]["next_cursor"], Value::Null);
        let bad = page(
            endpoint,
            &json!({}),
            |name: &str| (name == "cursor").then(|| "forged".to_string()),
            0..10,
            |index| json!({"id": index}),
        );
        assert_eq!(
            bad,
            Err("`cursor` is not a cursor this API issued".to_string())
        );
    }

    #[test]
    fn place_creates_the_path() {
        let mut body = json!({"meta": {"total": 3}});
        place(&mut body, &["meta", "last_page"], json!(2));
        place(&mut body, &["data"], json!([]));
        assert_eq!(
            body,
            json!({"meta": {"total": 3, "last_page": 2}, "data": []})
        );
    }
}

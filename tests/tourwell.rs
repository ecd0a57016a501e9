//! Tourwell end to end: the generated client against a local mock Tourwell that pages
//! like the real one (Laravel `links`/`meta`, bearer auth).

mod support;

use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use futures::TryStreamExt;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};

const TOKEN: &str = "tw-secret-token-0123456789";
const PER_PAGE: usize = 25;
const TOTAL: usize = 60;

/// The seed's example records, repeated with fresh ids: `TOTAL` records over 3 pages.
fn records() -> Vec<Value> {
    let example: Value = serde_json::from_str(custkit::tourwell::PROVIDER.examples[0].body)
        .expect("example is JSON");
    let seeds = example["data"].as_array().unwrap().clone();
    (0..TOTAL)
        .map(|n| {
            let mut record = seeds[n % seeds.len()].clone();
            record["id"] = json!(10_000 + n);
            record["code"] = json!(format!("KH{}", 10_000 + n));
            record
        })
        .collect()
}

async fn list(
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> impl IntoResponse {
    if headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        != Some(&format!("Bearer {TOKEN}"))
    {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"message": "Unauthenticated."})),
        );
    }
    let page: usize = query
        .get("page")
        .and_then(|page| page.parse().ok())
        .unwrap_or(1);
    let all = records();
    let last_page = TOTAL.div_ceil(PER_PAGE);
    let data: Vec<Value> = all
        .into_iter()
        .skip((page - 1) * PER_PAGE)
        .take(PER_PAGE)
        .collect();
    (
        StatusCode::OK,
        axum::Json(json!({
            "data": data,
            "links": {"first": "/api/v1/customers?page=1", "last": format!("/api/v1/customers?page={last_page}"), "prev": null, "next": null},
            "meta": {"current_page": page, "from": 1, "last_page": last_page, "links": [], "path": "/api/v1/customers", "per_page": PER_PAGE, "to": 0, "total": TOTAL},
        })),
    )
}

async fn mock() -> support::Mock {
    support::serve(Router::new().route("/api/v1/customers", get(list))).await
}

fn client(mock: &support::Mock, token: &str) -> custkit::tourwell::Client {
    custkit::tourwell::Client::builder()
        .base_url(mock.url())
        .bearer_token(token)
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn every_record_of_every_page_arrives_once() {
    let mock = mock().await;
    let customers: Vec<custkit::Customer> = client(&mock, TOKEN)
        .list_customers()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(customers.len(), TOTAL);
    let ids: BTreeSet<String> = customers
        .iter()
        .map(|customer| customer.remote_id.to_string())
        .collect();
    assert_eq!(ids.len(), TOTAL, "no record twice");
    let expected: BTreeSet<String> = (0..TOTAL).map(|n| (10_000 + n).to_string()).collect();
    assert_eq!(ids, expected);
    // Order is kept even though pages 2..=3 are fetched concurrently.
    let order: Vec<&str> = customers
        .iter()
        .map(|customer| customer.remote_id.as_str())
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    let mut pages: Vec<String> = mock
        .requests()
        .iter()
        .filter_map(|seen| seen.param("page"))
        .collect();
    pages.sort();
    assert_eq!(pages, ["1", "2", "3"]);
}

#[tokio::test]
async fn all_seven_filters_arrive_encoded() {
    let mock = mock().await;
    let request = client(&mock, TOKEN)
        .list_customers()
        .name("Cẩm Lệ")
        .code("KH75")
        .email("example@email.com")
        .sale_email("kd2@upwell.vn ")
        .sub_group("personal")
        .has_account("already")
        .agent_level_id(1);
    let customers: Vec<custkit::Customer> = request.stream().try_collect().await.unwrap();
    assert_eq!(customers.len(), TOTAL);
    let first = &mock.requests()[0];
    assert!(
        first.uri.contains("name=C%E1%BA%A9m+L%E1%BB%87"),
        "diacritics and spaces are percent-encoded: {}",
        first.uri
    );
    assert!(
        first.uri.contains("sale_email=kd2%40upwell.vn+"),
        "{}",
        first.uri
    );
    let sent: HashMap<String, String> = first.query().into_iter().collect();
    for (name, value) in [
        ("name", "Cẩm Lệ"),
        ("code", "KH75"),
        ("email", "example@email.com"),
        ("sale_email", "kd2@upwell.vn "),
        ("sub_group", "personal"),
        ("has_account", "already"),
        ("agent_level_id", "1"),
        ("page", "1"),
    ] {
        assert_eq!(sent.get(name).map(String::as_str), Some(value), "{name}");
    }
    // Every page repeats the filters.
    assert!(mock
        .requests()
        .iter()
        .all(|seen| seen.param("name").as_deref() == Some("Cẩm Lệ")));
}

#[tokio::test]
async fn a_wrong_token_is_a_clear_error_without_the_token() {
    let mock = mock().await;
    let wrong = "wrong-token-abcdef";
    let error = client(&mock, wrong)
        .list_customers()
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, custkit::Error::Status { status: 401, .. }),
        "{error:?}"
    );
    assert!(
        message.contains("tourwell list_customers: HTTP 401"),
        "{message}"
    );
    assert!(message.contains("Unauthenticated."), "{message}");
    assert!(!message.contains(wrong) && !format!("{error:?}").contains(wrong));
}

#[tokio::test]
async fn a_missing_token_fails_before_any_request() {
    let error = custkit::tourwell::Client::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap_err();
    assert!(
        error.to_string().contains("missing credential `token`"),
        "{error}"
    );
}

#[tokio::test]
async fn a_parameter_out_of_range_fails_before_any_request() {
    let mock = mock().await;
    let error = client(&mock, TOKEN)
        .list_customers()
        .agent_level_id(0)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "tourwell list_customers: parameter `agent_level_id` must be at least 1; no request was sent"
    );
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn raw_records_are_typed() {
    let mock = mock().await;
    let raw: Vec<custkit::tourwell::Customer> = client(&mock, TOKEN)
        .list_customers()
        .raw_stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(raw.len(), TOTAL);
    assert_eq!(raw[0].id, 10_000);
    assert!(raw[0].creator.is_none(), "`creator: []` decodes as None");
    assert_eq!(raw[2].creator.as_ref().map(|creator| creator.id), Some(1));
    assert_eq!(
        format!("{:?}", raw[0]),
        "Customer { .. }",
        "Debug prints no personal data"
    );
}

#[tokio::test]
async fn plain_http_is_refused_off_loopback() {
    let error = custkit::tourwell::Client::builder()
        .base_url("http://example.com")
        .bearer_token(TOKEN)
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("must use https"), "{error}");
}

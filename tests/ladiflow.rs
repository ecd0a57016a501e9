//! LadiFlow end to end: the generated client against a local mock LadiFlow (static
//! `Api-Key` header, JSON bodies, `{data, message, code}` envelope, body paging).

mod support;

use axum::http::HeaderMap;
use axum::routing::post;
use axum::Router;
use custkit::ladiflow::{ListCustomersSortUpdatedAt, Lookup};
use futures::TryStreamExt;
use serde_json::{json, Value};

const API_KEY: &str = "Lf-Key.With/Odd=Chars";
const TOTAL: usize = 23;

fn example_customer() -> Value {
    let example: Value =
        serde_json::from_str(custkit::ladiflow::PROVIDER.examples[0].body).expect("example JSON");
    example["data"]["customer"].clone()
}

fn unauthorized(headers: &HeaderMap) -> Option<axum::Json<Value>> {
    (headers.get("api-key").and_then(|v| v.to_str().ok()) != Some(API_KEY))
        .then(|| axum::Json(json!({"data": null, "message": "Api-Key không hợp lệ", "code": 401})))
}

async fn show(headers: HeaderMap, axum::Json(body): axum::Json<Value>) -> axum::Json<Value> {
    if let Some(denied) = unauthorized(&headers) {
        return denied;
    }
    if body.get("phone") == Some(&json!("0000000000")) {
        // LadiFlow answers HTTP 200 with its own code.
        return axum::Json(
            json!({"data": null, "message": "Không tìm thấy khách hàng", "code": 404}),
        );
    }
    axum::Json(
        json!({"data": {"customer": example_customer()}, "message": "Thành công", "code": 200}),
    )
}

async fn list(headers: HeaderMap, axum::Json(body): axum::Json<Value>) -> axum::Json<Value> {
    if let Some(denied) = unauthorized(&headers) {
        return denied;
    }
    let page = body["page"].as_u64().unwrap_or(1) as usize;
    let limit = body["limit"].as_u64().unwrap_or(10) as usize;
    let items: Vec<Value> = (0..TOTAL)
        .skip((page - 1) * limit)
        .take(limit)
        .map(|n| {
            let mut customer = example_customer();
            customer["_id"] = json!(format!("c{n:03}"));
            customer
        })
        .collect();
    axum::Json(
        json!({"data": {"total": TOTAL, "limit": limit, "items": items}, "message": "Thành công", "code": 200}),
    )
}

async fn mock() -> support::Mock {
    support::serve(
        Router::new()
            .route("/1.0/customer/show", post(show))
            .route("/1.0/customer/list", post(list)),
    )
    .await
}

fn client(mock: &support::Mock) -> custkit::ladiflow::Client {
    custkit::ladiflow::Client::builder()
        .base_url(mock.url())
        .api_key(API_KEY)
        .build()
        .expect("client builds")
}

fn body(seen: &support::Seen) -> Value {
    serde_json::from_str(&seen.body).expect("a JSON body")
}

#[tokio::test]
async fn show_customer_sends_the_lookup_as_a_json_body_with_the_key_as_given() {
    let mock = mock().await;
    let customers: Vec<custkit::Customer> = client(&mock)
        .show_customer(Lookup::phone("0363042200"))
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(customers.len(), 1);
    assert_eq!(customers[0].remote_id, "662c801d7fd0573d9b2f23a8");
    let seen = &mock.requests()[0];
    assert_eq!(
        seen.header("api-key"),
        Some(API_KEY),
        "sent exactly, no scheme prefix"
    );
    assert_eq!(seen.header("authorization"), None);
    assert_eq!(seen.header("content-type"), Some("application/json"));
    assert_eq!(body(seen), json!({"phone": "0363042200"}));
}

#[tokio::test]
async fn a_lookup_can_give_more_than_one_key() {
    let mock = mock().await;
    client(&mock)
        .show_customer(Lookup::customer_id("662c801d7fd0573d9b2f23a8"))
        .email("0363042200.ladiflow@ladimail.com")
        .phone("0363042200")
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(
        body(&mock.requests()[0]),
        json!({
            "customer_id": "662c801d7fd0573d9b2f23a8",
            "email": "0363042200.ladiflow@ladimail.com",
            "phone": "0363042200"
        })
    );
    assert_eq!(
        format!("{:?}", Lookup::phone("0363042200")),
        "Lookup(\"phone\")",
        "Debug hides the value"
    );
}

#[tokio::test]
async fn a_body_code_other_than_200_is_an_error_under_http_200() {
    let mock = mock().await;
    let error = client(&mock)
        .show_customer(Lookup::phone("0000000000"))
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "ladiflow show_customer: page 1: the provider reported a failure: `code` is 404, not 200: Không tìm thấy khách hàng"
    );
    let wrong_key = custkit::ladiflow::Client::builder()
        .base_url(mock.url())
        .api_key("wrong-key-123")
        .build()
        .unwrap()
        .show_customer(Lookup::email("a@b.c"))
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(
        matches!(wrong_key, custkit::Error::Rejected { .. }),
        "{wrong_key:?}"
    );
    assert!(!format!("{wrong_key} {wrong_key:?}").contains("wrong-key-123"));
}

#[tokio::test]
async fn the_list_pages_in_the_body_to_the_last_page_with_filters_nested() {
    let mock = mock().await;
    let customers: Vec<custkit::Customer> = client(&mock)
        .list_customers()
        .name("Dũng")
        .tags(["65b35536a145a5001292ac32", "662235cb9b219f00123b6289"])
        .sort_updated_at(ListCustomersSortUpdatedAt::Desc)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<String> = customers.iter().map(|c| c.remote_id.to_string()).collect();
    let expected: Vec<String> = (0..TOTAL).map(|n| format!("c{n:03}")).collect();
    assert_eq!(ids, expected, "every record once, in order");
    let mut bodies: Vec<Value> = mock.requests().iter().map(body).collect();
    bodies.sort_by_key(|body| body["page"].as_u64());
    assert_eq!(
        bodies.len(),
        3,
        "23 records at 10 a page: pages 1 to 3, no more"
    );
    for (index, sent) in bodies.iter().enumerate() {
        assert_eq!(
            sent,
            &json!({
                "search": {"name": "Dũng"},
                "tags": ["65b35536a145a5001292ac32", "662235cb9b219f00123b6289"],
                "sort": {"updated_at": "DESC"},
                "page": index + 1,
                "limit": 10
            })
        );
    }
}

#[tokio::test]
async fn a_chosen_page_size_is_checked_and_sent() {
    let mock = mock().await;
    let customers: Vec<custkit::Customer> = client(&mock)
        .list_customers()
        .limit(20)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(customers.len(), TOTAL);
    assert_eq!(mock.requests().len(), 2);
    let error = client(&mock)
        .list_customers()
        .limit(0)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "ladiflow list_customers: parameter `limit` must be between 1 and 100; no request was sent"
    );
    assert_eq!(mock.requests().len(), 2);
}

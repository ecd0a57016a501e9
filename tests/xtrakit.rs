//! Xtrakit end to end: the generated client against a local mock Xtrakit (bearer API key,
//! `{status, message, data.customers}` envelope, no paging).

mod support;

use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use custkit::chrono::{NaiveDate, NaiveTime};
use futures::TryStreamExt;
use serde_json::{json, Value};
use std::collections::HashMap;

const API_KEY: &str = "xk-live-key-5f3a9c";

fn example_customer() -> Value {
    let example: Value =
        serde_json::from_str(custkit::xtrakit::PROVIDER.examples[0].body).expect("example JSON");
    example["data"]["customers"].clone()
}

/// Serves `customers` as an array when `list` is set, the sample's single object otherwise;
/// `?customer_group_id=404` answers HTTP 200 with `status: 404`, as the envelope allows.
async fn list(
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> impl IntoResponse {
    if headers.get("authorization").and_then(|v| v.to_str().ok())
        != Some(&format!("Bearer {API_KEY}"))
    {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"status": 401, "message": "Unauthenticated"})),
        );
    }
    if query.get("customer_group_id").map(String::as_str) == Some("404") {
        return (
            StatusCode::OK,
            axum::Json(
                json!({"status": 404, "message": "No customers in this group", "data": null}),
            ),
        );
    }
    let customers = if query.contains_key("created_at") {
        let mut second = example_customer();
        second["id"] = json!(2);
        second["customer_name"] = json!("John Mensah");
        json!([example_customer(), second])
    } else {
        example_customer()
    };
    (
        StatusCode::OK,
        axum::Json(
            json!({"status": 200, "message": "Customers found", "data": {"customers": customers}}),
        ),
    )
}

async fn mock() -> support::Mock {
    support::serve(Router::new().route("/api/v1/customers", get(list))).await
}

fn client(mock: &support::Mock) -> custkit::xtrakit::Client {
    custkit::xtrakit::Client::builder()
        .base_url(mock.url())
        .bearer_token(API_KEY)
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn a_single_customer_object_is_one_record() {
    let mock = mock().await;
    let customers: Vec<custkit::Customer> = client(&mock)
        .list_customers()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(customers.len(), 1);
    assert_eq!(customers[0].remote_id, "1");
    assert_eq!(mock.requests().len(), 1, "no paging: one request");
}

#[tokio::test]
async fn date_filters_are_typed_and_sent_in_the_documented_formats() {
    let mock = mock().await;
    let created = NaiveDate::from_ymd_opt(2024, 8, 1)
        .unwrap()
        .and_time(NaiveTime::from_hms_opt(7, 5, 9).unwrap());
    let customers: Vec<custkit::Customer> = client(&mock)
        .list_customers()
        .customer_group_id(1)
        .created_at(created)
        .updated_at(NaiveDate::from_ymd_opt(2024, 8, 31).unwrap())
        .stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = customers.iter().map(|c| c.remote_id.as_str()).collect();
    assert_eq!(ids, ["1", "2"], "an array of customers, in order");
    let seen = &mock.requests()[0];
    assert!(seen.uri.starts_with("/api/v1/customers?"), "{}", seen.uri);
    assert_eq!(seen.param("customer_group_id").as_deref(), Some("1"));
    assert_eq!(
        seen.param("created_at").as_deref(),
        Some("2024-08-01 07:05:09")
    );
    assert_eq!(seen.param("updated_at").as_deref(), Some("2024-08-31"));
    assert_eq!(
        seen.header("authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
}

#[tokio::test]
async fn a_failure_status_in_the_body_is_an_error_under_http_200() {
    let mock = mock().await;
    let error = client(&mock)
        .list_customers()
        .customer_group_id(404)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(
        matches!(error, custkit::Error::Rejected { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "xtrakit list_customers: page 1: the provider reported a failure: `status` is 404, not 200: No customers in this group"
    );
}

#[tokio::test]
async fn naive_timestamps_use_the_spec_zone() {
    let mock = mock().await;
    let customer = client(&mock)
        .list_customers()
        .stream()
        .try_next()
        .await
        .unwrap()
        .expect("one customer");
    // Africa/Accra is UTC+0 all year: wall-clock 08:23:45 is 08:23:45Z.
    assert_eq!(
        customer.created_at.map(|at| at.to_rfc3339()),
        Some("2024-08-04T08:23:45+00:00".to_string())
    );
}

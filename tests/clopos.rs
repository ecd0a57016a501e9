//! Clopos end to end: the generated client against a local mock Clopos with a JSON token
//! exchange (token sent as `x-token`), page/limit paging with a total, filters in array
//! notation, and `success: false` under HTTP 200.

mod support;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use custkit::clopos::{ListCustomersSortBy, ListCustomersSortDirection, ListCustomersWith};
use futures::TryStreamExt;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

const SECRET: &str = "clopos-secret-5d4c";
const TOTAL: usize = 23;

#[derive(Default)]
struct Clopos {
    issued: Mutex<HashSet<String>>,
    auth_bodies: Mutex<Vec<Value>>,
    expires_in: Mutex<u64>,
    /// The next customers request is answered 401 (the token was revoked).
    reject_next: Mutex<bool>,
}

type Shared = Arc<Clopos>;

async fn auth(
    State(clopos): State<Shared>,
    axum::Json(body): axum::Json<Value>,
) -> impl IntoResponse {
    clopos.auth_bodies.lock().unwrap().push(body.clone());
    if body["client_secret"] != SECRET {
        return axum::Json(json!({"success": false, "message": "Invalid credentials"}));
    }
    let mut issued = clopos.issued.lock().unwrap();
    let token = format!("jwt.{}", issued.len());
    issued.insert(token.clone());
    let expires_in = *clopos.expires_in.lock().unwrap();
    axum::Json(
        json!({"success": true, "token": token, "expires_in": expires_in, "expires_at": "2030-01-01T00:00:00Z"}),
    )
}

async fn customers(
    State(clopos): State<Shared>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> impl IntoResponse {
    let token = headers
        .get("x-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let rejected = std::mem::take(&mut *clopos.reject_next.lock().unwrap());
    if rejected || !clopos.issued.lock().unwrap().contains(token) {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"success": false, "message": "Unauthorized"})),
        );
    }
    let query: HashMap<String, String> =
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    if query.get("filters[0][1]").map(String::as_str) == Some("nobody") {
        return (
            StatusCode::OK,
            axum::Json(json!({"success": false, "message": "Filter value rejected"})),
        );
    }
    let page: usize = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let limit: usize = query
        .get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(50);
    let example: Value = serde_json::from_str(custkit::clopos::PROVIDER.examples[0].body).unwrap();
    let data: Vec<Value> = (0..TOTAL)
        .skip((page - 1) * limit)
        .take(limit)
        .map(|n| {
            let mut record = example["data"][n % 2].clone();
            record["id"] = json!(1000 + n);
            record
        })
        .collect();
    (
        StatusCode::OK,
        axum::Json(json!({"success": true, "data": data, "total": TOTAL})),
    )
}

async fn mock(expires_in: u64) -> (support::Mock, Shared) {
    let clopos: Shared = Arc::default();
    *clopos.expires_in.lock().unwrap() = expires_in;
    let router = Router::new()
        .route("/open-api/v2/auth", post(auth))
        .route("/open-api/v2/customers", get(customers))
        .with_state(clopos.clone());
    (support::serve(router).await, clopos)
}

fn client(mock: &support::Mock, secret: &str) -> custkit::clopos::Client {
    custkit::clopos::Client::builder()
        .base_url(mock.url())
        .client_id("integrator-client")
        .client_secret(secret)
        .brand("demo-brand")
        .integrator_id("42")
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn the_token_is_exchanged_once_and_sent_as_x_token_on_every_page() {
    let (mock, clopos) = mock(3600).await;
    let customers: Vec<custkit::Customer> = client(&mock, SECRET)
        .list_customers()
        .venue("3")
        .limit(10)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<String> = customers.iter().map(|c| c.remote_id.to_string()).collect();
    let expected: Vec<String> = (0..TOTAL).map(|n| (1000 + n).to_string()).collect();
    assert_eq!(
        ids, expected,
        "every record once, in order, pages 2-3 fetched concurrently"
    );
    let mut pages: Vec<String> = mock
        .requests_to("/open-api/v2/customers")
        .iter()
        .filter_map(|s| s.param("page"))
        .collect();
    pages.sort();
    assert_eq!(
        pages,
        ["1", "2", "3"],
        "the total (23) at 10 a page gives the last page"
    );
    assert_eq!(
        clopos.auth_bodies.lock().unwrap().clone(),
        [
            json!({"client_id": "integrator-client", "client_secret": SECRET, "brand": "demo-brand", "integrator_id": "42"})
        ]
    );
    let auth_request = mock
        .requests()
        .into_iter()
        .find(|s| s.uri == "/open-api/v2/auth")
        .unwrap();
    assert_eq!(
        auth_request.header("content-type"),
        Some("application/json")
    );
    for seen in mock.requests_to("/open-api/v2/customers") {
        assert_eq!(seen.header("x-token"), Some("jwt.0"));
        assert_eq!(seen.header("x-venue"), Some("3"));
        assert_eq!(
            seen.header("authorization"),
            None,
            "the token is not a bearer token"
        );
        assert_eq!(seen.param("limit").as_deref(), Some("10"));
    }
}

#[tokio::test]
async fn filters_sort_and_includes_are_encoded_as_documented() {
    let (mock, _) = mock(3600).await;
    client(&mock, SECRET)
        .list_customers()
        .name("John")
        .phones("15551234567")
        .with([ListCustomersWith::Group])
        .sort_by(ListCustomersSortBy::CreatedAt)
        .sort_direction(ListCustomersSortDirection::Descending)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    let seen = &mock.requests_to("/open-api/v2/customers")[0];
    let query = seen.uri.split_once('?').unwrap().1;
    assert_eq!(
        query,
        "filters%5B0%5D%5B0%5D=name&filters%5B0%5D%5B1%5D=John\
         &filters%5B1%5D%5B0%5D=phones&filters%5B1%5D%5B1%5D=15551234567\
         &with%5B%5D=group&sort%5B0%5D=created_at&sort%5B1%5D=-1&page=1&limit=50"
    );
    let decoded: Vec<(String, String)> = seen.query();
    assert_eq!(
        decoded[0],
        ("filters[0][0]".to_string(), "name".to_string())
    );
    assert_eq!(
        decoded[3],
        ("filters[1][1]".to_string(), "15551234567".to_string())
    );
}

#[tokio::test]
async fn success_false_under_http_200_is_an_error() {
    let (mock, _) = mock(3600).await;
    let error = client(&mock, SECRET)
        .list_customers()
        .name("nobody")
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "clopos list_customers: page 1: the provider reported a failure: `success` is false, not true: Filter value rejected"
    );
}

#[tokio::test]
async fn short_lived_tokens_are_renewed_and_a_revoked_one_replaced_once() {
    let (mock, clopos) = mock(5).await;
    let client = client(&mock, SECRET).clone();
    client
        .list_customers()
        .limit(999)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    client
        .list_customers()
        .limit(999)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(
        clopos.auth_bodies.lock().unwrap().len(),
        2,
        "5 s is inside the refresh margin"
    );

    let (mock, clopos) = self::mock(3600).await;
    let client = self::client(&mock, SECRET);
    client
        .list_customers()
        .limit(999)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    *clopos.reject_next.lock().unwrap() = true;
    let customers: Vec<custkit::Customer> = client
        .list_customers()
        .limit(999)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(customers.len(), TOTAL);
    assert_eq!(
        clopos.auth_bodies.lock().unwrap().len(),
        2,
        "one renewal after the 401"
    );
    let tokens: Vec<Option<String>> = mock
        .requests_to("/open-api/v2/customers")
        .iter()
        .map(|seen| seen.header("x-token").map(str::to_string))
        .collect();
    assert_eq!(
        tokens,
        [
            Some("jwt.0".into()),
            Some("jwt.0".into()),
            Some("jwt.1".into())
        ]
    );
}

#[tokio::test]
async fn a_failed_exchange_is_an_auth_error_without_secrets() {
    let (mock, _) = mock(3600).await;
    let error = client(&mock, "wrong-secret-zz")
        .list_customers()
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(matches!(error, custkit::Error::Auth { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "clopos: authentication failed: the token response has no token at `token`"
    );
    assert!(mock.requests_to("/open-api/v2/customers").is_empty());
}

#[tokio::test]
async fn page_limits_are_checked_before_any_request() {
    let (mock, _) = mock(3600).await;
    for limit in [0, 1000] {
        let error = client(&mock, SECRET)
            .list_customers()
            .limit(limit)
            .stream()
            .try_collect::<Vec<_>>()
            .await
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "clopos list_customers: parameter `limit` must be between 1 and 999; no request was sent"
        );
    }
    assert!(mock.requests().is_empty(), "not even a token request");
}

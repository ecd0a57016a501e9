//! MeeDee POS end to end: the generated client against a local mock Partner API with
//! OAuth2 client credentials (form-encoded token requests, counted), cursor paging and
//! personal data that is absent without the `read:customers:pii` scope.

mod support;

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use futures::TryStreamExt;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

const SECRET: &str = "mdsecret-9f8e7d6c";
const PII_CLIENT: &str = "partner-with-pii";
const PLAIN_CLIENT: &str = "partner-basic";
const TOTAL: usize = 7;
const PII_KEYS: [&str; 9] = [
    "phone",
    "email",
    "date_of_birth",
    "address",
    "city",
    "state",
    "postal_code",
    "country",
    "tax_id",
];

/// The mock's state: issued tokens and their scope, what a token lives, what it rejects.
#[derive(Default)]
struct Partner {
    issued: Mutex<HashMap<String, bool>>,
    token_requests: Mutex<Vec<HashMap<String, String>>>,
    expires_in: Mutex<u64>,
    /// Tokens issued before this many are rejected with 401 invalid_token.
    revoked_before: Mutex<usize>,
    /// Every page answers with the same cursor (a broken provider).
    repeat_cursor: Mutex<bool>,
}

type Shared = Arc<Partner>;

async fn token(
    State(partner): State<Shared>,
    Form(form): Form<HashMap<String, String>>,
) -> impl IntoResponse {
    partner.token_requests.lock().unwrap().push(form.clone());
    let client = form.get("client_id").map(String::as_str);
    let valid = form.get("grant_type").map(String::as_str) == Some("client_credentials")
        && matches!(client, Some(PII_CLIENT | PLAIN_CLIENT))
        && form.get("client_secret").map(String::as_str) == Some(SECRET);
    if !valid {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(
                json!({"error": "invalid_client", "message": "Client authentication failed", "details": []}),
            ),
        );
    }
    let mut issued = partner.issued.lock().unwrap();
    let token = format!("md-access-{}", issued.len());
    issued.insert(token.clone(), client == Some(PII_CLIENT));
    let expires_in = *partner.expires_in.lock().unwrap();
    (
        StatusCode::OK,
        axum::Json(
            json!({"access_token": token, "token_type": "Bearer", "expires_in": expires_in}),
        ),
    )
}

fn record(n: usize, pii: bool) -> Value {
    let example: Value = serde_json::from_str(custkit::meedee::PROVIDER.examples[0].body).unwrap();
    let mut record = example["data"][0].clone();
    record["id"] = json!(format!("00000000-0000-4000-8000-{n:012}"));
    record["customer_code"] = json!(format!("CUS-{n:06}"));
    if !pii {
        let object = record.as_object_mut().unwrap();
        for key in PII_KEYS {
            object.remove(key);
        }
    }
    record
}

async fn customers(
    State(partner): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> impl IntoResponse {
    let token = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_string();
    let scope = {
        let issued = partner.issued.lock().unwrap();
        let number: usize = token
            .trim_start_matches("md-access-")
            .parse()
            .unwrap_or(usize::MAX);
        let revoked = number < *partner.revoked_before.lock().unwrap();
        issued.get(&token).copied().filter(|_| !revoked)
    };
    let Some(pii) = scope else {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(
                json!({"error": "invalid_token", "message": "The access token is invalid or expired", "details": []}),
            ),
        );
    };
    let limit: usize = query
        .get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(50);
    let start: usize = query
        .get("cursor")
        .and_then(|cursor| cursor.strip_prefix("after:"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let end = (start + limit).min(TOTAL);
    let data: Vec<Value> = (start..end).map(|n| record(n, pii)).collect();
    let has_more = end < TOTAL;
    let next = if *partner.repeat_cursor.lock().unwrap() {
        json!("after:1")
    } else if has_more {
        json!(format!("after:{end}"))
    } else {
        Value::Null
    };
    (
        StatusCode::OK,
        axum::Json(
            json!({"data": data, "pagination": {"next_cursor": next, "has_more": has_more || next.is_string(), "limit": limit}}),
        ),
    )
}

async fn mock(expires_in: u64) -> (support::Mock, Shared) {
    let partner: Shared = Arc::default();
    *partner.expires_in.lock().unwrap() = expires_in;
    let router = Router::new()
        .route("/api/partner/v1/oauth/token", post(token))
        .route("/api/partner/v1/customers", get(customers))
        .with_state(partner.clone());
    (support::serve(router).await, partner)
}

fn client(mock: &support::Mock, client_id: &str) -> custkit::meedee::Client {
    custkit::meedee::Client::builder()
        .base_url(mock.url())
        .client_id(client_id)
        .client_secret(SECRET)
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn one_token_serves_every_page_to_the_last_cursor() {
    let (mock, partner) = mock(3600).await;
    let client = client(&mock, PII_CLIENT);
    let customers: Vec<custkit::Customer> = client
        .list_customers()
        .limit(3)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<String> = customers
        .iter()
        .map(|c| c.code.as_deref().unwrap().to_string())
        .collect();
    let expected: Vec<String> = (0..TOTAL).map(|n| format!("CUS-{n:06}")).collect();
    assert_eq!(ids, expected);
    let cursors: Vec<Option<String>> = mock
        .requests_to("/api/partner/v1/customers")
        .iter()
        .map(|seen| seen.param("cursor"))
        .collect();
    assert_eq!(
        cursors,
        [None, Some("after:3".into()), Some("after:6".into())]
    );
    // A second sync reuses the token too.
    let again: Vec<custkit::Customer> = client
        .list_customers()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(again.len(), TOTAL);
    assert_eq!(
        mock.requests_to("/api/partner/v1/customers")[3]
            .param("limit")
            .as_deref(),
        Some("50"),
        "the default page size"
    );
    let token_requests = partner.token_requests.lock().unwrap().clone();
    assert_eq!(token_requests.len(), 1, "a 3600 s token is reused");
    let form = &token_requests[0];
    assert_eq!(
        form.get("grant_type").map(String::as_str),
        Some("client_credentials")
    );
    assert_eq!(form.get("client_id").map(String::as_str), Some(PII_CLIENT));
    assert_eq!(form.get("client_secret").map(String::as_str), Some(SECRET));
    let token_request = mock
        .requests()
        .into_iter()
        .find(|seen| seen.uri.contains("oauth/token"))
        .unwrap();
    assert_eq!(
        token_request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert!(mock
        .requests_to("/api/partner/v1/customers")
        .iter()
        .all(|seen| seen.header("authorization") == Some("Bearer md-access-0")));
}

#[tokio::test]
async fn a_token_about_to_expire_is_replaced_before_use() {
    // A token that lives 1 s is inside the refresh margin as soon as it is issued: every
    // request needs a new one.
    let (mock, partner) = mock(1).await;
    let customers: Vec<custkit::Customer> = client(&mock, PII_CLIENT)
        .list_customers()
        .limit(3)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(customers.len(), TOTAL);
    assert_eq!(
        partner.token_requests.lock().unwrap().len(),
        3,
        "one token per page"
    );
    let tokens: HashSet<String> = mock
        .requests_to("/api/partner/v1/customers")
        .iter()
        .map(|seen| seen.header("authorization").unwrap().to_string())
        .collect();
    assert_eq!(tokens.len(), 3, "each page carried a fresh token");
}

#[tokio::test]
async fn a_rejected_token_is_renewed_once_and_the_request_retried() {
    let (mock, partner) = mock(3600).await;
    let client = client(&mock, PII_CLIENT);
    client
        .list_customers()
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    *partner.revoked_before.lock().unwrap() = 1; // md-access-0 is now invalid_token
    let customers: Vec<custkit::Customer> = client
        .list_customers()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(customers.len(), TOTAL);
    assert_eq!(partner.token_requests.lock().unwrap().len(), 2);
    let statuses: Vec<Option<String>> = mock
        .requests_to("/api/partner/v1/customers")
        .iter()
        .map(|seen| seen.header("authorization").map(str::to_string))
        .collect();
    assert_eq!(
        statuses,
        [
            Some("Bearer md-access-0".to_string()),
            Some("Bearer md-access-0".to_string()),
            Some("Bearer md-access-1".to_string())
        ]
    );

    // A provider that rejects every token: one renewal, then the 401 is the error.
    *partner.revoked_before.lock().unwrap() = usize::MAX;
    let error = client
        .list_customers()
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(
        matches!(error, custkit::Error::Status { status: 401, .. }),
        "{error:?}"
    );
    assert_eq!(
        partner.token_requests.lock().unwrap().len(),
        3,
        "renewed once, not in a loop"
    );
    let text = format!("{error} {error:?}");
    assert!(text.contains("invalid_token"), "{text}");
    assert!(
        !text.contains("md-access") && !text.contains(SECRET),
        "{text}"
    );
}

#[tokio::test]
async fn wrong_credentials_are_an_auth_error_without_the_secret() {
    let (mock, _) = mock(3600).await;
    let error = client(&mock, "nobody")
        .list_customers()
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(matches!(error, custkit::Error::Auth { .. }), "{error:?}");
    let text = format!("{error} {error:?}");
    assert!(
        text.contains("meedee: authentication failed: the token endpoint answered HTTP 401"),
        "{text}"
    );
    assert!(text.contains("invalid_client"), "{text}");
    assert!(!text.contains(SECRET), "{text}");
    assert!(
        mock.requests_to("/api/partner/v1/customers").is_empty(),
        "no customer request without a token"
    );
    let missing = custkit::meedee::Client::builder()
        .base_url(mock.url())
        .client_id(PII_CLIENT)
        .build()
        .unwrap_err();
    assert!(
        missing
            .to_string()
            .contains("missing credential `client_secret`"),
        "{missing}"
    );
}

#[tokio::test]
async fn personal_data_is_withheld_without_the_scope_and_known_with_it() {
    let (mock, _) = mock(3600).await;
    let with: Vec<custkit::Customer> = client(&mock, PII_CLIENT)
        .list_customers()
        .stream()
        .try_collect()
        .await
        .unwrap();
    let without: Vec<custkit::Customer> = client(&mock, PLAIN_CLIENT)
        .list_customers()
        .stream()
        .try_collect()
        .await
        .unwrap();
    let (with, without) = (&with[0], &without[0]);

    assert_eq!(
        with.phones.known().map(|phones| phones[0].e164.clone()),
        Some(Some("+66812345678".into()))
    );
    assert_eq!(
        with.emails,
        custkit::Pii::Known(vec![]),
        "`email: null` is known to be empty"
    );
    assert_eq!(with.birth_date, custkit::Pii::Known(None));
    assert_eq!(
        with.addresses.known().map(|a| a[0].country.clone()),
        Some(Some("Thailand".into()))
    );

    assert!(without.phones.is_withheld());
    assert!(without.emails.is_withheld(), "withheld, not empty");
    assert!(without.birth_date.is_withheld());
    assert!(without.addresses.is_withheld());
    assert!(without.national_ids.is_withheld());
    assert_eq!(
        without.full_name.as_deref(),
        Some("สมชาย ใจดี"),
        "the rest is there"
    );
    let json = serde_json::to_value(without).unwrap();
    assert_eq!(json["phones"], json!({"withheld": true}));
    assert_eq!(json["birth_date"], json!({"withheld": true}));

    let raw: Vec<custkit::meedee::Customer> = client(&mock, PLAIN_CLIENT)
        .list_customers()
        .raw_stream()
        .try_collect()
        .await
        .unwrap();
    assert!(raw[0].tax_id.is_withheld());
    assert!(raw[0].phone.is_withheld());
}

#[tokio::test]
async fn filters_are_sent_as_documented_and_checked_first() {
    let (mock, _) = mock(3600).await;
    let client = client(&mock, PII_CLIENT);
    client
        .list_customers()
        .is_active(true)
        .membership_tier_id("5c19101c-d9e5-4fb0-9f85-7daf1f0c3f91")
        .q("สมชาย")
        .limit(200)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    let seen = &mock.requests_to("/api/partner/v1/customers")[0];
    assert_eq!(seen.param("is_active").as_deref(), Some("true"));
    assert_eq!(
        seen.param("membership_tier_id").as_deref(),
        Some("5c19101c-d9e5-4fb0-9f85-7daf1f0c3f91")
    );
    assert_eq!(seen.param("q").as_deref(), Some("สมชาย"));
    assert_eq!(seen.param("limit").as_deref(), Some("200"));
    assert_eq!(seen.param("cursor"), None);

    let sent = mock.requests().len();
    for (request, message) in [
        (
            client.list_customers().q(""),
            "parameter `q` must have between 1 and 255 characters",
        ),
        (
            client.list_customers().q("ก".repeat(256)),
            "parameter `q` must have between 1 and 255 characters",
        ),
        (
            client.list_customers().limit(201),
            "parameter `limit` must be between 1 and 200",
        ),
    ] {
        let error = request.stream().try_collect::<Vec<_>>().await.unwrap_err();
        assert!(error.to_string().contains(message), "{error}");
    }
    assert_eq!(mock.requests().len(), sent, "no request for a broken rule");
}

#[tokio::test]
async fn a_repeated_cursor_stops_with_an_error() {
    let (mock, partner) = mock(3600).await;
    *partner.repeat_cursor.lock().unwrap() = true;
    let mut stream = client(&mock, PII_CLIENT).list_customers().limit(2).stream();
    let mut records = 0;
    let error = loop {
        match stream.try_next().await {
            Ok(Some(_)) => records += 1,
            Ok(None) => panic!("the stream ended without noticing the loop"),
            Err(error) => break error,
        }
    };
    assert_eq!(records, 4, "two pages were read before the cursor repeated");
    assert!(
        error.to_string().contains("a cursor it had already sent"),
        "{error}"
    );
    assert_eq!(mock.requests_to("/api/partner/v1/customers").len(), 2);
}

#[tokio::test]
async fn a_resumed_stream_follows_the_cursors_again_but_yields_only_later_pages() {
    let (mock, _partner) = mock(3600).await;
    let config = custkit::ClientConfig::new()
        .base_url(mock.url())
        .credential("client_id", PII_CLIENT)
        .credential("client_secret", SECRET);
    let executor = std::sync::Arc::new(
        custkit::runtime::Executor::new(&custkit::meedee::PROVIDER, config).unwrap(),
    );
    let mut params = custkit::runtime::http::Params::new();
    params
        .set_text(custkit::meedee::PROVIDER.sync_endpoint, "limit", "3")
        .unwrap();
    // Pages of 3: page 1 is 0..3, page 2 is 3..6, page 3 is 6..7. Two pages were delivered.
    let resumed: Vec<(custkit::runtime::record::RecordPosition, custkit::Customer)> =
        custkit::runtime::paging::customers_after(
            executor,
            custkit::meedee::PROVIDER.sync_endpoint,
            params,
            2,
        )
        .try_collect()
        .await
        .unwrap();
    let codes: Vec<(u64, String)> = resumed
        .iter()
        .map(|(position, customer)| (position.page, customer.code.as_deref().unwrap().to_string()))
        .collect();
    assert_eq!(codes, [(3, "CUS-000006".to_string())]);
    assert_eq!(
        mock.requests_to("/api/partner/v1/customers").len(),
        3,
        "the way to page 3 runs through pages 1 and 2"
    );
}

//! Credentials under faults, against local mock providers on 127.0.0.1: next-page links
//! and redirects that point to another origin never receive the key (a second mock on
//! another port stands for the foreign host and must see no request); a link that loops
//! is stopped; a flaky token endpoint is retried like any request, and a token renewed
//! after a 401 survives a 5xx on the retried request. Every test asserts the exact
//! records delivered and the requests each server saw.

mod support;

use support::drain;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use custkit::{Customer, Error};
use custkit_ui_fixtures::linked;
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

const KEY: &str = "lk-key-5d1e9a7c3b";
const TOTAL: usize = 5;
const PER_PAGE: usize = 2;

fn ids(customers: &[Customer]) -> Vec<String> {
    customers.iter().map(|c| c.remote_id.to_string()).collect()
}

fn expected(ids: impl IntoIterator<Item = usize>) -> Vec<String> {
    ids.into_iter().map(|id| id.to_string()).collect()
}

// ---------------------------------------------------------------------------------------
// Next-page links and redirects

/// The linked provider's own base URL and the foreign host's.
struct Urls {
    own: String,
    foreign: String,
}

/// The link to the page after `page` (`None`: no next page).
type LinkFor = dyn Fn(usize, &Urls) -> Option<String> + Send + Sync;
/// Where to redirect a request with this query instead of answering it (`None`: answer).
type RedirectFor = dyn Fn(&HashMap<String, String>, &Urls) -> Option<String> + Send + Sync;

struct Linked {
    link: Box<LinkFor>,
    redirect: Box<RedirectFor>,
    urls: OnceLock<Urls>,
}

async fn linked_page(
    State(linked): State<Arc<Linked>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let urls = linked.urls.get().expect("set at start");
    if let Some(target) = (linked.redirect)(&query, urls) {
        return (StatusCode::FOUND, [(header::LOCATION, target)]).into_response();
    }
    let page: usize = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let per_page: usize = query
        .get("per_page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(PER_PAGE);
    let first = (page - 1) * per_page + 1;
    let data: Vec<Value> = (first..first + per_page)
        .filter(|id| *id <= TOTAL)
        .map(|id| json!({"id": id, "email": format!("person{id}@example.com")}))
        .collect();
    let next = if first + per_page > TOTAL {
        None
    } else {
        (linked.link)(page, urls)
    };
    axum::Json(json!({"data": data, "links": {"next": next}})).into_response()
}

/// The linked provider on one 127.0.0.1 port, and a foreign host on another that
/// answers anything with an empty page.
async fn linked_mock(
    link: impl Fn(usize, &Urls) -> Option<String> + Send + Sync + 'static,
    redirect: impl Fn(&HashMap<String, String>, &Urls) -> Option<String> + Send + Sync + 'static,
) -> (support::Mock, support::Mock) {
    let foreign = support::serve(
        Router::new().fallback(|| async { axum::Json(json!({"data": [], "links": {}})) }),
    )
    .await;
    let linked = Arc::new(Linked {
        link: Box::new(link),
        redirect: Box::new(redirect),
        urls: OnceLock::new(),
    });
    let mock = support::serve(
        Router::new()
            .route("/api/customers", get(linked_page))
            .with_state(linked.clone()),
    )
    .await;
    let _ = linked.urls.set(Urls {
        own: mock.url(),
        foreign: foreign.url(),
    });
    (mock, foreign)
}

fn no_redirect(_: &HashMap<String, String>, _: &Urls) -> Option<String> {
    None
}

fn linked_client(mock: &support::Mock) -> linked::Client {
    linked::Client::builder()
        .base_url(format!("{}/api", mock.url()))
        .api_key(KEY)
        .configure(|config| config.retry_backoff(Duration::from_millis(2), Duration::from_secs(1)))
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn relative_and_absolute_next_links_are_followed_as_given() {
    let (mock, foreign) = linked_mock(
        |page, urls| {
            let next = page + 1;
            Some(if page == 1 {
                format!("?page={next}&per_page=2&email=a%40b.c")
            } else {
                format!(
                    "{}/api/customers?page={next}&per_page=2&email=a%40b.c",
                    urls.own
                )
            })
        },
        no_redirect,
    )
    .await;
    let client = linked_client(&mock);
    let (customers, error) = drain(client.list_customers().email("a@b.c").stream()).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(ids(&customers), expected(1..=TOTAL));
    let seen = mock.requests();
    let uris: Vec<&str> = seen.iter().map(|s| s.uri.as_str()).collect();
    assert_eq!(
        uris,
        [
            "/api/customers?email=a%40b.c&per_page=2",
            "/api/customers?page=2&per_page=2&email=a%40b.c",
            "/api/customers?page=3&per_page=2&email=a%40b.c",
        ],
        "the first request carries the filter and page size; links are requested as given"
    );
    assert!(seen.iter().all(|s| s.header("x-api-key") == Some(KEY)));
    assert!(foreign.requests().is_empty());
}

#[tokio::test]
async fn a_next_link_to_another_origin_is_refused_before_any_request_goes_there() {
    let (mock, foreign) = linked_mock(
        |page, urls| {
            Some(if page == 1 {
                format!("{}/api/customers?page=2", urls.own)
            } else {
                format!("{}/api/customers?page=3&api_key=steal", urls.foreign)
            })
        },
        no_redirect,
    )
    .await;
    let client = linked_client(&mock);
    let (customers, error) = drain(client.list_customers().stream()).await;
    assert_eq!(
        ids(&customers),
        expected(1..=4),
        "the pages before the link"
    );
    let error = error.expect("the foreign link ends the stream");
    let Error::Paging { page, reason, .. } = &error else {
        panic!("expected a paging error, got {error:?}");
    };
    assert_eq!(*page, 2);
    assert!(reason.contains("refused"), "{reason}");
    let text = error.to_string();
    assert!(
        !text.contains("steal"),
        "the link's query is not quoted: {text}"
    );
    assert!(!text.contains(KEY));
    assert_eq!(mock.requests().len(), 2);
    assert!(
        foreign.requests().is_empty(),
        "the foreign host saw nothing"
    );
}

#[tokio::test]
async fn a_next_link_that_loops_is_stopped() {
    let (mock, _foreign) = linked_mock(
        |page, urls| {
            Some(match page {
                1 => format!("{}/api/customers?page=2", urls.own),
                _ => "/api/customers?page=2".to_string(),
            })
        },
        no_redirect,
    )
    .await;
    let client = linked_client(&mock);
    let (customers, error) = drain(client.list_customers().stream()).await;
    assert_eq!(ids(&customers), expected(1..=4));
    let error = error.expect("the loop ends the stream");
    assert!(
        matches!(&error, Error::Paging { page: 2, reason, .. } if reason.contains("next-page link it had already sent")),
        "{error}"
    );
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed() {
    let (mock, foreign) = linked_mock(
        |page, _| Some(format!("?page={}", page + 1)),
        |query, urls| {
            (query.get("page").map(String::as_str) == Some("2"))
                .then(|| format!("{}/collect?page=2", urls.foreign))
        },
    )
    .await;
    let client = linked_client(&mock);
    let (customers, error) = drain(client.list_customers().stream()).await;
    assert_eq!(ids(&customers), expected(1..=2), "page 1 only");
    let error = error.expect("the redirect ends the stream");
    assert!(
        matches!(&error, Error::Status { status: 302, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("not followed"), "{error}");
    assert!(
        foreign.requests().is_empty(),
        "the key never left for the foreign host"
    );
    assert_eq!(mock.requests().len(), 2, "a 302 is not retried");
}

#[tokio::test]
async fn a_redirect_on_the_same_origin_is_followed() {
    let (mock, foreign) = linked_mock(
        |page, _| Some(format!("?page={}", page + 1)),
        |query, urls| {
            (query.get("page").map(String::as_str) == Some("2") && !query.contains_key("moved"))
                .then(|| format!("{}/api/customers?page=2&moved=1", urls.own))
        },
    )
    .await;
    let client = linked_client(&mock);
    let (customers, error) = drain(client.list_customers().stream()).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(ids(&customers), expected(1..=TOTAL));
    let seen = mock.requests();
    let uris: Vec<&str> = seen.iter().map(|s| s.uri.as_str()).collect();
    assert_eq!(
        uris,
        [
            "/api/customers?per_page=2",
            "/api/customers?page=2",
            "/api/customers?page=2&moved=1",
            "/api/customers?page=3",
        ]
    );
    assert!(seen.iter().all(|s| s.header("x-api-key") == Some(KEY)));
    assert!(foreign.requests().is_empty());
}

// ---------------------------------------------------------------------------------------
// Tokens

const CLIENT_ID: &str = "partner-flaky";
const SECRET: &str = "mdsecret-1a2b3c4d";

/// A token endpoint and a customer endpoint answering from scripts (front first; an
/// empty script answers normally).
#[derive(Default)]
struct Flaky {
    token_replies: Mutex<VecDeque<StatusCode>>,
    customer_replies: Mutex<VecDeque<StatusCode>>,
    issued: Mutex<Vec<String>>,
}

async fn flaky_token(State(flaky): State<Arc<Flaky>>) -> Response {
    if let Some(status) = flaky.token_replies.lock().unwrap().pop_front() {
        let mut headers = HeaderMap::new();
        headers.insert(header::RETRY_AFTER, "0".parse().unwrap());
        return (
            status,
            headers,
            axum::Json(json!({"error": "server_error"})),
        )
            .into_response();
    }
    let mut issued = flaky.issued.lock().unwrap();
    let token = format!("md-flaky-{}", issued.len());
    issued.push(token.clone());
    axum::Json(json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600}))
        .into_response()
}

async fn flaky_customers(State(flaky): State<Arc<Flaky>>, headers: HeaderMap) -> Response {
    if let Some(status) = flaky.customer_replies.lock().unwrap().pop_front() {
        return (status, axum::Json(json!({"error": "scripted"}))).into_response();
    }
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !flaky.issued.lock().unwrap().iter().any(|t| t == token) {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"error": "invalid_token"})),
        )
            .into_response();
    }
    let data: Vec<Value> = (1..=3)
        .map(|n| json!({"id": format!("00000000-0000-4000-8000-00000000000{n}")}))
        .collect();
    axum::Json(json!({"data": data, "pagination": {"next_cursor": null, "has_more": false}}))
        .into_response()
}

async fn flaky_mock(
    tokens: &[StatusCode],
    customers: &[StatusCode],
) -> (support::Mock, Arc<Flaky>) {
    let flaky = Arc::new(Flaky::default());
    flaky.token_replies.lock().unwrap().extend(tokens);
    flaky.customer_replies.lock().unwrap().extend(customers);
    let router = Router::new()
        .route("/api/partner/v1/oauth/token", post(flaky_token))
        .route("/api/partner/v1/customers", get(flaky_customers))
        .with_state(flaky.clone());
    (support::serve(router).await, flaky)
}

fn meedee_client(mock: &support::Mock) -> custkit::meedee::Client {
    custkit::meedee::Client::builder()
        .base_url(mock.url())
        .client_id(CLIENT_ID)
        .client_secret(SECRET)
        .configure(|config| config.retry_backoff(Duration::from_millis(2), Duration::from_secs(1)))
        .build()
        .expect("client builds")
}

const TOKEN_PATH: &str = "/api/partner/v1/oauth/token";
const CUSTOMERS_PATH: &str = "/api/partner/v1/customers";

#[tokio::test]
async fn a_flaky_token_endpoint_is_retried_like_any_request() {
    let (mock, _) = flaky_mock(
        &[
            StatusCode::SERVICE_UNAVAILABLE,
            StatusCode::TOO_MANY_REQUESTS,
        ],
        &[],
    )
    .await;
    let (customers, error) = drain(meedee_client(&mock).list_customers().stream()).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(customers.len(), 3);
    assert_eq!(
        mock.requests_to(TOKEN_PATH).len(),
        3,
        "503, 429, then a token"
    );
    assert_eq!(mock.requests_to(CUSTOMERS_PATH).len(), 1);
}

#[tokio::test]
async fn refused_credentials_are_not_retried() {
    let (mock, _) = flaky_mock(&[StatusCode::UNAUTHORIZED], &[]).await;
    let (customers, error) = drain(meedee_client(&mock).list_customers().stream()).await;
    assert!(customers.is_empty());
    let error = error.expect("no token");
    assert!(matches!(error, Error::Auth { .. }), "{error:?}");
    assert!(error.to_string().contains("HTTP 401"), "{error}");
    assert!(!error.to_string().contains(SECRET));
    assert_eq!(mock.requests_to(TOKEN_PATH).len(), 1);
    assert!(mock.requests_to(CUSTOMERS_PATH).is_empty());
}

#[tokio::test]
async fn a_token_renewed_after_a_401_survives_a_5xx_on_the_retried_request() {
    // The first token is rejected (401): it is renewed, and the request sent again gets
    // a 503, which the retry loop retries with the renewed token.
    let (mock, flaky) = flaky_mock(
        &[],
        &[StatusCode::UNAUTHORIZED, StatusCode::SERVICE_UNAVAILABLE],
    )
    .await;
    let (customers, error) = drain(meedee_client(&mock).list_customers().stream()).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(customers.len(), 3);
    assert_eq!(mock.requests_to(TOKEN_PATH).len(), 2, "one renewal");
    let sent: Vec<Option<String>> = mock
        .requests_to(CUSTOMERS_PATH)
        .iter()
        .map(|s| s.header("authorization").map(str::to_string))
        .collect();
    let issued = flaky.issued.lock().unwrap().clone();
    assert_eq!(
        sent,
        [
            Some(format!("Bearer {}", issued[0])),
            Some(format!("Bearer {}", issued[1])),
            Some(format!("Bearer {}", issued[1])),
        ],
        "the renewed token is kept for the retry"
    );
}

//! The runtime under faults, against local mock providers on 127.0.0.1: bursts of
//! 429/503, slow responses, connections reset mid-body, bodies that are not JSON,
//! providers that loop, malformed records among good ones, a stream dropped mid-page.
//! Every test asserts the exact records delivered (nothing lost, nothing twice) and the
//! error reported. Backoffs are configured in milliseconds and timing assertions are
//! lower bounds only, so a loaded machine cannot make them fail.

mod support;

use support::drain;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use custkit::{ClientConfig, Customer, Error};
use futures::StreamExt;
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TOKEN: &str = "tw-fault-token-7f3a9c1e5b";
const PER_PAGE: usize = 25;

// ---------------------------------------------------------------------------------------
// Records: distinct personal data per record, so a leak of any of it can be searched for.

fn name(n: usize) -> String {
    format!("Nguyễn Thị Bích {n:03}")
}

fn phone(n: usize) -> String {
    format!("09{:08}", 31_000_000 + n)
}

fn email(n: usize) -> String {
    format!("bich.nguyen{n:03}@khachhang.vn")
}

fn id(n: usize) -> usize {
    10_000 + n
}

/// Record `n`, shaped like Tourwell's documented example; `malformed` breaks its `id`.
fn record(n: usize, malformed: bool) -> Value {
    let example: Value = serde_json::from_str(custkit::tourwell::PROVIDER.examples[0].body)
        .expect("example is JSON");
    let mut record = example["data"][1].clone();
    record["id"] = if malformed {
        json!(format!("id-of-{}", name(n)))
    } else {
        json!(id(n))
    };
    record["code"] = json!(format!("KH{}", id(n)));
    record["name"] = json!(name(n));
    record["phone"]["primary"]["number"] = json!(phone(n));
    record["email"]["primary"] = json!(email(n));
    record
}

fn ids(customers: &[Customer]) -> Vec<String> {
    customers
        .iter()
        .map(|customer| customer.remote_id.to_string())
        .collect()
}

fn expected_ids(range: impl Iterator<Item = usize>) -> Vec<String> {
    range.map(|n| id(n).to_string()).collect()
}

// ---------------------------------------------------------------------------------------
// A scripted mock Tourwell: serves `total` records in pages of 25, applying queued
// faults to a page's requests in order.

#[derive(Clone, Copy, Debug)]
enum Fault {
    /// An error status with a JSON body that echoes the token (servers do).
    Status(u16),
    /// `429` with these headers.
    TooMany(&'static [(&'static str, &'static str)]),
    /// Answers normally after this long.
    Slow(Duration),
    /// `200` with an HTML login page.
    Html,
    /// `200` `text/plain` "OK".
    PlainText,
    /// `200` with no body.
    Empty,
    /// `200` with the page's JSON cut in half.
    TruncatedJson,
    /// Answers normally with these extra headers.
    Headers(&'static [(&'static str, &'static str)]),
    /// `200` with this JSON body instead of the page.
    Body(&'static str),
}

#[derive(Default)]
struct Script {
    total: usize,
    /// `meta.last_page` is sent (pages 2.. are then fetched concurrently).
    last_page_known: bool,
    /// Serves page 1 whatever page is asked for.
    ignore_page: bool,
    /// Global record numbers whose `id` is broken.
    malformed: Vec<usize>,
    faults: Mutex<HashMap<usize, VecDeque<Fault>>>,
    /// (page, when) for every request.
    arrivals: Mutex<Vec<(usize, Instant)>>,
}

impl Script {
    fn new(total: usize) -> Script {
        Script {
            total,
            last_page_known: true,
            ..Script::default()
        }
    }

    fn fault(self, page: usize, faults: &[Fault]) -> Script {
        self.faults
            .lock()
            .unwrap()
            .entry(page)
            .or_default()
            .extend(faults.iter().cloned());
        self
    }

    fn requests_for(&self, page: usize) -> usize {
        self.arrivals
            .lock()
            .unwrap()
            .iter()
            .filter(|(seen, _)| *seen == page)
            .count()
    }

    fn arrival(&self, page: usize, nth: usize) -> Instant {
        self.arrivals
            .lock()
            .unwrap()
            .iter()
            .filter(|(seen, _)| *seen == page)
            .nth(nth)
            .map(|(_, at)| *at)
            .expect("the request arrived")
    }

    fn page_body(&self, page: usize) -> String {
        let page = if self.ignore_page { 1 } else { page };
        let data: Vec<Value> = (0..self.total)
            .skip((page - 1) * PER_PAGE)
            .take(PER_PAGE)
            .map(|n| record(n, self.malformed.contains(&n)))
            .collect();
        let last_page = self
            .last_page_known
            .then(|| self.total.div_ceil(PER_PAGE).max(1));
        json!({
            "data": data,
            "meta": {"current_page": page, "last_page": last_page, "per_page": PER_PAGE, "total": self.total},
        })
        .to_string()
    }
}

fn json_response(status: StatusCode, body: String) -> Response {
    (status, [("content-type", "application/json")], body).into_response()
}

async fn serve_page(
    State(script): State<Arc<Script>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if headers.get("authorization").and_then(|v| v.to_str().ok())
        != Some(&format!("Bearer {TOKEN}"))
    {
        return json_response(StatusCode::UNAUTHORIZED, r#"{"message":"no"}"#.into());
    }
    let page: usize = query
        .get("page")
        .and_then(|page| page.parse().ok())
        .unwrap_or(1);
    script.arrivals.lock().unwrap().push((page, Instant::now()));
    let fault = script
        .faults
        .lock()
        .unwrap()
        .get_mut(&page)
        .and_then(VecDeque::pop_front);
    let body = script.page_body(page);
    match fault {
        None => json_response(StatusCode::OK, body),
        Some(Fault::Status(status)) => json_response(
            StatusCode::from_u16(status).unwrap(),
            format!(r#"{{"message":"upstream busy","token":"{TOKEN}"}}"#),
        ),
        Some(Fault::TooMany(extra)) | Some(Fault::Headers(extra)) => {
            let status = if matches!(fault, Some(Fault::TooMany(_))) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::OK
            };
            let mut response = json_response(status, body);
            for (name, value) in extra {
                response
                    .headers_mut()
                    .insert(*name, HeaderValue::from_static(value));
            }
            response
        }
        Some(Fault::Slow(delay)) => {
            tokio::time::sleep(delay).await;
            json_response(StatusCode::OK, body)
        }
        Some(Fault::Html) => (
            StatusCode::OK,
            [("content-type", "text/html; charset=utf-8")],
            "<!DOCTYPE html><html><body>Please log in</body></html>",
        )
            .into_response(),
        Some(Fault::PlainText) => {
            (StatusCode::OK, [("content-type", "text/plain")], "OK").into_response()
        }
        Some(Fault::Empty) => {
            (StatusCode::OK, [("content-type", "application/json")], "").into_response()
        }
        Some(Fault::TruncatedJson) => {
            json_response(StatusCode::OK, body[..body.len() / 2].to_string())
        }
        Some(Fault::Body(body)) => json_response(StatusCode::OK, body.to_string()),
    }
}

async fn mock(script: Script) -> (support::Mock, Arc<Script>) {
    let script = Arc::new(script);
    let router = Router::new()
        .route("/api/v1/customers", get(serve_page))
        .with_state(script.clone());
    (support::serve(router).await, script)
}

/// Short backoffs so retries take milliseconds; generous per-attempt timeouts.
fn config(base_url: &str) -> ClientConfig {
    ClientConfig::new()
        .base_url(base_url)
        .credential("token", TOKEN)
        .max_attempts(4)
        .retry_backoff(Duration::from_millis(2), Duration::from_secs(5))
        .timeout(Duration::from_secs(20))
}

fn client(config: ClientConfig) -> custkit::tourwell::Client {
    custkit::tourwell::Client::from_config(config).expect("client builds")
}

// ---------------------------------------------------------------------------------------
// Retries

#[tokio::test]
async fn bursts_of_429_and_5xx_are_retried_and_every_record_arrives_once() {
    let (mock, script) = mock(
        Script::new(70)
            .fault(1, &[Fault::Status(503), Fault::Status(503)])
            .fault(
                2,
                &[Fault::TooMany(&[("retry-after", "0")]), Fault::Status(502)],
            )
            .fault(
                3,
                &[Fault::Status(500), Fault::Status(504), Fault::TooMany(&[])],
            ),
    )
    .await;
    let (customers, error) = drain(client(config(&mock.url())).list_customers().stream()).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(
        ids(&customers),
        expected_ids(0..70),
        "in order, none lost, none twice"
    );
    assert_eq!(script.requests_for(1), 3);
    assert_eq!(script.requests_for(2), 3);
    assert_eq!(script.requests_for(3), 4);
}

#[tokio::test]
async fn after_the_last_attempt_the_last_status_is_reported() {
    let (mock, script) = mock(Script::new(30).fault(2, &[Fault::Status(503); 10])).await;
    let (customers, error) = drain(
        client(config(&mock.url()).max_attempts(3))
            .list_customers()
            .stream(),
    )
    .await;
    assert_eq!(ids(&customers), expected_ids(0..25), "page 1 stands");
    let error = error.expect("page 2 fails");
    assert!(
        matches!(error, Error::Status { status: 503, .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.starts_with("tourwell list_customers: HTTP 503"),
        "{message}"
    );
    assert!(
        !message.contains(TOKEN),
        "the echoed token is masked: {message}"
    );
    assert!(message.contains("***"), "{message}");
    assert_eq!(script.requests_for(2), 3, "exactly max_attempts");
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let (mock, script) = mock(Script::new(30).fault(1, &[Fault::Status(422)])).await;
    let (customers, error) = drain(client(config(&mock.url())).list_customers().stream()).await;
    assert!(customers.is_empty());
    assert!(
        matches!(error, Some(Error::Status { status: 422, .. })),
        "{error:?}"
    );
    assert_eq!(script.requests_for(1), 1);
}

#[tokio::test]
async fn retry_after_and_rate_limit_reset_are_honoured() {
    let (mock, script) = mock(
        Script::new(60)
            .fault(2, &[Fault::TooMany(&[("retry-after", "1")])])
            .fault(3, &[Fault::TooMany(&[("ratelimit-reset", "1")])]),
    )
    .await;
    let (customers, error) = drain(client(config(&mock.url())).list_customers().stream()).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(ids(&customers), expected_ids(0..60));
    for page in [2, 3] {
        let waited = script.arrival(page, 1) - script.arrival(page, 0);
        assert!(
            waited >= Duration::from_secs(1),
            "page {page} retried after {waited:?}, before the server's 1 s"
        );
    }
}

#[tokio::test]
async fn a_retry_after_longer_than_max_backoff_fails_at_once() {
    let (mock, script) =
        mock(Script::new(10).fault(1, &[Fault::TooMany(&[("retry-after", "3600")])])).await;
    let started = Instant::now();
    let (customers, error) = drain(client(config(&mock.url())).list_customers().stream()).await;
    assert!(customers.is_empty());
    let error = error.expect("no hour-long wait");
    assert!(
        matches!(error, Error::Status { status: 429, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("(rate limited)"), "{error}");
    assert_eq!(script.requests_for(1), 1);
    assert!(started.elapsed() < Duration::from_secs(3000));
}

#[tokio::test]
async fn a_spent_quota_pauses_the_next_request_until_the_reset() {
    let (mock, script) = mock(Script::new(30).fault(
        1,
        &[Fault::Headers(&[
            ("ratelimit-remaining", "0"),
            ("ratelimit-reset", "1"),
        ])],
    ))
    .await;
    let (customers, error) = drain(client(config(&mock.url())).list_customers().stream()).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(ids(&customers), expected_ids(0..30));
    let paused = script.arrival(2, 0) - script.arrival(1, 0);
    assert!(
        paused >= Duration::from_secs(1),
        "page 2 came after {paused:?}"
    );
    assert_eq!(script.requests_for(2), 1, "paced, not rejected");
}

#[tokio::test]
async fn the_rate_limit_spaces_requests() {
    let (mock, script) = mock(Script::new(100)).await;
    let started = Instant::now();
    let (customers, error) = drain(
        client(config(&mock.url()).rate_limit(10, Duration::from_secs(1)))
            .list_customers()
            .stream(),
    )
    .await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(ids(&customers), expected_ids(0..100));
    assert_eq!(script.arrivals.lock().unwrap().len(), 4);
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(300),
        "4 requests at 10/s take at least 300 ms, took {elapsed:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Timeouts

#[tokio::test]
async fn a_response_past_the_timeout_is_retried() {
    let (mock, script) =
        mock(Script::new(60).fault(2, &[Fault::Slow(Duration::from_secs(60))])).await;
    let (customers, error) = drain(
        client(
            config(&mock.url())
                .timeout(Duration::from_millis(800))
                .max_attempts(6),
        )
        .list_customers()
        .stream(),
    )
    .await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(ids(&customers), expected_ids(0..60));
    assert!(script.requests_for(2) >= 2);
}

#[tokio::test]
async fn a_provider_that_never_answers_in_time_is_a_timeout_error() {
    let (mock, _script) =
        mock(Script::new(10).fault(1, &[Fault::Slow(Duration::from_secs(60)); 2])).await;
    let (customers, error) = drain(
        client(
            config(&mock.url())
                .timeout(Duration::from_millis(300))
                .max_attempts(2),
        )
        .list_customers()
        .stream(),
    )
    .await;
    assert!(customers.is_empty());
    match error {
        Some(ref error @ Error::Transport { ref source, .. }) => {
            assert!(source.is_timeout(), "{source:?}");
            let message = error.to_string();
            assert!(
                message.starts_with("tourwell list_customers: "),
                "{message}"
            );
            assert!(message.contains("timed out"), "{message}");
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn the_whole_sync_has_a_deadline() {
    let (mock, _script) =
        mock(Script::new(60).fault(2, &[Fault::Slow(Duration::from_secs(60))])).await;
    let (customers, error) = drain(
        client(config(&mock.url()).sync_timeout(Duration::from_millis(1500)))
            .list_customers()
            .stream(),
    )
    .await;
    assert_eq!(
        ids(&customers),
        expected_ids(0..25),
        "page 1 stands, page 3 waits behind page 2"
    );
    let error = error.expect("the deadline ends the stream");
    assert!(matches!(error, Error::SyncTimeout { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "tourwell list_customers: the sync did not finish within its time limit of 1.5s"
    );
}

// ---------------------------------------------------------------------------------------
// Bad bodies

#[tokio::test]
async fn bodies_that_are_not_json_are_clear_errors() {
    for (fault, reason) in [
        (Fault::TruncatedJson, "the response JSON is truncated"),
        (Fault::Html, "HTML or XML, not JSON"),
        (
            Fault::Html,
            "content type `text/html; charset=utf-8`, expected JSON",
        ),
        (Fault::PlainText, "content type `text/plain`, expected JSON"),
        (Fault::Empty, "the response body is empty"),
    ] {
        let (mock, _script) = mock(Script::new(60).fault(2, &[fault])).await;
        let (customers, error) = drain(client(config(&mock.url())).list_customers().stream()).await;
        assert_eq!(
            ids(&customers),
            expected_ids(0..25),
            "{fault:?}: page 1 stands"
        );
        let error = error.unwrap_or_else(|| panic!("{fault:?} is an error"));
        assert!(
            matches!(error, Error::Response { page: 2, .. }),
            "{fault:?}: {error:?}"
        );
        let message = error.to_string();
        assert!(
            message.starts_with("tourwell list_customers: page 2: "),
            "{message}"
        );
        assert!(message.contains(reason), "{fault:?}: {message}");
    }
}

#[tokio::test]
async fn json_of_another_shape_than_the_spec_says_is_a_clear_error() {
    for (body, reason) in [
        (
            r#"{"data":{"id":1},"meta":{"last_page":3}}"#,
            "expected an array of records at `data`",
        ),
        (
            r#"{"data":"none","meta":{"last_page":3}}"#,
            "expected an array of records at `data`",
        ),
        (r#"{"data":[],"meta":[3]}"#, "`meta` is not an object"),
        (
            r#"{"data":[],"meta":{"last_page":"three"}}"#,
            "`meta.last_page`: invalid type",
        ),
        (r#"[{"id":1}]"#, "`` is not an object"),
    ] {
        let (mock, _script) = mock(Script::new(60).fault(2, &[Fault::Body(body)])).await;
        let (customers, error) = drain(client(config(&mock.url())).list_customers().stream()).await;
        assert_eq!(
            ids(&customers),
            expected_ids(0..25),
            "{body}: page 1 stands"
        );
        let error = error.unwrap_or_else(|| panic!("{body} is an error"));
        assert!(
            matches!(error, Error::Response { page: 2, .. }),
            "{body}: {error:?}"
        );
        let message = error.to_string();
        assert!(message.contains(reason), "{body}: {message}");
        assert!(
            !message.contains("three"),
            "values are not quoted: {message}"
        );
    }
}

#[tokio::test]
async fn a_json_body_under_a_wrong_content_type_is_read() {
    // Providers label JSON `text/html` more often than they send HTML labelled JSON: the
    // body decides, not the label.
    let (mock, _script) =
        mock(Script::new(60).fault(2, &[Fault::Headers(&[("content-type", "text/html")])])).await;
    let (customers, error) = drain(client(config(&mock.url())).list_customers().stream()).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(ids(&customers), expected_ids(0..60));
}

// ---------------------------------------------------------------------------------------
// Raw TCP providers, for what axum cannot do: cut a body off mid-way, never answer.

/// What the raw server does with one request.
enum RawReply {
    /// The whole page.
    Full,
    /// Headers announcing the whole page, then half of it, then a reset.
    ResetMidBody,
    /// Nothing: waits until the client hangs up, then reports it.
    Hang,
}

struct RawServer {
    address: std::net::SocketAddr,
    requests: Arc<Mutex<Vec<usize>>>,
    hung_up: tokio::sync::mpsc::UnboundedReceiver<usize>,
}

async fn raw_server(
    script: Arc<Script>,
    reply: impl Fn(usize, usize) -> RawReply + Send + Sync + 'static,
) -> RawServer {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let address = listener.local_addr().unwrap();
    let requests: Arc<Mutex<Vec<usize>>> = Arc::default();
    let (hung_up_tx, hung_up) = tokio::sync::mpsc::unbounded_channel();
    let reply = Arc::new(reply);
    let seen = requests.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let (script, reply, seen, hung_up_tx) = (
                script.clone(),
                reply.clone(),
                seen.clone(),
                hung_up_tx.clone(),
            );
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buffer = [0u8; 1024];
                while !head.windows(4).any(|window| window == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => head.extend_from_slice(&buffer[..read]),
                    }
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let page: usize = head
                    .split_whitespace()
                    .nth(1)
                    .and_then(|target| target.split("page=").nth(1))
                    .and_then(|rest| rest.split('&').next())
                    .and_then(|number| number.parse().ok())
                    .unwrap_or(1);
                let attempt = {
                    let mut seen = seen.lock().unwrap();
                    seen.push(page);
                    seen.iter().filter(|seen| **seen == page).count()
                };
                let body = script.page_body(page);
                let header = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                match reply(page, attempt) {
                    RawReply::Full => {
                        let _ = socket.write_all(header.as_bytes()).await;
                        let _ = socket.write_all(body.as_bytes()).await;
                        let _ = socket.shutdown().await;
                    }
                    RawReply::ResetMidBody => {
                        let _ = socket.write_all(header.as_bytes()).await;
                        let _ = socket.write_all(&body.as_bytes()[..body.len() / 2]).await;
                        let _ = socket.flush().await;
                        let _ = socket.set_zero_linger();
                        drop(socket);
                    }
                    RawReply::Hang => {
                        let mut rest = [0u8; 64];
                        while let Ok(read) = socket.read(&mut rest).await {
                            if read == 0 {
                                break;
                            }
                        }
                        let _ = hung_up_tx.send(page);
                    }
                }
            });
        }
    });
    RawServer {
        address,
        requests,
        hung_up,
    }
}

impl RawServer {
    fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    fn requests_for(&self, page: usize) -> usize {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|seen| **seen == page)
            .count()
    }
}

#[tokio::test]
async fn a_connection_reset_mid_body_is_retried_without_duplicates() {
    let script = Arc::new(Script::new(75));
    let server = raw_server(script, |page, attempt| match (page, attempt) {
        (1, 1) | (2, 1) | (2, 2) | (3, 1) => RawReply::ResetMidBody,
        _ => RawReply::Full,
    })
    .await;
    let (customers, error) = drain(client(config(&server.url())).list_customers().stream()).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(ids(&customers), expected_ids(0..75));
    assert_eq!(
        (
            server.requests_for(1),
            server.requests_for(2),
            server.requests_for(3)
        ),
        (2, 3, 2)
    );
}

#[tokio::test]
async fn a_body_cut_off_on_every_attempt_is_a_transport_error() {
    let script = Arc::new(Script::new(60));
    let server = raw_server(script, |page, _| match page {
        2 => RawReply::ResetMidBody,
        _ => RawReply::Full,
    })
    .await;
    let (customers, error) = drain(
        client(config(&server.url()).max_attempts(2))
            .list_customers()
            .stream(),
    )
    .await;
    assert_eq!(ids(&customers), expected_ids(0..25));
    match error {
        Some(ref error @ Error::Transport { ref source, .. }) => {
            assert!(
                source.is_body() || source.is_decode() || source.is_request(),
                "{source:?}"
            );
            let message = error.to_string();
            assert!(
                message.starts_with("tourwell list_customers: "),
                "{message}"
            );
            assert!(
                message.contains("Connection reset") || message.contains("body"),
                "{message}"
            );
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert_eq!(server.requests_for(2), 2);
}

#[tokio::test]
async fn dropping_a_stream_mid_page_cancels_its_requests_and_keeps_what_was_yielded() {
    let script = Arc::new(Script::new(75));
    let mut server = raw_server(script, |page, _| match page {
        1 => RawReply::Full,
        _ => RawReply::Hang,
    })
    .await;
    let executor = Arc::new(
        custkit::runtime::Executor::new(&custkit::tourwell::PROVIDER, config(&server.url()))
            .unwrap(),
    );
    let mut stream = custkit::runtime::paging::customers(
        executor.clone(),
        &custkit::tourwell::LIST_CUSTOMERS,
        custkit::runtime::http::Params::new(),
    );
    let mut yielded = Vec::new();
    for _ in 0..25 {
        yielded.push(stream.next().await.unwrap().unwrap());
    }
    // Pages 2 and 3 are now in flight and hanging.
    let waiting = tokio::time::timeout(Duration::from_millis(300), stream.next()).await;
    assert!(waiting.is_err(), "page 2 never answers");
    drop(stream);
    let mut hung_up = Vec::new();
    for _ in 0..2 {
        let page = tokio::time::timeout(Duration::from_secs(30), server.hung_up.recv())
            .await
            .expect("the dropped stream's requests are cancelled")
            .unwrap();
        hung_up.push(page);
    }
    hung_up.sort();
    assert_eq!(hung_up, [2, 3], "both in-flight requests were abandoned");
    assert_eq!(
        Arc::strong_count(&executor),
        1,
        "nothing still holds the client: no task was left running"
    );
    assert_eq!(
        ids(&yielded),
        expected_ids(0..25),
        "what was yielded is complete"
    );
}

// ---------------------------------------------------------------------------------------
// Paging safety

#[tokio::test]
async fn a_provider_that_ignores_the_page_parameter_is_stopped() {
    for last_page_known in [true, false] {
        let mut script = Script::new(100);
        script.ignore_page = true;
        script.last_page_known = last_page_known;
        let (mock, script) = mock(script).await;
        let (customers, error) = drain(client(config(&mock.url())).list_customers().stream()).await;
        assert_eq!(
            ids(&customers),
            expected_ids(0..25),
            "page 1 once, never again"
        );
        let error = error.expect("a loop is an error");
        assert!(matches!(error, Error::Paging { page: 2, .. }), "{error:?}");
        assert!(
            error.to_string().contains("repeats the records of page 1"),
            "{error}"
        );
        if !last_page_known {
            assert_eq!(script.arrivals.lock().unwrap().len(), 2, "stopped at once");
        }
    }
}

#[tokio::test]
async fn max_pages_stops_paging_with_an_error() {
    for last_page_known in [true, false] {
        let mut script = Script::new(250);
        script.last_page_known = last_page_known;
        let (mock, script) = mock(script).await;
        let (customers, error) = drain(
            client(config(&mock.url()).max_pages(3))
                .list_customers()
                .stream(),
        )
        .await;
        assert_eq!(ids(&customers), expected_ids(0..75));
        let error = error.expect("more pages than allowed is an error");
        assert!(matches!(error, Error::Paging { page: 4, .. }), "{error:?}");
        assert!(error.to_string().contains("more than 3 pages"), "{error}");
        let mut pages: Vec<usize> = script
            .arrivals
            .lock()
            .unwrap()
            .iter()
            .map(|(page, _)| *page)
            .collect();
        pages.sort();
        assert_eq!(pages, [1, 2, 3], "no page beyond the maximum is requested");
    }
}

#[tokio::test]
async fn credentials_go_only_to_https_or_loopback() {
    for url in ["http://example.com", "http://10.0.0.8", "ftp://127.0.0.1"] {
        let error = custkit::tourwell::Client::from_config(config(url)).unwrap_err();
        assert!(
            error.to_string().contains("must use https"),
            "{url}: {error}"
        );
    }
    for url in [
        "http://127.0.0.1:1",
        "http://localhost:1",
        "http://[::1]:1",
        "https://x.example",
    ] {
        assert!(
            custkit::tourwell::Client::from_config(config(url)).is_ok(),
            "{url}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Malformed records

#[tokio::test]
async fn malformed_records_are_reported_and_the_rest_delivered() {
    let mut script = Script::new(60).fault(2, &[Fault::Status(503)]);
    script.malformed = vec![0, 26, 27, 59];
    let (mock, _script) = mock(script).await;
    let reported = Arc::new(Mutex::new(Vec::new()));
    let sink = reported.clone();
    let config = config(&mock.url()).on_record_error(move |error| {
        sink.lock().unwrap().push((
            error.position.page,
            error.position.index,
            error.reason.clone(),
            error.raw_json().to_string(),
            error.to_string(),
        ));
    });
    let (customers, error) = drain(client(config).list_customers().stream()).await;
    assert!(error.is_none(), "{error:?}");
    let good: Vec<usize> = (0..60).filter(|n| ![0, 26, 27, 59].contains(n)).collect();
    assert_eq!(ids(&customers), expected_ids(good.into_iter()));
    let reported = reported.lock().unwrap();
    let positions: Vec<(u64, usize)> = reported
        .iter()
        .map(|(page, index, ..)| (*page, *index))
        .collect();
    assert_eq!(positions, [(1, 0), (2, 1), (2, 2), (3, 9)]);
    for (_, _, reason, raw, display) in reported.iter() {
        assert!(
            reason.contains("does not match the spec's record type"),
            "{reason}"
        );
        assert!(
            raw.contains("\"id\":\"id-of-Nguyễn"),
            "the raw text is kept"
        );
        assert!(
            !display.contains("Nguyễn") && !reason.contains("Nguyễn"),
            "{display}"
        );
    }
}

#[tokio::test]
async fn strict_mode_makes_a_malformed_record_fatal() {
    let mut script = Script::new(60);
    script.malformed = vec![30];
    let (mock, _script) = mock(script).await;
    let (customers, error) = drain(
        client(config(&mock.url()).strict(true))
            .list_customers()
            .stream(),
    )
    .await;
    assert_eq!(ids(&customers), expected_ids(0..30));
    let error = error.expect("strict");
    assert!(matches!(error, Error::Record(_)), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("tourwell list_customers: page 2, record 5: "),
        "{error}"
    );
}

// ---------------------------------------------------------------------------------------
// Nothing leaks: every log line and every error of faulty syncs, searched for the token
// and the records' personal data.

/// Everything every test in this binary logged, at every level, from every crate
/// (`tracing` and the `log` crate), since the first call.
fn captured_logs() -> &'static Mutex<Vec<u8>> {
    static LOGS: OnceLock<Mutex<Vec<u8>>> = OnceLock::new();
    static INSTALL: OnceLock<()> = OnceLock::new();
    let logs = LOGS.get_or_init(Mutex::default);
    INSTALL.get_or_init(|| {
        struct Capture;
        impl Write for Capture {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                captured_logs().lock().unwrap().extend_from_slice(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        tracing_subscriber::fmt()
            .with_writer(|| Capture)
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .try_init()
            .expect("the only subscriber of this test binary");
    });
    logs
}

#[tokio::test]
async fn no_token_or_personal_data_in_logs_errors_or_debug_output() {
    let logs = captured_logs();
    let mut outputs: Vec<String> = Vec::new();
    let mut record_error_texts: Vec<String> = Vec::new();

    // Retries (the 503 body echoes the token), a malformed record logged without a
    // handler, and filters carrying personal data in the query.
    let mut script = Script::new(60)
        .fault(
            1,
            &[Fault::Status(503), Fault::TooMany(&[("retry-after", "0")])],
        )
        .fault(2, &[Fault::Slow(Duration::from_secs(30))]);
    script.malformed = vec![3, 40];
    let (mock, _script) = mock(script).await;
    let client = client(config(&mock.url()).timeout(Duration::from_millis(800)));
    let (customers, error) = drain(
        client
            .list_customers()
            .name(name(7))
            .email(email(7))
            .stream(),
    )
    .await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(customers.len(), 58);
    outputs.extend(customers.iter().map(|customer| format!("{customer:?}")));
    outputs.push(format!("{client:?}"));

    // Errors: a status that echoes the token, a bad body, strict mode, a loop.
    let mut strict = Script::new(30).fault(1, &[Fault::Status(401)]);
    strict.malformed = vec![2];
    let (mock, _script) = self::mock(strict).await;
    for config in [
        config(&mock.url()).max_attempts(1),
        config(&mock.url()).strict(true),
    ] {
        let config = config.on_record_error({
            let texts = Arc::new(Mutex::new(Vec::new()));
            move |error| texts.lock().unwrap().push(format!("{error} {error:?}"))
        });
        outputs.push(format!("{config:?}"));
        let (_, error) = drain(self::client(config).list_customers().stream()).await;
        let error = error.expect("each fails");
        outputs.push(error.to_string());
        outputs.push(format!("{error:?}"));
        if let Error::Record(record_error) = &error {
            record_error_texts.push(record_error.raw_json().to_string());
        }
    }
    let mut looping = Script::new(60).fault(1, &[Fault::Html]);
    looping.ignore_page = true;
    let (mock, _script) = self::mock(looping).await;
    for config in [config(&mock.url()), config(&mock.url())] {
        let (_, error) = drain(self::client(config).list_customers().stream()).await;
        let error = error.expect("fails");
        outputs.push(error.to_string());
        outputs.push(format!("{error:?}"));
    }

    assert_eq!(
        record_error_texts.len(),
        1,
        "raw_json is the one way to the record"
    );
    assert!(
        record_error_texts[0].contains(&name(2)),
        "and it does give the record"
    );

    let logs = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(
        logs.contains("request{provider=\"tourwell\" endpoint=\"list_customers\" page=1 attempt=2"),
        "a span per request attempt:\n{logs}"
    );
    assert!(logs.contains("status=503"), "spans record the status");
    assert!(logs.contains("retrying: HTTP 503"), "retries are logged");
    assert!(
        logs.contains("skipped a record"),
        "record errors are logged"
    );

    let mut secrets = vec![TOKEN.to_string()];
    for n in 0..60 {
        secrets.extend([name(n), phone(n), email(n)]);
    }
    secrets.push(urlencoded(&name(7)));
    secrets.push(urlencoded(&email(7)));
    for secret in &secrets {
        assert!(!logs.contains(secret.as_str()), "`{secret}` is in the logs");
        for output in &outputs {
            assert!(
                !output.contains(secret.as_str()),
                "`{secret}` is in `{output}`"
            );
        }
    }
}

fn urlencoded(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

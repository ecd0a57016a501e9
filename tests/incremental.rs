//! Incremental sync against local mock providers on 127.0.0.1, through the generated
//! clients and through the `custkit` binary: a newest-first listing (LadiFlow) stops
//! paging at the first older customer; a provider without a change filter (Xtrakit) is
//! read whole and filtered here; a `since` parameter (a test-only provider) is sent the
//! cursor in its format and time zone; the CLI's `--state` file carries the cursor from
//! run to run and is not advanced past a failed record.

mod support;

use support::custkit;

use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, Duration, Utc};
use custkit::Customer;
use futures::TryStreamExt;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::{Arc, Mutex};

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// Customer `n` was last changed `n` hours after 2026-01-01 00:00 UTC.
fn changed(n: usize) -> DateTime<Utc> {
    at("2026-01-01T00:00:00Z") + Duration::hours(n as i64)
}

// ---------------------------------------------------------------------------------------
// LadiFlow: newest first on request (`sort.updated_at: DESC`), pages counted by `total`.

const LADIFLOW_KEY: &str = "lf-incremental-key";

/// The mock's customers: (id, updated_at), editable between runs.
type Customers = Arc<Mutex<Vec<(String, DateTime<Utc>)>>>;

fn ladiflow_customers(count: usize) -> Customers {
    Arc::new(Mutex::new(
        (0..count)
            .map(|n| (format!("c{n:02}"), changed(n)))
            .collect(),
    ))
}

async fn ladiflow_mock(customers: Customers) -> support::Mock {
    let list = move |axum::Json(body): axum::Json<Value>| {
        let customers = customers.clone();
        async move {
            let mut all = customers.lock().unwrap().clone();
            match body["sort"]["updated_at"].as_str() {
                Some("DESC") => all.sort_by_key(|customer| std::cmp::Reverse(customer.1)),
                _ => all.sort_by_key(|customer| customer.1),
            }
            let page = body["page"].as_u64().unwrap_or(1) as usize;
            let limit = body["limit"].as_u64().unwrap_or(10) as usize;
            let items: Vec<Value> = all
                .iter()
                .skip((page - 1) * limit)
                .take(limit)
                .map(|(id, updated)| {
                    if id == "broken" {
                        json!({"_id": null, "updated_at": updated.to_rfc3339()})
                    } else {
                        json!({"_id": id, "name": format!("Khách {id}"), "updated_at": updated.to_rfc3339()})
                    }
                })
                .collect();
            axum::Json(json!({
                "data": {"total": all.len(), "limit": limit, "items": items},
                "message": "Thành công",
                "code": 200
            }))
        }
    };
    support::serve(Router::new().route("/1.0/customer/list", post(list))).await
}

fn remote_ids(customers: &[Customer]) -> Vec<String> {
    customers.iter().map(|c| c.remote_id.to_string()).collect()
}

#[tokio::test]
async fn a_newest_first_listing_stops_paging_at_the_first_older_customer() {
    let mock = ladiflow_mock(ladiflow_customers(30)).await;
    let client = custkit::ladiflow::Client::builder()
        .base_url(mock.url())
        .api_key(LADIFLOW_KEY)
        .build()
        .unwrap();
    let since = changed(24);
    let customers: Vec<Customer> = client
        .list_customers()
        .limit(3)
        .changed_since(since)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        remote_ids(&customers),
        ["c29", "c28", "c27", "c26", "c25", "c24"],
        "the customers changed at or after the cursor, newest first"
    );
    let requests = mock.requests_to("/1.0/customer/list");
    for seen in &requests {
        let body: Value = serde_json::from_str(&seen.body).unwrap();
        assert_eq!(body["sort"]["updated_at"], "DESC", "{body}");
    }
    assert!(
        requests.len() < 10,
        "paging stopped early: {} of 10 pages requested",
        requests.len()
    );
}

// ---------------------------------------------------------------------------------------
// Xtrakit: no change filter is used; every record is read and the older ones dropped.

#[tokio::test]
async fn without_a_change_filter_older_customers_are_dropped_here() {
    let list = || async {
        let customers: Vec<Value> = (0..6)
            .map(|n| {
                let updated = changed(n * 10).format("%Y-%m-%d %H:%M:%S").to_string();
                json!({"id": n, "customer_name": format!("Customer {n}"), "updated_at": updated})
            })
            .chain([json!({"id": 99, "customer_name": "Undated", "updated_at": null})])
            .collect();
        axum::Json(json!({"status": 200, "message": "ok", "data": {"customers": customers}}))
    };
    let mock = support::serve(Router::new().route("/api/v1/customers", get(list))).await;
    let client = custkit::xtrakit::Client::builder()
        .base_url(mock.url())
        .bearer_token("xt-token")
        .build()
        .unwrap();
    let customers: Vec<Customer> = client
        .list_customers()
        .changed_since(changed(20))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        remote_ids(&customers),
        ["2", "3", "4", "5", "99"],
        "at or after the cursor (Accra time is UTC), and the undated one"
    );
    let requests = mock.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].uri, "/api/v1/customers", "no filter is sent");
}

// ---------------------------------------------------------------------------------------
// A `since` parameter: the test-only `linked` provider (tests/ui-fixtures/specs).

#[tokio::test]
async fn a_since_parameter_gets_the_cursor_in_its_format_and_time_zone() {
    let page = || async {
        // A sloppy provider: it ignores the filter, so the runtime's own check matters.
        axum::Json(json!({
            "data": [
                {"id": 1, "updated_at": "2026-01-01T06:00:00Z"},
                {"id": 2, "updated_at": "2026-01-02T00:00:00Z"},
                {"id": 3, "updated_at": "2026-01-03T00:00:00Z"},
            ],
            "links": {"next": null}
        }))
    };
    let mock = support::serve(Router::new().route("/api/customers", get(page))).await;
    let client = custkit_ui_fixtures::linked::Client::builder()
        .base_url(format!("{}/api", mock.url()))
        .api_key("k")
        .build()
        .unwrap();
    let customers: Vec<Customer> = client
        .list_customers()
        .changed_since(at("2026-01-02T00:00:00Z"))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(remote_ids(&customers), ["2", "3"]);
    let requests = mock.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].param("updated_since").as_deref(),
        Some("2026-01-02T07:00:00"),
        "midnight UTC is 07:00 in Bangkok, the spec's time zone"
    );
}

// ---------------------------------------------------------------------------------------
// The CLI: `custkit sync --state FILE`.

fn synced_ids(output: &std::process::Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let customer: Value = serde_json::from_str(line).unwrap();
            customer["remote_id"].as_str().unwrap().to_string()
        })
        .collect()
}

fn saved_state(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_state_file_carries_the_cursor_from_run_to_run() {
    let customers = ladiflow_customers(12);
    let mock = ladiflow_mock(customers.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let (url, path) = (mock.url(), dir.path().to_path_buf());
    let sync = move || {
        let (url, path) = (url.clone(), path.clone());
        move || {
            custkit(&path)
                .args(["sync", "ladiflow", "--base-url", &url])
                .args(["--credential", &format!("api_key={LADIFLOW_KEY}")])
                .args(["--state", "state.json"])
                .output()
                .unwrap()
        }
    };
    let state_path = dir.path().join("state.json");

    let first = tokio::task::spawn_blocking(sync()).await.unwrap();
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert_eq!(synced_ids(&first).len(), 12, "no state yet: everything");
    assert_eq!(
        saved_state(&state_path),
        json!({"provider": "ladiflow", "cursor_field": "updated_at", "cursor": "2026-01-01T11:00:00Z"})
    );

    // c05 changes and c12 is new; the rest stay as they were.
    {
        let mut customers = customers.lock().unwrap();
        customers[5].1 = at("2026-01-03T00:00:00Z");
        customers.push(("c12".to_string(), at("2026-01-03T01:00:00Z")));
    }
    let second = tokio::task::spawn_blocking(sync()).await.unwrap();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(0), "{stderr}");
    assert_eq!(
        synced_ids(&second),
        ["c12", "c05", "c11"],
        "the changes, newest first, and the customer at the cursor itself"
    );
    assert!(
        stderr.contains("at or after 2026-01-01T11:00:00+00:00"),
        "{stderr}"
    );
    assert_eq!(saved_state(&state_path)["cursor"], "2026-01-03T01:00:00Z");

    // A changed record that cannot be read: the cursor must not move past it.
    customers
        .lock()
        .unwrap()
        .push(("broken".to_string(), at("2026-01-04T00:00:00Z")));
    let third = tokio::task::spawn_blocking(sync()).await.unwrap();
    let stderr = String::from_utf8_lossy(&third.stderr);
    assert_eq!(third.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("state not advanced"), "{stderr}");
    assert_eq!(saved_state(&state_path)["cursor"], "2026-01-03T01:00:00Z");
}

#[test]
fn a_state_file_for_another_provider_or_a_provider_without_a_cursor_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("state.json"),
        r#"{"provider": "meedee", "cursor_field": "updated_at", "cursor": null}"#,
    )
    .unwrap();
    let wrong = custkit(dir.path())
        .args(["sync", "ladiflow", "--state", "state.json"])
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&wrong.stderr)
            .contains("is for meedee by `updated_at`, not ladiflow"),
        "{}",
        String::from_utf8_lossy(&wrong.stderr)
    );
    let tourwell = custkit(dir.path())
        .args(["sync", "tourwell", "--since", "2026-01-01T00:00:00Z"])
        .output()
        .unwrap();
    assert_eq!(tourwell.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&tourwell.stderr).contains("no incremental cursor"),
        "{}",
        String::from_utf8_lossy(&tourwell.stderr)
    );
}

// ---------------------------------------------------------------------------------------
// Airbyte: `incremental` mode, its cursor in STATE.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn airbyte_incremental_reads_continue_from_the_cursor_in_state() {
    use support::airbyte::{airbyte, config_file, of_type, parse, python, scratch, validate};
    let customers = ladiflow_customers(25);
    let mock = ladiflow_mock(customers.clone()).await;
    let dir = scratch("incremental");
    let config = config_file(
        &dir,
        &json!({"provider": "ladiflow", "base_url": mock.url(), "credentials": {"api_key": LADIFLOW_KEY}})
            .to_string(),
    );
    let config = config.as_str();
    let (code, discover) = airbyte(&["discover", "--config", config]);
    assert_eq!(code, 0);
    let stream = parse(&discover)[0]["catalog"]["streams"][0].clone();
    assert_eq!(
        stream["supported_sync_modes"],
        json!(["full_refresh", "incremental"])
    );
    assert_eq!(stream["source_defined_cursor"], true);
    assert_eq!(stream["default_cursor_field"], json!(["updated_at"]));
    let catalog = dir.join("catalog.json");
    std::fs::write(
        &catalog,
        json!({"streams": [{"stream": stream, "sync_mode": "incremental", "cursor_field": ["updated_at"], "destination_sync_mode": "append_dedup", "primary_key": [["remote_id"]]}]}).to_string(),
    )
    .unwrap();
    let catalog = catalog.to_str().unwrap();
    let read = |state: Option<&Path>| {
        let mut args = vec!["read", "--config", config, "--catalog", catalog];
        if let Some(state) = state {
            args.extend(["--state", state.to_str().unwrap()]);
        }
        airbyte(&args)
    };
    let ids = |lines: &[String]| -> Vec<String> {
        of_type(&parse(lines), "RECORD")
            .iter()
            .map(|m| {
                m["record"]["data"]["remote_id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let last_state = |lines: &[String]| -> Value {
        of_type(&parse(lines), "STATE").last().unwrap()["state"].clone()
    };

    let (code, first) = tokio::task::block_in_place(|| read(None));
    assert_eq!(code, 0, "{first:?}");
    assert_eq!(ids(&first).len(), 25, "no state: everything");
    let state = last_state(&first);
    assert_eq!(
        state["stream"]["stream_state"],
        json!({"cursor": "2026-01-02T00:00:00Z"}),
        "the newest change delivered"
    );

    customers.lock().unwrap()[3].1 = at("2026-01-05T00:00:00Z");
    let state_file = dir.join("state.json");
    std::fs::write(&state_file, json!([state]).to_string()).unwrap();
    let (code, second) = tokio::task::block_in_place(|| read(Some(&state_file)));
    assert_eq!(code, 0, "{second:?}");
    assert_eq!(
        ids(&second),
        ["c03", "c24"],
        "the change and the customer at the cursor"
    );
    assert_eq!(
        last_state(&second)["stream"]["stream_state"],
        json!({"cursor": "2026-01-05T00:00:00Z"})
    );

    let python = python();
    let mut all = discover.clone();
    all.extend(first);
    all.extend(second);
    validate(&python, &dir, "incremental.jsonl", &all);
}

#[test]
fn the_sandbox_lists_newest_first_instead_of_filtering_by_the_sort_value() {
    // The sort parameters order the sandbox's records; before, LadiFlow's
    // `sort.updated_at=DESC` was taken for a filter on `updated_at` and matched nothing.
    let dir = tempfile::tempdir().unwrap();
    for provider in ["ladiflow", "clopos"] {
        let output = custkit(dir.path())
            .args(["sync", provider, "--sandbox-records", "30"])
            .args(["--since", "2020-01-01T00:00:00Z"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{provider}: {stderr}");
        assert_eq!(synced_ids(&output).len(), 30, "{provider}: {stderr}");
        assert!(!stderr.contains("does not filter"), "{provider}: {stderr}");
    }
}

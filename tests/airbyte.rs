//! `custkit airbyte` end to end: the real binary against a local mock Tourwell (three
//! pages), every emitted message validated by the official Python protocol models
//! (`airbyte-protocol-models`, installed into a venv under `target/` on first use), and
//! a read resumed from an emitted STATE that delivers no record twice.

mod support;

use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};
use support::airbyte::{airbyte, config_file, of_type, parse, python, scratch, validate};

const TOKEN: &str = "ab-secret-token-0123456789";
const PER_PAGE: usize = 25;
const TOTAL: usize = 60;

async fn list(
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> (StatusCode, String) {
    if headers.get("authorization").and_then(|v| v.to_str().ok())
        != Some(&format!("Bearer {TOKEN}"))
    {
        return (
            StatusCode::UNAUTHORIZED,
            r#"{"message":"Unauthenticated."}"#.into(),
        );
    }
    let example: Value =
        serde_json::from_str(custkit::tourwell::PROVIDER.examples[0].body).unwrap();
    let seeds = example["data"].as_array().unwrap();
    let page: usize = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let data: Vec<Value> = (0..TOTAL)
        .skip((page - 1) * PER_PAGE)
        .take(PER_PAGE)
        .map(|n| {
            let mut record = seeds[n % seeds.len()].clone();
            record["id"] = json!(10_000 + n);
            record
        })
        .collect();
    let body = json!({"data": data, "meta": {"current_page": page, "last_page": TOTAL.div_ceil(PER_PAGE), "per_page": PER_PAGE, "total": TOTAL}});
    (StatusCode::OK, body.to_string())
}

fn remote_ids(messages: &[&Value]) -> Vec<String> {
    messages
        .iter()
        .map(|m| {
            m["record"]["data"]["remote_id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_is_valid_and_a_resumed_read_repeats_nothing() {
    let mock = support::serve(Router::new().route("/api/v1/customers", get(list))).await;
    let dir = scratch("resume");
    let config = config_file(
        &dir,
        &json!({"provider": "tourwell", "base_url": mock.url(), "credentials": {"token": TOKEN}})
            .to_string(),
    );
    let config = config.as_str();

    let (code, spec) = airbyte(&["spec"]);
    assert_eq!(code, 0);
    let (code, check) = airbyte(&["check", "--config", config]);
    assert_eq!(code, 0);
    assert_eq!(parse(&check)[0]["connectionStatus"]["status"], "SUCCEEDED");
    let (code, discover) = airbyte(&["discover", "--config", config]);
    assert_eq!(code, 0);
    let catalog = parse(&discover).remove(0);
    let stream = &catalog["catalog"]["streams"][0];
    assert_eq!(stream["name"], "tourwell");
    let configured = dir.join("catalog.json");
    std::fs::write(
        &configured,
        json!({"streams": [{"stream": stream, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]}).to_string(),
    )
    .unwrap();
    let configured = configured.to_str().unwrap();

    let (code, read) = airbyte(&["read", "--config", config, "--catalog", configured]);
    assert_eq!(code, 0, "{read:?}");
    let messages = parse(&read);
    let records = of_type(&messages, "RECORD");
    let ids = remote_ids(&records);
    assert_eq!(ids.len(), TOTAL);
    assert_eq!(
        ids.iter().collect::<BTreeSet<_>>().len(),
        TOTAL,
        "no record twice"
    );
    let states: Vec<&Value> = of_type(&messages, "STATE");
    let blobs: Vec<&Value> = states
        .iter()
        .map(|s| &s["state"]["stream"]["stream_state"])
        .collect();
    assert_eq!(
        blobs,
        [
            &json!({"pages_done": 1}),
            &json!({"pages_done": 2}),
            &json!({})
        ]
    );

    let python = python();
    let mut all = spec.clone();
    all.extend(check.iter().cloned());
    all.extend(discover.iter().cloned());
    all.extend(read.iter().cloned());
    validate(&python, &dir, "full.jsonl", &all);

    // Stop after the first checkpoint: what was delivered up to it, then resume from it.
    let checkpoint_at = read
        .iter()
        .position(|line| line.contains("\"STATE\""))
        .unwrap();
    let delivered: BTreeSet<String> =
        remote_ids(&of_type(&parse(&read[..checkpoint_at]), "RECORD"))
            .into_iter()
            .collect();
    assert_eq!(delivered.len(), PER_PAGE);
    let state = dir.join("state.json");
    let state_message = &parse(&read[checkpoint_at..=checkpoint_at])[0]["state"];
    std::fs::write(&state, json!([state_message]).to_string()).unwrap();
    let requests_before = mock.requests().len();
    let (code, resumed) = airbyte(&[
        "read",
        "--config",
        config,
        "--catalog",
        configured,
        "--state",
        state.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{resumed:?}");
    let resumed_ids = remote_ids(&of_type(&parse(&resumed), "RECORD"));
    let resumed_set: BTreeSet<String> = resumed_ids.iter().cloned().collect();
    assert_eq!(
        resumed_set.len(),
        resumed_ids.len(),
        "no record twice within the resumed read"
    );
    assert!(
        delivered.is_disjoint(&resumed_set),
        "no record delivered before the checkpoint comes again"
    );
    let union: BTreeSet<String> = delivered.union(&resumed_set).cloned().collect();
    let expected: BTreeSet<String> = (0..TOTAL).map(|n| (10_000 + n).to_string()).collect();
    assert_eq!(union, expected, "and none is lost");
    let resumed_pages: BTreeSet<String> = mock.requests()[requests_before..]
        .iter()
        .filter_map(|seen| seen.param("page"))
        .collect();
    assert_eq!(
        resumed_pages,
        BTreeSet::from(["2".to_string(), "3".to_string()])
    );
    let mut with_catalog = discover.clone();
    with_catalog.extend(resumed);
    validate(&python, &dir, "resumed.jsonl", &with_catalog);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_fails_the_check_without_the_token() {
    let mock = support::serve(Router::new().route("/api/v1/customers", get(list))).await;
    let dir = scratch("wrong-token");
    let wrong = "wrong-token-fedcba";
    let config = config_file(
        &dir,
        &json!({"provider": "tourwell", "base_url": mock.url(), "credentials": {"token": wrong}})
            .to_string(),
    );
    let (code, check) = airbyte(&["check", "--config", &config]);
    assert_eq!(code, 0);
    let status = &parse(&check)[0]["connectionStatus"];
    assert_eq!(status["status"], "FAILED");
    let message = status["message"].as_str().unwrap();
    assert!(message.contains("HTTP 401"), "{message}");
    assert!(!check.concat().contains(wrong));
}

#[test]
fn a_bad_config_is_a_config_error_trace() {
    let dir = scratch("bad-config");
    let config = config_file(
        &dir,
        r#"{"provider": "nosuch", "credentials": {"token": "x"}}"#,
    );
    let (code, lines) = airbyte(&["discover", "--config", &config]);
    assert_eq!(code, 2);
    let trace = &parse(&lines)[0]["trace"];
    assert_eq!(trace["error"]["failure_type"], "config_error");
    assert!(trace["error"]["message"]
        .as_str()
        .unwrap()
        .contains("unknown provider `nosuch`"));
    std::fs::write(
        &config,
        r#"{"provider": "tourwell", "tokn": "secret-value-1"}"#,
    )
    .unwrap();
    let (code, lines) = airbyte(&["check", "--config", &config]);
    assert_eq!(code, 2);
    let message = parse(&lines)[0]["trace"]["error"]["message"].to_string();
    assert!(message.contains("unknown field `tokn`"), "{message}");
}

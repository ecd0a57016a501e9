//! The `custkit` binary end to end: run for real, against its sandbox and against local
//! mock providers on 127.0.0.1. Each test runs in an empty directory with an empty home,
//! so no configuration or credential of the machine leaks in.

mod support;

use support::custkit;

use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

const TOKEN: &str = "tw-cli-secret-token-9876543210";

fn stdout_lines(output: &std::process::Output) -> Vec<Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn example_records() -> Vec<Value> {
    let example: Value =
        serde_json::from_str(custkit::tourwell::PROVIDER.examples[0].body).unwrap();
    example["data"].as_array().unwrap().clone()
}

#[test]
fn default_sync_uses_the_sandbox_and_prints_the_golden_customers_as_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let output = custkit(dir.path())
        .args(["sync", "tourwell"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let stderr = stderr(&output);
    assert!(
        stderr.contains("no credentials for tourwell configured"),
        "{stderr}"
    );
    assert!(stderr.contains("sandbox at http://127.0.0.1:"), "{stderr}");
    assert!(
        stderr.contains("6 customers from tourwell (0 record errors) in 1 page, "),
        "{stderr}"
    );

    let golden: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/tourwell/list_customers.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let mut lines = stdout_lines(&output);
    let raws: Vec<Value> = lines
        .iter_mut()
        .map(|line| line.as_object_mut().unwrap().remove("raw").unwrap())
        .collect();
    assert_eq!(lines, golden);
    assert_eq!(raws, example_records(), "raw is each record as served");
}

#[test]
fn csv_has_the_documented_header_and_flattened_rows() {
    let dir = tempfile::tempdir().unwrap();
    let output = custkit(dir.path())
        .args(["sync", "tourwell", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header.join(","),
        "provider,remote_id,code,full_name,given_name,family_name,salutation,gender,\
         birth_date,emails,phones,addresses,national_ids,company,groups,tags,source,active,\
         loyalty_tier,loyalty_membership_number,loyalty_points,total_spent,currency,\
         order_count,visit_count,created_at,updated_at,custom_fields,withheld"
    );
    let rows: Vec<HashMap<String, String>> = reader
        .records()
        .map(|row| {
            header
                .iter()
                .cloned()
                .zip(row.unwrap().iter().map(String::from))
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 6);
    let first = &rows[0];
    assert_eq!(first["remote_id"], "2150");
    assert_eq!(first["full_name"], "Thân Thị Cẩm Lệ");
    assert_eq!(first["phones"], "+84888899000; +84912345678");
    assert_eq!(
        first["emails"], "",
        "the example's emails are empty strings"
    );
    assert_eq!(first["withheld"], "", "nothing is withheld");
    assert_eq!(first["total_spent"], "198860000");
    assert_eq!(first["currency"], "VND");
    assert_eq!(first["groups"], "Cá nhân; Khách lẻ");
    assert_eq!(first["created_at"], "2025-05-30T05:09:37+00:00");
    let custom: Value = serde_json::from_str(&first["custom_fields"]).unwrap();
    assert_eq!(custom["current_debt"], "168760000 VND");
    let second = &rows[1];
    assert_eq!(second["emails"], "email@gmail.com; email2@gmail.com");
}

#[test]
fn a_thousand_synthetic_records_arrive_complete_across_pages_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let output = custkit(dir.path())
        .args(["sync", "tourwell", "--sandbox-records", "1000"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = stdout_lines(&output);
    assert_eq!(lines.len(), 1000);
    let ids: BTreeSet<&str> = lines
        .iter()
        .map(|line| line["remote_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 1000, "remote ids are unique");
    let names: BTreeSet<&str> = lines
        .iter()
        .filter_map(|line| line["full_name"].as_str())
        .collect();
    assert!(names.len() > 50, "names vary: {}", names.len());
    assert!(
        names.iter().any(|name| name.contains("Nguyễn")),
        "{names:?}"
    );
    // The provider's quirks survive: `[]` for an empty creator, money with separators.
    let raws: Vec<&Value> = lines.iter().map(|line| &line["raw"]).collect();
    assert!(raws.iter().any(|raw| raw["creator"] == json!([])));
    assert!(raws
        .iter()
        .any(|raw| raw["order_history"]["total_revenue"] == json!("198,860,000")));
    assert!(stderr(&output).contains("1000 customers from tourwell (0 record errors)"));
}

#[test]
fn sandbox_filters_by_the_fields_parameters_name() {
    let dir = tempfile::tempdir().unwrap();
    let output = custkit(dir.path())
        .args(["sync", "tourwell", "--sandbox-records", "200"])
        .args(["--filter", "agent_level_id=2", "--filter", "name=nguyễn"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = stdout_lines(&output);
    assert!(!lines.is_empty() && lines.len() < 200, "{}", lines.len());
    for line in &lines {
        assert!(line["full_name"].as_str().unwrap().starts_with("Nguyễn"));
        assert_eq!(line["raw"]["agent_level"]["id"], json!(2));
    }
}

fn sqlite_rows(path: &Path, sql: &str) -> Vec<Vec<rusqlite::types::Value>> {
    let connection = rusqlite::Connection::open(path).unwrap();
    let mut statement = connection.prepare(sql).unwrap();
    let columns = statement.column_count();
    statement
        .query_map([], |row| {
            (0..columns)
                .map(|index| row.get::<_, rusqlite::types::Value>(index))
                .collect()
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn sqlite_upserts_by_provider_and_remote_id_and_records_each_run() {
    use rusqlite::types::Value as Sql;
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let output = custkit(dir.path())
            .args([
                "sync",
                "tourwell",
                "--sandbox-records",
                "60",
                "--out",
                "store.sqlite",
            ])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert!(
            output.stdout.is_empty(),
            "records go to the store, not stdout"
        );
    }
    let db = dir.path().join("store.sqlite");
    assert_eq!(
        sqlite_rows(&db, "SELECT count(*), count(DISTINCT remote_id), min(first_seen_run), max(first_seen_run), min(last_seen_run) FROM customers"),
        vec![vec![Sql::Integer(60), Sql::Integer(60), Sql::Integer(1), Sql::Integer(1), Sql::Integer(2)]]
    );
    assert_eq!(
        sqlite_rows(&db, "SELECT id, provider, endpoint, records, errors, status, finished IS NOT NULL FROM sync_runs ORDER BY id"),
        (1..=2)
            .map(|id| vec![
                Sql::Integer(id),
                Sql::Text("tourwell".into()),
                Sql::Text("list_customers".into()),
                Sql::Integer(60),
                Sql::Integer(0),
                Sql::Text("ok".into()),
                Sql::Integer(1),
            ])
            .collect::<Vec<_>>()
    );
    // The raw record is kept verbatim next to the normalized customer.
    let rows = sqlite_rows(
        &db,
        "SELECT raw, customer, full_name, total_spent, currency FROM customers WHERE remote_id = '100001'",
    );
    let [raw, customer, name, spent, currency] = &rows[0][..] else {
        panic!("{rows:?}")
    };
    let (Sql::Text(raw), Sql::Text(customer)) = (raw, customer) else {
        panic!("{rows:?}")
    };
    let raw: Value = serde_json::from_str(raw).unwrap();
    let customer: Value = serde_json::from_str(customer).unwrap();
    assert_eq!(raw["id"], json!(100001));
    assert_eq!(raw["order_history"]["total_revenue"], json!("198,860,000"));
    assert_eq!(customer["raw"], raw);
    assert_eq!(name, &Sql::Text("Nguyễn Thị Anh".into()));
    assert_eq!(spent, &Sql::Text("198860000".into()));
    assert_eq!(currency, &Sql::Text("VND".into()));
}

/// A Tourwell-like provider that wants `TOKEN` and echoes the Authorization header in
/// its 401 body (as some servers do).
async fn mock_tourwell() -> support::Mock {
    async fn list(
        headers: HeaderMap,
        Query(query): Query<HashMap<String, String>>,
    ) -> impl IntoResponse {
        let auth = headers
            .get("authorization")
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
            .to_string();
        if auth != format!("Bearer {TOKEN}") {
            return (
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({"message": format!("bad credential: {auth}")})),
            );
        }
        let page: usize = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        let records = example_records();
        let data = if page == 1 { records } else { Vec::new() };
        (
            StatusCode::OK,
            axum::Json(json!({"data": data, "meta": {"last_page": 1}})),
        )
    }
    support::serve(Router::new().route("/api/v1/customers", get(list))).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_credentials_come_from_flags_environment_or_config_file() {
    let mock = mock_tourwell().await;
    let dir = tempfile::tempdir().unwrap();
    let url = mock.url();
    let path = dir.path().to_path_buf();
    let runs = tokio::task::spawn_blocking(move || {
        let by_flag = custkit(&path)
            .args(["sync", "tourwell", "--base-url", &url])
            .arg(format!("--credential=token={TOKEN}"))
            .output()
            .unwrap();
        let by_env = custkit(&path)
            .args(["sync", "tourwell", "--base-url", &url])
            .env("CUSTKIT_TOURWELL_TOKEN", TOKEN)
            .output()
            .unwrap();
        std::fs::write(
            path.join("custkit.toml"),
            format!("[tourwell]\nbase_url = \"{url}\"\ncredentials = {{ token = \"{TOKEN}\" }}\n"),
        )
        .unwrap();
        let by_file = custkit(&path).args(["sync", "tourwell"]).output().unwrap();
        [by_flag, by_env, by_file]
    })
    .await
    .unwrap();
    for output in &runs {
        assert_eq!(output.status.code(), Some(0), "{}", stderr(output));
        assert_eq!(stdout_lines(output).len(), 6);
        assert!(!stderr(output).contains("sandbox"), "{}", stderr(output));
        assert!(!stderr(output).contains(TOKEN));
    }
    assert_eq!(mock.requests().len(), 3);
}

#[test]
fn a_missing_credential_names_the_three_ways_to_set_it() {
    let dir = tempfile::tempdir().unwrap();
    let output = custkit(dir.path())
        .args(["sync", "tourwell", "--base-url", "http://127.0.0.1:9"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr(&output);
    assert!(
        stderr.contains("tourwell (bearer auth) is missing credential `token`"),
        "{stderr}"
    );
    assert!(stderr.contains("--credential token=VALUE"), "{stderr}");
    assert!(stderr.contains("CUSTKIT_TOURWELL_TOKEN"), "{stderr}");
    assert!(stderr.contains("[tourwell.credentials]"), "{stderr}");
    assert!(stderr.contains("custkit.toml"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_credential_is_a_provider_error_and_is_never_echoed() {
    let mock = mock_tourwell().await;
    let dir = tempfile::tempdir().unwrap();
    let url = mock.url();
    let path = dir.path().to_path_buf();
    let wrong = "wrong-secret-credential-123456";
    let output = tokio::task::spawn_blocking(move || {
        custkit(&path)
            .args(["sync", "tourwell", "--base-url", &url])
            .arg(format!("--credential=token={wrong}"))
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let stderr = stderr(&output);
    assert!(stderr.contains("HTTP 401"), "{stderr}");
    assert!(!stderr.contains(wrong), "{stderr}");
    assert_eq!(mock.requests().len(), 1);
}

#[test]
fn a_bad_parameter_fails_before_anything_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "agent_level_id=two",
            "parameter `agent_level_id` must be a whole number",
        ),
        (
            "nickname=x",
            "list_customers has no parameter `nickname`; it has: name, code",
        ),
        ("name", "`name` is not NAME=VALUE"),
    ];
    for (filter, expected) in cases {
        let output = custkit(dir.path())
            .args(["sync", "tourwell", "--filter", filter])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{filter}");
        let stderr = stderr(&output);
        assert!(stderr.contains(expected), "{filter}: {stderr}");
        assert!(!stderr.contains("sandbox"), "nothing started: {stderr}");
    }
}

#[test]
fn show_finds_one_customer_or_says_why_not() {
    let dir = tempfile::tempdir().unwrap();
    let found = custkit(dir.path())
        .args(["show", "tourwell", "--code", "KH2150"])
        .output()
        .unwrap();
    assert_eq!(found.status.code(), Some(0), "{}", stderr(&found));
    let lines = stdout_lines(&found);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["remote_id"], "2150");

    let by_param = custkit(dir.path())
        .args([
            "show",
            "tourwell",
            "--param",
            "code=KH2149",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert_eq!(by_param.status.code(), Some(0), "{}", stderr(&by_param));
    let text = String::from_utf8(by_param.stdout).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("tourwell,2149,KH2149,"));

    let none = custkit(dir.path())
        .args(["show", "tourwell", "--code", "NOPE"])
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(6), "{}", stderr(&none));

    let many = custkit(dir.path())
        .args(["show", "tourwell", "--name", "Thân"])
        .output()
        .unwrap();
    assert_eq!(many.status.code(), Some(2), "{}", stderr(&many));
    assert!(stderr(&many).contains("more than one tourwell customer matches"));
}

#[test]
fn help_documents_the_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let output = custkit(dir.path()).arg("--help").output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("Exit codes: 0 ok, 1 some records skipped"),
        "{text}"
    );
    assert!(text.contains("6 no customer matches"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_record_is_reported_skipped_and_the_run_marked_partial() {
    async fn list() -> impl IntoResponse {
        let mut records = example_records();
        records[1]["id"] = json!("not-a-number");
        axum::Json(json!({"data": records, "meta": {"last_page": 1}}))
    }
    let mock = support::serve(Router::new().route("/api/v1/customers", get(list))).await;
    let dir = tempfile::tempdir().unwrap();
    let url = mock.url();
    let path = dir.path().to_path_buf();
    let (lenient, strict) = tokio::task::spawn_blocking(move || {
        let run = |extra: &[&str]| {
            custkit(&path)
                .args([
                    "sync",
                    "tourwell",
                    "--base-url",
                    &url,
                    "--credential",
                    "token=t",
                ])
                .args(["--out", "store.sqlite"])
                .args(extra)
                .output()
                .unwrap()
        };
        (run(&[]), run(&["--strict"]))
    })
    .await
    .unwrap();
    assert_eq!(lenient.status.code(), Some(1), "{}", stderr(&lenient));
    let text = stderr(&lenient);
    assert!(
        text.contains("warning: skipped tourwell list_customers: page 1, record 1"),
        "{text}"
    );
    assert!(
        text.contains("5 customers from tourwell (1 record errors)"),
        "{text}"
    );
    assert!(
        !text.contains("not-a-number"),
        "the value is not echoed: {text}"
    );
    assert_eq!(strict.status.code(), Some(1), "{}", stderr(&strict));
    assert!(
        stderr(&strict).contains("(--strict)"),
        "{}",
        stderr(&strict)
    );
    use rusqlite::types::Value as Sql;
    assert_eq!(
        sqlite_rows(
            &dir.path().join("store.sqlite"),
            "SELECT records, errors, status FROM sync_runs ORDER BY id"
        ),
        vec![
            vec![
                Sql::Integer(5),
                Sql::Integer(1),
                Sql::Text("partial".into())
            ],
            vec![Sql::Integer(1), Sql::Integer(1), Sql::Text("failed".into())],
        ]
    );
}

/// Runs `custkit` with `args` in `dir` off the test's runtime (the mocks serve on it).
async fn run_blocking(dir: &Path, args: Vec<String>) -> std::process::Output {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || custkit(&dir).args(args).output().unwrap())
        .await
        .unwrap()
}

fn args(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| item.to_string()).collect()
}

#[test]
fn show_ladiflow_finds_one_sandbox_customer_by_id_email_or_phone() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = ["--sandbox-records", "40"];
    let all = custkit(dir.path())
        .args(["sync", "ladiflow"])
        .args(sandbox)
        .output()
        .unwrap();
    assert_eq!(all.status.code(), Some(0), "{}", stderr(&all));
    let lines = stdout_lines(&all);
    assert_eq!(lines.len(), 40);
    // Record 17: its id ends like record 1's (…a1, …a17), so only an exact lookup finds it.
    let wanted = &lines[16];
    let id = wanted["remote_id"].as_str().unwrap();
    assert_eq!(id, "662c801d7fd0573d9b2f23a17");
    let email = wanted["emails"][0]["address"].as_str().unwrap();
    let phone = wanted["raw"]["phone"].as_str().unwrap();
    for (flag, value) in [
        ("--customer_id", id),
        ("--email", email),
        ("--phone", phone),
    ] {
        let found = custkit(dir.path())
            .args(["show", "ladiflow", flag, value])
            .args(sandbox)
            .output()
            .unwrap();
        assert_eq!(found.status.code(), Some(0), "{flag}: {}", stderr(&found));
        assert_eq!(stdout_lines(&found), vec![wanted.clone()], "{flag}");
    }
    let example = custkit(dir.path())
        .args([
            "show",
            "ladiflow",
            "--customer_id",
            "662c801d7fd0573d9b2f23a8",
        ])
        .output()
        .unwrap();
    assert_eq!(example.status.code(), Some(0), "{}", stderr(&example));
    assert_eq!(
        stdout_lines(&example)[0]["full_name"],
        json!("Nguyễn Mạnh Dũng")
    );
    let none = custkit(dir.path())
        .args([
            "show",
            "ladiflow",
            "--customer_id",
            "662c801d7fd0573d9b2f23a",
        ])
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(6), "{}", stderr(&none));
    assert!(none.stdout.is_empty());
    let without = custkit(dir.path())
        .args(["show", "ladiflow"])
        .output()
        .unwrap();
    assert_eq!(without.status.code(), Some(2));
    assert!(
        stderr(&without).contains("show ladiflow needs a lookup parameter of show_customer: --customer_id, --email, --phone"),
        "{}",
        stderr(&without)
    );
}

const LADIFLOW_KEY: &str = "lf-cli-key-0123456789";

/// A LadiFlow that knows three customers, wants `LADIFLOW_KEY`, and answers like the
/// provider: HTTP 200 with its own `code` (404 when no customer matches).
async fn mock_ladiflow() -> support::Mock {
    async fn show(headers: HeaderMap, axum::Json(body): axum::Json<Value>) -> axum::Json<Value> {
        if headers.get("api-key").and_then(|v| v.to_str().ok()) != Some(LADIFLOW_KEY) {
            return axum::Json(
                json!({"data": null, "message": "Api-Key không hợp lệ", "code": 401}),
            );
        }
        let example: Value =
            serde_json::from_str(custkit::ladiflow::PROVIDER.examples[0].body).unwrap();
        let customers: Vec<Value> = (1..=3)
            .map(|n| {
                let mut customer = example["data"]["customer"].clone();
                customer["_id"] = json!(format!("lf-{n}"));
                customer["email"] = json!(format!("khach{n}@example.vn"));
                customer["phone"] = json!(format!("090000000{n}"));
                customer
            })
            .collect();
        let found = customers.into_iter().find(|customer| {
            [
                ("customer_id", "_id"),
                ("email", "email"),
                ("phone", "phone"),
            ]
            .iter()
            .all(|(param, field)| {
                body.get(param)
                    .is_none_or(|given| *given == customer[field])
            })
        });
        axum::Json(match found {
            Some(customer) => json!({"data": {"customer": customer}, "message": "OK", "code": 200}),
            None => json!({"data": null, "message": "Không tìm thấy khách hàng", "code": 404}),
        })
    }
    support::serve(Router::new().route("/1.0/customer/show", axum::routing::post(show))).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_ladiflow_looks_up_a_real_provider_by_id_email_or_phone() {
    let mock = mock_ladiflow().await;
    let dir = tempfile::tempdir().unwrap();
    let connect = |lookup: &[&str], key: &str| {
        let mut all = args(&["show", "ladiflow", "--base-url", &mock.url()]);
        all.push(format!("--credential=api_key={key}"));
        all.extend(args(lookup));
        all
    };
    let lookups = [
        (["--customer_id", "lf-2"], json!({"customer_id": "lf-2"})),
        (
            ["--email", "khach2@example.vn"],
            json!({"email": "khach2@example.vn"}),
        ),
        (["--phone", "0900000002"], json!({"phone": "0900000002"})),
    ];
    for (index, (lookup, body)) in lookups.iter().enumerate() {
        let output = run_blocking(dir.path(), connect(lookup, LADIFLOW_KEY)).await;
        assert_eq!(
            output.status.code(),
            Some(0),
            "{lookup:?}: {}",
            stderr(&output)
        );
        let lines = stdout_lines(&output);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0]["remote_id"], json!("lf-2"), "{lookup:?}");
        assert_eq!(lines[0]["emails"][0]["address"], json!("khach2@example.vn"));
        let seen = &mock.requests()[index];
        assert_eq!(seen.header("api-key"), Some(LADIFLOW_KEY));
        assert_eq!(serde_json::from_str::<Value>(&seen.body).unwrap(), *body);
    }
    // The provider's own "not found" arrives as HTTP 200 with code 404: a rejected call.
    let missing = run_blocking(
        dir.path(),
        connect(&["--email", "nobody@example.vn"], LADIFLOW_KEY),
    )
    .await;
    assert_eq!(missing.status.code(), Some(3), "{}", stderr(&missing));
    assert_eq!(
        stderr(&missing),
        "error: ladiflow show_customer: page 1: the provider reported a failure: \
         `code` is 404, not 200: Không tìm thấy khách hàng\n"
    );
    let wrong = "lf-wrong-key-999999";
    let denied = run_blocking(dir.path(), connect(&["--customer_id", "lf-1"], wrong)).await;
    assert_eq!(denied.status.code(), Some(3), "{}", stderr(&denied));
    assert!(
        stderr(&denied).contains("the provider reported a failure"),
        "{}",
        stderr(&denied)
    );
    assert!(!stderr(&denied).contains(wrong));
    assert_eq!(mock.requests().len(), 5);
}

/// A `customers` row: remote id, email and phone columns, and the stored customer's and
/// raw record's JSON.
type Row = (String, Option<String>, Option<String>, Value, Value);

/// The `customers` rows of `db`, by remote id.
fn meedee_rows(db: &Path) -> Vec<Row> {
    let connection = rusqlite::Connection::open(db).unwrap();
    let mut statement = connection
        .prepare("SELECT remote_id, email, phone, customer, raw FROM customers ORDER BY remote_id")
        .unwrap();
    statement
        .query_map([], |row| {
            let customer: String = row.get(3)?;
            let raw: String = row.get(4)?;
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                serde_json::from_str(&customer).unwrap(),
                serde_json::from_str(&raw).unwrap(),
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_withheld_value_never_overwrites_a_known_one_in_sqlite_in_either_order() {
    let dir = tempfile::tempdir().unwrap();
    let sync = |db: &str, withhold: bool| {
        let mut command = custkit(dir.path());
        command.args(["sync", "meedee", "--sandbox-records", "4", "--out", db]);
        if withhold {
            command.arg("--sandbox-withhold-pii");
        }
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    };
    let withheld = json!({"withheld": true});

    // Known first, then withheld: every known value stays, raw is the record as last sent.
    sync("known-first.sqlite", false);
    let known = meedee_rows(&dir.path().join("known-first.sqlite"));
    assert_eq!(known.len(), 4);
    for (_, email, phone, customer, raw) in &known {
        assert_eq!(*email, None, "the examples' email is null: known empty");
        assert!(
            phone
                .as_deref()
                .is_some_and(|phone| phone.starts_with("+668")),
            "{phone:?}"
        );
        assert_eq!(customer["emails"], json!([]));
        assert_eq!(customer["phones"][0]["e164"], json!(phone));
        assert_eq!(customer["addresses"][0]["country"], json!("Thailand"));
        assert_eq!(raw["phone"], customer["phones"][0]["raw"]);
    }
    sync("known-first.sqlite", true);
    let second = meedee_rows(&dir.path().join("known-first.sqlite"));
    assert_eq!(second.len(), 4);
    for (before, after) in known.iter().zip(&second) {
        assert_eq!(after.0, before.0);
        assert_eq!((&after.1, &after.2), (&before.1, &before.2), "columns kept");
        for field in [
            "emails",
            "phones",
            "addresses",
            "national_ids",
            "birth_date",
        ] {
            assert_eq!(after.3[field], before.3[field], "{field} kept");
        }
        assert!(
            after.4.get("phone").is_none(),
            "raw as last sent: {}",
            after.4
        );
        assert!(after.4.get("country").is_none());
    }

    // Withheld first, then known: withheld is stored as such, then replaced.
    sync("withheld-first.sqlite", true);
    let first = meedee_rows(&dir.path().join("withheld-first.sqlite"));
    assert_eq!(first.len(), 4);
    for (_, email, phone, customer, _) in &first {
        assert_eq!((email, phone), (&None, &None));
        for field in [
            "emails",
            "phones",
            "addresses",
            "national_ids",
            "birth_date",
        ] {
            assert_eq!(customer[field], withheld, "{field}");
        }
    }
    sync("withheld-first.sqlite", false);
    assert_eq!(
        meedee_rows(&dir.path().join("withheld-first.sqlite")),
        known,
        "a known value replaces a withheld one: the rows of a known sync"
    );
}

#[test]
fn the_sandbox_pages_by_cursor_with_a_token_from_its_token_endpoint() {
    let dir = tempfile::tempdir().unwrap();
    let output = custkit(dir.path())
        .args([
            "sync",
            "meedee",
            "--sandbox-records",
            "130",
            "--filter",
            "limit=7",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = stdout_lines(&output);
    let ids: BTreeSet<&str> = lines
        .iter()
        .map(|line| line["remote_id"].as_str().unwrap())
        .collect();
    assert_eq!((lines.len(), ids.len()), (130, 130), "every record once");
    assert!(
        stderr(&output).contains("130 customers from meedee (0 record errors) in 19 pages"),
        "{}",
        stderr(&output)
    );
    // The spec's default page size, 50.
    let default = custkit(dir.path())
        .args(["sync", "meedee", "--sandbox-records", "130"])
        .output()
        .unwrap();
    assert!(
        stderr(&default).contains("130 customers from meedee (0 record errors) in 3 pages"),
        "{}",
        stderr(&default)
    );
}

/// The error a typed builder gives for a parameter, before any request.
async fn builder_error(
    request: impl FnOnce(&custkit::meedee::Client) -> custkit::meedee::ListCustomers,
) -> String {
    let client = custkit::meedee::Client::builder()
        .host("127.0.0.1:9")
        .client_id("id")
        .client_secret("secret")
        .build()
        .unwrap();
    let mut stream = request(&client).stream();
    futures::StreamExt::next(&mut stream)
        .await
        .unwrap()
        .unwrap_err()
        .to_string()
}

#[tokio::test]
async fn a_filter_breaking_a_spec_rule_fails_like_the_typed_builder_before_anything_starts() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "limit=201",
            builder_error(|c| c.list_customers().limit(201)).await,
        ),
        (
            "limit=0",
            builder_error(|c| c.list_customers().limit(0)).await,
        ),
        ("q=", builder_error(|c| c.list_customers().q("")).await),
        (
            "membership_tier_id=5c19101c",
            builder_error(|c| c.list_customers().membership_tier_id("5c19101c")).await,
        ),
    ];
    assert_eq!(
        cases[0].1,
        "meedee list_customers: parameter `limit` must be between 1 and 200; no request was sent"
    );
    for (filter, expected) in &cases {
        let output = run_blocking(dir.path(), args(&["sync", "meedee", "--filter", filter])).await;
        assert_eq!(output.status.code(), Some(2), "{filter}");
        assert_eq!(
            stderr(&output),
            format!("error: {expected}\n"),
            "{filter}: nothing started"
        );
    }
    let more = [
        (
            "ladiflow",
            "sort_updated_at=newest",
            "ladiflow list_customers: parameter `sort.updated_at` must be one of: ASC, DESC; no request was sent",
        ),
        (
            "xtrakit",
            "updated_at=31/08/2024",
            "xtrakit list_customers: parameter `updated_at` must be a date written as `%Y-%m-%d`; no request was sent",
        ),
        (
            "xtrakit",
            "created_at=2024-08-01",
            "xtrakit list_customers: parameter `created_at` must be a date and time written as `%Y-%m-%d %H:%M:%S`; no request was sent",
        ),
    ];
    for (provider, filter, expected) in more {
        let output = run_blocking(dir.path(), args(&["sync", provider, "--filter", filter])).await;
        assert_eq!(output.status.code(), Some(2), "{filter}");
        assert_eq!(stderr(&output), format!("error: {expected}\n"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_client_credentials_are_an_auth_error_exit_3_without_the_secret() {
    async fn token() -> impl IntoResponse {
        (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"error": "invalid_client"})),
        )
    }
    let mock = support::serve(
        Router::new().route("/api/partner/v1/oauth/token", axum::routing::post(token)),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let secret = "meedee-cli-secret-424242";
    let mut command = args(&["sync", "meedee", "--base-url", &mock.url()]);
    command.push("--credential=client_id=partner-7".into());
    command.push(format!("--credential=client_secret={secret}"));
    let output = run_blocking(dir.path(), command).await;
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(
        text.contains(
            "error: meedee: authentication failed: the token endpoint answered HTTP 401: {\"error\":\"invalid_client\"}"
        ),
        "{text}"
    );
    assert!(!text.contains(secret), "{text}");
    let seen = mock.requests();
    assert_eq!(seen.len(), 1, "no data request without a token");
    assert!(seen[0].body.contains("client_secret="), "{}", seen[0].body);
}

#[test]
fn an_unreachable_provider_is_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on the discard port of 127.0.0.1.
    let output = custkit(dir.path())
        .args([
            "sync",
            "tourwell",
            "--base-url",
            "http://127.0.0.1:9",
            "--credential",
            "token=t",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("error: tourwell list_customers: error sending request"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_filter_is_named_by_its_spec_key_or_the_providers_name() {
    let dir = tempfile::tempdir().unwrap();
    let run = |filter: &str| {
        let output = custkit(dir.path())
            .args([
                "sync",
                "ladiflow",
                "--sandbox-records",
                "60",
                "--filter",
                filter,
            ])
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{filter}: {}",
            stderr(&output)
        );
        stdout_lines(&output)
    };
    // LadiFlow's `name` parameter is sent as `search.name` in the body.
    let by_key = run("name=nguyễn");
    assert!(!by_key.is_empty() && by_key.len() < 60, "{}", by_key.len());
    for line in &by_key {
        assert!(
            line["full_name"].as_str().unwrap().starts_with("Nguyễn"),
            "{line}"
        );
    }
    assert_eq!(run("search.name=nguyễn"), by_key);
}

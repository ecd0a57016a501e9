//! End-to-end sync benchmark: the generated Tourwell client's `.stream()` against a
//! hand-written reqwest + serde client, both pulling the same Tourwell-shaped records
//! from a local mock on 127.0.0.1, at 25 and 200 records per page.
//!
//! Run: `cargo bench --bench sync` (1,000,000 records; `-- --records 100000` for a
//! shorter run; `-- --rounds 5` to repeat each pair of runs, alternating which client
//! goes first, and report the median ratio: on a shared machine one pair can be off by
//! a tenth either way).
//!
//! The mock runs in this process and generates each page on the fly from the documented
//! example records (fresh ids), so it holds no result set. Every client run is a child
//! process (this same binary, re-executed), so its peak RSS (`VmHWM`) is the client's
//! alone. Each child checks that it received every record exactly once (count and sum
//! of ids) before it reports.

mod common;

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::Router;
use common::baseline::tourwell as tourwell_baseline;
use futures::{StreamExt, TryStreamExt};
use std::collections::HashMap;
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

/// Tells a re-executed child which client to run.
const CHILD_ENV: &str = "CUSTKIT_SYNC_BENCH_CHILD";
/// Pages in flight for both clients (the generated client's default).
const CONCURRENCY: usize = 4;
/// Stands for the id in a record template.
const ID_MARK: &str = "987654321987";

fn main() {
    match std::env::var(CHILD_ENV) {
        Ok(kind) => child(&kind),
        Err(_) => parent(),
    }
}

/// What the command line asks for.
struct Options {
    records: u64,
    page_sizes: Vec<u64>,
    /// Pairs of runs per page size, alternating which client goes first.
    rounds: usize,
}

fn options() -> Options {
    let mut options = Options {
        records: 1_000_000,
        page_sizes: vec![25, 200],
        rounds: 1,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--records" => {
                options.records = args
                    .next()
                    .and_then(|value| value.parse().ok())
                    .unwrap_or_else(|| usage("--records takes a number"));
            }
            "--rounds" => {
                options.rounds = args
                    .next()
                    .and_then(|value| value.parse().ok())
                    .filter(|rounds| *rounds > 0)
                    .unwrap_or_else(|| usage("--rounds takes a positive number"));
            }
            "--page-sizes" => {
                options.page_sizes = args
                    .next()
                    .map(|value| value.split(',').filter_map(|n| n.parse().ok()).collect())
                    .filter(|sizes: &Vec<u64>| !sizes.is_empty() && !sizes.contains(&0))
                    .unwrap_or_else(|| usage("--page-sizes takes a list such as 25,200"));
            }
            // `cargo bench` passes `--bench`; other flags belong to other harnesses.
            _ => {}
        }
    }
    options
}

fn usage(message: &str) -> ! {
    eprintln!("sync bench: {message}");
    std::process::exit(2)
}

// ---------------------------------------------------------------------------------------
// The parent: mock server and report.

/// A finished client run, as the child reported it.
struct Run {
    records: u64,
    seconds: f64,
    /// CPU time the client used (user + system, all threads), where `/proc` has it.
    cpu_seconds: Option<f64>,
    peak_rss_kb: Option<u64>,
}

fn parent() {
    let options = options();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let templates = Arc::new(templates());
    let address = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind 127.0.0.1");
        let address = listener.local_addr().expect("local address");
        let router = Router::new()
            .route("/{total}/{per_page}/api/v1/customers", get(page))
            .with_state(templates);
        tokio::spawn(async move { axum::serve(listener, router).await });
        address
    });
    let exe = std::env::current_exe().expect("own path");
    println!(
        "sync benchmark: {} Tourwell-shaped records from a mock at {address}, {CONCURRENCY} pages in flight",
        options.records
    );
    println!(
        "{:>8}  {:<14} {:>10} {:>12} {:>16} {:>14}",
        "per_page", "client", "seconds", "records/s", "CPU µs/record", "peak RSS (MB)"
    );
    for &per_page in &options.page_sizes {
        let base_url = format!("http://{address}/{}/{per_page}", options.records);
        let mut ratios = Vec::new();
        for round in 0..options.rounds {
            // Alternate which client goes first, so neither always runs second.
            let order = if round % 2 == 0 {
                ["custkit", "hand_written"]
            } else {
                ["hand_written", "custkit"]
            };
            let mut rates = HashMap::new();
            for kind in order {
                let run = run_child(&exe, kind, &base_url, options.records);
                let rate = run.records as f64 / run.seconds;
                rates.insert(kind, rate);
                println!(
                    "{per_page:>8}  {kind:<14} {:>10.2} {:>12.0} {:>16} {:>14}",
                    run.seconds,
                    rate,
                    run.cpu_seconds
                        .map(|cpu| format!("{:.1}", cpu * 1e6 / run.records as f64))
                        .unwrap_or_else(|| "n/a".into()),
                    run.peak_rss_kb
                        .map(|kb| format!("{:.1}", kb as f64 / 1024.0))
                        .unwrap_or_else(|| "n/a".into())
                );
            }
            let ratio = rates["custkit"] / rates["hand_written"];
            println!("{per_page:>8}  custkit / hand_written = {ratio:.2}");
            ratios.push(ratio);
        }
        if ratios.len() > 1 {
            ratios.sort_by(f64::total_cmp);
            println!(
                "{per_page:>8}  over {} rounds: median {:.2}, from {:.2} to {:.2}",
                ratios.len(),
                ratios[ratios.len() / 2],
                ratios[0],
                ratios[ratios.len() - 1]
            );
        }
    }
    if let Some(kb) = peak_rss_kb() {
        println!("mock server process peak RSS: {:.1} MB", kb as f64 / 1024.0);
    }
}

fn run_child(exe: &std::path::Path, kind: &str, base_url: &str, records: u64) -> Run {
    let output = Command::new(exe)
        .env(CHILD_ENV, kind)
        .env("CUSTKIT_SYNC_BENCH_URL", base_url)
        .env("CUSTKIT_SYNC_BENCH_RECORDS", records.to_string())
        .output()
        .expect("re-execute the benchmark as a client");
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&output.stderr));
        panic!("the {kind} client failed ({})", output.status);
    }
    let field = |name: &str| -> Option<&str> {
        stdout
            .split_whitespace()
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
    };
    Run {
        records: field("records")
            .and_then(|n| n.parse().ok())
            .expect("child reports records"),
        seconds: field("seconds")
            .and_then(|n| n.parse().ok())
            .expect("child reports seconds"),
        cpu_seconds: field("cpu_seconds").and_then(|n| n.parse().ok()),
        peak_rss_kb: field("peak_rss_kb").and_then(|n| n.parse().ok()),
    }
}

/// The documented example records as text templates split around their id, so a page
/// is written by concatenation: `parts[0] id parts[1] id parts[2]` (`id` and `code`).
fn templates() -> Vec<Vec<String>> {
    let example: serde_json::Value =
        serde_json::from_str(custkit::tourwell::PROVIDER.examples[0].body).expect("JSON");
    let seeds = example["data"].as_array().expect("data array");
    seeds
        .iter()
        .map(|seed| {
            let mut record = seed.clone();
            record["id"] = serde_json::json!(ID_MARK.parse::<u64>().expect("number"));
            record["code"] = serde_json::json!(format!("KH{ID_MARK}"));
            let text = serde_json::to_string(&record).expect("serializes");
            let parts: Vec<String> = text.split(ID_MARK).map(str::to_string).collect();
            assert_eq!(parts.len(), 3, "the id mark appears in id and code only");
            parts
        })
        .collect()
}

async fn page(
    State(templates): State<Arc<Vec<Vec<String>>>>,
    Path((total, per_page)): Path<(u64, u64)>,
    Query(query): Query<HashMap<String, String>>,
) -> ([(&'static str, &'static str); 1], String) {
    let number: u64 = query
        .get("page")
        .and_then(|page| page.parse().ok())
        .unwrap_or(1)
        .max(1);
    let last_page = total.div_ceil(per_page).max(1);
    let first = (number - 1) * per_page;
    let last = (first + per_page).min(total);
    let mut body = String::with_capacity(per_page as usize * 1100 + 400);
    body.push_str("{\"data\":[");
    for id in first..last {
        if id > first {
            body.push(',');
        }
        let parts = &templates[(id % templates.len() as u64) as usize];
        let id = (id + 1).to_string();
        body.push_str(&parts[0]);
        body.push_str(&id);
        body.push_str(&parts[1]);
        body.push_str(&id);
        body.push_str(&parts[2]);
    }
    body.push_str(&format!(
        "],\"links\":{{\"first\":\"/api/v1/customers?page=1\",\"last\":\"/api/v1/customers?page={last_page}\",\"prev\":null,\"next\":null}},\"meta\":{{\"current_page\":{number},\"from\":{},\"last_page\":{last_page},\"path\":\"/api/v1/customers\",\"per_page\":{per_page},\"to\":{last},\"total\":{total}}}}}",
        first + 1
    ));
    ([("content-type", "application/json")], body)
}

// ---------------------------------------------------------------------------------------
// The children: one client each.

fn child(kind: &str) {
    let base_url = std::env::var("CUSTKIT_SYNC_BENCH_URL").expect("base URL");
    let expected: u64 = std::env::var("CUSTKIT_SYNC_BENCH_RECORDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .expect("record count");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let started = Instant::now();
    let (records, id_sum) = runtime.block_on(async {
        match kind {
            "custkit" => generated_client(&base_url).await,
            "hand_written" => hand_written_client(&base_url).await,
            other => usage(&format!("unknown client {other}")),
        }
    });
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(records, expected, "{kind}: every record, once");
    assert_eq!(id_sum, expected * (expected + 1) / 2, "{kind}: ids 1..=n");
    let cpu = cpu_seconds()
        .map(|cpu| format!(" cpu_seconds={cpu:.3}"))
        .unwrap_or_default();
    let rss = peak_rss_kb()
        .map(|kb| format!(" peak_rss_kb={kb}"))
        .unwrap_or_default();
    println!("records={records} seconds={seconds:.3}{cpu}{rss}");
}

/// The generated client, as a user would call it.
async fn generated_client(base_url: &str) -> (u64, u64) {
    let client = custkit::tourwell::Client::builder()
        .base_url(base_url)
        .bearer_token("bench-token")
        .build()
        .expect("client builds");
    let mut stream = client.list_customers().stream();
    let (mut count, mut id_sum) = (0u64, 0u64);
    while let Some(customer) = stream.try_next().await.expect("sync succeeds") {
        count += 1;
        id_sum += customer.remote_id.parse::<u64>().expect("numeric id");
    }
    (count, id_sum)
}

/// What one would write by hand: reqwest, a derived `Page`, the same concurrency.
async fn hand_written_client(base_url: &str) -> (u64, u64) {
    let http = reqwest::Client::new();
    let url = format!("{base_url}/api/v1/customers");
    let fetch = |number: u64| {
        let request = http
            .get(&url)
            .bearer_auth("bench-token")
            .query(&[("page", number)]);
        async move {
            let bytes = request.send().await?.error_for_status()?.bytes().await?;
            let page: tourwell_baseline::Page =
                serde_json::from_slice(&bytes).expect("page decodes");
            Ok::<_, reqwest::Error>(page)
        }
    };
    let first = fetch(1).await.expect("first page");
    let mut count = first.data.len() as u64;
    let mut id_sum: u64 = first.data.iter().map(|c| c.id as u64).sum();
    let mut rest = futures::stream::iter(2..=first.meta.last_page)
        .map(fetch)
        .buffered(CONCURRENCY);
    while let Some(page) = rest.next().await {
        let page = page.expect("page fetched");
        count += page.data.len() as u64;
        id_sum += page.data.iter().map(|c| c.id as u64).sum::<u64>();
    }
    (count, id_sum)
}

/// The CPU time this process has used, user and system, from `/proc/self/stat`
/// (`utime` and `stime`, in clock ticks of 1/100 s: the Linux `USER_HZ`).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |index: usize| fields.get(index)?.parse::<u64>().ok();
    // utime and stime are fields 14 and 15 of the line; field 3 is the first here.
    Some((ticks(11)? + ticks(12)?) as f64 / 100.0)
}

/// This process's peak resident set (`VmHWM`), where `/proc` has it (Linux).
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

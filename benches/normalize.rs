//! Decode + normalize throughput of every provider's documented example records, and,
//! for Tourwell, a hand-written `#[derive(Deserialize)]` decode of the same bytes as the
//! baseline the generated code is measured against.
//!
//! Run: `cargo bench --bench normalize` (criterion; reports are under
//! `target/criterion/`).
//!
//! Criterion measures each function for seconds on end, one after the other, so on a
//! shared machine a change of load between two of them shows as a change of ratio. The
//! ratio the targets are about is therefore also measured interleaved: many short rounds
//! that each time both sides back to back, reported as the median of the rounds' ratios
//! with its interquartile range.

mod common;

use common::tourwell_baseline;

use criterion::{criterion_group, Criterion, Throughput};
use custkit_runtime::http::Response;
use custkit_runtime::paging::extract_records;
use custkit_runtime::record::RawRecord;
use std::hint::black_box;
use std::time::Instant;

/// The records of one documented example, ready to normalize.
struct ExampleRecords {
    label: String,
    endpoint: &'static custkit_runtime::EndpointSpec,
    records: Vec<RawRecord>,
    bytes: u64,
}

fn examples() -> Vec<ExampleRecords> {
    let mut out = Vec::new();
    for provider in custkit::PROVIDERS {
        for example in provider.examples {
            let Some(endpoint) = provider.endpoint(example.endpoint) else {
                continue;
            };
            let response = Response::new(1, example.body.to_string());
            let Ok(records) = extract_records(endpoint, &response) else {
                continue;
            };
            if records.is_empty() {
                continue;
            }
            let bytes = records.iter().map(|r| r.json.get().len() as u64).sum();
            out.push(ExampleRecords {
                label: format!("{}/{}", provider.name, example.endpoint),
                endpoint,
                records,
                bytes,
            });
        }
    }
    out
}

/// Decodes and normalizes every record of `example`. A normalizer consumes its record
/// (the text moves into `Customer::raw`), so each pass normalizes a copy; a sync makes
/// that copy once, when it reads the page.
fn normalize_all(example: &ExampleRecords) {
    for record in &example.records {
        black_box((example.endpoint.normalize)(black_box(record.clone())).is_ok());
    }
}

/// Decodes every record of `example` into `T` with serde alone.
fn decode_all<T: serde::de::DeserializeOwned>(example: &ExampleRecords) {
    for record in &example.records {
        let decoded: Result<T, _> = serde_json::from_str(black_box(record.json.get()));
        black_box(decoded.is_ok());
    }
}

fn normalize(c: &mut Criterion) {
    let examples = examples();
    assert!(
        !examples.is_empty(),
        "no provider has an example to measure"
    );
    let mut group = c.benchmark_group("decode_normalize");
    for example in &examples {
        group.throughput(Throughput::Bytes(example.bytes));
        group.bench_function(&example.label, |b| b.iter(|| normalize_all(example)));
    }
    group.finish();

    let tourwell = examples
        .iter()
        .find(|example| example.endpoint.provider == "tourwell")
        .expect("the Tourwell example is present");
    let mut group = c.benchmark_group("tourwell_baseline");
    group.throughput(Throughput::Bytes(tourwell.bytes));
    group.bench_function("hand_written_serde_decode", |b| {
        b.iter(|| decode_all::<tourwell_baseline::Customer>(tourwell))
    });
    group.bench_function("generated_decode_only", |b| {
        b.iter(|| decode_all::<custkit::tourwell::Customer>(tourwell))
    });
    group.bench_function("generated_decode_normalize", |b| {
        b.iter(|| normalize_all(tourwell))
    });
    group.finish();
}

/// Rounds of the interleaved measurement, and Tourwell examples decoded per side in each.
const ROUNDS: usize = 301;
const PASSES_PER_ROUND: usize = 400;

/// The Tourwell throughput ratio (hand-written decode time / custkit decode + normalize
/// time, so 1.0 is parity) measured in interleaved rounds; prints the median and the
/// interquartile range.
fn interleaved_ratio() {
    let examples = examples();
    let Some(tourwell) = examples
        .iter()
        .find(|example| example.endpoint.provider == "tourwell")
    else {
        return;
    };
    let hand_written = || decode_all::<tourwell_baseline::Customer>(tourwell);
    let custkit = || normalize_all(tourwell);
    let time = |work: &dyn Fn()| {
        let started = Instant::now();
        for _ in 0..PASSES_PER_ROUND {
            work();
        }
        started.elapsed().as_secs_f64()
    };
    // Warm both up (phone rules, caches) before the first round counts.
    time(&hand_written);
    time(&custkit);
    let mut ratios: Vec<f64> = (0..ROUNDS)
        .map(|round| {
            // Alternate which side goes first, so neither always follows the other.
            if round % 2 == 0 {
                let base = time(&hand_written);
                base / time(&custkit)
            } else {
                let ours = time(&custkit);
                time(&hand_written) / ours
            }
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    let at = |fraction: f64| ratios[((ratios.len() - 1) as f64 * fraction).round() as usize];
    println!(
        "tourwell decode + normalize / hand-written decode, throughput, {ROUNDS} interleaved \
         rounds of {} records a side: median {:.2} (interquartile {:.2}-{:.2})",
        PASSES_PER_ROUND * tourwell.records.len(),
        at(0.5),
        at(0.25),
        at(0.75),
    );
}

criterion_group!(benches, normalize);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    interleaved_ratio();
}

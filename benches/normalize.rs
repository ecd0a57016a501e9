//! Decode + normalize throughput of every provider's documented example records, each
//! against a hand-written `#[derive(Deserialize)]` decode of the same bytes (the
//! baselines in `common/baseline/`).
//!
//! Run: `cargo bench --bench normalize` (criterion; reports are under
//! `target/criterion/`).
//!
//! Criterion measures each function for seconds on end, one after the other, so on a
//! shared machine a change of load between two of them shows as a change of ratio. The
//! ratio the targets are about is therefore also measured interleaved: many short rounds
//! that each time both sides back to back, reported per provider as the median of the
//! rounds' ratios with its interquartile range.

mod common;

use common::baseline;

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

/// A decode of every record of an example; returns how many succeeded.
type DecodeAll = fn(&ExampleRecords) -> usize;

/// Each provider's hand-written decode of its example records.
const HAND_WRITTEN: &[(&str, DecodeAll)] = &[
    ("clopos", decode_all::<baseline::clopos::Customer>),
    ("ladiflow", decode_all::<baseline::ladiflow::Customer>),
    ("meedee", decode_all::<baseline::meedee::Customer>),
    ("tourwell", decode_all::<baseline::tourwell::Customer>),
    ("xtrakit", decode_all::<baseline::xtrakit::Customer>),
];

/// The hand-written decode of `example`'s provider.
fn hand_written(example: &ExampleRecords) -> Option<DecodeAll> {
    HAND_WRITTEN
        .iter()
        .find(|(provider, _)| *provider == example.endpoint.provider)
        .map(|(_, decode)| *decode)
}

/// Decodes and normalizes every record of `example`. A normalizer consumes its record
/// (the text moves into `Customer::raw`), so each pass normalizes a copy; a sync makes
/// that copy once, when it reads the page.
/// Returns how many succeeded.
fn normalize_all(example: &ExampleRecords) -> usize {
    let mut normalized = 0;
    for record in &example.records {
        let customer = (example.endpoint.normalize)(black_box(record.clone()));
        normalized += usize::from(black_box(customer).is_ok());
    }
    normalized
}

/// Decodes every record of `example` into `T` with serde alone; returns how many
/// succeeded.
fn decode_all<T: serde::de::DeserializeOwned>(example: &ExampleRecords) -> usize {
    let mut decoded = 0;
    for record in &example.records {
        let value: Result<T, _> = serde_json::from_str(black_box(record.json.get()));
        decoded += usize::from(black_box(value).is_ok());
    }
    decoded
}

/// Checks that both sides of every comparison read every example record: a side that
/// failed would be measured doing less work.
fn check_both_sides_succeed(examples: &[ExampleRecords]) {
    for example in examples {
        let all = example.records.len();
        assert_eq!(normalize_all(example), all, "{}: custkit", example.label);
        let decode = hand_written(example)
            .unwrap_or_else(|| panic!("{} has no hand-written baseline", example.label));
        assert_eq!(decode(example), all, "{}: hand-written", example.label);
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

    let mut group = c.benchmark_group("hand_written_decode");
    for example in &examples {
        let Some(decode) = hand_written(example) else {
            continue;
        };
        group.throughput(Throughput::Bytes(example.bytes));
        group.bench_function(&example.label, |b| b.iter(|| decode(example)));
    }
    group.finish();

    let tourwell = examples
        .iter()
        .find(|example| example.endpoint.provider == "tourwell")
        .expect("the Tourwell example is present");
    let mut group = c.benchmark_group("tourwell_generated");
    group.throughput(Throughput::Bytes(tourwell.bytes));
    group.bench_function("generated_decode_only", |b| {
        b.iter(|| decode_all::<custkit::tourwell::Customer>(tourwell))
    });
    group.finish();
}

/// Rounds of the interleaved measurement, and records decoded per side in each.
const ROUNDS: usize = 301;
const RECORDS_PER_ROUND: usize = 2400;

/// Each example's throughput ratio (hand-written decode time / custkit decode +
/// normalize time, so 1.0 is parity) measured in interleaved rounds; prints the median
/// and the interquartile range.
fn interleaved_ratios() {
    for example in examples() {
        let Some(decode) = hand_written(&example) else {
            continue;
        };
        let passes = RECORDS_PER_ROUND.div_ceil(example.records.len());
        let hand_written = || decode(&example);
        let custkit = || normalize_all(&example);
        let time = |work: &dyn Fn() -> usize| {
            let started = Instant::now();
            for _ in 0..passes {
                black_box(work());
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
            "{}: decode + normalize / hand-written decode, throughput, {ROUNDS} interleaved \
             rounds of {} records a side: median {:.2} (interquartile {:.2}-{:.2})",
            example.label,
            passes * example.records.len(),
            at(0.5),
            at(0.25),
            at(0.75),
        );
    }
}

criterion_group!(benches, normalize);

fn main() {
    check_both_sides_succeed(&examples());
    benches();
    Criterion::default().configure_from_args().final_summary();
    interleaved_ratios();
}

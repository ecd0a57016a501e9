//! Decode + normalize throughput of every provider's documented example records, and,
//! for Tourwell, a hand-written `#[derive(Deserialize)]` decode of the same bytes as the
//! baseline the generated code is measured against.
//!
//! Run: `cargo bench --bench normalize` (criterion; reports are under
//! `target/criterion/`).

mod common;

use common::tourwell_baseline;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use custkit_runtime::http::Response;
use custkit_runtime::paging::extract_records;
use custkit_runtime::record::RawRecord;
use std::hint::black_box;

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

fn normalize(c: &mut Criterion) {
    let examples = examples();
    assert!(
        !examples.is_empty(),
        "no provider has an example to measure"
    );
    // A normalizer consumes its record (the text moves into `Customer::raw`), so each
    // iteration normalizes a copy; a sync makes that copy once, when it reads the page.
    let mut group = c.benchmark_group("decode_normalize");
    for example in &examples {
        group.throughput(Throughput::Bytes(example.bytes));
        group.bench_function(&example.label, |b| {
            b.iter(|| {
                for record in &example.records {
                    let customer = (example.endpoint.normalize)(black_box(record.clone()));
                    black_box(customer.is_ok());
                }
            })
        });
    }
    group.finish();

    let tourwell = examples
        .iter()
        .find(|example| example.endpoint.provider == "tourwell")
        .expect("the Tourwell example is present");
    let mut group = c.benchmark_group("tourwell_baseline");
    group.throughput(Throughput::Bytes(tourwell.bytes));
    group.bench_function("hand_written_serde_decode", |b| {
        b.iter(|| {
            for record in &tourwell.records {
                let decoded: Result<tourwell_baseline::Customer, _> =
                    serde_json::from_str(black_box(record.json.get()));
                black_box(decoded.is_ok());
            }
        })
    });
    group.bench_function("generated_decode_only", |b| {
        b.iter(|| {
            for record in &tourwell.records {
                let decoded: Result<custkit::tourwell::Customer, _> =
                    serde_json::from_str(black_box(record.json.get()));
                black_box(decoded.is_ok());
            }
        })
    });
    group.bench_function("generated_decode_normalize", |b| {
        b.iter(|| {
            for record in &tourwell.records {
                black_box((tourwell.endpoint.normalize)(black_box(record.clone())).is_ok());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, normalize);
criterion_main!(benches);

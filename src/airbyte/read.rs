//! `check` and `read`: talking to the provider.

use super::catalog::ConfiguredCatalog;
use super::config::SourceConfig;
use super::protocol::{now_millis, Emitter, FailureType, InputState, StreamState};
use crate::exit;
use custkit_runtime::incremental::{ChangeFilter, Verdict};
use custkit_runtime::paging;
use futures::StreamExt;
use std::sync::{Arc, Mutex};

/// CONNECTION_STATUS: the configuration connects and the first page of customers comes
/// back.
pub async fn check(config: SourceConfig, out: &mut Emitter) -> u8 {
    let connection = match config.connect(|config| config).await {
        Ok(connection) => connection,
        Err(message) => {
            out.connection_status(Some(&message));
            return exit::OK;
        }
    };
    let endpoint = connection.provider.sync_endpoint;
    let mut records = paging::raw_records(connection.executor, endpoint, connection.params);
    match records.next().await {
        Some(Err(error)) => out.connection_status(Some(&error.to_string())),
        Some(Ok(_)) | None => out.connection_status(None),
    }
    exit::OK
}

/// RECORDs of the configured provider's stream, with a STATE after every delivered page
/// and a final STATE that starts the next read afresh: from the first page, and in
/// incremental mode from the newest cursor value delivered.
pub async fn read(
    config: SourceConfig,
    catalog: ConfiguredCatalog,
    states: Vec<InputState>,
    out: &mut Emitter,
) -> u8 {
    let stream_name = config.provider.name;
    let Some(configured) = catalog
        .streams
        .iter()
        .find(|configured| configured.stream.name == stream_name)
    else {
        out.log(
            "WARN",
            &format!("the configured catalog does not select the `{stream_name}` stream"),
        );
        return exit::OK;
    };
    let endpoint = config.provider.sync_endpoint;
    let incremental = match (configured.sync_mode.as_str(), &endpoint.incremental) {
        ("full_refresh", _) => false,
        ("incremental", Some(_)) => true,
        (mode, declared) => {
            let supported = if declared.is_some() {
                "full_refresh and incremental"
            } else {
                "only full_refresh"
            };
            out.error(
                &format!("stream `{stream_name}` supports {supported}, not {mode}"),
                FailureType::ConfigError,
            );
            return exit::USAGE;
        }
    };
    let state = states
        .iter()
        .find_map(|state| state.for_stream(stream_name))
        .unwrap_or_default();
    let pages_done = state.pages_done.unwrap_or(0);
    // A resumed read continues from the cursor it started from; a new one from the
    // cursor the last read reached.
    let (since, carried) = if pages_done > 0 {
        (state.since, state.cursor)
    } else {
        (state.cursor, None)
    };
    let skipped: Arc<Mutex<Vec<String>>> = Arc::default();
    let collected = skipped.clone();
    // Record failures are collected by the handler (it runs while the stream is polled)
    // and logged between records.
    let on_record_error = move |error: &custkit::RecordError| {
        if let Ok(mut skipped) = collected.lock() {
            skipped.push(format!("skipped {error}"));
        }
    };
    let connection = match config
        .connect(|config| config.on_record_error(on_record_error))
        .await
    {
        Ok(connection) => connection,
        Err(message) => {
            out.error(&message, FailureType::ConfigError);
            return exit::USAGE;
        }
    };
    let (params, mut filter) = if incremental {
        match custkit::runtime::incremental::prepare(endpoint, connection.params, since) {
            Ok((params, filter)) => (params, Some(filter)),
            Err(error) => {
                out.error(&error.to_string(), FailureType::ConfigError);
                return exit::USAGE;
            }
        }
    } else {
        (connection.params, None)
    };
    let cursor_now = |filter: &Option<ChangeFilter>| {
        filter
            .as_ref()
            .and_then(|filter| filter.cursor().max(carried))
    };
    let mut customers = paging::customers_after(connection.executor, endpoint, params, pages_done);
    let mut current_page = None;
    let mut record_errors = 0u64;
    while let Some(item) = customers.next().await {
        record_errors += log_skipped(&skipped, out);
        match item {
            Ok((position, customer)) => {
                if let Some(page) = current_page {
                    if position.page > page {
                        let checkpoint = StreamState {
                            pages_done: Some(position.page - 1),
                            cursor: cursor_now(&filter),
                            since: filter.as_ref().and(since),
                        };
                        out.state(stream_name, &checkpoint);
                    }
                }
                current_page = Some(position.page);
                match filter.as_mut().map(|filter| filter.judge(&customer)) {
                    None | Some(Verdict::Keep) => {
                        out.record(stream_name, &customer, now_millis());
                    }
                    Some(Verdict::Older) => {}
                    Some(Verdict::Stop) => break,
                }
            }
            Err(error) => {
                let failure = match error {
                    custkit::Error::InvalidParam { .. } | custkit::Error::Config { .. } => {
                        FailureType::ConfigError
                    }
                    _ => FailureType::SystemError,
                };
                out.error(&error.to_string(), failure);
                return exit::PROVIDER;
            }
        }
        if out.failed() {
            return exit::USAGE;
        }
    }
    record_errors += log_skipped(&skipped, out);
    // The next read starts afresh: from the newest cursor delivered, unless a record
    // failed, which must then be read again (the cursor stays where this read began).
    let cursor = if record_errors > 0 && filter.is_some() {
        out.log(
            "WARN",
            &format!("{record_errors} records failed: the cursor is not advanced past them"),
        );
        since
    } else {
        cursor_now(&filter)
    };
    out.state(
        stream_name,
        &StreamState {
            cursor,
            ..StreamState::default()
        },
    );
    if record_errors > 0 {
        exit::RECORD_ERRORS
    } else {
        exit::OK
    }
}

/// Logs the record failures collected so far; returns how many there were.
fn log_skipped(skipped: &Mutex<Vec<String>>, out: &mut Emitter) -> u64 {
    let messages = skipped
        .lock()
        .map(|mut skipped| std::mem::take(&mut *skipped))
        .unwrap_or_default();
    for message in &messages {
        out.log("WARN", message);
    }
    messages.len() as u64
}

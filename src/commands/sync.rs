//! `custkit sync PROVIDER`: every customer, normalized, to JSON lines, CSV or SQLite.

use super::sync_state::{StateFile, SyncState};
use crate::connect::{self, ConnectArgs};
use crate::exit;
use crate::failure::Failure;
use crate::progress::Progress;
use crate::sink::{self, Outcome, OutputArgs, RunStatus, Sink, SinkError};
use custkit::runtime::endpoint::EndpointSpec;
use custkit::runtime::http::Params;
use custkit::runtime::incremental::{self, ChangeFilter, Verdict};
use custkit::runtime::{paging, Executor};
use custkit::ProviderInfo;
use futures::StreamExt;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// The provider (see `custkit providers`).
    provider: String,
    /// A request parameter of the list endpoint, `NAME=VALUE` (repeatable), checked
    /// against the spec before anything is sent.
    #[arg(long = "filter", value_name = "NAME=VALUE")]
    filters: Vec<String>,
    /// Incremental sync: only the customers changed since the cursor saved in FILE
    /// (everything if FILE does not exist yet); the new cursor is saved there when the
    /// sync ends without an error.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Incremental sync: only the customers changed at or after this RFC 3339 instant.
    #[arg(long, value_name = "INSTANT", conflicts_with = "state")]
    since: Option<chrono::DateTime<chrono::Utc>>,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    connect: ConnectArgs,
}

pub fn run(args: SyncArgs) -> u8 {
    super::block_on(async move {
        let provider = connect::find_provider(&args.provider)?;
        sync(provider, args).await
    })
}

/// Parses `NAME=VALUE` parameters by the endpoint's declared types and checks every
/// rule, so a bad one fails before a request (or the sandbox) starts.
pub fn parse_params(endpoint: &EndpointSpec, pairs: &[String]) -> Result<Params, Failure> {
    let mut params = Params::new();
    for pair in pairs {
        let (name, value) = connect::split_pair(pair).map_err(Failure::usage)?;
        params
            .set_text(endpoint, name, value)
            .map_err(|error| Failure::from_runtime(&error))?;
    }
    params
        .validate(endpoint)
        .map_err(|error| Failure::from_runtime(&error))?;
    Ok(params)
}

async fn sync(provider: &'static ProviderInfo, args: SyncArgs) -> Result<u8, Failure> {
    let endpoint = provider.sync_endpoint;
    let params = parse_params(endpoint, &args.filters)?;
    args.output.format()?;
    let state_file = args.state.as_deref().map(StateFile::new);
    let (params, filter) = if state_file.is_some() || args.since.is_some() {
        let cursor_field = incremental::of(endpoint)
            .map_err(|error| Failure::from_runtime(&error))?
            .cursor
            .name();
        let since = match &state_file {
            Some(file) => file.load(provider.name, cursor_field)?,
            None => args.since,
        };
        match since {
            Some(since) => eprintln!(
                "custkit: incremental sync: customers whose {cursor_field} is at or after {}",
                since.to_rfc3339()
            ),
            None => eprintln!("custkit: incremental sync: no saved cursor yet, syncing everything"),
        }
        let (params, filter) = incremental::prepare(endpoint, params, since)
            .map_err(|error| Failure::from_runtime(&error))?;
        (params, Some(filter))
    } else {
        (params, None)
    };
    // The sandbox, if any, serves until `_sandbox` goes out of scope.
    let connect::Connection {
        config,
        sandbox: _sandbox,
    } = connect::connect(provider, &args.connect).await?;
    let executor =
        Executor::new(provider, config).map_err(|error| Failure::from_runtime(&error))?;
    let sink = sink::open(&args.output, provider, endpoint.name)?;
    let started = std::time::Instant::now();
    let run = pump(
        Arc::new(executor),
        endpoint,
        params,
        sink,
        args.connect.strict,
        filter,
    )
    .await;
    let unchanged = match &run.filter {
        Some(_) => format!(", {} unchanged skipped", run.older),
        None => String::new(),
    };
    eprintln!(
        "custkit: {} customers from {} ({} record errors{unchanged}) in {} page{}, {:.2}s",
        run.outcome.records,
        provider.name,
        run.outcome.errors,
        run.pages,
        if run.pages == 1 { "" } else { "s" },
        started.elapsed().as_secs_f64()
    );
    if let Some(failure) = run.failure {
        return Err(failure);
    }
    if let (Some(file), Some(filter)) = (&state_file, &run.filter) {
        if run.outcome.errors > 0 {
            eprintln!(
                "custkit: state not advanced: {} records failed and are read again next time",
                run.outcome.errors
            );
        } else {
            let cursor = filter.cursor();
            file.save(&SyncState {
                provider: provider.name.to_string(),
                cursor_field: filter.field().name().to_string(),
                cursor,
            })?;
        }
    }
    if run.outcome.errors > 0 {
        Ok(exit::RECORD_ERRORS)
    } else {
        Ok(exit::OK)
    }
}

/// How a pump ended.
struct Run {
    outcome: Outcome,
    /// The pages records came from.
    pages: u64,
    failure: Option<Failure>,
    /// An incremental sync's filter, holding the cursor it reached.
    filter: Option<ChangeFilter>,
    /// Records an incremental sync dropped as unchanged.
    older: u64,
}

/// Streams every record of `endpoint` through the normalizer (and, incremental, the
/// change `filter`) into `sink`, reporting bad records (fatal when `strict`) and closing
/// the sink with the run's outcome.
async fn pump(
    executor: Arc<Executor>,
    endpoint: &'static EndpointSpec,
    params: Params,
    mut sink: Box<dyn Sink>,
    strict: bool,
    mut filter: Option<ChangeFilter>,
) -> Run {
    let mut progress = Progress::start();
    let mut records = 0;
    let mut errors = 0;
    let mut older = 0;
    let mut failure = None;
    let mut pages = 0;
    let mut stream = paging::normalized(executor, endpoint, params);
    while let Some(item) = stream.next().await {
        let (position, customer) = match item {
            Ok(Ok(normalized)) => normalized,
            Ok(Err(error)) => {
                pages = pages.max(error.position.page);
                errors += 1;
                if strict {
                    failure = Some(Failure {
                        code: exit::RECORD_ERRORS,
                        message: format!("{error} (--strict)"),
                    });
                    break;
                }
                progress.warn(&format!("warning: skipped {error}"));
                continue;
            }
            Err(error) => {
                failure = Some(Failure::from_runtime(&error));
                break;
            }
        };
        pages = pages.max(position.page);
        match filter.as_mut().map(|filter| filter.judge(&customer)) {
            None | Some(Verdict::Keep) => {}
            Some(Verdict::Older) => {
                older += 1;
                continue;
            }
            Some(Verdict::Stop) => break,
        }
        match sink.write(customer) {
            Ok(()) => {
                records += 1;
                progress.record(position.page);
            }
            Err(SinkError::Closed) => break,
            Err(SinkError::Failed(message)) => {
                failure = Some(Failure {
                    code: exit::OUTPUT,
                    message,
                });
                break;
            }
        }
    }
    progress.finish();
    let status = match (&failure, errors) {
        (Some(_), _) => RunStatus::Failed,
        (None, 0) => RunStatus::Ok,
        (None, _) => RunStatus::Partial,
    };
    let outcome = Outcome {
        records,
        errors,
        status,
    };
    match sink.finish(outcome) {
        Ok(()) | Err(SinkError::Closed) => {}
        Err(SinkError::Failed(message)) => {
            failure.get_or_insert(Failure {
                code: exit::OUTPUT,
                message,
            });
        }
    }
    Run {
        outcome,
        pages,
        failure,
        filter,
        older,
    }
}

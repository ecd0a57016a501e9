//! `custkit sync PROVIDER`: every customer, normalized, to JSON lines, CSV or SQLite.

use crate::connect::{self, ConnectArgs};
use crate::exit;
use crate::failure::Failure;
use crate::progress::Progress;
use crate::sink::{self, Outcome, OutputArgs, RunStatus, Sink, SinkError};
use custkit::runtime::endpoint::EndpointSpec;
use custkit::runtime::http::Params;
use custkit::runtime::{paging, Executor, RecordError};
use custkit::ProviderInfo;
use futures::StreamExt;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// The provider (see `custkit providers`).
    provider: String,
    /// A request parameter of the list endpoint, `NAME=VALUE` (repeatable), checked
    /// against the spec before anything is sent.
    #[arg(long = "filter", value_name = "NAME=VALUE")]
    filters: Vec<String>,
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
    )
    .await;
    eprintln!(
        "custkit: {} customers from {} ({} record errors) in {} pages, {:.2}s",
        run.outcome.records,
        provider.name,
        run.outcome.errors,
        run.pages,
        started.elapsed().as_secs_f64()
    );
    match run.failure {
        Some(failure) => Err(failure),
        None if run.outcome.errors > 0 => Ok(exit::RECORD_ERRORS),
        None => Ok(exit::OK),
    }
}

/// How a pump ended.
struct Run {
    outcome: Outcome,
    /// The pages records came from.
    pages: u64,
    failure: Option<Failure>,
}

/// Streams every record of `endpoint` through the normalizer into `sink`, reporting bad
/// records (fatal when `strict`) and closing the sink with the run's outcome.
async fn pump(
    executor: Arc<Executor>,
    endpoint: &'static EndpointSpec,
    params: Params,
    mut sink: Box<dyn Sink>,
    strict: bool,
) -> Run {
    let mut progress = Progress::start();
    let mut records = 0;
    let mut errors = 0;
    let mut failure = None;
    let mut pages = 0;
    let mut stream = paging::raw_records(executor, endpoint, params);
    while let Some(item) = stream.next().await {
        let record = match item {
            Ok(record) => {
                pages = pages.max(record.position.page);
                record
            }
            Err(error) => {
                failure = Some(Failure::from_runtime(&error));
                break;
            }
        };
        let customer = match (endpoint.normalize)(&record) {
            Ok(customer) => customer,
            Err(reason) => {
                let error = RecordError::new(endpoint, &record, reason);
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
        };
        match sink.write(customer) {
            Ok(()) => {
                records += 1;
                progress.record(record.position.page);
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
    }
}

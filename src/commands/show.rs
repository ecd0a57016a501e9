//! `custkit show PROVIDER --PARAM VALUE ...`: one customer.
//!
//! Uses the provider's single-record endpoint when its spec has one (an endpoint whose
//! records are one object and that does not page); otherwise its list endpoint with the
//! given parameters as filters, which must then match exactly one customer. The flags
//! are generated from the chosen endpoint's declared parameters, so each provider's
//! `custkit show PROVIDER --help` lists its own lookups; `--param NAME=VALUE` reaches
//! any parameter.

use crate::connect::{self, ConnectArgs};
use crate::exit;
use crate::failure::Failure;
use crate::sink::{self, Outcome, OutputArgs, RunStatus, SinkError};
use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches};
use custkit::runtime::endpoint::{EndpointSpec, Pagination, RecordsShape};
use custkit::runtime::http::Params;
use custkit::runtime::{paging, Executor, RecordError};
use custkit::ProviderInfo;
use futures::StreamExt;
use std::sync::Arc;

/// Flags every `show` subcommand already has; a spec parameter with one of these names
/// is reachable through `--param` only.
const RESERVED: &[&str] = &[
    "param",
    "base-url",
    "var",
    "credential",
    "config",
    "sandbox",
    "sandbox-records",
    "sandbox-withhold-pii",
    "strict",
    "format",
    "out",
    "help",
];

/// The parsed `show` command line.
#[derive(Debug)]
pub struct ShowArgs {
    provider: &'static ProviderInfo,
    params: Vec<String>,
    output: OutputArgs,
    connect: ConnectArgs,
}

/// The endpoint `show` calls for `provider`, and whether it returns one record.
pub fn lookup_endpoint(provider: &'static ProviderInfo) -> (&'static EndpointSpec, bool) {
    provider
        .endpoints
        .iter()
        .copied()
        .find(|endpoint| {
            endpoint.records.shape == RecordsShape::Object
                && matches!(endpoint.pagination, Pagination::None)
        })
        .map_or((provider.sync_endpoint, false), |endpoint| (endpoint, true))
}

/// Whether `name` can be a flag of its own.
fn flag_name(name: &str) -> bool {
    !RESERVED.contains(&name)
        && !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl Args for ShowArgs {
    fn augment_args(command: Command) -> Command {
        let mut command = command
            .subcommand_required(true)
            .subcommand_value_name("PROVIDER");
        for provider in custkit::PROVIDERS {
            let (endpoint, _) = lookup_endpoint(provider);
            let mut sub = Command::new(provider.name).about(provider.title).arg(
                Arg::new("param")
                    .long("param")
                    .value_name("NAME=VALUE")
                    .action(ArgAction::Append)
                    .help("A lookup parameter of the endpoint, NAME=VALUE (repeatable)"),
            );
            for param in endpoint.params.iter().filter(|param| flag_name(param.key)) {
                sub = sub.arg(
                    Arg::new(param.key)
                        .long(param.key)
                        .value_name("VALUE")
                        .help(param.doc),
                );
            }
            sub = OutputArgs::augment_args(sub);
            sub = ConnectArgs::augment_args(sub);
            command = command.subcommand(sub);
        }
        command
    }

    fn augment_args_for_update(command: Command) -> Command {
        Self::augment_args(command)
    }
}

impl FromArgMatches for ShowArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let Some((name, sub)) = matches.subcommand() else {
            return Err(clap::Error::new(clap::error::ErrorKind::MissingSubcommand));
        };
        let provider = custkit::provider(name)
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidSubcommand))?;
        let (endpoint, _) = lookup_endpoint(provider);
        let mut params: Vec<String> = endpoint
            .params
            .iter()
            .filter(|param| flag_name(param.key))
            .filter_map(|param| {
                sub.get_one::<String>(param.key)
                    .map(|value| format!("{}={value}", param.key))
            })
            .collect();
        params.extend(
            sub.get_many::<String>("param")
                .into_iter()
                .flatten()
                .cloned(),
        );
        Ok(ShowArgs {
            provider,
            params,
            output: OutputArgs::from_arg_matches(sub)?,
            connect: ConnectArgs::from_arg_matches(sub)?,
        })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

pub fn run(args: ShowArgs) -> u8 {
    super::block_on(show(args))
}

async fn show(args: ShowArgs) -> Result<u8, Failure> {
    let provider = args.provider;
    let (endpoint, single) = lookup_endpoint(provider);
    if args.params.is_empty() {
        let names: Vec<String> = endpoint
            .params
            .iter()
            .map(|param| format!("--{}", param.key))
            .collect();
        return Err(Failure::usage(format!(
            "show {} needs a lookup parameter of {}: {}",
            provider.name,
            endpoint.name,
            names.join(", ")
        )));
    }
    let params: Params = super::sync::parse_params(endpoint, &args.params)?;
    args.output.format()?;
    // The sandbox, if any, serves until `_sandbox` goes out of scope.
    let connect::Connection {
        config,
        sandbox: _sandbox,
    } = connect::connect(provider, &args.connect).await?;
    let executor =
        Executor::new(provider, config).map_err(|error| Failure::from_runtime(&error))?;
    // One record is enough from a single-record endpoint; from a list, a second one
    // means the lookup is ambiguous.
    let wanted = if single { 1 } else { 2 };
    let mut stream = paging::raw_records(Arc::new(executor), endpoint, params).take(wanted);
    let mut found = Vec::new();
    while let Some(item) = stream.next().await {
        let record = item.map_err(|error| match error {
            // A single-record endpoint answers an unknown customer with 404.
            custkit::Error::Status { status: 404, .. } if single => Failure {
                code: exit::NOT_FOUND,
                message: format!("no {} customer matches the lookup ({error})", provider.name),
            },
            error => Failure::from_runtime(&error),
        })?;
        let customer = (endpoint.normalize)(record).map_err(|(record, reason)| Failure {
            code: exit::RECORD_ERRORS,
            message: RecordError::new(endpoint, &record, reason).to_string(),
        })?;
        found.push(customer);
    }
    let customer = match found.len() {
        0 => {
            return Err(Failure {
                code: exit::NOT_FOUND,
                message: format!("no {} customer matches the lookup", provider.name),
            })
        }
        1 => found.remove(0),
        _ => {
            return Err(Failure::usage(format!(
                "more than one {} customer matches the lookup; add parameters to narrow it",
                provider.name
            )))
        }
    };
    let mut sink = sink::open(&args.output, provider, endpoint.name)?;
    let written = sink.write(customer);
    let outcome = Outcome {
        records: 1,
        errors: 0,
        status: if written.is_ok() {
            RunStatus::Ok
        } else {
            RunStatus::Failed
        },
    };
    match written.and_then(|()| sink.finish(outcome)) {
        Ok(()) | Err(SinkError::Closed) => Ok(exit::OK),
        Err(SinkError::Failed(message)) => Err(Failure {
            code: exit::OUTPUT,
            message,
        }),
    }
}

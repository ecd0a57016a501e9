//! `custkit`: sync customers from any provider described by a spec.

mod airbyte;
mod commands;
mod connect;
mod failure;
mod progress;
mod sandbox;
mod sink;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Sync customer records from SaaS providers described by specs.
#[derive(Debug, Parser)]
#[command(name = "custkit", version, about, long_about = None, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the generated providers with their endpoints and auth.
    Providers,
    /// Pull every customer of a provider: JSON lines on stdout, CSV, or a SQLite store.
    Sync(commands::sync::SyncArgs),
    /// Fetch one customer by the provider's lookup parameters.
    Show(commands::show::ShowArgs),
    /// Validate spec files, reporting every error with its position.
    Check(commands::check::CheckArgs),
    /// Print the JSON Schema of the spec format.
    Schema,
    /// Print a draft spec inferred from a sample JSON response, for an author to finish.
    Scaffold(commands::scaffold::ScaffoldArgs),
    /// Run as an Airbyte source (spec, check, discover, read).
    Airbyte(airbyte::AirbyteArgs),
}

/// The exit codes, for `--help`.
const EXIT_CODES: &str = "Exit codes: 0 ok, 1 some records skipped (or --strict stopped on one), \
2 usage or configuration error (unknown provider, missing credential, bad parameter), \
3 provider error (HTTP, network, bad response), 4 invalid spec, 5 cannot write the output, \
6 no customer matches (show).";

/// Exit codes scripts can rely on.
pub mod exit {
    /// Everything worked.
    pub const OK: u8 = 0;
    /// The sync ran but some records could not be decoded or normalized.
    pub const RECORD_ERRORS: u8 = 1;
    /// Bad usage or configuration (unknown provider, missing credential, bad filter).
    pub const USAGE: u8 = 2;
    /// The provider failed (HTTP error, bad response, network).
    pub const PROVIDER: u8 = 3;
    /// A spec is invalid.
    pub const SPEC: u8 = 4;
    /// The output could not be written (disk full, database error).
    pub const OUTPUT: u8 = 5;
    /// `show` found no matching customer.
    pub const NOT_FOUND: u8 = 6;
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Providers => commands::providers::run(),
        Command::Sync(args) => commands::sync::run(args),
        Command::Show(args) => commands::show::run(args),
        Command::Check(args) => commands::check::run(args),
        Command::Scaffold(args) => commands::scaffold::run(args),
        Command::Airbyte(args) => airbyte::run(args),
        Command::Schema => {
            print!("{}", custkit_codegen::schema::spec_schema());
            exit::OK
        }
    };
    ExitCode::from(code)
}

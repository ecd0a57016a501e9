//! `custkit airbyte`: every generated provider as an Airbyte source, speaking the Airbyte
//! protocol (JSON messages, one per line, on stdout).
//!
//! - `spec`: the connector's configuration schema (SPEC).
//! - `check --config C`: can we reach the provider with this configuration
//!   (CONNECTION_STATUS).
//! - `discover --config C`: the configured provider's stream, with the JSON Schema of the
//!   normalized `Customer` (CATALOG).
//! - `read --config C --catalog K [--state S]`: its customers (RECORD), with a STATE
//!   checkpoint after every delivered page, so a read that stops can resume from the last
//!   STATE without delivering a record twice.

mod catalog;
mod config;
mod protocol;
mod read;

use crate::exit;
use protocol::{Emitter, FailureType};
use std::path::{Path, PathBuf};

/// `custkit airbyte ...`
#[derive(Debug, clap::Args)]
pub struct AirbyteArgs {
    #[command(subcommand)]
    command: AirbyteCommand,
}

#[derive(Debug, clap::Subcommand)]
enum AirbyteCommand {
    /// Print the connector specification (SPEC).
    Spec,
    /// Check that the configured provider answers (CONNECTION_STATUS).
    Check {
        /// The connector configuration (JSON).
        #[arg(long)]
        config: PathBuf,
    },
    /// Describe the configured provider's stream (CATALOG).
    Discover {
        /// The connector configuration (JSON).
        #[arg(long)]
        config: PathBuf,
    },
    /// Read the configured provider's customers (RECORD and STATE).
    Read {
        /// The connector configuration (JSON).
        #[arg(long)]
        config: PathBuf,
        /// The configured catalog (JSON).
        #[arg(long)]
        catalog: PathBuf,
        /// The state to resume from (JSON: a list of per-stream STATE messages).
        #[arg(long)]
        state: Option<PathBuf>,
    },
}

/// Runs one Airbyte command; the exit code follows the CLI's.
pub fn run(args: AirbyteArgs) -> u8 {
    let mut out = Emitter::stdout();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            out.error(
                &format!("cannot start the async runtime: {error}"),
                FailureType::SystemError,
            );
            return exit::USAGE;
        }
    };
    match args.command {
        AirbyteCommand::Spec => {
            out.spec(config::connection_specification());
            exit::OK
        }
        AirbyteCommand::Check { config } => match load(&config, &mut out) {
            Some(config) => runtime.block_on(read::check(config, &mut out)),
            None => exit::USAGE,
        },
        AirbyteCommand::Discover { config } => match load(&config, &mut out) {
            Some(config) => {
                out.catalog(catalog::discover(config.provider));
                exit::OK
            }
            None => exit::USAGE,
        },
        AirbyteCommand::Read {
            config,
            catalog,
            state,
        } => {
            let Some(config) = load(&config, &mut out) else {
                return exit::USAGE;
            };
            let configured = match read_json::<catalog::ConfiguredCatalog>(&catalog, "catalog") {
                Ok(configured) => configured,
                Err(message) => {
                    out.error(&message, FailureType::ConfigError);
                    return exit::USAGE;
                }
            };
            let states = match &state {
                None => Ok(Vec::new()),
                Some(path) => read_json::<protocol::InputStates>(path, "state")
                    .map(protocol::InputStates::into_list),
            };
            let states = match states {
                Ok(states) => states,
                Err(message) => {
                    out.error(&message, FailureType::ConfigError);
                    return exit::USAGE;
                }
            };
            runtime.block_on(read::read(config, configured, states, &mut out))
        }
    }
}

/// Reads and checks the connector configuration; a problem is reported as an error TRACE.
fn load(path: &Path, out: &mut Emitter) -> Option<config::SourceConfig> {
    match read_json::<config::RawConfig>(path, "config").and_then(config::SourceConfig::new) {
        Ok(config) => Some(config),
        Err(message) => {
            out.error(&message, FailureType::ConfigError);
            None
        }
    }
}

/// A JSON file, decoded; the error names the file and never quotes its values.
fn read_json<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> Result<T, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read the {what} file {}: {error}", path.display()))?;
    serde_json::from_str(&text).map_err(|error| {
        format!(
            "the {what} file {} is not valid: {}",
            path.display(),
            custkit_runtime::record::redact_values(&error.to_string())
        )
    })
}

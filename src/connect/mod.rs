//! Where a command's provider connection comes from: flags, the environment, the
//! configuration file, or the built-in sandbox.
//!
//! Precedence, highest first: flags (`--credential`, `--var`, `--base-url`), environment
//! variables (`CUSTKIT_<PROVIDER>_<NAME>`, `CUSTKIT_<PROVIDER>_BASE_URL`), the
//! configuration file. With no credential and no base URL configured anywhere, the
//! sandbox is used and announced on stderr. Values are never printed.

pub mod config_file;

use crate::failure::Failure;
use crate::sandbox::{Sandbox, SandboxOptions};
use config_file::ConfigFile;
use custkit::{ClientConfig, ProviderInfo};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// How to reach the provider: shared by every command that calls one.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ConnectArgs {
    /// The provider's base URL (default: the spec's, with its variables).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// A base URL variable, `NAME=VALUE` (repeatable), such as `tenant=demo`.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub variables: Vec<String>,
    /// A credential, `NAME=VALUE` (repeatable). Also read from `CUSTKIT_<PROVIDER>_<NAME>`
    /// and from the configuration file. Never printed.
    #[arg(long = "credential", value_name = "NAME=VALUE")]
    pub credentials: Vec<String>,
    /// The configuration file (default: $CUSTKIT_CONFIG, ./custkit.toml, then
    /// ~/.config/custkit/config.toml).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Use the built-in offline mock of the provider, generated from its spec. The default
    /// when no credentials are configured.
    #[arg(long)]
    pub sandbox: bool,
    /// Sandbox: serve N synthetic records (made from the spec's examples) instead of the
    /// examples themselves, across as many pages as the spec's paging gives.
    #[arg(long, value_name = "N")]
    pub sandbox_records: Option<usize>,
    /// Sandbox: answer as for a credential without personal-data scopes, omitting the
    /// record fields the spec marks `pii`.
    #[arg(long)]
    pub sandbox_withhold_pii: bool,
    /// Fail on the first record that cannot be decoded or normalized.
    #[arg(long)]
    pub strict: bool,
}

/// A resolved connection. Holds the sandbox (if any) alive until dropped.
pub struct Connection {
    /// The client configuration to call the provider with.
    pub config: ClientConfig,
    /// The running sandbox, when the connection goes to it.
    pub sandbox: Option<Sandbox>,
}

/// Splits `NAME=VALUE`.
pub fn split_pair(text: &str) -> Result<(&str, &str), String> {
    text.split_once('=')
        .filter(|(name, _)| !name.is_empty())
        .ok_or_else(|| format!("`{}` is not NAME=VALUE", name_only(text)))
}

/// What is safe to repeat of a `NAME=VALUE` argument in an error: the name.
fn name_only(text: &str) -> &str {
    text.split_once('=').map_or(text, |(name, _)| name)
}

/// The environment variable for `name` of `provider`: `CUSTKIT_TOURWELL_TOKEN`.
pub fn env_name(provider: &str, name: &str) -> String {
    format!("CUSTKIT_{provider}_{name}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The provider called `name`, or a usage error listing the known ones.
pub fn find_provider(name: &str) -> Result<&'static ProviderInfo, Failure> {
    custkit::provider(name).ok_or_else(|| {
        let names: Vec<&str> = custkit::PROVIDERS
            .iter()
            .map(|provider| provider.name)
            .collect();
        Failure::usage(format!(
            "unknown provider `{name}`; known providers: {}",
            names.join(", ")
        ))
    })
}

/// Resolves where and how to call `provider`, starting the sandbox when that is where
/// the connection goes.
pub async fn connect(
    provider: &'static ProviderInfo,
    args: &ConnectArgs,
) -> Result<Connection, Failure> {
    let file = ConfigFile::load(args.config.as_deref())?;
    let table = file.provider(provider.name);
    let credentials = credentials(provider, args, table)?;
    let base_url = args
        .base_url
        .clone()
        .or_else(|| std::env::var(env_name(provider.name, "base_url")).ok())
        .or_else(|| table.and_then(|table| table.base_url.clone()));
    let wants_sandbox = args.sandbox || args.sandbox_records.is_some() || args.sandbox_withhold_pii;
    let mut config = ClientConfig::new().strict(args.strict);
    if wants_sandbox || (credentials.is_empty() && base_url.is_none()) {
        let options = SandboxOptions {
            records: args.sandbox_records,
            withhold_pii: args.sandbox_withhold_pii,
        };
        let sandbox = Sandbox::start(provider, options)
            .await
            .map_err(|error| Failure::usage(format!("cannot start the sandbox: {error}")))?;
        let why = if wants_sandbox {
            "--sandbox".to_string()
        } else {
            format!("no credentials for {} configured", provider.name)
        };
        let data = match args.sandbox_records {
            Some(count) => format!("{count} synthetic records"),
            None => "the spec's example data".to_string(),
        };
        eprintln!(
            "custkit: {why}: using the built-in sandbox at {} (offline, {data})",
            sandbox.base_url()
        );
        config = sandbox.configure(config);
        return Ok(Connection {
            config,
            sandbox: Some(sandbox),
        });
    }
    let missing: Vec<&str> = provider
        .auth
        .credential_names()
        .iter()
        .copied()
        .filter(|name| !credentials.contains_key(*name))
        .collect();
    if !missing.is_empty() {
        return Err(missing_credentials(provider, &missing, &file));
    }
    for (name, value) in variables(provider, args, table)? {
        config = config.variable(name, value);
    }
    if let Some(url) = base_url {
        config = config.base_url(url);
    }
    for (name, value) in credentials {
        config = config.credential(name, value);
    }
    Ok(Connection {
        config,
        sandbox: None,
    })
}

/// Credentials from the file, then the environment, then flags (later wins).
fn credentials(
    provider: &'static ProviderInfo,
    args: &ConnectArgs,
    table: Option<&config_file::ProviderTable>,
) -> Result<BTreeMap<String, String>, Failure> {
    let declared = provider.auth.credential_names();
    let check = |name: &str, origin: &str| {
        if declared.contains(&name) {
            Ok(())
        } else {
            Err(Failure::usage(format!(
                "{origin}: {} ({} auth) takes no credential `{name}`; it takes: {}",
                provider.name,
                provider.auth.describe(),
                list_or_none(declared)
            )))
        }
    };
    let mut found = BTreeMap::new();
    if let Some(table) = table {
        for (name, value) in &table.credentials {
            check(name, "configuration file")?;
            found.insert(name.clone(), value.clone());
        }
    }
    for name in declared {
        if let Ok(value) = std::env::var(env_name(provider.name, name)) {
            found.insert(name.to_string(), value);
        }
    }
    for pair in &args.credentials {
        let (name, value) =
            split_pair(pair).map_err(|error| Failure::usage(format!("--credential: {error}")))?;
        check(name, "--credential")?;
        found.insert(name.to_string(), value.to_string());
    }
    Ok(found)
}

/// Base URL variables from the file, then the environment, then flags (later wins).
fn variables(
    provider: &'static ProviderInfo,
    args: &ConnectArgs,
    table: Option<&config_file::ProviderTable>,
) -> Result<BTreeMap<String, String>, Failure> {
    let declared: Vec<&str> = provider
        .variables
        .iter()
        .map(|variable| variable.name)
        .collect();
    let check = |name: &str, origin: &str| {
        if declared.contains(&name) {
            Ok(())
        } else {
            Err(Failure::usage(format!(
                "{origin}: {} has no base URL variable `{name}`; it has: {}",
                provider.name,
                list_or_none(&declared)
            )))
        }
    };
    let mut found = BTreeMap::new();
    if let Some(table) = table {
        for (name, value) in &table.variables {
            check(name, "configuration file")?;
            found.insert(name.clone(), value.clone());
        }
    }
    for name in &declared {
        if let Ok(value) = std::env::var(env_name(provider.name, name)) {
            found.insert(name.to_string(), value);
        }
    }
    for pair in &args.variables {
        let (name, value) =
            split_pair(pair).map_err(|error| Failure::usage(format!("--var: {error}")))?;
        check(name, "--var")?;
        found.insert(name.to_string(), value.to_string());
    }
    Ok(found)
}

fn list_or_none(names: &[&str]) -> String {
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

/// Names each missing credential and the three ways to set it.
fn missing_credentials(
    provider: &'static ProviderInfo,
    missing: &[&str],
    file: &ConfigFile,
) -> Failure {
    let file_place = match &file.path {
        Some(path) => path.display().to_string(),
        None => config_file::candidates()
            .iter()
            .map(|path| path.display().to_string())
            .collect::<Vec<_>>()
            .join(" or "),
    };
    let mut message = format!(
        "{} ({} auth) is missing credential{} {}. Set {} with",
        provider.name,
        provider.auth.describe(),
        if missing.len() == 1 { "" } else { "s" },
        missing
            .iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(", "),
        if missing.len() == 1 { "it" } else { "each" },
    );
    for name in missing {
        message.push_str(&format!(
            "\n  --credential {name}=VALUE\n  or the environment variable {}\n  or `{name} = \"...\"` under [{}.credentials] in {file_place}",
            env_name(provider.name, name),
            provider.name,
        ));
    }
    message.push_str("\n(or run with --sandbox to use the built-in offline mock)");
    Failure::usage(message)
}

//! `custkit sync PROVIDER`: every customer, normalized, as JSON lines on stdout.

use crate::{exit, sandbox};
use custkit::{ClientConfig, ProviderInfo};
use custkit_runtime::http::Params;
use futures::StreamExt;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// The provider (see `custkit providers`).
    provider: String,
    /// A request parameter, `NAME=VALUE` (repeatable), checked against the spec.
    #[arg(long = "filter", value_name = "NAME=VALUE")]
    filters: Vec<String>,
    /// The provider's base URL (default: the spec's, with its variables).
    #[arg(long)]
    base_url: Option<String>,
    /// A base URL variable, `NAME=VALUE` (repeatable), such as `tenant=demo`.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    variables: Vec<String>,
    /// A credential, `NAME=VALUE` (repeatable); also read from
    /// `CUSTKIT_<PROVIDER>_<NAME>` environment variables.
    #[arg(long = "credential", value_name = "NAME=VALUE")]
    credentials: Vec<String>,
    /// Sync from a local mock of the provider that serves the spec's examples. The
    /// default when no credentials are configured.
    #[arg(long)]
    sandbox: bool,
    /// Fail on the first record that cannot be decoded or normalized.
    #[arg(long)]
    strict: bool,
}

fn split_pair(text: &str) -> Result<(&str, &str), String> {
    text.split_once('=')
        .ok_or_else(|| format!("`{text}` is not NAME=VALUE"))
}

pub fn run(args: SyncArgs) -> u8 {
    let Some(provider) = custkit::provider(&args.provider) else {
        let names: Vec<&str> = custkit::PROVIDERS
            .iter()
            .map(|provider| provider.name)
            .collect();
        eprintln!(
            "error: unknown provider `{}`; known providers: {}",
            args.provider,
            names.join(", ")
        );
        return exit::USAGE;
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return exit::USAGE;
        }
    };
    runtime.block_on(sync(provider, args))
}

async fn sync(provider: &'static ProviderInfo, args: SyncArgs) -> u8 {
    let mut config = ClientConfig::new().strict(args.strict);
    let mut configured = 0;
    for name in provider.auth.credential_names() {
        let variable = format!("CUSTKIT_{}_{}", provider.name, name).to_uppercase();
        if let Ok(value) = std::env::var(&variable) {
            config = config.credential(*name, value);
            configured += 1;
        }
    }
    for pair in &args.credentials {
        match split_pair(pair) {
            Ok((name, value)) => {
                config = config.credential(name, value);
                configured += 1;
            }
            Err(error) => return usage(&format!("--credential: {error}")),
        }
    }
    for pair in &args.variables {
        match split_pair(pair) {
            Ok((name, value)) => config = config.variable(name, value),
            Err(error) => return usage(&format!("--var: {error}")),
        }
    }
    let use_sandbox = args.sandbox || (configured == 0 && args.base_url.is_none());
    let _sandbox = if use_sandbox {
        let server = match sandbox::Sandbox::start(provider).await {
            Ok(server) => server,
            Err(error) => {
                eprintln!("error: cannot start the sandbox: {error}");
                return exit::USAGE;
            }
        };
        eprintln!(
            "custkit: no credentials for {} configured: syncing from the built-in sandbox at {} (offline, example data)",
            provider.name,
            server.base_url()
        );
        config = server.configure(config);
        Some(server)
    } else {
        if let Some(url) = &args.base_url {
            config = config.base_url(url);
        }
        None
    };
    let endpoint = provider.sync_endpoint;
    let mut params = Params::new();
    for pair in &args.filters {
        let (name, value) = match split_pair(pair) {
            Ok(pair) => pair,
            Err(error) => return usage(&format!("--filter: {error}")),
        };
        if let Err(error) = params.set_text(endpoint, name, value) {
            return usage(&error.to_string());
        }
    }
    let record_errors = Arc::new(AtomicU64::new(0));
    let counter = record_errors.clone();
    config = config.on_record_error(move |error| {
        counter.fetch_add(1, Ordering::Relaxed);
        eprintln!("warning: skipped {error}");
    });
    let executor = match custkit::runtime::Executor::new(provider, config) {
        Ok(executor) => Arc::new(executor),
        Err(error) => return usage(&error.to_string()),
    };
    let started = std::time::Instant::now();
    let mut stream = custkit::runtime::paging::customers(executor, endpoint, params);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut count = 0u64;
    while let Some(item) = stream.next().await {
        match item {
            Ok(customer) => {
                let written = serde_json::to_writer(&mut out, &customer)
                    .map_err(std::io::Error::from)
                    .and_then(|()| out.write_all(b"\n"));
                if let Err(error) = written {
                    if error.kind() == std::io::ErrorKind::BrokenPipe {
                        return exit::OK;
                    }
                    eprintln!("error: cannot write output: {error}");
                    return exit::USAGE;
                }
                count += 1;
            }
            Err(error) => {
                let _ = out.flush();
                eprintln!("error: {error}");
                return match error {
                    custkit::Error::InvalidParam { .. } | custkit::Error::Config { .. } => {
                        exit::USAGE
                    }
                    _ => exit::PROVIDER,
                };
            }
        }
    }
    let _ = out.flush();
    let errors = record_errors.load(Ordering::Relaxed);
    eprintln!(
        "custkit: {count} customers from {} ({errors} record errors) in {:.2}s",
        provider.name,
        started.elapsed().as_secs_f64()
    );
    if errors > 0 {
        exit::RECORD_ERRORS
    } else {
        exit::OK
    }
}

fn usage(message: &str) -> u8 {
    eprintln!("error: {message}");
    exit::USAGE
}

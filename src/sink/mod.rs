//! Where synced customers go: JSON lines, CSV, or a SQLite store.

mod csv;
mod jsonl;
pub mod sqlite;

use crate::failure::Failure;
use custkit::{Customer, ProviderInfo};
use std::io::Write;
use std::path::{Path, PathBuf};

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per line: the full normalized customer, `raw` included.
    Jsonl,
    /// A header and one row per customer; see the README for the columns.
    Csv,
    /// A SQLite database (needs `--out`): upserts by (provider, remote id).
    Sqlite,
}

impl Format {
    /// The format a file name implies (`.sqlite`, `.db`, `.csv`, `.jsonl`).
    fn from_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "sqlite" | "sqlite3" | "db" => Some(Format::Sqlite),
            "csv" => Some(Format::Csv),
            "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
            _ => None,
        }
    }
}

/// How a sync run ended, as recorded by sinks that keep history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunStatus {
    /// Every record arrived and was written.
    Ok,
    /// The run completed, but some records were skipped.
    Partial,
    /// The provider (or the output) failed before the end.
    Failed,
}

impl RunStatus {
    /// The status as stored (`ok`, `partial`, `failed`).
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Ok => "ok",
            RunStatus::Partial => "partial",
            RunStatus::Failed => "failed",
        }
    }
}

/// A sync run's totals.
#[derive(Clone, Copy, Debug)]
pub struct Outcome {
    /// Customers written.
    pub records: u64,
    /// Records skipped because they could not be decoded or normalized.
    pub errors: u64,
    /// How the run ended.
    pub status: RunStatus,
}

/// Why a write failed.
#[derive(Debug)]
pub enum SinkError {
    /// The reader went away (a closed pipe, as with `| head`): stop quietly.
    Closed,
    /// Anything else; the message names no personal data.
    Failed(String),
}

impl From<std::io::Error> for SinkError {
    fn from(error: std::io::Error) -> Self {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            SinkError::Closed
        } else {
            SinkError::Failed(format!("cannot write the output: {error}"))
        }
    }
}

/// A destination for customers.
pub trait Sink {
    /// Writes one customer.
    fn write(&mut self, customer: Customer) -> Result<(), SinkError>;
    /// Flushes and closes, recording how the run ended.
    fn finish(self: Box<Self>, outcome: Outcome) -> Result<(), SinkError>;
}

/// Where the output goes, as the user asked for it.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct OutputArgs {
    /// Output format (default: from `--out`'s extension, else jsonl).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write to FILE instead of stdout; `.sqlite`/`.db` selects the SQLite store.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

impl OutputArgs {
    /// The chosen format, or a usage error for a combination that cannot work; checked
    /// before anything is fetched.
    pub fn format(&self) -> Result<Format, Failure> {
        let format = self
            .format
            .or_else(|| self.out.as_deref().and_then(Format::from_path))
            .unwrap_or(Format::Jsonl);
        if format == Format::Sqlite && self.out.is_none() {
            return Err(Failure::usage(
                "--format sqlite needs --out FILE.sqlite (a database file to upsert into)",
            ));
        }
        Ok(format)
    }
}

/// Opens the sink `args` ask for. `endpoint` is recorded with SQLite runs.
pub fn open(
    args: &OutputArgs,
    provider: &'static ProviderInfo,
    endpoint: &str,
) -> Result<Box<dyn Sink>, Failure> {
    let format = args.format()?;
    if let (Format::Sqlite, Some(path)) = (format, &args.out) {
        return Ok(Box::new(sqlite::Store::open(
            path,
            provider.name,
            endpoint,
        )?));
    }
    let writer: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(std::fs::File::create(path).map_err(|error| {
            Failure::usage(format!("cannot create {}: {error}", path.display()))
        })?),
        None => Box::new(std::io::stdout().lock()),
    };
    let writer = std::io::BufWriter::new(writer);
    Ok(match format {
        Format::Csv => Box::new(csv::CsvSink::new(writer)),
        Format::Jsonl | Format::Sqlite => Box::new(jsonl::JsonLines::new(writer)),
    })
}

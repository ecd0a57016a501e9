//! The SQLite store: customers upserted by (provider, remote id), plus a row per sync run.
//!
//! ```sql
//! sync_runs(id, provider, endpoint, started, finished, records, errors, status)
//! customers(provider, remote_id, code, full_name, email, phone, total_spent, currency,
//!           created_at, updated_at, customer, raw, first_seen_run, last_seen_run)
//! ```
//!
//! `customer` is the normalized customer as JSON (with `raw` inside), `raw` the record
//! as the provider last sent it. A personal-data field the provider withheld this time
//! keeps the value stored earlier ([`Customer::keep_known_from`]). Writes are committed
//! every [`BATCH`] customers, so a run that fails half-way keeps what it fetched.

use super::{Outcome, Sink, SinkError};
use crate::failure::Failure;
use custkit::Customer;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;

/// Customers per transaction.
const BATCH: usize = 500;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS sync_runs (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    provider TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    started  TEXT NOT NULL,
    finished TEXT,
    records  INTEGER NOT NULL DEFAULT 0,
    errors   INTEGER NOT NULL DEFAULT 0,
    status   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS customers (
    provider       TEXT NOT NULL,
    remote_id      TEXT NOT NULL,
    code           TEXT,
    full_name      TEXT,
    email          TEXT,
    phone          TEXT,
    total_spent    TEXT,
    currency       TEXT,
    created_at     TEXT,
    updated_at     TEXT,
    customer       TEXT NOT NULL,
    raw            TEXT NOT NULL,
    first_seen_run INTEGER NOT NULL REFERENCES sync_runs(id),
    last_seen_run  INTEGER NOT NULL REFERENCES sync_runs(id),
    PRIMARY KEY (provider, remote_id)
);
";

const UPSERT: &str = "
INSERT INTO customers (provider, remote_id, code, full_name, email, phone, total_spent,
                       currency, created_at, updated_at, customer, raw, first_seen_run,
                       last_seen_run)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)
ON CONFLICT (provider, remote_id) DO UPDATE SET
    code = excluded.code, full_name = excluded.full_name, email = excluded.email,
    phone = excluded.phone, total_spent = excluded.total_spent,
    currency = excluded.currency, created_at = excluded.created_at,
    updated_at = excluded.updated_at, customer = excluded.customer, raw = excluded.raw,
    last_seen_run = excluded.last_seen_run
";

/// An open store with a sync run in progress.
pub struct Store {
    connection: Connection,
    run: i64,
    provider: String,
    pending: usize,
}

impl Store {
    /// Opens (or creates) the database at `path` and starts a sync run.
    pub fn open(path: &Path, provider: &str, endpoint: &str) -> Result<Store, Failure> {
        let fail = |error: rusqlite::Error| {
            Failure::usage(format!("cannot open {} as SQLite: {error}", path.display()))
        };
        let connection = Connection::open(path).map_err(fail)?;
        connection.execute_batch(SCHEMA).map_err(fail)?;
        connection
            .execute(
                "INSERT INTO sync_runs (provider, endpoint, started, status)
                 VALUES (?1, ?2, ?3, 'running')",
                params![provider, endpoint, now()],
            )
            .map_err(fail)?;
        let run = connection.last_insert_rowid();
        connection.execute_batch("BEGIN").map_err(fail)?;
        Ok(Store {
            connection,
            run,
            provider: provider.to_string(),
            pending: 0,
        })
    }

    /// The stored customer `remote_id`, if any.
    fn stored(&self, remote_id: &str) -> Result<Option<Customer>, SinkError> {
        let text: Option<String> = self
            .connection
            .prepare_cached("SELECT customer FROM customers WHERE provider = ?1 AND remote_id = ?2")
            .and_then(|mut statement| {
                statement
                    .query_row(params![self.provider, remote_id], |row| row.get(0))
                    .optional()
            })
            .map_err(sql_error)?;
        text.map(|text| {
            serde_json::from_str(&text).map_err(|_| {
                SinkError::Failed(format!(
                    "the stored customer {} {remote_id} is not a readable customer; \
                     not overwriting it",
                    self.provider
                ))
            })
        })
        .transpose()
    }
}

impl Sink for Store {
    fn write(&mut self, mut customer: Customer) -> Result<(), SinkError> {
        if let Some(previous) = self.stored(&customer.remote_id)? {
            customer.keep_known_from(previous);
        }
        let json = serde_json::to_string(&customer)
            .map_err(|error| SinkError::Failed(format!("cannot encode a customer: {error}")))?;
        let email = customer
            .emails
            .known()
            .and_then(|emails| emails.first())
            .map(|email| email.address.as_str());
        let phone = customer
            .phones
            .known()
            .and_then(|phones| phones.first())
            .map(|phone| phone.e164.as_deref().unwrap_or(&phone.raw));
        let money = customer.total_spent.as_ref();
        self.connection
            .prepare_cached(UPSERT)
            .and_then(|mut statement| {
                statement.execute(params![
                    customer.provider,
                    customer.remote_id.as_str(),
                    customer.code.as_deref(),
                    customer.full_name.as_deref(),
                    email,
                    phone,
                    money.map(|money| money.amount.to_string()),
                    money.map(|money| money.currency.to_string()),
                    customer.created_at.map(|at| at.to_rfc3339()),
                    customer.updated_at.map(|at| at.to_rfc3339()),
                    json,
                    customer.raw.get(),
                    self.run,
                ])
            })
            .map_err(sql_error)?;
        self.pending += 1;
        if self.pending >= BATCH {
            self.connection
                .execute_batch("COMMIT; BEGIN")
                .map_err(sql_error)?;
            self.pending = 0;
        }
        Ok(())
    }

    fn finish(self: Box<Self>, outcome: Outcome) -> Result<(), SinkError> {
        self.connection
            .execute_batch("COMMIT")
            .and_then(|()| {
                self.connection.execute(
                    "UPDATE sync_runs SET finished = ?1, records = ?2, errors = ?3, status = ?4
                     WHERE id = ?5",
                    params![
                        now(),
                        outcome.records,
                        outcome.errors,
                        outcome.status.as_str(),
                        self.run
                    ],
                )
            })
            .map(drop)
            .map_err(sql_error)
    }
}

fn sql_error(error: rusqlite::Error) -> SinkError {
    SinkError::Failed(format!("SQLite: {error}"))
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::RunStatus;
    use custkit::{Email, Pii};
    use serde_json::value::RawValue;

    fn customer(raw: &str, emails: Pii<Vec<Email>>) -> Customer {
        let raw = RawValue::from_string(raw.to_string()).unwrap();
        let mut customer = Customer::new("p", "7".into(), raw);
        customer.emails = emails;
        customer
    }

    fn run(path: &Path, customer: Customer) {
        let mut store = Box::new(Store::open(path, "p", "list").unwrap());
        store.write(customer).unwrap();
        let outcome = Outcome {
            records: 1,
            errors: 0,
            status: RunStatus::Ok,
        };
        store.finish(outcome).unwrap();
    }

    #[test]
    fn a_withheld_value_never_replaces_a_stored_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sqlite");
        let email = Email {
            address: "a@example.com".into(),
            kind: None,
        };
        run(
            &path,
            customer(
                r#"{"id":7,"email":"a@example.com"}"#,
                Pii::Known(vec![email]),
            ),
        );
        run(&path, customer(r#"{"id":7}"#, Pii::Withheld));
        let connection = Connection::open(&path).unwrap();
        let (email, raw, stored, runs): (Option<String>, String, String, i64) = connection
            .query_row(
                "SELECT email, raw, customer, (SELECT count(*) FROM sync_runs) FROM customers",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )
            .unwrap();
        assert_eq!(email.as_deref(), Some("a@example.com"));
        assert_eq!(raw, r#"{"id":7}"#, "raw is the record as last sent");
        let stored: Customer = serde_json::from_str(&stored).unwrap();
        assert_eq!(stored.emails.known().map(Vec::len), Some(1));
        assert_eq!(runs, 2);

        run(
            &path,
            customer(r#"{"id":7,"email":""}"#, Pii::Known(vec![])),
        );
        let email: Option<String> = connection
            .query_row("SELECT email FROM customers", [], |row| row.get(0))
            .unwrap();
        assert_eq!(email, None, "a known empty value does replace it");
    }
}

//! JSON lines: one normalized customer per line.

use super::{Outcome, Sink, SinkError};
use custkit::Customer;
use std::io::Write;

/// Writes each customer as one line of JSON.
pub struct JsonLines<W: Write> {
    out: W,
}

impl<W: Write> JsonLines<W> {
    /// Writes to `out`.
    pub fn new(out: W) -> Self {
        JsonLines { out }
    }
}

impl<W: Write> Sink for JsonLines<W> {
    fn write(&mut self, customer: Customer) -> Result<(), SinkError> {
        serde_json::to_writer(&mut self.out, &customer).map_err(std::io::Error::from)?;
        self.out.write_all(b"\n")?;
        Ok(())
    }

    fn finish(mut self: Box<Self>, _outcome: Outcome) -> Result<(), SinkError> {
        self.out.flush()?;
        Ok(())
    }
}

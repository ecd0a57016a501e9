//! Progress on stderr: a live line (records, pages, rate) when stderr is a terminal,
//! nothing otherwise, so logs and pipes stay clean. Warnings go through it so the live
//! line does not garble them.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// The progress display of one run.
pub struct Progress {
    bar: Option<ProgressBar>,
    pages: u64,
}

impl Progress {
    /// A live display if stderr is a terminal, else a silent one.
    pub fn start() -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{spinner} {human_pos} records, {msg} pages, {rate} [{elapsed}]",
            )
            .map(|style| {
                style.with_key(
                    "rate",
                    |state: &ProgressState, out: &mut dyn std::fmt::Write| {
                        let _ = write!(out, "{:.0} records/s", state.per_sec());
                    },
                )
            })
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
            bar.set_style(style);
            bar.set_message("0");
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress { bar, pages: 0 }
    }

    /// One more record, from page `page` (counted from 1).
    pub fn record(&mut self, page: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
            if page > self.pages {
                self.pages = page;
                bar.set_message(page.to_string());
            }
        }
    }

    /// Prints a line on stderr without garbling the live display.
    pub fn warn(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    /// Removes the live display.
    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}

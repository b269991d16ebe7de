//! Progress bars on a terminal, silence when piped.

use std::io::IsTerminal;
use std::sync::Mutex;

use apiwarden_ingest::{FileReport, Progress};
use indicatif::{ProgressBar, ProgressStyle};

pub struct TerminalProgress {
    bar: Mutex<Option<ProgressBar>>,
    enabled: bool,
}

impl TerminalProgress {
    /// Shows bars only when stderr is a terminal and the user did not ask for quiet.
    pub fn new(quiet: bool) -> TerminalProgress {
        TerminalProgress { bar: Mutex::new(None), enabled: !quiet && std::io::stderr().is_terminal() }
    }

    fn with_bar(&self, f: impl FnOnce(&ProgressBar)) {
        if let Ok(guard) = self.bar.lock()
            && let Some(bar) = guard.as_ref()
        {
            f(bar);
        }
    }
}

impl Progress for TerminalProgress {
    fn file_started(&self, path: &str, size: Option<u64>) {
        if !self.enabled {
            return;
        }
        let bar = match size {
            Some(size) => ProgressBar::new(size).with_style(
                ProgressStyle::with_template(
                    "{prefix:.bold} [{bar:30}] {bytes}/{total_bytes} {msg} ({bytes_per_sec}, eta {eta})",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            ),
            None => ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{prefix:.bold} {spinner} {bytes} {msg} ({bytes_per_sec})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            ),
        };
        bar.set_prefix(path.to_owned());
        if let Ok(mut guard) = self.bar.lock() {
            *guard = Some(bar);
        }
    }

    fn file_position(&self, bytes: u64) {
        self.with_bar(|bar| bar.set_position(bytes));
    }

    fn calls_processed(&self, calls: u64) {
        self.with_bar(|bar| bar.set_message(format!("{calls} calls")));
    }

    fn file_finished(&self, _report: &FileReport) {
        if let Ok(mut guard) = self.bar.lock()
            && let Some(bar) = guard.take()
        {
            bar.finish_and_clear();
        }
    }
}

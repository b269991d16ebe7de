//! Traffic files: HAR 1.1/1.2 and apiwarden JSON lines, plain or gzip, from files, folders
//! or stdin, read as a stream with bounded memory.
//!
//! This module only *splits* a file into raw records ([`Record::Har`] = the bytes of one
//! `log.entries` element, [`Record::Line`] = one line). Turning records into calls is
//! CPU work the caller spreads over threads with
//! [`apiwarden_core::har::entry_to_call`] / [`apiwarden_core::jsonl::line_to_call`].
//!
//! ```no_run
//! use std::ops::ControlFlow;
//! use apiwarden_ingest::source::{expand_inputs, Record, SourceLimits};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! for file in expand_inputs(&["traffic/".into()])? {
//!     let outcome = file.read(&SourceLimits::default(), &mut |record| {
//!         match record {
//!             Record::Har { index, bytes } => { /* entry_to_call(&bytes, ..) */ }
//!             Record::Line { line_no, bytes } => { /* line_to_call(&bytes, ..) */ }
//!             Record::Skipped { position, reason } => eprintln!("{}: {reason}", file.display_name()),
//!         }
//!         ControlFlow::Continue(())
//!     })?;
//!     if let Some(reason) = &outcome.rejected { /* discard this file's calls */ }
//! }
//! # Ok(()) }
//! ```
//!
//! Formats are detected by content, never by extension: gzip by its magic bytes, then a
//! HAR is one object with a top-level `log` key and JSON lines are one call object per
//! line. The extension only breaks ties the content cannot decide.

mod har;
mod input;
mod lines;
mod sniff;

use std::fs::File;
use std::io::{self, BufReader, Cursor, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use input::{Input, ScanError};
use sniff::Sniffed;

/// Size of the splitters' read buffer.
const READ_BUFFER_BYTES: usize = 1 << 20;
/// How much decompressed data is looked at to tell HAR from JSON lines.
const SNIFF_BYTES: usize = 64 << 10;
/// File-name endings picked up when walking a folder (compared in lowercase).
const TRAFFIC_SUFFIXES: [&str; 6] = [".har", ".har.gz", ".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz"];

/// The two traffic formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// HAR 1.1/1.2: records are [`Record::Har`], converted with `entry_to_call`.
    Har,
    /// apiwarden JSON lines: records are [`Record::Line`], converted with `line_to_call`.
    JsonLines,
}

/// Limits and hooks for reading one file.
#[derive(Clone, Debug)]
pub struct SourceLimits {
    /// Largest HAR entry or JSON line kept in memory (default 64 MiB). Larger ones are
    /// scanned past without being buffered and reported as [`Record::Skipped`].
    pub max_entry_bytes: usize,
    /// When set, the number of raw bytes read from the file (compressed bytes for gzip,
    /// so it can be compared with [`SourceFile::size`]) is added here as reading goes, for
    /// progress bars. One counter may be shared by several files.
    pub bytes_read: Option<Arc<AtomicU64>>,
}

impl Default for SourceLimits {
    fn default() -> Self {
        SourceLimits { max_entry_bytes: 64 << 20, bytes_read: None }
    }
}

/// One raw record from a traffic file, handed to the sink in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    /// The JSON bytes of one element of `log.entries`; `index` is its 0-based position.
    /// The bytes are not validated: `entry_to_call` reports broken JSON inside one entry.
    Har { index: u64, bytes: Vec<u8> },
    /// One non-blank line (1-based `line_no`), line ending and trailing whitespace removed.
    Line { line_no: u64, bytes: Vec<u8> },
    /// A record that was not read: `position` is the HAR entry index or the line number,
    /// `reason` a sentence such as "entry 3 is 80000000 bytes, over the 67108864-byte limit".
    Skipped { position: u64, reason: String },
}

impl Record {
    /// Bytes the record holds.
    pub fn len(&self) -> usize {
        match self {
            Record::Har { bytes, .. } | Record::Line { bytes, .. } => bytes.len(),
            Record::Skipped { reason, .. } => reason.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// How reading one file went, when it could be read at all.
///
/// `read` returns `Err(SourceError)` — and has then emitted **no** record — when the file
/// cannot be used: it cannot be opened, is not gzip/JSON/HAR/JSON lines, has an unsupported
/// HAR version that is found before any entry, or breaks off before its first record.
/// Once records have been emitted, problems are reported here instead:
///
/// * `rejected: Some(..)` — the file turned out to be unusable *after* records were
///   emitted (a HAR whose `log.version` comes after `log.entries` and is not 1.1/1.2).
///   **The caller must discard every call it made from this file's records.** Writers put
///   `version` first in practice, so this is rare; a caller that must never un-ingest can
///   hold a file's calls until `read` returns.
/// * `truncated: Some(..)` — the stream ended early or became unreadable (cut-off file,
///   corrupt or truncated gzip, broken JSON structure between entries). The `records`
///   emitted before are complete and good; nothing after the problem was read.
/// * `stopped` — the sink returned `ControlFlow::Break`; reading stopped there (and a
///   HAR version that comes after the entries was not checked).
///
/// The texts are whole sentences that start with the file name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadOutcome {
    /// The detected format (always `Some` in an outcome returned by `read`).
    pub format: Option<Format>,
    /// True when the file was gzip-compressed.
    pub gzip: bool,
    /// [`Record::Har`] / [`Record::Line`] records emitted.
    pub records: u64,
    /// [`Record::Skipped`] records emitted.
    pub skipped: u64,
    /// Raw bytes read from the file or stdin (compressed bytes for gzip).
    pub bytes_read: u64,
    pub truncated: Option<String>,
    pub rejected: Option<String>,
    pub stopped: bool,
    /// Harmless oddities worth a log line (`log.version` missing, data after the HAR).
    pub warnings: Vec<String>,
}

/// A file (or stdin) could not be used as a traffic source. Every message is one sentence
/// naming the path.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: no such file or directory")]
    NotFound { path: String },
    #[error("no HAR or JSON-lines files under {path}")]
    EmptyFolder { path: String },
    #[error("{path}: {message}")]
    Io { path: String, message: String, kind: io::ErrorKind },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    /// For callers that read on a separate thread: that thread panicked.
    #[error("{path}: the reader thread panicked")]
    ReaderPanicked { path: String },
}

/// A traffic file to read (or stdin).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    path: PathBuf,
    size: Option<u64>,
    stdin: bool,
}

impl SourceFile {
    /// A file; its size is looked up now (and stays unknown if that fails).
    pub fn new(path: impl Into<PathBuf>) -> SourceFile {
        let path = path.into();
        let size = std::fs::metadata(&path).ok().filter(|m| m.is_file()).map(|m| m.len());
        SourceFile { path, size, stdin: false }
    }

    /// Standard input (named `-` on the command line).
    pub fn stdin() -> SourceFile {
        SourceFile { path: PathBuf::from("-"), size: None, stdin: true }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn is_stdin(&self) -> bool {
        self.stdin
    }

    /// The name used in messages and as `Observed.origin`: the path, or `<stdin>`.
    pub fn display_name(&self) -> String {
        if self.stdin { "<stdin>".to_owned() } else { self.path.display().to_string() }
    }

    /// Size in bytes when known (not for stdin or pipes): the total for a progress bar
    /// fed by [`SourceLimits::bytes_read`].
    pub fn size(&self) -> Option<u64> {
        self.size
    }

    /// Reads the file, handing every record to `sink` in order. Streaming: memory stays
    /// bounded by `limits.max_entry_bytes` plus buffers, whatever the file size.
    /// See [`ReadOutcome`] for what `Err` and each outcome field mean.
    pub fn read(
        &self,
        limits: &SourceLimits,
        sink: &mut dyn FnMut(Record) -> ControlFlow<()>,
    ) -> Result<ReadOutcome, SourceError> {
        let name = self.display_name();
        let hint = format_from_name(&self.path);
        if self.stdin {
            return read_stream(io::stdin(), &name, hint, limits, sink);
        }
        let file = File::open(&self.path).map_err(|err| match err.kind() {
            io::ErrorKind::NotFound => SourceError::NotFound { path: name.clone() },
            kind => SourceError::Io { path: name.clone(), message: format!("cannot open: {err}"), kind },
        })?;
        read_stream(file, &name, hint, limits, sink)
    }
}

/// The format a file name suggests (`.har`, `.jsonl`, `.ndjson`, optionally `.gz`).
fn format_from_name(path: &Path) -> Option<Format> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    if name.ends_with(".har") {
        Some(Format::Har)
    } else if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
        Some(Format::JsonLines)
    } else {
        None
    }
}

/// Expands command-line inputs: files are kept as given (whatever their name), folders are
/// walked recursively in sorted order for `*.har`, `*.jsonl`, `*.ndjson` (each optionally
/// `.gz`), and `-` means stdin.
pub fn expand_inputs(paths: &[PathBuf]) -> Result<Vec<SourceFile>, SourceError> {
    let mut files = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            files.push(SourceFile::stdin());
            continue;
        }
        let name = path.display().to_string();
        let metadata = std::fs::metadata(path).map_err(|err| match err.kind() {
            io::ErrorKind::NotFound => SourceError::NotFound { path: name.clone() },
            kind => SourceError::Io { path: name.clone(), message: err.to_string(), kind },
        })?;
        if !metadata.is_dir() {
            files.push(SourceFile {
                path: path.clone(),
                size: metadata.is_file().then_some(metadata.len()),
                stdin: false,
            });
            continue;
        }
        let before = files.len();
        for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
            let entry = entry.map_err(|err| {
                let at = err.path().map_or_else(|| name.clone(), |p| p.display().to_string());
                let kind = err.io_error().map_or(io::ErrorKind::Other, io::Error::kind);
                SourceError::Io { path: at, message: format!("cannot list folder: {err}"), kind }
            })?;
            let file_name = entry.file_name().to_string_lossy().to_ascii_lowercase();
            if !TRAFFIC_SUFFIXES.iter().any(|suffix| file_name.ends_with(suffix)) {
                continue;
            }
            // Symbolic links to files count; folders behind links are not followed.
            let Ok(metadata) = std::fs::metadata(entry.path()) else { continue };
            if metadata.is_file() {
                files.push(SourceFile { path: entry.into_path(), size: Some(metadata.len()), stdin: false });
            }
        }
        if files.len() == before {
            return Err(SourceError::EmptyFolder { path: name });
        }
    }
    Ok(files)
}

/// Counts records as they are emitted.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Counts {
    pub records: u64,
    pub skipped: u64,
}

/// Counts raw bytes for [`ReadOutcome::bytes_read`] and the progress counter.
struct CountingReader<R> {
    inner: R,
    total: Arc<AtomicU64>,
    progress: Option<Arc<AtomicU64>>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.total.fetch_add(n as u64, Ordering::Relaxed);
        if let Some(progress) = &self.progress {
            progress.fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok(n)
    }
}

/// Reads up to `want` bytes (fewer only at the end of the stream).
fn read_head(reader: &mut dyn Read, want: usize) -> io::Result<(Vec<u8>, bool)> {
    let mut head = Vec::with_capacity(want);
    let complete = reader.take(want as u64).read_to_end(&mut head).map(|n| n < want)?;
    Ok((head, complete))
}

/// Reads any stream (a file, stdin, bytes in memory): detects gzip and the format, then
/// splits it into records. `name` is used in messages; `hint` breaks ties the content
/// cannot decide (see [`SourceFile::read`] for the contract).
pub fn read_stream<R: Read>(
    reader: R,
    name: &str,
    hint: Option<Format>,
    limits: &SourceLimits,
    sink: &mut dyn FnMut(Record) -> ControlFlow<()>,
) -> Result<ReadOutcome, SourceError> {
    let total = Arc::new(AtomicU64::new(0));
    let mut raw =
        CountingReader { inner: reader, total: Arc::clone(&total), progress: limits.bytes_read.clone() };
    let io_error = |err: io::Error, gzip: bool| {
        let (kind, message) = describe_io(&err, gzip);
        SourceError::Io { path: name.to_owned(), message, kind }
    };

    let (magic, _) = read_head(&mut raw, 2).map_err(|err| io_error(err, false))?;
    let gzip = magic.starts_with(&[0x1f, 0x8b]);
    let raw = Cursor::new(magic).chain(raw);
    let mut decoded: Box<dyn Read + '_> = if gzip {
        Box::new(flate2::bufread::MultiGzDecoder::new(BufReader::with_capacity(256 << 10, raw)))
    } else {
        Box::new(raw)
    };

    let (mut window, complete) = read_head(&mut decoded, SNIFF_BYTES).map_err(|err| io_error(err, gzip))?;
    if window.starts_with(b"\xEF\xBB\xBF") {
        window.drain(..3);
    }
    let format = match sniff::sniff(&window, complete) {
        Sniffed::Format(format) => format,
        Sniffed::Undecided => hint.unwrap_or(Format::Har),
        Sniffed::Empty if hint == Some(Format::Har) => {
            return Err(SourceError::Invalid {
                path: name.to_owned(),
                message: "the file is empty".to_owned(),
            });
        }
        Sniffed::Empty => Format::JsonLines,
        Sniffed::NotJson(what) => {
            let message = if hint == Some(Format::Har) {
                format!("not a HAR file: {what}")
            } else {
                format!("not a HAR or JSON-lines file: {what}")
            };
            return Err(SourceError::Invalid { path: name.to_owned(), message });
        }
    };

    let input = Input::new(Cursor::new(window).chain(decoded), READ_BUFFER_BYTES);
    let mut outcome = ReadOutcome { format: Some(format), gzip, ..ReadOutcome::default() };
    let (counts, result, place) = match format {
        Format::Har => {
            let mut splitter = har::HarSplitter::new(input, limits.max_entry_bytes, sink);
            let result = splitter.run();
            outcome.warnings = std::mem::take(&mut splitter.warnings);
            (splitter.counts, result, splitter.place())
        }
        Format::JsonLines => {
            let mut input = input;
            let mut counts = Counts::default();
            let mut line = 0;
            let result = lines::split_lines(&mut input, limits.max_entry_bytes, sink, &mut counts, &mut line);
            (counts, result, format!("at line {line}"))
        }
    };
    outcome.records = counts.records;
    outcome.skipped = counts.skipped;
    outcome.bytes_read = total.load(Ordering::Relaxed);
    outcome.warnings.iter_mut().for_each(|warning| *warning = format!("{name}: {warning}"));

    let problem = match result {
        Ok(()) => return Ok(outcome),
        Err(ScanError::Cancelled) => {
            outcome.stopped = true;
            return Ok(outcome);
        }
        Err(ScanError::Reject(message)) => Problem::Reject(message),
        Err(ScanError::Eof) => Problem::Truncate(format!("truncated HAR: the file ends {place}")),
        Err(ScanError::Syntax { offset, message }) => {
            Problem::Truncate(format!("invalid JSON at byte {offset} {place}: {message}"))
        }
        Err(ScanError::Io(err)) => {
            let (kind, message) = describe_io(&err, gzip);
            if counts.records + counts.skipped == 0 {
                return Err(SourceError::Io {
                    path: name.to_owned(),
                    message: format!("{message} ({place})"),
                    kind,
                });
            }
            Problem::Truncate(format!("{message} ({place})"))
        }
    };
    if counts.records + counts.skipped == 0 {
        let message = match problem {
            Problem::Reject(message) | Problem::Truncate(message) => message,
        };
        return Err(SourceError::Invalid { path: name.to_owned(), message });
    }
    match problem {
        Problem::Reject(message) => outcome.rejected = Some(format!("{name}: {message}")),
        Problem::Truncate(message) => outcome.truncated = Some(format!("{name}: {message}")),
    }
    Ok(outcome)
}

enum Problem {
    Reject(String),
    Truncate(String),
}

fn describe_io(err: &io::Error, gzip: bool) -> (io::ErrorKind, String) {
    let kind = err.kind();
    let message = match kind {
        io::ErrorKind::UnexpectedEof if gzip => "gzip stream is truncated".to_owned(),
        io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData if gzip => {
            format!("gzip data is corrupt: {err}")
        }
        _ => format!("read error: {err}"),
    };
    (kind, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_bytes(bytes: &[u8], hint: Option<Format>) -> (Result<ReadOutcome, SourceError>, Vec<Record>) {
        let mut records = Vec::new();
        let result = read_stream(bytes, "mem.har", hint, &SourceLimits::default(), &mut |record| {
            records.push(record);
            ControlFlow::Continue(())
        });
        (result, records)
    }

    #[test]
    fn messages_for_unusable_input() {
        let message = |bytes: &[u8], hint| read_bytes(bytes, hint).0.unwrap_err().to_string();
        assert_eq!(message(b"", Some(Format::Har)), "mem.har: the file is empty");
        assert_eq!(
            message(b"hello", Some(Format::Har)),
            "mem.har: not a HAR file: it does not start with a JSON object (neither HAR nor JSON lines)"
        );
        assert_eq!(message(br#"{"a":1}"#, None), "mem.har: not a HAR file: top-level `log` object missing");
        assert_eq!(
            message(br#"{"log":{"version":"1.3","entries":[{}]}}"#, None),
            r#"mem.har: unsupported HAR version "1.3" (apiwarden reads HAR 1.1 and 1.2)"#
        );
        assert_eq!(
            message(br#"{"log":{"version":"1.2","entries":[{"#, None),
            "mem.har: truncated HAR: the file ends inside entry 0"
        );
        assert_eq!(
            message(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\xff", None),
            "mem.har: gzip data is corrupt: corrupt deflate stream"
        );
        assert_eq!(message(b"\x1f\x8b\x08", None), "mem.har: gzip stream is truncated");
    }

    #[test]
    fn empty_json_lines_are_fine() {
        let (result, records) = read_bytes(b"\n\n", Some(Format::JsonLines));
        let outcome = result.unwrap();
        assert_eq!(outcome.format, Some(Format::JsonLines));
        assert!(records.is_empty());
    }

    #[test]
    fn cancelling_stops_reading() {
        let text = br#"{"log":{"entries":[{},{},{}],"version":"9"}}"#;
        let mut seen = 0;
        let outcome = read_stream(&text[..], "x", None, &SourceLimits::default(), &mut |_| {
            seen += 1;
            ControlFlow::Break(())
        })
        .unwrap();
        assert_eq!(seen, 1);
        assert!(outcome.stopped && outcome.rejected.is_none());
    }

    #[test]
    fn names_decide_only_ties() {
        assert_eq!(format_from_name(Path::new("a/B.HAR.gz")), Some(Format::Har));
        assert_eq!(format_from_name(Path::new("x.ndjson")), Some(Format::JsonLines));
        assert_eq!(format_from_name(Path::new("x.json")), None);
        // A one-line JSON-lines file whose keys do not decide is read by its name.
        let (result, records) = read_bytes(br#"{"x":1}"#, Some(Format::JsonLines));
        assert_eq!(result.unwrap().format, Some(Format::JsonLines));
        assert_eq!(records.len(), 1);
    }
}

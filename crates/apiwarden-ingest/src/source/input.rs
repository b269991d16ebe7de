//! A big read buffer with an optional bounded "capture" of the bytes scanned through it.
//!
//! Both splitters scan the stream byte-wise through [`Input`]; when a value (a HAR entry or
//! a line) must be handed on, they start a capture at its first byte and finish it after
//! its last byte. The capture copies whole buffer spans (never single bytes) and stops
//! copying — while still counting — once it would exceed its limit, so memory stays
//! bounded by `limit + buffer size` however large the value is.

use std::io::{self, Read};

/// Why scanning stopped before the end of a well-formed document.
#[derive(Debug)]
pub(crate) enum ScanError {
    /// The input ended in the middle of a value.
    Eof,
    /// Reading failed (I/O error, or a corrupt/truncated gzip stream).
    Io(io::Error),
    /// The bytes are not the JSON structure expected at this point.
    Syntax { offset: u64, message: String },
    /// The document is readable but is not a usable HAR (wrong version, no `log`, ...).
    Reject(String),
    /// The record sink asked to stop.
    Cancelled,
}

pub(crate) type Scan<T> = Result<T, ScanError>;

/// A finished capture.
pub(crate) struct Captured {
    /// The captured bytes (empty when `overflow`).
    pub bytes: Vec<u8>,
    /// The value's real size in bytes, even when it was not kept.
    pub size: u64,
    /// True when the value was larger than the limit and its bytes were dropped.
    pub overflow: bool,
}

pub(crate) struct Input<R> {
    reader: R,
    buf: Vec<u8>,
    /// Next byte to scan.
    pub pos: usize,
    /// End of valid data in `buf`.
    pub end: usize,
    /// Stream offset of `buf[0]`.
    base: u64,
    eof: bool,
    capturing: bool,
    cap_start: usize,
    cap: Vec<u8>,
    cap_size: u64,
    cap_limit: usize,
    cap_overflow: bool,
    /// Size of the previous capture: a good first guess for the next one's capacity.
    last_size: usize,
}

impl<R: Read> Input<R> {
    pub fn new(reader: R, buffer_bytes: usize) -> Input<R> {
        Input {
            reader,
            buf: vec![0; buffer_bytes.max(1)],
            pos: 0,
            end: 0,
            base: 0,
            eof: false,
            capturing: false,
            cap_start: 0,
            cap: Vec::new(),
            cap_size: 0,
            cap_limit: 0,
            cap_overflow: false,
            last_size: 0,
        }
    }

    /// Stream offset of the next byte.
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// The unscanned bytes currently buffered.
    #[inline]
    pub fn available(&self) -> &[u8] {
        self.buf.get(self.pos..self.end).unwrap_or_default()
    }

    /// Makes more bytes available once everything buffered has been scanned.
    /// Returns `false` at the end of the input.
    pub fn refill(&mut self) -> Scan<bool> {
        if self.pos < self.end {
            return Ok(true);
        }
        if self.capturing {
            self.flush_capture(self.end);
            self.cap_start = 0;
        }
        self.base += self.end as u64;
        self.pos = 0;
        self.end = 0;
        if self.eof {
            return Ok(false);
        }
        loop {
            match self.reader.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end = n.min(self.buf.len());
                    return Ok(true);
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(ScanError::Io(err)),
            }
        }
    }

    /// The next byte without consuming it; `None` at the end of the input.
    #[inline]
    pub fn peek(&mut self) -> Scan<Option<u8>> {
        if self.pos >= self.end && !self.refill()? {
            return Ok(None);
        }
        Ok(self.buf.get(self.pos).copied())
    }

    /// The next byte without consuming it; the end of the input is an error here.
    #[inline]
    pub fn peek_required(&mut self) -> Scan<u8> {
        self.peek()?.ok_or(ScanError::Eof)
    }

    /// Skips JSON whitespace; returns the next byte (not consumed), `None` at the end.
    pub fn skip_ws(&mut self) -> Scan<Option<u8>> {
        loop {
            let available = self.available();
            match available.iter().position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
                Some(i) => {
                    let byte = available.get(i).copied();
                    self.pos += i;
                    return Ok(byte);
                }
                None => {
                    self.pos = self.end;
                    if !self.refill()? {
                        return Ok(None);
                    }
                }
            }
        }
    }

    pub fn syntax(&self, message: impl Into<String>) -> ScanError {
        ScanError::Syntax { offset: self.offset(), message: message.into() }
    }

    /// Starts capturing at the current position. At most `limit` bytes are kept.
    pub fn start_capture(&mut self, limit: usize) {
        self.capturing = true;
        self.cap_start = self.pos;
        self.cap_size = 0;
        self.cap_limit = limit;
        self.cap_overflow = false;
        self.cap.clear();
        let guess = self.last_size.min(limit).min(4 << 20);
        self.cap.reserve(guess);
    }

    /// Ends the capture just before the current position.
    pub fn finish_capture(&mut self) -> Captured {
        self.flush_capture(self.pos);
        self.capturing = false;
        self.last_size = usize::try_from(self.cap_size).unwrap_or(usize::MAX);
        let bytes = if self.cap_overflow { Vec::new() } else { std::mem::take(&mut self.cap) };
        Captured { bytes, size: self.cap_size, overflow: self.cap_overflow }
    }

    fn flush_capture(&mut self, upto: usize) {
        let span = self.buf.get(self.cap_start..upto).unwrap_or_default();
        self.cap_size += span.len() as u64;
        if self.cap_overflow {
            return;
        }
        if self.cap.len() + span.len() > self.cap_limit {
            self.cap_overflow = true;
            self.cap = Vec::new();
        } else {
            self.cap.extend_from_slice(span);
        }
    }
}

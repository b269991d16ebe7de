//! The JSON-lines splitter: one record per non-blank line, bounded memory per line.

use std::io::Read;
use std::ops::ControlFlow;

use super::input::{Input, Scan, ScanError};
use super::{Counts, Record};

/// Splits `input` into lines. Line numbers are 1-based; `\r\n` endings and trailing
/// whitespace are trimmed; blank lines are ignored (but counted); a line longer than
/// `max_line_bytes` becomes [`Record::Skipped`]. `last_line` is the number of the last line
/// read (for error messages).
pub(crate) fn split_lines<R: Read>(
    input: &mut Input<R>,
    max_line_bytes: usize,
    sink: &mut dyn FnMut(Record) -> ControlFlow<()>,
    counts: &mut Counts,
    last_line: &mut u64,
) -> Scan<()> {
    let mut line_no = 0u64;
    loop {
        if input.peek()?.is_none() {
            return Ok(());
        }
        line_no += 1;
        *last_line = line_no;
        input.start_capture(max_line_bytes);
        let mut ended = false;
        loop {
            let available = input.available();
            match memchr::memchr(b'\n', available) {
                Some(i) => {
                    input.pos += i;
                    ended = true;
                    break;
                }
                None => {
                    input.pos = input.end;
                    if !input.refill()? {
                        break;
                    }
                }
            }
        }
        let captured = input.finish_capture();
        if ended {
            input.pos += 1; // the newline
        }
        let record = if captured.overflow {
            counts.skipped += 1;
            Record::Skipped {
                position: line_no,
                reason: format!(
                    "line {line_no} is {} bytes, over the {}-byte limit",
                    captured.size, max_line_bytes
                ),
            }
        } else {
            let mut bytes = captured.bytes;
            let keep = bytes.trim_ascii_end().len();
            bytes.truncate(keep);
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            counts.records += 1;
            Record::Line { line_no, bytes }
        };
        if sink(record).is_break() {
            return Err(ScanError::Cancelled);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &[u8], buffer: usize, max: usize) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        let mut sink = |record| {
            match record {
                Record::Line { line_no, bytes } => {
                    out.push((line_no, String::from_utf8_lossy(&bytes).into_owned()))
                }
                Record::Skipped { position, .. } => out.push((position, "<skipped>".to_owned())),
                Record::Har { .. } => unreachable!(),
            }
            ControlFlow::Continue(())
        };
        let mut counts = Counts::default();
        let mut last = 0;
        split_lines(&mut Input::new(text, buffer), max, &mut sink, &mut counts, &mut last).unwrap();
        out
    }

    #[test]
    fn lines_blank_lines_crlf_and_oversized() {
        let text = b"{\"a\":1}\r\n\n   \n{\"b\":\"0123456789\"}\n{\"c\":3}";
        for buffer in [1, 2, 5, 1 << 16] {
            assert_eq!(
                split(text, buffer, 12),
                [(1, "{\"a\":1}".to_owned()), (4, "<skipped>".to_owned()), (5, "{\"c\":3}".to_owned())],
                "buffer {buffer}"
            );
        }
        assert!(split(b"", 4, 10).is_empty());
        assert!(split(b"\n\n", 4, 10).is_empty());
    }
}

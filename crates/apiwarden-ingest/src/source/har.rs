//! The streaming HAR splitter.
//!
//! A hand-written structural JSON scanner (string- and escape-aware, with a bracket stack)
//! that walks `{ "log": { ..., "entries": [ e0, e1, ... ], ... } }` with the keys in any
//! order, hands every element of `log.entries` on as its own byte buffer, checks
//! `log.version` wherever it appears, and skips every other value without buffering it.
//! It does not validate the inside of entries: `entry_to_call` (run in parallel by the
//! caller) does that with serde_json, so a broken entry costs one entry, not the file.

use std::io::Read;
use std::ops::ControlFlow;

use memchr::memchr2;

use super::input::{Input, Scan, ScanError};
use super::{Counts, Record};

/// Bytes that end a run of "nothing interesting" outside strings.
static STRUCTURAL: [bool; 256] = {
    let mut table = [false; 256];
    table[b'"' as usize] = true;
    table[b'{' as usize] = true;
    table[b'}' as usize] = true;
    table[b'[' as usize] = true;
    table[b']' as usize] = true;
    table
};

/// Longest key or `log.version` value read into memory (longer ones are skipped).
const MAX_SHORT_VALUE: usize = 4096;

/// Where the splitter is, for error messages.
#[derive(Clone, Copy, Debug)]
enum Place {
    BeforeEntries,
    InEntry(u64),
    AfterEntry(u64),
    AfterEntries,
}

/// Open brackets, one bit per level (1 = object).
#[derive(Default)]
struct BracketStack {
    words: Vec<u64>,
    depth: usize,
}

impl BracketStack {
    fn push(&mut self, object: bool) {
        let (word, bit) = (self.depth / 64, self.depth % 64);
        if word == self.words.len() {
            self.words.push(0);
        }
        if let Some(w) = self.words.get_mut(word) {
            if object {
                *w |= 1 << bit;
            } else {
                *w &= !(1 << bit);
            }
        }
        self.depth += 1;
    }

    /// Pops the innermost bracket; `None` when empty, else whether it was an object.
    fn pop(&mut self) -> Option<bool> {
        self.depth = self.depth.checked_sub(1)?;
        let (word, bit) = (self.depth / 64, self.depth % 64);
        self.words.get(word).map(|w| w & (1 << bit) != 0)
    }
}

const LOW_BITS: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// High bit set in every byte of `word` equal to `byte`. Only the lowest set bit is exact
/// (a borrow may mark bytes above a match), which is all the finders below use.
#[inline(always)]
fn eq_mask(word: u64, byte: u8) -> u64 {
    let x = word ^ (LOW_BITS * u64::from(byte));
    x.wrapping_sub(LOW_BITS) & !x & HIGH_BITS
}

#[inline(always)]
fn word_at(chunk: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(chunk);
    u64::from_le_bytes(bytes)
}

/// First `"` or `\`. Escape-dense JSON-in-a-string bodies put these a few bytes apart, so a
/// word-at-a-time search is tried first; long clean runs go to memchr's SIMD search.
#[inline]
fn find_string_stop(bytes: &[u8]) -> Option<usize> {
    const SHORT: usize = 32;
    let (head, tail) = bytes.split_at(bytes.len().min(SHORT));
    let mut chunks = head.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let word = word_at(chunk);
        let mask = eq_mask(word, b'"') | eq_mask(word, b'\\');
        if mask != 0 {
            return Some(base + (mask.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    if let Some(i) = chunks.remainder().iter().position(|&b| b == b'"' || b == b'\\') {
        return Some(base + i);
    }
    memchr2(b'"', b'\\', tail).map(|i| i + head.len())
}

/// First byte outside a string that matters: `"`, `{`, `}`, `[` or `]`.
#[inline]
fn find_structural(bytes: &[u8]) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let word = word_at(chunk);
        // `[`/`{` and `]`/`}` differ only in bit 5.
        let folded = word | (LOW_BITS * 0x20);
        let mask = eq_mask(word, b'"') | eq_mask(folded, b'{') | eq_mask(folded, b'}');
        if mask != 0 {
            return Some(base + (mask.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    chunks.remainder().iter().position(|&b| STRUCTURAL[usize::from(b)]).map(|i| base + i)
}

/// Skips the rest of a string; the opening quote has been consumed.
pub(crate) fn skip_string<R: Read>(input: &mut Input<R>) -> Scan<()> {
    loop {
        let available = input.available();
        match find_string_stop(available) {
            Some(i) => {
                let byte = available.get(i).copied();
                input.pos += i + 1;
                if byte == Some(b'"') {
                    return Ok(());
                }
                // A backslash: the escaped byte cannot end the string.
                if input.pos >= input.end && input.peek()?.is_none() {
                    return Err(ScanError::Eof);
                }
                input.pos += 1;
            }
            None => {
                input.pos = input.end;
                if !input.refill()? {
                    return Err(ScanError::Eof);
                }
            }
        }
    }
}

/// Skips (or, with a capture running, captures) one JSON value starting at the current
/// position (whitespace already skipped).
pub(crate) fn scan_value<R: Read>(input: &mut Input<R>) -> Scan<()> {
    match input.peek_required()? {
        b'"' => {
            input.pos += 1;
            skip_string(input)
        }
        open @ (b'{' | b'[') => {
            input.pos += 1;
            scan_composite(input, open == b'{')
        }
        _ => scan_scalar(input),
    }
}

/// A number, `true`, `false` or `null`: a run of letters, digits, `+`, `-` and `.`.
fn scan_scalar<R: Read>(input: &mut Input<R>) -> Scan<()> {
    let mut length = 0usize;
    loop {
        let available = input.available();
        let run =
            available.iter().position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')));
        match run {
            Some(i) => {
                input.pos += i;
                length += i;
                break;
            }
            None => {
                length += available.len();
                input.pos = input.end;
                if !input.refill()? {
                    break;
                }
            }
        }
    }
    if length == 0 {
        let found = input.peek()?.map_or_else(|| "the end of the file".to_owned(), describe_byte);
        return Err(input.syntax(format!("expected a value, found {found}")));
    }
    Ok(())
}

/// The rest of an object or array whose opening bracket has been consumed.
fn scan_composite<R: Read>(input: &mut Input<R>, object: bool) -> Scan<()> {
    let mut stack = BracketStack::default();
    stack.push(object);
    loop {
        let available = input.available();
        let Some(i) = find_structural(available) else {
            input.pos = input.end;
            if !input.refill()? {
                return Err(ScanError::Eof);
            }
            continue;
        };
        let byte = available.get(i).copied().unwrap_or(b'"');
        input.pos += i + 1;
        match byte {
            b'"' => skip_string(input)?,
            b'{' => stack.push(true),
            b'[' => stack.push(false),
            close => {
                let closes_object = close == b'}';
                match stack.pop() {
                    Some(open_object) if open_object == closes_object => {
                        if stack.depth == 0 {
                            return Ok(());
                        }
                    }
                    _ => {
                        input.pos -= 1;
                        return Err(input.syntax(format!("unexpected {}", describe_byte(close))));
                    }
                }
            }
        }
    }
}

fn describe_byte(byte: u8) -> String {
    if byte.is_ascii_graphic() { format!("`{}`", char::from(byte)) } else { format!("byte 0x{byte:02x}") }
}

/// A string value read into memory if it is short; `None` when it is not a string or too
/// long (it is skipped either way). Returns the decoded text, escapes resolved.
fn read_short_value<R: Read>(input: &mut Input<R>) -> Scan<ShortValue> {
    input.start_capture(MAX_SHORT_VALUE);
    let result = scan_value(input);
    let captured = input.finish_capture();
    result?;
    if captured.overflow {
        return Ok(ShortValue::TooLong);
    }
    Ok(ShortValue::Json(captured.bytes))
}

enum ShortValue {
    Json(Vec<u8>),
    TooLong,
}

impl ShortValue {
    /// The value as a string when it is a JSON string.
    fn as_string(&self) -> Option<String> {
        match self {
            ShortValue::Json(bytes) if bytes.first() == Some(&b'"') => {
                if bytes.contains(&b'\\') {
                    serde_json::from_slice::<String>(bytes).ok()
                } else {
                    let inner = bytes.get(1..bytes.len().saturating_sub(1))?;
                    Some(String::from_utf8_lossy(inner).into_owned())
                }
            }
            _ => None,
        }
    }

    fn describe(&self) -> String {
        match self {
            ShortValue::Json(bytes) => clip(&String::from_utf8_lossy(bytes), 60),
            ShortValue::TooLong => "(a very long value)".to_owned(),
        }
    }
}

fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or_default()),
        None => text.to_owned(),
    }
}

/// After `{` (`first`) or after a member's value: the next key with its `:` consumed and
/// the whitespace before the value skipped, or `None` when the object ends.
fn next_key<R: Read>(input: &mut Input<R>, first: bool) -> Scan<Option<Option<String>>> {
    let mut byte = input.skip_ws()?.ok_or(ScanError::Eof)?;
    if byte == b'}' {
        input.pos += 1;
        return Ok(None);
    }
    if !first {
        if byte != b',' {
            return Err(
                input.syntax(format!("expected `,` or `}}` after a value, found {}", describe_byte(byte)))
            );
        }
        input.pos += 1;
        byte = input.skip_ws()?.ok_or(ScanError::Eof)?;
    }
    if byte != b'"' {
        return Err(input.syntax(format!("expected a key, found {}", describe_byte(byte))));
    }
    let key = read_short_value(input)?.as_string();
    let colon = input.skip_ws()?.ok_or(ScanError::Eof)?;
    if colon != b':' {
        return Err(input.syntax(format!("expected `:` after a key, found {}", describe_byte(colon))));
    }
    input.pos += 1;
    input.skip_ws()?.ok_or(ScanError::Eof)?;
    Ok(Some(key))
}

pub(crate) struct HarSplitter<'s, R> {
    input: Input<R>,
    max_entry_bytes: usize,
    sink: &'s mut dyn FnMut(Record) -> ControlFlow<()>,
    pub counts: Counts,
    next_index: u64,
    place: Place,
    seen_log: bool,
    seen_entries: bool,
    seen_version: bool,
    pub warnings: Vec<String>,
}

impl<'s, R: Read> HarSplitter<'s, R> {
    pub fn new(
        input: Input<R>,
        max_entry_bytes: usize,
        sink: &'s mut dyn FnMut(Record) -> ControlFlow<()>,
    ) -> HarSplitter<'s, R> {
        HarSplitter {
            input,
            max_entry_bytes,
            sink,
            counts: Counts::default(),
            next_index: 0,
            place: Place::BeforeEntries,
            seen_log: false,
            seen_entries: false,
            seen_version: false,
            warnings: Vec::new(),
        }
    }

    /// Where the last problem happened, in words ("inside entry 12").
    pub fn place(&self) -> String {
        match self.place {
            Place::BeforeEntries => "before the first entry".to_owned(),
            Place::InEntry(index) => format!("inside entry {index}"),
            Place::AfterEntry(index) => format!("after entry {index}"),
            Place::AfterEntries => "after the last entry".to_owned(),
        }
    }

    pub fn run(&mut self) -> Scan<()> {
        let first = self.input.skip_ws()?;
        match first {
            Some(b'{') => self.input.pos += 1,
            Some(byte) => {
                return Err(ScanError::Reject(format!(
                    "not a HAR file: expected a JSON object, found {}",
                    describe_byte(byte)
                )));
            }
            None => return Err(ScanError::Reject("not a HAR file: the file is empty".to_owned())),
        }
        let mut first_member = true;
        while let Some(key) = next_key(&mut self.input, first_member)? {
            first_member = false;
            if key.as_deref() == Some("log") {
                self.log()?;
            } else {
                scan_value(&mut self.input)?;
            }
        }
        if !self.seen_log {
            return Err(ScanError::Reject("not a HAR file: top-level `log` object missing".to_owned()));
        }
        if !self.seen_entries {
            return Err(ScanError::Reject("not a HAR file: `log.entries` array missing".to_owned()));
        }
        if !self.seen_version {
            self.warnings.push("`log.version` is missing; read as HAR 1.2".to_owned());
        }
        if let Some(byte) = self.input.skip_ws()? {
            self.warnings.push(format!(
                "ignored data after the HAR object at byte {} (starting with {})",
                self.input.offset(),
                describe_byte(byte)
            ));
        }
        Ok(())
    }

    fn log(&mut self) -> Scan<()> {
        self.seen_log = true;
        if self.input.peek_required()? != b'{' {
            return Err(ScanError::Reject("not a HAR file: `log` is not an object".to_owned()));
        }
        self.input.pos += 1;
        let mut first_member = true;
        while let Some(key) = next_key(&mut self.input, first_member)? {
            first_member = false;
            match key.as_deref() {
                Some("entries") => self.entries()?,
                Some("version") => {
                    self.seen_version = true;
                    let value = read_short_value(&mut self.input)?;
                    match value.as_string().as_deref().map(str::trim) {
                        Some("1.1" | "1.2") => {}
                        _ => {
                            return Err(ScanError::Reject(format!(
                                "unsupported HAR version {} (apiwarden reads HAR 1.1 and 1.2)",
                                value.describe()
                            )));
                        }
                    }
                }
                _ => scan_value(&mut self.input)?,
            }
        }
        Ok(())
    }

    fn entries(&mut self) -> Scan<()> {
        self.seen_entries = true;
        if self.input.peek_required()? != b'[' {
            return Err(ScanError::Reject("not a HAR file: `log.entries` is not an array".to_owned()));
        }
        self.input.pos += 1;
        let mut first = true;
        loop {
            let mut byte = self.input.skip_ws()?.ok_or(ScanError::Eof)?;
            if byte == b']' {
                self.input.pos += 1;
                break;
            }
            if !first {
                if byte != b',' {
                    return Err(self.input.syntax(format!(
                        "expected `,` or `]` after an entry, found {}",
                        describe_byte(byte)
                    )));
                }
                self.input.pos += 1;
                byte = self.input.skip_ws()?.ok_or(ScanError::Eof)?;
                if byte == b']' {
                    // A trailing comma: tolerated.
                    self.input.pos += 1;
                    break;
                }
            }
            first = false;
            let index = self.next_index;
            self.place = Place::InEntry(index);
            self.input.start_capture(self.max_entry_bytes);
            let scanned = scan_value(&mut self.input);
            let captured = self.input.finish_capture();
            scanned?;
            self.next_index += 1;
            self.place = Place::AfterEntry(index);
            let record = if captured.overflow {
                self.counts.skipped += 1;
                Record::Skipped {
                    position: index,
                    reason: format!(
                        "entry {index} is {} bytes, over the {}-byte limit",
                        captured.size, self.max_entry_bytes
                    ),
                }
            } else {
                self.counts.records += 1;
                Record::Har { index, bytes: captured.bytes }
            };
            if (self.sink)(record).is_break() {
                return Err(ScanError::Cancelled);
            }
        }
        self.place = Place::AfterEntries;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &[u8], buffer: usize, max_entry: usize) -> (Vec<Record>, Scan<()>, Vec<String>) {
        let mut records = Vec::new();
        let mut sink = |record| {
            records.push(record);
            ControlFlow::Continue(())
        };
        let mut splitter = HarSplitter::new(Input::new(text, buffer), max_entry, &mut sink);
        let result = splitter.run();
        let warnings = std::mem::take(&mut splitter.warnings);
        drop(splitter);
        (records, result, warnings)
    }

    fn entries(records: &[Record]) -> Vec<String> {
        records
            .iter()
            .map(|r| match r {
                Record::Har { bytes, .. } => String::from_utf8_lossy(bytes).into_owned(),
                Record::Skipped { position, .. } => format!("skipped {position}"),
                Record::Line { .. } => "line".to_owned(),
            })
            .collect()
    }

    const TRICKY: &str = r#"{"x":"}]\"[{", "log": {"creator": {"name": "t[]", "n": [1, {"a": "\\"}], "e": "\u005d"},
        "entries": [ {"a": "]}\\\"", "b": [[], {}]} , [1,2] ,"str" , 12.5e3, true ],
        "pages": [[[]]], "version": "1.2" }, "z": null }"#;

    #[test]
    fn splits_entries_across_every_buffer_boundary() {
        for buffer in [1, 2, 3, 5, 7, 64, 1 << 20] {
            let (records, result, warnings) = split(TRICKY.as_bytes(), buffer, 1 << 20);
            assert!(result.is_ok(), "buffer {buffer}: {result:?}");
            assert!(warnings.is_empty(), "{warnings:?}");
            assert_eq!(
                entries(&records),
                [r#"{"a": "]}\\\"", "b": [[], {}]}"#, "[1,2]", r#""str""#, "12.5e3", "true"],
                "buffer {buffer}"
            );
        }
    }

    #[test]
    fn oversized_entries_are_skipped_with_their_size() {
        let text = br#"{"log":{"version":"1.2","entries":[{"a":"0123456789"},{"b":1}]}}"#;
        for buffer in [1, 4, 1 << 16] {
            let (records, result, _) = split(text, buffer, 10);
            assert!(result.is_ok());
            assert!(
                matches!(&records[0], Record::Skipped { position: 0, reason } if reason == "entry 0 is 18 bytes, over the 10-byte limit")
            );
            assert_eq!(entries(&records[1..]), [r#"{"b":1}"#]);
        }
    }

    #[test]
    fn version_is_checked_wherever_it_is() {
        let (records, result, _) = split(br#"{"log":{"entries":[{}],"version":"2.0"}}"#, 8, 100);
        assert_eq!(records.len(), 1);
        assert!(
            matches!(result, Err(ScanError::Reject(ref m)) if m == r#"unsupported HAR version "2.0" (apiwarden reads HAR 1.1 and 1.2)"#)
        );
        let (records, result, _) = split(br#"{"log":{"version":1.2,"entries":[{}]}}"#, 8, 100);
        assert!(records.is_empty());
        assert!(matches!(result, Err(ScanError::Reject(_))));
        let (_, result, warnings) = split(br#"{"log":{"version":"1.1","entries":[]}}"#, 8, 100);
        assert!(result.is_ok() && warnings.is_empty());
        let (_, result, warnings) = split(br#"{"log":{"entries":[]}} x"#, 8, 100);
        assert!(result.is_ok());
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }

    #[test]
    fn structure_errors() {
        let reject = |text: &[u8]| match split(text, 16, 100).1 {
            Err(ScanError::Reject(message)) => message,
            other => panic!("{other:?}"),
        };
        assert_eq!(reject(b"[]"), "not a HAR file: expected a JSON object, found `[`");
        assert_eq!(reject(br#"{"a":1}"#), "not a HAR file: top-level `log` object missing");
        assert_eq!(reject(br#"{"log":[]}"#), "not a HAR file: `log` is not an object");
        assert_eq!(reject(br#"{"log":{"entries":{}}}"#), "not a HAR file: `log.entries` is not an array");
        assert_eq!(reject(br#"{"log":{}}"#), "not a HAR file: `log.entries` array missing");
        assert_eq!(reject(b"  "), "not a HAR file: the file is empty");

        let (records, result, _) = split(br#"{"log":{"entries":[{"a":1},{"b":[}]}}"#, 16, 100);
        assert_eq!(records.len(), 1);
        assert!(
            matches!(result, Err(ScanError::Syntax { offset: 33, ref message }) if message == "unexpected `}`"),
            "{result:?}"
        );
        let (records, result, _) = split(br#"{"log":{"entries":[{"a":1} {"b":2}]}}"#, 16, 100);
        assert_eq!(records.len(), 1);
        assert!(matches!(result, Err(ScanError::Syntax { .. })));
        let (records, result, _) = split(br#"{"log":{"entries":[{"a":1},{"b":"#, 3, 100);
        assert_eq!(records.len(), 1);
        assert!(matches!(result, Err(ScanError::Eof)));
        let (_, result, _) = split(br#"{"log":{"entries":[,]}}"#, 3, 100);
        assert!(
            matches!(result, Err(ScanError::Syntax { ref message, .. }) if message == "expected a value, found `,`")
        );
    }

    #[test]
    fn escaped_keys_are_recognised() {
        let (records, result, _) = split(br#"{"\u006cog":{"entr\u0069es":[{}]}}"#, 4, 100);
        assert!(result.is_ok());
        assert_eq!(records.len(), 1);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let mut text = br#"{"log":{"entries":["#.to_vec();
        text.extend(std::iter::repeat_n(b'[', 200_000));
        text.extend(std::iter::repeat_n(b']', 200_000));
        text.extend_from_slice(b"]}}");
        let (records, result, _) = split(&text, 1 << 16, 1 << 20);
        assert!(result.is_ok());
        assert_eq!(records.len(), 1);
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        use serde_json::Value;
        let text = prop_oneof![any::<String>(), "[\\[\\]{}\",:\\\\ a\\n]{0,8}"];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(Value::from),
            text.clone().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 5, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec((text.clone(), inner), 0..4)
                    .prop_map(|members| Value::Object(members.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn word_finders_match_naive_search(
            bytes in proptest::collection::vec(proptest::sample::select(b"\"\\{}[]ab{|;\x00\x01\x7b\xdb\xfd\xff".to_vec()), 0..80),
        ) {
            let naive_stop = bytes.iter().position(|&b| b == b'"' || b == b'\\');
            proptest::prop_assert_eq!(find_string_stop(&bytes), naive_stop);
            let naive_structural = bytes.iter().position(|&b| STRUCTURAL[usize::from(b)]);
            proptest::prop_assert_eq!(find_structural(&bytes), naive_structural);
        }

        #[test]
        fn splits_like_serde_json_with_any_buffer_size(
            entries in proptest::collection::vec(json_value(), 0..5),
            extra in json_value(),
            buffer in 1usize..40,
            pretty: bool,
        ) {
            let render = |v: &serde_json::Value| if pretty { serde_json::to_string_pretty(v).unwrap() } else { v.to_string() };
            let doc = format!(
                r#"{{"x": {}, "log": {{"pages": {}, "entries": {}, "version": "1.2"}}}}"#,
                render(&extra),
                render(&extra),
                render(&serde_json::Value::Array(entries)),
            );
            let reference: serde_json::Value = serde_json::from_str(&doc).unwrap();
            let (records, result, _) = split(doc.as_bytes(), buffer, 1 << 20);
            proptest::prop_assert!(result.is_ok(), "{:?}", result);
            let found: Vec<serde_json::Value> = records
                .iter()
                .map(|r| match r {
                    Record::Har { bytes, .. } => serde_json::from_slice(bytes).unwrap(),
                    other => panic!("{other:?}"),
                })
                .collect();
            proptest::prop_assert_eq!(&serde_json::Value::Array(found), &reference["log"]["entries"]);
        }
    }
}

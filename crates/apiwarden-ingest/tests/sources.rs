//! Traffic sources end to end: real files in temporary folders, split by
//! `apiwarden_ingest::source` and converted by `apiwarden_core::{har, jsonl}`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::{Read, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use apiwarden_core::ApiCall;
use apiwarden_core::har::{EntryError, HarLimits, entry_to_call};
use apiwarden_core::jsonl::{call_to_line, line_to_call};
use apiwarden_ingest::source::{
    Format, ReadOutcome, Record, SourceError, SourceFile, SourceLimits, expand_inputs, read_stream,
};
use proptest::prelude::*;
use serde_json::{Value, json};

fn entry_json(i: usize) -> Value {
    json!({
        "startedDateTime": format!("2024-05-01T12:00:{:02}.000Z", i % 60),
        "time": 10 + i,
        "request": {
            "method": "GET",
            "url": format!("https://api.example.com/users/{i}?full=1"),
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": "Accept", "value": "application/json"}],
            "cookies": [], "queryString": [], "headersSize": -1, "bodySize": 0
        },
        "response": {
            "status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "cookies": [],
            "content": {"size": 12, "mimeType": "application/json", "text": format!("{{\"id\":{i}}}")},
            "redirectURL": "", "headersSize": -1, "bodySize": 12
        },
        "cache": {},
        "timings": {"send": 0, "wait": 5, "receive": 1}
    })
}

fn har_text(entries: &[Value]) -> String {
    let har =
        json!({"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": entries}});
    serde_json::to_string_pretty(&har).unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Reads a file and converts its records, as the pipeline will.
struct FileRead {
    outcome: Result<ReadOutcome, SourceError>,
    records: Vec<Record>,
}

impl FileRead {
    fn calls(&self, origin: &str) -> Vec<Result<ApiCall, EntryError>> {
        let limits = HarLimits::default();
        self.records
            .iter()
            .filter_map(|record| match record {
                Record::Har { index, bytes } => Some(entry_to_call(bytes, origin, *index, &limits)),
                Record::Line { line_no, bytes } => Some(line_to_call(bytes, origin, *line_no, &limits)),
                Record::Skipped { .. } => None,
            })
            .collect()
    }

    fn ok_calls(&self, origin: &str) -> Vec<ApiCall> {
        self.calls(origin).into_iter().map(Result::unwrap).collect()
    }
}

fn read_file(file: &SourceFile, limits: &SourceLimits) -> FileRead {
    let mut records = Vec::new();
    let outcome = file.read(limits, &mut |record| {
        records.push(record);
        ControlFlow::Continue(())
    });
    FileRead { outcome, records }
}

fn read_path(path: &Path) -> FileRead {
    read_file(&SourceFile::new(path), &SourceLimits::default())
}

#[test]
fn plain_and_gzip_har_files_give_the_same_calls() {
    let dir = tempfile::tempdir().unwrap();
    let text = har_text(&(0..5).map(entry_json).collect::<Vec<_>>());
    let plain = write(dir.path(), "a.har", text.as_bytes());
    let packed = write(dir.path(), "b.har.gz", &gzip(text.as_bytes()));

    let progress = Arc::new(AtomicU64::new(0));
    let limits = SourceLimits { bytes_read: Some(Arc::clone(&progress)), ..SourceLimits::default() };
    let plain_read = read_file(&SourceFile::new(&plain), &limits);
    let plain_outcome = plain_read.outcome.as_ref().unwrap();
    assert_eq!(plain_outcome.format, Some(Format::Har));
    assert!(!plain_outcome.gzip);
    assert_eq!((plain_outcome.records, plain_outcome.skipped), (5, 0));
    assert_eq!(plain_outcome.bytes_read, text.len() as u64);
    assert_eq!(progress.load(Ordering::Relaxed), text.len() as u64);
    assert!(plain_outcome.truncated.is_none() && plain_outcome.rejected.is_none());

    let file = SourceFile::new(&packed);
    let packed_read = read_file(&file, &SourceLimits::default());
    let packed_outcome = packed_read.outcome.as_ref().unwrap();
    assert!(packed_outcome.gzip);
    assert_eq!(Some(packed_outcome.bytes_read), file.size());

    let a = plain_read.ok_calls("a.har");
    let b = packed_read.ok_calls("b.har.gz");
    assert_eq!(a.len(), 5);
    for (i, (a, b)) in a.iter().zip(&b).enumerate() {
        assert_eq!(a.id, b.id, "same content, same id, whatever the file");
        assert_eq!(a.request.url(), format!("https://api.example.com/users/{i}?full=1"));
        assert_eq!(a.observed.position, Some(i as u64));
        assert_eq!(&a.response.as_ref().unwrap().body.bytes[..], format!("{{\"id\":{i}}}").as_bytes());
        assert_eq!(b.observed.origin, "b.har.gz");
    }
}

#[test]
fn folders_are_walked_in_sorted_order_and_content_decides_the_format() {
    let dir = tempfile::tempdir().unwrap();
    let text = har_text(&[entry_json(1)]);
    write(dir.path(), "b/two.har.gz", &gzip(text.as_bytes()));
    write(dir.path(), "a.har", text.as_bytes());
    write(dir.path(), "b/notes.txt", b"not traffic");
    let call = entry_to_call(entry_json(2).to_string().as_bytes(), "x", 0, &HarLimits::default()).unwrap();
    let line = call_to_line(&call);
    write(dir.path(), "c/calls.NDJSON", format!("{line}\n\n{line}\n").as_bytes());
    // Misleading names: content wins.
    write(dir.path(), "d/really-a-har.jsonl", text.as_bytes());
    write(dir.path(), "d/really-lines.har", format!("{line}\n").as_bytes());

    let files = expand_inputs(&[dir.path().to_path_buf()]).unwrap();
    let names: Vec<String> =
        files.iter().map(|f| f.path().strip_prefix(dir.path()).unwrap().display().to_string()).collect();
    assert_eq!(
        names,
        ["a.har", "b/two.har.gz", "c/calls.NDJSON", "d/really-a-har.jsonl", "d/really-lines.har"]
    );
    let formats: Vec<Option<Format>> =
        files.iter().map(|f| read_file(f, &SourceLimits::default()).outcome.unwrap().format).collect();
    use Format::{Har, JsonLines};
    assert_eq!(formats, [Some(Har), Some(Har), Some(JsonLines), Some(Har), Some(JsonLines)]);

    let lines = read_file(&files[2], &SourceLimits::default());
    let calls = lines.ok_calls("calls.ndjson");
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0], call, "a JSON line keeps the call it was written from");
    assert!(
        matches!(lines.records[1], Record::Line { line_no: 3, .. }),
        "blank line 2 is skipped but counted"
    );

    // A file given explicitly is used whatever its name; `-` is stdin.
    let odd = write(dir.path(), "capture.json", text.as_bytes());
    let files = expand_inputs(&[odd.clone(), PathBuf::from("-")]).unwrap();
    assert_eq!(files[0].path(), odd);
    assert!(files[1].is_stdin());
    assert_eq!(files[1].display_name(), "<stdin>");
}

#[test]
fn missing_paths_and_empty_folders_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.har");
    let err = expand_inputs(std::slice::from_ref(&missing)).unwrap_err();
    assert_eq!(err.to_string(), format!("{}: no such file or directory", missing.display()));
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    write(&empty, "readme.md", b"# nothing");
    let err = expand_inputs(std::slice::from_ref(&empty)).unwrap_err();
    assert_eq!(err.to_string(), format!("no HAR or JSON-lines files under {}", empty.display()));
    let read = read_file(&SourceFile::new(&missing), &SourceLimits::default());
    assert!(matches!(read.outcome, Err(SourceError::NotFound { .. })));
}

#[test]
fn base64_and_binary_bodies() {
    let dir = tempfile::tempdir().unwrap();
    let mut png = entry_json(0);
    png["response"]["headers"] = json!([]);
    png["response"]["content"] =
        json!({"size": 8, "mimeType": "image/png", "encoding": "base64", "text": "iVBORw0KGgo="});
    let mut upload = entry_json(1);
    upload["request"]["method"] = json!("POST");
    upload["request"]["postData"] =
        json!({"mimeType": "application/octet-stream", "text": "\u{0}\u{1}\u{ff}"});
    let mut broken = entry_json(2);
    broken["response"]["content"]["encoding"] = json!("base64");
    broken["response"]["content"]["text"] = json!("not base64!");
    let path = write(dir.path(), "bodies.har", har_text(&[png, upload, broken]).as_bytes());

    let calls = read_path(&path).ok_calls("bodies.har");
    let png = calls[0].response.as_ref().unwrap();
    assert_eq!(&png.body.bytes[..], b"\x89PNG\r\n\x1a\n");
    assert_eq!(calls[0].response_media_type().as_deref(), Some("image/png"));
    assert_eq!(&calls[1].request.body.bytes[..], "\u{0}\u{1}\u{ff}".as_bytes());
    assert_eq!(calls[1].request_media_type().as_deref(), Some("application/octet-stream"));
    assert!(
        calls[2].response.as_ref().unwrap().body.is_empty(),
        "invalid base64 keeps the call, drops the body"
    );

    // Binary bodies survive the JSON-lines round trip (as base64).
    let line = call_to_line(&calls[0]);
    assert!(line.contains(r#""base64":"iVBORw0KGgo=""#), "{line}");
    assert_eq!(line_to_call(line.as_bytes(), "x", 1, &HarLimits::default()).unwrap(), calls[0]);
}

#[test]
fn non_utf8_and_lone_surrogate_header_values_keep_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    let mut entry = entry_json(0).to_string().into_bytes();
    let needle = br#"{"name":"Accept","value":"application/json"}"#;
    let at = entry.windows(needle.len()).position(|w| w == needle).unwrap();
    let odd: &[u8] = b"{\"name\":\"X-Latin1\",\"value\":\"caf\xe9\"},{\"name\":\"X-Lone\",\"value\":\"a\\udc80b\\ud800\"},";
    entry.splice(at..at, odd.iter().copied());
    let mut file = b"{\"log\":{\"version\":\"1.2\",\"entries\":[".to_vec();
    file.extend_from_slice(&entry);
    file.extend_from_slice(b"]}}");
    let path = write(dir.path(), "odd.har", &file);

    let read = read_path(&path);
    assert_eq!(read.outcome.as_ref().unwrap().records, 1);
    let calls = read.ok_calls("odd.har");
    assert_eq!(calls[0].request.header("x-latin1"), Some("caf\u{FFFD}"));
    assert_eq!(calls[0].request.header("x-lone"), Some("a\u{FFFD}b\u{FFFD}"));
    assert_eq!(calls[0].request.header("accept"), Some("application/json"));
}

#[test]
fn keys_in_unusual_order_and_unknown_values_with_brackets() {
    let dir = tempfile::tempdir().unwrap();
    let e0 = entry_json(0).to_string();
    let e1 = entry_json(1).to_string();
    let text = format!(
        r#"{{ "comment": "a }} ] \" [ {{ string", "_extra": [ {{"log": "not this one"}}, [[], {{}}], "]]", -1.5e3, null ],
          "log": {{
            "entries": [ {e0},
                         {e1} ],
            "pages": [ {{ "id": "p\"1]", "title": "{{[" }} ],
            "creator": {{ "name": "x", "nested": {{ "entries": [ "not", "these" ], "version": "9" }} }},
            "version": "1.2"
          }},
          "trailer": {{ "k": [ "\\", "\\\"" ] }} }}"#
    );
    let path = write(dir.path(), "order.har", text.as_bytes());
    let read = read_path(&path);
    let outcome = read.outcome.as_ref().unwrap();
    assert_eq!(outcome.records, 2);
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    let calls = read.ok_calls("order.har");
    assert_eq!(calls[1].request.path, "/users/1");
}

#[test]
fn truncated_files_keep_the_entries_before_the_cut() {
    let dir = tempfile::tempdir().unwrap();
    let text = har_text(&(0..4).map(entry_json).collect::<Vec<_>>());
    let e2 = text.find("/users/2").unwrap();
    let cut = write(dir.path(), "cut.har", &text.as_bytes()[..e2]);
    let read = read_path(&cut);
    let outcome = read.outcome.as_ref().unwrap();
    assert_eq!(outcome.records, 2);
    assert_eq!(
        outcome.truncated.as_deref(),
        Some(format!("{}: truncated HAR: the file ends inside entry 2", cut.display()).as_str())
    );
    assert_eq!(read.ok_calls("cut.har").len(), 2);

    // The same through gzip: the compressed stream breaks off.
    let text = har_text(&(0..300).map(entry_json).collect::<Vec<_>>());
    let packed = gzip(text.as_bytes());
    let cut_gz = write(dir.path(), "cut.har.gz", &packed[..packed.len() * 3 / 4]);
    let read = read_path(&cut_gz);
    let outcome = read.outcome.as_ref().unwrap();
    assert!(outcome.records >= 1, "{outcome:?}");
    let message = outcome.truncated.as_deref().unwrap();
    assert!(message.contains("gzip stream is truncated"), "{message}");

    // Cut before the first entry: nothing to keep, so the file is an error.
    let head = write(dir.path(), "head.har", &text.as_bytes()[..20]);
    let err = read_path(&head).outcome.unwrap_err().to_string();
    assert!(err.ends_with("truncated HAR: the file ends before the first entry"), "{err}");

    // Corrupt gzip data.
    let mut corrupt = packed.clone();
    for byte in corrupt.iter_mut().skip(12).take(40) {
        *byte ^= 0xa5;
    }
    let bad = write(dir.path(), "bad.har.gz", &corrupt);
    let err = read_path(&bad).outcome.unwrap_err().to_string();
    assert!(err.contains("gzip data is corrupt"), "{err}");
}

#[test]
fn wrong_versions_reject_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let entries = serde_json::to_string(&[entry_json(0), entry_json(1)]).unwrap();
    let first = write(
        dir.path(),
        "first.har",
        format!(r#"{{"log":{{"version":"2.0","entries":{entries}}}}}"#).as_bytes(),
    );
    let read = read_path(&first);
    assert!(read.records.is_empty());
    assert_eq!(
        read.outcome.unwrap_err().to_string(),
        format!(r#"{}: unsupported HAR version "2.0" (apiwarden reads HAR 1.1 and 1.2)"#, first.display())
    );

    let last = write(
        dir.path(),
        "last.har",
        format!(r#"{{"log":{{"entries":{entries},"version":"0.9"}}}}"#).as_bytes(),
    );
    let read = read_path(&last);
    let outcome = read.outcome.as_ref().unwrap();
    assert_eq!(read.records.len(), 2, "entries before the version were emitted...");
    assert!(
        outcome.rejected.as_deref().unwrap().contains(r#"unsupported HAR version "0.9""#),
        "...and must be discarded"
    );

    let old = write(
        dir.path(),
        "old.har",
        format!(r#"{{"log":{{"version":"1.1","entries":{entries}}}}}"#).as_bytes(),
    );
    assert_eq!(read_path(&old).outcome.unwrap().records, 2);

    let not_har = write(dir.path(), "x.har", br#"{"lag": {"entries": []}}"#);
    assert_eq!(
        read_path(&not_har).outcome.unwrap_err().to_string(),
        format!("{}: not a HAR file: top-level `log` object missing", not_har.display())
    );
}

/// Produces `{"log":{"version":"1.2","entries":[{"big":"xxxx…"},<small>]}}` without ever
/// holding the big entry in memory.
struct HugeEntryReader {
    head: std::io::Cursor<Vec<u8>>,
    filler_left: u64,
    tail: std::io::Cursor<Vec<u8>>,
}

impl Read for HugeEntryReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.head.read(buf)?;
        if n > 0 {
            return Ok(n);
        }
        if self.filler_left > 0 {
            let n = buf.len().min(self.filler_left as usize);
            buf[..n].fill(b'x');
            self.filler_left -= n as u64;
            return Ok(n);
        }
        self.tail.read(buf)
    }
}

#[test]
fn oversized_entries_are_skipped_while_streaming() {
    let filler = 100 << 20;
    let reader = HugeEntryReader {
        head: std::io::Cursor::new(br#"{"log":{"version":"1.2","entries":[{"big":""#.to_vec()),
        filler_left: filler,
        tail: std::io::Cursor::new(format!(r#""}},{}]}}}}"#, entry_json(1)).into_bytes()),
    };
    let limits = SourceLimits { max_entry_bytes: 1 << 20, ..SourceLimits::default() };
    let mut records = Vec::new();
    let outcome = read_stream(reader, "huge.har", None, &limits, &mut |record| {
        records.push(record);
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!((outcome.records, outcome.skipped), (1, 1));
    let Record::Skipped { position, reason } = &records[0] else { panic!("{:?}", records[0]) };
    assert_eq!(*position, 0);
    assert_eq!(reason, &format!("entry 0 is {} bytes, over the 1048576-byte limit", filler + 10));
    assert!(matches!(&records[1], Record::Har { index: 1, .. }));
}

#[test]
fn an_entry_with_invalid_json_costs_only_that_entry() {
    let dir = tempfile::tempdir().unwrap();
    let good = entry_json(0).to_string();
    let text = format!(
        r#"{{"log":{{"version":"1.2","entries":[{good}, {{"startedDateTime": tru, "request": {{}}}}, {good}, 17, {{"request":{{"method":"GET","url":"nope"}},"startedDateTime":"2024-01-01T00:00:00Z"}}]}}}}"#
    );
    let path = write(dir.path(), "mixed.har", text.as_bytes());
    let read = read_path(&path);
    assert_eq!(read.outcome.as_ref().unwrap().records, 5);
    let calls = read.calls("mixed.har");
    assert!(calls[0].is_ok() && calls[2].is_ok());
    assert!(matches!(calls[1], Err(EntryError::Json { .. })), "{:?}", calls[1]);
    assert!(calls[3].as_ref().unwrap_err().to_string().contains("expected a HAR entry object"));
    assert_eq!(
        calls[4].as_ref().unwrap_err().to_string(),
        r#"request.url "nope" is not an absolute http(s) URL"#
    );
}

#[test]
fn json_lines_files_with_long_and_broken_lines() {
    let dir = tempfile::tempdir().unwrap();
    let ok = r#"{"started_at":"2024-01-01T00:00:00Z","request":{"method":"GET","url":"http://a.test/x"}}"#;
    let long = format!(
        r#"{{"started_at_us":1,"request":{{"method":"POST","url":"http://a.test/","body":{{"text":"{}"}}}}}}"#,
        "y".repeat(5000)
    );
    let text = format!("{ok}\r\n\n{long}\nnot json\n{ok}");
    let path = write(dir.path(), "calls.jsonl.gz", &gzip(text.as_bytes()));
    let limits = SourceLimits { max_entry_bytes: 1000, ..SourceLimits::default() };
    let read = read_file(&SourceFile::new(&path), &limits);
    let outcome = read.outcome.as_ref().unwrap();
    assert_eq!(
        (outcome.format, outcome.gzip, outcome.records, outcome.skipped),
        (Some(Format::JsonLines), true, 3, 1)
    );
    assert!(
        matches!(&read.records[1], Record::Skipped { position: 3, reason } if reason.starts_with("line 3 is 5"))
    );
    let calls = read.calls("calls.jsonl");
    assert_eq!(calls.len(), 3);
    assert_eq!(calls[0].as_ref().unwrap().observed.position, Some(1));
    assert!(calls[1].is_err());
    assert_eq!(calls[2].as_ref().unwrap().observed.position, Some(5));
    assert_eq!(calls[0].as_ref().unwrap().id, calls[2].as_ref().unwrap().id);
}

// ---------------------------------------------------------------------------------------
// Property: the splitter finds exactly the entries serde_json sees.

fn text_strategy() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[\\[\\]{}\",:\\\\ a\\n\\t\u{1}é😀]{0,10}",]
}

fn json_strategy() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        text_strategy().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((text_strategy(), inner), 0..5)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

fn is_reserved(key: &str) -> bool {
    matches!(key, "log" | "entries" | "version")
}

/// A HAR document with members in a random order, serialized compactly or pretty.
fn har_strategy() -> impl Strategy<Value = (String, Vec<Value>)> {
    let extras = || prop::collection::vec((text_strategy(), json_strategy()), 0..3);
    (
        prop::collection::vec(json_strategy(), 0..6),
        extras(),
        extras(),
        any::<bool>(),
        prop_oneof![Just("1.1"), Just("1.2")],
        any::<u64>(),
    )
        .prop_map(|(entries, log_extras, top_extras, pretty, version, seed)| {
            let render = |value: &Value| {
                if pretty { serde_json::to_string_pretty(value).unwrap() } else { value.to_string() }
            };
            let mut log_members: Vec<(String, String)> = log_extras
                .into_iter()
                .filter(|(k, _)| !is_reserved(k))
                .map(|(k, v)| (serde_json::to_string(&k).unwrap(), render(&v)))
                .collect();
            log_members.push(("\"entries\"".into(), render(&Value::Array(entries.clone()))));
            log_members.push(("\"version\"".into(), format!("\"{version}\"")));
            rotate(&mut log_members, seed);
            let log = format!(
                "{{{}}}",
                log_members.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(if pretty {
                    ",\n  "
                } else {
                    ","
                })
            );
            let mut top: Vec<(String, String)> = top_extras
                .into_iter()
                .filter(|(k, _)| !is_reserved(k))
                .map(|(k, v)| (serde_json::to_string(&k).unwrap(), render(&v)))
                .collect();
            top.push(("\"log\"".into(), log));
            rotate(&mut top, seed / 7);
            let doc = format!(
                "{{{}}}",
                top.iter().map(|(k, v)| format!("{k}:{v}")).collect::<Vec<_>>().join(if pretty {
                    ",\n"
                } else {
                    ","
                })
            );
            (doc, entries)
        })
}

fn rotate<T>(items: &mut [T], seed: u64) {
    if !items.is_empty() {
        let by = (seed % items.len() as u64) as usize;
        items.rotate_left(by);
        if seed & 1 == 1 {
            items.reverse();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn splitter_agrees_with_serde_json((doc, generated) in har_strategy()) {
        // The reference is what serde_json reads from the same text.
        let parsed: Value = serde_json::from_str(&doc).unwrap();
        let expected = parsed["log"]["entries"].as_array().cloned().unwrap();
        let mut found = Vec::new();
        let outcome = read_stream(doc.as_bytes(), "prop.har", None, &SourceLimits::default(), &mut |record| {
            if let Record::Har { bytes, .. } = record {
                found.push(serde_json::from_slice::<Value>(&bytes).unwrap());
            }
            ControlFlow::Continue(())
        });
        let outcome = outcome.unwrap();
        prop_assert!(outcome.truncated.is_none() && outcome.rejected.is_none(), "{:?}", outcome);
        prop_assert_eq!(found.len(), generated.len());
        prop_assert_eq!(found, expected);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = read_stream(&bytes[..], "junk", None, &SourceLimits { max_entry_bytes: 64, bytes_read: None }, &mut |record| {
            if let Record::Har { bytes, index } = &record {
                let _ = entry_to_call(bytes, "junk", *index, &HarLimits::default());
            }
            ControlFlow::Continue(())
        });
    }
}

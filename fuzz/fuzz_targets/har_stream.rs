//! The streaming source reader (gzip detection, format sniffing, HAR splitter and
//! JSON-lines splitter) on arbitrary bytes: must never panic, must respect the entry size
//! limit, and must report problems only through its documented channels.
#![no_main]

use std::ops::ControlFlow;

use apiwarden_core::har::{HarLimits, entry_to_call};
use apiwarden_core::jsonl::line_to_call;
use apiwarden_ingest::source::{Record, SourceLimits, read_stream};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = SourceLimits { max_entry_bytes: 512, bytes_read: None };
    let har_limits = HarLimits { max_body_bytes: 128 };
    let mut records = 0u64;
    let mut skipped = 0u64;
    let result = read_stream(data, "fuzz", None, &limits, &mut |record| {
        match record {
            Record::Har { index, bytes } => {
                records += 1;
                assert!(bytes.len() <= 512);
                let _ = entry_to_call(&bytes, "fuzz", index, &har_limits);
            }
            Record::Line { line_no, bytes } => {
                records += 1;
                assert!(bytes.len() <= 512);
                assert!(!bytes.contains(&b'\n'));
                let _ = line_to_call(&bytes, "fuzz", line_no, &har_limits);
            }
            Record::Skipped { .. } => skipped += 1,
        }
        ControlFlow::Continue(())
    });
    match result {
        Ok(outcome) => {
            assert_eq!((outcome.records, outcome.skipped), (records, skipped));
            assert!(outcome.bytes_read <= data.len() as u64);
            // A rejection or truncation after zero records would have been an error.
            if outcome.rejected.is_some() || outcome.truncated.is_some() {
                assert!(records + skipped > 0);
            }
        }
        Err(_) => assert_eq!(records + skipped, 0, "an error means nothing was emitted"),
    }
});

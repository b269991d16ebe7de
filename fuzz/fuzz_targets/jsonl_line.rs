//! `line_to_call` on arbitrary bytes: must never panic, and every call it accepts must
//! survive `call_to_line` → `line_to_call` unchanged (timings aside: float text round trips
//! are not bit-exact in serde_json's default parser).
#![no_main]

use apiwarden_core::har::HarLimits;
use apiwarden_core::jsonl::{call_to_line, line_to_call};
use apiwarden_core::model::Timings;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = HarLimits { max_body_bytes: 256 };
    if let Ok(mut call) = line_to_call(data, "fuzz.jsonl", 1, &limits) {
        let line = call_to_line(&call);
        assert!(!line.contains('\n'));
        let mut back =
            line_to_call(line.as_bytes(), "other.jsonl", 2, &limits).expect("our own line must parse");
        call.timings = Timings::default();
        back.timings = Timings::default();
        assert_eq!(back, call);
    }
});

//! A JSON-lines call from arbitrary bytes through sensitive-data classification, the posture
//! checks and example redaction: nothing may panic, and what is reported stays bounded.
#![no_main]

use apiwarden_core::analysis::DecodedCall;
use apiwarden_core::decode::{DecodeLimits, DecoderRegistry};
use apiwarden_core::har::HarLimits;
use apiwarden_core::inspect::{Inspection, Inspector};
use apiwarden_core::jsonl::line_to_call;
use apiwarden_posture::TrafficInspector;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static INSPECTOR: LazyLock<TrafficInspector> = LazyLock::new(TrafficInspector::builtin);

fuzz_target!(|data: &[u8]| {
    let Ok(call) = line_to_call(data, "fuzz", 1, &HarLimits::default()) else {
        // Free text goes through the evidence masking instead.
        let text = String::from_utf8_lossy(data);
        let masked = INSPECTOR.redact_text(&text);
        assert!(masked.len() <= text.len() * 8 + 256);
        return;
    };
    let registry = DecoderRegistry::default();
    let limits = DecodeLimits { max_body_bytes: 64 * 1024, max_depth: 16, max_fields: 512 };
    let decoded = DecodedCall::new(&call, &registry, &limits);
    let mut inspection = Inspection::default();
    INSPECTOR.inspect(&decoded, &mut inspection);
    assert!(inspection.tags.len() <= apiwarden_sensitive::MAX_DETECTIONS);
    if let Some(value) = decoded.response_value() {
        let mut value = value.clone();
        INSPECTOR.redact_value(&mut value);
    }
    let _ = INSPECTOR.host_findings(&[]);
});

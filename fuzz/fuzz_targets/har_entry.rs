//! `entry_to_call` on arbitrary bytes: must never panic, and a converted call must satisfy
//! the model's invariants.
#![no_main]

use apiwarden_core::har::{HarLimits, entry_to_call};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = HarLimits { max_body_bytes: 256 };
    if let Ok(call) = entry_to_call(data, "fuzz.har", 0, &limits) {
        assert!(call.request.path.starts_with('/'));
        assert!(!call.request.method.is_empty());
        assert_eq!(call.request.method, call.request.method.to_ascii_uppercase());
        assert_eq!(call.request.host, call.request.host.to_ascii_lowercase());
        assert!(
            call.request
                .headers
                .iter()
                .all(|h| !h.name.starts_with(':') && h.name == h.name.to_ascii_lowercase())
        );
        assert!(call.request.body.bytes.len() <= 256);
        if let Some(response) = &call.response {
            assert!((100..=999).contains(&response.status));
            assert!(response.body.bytes.len() <= 256);
        }
        // Converting is deterministic, and the id does not depend on the origin.
        let again = entry_to_call(data, "renamed.har", 9, &limits);
        assert_eq!(again.map(|c| c.id).ok(), Some(call.id));
    }
});

//! Importing an arbitrary document must never panic, loop or blow up memory: it returns
//! templates (and warnings) or one error naming the document. Matching the imported
//! templates against a path taken from the same input must not panic either.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match apiwarden_core::openapi::parse_spec(text, "fuzz.yaml") {
        Ok(spec) => {
            assert!(spec.warnings.iter().all(|w| w.starts_with("fuzz.yaml: ")));
            let path = text.lines().last().unwrap_or("/");
            let _ = spec.match_path("fuzz.example.com", path);
            let _ = spec.spec_endpoints().count();
        }
        Err(error) => assert!(error.to_string().starts_with("fuzz.yaml: ")),
    }
});

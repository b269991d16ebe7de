//! Every body decoder on arbitrary bytes, then flattening with peeling: nothing may panic,
//! and the caps must hold. The first byte picks the content type.
#![no_main]

use apiwarden_core::decode::{DecodeLimits, DecoderRegistry, flatten_value_peeled, parse_multipart};
use apiwarden_core::{Direction, Location};
use libfuzzer_sys::fuzz_target;

const CONTENT_TYPES: &[Option<&str>] = &[
    None,
    Some("application/json"),
    Some("application/problem+json; charset=utf-8"),
    Some("application/x-ndjson"),
    Some("text/plain"),
    Some("application/x-www-form-urlencoded"),
    Some("multipart/form-data; boundary=b"),
    Some("multipart/form-data; boundary=\"--x y\""),
    Some("multipart/form-data"),
    Some("application/octet-stream"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let content_type = CONTENT_TYPES.get(usize::from(selector) % CONTENT_TYPES.len()).copied().flatten();
    let limits = DecodeLimits { max_body_bytes: 64 * 1024, max_depth: 16, max_fields: 256 };
    let registry = DecoderRegistry::default();
    if let Some(Ok(decoded)) = registry.decode(content_type, body, &limits) {
        let mut out = Vec::new();
        flatten_value_peeled(&decoded.value, Direction::Request, Location::Body, "", &limits, &mut out);
        assert!(out.len() <= limits.max_fields);
        assert!(out.iter().all(|field| field.path.matches('/').count() <= limits.max_depth));
    }
    if let Some(content_type) = content_type.filter(|ct| ct.starts_with("multipart/"))
        && let Ok(parsed) = parse_multipart(body, content_type, &limits)
    {
        assert!(parsed.parts.len() <= limits.max_fields);
        for part in &parsed.parts {
            assert!(part.data.len() <= body.len());
        }
    }
});

//! Property tests: flattening round-trips through JSON pointers, multipart round-trips,
//! and no decoder panics on arbitrary bytes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use apiwarden_core::decode::{
    DecodeLimits, DecoderRegistry, call_fields, flatten_text, flatten_value, flatten_value_peeled,
    parse_multipart,
};
use apiwarden_core::model::{ApiCall, Body, CallId, Header, HttpRequest, HttpResponse, Observed, SourceKind};
use apiwarden_core::{Direction, FieldValue, Location};
use proptest::prelude::*;
use serde_json::{Map, Value};

// In a `decode_*` module so that `cargo test -p apiwarden-core decode` selects these tests.
mod decode_props {
    use super::*;

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            (-1e12f64..1e12).prop_map(Value::from),
            ".{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(6, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec(("[a-z~/0-9 ]{0,6}", inner), 0..6)
                    .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
            ]
        })
    }

    fn leaves(value: &Value) -> usize {
        match value {
            Value::Array(items) => items.iter().map(leaves).sum(),
            Value::Object(map) => map.values().map(leaves).sum(),
            _ => 1,
        }
    }

    fn as_field_value(value: &Value) -> Option<FieldValue> {
        Some(match value {
            Value::Null => FieldValue::Null,
            Value::Bool(b) => FieldValue::Bool(*b),
            Value::Number(n) => FieldValue::Number(n.clone()),
            Value::String(s) => FieldValue::Text(s.clone()),
            _ => return None,
        })
    }

    fn roomy() -> DecodeLimits {
        DecodeLimits { max_body_bytes: usize::MAX, max_depth: 64, max_fields: usize::MAX }
    }

    proptest! {
        #[test]
        fn flatten_gives_one_field_per_leaf_that_round_trips(value in json_value()) {
            let mut out = Vec::new();
            flatten_value(&value, Direction::Request, Location::Body, "", &roomy(), &mut out);
            prop_assert_eq!(out.len(), leaves(&value));
            let mut paths = std::collections::HashSet::new();
            for field in &out {
                let leaf = value.pointer(&field.path);
                prop_assert!(leaf.is_some(), "path {} does not resolve", field.path);
                prop_assert_eq!(as_field_value(leaf.unwrap()), Some(field.value.clone()));
                prop_assert!(paths.insert(field.path.clone()), "duplicate path {}", field.path);
            }
        }

        #[test]
        fn flatten_with_a_prefix_round_trips_below_it(value in json_value(), key in "[a-z/~]{1,5}") {
            let mut wrapper = Map::new();
            wrapper.insert(key.clone(), value.clone());
            let wrapper = Value::Object(wrapper);
            let prefix = format!("/{}", key.replace('~', "~0").replace('/', "~1"));
            let mut out = Vec::new();
            flatten_value(&value, Direction::Response, Location::Body, &prefix, &roomy(), &mut out);
            prop_assert_eq!(out.len(), leaves(&value));
            for field in &out {
                prop_assert!(field.path.starts_with(&prefix));
                prop_assert_eq!(as_field_value(wrapper.pointer(&field.path).unwrap()), Some(field.value.clone()));
            }
        }

        #[test]
        fn caps_always_hold(value in json_value(), max_fields in 0usize..20, max_depth in 0usize..5, peel in any::<bool>()) {
            let limits = DecodeLimits { max_fields, max_depth, ..DecodeLimits::default() };
            let mut out = Vec::new();
            if peel {
                flatten_value_peeled(&value, Direction::Request, Location::Body, "", &limits, &mut out);
            } else {
                flatten_value(&value, Direction::Request, Location::Body, "", &limits, &mut out);
            }
            prop_assert!(out.len() <= max_fields);
            for field in &out {
                prop_assert!(field.path.matches('/').count() <= max_depth);
            }
        }

        #[test]
        fn peeling_arbitrary_text_is_bounded(text in ".{0,64}", encoded in any::<bool>()) {
            let text = if encoded {
                percent_encoding::utf8_percent_encode(&text, percent_encoding::NON_ALPHANUMERIC).to_string()
            } else {
                text
            };
            let mut out = Vec::new();
            flatten_text(&text, Direction::Request, Location::Query, "/q", &roomy(), &mut out);
            prop_assert!(!out.is_empty());
            prop_assert_eq!(out[0].value.as_text(), Some(text.as_str()));
            prop_assert!(out.iter().all(|f| f.path.starts_with("/q")));
        }

        #[test]
        fn multipart_round_trips(
            boundary in "[A-Za-z0-9'()+_,./:=?-]{1,40}",
            parts in prop::collection::vec(
                ("[A-Za-z0-9_. -]{0,12}", proptest::option::of("[A-Za-z0-9_. -]{0,12}"),
                 proptest::option::of("[a-z]{1,8}/[a-z+.-]{1,12}"), prop::collection::vec(any::<u8>(), 0..200)),
                0..8),
            lf_only in any::<bool>(),
            preamble in "[a-z \r\n]{0,20}",
        ) {
            let newline: &[u8] = if lf_only { b"\n" } else { b"\r\n" };
            let delimiter = format!("--{boundary}");
            // The boundary must not occur in any content (RFC 2046 makes the sender pick it so).
            for (_, _, _, data) in &parts {
                prop_assume!(!data.windows(delimiter.len()).any(|w| w == delimiter.as_bytes()));
            }
            let mut body = Vec::new();
            if !preamble.is_empty() {
                body.extend_from_slice(preamble.as_bytes());
                body.extend_from_slice(newline);
            }
            for (name, filename, content_type, data) in &parts {
                body.extend_from_slice(delimiter.as_bytes());
                body.extend_from_slice(newline);
                let mut disposition = format!("Content-Disposition: form-data; name=\"{name}\"");
                if let Some(filename) = filename {
                    disposition.push_str(&format!("; filename=\"{filename}\""));
                }
                body.extend_from_slice(disposition.as_bytes());
                body.extend_from_slice(newline);
                if let Some(content_type) = content_type {
                    body.extend_from_slice(format!("Content-Type: {content_type}").as_bytes());
                    body.extend_from_slice(newline);
                }
                body.extend_from_slice(newline);
                body.extend_from_slice(data);
                body.extend_from_slice(newline);
            }
            body.extend_from_slice(delimiter.as_bytes());
            body.extend_from_slice(b"--");
            body.extend_from_slice(newline);
            body.extend_from_slice(b"epilogue");

            let content_type = format!("multipart/form-data; boundary=\"{boundary}\"");
            let parsed = parse_multipart(&body, &content_type, &roomy());
            prop_assert!(parsed.is_ok(), "{:?}", parsed);
            let parsed = parsed.unwrap();
            prop_assert!(parsed.complete);
            prop_assert_eq!(parsed.parts.len(), parts.len());
            for (part, (name, filename, content_type, data)) in parsed.parts.iter().zip(&parts) {
                prop_assert_eq!(part.name.as_deref(), Some(name.as_str()));
                prop_assert_eq!(&part.filename, filename);
                prop_assert_eq!(&part.content_type, content_type);
                // With bare LF, a content ending in CR loses it (it reads as a CRLF line end).
                let expected: &[u8] = if lf_only { data.strip_suffix(b"\r").unwrap_or(data) } else { data };
                prop_assert_eq!(part.data, expected);
            }
            // A truncated capture yields a prefix of the parts, never an error or a wrong part.
            for cut in [body.len() / 3, body.len() / 2, body.len().saturating_sub(12)] {
                if let Ok(prefix) = parse_multipart(&body[..cut], &content_type, &roomy()) {
                    prop_assert!(prefix.parts.len() <= parts.len());
                    for (part, full) in prefix.parts.iter().zip(&parsed.parts) {
                        prop_assert_eq!(part, full);
                    }
                }
            }
            let decoded = DecoderRegistry::default().decode(Some(&content_type), &body, &roomy());
            prop_assert!(matches!(decoded, Some(Ok(_))));
        }

        #[test]
        fn no_decoder_panics_on_arbitrary_bytes(selector in 0usize..8, body in prop::collection::vec(any::<u8>(), 0..512)) {
            let content_type = [
                None,
                Some("application/json"),
                Some("application/x-www-form-urlencoded"),
                Some("multipart/form-data; boundary=b"),
                Some("multipart/form-data"),
                Some("text/plain"),
                Some("application/x-ndjson"),
                Some("application/vnd.x+json"),
            ][selector];
            let limits = DecodeLimits { max_fields: 64, ..DecodeLimits::default() };
            let decoded = DecoderRegistry::default().decode(content_type, &body, &limits).and_then(Result::ok);
            if let Some(decoded) = &decoded {
                let mut out = Vec::new();
                flatten_value_peeled(&decoded.value, Direction::Request, Location::Body, "", &limits, &mut out);
                prop_assert!(out.len() <= 64);
            }
        }

        #[test]
        fn multipart_survives_structured_garbage(
            pieces in prop::collection::vec(prop_oneof![
                Just(&b"--b"[..]), Just(&b"--b--"[..]), Just(&b"\r\n"[..]), Just(&b"\n"[..]), Just(&b"\r"[..]),
                Just(&b"Content-Disposition: form-data; name=\"x\""[..]), Just(&b"; filename=\""[..]),
                Just(&b"Content-Type: application/json"[..]), Just(&b"{\"a\":"[..]), Just(&b" "[..]), Just(&b"-"[..]),
            ], 0..40),
        ) {
            let body: Vec<u8> = pieces.concat();
            let limits = DecodeLimits { max_fields: 16, ..DecodeLimits::default() };
            let _ = parse_multipart(&body, "multipart/form-data; boundary=b", &limits);
            if let Some(Ok(decoded)) = DecoderRegistry::default().decode(Some("multipart/form-data; boundary=b"), &body, &limits) {
                prop_assert!(decoded.value.is_object());
            }
        }

        #[test]
        fn call_fields_never_panics_and_respects_caps(
            path in "(/[a-zA-Z0-9%~._-]{0,8}){0,6}",
            query in proptest::option::of("[a-z0-9=&%+;]{0,40}"),
            headers in prop::collection::vec(("[a-zA-Z-]{1,10}", ".{0,30}"), 0..6),
            cookie in ".{0,40}",
            set_cookie in ".{0,40}",
            max_fields in 0usize..40,
        ) {
            let mut request_headers: Vec<Header> = headers.iter().map(|(n, v)| Header::new(n, v.clone())).collect();
            request_headers.push(Header::new("cookie", cookie));
            let call = ApiCall {
                id: CallId(7),
                started_at_us: 0,
                observed: Observed { source: SourceKind::Gateway, origin: "prop".into(), position: None },
                client: Default::default(),
                request: HttpRequest {
                    method: "GET".into(),
                    scheme: "http".into(),
                    host: "h".into(),
                    path: if path.is_empty() { "/".into() } else { path },
                    query,
                    http_version: None,
                    headers: request_headers,
                    body: Body::default(),
                },
                response: Some(HttpResponse { status: 200, headers: vec![Header::new("set-cookie", set_cookie)], body: Body::default() }),
                timings: Default::default(),
            };
            let limits = DecodeLimits { max_fields, ..DecodeLimits::default() };
            let fields = call_fields(&call, None, None, &limits);
            prop_assert!(fields.len() <= max_fields);
            for field in &fields {
                prop_assert!(field.path.is_empty() || field.path.starts_with('/'));
            }
        }
    }
}

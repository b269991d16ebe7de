//! Arbitrary field names, values and shapes never make the classifier, the JWT decoder or
//! the redactor panic, and their output stays within the documented bounds.

#![allow(clippy::unwrap_used)]

use apiwarden_core::{Direction, Field, FieldValue, Location};
use apiwarden_sensitive::redact::{TRUNCATED_MARKER, UNSCANNED_MARKER};
use apiwarden_sensitive::{Classifier, Limits, MAX_DETECTIONS, MAX_FIELD_BYTES, Redactor, jwt};
use proptest::prelude::*;

fn location() -> impl Strategy<Value = Location> {
    prop_oneof![
        Just(Location::Path),
        Just(Location::Query),
        Just(Location::Header),
        Just(Location::Cookie),
        Just(Location::Body)
    ]
}

/// Values mixing random text with fragments that wake up the detectors.
fn value() -> impl Strategy<Value = FieldValue> {
    let fragment = prop_oneof![
        Just("4111 1111 1111 1111".to_owned()),
        Just("ann@example.com".to_owned()),
        Just("-----BEGIN PRIVATE KEY-----".to_owned()),
        Just("eyJhbGciOiJub25lIn0.e30.".to_owned()),
        Just("Bearer ".to_owned()),
        Just("password=".to_owned()),
        Just("https://u:p@h".to_owned()),
        Just("$2b$12$".to_owned()),
        Just("::".to_owned()),
        Just("+44 20 ".to_owned()),
        "[0-9 .:/@=_-]{0,40}",
        "\\PC{0,40}",
    ];
    prop_oneof![
        proptest::collection::vec(fragment, 0..8).prop_map(|parts| FieldValue::Text(parts.concat())),
        any::<String>().prop_map(FieldValue::Text),
        any::<u64>().prop_map(|n| FieldValue::Number(n.into())),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f).map(FieldValue::Number)),
        any::<bool>().prop_map(FieldValue::Bool),
        Just(FieldValue::Null),
    ]
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        "(/[a-zA-Z_~0-9.-]{0,12}){0,6}",
        any::<String>(),
        Just("/card/number".to_owned()),
        Just("/location/lat".to_owned()),
        Just("/authorization".to_owned()),
    ]
}

fn field() -> impl Strategy<Value = Field> {
    (any::<bool>(), location(), path(), value()).prop_map(|(response, location, path, value)| Field {
        direction: if response { Direction::Response } else { Direction::Request },
        location,
        path,
        value,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn classify_never_panics_and_stays_bounded(fields in proptest::collection::vec(field(), 0..40)) {
        let classifier = Classifier::builtin();
        let mut out = Vec::new();
        classifier.classify_fields(&fields, &mut out);
        prop_assert!(out.len() <= MAX_DETECTIONS);
        for detection in &out {
            prop_assert!(detection.field < fields.len());
            prop_assert_eq!(&detection.path, &fields[detection.field].path);
            prop_assert!((0.0..=1.0).contains(&detection.confidence));
            if let Some((start, end)) = detection.span {
                let FieldValue::Text(text) = &fields[detection.field].value else {
                    return Err(TestCaseError::fail("span on a non-text value"));
                };
                prop_assert!(start < end && end <= text.len().min(MAX_FIELD_BYTES));
                prop_assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
            }
        }
        // Redaction of the same fields never panics either.
        let mut redacted = fields.clone();
        Redactor::mask_all().redact_fields(&mut redacted, &out, MAX_FIELD_BYTES);
        prop_assert!(redacted.len() <= fields.len());
    }

    #[test]
    fn jwt_decode_never_panics(token in "[A-Za-z0-9_.=-]{0,200}") {
        let _ = jwt::decode(&token);
        let _ = jwt::inspect(&token, &Classifier::builtin());
    }

    #[test]
    fn redact_json_never_leaves_unscanned_text(text in "\\PC{0,64}", repeat in 0usize..200, key in "[a-z_]{1,10}") {
        let long = text.repeat(repeat);
        let mut value = serde_json::json!({ key.clone(): long.clone(), "nested": [{"k": text.clone()}] });
        let classifier = Classifier::builtin().with_limits(Limits { max_fields: 2, ..Limits::default() });
        Redactor::mask_all().redact_json(&classifier, &mut value, Direction::Request, Location::Body);
        let out = value[key.as_str()].as_str().map(str::to_owned).unwrap_or_default();
        prop_assert!(out.len() <= MAX_FIELD_BYTES + TRUNCATED_MARKER.len() + 64 || out == UNSCANNED_MARKER);
    }
}

#[test]
fn huge_deep_and_binary_inputs() {
    let classifier = Classifier::builtin();
    let mut out = Vec::new();
    // One enormous value, a deep path, control bytes and replacement characters.
    let fields = vec![
        Field {
            direction: Direction::Request,
            location: Location::Body,
            path: "/a".repeat(10_000),
            value: FieldValue::Text("4".repeat(5_000_000)),
        },
        Field {
            direction: Direction::Request,
            location: Location::Body,
            path: "/x".into(),
            value: FieldValue::Text("\u{0}\u{fffd}\u{1}@\u{7f}.\u{fffd}".repeat(10_000)),
        },
    ];
    classifier.classify_fields(&fields, &mut out);
    assert!(out.len() <= MAX_DETECTIONS);
    // Many fields: the per-call byte budget stops the scan.
    let many: Vec<Field> = (0..2_000)
        .map(|i| Field {
            direction: Direction::Request,
            location: Location::Body,
            path: format!("/f{i}"),
            value: FieldValue::Text("ann@example.com ".repeat(300)),
        })
        .collect();
    let examined = classifier.classify_fields_examined(&many, &mut out);
    assert!(examined < 2_000, "{examined}");
}

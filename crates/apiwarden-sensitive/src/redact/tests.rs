use super::*;
use serde_json::json;

const SALT: &str = "0123456789abcdef-test-salt";

fn modes() -> Vec<Redactor> {
    vec![
        Redactor::mask_all(),
        Redactor::new(RedactionMode::Hash, SALT).unwrap(),
        Redactor::new(RedactionMode::Drop, SALT).unwrap(),
    ]
}

#[test]
fn masks_keep_shape_but_not_the_value() {
    let id = |b: Builtin| DataTypeId::Builtin(b);
    assert_eq!(mask(&id(Builtin::CardNumber), "4242 4242 4242 4242"), "************4242");
    assert_eq!(mask(&id(Builtin::Email), "jane@example.com"), "j***@example.com");
    assert_eq!(mask(&id(Builtin::Phone), "+44 20 7946 0958"), "+** ** **** **58");
    assert_eq!(mask(&id(Builtin::Iban), "DE89370400440532013000"), "DE****************3000");
    assert_eq!(mask(&id(Builtin::Ssn), "123-45-6789"), "***-**-6789");
    assert_eq!(mask(&id(Builtin::IpAddress), "203.0.113.9"), "203.0.*.*");
    assert_eq!(mask(&id(Builtin::PersonName), "Ann Lee"), "A*** L***");
    assert_eq!(mask(&id(Builtin::Password), "hunter2"), "[REDACTED:password]");
    assert_eq!(mask(&DataTypeId::Custom("employee_id".into()), "E1234567"), "[REDACTED:employee_id]");
}

#[test]
fn hash_is_keyed_and_stable() {
    let a = Redactor::new(RedactionMode::Hash, SALT).unwrap();
    let b = Redactor::new(RedactionMode::Hash, "another-salt-of-16-bytes").unwrap();
    assert_eq!(a.hash("1234"), a.hash("1234"));
    assert_ne!(a.hash("1234"), b.hash("1234"));
    assert!(a.hash("1234").starts_with("sha256:") && a.hash("1234").len() == 7 + 64);
    // Unkeyed SHA-256 of "1234" must not appear.
    assert!(!a.hash("1234").contains("03ac674216f3e15c761ee1a5e255f067953623c8b388b4459e13f978d7c846f4"));
    assert!(Redactor::new(RedactionMode::Hash, "").is_err());
    assert!(Redactor::new(RedactionMode::Hash, "short").is_err());
    assert!(Redactor::mask_all().with_mode("email", RedactionMode::Hash).is_err());
}

#[test]
fn planted_secrets_never_survive_any_mode() {
    let secrets = [
        "4111111111111111",
        "hunter2-Secret!",
        "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
        "AKIAIOSFODNN7EXAMPLE",
        "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJlc2lnbmF0dXJl",
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
        "kP3xR8vQ2mN7wL5tY9zBq4",
    ];
    let pem = format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----", secrets[6]);
    let mut body = json!({
        "user": {"password": secrets[1], "card": {"number": secrets[0], "cvc": "123"}},
        "tokens": [secrets[2], {"aws": secrets[3]}],
        "stripe_key": secrets[4],
        "note": format!("auth with Bearer {} then key {}", secrets[5], secrets[2]),
        "key": pem,
        "nested": serde_json::to_string(&json!({"client_secret": secrets[7]})).unwrap(),
        "query": format!("a=1&api_key={}", secrets[7]),
        "b64": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, format!("card {}", secrets[0])),
        "long": format!("{}{}", "z ".repeat(3000), secrets[1]),
    });
    let classifier = Classifier::builtin();
    for redactor in modes() {
        let mut value = body.clone();
        let count = redactor.redact_json(&classifier, &mut value, Direction::Request, Location::Body);
        assert!(count >= 8, "{count}");
        let text = value.to_string();
        for secret in &secrets {
            assert!(!text.contains(secret), "{secret} survived in {text}");
        }
        assert!(!text.contains("4111"), "card digits survived: {text}");
    }
    // Masks keep the useful shape.
    Redactor::mask_all().redact_json(&classifier, &mut body, Direction::Request, Location::Body);
    assert_eq!(body["user"]["card"]["number"], "************1111");
    assert_eq!(body["user"]["password"], "[REDACTED:password]");
    assert!(body["long"].as_str().unwrap().ends_with(TRUNCATED_MARKER));
}

#[test]
fn drop_removes_fields_and_spans() {
    let classifier = Classifier::builtin();
    let redactor = Redactor::new(RedactionMode::Drop, SALT).unwrap();
    let mut value = json!({"email": "ann@example.com", "list": ["ann@example.com", "ok"], "note": "write to ann@example.com today"});
    redactor.redact_json(&classifier, &mut value, Direction::Response, Location::Body);
    assert_eq!(value, json!({"list": [null, "ok"], "note": "write to  today"}));

    let mut fields = vec![
        Field {
            direction: Direction::Request,
            location: Location::Query,
            path: "/email".into(),
            value: FieldValue::Text("ann@example.com".into()),
        },
        Field {
            direction: Direction::Request,
            location: Location::Query,
            path: "/page".into(),
            value: FieldValue::Text("2".into()),
        },
    ];
    let mut detections = Vec::new();
    classifier.classify_fields(&fields, &mut detections);
    redactor.redact_fields(&mut fields, &detections, crate::MAX_FIELD_BYTES);
    assert_eq!(fields.len(), 1);
    assert_eq!(fields[0].path, "/page");
}

#[test]
fn free_text_and_unscanned_values() {
    let classifier = Classifier::builtin();
    let out = Redactor::mask_all()
        .redact_free_text(&classifier, "login failed for ann@example.com from 203.0.113.9");
    assert_eq!(out, "login failed for a***@example.com from 203.0.*.*");

    let limited = Classifier::builtin().with_limits(crate::Limits { max_fields: 2, ..Default::default() });
    let mut value = json!({"a": "x", "b": "y", "c": "hunter2 secret?"});
    Redactor::mask_all().redact_json(&limited, &mut value, Direction::Request, Location::Body);
    assert_eq!(value["c"], UNSCANNED_MARKER);
}

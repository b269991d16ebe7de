use super::*;
use serde_json::json;

fn field(location: Location, path: &str, value: serde_json::Value) -> Field {
    let value = match value {
        serde_json::Value::String(s) => FieldValue::Text(s),
        serde_json::Value::Number(n) => FieldValue::Number(n),
        serde_json::Value::Bool(b) => FieldValue::Bool(b),
        _ => FieldValue::Null,
    };
    Field { direction: Direction::Request, location, path: path.into(), value }
}

fn body(path: &str, value: serde_json::Value) -> Field {
    field(Location::Body, path, value)
}

fn types_of(fields: &[Field]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    Classifier::builtin().classify_fields(fields, &mut out);
    out.into_iter().map(|d| (d.path, d.data_type.to_string())).collect()
}

fn one(path: &str, value: serde_json::Value) -> Vec<String> {
    types_of(&[body(path, value)]).into_iter().map(|(_, t)| t).collect()
}

#[test]
fn validated_values_without_context() {
    assert_eq!(one("/x", json!("ann.lee@example.com")), ["email"]);
    assert_eq!(one("/x", json!("4111 1111 1111 1111")), ["card_number"]);
    assert_eq!(one("/x", json!("DE89 3704 0044 0532 0130 00")), ["iban"]);
    assert_eq!(one("/x", json!("203.0.113.9")), ["ip_address"]);
    assert_eq!(one("/x", json!("2001:db8::1")), ["ip_address"]);
    assert_eq!(one("/x", json!("AKIAIOSFODNN7EXAMPLE")), ["aws_access_key"]);
    assert_eq!(
        one("/x", json!("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW")),
        ["password_hash"]
    );
    assert_eq!(one("/x", json!("1M8GDM9AXKP042788")), ["vin"]);
    assert_eq!(one("/x", json!("529.982.247-25")), ["br_cpf"]);
}

#[test]
fn context_decides_numbers() {
    assert_eq!(one("/order_id", json!(4155550123u64)), Vec::<String>::new());
    assert_eq!(one("/phone", json!(4155550123u64)), ["phone"]);
    assert_eq!(one("/phone", json!("4155550123")), ["phone"]);
    assert_eq!(one("/ssn", json!("123456789")), ["ssn"]);
    assert_eq!(one("/id", json!("123456789")), Vec::<String>::new());
    assert_eq!(one("/tracking_number", json!("4111111111111111")), Vec::<String>::new());
    assert_eq!(one("/card_number", json!(4111111111111111u64)), ["card_number"]);
    assert_eq!(one("/version", json!("1.2.3.4")), Vec::<String>::new());
    assert_eq!(one("/routing_number", json!("011000015")), ["routing_number"]);
    assert_eq!(one("/sku", json!("123-45-6789")), Vec::<String>::new());
}

#[test]
fn free_text_spans() {
    let text = "Call me on +44 20 7946 0958 or mail ann.lee@example.com, card 4242 4242 4242 4242.";
    let mut out = Vec::new();
    Classifier::builtin().classify_text(text, &mut out);
    let found: Vec<(&str, &str)> = out
        .iter()
        .map(|d| {
            let (s, e) = d.span.unwrap();
            (d.data_type.as_str(), &text[s..e])
        })
        .collect();
    assert_eq!(
        found,
        [
            ("phone", "+44 20 7946 0958"),
            ("email", "ann.lee@example.com"),
            ("card_number", "4242 4242 4242 4242")
        ]
    );
}

#[test]
fn secrets_in_urls_env_text_and_headers() {
    let text = "callback=https://x.test/cb?api_key=9f2c41d0a7b34e1f8c6d2b0a5e7f9c13&x=1";
    let mut out = Vec::new();
    Classifier::builtin().classify_text(text, &mut out);
    assert_eq!(out.len(), 1);
    let (s, e) = out[0].span.unwrap();
    assert_eq!(
        (out[0].data_type.as_str(), &text[s..e]),
        ("generic_secret", "9f2c41d0a7b34e1f8c6d2b0a5e7f9c13")
    );

    let mut out = Vec::new();
    Classifier::builtin().classify_text("postgres://app:s3cr3t-Pa55@db.internal:5432/app", &mut out);
    assert_eq!(out.iter().map(|d| d.data_type.as_str()).collect::<Vec<_>>(), ["password"]);

    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJlc2lnbmF0dXJl";
    let fields = [
        field(Location::Header, "/authorization", json!(format!("Bearer {jwt}"))),
        field(Location::Header, "/x-api-key", json!("kP3xR8vQ2mN7wL5tY9zB")),
        field(Location::Cookie, "/JSESSIONID", json!("9F86D081884C7D659A2FEAA0C55AD015")),
        field(Location::Header, "/x-csrf-token", json!("kP3xR8vQ2mN7wL5tY9zB")),
    ];
    let mut found = types_of(&fields);
    found.sort();
    assert_eq!(
        found,
        [
            ("/JSESSIONID".into(), "session_id".into()),
            ("/authorization".into(), "bearer_token".into()),
            ("/authorization".into(), "jwt".into()),
            ("/x-api-key".into(), "generic_secret".into()),
        ]
    );
}

#[test]
fn siblings_pair_coordinates_and_card_expiry() {
    let fields = [
        body("/location/lat", json!(51.5074)),
        body("/location/lon", json!(-0.1278)),
        body("/stats/lat", json!(12)),
        body("/card/number", json!("4242424242424242")),
        body("/card/exp_month", json!(12)),
        body("/card/cvc", json!("123")),
        body("/token/exp", json!(1_700_000_000)),
    ];
    let found = types_of(&fields);
    assert_eq!(
        found,
        [
            ("/location/lat".into(), "geolocation".into()),
            ("/location/lon".into(), "geolocation".into()),
            ("/card/number".into(), "card_number".into()),
            ("/card/exp_month".into(), "card_expiry".into()),
            ("/card/cvc".into(), "card_cvv".into()),
        ]
    );
}

#[test]
fn service_account_json_in_fields_and_text() {
    let pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n";
    let fields = [
        body("/type", json!("service_account")),
        body("/private_key", json!(pem)),
        body("/client_email", json!("svc@proj.iam.gserviceaccount.com")),
    ];
    let found = types_of(&fields);
    assert!(
        found.contains(&("/private_key".into(), "private_key".into()))
            || found.contains(&("/private_key".into(), "gcp_service_account".into()))
    );
    let text = serde_json::to_string(&json!({"type": "service_account", "private_key": pem})).unwrap();
    assert_eq!(one("/blob", json!(text)), ["gcp_service_account"]);
}

#[test]
fn names_addresses_specials() {
    assert_eq!(one("/firstName", json!("Ann")), ["person_name"]);
    assert_eq!(one("/customer/name", json!("Ann Lee")), ["person_name"]);
    assert_eq!(one("/product/name", json!("Blue Widget")), Vec::<String>::new());
    assert_eq!(one("/product_name", json!("Blue Widget")), Vec::<String>::new());
    assert_eq!(one("/hostname", json!("Web01")), Vec::<String>::new());
    assert_eq!(one("/address/line1", json!("1 Main Street")), ["postal_address"]);
    assert_eq!(one("/zip", json!("94105")), ["postal_address"]);
    assert_eq!(one("/dob", json!("1985-04-12")), ["date_of_birth"]);
    assert_eq!(one("/diagnosis", json!("Type 2 diabetes")), ["health"]);
    assert_eq!(one("/religion", json!("Buddhist")), ["religion"]);
    assert_eq!(one("/password", json!("hunter2!")), ["password"]);
    assert_eq!(one("/password", json!("********")), Vec::<String>::new());
}

#[test]
fn config_disables_and_adds_types() {
    let config: SensitiveConfig = serde_json::from_value(json!({
        "disabled": ["email"],
        "custom": [
            {"id": "employee_id", "category": "personal", "value_patterns": ["E[0-9]{7}"]},
            {"id": "loyalty", "category": "financial", "key_patterns": ["(?i)^loyalty_?card$"], "validator": "luhn", "locations": ["body"]}
        ]
    }))
    .unwrap();
    let classifier = Classifier::from_config(&config).unwrap();
    let fields = [
        body("/email", json!("ann@example.com")),
        body("/note", json!("ask E1234567 about it")),
        body("/loyalty_card", json!("79927398713")),
        body("/loyaltyCard2", json!("79927398713")),
        field(Location::Query, "/loyalty_card", json!("79927398713")),
        body("/loyalty_card", json!("79927398710")),
    ];
    let mut out = Vec::new();
    classifier.classify_fields(&fields, &mut out);
    type Found<'a> = (usize, &'a str, Option<(usize, usize)>);
    let found: Vec<Found> = out.iter().map(|d| (d.field, d.data_type.as_str(), d.span)).collect();
    assert_eq!(found, [(1, "employee_id", Some((4, 12))), (2, "loyalty", None)]);
}

#[test]
fn caps_bound_the_work() {
    let many: Vec<Field> =
        (0..5_000).map(|i| body(&format!("/e{i}"), json!(format!("u{i}@example.com")))).collect();
    let mut out = Vec::new();
    Classifier::builtin().classify_fields(&many, &mut out);
    assert_eq!(out.len(), MAX_DETECTIONS);

    // A value past the per-field cap is not read beyond it.
    let late = format!("{}ann@example.com", "x ".repeat(MAX_FIELD_BYTES));
    assert!(one("/x", json!(late)).is_empty());

    let limits = Limits { max_call_bytes: 100, ..Limits::default() };
    let classifier = Classifier::builtin().with_limits(limits);
    let fields = [body("/a", json!("y".repeat(200))), body("/b", json!("ann@example.com"))];
    let mut out = Vec::new();
    assert_eq!(classifier.classify_fields_examined(&fields, &mut out), 1);
    assert!(out.is_empty());
}

#[test]
fn classifier_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Classifier>();
    let classifier = std::sync::Arc::new(Classifier::builtin());
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let classifier = std::sync::Arc::clone(&classifier);
            std::thread::spawn(move || {
                let mut out = Vec::new();
                classifier.classify_fields(&[body("/email", json!("ann@example.com"))], &mut out);
                out.len()
            })
        })
        .collect();
    for handle in handles {
        assert_eq!(handle.join().unwrap(), 1);
    }
}

#[test]
fn validation_messages_under_sensitive_names_are_not_values() {
    assert!(one("/error/fields/password/0", json!("is required")).is_empty());
    assert!(one("/errors/password", json!("must be at least 8 characters")).is_empty());
    assert!(one("/validationErrors/0/lastName", json!("must not be blank")).is_empty());
    // A value under the same name outside an error report is still one.
    assert_eq!(one("/password", json!("is required")), ["password"]);
    // Values that validate on their own are found in error reports too.
    assert_eq!(one("/errors/email/0", json!("ann.lee@example.com is taken")), ["email"]);
}

#[test]
fn product_versions_are_not_ip_addresses() {
    let ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0.6099.109 Safari/537.36";
    assert!(types_of(&[field(Location::Header, "/user-agent", json!(ua))]).is_empty());
    assert_eq!(one("/note", json!("fetched http://10.20.30.40/status")), ["ip_address"]);
    assert_eq!(one("/note", json!("client 203.0.113.9 retried")), ["ip_address"]);
}

#[test]
fn protocol_headers_are_skipped_and_the_list_is_sorted() {
    assert!(PROTOCOL_HEADERS.windows(2).all(|w| w[0] < w[1]));
    for name in PROTOCOL_HEADERS {
        assert!(protocol_header(&format!("/{name}")), "{name}");
    }
    assert!(protocol_header("/accept/1"));
    for name in ["user-agent", "authorization", "cookie", "x-api-key", "referer", "origin"] {
        assert!(!protocol_header(&format!("/{name}")), "{name}");
    }
    // `Host` names the server (an IP address there is the API's, not a person's): every
    // call through a gateway addressed by IP would otherwise tag its endpoint `ip_address`.
    assert!(types_of(&[field(Location::Header, "/host", json!("10.0.0.5:8080"))]).is_empty());
    // A card number in a date header is nonsense, and not reported.
    assert!(types_of(&[field(Location::Header, "/date", json!("4111 1111 1111 1111"))]).is_empty());
    assert_eq!(
        types_of(&[field(Location::Header, "/x-card", json!("4111 1111 1111 1111"))]),
        [("/x-card".to_owned(), "card_number".to_owned())]
    );
}

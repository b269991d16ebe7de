//! End to end: traffic with planted sensitive data and misconfigurations goes through the
//! real ingest pipeline into a real SQLite store, with the posture inspector plugged in.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use apiwarden_core::inspect::Inspector;
use apiwarden_core::{Endpoint, Finding};
use apiwarden_ingest::{IngestConfig, Ingestor, NoProgress};
use apiwarden_posture::TrafficInspector;
use apiwarden_store::{FindingFilter, SqliteStore, Store};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

const CARD: &str = "4111 1111 1111 1111";
const CARD_DIGITS: &str = "4111111111111111";
const PASSWORD: &str = "Tr0ub4dor&3xyzzy";
const AWS_KEY: &str = "AKIAQWERTYUIOPASDFGH";
const SSN: &str = "123-45-6789";
const BCRYPT: &str = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";
const BASIC_USER_PASS: &str = "svc-backup:S3cretBackup!2024";
const ACCESS_TOKEN: &str = "q8Zr2LmW9xVt4Kp7Yb3Nc6Hd1Jf5Gs0A";

fn b64url(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// An unsigned token with no expiry and an e-mail address in its claims.
fn unsigned_jwt() -> String {
    let header = b64url(&json!({"alg": "none", "typ": "JWT"}));
    let claims = b64url(&json!({"sub": "1001", "email": "alice.smith@example.com", "iat": 1_714_564_800}));
    format!("{header}.{claims}.")
}

struct Calls {
    lines: Vec<String>,
    at_us: i64,
}

impl Calls {
    fn new() -> Calls {
        Calls { lines: Vec::new(), at_us: 1_714_564_800_000_000 }
    }

    fn add(&mut self, request: Value, response: Value) {
        self.at_us += 1_000_000;
        let line = json!({"started_at_us": self.at_us, "request": request, "response": response});
        self.lines.push(line.to_string());
    }

    fn write(&self, dir: &Path, name: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, self.lines.join("\n") + "\n").unwrap();
        path
    }
}

fn json_body(value: Value) -> Value {
    json!({"text": value.to_string()})
}

fn traffic() -> Calls {
    let mut calls = Calls::new();
    let jwt = unsigned_jwt();
    let plain_headers = json!({"content-type": "application/json", "x-content-type-options": "nosniff",
        "strict-transport-security": "max-age=63072000"});
    for i in 0..3 {
        // A login that hands out an unsigned, never-expiring token.
        calls.add(
            json!({"method": "POST", "url": "https://shop.example.test/api/session",
                "headers": {"content-type": "application/json"},
                "body": json_body(json!({"email": "alice.smith@example.com", "password": PASSWORD}))}),
            json!({"status": 200, "headers": plain_headers, "body": json_body(json!({"token": jwt}))}),
        );
        // The list view returns full records (SSN, password hash) to an anonymous caller;
        // the detail view returns a subset.
        calls.add(
            json!({"method": "GET", "url": "https://shop.example.test/api/users"}),
            json!({"status": 200, "headers": plain_headers, "body": json_body(json!([
                {"id": 1001 + i, "email": "alice.smith@example.com", "ssn": SSN, "password_hash": BCRYPT},
                {"id": 2002 + i, "email": "bob.jones@example.org", "ssn": "078-05-1121", "password_hash": BCRYPT}
            ]))}),
        );
        calls.add(
            json!({"method": "GET", "url": format!("https://shop.example.test/api/users/{}", 1001 + i),
                "headers": {"authorization": format!("Bearer {jwt}")}}),
            json!({"status": 200, "headers": plain_headers,
                "body": json_body(json!({"id": 1001 + i, "email": "alice.smith@example.com"}))}),
        );
        // A card payment; a cloud key leaks in the response.
        calls.add(
            json!({"method": "POST", "url": "https://shop.example.test/api/payments",
                "headers": {"content-type": "application/json", "authorization": format!("Bearer {jwt}")},
                "body": json_body(json!({"card_number": CARD, "cvv": "123", "amount": 42.5}))}),
            json!({"status": 201, "headers": plain_headers,
                "body": json_body(json!({"paymentId": 77 + i, "processor": {"aws_access_key_id": AWS_KEY}}))}),
        );
        // Tokens and personal data in the query string.
        calls.add(
            json!({"method": "GET",
                "url": format!("https://shop.example.test/api/export?access_token={ACCESS_TOKEN}&email=carol.white%40example.com&page={i}")}),
            json!({"status": 200, "headers": plain_headers, "body": json_body(json!({"rows": []}))}),
        );
        // Basic authentication over plain HTTP.
        calls.add(
            json!({"method": "GET", "url": "http://backup.example.test/api/snapshots",
                "headers": {"authorization": format!("Basic {}", STANDARD.encode(BASIC_USER_PASS))}}),
            json!({"status": 200, "headers": plain_headers, "body": json_body(json!({"snapshots": [1, 2]}))}),
        );
        // A failing endpoint that shows a stack trace, a server path and an SQL error.
        calls.add(
            json!({"method": "GET", "url": format!("https://shop.example.test/api/orders/{}", 500 + i),
                "headers": {"authorization": format!("Bearer {jwt}")}}),
            json!({"status": 500, "headers": {"content-type": "text/plain"},
                "body": {"text": "java.sql.SQLException: ORA-00933: SQL command not properly ended\n\tat com.shop.orders.OrderDao.find(OrderDao.java:88)\n\tat com.shop.orders.OrderService.get(OrderService.java:41)\nloaded from /var/www/shop/WEB-INF/lib/orders.jar"}}),
        );
        // CORS that echoes any origin and allows credentials.
        calls.add(
            json!({"method": "GET", "url": "https://shop.example.test/api/cart",
                "headers": {"origin": "https://evil.example.net", "cookie": "sid=abc"}}),
            json!({"status": 200, "headers": {"content-type": "application/json",
                "access-control-allow-origin": "https://evil.example.net",
                "access-control-allow-credentials": "true"},
                "body": json_body(json!({"items": [], "total": 0}))}),
        );
        // Personal data in the path (kept only masked in examples).
        calls.add(
            json!({"method": "GET", "url": format!("https://shop.example.test/api/authors/erin.fox{i}%40example.com"),
                "headers": {"authorization": format!("Bearer {jwt}")}}),
            json!({"status": 200, "headers": plain_headers, "body": json_body(json!({"posts": 3}))}),
        );
        // Clean traffic: product data with SKUs, order numbers that fail Luhn, timestamps.
        calls.add(
            json!({"method": "GET", "url": format!("https://shop.example.test/api/products/{}", 10 + i)}),
            json!({"status": 200, "headers": plain_headers, "body": json_body(json!({
                "id": 10 + i, "sku": "SKU-88412-B", "name": "Walnut desk organiser", "order_ref": "4111111111111112",
                "updated_at": "2024-05-01T12:00:00Z", "price": 34.9}))}),
        );
    }
    calls
}

fn ingest(db: &Path, file: &Path) {
    let mut store = SqliteStore::open(db).unwrap();
    let inspector: Arc<dyn Inspector> = Arc::new(TrafficInspector::builtin());
    let report = Ingestor::new(&mut store, IngestConfig::default())
        .with_inspector(Some(inspector))
        .ingest(&[file.to_path_buf()], &NoProgress)
        .unwrap();
    assert_eq!(report.entries_skipped, 0, "{:?}", report.problems);
}

fn findings(db: &Path) -> Vec<Finding> {
    SqliteStore::open(db).unwrap().findings(&FindingFilter::default()).unwrap()
}

fn endpoints(db: &Path) -> Vec<Endpoint> {
    SqliteStore::open(db).unwrap().endpoints(None).unwrap()
}

fn rules_at(findings: &[Finding], rule: &str) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.rule == rule)
        .filter_map(|f| f.endpoint.as_ref())
        .map(|key| format!("{} {}", key.method, key.template))
        .collect()
}

#[test]
fn planted_problems_become_findings_on_the_right_endpoints() {
    let dir = tempfile::tempdir().unwrap();
    let file = traffic().write(dir.path(), "traffic.jsonl");
    let db = dir.path().join("store.db");
    ingest(&db, &file);
    let found = findings(&db);
    let expect = |rule: &str, at: &str| {
        let places = rules_at(&found, rule);
        assert!(places.iter().any(|p| p == at), "{rule} not at {at}; found at {places:?}");
    };
    expect("jwt.alg-none", "POST /api/session");
    expect("jwt.no-expiry", "POST /api/session");
    expect("jwt.personal-data-in-claims", "POST /api/session");
    expect("jwt.alg-none", "GET /api/users/{userId}");
    expect("sensitive.secret-in-response", "GET /api/users");
    expect("sensitive.unauthenticated-response", "GET /api/users");
    expect("sensitive.excessive-data-exposure", "GET /api/users");
    expect("sensitive.key-in-response", "POST /api/payments");
    expect("sensitive.credential-in-url", "GET /api/export");
    expect("sensitive.personal-data-in-url", "GET /api/export");
    expect("posture.basic-auth-over-http", "GET /api/snapshots");
    expect("posture.verbose-error", "GET /api/orders/{orderId}");
    expect("posture.cors-reflected-origin", "GET /api/cart");

    // The detail view is authenticated and returns only a subset: no finding there.
    assert!(rules_at(&found, "sensitive.excessive-data-exposure").iter().all(|p| p == "GET /api/users"));
    assert!(rules_at(&found, "sensitive.unauthenticated-response").iter().all(|p| p == "GET /api/users"));
    // The clean product endpoint raises nothing of its own.
    assert!(
        found.iter().all(|f| f.endpoint.as_ref().is_none_or(|k| k.template != "/api/products/{productId}")),
        "{:#?}",
        found
            .iter()
            .filter(|f| f.endpoint.as_ref().is_some_and(|k| k.template.contains("products")))
            .collect::<Vec<_>>()
    );
    // Every finding counts the three calls that showed it, and evidence is masked.
    let secret = found.iter().find(|f| f.rule == "sensitive.secret-in-response").unwrap();
    assert_eq!(secret.count, 3);
    assert!(!secret.call_ids.is_empty());
    let verbose: Vec<&Finding> = found.iter().filter(|f| f.rule == "posture.verbose-error").collect();
    assert!(verbose.iter().any(|f| f.evidence.contains("SQL error")), "{verbose:#?}");
    assert!(verbose.iter().any(|f| f.evidence.contains("stack trace")), "{verbose:#?}");
}

#[test]
fn inventory_tags_fields_with_types_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    let file = traffic().write(dir.path(), "traffic.jsonl");
    let db = dir.path().join("store.db");
    ingest(&db, &file);
    let endpoints = endpoints(&db);
    let tags_of = |method: &str, template: &str| -> Vec<(String, String, u64)> {
        endpoints
            .iter()
            .find(|e| e.key.method == method && e.key.template == template)
            .unwrap_or_else(|| panic!("no {method} {template}"))
            .sensitive
            .iter()
            .map(|t| (t.tag.path.clone(), t.tag.data_type.clone(), t.count))
            .collect()
    };
    let users = tags_of("GET", "/api/users");
    for (path, data_type) in [("/*/ssn", "ssn"), ("/*/password_hash", "password_hash"), ("/*/email", "email")]
    {
        assert!(
            users.iter().any(|(p, t, n)| p == path && t == data_type && *n == 3),
            "{path} {data_type} missing from {users:?}"
        );
    }
    let payments = tags_of("POST", "/api/payments");
    assert!(payments.iter().any(|(p, t, _)| p == "/card_number" && t == "card_number"), "{payments:?}");
    assert!(payments.iter().any(|(_, t, _)| t == "aws_access_key"), "{payments:?}");
    assert!(tags_of("GET", "/api/products/{productId}").is_empty());
}

/// The store must never hold a raw card number, password, secret or token, in any table
/// or in the write-ahead log.
#[test]
fn raw_secrets_never_reach_the_store_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = traffic().write(dir.path(), "traffic.jsonl");
    let db = dir.path().join("store.db");
    ingest(&db, &file);
    let jwt = unsigned_jwt();
    let jwt_claims = jwt.split('.').nth(1).unwrap().to_owned();
    let basic = STANDARD.encode(BASIC_USER_PASS);
    let planted = [
        CARD,
        CARD_DIGITS,
        PASSWORD,
        AWS_KEY,
        SSN,
        BCRYPT,
        ACCESS_TOKEN,
        jwt_claims.as_str(),
        basic.as_str(),
        "S3cretBackup",
        "alice.smith@example.com",
        "carol.white",
        "erin.fox",
    ];
    let mut scanned = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("store.db") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        scanned += bytes.len();
        for value in planted {
            assert!(!bytes.windows(value.len()).any(|w| w == value.as_bytes()), "{value:?} found in {name}");
        }
    }
    assert!(scanned > 10_000, "the store files were not written ({scanned} bytes)");
    // The examples were kept, masked, so the scan above looked at real content.
    let examples: String = endpoints(&db)
        .iter()
        .flat_map(|e| e.examples.iter())
        .filter_map(|x| x.request_body.clone())
        .collect();
    assert!(examples.contains("a***@example.com"), "the e-mail was not masked by the redactor: {examples}");
    assert!(examples.contains("\"card_number\":\"[redacted]\""), "{examples}");
}

#[test]
fn findings_are_replaced_not_added_when_traffic_is_ingested_again() {
    let dir = tempfile::tempdir().unwrap();
    let file = traffic().write(dir.path(), "traffic.jsonl");
    let db = dir.path().join("store.db");
    ingest(&db, &file);
    let first = findings(&db);
    ingest(&db, &file);
    assert_eq!(findings(&db), first, "re-ingesting the same calls changed the findings");

    // New calls of the same kind add to the counts of the same findings.
    let mut later = Calls::new();
    for line in traffic().lines {
        let mut value: Value = serde_json::from_str(&line).unwrap();
        let at = value["started_at_us"].as_i64().unwrap() + 86_400_000_000;
        value["started_at_us"] = json!(at);
        later.lines.push(value.to_string());
    }
    let second = later.write(dir.path(), "later.jsonl");
    ingest(&db, &second);
    let after = findings(&db);
    let count = |set: &[Finding], rule: &str| set.iter().find(|f| f.rule == rule).map(|f| f.count);
    assert_eq!(count(&first, "sensitive.secret-in-response"), Some(3));
    assert_eq!(count(&after, "sensitive.secret-in-response"), Some(6));
    assert_eq!(after.len(), first.len());
    let ids = |set: &[Finding]| set.iter().map(|f| f.id.clone()).collect::<std::collections::BTreeSet<_>>();
    assert_eq!(ids(&after), ids(&first), "finding ids must be stable across runs");
}

//! Exported documents are checked with a real validator: the Python package
//! `openapi-spec-validator` (`python3 -m pip install openapi-spec-validator`).
//!
//! Without python3 or the package the tests print a `skipped:` line and pass, except when
//! the environment variable `CI` is `true`, where they fail and say how to install it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;
use std::process::Command;

use apiwarden_core::endpoint::{
    AuthKind, AuthSeen, BodySchema, Endpoint, EndpointKey, LatencySummary, Parameter, ResponseSummary,
};
use apiwarden_core::openapi::{ExportOptions, export, to_json_pretty, to_yaml};
use apiwarden_core::{Location, model::CallId};
use serde_json::{Value, json};

const INSTALL: &str = "python3 -m pip install openapi-spec-validator";

/// `Some(())` when the validator can run; `None` (after printing why) when the test
/// should be skipped. Panics in CI.
fn validator_available() -> Option<()> {
    let probe = Command::new("python3").args(["-c", "import openapi_spec_validator"]).output();
    let problem = match probe {
        Ok(output) if output.status.success() => return Some(()),
        Ok(output) => format!(
            "python3 cannot import openapi_spec_validator ({})",
            String::from_utf8_lossy(&output.stderr).lines().last().unwrap_or("no output")
        ),
        Err(error) => format!("python3 could not be started ({error})"),
    };
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{problem}; CI must run the OpenAPI validator: install it with `{INSTALL}`");
    }
    println!("skipped: {problem}; install it with `{INSTALL}` to run this test");
    None
}

/// Runs the validator on a file; `Err(output)` when it rejects the document.
fn validate_file(path: &Path) -> Result<(), String> {
    let output = Command::new("python3")
        .args(["-m", "openapi_spec_validator", "--validation-errors", "all", "--schema", "detect"])
        .arg(path)
        .output()
        .map_err(|e| format!("could not run python3: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() && stdout.contains(": OK") {
        Ok(())
    } else {
        Err(format!("status {:?}\n{stdout}\n{stderr}", output.status.code()))
    }
}

/// Writes the document as YAML and as JSON and validates both.
fn assert_valid(name: &str, document: &Value) {
    let dir = tempfile::tempdir().unwrap();
    let yaml_path = dir.path().join(format!("{name}.yaml"));
    let json_path = dir.path().join(format!("{name}.json"));
    std::fs::write(&yaml_path, to_yaml(document).unwrap()).unwrap();
    std::fs::write(&json_path, to_json_pretty(document).unwrap()).unwrap();
    for path in [&yaml_path, &json_path] {
        if let Err(output) = validate_file(path) {
            let text = std::fs::read_to_string(path).unwrap();
            let head: String = text.lines().take(400).collect::<Vec<_>>().join("\n");
            panic!("{} was rejected:\n{output}\n--- document (first 400 lines) ---\n{head}", path.display());
        }
    }
}

fn endpoint(host: &str, method: &str, template: &str) -> Endpoint {
    Endpoint {
        key: EndpointKey { host: host.to_owned(), method: method.to_owned(), template: template.to_owned() },
        schemes: vec!["https".to_owned()],
        from_spec: false,
        parameters: Vec::new(),
        request_bodies: Vec::new(),
        responses: vec![ResponseSummary { status: 200, count: 10, bodies: Vec::new() }],
        auth: Vec::new(),
        calls: 10,
        analysed_calls: None,
        first_seen_us: 1_709_287_200_000_000,
        last_seen_us: 1_709_373_600_250_000,
        latency: LatencySummary {
            samples: 10,
            p50_ms: Some(12.5),
            p90_ms: Some(40.0),
            p99_ms: Some(95.125),
            max_ms: Some(120.0),
        },
        examples: Vec::new(),
        // Validity must hold with the sensitive-data extension present.
        sensitive: vec![apiwarden_core::discovery::TagStats {
            tag: apiwarden_core::inspect::FieldTag {
                direction: apiwarden_core::Direction::Response,
                location: apiwarden_core::Location::Body,
                path: "/email".into(),
                data_type: "email".into(),
                category: "personal".into(),
            },
            count: 3,
            first_seen_us: 1_709_287_200_000_000,
            last_seen_us: 1_709_290_800_500_000,
        }],
        posture: Vec::new(),
    }
}

fn param(name: &str, location: Location, required: bool, schema: Value) -> Parameter {
    Parameter { name: name.to_owned(), location, required, schema, count: 7 }
}

fn body(media_type: &str, schema: Value) -> BodySchema {
    BodySchema { media_type: media_type.to_owned(), schema, count: 5 }
}

fn auth(kind: AuthKind, name: Option<&str>) -> AuthSeen {
    AuthSeen { kind, name: name.map(str::to_owned), count: 4 }
}

fn user_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "email": {"type": "string", "format": "email"},
            "uuid": {"type": "string", "format": "uuid"},
            "homepage": {"type": ["string", "null"], "format": "uri"},
            "created": {"type": "string", "format": "date-time"},
            "ip": {"type": "string", "format": "ipv4"},
            "ip6": {"type": "string", "format": "ipv6"},
            "tags": {"type": "array", "items": {"type": "string", "enum": ["yes", "no", "on", "2024-01-01"]}},
            "address": {
                "type": ["object", "null"],
                "properties": {"street": {"type": "string"}, "zip": {"type": ["string", "integer"]}},
                "required": ["street"],
                "additionalProperties": false
            },
            "meta": {"type": "object", "additionalProperties": {"type": "number"}},
            "nothing": {"type": "null"},
            "score": {"type": "number", "minimum": 0, "maximum": 1.5e300}
        },
        "required": ["id", "email"],
        "additionalProperties": true
    })
}

/// Every feature and edge case the exporter handles.
fn rich_inventory() -> Vec<Endpoint> {
    let mut list = Vec::new();

    let mut orders = endpoint("api.example.com", "GET", "/users/{userId}/orders");
    orders.schemes = vec!["https".to_owned(), "http".to_owned()];
    orders.parameters = vec![
        param("userId", Location::Path, true, json!({"type": "integer"})),
        param("page", Location::Query, false, json!({"type": "integer"})),
        param("filter[status]", Location::Query, true, json!({"type": "string"})),
        param("yes", Location::Query, false, json!({"type": "boolean"})),
        param("", Location::Query, false, json!({})),
        param("X-Request-Id", Location::Header, true, json!({"type": "string", "format": "uuid"})),
        param("x-request-id", Location::Header, false, json!({"type": "string"})),
        param("Accept", Location::Header, true, json!({"type": "string"})),
        param("Content-Type", Location::Header, true, json!({"type": "string"})),
        param("Authorization", Location::Header, true, json!({"type": "string"})),
        param("sid", Location::Cookie, true, json!({"type": "string"})),
        param("theme", Location::Cookie, false, json!({"type": "string", "enum": ["dark", "light"]})),
        param("user.name", Location::Body, true, json!({"type": "string"})),
    ];
    orders.responses = vec![
        ResponseSummary {
            status: 200,
            count: 90,
            bodies: vec![body(
                "application/json; charset=utf-8",
                json!({"type": "array", "items": user_schema()}),
            )],
        },
        ResponseSummary {
            status: 404,
            count: 3,
            bodies: vec![body("application/problem+json", json!({"type": "object"}))],
        },
    ];
    orders.auth = vec![
        auth(AuthKind::BearerJwt, None),
        auth(AuthKind::None, None),
        auth(AuthKind::SessionCookie, Some("sid")),
    ];
    list.push(orders);

    // Same shape on another host with another parameter name: merged into one operation.
    let mut admin_orders = endpoint("admin.example.com", "GET", "/users/{id}/orders");
    admin_orders.schemes = vec!["http".to_owned()];
    admin_orders.parameters = vec![
        param("id", Location::Path, true, json!({"type": "string", "format": "uuid"})),
        param("page", Location::Query, true, json!({"type": "string"})),
        param("X-API-Key", Location::Header, true, json!({"type": "string"})),
    ];
    admin_orders.auth = vec![auth(AuthKind::ApiKeyHeader, Some("X-API-Key"))];
    list.push(admin_orders);

    // Only on the admin host: operation-level servers.
    let mut delete = endpoint("admin.example.com", "DELETE", "/users/{userId}/orders");
    delete.responses = vec![ResponseSummary { status: 204, count: 2, bodies: Vec::new() }];
    delete.auth = vec![auth(AuthKind::ApiKeyHeader, Some("x-api-key")), auth(AuthKind::ApiKeyHeader, None)];
    list.push(delete);

    let mut create = endpoint("api.example.com", "POST", "/users");
    create.request_bodies = vec![
        body("application/json", user_schema()),
        body(
            "application/x-www-form-urlencoded",
            json!({"type": "object", "properties": {"email": {"type": "string"}}}),
        ),
        body("", json!({})),
        // A malformed inferred schema must not invalidate the document.
        body(
            "text/plain",
            json!({"type": "int", "minLength": -1, "required": "id", "$ref": "#/nowhere", "items": 3}),
        ),
    ];
    create.responses = vec![
        ResponseSummary { status: 201, count: 5, bodies: vec![body("application/json", user_schema())] },
        ResponseSummary { status: 400, count: 2, bodies: vec![body("application/json", json!(true))] },
        ResponseSummary { status: 0, count: 1, bodies: Vec::new() },
        ResponseSummary { status: 999, count: 1, bodies: vec![body("text/html", json!({"type": "string"}))] },
        ResponseSummary { status: 42, count: 1, bodies: Vec::new() },
    ];
    create.auth = vec![auth(AuthKind::Basic, None)];
    list.push(create);

    // Lower-case duplicate of the same method: merged.
    let mut create_lower = endpoint("api.example.com", "post", "/users");
    create_lower.auth = vec![auth(AuthKind::Bearer, None), auth(AuthKind::ApiKeyQuery, Some("api_key"))];
    create_lower.parameters = vec![param("api_key", Location::Query, true, json!({"type": "string"}))];
    list.push(create_lower);

    let mut root = endpoint("api.example.com", "GET", "/");
    root.responses = Vec::new();
    root.auth = vec![auth(AuthKind::None, None)];
    root.latency = LatencySummary {
        samples: 1,
        p50_ms: Some(f64::NAN),
        p90_ms: None,
        p99_ms: Some(f64::INFINITY),
        max_ms: Some(1.0),
    };
    list.push(root);

    let mut file = endpoint("api.example.com", "GET", "/files/{name}.json");
    file.parameters = vec![param("name", Location::Path, true, json!({"type": "string"}))];
    list.push(file);

    list.push(endpoint("api.example.com", "GET", "/items/{item id}/{item id}/{x:y}/{a!b}/{}/{"));
    list.push(endpoint("api.example.com", "GET", "/weird/a b/%7Bliteral%7D/ü/100%/?q=1/#frag ment"));
    list.push(endpoint("api.example.com", "POST", "/graphql#query GetUser"));
    list.push(endpoint("api.example.com", "PROPFIND", "/dav/{path}"));
    list.push(endpoint("api.example.com", "get", "/dav/{path}"));
    list.push(endpoint("api.example.com", "", "/empty-method"));
    list.push(endpoint("api.example.com", "GET", ""));
    list.push(endpoint("api.example.com", "OPTIONS", "*"));
    list.push(endpoint("api.example.com", "GET", "/users/"));
    list.push(endpoint("api.example.com", "GET", "/users2"));
    list.push(endpoint("api.example.com", "GET", "/users/2"));

    let mut never_seen = endpoint("api.example.com", "GET", "/from-spec/{id}");
    never_seen.from_spec = true;
    never_seen.calls = 0;
    never_seen.responses = Vec::new();
    never_seen.latency = LatencySummary::default();
    list.push(never_seen);

    list.push(endpoint("", "GET", "/no-host"));
    let mut odd_host = endpoint("Bad Host.example:8443", "GET", "/odd-host");
    odd_host.schemes = vec!["wss".to_owned(), "not a scheme".to_owned()];
    list.push(odd_host);

    let mut with_example = endpoint("api.example.com", "GET", "/examples");
    with_example.examples = vec![apiwarden_core::endpoint::ExampleCall {
        call_id: CallId(7),
        started_at_us: 0,
        path: "/examples".to_owned(),
        query: None,
        status: Some(200),
        request_body: None,
        response_body: Some("{}".to_owned()),
    }];
    list.push(with_example);
    list
}

#[test]
fn rich_inventory_exports_a_valid_document() {
    if validator_available().is_none() {
        return;
    }
    let options =
        ExportOptions { title: "Example API".to_owned(), version: "2024.03".to_owned(), host: None };
    let document = export(&rich_inventory(), &options);
    assert_valid("rich", &document);
}

#[test]
fn single_host_export_is_valid() {
    if validator_available().is_none() {
        return;
    }
    let options = ExportOptions { host: Some("ADMIN.example.com".to_owned()), ..ExportOptions::default() };
    let document = export(&rich_inventory(), &options);
    assert_eq!(
        document["servers"],
        json!([{"url": "http://admin.example.com"}, {"url": "https://admin.example.com"}])
    );
    assert_valid("admin", &document);
}

#[test]
fn empty_inventory_exports_a_valid_document() {
    if validator_available().is_none() {
        return;
    }
    let options = ExportOptions { title: String::new(), version: String::new(), host: None };
    let document = export(&[], &options);
    assert_eq!(document["paths"], json!({}));
    assert_valid("empty", &document);
}

#[test]
fn many_endpoints_export_a_valid_document() {
    if validator_available().is_none() {
        return;
    }
    let mut list = Vec::new();
    for i in 0..1500 {
        let host = format!("svc{}.example.com", i % 7);
        let mut e =
            endpoint(&host, ["GET", "POST", "PUT"][i % 3], &format!("/r{}/{{id}}/s{}", i % 200, i % 11));
        e.parameters = vec![param("id", Location::Path, true, json!({"type": "integer"}))];
        list.push(e);
    }
    let document = export(&list, &ExportOptions::default());
    assert_valid("many", &document);
}

#[test]
fn the_validator_rejects_an_invalid_document() {
    if validator_available().is_none() {
        return;
    }
    // Negative control: a real export, broken in two ways the validator must catch.
    let mut document = export(&rich_inventory(), &ExportOptions::default());
    document["paths"]["/broken/{id}"] = json!({"get": {"responses": {}}});
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.yaml");
    std::fs::write(&path, to_yaml(&document).unwrap()).unwrap();
    let output = validate_file(&path).expect_err("the validator accepted an invalid document");
    assert!(output.contains("broken"), "unexpected validator output: {output}");

    let mut document = export(&[], &ExportOptions::default());
    document["info"].as_object_mut().unwrap().remove("version");
    let path = dir.path().join("no-version.json");
    std::fs::write(&path, to_json_pretty(&document).unwrap()).unwrap();
    let output = validate_file(&path).expect_err("the validator accepted a document without info.version");
    assert!(output.contains("version"), "unexpected validator output: {output}");
}

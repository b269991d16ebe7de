//! Export: a YAML snapshot of a small inventory, and structural checks that hold for any
//! export (the full validation with `openapi-spec-validator` is in `openapi_valid.rs`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::{BTreeSet, HashSet};

use apiwarden_core::Location;
use apiwarden_core::endpoint::{
    AuthKind, AuthSeen, BodySchema, Endpoint, EndpointKey, LatencySummary, Parameter, ResponseSummary,
};
use apiwarden_core::openapi::{ExportOptions, export, parse_spec, to_json_pretty, to_yaml};
use serde_json::{Value, json};

fn endpoint(host: &str, method: &str, template: &str, calls: u64) -> Endpoint {
    Endpoint {
        key: EndpointKey { host: host.to_owned(), method: method.to_owned(), template: template.to_owned() },
        schemes: vec!["https".to_owned()],
        from_spec: false,
        parameters: Vec::new(),
        request_bodies: Vec::new(),
        responses: vec![ResponseSummary { status: 200, count: calls, bodies: Vec::new() }],
        auth: Vec::new(),
        calls,
        analysed_calls: None,
        first_seen_us: 1_709_287_200_000_000,
        last_seen_us: 1_709_290_800_500_000,
        latency: LatencySummary {
            samples: calls,
            p50_ms: Some(8.0),
            p90_ms: Some(21.5),
            p99_ms: Some(60.25),
            max_ms: Some(75.0),
        },
        examples: Vec::new(),
        sensitive: Vec::new(),
        posture: Vec::new(),
    }
}

fn small_inventory() -> Vec<Endpoint> {
    let mut get_user = endpoint("api.example.com", "GET", "/users/{userId}", 120);
    get_user.parameters = vec![
        Parameter {
            name: "userId".into(),
            location: Location::Path,
            required: true,
            schema: json!({"type": "integer"}),
            count: 120,
        },
        Parameter {
            name: "fields".into(),
            location: Location::Query,
            required: false,
            schema: json!({"type": "string"}),
            count: 30,
        },
    ];
    get_user.responses = vec![
        ResponseSummary {
            status: 200,
            count: 110,
            bodies: vec![BodySchema {
                media_type: "application/json".into(),
                schema: json!({"type": "object", "properties": {"id": {"type": "integer"},
                    "email": {"type": "string", "format": "email"}, "nickname": {"type": ["string", "null"]}},
                    "required": ["email", "id"]}),
                count: 110,
            }],
        },
        ResponseSummary { status: 404, count: 10, bodies: Vec::new() },
    ];
    get_user.auth = vec![AuthSeen { kind: AuthKind::BearerJwt, name: None, count: 120 }];

    let mut create = endpoint("api.example.com", "POST", "/users", 15);
    create.request_bodies = vec![BodySchema {
        media_type: "application/json".into(),
        schema: json!({"type": "object", "properties": {"email": {"type": "string", "format": "email"}}, "required": ["email"]}),
        count: 15,
    }];
    create.responses = vec![ResponseSummary { status: 201, count: 15, bodies: Vec::new() }];
    create.auth = vec![AuthSeen { kind: AuthKind::ApiKeyHeader, name: Some("X-API-Key".into()), count: 15 }];

    let mut health = endpoint("status.example.com", "GET", "/health", 500);
    health.auth = vec![AuthSeen { kind: AuthKind::None, name: None, count: 500 }];
    vec![health, create, get_user]
}

#[test]
fn small_export_snapshot() {
    let options = ExportOptions { title: "Example API".into(), version: "1.0.0".into(), host: None };
    let yaml = to_yaml(&export(&small_inventory(), &options)).unwrap();
    insta::assert_snapshot!("small_export", yaml);
}

#[test]
fn export_is_deterministic_whatever_the_input_order() {
    let mut list = small_inventory();
    let options = ExportOptions::default();
    let first = export(&list, &options);
    list.reverse();
    assert_eq!(export(&list, &options), first);
    list.rotate_left(1);
    assert_eq!(to_json_pretty(&export(&list, &options)).unwrap(), to_json_pretty(&first).unwrap());
}

#[test]
fn yaml_and_json_renderings_carry_the_same_document() {
    let document = export(&small_inventory(), &ExportOptions::default());
    let from_yaml: Value = yaml_serde::from_str(&to_yaml(&document).unwrap()).unwrap();
    let from_json: Value = serde_json::from_str(&to_json_pretty(&document).unwrap()).unwrap();
    assert_eq!(from_yaml, document);
    assert_eq!(from_json, document);
}

/// `{name}` expressions of a path key.
fn template_params(path: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}').expect("balanced braces");
        out.insert(after[..close].to_owned());
        rest = &after[close + 1..];
    }
    out
}

/// The rules `openapi-spec-validator` checks beyond the JSON schema, checked here without
/// Python so that they hold on every machine.
fn assert_structurally_valid(document: &Value) {
    assert_eq!(document["openapi"], "3.1.0");
    let schemes: HashSet<&str> = document["components"]["securitySchemes"]
        .as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let mut operation_ids = HashSet::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        assert!(path.starts_with('/'), "{path}");
        let expected = template_params(path);
        for (method, operation) in item.as_object().unwrap() {
            if !["get", "put", "post", "delete", "options", "head", "patch", "trace"]
                .contains(&method.as_str())
            {
                continue;
            }
            let id = operation["operationId"].as_str().unwrap();
            assert!(operation_ids.insert(id.to_owned()), "duplicate operationId {id}");
            let params = operation["parameters"].as_array().cloned().unwrap_or_default();
            let declared: BTreeSet<String> = params
                .iter()
                .filter(|p| p["in"] == "path")
                .map(|p| p["name"].as_str().unwrap().to_owned())
                .collect();
            assert_eq!(declared, expected, "{method} {path}");
            let mut seen = HashSet::new();
            for p in &params {
                let key =
                    (p["name"].as_str().unwrap().to_ascii_lowercase(), p["in"].as_str().unwrap().to_owned());
                assert!(seen.insert(key), "duplicate parameter in {method} {path}: {p}");
            }
            let responses = operation["responses"].as_object().unwrap();
            assert!(!responses.is_empty());
            for (status, response) in responses {
                assert!(
                    status == "default"
                        || (status.len() == 3 && (b'1'..=b'5').contains(&status.as_bytes()[0])),
                    "{status}"
                );
                assert!(response["description"].is_string());
            }
            for requirement in operation["security"].as_array().into_iter().flatten() {
                for name in requirement.as_object().unwrap().keys() {
                    assert!(schemes.contains(name.as_str()), "unknown security scheme {name}");
                }
            }
        }
    }
}

#[test]
fn many_endpoints_export_quickly_with_unique_operation_ids() {
    let mut list = Vec::new();
    for i in 0..20_000 {
        let host = format!("svc{}.example.com", i % 13);
        let template = match i % 4 {
            0 => format!("/r{}/{{id}}", i % 3000),
            1 => format!("/r{}/{{key}}", i % 3000),
            2 => format!("/r{}", i % 3000),
            _ => format!("/r-{}_x/{{a b}}/{{a b}}", i % 3000),
        };
        let mut e = endpoint(&host, ["GET", "POST", "get", "DELETE", "PATCH"][i % 5], &template, 1);
        e.auth = vec![AuthSeen { kind: AuthKind::ApiKeyQuery, name: Some(format!("k{}", i % 3)), count: 1 }];
        list.push(e);
    }
    let document = export(&list, &ExportOptions::default());
    assert_structurally_valid(&document);
    assert!(document["paths"].as_object().unwrap().len() >= 3000);
    assert_eq!(document["servers"].as_array().unwrap().len(), 13);
}

#[test]
fn small_export_is_structurally_valid_and_reimports() {
    let document = export(&small_inventory(), &ExportOptions::default());
    assert_structurally_valid(&document);
    // What apiwarden exports, apiwarden imports with the same templates and no warnings.
    let spec = parse_spec(&to_yaml(&document).unwrap(), "export.yaml").unwrap();
    assert!(spec.warnings.is_empty(), "{:?}", spec.warnings);
    let endpoints: Vec<(&str, &str)> = spec.spec_endpoints().collect();
    assert_eq!(endpoints, [("GET", "/health"), ("GET", "/users/{userId}"), ("POST", "/users")]);
    assert!(spec.match_path("api.example.com", "/users/7").is_some());
    assert!(spec.match_path("status.example.com", "/users/7").is_none());
    assert!(spec.match_path("status.example.com", "/health").is_some());
}

#[test]
fn security_reflects_the_auth_seen() {
    let document = export(&small_inventory(), &ExportOptions::default());
    assert_eq!(document["paths"]["/health"]["get"]["security"], json!([]));
    assert_eq!(document["paths"]["/users/{userId}"]["get"]["security"], json!([{"bearerJwt": []}]));
    assert_eq!(document["paths"]["/users"]["post"]["security"], json!([{"apiKeyHeader.X-API-Key": []}]));
    assert_eq!(
        document["components"]["securitySchemes"],
        json!({
            "apiKeyHeader.X-API-Key": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            "bearerJwt": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
        })
    );
}

#[test]
fn one_host_is_exported_alone_when_asked() {
    let options = ExportOptions { host: Some("Status.Example.com".into()), ..ExportOptions::default() };
    let document = export(&small_inventory(), &options);
    assert_eq!(document["servers"], json!([{"url": "https://status.example.com"}]));
    assert_eq!(document["paths"].as_object().unwrap().keys().collect::<Vec<_>>(), ["/health"]);
    assert!(document["paths"]["/health"].get("servers").is_none());
    assert!(document.get("components").is_none());
}

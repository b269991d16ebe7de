//! Decoding + flattening cost of typical bodies: `cargo bench -p apiwarden-core --bench decode`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use apiwarden_core::decode::{DecodeLimits, DecoderRegistry, call_fields, flatten_value_peeled};
use apiwarden_core::model::{ApiCall, Body, CallId, Header, HttpRequest, HttpResponse, Observed, SourceKind};
use apiwarden_core::{Direction, Location};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// A ~1 KB JSON body shaped like a typical API payload.
fn json_body() -> Vec<u8> {
    let body = serde_json::json!({
        "id": "7d0c4f1e-2f55-4a36-9d63-0f4bfae9b1c2",
        "user": {
            "name": "Ann Lee",
            "email": "ann.lee@example.com",
            "phone": "+44 20 7946 0958",
            "roles": ["admin", "billing", "support"],
            "address": {"street": "1 Main Street", "city": "London", "zip": "N1 9GU", "country": "GB"},
        },
        "items": [
            {"sku": "A-100", "qty": 2, "price": 19.99, "tags": ["new", "sale"]},
            {"sku": "B-200", "qty": 1, "price": 5.5, "tags": []},
            {"sku": "C-300", "qty": 12, "price": 0.99, "tags": ["bulk"]},
        ],
        "payment": {"method": "card", "last4": "4242", "token": "tok_1NqLx2eZvKYlo2C0aBcDeFgH"},
        "filter": "{\"status\":\"open\",\"since\":\"2024-01-01\"}",
        "cursor": "eyJwYWdlIjoyLCJzaXplIjo1MH0=",
        "redirect": "https%3A%2F%2Fexample.com%2Fcallback%3Fx%3D1",
        "notes": "Please deliver between 9am and 5pm; ring the bell twice and wait at the door.",
        "created_at": "2024-03-01T10:00:00Z",
        "flags": {"gift": false, "express": true, "insured": null},
    });
    let mut bytes = serde_json::to_vec(&body).unwrap();
    // Pad to ~1 KB with a realistic free-text field.
    if bytes.len() < 1024 {
        let mut value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        value["comment"] = serde_json::Value::String("x".repeat(1024 - bytes.len() - 14));
        bytes = serde_json::to_vec(&value).unwrap();
    }
    bytes
}

fn form_body() -> Vec<u8> {
    let mut pairs = vec![
        ("username".to_owned(), "ann.lee@example.com".to_owned()),
        ("password".to_owned(), "correct horse battery staple".to_owned()),
        ("remember".to_owned(), "on".to_owned()),
        ("next".to_owned(), "/account?tab=orders&page=2".to_owned()),
    ];
    for i in 0..20 {
        pairs.push((format!("item[{i}]"), format!("sku-{i:04} & more")));
    }
    form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish().into_bytes()
}

fn call(content_type: &str, body: Vec<u8>) -> ApiCall {
    ApiCall {
        id: CallId(1),
        started_at_us: 0,
        observed: Observed { source: SourceKind::Gateway, origin: "bench".into(), position: None },
        client: Default::default(),
        request: HttpRequest {
            method: "POST".into(),
            scheme: "https".into(),
            host: "api.example.com".into(),
            path: "/v1/users/42/orders".into(),
            query: Some("expand=items&limit=50".into()),
            http_version: Some("HTTP/1.1".into()),
            headers: vec![
                Header::new("host", "api.example.com"),
                Header::new("content-type", content_type),
                Header::new("authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl"),
                Header::new("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"),
                Header::new("accept", "application/json"),
                Header::new("cookie", "session=9f86d081884c7d65; theme=dark"),
            ],
            body: Body::from_bytes(body),
        },
        response: Some(HttpResponse {
            status: 201,
            headers: vec![
                Header::new("content-type", "application/json"),
                Header::new("set-cookie", "sid=abc; Path=/"),
            ],
            body: Body::from_bytes(&br#"{"id":1001,"status":"created"}"#[..]),
        }),
        timings: Default::default(),
    }
}

fn bench_body(c: &mut Criterion, name: &str, content_type: &str, body: Vec<u8>) {
    let registry = DecoderRegistry::default();
    let limits = DecodeLimits::default();
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("decode", |b| {
        b.iter(|| registry.decode(Some(content_type), black_box(&body), &limits));
    });
    group.bench_function("decode+flatten", |b| {
        b.iter(|| {
            let decoded = registry.decode(Some(content_type), black_box(&body), &limits).unwrap().unwrap();
            let mut out = Vec::new();
            flatten_value_peeled(&decoded.value, Direction::Request, Location::Body, "", &limits, &mut out);
            out
        });
    });
    let call = call(content_type, body.clone());
    group.bench_function("call_fields", |b| {
        b.iter(|| {
            let request = call.request.header("content-type");
            let decoded = registry.decode(request, &call.request.body.bytes, &limits).and_then(Result::ok);
            let response = call.response.as_ref().and_then(|r| {
                registry.decode(r.header("content-type"), &r.body.bytes, &limits).and_then(Result::ok)
            });
            call_fields(black_box(&call), decoded.as_ref(), response.as_ref(), &limits)
        });
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    bench_body(c, "json_1k", "application/json", json_body());
    bench_body(c, "form", "application/x-www-form-urlencoded", form_body());
}

criterion_group!(decode, benches);
criterion_main!(decode);

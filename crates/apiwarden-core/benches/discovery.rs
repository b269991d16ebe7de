//! Discovery costs: schema inference, path templating and the per-call observe path.
//!
//! `cargo bench -p apiwarden-core --bench discovery`
//!
//! Each group carries its own baseline, measured in the same run, so that the ratio (not
//! the absolute time, which depends on a noisy machine) is what to read:
//! * `schema`: `serde_json::from_slice` of the ~1 KB body vs. `SchemaNode::observe` of the
//!   parsed value (into a fresh node and into a node that has seen the shape), and `merge`
//!   of two such nodes;
//! * `template`: `template_host` of a host with ~1,000 normalised paths, including three
//!   free-text identifier positions of 200 values each, vs. building that inventory with
//!   `normalize_path` + `entry().touch()`;
//! * `observe_call`: `DecodedCall::new` alone (decoding both ~1 KB bodies) vs. decoding plus
//!   `Observer::observe_call` into a warm inventory state.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use apiwarden_core::analysis::DecodedCall;
use apiwarden_core::decode::{DecodeLimits, DecoderRegistry};
use apiwarden_core::discovery::{HostInventory, InventoryState, Observer, normalize_path, template_host};
use apiwarden_core::model::{
    ApiCall, Body, CallId, Header, HttpRequest, HttpResponse, Observed, SourceKind, Timings,
};
use apiwarden_core::schema::SchemaNode;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};

/// Pads `value` with a free-text `comment` so that its serialisation is about `target` bytes.
fn pad_to(mut value: Value, target: usize) -> Vec<u8> {
    let len = serde_json::to_vec(&value).unwrap().len();
    if len + 14 < target {
        value["comment"] =
            Value::String("lorem ipsum ".repeat(target).chars().take(target - len - 14).collect());
    }
    serde_json::to_vec(&value).unwrap()
}

/// A ~1 KB JSON request body shaped like a typical API payload (nesting, arrays, formats).
fn request_body() -> Vec<u8> {
    pad_to(
        json!({
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
            "website": "https://example.com/ann",
            "notes": "Please deliver between 9am and 5pm; ring the bell twice and wait at the door.",
            "created_at": "2024-03-01T10:00:00Z",
            "delivery_date": "2024-03-04",
            "flags": {"gift": false, "express": true, "insured": null},
        }),
        1024,
    )
}

/// A ~1 KB JSON response body: a list envelope of small records.
fn response_body() -> Vec<u8> {
    let orders: Vec<Value> = (0..6)
        .map(|i| {
            json!({
                "id": 1000 + i,
                "status": if i % 2 == 0 { "shipped" } else { "open" },
                "total": 10.5 + f64::from(i),
                "currency": "GBP",
                "created_at": format!("2024-03-0{}T10:00:00Z", i + 1),
            })
        })
        .collect();
    pad_to(
        json!({"data": orders, "page": 2, "per_page": 6, "next": "https://api.example.com/v1/orders?page=3"}),
        1024,
    )
}

fn schema(c: &mut Criterion) {
    let bytes = request_body();
    let value: Value = serde_json::from_slice(&bytes).unwrap();
    let mut group = c.benchmark_group("schema");
    group.measurement_time(Duration::from_secs(3)).sample_size(20);
    group.throughput(Throughput::Bytes(bytes.len() as u64));

    // Baseline: parsing the same bytes.
    group.bench_function("baseline/serde_json::from_slice", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(&bytes)).unwrap());
    });
    // First value at a position: every node allocated.
    group.bench_function("observe/fresh_node", |b| {
        b.iter(|| SchemaNode::from_value(black_box(&value)));
    });
    // Steady state: the node has seen this shape (the common case in a long capture).
    let mut warm = SchemaNode::from_value(&value);
    group.bench_function("observe/warm_node", |b| {
        b.iter(|| warm.observe(black_box(&value)));
    });
    // Merging per-thread states: two nodes of the same shape.
    let other = SchemaNode::from_value(&value);
    let mut into = SchemaNode::from_value(&value);
    group.bench_function("merge/warm_into", |b| {
        b.iter(|| into.merge(black_box(&other)));
    });
    group.bench_function("merge/into_empty", |b| {
        b.iter_batched_ref(SchemaNode::default, |n| n.merge(black_box(&other)), BatchSize::SmallInput);
    });
    group.finish();
    eprintln!("schema: body {} bytes", bytes.len());
}

const FIRST: &[&str] = &["ann", "bob", "carla", "dev", "erin", "fatima", "gus", "hana", "ivan", "jo"];
const LAST: &[&str] =
    &["lee", "smith", "okafor", "nguyen", "garcia", "muller", "rossi", "khan", "ito", "brown"];
const WORDS: &[&str] = &[
    "how",
    "to",
    "brew",
    "coffee",
    "great",
    "rust",
    "tips",
    "guide",
    "for",
    "beginners",
    "fast",
    "api",
    "design",
    "secure",
    "tokens",
    "cache",
    "tuning",
    "notes",
    "release",
    "spring",
];
const COLOURS: &[&str] = &["BLU", "RED", "GRN", "BLK", "WHT"];
const RESOURCES: &[&str] = &[
    "orders",
    "invoices",
    "customers",
    "carts",
    "payments",
    "shipments",
    "refunds",
    "coupons",
    "reviews",
    "addresses",
    "webhooks",
    "teams",
    "projects",
    "tickets",
    "comments",
    "labels",
    "files",
    "events",
    "sessions",
    "plans",
];

/// Path and method list of a realistic host: typed ids (collapse in `normalize_path`),
/// static sub-resources and reserved words, and three free-text identifier positions
/// (usernames, article slugs, SKUs) with 200 values each.
fn host_traffic() -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for (r, resource) in RESOURCES.iter().enumerate() {
        out.push((format!("/api/v1/{resource}"), "GET"));
        out.push((format!("/api/v1/{resource}"), "POST"));
        for id in [1, 42, 4711] {
            out.push((format!("/api/v1/{resource}/{id}"), "GET"));
            out.push((format!("/api/v1/{resource}/{id}"), "PATCH"));
            out.push((format!("/api/v1/{resource}/{id}/history"), "GET"));
        }
        out.push((format!("/api/v1/{resource}/7d0c4f1e-2f55-4a36-9d63-0f4bfae9b1c{r:x}/notes"), "GET"));
        out.push((format!("/api/v1/{resource}/export"), "POST"));
        out.push((format!("/api/v1/{resource}/search"), "GET"));
        out.push((format!("/api/v2/{resource}/stats/2024-01-{:02}", r + 1), "GET"));
    }
    out.push(("/api/v1/users/me".into(), "GET"));
    out.push(("/api/v1/articles/latest".into(), "GET"));
    for i in 0..200 {
        let user = format!("{}{}{}", FIRST[i % 10], LAST[(i / 10) % 10], if i >= 100 { "x" } else { "" });
        out.push((format!("/api/v1/users/{user}"), "GET"));
        out.push((format!("/api/v1/users/{user}/repos"), "GET"));
        if i % 3 == 0 {
            out.push((format!("/api/v1/users/{user}/followers"), "GET"));
        }
        let slug = format!(
            "{}-{}-{}-{}",
            WORDS[i % 20],
            WORDS[(i * 7 + 3) % 20],
            WORDS[(i * 11 + 5) % 20],
            WORDS[(i / 20 + 1) % 20]
        );
        out.push((format!("/api/v1/articles/{slug}"), "GET"));
        if i % 2 == 0 {
            out.push((format!("/api/v1/articles/{slug}/comments"), "POST"));
        }
        out.push((format!("/api/v1/products/TSH-{:04}-{}", i, COLOURS[i % 5]), "GET"));
    }
    out
}

fn build_host(traffic: &[(String, &'static str)], user_schema: &SchemaNode) -> HostInventory {
    let mut host = HostInventory::new("api.example.com");
    for (n, (path, method)) in traffic.iter().enumerate() {
        let key = normalize_path(path);
        let stats = host.entry(key, method);
        for k in 0..3 {
            stats.touch(1_700_000_000_000_000 + (n as i64) * 1000 + k);
        }
        let response = stats.responses.entry(200).or_default();
        response.count += 3;
        if path.starts_with("/api/v1/users/") {
            let body = response.bodies.entry("application/json".into()).or_default();
            body.count += 3;
            body.schema.merge(user_schema);
        }
    }
    host
}

fn template(c: &mut Criterion) {
    let traffic = host_traffic();
    let user_schema =
        SchemaNode::from_value(&json!({"login": "annlee", "id": 1, "name": "Ann Lee", "followers": 3}));
    let host = build_host(&traffic, &user_schema);
    let endpoints = template_host(&host, None);
    eprintln!(
        "template: {} calls, {} normalised paths, {} (path, method) keys -> {} templated endpoints",
        traffic.len(),
        host.paths.len(),
        host.paths.values().map(|m| m.len()).sum::<usize>(),
        endpoints.len()
    );
    assert!(endpoints.len() < 300, "free-text identifier positions were not templated");

    let mut group = c.benchmark_group("template");
    group.measurement_time(Duration::from_secs(3)).sample_size(20);
    group.throughput(Throughput::Elements(host.paths.len() as u64));
    // Baseline: building the inventory itself (normalize_path + entry().touch() per path).
    group.bench_function("baseline/build_inventory", |b| {
        b.iter(|| build_host(black_box(&traffic), &user_schema));
    });
    group.bench_function("template_host", |b| {
        b.iter(|| template_host(black_box(&host), None));
    });
    group.finish();
}

fn realistic_call(request: Vec<u8>, response: Vec<u8>) -> ApiCall {
    ApiCall {
        id: CallId::from_content(&[b"POST", b"/api/v1/users/42/orders", &request]),
        started_at_us: 1_700_000_000_000_000,
        observed: Observed { source: SourceKind::Har, origin: "bench".into(), position: None },
        client: Default::default(),
        request: HttpRequest {
            method: "POST".into(),
            scheme: "https".into(),
            host: "api.example.com".into(),
            path: "/api/v1/users/42/orders".into(),
            query: Some("expand=items&limit=50&sort=-created_at".into()),
            http_version: Some("HTTP/2".into()),
            headers: vec![
                Header::new("host", "api.example.com"),
                Header::new("content-type", "application/json"),
                Header::new("accept", "application/json"),
                Header::new("authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl"),
                Header::new("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"),
                Header::new("cookie", "session=9f86d081884c7d65; theme=dark"),
                Header::new("x-request-id", "5b1d7c1e-8a3f-4e2b-9c1d-2f3a4b5c6d7e"),
                Header::new("accept-encoding", "gzip, deflate, br"),
            ],
            body: Body::from_bytes(request),
        },
        response: Some(HttpResponse {
            status: 201,
            headers: vec![
                Header::new("content-type", "application/json; charset=utf-8"),
                Header::new("cache-control", "no-store"),
                Header::new("x-ratelimit-remaining", "4999"),
            ],
            body: Body::from_bytes(response),
        }),
        timings: Timings { total_ms: Some(42.5), ..Default::default() },
    }
}

fn observe_call(c: &mut Criterion) {
    let (request, response) = (request_body(), response_body());
    let bytes = (request.len() + response.len()) as u64;
    let call = realistic_call(request, response);
    let registry = DecoderRegistry::default();
    let limits = DecodeLimits::default();
    let observer = Observer::default();
    let mut state = InventoryState::default();
    // Warm the state: the endpoint exists and its schemas have the shape.
    observer.observe_call(&DecodedCall::new(&call, &registry, &limits), &mut state).unwrap();
    eprintln!("observe_call: request + response bodies {bytes} bytes");

    let mut group = c.benchmark_group("observe_call");
    group.measurement_time(Duration::from_secs(3)).sample_size(20);
    group.throughput(Throughput::Elements(1));
    // Baseline: decoding the call's two bodies (shared by every analyzer).
    group.bench_function("baseline/DecodedCall::new", |b| {
        b.iter(|| DecodedCall::new(black_box(&call), &registry, &limits));
    });
    group.bench_function("decode+observe_call/warm_state", |b| {
        b.iter(|| {
            let decoded = DecodedCall::new(black_box(&call), &registry, &limits);
            observer.observe_call(&decoded, &mut state).unwrap();
        });
    });
    group.bench_function("decode+observe_call/fresh_state", |b| {
        b.iter_batched_ref(
            InventoryState::default,
            |state| {
                let decoded = DecodedCall::new(black_box(&call), &registry, &limits);
                observer.observe_call(&decoded, state).unwrap();
            },
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

criterion_group!(discovery, schema, template, observe_call);
criterion_main!(discovery);

//! Classification cost per call: `cargo bench -p apiwarden-sensitive --bench classify`.
//!
//! * `json_1k`: a realistic call with a ~1 KB JSON request body and a small response,
//!   decoded with apiwarden-core (`DecodedCall`). Baselines in the same group: `decode`
//!   (building the field list, what every analyzer pays once) and `iterate` (touching every
//!   field's value). `classify` is the classifier alone on the prepared fields;
//!   `decode+classify` the two together; `classify_cold_names` the classifier on copies of
//!   the call whose field names were never seen (the per-thread name cache misses).
//! * `varied`: every record of the labelled corpus (thousands of different values, as in
//!   real traffic) classified in turn. One call classified over and over keeps every
//!   automaton warm and hides costs that only varied values show (the union `RegexSet`
//!   used first was fast here and 6× slower end to end); baseline `iterate`.
//! * `worst_case`: one free-text field at the 4 KiB scan cap full of digit runs, e-mails
//!   and near-miss tokens; and a call at the 256 KiB per-call cap (64 such fields).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../corpus/mod.rs"]
mod corpus;

use std::hint::black_box;

use apiwarden_core::analysis::DecodedCall;
use apiwarden_core::decode::{DecodeLimits, DecoderRegistry};
use apiwarden_core::model::{ApiCall, Body, CallId, Header, HttpRequest, HttpResponse, Observed, SourceKind};
use apiwarden_core::{Direction, Field, FieldValue, Location};
use apiwarden_sensitive::{Classifier, MAX_FIELD_BYTES};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn json_body() -> Vec<u8> {
    let body = serde_json::json!({
        "id": "7d0c4f1e-2f55-4a36-9d63-0f4bfae9b1c2",
        "user": {
            "first_name": "Ann",
            "last_name": "Lee",
            "email": "ann.lee@example.com",
            "phone": "+44 20 7946 0958",
            "roles": ["admin", "billing", "support"],
            "address": {"line1": "1 Main Street", "city": "London", "zip": "N1 9GU", "country": "GB"},
        },
        "items": [
            {"sku": "A-100", "qty": 2, "price": 19.99, "name": "Blue Widget"},
            {"sku": "B-200", "qty": 1, "price": 5.5, "name": "Desk Lamp"},
            {"sku": "C-300", "qty": 12, "price": 0.99, "name": "Cable"},
        ],
        "payment": {"method": "card", "last4": "4242", "token": "tok_1NqLx2eZvKYlo2C0aBcDeFgH"},
        "filter": "{\"status\":\"open\",\"since\":\"2024-01-01\"}",
        "cursor": "eyJwYWdlIjoyLCJzaXplIjo1MH0=",
        "redirect": "https%3A%2F%2Fexample.com%2Fcallback%3Fx%3D1",
        "notes": "Please deliver between 9am and 5pm; ring the bell twice and wait at the door. Order 4417 of 2024.",
        "created_at": "2024-03-01T10:00:00Z",
        "flags": {"gift": false, "express": true, "insured": null},
    });
    let mut bytes = serde_json::to_vec(&body).unwrap();
    if bytes.len() < 1024 {
        let mut value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        value["comment"] = serde_json::Value::String(
            "lorem ipsum dolor sit amet ".repeat(40)[..1024 - bytes.len() - 14].to_owned(),
        );
        bytes = serde_json::to_vec(&value).unwrap();
    }
    bytes
}

fn call(body: Vec<u8>) -> ApiCall {
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
                Header::new("content-type", "application/json"),
                Header::new("authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl"),
                Header::new("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"),
                Header::new("accept", "application/json"),
                Header::new("cookie", "session=9f86d081884c7d65a2feaa0c55ad015a; theme=dark"),
            ],
            body: Body::from_bytes(body),
        },
        response: Some(HttpResponse {
            status: 201,
            headers: vec![
                Header::new("content-type", "application/json"),
                Header::new("set-cookie", "sid=abc; Path=/"),
            ],
            body: Body::from_bytes(&br#"{"id":1001,"status":"created","total":41.47}"#[..]),
        }),
        timings: Default::default(),
    }
}

/// 4 KiB of free text that keeps every value pattern busy: digit runs, dates, near-miss
/// cards, e-mail-like and key-like tokens, dotted numbers.
fn hostile_text() -> String {
    let chunk = "ref 4111 1111 1111 1112 on 2024-01-15 from 10.0.0.300 user@host mail ann@example ghp_short \
                 AKIAshort 123-45-678 +1 555 01 token=abc 1.2.3.4.5 eyJhbGciOi.x.y $2b$10$short ";
    let mut text = String::new();
    while text.len() < MAX_FIELD_BYTES {
        text.push_str(chunk);
    }
    text.truncate(MAX_FIELD_BYTES);
    text
}

fn text_field(path: String, text: String) -> Field {
    Field { direction: Direction::Request, location: Location::Body, path, value: FieldValue::Text(text) }
}

fn benches(c: &mut Criterion) {
    let registry = DecoderRegistry::default();
    let limits = DecodeLimits::default();
    let classifier = Classifier::builtin();
    let body = json_body();
    let call = call(body.clone());
    let fields: Vec<Field> = DecodedCall::new(&call, &registry, &limits).fields().to_vec();

    let mut group = c.benchmark_group("json_1k");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("decode", |b| {
        b.iter(|| {
            let decoded = DecodedCall::new(black_box(&call), &registry, &limits);
            decoded.fields().len()
        });
    });
    group.bench_function("iterate", |b| {
        b.iter(|| {
            black_box(&fields)
                .iter()
                .map(|f| match &f.value {
                    FieldValue::Text(t) => t.len(),
                    _ => 1,
                })
                .sum::<usize>()
        });
    });
    group.bench_function("classify", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            out.clear();
            classifier.classify_fields(black_box(&fields), &mut out);
            out.len()
        });
    });
    // The same call with field names never seen before (a cold per-thread name cache):
    // 2,048 renamed copies, cycled, so almost every name misses the 4,096-slot cache.
    let renamed: Vec<Vec<Field>> = (0..2_048)
        .map(|i| fields.iter().map(|f| Field { path: format!("{}_v{i}", f.path), ..f.clone() }).collect())
        .collect();
    group.bench_function("classify_cold_names", |b| {
        let mut out = Vec::new();
        let mut next = 0usize;
        b.iter(|| {
            out.clear();
            next = (next + 1) % renamed.len();
            classifier.classify_fields(black_box(&renamed[next]), &mut out);
            out.len()
        });
    });
    group.bench_function("decode+classify", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            let decoded = DecodedCall::new(black_box(&call), &registry, &limits);
            out.clear();
            classifier.classify_fields(decoded.fields(), &mut out);
            out.len()
        });
    });
    group.finish();

    let records = corpus::generate(20_261_125, 100);
    let fields: usize = records.iter().map(|r| r.fields.len()).sum();
    let mut group = c.benchmark_group("varied");
    group.throughput(Throughput::Elements(records.len() as u64));
    group.bench_function("iterate", |b| {
        b.iter(|| {
            records
                .iter()
                .map(|r| r.fields.iter().filter(|f| black_box(&f.value) != &FieldValue::Null).count())
                .sum::<usize>()
        })
    });
    group.bench_function("classify_corpus_records", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            let mut found = 0;
            for record in &records {
                out.clear();
                classifier.classify_fields(black_box(&record.fields), &mut out);
                found += out.len();
            }
            found
        });
    });
    group.finish();
    eprintln!("varied: {} records, {fields} fields per iteration", records.len());

    let mut group = c.benchmark_group("worst_case");
    let one = vec![text_field("/notes".into(), hostile_text())];
    group.throughput(Throughput::Bytes(MAX_FIELD_BYTES as u64));
    group.bench_function("free_text_4k", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            out.clear();
            classifier.classify_fields(black_box(&one), &mut out);
            out.len()
        });
    });
    let many: Vec<Field> = (0..64).map(|i| text_field(format!("/notes{i}"), hostile_text())).collect();
    group.throughput(Throughput::Bytes((64 * MAX_FIELD_BYTES) as u64));
    group.bench_function("call_cap_256k", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            out.clear();
            classifier.classify_fields(black_box(&many), &mut out);
            out.len()
        });
    });
    group.finish();
}

criterion_group!(classify, benches);
criterion_main!(classify);

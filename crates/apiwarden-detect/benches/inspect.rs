//! Cost of inspecting one call: `cargo bench -p apiwarden-detect --bench inspect`.
//!
//! Two legitimate calls (nothing matches, so every field goes through every detector, the
//! worst case): a ~1 KB JSON order and a ~64 KB JSON body of rich-text comments. Criterion
//! reports the median; the p99 of single inspections is printed first (`p99` lines), as
//! criterion measures batches, not single calls.

use std::hint::black_box;
use std::time::Instant;

use apiwarden_core::{ApiCall, Body, CallId, Header, HttpRequest, Observed, SourceKind};
use apiwarden_detect::Engine;
use criterion::{Criterion, Throughput};

fn call(path: &str, body: String) -> ApiCall {
    ApiCall {
        id: CallId(1),
        started_at_us: 0,
        observed: Observed { source: SourceKind::Har, origin: "bench".into(), position: None },
        client: Default::default(),
        request: HttpRequest {
            method: "POST".into(),
            scheme: "https".into(),
            host: "shop.example.com".into(),
            path: path.into(),
            query: Some("lang=en&ref=newsletter-2024".into()),
            http_version: Some("HTTP/1.1".into()),
            headers: vec![
                Header::new("content-type", "application/json"),
                Header::new(
                    "user-agent",
                    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
                ),
                Header::new("accept", "application/json, text/plain, */*"),
                Header::new(
                    "authorization",
                    "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1XzQyIiwicm9sZSI6InVzZXIifQ.c2lnbmF0dXJl",
                ),
                Header::new("cookie", "session=9f8e7d6c5b4a; theme=dark"),
            ],
            body: Body::from_bytes(body),
        },
        response: None,
        timings: Default::default(),
    }
}

fn order_1kb() -> ApiCall {
    let items: Vec<String> = (0..6)
        .map(|i| {
            format!(
                r#"{{"sku":"SKU-{i:04}","name":"Walnut desk organiser {i}","qty":{i},"price_cents":{},"note":"Gift wrap, please; it's for O'Brien's birthday"}}"#,
                1999 + i * 100
            )
        })
        .collect();
    let body = format!(
        r#"{{"customer":{{"id":"cus_8f3a","email":"ann.lee@example.com","name":"Ann Lee"}},"items":[{}],"shipping":{{"street":"1 Main St","city":"Lisbon","zip":"1000-001"}},"coupon":"SPRING-10"}}"#,
        items.join(",")
    );
    call("/api/orders", body)
}

fn comments_64kb() -> ApiCall {
    let mut comments = Vec::new();
    let mut size = 0;
    let mut i = 0;
    while size < 64 * 1024 {
        let comment = format!(
            r#"{{"id":{i},"author":"user{i}","html":"<p>Thanks for the update! Select the <b>union</b> of both lists, then drop the duplicates &mdash; see <a href=\"https://docs.example.com/guide?id={i}\">the guide</a>.</p>","tags":["release","v1.{i}"]}}"#
        );
        size += comment.len();
        comments.push(comment);
        i += 1;
    }
    call("/api/threads/42/comments", format!(r#"{{"comments":[{}]}}"#, comments.join(",")))
}

/// p50 and p99 of single inspections.
fn percentiles(engine: &Engine, name: &str, call: &ApiCall, runs: usize) {
    let mut times: Vec<u128> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            black_box(engine.inspect(black_box(call)));
            started.elapsed().as_nanos()
        })
        .collect();
    times.sort_unstable();
    let at =
        |q: f64| times.get(((times.len() as f64 * q) as usize).min(times.len() - 1)).copied().unwrap_or(0);
    println!(
        "p99 {name}: p50 {:.1} µs, p99 {:.1} µs over {runs} single inspections",
        at(0.5) as f64 / 1000.0,
        at(0.99) as f64 / 1000.0
    );
}

fn main() {
    let engine = Engine::default();
    let small = order_1kb();
    let large = comments_64kb();
    assert!(engine.inspect(&small).detections.is_empty(), "{:?}", engine.inspect(&small).detections);
    percentiles(&engine, "inspect/json_1kb", &small, 5_000);
    percentiles(&engine, "inspect/json_64kb", &large, 300);

    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("inspect");
    group.throughput(Throughput::Bytes(small.request.body.bytes.len() as u64));
    group.bench_function("json_1kb", |b| b.iter(|| engine.inspect(black_box(&small))));
    group.throughput(Throughput::Bytes(large.request.body.bytes.len() as u64));
    group.sample_size(20);
    group.bench_function("json_64kb", |b| b.iter(|| engine.inspect(black_box(&large))));
    group.finish();
    criterion.final_summary();
}

//! Throughput of the streaming HAR splitter on an in-memory ~40 MB pretty-printed HAR whose
//! response bodies are escape-dense JSON-in-a-string (the common real-world shape).
//! Baseline in the same group: `memchr` counting newlines over the same bytes, the floor of
//! any pass over them.
//!
//! `cargo bench -p apiwarden-ingest --bench splitter`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ops::ControlFlow;
use std::time::Duration;

use apiwarden_ingest::source::{SourceLimits, read_stream};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::json;

fn har(target_bytes: usize) -> (Vec<u8>, u64) {
    let mut out = b"{\n  \"log\": {\n    \"version\": \"1.2\",\n    \"entries\": [\n".to_vec();
    let mut count = 0u64;
    while out.len() < target_bytes {
        let rows: Vec<_> = (0..20)
            .map(|j| json!({"id": j, "name": format!("user \"{j}\" [x]"), "tags": ["a", "b\\c", "{d}"]}))
            .collect();
        let entry = json!({
            "startedDateTime": "2024-01-01T00:00:00Z",
            "time": 12.5,
            "request": {"method": "GET", "url": format!("https://api.test/users/{count}"), "httpVersion": "HTTP/1.1",
                        "headers": [{"name": "Accept", "value": "application/json"}], "queryString": [], "cookies": [],
                        "headersSize": -1, "bodySize": 0},
            "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": [], "cookies": [],
                         "content": {"size": 0, "mimeType": "application/json", "text": serde_json::to_string(&rows).unwrap()},
                         "redirectURL": "", "headersSize": -1, "bodySize": -1},
            "cache": {}, "timings": {"send": 0, "wait": 10, "receive": 2}
        });
        if count > 0 {
            out.extend_from_slice(b",\n");
        }
        out.extend_from_slice(serde_json::to_string_pretty(&entry).unwrap().as_bytes());
        count += 1;
    }
    out.extend_from_slice(b"\n    ]\n  }\n}\n");
    (out, count)
}

fn splitter(c: &mut Criterion) {
    let (bytes, count) = har(40 << 20);
    let mut group = c.benchmark_group("har_splitter");
    group
        .throughput(Throughput::Bytes(bytes.len() as u64))
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("memchr_newlines_baseline", |b| {
        b.iter(|| memchr::memchr_iter(b'\n', &bytes).count())
    });
    group.bench_function("split_entries", |b| {
        b.iter(|| {
            let outcome =
                read_stream(bytes.as_slice(), "bench.har", None, &SourceLimits::default(), &mut |_| {
                    ControlFlow::Continue(())
                })
                .unwrap();
            assert_eq!(outcome.records, count);
        })
    });
    group.finish();
}

criterion_group!(benches, splitter);
criterion_main!(benches);

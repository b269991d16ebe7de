//! The store's batch paths on a file that already holds 500,000 calls:
//! `cargo bench -p apiwarden-store --bench sqlite_store`.
//!
//! * `known_calls_50k` — looking up 50,000 ids, half of them recorded.
//! * `commit_50k_calls_and_close` — one commit recording 50,000 new call ids (and one small
//!   host), then closing the store, which checkpoints the WAL.
//! * `commit_host_1k_endpoints` — replacing a host's 1,000 endpoints.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use apiwarden_core::discovery::HostInventory;
use apiwarden_core::endpoint::LatencySummary;
use apiwarden_core::{CallId, Endpoint, EndpointKey};
use apiwarden_store::{Commit, HostUpdate, SqliteStore, Store};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

const BATCH: u128 = 50_000;
const PRELOAD: u128 = 500_000;

/// Ids spread over the 128-bit space like real (hashed) ones.
fn ids(range: std::ops::Range<u128>) -> Vec<CallId> {
    range.map(|i| CallId(i.wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835))).collect()
}

fn endpoint(host: &str, i: usize) -> Endpoint {
    Endpoint {
        key: EndpointKey {
            host: host.into(),
            method: "GET".into(),
            template: format!("/api/v1/resource-{i}/{{id}}"),
        },
        schemes: vec!["https".into()],
        from_spec: false,
        parameters: Vec::new(),
        request_bodies: Vec::new(),
        responses: Vec::new(),
        auth: Vec::new(),
        calls: 10,
        analysed_calls: None,
        first_seen_us: 1,
        last_seen_us: 2,
        latency: LatencySummary::default(),
        examples: Vec::new(),
        sensitive: Vec::new(),
        posture: Vec::new(),
    }
}

fn bench_store(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("template.db");
    {
        let mut store = SqliteStore::open(&template).unwrap();
        for start in (0..PRELOAD).step_by(BATCH as usize) {
            store.commit(&Commit { calls: &ids(start..start + BATCH), hosts: Vec::new() }).unwrap();
        }
    } // closing checkpoints the WAL into the file
    let mut group = c.benchmark_group("sqlite_store");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(BATCH as u64));

    {
        let store = SqliteStore::open(&template).unwrap();
        let mut probe = ids(0..BATCH / 2);
        probe.extend(ids(u128::MAX / 2..u128::MAX / 2 + BATCH / 2));
        group.bench_function("known_calls_50k", |b| {
            b.iter(|| {
                let known = store.known_calls(black_box(&probe)).unwrap();
                assert_eq!(known.len(), (BATCH / 2) as usize);
            });
        });
    }

    // Every iteration commits into a fresh copy of the 500k-call file, and the time includes
    // closing the store (the WAL checkpoint), so the table does not grow between samples.
    let state = HostInventory { host: "bench.example".into(), ..Default::default() };
    let endpoints = [endpoint("bench.example", 0)];
    let batch = ids(PRELOAD..PRELOAD + BATCH);
    let copy = dir.path().join("copy.db");
    group.bench_function("commit_50k_calls_and_close", |b| {
        b.iter_batched(
            || {
                for suffix in ["-wal", "-shm"] {
                    let _ = std::fs::remove_file(dir.path().join(format!("copy.db{suffix}")));
                }
                std::fs::copy(&template, &copy).unwrap();
                SqliteStore::open(&copy).unwrap()
            },
            |mut store| {
                let update = HostUpdate {
                    host: "bench.example",
                    expected_version: 0,
                    state: &state,
                    endpoints: &endpoints,
                    findings: None,
                };
                store.commit(&Commit { calls: &batch, hosts: vec![update] }).unwrap();
                drop(store);
            },
            BatchSize::PerIteration,
        );
    });

    let mut store = SqliteStore::open(&template).unwrap();
    let endpoints: Vec<Endpoint> = (0..1_000).map(|i| endpoint("wide.example", i)).collect();
    let wide = HostInventory { host: "wide.example".into(), ..Default::default() };
    let mut wide_version = 0;
    group.throughput(Throughput::Elements(endpoints.len() as u64));
    group.bench_function("commit_host_1k_endpoints", |b| {
        b.iter(|| {
            let update = HostUpdate {
                host: "wide.example",
                expected_version: wide_version,
                state: &wide,
                endpoints: &endpoints,
                findings: None,
            };
            store.commit(&Commit { calls: &[], hosts: vec![update] }).unwrap();
            wide_version += 1;
        });
    });
    group.finish();
}

criterion_group!(benches, bench_store);
criterion_main!(benches);

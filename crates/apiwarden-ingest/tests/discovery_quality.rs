//! Discovery quality on the labelled corpus: endpoint-level F1 ≥ 0.97 on every API, and the
//! same inventory whether traffic arrives in one run or in several.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use apiwarden_corpus::{GenOptions, apis, score, write_har};
use apiwarden_ingest::{IngestConfig, Ingestor, NoProgress};
use apiwarden_store::{SqliteStore, Store};

const F1_FLOOR: f64 = 0.97;

fn generate(
    dir: &Path,
    api: &apiwarden_corpus::ApiDef,
    seed: u64,
    calls: usize,
) -> (PathBuf, apiwarden_corpus::Truth) {
    let path = dir.join(format!("{}-{seed}.har", api.name));
    let file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let truth = write_har(api, &GenOptions { calls, seed, body_bytes: None }, file).unwrap();
    (path, truth)
}

fn ingest(store: &mut SqliteStore, inputs: &[PathBuf]) {
    let report = Ingestor::new(store, IngestConfig::default()).ingest(inputs, &NoProgress).unwrap();
    assert!(report.is_clean(), "{:?}", report.problems);
}

#[test]
fn every_api_reaches_the_f1_floor() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for seed in [11, 12] {
        for api in apis() {
            let (har, truth) = generate(dir.path(), &api, seed, 3000);
            let mut store = SqliteStore::open_in_memory().unwrap();
            ingest(&mut store, &[har]);
            let predicted: Vec<(String, String)> = store
                .endpoints(Some(&truth.host))
                .unwrap()
                .into_iter()
                .map(|e| (e.key.method, e.key.template))
                .collect();
            let s = score(&truth, &predicted);
            println!(
                "{} seed {seed}: precision {:.4} recall {:.4} F1 {:.4}",
                api.name, s.precision, s.recall, s.f1
            );
            if s.f1 < F1_FLOOR {
                failures.push(format!(
                    "{} seed {seed}: F1 {:.4}; missed {:?}; spurious {:?}",
                    api.name, s.f1, s.missed, s.spurious
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Splits a HAR's entries alternately into two HAR files.
fn split(har: &Path, dir: &Path) -> (PathBuf, PathBuf) {
    let mut doc: serde_json::Value = serde_json::from_slice(&std::fs::read(har).unwrap()).unwrap();
    let entries = doc["log"]["entries"].as_array_mut().unwrap().split_off(0);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for (i, entry) in entries.into_iter().enumerate() {
        if i % 3 == 0 { a.push(entry) } else { b.push(entry) }
    }
    let write = |name: &str, entries: Vec<serde_json::Value>| {
        let mut part = doc.clone();
        part["log"]["entries"] = serde_json::Value::Array(entries);
        let path = dir.join(name);
        std::fs::write(&path, serde_json::to_vec(&part).unwrap()).unwrap();
        path
    };
    (write("a.har", a), write("b.har", b))
}

#[test]
fn inventory_is_the_same_however_traffic_is_split() {
    let dir = tempfile::tempdir().unwrap();
    for api in apis() {
        let (har, _) = generate(dir.path(), &api, 21, 2500);
        let (a, b) = split(&har, dir.path());
        let mut whole = SqliteStore::open_in_memory().unwrap();
        ingest(&mut whole, std::slice::from_ref(&har));
        let mut in_two_runs = SqliteStore::open_in_memory().unwrap();
        ingest(&mut in_two_runs, std::slice::from_ref(&b));
        ingest(&mut in_two_runs, std::slice::from_ref(&a));
        let key = |store: &SqliteStore| -> Vec<(String, String, u64)> {
            store
                .endpoints(None)
                .unwrap()
                .into_iter()
                .map(|e| (e.key.method, e.key.template, e.calls))
                .collect()
        };
        assert_eq!(key(&whole), key(&in_two_runs), "{}: endpoints differ between one run and two", api.name);
        let full = |store: &SqliteStore| serde_json::to_value(store.endpoints(None).unwrap()).unwrap();
        assert_eq!(
            full(&whole),
            full(&in_two_runs),
            "{}: endpoint details differ between one run and two",
            api.name
        );
    }
}

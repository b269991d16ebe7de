//! The ingestion pipeline end to end: real files in temporary folders, `Ingestor` writing to
//! an in-memory or on-disk `SqliteStore`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use apiwarden_core::har::{HarLimits, entry_to_call};
use apiwarden_core::jsonl::call_to_line;
use apiwarden_core::{CallId, Endpoint, Finding};
use apiwarden_ingest::{IngestConfig, IngestError, IngestReport, Ingestor, NoProgress};
use apiwarden_store::{
    Commit, FindingFilter, HostSummary, IngestRun, SqliteStore, Store, StoreError, StoreResult, StoredSpec,
    VersionedHost,
};
use proptest::prelude::*;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn entry(i: usize, method: &str, url: &str, content_type: &str, body: &str) -> Value {
    json!({
        "startedDateTime": format!("2024-05-01T12:{:02}:{:02}.{:03}Z", (i / 60) % 60, i % 60, i % 1000),
        "time": 10 + i % 50,
        "request": {
            "method": method,
            "url": url,
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": "Accept", "value": "application/json"}],
            "cookies": [], "queryString": [], "headersSize": -1, "bodySize": 0
        },
        "response": {
            "status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
            "headers": [{"name": "Content-Type", "value": content_type}],
            "cookies": [],
            "content": {"size": body.len(), "mimeType": content_type, "text": body},
            "redirectURL": "", "headersSize": -1, "bodySize": body.len()
        },
        "cache": {},
        "timings": {"send": 0, "wait": 5, "receive": 1}
    })
}

/// `GET https://api.example.com/users/<1000+i>` answered with `{"id": i}`.
fn user(i: usize) -> Value {
    entry(
        i,
        "GET",
        &format!("https://api.example.com/users/{}", 1000 + i),
        "application/json",
        &format!("{{\"id\":{i}}}"),
    )
}

/// A mix of endpoints on two hosts, for order-independence checks.
fn varied(i: usize) -> Value {
    match i % 4 {
        0 => user(i),
        1 => entry(
            i,
            "GET",
            &format!("https://api.example.com/orders/{}/items?page={}", 7000 + i, i % 3),
            "application/json",
            &format!("{{\"items\":[{{\"sku\":\"A-{i}\",\"qty\":{}}}],\"total\":{}}}", i % 5, i * 3),
        ),
        2 => entry(
            i,
            "POST",
            "https://admin.example.com/v1/reports",
            "application/json",
            &format!("{{\"report\":\"r{i}\",\"ok\":{}}}", i.is_multiple_of(2)),
        ),
        _ => entry(i, "GET", "https://admin.example.com/v1/health", "text/plain", "ok"),
    }
}

fn har_text(entries: &[Value]) -> String {
    serde_json::to_string(&json!({
        "log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": entries}
    }))
    .unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn ingest(store: &mut dyn Store, inputs: &[PathBuf]) -> IngestReport {
    ingest_with(store, inputs, IngestConfig::default()).unwrap()
}

fn ingest_with(
    store: &mut dyn Store,
    inputs: &[PathBuf],
    config: IngestConfig,
) -> Result<IngestReport, IngestError> {
    Ingestor::new(store, config).ingest(inputs, &NoProgress)
}

fn total_calls(endpoints: &[Endpoint]) -> u64 {
    endpoints.iter().map(|e| e.calls).sum()
}

fn keys(endpoints: &[Endpoint]) -> Vec<String> {
    endpoints.iter().map(|e| format!("{} {} {}", e.key.host, e.key.method, e.key.template)).collect()
}

/// The ids the pipeline gives the entries of a HAR text.
fn call_ids(entries: &[Value]) -> Vec<CallId> {
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            entry_to_call(e.to_string().as_bytes(), "x.har", i as u64, &HarLimits::default()).unwrap().id
        })
        .collect()
}

fn memory_store() -> SqliteStore {
    SqliteStore::open_in_memory().unwrap()
}

// ---------------------------------------------------------------------------------------
// A store whose commits can be made to fail
// ---------------------------------------------------------------------------------------

type MakeError = fn() -> StoreError;

/// Delegates to an in-memory SQLite store; `failures[n]` (when set) is returned by the
/// n-th call of `commit` (0-based) instead of committing.
struct FlakyStore {
    inner: SqliteStore,
    commits: usize,
    failures: BTreeMap<usize, MakeError>,
}

impl FlakyStore {
    fn new(failures: &[(usize, MakeError)]) -> FlakyStore {
        FlakyStore { inner: memory_store(), commits: 0, failures: failures.iter().copied().collect() }
    }
}

impl Store for FlakyStore {
    fn known_calls(&self, ids: &[CallId]) -> StoreResult<HashSet<CallId>> {
        self.inner.known_calls(ids)
    }
    fn load_host(&self, host: &str) -> StoreResult<VersionedHost> {
        self.inner.load_host(host)
    }
    fn commit(&mut self, commit: &Commit<'_>) -> StoreResult<()> {
        let n = self.commits;
        self.commits += 1;
        match self.failures.get(&n) {
            Some(error) => Err(error()),
            None => self.inner.commit(commit),
        }
    }
    fn hosts(&self) -> StoreResult<Vec<HostSummary>> {
        self.inner.hosts()
    }
    fn endpoints(&self, host: Option<&str>) -> StoreResult<Vec<Endpoint>> {
        self.inner.endpoints(host)
    }
    fn upsert_findings(&mut self, findings: &[Finding]) -> StoreResult<()> {
        self.inner.upsert_findings(findings)
    }
    fn findings(&self, filter: &FindingFilter) -> StoreResult<Vec<Finding>> {
        self.inner.findings(filter)
    }
    fn put_spec(&mut self, spec: &StoredSpec) -> StoreResult<()> {
        self.inner.put_spec(spec)
    }
    fn specs(&self) -> StoreResult<Vec<StoredSpec>> {
        self.inner.specs()
    }
    fn record_run(&mut self, run: &IngestRun) -> StoreResult<()> {
        self.inner.record_run(run)
    }
    fn runs(&self, limit: usize) -> StoreResult<Vec<IngestRun>> {
        self.inner.runs(limit)
    }
}

fn disk_full() -> StoreError {
    StoreError::Database("disk I/O error".into())
}

fn conflict() -> StoreError {
    StoreError::Conflict("host api.example.com moved".into())
}

// ---------------------------------------------------------------------------------------
// Per-file atomic commits
// ---------------------------------------------------------------------------------------

#[test]
fn a_failed_commit_keeps_earlier_files_and_nothing_of_the_failed_one() {
    let dir = tempfile::tempdir().unwrap();
    let a_entries: Vec<Value> = (0..5).map(user).collect();
    let b_entries: Vec<Value> = (5..10).map(varied).collect();
    let a = write(dir.path(), "a.har", har_text(&a_entries));
    let b = write(dir.path(), "b.har", har_text(&b_entries));
    // The second commit (file b) fails.
    let mut store = FlakyStore::new(&[(1, disk_full)]);
    let err = ingest_with(&mut store, &[a.clone(), b.clone()], IngestConfig::default()).unwrap_err();
    assert!(matches!(err, IngestError::Store(StoreError::Database(_))), "{err:?}");

    let a_ids = call_ids(&a_entries);
    let b_ids = call_ids(&b_entries);
    assert_eq!(store.known_calls(&a_ids).unwrap().len(), 5, "file a was committed");
    assert!(store.known_calls(&b_ids).unwrap().is_empty(), "nothing of file b");
    assert_eq!(total_calls(&store.endpoints(None).unwrap()), 5);
    assert_eq!(store.hosts().unwrap().len(), 1, "{:?}", store.hosts().unwrap());

    // Running again completes the job: a is all duplicates, b all new.
    let report = ingest(&mut store, &[a, b]);
    assert_eq!(report.files[0].calls_duplicate, 5);
    assert_eq!(report.files[0].calls_new, 0);
    assert_eq!(report.files[1].calls_new, 5);
    assert_eq!(total_calls(&store.endpoints(None).unwrap()), 10);
}

#[test]
fn a_conflicting_commit_is_retried() {
    let dir = tempfile::tempdir().unwrap();
    let entries: Vec<Value> = (0..8).map(varied).collect();
    let file = write(dir.path(), "a.har", har_text(&entries));
    let mut store = FlakyStore::new(&[(0, conflict), (1, conflict)]);
    let report = ingest(&mut store, &[file]);
    assert_eq!(report.calls_new, 8);
    assert!(report.is_clean());
    assert_eq!(store.commits, 3);
    assert_eq!(total_calls(&store.endpoints(None).unwrap()), 8);
}

#[test]
fn endless_conflicts_give_up_with_the_store_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "a.har", har_text(&(0..8).map(varied).collect::<Vec<_>>()));
    let failures: Vec<(usize, MakeError)> = (0..100).map(|n| (n, conflict as MakeError)).collect();
    let mut store = FlakyStore::new(&failures);
    let err = ingest_with(&mut store, &[file], IngestConfig::default()).unwrap_err();
    assert!(matches!(err, IngestError::Store(StoreError::Conflict(_))), "{err:?}");
    assert!(store.commits < 20, "gave up after {} attempts", store.commits);
    assert!(store.endpoints(None).unwrap().is_empty());
}

#[test]
fn a_file_rejected_after_its_entries_were_read_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // `version` after `entries`: the entries are read (in many small chunks) before the
    // version says the file must be refused.
    let late: Vec<Value> = (0..40).map(varied).collect();
    let text = format!(
        "{{\"log\":{{\"creator\":{{\"name\":\"t\",\"version\":\"1\"}},\"entries\":[{}],\"version\":\"2.0\"}}}}",
        late.iter().map(Value::to_string).collect::<Vec<_>>().join(",")
    );
    let rejected = write(dir.path(), "late.har", text);
    let good = write(dir.path(), "good.har", har_text(&(100..103).map(user).collect::<Vec<_>>()));
    let mut store = memory_store();
    let config = IngestConfig { chunk_size: 3, ..IngestConfig::default() };
    let report = ingest_with(&mut store, &[rejected.clone(), good], config.clone()).unwrap();
    assert!(!report.is_clean());
    let file = &report.files[0];
    assert!(file.rejected.as_deref().unwrap().contains("late.har"), "{file:?}");
    assert!(file.rejected.as_deref().unwrap().contains("\"2.0\""), "{file:?}");
    assert_eq!(file.calls_new, 0);
    assert_eq!(report.files[1].calls_new, 3);
    assert_eq!(report.calls_new, 3);
    assert!(store.known_calls(&call_ids(&late)).unwrap().is_empty());
    assert_eq!(total_calls(&store.endpoints(None).unwrap()), 3);
    assert_eq!(report.hosts, ["api.example.com"]);
    assert!(report.problems.iter().any(|p| p.contains("late.har")), "{:?}", report.problems);

    // The same calls in a good file later are new: the rejected file left no trace.
    let fixed = write(dir.path(), "fixed.har", har_text(&late));
    let report = ingest_with(&mut store, &[fixed], config).unwrap();
    assert_eq!(report.calls_new, 40);
}

#[test]
fn a_truncated_file_commits_what_came_before_the_cut() {
    let dir = tempfile::tempdir().unwrap();
    let entries: Vec<Value> = (0..30).map(varied).collect();
    let text = har_text(&entries);
    let cut_at = text.match_indices("\"startedDateTime\"").nth(20).unwrap().0 + 30;
    let file = write(dir.path(), "cut.har", &text[..cut_at]);
    let mut store = memory_store();
    let report =
        ingest_with(&mut store, &[file], IngestConfig { chunk_size: 4, ..IngestConfig::default() }).unwrap();
    let f = &report.files[0];
    assert!(f.truncated.as_deref().unwrap().contains("cut.har"), "{f:?}");
    assert!(f.rejected.is_none());
    assert_eq!(f.calls_new, 20);
    assert_eq!(store.known_calls(&call_ids(&entries[..20])).unwrap().len(), 20);
    assert!(store.known_calls(&call_ids(&entries[20..])).unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------
// Duplicates
// ---------------------------------------------------------------------------------------

#[test]
fn calls_duplicated_across_files_of_one_run_count_once() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.har", har_text(&(0..6).map(user).collect::<Vec<_>>()));
    let b = write(dir.path(), "b.har", har_text(&(3..9).map(user).collect::<Vec<_>>()));
    let mut store = memory_store();
    let report = ingest(&mut store, &[a, b]);
    assert_eq!(report.calls_read, 12);
    assert_eq!(report.calls_new, 9);
    assert_eq!(report.calls_duplicate, 3);
    assert_eq!((report.files[0].calls_new, report.files[0].calls_duplicate), (6, 0));
    assert_eq!((report.files[1].calls_new, report.files[1].calls_duplicate), (3, 3));
    assert!(report.is_clean());
    let endpoints = store.endpoints(None).unwrap();
    assert_eq!(keys(&endpoints), ["api.example.com GET /users/{userId}"]);
    assert_eq!(endpoints[0].calls, 9);
    let run = &store.runs(1).unwrap()[0];
    assert_eq!((run.calls_read, run.calls_new, run.calls_duplicate), (12, 9, 3));
}

#[test]
fn the_same_file_twice_in_one_run_and_repeated_entries_count_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut entries: Vec<Value> = (0..4).map(user).collect();
    entries.push(user(1)); // the same call again, inside one file
    let a = write(dir.path(), "a.har", har_text(&entries));
    let mut store = memory_store();
    let report = ingest(&mut store, &[a.clone(), a]);
    assert_eq!(report.calls_read, 10);
    assert_eq!(report.calls_new, 4);
    assert_eq!(report.calls_duplicate, 6);
    assert_eq!(report.files[0].calls_duplicate, 1);
    assert_eq!(total_calls(&store.endpoints(None).unwrap()), 4);
}

#[test]
fn har_and_json_lines_of_the_same_traffic_are_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let entries: Vec<Value> = (0..12).map(varied).collect();
    let har = write(dir.path(), "t.har", har_text(&entries));
    let lines: String = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let call =
                entry_to_call(e.to_string().as_bytes(), "t.har", i as u64, &HarLimits::default()).unwrap();
            call_to_line(&call) + "\n"
        })
        .collect();
    let jsonl = write(dir.path(), "t.jsonl", lines);
    let mut store = memory_store();
    let first = ingest(&mut store, &[har]);
    assert_eq!(first.calls_new, 12);
    let endpoints = store.endpoints(None).unwrap();
    let second = ingest(&mut store, &[jsonl]);
    assert_eq!((second.calls_new, second.calls_duplicate), (0, 12), "{second:?}");
    assert_eq!(store.endpoints(None).unwrap(), endpoints);
}

// ---------------------------------------------------------------------------------------
// Noise
// ---------------------------------------------------------------------------------------

fn noisy_entries() -> Vec<Value> {
    let mut preflight = entry(10, "OPTIONS", "https://api.example.com/users/1001", "text/plain", "");
    preflight["request"]["headers"] = json!([
        {"name": "Origin", "value": "https://app.example.com"},
        {"name": "Access-Control-Request-Method", "value": "DELETE"}
    ]);
    preflight["response"]["status"] = json!(204);
    vec![
        user(0),
        user(1),
        user(2),
        entry(11, "GET", "https://api.example.com/static/app.3f9a.js", "application/javascript", "var a=1;"),
        entry(12, "GET", "https://api.example.com/static/site.css", "text/css", "body{}"),
        entry(13, "GET", "https://api.example.com/img/logo", "image/png", ""),
        preflight,
    ]
}

#[test]
fn ignored_noise_is_counted_by_reason() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "noisy.har", har_text(&noisy_entries()));
    let mut store = memory_store();
    let report = ingest(&mut store, std::slice::from_ref(&file));
    assert_eq!(report.calls_read, 7);
    assert_eq!(report.calls_new, 7, "noise is recorded as seen, so re-ingesting skips it");
    let expected: BTreeMap<String, u64> =
        [("static file".to_owned(), 3), ("CORS preflight".to_owned(), 1)].into();
    assert_eq!(report.calls_ignored, expected);
    assert_eq!(report.calls_ignored_total(), 4);
    assert_eq!(report.files[0].calls_ignored, 4);
    assert!(report.is_clean(), "noise is not a problem: {report:?}");
    assert_eq!(keys(&store.endpoints(None).unwrap()), ["api.example.com GET /users/{userId}"]);
    assert_eq!(store.runs(1).unwrap()[0].calls_ignored, 4);

    // Re-ingesting: all duplicates, nothing counted as noise again.
    let again = ingest(&mut store, std::slice::from_ref(&file));
    assert_eq!(again.calls_duplicate, 7);
    assert_eq!(again.calls_ignored_total(), 0);

    // --keep-noise keeps them.
    let mut store = memory_store();
    let mut config = IngestConfig::default();
    config.observer.ignore_static_assets = false;
    config.observer.ignore_preflight = false;
    let report = ingest_with(&mut store, &[file], config).unwrap();
    assert_eq!(report.calls_ignored_total(), 0);
    let found = keys(&store.endpoints(None).unwrap());
    assert!(found.iter().any(|k| k.starts_with("api.example.com OPTIONS ")), "{found:?}");
    assert!(found.iter().any(|k| k.contains("/static/")), "{found:?}");
    assert_eq!(total_calls(&store.endpoints(None).unwrap()), 7);
}

// ---------------------------------------------------------------------------------------
// gzip, real files, stdin-free inputs
// ---------------------------------------------------------------------------------------

#[test]
fn gzip_har_gives_the_same_inventory_as_the_plain_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = har_text(&(0..60).map(varied).collect::<Vec<_>>());
    let plain = write(dir.path(), "t.har", &text);
    let packed = write(dir.path(), "t.har.gz", gzip(text.as_bytes()));
    // Recognised by content, whatever the name says.
    let misnamed = write(dir.path(), "misnamed.har", gzip(text.as_bytes()));

    let mut plain_store = memory_store();
    let plain_report = ingest(&mut plain_store, &[plain]);
    assert_eq!(plain_report.calls_new, 60);
    for file in [packed, misnamed] {
        let mut store = memory_store();
        let report = ingest(&mut store, std::slice::from_ref(&file));
        assert!(report.is_clean(), "{report:?}");
        assert_eq!(report.calls_new, 60, "{}", file.display());
        assert_eq!(
            store.endpoints(None).unwrap(),
            plain_store.endpoints(None).unwrap(),
            "{}",
            file.display()
        );
        assert_eq!(
            report.bytes_read,
            std::fs::metadata(&file).unwrap().len(),
            "compressed bytes are counted"
        );
    }
}

#[test]
fn an_on_disk_store_keeps_everything_across_handles() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.db");
    let folder = dir.path().join("traffic");
    std::fs::create_dir_all(folder.join("nested")).unwrap();
    write(&folder, "a.har", har_text(&(0..10).map(varied).collect::<Vec<_>>()));
    write(&folder, "nested/b.har.gz", gzip(har_text(&(10..20).map(varied).collect::<Vec<_>>()).as_bytes()));
    write(&folder, "ignored.txt", "not traffic");

    let endpoints = {
        let mut store = SqliteStore::open(&db).unwrap();
        let report = ingest(&mut store, std::slice::from_ref(&folder));
        assert_eq!(report.files.len(), 2, "{report:?}");
        assert_eq!(report.calls_new, 20);
        assert_eq!(report.hosts, ["admin.example.com", "api.example.com"]);
        store.endpoints(None).unwrap()
    };
    assert!(endpoints.len() >= 4, "{:?}", keys(&endpoints));

    let mut store = SqliteStore::open(&db).unwrap();
    assert_eq!(store.endpoints(None).unwrap(), endpoints);
    let runs = store.runs(5).unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].sources, [folder.display().to_string()]);
    assert_eq!(runs[0].calls_new, 20);
    let again = ingest(&mut store, &[folder]);
    assert_eq!((again.calls_new, again.calls_duplicate), (0, 20));
    assert_eq!(store.endpoints(None).unwrap(), endpoints);
    assert_eq!(store.runs(5).unwrap().len(), 2);
}

#[test]
fn a_missing_input_fails_before_anything_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.har", har_text(&(0..3).map(user).collect::<Vec<_>>()));
    let missing = dir.path().join("missing.har");
    let mut store = memory_store();
    let err = ingest_with(&mut store, &[good, missing], IngestConfig::default()).unwrap_err();
    assert!(err.to_string().contains("missing.har"), "{err}");
    assert!(store.endpoints(None).unwrap().is_empty());
    assert!(store.runs(1).unwrap().is_empty(), "no run is recorded");
}

#[test]
fn bad_entries_are_counted_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut entries: Vec<Value> = (0..5).map(user).collect();
    entries[1]["request"]["url"] = json!("not a url");
    entries[3]["startedDateTime"] = json!("yesterday");
    let file = write(dir.path(), "bad.har", har_text(&entries));
    let mut store = memory_store();
    let report = ingest(&mut store, &[file]);
    assert_eq!(report.entries_skipped, 2);
    assert_eq!(report.files[0].entries_skipped, 2);
    assert_eq!(report.calls_new, 3);
    assert!(!report.is_clean());
    assert_eq!(report.problems.len(), 2, "{:?}", report.problems);
    assert!(report.problems[0].contains("bad.har: entry 1: "), "{:?}", report.problems);
    assert!(report.problems[1].contains("bad.har: entry 3: "), "{:?}", report.problems);
    assert!(report.problems[1].contains("yesterday"), "{:?}", report.problems);
}

#[test]
fn problems_are_capped_but_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut entries: Vec<Value> = (0..80).map(user).collect();
    for e in entries.iter_mut().take(70) {
        e["startedDateTime"] = json!("never");
    }
    let file = write(dir.path(), "bad.har", har_text(&entries));
    let mut store = memory_store();
    let report = ingest(&mut store, &[file]);
    assert_eq!(report.entries_skipped, 70);
    assert_eq!(report.problems.len() as u64 + report.problems_omitted, 70);
    assert!(report.problems.len() <= 50);
    assert_eq!(report.calls_new, 10);
}

// ---------------------------------------------------------------------------------------
// Order independence
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// However the traffic is split into files and runs, the inventory is the same.
    #[test]
    fn any_split_into_files_and_runs_gives_the_same_inventory(
        parts in proptest::collection::vec(0usize..3, 24..48),
        one_run in any::<bool>(),
        chunk_size in 1usize..6,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let entries: Vec<Value> = (0..parts.len()).map(varied).collect();
        let all = write(dir.path(), "all.har", har_text(&entries));
        let mut reference = memory_store();
        ingest(&mut reference, &[all]);

        let files: Vec<PathBuf> = (0..3)
            .map(|p| {
                let mine: Vec<Value> =
                    entries.iter().zip(&parts).filter(|(_, q)| **q == p).map(|(e, _)| e.clone()).collect();
                write(dir.path(), &format!("part{p}.har"), har_text(&mine))
            })
            .collect();
        let mut store = memory_store();
        let config = IngestConfig { chunk_size, ..IngestConfig::default() };
        if one_run {
            ingest_with(&mut store, &files, config).unwrap();
        } else {
            for file in files.iter().rev() {
                ingest_with(&mut store, std::slice::from_ref(file), config.clone()).unwrap();
            }
        }
        prop_assert_eq!(store.endpoints(None).unwrap(), reference.endpoints(None).unwrap());
    }
}

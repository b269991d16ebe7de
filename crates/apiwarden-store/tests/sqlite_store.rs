//! `SqliteStore` against real files in temporary folders.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use apiwarden_core::discovery::HostInventory;
use apiwarden_core::endpoint::LatencySummary;
use apiwarden_core::{CallId, Endpoint, EndpointKey, Finding, OwaspApiCategory, Severity};
use apiwarden_store::{
    Commit, FindingFilter, HostSummary, HostUpdate, IngestRun, SqliteStore, Store, StoreError, StoredSpec,
};

fn store_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("apiwarden.db")
}

fn state(host: &str) -> HostInventory {
    HostInventory { host: host.into(), ..Default::default() }
}

fn endpoint(host: &str, method: &str, template: &str, calls: u64, first: i64, last: i64) -> Endpoint {
    Endpoint {
        key: EndpointKey { host: host.into(), method: method.into(), template: template.into() },
        schemes: vec!["https".into()],
        from_spec: false,
        parameters: Vec::new(),
        request_bodies: Vec::new(),
        responses: Vec::new(),
        auth: Vec::new(),
        calls,
        analysed_calls: None,
        first_seen_us: first,
        last_seen_us: last,
        latency: LatencySummary::default(),
        examples: Vec::new(),
        sensitive: Vec::new(),
        posture: Vec::new(),
    }
}

fn ids(range: std::ops::Range<u128>) -> Vec<CallId> {
    // Spread the ids over the whole 128-bit space, as real (hashed) ids are.
    range.map(|i| CallId(i.wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835))).collect()
}

/// Commits `calls` and one host update.
fn commit_host(
    store: &mut SqliteStore,
    calls: &[CallId],
    host: &str,
    expected_version: u64,
    state: &HostInventory,
    endpoints: &[Endpoint],
) -> Result<(), StoreError> {
    store.commit(&Commit {
        calls,
        hosts: vec![HostUpdate { host, expected_version, state, endpoints, findings: None }],
    })
}

fn raw(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

/// The store file and any SQLite sidecar files, with their contents.
fn snapshot(path: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    files.sort();
    files
}

fn finding(id: &str, severity: Severity, host: Option<&str>, count: u64, first: i64, last: i64) -> Finding {
    Finding {
        id: id.into(),
        rule: "sensitive.query-token".into(),
        title: format!("finding {id}"),
        severity,
        category: OwaspApiCategory::SecurityMisconfiguration,
        endpoint: host.map(|host| EndpointKey {
            host: host.into(),
            method: "GET".into(),
            template: "/login".into(),
        }),
        evidence: format!("seen at {last}"),
        call_ids: vec![CallId(u128::from(count))],
        first_seen_us: first,
        last_seen_us: last,
        count,
        reproduce: None,
    }
}

#[test]
fn a_new_file_is_migrated_and_reopens_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    {
        let mut store = SqliteStore::open(&path).unwrap();
        let eps = [endpoint("api.example.com", "GET", "/users", 3, 10, 30)];
        commit_host(&mut store, &ids(0..3), "api.example.com", 0, &state("api.example.com"), &eps).unwrap();
    }
    {
        let conn = raw(&path);
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, SqliteStore::SCHEMA_VERSION);
        let app_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0)).unwrap();
        assert_ne!(app_id, 0);
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        let page_size: i64 = conn.pragma_query_value(None, "page_size", |r| r.get(0)).unwrap();
        assert_eq!(page_size, 65536);
    }
    let store = SqliteStore::open(&path).unwrap();
    let loaded = store.load_host("api.example.com").unwrap();
    assert_eq!(loaded.version, 1);
    assert_eq!(loaded.state, state("api.example.com"));
    assert_eq!(store.endpoints(None).unwrap().len(), 1);
    assert_eq!(store.known_calls(&ids(0..5)).unwrap(), ids(0..3).into_iter().collect());
}

#[test]
fn two_handles_opening_a_new_file_at_once_both_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || SqliteStore::open(&path).map(|_| ()))
        })
        .collect();
    for handle in handles {
        handle.join().unwrap().unwrap();
    }
    let version: i64 = raw(&path).pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, SqliteStore::SCHEMA_VERSION);
}

#[test]
fn a_store_from_a_newer_version_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    drop(SqliteStore::open(&path).unwrap());
    raw(&path).pragma_update(None, "user_version", 99).unwrap();
    let before = snapshot(&path);

    let err = SqliteStore::open(&path).unwrap_err();
    match &err {
        StoreError::TooNew { path: shown, found, supported } => {
            assert_eq!(shown, &path.display().to_string());
            assert_eq!(*found, 99);
            assert_eq!(*supported, SqliteStore::SCHEMA_VERSION);
        }
        other => panic!("expected TooNew, got {other:?}"),
    }
    assert!(err.to_string().contains("newer than this apiwarden understands"), "{err}");
    assert_eq!(snapshot(&path), before);
}

#[test]
fn files_that_are_not_databases_are_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let long = "name,value\n".repeat(1000);
    for (name, content) in [
        ("inventory.csv", long.as_bytes()),
        ("short.txt", b"hello".as_slice()),
        ("almost.db", b"SQLite format 3".as_slice()),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let before = snapshot(&path);
        let err = SqliteStore::open(&path).unwrap_err();
        assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!("cannot open store {}: file is not an apiwarden store (not a database)", path.display())
        );
        assert_eq!(snapshot(&path), before, "{name} was changed");
    }
}

#[test]
fn a_database_of_another_program_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    raw(&path).execute_batch("CREATE TABLE contacts (name TEXT);").unwrap();
    let before = snapshot(&path);
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    assert!(err.to_string().contains("another program"), "{err}");
    assert_eq!(snapshot(&path), before);

    // Also when it claims a schema version, or has an application id of its own.
    for (i, pragma) in ["PRAGMA user_version = 99", "PRAGMA application_id = 7"].iter().enumerate() {
        let path = dir.path().join(format!("other-{i}.db"));
        raw(&path).execute_batch(&format!("CREATE TABLE t (x); {pragma};")).unwrap();
        let before = snapshot(&path);
        let err = SqliteStore::open(&path).unwrap_err();
        assert!(
            matches!(&err, StoreError::Open { message, .. } if message.contains("another program")),
            "{err:?}"
        );
        assert_eq!(snapshot(&path), before);
    }
}

#[test]
fn a_missing_folder_is_an_open_error_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-folder").join("store.db");
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    assert!(err.to_string().contains(&path.display().to_string()), "{err}");
}

#[test]
fn commit_and_load_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&store_path(&dir)).unwrap();
    let (a, b) = (state("a.example"), state("b.example"));
    let a_eps = vec![
        endpoint("a.example", "POST", "/users", 2, 50, 60),
        endpoint("a.example", "GET", "/users", 5, 10, 90),
        endpoint("a.example", "GET", "/orders/{orderId}", 1, 40, 40),
    ];
    let b_eps = vec![endpoint("b.example", "GET", "/", 7, 5, 100)];
    store
        .commit(&Commit {
            calls: &ids(0..15),
            hosts: vec![
                HostUpdate {
                    host: "b.example",
                    expected_version: 0,
                    state: &b,
                    endpoints: &b_eps,
                    findings: None,
                },
                HostUpdate {
                    host: "a.example",
                    expected_version: 0,
                    state: &a,
                    endpoints: &a_eps,
                    findings: None,
                },
            ],
        })
        .unwrap();

    let loaded = store.load_host("a.example").unwrap();
    assert_eq!((loaded.version, &loaded.state), (1, &a));
    let unknown = store.load_host("c.example").unwrap();
    assert_eq!(unknown.version, 0);
    assert_eq!(unknown.state.host, "c.example");

    let listed: Vec<_> = store
        .endpoints(None)
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {} {}", e.key.host, e.key.template, e.key.method))
        .collect();
    assert_eq!(
        listed,
        [
            "a.example /orders/{orderId} GET",
            "a.example /users GET",
            "a.example /users POST",
            "b.example / GET"
        ]
    );
    assert_eq!(store.endpoints(Some("b.example")).unwrap(), b_eps);
    assert!(store.endpoints(Some("c.example")).unwrap().is_empty());
    assert_eq!(
        store.hosts().unwrap(),
        [
            HostSummary {
                host: "a.example".into(),
                endpoints: 3,
                calls: 8,
                first_seen_us: 10,
                last_seen_us: 90
            },
            HostSummary {
                host: "b.example".into(),
                endpoints: 1,
                calls: 7,
                first_seen_us: 5,
                last_seen_us: 100
            },
        ]
    );

    // The next commit replaces a.example's endpoints and bumps its version only.
    let a_eps2 = vec![endpoint("a.example", "GET", "/users", 9, 10, 120)];
    commit_host(&mut store, &ids(15..20), "a.example", 1, &a, &a_eps2).unwrap();
    assert_eq!(store.load_host("a.example").unwrap().version, 2);
    assert_eq!(store.load_host("b.example").unwrap().version, 1);
    assert_eq!(store.endpoints(Some("a.example")).unwrap(), a_eps2);
    assert_eq!(store.endpoints(None).unwrap().len(), 2);
}

#[test]
fn recommitting_a_recorded_call_conflicts_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&store_path(&dir)).unwrap();
    let host = "api.example";
    let first = ids(0..100);
    let eps = vec![endpoint(host, "GET", "/a", 100, 1, 2)];
    commit_host(&mut store, &first, host, 0, &state(host), &eps).unwrap();
    let probe = ids(0..300);
    let known_before = store.known_calls(&probe).unwrap();
    let host_before = store.load_host(host).unwrap();

    // New calls plus one that is already recorded, with a host update that would be valid.
    let mut again = ids(100..200);
    let repeated = first[42];
    again.push(repeated);
    let eps2 = vec![endpoint(host, "GET", "/b", 101, 1, 3)];
    let err = commit_host(&mut store, &again, host, 1, &state(host), &eps2).unwrap_err();
    match &err {
        StoreError::Conflict(message) => {
            assert_eq!(message, &format!("call {} was already recorded", repeated.to_hex()));
        }
        other => panic!("expected Conflict, got {other:?}"),
    }

    assert_eq!(store.known_calls(&probe).unwrap(), known_before);
    assert_eq!(store.load_host(host).unwrap(), host_before);
    assert_eq!(store.endpoints(None).unwrap(), eps);

    // The same holds for a fresh handle reading the file.
    let other = SqliteStore::open(&store_path(&dir)).unwrap();
    assert_eq!(other.known_calls(&probe).unwrap(), known_before);
    assert_eq!(other.endpoints(None).unwrap(), eps);
}

#[test]
fn the_first_of_two_writers_wins_and_the_second_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    let mut one = SqliteStore::open(&path).unwrap();
    let mut two = SqliteStore::open(&path).unwrap();
    let host = "shop.example";
    let v1 = one.load_host(host).unwrap();
    let v2 = two.load_host(host).unwrap();
    assert_eq!((v1.version, v2.version), (0, 0));

    let eps_one = vec![endpoint(host, "GET", "/cart", 1, 1, 1)];
    commit_host(&mut one, &ids(0..10), host, v1.version, &state(host), &eps_one).unwrap();
    let eps_two = vec![endpoint(host, "GET", "/checkout", 1, 2, 2)];
    let err = commit_host(&mut two, &ids(10..20), host, v2.version, &state(host), &eps_two).unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict(m) if m.contains("host shop.example is at version 1")),
        "{err:?}"
    );
    // The loser's calls were not recorded, so it can retry with the same ids.
    assert!(two.known_calls(&ids(10..20)).unwrap().is_empty());
    assert_eq!(two.endpoints(None).unwrap(), eps_one);

    let reloaded = two.load_host(host).unwrap();
    assert_eq!(reloaded.version, 1);
    commit_host(&mut two, &ids(10..20), host, reloaded.version, &state(host), &eps_two).unwrap();
    assert_eq!(one.load_host(host).unwrap().version, 2);
    assert_eq!(one.endpoints(None).unwrap(), eps_two);

    // Version 0 means "must not exist yet".
    let err = commit_host(&mut one, &[], host, 0, &state(host), &[]).unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
}

#[test]
fn known_calls_with_ten_thousand_ids() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&store_path(&dir)).unwrap();
    // ids(0..) would start with CallId(0), which is added on purpose below.
    let mut recorded = ids(1..10_001);
    recorded.extend([CallId(0), CallId(u128::MAX), CallId(1 << 127)]);
    // In batches of uneven size, as ingest does.
    let mut rest = recorded.as_slice();
    let mut size = 1;
    while !rest.is_empty() {
        let (batch, tail) = rest.split_at(size.min(rest.len()));
        store.commit(&Commit { calls: batch, hosts: Vec::new() }).unwrap();
        rest = tail;
        size = size * 3 + 1;
    }

    let mut probe = ids(5_001..15_001);
    probe.extend([CallId(0), CallId(u128::MAX), CallId(1), CallId(u128::MAX - 1)]);
    probe.extend(ids(5_001..5_011)); // duplicates in the probe are fine
    let known = store.known_calls(&probe).unwrap();
    let expected: HashSet<CallId> =
        ids(5_001..10_001).into_iter().chain([CallId(0), CallId(u128::MAX)]).collect();
    assert_eq!(known, expected);
    assert!(store.known_calls(&[]).unwrap().is_empty());
    assert_eq!(store.known_calls(&[CallId(1 << 127)]).unwrap().len(), 1);
}

#[test]
fn findings_merge_and_filter() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&store_path(&dir)).unwrap();
    store
        .upsert_findings(&[
            finding("f-high", Severity::High, Some("a.example"), 2, 100, 200),
            finding("f-low", Severity::Low, Some("b.example"), 1, 50, 300),
            finding("f-crit", Severity::Critical, None, 1, 10, 20),
            finding("f-high-2", Severity::High, Some("b.example"), 1, 10, 500),
        ])
        .unwrap();
    // A later sighting of f-high (in a separate call) and two of f-low in one batch.
    store.upsert_findings(&[finding("f-high", Severity::High, Some("a.example"), 3, 80, 150)]).unwrap();
    store
        .upsert_findings(&[
            finding("f-low", Severity::Low, Some("b.example"), 4, 60, 400),
            finding("f-low", Severity::Low, Some("b.example"), 1, 40, 350),
        ])
        .unwrap();

    let all = store.findings(&FindingFilter::default()).unwrap();
    let order: Vec<&str> = all.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(order, ["f-crit", "f-high-2", "f-high", "f-low"]);

    let high = all.iter().find(|f| f.id == "f-high").unwrap();
    assert_eq!((high.count, high.first_seen_us, high.last_seen_us), (5, 80, 200));
    let low = all.iter().find(|f| f.id == "f-low").unwrap();
    assert_eq!((low.count, low.first_seen_us, low.last_seen_us), (6, 40, 400));
    assert_eq!(low.evidence, "seen at 400");

    let at_least_high =
        store.findings(&FindingFilter { host: None, min_severity: Some(Severity::High) }).unwrap();
    let ids: Vec<&str> = at_least_high.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["f-crit", "f-high-2", "f-high"]);

    let on_b = store.findings(&FindingFilter { host: Some("b.example".into()), min_severity: None }).unwrap();
    let ids: Vec<&str> = on_b.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["f-high-2", "f-low"]);

    let on_b_medium = store
        .findings(&FindingFilter { host: Some("b.example".into()), min_severity: Some(Severity::Medium) })
        .unwrap();
    assert_eq!(on_b_medium.len(), 1);
}

#[test]
fn specs_replace_by_origin() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&store_path(&dir)).unwrap();
    let spec = |origin: &str, content: &str, at: i64| StoredSpec {
        origin: origin.into(),
        content: content.into(),
        added_at_us: at,
    };
    store.put_spec(&spec("specs/shop.yaml", "openapi: 3.0.0 # v1", 1)).unwrap();
    store.put_spec(&spec("specs/admin.json", "{\"openapi\":\"3.1.0\"}", 2)).unwrap();
    store.put_spec(&spec("specs/shop.yaml", "openapi: 3.0.0 # v2", 3)).unwrap();
    assert_eq!(
        store.specs().unwrap(),
        [
            spec("specs/admin.json", "{\"openapi\":\"3.1.0\"}", 2),
            spec("specs/shop.yaml", "openapi: 3.0.0 # v2", 3)
        ]
    );
}

#[test]
fn runs_are_listed_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&store_path(&dir)).unwrap();
    let run = |start: i64, new: u64| IngestRun {
        started_at_us: start,
        finished_at_us: start + 10,
        sources: vec![format!("traffic-{start}.har")],
        calls_read: new + 1,
        calls_new: new,
        calls_duplicate: 1,
        entries_skipped: 0,
        calls_ignored: 0,
        problems: vec!["line 3: not JSON".into()],
    };
    for (start, new) in [(100, 1), (300, 3), (200, 2)] {
        store.record_run(&run(start, new)).unwrap();
    }
    assert_eq!(store.runs(10).unwrap(), [run(300, 3), run(200, 2), run(100, 1)]);
    assert_eq!(store.runs(1).unwrap(), [run(300, 3)]);
    assert!(store.runs(0).unwrap().is_empty());
}

#[test]
fn tampered_json_is_reported_as_corrupt_with_table_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(&dir);
    let mut store = SqliteStore::open(&path).unwrap();
    let host = "api.example";
    commit_host(&mut store, &ids(0..1), host, 0, &state(host), &[endpoint(host, "GET", "/x", 1, 1, 1)])
        .unwrap();
    store.upsert_findings(&[finding("f1", Severity::Low, Some(host), 1, 1, 1)]).unwrap();
    store.record_run(&IngestRun::default()).unwrap();
    raw(&path)
        .execute_batch(
            "UPDATE host_state SET state = '{\"host\": 42' WHERE host = 'api.example';
             UPDATE endpoints SET data = 'not json';
             UPDATE findings SET data = 17;
             UPDATE ingest_runs SET summary = '[]';",
        )
        .unwrap();

    let err = store.load_host(host).unwrap_err();
    match &err {
        StoreError::Corrupt { what, .. } => assert_eq!(what, "host_state row for host \"api.example\""),
        other => panic!("expected Corrupt, got {other:?}"),
    }
    let err = store.endpoints(None).unwrap_err();
    assert!(
        matches!(&err, StoreError::Corrupt { what, .. } if what == "endpoints row GET api.example/x"),
        "{err:?}"
    );
    let err = store.findings(&FindingFilter::default()).unwrap_err();
    assert!(matches!(&err, StoreError::Corrupt { what, .. } if what == "findings row \"f1\""), "{err:?}");
    // Merging into a corrupt finding fails too, and leaves it for a human to look at.
    let err = store.upsert_findings(&[finding("f1", Severity::Low, Some(host), 1, 1, 1)]).unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    let err = store.runs(5).unwrap_err();
    assert!(matches!(&err, StoreError::Corrupt { what, .. } if what == "ingest_runs row 1"), "{err:?}");

    // A state that decodes but belongs to another host is corrupt as well.
    let other = serde_json::to_string(&state("evil.example")).unwrap();
    raw(&path).execute("UPDATE host_state SET state = ?1", [other]).unwrap();
    let err = store.load_host(host).unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
}

#[test]
fn invalid_commits_are_refused_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&store_path(&dir)).unwrap();
    let host = "api.example";
    let mut twice = ids(0..10);
    twice.push(twice[3]);
    let err = commit_host(&mut store, &twice, host, 0, &state(host), &[]).unwrap_err();
    assert!(matches!(&err, StoreError::Database(m) if m.contains("twice")), "{err:?}");

    let foreign = [endpoint("other.example", "GET", "/", 1, 1, 1)];
    let err = commit_host(&mut store, &ids(0..10), host, 0, &state(host), &foreign).unwrap_err();
    assert!(matches!(&err, StoreError::Database(m) if m.contains("another host")), "{err:?}");

    let err = commit_host(&mut store, &ids(0..10), host, 0, &state("other.example"), &[]).unwrap_err();
    assert!(matches!(err, StoreError::Database(_)), "{err:?}");

    let dup = [endpoint(host, "GET", "/", 1, 1, 1), endpoint(host, "GET", "/", 2, 2, 2)];
    let err = commit_host(&mut store, &ids(0..10), host, 0, &state(host), &dup).unwrap_err();
    assert!(matches!(&err, StoreError::Database(m) if m.contains("twice")), "{err:?}");

    assert!(store.known_calls(&ids(0..10)).unwrap().is_empty());
    assert_eq!(store.load_host(host).unwrap().version, 0);
    assert!(store.hosts().unwrap().is_empty());
}

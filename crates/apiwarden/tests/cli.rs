//! End-to-end tests of the `apiwarden` binary: what a user runs, what they see, what the
//! store keeps. Every test works in its own temporary folder (`--db` inside it, and as the
//! current directory, so nothing lands in the workspace).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_apiwarden");
const SHOP_HAR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/shop.har");

/// What one run of the binary did.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|err| {
            panic!("stdout is not JSON ({err}):\n{}\nstderr:\n{}", self.stdout, self.stderr)
        })
    }

    /// stdout and stderr together, for messages that may go to either.
    fn output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    #[track_caller]
    fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "unexpected exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

fn command(dir: &Path, db: &Path, args: &[&OsStr]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .env_remove("APIWARDEN_DB")
        .env_remove("APIWARDEN_LOG")
        .env("NO_COLOR", "1")
        .arg("--db")
        .arg(db)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn finish(output: std::process::Output) -> Run {
    Run {
        code: output.status.code().expect("killed by a signal"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Runs `apiwarden --db <db> <args>` in `dir` with stdin closed.
fn run(dir: &Path, db: &Path, args: &[&OsStr]) -> Run {
    finish(command(dir, db, args).stdin(Stdio::null()).output().expect("the binary runs"))
}

/// Runs `apiwarden --db <db> <args>` in `dir` with `input` on stdin.
fn run_stdin(dir: &Path, db: &Path, args: &[&OsStr], input: &[u8]) -> Run {
    let mut child = command(dir, db, args).stdin(Stdio::piped()).spawn().expect("the binary runs");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input).unwrap();
    drop(stdin);
    finish(child.wait_with_output().unwrap())
}

/// `&[&str]`-like argument lists mixing strings and paths.
macro_rules! args {
    ($($a:expr),* $(,)?) => { &[$(AsRef::<OsStr>::as_ref(&$a)),*] as &[&OsStr] };
}

/// A temporary folder with a store path inside it.
struct Scratch {
    dir: tempfile::TempDir,
    db: PathBuf,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("store.db");
        Scratch { dir, db }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn run(&self, args: &[&OsStr]) -> Run {
        run(self.dir.path(), &self.db, args)
    }

    fn run_db(&self, db: &Path, args: &[&OsStr]) -> Run {
        run(self.dir.path(), db, args)
    }

    /// `inventory --json` of the scratch store, as text (must succeed).
    fn inventory_text(&self, db: &Path) -> String {
        let run = self.run_db(db, args!["inventory", "--json"]);
        run.expect_code(0);
        run.stdout
    }

    fn inventory(&self, db: &Path) -> Value {
        serde_json::from_str(&self.inventory_text(db)).unwrap()
    }
}

// ---------------------------------------------------------------------------------------
// Small hand-made HAR files
// ---------------------------------------------------------------------------------------

fn entry(i: usize, url: &str) -> Value {
    json!({
        "startedDateTime": format!("2024-05-01T12:{:02}:{:02}.000Z", (i / 60) % 60, i % 60),
        "time": 10 + i,
        "request": {
            "method": "GET",
            "url": url,
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": "Accept", "value": "application/json"}],
            "cookies": [], "queryString": [], "headersSize": -1, "bodySize": 0
        },
        "response": {
            "status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "cookies": [],
            "content": {"size": 12, "mimeType": "application/json", "text": format!("{{\"id\":{i}}}")},
            "redirectURL": "", "headersSize": -1, "bodySize": 12
        },
        "cache": {},
        "timings": {"send": 0, "wait": 5, "receive": 1}
    })
}

/// `GET https://api.example.com/users/<i>` answered with `{"id": i}`.
fn user_entry(i: usize) -> Value {
    entry(i, &format!("https://api.example.com/users/{}", 1000 + i))
}

fn har_with_version(version: &str, entries: &[Value]) -> String {
    let har =
        json!({"log": {"version": version, "creator": {"name": "test", "version": "1"}, "entries": entries}});
    serde_json::to_string(&har).unwrap()
}

fn har(entries: &[Value]) -> String {
    har_with_version("1.2", entries)
}

fn user_har(range: std::ops::Range<usize>) -> String {
    har(&range.map(user_entry).collect::<Vec<_>>())
}

/// Sum of `calls` over an `inventory --json` / `analyze --json` endpoint list.
fn total_calls(endpoints: &Value) -> u64 {
    endpoints.as_array().unwrap().iter().map(|e| e["calls"].as_u64().unwrap()).sum()
}

fn templates(endpoints: &Value) -> Vec<String> {
    endpoints
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {} {}",
                e["key"]["host"].as_str().unwrap(),
                e["key"]["method"].as_str().unwrap(),
                e["key"]["template"].as_str().unwrap()
            )
        })
        .collect()
}

fn find_endpoint<'a>(endpoints: &'a Value, method: &str, template: &str) -> Option<&'a Value> {
    endpoints
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"]["method"] == method && e["key"]["template"] == template)
}

fn problems(report: &Value) -> Vec<String> {
    report["problems"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_owned()).collect()
}

// ---------------------------------------------------------------------------------------
// 1. analyze
// ---------------------------------------------------------------------------------------

#[test]
fn analyze_prints_a_table_and_a_summary_and_stores_nothing() {
    let s = Scratch::new();
    let run = s.run(args!["analyze", SHOP_HAR]);
    run.expect_code(0);
    assert!(run.stdout.contains("shop.example.test"), "{}", run.stdout);
    for column in ["METHOD", "TEMPLATE", "CALLS", "STATUS", "AUTH"] {
        assert!(run.stdout.contains(column), "missing column {column}:\n{}", run.stdout);
    }
    for template in ["/api/orders/{orderId}", "/api/products/{productId}", "/api/users/me", "/healthz"] {
        assert!(run.stdout.contains(&format!(" {template} ")), "missing {template}:\n{}", run.stdout);
    }
    assert!(run.stdout.contains("1500 calls read from 1 file(s)"), "{}", run.stdout);
    assert!(run.stdout.contains("1500 new, 0 already known"), "{}", run.stdout);
    assert!(run.stdout.contains("left out as noise (140 static file)"), "{}", run.stdout);
    assert!(run.stdout.contains("endpoint(s) on 1 host(s)"), "{}", run.stdout);
    assert!(!run.stdout.contains("problems:"), "{}", run.stdout);
    // "nothing is stored": analyze does not even create the store.
    assert!(!s.db.exists(), "analyze created the store {}", s.db.display());
}

#[test]
fn analyze_json_has_report_and_endpoints() {
    let s = Scratch::new();
    let run = s.run(args!["analyze", SHOP_HAR, "--json"]);
    run.expect_code(0);
    let value = run.json();
    let report = &value["report"];
    assert_eq!(report["calls_read"], 1500);
    assert_eq!(report["calls_new"], 1500);
    assert_eq!(report["calls_duplicate"], 0);
    assert_eq!(report["entries_skipped"], 0);
    assert_eq!(report["calls_ignored"], json!({"static file": 140}));
    assert_eq!(report["hosts"], json!(["shop.example.test"]));
    assert_eq!(report["files"][0]["path"], SHOP_HAR);
    let endpoints = &value["endpoints"];
    assert!(endpoints.as_array().unwrap().len() > 20, "{endpoints}");
    let orders = find_endpoint(endpoints, "GET", "/api/orders/{orderId}").expect("GET /api/orders/{orderId}");
    assert_eq!(orders["key"]["host"], "shop.example.test");
    assert_eq!(orders["from_spec"], false);
    assert!(orders["calls"].as_u64().unwrap() > 10);
    // Every non-noise call is in exactly one endpoint.
    assert_eq!(total_calls(endpoints), 1500 - 140);
    // The table and --json agree: every template of the JSON is in the table.
    let table = s.run(args!["analyze", SHOP_HAR]);
    for e in endpoints.as_array().unwrap() {
        let template = e["key"]["template"].as_str().unwrap();
        assert!(table.stdout.contains(template), "{template} missing from the table");
    }
}

#[test]
fn analyze_writes_openapi_yaml_and_json() {
    let s = Scratch::new();
    let yaml_path = s.path("out.yaml");
    let run = s.run(args!["analyze", SHOP_HAR, "--openapi", yaml_path]);
    run.expect_code(0);
    assert!(run.stdout.contains("OpenAPI 3.1 written to"), "{}", run.stdout);
    let yaml = std::fs::read_to_string(&yaml_path).unwrap();
    let first = yaml.lines().next().unwrap();
    assert_eq!(first, "openapi: \"3.1.0\"", "{}", &yaml[..yaml.len().min(300)]);
    assert!(yaml.contains("\n  /api/orders/{orderId}:\n"), "path missing from the YAML");
    assert!(yaml.contains("https://shop.example.test"));
    assert!(!s.path("out.yaml.tmp").exists(), "temporary file left behind");

    let json_path = s.path("out.json");
    s.run(args!["analyze", SHOP_HAR, "--openapi", json_path, "--quiet"]).expect_code(0);
    let text = std::fs::read_to_string(&json_path).unwrap();
    let doc: Value = serde_json::from_str(&text).expect("a .json --openapi file is JSON");
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.contains_key("/api/orders/{orderId}"));
    assert!(paths["/api/orders/{orderId}"]["get"].is_object());
    // YAML and JSON describe the same paths.
    for path in paths.keys() {
        assert!(
            yaml.contains(&format!("\n  {path}:\n")) || yaml.contains(&format!("\n  \"{path}\":\n")),
            "{path}"
        );
    }
}

#[test]
fn analyze_host_filter() {
    let s = Scratch::new();
    let other = s.write("other.har", har(&[entry(0, "https://other.example.org/ping")]));
    let run = s.run(args!["analyze", SHOP_HAR, other, "--json", "--host", "other.example.org"]);
    run.expect_code(0);
    let value = run.json();
    assert_eq!(templates(&value["endpoints"]), ["other.example.org GET /ping"]);
    assert_eq!(value["report"]["calls_read"], 1501);
}

// ---------------------------------------------------------------------------------------
// 2. demo
// ---------------------------------------------------------------------------------------

#[test]
fn demo_prints_the_shop_inventory() {
    let s = Scratch::new();
    let run = s.run(args!["demo"]);
    run.expect_code(0);
    assert!(run.stdout.contains("shop.example.test"), "{}", run.stdout);
    assert!(run.stdout.contains(" /api/orders/{orderId} "), "{}", run.stdout);
    assert!(run.stdout.contains("1500 calls read from 1 file(s)"), "{}", run.stdout);
    assert!(!s.db.exists(), "demo created the store");

    let json = s.run(args!["demo", "--json"]);
    json.expect_code(0);
    let value = json.json();
    assert_eq!(value["report"]["calls_read"], 1500);
    assert!(find_endpoint(&value["endpoints"], "GET", "/api/orders/{orderId}").is_some());

    // The demo traffic carries the traps the posture checks must find.
    assert!(run.stdout.contains("findings: "), "{}", run.stdout);
    let findings = value["findings"].as_array().unwrap();
    let at = |rule: &str, template: &str| {
        findings.iter().any(|f| f["rule"] == rule && f["endpoint"]["template"] == template)
    };
    assert!(at("sensitive.secret-in-response", "/api/users/{userId}"), "{findings:#?}");
    assert!(at("posture.verbose-error", "/api/products"), "{findings:#?}");
    let users = find_endpoint(&value["endpoints"], "GET", "/api/users/{userId}").unwrap();
    assert!(users["sensitive"].as_array().unwrap().iter().any(|t| t["data_type"] == "password_hash"));
}

// ---------------------------------------------------------------------------------------
// 3. ingest, inventory, export; idempotency
// ---------------------------------------------------------------------------------------

#[test]
fn ingest_inventory_export_and_idempotent_reingest() {
    let s = Scratch::new();
    let first = s.run(args!["ingest", SHOP_HAR, "--json"]);
    first.expect_code(0);
    let report = first.json();
    assert_eq!(report["calls_read"], 1500);
    assert_eq!(report["calls_new"], 1500);
    assert_eq!(report["calls_duplicate"], 0);
    assert_eq!(report["hosts"], json!(["shop.example.test"]));
    assert!(s.db.exists());

    let before = s.inventory_text(&s.db);
    let endpoints: Value = serde_json::from_str(&before).unwrap();
    assert!(find_endpoint(&endpoints, "GET", "/api/orders/{orderId}").is_some());
    assert_eq!(total_calls(&endpoints), 1500 - 140);

    // The store holds what analyze shows.
    let analyzed = s.run(args!["analyze", SHOP_HAR, "--json"]).json();
    assert_eq!(analyzed["endpoints"], endpoints, "inventory --json differs from analyze --json");

    // Table form.
    let table = s.run(args!["inventory"]);
    table.expect_code(0);
    assert!(table.stdout.contains(" /api/orders/{orderId} "), "{}", table.stdout);
    assert!(
        table.stdout.contains(&format!(
            "{} endpoint(s), 1360 call(s), 1 host(s) in the store",
            endpoints.as_array().unwrap().len()
        )),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("1500 calls read, 1500 new"), "{}", table.stdout);

    // Export, to stdout and to a file; the store's document is the one analyze writes.
    let export = s.run(args!["openapi", "export", "--format", "json"]);
    export.expect_code(0);
    let doc = export.json();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/api/orders/{orderId}"]["get"].is_object());
    let analyze_doc = s.path("analyze.json");
    s.run(args!["analyze", SHOP_HAR, "--openapi", analyze_doc, "--quiet"]).expect_code(0);
    assert_eq!(
        std::fs::read_to_string(&analyze_doc).unwrap(),
        export.stdout,
        "analyze --openapi and openapi export differ"
    );
    let yaml_out = s.path("api.yaml");
    s.run(args!["openapi", "export", "--output", yaml_out]).expect_code(0);
    assert!(std::fs::read_to_string(&yaml_out).unwrap().starts_with("openapi: \"3.1.0\"\n"));

    // Again: nothing new, everything a duplicate, the inventory byte-identical.
    let again = s.run(args!["ingest", SHOP_HAR, "--json"]);
    again.expect_code(0);
    let report = again.json();
    assert_eq!(report["calls_read"], 1500);
    assert_eq!(report["calls_new"], 0);
    assert_eq!(report["calls_duplicate"], 1500);
    assert_eq!(report["files"][0]["calls_duplicate"], 1500);
    assert_eq!(s.inventory_text(&s.db), before, "re-ingesting changed the inventory");
    let export_again = s.run(args!["openapi", "export", "--format", "json"]);
    assert_eq!(export_again.stdout, export.stdout);
}

#[test]
fn inventory_and_export_of_an_empty_store() {
    let s = Scratch::new();
    // Reading a store that does not exist is an error, and creates nothing.
    let run = s.run(args!["inventory"]);
    run.expect_code(1);
    assert!(run.stderr.contains("does not exist"), "{}", run.stderr);
    assert!(!s.db.exists());
    let empty = s.write("empty.har", "{\"log\": {\"version\": \"1.2\", \"entries\": []}}");
    s.run(args!["ingest", empty]).expect_code(0);
    let run = s.run(args!["inventory"]);
    run.expect_code(0);
    assert!(run.stdout.contains("is empty"), "{}", run.stdout);
    assert_eq!(s.inventory(&s.db), json!([]));
    let export = s.run(args!["openapi", "export", "--format", "json"]);
    export.expect_code(0);
    assert!(export.stderr.contains("no endpoints to export"), "{}", export.stderr);
    assert_eq!(export.json()["paths"], json!({}));
}

// ---------------------------------------------------------------------------------------
// 4. Incremental ingestion gives the same inventory as one big run
// ---------------------------------------------------------------------------------------

/// Describes how two `inventory --json` arrays differ, endpoint by endpoint and field by field.
fn inventory_diff(left: &Value, right: &Value) -> Vec<String> {
    let index = |v: &Value| -> std::collections::BTreeMap<String, Value> {
        v.as_array().unwrap().iter().map(|e| (e["key"].to_string(), e.clone())).collect()
    };
    let (l, r) = (index(left), index(right));
    let mut diffs = Vec::new();
    for key in l.keys().filter(|k| !r.contains_key(*k)) {
        diffs.push(format!("only on the left: {key}"));
    }
    for key in r.keys().filter(|k| !l.contains_key(*k)) {
        diffs.push(format!("only on the right: {key}"));
    }
    for (key, le) in &l {
        let Some(re) = r.get(key) else { continue };
        for (field, lv) in le.as_object().unwrap() {
            let rv = &re[field];
            if lv != rv {
                diffs.push(format!("{key} .{field}: {lv} != {rv}"));
            }
        }
    }
    if diffs.is_empty() && left != right {
        diffs.push("same endpoints and fields, different order".into());
    }
    diffs
}

#[test]
fn incremental_ingest_matches_one_run_and_one_file() {
    let s = Scratch::new();
    // Two corpus APIs, 750 calls each, one fixed seed.
    let mut entries = Vec::new();
    for name in ["shop", "codehub"] {
        let api = apiwarden_corpus::api(name).unwrap();
        let mut bytes = Vec::new();
        let options = apiwarden_corpus::GenOptions { calls: 750, seed: 20240501, body_bytes: None };
        apiwarden_corpus::write_har(&api, &options, &mut bytes).unwrap();
        let har: Value = serde_json::from_slice(&bytes).unwrap();
        entries.extend(har["log"]["entries"].as_array().unwrap().iter().cloned());
    }
    assert_eq!(entries.len(), 1500);
    // Interleave the two APIs by time, then deal the entries out alternately, so both
    // halves see every endpoint and the second half is not simply "later".
    entries.sort_by(|a, b| a["startedDateTime"].as_str().cmp(&b["startedDateTime"].as_str()));
    let (a, b): (Vec<_>, Vec<_>) = entries.iter().cloned().enumerate().partition(|(i, _)| i % 2 == 0);
    let a: Vec<Value> = a.into_iter().map(|(_, e)| e).collect();
    let b: Vec<Value> = b.into_iter().map(|(_, e)| e).collect();
    let file_a = s.write("a.har", har(&a));
    let file_b = s.write("b.har", har(&b));
    let file_all = s.write("all.har", har(&entries));

    let store = |name: &str| s.path(name);
    let (db1, db2, db3) = (store("one-by-one.db"), store("one-run.db"), store("one-file.db"));
    s.run_db(&db1, args!["ingest", "-q", file_a]).expect_code(0);
    s.run_db(&db1, args!["ingest", "-q", file_b]).expect_code(0);
    s.run_db(&db2, args!["ingest", "-q", file_a, file_b]).expect_code(0);
    s.run_db(&db3, args!["ingest", "-q", file_all]).expect_code(0);

    // Two processes at once, into one store (created beforehand: see
    // `concurrent_first_use_of_a_new_store`).
    let db4 = store("concurrent.db");
    let empty = s.write("empty.har", "{\"log\": {\"version\": \"1.2\", \"entries\": []}}");
    s.run_db(&db4, args!["ingest", "-q", empty]).expect_code(0);
    let runs = concurrently(&s, &db4, &[args!["ingest", "-q", file_a], args!["ingest", "-q", file_b]]);
    for run in &runs {
        run.expect_code(0);
    }
    // The same file twice at once: whichever commits second finds its calls taken, reads
    // the file again with them known, and both succeed.
    let db5 = store("same-file-twice.db");
    s.run_db(&db5, args!["ingest", "-q", empty]).expect_code(0);
    let runs = concurrently(&s, &db5, &[args!["ingest", "-q", file_all], args!["ingest", "-q", file_all]]);
    for run in &runs {
        run.expect_code(0);
    }

    let reference = s.inventory(&db3);
    assert!(reference.as_array().unwrap().len() > 40, "{reference}");
    let hosts: std::collections::BTreeSet<&str> =
        reference.as_array().unwrap().iter().map(|e| e["key"]["host"].as_str().unwrap()).collect();
    assert_eq!(hosts.len(), 2, "{hosts:?}");
    for (label, db) in [
        ("A then B (two runs)", &db1),
        ("A and B (one run)", &db2),
        ("A and B (two processes at once)", &db4),
        ("the combined file twice at once", &db5),
    ] {
        let inventory = s.inventory(db);
        let diffs = inventory_diff(&inventory, &reference);
        assert!(diffs.is_empty(), "{label} differs from one combined file:\n{}", diffs.join("\n"));
    }
}

/// Starts one process per argument list at the same time and waits for all of them.
fn concurrently(s: &Scratch, db: &Path, runs: &[&[&OsStr]]) -> Vec<Run> {
    let children: Vec<_> = runs
        .iter()
        .map(|args| command(s.dir.path(), db, args).stdin(Stdio::null()).spawn().expect("the binary runs"))
        .collect();
    children.into_iter().map(|child| finish(child.wait_with_output().unwrap())).collect()
}

#[test]
fn concurrent_first_use_of_a_new_store() {
    // Started from one shell so that they really start together (spawning from here
    // staggers them enough to hide the problem).
    let s = Scratch::new();
    let empty = s.write("empty.har", "{\"log\": {\"version\": \"1.2\", \"entries\": []}}");
    let script = r#"b=$0; db=$1; har=$2
"$b" --db "$db" ingest -q "$har" >/dev/null & p1=$!
"$b" --db "$db" ingest -q "$har" >/dev/null & p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
echo "$r1 $r2""#;
    for attempt in 0..10 {
        let db = s.path(&format!("new-{attempt}.db"));
        let output = Command::new("sh")
            .current_dir(s.dir.path())
            .env_remove("APIWARDEN_DB")
            .args(["-c", script, BIN])
            .arg(&db)
            .arg(&empty)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let codes = String::from_utf8_lossy(&output.stdout);
        assert_eq!(codes.trim(), "0 0", "attempt {attempt}: {}", String::from_utf8_lossy(&output.stderr));
    }
}

// ---------------------------------------------------------------------------------------
// 5. Bad input
// ---------------------------------------------------------------------------------------

#[test]
fn truncated_har_keeps_the_entries_before_the_cut() {
    let s = Scratch::new();
    let text = user_har(0..6);
    // Cut in the middle of entry 4 (0-based).
    let entry4 = text.match_indices("\"startedDateTime\"").nth(4).unwrap().0;
    let cut = s.write("cut.har", &text[..entry4 + 60]);
    let run = s.run(args!["ingest", cut]);
    run.expect_code(3);
    assert!(
        run.output().contains("cut.har: truncated HAR: the file ends inside entry 4"),
        "{}",
        run.output()
    );
    let inventory = s.inventory(&s.db);
    assert_eq!(total_calls(&inventory), 4, "entries 0-3 are kept: {inventory}");

    // The JSON report says the same.
    let again = s.run(args!["ingest", cut, "--json"]);
    again.expect_code(3);
    let report = again.json();
    assert_eq!(report["files"][0]["calls_read"], 4);
    assert_eq!(report["files"][0]["calls_duplicate"], 4);
    assert!(report["files"][0]["truncated"].as_str().unwrap().contains("cut.har"), "{report}");
    assert!(report["files"][0]["rejected"].is_null());
}

#[test]
fn truncated_gzip_har_keeps_the_entries_before_the_cut() {
    let s = Scratch::new();
    let text = user_har(0..200);
    let mut packed = gzip_stored(text.as_bytes());
    packed.truncate(packed.len() * 2 / 3);
    let cut = s.write("cut.har.gz", &packed);
    let run = s.run(args!["ingest", cut, "--json"]);
    run.expect_code(3);
    let report = run.json();
    let kept = report["calls_new"].as_u64().unwrap();
    assert!(kept > 0 && kept < 200, "{report}");
    assert!(report["files"][0]["truncated"].as_str().unwrap().contains("cut.har.gz"), "{report}");
    assert_eq!(total_calls(&s.inventory(&s.db)), kept);
}

/// A valid gzip member made of stored (uncompressed) deflate blocks, so no compression
/// library is needed.
fn gzip_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let mut chunks = data.chunks(65_535).peekable();
    while let Some(chunk) = chunks.next() {
        out.push(u8::from(chunks.peek().is_none()));
        let len = u16::try_from(chunk.len()).unwrap();
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn gzip_har_is_ingested_like_the_plain_file() {
    let s = Scratch::new();
    let text = user_har(0..50);
    let plain = s.write("plain.har", &text);
    let gz = s.write("packed.har.gz", gzip_stored(text.as_bytes()));
    let run = s.run(args!["ingest", gz, "--json"]);
    run.expect_code(0);
    assert_eq!(run.json()["calls_new"], 50);
    let run = s.run(args!["ingest", plain, "--json"]);
    run.expect_code(0);
    assert_eq!(run.json()["calls_duplicate"], 50, "the same calls, gzipped or not, have the same ids");
}

#[test]
fn unsupported_har_version_is_rejected_whole() {
    let s = Scratch::new();
    // Version before the entries (the usual layout) and after them (read first, rejected late).
    let early = s.write("v3-early.har", har_with_version("3.0", &(0..5).map(user_entry).collect::<Vec<_>>()));
    let late_text = format!(
        "{{\"log\":{{\"creator\":{{\"name\":\"t\",\"version\":\"1\"}},\"entries\":[{}],\"version\":\"3.0\"}}}}",
        (10..15).map(|i| user_entry(i).to_string()).collect::<Vec<_>>().join(",")
    );
    let late = s.write("v3-late.har", late_text);
    for (file, name) in [(&early, "v3-early.har"), (&late, "v3-late.har")] {
        let run = s.run(args!["ingest", file]);
        run.expect_code(3);
        assert!(
            run.output().contains(&format!("{name}: unsupported HAR version \"3.0\"")),
            "{name}: {}",
            run.output()
        );
        let json = s.run(args!["ingest", file, "--json"]);
        json.expect_code(3);
        let report = json.json();
        assert!(report["files"][0]["rejected"].as_str().unwrap().contains(name), "{report}");
        assert_eq!(report["calls_new"], 0, "{report}");
        assert_eq!(s.inventory(&s.db), json!([]), "{name}: something from a rejected file was stored");
    }
}

#[test]
fn bad_entries_cost_only_themselves() {
    let s = Scratch::new();
    let mut entries: Vec<String> = (0..6).map(|i| user_entry(i).to_string()).collect();
    entries[2] = entry(2, "ht!tp:/x").to_string();
    // A JSON value that is not JSON (`tru`), inside an otherwise well-formed entry.
    entries[4] = entries[4].replacen("\"time\":14", "\"time\":tru", 1);
    assert!(entries[4].contains("tru,"), "{}", entries[4]);
    let text = format!(
        "{{\"log\":{{\"version\":\"1.2\",\"creator\":{{\"name\":\"t\",\"version\":\"1\"}},\"entries\":[{}]}}}}",
        entries.join(",")
    );
    let bad = s.write("mixed.har", text);
    let run = s.run(args!["ingest", bad]);
    run.expect_code(3);
    let out = run.output();
    assert!(out.contains("2 entries skipped"), "{out}");
    assert!(out.contains("mixed.har: entry 2: request.url \"ht!tp:/x\""), "{out}");
    assert!(out.contains("mixed.har: entry 4: invalid JSON"), "{out}");
    assert_eq!(total_calls(&s.inventory(&s.db)), 4);

    let json = s.run(args!["ingest", bad, "--json"]);
    json.expect_code(3);
    let report = json.json();
    assert_eq!(report["entries_skipped"], 2);
    assert_eq!(report["files"][0]["entries_skipped"], 2);
    assert_eq!(report["calls_duplicate"], 4);
    let problems = problems(&report);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("/mixed.har: entry 2: request.url"), "{problems:?}");
    assert!(problems[1].contains("/mixed.har: entry 4: invalid JSON"), "{problems:?}");
}

#[test]
fn invalid_utf8_and_lone_surrogates_do_not_lose_the_call() {
    let s = Scratch::new();
    let mut with_byte = user_entry(0).to_string().into_bytes();
    let at = with_byte.windows(16).position(|w| w == b"application/json").unwrap();
    with_byte[at] = 0xff; // "\xffpplication/json" in the Accept header value
    let with_surrogate = user_entry(1).to_string().replacen("application/json", "app\\udc80lication/json", 1);
    let mut text =
        b"{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"t\",\"version\":\"1\"},\"entries\":["
            .to_vec();
    text.extend_from_slice(&with_byte);
    text.push(b',');
    text.extend_from_slice(with_surrogate.as_bytes());
    text.extend_from_slice(b"]}}");
    assert!(std::str::from_utf8(&text).is_err());
    let file = s.write("odd.har", &text);
    let run = s.run(args!["ingest", file, "--json"]);
    run.expect_code(0);
    let report = run.json();
    assert_eq!(report["calls_new"], 2, "{report}");
    assert_eq!(report["entries_skipped"], 0, "{report}");
    assert_eq!(total_calls(&s.inventory(&s.db)), 2);
}

#[test]
fn missing_input_fails_before_anything_is_stored() {
    let s = Scratch::new();
    let good = s.write("good.har", user_har(0..5));
    s.run(args!["ingest", good]).expect_code(0);
    let before = s.inventory_text(&s.db);
    let table_before = s.run(args!["inventory"]).stdout;

    let other = s.write("other.har", har(&[entry(0, "https://other.example.org/ping")]));
    let missing = s.path("no-such-file.har");
    let run = s.run(args!["ingest", other, missing]);
    run.expect_code(1);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line on stderr: {:?}", run.stderr);
    assert!(lines[0].starts_with("error: "), "{}", lines[0]);
    assert!(lines[0].contains(&missing.display().to_string()), "{}", lines[0]);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    // Not even the good file named before it was read, and no run was recorded.
    assert_eq!(s.inventory_text(&s.db), before);
    assert_eq!(s.run(args!["inventory"]).stdout, table_before);

    // analyze says the same.
    let run = s.run(args!["analyze", missing]);
    run.expect_code(1);
    assert!(run.stderr.starts_with("error: ") && run.stderr.contains("no-such-file.har"), "{}", run.stderr);
}

#[test]
fn oversized_entry_is_skipped_and_reported() {
    let s = Scratch::new();
    let mut big = user_entry(1);
    big["response"]["content"]["text"] = Value::String("x".repeat(300_000));
    let file = s.write("big.har", har(&[user_entry(0), big, user_entry(2)]));
    let run = s.run(args!["ingest", file, "--max-entry-bytes", "100000", "--json"]);
    run.expect_code(3);
    let report = run.json();
    assert_eq!(report["entries_skipped"], 1, "{report}");
    assert_eq!(report["calls_new"], 2, "{report}");
    let problems = problems(&report);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("/big.har: "), "{problems:?}");
    assert!(problems[0].contains("entry 1 is "), "{problems:?}");
    assert!(problems[0].contains("over the 100000-byte limit"), "{problems:?}");
    assert_eq!(total_calls(&s.inventory(&s.db)), 2);

    // With the default limit it is read.
    let run = s.run(args!["ingest", file, "--json"]);
    run.expect_code(0);
    assert_eq!(run.json()["calls_new"], 1);
}

#[test]
fn invalid_spec_is_refused_before_anything_is_read() {
    let s = Scratch::new();
    let good = s.write("good.har", user_har(0..5));
    s.run(args!["ingest", good]).expect_code(0);
    let before = s.inventory_text(&s.db);
    let bad_yaml = s.write("broken.yaml", "openapi: [\n");
    let not_openapi = s.write("not-openapi.json", "{\"hello\": 1}");
    let missing = s.path("missing-spec.yaml");
    let more = s.write("more.har", user_har(5..10));
    for spec in [&bad_yaml, &not_openapi, &missing] {
        let name = spec.file_name().unwrap().to_str().unwrap();
        for command in ["analyze", "ingest"] {
            let run = s.run(args![command, more, "--spec", spec]);
            run.expect_code(1);
            let lines: Vec<&str> = run.stderr.lines().collect();
            assert_eq!(lines.len(), 1, "{command} --spec {name}: {:?}", run.stderr);
            assert!(
                lines[0].starts_with("error: ") && lines[0].contains(name),
                "{command} --spec {name}: {}",
                lines[0]
            );
        }
    }
    assert_eq!(s.inventory_text(&s.db), before, "a refused spec run changed the store");
}

#[test]
fn a_store_that_is_not_a_store_is_left_alone() {
    let s = Scratch::new();
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7 + 3) as u8).collect();
    let db = s.write("garbage.db", &garbage);
    let good = s.write("good.har", user_har(0..5));
    for args in [args!["inventory"], args!["ingest", good], args!["openapi", "export"]] {
        let run = s.run_db(&db, args);
        run.expect_code(1);
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{args:?}: {:?}", run.stderr);
        assert!(lines[0].starts_with("error: cannot open store "), "{}", lines[0]);
        assert!(lines[0].contains("garbage.db"), "{}", lines[0]);
        assert!(lines[0].contains("not an apiwarden store"), "{}", lines[0]);
        assert_eq!(std::fs::read(&db).unwrap(), garbage, "{args:?} changed the file");
    }
    assert!(!s.path("garbage.db-wal").exists() && !s.path("garbage.db-journal").exists());

    let text = s.write("notes.db", "these are my notes, not a database\n");
    let run = s.run_db(&text, args!["inventory"]);
    run.expect_code(1);
    assert!(run.stderr.contains("notes.db"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&text).unwrap(), "these are my notes, not a database\n");
}

#[test]
fn a_bad_run_loses_nothing_already_stored() {
    let s = Scratch::new();
    s.run(args!["ingest", SHOP_HAR]).expect_code(0);
    let before = s.inventory_text(&s.db);
    // In one run: a file rejected late (its entries, calls to the same shop endpoints, were
    // read before its version was), a JSON file that is not a HAR, a binary file, and the
    // already stored traffic again.
    let late = s.write(
        "late.har",
        format!(
            "{{\"log\":{{\"entries\":[{}],\"version\":\"9\"}}}}",
            (0..5)
                .map(|i| entry(i, &format!("https://shop.example.test/api/orders/{}", 990_000 + i))
                    .to_string())
                .collect::<Vec<_>>()
                .join(",")
        ),
    );
    let not_har = s.write("notes.har", "{\"hello\": \"world\"}");
    let binary = s.write("blob.har", [0u8, 159, 146, 150, 255, 0, 1, 2]);
    let run = s.run(args!["ingest", late, not_har, binary, SHOP_HAR, "--json"]);
    run.expect_code(3);
    let report = run.json();
    let files = report["files"].as_array().unwrap();
    for (i, name) in ["late.har", "notes.har", "blob.har"].iter().enumerate() {
        assert!(files[i]["rejected"].as_str().is_some_and(|r| r.contains(name)), "{name}: {report}");
    }
    assert_eq!(report["calls_new"], 0, "{report}");
    assert_eq!(report["calls_duplicate"], 1500, "{report}");
    assert_eq!(s.inventory_text(&s.db), before);
}

// ---------------------------------------------------------------------------------------
// 6. JSON lines on stdin
// ---------------------------------------------------------------------------------------

#[test]
fn json_lines_on_stdin() {
    let s = Scratch::new();
    // The examples of docs/traffic-format.md, plus a few more calls.
    let lines = [
        r#"{"started_at_us":1714564800125000,"request":{"method":"GET","url":"http://localhost:8080/health"}}"#,
        r#"{"id":"88c3763a41d30b3e2df0a9b70ea10f66","started_at_us":1714564800125000,"observed":{"source":"json_lines","origin":"orders.jsonl","position":1},"client":{"addr":"203.0.113.7","identity":"alice"},"request":{"method":"POST","scheme":"https","host":"api.example.com","path":"/v1/users/42/orders","query":"coupon=SPRING","http_version":"HTTP/1.1","headers":[{"name":"content-type","value":"application/json"},{"name":"authorization","value":"Bearer eyJhbGciOi..."}],"body":{"bytes":{"text":"{\"item\":\"book\",\"qty\":2}"}}},"response":{"status":201,"headers":[{"name":"content-type","value":"application/json"}],"body":{"bytes":{"text":"{\"orderId\":9001}"}}},"timings":{"total_ms":48.2,"wait_ms":41.0}}"#,
        "",
        r#"{"started_at":"2024-05-01T12:00:00.125Z","client":{"addr":"203.0.113.7","identity":"alice"},"request":{"method":"POST","url":"https://api.example.com/v1/users/42/orders?coupon=SPRING","http_version":"HTTP/1.1","headers":{"Content-Type":"application/json","Authorization":"Bearer eyJhbGciOi..."},"body":{"text":"{\"item\":\"book\",\"qty\":2}"}},"response":{"status":201,"headers":{"Content-Type":"application/json"},"body":{"text":"{\"orderId\":9001}"}},"timings":{"total_ms":48.2,"wait_ms":41.0}}"#,
        r#"{"started_at_us":1714564800125000,"request":{"method":"PUT","url":"http://localhost:8080/avatar","headers":{"Content-Type":"image/png"},"body":{"base64":"iVBORw0KGgo="}}}"#,
        r#"{"started_at_us":1714564801000000,"request":{"method":"GET","url":"https://api.example.com/v1/users/42/orders"},"response":{"status":200,"headers":{"Content-Type":"application/json"},"body":{"text":"[]"}}}"#,
    ];
    let input = lines.join("\r\n") + "\n";
    let run = run_stdin(s.dir.path(), &s.db, args!["ingest", "-", "--json"], input.as_bytes());
    run.expect_code(0);
    let report = run.json();
    assert_eq!(report["files"][0]["path"], "<stdin>");
    assert_eq!(report["calls_read"], 5, "{report}");
    // The documented "complete line" and its hand-written spelling are the same call: the
    // `id` the complete line gives is the one derived from the content, so it is stored once.
    assert_eq!(report["calls_new"], 4, "{report}");
    assert_eq!(report["calls_duplicate"], 1, "{report}");
    assert_eq!(report["hosts"], json!(["api.example.com", "localhost:8080"]));

    let inventory = s.inventory(&s.db);
    let found = templates(&inventory);
    assert!(found.contains(&"localhost:8080 GET /health".to_owned()), "{found:?}");
    assert!(found.contains(&"localhost:8080 PUT /avatar".to_owned()), "{found:?}");
    assert!(found.iter().any(|t| t.starts_with("api.example.com POST /v1/users/")), "{found:?}");
    assert!(found.iter().any(|t| t.starts_with("api.example.com GET /v1/users/")), "{found:?}");
    assert_eq!(total_calls(&inventory), 4);
    let table = s.run(args!["inventory", "--host", "localhost:8080"]);
    table.expect_code(0);
    assert!(table.stdout.contains(" /health ") && table.stdout.contains(" /avatar "), "{}", table.stdout);

    // Piping the same lines again adds nothing.
    let again = run_stdin(s.dir.path(), &s.db, args!["ingest", "-", "--json"], input.as_bytes());
    again.expect_code(0);
    assert_eq!(again.json()["calls_duplicate"], 5);

    // gzip on stdin is recognised by its magic bytes.
    let packed =
        run_stdin(s.dir.path(), &s.db, args!["ingest", "-", "--json"], &gzip_stored(input.as_bytes()));
    packed.expect_code(0);
    assert_eq!(packed.json()["calls_duplicate"], 5);

    // A bad line is reported with its number; the others are kept.
    let bad =
        format!("{}\n{{\"request\":{{\"method\":\"GET\",\"url\":\"http://localhost:8080/x\"}}}}\n", lines[0]);
    let run = run_stdin(s.dir.path(), &s.db, args!["ingest", "-", "--json"], bad.as_bytes());
    run.expect_code(3);
    let problems = problems(&run.json());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("<stdin>: line 2: "), "{problems:?}");
}

// ---------------------------------------------------------------------------------------
// 7. --spec
// ---------------------------------------------------------------------------------------

const SHOP_SPEC: &str = "\
openapi: 3.1.0
info: {title: shop, version: \"1\"}
servers:
  - url: https://shop.example.test/api
paths:
  /users/{handle}:
    get:
      parameters:
        - {name: handle, in: path, required: true, schema: {type: string}}
      responses: {\"200\": {description: ok}}
  /wishlist/{sku}:
    put:
      parameters:
        - {name: sku, in: path, required: true, schema: {type: string}}
      responses: {\"200\": {description: ok}}
  /healthz:
    servers:
      - url: https://shop.example.test
    get:
      responses: {\"200\": {description: ok}}
";

#[test]
fn analyze_with_spec_uses_the_spec_templates() {
    let s = Scratch::new();
    let spec = s.write("shop-spec.yaml", SHOP_SPEC);
    let plain = s.run(args!["analyze", SHOP_HAR, "--json"]).json();
    assert!(find_endpoint(&plain["endpoints"], "GET", "/api/users/{handle}").is_none());
    assert!(find_endpoint(&plain["endpoints"], "GET", "/api/users/{userId}").is_some());

    let run = s.run(args!["analyze", SHOP_HAR, "--spec", spec]);
    run.expect_code(0);
    assert!(run.stdout.contains(" /api/users/{handle} (spec) "), "{}", run.stdout);
    assert!(run.stdout.contains(" /api/wishlist/{sku} (spec) "), "{}", run.stdout);
    assert!(run.stdout.contains(" /healthz (spec) "), "{}", run.stdout);
    assert!(!run.stdout.contains("/api/users/{userId} "), "{}", run.stdout);
    // Templates the spec does not cover are still inferred, and not marked.
    assert!(run.stdout.contains(" /api/orders/{orderId} "), "{}", run.stdout);
    assert!(!run.stdout.contains("/api/orders/{orderId} (spec)"), "{}", run.stdout);

    let value = s.run(args!["analyze", SHOP_HAR, "--spec", spec, "--json"]).json();
    let endpoints = &value["endpoints"];
    let users = find_endpoint(endpoints, "GET", "/api/users/{handle}").expect("GET /api/users/{handle}");
    assert_eq!(users["from_spec"], true);
    let path_params: Vec<&Value> =
        users["parameters"].as_array().unwrap().iter().filter(|p| p["location"] == "path").collect();
    assert_eq!(path_params.len(), 1, "{users}");
    assert_eq!(path_params[0]["name"], "handle");
    assert_eq!(find_endpoint(endpoints, "GET", "/healthz").unwrap()["from_spec"], true);
    assert_eq!(find_endpoint(endpoints, "GET", "/api/orders/{orderId}").unwrap()["from_spec"], false);
    // The spec changes templates, not the number of calls.
    assert_eq!(total_calls(endpoints), total_calls(&plain["endpoints"]));
    // No literal wishlist SKU is left as its own endpoint.
    assert!(
        !templates(endpoints).iter().any(|t| t.contains("/api/wishlist/") && !t.ends_with("{sku}")),
        "{:?}",
        templates(endpoints)
    );
}

#[test]
fn ingest_with_spec_retemplates_the_store_and_keeps_the_spec() {
    let s = Scratch::new();
    let spec = s.write("shop-spec.yaml", SHOP_SPEC);
    s.run(args!["ingest", SHOP_HAR]).expect_code(0);
    let before = s.inventory(&s.db);
    assert!(find_endpoint(&before, "GET", "/api/users/{userId}").is_some());
    // Adding the spec later re-templates what is already stored.
    let run = s.run(args!["ingest", SHOP_HAR, "--spec", spec, "--json"]);
    run.expect_code(0);
    assert_eq!(run.json()["calls_new"], 0);
    let after = s.inventory(&s.db);
    let users = find_endpoint(&after, "GET", "/api/users/{handle}").expect("re-templated by the spec");
    assert_eq!(users["from_spec"], true);
    assert!(find_endpoint(&after, "GET", "/api/users/{userId}").is_none());
    assert_eq!(total_calls(&after), total_calls(&before));
    // Later runs without --spec still use it.
    let more = s.write("more.har", har(&[entry(0, "https://shop.example.test/api/users/zoe")]));
    s.run(args!["ingest", more]).expect_code(0);
    let later = s.inventory(&s.db);
    let users_later = find_endpoint(&later, "GET", "/api/users/{handle}").unwrap();
    assert_eq!(users_later["calls"].as_u64().unwrap(), users["calls"].as_u64().unwrap() + 1);
    assert!(!templates(&later).iter().any(|t| t.contains("zoe")));
}

// ---------------------------------------------------------------------------------------
// 8. Exit codes and help
// ---------------------------------------------------------------------------------------

#[test]
fn usage_errors_exit_2() {
    let s = Scratch::new();
    for args in [
        args![],
        args!["analyze"],
        args!["ingest"],
        args!["frobnicate"],
        args!["inventory", "--no-such-flag"],
        args!["analyze", SHOP_HAR, "--max-entry-bytes", "lots"],
        args!["openapi", "export", "--format", "xml"],
        args!["openapi"],
    ] {
        let run = s.run(args);
        assert_eq!(run.code, 2, "{args:?}\nstdout:{}\nstderr:{}", run.stdout, run.stderr);
        assert!(run.stderr.contains("Usage:") || run.stderr.contains("error:"), "{args:?}: {}", run.stderr);
    }
    assert!(!s.db.exists(), "a usage error created the store");
}

#[test]
fn help_texts_mention_the_key_options() {
    let s = Scratch::new();
    let cases: &[(&[&OsStr], &[&str])] = &[
        (
            args!["--help"],
            &["--db", "demo", "analyze", "ingest", "inventory", "openapi", "Exit codes", "--quiet"],
        ),
        (args!["demo", "--help"], &["--openapi", "--json"]),
        (
            args!["analyze", "--help"],
            &[
                "--openapi",
                "--spec",
                "--json",
                "--host",
                "--keep-noise",
                "--max-body-bytes",
                "--max-entry-bytes",
                ".har.gz",
                "standard input",
            ],
        ),
        (
            args!["ingest", "--help"],
            &["--spec", "--json", "--keep-noise", "--max-entry-bytes", "standard input"],
        ),
        (args!["inventory", "--help"], &["--host", "--json"]),
        (args!["openapi", "--help"], &["export"]),
        (
            args!["openapi", "export", "--help"],
            &["--format", "--output", "--host", "--title", "yaml", "json"],
        ),
    ];
    for (args, words) in cases {
        let run = s.run(args);
        run.expect_code(0);
        for word in *words {
            assert!(run.stdout.contains(word), "{args:?} --help does not mention {word}:\n{}", run.stdout);
        }
    }
    let version = s.run(args!["--version"]);
    version.expect_code(0);
    assert!(version.stdout.starts_with("apiwarden "), "{}", version.stdout);
}

#[test]
fn clean_ingest_exits_0_and_partial_exits_3() {
    let s = Scratch::new();
    let good = s.write("good.har", user_har(0..3));
    s.run(args!["ingest", good]).expect_code(0);
    let bad = s.write(
        "bad.har",
        "{\"log\": {\"version\": \"1.2\", \"entries\": [{\"startedDateTime\": \"yesterday\"}]}}",
    );
    let run = s.run(args!["ingest", good, bad]);
    run.expect_code(3);
    assert!(run.stderr.contains("bad.har: entry 0: "), "{}", run.stderr);
    // --quiet keeps stdout empty but not the exit code.
    let run = s.run(args!["ingest", "--quiet", good, bad]);
    run.expect_code(3);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn folders_are_walked() {
    let s = Scratch::new();
    let folder = s.path("traffic");
    std::fs::create_dir_all(folder.join("sub")).unwrap();
    std::fs::write(folder.join("a.har"), user_har(0..3)).unwrap();
    std::fs::write(folder.join("sub/b.har.gz"), gzip_stored(user_har(3..6).as_bytes())).unwrap();
    std::fs::write(folder.join("readme.txt"), "not traffic").unwrap();
    let run = s.run(args!["ingest", folder, "--json"]);
    run.expect_code(0);
    let report = run.json();
    assert_eq!(report["files"].as_array().unwrap().len(), 2, "{report}");
    assert_eq!(report["calls_new"], 6);
}

// ---------------------------------------------------------------------------------------
// Sensitive data and posture findings
// ---------------------------------------------------------------------------------------

/// `GET https://api.example.com/accounts?api_key=...` answered with an account record
/// (SSN, e-mail) to a caller without credentials in headers.
fn leaky_entry(i: usize) -> Value {
    let mut e = entry(i, &format!("https://api.example.com/accounts?email=dana.fox%40example.com&page={i}"));
    let body = json!({"id": 7000 + i, "email": "dana.fox@example.com", "ssn": "536-22-8726"}).to_string();
    e["response"]["content"]["text"] = json!(body);
    e
}

#[test]
fn findings_lists_what_traffic_shows_and_filters_by_severity_and_host() {
    let s = Scratch::new();
    let har = s.write("leaky.har", har(&(0..3).map(leaky_entry).collect::<Vec<_>>()));
    s.run(args!["ingest", har, "-q"]).expect_code(0);

    let all = s.run(args!["findings", "--json"]);
    all.expect_code(0);
    let rules: Vec<String> =
        all.json().as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_owned()).collect();
    for rule in
        ["sensitive.personal-data-in-url", "sensitive.unauthenticated-response", "posture.missing-nosniff"]
    {
        assert!(rules.iter().any(|r| r == rule), "{rule} missing from {rules:?}");
    }
    // Evidence is masked: the raw SSN and e-mail never show.
    assert!(!all.stdout.contains("536-22-8726") && !all.stdout.contains("dana.fox@"), "{}", all.stdout);

    let high = s.run(args!["findings", "--json", "--severity", "high"]).json();
    assert!(
        high.as_array().unwrap().iter().all(|f| matches!(f["severity"].as_str(), Some("high" | "critical")))
    );
    assert!(!high.as_array().unwrap().is_empty());
    let other_host = s.run(args!["findings", "--json", "--host", "other.example"]).json();
    assert_eq!(other_host, json!([]));

    let table = s.run(args!["findings"]);
    table.expect_code(0);
    assert!(table.stdout.contains("sensitive.unauthenticated-response"), "{}", table.stdout);
    assert!(table.stdout.contains("API2:2023"), "{}", table.stdout);
}

#[test]
fn inventory_sensitive_shows_types_per_field() {
    let s = Scratch::new();
    let har = s.write("leaky.har", har(&(0..3).map(leaky_entry).collect::<Vec<_>>()));
    s.run(args!["ingest", har, "-q"]).expect_code(0);
    let run = s.run(args!["inventory", "--sensitive"]);
    run.expect_code(0);
    for expected in ["GET /accounts", "/ssn", "ssn", "/email", "email", "query"] {
        assert!(run.stdout.contains(expected), "{expected} missing:\n{}", run.stdout);
    }
    let json = s.inventory(&s.db);
    let tags = json[0]["sensitive"].as_array().unwrap();
    assert!(
        tags.iter().any(|t| t["data_type"] == "ssn" && t["path"] == "/ssn" && t["count"] == 3),
        "{tags:?}"
    );
}

#[test]
fn no_sensitive_skips_classification_and_keeps_earlier_findings() {
    let s = Scratch::new();
    let first = s.write("leaky.har", har(&(0..3).map(leaky_entry).collect::<Vec<_>>()));
    let analyzed = s.run(args!["analyze", &first, "--json", "--no-sensitive"]).json();
    assert_eq!(analyzed["findings"], json!([]));
    assert!(analyzed["endpoints"][0].get("sensitive").is_none());

    s.run(args!["ingest", &first, "-q"]).expect_code(0);
    let before = s.run(args!["findings", "--json"]).json();
    assert!(!before.as_array().unwrap().is_empty());
    let more = s.write("more.har", har(&(3..5).map(leaky_entry).collect::<Vec<_>>()));
    s.run(args!["ingest", more, "-q", "--no-sensitive"]).expect_code(0);
    assert_eq!(s.run(args!["findings", "--json"]).json(), before);
}

#[test]
fn config_file_errors_name_the_file_and_the_entry() {
    let s = Scratch::new();
    let har = s.write("leaky.har", har(&(0..2).map(leaky_entry).collect::<Vec<_>>()));
    let bad_type = s.write("bad-type.toml", "[sensitive]\ndisabled = [\"phonee\"]\n");
    let run = s.run(args!["--config", &bad_type, "analyze", &har]);
    run.expect_code(1);
    assert!(run.stderr.contains("bad-type.toml") && run.stderr.contains("phonee"), "{}", run.stderr);

    let typo = s.write("typo.toml", "[sensitve]\ndisabled = []\n");
    let run = s.run(args!["--config", &typo, "analyze", &har]);
    run.expect_code(1);
    assert!(run.stderr.contains("typo.toml") && run.stderr.contains("sensitve"), "{}", run.stderr);

    let missing = s.run(args!["--config", s.path("nope.toml"), "analyze", &har]);
    missing.expect_code(1);
    assert!(missing.stderr.contains("nope.toml"), "{}", missing.stderr);

    // A valid file switches a type off.
    let off = s.write("off.toml", "[sensitive]\ndisabled = [\"ssn\"]\n");
    let run = s.run(args!["--config", &off, "analyze", &har, "--json"]);
    run.expect_code(0);
    let tags = &run.json()["endpoints"][0]["sensitive"];
    assert!(tags.as_array().unwrap().iter().all(|t| t["data_type"] != "ssn"), "{tags}");
    assert!(tags.as_array().unwrap().iter().any(|t| t["data_type"] == "email"), "{tags}");
}

#[test]
fn openapi_export_carries_sensitive_types_as_extensions() {
    let s = Scratch::new();
    let har = s.write("leaky.har", har(&(0..3).map(leaky_entry).collect::<Vec<_>>()));
    s.run(args!["ingest", har, "-q"]).expect_code(0);
    let run = s.run(args!["openapi", "export", "--format", "json"]);
    run.expect_code(0);
    let doc = run.json();
    let tags = doc["paths"]["/accounts"]["get"]["x-apiwarden-sensitive"].as_array().unwrap();
    assert!(
        tags.iter()
            .any(|t| t["in"] == "response" && t["path"] == "/ssn" && t["type"] == "ssn" && t["calls"] == 3),
        "{tags:?}"
    );
    assert!(tags.iter().any(|t| t["in"] == "request" && t["location"] == "query" && t["type"] == "email"));
}

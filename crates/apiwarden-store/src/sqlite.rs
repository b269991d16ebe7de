//! The embedded default backend: one SQLite file, migrations applied on open.
//!
//! ## Why rusqlite (and not sqlx)
//! * One SQLite binding for the whole workspace: rusqlite with the `bundled` feature
//!   compiles a known SQLite into the binary, so every build (and every user's machine)
//!   runs the same engine with WAL, UPSERT and the `pragma_*` functions available.
//! * Its API is synchronous, which fits the ingest pipeline: calls are parsed and merged on
//!   CPU-bound worker threads, and the store is just one more step on such a thread. sqlx
//!   would force an async runtime on crates that otherwise need none, and its SQLite driver
//!   runs on a background thread anyway.
//! * A PostgreSQL backend for cluster mode will implement the same [`Store`] trait later;
//!   it can pick its own driver without affecting this one.
//!
//! ## Schema
//! The tables are created by the numbered SQL files in `src/migrations/`, which document
//! every column. In short (schema version 2):
//!
//! | table         | key                          | holds                                      |
//! |---------------|------------------------------|--------------------------------------------|
//! | `calls`       | `id` (16-byte BLOB)          | every recorded [`CallId`], WITHOUT ROWID    |
//! | `host_state`  | `host`                       | `version` + `HostInventory` JSON            |
//! | `endpoints`   | `host`, `template`, `method` | `Endpoint` JSON + calls / first / last seen |
//! | `findings`    | `id`                         | `Finding` JSON + severity, host, counts, source (`traffic` or `external`) |
//! | `specs`       | `origin`                     | user OpenAPI documents                      |
//! | `ingest_runs` | autoincrement `id`           | `IngestRun` JSON + start / finish times     |
//!
//! JSON columns are the source of truth; the plain columns beside them are copies kept so
//! that SQL can filter, sort and aggregate. A JSON value that no longer decodes is reported
//! as [`StoreError::Corrupt`] naming the table and key.
//!
//! ## Versions and migrations
//! `PRAGMA user_version` holds the schema version and `PRAGMA application_id` marks the file
//! as an apiwarden store. On open, pending migrations run in order, each in its own
//! `BEGIN IMMEDIATE` transaction that re-reads the version first, so two processes opening a
//! new file at once migrate it once. A file from a newer apiwarden is refused with
//! [`StoreError::TooNew`] before anything is written; so is a file that is not a database,
//! or a database of another program ([`StoreError::Open`]).
//!
//! ## Sharing a file
//! The file is in WAL mode (readers never block the writer), `synchronous=NORMAL` (durable
//! at checkpoints, never corrupt), with a 10 s busy timeout, and every write starts with
//! `BEGIN IMMEDIATE`, so the CLI and a running gateway can use the same file: writers queue
//! for the lock instead of failing, and optimistic version checks (see the crate docs) keep
//! their results consistent.
//!
//! ## Speed
//! The `calls` table dominates size and write traffic, and its keys are random 128-bit
//! hashes: once a batch holds more ids than the table has leaf pages, a commit dirties
//! nearly every leaf, so its cost grows with the table, not with the batch (fewer, larger
//! batches are cheaper per call). To keep that in check:
//! * batches of ids are sorted before they touch the B-tree, so pages are visited in order
//!   (about three times faster than random order);
//! * new files use 64 KiB pages ([`PAGE_SIZE`]): measured on 2M recorded ids, a 50k-id commit
//!   takes ~110 ms of CPU with 64 KiB pages against ~260 ms with SQLite's default 4 KiB, and
//!   lookups and multi-megabyte host states gain too;
//! * lookups use `IN (...)` lists of [`IN_CHUNK`] parameters (faster than one query per id or
//!   a temporary table), inserts one cached prepared statement;
//! * a 64 MiB page cache per connection.
//!
//! `cargo bench -p apiwarden-store --bench sqlite_store` measures these paths.

use std::collections::HashSet;
use std::fmt;
use std::io::Read;
use std::path::Path;
use std::sync::LazyLock;
use std::time::Duration;

use apiwarden_core::discovery::HostInventory;
use apiwarden_core::finding::Severity;
use apiwarden_core::model::now_us;
use apiwarden_core::{CallId, Endpoint, Finding};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, Row, TransactionBehavior};
use serde::de::DeserializeOwned;

use crate::{
    Commit, FindingFilter, HostSummary, HostUpdate, IngestRun, Store, StoreError, StoreResult, StoredSpec,
    VersionedHost,
};

/// `PRAGMA application_id` of apiwarden stores: "APWD".
const APPLICATION_ID: i32 = 0x4150_5744;

/// How long a writer waits for another process's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Page cache per connection, in KiB (SQLite's negative `cache_size`); pages are only
/// allocated when used. The default 2 MiB makes batch lookups in a large `calls` table
/// two to three times slower.
const CACHE_SIZE_KIB: i64 = 64 * 1024;

/// Page size of new files (SQLite's maximum). Existing files keep the size they were
/// created with; see "Speed" in the module docs.
const PAGE_SIZE: i64 = 64 * 1024;

/// The WAL file is truncated back to this size after checkpoints (a large commit can grow
/// it well past that).
const JOURNAL_SIZE_LIMIT: i64 = 64 * 1024 * 1024;

/// Parameters per `IN (...)` lookup; SQLite's historic limit is 999.
const IN_CHUNK: usize = 900;

/// The first 16 bytes of every SQLite database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Ordered schema migrations; the version of `MIGRATIONS[i]` is `i + 1`.
const MIGRATIONS: &[Migration] = &[
    Migration { name: "initial schema", sql: include_str!("migrations/0001_initial.sql") },
    Migration { name: "finding source", sql: include_str!("migrations/0002_finding_source.sql") },
];

struct Migration {
    name: &'static str,
    sql: &'static str,
}

static KNOWN_CALLS_SQL: LazyLock<String> = LazyLock::new(|| {
    let mut sql = String::from("SELECT id FROM calls WHERE id IN (?");
    sql.push_str(&",?".repeat(IN_CHUNK.saturating_sub(1)));
    sql.push(')');
    sql
});

/// The embedded SQLite [`Store`]. One handle is one connection; open one per thread or
/// process (they coordinate through the file).
pub struct SqliteStore {
    conn: Connection,
    /// The path as given, or `:memory:`, for messages.
    label: String,
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore").field("path", &self.label).finish_non_exhaustive()
    }
}

// The trait requires `Send`; keep that a compile-time fact.
const _: fn() = || {
    fn assert_send<T: Send>() {}
    assert_send::<SqliteStore>();
};

impl SqliteStore {
    /// The schema version this build writes and understands.
    pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

    /// Opens the store at `path`, creating the file if it is missing and applying pending
    /// migrations.
    ///
    /// Refuses, without changing the file, a file that is not an SQLite database or is the
    /// database of another program ([`StoreError::Open`]) and a store written by a newer
    /// apiwarden ([`StoreError::TooNew`]).
    pub fn open(path: &Path) -> StoreResult<SqliteStore> {
        let label = path.display().to_string();
        if let Err(message) = check_file_header(path) {
            return Err(StoreError::Open { path: label, message });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|e| StoreError::Open { path: label.clone(), message: describe_open_error(&e) })?;
        SqliteStore::init(conn, label)
    }

    /// A private, empty store that lives as long as the handle (for tests and dry runs).
    pub fn open_in_memory() -> StoreResult<SqliteStore> {
        let label = ":memory:".to_owned();
        let conn = Connection::open_in_memory()
            .map_err(|e| StoreError::Open { path: label.clone(), message: describe_open_error(&e) })?;
        SqliteStore::init(conn, label)
    }

    fn init(mut conn: Connection, label: String) -> StoreResult<SqliteStore> {
        let open_error =
            |e: rusqlite::Error| StoreError::Open { path: label.clone(), message: describe_open_error(&e) };
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_error)?;

        // Read-only checks first: nothing may be written to a file we are going to refuse.
        let header = read_header(&conn).map_err(open_error)?;
        let foreign = match header.application_id {
            APPLICATION_ID => None,
            0 if header.version == 0 && header.objects == 0 => None, // new or empty file
            0 => Some(String::new()),
            other => Some(format!(", application id {other:#x}")),
        };
        if let Some(detail) = foreign {
            return Err(StoreError::Open {
                path: label.clone(),
                message: format!(
                    "file is not an apiwarden store (an SQLite database of another program{detail})"
                ),
            });
        }
        let version = header.version;
        check_version(&label, version)?;

        if version == 0 {
            // A new, empty file: the page size can only be chosen before the first write.
            conn.pragma_update(None, "page_size", PAGE_SIZE).map_err(open_error)?;
        }
        // Switching to WAL needs the file to itself, and SQLite answers BUSY at once rather
        // than waiting (its busy handler does not apply), so two processes opening a new
        // store together must retry here.
        let mode: String = retry_while_busy(|| {
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))
        })
        .map_err(open_error)?;
        if !mode.eq_ignore_ascii_case("wal") && label != ":memory:" {
            tracing::warn!(
                store = %label,
                journal_mode = %mode,
                "the store could not switch to WAL mode; readers and the writer will block each other"
            );
        }
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(open_error)?;
        conn.pragma_update(None, "foreign_keys", true).map_err(open_error)?;
        conn.pragma_update(None, "cache_size", -CACHE_SIZE_KIB).map_err(open_error)?;
        conn.pragma_update(None, "journal_size_limit", JOURNAL_SIZE_LIMIT).map_err(open_error)?;
        conn.set_prepared_statement_cache_capacity(32);

        if version < SqliteStore::SCHEMA_VERSION {
            migrate(&mut conn, &label)?;
        }
        Ok(SqliteStore { conn, label })
    }
}

/// Runs `f` again while SQLite reports the file busy or locked, up to [`BUSY_TIMEOUT`].
fn retry_while_busy<T>(mut f: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match f() {
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
                ) && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(15));
            }
            other => return other,
        }
    }
}

/// Refuses a non-empty file that does not start like an SQLite database, before SQLite
/// opens it (SQLite would only notice at the first read, and treats some short files as
/// empty databases it may write to).
fn check_file_header(path: &Path) -> Result<(), String> {
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("cannot read the file: {e}")),
    };
    let mut head = [0u8; 16];
    let mut filled = 0;
    while filled < head.len() {
        let rest = head.get_mut(filled..).unwrap_or_default();
        match file.read(rest) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("cannot read the file: {e}")),
        }
    }
    if filled == 0 || (filled == head.len() && &head == SQLITE_MAGIC) {
        Ok(())
    } else {
        Err("file is not an apiwarden store (not a database)".to_owned())
    }
}

struct Header {
    application_id: i32,
    version: i64,
    /// Tables, indexes, views and triggers.
    objects: i64,
}

/// Reads the header fields in one statement, so in one snapshot: another process may be
/// migrating the file right now.
fn read_header(conn: &Connection) -> rusqlite::Result<Header> {
    conn.query_row(
        "SELECT (SELECT application_id FROM pragma_application_id()),
                (SELECT user_version FROM pragma_user_version()),
                (SELECT count(*) FROM sqlite_schema)",
        [],
        |row| Ok(Header { application_id: row.get(0)?, version: row.get(1)?, objects: row.get(2)? }),
    )
}

fn check_version(label: &str, found: i64) -> StoreResult<()> {
    if found > SqliteStore::SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: label.to_owned(),
            found,
            supported: SqliteStore::SCHEMA_VERSION,
        });
    }
    Ok(())
}

fn migrate(conn: &mut Connection, label: &str) -> StoreResult<()> {
    let failed = |step: &str, e: rusqlite::Error| StoreError::Open {
        path: label.to_owned(),
        message: format!("{step}: {}", describe_open_error(&e)),
    };
    for (version, migration) in (1_i64..).zip(MIGRATIONS) {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| failed("cannot lock it to upgrade its schema", e))?;
        // Another process may have migrated since we looked.
        let current: i64 = tx
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(|e| failed("cannot read its schema version", e))?;
        check_version(label, current)?;
        if current >= version {
            continue;
        }
        let step = format!("schema migration {version} ({}) failed", migration.name);
        tx.execute_batch(migration.sql).map_err(|e| failed(&step, e))?;
        tx.pragma_update(None, "application_id", APPLICATION_ID).map_err(|e| failed(&step, e))?;
        tx.pragma_update(None, "user_version", version).map_err(|e| failed(&step, e))?;
        tx.commit().map_err(|e| failed(&step, e))?;
        tracing::info!(store = %label, version, migration = migration.name, "applied store migration");
    }
    Ok(())
}

/// One sentence on why a file could not be opened.
fn describe_open_error(e: &rusqlite::Error) -> String {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => "file is not an apiwarden store (not a database)".to_owned(),
        Some(ErrorCode::DatabaseCorrupt) => format!("file is damaged ({e})"),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            format!("another process kept it locked for more than {} s", BUSY_TIMEOUT.as_secs())
        }
        Some(ErrorCode::CannotOpen) => {
            "cannot create or open the file (does its folder exist, and may we write there?)".to_owned()
        }
        Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied) => {
            format!("the file or its folder is not writable ({e})")
        }
        _ => e.to_string(),
    }
}

fn db_error(context: &str, e: rusqlite::Error) -> StoreError {
    StoreError::Database(format!("{context}: {e}"))
}

fn is_primary_key_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(err, _)
            if err.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    )
}

/// SQLite integers are signed; counts beyond `i64::MAX` saturate.
fn sql_count(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn call_key(id: CallId) -> [u8; 16] {
    id.0.to_be_bytes()
}

fn severity_rank(severity: Severity) -> i64 {
    match severity {
        Severity::Info => 0,
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 3,
        Severity::Critical => 4,
    }
}

/// Decodes the JSON in column `idx`; anything else is [`StoreError::Corrupt`] about `what`.
fn json_column<T: DeserializeOwned>(
    row: &Row<'_>,
    idx: usize,
    what: impl FnOnce() -> String,
) -> StoreResult<T> {
    let value = row.get_ref(idx).map_err(|e| db_error("reading a row", e))?;
    let bytes = match value {
        ValueRef::Text(bytes) | ValueRef::Blob(bytes) => bytes,
        other => {
            return Err(StoreError::Corrupt {
                what: what(),
                message: format!("expected JSON text, found {}", other.data_type()),
            });
        }
    };
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt { what: what(), message: e.to_string() })
}

fn to_json<T: serde::Serialize>(value: &T, what: impl FnOnce() -> String) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Database(format!("cannot encode {}: {e}", what())))
}

/// A host update with everything that needs no database already done (validated and
/// encoded), so that the write lock is held only for writing.
struct EncodedHost<'a> {
    update: &'a HostUpdate<'a>,
    state: String,
    endpoints: Vec<(&'a Endpoint, String)>,
}

/// `findings.source` of findings derived from a host's traffic (see migration 2).
const TRAFFIC_SOURCE: &str = "traffic";
const EXTERNAL_SOURCE: &str = "external";

fn encode_host<'a>(update: &'a HostUpdate<'a>) -> StoreResult<EncodedHost<'a>> {
    let host = update.host;
    if update.state.host != host {
        return Err(StoreError::Database(format!(
            "cannot commit host {host:?}: its state is for host {:?}",
            update.state.host
        )));
    }
    let state = to_json(update.state, || format!("the state of host {host:?}"))?;
    let mut endpoints = Vec::with_capacity(update.endpoints.len());
    for endpoint in update.endpoints {
        if endpoint.key.host != host {
            return Err(StoreError::Database(format!(
                "cannot commit host {host:?}: it lists endpoint {} of another host",
                endpoint.key
            )));
        }
        endpoints.push((endpoint, to_json(endpoint, || format!("endpoint {}", endpoint.key))?));
    }
    for finding in update.findings.unwrap_or_default() {
        if finding.endpoint.as_ref().is_none_or(|key| key.host != host) {
            return Err(StoreError::Database(format!(
                "cannot commit host {host:?}: traffic finding {:?} is not about one of its endpoints",
                finding.id
            )));
        }
    }
    Ok(EncodedHost { update, state, endpoints })
}

fn write_host(tx: &rusqlite::Transaction<'_>, host: &EncodedHost<'_>, now: i64) -> StoreResult<()> {
    let name = host.update.host;
    let context = || format!("writing host {name:?}");
    let stored: Option<i64> = tx
        .prepare_cached("SELECT version FROM host_state WHERE host = ?1")
        .and_then(|mut stmt| stmt.query_row([name], |row| row.get(0)).optional())
        .map_err(|e| db_error(&context(), e))?;
    let current = match stored {
        None => 0,
        Some(version) => u64::try_from(version).map_err(|_| StoreError::Corrupt {
            what: format!("host_state row for host {name:?}"),
            message: format!("negative version {version}"),
        })?,
    };
    if current != host.update.expected_version {
        return Err(StoreError::Conflict(format!(
            "host {name} is at version {current}, the batch was based on version {}",
            host.update.expected_version
        )));
    }
    let next = i64::try_from(current.saturating_add(1))
        .map_err(|_| StoreError::Database(format!("host {name:?}: version counter overflow")))?;
    let sql = if stored.is_some() {
        "UPDATE host_state SET version = ?2, state = ?3, updated_at_us = ?4 WHERE host = ?1"
    } else {
        "INSERT INTO host_state (host, version, state, updated_at_us) VALUES (?1, ?2, ?3, ?4)"
    };
    tx.prepare_cached(sql)
        .and_then(|mut stmt| stmt.execute(rusqlite::params![name, next, host.state, now]))
        .map_err(|e| db_error(&context(), e))?;

    tx.prepare_cached("DELETE FROM endpoints WHERE host = ?1")
        .and_then(|mut stmt| stmt.execute([name]))
        .map_err(|e| db_error(&context(), e))?;
    let mut insert = tx
        .prepare_cached(
            "INSERT INTO endpoints (host, template, method, calls, first_seen_us, last_seen_us, data)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .map_err(|e| db_error(&context(), e))?;
    for (endpoint, data) in &host.endpoints {
        let result = insert.execute(rusqlite::params![
            name,
            endpoint.key.template,
            endpoint.key.method,
            sql_count(endpoint.calls),
            endpoint.first_seen_us,
            endpoint.last_seen_us,
            data,
        ]);
        match result {
            Ok(_) => {}
            Err(e) if is_primary_key_violation(&e) => {
                return Err(StoreError::Database(format!(
                    "cannot commit host {name:?}: it lists endpoint {} twice",
                    endpoint.key
                )));
            }
            Err(e) => return Err(db_error(&context(), e)),
        }
    }
    // Traffic findings are recomputed from the whole state: replace, never add.
    if let Some(findings) = host.update.findings {
        tx.prepare_cached("DELETE FROM findings WHERE host = ?1 AND source = ?2")
            .and_then(|mut stmt| stmt.execute(rusqlite::params![name, TRAFFIC_SOURCE]))
            .map_err(|e| db_error(&context(), e))?;
        for finding in findings {
            upsert_finding(tx, finding, TRAFFIC_SOURCE)?;
        }
    }
    Ok(())
}

fn endpoint_key_columns(row: &Row<'_>) -> rusqlite::Result<(String, String, String)> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?))
}

fn upsert_finding(tx: &rusqlite::Transaction<'_>, finding: &Finding, source: &str) -> StoreResult<()> {
    let context = || format!("writing finding {:?}", finding.id);
    let data = to_json(finding, || format!("finding {:?}", finding.id))?;
    tx.prepare_cached(
        "INSERT INTO findings (id, severity, category, rule, host, count, first_seen_us, last_seen_us, data, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (id) DO UPDATE SET
             severity = excluded.severity, category = excluded.category, rule = excluded.rule,
             host = excluded.host, count = excluded.count, first_seen_us = excluded.first_seen_us,
             last_seen_us = excluded.last_seen_us, data = excluded.data, source = excluded.source",
    )
    .and_then(|mut stmt| {
        stmt.execute(rusqlite::params![
            finding.id,
            severity_rank(finding.severity),
            finding.category.code(),
            finding.rule,
            finding.endpoint.as_ref().map(|key| key.host.as_str()),
            sql_count(finding.count),
            finding.first_seen_us,
            finding.last_seen_us,
            data,
            source,
        ])
    })
    .map_err(|e| db_error(&context(), e))?;
    Ok(())
}

impl Store for SqliteStore {
    fn known_calls(&self, ids: &[CallId]) -> StoreResult<HashSet<CallId>> {
        let mut keys: Vec<[u8; 16]> = ids.iter().copied().map(call_key).collect();
        // Sorted probes walk the B-tree in order: about three times faster than random order.
        keys.sort_unstable();
        keys.dedup();
        let mut known = HashSet::new();
        let context = "looking up recorded calls";
        let mut stmt = self.conn.prepare_cached(&KNOWN_CALLS_SQL).map_err(|e| db_error(context, e))?;
        for chunk in keys.chunks(IN_CHUNK) {
            let Some(last) = chunk.last() else { continue };
            // Pad the last chunk with a repeated id so that one cached statement serves all.
            let padding = std::iter::repeat_n(last, IN_CHUNK - chunk.len());
            let mut rows = stmt
                .query(rusqlite::params_from_iter(chunk.iter().chain(padding)))
                .map_err(|e| db_error(context, e))?;
            while let Some(row) = rows.next().map_err(|e| db_error(context, e))? {
                let key: [u8; 16] = row.get(0).map_err(|e| StoreError::Corrupt {
                    what: "calls table".to_owned(),
                    message: format!("a call id is not 16 bytes: {e}"),
                })?;
                known.insert(CallId(u128::from_be_bytes(key)));
            }
        }
        Ok(known)
    }

    fn load_host(&self, host: &str) -> StoreResult<VersionedHost> {
        let what = || format!("host_state row for host {host:?}");
        let mut stmt = self
            .conn
            .prepare_cached("SELECT version, state FROM host_state WHERE host = ?1")
            .map_err(|e| db_error("loading a host", e))?;
        let mut rows = stmt.query([host]).map_err(|e| db_error("loading a host", e))?;
        let Some(row) = rows.next().map_err(|e| db_error("loading a host", e))? else {
            return Ok(VersionedHost {
                version: 0,
                state: HostInventory { host: host.to_owned(), ..HostInventory::default() },
            });
        };
        let version: i64 = row.get(0).map_err(|e| db_error("loading a host", e))?;
        let version = u64::try_from(version)
            .ok()
            .filter(|v| *v > 0)
            .ok_or_else(|| StoreError::Corrupt { what: what(), message: format!("bad version {version}") })?;
        let state: HostInventory = json_column(row, 1, what)?;
        if state.host != host {
            return Err(StoreError::Corrupt {
                what: what(),
                message: format!("the state is for host {:?}", state.host),
            });
        }
        Ok(VersionedHost { version, state })
    }

    fn commit(&mut self, commit: &Commit<'_>) -> StoreResult<()> {
        let mut keys: Vec<[u8; 16]> = commit.calls.iter().copied().map(call_key).collect();
        keys.sort_unstable();
        // A call listed twice would be merged twice; that is the writer's bug, and retrying
        // would not help, so it is not a Conflict.
        if let Some(twice) = keys.windows(2).find_map(|w| match w {
            [a, b] if a == b => Some(*a),
            _ => None,
        }) {
            return Err(StoreError::Database(format!(
                "the commit lists call {} twice",
                CallId(u128::from_be_bytes(twice))
            )));
        }
        let mut seen_hosts = HashSet::new();
        let mut hosts = Vec::with_capacity(commit.hosts.len());
        for update in &commit.hosts {
            if !seen_hosts.insert(update.host) {
                return Err(StoreError::Database(format!("the commit updates host {:?} twice", update.host)));
            }
            hosts.push(encode_host(update)?);
        }

        let now = now_us();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| db_error("starting a commit", e))?;
        {
            let mut insert = tx
                .prepare_cached("INSERT INTO calls (id, recorded_at_us) VALUES (?1, ?2)")
                .map_err(|e| db_error("recording calls", e))?;
            for key in &keys {
                match insert.execute(rusqlite::params![key, now]) {
                    Ok(_) => {}
                    Err(e) if is_primary_key_violation(&e) => {
                        // Dropping `tx` rolls everything back.
                        return Err(StoreError::Conflict(format!(
                            "call {} was already recorded",
                            CallId(u128::from_be_bytes(*key))
                        )));
                    }
                    Err(e) => return Err(db_error("recording calls", e)),
                }
            }
        }
        for host in &hosts {
            write_host(&tx, host, now)?;
        }
        tx.commit().map_err(|e| db_error("committing", e))?;
        tracing::debug!(store = %self.label, calls = keys.len(), hosts = hosts.len(), "committed batch");
        Ok(())
    }

    fn hosts(&self) -> StoreResult<Vec<HostSummary>> {
        let context = "listing hosts";
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT host, count(*), sum(calls), min(first_seen_us), max(last_seen_us)
                 FROM endpoints GROUP BY host ORDER BY host",
            )
            .map_err(|e| db_error(context, e))?;
        let rows = stmt
            .query_map([], |row| {
                Ok(HostSummary {
                    host: row.get(0)?,
                    endpoints: u64::try_from(row.get::<_, i64>(1)?).unwrap_or(0),
                    calls: u64::try_from(row.get::<_, i64>(2)?).unwrap_or(0),
                    first_seen_us: row.get(3)?,
                    last_seen_us: row.get(4)?,
                })
            })
            .map_err(|e| db_error(context, e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| db_error(context, e))
    }

    fn endpoints(&self, host: Option<&str>) -> StoreResult<Vec<Endpoint>> {
        let context = "listing endpoints";
        let sql = match host {
            Some(_) => {
                "SELECT host, template, method, data FROM endpoints WHERE host = ?1
                 ORDER BY host, template, method"
            }
            None => "SELECT host, template, method, data FROM endpoints ORDER BY host, template, method",
        };
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| db_error(context, e))?;
        let mut rows = match host {
            Some(host) => stmt.query([host]),
            None => stmt.query([]),
        }
        .map_err(|e| db_error(context, e))?;
        let mut endpoints = Vec::new();
        while let Some(row) = rows.next().map_err(|e| db_error(context, e))? {
            let (host, template, method) = endpoint_key_columns(row).map_err(|e| db_error(context, e))?;
            let what = || format!("endpoints row {method} {host}{template}");
            let endpoint: Endpoint = json_column(row, 3, what)?;
            if endpoint.key.host != host || endpoint.key.template != template || endpoint.key.method != method
            {
                return Err(StoreError::Corrupt {
                    what: what(),
                    message: format!("the stored endpoint is {}", endpoint.key),
                });
            }
            endpoints.push(endpoint);
        }
        Ok(endpoints)
    }

    fn upsert_findings(&mut self, findings: &[Finding]) -> StoreResult<()> {
        let context = "storing findings";
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| db_error(context, e))?;
        for finding in findings {
            let stored: Option<Finding> = {
                let mut stmt = tx
                    .prepare_cached("SELECT data FROM findings WHERE id = ?1")
                    .map_err(|e| db_error(context, e))?;
                let mut rows = stmt.query([&finding.id]).map_err(|e| db_error(context, e))?;
                match rows.next().map_err(|e| db_error(context, e))? {
                    Some(row) => Some(json_column(row, 0, || format!("findings row {:?}", finding.id))?),
                    None => None,
                }
            };
            match stored {
                Some(mut merged) => {
                    merged.merge(finding);
                    upsert_finding(&tx, &merged, EXTERNAL_SOURCE)?;
                }
                None => upsert_finding(&tx, finding, EXTERNAL_SOURCE)?,
            }
        }
        tx.commit().map_err(|e| db_error(context, e))
    }

    fn findings(&self, filter: &FindingFilter) -> StoreResult<Vec<Finding>> {
        let context = "listing findings";
        let min = filter.min_severity.map_or(0, severity_rank);
        let sql = match filter.host {
            Some(_) => {
                "SELECT id, data FROM findings WHERE severity >= ?1 AND host = ?2
                 ORDER BY severity DESC, last_seen_us DESC, id"
            }
            None => {
                "SELECT id, data FROM findings WHERE severity >= ?1
                 ORDER BY severity DESC, last_seen_us DESC, id"
            }
        };
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| db_error(context, e))?;
        let mut rows = match &filter.host {
            Some(host) => stmt.query(rusqlite::params![min, host]),
            None => stmt.query([min]),
        }
        .map_err(|e| db_error(context, e))?;
        let mut findings = Vec::new();
        while let Some(row) = rows.next().map_err(|e| db_error(context, e))? {
            let id: String = row.get(0).map_err(|e| db_error(context, e))?;
            findings.push(json_column(row, 1, || format!("findings row {id:?}"))?);
        }
        Ok(findings)
    }

    fn put_spec(&mut self, spec: &StoredSpec) -> StoreResult<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO specs (origin, content, added_at_us) VALUES (?1, ?2, ?3)
                 ON CONFLICT (origin) DO UPDATE
                 SET content = excluded.content, added_at_us = excluded.added_at_us",
            )
            .and_then(|mut stmt| stmt.execute(rusqlite::params![spec.origin, spec.content, spec.added_at_us]))
            .map_err(|e| db_error(&format!("storing spec {:?}", spec.origin), e))?;
        Ok(())
    }

    /// Sorted by origin.
    fn specs(&self) -> StoreResult<Vec<StoredSpec>> {
        let context = "listing specs";
        let mut stmt = self
            .conn
            .prepare_cached("SELECT origin, content, added_at_us FROM specs ORDER BY origin")
            .map_err(|e| db_error(context, e))?;
        let rows = stmt
            .query_map([], |row| {
                Ok(StoredSpec { origin: row.get(0)?, content: row.get(1)?, added_at_us: row.get(2)? })
            })
            .map_err(|e| db_error(context, e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| db_error(context, e))
    }

    fn record_run(&mut self, run: &IngestRun) -> StoreResult<()> {
        let summary = to_json(run, || "the ingest run".to_owned())?;
        self.conn
            .prepare_cached(
                "INSERT INTO ingest_runs (started_at_us, finished_at_us, summary) VALUES (?1, ?2, ?3)",
            )
            .and_then(|mut stmt| {
                stmt.execute(rusqlite::params![run.started_at_us, run.finished_at_us, summary])
            })
            .map_err(|e| db_error("recording the ingest run", e))?;
        Ok(())
    }

    /// Newest first: by start time, then by the order they were recorded.
    fn runs(&self, limit: usize) -> StoreResult<Vec<IngestRun>> {
        let context = "listing ingest runs";
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, summary FROM ingest_runs ORDER BY started_at_us DESC, id DESC LIMIT ?1",
            )
            .map_err(|e| db_error(context, e))?;
        let mut rows =
            stmt.query([i64::try_from(limit).unwrap_or(i64::MAX)]).map_err(|e| db_error(context, e))?;
        let mut runs = Vec::new();
        while let Some(row) = rows.next().map_err(|e| db_error(context, e))? {
            let id: i64 = row.get(0).map_err(|e| db_error(context, e))?;
            runs.push(json_column(row, 1, || format!("ingest_runs row {id}"))?);
        }
        Ok(runs)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn severity_ranks_follow_severity_order() {
        let all = [Severity::Info, Severity::Low, Severity::Medium, Severity::High, Severity::Critical];
        for pair in all.windows(2) {
            assert!(pair[0] < pair[1]);
            assert!(severity_rank(pair[0]) < severity_rank(pair[1]));
        }
        assert_eq!(severity_rank(Severity::Info), 0);
        assert_eq!(severity_rank(Severity::Critical), 4);
    }

    #[test]
    fn call_keys_sort_like_call_ids() {
        let mut ids = vec![CallId(u128::MAX), CallId(0), CallId(1 << 64), CallId(255), CallId(256)];
        let mut keys: Vec<_> = ids.iter().copied().map(call_key).collect();
        ids.sort();
        keys.sort();
        let back: Vec<_> = keys.into_iter().map(|k| CallId(u128::from_be_bytes(k))).collect();
        assert_eq!(back, ids);
    }

    #[test]
    fn known_calls_sql_has_one_parameter_per_chunk_slot() {
        assert_eq!(KNOWN_CALLS_SQL.matches('?').count(), IN_CHUNK);
    }

    #[test]
    fn missing_and_empty_files_are_acceptable_headers() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.db");
        assert_eq!(check_file_header(&missing), Ok(()));
        let empty = dir.path().join("empty.db");
        std::fs::write(&empty, b"").unwrap();
        assert_eq!(check_file_header(&empty), Ok(()));
        let garbage = dir.path().join("garbage.db");
        std::fs::write(&garbage, b"GIF89a").unwrap();
        assert!(check_file_header(&garbage).is_err());
    }

    #[test]
    fn an_empty_existing_file_becomes_a_store() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.db");
        std::fs::write(&path, b"").unwrap();
        let store = SqliteStore::open(&path).unwrap();
        assert!(store.hosts().unwrap().is_empty());
    }

    #[test]
    fn in_memory_store_is_migrated_and_usable() {
        let mut store = SqliteStore::open_in_memory().unwrap();
        let version: i64 = store.conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, SqliteStore::SCHEMA_VERSION);
        let fk: i64 = store.conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
        let page_size: i64 = store.conn.pragma_query_value(None, "page_size", |r| r.get(0)).unwrap();
        assert_eq!(page_size, PAGE_SIZE);

        let state = HostInventory { host: "h".into(), ..Default::default() };
        let ids = [CallId(1), CallId(2)];
        store
            .commit(&Commit {
                calls: &ids,
                hosts: vec![HostUpdate {
                    host: "h",
                    expected_version: 0,
                    state: &state,
                    endpoints: &[],
                    findings: None,
                }],
            })
            .unwrap();
        assert_eq!(store.load_host("h").unwrap(), VersionedHost { version: 1, state });
        assert_eq!(store.known_calls(&[CallId(2), CallId(3)]).unwrap(), HashSet::from([CallId(2)]));
    }

    #[test]
    fn an_empty_commit_is_a_no_op() {
        let mut store = SqliteStore::open_in_memory().unwrap();
        store.commit(&Commit::default()).unwrap();
        assert!(store.hosts().unwrap().is_empty());
    }

    #[test]
    fn debug_shows_the_path() {
        let store = SqliteStore::open_in_memory().unwrap();
        assert!(format!("{store:?}").contains(":memory:"));
    }
}

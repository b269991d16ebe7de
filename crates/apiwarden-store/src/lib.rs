//! Where apiwarden keeps what it learnt: the discovery state, the materialised inventory,
//! findings, user specs and the record of ingest runs.
//!
//! [`Store`] is the one interface; [`SqliteStore`] is the embedded default (one file,
//! migrations applied on open). A PostgreSQL backend for cluster mode implements the same
//! trait.
//!
//! ## Consistency model
//! Writers use optimistic concurrency. A writer loads the state of the hosts it will touch
//! ([`Store::load_host`], which carries a version), merges its new calls into that state in
//! memory, and hands the result to [`Store::commit`] together with the ids of the calls it
//! merged. The commit is one transaction that
//! 1. records the call ids, failing with [`StoreError::Conflict`] if any was already
//!    recorded (another writer ingested the same call since it was checked), and
//! 2. replaces each host's state and endpoints, failing with [`StoreError::Conflict`] if the
//!    host's version moved since it was loaded.
//!
//! On conflict nothing is written and the writer reloads and retries. So the same call is
//! never counted twice, and a failed or interrupted run leaves the store as it was.

mod sqlite;

use std::collections::HashSet;

use apiwarden_core::discovery::HostInventory;
use apiwarden_core::finding::Severity;
use apiwarden_core::{CallId, Endpoint, Finding};
use serde::{Deserialize, Serialize};

pub use sqlite::SqliteStore;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another writer changed what this commit was based on; reload and retry.
    #[error("the store changed while this batch was prepared ({0}); retry")]
    Conflict(String),
    #[error("cannot open store {path}: {message}")]
    Open { path: String, message: String },
    /// The file was written by a newer apiwarden.
    #[error("store {path} has schema version {found}, newer than this apiwarden understands ({supported})")]
    TooNew { path: String, found: i64, supported: i64 },
    #[error("stored data is corrupt ({what}): {message}")]
    Corrupt { what: String, message: String },
    #[error("database error: {0}")]
    Database(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A host's discovery state as loaded, with the version a commit must match.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VersionedHost {
    /// 0 when the host was not in the store yet.
    pub version: u64,
    pub state: HostInventory,
}

/// The new state of one host, replacing what was stored at `expected_version`.
#[derive(Clone, Debug)]
pub struct HostUpdate<'a> {
    pub host: &'a str,
    pub expected_version: u64,
    pub state: &'a HostInventory,
    /// The endpoints materialised from `state`; they replace the host's stored endpoints.
    pub endpoints: &'a [Endpoint],
    /// Findings derived from `state` (sensitive data, posture): they replace the host's
    /// stored traffic findings; `None` leaves those as they are. Findings from other sources
    /// are never touched.
    pub findings: Option<&'a [Finding]>,
}

/// One atomic write of an ingest batch.
#[derive(Clone, Debug, Default)]
pub struct Commit<'a> {
    /// Calls merged into the host states of this commit; each must be new to the store.
    pub calls: &'a [CallId],
    pub hosts: Vec<HostUpdate<'a>>,
}

/// A summary of one ingest run, kept for `inventory` and for audit.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IngestRun {
    pub started_at_us: i64,
    pub finished_at_us: i64,
    /// Files and folders named by the user.
    pub sources: Vec<String>,
    /// Calls read from the sources.
    pub calls_read: u64,
    /// Calls new to the store and merged into the inventory.
    pub calls_new: u64,
    /// Calls the store already had (idempotent re-ingest).
    pub calls_duplicate: u64,
    /// Entries or lines skipped as invalid.
    pub entries_skipped: u64,
    /// Calls read but left out of the inventory on purpose (static files, CORS preflights).
    pub calls_ignored: u64,
    /// One line per problem, bounded.
    pub problems: Vec<String>,
}

/// A user-supplied OpenAPI document, kept so that later runs use its templates too.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredSpec {
    /// Where it came from (file path as given).
    pub origin: String,
    /// The document text (JSON or YAML) as given.
    pub content: String,
    pub added_at_us: i64,
}

/// Per-host overview.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HostSummary {
    pub host: String,
    pub endpoints: u64,
    pub calls: u64,
    pub first_seen_us: i64,
    pub last_seen_us: i64,
}

/// Which findings to list.
#[derive(Clone, Debug, Default)]
pub struct FindingFilter {
    pub host: Option<String>,
    /// Only findings at or above this severity.
    pub min_severity: Option<Severity>,
}

/// The storage interface shared by the SQLite and PostgreSQL backends.
pub trait Store: Send {
    /// Which of `ids` the store has already recorded.
    fn known_calls(&self, ids: &[CallId]) -> StoreResult<HashSet<CallId>>;

    /// The stored discovery state of a host (empty, version 0, when unknown).
    fn load_host(&self, host: &str) -> StoreResult<VersionedHost>;

    /// Applies one batch atomically (see the crate docs for the conflict rules).
    fn commit(&mut self, commit: &Commit<'_>) -> StoreResult<()>;

    /// Every known host, sorted by name.
    fn hosts(&self) -> StoreResult<Vec<HostSummary>>;

    /// Materialised endpoints, of one host or all, sorted by host, template, method.
    fn endpoints(&self, host: Option<&str>) -> StoreResult<Vec<Endpoint>>;

    /// Adds findings, merging those whose id is already stored ([`Finding::merge`]).
    fn upsert_findings(&mut self, findings: &[Finding]) -> StoreResult<()>;

    /// Findings, most severe first, then most recent.
    fn findings(&self, filter: &FindingFilter) -> StoreResult<Vec<Finding>>;

    /// Records a user spec; the same origin replaces its earlier content.
    fn put_spec(&mut self, spec: &StoredSpec) -> StoreResult<()>;

    fn specs(&self) -> StoreResult<Vec<StoredSpec>>;

    fn record_run(&mut self, run: &IngestRun) -> StoreResult<()>;

    /// The most recent runs, newest first.
    fn runs(&self, limit: usize) -> StoreResult<Vec<IngestRun>>;
}

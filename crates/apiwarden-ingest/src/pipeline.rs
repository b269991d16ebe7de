//! The batch ingestion pipeline: sources → parallel parse → dedupe → parallel analysis →
//! one atomic commit per file.
//!
//! ```text
//!  reader thread                 main thread                          rayon pool
//!  ─────────────                 ───────────                          ──────────
//!  read + gunzip + split  ──▶    chunk N+1 of raw records  ───────▶   HAR entry / line → ApiCall
//!  (bounded channel)             drop calls already seen
//!                                (this file, or in the store)
//!                                    … meanwhile, chunk N  ───────▶   each worker: decode bodies,
//!                                                                     observe its share into its
//!                                                                     own state for the file
//!  end of file ─────────────▶    merge worker states, load host states, merge, template,
//!                                commit (one transaction)
//! ```
//!
//! Memory is bounded by the chunks in flight (one being filled by the reader, one in the
//! channel, one being parsed, one being observed; each at most 2,048 entries or 4 MiB), the
//! per-worker discovery states (bounded by their own caps, folded as they pass them) and the
//! ids of the file's new calls (16 bytes each). A file's calls are committed together with
//! their ids in one transaction, so a failed or interrupted run leaves the store as it was,
//! and running the same file again adds nothing.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use apiwarden_core::analysis::DecodedCall;
use apiwarden_core::decode::{DecodeLimits, DecoderRegistry};
use apiwarden_core::discovery::{InventoryState, Observer, ObserverConfig, TemplateOverride, host_endpoints};
use apiwarden_core::har::{HarLimits, entry_to_call};
use apiwarden_core::inspect::Inspector;
use apiwarden_core::jsonl::line_to_call;
use apiwarden_core::model::now_us;
use apiwarden_core::{ApiCall, CallId, CountedCall};
use apiwarden_store::{Commit, HostUpdate, IngestRun, Store, StoreError};
use rayon::prelude::*;

use crate::source::{ReadOutcome, Record, SourceError, SourceFile, SourceLimits, expand_inputs};

/// At most this many problem lines are kept per run (the counts are always exact).
const MAX_PROBLEMS: usize = 50;
/// Raw bytes handed to the workers at a time: with at most four chunks in flight, large
/// entries cannot pile up more than a few times this in memory. 4 MiB kept the peak RSS of
/// a 1.2 GB HAR with 3 KB bodies under 300 MB with classification on (16 MiB: about 325
/// MiB) at the same throughput on 1 KB bodies (BENCHMARKS.md).
const MAX_CHUNK_BYTES: usize = 4 * 1024 * 1024;
/// Times a commit is retried when another writer changed the same hosts meanwhile.
const COMMIT_ATTEMPTS: usize = 5;

#[derive(Clone, Debug)]
pub struct IngestConfig {
    pub decode: DecodeLimits,
    pub har: HarLimits,
    pub source: SourceLimits,
    pub observer: ObserverConfig,
    /// Raw records handed to the worker pool at a time.
    pub chunk_size: usize,
}

impl Default for IngestConfig {
    fn default() -> Self {
        IngestConfig {
            decode: DecodeLimits::default(),
            har: HarLimits::default(),
            source: SourceLimits::default(),
            observer: ObserverConfig::default(),
            chunk_size: 2048,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Another process committed some of the same calls while this file was read; reading
    /// the file again (with those calls now known) gives the exact result.
    #[error("another ingest recorded some of the same calls at the same time")]
    CallsTakenConcurrently,
}

/// What happened to one input file.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct FileReport {
    pub path: String,
    pub calls_read: u64,
    pub calls_new: u64,
    pub calls_duplicate: u64,
    pub calls_ignored: u64,
    pub entries_skipped: u64,
    /// Noise left out of the inventory, by reason.
    pub calls_ignored_by_reason: BTreeMap<String, u64>,
    /// The file could not be used at all; nothing from it was stored.
    pub rejected: Option<String>,
    /// The file ended early; the entries before the cut were stored.
    pub truncated: Option<String>,
}

/// What a whole run did.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct IngestReport {
    pub files: Vec<FileReport>,
    pub calls_read: u64,
    pub calls_new: u64,
    pub calls_duplicate: u64,
    pub entries_skipped: u64,
    /// Calls left out of the inventory on purpose, by reason.
    pub calls_ignored: BTreeMap<String, u64>,
    pub hosts: Vec<String>,
    /// One line per problem, at most [`MAX_PROBLEMS`].
    pub problems: Vec<String>,
    pub problems_omitted: u64,
    pub bytes_read: u64,
    pub elapsed_ms: u64,
}

impl IngestReport {
    /// True when every input was read completely and no entry was skipped.
    pub fn is_clean(&self) -> bool {
        self.entries_skipped == 0 && self.files.iter().all(|f| f.rejected.is_none() && f.truncated.is_none())
    }

    fn problem(&mut self, line: String) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(line);
        } else {
            self.problems_omitted += 1;
        }
    }

    pub fn calls_ignored_total(&self) -> u64 {
        self.calls_ignored.values().sum()
    }
}

/// Calls of a live source observed but not committed yet ([`Ingestor::observe_live`]).
#[derive(Default)]
pub struct LiveBatch {
    state: InventoryState,
    /// Calls analysed (their ids are recorded in the store).
    ids: Vec<CallId>,
    /// Calls counted without analysis ([`Ingestor::count_live`]).
    counted: usize,
    report: CallsReport,
}

impl LiveBatch {
    /// Calls observed or counted since the last commit.
    pub fn len(&self) -> usize {
        self.ids.len() + self.counted
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Calls counted without analysis since the last commit.
    pub fn counted(&self) -> usize {
        self.counted
    }
}

/// A live batch folds identifier-like paths every this many calls.
const FOLD_EVERY: usize = 2048;

/// What [`Ingestor::commit_live`] committed.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct CallsReport {
    /// Calls analysed into the inventory.
    pub calls_new: u64,
    /// Noise left out of the inventory (static files, preflights).
    pub calls_ignored: u64,
    pub hosts: Vec<String>,
}

/// Hooks for showing progress; every method has a no-op default.
pub trait Progress: Sync {
    fn file_started(&self, _path: &str, _size: Option<u64>) {}
    /// Bytes of the current file read so far (after decompression for gzip: of the file).
    fn file_position(&self, _bytes: u64) {}
    fn calls_processed(&self, _calls: u64) {}
    fn file_finished(&self, _report: &FileReport) {}
}

/// Progress that shows nothing.
pub struct NoProgress;
impl Progress for NoProgress {}

/// Ingests traffic files into a store.
pub struct Ingestor<'a> {
    store: &'a mut dyn Store,
    spec: Option<&'a (dyn TemplateOverride + Sync)>,
    config: IngestConfig,
    observer: Observer,
    registry: DecoderRegistry,
    inspector: Option<Arc<dyn Inspector>>,
}

impl<'a> Ingestor<'a> {
    pub fn new(store: &'a mut dyn Store, config: IngestConfig) -> Ingestor<'a> {
        let observer = Observer::new(config.observer.clone());
        Ingestor {
            store,
            spec: None,
            config,
            observer,
            registry: DecoderRegistry::default(),
            inspector: None,
        }
    }

    /// Runs `inspector` (sensitive data, posture checks) on every observed call and stores
    /// the findings it derives. Without one, stored traffic findings are left as they are.
    pub fn with_inspector(mut self, inspector: Option<Arc<dyn Inspector>>) -> Self {
        self.observer = self.observer.with_inspector(inspector.clone());
        self.inspector = inspector;
        self
    }

    /// Templates from a user's spec win over inferred ones.
    pub fn with_spec(mut self, spec: Option<&'a (dyn TemplateOverride + Sync)>) -> Self {
        self.spec = spec;
        self
    }

    /// Reads every input (files, folders, `-` for stdin) and commits each file atomically.
    /// A missing input fails before anything is read; a bad file is reported and skipped.
    pub fn ingest(
        &mut self,
        inputs: &[PathBuf],
        progress: &dyn Progress,
    ) -> Result<IngestReport, IngestError> {
        let started = Instant::now();
        let started_at_us = now_us();
        let files = expand_inputs(inputs)?;
        let mut report = IngestReport::default();
        let mut hosts: std::collections::BTreeSet<String> = Default::default();
        for file in &files {
            // Earlier files of this run are committed already, so the store dedupes across files.
            let mut attempt = 0;
            let (file_report, touched) = loop {
                attempt += 1;
                match self.ingest_file(file, &mut report, progress) {
                    Err(IngestError::CallsTakenConcurrently) if attempt < COMMIT_ATTEMPTS => continue,
                    other => break other?,
                }
            };
            hosts.extend(touched);
            report.calls_read += file_report.calls_read;
            report.calls_new += file_report.calls_new;
            report.calls_duplicate += file_report.calls_duplicate;
            report.entries_skipped += file_report.entries_skipped;
            progress.file_finished(&file_report);
            report.files.push(file_report);
        }
        report.hosts = hosts.into_iter().collect();
        report.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let run = IngestRun {
            started_at_us,
            finished_at_us: now_us(),
            sources: inputs.iter().map(|p| p.display().to_string()).collect(),
            calls_read: report.calls_read,
            calls_new: report.calls_new,
            calls_duplicate: report.calls_duplicate,
            entries_skipped: report.entries_skipped,
            calls_ignored: report.calls_ignored_total(),
            problems: report.problems.clone(),
        };
        self.store.record_run(&run)?;
        Ok(report)
    }

    fn ingest_file(
        &mut self,
        file: &SourceFile,
        report: &mut IngestReport,
        progress: &dyn Progress,
    ) -> Result<(FileReport, Vec<String>), IngestError> {
        let path = file.display_name();
        progress.file_started(&path, file.size());
        let mut file_report = FileReport { path: path.clone(), ..FileReport::default() };
        let bytes_read = Arc::new(AtomicU64::new(0));
        let mut limits = self.config.source.clone();
        limits.bytes_read = Some(bytes_read.clone());
        let chunk_size = self.config.chunk_size.max(1);

        let (sender, receiver) = crossbeam_channel::bounded::<Vec<Record>>(1);
        let mut workers: Vec<InventoryState> =
            (0..rayon::current_num_threads().max(1)).map(|_| InventoryState::default()).collect();
        let mut new_ids: Vec<CallId> = Vec::new();
        let mut file_seen: HashSet<CallId> = HashSet::new();
        let mut ignored: BTreeMap<&'static str, u64> = BTreeMap::new();
        let analysis =
            Analysis { observer: &self.observer, registry: &self.registry, limits: &self.config.decode };

        let outcome: Result<ReadOutcome, SourceError> = std::thread::scope(|scope| {
            let reader = scope.spawn(move || {
                let mut chunk = Vec::with_capacity(chunk_size);
                let mut chunk_bytes = 0usize;
                let result = file.read(&limits, &mut |record| {
                    chunk_bytes += record.len();
                    chunk.push(record);
                    // A chunk closes at a count or at a byte budget, whichever comes first, so
                    // that large entries cannot pile up gigabytes in flight.
                    if chunk.len() >= chunk_size || chunk_bytes >= MAX_CHUNK_BYTES {
                        chunk_bytes = 0;
                        let full = std::mem::replace(&mut chunk, Vec::with_capacity(chunk_size));
                        if sender.send(full).is_err() {
                            return std::ops::ControlFlow::Break(());
                        }
                    }
                    std::ops::ControlFlow::Continue(())
                });
                if !chunk.is_empty() {
                    let _ = sender.send(chunk);
                }
                result
            });
            // Two stages overlap: while the pool observes chunk N into the worker states, this
            // thread has chunk N + 1 parsed (on the same pool) and checked for duplicates
            // against the store, so neither stage waits for the other to drain.
            let mut parsed: Option<Vec<ApiCall>> = None;
            for chunk in receiver.iter() {
                let ready = parsed.take();
                let fresh = rayon::in_place_scope(|scope| {
                    if let Some(calls) = ready {
                        let workers = &mut workers;
                        let ignored = &mut ignored;
                        scope.spawn(move |_| observe_calls(analysis, &calls, workers, ignored));
                    }
                    parse_and_dedupe(
                        &mut *self.store,
                        &self.config.har,
                        chunk,
                        &path,
                        &mut file_seen,
                        &mut new_ids,
                        &mut file_report,
                        report,
                    )
                });
                parsed = Some(fresh);
                progress.file_position(bytes_read.load(Ordering::Relaxed));
                progress.calls_processed(file_report.calls_read);
            }
            if let Some(calls) = parsed.take() {
                observe_calls(analysis, &calls, &mut workers, &mut ignored);
            }
            reader.join().unwrap_or_else(|_| Err(SourceError::ReaderPanicked { path: path.clone() }))
        });
        report.bytes_read += bytes_read.load(Ordering::Relaxed);

        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(err) => {
                // The whole file is unusable: nothing from it is committed.
                file_report.rejected = Some(err.to_string());
                report.problem(err.to_string());
                return Ok((file_report, Vec::new()));
            }
        };
        if let Some(reason) = &outcome.rejected {
            // Nothing from a rejected file counts: its calls were read but thrown away.
            file_report.rejected = Some(reason.clone());
            file_report.calls_new = 0;
            file_report.calls_duplicate = 0;
            file_report.calls_ignored = 0;
            file_report.calls_ignored_by_reason.clear();
            report.problem(reason.clone());
            return Ok((file_report, Vec::new()));
        }
        if let Some(problem) = &outcome.truncated {
            file_report.truncated = Some(problem.clone());
            report.problem(problem.clone());
        }
        for (reason, n) in ignored {
            file_report.calls_ignored += n;
            *file_report.calls_ignored_by_reason.entry(reason.to_owned()).or_default() += n;
        }
        for (reason, n) in &file_report.calls_ignored_by_reason {
            *report.calls_ignored.entry(reason.clone()).or_default() += n;
        }
        let mut delta = InventoryState::default();
        for state in workers {
            delta.merge(state);
        }
        let touched: Vec<String> = delta.hosts.keys().cloned().collect();
        self.commit(&new_ids, delta)?;
        Ok((file_report, touched))
    }

    /// Merges `delta` into the stored host states and commits it with the call ids.
    fn commit(&mut self, ids: &[CallId], delta: InventoryState) -> Result<(), IngestError> {
        if ids.is_empty() && delta.is_empty() {
            return Ok(());
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut merged = Vec::with_capacity(delta.hosts.len());
            for (host, theirs) in &delta.hosts {
                let loaded = self.store.load_host(host)?;
                // A host the store knows nothing of yet takes the delta as it is: merging into
                // an empty state would only copy it, at the end of the run when memory peaks.
                let state = if loaded.state.paths.is_empty() && loaded.state.collapsed_shapes.is_empty() {
                    Cow::Borrowed(theirs)
                } else {
                    let mut state = loaded.state;
                    if state.host.is_empty() {
                        state.host.clone_from(host);
                    }
                    state.merge(theirs);
                    Cow::Owned(state)
                };
                let endpoints = host_endpoints(&state, self.spec.map(|s| s as &dyn TemplateOverride));
                let findings = self.inspector.as_ref().map(|i| i.host_findings(&endpoints));
                merged.push((host.clone(), loaded.version, state, endpoints, findings));
            }
            let commit = Commit {
                calls: ids,
                hosts: merged
                    .iter()
                    .map(|(host, version, state, endpoints, findings)| HostUpdate {
                        host,
                        expected_version: *version,
                        state,
                        endpoints,
                        findings: findings.as_deref(),
                    })
                    .collect(),
            };
            match self.store.commit(&commit) {
                Ok(()) => return Ok(()),
                Err(StoreError::Conflict(_)) if attempt < COMMIT_ATTEMPTS => {
                    // Another writer moved on; if it recorded our calls we must not retry.
                    if !self.store.known_calls(ids)?.is_empty() {
                        return Err(IngestError::CallsTakenConcurrently);
                    }
                }
                Err(err) => return Err(err.into()),
            }
        }
    }

    /// Observes one call that a live source (the gateway) holds in memory into `batch`: the
    /// same observation as a file's calls, on the calling thread only (a live source keeps
    /// the other cores for traffic) and without touching the store, so the source can spread
    /// the work evenly and commit now and then. The caller guarantees the call ids are new
    /// (the gateway mints them).
    pub fn observe_live(&self, batch: &mut LiveBatch, call: &ApiCall) {
        batch.ids.push(call.id);
        if self.observer.ignore_reason(call).is_some() {
            batch.report.calls_ignored += 1;
            return;
        }
        let decoded = DecodedCall::new(call, &self.registry, &self.config.decode);
        let _ = self.observer.observe_call(&decoded, &mut batch.state);
        batch.report.calls_new += 1;
        // Folding keeps the state bounded between commits, as the file pipeline does per chunk.
        if batch.len().is_multiple_of(FOLD_EVERY) {
            batch.state.collapse();
        }
    }

    /// Counts a call that is not analysed (see [`CountedCall`]) into `batch`. It has no
    /// id in the store: live ids are never ingested twice.
    pub fn count_live(&self, batch: &mut LiveBatch, call: &CountedCall) {
        batch.counted += 1;
        match self.observer.count_call(call, &mut batch.state) {
            Ok(()) => batch.report.calls_new += 1,
            Err(_) => batch.report.calls_ignored += 1,
        }
        if batch.len().is_multiple_of(FOLD_EVERY) {
            batch.state.collapse();
        }
    }

    /// Commits what `batch` observed, with its call ids, in one transaction.
    pub fn commit_live(&mut self, batch: LiveBatch) -> Result<CallsReport, IngestError> {
        let LiveBatch { mut state, ids, counted: _, mut report } = batch;
        state.collapse();
        report.hosts = state.hosts.keys().cloned().collect();
        self.commit(&ids, state)?;
        Ok(report)
    }

    /// Recomputes every stored host's endpoints (after a spec was added or changed).
    pub fn retemplate_all(&mut self) -> Result<usize, IngestError> {
        let hosts: Vec<String> = self.store.hosts()?.into_iter().map(|h| h.host).collect();
        for host in &hosts {
            let loaded = self.store.load_host(host)?;
            let endpoints = host_endpoints(&loaded.state, self.spec.map(|s| s as &dyn TemplateOverride));
            let findings = self.inspector.as_ref().map(|i| i.host_findings(&endpoints));
            let update = HostUpdate {
                host,
                expected_version: loaded.version,
                state: &loaded.state,
                endpoints: &endpoints,
                findings: findings.as_deref(),
            };
            self.store.commit(&Commit { calls: &[], hosts: vec![update] })?;
        }
        Ok(hosts.len())
    }
}

/// What observing a call needs, shared by the pool's workers.
#[derive(Clone, Copy)]
struct Analysis<'a> {
    observer: &'a Observer,
    registry: &'a DecoderRegistry,
    limits: &'a DecodeLimits,
}

/// Parses a chunk of raw records on the pool and drops the calls this file or the store has
/// already seen. Problems go to `report`; counts stay in `file_report` until the file is
/// known to be usable.
#[allow(clippy::too_many_arguments)]
fn parse_and_dedupe(
    store: &mut dyn Store,
    har_limits: &HarLimits,
    chunk: Vec<Record>,
    path: &str,
    file_seen: &mut HashSet<CallId>,
    new_ids: &mut Vec<CallId>,
    file_report: &mut FileReport,
    report: &mut IngestReport,
) -> Vec<ApiCall> {
    let parsed: Vec<Result<ApiCall, String>> = chunk
        .into_par_iter()
        .map(|record| match record {
            Record::Har { index, bytes } => entry_to_call(&bytes, path, index, har_limits)
                .map_err(|e| format!("{path}: entry {index}: {e}")),
            Record::Line { line_no, bytes } => line_to_call(&bytes, path, line_no, har_limits)
                .map_err(|e| format!("{path}: line {line_no}: {e}")),
            Record::Skipped { reason, .. } => Err(format!("{path}: {reason}")),
        })
        .collect();

    let mut calls = Vec::with_capacity(parsed.len());
    for result in parsed {
        match result {
            Ok(call) => calls.push(call),
            Err(problem) => {
                file_report.entries_skipped += 1;
                report.problem(problem);
            }
        }
    }
    file_report.calls_read += calls.len() as u64;

    let ids: Vec<CallId> = calls.iter().map(|c| c.id).collect();
    let known = match store.known_calls(&ids) {
        Ok(known) => known,
        Err(err) => {
            report.problem(format!("{path}: could not check for duplicates: {err}"));
            HashSet::new()
        }
    };
    calls.retain(|call| {
        let fresh = !known.contains(&call.id) && file_seen.insert(call.id);
        if !fresh {
            file_report.calls_duplicate += 1;
        }
        fresh
    });
    file_report.calls_new += calls.len() as u64;
    new_ids.extend(calls.iter().map(|c| c.id));
    calls
}

/// Observes calls into the workers' states, each worker its share. Each state is long-lived
/// for the file (states merge once, at the end), and folding keeps it bounded as identifier
/// values pile up. Calls left out as noise are counted into `ignored` by reason.
fn observe_calls(
    analysis: Analysis<'_>,
    calls: &[ApiCall],
    workers: &mut [InventoryState],
    ignored: &mut BTreeMap<&'static str, u64>,
) {
    let share = calls.len().div_ceil(workers.len().max(1)).max(1);
    let counts: Vec<BTreeMap<&'static str, u64>> = workers
        .par_iter_mut()
        .zip(calls.par_chunks(share))
        .map(|(state, calls)| {
            let mut ignored = BTreeMap::new();
            for call in calls {
                if let Some(reason) = analysis.observer.ignore_reason(call) {
                    *ignored.entry(reason.as_str()).or_default() += 1;
                } else {
                    let decoded = DecodedCall::new(call, analysis.registry, analysis.limits);
                    let _ = analysis.observer.observe_call(&decoded, state);
                }
            }
            state.collapse();
            ignored
        })
        .collect();
    for (reason, n) in counts.into_iter().flatten() {
        *ignored.entry(reason).or_default() += n;
    }
}

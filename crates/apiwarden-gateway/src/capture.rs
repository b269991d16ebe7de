//! Live capture: every sampled call becomes an [`ApiCall`] (or, when adaptive analysis
//! only counts it, a [`CountedCall`]) and goes to the analysis pipeline through a bounded
//! queue.
//!
//! The proxy never waits for analysis: a call is offered with `try_send`, and when the
//! queue is full it is dropped from analysis and counted (`capture_dropped`), while the
//! call itself is proxied as usual. One analysis thread drains the queue in batches and
//! commits each batch to the store with the same pipeline as file ingestion
//! ([`Ingestor::ingest_calls`]): inventory, schemas, sensitive data and findings.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use apiwarden_core::inspect::Inspector;
use apiwarden_core::model::now_us;
use apiwarden_core::{
    ApiCall, Body, CallId, ClientInfo, CountedCall, Header, HttpRequest, HttpResponse, Observed, SourceKind,
    Timings,
};
use apiwarden_ingest::{IngestConfig, Ingestor, LiveBatch};
use apiwarden_store::SqliteStore;
use bytes::Bytes;
use crossbeam_channel::{Receiver, Sender, TrySendError};
use http::HeaderMap;

use crate::metrics::Metrics;

/// Which body of a call a tap copies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Request,
    Response,
}

/// One call being captured: its request as the client sent it, then the response, then
/// each body as it ends. The last body to finish sends the call to the queue.
pub struct CallSlot {
    queue: CaptureQueue,
    started: Instant,
    state: Mutex<SlotState>,
}

struct SlotState {
    call: Option<ApiCall>,
    request_done: bool,
    response_done: bool,
}

impl CallSlot {
    /// Starts capturing a call; `request` carries no body yet (its tap fills it in).
    pub fn new(
        queue: CaptureQueue,
        id: u128,
        route: &str,
        client: std::net::IpAddr,
        request: HttpRequest,
    ) -> Arc<CallSlot> {
        let call = ApiCall {
            id: CallId(id),
            started_at_us: now_us(),
            observed: Observed { source: SourceKind::Gateway, origin: route.to_owned(), position: None },
            client: ClientInfo { addr: Some(client), identity: None },
            request,
            response: None,
            timings: Timings::default(),
        };
        Arc::new(CallSlot {
            queue,
            started: Instant::now(),
            state: Mutex::new(SlotState { call: Some(call), request_done: false, response_done: false }),
        })
    }

    /// Records the response head. A response made by the gateway itself (429, 502, ...)
    /// passes its body here and completes the response side at once.
    pub fn response_head(&self, status: u16, headers: &HeaderMap, local_body: Option<Bytes>) {
        let ready = {
            let Ok(mut state) = self.state.lock() else { return };
            if let Some(call) = state.call.as_mut() {
                call.timings.wait_ms = Some(self.started.elapsed().as_secs_f64() * 1000.0);
                let body = local_body.as_ref().map(|b| Body::from_bytes(b.clone())).unwrap_or_default();
                call.response = Some(HttpResponse { status, headers: header_list(headers), body });
            }
            if local_body.is_some() {
                state.response_done = true;
            }
            state.take_if_complete()
        };
        if let Some(call) = ready {
            self.submit(call);
        }
    }

    /// Called once per part by its tap (or for a part that has no body).
    pub fn body_done(&self, part: Part, kept: Bytes, seen: u64, truncated: bool) {
        let ready = {
            let Ok(mut state) = self.state.lock() else { return };
            if let Some(call) = state.call.as_mut() {
                let body = Body { bytes: kept, truncated, size: Some(seen) };
                match part {
                    Part::Request => call.request.body = body,
                    Part::Response => {
                        if let Some(response) = call.response.as_mut() {
                            response.body = body;
                        }
                    }
                }
            }
            match part {
                Part::Request => state.request_done = true,
                Part::Response => state.response_done = true,
            }
            state.take_if_complete()
        };
        if let Some(call) = ready {
            self.submit(call);
        }
    }

    fn submit(&self, mut call: ApiCall) {
        call.timings.total_ms = Some(self.started.elapsed().as_secs_f64() * 1000.0);
        self.queue.offer(call);
    }
}

impl SlotState {
    fn take_if_complete(&mut self) -> Option<ApiCall> {
        if self.request_done && self.response_done { self.call.take() } else { None }
    }
}

/// Header fields as the model keeps them: lowercase names, text values.
pub fn header_list(headers: &HeaderMap) -> Vec<Header> {
    headers
        .iter()
        .map(|(name, value)| Header {
            name: name.as_str().to_owned(),
            value: String::from_utf8_lossy(value.as_bytes()).into_owned(),
        })
        .collect()
}

/// What the capture queue carries.
pub enum Captured {
    /// A call to analyse in full (boxed: the channel's slots are the size of the largest
    /// variant, and most calls are only counted).
    Analysed(Box<ApiCall>),
    /// A call only to count (see `sampling.rs`).
    Counted(CountedCall),
}

/// The sending side of the capture queue, shared by every connection.
///
/// Bounded twice: in calls (the channel) and in captured body bytes, so that a burst of
/// large bodies cannot pile up `queue × 2 × body_bytes` of memory.
#[derive(Clone)]
pub struct CaptureQueue {
    sender: Sender<Captured>,
    metrics: Arc<Metrics>,
    bytes: Arc<QueuedBytes>,
}

/// Body bytes of the calls in the queue, against their budget.
pub struct QueuedBytes {
    held: AtomicUsize,
    budget: usize,
}

impl QueuedBytes {
    fn new(budget: usize) -> Arc<QueuedBytes> {
        Arc::new(QueuedBytes { held: AtomicUsize::new(0), budget })
    }

    /// Reserves `size` bytes; false when that would pass the budget.
    fn reserve(&self, size: usize) -> bool {
        let before = self.held.fetch_add(size, Ordering::AcqRel);
        if before.saturating_add(size) > self.budget && before > 0 {
            self.release(size);
            return false;
        }
        true
    }

    fn release(&self, size: usize) {
        self.held.fetch_sub(size, Ordering::AcqRel);
    }

    pub fn held(&self) -> usize {
        self.held.load(Ordering::Acquire)
    }
}

/// The captured body bytes a call holds.
fn body_bytes(captured: &Captured) -> usize {
    match captured {
        Captured::Analysed(call) => {
            call.request.body.bytes.len() + call.response.as_ref().map_or(0, |r| r.body.bytes.len())
        }
        Captured::Counted(_) => 0,
    }
}

impl CaptureQueue {
    fn offer(&self, call: ApiCall) {
        self.send(Captured::Analysed(Box::new(call)));
    }

    /// Queues a call to be counted without analysis.
    pub fn count(&self, call: CountedCall) {
        self.send(Captured::Counted(call));
    }

    fn send(&self, captured: Captured) {
        let size = body_bytes(&captured);
        if !self.bytes.reserve(size) {
            self.metrics.capture_dropped.inc();
            return;
        }
        match self.sender.try_send(captured) {
            Ok(()) => {
                self.metrics.capture_queued.inc();
            }
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.bytes.release(size);
                self.metrics.capture_dropped.inc();
            }
        }
    }

    pub fn depth(&self) -> usize {
        self.sender.len()
    }

    /// Captured body bytes waiting in the queue.
    pub fn depth_bytes(&self) -> usize {
        self.bytes.held()
    }
}

/// Where and how captured calls are analysed.
pub struct AnalysisSettings {
    pub store: PathBuf,
    pub inspector: Option<Arc<dyn Inspector>>,
    pub queue: usize,
    /// Budget of captured body bytes waiting in the queue.
    pub queue_bytes: usize,
    pub batch: usize,
    pub flush: Duration,
}

/// The analysis thread and the queue feeding it.
pub struct Analysis {
    pub queue: CaptureQueue,
    thread: Mutex<Option<JoinHandle<()>>>,
    alive: Arc<AtomicBool>,
    stopping: Arc<AtomicBool>,
}

#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("capture store {path}: {source}")]
    Store { path: String, source: apiwarden_store::StoreError },
    #[error("cannot start the analysis thread: {0}")]
    Thread(std::io::Error),
}

impl Analysis {
    /// Opens the store (so a bad path fails at start, not at the first call) and starts
    /// the analysis thread.
    pub fn start(settings: AnalysisSettings, metrics: Arc<Metrics>) -> Result<Analysis, CaptureError> {
        let store = SqliteStore::open(&settings.store)
            .map_err(|source| CaptureError::Store { path: settings.store.display().to_string(), source })?;
        let (sender, receiver) = crossbeam_channel::bounded(settings.queue);
        let bytes = QueuedBytes::new(settings.queue_bytes);
        let alive = Arc::new(AtomicBool::new(true));
        let stopping = Arc::new(AtomicBool::new(false));
        let thread = {
            let metrics = metrics.clone();
            let alive = alive.clone();
            let stopping = stopping.clone();
            let bytes = bytes.clone();
            std::thread::Builder::new()
                .name("apiwarden-analysis".to_owned())
                .spawn(move || {
                    analyse(store, settings, receiver, &bytes, &metrics, &stopping);
                    alive.store(false, Ordering::Release);
                })
                .map_err(CaptureError::Thread)?
        };
        Ok(Analysis {
            queue: CaptureQueue { sender, metrics, bytes },
            thread: Mutex::new(Some(thread)),
            alive,
            stopping,
        })
    }

    /// False once the analysis thread has stopped (readiness reports it).
    pub fn is_alive(&self) -> bool {
        self.alive.load(Ordering::Acquire)
    }

    /// Stops taking calls, lets the thread commit what is queued, and waits for it.
    pub fn finish(&self) {
        self.stopping.store(true, Ordering::Release);
        let thread = self.thread.lock().ok().and_then(|mut thread| thread.take());
        if let Some(thread) = thread {
            let _ = thread.join();
        }
    }
}

fn analyse(
    mut store: SqliteStore,
    settings: AnalysisSettings,
    receiver: Receiver<Captured>,
    bytes: &QueuedBytes,
    metrics: &Metrics,
    stopping: &AtomicBool,
) {
    let mut ingestor =
        Ingestor::new(&mut store, IngestConfig::default()).with_inspector(settings.inspector.clone());
    let mut pending = LiveBatch::default();
    let mut last_commit = Instant::now();
    loop {
        // Checked before draining, so that the calls queued before the stop are committed.
        let last = stopping.load(Ordering::Acquire);
        if !last {
            std::thread::sleep(POLL);
        }
        // Calls are analysed as they come (every POLL), so the work is spread evenly
        // instead of arriving as one burst per commit that would delay traffic on a busy
        // machine; the store is written once per batch or flush interval.
        for captured in receiver.try_iter().take(if last { usize::MAX } else { settings.batch }) {
            bytes.release(body_bytes(&captured));
            match &captured {
                Captured::Analysed(call) => ingestor.observe_live(&mut pending, call),
                Captured::Counted(call) => ingestor.count_live(&mut pending, call),
            }
            if pending.len() >= settings.batch {
                commit(&mut ingestor, std::mem::take(&mut pending), metrics);
                last_commit = Instant::now();
            }
        }
        if !pending.is_empty() && (last || last_commit.elapsed() >= settings.flush) {
            commit(&mut ingestor, std::mem::take(&mut pending), metrics);
            last_commit = Instant::now();
        }
        if last {
            return;
        }
    }
}

/// How often the analysis thread looks at the queue. It polls instead of blocking on the
/// channel: a blocked receiver must be woken by the proxy (a system call on every call),
/// and a spinning one takes CPU from the proxy (measured: a fifth of the gateway's CPU
/// went to wake-ups and yields with a blocking receive).
const POLL: Duration = Duration::from_millis(10);

fn commit(ingestor: &mut Ingestor<'_>, batch: LiveBatch, metrics: &Metrics) {
    let started = Instant::now();
    let calls = batch.len();
    let counted = batch.counted();
    match ingestor.commit_live(batch) {
        Ok(report) => {
            metrics.capture_analyzed.inc_by((calls - counted) as u64);
            metrics.capture_counted.inc_by(counted as u64);
            tracing::debug!(
                calls,
                new = report.calls_new,
                ms = started.elapsed().as_millis() as u64,
                "captured calls committed"
            );
        }
        Err(err) => {
            metrics.capture_failed.inc_by(calls as u64);
            tracing::error!(calls, "captured calls could not be stored: {err}");
        }
    }
}

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt;

    use super::*;
    use crate::body::ProxyBody;

    fn queue(capacity: usize) -> (CaptureQueue, Receiver<Captured>, Arc<Metrics>) {
        queue_with_budget(capacity, usize::MAX)
    }

    fn queue_with_budget(capacity: usize, budget: usize) -> (CaptureQueue, Receiver<Captured>, Arc<Metrics>) {
        let metrics = Arc::new(Metrics::new());
        let (sender, receiver) = crossbeam_channel::bounded(capacity);
        (
            CaptureQueue { sender, metrics: metrics.clone(), bytes: QueuedBytes::new(budget) },
            receiver,
            metrics,
        )
    }

    #[test]
    fn the_queue_holds_at_most_its_byte_budget_of_bodies() {
        let (queue, receiver, metrics) = queue_with_budget(100, 100);
        for id in 0..3 {
            let slot = CallSlot::new(queue.clone(), id, "api", [10, 0, 0, 1].into(), request());
            slot.body_done(Part::Request, Bytes::from(vec![b'x'; 60]), 60, false);
            slot.response_head(200, &HeaderMap::new(), Some(Bytes::new()));
        }
        assert_eq!(receiver.len(), 1, "60 + 60 bytes would pass the 100-byte budget");
        assert_eq!(metrics.capture_dropped.get(), 2);
        assert_eq!(queue.depth_bytes(), 60);
        // A call larger than the whole budget still gets in when the queue is empty, so one
        // big body never blocks capture for good.
        let (queue, receiver, _) = queue_with_budget(100, 10);
        let slot = CallSlot::new(queue.clone(), 9, "api", [10, 0, 0, 1].into(), request());
        slot.body_done(Part::Request, Bytes::from(vec![b'x'; 60]), 60, false);
        slot.response_head(200, &HeaderMap::new(), Some(Bytes::new()));
        assert_eq!(receiver.len(), 1);
    }

    fn request() -> HttpRequest {
        HttpRequest {
            method: "POST".into(),
            scheme: "http".into(),
            host: "api.test".into(),
            path: "/orders".into(),
            query: None,
            http_version: Some("HTTP/1.1".into()),
            headers: vec![Header::new("content-type", "application/json")],
            body: Body::default(),
        }
    }

    #[tokio::test]
    async fn a_call_is_queued_when_both_bodies_end_with_truncation_recorded() {
        let (queue, receiver, _) = queue(4);
        let slot = CallSlot::new(queue, 7, "api", [10, 0, 0, 1].into(), request());
        let request_body = ProxyBody::full(vec![b'x'; 100]).tap(slot.clone(), Part::Request, 10);
        assert_eq!(
            request_body.collect().await.unwrap().to_bytes().len(),
            100,
            "the proxy forwards every byte"
        );
        assert!(receiver.is_empty(), "not before the response is done");
        slot.response_head(201, &HeaderMap::new(), None);
        let response_body = ProxyBody::full("{}").tap(slot.clone(), Part::Response, 10);
        response_body.collect().await.unwrap();

        let Captured::Analysed(call) = receiver.try_recv().unwrap() else { panic!("not analysed") };
        assert_eq!(call.id, CallId(7));
        assert_eq!(call.observed.source, SourceKind::Gateway);
        assert_eq!(call.request.body.bytes.len(), 10);
        assert!(call.request.body.truncated);
        assert_eq!(call.request.body.size, Some(100));
        let response = call.response.unwrap();
        assert_eq!(response.status, 201);
        assert_eq!(&response.body.bytes[..], b"{}");
        assert!(!response.body.truncated);
        assert!(call.timings.total_ms.is_some());
    }

    #[tokio::test]
    async fn a_body_dropped_before_its_end_still_completes_the_call() {
        let (queue, receiver, _) = queue(4);
        let slot = CallSlot::new(queue, 8, "api", [10, 0, 0, 1].into(), request());
        drop(ProxyBody::full("never read").tap(slot.clone(), Part::Request, 64));
        slot.response_head(502, &HeaderMap::new(), Some(Bytes::from_static(b"{\"status\":502}")));
        let Captured::Analysed(call) = receiver.try_recv().unwrap() else { panic!("not analysed") };
        assert!(call.request.body.truncated, "the unread body is marked as not captured whole");
        assert_eq!(call.response.unwrap().status, 502);
    }

    #[test]
    fn a_full_queue_drops_from_analysis_and_counts() {
        let (queue, receiver, metrics) = queue(1);
        for id in 0..3 {
            let slot = CallSlot::new(queue.clone(), id, "api", [10, 0, 0, 1].into(), request());
            slot.body_done(Part::Request, Bytes::new(), 0, false);
            slot.response_head(200, &HeaderMap::new(), Some(Bytes::new()));
        }
        assert_eq!(receiver.len(), 1);
        assert_eq!(metrics.capture_queued.get(), 1);
        assert_eq!(metrics.capture_dropped.get(), 2);
    }
}

//! Prometheus metrics of the gateway (served on the admin listener's `/metrics`).
//!
//! Per-route handles are resolved once at start ([`RouteMetrics`]), so the hot path
//! increments an atomic and observes one histogram, with no label lookups.

use std::sync::atomic::{AtomicU64, Ordering};

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteStatus {
    route: String,
    /// `1xx` … `5xx`.
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabel {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct UpstreamErrorLabels {
    route: String,
    kind: UpstreamErrorKind,
}

/// Why an upstream call failed.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(non_camel_case_types)]
pub enum UpstreamErrorKind {
    /// Could not connect (refused, unreachable, connect timeout): 502.
    connect,
    /// No response head within `timeouts.upstream_response`: 504.
    timeout,
    /// The upstream broke the protocol or reset the connection: 502.
    protocol,
    /// The response body failed midway (reset, timeout): the client connection is cut.
    body,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RejectionLabels {
    route: String,
    layer: String,
    rule: String,
    action: Action,
}

/// What a gateway layer's rejection turned into.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(non_camel_case_types)]
pub enum Action {
    /// Rejected (block mode).
    blocked,
    /// Recorded only (monitor mode).
    monitored,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ConnectionErrorLabels {
    kind: ConnectionErrorKind,
}

/// Why a client connection ended badly.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(non_camel_case_types)]
pub enum ConnectionErrorKind {
    /// Request head over the size or count limit: 431 sent.
    header_too_large,
    /// Request head not received in time (slow client): closed.
    header_timeout,
    /// The inspected part of a request body not received in time: 408 sent.
    body_timeout,
    /// Not HTTP, or malformed: 400 sent or closed.
    malformed,
    /// TLS handshake failed or timed out.
    tls,
    /// Connection refused because `limits.max_connections` were open.
    at_capacity,
    /// Anything else the connection failed with (client reset mid-body, ...).
    other,
}

/// Request latency buckets, 100 µs to 30 s.
const LATENCY_BUCKETS: [f64; 16] =
    [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 30.0];

pub struct Metrics {
    registry: Registry,
    requests: Family<RouteStatus, Counter>,
    duration: Family<RouteLabel, Histogram>,
    upstream_errors: Family<UpstreamErrorLabels, Counter>,
    rejections: Family<RejectionLabels, Counter>,
    connection_errors: Family<ConnectionErrorLabels, Counter>,
    pub connections_open: Gauge,
    pub connections_total: Counter,
    pub in_flight: Gauge,
    /// Calls no route matched (answered 404 by the gateway).
    pub unrouted: Counter,
    pub capture_queued: Counter,
    pub capture_dropped: Counter,
    pub capture_analyzed: Counter,
    pub capture_counted: Counter,
    pub capture_failed: Counter,
    pub capture_queue_depth: Gauge,
    pub capture_queue_bytes: Gauge,
    pub rate_limit_keys: Gauge,
    rate_limit_evicted: Counter,
    rate_limit_evicted_seen: AtomicU64,
}

fn histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("apiwarden_gateway");
        let metrics = Metrics {
            requests: Family::default(),
            duration: Family::new_with_constructor(histogram),
            upstream_errors: Family::default(),
            rejections: Family::default(),
            connection_errors: Family::default(),
            connections_open: Gauge::default(),
            connections_total: Counter::default(),
            in_flight: Gauge::default(),
            unrouted: Counter::default(),
            capture_queued: Counter::default(),
            capture_dropped: Counter::default(),
            capture_analyzed: Counter::default(),
            capture_counted: Counter::default(),
            capture_failed: Counter::default(),
            capture_queue_depth: Gauge::default(),
            capture_queue_bytes: Gauge::default(),
            rate_limit_keys: Gauge::default(),
            rate_limit_evicted: Counter::default(),
            rate_limit_evicted_seen: AtomicU64::new(0),
            registry: Registry::default(),
        };
        registry.register("requests", "Calls answered, by route and status class", metrics.requests.clone());
        registry.register(
            "request_duration_seconds",
            "Time from request head to response head, by route",
            metrics.duration.clone(),
        );
        registry.register(
            "upstream_errors",
            "Upstream failures by route and kind (connect, timeout, protocol, body)",
            metrics.upstream_errors.clone(),
        );
        registry.register(
            "rejections",
            "Layer rejections (rate limits, ...) by route, layer, rule and action (blocked or monitored)",
            metrics.rejections.clone(),
        );
        registry.register(
            "connection_errors",
            "Client connections that ended in an error, by kind",
            metrics.connection_errors.clone(),
        );
        registry.register(
            "connections_open",
            "Client connections open now",
            metrics.connections_open.clone(),
        );
        registry.register("connections", "Client connections accepted", metrics.connections_total.clone());
        registry.register("in_flight_requests", "Calls being proxied now", metrics.in_flight.clone());
        registry.register("unrouted", "Calls no route matched (answered 404)", metrics.unrouted.clone());
        registry.register("capture_queued", "Calls queued for analysis", metrics.capture_queued.clone());
        registry.register(
            "capture_dropped",
            "Calls dropped from analysis because the queue was full (never from the proxy)",
            metrics.capture_dropped.clone(),
        );
        registry.register(
            "capture_analyzed",
            "Captured calls analysed and committed to the store",
            metrics.capture_analyzed.clone(),
        );
        registry.register(
            "capture_counted",
            "Captured calls only counted, not analysed in full (adaptive analysis)",
            metrics.capture_counted.clone(),
        );
        registry.register(
            "capture_failed",
            "Captured calls whose commit to the store failed",
            metrics.capture_failed.clone(),
        );
        registry.register(
            "capture_queue_depth",
            "Calls waiting in the analysis queue",
            metrics.capture_queue_depth.clone(),
        );
        registry.register(
            "capture_queue_bytes",
            "Captured body bytes waiting in the analysis queue",
            metrics.capture_queue_bytes.clone(),
        );
        registry.register(
            "rate_limit_keys",
            "Rate-limit keys held in memory",
            metrics.rate_limit_keys.clone(),
        );
        registry.register(
            "rate_limit_evicted_keys",
            "Rate-limit keys dropped while still limiting, to stay within rate_limit_max_keys",
            metrics.rate_limit_evicted.clone(),
        );
        Metrics { registry, ..metrics }
    }

    /// Handles for one route's hot-path metrics.
    pub fn route(&self, route: &str) -> RouteMetrics {
        let status = |class: &str| {
            self.requests
                .get_or_create(&RouteStatus { route: route.to_owned(), status: class.to_owned() })
                .clone()
        };
        RouteMetrics {
            by_class: ["1xx", "2xx", "3xx", "4xx", "5xx"].map(status),
            duration: self.duration.get_or_create(&RouteLabel { route: route.to_owned() }).clone(),
            upstream_body_errors: self
                .upstream_errors
                .get_or_create(&UpstreamErrorLabels {
                    route: route.to_owned(),
                    kind: UpstreamErrorKind::body,
                })
                .clone(),
        }
    }

    pub fn upstream_error(&self, route: &str, kind: UpstreamErrorKind) {
        self.upstream_errors.get_or_create(&UpstreamErrorLabels { route: route.to_owned(), kind }).inc();
    }

    pub fn rejection(&self, route: &str, layer: &str, rule: &str, action: Action) {
        let labels = RejectionLabels {
            route: route.to_owned(),
            layer: layer.to_owned(),
            rule: rule.to_owned(),
            action,
        };
        self.rejections.get_or_create(&labels).inc();
    }

    pub fn connection_error(&self, kind: ConnectionErrorKind) {
        self.connection_errors.get_or_create(&ConnectionErrorLabels { kind }).inc();
    }

    /// Folds a monotonic total kept elsewhere (the rate limiter's evictions) into its counter.
    pub fn set_rate_limit_evicted(&self, total: u64) {
        let before = self.rate_limit_evicted_seen.swap(total, Ordering::Relaxed);
        if total > before {
            self.rate_limit_evicted.inc_by(total - before);
        }
    }

    /// The text exposition format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

pub struct RouteMetrics {
    by_class: [Counter; 5],
    duration: Histogram,
    /// Response bodies that failed midway (upstream reset, call timeout).
    pub upstream_body_errors: Counter,
}

impl RouteMetrics {
    pub fn answered(&self, status: u16, seconds: f64) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        if let Some(counter) = self.by_class.get(class) {
            counter.inc();
        }
        self.duration.observe(seconds);
    }
}

//! The `[gateway]` section of the configuration file, with its defaults and validation.
//!
//! Every value a user can get wrong is checked by [`GatewayConfig::validate`] before a
//! socket is bound, and each problem is one sentence naming the key (`apiwarden config
//! check` prints them). Unknown keys are errors (`deny_unknown_fields`), so a typo never
//! silently falls back to a default. docs/gateway.md is the user's reference.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Deserializer};

use crate::ratelimit::{RateLimitPolicyConfig, RateLimiter};

/// Largest `capture.queue`, `capture.body_bytes` and `workers` accepted.
pub const MAX_QUEUE: usize = 1 << 20;
pub const MAX_CAPTURED_BODY_BYTES: usize = 64 * 1024 * 1024;
pub const MAX_WORKERS: usize = 1024;

/// Smallest header buffer hyper accepts; below it, its builder panics.
pub const MIN_HEADER_BYTES: usize = 8 * 1024;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayConfig {
    /// Where clients connect.
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// Prometheus `/metrics`, `/healthz` and `/readyz`; off when absent.
    #[serde(default)]
    pub admin_listen: Option<SocketAddr>,
    /// `block` rejects what a layer (rate limit, later detection) rejects; `monitor` only
    /// records it. Routes may override it.
    #[serde(default)]
    pub mode: Mode,
    /// TLS on the client side (HTTP/1.1 and HTTP/2 by ALPN); plaintext (with h2c) when absent.
    #[serde(default)]
    pub tls: Option<TlsConfig>,
    #[serde(default)]
    pub timeouts: Timeouts,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub capture: CaptureConfig,
    #[serde(default)]
    pub detection: DetectionConfig,
    /// Take the client address from the last `X-Forwarded-For` entry (set this only behind
    /// a load balancer that always writes it); otherwise it is the TCP peer.
    #[serde(default)]
    pub trust_forwarded_for: bool,
    /// Log one line per call at info level (off: the hot path stays quiet).
    #[serde(default)]
    pub access_log: bool,
    #[serde(default)]
    pub routes: Vec<RouteConfig>,
    #[serde(default)]
    pub rate_limits: Vec<RateLimitPolicyConfig>,
    /// Rate-limit keys (client, API key, ...) held at once; past it idle keys are dropped
    /// first, then the ones closest to being idle.
    #[serde(default = "default_max_keys")]
    pub rate_limit_max_keys: usize,
    /// Event-loop threads, each with its own listening socket and upstream pools; 0 (the
    /// default) means one per CPU core.
    #[serde(default)]
    pub workers: usize,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        GatewayConfig {
            listen: default_listen(),
            admin_listen: None,
            mode: Mode::default(),
            tls: None,
            timeouts: Timeouts::default(),
            limits: Limits::default(),
            capture: CaptureConfig::default(),
            detection: DetectionConfig::default(),
            trust_forwarded_for: false,
            access_log: false,
            routes: Vec::new(),
            rate_limits: Vec::new(),
            rate_limit_max_keys: default_max_keys(),
            workers: 0,
        }
    }
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}

fn default_max_keys() -> usize {
    100_000
}

/// Whether a layer's rejection is enforced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    #[default]
    Block,
    Monitor,
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::Block => "block",
            Mode::Monitor => "monitor",
        })
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// PEM certificate chain, leaf first.
    pub cert: PathBuf,
    /// PEM private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timeouts {
    /// Connecting to an upstream (then 502).
    #[serde(default = "secs::<5>", deserialize_with = "duration")]
    pub connect: Duration,
    /// A client must send a whole request head within this, counted from when the
    /// connection is ready for it (slowloris defence).
    #[serde(default = "secs::<10>", deserialize_with = "duration")]
    pub request_headers: Duration,
    /// From sending the request upstream to the upstream's response head (then 504).
    #[serde(default = "secs::<60>", deserialize_with = "duration")]
    pub upstream_response: Duration,
    /// A whole call, body streaming included; none by default, so that long streams
    /// (gRPC, server-sent events) live as long as both ends want.
    #[serde(default, deserialize_with = "optional_duration")]
    pub call: Option<Duration>,
    /// Idle keep-alive connections to upstreams are closed after this.
    #[serde(default = "secs::<60>", deserialize_with = "duration")]
    pub upstream_idle: Duration,
    /// A WebSocket (or other upgraded) connection with no bytes either way is closed.
    #[serde(default = "secs::<300>", deserialize_with = "duration")]
    pub tunnel_idle: Duration,
    /// On shutdown, in-flight calls get this long to finish before connections are cut.
    #[serde(default = "secs::<30>", deserialize_with = "duration")]
    pub drain: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: secs::<5>(),
            request_headers: secs::<10>(),
            upstream_response: secs::<60>(),
            call: None,
            upstream_idle: secs::<60>(),
            tunnel_idle: secs::<300>(),
            drain: secs::<30>(),
        }
    }
}

fn secs<const N: u64>() -> Duration {
    Duration::from_secs(N)
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Largest request head (request line and headers); larger gets 431.
    #[serde(default = "default_header_bytes")]
    pub max_header_bytes: usize,
    /// Most header fields in a request; more gets 431.
    #[serde(default = "default_headers")]
    pub max_headers: usize,
    /// Client connections open at once; past it new connections are closed at accept.
    #[serde(default = "default_connections")]
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_header_bytes: default_header_bytes(),
            max_headers: default_headers(),
            max_connections: default_connections(),
        }
    }
}

fn default_header_bytes() -> usize {
    16 * 1024
}
fn default_headers() -> usize {
    100
}
fn default_connections() -> usize {
    10_000
}

/// Attack detection on requests (docs/detection.md).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetectionConfig {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// `monitor` records detections (metrics, logs) and lets the call through; `block`
    /// answers 403; `route` follows the route's (or the gateway's) mode.
    #[serde(default)]
    pub mode: DetectionMode,
    /// Request body bytes read and inspected before the call goes upstream; the rest
    /// streams through uninspected.
    #[serde(default = "default_inspect_bytes")]
    pub inspect_bytes: usize,
    /// Request fields (path segments, parameters, headers, cookies, body leaves) inspected
    /// per call at most.
    #[serde(default = "default_inspect_fields")]
    pub inspect_fields: usize,
    /// What a call that passes `inspect_bytes` or `inspect_fields` gets: its first part
    /// inspected (`inspect_prefix`), or refused (`block`, 413).
    #[serde(default)]
    pub on_limit: OnLimit,
    /// A client must send the inspected part of its body within this (then 408).
    #[serde(default = "secs::<10>", deserialize_with = "duration")]
    pub body_timeout: Duration,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DetectionMode {
    #[default]
    Monitor,
    Block,
    Route,
}

impl fmt::Display for DetectionMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DetectionMode::Monitor => "monitor",
            DetectionMode::Block => "block",
            DetectionMode::Route => "route",
        })
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnLimit {
    #[default]
    InspectPrefix,
    Block,
}

impl Default for DetectionConfig {
    fn default() -> Self {
        DetectionConfig {
            enabled: true,
            mode: DetectionMode::default(),
            inspect_bytes: default_inspect_bytes(),
            inspect_fields: default_inspect_fields(),
            on_limit: OnLimit::default(),
            body_timeout: secs::<10>(),
        }
    }
}

fn default_inspect_bytes() -> usize {
    256 * 1024
}

fn default_inspect_fields() -> usize {
    1_000
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaptureConfig {
    /// Send calls to the analysis pipeline (inventory, sensitive data, findings).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Bytes of each body kept for analysis; the rest streams through uncaptured and the
    /// call records the truncation and the full size.
    #[serde(default = "default_body_bytes")]
    pub body_bytes: usize,
    /// Fraction of calls captured, 0.0–1.0.
    #[serde(default = "one")]
    pub sample: f64,
    /// Adaptive analysis: the first `analyse_first` captured calls of each call shape
    /// (method, host and path with identifier-like segments folded) are analysed in full.
    #[serde(default = "default_analyse_first")]
    pub analyse_first: u32,
    /// ... after which one call in `analyse_one_in` is, and the others are only counted
    /// (endpoint, call count, last seen). 1 analyses every captured call.
    #[serde(default = "default_analyse_one_in")]
    pub analyse_one_in: u32,
    /// Calls waiting for analysis; when full, new calls are dropped from analysis (and
    /// counted), never from the proxy.
    #[serde(default = "default_queue")]
    pub queue: usize,
    /// Captured body bytes waiting for analysis at most; past it calls are dropped from
    /// analysis (and counted) like when the queue is full.
    #[serde(default = "default_queue_bytes")]
    pub queue_bytes: usize,
    /// Calls committed to the store together.
    #[serde(default = "default_batch")]
    pub batch: usize,
    /// A partial batch is committed after this long.
    #[serde(default = "default_flush", deserialize_with = "duration")]
    pub flush: Duration,
    /// SQLite file; the CLI's `--db` when absent.
    #[serde(default)]
    pub store: Option<PathBuf>,
}

impl Default for CaptureConfig {
    fn default() -> Self {
        CaptureConfig {
            enabled: true,
            body_bytes: default_body_bytes(),
            sample: 1.0,
            analyse_first: default_analyse_first(),
            analyse_one_in: default_analyse_one_in(),
            queue: default_queue(),
            queue_bytes: default_queue_bytes(),
            batch: default_batch(),
            flush: default_flush(),
            store: None,
        }
    }
}

fn default_analyse_first() -> u32 {
    100
}

fn default_analyse_one_in() -> u32 {
    10
}

fn yes() -> bool {
    true
}
fn one() -> f64 {
    1.0
}
fn default_body_bytes() -> usize {
    64 * 1024
}
fn default_queue() -> usize {
    8192
}
fn default_queue_bytes() -> usize {
    64 * 1024 * 1024
}
fn default_batch() -> usize {
    2048
}
fn default_flush() -> Duration {
    Duration::from_secs(1)
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteConfig {
    /// Used in metrics, logs and rate-limit scopes; `route-N` when absent.
    #[serde(default)]
    pub name: Option<String>,
    /// Matches the request's host (without port), exactly or as `*.example.com`; any
    /// host when absent.
    #[serde(default)]
    pub host: Option<String>,
    /// Matches whole path segments: `/api` takes `/api` and `/api/x`, not `/apix`.
    #[serde(default = "root")]
    pub path_prefix: String,
    /// Remove `path_prefix` before forwarding (`/api/x` → `/x`).
    #[serde(default)]
    pub strip_prefix: bool,
    /// `http://host:port` or `https://host:port`, optionally with a base path.
    pub upstream: String,
    /// `http1` (the default) or `http2`: HTTP/2 with prior knowledge over plaintext (h2c)
    /// or by ALPN over TLS. gRPC needs `http2`.
    #[serde(default)]
    pub upstream_protocol: UpstreamProtocol,
    /// PEM CA certificates that sign an `https` upstream's certificate; the Mozilla root
    /// set when absent.
    #[serde(default)]
    pub upstream_ca: Option<PathBuf>,
    /// Send the client's `Host` upstream (true) or the upstream's own authority.
    #[serde(default = "yes")]
    pub preserve_host: bool,
    /// Overrides the gateway's mode for this route.
    #[serde(default)]
    pub mode: Option<Mode>,
}

fn root() -> String {
    "/".to_owned()
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpstreamProtocol {
    #[default]
    Http1,
    Http2,
}

/// One problem with a configuration, naming the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {problem}")]
pub struct ConfigProblem {
    pub key: String,
    pub problem: String,
}

impl ConfigProblem {
    fn new(key: impl Into<String>, problem: impl Into<String>) -> ConfigProblem {
        ConfigProblem { key: key.into(), problem: problem.into() }
    }
}

impl GatewayConfig {
    /// A gateway in front of one upstream, with every other setting at its default.
    pub fn single_upstream(listen: SocketAddr, upstream: &str) -> GatewayConfig {
        GatewayConfig {
            listen,
            routes: vec![RouteConfig {
                name: Some("default".to_owned()),
                host: None,
                path_prefix: root(),
                strip_prefix: false,
                upstream: upstream.to_owned(),
                upstream_protocol: UpstreamProtocol::Http1,
                upstream_ca: None,
                preserve_host: true,
                mode: None,
            }],
            ..GatewayConfig::default()
        }
    }

    /// Worker threads to run: `workers`, or one per core when it is 0.
    pub fn worker_count(&self) -> usize {
        match self.workers {
            0 => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            n => n,
        }
    }

    /// Route names in order, `route-N` for unnamed ones.
    pub fn route_name(&self, index: usize) -> String {
        self.routes
            .get(index)
            .and_then(|route| route.name.clone())
            .unwrap_or_else(|| format!("route-{}", index + 1))
    }

    /// Every problem found (empty when the configuration is usable). Files named by the
    /// configuration (certificates) are checked for existence here and parsed at start.
    pub fn validate(&self) -> Vec<ConfigProblem> {
        let mut problems = Vec::new();
        if self.routes.is_empty() {
            problems.push(ConfigProblem::new(
                "gateway.routes",
                "no routes: add at least one [[gateway.routes]] with an upstream",
            ));
        }
        if self.admin_listen == Some(self.listen) && self.listen.port() != 0 {
            problems
                .push(ConfigProblem::new("gateway.admin_listen", "is the same address as gateway.listen"));
        }
        let mut names = std::collections::HashSet::new();
        for (index, route) in self.routes.iter().enumerate() {
            let key = format!("gateway.routes[{index}]");
            let name = self.route_name(index);
            if !names.insert(name.clone()) {
                problems.push(ConfigProblem::new(format!("{key}.name"), format!("'{name}' is used twice")));
            }
            if !valid_name(&name) {
                problems.push(ConfigProblem::new(
                    format!("{key}.name"),
                    format!("'{name}' must be 1-64 letters, digits, '-', '_' or '.'"),
                ));
            }
            if !route.path_prefix.starts_with('/') {
                problems.push(ConfigProblem::new(
                    format!("{key}.path_prefix"),
                    format!("'{}' must start with '/'", route.path_prefix),
                ));
            }
            if let Some(host) = &route.host
                && (host.is_empty() || host.contains(['/', ' ', ':']) || host.contains("**"))
            {
                problems.push(ConfigProblem::new(
                    format!("{key}.host"),
                    format!("'{host}' must be a host name without port, or *.domain"),
                ));
            }
            if let Err(problem) = crate::route::Upstream::parse(&route.upstream) {
                problems.push(ConfigProblem::new(format!("{key}.upstream"), problem));
            }
            if let Some(ca) = &route.upstream_ca
                && !ca.is_file()
            {
                problems.push(ConfigProblem::new(
                    format!("{key}.upstream_ca"),
                    format!("{} is not a readable file", ca.display()),
                ));
            }
        }
        if let Some(tls) = &self.tls {
            for (field, path) in [("cert", &tls.cert), ("key", &tls.key)] {
                if !path.is_file() {
                    problems.push(ConfigProblem::new(
                        format!("gateway.tls.{field}"),
                        format!("{} is not a readable file", path.display()),
                    ));
                }
            }
        }
        if self.limits.max_header_bytes < MIN_HEADER_BYTES {
            problems.push(ConfigProblem::new(
                "gateway.limits.max_header_bytes",
                format!("{} is below the minimum of {MIN_HEADER_BYTES}", self.limits.max_header_bytes),
            ));
        }
        if self.limits.max_headers == 0 {
            problems.push(ConfigProblem::new("gateway.limits.max_headers", "must be at least 1"));
        }
        if self.limits.max_connections == 0 {
            problems.push(ConfigProblem::new("gateway.limits.max_connections", "must be at least 1"));
        }
        let capture = &self.capture;
        if !(0.0..=1.0).contains(&capture.sample) {
            problems.push(ConfigProblem::new(
                "gateway.capture.sample",
                format!("{} is not a fraction between 0 and 1", capture.sample),
            ));
        }
        for (field, value) in [
            ("queue", capture.queue),
            ("queue_bytes", capture.queue_bytes),
            ("batch", capture.batch),
            ("analyse_one_in", capture.analyse_one_in as usize),
        ] {
            if value == 0 {
                problems.push(ConfigProblem::new(format!("gateway.capture.{field}"), "must be at least 1"));
            }
        }
        // Values that allocate up front or start threads: a typo must not exhaust the
        // machine at start (the queue's slots are allocated when it is created).
        for (key, value, most) in [
            ("gateway.capture.queue", capture.queue, MAX_QUEUE),
            ("gateway.capture.body_bytes", capture.body_bytes, MAX_CAPTURED_BODY_BYTES),
            ("gateway.detection.inspect_bytes", self.detection.inspect_bytes, MAX_CAPTURED_BODY_BYTES),
            ("gateway.workers", self.workers, MAX_WORKERS),
        ] {
            if value > most {
                problems.push(ConfigProblem::new(key, format!("{value} is above the maximum of {most}")));
            }
        }
        if self.detection.inspect_fields == 0 {
            problems.push(ConfigProblem::new("gateway.detection.inspect_fields", "must be at least 1"));
        }
        if self.rate_limit_max_keys == 0 {
            problems.push(ConfigProblem::new("gateway.rate_limit_max_keys", "must be at least 1"));
        }
        if let Err(err) = RateLimiter::new(&self.rate_limits, self.rate_limit_max_keys.max(1)) {
            problems.push(ConfigProblem::new("gateway.rate_limits", err.to_string()));
        }
        for (index, policy) in self.rate_limits.iter().enumerate() {
            for route in policy.routes.iter().filter(|route| !names.contains(*route)) {
                problems.push(ConfigProblem::new(
                    format!("gateway.rate_limits[{index}].routes"),
                    format!("'{route}' is not the name of a route"),
                ));
            }
        }
        problems
    }
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Parses `250ms`, `10s`, `5m`, `1h` (a bare number is seconds).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 =
        number.parse().map_err(|_| format!("'{text}' is not a duration like 500ms, 10s, 5m or 1h"))?;
    let seconds = match unit.trim() {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        other => return Err(format!("'{text}': unknown unit '{other}' (use ms, s, m or h)")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|_| format!("'{text}' is out of range"))
}

fn duration<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_duration(&text).map_err(serde::de::Error::custom)
}

fn optional_duration<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Duration>, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_duration(&text).map(Some).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct File {
        gateway: GatewayConfig,
    }

    fn parse(text: &str) -> Result<GatewayConfig, String> {
        toml::from_str::<File>(text).map(|f| f.gateway).map_err(|e| e.to_string())
    }

    #[test]
    fn a_full_config_parses_with_defaults_filled_in() {
        let config = parse(
            r#"
            [gateway]
            listen = "127.0.0.1:9000"
            admin_listen = "127.0.0.1:9001"
            mode = "monitor"
            [gateway.timeouts]
            connect = "250ms"
            call = "2m"
            [gateway.capture]
            sample = 0.25
            [[gateway.routes]]
            name = "api"
            host = "*.example.com"
            path_prefix = "/api"
            upstream = "http://127.0.0.1:3000"
            upstream_protocol = "http2"
            "#,
        )
        .unwrap();
        assert_eq!(config.mode, Mode::Monitor);
        assert_eq!(config.timeouts.connect, Duration::from_millis(250));
        assert_eq!(config.timeouts.call, Some(Duration::from_secs(120)));
        assert_eq!(config.timeouts.request_headers, Duration::from_secs(10));
        assert_eq!(config.routes[0].upstream_protocol, UpstreamProtocol::Http2);
        assert!(config.routes[0].preserve_host);
        assert!(config.validate().is_empty(), "{:?}", config.validate());
    }

    #[test]
    fn typos_and_bad_values_are_named() {
        let err = parse("[gateway]\nlisten = \"127.0.0.1:9000\"\ntimeout = 3\n").unwrap_err();
        assert!(err.contains("unknown field `timeout`"), "{err}");
        let err = parse("[gateway.timeouts]\nconnect = \"5 parsecs\"\n").unwrap_err();
        assert!(err.contains("unknown unit 'parsecs'"), "{err}");

        let config = parse(
            r#"
            [gateway]
            workers = 5000
            [gateway.limits]
            max_header_bytes = 1024
            [gateway.capture]
            sample = 1.5
            queue = 1000000000000
            [[gateway.routes]]
            name = "a"
            path_prefix = "api"
            upstream = "ftp://x"
            [[gateway.routes]]
            name = "a"
            upstream = "http://127.0.0.1:1"
            "#,
        )
        .unwrap();
        let problems: Vec<String> = config.validate().iter().map(|p| p.to_string()).collect();
        let expect = [
            "gateway.routes[0].path_prefix: 'api' must start with '/'",
            "gateway.routes[1].name: 'a' is used twice",
            "gateway.limits.max_header_bytes: 1024 is below the minimum of 8192",
            "gateway.capture.sample: 1.5 is not a fraction between 0 and 1",
            "gateway.capture.queue: 1000000000000 is above the maximum of 1048576",
            "gateway.workers: 5000 is above the maximum of 1024",
        ];
        for line in expect {
            assert!(problems.iter().any(|p| p == line), "missing {line:?} in {problems:#?}");
        }
        assert!(problems.iter().any(|p| p.starts_with("gateway.routes[0].upstream: ")), "{problems:#?}");
    }

    #[test]
    fn no_routes_is_a_problem() {
        let problems = GatewayConfig::default().validate();
        assert_eq!(problems[0].key, "gateway.routes");
    }

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("2h").unwrap(), Duration::from_secs(7200));
        assert_eq!(parse_duration("30").unwrap(), Duration::from_secs(30));
        assert!(parse_duration("s").is_err());
        assert!(parse_duration("-1s").is_err());
    }
}

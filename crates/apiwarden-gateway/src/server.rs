//! Listeners and connections: accept, TLS, HTTP/1.1 and HTTP/2 serving, connection
//! limits, the admin endpoints and graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use apiwarden_core::inspect::Inspector;
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio_rustls::TlsAcceptor;

use crate::capture::{Analysis, AnalysisSettings, CaptureError};
use crate::config::{GatewayConfig, UpstreamProtocol};
use crate::detection::DetectionLayer;
use crate::headers::RequestIds;
use crate::io::{FirstBytesDeadline, NoRequestInTime};
use crate::layers::{LayerStack, RateLimitLayer};
use crate::metrics::{ConnectionErrorKind, Metrics, RouteMetrics};
use crate::proxy::{self, BodyInspection, CaptureSettings, Shared, UpstreamClient};
use crate::ratelimit::RateLimiter;
use crate::route::{Route, RouteTable};
use crate::sampling::AnalysisSampler;
use crate::tls;

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error("configuration: {0}")]
    Config(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error(transparent)]
    Capture(#[from] CaptureError),
    #[error("cannot start a gateway worker thread: {0}")]
    Thread(std::io::Error),
}

/// What the gateway needs besides its configuration section.
pub struct GatewayOptions {
    /// The store captured calls go to when `capture.store` is not set.
    pub default_store: PathBuf,
    /// Sensitive-data and posture analysis of captured calls; none for inventory only.
    pub inspector: Option<Arc<dyn Inspector>>,
}

/// Stops a running gateway: new connections are refused, in-flight calls drain.
#[derive(Clone)]
pub struct ShutdownHandle(watch::Sender<bool>);

impl ShutdownHandle {
    pub fn shutdown(&self) {
        let _ = self.0.send(true);
    }
}

/// A gateway with its sockets bound, ready to run.
///
/// It serves with one event loop per worker thread, each with its own listening socket on
/// the same address (`SO_REUSEPORT`: the kernel spreads connections) and its own upstream
/// connection pools, so a call never crosses threads: on two cores, a multi-threaded
/// runtime spent a fifth of the gateway's CPU in cross-thread wake-ups (BENCHMARKS.md).
pub struct Gateway {
    /// The first worker runs on the caller's runtime, the others on threads of their own.
    primary: Worker<TcpListener>,
    others: Vec<Worker<std::net::TcpListener>>,
    admin: Option<TcpListener>,
    common: Arc<Common>,
    analysis: Option<Analysis>,
    limiter: Option<Arc<RateLimiter>>,
    shutdown: watch::Sender<bool>,
    draining: Arc<AtomicBool>,
}

struct Worker<L> {
    listener: L,
    shared: Arc<Shared>,
}

/// What every worker's accept loop shares.
struct Common {
    tls: Option<TlsAcceptor>,
    connections: Arc<Semaphore>,
    http: auto::Builder<TokioExecutor>,
    drain: Duration,
    handshake_timeout: Duration,
    metrics: Arc<Metrics>,
}

impl Gateway {
    /// Validates the configuration, loads certificates, opens the capture store and binds
    /// the listeners. Every failure here is a clear error before any traffic is taken.
    pub async fn bind(config: GatewayConfig, options: GatewayOptions) -> Result<Gateway, GatewayError> {
        let problems = config.validate();
        if !problems.is_empty() {
            let lines: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
            return Err(GatewayError::Config(lines.join("; ")));
        }
        let routes = Arc::new(RouteTable::new(&config).map_err(GatewayError::Config)?);
        let metrics = Arc::new(Metrics::new());
        let mut by_index: Vec<&Route> = routes.routes().collect();
        by_index.sort_by_key(|route| route.index);
        let route_metrics: Arc<Vec<RouteMetrics>> =
            Arc::new(by_index.iter().map(|route| metrics.route(&route.name)).collect());
        let tls = match &config.tls {
            Some(settings) => Some(TlsAcceptor::from(Arc::new(
                tls::server_config(&settings.cert, &settings.key).map_err(GatewayError::Config)?,
            ))),
            None => None,
        };
        let mut layers = LayerStack::default();
        let limiter = if config.rate_limits.is_empty() {
            None
        } else {
            let limiter = RateLimiter::new(&config.rate_limits, config.rate_limit_max_keys)
                .map_err(|err| GatewayError::Config(err.to_string()))?;
            let limiter = Arc::new(limiter);
            layers.push(Arc::new(RateLimitLayer::new(limiter.clone())));
            Some(limiter)
        };
        // Detection after rate limiting: a client over its limit is refused before its body
        // is read and inspected.
        if config.detection.enabled {
            layers.push(Arc::new(DetectionLayer::new(&config.detection)));
        }
        let body_inspection = layers.wants_body().then_some(BodyInspection {
            limit: config.detection.inspect_bytes,
            timeout: config.detection.body_timeout,
        });
        let analysis = if config.capture.enabled {
            let settings = AnalysisSettings {
                store: config.capture.store.clone().unwrap_or(options.default_store),
                inspector: options.inspector,
                queue: config.capture.queue,
                queue_bytes: config.capture.queue_bytes,
                batch: config.capture.batch,
                flush: config.capture.flush,
            };
            Some(Analysis::start(settings, metrics.clone())?)
        } else {
            None
        };
        let capture = analysis.as_ref().map(|analysis| CaptureSettings {
            queue: analysis.queue.clone(),
            body_bytes: config.capture.body_bytes,
            sample_threshold: CaptureSettings::threshold(config.capture.sample),
            analysis: Arc::new(AnalysisSampler::new(
                config.capture.analyse_first,
                config.capture.analyse_one_in,
            )),
        });
        let ids = Arc::new(RequestIds::new());
        let worker_shared = || -> Result<Arc<Shared>, GatewayError> {
            let mut clients = Vec::with_capacity(by_index.len());
            for route in &by_index {
                let ca = config.routes.get(route.index).and_then(|r| r.upstream_ca.as_deref());
                clients.push(upstream_client(route, &config, ca).map_err(GatewayError::Config)?);
            }
            Ok(Arc::new(Shared {
                routes: routes.clone(),
                route_metrics: route_metrics.clone(),
                clients,
                layers: layers.clone(),
                metrics: metrics.clone(),
                capture: capture.clone(),
                body_inspection,
                ids: ids.clone(),
                timeouts: config.timeouts.clone(),
                scheme: if tls.is_some() { "https" } else { "http" },
                trust_forwarded_for: config.trust_forwarded_for,
                access_log: config.access_log,
            }))
        };
        let workers = config.worker_count();
        let primary_listener = bind_shared(config.listen)?;
        // Port 0 picks a port: the other workers join the one the first socket got.
        let addr = primary_listener
            .local_addr()
            .map_err(|source| GatewayError::Bind { addr: config.listen, source })?;
        let primary = Worker { listener: primary_listener, shared: worker_shared()? };
        let mut others = Vec::with_capacity(workers.saturating_sub(1));
        for _ in 1..workers {
            let listener =
                bind_shared(addr)?.into_std().map_err(|source| GatewayError::Bind { addr, source })?;
            others.push(Worker { listener, shared: worker_shared()? });
        }
        let admin = match config.admin_listen {
            Some(addr) => {
                Some(TcpListener::bind(addr).await.map_err(|source| GatewayError::Bind { addr, source })?)
            }
            None => None,
        };
        let (shutdown, _) = watch::channel(false);
        let common = Arc::new(Common {
            tls,
            connections: Arc::new(Semaphore::new(config.limits.max_connections)),
            http: http_builder(&config),
            drain: config.timeouts.drain,
            handshake_timeout: config.timeouts.request_headers,
            metrics,
        });
        Ok(Gateway {
            primary,
            others,
            admin,
            common,
            analysis,
            limiter,
            shutdown,
            draining: Arc::new(AtomicBool::new(false)),
        })
    }

    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.primary.listener.local_addr().ok()
    }

    pub fn admin_addr(&self) -> Option<SocketAddr> {
        self.admin.as_ref().and_then(|l| l.local_addr().ok())
    }

    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle(self.shutdown.clone())
    }

    pub fn metrics(&self) -> Arc<Metrics> {
        self.common.metrics.clone()
    }

    /// Serves until the shutdown handle fires, then stops accepting, lets in-flight calls
    /// finish (up to `timeouts.drain`), and commits the calls still queued for analysis.
    pub async fn run(self) -> Result<(), GatewayError> {
        let Gateway { primary, others, admin, common, analysis, limiter, shutdown, draining } = self;
        let analysis = analysis.map(Arc::new);
        let admin_task = admin.map(|admin| {
            let state = AdminState {
                metrics: common.metrics.clone(),
                analysis: analysis.clone(),
                limiter,
                draining: draining.clone(),
            };
            tokio::spawn(serve_admin(admin, Arc::new(state)))
        });
        let mut threads = Vec::with_capacity(others.len());
        for (index, worker) in others.into_iter().enumerate() {
            let common = common.clone();
            let stop = shutdown.subscribe();
            let thread = std::thread::Builder::new()
                .name(format!("apiwarden-gateway-{}", index + 2))
                .spawn(move || run_worker_thread(worker, common, stop))
                .map_err(GatewayError::Thread)?;
            threads.push(thread);
        }
        let mut stop = shutdown.subscribe();
        let draining_flag = draining.clone();
        let drain = common.drain;
        accept_loop(primary.listener, primary.shared, common, async move {
            let _ = stop.changed().await;
            draining_flag.store(true, Ordering::Release);
            tracing::info!("shutting down: draining in-flight calls for up to {} s", drain.as_secs());
        })
        .await;
        let _ = tokio::task::spawn_blocking(move || {
            for thread in threads {
                let _ = thread.join();
            }
        })
        .await;
        if let Some(task) = admin_task {
            task.abort();
        }
        if let Some(analysis) = analysis {
            // Commits what is queued; blocking work, so off the runtime's threads. (The
            // admin task may still hold its clone: `finish` does not need the only one.)
            let _ = tokio::task::spawn_blocking(move || analysis.finish()).await;
        }
        Ok(())
    }
}

/// A worker thread: its own single-threaded runtime and accept loop.
fn run_worker_thread(
    worker: Worker<std::net::TcpListener>,
    common: Arc<Common>,
    mut stop: watch::Receiver<bool>,
) {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            tracing::error!("gateway worker could not start its runtime: {err}");
            return;
        }
    };
    runtime.block_on(async move {
        match TcpListener::from_std(worker.listener) {
            Ok(listener) => {
                accept_loop(listener, worker.shared, common, async move {
                    let _ = stop.changed().await;
                })
                .await
            }
            Err(err) => tracing::error!("gateway worker could not use its socket: {err}"),
        }
    });
}

/// Accepts until `stop` completes, then drains this worker's connections.
async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    common: Arc<Common>,
    stop: impl Future<Output = ()>,
) {
    let graceful = GracefulShutdown::new();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(pair) => pair,
                    Err(err) => {
                        pause_after_accept_error(err).await;
                        continue;
                    }
                };
                let Ok(permit) = common.connections.clone().try_acquire_owned() else {
                    common.metrics.connection_error(ConnectionErrorKind::at_capacity);
                    drop(stream);
                    continue;
                };
                common.metrics.connections_total.inc();
                let _ = stream.set_nodelay(true);
                let shared = shared.clone();
                let common = common.clone();
                let watcher = graceful.watcher();
                tokio::spawn(async move {
                    common.metrics.connections_open.inc();
                    serve_connection(stream, peer, &common, watcher, shared).await;
                    common.metrics.connections_open.dec();
                    drop(permit);
                });
            }
        }
    }
    drop(listener);
    let drain = common.drain;
    tracing::debug!("worker draining in-flight calls for up to {} s", drain.as_secs());
    if tokio::time::timeout(drain, graceful.shutdown()).await.is_err() {
        tracing::warn!("drain timeout passed; remaining connections are closed");
    }
}

/// A listening socket that other workers can share (`SO_REUSEPORT`).
fn bind_shared(addr: SocketAddr) -> Result<TcpListener, GatewayError> {
    let bind = || -> std::io::Result<TcpListener> {
        let socket = if addr.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
        socket.set_reuseaddr(true)?;
        #[cfg(unix)]
        socket.set_reuseport(true)?;
        socket.bind(addr)?;
        socket.listen(1024)
    };
    bind().map_err(|source| GatewayError::Bind { addr, source })
}

fn http_builder(config: &GatewayConfig) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(config.timeouts.request_headers)
        .max_buf_size(config.limits.max_header_bytes)
        .max_headers(config.limits.max_headers)
        // One flattened write per response instead of a vectored write: API messages are
        // small, and this measured ~5% less CPU per call (BENCHMARKS.md).
        .writev(false)
        .keep_alive(true);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_header_list_size(u32::try_from(config.limits.max_header_bytes).unwrap_or(u32::MAX))
        .keep_alive_interval(Some(Duration::from_secs(30)))
        .keep_alive_timeout(Duration::from_secs(20));
    builder
}

fn upstream_client(
    route: &Route,
    config: &GatewayConfig,
    ca: Option<&std::path::Path>,
) -> Result<UpstreamClient, String> {
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    http.set_connect_timeout(Some(config.timeouts.connect));
    let tls = tls::client_config(ca).map_err(|err| format!("route {}: {err}", route.name))?;
    let builder = hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(tls).https_or_http();
    let connector = match route.protocol {
        UpstreamProtocol::Http1 => builder.enable_http1().wrap_connector(http),
        UpstreamProtocol::Http2 => builder.enable_http2().wrap_connector(http),
    };
    let mut client = Client::builder(TokioExecutor::new());
    client
        .pool_timer(TokioTimer::new())
        .timer(TokioTimer::new())
        .pool_idle_timeout(config.timeouts.upstream_idle)
        .pool_max_idle_per_host(1024)
        .http1_writev(false)
        .http2_only(route.protocol == UpstreamProtocol::Http2);
    Ok(client.build(connector))
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    common: &Common,
    watcher: hyper_util::server::graceful::Watcher,
    shared: Arc<Shared>,
) {
    let (http, handshake_timeout) = (&common.http, common.handshake_timeout);
    let service = {
        let shared = shared.clone();
        service_fn(move |request: Request<Incoming>| proxy::serve(shared.clone(), peer, request))
    };
    // `handshake_timeout` (= timeouts.request_headers) also bounds the wait for the first
    // bytes of a request, which hyper's own header timer does not cover (io.rs).
    let result = match common.tls.clone() {
        None => {
            let stream = FirstBytesDeadline::new(stream, handshake_timeout);
            let connection = http.serve_connection_with_upgrades(TokioIo::new(stream), service);
            watcher.watch(connection.into_owned()).await
        }
        Some(acceptor) => match tokio::time::timeout(handshake_timeout, acceptor.accept(stream)).await {
            Ok(Ok(stream)) => {
                let stream = FirstBytesDeadline::new(stream, handshake_timeout);
                let connection = http.serve_connection_with_upgrades(TokioIo::new(stream), service);
                watcher.watch(connection.into_owned()).await
            }
            Ok(Err(err)) => {
                tracing::debug!(%peer, "TLS handshake failed: {err}");
                shared.metrics.connection_error(ConnectionErrorKind::tls);
                return;
            }
            Err(_) => {
                shared.metrics.connection_error(ConnectionErrorKind::tls);
                return;
            }
        },
    };
    if let Err(err) = result {
        let kind = classify_connection_error(err.as_ref());
        tracing::debug!(%peer, ?kind, "connection ended: {err}");
        shared.metrics.connection_error(kind);
    }
}

fn classify_connection_error(err: &(dyn std::error::Error + 'static)) -> ConnectionErrorKind {
    let mut cause = Some(err);
    while let Some(current) = cause {
        // io::Error hides its payload from `source()`; look inside it.
        let io_payload = current.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref());
        if current.is::<NoRequestInTime>() || io_payload.is_some_and(|inner| inner.is::<NoRequestInTime>()) {
            return ConnectionErrorKind::header_timeout;
        }
        cause = current.source();
    }
    let Some(hyper_err) = err.downcast_ref::<hyper::Error>() else {
        return ConnectionErrorKind::other;
    };
    if hyper_err.is_parse_too_large() {
        ConnectionErrorKind::header_too_large
    } else if hyper_err.is_timeout() {
        ConnectionErrorKind::header_timeout
    } else if hyper_err.is_parse() || hyper_err.is_parse_version_h2() {
        ConnectionErrorKind::malformed
    } else {
        ConnectionErrorKind::other
    }
}

struct AdminState {
    metrics: Arc<Metrics>,
    analysis: Option<Arc<Analysis>>,
    limiter: Option<Arc<RateLimiter>>,
    draining: Arc<AtomicBool>,
}

/// Out of file descriptors and the like: pause instead of spinning on the error.
async fn pause_after_accept_error(err: std::io::Error) {
    tracing::warn!("accept failed: {err}");
    tokio::time::sleep(Duration::from_millis(50)).await;
}

async fn serve_admin(listener: TcpListener, state: Arc<AdminState>) {
    const ADMIN_HEAD_TIMEOUT: Duration = Duration::from_secs(10);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(ADMIN_HEAD_TIMEOUT);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => FirstBytesDeadline::new(stream, ADMIN_HEAD_TIMEOUT),
            Err(err) => {
                pause_after_accept_error(err).await;
                continue;
            }
        };
        let state = state.clone();
        let http = http.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request: Request<Incoming>| {
                let state = state.clone();
                async move { Ok::<_, std::convert::Infallible>(admin_response(&state, request.uri().path())) }
            });
            let _ = http.serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

fn admin_response(state: &AdminState, path: &str) -> Response<Full<Bytes>> {
    let metrics = &state.metrics;
    let (status, content_type, body) = match path {
        "/metrics" => {
            if let Some(analysis) = &state.analysis {
                metrics.capture_queue_depth.set(analysis.queue.depth() as i64);
                metrics.capture_queue_bytes.set(analysis.queue.depth_bytes() as i64);
            }
            if let Some(limiter) = &state.limiter {
                metrics.rate_limit_keys.set(limiter.tracked_keys() as i64);
                metrics.set_rate_limit_evicted(limiter.evicted_keys());
            }
            (StatusCode::OK, "text/plain; version=0.0.4; charset=utf-8", metrics.encode())
        }
        "/healthz" => (StatusCode::OK, "application/json", r#"{"status":"ok"}"#.to_owned()),
        "/readyz" => {
            let mut problems = Vec::new();
            if state.draining.load(Ordering::Acquire) {
                problems.push("shutting down");
            }
            if state.analysis.as_ref().is_some_and(|analysis| !analysis.is_alive()) {
                problems.push("the analysis thread has stopped");
            }
            let body = serde_json::json!({
                "status": if problems.is_empty() { "ready" } else { "not ready" },
                "problems": problems,
            });
            let status = if problems.is_empty() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
            (status, "application/json", body.to_string())
        }
        _ => (
            StatusCode::NOT_FOUND,
            "application/json",
            r#"{"error":"not found: try /metrics, /healthz or /readyz"}"#.to_owned(),
        ),
    };
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    if let Ok(value) = http::HeaderValue::from_str(content_type) {
        response.headers_mut().insert(http::header::CONTENT_TYPE, value);
    }
    response
}

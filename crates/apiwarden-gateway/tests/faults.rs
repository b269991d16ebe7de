//! Bad input and faults, each with real sockets on loopback: upstreams that are down,
//! slow, broken or reset; clients that send oversized, malformed or endless heads, or
//! disconnect mid-body; the connection limit and the whole-call timeout. Every test
//! checks what the faulty peer (or the client of a faulty upstream) gets, that the
//! matching metric moved, and that a normal call on another connection still succeeds.
//!
//! Not covered: the upstream connect timeout (`timeouts.connect`) needs an address that
//! drops SYNs, which loopback has none of; a refused connect is covered instead.
//!
//! Timing only sets upper bounds ([`BOUND`]) that fail on hangs; the short timeouts
//! configured below ([`SHORT`]) only make the tests fast.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use apiwarden_gateway::GatewayConfig;
use apiwarden_gateway::config::RouteConfig;
use bytes::Bytes;
use http::{HeaderMap, Request, Response};
use http_body::{Body, Frame};
use http_body_util::BodyExt;
use hyper_util::rt::TokioIo;
use support::*;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Upper bound for anything that should happen: only a hang reaches it.
const BOUND: Duration = Duration::from_secs(10);
/// The short timeouts configured for the timeout tests.
const SHORT: Duration = Duration::from_millis(300);

const UPSTREAM_ERRORS: &str = "apiwarden_gateway_upstream_errors_total";
const CONNECTION_ERRORS: &str = "apiwarden_gateway_connection_errors_total";
const IN_FLIGHT: &str = "apiwarden_gateway_in_flight_requests";

fn upstream_errors(kind: &str) -> String {
    format!("{UPSTREAM_ERRORS}{{route=\"default\",kind=\"{kind}\"}}")
}

fn connection_errors(kind: &str) -> String {
    format!("{CONNECTION_ERRORS}{{kind=\"{kind}\"}}")
}

fn requests(status_class: &str) -> String {
    format!("apiwarden_gateway_requests_total{{route=\"default\",status=\"{status_class}\"}}")
}

/// Awaits `future`, failing the test if it takes longer than [`BOUND`].
async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    match tokio::time::timeout(BOUND, future).await {
        Ok(value) => value,
        Err(_) => panic!("hung for {BOUND:?}: {what}"),
    }
}

/// Polls a metric until `done` holds (bounded by [`BOUND`]); returns its value.
async fn wait_metric(gateway: &TestGateway, sample: &str, done: impl Fn(f64) -> bool) -> f64 {
    let deadline = tokio::time::Instant::now() + BOUND;
    loop {
        let value = gateway.metric(sample).await;
        if done(value) {
            return value;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!("{sample} stayed at {value}; /metrics:\n{}", gateway.metrics().await);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A gateway whose `default` route goes to `faulty`, plus a `healthy` route (`/healthy`)
/// to a working upstream, for the calls that must not be affected.
async fn gateway_with_healthy_route(faulty: &str, adjust: impl FnOnce(&mut GatewayConfig)) -> TestGateway {
    let healthy = static_upstream("healthy").await;
    gateway(faulty, move |config| {
        let base = config.routes[0].clone();
        config.routes.push(RouteConfig {
            name: Some("healthy".into()),
            path_prefix: "/healthy".into(),
            upstream: format!("http://{healthy}"),
            ..base
        });
        adjust(config);
    })
    .await
}

/// A call on a fresh connection to the `healthy` route succeeds.
async fn assert_healthy_route(gateway: &TestGateway) {
    let (status, _, body) = within("a call to the healthy route", get(&gateway.url("/healthy/x"))).await;
    assert_eq!(status, 200);
    assert_eq!(&body[..], b"healthy");
}

/// A call on a fresh connection to `path` gets a 200 with `expected` as its body.
async fn assert_ok(gateway: &TestGateway, path: &str, expected: &str) {
    let (status, _, body) = within("a normal call", get(&gateway.url(path))).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(&body[..], expected.as_bytes());
}

/// The response is a problem of `kind` with `status`, carrying the call's request id.
fn assert_problem(response: &(u16, HeaderMap, Bytes), status: u16, kind: &str) {
    let (got, headers, body) = response;
    assert_eq!(*got, status, "{}", String::from_utf8_lossy(body));
    assert_eq!(headers["content-type"], "application/problem+json");
    let problem = problem(body);
    assert_eq!(problem["type"], kind, "{problem}");
    assert_eq!(problem["status"], status, "{problem}");
    let id = headers["x-request-id"].to_str().unwrap();
    assert!(!id.is_empty());
    assert_eq!(problem["request_id"], id, "{problem}");
}

/// A misbehaving upstream on raw TCP: each accepted connection is handed to `behave`.
async fn raw_upstream<F, Fut>(behave: F) -> SocketAddr
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let behave = Arc::new(behave);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            tokio::spawn(behave(stream));
        }
    });
    addr
}

/// Reads a request head, up to and including the blank line (or to EOF).
async fn read_head(stream: &mut TcpStream) -> Vec<u8> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
    }
    head
}

/// How the other end ended a connection.
#[derive(Debug, PartialEq, Eq)]
enum End {
    /// A clean close (FIN).
    Eof,
    /// A reset or other read error.
    Error(std::io::ErrorKind),
}

/// Reads until the peer closes; fails the test if it never does.
async fn read_to_close(stream: &mut (impl AsyncRead + Unpin)) -> (String, End) {
    within("the gateway closing the connection", async {
        let mut out = Vec::new();
        let mut buffer = [0u8; 4096];
        let end = loop {
            match stream.read(&mut buffer).await {
                Ok(0) => break End::Eof,
                Ok(n) => out.extend_from_slice(&buffer[..n]),
                Err(err) => break End::Error(err.kind()),
            }
        };
        (String::from_utf8_lossy(&out).into_owned(), end)
    })
    .await
}

/// Writes `bytes` on a fresh connection and reads until the gateway closes it.
async fn raw_to_close(addr: SocketAddr, bytes: &[u8]) -> (String, End) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    // The gateway may close before reading everything; what it answers is what counts.
    let _ = stream.write_all(bytes).await;
    read_to_close(&mut stream).await
}

/// A client connection kept open between calls (HTTP/1.1 keep-alive).
struct KeptConnection {
    sender: hyper::client::conn::http1::SendRequest<TestBody>,
    task: tokio::task::JoinHandle<Result<(), hyper::Error>>,
}

impl KeptConnection {
    async fn open(addr: SocketAddr) -> KeptConnection {
        let stream = TcpStream::connect(addr).await.unwrap();
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
        KeptConnection { sender, task: tokio::spawn(connection) }
    }

    async fn get(&mut self, path: &str) -> (u16, Bytes) {
        within("a call on a kept connection", async {
            self.sender.ready().await.unwrap();
            let request = Request::get(path).header("host", "gateway.test").body(empty()).unwrap();
            let response = self.sender.send_request(request).await.unwrap();
            let status = response.status().as_u16();
            (status, response.into_body().collect().await.unwrap().to_bytes())
        })
        .await
    }

    /// Closes the connection and waits until its socket is gone.
    async fn close(self) {
        drop(self.sender);
        let _ = within("closing a kept connection", self.task).await;
    }
}

/// One call on a fresh connection; `None` when the connection fails (refused, closed).
async fn try_get(addr: SocketAddr, path: &str) -> Option<(u16, Bytes)> {
    let stream = TcpStream::connect(addr).await.ok()?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.ok()?;
    tokio::spawn(connection);
    let request = Request::get(path).header("host", "gateway.test").body(empty()).unwrap();
    let response = sender.send_request(request).await.ok()?;
    let status = response.status().as_u16();
    Some((status, response.into_body().collect().await.ok()?.to_bytes()))
}

async fn get_owned(url: String) -> (u16, HeaderMap, Bytes) {
    get(&url).await
}

/// A response body that sends a chunk every 100 ms, forever.
struct Trickle(tokio::time::Interval);

impl Trickle {
    fn body() -> TestBody {
        Trickle(tokio::time::interval(Duration::from_millis(100))).boxed()
    }
}

impl Body for Trickle {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        ready!(self.0.poll_tick(cx));
        Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(b"tick\n")))))
    }
}

// ---------------------------------------------------------------------------------------
// Faulty upstreams

/// A call to `/orders` on a gateway whose default route goes to the faulty `upstream`
/// gets a 502 problem of `problem_type`, counted as an upstream error of `kind` and a 5xx,
/// while the healthy route keeps working.
async fn expect_bad_gateway(upstream: &str, what: &str, problem_type: &str, kind: &str) {
    let gateway = gateway_with_healthy_route(upstream, |_| {}).await;
    let response = within(what, get(&gateway.url("/orders"))).await;
    assert_problem(&response, 502, problem_type);
    assert_eq!(gateway.metric(&upstream_errors(kind)).await, 1.0);
    assert_eq!(gateway.metric(&requests("5xx")).await, 1.0);
    assert_healthy_route(&gateway).await;
    gateway.stop().await;
}

/// 1. Nothing listens on the upstream's port: 502 upstream-unavailable, counted as connect.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_down_gets_502_unavailable() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead = listener.local_addr().unwrap();
    drop(listener);
    expect_bad_gateway(
        &format!("http://{dead}"),
        "a call to a dead upstream",
        "urn:apiwarden:problem:upstream-unavailable",
        "connect",
    )
    .await;
}

/// 2. The upstream answers after `timeouts.upstream_response`: 504 upstream-timeout,
/// counted as timeout; a fast call to the same upstream meanwhile succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_upstream_gets_504_while_fast_calls_succeed() {
    let upstream = upstream(|request| async move {
        if request.uri().path() == "/slow" {
            tokio::time::sleep(BOUND).await;
        }
        Response::new(full("fast"))
    })
    .await;
    let gateway = gateway(&format!("http://{upstream}"), |config| {
        config.timeouts.upstream_response = SHORT;
    })
    .await;

    let slow = tokio::spawn(get_owned(gateway.url("/slow")));
    wait_metric(&gateway, IN_FLIGHT, |n| n >= 1.0).await;
    assert_ok(&gateway, "/fast", "fast").await;
    let response = within("the slow call", slow).await.unwrap();
    assert_problem(&response, 504, "urn:apiwarden:problem:upstream-timeout");
    assert_eq!(gateway.metric(&upstream_errors("timeout")).await, 1.0);
    assert_eq!(gateway.metric(&requests("5xx")).await, 1.0);
    assert_ok(&gateway, "/fast", "fast").await;
    gateway.stop().await;
}

/// 3. The upstream answers with something that is not HTTP: 502 upstream-invalid-response,
/// counted as protocol.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_upstream_response_gets_502_invalid() {
    let upstream = raw_upstream(|mut stream| async move {
        read_head(&mut stream).await;
        let _ = stream.write_all(b"garbage\r\n\r\n").await;
        let _ = stream.shutdown().await;
    })
    .await;
    expect_bad_gateway(
        &format!("http://{upstream}"),
        "a call to a garbage upstream",
        "urn:apiwarden:problem:upstream-invalid-response",
        "protocol",
    )
    .await;
}

/// 4. The upstream reads the request and resets the connection (RST) without answering:
/// 502 upstream-invalid-response, counted as protocol.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_reset_before_the_response_gets_502() {
    let upstream = raw_upstream(|mut stream| async move {
        read_head(&mut stream).await;
        // SO_LINGER 0: close sends RST instead of FIN (and does not block).
        #[allow(deprecated)]
        stream.set_linger(Some(Duration::ZERO)).unwrap();
        drop(stream);
    })
    .await;
    expect_bad_gateway(
        &format!("http://{upstream}"),
        "a call to a resetting upstream",
        "urn:apiwarden:problem:upstream-invalid-response",
        "protocol",
    )
    .await;
}

/// 5. The upstream sends a head promising 100000 bytes, 10 bytes of body, and closes: the
/// client's body read fails (no hang), counted as a body error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_closing_mid_body_fails_the_client_body() {
    let upstream = raw_upstream(|mut stream| async move {
        read_head(&mut stream).await;
        let _ = stream
            .write_all(
                b"HTTP/1.1 200 OK\r\ncontent-length: 100000\r\ncontent-type: text/plain\r\n\r\n0123456789",
            )
            .await;
        let _ = stream.shutdown().await;
    })
    .await;
    let gateway = gateway_with_healthy_route(&format!("http://{upstream}"), |_| {}).await;

    let response =
        within("the response head", send_raw(Request::get(gateway.url("/file")).body(empty()).unwrap()))
            .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-length"], "100000");
    let body = within("the truncated body", response.into_body().collect()).await;
    assert!(body.is_err(), "a truncated body must end in an error, not look complete");
    wait_metric(&gateway, &upstream_errors("body"), |n| n >= 1.0).await;
    assert_healthy_route(&gateway).await;
    gateway.stop().await;
}

// ---------------------------------------------------------------------------------------
// Faulty clients

/// 6a. One 20 KiB header with the default 16 KiB limit: 431 and a close, counted as
/// header_too_large.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_request_head_gets_431() {
    let gateway = gateway(&format!("http://{}", static_upstream("ok").await), |_| {}).await;

    let big = "a".repeat(20 * 1024);
    let request = format!("GET / HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\n\r\n");
    let (answer, end) = raw_to_close(gateway.addr, request.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 431 "), "{answer:?} then {end:?}");
    wait_metric(&gateway, &connection_errors("header_too_large"), |n| n >= 1.0).await;
    assert_ok(&gateway, "/", "ok").await;
    gateway.stop().await;
}

/// 6b. 20 header fields with `limits.max_headers = 10`: 431, counted as header_too_large.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_request_headers_get_431() {
    let gateway = gateway(&format!("http://{}", static_upstream("ok").await), |config| {
        config.limits.max_headers = 10;
    })
    .await;

    let mut request = "GET / HTTP/1.1\r\nHost: x\r\n".to_owned();
    for n in 0..20 {
        request.push_str(&format!("X-Field-{n}: {n}\r\n"));
    }
    request.push_str("\r\n");
    let (answer, end) = raw_to_close(gateway.addr, request.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 431 "), "{answer:?} then {end:?}");
    wait_metric(&gateway, &connection_errors("header_too_large"), |n| n >= 1.0).await;
    assert_ok(&gateway, "/", "ok").await;
    gateway.stop().await;
}

/// 7. Not HTTP, and HTTP with an unparsable Content-Length: 400 (or a clean close),
/// counted as malformed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_400_and_a_close() {
    let gateway = gateway(&format!("http://{}", static_upstream("ok").await), |_| {}).await;

    let inputs: [&[u8]; 2] =
        [b"GARBAGE\r\n\r\n", b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"];
    for input in inputs {
        let (answer, end) = raw_to_close(gateway.addr, input).await;
        assert!(
            answer.is_empty() || answer.starts_with("HTTP/1.1 400 "),
            "{:?}: {answer:?} then {end:?}",
            String::from_utf8_lossy(input)
        );
    }
    wait_metric(&gateway, &connection_errors("malformed"), |n| n >= 2.0).await;
    assert_ok(&gateway, "/", "ok").await;
    gateway.stop().await;
}

/// 8. Slowloris: a head that trickles in a byte every 100 ms and never ends is cut after
/// `timeouts.request_headers`, counted as header_timeout; other clients are served meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slowloris_head_is_cut_after_the_header_timeout() {
    let gateway = gateway(&format!("http://{}", static_upstream("ok").await), |config| {
        config.timeouts.request_headers = SHORT;
    })
    .await;

    let stream = TcpStream::connect(gateway.addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    writer.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ").await.unwrap();
    let drip = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if writer.write_all(b"a").await.is_err() {
                break;
            }
        }
    });
    assert_ok(&gateway, "/", "ok").await;
    let (answer, end) = read_to_close(&mut reader).await;
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 408 "), "{answer:?} then {end:?}");
    drip.abort();
    wait_metric(&gateway, &connection_errors("header_timeout"), |n| n >= 1.0).await;
    assert_ok(&gateway, "/", "ok").await;
    gateway.stop().await;
}

/// 8b. A kept-alive connection that starts no next request is closed after
/// `timeouts.request_headers` (hyper restarts its header timer when it waits for the next
/// head), cleanly (FIN, no 408).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_keep_alive_connection_is_closed_after_the_header_timeout() {
    let gateway = gateway(&format!("http://{}", static_upstream("ok").await), |config| {
        config.timeouts.request_headers = SHORT;
    })
    .await;

    let mut kept = KeptConnection::open(gateway.addr).await;
    assert_eq!(kept.get("/").await, (200, Bytes::from_static(b"ok")));
    let ended = within("the gateway closing the idle connection", kept.task).await.unwrap();
    assert!(ended.is_ok(), "a clean close, seen by the client as the end of an idle connection: {ended:?}");
    wait_metric(&gateway, "apiwarden_gateway_connections_open", |n| n == 0.0).await;
    assert_ok(&gateway, "/", "ok").await;
    gateway.stop().await;
}

/// 8c. Connections that never send a request head (nothing at all, or part of the HTTP/2
/// preface) are closed after `timeouts.request_headers` too, so that silent clients cannot
/// hold every slot of `limits.max_connections`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]

async fn silent_connections_are_closed_after_the_header_timeout() {
    let gateway = gateway(&format!("http://{}", static_upstream("ok").await), |config| {
        config.timeouts.request_headers = SHORT;
        config.limits.max_connections = 2;
    })
    .await;

    let mut silent = TcpStream::connect(gateway.addr).await.unwrap();
    let mut partial_preface = TcpStream::connect(gateway.addr).await.unwrap();
    partial_preface.write_all(b"PRI * HT").await.unwrap();
    let (answer, _) = read_to_close(&mut silent).await;
    assert_eq!(answer, "");
    let (answer, _) = read_to_close(&mut partial_preface).await;
    assert_eq!(answer, "");
    wait_metric(&gateway, &connection_errors("header_timeout"), |n| n >= 2.0).await;
    assert_ok(&gateway, "/", "ok").await;
    gateway.stop().await;
}

/// An upstream for the client-disconnect tests: `/upload` reports when it starts and how
/// its body read ended, `/slow` never answers, anything else gets `ok`.
struct DisconnectUpstream {
    addr: SocketAddr,
    started: tokio::sync::mpsc::UnboundedReceiver<()>,
    outcome: tokio::sync::mpsc::UnboundedReceiver<Result<usize, String>>,
}

async fn disconnect_upstream() -> DisconnectUpstream {
    let (started_tx, started) = tokio::sync::mpsc::unbounded_channel::<()>();
    let (outcome_tx, outcome) = tokio::sync::mpsc::unbounded_channel::<Result<usize, String>>();
    let addr = upstream(move |request| {
        let started = started_tx.clone();
        let outcome = outcome_tx.clone();
        async move {
            match request.uri().path() {
                "/upload" => {
                    let _ = started.send(());
                    let read = request.into_body().collect().await;
                    let _ =
                        outcome.send(read.map(|body| body.to_bytes().len()).map_err(|err| err.to_string()));
                }
                "/slow" => {
                    let _ = started.send(());
                    tokio::time::sleep(BOUND * 2).await;
                }
                _ => {}
            }
            Response::new(full("ok"))
        }
    })
    .await;
    DisconnectUpstream { addr, started, outcome }
}

/// Sends a head promising 100000 bytes and 1 KiB of body, waits until the upstream has the
/// request, then disconnects; returns how the upstream's body read ended.
async fn disconnect_mid_body(
    gateway: &TestGateway,
    upstream: &mut DisconnectUpstream,
) -> Result<usize, String> {
    let mut client = TcpStream::connect(gateway.addr).await.unwrap();
    client
        .write_all(
            b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n\
              Content-Length: 100000\r\n\r\n",
        )
        .await
        .unwrap();
    client.write_all(&[b'x'; 1024]).await.unwrap();
    within("the upstream receiving the request", upstream.started.recv()).await.unwrap();
    drop(client);
    within("the upstream's body read ending", upstream.outcome.recv()).await.unwrap()
}

/// 9. A client sends a head promising 100000 bytes, 1 KiB of body, and disconnects: the
/// upstream's body read fails, the call leaves the in-flight gauge, and the gateway serves
/// the next client.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_disconnecting_mid_body_is_cleaned_up() {
    let mut upstream = disconnect_upstream().await;
    // With detection on, the broken body never leaves the gateway (tests/detection.rs);
    // here the body streams, so the upstream sees it break.
    let gateway =
        gateway(&format!("http://{}", upstream.addr), |config| config.detection.enabled = false).await;

    let outcome = disconnect_mid_body(&gateway, &mut upstream).await;
    assert!(outcome.is_err(), "the upstream must see the body fail, got {outcome:?}");
    wait_metric(&gateway, IN_FLIGHT, |n| n == 0.0).await;
    assert_ok(&gateway, "/", "ok").await;
    gateway.stop().await;
}

/// 9b. The same disconnect is the client's fault, counted as a client connection error
/// (`other`: "client reset mid-body" in metrics.rs), not as an upstream protocol error and a
/// 5xx answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]

async fn client_disconnecting_mid_body_is_not_blamed_on_the_upstream() {
    let mut upstream = disconnect_upstream().await;
    // With detection on, the broken body never leaves the gateway (tests/detection.rs);
    // here the body streams, so the upstream sees it break.
    let gateway =
        gateway(&format!("http://{}", upstream.addr), |config| config.detection.enabled = false).await;

    let outcome = disconnect_mid_body(&gateway, &mut upstream).await;
    assert!(outcome.is_err(), "the upstream must see the body fail, got {outcome:?}");
    wait_metric(&gateway, IN_FLIGHT, |n| n == 0.0).await;
    assert_eq!(gateway.metric(&upstream_errors("protocol")).await, 0.0, "{}", gateway.metrics().await);
    assert_eq!(gateway.metric(&requests("5xx")).await, 0.0, "{}", gateway.metrics().await);
    wait_metric(&gateway, &connection_errors("other"), |n| n >= 1.0).await;
    assert_ok(&gateway, "/", "ok").await;
    gateway.stop().await;
}

/// Sends a request for `/slow`, waits until the call is in flight upstream, then
/// disconnects.
async fn disconnect_while_waiting(gateway: &TestGateway, upstream: &mut DisconnectUpstream) {
    let mut client = TcpStream::connect(gateway.addr).await.unwrap();
    client.write_all(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    within("the upstream receiving the request", upstream.started.recv()).await.unwrap();
    wait_metric(gateway, IN_FLIGHT, |n| n == 1.0).await;
    drop(client);
}

/// 9c. A client that disconnects while its call waits for the upstream's answer: the
/// connection ends and is counted (`other`), and others are served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_disconnecting_while_waiting_for_the_upstream_is_counted() {
    let mut upstream = disconnect_upstream().await;
    let gateway = gateway(&format!("http://{}", upstream.addr), |_| {}).await;

    disconnect_while_waiting(&gateway, &mut upstream).await;
    wait_metric(&gateway, &connection_errors("other"), |n| n >= 1.0).await;
    wait_metric(&gateway, "apiwarden_gateway_connections_open", |n| n == 0.0).await;
    assert_ok(&gateway, "/", "ok").await;
    gateway.stop().await;
}

/// 9d. ... and the abandoned call leaves the in-flight gauge.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]

async fn client_disconnecting_while_waiting_for_the_upstream_leaves_in_flight() {
    let mut upstream = disconnect_upstream().await;
    let gateway = gateway(&format!("http://{}", upstream.addr), |_| {}).await;

    disconnect_while_waiting(&gateway, &mut upstream).await;
    wait_metric(&gateway, &connection_errors("other"), |n| n >= 1.0).await;
    wait_metric(&gateway, IN_FLIGHT, |n| n == 0.0).await;
    assert_ok(&gateway, "/", "ok").await;
    gateway.stop().await;
}

/// 10. With `limits.max_connections = 2` and two kept-alive connections, a third is closed
/// at once (counted as at_capacity) while the two kept ones still work; once one closes, a
/// new connection is served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_past_the_limit_are_closed_at_accept() {
    let gateway = gateway(&format!("http://{}", static_upstream("ok").await), |config| {
        config.limits.max_connections = 2;
    })
    .await;
    let mut first = KeptConnection::open(gateway.addr).await;
    let mut second = KeptConnection::open(gateway.addr).await;
    assert_eq!(first.get("/").await, (200, Bytes::from_static(b"ok")));
    assert_eq!(second.get("/").await, (200, Bytes::from_static(b"ok")));

    let mut third = TcpStream::connect(gateway.addr).await.unwrap();
    let (answer, end) = read_to_close(&mut third).await;
    assert_eq!(answer, "", "closed without an answer ({end:?})");
    wait_metric(&gateway, &connection_errors("at_capacity"), |n| n >= 1.0).await;
    assert_eq!(first.get("/").await, (200, Bytes::from_static(b"ok")), "a kept connection still works");

    second.close().await;
    let deadline = tokio::time::Instant::now() + BOUND;
    loop {
        if let Some(answer) = try_get(gateway.addr, "/").await {
            assert_eq!(answer, (200, Bytes::from_static(b"ok")));
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "no connection accepted after one closed");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    first.close().await;
    gateway.stop().await;
}

/// 11. `timeouts.call` cuts a response body that streams forever: the client's body read
/// fails, counted as a body error; the gateway keeps serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_call_timeout_cuts_an_endless_body() {
    let upstream = upstream(|request| async move {
        if request.uri().path() == "/stream" {
            Response::new(Trickle::body())
        } else {
            Response::new(full("ok"))
        }
    })
    .await;
    let gateway = gateway(&format!("http://{upstream}"), |config| {
        config.timeouts.call = Some(SHORT);
    })
    .await;

    let response =
        within("the response head", send_raw(Request::get(gateway.url("/stream")).body(empty()).unwrap()))
            .await;
    assert_eq!(response.status(), 200);
    let body = within("the endless body being cut", response.into_body().collect()).await;
    assert!(body.is_err(), "a cut body must end in an error, not look complete");
    wait_metric(&gateway, &upstream_errors("body"), |n| n >= 1.0).await;
    assert_ok(&gateway, "/", "ok").await;
    wait_metric(&gateway, IN_FLIGHT, |n| n == 0.0).await;
    gateway.stop().await;
}

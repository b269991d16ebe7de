//! Real servers and clients on loopback for the gateway's integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use apiwarden_gateway::{Gateway, GatewayConfig, GatewayError, GatewayOptions, ShutdownHandle};
use bytes::Bytes;
use http::{Request, Response};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
pub type TestBody = BoxBody<Bytes, BoxError>;

pub fn full(bytes: impl Into<Bytes>) -> TestBody {
    Full::new(bytes.into()).map_err(|never: Infallible| match never {}).boxed()
}

pub fn empty() -> TestBody {
    full(Bytes::new())
}

/// A gateway on an ephemeral port, with an admin listener and a store in a temp dir.
pub struct TestGateway {
    pub addr: SocketAddr,
    pub admin: SocketAddr,
    pub store: std::path::PathBuf,
    pub shutdown: ShutdownHandle,
    pub task: tokio::task::JoinHandle<Result<(), GatewayError>>,
    _dir: tempfile::TempDir,
}

impl TestGateway {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn metrics(&self) -> String {
        let (status, _, body) =
            send(Request::get(format!("http://{}/metrics", self.admin)).body(empty()).unwrap()).await;
        assert_eq!(status, 200);
        String::from_utf8(body.to_vec()).unwrap()
    }

    /// The value of one sample line of /metrics (`name{labels}`), 0 when absent.
    pub async fn metric(&self, sample: &str) -> f64 {
        let text = self.metrics().await;
        text.lines()
            .find_map(|line| line.strip_prefix(sample).and_then(|rest| rest.trim().parse::<f64>().ok()))
            .unwrap_or(0.0)
    }

    /// Stops the gateway and waits until it has drained and committed.
    pub async fn stop(self) {
        self.shutdown.shutdown();
        self.task.await.unwrap().unwrap();
    }
}

/// A gateway in front of `upstream`, with `adjust` applied to the default configuration.
pub async fn gateway(upstream: &str, adjust: impl FnOnce(&mut GatewayConfig)) -> TestGateway {
    let dir = tempfile::tempdir().unwrap();
    let mut config = GatewayConfig::single_upstream("127.0.0.1:0".parse().unwrap(), upstream);
    config.admin_listen = Some("127.0.0.1:0".parse().unwrap());
    config.capture.enabled = false;
    adjust(&mut config);
    let store = dir.path().join("gateway.db");
    let options = GatewayOptions { default_store: store.clone(), inspector: None };
    let gateway = Gateway::bind(config, options).await.unwrap();
    let addr = gateway.local_addr().unwrap();
    let admin = gateway.admin_addr().unwrap();
    let shutdown = gateway.shutdown_handle();
    let task = tokio::spawn(gateway.run());
    TestGateway { addr, admin, store, shutdown, task, _dir: dir }
}

/// An HTTP/1.1 upstream (with upgrades) answering with `handler`.
pub async fn upstream<F, Fut>(handler: F) -> SocketAddr
where
    F: Fn(Request<Incoming>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response<TestBody>> + Send + 'static,
{
    serve(handler, false).await
}

/// An HTTP/2 (h2c, prior knowledge) upstream.
pub async fn upstream_h2<F, Fut>(handler: F) -> SocketAddr
where
    F: Fn(Request<Incoming>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response<TestBody>> + Send + 'static,
{
    serve(handler, true).await
}

async fn serve<F, Fut>(handler: F, h2: bool) -> SocketAddr
where
    F: Fn(Request<Incoming>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response<TestBody>> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let handler = Arc::new(handler);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let handler = handler.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request| {
                    let handler = handler.clone();
                    async move { Ok::<_, Infallible>(handler(request).await) }
                });
                let io = TokioIo::new(stream);
                if h2 {
                    let _ = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                        .serve_connection(io, service)
                        .await;
                } else {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, service)
                        .with_upgrades()
                        .await;
                }
            });
        }
    });
    addr
}

/// An upstream that answers every request with `text`.
pub async fn static_upstream(text: &'static str) -> SocketAddr {
    upstream(move |_| async move { Response::new(full(text)) }).await
}

/// Sends one request over a fresh HTTP/1.1 connection; returns status, headers and body.
pub async fn send(request: Request<TestBody>) -> (u16, http::HeaderMap, Bytes) {
    let response = send_raw(request).await;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, body)
}

/// Sends one request and returns the response with its body unread.
pub async fn send_raw(request: Request<TestBody>) -> Response<Incoming> {
    let authority = request.uri().authority().unwrap().to_string();
    let stream = TcpStream::connect(&authority).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(connection);
    let mut request = request;
    if !request.headers().contains_key(http::header::HOST) {
        request.headers_mut().insert(http::header::HOST, authority.parse().unwrap());
    }
    // Origin form (`GET /path`), as clients send to a server; absolute form would make
    // the URI's authority win over the Host field (RFC 9112 §3.2.2).
    let origin = request.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".into());
    *request.uri_mut() = origin.parse().unwrap();
    sender.send_request(request).await.unwrap()
}

pub async fn get(url: &str) -> (u16, http::HeaderMap, Bytes) {
    send(Request::get(url).body(empty()).unwrap()).await
}

/// Writes raw bytes and reads what comes back until the peer closes (or `wait` passes).
pub async fn raw_exchange(addr: SocketAddr, bytes: &[u8], wait: Duration) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(wait, stream.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

/// The JSON body of a problem response.
pub fn problem(body: &Bytes) -> serde_json::Value {
    serde_json::from_slice(body).unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(body)))
}

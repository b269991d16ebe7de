//! The proxy's behaviour with real clients and upstreams on loopback: headers, routing,
//! streaming, HTTP/2 with trailers (gRPC), WebSocket upgrades and TLS.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use apiwarden_gateway::config::{RouteConfig, TlsConfig, UpstreamProtocol};
use bytes::Bytes;
use http::{HeaderMap, Request, Response, StatusCode};
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use hyper_util::rt::{TokioExecutor, TokioIo};
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// An upstream that records the request head it saw and answers with a few hop-by-hop fields.
async fn recording_upstream() -> (std::net::SocketAddr, Arc<Mutex<Vec<(String, HeaderMap)>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let addr = upstream(move |request| {
        let record = record.clone();
        async move {
            record.lock().unwrap().push((request.uri().to_string(), request.headers().clone()));
            let body = request.into_body().collect().await.unwrap().to_bytes();
            Response::builder()
                .header("keep-alive", "timeout=5")
                .header("connection", "x-upstream-hop")
                .header("x-upstream-hop", "secret")
                .header("content-type", "application/json")
                .body(full(format!("{{\"echo\":{}}}", body.len())))
                .unwrap()
        }
    })
    .await;
    (addr, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwards_with_forwarding_fields_and_without_hop_by_hop_ones() {
    let (upstream, seen) = recording_upstream().await;
    let gateway = gateway(&format!("http://{upstream}"), |_| {}).await;
    let request = Request::post(gateway.url("/api/orders?x=1"))
        .header("connection", "x-client-hop")
        .header("x-client-hop", "1")
        .header("proxy-authorization", "Basic Zm9vOmJhcg==")
        .header("x-forwarded-for", "203.0.113.7")
        .header("x-request-id", "client-id-42")
        .body(full("{\"a\":1}"))
        .unwrap();
    let (status, headers, body) = send(request).await;
    assert_eq!(status, 200);
    assert_eq!(&body[..], b"{\"echo\":7}");
    assert_eq!(headers["x-request-id"], "client-id-42");
    assert!(!headers.contains_key("keep-alive"));
    assert!(!headers.contains_key("x-upstream-hop"));

    let (uri, upstream_headers) = seen.lock().unwrap().pop().unwrap();
    assert_eq!(uri, "/api/orders?x=1");
    assert_eq!(upstream_headers["host"], gateway.addr.to_string());
    assert_eq!(upstream_headers["x-forwarded-for"], "203.0.113.7, 127.0.0.1");
    assert_eq!(upstream_headers["x-forwarded-proto"], "http");
    assert!(upstream_headers["forwarded"].to_str().unwrap().starts_with("for=127.0.0.1;proto=http;host="));
    assert_eq!(upstream_headers["x-request-id"], "client-id-42");
    assert!(!upstream_headers.contains_key("x-client-hop"));
    assert!(!upstream_headers.contains_key("proxy-authorization"));
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_gets_a_request_id() {
    let gateway = gateway(&format!("http://{}", static_upstream("ok").await), |_| {}).await;
    let (_, first, _) = get(&gateway.url("/")).await;
    let (_, second, _) = get(&gateway.url("/")).await;
    let first = first["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(first.len(), 32);
    assert_ne!(first, second["x-request-id"].to_str().unwrap());
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routes_by_host_and_path_prefix() {
    let a = static_upstream("a").await;
    let b = static_upstream("b").await;
    let c = static_upstream("c").await;
    let gateway = gateway(&format!("http://{a}"), |config| {
        let base = config.routes[0].clone();
        config.routes.push(RouteConfig {
            name: Some("api".into()),
            path_prefix: "/api".into(),
            upstream: format!("http://{b}"),
            ..base.clone()
        });
        config.routes.push(RouteConfig {
            name: Some("admin".into()),
            host: Some("admin.test".into()),
            upstream: format!("http://{c}"),
            ..base
        });
    })
    .await;
    let body = |host: &'static str, path: &str| {
        let request = Request::get(gateway.url(path)).header("host", host).body(empty()).unwrap();
        async move { send(request).await.2 }
    };
    assert_eq!(&body("x.test", "/").await[..], b"a");
    assert_eq!(&body("x.test", "/apix").await[..], b"a");
    assert_eq!(&body("x.test", "/api/users").await[..], b"b");
    assert_eq!(&body("admin.test:8080", "/api/users").await[..], b"c");
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_without_a_route_gets_a_404_problem() {
    let gateway = gateway(&format!("http://{}", static_upstream("a").await), |config| {
        config.routes[0].host = Some("only.test".into());
    })
    .await;
    let (status, headers, body) = get(&gateway.url("/x")).await;
    assert_eq!(status, 404);
    assert_eq!(headers["content-type"], "application/problem+json");
    let problem = problem(&body);
    assert_eq!(problem["type"], "urn:apiwarden:problem:no-route");
    assert_eq!(problem["request_id"], headers["x-request-id"].to_str().unwrap());
    assert_eq!(gateway.metric("apiwarden_gateway_unrouted_total").await, 1.0);
    gateway.stop().await;
}

/// The upstream answers after the first request chunk, while the client still holds the
/// second: a proxy that buffered whole bodies would never deliver the answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_and_response_bodies_stream_without_buffering() {
    let upstream = upstream(|request| async move {
        let mut body = request.into_body();
        let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
        // Echo the first chunk now, then the rest as it arrives.
        let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Frame<Bytes>, BoxError>>(4);
        tokio::spawn(async move {
            let _ = sender.send(Ok(Frame::data(first))).await;
            while let Some(Ok(frame)) = body.frame().await {
                if let Ok(data) = frame.into_data() {
                    let _ = sender.send(Ok(Frame::data(data))).await;
                }
            }
        });
        let stream = tokio_stream_from(receiver);
        Response::new(BodyExt::boxed(StreamBody::new(stream)))
    })
    .await;
    // Attack detection reads the first `inspect_bytes` of a body before forwarding it
    // (its own test is in detection.rs); this one is about the proxy's streaming.
    let gateway = gateway(&format!("http://{upstream}"), |config| config.detection.enabled = false).await;

    let (client_side, receiver) = tokio::sync::mpsc::channel::<Result<Frame<Bytes>, BoxError>>(4);
    client_side.send(Ok(Frame::data(Bytes::from_static(b"first-chunk;")))).await.unwrap();
    let request = Request::post(gateway.url("/upload"))
        .body(BodyExt::boxed(StreamBody::new(tokio_stream_from(receiver))))
        .unwrap();
    let response = tokio::time::timeout(Duration::from_secs(10), send_raw(request))
        .await
        .expect("the response head arrived while the request body was still open");
    let mut body = response.into_body();
    let echoed = tokio::time::timeout(Duration::from_secs(10), body.frame()).await.unwrap().unwrap().unwrap();
    assert_eq!(echoed.into_data().unwrap(), "first-chunk;");
    client_side.send(Ok(Frame::data(Bytes::from_static(b"second")))).await.unwrap();
    drop(client_side);
    let rest = body.collect().await.unwrap().to_bytes();
    assert_eq!(&rest[..], b"second");
    gateway.stop().await;
}

/// Turns a channel receiver into a stream of frames.
fn tokio_stream_from(
    mut receiver: tokio::sync::mpsc::Receiver<Result<Frame<Bytes>, BoxError>>,
) -> impl futures_core::Stream<Item = Result<Frame<Bytes>, BoxError>> + Send + Sync + 'static {
    futures_util_poll_fn(move |cx| receiver.poll_recv(cx))
}

fn futures_util_poll_fn<T, F>(f: F) -> PollFnStream<F>
where
    F: FnMut(&mut std::task::Context<'_>) -> std::task::Poll<Option<T>>,
{
    PollFnStream(f)
}

struct PollFnStream<F>(F);

impl<T, F> futures_core::Stream for PollFnStream<F>
where
    F: FnMut(&mut std::task::Context<'_>) -> std::task::Poll<Option<T>> + Unpin,
{
    type Item = T;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<T>> {
        (self.0)(cx)
    }
}

/// A gRPC-shaped exchange: HTTP/2 both sides, `te: trailers`, a length-prefixed message,
/// and `grpc-status` in the trailers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_with_trailers_passes_through_like_grpc() {
    let seen_te = Arc::new(Mutex::new(None));
    let record = seen_te.clone();
    let upstream = upstream_h2(move |request| {
        let record = record.clone();
        async move {
            *record.lock().unwrap() = request.headers().get("te").cloned();
            let message = request.into_body().collect().await.unwrap().to_bytes();
            let mut trailers = HeaderMap::new();
            trailers.insert("grpc-status", "0".parse().unwrap());
            trailers.insert("grpc-message", "ok".parse().unwrap());
            let frames: Vec<Result<Frame<Bytes>, BoxError>> =
                vec![Ok(Frame::data(message)), Ok(Frame::trailers(trailers))];
            let body = StreamBody::new(futures_iter(frames));
            Response::builder().header("content-type", "application/grpc").body(BodyExt::boxed(body)).unwrap()
        }
    })
    .await;
    let gateway = gateway(&format!("http://{upstream}"), |config| {
        config.routes[0].upstream_protocol = UpstreamProtocol::Http2;
    })
    .await;

    let stream = TcpStream::connect(gateway.addr).await.unwrap();
    let (mut sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream)).await.unwrap();
    tokio::spawn(connection);
    let message = Bytes::from_static(b"\x00\x00\x00\x00\x05hello");
    let request = Request::post(format!("http://{}/greeter.Greeter/SayHello", gateway.addr))
        .version(http::Version::HTTP_2)
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(full(message.clone()))
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.version(), http::Version::HTTP_2);
    let collected = response.into_body().collect().await.unwrap();
    let trailers = collected.trailers().cloned().expect("trailers reach the client");
    assert_eq!(trailers["grpc-status"], "0");
    assert_eq!(trailers["grpc-message"], "ok");
    assert_eq!(collected.to_bytes(), message);
    assert_eq!(seen_te.lock().unwrap().as_ref().unwrap(), "trailers");
    gateway.stop().await;
}

fn futures_iter<T: Send + Sync + Unpin + 'static>(
    items: Vec<T>,
) -> impl futures_core::Stream<Item = T> + Send + Sync + 'static {
    let mut items = items.into_iter();
    PollFnStream(move |_: &mut std::task::Context<'_>| std::task::Poll::Ready(items.next()))
}

/// An HTTP/1.1 client reaching an HTTP/1.1 upstream through an h2c-capable listener
/// also works (the listener serves both by sniffing the preface).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http2_client_reaches_an_http1_upstream() {
    let gateway = gateway(&format!("http://{}", static_upstream("from h1").await), |_| {}).await;
    let stream = TcpStream::connect(gateway.addr).await.unwrap();
    let (mut sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream)).await.unwrap();
    tokio::spawn(connection);
    let request = Request::get(format!("http://{}/x", gateway.addr))
        .version(http::Version::HTTP_2)
        .body(empty())
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(&response.into_body().collect().await.unwrap().to_bytes()[..], b"from h1");
    gateway.stop().await;
}

/// The WebSocket handshake is forwarded, and after 101 bytes flow both ways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_upgrades_pass_through() {
    let upstream = upstream(|mut request| async move {
        assert_eq!(request.headers()["upgrade"], "websocket");
        let upgrade = hyper::upgrade::on(&mut request);
        tokio::spawn(async move {
            let mut io = TokioIo::new(upgrade.await.unwrap());
            let mut buffer = [0u8; 64];
            loop {
                let n = io.read(&mut buffer).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                let mut reply = b"echo:".to_vec();
                reply.extend_from_slice(&buffer[..n]);
                io.write_all(&reply).await.unwrap();
            }
        });
        Response::builder()
            .status(101)
            .header("connection", "upgrade")
            .header("upgrade", "websocket")
            .header("sec-websocket-accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
            .body(empty())
            .unwrap()
    })
    .await;
    let gateway = gateway(&format!("http://{upstream}"), |_| {}).await;
    let mut stream = TcpStream::connect(gateway.addr).await.unwrap();
    stream
        .write_all(
            b"GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
              Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        )
        .await
        .unwrap();
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8; 1];
        stream.read_exact(&mut byte).await.unwrap();
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap().to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 101"), "{head}");
    assert!(head.contains("upgrade: websocket"), "{head}");
    assert!(head.contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo="), "{head}");
    stream.write_all(b"ping").await.unwrap();
    let mut reply = [0u8; 9];
    tokio::time::timeout(Duration::from_secs(10), stream.read_exact(&mut reply)).await.unwrap().unwrap();
    assert_eq!(&reply, b"echo:ping");
    gateway.stop().await;
}

/// TLS from certificate files, with ALPN choosing HTTP/2 or HTTP/1.1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_serves_http2_and_http1_by_alpn() {
    let dir = tempfile::tempdir().unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let cert_path = dir.path().join("cert.pem");
    let key_path = dir.path().join("key.pem");
    std::fs::write(&cert_path, certified.cert.pem()).unwrap();
    std::fs::write(&key_path, certified.signing_key.serialize_pem()).unwrap();
    let gateway = gateway(&format!("http://{}", static_upstream("secure").await), |config| {
        config.tls = Some(TlsConfig { cert: cert_path.clone(), key: key_path.clone() });
    })
    .await;

    let mut roots = rustls::RootCertStore::empty();
    roots.add(certified.cert.der().clone()).unwrap();
    for (alpn, version) in
        [(b"h2".as_slice(), http::Version::HTTP_2), (b"http/1.1".as_slice(), http::Version::HTTP_11)]
    {
        let mut config =
            rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_root_certificates(roots.clone())
                .with_no_client_auth();
        config.alpn_protocols = vec![alpn.to_vec()];
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        let tcp = TcpStream::connect(gateway.addr).await.unwrap();
        let tls = connector.connect("localhost".try_into().unwrap(), tcp).await.unwrap();
        assert_eq!(tls.get_ref().1.alpn_protocol(), Some(alpn));
        let request = Request::get("https://localhost/x")
            .version(version)
            .header("host", "localhost")
            .body(empty())
            .unwrap();
        let response = if version == http::Version::HTTP_2 {
            let (mut sender, connection) =
                hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(tls)).await.unwrap();
            tokio::spawn(connection);
            sender.send_request(request).await.unwrap()
        } else {
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake(TokioIo::new(tls)).await.unwrap();
            tokio::spawn(connection);
            sender.send_request(request).await.unwrap()
        };
        assert_eq!(response.status(), 200);
        assert_eq!(&response.into_body().collect().await.unwrap().to_bytes()[..], b"secure");
    }
    gateway.stop().await;
}

/// Shutdown lets a call in flight finish, then refuses new connections.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_drains_in_flight_calls() {
    let (release, wait) = tokio::sync::watch::channel(false);
    let upstream = upstream(move |_| {
        let mut wait = wait.clone();
        async move {
            let _ = wait.wait_for(|go| *go).await;
            Response::new(full("finished"))
        }
    })
    .await;
    let gateway = gateway(&format!("http://{upstream}"), |_| {}).await;
    let addr = gateway.addr;
    let in_flight = tokio::spawn(get_owned(gateway.url("/slow")));
    // Wait until the call is in flight, then shut down while it is.
    while gateway.metric("apiwarden_gateway_in_flight_requests").await < 1.0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    gateway.shutdown.shutdown();
    release.send(true).unwrap();
    let (status, _, body) = in_flight.await.unwrap();
    assert_eq!(status, 200);
    assert_eq!(&body[..], b"finished");
    gateway.task.await.unwrap().unwrap();
    assert!(TcpStream::connect(addr).await.is_err(), "the listener is closed after shutdown");
}

async fn get_owned(url: String) -> (u16, HeaderMap, Bytes) {
    get(&url).await
}

/// An `https` upstream whose certificate is signed by the route's `upstream_ca`, over
/// HTTP/1.1 and over HTTP/2 chosen by ALPN.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_upstreams_are_verified_against_the_configured_ca() {
    let dir = tempfile::tempdir().unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let ca_path = dir.path().join("upstream-ca.pem");
    std::fs::write(&ca_path, certified.cert.pem()).unwrap();
    let key = rustls_pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
    let mut server =
        rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![certified.cert.der().clone()], key)
            .unwrap();
    server.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(stream).await else { return };
                let service =
                    hyper::service::service_fn(|request: Request<hyper::body::Incoming>| async move {
                        let reply = format!("tls {:?}", request.version());
                        Ok::<_, std::convert::Infallible>(Response::new(full(reply)))
                    });
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });

    for (protocol, expected) in
        [(UpstreamProtocol::Http1, "tls HTTP/1.1"), (UpstreamProtocol::Http2, "tls HTTP/2.0")]
    {
        let ca = ca_path.clone();
        let gateway = gateway(&format!("https://localhost:{port}"), move |config| {
            config.routes[0].upstream_ca = Some(ca);
            config.routes[0].upstream_protocol = protocol;
        })
        .await;
        let (status, _, body) = get(&gateway.url("/x")).await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        assert_eq!(&body[..], expected.as_bytes());
        gateway.stop().await;
    }

    // Without the CA, the upstream's certificate is not trusted: 502, never a silent pass.
    let gateway = gateway(&format!("https://localhost:{port}"), |_| {}).await;
    let (status, _, body) = get(&gateway.url("/x")).await;
    assert_eq!(status, 502);
    assert_eq!(problem(&body)["type"], "urn:apiwarden:problem:upstream-unavailable");
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_listener_answers_health_readiness_and_metrics() {
    let gateway = gateway(&format!("http://{}", static_upstream("ok").await), |_| {}).await;
    get(&gateway.url("/")).await;
    let (status, _, body) = get(&format!("http://{}/healthz", gateway.admin)).await;
    assert_eq!((status, &body[..]), (200, &br#"{"status":"ok"}"#[..]));
    let (status, _, body) = get(&format!("http://{}/readyz", gateway.admin)).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let metrics = gateway.metrics().await;
    for name in [
        "apiwarden_gateway_requests_total{route=\"default\",status=\"2xx\"} 1",
        "apiwarden_gateway_request_duration_seconds_count{route=\"default\"} 1",
        "apiwarden_gateway_capture_dropped_total 0",
        "apiwarden_gateway_capture_queue_depth 0",
    ] {
        assert!(metrics.contains(name), "missing {name} in\n{metrics}");
    }
    let (status, _, _) = get(&format!("http://{}/nope", gateway.admin)).await;
    assert_eq!(status, 404);
    gateway.stop().await;
}

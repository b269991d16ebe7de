//! Attack detection in the gateway, over HTTP: block and monitor mode, bodies inspected
//! and then forwarded unchanged, the inspection limit and a client that stalls its body.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use apiwarden_gateway::config::{DetectionMode, OnLimit};
use bytes::Bytes;
use http::{Request, Response};
use http_body::Frame;
use http_body_util::{BodyExt, StreamBody};
use support::*;

/// An upstream that counts the calls it gets and echoes the length and a checksum of each
/// request body.
async fn counting_upstream() -> (std::net::SocketAddr, Arc<AtomicU64>) {
    let calls = Arc::new(AtomicU64::new(0));
    let seen = calls.clone();
    let addr = upstream(move |request| {
        let seen = seen.clone();
        async move {
            seen.fetch_add(1, Ordering::SeqCst);
            let body = request.into_body().collect().await.unwrap().to_bytes();
            let sum: u64 = body.iter().map(|b| u64::from(*b)).sum();
            Response::new(full(format!("{} {sum}", body.len())))
        }
    })
    .await;
    (addr, calls)
}

fn login(body: &'static str) -> Request<TestBody> {
    Request::post("/login").header("content-type", "application/json").body(full(body)).unwrap()
}

const OPERATOR_LOGIN: &str = r#"{"user":"ann","password":{"$ne":null}}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn block_mode_refuses_an_attack_before_it_reaches_the_upstream() {
    let (upstream, calls) = counting_upstream().await;
    let gateway =
        gateway(&format!("http://{upstream}"), |config| config.detection.mode = DetectionMode::Block).await;
    let mut request = login(OPERATOR_LOGIN);
    *request.uri_mut() = gateway.url("/login").parse().unwrap();
    let (status, headers, body) = send(request).await;
    assert_eq!(status, 403);
    assert_eq!(headers["content-type"], "application/problem+json");
    let problem = problem(&body);
    assert_eq!(problem["type"], "urn:apiwarden:problem:attack-detected");
    assert_eq!(problem["rule"], "nosqli.operator");
    assert_eq!(problem["request_id"], headers["x-request-id"].to_str().unwrap());
    assert!(!String::from_utf8_lossy(&body).contains("$ne"), "the payload is never echoed: {problem}");
    assert_eq!(calls.load(Ordering::SeqCst), 0);

    // A clean call on the same gateway goes through.
    let mut clean = login(r#"{"user":"ann","password":"correct horse"}"#);
    *clean.uri_mut() = gateway.url("/login").parse().unwrap();
    assert_eq!(send(clean).await.0, 200);
    let blocked = r#"apiwarden_gateway_rejections_total{route="default",layer="detection",rule="nosqli.operator",action="blocked"}"#;
    assert_eq!(gateway.metric(blocked).await, 1.0);
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monitor_mode_is_the_default_and_lets_the_call_through() {
    let (upstream, calls) = counting_upstream().await;
    let gateway = gateway(&format!("http://{upstream}"), |_| {}).await;
    let mut request = login(OPERATOR_LOGIN);
    *request.uri_mut() = gateway.url("/login").parse().unwrap();
    let (status, _, body) = send(request).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        Bytes::from(format!("{} {}", OPERATOR_LOGIN.len(), checksum(OPERATOR_LOGIN.as_bytes())))
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let monitored = r#"apiwarden_gateway_rejections_total{route="default",layer="detection",rule="nosqli.operator",action="monitored"}"#;
    assert_eq!(gateway.metric(monitored).await, 1.0);
    gateway.stop().await;
}

fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().map(|b| u64::from(*b)).sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_larger_than_the_inspected_part_arrives_whole_and_the_limit_can_refuse_it() {
    let (upstream, _) = counting_upstream().await;
    let body: Vec<u8> = (0..300_000u32).map(|i| b'a' + (i % 26) as u8).collect();
    let expected = format!("{} {}", body.len(), checksum(&body));
    let lenient = gateway(&format!("http://{upstream}"), |config| {
        config.detection.mode = DetectionMode::Block;
        config.detection.inspect_bytes = 1024;
    })
    .await;
    // Sent in several chunks, without a length, as a streaming client does.
    let chunks: Vec<Result<Frame<Bytes>, BoxError>> =
        body.chunks(7_000).map(|c| Ok(Frame::data(Bytes::copy_from_slice(c)))).collect();
    let request = Request::post(lenient.url("/upload"))
        .header("content-type", "text/plain")
        .body(BodyExt::boxed(StreamBody::new(futures_stream(chunks))))
        .unwrap();
    let (status, _, answer) = send(request).await;
    assert_eq!(status, 200);
    assert_eq!(answer, Bytes::from(expected));
    lenient.stop().await;

    let strict = gateway(&format!("http://{upstream}"), |config| {
        config.detection.mode = DetectionMode::Block;
        config.detection.inspect_bytes = 1024;
        config.detection.on_limit = OnLimit::Block;
    })
    .await;
    let request = Request::post(strict.url("/upload")).body(full(body.clone())).unwrap();
    let (status, _, answer) = send(request).await;
    assert_eq!(status, 413);
    assert_eq!(problem(&answer)["rule"], "detection.inspection_limit");
    strict.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stalls_its_body_gets_408() {
    let (upstream, calls) = counting_upstream().await;
    let gateway = gateway(&format!("http://{upstream}"), |config| {
        config.detection.body_timeout = Duration::from_millis(200);
    })
    .await;
    let (client_side, receiver) = tokio::sync::mpsc::channel::<Result<Frame<Bytes>, BoxError>>(1);
    client_side.send(Ok(Frame::data(Bytes::from_static(b"{\"a\":")))).await.unwrap();
    let request = Request::post(gateway.url("/slow"))
        .header("content-type", "application/json")
        .body(BodyExt::boxed(StreamBody::new(receiver_stream(receiver))))
        .unwrap();
    let response = tokio::time::timeout(Duration::from_secs(10), send_raw(request)).await.unwrap();
    assert_eq!(response.status(), 408);
    drop(client_side);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    gateway.stop().await;
}

fn futures_stream(
    items: Vec<Result<Frame<Bytes>, BoxError>>,
) -> impl futures_core::Stream<Item = Result<Frame<Bytes>, BoxError>> + Send + Sync + 'static {
    let (sender, receiver) = tokio::sync::mpsc::channel(items.len().max(1));
    for item in items {
        let _ = sender.try_send(item);
    }
    receiver_stream(receiver)
}

fn receiver_stream(
    receiver: tokio::sync::mpsc::Receiver<Result<Frame<Bytes>, BoxError>>,
) -> impl futures_core::Stream<Item = Result<Frame<Bytes>, BoxError>> + Send + Sync + 'static {
    struct Frames(tokio::sync::mpsc::Receiver<Result<Frame<Bytes>, BoxError>>);
    impl futures_core::Stream for Frames {
        type Item = Result<Frame<Bytes>, BoxError>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            self.0.poll_recv(cx)
        }
    }
    Frames(receiver)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_disconnects_during_inspection_sends_nothing_upstream() {
    use tokio::io::AsyncWriteExt;
    let (upstream, calls) = counting_upstream().await;
    let gateway = gateway(&format!("http://{upstream}"), |_| {}).await;
    let mut client =
        tokio::net::TcpStream::connect(gateway.url("/").trim_start_matches("http://").trim_end_matches('/'))
            .await
            .unwrap();
    client
        .write_all(b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    drop(client);
    let errors = r#"apiwarden_gateway_connection_errors_total{kind="other"}"#;
    for _ in 0..100 {
        if gateway.metric(errors).await >= 1.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(gateway.metric(errors).await >= 1.0, "{}", gateway.metrics().await);
    assert_eq!(gateway.metric("apiwarden_gateway_in_flight_requests").await, 0.0);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    gateway.stop().await;
}

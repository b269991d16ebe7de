//! Rate limiting through the gateway, over HTTP: the configured rate under concurrency,
//! the 429 answer, and monitor mode.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use apiwarden_gateway::Mode;
use apiwarden_gateway::ratelimit::RateLimitPolicyConfig;
use http::Request;
use http_body_util::BodyExt;
use hyper_util::rt::TokioIo;
use support::*;
use tokio::net::TcpStream;

fn policy(text: &str) -> RateLimitPolicyConfig {
    toml::from_str(text).unwrap()
}

/// 8 clients on keep-alive connections, together far faster than the limit, for 2 s: the
/// gateway admits `burst + rate × elapsed` within 1%.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_concurrent_clients_get_the_configured_rate_within_one_percent() {
    const RATE: f64 = 200.0;
    let gateway = gateway(&format!("http://{}", static_upstream("ok").await), |config| {
        config.rate_limits = vec![policy(
            r#"name = "shared"
key = "header:x-tenant"
limits = [{ rate = "200/s", burst = 1 }]"#,
        )];
    })
    .await;
    let admitted = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let until = started + Duration::from_secs(2);
    let mut clients = Vec::new();
    for _ in 0..8 {
        let (admitted, refused, addr) = (admitted.clone(), refused.clone(), gateway.addr);
        clients.push(tokio::spawn(async move {
            let stream = TcpStream::connect(addr).await.unwrap();
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
            tokio::spawn(connection);
            let mut last_sent = started;
            while Instant::now() < until {
                last_sent = Instant::now();
                let request =
                    Request::get("/x").header("host", "t").header("x-tenant", "acme").body(empty()).unwrap();
                let response = sender.send_request(request).await.unwrap();
                let status = response.status().as_u16();
                response.into_body().collect().await.unwrap();
                match status {
                    200 => admitted.fetch_add(1, Ordering::Relaxed),
                    429 => refused.fetch_add(1, Ordering::Relaxed),
                    other => panic!("unexpected status {other}"),
                };
            }
            last_sent
        }));
    }
    let mut last_sent = started;
    for client in clients {
        last_sent = last_sent.max(client.await.unwrap());
    }
    let elapsed = last_sent.duration_since(started).as_secs_f64();
    let expected = 1.0 + RATE * elapsed;
    let admitted = admitted.load(Ordering::Relaxed) as f64;
    let refused = refused.load(Ordering::Relaxed);
    assert!(refused > admitted as u64, "the clients must outpace the limit ({refused} refused)");
    let error = (admitted - expected).abs() / expected;
    assert!(
        error <= 0.01,
        "admitted {admitted}, expected {expected:.1} over {elapsed:.3} s: {:.2}% off",
        error * 100.0
    );
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_call_gets_429_with_retry_after_and_ratelimit_fields() {
    let gateway = gateway(&format!("http://{}", static_upstream("ok").await), |config| {
        config.rate_limits = vec![policy("name = \"per-client\"\nlimits = [\"2/m\"]")];
    })
    .await;
    let (status, headers, _) = get(&gateway.url("/a")).await;
    assert_eq!(status, 200);
    assert_eq!(headers["ratelimit-policy"], "\"per-client\";q=2;w=60");
    assert!(
        headers["ratelimit"].to_str().unwrap().starts_with("\"per-client\";r=1;t="),
        "{:?}",
        headers["ratelimit"]
    );
    assert_eq!(get(&gateway.url("/a")).await.0, 200);

    let (status, headers, body) = get(&gateway.url("/a")).await;
    assert_eq!(status, 429);
    let retry_after: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert!(headers["ratelimit"].to_str().unwrap().starts_with("\"per-client\";r=0;"));
    assert_eq!(headers["content-type"], "application/problem+json");
    let problem = problem(&body);
    assert_eq!(problem["type"], "urn:apiwarden:problem:rate-limited");
    assert_eq!(problem["rule"], "per-client");
    assert_eq!(problem["status"], 429);
    assert_eq!(problem["request_id"], headers["x-request-id"].to_str().unwrap());
    let blocked = r#"apiwarden_gateway_rejections_total{route="default",layer="rate_limit",rule="per-client",action="blocked"}"#;
    assert_eq!(gateway.metric(blocked).await, 1.0);
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monitor_mode_counts_would_be_rejections_and_lets_calls_through() {
    let gateway = gateway(&format!("http://{}", static_upstream("ok").await), |config| {
        config.mode = Mode::Monitor;
        config.rate_limits = vec![policy("name = \"per-client\"\nlimits = [\"1/m\"]")];
    })
    .await;
    for _ in 0..3 {
        let (status, headers, _) = get(&gateway.url("/a")).await;
        assert_eq!(status, 200);
        assert!(!headers.contains_key("retry-after"));
    }
    let monitored = r#"apiwarden_gateway_rejections_total{route="default",layer="rate_limit",rule="per-client",action="monitored"}"#;
    assert_eq!(gateway.metric(monitored).await, 2.0);
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enforcing_policy_blocks_even_on_a_monitor_route() {
    let gateway = gateway(&format!("http://{}", static_upstream("ok").await), |config| {
        config.mode = Mode::Monitor;
        config.rate_limits = vec![policy("name = \"strict\"\nmode = \"enforce\"\nlimits = [\"1/m\"]")];
    })
    .await;
    assert_eq!(get(&gateway.url("/a")).await.0, 200);
    assert_eq!(get(&gateway.url("/a")).await.0, 429);
    gateway.stop().await;
}

//! Live capture end to end: calls through the gateway fill the SQLite inventory, with
//! sensitive data tagged, and the proxy keeps serving while analysis runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;

use apiwarden_gateway::{Gateway, GatewayConfig, GatewayOptions};
use apiwarden_store::{SqliteStore, Store};
use http::{Request, Response};
use support::*;

async fn shop_upstream() -> std::net::SocketAddr {
    upstream(|request| async move {
        let path = request.uri().path().to_owned();
        if path.ends_with(".js") {
            return Response::builder()
                .header("content-type", "text/javascript")
                .body(full("console.log(1)"))
                .unwrap();
        }
        let body = if let Some(id) = path.strip_prefix("/api/users/") {
            format!(r#"{{"id":{id},"name":"Ann Lee","email":"ann.lee{id}@example.com"}}"#)
        } else {
            r#"{"ok":true}"#.to_owned()
        };
        Response::builder().header("content-type", "application/json").body(full(body)).unwrap()
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_through_the_gateway_fill_the_inventory() {
    let upstream = shop_upstream().await;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("live.db");
    let mut config =
        GatewayConfig::single_upstream("127.0.0.1:0".parse().unwrap(), &format!("http://{upstream}"));
    config.capture.flush = std::time::Duration::from_millis(50);
    // The admin listener holds the analysis too: the queued calls must still be committed
    // at shutdown.
    config.admin_listen = Some("127.0.0.1:0".parse().unwrap());
    let inspector = apiwarden_posture::TrafficInspector::from_config(&Default::default()).unwrap();
    let options = GatewayOptions { default_store: store.clone(), inspector: Some(Arc::new(inspector)) };
    let gateway = Gateway::bind(config, options).await.unwrap();
    let addr = gateway.local_addr().unwrap();
    let metrics = gateway.metrics();
    let shutdown = gateway.shutdown_handle();
    let task = tokio::spawn(gateway.run());

    for id in 1..=25 {
        let (status, _, _) = get(&format!("http://{addr}/api/users/{id}")).await;
        assert_eq!(status, 200);
    }
    let order = Request::post(format!("http://{addr}/api/orders"))
        .header("content-type", "application/json")
        .body(full(r#"{"sku":"A-1","quantity":2}"#))
        .unwrap();
    assert_eq!(send(order).await.0, 200);
    shutdown.shutdown();
    task.await.unwrap().unwrap();

    assert_eq!(metrics.capture_dropped.get(), 0);
    assert_eq!(metrics.capture_analyzed.get(), 26);
    let store = SqliteStore::open(&store).unwrap();
    let endpoints = store.endpoints(None).unwrap();
    let keys: Vec<String> =
        endpoints.iter().map(|e| format!("{} {}", e.key.method, e.key.template)).collect();
    assert!(keys.contains(&"GET /api/users/{userId}".to_owned()), "{keys:?}");
    assert!(keys.contains(&"POST /api/orders".to_owned()), "{keys:?}");
    let users = endpoints.iter().find(|e| e.key.template == "/api/users/{userId}").unwrap();
    assert_eq!(users.calls, 25);
    assert_eq!(users.key.host, addr.to_string());
    assert!(users.sensitive.iter().any(|tag| tag.tag.data_type == "email"), "{:?}", users.sensitive);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sampling_captures_a_fraction_and_capture_off_captures_nothing() {
    let upstream = shop_upstream().await;
    let sampled = gateway(&format!("http://{upstream}"), |config| {
        config.capture.enabled = true;
        config.capture.sample = 0.5;
    })
    .await;
    for id in 0..200 {
        get(&sampled.url(&format!("/api/users/{id}"))).await;
    }
    let queued = sampled.metric("apiwarden_gateway_capture_queued_total").await;
    assert!((60.0..140.0).contains(&queued), "about half of 200 calls captured, got {queued}");
    sampled.stop().await;

    let off = gateway(&format!("http://{upstream}"), |_| {}).await;
    get(&off.url("/api/users/1")).await;
    assert_eq!(off.metric("apiwarden_gateway_capture_queued_total").await, 0.0);
    off.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adaptive_analysis_counts_every_call_and_analyses_a_sample() {
    let upstream = shop_upstream().await;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("live.db");
    let mut config =
        GatewayConfig::single_upstream("127.0.0.1:0".parse().unwrap(), &format!("http://{upstream}"));
    config.capture.flush = std::time::Duration::from_millis(50);
    config.capture.analyse_first = 3;
    config.capture.analyse_one_in = 4;
    let inspector = apiwarden_posture::TrafficInspector::from_config(&Default::default()).unwrap();
    let options = GatewayOptions { default_store: store.clone(), inspector: Some(Arc::new(inspector)) };
    let gateway = Gateway::bind(config, options).await.unwrap();
    let addr = gateway.local_addr().unwrap();
    let metrics = gateway.metrics();
    let shutdown = gateway.shutdown_handle();
    let task = tokio::spawn(gateway.run());

    // One shape: the first 3 calls analysed, then calls 4, 8, 12, 16, 20 of the rest.
    for id in 1..=23 {
        assert_eq!(get(&format!("http://{addr}/api/users/{id}")).await.0, 200);
    }
    // A static file stays out of the inventory whether its calls are analysed or counted.
    for _ in 0..10 {
        assert_eq!(get(&format!("http://{addr}/assets/app.js")).await.0, 200);
    }
    shutdown.shutdown();
    task.await.unwrap().unwrap();

    assert_eq!(metrics.capture_analyzed.get(), 8 + 5);
    assert_eq!(metrics.capture_counted.get(), 15 + 5);
    let store = SqliteStore::open(&store).unwrap();
    let endpoints = store.endpoints(None).unwrap();
    assert_eq!(endpoints.len(), 1, "{:?}", endpoints.iter().map(|e| &e.key).collect::<Vec<_>>());
    let users = &endpoints[0];
    assert_eq!(users.key.template, "/api/users/{userId}");
    assert_eq!(users.calls, 23, "every call is counted");
    assert_eq!(users.analysed_calls, Some(8));
    assert_eq!(users.responses.iter().map(|r| r.count).sum::<u64>(), 8, "responses of analysed calls");
    assert!(users.sensitive.iter().any(|tag| tag.tag.data_type == "email"), "{:?}", users.sensitive);
    assert!(users.last_seen_us >= users.first_seen_us);
}

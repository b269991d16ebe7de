//! The per-call path: route, run the layers, forward, stream the answer back, capture.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use apiwarden_core::model::{media_type_essence, now_us};
use apiwarden_core::{CountedCall, HttpRequest};
use bytes::Bytes;
use http::header::{self, HeaderValue};
use http::request::Parts;
use http::{HeaderMap, Method, Request, Response, StatusCode, Uri, Version};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioIo;
use tokio::io::AsyncWriteExt;

use crate::body::{ProxyBody, read_prefix};
use crate::capture::{CallSlot, CaptureQueue, Part, header_list};
use crate::config::{Timeouts, UpstreamProtocol};
use crate::headers::{
    RequestIds, X_REQUEST_ID, add_forwarding, forwarded_client, is_upgrade_request, strip_hop_by_hop,
    usable_request_id,
};
use crate::layers::{LayerStack, Rejection, RequestContext};
use crate::metrics::{Action, ConnectionErrorKind, Metrics, RouteMetrics, UpstreamErrorKind};
use crate::problem::{self, PROBLEM_JSON, Problem};
use crate::route::{Route, RouteTable};
use crate::sampling::AnalysisSampler;

pub type UpstreamClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, ProxyBody>;

/// Capture settings resolved at start.
#[derive(Clone)]
pub struct CaptureSettings {
    pub queue: CaptureQueue,
    pub body_bytes: usize,
    /// A call is captured when the hash of its sequence number is at most this.
    pub sample_threshold: u64,
    /// Which captured calls are analysed in full; the others are only counted.
    pub analysis: Arc<AnalysisSampler>,
}

impl CaptureSettings {
    pub fn threshold(sample: f64) -> u64 {
        if sample >= 1.0 { u64::MAX } else { (sample.max(0.0) * u64::MAX as f64) as u64 }
    }

    fn sampled(&self, id: u128) -> bool {
        self.sample_threshold == u64::MAX
            || xxhash_rust::xxh3::xxh3_64(&id.to_le_bytes()) <= self.sample_threshold
    }
}

/// How much of a request body the layers inspect before the call goes upstream.
#[derive(Clone, Copy)]
pub struct BodyInspection {
    pub limit: usize,
    /// The client must send that much (or its whole body) within this.
    pub timeout: std::time::Duration,
}

/// Everything the call path needs, shared by every connection.
/// Each worker thread has its own (its upstream pools); the rest is shared.
pub struct Shared {
    pub routes: Arc<RouteTable>,
    /// Indexed by `Route::index`.
    pub route_metrics: Arc<Vec<RouteMetrics>>,
    /// Indexed by `Route::index`; this worker's connection pools.
    pub clients: Vec<UpstreamClient>,
    pub layers: LayerStack,
    pub metrics: Arc<Metrics>,
    pub capture: Option<CaptureSettings>,
    /// Set when a layer inspects request bodies.
    pub body_inspection: Option<BodyInspection>,
    pub ids: Arc<RequestIds>,
    pub timeouts: Timeouts,
    /// `http` or `https`: what the client connected with.
    pub scheme: &'static str,
    pub trust_forwarded_for: bool,
    pub access_log: bool,
}

/// Serves one call. Never fails: every problem becomes a response.
pub async fn serve(
    shared: Arc<Shared>,
    peer: SocketAddr,
    request: Request<Incoming>,
) -> Result<Response<ProxyBody>, Infallible> {
    let started = Instant::now();
    // A guard, because hyper drops this future when the client goes away mid-call.
    let _in_flight = InFlight::enter(&shared.metrics);
    Ok(proxy(&shared, peer, request, started).await)
}

struct InFlight<'a>(&'a Metrics);

impl<'a> InFlight<'a> {
    fn enter(metrics: &'a Metrics) -> InFlight<'a> {
        metrics.in_flight.inc();
        InFlight(metrics)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.dec();
    }
}

/// What is known about a call once it is routed.
struct Call<'a> {
    shared: &'a Shared,
    route: &'a Route,
    request_id: HeaderValue,
    slot: Option<Arc<CallSlot>>,
    /// A captured call that is only counted (adaptive analysis), queued with its answer.
    counted: Option<CountedCall>,
    started: Instant,
    client_version: Version,
}

async fn proxy(
    shared: &Shared,
    peer: SocketAddr,
    mut request: Request<Incoming>,
    started: Instant,
) -> Response<ProxyBody> {
    let number = shared.ids.next();
    let request_id = match request.headers().get(&X_REQUEST_ID) {
        Some(value) if usable_request_id(value) => value.clone(),
        _ => request_id_value(number),
    };
    let upgrade = request.version() <= Version::HTTP_11 && is_upgrade_request(request.headers());
    let client_upgrade = upgrade.then(|| hyper::upgrade::on(&mut request));
    let (mut head, body) = request.into_parts();
    let client_ip = match shared.trust_forwarded_for {
        true => forwarded_client(&head.headers).unwrap_or(peer.ip()),
        false => peer.ip(),
    };
    let authority_field = request_authority(&head);
    let authority = lowercase(authority_field.to_str().unwrap_or(""));
    let host = host_without_port(&authority);
    let uri = &head.uri;
    let path = uri.path();

    let Some(route) = shared.routes.find(host, path) else {
        return no_route(shared, &request_id, host, started);
    };
    let (slot, counted) = match shared.capture.as_ref().filter(|tap| tap.sampled(number)) {
        None => (None, None),
        // CORS preflights are told apart by their headers, which a counted call drops.
        Some(tap) if head.method == Method::OPTIONS || tap.analysis.analyse(&head.method, host, path) => {
            let captured = captured_request(&head, shared.scheme, &authority);
            (Some(CallSlot::new(tap.queue.clone(), number, &route.name, client_ip, captured)), None)
        }
        Some(_) => (None, Some(counted_call(&head, shared.scheme, &authority))),
    };
    let call = Call { shared, route, request_id, slot, counted, started, client_version: head.version };

    // A cheap copy (shared bytes): the context borrows it while `call` may be consumed.
    let request_id_value = call.request_id.clone();
    let mut context = RequestContext {
        request_id: request_id_value.to_str().unwrap_or("-"),
        route: &route.name,
        authority: &authority,
        head: &head,
        path,
        client_ip,
        now: started,
        scheme: shared.scheme,
        body: None,
    };
    let mut extra_headers = Vec::new();
    if let Err(rejection) = run_layers(shared, route, &context, false, &mut extra_headers) {
        return call.rejected(rejection);
    }
    // A layer that inspects bodies sees the first bytes before anything goes upstream;
    // they are then sent on unchanged, followed by the rest of the body.
    let (incoming, prefix) = match shared.body_inspection {
        Some(inspection) if !http_body::Body::is_end_stream(&body) && !is_grpc(&head.headers) => {
            match tokio::time::timeout(inspection.timeout, read_prefix(body, inspection.limit)).await {
                Ok(Ok(read)) => (None, Some(read)),
                Ok(Err(_)) => return call.client_body_failed(),
                Err(_) => return call.request_body_timeout(inspection),
            }
        }
        _ => (Some(body), None),
    };
    if shared.body_inspection.is_some() {
        context.body = prefix.as_ref();
        if let Err(rejection) = run_layers(shared, route, &context, true, &mut extra_headers) {
            return call.rejected(rejection);
        }
    }

    // The request as it goes upstream.
    strip_hop_by_hop(&mut head.headers, upgrade);
    add_forwarding(&mut head.headers, client_ip, shared.scheme, Some(&authority));
    head.headers.insert(X_REQUEST_ID.clone(), call.request_id.clone());
    if route.preserve_host {
        if !head.headers.contains_key(header::HOST)
            && let Ok(value) = HeaderValue::from_str(&authority)
        {
            head.headers.insert(header::HOST, value);
        }
    } else {
        head.headers.remove(header::HOST);
    }
    // The client's path and query go upstream as they are unless the route rewrites them
    // (no re-parse on the common path).
    let path_and_query = match (route.rewrites_path(), uri.path_and_query()) {
        (false, Some(original)) => original.clone(),
        _ => match http::uri::PathAndQuery::try_from(route.upstream_path_and_query(path, uri.query())) {
            Ok(rewritten) => rewritten,
            Err(err) => {
                return call
                    .upstream_failed(UpstreamErrorKind::protocol, &format!("bad upstream path: {err}"));
            }
        },
    };
    head.uri = match Uri::builder()
        .scheme(route.upstream.scheme.clone())
        .authority(route.upstream.authority.clone())
        .path_and_query(path_and_query)
        .build()
    {
        Ok(uri) => uri,
        Err(err) => {
            return call.upstream_failed(UpstreamErrorKind::protocol, &format!("bad upstream URI: {err}"));
        }
    };
    head.version = match route.protocol {
        UpstreamProtocol::Http1 => Version::HTTP_11,
        UpstreamProtocol::Http2 => Version::HTTP_2,
    };
    let mut body = match (prefix, incoming) {
        (Some(prefix), _) => ProxyBody::prefixed(prefix),
        (None, Some(body)) => ProxyBody::incoming(body),
        (None, None) => ProxyBody::empty(),
    };
    if let (Some(slot), Some(tap)) = (&call.slot, &shared.capture) {
        body = body.tap(slot.clone(), Part::Request, tap.body_bytes);
    }

    let client = match shared.clients.get(route.index) {
        Some(client) => client,
        None => return call.upstream_failed(UpstreamErrorKind::connect, "no client for this route"),
    };
    let sent = tokio::time::timeout(
        shared.timeouts.upstream_response,
        client.request(Request::from_parts(head, body)),
    );
    let mut response = match sent.await {
        Err(_) => return call.upstream_timeout(),
        Ok(Err(err)) if client_body_failed(&err) => return call.client_body_failed(),
        Ok(Err(err)) => {
            let kind =
                if err.is_connect() { UpstreamErrorKind::connect } else { UpstreamErrorKind::protocol };
            return call.upstream_failed(kind, &error_chain(&err));
        }
        Ok(Ok(response)) => response,
    };

    if response.status() == StatusCode::SWITCHING_PROTOCOLS
        && let Some(client_upgrade) = client_upgrade
    {
        let upstream_upgrade = hyper::upgrade::on(&mut response);
        let idle = shared.timeouts.tunnel_idle;
        tokio::spawn(async move {
            if let (Ok(client), Ok(upstream)) = (client_upgrade.await, upstream_upgrade.await) {
                tunnel(TokioIo::new(client), TokioIo::new(upstream), idle).await;
            }
        });
    }
    call.forward_response(response, extra_headers, upgrade)
}

impl Call<'_> {
    fn forward_response(
        mut self,
        response: Response<Incoming>,
        extra_headers: Vec<(http::HeaderName, HeaderValue)>,
        upgrade: bool,
    ) -> Response<ProxyBody> {
        let (mut head, body) = response.into_parts();
        strip_hop_by_hop(&mut head.headers, upgrade && head.status == StatusCode::SWITCHING_PROTOCOLS);
        if let Some(slot) = &self.slot {
            slot.response_head(head.status.as_u16(), &head.headers, None);
        }
        self.count(&head.headers);
        for (name, value) in extra_headers {
            head.headers.append(name, value);
        }
        head.headers.insert(X_REQUEST_ID.clone(), self.request_id.clone());
        head.version = self.client_version;
        let deadline =
            self.shared.timeouts.call.map(|limit| tokio::time::Instant::from_std(self.started + limit));
        let mut body = ProxyBody::incoming(body).with_deadline(deadline);
        if let Some(metrics) = self.shared.route_metrics.get(self.route.index) {
            body = body.count_errors(metrics.upstream_body_errors.clone());
        }
        if let (Some(slot), Some(tap)) = (&self.slot, &self.shared.capture) {
            body = body.tap(slot.clone(), Part::Response, tap.body_bytes);
        }
        self.finish(head.status);
        Response::from_parts(head, body)
    }

    fn rejected(self, rejection: Rejection) -> Response<ProxyBody> {
        let kind = problem::kind_for_rejection(rejection.status);
        let title = rejection.title;
        let extra = rejection.headers;
        self.local(rejection.status, kind, title, &rejection.detail, Some(&rejection.rule), extra)
    }

    fn upstream_timeout(self) -> Response<ProxyBody> {
        self.shared.metrics.upstream_error(&self.route.name, UpstreamErrorKind::timeout);
        let detail = format!(
            "the upstream did not answer within {} ms",
            self.shared.timeouts.upstream_response.as_millis()
        );
        tracing::warn!(route = %self.route.name, request_id = self.request_id.to_str().unwrap_or("-"), "upstream timed out");
        self.local(
            StatusCode::GATEWAY_TIMEOUT,
            problem::kind::UPSTREAM_TIMEOUT,
            "Gateway Timeout",
            &detail,
            None,
            Vec::new(),
        )
    }

    /// The client did not send the part of its body that is inspected in time.
    fn request_body_timeout(self, inspection: BodyInspection) -> Response<ProxyBody> {
        self.shared.metrics.connection_error(ConnectionErrorKind::body_timeout);
        let detail = format!("the request body did not arrive within {} ms", inspection.timeout.as_millis());
        self.local(
            StatusCode::REQUEST_TIMEOUT,
            problem::kind::REQUEST_TIMEOUT,
            "Request Timeout",
            &detail,
            None,
            Vec::new(),
        )
    }

    /// The client's request body broke off (client gone or reset): not the upstream's fault.
    fn client_body_failed(self) -> Response<ProxyBody> {
        self.shared.metrics.connection_error(ConnectionErrorKind::other);
        tracing::debug!(route = %self.route.name, request_id = self.request_id.to_str().unwrap_or("-"), "client request body broke off");
        let detail = "the request body was not received whole";
        self.local(
            StatusCode::BAD_REQUEST,
            problem::kind::INCOMPLETE_REQUEST,
            "Bad Request",
            detail,
            None,
            Vec::new(),
        )
    }

    fn upstream_failed(self, kind: UpstreamErrorKind, reason: &str) -> Response<ProxyBody> {
        self.shared.metrics.upstream_error(&self.route.name, kind);
        tracing::warn!(route = %self.route.name, request_id = self.request_id.to_str().unwrap_or("-"), "upstream failed: {reason}");
        let (problem_kind, detail) = match kind {
            UpstreamErrorKind::connect => {
                (problem::kind::UPSTREAM_UNAVAILABLE, "the upstream could not be reached")
            }
            _ => (
                problem::kind::UPSTREAM_INVALID,
                "the upstream closed the connection or sent an invalid response",
            ),
        };
        self.local(StatusCode::BAD_GATEWAY, problem_kind, "Bad Gateway", detail, None, Vec::new())
    }

    /// A response the gateway makes itself.
    fn local(
        mut self,
        status: StatusCode,
        kind: &'static str,
        title: &str,
        detail: &str,
        rule: Option<&str>,
        extra: Vec<(http::HeaderName, HeaderValue)>,
    ) -> Response<ProxyBody> {
        let request_id = self.request_id.to_str().unwrap_or("-");
        let body = Problem { kind, title, status: status.as_u16(), detail, request_id, rule }.body();
        let mut response = problem_response(status, &self.request_id, body.clone());
        for (name, value) in extra {
            response.headers_mut().append(name, value);
        }
        if let Some(slot) = &self.slot {
            slot.response_head(status.as_u16(), response.headers(), Some(body));
        }
        self.count(response.headers());
        self.finish(status);
        response
    }

    /// Queues a counted call once its answer's media type is known.
    fn count(&mut self, response_headers: &HeaderMap) {
        if let (Some(mut call), Some(tap)) = (self.counted.take(), &self.shared.capture) {
            call.response_media_type = response_headers
                .get(header::CONTENT_TYPE)
                .and_then(|value| value.to_str().ok())
                .map(media_type_essence);
            tap.queue.count(call);
        }
    }

    fn finish(&self, status: StatusCode) {
        let elapsed = self.started.elapsed();
        if let Some(metrics) = self.shared.route_metrics.get(self.route.index) {
            metrics.answered(status.as_u16(), elapsed.as_secs_f64());
        }
        if self.shared.access_log {
            tracing::info!(
                request_id = self.request_id.to_str().unwrap_or("-"),
                route = %self.route.name,
                status = status.as_u16(),
                micros = elapsed.as_micros() as u64,
                "call"
            );
        }
    }
}

fn no_route(shared: &Shared, request_id: &HeaderValue, host: &str, started: Instant) -> Response<ProxyBody> {
    shared.metrics.unrouted.inc();
    let detail = format!("no route matches host '{host}' and this path");
    let id = request_id.to_str().unwrap_or("-");
    let body = Problem {
        kind: problem::kind::NO_ROUTE,
        title: "Not Found",
        status: 404,
        detail: &detail,
        request_id: id,
        rule: None,
    }
    .body();
    if shared.access_log {
        tracing::info!(
            request_id = id,
            status = 404,
            micros = started.elapsed().as_micros() as u64,
            "call without route"
        );
    }
    problem_response(StatusCode::NOT_FOUND, request_id, body)
}

fn problem_response(status: StatusCode, request_id: &HeaderValue, body: Bytes) -> Response<ProxyBody> {
    let mut response = Response::new(ProxyBody::full(body));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, PROBLEM_JSON.clone());
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response.headers_mut().insert(X_REQUEST_ID.clone(), request_id.clone());
    response
}

/// Runs one phase of the layer stack: records monitored rejections and collects response
/// fields; `Err` is the rejection to enforce.
fn run_layers(
    shared: &Shared,
    route: &Route,
    context: &RequestContext<'_>,
    bodies: bool,
    headers: &mut Vec<(http::HeaderName, HeaderValue)>,
) -> Result<(), Rejection> {
    if shared.layers.is_empty() {
        return Ok(());
    }
    let outcome = shared.layers.run(context, route.mode, bodies);
    let request_id = context.request_id;
    for (layer, rejection) in &outcome.monitored {
        shared.metrics.rejection(&route.name, layer, &rejection.rule, Action::monitored);
        tracing::info!(request_id, route = %route.name, layer, rule = %rejection.rule, "would reject (monitor mode)");
    }
    if let Some((layer, rejection)) = outcome.rejected {
        shared.metrics.rejection(&route.name, layer, &rejection.rule, Action::blocked);
        return Err(rejection);
    }
    headers.extend(outcome.headers);
    Ok(())
}

/// gRPC bodies are length-prefixed protobuf messages that a client may stream while it
/// waits for answers: they are not held back for inspection.
fn is_grpc(headers: &http::HeaderMap) -> bool {
    headers.get(header::CONTENT_TYPE).is_some_and(|value| {
        value.as_bytes().get(..16).is_some_and(|p| p.eq_ignore_ascii_case(b"application/grpc"))
    })
}

/// `host[:port]` as the client addressed it: the URI authority (HTTP/2, absolute form)
/// or the `Host` field. A cheap copy (the field's bytes are shared), so that the head can
/// be changed while the text is in use.
fn request_authority(head: &Parts) -> HeaderValue {
    match head.uri.authority() {
        Some(authority) => HeaderValue::from_str(authority.as_str()).unwrap_or(HeaderValue::from_static("")),
        None => head.headers.get(header::HOST).cloned().unwrap_or(HeaderValue::from_static("")),
    }
}

/// Lowercase, copied only when it is not lowercase already.
fn lowercase(text: &str) -> std::borrow::Cow<'_, str> {
    if text.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(text.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// 32 lowercase hex digits, without going through a formatted `String`.
fn request_id_value(number: u128) -> HeaderValue {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut digits = [0u8; 32];
    for (index, digit) in digits.iter_mut().enumerate() {
        let shift = 4 * (31 - index);
        *digit = HEX[((number >> shift) & 0xf) as usize];
    }
    HeaderValue::from_bytes(&digits).unwrap_or(HeaderValue::from_static("-"))
}

/// `example.com:8080` → `example.com`; `[::1]:80` → `[::1]`.
fn host_without_port(authority: &str) -> &str {
    match authority.rfind(':') {
        Some(colon) if !authority.get(colon..).is_some_and(|rest| rest.contains(']')) => {
            authority.get(..colon).unwrap_or(authority)
        }
        _ => authority,
    }
}

/// The host as the model keeps it: `host[:port]` without the scheme's default port.
fn model_host(scheme: &str, authority: &str) -> String {
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    authority.strip_suffix(default_port).unwrap_or(authority).to_owned()
}

/// A call to count without analysis (its answer's media type is filled in later).
fn counted_call(head: &Parts, scheme: &str, authority: &str) -> CountedCall {
    CountedCall {
        started_at_us: now_us(),
        method: head.method.as_str().to_owned(),
        host: model_host(scheme, authority),
        path: head.uri.path().to_owned(),
        response_media_type: None,
    }
}

/// The request as the model keeps it (bodies are filled in by the tap).
fn captured_request(head: &Parts, scheme: &str, authority: &str) -> HttpRequest {
    HttpRequest {
        method: head.method.as_str().to_owned(),
        scheme: scheme.to_owned(),
        host: model_host(scheme, authority),
        path: head.uri.path().to_owned(),
        query: head.uri.query().map(str::to_owned),
        http_version: Some(version_text(head.version).to_owned()),
        headers: header_list(&head.headers),
        body: Default::default(),
    }
}

/// True when sending upstream failed because the client's request body failed: hyper
/// reports that as a "user" error (from the body we gave it) with the body's error inside.
fn client_body_failed(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(err);
    while let Some(current) = cause {
        if let Some(hyper_err) = current.downcast_ref::<hyper::Error>()
            && hyper_err.is_user()
            && std::error::Error::source(hyper_err).is_some()
        {
            return true;
        }
        cause = current.source();
    }
    false
}

fn version_text(version: Version) -> &'static str {
    match version {
        Version::HTTP_09 => "HTTP/0.9",
        Version::HTTP_10 => "HTTP/1.0",
        Version::HTTP_2 => "HTTP/2.0",
        Version::HTTP_3 => "HTTP/3.0",
        _ => "HTTP/1.1",
    }
}

/// The error and its causes on one line, for logs.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Copies bytes both ways until either side closes or nothing moves for `idle`.
async fn tunnel<A, B>(mut client: A, mut upstream: B, idle: std::time::Duration)
where
    A: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    B: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let (mut client_read, mut client_write) = tokio::io::split(&mut client);
    let (mut upstream_read, mut upstream_write) = tokio::io::split(&mut upstream);
    let mut up = [0u8; 8192];
    let mut down = [0u8; 8192];
    loop {
        let moved = tokio::time::timeout(idle, async {
            tokio::select! {
                read = tokio::io::AsyncReadExt::read(&mut client_read, &mut up) => match read {
                    Ok(0) | Err(_) => None,
                    Ok(n) => upstream_write.write_all(up.get(..n).unwrap_or_default()).await.ok(),
                },
                read = tokio::io::AsyncReadExt::read(&mut upstream_read, &mut down) => match read {
                    Ok(0) | Err(_) => None,
                    Ok(n) => client_write.write_all(down.get(..n).unwrap_or_default()).await.ok(),
                },
            }
        })
        .await;
        if !matches!(moved, Ok(Some(()))) {
            break;
        }
    }
    let _ = upstream_write.shutdown().await;
    let _ = client_write.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_lose_their_port() {
        assert_eq!(host_without_port("api.example.com:8080"), "api.example.com");
        assert_eq!(host_without_port("[::1]:8080"), "[::1]");
        assert_eq!(host_without_port("[::1]"), "[::1]");
        assert_eq!(host_without_port("example.com"), "example.com");
    }

    #[test]
    fn sampling_keeps_about_the_configured_fraction() {
        let threshold = CaptureSettings::threshold(0.25);
        let kept =
            (0u128..10_000).filter(|n| xxhash_rust::xxh3::xxh3_64(&n.to_le_bytes()) <= threshold).count();
        assert!((2_300..2_700).contains(&kept), "{kept}");
        assert_eq!(CaptureSettings::threshold(1.0), u64::MAX);
        assert_eq!(CaptureSettings::threshold(0.0), 0);
    }
}

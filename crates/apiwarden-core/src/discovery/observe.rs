//! The inventory analyzer: folds each call into the per-host discovery state.

use std::sync::Arc;

use serde_json::Value;

use super::inventory::{InventoryState, MAX_SEGMENTS, PathKey, Seg};
use super::segment::{SegClass, classify};
use super::stats::{self, EndpointStats};
use crate::analysis::{Analyzer, DecodedCall};
use crate::decode::{decode_path_segment, parse_cookie_header, parse_query};
use crate::endpoint::{AuthKind, ExampleCall};
use crate::field::Direction;
use crate::inspect::{Inspection, Inspector};
use crate::model::{ApiCall, CountedCall};

#[derive(Clone, Debug)]
pub struct ObserverConfig {
    /// Leave static files (scripts, styles, images, fonts) out of the inventory.
    pub ignore_static_assets: bool,
    /// Leave CORS preflight requests out of the inventory.
    pub ignore_preflight: bool,
    /// Bytes of a body kept in an example call.
    pub example_body_bytes: usize,
}

impl Default for ObserverConfig {
    fn default() -> Self {
        ObserverConfig { ignore_static_assets: true, ignore_preflight: true, example_body_bytes: 512 }
    }
}

/// Why a call was left out of the inventory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IgnoreReason {
    StaticAsset,
    CorsPreflight,
}

impl IgnoreReason {
    pub fn as_str(self) -> &'static str {
        match self {
            IgnoreReason::StaticAsset => "static file",
            IgnoreReason::CorsPreflight => "CORS preflight",
        }
    }
}

/// The inventory analyzer.
#[derive(Clone, Default)]
pub struct Observer {
    pub config: ObserverConfig,
    /// Runs on every observed call; what it reports is kept per endpoint, and it masks the
    /// examples. Without one, examples only get the built-in secret-key masking.
    inspector: Option<Arc<dyn Inspector>>,
}

impl std::fmt::Debug for Observer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Observer")
            .field("config", &self.config)
            .field("inspector", &self.inspector.is_some())
            .finish()
    }
}

impl Analyzer for Observer {
    type State = InventoryState;

    fn name(&self) -> &'static str {
        "inventory"
    }

    fn observe(&self, call: &DecodedCall<'_>, state: &mut InventoryState) {
        let _ = self.observe_call(call, state);
    }

    fn merge(&self, into: &mut InventoryState, from: InventoryState) {
        into.merge(from);
    }
}

impl Observer {
    pub fn new(config: ObserverConfig) -> Observer {
        Observer { config, inspector: None }
    }

    /// Runs `inspector` on every observed call (see [`Inspector`]).
    pub fn with_inspector(mut self, inspector: Option<Arc<dyn Inspector>>) -> Observer {
        self.inspector = inspector;
        self
    }

    /// Whether a call belongs in the API inventory at all.
    pub fn ignore_reason(&self, call: &ApiCall) -> Option<IgnoreReason> {
        if self.config.ignore_preflight
            && call.request.method == "OPTIONS"
            && call.request.header("access-control-request-method").is_some()
        {
            return Some(IgnoreReason::CorsPreflight);
        }
        if self.config.ignore_static_assets
            && is_static_asset(
                &call.request.method,
                &call.request.path,
                call.response_media_type().as_deref(),
            )
        {
            return Some(IgnoreReason::StaticAsset);
        }
        None
    }

    /// Counts a call that was not analysed ([`CountedCall`]): its endpoint's call count and
    /// seen times grow, nothing else. `Err` says why it was left out of the inventory.
    pub fn count_call(&self, call: &CountedCall, state: &mut InventoryState) -> Result<(), IgnoreReason> {
        if self.config.ignore_static_assets
            && is_static_asset(&call.method, &call.path, call.response_media_type.as_deref())
        {
            return Err(IgnoreReason::StaticAsset);
        }
        let key = normalize_path(&call.path);
        state.host_mut(&call.host).entry(key, &call.method).touch_unanalysed(call.started_at_us);
        Ok(())
    }

    /// Folds one call into `state`; `Err` says why it was left out.
    pub fn observe_call(
        &self,
        decoded: &DecodedCall<'_>,
        state: &mut InventoryState,
    ) -> Result<(), IgnoreReason> {
        let call = decoded.call;
        if let Some(reason) = self.ignore_reason(call) {
            return Err(reason);
        }
        let key = normalize_path(&call.request.path);
        let host = state.host_mut(&call.request.host);
        let stats = host.entry(key, &call.request.method);
        self.fold(decoded, stats);
        Ok(())
    }

    fn fold(&self, decoded: &DecodedCall<'_>, stats: &mut EndpointStats) {
        let call = decoded.call;
        let request = &call.request;
        stats.touch(call.started_at_us);
        *stats.schemes.entry(request.scheme.clone()).or_default() += 1;

        let mut auth_seen = false;
        let mut note_auth = |stats: &mut EndpointStats, kind: AuthKind, name: Option<&str>| {
            auth_seen = true;
            let key = match name {
                Some(name) => format!("{}:{name}", kind.as_str()),
                None => kind.as_str().to_owned(),
            };
            stats::note_auth(&mut stats.auth, key);
        };

        let query_pairs = request.query.as_deref().map(parse_query).unwrap_or_default();
        let mut seen_names: Vec<&str> = Vec::new();
        for (name, value) in &query_pairs {
            if is_api_key_query(name) {
                note_auth(stats, AuthKind::ApiKeyQuery, Some(name));
                continue;
            }
            // A repeated name counts once per call for presence, every value for types.
            if seen_names.contains(&name.as_str()) {
                if let Some(p) = stats.query.params.get_mut(name.as_str()) {
                    p.values.observe_text(value);
                }
                continue;
            }
            seen_names.push(name);
            stats.query.observe(name, value);
        }

        for header in &request.headers {
            let name = header.name.as_str();
            match name {
                "authorization" => {
                    let kind = authorization_kind(&header.value);
                    note_auth(stats, kind, None);
                }
                "cookie" => {
                    for (cookie, value) in parse_cookie_header(&header.value) {
                        if is_session_cookie(&cookie) {
                            note_auth(stats, AuthKind::SessionCookie, Some(&cookie));
                        } else {
                            stats.cookies.observe(&cookie, &value);
                        }
                    }
                }
                _ if is_api_key_header(name) => note_auth(stats, AuthKind::ApiKeyHeader, Some(name)),
                _ if is_ordinary_header(name) => {}
                _ => stats.headers.observe(name, &header.value),
            }
        }
        if !auth_seen {
            stats::note_auth(&mut stats.auth, AuthKind::None.as_str().to_owned());
        }

        if !request.body.is_empty() {
            let media = call.request_media_type().unwrap_or_default();
            let body = stats.request_bodies.entry(media).or_default();
            body.count += 1;
            match decoded.request_value() {
                Some(value) => body.schema.observe(value),
                None if decoded.request_body.is_some() => body.undecoded += 1,
                None => {}
            }
        }

        // Status codes outside 100..=599 are not HTTP answers; they share the "none" bucket
        // so that junk statuses cannot open thousands of buckets.
        let status = call.response.as_ref().map_or(0, |r| r.status);
        let status = if (100..=599).contains(&status) { status } else { 0 };
        let response_stats = stats.responses.entry(status).or_default();
        response_stats.count += 1;
        if call.response.as_ref().is_some_and(|r| !r.body.is_empty()) {
            let media = call.response_media_type().unwrap_or_default();
            let body = response_stats.bodies.entry(media).or_default();
            body.count += 1;
            match decoded.response_value() {
                Some(value) => body.schema.observe(value),
                None if decoded.response_body.is_some() => body.undecoded += 1,
                None => {}
            }
        }

        if let Some(ms) = call.timings.total_ms {
            stats.latency.record(ms);
        }

        let mut inspection = Inspection::default();
        if let Some(inspector) = &self.inspector {
            inspector.inspect(decoded, &mut inspection);
            for tag in inspection.tags.drain(..) {
                stats.note_tag(tag, call.started_at_us);
            }
            for hit in inspection.hits.drain(..) {
                stats.note_posture(hit, call.id, call.started_at_us);
            }
        }

        let example_bytes = self.config.example_body_bytes;
        let inspector = self.inspector.as_deref();
        let body_text = |value: Option<&Value>, direction: Direction, clean: bool| {
            value.map(|value| match inspector {
                Some(inspector) if !clean => {
                    let mut value = value.clone();
                    inspector.redact_body(decoded, direction, &mut value);
                    example_text(&value, example_bytes)
                }
                _ => example_text(value, example_bytes),
            })
        };
        stats.offer_example(
            || ExampleCall {
                call_id: call.id,
                started_at_us: call.started_at_us,
                path: match inspector {
                    Some(inspector) => redact_path(&request.path, inspector),
                    None => request.path.clone(),
                },
                query: request.query.as_deref().map(|q| redact_query(&parse_query(q), inspector)),
                status: call.response.as_ref().map(|r| r.status),
                request_body: body_text(
                    decoded.request_value(),
                    Direction::Request,
                    inspection.clean_request_body,
                ),
                response_body: body_text(
                    decoded.response_value(),
                    Direction::Response,
                    inspection.clean_response_body,
                ),
            },
            call.id,
        );
    }
}

/// Splits a raw path into a normalised key: percent-decoded segments, empty segments and
/// matrix parameters (`;jsessionid=...`) dropped, unmistakable identifiers replaced by typed
/// placeholders.
pub fn normalize_path(raw: &str) -> PathKey {
    let mut segs = Vec::new();
    for part in raw.split('/') {
        let part = part.split(';').next().unwrap_or_default();
        if part.is_empty() || part == "." {
            continue;
        }
        if segs.len() >= MAX_SEGMENTS {
            break;
        }
        let decoded = decode_path_segment(part);
        segs.push(match classify(&decoded) {
            SegClass::Id(kind) => Seg::Typed(kind),
            _ => Seg::Lit(decoded),
        });
    }
    PathKey(segs)
}

const STATIC_EXTENSIONS: &[&str] = &[
    "js",
    "mjs",
    "css",
    "map",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "svg",
    "ico",
    "webp",
    "avif",
    "bmp",
    "woff",
    "woff2",
    "ttf",
    "otf",
    "eot",
    "mp4",
    "webm",
    "mp3",
    "wav",
    "ogg",
    "html",
    "htm",
    "txt",
    "webmanifest",
];

fn is_static_asset(method: &str, path: &str, media: Option<&str>) -> bool {
    if !matches!(method, "GET" | "HEAD") {
        return false;
    }
    // Whatever the path looks like (`/packages/fast.js`), a structured answer is an API's.
    if media.is_some_and(|m| m.contains("json") || m.contains("xml") || m.contains("grpc")) {
        return false;
    }
    let last = path.rsplit('/').next().unwrap_or_default();
    if let Some((_, ext)) = last.rsplit_once('.')
        && STATIC_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())
    {
        return true;
    }
    media.is_some_and(|media| {
        media.starts_with("image/")
            || media.starts_with("font/")
            || media.starts_with("video/")
            || media.starts_with("audio/")
            || media == "text/css"
            || media == "text/javascript"
            || media == "application/javascript"
    })
}

fn authorization_kind(value: &str) -> AuthKind {
    let (scheme, credentials) = value.trim().split_once(' ').unwrap_or((value, ""));
    if scheme.eq_ignore_ascii_case("basic") {
        AuthKind::Basic
    } else if is_jwt(credentials.trim()) {
        AuthKind::BearerJwt
    } else {
        AuthKind::Bearer
    }
}

/// Three base64url parts whose first decodes to a JSON object with `alg`.
pub fn is_jwt(token: &str) -> bool {
    use base64::Engine;
    let mut parts = token.split('.');
    let (Some(header), Some(_), Some(_), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    if header.len() > 2048 {
        return false;
    }
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header.trim_end_matches('='))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .is_some_and(|v| v.get("alg").is_some())
}

fn is_api_key_header(name: &str) -> bool {
    let compact: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    compact.contains("apikey")
        || compact.contains("apitoken")
        || compact.ends_with("authtoken")
        || compact.ends_with("accesstoken")
        || compact == "xtoken"
        || compact == "xkey"
}

fn is_api_key_query(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "api_key"
            | "apikey"
            | "api-key"
            | "key"
            | "access_token"
            | "token"
            | "auth"
            | "auth_token"
            | "apitoken"
    )
}

fn is_session_cookie(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("session")
        || lower.contains("sess")
        || matches!(lower.as_str(), "sid" | "auth" | "token" | "jwt" | "access_token" | "remember_token")
}

/// Request headers that every client sends and that are not parameters of an API.
fn is_ordinary_header(name: &str) -> bool {
    const ORDINARY: &[&str] = &[
        "accept",
        "accept-encoding",
        "accept-language",
        "accept-charset",
        "user-agent",
        "host",
        "connection",
        "content-length",
        "content-type",
        "cache-control",
        "pragma",
        "referer",
        "origin",
        "dnt",
        "te",
        "upgrade-insecure-requests",
        "if-none-match",
        "if-modified-since",
        "if-match",
        "if-unmodified-since",
        "forwarded",
        "via",
        "x-forwarded-for",
        "x-forwarded-proto",
        "x-forwarded-host",
        "x-forwarded-port",
        "x-real-ip",
        "traceparent",
        "tracestate",
        "priority",
        "keep-alive",
        "upgrade",
        "expect",
        "range",
        "x-requested-with",
        "purpose",
        "content-encoding",
        "transfer-encoding",
        "b3",
        "x-amzn-trace-id",
    ];
    name.starts_with(':') || name.starts_with("sec-") || ORDINARY.contains(&name)
}

/// Keys whose values examples never keep.
fn is_secret_key(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    [
        "password",
        "passwd",
        "secret",
        "token",
        "apikey",
        "api_key",
        "authorization",
        "cvv",
        "card",
        "ssn",
        "pin",
    ]
    .iter()
    .any(|s| lower.contains(s))
}

/// Writes `value` as JSON into `out`, secret-looking fields masked, stopping once `out`
/// reaches `max` bytes (returns false then). Never copies the value.
fn write_redacted(value: &Value, out: &mut String, max: usize, depth: usize) -> bool {
    use std::fmt::Write;
    if out.len() >= max {
        return false;
    }
    match value {
        Value::Object(map) if depth < 16 => {
            out.push('{');
            for (i, (key, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{}:", Value::String(key.clone()));
                let keep_going = if is_secret_key(key) && !v.is_object() && !v.is_array() {
                    out.push_str("\"[redacted]\"");
                    true
                } else {
                    write_redacted(v, out, max, depth + 1)
                };
                if !keep_going || out.len() >= max {
                    return false;
                }
            }
            out.push('}');
        }
        Value::Array(items) if depth < 16 => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if !write_redacted(v, out, max, depth + 1) || out.len() >= max {
                    return false;
                }
            }
            out.push(']');
        }
        Value::Object(_) | Value::Array(_) => out.push_str("\"[nested]\""),
        scalar => {
            let _ = write!(out, "{scalar}");
        }
    }
    out.len() < max
}

/// A decoded body as example text: secret-looking fields masked, cut to `max` bytes.
fn example_text(value: &Value, max: usize) -> String {
    let mut text = String::with_capacity(max.min(4096) + 8);
    if !write_redacted(value, &mut text, max, 0) || text.len() > max {
        let mut cut = max.min(text.len());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('…');
    }
    text
}

/// A query string for an example: secret-looking parameters masked by name, and every other
/// value through the inspector (with its name as context) when there is one.
fn redact_query(pairs: &[(String, String)], inspector: Option<&dyn Inspector>) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        if is_secret_key(name) || is_api_key_query(name) {
            out.append_pair(name, "[redacted]");
        } else if let Some(inspector) = inspector {
            let mut pair =
                Value::Object([(name.clone(), Value::String(value.clone()))].into_iter().collect());
            inspector.redact_value(&mut pair);
            match pair.get(name) {
                Some(Value::String(masked)) => out.append_pair(name, masked),
                Some(other) => out.append_pair(name, &other.to_string()),
                None => out.append_pair(name, "[dropped]"),
            };
        } else {
            out.append_pair(name, value);
        }
    }
    out.finish()
}

/// A concrete path for an example, each segment decoded, masked and re-encoded, so that an
/// e-mail address or a token in the path is not kept.
fn redact_path(path: &str, inspector: &dyn Inspector) -> String {
    const SEGMENT: &percent_encoding::AsciiSet =
        &percent_encoding::CONTROLS.add(b' ').add(b'/').add(b'?').add(b'#').add(b'%');
    path.split('/')
        .map(|segment| {
            let decoded = decode_path_segment(segment);
            let masked = inspector.redact_text(&decoded);
            if masked == decoded {
                segment.to_owned()
            } else {
                percent_encoding::utf8_percent_encode(&masked, SEGMENT).to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{DecodeLimits, DecoderRegistry};
    use crate::model::{Body, CallId, Header, HttpRequest, HttpResponse, Observed, SourceKind};

    pub(crate) fn call(
        method: &str,
        path: &str,
        query: Option<&str>,
        headers: &[(&str, &str)],
        status: u16,
        body: &str,
    ) -> ApiCall {
        ApiCall {
            id: CallId::from_content(&[
                method.as_bytes(),
                path.as_bytes(),
                query.unwrap_or("").as_bytes(),
                body.as_bytes(),
            ]),
            started_at_us: 1_700_000_000_000_000,
            observed: Observed { source: SourceKind::Har, origin: "test".into(), position: None },
            client: Default::default(),
            request: HttpRequest {
                method: method.into(),
                scheme: "https".into(),
                host: "api.test".into(),
                path: path.into(),
                query: query.map(Into::into),
                http_version: None,
                headers: headers.iter().map(|(n, v)| Header::new(n, *v)).collect(),
                body: Body::default(),
            },
            response: Some(HttpResponse {
                status,
                headers: vec![Header::new("content-type", "application/json")],
                body: Body::from_bytes(body.to_owned()),
            }),
            timings: Default::default(),
        }
    }

    fn observe(calls: &[ApiCall]) -> InventoryState {
        let registry = DecoderRegistry::default();
        let observer = Observer::default();
        let mut state = InventoryState::default();
        for c in calls {
            let decoded = DecodedCall::new(c, &registry, &DecodeLimits::default());
            observer.observe(&decoded, &mut state);
        }
        state
    }

    #[test]
    fn normalises_identifiers_and_keeps_words() {
        assert_eq!(normalize_path("/users/42/orders/").to_text(), "/users/{int}/orders");
        assert_eq!(normalize_path("//files;jsessionid=1/latest").to_text(), "/files/latest");
        assert_eq!(normalize_path("/u/jane%40x.io").to_text(), "/u/{email}");
        assert_eq!(normalize_path("/").to_text(), "/");
    }

    #[test]
    fn records_auth_params_and_schemas() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln";
        let state = observe(&[
            call(
                "GET",
                "/users/1",
                Some("page=2&api_key=s3cr3t"),
                &[("authorization", &format!("Bearer {jwt}"))],
                200,
                r#"{"id":1}"#,
            ),
            call(
                "GET",
                "/users/2",
                Some("page=3"),
                &[("x-api-key", "k"), ("x-tenant", "t1"), ("cookie", "sessionid=abc; theme=dark")],
                404,
                r#"{"error":"nf"}"#,
            ),
        ]);
        let host = &state.hosts["api.test"];
        let stats = &host.paths[&normalize_path("/users/1")]["GET"];
        assert_eq!(stats.calls, 2);
        assert_eq!(stats.query.params["page"].count, 2);
        assert!(!stats.query.params.contains_key("api_key"));
        assert_eq!(stats.auth["bearer-jwt"], 1);
        assert_eq!(stats.auth["api-key-query:api_key"], 1);
        assert_eq!(stats.auth["api-key-header:x-api-key"], 1);
        assert_eq!(stats.auth["session-cookie:sessionid"], 1);
        assert_eq!(stats.headers.params["x-tenant"].count, 1);
        assert_eq!(stats.cookies.params["theme"].count, 1);
        assert_eq!(stats.responses[&200].count, 1);
        assert_eq!(stats.responses[&404].bodies["application/json"].count, 1);
        let example_queries: Vec<_> = stats.examples.iter().filter_map(|e| e.query.clone()).collect();
        assert!(example_queries.iter().all(|q| !q.contains("s3cr3t")), "{example_queries:?}");
    }

    #[test]
    fn ignores_static_files_and_preflights() {
        let observer = Observer::default();
        let mut js = call("GET", "/static/app.3f9a.js", None, &[], 200, "x");
        if let Some(r) = js.response.as_mut() {
            r.headers = vec![Header::new("content-type", "text/plain")];
        }
        assert_eq!(observer.ignore_reason(&js), Some(IgnoreReason::StaticAsset));
        // A JSON answer is an API's, whatever the path looks like (`/packages/fast.js`).
        let package = call("GET", "/packages/fast.js", None, &[], 200, "{}");
        assert_eq!(observer.ignore_reason(&package), None);
        js.request.path = "/api/logo".into();
        if let Some(r) = js.response.as_mut() {
            r.headers = vec![Header::new("content-type", "image/png")];
        }
        assert_eq!(observer.ignore_reason(&js), Some(IgnoreReason::StaticAsset));
        let preflight =
            call("OPTIONS", "/api/users", None, &[("access-control-request-method", "POST")], 204, "");
        assert_eq!(observer.ignore_reason(&preflight), Some(IgnoreReason::CorsPreflight));
        assert_eq!(observer.ignore_reason(&call("GET", "/api/users", None, &[], 200, "[]")), None);
    }

    #[test]
    fn counted_calls_add_traffic_and_leave_the_analysed_figures_alone() {
        let counted = |path: &str, at_us: i64, media: &str| CountedCall {
            started_at_us: at_us,
            method: "GET".into(),
            host: "api.test".into(),
            path: path.into(),
            response_media_type: Some(media.into()),
        };
        let observer = Observer::default();
        let registry = DecoderRegistry::default();
        let mut state = InventoryState::default();
        for path in ["/users/1", "/users/2"] {
            let analysed = call("GET", path, Some("page=1"), &[], 200, r#"{"id":1}"#);
            let decoded = DecodedCall::new(&analysed, &registry, &DecodeLimits::default());
            observer.observe_call(&decoded, &mut state).unwrap();
        }
        for (n, path) in ["/users/3", "/users/4", "/users/5"].into_iter().enumerate() {
            observer
                .count_call(&counted(path, 1_800_000_000_000_000 + n as i64, "application/json"), &mut state)
                .unwrap();
        }
        assert_eq!(
            observer.count_call(&counted("/static/app.js", 1, "text/javascript"), &mut state),
            Err(IgnoreReason::StaticAsset)
        );
        let host = &state.hosts["api.test"];
        assert_eq!(host.calls(), 5);
        let endpoints = crate::discovery::host_endpoints(host, None);
        let [users] = endpoints.as_slice() else { panic!("{endpoints:?}") };
        assert_eq!(users.calls, 5);
        assert_eq!(users.analysed_calls, Some(2));
        assert_eq!(users.analysed(), 2);
        assert_eq!(users.last_seen_us, 1_800_000_000_000_002, "counted calls move the last-seen time");
        let page = users.parameters.iter().find(|p| p.name == "page").unwrap();
        assert!(page.required, "every analysed call had `page`; counted calls do not make it optional");
        assert_eq!(users.responses[0].count, 2);
    }

    #[test]
    fn junk_cookie_names_and_statuses_stay_bounded() {
        let calls: Vec<ApiCall> = (0..100)
            .map(|i| {
                let cookie = format!("sess{i:03}=x");
                let mut c = call("GET", "/a", None, &[("cookie", &cookie)], 9000 + i, "{}");
                c.id = crate::CallId(u128::from(i));
                c
            })
            .collect();
        let state = observe(&calls);
        let stats = &state.hosts["api.test"].paths[&normalize_path("/a")]["GET"];
        assert!(stats.auth.len() <= super::stats::MAX_AUTH_KEYS, "{}", stats.auth.len());
        assert_eq!(stats.responses.keys().collect::<Vec<_>>(), vec![&0]);
        assert_eq!(stats.responses[&0].count, 100);
    }

    #[test]
    fn examples_mask_secret_fields() {
        let text = example_text(
            &serde_json::json!({"user": "a", "password": "hunter2", "nested": {"apiToken": "x"}}),
            512,
        );
        assert!(!text.contains("hunter2") && !text.contains("\"x\""), "{text}");
    }
}

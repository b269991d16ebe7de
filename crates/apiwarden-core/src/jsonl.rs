//! apiwarden's JSON-lines traffic format: one [`ApiCall`] per line.
//!
//! The canonical form of a line is exactly `ApiCall`'s serde form (what [`call_to_line`]
//! writes). For people piping traffic from other tools, [`line_to_call`] also accepts a
//! looser shape (documented in `docs/traffic-format.md`):
//!
//! * `id` may be omitted: it is then derived from the call's content
//!   ([`content_id`](crate::har::content_id)), exactly as for HAR entries;
//! * `observed` may be omitted: it becomes `{source: json_lines, origin, position: line}`;
//! * the start time is `started_at_us` (integer microseconds since the Unix epoch, UTC) or
//!   `started_at` (RFC 3339 string);
//! * `request.url` may replace `scheme` + `host` + `path` + `query`;
//! * headers may be a list of `{"name", "value"}` objects or an object `{"name": "value"}`;
//! * a body may be `{"bytes": {"text": ...}}` (canonical), or just `{"text": "..."}` /
//!   `{"base64": "..."}`;
//! * unknown fields are ignored, so tools may carry their own data along.
//!
//! Values are normalised like HAR entries (uppercase method, lowercase host without the
//! default port, lowercase header names, bodies cut at `max_body_bytes`).

use std::fmt;
use std::marker::PhantomData;
use std::net::{IpAddr, SocketAddr};

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::har::{
    EntryError, HarLimits, RawPair, Text, content_id, convert_headers, decode_base64, json_error, lossy_text,
    make_body, normalize_host, normalize_http_version, parse_method, parse_started, split_url,
};
use crate::model::{
    ApiCall, Body, CallId, ClientInfo, HttpRequest, HttpResponse, Observed, SourceKind, Timings,
};

/// Serialises a call as one line of the format (no trailing newline). This is `ApiCall`'s
/// serde form; [`line_to_call`] reads it back unchanged.
pub fn call_to_line(call: &ApiCall) -> String {
    // Serialising an ApiCall cannot fail: every map key is a string and no field has a
    // fallible serializer (non-finite timings become `null`).
    serde_json::to_string(call).unwrap_or_default()
}

/// Parses one line (without its newline) into a call. `origin` and `line_no` (1-based)
/// fill `observed` when the line has none.
pub fn line_to_call(
    line: &[u8],
    origin: &str,
    line_no: u64,
    limits: &HarLimits,
) -> Result<ApiCall, EntryError> {
    if line.trim_ascii_start().starts_with(b"[") {
        return Err(EntryError::NotAnObject("line"));
    }
    let raw: RawLine<'_> = serde_json::from_slice(line).map_err(json_error)?;
    let raw_request = raw.request.ok_or(EntryError::Missing("request"))?;

    let started_at_us = match (raw.started_at_us, &raw.started_at) {
        (Some(us), _) => us,
        (None, Some(text)) => {
            let text = lossy_text(&text.0);
            parse_started(&text)
                .ok_or_else(|| EntryError::invalid("started_at", &text, "is not an RFC 3339 timestamp"))?
        }
        (None, None) => return Err(EntryError::Missing("started_at_us (or started_at)")),
    };

    let method = parse_method(raw_request.method.as_ref(), "request.method")?;
    let (scheme, host, path, query) = request_target(&raw_request)?;

    let mut headers = Vec::new();
    if let Some(list) = &raw_request.headers {
        convert_headers(Some(&list.0), &mut headers);
    }
    let full_request_body = body_bytes(raw_request.body.as_ref(), "request.body")?;

    let mut response_parts = None;
    if let Some(raw_response) = &raw.response {
        let status = raw_response.status.ok_or(EntryError::Missing("response.status"))?;
        if status != 0 {
            if !(100..=999).contains(&status) {
                return Err(EntryError::invalid(
                    "response.status",
                    &status.to_string(),
                    "is not an HTTP status",
                ));
            }
            let mut response_headers = Vec::new();
            if let Some(list) = &raw_response.headers {
                convert_headers(Some(&list.0), &mut response_headers);
            }
            let body = body_bytes(raw_response.body.as_ref(), "response.body")?;
            response_parts = Some((status, response_headers, body));
        }
    }

    let mut request = HttpRequest {
        method,
        scheme,
        host,
        path,
        query,
        http_version: raw_request
            .http_version
            .as_ref()
            .and_then(|v| normalize_http_version(&lossy_text(&v.0))),
        headers,
        body: Body::default(),
    };

    let id = match &raw.id {
        Some(text) => {
            let text = lossy_text(&text.0);
            CallId::from_hex(text.trim())
                .ok_or_else(|| EntryError::invalid("id", &text, "is not 32 hexadecimal digits"))?
        }
        None => content_id(
            &request.method,
            &request.url(),
            started_at_us,
            response_parts.as_ref().map(|(status, _, _)| *status),
            &full_request_body.bytes,
            response_parts.as_ref().map_or(&[][..], |(_, _, body)| &body.bytes[..]),
        ),
    };

    request.body = full_request_body.limit(limits);
    let response = response_parts.map(|(status, headers, body)| HttpResponse {
        status,
        headers,
        body: body.limit(limits),
    });

    let client = match raw.client {
        Some(client) => ClientInfo {
            addr: match &client.addr {
                Some(addr) => Some(parse_addr(&lossy_text(&addr.0))?),
                None => None,
            },
            identity: client.identity.map(|identity| lossy_text(&identity.0).into_owned()),
        },
        None => ClientInfo::default(),
    };

    Ok(ApiCall {
        id,
        started_at_us,
        observed: raw.observed.unwrap_or_else(|| Observed {
            source: SourceKind::JsonLines,
            origin: origin.to_owned(),
            position: Some(line_no),
        }),
        client,
        request,
        response,
        timings: raw.timings.unwrap_or_default(),
    })
}

type RequestTarget = (String, String, String, Option<String>);

/// Scheme, host, path and query from either the explicit fields or `url`.
fn request_target(raw: &RawRequest<'_>) -> Result<RequestTarget, EntryError> {
    let (scheme, host) = match (&raw.scheme, &raw.host) {
        (Some(scheme), Some(host)) => {
            let scheme_text = lossy_text(&scheme.0);
            let scheme = match scheme_text.trim().to_ascii_lowercase().as_str() {
                "http" => "http",
                "https" => "https",
                "ws" => "ws",
                "wss" => "wss",
                _ => {
                    return Err(EntryError::invalid(
                        "request.scheme",
                        &scheme_text,
                        "is not http, https, ws or wss",
                    ));
                }
            };
            let host_text = lossy_text(&host.0);
            let host = normalize_host(host_text.trim(), scheme)
                .ok_or_else(|| EntryError::invalid("request.host", &host_text, "is not a host name"))?;
            (scheme, host)
        }
        _ => {
            let Some(url) = &raw.url else {
                return Err(match (&raw.scheme, &raw.host) {
                    (None, Some(_)) => EntryError::Missing("request.scheme"),
                    (Some(_), None) => EntryError::Missing("request.host"),
                    _ => EntryError::Missing("request.url (or request.scheme and request.host)"),
                });
            };
            let url = lossy_text(&url.0);
            let target = split_url(&url)
                .ok_or_else(|| EntryError::invalid("request.url", &url, "is not an absolute http(s) URL"))?;
            let query = target.query.filter(|q| !q.is_empty()).map(str::to_owned);
            let path = if target.path.is_empty() { "/".to_owned() } else { target.path.to_owned() };
            return Ok((target.scheme.to_owned(), target.host, path, query));
        }
    };

    let path_text = raw.path.as_ref().map(|p| lossy_text(&p.0)).unwrap_or_default();
    let (path, mut query) = match path_text.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path_text.as_ref(), None),
    };
    if !path.is_empty() && !path.starts_with('/') {
        return Err(EntryError::invalid("request.path", &path_text, "does not start with /"));
    }
    let explicit_query = raw.query.as_ref().map(|q| lossy_text(&q.0));
    if let Some(explicit) = explicit_query.as_deref() {
        query = Some(explicit);
    }
    let path = if path.is_empty() { "/".to_owned() } else { path.to_owned() };
    Ok((scheme.to_owned(), host, path, query.filter(|q| !q.is_empty()).map(str::to_owned)))
}

fn parse_addr(text: &str) -> Result<IpAddr, EntryError> {
    let text = text.trim();
    text.parse::<IpAddr>()
        .or_else(|_| text.parse::<SocketAddr>().map(|socket| socket.ip()))
        .map_err(|_| EntryError::invalid("client.addr", text, "is not an IP address"))
}

/// A body's complete bytes plus the `truncated`/`size` the line claimed.
struct FullBody {
    bytes: Vec<u8>,
    truncated: bool,
    size: Option<u64>,
}

impl FullBody {
    fn limit(self, limits: &HarLimits) -> Body {
        let mut body = make_body(&self.bytes, limits);
        if body.bytes.is_empty() {
            // An empty body is not serialized at all, so `truncated`/`size` could not
            // survive a round trip: normalise to the default.
            return Body::default();
        }
        if self.truncated {
            body.truncated = true;
        }
        body.size = match (body.size, self.size) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        body
    }
}

fn body_bytes(raw: Option<&RawBody<'_>>, field: &'static str) -> Result<FullBody, EntryError> {
    let Some(raw) = raw else {
        return Ok(FullBody { bytes: Vec::new(), truncated: false, size: None });
    };
    let (text, base64) = match &raw.bytes {
        Some(inner) => (inner.text.as_ref(), inner.base64.as_ref()),
        None => (raw.text.as_ref(), raw.base64.as_ref()),
    };
    let bytes = match (text, base64) {
        (Some(text), _) => text.0.to_vec(),
        (None, Some(encoded)) => decode_base64(&encoded.0).ok_or_else(|| {
            EntryError::invalid(base64_field(field), &lossy_text(&encoded.0), "is not valid base64")
        })?,
        (None, None) => Vec::new(),
    };
    Ok(FullBody { bytes, truncated: raw.truncated.unwrap_or(false), size: raw.size })
}

fn base64_field(field: &'static str) -> &'static str {
    if field.starts_with("request") { "request.body.base64" } else { "response.body.base64" }
}

#[derive(Deserialize)]
#[serde(expecting = "a JSON object describing one API call")]
struct RawLine<'a> {
    #[serde(borrow, default)]
    id: Option<Text<'a>>,
    #[serde(default)]
    started_at_us: Option<i64>,
    #[serde(borrow, default)]
    started_at: Option<Text<'a>>,
    #[serde(default)]
    observed: Option<Observed>,
    #[serde(borrow, default)]
    client: Option<RawClient<'a>>,
    #[serde(borrow, default)]
    request: Option<RawRequest<'a>>,
    #[serde(borrow, default)]
    response: Option<RawResponse<'a>>,
    #[serde(default)]
    timings: Option<Timings>,
}

#[derive(Deserialize)]
#[serde(expecting = "a client object")]
struct RawClient<'a> {
    #[serde(borrow, default)]
    addr: Option<Text<'a>>,
    #[serde(borrow, default)]
    identity: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(expecting = "a request object")]
struct RawRequest<'a> {
    #[serde(borrow, default)]
    method: Option<Text<'a>>,
    #[serde(borrow, default)]
    url: Option<Text<'a>>,
    #[serde(borrow, default)]
    scheme: Option<Text<'a>>,
    #[serde(borrow, default)]
    host: Option<Text<'a>>,
    #[serde(borrow, default)]
    path: Option<Text<'a>>,
    #[serde(borrow, default)]
    query: Option<Text<'a>>,
    #[serde(borrow, default)]
    http_version: Option<Text<'a>>,
    #[serde(borrow, default)]
    headers: Option<Headers<'a>>,
    #[serde(borrow, default)]
    body: Option<RawBody<'a>>,
}

#[derive(Deserialize)]
#[serde(expecting = "a response object")]
struct RawResponse<'a> {
    #[serde(default)]
    status: Option<u16>,
    #[serde(borrow, default)]
    headers: Option<Headers<'a>>,
    #[serde(borrow, default)]
    body: Option<RawBody<'a>>,
}

#[derive(Deserialize)]
#[serde(expecting = "a body object: {\"text\": ...} or {\"base64\": ...}")]
struct RawBody<'a> {
    #[serde(borrow, default)]
    bytes: Option<RawBodyBytes<'a>>,
    #[serde(borrow, default)]
    text: Option<Text<'a>>,
    #[serde(borrow, default)]
    base64: Option<Text<'a>>,
    #[serde(default)]
    truncated: Option<bool>,
    #[serde(default)]
    size: Option<u64>,
}

#[derive(Deserialize)]
#[serde(expecting = "{\"text\": ...} or {\"base64\": ...}")]
struct RawBodyBytes<'a> {
    #[serde(borrow, default)]
    text: Option<Text<'a>>,
    #[serde(borrow, default)]
    base64: Option<Text<'a>>,
}

/// Headers as `[{"name": .., "value": ..}, ..]` or `{"name": "value", ..}`.
struct Headers<'a>(Vec<RawPair<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for Headers<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(HeadersVisitor(PhantomData))
    }
}

struct HeadersVisitor<'a>(PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for HeadersVisitor<'a> {
    type Value = Headers<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of {\"name\", \"value\"} objects or an object of header values")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(8).min(64));
        while let Some(pair) = seq.next_element::<RawPair<'a>>()? {
            out.push(pair);
        }
        Ok(Headers(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(name) = map.next_key::<Text<'a>>()? {
            let value = map.next_value::<Option<Text<'a>>>()?;
            out.push(RawPair { name: Some(name), value });
        }
        Ok(Headers(out))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Headers(Vec::new()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::har::{HarLimits, entry_to_call};
    use crate::model::Header;
    use bytes::Bytes;

    fn header_names(headers: &[Header]) -> Vec<&str> {
        headers.iter().map(|h| h.name.as_str()).collect()
    }

    fn parse(line: &str) -> Result<ApiCall, EntryError> {
        line_to_call(line.as_bytes(), "traffic.jsonl", 3, &HarLimits::default())
    }

    #[test]
    fn round_trips_a_har_call_through_a_line() {
        let entry = r#"{"startedDateTime":"2024-03-01T10:00:00.123456Z","time":12.5,"request":{"method":"POST","url":"https://api.test:8443/v1/users?page=2","httpVersion":"HTTP/1.1","headers":[{"name":"Content-Type","value":"application/json"},{"name":"X-Odd","value":"\udc80"}],"postData":{"mimeType":"application/json","text":"{\"name\":\"a\"}"}},"response":{"status":201,"headers":[],"content":{"mimeType":"application/octet-stream","encoding":"base64","text":"AP/+"}},"timings":{"wait":3}}"#;
        let call = entry_to_call(entry.as_bytes(), "in.har", 4, &HarLimits::default()).unwrap();
        let line = call_to_line(&call);
        assert!(!line.contains('\n'));
        let back = line_to_call(line.as_bytes(), "out.jsonl", 1, &HarLimits::default()).unwrap();
        assert_eq!(back, call);
        assert_eq!(back.response.as_ref().unwrap().body.bytes, Bytes::from_static(b"\x00\xff\xfe"));
    }

    #[test]
    fn round_trips_client_truncated_bodies_and_no_response() {
        let mut call = parse(
            r#"{"started_at_us":1,"client":{"addr":"10.0.0.1:5555","identity":"alice"},"request":{"method":"get","scheme":"HTTP","host":"X.test:80","path":"/a?b=1","headers":{"Accept":"*/*"}}}"#,
        )
        .unwrap();
        assert_eq!(call.client.addr, Some("10.0.0.1".parse().unwrap()));
        assert_eq!(call.request.url(), "http://x.test/a?b=1");
        assert_eq!(header_names(&call.request.headers), ["accept"]);
        call.request.body = Body { bytes: Bytes::from_static(b"abc"), truncated: true, size: Some(10) };
        let back = parse(&call_to_line(&call)).unwrap();
        assert_eq!(back, call);
    }

    #[test]
    fn minimal_lines_get_derived_ids_and_observed() {
        let line = r#"{"started_at":"2024-03-01T10:00:00Z","request":{"method":"GET","url":"http://a.test/x"},"response":{"status":200,"body":{"text":"hi"}},"extra":{"ignored":[1,2]}}"#;
        let call = parse(line).unwrap();
        assert_eq!(
            call.observed,
            Observed { source: SourceKind::JsonLines, origin: "traffic.jsonl".into(), position: Some(3) }
        );
        assert_eq!(call.response.as_ref().unwrap().body.bytes, Bytes::from_static(b"hi"));
        assert_eq!(parse(line).unwrap().id, call.id);
        let same_as_har =
            crate::har::content_id("GET", "http://a.test/x", call.started_at_us, Some(200), b"", b"hi");
        assert_eq!(call.id, same_as_har);
        let moved = line_to_call(line.as_bytes(), "other.jsonl", 99, &HarLimits::default()).unwrap();
        assert_eq!(moved.id, call.id);
    }

    #[test]
    fn base64_body_shorthand_and_limits() {
        let line = r#"{"started_at_us":5,"request":{"method":"PUT","url":"http://a/","body":{"base64":"aGVsbG8gd29ybGQ="}}}"#;
        let call = line_to_call(line.as_bytes(), "x", 1, &HarLimits { max_body_bytes: 5 }).unwrap();
        assert_eq!(
            call.request.body,
            Body { bytes: Bytes::from_static(b"hello"), truncated: true, size: Some(11) }
        );
    }

    #[test]
    fn errors_are_specific() {
        assert_eq!(
            parse(r#"{"request":{"method":"GET","url":"http://a/"}}"#).unwrap_err().to_string(),
            "started_at_us (or started_at) is missing"
        );
        assert_eq!(parse(r#"{"started_at_us":1}"#).unwrap_err(), EntryError::Missing("request"));
        assert_eq!(
            parse(r#"{"started_at_us":1,"id":"xyz","request":{"method":"GET","url":"http://a/"}}"#)
                .unwrap_err()
                .to_string(),
            r#"id "xyz" is not 32 hexadecimal digits"#
        );
        assert_eq!(
            parse(
                r#"{"started_at_us":1,"request":{"method":"GET","url":"http://a/","body":{"base64":"!!"}}}"#
            )
            .unwrap_err()
            .to_string(),
            r#"request.body.base64 "!!" is not valid base64"#
        );
        assert_eq!(
            parse(r#"{"started_at_us":1,"request":{"method":"GET","scheme":"http","host":"a","path":"x"}}"#)
                .unwrap_err()
                .to_string(),
            r#"request.path "x" does not start with /"#
        );
        assert_eq!(
            parse(r#"{"started_at_us":1,"request":{"method":"GET","host":"a"}}"#).unwrap_err(),
            EntryError::Missing("request.scheme")
        );
        assert!(parse("not json").unwrap_err().to_string().starts_with("invalid JSON at line 1 column"));
        assert_eq!(parse("[]").unwrap_err(), EntryError::NotAnObject("line"));
        assert!(parse(r#"{"started_at_us":"x"}"#).unwrap_err().to_string().starts_with("unexpected value"));
        assert_eq!(
            parse(
                r#"{"started_at_us":1,"client":{"addr":"me"},"request":{"method":"GET","url":"http://a/"}}"#
            )
            .unwrap_err()
            .to_string(),
            r#"client.addr "me" is not an IP address"#
        );
    }

    /// The examples in docs/traffic-format.md.
    #[test]
    fn documented_examples_parse_as_documented() {
        let canonical = r#"{"id":"88c3763a41d30b3e2df0a9b70ea10f66","started_at_us":1714564800125000,"observed":{"source":"json_lines","origin":"orders.jsonl","position":1},"client":{"addr":"203.0.113.7","identity":"alice"},"request":{"method":"POST","scheme":"https","host":"api.example.com","path":"/v1/users/42/orders","query":"coupon=SPRING","http_version":"HTTP/1.1","headers":[{"name":"content-type","value":"application/json"},{"name":"authorization","value":"Bearer eyJhbGciOi..."}],"body":{"bytes":{"text":"{\"item\":\"book\",\"qty\":2}"}}},"response":{"status":201,"headers":[{"name":"content-type","value":"application/json"}],"body":{"bytes":{"text":"{\"orderId\":9001}"}}},"timings":{"total_ms":48.2,"wait_ms":41.0}}"#;
        let shorthand = r#"{"started_at":"2024-05-01T12:00:00.125Z","client":{"addr":"203.0.113.7","identity":"alice"},"request":{"method":"POST","url":"https://api.example.com/v1/users/42/orders?coupon=SPRING","http_version":"HTTP/1.1","headers":{"Content-Type":"application/json","Authorization":"Bearer eyJhbGciOi..."},"body":{"text":"{\"item\":\"book\",\"qty\":2}"}},"response":{"status":201,"headers":{"Content-Type":"application/json"},"body":{"text":"{\"orderId\":9001}"}},"timings":{"total_ms":48.2,"wait_ms":41.0}}"#;
        let canonical_call =
            line_to_call(canonical.as_bytes(), "elsewhere.jsonl", 5, &HarLimits::default()).unwrap();
        assert_eq!(call_to_line(&canonical_call), canonical);
        let shorthand_call =
            line_to_call(shorthand.as_bytes(), "orders.jsonl", 1, &HarLimits::default()).unwrap();
        assert_eq!(shorthand_call, canonical_call);
        for line in [
            r#"{"started_at_us":1714564800125000,"request":{"method":"GET","url":"http://localhost:8080/health"}}"#,
            r#"{"started_at_us":1714564800125000,"request":{"method":"PUT","url":"http://localhost:8080/avatar","headers":{"Content-Type":"image/png"},"body":{"base64":"iVBORw0KGgo="}}}"#,
        ] {
            assert!(parse(line).is_ok(), "{line}");
        }
    }

    #[test]
    fn status_zero_means_no_response() {
        let call = parse(
            r#"{"started_at_us":1,"request":{"method":"GET","url":"http://a/"},"response":{"status":0}}"#,
        )
        .unwrap();
        assert!(call.response.is_none());
    }

    proptest::proptest! {
        #[test]
        fn any_normalised_call_round_trips(
            method in "[A-Z]{1,8}",
            // Normalised hosts never carry the scheme's default port (443 here).
            host in proptest::strategy::Strategy::prop_filter("[a-z0-9.-]{1,20}(:[1-9][0-9]{0,3})?", "default port", |h: &String| !h.ends_with(":443")),
            path in "/[^?#]{0,30}",
            query in proptest::option::of("[^#?][^#]{0,20}"),
            headers in proptest::collection::vec(("[a-z][a-z0-9-]{0,10}", proptest::prelude::any::<String>()), 0..4),
            request_body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
            response in proptest::option::of((100u16..=599, proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40))),
            started_at_us in proptest::prelude::any::<i64>(),
            identity in proptest::option::of(proptest::prelude::any::<String>()),
        ) {
            let call = ApiCall {
                id: crate::har::content_id(&method, &path, started_at_us, None, &request_body, &[]),
                started_at_us,
                observed: Observed { source: SourceKind::Har, origin: "a.har".into(), position: Some(1) },
                client: ClientInfo { addr: None, identity },
                request: HttpRequest {
                    method,
                    scheme: "https".into(),
                    host,
                    path,
                    query,
                    http_version: Some("HTTP/1.1".into()),
                    headers: headers.into_iter().map(|(name, value)| Header { name, value }).collect(),
                    body: Body::from_bytes(request_body),
                },
                response: response.map(|(status, body)| HttpResponse { status, headers: Vec::new(), body: Body::from_bytes(body) }),
                timings: Timings { total_ms: Some(1.5), wait_ms: None },
            };
            let back = line_to_call(call_to_line(&call).as_bytes(), "x", 1, &HarLimits::default());
            proptest::prop_assert_eq!(back, Ok(call));
        }
    }
}

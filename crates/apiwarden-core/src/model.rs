//! The one model of an API call that every source produces and every analyzer reads.
//!
//! Nothing downstream of a source may know which source a call came from except through
//! [`Observed`], which exists for provenance (error messages, evidence), not for logic.

use std::fmt;
use std::net::IpAddr;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

/// Stable identity of one observed call.
///
/// Sources that see a call once (the gateway) mint a random id; file sources derive it
/// from the call's content so that ingesting the same file twice is idempotent.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallId(pub u128);

impl CallId {
    /// Content-derived id: the same bytes always give the same id.
    pub fn from_content(parts: &[&[u8]]) -> CallId {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for part in parts {
            // Length-prefix every part so that ("ab","c") and ("a","bc") differ.
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
        CallId(hasher.digest128())
    }

    /// 32 lowercase hex digits.
    pub fn to_hex(self) -> String {
        format!("{:032x}", self.0)
    }

    pub fn from_hex(text: &str) -> Option<CallId> {
        if text.len() != 32 {
            return None;
        }
        u128::from_str_radix(text, 16).ok().map(CallId)
    }
}

impl fmt::Debug for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CallId({})", self.to_hex())
    }
}

impl fmt::Display for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl Serialize for CallId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for CallId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        CallId::from_hex(&text)
            .ok_or_else(|| serde::de::Error::custom("call id must be 32 hexadecimal digits"))
    }
}

/// Which kind of source produced a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Har,
    JsonLines,
    Gateway,
    Bus,
}

/// Where a call was observed: for provenance in errors and evidence only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observed {
    pub source: SourceKind,
    /// File path, gateway name or bus subject.
    pub origin: String,
    /// Entry index (HAR), line number (JSON lines) or sequence number (bus).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<u64>,
}

/// Who made the call, as far as the source can tell.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addr: Option<IpAddr>,
    /// An identity the source resolved (JWT subject, API key id, user name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
}

/// One header. Names are stored lowercase; values are text, with bytes that were not
/// valid UTF-8 replaced by U+FFFD at the source edge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub name: String,
    pub value: String,
}

impl Header {
    pub fn new(name: impl AsRef<str>, value: impl Into<String>) -> Header {
        Header { name: name.as_ref().to_ascii_lowercase(), value: value.into() }
    }
}

/// A body as captured. `bytes` may be a prefix of the real body (see `truncated`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Body {
    #[serde(default, with = "body_bytes", skip_serializing_if = "Bytes::is_empty")]
    pub bytes: Bytes,
    /// True when the source captured only a prefix of the body.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
    /// Size of the whole body when the source knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
}

impl Body {
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Body {
        Body { bytes: bytes.into(), truncated: false, size: None }
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

/// Bodies travel in JSON as `{"text": "..."}` when they are UTF-8, else `{"base64": "..."}`.
mod body_bytes {
    use base64::Engine;
    use bytes::Bytes;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "snake_case", deny_unknown_fields)]
    enum Wire {
        Text(String),
        Base64(String),
    }

    pub fn serialize<S: Serializer>(bytes: &Bytes, serializer: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(bytes) {
            Ok(text) => Wire::Text(text.to_owned()).serialize(serializer),
            Err(_) => {
                Wire::Base64(base64::engine::general_purpose::STANDARD.encode(bytes)).serialize(serializer)
            }
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Bytes, D::Error> {
        match Wire::deserialize(deserializer)? {
            Wire::Text(text) => Ok(Bytes::from(text)),
            Wire::Base64(encoded) => base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .map(Bytes::from)
                .map_err(|err| serde::de::Error::custom(format!("body is not valid base64: {err}"))),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpRequest {
    /// Uppercase method (`GET`, `POST`, ...).
    pub method: String,
    /// `http` or `https` (`ws`/`wss`, `grpc` later).
    pub scheme: String,
    /// Lowercase host, with `:port` only when the port is not the scheme's default.
    pub host: String,
    /// The path exactly as seen on the wire (still percent-encoded), always starting with `/`.
    pub path: String,
    /// The raw query string without the leading `?`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_version: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<Header>,
    #[serde(default, skip_serializing_if = "Body::is_empty")]
    pub body: Body,
}

impl HttpRequest {
    /// First header with this (lowercase) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// `scheme://host/path?query`.
    pub fn url(&self) -> String {
        match &self.query {
            Some(query) if !query.is_empty() => {
                format!("{}://{}{}?{}", self.scheme, self.host, self.path, query)
            }
            _ => format!("{}://{}{}", self.scheme, self.host, self.path),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpResponse {
    pub status: u16,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<Header>,
    #[serde(default, skip_serializing_if = "Body::is_empty")]
    pub body: Body,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

fn find_header<'a>(headers: &'a [Header], name: &str) -> Option<&'a str> {
    headers.iter().find(|header| header.name.eq_ignore_ascii_case(name)).map(|header| header.value.as_str())
}

/// Timings in milliseconds, as far as the source measured them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    /// Whole call, request start to response end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_ms: Option<f64>,
    /// Time to first response byte (HAR `wait`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_ms: Option<f64>,
}

/// A call known only by its request line and the media type of its answer: traffic the
/// gateway counted without analysing it deeply (adaptive analysis, see the gateway's
/// `capture.analyse_one_in`). It adds to an endpoint's call count and last-seen time only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountedCall {
    /// Start of the call, microseconds since the Unix epoch (UTC).
    pub started_at_us: i64,
    pub method: String,
    /// As in [`HttpRequest::host`]: `host[:port]`, the default port left out.
    pub host: String,
    /// The raw path, without the query.
    pub path: String,
    /// The response's media type (lowercase essence), when it had one.
    pub response_media_type: Option<String>,
}

/// One API call: a request, the response if there was one, and where and when it was seen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiCall {
    pub id: CallId,
    /// Start of the call, microseconds since the Unix epoch (UTC).
    pub started_at_us: i64,
    pub observed: Observed,
    #[serde(default)]
    pub client: ClientInfo,
    pub request: HttpRequest,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<HttpResponse>,
    #[serde(default)]
    pub timings: Timings,
}

impl ApiCall {
    /// The media type of the request body, lowercase, without parameters.
    pub fn request_media_type(&self) -> Option<String> {
        self.request.header("content-type").map(media_type_essence)
    }

    pub fn response_media_type(&self) -> Option<String> {
        self.response.as_ref().and_then(|r| r.header("content-type")).map(media_type_essence)
    }
}

/// `application/json; charset=utf-8` → `application/json`.
pub fn media_type_essence(content_type: &str) -> String {
    content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// Now, in microseconds since the Unix epoch (the unit of `ApiCall::started_at_us`).
pub fn now_us() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Formats microseconds since the epoch as RFC 3339 (UTC).
pub fn format_timestamp_us(us: i64) -> String {
    let nanos = i128::from(us) * 1_000;
    time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_else(|| us.to_string())
}

/// Parses an RFC 3339 / ISO 8601 timestamp into microseconds since the epoch.
pub fn parse_timestamp_us(text: &str) -> Option<i64> {
    let parsed = time::OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc3339)
        .or_else(|_| {
            time::OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Iso8601::DEFAULT)
        })
        .ok()?;
    i64::try_from(parsed.unix_timestamp_nanos() / 1_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_id_round_trips_through_hex_and_json() {
        let id = CallId::from_content(&[b"GET", b"/users/1"]);
        assert_eq!(CallId::from_hex(&id.to_hex()), Some(id));
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<CallId>(&json).unwrap(), id);
        assert_ne!(id, CallId::from_content(&[b"GE", b"T/users/1"]));
    }

    #[test]
    fn binary_bodies_travel_as_base64_and_text_as_text() {
        let binary = Body::from_bytes(vec![0xff, 0x00, 0xfe]);
        let json = serde_json::to_value(&binary).unwrap();
        assert!(json["bytes"]["base64"].is_string());
        assert_eq!(serde_json::from_value::<Body>(json).unwrap(), binary);
        let text = Body::from_bytes("héllo");
        let json = serde_json::to_value(&text).unwrap();
        assert_eq!(json["bytes"]["text"], "héllo");
    }

    #[test]
    fn timestamps_parse_with_offsets_and_fractions() {
        let us = parse_timestamp_us("2024-03-01T10:00:00.250+01:00").unwrap();
        assert_eq!(format_timestamp_us(us), "2024-03-01T09:00:00.25Z");
        assert!(parse_timestamp_us("yesterday").is_none());
    }
}

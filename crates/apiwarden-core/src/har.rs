//! HAR 1.1/1.2 entries to [`ApiCall`].
//!
//! This module converts **one** entry (one element of `log.entries`, as raw JSON bytes) into
//! an [`ApiCall`]. Finding the entries inside a multi-gigabyte file is the job of the
//! streaming splitter in `apiwarden-ingest`; the two are separate so that entries can be
//! converted in parallel while the splitter keeps reading.
//!
//! Conversion is lenient where real-world HAR writers are sloppy and strict only where a
//! call would be meaningless without the value:
//!
//! * required: `startedDateTime` (RFC 3339; a timestamp without offset is read as UTC),
//!   `request.method`, and `request.url` (absolute `http`, `https`, `ws` or `wss` URL, or a
//!   path-only URL when an `:authority` or `Host` header names the host);
//! * strings are read as bytes, so invalid UTF-8 and lone UTF-16 surrogates (`"\udc80"`)
//!   never drop an entry: header values become lossy text (U+FFFD), bodies keep their bytes;
//! * a response with status `0` (or none at all) becomes `response: None`;
//! * `content.encoding == "base64"` bodies are decoded; invalid base64 gives an empty body;
//! * unknown fields are ignored; numbers given as strings are accepted.
//!
//! The call id is derived from the call's content ([`content_id`]), never from the file
//! name, so the same entries in a renamed or re-exported file deduplicate.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use bytes::Bytes;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::model::{
    ApiCall, Body, CallId, ClientInfo, Header, HttpRequest, HttpResponse, Observed, SourceKind, Timings,
    parse_timestamp_us,
};

/// Caps applied while converting one entry (shared by HAR and JSON lines).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HarLimits {
    /// Bodies longer than this are cut to (at most) this many bytes: `Body.truncated` is
    /// set and `Body.size` holds the real size. Default 1 MiB.
    pub max_body_bytes: usize,
}

impl Default for HarLimits {
    fn default() -> Self {
        HarLimits { max_body_bytes: 1024 * 1024 }
    }
}

/// Why one entry (or one JSON line) could not become a call. The message names the field
/// and the problem; the caller adds the file name and the entry index or line number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    /// The bytes are not JSON.
    #[error("invalid JSON at line {line} column {column}: {message}")]
    Json { line: usize, column: usize, message: String },
    /// JSON, but a value has the wrong type (an object where a string belongs, ...).
    #[error("unexpected value at line {line} column {column}: {message}")]
    Shape { line: usize, column: usize, message: String },
    /// The entry (or line) is JSON, but an array rather than an object.
    #[error("{0} is a JSON array, not an object")]
    NotAnObject(&'static str),
    /// A required field is absent (or null).
    #[error("{0} is missing")]
    Missing(&'static str),
    /// A field is present but unusable.
    #[error("{field} {value:?} {problem}")]
    Invalid { field: &'static str, value: String, problem: &'static str },
}

impl EntryError {
    pub(crate) fn invalid(field: &'static str, value: &str, problem: &'static str) -> EntryError {
        EntryError::Invalid { field, value: clip(value, 120), problem }
    }
}

pub(crate) fn json_error(err: serde_json::Error) -> EntryError {
    let (line, column) = (err.line(), err.column());
    let full = err.to_string();
    let suffix = format!(" at line {line} column {column}");
    let message = full.strip_suffix(suffix.as_str()).unwrap_or(&full).to_owned();
    match err.classify() {
        serde_json::error::Category::Data => EntryError::Shape { line, column, message },
        _ => EntryError::Json { line, column, message },
    }
}

/// At most `max` characters of `text`, with `…` when cut.
fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or_default()),
        None => text.to_owned(),
    }
}

/// The content-derived id of a file-sourced call.
///
/// Hashes the uppercase method, the normalised URL (`scheme://host/path?query`), the start
/// time in microseconds, the response status (0 when there is none) and both *complete*
/// bodies (before any truncation), so that the id does not depend on the file name, on the
/// way the timestamp was written or on `max_body_bytes`.
pub fn content_id(
    method: &str,
    url: &str,
    started_at_us: i64,
    status: Option<u16>,
    request_body: &[u8],
    response_body: &[u8],
) -> CallId {
    CallId::from_content(&[
        method.as_bytes(),
        url.as_bytes(),
        &started_at_us.to_le_bytes(),
        &status.unwrap_or(0).to_le_bytes(),
        request_body,
        response_body,
    ])
}

/// Converts one HAR entry (the JSON bytes of one element of `log.entries`) into a call.
///
/// `origin` (usually the file path) and `index` (the entry's position in `log.entries`)
/// go into [`Observed`]; they do not influence the call id.
pub fn entry_to_call(
    entry: &[u8],
    origin: &str,
    index: u64,
    limits: &HarLimits,
) -> Result<ApiCall, EntryError> {
    if entry.trim_ascii_start().starts_with(b"[") {
        // serde would read an array positionally as a struct; say what is really wrong.
        return Err(EntryError::NotAnObject("entry"));
    }
    let raw: RawEntry<'_> = serde_json::from_slice(entry).map_err(json_error)?;
    let request = raw.request.ok_or(EntryError::Missing("request"))?;

    let started_text = raw.started.ok_or(EntryError::Missing("startedDateTime"))?;
    let started_text = lossy_text(&started_text.0);
    let started_at_us = parse_started(&started_text).ok_or_else(|| {
        EntryError::invalid("startedDateTime", &started_text, "is not an RFC 3339 timestamp")
    })?;

    let method = parse_method(request.method.as_ref(), "request.method")?;

    let mut headers = Vec::with_capacity(request.headers.as_ref().map_or(0, Vec::len) + 2);
    let pseudo = convert_headers(request.headers.as_deref(), &mut headers);

    let url_text = request.url.as_ref().ok_or(EntryError::Missing("request.url"))?;
    let url_text = lossy_text(&url_text.0);
    let target = resolve_url(&url_text, &pseudo, &headers)
        .ok_or_else(|| EntryError::invalid("request.url", &url_text, "is not an absolute http(s) URL"))?;

    let mut query = target.query.map(str::to_owned);
    if query.is_none() {
        query = query_from_pairs(request.query_string.as_deref());
    }

    if !has_header(&headers, "cookie")
        && let Some(cookie) = cookie_header(request.cookies.as_deref())
    {
        headers.push(Header { name: "cookie".to_owned(), value: cookie });
    }

    // Request body: postData.text, else urlencoded params (multipart params are not rebuilt).
    let mut request_body: Cow<'_, [u8]> = Cow::Borrowed(&[]);
    if let Some(post) = &request.post_data {
        let mime = post.mime_type.as_ref().map(|m| lossy_text(&m.0));
        if let Some(text) = &post.text {
            request_body = decode_body_text(&text.0, post.encoding.as_ref());
        } else if let Some(params) = &post.params {
            let multipart = mime
                .as_deref()
                .is_some_and(|m| m.trim_start().to_ascii_lowercase().starts_with("multipart/"));
            if !multipart && params.iter().all(|p| p.file_name.is_none()) {
                let mut form = form_urlencoded::Serializer::new(String::new());
                for param in params {
                    let name = param.name.as_ref().map(|n| lossy_text(&n.0)).unwrap_or_default();
                    let value = param.value.as_ref().map(|v| lossy_text(&v.0)).unwrap_or_default();
                    form.append_pair(&name, &value);
                }
                request_body = Cow::Owned(form.finish().into_bytes());
            }
        }
        if let Some(mime) = mime {
            synthesize_content_type(&mut headers, &mime);
        }
    }

    // Response.
    let mut response_body: Cow<'_, [u8]> = Cow::Borrowed(&[]);
    let mut response = None;
    if let Some(raw_response) = &raw.response
        && let Some(status) = raw_response.status.status()
    {
        let mut response_headers = Vec::with_capacity(raw_response.headers.as_ref().map_or(0, Vec::len) + 1);
        convert_headers(raw_response.headers.as_deref(), &mut response_headers);
        if !has_header(&response_headers, "set-cookie") {
            for cookie in raw_response.cookies.as_deref().unwrap_or_default() {
                if let Some(value) = set_cookie_value(cookie) {
                    response_headers.push(Header { name: "set-cookie".to_owned(), value });
                }
            }
        }
        if let Some(content) = &raw_response.content {
            if let Some(text) = &content.text {
                response_body = decode_body_text(&text.0, content.encoding.as_ref());
            }
            if let Some(mime) = &content.mime_type {
                let mime = lossy_text(&mime.0);
                if !mime.trim().eq_ignore_ascii_case("x-unknown") {
                    synthesize_content_type(&mut response_headers, &mime);
                }
            }
        }
        response = Some(HttpResponse { status, headers: response_headers, body: Body::default() });
    }

    let request = HttpRequest {
        method,
        scheme: target.scheme.to_owned(),
        host: target.host,
        path: if target.path.is_empty() { "/".to_owned() } else { target.path.to_owned() },
        query: query.filter(|q| !q.is_empty()),
        http_version: request.http_version.as_ref().and_then(|v| normalize_http_version(&lossy_text(&v.0))),
        headers,
        body: Body::default(),
    };

    let id = content_id(
        &request.method,
        &request.url(),
        started_at_us,
        response.as_ref().map(|r| r.status),
        &request_body,
        &response_body,
    );

    let mut request = request;
    request.body = make_body(&request_body, limits);
    if let Some(response) = response.as_mut() {
        response.body = make_body(&response_body, limits);
    }

    Ok(ApiCall {
        id,
        started_at_us,
        observed: Observed { source: SourceKind::Har, origin: origin.to_owned(), position: Some(index) },
        client: ClientInfo::default(),
        request,
        response,
        timings: Timings {
            total_ms: raw.time.non_negative(),
            wait_ms: raw.timings.and_then(|t| t.wait.non_negative()),
        },
    })
}

// ---------------------------------------------------------------------------------------
// Helpers shared with the JSON-lines reader.

/// A body from its complete bytes, cut to `limits.max_body_bytes` (backing off to a UTF-8
/// character boundary when the cut falls inside a multi-byte character).
pub(crate) fn make_body(full: &[u8], limits: &HarLimits) -> Body {
    if full.len() <= limits.max_body_bytes {
        return Body::from_bytes(Bytes::copy_from_slice(full));
    }
    let mut cut = limits.max_body_bytes;
    // Step back over at most 3 continuation bytes so text is not split mid-character.
    for _ in 0..3 {
        match full.get(cut) {
            Some(&byte) if cut > 0 && (byte & 0xC0) == 0x80 => cut -= 1,
            _ => break,
        }
    }
    Body {
        bytes: Bytes::copy_from_slice(full.get(..cut).unwrap_or_default()),
        truncated: true,
        size: Some(full.len() as u64),
    }
}

/// `postData.text` / `content.text`, base64-decoded when `encoding` says so. Invalid base64
/// yields an empty body (the call is kept).
fn decode_body_text<'a>(text: &'a Cow<'a, [u8]>, encoding: Option<&Text<'_>>) -> Cow<'a, [u8]> {
    let is_base64 = encoding.is_some_and(|e| e.0.trim_ascii().eq_ignore_ascii_case(b"base64"));
    if !is_base64 {
        return Cow::Borrowed(text.as_ref());
    }
    Cow::Owned(decode_base64(text).unwrap_or_default())
}

/// Standard-alphabet base64, padding optional, embedded whitespace (line wrapping) ignored.
pub(crate) fn decode_base64(text: &[u8]) -> Option<Vec<u8>> {
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let text = text.trim_ascii();
    if text.iter().any(u8::is_ascii_whitespace) {
        let compact: Vec<u8> = text.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
        LENIENT.decode(compact).ok()
    } else {
        LENIENT.decode(text).ok()
    }
}

/// Bytes to text: valid UTF-8 is borrowed; anything else is replaced by U+FFFD, one per
/// invalid sequence, and one per lone surrogate (which serde_json hands over as the
/// 3-byte WTF-8 sequence `ED A0..BF 80..BF`).
pub(crate) fn lossy_text(bytes: &[u8]) -> Cow<'_, str> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(bytes.len() + 4);
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                out.push_str(valid);
                break;
            }
            Err(err) => {
                let (valid, bad) = rest.split_at(err.valid_up_to());
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                out.push('\u{FFFD}');
                let skip = match bad {
                    [0xED, 0xA0..=0xBF, 0x80..=0xBF, ..] => 3,
                    _ => err.error_len().unwrap_or(bad.len()).max(1),
                };
                rest = bad.get(skip..).unwrap_or_default();
                if rest.is_empty() {
                    break;
                }
            }
        }
    }
    Cow::Owned(out)
}

/// `startedDateTime`: RFC 3339, or ISO 8601 without an offset (read as UTC).
pub(crate) fn parse_started(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Some(us) = parse_timestamp_us(text) {
        return Some(us);
    }
    let time_part = text.split_once(['T', 't', ' ']).map(|(_, t)| t)?;
    let has_offset = time_part.contains(['Z', 'z', '+', '-']);
    if has_offset {
        return None;
    }
    let date = text.get(..text.len() - time_part.len() - 1)?;
    parse_timestamp_us(&format!("{date}T{time_part}Z"))
}

/// Method: required, an HTTP token, returned uppercase.
pub(crate) fn parse_method(raw: Option<&Text<'_>>, field: &'static str) -> Result<String, EntryError> {
    let text = raw.map(|m| lossy_text(&m.0)).unwrap_or_default();
    let method = text.trim();
    if method.is_empty() {
        return Err(EntryError::Missing(field));
    }
    if method.len() > 64 || !method.bytes().all(is_tchar) {
        return Err(EntryError::invalid(field, method, "is not an HTTP method"));
    }
    Ok(method.to_ascii_uppercase())
}

fn is_tchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// `HTTP/1.1`, `HTTP/1.0`, `HTTP/2`, `HTTP/3`; other non-empty values are kept as given.
pub(crate) fn normalize_http_version(text: &str) -> Option<String> {
    let text = text.trim();
    let canonical = match text.to_ascii_lowercase().as_str() {
        "" | "unknown" => return None,
        "http/1.1" => "HTTP/1.1",
        "http/1.0" => "HTTP/1.0",
        "http/0.9" => "HTTP/0.9",
        "h2" | "h2c" | "http/2" | "http/2.0" => "HTTP/2",
        "h3" | "http/3" | "http/3.0" => "HTTP/3",
        _ => return Some(text.to_owned()),
    };
    Some(canonical.to_owned())
}

#[derive(Default)]
pub(crate) struct PseudoHeaders {
    authority: Option<String>,
    scheme: Option<String>,
}

/// Appends HAR headers as model headers: lowercase names, lossy values, empty names and
/// HTTP/2 pseudo-headers dropped (`:authority` and `:scheme` are returned for URL repair).
pub(crate) fn convert_headers(raw: Option<&[RawPair<'_>]>, out: &mut Vec<Header>) -> PseudoHeaders {
    let mut pseudo = PseudoHeaders::default();
    for pair in raw.unwrap_or_default() {
        let Some(name) = &pair.name else { continue };
        let name = lossy_text(&name.0);
        let name = name.trim();
        if name.is_empty() {
            continue;
        }
        let value = pair.value.as_ref().map(|v| lossy_text(&v.0).into_owned()).unwrap_or_default();
        if let Some(pseudo_name) = name.strip_prefix(':') {
            if pseudo_name.eq_ignore_ascii_case("authority") {
                pseudo.authority = Some(value);
            } else if pseudo_name.eq_ignore_ascii_case("scheme") {
                pseudo.scheme = Some(value);
            }
            continue;
        }
        out.push(Header { name: name.to_ascii_lowercase(), value });
    }
    pseudo
}

pub(crate) fn has_header(headers: &[Header], name: &str) -> bool {
    headers.iter().any(|h| h.name.eq_ignore_ascii_case(name))
}

fn synthesize_content_type(headers: &mut Vec<Header>, mime: &str) {
    let mime = mime.trim();
    if !mime.is_empty() && !has_header(headers, "content-type") {
        headers.push(Header { name: "content-type".to_owned(), value: mime.to_owned() });
    }
}

fn cookie_header(cookies: Option<&[RawCookie<'_>]>) -> Option<String> {
    let mut out = String::new();
    for cookie in cookies.unwrap_or_default() {
        let Some(name) = &cookie.name else { continue };
        let name = lossy_text(&name.0);
        if name.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("; ");
        }
        out.push_str(&name);
        out.push('=');
        if let Some(value) = &cookie.value {
            out.push_str(&lossy_text(&value.0));
        }
    }
    (!out.is_empty()).then_some(out)
}

fn set_cookie_value(cookie: &RawCookie<'_>) -> Option<String> {
    let name = lossy_text(&cookie.name.as_ref()?.0).into_owned();
    if name.is_empty() {
        return None;
    }
    let mut out = name;
    out.push('=');
    if let Some(value) = &cookie.value {
        out.push_str(&lossy_text(&value.0));
    }
    for (attribute, value) in
        [("Path", &cookie.path), ("Domain", &cookie.domain), ("SameSite", &cookie.same_site)]
    {
        if let Some(value) = value {
            let value = lossy_text(&value.0);
            if !value.is_empty() {
                out.push_str("; ");
                out.push_str(attribute);
                out.push('=');
                out.push_str(&value);
            }
        }
    }
    if cookie.secure.0 {
        out.push_str("; Secure");
    }
    if cookie.http_only.0 {
        out.push_str("; HttpOnly");
    }
    Some(out)
}

fn query_from_pairs(pairs: Option<&[RawPair<'_>]>) -> Option<String> {
    let pairs = pairs?;
    if pairs.is_empty() {
        return None;
    }
    let mut form = form_urlencoded::Serializer::new(String::new());
    for pair in pairs {
        let name = pair.name.as_ref().map(|n| lossy_text(&n.0)).unwrap_or_default();
        let value = pair.value.as_ref().map(|v| lossy_text(&v.0)).unwrap_or_default();
        form.append_pair(&name, &value);
    }
    Some(form.finish())
}

// ---------------------------------------------------------------------------------------
// URLs.

/// The parts of a request URL the model keeps.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Target<'a> {
    pub scheme: &'static str,
    /// Lowercase, `:port` only when not the scheme's default.
    pub host: String,
    /// Raw path (may be empty, meaning `/`).
    pub path: &'a str,
    /// Raw query without `?`; fragment dropped.
    pub query: Option<&'a str>,
}

/// Absolute URL, or a path-only URL whose host comes from `:authority` / `Host`.
fn resolve_url<'a>(url: &'a str, pseudo: &PseudoHeaders, headers: &[Header]) -> Option<Target<'a>> {
    let url = url.trim_matches(|c: char| c.is_ascii_whitespace());
    if url.starts_with('/') && !url.starts_with("//") {
        let scheme = match pseudo.scheme.as_deref().map(str::trim) {
            Some(s) if s.eq_ignore_ascii_case("https") => "https",
            _ => "http",
        };
        let authority = pseudo
            .authority
            .as_deref()
            .or_else(|| headers.iter().find(|h| h.name == "host").map(|h| h.value.as_str()))?;
        let host = normalize_host(authority.trim(), scheme)?;
        let (path, query) = split_path_query(url);
        return Some(Target { scheme, host, path, query });
    }
    split_url(url)
}

/// Splits an absolute `http`/`https`/`ws`/`wss` URL. Returns `None` for anything else.
pub(crate) fn split_url(url: &str) -> Option<Target<'_>> {
    let url = url.trim_matches(|c: char| c.is_ascii_whitespace());
    let (scheme_text, rest) = url.split_once("://")?;
    let scheme = match scheme_text.to_ascii_lowercase().as_str() {
        "http" => "http",
        "https" => "https",
        "ws" => "ws",
        "wss" => "wss",
        _ => return None,
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path_and_more) = rest.split_at(authority_end);
    let host = normalize_host(authority, scheme)?;
    let (path, query) = split_path_query(path_and_more);
    Some(Target { scheme, host, path, query })
}

fn split_path_query(text: &str) -> (&str, Option<&str>) {
    let text = text.split_once('#').map_or(text, |(before, _)| before);
    match text.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (text, None),
    }
}

/// `user:pw@Example.COM:443` → `example.com` (for https). `None` when the host is empty or
/// holds characters a URL host cannot hold, or the port is not a number.
pub(crate) fn normalize_host(authority: &str, scheme: &str) -> Option<String> {
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let (host, port) = if let Some(bracketed) = host_port.strip_prefix('[') {
        // An IPv6 literal: hex digits, `:` and (for an embedded IPv4) `.`.
        let (inner, after) = bracketed.split_once(']')?;
        if inner.is_empty() || !inner.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.') {
            return None;
        }
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        (host_port.get(..inner.len() + 2)?, port)
    } else {
        let (host, port) = match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        };
        if host.is_empty() || !host.bytes().all(is_host_byte) {
            return None;
        }
        (host, port)
    };
    let mut out = host.to_ascii_lowercase();
    if let Some(port) = port.filter(|p| !p.is_empty()) {
        if port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let port: u16 = port.parse().ok()?;
        let default = match scheme {
            "https" | "wss" => 443,
            _ => 80,
        };
        if port != default {
            out.push(':');
            out.push_str(&port.to_string());
        }
    }
    Some(out)
}

fn is_host_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte >= 0x80 || b"-._~%!$&'()*+,;=".contains(&byte)
}

// ---------------------------------------------------------------------------------------
// Lenient serde building blocks (shared with the JSON-lines reader).

/// A JSON string read as bytes: borrowed from the input when it has no escapes, never
/// rejected for invalid UTF-8 or lone surrogates (serde_json encodes those as WTF-8).
pub(crate) struct Text<'a>(pub Cow<'a, [u8]>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_bytes(TextVisitor(PhantomData))
    }
}

struct TextVisitor<'a>(PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for TextVisitor<'a> {
    type Value = Text<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<Self::Value, E> {
        Ok(Text(Cow::Borrowed(v)))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
        Ok(Text(Cow::Owned(v.to_vec())))
    }
    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Self::Value, E> {
        Ok(Text(Cow::Owned(v)))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Text(Cow::Borrowed(v.as_bytes())))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Text(Cow::Owned(v.as_bytes().to_vec())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Text(Cow::Owned(v.into_bytes())))
    }
}

/// A number that may also arrive as a string, null, or something else entirely (ignored).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Num(pub Option<f64>);

impl Num {
    fn non_negative(self) -> Option<f64> {
        self.0.filter(|v| v.is_finite() && *v >= 0.0)
    }

    /// A usable HTTP status (100..=999); 0, negative or absurd values mean "no response".
    fn status(self) -> Option<u16> {
        let value = self.0?;
        (value.fract() == 0.0 && (100.0..=999.0).contains(&value)).then_some(value as u16)
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NumVisitor)
    }
}

struct NumVisitor;

impl<'de> Visitor<'de> for NumVisitor {
    type Value = Num;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
        Ok(Num(Some(v as f64)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
        Ok(Num(Some(v as f64)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
        Ok(Num(Some(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Num, E> {
        Ok(Num(v.trim().parse().ok()))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Num, E> {
        Ok(Num(None))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Num, E> {
        Ok(Num(None))
    }
    fn visit_none<E: de::Error>(self) -> Result<Num, E> {
        Ok(Num(None))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Num, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Num(None))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Num, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Num(None))
    }
}

/// A boolean flag that tolerates strings (`"true"`) and ignores anything else.
#[derive(Clone, Copy, Debug, Default)]
struct Flag(bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FlagVisitor;
        impl<'de> Visitor<'de> for FlagVisitor {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Flag, E> {
                Ok(Flag(v.trim().eq_ignore_ascii_case("true")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Flag, E> {
                Ok(Flag(v != 0))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Flag, E> {
                Ok(Flag(v != 0))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Flag, E> {
                Ok(Flag(false))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Flag, E> {
                Ok(Flag(false))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Flag, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Flag(false))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Flag, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Flag(false))
            }
        }
        deserializer.deserialize_any(FlagVisitor)
    }
}

#[derive(Deserialize)]
#[serde(expecting = "a HAR entry object")]
struct RawEntry<'a> {
    #[serde(rename = "startedDateTime", borrow, default)]
    started: Option<Text<'a>>,
    #[serde(default)]
    time: Num,
    #[serde(borrow, default)]
    request: Option<RawRequest<'a>>,
    #[serde(borrow, default)]
    response: Option<RawResponse<'a>>,
    #[serde(default)]
    timings: Option<RawTimings>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a HAR request object")]
struct RawRequest<'a> {
    #[serde(borrow, default)]
    method: Option<Text<'a>>,
    #[serde(borrow, default)]
    url: Option<Text<'a>>,
    #[serde(borrow, default)]
    http_version: Option<Text<'a>>,
    #[serde(borrow, default)]
    headers: Option<Vec<RawPair<'a>>>,
    #[serde(borrow, default)]
    cookies: Option<Vec<RawCookie<'a>>>,
    #[serde(borrow, default)]
    query_string: Option<Vec<RawPair<'a>>>,
    #[serde(borrow, default)]
    post_data: Option<RawPostData<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a HAR response object")]
struct RawResponse<'a> {
    #[serde(default)]
    status: Num,
    #[serde(borrow, default)]
    headers: Option<Vec<RawPair<'a>>>,
    #[serde(borrow, default)]
    cookies: Option<Vec<RawCookie<'a>>>,
    #[serde(borrow, default)]
    content: Option<RawContent<'a>>,
}

#[derive(Deserialize)]
#[serde(expecting = "a name/value object")]
pub(crate) struct RawPair<'a> {
    #[serde(borrow, default)]
    pub name: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub value: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a HAR cookie object")]
struct RawCookie<'a> {
    #[serde(borrow, default)]
    name: Option<Text<'a>>,
    #[serde(borrow, default)]
    value: Option<Text<'a>>,
    #[serde(borrow, default)]
    path: Option<Text<'a>>,
    #[serde(borrow, default)]
    domain: Option<Text<'a>>,
    #[serde(borrow, default)]
    same_site: Option<Text<'a>>,
    #[serde(default)]
    http_only: Flag,
    #[serde(default)]
    secure: Flag,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a HAR postData object")]
struct RawPostData<'a> {
    #[serde(borrow, default)]
    mime_type: Option<Text<'a>>,
    #[serde(borrow, default)]
    text: Option<Text<'a>>,
    #[serde(borrow, default)]
    encoding: Option<Text<'a>>,
    #[serde(borrow, default)]
    params: Option<Vec<RawParam<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a HAR postData param object")]
struct RawParam<'a> {
    #[serde(borrow, default)]
    name: Option<Text<'a>>,
    #[serde(borrow, default)]
    value: Option<Text<'a>>,
    #[serde(default)]
    file_name: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a HAR content object")]
struct RawContent<'a> {
    #[serde(borrow, default)]
    mime_type: Option<Text<'a>>,
    #[serde(borrow, default)]
    text: Option<Text<'a>>,
    #[serde(borrow, default)]
    encoding: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct RawTimings {
    #[serde(default)]
    wait: Num,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(request: &str, response: &str) -> String {
        format!(
            r#"{{"startedDateTime":"2024-03-01T10:00:00.250+01:00","time":42.5,"request":{request},"response":{response},"timings":{{"send":1,"wait":30.25,"receive":-1}}}}"#
        )
    }

    fn convert(json: &str) -> Result<ApiCall, EntryError> {
        entry_to_call(json.as_bytes(), "test.har", 7, &HarLimits::default())
    }

    const GET: &str = r#"{"method":"get","url":"HTTPS://API.Example.com:443/users/%41b?x=1&y=%20#frag","httpVersion":"http/2.0","headers":[{"name":":authority","value":"api.example.com"},{"name":"Accept","value":"application/json"}],"cookies":[],"queryString":[]}"#;
    const OK: &str = r#"{"status":200,"statusText":"OK","headers":[{"name":"Content-Type","value":"application/json"}],"content":{"size":11,"mimeType":"application/json","text":"{\"id\":\"Ab\"}"}}"#;

    #[test]
    fn converts_a_typical_entry() {
        let call = convert(&entry(GET, OK)).unwrap();
        assert_eq!(call.request.method, "GET");
        assert_eq!(call.request.scheme, "https");
        assert_eq!(call.request.host, "api.example.com");
        assert_eq!(call.request.path, "/users/%41b");
        assert_eq!(call.request.query.as_deref(), Some("x=1&y=%20"));
        assert_eq!(call.request.http_version.as_deref(), Some("HTTP/2"));
        assert_eq!(call.request.headers, vec![Header::new("accept", "application/json")]);
        assert_eq!(call.started_at_us, 1_709_283_600_250_000);
        let response = call.response.as_ref().unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(&response.body.bytes[..], br#"{"id":"Ab"}"#);
        assert_eq!(call.timings.total_ms, Some(42.5));
        assert_eq!(call.timings.wait_ms, Some(30.25));
        assert_eq!(
            call.observed,
            Observed { source: SourceKind::Har, origin: "test.har".into(), position: Some(7) }
        );
        assert_eq!(call.response_media_type().as_deref(), Some("application/json"));
    }

    #[test]
    fn call_id_ignores_origin_and_index_but_not_content() {
        let json = entry(GET, OK);
        let a = entry_to_call(json.as_bytes(), "a.har", 1, &HarLimits::default()).unwrap();
        let b = entry_to_call(json.as_bytes(), "renamed.har", 9, &HarLimits::default()).unwrap();
        assert_eq!(a.id, b.id);
        let other = convert(&entry(GET, &OK.replace("200", "201"))).unwrap();
        assert_ne!(a.id, other.id);
        // The same instant written differently is the same call.
        let utc = json.replace("2024-03-01T10:00:00.250+01:00", "2024-03-01T09:00:00.25Z");
        assert_eq!(convert(&utc).unwrap().id, a.id);
    }

    #[test]
    fn missing_or_zero_response_is_none() {
        let json = format!(
            r#"{{"startedDateTime":"2024-03-01T10:00:00Z","request":{GET},"response":{{"status":0,"headers":[],"content":{{}}}}}}"#
        );
        assert!(convert(&json).unwrap().response.is_none());
        let json = format!(r#"{{"startedDateTime":"2024-03-01T10:00:00Z","request":{GET}}}"#);
        let call = convert(&json).unwrap();
        assert!(call.response.is_none());
        assert_eq!(call.timings, Timings::default());
    }

    #[test]
    fn clear_errors_name_the_field() {
        let err =
            convert(r#"{"startedDateTime":"2024-03-01T10:00:00Z","request":{"method":"GET"}}"#).unwrap_err();
        assert_eq!(err.to_string(), "request.url is missing");
        let err = convert(
            r#"{"startedDateTime":"2024-03-01T10:00:00Z","request":{"method":"GET","url":"ht!tp:/x"}}"#,
        )
        .unwrap_err();
        assert_eq!(err.to_string(), r#"request.url "ht!tp:/x" is not an absolute http(s) URL"#);
        let err = convert(r#"{"startedDateTime":"soon","request":{"method":"GET","url":"http://a/"}}"#)
            .unwrap_err();
        assert_eq!(err.to_string(), r#"startedDateTime "soon" is not an RFC 3339 timestamp"#);
        let err = convert("{\n\n  \"request\": tru }").unwrap_err();
        assert!(err.to_string().starts_with("invalid JSON at line 3 column"), "{err}");
        let err = convert(r#"{"startedDateTime":"2024-03-01T10:00:00Z"}"#).unwrap_err();
        assert_eq!(err, EntryError::Missing("request"));
        let err = convert(
            r#"{"startedDateTime":"2024-03-01T10:00:00Z","request":{"method":"G T","url":"http://a/"}}"#,
        )
        .unwrap_err();
        assert_eq!(err.to_string(), r#"request.method "G T" is not an HTTP method"#);
        assert_eq!(convert(" [1,2]").unwrap_err().to_string(), "entry is a JSON array, not an object");
        let err = convert("12").unwrap_err();
        assert!(matches!(err, EntryError::Shape { .. }), "{err}");
        assert!(err.to_string().contains("expected a HAR entry object"), "{err}");
    }

    #[test]
    fn lone_surrogates_and_invalid_utf8_become_replacement_characters() {
        let request = r#"{"method":"GET","url":"http://a.test/p\udc80q","headers":[{"name":"X-Odd","value":"a\udc80b\ud800"},{"name":"X-Pair","value":"\ud83d\ude00"}]}"#;
        let mut json = entry(request, OK).into_bytes();
        // Raw invalid UTF-8 inside another header value.
        let marker = br#""value":"a\udc80b"#;
        assert!(json.windows(marker.len()).any(|w| w == marker));
        let request_with_raw = b"{\"name\":\"X-Raw\",\"value\":\"caf\xe9\"},";
        let at = json.windows(9).position(|w| w == b"\"headers\"").unwrap() + 11;
        json.splice(at..at, request_with_raw.iter().copied());
        let call = entry_to_call(&json, "x", 0, &HarLimits::default()).unwrap();
        assert_eq!(call.request.header("x-raw"), Some("caf\u{FFFD}"));
        assert_eq!(call.request.header("x-odd"), Some("a\u{FFFD}b\u{FFFD}"));
        assert_eq!(call.request.header("x-pair"), Some("😀"));
        assert_eq!(call.request.path, "/p\u{FFFD}q");
    }

    #[test]
    fn base64_bodies_and_invalid_base64() {
        let response = r#"{"status":200,"headers":[],"content":{"mimeType":"image/png","encoding":"base64","text":"iVBO\nRw0K"}}"#;
        let call = convert(&entry(GET, response)).unwrap();
        let response = call.response.unwrap();
        assert_eq!(&response.body.bytes[..], b"\x89PNG\r\n");
        assert_eq!(response.header("content-type"), Some("image/png"));

        let bad = r#"{"status":200,"headers":[],"content":{"mimeType":"image/png","encoding":"base64","text":"%%%"}}"#;
        let call = convert(&entry(GET, bad)).unwrap();
        assert!(call.response.unwrap().body.is_empty());
    }

    #[test]
    fn bodies_longer_than_the_limit_are_truncated_with_their_size() {
        let body = "é".repeat(10); // 20 bytes
        let request = format!(
            r#"{{"method":"POST","url":"http://a/","headers":[],"postData":{{"mimeType":"text/plain","text":"{body}"}}}}"#
        );
        let limits = HarLimits { max_body_bytes: 7 };
        let call = entry_to_call(entry(&request, OK).as_bytes(), "x", 0, &limits).unwrap();
        assert!(call.request.body.truncated);
        assert_eq!(call.request.body.size, Some(20));
        assert_eq!(&call.request.body.bytes[..], "ééé".as_bytes()); // 6 bytes: the cut backs off
        let full = convert(&entry(&request, OK)).unwrap();
        assert_eq!(full.id, call.id, "the id hashes the complete body");
        assert_eq!(call.request.header("content-type"), Some("text/plain"));
    }

    #[test]
    fn params_become_a_urlencoded_body_and_cookies_a_header() {
        let request = r#"{"method":"POST","url":"http://a/login","headers":[],"cookies":[{"name":"sid","value":"1"},{"name":"t","value":"x y"}],"postData":{"mimeType":"application/x-www-form-urlencoded","params":[{"name":"user","value":"a b"},{"name":"pw","value":"&"}]}}"#;
        let call = convert(&entry(request, OK)).unwrap();
        assert_eq!(&call.request.body.bytes[..], b"user=a+b&pw=%26");
        assert_eq!(call.request.header("cookie"), Some("sid=1; t=x y"));
        let with_header =
            request.replace(r#""headers":[]"#, r#""headers":[{"name":"Cookie","value":"sid=2"}]"#);
        let call = convert(&entry(&with_header, OK)).unwrap();
        assert_eq!(call.request.header("cookie"), Some("sid=2"));
        assert_eq!(call.request.headers.iter().filter(|h| h.name == "cookie").count(), 1);
    }

    #[test]
    fn relative_urls_use_the_authority_header() {
        let request = r#"{"method":"GET","url":"/v1/x?y","headers":[{"name":":authority","value":"API.test:8443"},{"name":":scheme","value":"https"}]}"#;
        let call = convert(&entry(request, OK)).unwrap();
        assert_eq!(call.request.url(), "https://api.test:8443/v1/x?y");
        let no_host = r#"{"method":"GET","url":"/v1/x","headers":[]}"#;
        assert!(matches!(
            convert(&entry(no_host, OK)),
            Err(EntryError::Invalid { field: "request.url", .. })
        ));
    }

    #[test]
    fn url_splitter_cases() {
        let t = split_url("http://user:pw@[::1]:80/a/b?c=d#e").unwrap();
        assert_eq!((t.scheme, t.host.as_str(), t.path, t.query), ("http", "[::1]", "/a/b", Some("c=d")));
        let t = split_url("https://x.test:8443?q").unwrap();
        assert_eq!((t.host.as_str(), t.path, t.query), ("x.test:8443", "", Some("q")));
        let t = split_url("wss://x.test:443/socket").unwrap();
        assert_eq!(t.host, "x.test");
        for bad in [
            "ftp://x/",
            "http://",
            "http:///x",
            "http://a b/",
            "http://x:99999/",
            "http://x:8a/",
            "x.test/a",
            "",
            "http://é::1]:80/",
            "http://[x]/",
            "http://a[b/",
        ] {
            assert!(split_url(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn naive_timestamps_are_utc_and_numbers_may_be_strings() {
        let json = r#"{"startedDateTime":"2024-03-01T10:00:00.5","time":"12","request":{"method":"GET","url":"http://a/"},"response":{"status":"404"},"timings":{"wait":-1}}"#;
        let call = convert(json).unwrap();
        assert_eq!(call.started_at_us, 1_709_287_200_500_000);
        assert_eq!(call.timings.total_ms, Some(12.0));
        assert_eq!(call.timings.wait_ms, None);
        assert_eq!(call.response.unwrap().status, 404);
    }

    #[test]
    fn unknown_fields_and_nulls_are_ignored() {
        let json = r#"{"_priority":"High","startedDateTime":"2024-03-01T10:00:00Z","cache":{"a":[1,{"b":"]"}]},"request":{"method":"GET","url":"http://a/","headers":null,"cookies":null,"postData":null,"_x":{}},"response":{"status":204,"content":null,"headers":[{"name":"X","value":null},{"name":null,"value":"y"}]},"timings":null,"time":null}"#;
        let call = convert(json).unwrap();
        let response = call.response.unwrap();
        assert_eq!(response.status, 204);
        assert_eq!(response.headers, vec![Header::new("x", "")]);
    }

    #[test]
    fn response_cookies_become_set_cookie_headers() {
        let response = r#"{"status":200,"headers":[],"cookies":[{"name":"sid","value":"abc","path":"/","httpOnly":true,"secure":true,"sameSite":"Lax"}]}"#;
        let call = convert(&entry(GET, response)).unwrap();
        assert_eq!(
            call.response.unwrap().header("set-cookie"),
            Some("sid=abc; Path=/; SameSite=Lax; Secure; HttpOnly")
        );
    }

    #[test]
    fn lossy_text_handles_every_shape() {
        assert_eq!(lossy_text(b"plain"), "plain");
        assert!(matches!(lossy_text(b"plain"), Cow::Borrowed(_)));
        assert_eq!(lossy_text(b"\xed\xb2\x80"), "\u{FFFD}");
        assert_eq!(lossy_text(b"a\xffb\xed\xa0"), "a\u{FFFD}b\u{FFFD}\u{FFFD}");
        assert_eq!(lossy_text(b"\xe2\x82"), "\u{FFFD}");
    }
}

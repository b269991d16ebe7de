//! Header rules of a proxy: hop-by-hop fields (RFC 9110 §7.6.1), forwarding fields
//! (`Forwarded`, RFC 7239, and the `X-Forwarded-*` family) and the request id.

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use http::header::{self, HeaderMap, HeaderName, HeaderValue};

pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
static X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
static X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");
static X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");
static KEEP_ALIVE: HeaderName = HeaderName::from_static("keep-alive");
static PROXY_CONNECTION: HeaderName = HeaderName::from_static("proxy-connection");

/// Fields that describe one connection, not the message; never forwarded.
/// `Upgrade` is kept by the caller for a WebSocket handshake, `TE: trailers` for gRPC.
fn fixed_hop_by_hop() -> [&'static HeaderName; 6] {
    [
        &header::CONNECTION,
        &KEEP_ALIVE,
        &PROXY_CONNECTION,
        &header::TRANSFER_ENCODING,
        &header::UPGRADE,
        &header::PROXY_AUTHORIZATION,
    ]
}

/// Removes hop-by-hop fields, including those the `Connection` field names. With
/// `keep_upgrade`, `Connection: upgrade` and `Upgrade` survive (a handshake being proxied).
/// `TE` survives only as `trailers`, which HTTP/2 and gRPC need end to end.
pub fn strip_hop_by_hop(headers: &mut HeaderMap, keep_upgrade: bool) {
    // Fast path: most requests carry none of these.
    let named_in_connection: Vec<HeaderName> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|token| HeaderName::from_bytes(token.trim().as_bytes()).ok())
        .filter(|name| !(keep_upgrade && name == header::UPGRADE))
        .collect();
    for name in named_in_connection {
        headers.remove(&name);
    }
    let upgrade = if keep_upgrade { headers.get(header::UPGRADE).cloned() } else { None };
    for name in fixed_hop_by_hop() {
        if headers.contains_key(name) {
            headers.remove(name);
        }
    }
    if let Some(upgrade) = upgrade {
        headers.insert(header::UPGRADE, upgrade);
        headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
    }
    if let Some(te) = headers.get(header::TE) {
        let trailers = te
            .to_str()
            .map(|value| value.split(',').any(|token| token.trim().eq_ignore_ascii_case("trailers")))
            .unwrap_or(false);
        if trailers {
            headers.insert(header::TE, HeaderValue::from_static("trailers"));
        } else {
            headers.remove(header::TE);
        }
    }
}

/// True for an HTTP/1.1 upgrade handshake (`Connection: upgrade` and an `Upgrade` field).
pub fn is_upgrade_request(headers: &HeaderMap) -> bool {
    headers.contains_key(header::UPGRADE)
        && headers.get_all(header::CONNECTION).iter().any(|value| {
            value
                .to_str()
                .map(|value| value.split(',').any(|token| token.trim().eq_ignore_ascii_case("upgrade")))
                .unwrap_or(false)
        })
}

/// Appends this hop to `Forwarded` and `X-Forwarded-For`, and sets `X-Forwarded-Proto`
/// and `X-Forwarded-Host` (kept when an earlier trusted hop set them).
pub fn add_forwarding(headers: &mut HeaderMap, client: IpAddr, proto: &'static str, host: Option<&str>) {
    let client_text = client.to_string();
    append_list(headers, &X_FORWARDED_FOR, &client_text);
    // RFC 7239 §6: IPv6 addresses are bracketed and the value quoted.
    let node = match client {
        IpAddr::V4(_) => client_text,
        IpAddr::V6(_) => format!("\"[{client_text}]\""),
    };
    let mut forwarded = format!("for={node};proto={proto}");
    if let Some(host) = host.filter(|h| h.bytes().all(|b| b.is_ascii_graphic() && b != b'"')) {
        forwarded.push_str(";host=\"");
        forwarded.push_str(host);
        forwarded.push('"');
    }
    append_list(headers, &header::FORWARDED, &forwarded);
    if !headers.contains_key(&X_FORWARDED_PROTO) {
        headers.insert(X_FORWARDED_PROTO.clone(), HeaderValue::from_static(proto));
    }
    if let Some(host) = host
        && !headers.contains_key(&X_FORWARDED_HOST)
        && let Ok(value) = HeaderValue::from_str(host)
    {
        headers.insert(X_FORWARDED_HOST.clone(), value);
    }
}

/// Adds `item` to a comma-separated list field, merging repeated fields into one.
fn append_list(headers: &mut HeaderMap, name: &HeaderName, item: &str) {
    let mut combined = String::new();
    for value in headers.get_all(name) {
        if let Ok(text) = value.to_str() {
            combined.push_str(text);
            combined.push_str(", ");
        }
    }
    combined.push_str(item);
    // The string's buffer becomes the value without another copy.
    if let Ok(value) = HeaderValue::from_maybe_shared(bytes::Bytes::from(combined)) {
        headers.insert(name.clone(), value);
    }
}

/// The client address from the last `X-Forwarded-For` entry, for a gateway behind a
/// trusted load balancer (which appends the address it saw).
pub fn forwarded_client(headers: &HeaderMap) -> Option<IpAddr> {
    let last = headers.get_all(&X_FORWARDED_FOR).iter().next_back()?;
    last.to_str().ok()?.rsplit(',').next()?.trim().parse().ok()
}

/// Mints request ids: a random per-process prefix and a counter, so ids are unique across
/// restarts and cost one atomic add. The same number becomes the captured call's id.
pub struct RequestIds {
    prefix: u64,
    counter: AtomicU64,
}

impl RequestIds {
    pub fn new() -> RequestIds {
        // Unique per process start: the clock and the process id, mixed.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let mut seed = nanos.to_le_bytes().to_vec();
        seed.extend_from_slice(&std::process::id().to_le_bytes());
        RequestIds { prefix: xxhash_rust::xxh3::xxh3_64(&seed), counter: AtomicU64::new(1) }
    }

    pub fn next(&self) -> u128 {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        (u128::from(self.prefix) << 64) | u128::from(n)
    }
}

impl Default for RequestIds {
    fn default() -> Self {
        RequestIds::new()
    }
}

/// A client-supplied id is kept when it is short and plain (so upstream logs can be
/// joined with the client's); anything else is replaced.
pub fn usable_request_id(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 128
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        headers
    }

    #[test]
    fn hop_by_hop_fields_and_those_named_in_connection_are_removed() {
        let mut headers = map(&[
            ("connection", "keep-alive, x-secret-hop"),
            ("keep-alive", "timeout=5"),
            ("x-secret-hop", "1"),
            ("transfer-encoding", "chunked"),
            ("te", "gzip, trailers"),
            ("proxy-authorization", "Basic x"),
            ("authorization", "Bearer y"),
        ]);
        strip_hop_by_hop(&mut headers, false);
        let names: Vec<&str> = headers.keys().map(|k| k.as_str()).collect();
        assert_eq!(names, ["te", "authorization"]);
        assert_eq!(headers["te"], "trailers");
    }

    #[test]
    fn an_upgrade_handshake_keeps_its_upgrade_fields() {
        let mut headers = map(&[("connection", "Upgrade"), ("upgrade", "websocket"), ("te", "gzip")]);
        assert!(is_upgrade_request(&headers));
        strip_hop_by_hop(&mut headers, true);
        assert_eq!(headers["upgrade"], "websocket");
        assert_eq!(headers["connection"], "upgrade");
        assert!(!headers.contains_key("te"));
    }

    #[test]
    fn forwarding_fields_append_this_hop() {
        let mut headers = map(&[("x-forwarded-for", "203.0.113.9"), ("forwarded", "for=203.0.113.9")]);
        add_forwarding(&mut headers, "::1".parse().unwrap(), "https", Some("api.example.com"));
        assert_eq!(headers["x-forwarded-for"], "203.0.113.9, ::1");
        assert_eq!(
            headers["forwarded"],
            "for=203.0.113.9, for=\"[::1]\";proto=https;host=\"api.example.com\""
        );
        assert_eq!(headers["x-forwarded-proto"], "https");
        assert_eq!(headers["x-forwarded-host"], "api.example.com");
        assert_eq!(forwarded_client(&headers), Some("::1".parse().unwrap()));
    }

    #[test]
    fn request_ids_are_unique_and_client_ids_are_vetted() {
        let ids = RequestIds::new();
        assert_ne!(ids.next(), ids.next());
        assert!(usable_request_id(&HeaderValue::from_static("abc-123")));
        assert!(!usable_request_id(&HeaderValue::from_static("a b")));
        assert!(!usable_request_id(&HeaderValue::from_str(&"x".repeat(200)).unwrap()));
    }
}

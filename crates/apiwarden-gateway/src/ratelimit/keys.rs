//! What a policy counts requests by: the client address, an API key, a JWT subject or any
//! header, and the hashing that turns it into a fixed-size state key.

use std::net::IpAddr;

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use http::header::{AUTHORIZATION, HeaderName};
use http::{HeaderMap, HeaderValue};
use serde::Deserialize;
use xxhash_rust::xxh3::{xxh3_64_with_seed, xxh3_128_with_seed};

/// Larger bearer tokens are ignored (treated as absent): they cost decoding time and no
/// real identity provider issues them.
pub const MAX_JWT_BYTES: usize = 8 * 1024;

/// Headers that carry an API key, in the order they are looked at.
const API_KEY_HEADERS: [&str; 3] = ["x-api-key", "api-key", "apikey"];

/// JWT payloads are base64url; tokens are unpadded but some clients pad them anyway.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum KeyKind {
    ClientIp,
    ApiKey,
    JwtSubject,
    Header(HeaderName),
}

impl KeyKind {
    pub(crate) fn parse(text: &str) -> Result<KeyKind, String> {
        match text {
            "client_ip" => Ok(KeyKind::ClientIp),
            "api_key" => Ok(KeyKind::ApiKey),
            "jwt_sub" => Ok(KeyKind::JwtSubject),
            _ => match text.strip_prefix("header:") {
                Some(name) => HeaderName::from_bytes(name.trim().as_bytes())
                    .map(KeyKind::Header)
                    .map_err(|_| format!("key \"{text}\" does not name a valid header")),
                None => Err(format!(
                    "key \"{text}\" is unknown; use client_ip, api_key, jwt_sub or header:<name>"
                )),
            },
        }
    }
}

/// The bytes a request is counted by, borrowed from the request where possible.
pub(crate) enum KeyBytes<'a> {
    Borrowed(&'a [u8]),
    Owned(String),
    Address { octets: [u8; 8], len: usize },
}

impl KeyBytes<'_> {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            KeyBytes::Borrowed(bytes) => bytes,
            KeyBytes::Owned(text) => text.as_bytes(),
            KeyBytes::Address { octets, len } => octets.get(..*len).unwrap_or(octets),
        }
    }
}

/// The key of `kind` in a request, or `None` when the request does not carry it.
pub(crate) fn extract<'a>(kind: &KeyKind, client_ip: IpAddr, headers: &'a HeaderMap) -> Option<KeyBytes<'a>> {
    match kind {
        KeyKind::ClientIp => Some(client_address(client_ip)),
        KeyKind::ApiKey => API_KEY_HEADERS.iter().find_map(|name| non_empty(headers.get(*name))),
        KeyKind::JwtSubject => jwt_subject(headers).map(KeyBytes::Owned),
        KeyKind::Header(name) => non_empty(headers.get(name)),
    }
}

/// IPv4 addresses count one by one; IPv6 ones by their /64 prefix, because one subscriber
/// is usually handed a whole /64 and could otherwise rotate through 2^64 keys.
pub(crate) fn client_address(ip: IpAddr) -> KeyBytes<'static> {
    match ip.to_canonical() {
        IpAddr::V4(v4) => address_prefix(&v4.octets()),
        IpAddr::V6(v6) => address_prefix(&v6.octets()),
    }
}

/// The first (up to) eight octets of an address.
fn address_prefix(address: &[u8]) -> KeyBytes<'static> {
    let mut octets = [0; 8];
    let len = address.len().min(octets.len());
    for (slot, octet) in octets.iter_mut().zip(address) {
        *slot = *octet;
    }
    KeyBytes::Address { octets, len }
}

fn non_empty(value: Option<&HeaderValue>) -> Option<KeyBytes<'_>> {
    value.map(HeaderValue::as_bytes).filter(|bytes| !bytes.is_empty()).map(KeyBytes::Borrowed)
}

#[derive(Deserialize)]
struct Claims {
    sub: Option<String>,
}

/// The `sub` claim of an `Authorization: Bearer` JWT, decoded without verifying the
/// signature. Anything malformed or oversize reads as no subject.
pub(crate) fn jwt_subject(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = token.trim();
    if token.len() > MAX_JWT_BYTES {
        return None;
    }
    let mut parts = token.split('.');
    let (_header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let json = BASE64URL.decode(payload).ok()?;
    let claims: Claims = serde_json::from_slice(&json).ok()?;
    claims.sub.filter(|sub| !sub.is_empty())
}

/// Per-policy hash seeds, one per kind of key the policy may count by, so that an API key
/// whose bytes equal a client address never shares state with that address.
#[derive(Clone, Copy, Debug)]
pub(crate) struct KeySeeds {
    own: u64,
    fallback: u64,
}

/// Which of a policy's seeds a key is hashed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeySource {
    Own,
    Fallback,
}

impl KeySeeds {
    /// `secret` is random per limiter, so no one outside can aim keys at a shard or at
    /// another key's state.
    pub(crate) fn new(secret: u64, policy_index: usize) -> KeySeeds {
        let index = (policy_index as u64).to_le_bytes();
        let seed = |source: u8| {
            let mut input = [source; 9];
            input[..8].copy_from_slice(&index);
            xxh3_64_with_seed(&input, secret)
        };
        KeySeeds { own: seed(0), fallback: seed(1) }
    }

    pub(crate) fn hash(&self, source: KeySource, key: &[u8]) -> u128 {
        let seed = match source {
            KeySource::Own => self.own,
            KeySource::Fallback => self.fallback,
        };
        xxh3_128_with_seed(key, seed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bearer(payload_json: &str) -> HeaderMap {
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload_json);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, format!("Bearer eyJhbGciOiJIUzI1NiJ9.{payload}.c2ln").parse().unwrap());
        headers
    }

    #[test]
    fn key_kinds_parse() {
        assert_eq!(KeyKind::parse("client_ip"), Ok(KeyKind::ClientIp));
        assert_eq!(KeyKind::parse("api_key"), Ok(KeyKind::ApiKey));
        assert_eq!(KeyKind::parse("jwt_sub"), Ok(KeyKind::JwtSubject));
        assert_eq!(
            KeyKind::parse("header:X-Tenant-Id"),
            Ok(KeyKind::Header(HeaderName::from_static("x-tenant-id")))
        );
        assert!(KeyKind::parse("header:").unwrap_err().contains("valid header"));
        assert!(KeyKind::parse("cookie").unwrap_err().contains("is unknown"));
    }

    #[test]
    fn jwt_subjects_are_read_from_bearer_tokens() {
        assert_eq!(jwt_subject(&bearer(r#"{"sub":"user-42","exp":1}"#)).as_deref(), Some("user-42"));
        assert_eq!(jwt_subject(&bearer(r#"{"exp":1}"#)), None);
        assert_eq!(jwt_subject(&bearer(r#"{"sub":42}"#)), None);
        assert_eq!(jwt_subject(&bearer(r#"{"sub":""}"#)), None);
        assert_eq!(jwt_subject(&bearer("not json")), None);
    }

    #[test]
    fn malformed_and_oversize_tokens_have_no_subject() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(AUTHORIZATION, value.parse().unwrap());
            jwt_subject(&headers)
        };
        assert_eq!(with("Bearer not-a-jwt"), None);
        assert_eq!(with("Bearer a.b"), None);
        assert_eq!(with("Bearer a.!!!.c"), None);
        assert_eq!(with("Bearer a.e30.c.d"), None);
        assert_eq!(with("Basic dXNlcjpwYXNz"), None);
        let padding = "x".repeat(MAX_JWT_BYTES);
        let huge = format!(r#"{{"sub":"big","pad":"{padding}"}}"#);
        assert_eq!(jwt_subject(&bearer(&huge)), None);
    }

    #[test]
    fn ipv6_clients_count_by_their_64_prefix_and_mapped_ipv4_as_ipv4() {
        let bytes = |ip: &str| client_address(ip.parse().unwrap()).as_bytes().to_vec();
        assert_eq!(bytes("2001:db8:1:2::1"), bytes("2001:db8:1:2:ffff::9"));
        assert_ne!(bytes("2001:db8:1:2::1"), bytes("2001:db8:1:3::1"));
        assert_eq!(bytes("::ffff:192.0.2.7"), vec![192, 0, 2, 7]);
    }

    #[test]
    fn seeds_separate_policies_and_key_sources() {
        let a = KeySeeds::new(7, 0);
        let b = KeySeeds::new(7, 1);
        assert_ne!(a.hash(KeySource::Own, b"k"), b.hash(KeySource::Own, b"k"));
        assert_ne!(a.hash(KeySource::Own, b"k"), a.hash(KeySource::Fallback, b"k"));
        assert_eq!(a.hash(KeySource::Own, b"k"), KeySeeds::new(7, 0).hash(KeySource::Own, b"k"));
    }
}

//! Structural JWT inspection, without verifying anything: the JOSE header (`alg`, `kid`,
//! `typ`), the registered claims (`exp`, `iat`, `nbf`, `sub`, `iss`, `aud`, `jti`), the
//! token's lifetime, the weaknesses visible from outside (`alg: none`, no `exp`, no
//! signature), and which personal data types the claims carry (the classifier runs over
//! them).
//!
//! Only compact JWS (three base64url parts) is decoded; a JWE (five parts) is encrypted and
//! reported as [`JwtError::Parts`]. Tokens over [`MAX_JWT_BYTES`] are refused unread.

use apiwarden_core::decode::{DecodeLimits, flatten_value};
use apiwarden_core::{Direction, Location};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde_json::Value;

use crate::classify::{Classifier, Detection};
use crate::types::DataTypeId;

/// Longest token decoded (bytes).
pub const MAX_JWT_BYTES: usize = 16 * 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JwtError {
    #[error("token is {len} bytes, over the {MAX_JWT_BYTES}-byte limit")]
    TooLong { len: usize },
    #[error("token has {found} dot-separated parts, a signed JWT has 3")]
    Parts { found: usize },
    #[error("the {part} is not base64url")]
    Base64 { part: &'static str },
    #[error("the {part} is not a JSON object")]
    Json { part: &'static str },
    #[error("the header has no \"alg\"")]
    MissingAlg,
}

/// The JOSE header fields that matter for security review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JwtHeader {
    pub alg: String,
    pub typ: Option<String>,
    pub kid: Option<String>,
    /// `jku`, `x5u` or `jwk` present: the token names where its own key lives.
    pub embeds_key_reference: bool,
}

/// The registered claims (RFC 7519 §4.1); times are seconds since the epoch.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct JwtClaims {
    pub iss: Option<String>,
    pub sub: Option<String>,
    pub aud: Vec<String>,
    pub exp: Option<i64>,
    pub nbf: Option<i64>,
    pub iat: Option<i64>,
    pub jti: Option<String>,
}

/// What a token shows without its key.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JwtInfo {
    pub header: JwtHeader,
    pub claims: JwtClaims,
    /// `alg` is `none` (any case): the token is not signed at all.
    pub alg_none: bool,
    /// The signature part is empty.
    pub unsigned: bool,
    /// No `exp` claim: the token never expires.
    pub missing_exp: bool,
    /// `exp - iat` (or `exp - nbf` without `iat`), when both are present.
    pub lifetime_secs: Option<i64>,
    /// Personal (and other sensitive) data types found in the claims, sorted, unique.
    /// Empty from [`decode`]; filled by [`inspect`].
    pub claim_types: Vec<DataTypeId>,
    /// The decoded claims object.
    #[serde(skip)]
    pub claims_json: Value,
}

impl JwtInfo {
    /// Whether the token had expired at `now` (seconds since the epoch); `None` without
    /// `exp`.
    pub fn expired_at(&self, now: i64) -> Option<bool> {
        self.claims.exp.map(|exp| exp <= now)
    }
}

fn decode_part(part: &str, name: &'static str) -> Result<Value, JwtError> {
    let bytes =
        URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).map_err(|_| JwtError::Base64 { part: name })?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|_| JwtError::Json { part: name })?;
    if value.is_object() { Ok(value) } else { Err(JwtError::Json { part: name }) }
}

fn text(value: &Value, key: &str) -> Option<String> {
    match value.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn seconds(value: &Value, key: &str) -> Option<i64> {
    let n = value.get(key)?;
    n.as_i64().or_else(|| n.as_f64().filter(|f| f.is_finite() && f.abs() < 1e15).map(|f| f as i64))
}

/// Decodes a compact JWS without verifying it. Surrounding whitespace and a `Bearer `
/// prefix are ignored.
pub fn decode(token: &str) -> Result<JwtInfo, JwtError> {
    let token = token.trim();
    let token =
        token.strip_prefix("Bearer ").or_else(|| token.strip_prefix("bearer ")).unwrap_or(token).trim();
    if token.len() > MAX_JWT_BYTES {
        return Err(JwtError::TooLong { len: token.len() });
    }
    let parts: Vec<&str> = token.split('.').take(6).collect();
    let [header, payload, signature] = parts.as_slice() else {
        return Err(JwtError::Parts { found: token.split('.').count() });
    };
    let header = decode_part(header, "header")?;
    let claims = decode_part(payload, "payload")?;
    if !signature.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(JwtError::Base64 { part: "signature" });
    }
    let alg = header.get("alg").and_then(Value::as_str).ok_or(JwtError::MissingAlg)?.to_owned();
    let aud = match claims.get("aud") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => {
            items.iter().filter_map(Value::as_str).map(str::to_owned).take(64).collect()
        }
        _ => Vec::new(),
    };
    let claims_struct = JwtClaims {
        iss: text(&claims, "iss"),
        sub: text(&claims, "sub"),
        aud,
        exp: seconds(&claims, "exp"),
        nbf: seconds(&claims, "nbf"),
        iat: seconds(&claims, "iat"),
        jti: text(&claims, "jti"),
    };
    let lifetime_secs = match (claims_struct.exp, claims_struct.iat.or(claims_struct.nbf)) {
        (Some(exp), Some(start)) => exp.checked_sub(start),
        _ => None,
    };
    Ok(JwtInfo {
        header: JwtHeader {
            alg: alg.clone(),
            typ: text(&header, "typ"),
            kid: text(&header, "kid"),
            embeds_key_reference: ["jku", "x5u", "jwk"].iter().any(|k| header.get(k).is_some()),
        },
        alg_none: alg.eq_ignore_ascii_case("none"),
        unsigned: signature.is_empty(),
        missing_exp: claims_struct.exp.is_none(),
        lifetime_secs,
        claims: claims_struct,
        claim_types: Vec::new(),
        claims_json: claims,
    })
}

/// [`decode`], then runs `classifier` over the claims (as fields of a person: a bare
/// `name` claim counts as a person's name, as in OpenID Connect) and lists the types found.
pub fn inspect(token: &str, classifier: &Classifier) -> Result<JwtInfo, JwtError> {
    let mut info = decode(token)?;
    info.claim_types = claim_types(&info.claims_json, classifier);
    Ok(info)
}

fn claim_types(claims: &Value, classifier: &Classifier) -> Vec<DataTypeId> {
    let limits = DecodeLimits { max_body_bytes: MAX_JWT_BYTES, max_depth: 8, max_fields: 256 };
    let mut fields = Vec::new();
    // Claims describe the token's subject: a person parent gives bare `name` its meaning.
    flatten_value(claims, Direction::Request, Location::Header, "/subject", &limits, &mut fields);
    let mut detections: Vec<Detection> = Vec::new();
    classifier.classify_fields(&fields, &mut detections);
    let mut types: Vec<DataTypeId> = detections.into_iter().map(|d| d.data_type).collect();
    types.sort();
    types.dedup();
    types
}

/// Fast structural check used by the classifier: three base64url parts (the last may be
/// empty, or cut short by the scan cap), a header that decodes to a JSON object with a
/// string `alg`, and a payload that decodes as base64url.
pub(crate) fn looks_like_jwt(token: &str) -> bool {
    if token.len() > MAX_JWT_BYTES {
        return false;
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let Ok(header) = decode_part(header, "header") else {
        return false;
    };
    header.get("alg").is_some_and(Value::is_string) && URL_SAFE_NO_PAD.decode(payload).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(value: &Value) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
    }

    fn token(header: Value, claims: Value, sig: &str) -> String {
        format!("{}.{}.{}", b64(&header), b64(&claims), sig)
    }

    #[test]
    fn decodes_header_claims_and_lifetime() {
        let t = token(
            serde_json::json!({"alg": "RS256", "kid": "k1", "typ": "JWT"}),
            serde_json::json!({"sub": "42", "iss": "https://id.example.com", "aud": ["api", "web"], "iat": 1_700_000_000, "exp": 1_700_003_600}),
            "c2lnbmF0dXJl",
        );
        let info = decode(&format!("Bearer {t}")).unwrap();
        assert_eq!(info.header.alg, "RS256");
        assert_eq!(info.header.kid.as_deref(), Some("k1"));
        assert_eq!(info.claims.aud, ["api", "web"]);
        assert_eq!(info.lifetime_secs, Some(3600));
        assert!(!info.alg_none && !info.missing_exp && !info.unsigned);
        assert_eq!(info.expired_at(1_700_000_001), Some(false));
        assert_eq!(info.expired_at(1_800_000_000), Some(true));
    }

    #[test]
    fn flags_none_and_missing_exp_and_finds_personal_claims() {
        let t = token(
            serde_json::json!({"alg": "none"}),
            serde_json::json!({"sub": "u1", "email": "ann.lee@example.com", "name": "Ann Lee", "phone_number": "+44 20 7946 0958"}),
            "",
        );
        let info = inspect(&t, &Classifier::builtin()).unwrap();
        assert!(info.alg_none && info.unsigned && info.missing_exp);
        let ids: Vec<&str> = info.claim_types.iter().map(DataTypeId::as_str).collect();
        assert_eq!(ids, ["email", "phone", "person_name"]);
    }

    #[test]
    fn rejects_bad_tokens() {
        assert_eq!(decode("a.b"), Err(JwtError::Parts { found: 2 }));
        assert_eq!(decode("a.b.c.d.e"), Err(JwtError::Parts { found: 5 }));
        assert_eq!(decode("!!.e30.x"), Err(JwtError::Base64 { part: "header" }));
        assert_eq!(decode("e30.e30.x"), Err(JwtError::MissingAlg));
        assert_eq!(decode("WzFd.e30.x"), Err(JwtError::Json { part: "header" }));
        let long = "a".repeat(MAX_JWT_BYTES + 1);
        assert_eq!(decode(&long), Err(JwtError::TooLong { len: MAX_JWT_BYTES + 1 }));
        assert!(!looks_like_jwt("e30.e30.x"));
    }
}

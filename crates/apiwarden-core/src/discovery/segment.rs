//! What one path segment looks like.
//!
//! [`classify`] sorts a (percent-decoded) segment into:
//! * an unmistakable identifier ([`SegClass::Id`]): integers, UUIDs, hex hashes, Mongo
//!   ObjectIds, e-mail addresses, long opaque tokens. Discovery replaces these by a typed
//!   placeholder at once, since no API names a static route `/4711`;
//! * a value that is an identifier only in context ([`SegClass::Date`], [`SegClass::Version`]):
//!   `/statements/2024-01-31` is a parameter but `/api/2024-01-01/...` shared by every call is
//!   the API's version, so the decision is left to templating;
//! * a version prefix (`v2`, `v1.1`): always static;
//! * a reserved word (`me`, `latest`, `export`, ...) that reads like an identifier's sibling
//!   but names a fixed route: always static;
//! * free text: static unless templating finds, by cardinality and by how alike the
//!   siblings' subtrees are, that it is an identifier (usernames, slugs, SKUs).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegKind {
    Int,
    Uuid,
    Hex,
    ObjectId,
    Email,
    Token,
    Date,
    Version,
    /// Free-text identifiers, once a position had too many to keep one by one.
    FreeText,
}

/// The classes of [`classify`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegClass {
    Id(SegKind),
    Date,
    Version,
    VersionPrefix,
    Reserved,
    FreeText,
}

/// Route words that stay static even where identifiers live beside them.
const RESERVED: &[&str] = &[
    "me",
    "self",
    "mine",
    "current",
    "latest",
    "newest",
    "oldest",
    "new",
    "create",
    "export",
    "import",
    "search",
    "count",
    "stats",
    "statistics",
    "summary",
    "metrics",
    "all",
    "default",
    "bulk",
    "batch",
    "settings",
    "preferences",
    "profile",
    "config",
    "status",
    "health",
    "healthz",
    "ready",
    "readyz",
    "livez",
    "ping",
    "info",
    "version",
    "login",
    "logout",
    "register",
    "signup",
    "signin",
    "refresh",
    "token",
    "verify",
    "validate",
    "upload",
    "download",
    "preview",
    "schema",
    "openapi",
    "swagger",
    "graphql",
    "webhooks",
    "callback",
    "autocomplete",
    "suggest",
    "suggestions",
    "me.json",
    "by-id",
    "by-name",
];

pub fn is_reserved(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    RESERVED.contains(&lower.as_str())
}

pub fn classify(segment: &str) -> SegClass {
    let bytes = segment.as_bytes();
    if bytes.is_empty() {
        return SegClass::FreeText;
    }
    if bytes.len() > 200 {
        return SegClass::Id(SegKind::Token);
    }
    if bytes.len() <= 20 && bytes.iter().all(u8::is_ascii_digit) {
        return SegClass::Id(SegKind::Int);
    }
    if crate::schema::is_uuid(bytes) {
        return SegClass::Id(SegKind::Uuid);
    }
    if bytes.iter().all(u8::is_ascii_hexdigit) {
        if bytes.len() == 24 && bytes.iter().any(u8::is_ascii_digit) {
            return SegClass::Id(SegKind::ObjectId);
        }
        let digits = bytes.iter().filter(|b| b.is_ascii_digit()).count();
        let letters = bytes.len() - digits;
        if (bytes.len() >= 16 && digits > 0) || (bytes.len() >= 8 && digits > 0 && letters > 0 && digits >= 2)
        {
            return SegClass::Id(SegKind::Hex);
        }
    }
    if crate::schema::is_date(bytes) || crate::schema::is_date_time(bytes) {
        return SegClass::Date;
    }
    if is_version_prefix(bytes) {
        return SegClass::VersionPrefix;
    }
    if is_version(bytes) {
        return SegClass::Version;
    }
    if is_digest(bytes) {
        return SegClass::Id(SegKind::Hex);
    }
    if segment.contains('@') && crate::schema::is_email(segment) {
        return SegClass::Id(SegKind::Email);
    }
    if is_token(bytes) || is_random_letters(bytes) {
        return SegClass::Id(SegKind::Token);
    }
    if is_reserved(segment) {
        return SegClass::Reserved;
    }
    SegClass::FreeText
}

/// Content digests: `sha256:9f86d0...`.
fn is_digest(bytes: &[u8]) -> bool {
    let Some(colon) = bytes.iter().position(|b| *b == b':') else { return false };
    let (alg, hex) = (bytes.get(..colon).unwrap_or_default(), bytes.get(colon + 1..).unwrap_or_default());
    (2..=10).contains(&alg.len())
        && alg.iter().all(u8::is_ascii_alphanumeric)
        && hex.len() >= 32
        && hex.iter().all(u8::is_ascii_hexdigit)
}

/// `v1`, `V2`, `v1.1`, `v2beta1`.
fn is_version_prefix(bytes: &[u8]) -> bool {
    let Some(rest) = bytes.strip_prefix(b"v").or_else(|| bytes.strip_prefix(b"V")) else { return false };
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 4 {
        return false;
    }
    let tail = rest.get(digits..).unwrap_or_default();
    // `v1.2.3` is a release (a value), not an API version prefix.
    tail.is_empty()
        || ([b"alpha".as_slice(), b"beta"].iter().any(|p| tail.starts_with(p))
            && tail.iter().all(u8::is_ascii_alphanumeric))
}

/// Dotted numeric versions: `2.4.11`, `1.0`, `4.17.21-beta.1`, `v0.10.26`.
fn is_version(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"v").or_else(|| bytes.strip_prefix(b"V")).unwrap_or(bytes);
    let core_end = bytes.iter().position(|b| *b == b'-' || *b == b'+').unwrap_or(bytes.len());
    let core = bytes.get(..core_end).unwrap_or_default();
    let parts: Vec<&[u8]> = core.split(|b| *b == b'.').collect();
    (2..=4).contains(&parts.len())
        && parts.iter().all(|p| !p.is_empty() && p.len() <= 6 && p.iter().all(u8::is_ascii_digit))
        && bytes
            .get(core_end..)
            .unwrap_or_default()
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-+.".contains(b))
}

/// Random mixed-case ids without digits (`cus_wyIkfPXegVICXL`): after an optional
/// `prefix_`, at least 12 letters with upper and lower case each at least 25% of them,
/// which camel-case words (`getUserProfileById`) do not reach.
fn is_random_letters(bytes: &[u8]) -> bool {
    let body = match bytes.iter().rposition(|b| *b == b'_') {
        Some(i) if i <= 8 => bytes.get(i + 1..).unwrap_or_default(),
        _ => bytes,
    };
    // base64url bodies may carry a few `-`/`_`; words joined by separators do not qualify.
    let separators = body.iter().filter(|b| **b == b'-' || **b == b'_').count();
    if body.len() < 12
        || separators * 6 > body.len()
        || !body.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
    {
        return false;
    }
    let upper = body.iter().filter(|b| b.is_ascii_uppercase()).count();
    let lower = body.iter().filter(|b| b.is_ascii_lowercase()).count();
    // camelCase words have single capitals; random ids have runs of them.
    let longest_upper_run = body.split(|b| !b.is_ascii_uppercase()).map(<[u8]>::len).max().unwrap_or(0);
    (upper * 4 >= body.len() && lower * 4 >= body.len())
        || (body.len() >= 14 && longest_upper_run >= 4 && lower >= 2)
}

/// Opaque tokens: long runs of base64/base64url characters mixing digits and letters
/// (and usually both cases). Slugs (`how-to-brew-coffee`) do not qualify: no digits,
/// no upper case.
fn is_token(bytes: &[u8]) -> bool {
    if bytes.len() < 16 {
        return false;
    }
    if !bytes.iter().all(|b| b.is_ascii_alphanumeric() || b"-_=+.~".contains(b)) {
        return false;
    }
    let digits = bytes.iter().filter(|b| b.is_ascii_digit()).count();
    let upper = bytes.iter().filter(|b| b.is_ascii_uppercase()).count();
    let lower = bytes.iter().filter(|b| b.is_ascii_lowercase()).count();
    let separators = bytes.len() - digits - upper - lower;
    let classes = usize::from(digits > 0) + usize::from(upper > 0) + usize::from(lower > 0);
    // Upper case, lower case and digits together: random (base64url tokens carry `-`/`_`
    // too); slugs and SKUs never mix all three.
    if classes == 3 && upper >= 2 && lower >= 2 {
        return true;
    }
    // Words joined by separators read as slugs or SKUs, not tokens.
    if separators * 6 > bytes.len() {
        return false;
    }
    classes == 3
        || (classes == 2 && digits > 0 && bytes.len() >= 16 && separators <= 1 && digits * 5 >= bytes.len())
}

/// Whether a free-text segment reads like an identifier (mixes letters and digits, like a
/// SKU `TSH-0042-BLU` or an `acct_8f2k` key), which lowers the evidence templating needs.
pub fn is_id_like(segment: &str) -> bool {
    let digits = segment.bytes().filter(u8::is_ascii_digit).count();
    let letters = segment.bytes().filter(u8::is_ascii_alphabetic).count();
    digits >= 2 && letters >= 1
}

/// The lexical shape of a free-text value, when it is distinctive enough to say that two
/// values are the same kind of identifier: slugs (`how-to-brew-coffee`), SKUs
/// (`TSH-0042-BLU`), handles with digits. Plain words have no distinctive shape: `drafts`
/// beside article slugs must not join them by shape.
pub fn distinctive_shape(value: &str) -> Option<String> {
    let parts = value.split(['-', '_', '.']).filter(|p| !p.is_empty()).count();
    let digits = value.bytes().any(|b| b.is_ascii_digit());
    let upper = value.bytes().any(|b| b.is_ascii_uppercase());
    if parts < 3 && !digits {
        return None;
    }
    let separators: String = {
        let mut seps: Vec<char> = value.chars().filter(|c| matches!(c, '-' | '_' | '.')).collect();
        seps.sort_unstable();
        seps.dedup();
        seps.into_iter().collect()
    };
    let length = match value.len() {
        0..=7 => "short",
        8..=15 => "medium",
        _ => "long",
    };
    Some(format!("{}{}{}{}{separators}{length}", parts.min(3), u8::from(digits), u8::from(upper), parts >= 3))
}

impl SegKind {
    pub const ALL: [SegKind; 9] = [
        SegKind::Int,
        SegKind::Uuid,
        SegKind::Hex,
        SegKind::ObjectId,
        SegKind::Email,
        SegKind::Token,
        SegKind::Date,
        SegKind::Version,
        SegKind::FreeText,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SegKind::Int => "int",
            SegKind::Uuid => "uuid",
            SegKind::Hex => "hex",
            SegKind::ObjectId => "objectid",
            SegKind::Email => "email",
            SegKind::Token => "token",
            SegKind::Date => "date",
            SegKind::Version => "version",
            SegKind::FreeText => "text",
        }
    }

    pub fn from_str_opt(text: &str) -> Option<SegKind> {
        SegKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// JSON Schema of a path parameter holding this kind.
    pub fn json_schema(self) -> serde_json::Value {
        use serde_json::json;
        match self {
            SegKind::Int => json!({"type": "integer"}),
            SegKind::Uuid => json!({"type": "string", "format": "uuid"}),
            SegKind::Email => json!({"type": "string", "format": "email"}),
            SegKind::Date => json!({"type": "string", "format": "date"}),
            SegKind::Hex | SegKind::ObjectId => json!({"type": "string", "pattern": "^[0-9a-fA-F]+$"}),
            SegKind::Token | SegKind::Version | SegKind::FreeText => json!({"type": "string"}),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert_eq!(classify("42"), SegClass::Id(SegKind::Int));
        assert_eq!(classify("123e4567-e89b-12d3-a456-426614174000"), SegClass::Id(SegKind::Uuid));
        assert_eq!(classify("507f1f77bcf86cd799439011"), SegClass::Id(SegKind::ObjectId));
        assert_eq!(classify("da39a3ee5e6b4b0d3255bfef95601890afd80709"), SegClass::Id(SegKind::Hex));
        assert_eq!(classify("a1b2c3d4"), SegClass::Id(SegKind::Hex));
        assert_eq!(classify("jane.doe@example.com"), SegClass::Id(SegKind::Email));
        assert_eq!(classify("aGVsbG8gd29ybGQ_X2Y3Nk9w"), SegClass::Id(SegKind::Token));
        assert_eq!(
            classify("sha256:2a1c2a6e9799187a661ae808f0b455cac548e30df035a372dd4c2c0f69e7c387"),
            SegClass::Id(SegKind::Hex)
        );
    }

    #[test]
    fn context_dependent_and_static() {
        assert_eq!(classify("2024-01-01"), SegClass::Date);
        assert_eq!(classify("2.4.11"), SegClass::Version);
        assert_eq!(classify("v2"), SegClass::VersionPrefix);
        assert_eq!(classify("v0.10.26"), SegClass::Version);
        assert_eq!(classify("cus_wyIkfPXegVICXL"), SegClass::Id(SegKind::Token));
        assert_eq!(classify("getUserProfileById"), SegClass::FreeText);
        assert_eq!(classify("wGU-uCRzgAaKqJudiJwKiw"), SegClass::Id(SegKind::Token));
        assert_eq!(classify("M7V4yqa1c-_m1g-UdKdn_Q"), SegClass::Id(SegKind::Token));
        assert_eq!(classify("cus_GUQBNRWPFIKEbx"), SegClass::Id(SegKind::Token));
        assert_eq!(classify("key_lx2mlwjdekw640dx"), SegClass::Id(SegKind::Token));
        assert_eq!(classify("how-to-brew-coffee-at-home"), SegClass::FreeText);
        assert_eq!(classify("me"), SegClass::Reserved);
        assert_eq!(classify("latest"), SegClass::Reserved);
        assert_eq!(classify("export"), SegClass::Reserved);
    }

    #[test]
    fn words_slugs_and_skus_are_free_text() {
        for word in
            ["users", "deadbeef", "cafe", "how-to-brew-coffee-at-home", "TSH-0042-BLU", "oauth2", "alice"]
        {
            assert_eq!(classify(word), SegClass::FreeText, "{word}");
        }
        assert!(is_id_like("TSH-0042-BLU"));
        assert!(!is_id_like("oauth2"));
    }
}

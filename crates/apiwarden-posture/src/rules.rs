//! The posture rules: id, title, severity and OWASP API Top 10 (2023) category of every
//! finding this crate raises. `docs/sensitive-data.md` lists them for users.

use apiwarden_core::{OwaspApiCategory, Severity};

/// One rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub category: OwaspApiCategory,
}

use OwaspApiCategory::{
    BrokenAuthentication as Api2, BrokenObjectPropertyLevelAuthorization as Api3,
    SecurityMisconfiguration as Api8,
};
use Severity::{Critical, High, Low, Medium};

const fn rule(id: &'static str, title: &'static str, severity: Severity, category: OwaspApiCategory) -> Rule {
    Rule { id, title, severity, category }
}

pub const CREDENTIAL_IN_URL: Rule =
    rule("sensitive.credential-in-url", "Credential sent in the URL", High, Api2);
pub const PERSONAL_DATA_IN_URL: Rule =
    rule("sensitive.personal-data-in-url", "Personal or financial data sent in the URL", Medium, Api8);
pub const UNAUTHENTICATED_SENSITIVE_RESPONSE: Rule = rule(
    "sensitive.unauthenticated-response",
    "Sensitive data returned to a call without authentication",
    High,
    Api2,
);
pub const SECRET_IN_RESPONSE: Rule =
    rule("sensitive.secret-in-response", "Password, password hash or private key in a response", High, Api3);
pub const KEY_IN_RESPONSE: Rule =
    rule("sensitive.key-in-response", "API key or token secret in a response", Medium, Api3);
pub const EXCESSIVE_DATA_EXPOSURE: Rule = rule(
    "sensitive.excessive-data-exposure",
    "Response carries personal data that other views of the same resource do not",
    Medium,
    Api3,
);
pub const CREDENTIALS_OVER_HTTP: Rule =
    rule("posture.credentials-over-http", "Credentials sent over plain HTTP", High, Api2);
pub const BASIC_AUTH_OVER_HTTP: Rule =
    rule("posture.basic-auth-over-http", "HTTP Basic authentication over plain HTTP", High, Api2);
pub const JWT_ALG_NONE: Rule = rule("jwt.alg-none", "Unsigned JWT (alg: none) in use", Critical, Api2);
pub const JWT_NO_EXPIRY: Rule = rule("jwt.no-expiry", "JWT without expiry (no exp claim)", Medium, Api2);
pub const JWT_LONG_LIFETIME: Rule = rule("jwt.long-lifetime", "JWT with a very long lifetime", Low, Api2);
pub const JWT_PERSONAL_CLAIMS: Rule = rule(
    "jwt.personal-data-in-claims",
    "Personal data in JWT claims (readable by anyone holding it)",
    Medium,
    Api3,
);
pub const VERBOSE_ERROR: Rule = rule(
    "posture.verbose-error",
    "Error response reveals internals (stack trace, SQL, debug page, paths)",
    Medium,
    Api8,
);
pub const CORS_REFLECTED_ORIGIN: Rule =
    rule("posture.cors-reflected-origin", "CORS reflects any origin and allows credentials", High, Api8);
pub const CORS_ANY_ORIGIN_WITH_CREDENTIALS: Rule =
    rule("posture.cors-any-origin-credentials", "CORS allows any origin (*) with credentials", Medium, Api8);
pub const CORS_NULL_ORIGIN: Rule =
    rule("posture.cors-null-origin", "CORS allows the null origin with credentials", Medium, Api8);
pub const MISSING_HSTS: Rule =
    rule("posture.missing-hsts", "HTTPS responses without Strict-Transport-Security", Low, Api8);
pub const MISSING_NOSNIFF: Rule =
    rule("posture.missing-nosniff", "Responses without X-Content-Type-Options: nosniff", Low, Api8);
pub const SENSITIVE_RESPONSE_CACHEABLE: Rule = rule(
    "posture.sensitive-response-cacheable",
    "Response with sensitive data may be cached (no Cache-Control: no-store or private)",
    Low,
    Api8,
);

/// Every rule, for documentation and `--rules` listings.
pub const ALL: &[Rule] = &[
    CREDENTIAL_IN_URL,
    PERSONAL_DATA_IN_URL,
    UNAUTHENTICATED_SENSITIVE_RESPONSE,
    SECRET_IN_RESPONSE,
    KEY_IN_RESPONSE,
    EXCESSIVE_DATA_EXPOSURE,
    CREDENTIALS_OVER_HTTP,
    BASIC_AUTH_OVER_HTTP,
    JWT_ALG_NONE,
    JWT_NO_EXPIRY,
    JWT_LONG_LIFETIME,
    JWT_PERSONAL_CLAIMS,
    VERBOSE_ERROR,
    CORS_REFLECTED_ORIGIN,
    CORS_ANY_ORIGIN_WITH_CREDENTIALS,
    CORS_NULL_ORIGIN,
    MISSING_HSTS,
    MISSING_NOSNIFF,
    SENSITIVE_RESPONSE_CACHEABLE,
];

/// Rules whose findings are host-wide (one finding per host, not per endpoint): they are
/// about how a server is configured, and one per endpoint would bury everything else.
pub const HOST_WIDE: &[Rule] = &[MISSING_HSTS, MISSING_NOSNIFF];

pub fn by_id(id: &str) -> Option<Rule> {
    ALL.iter().copied().find(|rule| rule.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_and_namespaced() {
        let mut ids: Vec<&str> = ALL.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), before);
        assert!(ALL.iter().all(|r| ["sensitive.", "posture.", "jwt."].iter().any(|p| r.id.starts_with(p))));
        assert_eq!(by_id("jwt.alg-none"), Some(JWT_ALG_NONE));
        assert_eq!(by_id("nope"), None);
    }
}

//! The per-call posture checks. Each failure becomes a [`PostureHit`] whose evidence is
//! already masked; discovery counts them per endpoint.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use apiwarden_core::analysis::DecodedCall;
use apiwarden_core::inspect::PostureHit;
use apiwarden_core::{ApiCall, Direction, Field, FieldValue, Location};
use apiwarden_sensitive::{Builtin, Category, Detection};
use regex::bytes::{Regex, RegexBuilder};

use crate::TrafficInspector;
use crate::rules::{self, Rule};

/// Bytes of an error response searched for internals.
const MAX_ERROR_BYTES: usize = 64 * 1024;
/// Characters of context kept around a verbose-error match.
const EVIDENCE_CONTEXT: usize = 80;
/// JWTs decoded per call.
const MAX_JWTS: usize = 4;
/// A JWT living longer than this (exp − iat) is flagged.
const LONG_JWT_LIFETIME_SECS: i64 = 7 * 24 * 3600;

pub(crate) fn run(
    inspector: &TrafficInspector,
    decoded: &DecodedCall<'_>,
    fields: &[Field],
    detections: &[Detection],
    hits: &mut Vec<PostureHit>,
) {
    let call = decoded.call;
    data_in_url(detections, fields, hits);
    let authenticated = is_authenticated(call, detections);
    unauthenticated_response(call, authenticated, detections, hits);
    secrets_in_response(detections, hits);
    plain_http(call, detections, hits);
    jwts(inspector, fields, detections, hits);
    verbose_error(inspector, call, hits);
    cors(call, hits);
    security_headers(call, detections, hits);
    // A call counts once per rule and detail (two items of one list leak one field).
    let mut seen = std::collections::HashSet::new();
    hits.retain(|hit| seen.insert(hit.key()));
}

fn hit(rule: Rule, detail: impl Into<String>, evidence: impl Into<String>) -> PostureHit {
    PostureHit {
        rule: rule.id.to_owned(),
        detail: detail.into(),
        title: rule.title.to_owned(),
        severity: rule.severity,
        category: rule.category,
        evidence: evidence.into(),
    }
}

fn location_name(location: Location, direction: Direction) -> &'static str {
    match (direction, location) {
        (Direction::Request, Location::Path) => "request path",
        (Direction::Request, Location::Query) => "query parameter",
        (Direction::Request, Location::Header) => "request header",
        (Direction::Request, Location::Cookie) => "cookie",
        (Direction::Request, Location::Body) => "request body",
        (Direction::Response, Location::Body) => "response body",
        (Direction::Response, Location::Header) => "response header",
        (Direction::Response, _) => "response",
    }
}

/// `query parameter /token`: where a detection sits, without its value.
fn place(detection: &Detection) -> String {
    format!("{} {}", location_name(detection.location, detection.direction), detection.path)
}

/// Tokens a login or an authenticated session legitimately carries; not "secrets" when an
/// endpoint hands them out.
fn is_session_token(detection: &Detection) -> bool {
    matches!(
        detection.data_type.builtin(),
        Some(Builtin::Jwt | Builtin::BearerToken | Builtin::SessionId | Builtin::BasicAuth)
    )
}

fn data_in_url(detections: &[Detection], fields: &[Field], hits: &mut Vec<PostureHit>) {
    for detection in detections {
        if detection.direction != Direction::Request
            || !matches!(detection.location, Location::Query | Location::Path)
        {
            continue;
        }
        let rule = match detection.category {
            Category::Credential => rules::CREDENTIAL_IN_URL,
            Category::Personal | Category::Financial | Category::Special => rules::PERSONAL_DATA_IN_URL,
        };
        let shown = field_text(fields, detection)
            .map(|text| apiwarden_sensitive::redact::mask(&detection.data_type, text))
            .unwrap_or_default();
        hits.push(hit(
            rule,
            format!("{}:{}:{}", detection.location.as_str(), detection.path, detection.data_type),
            format!("{} in {} (value {shown})", detection.data_type, place(detection)),
        ));
    }
}

/// The text of a detection's field (or of its span).
fn field_text<'a>(fields: &'a [Field], detection: &Detection) -> Option<&'a str> {
    let text = match &fields.get(detection.field)?.value {
        FieldValue::Text(text) => text.as_str(),
        _ => return None,
    };
    match detection.span {
        Some((start, end)) => text.get(start..end),
        None => Some(text),
    }
}

/// Whether the request carried any credential: an Authorization header, a cookie, an
/// API-key-like header or query parameter, or credentials in its body (a login).
fn is_authenticated(call: &ApiCall, detections: &[Detection]) -> bool {
    let request = &call.request;
    let header_auth = request.headers.iter().any(|header| {
        let name = header.name.as_str();
        name == "authorization"
            || name == "cookie"
            || name == "proxy-authorization"
            || name.contains("api-key")
            || name.contains("apikey")
            || name.contains("auth-token")
            || name.ends_with("-token")
    });
    header_auth
        || detections.iter().any(|d| d.direction == Direction::Request && d.category == Category::Credential)
}

fn success(call: &ApiCall) -> bool {
    call.response.as_ref().is_some_and(|r| (200..300).contains(&r.status))
}

fn unauthenticated_response(
    call: &ApiCall,
    authenticated: bool,
    detections: &[Detection],
    hits: &mut Vec<PostureHit>,
) {
    if authenticated || !success(call) {
        return;
    }
    let returned: Vec<&Detection> = detections
        .iter()
        .filter(|d| d.direction == Direction::Response && d.location == Location::Body)
        .filter(|d| d.category != Category::Personal || !is_weak_personal(d))
        .collect();
    if returned.is_empty() {
        return;
    }
    let types: BTreeSet<&str> = returned.iter().map(|d| d.data_type.as_str()).collect();
    let listed: Vec<&str> = types.into_iter().collect();
    let mut found = hit(
        rules::UNAUTHENTICATED_SENSITIVE_RESPONSE,
        "",
        // The concrete path is left out: it may itself carry personal data.
        format!(
            "answered {} to a call without any credential (no Authorization, cookie or API key), returning {}",
            call.response.as_ref().map_or(0, |r| r.status),
            listed.join(", ")
        ),
    );
    // Contact details alone (an author's e-mail on a public page) are worth a look, not an
    // alarm; identity numbers, financial data, credentials and special categories are.
    if !returned.iter().any(|d| is_serious(d)) {
        found.severity = apiwarden_core::Severity::Medium;
    }
    hits.push(found);
}

/// Data whose exposure is serious on its own.
fn is_serious(detection: &Detection) -> bool {
    detection.category != Category::Personal
        || detection
            .data_type
            .builtin()
            .is_none_or(|b| b.sensitivity() == apiwarden_sensitive::Sensitivity::High)
}

/// Personal types that public data often carries (an author's name on an article, a
/// store's address): alone, they do not make an unauthenticated response a finding.
fn is_weak_personal(detection: &Detection) -> bool {
    matches!(
        detection.data_type.builtin(),
        Some(Builtin::PersonName | Builtin::PostalAddress | Builtin::IpAddress | Builtin::Geolocation)
    )
}

fn secrets_in_response(detections: &[Detection], hits: &mut Vec<PostureHit>) {
    for detection in detections {
        if detection.direction != Direction::Response
            || detection.category != Category::Credential
            || is_session_token(detection)
            || is_issued_token(detection)
        {
            continue;
        }
        let rule = match detection.data_type.builtin() {
            Some(
                Builtin::Password | Builtin::PasswordHash | Builtin::PrivateKey | Builtin::GcpServiceAccount,
            ) => rules::SECRET_IN_RESPONSE,
            Some(Builtin::StripePublishableKey) => continue,
            _ => rules::KEY_IN_RESPONSE,
        };
        let path = crate::inspector::generalize_path(&detection.path, detection.location);
        hits.push(hit(
            rule,
            format!("{path}:{}", detection.data_type),
            format!(
                "{} in {} {path}",
                detection.data_type,
                location_name(detection.location, detection.direction)
            ),
        ));
    }
}

/// A secret-looking value under a token name (`access_token`, `refreshToken`): what an
/// authentication endpoint hands to its caller, not a leak.
fn is_issued_token(detection: &Detection) -> bool {
    detection.data_type.builtin() == Some(Builtin::GenericSecret)
        && detection.path.rsplit('/').next().is_some_and(|name| name.to_ascii_lowercase().contains("token"))
}

fn plain_http(call: &ApiCall, detections: &[Detection], hits: &mut Vec<PostureHit>) {
    let request = &call.request;
    if request.scheme != "http" || is_loopback_host(&request.host) {
        return;
    }
    let basic = request
        .header("authorization")
        .is_some_and(|value| value.trim_start().get(..6).is_some_and(|s| s.eq_ignore_ascii_case("basic ")));
    if basic {
        hits.push(hit(
            rules::BASIC_AUTH_OVER_HTTP,
            "authorization",
            format!(
                "{} http://{}{} with Authorization: Basic [REDACTED]",
                request.method, request.host, request.path
            ),
        ));
        return;
    }
    let mut what: BTreeSet<String> = BTreeSet::new();
    if request.header("authorization").is_some() {
        what.insert("Authorization header".to_owned());
    }
    for detection in detections {
        if detection.direction == Direction::Request && detection.category == Category::Credential {
            what.insert(format!(
                "{} in {}",
                detection.data_type,
                location_name(detection.location, detection.direction)
            ));
        }
    }
    if what.is_empty() {
        return;
    }
    let listed: Vec<String> = what.into_iter().collect();
    hits.push(hit(
        rules::CREDENTIALS_OVER_HTTP,
        "",
        format!("{} to http://{} carried {}", request.method, request.host, listed.join(", ")),
    ));
}

/// Traffic to the machine itself never crosses a network.
fn is_loopback_host(host: &str) -> bool {
    let name = host
        .rsplit_once(':')
        .map_or(host, |(name, port)| if port.bytes().all(|b| b.is_ascii_digit()) { name } else { host });
    let name = name.trim_start_matches('[').trim_end_matches(']');
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn jwts(
    inspector: &TrafficInspector,
    fields: &[Field],
    detections: &[Detection],
    hits: &mut Vec<PostureHit>,
) {
    let mut seen: Vec<&str> = Vec::new();
    for detection in detections {
        if detection.data_type.builtin() != Some(Builtin::Jwt) || seen.len() >= MAX_JWTS {
            continue;
        }
        let Some(text) = field_text(fields, detection) else { continue };
        let token = text.trim().trim_start_matches("Bearer ").trim_start_matches("bearer ").trim();
        if seen.contains(&token) {
            continue;
        }
        seen.push(token);
        let Some(info) = inspector.inspect_jwt(token) else { continue };
        let at = place(detection);
        let detail = format!("{}:{}", detection.location.as_str(), detection.path);
        if info.alg_none {
            hits.push(hit(
                rules::JWT_ALG_NONE,
                detail.clone(),
                format!(
                    "JWT in {at} has alg {:?} and {} signature",
                    info.header.alg,
                    if info.unsigned { "no" } else { "a" }
                ),
            ));
        }
        if info.missing_exp {
            hits.push(hit(rules::JWT_NO_EXPIRY, detail.clone(), format!("JWT in {at} has no exp claim")));
        } else if let Some(lifetime) = info.lifetime_secs.filter(|l| *l > LONG_JWT_LIFETIME_SECS) {
            hits.push(hit(
                rules::JWT_LONG_LIFETIME,
                detail.clone(),
                format!("JWT in {at} lives {} days (exp − iat)", lifetime / 86_400),
            ));
        }
        let personal: Vec<&str> = info
            .claim_types
            .iter()
            .filter(|t| t.builtin().is_none_or(|b| b.category() != Category::Credential))
            .map(|t| t.as_str())
            .collect();
        if !personal.is_empty() {
            hits.push(hit(
                rules::JWT_PERSONAL_CLAIMS,
                detail,
                format!("JWT in {at} carries {} in its claims", personal.join(", ")),
            ));
        }
    }
}

/// What a verbose error reveals: the kind, literals one of which must occur (a cheap
/// prefilter), and the pattern that confirms it. Patterns are ASCII-only byte regexes, so
/// they run on the lazy DFA over raw bodies.
const ERROR_KINDS: &[(&str, &[&str], &str)] = &[
    (
        "stack trace",
        &[".java:", ".kt:", ".scala:"],
        // Unanchored: traces are often escaped inside a JSON string (`\n\tat com...`).
        r"at [\w$]+(?:\.[\w$<>]+)+\([\w$]+\.(?:java|kt|scala|groovy):\d+\)",
    ),
    ("stack trace", &["Traceback (most recent call last)"], r"Traceback \(most recent call last\)"),
    ("stack trace", &[".py\", line"], r#"File "[^"\n]{1,200}\.py", line \d+"#),
    ("stack trace", &[":line "], r"at [\w.`<>\[\]]+\([^\n]{0,200}\) in [^\n]{1,200}:line \d+"),
    (
        "stack trace",
        &[".js:", ".mjs:", ".cjs:", ".ts:"],
        r"at [^\n()]{0,200}\((?:/|[A-Za-z]:\\)[^)\n]{1,200}\.(?:js|mjs|cjs|ts):\d+:\d+\)",
    ),
    ("stack trace", &["goroutine "], r"goroutine \d+ \[running\]"),
    ("stack trace", &[".rb:"], r"\.rb:\d+:in `"),
    (
        "stack trace",
        &[".php on line", ".php("],
        r"(?:Fatal error|Parse error|Warning): [^\n]{1,300} in \S{1,200}\.php on line \d+|(?m)^#0 \S+\.php\(\d+\)",
    ),
    ("SQL error", &["SQLSTATE["], r"SQLSTATE\[\w+\]"),
    ("SQL error", &["error in your SQL syntax"], r"You have an error in your SQL syntax"),
    ("SQL error", &["ORA-"], r"\bORA-\d{5}\b"),
    (
        "SQL error",
        &["PG::", "PSQLException", "psycopg"],
        r"\bPG::\w+Error\b|org\.postgresql\.util\.PSQLException|psycopg2?\.(?:errors|Error)",
    ),
    (
        "SQL error",
        &["SQLITE_ERROR", "sqlite3.", "java.sql.", "SequelizeDatabaseError"],
        r"SQLITE_ERROR|sqlite3\.OperationalError|java\.sql\.SQLException|SequelizeDatabaseError",
    ),
    (
        "SQL error",
        &["syntax error at or near", "Unclosed quotation mark"],
        r#"syntax error at or near "|Unclosed quotation mark after the character string"#,
    ),
    (
        "debug page",
        &["Whitelabel Error Page", "Werkzeug Debugger", "DEBUG = True"],
        r"Whitelabel Error Page|Werkzeug Debugger|You're seeing this error because you have <code>DEBUG = True</code>",
    ),
    (
        "debug page",
        &["Server Error in '/' Application", "Whoops! There was an error", "ActionController::"],
        r"Server Error in '/' Application|Whoops! There was an error|ActionController::RoutingError",
    ),
    (
        "internal path",
        &["/home/", "/var/www/", "/usr/src/app/", "/opt/", "/srv/"],
        r"(?:/home/[\w.-]{1,64}/|/var/www/|/usr/src/app/|/opt/[\w.-]{1,64}/|/srv/[\w.-]{1,64}/)[\w./-]{1,200}",
    ),
    ("internal path", &[":\\"], r"\b[A-Z]:\\(?:Users|inetpub|Program Files|Windows)\\[^\s\x22']{1,200}"),
];

static ERROR_PATTERNS: LazyLock<Vec<Option<Regex>>> = LazyLock::new(|| {
    ERROR_KINDS.iter().map(|(_, _, pattern)| RegexBuilder::new(pattern).unicode(false).build().ok()).collect()
});

fn verbose_error(inspector: &TrafficInspector, call: &ApiCall, hits: &mut Vec<PostureHit>) {
    let Some(response) = call.response.as_ref().filter(|r| r.status >= 400) else { return };
    let body: &[u8] = response.body.bytes.get(..MAX_ERROR_BYTES).unwrap_or(&response.body.bytes);
    // One hit per call: what kinds of internals it shows, with the first match as evidence.
    let mut kinds: Vec<&str> = Vec::new();
    let mut first: Option<(usize, usize)> = None;
    for ((kind, literals, _), pattern) in ERROR_KINDS.iter().zip(ERROR_PATTERNS.iter()) {
        if kinds.contains(kind)
            || !literals.iter().any(|lit| memchr::memmem::find(body, lit.as_bytes()).is_some())
        {
            continue;
        }
        let Some(found) = pattern.as_ref().and_then(|p| p.find(body)) else { continue };
        kinds.push(kind);
        first.get_or_insert((found.start(), found.end()));
    }
    let Some((start, end)) = first else { return };
    hits.push(hit(
        rules::VERBOSE_ERROR,
        "",
        format!(
            "{} in a {} response: {}",
            kinds.join(", "),
            response.status,
            inspector.mask_text(&excerpt(body, start, end))
        ),
    ));
}

/// The match with a little context, on one line.
fn excerpt(body: &[u8], start: usize, end: usize) -> String {
    let mut from = start.saturating_sub(EVIDENCE_CONTEXT / 2);
    // Start after a separator of the context, not in the middle of a word.
    if from > 0
        && let Some(gap) =
            body.get(from..start).and_then(|ctx| ctx.iter().position(|b| b" \t\n\"".contains(b)))
    {
        from += gap + 1;
    }
    let to = (end + EVIDENCE_CONTEXT / 2).min(body.len()).max(from);
    // JSON string escapes of line breaks and tabs read as spaces.
    let piece = String::from_utf8_lossy(body.get(from..to).unwrap_or_default())
        .replace("\\n", " ")
        .replace("\\t", " ");
    let one_line: String = piece.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line.chars().take(3 * EVIDENCE_CONTEXT).collect()
}

fn cors(call: &ApiCall, hits: &mut Vec<PostureHit>) {
    let Some(response) = call.response.as_ref() else { return };
    let Some(allowed) = response.header("access-control-allow-origin").map(str::trim) else { return };
    let credentials = response
        .header("access-control-allow-credentials")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    if !credentials {
        return;
    }
    let origin = call.request.header("origin").map(str::trim);
    if allowed == "*" {
        hits.push(hit(
            rules::CORS_ANY_ORIGIN_WITH_CREDENTIALS,
            "",
            "Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true",
        ));
    } else if allowed.eq_ignore_ascii_case("null") {
        hits.push(hit(
            rules::CORS_NULL_ORIGIN,
            "",
            "Access-Control-Allow-Origin: null with Access-Control-Allow-Credentials: true",
        ));
    } else if let Some(origin) = origin.filter(|o| *o == allowed && !same_site(o, &call.request.host)) {
        hits.push(hit(
            rules::CORS_REFLECTED_ORIGIN,
            "",
            format!(
                "request Origin {origin} was echoed in Access-Control-Allow-Origin with credentials allowed (API host {})",
                call.request.host
            ),
        ));
    }
}

/// Whether `origin` (`https://app.example.com`) belongs to the API's own site: the same
/// host, or a host sharing its last two labels.
fn same_site(origin: &str, api_host: &str) -> bool {
    let origin_host = origin.split("://").nth(1).unwrap_or(origin);
    let origin_host = origin_host.split(['/', ':']).next().unwrap_or_default().to_ascii_lowercase();
    let api_host = api_host.split(':').next().unwrap_or_default();
    let site = |host: &str| -> String {
        let labels: Vec<&str> = host.rsplit('.').take(2).collect();
        labels.into_iter().rev().collect::<Vec<_>>().join(".")
    };
    origin_host == api_host || site(&origin_host) == site(api_host)
}

fn security_headers(call: &ApiCall, detections: &[Detection], hits: &mut Vec<PostureHit>) {
    let Some(response) = call.response.as_ref() else { return };
    if call.request.scheme == "https" && response.header("strict-transport-security").is_none() {
        hits.push(hit(rules::MISSING_HSTS, "", "HTTPS response without Strict-Transport-Security"));
    }
    if !response.header("x-content-type-options").is_some_and(|v| v.trim().eq_ignore_ascii_case("nosniff")) {
        hits.push(hit(rules::MISSING_NOSNIFF, "", "response without X-Content-Type-Options: nosniff"));
    }
    let carries_sensitive = detections.iter().any(|d| {
        d.direction == Direction::Response
            && matches!(d.category, Category::Financial | Category::Credential | Category::Special)
    });
    if carries_sensitive && success(call) {
        let cache = response.header("cache-control").unwrap_or_default().to_ascii_lowercase();
        if !cache.contains("no-store") && !cache.contains("private") {
            hits.push(hit(
                rules::SENSITIVE_RESPONSE_CACHEABLE,
                "",
                format!(
                    "response with sensitive data has {}",
                    if cache.is_empty() {
                        "no Cache-Control header".to_owned()
                    } else {
                        format!("Cache-Control: {cache}")
                    }
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_pattern_compiles_and_its_literals_occur_in_what_it_matches() {
        for ((kind, literals, pattern), compiled) in ERROR_KINDS.iter().zip(ERROR_PATTERNS.iter()) {
            assert!(compiled.is_some(), "{kind}: {pattern}");
            assert!(!literals.is_empty(), "{kind}: {pattern}");
        }
    }

    #[test]
    fn loopback_hosts() {
        assert!(is_loopback_host("localhost:8080"));
        assert!(is_loopback_host("127.0.0.1"));
        assert!(is_loopback_host("[::1]:3000"));
        assert!(!is_loopback_host("api.example.com"));
        assert!(!is_loopback_host("10.0.0.1:80"));
    }

    #[test]
    fn same_site_origins() {
        assert!(same_site("https://app.example.com", "api.example.com"));
        assert!(same_site("https://api.example.com:8443", "api.example.com"));
        assert!(!same_site("https://evil.test", "api.example.com"));
    }

    #[test]
    fn java_traces_are_found_inside_json_strings() {
        let body =
            br#"{"error":{"detail":"boom\n\tat com.shop.PricingService.quote(PricingService.java:214)\n"}}"#;
        let java = ERROR_PATTERNS.first().and_then(Option::as_ref).unwrap();
        let found = java.find(body).unwrap();
        let shown = excerpt(body, found.start(), found.end());
        assert!(shown.contains("at com.shop.PricingService.quote(PricingService.java:214)"), "{shown}");
        assert!(!shown.contains("\\n"), "{shown}");
    }

    #[test]
    fn excerpts_survive_cuts_inside_characters() {
        let text = "ééééé SQLSTATE[42000] ééééé";
        let start = text.find("SQLSTATE").unwrap();
        let cut = excerpt(text.as_bytes(), start, start + 14);
        assert!(cut.contains("SQLSTATE[42000]"));
    }
}

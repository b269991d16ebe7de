//! The detection engine: every request field of a call, in each of its normalised forms,
//! through every detector, within a budget of fields and bytes.
//!
//! What is inspected, in this order (so that a budget cut keeps the parts an attacker
//! controls most directly): the raw path as a whole (traversal spans segments), then the
//! request's fields from the shared field list (`apiwarden_core::decode`: path segments,
//! query, headers, cookies, body leaves, with URL, base64 and JSON-in-string encodings
//! already peeled into fields of their own), then the raw request body when it is text
//! that no decoder turned into fields, or XML (document type declarations are only visible
//! there). Field names are inspected too, for operator and prototype keys.

use std::collections::HashSet;

use apiwarden_core::analysis::DecodedCall;
use apiwarden_core::decode::{DecodeLimits, DecoderRegistry};
use apiwarden_core::{ApiCall, Direction, FieldValue, Location};
use serde::Serialize;

use crate::AttackClass;
use crate::detectors::{self, Match, structure};
use crate::normalize;

/// How much of one call is inspected.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Fields (values) inspected per call at most.
    pub max_fields: usize,
    /// Bytes of values inspected per call at most (raw forms; normalised forms of a value
    /// count once).
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_fields: 1_000, max_bytes: 256 * 1024 }
    }
}

/// One attack found in a call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Detection {
    pub class: AttackClass,
    /// Stable rule id, `<class>.<rule>`.
    pub rule: &'static str,
    pub location: Location,
    /// The field: its JSON pointer for body fields, `/name` for parameters, headers and
    /// cookies, `/N` for the Nth path segment, empty for the whole path or the raw body.
    pub field: String,
    /// The text that matched (in the normalised form that matched), at most
    /// [`MAX_EVIDENCE_BYTES`].
    pub evidence: String,
}

/// Bytes of matched text kept as evidence.
pub const MAX_EVIDENCE_BYTES: usize = 96;

/// What inspecting one call found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub detections: Vec<Detection>,
    /// The call had more fields or bytes than the limits: the rest was not inspected.
    pub capped: bool,
    pub fields_inspected: usize,
    pub bytes_inspected: usize,
}

type ValueDetector = fn(&str) -> Option<Match>;

/// A detector over one value, with the bytes its attacks cannot do without: a value that
/// holds none of them (and is ASCII: folding can make any character) skips it. Most API
/// values are words, numbers and ids, and one byte scan spares them most detectors.
struct ValueCheck {
    class: AttackClass,
    detect: ValueDetector,
    /// At least one of these must occur; empty: always run.
    needs: &'static [u8],
}

const VALUE_DETECTORS: &[ValueCheck] = &[
    // Numeric contexts need no quote (`1 or 1=1`), but every injection has an operator,
    // punctuation or a space between its words.
    ValueCheck {
        class: AttackClass::Sqli,
        detect: detectors::sqli::detect,
        needs: b"'\"`=<>!;(),#-/|&@+*%~^ \t\n\r\x0b\x0c\0",
    },
    ValueCheck { class: AttackClass::Xss, detect: detectors::xss::detect, needs: b"<>:\"'`(){}=&\\" },
    ValueCheck {
        class: AttackClass::Cmdi,
        detect: detectors::cmdi::detect,
        needs: b";|&$`{}()<>%\n\r\x0b\x0c\0",
    },
    ValueCheck {
        class: AttackClass::PathTraversal,
        detect: detectors::traversal::detect,
        needs: b"./\\%:\0",
    },
    // Bare decimal and hex addresses are digits only.
    ValueCheck { class: AttackClass::Ssrf, detect: detectors::ssrf::detect, needs: b"0123456789.:/[@\\" },
    ValueCheck { class: AttackClass::Ldapi, detect: detectors::ldapi::detect, needs: b"()*\\\0" },
    ValueCheck { class: AttackClass::Ssti, detect: detectors::ssti::detect, needs: b"{}$%#@*<(_?`" },
    ValueCheck { class: AttackClass::Jndi, detect: detectors::jndi::detect, needs: b"$" },
    ValueCheck { class: AttackClass::Crlf, detect: detectors::crlf::detect, needs: b"\r\n" },
    ValueCheck { class: AttackClass::Nosqli, detect: structure::nosql_value, needs: b"'\"{;|&$" },
    ValueCheck { class: AttackClass::PrototypePollution, detect: structure::prototype_value, needs: b"" },
    ValueCheck { class: AttackClass::Xxe, detect: structure::xxe, needs: b"<" },
];

/// The bytes present in a value; `None` when it is not ASCII (then every detector runs).
fn bytes_present(value: &str) -> Option<[bool; 128]> {
    let mut present = [false; 128];
    for byte in value.bytes() {
        *present.get_mut(usize::from(byte))? = true;
    }
    Some(present)
}

fn may_match(present: Option<&[bool; 128]>, needs: &[u8]) -> bool {
    match present {
        Some(present) if !needs.is_empty() => {
            needs.iter().any(|b| present.get(usize::from(*b)).copied().unwrap_or(true))
        }
        _ => true,
    }
}

/// Detectors over one field name.
const NAME_DETECTORS: &[(AttackClass, ValueDetector)] = &[
    (AttackClass::Nosqli, structure::nosql_operator_name),
    (AttackClass::PrototypePollution, structure::prototype_name),
];

/// Runs the detectors over calls. Cheap to share between threads.
pub struct Engine {
    registry: DecoderRegistry,
    decode_limits: DecodeLimits,
    limits: Limits,
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new(Limits::default())
    }
}

impl Engine {
    pub fn new(limits: Limits) -> Engine {
        let decode_limits = DecodeLimits {
            max_body_bytes: limits.max_bytes,
            max_fields: limits.max_fields,
            ..DecodeLimits::default()
        };
        Engine { registry: DecoderRegistry::default(), decode_limits, limits }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Decodes `call` and inspects its request.
    pub fn inspect(&self, call: &ApiCall) -> Report {
        let decoded = DecodedCall::new(call, &self.registry, &self.decode_limits);
        self.inspect_decoded(&decoded)
    }

    /// Inspects the request of an already decoded call.
    pub fn inspect_decoded(&self, decoded: &DecodedCall<'_>) -> Report {
        let mut run = Run { limits: self.limits, report: Report::default(), seen: HashSet::new() };
        let request = &decoded.call.request;
        run.value(Location::Path, "", &request.path);
        for field in decoded.fields().iter().filter(|field| field.direction == Direction::Request) {
            if run.report.capped {
                break;
            }
            run.name(field.location, &field.path);
            // Numbers, booleans and nulls carry no payload.
            if let FieldValue::Text(text) = &field.value {
                run.value(field.location, &field.path, text);
            }
        }
        if !run.report.capped && raw_body_needs_inspection(decoded) {
            let bytes = &request.body.bytes;
            let text = utf16_text(bytes).unwrap_or_else(|| String::from_utf8_lossy(bytes).into_owned());
            run.value(Location::Body, "", &text);
        }
        run.report
    }
}

/// A request body the field list does not cover: text that no decoder read (plain text,
/// a body over the decoding limit, invalid JSON), and XML, whose declarations are not
/// fields.
fn raw_body_needs_inspection(decoded: &DecodedCall<'_>) -> bool {
    let body = &decoded.call.request.body;
    if body.bytes.is_empty() {
        return false;
    }
    let decoded_ok = matches!(&decoded.request_body, Some(Ok(_)));
    let looks_xml = body.bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<');
    !decoded_ok || looks_xml
}

/// A UTF-16 body (XML parsers accept it; it hides markup from byte-oriented rules), by its
/// byte-order mark or by the zero bytes of ASCII characters.
fn utf16_text(bytes: &[u8]) -> Option<String> {
    let (big_endian, body) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (false, rest),
        [0xFE, 0xFF, rest @ ..] => (true, rest),
        [0, b, ..] if *b != 0 => (true, bytes),
        [b, 0, ..] if *b != 0 => (false, bytes),
        _ => return None,
    };
    let units = body.chunks_exact(2).map(|pair| match pair {
        [a, b] if big_endian => u16::from_be_bytes([*a, *b]),
        [a, b] => u16::from_le_bytes([*a, *b]),
        _ => 0,
    });
    Some(char::decode_utf16(units).map(|unit| unit.unwrap_or('\u{fffd}')).collect())
}

struct Run {
    limits: Limits,
    report: Report,
    /// (rule, location, field) already reported for this call.
    seen: HashSet<(&'static str, Location, String)>,
}

impl Run {
    fn value(&mut self, location: Location, field: &str, value: &str) {
        if value.is_empty() {
            return;
        }
        if self.report.fields_inspected >= self.limits.max_fields
            || self.report.bytes_inspected.saturating_add(value.len()) > self.limits.max_bytes
        {
            self.report.capped = true;
            return;
        }
        self.report.fields_inspected += 1;
        self.report.bytes_inspected += value.len();
        for form in normalize::variants(value) {
            let present = bytes_present(&form);
            for check in VALUE_DETECTORS {
                if !may_match(present.as_ref(), check.needs) {
                    continue;
                }
                if let Some(found) = (check.detect)(&form) {
                    self.record(check.class, found, location, field, &form);
                }
            }
        }
    }

    fn name(&mut self, location: Location, name: &str) {
        for (class, detect) in NAME_DETECTORS {
            if let Some(found) = detect(name) {
                self.record(*class, found, location, name, name);
            }
        }
    }

    fn record(&mut self, class: AttackClass, found: Match, location: Location, field: &str, text: &str) {
        if !self.seen.insert((found.rule, location, field.to_owned())) {
            return;
        }
        self.report.detections.push(Detection {
            class,
            rule: found.rule,
            location,
            field: field.to_owned(),
            evidence: evidence(text, found.span),
        });
    }
}

/// The matched text, cut to [`MAX_EVIDENCE_BYTES`] at a character boundary.
fn evidence(text: &str, span: std::ops::Range<usize>) -> String {
    let matched = text.get(span).unwrap_or(text);
    let mut end = matched.len().min(MAX_EVIDENCE_BYTES);
    while !matched.is_char_boundary(end) {
        end -= 1;
    }
    matched.get(..end).unwrap_or_default().to_owned()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use apiwarden_core::{Body, CallId, Header, HttpRequest, Observed, SourceKind};

    use super::*;

    fn call(path: &str, query: Option<&str>, headers: &[(&str, &str)], body: &str) -> ApiCall {
        ApiCall {
            id: CallId(1),
            started_at_us: 0,
            observed: Observed { source: SourceKind::Har, origin: "test".into(), position: None },
            client: Default::default(),
            request: HttpRequest {
                method: "POST".into(),
                scheme: "https".into(),
                host: "api.test".into(),
                path: path.into(),
                query: query.map(Into::into),
                http_version: None,
                headers: headers.iter().map(|(n, v)| Header::new(n, *v)).collect(),
                body: Body::from_bytes(body.to_owned()),
            },
            response: None,
            timings: Default::default(),
        }
    }

    fn rules(report: &Report) -> Vec<(&'static str, Location, &str)> {
        report.detections.iter().map(|d| (d.rule, d.location, d.field.as_str())).collect()
    }

    #[test]
    fn names_in_json_bodies_and_query_strings_are_inspected() {
        let json = call(
            "/login",
            Some("role[$ne]=user"),
            &[("content-type", "application/json")],
            r#"{"user":"ann","password":{"$ne":null},"__proto__":{"isAdmin":true}}"#,
        );
        let report = Engine::default().inspect(&json);
        let found = rules(&report);
        assert!(found.contains(&("nosqli.operator", Location::Body, "/password/$ne")), "{found:?}");
        assert!(found.contains(&("nosqli.operator", Location::Query, "/role[$ne]")), "{found:?}");
        assert!(
            found.contains(&("prototype_pollution.proto_key", Location::Body, "/__proto__/isAdmin")),
            "{found:?}"
        );
    }

    #[test]
    fn xml_bodies_are_inspected_raw_for_entity_declarations() {
        let body = r#"<?xml version="1.0"?><!DOCTYPE o [<!ENTITY x SYSTEM "file:///etc/passwd">]><order>&x;</order>"#;
        let report =
            Engine::default().inspect(&call("/orders", None, &[("content-type", "application/xml")], body));
        // The SYSTEM URL also reads as a file wrapper and a dangerous scheme.
        let xxe = report.detections.iter().find(|d| d.rule == "xxe.external_entity").unwrap();
        assert_eq!((xxe.location, xxe.field.as_str()), (Location::Body, ""));
        assert!(xxe.evidence.starts_with("<!DOCTYPE"));
    }

    #[test]
    fn the_budget_caps_fields_and_bytes_and_says_so() {
        let many: Vec<String> = (0..50).map(|i| format!("p{i}=v")).collect();
        let engine = Engine::new(Limits { max_fields: 10, max_bytes: 1_000 });
        let report = engine.inspect(&call("/a", Some(&many.join("&")), &[], ""));
        assert!(report.capped);
        assert_eq!(report.fields_inspected, 10);
        let big = "x".repeat(2_000);
        let report = engine.inspect(&call("/a", None, &[("content-type", "text/plain")], &big));
        assert!(report.capped);
        assert!(report.bytes_inspected <= 1_000);
    }

    proptest::proptest! {
        /// The byte prefilter only skips detectors that could not have matched.
        #[test]
        fn the_prefilter_never_hides_a_detection(value in r"[ -~\t\r\n]{0,60}") {
            let present = bytes_present(&value);
            for check in VALUE_DETECTORS {
                if (check.detect)(&value).is_some() {
                    proptest::prop_assert!(may_match(present.as_ref(), check.needs), "{} on {value:?}", check.class);
                }
            }
        }
    }

    #[test]
    fn the_prefilter_keeps_every_detection_of_known_attacks() {
        for value in [
            "1 union select 1,2",
            "' OR '1'='1",
            "2130706433",
            "0x7f000001",
            "${jndi:ldap://x/a}",
            "x\r\nSet-Cookie: a=b",
            "<svg onload=alert(1)>",
            "../../etc/passwd",
            "{{7*7}}",
            "*)(uid=*",
            "; cat /etc/passwd",
            "__proto__.x",
        ] {
            let present = bytes_present(value);
            for check in VALUE_DETECTORS {
                if (check.detect)(value).is_some() {
                    assert!(may_match(present.as_ref(), check.needs), "{} on {value:?}", check.class);
                }
            }
        }
    }

    #[test]
    fn clean_calls_report_nothing_and_evidence_is_bounded() {
        let clean = call("/api/users/42", Some("page=2&sort=name"), &[("accept", "application/json")], "");
        let report = Engine::default().inspect(&clean);
        assert!(report.detections.is_empty(), "{:?}", report.detections);
        assert!(!report.capped);
        assert_eq!(evidence(&"é".repeat(100), 0..200).len(), 96);
    }
}

//! Tests of the attack corpus: determinism, coverage claims, the wire format of every
//! placement, body syntax, and the legitimate traffic's breadth.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::OnceLock;

use apiwarden_core::decode::{
    DecodeLimits, DecoderRegistry, parse_cookie_header, parse_multipart, parse_query,
};
use apiwarden_core::har::HarLimits;
use apiwarden_core::jsonl::{call_to_line, line_to_call};
use percent_encoding::percent_decode_str;
use serde_json::Value;

use super::payloads::{SPECS, Shape};
use super::*;

const SEED: u64 = 42;

fn attacks() -> &'static [LabelledCall] {
    static CALLS: OnceLock<Vec<LabelledCall>> = OnceLock::new();
    CALLS.get_or_init(|| attack_calls(SEED))
}

fn legit() -> &'static [LabelledCall] {
    static CALLS: OnceLock<Vec<LabelledCall>> = OnceLock::new();
    CALLS.get_or_init(|| legit_calls(SEED, DEFAULT_LEGIT_CALLS))
}

fn all() -> impl Iterator<Item = &'static LabelledCall> {
    attacks().iter().chain(legit())
}

/// The wire-level evasion names; a label whose evasion is one of them (and differs from
/// its technique) went through that encoding.
const WIRE_NAMES: &[&str] = &[
    "url",
    "double_url",
    "fullwidth",
    "json_unicode",
    "base64",
    "xml_entity",
    "cdata",
    "overlong_utf8",
    "encoded_slash",
    "part_filename",
    "dot_notation",
    "utf16",
];

/// Whether the payload went into the request with the placement's plain encoding only.
fn plain(label: &AttackLabel) -> bool {
    label.evasion == label.technique
}

fn text_shape(label: &AttackLabel) -> bool {
    super::payloads::spec(label.class)
        .and_then(|s| s.payloads.iter().find(|p| p.text == label.payload))
        .is_some_and(|p| p.shape == Shape::Text)
}

#[test]
fn same_seed_same_corpus_other_seed_other_values() {
    let lines = |calls: &[LabelledCall]| calls.iter().map(|c| call_to_line(&c.call)).collect::<Vec<_>>();
    assert_eq!(lines(attacks()), lines(&attack_calls(SEED)));
    assert_eq!(
        attacks().iter().map(|c| &c.attack).collect::<Vec<_>>(),
        attack_calls(SEED).iter().map(|c| &c.attack).collect::<Vec<_>>()
    );
    assert_eq!(lines(&legit_calls(SEED, 400)), lines(legit().get(..400).unwrap()));
    assert_ne!(lines(&legit_calls(SEED + 1, 400)), lines(legit().get(..400).unwrap()));
    // The payloads do not depend on the seed, only the surroundings do.
    let labels = |calls: &[LabelledCall]| calls.iter().map(|c| c.attack.clone()).collect::<Vec<_>>();
    assert_eq!(labels(attacks()), labels(&attack_calls(SEED + 1)));
}

#[test]
fn every_class_is_present_in_every_placement_it_claims_and_nowhere_else() {
    let counts = counts(attacks());
    assert_eq!(SPECS.len(), CLASSES.len());
    for class in CLASSES {
        let claimed = class_placements(class);
        assert!(!claimed.is_empty(), "{class} claims no placement");
        for placement in Placement::ALL {
            let n = counts.get(&(class, placement)).copied().unwrap_or(0);
            if claimed.contains(&placement) {
                assert!(n >= 15, "{class} has only {n} calls in {placement:?}");
            } else {
                assert_eq!(n, 0, "{class} appears in unclaimed {placement:?}");
            }
        }
    }
    assert_eq!(class_placements("xxe"), [Placement::Xml]);
}

#[test]
fn every_class_has_at_least_fifteen_distinct_base_payloads_all_sent() {
    let sent: BTreeSet<(&str, &str)> =
        attacks().iter().filter_map(|c| c.attack.as_ref()).map(|l| (l.class, l.payload.as_str())).collect();
    for spec in SPECS {
        let distinct: BTreeSet<&str> = spec.payloads.iter().map(|p| p.text).collect();
        assert_eq!(distinct.len(), spec.payloads.len(), "{} repeats a payload", spec.class);
        assert!(distinct.len() >= 15, "{} has {} payloads", spec.class, distinct.len());
        for payload in distinct {
            assert!(sent.contains(&(spec.class, payload)), "{} payload never sent: {payload:?}", spec.class);
        }
        assert!(!spec.sinks.is_empty());
        if spec.placements.contains(&Placement::Header) {
            assert!(!spec.headers.is_empty(), "{} has no header names", spec.class);
        }
        if spec.placements.contains(&Placement::Cookie) {
            assert!(!spec.cookies.is_empty(), "{} has no cookie names", spec.class);
        }
    }
}

#[test]
fn wire_evasions_are_spread_and_named_apart_from_techniques() {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for label in attacks().iter().filter_map(|c| c.attack.as_ref()) {
        assert!(
            !WIRE_NAMES.contains(&label.technique),
            "technique {} shadows a wire evasion",
            label.technique
        );
        if !plain(label) {
            assert!(WIRE_NAMES.contains(&label.evasion), "unknown evasion {}", label.evasion);
        }
        *seen.entry(label.evasion).or_insert(0) += 1;
    }
    for name in WIRE_NAMES {
        assert!(seen.get(name).copied().unwrap_or(0) >= 3, "wire evasion {name} barely used: {seen:?}");
    }
    for technique in [
        "case",
        "comment",
        "whitespace",
        "quote_split",
        "nested_lookup",
        "dot_doubling",
        "decimal_ip",
        "html_entity",
    ] {
        assert!(seen.contains_key(technique), "technique {technique} missing");
    }
}

#[test]
fn there_are_at_least_5000_legit_calls_and_they_carry_no_label() {
    const { assert!(DEFAULT_LEGIT_CALLS >= 5_000) };
    assert_eq!(legit().len(), DEFAULT_LEGIT_CALLS);
    assert!(legit().iter().all(|c| c.attack.is_none()));
    assert!(attacks().iter().all(|c| c.attack.is_some()));
}

#[test]
fn every_call_round_trips_through_json_lines_and_ids_are_distinct() {
    let mut ids = HashSet::new();
    for labelled in all() {
        let call = &labelled.call;
        assert!(ids.insert(call.id), "duplicate id {}", call.id);
        assert_eq!(call.observed.source, apiwarden_core::SourceKind::Har);
        assert_eq!(call.observed.origin, "attack-corpus");
        assert_eq!(call.request.scheme, "https");
        let line = call_to_line(call);
        assert!(!line.contains('\n'));
        let back = line_to_call(line.as_bytes(), "test", 1, &HarLimits::default()).unwrap();
        assert_eq!(&back, call, "{line}");
        let status = call.response.as_ref().map(|r| r.status);
        assert!(matches!(status, Some(200 | 201)));
    }
}

/// Characters a browser or HTTP library never sends raw in a path or query.
fn assert_wire_url_part(part: &str, what: &str, call: &LabelledCall) {
    let bytes = part.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        assert!(
            (0x21..=0x7e).contains(&b)
                && !matches!(b, b'"' | b'#' | b'<' | b'>' | b'\\' | b'`' | b'{' | b'}'),
            "{what} has raw byte {b:#04x} at {i}: {part} ({:?})",
            call.attack
        );
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3).unwrap_or_default();
            assert!(
                hex.len() == 2 && hex.iter().all(u8::is_ascii_hexdigit),
                "{what} has a bad escape: {part}"
            );
        }
    }
}

#[test]
fn paths_and_queries_are_encoded_as_real_clients_send_them() {
    for labelled in all() {
        let request = &labelled.call.request;
        assert!(request.path.starts_with('/'));
        assert_wire_url_part(&request.path, "path", labelled);
        if let Some(query) = &request.query {
            assert_wire_url_part(query, "query", labelled);
        }
    }
}

fn registry() -> &'static DecoderRegistry {
    static REGISTRY: OnceLock<DecoderRegistry> = OnceLock::new();
    REGISTRY.get_or_init(DecoderRegistry::default)
}

fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(members) => members.iter().for_each(|(k, v)| {
            out.push(k.clone());
            strings(v, out);
        }),
        _ => {}
    }
}

/// XML text of a body: UTF-8, or UTF-16LE after a byte order mark.
fn xml_source(body: &[u8]) -> String {
    match body.strip_prefix(&[0xFF, 0xFE]) {
        Some(rest) => {
            let units: Vec<u16> = rest.chunks(2).map(|p| u16::from_le_bytes([p[0], p[1]])).collect();
            String::from_utf16(&units).unwrap()
        }
        None => String::from_utf8(body.to_vec()).unwrap(),
    }
}

#[test]
fn bodies_parse_as_their_content_type_says() {
    let limits = DecodeLimits::default();
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for labelled in all() {
        let call = &labelled.call;
        let body = &call.request.body.bytes;
        if body.is_empty() {
            continue;
        }
        let content_type = call.request.header("content-type").expect("a body has a content type");
        let essence = apiwarden_core::model::media_type_essence(content_type);
        match essence.as_str() {
            "application/json" => {
                serde_json::from_slice::<Value>(body)
                    .unwrap_or_else(|e| panic!("bad JSON {e}: {:?}", labelled.attack));
                *by_kind.entry("json").or_insert(0) += 1;
            }
            "application/x-www-form-urlencoded" => {
                let text = std::str::from_utf8(body).unwrap();
                assert_wire_url_part(text, "form", labelled);
                assert!(!parse_query(text).is_empty());
                *by_kind.entry("form").or_insert(0) += 1;
            }
            "multipart/form-data" => {
                let parsed = parse_multipart(body, content_type, &limits).unwrap();
                assert!(parsed.complete, "multipart not closed");
                assert!(!parsed.parts.is_empty());
                *by_kind.entry("multipart").or_insert(0) += 1;
            }
            "application/xml" | "text/xml" | "image/svg+xml" | "application/rss+xml" => {
                let source = xml_source(body);
                if let Err(e) = well_formed(&source) {
                    panic!("XML not well-formed ({e}): {source}");
                }
                if !source.contains("<!DOCTYPE") && !body.starts_with(&[0xFF, 0xFE]) {
                    // Without a DTD, apiwarden's own decoder must read it.
                    let decoded = registry().decode(Some(content_type), body, &limits);
                    assert!(
                        matches!(decoded, Some(Ok(_))) || essence == "image/svg+xml",
                        "{decoded:?}: {source}"
                    );
                }
                *by_kind.entry("xml").or_insert(0) += 1;
            }
            "application/octet-stream" => {}
            other => panic!("unexpected content type {other}"),
        }
    }
    for kind in ["json", "form", "multipart", "xml"] {
        assert!(by_kind.get(kind).copied().unwrap_or(0) > 200, "{kind}: {by_kind:?}");
    }
}

/// Decoded strings of the placement a label names, or `None` when the test cannot read it
/// back with a plain decoder.
fn placement_values(labelled: &LabelledCall, label: &AttackLabel) -> Vec<String> {
    let request = &labelled.call.request;
    let limits = DecodeLimits::default();
    let content_type = request.header("content-type").unwrap_or("");
    match label.placement {
        Placement::Path => {
            let decoded = percent_decode_str(&request.path).decode_utf8_lossy().into_owned();
            let last = request.path.rsplit('/').next().unwrap_or("");
            vec![decoded, percent_decode_str(last).decode_utf8_lossy().into_owned()]
        }
        Placement::Query => {
            parse_query(request.query.as_deref().unwrap_or("")).into_iter().map(|(_, v)| v).collect()
        }
        Placement::Header => request.headers.iter().map(|h| h.value.clone()).collect(),
        Placement::Cookie => parse_cookie_header(request.header("cookie").unwrap_or(""))
            .into_iter()
            .map(|(_, v)| percent_decode_str(&v).decode_utf8_lossy().into_owned())
            .collect(),
        Placement::Form => parse_query(std::str::from_utf8(&request.body.bytes).unwrap())
            .into_iter()
            .map(|(_, v)| v)
            .collect(),
        Placement::Multipart => parse_multipart(&request.body.bytes, content_type, &limits)
            .unwrap()
            .parts
            .iter()
            .map(|part| String::from_utf8_lossy(part.data).into_owned())
            .collect(),
        Placement::JsonBody | Placement::Xml => {
            let decoded =
                registry().decode(Some(content_type), &request.body.bytes, &limits).unwrap().unwrap();
            let mut out = Vec::new();
            strings(&decoded.value, &mut out);
            out
        }
    }
}

#[test]
fn plain_text_payloads_decode_back_to_themselves_in_their_placement() {
    let mut checked = 0;
    for labelled in attacks() {
        let label = labelled.attack.as_ref().unwrap();
        if !plain(label) || !text_shape(label) {
            continue;
        }
        let values = placement_values(labelled, label);
        let found = match (label.class, label.placement) {
            // Raw dot segments: the decoded path ends with the payload.
            ("path_traversal", Placement::Path) => {
                values.first().is_some_and(|p| p.ends_with(&label.payload))
            }
            _ => values.contains(&label.payload),
        };
        assert!(found, "{label:?} not found in {values:?}");
        checked += 1;
    }
    assert!(checked > 1500, "{checked}");
}

#[test]
fn wire_evasions_decode_to_the_payload_where_a_client_library_would() {
    for labelled in attacks() {
        let label = labelled.attack.as_ref().unwrap();
        let values = || placement_values(labelled, label);
        let payload = label.payload.as_str();
        match (label.evasion, label.placement) {
            ("url", Placement::Query | Placement::Form) if text_shape(label) => {
                assert!(values().iter().any(|v| v == payload), "{label:?}")
            }
            ("double_url", Placement::Query | Placement::Form) => assert!(
                values().iter().any(|v| percent_decode_str(v).decode_utf8_lossy() == payload),
                "{label:?}"
            ),
            ("json_unicode", Placement::JsonBody) => {
                let body = std::str::from_utf8(&labelled.call.request.body.bytes).unwrap();
                assert!(body.contains("\\u00"), "{body}");
                if text_shape(label) {
                    assert!(values().iter().any(|v| v == payload), "{label:?}");
                }
            }
            ("xml_entity" | "cdata", Placement::Xml) => {
                assert!(values().iter().any(|v| v == payload), "{label:?}")
            }
            ("base64", Placement::JsonBody | Placement::Query) if text_shape(label) => {
                use base64::Engine as _;
                let encoded = base64::engine::general_purpose::STANDARD.encode(payload);
                assert!(values().contains(&encoded), "{label:?}");
            }
            _ => {}
        }
    }
}

#[test]
fn structural_payloads_are_spelled_for_their_placement() {
    let mut spellings = BTreeSet::new();
    for labelled in attacks() {
        let label = labelled.attack.as_ref().unwrap();
        let request = &labelled.call.request;
        let query = request.query.as_deref().unwrap_or("");
        let body = String::from_utf8_lossy(&request.body.bytes);
        if label.class == "nosqli"
            && label.placement == Placement::Query
            && plain(label)
            && query.contains("[$ne]")
        {
            spellings.insert("query brackets");
        }
        if label.class == "nosqli" && label.placement == Placement::JsonBody && body.contains("{\"$ne\":") {
            spellings.insert("json operator");
        }
        if label.class == "prototype_pollution" && query.starts_with("__proto__[") {
            spellings.insert("query __proto__");
        }
        if label.class == "prototype_pollution" && query.contains("constructor[prototype]") {
            spellings.insert("query constructor");
        }
        if label.class == "prototype_pollution" && query.contains("[__proto__][") {
            spellings.insert("query nested __proto__");
        }
        if label.class == "prototype_pollution"
            && label.evasion == "dot_notation"
            && body.contains("__proto__.")
        {
            spellings.insert("dot keys");
        }
        if label.placement == Placement::Cookie
            && request.header("cookie").is_some_and(|c| c.contains("=j%3A%7B"))
        {
            spellings.insert("j: cookie");
        }
    }
    assert_eq!(spellings.len(), 7, "{spellings:?}");
}

#[test]
fn xxe_is_only_whole_xml_documents() {
    for labelled in attacks() {
        let label = labelled.attack.as_ref().unwrap();
        if label.class == "xxe" {
            assert_eq!(label.placement, Placement::Xml);
            let source = xml_source(&labelled.call.request.body.bytes);
            assert!(source.contains("<!DOCTYPE") || source.contains("XInclude"), "{source}");
        }
    }
}

#[test]
fn legit_traffic_covers_every_placement_with_suspicious_values() {
    let text: Vec<String> = legit()
        .iter()
        .map(|c| {
            let r = &c.call.request;
            let headers: Vec<String> = r.headers.iter().map(|h| format!("{}: {}", h.name, h.value)).collect();
            format!(
                "{}\n{}\n{}\n{}\n{}",
                percent_decode_str(&r.path).decode_utf8_lossy(),
                r.query
                    .as_deref()
                    .map(|q| parse_query(q)
                        .into_iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join("&"))
                    .unwrap_or_default(),
                headers.join("\n"),
                String::from_utf8_lossy(&r.body.bytes),
                r.header("cookie")
                    .map(|c| percent_decode_str(c).decode_utf8_lossy().into_owned())
                    .unwrap_or_default(),
            )
        })
        .collect();
    let markers = [
        "O'Brien",
        "D'Angelo",
        "select",
        "union",
        "--",
        "<p>",
        "<strong>",
        "<a href=\"https://",
        "<img src=\"https://",
        "<ul><li>",
        "<table>",
        "```sql",
        "DROP TABLE",
        "rm -rf",
        "Traceback",
        "docs/guide/intro.md",
        "../images/logo.png",
        r"C:\Users\ana\report.pdf",
        "hooks.slack.com",
        "title:foo AND (bar OR baz) -qux",
        "price>10",
        "a|b",
        "\"$schema\"",
        "$12.",
        "=SUM(A1:A3)",
        "2*(3+4)",
        "+1 (555)",
        "127.0.0.1",
        "Hello {{first_name}}",
        "<3",
        ":-)",
        "eyJ",
        "Hi",
        "x < 10",
        "j:{\"theme\"",
        "x-search:",
        "soap:Envelope",
        "\"$set\"",
    ];
    for marker in markers {
        assert!(text.iter().any(|t| t.contains(marker)), "no legit call contains {marker:?}");
    }
    let kinds: BTreeSet<String> = legit()
        .iter()
        .filter_map(|c| c.call.request.header("content-type").map(apiwarden_core::model::media_type_essence))
        .collect();
    for kind in [
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "application/xml",
        "text/xml",
    ] {
        assert!(kinds.contains(kind), "{kinds:?}");
    }
    let hosts: BTreeSet<&str> = legit().iter().map(|c| c.call.request.host.as_str()).collect();
    let attack_hosts: BTreeSet<&str> = attacks().iter().map(|c| c.call.request.host.as_str()).collect();
    assert!(attack_hosts.is_subset(&hosts), "attacks go to hosts without legit traffic");
}

#[test]
fn summary_names_every_class() {
    let line = summary_line(attacks());
    assert!(!line.contains('\n'));
    for class in CLASSES {
        assert!(line.contains(&format!(" {class} ")), "{line}");
    }
}

#[test]
fn write_corpus_writes_three_line_files() {
    let dir = std::env::temp_dir().join(format!("apiwarden-attack-corpus-{}", std::process::id()));
    let summary = write_corpus(&dir, 3, 50).unwrap();
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let (attack_lines, legit_lines, labels) =
        (read("attacks.jsonl"), read("legit.jsonl"), read("labels.jsonl"));
    assert_eq!(legit_lines.lines().count(), 50);
    assert_eq!(attack_lines.lines().count(), labels.lines().count());
    let first: Value = serde_json::from_str(labels.lines().next().unwrap()).unwrap();
    for key in ["id", "class", "placement", "evasion", "technique", "payload"] {
        assert!(first.get(key).is_some(), "{first}");
    }
    assert!(summary.contains("50 legit"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A small XML well-formedness check: one root element, balanced tags, quoted attributes,
/// entity and character references, comments, processing instructions, CDATA and a
/// DOCTYPE with an internal subset. Entity declarations are not checked against uses.
fn well_formed(doc: &str) -> Result<(), String> {
    let mut rest = doc;
    let mut stack: Vec<&str> = Vec::new();
    let mut roots = 0;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<?") {
            rest = after.split_once("?>").ok_or("unclosed PI")?.1;
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.split_once("-->").ok_or("unclosed comment")?.1;
        } else if let Some(after) = rest.strip_prefix("<![CDATA[") {
            if stack.is_empty() {
                return Err("CDATA outside the root".into());
            }
            rest = after.split_once("]]>").ok_or("unclosed CDATA")?.1;
        } else if let Some(after) = rest.strip_prefix("<!DOCTYPE") {
            if roots > 0 || !stack.is_empty() {
                return Err("DOCTYPE after the root".into());
            }
            let (mut depth, mut quote, mut end) = (0i32, None, None);
            for (i, c) in after.char_indices() {
                match (quote, c) {
                    (Some(q), c) if c == q => quote = None,
                    (Some(_), _) => {}
                    (None, '"' | '\'') => quote = Some(c),
                    (None, '[') => depth += 1,
                    (None, ']') => depth -= 1,
                    (None, '>') if depth == 0 => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            rest = &after[end.ok_or("unclosed DOCTYPE")? + 1..];
        } else if let Some(after) = rest.strip_prefix("</") {
            let (name, tail) = after.split_once('>').ok_or("unclosed end tag")?;
            if stack.pop() != Some(name.trim_end()) {
                return Err(format!("mismatched </{name}>"));
            }
            rest = tail;
        } else if let Some(after) = rest.strip_prefix('<') {
            let end = after.find(['>', '/', ' ', '\t', '\n', '\r']).ok_or("unclosed tag")?;
            let name = &after[..end];
            if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || "_:-.".contains(c)) {
                return Err(format!("bad element name {name:?}"));
            }
            let top_level = stack.is_empty();
            let mut tail = &after[end..];
            loop {
                tail = tail.trim_start();
                if let Some(t) = tail.strip_prefix("/>") {
                    tail = t;
                    break;
                }
                if let Some(t) = tail.strip_prefix('>') {
                    stack.push(name);
                    tail = t;
                    break;
                }
                let (attr, value) = tail.split_once('=').ok_or(format!("bad attribute in <{name}>"))?;
                if attr.trim().is_empty() {
                    return Err("empty attribute name".into());
                }
                let value = value.trim_start();
                let quote =
                    value.chars().next().filter(|c| *c == '"' || *c == '\'').ok_or("unquoted attribute")?;
                let (text, t) = value[1..].split_once(quote).ok_or("unclosed attribute")?;
                if text.contains('<') {
                    return Err("< in attribute".into());
                }
                check_references(text)?;
                tail = t;
            }
            if top_level {
                roots += 1;
            }
            rest = tail;
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let text = &rest[..end];
            if stack.is_empty() && !text.trim().is_empty() {
                return Err(format!("text outside the root: {text:?}"));
            }
            check_references(text)?;
            rest = &rest[end..];
        }
    }
    if !stack.is_empty() {
        return Err(format!("unclosed elements {stack:?}"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(())
}

/// Every `&` starts `&name;`, `&#digits;` or `&#xhex;`.
fn check_references(text: &str) -> Result<(), String> {
    for (i, _) in text.match_indices('&') {
        let reference = text[i + 1..].split_once(';').ok_or("unterminated reference")?.0;
        let ok = match reference.strip_prefix("#x") {
            Some(hex) => !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()),
            None => match reference.strip_prefix('#') {
                Some(digits) => !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()),
                None => {
                    !reference.is_empty()
                        && reference.chars().all(|c| c.is_alphanumeric() || "_-.".contains(c))
                }
            },
        };
        if !ok {
            return Err(format!("bad reference &{reference};"));
        }
    }
    Ok(())
}

#[test]
fn the_well_formedness_check_rejects_broken_xml() {
    assert!(well_formed("<a><b>x</b></a>").is_ok());
    assert!(well_formed("<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x \"]>\">]><a>&x;</a>").is_ok());
    assert!(well_formed("<a><b></a></b>").is_err());
    assert!(well_formed("<a>1 < 2</a>").is_err());
    assert!(well_formed("<a>R&D</a>").is_err());
    assert!(well_formed("<a/><b/>").is_err());
    assert!(well_formed("<a x=1/>").is_err());
}

//! Puts payloads into requests, encoded for each placement as a real client sends it.
//!
//! * Path: one segment as `encodeURIComponent` writes it; path traversal goes into the raw
//!   path as dot segments (what `curl --path-as-is` or a proxy tool sends), its
//!   encoded-slash form being an evasion.
//! * Query and form: `application/x-www-form-urlencoded` values; structural payloads as
//!   bracketed keys (`password[$ne]=`), raw in queries as typed, encoded in forms as `qs`
//!   writes them.
//! * Header: the value as is (payloads that cannot be a header value are not sent there).
//! * Cookie: raw when every character is a cookie octet, else `encodeURIComponent`;
//!   structural payloads as `j:` JSON cookies, which `cookie-parser` turns into objects.
//! * JSON: a string at one of several depths (top level, nested objects, JSON:API
//!   attributes, inside arrays of objects and of strings, a search DSL); structural
//!   payloads merged in as members.
//! * Multipart: a text part among ordinary parts and a file part.
//! * XML: element text, an attribute, a SOAP 1.1 body or a nested list; XXE documents as
//!   the whole body.
//!
//! Every call surrounds the payload with ordinary parameters and client headers.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use super::evasion::{self, Wire, wire_evasions};
use super::payloads::{ClassSpec, Payload, SPECS, Shape, Sink};
use super::request::{self, Kind, Multipart, Req, component, form_encode, form_pairs};
use super::{AttackLabel, LabelledCall, Placement};
use crate::values::{b62, pick, uuid};
use crate::words::TAGS;

pub(crate) fn attack_calls(seed: u64) -> Vec<LabelledCall> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x00a7_7ac4_c0de);
    let mut calls = Vec::new();
    let mut index = 0u64;
    for spec in SPECS {
        for (i, payload) in spec.payloads.iter().enumerate() {
            for (pi, &placement) in spec.placements.iter().enumerate() {
                if !fits(spec, payload, placement) {
                    continue;
                }
                // The rotation spreads wire evasions, sinks and body shapes over payloads.
                let rotation = i + pi;
                let mut variants = vec![None];
                if payload.shape == Shape::Document {
                    // XXE has one placement: each document also goes to a second endpoint.
                    variants.push(None);
                }
                if let Some(wire) = second_variant(spec.class, payload, placement, rotation) {
                    variants.push(Some(wire));
                }
                for (k, wire) in variants.into_iter().enumerate() {
                    let Some(sink) = spec.sinks.get((rotation + k) % spec.sinks.len().max(1)) else {
                        continue;
                    };
                    let req = build(&mut rng, spec, payload, placement, wire, *sink, rotation);
                    let req = request::with_client_headers(&mut rng, req);
                    let call = request::finish(req, Kind::Attack, index, &mut rng);
                    index += 1;
                    calls.push(LabelledCall {
                        call,
                        attack: Some(AttackLabel {
                            class: spec.class,
                            placement,
                            evasion: wire.map_or(payload.technique, Wire::name),
                            technique: payload.technique,
                            payload: payload.text.to_string(),
                        }),
                    });
                }
            }
        }
    }
    calls
}

/// Whether the payload is sent in this placement at all.
fn fits(spec: &ClassSpec, payload: &Payload, placement: Placement) -> bool {
    if payload.only.is_some_and(|only| !only.contains(&placement)) {
        return false;
    }
    let text = payload.text;
    match (payload.shape, placement) {
        (Shape::Document, placement) => placement == Placement::Xml,
        (_, Placement::Xml) if payload.shape != Shape::Text => false,
        // An operator object has no path spelling; a polluting key path is a route
        // parameter (`PUT /preferences/:key`).
        (Shape::Members, Placement::Path) => spec.class == "prototype_pollution",
        (Shape::Members, Placement::Header) => false,
        // A header value is one line of visible ASCII (and tabs), without the leading or
        // trailing whitespace HTTP strips.
        (_, Placement::Header) => {
            text.trim() == text && text.chars().all(|c| c == '\t' || (' '..='~').contains(&c))
        }
        // XML 1.0 has no NUL nor most other control characters, even as references.
        (_, Placement::Xml) => !text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')),
        _ => true,
    }
}

/// The wire evasion of the payload's second call in this placement, if any.
fn second_variant(class: &str, payload: &Payload, placement: Placement, rotation: usize) -> Option<Wire> {
    let wires = wire_evasions(class, placement);
    let first = wires.get(rotation % wires.len().max(1)).copied().flatten()?;
    // An evasion that does not apply to this payload gives way to the next one that does.
    std::iter::once(first)
        .chain((1..wires.len()).filter_map(|k| wires.get((rotation + k) % wires.len()).copied().flatten()))
        .find(|wire| wire_fits(*wire, payload))
}

fn wire_fits(wire: Wire, payload: &Payload) -> bool {
    let text = payload.text;
    match wire {
        Wire::Url | Wire::DoubleUrl | Wire::JsonUnicode => true,
        Wire::Base64 => payload.shape != Shape::Document,
        Wire::DotNotation => payload.shape == Shape::Members,
        Wire::Utf16 => payload.shape == Shape::Document,
        Wire::Cdata => payload.shape == Shape::Text && !text.contains("]]>"),
        Wire::PartFilename => {
            payload.shape == Shape::Text && !text.chars().any(|c| c == '"' || c.is_control())
        }
        // Full-width forms of a payload without punctuation would be the payload itself.
        Wire::Fullwidth => payload.shape == Shape::Text && text.chars().any(|c| c.is_ascii_punctuation()),
        Wire::XmlEntity | Wire::OverlongUtf8 | Wire::EncodedSlash => payload.shape == Shape::Text,
    }
}

fn build(
    rng: &mut StdRng,
    spec: &ClassSpec,
    payload: &Payload,
    placement: Placement,
    wire: Option<Wire>,
    sink: Sink,
    rotation: usize,
) -> Req {
    let text = payload.text;
    match payload.shape {
        Shape::Document => xml_document(rng, sink, text, wire),
        Shape::Members => {
            let members: Value = serde_json::from_str(text).unwrap_or(Value::Null);
            members_request(rng, spec, &members, placement, wire, sink, rotation)
        }
        Shape::Text => {
            // Full-width and base64 change the value itself; the rest is the placement's.
            let value = match wire {
                Some(Wire::Fullwidth) => evasion::fullwidth(text),
                Some(Wire::Base64) => evasion::base64(text),
                _ => text.to_string(),
            };
            let field = if wire == Some(Wire::Base64) { base64_field(sink, rotation) } else { sink.field };
            let pre_encoded = match wire {
                Some(Wire::Url) => Some(evasion::percent_all(text)),
                Some(Wire::DoubleUrl) => Some(evasion::percent_twice(text)),
                Some(Wire::OverlongUtf8) => Some(evasion::overlong_utf8(text)),
                Some(Wire::EncodedSlash) => Some(component(text)),
                _ => None,
            };
            match placement {
                Placement::Path => {
                    let segment = pre_encoded.unwrap_or_else(|| {
                        if spec.class == "path_traversal" { raw_path(&value) } else { component(&value) }
                    });
                    Req::new("GET", sink.host, format!("{}/{segment}", sink.path))
                }
                Placement::Query => {
                    let wire_value = pre_encoded.unwrap_or_else(|| form_encode(&value));
                    Req::new("GET", sink.host, sink.path).query(query_with(rng, field, &wire_value, rotation))
                }
                Placement::Header => {
                    let name = pick_rotating(spec.headers, rotation).unwrap_or("x-search");
                    Req::new("GET", sink.host, sink.path)
                        .query(format!("page={}", rng.random_range(1..5u32)))
                        .header(name, value)
                }
                Placement::Cookie => {
                    let name = pick_rotating(spec.cookies, rotation).unwrap_or("session");
                    let cookie = pre_encoded.unwrap_or_else(|| cookie_value(&value));
                    let mut req = Req::new("GET", sink.host, sink.path);
                    req.set_header("cookie", format!("{name}={cookie}"));
                    req
                }
                Placement::JsonBody => {
                    let literal = evasion::json_string(&value, wire == Some(Wire::JsonUnicode));
                    let body = json_with(rng, field, &literal, rotation);
                    Req::new("POST", sink.host, sink.path).body("application/json", body)
                }
                Placement::Form => {
                    let wire_value = pre_encoded.unwrap_or_else(|| form_encode(&value));
                    let body = format!(
                        "{}={wire_value}&{}",
                        form_encode(field),
                        form_pairs(&[
                            ("csrf_token".to_string(), b62(rng, 32)),
                            ("locale".to_string(), pick(rng, &["en", "en-GB", "pt-PT", "de"]).to_string()),
                        ])
                    );
                    Req::new("POST", sink.host, sink.path).body("application/x-www-form-urlencoded", body)
                }
                Placement::Multipart => {
                    let filler = if field == "title" { "folder" } else { "title" };
                    let parts = Multipart::new(rng).text(filler, &format!("{} notes", pick(rng, TAGS)));
                    let parts = if wire == Some(Wire::PartFilename) {
                        parts.text(field, "attachment").file("file", &value, "text/plain", "hello\n")
                    } else {
                        let parts = parts.text(field, &value);
                        if rotation.is_multiple_of(2) {
                            parts.file("file", "notes.txt", "text/plain", "meeting notes\n")
                        } else {
                            parts
                        }
                    };
                    let (content_type, body) = parts.finish();
                    Req::new("POST", sink.host, sink.path).body(&content_type, body)
                }
                Placement::Xml => xml_text_request(rng, sink, &value, wire, rotation),
            }
        }
    }
}

/// The field an application base64-decodes.
fn base64_field(sink: Sink, rotation: usize) -> &'static str {
    pick_rotating(&["data", "state", "token", "payload"], rotation).unwrap_or(sink.field)
}

fn pick_rotating(items: &[&'static str], rotation: usize) -> Option<&'static str> {
    items.get(rotation % items.len().max(1)).copied()
}

/// The raw path as a proxy tool sends it: dot segments and slashes kept, anything that is
/// not allowed in a URL percent-encoded (backslashes included, as in `%5C`).
fn raw_path(text: &str) -> String {
    const RAW: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}')
        .add(b'%')
        .add(b'\\')
        .add(b'^')
        .add(b'|');
    percent_encoding::utf8_percent_encode(text, RAW).to_string()
}

/// Raw when every character is a cookie octet (RFC 6265), else `encodeURIComponent`, as
/// frameworks write cookie values.
fn cookie_value(text: &str) -> String {
    let octet = |c: char| matches!(c, '!' | '#'..='+' | '-'..=':' | '<'..='[' | ']'..='~');
    if !text.is_empty() && text.chars().all(octet) { text.to_string() } else { component(text) }
}

/// A query with the payload parameter among ordinary ones; `wire_value` is already encoded.
fn query_with(rng: &mut StdRng, field: &str, wire_value: &str, rotation: usize) -> String {
    let mut params = vec![format!("{}={wire_value}", form_encode(field))];
    params.push(format!("page={}", rng.random_range(1..9u32)));
    if rotation % 3 != 1 {
        params.push(format!("per_page={}", pick(rng, &["20", "50", "100"])));
    }
    if rotation % 2 == 1 {
        params.rotate_left(1);
    }
    params.join("&")
}

/// A JSON body with `literal` (a JSON string literal) at one of several depths.
fn json_with(rng: &mut StdRng, field: &str, literal: &str, rotation: usize) -> String {
    const SLOT: &str = "@@payload@@";
    let body = match rotation % 6 {
        0 => json!({ field: SLOT, "page": 1, "per_page": 20 }),
        1 => json!({ "filter": { field: SLOT }, "sort": "-created_at" }),
        2 => json!({ "data": { "type": "records", "attributes": { field: SLOT, "locale": "en-GB" } } }),
        3 => json!({ "items": [{ "id": rng.random_range(1..9000u32), field: SLOT }], "source": "web" }),
        4 => json!({ field: [pick(rng, TAGS), SLOT], "mode": "append" }),
        _ => json!({ "query": { "bool": { "must": [{ "match": { field: SLOT } }] } }, "size": 10 }),
    };
    let text = serde_json::to_string(&body).unwrap_or_default();
    text.replacen(&format!("\"{SLOT}\""), literal, 1)
}

/// Requests for structural payloads: JSON members, bracketed keys, `j:` cookies.
fn members_request(
    rng: &mut StdRng,
    spec: &ClassSpec,
    members: &Value,
    placement: Placement,
    wire: Option<Wire>,
    sink: Sink,
    rotation: usize,
) -> Req {
    let dots = wire == Some(Wire::DotNotation);
    // Half the time the members sit under a wrapper key: `filter[...]` for a query
    // filter, the sink's own object (`preferences[__proto__][isAdmin]`) for merges.
    let wrapper = match spec.class {
        "prototype_pollution" => sink.field,
        _ => "filter",
    };
    let wrapped = if rotation % 2 == 1 { json!({ wrapper: members }) } else { members.clone() };
    match placement {
        Placement::Path => {
            let mut leaves = Vec::new();
            flatten(members, String::new(), true, &mut leaves);
            let (key, _) = leaves.first().cloned().unwrap_or_default();
            let leaf = first_leaf(members);
            let segment = match wire {
                Some(Wire::Url) => evasion::percent_all(&key),
                _ if rotation.is_multiple_of(2) => component(&key),
                // `/settings/:section/:key` routes: one segment per key.
                _ => key.split('.').map(component).collect::<Vec<_>>().join("/"),
            };
            Req::new("PUT", sink.host, format!("{}/{segment}", sink.path)).json(&json!({ "value": leaf }))
        }
        Placement::Query | Placement::Form => {
            let mut pairs = Vec::new();
            flatten(&wrapped, String::new(), dots, &mut pairs);
            let encoded: Vec<String> = pairs
                .iter()
                .map(|(k, v)| match wire {
                    Some(Wire::Url) => format!("{}={}", evasion::percent_all(k), evasion::percent_all(v)),
                    // Typed into a URL, brackets and `$` stay as they are; `qs` and
                    // browsers encode them in form bodies.
                    _ if placement == Placement::Query => format!("{}={}", bracket_key(k), form_encode(v)),
                    _ => format!("{}={}", form_encode(k), form_encode(v)),
                })
                .collect();
            let mut text = encoded.join("&");
            if placement == Placement::Query {
                text.push_str(&format!("&_={}", rng.random_range(1_700_000_000_000u64..1_800_000_000_000)));
                Req::new("GET", sink.host, sink.path).query(text)
            } else {
                text.push_str(&format!("&csrf_token={}", b62(rng, 32)));
                Req::new("POST", sink.host, sink.path).body("application/x-www-form-urlencoded", text)
            }
        }
        Placement::Multipart => {
            let mut pairs = Vec::new();
            flatten(&wrapped, String::new(), dots, &mut pairs);
            let mut parts = Multipart::new(rng).text("request_id", &uuid(rng));
            for (k, v) in &pairs {
                parts = parts.text(k, v);
            }
            let (content_type, body) = parts.finish();
            Req::new("POST", sink.host, sink.path).body(&content_type, body)
        }
        Placement::Cookie => {
            let json = evasion::json_text(members, false);
            let cookie = match wire {
                Some(Wire::Base64) => evasion::base64(&json),
                Some(Wire::Url) => evasion::percent_all(&format!("j:{json}")),
                _ => component(&format!("j:{json}")),
            };
            let name = pick_rotating(spec.cookies, rotation).unwrap_or("session");
            let mut req = Req::new("GET", sink.host, sink.path);
            req.set_header("cookie", format!("{name}={cookie}"));
            req
        }
        // Header and XML never receive structural payloads (see `fits`); JSON is the rest.
        _ => {
            let body = if dots {
                let mut object = serde_json::Map::new();
                dotted_leaves(members, String::new(), &mut object);
                object.insert("client".into(), Value::String("web".into()));
                Value::Object(object)
            } else {
                match rotation % 5 {
                    0 => merge(members, json!({ "client": "web" })),
                    1 => json!({ wrapper: members, "limit": 20 }),
                    2 => json!({ "data": { "type": "records", "attributes": members } }),
                    3 => json!({ "items": [members], "mode": "merge" }),
                    _ => json!({ sink.field: { "display": members }, "version": rng.random_range(1..40u32) }),
                }
            };
            let text = evasion::json_text(&body, wire == Some(Wire::JsonUnicode));
            let method = if spec.class == "prototype_pollution" { "PATCH" } else { "POST" };
            Req::new(method, sink.host, sink.path).body("application/json", text)
        }
    }
}

/// `a` with the members of `b` added (`a`'s win).
fn merge(a: &Value, b: Value) -> Value {
    match (a, b) {
        (Value::Object(a), Value::Object(mut b)) => {
            for (k, v) in a {
                b.insert(k.clone(), v.clone());
            }
            Value::Object(b)
        }
        (a, _) => a.clone(),
    }
}

/// The first scalar (or array) under nested objects.
fn first_leaf(value: &Value) -> Value {
    match value {
        Value::Object(members) => members.values().next().map_or(Value::Null, first_leaf),
        other => other.clone(),
    }
}

/// `a[b][c]=v` (or `a.b.c=v`) pairs of a JSON value, as `qs` and similar parsers read
/// them back: arrays of scalars as `key[]`, arrays of objects with indices, null as empty.
fn flatten(value: &Value, prefix: String, dots: bool, out: &mut Vec<(String, String)>) {
    let child = |key: &str| {
        if prefix.is_empty() {
            key.to_string()
        } else if dots {
            format!("{prefix}.{key}")
        } else {
            format!("{prefix}[{key}]")
        }
    };
    match value {
        Value::Object(members) => {
            for (k, v) in members {
                flatten(v, child(k), dots, out);
            }
        }
        Value::Array(items) if items.is_empty() => out.push((prefix, String::new())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let key = if item.is_object() || item.is_array() {
                    child(&i.to_string())
                } else {
                    format!("{prefix}[]")
                };
                flatten(item, key, dots, out);
            }
        }
        Value::Null => out.push((prefix, String::new())),
        Value::String(s) => out.push((prefix, s.clone())),
        other => out.push((prefix, other.to_string())),
    }
}

/// `{"a": {"b": 1}}` as `{"a.b": 1}` (arrays and scalars are leaves), the shape
/// `dot-object` and `_.set`-style setters read back.
fn dotted_leaves(value: &Value, prefix: String, out: &mut serde_json::Map<String, Value>) {
    match value {
        Value::Object(members) if !members.is_empty() => {
            for (k, v) in members {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                dotted_leaves(v, key, out);
            }
        }
        leaf => {
            out.insert(prefix, leaf.clone());
        }
    }
}

/// A query key as typed: form-encoded, but brackets and `$` kept.
fn bracket_key(key: &str) -> String {
    form_encode(key).replace("%5B", "[").replace("%5D", "]").replace("%24", "$")
}

/// A request whose XML body carries the payload as element text, an attribute, inside a
/// SOAP envelope or deep in a list.
fn xml_text_request(rng: &mut StdRng, sink: Sink, value: &str, wire: Option<Wire>, rotation: usize) -> Req {
    let field = sink.field;
    let content = match wire {
        Some(Wire::XmlEntity) => evasion::xml_references(value),
        Some(Wire::Cdata) => format!("<![CDATA[{value}]]>"),
        _ => evasion::xml_text(value),
    };
    // CDATA exists only in element content: no attribute form then.
    let form = if wire == Some(Wire::Cdata) { (rotation % 2) * 2 } else { rotation % 4 };
    let id = rng.random_range(1000..99_999u32);
    let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    let (content_type, body, soap_action) = match form {
        0 => (
            "application/xml",
            format!("{declaration}<request>\n  <{field}>{content}</{field}>\n  <page>1</page>\n</request>"),
            None,
        ),
        1 => {
            let attribute =
                if wire == Some(Wire::XmlEntity) { content.clone() } else { evasion::xml_attribute(value) };
            ("application/xml", format!("{declaration}<query {field}=\"{attribute}\" limit=\"20\"/>"), None)
        }
        2 => {
            let operation = soap_operation(sink.path);
            (
                "text/xml; charset=utf-8",
                format!(
                    "{declaration}<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:svc=\"urn:example:api\">\n  <soapenv:Header/>\n  <soapenv:Body>\n    <svc:{operation}>\n      <svc:id>{id}</svc:id>\n      <svc:{field}>{content}</svc:{field}>\n    </svc:{operation}>\n  </soapenv:Body>\n</soapenv:Envelope>"
                ),
                Some(format!("\"urn:example:api#{operation}\"")),
            )
        }
        _ => (
            "application/xml; charset=utf-8",
            format!(
                "{declaration}<batch>\n  <items>\n    <item id=\"{id}\">\n      <{field}>{content}</{field}>\n    </item>\n  </items>\n</batch>"
            ),
            None,
        ),
    };
    let req = Req::new("POST", sink.host, sink.path).body(content_type, body);
    match soap_action {
        Some(action) => req.header("soapaction", action),
        None => req,
    }
}

/// `/api/tickets` → `UpdateTickets`.
fn soap_operation(path: &str) -> String {
    let last = path.rsplit('/').next().unwrap_or("Item");
    let camel: String = last.split(['-', '_']).map(request::capitalize).collect();
    format!("Update{camel}")
}

/// An XXE document as the whole body, with the content type its endpoint expects.
fn xml_document(rng: &mut StdRng, sink: Sink, document: &str, wire: Option<Wire>) -> Req {
    let is_svg = document.contains("<svg");
    let is_soap = document.contains("soap:Envelope");
    let path = if is_svg {
        format!("/api/v1/users/{}/avatar", rng.random_range(1..90_000u32))
    } else if is_soap {
        "/soap/TicketService".to_string()
    } else {
        sink.path.to_string()
    };
    let host = if is_soap {
        request::hosts::SUPPORT
    } else if is_svg {
        request::hosts::FILES
    } else {
        sink.host
    };
    let mut content_type = if is_svg {
        "image/svg+xml".to_string()
    } else if is_soap {
        "text/xml; charset=utf-8".to_string()
    } else {
        pick(rng, &["application/xml", "text/xml", "application/xml; charset=utf-8"]).to_string()
    };
    let body = if wire == Some(Wire::Utf16) {
        content_type =
            format!("{}; charset=utf-16", content_type.split(';').next().unwrap_or("application/xml"));
        evasion::utf16_document(document)
    } else {
        document.as_bytes().to_vec()
    };
    let req = Req::new(if is_svg { "PUT" } else { "POST" }, host, path).body(&content_type, body);
    if is_soap { req.header("soapaction", "\"urn:example:support#GetTicket\"") } else { req }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn flatten_spells_objects_as_qs_reads_them() {
        let value: Value =
            serde_json::from_str(r#"{"password": {"$ne": null}, "u": {"$in": ["a", "b"]}, "o": [{"x": 1}]}"#)
                .unwrap();
        let mut pairs = Vec::new();
        flatten(&value, String::new(), false, &mut pairs);
        let text: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(text, ["o[0][x]=1", "password[$ne]=", "u[$in][]=a", "u[$in][]=b"]);
        let mut dotted = Vec::new();
        flatten(
            &serde_json::from_str(r#"{"__proto__": {"isAdmin": true}}"#).unwrap(),
            String::new(),
            true,
            &mut dotted,
        );
        assert_eq!(dotted, [("__proto__.isAdmin".to_string(), "true".to_string())]);
    }

    #[test]
    fn cookie_values_are_raw_only_when_legal() {
        assert_eq!(cookie_value("../../etc/passwd"), "../../etc/passwd");
        assert_eq!(cookie_value("' OR 1=1"), "'%20OR%201%3D1");
        assert_eq!(raw_path(r"..\a b"), "..%5Ca%20b");
    }
}

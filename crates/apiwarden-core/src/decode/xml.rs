use serde_json::{Map, Value};

use super::{BodyDecoder, DecodeError, DecodeLimits};

/// XML (SOAP included): the document as a JSON-like tree, so that every analyzer sees XML
/// bodies as fields like any other.
///
/// The root element is an object with one key, its local name. An element with neither
/// attributes nor child elements is its text; otherwise an object of its attributes
/// (`@name`), its child elements by local name (repeated names become arrays, in order) and
/// its own text (`#text`, when not blank). Namespace prefixes are dropped (`soap:Body` is
/// `Body`). Documents with a DTD are refused: API calls have no use for one, and the entity
/// tricks that need one are the attack detector's business, which reads the raw body.
pub(super) struct XmlDecoder;

impl BodyDecoder for XmlDecoder {
    fn name(&self) -> &'static str {
        "xml"
    }

    fn media_types(&self) -> &'static [&'static str] {
        &["application/xml", "text/xml", "application/soap+xml"]
    }

    fn suffixes(&self) -> &'static [&'static str] {
        &["xml"]
    }

    fn decode(&self, body: &[u8], _content_type: &str, limits: &DecodeLimits) -> Result<Value, DecodeError> {
        let invalid = |message: String| DecodeError::Invalid { decoder: "xml", message };
        let text = std::str::from_utf8(body).map_err(|err| invalid(err.to_string()))?;
        let options = roxmltree::ParsingOptions {
            allow_dtd: false,
            // Elements, attributes and text nodes: a generous multiple of the field cap.
            nodes_limit: u32::try_from(limits.max_fields.saturating_mul(4)).unwrap_or(u32::MAX),
            ..roxmltree::ParsingOptions::default()
        };
        let document =
            roxmltree::Document::parse_with_options(text, options).map_err(|err| invalid(err.to_string()))?;
        let root = document.root_element();
        let mut object = Map::new();
        object.insert(root.tag_name().name().to_owned(), element_value(root, 1, limits.max_depth));
        Ok(Value::Object(object))
    }
}

fn element_value(element: roxmltree::Node<'_, '_>, depth: usize, max_depth: usize) -> Value {
    let has_children = element.children().any(|child| child.is_element());
    let text: String = element.children().filter(|child| child.is_text()).filter_map(|t| t.text()).collect();
    if element.attributes().len() == 0 && !has_children {
        return Value::String(text);
    }
    let mut object = Map::new();
    for attribute in element.attributes() {
        object.insert(format!("@{}", attribute.name()), Value::String(attribute.value().to_owned()));
    }
    if depth >= max_depth {
        // Deeper content is kept as text so that nothing is hidden from detectors.
        let inner: String = element.descendants().filter(|n| n.is_text()).filter_map(|t| t.text()).collect();
        object.insert("#text".to_owned(), Value::String(inner));
        return Value::Object(object);
    }
    for child in element.children().filter(|child| child.is_element()) {
        let value = element_value(child, depth + 1, max_depth);
        let name = child.tag_name().name();
        match object.get_mut(name) {
            Some(Value::Array(values)) => values.push(value),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, value]);
            }
            None => {
                object.insert(name.to_owned(), value);
            }
        }
    }
    if !text.trim().is_empty() {
        object.insert("#text".to_owned(), Value::String(text.trim().to_owned()));
    }
    Value::Object(object)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::json;

    use super::*;

    fn decode(body: &str) -> Result<Value, DecodeError> {
        XmlDecoder.decode(body.as_bytes(), "text/xml", &DecodeLimits::default())
    }

    #[test]
    fn soap_envelopes_become_trees_without_prefixes() {
        let body = r#"<?xml version="1.0"?>
            <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
              <soap:Body>
                <GetOrder xmlns="urn:shop"><id>42</id><tag>a</tag><tag kind="x">b</tag></GetOrder>
              </soap:Body>
            </soap:Envelope>"#;
        assert_eq!(
            decode(body).unwrap(),
            json!({"Envelope": {"Body": {"GetOrder": {
                "id": "42",
                "tag": ["a", {"@kind": "x", "#text": "b"}]
            }}}})
        );
    }

    #[test]
    fn entities_and_cdata_are_text_and_dtds_are_refused() {
        assert_eq!(decode("<q>a &lt; b &amp; <![CDATA[<c>]]></q>").unwrap(), json!({"q": "a < b & <c>"}));
        let xxe = r#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>"#;
        assert!(decode(xxe).is_err());
        assert!(decode("<a><b></a>").is_err());
    }

    #[test]
    fn depth_and_node_count_are_bounded() {
        let deep = format!("{}x{}", "<e>".repeat(100), "</e>".repeat(100));
        let value = decode(&deep).unwrap();
        assert!(value.to_string().contains("\"#text\":\"x\""), "deep text kept: {value}");
        let many = format!("<r>{}</r>", "<i>1</i>".repeat(20_000));
        let limits = DecodeLimits { max_fields: 100, ..DecodeLimits::default() };
        assert!(XmlDecoder.decode(many.as_bytes(), "text/xml", &limits).is_err());
    }
}

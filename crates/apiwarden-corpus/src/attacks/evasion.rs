//! Wire-level evasions: encodings an attacker applies to a payload so that it no longer
//! looks like itself on the wire while the application still decodes it to the attack.
//!
//! Only evasions that exist for a class in a placement are used ([`wire_evasions`]): URL
//! and double URL encoding where the application URL-decodes (paths, queries, forms,
//! cookies); JSON `\u` escapes in JSON bodies; XML character references and CDATA in XML;
//! full-width punctuation where frameworks apply Unicode compatibility normalisation (SQL,
//! HTML, file names); base64 in fields an application decodes (`data`, `state`, session
//! cookies); overlong UTF-8 and encoded slashes for path traversal; a traversal in a
//! multipart file name; dot-notation keys for prototype pollution; UTF-16 XML documents.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::Placement::{self, Cookie, Form, JsonBody, Multipart, Path, Query, Xml};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Wire {
    /// Every byte percent-encoded, letters included (`%27%20%4F%52`).
    Url,
    /// Percent-encoded twice (`%2527`), for applications that decode twice.
    DoubleUrl,
    /// ASCII punctuation replaced by its full-width form (`＇`, `＜`, `．`), which NFKC
    /// normalisation turns back.
    Fullwidth,
    /// Every character of the string as a JSON `\uXXXX` escape.
    JsonUnicode,
    /// The payload base64-encoded in a field the application decodes.
    Base64,
    /// Every character as an XML character reference (`&#x27;`).
    XmlEntity,
    /// The payload in a CDATA section.
    Cdata,
    /// `.`, `/` and `\` as overlong UTF-8 (`%c0%ae`, `%c0%af`, `%c1%9c`).
    OverlongUtf8,
    /// A traversal sent as one path segment with its slashes percent-encoded (`..%2F..%2F`).
    EncodedSlash,
    /// The payload as the file name of a multipart file part.
    PartFilename,
    /// Object keys written as dot paths (`__proto__.isAdmin`) instead of brackets.
    DotNotation,
    /// The XML document encoded as UTF-16 with a byte order mark.
    Utf16,
}

impl Wire {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Wire::Url => "url",
            Wire::DoubleUrl => "double_url",
            Wire::Fullwidth => "fullwidth",
            Wire::JsonUnicode => "json_unicode",
            Wire::Base64 => "base64",
            Wire::XmlEntity => "xml_entity",
            Wire::Cdata => "cdata",
            Wire::OverlongUtf8 => "overlong_utf8",
            Wire::EncodedSlash => "encoded_slash",
            Wire::PartFilename => "part_filename",
            Wire::DotNotation => "dot_notation",
            Wire::Utf16 => "utf16",
        }
    }
}

use Wire::{
    Base64, Cdata, DotNotation, DoubleUrl, EncodedSlash, Fullwidth, JsonUnicode, OverlongUtf8, PartFilename,
    Url, Utf16, XmlEntity,
};

/// The wire evasions sent for `class` in `placement`, in rotation: payload `i` gets entry
/// `i % len` as its second variant. `None` entries thin the rotation out (some payloads
/// get no second variant).
pub(crate) fn wire_evasions(class: &str, placement: Placement) -> &'static [Option<Wire>] {
    match (class, placement) {
        ("sqli", Path) => &[Some(Url), Some(DoubleUrl), Some(Fullwidth)],
        ("sqli", Query) => &[Some(Url), Some(DoubleUrl), Some(Fullwidth), Some(Base64)],
        ("sqli", Cookie) => &[Some(Url), Some(Base64)],
        ("sqli", JsonBody) => &[Some(JsonUnicode), Some(Fullwidth), Some(Base64)],
        ("sqli", Form) => &[Some(Url), Some(DoubleUrl)],
        ("sqli" | "xss", Multipart) => &[Some(Fullwidth), None],
        ("sqli" | "xss" | "cmdi" | "ssrf" | "ssti", Xml) => &[Some(XmlEntity), Some(Cdata)],
        ("xss", Path | Query) => &[Some(Url), Some(DoubleUrl), Some(Fullwidth)],
        ("xss" | "cmdi" | "ssti" | "jndi" | "nosqli", Cookie) => &[Some(Url)],
        ("xss", JsonBody) => &[Some(JsonUnicode), Some(Fullwidth)],
        ("xss" | "cmdi" | "ldapi", Form) => &[Some(Url), Some(DoubleUrl)],
        ("cmdi" | "ssrf" | "ldapi" | "ssti" | "crlf", Path | Query) => {
            if class == "ssrf" && placement == Query {
                &[Some(Url), Some(DoubleUrl), Some(Base64)]
            } else {
                &[Some(Url), Some(DoubleUrl)]
            }
        }
        ("cmdi" | "ssti", JsonBody) => &[Some(JsonUnicode), Some(Base64)],
        ("path_traversal", Path) => {
            &[Some(EncodedSlash), Some(Url), Some(DoubleUrl), Some(OverlongUtf8), Some(Fullwidth)]
        }
        ("path_traversal", Query) => {
            &[Some(Url), Some(DoubleUrl), Some(OverlongUtf8), Some(Fullwidth), Some(Base64)]
        }
        ("path_traversal" | "crlf", Cookie) => &[Some(Url), Some(DoubleUrl)],
        ("path_traversal", JsonBody) => &[Some(JsonUnicode), Some(Fullwidth)],
        ("path_traversal", Form) => &[Some(Url), Some(DoubleUrl), Some(OverlongUtf8)],
        ("path_traversal", Multipart) => &[Some(PartFilename), None],
        ("path_traversal" | "ldapi" | "jndi", Xml) => &[Some(XmlEntity)],
        ("ssrf" | "ldapi" | "jndi" | "nosqli" | "crlf", JsonBody) => &[Some(JsonUnicode)],
        ("ssrf" | "ssti" | "jndi" | "nosqli", Form) => &[Some(Url)],
        ("crlf", Form) => &[Some(Url), Some(DoubleUrl)],
        ("jndi" | "nosqli", Path | Query) => &[Some(Url)],
        ("xxe", Xml) => &[Some(Utf16), None],
        ("prototype_pollution", Path) => &[Some(Url)],
        ("prototype_pollution", Query | Form) => &[Some(Url), Some(DotNotation)],
        ("prototype_pollution", Cookie) => &[Some(Url), Some(Base64)],
        ("prototype_pollution", JsonBody) => &[Some(JsonUnicode), Some(DotNotation)],
        ("prototype_pollution", Multipart) => &[Some(DotNotation)],
        _ => &[],
    }
}

/// Every byte as `%XX` (uppercase hex), letters and digits included.
pub(crate) fn percent_all(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// Percent-encoded twice: `'` becomes `%2527`.
pub(crate) fn percent_twice(text: &str) -> String {
    percent_all(text).replace('%', "%25")
}

/// `.` `/` `\` as overlong two-byte UTF-8 sequences, everything else as a client encodes
/// one URL component.
pub(crate) fn overlong_utf8(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for ch in text.chars() {
        match ch {
            '.' => out.push_str("%c0%ae"),
            '/' => out.push_str("%c0%af"),
            '\\' => out.push_str("%c1%9c"),
            _ => {
                let mut buf = [0u8; 4];
                out.push_str(&super::request::component(ch.encode_utf8(&mut buf)));
            }
        }
    }
    out
}

/// ASCII punctuation as full-width forms (U+FF01..U+FF5E); letters, digits and
/// whitespace stay, so the payload still reads as itself after NFKC.
pub(crate) fn fullwidth(text: &str) -> String {
    text.chars()
        .map(
            |c| {
                if c.is_ascii_punctuation() { char::from_u32(u32::from(c) + 0xFEE0).unwrap_or(c) } else { c }
            },
        )
        .collect()
}

pub(crate) fn base64(text: &str) -> String {
    STANDARD.encode(text.as_bytes())
}

/// A JSON string literal (with its quotes). `escape_all` writes every character as a
/// `\uXXXX` escape (UTF-16 surrogate pairs beyond the BMP), as a hand-crafted evasion does;
/// otherwise the minimal escaping serializers use.
pub(crate) fn json_string(text: &str, escape_all: bool) -> String {
    if !escape_all {
        return serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_string());
    }
    let mut out = String::with_capacity(text.len() * 6 + 2);
    out.push('"');
    for ch in text.chars() {
        let mut units = [0u16; 2];
        for unit in ch.encode_utf16(&mut units) {
            out.push_str(&format!("\\u{unit:04x}"));
        }
    }
    out.push('"');
    out
}

/// A JSON value as text; `escape_all` escapes every character of every key and string.
pub(crate) fn json_text(value: &serde_json::Value, escape_all: bool) -> String {
    let mut out = String::new();
    write_json(value, escape_all, &mut out);
    out
}

fn write_json(value: &serde_json::Value, escape_all: bool, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::String(s) => out.push_str(&json_string(s, escape_all)),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, escape_all, out);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, (key, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&json_string(key, escape_all));
                out.push(':');
                write_json(item, escape_all, out);
            }
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// Escapes element text. Carriage returns become `&#13;` because XML parsers would
/// otherwise normalise them away.
pub(crate) fn xml_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Escapes an attribute value in double quotes; tabs and newlines become references so
/// that attribute-value normalisation keeps them.
pub(crate) fn xml_attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Every character as a hexadecimal character reference.
pub(crate) fn xml_references(text: &str) -> String {
    text.chars().map(|c| format!("&#x{:X};", u32::from(c))).collect()
}

/// UTF-16LE with a byte order mark, the declaration (if any) saying so.
pub(crate) fn utf16_document(document: &str) -> Vec<u8> {
    let declared = if document.starts_with("<?xml") {
        document.replacen("encoding=\"UTF-8\"", "encoding=\"UTF-16\"", 1).replacen(
            "encoding=\"utf-8\"",
            "encoding=\"UTF-16\"",
            1,
        )
    } else {
        format!("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n{document}")
    };
    let declared = if declared.starts_with("<?xml") && !declared.contains("encoding=") {
        declared.replacen("<?xml version=\"1.0\"", "<?xml version=\"1.0\" encoding=\"UTF-16\"", 1)
    } else {
        declared
    };
    let mut bytes = vec![0xFF, 0xFE];
    for unit in declared.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn encodings_decode_back_to_the_payload() {
        let payload = "' OR 1=1-- é";
        let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8().unwrap().into_owned();
        assert_eq!(decode(&percent_all(payload)), payload);
        assert_eq!(decode(&decode(&percent_twice(payload))), payload);
        let json: String = serde_json::from_str(&json_string("<😀>", true)).unwrap();
        assert_eq!(json, "<😀>");
        assert_eq!(fullwidth("'<a>"), "＇＜a＞");
        assert_eq!(overlong_utf8("../a"), "%c0%ae%c0%ae%c0%afa");
        assert_eq!(xml_references("<'"), "&#x3C;&#x27;");
        let doc = utf16_document("<?xml version=\"1.0\"?>\n<r/>");
        let units: Vec<u16> = doc[2..].chunks(2).map(|pair| u16::from_le_bytes([pair[0], pair[1]])).collect();
        assert!(
            String::from_utf16(&units).unwrap().starts_with("<?xml version=\"1.0\" encoding=\"UTF-16\"?>")
        );
    }
}

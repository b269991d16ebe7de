//! Content-type aware decoding of bodies, query strings, headers and cookies.
//!
//! Bodies are decoded by a [`DecoderRegistry`] keyed by media type, into a
//! `serde_json::Value` *structured view* (objects, arrays, scalars) whatever the wire
//! format was: JSON is itself, a form is an object of strings, multipart is an object of
//! parts. Schema inference reads the structured view; every other analyzer reads the flat
//! [`Field`](crate::field::Field) list made from it by [`fields`]. Adding XML, GraphQL or
//! gRPC is one more [`BodyDecoder`], with no change to any analyzer.
//!
//! Choosing a decoder ([`DecoderRegistry::decode`]):
//!
//! * The media type is matched on its essence, lowercased, parameters dropped
//!   (`Application/JSON; charset=UTF-8` → `application/json`); a value that is really two
//!   headers joined with `,` is matched on its first one.
//! * No exact match → the structured-syntax suffix (`application/problem+json` → `json`).
//! * No content type, an empty one or `text/plain`, and the body (after an optional UTF-8
//!   byte order mark and whitespace) starts with `{` or `[` → decoded as JSON; if that
//!   fails the body is simply not decoded (`None`), since nobody claimed it was JSON.
//! * A body declared as a form whose bytes are a JSON object or array (a common client
//!   mistake, and an easy way to smuggle a payload past a form-only view) is decoded as
//!   JSON, reported with the decoder name `json`.
//!
//! Decoders: `json` (with JSON lines), `form` and `multipart` ([`parse_multipart`]):
//! each module's docs state its exact rules.

pub mod fields;
mod form;
mod json;
mod multipart;
mod xml;

use std::collections::HashMap;

pub use fields::{call_fields, flatten_text, flatten_value, flatten_value_peeled};
pub use multipart::{MAX_PART_HEADER_BYTES, MultipartBody, MultipartPart, parse_multipart};

/// Caps that keep decoding bounded on untrusted bytes.
#[derive(Clone, Copy, Debug)]
pub struct DecodeLimits {
    /// Bodies longer than this are not decoded (their schema is recorded as unknown).
    pub max_body_bytes: usize,
    /// Deeper nesting is cut off: no field path has more tokens than this.
    pub max_depth: usize,
    /// At most this many fields are produced per call; also caps the pairs of a form, the
    /// parts of a multipart body and the records of a JSON-lines body.
    pub max_fields: usize,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        DecodeLimits { max_body_bytes: 1024 * 1024, max_depth: 32, max_fields: 2_000 }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("body is {size} bytes, over the {limit}-byte decoding limit")]
    TooLarge { size: usize, limit: usize },
    #[error("{decoder} body is invalid: {message}")]
    Invalid { decoder: &'static str, message: String },
}

/// A decoded body: which decoder read it and the structured view it produced.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    pub decoder: &'static str,
    pub value: serde_json::Value,
}

/// Decodes one family of media types into the structured view.
pub trait BodyDecoder: Send + Sync {
    /// Short name used in errors and metrics (`json`, `form`, `multipart`).
    fn name(&self) -> &'static str;
    /// Media type essences this decoder owns (`application/json`).
    fn media_types(&self) -> &'static [&'static str];
    /// Structured-syntax suffixes it owns (`json` for `application/problem+json`).
    fn suffixes(&self) -> &'static [&'static str] {
        &[]
    }
    /// `content_type` is the full header value (parameters such as `boundary` included).
    fn decode(
        &self,
        body: &[u8],
        content_type: &str,
        limits: &DecodeLimits,
    ) -> Result<serde_json::Value, DecodeError>;
}

/// The registered body decoders, looked up by media type.
pub struct DecoderRegistry {
    decoders: Vec<Box<dyn BodyDecoder>>,
    by_media_type: HashMap<&'static str, usize>,
    by_suffix: HashMap<&'static str, usize>,
}

impl Default for DecoderRegistry {
    fn default() -> Self {
        let mut registry = DecoderRegistry::empty();
        registry.register(Box::new(json::JsonDecoder));
        registry.register(Box::new(form::FormDecoder));
        registry.register(Box::new(multipart::MultipartDecoder));
        registry.register(Box::new(xml::XmlDecoder));
        registry
    }
}

impl DecoderRegistry {
    pub fn empty() -> Self {
        DecoderRegistry { decoders: Vec::new(), by_media_type: HashMap::new(), by_suffix: HashMap::new() }
    }

    /// Adds a decoder; a later registration wins for the media types both claim.
    pub fn register(&mut self, decoder: Box<dyn BodyDecoder>) {
        let index = self.decoders.len();
        for media_type in decoder.media_types() {
            self.by_media_type.insert(media_type, index);
        }
        for suffix in decoder.suffixes() {
            self.by_suffix.insert(suffix, index);
        }
        self.decoders.push(decoder);
    }

    fn lookup(&self, essence: &str) -> Option<&dyn BodyDecoder> {
        let index = self.index_of(essence).or_else(|| {
            // `application/json, application/json`: two headers folded into one.
            let (first, _) = essence.split_once(',')?;
            self.index_of(first.trim())
        })?;
        self.decoders.get(index).map(|decoder| decoder.as_ref())
    }

    fn index_of(&self, essence: &str) -> Option<usize> {
        self.by_media_type.get(essence).copied().or_else(|| {
            let (_, suffix) = essence.rsplit_once('+')?;
            self.by_suffix.get(suffix).copied()
        })
    }

    /// Name of the decoder that owns this content type (`None`: no decoder, the body would
    /// only be sniffed).
    pub fn decoder_name(&self, content_type: &str) -> Option<&'static str> {
        self.lookup(&crate::model::media_type_essence(content_type)).map(|decoder| decoder.name())
    }

    /// Decodes a body. `None` when no decoder owns the content type (or the body is
    /// empty); a body without a content type is sniffed as JSON when it looks like JSON.
    /// See the module docs for the exact rules.
    pub fn decode(
        &self,
        content_type: Option<&str>,
        body: &[u8],
        limits: &DecodeLimits,
    ) -> Option<Result<Decoded, DecodeError>> {
        if body.is_empty() {
            return None;
        }
        let essence = content_type.map(crate::model::media_type_essence).unwrap_or_default();
        let declared = self.lookup(&essence);
        let sniffable = matches!(essence.as_str(), "" | "text/plain");
        let json_instead = match declared {
            None => sniffable && looks_like_json(body),
            Some(decoder) => decoder.name() == "form" && looks_like_json(body),
        };
        if body.len() > limits.max_body_bytes {
            if declared.is_none() && !json_instead {
                return None;
            }
            return Some(Err(DecodeError::TooLarge { size: body.len(), limit: limits.max_body_bytes }));
        }
        if json_instead && let Some(json) = self.lookup("application/json") {
            match json.decode(body, "application/json", limits) {
                Ok(value) => return Some(Ok(Decoded { decoder: json.name(), value })),
                // Only sniffed: it was not JSON after all.
                Err(_) if declared.is_none() => return None,
                Err(_) => {}
            }
        }
        let decoder = declared?;
        let content_type = content_type.unwrap_or_default();
        Some(
            decoder
                .decode(body, content_type, limits)
                .map(|value| Decoded { decoder: decoder.name(), value }),
        )
    }
}

/// Drops a leading UTF-8 byte order mark.
pub(crate) fn strip_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)
}

fn looks_like_json(body: &[u8]) -> bool {
    matches!(strip_bom(body).iter().find(|b| !b.is_ascii_whitespace()), Some(b'{' | b'['))
}

/// Parameters of a `Content-Type` or `Content-Disposition` value, in order, names
/// lowercased, quoted values unquoted (`\"` and `\\` unescaped; any other backslash is
/// kept, as browsers send Windows paths unescaped). The part before the first `;` (the
/// media type or disposition type) is skipped.
pub fn header_parameters(value: &str) -> Vec<(String, String)> {
    let mut params = Vec::new();
    let Some((_, mut rest)) = value.split_once(';') else {
        return params;
    };
    loop {
        rest = rest.trim_start_matches(|c: char| c == ';' || c.is_whitespace());
        if rest.is_empty() {
            return params;
        }
        let name_end = rest.find(['=', ';']).unwrap_or(rest.len());
        let (name, after) = rest.split_at(name_end);
        let name = name.trim().to_ascii_lowercase();
        let Some(after) = after.strip_prefix('=') else {
            // A bare token (`; HttpOnly`): no value.
            if !name.is_empty() {
                params.push((name, String::new()));
            }
            rest = after;
            continue;
        };
        let after = after.trim_start();
        let (param_value, remaining) = match after.strip_prefix('"') {
            Some(quoted) => unquote(quoted),
            None => {
                let end = after.find(';').unwrap_or(after.len());
                let (token, remaining) = after.split_at(end);
                (token.trim().to_owned(), remaining)
            }
        };
        if !name.is_empty() {
            params.push((name, param_value));
        }
        rest = remaining;
    }
}

/// Reads a quoted string whose opening quote was already consumed; returns the unquoted
/// text and what follows the closing quote (everything, when it is unterminated).
fn unquote(quoted: &str) -> (String, &str) {
    let mut text = String::new();
    let mut chars = quoted.char_indices().peekable();
    while let Some((index, ch)) = chars.next() {
        match ch {
            '"' => return (text, quoted.get(index + 1..).unwrap_or("")),
            '\\' => match chars.peek() {
                Some(&(_, next @ ('"' | '\\'))) => {
                    text.push(next);
                    chars.next();
                }
                _ => text.push('\\'),
            },
            _ => text.push(ch),
        }
    }
    (text, "")
}

/// The value of one parameter (case-insensitive name) of a header value such as
/// `multipart/form-data; boundary="abc"`.
pub fn header_parameter(value: &str, name: &str) -> Option<String> {
    header_parameters(value).into_iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v)
}

/// Decodes a query string (`a=1&b=x%20y`) into name/value pairs, lossily for bad UTF-8.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// Splits a `Cookie` request header into name/value pairs.
pub fn parse_cookie_header(header: &str) -> Vec<(String, String)> {
    header
        .split(';')
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = name.trim();
            (!name.is_empty()).then(|| (name.to_owned(), unquote_cookie_value(value).to_owned()))
        })
        .collect()
}

/// The name and value of one `Set-Cookie` response header (attributes such as `Path` or
/// `HttpOnly` are dropped). `None` when the cookie has no `=` (RFC 6265 §5.2 ignores it).
pub fn parse_set_cookie(header: &str) -> Option<(String, String)> {
    let pair = header.split(';').next().unwrap_or("");
    let (name, value) = pair.split_once('=')?;
    Some((name.trim().to_owned(), unquote_cookie_value(value).to_owned()))
}

/// `"abc"` → `abc` (one pair of surrounding quotes, RFC 6265 `cookie-value`).
fn unquote_cookie_value(value: &str) -> &str {
    let value = value.trim();
    value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value)
}

/// Percent-decodes one path segment, lossily for bad UTF-8.
pub fn decode_path_segment(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

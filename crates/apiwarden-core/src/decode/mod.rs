//! Content-type aware decoding of bodies, query strings, headers and cookies.
//!
//! Bodies are decoded by a [`DecoderRegistry`] keyed by media type, into a
//! `serde_json::Value` *structured view* (objects, arrays, scalars) whatever the wire
//! format was: JSON is itself, a form is an object of strings, multipart is an object of
//! parts. Schema inference reads the structured view; every other analyzer reads the flat
//! [`Field`](crate::field::Field) list made from it by [`fields`]. Adding XML, GraphQL or
//! gRPC is one more [`BodyDecoder`], with no change to any analyzer.

pub mod fields;
mod form;
mod json;
mod multipart;

use std::collections::HashMap;

pub use fields::{call_fields, flatten_value};

/// Caps that keep decoding bounded on untrusted bytes.
#[derive(Clone, Copy, Debug)]
pub struct DecodeLimits {
    /// Bodies longer than this are not decoded (their schema is recorded as unknown).
    pub max_body_bytes: usize,
    /// Deeper nesting is cut off.
    pub max_depth: usize,
    /// At most this many fields are produced per call.
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
        let index = self.by_media_type.get(essence).copied().or_else(|| {
            let (_, suffix) = essence.rsplit_once('+')?;
            self.by_suffix.get(suffix).copied()
        })?;
        self.decoders.get(index).map(|decoder| decoder.as_ref())
    }

    /// Decodes a body. `None` when no decoder owns the content type (or the body is
    /// empty); a body without a content type is sniffed as JSON when it looks like JSON.
    pub fn decode(
        &self,
        content_type: Option<&str>,
        body: &[u8],
        limits: &DecodeLimits,
    ) -> Option<Result<Decoded, DecodeError>> {
        if body.is_empty() {
            return None;
        }
        let (decoder, content_type) = match content_type {
            Some(content_type) => {
                let essence = crate::model::media_type_essence(content_type);
                match self.lookup(&essence) {
                    Some(decoder) => (decoder, content_type),
                    None if essence == "text/plain" && looks_like_json(body) => {
                        (self.lookup("application/json")?, "application/json")
                    }
                    None => return None,
                }
            }
            None if looks_like_json(body) => (self.lookup("application/json")?, "application/json"),
            None => return None,
        };
        if body.len() > limits.max_body_bytes {
            return Some(Err(DecodeError::TooLarge { size: body.len(), limit: limits.max_body_bytes }));
        }
        Some(decoder.decode(body, content_type, limits).map(|value| Decoded { decoder: decoder.name(), value }))
    }
}

fn looks_like_json(body: &[u8]) -> bool {
    matches!(body.iter().find(|b| !b.is_ascii_whitespace()), Some(b'{' | b'['))
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
            (!name.is_empty()).then(|| (name.to_owned(), value.trim().trim_matches('"').to_owned()))
        })
        .collect()
}

/// Percent-decodes one path segment, lossily for bad UTF-8.
pub fn decode_path_segment(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

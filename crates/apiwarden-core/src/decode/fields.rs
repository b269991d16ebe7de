//! Flattening a decoded call into the field list.
//!
//! # Which fields a call has ([`call_fields`])
//!
//! In this order, so that when `DecodeLimits::max_fields` cuts the list the request side
//! (what the inline gateway decides on) is kept first:
//!
//! 1. Path segments: `/0`, `/1`, ... — every segment between `/`s of the raw path
//!    (empty segments included, so indexes match the path templates; `/` alone has
//!    none), percent-decoded once. `Location::Path`.
//! 2. Query parameters: `/name` (form-decoded: `+` is a space), `Location::Query`.
//! 3. Request headers except `cookie`: `/header-name`, lowercase, `Location::Header`.
//! 4. Request cookies, from every `Cookie` header: `/name`, `Location::Cookie`.
//! 5. The request body's structured view, `Location::Body` (root path `""`).
//! 6. Response headers except `set-cookie`, `Direction::Response`.
//! 7. Response cookies: one per `Set-Cookie` header (or per line, when a source folded
//!    several into one value with newlines): `/name` = the cookie's value, attributes
//!    dropped. `Location::Cookie`, `Direction::Response`.
//! 8. The response body's structured view.
//!
//! A name that occurs more than once in the same list (query, headers, cookies) gets one
//! more token, the occurrence index: `/tag/0`, `/tag/1`; a name seen once has none.
//! Names are escaped as RFC 6901 tokens (`~` → `~0`, `/` → `~1`).
//!
//! # Flattening a structured value ([`flatten_value`])
//!
//! One field per scalar leaf (null, bool, number, string); the path is the JSON pointer of
//! the leaf below the prefix, object keys escaped, array indexes in decimal, so
//! `value.pointer(&field.path)` finds the leaf again. Empty objects and arrays have no
//! leaf and produce no field. A container whose children would be more than
//! `max_depth` tokens deep (counting the tokens already in the prefix) is emitted as a
//! single text field holding its compact JSON, so nothing deep is hidden from detectors.
//! Once the output holds `max_fields` fields (fields of other locations included) nothing
//! more is added.
//!
//! # Peeling ([`flatten_value_peeled`], [`flatten_text`], and everything in
//! [`call_fields`])
//!
//! Every text field is emitted as is; then, when its (trimmed) text is itself an encoding,
//! the decoded leaves are emitted too, under the same path — the original field is always
//! kept. The first rule that applies wins:
//!
//! 1. **JSON in a string**: starts with `{` and ends with `}` (or `[`/`]`) and parses as a
//!    JSON object or array → its leaves continue the path (`"{\"a\":1}"` at `/payload`
//!    gives `/payload/a` = 1). Strings holding a bare JSON scalar are not peeled.
//! 2. **base64 / base64url**: at least 12 characters, only characters of one alphabet
//!    (standard `+/` or URL-safe `-_`, never both), `=` padding only at the end and only
//!    with a length that is a multiple of 4, no leftover bits; the bytes must be UTF-8 and
//!    either a JSON object or array (peeled as in rule 1) or clean text — no control
//!    characters other than tab/CR/LF, and at least one letter or digit. The text is a
//!    field at the same path. Ordinary words and hex ids fail these checks.
//! 3. **Nested query string**: no whitespace, at least two `&`-separated `name=value`
//!    pairs, every non-empty piece has `=`, every name is non-empty and made only of
//!    ASCII letters, digits and `_ . - [ ] %` → each pair is a field at `path/name`
//!    (form-decoded; repeated names indexed as above).
//! 4. **Percent-encoding**: at least one `%XX` escape with two hex digits → the decoded
//!    text (invalid UTF-8 replaced by U+FFFD; `+` left alone) is a field at the same path.
//!
//! A decoded text is peeled again, up to [`MAX_PEEL_DEPTH`] (3) successive decodings, so
//! `%7B%22a%22%3A1%7D` yields the decoded `{"a":1}` text and then `/a`. Peeling never
//! starts at a path already `max_depth` tokens deep (a nested query string needs room for
//! two more tokens, `name/occurrence`), so no field is deeper than `max_depth`; the
//! `max_fields` cap covers peeled fields too. Compact-JSON text emitted at the depth cap is
//! not peeled.
//!
//! Bodies that no decoder read (`None` views: binary, over the size limit, invalid
//! JSON) contribute no field; analyzers that want raw bytes read them from the call.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;

use base64::Engine;
use serde_json::Value;

use super::{DecodeLimits, Decoded, decode_path_segment, parse_cookie_header, parse_query, parse_set_cookie};
use crate::field::{Direction, Field, FieldValue, Location, escape_pointer_token};
use crate::model::{ApiCall, Header};

/// How many successive decodings of one string are peeled.
pub const MAX_PEEL_DEPTH: usize = 3;
/// Shortest string tried as base64.
const MIN_BASE64_LEN: usize = 12;
/// Recursion bound whatever `max_depth` says (serde_json stops at 128 anyway).
const HARD_MAX_DEPTH: usize = 256;

/// Every field of a call: path segments, query, headers, cookies, request and response
/// bodies (from their decoded views), with peeling, bounded by `limits.max_fields`.
/// See the module docs for the exact rules.
pub fn call_fields(
    call: &ApiCall,
    request_body: Option<&Decoded>,
    response_body: Option<&Decoded>,
    limits: &DecodeLimits,
) -> Vec<Field> {
    // Typical calls have a few dozen fields; growing from empty would copy them thrice.
    let mut out = Vec::with_capacity(64);
    let mut emitter = Emitter::new(Direction::Request, Location::Path, "", limits, true, &mut out);
    let request = &call.request;

    if let Some(path) =
        request.path.strip_prefix('/').or(Some(request.path.as_str())).filter(|p| !p.is_empty())
    {
        for (index, segment) in path.split('/').enumerate() {
            if emitter.full() {
                break;
            }
            emitter.push_index(index);
            emitter.text(&decode_path_segment(segment), 0);
            emitter.pop();
        }
    }

    emitter.location = Location::Query;
    if let Some(query) = request.query.as_deref().filter(|q| !q.is_empty()) {
        let mut pairs = parse_query(query);
        pairs.truncate(limits.max_fields);
        emitter.named(&pairs, 0);
    }

    emitter.location = Location::Header;
    emitter.named(&header_pairs(&request.headers, "cookie"), 0);

    emitter.location = Location::Cookie;
    let cookies: Vec<(String, String)> = request
        .headers
        .iter()
        .filter(|header| header.name.eq_ignore_ascii_case("cookie"))
        .flat_map(|header| parse_cookie_header(&header.value))
        .take(limits.max_fields)
        .collect();
    emitter.named(&cookies, 0);

    if let Some(body) = request_body {
        emitter.location = Location::Body;
        emitter.value(&body.value, 0);
    }

    if let Some(response) = &call.response {
        emitter.direction = Direction::Response;
        emitter.location = Location::Header;
        emitter.named(&header_pairs(&response.headers, "set-cookie"), 0);

        emitter.location = Location::Cookie;
        let cookies: Vec<(String, String)> = response
            .headers
            .iter()
            .filter(|header| header.name.eq_ignore_ascii_case("set-cookie"))
            .flat_map(|header| header.value.lines())
            .filter_map(parse_set_cookie)
            .take(limits.max_fields)
            .collect();
        emitter.named(&cookies, 0);

        if let Some(body) = response_body {
            emitter.location = Location::Body;
            emitter.value(&body.value, 0);
        }
    }
    out
}

/// Header names (lower-cased) and values, without the `except` header, borrowed where
/// they can be.
fn header_pairs<'h>(headers: &'h [Header], except: &str) -> Vec<(Cow<'h, str>, &'h str)> {
    headers
        .iter()
        .filter(|header| !header.name.eq_ignore_ascii_case(except))
        .map(|header| {
            let name = if header.name.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(header.name.to_ascii_lowercase())
            } else {
                Cow::Borrowed(header.name.as_str())
            };
            (name, header.value.as_str())
        })
        .collect()
}

/// Appends one field per leaf of `value`, paths continuing `prefix`, without peeling.
/// See the module docs for depth and count caps.
pub fn flatten_value(
    value: &Value,
    direction: Direction,
    location: Location,
    prefix: &str,
    limits: &DecodeLimits,
    out: &mut Vec<Field>,
) {
    Emitter::new(direction, location, prefix, limits, false, out).value(value, 0);
}

/// Like [`flatten_value`], and peels every string leaf (see the module docs).
pub fn flatten_value_peeled(
    value: &Value,
    direction: Direction,
    location: Location,
    prefix: &str,
    limits: &DecodeLimits,
    out: &mut Vec<Field>,
) {
    Emitter::new(direction, location, prefix, limits, true, out).value(value, 0);
}

/// Appends a text field at `path` and the fields peeled from it (see the module docs):
/// for values that other decoders pull out of a call (a GraphQL variable, an XML
/// attribute, a JWT claim).
pub fn flatten_text(
    text: &str,
    direction: Direction,
    location: Location,
    path: &str,
    limits: &DecodeLimits,
    out: &mut Vec<Field>,
) {
    Emitter::new(direction, location, path, limits, true, out).text(text, 0);
}

struct Emitter<'a> {
    direction: Direction,
    location: Location,
    limits: &'a DecodeLimits,
    max_depth: usize,
    peel: bool,
    out: &'a mut Vec<Field>,
    /// Current JSON pointer, grown and shrunk in place.
    path: String,
    /// Tokens in `path`.
    depth: usize,
    /// Lengths of `path` before each pushed token.
    marks: Vec<usize>,
}

impl<'a> Emitter<'a> {
    fn new(
        direction: Direction,
        location: Location,
        prefix: &str,
        limits: &'a DecodeLimits,
        peel: bool,
        out: &'a mut Vec<Field>,
    ) -> Self {
        Emitter {
            direction,
            location,
            limits,
            max_depth: limits.max_depth.min(HARD_MAX_DEPTH),
            peel,
            out,
            path: prefix.to_owned(),
            depth: prefix.matches('/').count(),
            marks: Vec::new(),
        }
    }

    fn full(&self) -> bool {
        self.out.len() >= self.limits.max_fields
    }

    fn push_token(&mut self, token: &str) {
        self.marks.push(self.path.len());
        self.path.push('/');
        self.path.push_str(&escape_pointer_token(token));
        self.depth += 1;
    }

    fn push_index(&mut self, index: usize) {
        self.marks.push(self.path.len());
        // Writing to a String cannot fail.
        let _ = write!(self.path, "/{index}");
        self.depth += 1;
    }

    fn pop(&mut self) {
        if let Some(mark) = self.marks.pop() {
            self.path.truncate(mark);
            self.depth = self.depth.saturating_sub(1);
        }
    }

    fn emit(&mut self, value: FieldValue) {
        if !self.full() {
            self.out.push(Field {
                direction: self.direction,
                location: self.location,
                path: self.path.clone(),
                value,
            });
        }
    }

    /// Flattens a structured value at the current path; `peels` is how many decodings
    /// produced it.
    fn value(&mut self, value: &Value, peels: usize) {
        if self.full() {
            return;
        }
        match value {
            Value::Null => self.emit(FieldValue::Null),
            Value::Bool(b) => self.emit(FieldValue::Bool(*b)),
            Value::Number(n) => self.emit(FieldValue::Number(n.clone())),
            Value::String(text) => self.text(text, peels),
            Value::Array(_) | Value::Object(_) if self.depth >= self.max_depth => {
                self.emit(FieldValue::Text(serde_json::to_string(value).unwrap_or_default()));
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    if self.full() {
                        return;
                    }
                    self.push_index(index);
                    self.value(item, peels);
                    self.pop();
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    if self.full() {
                        return;
                    }
                    self.push_token(key);
                    self.value(item, peels);
                    self.pop();
                }
            }
        }
    }

    /// A text field, then whatever peels off it.
    fn text(&mut self, text: &str, peels: usize) {
        if self.full() {
            return;
        }
        self.emit(FieldValue::Text(text.to_owned()));
        if self.peel && peels < MAX_PEEL_DEPTH && self.depth < self.max_depth {
            self.peel(text, peels + 1);
        }
    }

    fn peel(&mut self, text: &str, peels: usize) {
        let trimmed = text.trim();
        if let Some(value) = peel_json(trimmed) {
            self.value(&value, peels);
        } else if let Some(decoded) = peel_base64(trimmed) {
            match decoded {
                Base64Text::Json(value) => self.value(&value, peels),
                Base64Text::Text(text) => self.text(&text, peels),
            }
        } else if let Some(pairs) = peel_query(trimmed) {
            // A pair may take two tokens (`name/occurrence`).
            if self.depth + 2 <= self.max_depth {
                self.named(&pairs, peels);
            }
        } else if let Some(decoded) = peel_percent(text) {
            self.text(&decoded, peels);
        }
    }

    /// Name/value pairs below the current path, repeated names indexed.
    fn named<N: AsRef<str>, V: AsRef<str>>(&mut self, pairs: &[(N, V)], peels: usize) {
        // Names rarely repeat: a sorted copy answers "is this one repeated?" without hash
        // maps, and `seen` allocates only when one is.
        let mut names: Vec<&str> = pairs.iter().map(|(name, _)| name.as_ref()).collect();
        names.sort_unstable();
        let repeats = |name: &str| names.get(names.partition_point(|n| *n < name) + 1) == Some(&name);
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (name, value) in pairs {
            if self.full() {
                return;
            }
            let name = name.as_ref();
            self.push_token(name);
            let repeated = repeats(name);
            if repeated {
                let occurrence = seen.entry(name).or_default();
                self.push_index(*occurrence);
                *occurrence += 1;
            }
            self.text(value.as_ref(), peels);
            if repeated {
                self.pop();
            }
            self.pop();
        }
    }
}

fn peel_json(text: &str) -> Option<Value> {
    let bytes = text.as_bytes();
    let wrapped =
        matches!((bytes.first(), bytes.last()), (Some(b'{'), Some(b'}')) | (Some(b'['), Some(b']')));
    if !wrapped || bytes.len() < 2 {
        return None;
    }
    serde_json::from_str::<Value>(text).ok().filter(|value| value.is_object() || value.is_array())
}

enum Base64Text {
    Json(Value),
    Text(String),
}

fn peel_base64(text: &str) -> Option<Base64Text> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    if text.len() < MIN_BASE64_LEN {
        return None;
    }
    let unpadded = text.trim_end_matches('=');
    let padding = text.len() - unpadded.len();
    if padding > 2 || (padding > 0 && !text.len().is_multiple_of(4)) || unpadded.len() % 4 == 1 {
        return None;
    }
    let (mut standard, mut url_safe) = (false, false);
    for byte in unpadded.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => {}
            b'+' | b'/' => standard = true,
            b'-' | b'_' => url_safe = true,
            _ => return None,
        }
    }
    let engine = match (standard, url_safe) {
        (true, true) => return None,
        (false, true) => &URL_SAFE_NO_PAD,
        _ => &STANDARD_NO_PAD,
    };
    let bytes = engine.decode(unpadded).ok()?;
    let decoded = String::from_utf8(bytes).ok()?;
    if let Some(value) = peel_json(decoded.trim()) {
        return Some(Base64Text::Json(value));
    }
    let clean = decoded.chars().all(|c| !c.is_control() || matches!(c, '\t' | '\r' | '\n'))
        && decoded.chars().any(char::is_alphanumeric);
    clean.then_some(Base64Text::Text(decoded))
}

fn peel_query(text: &str) -> Option<Vec<(String, String)>> {
    if !text.contains('&') || !text.contains('=') {
        return None;
    }
    let mut pairs = 0;
    for piece in text.split('&') {
        if piece.is_empty() {
            continue;
        }
        let (name, value) = piece.split_once('=')?;
        let name_ok = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'[' | b']' | b'%'));
        if !name_ok || value.bytes().any(|b| b.is_ascii_whitespace() || b.is_ascii_control()) {
            return None;
        }
        pairs += 1;
    }
    (pairs >= 2).then(|| parse_query(text))
}

fn peel_percent(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let has_escape = memchr::memchr_iter(b'%', bytes).any(|at| {
        matches!((bytes.get(at + 1), bytes.get(at + 2)), (Some(a), Some(b)) if a.is_ascii_hexdigit() && b.is_ascii_hexdigit())
    });
    has_escape.then(|| percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn peeled(text: &str) -> Vec<(String, FieldValue)> {
        let mut out = Vec::new();
        flatten_text(text, Direction::Request, Location::Body, "/v", &DecodeLimits::default(), &mut out);
        out.into_iter().map(|field| (field.path, field.value)).collect()
    }

    fn text(path: &str, value: &str) -> (String, FieldValue) {
        (path.to_owned(), FieldValue::Text(value.to_owned()))
    }

    #[test]
    fn json_in_a_string_continues_the_path() {
        assert_eq!(
            peeled(r#"{"a":1,"b":["x"]}"#),
            vec![
                text("/v", r#"{"a":1,"b":["x"]}"#),
                ("/v/a".into(), FieldValue::Number(1.into())),
                text("/v/b/0", "x"),
            ]
        );
        assert_eq!(peeled("123"), vec![text("/v", "123")]);
        assert_eq!(peeled("{not json}"), vec![text("/v", "{not json}")]);
    }

    #[test]
    fn base64_of_json_and_of_text_but_not_words() {
        assert_eq!(peeled("eyJ1c2VyIjoiYWRtaW4ifQ==")[1..], [text("/v/user", "admin")]);
        assert_eq!(peeled("eyJ1c2VyIjoiYWRtaW4ifQ")[1..], [text("/v/user", "admin")]);
        assert_eq!(peeled("YWRtaW4nIE9SIDE9MS0t")[1..], [text("/v", "admin' OR 1=1--")]);
        // The URL-safe alphabet, with '_' and '-'.
        assert_eq!(peeled("YT9iPmM_ZD5lP35-")[1..], [text("/v", "a?b>c?d>e?~~")]);
        for word in
            ["internationalization", "Constantinople", "d41d8cd98f00b204e9800998ecf8427e", "abcdefghijkl"]
        {
            assert_eq!(peeled(word).len(), 1, "{word} must not peel");
        }
        // Mixed alphabets, bad padding, too short.
        assert_eq!(peeled("YWJj+ZGVm_Z2hp").len(), 1);
        assert_eq!(peeled("YWRtaW4=YWRt").len(), 1);
        assert_eq!(peeled("YWRtaW4=").len(), 1);
    }

    #[test]
    fn nested_query_strings_only_when_clear() {
        assert_eq!(
            peeled("a=1&b=%27x&a=2")[1..],
            [text("/v/a/0", "1"), text("/v/b", "'x"), text("/v/a/1", "2")]
        );
        assert_eq!(peeled("a=1").len(), 1);
        assert_eq!(peeled("rock & roll = fun").len(), 1);
        assert_eq!(peeled("https://x.test/?a=1&b=2").len(), 1);
    }

    #[test]
    fn percent_encoding_peels_repeatedly_up_to_the_bound() {
        assert_eq!(peeled("%27%20OR%201%3D1")[1..], [text("/v", "' OR 1=1")]);
        assert_eq!(
            peeled("%7B%22a%22%3A1%7D")[1..],
            [text("/v", r#"{"a":1}"#), ("/v/a".into(), FieldValue::Number(1.into()))]
        );
        // Four layers of encoding: only three are peeled.
        assert_eq!(peeled("%25252527")[1..], [text("/v", "%252527"), text("/v", "%2527"), text("/v", "%27")]);
        assert_eq!(peeled("100% sure").len(), 1);
        assert_eq!(peeled("%C0%AE").get(1), Some(&text("/v", "\u{fffd}\u{fffd}")));
    }

    #[test]
    fn flatten_escapes_tokens_and_skips_empty_containers() {
        let value = json!({"a/b": {"c~d": [null, true, 1.5]}, "": "root-key", "e": {}, "f": []});
        let mut out = Vec::new();
        flatten_value(&value, Direction::Response, Location::Body, "", &DecodeLimits::default(), &mut out);
        let paths: Vec<_> = out.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["/", "/a~1b/c~0d/0", "/a~1b/c~0d/1", "/a~1b/c~0d/2"]);
        for field in &out {
            assert!(value.pointer(&field.path).is_some());
            assert_eq!(field.direction, Direction::Response);
        }
    }

    #[test]
    fn scalar_root_has_the_prefix_as_path() {
        let mut out = Vec::new();
        flatten_value(
            &json!("x"),
            Direction::Request,
            Location::Body,
            "",
            &DecodeLimits::default(),
            &mut out,
        );
        assert_eq!(out.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(), [""]);
    }

    #[test]
    fn depth_cap_emits_the_subtree_as_compact_json() {
        let value = json!({"a": {"b": {"c": 1}}});
        let limits = DecodeLimits { max_depth: 2, ..DecodeLimits::default() };
        let mut out = Vec::new();
        flatten_value_peeled(&value, Direction::Request, Location::Body, "", &limits, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].path, "/a/b");
        assert_eq!(out[0].value, FieldValue::Text(r#"{"c":1}"#.into()));
    }

    #[test]
    fn field_cap_counts_existing_fields() {
        let value = json!([1, 2, 3, 4, 5]);
        let limits = DecodeLimits { max_fields: 3, ..DecodeLimits::default() };
        let mut out = Vec::new();
        flatten_value(&value, Direction::Request, Location::Body, "", &limits, &mut out);
        assert_eq!(out.len(), 3);
        flatten_value(&value, Direction::Request, Location::Body, "", &limits, &mut out);
        assert_eq!(out.len(), 3);
    }
}

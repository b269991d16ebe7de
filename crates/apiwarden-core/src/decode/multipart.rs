//! `multipart/form-data` (RFC 7578 over RFC 2046).
//!
//! Why hand-written over `memchr` rather than a crate: the maintained parser, `multer`, is
//! built around an async stream of chunks (`futures::Stream`, `http` types, a runtime in its
//! examples) and reports a cut-off body as an error, while we decode a body that is already
//! captured in memory, synchronously, in a crate that must not depend on an async runtime,
//! and we want the complete parts of a truncated capture. The older synchronous `multipart`
//! crate is unmaintained. The format itself is small — find delimiter lines with a
//! `memmem` searcher, read a header block, slice the content — and owning it lets us be
//! tolerant (bare LF line ends, transport padding, preamble and epilogue, missing closing
//! delimiter) in exactly the ways a passive observer needs.
//!
//! Parsing rules:
//!
//! * The boundary is the `boundary` parameter of the content type (quoted or not, name
//!   case-insensitive). Without one, a body whose first line is `--something` uses that.
//! * A delimiter is `--boundary` at the start of the body or of a line, followed by
//!   optional spaces/tabs and a line end (CRLF or LF); followed by `--` it is the closing
//!   delimiter. Anything before the first delimiter (preamble) or after the closing one
//!   (epilogue) is ignored. `--boundary` inside a line is content.
//! * A part is a header block (folded lines joined) ended by an empty line, then content
//!   up to the line end before the next delimiter. A header block over 16 KiB is an error.
//! * A part that the body ends inside (a truncated capture) is dropped; the parts before
//!   it are returned and [`MultipartBody::complete`] is false.
//! * At most `DecodeLimits::max_fields` parts are read.
//!
//! Structured view ([`BodyDecoder::decode`]): an object of part name → value. A part with
//! a `filename` is a file: `{"filename": ..., "content_type": ..., "size": n}` (content
//! type defaulting to `application/octet-stream`, never the bytes). Other parts are text
//! (UTF-8, invalid bytes replaced), or JSON when their content type is JSON (`+json`
//! included) and they parse. A repeated name becomes an array of its values in order; a
//! part without a name is filed under the empty name.

use memchr::memmem::Finder;
use serde_json::{Map, Value, json};

use super::{BodyDecoder, DecodeError, DecodeLimits, header_parameter, header_parameters, strip_bom};

/// Largest header block of one part.
pub const MAX_PART_HEADER_BYTES: usize = 16 * 1024;
/// RFC 2046 allows 70; be lenient but bounded.
const MAX_BOUNDARY_LEN: usize = 256;

pub(super) struct MultipartDecoder;

impl BodyDecoder for MultipartDecoder {
    fn name(&self) -> &'static str {
        "multipart"
    }

    fn media_types(&self) -> &'static [&'static str] {
        &["multipart/form-data"]
    }

    fn decode(&self, body: &[u8], content_type: &str, limits: &DecodeLimits) -> Result<Value, DecodeError> {
        let parsed = parse_multipart(body, content_type, limits)?;
        let mut order: Vec<(String, Vec<Value>)> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for part in &parsed.parts {
            let name = part.name.clone().unwrap_or_default();
            let value = part_value(part);
            match index.get(&name) {
                Some(&at) => {
                    if let Some((_, values)) = order.get_mut(at) {
                        values.push(value);
                    }
                }
                None => {
                    index.insert(name.clone(), order.len());
                    order.push((name, vec![value]));
                }
            }
        }
        let mut object = Map::new();
        for (name, mut values) in order {
            let value = match values.len() {
                1 => values.pop().unwrap_or(Value::Null),
                _ => Value::Array(values),
            };
            object.insert(name, value);
        }
        Ok(Value::Object(object))
    }
}

fn part_value(part: &MultipartPart<'_>) -> Value {
    if let Some(filename) = &part.filename {
        return json!({
            "filename": filename,
            "content_type": part.content_type.as_deref().unwrap_or("application/octet-stream"),
            "size": part.data.len(),
        });
    }
    if part.content_type.as_deref().is_some_and(is_json_media_type)
        && let Ok(value) = serde_json::from_slice::<Value>(strip_bom(part.data))
    {
        return value;
    }
    Value::String(String::from_utf8_lossy(part.data).into_owned())
}

fn is_json_media_type(content_type: &str) -> bool {
    let essence = crate::model::media_type_essence(content_type);
    essence == "application/json" || essence == "text/json" || essence.ends_with("+json")
}

/// One part of a `multipart/form-data` body; `data` borrows from the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MultipartPart<'a> {
    /// `name` of the `Content-Disposition` header.
    pub name: Option<String>,
    /// `filename` (or RFC 5987 `filename*`), present for file parts, possibly empty.
    pub filename: Option<String>,
    /// The part's `Content-Type` header value, parameters included.
    pub content_type: Option<String>,
    pub data: &'a [u8],
}

/// The parts of a `multipart/form-data` body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MultipartBody<'a> {
    pub parts: Vec<MultipartPart<'a>>,
    /// True when the closing delimiter was seen (false for a truncated body or when
    /// `max_fields` stopped reading).
    pub complete: bool,
}

/// Splits a `multipart/form-data` body into its parts (see the module docs for the rules).
/// Errors: no boundary, no delimiter in the body, or an oversized part header block.
pub fn parse_multipart<'a>(
    body: &'a [u8],
    content_type: &str,
    limits: &DecodeLimits,
) -> Result<MultipartBody<'a>, DecodeError> {
    let boundary = match header_parameter(content_type, "boundary") {
        Some(boundary) => boundary.into_bytes(),
        None => sniff_boundary(body).ok_or_else(|| invalid("no boundary parameter in the content type"))?,
    };
    if boundary.is_empty() || boundary.len() > MAX_BOUNDARY_LEN {
        return Err(invalid(format!("boundary must be 1 to {MAX_BOUNDARY_LEN} bytes")));
    }
    let mut delimiter = Vec::with_capacity(boundary.len() + 2);
    delimiter.extend_from_slice(b"--");
    delimiter.extend_from_slice(&boundary);
    let scanner = Scanner { body, finder: Finder::new(&delimiter), delimiter_len: delimiter.len() };

    let Some((_, mut next)) = scanner.find_delimiter(0) else {
        return Err(invalid("the boundary delimiter does not occur in the body"));
    };
    let mut result = MultipartBody::default();
    loop {
        let part_start = match next {
            After::Close => {
                result.complete = true;
                break;
            }
            After::End => break,
            After::Part(start) => start,
        };
        if result.parts.len() >= limits.max_fields {
            break;
        }
        let (headers, content_start) = match scanner.header_block(part_start)? {
            HeaderEnd::Truncated => break,
            HeaderEnd::Blank { headers, content_start } => (headers, content_start),
            HeaderEnd::Delimiter { headers, delimiter_start } => {
                // No empty line before the next delimiter: a part with no content.
                if !headers.is_empty() {
                    result.parts.push(make_part(headers, &[]));
                }
                match scanner.classify(delimiter_start) {
                    Some(after) => {
                        next = after;
                        continue;
                    }
                    None => break,
                }
            }
        };
        let Some((delimiter_start, after)) = scanner.find_delimiter(content_start) else {
            break; // The body ends inside this part's content.
        };
        let content_end = content_end(body, content_start, delimiter_start);
        let data = body.get(content_start..content_end).unwrap_or_default();
        result.parts.push(make_part(headers, data));
        next = after;
    }
    Ok(result)
}

fn invalid(message: impl Into<String>) -> DecodeError {
    DecodeError::Invalid { decoder: "multipart", message: message.into() }
}

/// `--boundary` as the body's first line when the content type lost its parameter.
fn sniff_boundary(body: &[u8]) -> Option<Vec<u8>> {
    let line_end = memchr::memchr(b'\n', body)?;
    let line = body.get(..line_end)?;
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let boundary = line.strip_prefix(b"--")?.trim_ascii_end();
    (!boundary.is_empty()
        && boundary.len() <= MAX_BOUNDARY_LEN
        && !boundary.iter().any(|b| b.is_ascii_control()))
    .then(|| boundary.to_vec())
}

/// The line end before a delimiter belongs to the delimiter, not to the content.
fn content_end(body: &[u8], content_start: usize, delimiter_start: usize) -> usize {
    let mut end = delimiter_start;
    if end > content_start && body.get(end - 1) == Some(&b'\n') {
        end -= 1;
        if end > content_start && body.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
    }
    end
}

/// What follows a delimiter.
#[derive(Clone, Copy, Debug)]
enum After {
    /// A part starts at this offset.
    Part(usize),
    /// The closing delimiter.
    Close,
    /// The body ends right after the delimiter.
    End,
}

enum HeaderEnd {
    Blank {
        headers: Vec<(String, String)>,
        content_start: usize,
    },
    /// A delimiter line came before any empty line.
    Delimiter {
        headers: Vec<(String, String)>,
        delimiter_start: usize,
    },
    Truncated,
}

struct Scanner<'a> {
    body: &'a [u8],
    finder: Finder<'a>,
    delimiter_len: usize,
}

impl Scanner<'_> {
    /// First delimiter at or after `from` that starts a line and is followed by a line end
    /// or `--`.
    fn find_delimiter(&self, from: usize) -> Option<(usize, After)> {
        let mut search = from;
        loop {
            let found = search + self.finder.find(self.body.get(search..)?)?;
            let line_start = found == 0 || self.body.get(found - 1) == Some(&b'\n');
            if line_start && let Some(after) = self.classify(found) {
                return Some((found, after));
            }
            search = found + 1;
        }
    }

    /// `None` when the delimiter at `start` is followed by other text on its line (so it is
    /// not a delimiter).
    fn classify(&self, start: usize) -> Option<After> {
        let rest = self.body.get(start + self.delimiter_len..).unwrap_or_default();
        if rest.starts_with(b"--") {
            return Some(After::Close);
        }
        let padding = rest.iter().take_while(|b| matches!(b, b' ' | b'\t')).count();
        let rest = rest.get(padding..).unwrap_or_default();
        let line_end = if rest.starts_with(b"\r\n") {
            2
        } else if rest.starts_with(b"\n") {
            1
        } else if rest.is_empty() || rest == b"\r" || rest == b"-" {
            return Some(After::End);
        } else {
            return None;
        };
        Some(After::Part(start + self.delimiter_len + padding + line_end))
    }

    fn is_delimiter_line(&self, line: &[u8]) -> bool {
        line.starts_with(self.finder.needle())
    }

    fn header_block(&self, start: usize) -> Result<HeaderEnd, DecodeError> {
        let mut headers: Vec<(String, String)> = Vec::new();
        let mut cursor = start;
        loop {
            let rest = self.body.get(cursor..).unwrap_or_default();
            let Some(newline) = memchr::memchr(b'\n', rest) else {
                if cursor - start + rest.len() > MAX_PART_HEADER_BYTES {
                    return Err(too_big_headers());
                }
                return Ok(HeaderEnd::Truncated);
            };
            if cursor - start + newline > MAX_PART_HEADER_BYTES {
                return Err(too_big_headers());
            }
            let line = rest.get(..newline).unwrap_or_default();
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let next = cursor + newline + 1;
            if line.is_empty() {
                return Ok(HeaderEnd::Blank { headers, content_start: next });
            }
            if self.is_delimiter_line(line) && self.classify(cursor).is_some() {
                return Ok(HeaderEnd::Delimiter { headers, delimiter_start: cursor });
            }
            let text = String::from_utf8_lossy(line);
            if line.first().is_some_and(|b| matches!(b, b' ' | b'\t')) {
                // Obsolete line folding: continues the previous header.
                if let Some((_, value)) = headers.last_mut() {
                    value.push(' ');
                    value.push_str(text.trim());
                }
            } else if let Some((name, value)) = text.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
            }
            cursor = next;
        }
    }
}

fn too_big_headers() -> DecodeError {
    invalid(format!("a part's header block is over {MAX_PART_HEADER_BYTES} bytes"))
}

fn make_part(headers: Vec<(String, String)>, data: &[u8]) -> MultipartPart<'_> {
    let mut part = MultipartPart { name: None, filename: None, content_type: None, data };
    let mut extended_filename = None;
    for (name, value) in headers {
        match name.as_str() {
            "content-disposition" if part.name.is_none() && part.filename.is_none() => {
                for (param, param_value) in header_parameters(&value) {
                    match param.as_str() {
                        "name" => part.name = Some(param_value),
                        "filename" => part.filename = Some(param_value),
                        "filename*" => extended_filename = decode_ext_value(&param_value),
                        _ => {}
                    }
                }
            }
            "content-type" if part.content_type.is_none() => part.content_type = Some(value),
            _ => {}
        }
    }
    if extended_filename.is_some() {
        part.filename = extended_filename;
    }
    part
}

/// RFC 5987 `charset'language'percent-encoded` (only UTF-8 and ASCII-compatible charsets
/// are meaningful here; other bytes are replaced).
fn decode_ext_value(value: &str) -> Option<String> {
    let mut pieces = value.splitn(3, '\'');
    let (_charset, _language, encoded) = (pieces.next()?, pieces.next()?, pieces.next()?);
    Some(percent_encoding::percent_decode_str(encoded).decode_utf8_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CT: &str = "multipart/form-data; boundary=XyZ";

    fn limits() -> DecodeLimits {
        DecodeLimits::default()
    }

    fn view(body: &[u8], content_type: &str) -> Value {
        MultipartDecoder.decode(body, content_type, &limits()).unwrap()
    }

    #[test]
    fn text_file_and_json_parts() {
        let body = b"--XyZ\r\n\
Content-Disposition: form-data; name=\"title\"\r\n\r\n\
hello world\r\n\
--XyZ\r\n\
Content-Disposition: form-data; name=\"avatar\"; filename=\"me.png\"\r\n\
Content-Type: image/png\r\n\r\n\
\x89PNG\r\n\x1a\n\0\0\r\n\
--XyZ\r\n\
content-disposition: form-data; name=meta\r\n\
content-type: application/vnd.meta+json; charset=utf-8\r\n\r\n\
{\"a\":[1,2]}\r\n\
--XyZ--\r\n";
        assert_eq!(
            view(body, CT),
            json!({
                "title": "hello world",
                "avatar": {"filename": "me.png", "content_type": "image/png", "size": 10},
                "meta": {"a": [1, 2]},
            })
        );
        let parts = parse_multipart(body, CT, &limits()).unwrap();
        assert!(parts.complete);
        assert_eq!(parts.parts.get(1).unwrap().data, b"\x89PNG\r\n\x1a\n\0\0");
    }

    #[test]
    fn quoted_boundary_bare_lf_preamble_and_epilogue() {
        let body =
            b"This is the preamble.\n--a b;c\nContent-Disposition: form-data; name=\"x\"\n\n1\n--a b;c\n\
Content-Disposition: form-data; name=\"x\"\n\n2\n--a b;c--\nepilogue --a b;c\n";
        let value = view(body, "Multipart/Form-Data; BOUNDARY=\"a b;c\"; charset=utf-8");
        assert_eq!(value, json!({"x": ["1", "2"]}));
    }

    #[test]
    fn transport_padding_and_boundary_inside_content() {
        let body = b"--XyZ  \r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx --XyZ y\r\n--XyZy\r\n\
--XyZ\t\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n\r\n--XyZ--";
        assert_eq!(view(body, CT), json!({"a": "x --XyZ y\r\n--XyZy", "b": ""}));
    }

    #[test]
    fn truncated_body_yields_complete_parts() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\npartial val";
        let parsed = parse_multipart(body, CT, &limits()).unwrap();
        assert!(!parsed.complete);
        assert_eq!(parsed.parts.len(), 1);
        assert_eq!(view(body, CT), json!({"a": "1"}));
        // Cut inside a header block and right after a delimiter.
        assert_eq!(view(b"--XyZ\r\nContent-Disposition: form-da", CT), json!({}));
        assert_eq!(
            view(b"--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ", CT),
            json!({"a": "1"})
        );
    }

    #[test]
    fn missing_boundary_is_sniffed_or_an_error() {
        let body = b"--q1w2\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--q1w2--\r\n";
        assert_eq!(view(body, "multipart/form-data"), json!({"a": "1"}));
        assert!(MultipartDecoder.decode(b"a=1", "multipart/form-data", &limits()).is_err());
        assert!(MultipartDecoder.decode(b"no delimiter here", CT, &limits()).is_err());
        assert!(MultipartDecoder.decode(body, "multipart/form-data; boundary=\"\"", &limits()).is_err());
    }

    #[test]
    fn oversized_header_block_is_an_error() {
        let mut body = b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Big: ".to_vec();
        body.extend(std::iter::repeat_n(b'a', MAX_PART_HEADER_BYTES));
        body.extend_from_slice(b"\r\n\r\nv\r\n--XyZ--");
        assert!(matches!(
            MultipartDecoder.decode(&body, CT, &limits()),
            Err(DecodeError::Invalid { decoder: "multipart", .. })
        ));
        // Also when the capture ends inside the oversized block.
        body.truncate(MAX_PART_HEADER_BYTES + 100);
        assert!(MultipartDecoder.decode(&body, CT, &limits()).is_err());
    }

    #[test]
    fn parts_are_capped_by_max_fields() {
        let mut body = Vec::new();
        for i in 0..50 {
            body.extend_from_slice(
                format!("--XyZ\r\nContent-Disposition: form-data; name=\"f{i}\"\r\n\r\nv\r\n").as_bytes(),
            );
        }
        body.extend_from_slice(b"--XyZ--\r\n");
        let capped = DecodeLimits { max_fields: 7, ..limits() };
        let parsed = parse_multipart(&body, CT, &capped).unwrap();
        assert_eq!(parsed.parts.len(), 7);
        assert!(!parsed.complete);
        assert_eq!(MultipartDecoder.decode(&body, CT, &capped).unwrap().as_object().unwrap().len(), 7);
    }

    #[test]
    fn filenames_extended_quoted_windows_paths_and_no_name() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"C:\\dir\\a.txt\"\r\n\r\nabc\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"e\"; filename=\"x\"; filename*=UTF-8''%E2%82%AC%20rates.txt\r\n\r\n\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"q\\\"uote\"; filename=\"\"\r\n\r\n\r\n\
--XyZ\r\nContent-Type: text/plain\r\n\r\nanonymous\r\n--XyZ--";
        let value = view(body.as_bytes(), CT);
        assert_eq!(value["doc"]["filename"], json!("C:\\dir\\a.txt"));
        assert_eq!(value["doc"]["size"], json!(3));
        assert_eq!(value["doc"]["content_type"], json!("application/octet-stream"));
        assert_eq!(value["e"]["filename"], json!("€ rates.txt"));
        assert_eq!(value["q\"uote"]["filename"], json!(""));
        assert_eq!(value[""], json!("anonymous"));
    }

    #[test]
    fn folded_headers_missing_blank_line_and_bad_json_part() {
        let body = b"--XyZ\r\nContent-Disposition: form-data;\r\n name=\"folded\"\r\n\r\nv\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"empty\"\r\n--XyZ\r\n\
Content-Disposition: form-data; name=\"j\"\r\nContent-Type: application/json\r\n\r\n{not json\r\n--XyZ--";
        assert_eq!(view(body, CT), json!({"folded": "v", "empty": "", "j": "{not json"}));
    }

    #[test]
    fn non_utf8_text_parts_are_replaced() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"n\xff\"\r\n\r\n\xfe\xff\r\n--XyZ--";
        assert_eq!(view(body, CT), json!({"n\u{fffd}": "\u{fffd}\u{fffd}"}));
    }
}

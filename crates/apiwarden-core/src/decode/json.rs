use serde_json::Value;

use super::{BodyDecoder, DecodeError, DecodeLimits, strip_bom};

/// `application/json`, every `+json` type, and newline-delimited JSON.
///
/// * A UTF-8 byte order mark is skipped (some Windows clients send one).
/// * Nesting is bounded by serde_json's recursion limit (128 levels): deeper documents
///   are an error rather than a stack overflow; flattening then cuts at
///   `DecodeLimits::max_depth`.
/// * NDJSON / JSON lines (`application/x-ndjson`, `application/jsonl`, ...) become an
///   array of the documents, at most `max_fields` of them; a truncated last line is
///   dropped, so a captured prefix still yields its complete records.
pub(super) struct JsonDecoder;

const JSON_LINES: &[&str] =
    &["application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines"];

impl BodyDecoder for JsonDecoder {
    fn name(&self) -> &'static str {
        "json"
    }

    fn media_types(&self) -> &'static [&'static str] {
        &[
            "application/json",
            "text/json",
            "application/x-json",
            "application/x-ndjson",
            "application/ndjson",
            "application/jsonl",
            "application/x-jsonlines",
        ]
    }

    fn suffixes(&self) -> &'static [&'static str] {
        &["json"]
    }

    fn decode(&self, body: &[u8], content_type: &str, limits: &DecodeLimits) -> Result<Value, DecodeError> {
        let body = strip_bom(body);
        let essence = crate::model::media_type_essence(content_type);
        if JSON_LINES.contains(&essence.as_str()) {
            return decode_lines(body, limits);
        }
        serde_json::from_slice(body).map_err(invalid)
    }
}

fn invalid(err: serde_json::Error) -> DecodeError {
    DecodeError::Invalid { decoder: "json", message: err.to_string() }
}

fn decode_lines(body: &[u8], limits: &DecodeLimits) -> Result<Value, DecodeError> {
    let mut records = Vec::new();
    for record in serde_json::Deserializer::from_slice(body).into_iter::<Value>() {
        if records.len() >= limits.max_fields {
            break;
        }
        match record {
            Ok(value) => records.push(value),
            // A prefix capture cuts the last record: keep the complete ones.
            Err(err) if err.is_eof() && !records.is_empty() => break,
            Err(err) => return Err(invalid(err)),
        }
    }
    Ok(Value::Array(records))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decode(body: &[u8], content_type: &str) -> Result<Value, DecodeError> {
        JsonDecoder.decode(body, content_type, &DecodeLimits::default())
    }

    #[test]
    fn plain_json_with_and_without_bom() {
        assert_eq!(
            decode(br#"{"a":[1,true,null]}"#, "application/json").unwrap(),
            json!({"a":[1,true,null]})
        );
        assert_eq!(decode(b"\xEF\xBB\xBF {\"a\":1}", "application/json").unwrap(), json!({"a":1}));
    }

    #[test]
    fn invalid_and_non_utf8_json_is_an_error() {
        assert!(matches!(
            decode(b"{\"a\":", "application/json"),
            Err(DecodeError::Invalid { decoder: "json", .. })
        ));
        assert!(decode(b"\"\xff\xfe\"", "application/json").is_err());
        assert!(decode(b"{} {}", "application/json").is_err());
    }

    #[test]
    fn nesting_beyond_serde_limit_is_an_error_not_a_crash() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(decode(deep.as_bytes(), "application/json").is_err());
        let ok = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(decode(ok.as_bytes(), "application/json").is_ok());
    }

    #[test]
    fn json_lines_become_an_array_and_keep_complete_records() {
        let body = b"{\"a\":1}\n{\"a\":2}\r\n\n{\"a\":3";
        assert_eq!(decode(body, "application/x-ndjson").unwrap(), json!([{"a":1},{"a":2}]));
        assert_eq!(decode(b"1\n2\n", "application/jsonl; charset=utf-8").unwrap(), json!([1, 2]));
        assert!(decode(b"{\"a\":1}\n}{", "application/x-ndjson").is_err());
        let limits = DecodeLimits { max_fields: 2, ..DecodeLimits::default() };
        assert_eq!(JsonDecoder.decode(b"1 2 3 4", "application/x-ndjson", &limits).unwrap(), json!([1, 2]));
    }
}

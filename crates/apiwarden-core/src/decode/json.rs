use super::{BodyDecoder, DecodeError, DecodeLimits};

/// `application/json` and every `+json` type.
pub(super) struct JsonDecoder;

impl BodyDecoder for JsonDecoder {
    fn name(&self) -> &'static str {
        "json"
    }

    fn media_types(&self) -> &'static [&'static str] {
        &["application/json", "text/json", "application/x-ndjson"]
    }

    fn suffixes(&self) -> &'static [&'static str] {
        &["json"]
    }

    fn decode(&self, body: &[u8], _content_type: &str, _limits: &DecodeLimits) -> Result<serde_json::Value, DecodeError> {
        // serde_json refuses nesting deeper than 128 levels, which bounds recursion here.
        serde_json::from_slice(body).map_err(|err| DecodeError::Invalid { decoder: "json", message: err.to_string() })
    }
}

use serde_json::Value;

use super::{BodyDecoder, DecodeError, DecodeLimits};

/// `multipart/form-data`. (Being written: see the decoding helper's task.)
pub(super) struct MultipartDecoder;

impl BodyDecoder for MultipartDecoder {
    fn name(&self) -> &'static str {
        "multipart"
    }

    fn media_types(&self) -> &'static [&'static str] {
        &["multipart/form-data"]
    }

    fn decode(&self, _body: &[u8], _content_type: &str, _limits: &DecodeLimits) -> Result<Value, DecodeError> {
        Err(DecodeError::Invalid { decoder: "multipart", message: "not implemented yet".into() })
    }
}

use serde_json::{Map, Value};

use super::{BodyDecoder, DecodeError, DecodeLimits};

/// `application/x-www-form-urlencoded`: an object of strings; a repeated name becomes an
/// array of its values.
pub(super) struct FormDecoder;

impl BodyDecoder for FormDecoder {
    fn name(&self) -> &'static str {
        "form"
    }

    fn media_types(&self) -> &'static [&'static str] {
        &["application/x-www-form-urlencoded"]
    }

    fn decode(&self, body: &[u8], _content_type: &str, limits: &DecodeLimits) -> Result<Value, DecodeError> {
        let mut object = Map::new();
        for (name, value) in form_urlencoded::parse(body).take(limits.max_fields) {
            let value = Value::String(value.into_owned());
            match object.get_mut(name.as_ref()) {
                Some(Value::Array(values)) => values.push(value),
                Some(existing) => {
                    let first = existing.take();
                    *existing = Value::Array(vec![first, value]);
                }
                None => {
                    object.insert(name.into_owned(), value);
                }
            }
        }
        Ok(Value::Object(object))
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decode(body: &[u8], limits: &DecodeLimits) -> Value {
        FormDecoder.decode(body, "application/x-www-form-urlencoded", limits).unwrap()
    }

    #[test]
    fn names_values_plus_and_percent_decoding() {
        let value = decode(b"user=ann+lee&q=%27%20OR%201%3D1&empty=&flag", &DecodeLimits::default());
        assert_eq!(value, json!({"user": "ann lee", "q": "' OR 1=1", "empty": "", "flag": ""}));
    }

    #[test]
    fn repeated_names_become_arrays_in_order() {
        let value = decode(b"tag=a&x=1&tag=b&tag=c", &DecodeLimits::default());
        assert_eq!(value, json!({"tag": ["a", "b", "c"], "x": "1"}));
    }

    #[test]
    fn non_utf8_bytes_are_replaced_not_rejected() {
        let value = decode(b"name=%FF\xfe&ok=1", &DecodeLimits::default());
        assert_eq!(value["name"], json!("\u{fffd}\u{fffd}"));
        assert_eq!(value["ok"], json!("1"));
    }

    #[test]
    fn pairs_are_capped_by_max_fields() {
        let body = (0..100).map(|i| format!("k{i}=v")).collect::<Vec<_>>().join("&");
        let limits = DecodeLimits { max_fields: 10, ..DecodeLimits::default() };
        assert_eq!(decode(body.as_bytes(), &limits).as_object().unwrap().len(), 10);
    }
}

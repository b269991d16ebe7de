//! Flattening a decoded call into the field list.

use serde_json::Value;

use super::{DecodeLimits, Decoded};
use crate::field::{Direction, Field, Location};
use crate::model::ApiCall;

/// Every field of a call: path segments, query, headers, cookies, request and response
/// bodies (from their decoded views), bounded by `limits.max_fields`.
pub fn call_fields(
    _call: &ApiCall,
    _request_body: Option<&Decoded>,
    _response_body: Option<&Decoded>,
    _limits: &DecodeLimits,
) -> Vec<Field> {
    Vec::new()
}

/// Appends one field per leaf of `value`, paths continuing `prefix`.
pub fn flatten_value(
    _value: &Value,
    _direction: Direction,
    _location: Location,
    _prefix: &str,
    _limits: &DecodeLimits,
    _out: &mut Vec<Field>,
) {
}

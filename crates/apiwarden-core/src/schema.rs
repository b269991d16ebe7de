//! Mergeable JSON Schema inference.
//!
//! A [`SchemaNode`] counts what was observed at one position of many JSON values: how many
//! values of each type, which string formats, which object properties (and how often each
//! was present), what array items looked like. Nodes merge by adding counts, so a schema
//! inferred from two batches equals the schema inferred from both at once, in any order.
//! [`SchemaNode::to_json_schema`] turns the counts into JSON Schema (2020-12, as used by
//! OpenAPI 3.1): a property is `required` when every object seen had it, a `format` is
//! stated when every string seen had it.
//!
//! Bounded: nesting deeper than [`MAX_DEPTH`] is not descended into, and an object with more
//! than [`MAX_PROPERTIES`] distinct property names is treated as a map (its values merged
//! into `additionalProperties`), which is what such objects almost always are (ids or
//! dates as keys). Both rules depend only on the values seen, never on their order.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// Objects nested deeper than this are counted but not described.
pub const MAX_DEPTH: usize = 12;
/// Objects with more distinct property names than this are treated as maps.
pub const MAX_PROPERTIES: usize = 150;

/// String formats we recognise (JSON Schema names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StringFormat {
    DateTime,
    Date,
    Email,
    Uuid,
    Uri,
    Ipv4,
    Ipv6,
}

impl StringFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            StringFormat::DateTime => "date-time",
            StringFormat::Date => "date",
            StringFormat::Email => "email",
            StringFormat::Uuid => "uuid",
            StringFormat::Uri => "uri",
            StringFormat::Ipv4 => "ipv4",
            StringFormat::Ipv6 => "ipv6",
        }
    }

    /// The one format a string satisfies, if any.
    pub fn detect(text: &str) -> Option<StringFormat> {
        let bytes = text.as_bytes();
        let first = *bytes.first()?;
        if first.is_ascii_digit() {
            if is_date(bytes) {
                return Some(StringFormat::Date);
            }
            if is_date_time(bytes) {
                return Some(StringFormat::DateTime);
            }
            if bytes.len() <= 15 && text.parse::<Ipv4Addr>().is_ok() {
                return Some(StringFormat::Ipv4);
            }
        }
        if is_uuid(bytes) {
            return Some(StringFormat::Uuid);
        }
        if is_email(text) {
            return Some(StringFormat::Email);
        }
        if is_uri(bytes) {
            return Some(StringFormat::Uri);
        }
        if text.contains(':') && bytes.len() <= 45 && text.parse::<Ipv6Addr>().is_ok() {
            return Some(StringFormat::Ipv6);
        }
        None
    }
}

fn all_digits(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(u8::is_ascii_digit)
}

fn two_digits(bytes: &[u8]) -> Option<u32> {
    match bytes {
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
            Some(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
        }
        _ => None,
    }
}

/// `YYYY-MM-DD` with a plausible month and day.
pub fn is_date(bytes: &[u8]) -> bool {
    if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (bytes.get(0..4), bytes.get(5..7), bytes.get(8..10)) else {
        return false;
    };
    all_digits(year)
        && two_digits(month).is_some_and(|m| (1..=12).contains(&m))
        && two_digits(day).is_some_and(|d| (1..=31).contains(&d))
}

/// RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
pub fn is_date_time(bytes: &[u8]) -> bool {
    if bytes.len() < 20 || !bytes.get(..10).is_some_and(is_date) {
        return false;
    }
    if !matches!(bytes.get(10), Some(b'T' | b't')) {
        return false;
    }
    let Some(time) = bytes.get(11..19) else { return false };
    let time_ok = two_digits(&time[0..2]).is_some_and(|h| h < 24)
        && time[2] == b':'
        && two_digits(&time[3..5]).is_some_and(|m| m < 60)
        && time[5] == b':'
        && two_digits(&time[6..8]).is_some_and(|s| s < 61);
    if !time_ok {
        return false;
    }
    let mut rest = bytes.get(19..).unwrap_or_default();
    if let Some(frac) = rest.strip_prefix(b".") {
        let digits = frac.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        rest = frac.get(digits..).unwrap_or_default();
    }
    match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            two_digits(&[*h1, *h2]).is_some_and(|h| h < 24) && two_digits(&[*m1, *m2]).is_some_and(|m| m < 60)
        }
        _ => false,
    }
}

/// `8-4-4-4-12` hexadecimal.
pub fn is_uuid(bytes: &[u8]) -> bool {
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// A pragmatic address check: `local@domain.tld`, no spaces, sane lengths.
pub fn is_email(text: &str) -> bool {
    if text.len() > 254 || text.len() < 6 {
        return false;
    }
    let Some((local, domain)) = text.split_once('@') else { return false };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local.bytes().all(|b| b.is_ascii_alphanumeric() || b"._%+-'".contains(&b));
    let domain_ok = domain.contains('.')
        && !domain.starts_with(['.', '-'])
        && !domain.ends_with(['.', '-'])
        && domain.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && domain
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()));
    local_ok && domain_ok
}

/// An absolute URI with an authority: `scheme://...` and no whitespace.
fn is_uri(bytes: &[u8]) -> bool {
    let Some(colon) = memchr::memchr(b':', bytes.get(..bytes.len().min(20)).unwrap_or_default()) else {
        return false;
    };
    let Some(scheme) = bytes.get(..colon) else { return false };
    !scheme.is_empty()
        && scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme.iter().all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(b))
        && bytes.get(colon + 1..colon + 3) == Some(b"//")
        && bytes.len() > colon + 3
        && !bytes.iter().any(|b| b.is_ascii_whitespace())
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StringStats {
    pub count: u64,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub formats: BTreeMap<StringFormat, u64>,
    pub max_len: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ObjectStats {
    pub count: u64,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, SchemaNode>,
    /// Set once the object had too many distinct keys: all values merge here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map_values: Option<SchemaNode>,
    /// Objects seen below [`MAX_DEPTH`], counted but not described.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub too_deep: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ArrayStats {
    pub count: u64,
    pub items: SchemaNode,
    pub max_items: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Observed type statistics at one position of a JSON document.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SchemaNode {
    /// Values seen here, of any type.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub count: u64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub nulls: u64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bools: u64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub integers: u64,
    /// Non-integer numbers.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub numbers: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strings: Option<Box<StringStats>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<Box<ObjectStats>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub array: Option<Box<ArrayStats>>,
}

impl SchemaNode {
    pub fn from_value(value: &Value) -> SchemaNode {
        let mut node = SchemaNode::default();
        node.observe(value);
        node
    }

    /// Adds one JSON value.
    pub fn observe(&mut self, value: &Value) {
        self.observe_at(value, 0);
    }

    fn observe_at(&mut self, value: &Value, depth: usize) {
        self.count += 1;
        match value {
            Value::Null => self.nulls += 1,
            Value::Bool(_) => self.bools += 1,
            Value::Number(n) => {
                if n.is_i64() || n.is_u64() {
                    self.integers += 1;
                } else {
                    self.numbers += 1;
                }
            }
            Value::String(text) => self.observe_string(text),
            Value::Array(items) => {
                let stats = self.array.get_or_insert_with(Box::default);
                stats.count += 1;
                stats.max_items = stats.max_items.max(items.len() as u64);
                if depth < MAX_DEPTH {
                    for item in items {
                        stats.items.observe_at(item, depth + 1);
                    }
                }
            }
            Value::Object(map) => {
                let stats = self.object.get_or_insert_with(Box::default);
                stats.count += 1;
                if depth >= MAX_DEPTH {
                    stats.too_deep += 1;
                    return;
                }
                for (key, child) in map {
                    if let Some(map_values) = stats.map_values.as_mut() {
                        map_values.observe_at(child, depth + 1);
                    } else if let Some(node) = stats.properties.get_mut(key.as_str()) {
                        node.observe_at(child, depth + 1);
                    } else {
                        let mut node = SchemaNode::default();
                        node.observe_at(child, depth + 1);
                        stats.properties.insert(key.clone(), node);
                    }
                }
                stats.enforce_width();
            }
        }
    }

    fn observe_string(&mut self, text: &str) {
        let stats = self.strings.get_or_insert_with(Box::default);
        stats.count += 1;
        stats.max_len = stats.max_len.max(text.len() as u64);
        if let Some(format) = StringFormat::detect(text) {
            *stats.formats.entry(format).or_default() += 1;
        }
    }

    /// Adds one textual value (a query parameter, header or path segment), typed by what
    /// it looks like: `42` counts as an integer, `true` as a boolean, the rest as strings.
    pub fn observe_text(&mut self, text: &str) {
        self.count += 1;
        if text == "true" || text == "false" {
            self.bools += 1;
        } else if looks_like_integer(text) {
            self.integers += 1;
        } else if looks_like_number(text) {
            self.numbers += 1;
        } else {
            self.observe_string(text);
        }
    }

    /// Folds `other` into `self`; commutative and associative.
    pub fn merge(&mut self, other: &SchemaNode) {
        self.count += other.count;
        self.nulls += other.nulls;
        self.bools += other.bools;
        self.integers += other.integers;
        self.numbers += other.numbers;
        if let Some(theirs) = &other.strings {
            let ours = self.strings.get_or_insert_with(Box::default);
            ours.count += theirs.count;
            ours.max_len = ours.max_len.max(theirs.max_len);
            for (format, n) in &theirs.formats {
                *ours.formats.entry(*format).or_default() += n;
            }
        }
        if let Some(theirs) = &other.array {
            let ours = self.array.get_or_insert_with(Box::default);
            ours.count += theirs.count;
            ours.max_items = ours.max_items.max(theirs.max_items);
            ours.items.merge(&theirs.items);
        }
        if let Some(theirs) = &other.object {
            let ours = self.object.get_or_insert_with(Box::default);
            ours.count += theirs.count;
            ours.too_deep += theirs.too_deep;
            for (key, node) in &theirs.properties {
                match ours.map_values.as_mut() {
                    Some(map_values) => map_values.merge(node),
                    None => match ours.properties.get_mut(key) {
                        Some(existing) => existing.merge(node),
                        None => {
                            ours.properties.insert(key.clone(), node.clone());
                        }
                    },
                }
            }
            if let Some(their_map) = &theirs.map_values {
                ours.convert_to_map();
                if let Some(map_values) = ours.map_values.as_mut() {
                    map_values.merge(their_map);
                }
            }
            ours.enforce_width();
        }
    }

    /// JSON Schema for what was seen; `{}` when nothing was.
    pub fn to_json_schema(&self) -> Value {
        let mut schema = Map::new();
        let mut types: Vec<&str> = Vec::new();
        if self.nulls > 0 {
            types.push("null");
        }
        if self.bools > 0 {
            types.push("boolean");
        }
        if self.numbers > 0 {
            types.push("number");
        } else if self.integers > 0 {
            types.push("integer");
        }
        if let Some(strings) = &self.strings {
            types.push("string");
            if let Some((format, n)) =
                strings.formats.iter().next_back().filter(|_| strings.formats.len() == 1)
                && *n == strings.count
            {
                schema.insert("format".into(), json!(format.as_str()));
            }
        }
        if let Some(array) = &self.array {
            types.push("array");
            if array.items.count > 0 {
                schema.insert("items".into(), array.items.to_json_schema());
            }
        }
        if let Some(object) = &self.object {
            types.push("object");
            if !object.properties.is_empty() {
                let properties: Map<String, Value> =
                    object.properties.iter().map(|(k, v)| (k.clone(), v.to_json_schema())).collect();
                schema.insert("properties".into(), Value::Object(properties));
                let required: Vec<Value> = object
                    .properties
                    .iter()
                    .filter(|(_, node)| node.count >= object.count && object.too_deep == 0)
                    .map(|(k, _)| json!(k))
                    .collect();
                if !required.is_empty() {
                    schema.insert("required".into(), Value::Array(required));
                }
            }
            if let Some(map_values) = &object.map_values {
                schema.insert("additionalProperties".into(), map_values.to_json_schema());
            }
        }
        match types.as_slice() {
            [] => {}
            [one] => {
                schema.insert("type".into(), json!(one));
            }
            many => {
                schema.insert("type".into(), json!(many));
            }
        }
        Value::Object(schema)
    }

    /// Dotted paths of every property below this node (`items[].name`), at most `limit`;
    /// used to tell whether two endpoints return the same kind of thing.
    pub fn property_paths(&self, limit: usize) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_paths("", &mut out, limit, 0);
        out
    }

    fn collect_paths(&self, prefix: &str, out: &mut Vec<String>, limit: usize, depth: usize) {
        if depth > 6 {
            return;
        }
        if let Some(object) = &self.object {
            for (key, node) in &object.properties {
                if out.len() >= limit {
                    return;
                }
                let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                out.push(path.clone());
                node.collect_paths(&path, out, limit, depth + 1);
            }
        }
        if let Some(array) = &self.array {
            array.items.collect_paths(&format!("{prefix}[]"), out, limit, depth + 1);
        }
    }
}

impl ObjectStats {
    fn enforce_width(&mut self) {
        if self.map_values.is_none() && self.properties.len() > MAX_PROPERTIES {
            self.convert_to_map();
        }
    }

    /// Turns a record-like object into a map: every property's values merge into one node.
    fn convert_to_map(&mut self) {
        let mut merged = self.map_values.take().unwrap_or_default();
        for node in std::mem::take(&mut self.properties).values() {
            merged.merge(node);
        }
        self.map_values = Some(merged);
    }
}

fn looks_like_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    // Leading zeros mean an identifier or code ("007"), not a number.
    !digits.is_empty()
        && digits.len() <= 18
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits.len() == 1 || !digits.starts_with('0'))
}

fn looks_like_number(text: &str) -> bool {
    let body = text.strip_prefix('-').unwrap_or(text);
    let Some((int, frac)) = body.split_once('.') else { return false };
    !int.is_empty()
        && !frac.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && body.len() <= 24
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infer(values: &[Value]) -> Value {
        let mut node = SchemaNode::default();
        for v in values {
            node.observe(v);
        }
        node.to_json_schema()
    }

    #[test]
    fn required_only_when_always_present() {
        let schema = infer(&[json!({"id": 1, "name": "a"}), json!({"id": 2})]);
        assert_eq!(schema["required"], json!(["id"]));
        assert_eq!(schema["properties"]["id"]["type"], "integer");
        assert_eq!(schema["properties"]["name"]["type"], "string");
    }

    #[test]
    fn formats_only_when_every_string_has_them() {
        let schema = infer(&[
            json!({"at": "2024-01-02T03:04:05Z", "mail": "a@b.io", "id": "123e4567-e89b-12d3-a456-426614174000"}),
            json!({"at": "2024-01-02T03:04:05.123+02:00", "mail": "not an email", "id": "123e4567-e89b-12d3-a456-426614174001"}),
        ]);
        assert_eq!(schema["properties"]["at"]["format"], "date-time");
        assert!(schema["properties"]["mail"].get("format").is_none());
        assert_eq!(schema["properties"]["id"]["format"], "uuid");
    }

    #[test]
    fn nullable_and_mixed_numbers() {
        let schema = infer(&[json!({"n": 1, "x": null}), json!({"n": 1.5, "x": "s"})]);
        assert_eq!(schema["properties"]["n"]["type"], "number");
        assert_eq!(schema["properties"]["x"]["type"], json!(["null", "string"]));
    }

    #[test]
    fn arrays_and_nesting() {
        let schema =
            infer(&[json!({"items": [{"id": 1, "tags": ["a"]}, {"id": 2, "tags": []}], "total": 2})]);
        let items = &schema["properties"]["items"];
        assert_eq!(items["type"], "array");
        assert_eq!(items["items"]["required"], json!(["id", "tags"]));
        assert_eq!(items["items"]["properties"]["tags"]["items"]["type"], "string");
    }

    #[test]
    fn wide_objects_become_maps_whatever_the_order() {
        let wide: Map<String, Value> =
            (0..MAX_PROPERTIES + 10).map(|i| (format!("k{i}"), json!(i))).collect();
        let narrow = json!({"k0": "text"});
        let mut a = SchemaNode::from_value(&Value::Object(wide.clone()));
        a.merge(&SchemaNode::from_value(&narrow));
        let mut b = SchemaNode::from_value(&narrow);
        b.merge(&SchemaNode::from_value(&Value::Object(wide)));
        assert_eq!(a, b);
        let schema = a.to_json_schema();
        assert_eq!(schema["additionalProperties"]["type"], json!(["integer", "string"]));
        assert!(schema.get("properties").is_none());
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let mut value = json!(1);
        for _ in 0..200 {
            value = json!({ "a": value });
        }
        let schema = infer(&[value]);
        let text = schema.to_string();
        assert!(text.matches("properties").count() <= MAX_DEPTH + 1);
    }

    #[test]
    fn text_values_are_typed_by_shape() {
        let mut node = SchemaNode::default();
        for v in ["1", "20", "300"] {
            node.observe_text(v);
        }
        assert_eq!(node.to_json_schema(), json!({"type": "integer"}));
        node.observe_text("007");
        assert_eq!(node.to_json_schema()["type"], json!(["integer", "string"]));
    }

    #[test]
    fn format_detection() {
        assert_eq!(StringFormat::detect("2024-02-30"), Some(StringFormat::Date));
        assert_eq!(StringFormat::detect("2024-13-01"), None);
        assert_eq!(StringFormat::detect("https://x.io/a"), Some(StringFormat::Uri));
        assert_eq!(StringFormat::detect("10.0.0.1"), Some(StringFormat::Ipv4));
        assert_eq!(StringFormat::detect("::1"), Some(StringFormat::Ipv6));
        assert_eq!(StringFormat::detect("12:30"), None);
        assert_eq!(StringFormat::detect("hello world"), None);
    }

    proptest::proptest! {
        #[test]
        fn merge_is_order_independent(a in json_value(), b in json_value(), c in json_value()) {
            let (na, nb, nc) = (SchemaNode::from_value(&a), SchemaNode::from_value(&b), SchemaNode::from_value(&c));
            let mut left = na.clone();
            left.merge(&nb);
            left.merge(&nc);
            let mut right = nc.clone();
            right.merge(&na);
            right.merge(&nb);
            proptest::prop_assert_eq!(left.to_json_schema(), right.to_json_schema());
            let mut direct = SchemaNode::default();
            direct.observe(&a);
            direct.observe(&b);
            direct.observe(&c);
            proptest::prop_assert_eq!(direct.to_json_schema(), left.to_json_schema());
        }
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(|n| json!(n)),
            (-1000.0f64..1000.0).prop_map(|n| json!(n)),
            "[a-z0-9@.:-]{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map("[a-e]", inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }
}

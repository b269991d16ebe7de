//! Loads the parts of a JSON or YAML spec that template import needs, within a budget.
//!
//! Two defences keep hostile or huge documents bounded:
//!
//! * **Pruning.** Only the fields that describe paths are built into memory (`paths`,
//!   operations' `parameters` and `servers`, `components.pathItems`,
//!   `components.parameters`, root `servers`/`host`/`basePath`, ...). Schemas, examples
//!   and descriptions, which are most of a large spec, are skipped while parsing.
//!   Skipping a YAML alias does not expand it.
//! * **Budget.** `yaml_serde` expands aliases while deserializing and only limits the
//!   number of alias jumps (100 × the number of events), which still lets a 20 MB
//!   document expand to billions of values. Every value built here is counted, and
//!   loading stops with [`LoadError::Budget`] once [`MAX_VALUES`] values or
//!   [`MAX_STRING_BYTES`] bytes of strings have been built.

use std::cell::Cell;
use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, MapAccess, SeqAccess, VariantAccess, Visitor,
};
use serde_json::{Map, Number, Value};

/// Values (scalars, arrays, objects) the kept part of a document may expand to.
pub(crate) const MAX_VALUES: u64 = 2_000_000;
/// Bytes of strings and keys the kept part of a document may expand to.
pub(crate) const MAX_STRING_BYTES: u64 = 64 * 1024 * 1024;

pub(crate) enum LoadError {
    Json { line: usize, column: usize, message: String },
    Yaml { line: Option<usize>, column: Option<usize>, message: String },
    Budget,
}

/// Which part of the document a value is; decides which children are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    All,
    Root,
    Paths,
    PathItem,
    Operation,
    Params,
    Param,
    Components,
    MapOfParam,
    MapOfPathItem,
    MapOfOperation,
}

/// Methods kept in a path item (the importer decides which the version allows).
pub(crate) const PATH_ITEM_METHODS: [&str; 9] =
    ["get", "put", "post", "delete", "options", "head", "patch", "trace", "query"];

enum Child {
    Keep(Rule),
    /// Kept as `null` so the importer can report an unknown field.
    Marker,
    Skip,
}

fn child(rule: Rule, key: Option<&str>) -> Child {
    use Child::{Keep, Marker, Skip};
    match (rule, key) {
        (Rule::All, _) => Keep(Rule::All),
        (Rule::Root, Some("openapi" | "swagger" | "host" | "basePath" | "servers")) => Keep(Rule::All),
        (Rule::Root, Some("paths")) => Keep(Rule::Paths),
        (Rule::Root, Some("components")) => Keep(Rule::Components),
        (Rule::Root, Some("parameters")) => Keep(Rule::MapOfParam),
        (Rule::Root, _) => Skip,
        (Rule::Paths, Some(key)) if key.starts_with("x-") => Skip,
        (Rule::Paths, _) => Keep(Rule::PathItem),
        (Rule::PathItem, Some("$ref" | "servers")) => Keep(Rule::All),
        (Rule::PathItem, Some("parameters")) => Keep(Rule::Params),
        (Rule::PathItem, Some("additionalOperations")) => Keep(Rule::MapOfOperation),
        (Rule::PathItem, Some(key)) if PATH_ITEM_METHODS.contains(&key) => Keep(Rule::Operation),
        (Rule::PathItem, Some("summary" | "description")) => Skip,
        (Rule::PathItem, Some(key)) if key.starts_with("x-") => Skip,
        (Rule::PathItem, _) => Marker,
        (Rule::Operation, Some("parameters")) => Keep(Rule::Params),
        (Rule::Operation, Some("servers")) => Keep(Rule::All),
        (Rule::Operation, _) => Skip,
        (Rule::Params, _) | (Rule::MapOfParam, _) => Keep(Rule::Param),
        (Rule::Param, Some("name" | "in" | "$ref")) => Keep(Rule::All),
        (Rule::Param, _) => Skip,
        (Rule::Components, Some("pathItems")) => Keep(Rule::MapOfPathItem),
        (Rule::Components, Some("parameters")) => Keep(Rule::MapOfParam),
        (Rule::Components, _) => Skip,
        (Rule::MapOfPathItem, _) => Keep(Rule::PathItem),
        (Rule::MapOfOperation, _) => Keep(Rule::Operation),
    }
}

struct Budget {
    values: Cell<u64>,
    bytes: Cell<u64>,
    exceeded: Cell<bool>,
}

impl Budget {
    fn spend(&self, values: u64, bytes: u64) -> bool {
        let values_left = self.values.get().checked_sub(values);
        let bytes_left = self.bytes.get().checked_sub(bytes);
        match (values_left, bytes_left) {
            (Some(v), Some(b)) => {
                self.values.set(v);
                self.bytes.set(b);
                true
            }
            _ => {
                self.exceeded.set(true);
                false
            }
        }
    }
}

#[derive(Clone, Copy)]
struct Seed<'b> {
    rule: Rule,
    budget: &'b Budget,
}

impl<'b> Seed<'b> {
    fn spend<E: de::Error>(&self, bytes: usize) -> Result<(), E> {
        if self.budget.spend(1, bytes as u64) { Ok(()) } else { Err(E::custom("expansion budget exceeded")) }
    }
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.spend(0)?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.spend(0)?;
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.spend(0)?;
        Ok(Value::Number(v.into()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        self.spend(0)?;
        Ok(match i64::try_from(v) {
            Ok(small) => Value::Number(small.into()),
            Err(_) => Value::String(v.to_string()),
        })
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        self.spend(0)?;
        Ok(match u64::try_from(v) {
            Ok(small) => Value::Number(small.into()),
            Err(_) => Value::String(v.to_string()),
        })
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.spend(0)?;
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.spend(v.len())?;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.spend(v.len())?;
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.spend(0)?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.spend(0)?;
        let mut items = Vec::new();
        loop {
            match child(self.rule, None) {
                Child::Keep(rule) => match seq.next_element_seed(Seed { rule, budget: self.budget })? {
                    Some(item) => items.push(item),
                    None => break,
                },
                Child::Marker | Child::Skip => match seq.next_element::<IgnoredAny>()? {
                    Some(_) => {}
                    None => break,
                },
            }
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.spend(0)?;
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            match child(self.rule, Some(&key)) {
                Child::Keep(rule) => {
                    self.spend(key.len())?;
                    let value = map.next_value_seed(Seed { rule, budget: self.budget })?;
                    object.insert(key, value);
                }
                Child::Marker => {
                    self.spend(key.len())?;
                    map.next_value::<IgnoredAny>()?;
                    object.insert(key, Value::Null);
                }
                Child::Skip => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Value::Object(object))
    }

    /// YAML tags (`!Ref x`): the tag is dropped and the value kept.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        let (_tag, variant): (IgnoredAny, _) = data.variant()?;
        variant.newtype_variant_seed(self)
    }
}

/// Does the text look like JSON (rather than YAML)?
pub(crate) fn looks_like_json(text: &str) -> bool {
    text.trim_start().starts_with(['{', '['])
}

pub(crate) fn load(text: &str) -> Result<Value, LoadError> {
    if looks_like_json(text) {
        match load_json(text) {
            Ok(value) => Ok(value),
            // A YAML flow mapping (`{openapi: 3.0.0, ...}`) is not JSON but is fine.
            Err(json_error @ LoadError::Json { .. }) => load_yaml(text).map_err(|_| json_error),
            Err(other) => Err(other),
        }
    } else {
        load_yaml(text)
    }
}

fn new_budget() -> Budget {
    Budget { values: Cell::new(MAX_VALUES), bytes: Cell::new(MAX_STRING_BYTES), exceeded: Cell::new(false) }
}

fn load_json(text: &str) -> Result<Value, LoadError> {
    let budget = new_budget();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let result = Seed { rule: Rule::Root, budget: &budget }
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value));
    result.map_err(|error| {
        if budget.exceeded.get() {
            return LoadError::Budget;
        }
        let message = error.to_string();
        let suffix = format!(" at line {} column {}", error.line(), error.column());
        let message = message.strip_suffix(&suffix).unwrap_or(&message).to_owned();
        LoadError::Json { line: error.line(), column: error.column(), message }
    })
}

fn load_yaml(text: &str) -> Result<Value, LoadError> {
    let budget = new_budget();
    let result =
        Seed { rule: Rule::Root, budget: &budget }.deserialize(yaml_serde::Deserializer::from_str(text));
    result.map_err(|error| {
        let message = error.to_string();
        // `yaml_serde`'s own alias guard (alias jumps > 100 × events) is the same failure.
        if budget.exceeded.get() || message.starts_with("repetition limit exceeded") {
            return LoadError::Budget;
        }
        let location = error.location();
        let mut message = message;
        if let Some(location) = &location {
            let at = format!(" at line {} column {}", location.line(), location.column());
            if let Some(start) = message.find(&at) {
                message.replace_range(start..start + at.len(), "");
            }
        }
        LoadError::Yaml {
            line: location.as_ref().map(|l| l.line()),
            column: location.map(|l| l.column()),
            message,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(text: &str) -> Value {
        match load(text) {
            Ok(value) => value,
            Err(LoadError::Budget) => panic!("budget"),
            Err(LoadError::Json { message, .. } | LoadError::Yaml { message, .. }) => panic!("{message}"),
        }
    }

    #[test]
    fn only_path_describing_parts_are_kept() {
        let value = ok(r#"{"openapi": "3.1.0", "info": {"title": "x"}, "paths": {"/a": {"summary": "s",
            "get": {"responses": {"200": {}}, "parameters": [{"name": "a", "in": "query", "schema": {}}]},
            "GET": {}, "x-foo": 1}, "x-ext": {}}, "components": {"schemas": {"A": {}},
            "parameters": {"P": {"name": "p", "in": "path", "description": "d"}}}}"#);
        assert_eq!(
            value,
            json!({"openapi": "3.1.0", "paths": {"/a": {"get": {"parameters": [{"name": "a", "in": "query"}]},
                "GET": null}}, "components": {"parameters": {"P": {"name": "p", "in": "path"}}}})
        );
    }

    #[test]
    fn yaml_flow_mappings_and_tags_load() {
        assert_eq!(ok("{openapi: 3.0.0}"), json!({"openapi": "3.0.0"}));
        assert_eq!(ok("openapi: !v 3.0.0\n"), json!({"openapi": "3.0.0"}));
        assert_eq!(ok("paths:\n  /a:\n    200: x\n"), json!({"paths": {"/a": {"200": null}}}));
    }

    #[test]
    fn aliases_outside_kept_parts_are_not_expanded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..12 {
            let prev = level - 1;
            text.push_str(&format!(
                "a{level}: &a{level} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        text.push_str("openapi: 3.0.0\n");
        assert_eq!(ok(&text), json!({"openapi": "3.0.0"}));
    }
}

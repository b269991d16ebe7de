//! A small, conservative YAML writer for JSON values.
//!
//! `yaml_serde::to_string` writes YAML 1.2: strings such as `yes`, `on`, `2024-01-01`,
//! `1_000` or `<<` come out unquoted, and YAML 1.1 readers (PyYAML, which
//! `openapi-spec-validator` and many other tools use, and a lot of Java tooling) read
//! them back as booleans, dates, numbers or merge keys. An exported spec must mean the
//! same thing to every reader, so this writer quotes every string that is not plainly a
//! string under both YAML 1.1 and 1.2, and always writes floats in a form both read as
//! floats. Output is block style with two-space indentation. Keys of the well-known
//! OpenAPI objects come in the conventional order (`openapi`, `info`, `servers`, `paths`,
//! `components`; `operationId` before `parameters` before `responses`; `name` and `in`
//! first in a parameter); all other keys keep the map's (sorted) order.

use serde_json::Value;

/// Deeper values are refused rather than risking the stack.
pub(crate) const MAX_DEPTH: usize = 512;

pub(crate) struct TooDeep;

/// Which OpenAPI object a map is, as far as key order is concerned.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Root,
    Info,
    Paths,
    PathItem,
    Operations,
    Operation,
    Parameters,
    Parameter,
    Responses,
    Response,
    Components,
    SecuritySchemes,
    SecurityScheme,
    Schema,
    SchemaMap,
    SchemaList,
    Other,
}

const METHODS: [&str; 9] = ["get", "put", "post", "delete", "options", "head", "patch", "trace", "query"];

impl Ctx {
    fn child(self, key: Option<&str>) -> Ctx {
        match (self, key) {
            (Ctx::Root, Some("info")) => Ctx::Info,
            (Ctx::Root, Some("paths")) => Ctx::Paths,
            (Ctx::Paths, Some(_)) => Ctx::PathItem,
            (Ctx::PathItem, Some(method)) if METHODS.contains(&method) => Ctx::Operation,
            (Ctx::PathItem, Some("x-apiwarden-operations")) => Ctx::Operations,
            (Ctx::Operations, Some(_)) => Ctx::Operation,
            (Ctx::PathItem | Ctx::Operation, Some("parameters")) => Ctx::Parameters,
            (Ctx::Parameters, None) => Ctx::Parameter,
            (Ctx::Operation, Some("responses")) => Ctx::Responses,
            (Ctx::Responses, Some(_)) => Ctx::Response,
            (Ctx::Root, Some("components")) => Ctx::Components,
            (Ctx::Components, Some("securitySchemes")) => Ctx::SecuritySchemes,
            (Ctx::SecuritySchemes, Some(_)) => Ctx::SecurityScheme,
            (Ctx::Components, Some("schemas")) => Ctx::SchemaMap,
            (Ctx::Schema, Some("properties" | "patternProperties" | "$defs" | "dependentSchemas")) => {
                Ctx::SchemaMap
            }
            (Ctx::SchemaMap, Some(_)) => Ctx::Schema,
            (
                Ctx::Schema,
                Some(
                    "items"
                    | "additionalProperties"
                    | "not"
                    | "contains"
                    | "propertyNames"
                    | "unevaluatedItems"
                    | "unevaluatedProperties"
                    | "if"
                    | "then"
                    | "else",
                ),
            ) => Ctx::Schema,
            (Ctx::Schema, Some("anyOf" | "allOf" | "oneOf" | "prefixItems")) => Ctx::SchemaList,
            (Ctx::SchemaList, None) => Ctx::Schema,
            (Ctx::Schema, _) => Ctx::Other,
            (_, Some("schema")) => Ctx::Schema,
            _ => Ctx::Other,
        }
    }

    fn first_keys(self) -> &'static [&'static str] {
        match self {
            Ctx::Root => {
                &["openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks", "components"]
            }
            Ctx::Info => &["title", "version", "summary", "description"],
            Ctx::PathItem => &["summary", "description", "servers", "parameters"],
            Ctx::Operation => &[
                "operationId",
                "summary",
                "description",
                "tags",
                "parameters",
                "requestBody",
                "responses",
                "security",
                "servers",
            ],
            Ctx::Parameter => &["name", "in", "required", "schema"],
            Ctx::Response => &["description", "headers", "content"],
            Ctx::Components => &["schemas", "parameters", "responses", "securitySchemes"],
            Ctx::SecurityScheme => &["type", "scheme", "bearerFormat", "in", "name", "description"],
            Ctx::Schema => {
                &["type", "format", "enum", "properties", "required", "additionalProperties", "items"]
            }
            Ctx::Paths
            | Ctx::Operations
            | Ctx::Parameters
            | Ctx::Responses
            | Ctx::SecuritySchemes
            | Ctx::SchemaMap
            | Ctx::SchemaList
            | Ctx::Other => &[],
        }
    }
}

/// Entries in output order: the context's first keys, then the rest in map order.
fn ordered(map: &serde_json::Map<String, Value>, ctx: Ctx) -> Vec<(&String, &Value)> {
    let first = ctx.first_keys();
    let mut entries: Vec<(&String, &Value)> =
        first.iter().filter_map(|key| map.get_key_value(*key)).collect();
    entries.extend(map.iter().filter(|(key, _)| !first.contains(&key.as_str())));
    entries
}

pub(crate) fn to_yaml(value: &Value) -> Result<String, TooDeep> {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map_entries(&mut out, map, Ctx::Root, 0, 0)?,
        Value::Array(items) if !items.is_empty() => write_seq_items(&mut out, items, Ctx::Other, 0, 0)?,
        scalar => {
            write_inline(&mut out, scalar);
            out.push('\n');
        }
    }
    Ok(out)
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// Entries of a non-empty map, each on its own indented line.
fn write_map_entries(
    out: &mut String,
    map: &serde_json::Map<String, Value>,
    ctx: Ctx,
    level: usize,
    depth: usize,
) -> Result<(), TooDeep> {
    for (key, value) in ordered(map, ctx) {
        indent(out, level);
        write_entry(out, key, value, ctx.child(Some(key)), level, depth)?;
    }
    Ok(())
}

fn write_entry(
    out: &mut String,
    key: &str,
    value: &Value,
    ctx: Ctx,
    level: usize,
    depth: usize,
) -> Result<(), TooDeep> {
    if depth > MAX_DEPTH {
        return Err(TooDeep);
    }
    write_string(out, key);
    out.push(':');
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            write_map_entries(out, map, ctx, level + 2, depth + 1)?;
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            write_seq_items(out, items, ctx, level + 2, depth + 1)?;
        }
        scalar => {
            out.push(' ');
            write_inline(out, scalar);
            out.push('\n');
        }
    }
    Ok(())
}

fn write_seq_items(
    out: &mut String,
    items: &[Value],
    ctx: Ctx,
    level: usize,
    depth: usize,
) -> Result<(), TooDeep> {
    if depth > MAX_DEPTH {
        return Err(TooDeep);
    }
    let item_ctx = ctx.child(None);
    for item in items {
        indent(out, level);
        out.push('-');
        match item {
            Value::Object(map) if !map.is_empty() => {
                // `- key: value` with the following keys aligned under the first.
                let mut first = true;
                for (key, value) in ordered(map, item_ctx) {
                    if first {
                        out.push(' ');
                        first = false;
                    } else {
                        indent(out, level + 2);
                    }
                    write_entry(out, key, value, item_ctx.child(Some(key)), level + 2, depth + 1)?;
                }
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                write_seq_items(out, inner, Ctx::Other, level + 2, depth + 1)?;
            }
            scalar => {
                out.push(' ');
                write_inline(out, scalar);
                out.push('\n');
            }
        }
    }
    Ok(())
}

/// Scalars and empty collections.
fn write_inline(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => write_number(out, number),
        Value::String(text) => write_string(out, text),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

fn write_number(out: &mut String, number: &serde_json::Number) {
    if number.is_f64() {
        // YAML 1.1 floats need a `.` in the mantissa and a sign in the exponent.
        let text = number.to_string();
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(at) => (&text[..at], Some(&text[at + 1..])),
            None => (text.as_str(), None),
        };
        out.push_str(mantissa);
        if !mantissa.contains('.') {
            out.push_str(".0");
        }
        if let Some(exponent) = exponent {
            out.push('e');
            if !exponent.starts_with(['-', '+']) {
                out.push('+');
            }
            out.push_str(exponent);
        }
    } else {
        out.push_str(&number.to_string());
    }
}

/// Words YAML 1.1 resolves to booleans or null.
const RESERVED: [&str; 9] = ["y", "n", "yes", "no", "true", "false", "on", "off", "null"];

fn is_plain_safe(text: &str) -> bool {
    let bytes = text.as_bytes();
    let Some(&first) = bytes.first() else { return false };
    if !(first.is_ascii_alphabetic() || first == b'/') {
        return false;
    }
    if bytes.last() == Some(&b' ') || bytes.last() == Some(&b':') {
        return false;
    }
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b" _./-{}:@+(),".contains(&b);
    if !bytes.iter().all(|&b| allowed(b)) {
        return false;
    }
    if text.contains(": ") || text.contains("  ") {
        return false;
    }
    !RESERVED.iter().any(|word| word.eq_ignore_ascii_case(text))
}

/// Writes a string plain when that is unambiguous, double-quoted otherwise.
pub(crate) fn write_string(out: &mut String, text: &str) {
    if is_plain_safe(text) {
        out.push_str(text);
        return;
    }
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            // Not printable in YAML, or line breaks that double quotes would fold.
            c if (c as u32) < 0x20
                || ('\u{7f}'..='\u{9f}').contains(&c)
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}') =>
            {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn yaml(value: &Value) -> String {
        to_yaml(value).ok().unwrap()
    }

    #[test]
    fn ambiguous_strings_are_quoted() {
        let text =
            yaml(&json!({"a": ["yes", "On", "y", "null", "2024-01-01", "1_000", "1:20", "<<", "=", "", " x",
            "a: b", "#c", "plain text", "/users/{id}", "https://api.example.com", "x\u{85}y"]}));
        assert_eq!(
            text,
            "a:\n  - \"yes\"\n  - \"On\"\n  - \"y\"\n  - \"null\"\n  - \"2024-01-01\"\n  - \"1_000\"\n  - \"1:20\"\n  \
             - \"<<\"\n  - \"=\"\n  - \"\"\n  - \" x\"\n  - \"a: b\"\n  - \"#c\"\n  - plain text\n  - /users/{id}\n  \
             - https://api.example.com\n  - \"x\\u0085y\"\n"
        );
    }

    #[test]
    fn floats_keep_a_dot_and_a_signed_exponent() {
        let text = yaml(&json!([1.5, 1e300, 2.5e-7, 100.0, 7]));
        assert_eq!(text, "- 1.5\n- 1.0e+300\n- 2.5e-7\n- 100.0\n- 7\n");
    }

    #[test]
    fn nested_structures_round_trip_through_yaml_serde() {
        let value = json!({
            "paths": {"/": {"get": {"responses": {"200": {"description": "OK"}}}}},
            "list": [{"a": 1, "b": [1, [2, 3], {}]}, [], {"c": {"d": null}}],
            "empty": {},
            "weird": "multi\nline \"quoted\" \\ \u{1} \u{2028} é 🦀",
        });
        let text = yaml(&value);
        let back: Value = yaml_serde::from_str(&text).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn openapi_objects_get_conventional_key_order() {
        let value = json!({"paths": {"/a": {"get": {"responses": {"200": {"x-a": 1, "description": "OK"}},
            "parameters": [{"schema": {}, "in": "query", "name": "q"}], "operationId": "getA"}}},
            "info": {"version": "1", "title": "t"}, "openapi": "3.1.0", "components": {"b": {"title": 1, "a": 2}}});
        assert_eq!(
            yaml(&value),
            "openapi: \"3.1.0\"\ninfo:\n  title: t\n  version: \"1\"\npaths:\n  /a:\n    get:\n      operationId: getA\n      \
             parameters:\n        - name: q\n          in: query\n          schema: {}\n      responses:\n        \"200\":\n          \
             description: OK\n          x-a: 1\ncomponents:\n  b:\n    a: 2\n    title: 1\n"
        );
    }

    #[test]
    fn too_deep_values_are_refused() {
        let mut value = json!(1);
        for _ in 0..(MAX_DEPTH + 10) {
            value = json!({ "a": value });
        }
        assert!(to_yaml(&value).is_err());
    }
}

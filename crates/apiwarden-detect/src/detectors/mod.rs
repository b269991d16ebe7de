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

//! Labelled attack requests and suspicious-looking legitimate traffic, to measure runtime
//! attack detection: the detection rate per attack class, placement and evasion, and the
//! false-positive rate.
//!
//! # Approach
//!
//! The corpus is written from what attacks and API traffic look like on the wire, not from
//! any detector: it must stay a fair, independent measure.
//!
//! * **Attacks** ([`attack_calls`]). Each of twelve classes ([`CLASSES`]) has its own base
//!   payloads, from the plain probe a scanner sends first to hand-written evasions (mixed
//!   case, SQL comments, whitespace tricks, shell quote splitting, nested JNDI lookups,
//!   alternative IP spellings, doubled dot sequences, ...): its `technique`. Every payload
//!   is sent in every placement where the class occurs in a real API
//!   ([`class_placements`]), encoded as a client encodes that placement (a percent-encoded
//!   path segment, a form-encoded query, a JSON string, an escaped XML text, ...). Each
//!   payload and placement is sent once as is and once more through a wire-level evasion
//!   that exists for that class and placement (full or double URL encoding, full-width
//!   punctuation, JSON `\u` escapes, XML character references or CDATA, base64 in a field
//!   the application decodes, overlong UTF-8, ...), chosen in rotation so that every
//!   evasion is exercised. Structural attacks (NoSQL operator objects, prototype-polluting
//!   keys) are written as JSON members and spelled per placement (`password[$ne]=`,
//!   `j:{...}` cookies); XXE is whole XML documents.
//! * **Legitimate traffic** ([`legit_calls`]). Calls to a dozen kinds of API (CMS, support
//!   desk, code host, shop, chat, search, file storage, webhooks admin, analytics, maps,
//!   mail templates, identity admin) whose values are chosen to trip naive rules: prose
//!   with SQL words and apostrophes, rich-text HTML, markdown, code snippets, file paths,
//!   URLs, search operators, `$` keys, formulas, template placeholders, tokens. They use
//!   the same hosts, endpoints, headers and placements as the attacks, so that nothing but
//!   the attack itself tells the two apart.
//!
//! Attack and legitimate calls share the same client headers (real browser and script
//! user agents, real-looking cookies, bearer JWTs), so a detector cannot score by looking
//! at incidental headers. Everything is deterministic for a seed: payloads are fixed, the
//! seed only moves incidental values (ids, names, cookies, which field of a body).
//!
//! The label's `payload` is the base payload as written before any encoding; for
//! structural payloads it is their JSON form whatever the placement's spelling.

mod evasion;
mod legit;
mod payloads;
mod placement;
mod prose;
mod request;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;
use apiwarden_core::{ApiCall, CallId};
use serde::Serialize;

/// Where in a request an attack payload sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// One path segment (or, for path traversal, raw dot segments of the path).
    Path,
    /// One query parameter (or, for structural payloads, bracketed query keys).
    Query,
    /// A custom or standard request header (`User-Agent`, `Referer`, `X-Search`, ...).
    Header,
    /// One cookie value in the `Cookie` header.
    Cookie,
    /// A string (or members) of a JSON body, at several depths and inside arrays.
    JsonBody,
    /// An `application/x-www-form-urlencoded` body field.
    Form,
    /// A text part of a `multipart/form-data` body.
    Multipart,
    /// An XML or SOAP body: an element's text, an attribute, or the whole document (XXE).
    Xml,
}

impl Placement {
    pub const ALL: [Placement; 8] = [
        Placement::Path,
        Placement::Query,
        Placement::Header,
        Placement::Cookie,
        Placement::JsonBody,
        Placement::Form,
        Placement::Multipart,
        Placement::Xml,
    ];

    /// The snake_case name used in labels and summaries.
    pub fn name(self) -> &'static str {
        match self {
            Placement::Path => "path",
            Placement::Query => "query",
            Placement::Header => "header",
            Placement::Cookie => "cookie",
            Placement::JsonBody => "json_body",
            Placement::Form => "form",
            Placement::Multipart => "multipart",
            Placement::Xml => "xml",
        }
    }
}

/// The attack classes, in report order.
pub const CLASSES: [&str; 12] = [
    "sqli",
    "xss",
    "cmdi",
    "path_traversal",
    "ssrf",
    "xxe",
    "nosqli",
    "ldapi",
    "ssti",
    "jndi",
    "crlf",
    "prototype_pollution",
];

/// What an attack call carries, for scoring and reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AttackLabel {
    /// One of [`CLASSES`].
    pub class: &'static str,
    pub placement: Placement,
    /// The evasion this call exercises: the wire-level one when one was applied (`url`,
    /// `double_url`, `fullwidth`, `json_unicode`, `base64`, `xml_entity`, `cdata`,
    /// `overlong_utf8`, `encoded_slash`, `part_filename`, `dot_notation`, `utf16`), else the
    /// payload's own technique, else `none`.
    pub evasion: &'static str,
    /// How the payload itself is written (`none`, `case`, `comment`, `whitespace`,
    /// `quote_split`, `nested_lookup`, `decimal_ip`, `dot_doubling`, ...), whatever the
    /// wire encoding.
    pub technique: &'static str,
    /// The base payload as written before any encoding for the placement.
    pub payload: String,
}

/// One call of the corpus: an attack (with its label) or legitimate traffic (`None`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabelledCall {
    pub call: ApiCall,
    pub attack: Option<AttackLabel>,
}

/// The placements where `class` is sent (empty for an unknown class). Every class is
/// present in each of its placements; the tests check the claim.
pub fn class_placements(class: &str) -> &'static [Placement] {
    payloads::spec(class).map_or(&[], |spec| spec.placements)
}

/// Every attack call of the corpus. The payloads are fixed; the seed only moves incidental
/// values (ids, names, cookies, which sink receives a payload).
pub fn attack_calls(seed: u64) -> Vec<LabelledCall> {
    placement::attack_calls(seed)
}

/// Legitimate calls the CLI writes unless told otherwise.
pub const DEFAULT_LEGIT_CALLS: usize = 6_000;

/// `n` legitimate calls (`attack: None`) chosen to look suspicious to naive rules.
pub fn legit_calls(seed: u64, n: usize) -> Vec<LabelledCall> {
    legit::legit_calls(seed, n)
}

/// Attack calls per class and placement.
pub fn counts(calls: &[LabelledCall]) -> BTreeMap<(&'static str, Placement), usize> {
    let mut counts = BTreeMap::new();
    for label in calls.iter().filter_map(|c| c.attack.as_ref()) {
        *counts.entry((label.class, label.placement)).or_insert(0) += 1;
    }
    counts
}

/// One line: totals, then per class its count and its count per placement.
pub fn summary_line(calls: &[LabelledCall]) -> String {
    let counts = counts(calls);
    let attacks: usize = counts.values().sum();
    let legit = calls.len() - attacks;
    let mut line = format!("{attacks} attacks, {legit} legit");
    for class in CLASSES {
        let per: Vec<String> = Placement::ALL
            .iter()
            .filter_map(|p| counts.get(&(class, *p)).map(|n| format!("{}={n}", p.name())))
            .collect();
        let total: usize = counts.iter().filter(|((c, _), _)| *c == class).map(|(_, n)| n).sum();
        line.push_str(&format!(" | {class} {total}: {}", per.join(" ")));
    }
    line
}

/// One line of `labels.jsonl`.
#[derive(Serialize)]
struct LabelLine<'a> {
    id: CallId,
    #[serde(flatten)]
    label: &'a AttackLabel,
}

/// Writes `dir/attacks.jsonl`, `dir/legit.jsonl` (apiwarden's JSON-lines call format) and
/// `dir/labels.jsonl` (call id and label per attack call), creating `dir` if needed, and
/// returns the [`summary_line`].
pub fn write_corpus(dir: &Path, seed: u64, legit: usize) -> anyhow::Result<String> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create directory {}", dir.display()))?;
    let attacks = attack_calls(seed);
    let legit = legit_calls(seed, legit);

    let mut calls_out = create(&dir.join("attacks.jsonl"))?;
    let mut labels_out = create(&dir.join("labels.jsonl"))?;
    for labelled in &attacks {
        writeln!(calls_out, "{}", apiwarden_core::jsonl::call_to_line(&labelled.call))?;
        if let Some(label) = &labelled.attack {
            serde_json::to_writer(&mut labels_out, &LabelLine { id: labelled.call.id, label })?;
            labels_out.write_all(b"\n")?;
        }
    }
    calls_out.flush()?;
    labels_out.flush()?;

    let mut legit_out = create(&dir.join("legit.jsonl"))?;
    for labelled in &legit {
        writeln!(legit_out, "{}", apiwarden_core::jsonl::call_to_line(&labelled.call))?;
    }
    legit_out.flush()?;

    let mut all = attacks;
    all.extend(legit);
    Ok(summary_line(&all))
}

fn create(path: &Path) -> anyhow::Result<BufWriter<File>> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(BufWriter::with_capacity(1 << 20, file))
}

//! Redaction: the stored form of a value that holds sensitive data.
//!
//! * `mask` (default) keeps a little shape and never the secret: cards keep their last four
//!   digits (`************4242`), e-mails their first letter and domain
//!   (`j***@example.com`), phones their last two digits, IBANs their country and last four,
//!   SSNs their last four, IP addresses their first half, names their initials; every
//!   credential, special-category and custom type, and every other personal type, becomes
//!   `[REDACTED:<type>]`.
//! * `hash` replaces the value with `sha256:` + the hex HMAC-SHA-256 of the value, keyed
//!   with the configured salt: equal values stay comparable across calls, and a
//!   low-entropy value (a PIN, a phone number) cannot be found by hashing guesses without
//!   the salt.
//! * `drop` removes the value: a field is removed, a span inside free text is cut out.
//!
//! The convenience functions ([`Redactor::redact_json`], [`Redactor::redact_fields`],
//! [`Redactor::redact_free_text`]) never emit text the classifier did not scan: a string
//! longer than the per-field scan cap is cut at the cap (`…[truncated]`), and strings the
//! per-call caps left unexamined become `[UNSCANNED]`.

use std::collections::{HashMap, HashSet};

use apiwarden_core::decode::{DecodeLimits, flatten_value_peeled};
use apiwarden_core::{Direction, Field, FieldValue, Location};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;

use crate::classify::{Classifier, Detection, Limits, cut};
use crate::config::{ConfigError, MIN_SALT_BYTES, RedactionConfig, RedactionMode};
use crate::types::{Builtin, DataTypeId};

/// Appended where a value was cut at the scan cap.
pub const TRUNCATED_MARKER: &str = "…[truncated]";
/// Replaces strings the classifier did not examine (per-call caps).
pub const UNSCANNED_MARKER: &str = "[UNSCANNED]";

/// Applies a redaction policy. Cheap to clone and share.
#[derive(Clone, Debug)]
pub struct Redactor {
    default: RedactionMode,
    types: HashMap<String, RedactionMode>,
    salt: Vec<u8>,
}

impl Redactor {
    /// Every type masked; no hashing.
    pub fn mask_all() -> Redactor {
        Redactor { default: RedactionMode::Mask, types: HashMap::new(), salt: Vec::new() }
    }

    /// A policy with a default mode and a salt for `hash` mode (at least
    /// [`MIN_SALT_BYTES`] bytes when any type hashes).
    pub fn new(default: RedactionMode, salt: impl Into<Vec<u8>>) -> Result<Redactor, ConfigError> {
        let redactor = Redactor { default, types: HashMap::new(), salt: salt.into() };
        redactor.check_salt()?;
        Ok(redactor)
    }

    /// Sets the mode of one type id.
    pub fn with_mode(mut self, id: &str, mode: RedactionMode) -> Result<Redactor, ConfigError> {
        self.types.insert(id.to_owned(), mode);
        self.check_salt()?;
        Ok(self)
    }

    /// From `[sensitive.redaction]` (validate the config first for full checks).
    pub fn from_config(config: &RedactionConfig) -> Result<Redactor, ConfigError> {
        let redactor = Redactor {
            default: config.default,
            types: config.types.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            salt: config.hash_salt.clone().unwrap_or_default().into_bytes(),
        };
        redactor.check_salt()?;
        Ok(redactor)
    }

    fn check_salt(&self) -> Result<(), ConfigError> {
        let hashing =
            self.default == RedactionMode::Hash || self.types.values().any(|m| *m == RedactionMode::Hash);
        if hashing && self.salt.len() < MIN_SALT_BYTES {
            return Err(if self.salt.is_empty() {
                ConfigError::MissingSalt { which: "the redaction policy".into() }
            } else {
                ConfigError::ShortSalt { len: self.salt.len() }
            });
        }
        Ok(())
    }

    /// The mode for a type.
    pub fn mode(&self, data_type: &DataTypeId) -> RedactionMode {
        self.types.get(data_type.as_str()).copied().unwrap_or(self.default)
    }

    /// `sha256:` + hex HMAC-SHA-256(salt, value).
    pub fn hash(&self, value: &str) -> String {
        use std::fmt::Write;
        let mut out = String::with_capacity(7 + 64);
        out.push_str("sha256:");
        if let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.salt) {
            mac.update(value.as_bytes());
            for byte in mac.finalize().into_bytes() {
                let _ = write!(out, "{byte:02x}");
            }
        }
        out
    }

    /// The stored form of one sensitive value of `data_type`; `None` when it is dropped.
    pub fn render(&self, data_type: &DataTypeId, value: &str) -> Option<String> {
        match self.mode(data_type) {
            RedactionMode::Drop => None,
            RedactionMode::Hash => Some(self.hash(value)),
            RedactionMode::Mask => Some(mask(data_type, value)),
        }
    }

    /// Redacts one text value given the detections of its field (whole-value or spans).
    /// `None` when the whole value is dropped. Text past the scan cap is cut.
    pub fn redact_text(&self, text: &str, detections: &[&Detection], scan_cap: usize) -> Option<String> {
        let scanned = cut(text, scan_cap);
        let truncated = scanned.len() < text.len();
        let mut out = String::with_capacity(scanned.len() + 16);
        if let Some(whole) = self.strongest(detections.iter().copied().filter(|d| d.span.is_none())) {
            let rendered = self.render(&whole.data_type, text.trim())?;
            out.push_str(&rendered);
            return Some(out);
        }
        // Merge overlapping spans; each group is rendered once with its strongest type.
        let mut spans: Vec<&Detection> = detections
            .iter()
            .copied()
            .filter(|d| d.span.is_some_and(|(s, e)| s < e && e <= scanned.len()))
            .collect();
        spans.sort_by_key(|d| d.span.map_or(0, |(s, _)| s));
        let mut at = 0usize;
        let mut i = 0usize;
        while let Some(first) = spans.get(i) {
            let (start, mut end) = first.span.unwrap_or((0, 0));
            let mut group = vec![*first];
            i += 1;
            while let Some(next) = spans.get(i) {
                let (s, e) = next.span.unwrap_or((0, 0));
                if s >= end {
                    break;
                }
                end = end.max(e);
                group.push(*next);
                i += 1;
            }
            if start < at {
                continue;
            }
            out.push_str(scanned.get(at..start).unwrap_or(""));
            let value = scanned.get(start..end).unwrap_or("");
            if let Some(strongest) = self.strongest(group.into_iter())
                && let Some(rendered) = self.render(&strongest.data_type, value)
            {
                out.push_str(&rendered);
            }
            at = end;
        }
        out.push_str(scanned.get(at..).unwrap_or(""));
        if truncated {
            out.push_str(TRUNCATED_MARKER);
        }
        Some(out)
    }

    /// The detection whose mode protects most (drop, then hash, then mask; credentials
    /// first among masks).
    fn strongest<'d>(&self, detections: impl Iterator<Item = &'d Detection>) -> Option<&'d Detection> {
        detections.max_by_key(|d| {
            let mode = match self.mode(&d.data_type) {
                RedactionMode::Drop => 3,
                RedactionMode::Hash => 2,
                RedactionMode::Mask => 1,
            };
            let full_mask = match d.data_type.builtin() {
                Some(b) => u8::from(!keeps_shape(b)),
                None => 1,
            };
            (mode, full_mask)
        })
    }

    /// Redacts a field list in place using detections from
    /// [`Classifier::classify_fields`] over the same list; dropped fields are removed.
    pub fn redact_fields(&self, fields: &mut Vec<Field>, detections: &[Detection], scan_cap: usize) {
        let mut by_field: HashMap<usize, Vec<&Detection>> = HashMap::new();
        for detection in detections {
            by_field.entry(detection.field).or_default().push(detection);
        }
        let mut dropped = HashSet::new();
        for (index, dets) in &by_field {
            let Some(field) = fields.get_mut(*index) else {
                continue;
            };
            let text = match &field.value {
                FieldValue::Text(text) => text.clone(),
                FieldValue::Number(number) => number.to_string(),
                FieldValue::Null | FieldValue::Bool(_) => continue,
            };
            match self.redact_text(&text, dets, scan_cap) {
                Some(redacted) => field.value = FieldValue::Text(redacted),
                None => {
                    dropped.insert(*index);
                }
            }
        }
        for (index, field) in fields.iter_mut().enumerate() {
            if by_field.contains_key(&index) {
                continue;
            }
            if let FieldValue::Text(text) = &mut field.value
                && text.len() > scan_cap
            {
                let kept = cut(text, scan_cap).len();
                text.truncate(kept);
                text.push_str(TRUNCATED_MARKER);
            }
        }
        let mut index = 0usize;
        fields.retain(|_| {
            let keep = !dropped.contains(&index);
            index += 1;
            keep
        });
    }

    /// Classifies and redacts a free-text string (an evidence line, a log message).
    pub fn redact_free_text(&self, classifier: &Classifier, text: &str) -> String {
        let mut detections = Vec::new();
        classifier.classify_text(text, &mut detections);
        let refs: Vec<&Detection> = detections.iter().collect();
        self.redact_text(
            text,
            &refs,
            classifier.limits().max_field_bytes.min(classifier.limits().max_call_bytes),
        )
        .unwrap_or_default()
    }

    /// Classifies a JSON value (as a body at `direction`/`location`) and redacts it in
    /// place: detected strings and numbers are rendered by the policy, dropped members
    /// are removed (dropped array items become `null`, so indexes stay), strings whose
    /// detections were in decoded content (base64, JSON in a string) are replaced whole,
    /// long strings are cut at the scan cap and strings past the per-call caps become
    /// [`UNSCANNED_MARKER`]. Returns how many values were redacted.
    pub fn redact_json(
        &self,
        classifier: &Classifier,
        value: &mut Value,
        direction: Direction,
        location: Location,
    ) -> usize {
        let limits = classifier.limits();
        let decode_limits =
            DecodeLimits { max_body_bytes: usize::MAX, max_depth: 32, max_fields: limits.max_fields };
        let mut fields = Vec::new();
        flatten_value_peeled(value, direction, location, "", &decode_limits, &mut fields);
        let mut detections = Vec::new();
        let examined = classifier.classify_fields_examined(&fields, &mut detections);
        self.redact_json_detected(limits, value, &fields, examined, &detections, direction, location)
    }

    /// The second half of [`Redactor::redact_json`], for a value whose fields were already
    /// classified: `fields` (of which the first `examined` were read) and `detections`
    /// (indexing `fields`) may cover a whole call; only those at `direction`/`location`,
    /// with paths relative to `value`, are applied. The fields must be a flattening (with
    /// peeling) of `value`, as [`apiwarden_core::decode`] makes them.
    #[allow(clippy::too_many_arguments)]
    pub fn redact_json_detected(
        &self,
        limits: Limits,
        value: &mut Value,
        fields: &[Field],
        examined: usize,
        detections: &[Detection],
        direction: Direction,
        location: Location,
    ) -> usize {
        let here = |f: &Field| f.direction == direction && f.location == location;
        let examined_paths: HashSet<&str> =
            fields.iter().take(examined).filter(|f| here(f)).map(|f| f.path.as_str()).collect();
        let detections = detections.iter().filter(|d| d.direction == direction && d.location == location);

        let mut by_field: HashMap<usize, Vec<&Detection>> = HashMap::new();
        for detection in detections {
            by_field.entry(detection.field).or_default().push(detection);
        }
        let mut handled: HashSet<String> = HashSet::new();
        let mut drops: Vec<String> = Vec::new();
        let mut count = 0usize;
        let mut indexes: Vec<&usize> = by_field.keys().collect();
        indexes.sort();
        for index in indexes {
            let (Some(field), Some(dets)) = (fields.get(*index), by_field.get(index)) else {
                continue;
            };
            // The leaf itself, or the nearest existing ancestor that holds the encoding.
            let mut pointer = field.path.as_str();
            while value.pointer(pointer).is_none() {
                match pointer.rfind('/') {
                    Some(at) => pointer = pointer.get(..at).unwrap_or(""),
                    None => break,
                }
            }
            if handled.contains(pointer) {
                continue;
            }
            let Some(target) = value.pointer_mut(pointer) else {
                continue;
            };
            let exact = pointer == field.path;
            let replacement = match (&*target, &field.value) {
                (Value::String(current), FieldValue::Text(text)) if exact && current == text => {
                    self.redact_text(current, dets, limits.max_field_bytes)
                }
                (Value::Number(current), FieldValue::Number(_)) if exact => {
                    self.redact_text(&current.to_string(), dets, limits.max_field_bytes)
                }
                (current, _) => {
                    // Found in decoded content: the whole carrier goes.
                    let original = match current {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    let strongest = self.strongest(dets.iter().copied());
                    strongest.and_then(|d| match self.mode(&d.data_type) {
                        RedactionMode::Mask => Some(format!("[REDACTED:{}]", d.data_type)),
                        _ => self.render(&d.data_type, &original),
                    })
                }
            };
            match replacement {
                Some(text) => *target = Value::String(text),
                None => drops.push(pointer.to_owned()),
            }
            handled.insert(pointer.to_owned());
            count += 1;
        }
        // Drops last, deepest first, so earlier pointers stay valid.
        drops.sort_by(|a, b| b.cmp(a));
        for pointer in drops {
            let Some((parent, token)) = pointer.rsplit_once('/') else {
                *value = Value::Null;
                continue;
            };
            let token = crate::key::unescape_token(token);
            match value.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.remove(token.as_ref());
                }
                Some(Value::Array(items)) => {
                    if let Some(item) = token.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                        *item = Value::Null;
                    }
                }
                _ => {}
            }
        }
        let mut path = String::new();
        sweep(value, &mut path, 0, &examined_paths, &handled, limits.max_field_bytes);
        count
    }
}

/// Cuts unscanned tails and replaces unexamined strings (see [`Redactor::redact_json`]).
fn sweep(
    value: &mut Value,
    path: &mut String,
    depth: usize,
    examined: &HashSet<&str>,
    handled: &HashSet<String>,
    cap: usize,
) {
    match value {
        Value::String(text) => {
            if handled.contains(path.as_str()) {
                return;
            }
            if !examined.contains(path.as_str()) {
                *text = UNSCANNED_MARKER.to_owned();
            } else if text.len() > cap {
                let kept = cut(text, cap).len();
                text.truncate(kept);
                text.push_str(TRUNCATED_MARKER);
            }
        }
        Value::Array(_) | Value::Object(_) if depth >= 32 => {
            if !examined.contains(path.as_str()) || handled.contains(path.as_str()) {
                *value = Value::String(UNSCANNED_MARKER.to_owned());
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                let mark = path.len();
                path.push('/');
                path.push_str(&i.to_string());
                sweep(item, path, depth + 1, examined, handled, cap);
                path.truncate(mark);
            }
        }
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                let mark = path.len();
                path.push('/');
                path.push_str(&apiwarden_core::field::escape_pointer_token(key));
                sweep(item, path, depth + 1, examined, handled, cap);
                path.truncate(mark);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Types whose mask keeps some shape; all others become `[REDACTED:<type>]`.
fn keeps_shape(builtin: Builtin) -> bool {
    matches!(
        builtin,
        Builtin::CardNumber
            | Builtin::Email
            | Builtin::Phone
            | Builtin::Iban
            | Builtin::Ssn
            | Builtin::IpAddress
            | Builtin::PersonName
    )
}

/// The `mask` rendering of one value.
pub fn mask(data_type: &DataTypeId, value: &str) -> String {
    let label = || format!("[REDACTED:{data_type}]");
    let Some(builtin) = data_type.builtin() else {
        return label();
    };
    let digits: Vec<char> = value.chars().filter(char::is_ascii_digit).collect();
    match builtin {
        Builtin::CardNumber if digits.len() >= 13 => {
            let keep = digits.len() - 4;
            let mut out = "*".repeat(keep);
            out.extend(digits.iter().skip(keep));
            out
        }
        Builtin::Email => match value.rsplit_once('@') {
            Some((local, domain)) if !local.is_empty() => {
                let first = local.chars().next().map(String::from).unwrap_or_default();
                format!("{first}***@{domain}")
            }
            _ => label(),
        },
        Builtin::Phone if digits.len() >= 7 => {
            let total = digits.len();
            let mut seen = 0usize;
            value
                .chars()
                .map(|c| {
                    if c.is_ascii_digit() {
                        seen += 1;
                        if seen + 2 > total { c } else { '*' }
                    } else {
                        c
                    }
                })
                .collect()
        }
        Builtin::Iban => {
            let compact: Vec<char> = value.chars().filter(|c| !c.is_whitespace()).collect();
            if compact.len() < 10 {
                return label();
            }
            let head: String = compact.iter().take(2).collect();
            let tail: String = compact.iter().skip(compact.len() - 4).collect();
            format!("{head}{}{tail}", "*".repeat(compact.len() - 6))
        }
        Builtin::Ssn if digits.len() == 9 => {
            let tail: String = digits.iter().skip(5).collect();
            format!("***-**-{tail}")
        }
        Builtin::IpAddress => match value.trim().parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(v4)) => {
                let [a, b, _, _] = v4.octets();
                format!("{a}.{b}.*.*")
            }
            Ok(std::net::IpAddr::V6(v6)) => {
                let segments = v6.segments();
                format!(
                    "{:x}:{:x}:*",
                    segments.first().copied().unwrap_or(0),
                    segments.get(1).copied().unwrap_or(0)
                )
            }
            Err(_) => label(),
        },
        Builtin::PersonName => value
            .split_whitespace()
            .map(|word| {
                let first: String = word.chars().take(1).collect();
                format!("{first}***")
            })
            .collect::<Vec<_>>()
            .join(" "),
        _ => label(),
    }
}

#[cfg(test)]
mod tests;

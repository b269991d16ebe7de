//! The `[sensitive]` configuration: built-in types switched off, the minimum confidence,
//! user-defined types and the redaction policy. Deserialised by the binary from its TOML
//! file; [`SensitiveConfig::validate`] (also run by
//! [`Classifier::from_config`](crate::Classifier::from_config)) checks everything and
//! names the offending entry in its error.
//!
//! ```toml
//! [sensitive]
//! min_confidence = 0.6
//! disabled = ["ip_address", "postal_address"]
//!
//! [sensitive.redaction]
//! default = "mask"            # mask | hash | drop
//! hash_salt = "a long random secret"
//! types = { email = "hash", session_id = "drop" }
//!
//! [[sensitive.custom]]
//! id = "employee_id"
//! category = "personal"
//! description = "ACME employee number"
//! key_patterns = ["(?i)^emp(loyee)?_?(id|no|number)$"]
//! value_patterns = ["^E[0-9]{7}$"]
//! locations = ["body", "query"]
//! confidence = 0.8
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;

use apiwarden_core::Location;
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use serde::{Deserialize, Serialize};

use crate::classify::DEFAULT_MIN_CONFIDENCE;
use crate::types::{Builtin, Category};
use crate::validate::NAMED_VALIDATORS;

/// Compiled size cap of one user pattern (bytes of automaton), so a config cannot make the
/// classifier huge.
const USER_REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Most user-defined types.
pub const MAX_CUSTOM_TYPES: usize = 64;
/// Shortest accepted hash salt, in bytes.
pub const MIN_SALT_BYTES: usize = 16;

/// The `[sensitive]` section.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SensitiveConfig {
    /// Built-in type ids that are not reported (`["phone"]`).
    pub disabled: Vec<String>,
    /// Detections below this confidence are not reported (default 0.5).
    pub min_confidence: Option<f32>,
    /// User-defined types.
    pub custom: Vec<CustomTypeConfig>,
    pub redaction: RedactionConfig,
}

/// One `[[sensitive.custom]]` entry. A value matches when (a key pattern matches the field
/// name, or there are none) and (a value pattern matches, or there are none); at least one
/// of the two lists must be given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomTypeConfig {
    /// Lowercase letters, digits and `_`; not a built-in id.
    pub id: String,
    pub category: Category,
    #[serde(default)]
    pub description: String,
    /// Regexes over the field name (the last path token, e.g. `employeeId`).
    #[serde(default)]
    pub key_patterns: Vec<String>,
    /// Regexes over the value; each match is a detection (spans inside free text).
    #[serde(default)]
    pub value_patterns: Vec<String>,
    /// A built-in validator every value match must pass (see
    /// [`NAMED_VALIDATORS`]).
    #[serde(default)]
    pub validator: Option<String>,
    /// Where to look; empty means everywhere.
    #[serde(default)]
    pub locations: Vec<Location>,
    #[serde(default = "default_custom_confidence")]
    pub confidence: f32,
}

fn default_custom_confidence() -> f32 {
    0.8
}

/// How a detected value is stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RedactionMode {
    /// Keep a little shape, never the secret (`************4242`, `j***@example.com`,
    /// `[REDACTED:password]`).
    #[default]
    Mask,
    /// `sha256:` + hex of HMAC-SHA-256 keyed with the configured salt: equal values stay
    /// comparable, low-entropy values are not reversible without the salt.
    Hash,
    /// Removed: the field is dropped, a span inside free text is cut out.
    Drop,
}

/// `[sensitive.redaction]`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RedactionConfig {
    /// The mode of every type not listed in `types`.
    pub default: RedactionMode,
    /// Per type id (built-in or custom).
    pub types: BTreeMap<String, RedactionMode>,
    /// The key of `hash` mode; required (at least 16 bytes) when any type hashes.
    pub hash_salt: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConfigError {
    #[error("sensitive.disabled[{index}] \"{id}\": unknown data type (built-in types: {known})")]
    UnknownDisabled { index: usize, id: String, known: String },
    #[error("sensitive.min_confidence = {value}: must be between 0 and 1")]
    MinConfidence { value: f32 },
    #[error("sensitive.custom[{index}] \"{id}\": {message}")]
    Custom { index: usize, id: String, message: String },
    #[error("sensitive.custom: {count} types, at most {MAX_CUSTOM_TYPES} are allowed")]
    TooManyCustom { count: usize },
    #[error("sensitive.redaction.types \"{id}\": unknown data type")]
    UnknownRedactionType { id: String },
    #[error(
        "sensitive.redaction: {which} uses hash mode but sensitive.redaction.hash_salt is not set (give a secret of at least {MIN_SALT_BYTES} bytes)"
    )]
    MissingSalt { which: String },
    #[error("sensitive.redaction.hash_salt: {len} bytes, at least {MIN_SALT_BYTES} are needed")]
    ShortSalt { len: usize },
}

/// A user-defined type, compiled.
#[derive(Clone, Debug)]
pub(crate) struct CustomType {
    pub(crate) id: Arc<str>,
    pub(crate) category: Category,
    pub(crate) key_patterns: Option<RegexSet>,
    pub(crate) value_patterns: Vec<Regex>,
    pub(crate) validator: Option<String>,
    pub(crate) locations: Vec<Location>,
    pub(crate) confidence: f32,
}

pub(crate) struct Compiled {
    pub(crate) disabled: Vec<Builtin>,
    pub(crate) min_confidence: f32,
    pub(crate) custom: Vec<CustomType>,
}

/// One line of a regex error (the parser's last line says what is wrong).
fn regex_message(error: &regex::Error) -> String {
    let text = error.to_string();
    let line = text
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with("error:"))
        .map(|l| l.trim().trim_start_matches("error:").trim().to_owned());
    line.unwrap_or_else(|| text.split_whitespace().collect::<Vec<_>>().join(" "))
}

impl SensitiveConfig {
    /// Checks the whole section; the first problem is returned.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.compile().map(|_| ())
    }

    pub(crate) fn compile(&self) -> Result<Compiled, ConfigError> {
        let mut disabled = Vec::new();
        for (index, id) in self.disabled.iter().enumerate() {
            match Builtin::from_id(id) {
                Some(builtin) => disabled.push(builtin),
                None => {
                    let known = Builtin::ALL.iter().map(|b| b.id()).collect::<Vec<_>>().join(", ");
                    return Err(ConfigError::UnknownDisabled { index, id: id.clone(), known });
                }
            }
        }
        let min_confidence = self.min_confidence.unwrap_or(DEFAULT_MIN_CONFIDENCE);
        if !(0.0..=1.0).contains(&min_confidence) {
            return Err(ConfigError::MinConfidence { value: min_confidence });
        }
        if self.custom.len() > MAX_CUSTOM_TYPES {
            return Err(ConfigError::TooManyCustom { count: self.custom.len() });
        }
        let mut custom = Vec::with_capacity(self.custom.len());
        for (index, entry) in self.custom.iter().enumerate() {
            let error = |message: String| ConfigError::Custom { index, id: entry.id.clone(), message };
            let id_ok = !entry.id.is_empty()
                && entry.id.len() <= 64
                && entry.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !id_ok {
                return Err(error("invalid id: use 1-64 lowercase letters, digits and _".into()));
            }
            if Builtin::from_id(&entry.id).is_some() {
                return Err(error("id is a built-in type; choose another id".into()));
            }
            if self.custom.iter().take(index).any(|other| other.id == entry.id) {
                return Err(error("id is used by an earlier custom type".into()));
            }
            if entry.key_patterns.is_empty() && entry.value_patterns.is_empty() {
                return Err(error("give key_patterns, value_patterns or both".into()));
            }
            if !(0.0..=1.0).contains(&entry.confidence) {
                return Err(error(format!("confidence = {}: must be between 0 and 1", entry.confidence)));
            }
            if let Some(validator) = &entry.validator
                && !NAMED_VALIDATORS.contains(&validator.as_str())
            {
                return Err(error(format!(
                    "unknown validator \"{validator}\" (known: {})",
                    NAMED_VALIDATORS.join(", ")
                )));
            }
            for (i, pattern) in entry.key_patterns.iter().enumerate() {
                RegexBuilder::new(pattern)
                    .size_limit(USER_REGEX_SIZE_LIMIT)
                    .build()
                    .map_err(|e| error(format!("invalid key_patterns[{i}]: {}", regex_message(&e))))?;
            }
            let key_patterns = if entry.key_patterns.is_empty() {
                None
            } else {
                Some(
                    RegexSetBuilder::new(&entry.key_patterns)
                        .size_limit(USER_REGEX_SIZE_LIMIT * 4)
                        .build()
                        .map_err(|e| error(format!("invalid key_patterns: {}", regex_message(&e))))?,
                )
            };
            let mut value_patterns = Vec::with_capacity(entry.value_patterns.len());
            for (i, pattern) in entry.value_patterns.iter().enumerate() {
                let regex = RegexBuilder::new(pattern)
                    .size_limit(USER_REGEX_SIZE_LIMIT)
                    .build()
                    .map_err(|e| error(format!("invalid value_patterns[{i}]: {}", regex_message(&e))))?;
                value_patterns.push(regex);
            }
            custom.push(CustomType {
                id: entry.id.as_str().into(),
                category: entry.category,
                key_patterns,
                value_patterns,
                validator: entry.validator.clone(),
                locations: entry.locations.clone(),
                confidence: entry.confidence,
            });
        }
        self.redaction.check(&custom)?;
        Ok(Compiled { disabled, min_confidence, custom })
    }
}

impl RedactionConfig {
    fn check(&self, custom: &[CustomType]) -> Result<(), ConfigError> {
        for id in self.types.keys() {
            if Builtin::from_id(id).is_none() && !custom.iter().any(|c| &*c.id == id.as_str()) {
                return Err(ConfigError::UnknownRedactionType { id: id.clone() });
            }
        }
        let hashing = if self.default == RedactionMode::Hash {
            Some("redaction.default".to_owned())
        } else {
            self.types
                .iter()
                .find(|(_, mode)| **mode == RedactionMode::Hash)
                .map(|(id, _)| format!("type \"{id}\""))
        };
        match (&self.hash_salt, hashing) {
            (None, Some(which)) => Err(ConfigError::MissingSalt { which }),
            (Some(salt), _) if salt.len() < MIN_SALT_BYTES => Err(ConfigError::ShortSalt { len: salt.len() }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn custom(id: &str) -> CustomTypeConfig {
        CustomTypeConfig {
            id: id.into(),
            category: Category::Personal,
            description: String::new(),
            key_patterns: vec![],
            value_patterns: vec!["^E[0-9]{7}$".into()],
            validator: None,
            locations: vec![],
            confidence: 0.8,
        }
    }

    #[test]
    fn parses_and_validates() {
        let config: SensitiveConfig = serde_json::from_value(serde_json::json!({
            "disabled": ["phone"],
            "min_confidence": 0.6,
            "custom": [{"id": "employee_id", "category": "personal", "key_patterns": ["(?i)^emp_?id$"], "locations": ["body"]}],
            "redaction": {"default": "mask", "types": {"email": "hash", "employee_id": "drop"}, "hash_salt": "0123456789abcdef"}
        }))
        .unwrap();
        assert_eq!(config.validate(), Ok(()));
    }

    #[test]
    fn errors_name_the_entry() {
        let mut config =
            SensitiveConfig { disabled: vec!["email".into(), "phnoe".into()], ..Default::default() };
        let error = config.validate().unwrap_err().to_string();
        assert!(error.starts_with("sensitive.disabled[1] \"phnoe\": unknown data type"), "{error}");

        config.disabled.clear();
        let mut bad = custom("employee_id");
        bad.value_patterns = vec!["(unclosed".into()];
        config.custom = vec![custom("a"), custom("b"), bad];
        let error = config.validate().unwrap_err().to_string();
        assert!(
            error.starts_with("sensitive.custom[2] \"employee_id\": invalid value_patterns[0]: "),
            "{error}"
        );
        assert!(!error.contains('\n'), "{error}");

        config.custom = vec![custom("email")];
        assert!(config.validate().unwrap_err().to_string().contains("built-in"));
        config.custom = vec![custom("x"), custom("x")];
        assert!(config.validate().unwrap_err().to_string().contains("earlier"));
        let mut empty = custom("y");
        empty.value_patterns.clear();
        config.custom = vec![empty];
        assert!(config.validate().unwrap_err().to_string().contains("key_patterns, value_patterns"));
        let mut v = custom("z");
        v.validator = Some("crc".into());
        config.custom = vec![v];
        assert!(config.validate().unwrap_err().to_string().contains("unknown validator \"crc\""));

        config.custom.clear();
        config.min_confidence = Some(1.5);
        assert_eq!(config.validate(), Err(ConfigError::MinConfidence { value: 1.5 }));
        config.min_confidence = None;
        config.redaction.types.insert("email".into(), RedactionMode::Hash);
        assert!(matches!(config.validate(), Err(ConfigError::MissingSalt { .. })));
        config.redaction.hash_salt = Some("short".into());
        assert_eq!(config.validate(), Err(ConfigError::ShortSalt { len: 5 }));
        config.redaction.types.insert("nope".into(), RedactionMode::Drop);
        assert!(matches!(config.validate(), Err(ConfigError::UnknownRedactionType { .. })));
    }

    #[test]
    fn unknown_fields_are_refused() {
        let result: Result<SensitiveConfig, _> =
            serde_json::from_value(serde_json::json!({"disable": ["phone"]}));
        assert!(result.is_err());
    }
}

//! Sensitive-data classification for apiwarden: which personal, financial, credential and
//! special-category data an API call carries, JWT inspection, and redaction of what is
//! stored.
//!
//! # Design
//!
//! [`Classifier::classify_fields`] reads the flat field list of one call
//! ([`apiwarden_core::Field`]: direction, location, JSON-pointer path, scalar value) in two
//! passes:
//!
//! 1. **Context.** Each field's name (the last non-index token of its path, with its
//!    parent's) is split into lowercase words (`billingAddress.line1`, `first_name`,
//!    `X-Api-Key`) and mapped to a *key hint*: `email`, `card number`, `cvv`,
//!    `password`, `secret`, `latitude`, `health`, ..., or *identifier* (`order_id`,
//!    `tracking_number`, `sku`) and *version*, which veto look-alike numbers. Siblings are
//!    paired in the same pass: a `lat` next to a `lon`, `exp_month` in the same object as
//!    a card field, a `private_key` next to `"type": "service_account"`.
//! 2. **Values.** Each value (capped, see below) goes through
//!    * the detectors its key hint selects (a name-like value under `lastName`, a
//!      plausible past date under `dob`, 3–4 digits under `cvv`, an entropy check under
//!      `client_secret`);
//!    * the value patterns (e-mail, card, IBAN, SSN, NINO, VIN, IPs, JWT, PEM keys,
//!      password-hash formats, cloud and SaaS key shapes, `name=value` secrets in query
//!      strings and env text, URL user info, `Bearer` tokens) that the value's shape
//!      admits: one byte pass counts digits, capitals, dots, colons, `@ = $`, one
//!      Aho-Corasick pass finds the literals token shapes need (`AKIA`, `ghp_`, `xox`,
//!      `bearer`, ...), and only patterns whose necessary conditions hold are run, each
//!      as its own small regex (see module `patterns` for why not one `RegexSet`);
//!    * the validator of each match: Luhn with issuer ranges and lengths, IBAN country
//!      length and mod-97, ABA checksum, SSN area/group/serial rules, NINO prefix rules,
//!      VIN check digit, DNI letter, Aadhaar Verhoeff, CPF mod-11, `std::net` IP parsing,
//!      JWT header decoding, E.164/NANP phone rules.
//!
//!    Values of an inert shape (UUID, RFC 3339 time, lower-case hex) skip the patterns.
//!
//!    Overlapping candidates of one field are resolved: one per type, and a generic type
//!    yields to a specific one (a `generic_secret` to a `github_token`, a `phone` to a
//!    `card_number`, a `private_key` to a `gcp_service_account`).
//!
//! The regex engine is linear-time in the input (no backtracking), so a hostile value costs
//! at most a few passes over its first [`MAX_FIELD_BYTES`].
//!
//! # Bounds
//!
//! | bound | value |
//! |---|---|
//! | bytes of one value scanned ([`MAX_FIELD_BYTES`]) | 4 KiB (the rest is not read) |
//! | bytes scanned per call ([`MAX_CALL_BYTES`]) | 256 KiB, then later fields are not examined |
//! | fields examined per call ([`MAX_FIELDS`]) | 2,000 |
//! | detections per call ([`MAX_DETECTIONS`]) | 256 |
//! | matches of one pattern per field ([`MAX_MATCHES_PER_PATTERN`]) | 16 |
//! | field-name length normalised | 96 bytes, 8 words |
//! | field names memoised per thread | 4,096 slots, direct-mapped |
//! | JWT decoded ([`jwt::MAX_JWT_BYTES`]) | 16 KiB |
//! | user pattern size (compiled) | 1 MiB each, 64 custom types |
//!
//! No code path panics on input; `unwrap`, `expect` and unchecked indexing are not used
//! outside tests. Redaction never emits text that was not scanned (see [`redact`]).
//!
//! # Confidence
//!
//! Detections carry a confidence in 0..=1; the default floor is 0.5
//! ([`DEFAULT_MIN_CONFIDENCE`]). Roughly: ≥ 0.95 a checksum or an exact structure with
//! agreeing context; 0.8–0.95 a validated value without context, or a context type with a
//! well-formed value; 0.7–0.8 field-name context with a weaker value check (a bare
//! `name` under `customer`, a secret by entropy); below 0.7 not reported by default.
//!
//! # Modules
//!
//! * [`types`]: [`Builtin`] data types, [`Category`], [`DataTypeId`].
//! * [`Classifier`] and [`Detection`] (module `classify`).
//! * [`config`]: the `[sensitive]` section ([`SensitiveConfig`]).
//! * [`jwt`]: structural JWT decoding and inspection.
//! * [`redact`]: the stored form of sensitive values ([`Redactor`]).
//! * [`validate`]: the checksum validators, usable on their own.

mod classify;
pub mod config;
mod heuristics;
pub mod jwt;
mod key;
mod patterns;
pub mod redact;
pub mod types;
pub mod validate;

pub use classify::{
    Classifier, DEFAULT_MIN_CONFIDENCE, Detection, Limits, MAX_CALL_BYTES, MAX_DETECTIONS, MAX_FIELD_BYTES,
    MAX_FIELDS, MAX_MATCHES_PER_PATTERN,
};
pub use config::{ConfigError, CustomTypeConfig, RedactionConfig, RedactionMode, SensitiveConfig};
pub use redact::Redactor;
pub use types::{Builtin, Category, DataTypeId, Sensitivity};

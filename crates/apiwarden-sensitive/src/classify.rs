//! The classifier: one pass over a call's fields (see the crate docs for the design and
//! the bounds).

use std::sync::Arc;

use apiwarden_core::{Direction, Field, FieldValue, Location};
use base64::Engine;
use regex::Regex;
use serde::Serialize;

use crate::config::{ConfigError, CustomType, SensitiveConfig};
use crate::heuristics::{
    aws_secret_like, birth_date_like, expiry_like, masked_or_placeholder, name_like, passport_like,
    password_like, phone, postcode_like, secret_like, session_like, street_like,
};
use crate::key::{KeyHint, KeyWords, address_parent, card_parent, classify_key, is_person_parent};
use crate::patterns::{Pat, ValuePatterns, inert_shape, patterns};
use crate::types::{Builtin, Category, DataTypeId};
use crate::validate::{self, VinCheck};

/// Bytes of one field's value that are scanned (the first 4 KiB; the rest is not read).
pub const MAX_FIELD_BYTES: usize = 4 * 1024;
/// Bytes scanned per call, over all fields; later fields are not examined.
pub const MAX_CALL_BYTES: usize = 256 * 1024;
/// Fields examined per call (the decoder's own cap is the same).
pub const MAX_FIELDS: usize = 2_000;
/// Detections reported per call.
pub const MAX_DETECTIONS: usize = 256;
/// Matches of one pattern examined in one field.
pub const MAX_MATCHES_PER_PATTERN: usize = 16;
/// Candidate detections kept for one field before overlaps are resolved.
const MAX_CANDIDATES_PER_FIELD: usize = 64;
/// The default minimum confidence of a reported detection.
pub const DEFAULT_MIN_CONFIDENCE: f32 = 0.5;

/// Caps that keep classification linear and bounded on hostile input. The defaults are
/// the constants of this module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_field_bytes: usize,
    pub max_call_bytes: usize,
    pub max_fields: usize,
    pub max_detections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_field_bytes: MAX_FIELD_BYTES,
            max_call_bytes: MAX_CALL_BYTES,
            max_fields: MAX_FIELDS,
            max_detections: MAX_DETECTIONS,
        }
    }
}

/// One sensitive value found in one field.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Detection {
    pub data_type: DataTypeId,
    pub category: Category,
    /// How sure the classifier is, 0..=1 (see the crate docs for the scale).
    pub confidence: f32,
    pub direction: Direction,
    pub location: Location,
    /// JSON pointer of the field (as in [`Field::path`]).
    pub path: String,
    /// Index of the field in the slice given to [`Classifier::classify_fields`].
    pub field: usize,
    /// Byte range of the value inside the field's text, for a value found inside free
    /// text; `None` when the whole value is the sensitive datum.
    pub span: Option<(usize, usize)>,
}

/// Reference to a data type while a field is being classified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TypeRef {
    Builtin(Builtin),
    Custom(usize),
}

#[derive(Clone, Copy, Debug)]
struct Cand {
    ty: TypeRef,
    confidence: f32,
    span: Option<(usize, usize)>,
}

/// Compiled detectors. Build once ([`Classifier::builtin`] or
/// [`Classifier::from_config`]) and share: classification takes `&self` and is
/// thread-safe.
#[derive(Debug)]
pub struct Classifier {
    patterns: ValuePatterns,
    enabled: Vec<bool>,
    min_confidence: f32,
    custom: Vec<CustomType>,
    limits: Limits,
}

/// Per-field context computed before any value is read.
#[derive(Clone, Copy, Debug, Default)]
struct Info {
    hint: KeyHint,
    person_parent: bool,
    /// The parent names an identifier (`/ticket/number`, `/order/ref`).
    parent_identifier: bool,
    card_parent: bool,
    address_parent: bool,
    /// Byte length of the parent's path (`path[..parent_len]`).
    parent_len: usize,
}

/// Most field-name classifications memoised per thread.
const KEY_CACHE_ENTRIES: usize = 4_096;

/// A direct-mapped cache: one slot per hash value, a colliding name simply replaces the
/// slot. A lookup costs one hash and one comparison whatever the names are, so names
/// crafted to collide cannot slow it down.
#[derive(Default)]
struct KeyCache {
    slots: Vec<Option<(String, Info)>>,
    lookup: String,
    name_words: KeyWords,
    parent_words: KeyWords,
}

thread_local! {
    static KEY_CACHE: std::cell::RefCell<KeyCache> = std::cell::RefCell::new(KeyCache::default());
}

/// Identifies a parent object: direction, location, path length and path hash.
type ParentKey = (Direction, Location, usize, usize);

/// What the siblings of a call say, computed in the first pass.
#[derive(Default)]
struct CallContext {
    /// Fields that belong to a lat/lon pair (indexes).
    geo: Vec<usize>,
    /// Parent paths holding card fields (number, cvv, brand, last4, expiry).
    card_parents: Vec<ParentKey>,
    /// Parent paths of objects with `"type": "service_account"`.
    service_account_parents: Vec<ParentKey>,
}

impl Classifier {
    /// Every built-in type enabled, minimum confidence [`DEFAULT_MIN_CONFIDENCE`], no custom
    /// types.
    pub fn builtin() -> Classifier {
        Self::build(Vec::new(), vec![true; Builtin::ALL.len()], DEFAULT_MIN_CONFIDENCE)
    }

    /// A classifier shaped by the `[sensitive]` config; errors name the offending entry.
    pub fn from_config(config: &SensitiveConfig) -> Result<Classifier, ConfigError> {
        let compiled = config.compile()?;
        let mut enabled = vec![true; Builtin::ALL.len()];
        for builtin in &compiled.disabled {
            if let Some(slot) = enabled.get_mut(*builtin as usize) {
                *slot = false;
            }
        }
        Ok(Self::build(compiled.custom, enabled, compiled.min_confidence))
    }

    fn build(custom: Vec<CustomType>, enabled: Vec<bool>, min_confidence: f32) -> Classifier {
        Classifier {
            patterns: ValuePatterns::new(),
            enabled,
            min_confidence,
            custom,
            limits: Limits::default(),
        }
    }

    /// The same classifier with other caps (e.g. smaller ones for a gateway).
    pub fn with_limits(mut self, limits: Limits) -> Classifier {
        self.limits = limits;
        self
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    pub fn min_confidence(&self) -> f32 {
        self.min_confidence
    }

    /// Whether detections of this type are reported.
    pub fn is_enabled(&self, builtin: Builtin) -> bool {
        self.enabled.get(builtin as usize).copied().unwrap_or(false)
    }

    /// Ids of the user-defined types, in config order.
    pub fn custom_ids(&self) -> impl Iterator<Item = &str> {
        self.custom.iter().map(|c| &*c.id)
    }

    /// Classifies the fields of one call, using sibling context (a `lat` next to a `lon`,
    /// `exp_month` under a card, `"type": "service_account"` next to a `private_key`).
    /// Appends at most [`Limits::max_detections`] detections to `out`, ordered by field
    /// then position.
    pub fn classify_fields(&self, fields: &[Field], out: &mut Vec<Detection>) {
        self.classify_fields_examined(fields, out);
    }

    /// [`Classifier::classify_fields`], returning how many leading fields were examined
    /// (the rest were left unread by the per-call caps).
    pub fn classify_fields_examined(&self, fields: &[Field], out: &mut Vec<Detection>) -> usize {
        let n = fields.len().min(self.limits.max_fields);
        let fields = fields.get(..n).unwrap_or_default();
        let infos = self.key_pass(fields);
        let context = self.sibling_pass(fields, &infos);
        let mut budget = self.limits.max_call_bytes;
        let mut emitted = 0usize;
        let mut cands: Vec<Cand> = Vec::new();
        let mut examined = 0usize;
        for (index, (field, info)) in fields.iter().zip(&infos).enumerate() {
            if budget == 0 || emitted >= self.limits.max_detections {
                break;
            }
            examined = index + 1;
            cands.clear();
            let text_len = match &field.value {
                FieldValue::Text(text) => {
                    let cap = self.limits.max_field_bytes.min(budget);
                    let text = cut(text, cap);
                    budget = budget.saturating_sub(text.len().max(1));
                    self.text_candidates(text, field, index, info, &context, &mut cands);
                    text.len()
                }
                FieldValue::Number(number) => {
                    budget = budget.saturating_sub(8);
                    self.number_candidates(number, field, index, info, &context, &mut cands);
                    0
                }
                FieldValue::Null | FieldValue::Bool(_) => {
                    budget = budget.saturating_sub(1);
                    continue;
                }
            };
            self.resolve(&mut cands, text_len);
            for cand in &cands {
                if emitted >= self.limits.max_detections {
                    break;
                }
                let (data_type, category) = match cand.ty {
                    TypeRef::Builtin(b) => (DataTypeId::Builtin(b), b.category()),
                    TypeRef::Custom(i) => match self.custom.get(i) {
                        Some(c) => (DataTypeId::Custom(Arc::clone(&c.id)), c.category),
                        None => continue,
                    },
                };
                out.push(Detection {
                    data_type,
                    category,
                    confidence: cand.confidence,
                    direction: field.direction,
                    location: field.location,
                    path: field.path.clone(),
                    field: index,
                    span: cand.span,
                });
                emitted += 1;
            }
        }
        examined
    }

    /// Classifies one free-text value on its own (no field name, body location); for
    /// evidence strings and log lines.
    pub fn classify_text(&self, text: &str, out: &mut Vec<Detection>) {
        let field = Field {
            direction: Direction::Request,
            location: Location::Body,
            path: String::new(),
            value: FieldValue::Text(text.to_owned()),
        };
        self.classify_fields(std::slice::from_ref(&field), out);
    }

    /// Field-name context of every field. Key vocabularies are small and repeat from call
    /// to call, so results are memoised per thread in a direct-mapped cache of
    /// [`KEY_CACHE_ENTRIES`] slots (hostile traffic with random names costs only the
    /// uncached work).
    fn key_pass(&self, fields: &[Field]) -> Vec<Info> {
        KEY_CACHE.with(|cache| {
            let mut cache = cache.borrow_mut();
            let KeyCache { slots, lookup, name_words, parent_words } = &mut *cache;
            if slots.is_empty() {
                slots.resize(KEY_CACHE_ENTRIES, None);
            }
            fields
                .iter()
                .map(|field| {
                    let (name, parent) = crate::key::name_tokens(&field.path);
                    let parent_len = field.path.rfind('/').unwrap_or(0);
                    lookup.clear();
                    lookup.push(char::from(b'0' + field.location as u8));
                    lookup.push_str(parent);
                    lookup.push('/');
                    lookup.push_str(name);
                    let slot = fxhash(lookup) % KEY_CACHE_ENTRIES;
                    if let Some(Some((key, info))) = slots.get(slot)
                        && key == lookup
                    {
                        return Info { parent_len, ..*info };
                    }
                    name_words.parse(&crate::key::unescape_token(name));
                    parent_words.parse(&crate::key::unescape_token(parent));
                    let info = Info {
                        hint: classify_key(name_words, parent_words, field.location),
                        person_parent: is_person_parent(parent_words),
                        parent_identifier: crate::key::is_identifier(parent_words),
                        card_parent: card_parent(parent_words),
                        address_parent: address_parent(parent_words),
                        parent_len,
                    };
                    if lookup.len() <= 2 * crate::key::MAX_KEY_BYTES
                        && let Some(entry) = slots.get_mut(slot)
                    {
                        match entry {
                            Some((key, cached)) => {
                                key.clear();
                                key.push_str(lookup);
                                *cached = info;
                            }
                            None => *entry = Some((lookup.clone(), info)),
                        }
                    }
                    info
                })
                .collect()
        })
    }

    fn sibling_pass(&self, fields: &[Field], infos: &[Info]) -> CallContext {
        let mut context = CallContext::default();
        let parent = parent_key;
        // Lat/lon pairs: (key, index, is_lat).
        let mut coords: Vec<(ParentKey, usize, bool)> = Vec::new();
        // GeoJSON-style arrays: (array path key, index, position, value).
        let mut arrays: Vec<(ParentKey, usize, u8, f64)> = Vec::new();
        for (index, (field, info)) in fields.iter().zip(infos).enumerate() {
            match info.hint {
                KeyHint::Latitude | KeyHint::Longitude => {
                    let is_lat = info.hint == KeyHint::Latitude;
                    if coordinate(&field.value, if is_lat { 90.0 } else { 180.0 }).is_some() {
                        coords.push((parent(field, info), index, is_lat));
                    }
                }
                KeyHint::LatLon => {
                    let last = field.path.get(info.parent_len + 1..).unwrap_or("");
                    if let (Some(v), Ok(position)) = (coordinate(&field.value, 180.0), last.parse::<u8>())
                        && position < 3
                    {
                        arrays.push((parent(field, info), index, position, v));
                    }
                }
                KeyHint::CardNumber | KeyHint::Cvv | KeyHint::CardContext | KeyHint::CardExpiry => {
                    context.card_parents.push(parent(field, info));
                }
                _ => {}
            }
            if field.value.as_text() == Some("service_account") && field.path.ends_with("/type") {
                context.service_account_parents.push(parent(field, info));
            }
        }
        for (key, index, is_lat) in &coords {
            if coords.iter().any(|(k, _, other_lat)| k == key && other_lat != is_lat) {
                context.geo.push(*index);
            }
        }
        for (key, index, position, value) in &arrays {
            let other = arrays.iter().find(|(k, _, p, _)| k == key && p != position && *p < 2);
            if let Some((_, _, _, other_value)) = other
                && *position < 2
                && arrays.iter().filter(|(k, ..)| k == key).count() <= 3
            {
                let (first, second) =
                    if *position == 0 { (*value, *other_value) } else { (*other_value, *value) };
                // [lon, lat] (GeoJSON) or [lat, lon].
                if first.abs() <= 180.0 && second.abs() <= 90.0
                    || first.abs() <= 90.0 && second.abs() <= 180.0
                {
                    context.geo.push(*index);
                }
            }
        }
        context
    }

    fn card_context(&self, field: &Field, info: &Info, context: &CallContext) -> bool {
        info.card_parent || context.card_parents.contains(&parent_key(field, info))
    }

    fn push(&self, cands: &mut Vec<Cand>, builtin: Builtin, confidence: f32, span: Option<(usize, usize)>) {
        if cands.len() < MAX_CANDIDATES_PER_FIELD
            && self.is_enabled(builtin)
            && confidence >= self.min_confidence
        {
            cands.push(Cand { ty: TypeRef::Builtin(builtin), confidence, span });
        }
    }

    fn number_candidates(
        &self,
        number: &serde_json::Number,
        field: &Field,
        index: usize,
        info: &Info,
        context: &CallContext,
        cands: &mut Vec<Cand>,
    ) {
        if context.geo.contains(&index) {
            self.push(cands, Builtin::Geolocation, 0.85, None);
        }
        let text = number.to_string();
        self.custom_candidates(&text, field, cands);
        let Some(value) = number.as_u64() else {
            if matches!(info.hint, KeyHint::Health) {
                self.push(cands, Builtin::Health, 0.75, None);
            }
            return;
        };
        let padded = |width: usize| format!("{value:0width$}");
        match info.hint {
            KeyHint::CardNumber | KeyHint::BareNumber
                if info.hint == KeyHint::CardNumber || self.card_context(field, info, context) =>
            {
                if validate::card_number(&text).is_some() {
                    self.push(cands, Builtin::CardNumber, 0.97, None);
                }
            }
            KeyHint::Ssn if value < 1_000_000_000 && validate::ssn(&padded(9)) => {
                self.push(cands, Builtin::Ssn, 0.9, None);
            }
            KeyHint::Phone => {
                if let Some(c) = phone(&text, true) {
                    self.push(cands, Builtin::Phone, c, None);
                }
            }
            KeyHint::Routing if value < 1_000_000_000 && validate::aba_routing(&padded(9)) => {
                self.push(cands, Builtin::RoutingNumber, 0.9, None);
            }
            KeyHint::Aadhaar if validate::in_aadhaar(&text) => {
                self.push(cands, Builtin::InAadhaar, 0.95, None)
            }
            KeyHint::Cpf if value < 100_000_000_000 && validate::br_cpf(&padded(11)) => {
                self.push(cands, Builtin::BrCpf, 0.9, None);
            }
            KeyHint::Cvv if value < 10_000 => self.push(cands, Builtin::CardCvv, 0.85, None),
            KeyHint::SecurityCode if value < 10_000 && self.card_context(field, info, context) => {
                self.push(cands, Builtin::CardCvv, 0.8, None);
            }
            KeyHint::CardExpiry if expiry_like(&padded(4)) => {
                self.push(cands, Builtin::CardExpiry, 0.85, None)
            }
            KeyHint::Expiry if self.card_context(field, info, context) => {
                let plausible =
                    (1..=12).contains(&value) || (2000..=2099).contains(&value) || (20..=99).contains(&value);
                if plausible || expiry_like(&padded(4)) {
                    self.push(cands, Builtin::CardExpiry, 0.8, None);
                }
            }
            KeyHint::PostCode if (1_000..=999_999).contains(&value) => {
                self.push(cands, Builtin::PostalAddress, 0.7, None);
            }
            KeyHint::Password => self.push(cands, Builtin::Password, 0.85, None),
            KeyHint::Passport if passport_like(&text) => self.push(cands, Builtin::Passport, 0.7, None),
            KeyHint::DateOfBirth if birth_date_like(&text) => {
                self.push(cands, Builtin::DateOfBirth, 0.8, None)
            }
            hint => {
                if let Some(special) = special_type(hint) {
                    self.push(cands, special, 0.75, None);
                } else if hint != KeyHint::NotPersonal
                    && !info.parent_identifier
                    && (13..=19).contains(&text.len())
                    && validate::card_number(&text).is_some()
                {
                    // A JSON number with no card context: APIs send card numbers as
                    // strings (16 digits exceed what JavaScript numbers hold exactly), so a
                    // bare number is more likely an identifier; below the default floor.
                    self.push(cands, Builtin::CardNumber, 0.45, None);
                }
            }
        }
    }

    fn custom_candidates(&self, text: &str, field: &Field, cands: &mut Vec<Cand>) {
        if self.custom.is_empty() {
            return;
        }
        let (name, _) = crate::key::name_tokens(&field.path);
        let name = crate::key::unescape_token(name);
        for (i, custom) in self.custom.iter().enumerate() {
            if custom.confidence < self.min_confidence || cands.len() >= MAX_CANDIDATES_PER_FIELD {
                continue;
            }
            if !custom.locations.is_empty() && !custom.locations.contains(&field.location) {
                continue;
            }
            if let Some(keys) = &custom.key_patterns
                && !keys.is_match(&name)
            {
                continue;
            }
            let validated = |s: &str| custom.validator.as_deref().is_none_or(|v| validate::run_named(v, s));
            if custom.value_patterns.is_empty() {
                if !text.trim().is_empty() && !masked_or_placeholder(text) && validated(text.trim()) {
                    cands.push(Cand { ty: TypeRef::Custom(i), confidence: custom.confidence, span: None });
                }
                continue;
            }
            for pattern in &custom.value_patterns {
                for m in pattern.find_iter(text).take(MAX_MATCHES_PER_PATTERN) {
                    if !m.is_empty() && validated(m.as_str()) && cands.len() < MAX_CANDIDATES_PER_FIELD {
                        let span = if m.start() == 0 && m.end() == text.len() {
                            None
                        } else {
                            Some((m.start(), m.end()))
                        };
                        cands.push(Cand { ty: TypeRef::Custom(i), confidence: custom.confidence, span });
                    }
                }
            }
        }
    }

    fn text_candidates(
        &self,
        text: &str,
        field: &Field,
        index: usize,
        info: &Info,
        context: &CallContext,
        cands: &mut Vec<Cand>,
    ) {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return;
        }
        self.custom_candidates(text, field, cands);
        if field.location == Location::Header && protocol_header(&field.path) {
            return;
        }
        if context.geo.contains(&index) {
            self.push(cands, Builtin::Geolocation, 0.85, None);
        }
        // `{"errors": {"password": ["is required"]}}` names a field, it does not carry it.
        if !(trimmed.contains(' ') && in_error_report(&field.path)) {
            self.key_candidates(trimmed, field, info, context, cands);
        }
        if field.path.ends_with("/private_key")
            && context.service_account_parents.contains(&parent_key(field, info))
            && trimmed.contains("PRIVATE KEY")
        {
            self.push(cands, Builtin::GcpServiceAccount, 0.98, None);
        }
        if trimmed.len() < 6 {
            return;
        }
        if trimmed.bytes().all(|b| b.is_ascii_digit()) {
            self.digit_candidates(trimmed, self.card_context(field, info, context), info, cands);
            return;
        }
        self.pattern_candidates(text, field, info, cands);
    }

    /// A value of digits only: cards (unless the name says identifier) and phones with
    /// context; the value patterns add nothing here.
    fn digit_candidates(&self, digits: &str, card_context: bool, info: &Info, cands: &mut Vec<Cand>) {
        if (13..=19).contains(&digits.len())
            && !matches!(
                info.hint,
                KeyHint::NotPersonal | KeyHint::Phone | KeyHint::Secret | KeyHint::Session
            )
            && (!info.parent_identifier || card_context)
            && validate::card_number(digits).is_some()
        {
            let confidence =
                if matches!(info.hint, KeyHint::CardNumber) || card_context { 0.98 } else { 0.85 };
            self.push(cands, Builtin::CardNumber, confidence, None);
        }
    }

    /// Detectors chosen by the field name, judging the whole (trimmed) value.
    fn key_candidates(
        &self,
        v: &str,
        field: &Field,
        info: &Info,
        context: &CallContext,
        cands: &mut Vec<Cand>,
    ) {
        let upper = || v.to_ascii_uppercase();
        match info.hint {
            KeyHint::None | KeyHint::NotPersonal | KeyHint::Version | KeyHint::CardContext | KeyHint::Ip => {}
            KeyHint::Email => {}
            KeyHint::Phone => {
                if let Some(c) = phone(v, true) {
                    self.push(cands, Builtin::Phone, c, None);
                }
            }
            KeyHint::PersonName => {
                if name_like(v, true) {
                    self.push(cands, Builtin::PersonName, 0.85, None);
                }
            }
            KeyHint::BareName => {
                if info.person_parent && name_like(v, false) {
                    self.push(cands, Builtin::PersonName, 0.7, None);
                }
            }
            KeyHint::Street => {
                if street_like(v, false) {
                    self.push(cands, Builtin::PostalAddress, 0.85, None);
                }
            }
            KeyHint::BareAddress => {
                if street_like(v, !info.address_parent) {
                    self.push(cands, Builtin::PostalAddress, 0.75, None);
                }
            }
            KeyHint::PostCode => {
                if postcode_like(v) {
                    self.push(cands, Builtin::PostalAddress, 0.7, None);
                }
            }
            KeyHint::DateOfBirth => {
                if birth_date_like(v) {
                    self.push(cands, Builtin::DateOfBirth, 0.9, None);
                }
            }
            KeyHint::Latitude | KeyHint::Longitude => {}
            KeyHint::LatLon => {
                if lat_lon_pair(v) {
                    self.push(cands, Builtin::Geolocation, 0.8, None);
                }
            }
            KeyHint::Ssn => {
                if validate::ssn(v) {
                    self.push(cands, Builtin::Ssn, 0.95, None);
                }
            }
            KeyHint::Nino => {
                if validate::uk_nino(&upper(), true) {
                    self.push(cands, Builtin::UkNino, 0.95, None);
                }
            }
            KeyHint::Passport => {
                if passport_like(v) {
                    self.push(cands, Builtin::Passport, 0.8, None);
                }
            }
            KeyHint::Vin => {
                if validate::vin(&upper()).is_some() {
                    self.push(cands, Builtin::Vin, 0.95, None);
                }
            }
            KeyHint::Dni => {
                if validate::es_dni(&upper()) {
                    self.push(cands, Builtin::EsDni, 0.95, None);
                }
            }
            KeyHint::Aadhaar => {
                if validate::in_aadhaar(v) {
                    self.push(cands, Builtin::InAadhaar, 0.95, None);
                }
            }
            KeyHint::Cpf => {
                if validate::br_cpf(v) {
                    self.push(cands, Builtin::BrCpf, 0.95, None);
                }
            }
            KeyHint::CardNumber | KeyHint::BareNumber => {
                if (info.hint == KeyHint::CardNumber || self.card_context(field, info, context))
                    && validate::card_number(v).is_some()
                {
                    self.push(cands, Builtin::CardNumber, 0.98, None);
                }
            }
            KeyHint::Iban => {
                if validate::iban(&upper()) {
                    self.push(cands, Builtin::Iban, 0.98, None);
                }
            }
            KeyHint::Routing => {
                if validate::aba_routing(v) {
                    self.push(cands, Builtin::RoutingNumber, 0.9, None);
                }
            }
            KeyHint::Cvv => {
                if (3..=4).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit()) {
                    self.push(cands, Builtin::CardCvv, 0.85, None);
                }
            }
            KeyHint::SecurityCode => {
                if (3..=4).contains(&v.len())
                    && v.bytes().all(|b| b.is_ascii_digit())
                    && self.card_context(field, info, context)
                {
                    self.push(cands, Builtin::CardCvv, 0.8, None);
                }
            }
            KeyHint::CardExpiry => {
                if expiry_like(v) {
                    self.push(cands, Builtin::CardExpiry, 0.85, None);
                }
            }
            KeyHint::Expiry => {
                let month_or_year = v.len() <= 4
                    && v.parse::<u32>().is_ok_and(|n| {
                        (1..=12).contains(&n) || (20..=99).contains(&n) || (2000..=2099).contains(&n)
                    });
                if (expiry_like(v) || month_or_year) && self.card_context(field, info, context) {
                    self.push(cands, Builtin::CardExpiry, 0.8, None);
                }
            }
            KeyHint::Password => {
                if password_hash_format(v) {
                    self.push(cands, Builtin::PasswordHash, 0.97, None);
                } else if password_like(v) {
                    self.push(cands, Builtin::Password, 0.9, None);
                }
            }
            KeyHint::PasswordHash => {
                let hexlen = v.len();
                let hex = v.bytes().all(|b| b.is_ascii_hexdigit()) && matches!(hexlen, 32 | 40 | 64 | 128);
                let b64 = (24..=200).contains(&hexlen) && secret_like(v);
                if password_hash_format(v) || hex || b64 {
                    self.push(cands, Builtin::PasswordHash, 0.85, None);
                }
            }
            KeyHint::Secret => {
                if secret_like(v) {
                    self.push(cands, Builtin::GenericSecret, 0.7, None);
                }
            }
            KeyHint::AwsSecret => {
                if aws_secret_like(v) {
                    self.push(cands, Builtin::AwsSecretKey, 0.9, None);
                } else if secret_like(v) {
                    self.push(cands, Builtin::GenericSecret, 0.7, None);
                }
            }
            KeyHint::AzureKey => {
                if v.len() == 88
                    && v.ends_with("==")
                    && v.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'+' | b'='))
                {
                    self.push(cands, Builtin::AzureStorageKey, 0.9, None);
                }
            }
            KeyHint::Twilio => {
                let b = v.as_bytes();
                if b.len() == 34
                    && matches!(b.get(..2), Some(b"AC" | b"SK"))
                    && b.get(2..)
                        .is_some_and(|h| h.iter().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c)))
                {
                    self.push(cands, Builtin::TwilioKey, 0.95, None);
                }
            }
            KeyHint::Session => {
                if session_like(v) {
                    self.push(cands, Builtin::SessionId, 0.8, None);
                }
            }
            KeyHint::Authorization => self.authorization(field, cands),
            hint => {
                if let Some(special) = special_type(hint)
                    && !masked_or_placeholder(v)
                    && v.len() <= 1024
                {
                    self.push(cands, special, 0.8, None);
                }
            }
        }
    }

    /// `Authorization` header values: `Bearer <token>`, `Basic <base64 user:pass>`, other
    /// token schemes, or a bare token.
    fn authorization(&self, field: &Field, cands: &mut Vec<Cand>) {
        let Some(raw) = field.value.as_text() else {
            return;
        };
        let raw = cut(raw, self.limits.max_field_bytes);
        let lead = raw.len() - raw.trim_start().len();
        let v = raw.trim();
        let Some((scheme, rest)) = v.split_once(' ') else {
            if secret_like(v) || crate::jwt::looks_like_jwt(v) {
                self.push(cands, Builtin::BearerToken, 0.75, Some((lead, lead + v.len())));
            }
            return;
        };
        let token = rest.trim();
        let start = lead + (v.len() - rest.len()) + (rest.len() - rest.trim_start().len());
        let span = Some((start, start + token.len()));
        if token.is_empty() || masked_or_placeholder(token) {
            return;
        }
        match scheme.to_ascii_lowercase().as_str() {
            "bearer" | "token" | "apikey" | "api-key" | "key" | "sso-key" | "dpop" | "jwt" => {
                self.push(cands, Builtin::BearerToken, 0.95, span);
            }
            "basic" => {
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(token)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok());
                if decoded.is_some_and(|d| d.contains(':') && !d.chars().any(char::is_control)) {
                    self.push(cands, Builtin::BasicAuth, 0.95, span);
                }
            }
            _ => {}
        }
    }

    /// Value patterns: the gates pick the patterns that can match (most values have
    /// none), each of those runs alone for spans, and validators judge every match.
    fn pattern_candidates(&self, text: &str, field: &Field, info: &Info, cands: &mut Vec<Cand>) {
        if inert_shape(text) {
            return;
        }
        let mut admitted = self.patterns.candidates(text);
        while admitted != 0 {
            let index = admitted.trailing_zeros() as usize;
            admitted &= admitted - 1;
            let Some((pat, regex)) = self.patterns.get(index) else {
                continue;
            };
            for m in regex.find_iter(text).take(MAX_MATCHES_PER_PATTERN) {
                if cands.len() >= MAX_CANDIDATES_PER_FIELD {
                    return;
                }
                self.judge(*pat, text, m.start(), m.end(), field, info, cands);
            }
        }
    }

    /// Validates one pattern match and adds candidates.
    #[allow(clippy::too_many_arguments)]
    fn judge(
        &self,
        pat: Pat,
        text: &str,
        start: usize,
        end: usize,
        field: &Field,
        info: &Info,
        cands: &mut Vec<Cand>,
    ) {
        let Some(m) = text.get(start..end) else {
            return;
        };
        let whole = text.trim() == m;
        let span = if whole { None } else { Some((start, end)) };
        let hint = info.hint;
        let identifier = hint == KeyHint::NotPersonal;
        match pat {
            Pat::Email => {
                // `scheme://user:pass@host` is URL user info, not an address.
                let token_start =
                    text.get(..start).and_then(|t| t.rfind(char::is_whitespace)).map_or(0, |i| i + 1);
                let lead = text.get(token_start..start).unwrap_or("");
                if lead.contains("://") && !lead.rsplit("://").next().unwrap_or("").contains('/') {
                    return;
                }
                if let Some((s, e)) = email(m) {
                    let sub = text.get(start + s..start + e).unwrap_or("");
                    let span = if text.trim() == sub { None } else { Some((start + s, start + e)) };
                    let confidence = if hint == KeyHint::Email { 0.99 } else { 0.95 };
                    self.push(cands, Builtin::Email, confidence, span);
                }
            }
            Pat::Phone => {
                if identifier
                    || hint == KeyHint::Version
                    || !bounded(text, start, end, |c| c.is_ascii_alphanumeric())
                {
                    return;
                }
                if let Some((s, e, confidence)) = phone_in(m, hint == KeyHint::Phone) {
                    let span = if text.trim() == m.get(s..e).unwrap_or("") {
                        None
                    } else {
                        Some((start + s, start + e))
                    };
                    self.push(cands, Builtin::Phone, confidence, span);
                }
            }
            Pat::Ssn => {
                if !identifier && validate::ssn(m) {
                    self.push(cands, Builtin::Ssn, if hint == KeyHint::Ssn { 0.95 } else { 0.75 }, span);
                }
            }
            Pat::SsnLabelled => {
                let digits_at = m.len().saturating_sub(9);
                let digits = m.get(digits_at..).unwrap_or("");
                if validate::ssn(digits) {
                    let s = start + digits_at;
                    self.push(cands, Builtin::Ssn, 0.85, Some((s, s + 9)));
                }
            }
            Pat::Nino => {
                let context = hint == KeyHint::Nino;
                let candidate = if context { m.to_ascii_uppercase() } else { m.to_owned() };
                if validate::uk_nino(&candidate, context) {
                    self.push(cands, Builtin::UkNino, if context { 0.95 } else { 0.85 }, span);
                }
            }
            Pat::Vin => match validate::vin(m) {
                Some(VinCheck::CheckDigitValid) if !identifier || hint == KeyHint::Vin => {
                    self.push(cands, Builtin::Vin, if hint == KeyHint::Vin { 0.95 } else { 0.8 }, span);
                }
                Some(VinCheck::StructureOnly) if hint == KeyHint::Vin => {
                    self.push(cands, Builtin::Vin, 0.9, span)
                }
                _ => {}
            },
            Pat::Card => {
                let formatted = m.contains([' ', '-']);
                if (identifier && !formatted)
                    || matches!(hint, KeyHint::Phone | KeyHint::Secret | KeyHint::Session)
                {
                    return;
                }
                if validate::card_number(m).is_some() {
                    let card_key = hint == KeyHint::CardNumber || info.card_parent;
                    let confidence = if card_key {
                        0.98
                    } else if identifier {
                        0.75
                    } else {
                        0.9
                    };
                    self.push(cands, Builtin::CardNumber, confidence, span);
                }
            }
            Pat::Iban => {
                if validate::iban(m) {
                    self.push(cands, Builtin::Iban, 0.97, span);
                }
            }
            Pat::Ipv4 => {
                if matches!(hint, KeyHint::Version | KeyHint::NotPersonal)
                    || !bounded(text, start, end, |c| c.is_ascii_alphanumeric() || c == b'.')
                {
                    return;
                }
                // A CIDR range (`10.0.0.0/8`) names a network, not a host.
                let after = text.get(end..).unwrap_or("");
                if after.starts_with('/') && after.as_bytes().get(1).is_some_and(u8::is_ascii_digit) {
                    return;
                }
                // `Chrome/120.0.6099.109`: a product version, not an address (but
                // `http://10.0.0.1` is one).
                let lead = text.get(..start).unwrap_or("");
                if lead.ends_with('/') && !lead.ends_with("//") {
                    return;
                }
                let before = text.get(start.saturating_sub(12)..start).unwrap_or("").to_ascii_lowercase();
                if ["version", "ver ", "v.", "release", "build", "firmware"]
                    .iter()
                    .any(|w| before.contains(w))
                {
                    return;
                }
                if m.parse::<std::net::Ipv4Addr>().is_ok() {
                    self.push(cands, Builtin::IpAddress, if hint == KeyHint::Ip { 0.97 } else { 0.9 }, span);
                }
            }
            Pat::Ipv6 => {
                if matches!(hint, KeyHint::Version | KeyHint::NotPersonal)
                    || text.get(end..).is_some_and(|a| a.starts_with('/'))
                    || m.len() < 3
                    || !bounded(text, start, end, |c| c.is_ascii_alphanumeric() || c == b':' || c == b'.')
                {
                    return;
                }
                let groups = m.split(':').filter(|g| !g.is_empty()).count();
                if (m.contains("::") && groups >= 2 || groups == 8) && m.parse::<std::net::Ipv6Addr>().is_ok()
                {
                    self.push(cands, Builtin::IpAddress, if hint == KeyHint::Ip { 0.97 } else { 0.9 }, span);
                }
            }
            Pat::Jwt => {
                if bounded(text, start, end, |c| {
                    c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.'
                }) && crate::jwt::looks_like_jwt(m)
                {
                    self.push(cands, Builtin::Jwt, 0.98, span);
                }
            }
            Pat::PrivateKey => {
                if let Some(key_end) = private_key_end(text, end) {
                    let span = if text.get(..start).unwrap_or("").trim().is_empty()
                        && text.get(key_end..).unwrap_or("").trim().is_empty()
                    {
                        None
                    } else {
                        Some((start, key_end))
                    };
                    self.push(cands, Builtin::PrivateKey, 0.99, span);
                }
            }
            Pat::PasswordHash => {
                if bounded(text, start, end, |c| c.is_ascii_alphanumeric() || c == b'.' || c == b'/') {
                    self.push(cands, Builtin::PasswordHash, 0.97, span);
                }
            }
            Pat::AwsKeyId => self.push(cands, Builtin::AwsAccessKey, 0.97, span),
            Pat::GcpApiKey => {
                if bounded(text, start, end, |c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_') {
                    self.push(cands, Builtin::GcpApiKey, 0.95, span);
                }
            }
            Pat::GcpServiceAccount => {
                if text.contains("\"private_key\"") && text.contains("PRIVATE KEY") {
                    self.push(cands, Builtin::GcpServiceAccount, 0.98, None);
                }
            }
            Pat::Azure => self.push(cands, Builtin::AzureStorageKey, 0.97, span),
            Pat::Github => self.push(cands, Builtin::GithubToken, 0.98, span),
            Pat::Gitlab => {
                if bounded(text, start, end, |c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_') {
                    self.push(cands, Builtin::GitlabToken, 0.97, span);
                }
            }
            Pat::Slack => self.push(cands, Builtin::SlackToken, 0.95, span),
            Pat::SlackWebhook => {
                let mut parts = m.trim_start_matches("https://hooks.slack.com/").split('/');
                let kind = parts.next().unwrap_or("");
                let ok = match kind {
                    "services" => {
                        let (t, b, s) = (parts.next(), parts.next(), parts.next());
                        t.is_some_and(|t| t.starts_with('T') && t.len() >= 7)
                            && b.is_some_and(|b| b.len() >= 7)
                            && s.is_some_and(|s| {
                                s.len() >= 20 && s.bytes().all(|c| c.is_ascii_alphanumeric())
                            })
                    }
                    _ => parts.count() >= 2,
                };
                if ok {
                    self.push(cands, Builtin::SlackWebhook, 0.95, span);
                }
            }
            Pat::Stripe => {
                let (builtin, confidence) = match m.get(..8) {
                    Some("sk_live_" | "rk_live_") => (Builtin::StripeSecretKey, 0.98),
                    Some("sk_test_" | "rk_test_") => (Builtin::StripeSecretKey, 0.8),
                    _ => (Builtin::StripePublishableKey, 0.9),
                };
                self.push(cands, builtin, confidence, span);
            }
            Pat::Sendgrid => {
                if bounded(text, start, end, |c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_') {
                    self.push(cands, Builtin::SendgridKey, 0.97, span);
                }
            }
            Pat::Openai => {
                let body = m.get(3..).unwrap_or("");
                let mixed =
                    body.bytes().any(|c| c.is_ascii_digit()) && body.bytes().any(|c| c.is_ascii_alphabetic());
                if mixed && bounded(text, start, end, |c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
                {
                    self.push(cands, Builtin::OpenaiKey, 0.9, span);
                }
            }
            Pat::Twilio => {
                let context = hint == KeyHint::Twilio || hint == KeyHint::Secret;
                self.push(cands, Builtin::TwilioKey, if context { 0.95 } else { 0.8 }, span);
            }
            Pat::Dni => {
                if validate::es_dni(m) {
                    self.push(cands, Builtin::EsDni, if hint == KeyHint::Dni { 0.95 } else { 0.85 }, span);
                }
            }
            Pat::Aadhaar => {
                if !identifier && validate::in_aadhaar(m) {
                    self.push(
                        cands,
                        Builtin::InAadhaar,
                        if hint == KeyHint::Aadhaar { 0.95 } else { 0.85 },
                        span,
                    );
                }
            }
            Pat::Cpf => {
                if validate::br_cpf(m) {
                    self.push(cands, Builtin::BrCpf, if hint == KeyHint::Cpf { 0.95 } else { 0.9 }, span);
                }
            }
            Pat::Assignment => self.assignment(text, start, m, cands),
            Pat::UrlUserinfo => {
                let Some(scheme_end) = m.find("://") else {
                    return;
                };
                let auth = m.get(scheme_end + 3..m.len().saturating_sub(1)).unwrap_or("");
                if let Some(colon) = auth.find(':') {
                    let password = auth.get(colon + 1..).unwrap_or("");
                    let s = start + scheme_end + 3 + colon + 1;
                    if password_like(password) && !password.bytes().all(|b| b.is_ascii_digit()) {
                        self.push(cands, Builtin::Password, 0.9, Some((s, s + password.len())));
                    }
                }
            }
            Pat::Bearer => {
                let token_start =
                    m.find([' ', '\t']).map(|i| i + m.get(i..).map_or(0, |r| r.len() - r.trim_start().len()));
                if let Some(offset) = token_start {
                    let token = m.get(offset..).unwrap_or("");
                    if secret_like(token) || crate::jwt::looks_like_jwt(token) {
                        self.push(cands, Builtin::BearerToken, 0.9, Some((start + offset, end)));
                    }
                }
            }
        }
        let _ = field;
    }

    /// `name = value` / `name: value` inside free text (query strings, env files, logs).
    fn assignment(&self, text: &str, start: usize, m: &str, cands: &mut Vec<Cand>) {
        let Some(sep) = m.find([':', '=']) else {
            return;
        };
        let name = m.get(..sep).unwrap_or("").trim().trim_matches(['"', '\'']);
        let after = m.get(sep + 1..).unwrap_or("");
        let value = after.trim_start().trim_start_matches(['"', '\'']);
        let value_start = start + sep + 1 + (after.len() - value.len());
        let span = Some((value_start, value_start + value.len()));
        // The name must start at a token boundary (not inside a longer word).
        let before = start.checked_sub(1).and_then(|i| text.as_bytes().get(i)).copied();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_') {
            return;
        }
        let mut words = KeyWords::default();
        words.parse(name);
        match classify_key(&words, &KeyWords::default(), Location::Body) {
            KeyHint::Password if password_like(value) && !password_hash_format(value) => {
                self.push(cands, Builtin::Password, 0.85, span);
            }
            KeyHint::Secret if secret_like(value) => self.push(cands, Builtin::GenericSecret, 0.7, span),
            KeyHint::AwsSecret if aws_secret_like(value) => {
                self.push(cands, Builtin::AwsSecretKey, 0.9, span);
            }
            KeyHint::Session if session_like(value) => self.push(cands, Builtin::SessionId, 0.75, span),
            _ => {}
        }
    }

    /// Keeps one candidate per overlapping group of the same type (the most confident)
    /// and drops generic types overlapped by a more specific one.
    fn resolve(&self, cands: &mut Vec<Cand>, text_len: usize) {
        if cands.len() < 2 {
            return;
        }
        let range = |c: &Cand| c.span.unwrap_or((0, text_len.max(1)));
        let overlaps = |a: &Cand, b: &Cand| {
            let (a0, a1) = range(a);
            let (b0, b1) = range(b);
            a0 < b1 && b0 < a1
        };
        let mut keep = vec![true; cands.len()];
        for i in 0..cands.len() {
            for j in 0..cands.len() {
                if i == j || !keep.get(j).copied().unwrap_or(false) {
                    continue;
                }
                let (Some(a), Some(b)) = (cands.get(i), cands.get(j)) else {
                    continue;
                };
                if !overlaps(a, b) {
                    continue;
                }
                let drop_a = if a.ty == b.ty {
                    // Same type: the more confident wins; ties go to the whole value, then
                    // to the earlier candidate.
                    b.confidence > a.confidence
                        || (b.confidence == a.confidence
                            && (b.span.is_none() && a.span.is_some()
                                || (b.span.is_none() == a.span.is_none() && j < i)))
                } else {
                    match (a.ty, b.ty) {
                        (TypeRef::Builtin(a), TypeRef::Builtin(b)) => supersedes(b, a),
                        _ => false,
                    }
                };
                if drop_a {
                    if let Some(k) = keep.get_mut(i) {
                        *k = false;
                    }
                    break;
                }
            }
        }
        let mut flags = keep.into_iter();
        cands.retain(|_| flags.next().unwrap_or(false));
        cands.sort_by_key(|c| c.span.map_or(0, |(s, _)| s));
    }
}

/// Sorted (binary search).
const PROTOCOL_HEADERS: &[&str] = &[
    ":authority",
    ":method",
    ":scheme",
    ":status",
    "accept",
    "accept-encoding",
    "accept-language",
    "accept-ranges",
    "access-control-allow-headers",
    "access-control-allow-methods",
    "access-control-max-age",
    "age",
    "cache-control",
    "connection",
    "content-encoding",
    "content-language",
    "content-length",
    "content-type",
    "date",
    "dnt",
    "etag",
    "expires",
    "host",
    "if-modified-since",
    "if-none-match",
    "keep-alive",
    "last-modified",
    "pragma",
    "sec-ch-ua-mobile",
    "sec-fetch-dest",
    "sec-fetch-mode",
    "sec-fetch-site",
    "sec-fetch-user",
    "server",
    "strict-transport-security",
    "te",
    "transfer-encoding",
    "upgrade-insecure-requests",
    "vary",
    "x-content-type-options",
    "x-frame-options",
    "x-request-id",
];

/// Headers whose values are protocol tokens with a defined grammar (media types, dates,
/// lengths, encodings, cache directives, fetch metadata) or name the server (`Host`,
/// `Server`): no built-in type can occur in them as personal data, and they are a fifth of
/// the fields of a typical call. Custom types still see them. `user-agent`, `referer` and
/// `origin` are not here: they carry free text or URLs.
fn protocol_header(path: &str) -> bool {
    let name = path.strip_prefix('/').unwrap_or(path);
    let name = name.split('/').next().unwrap_or(name);
    PROTOCOL_HEADERS.binary_search(&name).is_ok()
}

/// Whether a field sits in a validation error report (`/errors/password/0`,
/// `/error/fields/email`, `/violations/3/message`): there, a field name is the subject of a
/// message, not the label of a value.
fn in_error_report(path: &str) -> bool {
    const CONTAINERS: &[&str] =
        &["error", "errors", "violations", "validation", "validationerrors", "fielderrors", "invalidparams"];
    let Some((parents, _)) = path.rsplit_once('/') else {
        return false;
    };
    parents.split('/').any(|token| {
        // Lower-cased without `_` and `-`, in a stack buffer (this runs on free text).
        let mut folded = [0u8; 24];
        let mut n = 0;
        for b in token.bytes().filter(|b| *b != b'_' && *b != b'-') {
            let Some(slot) = folded.get_mut(n) else { return false };
            *slot = b.to_ascii_lowercase();
            n += 1;
        }
        let folded = folded.get(..n).unwrap_or_default();
        CONTAINERS.iter().any(|c| c.as_bytes() == folded)
    })
}

/// Whether a detection of `b` makes an overlapping `a` redundant.
fn supersedes(b: Builtin, a: Builtin) -> bool {
    use Builtin::*;
    match a {
        GenericSecret => b.category() == Category::Credential && b != BearerToken,
        SessionId => {
            b.category() == Category::Credential && !matches!(b, GenericSecret | BearerToken | Password)
        }
        PrivateKey => b == GcpServiceAccount,
        Phone => matches!(
            b,
            CardNumber | Iban | Ssn | InAadhaar | BrCpf | RoutingNumber | IpAddress | EsDni | UkNino
        ),
        Password => matches!(b, PasswordHash),
        // Digit groups inside an IBAN or a card are not identifiers of their own.
        CardNumber => b == Iban,
        Ssn | InAadhaar | BrCpf | RoutingNumber | EsDni => matches!(b, CardNumber | Iban),
        _ => false,
    }
}

fn special_type(hint: KeyHint) -> Option<Builtin> {
    Some(match hint {
        KeyHint::Health => Builtin::Health,
        KeyHint::Religion => Builtin::Religion,
        KeyHint::Ethnicity => Builtin::Ethnicity,
        KeyHint::SexualOrientation => Builtin::SexualOrientation,
        KeyHint::Political => Builtin::PoliticalOpinion,
        KeyHint::Biometric => Builtin::Biometric,
        KeyHint::Genetic => Builtin::Genetic,
        KeyHint::TradeUnion => Builtin::TradeUnion,
        _ => return None,
    })
}

/// Cuts `text` to at most `max` bytes at a character boundary.
pub(crate) fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or("")
}

/// True when the bytes just outside `start..end` are not token characters.
fn bounded(text: &str, start: usize, end: usize, token: impl Fn(u8) -> bool) -> bool {
    let bytes = text.as_bytes();
    let before = start.checked_sub(1).and_then(|i| bytes.get(i)).copied();
    let after = bytes.get(end).copied();
    !before.is_some_and(&token) && !after.is_some_and(&token)
}

fn parent_key(field: &Field, info: &Info) -> ParentKey {
    (
        field.direction,
        field.location,
        info.parent_len,
        fxhash(field.path.get(..info.parent_len).unwrap_or("")),
    )
}

/// A cheap, stable hash of a parent path (to compare siblings without allocating).
fn fxhash(text: &str) -> usize {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash as usize
}

/// A coordinate value within ±`max` with at least two decimals (a position, not a count).
fn coordinate(value: &FieldValue, max: f64) -> Option<f64> {
    let text = match value {
        FieldValue::Number(n) => n.to_string(),
        FieldValue::Text(t) if t.len() <= 24 => t.trim().to_owned(),
        _ => return None,
    };
    let (_, fraction) = text.split_once('.')?;
    if fraction.len() < 2 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: f64 = text.parse().ok()?;
    (v.is_finite() && v.abs() <= max).then_some(v)
}

/// `51.5074, -0.1278` in one value.
fn lat_lon_pair(value: &str) -> bool {
    let mut parts = value.split([',', ' ']).filter(|p| !p.is_empty());
    let (Some(a), Some(b), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let a = coordinate(&FieldValue::Text(a.to_owned()), 180.0);
    let b = coordinate(&FieldValue::Text(b.to_owned()), 180.0);
    matches!((a, b), (Some(a), Some(b)) if a.abs() <= 90.0 || b.abs() <= 90.0)
}

/// Validates an e-mail match; returns the sub-range that is the address (leading dots
/// trimmed), or `None`.
fn email(m: &str) -> Option<(usize, usize)> {
    let start = m.len() - m.trim_start_matches(['.', '-', '+', '%']).len();
    let address = m.get(start..)?;
    let (local, domain) = address.rsplit_once('@')?;
    if local.is_empty()
        || local.len() > 64
        || address.len() > 254
        || local.ends_with('.')
        || local.contains("..")
    {
        return None;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2
        || labels.iter().any(|l| l.is_empty() || l.len() > 63 || l.starts_with('-') || l.ends_with('-'))
    {
        return None;
    }
    let tld = labels.last()?.to_ascii_lowercase();
    const FILE_EXTENSIONS: &[&str] = &[
        "png", "jpg", "jpeg", "gif", "svg", "webp", "js", "css", "json", "html", "htm", "pdf", "txt", "map",
        "ico",
    ];
    if FILE_EXTENSIONS.contains(&tld.as_str()) {
        return None;
    }
    Some((start, m.len()))
}

/// Finds a phone number in a candidate run, trying the run, then without its last or
/// first group. Returns the sub-range and confidence.
fn phone_in(m: &str, context: bool) -> Option<(usize, usize, f32)> {
    if let Some(c) = phone(m, context) {
        return Some((0, m.len(), c));
    }
    let last_sep = m.rfind([' ', '/'])?;
    if let Some(c) = phone(m.get(..last_sep)?.trim_end(), context) {
        return Some((0, m.get(..last_sep)?.trim_end().len(), c));
    }
    let first_sep = m.find([' ', '/'])?;
    let rest = m.get(first_sep + 1..)?;
    let offset = first_sep + 1 + (rest.len() - rest.trim_start().len());
    phone(rest.trim_start(), context).map(|c| (offset, m.len(), c))
}

/// The end of a PEM private key block whose BEGIN line ends at `begin_end`: after the
/// matching END line, or at the end of the base64 body when it was cut off. `None` when
/// the body is too short to be a key.
fn private_key_end(text: &str, begin_end: usize) -> Option<usize> {
    let rest = text.get(begin_end..)?;
    let body_end = rest.find("-----END").unwrap_or(rest.len());
    let body = rest.get(..body_end)?;
    let base64_chars =
        body.bytes().filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')).count();
    if base64_chars < 32 {
        return None;
    }
    let after_end = rest.get(body_end..)?;
    let end = match after_end.strip_prefix("-----END").and_then(|s| s.find("-----")) {
        Some(close) => body_end + "-----END".len() + close + 5,
        None => body_end,
    };
    Some(begin_end + end)
}

/// A password hash in one of the self-describing formats.
pub(crate) fn password_hash_format(value: &str) -> bool {
    static FORMATS: std::sync::OnceLock<Option<Regex>> = std::sync::OnceLock::new();
    let regex = FORMATS.get_or_init(|| {
        let source = patterns().into_iter().find(|(p, _)| *p == Pat::PasswordHash).map(|(_, s)| s)?;
        Regex::new(&format!("^(?:{source})$")).ok()
    });
    regex.as_ref().is_some_and(|r| r.is_match(value.trim()))
}

#[cfg(test)]
mod tests;

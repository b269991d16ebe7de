//! How analyzers outside core (sensitive data, posture checks) take part in discovery: an
//! [`Inspector`] sees each call the observer folds, reports what it found, and masks what
//! discovery keeps as examples. Core stores and merges the reports per endpoint; it does not
//! know what a data type or a rule means.

use serde::{Deserialize, Serialize};

use crate::analysis::DecodedCall;
use crate::endpoint::Endpoint;
use crate::field::{Direction, Location};
use crate::finding::Finding;
use crate::finding::{OwaspApiCategory, Severity};

/// A sensitive data type seen at one field of a call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldTag {
    pub direction: Direction,
    pub location: Location,
    /// The field's path with array indices generalised (`/items/*/email`).
    pub path: String,
    /// A data type id (`email`, `card_number`, or a user-defined id).
    pub data_type: String,
    /// `personal`, `financial`, `credential` or `special`.
    pub category: String,
}

impl FieldTag {
    /// The key a tag is counted under in an endpoint's stats.
    pub fn key(&self) -> String {
        format!(
            "{}|{}|{}|{}",
            match self.direction {
                Direction::Request => "request",
                Direction::Response => "response",
            },
            self.location.as_str(),
            self.path,
            self.data_type
        )
    }
}

/// One posture check that one call failed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PostureHit {
    /// Rule id (`sensitive.data-in-url`, `posture.cors-any-origin-with-credentials`, ...).
    pub rule: String,
    /// What distinguishes this hit from others of the rule on the same endpoint (a field
    /// path, a header name); part of the finding's identity.
    pub detail: String,
    pub title: String,
    pub severity: Severity,
    pub category: OwaspApiCategory,
    /// What was seen, sensitive values already masked.
    pub evidence: String,
}

impl PostureHit {
    /// The key a hit is counted under in an endpoint's stats.
    pub fn key(&self) -> String {
        format!("{}|{}", self.rule, self.detail)
    }
}

/// What an inspector found in one call.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inspection {
    pub tags: Vec<FieldTag>,
    pub hits: Vec<PostureHit>,
    /// The inspector read every field of the request body and found nothing to mask:
    /// discovery may keep it as an example without [`Inspector::redact_value`]. Most
    /// bodies are clean, and masking re-reads the whole body.
    pub clean_request_body: bool,
    /// The same for the response body.
    pub clean_response_body: bool,
}

impl Inspection {
    pub fn clear(&mut self) {
        self.tags.clear();
        self.hits.clear();
        self.clean_request_body = false;
        self.clean_response_body = false;
    }
}

/// An analyzer that runs beside discovery on every observed call.
pub trait Inspector: Send + Sync {
    /// Appends what `call` shows to `out`.
    fn inspect(&self, call: &DecodedCall<'_>, out: &mut Inspection);
    /// Masks sensitive values in a decoded body before it is kept as an example.
    fn redact_value(&self, value: &mut serde_json::Value);
    /// Masks the `direction` body of `call` (its decoded value, given as `value`) before
    /// it is kept as an example. `call` was just inspected on this thread, so an inspector
    /// may reuse what it found there instead of reading the body again.
    fn redact_body(&self, call: &DecodedCall<'_>, direction: Direction, value: &mut serde_json::Value) {
        let _ = (call, direction);
        self.redact_value(value);
    }
    /// Masks sensitive values in a path or query string before it is kept as an example.
    fn redact_text(&self, text: &str) -> String;
    /// The findings one host's endpoints show (from their kept tags and hits, and across
    /// endpoints). They replace that host's earlier traffic findings, so they must be
    /// computed from the endpoints alone.
    fn host_findings(&self, endpoints: &[Endpoint]) -> Vec<Finding>;
}

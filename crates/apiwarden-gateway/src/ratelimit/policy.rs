//! A validated policy and how it finds its key in a request.

use http::HeaderValue;

use super::RateLimitRequest;
use super::config::{OnMissing, PolicyMode};
use super::gcra::Limit;
use super::keys::{KeyKind, KeySeeds, KeySource, client_address, extract};
use super::scope::Scope;

#[derive(Debug)]
pub(crate) struct Policy {
    pub name: String,
    pub mode: Option<PolicyMode>,
    pub key: KeyKind,
    pub on_missing: OnMissing,
    pub limits: Vec<Limit>,
    pub scope: Scope,
    pub seeds: KeySeeds,
    /// This policy's items of the `RateLimit-Policy` field.
    pub header_items: String,
    /// The same as a field value, for the common case of one applicable policy.
    pub header_field: Option<HeaderValue>,
}

impl Policy {
    pub(crate) fn is_monitor(&self) -> bool {
        self.mode == Some(PolicyMode::Monitor)
    }

    pub(crate) fn is_explicitly_enforced(&self) -> bool {
        self.mode == Some(PolicyMode::Enforce)
    }

    /// The state key that `request` is counted under, or `None` when the policy does not
    /// apply to it (out of scope, or no key with `on_missing = "skip"`).
    pub(crate) fn state_key(&self, request: &RateLimitRequest<'_>, segments: &[&str]) -> Option<u128> {
        if !self.scope.matches(request.route, request.method, segments) {
            return None;
        }
        if let Some(key) = extract(&self.key, request.client_ip, request.headers) {
            return Some(self.seeds.hash(KeySource::Own, key.as_bytes()));
        }
        match self.on_missing {
            OnMissing::ClientIp => {
                Some(self.seeds.hash(KeySource::Fallback, client_address(request.client_ip).as_bytes()))
            }
            OnMissing::Skip => None,
        }
    }

    /// Endpoint templates need the request path split into segments.
    pub(crate) fn needs_path(&self) -> bool {
        !self.scope.endpoints.is_empty()
    }
}

//! The analyzer contract: every analysis (inventory, sensitive data, attack detection, ...)
//! is an [`Analyzer`] that reads a [`DecodedCall`] and folds what it learns into a state of
//! its own. States are mergeable, so a pipeline can run an analyzer on many threads and
//! merge the per-thread states, and a store can merge a batch into what it already holds.
//!
//! Decoding happens once per call, in [`DecodedCall::new`], and is shared by every
//! analyzer; the flat field list is built lazily, the first time an analyzer asks.

use std::sync::OnceLock;

use crate::decode::{DecodeError, DecodeLimits, Decoded, DecoderRegistry, call_fields};
use crate::field::Field;
use crate::model::ApiCall;

/// One call with its bodies decoded.
pub struct DecodedCall<'a> {
    pub call: &'a ApiCall,
    /// `None` when the request has no body or no decoder owns its content type.
    pub request_body: Option<Result<Decoded, DecodeError>>,
    pub response_body: Option<Result<Decoded, DecodeError>>,
    limits: DecodeLimits,
    fields: OnceLock<Vec<Field>>,
}

impl<'a> DecodedCall<'a> {
    pub fn new(call: &'a ApiCall, registry: &DecoderRegistry, limits: &DecodeLimits) -> DecodedCall<'a> {
        let request_body = if call.request.body.truncated {
            Some(Err(DecodeError::Invalid {
                decoder: "capture",
                message: "body was truncated at capture".into(),
            }))
        } else {
            registry.decode(call.request.header("content-type"), &call.request.body.bytes, limits)
        };
        let response_body = call.response.as_ref().and_then(|response| {
            if response.body.truncated {
                Some(Err(DecodeError::Invalid {
                    decoder: "capture",
                    message: "body was truncated at capture".into(),
                }))
            } else {
                registry.decode(response.header("content-type"), &response.body.bytes, limits)
            }
        });
        DecodedCall { call, request_body, response_body, limits: *limits, fields: OnceLock::new() }
    }

    pub fn request_value(&self) -> Option<&serde_json::Value> {
        self.request_body.as_ref().and_then(|r| r.as_ref().ok()).map(|d| &d.value)
    }

    pub fn response_value(&self) -> Option<&serde_json::Value> {
        self.response_body.as_ref().and_then(|r| r.as_ref().ok()).map(|d| &d.value)
    }

    /// The caps the bodies were decoded and flattened under.
    pub fn limits(&self) -> &DecodeLimits {
        &self.limits
    }

    /// The flat field list of the call (built on first use).
    pub fn fields(&self) -> &[Field] {
        self.fields.get_or_init(|| {
            fn ok(r: &Option<Result<Decoded, DecodeError>>) -> Option<&Decoded> {
                r.as_ref().and_then(|r| r.as_ref().ok())
            }
            call_fields(self.call, ok(&self.request_body), ok(&self.response_body), &self.limits)
        })
    }
}

/// One independent analysis over decoded calls.
pub trait Analyzer: Send + Sync {
    /// What the analyzer accumulates; merged across threads and batches.
    type State: Default + Send;

    fn name(&self) -> &'static str;

    /// Folds one call into `state`.
    fn observe(&self, call: &DecodedCall<'_>, state: &mut Self::State);

    /// Folds `from` into `into`; must be commutative and associative.
    fn merge(&self, into: &mut Self::State, from: Self::State);
}

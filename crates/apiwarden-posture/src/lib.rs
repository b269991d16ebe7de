//! Passive posture checks: what recorded or live traffic shows about an API's handling of
//! sensitive data and its security configuration.
//!
//! [`TrafficInspector`] plugs into discovery as an [`apiwarden_core::inspect::Inspector`]:
//!
//! 1. For every observed call it classifies the decoded fields with
//!    [`apiwarden_sensitive::Classifier`] and reports one [`FieldTag`] per (field, data
//!    type); discovery counts them per endpoint, so the inventory knows which sensitive types
//!    each endpoint and field carries, how often, and when they were first and last seen.
//! 2. It runs the per-call checks of [`rules`] (data in URLs, unauthenticated sensitive
//!    responses, secrets in responses, credentials over plain HTTP, weak JWTs, verbose
//!    errors, CORS and security headers) and reports each failure as a
//!    [`PostureHit`](apiwarden_core::inspect::PostureHit) with masked evidence.
//! 3. It masks what discovery keeps as example calls, with the configured
//!    [`apiwarden_sensitive::Redactor`] policy.
//! 4. From a host's endpoints it derives the [`apiwarden_core::Finding`]s: one per endpoint
//!    and failed check, plus the checks that compare endpoints (excessive data exposure)
//!    and host-wide ones (missing security headers), see [`findings`].
//!
//! Everything it stores is already masked: raw card numbers, passwords and secrets never
//! leave this crate.
//!
//! [`FieldTag`]: apiwarden_core::inspect::FieldTag

mod checks;
pub mod findings;
mod inspector;
pub mod rules;

pub use inspector::TrafficInspector;

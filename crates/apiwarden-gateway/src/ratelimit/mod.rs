//! Rate limiting (INTERFACE STUB — being replaced by the full GCRA implementation).

use std::net::IpAddr;
use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde::Deserialize;

/// One `[[gateway.rate_limits]]` entry of the configuration file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitPolicyConfig {
    pub name: String,
    #[serde(default)]
    pub mode: Option<PolicyMode>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyMode {
    Enforce,
    Monitor,
}

#[derive(Debug, thiserror::Error)]
#[error("rate limit {policy}: {problem}")]
pub struct RateLimitConfigError {
    pub policy: String,
    pub problem: String,
}

/// What the limiter needs to know about a request.
pub struct RateLimitRequest<'a> {
    pub route: &'a str,
    pub method: &'a Method,
    pub path: &'a str,
    pub client_ip: IpAddr,
    pub headers: &'a HeaderMap,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Allowed,
    Limited { policy: String, retry_after: Duration, monitor_only: bool },
}

#[derive(Debug, Clone)]
pub struct RateLimitDecision {
    pub outcome: Outcome,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

pub struct RateLimiter {
    policies: usize,
}

impl RateLimiter {
    pub fn new(
        policies: &[RateLimitPolicyConfig],
        _max_keys: usize,
    ) -> Result<RateLimiter, RateLimitConfigError> {
        Ok(RateLimiter { policies: policies.len() })
    }

    pub fn is_empty(&self) -> bool {
        self.policies == 0
    }

    pub fn check(&self, _request: &RateLimitRequest<'_>, _now: Instant) -> RateLimitDecision {
        RateLimitDecision { outcome: Outcome::Allowed, headers: Vec::new() }
    }

    pub fn tracked_keys(&self) -> usize {
        0
    }

    pub fn evicted_keys(&self) -> u64 {
        0
    }
}

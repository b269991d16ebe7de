//! The response fields of draft-ietf-httpapi-ratelimit-headers (structured-field form):
//!
//! ```text
//! RateLimit-Policy: "per-client:1s";q=10;w=1, "per-client:1h";q=1000;w=3600
//! RateLimit: "per-client:1s";r=0;t=1
//! ```
//!
//! `RateLimit-Policy` lists every limit of the policies that applied; `RateLimit` reports
//! the most constraining one: `r` requests left, `t` seconds until its whole quota is back.

use std::time::Duration;

use http::{HeaderName, HeaderValue};

use super::gcra::Limit;

pub(crate) fn ratelimit_policy_name() -> HeaderName {
    HeaderName::from_static("ratelimit-policy")
}

pub(crate) fn ratelimit_name() -> HeaderName {
    HeaderName::from_static("ratelimit")
}

/// `"name";q=10;w=1` for each limit, comma-separated.
pub(crate) fn policy_items(limits: &[Limit]) -> String {
    let items: Vec<String> = limits
        .iter()
        .map(|limit| format!("\"{}\";q={};w={}", limit.item_name, limit.quota, limit.window_seconds))
        .collect();
    items.join(", ")
}

/// Joins the items of several policies into one `RateLimit-Policy` value.
pub(crate) fn policy_field<'a>(items: impl Iterator<Item = &'a str>) -> Option<HeaderValue> {
    let joined: Vec<&str> = items.collect();
    HeaderValue::from_str(&joined.join(", ")).ok()
}

pub(crate) fn ratelimit_field(item_name: &str, remaining: u64, reset_seconds: u64) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!("\"{item_name}\";r={remaining};t={reset_seconds}")).ok()
}

/// `Retry-After` in whole seconds, rounded up, at least 1.
pub fn retry_after_seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

pub(crate) fn retry_after_field(wait: Duration) -> HeaderValue {
    HeaderValue::from(retry_after_seconds(wait))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_seconds(Duration::ZERO), 1);
        assert_eq!(retry_after_seconds(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_seconds(Duration::from_millis(1000)), 1);
        assert_eq!(retry_after_seconds(Duration::from_millis(1001)), 2);
        assert_eq!(retry_after_seconds(Duration::from_secs(2)), 2);
        assert_eq!(retry_after_seconds(Duration::from_millis(2001)), 3);
    }
}

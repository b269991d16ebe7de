//! Responses the gateway makes itself, as RFC 9457 problem details
//! (`application/problem+json`) carrying the request id, never the request's payload.

use bytes::Bytes;
use http::{HeaderValue, StatusCode};
use serde::Serialize;

/// One problem response.
#[derive(Debug, Serialize)]
pub struct Problem<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: &'a str,
    pub status: u16,
    pub detail: &'a str,
    pub request_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'a str>,
}

pub static PROBLEM_JSON: HeaderValue = HeaderValue::from_static("application/problem+json");

/// Problem types, one per thing the gateway can answer on its own.
pub mod kind {
    pub const NO_ROUTE: &str = "urn:apiwarden:problem:no-route";
    pub const UPSTREAM_UNAVAILABLE: &str = "urn:apiwarden:problem:upstream-unavailable";
    pub const UPSTREAM_TIMEOUT: &str = "urn:apiwarden:problem:upstream-timeout";
    pub const UPSTREAM_INVALID: &str = "urn:apiwarden:problem:upstream-invalid-response";
    pub const RATE_LIMITED: &str = "urn:apiwarden:problem:rate-limited";
    pub const REJECTED: &str = "urn:apiwarden:problem:rejected";
    pub const INCOMPLETE_REQUEST: &str = "urn:apiwarden:problem:incomplete-request";
    pub const REQUEST_TIMEOUT: &str = "urn:apiwarden:problem:request-timeout";
    pub const ATTACK_DETECTED: &str = "urn:apiwarden:problem:attack-detected";
}

impl Problem<'_> {
    pub fn body(&self) -> Bytes {
        // Serialising plain strings cannot fail; the fallback keeps the type honest.
        serde_json::to_vec(self).map(Bytes::from).unwrap_or_else(|_| Bytes::from_static(b"{}"))
    }
}

/// The problem type for a layer's rejection status.
pub fn kind_for_rejection(status: StatusCode) -> &'static str {
    match status {
        StatusCode::TOO_MANY_REQUESTS => kind::RATE_LIMITED,
        StatusCode::FORBIDDEN => kind::ATTACK_DETECTED,
        _ => kind::REJECTED,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_json_with_the_request_id() {
        let problem = Problem {
            kind: kind::UPSTREAM_TIMEOUT,
            title: "Gateway Timeout",
            status: 504,
            detail: "the upstream did not answer within 60 s",
            request_id: "abc",
            rule: None,
        };
        let json: serde_json::Value = serde_json::from_slice(&problem.body()).unwrap();
        assert_eq!(json["status"], 504);
        assert_eq!(json["request_id"], "abc");
        assert_eq!(json["type"], "urn:apiwarden:problem:upstream-timeout");
        assert!(json.get("rule").is_none());
    }
}

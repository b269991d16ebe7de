//! Checks that decide a call before it goes upstream, composed as a stack of layers.
//!
//! A [`Layer`] looks at the request head and says continue or reject. The stack asks each
//! layer in order; a rejection is enforced only when the route is in block mode and the
//! rule itself is not monitor-only, otherwise it is recorded (metric, log) and the call
//! goes on. Rate limiting is the first layer; attack detection and spec validation plug in
//! the same way.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use http::request::Parts;
use http::{HeaderName, HeaderValue, StatusCode};

use crate::body::BufferedPrefix;
use crate::config::Mode;
use crate::ratelimit::{Outcome, RateLimitRequest, RateLimiter, retry_after_seconds};

/// What a layer sees of a call.
pub struct RequestContext<'a> {
    pub request_id: &'a str,
    pub route: &'a str,
    /// `host[:port]` as the client addressed it, lowercase.
    pub authority: &'a str,
    pub head: &'a Parts,
    /// The request path as received, without the query.
    pub path: &'a str,
    pub client_ip: IpAddr,
    pub now: Instant,
    /// `http` or `https`, as the client connected.
    pub scheme: &'a str,
    /// The first bytes of the request body, read before the call goes upstream when a
    /// layer inspects bodies (`None`: no body, or no layer wants it).
    pub body: Option<&'a BufferedPrefix>,
}

/// A layer's refusal of a call.
#[derive(Debug)]
pub struct Rejection {
    pub status: StatusCode,
    /// Stable identifier of what refused it (rate-limit policy, detection rule id).
    pub rule: String,
    /// One-line problem title for the client.
    pub title: &'static str,
    /// Client-safe detail (never echoes the payload).
    pub detail: String,
    /// The rule's own mode, which wins over the route's; `None` follows the route.
    pub mode: Option<Mode>,
    /// Response fields that go with the rejection (`Retry-After`, ...).
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

pub enum Verdict {
    /// Go on; the fields are added to the response (e.g. `RateLimit`).
    Continue(Vec<(HeaderName, HeaderValue)>),
    Reject(Rejection),
}

pub trait Layer: Send + Sync {
    /// Short name for metrics and logs (`rate_limit`).
    fn name(&self) -> &'static str;
    fn check(&self, context: &RequestContext<'_>) -> Verdict;
    /// True when the layer inspects request bodies (the proxy then reads the first bytes
    /// of each body before the call goes upstream).
    fn wants_body(&self) -> bool {
        false
    }
}

/// The result of running the stack over a call.
pub struct StackOutcome {
    /// The enforced rejection, if any (the first one in stack order).
    pub rejected: Option<(&'static str, Rejection)>,
    /// Rejections recorded but not enforced (monitor mode), with their layer names.
    pub monitored: Vec<(&'static str, Rejection)>,
    /// Fields to add to the response.
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

#[derive(Clone, Default)]
pub struct LayerStack {
    layers: Vec<Arc<dyn Layer>>,
}

impl LayerStack {
    pub fn push(&mut self, layer: Arc<dyn Layer>) {
        self.layers.push(layer);
    }

    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }

    pub fn wants_body(&self) -> bool {
        self.layers.iter().any(|layer| layer.wants_body())
    }

    /// Runs the layers of one phase: those that look at the head only (`bodies` false;
    /// they run before any body byte is read, so a refused call costs no buffering), or
    /// those that inspect bodies.
    pub fn run(&self, context: &RequestContext<'_>, mode: Mode, bodies: bool) -> StackOutcome {
        let mut outcome = StackOutcome { rejected: None, monitored: Vec::new(), headers: Vec::new() };
        for layer in self.layers.iter().filter(|layer| layer.wants_body() == bodies) {
            match layer.check(context) {
                Verdict::Continue(headers) => outcome.headers.extend(headers),
                Verdict::Reject(rejection) => {
                    if rejection.mode.unwrap_or(mode) == Mode::Block {
                        outcome.rejected = Some((layer.name(), rejection));
                        // Later layers would only add work for a call that is refused.
                        break;
                    }
                    outcome.headers.extend(
                        rejection
                            .headers
                            .iter()
                            .filter(|(name, _)| name != http::header::RETRY_AFTER)
                            .cloned(),
                    );
                    outcome.monitored.push((layer.name(), rejection));
                }
            }
        }
        outcome
    }
}

/// GCRA rate limiting as a layer.
pub struct RateLimitLayer {
    limiter: Arc<RateLimiter>,
}

impl RateLimitLayer {
    pub fn new(limiter: Arc<RateLimiter>) -> RateLimitLayer {
        RateLimitLayer { limiter }
    }
}

impl Layer for RateLimitLayer {
    fn name(&self) -> &'static str {
        "rate_limit"
    }

    fn check(&self, context: &RequestContext<'_>) -> Verdict {
        let request = RateLimitRequest {
            route: context.route,
            method: &context.head.method,
            path: context.path,
            client_ip: context.client_ip,
            headers: &context.head.headers,
        };
        let decision = self.limiter.check(&request, context.now);
        match decision.outcome {
            Outcome::Allowed => Verdict::Continue(decision.headers),
            Outcome::Limited { policy, retry_after, monitor_only, explicitly_enforced } => {
                Verdict::Reject(Rejection {
                    status: StatusCode::TOO_MANY_REQUESTS,
                    mode: match (monitor_only, explicitly_enforced) {
                        (true, _) => Some(Mode::Monitor),
                        (false, true) => Some(Mode::Block),
                        (false, false) => None,
                    },
                    detail: format!(
                        "rate limit '{policy}' exceeded; retry in {} s",
                        retry_after_seconds(retry_after)
                    ),
                    rule: policy,
                    title: "Too Many Requests",
                    headers: decision.headers,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Always(Option<Mode>);
    impl Layer for Always {
        fn name(&self) -> &'static str {
            "always"
        }
        fn check(&self, _: &RequestContext<'_>) -> Verdict {
            Verdict::Reject(Rejection {
                status: StatusCode::FORBIDDEN,
                rule: "r1".into(),
                title: "Forbidden",
                detail: String::new(),
                mode: self.0,
                headers: vec![(HeaderName::from_static("x-why"), HeaderValue::from_static("r1"))],
            })
        }
    }

    fn run(stack: &LayerStack, mode: Mode) -> StackOutcome {
        let (head, _) = http::Request::new(()).into_parts();
        let context = RequestContext {
            request_id: "1",
            route: "r",
            authority: "api.test",
            head: &head,
            path: "/",
            client_ip: [127, 0, 0, 1].into(),
            now: Instant::now(),
            scheme: "http",
            body: None,
        };
        stack.run(&context, mode, false)
    }

    #[test]
    fn block_mode_enforces_and_monitor_mode_records() {
        let mut stack = LayerStack::default();
        stack.push(Arc::new(Always(None)));
        let blocked = run(&stack, Mode::Block);
        assert_eq!(blocked.rejected.map(|(_, r)| r.rule), Some("r1".to_owned()));
        let monitored = run(&stack, Mode::Monitor);
        assert!(monitored.rejected.is_none());
        assert_eq!(monitored.monitored.len(), 1);
        assert_eq!(monitored.headers.len(), 1);
    }

    #[test]
    fn a_rule_with_its_own_mode_wins_over_the_route() {
        let mut stack = LayerStack::default();
        stack.push(Arc::new(Always(Some(Mode::Monitor))));
        let outcome = run(&stack, Mode::Block);
        assert!(outcome.rejected.is_none());
        assert_eq!(outcome.monitored.len(), 1);

        let mut stack = LayerStack::default();
        stack.push(Arc::new(Always(Some(Mode::Block))));
        assert!(run(&stack, Mode::Monitor).rejected.is_some());
    }
}

//! Rate limiting: GCRA per key, several limits per policy, several policies per request.
//!
//! A request is admitted only if every limit of every policy that applies to it admits it,
//! and only then does any limit's state move. Independent limiters (e.g. one `governor`
//! limiter per limit) would spend a unit of the 10/s limit on a request that the 1000/h
//! limit then refuses; here a refused request costs nothing. To keep that decision atomic
//! across keys, a check locks every shard it touches (in a fixed order) for the duration.
//!
//! Monitor policies are evaluated the same way and track exactly what they would track if
//! enforced: a request they would refuse does not move their state (nor does it move
//! anything when an enforcing policy refuses it). Their refusals are reported with
//! `monitor_only`, and they add no response fields, so clients do not see them.
//!
//! docs/rate-limiting.md is the user's reference.

mod config;
mod gcra;
mod headers;
mod keys;
mod policy;
mod scope;
mod store;
#[cfg(test)]
mod tests;

use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::net::IpAddr;
use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderName, HeaderValue, Method};

pub use config::{
    LimitConfig, MAX_POLICY_NAME_LEN, OnMissing, PolicyMode, RateLimitConfigError, RateLimitPolicyConfig,
};
pub use gcra::{Rate, parse_rate};
pub use headers::retry_after_seconds;
pub use keys::MAX_JWT_BYTES;
pub use store::MAX_LIMITS as MAX_LIMITS_PER_POLICY;

use gcra::{Clock, Conformance};
use policy::Policy;
use store::{Store, Tats};

/// What the limiter needs to know about a request.
pub struct RateLimitRequest<'a> {
    /// Name of the gateway route that matched.
    pub route: &'a str,
    pub method: &'a Method,
    /// The path as received; a query, if present, is ignored.
    pub path: &'a str,
    pub client_ip: IpAddr,
    pub headers: &'a HeaderMap,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Allowed,
    /// A policy refused the request. `monitor_only` is true when only policies with
    /// `mode = "monitor"` refused it; an enforcing refusal is reported in preference.
    /// `explicitly_enforced`: the reported policy says `mode = "enforce"`, which wins over
    /// a route in monitor mode.
    Limited {
        policy: String,
        retry_after: Duration,
        monitor_only: bool,
        explicitly_enforced: bool,
    },
}

#[derive(Debug, Clone)]
pub struct RateLimitDecision {
    pub outcome: Outcome,
    /// `RateLimit-Policy` and `RateLimit` for the applicable non-monitor policies, plus
    /// `Retry-After` when an enforcing policy refused.
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

/// All configured policies and their state. Shared by every connection (`Send + Sync`).
pub struct RateLimiter {
    policies: Vec<Policy>,
    store: Store,
    clock: Clock,
    needs_path: bool,
}

impl fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.policies.iter().map(|policy| policy.name.as_str()).collect();
        f.debug_struct("RateLimiter").field("policies", &names).finish_non_exhaustive()
    }
}

impl RateLimiter {
    /// Validates `policies` (the first problem is the error) and holds at most `max_keys`
    /// keys in memory.
    pub fn new(
        policies: &[RateLimitPolicyConfig],
        max_keys: usize,
    ) -> Result<RateLimiter, RateLimitConfigError> {
        // A per-limiter secret, so that no one can aim keys at a shard or at another key.
        let secret = RandomState::new().hash_one(0x5eed_u64);
        let policies = config::compile(policies, secret)?;
        Ok(RateLimiter {
            needs_path: policies.iter().any(Policy::needs_path),
            policies,
            store: Store::new(max_keys),
            clock: Clock::new(),
        })
    }

    /// No policies configured.
    pub fn is_empty(&self) -> bool {
        self.policies.is_empty()
    }

    /// The explicit mode of a policy (`None` when it inherits the route's mode, or when no
    /// policy has that name).
    pub fn policy_mode(&self, policy: &str) -> Option<PolicyMode> {
        self.policies.iter().find(|candidate| candidate.name == policy).and_then(|found| found.mode)
    }

    /// Decides a request at time `now`, and counts it when admitted.
    pub fn check(&self, request: &RateLimitRequest<'_>, now: Instant) -> RateLimitDecision {
        let now = self.clock.nanos(now);
        let mut applicable = self.applicable(request);
        if applicable.is_empty() {
            return RateLimitDecision { outcome: Outcome::Allowed, headers: Vec::new() };
        }
        let verdict = self.decide_and_commit(&mut applicable, now);
        self.store.after_check(now);
        let outcome = verdict.outcome(&applicable);
        let headers = response_headers(&applicable, &outcome, now);
        RateLimitDecision { outcome, headers }
    }

    /// Keys held in memory, for a gauge.
    pub fn tracked_keys(&self) -> usize {
        self.store.tracked()
    }

    /// Keys dropped while they were still limiting a client, to stay within `max_keys`.
    pub fn evicted_keys(&self) -> u64 {
        self.store.evicted()
    }

    fn applicable<'p>(&'p self, request: &RateLimitRequest<'_>) -> Vec<Applicable<'p>> {
        let segments = if self.needs_path { scope::path_segments(request.path) } else { Vec::new() };
        self.policies
            .iter()
            .filter_map(|policy| {
                let key = policy.state_key(request, &segments)?;
                Some(Applicable::new(policy, key, self.store.shard_of(key)))
            })
            .collect()
    }

    fn decide_and_commit(&self, applicable: &mut [Applicable<'_>], now: u64) -> Verdict {
        let shards = applicable.iter().fold(0u64, |mask, entry| mask | 1u64 << entry.shard);
        let mut locked = self.store.lock(shards);
        for entry in applicable.iter_mut() {
            entry.evaluate(locked.get(entry.shard, entry.key), now);
        }
        let verdict = Verdict::of(applicable);
        for entry in applicable.iter_mut() {
            entry.committed = verdict.commits(entry);
            if entry.committed {
                locked.put(entry.shard, entry.key, entry.next, now);
            }
        }
        verdict
    }
}

/// One policy that applies to the request, with its key and what its limits say.
struct Applicable<'p> {
    policy: &'p Policy,
    key: u128,
    shard: usize,
    /// TATs before this request.
    stored: Tats,
    /// TATs if this request is admitted.
    next: Tats,
    /// Longest wait among the limits that refuse; `None` when all admit.
    wait: Option<u64>,
    committed: bool,
}

impl<'p> Applicable<'p> {
    fn new(policy: &'p Policy, key: u128, shard: usize) -> Applicable<'p> {
        Applicable {
            policy,
            key,
            shard,
            stored: Tats::default(),
            next: Tats::default(),
            wait: None,
            committed: false,
        }
    }

    fn evaluate(&mut self, stored: Tats, now: u64) {
        self.stored = stored;
        self.next = stored;
        for ((limit, tat), next) in self.policy.limits.iter().zip(stored).zip(self.next.iter_mut()) {
            match limit.evaluate(tat, now) {
                Conformance::Conforms { next_tat } => *next = next_tat,
                Conformance::Exceeds { wait } => self.wait = Some(self.wait.unwrap_or(0).max(wait)),
            }
        }
    }

    fn admits(&self) -> bool {
        self.wait.is_none()
    }

    fn is_monitor(&self) -> bool {
        self.policy.is_monitor()
    }

    /// The TATs after this check.
    fn current(&self) -> Tats {
        if self.committed { self.next } else { self.stored }
    }
}

/// Whether the enforcing and the monitor policies admit the request.
#[derive(Clone, Copy, Debug)]
struct Verdict {
    enforcing_admit: bool,
    monitors_admit: bool,
}

impl Verdict {
    fn of(applicable: &[Applicable<'_>]) -> Verdict {
        let admit =
            |monitor: bool| applicable.iter().filter(|e| e.is_monitor() == monitor).all(Applicable::admits);
        Verdict { enforcing_admit: admit(false), monitors_admit: admit(true) }
    }

    /// Enforcing policies count what is admitted; monitor policies count what would be
    /// admitted if they were enforcing too.
    fn commits(&self, entry: &Applicable<'_>) -> bool {
        self.enforcing_admit && (self.monitors_admit || !entry.is_monitor())
    }

    fn outcome(&self, applicable: &[Applicable<'_>]) -> Outcome {
        if !self.enforcing_admit {
            return limited(applicable, false);
        }
        if !self.monitors_admit {
            return limited(applicable, true);
        }
        Outcome::Allowed
    }
}

/// The refusal by the monitor policies (`monitors`) or by the others: the refusing policy
/// with the longest wait is reported (an explicitly enforcing one first, so that a caller on
/// a monitor route still sees it), with the wait until all of them admit.
fn limited(applicable: &[Applicable<'_>], monitors: bool) -> Outcome {
    let refusing = || {
        applicable
            .iter()
            .filter(move |entry| entry.is_monitor() == monitors)
            .filter_map(|entry| Some((entry.policy, entry.wait?)))
    };
    let longest_wait = refusing().map(|(_, wait)| wait).max();
    let reported = refusing().max_by_key(|(policy, wait)| (policy.is_explicitly_enforced(), *wait));
    match (reported, longest_wait) {
        (Some((policy, _)), Some(wait)) => Outcome::Limited {
            policy: policy.name.clone(),
            retry_after: Duration::from_nanos(wait),
            monitor_only: monitors,
            explicitly_enforced: policy.is_explicitly_enforced(),
        },
        _ => Outcome::Allowed,
    }
}

fn response_headers(
    applicable: &[Applicable<'_>],
    outcome: &Outcome,
    now: u64,
) -> Vec<(HeaderName, HeaderValue)> {
    let visible = || applicable.iter().filter(|entry| !entry.is_monitor());
    let mut fields = Vec::new();
    if let Some(value) = policy_field(visible()) {
        fields.reserve_exact(3);
        fields.push((headers::ratelimit_policy_name(), value));
    }
    if let Some(value) = most_constraining(visible(), now) {
        fields.push((headers::ratelimit_name(), value));
    }
    if let Outcome::Limited { retry_after, monitor_only: false, .. } = outcome {
        fields.push((http::header::RETRY_AFTER, headers::retry_after_field(*retry_after)));
    }
    fields
}

/// The policies' `RateLimit-Policy` items; `None` when no visible policy applied.
fn policy_field<'a, 'p: 'a>(mut visible: impl Iterator<Item = &'a Applicable<'p>>) -> Option<HeaderValue> {
    let first = visible.next()?;
    match visible.next() {
        None => first.policy.header_field.clone(),
        Some(second) => {
            let rest = visible.map(|entry| entry.policy.header_items.as_str());
            headers::policy_field(
                [first, second].into_iter().map(|e| e.policy.header_items.as_str()).chain(rest),
            )
        }
    }
}

/// The `RateLimit` value of the limit with the fewest requests left (on a tie, the one
/// that takes longest to recover).
fn most_constraining<'a, 'p: 'a>(
    visible: impl Iterator<Item = &'a Applicable<'p>>,
    now: u64,
) -> Option<HeaderValue> {
    let mut best: Option<(u64, u64, &str)> = None;
    for entry in visible {
        for (limit, tat) in entry.policy.limits.iter().zip(entry.current()) {
            let remaining = limit.remaining(tat, now);
            let reset = limit.reset_seconds(tat, now);
            if best.is_none_or(|(fewest, longest, _)| {
                (remaining, std::cmp::Reverse(reset)) < (fewest, std::cmp::Reverse(longest))
            }) {
                best = Some((remaining, reset, limit.item_name.as_str()));
            }
        }
    }
    let (remaining, reset, name) = best?;
    headers::ratelimit_field(name, remaining, reset)
}

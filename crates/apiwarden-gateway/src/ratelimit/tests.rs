//! Behaviour of the whole limiter, driven by a manual clock.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine as _;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde::Deserialize;

use super::store::SWEEP_EVERY;
use super::*;

const MS: Duration = Duration::from_millis(1);
const SECOND: Duration = Duration::from_secs(1);

#[derive(Deserialize)]
struct File {
    gateway: Gateway,
}

#[derive(Deserialize)]
struct Gateway {
    rate_limits: Vec<RateLimitPolicyConfig>,
}

fn parse(text: &str) -> Result<Vec<RateLimitPolicyConfig>, toml::de::Error> {
    toml::from_str::<File>(text).map(|file| file.gateway.rate_limits)
}

fn limiter(text: &str) -> RateLimiter {
    RateLimiter::new(&parse(text).unwrap(), 10_000).unwrap()
}

fn config_error(text: &str) -> String {
    RateLimiter::new(&parse(text).unwrap(), 10).unwrap_err().to_string()
}

/// One policy keyed by client address.
fn single(limits: &str) -> RateLimiter {
    limiter(&format!("[[gateway.rate_limits]]\nname = \"per-client\"\nlimits = {limits}\n"))
}

/// A request, with the defaults `GET /` on route `api` from 192.0.2.1.
#[derive(Clone)]
struct Call {
    route: &'static str,
    method: Method,
    path: String,
    ip: IpAddr,
    headers: HeaderMap,
}

impl Call {
    fn new() -> Call {
        Call {
            route: "api",
            method: Method::GET,
            path: "/".into(),
            ip: [192, 0, 2, 1].into(),
            headers: HeaderMap::new(),
        }
    }

    fn ip(mut self, ip: &str) -> Call {
        self.ip = ip.parse().unwrap();
        self
    }

    fn header(mut self, name: &'static str, value: &str) -> Call {
        self.headers.append(HeaderName::from_static(name), HeaderValue::from_str(value).unwrap());
        self
    }

    fn to(mut self, route: &'static str, method: Method, path: &str) -> Call {
        self.route = route;
        self.method = method;
        self.path = path.into();
        self
    }

    fn check(&self, limiter: &RateLimiter, at: Instant) -> RateLimitDecision {
        let request = RateLimitRequest {
            route: self.route,
            method: &self.method,
            path: &self.path,
            client_ip: self.ip,
            headers: &self.headers,
        };
        limiter.check(&request, at)
    }

    fn allowed(&self, limiter: &RateLimiter, at: Instant) -> bool {
        self.check(limiter, at).outcome == Outcome::Allowed
    }

    /// How many of `count` requests at `at` are admitted.
    fn admitted(&self, limiter: &RateLimiter, at: Instant, count: usize) -> usize {
        (0..count).filter(|_| self.allowed(limiter, at)).count()
    }
}

fn field<'d>(decision: &'d RateLimitDecision, name: &str) -> Option<&'d str> {
    decision.headers.iter().find(|(key, _)| key == name).and_then(|(_, value)| value.to_str().ok())
}

fn limited_by(decision: &RateLimitDecision) -> Option<(&str, Duration, bool)> {
    match &decision.outcome {
        Outcome::Allowed => None,
        Outcome::Limited { policy, retry_after, monitor_only, .. } => {
            Some((policy, *retry_after, *monitor_only))
        }
    }
}

fn bearer(claims: &str, signature: &str) -> String {
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims);
    format!("Bearer eyJhbGciOiJSUzI1NiJ9.{payload}.{signature}")
}

// --- GCRA exactness -------------------------------------------------------------------

#[test]
fn a_fresh_key_gets_exactly_its_burst_then_one_request_per_interval() {
    for (limits, burst) in [(r#"["10/s"]"#, 10), (r#"[{ rate = "10/s", burst = 3 }]"#, 3)] {
        let limiter = single(limits);
        let call = Call::new();
        let t0 = Instant::now();
        assert_eq!(call.admitted(&limiter, t0, 50), burst, "{limits}");
        for step in 1..=30 {
            let tick = t0 + 100 * MS * step;
            assert!(!call.allowed(&limiter, tick - Duration::from_nanos(1)), "{limits} early at {step}");
            assert_eq!(call.admitted(&limiter, tick, 5), 1, "{limits} at {step}");
        }
    }
}

#[test]
fn a_refusal_says_when_to_retry() {
    let limiter = single(r#"["10/s"]"#);
    let call = Call::new();
    let t0 = Instant::now();
    call.admitted(&limiter, t0, 10);
    let refused = call.check(&limiter, t0 + 30 * MS);
    assert_eq!(limited_by(&refused), Some(("per-client", 70 * MS, false)));
    assert_eq!(field(&refused, "retry-after"), Some("1"));
    assert_eq!(field(&refused, "ratelimit"), Some("\"per-client\";r=0;t=1"));

    let slow = single(r#"["1/h"]"#);
    assert!(call.allowed(&slow, t0));
    let refused = call.check(&slow, t0 + 600 * SECOND);
    assert_eq!(limited_by(&refused), Some(("per-client", 3000 * SECOND, false)));
    assert_eq!(field(&refused, "retry-after"), Some("3000"));
}

#[test]
fn headers_give_the_quota_the_remaining_requests_and_the_reset() {
    let limiter = single(r#"["10/s"]"#);
    let call = Call::new();
    let t0 = Instant::now();
    for sent in 1..=10 {
        let decision = call.check(&limiter, t0);
        assert_eq!(field(&decision, "ratelimit-policy"), Some("\"per-client\";q=10;w=1"));
        assert_eq!(
            field(&decision, "ratelimit"),
            Some(format!("\"per-client\";r={};t=1", 10 - sent).as_str())
        );
        assert_eq!(field(&decision, "retry-after"), None);
    }
    // After 250 ms two and a half units came back: two whole requests.
    let later = call.check(&limiter, t0 + 250 * MS);
    assert_eq!(field(&later, "ratelimit"), Some("\"per-client\";r=1;t=1"));

    let hourly = single(r#"["1000/h"]"#);
    let first = call.check(&hourly, t0);
    // One request is 3.6 s of the hour's quota, rounded up.
    assert_eq!(field(&first, "ratelimit"), Some("\"per-client\";r=999;t=4"));
    assert_eq!(field(&first, "ratelimit-policy"), Some("\"per-client\";q=1000;w=3600"));
}

// --- Several limits and policies ------------------------------------------------------

#[test]
fn a_request_refused_by_one_limit_costs_nothing_in_the_others() {
    let limiter = single(r#"["2/s", "3/m"]"#);
    let call = Call::new();
    let t0 = Instant::now();
    assert_eq!(call.admitted(&limiter, t0, 5), 2);
    assert_eq!(call.admitted(&limiter, t0 + SECOND, 5), 1);
    // The minute's quota is spent; hammer for 19 s: every request is refused by it.
    for millis in (1100..20_000).step_by(50) {
        let refused = call.check(&limiter, t0 + MS * millis);
        assert_eq!(limited_by(&refused).map(|(policy, ..)| policy), Some("per-client"));
    }
    // The per-second limit kept its full burst through all those refusals.
    let at = t0 + 20 * SECOND;
    let decision = call.check(&limiter, at);
    assert_eq!(decision.outcome, Outcome::Allowed);
    assert_eq!(field(&decision, "ratelimit"), Some("\"per-client:1m\";r=0;t=60"));
    assert_eq!(
        field(&decision, "ratelimit-policy"),
        Some("\"per-client:1s\";q=2;w=1, \"per-client:1m\";q=3;w=60")
    );
    let refused = call.check(&limiter, at);
    assert_eq!(limited_by(&refused), Some(("per-client", 20 * SECOND, false)));
}

#[test]
fn a_request_refused_by_one_policy_costs_nothing_in_the_others() {
    let limiter = limiter(
        r#"
        [[gateway.rate_limits]]
        name = "per-client"
        limits = ["5/s"]

        [[gateway.rate_limits]]
        name = "login"
        endpoints = ["POST /login"]
        limits = ["1/s"]
        "#,
    );
    let login = Call::new().to("api", Method::POST, "/login");
    let other = Call::new();
    let t0 = Instant::now();
    assert!(login.allowed(&limiter, t0));
    let refused = login.check(&limiter, t0);
    assert_eq!(limited_by(&refused).map(|(policy, ..)| policy), Some("login"));
    assert_eq!(
        field(&refused, "ratelimit-policy"),
        Some("\"per-client\";q=5;w=1, \"login\";q=1;w=1"),
        "both policies applied"
    );
    // Refused logins did not spend the per-client quota: 4 of 5 are left.
    for _ in 0..10 {
        login.check(&limiter, t0);
    }
    assert_eq!(other.admitted(&limiter, t0, 10), 4);
}

// --- Concurrency ----------------------------------------------------------------------

/// The product's requirement: the configured rate is admitted within 1 % under 8 concurrent
/// clients. Real threads contend on one key; time is simulated (each call takes the next
/// tick of a shared counter), so the expected count is exact and the test cannot flake.
#[test]
fn eight_threads_on_one_key_get_the_configured_rate_within_one_percent() {
    const THREADS: usize = 8;
    const CALLS: u64 = 100_000;
    const TICK: Duration = Duration::from_micros(100);
    let limiter = single(r#"["1000/s"]"#);
    let t0 = Instant::now();
    let ticks = AtomicU64::new(0);
    let admitted = AtomicU64::new(0);
    thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| {
                let call = Call::new();
                loop {
                    let tick = ticks.fetch_add(1, Ordering::Relaxed);
                    if tick >= CALLS {
                        break;
                    }
                    let now = t0 + TICK * u32::try_from(tick).unwrap();
                    if call.allowed(&limiter, now) {
                        admitted.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    let elapsed = TICK * u32::try_from(CALLS - 1).unwrap();
    let expected = 1000.0 + 1000.0 * elapsed.as_secs_f64();
    let admitted = admitted.load(Ordering::Relaxed) as f64;
    assert!((admitted - expected).abs() <= expected * 0.01, "admitted {admitted}, expected {expected}");
    // GCRA never admits more than burst + rate * elapsed.
    assert!(admitted <= expected + 1.0, "admitted {admitted}, expected {expected}");
}

/// The same with the real clock: the bound is computed from the instants actually used, so
/// a slow machine only changes the numbers, never the verdict.
#[test]
fn eight_threads_on_the_real_clock_never_exceed_the_gcra_bound() {
    const THREADS: usize = 8;
    const CALLS_PER_THREAD: usize = 2_000;
    let limiter = single(r#"[{ rate = "2000/s", burst = 50 }]"#);
    let first = Instant::now();
    let admitted = AtomicU64::new(0);
    let last = thread::scope(|scope| {
        let workers: Vec<_> = (0..THREADS)
            .map(|_| {
                scope.spawn(|| {
                    let call = Call::new();
                    let mut latest = first;
                    for _ in 0..CALLS_PER_THREAD {
                        latest = Instant::now();
                        if call.allowed(&limiter, latest) {
                            admitted.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    latest
                })
            })
            .collect();
        workers.into_iter().map(|worker| worker.join().unwrap()).max().unwrap()
    });
    let span = last.duration_since(first).as_secs_f64();
    let admitted = admitted.load(Ordering::Relaxed) as f64;
    assert!(admitted <= 50.0 + 2000.0 * span + 1.0, "admitted {admitted} in {span} s");
    assert!(admitted >= 50.0, "the first burst is always admitted, got {admitted}");
}

#[test]
fn the_limiter_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<RateLimiter>();
}

// --- Memory bound ---------------------------------------------------------------------

/// Two threads send one request each from 1,000,000 distinct addresses, one microsecond
/// apart, against a 10/s policy: every key stays live for 100 ms, so the cap is hit hard.
#[test]
fn a_flood_of_distinct_clients_stays_within_max_keys_and_is_swept_afterwards() {
    const CLIENTS: u32 = 1_000_000;
    const THREADS: u32 = 2;
    let policies = parse("[[gateway.rate_limits]]\nname = \"per-client\"\nlimits = [\"10/s\"]\n").unwrap();
    let limiter = RateLimiter::new(&policies, 10_000).unwrap();
    let t0 = Instant::now();
    thread::scope(|scope| {
        for first in 0..THREADS {
            let limiter = &limiter;
            scope.spawn(move || {
                let mut call = Call::new();
                for n in (first..CLIENTS).step_by(THREADS as usize) {
                    call.ip = IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + n));
                    call.check(limiter, t0 + Duration::from_micros(u64::from(n)));
                    if n % 10_000 < THREADS {
                        assert!(
                            limiter.tracked_keys() <= 10_000,
                            "{} keys after {n}",
                            limiter.tracked_keys()
                        );
                    }
                }
            });
        }
    });
    assert!(limiter.tracked_keys() <= 10_000);
    // 100k new keys arrive in each key's 100 ms lifetime: some had to go while still live.
    assert!(limiter.evicted_keys() > 0);
    // Once every key is idle, a round of sweeps over all shards frees them.
    let later = t0 + 10 * SECOND;
    let regular = Call::new();
    for _ in 0..SWEEP_EVERY * limiter.store.shard_count() as u64 {
        regular.check(&limiter, later);
    }
    assert!(limiter.tracked_keys() <= 1, "{} keys left", limiter.tracked_keys());
}

#[test]
fn a_flood_does_not_free_a_client_that_is_being_limited() {
    let policies = parse("[[gateway.rate_limits]]\nname = \"per-client\"\nlimits = [\"5/h\"]\n").unwrap();
    let limiter = RateLimiter::new(&policies, 1_000).unwrap();
    let abuser = Call::new().ip("198.51.100.9");
    let t0 = Instant::now();
    assert_eq!(abuser.admitted(&limiter, t0, 10), 5);
    let mut call = Call::new();
    for n in 0..50_000u32 {
        call.ip = IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + n));
        call.check(&limiter, t0 + Duration::from_micros(u64::from(n)));
    }
    assert!(limiter.evicted_keys() > 0);
    assert!(!abuser.allowed(&limiter, t0 + SECOND));
}

// --- Keys -----------------------------------------------------------------------------

#[test]
fn api_keys_are_read_from_the_usual_headers_and_counted_apart() {
    let limiter =
        limiter("[[gateway.rate_limits]]\nname = \"per-key\"\nkey = \"api_key\"\nlimits = [\"1/m\"]\n");
    let t0 = Instant::now();
    assert!(Call::new().header("x-api-key", "alpha").allowed(&limiter, t0));
    assert!(!Call::new().header("api-key", "alpha").allowed(&limiter, t0));
    assert!(!Call::new().ip("203.0.113.5").header("apikey", "alpha").allowed(&limiter, t0));
    assert!(Call::new().header("x-api-key", "beta").allowed(&limiter, t0));
    // x-api-key is looked at first.
    assert!(!Call::new().header("apikey", "gamma").header("x-api-key", "beta").allowed(&limiter, t0));
}

#[test]
fn a_request_without_the_key_falls_back_to_the_client_address() {
    let limiter =
        limiter("[[gateway.rate_limits]]\nname = \"per-key\"\nkey = \"api_key\"\nlimits = [\"1/m\"]\n");
    let t0 = Instant::now();
    let anonymous = Call::new().ip("198.51.100.1");
    assert!(anonymous.allowed(&limiter, t0));
    assert!(!anonymous.allowed(&limiter, t0), "leaving the key out is no way around the limit");
    assert!(Call::new().ip("198.51.100.2").allowed(&limiter, t0));
    assert!(Call::new().ip("198.51.100.1").header("x-api-key", "own-key").allowed(&limiter, t0));
    // A key whose bytes equal an address does not share that address's state.
    assert!(Call::new().ip("65.66.67.68").allowed(&limiter, t0));
    assert!(Call::new().header("x-api-key", "ABCD").allowed(&limiter, t0));
}

#[test]
fn on_missing_skip_leaves_keyless_requests_alone() {
    let limiter = limiter(
        "[[gateway.rate_limits]]\nname = \"tenant\"\nkey = \"header:X-Tenant-Id\"\non_missing = \"skip\"\nlimits = [\"1/m\"]\n",
    );
    let t0 = Instant::now();
    let keyless = Call::new();
    for _ in 0..5 {
        let decision = keyless.check(&limiter, t0);
        assert_eq!(decision.outcome, Outcome::Allowed);
        assert!(decision.headers.is_empty(), "the policy did not apply");
    }
    let tenant = Call::new().header("x-tenant-id", "acme");
    assert!(tenant.allowed(&limiter, t0));
    assert!(!tenant.allowed(&limiter, t0));
    assert!(Call::new().header("x-tenant-id", "globex").allowed(&limiter, t0));
    assert!(keyless.header("x-tenant-id", "").allowed(&limiter, t0), "an empty value is no key");
}

#[test]
fn jwt_subjects_count_per_subject_and_bad_tokens_fall_back_to_the_address() {
    let limiter =
        limiter("[[gateway.rate_limits]]\nname = \"per-user\"\nkey = \"jwt_sub\"\nlimits = [\"1/m\"]\n");
    let t0 = Instant::now();
    let alice = |signature| {
        Call::new().ip("203.0.113.1").header("authorization", &bearer(r#"{"sub":"alice"}"#, signature))
    };
    assert!(alice("c2lnMQ").allowed(&limiter, t0));
    // Not verified: any token naming the same subject shares its state.
    assert!(!alice("c2lnMg").ip("203.0.113.2").allowed(&limiter, t0));
    let bob = Call::new().ip("203.0.113.1").header("authorization", &bearer(r#"{"sub":"bob"}"#, "x"));
    assert!(bob.allowed(&limiter, t0));

    let malformed = Call::new().ip("203.0.113.9").header("authorization", "Bearer not.a-jwt");
    assert!(malformed.allowed(&limiter, t0));
    assert!(!Call::new().ip("203.0.113.9").allowed(&limiter, t0), "malformed token counted by address");

    let padding = "p".repeat(MAX_JWT_BYTES);
    let oversize = bearer(&format!(r#"{{"sub":"carol","pad":"{padding}"}}"#), "x");
    let huge = Call::new().ip("203.0.113.10").header("authorization", &oversize);
    assert!(huge.allowed(&limiter, t0));
    let carol = Call::new().ip("203.0.113.11").header("authorization", &bearer(r#"{"sub":"carol"}"#, "x"));
    assert!(carol.allowed(&limiter, t0), "the oversize token did not count for its subject");
    assert!(!Call::new().ip("203.0.113.10").allowed(&limiter, t0), "oversize token counted by address");
}

#[test]
fn ipv6_clients_are_counted_by_their_64_prefix() {
    let limiter = single(r#"["1/m"]"#);
    let t0 = Instant::now();
    assert!(Call::new().ip("2001:db8:0:1::1").allowed(&limiter, t0));
    assert!(!Call::new().ip("2001:db8:0:1::2").allowed(&limiter, t0));
    assert!(Call::new().ip("2001:db8:0:2::1").allowed(&limiter, t0));
    assert!(Call::new().ip("192.0.2.77").allowed(&limiter, t0));
    assert!(!Call::new().ip("::ffff:192.0.2.77").allowed(&limiter, t0));
}

// --- Scope ----------------------------------------------------------------------------

#[test]
fn a_policy_applies_only_where_its_scope_matches() {
    let limiter = limiter(
        r#"
        [[gateway.rate_limits]]
        name = "orders"
        routes = ["api"]
        methods = ["post", "PUT"]
        endpoints = ["/users/{id}/orders", "DELETE /admin/*"]
        limits = ["1/m"]
        "#,
    );
    let t0 = Instant::now();
    let applies = |route, method, path: &str| {
        let call = Call::new().to(route, method, path);
        !call.check(&limiter, t0).headers.is_empty()
    };
    assert!(applies("api", Method::POST, "/users/42/orders"));
    assert!(applies("api", Method::PUT, "/users/7/orders?page=2"));
    assert!(!applies("web", Method::POST, "/users/42/orders"));
    assert!(!applies("api", Method::GET, "/users/42/orders"));
    assert!(!applies("api", Method::POST, "/users//orders"));
    assert!(!applies("api", Method::POST, "/users/42/orders/9"));
    // DELETE is not among the methods, so the admin endpoint never applies.
    assert!(!applies("api", Method::DELETE, "/admin/x"));
    assert!(!applies("api", Method::POST, "/admin/x"));
}

// --- Modes ----------------------------------------------------------------------------

#[test]
fn a_monitor_policy_reports_what_enforcing_would_do_and_stays_invisible() {
    let limiter =
        limiter("[[gateway.rate_limits]]\nname = \"trial\"\nmode = \"monitor\"\nlimits = [\"1/s\"]\n");
    let call = Call::new();
    let t0 = Instant::now();
    let first = call.check(&limiter, t0);
    assert_eq!(first.outcome, Outcome::Allowed);
    assert!(first.headers.is_empty());
    for millis in [0, 300, 999] {
        let refused = call.check(&limiter, t0 + MS * millis);
        assert_eq!(limited_by(&refused), Some(("trial", MS * (1000 - millis), true)));
        assert!(refused.headers.is_empty(), "no Retry-After nor RateLimit for a monitor policy");
    }
    // The would-be refusals did not count: exactly as in enforce mode.
    assert!(call.allowed(&limiter, t0 + SECOND));
}

#[test]
fn an_enforcing_refusal_is_reported_before_a_monitor_one() {
    let limiter = limiter(
        r#"
        [[gateway.rate_limits]]
        name = "trial"
        mode = "monitor"
        limits = ["1/s"]

        [[gateway.rate_limits]]
        name = "enforced"
        limits = ["2/s"]
        "#,
    );
    let call = Call::new();
    let t0 = Instant::now();
    assert!(call.allowed(&limiter, t0));
    // Only the monitor policy refuses: the request goes on and the enforcing policy counts it.
    let second = call.check(&limiter, t0);
    assert_eq!(limited_by(&second), Some(("trial", SECOND, true)));
    assert_eq!(field(&second, "ratelimit"), Some("\"enforced\";r=0;t=1"));
    assert_eq!(field(&second, "ratelimit-policy"), Some("\"enforced\";q=2;w=1"));
    assert_eq!(field(&second, "retry-after"), None);
    // Both refuse: the enforcing one is reported.
    let third = call.check(&limiter, t0 + 100 * MS);
    assert_eq!(limited_by(&third), Some(("enforced", 400 * MS, false)));
    assert_eq!(field(&third, "retry-after"), Some("1"));
    // The monitor policy's state moved only once, so it admits again after one second.
    assert_eq!(call.admitted(&limiter, t0 + SECOND, 3), 1);
}

#[test]
fn explicitly_enforcing_policies_are_reported_before_inheriting_ones() {
    let limiter = limiter(
        r#"
        [[gateway.rate_limits]]
        name = "inherits"
        limits = ["1/h"]

        [[gateway.rate_limits]]
        name = "always"
        mode = "enforce"
        limits = ["1/s"]
        "#,
    );
    let call = Call::new();
    let t0 = Instant::now();
    assert!(call.allowed(&limiter, t0));
    let refused = call.check(&limiter, t0);
    // "inherits" waits longer, but a monitor route must still see "always" to enforce it.
    assert_eq!(limited_by(&refused), Some(("always", 3600 * SECOND, false)));
    assert_eq!(limiter.policy_mode("always"), Some(PolicyMode::Enforce));
    assert_eq!(limiter.policy_mode("inherits"), None);
    assert_eq!(limiter.policy_mode("unknown"), None);
}

// --- Configuration --------------------------------------------------------------------

/// The example of docs/rate-limiting.md.
const DOCUMENTED_POLICIES: &str = r#"
[[gateway.rate_limits]]
name = "per-client"
limits = ["20/s", "5000/h"]

[[gateway.rate_limits]]
name = "login"
endpoints = ["POST /login", "POST /users/{id}/password"]
limits = [{ rate = "5/m", burst = 3 }]

[[gateway.rate_limits]]
name = "per-tenant"
key = "header:X-Tenant-Id"
on_missing = "skip"
routes = ["api"]
methods = ["POST", "PUT", "DELETE"]
limits = ["100/s", { rate = "10000/30m", burst = 500 }]
mode = "monitor"
"#;

#[test]
fn the_documented_configuration_parses() {
    let policies = parse(DOCUMENTED_POLICIES).unwrap();
    assert_eq!(policies.len(), 3);
    let tenant = &policies[2];
    assert_eq!(tenant.key, "header:X-Tenant-Id");
    assert_eq!(tenant.on_missing, OnMissing::Skip);
    assert_eq!(tenant.mode, Some(PolicyMode::Monitor));
    assert_eq!(
        tenant.limits,
        vec![
            LimitConfig { rate: "100/s".into(), burst: None },
            LimitConfig { rate: "10000/30m".into(), burst: Some(500) }
        ]
    );
    assert_eq!(policies[0].key, "client_ip");
    assert_eq!(policies[0].on_missing, OnMissing::ClientIp);
    assert_eq!(policies[0].mode, None);
    let limiter = RateLimiter::new(&policies, 100).unwrap();
    assert!(!limiter.is_empty());
    assert!(RateLimiter::new(&[], 100).unwrap().is_empty());
}

#[test]
fn unknown_fields_and_bad_values_are_refused_by_the_parser() {
    let base = "[[gateway.rate_limits]]\nname = \"p\"\n";
    let error = |extra: &str| parse(&format!("{base}{extra}")).unwrap_err().to_string();
    assert!(error("limits = [\"1/s\"]\nlimit = 3\n").contains("unknown field `limit`"));
    assert!(error("limits = [{ rate = \"1/s\", brust = 3 }]\n").contains("unknown field `brust`"));
    assert!(error("limits = [{ burst = 3 }]\n").contains("missing field `rate`"));
    assert!(error("limits = [10]\n").contains("a rate like \"10/s\" or a table"));
    assert!(error("limits = [\"1/s\"]\nmode = \"block\"\n").contains("unknown variant `block`"));
    assert!(error("limits = [\"1/s\"]\non_missing = \"allow\"\n").contains("unknown variant `allow`"));
}

#[test]
fn each_configuration_problem_is_one_sentence_naming_the_policy() {
    let policy = |body: &str| format!("[[gateway.rate_limits]]\nname = \"api\"\n{body}\n");
    let cases = [
        (policy("limits = [\"10/x\"]"), "rate limit policy 'api': limit \"10/x\" has an unknown unit 'x'; use s, m, h or d"),
        (policy("limits = [\"0/s\"]"), "rate limit policy 'api': limit \"0/s\" allows no requests; the count must be at least 1"),
        (
            policy("limits = [\"99999999999999999999/s\"]"),
            "rate limit policy 'api': limit \"99999999999999999999/s\" has a request count too large to count",
        ),
        (
            policy("limits = [\"10\"]"),
            "rate limit policy 'api': limit \"10\" is not a rate like 10/s, 100/m, 1000/h, 10000/d or 5/30s",
        ),
        (
            policy("limits = [{ rate = \"10/s\", burst = 0 }]"),
            "rate limit policy 'api': limit \"10/s\" has burst 0; burst must be at least 1 (it defaults to the request count)",
        ),
        (policy(""), "rate limit policy 'api': it has no limits; add e.g. limits = [\"10/s\"]"),
        (
            policy("limits = [\"1/s\", \"2/s\", \"3/m\", \"4/h\", \"5/d\"]"),
            "rate limit policy 'api': it has 5 limits; at most 4 are supported",
        ),
        (
            policy("limits = [\"1/s\", \"5/1s\"]"),
            "rate limit policy 'api': it has two limits over the same 1s window; keep the stricter one",
        ),
        (
            policy("key = \"cookie\"\nlimits = [\"1/s\"]"),
            "rate limit policy 'api': key \"cookie\" is unknown; use client_ip, api_key, jwt_sub or header:<name>",
        ),
        (
            policy("key = \"header:bad header\"\nlimits = [\"1/s\"]"),
            "rate limit policy 'api': key \"header:bad header\" does not name a valid header",
        ),
        (
            policy("endpoints = [\"login\"]\nlimits = [\"1/s\"]"),
            "rate limit policy 'api': endpoint \"login\" must be a path starting with '/', optionally after a method",
        ),
        (
            policy("endpoints = [\"/users/{id\"]\nlimits = [\"1/s\"]"),
            "rate limit policy 'api': endpoint \"/users/{id\": segment \"{id\" mixes text with '{', '}' or '*'; \
             a parameter or '*' is a whole segment",
        ),
        (
            policy("methods = [\"GET POST\"]\nlimits = [\"1/s\"]"),
            "rate limit policy 'api': methods: \"GET POST\" is not an HTTP method",
        ),
        (
            policy("routes = [\"\"]\nlimits = [\"1/s\"]"),
            "rate limit policy 'api': routes holds an empty route name",
        ),
        (
            "[[gateway.rate_limits]]\nname = \"\"\nlimits = [\"1/s\"]\n".to_owned(),
            "rate limit policy #1: the name is empty",
        ),
        (
            "[[gateway.rate_limits]]\nname = \"a \\\"quoted\\\" name\"\nlimits = [\"1/s\"]\n".to_owned(),
            "rate limit policy 'a \"quoted\" name': the name may only hold letters, digits, '-', '_' and '.'",
        ),
        (
            format!("[[gateway.rate_limits]]\nname = \"{}\"\nlimits = [\"1/s\"]\n", "n".repeat(65)),
            "rate limit policy 'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn': \
             the name is longer than 64 characters",
        ),
        (
            "[[gateway.rate_limits]]\nname = \"a\"\nlimits = [\"1/s\"]\n[[gateway.rate_limits]]\nname = \"a\"\nlimits = [\"1/s\"]\n"
                .to_owned(),
            "rate limit policy 'a': the name is used by an earlier policy; names must be unique",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(config_error(&text), expected, "{text}");
    }
    let error = RateLimiter::new(&parse(&policy("limits = [\"0/s\"]")).unwrap(), 10).unwrap_err();
    assert_eq!((error.policy.as_str(), error.index), ("api", 0));
}

/// The configuration and the 429 exchange shown in docs/rate-limiting.md.
#[test]
fn the_documented_429_exchange_is_what_the_limiter_answers() {
    let limiter = limiter(DOCUMENTED_POLICIES);
    let login = Call::new().to("api", Method::POST, "/login");
    let t0 = Instant::now();
    assert_eq!(login.admitted(&limiter, t0, 3), 3);
    let refused = login.check(&limiter, t0);
    assert_eq!(limited_by(&refused), Some(("login", 12 * SECOND, false)));
    assert_eq!(
        field(&refused, "ratelimit-policy"),
        Some("\"per-client:1s\";q=20;w=1, \"per-client:1h\";q=5000;w=3600, \"login\";q=5;w=60")
    );
    assert_eq!(field(&refused, "ratelimit"), Some("\"login\";r=0;t=36"));
    assert_eq!(field(&refused, "retry-after"), Some("12"));
}

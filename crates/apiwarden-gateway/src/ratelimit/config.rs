//! The `[[gateway.rate_limits]]` entries and their validation into ready-to-run policies.

use std::collections::HashSet;
use std::fmt;

use http::HeaderValue;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::gcra::{Limit, parse_rate};
use super::headers::policy_items;
use super::keys::{KeyKind, KeySeeds};
use super::policy::Policy;
use super::scope::{Endpoint, Scope, parse_method};
use super::store::MAX_LIMITS;

/// Longest policy name; names appear in response headers, metrics and logs.
pub const MAX_POLICY_NAME_LEN: usize = 64;

/// One `[[gateway.rate_limits]]` entry of the configuration file.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitPolicyConfig {
    /// 1-64 letters, digits, `-`, `_` or `.`; unique. Clients see it in `RateLimit-Policy`.
    pub name: String,
    /// `enforce` or `monitor`; absent: the route's mode decides.
    #[serde(default)]
    pub mode: Option<PolicyMode>,
    /// What requests are counted by: `client_ip` (the default), `api_key`, `jwt_sub` or
    /// `header:<name>`.
    #[serde(default = "default_key")]
    pub key: String,
    /// What to do with a request that lacks the key.
    #[serde(default)]
    pub on_missing: OnMissing,
    /// `"10/s"` or `{ rate = "10/s", burst = 20 }`; 1 to 4 of them, all enforced at once.
    #[serde(default)]
    pub limits: Vec<LimitConfig>,
    /// Route names the policy applies to; all routes when empty.
    #[serde(default)]
    pub routes: Vec<String>,
    /// Methods the policy applies to; all methods when empty.
    #[serde(default)]
    pub methods: Vec<String>,
    /// `[METHOD] /path/{param}[/*]` templates; all paths when empty.
    #[serde(default)]
    pub endpoints: Vec<String>,
}

fn default_key() -> String {
    "client_ip".to_owned()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyMode {
    Enforce,
    Monitor,
}

/// What a policy does with a request that does not carry its key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnMissing {
    /// Count it by the client address, so that leaving the key out is no way around the limit.
    #[default]
    ClientIp,
    /// The policy does not apply to it.
    Skip,
}

/// One limit: the rate and an optional burst (default: the rate's request count).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LimitConfig {
    pub rate: String,
    pub burst: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitTable {
    rate: String,
    #[serde(default)]
    burst: Option<u64>,
}

/// A limit is either a bare rate string or a `{ rate, burst }` table.
impl<'de> Deserialize<'de> for LimitConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<LimitConfig, D::Error> {
        struct LimitVisitor;

        impl<'de> Visitor<'de> for LimitVisitor {
            type Value = LimitConfig;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a rate like \"10/s\" or a table like { rate = \"10/s\", burst = 20 }")
            }

            fn visit_str<E: de::Error>(self, rate: &str) -> Result<LimitConfig, E> {
                Ok(LimitConfig { rate: rate.to_owned(), burst: None })
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<LimitConfig, A::Error> {
                let table = LimitTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(LimitConfig { rate: table.rate, burst: table.burst })
            }
        }

        deserializer.deserialize_any(LimitVisitor)
    }
}

/// A policy that cannot be used, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("rate limit policy {}: {problem}", label(.index, .policy))]
pub struct RateLimitConfigError {
    /// The policy's name as configured (possibly empty).
    pub policy: String,
    /// Its position in `gateway.rate_limits`, from 0.
    pub index: usize,
    pub problem: String,
}

fn label(index: &usize, name: &str) -> String {
    if name.is_empty() { format!("#{}", index + 1) } else { format!("'{name}'") }
}

impl RateLimitConfigError {
    fn new(index: usize, config: &RateLimitPolicyConfig, problem: impl Into<String>) -> RateLimitConfigError {
        RateLimitConfigError { policy: config.name.clone(), index, problem: problem.into() }
    }
}

/// Checks every policy and turns them into ready-to-run ones; the first problem found is
/// the error.
pub(crate) fn compile(
    configs: &[RateLimitPolicyConfig],
    secret: u64,
) -> Result<Vec<Policy>, RateLimitConfigError> {
    let mut names = HashSet::new();
    let mut policies = Vec::with_capacity(configs.len());
    for (index, config) in configs.iter().enumerate() {
        let error = |problem: String| RateLimitConfigError::new(index, config, problem);
        check_name(&config.name).map_err(error)?;
        if !names.insert(config.name.as_str()) {
            return Err(error("the name is used by an earlier policy; names must be unique".to_owned()));
        }
        let policy = compile_one(config, KeySeeds::new(secret, index)).map_err(error)?;
        policies.push(policy);
    }
    Ok(policies)
}

fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the name is empty".to_owned());
    }
    if name.len() > MAX_POLICY_NAME_LEN {
        return Err(format!("the name is longer than {MAX_POLICY_NAME_LEN} characters"));
    }
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')) {
        return Err("the name may only hold letters, digits, '-', '_' and '.'".to_owned());
    }
    Ok(())
}

fn compile_one(config: &RateLimitPolicyConfig, seeds: KeySeeds) -> Result<Policy, String> {
    let key = KeyKind::parse(config.key.trim())?;
    let limits = compile_limits(&config.name, &config.limits)?;
    let scope = compile_scope(config)?;
    let header_items = policy_items(&limits);
    Ok(Policy {
        header_field: HeaderValue::from_str(&header_items).ok(),
        header_items,
        name: config.name.clone(),
        mode: config.mode,
        key,
        on_missing: config.on_missing,
        limits,
        scope,
        seeds,
    })
}

fn compile_limits(name: &str, configs: &[LimitConfig]) -> Result<Vec<Limit>, String> {
    if configs.is_empty() {
        return Err("it has no limits; add e.g. limits = [\"10/s\"]".to_owned());
    }
    if configs.len() > MAX_LIMITS {
        return Err(format!("it has {} limits; at most {MAX_LIMITS} are supported", configs.len()));
    }
    let mut limits: Vec<Limit> = Vec::with_capacity(configs.len());
    for config in configs {
        let rate = parse_rate(&config.rate).map_err(|problem| format!("limit {problem}"))?;
        let item_name = if configs.len() == 1 {
            name.to_owned()
        } else {
            format!("{name}:{}", window_label(rate.window.as_secs()))
        };
        let limit = Limit::new(rate, config.burst, item_name)
            .map_err(|problem| format!("limit \"{}\" {problem}", config.rate))?;
        if limits.iter().any(|other| other.window_seconds == limit.window_seconds) {
            return Err(format!(
                "it has two limits over the same {} window; keep the stricter one",
                window_label(limit.window_seconds)
            ));
        }
        limits.push(limit);
    }
    Ok(limits)
}

/// `1s`, `30s`, `1m`, `1h`, `1d`: the largest unit that divides the window.
fn window_label(seconds: u64) -> String {
    match seconds {
        s if s.is_multiple_of(86_400) => format!("{}d", s / 86_400),
        s if s.is_multiple_of(3600) => format!("{}h", s / 3600),
        s if s.is_multiple_of(60) => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

fn compile_scope(config: &RateLimitPolicyConfig) -> Result<Scope, String> {
    if config.routes.iter().any(|route| route.trim().is_empty()) {
        return Err("routes holds an empty route name".to_owned());
    }
    let methods = config.methods.iter().map(|m| parse_method(m).map_err(|p| format!("methods: {p}")));
    let endpoints = config.endpoints.iter().map(|e| Endpoint::parse(e));
    Ok(Scope {
        routes: config.routes.iter().map(|route| route.trim().to_owned()).collect(),
        methods: methods.collect::<Result<_, _>>()?,
        endpoints: endpoints.collect::<Result<_, _>>()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_labels_use_the_largest_whole_unit() {
        assert_eq!(window_label(1), "1s");
        assert_eq!(window_label(90), "90s");
        assert_eq!(window_label(120), "2m");
        assert_eq!(window_label(3600), "1h");
        assert_eq!(window_label(172_800), "2d");
    }
}

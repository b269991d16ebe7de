//! The one shape every security finding takes, whichever analyzer or scanner made it.

use serde::{Deserialize, Serialize};

use crate::endpoint::EndpointKey;
use crate::model::CallId;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// OWASP API Security Top 10, 2023 edition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum OwaspApiCategory {
    #[serde(rename = "API1:2023")]
    BrokenObjectLevelAuthorization,
    #[serde(rename = "API2:2023")]
    BrokenAuthentication,
    #[serde(rename = "API3:2023")]
    BrokenObjectPropertyLevelAuthorization,
    #[serde(rename = "API4:2023")]
    UnrestrictedResourceConsumption,
    #[serde(rename = "API5:2023")]
    BrokenFunctionLevelAuthorization,
    #[serde(rename = "API6:2023")]
    UnrestrictedAccessToSensitiveBusinessFlows,
    #[serde(rename = "API7:2023")]
    ServerSideRequestForgery,
    #[serde(rename = "API8:2023")]
    SecurityMisconfiguration,
    #[serde(rename = "API9:2023")]
    ImproperInventoryManagement,
    #[serde(rename = "API10:2023")]
    UnsafeConsumptionOfApis,
}

impl OwaspApiCategory {
    /// `API1:2023` ... `API10:2023`.
    pub fn code(self) -> &'static str {
        match self {
            OwaspApiCategory::BrokenObjectLevelAuthorization => "API1:2023",
            OwaspApiCategory::BrokenAuthentication => "API2:2023",
            OwaspApiCategory::BrokenObjectPropertyLevelAuthorization => "API3:2023",
            OwaspApiCategory::UnrestrictedResourceConsumption => "API4:2023",
            OwaspApiCategory::BrokenFunctionLevelAuthorization => "API5:2023",
            OwaspApiCategory::UnrestrictedAccessToSensitiveBusinessFlows => "API6:2023",
            OwaspApiCategory::ServerSideRequestForgery => "API7:2023",
            OwaspApiCategory::SecurityMisconfiguration => "API8:2023",
            OwaspApiCategory::ImproperInventoryManagement => "API9:2023",
            OwaspApiCategory::UnsafeConsumptionOfApis => "API10:2023",
        }
    }
}

/// A finding. Findings with the same `id` are the same problem seen again: stores merge
/// them by adding `count` and widening `first_seen_us`/`last_seen_us`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable id: derived from rule, endpoint and location, never from a single call.
    pub id: String,
    /// The rule or test that raised it (`sensitive.query-token`, `attack.sqli`, ...).
    pub rule: String,
    pub title: String,
    pub severity: Severity,
    pub category: OwaspApiCategory,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<EndpointKey>,
    /// What was seen, with sensitive values already masked.
    pub evidence: String,
    /// A few calls that show it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub call_ids: Vec<CallId>,
    pub first_seen_us: i64,
    pub last_seen_us: i64,
    pub count: u64,
    /// How to reproduce (a `curl` line for active tests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reproduce: Option<String>,
}

impl Finding {
    /// Folds a later sighting of the same finding into this one.
    pub fn merge(&mut self, other: &Finding) {
        self.count = self.count.saturating_add(other.count);
        self.first_seen_us = self.first_seen_us.min(other.first_seen_us);
        if other.last_seen_us >= self.last_seen_us {
            self.last_seen_us = other.last_seen_us;
            self.evidence.clone_from(&other.evidence);
        }
        for id in &other.call_ids {
            if self.call_ids.len() >= 5 {
                break;
            }
            if !self.call_ids.contains(id) {
                self.call_ids.push(*id);
            }
        }
    }
}

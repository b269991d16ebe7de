//! Findings from a host's endpoints: the posture hits discovery kept per endpoint, host-wide
//! configuration rules folded into one finding per host, and excessive data exposure
//! judged across the endpoints of one resource.

use std::collections::{BTreeMap, BTreeSet};

use apiwarden_core::discovery::{PostureStats, TagStats};
use apiwarden_core::{CallId, Direction, Endpoint, EndpointKey, Finding};

use crate::rules;

/// The stable id of a finding: the same problem at the same place keeps its id across runs.
pub fn finding_id(rule: &str, key: &EndpointKey, detail: &str) -> String {
    let text = format!("{rule}\u{0}{}\u{0}{}\u{0}{}\u{0}{detail}", key.host, key.method, key.template);
    format!("f{:032x}", xxhash_rust::xxh3::xxh3_128(text.as_bytes()))
}

/// The key of host-wide findings: every method, every path of the host.
pub fn host_wide_key(host: &str) -> EndpointKey {
    EndpointKey { host: host.to_owned(), method: "*".to_owned(), template: "*".to_owned() }
}

/// Every finding the endpoints of one host show.
pub fn host_findings(endpoints: &[Endpoint]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut host_wide: BTreeMap<(String, &str), HostWide> = BTreeMap::new();
    for endpoint in endpoints {
        for stats in &endpoint.posture {
            if let Some(rule) = rules::HOST_WIDE.iter().find(|rule| rule.id == stats.hit.rule) {
                host_wide.entry((endpoint.key.host.clone(), rule.id)).or_default().add(endpoint, stats);
                continue;
            }
            findings.push(endpoint_finding(&endpoint.key, stats));
        }
    }
    for ((host, rule_id), folded) in host_wide {
        if let Some(rule) = rules::by_id(rule_id) {
            let key = host_wide_key(&host);
            findings.push(Finding {
                id: finding_id(rule.id, &key, ""),
                rule: rule.id.to_owned(),
                title: rule.title.to_owned(),
                severity: rule.severity,
                category: rule.category,
                evidence: format!(
                    "{} of the host's endpoints, e.g. {}",
                    folded.endpoints,
                    folded.examples.iter().cloned().collect::<Vec<_>>().join(", ")
                ),
                call_ids: folded.call_ids.iter().copied().take(5).collect(),
                first_seen_us: folded.first_seen_us,
                last_seen_us: folded.last_seen_us,
                count: folded.count,
                endpoint: Some(key),
                reproduce: None,
            });
        }
    }
    findings.extend(excessive_exposure(endpoints));
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
    findings
}

fn endpoint_finding(key: &EndpointKey, stats: &PostureStats) -> Finding {
    Finding {
        id: finding_id(&stats.hit.rule, key, &stats.hit.detail),
        rule: stats.hit.rule.clone(),
        title: stats.hit.title.clone(),
        severity: stats.hit.severity,
        category: stats.hit.category,
        endpoint: Some(key.clone()),
        evidence: stats.hit.evidence.clone(),
        call_ids: stats.call_ids.clone(),
        first_seen_us: stats.first_seen_us,
        last_seen_us: stats.last_seen_us,
        count: stats.count,
        reproduce: None,
    }
}

#[derive(Default)]
struct HostWide {
    endpoints: usize,
    count: u64,
    first_seen_us: i64,
    last_seen_us: i64,
    /// The first few endpoints, in key order.
    examples: BTreeSet<String>,
    call_ids: BTreeSet<CallId>,
}

impl HostWide {
    fn add(&mut self, endpoint: &Endpoint, stats: &PostureStats) {
        if self.endpoints == 0 {
            self.first_seen_us = stats.first_seen_us;
            self.last_seen_us = stats.last_seen_us;
        }
        self.endpoints += 1;
        self.count += stats.count;
        self.first_seen_us = self.first_seen_us.min(stats.first_seen_us);
        self.last_seen_us = self.last_seen_us.max(stats.last_seen_us);
        self.examples.insert(format!("{} {}", endpoint.key.method, endpoint.key.template));
        while self.examples.len() > 3 {
            self.examples.pop_last();
        }
        self.call_ids.extend(stats.call_ids.iter().copied());
        while self.call_ids.len() > 5 {
            self.call_ids.pop_last();
        }
    }
}

/// Personal, financial and special data types in an endpoint's successful responses.
fn response_types(endpoint: &Endpoint) -> BTreeMap<&str, &TagStats> {
    endpoint
        .sensitive
        .iter()
        .filter(|tag| tag.tag.direction == Direction::Response)
        .filter(|tag| matches!(tag.tag.category.as_str(), "personal" | "financial" | "special"))
        .map(|tag| (tag.tag.data_type.as_str(), tag))
        .collect()
}

/// The resource an endpoint reads: its template without trailing parameters
/// (`/users/{userId}` and `/users` are both views of `/users`).
fn resource(template: &str) -> &str {
    let mut rest = template.trim_end_matches('/');
    while let Some((head, last)) = rest.rsplit_once('/') {
        if last.starts_with('{') && last.ends_with('}') {
            rest = head;
        } else {
            break;
        }
    }
    rest
}

/// A GET view of a resource that returns personal data types that the resource's other GET
/// views do not, while those do return some personal data: typically a list endpoint that
/// returns full records where the detail endpoint returns a safe subset (or the reverse).
fn excessive_exposure(endpoints: &[Endpoint]) -> Vec<Finding> {
    let mut by_resource: BTreeMap<(&str, &str), Vec<&Endpoint>> = BTreeMap::new();
    for endpoint in endpoints.iter().filter(|e| e.key.method == "GET") {
        by_resource
            .entry((endpoint.key.host.as_str(), resource(&endpoint.key.template)))
            .or_default()
            .push(endpoint);
    }
    let mut findings = Vec::new();
    for views in by_resource.values().filter(|views| views.len() >= 2) {
        let types: Vec<BTreeMap<&str, &TagStats>> = views.iter().map(|e| response_types(e)).collect();
        for (index, endpoint) in views.iter().enumerate() {
            let Some(own) = types.get(index) else { continue };
            let others: BTreeSet<&str> = types
                .iter()
                .enumerate()
                .filter(|(other, _)| *other != index)
                .flat_map(|(_, t)| t.keys().copied())
                .collect();
            if others.is_empty() {
                continue;
            }
            let extra: Vec<&TagStats> = own
                .iter()
                .filter(|(data_type, _)| !others.contains(*data_type))
                .map(|(_, tag)| *tag)
                .collect();
            if extra.is_empty() {
                continue;
            }
            let rule = rules::EXCESSIVE_DATA_EXPOSURE;
            let names: BTreeSet<&str> = extra.iter().map(|t| t.tag.data_type.as_str()).collect();
            let detail = names.iter().copied().collect::<Vec<_>>().join(",");
            let siblings: Vec<String> = views
                .iter()
                .filter(|other| other.key != endpoint.key)
                .map(|other| format!("{} {}", other.key.method, other.key.template))
                .collect();
            let fields: BTreeSet<&str> = extra.iter().map(|t| t.tag.path.as_str()).collect();
            findings.push(Finding {
                id: finding_id(rule.id, &endpoint.key, &detail),
                rule: rule.id.to_owned(),
                title: rule.title.to_owned(),
                severity: rule.severity,
                category: rule.category,
                endpoint: Some(endpoint.key.clone()),
                evidence: format!(
                    "{} {} returns {} (fields {}) that {} does not return",
                    endpoint.key.method,
                    endpoint.key.template,
                    detail.replace(',', ", "),
                    fields.into_iter().collect::<Vec<_>>().join(", "),
                    siblings.join(" and ")
                ),
                call_ids: Vec::new(),
                first_seen_us: extra.iter().map(|t| t.first_seen_us).min().unwrap_or(endpoint.first_seen_us),
                last_seen_us: extra.iter().map(|t| t.last_seen_us).max().unwrap_or(endpoint.last_seen_us),
                count: extra.iter().map(|t| t.count).max().unwrap_or(0),
                reproduce: None,
            });
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_drop_trailing_parameters() {
        assert_eq!(resource("/users/{userId}"), "/users");
        assert_eq!(resource("/users"), "/users");
        assert_eq!(resource("/orgs/{org}/members/{member}"), "/orgs/{org}/members");
        assert_eq!(resource("/{id}"), "");
    }

    #[test]
    fn ids_are_stable_and_distinct() {
        let key = EndpointKey { host: "h".into(), method: "GET".into(), template: "/a".into() };
        assert_eq!(finding_id("r", &key, "x"), finding_id("r", &key, "x"));
        assert_ne!(finding_id("r", &key, "x"), finding_id("r", &key, "y"));
        assert_eq!(finding_id("r", &key, "x").len(), 33);
    }
}

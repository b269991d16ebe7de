//! Ground truth and the endpoint-level scoring of a discovered inventory against it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The endpoints one generated API really exercised.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Truth {
    /// API name, such as `shop`.
    pub api: String,
    /// Host the API is served on, such as `shop.example.test`.
    pub host: String,
    /// Endpoints that occurred at least once in the generated traffic, sorted.
    pub endpoints: Vec<TruthEndpoint>,
}

/// One ground-truth endpoint: method and path template with `{name}` placeholders.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TruthEndpoint {
    pub method: String,
    pub template: String,
}

/// Endpoint-level precision, recall and F1 of a discovered inventory.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Score {
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Truth endpoints that were not discovered, as `METHOD /template`.
    pub missed: Vec<String>,
    /// Discovered endpoints that are not in the truth, as `METHOD /template`.
    pub spurious: Vec<String>,
}

/// The form templates are compared in: every `{...}` becomes `{}` (parameter names do
/// not matter, only their positions) and a trailing slash is dropped, except for `/`.
pub fn normalize_template(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        out.push_str(&rest[..open]);
        out.push_str("{}");
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    while out.len() > 1 && out.ends_with('/') {
        out.pop();
    }
    out
}

fn key(method: &str, template: &str) -> (String, String) {
    (method.trim().to_ascii_uppercase(), normalize_template(template.trim()))
}

/// Scores `predicted` (method, template) pairs discovered for the truth's host.
///
/// A prediction matches a truth endpoint when the method, the static segments and the
/// parameter positions are equal; parameter names are ignored. Duplicates count once.
/// With nothing to find and nothing predicted, precision and recall are 1.
pub fn score(truth: &Truth, predicted: &[(String, String)]) -> Score {
    let mut want: BTreeMap<(String, String), String> = BTreeMap::new();
    for e in &truth.endpoints {
        let k = key(&e.method, &e.template);
        want.entry(k).or_insert_with(|| format!("{} {}", e.method.to_ascii_uppercase(), e.template));
    }
    let mut got: BTreeMap<(String, String), String> = BTreeMap::new();
    for (m, t) in predicted {
        let k = key(m, t);
        got.entry(k).or_insert_with(|| format!("{} {}", m.to_ascii_uppercase(), t));
    }
    let tp = want.keys().filter(|k| got.contains_key(*k)).count();
    let missed: Vec<String> =
        want.iter().filter(|(k, _)| !got.contains_key(*k)).map(|(_, v)| v.clone()).collect();
    let spurious: Vec<String> =
        got.iter().filter(|(k, _)| !want.contains_key(*k)).map(|(_, v)| v.clone()).collect();
    let fp = spurious.len();
    let fn_ = missed.len();
    let precision =
        if tp + fp == 0 { if fn_ == 0 { 1.0 } else { 0.0 } } else { tp as f64 / (tp + fp) as f64 };
    let recall = if tp + fn_ == 0 { 1.0 } else { tp as f64 / (tp + fn_) as f64 };
    let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
    Score {
        true_positives: tp,
        false_positives: fp,
        false_negatives: fn_,
        precision,
        recall,
        f1,
        missed,
        spurious,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn truth(eps: &[(&str, &str)]) -> Truth {
        Truth {
            api: "t".into(),
            host: "t.example.test".into(),
            endpoints: eps
                .iter()
                .map(|(m, t)| TruthEndpoint { method: m.to_string(), template: t.to_string() })
                .collect(),
        }
    }

    fn pred(eps: &[(&str, &str)]) -> Vec<(String, String)> {
        eps.iter().map(|(m, t)| (m.to_string(), t.to_string())).collect()
    }

    #[test]
    fn normalisation() {
        assert_eq!(normalize_template("/users/{userId}/orders/{orderId}"), "/users/{}/orders/{}");
        assert_eq!(normalize_template("/users/{id}/"), "/users/{}");
        assert_eq!(normalize_template("/"), "/");
        assert_eq!(normalize_template("/a/{x"), "/a/{x");
        assert_eq!(normalize_template("/blobs/{}"), "/blobs/{}");
    }

    #[test]
    fn perfect_and_param_name_insensitive() {
        let t = truth(&[("GET", "/users/{userId}"), ("POST", "/users"), ("GET", "/users/me")]);
        let s = score(&t, &pred(&[("GET", "/users/{id}"), ("post", "/users/"), ("GET", "/users/me")]));
        assert_eq!((s.true_positives, s.false_positives, s.false_negatives), (3, 0, 0));
        assert_eq!(s.f1, 1.0);
        assert!(s.missed.is_empty() && s.spurious.is_empty());
    }

    #[test]
    fn partial_match_math() {
        // 4 truth endpoints; 3 predictions of which 2 are right.
        let t = truth(&[
            ("GET", "/orders/{orderId}"),
            ("GET", "/orders/export"),
            ("DELETE", "/orders/{orderId}"),
            ("GET", "/healthz"),
        ]);
        let s = score(
            &t,
            &pred(&[
                ("GET", "/orders/{p1}"),
                ("GET", "/orders/{p1}"),
                ("GET", "/healthz"),
                ("GET", "/orders/{p1}/{p2}"),
            ]),
        );
        assert_eq!(s.true_positives, 2);
        assert_eq!(s.false_positives, 1);
        assert_eq!(s.false_negatives, 2);
        assert!((s.precision - 2.0 / 3.0).abs() < 1e-12);
        assert!((s.recall - 0.5).abs() < 1e-12);
        let f1 = 2.0 * (2.0 / 3.0) * 0.5 / (2.0 / 3.0 + 0.5);
        assert!((s.f1 - f1).abs() < 1e-12);
        assert_eq!(s.missed, vec!["DELETE /orders/{orderId}".to_string(), "GET /orders/export".to_string()]);
        assert_eq!(s.spurious, vec!["GET /orders/{p1}/{p2}".to_string()]);
    }

    #[test]
    fn static_vs_param_and_case_are_distinct() {
        let t = truth(&[("GET", "/users/me"), ("GET", "/Users/{id}")]);
        let s = score(&t, &pred(&[("GET", "/users/{id}"), ("GET", "/users/me")]));
        assert_eq!((s.true_positives, s.false_positives, s.false_negatives), (1, 1, 1));
    }

    #[test]
    fn empty_cases() {
        let s = score(&truth(&[]), &[]);
        assert_eq!((s.precision, s.recall, s.f1), (1.0, 1.0, 1.0));
        let s = score(&truth(&[("GET", "/a")]), &[]);
        assert_eq!((s.precision, s.recall, s.f1), (0.0, 0.0, 0.0));
        let s = score(&truth(&[]), &pred(&[("GET", "/a")]));
        assert_eq!((s.precision, s.recall, s.f1), (0.0, 1.0, 0.0));
    }
}

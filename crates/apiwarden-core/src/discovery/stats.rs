//! Mergeable per-endpoint statistics: every field merges commutatively and associatively,
//! and every collection is bounded by a rule that depends only on the values seen (never on
//! arrival order), so the inventory is the same however traffic is split into batches.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::CallId;
use crate::endpoint::{ExampleCall, LatencySummary};
use crate::inspect::{FieldTag, PostureHit};
use crate::schema::SchemaNode;

/// Distinct parameter names kept per location; beyond it the lexically smallest are kept
/// (an order-independent choice) and the table is marked truncated.
pub const MAX_PARAMS: usize = 64;
/// Media types kept per request or per response status.
pub const MAX_MEDIA_TYPES: usize = 8;
/// Example calls kept per endpoint: those with the smallest call ids, so every ingest order
/// keeps the same ones.
pub const MAX_EXAMPLES: usize = 3;
/// Sensitive (field, data type) pairs kept per endpoint; beyond it the lexically smallest
/// keys are kept, an order-independent choice.
pub const MAX_SENSITIVE_TAGS: usize = 128;
/// Distinct posture hits (rule and detail) kept per endpoint, chosen the same way.
pub const MAX_POSTURE_HITS: usize = 64;
/// Calls kept as evidence of a posture hit: the smallest ids.
pub const MAX_HIT_CALLS: usize = 3;

/// A sensitive data type seen at one field of an endpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TagStats {
    #[serde(flatten)]
    pub tag: FieldTag,
    pub count: u64,
    pub first_seen_us: i64,
    pub last_seen_us: i64,
}

/// A posture check an endpoint's calls failed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PostureStats {
    /// The hit of the call with the smallest id (whose evidence is shown).
    #[serde(flatten)]
    pub hit: PostureHit,
    pub count: u64,
    pub first_seen_us: i64,
    pub last_seen_us: i64,
    /// The smallest ids of the calls that failed it.
    pub call_ids: Vec<CallId>,
}

impl TagStats {
    fn merge(&mut self, other: &TagStats) {
        self.count += other.count;
        self.first_seen_us = self.first_seen_us.min(other.first_seen_us);
        self.last_seen_us = self.last_seen_us.max(other.last_seen_us);
    }
}

impl PostureStats {
    fn merge(&mut self, other: &PostureStats) {
        let theirs_first = match (other.call_ids.first(), self.call_ids.first()) {
            (Some(theirs), Some(ours)) => theirs < ours,
            (Some(_), None) => true,
            _ => false,
        };
        if theirs_first {
            self.hit.clone_from(&other.hit);
        }
        self.count += other.count;
        self.first_seen_us = self.first_seen_us.min(other.first_seen_us);
        self.last_seen_us = self.last_seen_us.max(other.last_seen_us);
        for id in &other.call_ids {
            if !self.call_ids.contains(id) {
                self.call_ids.push(*id);
            }
        }
        self.call_ids.sort();
        self.call_ids.truncate(MAX_HIT_CALLS);
    }
}

/// Folds `from` into `into` entry by entry, then keeps the `cap` smallest keys.
fn merge_keyed<V: Clone>(
    into: &mut BTreeMap<String, V>,
    from: &BTreeMap<String, V>,
    cap: usize,
    merge: fn(&mut V, &V),
) {
    for (key, theirs) in from {
        match into.get_mut(key) {
            Some(ours) => merge(ours, theirs),
            None => {
                into.insert(key.clone(), theirs.clone());
            }
        }
    }
    keep_smallest(into, cap);
}

/// Keeps the `cap` lexically smallest keys of `map`.
fn keep_smallest<V>(map: &mut BTreeMap<String, V>, cap: usize) {
    while map.len() > cap {
        map.pop_last();
    }
}

/// Observations of one named parameter.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ParamStats {
    /// Calls that carried it.
    pub count: u64,
    pub values: SchemaNode,
}

/// Parameters of one location (query, header or cookie) by name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ParamTable {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, ParamStats>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

impl ParamTable {
    pub fn observe(&mut self, name: &str, value: &str) {
        match self.params.get_mut(name) {
            Some(stats) => {
                stats.count += 1;
                stats.values.observe_text(value);
            }
            None => {
                let mut stats = ParamStats { count: 1, values: SchemaNode::default() };
                stats.values.observe_text(value);
                self.params.insert(name.to_owned(), stats);
                self.enforce_cap();
            }
        }
    }

    pub fn merge(&mut self, other: &ParamTable) {
        self.truncated |= other.truncated;
        for (name, theirs) in &other.params {
            match self.params.get_mut(name) {
                Some(ours) => {
                    ours.count += theirs.count;
                    ours.values.merge(&theirs.values);
                }
                None => {
                    self.params.insert(name.clone(), theirs.clone());
                }
            }
        }
        self.enforce_cap();
    }

    fn enforce_cap(&mut self) {
        while self.params.len() > MAX_PARAMS {
            self.params.pop_last();
            self.truncated = true;
        }
    }
}

/// Bodies of one media type.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BodyStats {
    pub count: u64,
    /// Bodies that could not be decoded (invalid, truncated, too large).
    #[serde(default)]
    pub undecoded: u64,
    pub schema: SchemaNode,
}

impl BodyStats {
    fn merge(&mut self, other: &BodyStats) {
        self.count += other.count;
        self.undecoded += other.undecoded;
        self.schema.merge(&other.schema);
    }
}

/// Bodies by media type, bounded like [`ParamTable`].
pub type BodiesByType = BTreeMap<String, BodyStats>;

fn merge_bodies(ours: &mut BodiesByType, theirs: &BodiesByType) {
    for (media_type, stats) in theirs {
        ours.entry(media_type.clone()).or_default().merge(stats);
    }
    while ours.len() > MAX_MEDIA_TYPES {
        ours.pop_last();
    }
}

/// Responses with one status code.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ResponseStats {
    pub count: u64,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub bodies: BodiesByType,
}

/// A log-bucketed latency histogram (buckets grow by 4%, so percentiles are within ~2%).
/// Merging adds bucket counts, which is exact.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencyHistogram {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub buckets: BTreeMap<i32, u64>,
    #[serde(default)]
    pub count: u64,
    #[serde(default)]
    pub max_ms: f64,
}

const LATENCY_GAMMA: f64 = 1.04;
/// Latencies at or under this many milliseconds share one bucket.
const LATENCY_FLOOR_MS: f64 = 0.01;

impl LatencyHistogram {
    fn bucket(ms: f64) -> i32 {
        let ms = ms.max(LATENCY_FLOOR_MS);
        // Bounded: ms is finite and positive, so the log is within a few thousand buckets.
        (ms.ln() / LATENCY_GAMMA.ln()).ceil() as i32
    }

    fn bucket_value(index: i32) -> f64 {
        // Midpoint of (gamma^(i-1), gamma^i].
        2.0 * LATENCY_GAMMA.powi(index) / (LATENCY_GAMMA + 1.0)
    }

    pub fn record(&mut self, ms: f64) {
        if !ms.is_finite() || ms < 0.0 {
            return;
        }
        *self.buckets.entry(Self::bucket(ms)).or_default() += 1;
        self.count += 1;
        if ms > self.max_ms {
            self.max_ms = ms;
        }
    }

    pub fn merge(&mut self, other: &LatencyHistogram) {
        for (bucket, n) in &other.buckets {
            *self.buckets.entry(*bucket).or_default() += n;
        }
        self.count += other.count;
        self.max_ms = self.max_ms.max(other.max_ms);
    }

    /// The `q` quantile (0..=1) in milliseconds.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.count as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (bucket, n) in &self.buckets {
            seen += n;
            if seen >= rank {
                return Some(Self::bucket_value(*bucket).min(self.max_ms));
            }
        }
        Some(self.max_ms)
    }

    pub fn summary(&self) -> LatencySummary {
        let round = |v: Option<f64>| v.map(|ms| (ms * 100.0).round() / 100.0);
        LatencySummary {
            samples: self.count,
            p50_ms: round(self.quantile(0.50)),
            p90_ms: round(self.quantile(0.90)),
            p99_ms: round(self.quantile(0.99)),
            max_ms: round((self.count > 0).then_some(self.max_ms)),
        }
    }
}

/// Distinct authentication keys (`kind:name`) kept per endpoint: names come from traffic
/// (cookie names), so they are bounded like parameter names (smallest kept).
pub const MAX_AUTH_KEYS: usize = 16;

/// Counts one call for an authentication key, within [`MAX_AUTH_KEYS`].
pub fn note_auth(auth: &mut BTreeMap<String, u64>, key: String) {
    *auth.entry(key).or_default() += 1;
    cap_auth(auth);
}

fn cap_auth(auth: &mut BTreeMap<String, u64>) {
    while auth.len() > MAX_AUTH_KEYS {
        auth.pop_last();
    }
}

/// Everything observed for one (normalised path, method).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EndpointStats {
    /// Calls analysed: every other count here describes these.
    pub calls: u64,
    /// Calls counted without analysis (the gateway's adaptive analysis): they add to the
    /// traffic seen and the first and last seen times, nothing else.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unanalysed: u64,
    pub first_seen_us: i64,
    pub last_seen_us: i64,
    #[serde(default)]
    pub schemes: BTreeMap<String, u64>,
    /// Status code → responses; status 0 counts calls without a response.
    #[serde(default)]
    pub responses: BTreeMap<u16, ResponseStats>,
    #[serde(default)]
    pub request_bodies: BodiesByType,
    #[serde(default)]
    pub query: ParamTable,
    #[serde(default)]
    pub headers: ParamTable,
    #[serde(default)]
    pub cookies: ParamTable,
    /// `kind` or `kind:name` (see [`crate::endpoint::AuthKind`]) → calls.
    #[serde(default)]
    pub auth: BTreeMap<String, u64>,
    #[serde(default)]
    pub latency: LatencyHistogram,
    #[serde(default)]
    pub examples: Vec<ExampleCall>,
    /// Sensitive data types seen, by [`FieldTag::key`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sensitive: BTreeMap<String, TagStats>,
    /// Posture checks failed, by [`PostureHit::key`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub posture: BTreeMap<String, PostureStats>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl EndpointStats {
    /// Calls seen, analysed or not.
    pub fn seen(&self) -> u64 {
        self.calls + self.unanalysed
    }

    /// Counts one analysed call seen at `at_us`.
    pub fn touch(&mut self, at_us: i64) {
        self.note_seen_at(at_us);
        self.calls += 1;
    }

    /// Counts one call seen at `at_us` that was not analysed.
    pub fn touch_unanalysed(&mut self, at_us: i64) {
        self.note_seen_at(at_us);
        self.unanalysed += 1;
    }

    fn note_seen_at(&mut self, at_us: i64) {
        if self.seen() == 0 {
            self.first_seen_us = at_us;
            self.last_seen_us = at_us;
        } else {
            self.first_seen_us = self.first_seen_us.min(at_us);
            self.last_seen_us = self.last_seen_us.max(at_us);
        }
    }

    /// Keeps `example` if it is among the [`MAX_EXAMPLES`] smallest call ids.
    pub fn offer_example(&mut self, example: impl FnOnce() -> ExampleCall, id: crate::CallId) {
        let full = self.examples.len() >= MAX_EXAMPLES;
        if full && self.examples.last().is_some_and(|last| last.call_id <= id) {
            return;
        }
        if self.examples.iter().any(|e| e.call_id == id) {
            return;
        }
        let position = self.examples.partition_point(|e| e.call_id < id);
        self.examples.insert(position, example());
        self.examples.truncate(MAX_EXAMPLES);
    }

    pub fn merge(&mut self, other: &EndpointStats) {
        if other.seen() == 0 {
            return;
        }
        if self.seen() == 0 {
            self.first_seen_us = other.first_seen_us;
            self.last_seen_us = other.last_seen_us;
        } else {
            self.first_seen_us = self.first_seen_us.min(other.first_seen_us);
            self.last_seen_us = self.last_seen_us.max(other.last_seen_us);
        }
        self.calls += other.calls;
        self.unanalysed += other.unanalysed;
        for (scheme, n) in &other.schemes {
            *self.schemes.entry(scheme.clone()).or_default() += n;
        }
        for (status, theirs) in &other.responses {
            let ours = self.responses.entry(*status).or_default();
            ours.count += theirs.count;
            merge_bodies(&mut ours.bodies, &theirs.bodies);
        }
        merge_bodies(&mut self.request_bodies, &other.request_bodies);
        self.query.merge(&other.query);
        self.headers.merge(&other.headers);
        self.cookies.merge(&other.cookies);
        for (auth, n) in &other.auth {
            *self.auth.entry(auth.clone()).or_default() += n;
        }
        cap_auth(&mut self.auth);
        self.latency.merge(&other.latency);
        for example in &other.examples {
            self.offer_example(|| example.clone(), example.call_id);
        }
        merge_keyed(&mut self.sensitive, &other.sensitive, MAX_SENSITIVE_TAGS, TagStats::merge);
        merge_keyed(&mut self.posture, &other.posture, MAX_POSTURE_HITS, PostureStats::merge);
    }

    /// Counts a sensitive data type seen in one call at `at_us`.
    pub fn note_tag(&mut self, tag: FieldTag, at_us: i64) {
        let key = tag.key();
        match self.sensitive.get_mut(&key) {
            Some(ours) => ours.merge(&TagStats { tag, count: 1, first_seen_us: at_us, last_seen_us: at_us }),
            None => {
                self.sensitive
                    .insert(key, TagStats { tag, count: 1, first_seen_us: at_us, last_seen_us: at_us });
                keep_smallest(&mut self.sensitive, MAX_SENSITIVE_TAGS);
            }
        }
    }

    /// Counts a posture check failed by call `id` at `at_us`.
    pub fn note_posture(&mut self, hit: PostureHit, id: CallId, at_us: i64) {
        let key = hit.key();
        let seen =
            PostureStats { hit, count: 1, first_seen_us: at_us, last_seen_us: at_us, call_ids: vec![id] };
        match self.posture.get_mut(&key) {
            Some(ours) => ours.merge(&seen),
            None => {
                self.posture.insert(key, seen);
                keep_smallest(&mut self.posture, MAX_POSTURE_HITS);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CallId;

    fn example(id: u128) -> ExampleCall {
        ExampleCall {
            call_id: CallId(id),
            started_at_us: 0,
            path: format!("/x/{id}"),
            query: None,
            status: None,
            request_body: None,
            response_body: None,
        }
    }

    fn tag(i: usize) -> crate::inspect::FieldTag {
        crate::inspect::FieldTag {
            direction: crate::Direction::Response,
            location: crate::Location::Body,
            path: format!("/f{i:03}"),
            data_type: "email".into(),
            category: "personal".into(),
        }
    }

    fn hit(detail: &str, evidence: &str) -> PostureHit {
        PostureHit {
            rule: "r".into(),
            detail: detail.into(),
            title: "t".into(),
            severity: crate::Severity::Low,
            category: crate::OwaspApiCategory::SecurityMisconfiguration,
            evidence: evidence.into(),
        }
    }

    #[test]
    fn tags_and_hits_merge_the_same_in_any_split_and_stay_capped() {
        let observe = |stats: &mut EndpointStats, i: usize| {
            stats.touch(i as i64);
            stats.note_tag(tag(i % (MAX_SENSITIVE_TAGS + 40)), i as i64);
            stats.note_posture(hit("d", &format!("call {i}")), CallId(i as u128), i as i64);
        };
        let mut whole = EndpointStats::default();
        (0..500).for_each(|i| observe(&mut whole, i));
        let (mut a, mut b) = (EndpointStats::default(), EndpointStats::default());
        (0..500).filter(|i| i % 3 == 0).for_each(|i| observe(&mut a, i));
        (0..500).filter(|i| i % 3 != 0).for_each(|i| observe(&mut b, i));
        b.merge(&a);
        assert_eq!(b.sensitive, whole.sensitive);
        assert_eq!(b.posture, whole.posture);
        assert_eq!(whole.sensitive.len(), MAX_SENSITIVE_TAGS);
        let posture = whole.posture.values().next().unwrap();
        assert_eq!(posture.count, 500);
        // The evidence shown is the smallest call's, whatever the order.
        assert_eq!(posture.hit.evidence, "call 0");
        assert_eq!(posture.call_ids, vec![CallId(0), CallId(1), CallId(2)]);
        let kept = whole.sensitive.values().next().unwrap();
        assert_eq!((kept.first_seen_us, kept.last_seen_us, kept.count), (0, 336, 3));
    }

    #[test]
    fn unanalysed_calls_merge_in_any_split() {
        // Calls 0..100, every fourth analysed, seen at times that do not grow with the index.
        let observe = |stats: &mut EndpointStats, i: i64| {
            let at = (i * 37) % 101;
            if i % 4 == 0 { stats.touch(at) } else { stats.touch_unanalysed(at) }
        };
        let mut whole = EndpointStats::default();
        (0..100).for_each(|i| observe(&mut whole, i));
        let (mut a, mut b) = (EndpointStats::default(), EndpointStats::default());
        (0..100).filter(|i| i % 3 == 0).for_each(|i| observe(&mut a, i));
        (0..100).filter(|i| i % 3 != 0).for_each(|i| observe(&mut b, i));
        // A split holding only counted calls still carries its seen times.
        let mut only_counted = EndpointStats::default();
        only_counted.touch_unanalysed(500);
        b.merge(&a);
        b.merge(&only_counted);
        whole.touch_unanalysed(500);
        assert_eq!(b, whole);
        assert_eq!((whole.calls, whole.unanalysed, whole.seen()), (25, 76, 101));
        assert_eq!((whole.first_seen_us, whole.last_seen_us), (0, 500));
    }

    #[test]
    fn examples_keep_smallest_ids_in_any_order() {
        let mut a = EndpointStats::default();
        let mut b = EndpointStats::default();
        for id in [9, 3, 7, 1, 5] {
            a.offer_example(|| example(id), CallId(id));
        }
        for id in [5, 1, 7, 3, 9] {
            b.offer_example(|| example(id), CallId(id));
        }
        assert_eq!(a.examples, b.examples);
        assert_eq!(a.examples.iter().map(|e| e.call_id.0).collect::<Vec<_>>(), vec![1, 3, 5]);
    }

    #[test]
    fn latency_percentiles_are_close() {
        let mut h = LatencyHistogram::default();
        for ms in 1..=1000 {
            h.record(f64::from(ms));
        }
        let p50 = h.quantile(0.5).unwrap();
        let p99 = h.quantile(0.99).unwrap();
        assert!((p50 - 500.0).abs() / 500.0 < 0.03, "{p50}");
        assert!((p99 - 990.0).abs() / 990.0 < 0.03, "{p99}");
        assert_eq!(h.summary().max_ms, Some(1000.0));
    }

    #[test]
    fn param_cap_is_order_independent() {
        let names: Vec<String> = (0..MAX_PARAMS + 20).map(|i| format!("p{i:03}")).collect();
        let mut forward = ParamTable::default();
        for n in &names {
            forward.observe(n, "1");
        }
        let mut split_a = ParamTable::default();
        let mut split_b = ParamTable::default();
        for (i, n) in names.iter().rev().enumerate() {
            if i % 2 == 0 { split_a.observe(n, "1") } else { split_b.observe(n, "1") }
        }
        split_b.merge(&split_a);
        assert_eq!(forward, split_b);
        assert!(forward.truncated);
    }
}

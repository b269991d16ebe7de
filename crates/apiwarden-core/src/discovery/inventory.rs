//! The mergeable per-host discovery state.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::segment::{SegClass, SegKind, classify};
use super::stats::EndpointStats;

/// Distinct candidate literals (free text, dates, versions) kept one by one under one
/// parent. Past this, the position is certainly an identifier, and its literals collapse
/// into typed placeholders: it bounds memory under a flood of distinct ids.
pub const MAX_LITERAL_CHILDREN: usize = 256;
/// Normalised paths kept per host; past it, folding escalates (see [`HostInventory::collapse`]).
pub const MAX_HOST_PATHS: usize = 20_000;
/// Segments kept per path; deeper segments are dropped (paths that deep are not routes).
pub const MAX_SEGMENTS: usize = 24;

/// One segment of a normalised path.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    /// A literal segment, percent-decoded. Templating may still turn it into a parameter.
    Lit(String),
    /// A segment whose value was an unmistakable identifier of this kind.
    Typed(SegKind),
}

/// A normalised path: `/users/{int}/orders/export` is `[Lit(users), Typed(Int), Lit(orders), Lit(export)]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PathKey(pub Vec<Seg>);

impl Seg {
    /// A literal that templating may still turn into a parameter, with the placeholder it
    /// collapses into.
    pub(super) fn candidate_kind(&self) -> Option<SegKind> {
        match self {
            Seg::Lit(text) => match classify(text) {
                SegClass::FreeText => Some(SegKind::FreeText),
                SegClass::Date => Some(SegKind::Date),
                SegClass::Version => Some(SegKind::Version),
                _ => None,
            },
            Seg::Typed(_) => None,
        }
    }
}

/// Everything discovery knows about one host.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HostInventory {
    pub host: String,
    /// Normalised path → method → stats.
    pub paths: BTreeMap<PathKey, BTreeMap<String, EndpointStats>>,
    /// Lexical shapes of the free-text values folded into each collapsed position (keyed by
    /// [`shape_key`] of the parent), so templating can still tell which literal siblings
    /// look like them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub collapsed_shapes: BTreeMap<PathKey, BTreeMap<String, u64>>,
}

/// A parent prefix with every identifier-like segment replaced by one marker, so that the
/// key stays the same when ancestors collapse later.
pub fn shape_key(prefix: &[Seg]) -> PathKey {
    PathKey(
        prefix
            .iter()
            .map(|seg| match seg {
                Seg::Typed(_) => Seg::Typed(SegKind::FreeText),
                Seg::Lit(_) if seg.candidate_kind().is_some() => Seg::Typed(SegKind::FreeText),
                other => other.clone(),
            })
            .collect(),
    )
}

impl PathKey {
    /// `/users/{int}/orders/export`; literal `%`, `/`, `{` and `}` are percent-encoded so the
    /// text form round-trips.
    pub fn to_text(&self) -> String {
        if self.0.is_empty() {
            return "/".to_owned();
        }
        let mut out = String::new();
        for seg in &self.0 {
            out.push('/');
            match seg {
                Seg::Lit(lit) => {
                    for ch in lit.chars() {
                        match ch {
                            '%' => out.push_str("%25"),
                            '/' => out.push_str("%2F"),
                            '{' => out.push_str("%7B"),
                            '}' => out.push_str("%7D"),
                            _ => out.push(ch),
                        }
                    }
                }
                Seg::Typed(kind) => {
                    out.push('{');
                    out.push_str(kind.as_str());
                    out.push('}');
                }
            }
        }
        out
    }

    pub fn from_text(text: &str) -> Option<PathKey> {
        let rest = text.strip_prefix('/')?;
        if rest.is_empty() {
            return Some(PathKey(Vec::new()));
        }
        rest.split('/')
            .map(|part| match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(kind) => SegKind::from_str_opt(kind).map(Seg::Typed),
                None => Some(Seg::Lit(crate::decode::decode_path_segment(part))),
            })
            .collect::<Option<Vec<_>>>()
            .map(PathKey)
    }
}

impl Serialize for PathKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_text())
    }
}

impl<'de> Deserialize<'de> for PathKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        PathKey::from_text(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("invalid path key {text:?}")))
    }
}

impl HostInventory {
    pub fn new(host: impl Into<String>) -> HostInventory {
        HostInventory { host: host.into(), paths: BTreeMap::new(), collapsed_shapes: BTreeMap::new() }
    }

    /// Stats for one normalised path and method, created when missing.
    pub fn entry(&mut self, path: PathKey, method: &str) -> &mut EndpointStats {
        self.paths.entry(path).or_default().entry(method.to_owned()).or_default()
    }

    /// Calls recorded for this host, analysed or not.
    pub fn calls(&self) -> u64 {
        self.paths.values().flat_map(|m| m.values()).map(|s| s.seen()).sum()
    }

    /// Like [`Self::merge`], moving `other`'s data instead of copying it.
    pub fn merge_owned(&mut self, other: HostInventory) {
        for (path, methods) in other.paths {
            match self.paths.get_mut(&path) {
                Some(ours) => {
                    for (method, stats) in methods {
                        match ours.get_mut(&method) {
                            Some(existing) => existing.merge(&stats),
                            None => {
                                ours.insert(method, stats);
                            }
                        }
                    }
                }
                None => {
                    self.paths.insert(path, methods);
                }
            }
        }
        for (key, shapes) in other.collapsed_shapes {
            let ours = self.collapsed_shapes.entry(key).or_default();
            for (shape, n) in shapes {
                *ours.entry(shape).or_default() += n;
            }
        }
        self.collapse();
    }

    /// Folds `other` into `self`. Commutative and associative up to [`Self::collapse`],
    /// which is applied here and depends only on the union of the paths seen.
    pub fn merge(&mut self, other: &HostInventory) {
        self.merge_owned(other.clone());
    }

    /// Folds identifier literals into typed placeholders where a parent has more than
    /// [`MAX_LITERAL_CHILDREN`] of them (see [`super::template`]); returns whether anything
    /// changed.
    pub fn collapse(&mut self) -> bool {
        let overfull = self.overfull_parents();
        let mut changed =
            !overfull.is_empty() && super::template::collapse_subtrees(self, &overfull, MAX_LITERAL_CHILDREN);
        // A flood of distinct paths that stays under the per-parent cap everywhere
        // (`/a{i}/b{j}/c{k}`) is still bounded: fold harder until the host fits. This last
        // resort depends on when the flood arrived, so order independence is given up only
        // for hosts that receive such floods.
        for cap in [16, 4, 1, 0] {
            if self.paths.len() <= MAX_HOST_PATHS {
                break;
            }
            changed |= super::template::collapse_host(self, cap);
        }
        changed
    }

    /// The outermost parents with more than [`MAX_LITERAL_CHILDREN`] candidate literals:
    /// folding works on their subtrees only, since nothing outside them can change. Paths
    /// sharing a prefix are contiguous in the sorted map, so one allocation-free pass per
    /// depth counts each parent's distinct children; this runs on every merge.
    fn overfull_parents(&self) -> Vec<Vec<Seg>> {
        let mut overfull: Vec<Vec<Seg>> = Vec::new();
        if self.paths.len() <= MAX_LITERAL_CHILDREN {
            return overfull;
        }
        let max_depth = self.paths.keys().map(|p| p.0.len()).max().unwrap_or(0);
        for depth in 0..max_depth {
            let mut previous: Option<(&[Seg], &Seg)> = None;
            let mut candidates = 0usize;
            for path in self.paths.keys() {
                let (Some(prefix), Some(seg)) = (path.0.get(..depth), path.0.get(depth)) else { continue };
                match previous {
                    Some((p, s)) if p == prefix && s == seg => continue,
                    Some((p, _)) if p == prefix => {}
                    _ => candidates = 0,
                }
                previous = Some((prefix, seg));
                if seg.candidate_kind().is_some() {
                    candidates += 1;
                    // Counted once per parent, and only when no ancestor is already overfull
                    // (its subtree's folding covers this parent).
                    if candidates == MAX_LITERAL_CHILDREN + 1
                        && !overfull.iter().any(|outer| prefix.starts_with(outer))
                    {
                        overfull.push(prefix.to_vec());
                    }
                }
            }
        }
        overfull
    }
}

/// Discovery state for many hosts: what one batch of calls adds, or what a run has seen.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InventoryState {
    pub hosts: BTreeMap<String, HostInventory>,
}

impl InventoryState {
    pub fn host_mut(&mut self, host: &str) -> &mut HostInventory {
        self.hosts.entry(host.to_owned()).or_insert_with(|| HostInventory::new(host))
    }

    /// Folds `other` into `self` (see [`HostInventory::merge`]).
    pub fn merge(&mut self, other: InventoryState) {
        for (host, theirs) in other.hosts {
            match self.hosts.get_mut(&host) {
                Some(ours) => ours.merge_owned(theirs),
                None => {
                    self.hosts.insert(host, theirs);
                }
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.hosts.is_empty()
    }

    /// Normalised paths kept over all hosts: what the state's memory grows with.
    pub fn path_count(&self) -> usize {
        self.hosts.values().map(|host| host.paths.len()).sum()
    }

    /// Folds identifier positions past the cap in every host (see [`HostInventory::collapse`]).
    pub fn collapse(&mut self) {
        for host in self.hosts.values_mut() {
            host.collapse();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Seg {
        Seg::Lit(s.to_owned())
    }

    fn host_with(names: impl Iterator<Item = String>) -> HostInventory {
        let mut host = HostInventory::new("h");
        for name in names {
            host.entry(PathKey(vec![lit("users"), lit(&name), lit("repos")]), "GET").touch(1);
        }
        host.collapse();
        host
    }

    #[test]
    fn path_keys_round_trip_through_text() {
        let key = PathKey(vec![lit("a b"), Seg::Typed(SegKind::Int), lit("x/y{z}%")]);
        assert_eq!(key.to_text(), "/a b/{int}/x%2Fy%7Bz%7D%25");
        assert_eq!(PathKey::from_text(&key.to_text()), Some(key));
        assert_eq!(PathKey::from_text("/"), Some(PathKey(vec![])));
    }

    #[test]
    fn many_free_text_children_collapse_the_same_in_any_split() {
        let names = |range: std::ops::Range<usize>| range.map(|i| format!("user{i}x"));
        let n = MAX_LITERAL_CHILDREN;
        let mut split = host_with(names(0..n / 2));
        split.merge(&host_with(names(n / 2..n)));
        split.merge(&host_with(names(n..n + 1)));
        let whole = host_with(names(0..n + 1));
        assert_eq!(split, whole);
        assert_eq!(whole.paths.len(), 1);
        assert_eq!(whole.calls(), n as u64 + 1);
        let (key, _) = whole.paths.iter().next().unwrap();
        assert_eq!(key.to_text(), "/users/{text}/repos");
    }

    #[test]
    fn a_flood_of_distinct_paths_under_every_cap_stays_bounded() {
        let mut host = HostInventory::new("h");
        for i in 0..200 {
            for j in 0..200 {
                host.entry(PathKey(vec![lit(&format!("a{i}x")), lit(&format!("b{j}y")), lit("me")]), "GET")
                    .touch(1);
            }
        }
        host.collapse();
        assert!(host.paths.len() <= MAX_HOST_PATHS, "{}", host.paths.len());
        assert_eq!(host.calls(), 40_000);
    }

    #[test]
    fn reserved_and_version_prefixes_never_collapse() {
        let mut host = host_with((0..MAX_LITERAL_CHILDREN + 5).map(|i| format!("name{i}q")));
        host.entry(PathKey(vec![lit("users"), lit("me")]), "GET").touch(1);
        host.entry(PathKey(vec![lit("users"), lit("v2")]), "GET").touch(1);
        host.collapse();
        let keys: Vec<String> = host.paths.keys().map(PathKey::to_text).collect();
        assert_eq!(keys, vec!["/users/me", "/users/v2", "/users/{text}/repos"]);
    }
}

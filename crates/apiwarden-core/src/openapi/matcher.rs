//! A segment trie over the full templates (server base path + template) of a spec, one
//! root per host plus one for host-less servers.
//!
//! A lookup walks the trie depth-first over the request's segments, visiting each node at
//! most once, and keeps the best route by specificity: more static segments first, then
//! more partly-static segments (`{name}.json`), then static segments further left, then
//! host-specific over host-less routes, then the earlier route.

use std::borrow::Cow;
use std::cmp::{Ordering, Reverse};
use std::collections::HashMap;

use super::template::{Piece, decode};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum MPiece {
    Lit(Vec<u8>),
    Param,
}

/// One segment of a route as compiled.
#[derive(Clone, Debug)]
pub(crate) enum CSeg {
    Static(Vec<u8>),
    Param(String),
    Mixed { pieces: Vec<MPiece>, names: Vec<String> },
}

impl CSeg {
    /// Compiles the pieces of one template segment.
    pub(crate) fn compile(pieces: &[Piece<'_>]) -> CSeg {
        match pieces {
            [Piece::Lit(text)] => CSeg::Static(decode(text).into_owned()),
            [Piece::Param(name)] => CSeg::Param((*name).to_owned()),
            _ => {
                let mut compiled = Vec::new();
                let mut names = Vec::new();
                for piece in pieces {
                    match piece {
                        Piece::Lit(text) => compiled.push(MPiece::Lit(decode(text).into_owned())),
                        Piece::Param(name) => {
                            compiled.push(MPiece::Param);
                            names.push((*name).to_owned());
                        }
                    }
                }
                CSeg::Mixed { pieces: compiled, names }
            }
        }
    }
}

#[derive(Clone, Debug, Default)]
struct Node {
    statics: Vec<(Box<[u8]>, u32)>,
    mixed: Vec<(u32, u32)>,
    param: Option<u32>,
    routes: Vec<u32>,
}

#[derive(Clone, Debug)]
pub(crate) struct Route {
    /// Index of the [`super::SpecTemplate`] this route serves.
    pub(crate) entry: usize,
    pub(crate) full_template: String,
    pub(crate) host_specific: bool,
    segments: Vec<CSeg>,
    param_count: usize,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Matcher {
    nodes: Vec<Node>,
    any_root: Option<u32>,
    /// Sorted by host.
    host_roots: Vec<(Box<str>, u32)>,
    mixed_shapes: Vec<Vec<MPiece>>,
    routes: Vec<Route>,
    max_segments: usize,
}

/// Builds a [`Matcher`]; static children are collected in hash maps and sorted at the end
/// so that building is linear even for nodes with tens of thousands of children.
#[derive(Default)]
pub(crate) struct MatcherBuilder {
    matcher: Matcher,
    host_roots: HashMap<Box<str>, u32>,
    statics: HashMap<(u32, Box<[u8]>), u32>,
    mixed: HashMap<(u32, u32), u32>,
    shapes: HashMap<Vec<MPiece>, u32>,
}

impl MatcherBuilder {
    fn new_node(&mut self) -> u32 {
        let id = u32::try_from(self.matcher.nodes.len()).unwrap_or(u32::MAX);
        self.matcher.nodes.push(Node::default());
        id
    }

    fn root(&mut self, host: Option<&str>) -> u32 {
        match host {
            None => match self.matcher.any_root {
                Some(root) => root,
                None => {
                    let root = self.new_node();
                    self.matcher.any_root = Some(root);
                    root
                }
            },
            Some(host) => match self.host_roots.get(host) {
                Some(&root) => root,
                None => {
                    let root = self.new_node();
                    self.host_roots.insert(host.into(), root);
                    root
                }
            },
        }
    }

    /// Adds a route; `host` is normalised (lower case, default port removed).
    pub(crate) fn add(
        &mut self,
        entry: usize,
        host: Option<&str>,
        full_template: String,
        segments: Vec<CSeg>,
    ) {
        let mut node = self.root(host);
        for segment in &segments {
            node = match segment {
                CSeg::Static(bytes) => {
                    let key = (node, bytes.clone().into_boxed_slice());
                    match self.statics.get(&key) {
                        Some(&child) => child,
                        None => {
                            let child = self.new_node();
                            self.statics.insert(key, child);
                            child
                        }
                    }
                }
                CSeg::Param(_) => match self.matcher.nodes.get(node as usize).and_then(|n| n.param) {
                    Some(child) => child,
                    None => {
                        let child = self.new_node();
                        if let Some(n) = self.matcher.nodes.get_mut(node as usize) {
                            n.param = Some(child);
                        }
                        child
                    }
                },
                CSeg::Mixed { pieces, .. } => {
                    let shape = match self.shapes.get(pieces) {
                        Some(&shape) => shape,
                        None => {
                            let shape = u32::try_from(self.matcher.mixed_shapes.len()).unwrap_or(u32::MAX);
                            self.matcher.mixed_shapes.push(pieces.clone());
                            self.shapes.insert(pieces.clone(), shape);
                            shape
                        }
                    };
                    match self.mixed.get(&(node, shape)) {
                        Some(&child) => child,
                        None => {
                            let child = self.new_node();
                            self.mixed.insert((node, shape), child);
                            child
                        }
                    }
                }
            };
        }
        let route = u32::try_from(self.matcher.routes.len()).unwrap_or(u32::MAX);
        if let Some(n) = self.matcher.nodes.get_mut(node as usize) {
            n.routes.push(route);
        }
        self.matcher.max_segments = self.matcher.max_segments.max(segments.len());
        let param_count = segments
            .iter()
            .map(|s| match s {
                CSeg::Static(_) => 0,
                CSeg::Param(_) => 1,
                CSeg::Mixed { names, .. } => names.len(),
            })
            .sum();
        self.matcher.routes.push(Route {
            entry,
            full_template,
            host_specific: host.is_some(),
            segments,
            param_count,
        });
    }

    pub(crate) fn finish(mut self) -> Matcher {
        for ((parent, bytes), child) in self.statics {
            if let Some(node) = self.matcher.nodes.get_mut(parent as usize) {
                node.statics.push((bytes, child));
            }
        }
        let mut mixed: Vec<((u32, u32), u32)> = self.mixed.into_iter().collect();
        mixed.sort_unstable();
        for ((parent, shape), child) in mixed {
            if let Some(node) = self.matcher.nodes.get_mut(parent as usize) {
                node.mixed.push((shape, child));
            }
        }
        for node in &mut self.matcher.nodes {
            node.statics.sort_unstable_by(|a, b| by_len_then_bytes(&a.0, &b.0));
        }
        let mut hosts: Vec<(Box<str>, u32)> = self.host_roots.into_iter().collect();
        hosts.sort_unstable();
        self.matcher.host_roots = hosts;
        self.matcher
    }
}

/// Shorter keys first: a lookup compares lengths and only compares bytes of equal length.
fn by_len_then_bytes(a: &[u8], b: &[u8]) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// A request path segment: raw text and percent-decoded bytes.
pub(crate) struct ReqSeg<'p> {
    pub(crate) raw: &'p str,
    pub(crate) bytes: Cow<'p, [u8]>,
}

/// Splits a raw request path into segments: scheme and authority of an absolute URL,
/// query and fragment are dropped; empty and `.` segments are skipped and `..` removes
/// the previous segment, as a server would before routing.
pub(crate) fn split_path(path: &str) -> Vec<ReqSeg<'_>> {
    let mut path = path;
    if let Some(at) = path.bytes().position(|b| b == b'?' || b == b'#') {
        path = &path[..at];
    }
    if !path.starts_with('/')
        && let Some(scheme_end) = path.find("://")
        && path[..scheme_end].bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    {
        let after = &path[scheme_end + 3..];
        path = after.find('/').map_or("", |slash| &after[slash..]);
    }
    let mut segments: Vec<ReqSeg<'_>> = Vec::with_capacity(8);
    for raw in path.split('/') {
        match raw {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            _ => segments.push(ReqSeg { raw, bytes: decode(raw) }),
        }
    }
    segments
}

/// Matches a mixed segment; fills `spans` with the byte ranges of its parameters.
pub(crate) fn match_mixed(pieces: &[MPiece], text: &[u8], spans: &mut Vec<(usize, usize)>) -> bool {
    let mut budget = 256_u32;
    spans.clear();
    match_mixed_from(pieces, text, 0, spans, &mut budget)
}

fn match_mixed_from(
    pieces: &[MPiece],
    text: &[u8],
    pos: usize,
    spans: &mut Vec<(usize, usize)>,
    budget: &mut u32,
) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    let rest = text.get(pos..).unwrap_or_default();
    match pieces.split_first() {
        None => rest.is_empty(),
        Some((MPiece::Lit(lit), tail)) => {
            rest.starts_with(lit) && match_mixed_from(tail, text, pos + lit.len(), spans, budget)
        }
        Some((MPiece::Param, tail)) => match tail.first() {
            // Last piece: the parameter takes the (non-empty) rest.
            None => {
                if rest.is_empty() {
                    return false;
                }
                spans.push((pos, text.len()));
                true
            }
            Some(MPiece::Lit(lit)) => {
                // Try every place the next literal occurs, leftmost first.
                let mut end = pos + 1;
                while end + lit.len() <= text.len() {
                    if text.get(end..end + lit.len()) == Some(lit.as_slice()) {
                        let depth = spans.len();
                        spans.push((pos, end));
                        if match_mixed_from(tail, text, end, spans, budget) {
                            return true;
                        }
                        spans.truncate(depth);
                    }
                    end += 1;
                }
                false
            }
            // Adjacent parameters are rejected when templates are imported.
            Some(MPiece::Param) => false,
        },
    }
}

/// How specific a route is, compared field by field (larger wins).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
struct Score {
    statics: u16,
    mixed: u16,
    static_mask: u64,
    mixed_mask: u64,
}

impl Score {
    fn with(self, index: usize, kind: u8) -> Score {
        let bit = if index < 64 { 1_u64 << (63 - index) } else { 0 };
        match kind {
            0 => {
                Score { statics: self.statics.saturating_add(1), static_mask: self.static_mask | bit, ..self }
            }
            1 => Score { mixed: self.mixed.saturating_add(1), mixed_mask: self.mixed_mask | bit, ..self },
            _ => self,
        }
    }
}

type Rank = (Score, bool, Reverse<u32>);

impl Matcher {
    /// The best route for a normalised host (lower case) and split path.
    pub(crate) fn find(&self, host: &str, segments: &[ReqSeg<'_>]) -> Option<&Route> {
        if segments.len() > self.max_segments {
            return None;
        }
        let (name, has_port) = split_port(host);
        let mut best: Option<Rank> = None;
        let mut spans = Vec::new();
        if has_port && let Some(root) = self.host_root(host) {
            self.search(root, 0, segments, Score::default(), &mut best, &mut spans);
        }
        if let Some(root) = self.host_root(name) {
            self.search(root, 0, segments, Score::default(), &mut best, &mut spans);
        }
        if let Some(root) = self.any_root {
            self.search(root, 0, segments, Score::default(), &mut best, &mut spans);
        }
        best.and_then(|(_, _, Reverse(route))| self.routes.get(route as usize))
    }

    fn host_root(&self, host: &str) -> Option<u32> {
        if self.host_roots.is_empty() {
            return None;
        }
        let found = self.host_roots.binary_search_by(|(key, _)| (**key).cmp(host)).ok()?;
        self.host_roots.get(found).map(|(_, root)| *root)
    }

    fn search(
        &self,
        node: u32,
        depth: usize,
        segments: &[ReqSeg<'_>],
        score: Score,
        best: &mut Option<Rank>,
        spans: &mut Vec<(usize, usize)>,
    ) {
        let Some(current) = self.nodes.get(node as usize) else { return };
        let Some(segment) = segments.get(depth) else {
            for &route in &current.routes {
                let host_specific = self.routes.get(route as usize).is_some_and(|r| r.host_specific);
                let rank = (score, host_specific, Reverse(route));
                if best.as_ref().is_none_or(|b| rank.cmp(b) == Ordering::Greater) {
                    *best = Some(rank);
                }
            }
            return;
        };
        let bytes: &[u8] = &segment.bytes;
        if let Ok(found) = current.statics.binary_search_by(|(key, _)| by_len_then_bytes(key, bytes))
            && let Some((_, child)) = current.statics.get(found)
        {
            self.search(*child, depth + 1, segments, score.with(depth, 0), best, spans);
        }
        for &(shape, child) in &current.mixed {
            if let Some(pieces) = self.mixed_shapes.get(shape as usize)
                && match_mixed(pieces, bytes, spans)
            {
                self.search(child, depth + 1, segments, score.with(depth, 1), best, spans);
            }
        }
        if let Some(child) = current.param {
            self.search(child, depth + 1, segments, score.with(depth, 2), best, spans);
        }
    }
}

impl Route {
    /// Parameter names and values of a request this route matched.
    pub(crate) fn params<'s, 'p>(&'s self, segments: &[ReqSeg<'p>]) -> Vec<(&'s str, Cow<'p, str>)> {
        let mut out = Vec::with_capacity(self.param_count);
        let mut spans = Vec::new();
        for (compiled, segment) in self.segments.iter().zip(segments) {
            match compiled {
                CSeg::Static(_) => {}
                CSeg::Param(name) => {
                    let value = match &segment.bytes {
                        Cow::Borrowed(_) => Cow::Borrowed(segment.raw),
                        Cow::Owned(bytes) => Cow::Owned(String::from_utf8_lossy(bytes).into_owned()),
                    };
                    out.push((name.as_str(), value));
                }
                CSeg::Mixed { pieces, names } => {
                    if match_mixed(pieces, &segment.bytes, &mut spans) {
                        for (name, &(start, end)) in names.iter().zip(spans.iter()) {
                            let bytes = segment.bytes.get(start..end).unwrap_or_default();
                            out.push((
                                name.as_str(),
                                Cow::Owned(String::from_utf8_lossy(bytes).into_owned()),
                            ));
                        }
                    }
                }
            }
        }
        out
    }
}

/// Lower-cases a host and drops a trailing dot (`API.Example.com.` → `api.example.com`).
pub(crate) fn normalize_host(host: &str) -> Cow<'_, str> {
    let host = host.trim();
    let (name, port) = match split_port(host) {
        (name, true) => (name, &host[name.len()..]),
        (name, false) => (name, ""),
    };
    let trimmed = name.strip_suffix('.').unwrap_or(name);
    if trimmed.len() == name.len() && !host.bytes().any(|b| b.is_ascii_uppercase()) {
        return Cow::Borrowed(host);
    }
    Cow::Owned(format!("{}{}", trimmed.to_ascii_lowercase(), port))
}

/// Splits `host:port` / `[v6]:port` → (`host`, has a port).
pub(crate) fn split_port(host: &str) -> (&str, bool) {
    if host.starts_with('[') {
        return match host.find("]:") {
            Some(end) => (&host[..=end], true),
            None => (host, false),
        };
    }
    match host.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => (name, true),
        _ => (host, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans_of(pieces: &[MPiece], text: &str) -> Option<Vec<(usize, usize)>> {
        let mut spans = Vec::new();
        match_mixed(pieces, text.as_bytes(), &mut spans).then_some(spans)
    }

    #[test]
    fn mixed_segments_backtrack() {
        let lit = |s: &str| MPiece::Lit(s.as_bytes().to_vec());
        let name_json = [MPiece::Param, lit(".json")];
        assert_eq!(spans_of(&name_json, "a.json.json"), Some(vec![(0, 6)]));
        assert_eq!(spans_of(&name_json, ".json"), None);
        let ab = [MPiece::Param, lit("ab")];
        assert_eq!(spans_of(&ab, "aabab"), Some(vec![(0, 3)]));
        let version = [lit("v"), MPiece::Param, lit("."), MPiece::Param];
        assert_eq!(spans_of(&version, "v1.2.3"), Some(vec![(1, 2), (3, 6)]));
        assert_eq!(spans_of(&version, "v1."), None);
    }

    #[test]
    fn paths_are_split_like_a_server_would() {
        let raw = |path: &str| split_path(path).iter().map(|s| s.raw.to_owned()).collect::<Vec<_>>();
        assert_eq!(raw("/a//b/./c/../d?x=/y#z"), ["a", "b", "d"]);
        assert_eq!(raw("https://h.example/a/b"), ["a", "b"]);
        assert_eq!(raw("https://h.example"), Vec::<String>::new());
        assert_eq!(raw("/../../a"), ["a"]);
        assert_eq!(split_path("/a%20b").first().map(|s| s.bytes.to_vec()), Some(b"a b".to_vec()));
    }

    #[test]
    fn hosts_normalise() {
        assert_eq!(normalize_host("API.Example.com.:8443"), "api.example.com:8443");
        assert_eq!(normalize_host("api.example.com"), "api.example.com");
        assert_eq!(split_port("[::1]:8080"), ("[::1]", true));
        assert_eq!(split_port("[::1]"), ("[::1]", false));
        assert_eq!(split_port("::1"), ("::1", false));
        assert_eq!(split_port("h:80"), ("h", true));
    }
}

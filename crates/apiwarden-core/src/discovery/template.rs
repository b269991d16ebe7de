//! From discovery state to endpoint templates, and from templates to [`Endpoint`]s.
//!
//! The state's paths already have unmistakable identifiers typed (`/users/{int}`). What is
//! left to decide is which *literal* segments are identifiers too. [`template_host`] builds
//! a trie of the host's paths and walks it top-down; at each node it splits the children:
//!
//! * typed placeholders are the node's parameter;
//! * dates and dotted versions are parameters when there are many distinct ones, or when
//!   the value is a leaf; a single date or version with several endpoints below it is the
//!   API's version prefix (`/api/2024-01-01/...`) and stays static;
//! * version prefixes (`v2`) and reserved route words (`me`, `latest`, `export`) stay static;
//! * free text that has typed identifiers below it names a collection (`/admin/users/{int}`)
//!   and stays static;
//! * the remaining free text is grouped by how alike the siblings are (methods, child
//!   segments, response and request body properties, media types, with single-link
//!   clustering); a group of at least three (two when the values mix letters and digits,
//!   like SKUs) becomes the parameter. Static resources share neither their children nor
//!   their record fields, so they stay apart even when they share a list envelope.
//!
//! All the node's parameter children are merged (their subtrees too) and the walk goes on
//! below, so evidence from every id value counts for the levels beneath.
//!
//! A user spec wins: paths that an [`TemplateOverride`] (the OpenAPI import) recognises
//! take its template and never enter the trie.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use super::inventory::{HostInventory, MAX_LITERAL_CHILDREN, PathKey, Seg, shape_key};
use super::segment::{SegClass, SegKind, classify, distinctive_shape, is_id_like};
use super::stats::{EndpointStats, ParamTable};
use crate::endpoint::{AuthKind, AuthSeen, BodySchema, Endpoint, EndpointKey, Parameter, ResponseSummary};
use crate::field::Location;

/// Similarity (Jaccard over profile features) at which two siblings count as alike.
const ALIKE: f64 = 0.6;
/// Share of a sibling's features the group must show for the sibling to join it.
const CONTAINED: f64 = 0.8;
/// Beside folded values, at most this many literals are also compared with each other.
const PAIRWISE_WITH_ANCHOR: usize = 48;
/// Shape recorded for values without a distinctive one.
const PLAIN_SHAPE: &str = "plain";
/// Literal values that must have been merged for "spread" to count as evidence.
const MIN_SPREAD_VALUES: usize = 3;
/// Distinct dates or versions under one parent that make the position a parameter.
const MANY_DATED: usize = 4;

/// Something that knows templates better than inference (a user's OpenAPI document).
pub trait TemplateOverride {
    /// The template (`/api/v1/users/{id}`) for a concrete path of `host`, if known.
    fn template_for(&self, host: &str, path: &str) -> Option<String>;
}

/// One path parameter of a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathParam {
    pub name: String,
    /// The kinds of values seen at this position (empty for spec parameters).
    pub kinds: BTreeSet<SegKind>,
}

/// One endpoint of a host, with its merged statistics.
#[derive(Clone, Debug, PartialEq)]
pub struct Templated {
    pub method: String,
    pub template: String,
    pub params: Vec<PathParam>,
    pub stats: EndpointStats,
    pub from_spec: bool,
}

#[derive(Default)]
struct Node {
    children: BTreeMap<Seg, Node>,
    methods: BTreeMap<String, EndpointStats>,
    /// For a node merged from literal identifier values: how many values were merged, and
    /// under how many of them each literal child appeared. A static sub-resource appears
    /// under many values (`/orgs/*/repos`); an identifier under one (`/starred/alice/repo-a`).
    merged_values: usize,
    spread: BTreeMap<String, usize>,
}

impl Node {
    fn insert_owned(&mut self, segs: &[Seg], methods: BTreeMap<String, EndpointStats>) {
        match segs.split_first() {
            Some((first, rest)) => {
                self.children.entry(first.clone()).or_default().insert_owned(rest, methods)
            }
            None => {
                for (method, stats) in methods {
                    match self.methods.get_mut(&method) {
                        Some(existing) => existing.merge(&stats),
                        None => {
                            self.methods.insert(method, stats);
                        }
                    }
                }
            }
        }
    }

    /// Moves every path of this subtree into `out`.
    fn flatten_into(
        self,
        prefix: &mut Vec<Seg>,
        out: &mut BTreeMap<PathKey, BTreeMap<String, EndpointStats>>,
    ) {
        if !self.methods.is_empty() {
            out.insert(PathKey(prefix.clone()), self.methods);
        }
        for (seg, child) in self.children {
            prefix.push(seg);
            child.flatten_into(prefix, out);
            prefix.pop();
        }
    }

    fn absorb(&mut self, other: Node) {
        merge_methods(&mut self.methods, other.methods);
        for (seg, child) in other.children {
            self.children.entry(seg).or_default().absorb(child);
        }
    }

    /// Nodes with at least one method in this subtree.
    fn endpoint_paths(&self) -> usize {
        usize::from(!self.methods.is_empty())
            + self.children.values().map(Node::endpoint_paths).sum::<usize>()
    }

    fn has_typed_id_child(&self) -> bool {
        self.children.keys().any(|seg| {
            matches!(seg, Seg::Typed(kind) if !matches!(kind, SegKind::FreeText | SegKind::Date | SegKind::Version))
        })
    }

    /// Features that say what kind of thing this node is: its own methods, media types and
    /// body properties, the same one level down (prefixed `1:`), and its children's names —
    /// except free-text names, which are themselves likely identifiers and count only as
    /// "some child" (`c:~`), so `/starred/alice/repo-a` and `/starred/bob/repo-b` look alike.
    fn profile(&self) -> BTreeSet<String> {
        let mut features = BTreeSet::new();
        self.own_features("", &mut features);
        for (seg, child) in &self.children {
            features.insert(match seg {
                Seg::Lit(text) if matches!(classify(text), SegClass::FreeText) => "c:~".to_owned(),
                Seg::Lit(text) => format!("c:{text}"),
                Seg::Typed(kind) => format!("c:{{{}}}", kind.as_str()),
            });
            child.own_features("1:", &mut features);
        }
        features
    }

    fn own_features(&self, prefix: &str, features: &mut BTreeSet<String>) {
        for (method, stats) in &self.methods {
            features.insert(format!("{prefix}m:{method}"));
            for (media, body) in &stats.request_bodies {
                features.insert(format!("{prefix}t:{media}"));
                features.extend(body.schema.property_paths(40).into_iter().map(|p| format!("{prefix}b:{p}")));
            }
            for (status, response) in &stats.responses {
                if !(200..300).contains(status) {
                    continue;
                }
                for (media, body) in &response.bodies {
                    features.insert(format!("{prefix}t:{media}"));
                    features
                        .extend(body.schema.property_paths(40).into_iter().map(|p| format!("{prefix}r:{p}")));
                }
            }
        }
    }
}

/// Folds `from` into `into`, moving the stats `into` does not have yet.
fn merge_methods(into: &mut BTreeMap<String, EndpointStats>, from: BTreeMap<String, EndpointStats>) {
    for (method, stats) in from {
        match into.entry(method) {
            std::collections::btree_map::Entry::Occupied(mut ours) => ours.get_mut().merge(&stats),
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(stats);
            }
        }
    }
}

/// Share of `part`'s features that `whole` has too (0 for an empty `part`).
fn containment(part: &BTreeSet<String>, whole: &BTreeSet<String>) -> f64 {
    if part.is_empty() {
        return 0.0;
    }
    part.intersection(whole).count() as f64 / part.len() as f64
}

fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 1.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

/// The template tree after deciding parameters.
#[derive(Default)]
struct Resolved {
    statics: BTreeMap<String, Resolved>,
    param: Option<(BTreeSet<SegKind>, Box<Resolved>)>,
    methods: BTreeMap<String, EndpointStats>,
}

type ShapeMap = BTreeMap<PathKey, BTreeMap<String, u64>>;

fn resolve(node: Node, prefix: &mut Vec<Seg>, shapes: &ShapeMap) -> Resolved {
    let Node { children, methods, merged_values, spread } = node;
    // Spread only means something when several literal values were merged here.
    let spread = if merged_values >= MIN_SPREAD_VALUES { spread } else { BTreeMap::new() };
    let mut param_kinds: BTreeSet<SegKind> = BTreeSet::new();
    let mut param = Node::default();
    let mut has_param = false;
    let mut statics: BTreeMap<String, Node> = BTreeMap::new();
    let mut dated: BTreeMap<SegKind, Vec<(String, Node)>> = BTreeMap::new();
    let mut free: Vec<(String, Node)> = Vec::new();
    // Identifier values already folded, or typed as opaque tokens (random ids that a few
    // siblings failed to match by shape), anchor their look-alike literal siblings.
    let anchor: Option<BTreeSet<String>> = [SegKind::FreeText, SegKind::Token]
        .into_iter()
        .filter_map(|kind| children.get(&Seg::Typed(kind)).map(Node::profile))
        .reduce(|mut a, b| {
            a.extend(b);
            a
        });

    for (seg, child) in children {
        match seg {
            Seg::Typed(kind) => {
                param_kinds.insert(kind);
                param.absorb(child);
                has_param = true;
            }
            Seg::Lit(text) => match classify(&text) {
                SegClass::Date => dated.entry(SegKind::Date).or_default().push((text, child)),
                SegClass::Version => dated.entry(SegKind::Version).or_default().push((text, child)),
                SegClass::FreeText if !child.has_typed_id_child() => free.push((text, child)),
                _ => {
                    statics.insert(text, child);
                }
            },
        }
    }

    for (kind, values) in dated {
        let many = values.len() >= MANY_DATED;
        for (text, child) in values {
            if many || child.endpoint_paths() < 2 {
                param_kinds.insert(kind);
                param.absorb(child);
                has_param = true;
            } else {
                statics.insert(text, child);
            }
        }
    }

    let known_shapes = if anchor.is_some() { shapes.get(&shape_key(prefix)) } else { None };
    let chosen = choose_free_text_params(&free, &spread, anchor.as_ref(), known_shapes);
    for (index, (text, child)) in free.into_iter().enumerate() {
        if chosen.contains(&index) {
            param_kinds.insert(SegKind::FreeText);
            param.merged_values += 1;
            for seg in child.children.keys() {
                if let Seg::Lit(name) = seg {
                    *param.spread.entry(name.clone()).or_default() += 1;
                }
            }
            param.absorb(child);
            has_param = true;
        } else {
            statics.insert(text, child);
        }
    }

    Resolved {
        statics: statics
            .into_iter()
            .map(|(text, child)| {
                prefix.push(Seg::Lit(text.clone()));
                let resolved = resolve(child, prefix, shapes);
                prefix.pop();
                (text, resolved)
            })
            .collect(),
        param: has_param.then(|| {
            prefix.push(Seg::Typed(SegKind::FreeText));
            let resolved = resolve(param, prefix, shapes);
            prefix.pop();
            (param_kinds, Box::new(resolved))
        }),
        methods,
    }
}

/// Indices of the free-text siblings that are identifiers.
///
/// `anchor` is the profile of identifier values already collapsed at this position; siblings
/// whose features it contains join them, even without a group of their own.
fn choose_free_text_params(
    free: &[(String, Node)],
    spread: &BTreeMap<String, usize>,
    anchor: Option<&BTreeSet<String>>,
    anchor_shapes: Option<&BTreeMap<String, u64>>,
) -> BTreeSet<usize> {
    let all_id_like = free.iter().all(|(text, _)| is_id_like(text));
    let min_group = if all_id_like { 2 } else { 3 };
    if free.is_empty() || (free.len() < min_group && anchor.is_none()) {
        return BTreeSet::new();
    }
    let profiles: Vec<BTreeSet<String>> = free.iter().map(|(_, node)| node.profile()).collect();
    // Single-link clustering with union-find.
    let mut parent: Vec<usize> = (0..free.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while let Some(&p) = parent.get(i) {
            if p == i {
                break;
            }
            let grand = parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = parent.get_mut(i) {
                *slot = grand;
            }
            i = p;
        }
        i
    }
    // Beside many values already folded (`anchor`), judging each literal against them is
    // enough and keeps folding linear; pairwise likeness is for deciding a position afresh.
    let pairwise = anchor.is_none() || free.len() <= PAIRWISE_WITH_ANCHOR;
    let id_like: Vec<bool> = free.iter().map(|(text, _)| is_id_like(text)).collect();
    let owned_by_one: Vec<bool> = free.iter().map(|(text, _)| spread.get(text) == Some(&1)).collect();
    for i in 0..free.len() {
        if !pairwise {
            break;
        }
        for j in (i + 1)..free.len() {
            let (Some(a), Some(b)) = (profiles.get(i), profiles.get(j)) else { continue };
            // Values that read like ids (SKUs) also link when one's traffic is a subset of
            // the other's (seen only with DELETE, or only with an error).
            let both_id_like = id_like.get(i) == Some(&true) && id_like.get(j) == Some(&true);
            let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
            // Children that each belong to a single parent value and are used the same way
            // (a shared method) are that parent's identifiers.
            let both_owned = owned_by_one.get(i) == Some(&true) && owned_by_one.get(j) == Some(&true);
            let share_method =
                a.iter().any(|f| (f.starts_with("m:") || f.starts_with("1:m:")) && b.contains(f));
            if jaccard(a, b) >= ALIKE
                || (both_id_like && containment(small, large) >= CONTAINED)
                || (both_owned && share_method)
            {
                let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                if let Some(slot) = parent.get_mut(ri.max(rj)) {
                    *slot = ri.min(rj);
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..free.len() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    // The largest group (ties: the one with the smallest first member, for determinism).
    let mut groups: Vec<Vec<usize>> = groups.into_values().collect();
    groups.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    let union_of = |members: &[usize]| -> BTreeSet<String> {
        members.iter().filter_map(|i| profiles.get(*i)).flat_map(|p| p.iter().cloned()).collect()
    };
    let mut chosen: BTreeSet<usize> = BTreeSet::new();
    let mut union: BTreeSet<String> = anchor.cloned().unwrap_or_default();
    // Every group of alike values big enough to stand on its own is identifiers (values seen
    // only with PUT and others only with DELETE form two groups); static siblings are
    // unlike each other and never form one.
    for group in groups.iter().filter(|g| g.len() >= min_group) {
        chosen.extend(group.iter().copied());
        union.extend(union_of(group));
    }
    if chosen.is_empty() && anchor.is_none() {
        return BTreeSet::new();
    }
    // DELETE addresses items, not static collections: a value whose only traffic, here or one
    // level down, is DELETE joins.
    let delete_only = |f: &String| {
        matches!(f.as_str(), "m:DELETE" | "1:m:DELETE" | "c:~")
            || f.starts_with("t:")
            || f.starts_with("1:t:")
    };
    for (i, profile) in profiles.iter().enumerate() {
        if profile.iter().any(|f| f.ends_with("m:DELETE")) && profile.iter().all(delete_only) {
            chosen.insert(i);
        }
    }
    // Other groups join when what they show is part of what the chosen values show (values
    // seen with less traffic: only a sub-path, only one method, only an error), or when the
    // chosen values are the thinly seen ones and the group shows all they show and more.
    // Values seen with traffic unlike anyone's (the only DELETE of one slug) still join when
    // their lexical shape is distinctive and common among the chosen values.
    let shapes: Vec<Option<String>> = free.iter().map(|(text, _)| distinctive_shape(text)).collect();
    let mut shape_counts: BTreeMap<String, u64> = anchor_shapes.cloned().unwrap_or_default();
    for i in &chosen {
        let shape = shapes.get(*i).cloned().flatten().unwrap_or_else(|| PLAIN_SHAPE.to_owned());
        *shape_counts.entry(shape).or_default() += 1;
    }
    let total: u64 = shape_counts.values().sum();
    let common_shapes: BTreeSet<String> = shape_counts
        .into_iter()
        .filter(|(shape, n)| shape != PLAIN_SHAPE && *n >= 5 && n * 10 >= total * 3)
        .map(|(shape, _)| shape)
        .collect();
    loop {
        let before = chosen.len();
        for (i, shape) in shapes.iter().enumerate() {
            if shape.as_ref().is_some_and(|shape| common_shapes.contains(shape)) {
                chosen.insert(i);
            }
        }
        for group in &groups {
            if group.iter().any(|i| chosen.contains(i)) {
                continue;
            }
            let theirs = union_of(group);
            if containment(&theirs, &union) >= CONTAINED || containment(&union, &theirs) >= CONTAINED {
                chosen.extend(group.iter().copied());
                union.extend(theirs);
            }
        }
        if chosen.len() == before {
            break;
        }
    }
    chosen
}

/// Bounds the state: where a parent has more than [`MAX_LITERAL_CHILDREN`] candidate
/// literals, or already has collapsed identifiers, the literals that are alike the
/// identifiers (by the same likeness rules as templating) fold into a typed placeholder;
/// unlike ones (`/articles/drafts` among article slugs) stay. Past twice the limit everything
/// folds, so memory stays bounded whatever the traffic. Returns whether anything changed.
///
/// `cap` is [`MAX_LITERAL_CHILDREN`] normally. Under pressure (a host past
/// [`super::inventory::MAX_HOST_PATHS`]) a smaller cap folds every literal beyond it, and a
/// cap of 0 folds every child of every node into one placeholder, which always bounds the host.
pub(super) fn collapse_host(host: &mut HostInventory, cap: usize) -> bool {
    collapse_subtrees(host, &[Vec::new()], cap)
}

/// [`collapse_host`] restricted to the paths under each of `prefixes` (none a prefix of
/// another). Folding under a parent never changes a path outside its subtree, so when only
/// a few parents are over the cap this gives the same result as folding the whole host, at
/// the cost of those subtrees only.
pub(super) fn collapse_subtrees(host: &mut HostInventory, prefixes: &[Vec<Seg>], cap: usize) -> bool {
    let mut changed = false;
    for prefix in prefixes {
        let mut root = Node::default();
        if prefix.is_empty() {
            for (key, methods) in std::mem::take(&mut host.paths) {
                root.insert_owned(&key.0, methods);
            }
        } else {
            let keys: Vec<PathKey> = host
                .paths
                .range(PathKey(prefix.clone())..)
                .take_while(|(key, _)| key.0.starts_with(prefix))
                .map(|(key, _)| key.clone())
                .collect();
            for key in keys {
                if let Some(methods) = host.paths.remove(&key) {
                    root.insert_owned(key.0.get(prefix.len()..).unwrap_or_default(), methods);
                }
            }
        }
        changed |= collapse_node(&mut root, &mut prefix.clone(), &mut host.collapsed_shapes, cap);
        root.flatten_into(&mut prefix.clone(), &mut host.paths);
    }
    changed
}

fn collapse_node(
    node: &mut Node,
    prefix: &mut Vec<Seg>,
    shapes: &mut BTreeMap<PathKey, BTreeMap<String, u64>>,
    cap: usize,
) -> bool {
    let mut changed = false;
    if cap == 0 && node.children.len() > 1 {
        let mut merged = Node::default();
        for child in std::mem::take(&mut node.children).into_values() {
            merged.absorb(child);
        }
        node.children.insert(Seg::Typed(SegKind::FreeText), merged);
        changed = true;
    }
    // Under pressure every literal may fold, route words and version prefixes included.
    let pressure = cap < MAX_LITERAL_CHILDREN;
    let kind_of = |seg: &Seg| match seg {
        Seg::Lit(_) if pressure => Some(seg.candidate_kind().unwrap_or(SegKind::FreeText)),
        _ => seg.candidate_kind(),
    };
    let candidates = node.children.keys().filter(|seg| kind_of(seg).is_some()).count();
    if candidates > cap {
        let force_all = pressure || candidates > 2 * MAX_LITERAL_CHILDREN;
        let anchor = node.children.get(&Seg::Typed(SegKind::FreeText)).map(Node::profile);
        let mut free: Vec<(String, Node)> = Vec::new();
        for (seg, child) in std::mem::take(&mut node.children) {
            match (kind_of(&seg), seg) {
                (Some(SegKind::FreeText), Seg::Lit(text)) if force_all || !child.has_typed_id_child() => {
                    free.push((text, child));
                }
                (Some(kind), _) => {
                    // Dates and versions fold by kind.
                    node.children.entry(Seg::Typed(kind)).or_default().absorb(child);
                    changed = true;
                }
                (None, seg) => {
                    node.children.insert(seg, child);
                }
            }
        }
        let mut chosen: BTreeSet<usize> = if force_all {
            (0..free.len()).collect()
        } else {
            let known = shapes.get(&shape_key(prefix)).cloned();
            choose_free_text_params(&free, &BTreeMap::new(), anchor.as_ref(), known.as_ref())
        };
        // Still past the cap after folding the look-alikes: so many distinct values at one
        // position are identifiers whatever their traffic looks like. Folding them all keeps
        // each value's folding work constant (no position stays over the cap).
        if free.len() - chosen.len() > MAX_LITERAL_CHILDREN {
            chosen = (0..free.len()).collect();
        }
        for (index, (text, child)) in free.into_iter().enumerate() {
            if chosen.contains(&index) {
                let shape = distinctive_shape(&text).unwrap_or_else(|| PLAIN_SHAPE.to_owned());
                *shapes.entry(shape_key(prefix)).or_default().entry(shape).or_default() += 1;
                node.children.entry(Seg::Typed(SegKind::FreeText)).or_default().absorb(child);
                changed = true;
            } else {
                node.children.entry(Seg::Lit(text)).or_default().absorb(child);
            }
        }
    }
    for (seg, child) in node.children.iter_mut() {
        prefix.push(seg.clone());
        changed |= collapse_node(child, prefix, shapes, cap);
        prefix.pop();
    }
    changed
}

/// Renders a normalised path as a concrete example path (for spec matching).
fn sample_path(key: &PathKey) -> String {
    const SEGMENT: &percent_encoding::AsciiSet =
        &percent_encoding::CONTROLS.add(b' ').add(b'/').add(b'?').add(b'#').add(b'%').add(b'{').add(b'}');
    if key.0.is_empty() {
        return "/".into();
    }
    let mut out = String::new();
    for seg in &key.0 {
        out.push('/');
        match seg {
            Seg::Lit(text) => out.extend(percent_encoding::utf8_percent_encode(text, SEGMENT)),
            Seg::Typed(kind) => out.push_str(match kind {
                SegKind::Int => "1",
                SegKind::Uuid => "00000000-0000-4000-8000-000000000000",
                SegKind::Hex => "0123456789abcdef",
                SegKind::ObjectId => "0123456789abcdef01234567",
                SegKind::Email => "user@example.com",
                SegKind::Token => "AbCdEf0123456789xyZ",
                SegKind::Date => "2024-01-01",
                SegKind::Version => "1.0.0",
                SegKind::FreeText => "value",
            }),
        }
    }
    out
}

/// Computes the endpoints of one host, sorted by template then method.
pub fn template_host(host: &HostInventory, spec: Option<&dyn TemplateOverride>) -> Vec<Templated> {
    let mut root = Node::default();
    let mut from_spec: BTreeMap<(String, String), EndpointStats> = BTreeMap::new();
    for (key, methods) in &host.paths {
        if let Some(template) = spec.and_then(|s| s.template_for(&host.host, &sample_path(key))) {
            for (method, stats) in methods {
                from_spec.entry((template.clone(), method.clone())).or_default().merge(stats);
            }
        } else {
            root.insert_owned(&key.0, methods.clone());
        }
    }
    let mut out = Vec::new();
    let mut segments = Vec::new();
    let mut params = Vec::new();
    emit(resolve(root, &mut Vec::new(), &host.collapsed_shapes), &mut segments, &mut params, &mut out);
    for ((template, method), stats) in from_spec {
        let params = spec_params(&template);
        out.push(Templated { method, template, params, stats, from_spec: true });
    }
    out.sort_by(|a, b| a.template.cmp(&b.template).then_with(|| a.method.cmp(&b.method)));
    out
}

fn spec_params(template: &str) -> Vec<PathParam> {
    template
        .split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| PathParam { name: name.to_owned(), kinds: BTreeSet::new() })
        .collect()
}

fn emit(node: Resolved, segments: &mut Vec<String>, params: &mut Vec<PathParam>, out: &mut Vec<Templated>) {
    let Resolved { statics, param, methods } = node;
    if !methods.is_empty() {
        let template = if segments.is_empty() { "/".to_owned() } else { format!("/{}", segments.join("/")) };
        for (method, stats) in methods {
            out.push(Templated {
                method,
                template: template.clone(),
                params: params.clone(),
                stats,
                from_spec: false,
            });
        }
    }
    for (text, child) in statics {
        segments.push(escape_static(&text));
        emit(child, segments, params, out);
        segments.pop();
    }
    if let Some((kinds, child)) = param {
        let name = param_name(segments, params, &kinds);
        segments.push(format!("{{{name}}}"));
        params.push(PathParam { name, kinds });
        emit(*child, segments, params, out);
        params.pop();
        segments.pop();
    }
}

/// Static segments go into templates percent-encoded where a template needs it.
fn escape_static(text: &str) -> String {
    const TEMPLATE_SEGMENT: &percent_encoding::AsciiSet =
        &percent_encoding::CONTROLS.add(b' ').add(b'/').add(b'?').add(b'#').add(b'%').add(b'{').add(b'}');
    percent_encoding::utf8_percent_encode(text, TEMPLATE_SEGMENT).to_string()
}

/// `users` → `userId`, `audit-logs` → `auditLogId`; dates, versions and emails by kind;
/// unique within the template.
fn param_name(segments: &[String], taken: &[PathParam], kinds: &BTreeSet<SegKind>) -> String {
    let previous = segments.last().filter(|s| !s.starts_with('{'));
    let base = match (kinds.iter().next(), kinds.len(), previous) {
        (Some(SegKind::Date), 1, _) => "date".to_owned(),
        (Some(SegKind::Version), 1, _) => "version".to_owned(),
        (Some(SegKind::Email), 1, None) => "email".to_owned(),
        (Some(SegKind::Email), 1, Some(prev)) => format!("{}Email", camel(&singular(prev))),
        (_, _, Some(prev)) => format!("{}Id", camel(&singular(prev))),
        _ => "id".to_owned(),
    };
    let base = if base == "Id" || base.is_empty() { "id".to_owned() } else { base };
    let mut name = base.clone();
    let mut n = 2;
    while taken.iter().any(|p| p.name == name) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}

fn singular(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    if let Some(stem) = lower.strip_suffix("ies").filter(|s| s.len() > 1) {
        return format!("{stem}y");
    }
    for suffix in ["sses", "xes", "ches", "shes", "statuses", "addresses"] {
        if lower.ends_with(suffix) {
            return lower.get(..lower.len() - 2).unwrap_or(&lower).to_owned();
        }
    }
    if lower.ends_with('s') && !lower.ends_with("ss") && !lower.ends_with("us") && lower.len() > 3 {
        return lower.get(..lower.len() - 1).unwrap_or(&lower).to_owned();
    }
    lower
}

/// `audit-log` → `auditLog`; characters outside `[A-Za-z0-9]` separate words.
fn camel(word: &str) -> String {
    let mut out = String::new();
    let mut upper_next = false;
    for ch in word.chars() {
        if ch.is_ascii_alphanumeric() {
            if out.is_empty() {
                if ch.is_ascii_digit() {
                    out.push('p');
                }
                out.push(ch.to_ascii_lowercase());
            } else if upper_next {
                out.push(ch.to_ascii_uppercase());
            } else {
                out.push(ch);
            }
            upper_next = false;
        } else {
            upper_next = !out.is_empty();
        }
    }
    out
}

/// Builds the inventory entry of one templated endpoint.
pub fn materialize(host: &str, templated: &Templated) -> Endpoint {
    let stats = &templated.stats;
    let mut parameters: Vec<Parameter> = templated
        .params
        .iter()
        .map(|p| Parameter {
            name: p.name.clone(),
            location: Location::Path,
            required: true,
            schema: path_param_schema(&p.kinds),
            count: stats.calls,
        })
        .collect();
    for (location, table) in [
        (Location::Query, &stats.query),
        (Location::Header, &stats.headers),
        (Location::Cookie, &stats.cookies),
    ] {
        parameters.extend(table_params(location, table, stats.calls));
    }
    let request_bodies = stats
        .request_bodies
        .iter()
        .map(|(media, body)| BodySchema {
            media_type: if media.is_empty() { "application/octet-stream".into() } else { media.clone() },
            schema: body.schema.to_json_schema(),
            count: body.count,
        })
        .collect();
    let responses = stats
        .responses
        .iter()
        .map(|(status, response)| ResponseSummary {
            status: *status,
            count: response.count,
            bodies: response
                .bodies
                .iter()
                .map(|(media, body)| BodySchema {
                    media_type: if media.is_empty() {
                        "application/octet-stream".into()
                    } else {
                        media.clone()
                    },
                    schema: body.schema.to_json_schema(),
                    count: body.count,
                })
                .collect(),
        })
        .collect();
    let mut auth: Vec<AuthSeen> = stats
        .auth
        .iter()
        .filter_map(|(key, count)| {
            let (kind, name) =
                key.split_once(':').map_or((key.as_str(), None), |(k, n)| (k, Some(n.to_owned())));
            let kind = [
                AuthKind::None,
                AuthKind::Basic,
                AuthKind::Bearer,
                AuthKind::BearerJwt,
                AuthKind::ApiKeyHeader,
                AuthKind::ApiKeyQuery,
                AuthKind::SessionCookie,
            ]
            .into_iter()
            .find(|k| k.as_str() == kind)?;
            Some(AuthSeen { kind, name, count: *count })
        })
        .collect();
    auth.sort();
    Endpoint {
        key: EndpointKey {
            host: host.to_owned(),
            method: templated.method.clone(),
            template: templated.template.clone(),
        },
        schemes: stats.schemes.keys().cloned().collect(),
        from_spec: templated.from_spec,
        parameters,
        request_bodies,
        responses,
        auth,
        calls: stats.seen(),
        analysed_calls: (stats.unanalysed > 0).then_some(stats.calls),
        first_seen_us: stats.first_seen_us,
        last_seen_us: stats.last_seen_us,
        latency: stats.latency.summary(),
        examples: stats.examples.clone(),
        sensitive: stats.sensitive.values().cloned().collect(),
        posture: stats.posture.values().cloned().collect(),
    }
}

fn path_param_schema(kinds: &BTreeSet<SegKind>) -> serde_json::Value {
    match kinds.iter().collect::<Vec<_>>().as_slice() {
        [] => json!({"type": "string"}),
        [one] => one.json_schema(),
        many if many.iter().all(|k| matches!(k, SegKind::Int)) => json!({"type": "integer"}),
        _ => json!({"type": "string"}),
    }
}

fn table_params(location: Location, table: &ParamTable, calls: u64) -> impl Iterator<Item = Parameter> + '_ {
    table.params.iter().map(move |(name, p)| Parameter {
        name: name.clone(),
        location,
        required: p.count >= calls,
        schema: p.values.to_json_schema(),
        count: p.count,
    })
}

/// Templates and materialises every endpoint of a host.
pub fn host_endpoints(host: &HostInventory, spec: Option<&dyn TemplateOverride>) -> Vec<Endpoint> {
    template_host(host, spec).iter().map(|t| materialize(&host.host, t)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::observe::normalize_path;
    use crate::schema::SchemaNode;

    fn add(host: &mut HostInventory, method: &str, path: &str, response: serde_json::Value) {
        let stats = host.entry(normalize_path(path), method);
        stats.touch(1);
        let r = stats.responses.entry(200).or_default();
        r.count += 1;
        let body = r.bodies.entry("application/json".into()).or_default();
        body.count += 1;
        body.schema.merge(&SchemaNode::from_value(&response));
    }

    fn templates(host: &HostInventory) -> Vec<String> {
        template_host(host, None).into_iter().map(|t| format!("{} {}", t.method, t.template)).collect()
    }

    #[test]
    fn typed_ids_and_reserved_words() {
        let mut h = HostInventory::new("h");
        for id in 1..5 {
            add(&mut h, "GET", &format!("/users/{id}/orders/{}", id * 7), json!({"id": id}));
        }
        add(&mut h, "GET", "/users/me", json!({"id": 1}));
        add(&mut h, "GET", "/orders/export", json!([]));
        assert_eq!(
            templates(&h),
            vec!["GET /orders/export", "GET /users/me", "GET /users/{userId}/orders/{orderId}"]
        );
    }

    #[test]
    fn usernames_by_likeness_and_static_collections_apart() {
        let mut h = HostInventory::new("h");
        for name in ["alice", "bob", "carol", "dave"] {
            add(
                &mut h,
                "GET",
                &format!("/users/{name}"),
                json!({"login": name, "name": "N", "followers": 3}),
            );
        }
        add(
            &mut h,
            "GET",
            "/admin/users",
            json!({"items": [{"id": 1, "email": "a@b.co", "role": "x"}], "total": 1}),
        );
        add(
            &mut h,
            "GET",
            "/admin/roles",
            json!({"items": [{"id": 1, "permissions": ["a"], "label": "x"}], "total": 1}),
        );
        add(
            &mut h,
            "GET",
            "/admin/groups",
            json!({"items": [{"id": 1, "members": 2, "owner": "x"}], "total": 1}),
        );
        for i in 1..3 {
            add(&mut h, "GET", &format!("/admin/users/{i}"), json!({"id": i}));
        }
        assert_eq!(
            templates(&h),
            vec![
                "GET /admin/groups",
                "GET /admin/roles",
                "GET /admin/users",
                "GET /admin/users/{userId}",
                "GET /users/{userId}"
            ]
        );
    }

    #[test]
    fn date_version_prefix_stays_static_but_date_leaves_are_params() {
        let mut h = HostInventory::new("h");
        add(&mut h, "GET", "/api/2024-01-01/accounts", json!([]));
        add(&mut h, "GET", "/api/2024-01-01/transfers", json!([]));
        add(&mut h, "GET", "/statements/2024-02-01", json!({"total": 1}));
        assert_eq!(
            templates(&h),
            vec!["GET /api/2024-01-01/accounts", "GET /api/2024-01-01/transfers", "GET /statements/{date}"]
        );
    }

    #[test]
    fn names_are_unique_within_a_template() {
        let mut h = HostInventory::new("h");
        add(&mut h, "GET", "/a/1/2", json!({}));
        let t = template_host(&h, None);
        assert_eq!(t[0].template, "/a/{aId}/{id}");
        let mut h = HostInventory::new("h");
        add(&mut h, "GET", "/categories/1/categories/2", json!({}));
        assert_eq!(template_host(&h, None)[0].template, "/categories/{categoryId}/categories/{categoryId2}");
    }

    struct Spec;
    impl TemplateOverride for Spec {
        fn template_for(&self, _host: &str, path: &str) -> Option<String> {
            path.starts_with("/users/").then(|| "/users/{uid}".to_owned())
        }
    }

    #[test]
    fn spec_templates_win() {
        let mut h = HostInventory::new("h");
        add(&mut h, "GET", "/users/alice", json!({}));
        add(&mut h, "GET", "/items/5", json!({}));
        let t = template_host(&h, Some(&Spec));
        let names: Vec<_> = t.iter().map(|t| (t.template.as_str(), t.from_spec)).collect();
        assert_eq!(names, vec![("/items/{itemId}", false), ("/users/{uid}", true)]);
        let endpoint = materialize("h", &t[1]);
        assert_eq!(endpoint.parameters[0].name, "uid");
    }
}

//! The traffic engine: API specifications (endpoints, parameters, clients, body
//! generators) and the generator that turns a specification into HAR entries.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use serde_json::{Value, json};

use crate::har::{Cache, Content, Cookie, Entry, NameValue, PostData, PostParam, Request, Response, Timings};
use crate::values::{self, Kind, Pool, pick, zipf_index};
use crate::words::*;

pub(crate) type JsonGen = fn(&mut Ctx<'_>) -> Value;
pub(crate) type FormGen = fn(&mut Ctx<'_>) -> Vec<(String, String)>;
pub(crate) type TextGen = fn(&mut Ctx<'_>) -> String;
pub(crate) type UploadGen = fn(&mut Ctx<'_>) -> Upload;
/// Wraps list items in the API's envelope; gets the items and the collection total and
/// returns the body and any extra response headers (`Link`, `X-Total-Count`).
pub(crate) type EnvelopeFn = fn(&mut Ctx<'_>, Vec<Value>, i64) -> (Value, Vec<(String, String)>);
pub(crate) type ErrorFn = fn(&mut Ctx<'_>, u16) -> Value;

/// A file upload sent as `multipart/form-data`.
pub(crate) struct Upload {
    pub fields: Vec<(String, String)>,
    pub file_field: &'static str,
    pub file_name: String,
    pub content_type: &'static str,
    pub content: String,
}

#[derive(Clone, Copy)]
pub(crate) enum Req {
    None,
    Json(JsonGen),
    Form(FormGen),
    Multipart(UploadGen),
}

#[derive(Clone, Copy)]
pub(crate) enum Resp {
    Json(JsonGen),
    /// A collection: items generated one by one and wrapped in the API's envelope.
    List(JsonGen),
    Empty,
    /// Binary body of this media type (image, PDF, tarball), base64 in the HAR.
    Binary(&'static str),
    Text(&'static str, TextGen),
    /// `303 See Other` to this path.
    Redirect(&'static str),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ClientKind {
    Browser,
    Mobile,
    Sdk,
    Script,
    Device,
    Monitor,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AuthStyle {
    None,
    BearerJwt,
    BearerToken(&'static str),
    ApiKeyHeader(&'static str),
    ApiKeyQuery(&'static str),
    SessionCookie(&'static str),
    Basic,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EpAuth {
    /// The calling client's own credentials.
    Client,
    /// No credentials (browsers still send their cookies).
    Public,
    /// Called by monitoring probes only, without credentials.
    Monitor,
    /// The client's key, presented in this style (legacy API versions).
    Style(AuthStyle),
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Freq {
    /// Relative call frequency.
    Weight(f64),
    /// Emitted exactly this many times per run, at random moments.
    Exactly(u32),
}

#[derive(Clone, Copy)]
pub(crate) enum QV {
    Int(i64, i64),
    Pick(&'static [&'static str]),
    /// Comma-separated subset, such as `include=author,tags`.
    Many(&'static [&'static str]),
    Words,
    /// RFC 3339 date-time up to this many days before now.
    DateTime(i64),
    Date(i64),
    Bool,
    Cursor,
}

#[derive(Clone, Copy)]
pub(crate) struct Q {
    pub name: &'static str,
    pub p: f64,
    pub v: QV,
}

pub(crate) const fn q(name: &'static str, p: f64, v: QV) -> Q {
    Q { name, p, v }
}

#[derive(Clone)]
pub(crate) struct Ep {
    pub method: &'static str,
    pub path: &'static str,
    pub freq: Freq,
    pub auth: EpAuth,
    pub by: Option<ClientKind>,
    pub query: Vec<Q>,
    pub req: Req,
    pub resp: Resp,
    pub ok: u16,
    pub errors: &'static [u16],
    pub latency: f64,
    pub sets_session: bool,
    pub headers: &'static [(&'static str, &'static str)],
}

pub(crate) fn ep(method: &'static str, path: &'static str, weight: f64) -> Ep {
    let (ok, latency) = match method {
        "POST" => (201, 90.0),
        "DELETE" => (204, 60.0),
        "PUT" | "PATCH" => (200, 70.0),
        _ => (200, 35.0),
    };
    Ep {
        method,
        path,
        freq: Freq::Weight(weight),
        auth: EpAuth::Client,
        by: None,
        query: Vec::new(),
        req: Req::None,
        resp: if method == "DELETE" { Resp::Empty } else { Resp::Json(|_| json!({})) },
        ok,
        errors: &[],
        latency,
        sets_session: false,
        headers: &[],
    }
}

pub(crate) fn get(path: &'static str, weight: f64) -> Ep {
    ep("GET", path, weight)
}
pub(crate) fn post(path: &'static str, weight: f64) -> Ep {
    ep("POST", path, weight)
}
pub(crate) fn put(path: &'static str, weight: f64) -> Ep {
    ep("PUT", path, weight)
}
pub(crate) fn patch(path: &'static str, weight: f64) -> Ep {
    ep("PATCH", path, weight)
}
pub(crate) fn delete(path: &'static str, weight: f64) -> Ep {
    ep("DELETE", path, weight)
}

impl Ep {
    pub(crate) fn json(mut self, g: JsonGen) -> Self {
        self.resp = Resp::Json(g);
        self
    }
    pub(crate) fn list(mut self, item: JsonGen) -> Self {
        self.resp = Resp::List(item);
        self.latency *= 1.8;
        self
    }
    pub(crate) fn resp(mut self, r: Resp) -> Self {
        self.resp = r;
        self
    }
    pub(crate) fn body(mut self, g: JsonGen) -> Self {
        self.req = Req::Json(g);
        self
    }
    pub(crate) fn form(mut self, g: FormGen) -> Self {
        self.req = Req::Form(g);
        self
    }
    pub(crate) fn upload(mut self, g: UploadGen) -> Self {
        self.req = Req::Multipart(g);
        self
    }
    pub(crate) fn q(mut self, qs: &[Q]) -> Self {
        self.query.extend_from_slice(qs);
        self
    }
    pub(crate) fn ok(mut self, status: u16) -> Self {
        self.ok = status;
        self
    }
    pub(crate) fn err(mut self, errors: &'static [u16]) -> Self {
        self.errors = errors;
        self
    }
    pub(crate) fn public(mut self) -> Self {
        self.auth = EpAuth::Public;
        self
    }
    pub(crate) fn monitor(mut self) -> Self {
        self.auth = EpAuth::Monitor;
        self.latency = 3.0;
        self
    }
    pub(crate) fn auth(mut self, a: EpAuth) -> Self {
        self.auth = a;
        self
    }
    pub(crate) fn by(mut self, k: ClientKind) -> Self {
        self.by = Some(k);
        self
    }
    pub(crate) fn exactly(mut self, n: u32) -> Self {
        self.freq = Freq::Exactly(n);
        self
    }
    pub(crate) fn lat(mut self, ms: f64) -> Self {
        self.latency = ms;
        self
    }
    pub(crate) fn session(mut self) -> Self {
        self.sets_session = true;
        self
    }
    pub(crate) fn headers(mut self, h: &'static [(&'static str, &'static str)]) -> Self {
        self.headers = h;
        self
    }
}

/// A static file served next to the API: noise that is not part of the truth.
#[derive(Clone, Copy)]
pub(crate) struct Asset {
    /// May contain `{hash}`, replaced by a per-deployment content hash.
    pub path: &'static str,
    pub mime: &'static str,
    pub size: usize,
}

pub(crate) struct ClientMix {
    pub kind: ClientKind,
    pub auth: AuthStyle,
    pub count: usize,
    pub weight: f64,
}

pub(crate) const fn mix(kind: ClientKind, auth: AuthStyle, count: usize, weight: f64) -> ClientMix {
    ClientMix { kind, auth, count, weight }
}

pub(crate) struct ParamDef {
    pub name: &'static str,
    pub kind: Kind,
    pub reuse: f64,
    pub cap: usize,
}

pub(crate) const fn param(name: &'static str, kind: Kind, reuse: f64, cap: usize) -> ParamDef {
    ParamDef { name, kind, reuse, cap }
}

/// Everything that describes one synthetic API.
pub(crate) struct ApiSpec {
    pub params: Vec<ParamDef>,
    pub endpoints: Vec<Ep>,
    pub clients: Vec<ClientMix>,
    pub envelope: EnvelopeFn,
    pub error: ErrorFn,
    pub error_mime: &'static str,
    pub server: &'static str,
    pub server_ip: &'static str,
    /// User-Agent of the first-party mobile app or SDK.
    pub app_ua: &'static str,
    pub key_prefix: &'static str,
    pub assets: &'static [Asset],
    pub asset_rate: f64,
    /// Origin of the browser app when it is not the API host (CORS preflights).
    pub cors_origin: Option<&'static str>,
    pub base64_rate: f64,
    pub pretty: bool,
    /// Paths under this prefix sometimes get a trailing slash from script clients.
    pub trailing_slash: Option<&'static str>,
    pub default_limit: i64,
    pub extra_response_headers: &'static [(&'static str, &'static str)],
}

impl ApiSpec {
    pub(crate) fn new(endpoints: Vec<Ep>, params: Vec<ParamDef>, clients: Vec<ClientMix>) -> Self {
        ApiSpec {
            params,
            endpoints,
            clients,
            envelope: |_, items, total| (json!({ "items": items, "total": total }), Vec::new()),
            error: |_, status| json!({ "error": status }),
            error_mime: "application/json",
            server: "nginx",
            server_ip: "203.0.113.10",
            app_ua: "ExampleApp/1.0",
            key_prefix: "key_",
            assets: &[],
            asset_rate: 0.0,
            cors_origin: None,
            base64_rate: 0.0,
            pretty: false,
            trailing_slash: None,
            default_limit: 20,
            extra_response_headers: &[],
        }
    }
}

/// A simulated caller.
pub(crate) struct Client {
    pub kind: ClientKind,
    pub auth: AuthStyle,
    pub ua: String,
    pub credential: String,
    pub user_id: i64,
    pub username: String,
    pub email: String,
    pub h2: bool,
    pub cookies: Vec<(String, String)>,
}

/// What a body generator sees: randomness, the call's path parameters and query, the
/// caller, the clock, and the parameter pools (to mint ids for created objects).
pub(crate) struct Ctx<'a> {
    pub rng: &'a mut StdRng,
    pools: &'a mut [Pool],
    reserved: &'a HashSet<&'static str>,
    pub params: &'a [(&'static str, String)],
    pub query: &'a [(String, String)],
    pub now: i64,
    pub client: &'a Client,
    pub host: &'static str,
    pub path: &'a str,
    pub method: &'static str,
}

const DAY_MS: f64 = 86_400_000.0;

impl Ctx<'_> {
    pub(crate) fn int(&mut self, lo: i64, hi: i64) -> i64 {
        self.rng.random_range(lo..=hi.max(lo))
    }
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }
    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        pick(self.rng, items)
    }
    pub(crate) fn zipf(&mut self, n: usize) -> usize {
        zipf_index(self.rng, n)
    }
    pub(crate) fn uuid(&mut self) -> String {
        values::uuid(self.rng)
    }
    pub(crate) fn hex(&mut self, n: usize) -> String {
        values::hex(self.rng, n)
    }
    pub(crate) fn b62(&mut self, n: usize) -> String {
        values::b62(self.rng, n)
    }
    pub(crate) fn token(&mut self, bytes: usize) -> String {
        values::b64url(self.rng, bytes)
    }
    pub(crate) fn make(&mut self, kind: Kind) -> String {
        values::generate(self.rng, kind)
    }
    /// The value of a path parameter of this call.
    pub(crate) fn param(&self, name: &str) -> String {
        self.params.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }
    pub(crate) fn param_int(&self, name: &str) -> i64 {
        self.params.iter().find(|(n, _)| *n == name).and_then(|(_, v)| v.parse().ok()).unwrap_or(0)
    }
    pub(crate) fn query(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
    pub(crate) fn page(&self) -> i64 {
        self.query("page").and_then(|p| p.parse().ok()).unwrap_or(1)
    }
    /// An id from a parameter pool: a popular existing one or a new one.
    pub(crate) fn id(&mut self, pool: &str) -> String {
        match self.pools.iter_mut().find(|p| p.name == pool) {
            Some(p) => p.pick(self.rng, self.reserved),
            None => values::b62(self.rng, 12),
        }
    }
    /// A new id for an object created by this call; later calls may use it.
    pub(crate) fn fresh(&mut self, pool: &str) -> String {
        match self.pools.iter_mut().find(|p| p.name == pool) {
            Some(p) => {
                let kind = p.kind;
                p.mint(self.rng, self.reserved).unwrap_or_else(|| values::generate(self.rng, kind))
            }
            None => values::b62(self.rng, 12),
        }
    }
    pub(crate) fn id_int(&mut self, pool: &str) -> i64 {
        self.id(pool).parse().unwrap_or(0)
    }
    pub(crate) fn fresh_int(&mut self, pool: &str) -> i64 {
        self.fresh(pool).parse().unwrap_or(0)
    }
    /// RFC 3339 timestamp up to `days` before now, skewed towards recent.
    pub(crate) fn ts_ago(&mut self, days: f64) -> String {
        let u: f64 = self.rng.random();
        let back = (u * u * days * DAY_MS) as i64;
        values::rfc3339(self.now - back)
    }
    pub(crate) fn ts_now(&self) -> String {
        values::rfc3339(self.now)
    }
    pub(crate) fn ts_ahead(&mut self, days: f64) -> String {
        let u: f64 = self.rng.random();
        values::rfc3339(self.now + (u * days * DAY_MS) as i64)
    }
    pub(crate) fn date_ago(&mut self, days: f64) -> String {
        let u: f64 = self.rng.random();
        values::date(self.now - (u * days * DAY_MS) as i64)
    }
    pub(crate) fn first(&mut self) -> String {
        cap(self.pick(FIRST_NAMES))
    }
    pub(crate) fn last(&mut self) -> String {
        cap(self.pick(LAST_NAMES))
    }
    pub(crate) fn name(&mut self) -> String {
        format!("{} {}", self.first(), self.last())
    }
    pub(crate) fn email(&mut self) -> String {
        values::email(self.rng)
    }
    pub(crate) fn username(&mut self) -> String {
        values::username(self.rng)
    }
    pub(crate) fn words(&mut self, lo: usize, hi: usize) -> String {
        let n = self.rng.random_range(lo..=hi.max(lo));
        let mut s = String::new();
        for i in 0..n {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(self.pick(LOREM));
        }
        s
    }
    pub(crate) fn sentence(&mut self, lo: usize, hi: usize) -> String {
        let mut s = cap(&self.words(lo, hi));
        s.push('.');
        s
    }
    pub(crate) fn paragraph(&mut self, sentences: usize) -> String {
        let n = self.rng.random_range(1..=sentences.max(1));
        (0..n).map(|_| self.sentence(6, 16)).collect::<Vec<_>>().join(" ")
    }
    pub(crate) fn title(&mut self) -> String {
        let n = self.rng.random_range(2..6);
        (0..n).map(|_| cap(self.pick(LOREM))).collect::<Vec<_>>().join(" ")
    }
    pub(crate) fn city(&mut self) -> &'static str {
        self.pick(CITIES)
    }
    pub(crate) fn country(&mut self) -> &'static str {
        self.pick(COUNTRIES)
    }
    /// A price with two decimals, skewed towards cheap.
    pub(crate) fn money(&mut self, lo: f64, hi: f64) -> f64 {
        let u: f64 = self.rng.random();
        let v = lo + (hi - lo) * u * u;
        (v * 100.0).round() / 100.0
    }
    pub(crate) fn list(&mut self, lo: usize, hi: usize, f: impl Fn(&mut Self) -> Value) -> Value {
        let n = self.rng.random_range(lo..=hi.max(lo));
        Value::Array((0..n).map(|_| f(self)).collect())
    }
    pub(crate) fn tags(&mut self, max: usize) -> Value {
        let n = self.rng.random_range(0..=max);
        let mut v: Vec<&str> = (0..n).map(|_| self.pick(TAGS)).collect();
        v.sort_unstable();
        v.dedup();
        json!(v)
    }
    /// Removes each key with its probability: optional fields that are sometimes absent.
    pub(crate) fn drop(&mut self, mut v: Value, keys: &[(&str, f64)]) -> Value {
        if let Value::Object(map) = &mut v {
            for (k, p) in keys {
                if self.rng.random_bool(p.clamp(0.0, 1.0)) {
                    map.remove(*k);
                }
            }
        }
        v
    }
    pub(crate) fn url(&self, path: &str) -> String {
        format!("https://{}{}", self.host, path)
    }
}

pub(crate) fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Characters a browser or HTTP library escapes inside a path segment.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%');
/// What Python's `quote(value, safe="")` escapes as well.
const SEGMENT_STRICT: &AsciiSet = &SEGMENT.add(b'@').add(b':').add(b'+').add(b',').add(b';').add(b'=');

enum Seg {
    Static(&'static str),
    /// Index into the generator's pools.
    Param(usize),
}

/// One produced HAR entry, with the endpoint it exercises (`None` for noise).
pub(crate) struct Produced {
    pub started_ms: i64,
    pub entry: Entry,
    pub endpoint: Option<usize>,
}

/// Per-endpoint counters for `stats`.
#[derive(Default, Clone)]
pub(crate) struct EpStats {
    pub calls: usize,
    pub distinct: Vec<HashSet<String>>,
}

pub(crate) struct Generator {
    pub host: &'static str,
    spec: ApiSpec,
    endpoints: Arc<Vec<Ep>>,
    segments: Vec<Vec<Seg>>,
    pools: Vec<Pool>,
    reserved: HashSet<&'static str>,
    rng: StdRng,
    clients: Vec<Client>,
    mix_ranges: Vec<(usize, usize)>,
    mix_index: WeightedIndex<f64>,
    monitors: (usize, usize),
    weighted: Vec<usize>,
    ep_index: Option<WeightedIndex<f64>>,
    schedule: Vec<(usize, usize)>,
    schedule_pos: usize,
    produced: usize,
    pub emitted: Vec<bool>,
    body_bytes: Option<usize>,
    deploy_hashes: Vec<String>,
    pub stats: Option<Vec<EpStats>>,
}

impl Generator {
    pub(crate) fn new(
        host: &'static str,
        spec: ApiSpec,
        seed: u64,
        expected_calls: usize,
        body_bytes: Option<usize>,
    ) -> anyhow::Result<Self> {
        let mut rng = StdRng::seed_from_u64(seed);
        let endpoints = Arc::new(spec.endpoints.clone());
        let mut pools: Vec<Pool> =
            spec.params.iter().map(|p| Pool::new(p.name, p.kind, p.reuse, p.cap)).collect();
        let mut reserved = HashSet::new();
        let mut segments = Vec::with_capacity(endpoints.len());
        for e in endpoints.iter() {
            let mut segs = Vec::new();
            for s in e.path.split('/').filter(|s| !s.is_empty()) {
                if let Some(name) = s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    let idx = match pools.iter().position(|p| p.name == name) {
                        Some(i) => i,
                        None => {
                            anyhow::bail!("endpoint {} {} uses undeclared parameter {name}", e.method, e.path)
                        }
                    };
                    segs.push(Seg::Param(idx));
                } else {
                    reserved.insert(s);
                    segs.push(Seg::Static(s));
                }
            }
            segments.push(segs);
        }
        // Clients: each mix gets `count` clients; monitoring probes are always present.
        let mut clients = Vec::new();
        let mut mix_ranges = Vec::new();
        for m in &spec.clients {
            let start = clients.len();
            for i in 0..m.count.max(1) {
                clients.push(make_client(&mut rng, &spec, host, m.kind, m.auth, i));
            }
            mix_ranges.push((start, clients.len()));
        }
        let mstart = clients.len();
        for i in 0..2 {
            clients.push(make_client(&mut rng, &spec, host, ClientKind::Monitor, AuthStyle::None, i));
        }
        let monitors = (mstart, clients.len());
        // Field devices only call the endpoints meant for them (`Ep::by`).
        let general = |m: &ClientMix| if m.kind == ClientKind::Device { 0.0 } else { m.weight.max(0.0) };
        let mix_index = WeightedIndex::new(spec.clients.iter().map(general))
            .or_else(|_| WeightedIndex::new(spec.clients.iter().map(|m| m.weight.max(0.0))))
            .map_err(|e| anyhow::anyhow!("client mix weights for {host}: {e}"))?;
        let mut weighted = Vec::new();
        let mut weights = Vec::new();
        let mut schedule = Vec::new();
        let horizon = ((expected_calls as f64) * 0.9).max(1.0) as usize;
        for (i, e) in endpoints.iter().enumerate() {
            match e.freq {
                Freq::Weight(w) => {
                    weighted.push(i);
                    weights.push(w.max(0.0));
                }
                Freq::Exactly(n) => {
                    for _ in 0..n {
                        schedule.push((rng.random_range(0..horizon), i));
                    }
                }
            }
        }
        schedule.sort_unstable();
        let ep_index = if weights.is_empty() { None } else { WeightedIndex::new(&weights).ok() };
        // Pre-create the hottest values so the first calls already share popular ids.
        for p in pools.iter_mut() {
            let n = p.len();
            if n == 0 {
                let _ = p.mint(&mut rng, &reserved);
            }
        }
        let deploy_hashes = (0..6).map(|_| values::hex(&mut rng, 8)).collect();
        let emitted = vec![false; endpoints.len()];
        Ok(Generator {
            host,
            spec,
            endpoints,
            segments,
            pools,
            reserved,
            rng,
            clients,
            mix_ranges,
            mix_index,
            monitors,
            weighted,
            ep_index,
            schedule,
            schedule_pos: 0,
            produced: 0,
            emitted,
            body_bytes,
            deploy_hashes,
            stats: None,
        })
    }

    pub(crate) fn endpoint(&self, i: usize) -> Option<(&'static str, &'static str)> {
        self.endpoints.get(i).map(|e| (e.method, e.path))
    }

    pub(crate) fn endpoint_count(&self) -> usize {
        self.endpoints.len()
    }

    pub(crate) fn enable_stats(&mut self) {
        let s = self
            .segments
            .iter()
            .map(|segs| EpStats {
                calls: 0,
                distinct: segs
                    .iter()
                    .filter(|s| matches!(s, Seg::Param(_)))
                    .map(|_| HashSet::new())
                    .collect(),
            })
            .collect();
        self.stats = Some(s);
    }

    /// Produces the next call (and any noise a browser makes around it) at `now`.
    pub(crate) fn step(&mut self, now: i64, out: &mut Vec<Produced>) {
        let scheduled = match self.schedule.get(self.schedule_pos) {
            Some(&(pos, ep)) if pos <= self.produced => {
                self.schedule_pos += 1;
                Some(ep)
            }
            _ => None,
        };
        let ep_i = match (scheduled, &self.ep_index) {
            (Some(i), _) => i,
            (None, Some(idx)) => self.weighted.get(idx.sample(&mut self.rng)).copied().unwrap_or(0),
            (None, None) => return,
        };
        let before = out.len();
        self.call(ep_i, now, scheduled.is_some(), out);
        self.produced += out.len() - before;
    }

    fn pick_client(&mut self, e: &Ep) -> usize {
        if e.auth == EpAuth::Monitor {
            let (a, b) = self.monitors;
            return a + zipf_index(&mut self.rng, b - a);
        }
        let range = match e.by {
            Some(kind) => {
                let found = self.spec.clients.iter().position(|m| m.kind == kind);
                match found {
                    Some(i) => self.mix_ranges.get(i).copied(),
                    None => None,
                }
            }
            None => None,
        };
        let (a, b) = match range {
            Some(r) => r,
            None => {
                let m = self.mix_index.sample(&mut self.rng);
                self.mix_ranges.get(m).copied().unwrap_or((0, 1))
            }
        };
        a + zipf_index(&mut self.rng, b.saturating_sub(a).max(1))
    }

    fn call(&mut self, ep_i: usize, now: i64, forced_ok: bool, out: &mut Vec<Produced>) {
        let eps = Arc::clone(&self.endpoints);
        let Some(e) = eps.get(ep_i) else { return };
        let ci = self.pick_client(e);
        let rng = &mut self.rng;
        let Some(client) = self.clients.get(ci) else { return };
        let browser = client.kind == ClientKind::Browser;
        let strict = client.kind == ClientKind::Script && rng.random_bool(0.5);

        // Path.
        let mut params: Vec<(&'static str, String)> = Vec::new();
        let mut path = String::with_capacity(64);
        let segs = self.segments.get(ep_i).map(Vec::as_slice).unwrap_or(&[]);
        for s in segs {
            path.push('/');
            match s {
                Seg::Static(t) => path.push_str(t),
                Seg::Param(pi) => {
                    let Some(pool) = self.pools.get_mut(*pi) else { continue };
                    let v = pool.pick(rng, &self.reserved);
                    let set = if strict { SEGMENT_STRICT } else { SEGMENT };
                    path.extend(utf8_percent_encode(&v, set));
                    params.push((pool.name, v));
                }
            }
        }
        if path.is_empty() {
            path.push('/');
        }
        if let Some(stats) = self.stats.as_mut().and_then(|s| s.get_mut(ep_i)) {
            stats.calls += 1;
            for (d, (_, v)) in stats.distinct.iter_mut().zip(&params) {
                d.insert(v.clone());
            }
        }
        let mut url_path = path.clone();
        if let Some(prefix) = self.spec.trailing_slash
            && path.starts_with(prefix)
            && matches!(client.kind, ClientKind::Script | ClientKind::Device)
            && rng.random_bool(0.3)
        {
            url_path.push('/');
        }

        // Query string.
        let mut query: Vec<(String, String)> = Vec::new();
        for qd in &e.query {
            if !rng.random_bool(qd.p.clamp(0.0, 1.0)) {
                continue;
            }
            let v = match qd.v {
                QV::Int(lo, hi) => {
                    if qd.name == "page" {
                        (lo + zipf_index(rng, (hi - lo + 1).max(1) as usize) as i64).to_string()
                    } else {
                        rng.random_range(lo..=hi.max(lo)).to_string()
                    }
                }
                QV::Pick(opts) => pick(rng, opts).to_string(),
                QV::Many(opts) => {
                    let mut chosen: Vec<&str> =
                        opts.iter().copied().filter(|_| rng.random_bool(0.5)).collect();
                    if chosen.is_empty() {
                        chosen.push(pick(rng, opts));
                    }
                    chosen.join(",")
                }
                QV::Words => {
                    let n = rng.random_range(1..=3);
                    (0..n)
                        .map(|_| match rng.random_range(0..3) {
                            0 => pick(rng, TAGS),
                            1 => pick(rng, NOUNS),
                            _ => pick(rng, TECH_PREFIXES),
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                }
                QV::DateTime(days) => values::rfc3339(now - rng.random_range(0..(days.max(1) * 86_400_000))),
                QV::Date(days) => values::date(now - rng.random_range(0..(days.max(1) * 86_400_000))),
                QV::Bool => pick(rng, &["true", "false"]).to_string(),
                QV::Cursor => values::b64url(rng, 12),
            };
            query.push((qd.name.to_string(), v));
        }

        // Authentication as sent.
        let style = match e.auth {
            EpAuth::Client => client.auth,
            EpAuth::Style(s) => s,
            EpAuth::Public | EpAuth::Monitor => match client.auth {
                AuthStyle::SessionCookie(_) => client.auth,
                _ => AuthStyle::None,
            },
        };
        if let AuthStyle::ApiKeyQuery(name) = style {
            query.push((name.to_string(), client.credential.clone()));
        }

        // Outcome.
        let needs_auth = style != AuthStyle::None && matches!(e.auth, EpAuth::Client | EpAuth::Style(_));
        let mut status = e.ok;
        if !forced_ok {
            let r: f64 = rng.random();
            if !e.errors.is_empty() && r < 0.05 {
                status = pick(rng, e.errors);
            } else if needs_auth && r < 0.058 {
                status = if rng.random_bool(0.8) { 401 } else { 403 };
            } else if e.auth != EpAuth::Monitor && r < 0.0605 {
                status = 500;
            }
        }
        if e.auth == EpAuth::Monitor && !forced_ok && rng.random_bool(0.003) {
            status = 503;
        }

        let host = self.host;
        let mut ctx = Ctx {
            rng,
            pools: &mut self.pools,
            reserved: &self.reserved,
            params: &params,
            query: &query,
            now,
            client,
            host,
            path: &path,
            method: e.method,
        };

        // Request body.
        let mut req_headers: Vec<NameValue> = Vec::new();
        let mut post: Option<PostData> = None;
        match e.req {
            Req::None => {}
            Req::Json(g) => {
                let mut v = g(&mut ctx);
                let mut text = compact(&v);
                if let Some(n) = self.body_bytes
                    && text.len() < n
                {
                    pad(&mut ctx, &mut v, n - text.len());
                    text = compact(&v);
                }
                let mime = if browser { "application/json;charset=UTF-8" } else { "application/json" };
                post = Some(PostData { mime_type: mime.into(), text, params: Vec::new() });
            }
            Req::Form(g) => {
                let pairs = g(&mut ctx);
                let text =
                    form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs.iter()).finish();
                let params = pairs
                    .into_iter()
                    .map(|(n, v)| PostParam { name: n, value: Some(v), file_name: None, content_type: None })
                    .collect();
                post = Some(PostData { mime_type: "application/x-www-form-urlencoded".into(), text, params });
            }
            Req::Multipart(g) => {
                let up = g(&mut ctx);
                let boundary = format!("----WebKitFormBoundary{}", ctx.b62(16));
                let mut text = String::new();
                let mut params = Vec::new();
                for (n, v) in &up.fields {
                    text.push_str(&format!(
                        "--{boundary}\r\nContent-Disposition: form-data; name=\"{n}\"\r\n\r\n{v}\r\n"
                    ));
                    params.push(PostParam {
                        name: n.clone(),
                        value: Some(v.clone()),
                        file_name: None,
                        content_type: None,
                    });
                }
                text.push_str(&format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n{}\r\n--{boundary}--\r\n",
                    up.file_field, up.file_name, up.content_type, up.content
                ));
                params.push(PostParam {
                    name: up.file_field.to_string(),
                    value: None,
                    file_name: Some(up.file_name),
                    content_type: Some(up.content_type.to_string()),
                });
                post = Some(PostData {
                    mime_type: format!("multipart/form-data; boundary={boundary}"),
                    text,
                    params,
                });
            }
        }

        // Response body.
        let mut resp_headers: Vec<NameValue> = Vec::new();
        let mut redirect = String::new();
        let mut location: Option<String> = None;
        // `text` is what goes into the HAR (base64 when `encoded`), `body_len` the decoded size.
        let (mime, text, encoded, body_len): (String, Option<String>, bool, usize) =
            if (200..400).contains(&status) {
                match e.resp {
                    Resp::Json(g) | Resp::List(g) => {
                        let mut v = if let Resp::List(_) = e.resp {
                            let limit = ["limit", "per_page", "pageSize", "page_size"]
                                .iter()
                                .find_map(|n| ctx.query(n))
                                .and_then(|l| l.parse::<i64>().ok())
                                .unwrap_or(self.spec.default_limit)
                                .clamp(1, 60);
                            let page = ctx.page().max(1);
                            let total = if ctx.chance(0.08) { 0 } else { ctx.int(1, 400) };
                            let n = (total - (page - 1) * limit).clamp(0, limit);
                            let mut items: Vec<Value> = Vec::with_capacity(n as usize);
                            let mut size = 0;
                            for _ in 0..n {
                                // With padding asked for, keep lists near the target size too.
                                if let Some(b) = self.body_bytes {
                                    if size >= b {
                                        break;
                                    }
                                    let item = g(&mut ctx);
                                    size += compact(&item).len() + 1;
                                    items.push(item);
                                } else {
                                    items.push(g(&mut ctx));
                                }
                            }
                            let (v, h) = (self.spec.envelope)(&mut ctx, items, total);
                            resp_headers.extend(h.into_iter().map(|(n, v)| NameValue::new(n, v)));
                            v
                        } else {
                            g(&mut ctx)
                        };
                        if status == 201 && e.method == "POST" {
                            let id = match v.get("id") {
                                Some(Value::String(s)) => Some(s.clone()),
                                Some(Value::Number(n)) => Some(n.to_string()),
                                _ => None,
                            };
                            if let Some(id) = id {
                                location = Some(format!("{path}/{}", utf8_percent_encode(&id, SEGMENT)));
                            }
                        }
                        let mut text = if self.spec.pretty { pretty(&v) } else { compact(&v) };
                        if let Some(n) = self.body_bytes
                            && text.len() < n
                        {
                            pad(&mut ctx, &mut v, n - text.len());
                            text = if self.spec.pretty { pretty(&v) } else { compact(&v) };
                        }
                        let len = text.len();
                        if ctx.chance(self.spec.base64_rate) {
                            ("application/json; charset=utf-8".into(), Some(STANDARD.encode(text)), true, len)
                        } else {
                            ("application/json; charset=utf-8".into(), Some(text), false, len)
                        }
                    }
                    Resp::Empty => (String::new(), None, false, 0),
                    Resp::Binary(m) => {
                        let bytes = binary(ctx.rng, m);
                        (m.into(), Some(STANDARD.encode(&bytes)), true, bytes.len())
                    }
                    Resp::Text(m, g) => {
                        let t = g(&mut ctx);
                        let len = t.len();
                        (m.into(), Some(t), false, len)
                    }
                    Resp::Redirect(to) => {
                        redirect = format!("https://{host}{to}");
                        location = Some(to.to_string());
                        ("text/html; charset=utf-8".into(), Some(String::new()), false, 0)
                    }
                }
            } else {
                let v = (self.spec.error)(&mut ctx, status);
                let text = compact(&v);
                let len = text.len();
                (self.spec.error_mime.to_string(), Some(text), false, len)
            };
        let resp_status = if let Resp::Redirect(_) = e.resp {
            if (200..400).contains(&status) { 303 } else { status }
        } else {
            status
        };
        let rng = ctx.rng;

        // Request headers.
        let h2 = client.h2;
        let hn = |s: &'static str| -> String { if h2 { s.to_ascii_lowercase() } else { s.to_string() } };
        let qs = if query.is_empty() {
            String::new()
        } else {
            let enc = form_urlencoded::Serializer::new(String::new()).extend_pairs(query.iter()).finish();
            format!("?{enc}")
        };
        let url = format!("https://{host}{url_path}{qs}");
        if h2 {
            req_headers.push(NameValue::new(":method", e.method));
            req_headers.push(NameValue::new(":authority", host));
            req_headers.push(NameValue::new(":scheme", "https"));
            req_headers.push(NameValue::new(":path", format!("{url_path}{qs}")));
        } else {
            req_headers.push(NameValue::new("Host", host));
        }
        let accept = match e.resp {
            Resp::Binary(m) if m.starts_with("image/") => {
                "image/avif,image/webp,image/apng,image/*,*/*;q=0.8"
            }
            Resp::Text(m, _) if m.starts_with("text/csv") => "text/csv",
            _ if browser => "application/json, text/plain, */*",
            _ => "application/json",
        };
        req_headers.push(NameValue::new(hn("Accept"), accept));
        req_headers
            .push(NameValue::new(hn("Accept-Encoding"), if browser { "gzip, deflate, br" } else { "gzip" }));
        if browser {
            req_headers.push(NameValue::new(hn("Accept-Language"), "en-GB,en;q=0.9"));
        }
        req_headers.push(NameValue::new(hn("User-Agent"), client.ua.clone()));
        let mut cookies: Vec<Cookie> = Vec::new();
        match style {
            AuthStyle::None | AuthStyle::ApiKeyQuery(_) => {}
            AuthStyle::BearerJwt | AuthStyle::BearerToken(_) => {
                req_headers
                    .push(NameValue::new(hn("Authorization"), format!("Bearer {}", client.credential)));
            }
            AuthStyle::Basic => {
                req_headers.push(NameValue::new(hn("Authorization"), format!("Basic {}", client.credential)));
            }
            AuthStyle::ApiKeyHeader(name) => {
                req_headers.push(NameValue::new(hn(name), client.credential.clone()))
            }
            AuthStyle::SessionCookie(name) => {
                cookies.push(Cookie {
                    name: name.into(),
                    value: client.credential.clone(),
                    ..Cookie::default()
                });
            }
        }
        if browser && self.spec.cors_origin.is_none() {
            for (n, v) in &client.cookies {
                cookies.push(Cookie { name: n.clone(), value: v.clone(), ..Cookie::default() });
            }
        }
        if !cookies.is_empty() {
            let line =
                cookies.iter().map(|c| format!("{}={}", c.name, c.value)).collect::<Vec<_>>().join("; ");
            req_headers.push(NameValue::new(hn("Cookie"), line));
        }
        if let Some(p) = &post {
            req_headers.push(NameValue::new(hn("Content-Type"), p.mime_type.clone()));
            req_headers.push(NameValue::new(hn("Content-Length"), p.text.len().to_string()));
        }
        if browser {
            let origin = self.spec.cors_origin.map_or_else(|| format!("https://{host}"), str::to_string);
            if e.method != "GET" || self.spec.cors_origin.is_some() {
                req_headers.push(NameValue::new(hn("Origin"), origin.clone()));
            }
            req_headers.push(NameValue::new(hn("Referer"), format!("{origin}/")));
            req_headers.push(NameValue::new("sec-fetch-mode", "cors"));
            req_headers.push(NameValue::new(
                "sec-fetch-site",
                if self.spec.cors_origin.is_some() { "same-site" } else { "same-origin" },
            ));
        }
        for (n, v) in e.headers {
            let v = match *v {
                "{uuid}" => values::uuid(rng),
                "{token}" => values::b64url(rng, 24),
                other => other.to_string(),
            };
            req_headers.push(NameValue::new(hn(n), v));
        }
        if rng.random_bool(0.15) {
            req_headers.push(NameValue::new(
                "traceparent",
                format!("00-{}-{}-01", values::hex(rng, 32), values::hex(rng, 16)),
            ));
        }

        // Response headers.
        let rh = |s: &'static str| -> String { if h2 { s.to_ascii_lowercase() } else { s.to_string() } };
        let mut headers = vec![
            NameValue::new(rh("Date"), values::http_date(now)),
            NameValue::new(rh("Server"), self.spec.server),
        ];
        if !mime.is_empty() {
            headers.push(NameValue::new(rh("Content-Type"), mime.clone()));
        }
        let gzip = body_len > 1400 && mime.contains("json");
        let transfer = if gzip { (body_len / 4).max(64) } else { body_len };
        headers.push(NameValue::new(rh("Content-Length"), transfer.to_string()));
        if gzip {
            headers.push(NameValue::new(rh("Content-Encoding"), "gzip"));
            headers.push(NameValue::new(rh("Vary"), "Accept-Encoding"));
        }
        headers.push(NameValue::new(rh("X-Request-Id"), values::uuid(rng)));
        if e.method == "GET" && (200..300).contains(&status) {
            headers.push(NameValue::new(rh("ETag"), format!("W/\"{}\"", values::hex(rng, 16))));
            headers.push(NameValue::new(rh("Cache-Control"), "private, no-cache"));
        }
        if let Some(l) = &location {
            headers.push(NameValue::new(rh("Location"), l.clone()));
        }
        if status == 401 {
            headers.push(NameValue::new(rh("WWW-Authenticate"), "Bearer error=\"invalid_token\""));
        }
        if let Some(origin) = self.spec.cors_origin
            && browser
        {
            headers.push(NameValue::new(rh("Access-Control-Allow-Origin"), origin));
            headers.push(NameValue::new(rh("Access-Control-Allow-Credentials"), "true"));
        }
        for (n, v) in self.spec.extra_response_headers {
            let v = match *v {
                "{remaining}" => rng.random_range(0..5000).to_string(),
                "{reset}" => ((now / 1000) + rng.random_range(60..3600)).to_string(),
                other => other.to_string(),
            };
            headers.push(NameValue::new(rh(n), v));
        }
        headers.extend(resp_headers);
        let mut resp_cookies = Vec::new();
        if e.sets_session && (200..400).contains(&status) {
            let name = match client.auth {
                AuthStyle::SessionCookie(n) => n,
                _ => "session",
            };
            let value = values::b64url(rng, 24);
            headers.push(NameValue::new(
                rh("Set-Cookie"),
                format!("{name}={value}; Path=/; Max-Age=1209600; HttpOnly; Secure; SameSite=Lax"),
            ));
            resp_cookies.push(Cookie {
                name: name.into(),
                value,
                path: Some("/".into()),
                expires: Some(values::rfc3339_ms(now + 1_209_600_000)),
                http_only: Some(true),
                secure: Some(true),
                ..Cookie::default()
            });
        }

        let req_body_len = post.as_ref().map_or(0, |p| p.text.len() as i64);
        let req_headers_size = headers_size(&req_headers, e.method, &url);
        let resp_headers_size = headers_size(&headers, "", "");
        let timings = timings(rng, e.latency, status, req_body_len as usize, body_len);
        let total = timings.blocked.max(0.0)
            + timings.dns.max(0.0)
            + timings.connect.max(0.0)
            + timings.send
            + timings.wait
            + timings.receive;
        let http_version = if h2 { "HTTP/2.0" } else { "HTTP/1.1" };

        // Browsers send a CORS preflight before non-simple cross-origin requests.
        let mut t = now;
        if browser
            && let Some(origin) = self.spec.cors_origin
            && (e.method != "GET" || style != AuthStyle::None)
            && rng.random_bool(0.35)
        {
            out.push(self.preflight(t, e.method, &url, &url_path, &qs, origin, ci));
            t += 25;
        }
        if browser
            && !self.spec.assets.is_empty()
            && self.rng.random_bool(self.spec.asset_rate.clamp(0.0, 1.0))
        {
            let n = self.rng.random_range(1..=3);
            for _ in 0..n {
                if let Some(p) = self.asset(t, ci) {
                    out.push(p);
                }
                t += 7;
            }
        }
        let rng = &mut self.rng;
        let content = Content {
            size: body_len as i64,
            compression: if gzip { Some((body_len - transfer) as i64) } else { None },
            mime_type: if mime.is_empty() { "x-unknown".into() } else { mime },
            text,
            encoding: if encoded { Some("base64".into()) } else { None },
        };
        let entry = Entry {
            started_date_time: String::new(),
            time: round3(total),
            request: Request {
                method: e.method.to_string(),
                url,
                http_version: http_version.into(),
                cookies,
                headers: req_headers,
                query_string: query.into_iter().map(|(n, v)| NameValue::new(n, v)).collect(),
                post_data: post,
                headers_size: req_headers_size,
                body_size: req_body_len,
            },
            response: Response {
                status: resp_status,
                status_text: status_text(resp_status).into(),
                http_version: http_version.into(),
                cookies: resp_cookies,
                headers,
                content,
                redirect_url: redirect,
                headers_size: resp_headers_size,
                body_size: transfer as i64,
            },
            cache: Cache {},
            timings,
            server_ip_address: self.spec.server_ip.into(),
            connection: Some(rng.random_range(100_000..999_999).to_string()),
        };
        out.push(Produced { started_ms: t, entry, endpoint: Some(ep_i) });
    }

    #[allow(clippy::too_many_arguments)]
    fn preflight(
        &mut self,
        now: i64,
        method: &str,
        url: &str,
        url_path: &str,
        qs: &str,
        origin: &'static str,
        ci: usize,
    ) -> Produced {
        let rng = &mut self.rng;
        let ua = self.clients.get(ci).map_or_else(String::new, |c| c.ua.clone());
        let host = self.host;
        let req_headers = vec![
            NameValue::new(":method", "OPTIONS"),
            NameValue::new(":authority", host),
            NameValue::new(":scheme", "https"),
            NameValue::new(":path", format!("{url_path}{qs}")),
            NameValue::new("accept", "*/*"),
            NameValue::new("access-control-request-method", method),
            NameValue::new("access-control-request-headers", "authorization,content-type"),
            NameValue::new("origin", origin),
            NameValue::new("referer", format!("{origin}/")),
            NameValue::new("sec-fetch-mode", "cors"),
            NameValue::new("user-agent", ua),
        ];
        let headers = vec![
            NameValue::new("date", values::http_date(now)),
            NameValue::new("server", self.spec.server),
            NameValue::new("access-control-allow-origin", origin),
            NameValue::new("access-control-allow-methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS"),
            NameValue::new("access-control-allow-headers", "authorization, content-type, idempotency-key"),
            NameValue::new("access-control-allow-credentials", "true"),
            NameValue::new("access-control-max-age", "600"),
            NameValue::new("vary", "Origin"),
        ];
        let wait = round3(2.0 + rng.random::<f64>() * 6.0);
        let query: Vec<NameValue> = url
            .split_once('?')
            .map(|(_, q)| form_urlencoded::parse(q.as_bytes()).map(|(n, v)| NameValue::new(n, v)).collect())
            .unwrap_or_default();
        let req_headers_size = headers_size(&req_headers, "OPTIONS", url);
        let resp_headers_size = headers_size(&headers, "", "");
        Produced {
            started_ms: now,
            endpoint: None,
            entry: Entry {
                started_date_time: String::new(),
                time: round3(wait + 0.3),
                request: Request {
                    method: "OPTIONS".into(),
                    url: url.to_string(),
                    http_version: "HTTP/2.0".into(),
                    cookies: Vec::new(),
                    headers: req_headers,
                    query_string: query,
                    post_data: None,
                    headers_size: req_headers_size,
                    body_size: 0,
                },
                response: Response {
                    status: 204,
                    status_text: "No Content".into(),
                    http_version: "HTTP/2.0".into(),
                    cookies: Vec::new(),
                    headers,
                    content: Content {
                        size: 0,
                        compression: None,
                        mime_type: "x-unknown".into(),
                        text: None,
                        encoding: None,
                    },
                    redirect_url: String::new(),
                    headers_size: resp_headers_size,
                    body_size: 0,
                },
                cache: Cache {},
                timings: Timings {
                    blocked: -1.0,
                    dns: -1.0,
                    connect: -1.0,
                    ssl: -1.0,
                    send: 0.1,
                    wait,
                    receive: 0.2,
                },
                server_ip_address: self.spec.server_ip.into(),
                connection: None,
            },
        }
    }

    fn asset(&mut self, now: i64, ci: usize) -> Option<Produced> {
        let rng = &mut self.rng;
        let a = *self.spec.assets.get(rng.random_range(0..self.spec.assets.len().max(1)))?;
        // A deployment every ~20 hours changes the content hashes in file names.
        let deploy = ((now - values::EPOCH_MS).max(0) / 72_000_000) as usize;
        let hash =
            self.deploy_hashes.get(deploy % self.deploy_hashes.len().max(1)).cloned().unwrap_or_default();
        let path = a.path.replace("{hash}", &hash[..hash.len().min(8)]);
        let client = self.clients.get(ci)?;
        let host = self.host;
        let url = format!("https://{host}{path}");
        let not_modified = rng.random_bool(0.2);
        let (status, text, encoding, size) = if not_modified {
            (304, None, None, 0)
        } else if a.mime.starts_with("text/") || a.mime.contains("javascript") {
            let body = asset_text(rng, a.mime, a.size);
            let n = body.len();
            (200, Some(body), None, n)
        } else {
            let bytes = binary(rng, a.mime);
            (200, Some(STANDARD.encode(&bytes)), Some("base64".to_string()), bytes.len())
        };
        let req_headers = vec![
            NameValue::new(":method", "GET"),
            NameValue::new(":authority", host),
            NameValue::new(":scheme", "https"),
            NameValue::new(":path", path.clone()),
            NameValue::new("accept", "*/*"),
            NameValue::new("user-agent", client.ua.clone()),
            NameValue::new("referer", format!("https://{host}/")),
            NameValue::new("sec-fetch-dest", if a.mime.starts_with("image") { "image" } else { "script" }),
        ];
        let headers = vec![
            NameValue::new("date", values::http_date(now)),
            NameValue::new("server", self.spec.server),
            NameValue::new("content-type", a.mime),
            NameValue::new("content-length", size.to_string()),
            NameValue::new("cache-control", "public, max-age=31536000, immutable"),
            NameValue::new("etag", format!("\"{}\"", values::hex(rng, 20))),
        ];
        let req_headers_size = headers_size(&req_headers, "GET", &url);
        let resp_headers_size = headers_size(&headers, "", "");
        let wait = round3(3.0 + rng.random::<f64>() * 20.0);
        Some(Produced {
            started_ms: now,
            endpoint: None,
            entry: Entry {
                started_date_time: String::new(),
                time: round3(wait + 1.0),
                request: Request {
                    method: "GET".into(),
                    url,
                    http_version: "HTTP/2.0".into(),
                    cookies: Vec::new(),
                    headers: req_headers,
                    query_string: Vec::new(),
                    post_data: None,
                    headers_size: req_headers_size,
                    body_size: 0,
                },
                response: Response {
                    status,
                    status_text: status_text(status).into(),
                    http_version: "HTTP/2.0".into(),
                    cookies: Vec::new(),
                    headers,
                    content: Content {
                        size: size as i64,
                        compression: None,
                        mime_type: a.mime.into(),
                        text,
                        encoding,
                    },
                    redirect_url: String::new(),
                    headers_size: resp_headers_size,
                    body_size: size as i64,
                },
                cache: Cache {},
                timings: Timings {
                    blocked: -1.0,
                    dns: -1.0,
                    connect: -1.0,
                    ssl: -1.0,
                    send: 0.1,
                    wait,
                    receive: 0.9,
                },
                server_ip_address: self.spec.server_ip.into(),
                connection: None,
            },
        })
    }
}

fn make_client(
    rng: &mut StdRng,
    spec: &ApiSpec,
    host: &str,
    kind: ClientKind,
    auth: AuthStyle,
    i: usize,
) -> Client {
    let user_id = rng.random_range(1000..90_000);
    let username = values::username(rng);
    let email = values::email(rng);
    let ua = match kind {
        ClientKind::Browser => pick(rng, USER_AGENTS_BROWSER).to_string(),
        ClientKind::Mobile => {
            let os = if rng.random_bool(0.55) {
                format!("iOS {}.{}", rng.random_range(16..18), rng.random_range(0..5))
            } else {
                format!("Android {}", rng.random_range(12..15))
            };
            format!("{} ({os}; build {})", spec.app_ua, rng.random_range(1000..1400))
        }
        ClientKind::Sdk => format!(
            "{} {}",
            spec.app_ua,
            pick(rng, &["python/3.12.1", "node/20.11.0", "go/1.22.0", "ruby/3.3.0"])
        ),
        ClientKind::Script => pick(rng, USER_AGENTS_SCRIPT).to_string(),
        ClientKind::Device => format!(
            "{}/{}.{}.{}",
            pick(rng, &["esp-http-client", "SensorOS", "zephyr-http"]),
            rng.random_range(1..4),
            rng.random_range(0..12),
            rng.random_range(0..30)
        ),
        ClientKind::Monitor => {
            if i == 0 {
                "kube-probe/1.29".into()
            } else {
                "Uptime-Checker/2.3 (+https://status.example.test)".into()
            }
        }
    };
    let credential = match auth {
        AuthStyle::None => String::new(),
        AuthStyle::BearerJwt => jwt(rng, host, user_id, &username),
        AuthStyle::BearerToken(prefix) => format!("{prefix}{}", values::b62(rng, 36)),
        AuthStyle::ApiKeyHeader(_) | AuthStyle::ApiKeyQuery(_) => {
            format!("{}{}", spec.key_prefix, values::b62(rng, 32))
        }
        AuthStyle::SessionCookie(_) => values::b64url(rng, 24),
        AuthStyle::Basic => STANDARD.encode(format!("{}{}:", spec.key_prefix, values::b62(rng, 24))),
    };
    let mut cookies = Vec::new();
    if kind == ClientKind::Browser {
        cookies.push((
            "_ga".to_string(),
            format!(
                "GA1.1.{}.{}",
                rng.random_range(100_000_000..999_999_999),
                1_730_000_000 + rng.random_range(0..9_000_000)
            ),
        ));
        if rng.random_bool(0.6) {
            cookies.push(("consent".to_string(), "analytics:1,marketing:0".to_string()));
        }
        if rng.random_bool(0.3) {
            cookies.push(("theme".to_string(), pick(rng, &["dark", "light"]).to_string()));
        }
    }
    let h2 = match kind {
        ClientKind::Browser => true,
        ClientKind::Mobile => rng.random_bool(0.6),
        ClientKind::Sdk => rng.random_bool(0.3),
        _ => false,
    };
    Client { kind, auth, ua, credential, user_id, username, email, h2, cookies }
}

/// A JWT-shaped token: real base64url header and claims, random signature bytes.
fn jwt(rng: &mut StdRng, host: &str, user_id: i64, username: &str) -> String {
    let iat = values::EPOCH_MS / 1000 - rng.random_range(0..86_400);
    let header = if rng.random_bool(0.5) {
        json!({ "alg": "HS256", "typ": "JWT" })
    } else {
        json!({ "alg": "RS256", "typ": "JWT", "kid": values::hex(rng, 16) })
    };
    let claims = json!({
        "iss": format!("https://auth.{host}/"),
        "sub": user_id.to_string(),
        "aud": host,
        "preferred_username": username,
        "scope": "read write",
        "iat": iat,
        "exp": iat + 7 * 86_400,
        "jti": values::uuid(rng),
    });
    let mut sig = [0u8; 32];
    rng.fill_bytes(&mut sig);
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(compact(&header)),
        URL_SAFE_NO_PAD.encode(compact(&claims)),
        URL_SAFE_NO_PAD.encode(sig)
    )
}

pub(crate) fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// Grows a JSON body by about `need` bytes with a realistic free-text field.
fn pad(ctx: &mut Ctx<'_>, v: &mut Value, need: usize) {
    let target = match v {
        Value::Object(_) => Some(v),
        Value::Array(items) => items.iter_mut().find(|i| i.is_object()),
        _ => None,
    };
    if let Some(Value::Object(map)) = target {
        let mut s = String::with_capacity(need + 16);
        while s.len() + 16 < need {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(ctx.pick(LOREM));
        }
        map.insert("x_padding".to_string(), Value::String(s));
    }
}

/// Bytes that look like a file of this media type (right magic number, random payload).
fn binary(rng: &mut StdRng, mime: &str) -> Vec<u8> {
    let (magic, lo, hi): (&[u8], usize, usize) = match mime {
        "image/png" => (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 900, 6000),
        "image/jpeg" => (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01", 1500, 9000),
        "image/webp" => (b"RIFF\x00\x10\x00\x00WEBPVP8 ", 1200, 7000),
        "image/x-icon" | "image/vnd.microsoft.icon" => (b"\x00\x00\x01\x00\x01\x00\x20\x20", 1000, 1200),
        "font/woff2" => (b"wOF2\x00\x01\x00\x00", 3000, 8000),
        "application/pdf" => (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", 2500, 12000),
        "application/gzip" => (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 2000, 12000),
        _ => (b"\x7fFW\x02\x00", 4000, 16000),
    };
    let n = rng.random_range(lo..hi);
    let mut v = Vec::with_capacity(n);
    v.extend_from_slice(magic);
    let mut rest = vec![0u8; n.saturating_sub(magic.len())];
    rng.fill_bytes(&mut rest);
    v.extend_from_slice(&rest);
    v
}

fn asset_text(rng: &mut StdRng, mime: &str, size: usize) -> String {
    let mut s = String::with_capacity(size + 64);
    if mime.contains("css") {
        while s.len() < size {
            let cls = pick(rng, NOUNS);
            s.push_str(&format!(
                ".{cls}-{}{{margin:{}px;color:#{}}}",
                pick(rng, ADJECTIVES),
                rng.random_range(0..24),
                values::hex(rng, 6)
            ));
        }
    } else {
        s.push_str("\"use strict\";");
        while s.len() < size {
            let f = pick(rng, NOUNS);
            s.push_str(&format!(
                "function {f}{}(e,t){{return e.{}(t)||{}}}",
                rng.random_range(0..99),
                pick(rng, VERBS),
                rng.random_range(0..9)
            ));
        }
    }
    s
}

fn headers_size(headers: &[NameValue], method: &str, url: &str) -> i64 {
    let mut n = method.len() + url.len() + 12;
    for h in headers {
        n += h.name.len() + h.value.len() + 4;
    }
    (n + 2) as i64
}

fn timings(rng: &mut StdRng, latency: f64, status: u16, req_len: usize, resp_len: usize) -> Timings {
    let factor = match status {
        401 | 403 => 0.3,
        404 => 0.6,
        500..=599 => 4.0,
        _ => 1.0,
    };
    let wait = (latency * factor * (0.45 * values::normal(rng)).exp()).max(0.5);
    let fresh = rng.random_bool(0.08);
    Timings {
        blocked: if fresh { round3(rng.random::<f64>() * 2.0) } else { -1.0 },
        dns: if fresh { round3(1.0 + rng.random::<f64>() * 20.0) } else { -1.0 },
        connect: if fresh { round3(8.0 + rng.random::<f64>() * 40.0) } else { -1.0 },
        ssl: if fresh { round3(6.0 + rng.random::<f64>() * 30.0) } else { -1.0 },
        send: round3(0.05 + req_len as f64 / 40_000.0),
        wait: round3(wait),
        receive: round3(0.2 + resp_len as f64 / 25_000.0),
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

pub(crate) fn status_text(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        410 => "Gone",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Endpoints emitted so far, as `(method, template)` pairs in a stable order.
pub(crate) fn emitted_set(g: &Generator) -> BTreeSet<(&'static str, &'static str)> {
    (0..g.endpoint_count())
        .filter(|i| g.emitted.get(*i).copied().unwrap_or(false))
        .filter_map(|i| g.endpoint(i))
        .collect()
}

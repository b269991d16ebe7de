//! Labelled synthetic traffic for measuring endpoint discovery.
//!
//! The crate simulates several realistic, unrelated APIs (a shop, a code host, a bank, an
//! IoT platform, a CMS, a multi-tenant SaaS admin API) and writes their traffic as HAR 1.2,
//! together with the ground truth: the `METHOD /template` endpoints that really occurred.
//! [`score`] compares what a discovery engine found against that truth.
//!
//! The traffic is meant to be hard but fair. It carries many identifier styles (integers,
//! UUIDs, 24/32/40/64-hex, dates, e-mails, tokens, semver, usernames, slugs, SKUs), static
//! segments that look like identifiers (`/users/me`, `/files/latest`, a date-versioned
//! `/api/2024-01-01/` prefix), skewed call and id frequencies, rare endpoints, errors,
//! form posts, uploads, base64 and binary bodies, varied authentication, and noise that is
//! not part of the truth (static assets, CORS preflights). Every template can be inferred
//! by a careful human from the traffic alone.
//!
//! Output is streamed entry by entry, so very large files need little memory, and the same
//! seed always gives byte-identical output.
//!
//! [`attacks`] is a second corpus: labelled attack requests of twelve injection classes in
//! every placement where they occur, and suspicious-looking legitimate traffic, to measure
//! runtime attack detection (detection rate per class and placement, false positives).

use std::io::Write;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// `opt!(ctx, p, value)`: `value` with probability `p`, otherwise JSON `null` (an
/// optional field that is sometimes null). `value` is only evaluated when used.
macro_rules! opt {
    ($c:expr, $p:expr, $v:expr) => {
        if $c.chance($p) { $v } else { serde_json::Value::Null }
    };
}

pub mod attacks;

mod apis;
mod engine;
mod har;
mod score;
mod values;
mod words;

#[cfg(test)]
mod tests;

pub use score::{Score, Truth, TruthEndpoint, normalize_template, score};

use engine::{ApiSpec, Generator, Produced};

/// A difficulty a corpus API deliberately contains. Each API lists the traps it claims;
/// the crate's tests check every claim against the generated traffic.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Trap {
    /// A static segment beside a parameter at the same position (`/users/me`, `/users/{id}`).
    StaticSiblingOfParam,
    /// One date-like version segment shared by every endpoint (`/api/2024-01-01/...`).
    SharedVersionSegment,
    /// Two API versions in use at once (`/v1/...` and `/v2/...`).
    CoexistingVersions,
    /// Two parameters in a row (`/repos/{owner}/{repo}`).
    ConsecutiveParams,
    /// Static collections whose list responses share one envelope shape.
    SameEnvelopeStatics,
    /// Endpoints emitted exactly once or twice per run.
    RareEndpoints,
    IntIds,
    UuidIds,
    /// 24-hex MongoDB ObjectIds.
    ObjectIds,
    Hex32Ids,
    /// 40-hex commit SHAs.
    Hex40Ids,
    Hex64Ids,
    /// `YYYY-MM-DD` dates as path parameters.
    DateIds,
    EmailIds,
    /// Opaque base64url tokens as path parameters.
    TokenIds,
    /// Semantic versions (`2.4.11`) as path parameters.
    SemverIds,
    /// Prefixed tokens such as `acct_1Nq3...`.
    PrefixedIds,
    /// Free-text identifiers without a fixed shape (usernames, repository names).
    FreeTextIds,
    /// Hyphenated slugs (`how-to-brew-coffee-at-home`).
    SlugIds,
    /// SKUs such as `TSH-0042-BLU`.
    SkuIds,
    /// MAC addresses (`a4:cf:12:8b:3e:01`).
    MacIds,
    /// Identifiers that end like file names (a repository called `oak.js`), on an API
    /// host that also serves real static files or not.
    FileLikeIds,
    /// Identifiers containing an encoded slash (`@acme%2Fui-kit`).
    EncodedSlashIds,
    /// The same identifier sometimes percent-encoded (`%40`, `%3A`) by script clients.
    PercentEncodedIds,
    /// Script clients sometimes add a trailing slash.
    TrailingSlash,
    /// `application/x-www-form-urlencoded` request bodies.
    FormPost,
    /// A `multipart/form-data` upload.
    MultipartUpload,
    /// JSON response bodies stored base64-encoded in the HAR.
    Base64Bodies,
    /// Binary (image, PDF, archive) response bodies.
    BinaryBodies,
    /// Static files (scripts, styles, images) served on the API host; not in the truth.
    StaticAssets,
    /// CORS preflight `OPTIONS` requests; not in the truth.
    CorsPreflight,
    /// A health-check endpoint; part of the truth.
    HealthCheck,
    /// 4xx/5xx responses with error bodies.
    ErrorStatuses,
}

/// One simulated API.
#[derive(Clone, Copy)]
pub struct ApiDef {
    /// Short name used on the command line and in file names.
    pub name: &'static str,
    /// Host the API is served on.
    pub host: &'static str,
    /// One line about the domain.
    pub description: &'static str,
    /// Difficulties this API contains.
    pub traps: &'static [Trap],
    build: fn() -> ApiSpec,
}

impl std::fmt::Debug for ApiDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiDef").field("name", &self.name).field("host", &self.host).finish_non_exhaustive()
    }
}

impl ApiDef {
    /// Every endpoint this API can emit, as `(method, template)`; a run's [`Truth`] holds
    /// the subset that actually occurred.
    pub fn catalogue(&self) -> Vec<(&'static str, &'static str)> {
        (self.build)().endpoints.iter().map(|e| (e.method, e.path)).collect()
    }
}

/// All corpus APIs.
pub fn apis() -> Vec<ApiDef> {
    apis::all()
}

/// The API with this name, if any.
pub fn api(name: &str) -> Option<ApiDef> {
    apis().into_iter().find(|a| a.name == name)
}

/// How much traffic to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenOptions {
    /// Number of HAR entries (per API for [`write_har`], in total for [`write_mixed_har`]).
    /// Noise entries (static assets, preflights) count too.
    pub calls: usize,
    /// Seed; the same seed gives byte-identical output.
    pub seed: u64,
    /// Pad JSON request and response bodies to about this many bytes (throughput tests).
    pub body_bytes: Option<usize>,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions { calls: 3000, seed: 42, body_bytes: None }
    }
}

/// Traffic statistics of one endpoint in a run, to judge how inferable it is.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct EndpointStats {
    pub method: String,
    pub template: String,
    /// Calls made to this endpoint (including error responses).
    pub calls: usize,
    /// Distinct values seen for each path parameter, in order.
    pub distinct_values: Vec<usize>,
}

fn api_seed(seed: u64, name: &str) -> u64 {
    // FNV-1a of the name, mixed with the user's seed.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

fn generator(api: &ApiDef, opts: &GenOptions, expected: usize) -> anyhow::Result<Generator> {
    Generator::new(api.host, (api.build)(), api_seed(opts.seed, api.name), expected, opts.body_bytes)
}

fn truth_of(api: &ApiDef, g: &Generator) -> Truth {
    let endpoints = engine::emitted_set(g)
        .into_iter()
        .map(|(m, t)| TruthEndpoint { method: m.to_string(), template: t.to_string() })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    Truth { api: api.name.to_string(), host: api.host.to_string(), endpoints }
}

/// Simulated wall clock: ~4 days of traffic with a day/night rhythm.
struct Clock {
    now: f64,
    mean_gap: f64,
    rng: StdRng,
}

impl Clock {
    fn new(seed: u64, calls: usize) -> Self {
        let span = 4.0 * 86_400_000.0;
        Clock {
            now: values::EPOCH_MS as f64 + 6.0 * 3_600_000.0,
            mean_gap: span * 0.85 / calls.max(1) as f64,
            rng: StdRng::seed_from_u64(seed ^ 0x5eed_c10c),
        }
    }

    fn next(&mut self) -> i64 {
        let hour = ((self.now - values::EPOCH_MS as f64) / 3_600_000.0) % 24.0;
        let day = (std::f64::consts::PI * (hour - 6.0) / 16.0).sin().max(0.0);
        let activity = 0.3 + 1.4 * day;
        let u: f64 = self.rng.random::<f64>().max(1e-9);
        self.now += -u.ln() * self.mean_gap / activity;
        self.now as i64
    }
}

fn drive<W: Write>(
    gens: &mut [Generator],
    opts: &GenOptions,
    comment: &str,
    out: W,
) -> anyhow::Result<usize> {
    let mut w = har::HarWriter::start(out, comment)?;
    let mut clock = Clock::new(opts.seed, opts.calls);
    let mut chooser = StdRng::seed_from_u64(opts.seed ^ 0x00c0_ffee);
    let mut buf: Vec<Produced> = Vec::with_capacity(8);
    let mut written = 0usize;
    let mut last = i64::MIN;
    let mut idle = 0;
    while written < opts.calls && !gens.is_empty() {
        let now = clock.next();
        let gi = chooser.random_range(0..gens.len());
        let Some(g) = gens.get_mut(gi) else { break };
        g.step(now, &mut buf);
        if buf.is_empty() {
            idle += 1;
            anyhow::ensure!(idle < 10_000, "the generator for {} produced no traffic", g.host);
            continue;
        }
        idle = 0;
        for mut p in buf.drain(..) {
            if written >= opts.calls {
                break;
            }
            let t = p.started_ms.max(last);
            last = t;
            p.entry.started_date_time = values::rfc3339_ms(t);
            w.entry(&p.entry)?;
            if let Some(i) = p.endpoint
                && let Some(flag) = g.emitted.get_mut(i)
            {
                *flag = true;
            }
            written += 1;
        }
    }
    w.finish()
}

/// Streams `opts.calls` HAR entries of one API to `out` and returns the ground truth:
/// the endpoints that occurred at least once.
pub fn write_har<W: Write>(api: &ApiDef, opts: &GenOptions, out: W) -> anyhow::Result<Truth> {
    let mut gens = vec![generator(api, opts, opts.calls)?];
    let comment = format!(
        "apiwarden-corpus api={} host={} seed={} calls={}",
        api.name, api.host, opts.seed, opts.calls
    );
    drive(&mut gens, opts, &comment, out)?;
    let g = gens.first().ok_or_else(|| anyhow::anyhow!("no generator"))?;
    Ok(truth_of(api, g))
}

/// Streams one HAR with all APIs interleaved (`opts.calls` entries in total) and returns
/// the truth of each API, in [`apis`] order.
pub fn write_mixed_har<W: Write>(opts: &GenOptions, out: W) -> anyhow::Result<Vec<Truth>> {
    let all = apis();
    let share = opts.calls / all.len().max(1) + 1;
    let mut gens = all.iter().map(|a| generator(a, opts, share)).collect::<anyhow::Result<Vec<_>>>()?;
    let comment =
        format!("apiwarden-corpus mixed apis={} seed={} calls={}", all.len(), opts.seed, opts.calls);
    drive(&mut gens, opts, &comment, out)?;
    Ok(all.iter().zip(&gens).map(|(a, g)| truth_of(a, g)).collect())
}

/// Generates a run without writing it and reports, per endpoint, how often it was called
/// and how many distinct values each path parameter took.
pub fn endpoint_stats(api: &ApiDef, opts: &GenOptions) -> anyhow::Result<Vec<EndpointStats>> {
    let mut g = generator(api, opts, opts.calls)?;
    g.enable_stats();
    let mut gens = vec![g];
    drive(&mut gens, opts, "stats", std::io::sink())?;
    let g = gens.first().ok_or_else(|| anyhow::anyhow!("no generator"))?;
    let stats = g.stats.clone().unwrap_or_default();
    Ok(stats
        .into_iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let (m, t) = g.endpoint(i)?;
            Some(EndpointStats {
                method: m.to_string(),
                template: t.to_string(),
                calls: s.calls,
                distinct_values: s.distinct.iter().map(|d| d.len()).collect(),
            })
        })
        .collect())
}

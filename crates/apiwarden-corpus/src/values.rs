//! Value generators: identifiers of many styles, pools of path-parameter values with
//! Zipf-like popularity, names, text and timestamps.

use std::collections::HashSet;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::rngs::StdRng;
use rand::{Rng, RngCore};
use time::OffsetDateTime;

use crate::words::*;

/// The style of an identifier used as a path parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Decimal integer in `lo..=hi`.
    Int(i64, i64),
    Uuid,
    /// Lowercase hex of this many characters (32 = md5-like, 40 = SHA-1 commit, 64 = SHA-256).
    Hex(usize),
    /// Uppercase hex serial number with a fixed prefix.
    Serial(&'static str, usize),
    /// MongoDB ObjectId: 4-byte timestamp, 5-byte process id, 3-byte counter.
    ObjectId,
    /// Calendar date `YYYY-MM-DD` within this many days before the simulation start.
    Date(i64),
    Email,
    /// Opaque base64url token of this many bytes of entropy.
    Token(usize),
    /// Semantic version `1.4.12`, sometimes with a pre-release.
    Semver,
    /// Release tag `v1.4.12`.
    VTag,
    Username,
    RepoSlug,
    ArticleSlug,
    CategorySlug,
    /// Stock keeping unit such as `TSH-0042-BLU`.
    Sku,
    /// Prefixed base62 token such as `acct_1Nq3...`.
    Prefixed(&'static str, usize),
    /// MAC address `a4:cf:12:8b:3e:01`.
    Mac,
    OrgSlug,
    /// npm-style package name, sometimes scoped (`@acme/ui-kit`).
    Package,
    Branch,
    Tag,
    Coupon,
    Invoice,
    FlagKey,
    /// Content digest `sha256:<64 hex>`.
    Digest,
}

const B62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const HEX: &[u8] = b"0123456789abcdef";
const HEX_UP: &[u8] = b"0123456789ABCDEF";

/// Index in `0..n` with a Zipf-like (log-uniform) distribution: index 0 is the most
/// popular, and the tail gets long.
pub(crate) fn zipf_index(rng: &mut StdRng, n: usize) -> usize {
    if n <= 1 {
        return 0;
    }
    let u: f64 = rng.random();
    let idx = ((n as f64 + 1.0).powf(u) - 1.0).floor() as usize;
    idx.min(n - 1)
}

/// One item of a non-empty constant list, uniformly.
pub(crate) fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

pub(crate) fn chars_from(rng: &mut StdRng, alphabet: &[u8], n: usize) -> String {
    let mut s = String::with_capacity(n);
    for _ in 0..n {
        let i = rng.random_range(0..alphabet.len());
        s.push(char::from(alphabet.get(i).copied().unwrap_or(b'0')));
    }
    s
}

pub(crate) fn hex(rng: &mut StdRng, n: usize) -> String {
    chars_from(rng, HEX, n)
}

pub(crate) fn b62(rng: &mut StdRng, n: usize) -> String {
    chars_from(rng, B62, n)
}

pub(crate) fn b64url(rng: &mut StdRng, bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(&buf)
}

pub(crate) fn uuid(rng: &mut StdRng) -> String {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

pub(crate) fn semver(rng: &mut StdRng) -> String {
    let major = zipf_index(rng, 5) as u32;
    let minor = rng.random_range(0..24u32);
    let patch = zipf_index(rng, 40) as u32;
    let mut v = format!("{major}.{minor}.{patch}");
    if rng.random_bool(0.08) {
        let pre = pick(rng, &["rc", "beta", "alpha"]);
        v.push_str(&format!("-{pre}.{}", rng.random_range(1..5u32)));
    }
    v
}

/// Simulation start: 2025-03-03T00:00:00Z, in Unix milliseconds.
pub(crate) const EPOCH_MS: i64 = 1_740_960_000_000;
const DAY_MS: i64 = 86_400_000;

fn datetime(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// `2025-03-03T08:15:02.123Z`
pub(crate) fn rfc3339_ms(ms: i64) -> String {
    let d = datetime(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        d.year(),
        u8::from(d.month()),
        d.day(),
        d.hour(),
        d.minute(),
        d.second(),
        d.millisecond()
    )
}

/// `2025-03-03T08:15:02Z`
pub(crate) fn rfc3339(ms: i64) -> String {
    let d = datetime(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        d.year(),
        u8::from(d.month()),
        d.day(),
        d.hour(),
        d.minute(),
        d.second()
    )
}

/// `2025-03-03`
pub(crate) fn date(ms: i64) -> String {
    let d = datetime(ms);
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// `Mon, 03 Mar 2025 08:15:02 GMT`
pub(crate) fn http_date(ms: i64) -> String {
    let d = datetime(ms);
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let wd = DAYS.get(usize::from(d.weekday().number_days_from_monday())).copied().unwrap_or("Mon");
    let mo = MONTHS.get(usize::from(u8::from(d.month())).saturating_sub(1)).copied().unwrap_or("Jan");
    format!(
        "{wd}, {:02} {mo} {:04} {:02}:{:02}:{:02} GMT",
        d.day(),
        d.year(),
        d.hour(),
        d.minute(),
        d.second()
    )
}

/// A standard normal sample (Box-Muller).
pub(crate) fn normal(rng: &mut StdRng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(1e-12);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

pub(crate) fn username(rng: &mut StdRng) -> String {
    let first = pick(rng, FIRST_NAMES);
    let last = pick(rng, LAST_NAMES);
    match rng.random_range(0..8u32) {
        0 => format!("{first}{}", &last[..1]),
        1 => format!("{first}-{last}"),
        2 => format!("{first}_{last}{}", rng.random_range(1..99u32)),
        3 => format!("{}{}", pick(rng, ADJECTIVES), pick(rng, NOUNS)),
        4 => format!("{}{last}", &first[..1]),
        5 => format!("{first}{}", rng.random_range(1970..2010u32)),
        6 => format!("{}-{}", pick(rng, NOUNS), pick(rng, TECH_WORDS)),
        _ => format!("{first}.{last}"),
    }
}

pub(crate) fn repo_slug(rng: &mut StdRng) -> String {
    match rng.random_range(0..7u32) {
        0 => format!("{}-{}", pick(rng, TECH_PREFIXES), pick(rng, TECH_WORDS)),
        1 => format!("{}-{}", pick(rng, ADJECTIVES), pick(rng, NOUNS)),
        2 => format!("{}{}", pick(rng, TECH_PREFIXES), pick(rng, TECH_WORDS)),
        3 => format!("{}.{}", pick(rng, NOUNS), pick(rng, &["js", "rs", "py", "go", "nvim"])),
        4 => format!("{}_{}", pick(rng, TECH_PREFIXES), pick(rng, TECH_WORDS)),
        5 => format!("awesome-{}", pick(rng, TAGS)),
        _ => format!("{}-{}-{}", pick(rng, TECH_PREFIXES), pick(rng, NOUNS), pick(rng, TECH_WORDS)),
    }
}

pub(crate) fn article_slug(rng: &mut StdRng) -> String {
    let topic = pick(rng, TOPICS);
    match rng.random_range(0..6u32) {
        0 => format!("how-to-{}-{}-at-home", pick(rng, VERBS), topic),
        1 => format!("{}-{}-{}-tips-for-beginners", rng.random_range(3..15u32), pick(rng, ADJECTIVES), topic),
        2 => format!("why-we-stopped-using-our-{topic}"),
        3 => format!("a-{}-guide-to-{}-{}", pick(rng, ADJECTIVES), pick(rng, VERBS), topic),
        4 => format!("what-i-learned-from-{}-{}-for-a-year", pick(rng, VERBS), topic),
        _ => format!(
            "the-{}-{}-{}-{}",
            pick(rng, ADJECTIVES),
            topic,
            pick(rng, &["checklist", "handbook", "playbook", "diaries", "experiment"]),
            rng.random_range(2019..2026u32)
        ),
    }
}

pub(crate) fn sku(rng: &mut StdRng) -> String {
    let fam = PRODUCT_FAMILIES.get(rng.random_range(0..PRODUCT_FAMILIES.len())).map_or("TSH", |f| f.0);
    let n = rng.random_range(1..2000u32);
    match rng.random_range(0..6u32) {
        0 => format!("{fam}-{n:04}"),
        1 => {
            let c = COLORS.get(rng.random_range(0..COLORS.len())).map_or("BLU", |c| c.0);
            format!("{fam}-{n:04}-{c}-{}", pick(rng, &["XS", "S", "M", "L", "XL", "XXL"]))
        }
        _ => {
            let c = COLORS.get(rng.random_range(0..COLORS.len())).map_or("BLU", |c| c.0);
            format!("{fam}-{n:04}-{c}")
        }
    }
}

pub(crate) fn email(rng: &mut StdRng) -> String {
    let first = pick(rng, FIRST_NAMES);
    let last = pick(rng, LAST_NAMES);
    let domain = pick(
        rng,
        &["example.com", "example.org", "mail.example.net", "newsroom.example", "writers.example.com"],
    );
    match rng.random_range(0..4u32) {
        0 => format!("{first}.{last}@{domain}"),
        1 => format!("{}{last}@{domain}", &first[..1]),
        2 => format!("{first}{}@{domain}", rng.random_range(1..100u32)),
        _ => format!("{first}.{last}+blog@{domain}"),
    }
}

pub(crate) fn org_slug(rng: &mut StdRng) -> String {
    let w = pick(rng, COMPANY_WORDS);
    match rng.random_range(0..4u32) {
        0 => w.to_string(),
        1 => format!("{w}-{}", pick(rng, COMPANY_SUFFIXES)),
        2 => format!("{}-{}", pick(rng, NOUNS), pick(rng, COMPANY_SUFFIXES)),
        _ => format!("{}-{}-{}", pick(rng, ADJECTIVES), pick(rng, NOUNS), pick(rng, COMPANY_SUFFIXES)),
    }
}

pub(crate) fn package(rng: &mut StdRng) -> String {
    let base = match rng.random_range(0..4u32) {
        0 => format!("{}-{}", pick(rng, TECH_PREFIXES), pick(rng, TECH_WORDS)),
        1 => format!("{}{}", pick(rng, TECH_PREFIXES), pick(rng, TECH_WORDS)),
        2 => format!("{}-{}", pick(rng, NOUNS), pick(rng, TECH_WORDS)),
        _ => format!("{}.{}", pick(rng, TECH_PREFIXES), pick(rng, &["js", "ts", "core"])),
    };
    if rng.random_bool(0.2) { format!("@{}/{base}", pick(rng, COMPANY_WORDS)) } else { base }
}

pub(crate) fn mac(rng: &mut StdRng) -> String {
    let oui =
        pick(rng, &["a4:cf:12", "b8:27:eb", "dc:a6:32", "24:0a:c4", "30:ae:a4", "e8:db:84", "00:1e:c0"]);
    format!("{oui}:{}:{}:{}", hex(rng, 2), hex(rng, 2), hex(rng, 2))
}

pub(crate) fn object_id(rng: &mut StdRng) -> String {
    // Timestamps between mid-2023 and the simulation start.
    let ts: u32 = rng.random_range(1_688_000_000..1_740_900_000);
    let process = pick(rng, &["5f1c0a9e3d", "61b2e7c4a8", "7c3d9e0f12", "a9e4c2b7d1"]);
    format!("{ts:08x}{process}{}", hex(rng, 6))
}

pub(crate) fn generate(rng: &mut StdRng, kind: Kind) -> String {
    match kind {
        Kind::Int(lo, hi) => rng.random_range(lo..=hi.max(lo)).to_string(),
        Kind::Uuid => uuid(rng),
        Kind::Hex(n) => hex(rng, n),
        Kind::Serial(prefix, n) => format!("{prefix}{}", chars_from(rng, HEX_UP, n)),
        Kind::ObjectId => object_id(rng),
        Kind::Date(days) => date(EPOCH_MS - rng.random_range(0..days.max(1)) * DAY_MS),
        Kind::Email => email(rng),
        Kind::Token(bytes) => b64url(rng, bytes),
        Kind::Semver => semver(rng),
        Kind::VTag => format!("v{}", semver(rng)),
        Kind::Username => username(rng),
        Kind::RepoSlug => repo_slug(rng),
        Kind::ArticleSlug => article_slug(rng),
        Kind::CategorySlug => pick(rng, CATEGORY_SLUGS).to_string(),
        Kind::Sku => sku(rng),
        Kind::Prefixed(prefix, n) => format!("{prefix}{}", b62(rng, n)),
        Kind::Mac => mac(rng),
        Kind::OrgSlug => org_slug(rng),
        Kind::Package => package(rng),
        Kind::Branch => match rng.random_range(0..5u32) {
            0 => format!("release-{}.{}", rng.random_range(1..4u32), rng.random_range(0..12u32)),
            1 => format!("fix-{}-{}", pick(rng, TECH_WORDS), pick(rng, NOUNS)),
            2 => format!("{}-{}", pick(rng, FIRST_NAMES), pick(rng, TECH_WORDS)),
            _ => format!("feature-{}-{}", pick(rng, ADJECTIVES), pick(rng, TECH_WORDS)),
        },
        Kind::Tag => pick(rng, TAGS).to_string(),
        Kind::Coupon => format!(
            "{}{}",
            pick(rng, COUPON_WORDS),
            pick(rng, &["5", "10", "15", "20", "25", "30", "50", ""])
        ),
        Kind::Invoice => {
            format!("INV-{}-{:06}", rng.random_range(2023..2026u32), rng.random_range(1..40_000u32))
        }
        Kind::FlagKey => {
            format!("{}_{}_{}", pick(rng, ADJECTIVES), pick(rng, TECH_PREFIXES), pick(rng, TECH_WORDS))
        }
        Kind::Digest => format!("sha256:{}", hex(rng, 64)),
    }
}

/// The values one path parameter takes: a few hot values, a long tail seen once.
pub(crate) struct Pool {
    pub name: &'static str,
    pub kind: Kind,
    /// Probability of reusing an existing value instead of minting a new one.
    reuse: f64,
    /// Maximum number of distinct values (fixed catalogues such as coupon codes).
    cap: usize,
    values: Vec<String>,
    seen: HashSet<String>,
}

impl Pool {
    pub(crate) fn new(name: &'static str, kind: Kind, reuse: f64, cap: usize) -> Self {
        Pool { name, kind, reuse, cap: cap.max(1), values: Vec::new(), seen: HashSet::new() }
    }

    /// A value for a request: an existing popular one or a new one.
    pub(crate) fn pick(&mut self, rng: &mut StdRng, reserved: &HashSet<&'static str>) -> String {
        let reuse = !self.values.is_empty() && (self.values.len() >= self.cap || rng.random_bool(self.reuse));
        if !reuse && let Some(v) = self.mint(rng, reserved) {
            return v;
        }
        self.existing(rng, reserved)
    }

    fn existing(&mut self, rng: &mut StdRng, reserved: &HashSet<&'static str>) -> String {
        let i = zipf_index(rng, self.values.len());
        match self.values.get(i) {
            Some(v) => v.clone(),
            None => self.mint(rng, reserved).unwrap_or_else(|| generate(rng, self.kind)),
        }
    }

    /// A brand-new value, remembered so later calls can reuse it.
    pub(crate) fn mint(&mut self, rng: &mut StdRng, reserved: &HashSet<&'static str>) -> Option<String> {
        for _ in 0..16 {
            let v = generate(rng, self.kind);
            if reserved.contains(v.as_str()) || self.seen.contains(&v) {
                continue;
            }
            self.seen.insert(v.clone());
            self.values.push(v.clone());
            return Some(v);
        }
        None
    }

    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }
}

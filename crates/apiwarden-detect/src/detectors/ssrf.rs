//! Server-side request forgery: URLs and hosts that point the server at its own network.
//!
//! # Approach
//!
//! Every URL in the value is parsed the way a server's HTTP client would (scheme,
//! authority, user information, port, IPv6 brackets, `\` read as `/` or not), and its host
//! is classified by value, not by spelling: an IPv4 host is read like `inet_aton` and the
//! WHATWG URL parser read it (1 to 4 parts, each decimal, octal with a leading `0` or hex
//! with `0x`, the last part filling the remaining bytes), so `2130706433`, `0177.0.0.1`,
//! `0x7f.1` and `127.1` are all 127.0.0.1; IPv6 hosts are parsed with the standard library
//! and the IPv4 addresses embedded in them (`::ffff:127.0.0.1`, `::7f00:1`, NAT64, 6to4)
//! classified in turn; names are internal when they are `localhost`, end in an internal
//! suffix (`.internal`, `.local`, `.svc.cluster.local`), have no dot at all (`http://redis/`),
//! or belong to a public DNS name that resolves to the address written in it
//! (`127.0.0.1.nip.io`, `localtest.me`).
//!
//! Rules, strongest first:
//! - `ssrf.metadata`: a cloud metadata endpoint (169.254.169.254, 169.254.170.2,
//!   100.100.100.200, `fd00:ec2::254`, `metadata.google.internal`, `http://metadata/`), in a
//!   URL, as the whole value or mentioned anywhere: nothing legitimate sends those to an API.
//! - `ssrf.dangerous_scheme`: `gopher://` and `dict://` (used only to talk raw TCP to
//!   internal services) anywhere; `file:`, `ldap://`, `tftp://`, `netdoc:` and `jar:` when the
//!   URL stands alone.
//! - `ssrf.obfuscated_ip`: an internal address written so that a naive filter misses it
//!   (decimal, octal, hex, short forms, IPv6-mapped, rebinding names). In a URL anywhere; as a
//!   bare value when the form is unambiguous (hex, octal, IPv6-embedded): bare decimal
//!   numbers and short dotted forms are left alone, because `2135551234` is also a phone
//!   number and `127.1` a decimal.
//! - `ssrf.internal_url`: an `http`, `https`, `ftp` or `ws` URL to a loopback, private,
//!   link-local, shared (100.64/10) or unspecified address or an internal name, when the URL
//!   stands alone. A plain private IP without a URL (`10.0.0.12`) is not reported: APIs carry
//!   addresses all the time. Neither is a `localhost` URL mentioned in prose ("the app runs at
//!   http://localhost:3000 for me"): a chat message or ticket is not where a server fetches.
//!
//! A URL "stands alone" unless the value reads as prose (three words or more) and the URL is
//! one of its words (after a space, or a Markdown bracket).

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use regex::Regex;

use super::Match;

pub fn detect(value: &str) -> Option<Match> {
    urls(value).or_else(|| bare(value)).or_else(|| metadata_mention(value))
}

/// Schemes whose URLs a server's HTTP client fetches.
const WEB_SCHEMES: &[&str] = &["http", "https", "ftp", "ws", "wss"];
/// Schemes used only to reach raw internal services.
const RAW_SCHEMES: &[&str] = &["gopher", "dict"];
/// Schemes that read files or reach directory and legacy services; dangerous in a URL
/// field, common enough in configuration talk to be left alone in prose.
const STANDALONE_SCHEMES: &[&str] = &["ldap", "ldaps", "tftp", "netdoc"];

/// Metadata endpoints by address.
const METADATA_V4: &[Ipv4Addr] = &[
    Ipv4Addr::new(169, 254, 169, 254),
    Ipv4Addr::new(169, 254, 170, 2),
    Ipv4Addr::new(169, 254, 170, 23),
    Ipv4Addr::new(100, 100, 100, 200),
    Ipv4Addr::new(192, 0, 0, 192),
];
const METADATA_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254);
/// Metadata endpoints by name (`metadata` alone only as a URL host).
const METADATA_NAMES: &[&str] =
    &["metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal", "metadata"];

/// Name suffixes that only resolve inside a network.
const INTERNAL_SUFFIXES: &[&str] = &[
    ".localhost",
    ".local",
    ".localdomain",
    ".internal",
    ".intranet",
    ".lan",
    ".home.arpa",
    ".corp",
    ".svc",
    ".cluster.local",
    ".svc.cluster.local",
];
/// Public names that resolve to loopback, used to slip past name filters.
const LOOPBACK_NAMES: &[&str] = &["localtest.me", "lvh.me", "vcap.me", "localh.st", "fuf.me"];
/// Wildcard DNS services that resolve `<address>.<service>` to the address written.
const ECHO_DNS: &[&str] = &[".nip.io", ".xip.io", ".sslip.io", ".traefik.me", ".xip.name"];

/// What a host is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Reach {
    Public,
    Internal,
    Metadata,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Host {
    reach: Reach,
    /// Written in a form meant to slip past a filter.
    obfuscated: bool,
}

fn urls(value: &str) -> Option<Match> {
    static URL: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(r"(?i)(?:\b(?P<jar>jar:)?(?P<scheme>[a-z][a-z0-9+.-]{0,15}):)?(?P<slashes>[/\\]{1,2})")
            .ok()
    });
    if !value.contains(['/', '\\']) {
        return None;
    }
    let prose = value.split_whitespace().nth(2).is_some();
    for found in URL.as_ref()?.captures_iter(value) {
        let whole = found.get(0)?;
        let scheme = found.name("scheme").map(|s| s.as_str().to_ascii_lowercase());
        // `//host/` without a scheme only counts as the start of the value.
        let scheme = match scheme {
            Some(scheme) => scheme,
            None if whole.as_str() == "//" && value.trim_start().len() == value.len() - whole.start() => {
                "http".to_owned()
            }
            None => continue,
        };
        // One slash: `http:/127.0.0.1` is still an authority for the URL standard's special
        // schemes (and `file:/etc/passwd` a path); for anything else it is a path or a word.
        let one_slash = found.name("slashes").is_some_and(|s| s.as_str().len() == 1);
        if one_slash && !(WEB_SCHEMES.contains(&scheme.as_str()) || scheme == "file") {
            continue;
        }
        let standalone = !(prose && is_prose_word_start(value, whole.start()));
        let authority_start = whole.end();
        // The evidence span, computed only for a URL that is reported.
        let span = || whole.start()..url_end(value, authority_start);
        if RAW_SCHEMES.contains(&scheme.as_str()) {
            return Some(Match::new("ssrf.dangerous_scheme", span()));
        }
        let host = url_host(value, authority_start);
        if host.is_some_and(|host| host.reach == Reach::Metadata) {
            return Some(Match::new("ssrf.metadata", span()));
        }
        if host.is_some_and(|host| host.reach == Reach::Internal && host.obfuscated) {
            return Some(Match::new("ssrf.obfuscated_ip", span()));
        }
        if standalone {
            if found.name("jar").is_some() || STANDALONE_SCHEMES.contains(&scheme.as_str()) {
                return Some(Match::new("ssrf.dangerous_scheme", span()));
            }
            if scheme == "file"
                && let Some(file) = super::traversal::risky_file_url(value, whole.start(), !prose)
            {
                return Some(Match::new("ssrf.dangerous_scheme", file));
            }
            if WEB_SCHEMES.contains(&scheme.as_str())
                && host.is_some_and(|host| host.reach == Reach::Internal)
            {
                return Some(Match::new("ssrf.internal_url", span()));
            }
        }
    }
    None
}

/// Whether the URL starting at `at` is a word of prose: at the start of the value, after
/// whitespace or after Markdown's link and emphasis brackets.
fn is_prose_word_start(value: &str, at: usize) -> bool {
    let before = value.get(..at).unwrap_or_default();
    before
        .chars()
        .next_back()
        .is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '[' | '<' | '*' | '_' | '`'))
}

/// How much of a URL is reported as evidence (and scanned for its end, so that a value
/// of many URLs in a row stays linear).
const MAX_URL: usize = 2048;

/// Where the URL whose authority starts at `start` ends (at most [`MAX_URL`] bytes on).
fn url_end(value: &str, start: usize) -> usize {
    let rest = value.get(start..).unwrap_or_default();
    let mut end = 0;
    for (i, c) in rest.char_indices() {
        if i >= MAX_URL || c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`') {
            return start + i;
        }
        end = i + c.len_utf8();
    }
    start + end
}

/// The most internal reading of the host of the URL whose authority starts at `start`:
/// with `\` as a path separator (WHATWG) and as an ordinary character (some clients), so
/// `http://example.com\@127.0.0.1/` is read both ways.
fn url_host(value: &str, start: usize) -> Option<Host> {
    let rest = value.get(start..).unwrap_or_default();
    let ends_at = |extra: &[char]| {
        rest.find(|c: char| {
            c.is_whitespace()
                || matches!(c, '/' | '?' | '#' | '"' | '\'' | '<' | '>' | '`')
                || extra.contains(&c)
        })
        .unwrap_or(rest.len())
    };
    let whatwg = rest.get(..ends_at(&['\\'])).unwrap_or_default();
    // Some clients also stop at a NUL (`localhost\0.example.com`).
    let lenient = rest.get(..ends_at(&['\0'])).unwrap_or_default();
    let lenient = lenient.rsplit('@').next().unwrap_or_default();
    let lenient = lenient.split('\\').next().unwrap_or_default();
    [whatwg, lenient]
        .into_iter()
        .filter_map(|authority| classify_host(strip_port(authority.rsplit('@').next().unwrap_or_default())))
        .max_by_key(|host| (host.reach, host.obfuscated))
}

/// The host of `host:port` or `[v6]:port`.
fn strip_port(authority: &str) -> &str {
    if authority.starts_with('[') {
        return authority.find(']').and_then(|close| authority.get(..=close)).unwrap_or(authority);
    }
    authority.split(':').next().unwrap_or(authority)
}

/// Classifies a URL host (`[v6]`, IPv4 in any form, or a name).
fn classify_host(host: &str) -> Option<Host> {
    // The URL standard reads the ideographic full stops as dots (`127。0。0。1`).
    let host = host.replace(['\u{3002}', '\u{ff0e}', '\u{ff61}'], ".");
    let host = host.trim_end_matches('.');
    if host.is_empty() {
        return None;
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return classify_v6_text(inner);
    }
    if let Some(v4) = parse_ipv4(host) {
        return Some(v4.host());
    }
    // Template placeholders (`{{host}}`, `${HOST}`) and other text that no DNS name holds
    // are not hosts.
    let is_name = host.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_'));
    is_name.then(|| classify_name(&host.to_ascii_lowercase()))
}

/// An IPv4 address as read by `inet_aton`/WHATWG, with the reading of leading zeros as
/// decimal too (both are in use).
#[derive(Clone, Copy, Debug)]
struct ParsedV4 {
    address: Ipv4Addr,
    /// The dotted-decimal reading when every part had leading zeros only (`010.0.0.1`).
    decimal_reading: Option<Ipv4Addr>,
    /// Four decimal parts without leading zeros.
    canonical: bool,
    /// A part was written in hex.
    hex: bool,
    /// A part was written in octal.
    octal: bool,
    parts: usize,
}

impl ParsedV4 {
    fn host(&self) -> Host {
        let reach = classify_v4(self.address).max(self.decimal_reading.map_or(Reach::Public, classify_v4));
        Host { reach, obfuscated: !self.canonical }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Radix {
    Decimal,
    Octal,
    Hex,
}

fn parse_ipv4(host: &str) -> Option<ParsedV4> {
    let host = host.strip_suffix('.').unwrap_or(host);
    let parts: Vec<&str> = host.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut numbers = Vec::with_capacity(4);
    for part in &parts {
        numbers.push(parse_part(part)?);
    }
    let (last, init) = numbers.split_last()?;
    if init.iter().any(|(n, _)| *n > 255) {
        return None;
    }
    let free_bytes = 4 - init.len() as u32;
    if last.0 >= 1u64 << (8 * free_bytes) {
        return None;
    }
    let mut address: u64 = 0;
    for (n, _) in init {
        address = (address << 8) | n;
    }
    address = (address << (8 * free_bytes)) | last.0;
    let address = Ipv4Addr::from(u32::try_from(address).ok()?);
    let canonical = parts.len() == 4
        && numbers.iter().all(|(_, radix)| *radix == Radix::Decimal)
        && parts.iter().all(|p| p.len() == 1 || !p.starts_with('0'));
    let decimal_reading = (parts.len() == 4 && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())))
        .then(|| {
            let mut octets = [0u8; 4];
            for (octet, part) in octets.iter_mut().zip(&parts) {
                *octet = part.parse().ok()?;
            }
            Some(Ipv4Addr::from(octets))
        })
        .flatten();
    let hex = numbers.iter().any(|(_, radix)| *radix == Radix::Hex);
    let octal = numbers.iter().any(|(_, radix)| *radix == Radix::Octal);
    Some(ParsedV4 { address, decimal_reading, canonical, hex, octal, parts: parts.len() })
}

/// One part of an IPv4 address: decimal, octal (`0` prefix) or hex (`0x` prefix).
fn parse_part(part: &str) -> Option<(u64, Radix)> {
    if part.is_empty() {
        return None;
    }
    let (digits, radix) = if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
        (hex, Radix::Hex)
    } else if let Some(octal) = part.strip_prefix('0').filter(|rest| !rest.is_empty()) {
        (octal, Radix::Octal)
    } else {
        (part, Radix::Decimal)
    };
    let base = match radix {
        Radix::Decimal => 10,
        Radix::Octal => 8,
        Radix::Hex => 16,
    };
    if digits.is_empty() {
        // `0x` alone is 0 for inet_aton.
        return (radix == Radix::Hex).then_some((0, radix));
    }
    let significant = digits.trim_start_matches('0');
    if significant.len() > 12 {
        return None;
    }
    let number = if significant.is_empty() { 0 } else { u64::from_str_radix(significant, base).ok()? };
    Some((number, radix))
}

fn classify_v4(address: Ipv4Addr) -> Reach {
    if METADATA_V4.contains(&address) {
        return Reach::Metadata;
    }
    let [a, b, _, _] = address.octets();
    let internal = address.is_loopback()
        || address.is_private()
        || address.is_link_local()
        || address.is_unspecified()
        || address.is_broadcast()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && address.octets()[2] == 0);
    if internal { Reach::Internal } else { Reach::Public }
}

/// Classifies an IPv6 literal (zone id allowed); embedded IPv4 addresses count as
/// obfuscated.
fn classify_v6_text(text: &str) -> Option<Host> {
    let address = text.split('%').next().unwrap_or(text).parse::<Ipv6Addr>().ok()?;
    Some(classify_v6(address))
}

fn classify_v6(address: Ipv6Addr) -> Host {
    if address == METADATA_V6 {
        return Host { reach: Reach::Metadata, obfuscated: false };
    }
    if let Some(v4) = embedded_v4(address) {
        return Host { reach: classify_v4(v4), obfuscated: true };
    }
    let first = address.segments()[0];
    let internal = address.is_loopback()
        || address.is_unspecified()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first & 0xffc0) == 0xfec0;
    Host { reach: if internal { Reach::Internal } else { Reach::Public }, obfuscated: false }
}

/// The IPv4 address inside a mapped (`::ffff:a.b.c.d`), compatible (`::a.b.c.d`), NAT64
/// (`64:ff9b::a.b.c.d`) or 6to4 (`2002:aabb:ccdd::`) IPv6 address.
fn embedded_v4(address: Ipv6Addr) -> Option<Ipv4Addr> {
    if let Some(mapped) = address.to_ipv4_mapped() {
        return Some(mapped);
    }
    let s = address.segments();
    let low = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    let compatible = s[..6].iter().all(|&x| x == 0) && !address.is_loopback() && !address.is_unspecified();
    let nat64 = s[0] == 0x64 && s[1] == 0xff9b && s[2..6].iter().all(|&x| x == 0);
    if compatible || nat64 {
        return Some(low);
    }
    (s[0] == 0x2002).then(|| Ipv4Addr::new((s[1] >> 8) as u8, s[1] as u8, (s[2] >> 8) as u8, s[2] as u8))
}

/// Classifies a host name (lower case, no trailing dot).
fn classify_name(name: &str) -> Host {
    let internal = Host { reach: Reach::Internal, obfuscated: false };
    if METADATA_NAMES.contains(&name) {
        return Host { reach: Reach::Metadata, obfuscated: false };
    }
    if name == "localhost" || name == "ip6-localhost" || name == "ip6-loopback" || !name.contains('.') {
        return internal;
    }
    if LOOPBACK_NAMES.iter().any(|loopback| name == *loopback || name.ends_with(&format!(".{loopback}"))) {
        return Host { reach: Reach::Internal, obfuscated: true };
    }
    if let Some(prefix) = ECHO_DNS.iter().find_map(|service| name.strip_suffix(service)) {
        return echo_dns_host(prefix).unwrap_or(Host { reach: Reach::Public, obfuscated: false });
    }
    if INTERNAL_SUFFIXES.iter().any(|suffix| name.ends_with(suffix)) || name.starts_with("kubernetes.default")
    {
        return internal;
    }
    Host { reach: Reach::Public, obfuscated: false }
}

/// The address a wildcard DNS name stands for: its last four dotted labels
/// (`app.10.0.0.1`), a dashed label (`10-0-0-1`, `app-10-0-0-1`) or a hex label
/// (`0a000001`).
fn echo_dns_host(prefix: &str) -> Option<Host> {
    let labels: Vec<&str> = prefix.split('.').collect();
    let dotted = labels.len().checked_sub(4).and_then(|from| labels.get(from..)).map(|last| last.join("."));
    let last_label = labels.last().copied().unwrap_or_default();
    let dashed: Vec<&str> = last_label.split('-').collect();
    let dashed = dashed.len().checked_sub(4).and_then(|from| dashed.get(from..)).map(|last| last.join("."));
    let hex = (last_label.len() == 8).then(|| u32::from_str_radix(last_label, 16).ok()).flatten();
    let address = [dotted, dashed]
        .into_iter()
        .flatten()
        .find_map(|text| text.parse::<Ipv4Addr>().ok())
        .or_else(|| hex.map(Ipv4Addr::from))?;
    Some(Host { reach: classify_v4(address), obfuscated: true })
}

/// A bare value (no URL): an obfuscated internal address, or a metadata address.
fn bare(value: &str) -> Option<Match> {
    let trimmed = value.trim();
    if trimmed.is_empty() || trimmed.contains(char::is_whitespace) || trimmed.len() > 256 {
        return None;
    }
    let start = value.len() - value.trim_start().len();
    let span = start..start + trimmed.len();
    let host = bare_host(trimmed)?;
    match host {
        Host { reach: Reach::Metadata, .. } => Some(Match::new("ssrf.metadata", span)),
        Host { reach: Reach::Internal, obfuscated: true } => Some(Match::new("ssrf.obfuscated_ip", span)),
        _ => None,
    }
}

/// Reads a bare `host`, `host:port` or `[v6]:port`; only forms that are unmistakably
/// addresses count (see the module docs).
fn bare_host(token: &str) -> Option<Host> {
    if let Ok(v6) = token.parse::<Ipv6Addr>() {
        return Some(classify_v6(v6));
    }
    let host = strip_port(token);
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return classify_v6_text(inner);
    }
    let host = host.trim_end_matches('.');
    if let Some(v4) = parse_ipv4(host) {
        let found = v4.host();
        // Octal counts when it is what turns a public-looking address internal
        // (`0177.0.0.1`), not for zero-padded addresses that are internal either way.
        let octal_trick = v4.octal
            && v4.parts == 4
            && classify_v4(v4.address) != Reach::Public
            && v4.decimal_reading.is_none_or(|decimal| classify_v4(decimal) == Reach::Public);
        // Bare decimals (`2130706433`, `127.1`, `10.02.2024`) are numbers first.
        let unmistakable = v4.canonical || v4.hex || octal_trick;
        return (unmistakable && (found.reach == Reach::Metadata || found.obfuscated)).then_some(found);
    }
    let name = host.to_ascii_lowercase();
    let named = classify_name(&name);
    // `metadata` alone is an ordinary word; a dotless name is not a host on its own.
    let meaningful = name.contains('.') && (named.reach == Reach::Metadata || named.obfuscated);
    meaningful.then_some(named)
}

/// A metadata address mentioned anywhere in the value.
fn metadata_mention(value: &str) -> Option<Match> {
    static METADATA: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(concat!(
            r"(?i)(?:^|[^\w.])(?P<m>169\.254\.169\.254|169\.254\.170\.(?:23|2)|100\.100\.100\.200",
            r"|metadata\.google\.internal|metadata\.goog|fd00:ec2::254)(?:$|[^\w.:]|\.(?:$|\D))",
        ))
        .ok()
    });
    let found = METADATA.as_ref()?.captures(value)?.name("m")?;
    Some(Match::new("ssrf.metadata", found.range()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn span_of(value: &str, needle: &str) -> Option<std::ops::Range<usize>> {
        value.find(needle).map(|start| start..start + needle.len())
    }

    fn rule(value: &str) -> Option<&'static str> {
        detect(value).map(|found| found.rule)
    }

    #[test]
    fn internal_urls() {
        for value in [
            "http://127.0.0.1/admin",
            "http://localhost:8080/actuator/env",
            "https://LOCALHOST./",
            "http://10.0.0.12/admin",
            "http://172.16.5.4:9200/_cat/indices",
            "http://192.168.1.1/cgi-bin/luci",
            "http://[::1]:6379/",
            "http://[::]/",
            "http://[fd12:3456::1]/",
            "http://[fe80::1%25eth0]/",
            "http:/127.0.0.1/admin",
            "http:\\\\10.0.0.1\\admin",
            "http://localhost\0.example.com/",
            "http://0.0.0.0:2375/containers/json",
            "http://example.com@127.0.0.1/",
            "http://user:pass@10.1.2.3/",
            "http://evil.example\\@192.168.0.1/",
            "http://127.0.0.1#@example.com/",
            "http://redis:6379/",
            "http://admin-panel/",
            "http://api.svc.cluster.local/",
            "http://printer.local/",
            "https://vault.internal:8200/v1/secret",
            "ftp://192.168.0.10/backup.tgz",
            "ws://127.0.0.1:9222/devtools/browser",
            "https://example.com/proxy?url=http://127.0.0.1:8500/v1/agent/self",
            "{\"callback\": \"http://10.0.0.5/hook\"}",
            "<img src=\"http://192.168.0.1/logo.png\">",
            "//127.0.0.1/admin",
        ] {
            assert_eq!(rule(value), Some("ssrf.internal_url"), "{value}");
        }
    }

    #[test]
    fn metadata_endpoints() {
        for value in [
            "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
            "http://metadata.google.internal/computeMetadata/v1/?recursive=true",
            "http://metadata/computeMetadata/v1/",
            "http://100.100.100.200/latest/meta-data/",
            "http://[fd00:ec2::254]/latest/meta-data/",
            "http://169.254.170.2/v2/credentials",
            "http://2852039166/latest/meta-data/",
            "http://0xa9fea9fe/",
            "http://0251.0376.0251.0376/",
            "http://[::ffff:169.254.169.254]/",
            "169.254.169.254",
            "metadata.google.internal",
            "fd00:ec2::254",
            "please fetch 169.254.169.254/latest/user-data for me",
            "http://169.254.169.254.nip.io/",
            "http://169\u{3002}254\u{3002}169\u{3002}254/",
        ] {
            assert_eq!(rule(value), Some("ssrf.metadata"), "{value}");
        }
    }

    #[test]
    fn obfuscated_addresses() {
        for value in [
            "http://2130706433/",
            "http://0x7f000001/",
            "http://0x7f.0.0.1/",
            "http://0177.0.0.1/",
            "http://017700000001/",
            "http://127.1/",
            "http://127.0.1:8080/",
            "http://0/",
            "http://127.000.000.001/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:7f00:1]/",
            "http://[0:0:0:0:0:ffff:127.0.0.1]/",
            "http://[::127.0.0.1]/",
            "http://127.0.0.1.nip.io/",
            "http://app.10-0-0-1.sslip.io/",
            "http://localtest.me/",
            "http://sub.lvh.me:3000/",
            "0x7f000001",
            "0x7f.0x0.0x0.0x1",
            "0177.0.0.1",
            "0300.0250.0.1:8080",
            "::ffff:127.0.0.1",
            "[::ffff:7f00:1]",
            "::ffff:10.0.0.1",
            "127.0.0.1.nip.io",
            "see http://0x7f000001/ for details, it works",
        ] {
            assert_eq!(rule(value), Some("ssrf.obfuscated_ip"), "{value}");
        }
    }

    #[test]
    fn dangerous_schemes() {
        for value in [
            "gopher://127.0.0.1:6379/_SET%20x%201",
            "gopher://example.com:70/1",
            "dict://localhost:11211/stat",
            "DICT://10.0.0.1:6379/info",
            "file:///etc/passwd",
            "file://fileserver/share/report.doc",
            "ldap://127.0.0.1:389/dc=example",
            "ldap://attacker.example/a",
            "jar:http://attacker.example/evil.jar!/",
            "tftp://10.0.0.1/config",
            "notes gopher://10.0.0.1:25/xHELO go here",
        ] {
            assert_eq!(rule(value), Some("ssrf.dangerous_scheme"), "{value}");
        }
    }

    #[test]
    fn public_urls_bare_addresses_and_prose_pass() {
        for value in [
            "https://hooks.slack.com/services/T000/B000/XXXX",
            "https://api.example.com/webhooks/orders?token=abc",
            "https://example.com:8443/callback",
            "https://user:pass@api.example.com/",
            "https://internal.example.com/status",
            "https://api.local.example.com/x",
            "https://8.8.8.8/dns-query",
            "http://93.184.216.34/",
            "https://[2606:4700:4700::1111]/dns-query",
            "https://1.1.1.1/",
            "https://my-app.herokuapp.com/hook",
            "https://sslip.io/",
            "https://nip.io/",
            "10.0.0.12",
            "192.168.1.10",
            "127.0.0.1",
            "127.0.0.1:6379",
            "::1",
            "0",
            "localhost",
            "localhost:8080",
            "metadata",
            "It works on localhost but not in prod",
            "The app runs at http://localhost:3000 for me, but staging fails",
            "See the docs at https://docs.example.com/guide for details",
            "version 1.2.3.4",
            "1.2.3.4",
            "10.1",
            "127.1",
            "2130706433",
            "+1 (213) 555-0147",
            "2135550147",
            "3.14159",
            "10.02.2024",
            "01.02.2024",
            "0.5",
            "ana@example.com",
            "The LDAP server is ldap://ldap.example.com:389 in our docs",
            "Open file:///Users/ana/Documents/report.pdf in your browser",
            "file:///Users/ana/Documents/report.pdf",
            "192.168.001.010",
            "Our office range is 10.0.0.0/8 and the gateway 10.0.0.1",
            "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\"}",
            "<a href=\"https://example.com\">link</a>",
            "metadata.json",
            "path/to//file",
            "C:\\\\server\\share",
            "http://{{host}}/callback",
            "http://${HOST}:8080/health",
            "https://%s/webhook",
            "http://<your-server>/hook",
            "\\\\fileserver\\share\\doc.docx",
            "10.0.0.1, 172.16.0.5",
            "for=192.0.2.60;proto=http;by=203.0.113.43",
            "Running on http://0.0.0.0:8000 (Press CTRL+C to quit) and more",
            "https://metadata.example.com/info",
            "http://1.2.3.4.example.com/",
            "4294967295",
            "010.010.010.010",
        ] {
            assert_eq!(detect(value), None, "{value}");
        }
    }

    #[test]
    fn ipv4_reading_matches_inet_aton() {
        let read = |text: &str| parse_ipv4(text).map(|v4| v4.address.to_string());
        assert_eq!(read("2130706433").as_deref(), Some("127.0.0.1"));
        assert_eq!(read("0x7f.1").as_deref(), Some("127.0.0.1"));
        assert_eq!(read("0177.0.0.01").as_deref(), Some("127.0.0.1"));
        assert_eq!(read("10.258").as_deref(), Some("10.0.1.2"));
        assert_eq!(read("256.0.0.1"), None);
        assert_eq!(read("1.2.3.4.5"), None);
        assert_eq!(read("08.0.0.1"), None);
        assert_eq!(read("example.com"), None);
        assert_eq!(read("99999999999999999999"), None);
        assert_eq!(
            span_of("a 169.254.169.254", "169.254.169.254"),
            metadata_mention("a 169.254.169.254").map(|m| m.span)
        );
    }

    /// Repetitive inputs that would make a quadratic scan take minutes finish in well under
    /// the bound even in a debug build on a busy machine.
    #[test]
    fn pathological_inputs_stay_linear() {
        for (unit, times) in [
            ("http://a/", 5_000),
            ("php://", 8_000),
            ("//", 20_000),
            ("http://x.x.x.x", 4_000),
            ("[::", 10_000),
            ("1.", 20_000),
        ] {
            let value = unit.repeat(times);
            let started = std::time::Instant::now();
            let _ = detect(&value);
            assert!(started.elapsed() < std::time::Duration::from_secs(10), "{unit:?}");
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_spans_stay_inside(value in r"((https?|gopher|file|ldap)://|\[|\]|::|ffff|0x7f|127|0|\.|@|\\|/|:|[a-z0-9 ]){0,40}") {
            if let Some(found) = detect(&value) {
                prop_assert!(value.get(found.span.clone()).is_some());
            }
        }

        #[test]
        fn arbitrary_text_never_panics(value in ".{0,200}") {
            if let Some(found) = detect(&value) {
                prop_assert!(value.get(found.span.clone()).is_some());
            }
        }
    }
}

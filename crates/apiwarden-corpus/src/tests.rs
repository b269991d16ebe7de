//! Tests of the generated traffic: determinism, HAR 1.2 shape, truth completeness and
//! soundness, and every trap an API claims.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine as _;
use percent_encoding::percent_decode_str;
use serde_json::Value;

use crate::*;

fn gen_api(name: &str, calls: usize, seed: u64) -> (Vec<u8>, Truth) {
    let api = api(name).expect("api exists");
    let mut buf = Vec::new();
    let truth = write_har(&api, &GenOptions { calls, seed, body_bytes: None }, &mut buf).expect("generate");
    (buf, truth)
}

/// Calls per API in the shared test corpus.
const CALLS: usize = 700;

/// A generated run: HAR bytes, truth, parsed entries.
type Run = (Vec<u8>, Truth, Vec<Value>);

/// One run per API (seed 21), generated once and shared by the tests that only read it.
fn corpus(name: &str) -> &'static Run {
    static CACHE: std::sync::OnceLock<Vec<(String, std::sync::OnceLock<Run>)>> = std::sync::OnceLock::new();
    let all = CACHE
        .get_or_init(|| apis().iter().map(|a| (a.name.to_string(), std::sync::OnceLock::new())).collect());
    let slot = &all.iter().find(|(n, _)| n == name).expect("known api").1;
    slot.get_or_init(|| {
        let (har, truth) = gen_api(name, CALLS, 21);
        let es = entries(&har);
        (har, truth, es)
    })
}

fn entries(har: &[u8]) -> Vec<Value> {
    let v: Value = serde_json::from_slice(har).expect("HAR is valid JSON");
    v["log"]["entries"].as_array().expect("entries array").clone()
}

/// Path of a URL split into raw segments (still percent-encoded), without trailing slash.
fn raw_segments(url: &str) -> (String, Vec<String>) {
    let rest = url.strip_prefix("https://").expect("https URL");
    let (host, path) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
    let path = path.split('?').next().unwrap_or("");
    (host.to_string(), path.split('/').filter(|s| !s.is_empty()).map(str::to_string).collect())
}

fn decode(seg: &str) -> String {
    percent_decode_str(seg).decode_utf8_lossy().into_owned()
}

fn template_segments(t: &str) -> Vec<&str> {
    t.split('/').filter(|s| !s.is_empty()).collect()
}

fn is_param(seg: &str) -> bool {
    seg.starts_with('{') && seg.ends_with('}')
}

/// The most specific truth endpoint matching this request, with its parameter values.
fn match_entry<'a>(
    truth: &'a Truth,
    method: &str,
    segs: &[String],
) -> Option<(&'a TruthEndpoint, Vec<String>)> {
    let mut best: Option<(Vec<bool>, &TruthEndpoint, Vec<String>)> = None;
    for e in truth.endpoints.iter().filter(|e| e.method == method) {
        let ts = template_segments(&e.template);
        if ts.len() != segs.len() {
            continue;
        }
        let mut values = Vec::new();
        let mut spec = Vec::new();
        let mut ok = true;
        for (t, s) in ts.iter().zip(segs) {
            let d = decode(s);
            if is_param(t) {
                values.push(d);
                spec.push(false);
            } else if *t == d {
                spec.push(true);
            } else {
                ok = false;
                break;
            }
        }
        if ok && best.as_ref().is_none_or(|(b, _, _)| spec > *b) {
            best = Some((spec, e, values));
        }
    }
    best.map(|(_, e, v)| (e, v))
}

fn header<'a>(headers: &'a Value, name: &str) -> Option<&'a str> {
    headers.as_array()?.iter().find(|h| h["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name)))?["value"].as_str()
}

/// Preflights and static files. Not decided by the file extension: repositories may be
/// called `oak.js`.
fn is_noise(e: &Value) -> bool {
    e["request"]["method"] == "OPTIONS"
        || header(&e["response"]["headers"], "cache-control").is_some_and(|c| c.contains("immutable"))
}

/// Per truth endpoint: the matched entries' parameter values.
fn observe(truth: &Truth, es: &[Value]) -> BTreeMap<TruthEndpoint, Vec<Vec<String>>> {
    let mut seen: BTreeMap<TruthEndpoint, Vec<Vec<String>>> = BTreeMap::new();
    for e in es {
        if is_noise(e) {
            continue;
        }
        let method = e["request"]["method"].as_str().unwrap_or("");
        let (_, segs) = raw_segments(e["request"]["url"].as_str().unwrap_or(""));
        let (ep, values) = match_entry(truth, method, &segs)
            .unwrap_or_else(|| panic!("{} {} matches no truth endpoint", method, e["request"]["url"]));
        seen.entry(ep.clone()).or_default().push(values);
    }
    seen
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    for api in apis() {
        let (a, ta) = gen_api(api.name, 150, 7);
        let (b, tb) = gen_api(api.name, 150, 7);
        assert!(a == b, "{}: same seed gave different bytes", api.name);
        assert_eq!(ta, tb);
        let (c, _) = gen_api(api.name, 150, 8);
        assert!(a != c, "{}: different seeds gave the same bytes", api.name);
    }
    let mut m1 = Vec::new();
    let mut m2 = Vec::new();
    let opts = GenOptions { calls: 300, seed: 3, body_bytes: Some(512) };
    let t1 = write_mixed_har(&opts, &mut m1).expect("mixed");
    let t2 = write_mixed_har(&opts, &mut m2).expect("mixed");
    assert!(m1 == m2);
    assert_eq!(t1, t2);
}

fn is_rfc3339_ms(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 24
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && b[23] == b'Z'
        && time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).is_ok()
}

#[test]
fn har_has_the_1_2_shape() {
    for api in apis() {
        let (har, _, _) = corpus(api.name);
        let v: Value = serde_json::from_slice(har).expect("valid JSON");
        let log = &v["log"];
        assert_eq!(log["version"], "1.2");
        assert_eq!(log["creator"]["name"], "apiwarden-corpus");
        assert!(log["creator"]["version"].is_string());
        let es = log["entries"].as_array().expect("entries");
        assert_eq!(es.len(), CALLS, "{}", api.name);
        let mut last = String::new();
        for e in es {
            let started = e["startedDateTime"].as_str().expect("startedDateTime");
            assert!(is_rfc3339_ms(started), "{started}");
            assert!(started >= last.as_str(), "timestamps go back: {last} then {started}");
            last = started.to_string();
            assert!(e["time"].as_f64().expect("time") >= 0.0);
            let req = &e["request"];
            for k in ["method", "url", "httpVersion"] {
                assert!(req[k].is_string(), "request.{k}");
            }
            for k in ["cookies", "headers", "queryString"] {
                assert!(req[k].is_array(), "request.{k}");
            }
            assert!(req["headersSize"].is_i64() && req["bodySize"].is_i64());
            let (host, _) = raw_segments(req["url"].as_str().unwrap_or(""));
            assert_eq!(host, api.host);
            if let Some(pd) = req.get("postData") {
                assert!(pd["mimeType"].is_string() && pd["text"].is_string());
                assert_eq!(req["bodySize"].as_i64(), Some(pd["text"].as_str().unwrap_or("").len() as i64));
            }
            // The query string in the URL and the queryString list agree.
            let url = req["url"].as_str().unwrap_or("");
            let parsed: Vec<(String, String)> = url
                .split_once('?')
                .map(|(_, q)| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
                .unwrap_or_default();
            let listed: Vec<(String, String)> = req["queryString"]
                .as_array()
                .unwrap_or(&Vec::new())
                .iter()
                .map(|p| {
                    (
                        p["name"].as_str().unwrap_or("").to_string(),
                        p["value"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect();
            assert_eq!(parsed, listed, "{url}");
            let resp = &e["response"];
            assert!(resp["status"].is_u64());
            for k in ["statusText", "httpVersion", "redirectURL"] {
                assert!(resp[k].is_string(), "response.{k}");
            }
            assert!(resp["cookies"].is_array() && resp["headers"].is_array());
            assert!(resp["headersSize"].is_i64() && resp["bodySize"].is_i64());
            let content = &resp["content"];
            assert!(content["size"].is_i64() && content["mimeType"].is_string());
            if let Some(text) = content["text"].as_str() {
                let bytes = if content["encoding"] == "base64" {
                    base64::engine::general_purpose::STANDARD.decode(text).expect("valid base64")
                } else {
                    text.as_bytes().to_vec()
                };
                assert_eq!(bytes.len() as i64, content["size"].as_i64().unwrap_or(-1));
                if content["mimeType"].as_str().unwrap_or("").contains("json") {
                    serde_json::from_slice::<Value>(&bytes).expect("JSON body parses");
                }
            }
            assert!(e["cache"].is_object());
            let t = &e["timings"];
            for k in ["send", "wait", "receive"] {
                assert!(t[k].as_f64().expect("timing") >= 0.0);
            }
        }
    }
}

#[test]
fn truth_is_exactly_the_endpoints_in_the_traffic() {
    for api in apis() {
        let (_, truth, es) = corpus(api.name);
        assert_eq!(truth.api, api.name);
        assert_eq!(truth.host, api.host);
        let seen = observe(truth, es);
        for ep in &truth.endpoints {
            assert!(
                seen.contains_key(ep),
                "{}: truth endpoint {} {} never occurs",
                api.name,
                ep.method,
                ep.template
            );
            assert!(ep.template.starts_with('/'));
        }
        let catalogue: BTreeSet<(String, String)> =
            api.catalogue().into_iter().map(|(m, t)| (m.to_string(), t.to_string())).collect();
        assert_eq!(catalogue.len(), api.catalogue().len(), "{}: duplicate endpoints", api.name);
        for ep in &truth.endpoints {
            assert!(catalogue.contains(&(ep.method.clone(), ep.template.clone())));
            assert!(ep.method != "OPTIONS");
        }
        assert!(truth.endpoints.len() >= 20, "{} has only {} endpoints", api.name, truth.endpoints.len());
        let sorted = {
            let mut s = truth.endpoints.clone();
            s.sort();
            s
        };
        assert_eq!(sorted, truth.endpoints);
    }
}

#[test]
fn mixed_har_interleaves_every_api() {
    let mut buf = Vec::new();
    let truths = write_mixed_har(&GenOptions { calls: 900, seed: 9, body_bytes: Some(1024) }, &mut buf)
        .expect("mixed");
    assert_eq!(truths.len(), apis().len());
    let es = entries(&buf);
    assert_eq!(es.len(), 900);
    let mut hosts = BTreeSet::new();
    for e in &es {
        let (host, _) = raw_segments(e["request"]["url"].as_str().unwrap_or(""));
        hosts.insert(host);
    }
    for t in &truths {
        assert!(hosts.contains(&t.host));
        let mine: Vec<Value> = es
            .iter()
            .filter(|e| raw_segments(e["request"]["url"].as_str().unwrap_or("")).0 == t.host)
            .cloned()
            .collect();
        let seen = observe(t, &mine);
        assert_eq!(seen.len(), t.endpoints.len(), "{}", t.api);
    }
    // Padding: successful JSON responses carry about 1 KB or more.
    let mut small = 0;
    let mut json = 0;
    for e in &es {
        let c = &e["response"]["content"];
        let status = e["response"]["status"].as_u64().unwrap_or(0);
        if (200..300).contains(&status) && c["mimeType"].as_str().unwrap_or("").contains("json") {
            json += 1;
            if c["size"].as_i64().unwrap_or(0) < 1000 {
                small += 1;
            }
        }
    }
    assert!(json > 300 && small * 50 < json, "{small} of {json} JSON bodies are small");
}

// ---- value shapes used by the trap checks ----

fn all_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
fn is_int(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}
fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12] && parts.iter().all(|p| all_hex(p))
}
fn is_hex_n(s: &str, n: usize) -> bool {
    s.len() == n && all_hex(s)
}
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-' && is_int(&s[..4]) && is_int(&s[5..7]) && is_int(&s[8..])
}
fn is_email(s: &str) -> bool {
    s.split_once('@').is_some_and(|(u, d)| !u.is_empty() && d.contains('.'))
}
fn is_token(s: &str) -> bool {
    s.len() >= 16
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && s.bytes().any(|b| b.is_ascii_uppercase())
        && !all_hex(s)
}
fn is_semver(s: &str) -> bool {
    let core = s.trim_start_matches('v').split('-').next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| is_int(p))
}
fn is_prefixed(s: &str) -> bool {
    s.split_once('_').is_some_and(|(p, r)| {
        !p.is_empty()
            && p.bytes().all(|b| b.is_ascii_lowercase())
            && r.len() >= 10
            && r.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}
fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.split('-')
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}
fn is_sku(s: &str) -> bool {
    let p: Vec<&str> = s.split('-').collect();
    p.len() >= 2
        && p[0].len() == 3
        && p[0].bytes().all(|b| b.is_ascii_uppercase())
        && p[1].len() == 4
        && is_int(p[1])
}
fn is_mac(s: &str) -> bool {
    let p: Vec<&str> = s.split(':').collect();
    p.len() == 6 && p.iter().all(|x| is_hex_n(x, 2))
}
fn is_structured(s: &str) -> bool {
    is_int(s)
        || is_uuid(s)
        || all_hex(s)
        || is_date(s)
        || is_email(s)
        || is_semver(s)
        || is_prefixed(s)
        || is_mac(s)
}

/// Some truth endpoint has a parameter whose observed values all satisfy `pred`
/// (at least `min_distinct` different values, and at least `share` of them hyphenated for
/// slugs and so on is left to `pred`).
fn param_where(
    seen: &BTreeMap<TruthEndpoint, Vec<Vec<String>>>,
    min_distinct: usize,
    pred: &dyn Fn(&[&String]) -> bool,
) -> bool {
    for calls in seen.values() {
        let n = calls.first().map_or(0, Vec::len);
        for i in 0..n {
            let values: BTreeSet<&String> = calls.iter().filter_map(|c| c.get(i)).collect();
            let v: Vec<&String> = values.into_iter().collect();
            if v.len() >= min_distinct && pred(&v) {
                return true;
            }
        }
    }
    false
}

fn every(f: fn(&str) -> bool) -> impl Fn(&[&String]) -> bool {
    move |v: &[&String]| v.iter().all(|s| f(s))
}

fn static_sibling(truth: &Truth) -> bool {
    let ts: Vec<Vec<&str>> = truth.endpoints.iter().map(|e| template_segments(&e.template)).collect();
    for a in &ts {
        for b in &ts {
            if a.len() != b.len() {
                continue;
            }
            let mut diff = 0;
            let mut sibling = false;
            for (x, y) in a.iter().zip(b) {
                match (is_param(x), is_param(y)) {
                    (true, true) => {}
                    (false, false) if x == y => {}
                    (false, true) => {
                        diff += 1;
                        sibling = true;
                    }
                    _ => diff += 2,
                }
            }
            if sibling && diff == 1 {
                return true;
            }
        }
    }
    false
}

/// Per collection: (top-level keys of the list body, keys of its first item).
type Shapes = Vec<(BTreeSet<String>, BTreeSet<String>)>;

fn check_trap(
    api: &ApiDef,
    trap: Trap,
    truth: &Truth,
    es: &[Value],
    seen: &BTreeMap<TruthEndpoint, Vec<Vec<String>>>,
) -> bool {
    let api_entries = || es.iter().filter(|e| !is_noise(e));
    match trap {
        Trap::StaticSiblingOfParam => static_sibling(truth),
        Trap::SharedVersionSegment => {
            let firsts: BTreeSet<Vec<&str>> = truth
                .endpoints
                .iter()
                .map(|e| template_segments(&e.template).into_iter().take(2).collect())
                .collect();
            firsts.len() == 1 && firsts.iter().next().is_some_and(|f| f.len() == 2 && is_date(f[1]))
        }
        Trap::CoexistingVersions => {
            truth.endpoints.iter().any(|e| e.template.starts_with("/v1/"))
                && truth.endpoints.iter().any(|e| e.template.starts_with("/v2/"))
        }
        Trap::ConsecutiveParams => truth
            .endpoints
            .iter()
            .any(|e| template_segments(&e.template).windows(2).any(|w| is_param(w[0]) && is_param(w[1]))),
        Trap::SameEnvelopeStatics => {
            // Fully static GET collections under one parent whose 2xx bodies share their
            // top-level keys while their items differ.
            let mut by_parent: BTreeMap<String, Shapes> = BTreeMap::new();
            for e in api_entries() {
                let req = &e["request"];
                let status = e["response"]["status"].as_u64().unwrap_or(0);
                if req["method"] != "GET" || !(200..300).contains(&status) {
                    continue;
                }
                let (_, segs) = raw_segments(req["url"].as_str().unwrap_or(""));
                let Some((ep, values)) = match_entry(truth, "GET", &segs) else { continue };
                if !values.is_empty() {
                    continue;
                }
                let text = e["response"]["content"]["text"].as_str().unwrap_or("");
                let Ok(body) = serde_json::from_str::<Value>(text) else { continue };
                let Some(obj) = body.as_object() else { continue };
                let Some(items) = obj.values().find_map(|v| v.as_array()) else { continue };
                let Some(first) = items.first().and_then(Value::as_object) else { continue };
                let parent = ep.template.rsplit_once('/').map_or("", |(p, _)| p).to_string();
                by_parent
                    .entry(format!("{parent}|{}", ep.template))
                    .or_default()
                    .push((obj.keys().cloned().collect(), first.keys().cloned().collect()));
            }
            // Group the distinct collections per parent.
            let mut parents: BTreeMap<String, Shapes> = BTreeMap::new();
            for (k, v) in by_parent {
                let parent = k.split('|').next().unwrap_or("").to_string();
                if let Some(first) = v.into_iter().next() {
                    parents.entry(parent).or_default().push(first);
                }
            }
            parents.values().any(|cols| {
                let envelopes: BTreeSet<&BTreeSet<String>> = cols.iter().map(|c| &c.0).collect();
                let items: BTreeSet<&BTreeSet<String>> = cols.iter().map(|c| &c.1).collect();
                cols.len() >= 4 && envelopes.len() == 1 && items.len() == cols.len()
            })
        }
        Trap::RareEndpoints => seen.values().any(|calls| calls.len() <= 2),
        Trap::IntIds => param_where(seen, 5, &every(is_int)),
        Trap::UuidIds => param_where(seen, 5, &every(is_uuid)),
        Trap::ObjectIds => param_where(seen, 5, &every(|s| is_hex_n(s, 24))),
        Trap::Hex32Ids => param_where(seen, 5, &every(|s| is_hex_n(s, 32))),
        Trap::Hex40Ids => param_where(seen, 5, &every(|s| is_hex_n(s, 40))),
        Trap::Hex64Ids => param_where(seen, 5, &every(|s| s.len() >= 64 && all_hex(&s[s.len() - 64..]))),
        Trap::DateIds => param_where(seen, 5, &every(is_date)),
        Trap::EmailIds => param_where(seen, 5, &every(is_email)),
        Trap::TokenIds => param_where(seen, 5, &every(is_token)),
        Trap::SemverIds => param_where(seen, 5, &every(is_semver)),
        Trap::PrefixedIds => param_where(seen, 5, &every(is_prefixed)),
        Trap::SkuIds => param_where(seen, 5, &every(is_sku)),
        Trap::MacIds => param_where(seen, 5, &every(is_mac)),
        Trap::FileLikeIds => seen.values().flatten().flatten().any(|v| {
            v.rsplit_once('.').is_some_and(|(a, ext)| {
                !a.is_empty() && (2..=4).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_lowercase())
            })
        }),
        Trap::FreeTextIds => param_where(seen, 10, &|v| {
            v.iter().all(|s| s.bytes().any(|b| b.is_ascii_alphabetic()) && !is_structured(s))
                && v.iter().any(|s| !is_slug(s))
        }),
        Trap::SlugIds => param_where(seen, 5, &|v| {
            v.iter().all(|s| is_slug(s)) && v.iter().filter(|s| s.contains('-')).count() * 2 > v.len()
        }),
        Trap::EncodedSlashIds => api_entries().any(|e| {
            raw_segments(e["request"]["url"].as_str().unwrap_or("")).1.iter().any(|s| s.contains("%2F"))
        }),
        Trap::PercentEncodedIds => api_entries().any(|e| {
            raw_segments(e["request"]["url"].as_str().unwrap_or(""))
                .1
                .iter()
                .any(|s| s.contains("%40") || s.contains("%3A"))
        }),
        Trap::TrailingSlash => api_entries().any(|e| {
            let url = e["request"]["url"].as_str().unwrap_or("");
            url.split('?').next().is_some_and(|p| p.ends_with('/') && p.len() > api.host.len() + 9)
        }),
        Trap::FormPost => api_entries().any(|e| {
            e["request"]["postData"]["mimeType"].as_str() == Some("application/x-www-form-urlencoded")
        }),
        Trap::MultipartUpload => api_entries().any(|e| {
            e["request"]["postData"]["mimeType"]
                .as_str()
                .is_some_and(|m| m.starts_with("multipart/form-data; boundary="))
        }),
        Trap::Base64Bodies => api_entries().any(|e| {
            let c = &e["response"]["content"];
            c["encoding"] == "base64" && c["mimeType"].as_str().is_some_and(|m| m.contains("json"))
        }),
        Trap::BinaryBodies => api_entries().any(|e| {
            let c = &e["response"]["content"];
            c["encoding"] == "base64"
                && c["mimeType"].as_str().is_some_and(|m| {
                    m.starts_with("image/")
                        || m == "application/pdf"
                        || m == "application/gzip"
                        || m == "application/octet-stream"
                })
        }),
        Trap::StaticAssets => es.iter().any(|e| {
            let url = e["request"]["url"].as_str().unwrap_or("");
            let (_, segs) = raw_segments(url);
            is_noise(e)
                && e["request"]["method"] == "GET"
                && [".js", ".css", ".png", ".ico"].iter().any(|x| url.ends_with(x))
                && match_entry(truth, "GET", &segs).is_none()
        }),
        Trap::CorsPreflight => {
            es.iter().any(|e| {
                e["request"]["method"] == "OPTIONS"
                    && header(&e["request"]["headers"], "access-control-request-method").is_some()
                    && header(&e["request"]["headers"], "origin").is_some()
            }) && truth.endpoints.iter().all(|t| t.method != "OPTIONS")
        }
        Trap::HealthCheck => truth.endpoints.iter().any(|e| {
            e.method == "GET"
                && template_segments(&e.template).last().is_some_and(|s| s.starts_with("health"))
        }),
        Trap::ErrorStatuses => {
            let statuses: BTreeSet<u64> = api_entries()
                .filter(|e| {
                    let text = e["response"]["content"]["text"].as_str().unwrap_or("");
                    serde_json::from_str::<Value>(text).is_ok_and(|v| v.is_object())
                })
                .filter_map(|e| e["response"]["status"].as_u64())
                .filter(|s| *s >= 400)
                .collect();
            statuses.len() >= 3
        }
    }
}

#[test]
fn every_claimed_trap_is_present() {
    let mut claimed_anywhere = BTreeSet::new();
    for api in apis() {
        let (har, truth) = gen_api(api.name, 1000, 21);
        let es = entries(&har);
        let seen = observe(&truth, &es);
        for trap in api.traps {
            assert!(
                check_trap(&api, *trap, &truth, &es, &seen),
                "{}: claimed trap {trap:?} not found",
                api.name
            );
            claimed_anywhere.insert(*trap);
        }
    }
    // The brief's required difficulties are each covered by at least one API.
    for t in [
        Trap::StaticSiblingOfParam,
        Trap::SharedVersionSegment,
        Trap::CoexistingVersions,
        Trap::SameEnvelopeStatics,
        Trap::RareEndpoints,
        Trap::IntIds,
        Trap::UuidIds,
        Trap::ObjectIds,
        Trap::Hex32Ids,
        Trap::Hex40Ids,
        Trap::Hex64Ids,
        Trap::DateIds,
        Trap::EmailIds,
        Trap::TokenIds,
        Trap::SemverIds,
        Trap::FreeTextIds,
        Trap::SlugIds,
        Trap::SkuIds,
        Trap::FormPost,
        Trap::MultipartUpload,
        Trap::Base64Bodies,
        Trap::BinaryBodies,
        Trap::StaticAssets,
        Trap::CorsPreflight,
        Trap::HealthCheck,
        Trap::ErrorStatuses,
    ] {
        assert!(claimed_anywhere.contains(&t), "no API claims {t:?}");
    }
}

#[test]
fn apis_are_distinct_and_at_least_six() {
    let all = apis();
    assert!(all.len() >= 6);
    let names: BTreeSet<&str> = all.iter().map(|a| a.name).collect();
    let hosts: BTreeSet<&str> = all.iter().map(|a| a.host).collect();
    assert_eq!(names.len(), all.len());
    assert_eq!(hosts.len(), all.len());
    assert!(api("shop").is_some() && api("nope").is_none());
}

#[test]
fn varied_auth_and_methods() {
    let mut methods = BTreeSet::new();
    let mut auth = BTreeSet::new();
    for api in apis() {
        let (_, _, es) = corpus(api.name);
        for e in es {
            let req = &e["request"];
            methods.insert(req["method"].as_str().unwrap_or("").to_string());
            let h = &req["headers"];
            if let Some(a) = header(h, "authorization") {
                auth.insert(a.split(' ').next().unwrap_or("").to_string());
                if let Some(tok) = a.strip_prefix("Bearer ").filter(|t| t.matches('.').count() == 2) {
                    let claims = tok.split('.').nth(1).unwrap_or("");
                    let raw =
                        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(claims).expect("JWT claims");
                    let v: Value = serde_json::from_slice(&raw).expect("JWT claims are JSON");
                    assert!(v["sub"].is_string() && v["exp"].is_i64());
                    auth.insert("jwt".into());
                }
            }
            if header(h, "x-api-key").is_some() {
                auth.insert("x-api-key".into());
            }
            if req["queryString"].as_array().is_some_and(|q| q.iter().any(|p| p["name"] == "api_key")) {
                auth.insert("api_key".into());
            }
            if header(h, "cookie").is_some() {
                auth.insert("cookie".into());
            }
        }
    }
    for m in ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] {
        assert!(methods.contains(m), "no {m}");
    }
    for a in ["Bearer", "Basic", "jwt", "x-api-key", "api_key", "cookie"] {
        assert!(auth.contains(a), "no {a} auth: {auth:?}");
    }
}

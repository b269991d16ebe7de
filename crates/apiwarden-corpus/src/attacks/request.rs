//! Request building shared by attacks and legitimate traffic: the hosts, the headers a
//! browser or a script client sends, and the step from a request to an [`ApiCall`] with a
//! plausible response.
//!
//! Attack and legitimate calls get their client headers from the same [`client_headers`],
//! so that user agents, cookies and tokens say nothing about which is which.

use apiwarden_core::{
    ApiCall, Body, CallId, ClientInfo, Header, HttpRequest, HttpResponse, Observed, SourceKind, Timings,
};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use rand::Rng;
use rand::rngs::StdRng;

use crate::values::{self, EPOCH_MS, b62, hex, pick, uuid};
use crate::words::{FIRST_NAMES, USER_AGENTS_BROWSER, USER_AGENTS_SCRIPT};

/// The hosts of the simulated APIs. Attacks and legitimate traffic use the same ones.
pub(crate) mod hosts {
    pub(crate) const CMS: &str = "cms.example.test";
    pub(crate) const SUPPORT: &str = "support.example.test";
    pub(crate) const CODE: &str = "code.example.test";
    pub(crate) const SHOP: &str = "shop.example.test";
    pub(crate) const CHAT: &str = "chat.example.test";
    pub(crate) const SEARCH: &str = "search.example.test";
    pub(crate) const FILES: &str = "files.example.test";
    pub(crate) const HOOKS: &str = "hooks-admin.example.test";
    pub(crate) const ANALYTICS: &str = "analytics.example.test";
    pub(crate) const MAPS: &str = "maps.example.test";
    pub(crate) const MAIL: &str = "mail.example.test";
    pub(crate) const ID: &str = "id.example.test";
}

/// What `encodeURIComponent` leaves alone: the encoding browsers' scripts use for a path
/// segment, a cookie value or any one URL component.
pub(crate) const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// `encodeURIComponent(text)`.
pub(crate) fn component(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// `application/x-www-form-urlencoded` encoding of one name or value (`+` for spaces).
pub(crate) fn form_encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// `name=value&...` with both sides form-encoded.
pub(crate) fn form_pairs(pairs: &[(String, String)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        out.append_pair(name, value);
    }
    out.finish()
}

/// A request on its way to becoming a call.
#[derive(Clone, Debug)]
pub(crate) struct Req {
    pub method: &'static str,
    pub host: &'static str,
    /// As on the wire: already percent-encoded.
    pub path: String,
    /// As on the wire, without `?`.
    pub query: Option<String>,
    pub headers: Vec<Header>,
    pub body: Vec<u8>,
}

impl Req {
    pub(crate) fn new(method: &'static str, host: &'static str, path: impl Into<String>) -> Req {
        Req { method, host, path: path.into(), query: None, headers: Vec::new(), body: Vec::new() }
    }

    pub(crate) fn query(mut self, query: impl Into<String>) -> Req {
        let query = query.into();
        self.query = (!query.is_empty()).then_some(query);
        self
    }

    /// Sets the body and its `Content-Type`.
    pub(crate) fn body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Req {
        self.set_header("content-type", content_type);
        self.body = body.into();
        self
    }

    pub(crate) fn json(self, value: &serde_json::Value) -> Req {
        let text = serde_json::to_string(value).unwrap_or_default();
        self.body("application/json", text)
    }

    pub(crate) fn form(self, pairs: &[(String, String)]) -> Req {
        self.body("application/x-www-form-urlencoded", form_pairs(pairs))
    }

    pub(crate) fn header(mut self, name: &str, value: impl Into<String>) -> Req {
        self.set_header(name, value);
        self
    }

    /// Replaces the header (or adds it).
    pub(crate) fn set_header(&mut self, name: &str, value: impl Into<String>) {
        let header = Header::new(name, value);
        match self.headers.iter_mut().find(|h| h.name == header.name) {
            Some(existing) => *existing = header,
            None => self.headers.push(header),
        }
    }

    /// Adds one cookie to the `Cookie` header, replacing a cookie of the same name.
    pub(crate) fn set_cookie(&mut self, name: &str, value: &str) {
        let mut pairs: Vec<String> = self
            .headers
            .iter()
            .find(|h| h.name == "cookie")
            .map(|h| {
                h.value
                    .split("; ")
                    .filter(|pair| pair.split_once('=').is_none_or(|(n, _)| n != name))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        pairs.push(format!("{name}={value}"));
        self.set_header("cookie", pairs.join("; "));
    }
}

/// A `multipart/form-data` body as a browser writes it.
pub(crate) struct Multipart {
    pub boundary: String,
    body: String,
}

impl Multipart {
    pub(crate) fn new(rng: &mut StdRng) -> Multipart {
        Multipart { boundary: format!("----WebKitFormBoundary{}", b62(rng, 16)), body: String::new() }
    }

    pub(crate) fn text(mut self, name: &str, value: &str) -> Multipart {
        self.body.push_str(&format!(
            "--{}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n",
            self.boundary
        ));
        self
    }

    pub(crate) fn file(mut self, name: &str, filename: &str, content_type: &str, content: &str) -> Multipart {
        self.body.push_str(&format!(
            "--{}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n{content}\r\n",
            self.boundary
        ));
        self
    }

    /// `(content type, body)`.
    pub(crate) fn finish(self) -> (String, String) {
        let body = format!("{}--{}--\r\n", self.body, self.boundary);
        (format!("multipart/form-data; boundary={}", self.boundary), body)
    }
}

/// A JWT as an identity provider issues it (the signature is random bytes).
pub(crate) fn jwt(rng: &mut StdRng) -> String {
    let header = format!(r#"{{"alg":"RS256","typ":"JWT","kid":"{}"}}"#, hex(rng, 16));
    let iat = EPOCH_MS / 1000 + rng.random_range(0..86_400i64);
    let payload = format!(
        r#"{{"iss":"https://id.example.test/","sub":"{}","aud":"api","iat":{iat},"exp":{},"scope":"{}","email":"{}"}}"#,
        uuid(rng),
        iat + 3600,
        pick(rng, &["read write", "openid profile email", "orders:read orders:write", "admin"]),
        values::email(rng),
    );
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload),
        values::b64url(rng, 256)
    )
}

/// Cookies as real sites set them: analytics ids, consent strings with encoded dates,
/// framework CSRF and session tokens, JSON in cookies.
pub(crate) fn site_cookies(rng: &mut StdRng) -> Vec<(String, String)> {
    let now = EPOCH_MS / 1000 + rng.random_range(0..400_000i64);
    let mut cookies = vec![(
        "_ga".to_string(),
        format!("GA1.2.{}.{}", rng.random_range(100_000_000..2_000_000_000u64), now - 5_000_000),
    )];
    if rng.random_bool(0.6) {
        cookies.push((
            "_gid".into(),
            format!("GA1.2.{}.{now}", rng.random_range(100_000_000..2_000_000_000u64)),
        ));
    }
    if rng.random_bool(0.3) {
        cookies.push((
            "_fbp".into(),
            format!("fb.1.{}.{}", now * 1000, rng.random_range(1_000_000..9_999_999u64)),
        ));
    }
    match rng.random_range(0..5u32) {
        0 => cookies.push(("sessionid".into(), b62(rng, 32))),
        1 => {
            // Laravel: URL-encoded base64 of a JSON envelope.
            let inner = format!(
                r#"{{"iv":"{}","value":"{}","mac":"{}"}}"#,
                values::b64url(rng, 12),
                values::b64url(rng, 48),
                hex(rng, 64)
            );
            cookies.push((
                "XSRF-TOKEN".into(),
                component(&base64::engine::general_purpose::STANDARD.encode(inner)),
            ));
        }
        2 => cookies.push(("__Host-session".into(), values::b64url(rng, 24))),
        3 => {
            cookies.push(("connect.sid".into(), format!("s%3A{}.{}", b62(rng, 32), values::b64url(rng, 32))))
        }
        _ => cookies.push(("csrftoken".into(), b62(rng, 32))),
    }
    if rng.random_bool(0.25) {
        cookies.push((
            "OptanonConsent".into(),
            format!(
                "isGDPRApplicable=true&datestamp=Mon+Mar+03+2025+{:02}%3A{:02}%3A{:02}+GMT%2B0000+(Coordinated+Universal+Time)&version=202401.1.0&groups=C0001%3A1%2CC0002%3A{}%2CC0004%3A0&hosts=&consentId={}",
                rng.random_range(0..24u32),
                rng.random_range(0..60u32),
                rng.random_range(0..60u32),
                rng.random_range(0..2u32),
                uuid(rng)
            ),
        ));
    }
    if rng.random_bool(0.2) {
        cookies.push(("ajs_anonymous_id".into(), format!("%22{}%22", uuid(rng))));
    }
    if rng.random_bool(0.2) {
        cookies.push(("__stripe_mid".into(), format!("{}{}", uuid(rng), hex(rng, 6))));
    }
    if rng.random_bool(0.15) {
        let json = format!(r#"{{"id":"{}","created":{},"existing":true}}"#, uuid(rng), now * 1000);
        cookies.push((
            format!("_hjSessionUser_{}", rng.random_range(100_000..999_999u32)),
            URL_SAFE_NO_PAD.encode(json),
        ));
    }
    if rng.random_bool(0.3) {
        cookies.push(("theme".into(), pick(rng, &["dark", "light", "system"]).into()));
    }
    if rng.random_bool(0.2) {
        cookies.push((
            "recently_viewed".into(),
            format!(
                "TSH-{:04}-BLU%7CMUG-{:04}-WHT",
                rng.random_range(1..2000u32),
                rng.random_range(1..2000u32)
            ),
        ));
    }
    cookies
}

/// The headers a client sends with every call: a browser (with its hints, a referrer and
/// site cookies) or a script client (with a bearer token).
pub(crate) fn client_headers(rng: &mut StdRng, host: &str) -> Vec<Header> {
    let mut headers = Vec::new();
    if rng.random_bool(0.7) {
        let ua = pick(rng, USER_AGENTS_BROWSER);
        headers.push(Header::new("user-agent", ua));
        headers.push(Header::new("accept", "application/json, text/plain, */*"));
        headers.push(Header::new(
            "accept-language",
            pick(
                rng,
                &["en-GB,en;q=0.9", "en-US,en;q=0.9,pt;q=0.8", "de-DE,de;q=0.9,en;q=0.6", "fr-FR,fr;q=0.9"],
            ),
        ));
        if ua.contains("Chrome/122") {
            headers.push(Header::new(
                "sec-ch-ua",
                r#""Chromium";v="122", "Not(A:Brand";v="24", "Google Chrome";v="122""#,
            ));
            headers.push(Header::new(
                "sec-ch-ua-platform",
                pick(rng, &[r#""Windows""#, r#""macOS""#, r#""Linux""#]),
            ));
        }
        if rng.random_bool(0.6) {
            headers.push(Header::new("referer", format!("https://{host}/{}", pick(rng, REFERER_PATHS))));
        }
        let cookies = site_cookies(rng);
        let cookie = cookies.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; ");
        headers.push(Header::new("cookie", cookie));
    } else {
        headers.push(Header::new("user-agent", pick(rng, USER_AGENTS_SCRIPT)));
        headers.push(Header::new("accept", "application/json"));
        headers.push(Header::new("authorization", format!("Bearer {}", jwt(rng))));
    }
    if rng.random_bool(0.5) {
        headers.push(Header::new("x-request-id", uuid(rng)));
    }
    if rng.random_bool(0.3) {
        headers.push(Header::new("traceparent", format!("00-{}-{}-01", hex(rng, 32), hex(rng, 16))));
    }
    if rng.random_bool(0.2) {
        headers.push(Header::new(
            "x-forwarded-for",
            format!(
                "203.0.113.{}, 10.0.{}.{}",
                rng.random_range(1..255u32),
                rng.random_range(0..8u32),
                rng.random_range(2..250u32)
            ),
        ));
    }
    headers
}

/// Adds the client's headers to a request. The request's own headers win (a header
/// placement replaces the client's `User-Agent`), and its cookie joins the site's cookies.
pub(crate) fn with_client_headers(rng: &mut StdRng, mut req: Req) -> Req {
    let mut headers = client_headers(rng, req.host);
    headers.retain(|h| !req.headers.iter().any(|own| own.name == h.name));
    if let Some(own) = req.headers.iter().position(|h| h.name == "cookie") {
        let own = req.headers.remove(own).value;
        // The site's cookies, except those the request sets itself.
        let own_names: Vec<&str> =
            own.split("; ").filter_map(|pair| pair.split_once('=').map(|(n, _)| n)).collect();
        let site = site_cookies(rng)
            .into_iter()
            .filter(|(n, _)| !own_names.contains(&n.as_str()))
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        headers.retain(|h| h.name != "cookie");
        headers.push(Header::new("cookie", format!("{site}; {own}")));
    }
    headers.append(&mut req.headers);
    req.headers = headers;
    req
}

/// Pages of the simulated front ends that send API calls (for `Referer`).
const REFERER_PATHS: &[&str] = &[
    "",
    "dashboard",
    "search?q=union+station&page=2",
    "products/TSH-0042-BLU?utm_source=newsletter&utm_medium=email&utm_campaign=spring_sale",
    "tickets/4821#reply",
    "articles/how-to-drop-a-table-leg-without-losing-it",
    "settings/profile",
    "editor?doc=3f9c2a&mode=edit",
    "orders?status=open&sort=-created_at",
    "wiki/SELECT_(SQL)",
];

/// Which corpus a call belongs to; part of its id so ids never collide across files.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    Attack,
    Legit,
}

/// Turns a request into a call: a content-derived id, a start time, a small JSON answer.
pub(crate) fn finish(req: Req, kind: Kind, index: u64, rng: &mut StdRng) -> ApiCall {
    let tag: &[u8] = match kind {
        Kind::Attack => b"attack",
        Kind::Legit => b"legit",
    };
    let started_at_us =
        EPOCH_MS * 1000 + i64::try_from(index).unwrap_or(0) * 2_700_000 + rng.random_range(0..900_000i64);
    let url = match &req.query {
        Some(q) => format!("https://{}{}?{q}", req.host, req.path),
        None => format!("https://{}{}", req.host, req.path),
    };
    let id = CallId::from_content(&[
        b"attack-corpus",
        tag,
        &index.to_le_bytes(),
        req.method.as_bytes(),
        url.as_bytes(),
        &req.body,
    ]);
    let status: u16 = if req.method == "POST" { 201 } else { 200 };
    let response_body = match req.method {
        "GET" => format!(r#"{{"data":[],"page":1,"total":{}}}"#, rng.random_range(0..500u32)),
        "DELETE" => r#"{"deleted":true}"#.to_string(),
        _ => format!(r#"{{"id":"{}","status":"ok"}}"#, uuid(rng)),
    };
    let total = f64::from(rng.random_range(8..400u32));
    ApiCall {
        id,
        started_at_us,
        observed: Observed {
            source: SourceKind::Har,
            origin: "attack-corpus".to_string(),
            position: Some(index),
        },
        client: ClientInfo::default(),
        request: HttpRequest {
            method: req.method.to_string(),
            scheme: "https".to_string(),
            host: req.host.to_string(),
            path: req.path,
            query: req.query,
            http_version: Some("HTTP/1.1".to_string()),
            headers: req.headers,
            body: Body::from_bytes(req.body),
        },
        response: Some(HttpResponse {
            status,
            headers: vec![
                Header::new("content-type", "application/json; charset=utf-8"),
                Header::new("date", values::http_date(started_at_us / 1000)),
            ],
            body: Body::from_bytes(response_body),
        }),
        timings: Timings { total_ms: Some(total), wait_ms: Some((total * 0.8).round()) },
    }
}

/// A person's display name, sometimes with an apostrophe or accents.
pub(crate) fn person(rng: &mut StdRng) -> String {
    let first = capitalize(pick(rng, FIRST_NAMES));
    let last = pick(
        rng,
        &[
            "O'Brien",
            "D'Angelo",
            "O'Connor",
            "D'Souza",
            "Dell'Acqua",
            "O'Neil",
            "N'Diaye",
            "Müller",
            "Núñez",
            "Søndergaard",
            "Łukasiewicz",
            "Okafor",
            "Tanaka",
            "Silva",
            "Van der Berg",
            "McAllister",
            "Smith-Jones",
        ],
    );
    format!("{first} {last}")
}

pub(crate) fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

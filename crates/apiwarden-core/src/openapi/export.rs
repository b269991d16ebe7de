//! Inventory → one OpenAPI 3.1 document.
//!
//! Layout decisions (the user-facing version is in `docs/openapi.md`):
//!
//! * **One document, several hosts.** Top-level `servers` lists every `scheme://host`
//!   exported. A path item served by only some of them carries its own `servers`, and an
//!   operation served by fewer hosts than its path item carries its own `servers` too, so
//!   every operation is reachable exactly on the servers it was seen on.
//! * **Collisions.** OpenAPI keys operations by path and method only, so the same
//!   template and method seen on two hosts (or two templates differing only in parameter
//!   names, which OpenAPI forbids side by side) become one operation: parameters, bodies
//!   and responses are merged (a schema that differs between sources becomes `anyOf`),
//!   and `x-apiwarden.sources` keeps each source's own numbers. Callers who want one
//!   document per host pass [`ExportOptions::host`].
//! * **Validity first.** Path keys are percent-encoded where a URL needs it, path
//!   parameter names are made safe and unique, methods OpenAPI 3.1 cannot express go
//!   under `x-apiwarden-operations`, statuses outside 100–599 and operations without
//!   responses get a `default` response, and inferred schemas are cleaned so that a
//!   malformed keyword never invalidates the document.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::{Map, Value, json};

use super::template::{Piece, parse_segment_lenient};
use crate::endpoint::{AuthKind, AuthSeen, BodySchema, Endpoint, LatencySummary, Parameter};
use crate::field::Location;
use crate::model::format_timestamp_us;

/// What to export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportOptions {
    /// `info.title`.
    pub title: String,
    /// `info.version`: the version of the described API, not of apiwarden.
    pub version: String,
    /// Export only this host (compared case-insensitively); `None` exports every host.
    pub host: Option<String>,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions { title: "API inventory".to_owned(), version: "0.0.0".to_owned(), host: None }
    }
}

/// The OpenAPI version written.
pub const OPENAPI_VERSION: &str = "3.1.0";

/// Methods an OpenAPI 3.1 path item can hold.
const OPENAPI_METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Builds one OpenAPI 3.1 document from inventory endpoints. Deterministic: the same
/// endpoints in any order give the same document.
pub fn export(endpoints: &[Endpoint], options: &ExportOptions) -> Value {
    let wanted_host = options.host.as_deref().map(|h| h.trim().to_ascii_lowercase());
    let mut selected: Vec<&Endpoint> = endpoints
        .iter()
        .filter(|e| wanted_host.as_deref().is_none_or(|h| e.key.host.trim().eq_ignore_ascii_case(h)))
        .collect();
    selected.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| b.calls.cmp(&a.calls)));

    // Group by path shape (parameter names erased), then by method.
    let mut groups: BTreeMap<String, Vec<Source<'_>>> = BTreeMap::new();
    for endpoint in selected {
        let path = ExportPath::parse(&endpoint.key.template);
        let servers = server_urls(endpoint);
        groups.entry(path.shape()).or_default().push(Source { endpoint, path, servers });
    }

    let mut security_schemes = SecuritySchemes::default();
    let mut all_servers: BTreeSet<String> = BTreeSet::new();
    let mut items: BTreeMap<String, PathItemDraft<'_>> = BTreeMap::new();
    for sources in groups.into_values() {
        let Some(representative) = sources.iter().max_by(|a, b| {
            a.endpoint
                .calls
                .cmp(&b.endpoint.calls)
                .then_with(|| b.endpoint.key.template.cmp(&a.endpoint.key.template))
                .then_with(|| b.endpoint.key.host.cmp(&a.endpoint.key.host))
        }) else {
            continue;
        };
        let names = representative.path.canonical_names();
        let key = representative.path.render(&names);
        let words = representative.path.words(&names);
        let item =
            items.entry(key).or_insert_with(|| PathItemDraft { words, names, operations: BTreeMap::new() });
        for source in sources {
            all_servers.extend(source.servers.iter().cloned());
            for auth in &source.endpoint.auth {
                security_schemes.register(auth);
            }
            let method = source.endpoint.key.method.trim().to_ascii_lowercase();
            item.operations.entry(method).or_default().push(source);
        }
    }

    let mut operation_ids = OperationIds::default();
    let mut paths = Map::new();
    for (key, item) in &items {
        let item_servers: BTreeSet<String> =
            item.operations.values().flatten().flat_map(|s| s.servers.iter().cloned()).collect();
        let mut path_item = Map::new();
        let mut extra_operations = Map::new();
        for (method, sources) in &item.operations {
            let operation_id = operation_ids.assign(method, &item.words);
            let mut operation = build_operation(operation_id, &item.names, sources, &security_schemes);
            let op_servers: BTreeSet<String> =
                sources.iter().flat_map(|s| s.servers.iter().cloned()).collect();
            if op_servers != item_servers {
                operation.insert("servers".to_owned(), servers_value(&op_servers));
            }
            if OPENAPI_METHODS.contains(&method.as_str()) {
                path_item.insert(method.clone(), Value::Object(operation));
            } else {
                let name = if method.is_empty() { "(empty)".to_owned() } else { method.to_ascii_uppercase() };
                extra_operations.insert(name, Value::Object(operation));
            }
        }
        if !extra_operations.is_empty() {
            path_item.insert("x-apiwarden-operations".to_owned(), Value::Object(extra_operations));
        }
        if item_servers != all_servers {
            path_item.insert("servers".to_owned(), servers_value(&item_servers));
        }
        paths.insert(key.clone(), Value::Object(path_item));
    }

    let mut document = Map::new();
    document.insert("openapi".to_owned(), json!(OPENAPI_VERSION));
    let title = if options.title.trim().is_empty() { "API inventory" } else { options.title.as_str() };
    let version = if options.version.trim().is_empty() { "0.0.0" } else { options.version.as_str() };
    document.insert(
        "info".to_owned(),
        json!({
            "title": title,
            "version": version,
            "description": "Generated by apiwarden from observed traffic. `x-apiwarden` extensions carry what was observed.",
        }),
    );
    if !all_servers.is_empty() {
        document.insert("servers".to_owned(), servers_value(&all_servers));
    }
    document.insert("paths".to_owned(), Value::Object(paths));
    if !security_schemes.schemes.is_empty() {
        let schemes: Map<String, Value> =
            security_schemes.schemes.values().map(|s| (s.component.clone(), s.definition.clone())).collect();
        document.insert("components".to_owned(), json!({ "securitySchemes": schemes }));
    }
    Value::Object(document)
}

struct Source<'e> {
    endpoint: &'e Endpoint,
    path: ExportPath,
    servers: Vec<String>,
}

struct PathItemDraft<'e> {
    words: String,
    names: Vec<String>,
    operations: BTreeMap<String, Vec<Source<'e>>>,
}

// ---------------------------------------------------------------------------------------
// Paths

#[derive(Clone, Debug)]
enum ExportPiece {
    /// Already percent-encoded for a URL path.
    Lit { encoded: String, raw: String },
    /// A template parameter with its name as written in the inventory.
    Param(String),
}

#[derive(Clone, Debug)]
struct ExportPath {
    segments: Vec<Vec<ExportPiece>>,
    /// Protocol forms such as `/graphql#query GetUser` keep their fragment, encoded.
    fragment: Option<(String, String)>,
}

impl ExportPath {
    fn parse(template: &str) -> ExportPath {
        let (path, fragment) = match template.split_once('#') {
            Some((path, fragment)) => (path, Some((encode(fragment, true), fragment.to_owned()))),
            None => (template, None),
        };
        let path = path.strip_prefix('/').unwrap_or(path);
        let segments = path
            .split('/')
            .map(|segment| {
                parse_segment_lenient(segment)
                    .into_iter()
                    .map(|piece| match piece {
                        Piece::Lit(text) => {
                            ExportPiece::Lit { encoded: encode(text, false), raw: text.to_owned() }
                        }
                        Piece::Param(name) => ExportPiece::Param(name.to_owned()),
                    })
                    .collect()
            })
            .collect();
        ExportPath { segments, fragment }
    }

    fn params(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().flatten().filter_map(|piece| match piece {
            ExportPiece::Param(name) => Some(name.as_str()),
            ExportPiece::Lit { .. } => None,
        })
    }

    /// `/users/{}/orders`: what OpenAPI considers the same path.
    fn shape(&self) -> String {
        self.render_with(|_| "{}".to_owned())
    }

    fn render(&self, names: &[String]) -> String {
        let mut index = 0;
        self.render_with(|_| {
            let name = names.get(index).cloned().unwrap_or_else(|| format!("param{index}"));
            index += 1;
            format!("{{{name}}}")
        })
    }

    fn render_with(&self, mut param: impl FnMut(&str) -> String) -> String {
        let mut out = String::new();
        for segment in &self.segments {
            out.push('/');
            for piece in segment {
                match piece {
                    ExportPiece::Lit { encoded, .. } => out.push_str(encoded),
                    ExportPiece::Param(name) => out.push_str(&param(name)),
                }
            }
        }
        if out.is_empty() {
            out.push('/');
        }
        if let Some((fragment, _)) = &self.fragment {
            out.push('#');
            out.push_str(fragment);
        }
        out
    }

    /// Safe, unique names for the path parameters, in template order.
    fn canonical_names(&self) -> Vec<String> {
        let mut used = HashSet::new();
        self.params()
            .map(|name| {
                let mut safe: String = name
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') { c } else { '_' })
                    .collect();
                if safe.is_empty() {
                    safe.push_str("param");
                }
                let mut candidate = safe.clone();
                let mut n = 2;
                while !used.insert(candidate.clone()) {
                    candidate = format!("{safe}{n}");
                    n += 1;
                }
                candidate
            })
            .collect()
    }

    /// `UsersUserIdOrders` for `/users/{userId}/orders`.
    fn words(&self, names: &[String]) -> String {
        let mut out = String::new();
        let mut index = 0;
        for piece in self.segments.iter().flatten() {
            match piece {
                ExportPiece::Lit { raw, .. } => push_words(&mut out, raw),
                ExportPiece::Param(_) => {
                    if let Some(name) = names.get(index) {
                        push_words(&mut out, name);
                    }
                    index += 1;
                }
            }
        }
        if let Some((_, raw)) = &self.fragment {
            push_words(&mut out, raw);
        }
        if out.is_empty() {
            out.push_str("Root");
        }
        out
    }
}

fn push_words(out: &mut String, text: &str) {
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
}

/// Percent-encodes what may not appear literally in a URL path segment (or fragment);
/// existing `%XX` escapes are kept.
fn encode(text: &str, fragment: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let keep = b.is_ascii_alphanumeric()
            || b"-._~!$&'()*+,;=:@".contains(&b)
            || (fragment && (b == b'/' || b == b'?'));
        if keep {
            out.push(char::from(b));
        } else if b == b'%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
        {
            out.push('%');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
        i += 1;
    }
    out
}

// ---------------------------------------------------------------------------------------
// Servers

fn server_urls(endpoint: &Endpoint) -> Vec<String> {
    let host = encode_host(endpoint.key.host.trim());
    if host.is_empty() {
        return vec!["/".to_owned()];
    }
    let mut schemes: Vec<String> = endpoint
        .schemes
        .iter()
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| {
            s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        })
        .collect();
    if schemes.is_empty() {
        schemes.push("https".to_owned());
    }
    schemes.sort();
    schemes.dedup();
    schemes.into_iter().map(|scheme| format!("{scheme}://{host}")).collect()
}

fn encode_host(host: &str) -> String {
    let mut out = String::with_capacity(host.len());
    for b in host.to_ascii_lowercase().bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:[]".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn servers_value(urls: &BTreeSet<String>) -> Value {
    Value::Array(urls.iter().map(|url| json!({ "url": url })).collect())
}

// ---------------------------------------------------------------------------------------
// Operation ids

#[derive(Default)]
struct OperationIds {
    used: HashSet<String>,
}

impl OperationIds {
    fn assign(&mut self, method: &str, words: &str) -> String {
        let mut base = String::new();
        for c in method.chars().filter(char::is_ascii_alphanumeric) {
            base.push(c.to_ascii_lowercase());
        }
        if base.is_empty() {
            base.push_str("call");
        }
        base.push_str(words);
        let mut candidate = base.clone();
        let mut n = 2;
        while !self.used.insert(candidate.clone()) {
            candidate = format!("{base}{n}");
            n += 1;
        }
        candidate
    }
}

// ---------------------------------------------------------------------------------------
// Security schemes

struct Scheme {
    component: String,
    definition: Value,
}

#[derive(Default)]
struct SecuritySchemes {
    /// (kind, name as matched) → scheme.
    schemes: BTreeMap<(AuthKind, String), Scheme>,
    components: HashSet<String>,
}

impl SecuritySchemes {
    fn lookup_key(auth: &AuthSeen) -> Option<(AuthKind, String)> {
        let name = auth.name.clone().unwrap_or_default();
        match auth.kind {
            AuthKind::None => None,
            AuthKind::Basic | AuthKind::Bearer | AuthKind::BearerJwt => Some((auth.kind, String::new())),
            // Header names are case-insensitive.
            AuthKind::ApiKeyHeader => Some((auth.kind, name.to_ascii_lowercase())),
            AuthKind::ApiKeyQuery | AuthKind::SessionCookie => Some((auth.kind, name)),
        }
    }

    fn register(&mut self, auth: &AuthSeen) {
        let Some(key) = Self::lookup_key(auth) else { return };
        if self.schemes.contains_key(&key) {
            return;
        }
        let seen_name = auth.name.clone().filter(|n| !n.is_empty());
        let (base, definition) = match auth.kind {
            AuthKind::None => return,
            AuthKind::Basic => ("basicAuth".to_owned(), json!({"type": "http", "scheme": "basic"})),
            AuthKind::Bearer => ("bearerAuth".to_owned(), json!({"type": "http", "scheme": "bearer"})),
            AuthKind::BearerJwt => {
                ("bearerJwt".to_owned(), json!({"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}))
            }
            AuthKind::ApiKeyHeader | AuthKind::ApiKeyQuery | AuthKind::SessionCookie => {
                let (prefix, location, fallback) = match auth.kind {
                    AuthKind::ApiKeyHeader => ("apiKeyHeader", "header", "X-API-Key"),
                    AuthKind::ApiKeyQuery => ("apiKeyQuery", "query", "api_key"),
                    _ => ("sessionCookie", "cookie", "session"),
                };
                let mut definition = json!({"type": "apiKey", "in": location,
                    "name": seen_name.as_deref().unwrap_or(fallback)});
                if seen_name.is_none() {
                    definition["description"] = json!(format!(
                        "The {location} name was not recorded; `{fallback}` is a placeholder."
                    ));
                }
                let suffix: String = seen_name
                    .as_deref()
                    .unwrap_or("unnamed")
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '_' })
                    .collect();
                (format!("{prefix}.{suffix}"), definition)
            }
        };
        let mut component = base.clone();
        let mut n = 2;
        while !self.components.insert(component.clone()) {
            component = format!("{base}-{n}");
            n += 1;
        }
        self.schemes.insert(key, Scheme { component, definition });
    }

    fn component(&self, auth: &AuthSeen) -> Option<&str> {
        let key = Self::lookup_key(auth)?;
        self.schemes.get(&key).map(|s| s.component.as_str())
    }

    /// The credential a key scheme carries, so it is not listed again as a parameter.
    fn credential(auth: &AuthSeen) -> Option<(Location, String)> {
        let name = auth.name.as_deref()?;
        match auth.kind {
            AuthKind::ApiKeyHeader => Some((Location::Header, name.to_ascii_lowercase())),
            AuthKind::ApiKeyQuery => Some((Location::Query, name.to_owned())),
            AuthKind::SessionCookie => Some((Location::Cookie, name.to_owned())),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Operations

/// Headers OpenAPI ignores as parameters: they are described by `content` and `security`.
const IGNORED_HEADERS: [&str; 3] = ["accept", "content-type", "authorization"];

fn build_operation(
    operation_id: String,
    names: &[String],
    sources: &[Source<'_>],
    schemes: &SecuritySchemes,
) -> Map<String, Value> {
    let mut operation = Map::new();
    operation.insert("operationId".to_owned(), json!(operation_id));

    let credentials: HashSet<(Location, String)> =
        sources.iter().flat_map(|s| &s.endpoint.auth).filter_map(SecuritySchemes::credential).collect();
    let parameters = build_parameters(names, sources, &credentials);
    if !parameters.is_empty() {
        operation.insert("parameters".to_owned(), Value::Array(parameters));
    }
    if let Some(body) = build_request_body(sources) {
        operation.insert("requestBody".to_owned(), body);
    }
    operation.insert("responses".to_owned(), build_responses(sources));
    if let Some(security) = build_security(sources, schemes) {
        operation.insert("security".to_owned(), security);
    }
    operation.insert("x-apiwarden".to_owned(), build_observed(sources, schemes));
    if let Some(sensitive) = build_sensitive(sources) {
        operation.insert("x-apiwarden-sensitive".to_owned(), sensitive);
    }
    operation
}

/// The sensitive data types seen in the operation's calls, per field:
/// `[{"in": "response", "location": "body", "path": "/email", "type": "email",
/// "category": "personal", "calls": 12, "firstSeen": ..., "lastSeen": ...}]`.
fn build_sensitive(sources: &[Source<'_>]) -> Option<Value> {
    let mut merged: BTreeMap<String, (&crate::discovery::TagStats, u64, i64, i64)> = BTreeMap::new();
    for tag in sources.iter().flat_map(|s| &s.endpoint.sensitive) {
        let entry = merged.entry(tag.tag.key()).or_insert((tag, 0, tag.first_seen_us, tag.last_seen_us));
        entry.1 += tag.count;
        entry.2 = entry.2.min(tag.first_seen_us);
        entry.3 = entry.3.max(tag.last_seen_us);
    }
    if merged.is_empty() {
        return None;
    }
    let list: Vec<Value> = merged
        .into_values()
        .map(|(tag, calls, first, last)| {
            json!({
                "in": match tag.tag.direction {
                    crate::Direction::Request => "request",
                    crate::Direction::Response => "response",
                },
                "location": tag.tag.location.as_str(),
                "path": tag.tag.path,
                "type": tag.tag.data_type,
                "category": tag.tag.category,
                "calls": calls,
                "firstSeen": format_timestamp_us(first),
                "lastSeen": format_timestamp_us(last),
            })
        })
        .collect();
    Some(Value::Array(list))
}

#[derive(Default)]
struct ParamAgg {
    name: String,
    sources: usize,
    all_required: bool,
    schemas: Vec<Value>,
    count: u64,
}

fn location_rank(location: Location) -> u8 {
    match location {
        Location::Path => 0,
        Location::Query => 1,
        Location::Header => 2,
        Location::Cookie => 3,
        Location::Body => 4,
    }
}

fn build_parameters(
    names: &[String],
    sources: &[Source<'_>],
    credentials: &HashSet<(Location, String)>,
) -> Vec<Value> {
    let mut out = Vec::new();

    // Path parameters, positionally: every source has the same shape.
    for (index, name) in names.iter().enumerate() {
        let mut schemas = Vec::new();
        let mut count = 0;
        for source in sources {
            let Some(original) = source.path.params().nth(index) else { continue };
            match source.endpoint.parameters_in(Location::Path).find(|p| p.name == original) {
                Some(parameter) => {
                    schemas.push(parameter.schema.clone());
                    count += parameter.count;
                }
                None => schemas.push(json!({"type": "string"})),
            }
        }
        let mut parameter = Map::new();
        parameter.insert("name".to_owned(), json!(name));
        parameter.insert("in".to_owned(), json!("path"));
        parameter.insert("required".to_owned(), json!(true));
        parameter.insert("schema".to_owned(), merge_schemas(schemas));
        if count > 0 {
            parameter.insert("x-apiwarden".to_owned(), json!({ "calls": count }));
        }
        out.push(Value::Object(parameter));
    }

    let mut others: BTreeMap<(u8, String), ParamAgg> = BTreeMap::new();
    for source in sources {
        let mut seen_here = HashSet::new();
        for parameter in &source.endpoint.parameters {
            let Some(key) = param_key(parameter) else { continue };
            if credentials.contains(&(parameter.location, key.1.clone())) {
                continue;
            }
            let agg = others.entry(key.clone()).or_insert_with(|| ParamAgg {
                name: parameter.name.clone(),
                all_required: true,
                ..ParamAgg::default()
            });
            if seen_here.insert(key) {
                agg.sources += 1;
            }
            agg.all_required &= parameter.required;
            agg.schemas.push(parameter.schema.clone());
            agg.count += parameter.count;
        }
    }
    for ((rank, _), agg) in others {
        let location = match rank {
            1 => "query",
            2 => "header",
            _ => "cookie",
        };
        let required = agg.all_required && agg.sources == sources.len();
        out.push(json!({
            "name": agg.name,
            "in": location,
            "required": required,
            "schema": merge_schemas(agg.schemas),
            "x-apiwarden": { "calls": agg.count },
        }));
    }
    out
}

/// (location rank, matching name) for parameters that become OpenAPI parameters.
fn param_key(parameter: &Parameter) -> Option<(u8, String)> {
    if parameter.name.is_empty() {
        return None;
    }
    match parameter.location {
        Location::Path | Location::Body => None,
        Location::Header => {
            let lower = parameter.name.to_ascii_lowercase();
            if IGNORED_HEADERS.contains(&lower.as_str()) {
                None
            } else {
                Some((location_rank(Location::Header), lower))
            }
        }
        location => Some((location_rank(location), parameter.name.clone())),
    }
}

fn media_key(media_type: &str) -> String {
    let essence = crate::model::media_type_essence(media_type);
    if essence.is_empty() { "*/*".to_owned() } else { essence }
}

/// Media type → (schemas, count).
fn merge_bodies<'a>(bodies: impl Iterator<Item = &'a BodySchema>) -> BTreeMap<String, (Vec<Value>, u64)> {
    let mut out: BTreeMap<String, (Vec<Value>, u64)> = BTreeMap::new();
    for body in bodies {
        let entry = out.entry(media_key(&body.media_type)).or_default();
        entry.0.push(body.schema.clone());
        entry.1 += body.count;
    }
    out
}

fn content_value(bodies: BTreeMap<String, (Vec<Value>, u64)>) -> Value {
    let content: Map<String, Value> = bodies
        .into_iter()
        .map(|(media_type, (schemas, count))| {
            (media_type, json!({ "schema": merge_schemas(schemas), "x-apiwarden": { "calls": count } }))
        })
        .collect();
    Value::Object(content)
}

fn build_request_body(sources: &[Source<'_>]) -> Option<Value> {
    let bodies = merge_bodies(sources.iter().flat_map(|s| &s.endpoint.request_bodies));
    if bodies.is_empty() {
        return None;
    }
    let with_body: u64 = bodies.values().map(|(_, count)| count).sum();
    // Bodies are counted for analysed calls only.
    let calls: u64 = sources.iter().map(|s| s.endpoint.analysed()).sum();
    Some(json!({
        "required": calls > 0 && with_body >= calls,
        "content": content_value(bodies),
    }))
}

fn build_responses(sources: &[Source<'_>]) -> Value {
    let mut by_status: BTreeMap<u16, (u64, Vec<&BodySchema>)> = BTreeMap::new();
    for response in sources.iter().flat_map(|s| &s.endpoint.responses) {
        let entry = by_status.entry(response.status).or_default();
        entry.0 += response.count;
        entry.1.extend(&response.bodies);
    }
    let mut responses = Map::new();
    let mut odd: Vec<(u16, u64, Vec<&BodySchema>)> = Vec::new();
    for (status, (count, bodies)) in by_status {
        if !(100..=599).contains(&status) {
            odd.push((status, count, bodies));
            continue;
        }
        let mut response = Map::new();
        response.insert("description".to_owned(), json!(reason_phrase(status)));
        let content = merge_bodies(bodies.into_iter());
        if !content.is_empty() {
            response.insert("content".to_owned(), content_value(content));
        }
        response.insert("x-apiwarden".to_owned(), json!({ "calls": count }));
        responses.insert(status.to_string(), Value::Object(response));
    }
    if !odd.is_empty() {
        let statuses: Vec<String> = odd.iter().map(|(status, _, _)| status.to_string()).collect();
        let description = if statuses == ["0"] {
            "No HTTP response was received (status 0: the connection closed or the call was aborted)."
                .to_owned()
        } else {
            format!("Responses with statuses outside 100-599 ({}).", statuses.join(", "))
        };
        let counts: Map<String, Value> =
            odd.iter().map(|(status, count, _)| (status.to_string(), json!(count))).collect();
        let content = merge_bodies(odd.iter().flat_map(|(_, _, bodies)| bodies.iter().copied()));
        let mut response = Map::new();
        response.insert("description".to_owned(), json!(description));
        if !content.is_empty() {
            response.insert("content".to_owned(), content_value(content));
        }
        response.insert("x-apiwarden".to_owned(), json!({ "statusCounts": counts }));
        responses.insert("default".to_owned(), Value::Object(response));
    }
    if responses.is_empty() {
        responses.insert("default".to_owned(), json!({ "description": "No response was observed." }));
    }
    Value::Object(responses)
}

fn build_security(sources: &[Source<'_>], schemes: &SecuritySchemes) -> Option<Value> {
    let auth: Vec<&AuthSeen> = sources.iter().flat_map(|s| &s.endpoint.auth).collect();
    if auth.is_empty() {
        return None;
    }
    let anonymous = auth.iter().any(|a| a.kind == AuthKind::None);
    let names: BTreeSet<&str> = auth.iter().filter_map(|a| schemes.component(a)).collect();
    let mut requirements: Vec<Value> = names.into_iter().map(|name| json!({ name: [] })).collect();
    if anonymous && !requirements.is_empty() {
        // Also callable without credentials.
        requirements.push(json!({}));
    }
    Some(Value::Array(requirements))
}

fn build_observed(sources: &[Source<'_>], schemes: &SecuritySchemes) -> Value {
    let mut observed = Map::new();
    let calls: u64 = sources.iter().map(|s| s.endpoint.calls).sum();
    observed.insert("calls".to_owned(), json!(calls));
    let errors: u64 = sources.iter().map(|s| s.endpoint.error_calls()).sum();
    observed.insert("errorCalls".to_owned(), json!(errors));
    let seen: Vec<&Endpoint> = sources.iter().map(|s| s.endpoint).filter(|e| e.calls > 0).collect();
    if let (Some(first), Some(last)) =
        (seen.iter().map(|e| e.first_seen_us).min(), seen.iter().map(|e| e.last_seen_us).max())
    {
        observed.insert("firstSeen".to_owned(), json!(format_timestamp_us(first)));
        observed.insert("lastSeen".to_owned(), json!(format_timestamp_us(last)));
    }
    let mut statuses: BTreeMap<u16, u64> = BTreeMap::new();
    for response in sources.iter().flat_map(|s| &s.endpoint.responses) {
        *statuses.entry(response.status).or_default() += response.count;
    }
    if !statuses.is_empty() {
        let counts: Map<String, Value> =
            statuses.into_iter().map(|(s, c)| (s.to_string(), json!(c))).collect();
        observed.insert("statusCounts".to_owned(), Value::Object(counts));
    }
    let mut auth: BTreeMap<String, u64> = BTreeMap::new();
    for seen in sources.iter().flat_map(|s| &s.endpoint.auth) {
        let name = match seen.kind {
            AuthKind::None => "none".to_owned(),
            _ => schemes.component(seen).unwrap_or(seen.kind.as_str()).to_owned(),
        };
        *auth.entry(name).or_default() += seen.count;
    }
    if !auth.is_empty() {
        observed.insert("auth".to_owned(), json!(auth));
    }
    observed.insert("fromSpec".to_owned(), json!(sources.iter().any(|s| s.endpoint.from_spec)));
    match sources {
        [single] => {
            observed.insert("host".to_owned(), json!(single.endpoint.key.host));
            observed.insert("template".to_owned(), json!(single.endpoint.key.template));
            if let Some(latency) = latency_value(&single.endpoint.latency) {
                observed.insert("latencyMs".to_owned(), latency);
            }
        }
        many => {
            let list: Vec<Value> = many
                .iter()
                .map(|s| {
                    let e = s.endpoint;
                    let mut source = Map::new();
                    source.insert("host".to_owned(), json!(e.key.host));
                    source.insert("method".to_owned(), json!(e.key.method));
                    source.insert("template".to_owned(), json!(e.key.template));
                    source.insert("calls".to_owned(), json!(e.calls));
                    if e.calls > 0 {
                        source.insert("firstSeen".to_owned(), json!(format_timestamp_us(e.first_seen_us)));
                        source.insert("lastSeen".to_owned(), json!(format_timestamp_us(e.last_seen_us)));
                    }
                    if let Some(latency) = latency_value(&e.latency) {
                        source.insert("latencyMs".to_owned(), latency);
                    }
                    Value::Object(source)
                })
                .collect();
            observed.insert("sources".to_owned(), Value::Array(list));
        }
    }
    Value::Object(observed)
}

fn latency_value(latency: &LatencySummary) -> Option<Value> {
    if latency.samples == 0 {
        return None;
    }
    let mut out = Map::new();
    out.insert("samples".to_owned(), json!(latency.samples));
    for (name, value) in
        [("p50", latency.p50_ms), ("p90", latency.p90_ms), ("p99", latency.p99_ms), ("max", latency.max_ms)]
    {
        if let Some(value) = value.filter(|v| v.is_finite()) {
            let rounded = (value * 1000.0).round() / 1000.0;
            if let Some(number) = serde_json::Number::from_f64(rounded) {
                out.insert(name.to_owned(), Value::Number(number));
            }
        }
    }
    Some(Value::Object(out))
}

// ---------------------------------------------------------------------------------------
// Schemas

/// One schema for several sources: identical schemas collapse, different ones become
/// `anyOf` (in a stable order).
fn merge_schemas(mut schemas: Vec<Value>) -> Value {
    if schemas.len() == 1 {
        return schemas.pop().map_or_else(|| json!({}), |schema| sanitize_schema(&schema, 0));
    }
    let mut distinct: BTreeMap<String, Value> = BTreeMap::new();
    for schema in schemas {
        let clean = sanitize_schema(&schema, 0);
        distinct.entry(clean.to_string()).or_insert(clean);
    }
    let mut values: Vec<Value> = distinct.into_values().collect();
    match values.len() {
        0 => json!({}),
        1 => values.pop().unwrap_or_else(|| json!({})),
        _ => {
            if values.iter().any(|v| v == &json!({}) || v == &json!(true)) {
                json!({})
            } else {
                json!({ "anyOf": values })
            }
        }
    }
}

/// Deeper schemas are cut to `{}` (accept anything).
const MAX_SCHEMA_DEPTH: usize = 64;

const JSON_TYPES: [&str; 7] = ["null", "boolean", "object", "array", "number", "string", "integer"];

/// Keeps an inferred schema valid JSON Schema 2020-12: keywords with a malformed value
/// are dropped rather than invalidating the whole document. Unknown keywords are kept
/// (annotations); reference keywords are dropped because nothing in an inferred schema
/// can be referred to.
pub(crate) fn sanitize_schema(schema: &Value, depth: usize) -> Value {
    let object = match schema {
        Value::Bool(_) => return schema.clone(),
        Value::Object(object) if depth < MAX_SCHEMA_DEPTH => object,
        _ => return json!({}),
    };
    let sub = |value: &Value| sanitize_schema(value, depth + 1);
    let mut out = Map::new();
    for (key, value) in object {
        let kept = match key.as_str() {
            "type" => match value {
                Value::String(t) if JSON_TYPES.contains(&t.as_str()) => Some(value.clone()),
                Value::Array(types) => {
                    let mut valid: Vec<&str> =
                        types.iter().filter_map(Value::as_str).filter(|t| JSON_TYPES.contains(t)).collect();
                    valid.sort_unstable();
                    valid.dedup();
                    (!valid.is_empty()).then(|| json!(valid))
                }
                _ => None,
            },
            "required" => match value {
                Value::Array(names) => {
                    let set: BTreeSet<&str> = names.iter().filter_map(Value::as_str).collect();
                    Some(json!(set))
                }
                _ => None,
            },
            "enum" => value.is_array().then(|| value.clone()),
            "properties" | "patternProperties" | "$defs" | "dependentSchemas" => value
                .as_object()
                .map(|props| Value::Object(props.iter().map(|(k, v)| (k.clone(), sub(v))).collect())),
            "items"
            | "additionalProperties"
            | "not"
            | "contains"
            | "propertyNames"
            | "unevaluatedItems"
            | "unevaluatedProperties"
            | "if"
            | "then"
            | "else"
            | "contentSchema" => Some(sub(value)),
            "anyOf" | "allOf" | "oneOf" | "prefixItems" => match value {
                Value::Array(list) if !list.is_empty() => Some(Value::Array(list.iter().map(sub).collect())),
                _ => None,
            },
            "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties"
            | "minContains" | "maxContains" => value.is_u64().then(|| value.clone()),
            "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => {
                value.is_number().then(|| value.clone())
            }
            "multipleOf" => value.as_f64().filter(|v| *v > 0.0).map(|_| value.clone()),
            "uniqueItems" | "readOnly" | "writeOnly" | "deprecated" => {
                value.is_boolean().then(|| value.clone())
            }
            "format" | "pattern" | "title" | "description" | "contentEncoding" | "contentMediaType"
            | "$comment" => value.is_string().then(|| value.clone()),
            "examples" => value.is_array().then(|| value.clone()),
            "dependentRequired" => value.as_object().map(|_| value.clone()).filter(|v| {
                v.as_object().is_some_and(|m| {
                    m.values().all(|list| list.as_array().is_some_and(|l| l.iter().all(Value::is_string)))
                })
            }),
            other if other.starts_with('$') => None,
            _ => Some(value.clone()),
        };
        if let Some(kept) = kept {
            out.insert(key.clone(), kept);
        }
    }
    Value::Object(out)
}

/// The standard reason phrase, used as the response description.
fn reason_phrase(status: u16) -> String {
    let phrase = match status {
        100 => "Continue",
        101 => "Switching Protocols",
        103 => "Early Hints",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        207 => "Multi-Status",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "I'm a teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Content",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        507 => "Insufficient Storage",
        508 => "Loop Detected",
        511 => "Network Authentication Required",
        _ => return format!("Status {status}"),
    };
    phrase.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_encoded_and_parameters_made_safe() {
        let path = ExportPath::parse("/files/my file/{id}/{id}/{a:b}/x{y%7D");
        let names = path.canonical_names();
        assert_eq!(names, ["id", "id2", "a_b"]);
        assert_eq!(path.render(&names), "/files/my%20file/{id}/{id2}/{a_b}/x%7By%7D");
        assert_eq!(path.shape(), "/files/my%20file/{}/{}/{}/x%7By%7D");
        assert_eq!(ExportPath::parse("/").render(&[]), "/");
        assert_eq!(ExportPath::parse("").render(&[]), "/");
        assert_eq!(ExportPath::parse("/users/").render(&[]), "/users/");
        assert_eq!(ExportPath::parse("/graphql#query GetUser").render(&[]), "/graphql#query%20GetUser");
        assert_eq!(ExportPath::parse("/a%2Fb/100%").render(&[]), "/a%2Fb/100%25");
    }

    #[test]
    fn operation_ids_are_camel_case_and_unique() {
        let mut ids = OperationIds::default();
        let path = ExportPath::parse("/users/{userId}/orders");
        let words = path.words(&path.canonical_names());
        assert_eq!(ids.assign("get", &words), "getUsersUserIdOrders");
        assert_eq!(ids.assign("get", &words), "getUsersUserIdOrders2");
        assert_eq!(ids.assign("get", "Root"), "getRoot");
        assert_eq!(ids.assign("", "Root"), "callRoot");
    }

    #[test]
    fn schemas_are_sanitized_and_merged() {
        let schema = json!({"type": ["string", "null", "bogus"], "required": ["a", 3], "minLength": -1,
            "$ref": "#/x", "properties": {"a": {"type": 7}}, "format": "uuid"});
        assert_eq!(
            sanitize_schema(&schema, 0),
            json!({"type": ["null", "string"], "required": ["a"], "properties": {"a": {}}, "format": "uuid"})
        );
        assert_eq!(sanitize_schema(&json!(3), 0), json!({}));
        let merged = merge_schemas(vec![
            json!({"type": "string"}),
            json!({"type": "integer"}),
            json!({"type": "string"}),
        ]);
        assert_eq!(merged, json!({"anyOf": [{"type": "integer"}, {"type": "string"}]}));
    }

    #[test]
    fn floats_in_latency_are_rounded_and_non_finite_dropped() {
        let latency = LatencySummary {
            samples: 3,
            p50_ms: Some(1.23456),
            p90_ms: Some(f64::NAN),
            p99_ms: Some(f64::INFINITY),
            max_ms: None,
        };
        assert_eq!(latency_value(&latency), Some(json!({"samples": 3, "p50": 1.235})));
    }
}

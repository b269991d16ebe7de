//! A user's spec → the path templates it declares, compiled for per-call matching.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Map, Value};

use super::load::{self, LoadError, PATH_ITEM_METHODS};
use super::matcher::{CSeg, Matcher, MatcherBuilder, normalize_host, split_path};
use super::template::{Piece, parse_segment_strict, pointer_token};

/// Documents larger than this are refused.
pub const MAX_SPEC_BYTES: usize = 20 * 1024 * 1024;
/// Documents with more paths than this are refused.
pub const MAX_SPEC_PATHS: usize = 50_000;
/// Warnings kept; the rest are counted in a last warning.
pub const MAX_WARNINGS: usize = 1_000;
/// Templates (base path included) with more segments than this are skipped.
const MAX_SEGMENTS: usize = 128;
/// Server URL variants from `enum` server variables, per server.
const MAX_SERVER_VARIANTS: usize = 32;
/// `$ref` hops followed before giving up (loops).
const MAX_REF_HOPS: usize = 16;

/// A spec that could not be imported. Each message is one sentence naming the document
/// and, where there is one, the JSON pointer of the problem.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    #[error("{origin}: the document is {size} bytes; the limit is {limit} bytes")]
    TooLarge { origin: String, size: usize, limit: usize },
    #[error("{origin}: invalid JSON at line {line}, column {column}: {message}")]
    InvalidJson { origin: String, line: usize, column: usize, message: String },
    #[error("{origin}: invalid YAML{}: {message}", at_line(*line, *column))]
    InvalidYaml { origin: String, line: Option<usize>, column: Option<usize>, message: String },
    #[error(
        "{origin}: the document expands to more than {values} values or {bytes} bytes of text \
         (YAML aliases?); refusing to expand it"
    )]
    ExpansionLimit { origin: String, values: u64, bytes: u64 },
    #[error("{origin}: not an OpenAPI document: {reason}")]
    NotOpenApi { origin: String, reason: String },
    #[error(
        "{origin}: {pointer}: unsupported version `{version}`; apiwarden reads Swagger 2.0 and OpenAPI 3.0, 3.1 and 3.2"
    )]
    UnsupportedVersion { origin: String, pointer: String, version: String },
    #[error("{origin}: /paths: the document has {count} paths; the limit is {limit}")]
    TooManyPaths { origin: String, count: usize, limit: usize },
    #[error("{origin}: {pointer}: {message}")]
    Invalid { origin: String, pointer: String, message: String },
}

fn at_line(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(" at line {line}, column {column}"),
        (Some(line), None) => format!(" at line {line}"),
        _ => String::new(),
    }
}

/// The kind of document imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SpecVersion {
    Swagger2,
    OpenApi30,
    OpenApi31,
    OpenApi32,
}

impl SpecVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            SpecVersion::Swagger2 => "Swagger 2.0",
            SpecVersion::OpenApi30 => "OpenAPI 3.0",
            SpecVersion::OpenApi31 => "OpenAPI 3.1",
            SpecVersion::OpenApi32 => "OpenAPI 3.2",
        }
    }
}

/// Where a template is served: a host (`None`: any host) and a base path (`""` or
/// `/api/v1`, no trailing slash).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpecServer {
    /// Lower case, with a port only when it is not the scheme's default.
    pub host: Option<String>,
    pub base_path: String,
}

/// One template of the spec with the methods declared for it and where it is served.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecTemplate {
    /// As written in the spec (a query part, if any, removed): `/users/{userId}`.
    pub template: String,
    /// Upper-case methods, sorted. Empty when the path item could not be read (an
    /// external `$ref`); a warning says so.
    pub methods: Vec<String>,
    pub servers: Vec<SpecServer>,
    /// JSON pointer of the path item (or of the operation, for an operation with its own
    /// `servers`).
    pub pointer: String,
}

impl SpecTemplate {
    /// Distinct base paths of the template's servers.
    pub fn base_paths(&self) -> impl Iterator<Item = &str> {
        let set: BTreeSet<&str> = self.servers.iter().map(|s| s.base_path.as_str()).collect();
        set.into_iter()
    }

    /// Hosts the template is restricted to; empty when some server matches any host.
    pub fn hosts(&self) -> impl Iterator<Item = &str> {
        let any = self.servers.iter().any(|s| s.host.is_none());
        let set: BTreeSet<&str> = if any {
            BTreeSet::new()
        } else {
            self.servers.iter().filter_map(|s| s.host.as_deref()).collect()
        };
        set.into_iter()
    }

    /// `base_path` + `template`.
    pub fn full_template(&self, base_path: &str) -> String {
        join_template(base_path, &self.template)
    }
}

/// A request matched to a spec template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecMatch<'s, 'p> {
    /// Base path + template: `/api/v1/users/{userId}`.
    pub template: &'s str,
    /// The spec entry (methods, servers, JSON pointer).
    pub spec: &'s SpecTemplate,
    /// Path parameters in template order, values percent-decoded.
    pub params: Vec<(&'s str, Cow<'p, str>)>,
}

/// The templates of a user's spec, compiled for matching.
#[derive(Clone, Debug)]
pub struct SpecTemplates {
    origin: String,
    version: SpecVersion,
    templates: Vec<SpecTemplate>,
    endpoints: Vec<(String, String)>,
    matcher: Matcher,
    /// Parts of the document that were skipped or look wrong: full sentences naming the
    /// document and the JSON pointer.
    pub warnings: Vec<String>,
}

impl SpecTemplates {
    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn version(&self) -> SpecVersion {
        self.version
    }

    pub fn templates(&self) -> &[SpecTemplate] {
        &self.templates
    }

    pub fn is_empty(&self) -> bool {
        self.templates.is_empty()
    }

    /// The most specific template matching a request.
    ///
    /// `host` is the request's host (a port and upper case are fine); `path` is the raw,
    /// percent-encoded request path (a query string is ignored). Segments match after
    /// percent-decoding; a parameter matches exactly one non-empty segment; more static
    /// segments win (`/users/me` over `/users/{id}`). Templates whose servers name hosts
    /// match only those hosts; host-less servers match any host.
    pub fn match_path<'s, 'p>(&'s self, host: &str, path: &'p str) -> Option<SpecMatch<'s, 'p>> {
        let host = normalize_host(host);
        let segments = split_path(path);
        let route = self.matcher.find(&host, &segments)?;
        let spec = self.templates.get(route.entry)?;
        Some(SpecMatch { template: &route.full_template, spec, params: route.params(&segments) })
    }

    /// Every (METHOD, base path + template) the spec declares, sorted and distinct: the
    /// spec side of shadow and zombie endpoint diffs.
    pub fn spec_endpoints(&self) -> impl Iterator<Item = (&str, &str)> {
        self.endpoints.iter().map(|(method, template)| (method.as_str(), template.as_str()))
    }
}

fn join_template(base_path: &str, template: &str) -> String {
    let base = base_path.trim_end_matches('/');
    if template == "/" || template.is_empty() {
        if base.is_empty() { "/".to_owned() } else { base.to_owned() }
    } else {
        format!("{base}{template}")
    }
}

/// Parses a spec (OpenAPI 3.0/3.1/3.2 or Swagger 2.0, JSON or YAML) into its templates.
/// `origin` names the document in messages (usually its file name).
pub fn parse_spec(text: &str, origin: &str) -> Result<SpecTemplates, SpecError> {
    if text.len() > MAX_SPEC_BYTES {
        return Err(SpecError::TooLarge {
            origin: origin.to_owned(),
            size: text.len(),
            limit: MAX_SPEC_BYTES,
        });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(not_openapi(origin, "the document is empty"));
    }
    let doc = load::load(text).map_err(|error| match error {
        LoadError::Json { line, column, message } => {
            SpecError::InvalidJson { origin: origin.to_owned(), line, column, message }
        }
        LoadError::Yaml { line, column, message } => {
            SpecError::InvalidYaml { origin: origin.to_owned(), line, column, message }
        }
        LoadError::Budget => SpecError::ExpansionLimit {
            origin: origin.to_owned(),
            values: load::MAX_VALUES,
            bytes: load::MAX_STRING_BYTES,
        },
    })?;
    Importer::new(origin, &doc).run()
}

fn not_openapi(origin: &str, reason: &str) -> SpecError {
    SpecError::NotOpenApi { origin: origin.to_owned(), reason: reason.to_owned() }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn child_pointer(parent: &str, token: &str) -> String {
    format!("{parent}/{}", pointer_token(token))
}

struct Warnings {
    origin: String,
    list: Vec<String>,
    dropped: usize,
}

impl Warnings {
    fn push(&mut self, pointer: &str, message: impl AsRef<str>) {
        if self.list.len() < MAX_WARNINGS {
            let message = message.as_ref();
            // The root's pointer is the empty string: the message stands alone.
            if pointer.is_empty() {
                self.list.push(format!("{}: {message}", self.origin));
            } else {
                self.list.push(format!("{}: {pointer}: {message}", self.origin));
            }
        } else {
            self.dropped += 1;
        }
    }

    fn finish(mut self) -> Vec<String> {
        if self.dropped > 0 {
            self.list.push(format!("{}: {} more warnings were not listed", self.origin, self.dropped));
        }
        self.list
    }
}

/// How a `$ref` resolved.
enum Resolved<'d> {
    Local(&'d Value, String),
    External(String),
    Broken(String),
}

struct Importer<'d> {
    origin: &'d str,
    doc: &'d Value,
    version: SpecVersion,
    warnings: Warnings,
    templates: Vec<SpecTemplate>,
}

/// A path item's fields after following its `$ref`, each with its own pointer.
type Fields<'d> = BTreeMap<&'d str, (&'d Value, String)>;

impl<'d> Importer<'d> {
    fn new(origin: &'d str, doc: &'d Value) -> Importer<'d> {
        Importer {
            origin,
            doc,
            version: SpecVersion::OpenApi30,
            warnings: Warnings { origin: origin.to_owned(), list: Vec::new(), dropped: 0 },
            templates: Vec::new(),
        }
    }

    fn error(&self, pointer: &str, message: impl Into<String>) -> SpecError {
        SpecError::Invalid {
            origin: self.origin.to_owned(),
            pointer: pointer.to_owned(),
            message: message.into(),
        }
    }

    fn run(mut self) -> Result<SpecTemplates, SpecError> {
        let Value::Object(root) = self.doc else {
            return Err(not_openapi(
                self.origin,
                &format!("the top level is {}, not an object", type_name(self.doc)),
            ));
        };
        self.version = self.detect_version(root)?;

        let paths = match root.get("paths") {
            None => {
                self.warnings.push("", "the document has no `paths`; it declares no templates");
                None
            }
            Some(Value::Object(paths)) => Some(paths),
            Some(other) => {
                return Err(self.error("/paths", format!("`paths` is {}, not an object", type_name(other))));
            }
        };
        if let Some(paths) = paths {
            let count = paths.keys().filter(|k| !k.starts_with("x-")).count();
            if count > MAX_SPEC_PATHS {
                return Err(SpecError::TooManyPaths {
                    origin: self.origin.to_owned(),
                    count,
                    limit: MAX_SPEC_PATHS,
                });
            }
            let servers = self.root_servers(root);
            for (key, item) in paths {
                self.path_item(key, item, &servers);
            }
            if count == 0 {
                self.warnings.push("/paths", "`paths` is empty; the document declares no templates");
            }
        }
        self.warn_equivalent_templates();
        Ok(self.finish())
    }

    fn detect_version(&mut self, root: &Map<String, Value>) -> Result<SpecVersion, SpecError> {
        let (pointer, value) = match (root.get("openapi"), root.get("swagger")) {
            (Some(openapi), swagger) => {
                if swagger.is_some() {
                    self.warnings.push("/swagger", "both `openapi` and `swagger` are set; `openapi` is used");
                }
                ("/openapi", openapi)
            }
            (None, Some(swagger)) => ("/swagger", swagger),
            (None, None) => return Err(not_openapi(self.origin, "no `openapi` or `swagger` field")),
        };
        let text = match value {
            Value::String(text) => text.trim().to_owned(),
            Value::Number(number) => {
                let text = number.to_string();
                self.warnings.push(
                    pointer,
                    format!("the version is the number {text}, not a string; write it quoted (\"{text}\")"),
                );
                text
            }
            other => {
                return Err(self.error(pointer, format!("the version is {}, not a string", type_name(other))));
            }
        };
        let unsupported = || SpecError::UnsupportedVersion {
            origin: self.origin.to_owned(),
            pointer: pointer.to_owned(),
            version: text.clone(),
        };
        if pointer == "/swagger" {
            return if text == "2.0" || text == "2" { Ok(SpecVersion::Swagger2) } else { Err(unsupported()) };
        }
        let mut parts = text.splitn(3, '.');
        let major = parts.next().unwrap_or_default();
        let minor = parts.next().unwrap_or_default();
        if major != "3" {
            return Err(unsupported());
        }
        Ok(match minor {
            "0" => SpecVersion::OpenApi30,
            "1" => SpecVersion::OpenApi31,
            "2" => SpecVersion::OpenApi32,
            _ if minor.bytes().all(|b| b.is_ascii_digit()) && !minor.is_empty() => {
                self.warnings.push(pointer, format!("unknown OpenAPI version `{text}`; read as OpenAPI 3.2"));
                SpecVersion::OpenApi32
            }
            _ => return Err(unsupported()),
        })
    }

    // -----------------------------------------------------------------------------------
    // Servers

    fn root_servers(&mut self, root: &'d Map<String, Value>) -> Vec<SpecServer> {
        let any = || vec![SpecServer { host: None, base_path: String::new() }];
        if self.version == SpecVersion::Swagger2 {
            return self.swagger_server(root);
        }
        match root.get("servers") {
            None => any(),
            Some(value) => match self.servers(value, "/servers") {
                Some(servers) if !servers.is_empty() => servers,
                Some(_) => {
                    self.warnings
                        .push("/servers", "no usable server; templates match any host with no base path");
                    any()
                }
                None => any(),
            },
        }
    }

    fn swagger_server(&mut self, root: &'d Map<String, Value>) -> Vec<SpecServer> {
        let host = match root.get("host") {
            None => None,
            Some(Value::String(host)) => {
                let host = host.trim();
                if host.contains("://") {
                    self.warnings.push("/host", "`host` must not contain a scheme; it is read as a URL");
                    parse_server_url(host).ok().and_then(|(h, _)| h)
                } else if host.is_empty() || host.contains(['/', ' ', '{', '}']) {
                    self.warnings
                        .push("/host", format!("`{host}` is not a host name; templates match any host"));
                    None
                } else {
                    Some(normalize_server_host(host, None))
                }
            }
            Some(other) => {
                self.warnings.push("/host", format!("`host` is {}, not a string; ignored", type_name(other)));
                None
            }
        };
        let base_path = match root.get("basePath") {
            None => String::new(),
            Some(Value::String(base)) => {
                let base = base.trim();
                if !base.is_empty() && !base.starts_with('/') {
                    self.warnings
                        .push("/basePath", format!("`{base}` does not start with `/`; read as `/{base}`"));
                }
                normalize_base_path(base)
            }
            Some(other) => {
                self.warnings
                    .push("/basePath", format!("`basePath` is {}, not a string; ignored", type_name(other)));
                String::new()
            }
        };
        vec![SpecServer { host, base_path }]
    }

    /// A `servers` list; `None` when it is absent or empty (inherit).
    fn servers(&mut self, value: &'d Value, pointer: &str) -> Option<Vec<SpecServer>> {
        let Value::Array(list) = value else {
            self.warnings.push(pointer, format!("`servers` is {}, not a list; ignored", type_name(value)));
            return None;
        };
        if list.is_empty() {
            return None;
        }
        let mut out = BTreeSet::new();
        for (index, server) in list.iter().enumerate() {
            let pointer = format!("{pointer}/{index}");
            let Some(url) = server.get("url") else {
                self.warnings.push(&pointer, "the server has no `url`; skipped");
                continue;
            };
            let Value::String(url) = url else {
                self.warnings.push(&pointer, format!("`url` is {}, not a string; skipped", type_name(url)));
                continue;
            };
            let Some(urls) = self.expand_variables(url, server.get("variables"), &pointer) else { continue };
            for url in urls {
                match parse_server_url(&url) {
                    Ok((host, base_path)) => {
                        out.insert(SpecServer { host, base_path });
                    }
                    Err(reason) => {
                        self.warnings.push(&pointer, format!("server URL `{url}` {reason}; skipped"))
                    }
                }
            }
        }
        Some(out.into_iter().collect())
    }

    /// Substitutes `{name}` server variables: every `enum` value (and the default).
    fn expand_variables(
        &mut self,
        url: &str,
        variables: Option<&Value>,
        pointer: &str,
    ) -> Option<Vec<String>> {
        let mut urls = vec![String::new()];
        let mut rest = url;
        let mut truncated = false;
        while !rest.is_empty() {
            let Some(open) = rest.find('{') else {
                urls.iter_mut().for_each(|u| u.push_str(rest));
                break;
            };
            let literal = &rest[..open];
            urls.iter_mut().for_each(|u| u.push_str(literal));
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                self.warnings
                    .push(pointer, format!("server URL `{url}` has a `{{` without a closing `}}`; skipped"));
                return None;
            };
            let name = &after[..close];
            let Some(definition) = variables.and_then(|v| v.get(name)) else {
                self.warnings.push(pointer, format!("server URL `{url}` uses variable `{name}`, which `variables` does not define; skipped"));
                return None;
            };
            let mut values: Vec<String> = Vec::new();
            let scalar = |v: &Value| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            };
            if let Some(default) = definition.get("default").and_then(scalar) {
                values.push(default);
            }
            if let Some(Value::Array(options)) = definition.get("enum") {
                for option in options.iter().filter_map(scalar) {
                    if !values.contains(&option) {
                        values.push(option);
                    }
                }
            }
            if values.is_empty() {
                self.warnings.push(
                    pointer,
                    format!(
                        "server variable `{name}` has no `default` or `enum` value; the server is skipped"
                    ),
                );
                return None;
            }
            if urls.len() * values.len() > MAX_SERVER_VARIANTS {
                truncated = true;
                values.truncate(1);
            }
            urls = urls.iter().flat_map(|u| values.iter().map(move |v| format!("{u}{v}"))).collect();
            rest = &after[close + 1..];
        }
        if truncated {
            self.warnings.push(
                pointer,
                format!("server variables of `{url}` give more than {MAX_SERVER_VARIANTS} URLs; only defaults are used past that"),
            );
        }
        Some(urls)
    }

    // -----------------------------------------------------------------------------------
    // References

    fn resolve(&self, value: &'d Value, pointer: String) -> Resolved<'d> {
        let mut current = value;
        let mut current_pointer = pointer;
        for _ in 0..MAX_REF_HOPS {
            let Some(reference) = current.get("$ref") else {
                return Resolved::Local(current, current_pointer);
            };
            let Value::String(reference) = reference else {
                return Resolved::Broken(format!("`$ref` is {}, not a string", type_name(reference)));
            };
            let Some(fragment) = reference.strip_prefix('#') else {
                return Resolved::External(reference.clone());
            };
            let target = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy().into_owned();
            match self.doc.pointer(&target) {
                Some(found) => {
                    current = found;
                    current_pointer = target;
                }
                None => {
                    return Resolved::Broken(format!(
                        "`$ref` `{reference}` does not resolve (references are followed into \
                         `/paths`, `/components/pathItems` and `/components/parameters`)"
                    ));
                }
            }
        }
        Resolved::Broken("`$ref` chain is too long or loops".to_owned())
    }

    /// The declared path-parameter names in a `parameters` list; `None` when some entry
    /// could not be read, so that no false "not declared" warning is raised.
    fn path_param_names(&mut self, value: Option<&'d Value>, pointer: &str) -> Option<BTreeSet<String>> {
        let mut names = BTreeSet::new();
        let Some(value) = value else { return Some(names) };
        let Value::Array(list) = value else {
            self.warnings.push(pointer, format!("`parameters` is {}, not a list; ignored", type_name(value)));
            return None;
        };
        let mut complete = true;
        for (index, parameter) in list.iter().enumerate() {
            let item_pointer = format!("{pointer}/{index}");
            match self.resolve(parameter, item_pointer.clone()) {
                Resolved::Local(parameter, _) => {
                    if parameter.get("in").and_then(Value::as_str) == Some("path") {
                        match parameter.get("name").and_then(Value::as_str) {
                            Some(name) => {
                                names.insert(name.to_owned());
                            }
                            None => {
                                self.warnings.push(&item_pointer, "path parameter without a `name`; ignored")
                            }
                        }
                    }
                }
                Resolved::External(_) => complete = false,
                Resolved::Broken(reason) => {
                    self.warnings.push(&item_pointer, reason);
                    complete = false;
                }
            }
        }
        complete.then_some(names)
    }

    // -----------------------------------------------------------------------------------
    // Path items

    fn path_item(&mut self, key: &'d str, item: &'d Value, root_servers: &[SpecServer]) {
        let pointer = child_pointer("/paths", key);
        if key.starts_with("x-") {
            return;
        }
        if !key.starts_with('/') {
            self.warnings.push(&pointer, "the path does not start with `/`; skipped");
            return;
        }
        let mut template = key;
        if let Some(at) = key.find(['?', '#']) {
            self.warnings.push(
                &pointer,
                "the path contains a query or fragment, which OpenAPI does not allow; it is ignored",
            );
            template = &key[..at];
        }
        let segments = match compile_template(template) {
            Ok(segments) => segments,
            Err(reason) => {
                self.warnings.push(&pointer, format!("the template {reason}; skipped"));
                return;
            }
        };
        let template_params: Vec<&str> = segments
            .iter()
            .flat_map(|s| s.iter())
            .filter_map(|p| match p {
                Piece::Param(name) => Some(*name),
                Piece::Lit(_) => None,
            })
            .collect();
        let mut unique = BTreeSet::new();
        if let Some(duplicate) = template_params.iter().find(|name| !unique.insert(**name)) {
            self.warnings.push(
                &pointer,
                format!("path parameter `{duplicate}` appears twice in the template; skipped"),
            );
            return;
        }
        let Value::Object(own) = item else {
            self.warnings
                .push(&pointer, format!("the path item is {}, not an object; skipped", type_name(item)));
            return;
        };
        let mut fields: Fields<'d> = BTreeMap::new();
        if own.contains_key("$ref") {
            match self.resolve(item, pointer.clone()) {
                Resolved::Local(Value::Object(target), target_pointer) => {
                    for (k, v) in target {
                        fields.insert(k.as_str(), (v, child_pointer(&target_pointer, k)));
                    }
                }
                Resolved::Local(other, target_pointer) => {
                    self.warnings.push(
                        &pointer,
                        format!("`$ref` points to {} at {target_pointer}, not a path item", type_name(other)),
                    );
                }
                Resolved::External(reference) => {
                    self.warnings.push(
                        &pointer,
                        format!(
                            "the path item is a reference to `{reference}`, which is not followed (apiwarden \
                             reads one document); the template is kept without its methods"
                        ),
                    );
                }
                Resolved::Broken(reason) => {
                    self.warnings
                        .push(&pointer, format!("{reason}; the template is kept without its methods"));
                }
            }
        }
        let had_ref_problem = own.contains_key("$ref") && fields.is_empty();
        for (k, v) in own {
            if k != "$ref" {
                fields.insert(k.as_str(), (v, child_pointer(&pointer, k)));
            }
        }

        let item_servers = match fields.get("servers") {
            Some((value, server_pointer)) if self.version != SpecVersion::Swagger2 => {
                let server_pointer = server_pointer.clone();
                self.servers(value, &server_pointer)
            }
            _ => None,
        }
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| root_servers.to_vec());

        let shared_params = match fields.get("parameters") {
            Some((value, params_pointer)) => {
                let params_pointer = params_pointer.clone();
                self.path_param_names(Some(value), &params_pointer)
            }
            None => Some(BTreeSet::new()),
        };

        // Operations: method → (operation, pointer).
        let mut operations: Vec<(String, &'d Value, String)> = Vec::new();
        for (&field, (value, field_pointer)) in &fields {
            if PATH_ITEM_METHODS.contains(&field) {
                if field == "query" && self.version != SpecVersion::OpenApi32 {
                    self.warnings.push(field_pointer, "`query` is an operation only in OpenAPI 3.2; ignored");
                    continue;
                }
                operations.push((field.to_ascii_uppercase(), value, field_pointer.clone()));
            } else if field == "additionalOperations" {
                if self.version != SpecVersion::OpenApi32 {
                    self.warnings
                        .push(field_pointer, "`additionalOperations` exists only in OpenAPI 3.2; ignored");
                    continue;
                }
                if let Value::Object(extra) = value {
                    for (method, operation) in extra {
                        let method_pointer = child_pointer(field_pointer, method);
                        if method.is_empty() || !method.bytes().all(|b| b.is_ascii_graphic()) {
                            self.warnings.push(&method_pointer, "not an HTTP method name; skipped");
                            continue;
                        }
                        operations.push((method.to_ascii_uppercase(), operation, method_pointer));
                    }
                }
            } else if !matches!(field, "parameters" | "servers" | "summary" | "description")
                && !field.starts_with("x-")
            {
                let hint = if PATH_ITEM_METHODS.iter().any(|m| m.eq_ignore_ascii_case(field)) {
                    " (HTTP methods are written in lower case)"
                } else {
                    ""
                };
                self.warnings.push(field_pointer, format!("unknown field `{field}` ignored{hint}"));
            }
        }

        let mut shared_methods: BTreeSet<String> = BTreeSet::new();
        let mut own_server_entries: Vec<SpecTemplate> = Vec::new();
        for (method, operation, op_pointer) in operations {
            if !operation.is_object() {
                self.warnings.push(
                    &op_pointer,
                    format!("the operation is {}, not an object; skipped", type_name(operation)),
                );
                continue;
            }
            let op_params_pointer = child_pointer(&op_pointer, "parameters");
            let op_params = self.path_param_names(operation.get("parameters"), &op_params_pointer);
            if let (Some(shared), Some(own_params)) = (&shared_params, op_params) {
                for name in &template_params {
                    if !shared.contains(*name) && !own_params.contains(*name) {
                        self.warnings.push(
                            &op_pointer,
                            format!(
                                "path parameter `{name}` is in the template but not declared in `parameters`; \
                                 it is matched anyway"
                            ),
                        );
                    }
                }
                for name in shared.iter().chain(own_params.iter()) {
                    if !template_params.contains(&name.as_str()) {
                        self.warnings.push(
                            &op_pointer,
                            format!("path parameter `{name}` is declared but not in the template; ignored"),
                        );
                    }
                }
            }
            let op_servers = match operation.get("servers") {
                Some(value) if self.version != SpecVersion::Swagger2 => {
                    self.servers(value, &child_pointer(&op_pointer, "servers"))
                }
                _ => None,
            };
            match op_servers {
                Some(servers) if !servers.is_empty() && servers != item_servers => {
                    own_server_entries.push(SpecTemplate {
                        template: template.to_owned(),
                        methods: vec![method],
                        servers,
                        pointer: op_pointer,
                    });
                }
                _ => {
                    shared_methods.insert(method);
                }
            }
        }
        if shared_methods.is_empty() && own_server_entries.is_empty() && !had_ref_problem {
            self.warnings
                .push(&pointer, "the path item declares no operations; the template is kept for matching");
        }
        if !shared_methods.is_empty() || own_server_entries.is_empty() {
            self.templates.push(SpecTemplate {
                template: template.to_owned(),
                methods: shared_methods.into_iter().collect(),
                servers: item_servers,
                pointer: pointer.clone(),
            });
        }
        self.templates.extend(own_server_entries);
    }

    /// OpenAPI forbids templates that differ only in parameter names.
    fn warn_equivalent_templates(&mut self) {
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut warnings = Vec::new();
        for entry in &self.templates {
            let Ok(segments) = compile_template(&entry.template) else { continue };
            let shape: String = segments
                .iter()
                .map(|pieces| {
                    let mut out = String::from("/");
                    for piece in pieces {
                        match piece {
                            Piece::Lit(text) => out.push_str(text),
                            Piece::Param(_) => out.push_str("{}"),
                        }
                    }
                    out
                })
                .collect();
            match seen.get(&shape) {
                Some(first) if first != &entry.template => warnings.push((
                    entry.pointer.clone(),
                    format!(
                        "the template is equivalent to `{first}` (they differ only in parameter names, which \
                         OpenAPI does not allow); `{first}` wins when both match"
                    ),
                )),
                Some(_) => {}
                None => {
                    seen.insert(shape, entry.template.clone());
                }
            }
        }
        for (pointer, message) in warnings {
            self.warnings.push(&pointer, message);
        }
    }

    fn finish(self) -> SpecTemplates {
        let mut builder = MatcherBuilder::default();
        let mut endpoints: BTreeSet<(String, String)> = BTreeSet::new();
        let mut warnings = self.warnings;
        for (index, entry) in self.templates.iter().enumerate() {
            let Ok(segments) = compile_template(&entry.template) else { continue };
            let compiled: Vec<CSeg> = segments.iter().map(|pieces| CSeg::compile(pieces)).collect();
            let mut added_bases = BTreeSet::new();
            for server in &entry.servers {
                let full = entry.full_template(&server.base_path);
                let base: Vec<CSeg> = server
                    .base_path
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(|s| CSeg::compile(&[Piece::Lit(s)]))
                    .collect();
                if base.len() + compiled.len() > MAX_SEGMENTS {
                    if added_bases.insert(full.clone()) {
                        warnings.push(
                            &entry.pointer,
                            format!("`{full}` has more than {MAX_SEGMENTS} segments; skipped"),
                        );
                    }
                    continue;
                }
                let mut all = base;
                all.extend(compiled.iter().cloned());
                builder.add(index, server.host.as_deref(), full.clone(), all);
                if added_bases.insert(full.clone()) {
                    for method in &entry.methods {
                        endpoints.insert((method.clone(), full.clone()));
                    }
                }
            }
        }
        SpecTemplates {
            origin: self.origin.to_owned(),
            version: self.version,
            templates: self.templates,
            endpoints: endpoints.into_iter().collect(),
            matcher: builder.finish(),
            warnings: warnings.finish(),
        }
    }
}

/// Splits a template into segments of pieces (empty segments dropped).
fn compile_template(template: &str) -> Result<Vec<Vec<Piece<'_>>>, String> {
    let mut out = Vec::new();
    for segment in template.split('/').filter(|s| !s.is_empty()) {
        let pieces =
            parse_segment_strict(segment).map_err(|e| format!("segment `{segment}` {}", e.describe()))?;
        out.push(pieces);
    }
    if out.len() > MAX_SEGMENTS {
        return Err(format!("has more than {MAX_SEGMENTS} segments"));
    }
    Ok(out)
}

/// `https://API.example.com:443/api/v1/` → (`api.example.com`, `/api/v1`).
fn parse_server_url(url: &str) -> Result<(Option<String>, String), &'static str> {
    let url = url.trim();
    let url = url.find(['?', '#']).map_or(url, |at| &url[..at]);
    let (scheme, rest) = match url.find("://") {
        Some(at) => {
            let scheme = &url[..at];
            if scheme.is_empty() || !scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
            {
                return Err("has an invalid scheme");
            }
            (Some(scheme.to_ascii_lowercase()), Some(&url[at + 3..]))
        }
        None => (None, url.strip_prefix("//")),
    };
    match rest {
        Some(rest) => {
            let (authority, path) = match rest.find('/') {
                Some(at) => (&rest[..at], &rest[at..]),
                None => (rest, ""),
            };
            let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
            if authority.is_empty() {
                return Err("has no host");
            }
            if authority.contains(['{', '}', ' ']) {
                return Err("has an invalid host");
            }
            Ok((Some(normalize_server_host(authority, scheme.as_deref())), normalize_base_path(path)))
        }
        None => {
            // Relative to where the document is served: only a base path.
            let path = url.trim_start_matches("./");
            if path == "." {
                return Ok((None, String::new()));
            }
            Ok((None, normalize_base_path(path)))
        }
    }
}

fn normalize_server_host(authority: &str, scheme: Option<&str>) -> String {
    let lower = normalize_host(authority).into_owned();
    let default_port = match scheme {
        Some("http" | "ws") => Some(":80"),
        Some("https" | "wss") => Some(":443"),
        // Swagger 2.0 `host` has no scheme: both defaults are dropped.
        None => {
            if lower.ends_with(":80") {
                Some(":80")
            } else {
                Some(":443")
            }
        }
        Some(_) => None,
    };
    match default_port.and_then(|port| lower.strip_suffix(port)) {
        Some(stripped) if !stripped.is_empty() && !stripped.ends_with(':') => stripped.to_owned(),
        _ => lower,
    }
}

/// `/api/v1/` → `/api/v1`; `/` and `` → ``.
fn normalize_base_path(path: &str) -> String {
    let trimmed = path.trim().trim_end_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else if trimmed.starts_with('/') {
        trimmed.to_owned()
    } else {
        format!("/{trimmed}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_urls_split_into_host_and_base_path() {
        assert_eq!(
            parse_server_url("https://API.example.com:443/api/v1/"),
            Ok((Some("api.example.com".to_owned()), "/api/v1".to_owned()))
        );
        assert_eq!(parse_server_url("http://h:8080"), Ok((Some("h:8080".to_owned()), String::new())));
        assert_eq!(parse_server_url("/v2"), Ok((None, "/v2".to_owned())));
        assert_eq!(parse_server_url("v2/"), Ok((None, "/v2".to_owned())));
        assert_eq!(parse_server_url("/"), Ok((None, String::new())));
        assert_eq!(
            parse_server_url("//cdn.example.com/x?y"),
            Ok((Some("cdn.example.com".to_owned()), "/x".to_owned()))
        );
        assert_eq!(
            parse_server_url("https://user:pw@h.example/"),
            Ok((Some("h.example".to_owned()), String::new()))
        );
        assert!(parse_server_url("https:///x").is_err());
        assert_eq!(normalize_server_host("api.example.com:80", None), "api.example.com");
        assert_eq!(normalize_server_host("[::1]:443", Some("https")), "[::1]");
    }

    #[test]
    fn templates_join_base_paths() {
        assert_eq!(join_template("", "/"), "/");
        assert_eq!(join_template("/api", "/"), "/api");
        assert_eq!(join_template("/api", "/users/{id}"), "/api/users/{id}");
        assert_eq!(join_template("", "/users"), "/users");
    }
}

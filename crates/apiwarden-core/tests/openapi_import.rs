//! Importing users' specs: versions, formats, servers, matching, errors and warnings.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::borrow::Cow;

use apiwarden_core::openapi::{SpecError, SpecServer, SpecTemplates, SpecVersion, parse_spec};
use proptest::prelude::*;
use serde_json::{Value, json};

fn parse(text: &str) -> SpecTemplates {
    match parse_spec(text, "api.yaml") {
        Ok(spec) => spec,
        Err(error) => panic!("unexpected error: {error}"),
    }
}

fn error(text: &str) -> String {
    match parse_spec(text, "api.yaml") {
        Ok(spec) => panic!("expected an error, got {} templates", spec.templates().len()),
        Err(error) => error.to_string(),
    }
}

/// (template, params) of a match, for compact assertions.
fn matched(spec: &SpecTemplates, host: &str, path: &str) -> Option<(String, Vec<(String, String)>)> {
    spec.match_path(host, path).map(|m| {
        (
            m.template.to_owned(),
            m.params.iter().map(|(name, value)| ((*name).to_owned(), value.to_string())).collect(),
        )
    })
}

fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect()
}

fn has_warning(spec: &SpecTemplates, needle: &str) -> bool {
    spec.warnings.iter().any(|w| w.contains(needle))
}

const PETSTORE_30_YAML: &str = r#"
openapi: 3.0.3
info:
  title: Petstore
  version: "1.0"
servers:
  - url: https://API.example.com:443/api/v1/
  - url: /local
paths:
  /pets:
    get:
      responses:
        "200": {description: ok}
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        "201": {description: created}
  /pets/{petId}:
    parameters:
      - $ref: '#/components/parameters/PetId'
    get:
      responses:
        "200": {description: ok}
    delete:
      responses:
        "204": {description: gone}
  /pets/mine:
    get:
      responses:
        "200": {description: ok}
  /files/{name}.{ext}:
    get:
      parameters:
        - {name: name, in: path, required: true, schema: {type: string}}
        - {name: ext, in: path, required: true, schema: {type: string}}
      responses:
        "200": {description: ok}
components:
  parameters:
    PetId: {name: petId, in: path, required: true, schema: {type: integer}}
  schemas:
    Pet: {type: object}
"#;

#[test]
fn openapi_30_yaml_with_server_paths() {
    let spec = parse(PETSTORE_30_YAML);
    assert_eq!(spec.version(), SpecVersion::OpenApi30);
    assert_eq!(spec.origin(), "api.yaml");
    assert!(spec.warnings.is_empty(), "{:?}", spec.warnings);

    let pets = spec.templates().iter().find(|t| t.template == "/pets/{petId}").unwrap();
    assert_eq!(pets.methods, ["DELETE", "GET"]);
    assert_eq!(
        pets.servers,
        [
            SpecServer { host: None, base_path: "/local".to_owned() },
            SpecServer { host: Some("api.example.com".to_owned()), base_path: "/api/v1".to_owned() },
        ]
    );
    assert_eq!(pets.base_paths().collect::<Vec<_>>(), ["/api/v1", "/local"]);
    assert_eq!(pets.hosts().count(), 0, "a host-less server matches any host");

    assert_eq!(
        matched(&spec, "api.example.com", "/api/v1/pets/42?x=1"),
        Some(("/api/v1/pets/{petId}".to_owned(), params(&[("petId", "42")])))
    );
    assert_eq!(
        matched(&spec, "API.EXAMPLE.COM:443", "/api/v1/pets/42"),
        Some(("/api/v1/pets/{petId}".to_owned(), params(&[("petId", "42")])))
    );
    // `/api/v1` is only served by api.example.com; `/local` by any host.
    assert_eq!(matched(&spec, "other.example.com", "/api/v1/pets/42"), None);
    assert_eq!(
        matched(&spec, "other.example.com", "/local/pets/42"),
        Some(("/local/pets/{petId}".to_owned(), params(&[("petId", "42")])))
    );
    // Static beats parameter.
    assert_eq!(
        matched(&spec, "api.example.com", "/api/v1/pets/mine"),
        Some(("/api/v1/pets/mine".to_owned(), vec![]))
    );
    // Partly static segments.
    assert_eq!(
        matched(&spec, "api.example.com", "/api/v1/files/report.final.pdf"),
        Some(("/api/v1/files/{name}.{ext}".to_owned(), params(&[("name", "report"), ("ext", "final.pdf")])))
    );
    // No match without the base path, for too many segments, or for an empty parameter.
    assert_eq!(matched(&spec, "api.example.com", "/pets/42"), None);
    assert_eq!(matched(&spec, "api.example.com", "/api/v1/pets/42/toys"), None);
    assert_eq!(matched(&spec, "api.example.com", "/api/v1/files/.pdf"), None);

    let endpoints: Vec<(&str, &str)> = spec.spec_endpoints().collect();
    assert!(endpoints.contains(&("GET", "/api/v1/pets/{petId}")));
    assert!(endpoints.contains(&("DELETE", "/local/pets/{petId}")));
    assert!(endpoints.contains(&("POST", "/api/v1/pets")));
    assert_eq!(endpoints.len(), 2 * 6);
    let mut sorted = endpoints.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, endpoints);
}

#[test]
fn openapi_31_json_with_path_item_refs_and_server_variables() {
    let doc = json!({
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "servers": [{
            "url": "https://{region}.example.com/{version}",
            "variables": {
                "region": {"default": "eu", "enum": ["eu", "us"]},
                "version": {"default": "v2"}
            }
        }],
        "paths": {
            "/users/{userId}": {"$ref": "#/components/pathItems/User"},
            "/health": {
                "get": {"responses": {"200": {"description": "ok"}}, "servers": [{"url": "https://status.example.com"}]},
                "head": {"responses": {"200": {"description": "ok"}}}
            }
        },
        "components": {"pathItems": {"User": {
            "get": {
                "parameters": [{"name": "userId", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok"}}
            }
        }}},
        "webhooks": {}
    });
    let spec = parse(&doc.to_string());
    assert_eq!(spec.version(), SpecVersion::OpenApi31);
    assert!(spec.warnings.is_empty(), "{:?}", spec.warnings);
    for host in ["eu.example.com", "us.example.com"] {
        assert_eq!(
            matched(&spec, host, "/v2/users/u-1"),
            Some(("/v2/users/{userId}".to_owned(), params(&[("userId", "u-1")])))
        );
    }
    assert_eq!(matched(&spec, "asia.example.com", "/v2/users/u-1"), None);
    // The operation with its own servers is served only there.
    assert_eq!(matched(&spec, "status.example.com", "/health"), Some(("/health".to_owned(), vec![])));
    let on_status = spec.match_path("status.example.com", "/health").unwrap();
    assert_eq!(on_status.spec.methods, ["GET"]);
    assert_eq!(on_status.spec.pointer, "/paths/~1health/get");
    let on_eu = spec.match_path("eu.example.com", "/v2/health").unwrap();
    assert_eq!(on_eu.spec.methods, ["HEAD"]);
    let endpoints: Vec<(&str, &str)> = spec.spec_endpoints().collect();
    assert_eq!(endpoints, [("GET", "/health"), ("GET", "/v2/users/{userId}"), ("HEAD", "/v2/health")]);
}

#[test]
fn swagger_20_with_base_path_and_host() {
    let text = r#"
swagger: "2.0"
info: {title: t, version: "1"}
host: legacy.example.com:80
basePath: /api/
parameters:
  Id: {name: id, in: path, required: true, type: string}
paths:
  /orders/{id}:
    get:
      parameters: [{$ref: '#/parameters/Id'}]
      responses: {"200": {description: ok}}
  /orders/latest:
    get:
      responses: {"200": {description: ok}}
"#;
    let spec = parse(text);
    assert_eq!(spec.version(), SpecVersion::Swagger2);
    assert!(spec.warnings.is_empty(), "{:?}", spec.warnings);
    let template = &spec.templates()[0];
    assert_eq!(
        template.servers,
        [SpecServer { host: Some("legacy.example.com".to_owned()), base_path: "/api".to_owned() }]
    );
    assert_eq!(template.hosts().collect::<Vec<_>>(), ["legacy.example.com"]);
    assert_eq!(
        matched(&spec, "legacy.example.com", "/api/orders/7"),
        Some(("/api/orders/{id}".to_owned(), params(&[("id", "7")])))
    );
    assert_eq!(
        matched(&spec, "legacy.example.com:80", "/api/orders/latest"),
        Some(("/api/orders/latest".to_owned(), vec![]))
    );
    assert_eq!(matched(&spec, "new.example.com", "/api/orders/7"), None);
}

#[test]
fn more_static_segments_win_regardless_of_order() {
    let doc = json!({"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {
        "/{a}/{b}/{c}": {"get": {}},
        "/users/{id}/{tab}": {"get": {}},
        "/users/{id}/orders": {"get": {}},
        "/users/me/{tab}": {"get": {}},
        "/users/me/orders": {"get": {}},
        "/{x}/me/orders": {"get": {}},
        "/users/{id}": {"get": {}},
        "/users/me": {"get": {}},
    }});
    let spec = parse(&doc.to_string());
    let template = |path: &str| matched(&spec, "h", path).map(|(t, _)| t);
    assert_eq!(template("/users/me").as_deref(), Some("/users/me"));
    assert_eq!(template("/users/7").as_deref(), Some("/users/{id}"));
    assert_eq!(template("/users/me/orders").as_deref(), Some("/users/me/orders"));
    assert_eq!(template("/users/7/orders").as_deref(), Some("/users/{id}/orders"));
    assert_eq!(template("/users/me/profile").as_deref(), Some("/users/me/{tab}"));
    // Equal counts: the static segment further left wins.
    assert_eq!(template("/teams/me/orders").as_deref(), Some("/{x}/me/orders"));
    assert_eq!(template("/a/b/c").as_deref(), Some("/{a}/{b}/{c}"));
}

#[test]
fn percent_encoded_paths_match_after_decoding() {
    let doc = json!({"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {
        "/files/a b/{name}": {"get": {}},
        "/files/caf%C3%A9": {"get": {}},
        "/users/{id}": {"get": {}},
    }});
    let spec = parse(&doc.to_string());
    assert_eq!(
        matched(&spec, "h", "/files/a%20b/r%C3%A9sum%C3%A9%2Fv2.pdf"),
        Some(("/files/a b/{name}".to_owned(), params(&[("name", "résumé/v2.pdf")])))
    );
    assert_eq!(matched(&spec, "h", "/files/caf%c3%a9"), Some(("/files/caf%C3%A9".to_owned(), vec![])));
    assert_eq!(matched(&spec, "h", "/files/café"), Some(("/files/caf%C3%A9".to_owned(), vec![])));
    // Values without escapes are borrowed from the request path.
    let m = spec.match_path("h", "/users/42").unwrap();
    assert!(matches!(m.params[0].1, Cow::Borrowed("42")));
    // Invalid UTF-8 after decoding is replaced, never a panic.
    assert_eq!(
        matched(&spec, "h", "/users/%FF%00"),
        Some(("/users/{id}".to_owned(), params(&[("id", "\u{fffd}\u{0}")])))
    );
    // Dot segments, empty segments and absolute URLs are normalised like a server would.
    assert_eq!(
        matched(&spec, "h", "//users/./x/../42/"),
        Some(("/users/{id}".to_owned(), params(&[("id", "42")])))
    );
    assert_eq!(
        matched(&spec, "h", "https://h.example/users/42"),
        Some(("/users/{id}".to_owned(), params(&[("id", "42")])))
    );
}

#[test]
fn invalid_documents_get_one_clear_error() {
    assert_eq!(error("just: yaml\n"), "api.yaml: not an OpenAPI document: no `openapi` or `swagger` field");
    assert_eq!(error("  \n"), "api.yaml: not an OpenAPI document: the document is empty");
    assert_eq!(
        error("- a\n- b\n"),
        "api.yaml: not an OpenAPI document: the top level is a list, not an object"
    );
    assert_eq!(
        error("openapi: 3.0.0\npaths:\n  /a: [\n"),
        "api.yaml: invalid YAML at line 4, column 1: did not find expected node content, while parsing a flow node"
    );
    let message = error("{\"openapi\": \"3.0.0\",\n \"paths\": {,}}");
    assert!(message.starts_with("api.yaml: invalid JSON at line 2, column 12: "), "{message}");
    assert_eq!(
        error("openapi: 4.0.0\n"),
        "api.yaml: /openapi: unsupported version `4.0.0`; apiwarden reads Swagger 2.0 and OpenAPI 3.0, 3.1 and 3.2"
    );
    assert_eq!(
        error("swagger: '1.2'\n"),
        "api.yaml: /swagger: unsupported version `1.2`; apiwarden reads Swagger 2.0 and OpenAPI 3.0, 3.1 and 3.2"
    );
    assert_eq!(error("openapi: [3]\n"), "api.yaml: /openapi: the version is a list, not a string");
    assert_eq!(error("openapi: 3.1.0\npaths: [1]\n"), "api.yaml: /paths: `paths` is a list, not an object");

    let big = " ".repeat(apiwarden_core::openapi::MAX_SPEC_BYTES + 1);
    assert!(matches!(parse_spec(&big, "big.yaml"), Err(SpecError::TooLarge { .. })));

    let mut paths = serde_json::Map::new();
    for i in 0..=apiwarden_core::openapi::MAX_SPEC_PATHS {
        paths.insert(format!("/p{i}"), json!({}));
    }
    let doc = json!({"openapi": "3.0.0", "paths": paths});
    assert_eq!(error(&doc.to_string()), "api.yaml: /paths: the document has 50001 paths; the limit is 50000");
}

#[test]
fn unquoted_numeric_versions_are_read_with_a_warning() {
    let spec = parse("swagger: 2.0\npaths: {/a: {get: {}}}\n");
    assert_eq!(spec.version(), SpecVersion::Swagger2);
    assert_eq!(
        spec.warnings,
        ["api.yaml: /swagger: the version is the number 2.0, not a string; write it quoted (\"2.0\")"]
    );
}

#[test]
fn skipped_parts_become_warnings_with_pointers() {
    let text = r#"
openapi: 3.0.1
servers:
  - url: https://{tenant}.example.com
  - url: https://api.example.com/v1
paths:
  users/{id}:
    get: {}
  /users/{id:
    get: {}
  /a/{x}/b/{x}:
    get: {}
  /items/{itemId}:
    GET: {}
    get:
      parameters:
        - {name: id, in: path}
  /remote:
    $ref: 'common.yaml#/paths/~1remote'
  /broken:
    $ref: '#/components/pathItems/Missing'
  /search?q={q}:
    get: {}
  /empty: {}
  /scalar: 3
  /orders/{orderId}:
    get:
      parameters: [{name: orderId, in: path}]
    put: 7
  /orders/{id}:
    get:
      parameters: [{name: id, in: path}]
  x-internal: {}
"#;
    let spec = parse(text);
    let expected = [
        "api.yaml: /servers/0: server URL `https://{tenant}.example.com` uses variable `tenant`, which `variables` does not define; skipped",
        "api.yaml: /paths/users~1{id}: the path does not start with `/`; skipped",
        "api.yaml: /paths/~1users~1{id: the template segment `{id` has a `{` without a closing `}`; skipped",
        "api.yaml: /paths/~1a~1{x}~1b~1{x}: path parameter `x` appears twice in the template; skipped",
        "api.yaml: /paths/~1items~1{itemId}/GET: unknown field `GET` ignored (HTTP methods are written in lower case)",
        "api.yaml: /paths/~1items~1{itemId}/get: path parameter `itemId` is in the template but not declared in `parameters`; it is matched anyway",
        "api.yaml: /paths/~1items~1{itemId}/get: path parameter `id` is declared but not in the template; ignored",
        "api.yaml: /paths/~1remote: the path item is a reference to `common.yaml#/paths/~1remote`, which is not followed (apiwarden reads one document); the template is kept without its methods",
        "api.yaml: /paths/~1broken: `$ref` `#/components/pathItems/Missing` does not resolve",
        "api.yaml: /paths/~1search?q={q}: the path contains a query or fragment, which OpenAPI does not allow; it is ignored",
        "api.yaml: /paths/~1empty: the path item declares no operations; the template is kept for matching",
        "api.yaml: /paths/~1scalar: the path item is a number, not an object; skipped",
        "api.yaml: /paths/~1orders~1{orderId}/put: the operation is a number, not an object; skipped",
        "api.yaml: /paths/~1orders~1{orderId}: the template is equivalent to `/orders/{id}`",
    ];
    for needle in expected {
        assert!(
            has_warning(&spec, needle),
            "missing warning:\n  {needle}\nwarnings:\n  {}",
            spec.warnings.join("\n  ")
        );
    }
    assert_eq!(spec.warnings.len(), expected.len(), "{:#?}", spec.warnings);

    // What was kept still matches; skipped templates do not.
    let template = |path: &str| matched(&spec, "api.example.com", path).map(|(t, _)| t);
    assert_eq!(template("/v1/items/3").as_deref(), Some("/v1/items/{itemId}"));
    assert_eq!(template("/v1/remote").as_deref(), Some("/v1/remote"));
    assert_eq!(template("/v1/search").as_deref(), Some("/v1/search"));
    assert_eq!(template("/v1/a/1/b/2"), None);
    let remote = spec.templates().iter().find(|t| t.template == "/remote").unwrap();
    assert!(remote.methods.is_empty());
}

#[test]
fn a_document_without_paths_warns_instead_of_importing_nothing_silently() {
    let spec = parse(r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "webhooks": {}}"#);
    assert!(spec.is_empty());
    assert_eq!(spec.warnings, ["api.yaml: the document has no `paths`; it declares no templates"]);
    let spec = parse("openapi: 3.0.0\npaths: {}\n");
    assert_eq!(spec.warnings, ["api.yaml: /paths: `paths` is empty; the document declares no templates"]);
}

#[test]
fn warnings_are_capped() {
    let mut paths = serde_json::Map::new();
    for i in 0..1500 {
        paths.insert(format!("p{i}"), json!({}));
    }
    let spec = parse(&json!({"openapi": "3.0.0", "paths": paths}).to_string());
    assert_eq!(spec.warnings.len(), apiwarden_core::openapi::MAX_WARNINGS + 1);
    assert_eq!(spec.warnings.last().unwrap(), "api.yaml: 500 more warnings were not listed");
}

/// A "billion laughs" document: nine levels of nine aliases each (387 million leaves).
fn alias_bomb(at: &str) -> String {
    let mut text =
        String::from("openapi: 3.0.0\nx-defs:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let p = level - 1;
        text.push_str(&format!(
            "  l{level}: &l{level} [*l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}]\n"
        ));
    }
    text.push_str(&format!("paths:\n  /a:\n    {at}\n"));
    text
}

#[test]
fn alias_bombs_are_refused_or_never_expanded() {
    // Inside a part the importer reads: refused once the expansion budget is spent.
    let message = error(&alias_bomb("servers: *l9"));
    assert!(message.starts_with("api.yaml: the document expands to more than"), "{message}");
    // In a part the importer skips (schemas, examples): never expanded.
    let spec =
        parse(&alias_bomb("get: {responses: {'200': {description: ok, content: {a/b: {example: *l9}}}}}"));
    assert_eq!(spec.templates().len(), 1);
    // A wide bomb: one large anchor referenced many times from a kept part.
    let mut text = String::from("openapi: 3.0.0\nx-big: &big [");
    text.push_str(&vec!["{name: n, in: query}"; 20_000].join(", "));
    text.push_str("]\npaths:\n");
    for i in 0..200 {
        text.push_str(&format!("  /p{i}:\n    parameters: *big\n"));
    }
    let message = error(&text);
    assert!(message.contains("expands to more than"), "{message}");
}

#[test]
fn hosts_in_servers_restrict_matching() {
    let doc = json!({"openapi": "3.0.0", "servers": [{"url": "https://a.example.com"}, {"url": "http://b.example.com:8080/"}],
        "paths": {"/x": {"get": {}}}});
    let spec = parse(&doc.to_string());
    assert!(spec.match_path("a.example.com", "/x").is_some());
    assert!(spec.match_path("A.Example.Com.", "/x").is_some());
    assert!(spec.match_path("b.example.com:8080", "/x").is_some());
    assert!(spec.match_path("b.example.com", "/x").is_none());
    assert!(spec.match_path("c.example.com", "/x").is_none());
    let template = &spec.templates()[0];
    assert_eq!(template.hosts().collect::<Vec<_>>(), ["a.example.com", "b.example.com:8080"]);
}

#[test]
fn json_with_trailing_garbage_and_yaml_flow_style() {
    let message = error("{\"openapi\": \"3.0.0\"} x");
    assert!(message.starts_with("api.yaml: invalid JSON at line 1"), "{message}");
    let spec = parse("{openapi: 3.0.0, paths: {/a: {get: {}}}}");
    assert_eq!(spec.templates().len(), 1);
}

// ---------------------------------------------------------------------------------------
// Properties

#[derive(Clone, Debug)]
enum Seg {
    Static(String),
    Param(String),
}

fn segment() -> impl Strategy<Value = Seg> {
    prop_oneof![
        "[a-z0-9_~-][a-z0-9._~-]{0,7}"
            .prop_filter("not a dot segment", |s| s != "." && s != "..")
            .prop_map(Seg::Static),
        "[a-z][a-zA-Z0-9_]{0,5}".prop_map(Seg::Param),
    ]
}

fn template_segments() -> impl Strategy<Value = Vec<Seg>> {
    prop::collection::vec(segment(), 0..7).prop_map(|segments| {
        // Parameter names must be unique within a template.
        let mut used = std::collections::HashSet::new();
        segments
            .into_iter()
            .enumerate()
            .map(|(i, seg)| match seg {
                Seg::Param(name) if !used.insert(name.clone()) => {
                    let name = format!("{name}{i}");
                    used.insert(name.clone());
                    Seg::Param(name)
                }
                other => other,
            })
            .collect()
    })
}

fn render(segments: &[Seg]) -> String {
    if segments.is_empty() {
        return "/".to_owned();
    }
    segments
        .iter()
        .map(|s| match s {
            Seg::Static(text) => format!("/{text}"),
            Seg::Param(name) => format!("/{{{name}}}"),
        })
        .collect()
}

fn spec_of(templates: &[String]) -> SpecTemplates {
    let paths: serde_json::Map<String, Value> = templates
        .iter()
        .map(|t| (t.clone(), json!({"get": {"responses": {"200": {"description": "ok"}}}})))
        .collect();
    parse(&json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}).to_string())
}

/// Percent-encodes everything but unreserved characters.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A concrete path built from a template matches it, with the values it was built from.
    #[test]
    fn concrete_paths_match_their_template(
        segments in template_segments(),
        values in prop::collection::vec("\\PC{1,12}", 7),
    ) {
        let template = render(&segments);
        let spec = spec_of(std::slice::from_ref(&template));
        let mut path = String::new();
        let mut expected = Vec::new();
        for (seg, value) in segments.iter().zip(&values) {
            match seg {
                Seg::Static(text) => path.push_str(&format!("/{text}")),
                Seg::Param(name) => {
                    path.push_str(&format!("/{}", encode(value)));
                    expected.push((name.clone(), value.clone()));
                }
            }
        }
        if path.is_empty() {
            path.push('/');
        }
        let found = matched(&spec, "any.example.com", &path);
        prop_assert_eq!(found, Some((template, expected)));
    }

    /// Among many templates, the match fits the path and is at least as specific as the
    /// template the path was generated from.
    #[test]
    fn the_most_specific_template_wins(
        all in prop::collection::vec(template_segments(), 1..12),
        pick in any::<prop::sample::Index>(),
        values in prop::collection::vec("[a-z0-9]{1,6}", 7),
    ) {
        let templates: Vec<String> = all.iter().map(|s| render(s)).collect();
        let spec = spec_of(&templates);
        let chosen = pick.get(&all);
        let concrete: Vec<String> = chosen
            .iter()
            .zip(&values)
            .map(|(seg, value)| match seg {
                Seg::Static(text) => text.clone(),
                Seg::Param(_) => value.clone(),
            })
            .collect();
        let path = format!("/{}", concrete.join("/"));
        let found = spec.match_path("h", &path);
        prop_assert!(found.is_some(), "{} did not match any of {:?}", path, templates);
        let found = found.unwrap().template.to_owned();
        let winner = all.iter().find(|s| render(s) == found).unwrap();
        prop_assert_eq!(winner.len(), concrete.len());
        for (seg, part) in winner.iter().zip(&concrete) {
            if let Seg::Static(text) = seg {
                prop_assert_eq!(text, part);
            }
        }
        let statics = |s: &[Seg]| s.iter().filter(|x| matches!(x, Seg::Static(_))).count();
        prop_assert!(statics(winner) >= statics(chosen));
    }

    /// Arbitrary text never panics the importer, and every message names the document.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        match parse_spec(&text, "fuzz.yaml") {
            Ok(spec) => prop_assert!(spec.warnings.iter().all(|w| w.starts_with("fuzz.yaml: "))),
            Err(error) => prop_assert!(error.to_string().starts_with("fuzz.yaml: ")),
        }
    }
}

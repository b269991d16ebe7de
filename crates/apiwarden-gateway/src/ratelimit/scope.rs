//! Which requests a policy applies to: routes, methods and endpoint templates.
//!
//! Paths are compared leniently on purpose, so that a client cannot step around a policy by
//! spelling a path differently from the template while the upstream still serves it: empty
//! and `.` segments are ignored, `..` removes the segment before it, percent-escapes are
//! decoded and letters compare case-insensitively. `/LOGIN`, `//login/`, `/api/../login`
//! and `/%6Cogin` all match the template `/login`.

use http::Method;

/// The scope of one policy; an empty list matches everything.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scope {
    pub routes: Vec<String>,
    pub methods: Vec<Method>,
    pub endpoints: Vec<Endpoint>,
}

impl Scope {
    /// True when every non-empty part of the scope matches. `segments` is the request
    /// path from [`path_segments`] (only needed when the scope has endpoints).
    pub(crate) fn matches(&self, route: &str, method: &Method, segments: &[&str]) -> bool {
        (self.routes.is_empty() || self.routes.iter().any(|name| name == route))
            && (self.methods.is_empty() || self.methods.iter().any(|m| same_method(m, method)))
            && (self.endpoints.is_empty() || self.endpoints.iter().any(|e| e.matches(method, segments)))
    }
}

fn same_method(configured: &Method, requested: &Method) -> bool {
    configured.as_str().eq_ignore_ascii_case(requested.as_str())
}

/// Parses a configured method name (`post` is read as `POST`).
pub(crate) fn parse_method(text: &str) -> Result<Method, String> {
    Method::from_bytes(text.trim().to_ascii_uppercase().as_bytes())
        .map_err(|_| format!("\"{text}\" is not an HTTP method"))
}

/// `[METHOD] /path/{param}/...[/*]`.
#[derive(Clone, Debug)]
pub(crate) struct Endpoint {
    method: Option<Method>,
    segments: Vec<Segment>,
    /// A trailing `/*`: any further segments (or none) match.
    rest: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    /// Decoded, compared case-insensitively.
    Literal(Vec<u8>),
    /// `{name}`: exactly one non-empty segment.
    Param,
}

impl Endpoint {
    pub(crate) fn parse(text: &str) -> Result<Endpoint, String> {
        let text = text.trim();
        let (method, path) = match text.split_once(char::is_whitespace) {
            Some((method, path)) => (Some(parse_method(method)?), path.trim()),
            None => (None, text),
        };
        if !path.starts_with('/') {
            return Err(format!(
                "endpoint \"{text}\" must be a path starting with '/', optionally after a method"
            ));
        }
        if path.contains(['?', '#']) || path.contains(char::is_whitespace) {
            return Err(format!("endpoint \"{text}\" must be a path alone, without query or spaces"));
        }
        let mut segments = Vec::new();
        let mut rest = false;
        for raw in path.split('/').filter(|raw| !raw.is_empty()) {
            if rest {
                return Err(format!(
                    "endpoint \"{text}\" has '*' before its end; '*' may only be the last segment"
                ));
            }
            match parse_segment(raw) {
                Ok(Some(segment)) => segments.push(segment),
                Ok(None) => rest = true,
                Err(problem) => return Err(format!("endpoint \"{text}\": {problem}")),
            }
        }
        Ok(Endpoint { method, segments, rest })
    }

    fn matches(&self, method: &Method, path: &[&str]) -> bool {
        if let Some(expected) = &self.method
            && !same_method(expected, method)
        {
            return false;
        }
        let length_fits =
            if self.rest { path.len() >= self.segments.len() } else { path.len() == self.segments.len() };
        length_fits
            && self.segments.iter().zip(path).all(|(segment, raw)| match segment {
                Segment::Literal(literal) => decoded_eq_ignore_case(raw, literal),
                Segment::Param => true,
            })
    }
}

/// `Ok(None)` for the `*` wildcard.
fn parse_segment(raw: &str) -> Result<Option<Segment>, String> {
    if raw == "*" {
        return Ok(None);
    }
    if let Some(name) = raw.strip_prefix('{').and_then(|inner| inner.strip_suffix('}')) {
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(format!("parameter \"{raw}\" needs a name of letters, digits or '_'"));
        }
        return Ok(Some(Segment::Param));
    }
    if raw.contains(['{', '}', '*']) {
        return Err(format!(
            "segment \"{raw}\" mixes text with '{{', '}}' or '*'; a parameter or '*' is a whole segment"
        ));
    }
    if raw == "." || raw == ".." {
        return Err(format!("segment \"{raw}\" is not allowed"));
    }
    Ok(Some(Segment::Literal(PercentDecoded::new(raw).map(|b| b.to_ascii_lowercase()).collect())))
}

/// The request path's segments as an upstream would most likely resolve them: without the
/// query, without empty or `.` segments, with `..` applied.
pub(crate) fn path_segments(path: &str) -> Vec<&str> {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let mut segments = Vec::new();
    for raw in path.split('/') {
        if raw.is_empty() || decoded_eq_ignore_case(raw, b".") {
            continue;
        }
        if decoded_eq_ignore_case(raw, b"..") {
            segments.pop();
            continue;
        }
        segments.push(raw);
    }
    segments
}

/// Compares a raw path segment, percent-decoded, with lowercase bytes.
fn decoded_eq_ignore_case(raw: &str, lowercase: &[u8]) -> bool {
    let mut decoded = PercentDecoded::new(raw);
    lowercase.iter().all(|expected| decoded.next().is_some_and(|b| b.to_ascii_lowercase() == *expected))
        && decoded.next().is_none()
}

/// Bytes of a segment with `%XX` escapes decoded; a `%` not followed by two hex digits
/// stands for itself.
struct PercentDecoded<'a> {
    rest: &'a [u8],
}

impl<'a> PercentDecoded<'a> {
    fn new(raw: &'a str) -> PercentDecoded<'a> {
        PercentDecoded { rest: raw.as_bytes() }
    }
}

impl Iterator for PercentDecoded<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        let (&first, after) = self.rest.split_first()?;
        if first == b'%'
            && let [high, low, tail @ ..] = after
            && let (Some(high), Some(low)) = (hex_value(*high), hex_value(*low))
        {
            self.rest = tail;
            return Some(high << 4 | low);
        }
        self.rest = after;
        Some(first)
    }
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).and_then(|value| u8::try_from(value).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(template: &str, method: &str, path: &str) -> bool {
        let endpoint = Endpoint::parse(template).unwrap();
        endpoint.matches(&Method::from_bytes(method.as_bytes()).unwrap(), &path_segments(path))
    }

    #[test]
    fn templates_match_literal_and_parameter_segments() {
        let orders = "POST /users/{id}/orders";
        assert!(matches(orders, "POST", "/users/42/orders"));
        assert!(matches(orders, "post", "/users/42/orders"));
        assert!(!matches(orders, "GET", "/users/42/orders"));
        assert!(!matches(orders, "POST", "/users/orders"));
        assert!(!matches(orders, "POST", "/users/42/7/orders"));
        assert!(!matches(orders, "POST", "/users/42/orders/1"));
        assert!(matches("/login", "GET", "/login?next=/"));
        assert!(matches("/", "GET", "/"));
        assert!(!matches("/", "GET", "/x"));
    }

    #[test]
    fn paths_cannot_step_around_a_template() {
        for path in ["/LOGIN", "//login/", "/api/../login", "/./login", "/%6Cogin", "/a/%2e%2E/login"] {
            assert!(matches("/login", "POST", path), "{path}");
        }
        assert!(!matches("/login", "POST", "/login2"));
        assert!(!matches("/login", "POST", "/log%in"));
    }

    #[test]
    fn a_trailing_star_matches_the_rest() {
        assert!(matches("/admin/*", "GET", "/admin"));
        assert!(matches("/admin/*", "GET", "/admin/"));
        assert!(matches("/admin/*", "GET", "/admin/users/1"));
        assert!(!matches("/admin/*", "GET", "/administrator"));
        assert!(matches("/*", "GET", "/anything/at/all"));
    }

    #[test]
    fn bad_templates_are_refused() {
        let error = |text| Endpoint::parse(text).unwrap_err();
        assert!(error("users").contains("must be a path starting with '/'"));
        assert!(error("G@T /x").contains("is not an HTTP method"));
        assert!(error("/users/{}").contains("needs a name"));
        assert!(error("/users/{id").contains("mixes text"));
        assert!(error("/users/id}.json").contains("mixes text"));
        assert!(error("/files/*/x").contains("may only be the last segment"));
        assert!(error("/x?y=1").contains("without query"));
        assert!(error("/a/../b").contains("is not allowed"));
    }

    #[test]
    fn scopes_need_every_given_part_to_match() {
        let scope = Scope {
            routes: vec!["api".into()],
            methods: vec![Method::POST],
            endpoints: vec![Endpoint::parse("/login").unwrap()],
        };
        let login = path_segments("/login");
        assert!(scope.matches("api", &Method::POST, &login));
        assert!(!scope.matches("web", &Method::POST, &login));
        assert!(!scope.matches("api", &Method::GET, &login));
        assert!(!scope.matches("api", &Method::POST, &path_segments("/logout")));
        assert!(Scope::default().matches("any", &Method::DELETE, &[]));
    }
}

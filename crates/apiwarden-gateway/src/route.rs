//! Routing: which upstream serves a request, chosen by host and path prefix.

use http::uri::{Authority, Scheme};

use crate::config::{GatewayConfig, Mode, RouteConfig, UpstreamProtocol};

/// Where a route sends its calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upstream {
    pub scheme: Scheme,
    pub authority: Authority,
    /// Prepended to the forwarded path; empty or `/something` without a trailing slash.
    pub base_path: String,
}

impl Upstream {
    /// Parses `http://host:port[/base]` or `https://...`.
    pub fn parse(text: &str) -> Result<Upstream, String> {
        let uri: http::Uri = text.parse().map_err(|err| format!("'{text}' is not a URL: {err}"))?;
        let scheme = match uri.scheme_str() {
            Some("http") => Scheme::HTTP,
            Some("https") => Scheme::HTTPS,
            Some(other) => return Err(format!("'{text}': scheme '{other}' is not http or https")),
            None => return Err(format!("'{text}' needs a scheme, e.g. http://{text}")),
        };
        let authority = uri.authority().cloned().ok_or_else(|| format!("'{text}' has no host"))?;
        if authority.as_str().contains('@') {
            return Err(format!("'{text}': credentials in the upstream URL are not supported"));
        }
        if uri.query().is_some() {
            return Err(format!("'{text}': an upstream URL cannot have a query"));
        }
        let base_path = uri.path().trim_end_matches('/').to_owned();
        Ok(Upstream { scheme, authority, base_path })
    }
}

/// One configured route, ready to match.
#[derive(Debug)]
pub struct Route {
    pub index: usize,
    pub name: String,
    host: HostMatch,
    prefix: String,
    pub strip_prefix: bool,
    pub upstream: Upstream,
    pub protocol: UpstreamProtocol,
    pub preserve_host: bool,
    pub mode: Mode,
}

#[derive(Debug, PartialEq, Eq)]
enum HostMatch {
    Any,
    Exact(String),
    /// `*.example.com` is stored as `.example.com`.
    Suffix(String),
}

impl HostMatch {
    fn matches(&self, host: &str) -> bool {
        match self {
            HostMatch::Any => true,
            HostMatch::Exact(name) => host.eq_ignore_ascii_case(name),
            HostMatch::Suffix(suffix) => {
                host.len() > suffix.len()
                    && host
                        .get(host.len() - suffix.len()..)
                        .is_some_and(|end| end.eq_ignore_ascii_case(suffix))
            }
        }
    }
}

impl Route {
    fn new(index: usize, name: String, config: &RouteConfig, default_mode: Mode) -> Result<Route, String> {
        let host = match config.host.as_deref() {
            None => HostMatch::Any,
            Some(pattern) => match pattern.strip_prefix('*') {
                Some(suffix) => HostMatch::Suffix(suffix.to_ascii_lowercase()),
                None => HostMatch::Exact(pattern.to_ascii_lowercase()),
            },
        };
        Ok(Route {
            index,
            name,
            host,
            prefix: config.path_prefix.trim_end_matches('/').to_owned(),
            strip_prefix: config.strip_prefix,
            upstream: Upstream::parse(&config.upstream)?,
            protocol: config.upstream_protocol,
            preserve_host: config.preserve_host,
            mode: config.mode.unwrap_or(default_mode),
        })
    }

    /// True when `path` is the prefix or below it, on a segment boundary.
    fn matches_path(&self, path: &str) -> bool {
        match path.strip_prefix(self.prefix.as_str()) {
            Some(rest) => rest.is_empty() || rest.starts_with('/') || self.prefix.is_empty(),
            None => false,
        }
    }

    /// True when the upstream path differs from the client's (prefix stripped or a base
    /// path added).
    pub fn rewrites_path(&self) -> bool {
        self.strip_prefix || !self.upstream.base_path.is_empty()
    }

    /// The path (and query) to send upstream.
    pub fn upstream_path_and_query(&self, path: &str, query: Option<&str>) -> String {
        let mut path = if self.strip_prefix { path.get(self.prefix.len()..).unwrap_or(path) } else { path };
        if path.is_empty() {
            path = "/";
        }
        let mut out =
            String::with_capacity(self.upstream.base_path.len() + path.len() + 1 + query.map_or(0, str::len));
        out.push_str(&self.upstream.base_path);
        out.push_str(path);
        if let Some(query) = query {
            out.push('?');
            out.push_str(query);
        }
        out
    }
}

/// All routes; a request goes to the matching route with a host pattern before one
/// without, then to the longest prefix, then to the first configured.
#[derive(Debug)]
pub struct RouteTable {
    routes: Vec<Route>,
}

impl RouteTable {
    pub fn new(config: &GatewayConfig) -> Result<RouteTable, String> {
        let mut routes = Vec::with_capacity(config.routes.len());
        for (index, route) in config.routes.iter().enumerate() {
            routes.push(Route::new(index, config.route_name(index), route, config.mode)?);
        }
        // Most specific first; the sort is stable, so configuration order breaks ties.
        routes.sort_by_key(|route| (route.host == HostMatch::Any, std::cmp::Reverse(route.prefix.len())));
        Ok(RouteTable { routes })
    }

    pub fn find(&self, host: &str, path: &str) -> Option<&Route> {
        self.routes.iter().find(|route| route.host.matches(host) && route.matches_path(path))
    }

    pub fn routes(&self) -> impl Iterator<Item = &Route> {
        self.routes.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(routes: &[(&str, Option<&str>, &str)]) -> RouteTable {
        let mut config = GatewayConfig::default();
        for (name, host, prefix) in routes {
            let mut route =
                GatewayConfig::single_upstream(config.listen, "http://127.0.0.1:1/base/").routes.remove(0);
            route.name = Some((*name).to_owned());
            route.host = host.map(str::to_owned);
            route.path_prefix = (*prefix).to_owned();
            config.routes.push(route);
        }
        RouteTable::new(&config).unwrap()
    }

    #[test]
    fn host_then_longest_prefix_wins_on_segment_boundaries() {
        let table = table(&[
            ("all", None, "/"),
            ("api", None, "/api"),
            ("admin", Some("admin.example.com"), "/"),
            ("tenants", Some("*.example.com"), "/api/v2"),
        ]);
        let name = |host, path| table.find(host, path).map(|r| r.name.as_str());
        assert_eq!(name("x.org", "/api/users"), Some("api"));
        assert_eq!(name("x.org", "/api"), Some("api"));
        assert_eq!(name("x.org", "/apix"), Some("all"));
        assert_eq!(name("Admin.Example.com", "/api"), Some("admin"));
        assert_eq!(name("a.example.com", "/api/v2/x"), Some("tenants"));
        assert_eq!(name("example.com", "/api/v2/x"), Some("api"));
    }

    #[test]
    fn upstream_paths_keep_the_base_and_optionally_strip_the_prefix() {
        let mut table = table(&[("api", None, "/api")]);
        assert_eq!(table.routes[0].upstream_path_and_query("/api/x", Some("a=1")), "/base/api/x?a=1");
        table.routes[0].strip_prefix = true;
        assert_eq!(table.routes[0].upstream_path_and_query("/api/x", None), "/base/x");
        assert_eq!(table.routes[0].upstream_path_and_query("/api", None), "/base/");
    }

    #[test]
    fn upstream_urls_are_checked() {
        assert!(Upstream::parse("http://127.0.0.1:3000").is_ok());
        assert_eq!(Upstream::parse("https://svc:8443/v1/").unwrap().base_path, "/v1");
        assert!(Upstream::parse("ftp://x").unwrap_err().contains("not http or https"));
        assert!(Upstream::parse("127.0.0.1:3000").is_err());
        assert!(Upstream::parse("http://u:p@host").unwrap_err().contains("credentials"));
    }
}

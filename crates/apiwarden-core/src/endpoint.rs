//! The materialised inventory entry: what the store lists, the CLI prints and the OpenAPI
//! exporter writes. It is computed from the mergeable aggregates in [`crate::discovery`];
//! nothing writes to it field by field.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::field::Location;
use crate::model::CallId;

/// Identity of an endpoint: host, method and path template.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EndpointKey {
    pub host: String,
    pub method: String,
    /// `/users/{userId}/orders/{orderId}`; later protocols add their own forms
    /// (`/graphql#query GetUser`, `/ws/OrderService#CreateOrder`).
    pub template: String,
}

impl fmt::Display for EndpointKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}{}", self.method, self.host, self.template)
    }
}

/// One parameter of an endpoint, in any location.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    pub name: String,
    pub location: Location,
    /// Present in every call of the endpoint (always true for path parameters).
    pub required: bool,
    /// JSON Schema of the values seen.
    pub schema: serde_json::Value,
    /// Calls that carried it.
    pub count: u64,
}

/// A body schema for one media type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BodySchema {
    pub media_type: String,
    /// JSON Schema inferred from the bodies seen; `{}` when the body could not be decoded.
    pub schema: serde_json::Value,
    pub count: u64,
}

/// Responses seen with one status code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResponseSummary {
    pub status: u16,
    pub count: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bodies: Vec<BodySchema>,
}

/// How a call authenticated, as far as its headers, query and cookies show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthKind {
    None,
    Basic,
    /// `Authorization: Bearer` with an opaque token.
    Bearer,
    /// `Authorization: Bearer` with a JSON Web Token.
    BearerJwt,
    ApiKeyHeader,
    ApiKeyQuery,
    SessionCookie,
}

impl AuthKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthKind::None => "none",
            AuthKind::Basic => "basic",
            AuthKind::Bearer => "bearer",
            AuthKind::BearerJwt => "bearer-jwt",
            AuthKind::ApiKeyHeader => "api-key-header",
            AuthKind::ApiKeyQuery => "api-key-query",
            AuthKind::SessionCookie => "session-cookie",
        }
    }
}

/// One authentication scheme seen on an endpoint.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AuthSeen {
    pub kind: AuthKind,
    /// Header, query parameter or cookie name for key and cookie schemes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub count: u64,
}

/// Latency percentiles in milliseconds, from a mergeable histogram (about 2% relative error).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencySummary {
    pub samples: u64,
    pub p50_ms: Option<f64>,
    pub p90_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub max_ms: Option<f64>,
}

/// A recorded example call, kept small. Values of secret-looking parameters and body
/// fields are masked before an example is kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExampleCall {
    pub call_id: CallId,
    pub started_at_us: i64,
    /// Concrete path and query as called.
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
}

/// Everything the inventory knows about one endpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Endpoint {
    pub key: EndpointKey,
    /// `http`/`https` schemes seen.
    pub schemes: Vec<String>,
    /// True when the template came from a user-supplied OpenAPI document.
    pub from_spec: bool,
    pub parameters: Vec<Parameter>,
    pub request_bodies: Vec<BodySchema>,
    pub responses: Vec<ResponseSummary>,
    pub auth: Vec<AuthSeen>,
    /// Calls seen, analysed or not.
    pub calls: u64,
    /// Set when only some calls were analysed (the gateway's adaptive analysis): the calls
    /// that every other count here (parameters, bodies, responses, latency, sensitive data)
    /// describes. `None`: all of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysed_calls: Option<u64>,
    pub first_seen_us: i64,
    pub last_seen_us: i64,
    pub latency: LatencySummary,
    pub examples: Vec<ExampleCall>,
    /// Sensitive data types seen in its calls, per field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensitive: Vec<crate::discovery::TagStats>,
    /// Posture checks its calls failed (turned into findings by the posture analyzer).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub posture: Vec<crate::discovery::PostureStats>,
}

impl Endpoint {
    /// The calls that the parameter, body and response counts describe.
    pub fn analysed(&self) -> u64 {
        self.analysed_calls.unwrap_or(self.calls)
    }

    pub fn parameters_in(&self, location: Location) -> impl Iterator<Item = &Parameter> {
        self.parameters.iter().filter(move |p| p.location == location)
    }

    /// Calls answered with a 4xx or 5xx status.
    pub fn error_calls(&self) -> u64 {
        self.responses.iter().filter(|r| r.status >= 400).map(|r| r.count).sum()
    }
}

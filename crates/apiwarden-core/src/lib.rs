//! The heart of apiwarden: one model of "an API call" and everything that can be computed
//! from calls without touching the outside world.
//!
//! * [`model`] — [`ApiCall`] and its parts, shared by every source (HAR files, JSON lines,
//!   the inline gateway, the message bus).
//! * [`field`] — the flat field list every analyzer works on.
//! * [`decode`] — content-type aware body decoders, registered by media type.
//! * [`discovery`] — endpoint templating (concrete paths to `/users/{userId}`) and the
//!   mergeable per-endpoint aggregates that make up the inventory.
//! * [`schema`] — mergeable JSON Schema inference from observed values.
//! * [`endpoint`] — the materialised inventory entry ([`Endpoint`]) that stores, CLIs and
//!   exporters read.
//! * [`finding`] — the one shape of every security finding.
//! * [`openapi`] — OpenAPI import (templates of a user's spec) and export.
//!
//! This crate does no I/O and does not depend on an async runtime: sources and stores live
//! in their own crates and hand it bytes and values.

pub mod analysis;
pub mod decode;
pub mod discovery;
pub mod endpoint;
pub mod field;
pub mod finding;
pub mod har;
pub mod inspect;
pub mod jsonl;
pub mod model;
pub mod openapi;
pub mod schema;

pub use endpoint::{Endpoint, EndpointKey};
pub use field::{Direction, Field, FieldValue, Location};
pub use finding::{Finding, OwaspApiCategory, Severity};
pub use model::{
    ApiCall, Body, CallId, ClientInfo, CountedCall, Header, HttpRequest, HttpResponse, Observed, SourceKind,
    Timings,
};

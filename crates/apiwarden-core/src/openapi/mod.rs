//! OpenAPI export (the inventory as an OpenAPI 3.1 document) and import (the path
//! templates of a user's spec, so that they win over discovered ones).
//!
//! * [`export`] builds one OpenAPI 3.1 document from [`Endpoint`](crate::Endpoint)s;
//!   [`to_yaml`] and [`to_json_pretty`] render it.
//! * [`parse_spec`] reads Swagger 2.0 and OpenAPI 3.0/3.1/3.2, JSON or YAML, into
//!   [`SpecTemplates`], which matches request paths to the spec's templates
//!   ([`SpecTemplates::match_path`]) and lists the spec's endpoints
//!   ([`SpecTemplates::spec_endpoints`]).
//!
//! User-facing documentation: `docs/openapi.md`.

mod export;
mod import;
mod load;
mod matcher;
mod template;
mod yaml;

pub use export::{ExportOptions, OPENAPI_VERSION, export};
pub use import::{
    MAX_SPEC_BYTES, MAX_SPEC_PATHS, MAX_WARNINGS, SpecError, SpecMatch, SpecServer, SpecTemplate,
    SpecTemplates, SpecVersion, parse_spec,
};

use serde_json::Value;

/// A document that could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("the document nests deeper than {limit} levels and cannot be written as YAML")]
    TooDeep { limit: usize },
    #[error("the document cannot be written as JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Renders a document as YAML that YAML 1.1 and 1.2 readers read the same way (strings
/// that could be read as booleans, numbers or dates are quoted).
pub fn to_yaml(document: &Value) -> Result<String, ExportError> {
    yaml::to_yaml(document).map_err(|yaml::TooDeep| ExportError::TooDeep { limit: yaml::MAX_DEPTH })
}

/// Renders a document as indented JSON with a final newline.
pub fn to_json_pretty(document: &Value) -> Result<String, ExportError> {
    let mut text = serde_json::to_string_pretty(document)?;
    text.push('\n');
    Ok(text)
}

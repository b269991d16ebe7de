//! Mergeable JSON Schema inference.

//! Endpoint discovery: from concrete calls to an inventory of endpoint templates.
//!
//! The state is a [`HostInventory`] per host: a map from a *normalised path*
//! ([`PathKey`], where unmistakable identifiers such as integers and UUIDs are already
//! replaced by typed placeholders) to per-method [`EndpointStats`]. Every part of that
//! state merges commutatively and associatively, so ingesting file B after file A gives
//! the same state as ingesting both at once, and stores can persist it as it is.
//!
//! Templates (`/users/{userId}`) are *computed* from that state by [`template`], which
//! decides which remaining literal segments are identifiers (by cardinality and by how
//! alike their subtrees are) and which are static; the [`Endpoint`](crate::Endpoint)s
//! the rest of the product reads are materialised from the templates.

pub mod inventory;
pub mod observe;
pub mod segment;
pub mod stats;
pub mod template;

pub use inventory::{HostInventory, InventoryState, PathKey, Seg};

pub use observe::{IgnoreReason, Observer, ObserverConfig, normalize_path};
pub use segment::SegKind;
pub use stats::{EndpointStats, PostureStats, TagStats};
pub use template::{TemplateOverride, Templated, host_endpoints, materialize, template_host};

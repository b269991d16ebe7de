//! The mergeable per-host discovery state.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::segment::SegKind;
use super::stats::EndpointStats;

/// One segment of a normalised path.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    /// A literal segment, percent-decoded. Templating may still turn it into a parameter.
    Lit(String),
    /// A segment whose value was an unmistakable identifier of this kind.
    Typed(SegKind),
}

/// A normalised path: `/users/{int}/orders/export` is `[Lit(users), Typed(Int), Lit(orders), Lit(export)]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PathKey(pub Vec<Seg>);

/// Everything discovery knows about one host.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HostInventory {
    pub host: String,
    /// Normalised path → method → stats.
    pub paths: BTreeMap<PathKey, BTreeMap<String, EndpointStats>>,
}

impl PathKey {
    /// `/users/{int}/orders/export`; literal `%`, `/`, `{` and `}` are percent-encoded so the
    /// text form round-trips.
    pub fn to_text(&self) -> String {
        if self.0.is_empty() {
            return "/".to_owned();
        }
        let mut out = String::new();
        for seg in &self.0 {
            out.push('/');
            match seg {
                Seg::Lit(lit) => {
                    for ch in lit.chars() {
                        match ch {
                            '%' => out.push_str("%25"),
                            '/' => out.push_str("%2F"),
                            '{' => out.push_str("%7B"),
                            '}' => out.push_str("%7D"),
                            _ => out.push(ch),
                        }
                    }
                }
                Seg::Typed(kind) => {
                    out.push('{');
                    out.push_str(kind.as_str());
                    out.push('}');
                }
            }
        }
        out
    }

    pub fn from_text(text: &str) -> Option<PathKey> {
        let rest = text.strip_prefix('/')?;
        if rest.is_empty() {
            return Some(PathKey(Vec::new()));
        }
        rest.split('/')
            .map(|part| match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(kind) => SegKind::from_str_opt(kind).map(Seg::Typed),
                None => Some(Seg::Lit(crate::decode::decode_path_segment(part))),
            })
            .collect::<Option<Vec<_>>>()
            .map(PathKey)
    }
}

impl Serialize for PathKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_text())
    }
}

impl<'de> Deserialize<'de> for PathKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        PathKey::from_text(&text).ok_or_else(|| serde::de::Error::custom(format!("invalid path key {text:?}")))
    }
}

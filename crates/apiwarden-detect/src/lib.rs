//! Attack detection on API requests.
//!
//! Every request value (path segments, query, headers, cookies, body fields) is normalised
//! (see [`normalize`]) and handed to one detector per attack class ([`detectors`]). A
//! detector looks at one value and says whether it carries an attack, with a stable rule
//! id and the span that proves it.

pub mod class;
pub mod detectors;
pub mod engine;
pub mod normalize;

pub use class::AttackClass;
pub use detectors::Match;
pub use engine::{Detection, Engine, Limits, Report};

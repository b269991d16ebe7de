//! Adaptive analysis: which captured calls are analysed in full, and which are only counted.
//!
//! Analysing a call in full (decoding its bodies, inferring schemas, classifying every field
//! for sensitive data, posture checks) costs more CPU than proxying it: about 25 µs for a
//! 1 KB JSON call against ~15 µs to proxy it (BENCHMARKS.md §6). After an endpoint's first
//! calls, the next ones mostly confirm what is known. So the first `first` captured calls of
//! each call shape are analysed, then one in `one_in`; the others are counted (endpoint,
//! call count, first and last seen), which is cheap on both the proxy and the analysis side.
//!
//! A call shape is the method, the host and the path with identifier-like segments folded
//! (`GET api.test /users/42/orders` and `/users/7/orders` share one), a cheap stand-in for the
//! endpoint template that the analysis infers later. Shapes are counted in a fixed table of
//! counters indexed by hash: memory stays bounded under any number of distinct paths, and
//! two shapes that share a counter only share their budget of fully analysed calls.

use std::sync::atomic::{AtomicU32, Ordering};

use http::Method;
use xxhash_rust::xxh3::Xxh3;

/// Counters in the shape table (16 K × 4 bytes).
const SHAPES: usize = 1 << 14;

/// A path segment longer than this is taken for an identifier (tokens, hashes, slugs).
const LONGEST_NAME: usize = 24;

pub struct AnalysisSampler {
    first: u32,
    one_in: u32,
    seen: Box<[AtomicU32]>,
}

impl AnalysisSampler {
    /// `one_in` of 0 or 1 analyses every call.
    pub fn new(first: u32, one_in: u32) -> AnalysisSampler {
        let table = if one_in <= 1 { 0 } else { SHAPES };
        AnalysisSampler { first, one_in, seen: (0..table).map(|_| AtomicU32::new(0)).collect() }
    }

    /// True when this call is to be analysed in full.
    pub fn analyse(&self, method: &Method, host: &str, path: &str) -> bool {
        let Some(counter) = self.seen.get(shape_hash(method, host, path) as usize % SHAPES) else {
            return true;
        };
        // Relaxed: the counts only steer sampling; a lost race analyses one call more or less.
        let seen = counter.fetch_add(1, Ordering::Relaxed);
        seen < self.first || (seen - self.first).is_multiple_of(self.one_in)
    }
}

fn shape_hash(method: &Method, host: &str, path: &str) -> u64 {
    let mut hasher = Xxh3::new();
    hasher.update(method.as_str().as_bytes());
    hasher.update(b" ");
    hasher.update(host.as_bytes());
    for segment in path.split('/').filter(|segment| !segment.is_empty()) {
        hasher.update(b"/");
        if looks_like_identifier(segment) {
            hasher.update(b"\0");
        } else {
            hasher.update(segment.as_bytes());
        }
    }
    hasher.digest()
}

fn looks_like_identifier(segment: &str) -> bool {
    segment.len() > LONGEST_NAME || segment.bytes().any(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analysed(sampler: &AnalysisSampler, method: &Method, path: &str, calls: usize) -> usize {
        (0..calls).filter(|_| sampler.analyse(method, "api.test", path)).count()
    }

    #[test]
    fn the_first_calls_of_a_shape_are_analysed_then_one_in_n() {
        let sampler = AnalysisSampler::new(100, 10);
        assert_eq!(analysed(&sampler, &Method::GET, "/api/items/42", 100), 100);
        assert_eq!(analysed(&sampler, &Method::GET, "/api/items/42", 1_000), 100);
        // Another item id is the same shape: it continues the same count.
        assert_eq!(analysed(&sampler, &Method::GET, "/api/items/77", 100), 10);
    }

    #[test]
    fn shapes_are_counted_apart() {
        let sampler = AnalysisSampler::new(5, 1_000);
        assert_eq!(analysed(&sampler, &Method::GET, "/api/items/1", 50), 6);
        assert_eq!(analysed(&sampler, &Method::POST, "/api/items/1", 50), 6, "another method");
        assert_eq!(analysed(&sampler, &Method::GET, "/api/orders/1", 50), 6, "another path");
        assert_eq!(analysed(&sampler, &Method::GET, "/api/items/1/reviews", 50), 6, "a sub-resource");
        assert!(sampler.analyse(&Method::GET, "other.test", "/api/items/1"), "another host");
    }

    #[test]
    fn identifiers_fold_and_names_do_not() {
        assert!(looks_like_identifier("42"));
        assert!(looks_like_identifier("ord_7f3a9c21"));
        assert!(looks_like_identifier("3fa85f64-5717-4562-b3fc-2c963f66afa6"));
        assert!(looks_like_identifier("aVeryLongOpaqueTokenWithoutDigitsAtAll"));
        assert!(!looks_like_identifier("orders"));
        assert!(!looks_like_identifier("password-reset"));
        assert_eq!(
            shape_hash(&Method::GET, "h", "/users/1/orders"),
            shape_hash(&Method::GET, "h", "//users/2/orders/")
        );
    }

    #[test]
    fn one_in_one_analyses_everything_without_a_table() {
        let sampler = AnalysisSampler::new(0, 1);
        assert_eq!(analysed(&sampler, &Method::GET, "/a", 1_000), 1_000);
        assert!(sampler.seen.is_empty());
    }
}

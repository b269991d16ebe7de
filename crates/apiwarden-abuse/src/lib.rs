//! Abuse detection across calls.

//! apiwarden's inline gateway: a streaming reverse proxy that sees every API call.
//!
//! ```text
//!  client ─▶ server (TLS, HTTP/1.1 + HTTP/2, limits) ─▶ proxy::serve
//!              route by host + path prefix ─▶ layers (rate limit, ...) ─▶ upstream pool
//!              response streamed back; bodies tapped ─▶ capture queue (bounded, try_send)
//!                                                        ─▶ analysis thread ─▶ store
//! ```
//!
//! Start at [`Gateway::bind`]; the call path is in `proxy.rs`, the checks in `layers.rs`.

pub mod body;
pub mod capture;
pub mod config;
pub mod detection;
pub mod headers;
pub mod io;
pub mod layers;
pub mod metrics;
pub mod problem;
pub mod proxy;
pub mod ratelimit;
pub mod route;
pub mod sampling;
pub mod server;
pub mod tls;

pub use config::{ConfigProblem, GatewayConfig, Mode};
pub use server::{Gateway, GatewayError, GatewayOptions, ShutdownHandle};

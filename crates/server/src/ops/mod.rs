//! Operations: liveness, readiness and Prometheus metrics.

/// `/healthz` and `/readyz`.
mod health;
/// Removing expired sessions, attempts and reset links.
pub mod housekeeping;
/// Request counts and latencies, exported at `/metrics`.
pub mod metrics;

use axum::{http::Method, routing::get};

use crate::access::{Access, Route};

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::GET,
            "/healthz",
            Access::Public,
            get(health::healthz),
        ),
        Route::new(Method::GET, "/readyz", Access::Public, get(health::readyz)),
        Route::new(
            Method::GET,
            "/metrics",
            Access::Public,
            get(metrics::export),
        ),
    ]
}

//! The engine's integration tests, one binary: property tests of the counting
//! rules and conformance with real pabulib elections.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot proceed should fail loudly, right there"
)]

mod budgeting_properties;
mod pabulib_conformance;
mod pabulib_format;

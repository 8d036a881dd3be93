//! Place: the postcode directory an operator imports, and turning a
//! postcode into coordinates and the statistical areas it lies in. The asset
//! map's radius search, matching by distance and survey breakdowns by area
//! all start here.

/// The JSON API for postcode look-ups.
pub(crate) mod api;
/// Reading NRS and ONS postcode directory files.
pub mod import;
/// The Scottish Index of Multiple Deprivation by data zone.
pub mod simd;
/// Storage of the postcode directory.
pub mod store;

use axum::{http::Method, routing::get};

use crate::access::{Access, Route};

pub fn routes() -> Vec<Route> {
    vec![Route::new(
        Method::GET,
        "/api/v1/postcodes/{postcode}",
        Access::ApiToken,
        get(api::lookup),
    )]
}

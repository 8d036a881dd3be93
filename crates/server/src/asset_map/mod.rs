//! The community asset map ("Map it"): services, places and groups with
//! where and when they run, shaped on Open Referral HSDS 3.0, with its
//! public HSDS read API and faithful JSON import and export.

/// Listings and reports in coprod's own API, for organisations' systems.
pub mod api_v1;
/// Organisations asking to keep an unclaimed listing; admins decide.
pub mod claims;
/// Reading HSDS tabular data packages (folders of CSV files).
pub mod datapackage;
/// The demo partnership's services, as HSDS documents.
pub mod demo_data;
/// The HSDS read API under `/api/hsds/`.
pub mod hsds_api;
/// HSDS answers kept in memory until the directory changes.
pub mod hsds_cache;
/// How the HSDS read API is described in the OpenAPI document.
pub mod hsds_doc;
/// Importing and exporting HSDS documents.
pub mod interchange;
/// The listing form, and turning it into an HSDS document and back.
mod listing_form;
/// Keeping listings up to date: the coordinators' pages.
pub mod listings;
/// The public search and service pages.
pub mod pages;
/// Problems the public reports with a listing, and their resolution.
pub mod reports;
/// Finding services by words, category, place, time and need.
pub mod search;
/// Storage of documents and their search projection.
pub mod store;

use axum::{http::Method, routing::get};

use crate::access::{Access, Route};

pub fn routes() -> Vec<Route> {
    let mut routes = hsds_routes();
    routes.extend(pages::routes());
    routes.extend(listings::routes());
    routes.extend(claims::routes());
    routes.extend(reports::routes());
    routes.extend(api_v1_routes());
    routes
}

fn api_v1_routes() -> Vec<Route> {
    use axum::routing::{post, put};
    vec![
        Route::new(
            Method::POST,
            "/api/v1/services",
            Access::ApiToken,
            post(api_v1::create),
        ),
        Route::new(
            Method::PUT,
            "/api/v1/services/{id}",
            Access::ApiToken,
            put(api_v1::replace),
        ),
        Route::new(
            Method::GET,
            "/api/v1/reports",
            Access::ApiToken,
            get(api_v1::reports),
        ),
        Route::new(
            Method::POST,
            "/api/v1/reports/{id}/resolve",
            Access::ApiToken,
            post(api_v1::resolve),
        ),
    ]
}

fn hsds_routes() -> Vec<Route> {
    let public = |path, handler| Route::new(Method::GET, path, Access::Public, handler);
    vec![
        public("/api/hsds/", get(hsds_api::root)),
        public("/api/hsds/services", get(hsds_api::services)),
        public("/api/hsds/services/{id}", get(hsds_api::service)),
        public(
            "/api/hsds/service_at_locations",
            get(hsds_api::service_at_locations),
        ),
        public("/api/hsds/organizations", get(hsds_api::organizations)),
        public("/api/hsds/organizations/{id}", get(hsds_api::organization)),
        public("/api/hsds/taxonomies", get(hsds_api::taxonomies)),
        public("/api/hsds/taxonomies/{id}", get(hsds_api::taxonomy)),
        public("/api/hsds/taxonomy_terms", get(hsds_api::taxonomy_terms)),
        public(
            "/api/hsds/taxonomy_terms/{id}",
            get(hsds_api::taxonomy_term),
        ),
    ]
}

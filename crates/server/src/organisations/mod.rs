//! The organisations of the partnership, in its localities, across the
//! public, third and independent sectors.

/// Administrators' pages to list, add and edit organisations.
mod pages;
/// Storage of organisations and localities.
pub mod store;

use axum::{
    http::Method,
    routing::{get, post},
};

use crate::access::{self, Route};

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::GET,
            "/admin/organisations",
            access::ADMIN,
            get(pages::list),
        ),
        Route::new(
            Method::POST,
            "/admin/organisations",
            access::ADMIN,
            post(pages::create),
        ),
        Route::new(
            Method::GET,
            "/admin/organisations/{id}",
            access::ADMIN,
            get(pages::show),
        ),
        Route::new(
            Method::POST,
            "/admin/organisations/{id}",
            access::ADMIN,
            post(pages::update),
        ),
    ]
}

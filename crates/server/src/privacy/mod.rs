//! People's rights over what is held about them (UK GDPR): the consent
//! register and withdrawing consent, subject access (the whole record as
//! one JSON document, or a readable page), erasure that removes a person's
//! identifying data while keeping what others rely on, and retention
//! periods that housekeeping applies. The command line's `coprod people
//! export` and `coprod people erase` use the same functions as the pages.

/// The consent register and what withdrawing does.
pub mod consent;
/// Erasure: identifying data removed, what others rely on kept.
pub mod erase;
/// The administrators' erasure page, with its confirmation step.
mod erase_pages;
/// Subject access: everything held about a person as one JSON document.
pub mod export;
/// The pages: a person's own consents, and staff's privacy page of a person.
mod pages;
/// Retention periods, applied by the daily housekeeping.
pub mod retention;
/// The SQL of all of the above.
pub mod store;
/// Whose data: finding a person by email, account or coordination record.
pub mod subject;

use axum::{
    http::Method,
    routing::{get, post},
};

use self::pages::{ByAccount, ByPerson};
use crate::{
    access::{self, Access, Route},
    coordination::COORDINATORS,
};

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::GET,
            "/account/privacy",
            Access::SignedIn,
            get(pages::mine),
        ),
        Route::new(
            Method::GET,
            "/account/privacy/export.json",
            Access::SignedIn,
            get(pages::my_export),
        ),
        Route::new(
            Method::POST,
            "/privacy/consents/{id}/withdraw",
            Access::SignedIn,
            post(pages::withdraw),
        ),
        Route::new(
            Method::GET,
            "/admin/people/{id}/privacy",
            access::ADMIN,
            get(pages::show::<ByAccount>),
        ),
        Route::new(
            Method::POST,
            "/admin/people/{id}/consents",
            access::ADMIN,
            post(pages::record::<ByAccount>),
        ),
        Route::new(
            Method::GET,
            "/admin/people/{id}/export.json",
            access::ADMIN,
            get(pages::export_json::<ByAccount>),
        ),
        Route::new(
            Method::GET,
            "/admin/people/{id}/export",
            access::ADMIN,
            get(pages::export_page::<ByAccount>),
        ),
        Route::new(
            Method::GET,
            "/coordination/people/{id}/privacy",
            COORDINATORS,
            get(pages::show::<ByPerson>),
        ),
        Route::new(
            Method::POST,
            "/coordination/people/{id}/consents",
            COORDINATORS,
            post(pages::record::<ByPerson>),
        ),
        Route::new(
            Method::GET,
            "/coordination/people/{id}/export.json",
            COORDINATORS,
            get(pages::export_json::<ByPerson>),
        ),
        Route::new(
            Method::GET,
            "/coordination/people/{id}/export",
            COORDINATORS,
            get(pages::export_page::<ByPerson>),
        ),
        Route::new(
            Method::GET,
            "/admin/people/{id}/erase",
            access::ADMIN,
            get(erase_pages::confirm::<ByAccount>),
        ),
        Route::new(
            Method::POST,
            "/admin/people/{id}/erase",
            access::ADMIN,
            post(erase_pages::erase::<ByAccount>),
        ),
        Route::new(
            Method::GET,
            "/admin/coordination-people/{id}/erase",
            access::ADMIN,
            get(erase_pages::confirm::<ByPerson>),
        ),
        Route::new(
            Method::POST,
            "/admin/coordination-people/{id}/erase",
            access::ADMIN,
            post(erase_pages::erase::<ByPerson>),
        ),
    ]
}

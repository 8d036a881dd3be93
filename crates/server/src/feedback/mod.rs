//! Feedback, compliments and complaints (co-assessment) about an
//! organisation, a service on the asset map, a budgeting process or a
//! survey. Anyone may give them, signed in or not (a reference lets them
//! follow what happens); staff enter them for people who phoned, wrote or
//! came in. Each item belongs to the organisation it is about: that
//! organisation's staff handle it and every other organisation is told it
//! is not there. Complaints follow the Scottish public services model
//! complaints handling procedure — a frontline response in 5 working days
//! (once extended to 10), then an investigation acknowledged in 3 and
//! decided in 20 (put back with a reason and a new date) — ending with the
//! outcome, what was learned, what changes, and the ombudsman. Items may be
//! published with a public response once staff have taken out anything
//! personal; anyone may report a published item.
//!
//! The rules and every due date are the engine's `feedback` module; this
//! one stores, shows, mails and audits.

/// Feedback in the JSON API.
pub mod api;
/// The demo partnership's feedback and complaints at every stage.
pub mod demo;
/// The records.
pub mod model;
/// Mail to the person at each step.
mod notify;
/// The pages.
mod pages;
/// The SQL.
pub mod store;
/// Receiving, each step, publishing; one transaction a step.
pub mod workflow;

use axum::{
    http::Method,
    routing::{get, post},
};
use coprod_engine::people::Role;

use crate::{
    access::{self, Access, Route},
    accounts::CurrentUser,
};

/// Staff who handle their organisations' feedback and complaints.
pub const HANDLING_ROLES: &[Role] = access::STAFF_ROLES;

/// The actor for a member of staff: their reach is the organisations they
/// hold one of [`HANDLING_ROLES`] for.
pub fn actor(user: &CurrentUser, ip: &str) -> workflow::Actor {
    workflow::Actor {
        account_id: Some(user.account_id),
        token_id: None,
        reach: user.reach(HANDLING_ROLES),
        ip: ip.to_owned(),
    }
}

pub fn routes() -> Vec<Route> {
    let staff = |method, path, handler| Route::new(method, path, access::STAFF, handler);
    let public = |method, path, handler| Route::new(method, path, Access::Public, handler);
    vec![
        public(Method::GET, "/feedback/new", get(pages::public::give_form)),
        public(Method::POST, "/feedback/new", post(pages::public::give)),
        public(
            Method::GET,
            "/feedback/track/{reference}",
            get(pages::public::track),
        ),
        public(
            Method::GET,
            "/feedback/published",
            get(pages::public::published),
        ),
        public(
            Method::POST,
            "/feedback/published/{id}/report",
            post(pages::public::report),
        ),
        Route::new(
            Method::GET,
            "/my-feedback",
            Access::SignedIn,
            get(pages::public::mine),
        ),
        staff(Method::GET, "/feedback", get(pages::staff::queue)),
        staff(
            Method::GET,
            "/feedback/on-behalf",
            get(pages::staff::on_behalf_form),
        ),
        staff(
            Method::POST,
            "/feedback/on-behalf",
            post(pages::staff::on_behalf),
        ),
        staff(Method::GET, "/feedback/{id}", get(pages::staff::show)),
        staff(
            Method::POST,
            "/feedback/{id}/steps",
            post(pages::staff::step),
        ),
        staff(
            Method::POST,
            "/feedback/{id}/publish",
            post(pages::staff::publish),
        ),
        Route::new(
            Method::GET,
            "/api/v1/feedback",
            Access::ApiToken,
            get(api::list),
        ),
    ]
}

//! Offers, requests and matching ("Co-deliver"): people offer time, skills,
//! places and things and ask for help, themselves or through a coordinator
//! (by phone, on paper, in person); coordinators propose the engine's best
//! candidates; volunteers accept or decline; weekly help becomes a round
//! of days logged as done, missed or cancelled, with gaps to cover; and
//! every day done is paid for in the time bank.

/// Co-delivery in the JSON API, for organisations' systems.
pub mod api;
/// Logging days of help and paying for them.
pub mod days;
/// The demo partnership's offers, requests, round and hours.
pub mod demo;
/// The offer, request and person forms, checked field by field.
pub mod forms;
/// The time bank as people read it: statements and areas.
pub mod hours;
/// The engine's matcher over what is stored.
pub mod matcher;
/// The records and their vocabularies.
pub mod model;
/// Email to the people a change concerns.
pub mod notify;
/// The pages.
mod pages;

pub use pages::held_person;
/// The SQL.
pub mod store;
/// What pages show, in words, and who may see what.
pub mod views;
/// Proposing, answering, logging and paying, one transaction a step.
pub mod workflow;

use axum::{
    http::Method,
    routing::{get, post},
};
use coprod_engine::people::Role;

use crate::{
    access::{Access, Route},
    accounts::CurrentUser,
};

/// The roles that coordinate help: coordinators, and administrators.
pub const COORDINATING_ROLES: &[Role] = &[Role::Coordinator, Role::Admin];
/// Those who coordinate help, for some organisation or for all.
pub const COORDINATORS: Access = Access::AnyRole(COORDINATING_ROLES);

/// Whether a person may act as a coordinator.
pub fn is_coordinator(user: &CurrentUser) -> bool {
    user.has_role(Role::Coordinator) || user.is_admin()
}

pub fn routes() -> Vec<Route> {
    let mut routes = pages::routes();
    routes.extend(api_routes());
    routes
}

fn api_routes() -> Vec<Route> {
    let token = |method, path, handler| Route::new(method, path, Access::ApiToken, handler);
    vec![
        token(
            Method::GET,
            "/api/v1/coordination/requests",
            get(api::requests),
        ),
        token(
            Method::GET,
            "/api/v1/coordination/requests/{id}/candidates",
            get(api::candidates),
        ),
        token(
            Method::POST,
            "/api/v1/coordination/requests/{id}/proposals",
            post(api::propose),
        ),
        token(Method::GET, "/api/v1/coordination/round", get(api::round)),
        token(Method::GET, "/api/v1/coordination/gaps", get(api::gaps)),
        token(
            Method::POST,
            "/api/v1/coordination/days/{id}",
            post(api::log_day),
        ),
        token(
            Method::GET,
            "/api/v1/timebank/members/{id}/statement",
            get(api::statement),
        ),
        token(Method::GET, "/api/v1/timebank/areas", get(api::areas)),
    ]
}

//! Planned check-in calls (proactive telecare, after Barcelona's model) and
//! wellbeing concerns. Staff plan calls for a person they hold — weekly,
//! fortnightly or monthly, on their birthday, for some weeks after a
//! hospital discharge, or once as part of a broadcast (a weather warning, a
//! local event) — and assign a volunteer or member of staff to make them.
//! Each caller sees today's calls (a volunteer only their own, with the
//! name and phone number needed and nothing more), logs each one, and
//! raises a concern when worried; a volunteer can raise one after a round
//! visit too. An unanswered call is tried again on a later working day and,
//! after the last attempt, becomes a concern. Concerns reach the
//! coordinators as alerts, open ones first by urgency, and are acknowledged
//! and acted on, each step audited in the transaction that takes it.
//!
//! The rules (plans, due days, the retry rule, a concern's life) are the
//! engine's `checkins` module; this one stores, shows and audits.

/// The demo partnership's week of calls.
pub mod demo;
/// The records and their vocabularies.
pub mod model;
/// Urgent concerns by email to the coordinators.
mod notify;
/// The pages.
mod pages;
/// The SQL.
pub mod store;
/// The sweep as recurring background work.
pub mod sweep_job;
/// Planning, logging, raising, moving on, and the sweep.
pub mod workflow;

use axum::{
    http::Method,
    routing::{get, post},
};
use coprod_engine::people::Role;

use crate::{
    access::{Access, Route},
    accounts::CurrentUser,
    coordination::workflow::Actor,
    people::{PEOPLE, PEOPLE_ROLES},
};

/// Those who make calls: volunteers and staff.
pub const CALLER_ROLES: &[Role] = &[
    Role::Volunteer,
    Role::Coordinator,
    Role::LinkWorker,
    Role::Admin,
];
/// Those who make calls, for some organisation or for all.
pub const CALLERS: Access = Access::AnyRole(CALLER_ROLES);

/// The actor for someone working on calls and concerns: their reach is the
/// organisations they hold a staff role for (people's records); a
/// volunteer reaches none, and sees only what is assigned to them.
pub fn actor(user: &CurrentUser, ip: &str) -> Actor {
    Actor {
        account_id: Some(user.account_id),
        token_id: None,
        reach: user.reach(PEOPLE_ROLES),
        caseloads: crate::people::reach::Caseloads::of(user),
        ip: ip.to_owned(),
    }
}

pub fn routes() -> Vec<Route> {
    let staff = |method, path, handler| Route::new(method, path, PEOPLE, handler);
    let caller = |method, path, handler| Route::new(method, path, CALLERS, handler);
    let anyone = |method, path, handler| Route::new(method, path, Access::SignedIn, handler);
    vec![
        caller(Method::GET, "/checkins", get(pages::calls::today_page)),
        caller(Method::GET, "/checkins/calls/{id}", get(pages::calls::form)),
        caller(
            Method::POST,
            "/checkins/calls/{id}",
            post(pages::calls::log),
        ),
        staff(
            Method::GET,
            "/checkins/broadcast",
            get(pages::schedules::broadcast_form),
        ),
        staff(
            Method::POST,
            "/checkins/broadcast",
            post(pages::schedules::broadcast),
        ),
        staff(
            Method::GET,
            "/people/{id}/checkins",
            get(pages::schedules::show),
        ),
        staff(
            Method::POST,
            "/people/{id}/checkins",
            post(pages::schedules::add),
        ),
        staff(
            Method::POST,
            "/people/{id}/checkins/{schedule_id}/stop",
            post(pages::schedules::stop),
        ),
        // A helper raises a concern about the person they visited,
        // whatever role brought them to the round.
        anyone(
            Method::GET,
            "/checkins/visits/{id}/concern",
            get(pages::concerns::visit_form),
        ),
        anyone(
            Method::POST,
            "/checkins/visits/{id}/concern",
            post(pages::concerns::visit_raise),
        ),
        staff(Method::GET, "/concerns", get(pages::concerns::list)),
        staff(Method::GET, "/concerns/{id}", get(pages::concerns::show)),
        staff(
            Method::POST,
            "/concerns/{id}/acknowledge",
            post(pages::concerns::acknowledge),
        ),
        staff(
            Method::POST,
            "/concerns/{id}/act",
            post(pages::concerns::act),
        ),
    ]
}

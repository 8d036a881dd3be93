//! The person's record: who they are and how to reach them, what matters
//! to them in their own words, the conversation on the Talking Points
//! outcomes and the plan agreed from it (goals, actions, who does what,
//! when it is reviewed), and their circle of support (the Buurtzorg onion,
//! drawn as rings and set out as a table), with what they give to others.
//!
//! The record is the co-delivery person (`coordination_people`): their
//! offers, requests, time bank account and personal stars belong to it.
//! It is held by an organisation and kept with the person's consent or
//! another lawful basis, recorded in the consent register. Coordinators and
//! link workers work on the records their organisations hold (another
//! organisation's record answers 404); while a record is on a team's
//! caseload only that team's members (and partnership administrators)
//! read it (`reach`). Every read and every change is written to the
//! audit log in the transaction that does it.

/// The demo partnership's records, plans and circles.
pub mod demo;
/// The record's forms, checked field by field.
pub mod forms;
/// The record and its vocabularies.
pub mod model;
/// The pages.
mod pages;
/// Who reads a record: the organisation's rule, narrowed to a team's
/// members while the record is on its caseload.
pub mod reach;

/// The one rule for reading a person's record, for other capabilities
/// whose records belong to it (a personal star).
pub use pages::{held as held_record, read as record_read};
/// Where the rings picture puts each ring and tie.
pub mod rings;
/// The SQL.
pub mod store;

use axum::{
    http::Method,
    routing::{get, post},
};
use coprod_engine::people::Role;

use crate::access::{Access, Route};

/// The roles that work on people's records: coordinators, link workers and
/// administrators.
pub const PEOPLE_ROLES: &[Role] = &[Role::Coordinator, Role::LinkWorker, Role::Admin];
/// Those who work on people's records, for some organisation or for all.
pub const PEOPLE: Access = Access::AnyRole(PEOPLE_ROLES);

pub fn routes() -> Vec<Route> {
    let staff = |method, path, handler| Route::new(method, path, PEOPLE, handler);
    vec![
        staff(Method::GET, "/people", get(pages::list::list)),
        staff(Method::GET, "/people/new", get(pages::record::new_form)),
        staff(Method::POST, "/people/new", post(pages::record::create)),
        staff(Method::GET, "/people/{id}", get(pages::record::show)),
        staff(
            Method::GET,
            "/people/{id}/edit",
            get(pages::record::edit_form),
        ),
        staff(
            Method::POST,
            "/people/{id}/edit",
            post(pages::record::update),
        ),
        staff(Method::GET, "/people/{id}/plan", get(pages::plan::show)),
        staff(Method::POST, "/people/{id}/plan", post(pages::plan::change)),
        staff(Method::GET, "/people/{id}/circle", get(pages::circle::show)),
        staff(
            Method::POST,
            "/people/{id}/circle",
            post(pages::circle::add),
        ),
        staff(
            Method::POST,
            "/people/{id}/circle/{tie_id}/remove",
            post(pages::circle::remove),
        ),
    ]
}

//! Teams and their shared caseload (Buurtzorg's small teams: a
//! neighbourhood nursing team, a link-worker service). A team belongs to
//! one organisation and its members are staff of that organisation;
//! managers and administrators of the organisation set teams up and
//! decide who is on them. The team shares a caseload of people whose
//! records the organisation holds: each with a named lead (a member) and a
//! handover note, and every handover from one member to another kept with
//! who, when and the note.
//!
//! While a person is on a caseload, their record is read only by members
//! of a team holding them and by partnership administrators: that rule
//! lives in `people::reach`, with the rest of who reads a record.
//!
//! The team's view of today (`today`) is built from sections, one function
//! each: visits due, referrals waiting, reviews due, and each member's
//! caseload.

/// Setting up the demo partnership's teams and caseloads.
pub mod demo;
/// The teams' forms, checked field by field.
pub mod forms;
/// A team, its members, caseload and handovers.
pub mod model;
/// The pages.
mod pages;
/// The SQL.
pub mod store;
/// The sections of the team's view of today.
pub mod today;

use axum::{
    http::Method,
    routing::{get, post},
};
use coprod_engine::people::Role;
use sqlx::AnyConnection;

use crate::{
    access::{self, Access, Route},
    accounts::CurrentUser,
    db::StoreResult,
};
use model::Team;

/// Those who set teams up and decide who is on them, for their
/// organisations: managers and administrators.
pub const MANAGING_ROLES: &[Role] = &[Role::Manager, Role::Admin];
/// Setting up a team.
pub const MANAGERS: Access = Access::AnyRole(MANAGING_ROLES);

pub fn routes() -> Vec<Route> {
    let staff = |method, path, handler| Route::new(method, path, access::STAFF, handler);
    vec![
        staff(Method::GET, "/teams", get(pages::teams::list)),
        Route::new(
            Method::GET,
            "/teams/new",
            MANAGERS,
            get(pages::teams::new_form),
        ),
        Route::new(
            Method::POST,
            "/teams/new",
            MANAGERS,
            post(pages::teams::create),
        ),
        staff(Method::GET, "/teams/{id}", get(pages::today::show)),
        staff(
            Method::GET,
            "/teams/{id}/members",
            get(pages::teams::members),
        ),
        staff(
            Method::POST,
            "/teams/{id}/members",
            post(pages::teams::add_member),
        ),
        staff(
            Method::POST,
            "/teams/{id}/members/{account_id}/remove",
            post(pages::teams::remove_member),
        ),
        staff(
            Method::GET,
            "/teams/{id}/caseload",
            get(pages::caseload::list),
        ),
        staff(
            Method::POST,
            "/teams/{id}/caseload",
            post(pages::caseload::add),
        ),
        staff(
            Method::GET,
            "/teams/{id}/caseload/{person_id}",
            get(pages::caseload::show),
        ),
        staff(
            Method::POST,
            "/teams/{id}/caseload/{person_id}/handover",
            post(pages::caseload::hand_over),
        ),
        staff(
            Method::POST,
            "/teams/{id}/caseload/{person_id}/remove",
            post(pages::caseload::remove),
        ),
    ]
}

/// Where someone stands with one team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Standing {
    /// On the team, and still staff of its organisation.
    pub member: bool,
    /// A manager of its organisation, or an administrator.
    pub manages: bool,
    /// A partnership administrator.
    pub administrator: bool,
}

impl Standing {
    /// Works on the caseload: members, and administrators for their
    /// duties.
    pub fn works_on_caseload(self) -> bool {
        self.member || self.administrator
    }

    /// Sees who is on the team.
    pub fn sees_members(self) -> bool {
        self.member || self.manages
    }
}

/// Where `user` stands with `team`.
pub async fn standing(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    team: &Team,
) -> StoreResult<Standing> {
    let organisation = Some(team.organisation_id);
    let member = user.may(access::STAFF_ROLES, organisation)
        && store::is_member(conn, team.id, user.account_id).await?;
    Ok(Standing {
        member,
        manages: user.may(MANAGING_ROLES, organisation),
        administrator: user.is_admin(),
    })
}

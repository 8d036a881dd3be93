//! Social prescribing: a link worker, a coordinator or other staff (or the
//! person themselves, through them) refers a person, with their consent to
//! share named details, to a service on the asset map or to an
//! organisation's volunteer desk. The receiving organisation sees only what
//! was shared, accepts or declines within a number of working days (or the
//! referral is escalated), and records contact, attendance and completion;
//! the referrer always sees where it stands. Wellbeing measures taken at
//! the start and at reviews show what changed, and the uptake funnel shows
//! where referrals are lost.
//!
//! The rules (the life-cycle, due dates, stalls, the funnel and scoring)
//! are the engine's `referrals` module; this one stores, shows and audits.

/// Referrals in the JSON API, for organisations' systems.
pub mod api;
/// The demo partnership's referrals and outcomes.
pub mod demo;
/// Measured change, worded, for pages here and in the Star to show.
pub mod evidence;
/// The records and who stands on which side of them.
pub mod model;
/// The pages.
mod pages;
/// Escalations and stall reminders, run by the background job queue.
pub mod reminders;
/// The SQL.
pub mod store;
/// Making, reading, moving on and measuring, one transaction a step.
pub mod workflow;

use axum::{
    http::Method,
    routing::{get, post},
};
use coprod_engine::people::Role;

use crate::{
    access::{self, Access, Route},
    accounts::CurrentUser,
    coordination::workflow::Actor,
};

/// The roles that refer people and receive referrals: link workers,
/// coordinators, managers and administrators.
pub const REFERRING_ROLES: &[Role] = access::STAFF_ROLES;

/// The actor for a person working on referrals: their reach is the
/// organisations they hold one of [`REFERRING_ROLES`] for.
pub fn actor(user: &CurrentUser, ip: &str) -> Actor {
    Actor {
        account_id: Some(user.account_id),
        token_id: None,
        reach: user.reach(REFERRING_ROLES),
        caseloads: crate::people::reach::Caseloads::of(user),
        ip: ip.to_owned(),
    }
}

pub fn routes() -> Vec<Route> {
    let staff = |method, path, handler| Route::new(method, path, access::STAFF, handler);
    let token = |method, path, handler| Route::new(method, path, Access::ApiToken, handler);
    let own = |method, path, handler| Route::new(method, path, Access::SignedIn, handler);
    vec![
        staff(Method::GET, "/referrals", get(pages::queues::index)),
        staff(Method::GET, "/referrals/new", get(pages::refer::form)),
        staff(Method::POST, "/referrals/new", post(pages::refer::create)),
        staff(
            Method::GET,
            "/referrals/incoming",
            get(pages::queues::incoming),
        ),
        staff(Method::GET, "/referrals/sent", get(pages::queues::sent)),
        staff(Method::GET, "/referrals/funnel", get(pages::funnel::funnel)),
        staff(
            Method::GET,
            "/referrals/changes",
            get(pages::changes::changes),
        ),
        staff(Method::GET, "/referrals/{id}", get(pages::referral::show)),
        staff(
            Method::POST,
            "/referrals/{id}/steps",
            post(pages::referral::step),
        ),
        staff(
            Method::GET,
            "/referrals/{id}/outcomes/new",
            get(pages::outcome::form),
        ),
        staff(
            Method::POST,
            "/referrals/{id}/outcomes/new",
            post(pages::outcome::record),
        ),
        own(Method::GET, "/my-referrals", get(pages::mine::list)),
        own(Method::GET, "/my-referrals/new", get(pages::mine::new_form)),
        own(Method::POST, "/my-referrals/new", post(pages::mine::create)),
        own(Method::GET, "/my-referrals/{id}", get(pages::mine::show)),
        own(
            Method::POST,
            "/my-referrals/{id}/withdraw",
            post(pages::mine::withdraw),
        ),
        token(Method::GET, "/api/v1/referrals", get(api::list)),
        token(Method::GET, "/api/v1/referrals/summary", get(api::summary)),
    ]
}

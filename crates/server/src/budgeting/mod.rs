//! Participatory budgeting ("Co-commission"): residents decide together how
//! a budget is spent. A process moves through proposals → feasibility
//! review → voting → results → delivery. Citizens propose and vote online;
//! staff enter proposals and paper ballots gathered in person, issue
//! one-time voting codes, review proposals, count the vote with the
//! engine's rules and keep the public "you said, we did" trail.
//!
//! The rules themselves (phases, ballot checks, money and dates as people
//! type them) are pure and live in `coprod_engine::budgeting::process` and
//! `coprod_engine::budgeting::ballot`; this module stores, shows and asks.
//!
//! How ballots are kept secret is described in [`ballot_box`].

/// Budgeting processes and results in coprod's JSON API.
pub mod api_v1;
/// The ballot as a form, and form errors named at run time.
mod ballot_view;
/// Counting a closed vote with the engine's rules; the stored result.
pub mod counting;
/// Delivery updates on funded projects.
mod delivery;
/// The demo partnership's budgets.
pub mod demo_data;
/// Staff pages to run a process: phases, categories, codes, the count.
mod manage;
/// Processes to and from pabulib elections, for `coprod pb`.
pub mod pabulib;
/// The public pages: processes and proposals.
mod pages;
/// The staff form to set up a process.
mod process_form;
/// Proposals: sent in online, entered by staff, reviewed.
mod proposals;
/// The results page: funded projects, spending, turnout, the chart and why.
mod results;
/// Storage of processes, categories, proposals and delivery updates; the
/// ballot box; stored counts.
pub mod store;
/// How a process breaks ties.
pub mod ties;
/// Voting online, with a code, and entering paper ballots.
mod voting;
/// The counting engine's reasons in plain words.
mod why;

/// Storing ballots and voting codes without linking them to people (kept
/// in the store, named here as the capability's one ballot box).
pub use store::ballot_box;

use std::collections::HashMap;

use axum::{
    extract::{FromRequestParts, Path},
    http::{Method, request::Parts},
    routing::{get, post},
};
use coprod_engine::people::Role;

use crate::{
    access::{Access, Route},
    accounts::CurrentUser,
    app::AppState,
    error::AppError,
};

/// The roles of those who run processes: coordinators, managers and
/// administrators.
pub const ORGANISER_ROLES: &[Role] = &[Role::Coordinator, Role::Manager, Role::Admin];
/// Those who run processes, for some organisation or for all.
pub const ORGANISERS: Access = Access::AnyRole(ORGANISER_ROLES);

/// Proof that the signed-in organiser may run the process a route names:
/// it is run by an organisation within their reach (or by the partnership,
/// for those whose role covers it). To anyone else the process is not
/// there. Taken before any form is read, so that a refusal never depends on
/// what was sent.
pub struct Organised;

impl FromRequestParts<AppState> for Organised {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let user = parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or(AppError::NotFound)?;
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        let id: i64 = params
            .get("id")
            .and_then(|raw| raw.parse().ok())
            .ok_or(AppError::NotFound)?;
        match store::run_by(&state.db, id).await? {
            Some(organisation) if user.may(ORGANISER_ROLES, organisation) => Ok(Organised),
            _ => Err(AppError::NotFoundKey("budgeting.error.no_process")),
        }
    }
}

pub fn routes() -> Vec<Route> {
    let mut routes = public_routes();
    routes.extend(organiser_routes());
    routes.extend(api_routes());
    routes
}

fn public_routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/budgeting", Access::Public, get(pages::list)),
        Route::new(
            Method::GET,
            "/budgeting/{id}",
            Access::Public,
            get(pages::show),
        ),
        Route::new(
            Method::GET,
            "/budgeting/{id}/proposals/{proposal}",
            Access::Public,
            get(pages::proposal),
        ),
        Route::new(
            Method::GET,
            "/budgeting/{id}/results",
            Access::Public,
            get(results::page_of),
        ),
        Route::new(
            Method::GET,
            "/budgeting/{id}/vote/code",
            Access::Public,
            get(voting::code_form),
        ),
        Route::new(
            Method::POST,
            "/budgeting/{id}/vote/code",
            Access::Public,
            post(voting::code_vote),
        ),
        Route::new(
            Method::GET,
            "/budgeting/{id}/propose",
            Access::SignedIn,
            get(proposals::propose_form),
        ),
        Route::new(
            Method::POST,
            "/budgeting/{id}/propose",
            Access::SignedIn,
            post(proposals::propose),
        ),
        Route::new(
            Method::GET,
            "/budgeting/{id}/vote",
            Access::SignedIn,
            get(voting::vote_form),
        ),
        Route::new(
            Method::POST,
            "/budgeting/{id}/vote",
            Access::SignedIn,
            post(voting::vote),
        ),
        Route::new(
            Method::POST,
            "/budgeting/{id}/vote/eligibility",
            Access::SignedIn,
            post(voting::check_eligibility),
        ),
    ]
}

fn organiser_routes() -> Vec<Route> {
    let staff_get = |path, handler| Route::new(Method::GET, path, ORGANISERS, handler);
    let staff_post = |path, handler| Route::new(Method::POST, path, ORGANISERS, handler);
    vec![
        staff_get("/budgeting/manage", get(manage::list)),
        staff_get("/budgeting/new", get(process_form::new_form)),
        staff_post("/budgeting/new", post(process_form::create)),
        staff_get("/budgeting/{id}/manage", get(manage::dashboard)),
        staff_get("/budgeting/{id}/edit", get(process_form::edit_form)),
        staff_post("/budgeting/{id}/edit", post(process_form::update)),
        staff_post("/budgeting/{id}/next-phase", post(manage::next_phase)),
        staff_post("/budgeting/{id}/categories", post(manage::add_category)),
        staff_get("/budgeting/{id}/proposals/new", get(proposals::enter_form)),
        staff_post("/budgeting/{id}/proposals/new", post(proposals::enter)),
        staff_get(
            "/budgeting/{id}/proposals/{proposal}/review",
            get(proposals::review_form),
        ),
        staff_post(
            "/budgeting/{id}/proposals/{proposal}/review",
            post(proposals::review),
        ),
        staff_post("/budgeting/{id}/codes", post(voting::issue_codes)),
        staff_get("/budgeting/{id}/paper-ballots", get(voting::paper_form)),
        staff_post("/budgeting/{id}/paper-ballots", post(voting::paper_enter)),
        staff_post("/budgeting/{id}/count", post(manage::count)),
        staff_get(
            "/budgeting/{id}/proposals/{proposal}/delivery",
            get(delivery::form),
        ),
        staff_post(
            "/budgeting/{id}/proposals/{proposal}/delivery",
            post(delivery::post),
        ),
    ]
}

fn api_routes() -> Vec<Route> {
    let api = |path, handler| Route::new(Method::GET, path, Access::ApiToken, handler);
    vec![
        api("/api/v1/budgeting/processes", get(api_v1::processes)),
        api("/api/v1/budgeting/processes/{id}", get(api_v1::process)),
        api(
            "/api/v1/budgeting/processes/{id}/results",
            get(api_v1::results),
        ),
    ]
}

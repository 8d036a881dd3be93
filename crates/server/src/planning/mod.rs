//! Community planning (co-assess): the partnership's Local Outcomes
//! Improvement Plan (LOIP) and its locality plans, and "you said, we did".
//!
//! A plan has outcomes; each outcome has priorities, indicators with their
//! figures over time, and the Star initiatives, budgeting processes,
//! surveys and services that serve it. Each published plan has a public
//! page showing progress — every indicator as a table and as a chart of
//! the same figures — and an easy-read version. "You said, we did" entries
//! belong to a plan: the partnership's page shows the LOIP's, each
//! locality's page its plan's. An entry is drafted, then signed off by a
//! manager; only signed-off entries are public, and changing one takes it
//! back to a draft. Its evidence names records by kind and id, so a
//! complaint's learning or a feedback theme can be pointed to before the
//! feedback capability gives them pages.
//!
//! A plan is kept by an organisation, whose managers work on it, or by the
//! partnership itself (no organisation), which only partnership-wide
//! managers and administrators reach: the one rule of `access::Reach`.
//! Every change is audited in its own transaction.

/// The JSON API: plans, their outcomes, indicators and figures.
pub mod api;
/// The demo partnership's plans and "you said, we did".
pub mod demo;
/// The forms, checked field by field.
pub mod forms;
/// A plan and its parts as stored.
pub mod model;
/// The pages.
mod pages;
/// The SQL.
pub mod store;
/// A plan as pages read it: trends, progress and charts.
pub mod view;

use axum::{
    http::Method,
    routing::{get, post},
};
use coprod_engine::people::Role;

use crate::{
    access::{Access, Route},
    accounts::CurrentUser,
};
use model::Plan;

/// Those who keep plans and sign "you said, we did" off, for their
/// organisations' plans; partnership-wide managers and administrators
/// also for the partnership's own.
pub const MANAGING_ROLES: &[Role] = &[Role::Manager, Role::Admin];
/// The staff pages.
pub const MANAGERS: Access = Access::AnyRole(MANAGING_ROLES);

/// The published plans' outcomes `kind`/`target` serves, for that
/// record's own page ("part of the local plan").
pub async fn outcomes_served_by(
    db: &crate::db::Db,
    kind: coprod_engine::planning::LinkKind,
    target: &str,
) -> crate::db::StoreResult<Vec<model::Served>> {
    let mut conn = db.pool().acquire().await?;
    store::links::served_by(&mut conn, kind, target).await
}

/// Whether `user` keeps `plan`.
pub fn keeps(user: &CurrentUser, plan: &Plan) -> bool {
    user.may(MANAGING_ROLES, plan.organisation_id)
}

pub fn routes() -> Vec<Route> {
    let public = |path, handler| Route::new(Method::GET, path, Access::Public, handler);
    let manage = |method, path, handler| Route::new(method, path, MANAGERS, handler);
    let api = |path, handler| Route::new(Method::GET, path, Access::ApiToken, handler);
    vec![
        public("/plans", get(pages::public::list)),
        public("/plans/{id}", get(pages::public::plan)),
        public("/plans/{id}/easy-read", get(pages::public::easy_read)),
        public("/you-said-we-did", get(pages::public::you_said)),
        public(
            "/you-said-we-did/localities/{id}",
            get(pages::public::you_said_locality),
        ),
        manage(Method::GET, "/planning", get(pages::manage::list)),
        manage(Method::POST, "/planning", post(pages::manage::create)),
        manage(
            Method::GET,
            "/planning/plans/{id}",
            get(pages::manage::show),
        ),
        manage(
            Method::POST,
            "/planning/plans/{id}",
            post(pages::manage::update),
        ),
        manage(
            Method::POST,
            "/planning/plans/{id}/outcomes",
            post(pages::manage::add_outcome),
        ),
        manage(
            Method::POST,
            "/planning/plans/{id}/priorities",
            post(pages::manage::add_priority),
        ),
        manage(
            Method::POST,
            "/planning/plans/{id}/indicators",
            post(pages::manage::add_indicator),
        ),
        manage(
            Method::POST,
            "/planning/plans/{id}/figures",
            post(pages::manage::record_figure),
        ),
        manage(
            Method::POST,
            "/planning/plans/{id}/links",
            post(pages::manage::add_link),
        ),
        manage(
            Method::POST,
            "/planning/plans/{id}/links/{link}/remove",
            post(pages::manage::remove_link),
        ),
        manage(
            Method::GET,
            "/planning/plans/{id}/entries",
            get(pages::entries::list),
        ),
        manage(
            Method::POST,
            "/planning/plans/{id}/entries",
            post(pages::entries::create),
        ),
        manage(
            Method::GET,
            "/planning/entries/{id}",
            get(pages::entries::show),
        ),
        manage(
            Method::POST,
            "/planning/entries/{id}",
            post(pages::entries::update),
        ),
        manage(
            Method::POST,
            "/planning/entries/{id}/evidence",
            post(pages::entries::add_evidence),
        ),
        manage(
            Method::POST,
            "/planning/entries/{id}/evidence/{evidence}/remove",
            post(pages::entries::remove_evidence),
        ),
        manage(
            Method::POST,
            "/planning/entries/{id}/sign-off",
            post(pages::entries::sign_off),
        ),
        api("/api/v1/plans", get(api::plans)),
        api("/api/v1/plans/{id}", get(api::plan)),
    ]
}

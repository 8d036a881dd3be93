//! The Co-Production Star toolkit: the five steps an organisation takes
//! from top-down delivery to co-production, with the evidence kept.
//!
//! - **Map it** ([`explorer`]): the organisation's initiatives on a grid
//!   of services × Four Co's, with the gaps shown;
//! - **Focus it** ([`business_case`]): a business case per initiative,
//!   every step of the SROI arithmetic shown, and a ranking by impact;
//! - **People it** and **Grow it** ([`self_assessment`]): rounds of the
//!   self-assessment rated by several people, combined, with their
//!   disagreements, and drawn as a star ([`radar`]) round over round;
//!   the 360-degree review and the community and staff surveys come from
//!   the survey module ([`surveys_link`]);
//! - **Market it** ([`charters`]): a charter per service, versioned,
//!   approved and published;
//! - the impact report ([`impact`]) and the star report for other tools
//!   ([`report`], [`api`]);
//! - the person-level dementia-friendly star ([`person`]).
//!
//! Staff work on the organisations they belong to; administrators and
//! partnership-wide staff on every organisation ([`scope`]).

/// The star in coprod's JSON API.
pub mod api;
/// Pages for the business case of an initiative.
mod business_case;
/// Charters: drafting, approving, the public pages.
mod charters;
/// Demo initiatives, cases, rounds and charters.
pub mod demo_data;
/// What coprod measured for an initiative: referral outcomes and time bank hours.
mod evidence;
/// The organisation's page, the grid and initiatives.
mod explorer;
/// The printable impact report.
mod impact;
/// The initiative form, read and checked.
mod initiative_form;
/// Keys and labels: partners, Talking Points, charter parties.
pub mod model;
/// Money, ratios and shares as pages show them.
mod numbers;
/// The dementia-friendly star of one person.
mod person;
/// The star (radar) chart as SVG.
pub mod radar;
/// The star report shared by the CLI, the API and the impact report.
pub mod report;
/// Who may work on which organisation's toolkit.
mod scope;
/// Self-assessment rounds, rating and results.
mod self_assessment;
/// Storage.
pub mod store;
/// Surveys made for the toolkit: the 360 review, community and staff.
mod surveys_link;

use axum::{
    http::Method,
    routing::{MethodRouter, get, post},
};

use crate::{
    access::{self, Access, Route},
    app::AppState,
};

#[expect(clippy::too_many_lines, reason = "one table of every route")]
pub fn routes() -> Vec<Route> {
    let staff = |method, path, handler: MethodRouter<AppState>| {
        Route::new(method, path, access::STAFF, handler)
    };
    let public = |path, handler| Route::new(Method::GET, path, Access::Public, handler);
    let signed_in = |method, path, handler| Route::new(method, path, Access::SignedIn, handler);
    vec![
        staff(Method::GET, "/star", get(explorer::index)),
        staff(Method::GET, "/star/{org}", get(explorer::organisation)),
        staff(
            Method::GET,
            "/star/{org}/initiatives/new",
            get(explorer::new_initiative),
        ),
        staff(
            Method::POST,
            "/star/{org}/initiatives",
            post(explorer::create_initiative),
        ),
        staff(
            Method::GET,
            "/star/initiatives/{id}",
            get(explorer::show_initiative),
        ),
        staff(
            Method::GET,
            "/star/initiatives/{id}/edit",
            get(explorer::edit_initiative),
        ),
        staff(
            Method::POST,
            "/star/initiatives/{id}",
            post(explorer::update_initiative),
        ),
        staff(
            Method::GET,
            "/star/initiatives/{id}/business-case",
            get(business_case::show),
        ),
        staff(
            Method::POST,
            "/star/initiatives/{id}/business-case",
            post(business_case::save),
        ),
        staff(
            Method::POST,
            "/star/initiatives/{id}/business-case/volunteer-hours",
            post(evidence::use_time_bank_hours),
        ),
        staff(
            Method::POST,
            "/star/initiatives/{id}/review",
            post(surveys_link::start_review),
        ),
        staff(
            Method::POST,
            "/star/{org}/surveys",
            post(surveys_link::make_people_survey),
        ),
        staff(
            Method::GET,
            "/star/{org}/rounds",
            get(self_assessment::rounds),
        ),
        staff(
            Method::POST,
            "/star/{org}/rounds",
            post(self_assessment::create_round),
        ),
        staff(
            Method::GET,
            "/star/rounds/{id}",
            get(self_assessment::round),
        ),
        staff(
            Method::GET,
            "/star/rounds/{id}/rate",
            get(self_assessment::rate_form),
        ),
        staff(
            Method::POST,
            "/star/rounds/{id}/rate",
            post(self_assessment::rate),
        ),
        staff(Method::GET, "/star/{org}/charters", get(charters::list)),
        staff(Method::POST, "/star/{org}/charters", post(charters::save)),
        staff(Method::GET, "/star/charters/{id}", get(charters::edit)),
        staff(
            Method::POST,
            "/star/charters/{id}/approve",
            post(charters::approve),
        ),
        staff(Method::GET, "/star/{org}/report", get(impact::report)),
        staff(Method::GET, "/star/{org}/people", get(person::list)),
        staff(Method::POST, "/star/{org}/people", post(person::create)),
        signed_in(Method::GET, "/my-star", get(person::mine)),
        signed_in(Method::GET, "/star/people/{id}", get(person::show)),
        signed_in(Method::POST, "/star/people/{id}", post(person::rate)),
        public("/charters", get(charters::published)),
        public("/charters/{id}", get(charters::public_page)),
        Route::new(
            Method::GET,
            "/api/v1/star/report",
            Access::ApiToken,
            get(api::report),
        ),
        Route::new(
            Method::GET,
            "/api/v1/star/initiatives",
            Access::ApiToken,
            get(api::initiatives),
        ),
        Route::new(
            Method::POST,
            "/api/v1/star/initiatives",
            Access::ApiToken,
            post(api::create_initiative),
        ),
    ]
}

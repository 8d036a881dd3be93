//! Surveys and consultations ("Co-design"): staff build a survey from the
//! engine's question types and ready-made sections, publish it to citizens,
//! staff or both, collect answers online, in easy read and on paper, and
//! read the results — counts, distributions, the co-production index, the
//! perception gap and breakdowns by area and deprivation — with small
//! groups withheld. The arithmetic is the engine's
//! (`coprod_engine::surveys`); this module stores, shows and exports.

/// The results of a version, in words and charts.
mod analysis;
/// Answers as form fields, and questions as the page shows them.
mod answer_form;
/// Staff pages: the list of surveys, opening, closing and new versions,
/// and what the other staff pages share.
mod builder;
/// Bar charts laid out for SVG.
mod charts;
/// Answers stored as compact JSON, read back with the questions.
pub mod codec;
/// The perception gap and breakdowns by group.
mod comparison;
/// The demo's survey, its answers and made-up SIMD figures.
pub mod demo_data;
/// Going through a survey page by page, and the facts about respondents.
mod flow;
/// One-time links emailed to a list of people.
mod invitations;
/// The open surveys anyone may answer.
mod open;
/// The builder's home page: a survey at a glance with its questions.
mod overview;
/// Paper responses typed in by staff.
mod paper;
/// The form for one question, and turning it into the engine's question.
mod question_form;
/// Adding, changing, moving and removing questions.
mod questions;
/// Answering through a link or an invitation, online or in easy read.
mod respond;
/// The results pages and CSV files.
mod results;
/// Sections, ready-made sections and validated measures.
mod sections;
/// A survey's own settings, and creating one.
mod settings;
/// Storage of surveys, versions, invitations and responses.
pub mod store;
/// Small pieces the survey templates share.
mod ui;

use axum::{
    http::Method,
    routing::{MethodRouter, get, post},
};
use coprod_engine::people::Role;

use crate::{
    access::{self, Access, Route},
    accounts::CurrentUser,
    app::AppState,
};

/// Those who build surveys and read their results: managers and
/// administrators. Which surveys a manager may run is decided by
/// [`may_run`].
pub const RUNNERS: Access = Access::AnyRole(&[Role::Manager, Role::Admin]);

/// Whether a person may build, publish and read the results of a survey
/// belonging to `organisation_id`: an administrator, or a manager of that
/// organisation or of the whole partnership.
pub fn may_run(user: &CurrentUser, organisation_id: i64) -> bool {
    user.is_admin()
        || user.memberships.iter().any(|m| {
            m.role == Role::Manager && m.organisation_id.is_none_or(|org| org == organisation_id)
        })
}

/// Whether a person may type in paper responses to a survey belonging to
/// `organisation_id`: anyone who may run it, and coordinators and link
/// workers of that organisation or of the whole partnership.
pub fn may_enter_paper(user: &CurrentUser, organisation_id: i64) -> bool {
    may_run(user, organisation_id)
        || user.memberships.iter().any(|m| {
            matches!(m.role, Role::Coordinator | Role::LinkWorker)
                && m.organisation_id.is_none_or(|org| org == organisation_id)
        })
}

pub fn routes() -> Vec<Route> {
    let mut routes = builder_routes();
    routes.extend(question_routes());
    routes.extend(answering_routes());
    routes
}

/// A route for those who run surveys.
fn runner(method: Method, path: &'static str, handler: MethodRouter<AppState>) -> Route {
    Route::new(method, path, RUNNERS, handler)
}

/// A route anyone may use.
fn public(method: Method, path: &'static str, handler: MethodRouter<AppState>) -> Route {
    Route::new(method, path, Access::Public, handler)
}

/// The survey as a whole: list, create, settings, publishing, versions,
/// invitations.
fn builder_routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/surveys", access::STAFF, get(builder::list)),
        runner(Method::GET, "/surveys/new", get(settings::new_form)),
        runner(Method::POST, "/surveys/new", post(settings::create)),
        runner(Method::GET, "/surveys/{id}", get(overview::overview)),
        runner(
            Method::GET,
            "/surveys/{id}/settings",
            get(settings::settings_form),
        ),
        runner(
            Method::POST,
            "/surveys/{id}/settings",
            post(settings::update_settings),
        ),
        runner(Method::POST, "/surveys/{id}/open", post(builder::open)),
        runner(Method::POST, "/surveys/{id}/close", post(builder::close)),
        runner(
            Method::POST,
            "/surveys/{id}/versions",
            post(builder::new_version),
        ),
        runner(
            Method::GET,
            "/surveys/{id}/invitations",
            get(invitations::list),
        ),
        runner(
            Method::POST,
            "/surveys/{id}/invitations",
            post(invitations::send),
        ),
        runner(
            Method::GET,
            "/surveys/{id}/results",
            get(results::results_page),
        ),
        runner(
            Method::GET,
            "/surveys/{id}/results/print",
            get(results::print_page),
        ),
        runner(
            Method::GET,
            "/surveys/{id}/responses.csv",
            get(results::responses_csv),
        ),
        runner(
            Method::GET,
            "/surveys/{id}/results.csv",
            get(results::results_csv),
        ),
    ]
}

/// Sections and questions of the latest version.
fn question_routes() -> Vec<Route> {
    vec![
        runner(Method::POST, "/surveys/{id}/sections", post(sections::add)),
        runner(
            Method::GET,
            "/surveys/{id}/sections/{section}/edit",
            get(sections::edit_form),
        ),
        runner(
            Method::POST,
            "/surveys/{id}/sections/{section}/edit",
            post(sections::update),
        ),
        runner(
            Method::POST,
            "/surveys/{id}/sections/{section}/move",
            post(sections::move_section),
        ),
        runner(
            Method::POST,
            "/surveys/{id}/sections/{section}/remove",
            post(sections::remove),
        ),
        runner(
            Method::POST,
            "/surveys/{id}/ready-made",
            post(sections::add_ready_made),
        ),
        runner(
            Method::GET,
            "/surveys/{id}/measures/new",
            get(sections::measure_form),
        ),
        runner(
            Method::POST,
            "/surveys/{id}/measures/new",
            post(sections::add_measure),
        ),
        runner(
            Method::GET,
            "/surveys/{id}/sections/{section}/questions/new",
            get(questions::new_form),
        ),
        runner(
            Method::POST,
            "/surveys/{id}/sections/{section}/questions/new",
            post(questions::create),
        ),
        runner(
            Method::GET,
            "/surveys/{id}/questions/{question}/edit",
            get(questions::edit_form),
        ),
        runner(
            Method::POST,
            "/surveys/{id}/questions/{question}/edit",
            post(questions::update),
        ),
        runner(
            Method::POST,
            "/surveys/{id}/questions/{question}/move",
            post(questions::move_question),
        ),
        runner(
            Method::POST,
            "/surveys/{id}/questions/{question}/remove",
            post(questions::remove),
        ),
    ]
}

/// Answering: paper entry by staff, and the respondents' own pages.
fn answering_routes() -> Vec<Route> {
    let staff = |method, path, handler| Route::new(method, path, access::STAFF, handler);
    vec![
        staff(Method::GET, "/surveys/{id}/paper", get(paper::choose)),
        staff(
            Method::GET,
            "/surveys/{id}/paper/{audience}",
            get(paper::form),
        ),
        staff(
            Method::POST,
            "/surveys/{id}/paper/{audience}",
            post(paper::save),
        ),
        public(Method::GET, "/surveys/open", get(open::list)),
        public(Method::GET, "/s/{key}/{audience}", get(respond::start_link)),
        public(
            Method::GET,
            "/s/{key}/{audience}/{step}",
            get(respond::page_link),
        ),
        public(
            Method::POST,
            "/s/{key}/{audience}/{step}",
            post(respond::send_link),
        ),
        public(
            Method::GET,
            "/invitations/{token}",
            get(respond::start_invitation),
        ),
        public(
            Method::GET,
            "/invitations/{token}/{step}",
            get(respond::page_invitation),
        ),
        public(
            Method::POST,
            "/invitations/{token}/{step}",
            post(respond::send_invitation),
        ),
    ]
}

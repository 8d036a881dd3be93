//! The pages of co-delivery: each person's own (`/help`), and the
//! coordinators' desk (`/coordination`).

/// The coordinators' desk: open requests with candidates, the round, gaps.
mod desk;
/// People's own offers, requests, matches, round and hours.
mod mine;
/// Offer and request forms, for oneself or on someone's behalf.
mod offer_request;
/// The coordinators' people pages: records, PVG checks, hours.
mod people;
/// The time bank desk: hours by area, gifts.
mod timebank;

use std::collections::HashMap;

use axum::{
    http::Method,
    routing::{get, post},
};
use coprod_engine::plain;
use serde::Deserialize;
use sqlx::AnyConnection;

use super::{
    COORDINATING_ROLES, COORDINATORS,
    model::{MatchRecord, OfferRecord, Person, RequestRecord},
    store, views,
    workflow::WorkflowError,
};
use crate::{
    access::{Access, Route},
    accounts::CurrentUser,
    audit::{self, Action, Event},
    error::{AppError, Result},
    people::reach::Caseloads,
    web::Shell,
};

pub fn routes() -> Vec<Route> {
    let mut routes = own_routes();
    routes.extend(desk_routes());
    routes
}

/// Everyone's own pages.
fn own_routes() -> Vec<Route> {
    let signed_in = |method, path, handler| Route::new(method, path, Access::SignedIn, handler);
    vec![
        signed_in(Method::GET, "/help", get(mine::overview)),
        signed_in(
            Method::GET,
            "/help/offers/new",
            get(offer_request::own_offer_form),
        ),
        signed_in(
            Method::POST,
            "/help/offers/new",
            post(offer_request::own_offer),
        ),
        signed_in(
            Method::GET,
            "/help/requests/new",
            get(offer_request::own_request_form),
        ),
        signed_in(
            Method::POST,
            "/help/requests/new",
            post(offer_request::own_request),
        ),
        signed_in(
            Method::POST,
            "/help/offers/{id}/withdraw",
            post(mine::withdraw_offer),
        ),
        signed_in(Method::POST, "/help/offers/{id}/away", post(mine::add_away)),
        signed_in(
            Method::POST,
            "/help/requests/{id}/withdraw",
            post(mine::withdraw_request),
        ),
        signed_in(Method::GET, "/help/matches/{id}", get(mine::match_page)),
        signed_in(
            Method::POST,
            "/help/matches/{id}/accept",
            post(mine::accept),
        ),
        signed_in(
            Method::POST,
            "/help/matches/{id}/decline",
            post(mine::decline),
        ),
        signed_in(Method::POST, "/help/matches/{id}/end", post(mine::end)),
        signed_in(Method::POST, "/help/days/{id}", post(mine::log_day)),
        signed_in(Method::GET, "/help/round", get(mine::round)),
        signed_in(Method::GET, "/help/hours", get(mine::hours)),
    ]
}

/// The coordinators' pages.
fn desk_routes() -> Vec<Route> {
    let desk = |method, path, handler| Route::new(method, path, COORDINATORS, handler);
    vec![
        desk(Method::GET, "/coordination", get(desk::desk)),
        desk(
            Method::GET,
            "/coordination/requests/{id}",
            get(desk::request_page),
        ),
        desk(
            Method::POST,
            "/coordination/requests/{id}/propose",
            post(desk::propose),
        ),
        desk(
            Method::POST,
            "/coordination/requests/{id}/withdraw",
            post(desk::withdraw_request),
        ),
        desk(
            Method::POST,
            "/coordination/matches/{id}/withdraw",
            post(desk::withdraw_match),
        ),
        desk(Method::GET, "/coordination/round", get(desk::round)),
        desk(
            Method::GET,
            "/coordination/days/{id}/cover",
            get(desk::cover_page),
        ),
        desk(
            Method::POST,
            "/coordination/days/{id}/cover",
            post(desk::propose_cover),
        ),
        desk(
            Method::GET,
            "/coordination/timebank",
            get(timebank::timebank),
        ),
        desk(
            Method::POST,
            "/coordination/timebank/gift",
            post(timebank::gift),
        ),
        desk(Method::GET, "/coordination/people", get(people::list)),
        desk(
            Method::GET,
            "/coordination/people/new",
            get(people::new_form),
        ),
        desk(
            Method::POST,
            "/coordination/people/new",
            post(people::create),
        ),
        desk(Method::GET, "/coordination/people/{id}", get(people::show)),
        desk(
            Method::GET,
            "/coordination/people/{id}/offers/new",
            get(offer_request::their_offer_form),
        ),
        desk(
            Method::POST,
            "/coordination/people/{id}/offers/new",
            post(offer_request::their_offer),
        ),
        desk(
            Method::GET,
            "/coordination/people/{id}/requests/new",
            get(offer_request::their_request_form),
        ),
        desk(
            Method::POST,
            "/coordination/people/{id}/requests/new",
            post(offer_request::their_request),
        ),
        desk(
            Method::POST,
            "/coordination/people/{id}/pvg",
            post(people::record_pvg),
        ),
        desk(
            Method::POST,
            "/coordination/people/{id}/limits",
            post(people::set_limits),
        ),
        desk(
            Method::GET,
            "/coordination/people/{id}/hours",
            get(people::hours),
        ),
    ]
}

/// What a redirect after a form asks the next page to say.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct Flash {
    pub done: String,
    pub problem: String,
}

/// Codes a page may report, each with its message.
const DONE: &[&str] = &[
    "offer",
    "request",
    "withdrawn",
    "away",
    "accepted",
    "declined",
    "ended",
    "logged",
    "proposed",
    "cover",
    "gift",
    "pvg",
    "limits",
    "person",
    "paid_by_organisation",
    "not_paid",
];
const PROBLEMS: &[&str] = &[
    "not_found",
    "forbidden",
    "request_closed",
    "already_matched",
    "offer_closed",
    "no_longer_suits",
    "slot_taken",
    "too_far_ahead",
    "stale",
    "not_yet",
    "reason_missing",
    "time_bank",
    "input",
];

impl Flash {
    /// (success, problem) messages, from the catalogue.
    pub fn messages(&self, shell: &Shell) -> (String, String) {
        let pick = |code: &str, known: &[&str], prefix: &str| {
            if known.contains(&code) {
                shell.t(&format!("coordination.{prefix}.{code}"))
            } else {
                String::new()
            }
        };
        (
            pick(&self.done, DONE, "done"),
            pick(&self.problem, PROBLEMS, "problem"),
        )
    }
}

/// Where to go back to after a form: a page of this capability, or `fallback`.
pub fn back_to(requested: &str, fallback: &str) -> String {
    let safe = (requested.starts_with("/help") || requested.starts_with("/coordination"))
        && !requested.contains("//")
        && !requested.contains(['\\', '\r', '\n']);
    if safe {
        requested.to_owned()
    } else {
        fallback.to_owned()
    }
}

/// `path` with `?key=code` (or `&key=code`) added.
pub fn with_flash(path: &str, key: &str, code: &str) -> String {
    let joiner = if path.contains('?') { '&' } else { '?' };
    format!("{path}{joiner}{key}={code}")
}

/// A step's failure as a redirect with a problem code; internal failures
/// stay errors.
pub fn problem_redirect(path: &str, error: WorkflowError) -> Result<axum::response::Response> {
    match error {
        WorkflowError::Database(error) => Err(error.into()),
        WorkflowError::NotFound => Err(AppError::NotFound),
        WorkflowError::Forbidden => Err(AppError::Forbidden),
        other => Ok(crate::access::redirect(&with_flash(
            path,
            "problem",
            other.code(),
        ))),
    }
}

/// Records that staff were shown a person's record on a co-delivery page.
/// A person's record, if `user` coordinates for the organisation holding
/// it and, when the person is on a team's caseload, is on such a team or
/// an administrator (`people::reach`); anyone else is told it is not
/// there, as for any record they may not know of.
pub async fn held_person(conn: &mut AnyConnection, user: &CurrentUser, id: i64) -> Result<Person> {
    let person = store::people::find(conn, id)
        .await?
        .filter(|p| user.may(COORDINATING_ROLES, p.organisation_id))
        .ok_or(AppError::NotFound)?;
    if !Caseloads::of(user).open(conn, person.id).await? {
        return Err(AppError::NotFound);
    }
    Ok(person)
}

/// A request, if `user` coordinates for the organisation holding the
/// record of the person who asked.
pub async fn held_request(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    id: i64,
) -> Result<RequestRecord> {
    store::requests::find(conn, id)
        .await?
        .filter(|r| user.may(COORDINATING_ROLES, r.holder))
        .ok_or(AppError::NotFound)
}

/// Records that `user` was shown a person's record, in the transaction
/// that read it.
pub async fn audit_read(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    ip: &str,
    person_id: i64,
    why: &str,
) -> Result<()> {
    audit::record_in(
        conn,
        Event::new(Action::PersonRead, Some(user.account_id), ip)
            .subject("coordination_person", person_id)
            .detail(why),
    )
    .await?;
    Ok(())
}

/// Records a staff action on a person's behalf, in the transaction of
/// the action.
pub async fn audit_action(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    ip: &str,
    action: Action,
    person_id: i64,
    detail: String,
) -> Result<()> {
    audit::record_in(
        conn,
        Event::new(action, Some(user.account_id), ip)
            .subject("coordination_person", person_id)
            .detail(detail),
    )
    .await?;
    Ok(())
}

/// An offer as a line in a list.
#[derive(Debug, Clone)]
pub struct OfferLine {
    pub id: i64,
    pub description: String,
    pub categories: String,
    pub slots: String,
    pub reach: String,
    pub open: bool,
    pub away: Vec<String>,
}

impl OfferLine {
    pub fn new(shell: &Shell, offer: &OfferRecord, terms: &HashMap<String, String>) -> Self {
        Self {
            id: offer.id,
            description: offer.description.clone(),
            categories: offer
                .categories
                .iter()
                .map(|c| views::category(terms, c))
                .collect::<Vec<_>>()
                .join(", "),
            slots: offer
                .slots
                .iter()
                .map(|s| format!("{} {}", views::day_name(shell, s.day), s.time))
                .collect::<Vec<_>>()
                .join(", "),
            reach: plain::distance(offer.max_distance_metres),
            open: offer.open,
            away: offer
                .away
                .iter()
                .map(|(_, d)| format!("{} – {}", plain::date(d.first), plain::date(d.last)))
                .collect(),
        }
    }
}

/// A match as a line in a list.
#[derive(Debug, Clone)]
pub struct MatchLine {
    pub id: i64,
    pub category: String,
    pub when: String,
    pub status_label: String,
    /// The other side's name, once agreed.
    pub other: String,
}

/// Lines for `matches`; `helper_side` says whose list it is, so the other
/// side's name is the requester's or the helper's.
pub async fn match_lines(
    conn: &mut AnyConnection,
    shell: &Shell,
    matches: &[MatchRecord],
    helper_side: bool,
) -> Result<Vec<MatchLine>> {
    let terms = views::term_names(conn).await?;
    let names = store::people::names(conn).await?;
    let mut lines = Vec::new();
    for held in matches {
        let (Some(request), Some(offer)) = (
            store::requests::find(conn, held.request_id).await?,
            store::offers::find(conn, held.offer_id).await?,
        ) else {
            continue;
        };
        let other = if held.status.was_agreed() {
            let id = if helper_side {
                request.person_id
            } else {
                offer.person_id
            };
            names.get(&id).cloned().unwrap_or_default()
        } else {
            String::new()
        };
        lines.push(MatchLine {
            id: held.id,
            category: views::category(&terms, &request.category),
            when: views::match_when(shell, held),
            status_label: shell.t(held.status.label_key()),
            other,
        });
    }
    Ok(lines)
}

//! The coordinators' desk: open requests with the engine's candidates and
//! the reasons for each (and for everyone left out), proposals waiting for
//! an answer, the day's round, gaps to cover, and the time bank.

use std::collections::HashMap;

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    response::Response,
};
use coprod_engine::{
    matching::{Candidate, Ranking},
    plain,
    schedule::Date,
};
use serde::Deserialize;

use super::{
    Flash, MatchLine, audit_read, held_request, match_lines, problem_redirect, with_flash,
};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::Action,
    coordination::{
        COORDINATING_ROLES, days,
        forms::parse_date,
        matcher::Pool,
        model::{MatchStatus, today},
        notify::{self, Change},
        store,
        views::{self, RequestLine, RoundLine},
        workflow::{self, Actor},
    },
    error::{AppError, Result},
    web::{ClientIp, NoFields, Shell, StrictForm, page},
};

/// Gaps are looked for this many days ahead.
const GAP_DAYS: i64 = 14;

/// An open request with how many offers suit it.
#[derive(Debug, Clone)]
pub struct OpenLine {
    pub request: RequestLine,
    pub candidates: usize,
}

#[derive(Template)]
#[template(path = "coordination/desk.html")]
struct DeskPage {
    shell: Shell,
    done: String,
    problem: String,
    open: Vec<OpenLine>,
    waiting: Vec<MatchLine>,
    today_text: String,
    round: Vec<RoundLine>,
    gaps: Vec<RoundLine>,
}

pub async fn desk(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let today = today();
    days::book_weeks_ahead(&state.db, today)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let mut conn = state.db.begin_write().await?;
    let pool = Pool::load(&mut conn, None).await?;
    let terms = views::term_names(&mut conn).await?;
    let names = store::people::names(&mut conn).await?;
    let reach = user.reach(COORDINATING_ROLES);
    let open = store::requests::unmatched(&mut conn)
        .await?
        .iter()
        .filter(|record| reach.covers(record.holder))
        .map(|record| OpenLine {
            request: RequestLine::new(
                &shell,
                record,
                names.get(&record.person_id).map_or("", String::as_str),
                &terms,
            ),
            candidates: pool.rank(&pool.request(record), today).candidates.len(),
        })
        .collect();
    let mut waiting_matches = Vec::new();
    for held in store::matches::waiting(&mut conn).await? {
        let holder = store::requests::find(&mut conn, held.request_id)
            .await?
            .map(|r| r.holder);
        if holder.is_some_and(|holder| reach.covers(holder)) {
            waiting_matches.push(held);
        }
    }
    let mut waiting = match_lines(&mut conn, &shell, &waiting_matches, true).await?;
    // Coordinators see whom each proposal waits on.
    for (line, held) in waiting.iter_mut().zip(&waiting_matches) {
        if let Some(offer) = store::offers::find(&mut conn, held.offer_id).await? {
            line.other = names.get(&offer.person_id).cloned().unwrap_or_default();
        }
    }
    let days = store::rounds::agreed_between(&mut conn, &reach, today, today, None).await?;
    let round = views::round_lines(&mut conn, &shell, &days).await?;
    let gaps = views::gaps(
        &mut conn,
        &shell,
        &reach,
        today,
        today.add_days(GAP_DAYS - 1),
    )
    .await?;
    audit_round(&mut conn, &user, &ip, "today's round and gaps").await?;
    let (done, problem) = flash.messages(&shell);
    conn.commit().await?;
    page(&DeskPage {
        today_text: views::date_text(&shell, today),
        shell,
        done,
        problem,
        open,
        waiting,
        round,
        gaps,
    })
}

/// A round names the people helped and where they live: one audit entry
/// for the whole list.
async fn audit_round(
    conn: &mut sqlx::AnyConnection,
    user: &CurrentUser,
    ip: &str,
    why: &str,
) -> Result<()> {
    crate::audit::record_in(
        conn,
        crate::audit::Event::new(Action::PersonRead, Some(user.account_id), ip).detail(why),
    )
    .await?;
    Ok(())
}

/// A candidate as the coordinator sees it.
#[derive(Debug, Clone)]
pub struct CandidateView {
    pub offer_id: String,
    pub name: String,
    pub score: String,
    pub reasons: String,
    /// (slot number, "Tuesdays 10:00–12:00").
    pub slots: Vec<(u32, String)>,
}

/// An offer left out, and why.
#[derive(Debug, Clone)]
pub struct ExclusionView {
    pub name: String,
    pub why: String,
}

fn candidate_view(shell: &Shell, names: &HashMap<i64, String>, c: &Candidate) -> CandidateView {
    let name = c
        .person
        .as_str()
        .parse::<i64>()
        .ok()
        .and_then(|id| names.get(&id).cloned())
        .unwrap_or_default();
    CandidateView {
        offer_id: c.offer.as_str().to_owned(),
        name,
        score: format!("{:.1}", points(c.score.total())),
        reasons: c.plain_english(),
        slots: c
            .slots
            .iter()
            .map(|fit| {
                let label = match fit.date {
                    Some(date) => format!("{} {}", views::date_text(shell, date), fit.time),
                    None => format!("{} {}", views::day_name(shell, fit.day), fit.time),
                };
                (fit.slot.0, label)
            })
            .collect(),
    }
}

/// Thousandths of a point as points.
#[expect(
    clippy::cast_precision_loss,
    reason = "scores are far below 2^52 thousandths"
)]
fn points(millipoints: u64) -> f64 {
    millipoints as f64 / 1_000.0
}

fn ranking_views(
    shell: &Shell,
    names: &HashMap<i64, String>,
    terms: &HashMap<String, String>,
    ranking: &Ranking,
) -> (Vec<CandidateView>, Vec<ExclusionView>) {
    let candidates = ranking
        .candidates
        .iter()
        .map(|c| candidate_view(shell, names, c))
        .collect();
    let excluded = ranking
        .excluded
        .iter()
        .map(|e| ExclusionView {
            name: e
                .person
                .as_str()
                .parse::<i64>()
                .ok()
                .and_then(|id| names.get(&id).cloned())
                .unwrap_or_default(),
            why: e.plain_english_named(|id| views::category(terms, id.as_str())),
        })
        .collect();
    (candidates, excluded)
}

#[derive(Template)]
#[template(path = "coordination/request.html")]
struct RequestPage {
    shell: Shell,
    done: String,
    problem: String,
    request: RequestLine,
    open: bool,
    phone: String,
    email: String,
    address: String,
    postcode: String,
    channel: String,
    needs: Vec<String>,
    candidates: Vec<CandidateView>,
    excluded: Vec<ExclusionView>,
    matches: Vec<MatchLine>,
    live: bool,
}

pub async fn request_page(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let mut conn = state.db.begin_write().await?;
    let record = held_request(&mut conn, &user, id).await?;
    let person = store::people::find(&mut conn, record.person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    audit_read(&mut conn, &user, &ip, person.id, "request page").await?;
    let terms = views::term_names(&mut conn).await?;
    let names = store::people::names(&mut conn).await?;
    let history = store::matches::for_request(&mut conn, id).await?;
    let live = history.iter().any(|m| m.status.is_live() && !m.is_cover);
    let (candidates, excluded) = if record.is_open() && !live {
        let pool = Pool::load(&mut conn, None).await?;
        ranking_views(
            &shell,
            &names,
            &terms,
            &pool.rank(&pool.request(&record), today()),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let mut matches = match_lines(&mut conn, &shell, &history, true).await?;
    for (line, held) in matches.iter_mut().zip(&history) {
        if let Some(offer) = store::offers::find(&mut conn, held.offer_id).await? {
            line.other = names.get(&offer.person_id).cloned().unwrap_or_default();
        }
    }
    let mut needs = Vec::new();
    if record.vulnerable_adult {
        needs.push(shell.t("coordination.needs.vulnerable_adult"));
    }
    if record.same_gender_helper {
        needs.push(shell.t("coordination.needs.same_gender"));
    }
    if record.wheelchair_access {
        needs.push(shell.t("coordination.needs.wheelchair"));
    }
    if !record.languages.is_empty() {
        let spoken: Vec<&str> = record
            .languages
            .iter()
            .map(coprod_engine::matching::Language::as_str)
            .collect();
        needs.push(shell.t1("coordination.needs.languages", &spoken.join(", ")));
    }
    if let Some(metres) = record.max_distance_metres {
        needs.push(shell.t1("coordination.needs.within", &plain::distance(metres)));
    }
    let (done, problem) = flash.messages(&shell);
    conn.commit().await?;
    page(&RequestPage {
        request: RequestLine::new(&shell, &record, &person.display_name, &terms),
        open: record.is_open(),
        phone: person.phone,
        email: person.email.unwrap_or_default(),
        address: record.address.clone(),
        postcode: record.postcode.clone(),
        channel: shell.t(record.channel.label_key()),
        shell,
        done,
        problem,
        needs,
        candidates,
        excluded,
        matches,
        live,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProposeForm {
    offer: String,
    slot: String,
}

impl ProposeForm {
    fn parts(&self) -> Option<(i64, u32)> {
        Some((self.offer.parse().ok()?, self.slot.parse().ok()?))
    }
}

pub async fn propose(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<ProposeForm>,
) -> Result<Response> {
    let path = format!("/coordination/requests/{id}");
    held_request(&mut *state.db.pool().acquire().await?, &user, id).await?;
    let Some((offer, slot)) = form.parts() else {
        return Ok(redirect(&with_flash(&path, "problem", "input")));
    };
    match workflow::propose(
        &state.db,
        &Actor::person(&user).at(&ip),
        id,
        offer,
        slot,
        today(),
    )
    .await
    {
        Ok(held) => {
            proposed(&state, &shell, &held).await;
            Ok(redirect(&format!(
                "/help/matches/{}?done=proposed",
                held.id
            )))
        }
        Err(error) => problem_redirect(&path, error),
    }
}

/// Tells the volunteer; the proposal is already in the audit log.
async fn proposed(state: &AppState, shell: &Shell, held: &crate::coordination::model::MatchRecord) {
    notify::tell(state, shell, held, Change::Proposed).await;
}

pub async fn withdraw_request(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    let path = format!("/coordination/requests/{id}");
    let mut conn = state.db.pool().acquire().await?;
    held_request(&mut conn, &user, id).await?;
    let live = store::matches::for_request(&mut conn, id)
        .await?
        .iter()
        .any(|m| m.status.is_live() && !m.is_cover);
    if live || !store::requests::set_status(&mut conn, id, "withdrawn").await? {
        return Ok(redirect(&with_flash(&path, "problem", "stale")));
    }
    Ok(redirect(&with_flash(&path, "done", "withdrawn")))
}

pub async fn withdraw_match(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    let path = format!("/help/matches/{id}");
    match workflow::withdraw(&state.db, &Actor::person(&user), id).await {
        Ok(held) => {
            notify::tell(&state, &shell, &held, Change::Withdrawn).await;
            Ok(redirect(&with_flash(&path, "done", "withdrawn")))
        }
        Err(error) => problem_redirect(&path, error),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RoundQuery {
    date: String,
}

#[derive(Template)]
#[template(path = "coordination/round.html")]
struct RoundPage {
    shell: Shell,
    done: String,
    problem: String,
    date_text: String,
    previous: String,
    next: String,
    lines: Vec<RoundLine>,
    today: Date,
    back: String,
}

pub async fn round(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Query(query): Query<RoundQuery>,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let today = today();
    let date = parse_date(&query.date).unwrap_or(today);
    days::book_weeks_ahead(&state.db, today)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let mut conn = state.db.begin_write().await?;
    let days =
        store::rounds::agreed_between(&mut conn, &user.reach(COORDINATING_ROLES), date, date, None)
            .await?;
    let lines = views::round_lines(&mut conn, &shell, &days).await?;
    audit_round(&mut conn, &user, &ip, &format!("round of {date}")).await?;
    let (done, problem) = flash.messages(&shell);
    conn.commit().await?;
    page(&RoundPage {
        date_text: views::date_text(&shell, date),
        previous: date.previous_day().to_string(),
        next: date.next_day().to_string(),
        back: format!("/coordination/round?date={date}"),
        shell,
        done,
        problem,
        lines,
        today,
    })
}

#[derive(Template)]
#[template(path = "coordination/cover.html")]
struct CoverPage {
    shell: Shell,
    problem: String,
    day: RoundLine,
    candidates: Vec<CandidateView>,
    excluded: Vec<ExclusionView>,
}

pub async fn cover_page(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let mut conn = state.db.begin_write().await?;
    let day = store::rounds::find(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let held = store::matches::find(&mut conn, day.match_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if held.status != MatchStatus::Accepted {
        return Err(AppError::NotFound);
    }
    let record = held_request(&mut conn, &user, held.request_id).await?;
    audit_read(&mut conn, &user, &ip, record.person_id, "cover page").await?;
    let line = views::round_lines(&mut conn, &shell, std::slice::from_ref(&day))
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    let names = store::people::names(&mut conn).await?;
    let pool = Pool::load(&mut conn, None).await?;
    let terms = views::term_names(&mut conn).await?;
    let one_day = workflow::cover_request(&record, &held, day.on_date);
    let (candidates, excluded) = ranking_views(
        &shell,
        &names,
        &terms,
        &pool.rank(&pool.request(&one_day), today()),
    );
    let (_, problem) = flash.messages(&shell);
    conn.commit().await?;
    page(&CoverPage {
        shell,
        problem,
        day: line,
        candidates,
        excluded,
    })
}

pub async fn propose_cover(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<ProposeForm>,
) -> Result<Response> {
    let path = format!("/coordination/days/{id}/cover");
    held_day(&state, &user, id).await?;
    let Some((offer, slot)) = form.parts() else {
        return Ok(redirect(&with_flash(&path, "problem", "input")));
    };
    match workflow::propose_cover(
        &state.db,
        &Actor::person(&user).at(&ip),
        id,
        offer,
        slot,
        today(),
    )
    .await
    {
        Ok(held) => {
            proposed(&state, &shell, &held).await;
            Ok(redirect(&format!("/help/matches/{}?done=cover", held.id)))
        }
        Err(error) => problem_redirect(&path, error),
    }
}

/// Refuses a day of help unless `user` coordinates for the organisation
/// holding the record of the person helped.
async fn held_day(state: &AppState, user: &CurrentUser, id: i64) -> Result<()> {
    let mut conn = state.db.pool().acquire().await?;
    let day = store::rounds::find(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let held = store::matches::find(&mut conn, day.match_id)
        .await?
        .ok_or(AppError::NotFound)?;
    held_request(&mut conn, user, held.request_id).await?;
    Ok(())
}

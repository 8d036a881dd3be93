//! Each person's own side of co-delivery: their offers and requests, the
//! proposals they are asked to answer, their matches (with the other side's
//! contact details once agreed), their round this week and their hours.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    response::Response,
};
use coprod_engine::schedule::{Date, DateRange};
use serde::Deserialize;

use super::{
    Flash, MatchLine, OfferLine, audit_read, back_to, held_person, held_request, match_lines,
    problem_redirect, with_flash,
};
use crate::{
    access::{Reach, redirect},
    accounts::CurrentUser,
    app::AppState,
    coordination::{
        days::{self, Payment},
        forms::parse_date,
        hours::{self, StatementView},
        is_coordinator,
        model::{MatchStatus, OccurrenceStatus, Person, today},
        notify::{self, Change},
        store,
        views::{self, MatchView, RequestLine, RoundLine},
        workflow::{self, Actor},
    },
    error::{AppError, Result},
    web::{ClientIp, NoFields, Shell, StrictForm, page},
};

#[derive(Template)]
#[template(path = "coordination/mine.html")]
struct MinePage {
    shell: Shell,
    done: String,
    problem: String,
    known: bool,
    to_answer: Vec<MatchLine>,
    helping: Vec<MatchLine>,
    helped: Vec<MatchLine>,
    offers: Vec<OfferLine>,
    requests: Vec<RequestLine>,
}

/// The signed-in person's record, if they have offered or asked yet.
async fn me(state: &AppState, user: &CurrentUser) -> Result<Option<Person>> {
    let mut conn = state.db.pool().acquire().await?;
    Ok(store::people::for_account(&mut conn, user.account_id).await?)
}

/// Whether `user` may act on something of `person_id`'s from the help
/// pages: it is their own, or they coordinate for the organisation holding
/// the person. To anyone else it is not there.
async fn acting_for(state: &AppState, user: &CurrentUser, person_id: i64) -> Result<()> {
    if me(state, user).await?.is_some_and(|p| p.id == person_id) {
        return Ok(());
    }
    let mut conn = state.db.pool().acquire().await?;
    held_person(&mut conn, user, person_id).await.map(|_| ())
}

/// Whether `user` may act on a match from the help pages: they are its
/// helper or its asker, or coordinate for whoever holds the asker.
async fn acting_on_match(state: &AppState, user: &CurrentUser, match_id: i64) -> Result<()> {
    let mut conn = state.db.pool().acquire().await?;
    let held = store::matches::find(&mut conn, match_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (helper, asker) = workflow::sides(&mut conn, &held)
        .await
        .map_err(|_| AppError::NotFound)?;
    drop(conn);
    for person in [helper, asker] {
        if me(state, user).await?.is_some_and(|p| p.id == person) {
            return Ok(());
        }
    }
    acting_for(state, user, asker).await
}

/// As [`acting_on_match`], for the match a day of help belongs to.
async fn acting_on_match_of_day(state: &AppState, user: &CurrentUser, day_id: i64) -> Result<()> {
    let mut conn = state.db.pool().acquire().await?;
    let day = store::rounds::find(&mut conn, day_id)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    acting_on_match(state, user, day.match_id).await
}

pub async fn overview(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let (done, problem) = flash.messages(&shell);
    let mut conn = state.db.pool().acquire().await?;
    let mut page_data = MinePage {
        shell,
        done,
        problem,
        known: false,
        to_answer: Vec::new(),
        helping: Vec::new(),
        helped: Vec::new(),
        offers: Vec::new(),
        requests: Vec::new(),
    };
    if let Some(person) = store::people::for_account(&mut conn, user.account_id).await? {
        let shell = &page_data.shell;
        let terms = views::term_names(&mut conn).await?;
        let helping = store::matches::for_helper(&mut conn, person.id).await?;
        let (waiting, rest): (Vec<_>, Vec<_>) = helping
            .into_iter()
            .partition(|m| m.status == MatchStatus::Proposed);
        page_data.to_answer = match_lines(&mut conn, shell, &waiting, true).await?;
        page_data.helping = match_lines(&mut conn, shell, &rest, true).await?;
        let helped: Vec<_> = store::matches::for_requester(&mut conn, person.id)
            .await?
            .into_iter()
            .filter(|m| m.status.was_agreed())
            .collect();
        page_data.helped = match_lines(&mut conn, shell, &helped, false).await?;
        page_data.offers = store::offers::for_person(&mut conn, person.id)
            .await?
            .iter()
            .map(|o| OfferLine::new(shell, o, &terms))
            .collect();
        page_data.requests = store::requests::for_person(&mut conn, person.id)
            .await?
            .iter()
            .map(|r| RequestLine::new(shell, r, &person.display_name, &terms))
            .collect();
        page_data.known = true;
    }
    page(&page_data)
}

pub async fn withdraw_offer(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let offer = store::offers::find(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    acting_for(&state, &user, offer.person_id).await?;
    store::offers::withdraw(&mut conn, id).await?;
    Ok(redirect("/help?done=withdrawn"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AwayForm {
    first: String,
    last: String,
    back: String,
}

pub async fn add_away(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<AwayForm>,
) -> Result<Response> {
    let back = back_to(&form.back, "/help");
    let mut conn = state.db.pool().acquire().await?;
    let offer = store::offers::find(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    acting_for(&state, &user, offer.person_id).await?;
    let dates = match (parse_date(&form.first), parse_date(&form.last)) {
        (Some(first), Some(last)) if first <= last => DateRange { first, last },
        _ => return Ok(redirect(&with_flash(&back, "problem", "input"))),
    };
    store::offers::add_away(&mut conn, id, dates).await?;
    Ok(redirect(&with_flash(&back, "done", "away")))
}

pub async fn withdraw_request(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let request = store::requests::find(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mine = me(&state, &user)
        .await?
        .is_some_and(|p| p.id == request.person_id);
    if !mine {
        return Err(AppError::NotFound);
    }
    let live = store::matches::for_request(&mut conn, id)
        .await?
        .into_iter()
        .any(|m| m.status.is_live());
    if live || !store::requests::set_status(&mut conn, id, "withdrawn").await? {
        return Ok(redirect("/help?problem=stale"));
    }
    Ok(redirect("/help?done=withdrawn"))
}

#[derive(Template)]
#[template(path = "coordination/match.html")]
struct MatchPage {
    shell: Shell,
    done: String,
    problem: String,
    view: MatchView,
    /// The reader is the helper (or a coordinator acting for them).
    can_answer: bool,
    is_coordinator: bool,
    can_log: bool,
    today: Date,
    back: String,
}

pub async fn match_page(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let mut conn = state.db.begin_write().await?;
    // A coordinator reads the match only if it is about people their
    // organisation holds; to anyone else it is not there.
    let coordinator = is_coordinator(&user) && {
        let held = store::matches::find(&mut conn, id)
            .await?
            .ok_or(AppError::NotFound)?;
        held_request(&mut conn, &user, held.request_id)
            .await
            .is_ok()
    };
    let view = MatchView::load(&mut conn, &shell, id, coordinator)
        .await?
        .ok_or(AppError::NotFound)?;
    let reader = Some(user.account_id);
    let helper = view.helper_account == reader;
    let requester = view.requester_account == reader;
    if !(helper || requester || coordinator) {
        return Err(AppError::NotFound);
    }
    if coordinator && !(helper || requester) {
        let held = store::matches::find(&mut conn, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let (helper_id, requester_id) = workflow::sides(&mut conn, &held)
            .await
            .map_err(|_| AppError::NotFound)?;
        for person in [helper_id, requester_id] {
            audit_read(&mut conn, &user, &ip, person, "match page").await?;
        }
    }
    let (done, problem) = flash.messages(&shell);
    let can_log = view.status.was_agreed() && (helper || requester || coordinator);
    conn.commit().await?;
    page(&MatchPage {
        back: format!("/help/matches/{id}"),
        shell,
        done,
        problem,
        can_answer: view.is_proposed() && (helper || coordinator),
        is_coordinator: coordinator,
        can_log,
        today: today(),
        view,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AnswerForm {
    reason: String,
}

async fn answer(
    state: &AppState,
    shell: &Shell,
    user: &CurrentUser,
    id: i64,
    accept: bool,
    reason: &str,
) -> Result<Response> {
    acting_on_match(state, user, id).await?;
    let path = format!("/help/matches/{id}");
    match workflow::answer(&state.db, &Actor::person(user), id, accept, reason).await {
        Ok(held) => {
            let change = if accept {
                Change::Accepted
            } else {
                Change::Declined
            };
            notify::tell(state, shell, &held, change).await;
            let code = if accept { "accepted" } else { "declined" };
            Ok(redirect(&with_flash(&path, "done", code)))
        }
        Err(error) => problem_redirect(&path, error),
    }
}

pub async fn accept(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    answer(&state, &shell, &user, id, true, "").await
}

pub async fn decline(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<AnswerForm>,
) -> Result<Response> {
    let reason: String = form.reason.chars().take(500).collect();
    answer(&state, &shell, &user, id, false, &reason).await
}

pub async fn end(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<AnswerForm>,
) -> Result<Response> {
    acting_on_match(&state, &user, id).await?;
    let path = format!("/help/matches/{id}");
    let note: String = form.reason.chars().take(500).collect();
    match workflow::end(&state.db, &Actor::person(&user), id, &note, today()).await {
        Ok(held) => {
            notify::tell(&state, &shell, &held, Change::Ended).await;
            Ok(redirect(&with_flash(&path, "done", "ended")))
        }
        Err(error) => problem_redirect(&path, error),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LogForm {
    status: String,
    note: String,
    needs_cover: String,
    back: String,
}

pub async fn log_day(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<LogForm>,
) -> Result<Response> {
    acting_on_match_of_day(&state, &user, id).await?;
    let back = back_to(&form.back, "/help/round");
    let Some(status) =
        OccurrenceStatus::parse(&form.status).filter(|s| *s != OccurrenceStatus::Planned)
    else {
        return Ok(redirect(&with_flash(&back, "problem", "input")));
    };
    let note: String = form.note.chars().take(500).collect();
    let needs_cover = !form.needs_cover.is_empty();
    match days::log(
        &state.db,
        &Actor::person(&user),
        id,
        status,
        needs_cover,
        &note,
        today(),
    )
    .await
    {
        Ok((day, payment)) => {
            if day.needs_cover {
                let mut conn = state.db.pool().acquire().await?;
                if let Some(held) = store::matches::find(&mut conn, day.match_id).await? {
                    notify::tell(&state, &shell, &held, Change::CoverNeeded).await;
                }
            }
            let code = match payment {
                Payment::ByOrganisation => "paid_by_organisation",
                Payment::Refused(_) => "not_paid",
                _ => "logged",
            };
            Ok(redirect(&with_flash(&back, "done", code)))
        }
        Err(error) => problem_redirect(&back, error),
    }
}

#[derive(Template)]
#[template(path = "coordination/my_round.html")]
struct RoundPage {
    shell: Shell,
    done: String,
    problem: String,
    week: String,
    lines: Vec<RoundLine>,
    today: Date,
}

/// Monday to Sunday of the week `date` falls in.
pub fn week_of(date: Date) -> (Date, Date) {
    let back = i64::from(date.weekday().index());
    let monday = date.add_days(-back);
    (monday, monday.add_days(6))
}

pub async fn round(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let today = today();
    days::book_weeks_ahead(&state.db, today)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let (monday, sunday) = week_of(today);
    let mut conn = state.db.pool().acquire().await?;
    let lines = match store::people::for_account(&mut conn, user.account_id).await? {
        Some(person) => {
            let days = store::rounds::agreed_between(
                &mut conn,
                &Reach::Partnership,
                monday,
                sunday,
                Some(person.id),
            )
            .await?;
            views::round_lines(&mut conn, &shell, &days).await?
        }
        None => Vec::new(),
    };
    let (done, problem) = flash.messages(&shell);
    let week = crate::web::i18n::fill(
        &shell.t("coordination.round.week"),
        &[
            &views::date_text(&shell, monday),
            &views::date_text(&shell, sunday),
        ],
    );
    page(&RoundPage {
        shell,
        done,
        problem,
        week,
        lines,
        today,
    })
}

#[derive(Template)]
#[template(path = "coordination/statement.html")]
pub struct StatementPage {
    pub shell: Shell,
    pub heading: String,
    pub statement: Option<StatementView>,
    pub back: String,
}

pub async fn hours(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
) -> Result<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let statement = match store::people::for_account(&mut conn, user.account_id).await? {
        Some(person) => hours::statement(&mut conn, &shell, person.id, hours::last_year(today()))
            .await
            .map_err(|e| AppError::Internal(e.into()))?,
        None => None,
    };
    page(&StatementPage {
        heading: shell.t("coordination.hours.mine"),
        shell,
        statement,
        back: "/help".into(),
    })
}

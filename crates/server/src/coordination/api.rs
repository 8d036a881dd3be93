//! Co-delivery in coprod's own API, for an organisation's systems: open
//! requests, the engine's candidates with their reasons, proposing, the
//! round and its gaps, logging days, statements and hours by area. A token
//! acts as a coordinator would; every read of people's details is audited.

use axum::{
    Extension, Json,
    body::Bytes,
    extract::{Path, Query, State},
    http::StatusCode,
};
use coprod_engine::{
    matching::{Candidate, Exclusion, Ranking},
    schedule::{Date, DateRange},
    timebank::{AccountId, AreaTotals, Statement},
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::{
    days::{self, Payment},
    forms::parse_date,
    hours,
    matcher::Pool,
    model::{MatchRecord, Occurrence, OccurrenceStatus, RequestRecord, today, word},
    store::{self, ledger::member},
    views,
    workflow::{self, Actor, WorkflowError},
};
use crate::{
    api::ApiClient,
    app::AppState,
    audit::{self, Action, Event},
    error::{AppError, Problem, Result},
};

/// A workflow refusal as an API error.
fn refused(error: WorkflowError) -> AppError {
    let code = error.code();
    let key = match error {
        // A token is told that another organisation's record is not there,
        // as for any record it may not know of.
        WorkflowError::NotFound | WorkflowError::Forbidden => return AppError::NotFound,
        WorkflowError::Database(error) => return error.into(),
        WorkflowError::RequestClosed => "coordination.problem.request_closed",
        WorkflowError::AlreadyMatched => "coordination.problem.already_matched",
        WorkflowError::OfferClosed => "coordination.problem.offer_closed",
        WorkflowError::NoLongerSuits(_) => "coordination.problem.no_longer_suits",
        WorkflowError::SlotTaken => "coordination.problem.slot_taken",
        WorkflowError::TooFarAhead => "coordination.problem.too_far_ahead",
        WorkflowError::Stale => "coordination.problem.stale",
        WorkflowError::NotYet => "coordination.problem.not_yet",
        WorkflowError::ReasonMissing => "coordination.problem.reason_missing",
        WorkflowError::Ledger(_) => "coordination.problem.time_bank",
    };
    AppError::Conflict { code, key }
}

/// Notes in the audit log, in the transaction that read them, that an
/// organisation's system read people's details.
async fn audit_api(conn: &mut sqlx::AnyConnection, client: &ApiClient, what: String) -> Result<()> {
    let event = Event::new(Action::PersonRead, None, "")
        .token(Some(client.token_id))
        .detail(format!("API token {}: {what}", client.token_name));
    audit::record_in(conn, event).await?;
    Ok(())
}

/// A time in the week a person can be helped.
#[derive(Serialize, ToSchema)]
pub struct WindowOut {
    /// `MO` … `SU`.
    pub day: String,
    /// Minutes since midnight.
    pub start: u16,
    pub end: u16,
}

/// An open request. The exact address is not here: it goes only to those
/// matched.
#[derive(Serialize, ToSchema)]
pub struct RequestOut {
    pub id: i64,
    pub person_id: i64,
    /// A taxonomy term id.
    pub category: String,
    pub description: String,
    pub recurring: bool,
    /// `YYYY-MM-DD`: the day of one-off help, or weekly help's first week.
    pub first_date: String,
    pub last_date: Option<String>,
    pub windows: Vec<WindowOut>,
    pub duration_minutes: u16,
    /// The postcode district and sector, such as `AV1 2`.
    pub area: String,
    /// `routine`, `soon` or `urgent`.
    pub urgency: String,
    pub vulnerable_adult: bool,
}

impl From<&RequestRecord> for RequestOut {
    fn from(r: &RequestRecord) -> Self {
        Self {
            id: r.id,
            person_id: r.person_id,
            category: r.category.clone(),
            description: r.description.clone(),
            recurring: r.recurring,
            first_date: r.first_date.to_string(),
            last_date: r.last_date.map(|d| d.to_string()),
            windows: r
                .windows
                .iter()
                .map(|w| WindowOut {
                    day: w.day.as_rrule().to_owned(),
                    start: w.time.start,
                    end: w.time.end,
                })
                .collect(),
            duration_minutes: r.duration_minutes,
            area: r.area_hint(),
            urgency: word(r.urgency),
            vulnerable_adult: r.vulnerable_adult,
        }
    }
}

/// Open requests nobody has been proposed for yet.
#[derive(Serialize, ToSchema)]
pub struct RequestList {
    pub items: Vec<RequestOut>,
}

/// Open requests waiting for a helper, the most urgent first.
#[utoipa::path(get, path = "/api/v1/coordination/requests", tag = "coordination",
    responses((status = 200, body = RequestList), (status = 401, body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn requests(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
) -> Result<Json<RequestList>> {
    let mut conn = state.db.pool().acquire().await?;
    let reach = client.reach();
    let items = store::requests::unmatched(&mut conn)
        .await?
        .iter()
        .filter(|r| reach.covers(r.holder))
        .map(RequestOut::from)
        .collect();
    Ok(Json(RequestList { items }))
}

/// An offer that meets every hard constraint, with its score and reasons.
#[derive(Serialize, ToSchema)]
pub struct CandidateOut {
    pub offer_id: i64,
    pub person_id: i64,
    pub name: String,
    /// The total, in thousandths of a point.
    pub score: u64,
    /// The reasons on one line, in English.
    pub summary: String,
    /// The engine's candidate: score parts, free slots and reasons as data.
    #[schema(value_type = Object)]
    pub detail: Value,
}

/// An offer left out, with every rule it failed.
#[derive(Serialize, ToSchema)]
pub struct ExclusionOut {
    pub offer_id: i64,
    pub person_id: i64,
    pub name: String,
    pub summary: String,
    /// The engine's rules unmet, as data: one entry per rule.
    #[schema(value_type = Vec<Object>)]
    pub unmet: Value,
}

/// Every open offer judged for one request.
#[derive(Serialize, ToSchema)]
pub struct RankingOut {
    pub request: RequestOut,
    pub candidates: Vec<CandidateOut>,
    pub excluded: Vec<ExclusionOut>,
}

fn ids(offer: &str, person: &str) -> (i64, i64) {
    (offer.parse().unwrap_or(0), person.parse().unwrap_or(0))
}

fn ranking_out(
    request: RequestOut,
    ranking: &Ranking,
    names: &std::collections::HashMap<i64, String>,
) -> RankingOut {
    let candidate = |c: &Candidate| {
        let (offer_id, person_id) = ids(c.offer.as_str(), c.person.as_str());
        CandidateOut {
            offer_id,
            person_id,
            name: names.get(&person_id).cloned().unwrap_or_default(),
            score: c.score.total(),
            summary: c.plain_english(),
            detail: serde_json::to_value(c).unwrap_or(Value::Null),
        }
    };
    let exclusion = |e: &Exclusion| {
        let (offer_id, person_id) = ids(e.offer.as_str(), e.person.as_str());
        ExclusionOut {
            offer_id,
            person_id,
            name: names.get(&person_id).cloned().unwrap_or_default(),
            summary: e.plain_english(),
            unmet: serde_json::to_value(&e.unmet).unwrap_or(Value::Null),
        }
    };
    RankingOut {
        request,
        candidates: ranking.candidates.iter().map(candidate).collect(),
        excluded: ranking.excluded.iter().map(exclusion).collect(),
    }
}

/// The offers that suit a request, best first, each with its reasons, and
/// every other offer with the rules it fails.
#[utoipa::path(get, path = "/api/v1/coordination/requests/{id}/candidates", tag = "coordination",
    params(("id" = i64, Path, description = "Request id")),
    responses((status = 200, body = RankingOut), (status = 404, body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn candidates(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    Path(id): Path<i64>,
) -> Result<Json<RankingOut>> {
    let mut tx = state.db.begin_write().await?;
    let record = store::requests::find(&mut tx, id)
        .await?
        .filter(|r| client.reach().covers(r.holder))
        .ok_or(AppError::NotFound)?;
    let pool = Pool::load(&mut tx, None).await?;
    let ranking = pool.rank(&pool.request(&record), today());
    let names = store::people::names(&mut tx).await?;
    audit_api(&mut tx, &client, format!("candidates for request {id}")).await?;
    tx.commit().await?;
    Ok(Json(ranking_out(
        RequestOut::from(&record),
        &ranking,
        &names,
    )))
}

/// Which offer's slot to propose.
#[derive(Deserialize, ToSchema)]
pub struct ProposalIn {
    #[serde(deserialize_with = "crate::api::whole_number")]
    pub offer_id: i64,
    /// The slot's number within the offer, from a candidate's `detail.slots`.
    #[serde(deserialize_with = "crate::api::whole_number")]
    pub slot: u32,
}

/// A proposal or an agreed match.
#[derive(Serialize, ToSchema)]
pub struct MatchOut {
    pub id: i64,
    pub request_id: i64,
    pub offer_id: i64,
    pub slot: u32,
    /// `proposed`, `accepted`, `declined`, `withdrawn`, `done`, `not_done` or `ended`.
    pub status: String,
    pub recurring: bool,
    pub first_date: String,
    pub last_date: Option<String>,
    /// Minutes since midnight.
    pub start: u16,
    pub end: u16,
}

impl From<&MatchRecord> for MatchOut {
    fn from(m: &MatchRecord) -> Self {
        Self {
            id: m.id,
            request_id: m.request_id,
            offer_id: m.offer_id,
            slot: m.slot_no,
            status: m.status.as_str().to_owned(),
            recurring: m.recurring,
            first_date: m.first_date.to_string(),
            last_date: m.last_date.map(|d| d.to_string()),
            start: m.time.start,
            end: m.time.end,
        }
    }
}

fn body<T: for<'de> Deserialize<'de>>(bytes: &Bytes) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| {
        AppError::Unprocessable(vec![Problem {
            field: String::new(),
            message: format!("the body could not be read: {e}"),
        }])
    })
}

/// Refuses, as not found, a request whose asker the token's organisation
/// does not hold, before anything in the body is looked at: a token learns
/// nothing about records it may not reach.
async fn within_reach(state: &AppState, client: &ApiClient, request: i64) -> Result<()> {
    let mut conn = state.db.pool().acquire().await?;
    store::requests::find(&mut conn, request)
        .await?
        .filter(|r| client.reach().covers(r.holder))
        .map(|_| ())
        .ok_or(AppError::NotFound)
}

/// Proposes an offer's slot for an open request; the volunteer is asked by
/// email. Refused with 409 when the slot has just been booked, the request
/// already has a proposal, or the offer no longer suits.
#[utoipa::path(post, path = "/api/v1/coordination/requests/{id}/proposals", tag = "coordination",
    params(("id" = i64, Path, description = "Request id")),
    request_body = ProposalIn,
    responses(
        (status = 201, body = MatchOut),
        (status = 404, body = crate::api::openapi::ErrorEnvelope),
        (status = 409, description = "`slot_taken`, `already_matched`, `no_longer_suits`, `request_closed`, `offer_closed` or `too_far_ahead`", body = crate::api::openapi::ErrorEnvelope),
        (status = 422, body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn propose(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    Path(id): Path<i64>,
    bytes: Bytes,
) -> Result<(StatusCode, Json<MatchOut>)> {
    within_reach(&state, &client, id).await?;
    let input: ProposalIn = body(&bytes)?;
    let held = workflow::propose(
        &state.db,
        &Actor::token(&client),
        id,
        input.offer_id,
        input.slot,
        today(),
    )
    .await
    .map_err(refused)?;
    let shell = crate::web::Shell::new(&state, None, None, "/");
    super::notify::tell(&state, &shell, &held, super::notify::Change::Proposed).await;
    Ok((StatusCode::CREATED, Json(MatchOut::from(&held))))
}

/// One day of agreed help.
#[derive(Serialize, ToSchema)]
pub struct DayOut {
    pub id: i64,
    pub match_id: i64,
    pub date: String,
    /// `planned`, `done`, `missed` or `cancelled`.
    pub status: String,
    pub needs_cover: bool,
    pub helper_person_id: i64,
    pub requester_person_id: i64,
    pub category: String,
    /// Minutes since midnight.
    pub start: u16,
    pub end: u16,
    /// The exact address, for the organisation running the round.
    pub address: String,
    pub postcode: String,
    /// The helper is away that day.
    pub helper_away: bool,
}

/// Days of help.
#[derive(Serialize, ToSchema)]
pub struct DayList {
    pub items: Vec<DayOut>,
}

/// A day as the API shows it.
async fn day_out(conn: &mut sqlx::AnyConnection, day: &Occurrence) -> Result<Option<DayOut>> {
    let Some(held) = store::matches::find(conn, day.match_id).await? else {
        return Ok(None);
    };
    let (Some(request), Some(offer)) = (
        store::requests::find(conn, held.request_id).await?,
        store::offers::find(conn, held.offer_id).await?,
    ) else {
        return Ok(None);
    };
    Ok(Some(DayOut {
        id: day.id,
        match_id: held.id,
        date: day.on_date.to_string(),
        status: day.status.as_str().to_owned(),
        needs_cover: day.needs_cover,
        helper_person_id: offer.person_id,
        requester_person_id: request.person_id,
        category: request.category.clone(),
        start: held.time.start,
        end: held.time.end,
        address: request.address.clone(),
        postcode: request.postcode.clone(),
        helper_away: offer.away.iter().any(|(_, d)| d.contains(day.on_date)),
    }))
}

/// Days as the API shows them, with their exact addresses: only ever days
/// already read within the token's reach.
async fn days_out(conn: &mut sqlx::AnyConnection, days: &[Occurrence]) -> Result<Vec<DayOut>> {
    let mut items = Vec::with_capacity(days.len());
    for day in days {
        items.extend(day_out(conn, day).await?);
    }
    Ok(items)
}

/// A day, by default today.
#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct DateQuery {
    /// `YYYY-MM-DD`; today when left out.
    #[param(format = Date)]
    pub date: String,
}

/// The round for one day: every day of agreed help due then.
#[utoipa::path(get, path = "/api/v1/coordination/round", tag = "coordination",
    params(DateQuery),
    responses((status = 200, body = DayList), (status = 400, body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn round(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    Query(query): Query<DateQuery>,
) -> Result<Json<DayList>> {
    let date = if query.date.is_empty() {
        today()
    } else {
        Date::parse(&query.date)
            .map_err(|_| AppError::bad_request("error.schedule.date", "date"))?
    };
    days::book_weeks_ahead(&state.db, today())
        .await
        .map_err(refused)?;
    let mut tx = state.db.begin_write().await?;
    let days = store::rounds::agreed_between(&mut tx, &client.reach(), date, date, None).await?;
    let items = days_out(&mut tx, &days).await?;
    audit_api(&mut tx, &client, format!("round of {date}")).await?;
    tx.commit().await?;
    Ok(Json(DayList { items }))
}

/// Days in the next two weeks whose helper is away, or that were called
/// off and need someone to stand in.
#[utoipa::path(get, path = "/api/v1/coordination/gaps", tag = "coordination",
    responses((status = 200, body = DayList)),
    security(("bearer" = [])))]
pub async fn gaps(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
) -> Result<Json<DayList>> {
    let today = today();
    let mut tx = state.db.begin_write().await?;
    let shell = crate::web::Shell::new(&state, None, None, "/");
    let lines = views::gaps(&mut tx, &shell, &client.reach(), today, today.add_days(13)).await?;
    let mut days = Vec::new();
    for line in &lines {
        if let Some(day) = store::rounds::find(&mut tx, line.day.id).await? {
            days.push(day);
        }
    }
    let items = days_out(&mut tx, &days).await?;
    audit_api(&mut tx, &client, "gaps".into()).await?;
    tx.commit().await?;
    Ok(Json(DayList { items }))
}

/// What became of a day's help.
#[derive(Deserialize, ToSchema)]
pub struct LogIn {
    #[schema(schema_with = logged_status_schema)]
    pub status: String,
    #[serde(default)]
    pub note: String,
    /// For `cancelled`: someone must stand in.
    #[serde(default)]
    pub needs_cover: bool,
}

fn logged_status_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    crate::api::openapi::one_of_keys(
        "What became of the day",
        [
            OccurrenceStatus::Done,
            OccurrenceStatus::Missed,
            OccurrenceStatus::Cancelled,
        ]
        .map(OccurrenceStatus::as_str),
    )
}

/// A day as logged, and what it did in the time bank.
#[derive(Serialize, ToSchema)]
pub struct LoggedOut {
    pub day: DayOut,
    /// `none`, `by_member`, `by_organisation`, `reversed` or `refused`.
    pub payment: String,
}

/// Logs a day as done, missed or cancelled (or corrects it). A day done
/// pays the helper in the time bank; a correction away from done gives the
/// hours back.
#[utoipa::path(post, path = "/api/v1/coordination/days/{id}", tag = "coordination",
    params(("id" = i64, Path, description = "Day id")),
    request_body = LogIn,
    responses(
        (status = 200, body = LoggedOut),
        (status = 404, body = crate::api::openapi::ErrorEnvelope),
        (status = 409, description = "`not_yet`, `stale`, `slot_taken` or `time_bank`", body = crate::api::openapi::ErrorEnvelope),
        (status = 422, body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn log_day(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    Path(id): Path<i64>,
    bytes: Bytes,
) -> Result<Json<LoggedOut>> {
    let request = {
        let mut conn = state.db.pool().acquire().await?;
        let day = store::rounds::find(&mut conn, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let held = store::matches::find(&mut conn, day.match_id)
            .await?
            .ok_or(AppError::NotFound)?;
        held.request_id
    };
    within_reach(&state, &client, request).await?;
    let input: LogIn = body(&bytes)?;
    let status = OccurrenceStatus::parse(&input.status)
        .filter(|s| *s != OccurrenceStatus::Planned)
        .ok_or_else(|| {
            AppError::Unprocessable(vec![Problem {
                field: "status".into(),
                message: "must be done, missed or cancelled".into(),
            }])
        })?;
    let note: String = input.note.chars().take(500).collect();
    let (day, payment) = days::log(
        &state.db,
        &Actor::token(&client),
        id,
        status,
        input.needs_cover,
        &note,
        today(),
    )
    .await
    .map_err(refused)?;
    let mut conn = state.db.pool().acquire().await?;
    let day = day_out(&mut conn, &day).await?.ok_or(AppError::NotFound)?;
    let payment = match payment {
        Payment::None => "none",
        Payment::ByMember => "by_member",
        Payment::ByOrganisation => "by_organisation",
        Payment::Reversed => "reversed",
        Payment::Refused(_) => "refused",
    };
    Ok(Json(LoggedOut {
        day,
        payment: payment.into(),
    }))
}

/// A period; the last year when left out.
#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct PeriodQuery {
    /// `YYYY-MM-DD`; when left out, a year ago (or `to`, if that is earlier).
    #[param(format = Date)]
    pub from: String,
    /// `YYYY-MM-DD`, not before `from` (400 otherwise); when left out, today
    /// (or `from`, if that is later).
    #[param(format = Date)]
    pub to: String,
}

impl PeriodQuery {
    /// The period asked for: by default the last year. An end given alone
    /// moves the other end where needed, so that either end alone always
    /// makes a period: `from` after today ends on `from`; `to` more than a
    /// year ago starts on `to`.
    fn period(&self) -> Result<DateRange> {
        let read = |raw: &str, field: &'static str| {
            parse_date(raw).ok_or(AppError::bad_request("error.schedule.date", field))
        };
        let from = (!self.from.is_empty())
            .then(|| read(&self.from, "from"))
            .transpose()?;
        let to = (!self.to.is_empty())
            .then(|| read(&self.to, "to"))
            .transpose()?;
        let year = hours::last_year(today());
        let first = from.unwrap_or_else(|| to.map_or(year.first, |to| to.min(year.first)));
        let last = to.unwrap_or_else(|| from.map_or(year.last, |from| from.max(year.last)));
        DateRange::new(first, last).map_err(|_| AppError::bad_request("error.schedule.date", "to"))
    }
}

/// A member's statement: opening balance, each movement with the balance
/// after it, and the closing balance, all in minutes.
#[utoipa::path(get, path = "/api/v1/timebank/members/{id}/statement", tag = "time bank",
    params(("id" = i64, Path, description = "Person id"), PeriodQuery),
    responses((status = 200, description = "The engine's statement", body = Object), (status = 404, body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn statement(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    Path(id): Path<i64>,
    Query(query): Query<PeriodQuery>,
) -> Result<Json<Statement>> {
    let period = query.period()?;
    let mut tx = state.db.begin_write().await?;
    store::people::find(&mut tx, id)
        .await?
        .filter(|p| client.reach().covers(p.organisation_id))
        .ok_or(AppError::NotFound)?;
    let ledger = store::ledger::load(&mut tx)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let statement = ledger
        .statement(&AccountId::Member(member(id)), period)
        .map_err(|_| AppError::NotFound)?;
    audit_api(&mut tx, &client, format!("statement of person {id}")).await?;
    tx.commit().await?;
    Ok(Json(statement))
}

/// One area's time bank totals over a period, in minutes.
#[derive(Serialize, ToSchema)]
pub struct AreaTotalsOut {
    /// The area's GSS code; null for members whose area is not recorded.
    pub area: Option<String>,
    /// Help the area's members gave.
    pub given_minutes: i64,
    /// Help the area's members received and paid for.
    pub received_minutes: i64,
    /// Hours the organisation gifted the area's members.
    pub gifted_minutes: i64,
}

impl From<AreaTotals> for AreaTotalsOut {
    fn from(totals: AreaTotals) -> Self {
        Self {
            area: totals.area.map(|code| code.as_str().to_owned()),
            given_minutes: totals.given_minutes,
            received_minutes: totals.received_minutes,
            gifted_minutes: totals.gifted_minutes,
        }
    }
}

/// Hours given, received and gifted by the area members live in.
#[utoipa::path(get, path = "/api/v1/timebank/areas", tag = "time bank",
    params(PeriodQuery),
    responses((status = 200, description = "Totals per area", body = Vec<AreaTotalsOut>)),
    security(("bearer" = [])))]
pub async fn areas(
    State(state): State<AppState>,
    Query(query): Query<PeriodQuery>,
) -> Result<Json<Vec<AreaTotalsOut>>> {
    let period = query.period()?;
    let mut conn = state.db.pool().acquire().await?;
    let ledger = store::ledger::load(&mut conn)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(Json(
        ledger
            .area_report(period)
            .into_iter()
            .map(AreaTotalsOut::from)
            .collect(),
    ))
}

//! The life of a match: a coordinator proposes an offer's slot for a
//! request, the volunteer accepts or declines, the help happens (or not)
//! day by day, and each day done is paid for in the time bank. Every step
//! is one transaction; the database refuses a second booking of a slot on
//! one day, whichever instance or coordinator tries.

use coprod_engine::{
    matching::{Assessment, Matcher, Request, Unmet},
    schedule::Date,
    timebank::LedgerError,
};
use sqlx::AnyConnection;

use super::{
    matcher::{self, Pool},
    model::{MatchRecord, MatchStatus, OccurrenceStatus, RequestRecord},
    store::{self, ledger::PostError, matches::NewMatch},
};
use crate::{
    access::Reach,
    accounts::CurrentUser,
    api::ApiClient,
    audit::{self, Action, Event},
    db::{self, Db},
    people::reach::Caseloads,
};

/// How far ahead help can be booked, and how far ahead weekly help's days
/// are booked. Every booking lies inside it, so two bookings that clash
/// always meet on one day the database can see.
pub const BOOKING_HORIZON_DAYS: i64 = 91;

/// Who is acting: a person (helper, person helped or staff) or an
/// organisation's system through the API.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account_id: Option<i64>,
    /// The API token an organisation's system acts through.
    pub token_id: Option<i64>,
    /// Whose records the actor may coordinate: for a person, the
    /// organisations they coordinate for; for a token, its organisation's.
    pub reach: Reach,
    /// Which people on teams' caseloads the actor may see named
    /// (`people::reach`): a person, those of their own teams; a token or
    /// the system, all of the organisations reached.
    pub caseloads: Caseloads,
    /// Where the request came from, for the audit log.
    pub ip: String,
}

impl Actor {
    pub fn person(user: &CurrentUser) -> Self {
        Self {
            account_id: Some(user.account_id),
            token_id: None,
            reach: user.reach(super::COORDINATING_ROLES),
            caseloads: Caseloads::of(user),
            ip: String::new(),
        }
    }

    /// The same actor, noted as acting from `ip`.
    #[must_use]
    pub fn at(mut self, ip: &str) -> Self {
        ip.clone_into(&mut self.ip);
        self
    }

    /// An audit event of this actor's.
    pub fn event(&self, action: Action) -> Event<'_> {
        Event::new(action, self.account_id, &self.ip).token(self.token_id)
    }

    /// An organisation's system, which coordinates its own organisation's
    /// records.
    pub fn token(client: &ApiClient) -> Self {
        Self {
            account_id: None,
            token_id: Some(client.token_id),
            reach: client.reach(),
            caseloads: Caseloads::All,
            ip: String::new(),
        }
    }

    /// An operator's command or the server's own housekeeping: the whole
    /// partnership, with no person or token behind it.
    pub fn operator() -> Self {
        Self {
            account_id: None,
            token_id: None,
            reach: Reach::Partnership,
            caseloads: Caseloads::All,
            ip: String::new(),
        }
    }

    /// Whether the actor coordinates records held by `holder`.
    pub fn coordinates(&self, holder: Option<i64>) -> bool {
        self.reach.covers(holder)
    }

    pub(super) fn is(&self, account: Option<i64>) -> bool {
        self.account_id.is_some() && self.account_id == account
    }
}

/// Why a step was not taken. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    #[error("not found")]
    NotFound,
    #[error("not allowed")]
    Forbidden,
    #[error("the request is no longer open")]
    RequestClosed,
    #[error("the request already has a proposal or a match")]
    AlreadyMatched,
    #[error("the offer has been withdrawn")]
    OfferClosed,
    #[error("no longer suits: {0}")]
    NoLongerSuits(String),
    #[error("the slot is already booked then")]
    SlotTaken,
    #[error("the help starts too far ahead to book")]
    TooFarAhead,
    #[error("someone else changed this first")]
    Stale,
    #[error("that day has not come yet")]
    NotYet,
    #[error("a reason is needed")]
    ReasonMissing,
    #[error("the time bank refused: {0}")]
    Ledger(LedgerError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// A store's error (the audit log's, say), through the driver's error
/// this type still carries.
impl From<crate::db::StoreError> for WorkflowError {
    fn from(error: crate::db::StoreError) -> Self {
        WorkflowError::Database(error.into())
    }
}

impl From<PostError> for WorkflowError {
    fn from(error: PostError) -> Self {
        match error {
            PostError::Refused(refusal) => WorkflowError::Ledger(refusal),
            PostError::Database(error) => WorkflowError::Database(error),
        }
    }
}

impl WorkflowError {
    /// A stable code for redirects and the API.
    pub fn code(&self) -> &'static str {
        match self {
            WorkflowError::NotFound => "not_found",
            WorkflowError::Forbidden => "forbidden",
            WorkflowError::RequestClosed => "request_closed",
            WorkflowError::AlreadyMatched => "already_matched",
            WorkflowError::OfferClosed => "offer_closed",
            WorkflowError::NoLongerSuits(_) => "no_longer_suits",
            WorkflowError::SlotTaken => "slot_taken",
            WorkflowError::TooFarAhead => "too_far_ahead",
            WorkflowError::Stale => "stale",
            WorkflowError::NotYet => "not_yet",
            WorkflowError::ReasonMissing => "reason_missing",
            WorkflowError::Ledger(_) => "time_bank",
            WorkflowError::Database(_) => "internal",
        }
    }
}

pub(super) type Result<T, E = WorkflowError> = std::result::Result<T, E>;

pub(super) fn slot_clash(error: sqlx::Error) -> WorkflowError {
    if db::is_unique_violation(&error) {
        WorkflowError::SlotTaken
    } else {
        WorkflowError::Database(error)
    }
}

/// The first day on or after `from` that falls on the slot's weekday.
fn first_on(from: Date, day: coprod_engine::schedule::Weekday) -> Date {
    let mut date = from;
    while date.weekday() != day {
        date = date.next_day();
    }
    date
}

/// What to book: a request (or one day of one, for cover) and the offer's
/// slot chosen for it.
struct Booking<'a> {
    request: &'a Request,
    request_id: i64,
    offer_id: i64,
    slot_no: u32,
    is_cover: bool,
    proposed_by: Option<i64>,
}

/// Books an offer's slot for a request inside `tx`, checking the offer
/// again with everything booked so far. Returns the new match.
async fn book(conn: &mut AnyConnection, booking: &Booking<'_>, today: Date) -> Result<MatchRecord> {
    if !store::offers::take_booking_turn(conn, booking.offer_id).await? {
        return Err(WorkflowError::OfferClosed);
    }
    let horizon = today.add_days(BOOKING_HORIZON_DAYS);
    // The offer's weekly help is booked up to the horizon first, so that any
    // clash with it is a clash the database sees.
    for (held, _) in store::matches::live(conn).await? {
        if held.offer_id == booking.offer_id && held.recurring {
            store::rounds::extend(conn, &held, horizon)
                .await
                .map_err(slot_clash)?;
        }
    }
    let pool = Pool::load(conn, Some(booking.offer_id)).await?;
    let offer = pool.offers.first().ok_or(WorkflowError::NotFound)?;
    let rules = matcher::rules();
    let candidate = match Matcher::new(&rules, &pool.history, today).assess(booking.request, offer)
    {
        Assessment::Candidate(candidate) => candidate,
        Assessment::Excluded(exclusion) if exclusion.unmet == [Unmet::SlotsTaken] => {
            return Err(WorkflowError::SlotTaken);
        }
        Assessment::Excluded(exclusion) => {
            return Err(WorkflowError::NoLongerSuits(exclusion.plain_english()));
        }
    };
    let fit = candidate
        .slots
        .iter()
        .find(|fit| fit.slot.0 == booking.slot_no)
        .ok_or(WorkflowError::SlotTaken)?;
    let recurring = booking.request.is_recurring();
    let (first_date, last_date) = if let Some(date) = fit.date {
        (date, Some(date))
    } else {
        let (from, last) = booking.request.days_ahead(today);
        (first_on(from, fit.day), last)
    };
    if first_date > horizon {
        return Err(WorkflowError::TooFarAhead);
    }
    if last_date.is_some_and(|last| last < first_date) {
        return Err(WorkflowError::NoLongerSuits(Unmet::DatesPassed.to_string()));
    }
    let new = NewMatch {
        request_id: booking.request_id,
        offer_id: booking.offer_id,
        slot_no: booking.slot_no,
        weekday: fit.day,
        time: fit.time,
        recurring,
        first_date,
        last_date,
        is_cover: booking.is_cover,
        score: candidate.score.total(),
        reasons: candidate.reasons.clone(),
        proposed_by: booking.proposed_by,
    };
    let id = store::matches::insert(conn, &new).await.map_err(|e| {
        if db::is_unique_violation(&e) {
            WorkflowError::AlreadyMatched
        } else {
            WorkflowError::Database(e)
        }
    })?;
    let held = store::matches::find(conn, id)
        .await?
        .ok_or(WorkflowError::NotFound)?;
    if recurring {
        store::rounds::extend(conn, &held, horizon)
            .await
            .map_err(slot_clash)?;
    } else {
        store::rounds::book(conn, &held, first_date)
            .await
            .map_err(slot_clash)?;
    }
    Ok(held)
}

/// A coordinator proposes an offer's slot for an open request.
pub async fn propose(
    db: &Db,
    actor: &Actor,
    request_id: i64,
    offer_id: i64,
    slot_no: u32,
    today: Date,
) -> Result<MatchRecord> {
    let mut tx = db.begin_write().await?;
    let record = store::requests::find(&mut tx, request_id)
        .await?
        .filter(|r| actor.coordinates(r.holder))
        .ok_or(WorkflowError::NotFound)?;
    if !record.is_open() {
        return Err(WorkflowError::RequestClosed);
    }
    let pool = Pool::load(&mut tx, Some(offer_id)).await?;
    let request = pool.request(&record);
    let held = book(
        &mut tx,
        &Booking {
            request: &request,
            request_id,
            offer_id,
            slot_no,
            is_cover: false,
            proposed_by: actor.account_id,
        },
        today,
    )
    .await?;
    audit_proposal(&mut tx, actor, &record, &held).await?;
    tx.commit().await?;
    Ok(held)
}

/// Notes a proposal in the audit log, in the transaction that made it.
async fn audit_proposal(
    conn: &mut AnyConnection,
    actor: &Actor,
    record: &RequestRecord,
    held: &MatchRecord,
) -> Result<()> {
    let event = actor
        .event(Action::MatchProposed)
        .subject("coordination_person", record.person_id)
        .detail(format!("match {} (offer {})", held.id, held.offer_id));
    audit::record_in(conn, event).await?;
    Ok(())
}

/// The people on both sides of a match: (helper, requester).
pub async fn sides(conn: &mut AnyConnection, held: &MatchRecord) -> Result<(i64, i64)> {
    let (helper, request) = sides_and_request(conn, held).await?;
    Ok((helper, request.person_id))
}

/// The helper's person id, and the request a match answers.
pub(super) async fn sides_and_request(
    conn: &mut AnyConnection,
    held: &MatchRecord,
) -> Result<(i64, RequestRecord)> {
    let offer = store::offers::find(conn, held.offer_id)
        .await?
        .ok_or(WorkflowError::NotFound)?;
    let request = store::requests::find(conn, held.request_id)
        .await?
        .ok_or(WorkflowError::NotFound)?;
    Ok((offer.person_id, request))
}

/// The account behind a person record, if any.
pub(super) async fn account_of(conn: &mut AnyConnection, person_id: i64) -> Result<Option<i64>> {
    Ok(store::people::find(conn, person_id)
        .await?
        .and_then(|p| p.account_id))
}

/// The volunteer (or a coordinator for them) answers a proposal. A decline
/// needs a reason and frees the slot.
pub async fn answer(
    db: &Db,
    actor: &Actor,
    match_id: i64,
    accept: bool,
    reason: &str,
) -> Result<MatchRecord> {
    let reason = reason.trim();
    if !accept && reason.is_empty() {
        return Err(WorkflowError::ReasonMissing);
    }
    let mut tx = db.begin_write().await?;
    let held = store::matches::find(&mut tx, match_id)
        .await?
        .ok_or(WorkflowError::NotFound)?;
    let (helper, request) = sides_and_request(&mut tx, &held).await?;
    if !(actor.coordinates(request.holder) || actor.is(account_of(&mut tx, helper).await?)) {
        return Err(WorkflowError::Forbidden);
    }
    if !store::matches::answer(&mut tx, match_id, accept, reason).await? {
        return Err(WorkflowError::Stale);
    }
    if !accept {
        release(&mut tx, &held, held.first_date, "declined").await?;
    }
    tx.commit().await?;
    Ok(held)
}

/// Frees a match's planned days from `from`, and the day it was covering.
async fn release(
    conn: &mut AnyConnection,
    held: &MatchRecord,
    from: Date,
    note: &str,
) -> Result<()> {
    store::rounds::cancel_from(conn, held.id, from, note).await?;
    if held.is_cover {
        sqlx::query("UPDATE occurrences SET cover_match_id = NULL WHERE cover_match_id = $1")
            .bind(held.id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A coordinator takes back a proposal not yet answered.
pub async fn withdraw(db: &Db, actor: &Actor, match_id: i64) -> Result<MatchRecord> {
    let mut tx = db.begin_write().await?;
    let held = store::matches::find(&mut tx, match_id)
        .await?
        .ok_or(WorkflowError::NotFound)?;
    let (_, request) = sides_and_request(&mut tx, &held).await?;
    if !actor.coordinates(request.holder) {
        return Err(WorkflowError::Forbidden);
    }
    if !store::matches::finish(
        &mut tx,
        match_id,
        &[MatchStatus::Proposed],
        MatchStatus::Withdrawn,
        "",
        None,
    )
    .await?
    {
        return Err(WorkflowError::Stale);
    }
    release(&mut tx, &held, held.first_date, "withdrawn").await?;
    tx.commit().await?;
    Ok(held)
}

/// Either side (or a coordinator) brings agreed weekly help to an end from
/// today: the days still planned are called off and the request closes.
pub async fn end(
    db: &Db,
    actor: &Actor,
    match_id: i64,
    note: &str,
    today: Date,
) -> Result<MatchRecord> {
    let mut tx = db.begin_write().await?;
    let held = store::matches::find(&mut tx, match_id)
        .await?
        .ok_or(WorkflowError::NotFound)?;
    let (helper, request) = sides_and_request(&mut tx, &held).await?;
    let allowed = actor.coordinates(request.holder)
        || actor.is(account_of(&mut tx, helper).await?)
        || actor.is(account_of(&mut tx, request.person_id).await?);
    if !allowed {
        return Err(WorkflowError::Forbidden);
    }
    if !held.recurring {
        return Err(WorkflowError::Stale);
    }
    if !store::matches::finish(
        &mut tx,
        match_id,
        &[MatchStatus::Accepted],
        MatchStatus::Ended,
        note.trim(),
        Some(today.max(held.first_date)),
    )
    .await?
    {
        return Err(WorkflowError::Stale);
    }
    release(&mut tx, &held, today, "ended").await?;
    if !held.is_cover {
        store::requests::set_status(&mut tx, held.request_id, "closed").await?;
    }
    tx.commit().await?;
    Ok(held)
}

/// A coordinator finds someone to stand in for one day of weekly help:
/// the day is called off for its helper (if it was not already) and the
/// other offer's slot is proposed for that day alone.
pub async fn propose_cover(
    db: &Db,
    actor: &Actor,
    occurrence_id: i64,
    offer_id: i64,
    slot_no: u32,
    today: Date,
) -> Result<MatchRecord> {
    let mut tx = db.begin_write().await?;
    let day = store::rounds::find(&mut tx, occurrence_id)
        .await?
        .ok_or(WorkflowError::NotFound)?;
    let held = store::matches::find(&mut tx, day.match_id)
        .await?
        .ok_or(WorkflowError::NotFound)?;
    let record = store::requests::find(&mut tx, held.request_id)
        .await?
        .filter(|r| actor.coordinates(r.holder))
        .ok_or(WorkflowError::NotFound)?;
    if held.status != MatchStatus::Accepted || day.on_date < today {
        return Err(WorkflowError::Stale);
    }
    if day.cover_match_id.is_some() {
        return Err(WorkflowError::AlreadyMatched);
    }
    match day.status {
        OccurrenceStatus::Planned => {
            store::rounds::log(
                &mut tx,
                day.id,
                OccurrenceStatus::Planned,
                OccurrenceStatus::Cancelled,
                true,
                "cover needed",
                actor.account_id,
            )
            .await?;
        }
        OccurrenceStatus::Cancelled if day.needs_cover => {}
        _ => return Err(WorkflowError::Stale),
    }
    let pool = Pool::load(&mut tx, Some(offer_id)).await?;
    let request = pool.request(&cover_request(&record, &held, day.on_date));
    let cover = book(
        &mut tx,
        &Booking {
            request: &request,
            request_id: record.id,
            offer_id,
            slot_no,
            is_cover: true,
            proposed_by: actor.account_id,
        },
        today,
    )
    .await?;
    store::rounds::set_cover(&mut tx, day.id, Some(cover.id)).await?;
    audit_proposal(&mut tx, actor, &record, &cover).await?;
    tx.commit().await?;
    Ok(cover)
}

/// One day of a weekly request, at the time its helper kept: what a
/// stand-in must be able to do.
pub fn cover_request(record: &RequestRecord, held: &MatchRecord, on: Date) -> RequestRecord {
    let mut one_day = record.clone();
    one_day.recurring = false;
    one_day.first_date = on;
    one_day.last_date = Some(on);
    one_day.windows = vec![coprod_engine::matching::WeeklyWindow {
        day: on.weekday(),
        time: held.time,
    }];
    one_day
}

//! Check-in calls step by step: planning calls for a person, listing and
//! logging calls, raising concerns and moving them on, one transaction a
//! step with its audit row inside it, and the [`sweep`] that makes calls
//! due, retries unanswered ones and escalates the unreachable.
//!
//! Who may do what: staff (coordinators, link workers) work on the people
//! their organisations hold; a caller (a volunteer, or staff) sees and logs
//! the calls assigned to them and nothing else; a helper raises a concern
//! about the person they visited. Everything outside that is not there.

use coprod_engine::{
    checkins::{
        concern::{Status, Urgency},
        due_between,
        retry::{self, Next, Outcome},
    },
    referrals::calendar::WorkingCalendar,
    schedule::Date,
};
use sqlx::AnyConnection;

use super::{
    model::{Call, CallChannel, Concern, NewConcern, NewSchedule, Schedule, Source, Visit},
    store::{self, Callers, FollowUp, Logged},
};
use crate::{
    audit::{self, Action, Event},
    coordination::{model::Person, workflow::Actor},
    db::{Db, StoreError, StoreResult},
};

/// Why a step was not taken. Nothing changed.
#[derive(Debug, thiserror::Error)]
pub enum CheckinError {
    /// Not there, or none of the actor's business.
    #[error("not found")]
    NotFound,
    /// The call was logged already.
    #[error("already logged")]
    AlreadyLogged,
    /// The concern cannot move that way (or someone moved it first).
    #[error("not the next step")]
    NotNext,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for CheckinError {
    fn from(error: sqlx::Error) -> Self {
        CheckinError::Store(error.into())
    }
}

impl CheckinError {
    /// A stable code for redirects.
    pub fn code(&self) -> &'static str {
        match self {
            CheckinError::NotFound => "not_found",
            CheckinError::AlreadyLogged => "already_logged",
            CheckinError::NotNext => "not_next",
            CheckinError::Store(_) => "internal",
        }
    }
}

type Result<T, E = CheckinError> = std::result::Result<T, E>;

fn person_event(actor: &Actor, action: Action, person: i64, detail: String) -> Event<'_> {
    actor
        .event(action)
        .subject("coordination_person", person)
        .detail(detail)
}

/// The person's co-delivery record, if the actor's reach covers it.
async fn reachable_person(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<Person> {
    crate::coordination::store::people::find(conn, id)
        .await?
        .filter(|p| actor.reach.covers(p.organisation_id))
        .ok_or(CheckinError::NotFound)
}

/// A person's calls as staff see them on the record.
#[derive(Debug, Clone)]
pub struct PersonCalls {
    pub person: Person,
    pub date_of_birth: Option<Date>,
    pub schedules: Vec<Schedule>,
    pub calls: Vec<Call>,
    pub concerns: Vec<Concern>,
    /// Who may be asked to call them.
    pub callers: Vec<(i64, String)>,
}

/// Reads a person's schedules, calls and concerns, with the read audited.
pub async fn person_calls(db: &Db, actor: &Actor, person_id: i64) -> Result<PersonCalls> {
    let mut tx = db.begin_write().await?;
    let person = reachable_person(&mut tx, actor, person_id).await?;
    let record = crate::people::store::record::find(&mut tx, person_id)
        .await?
        .ok_or(CheckinError::NotFound)?;
    let schedules = store::schedules_of(&mut tx, person_id).await?;
    let calls = store::calls_of(&mut tx, person_id).await?;
    let concerns = store::concerns_of(&mut tx, person_id).await?;
    let callers = store::callers(&mut tx, person.organisation_id).await?;
    audit::record_in(
        &mut tx,
        person_event(
            actor,
            Action::PersonRead,
            person_id,
            "check-in calls".to_owned(),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(PersonCalls {
        person,
        date_of_birth: record.date_of_birth,
        schedules,
        calls,
        concerns,
        callers,
    })
}

/// Plans calls for people the actor reaches: one schedule each, all or
/// nothing (a broadcast plans one call for each person on its list). A
/// caller must be one of those who may call for the person.
pub async fn plan(db: &Db, actor: &Actor, schedules: &[NewSchedule]) -> Result<Vec<i64>> {
    let now = crate::db::now();
    let mut tx = db.begin_write().await?;
    let mut ids = Vec::new();
    for new in schedules {
        let person = reachable_person(&mut tx, actor, new.person_id).await?;
        if let Some(caller) = new.caller_account_id {
            let allowed = store::callers(&mut tx, person.organisation_id).await?;
            if !allowed.iter().any(|(id, _)| *id == caller) {
                return Err(CheckinError::NotFound);
            }
        }
        let id = store::create_schedule(&mut tx, new, now).await?;
        audit::record_in(
            &mut tx,
            person_event(
                actor,
                Action::CheckinsPlanned,
                person.id,
                format!("check-in schedule {id}: {}", new.plan.kind().key()),
            ),
        )
        .await?;
        ids.push(id);
    }
    tx.commit().await?;
    Ok(ids)
}

/// Stops a schedule: no more calls are made from it (those made stay).
pub async fn stop(db: &Db, actor: &Actor, person_id: i64, schedule_id: i64) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let schedule = store::find_schedule(&mut tx, schedule_id)
        .await?
        .filter(|s| s.person_id == person_id && actor.reach.covers(s.holder))
        .ok_or(CheckinError::NotFound)?;
    if !store::stop_schedule(&mut tx, schedule.id, actor.account_id, crate::db::now()).await? {
        return Err(CheckinError::NotNext);
    }
    audit::record_in(
        &mut tx,
        person_event(
            actor,
            Action::CheckinsPlanned,
            person_id,
            format!("check-in schedule {schedule_id} stopped"),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether the actor may see and log a call: its caller, or staff whose
/// reach covers the person and to whom the person is open under the
/// caseload rule (`people::reach`).
async fn may_see(conn: &mut AnyConnection, actor: &Actor, call: &Call) -> Result<bool> {
    Ok(
        (actor.account_id.is_some() && call.caller_account_id == actor.account_id)
            || (actor.reach.covers(call.holder)
                && actor.caseloads.open(conn, call.person_id).await?),
    )
}

/// Whether staff may see and move a concern: their reach covers the
/// person, who is open to them under the caseload rule.
async fn may_see_concern(
    conn: &mut AnyConnection,
    actor: &Actor,
    concern: &Concern,
) -> Result<bool> {
    Ok(actor.reach.covers(concern.holder) && actor.caseloads.open(conn, concern.person_id).await?)
}

/// The calls to make up to `today` and those logged today, for the
/// actor: staff see every call of the people they reach, a volunteer only
/// those assigned to them. Each person shown is an audited read.
pub async fn todays_calls(
    db: &Db,
    actor: &Actor,
    today: Date,
    since: i64,
) -> Result<(Vec<Call>, Vec<Call>)> {
    let account = actor.account_id.ok_or(CheckinError::NotFound)?;
    let whose = if actor.reach.is_nothing() {
        Callers::Assigned(account)
    } else {
        Callers::Within(&actor.reach, actor.caseloads, account)
    };
    let mut tx = db.begin_write().await?;
    let (open, logged) = store::calls_for(&mut tx, &whose, today, since).await?;
    let mut shown: Vec<i64> = open.iter().chain(&logged).map(|c| c.person_id).collect();
    shown.sort_unstable();
    shown.dedup();
    for person in shown {
        audit::record_in(
            &mut tx,
            person_event(
                actor,
                Action::PersonRead,
                person,
                "today's check-in calls".to_owned(),
            ),
        )
        .await?;
    }
    tx.commit().await?;
    Ok((open, logged))
}

/// One call, for its caller or the staff who reach the person, audited.
pub async fn read_call(db: &Db, actor: &Actor, id: i64) -> Result<Call> {
    let mut tx = db.begin_write().await?;
    let call = store::find_call(&mut tx, id)
        .await?
        .ok_or(CheckinError::NotFound)?;
    if !may_see(&mut tx, actor, &call).await? {
        return Err(CheckinError::NotFound);
    }
    audit::record_in(
        &mut tx,
        person_event(
            actor,
            Action::PersonRead,
            call.person_id,
            format!("check-in call {id}"),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(call)
}

/// What a caller logs.
#[derive(Debug, Clone)]
pub struct Logging {
    pub outcome: Outcome,
    pub channel: CallChannel,
    pub note: String,
    /// With the outcome "concern": how urgent, and what was noticed.
    pub concern: Option<(Urgency, String)>,
}

/// What logging a call led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogResult {
    pub next: Next,
    /// The concern raised, if one was.
    pub concern: Option<(i64, Urgency)>,
    pub holder: Option<i64>,
}

/// Logs a call once: its outcome, what follows by the retry rule (the
/// sweep makes the next attempt, or escalates), and any concern raised.
pub async fn log_call(
    db: &Db,
    actor: &Actor,
    id: i64,
    logging: &Logging,
    today: Date,
    calendar: &WorkingCalendar,
) -> Result<LogResult> {
    let now = crate::db::now();
    let mut tx = db.begin_write().await?;
    let call = store::find_call(&mut tx, id)
        .await?
        .ok_or(CheckinError::NotFound)?;
    if !may_see(&mut tx, actor, &call).await? {
        return Err(CheckinError::NotFound);
    }
    if call.outcome.is_some() {
        return Err(CheckinError::AlreadyLogged);
    }
    let next = retry::after(call.retry, logging.outcome, call.attempt, today, calendar);
    let follow_up = match next {
        Next::Done => None,
        Next::Retry { on, .. } => Some(FollowUp::Retry(on)),
        Next::Escalate => Some(FollowUp::Escalate),
    };
    let logged = Logged {
        outcome: logging.outcome,
        note: &logging.note,
        channel: logging.channel,
        by: actor.account_id,
        at: now,
        follow_up,
    };
    if !store::log_call(&mut tx, id, &logged).await? {
        return Err(CheckinError::AlreadyLogged);
    }
    audit::record_in(
        &mut tx,
        person_event(
            actor,
            Action::CheckinCallLogged,
            call.person_id,
            format!(
                "check-in call {id}, attempt {}: {}",
                call.attempt,
                logging.outcome.key()
            ),
        ),
    )
    .await?;
    let mut concern = None;
    if let (Outcome::Concern, Some((urgency, noticed))) = (logging.outcome, &logging.concern) {
        let concern_id = store::raise_concern(
            &mut tx,
            &NewConcern {
                person_id: call.person_id,
                source: Source::Call,
                call_id: Some(id),
                occurrence_id: None,
                raised_by: actor.account_id,
                urgency: *urgency,
                noticed: noticed.clone(),
            },
            now,
        )
        .await?;
        audit::record_in(
            &mut tx,
            person_event(
                actor,
                Action::ConcernRaised,
                call.person_id,
                format!("concern {concern_id} ({}) from call {id}", urgency.key()),
            ),
        )
        .await?;
        concern = Some((concern_id, *urgency));
    }
    tx.commit().await?;
    Ok(LogResult {
        next,
        concern,
        holder: call.holder,
    })
}

/// A round visit the actor may raise a concern about: they were the
/// helper, or they coordinate for the person's organisation.
pub async fn visit(db: &Db, actor: &Actor, occurrence_id: i64) -> Result<Visit> {
    let mut conn = db.pool().acquire().await?;
    store::visit(&mut conn, occurrence_id)
        .await?
        .filter(|v| {
            (actor.account_id.is_some() && v.helper_account_id == actor.account_id)
                || actor.reach.covers(v.holder)
        })
        .ok_or(CheckinError::NotFound)
}

/// Raises a concern about the person visited on a round.
pub async fn raise_from_visit(
    db: &Db,
    actor: &Actor,
    occurrence_id: i64,
    urgency: Urgency,
    noticed: &str,
) -> Result<(i64, Option<i64>)> {
    let now = crate::db::now();
    let mut tx = db.begin_write().await?;
    let visit = store::visit(&mut tx, occurrence_id)
        .await?
        .filter(|v| {
            (actor.account_id.is_some() && v.helper_account_id == actor.account_id)
                || actor.reach.covers(v.holder)
        })
        .ok_or(CheckinError::NotFound)?;
    let id = store::raise_concern(
        &mut tx,
        &NewConcern {
            person_id: visit.person_id,
            source: Source::Visit,
            call_id: None,
            occurrence_id: Some(occurrence_id),
            raised_by: actor.account_id,
            urgency,
            noticed: noticed.to_owned(),
        },
        now,
    )
    .await?;
    audit::record_in(
        &mut tx,
        person_event(
            actor,
            Action::ConcernRaised,
            visit.person_id,
            format!(
                "concern {id} ({}) from visit {occurrence_id}",
                urgency.key()
            ),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok((id, visit.holder))
}

/// The concerns about people the actor reaches, and how many are open.
pub async fn concerns(db: &Db, actor: &Actor) -> Result<Vec<Concern>> {
    let mut tx = db.begin_write().await?;
    let list = store::concerns_within(&mut tx, &actor.reach, actor.caseloads).await?;
    let mut shown: Vec<i64> = list.iter().map(|c| c.person_id).collect();
    shown.sort_unstable();
    shown.dedup();
    for person in shown {
        audit::record_in(
            &mut tx,
            person_event(actor, Action::PersonRead, person, "concerns".to_owned()),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(list)
}

/// One concern, audited.
pub async fn read_concern(db: &Db, actor: &Actor, id: i64) -> Result<Concern> {
    let mut tx = db.begin_write().await?;
    let concern = store::find_concern(&mut tx, id)
        .await?
        .ok_or(CheckinError::NotFound)?;
    if !may_see_concern(&mut tx, actor, &concern).await? {
        return Err(CheckinError::NotFound);
    }
    audit::record_in(
        &mut tx,
        person_event(
            actor,
            Action::PersonRead,
            concern.person_id,
            format!("concern {id}"),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(concern)
}

/// Moves a concern on: acknowledged, or acted on / closed with what was
/// done (or why nothing was).
pub async fn move_concern(
    db: &Db,
    actor: &Actor,
    id: i64,
    to: Status,
    action_taken: &str,
) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let concern = store::find_concern(&mut tx, id)
        .await?
        .ok_or(CheckinError::NotFound)?;
    if !may_see_concern(&mut tx, actor, &concern).await? {
        return Err(CheckinError::NotFound);
    }
    if !concern.status.may_move(to) {
        return Err(CheckinError::NotNext);
    }
    let moved = store::move_concern(
        &mut tx,
        id,
        concern.status,
        to,
        actor.account_id,
        crate::db::now(),
        action_taken,
    )
    .await?;
    if !moved {
        return Err(CheckinError::NotNext);
    }
    audit::record_in(
        &mut tx,
        person_event(
            actor,
            Action::ConcernMoved,
            concern.person_id,
            format!("concern {id}: {} → {}", concern.status.key(), to.key()),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// How many open concerns the reach covers, for the staff menu.
pub async fn open_count(db: &Db, actor: &Actor) -> StoreResult<i64> {
    let mut conn = db.pool().acquire().await?;
    store::open_count(&mut conn, &actor.reach, actor.caseloads).await
}

/// What a sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// First attempts made due from schedules.
    pub calls_made: usize,
    /// Further attempts of unanswered calls.
    pub retries_made: usize,
    /// Unreachable people turned into open concerns.
    pub escalated: usize,
}

/// Brings the calls up to `today`, in one transaction: makes the calls
/// every live schedule makes due up to today (each schedule remembers how
/// far it got, and the unique key on schedule, day and attempt means no
/// call is ever made twice), makes the next attempt of each unanswered
/// call whose retry day has come, and turns each call whose last attempt
/// went unanswered into an open concern for the coordinator (audited as
/// the operator's). Running it again changes nothing; two instances
/// running it at once make each call once (a follow-up is claimed by a
/// conditional update before it is acted on).
///
/// The database job queue calls it periodically; until that is in place,
/// the today's-calls and concerns pages call it before they read.
pub async fn sweep(db: &Db, today: Date, now: i64) -> StoreResult<SweepReport> {
    let mut report = SweepReport::default();
    let mut tx = db.begin_write().await?;
    for schedule in store::unfinished_schedules(&mut tx).await? {
        let from = schedule
            .materialised_through
            .map_or(schedule.plan.first_day(), Date::next_day);
        if from > today {
            continue;
        }
        for day in due_between(&schedule.plan, from, today) {
            if store::make_call(&mut tx, &schedule, day, 1, schedule.caller_account_id).await? {
                report.calls_made += 1;
            }
        }
        store::set_materialised(&mut tx, schedule.id, today).await?;
    }
    for (call_id, follow_up) in store::follow_ups_due(&mut tx, today).await? {
        if !store::claim_follow_up(&mut tx, call_id, now).await? {
            continue;
        }
        let Some(call) = store::find_call(&mut tx, call_id).await? else {
            continue;
        };
        match follow_up {
            FollowUp::Retry(on) => {
                let Some(schedule) = store::find_schedule(&mut tx, call.schedule_id).await? else {
                    continue;
                };
                if store::make_call(
                    &mut tx,
                    &schedule,
                    on,
                    call.attempt + 1,
                    call.caller_account_id,
                )
                .await?
                {
                    report.retries_made += 1;
                }
            }
            FollowUp::Escalate => {
                let concern = NewConcern {
                    person_id: call.person_id,
                    source: Source::Unreached,
                    call_id: Some(call.id),
                    occurrence_id: None,
                    raised_by: None,
                    urgency: Urgency::Soon,
                    noticed: String::new(),
                };
                let id = store::raise_concern(&mut tx, &concern, now).await?;
                audit::record_in(
                    &mut tx,
                    Event::new(Action::ConcernRaised, None, "")
                        .subject("coordination_person", call.person_id)
                        .detail(format!(
                            "concern {id}: not reached after {} attempts (call {})",
                            call.attempt, call.id
                        )),
                )
                .await?;
                report.escalated += 1;
            }
        }
    }
    tx.commit().await?;
    Ok(report)
}

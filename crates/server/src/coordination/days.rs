//! The days of help: logging each as done, missed or cancelled, paying
//! for the days done in the time bank (and taking the hours back when a
//! day is corrected), gifts of hours, and booking weekly help's weeks
//! ahead.

use coprod_engine::{
    schedule::Date,
    timebank::{AccountId, LedgerError, TransferId},
};
use sqlx::{Acquire, AnyConnection};

use super::{
    model::{MatchRecord, MatchStatus, Occurrence, OccurrenceStatus, RequestRecord},
    store::{
        self,
        ledger::{PostError, member},
    },
    workflow::{Actor, BOOKING_HORIZON_DAYS, Result, WorkflowError, account_of, sides, slot_clash},
};
use crate::{
    audit::{self, Action},
    db::Db,
};

/// What logging a day did in the time bank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payment {
    /// Nothing moved.
    None,
    /// The person helped paid the helper.
    ByMember,
    /// The organisation paid, because the person is outside the time bank
    /// or at their debt limit.
    ByOrganisation,
    /// The hours paid earlier were given back.
    Reversed,
    /// The helper could not be credited (their balance limit).
    Refused(String),
}

/// Records what became of a day's help. The helper, the person helped or
/// a coordinator may log it as done or missed on or after the day, or
/// cancel it beforehand (saying whether cover is needed); coordinators may
/// correct a day already logged. A day done is paid for, and a correction
/// away from done gives the hours back.
#[expect(
    clippy::too_many_lines,
    reason = "one transaction, checked, logged, paid and audited in order"
)]
pub async fn log(
    db: &Db,
    actor: &Actor,
    occurrence_id: i64,
    to: OccurrenceStatus,
    needs_cover: bool,
    note: &str,
    today: Date,
) -> Result<(Occurrence, Payment)> {
    let mut tx = db.begin_write().await?;
    let day = store::rounds::find(&mut tx, occurrence_id)
        .await?
        .ok_or(WorkflowError::NotFound)?;
    let held = store::matches::find(&mut tx, day.match_id)
        .await?
        .ok_or(WorkflowError::NotFound)?;
    let request = store::requests::find(&mut tx, held.request_id)
        .await?
        .ok_or(WorkflowError::NotFound)?;
    let (helper, _) = sides(&mut tx, &held).await?;
    let requester = request.person_id;
    let coordinator = actor.coordinates(request.holder);
    let side = actor.is(account_of(&mut tx, helper).await?)
        || actor.is(account_of(&mut tx, requester).await?);
    if !(coordinator || side) {
        return Err(WorkflowError::Forbidden);
    }
    if !held.status.was_agreed() || to == OccurrenceStatus::Planned {
        return Err(WorkflowError::Stale);
    }
    if day.status != OccurrenceStatus::Planned && !coordinator {
        return Err(WorkflowError::Stale);
    }
    if to != OccurrenceStatus::Cancelled && day.on_date > today {
        return Err(WorkflowError::NotYet);
    }
    let needs_cover = needs_cover && to == OccurrenceStatus::Cancelled;
    if !store::rounds::log(
        &mut tx,
        occurrence_id,
        day.status,
        to,
        needs_cover,
        note.trim(),
        actor.account_id,
    )
    .await
    .map_err(slot_clash)?
    {
        return Err(WorkflowError::Stale);
    }
    let mut payment = Payment::None;
    if let (Some(transfer), true) = (day.transfer_id, to != OccurrenceStatus::Done) {
        let on = today.max(day.on_date);
        let of = TransferId(u64::try_from(transfer).unwrap_or(0));
        store::ledger::post(&mut tx, actor.account_id, |ledger| {
            ledger.reverse(of, on, Some(format!("correction: day of {}", day.on_date)))
        })
        .await?;
        store::rounds::set_transfer(&mut tx, occurrence_id, None).await?;
        payment = Payment::Reversed;
    }
    if to == OccurrenceStatus::Done && day.status != OccurrenceStatus::Done {
        payment = pay(&mut tx, actor, &day, &held, &request, helper, requester).await?;
    }
    if !held.recurring {
        let status = if to == OccurrenceStatus::Done {
            MatchStatus::Done
        } else {
            MatchStatus::NotDone
        };
        store::matches::finish(
            &mut tx,
            held.id,
            &[
                MatchStatus::Accepted,
                MatchStatus::Done,
                MatchStatus::NotDone,
            ],
            status,
            note.trim(),
            None,
        )
        .await?;
        if !held.is_cover {
            if status == MatchStatus::Done {
                store::requests::set_status(&mut tx, request.id, "closed").await?;
            } else {
                sqlx::query(
                    "UPDATE help_requests SET status = 'open' WHERE id = $1 AND status = 'closed'",
                )
                .bind(request.id)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    let logged = store::rounds::find(&mut tx, occurrence_id)
        .await?
        .ok_or(WorkflowError::NotFound)?;
    let event = actor
        .event(Action::DayLogged)
        .subject("coordination_person", requester)
        .detail(format!(
            "day {occurrence_id} of match {}: {}",
            held.id,
            to.as_str()
        ));
    audit::record_in(&mut tx, event).await?;
    tx.commit().await?;
    Ok((logged, payment))
}

/// Pays the helper for a day done: from the person helped if they pay
/// their own time and can, otherwise from the organisation.
async fn pay(
    conn: &mut AnyConnection,
    actor: &Actor,
    day: &Occurrence,
    held: &MatchRecord,
    request: &RequestRecord,
    helper: i64,
    requester: i64,
) -> Result<Payment> {
    let minutes = u32::from(request.duration_minutes);
    let name: Option<(String,)> = sqlx::query_as("SELECT name FROM taxonomy_terms WHERE id = $1")
        .bind(&request.category)
        .fetch_optional(&mut *conn)
        .await?;
    let what = name.map_or_else(|| request.category.clone(), |(n,)| n);
    let reference = format!("{what} (match {})", held.id);
    let pays_own: Option<(i64,)> =
        sqlx::query_as("SELECT pays_own_time FROM coordination_people WHERE id = $1")
            .bind(requester)
            .fetch_optional(&mut *conn)
            .await?;
    let on = day.on_date;
    let helper_member = member(helper);
    let mut payer = if pays_own.is_some_and(|(flag,)| flag != 0) {
        AccountId::Member(member(requester))
    } else {
        AccountId::Organisation
    };
    loop {
        let paid_by = payer.clone();
        let note = if paid_by == AccountId::Organisation {
            format!("{reference}, paid by the organisation")
        } else {
            reference.clone()
        };
        // A refusal ends the savepoint only, so another payer can be tried.
        let mut attempt = conn.begin().await?;
        let posted = store::ledger::post(&mut attempt, actor.account_id, |ledger| {
            ledger.record_exchange(&paid_by, &helper_member, minutes, on, Some(note))
        })
        .await;
        match posted {
            Ok(transfer) => {
                attempt.commit().await?;
                let id = i64::try_from(transfer.id.0).unwrap_or(i64::MAX);
                store::rounds::set_transfer(conn, day.id, Some(id)).await?;
                return Ok(if paid_by == AccountId::Organisation {
                    Payment::ByOrganisation
                } else {
                    Payment::ByMember
                });
            }
            Err(PostError::Refused(LedgerError::DebtLimit { .. }))
                if payer != AccountId::Organisation =>
            {
                attempt.rollback().await?;
                payer = AccountId::Organisation;
            }
            Err(PostError::Refused(refusal)) => {
                attempt.rollback().await?;
                return Ok(Payment::Refused(refusal.to_string()));
            }
            Err(PostError::Database(error)) => return Err(error.into()),
        }
    }
}

/// The organisation gives a member hours.
pub async fn gift(
    db: &Db,
    actor: &Actor,
    person_id: i64,
    minutes: u32,
    on: Date,
    note: &str,
) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let holder = store::people::find(&mut tx, person_id)
        .await?
        .ok_or(WorkflowError::NotFound)?
        .organisation_id;
    if !actor.coordinates(holder) {
        return Err(WorkflowError::Forbidden);
    }
    let note = Some(note.trim().to_owned()).filter(|n| !n.is_empty());
    store::ledger::post(&mut tx, actor.account_id, |ledger| {
        ledger.gift(&member(person_id), minutes, on, note)
    })
    .await?;
    let event = actor
        .event(Action::TimeGifted)
        .subject("coordination_person", person_id)
        .detail(format!("{minutes} minutes"));
    audit::record_in(&mut tx, event).await?;
    tx.commit().await?;
    Ok(())
}

/// Books the weeks ahead of every live weekly match, up to the horizon.
/// Each match is booked on its own, so one that cannot be (which booking
/// rules out) is logged and the rest go ahead.
pub async fn book_weeks_ahead(db: &Db, today: Date) -> Result<()> {
    let mut conn = db.pool().acquire().await?;
    let horizon = today.add_days(BOOKING_HORIZON_DAYS);
    for id in store::rounds::weekly_live(&mut conn).await? {
        let Some(held) = store::matches::find(&mut conn, id).await? else {
            continue;
        };
        if let Err(error) = store::rounds::extend(&mut conn, &held, horizon).await {
            tracing::error!(match_id = id, error = %error, "could not book weekly help ahead");
        }
    }
    Ok(())
}

//! Receiving feedback and taking each step of a complaint: one transaction
//! a step, holding its history row and its audit row. The engine decides
//! whether a step may be taken and what the dates become; this module
//! checks reach, stores and audits.

use coprod_engine::{
    feedback::{Case, Kind, Outcome, Step, StepError},
    schedule::Date,
    working_days::WorkingCalendar,
};
use rand::Rng;

use super::{
    model::{Feedback, NewFeedback, StepRow},
    store::{self, Words},
};
use crate::{
    access::Reach,
    audit::{self, Action, Event},
    db::{self, Db, StoreError},
};

/// Why a step was not taken. Nothing changed.
#[derive(Debug, thiserror::Error)]
pub enum FeedbackError {
    /// Not there, or not the actor's organisation's.
    #[error("not found")]
    NotFound,
    /// Only complaints have steps.
    #[error("not a complaint")]
    NotAComplaint,
    /// The procedure does not allow it now.
    #[error("{0}")]
    Refused(StepError),
    /// Someone else took a step first.
    #[error("moved on")]
    MovedOn,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for FeedbackError {
    fn from(error: sqlx::Error) -> Self {
        FeedbackError::Store(error.into())
    }
}

type Result<T, E = FeedbackError> = std::result::Result<T, E>;

/// Who is acting: an account (or nobody, for an anonymous person), the
/// organisations whose items they handle, and where from.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account_id: Option<i64>,
    pub token_id: Option<i64>,
    pub reach: Reach,
    pub ip: String,
}

impl Actor {
    fn event(&self, action: Action, id: i64) -> Event<'_> {
        Event::new(action, self.account_id, &self.ip)
            .token(self.token_id)
            .subject("feedback", id)
    }
}

/// Letters and digits that cannot be misread over the phone.
const REFERENCE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// A reference like `FB-7KQ2-M9XD-3T`: 50 random bits, so nobody finds
/// another person's item by trying references.
pub fn new_reference() -> String {
    let mut rng = rand::rngs::OsRng;
    let mut chars: Vec<char> = (0..10)
        .map(|_| char::from(REFERENCE_ALPHABET[rng.gen_range(0..REFERENCE_ALPHABET.len())]))
        .collect();
    chars.insert(8, '-');
    chars.insert(4, '-');
    format!("FB-{}", chars.into_iter().collect::<String>())
}

/// Stores a new item (a complaint with its first clock), audited.
pub async fn receive(
    db: &Db,
    actor: &Actor,
    new: &NewFeedback,
    calendar: &WorkingCalendar,
) -> Result<(i64, String)> {
    let case = (new.kind == Kind::Complaint)
        .then(|| Case::open(calendar, new.received_on, new.investigation));
    let reference = new_reference();
    let mut tx = db.begin_write().await?;
    let id = store::insert(&mut tx, new, &reference, case.as_ref(), db::now()).await?;
    audit::record_in(
        &mut tx,
        actor.event(Action::FeedbackReceived, id).detail(format!(
            "{} about {} {}, by {}",
            new.kind.key(),
            new.about.key(),
            new.about_id.as_deref().unwrap_or(""),
            new.channel.key()
        )),
    )
    .await?;
    tx.commit().await?;
    Ok((id, reference))
}

/// An item with its history and open reports of abuse, for staff; the
/// read is audited, since it shows the person's details.
pub async fn read(
    db: &Db,
    actor: &Actor,
    id: i64,
) -> Result<(Feedback, Vec<StepRow>, Vec<String>)> {
    let mut tx = db.begin_write().await?;
    let item = store::find(&mut tx, &actor.reach, id)
        .await?
        .ok_or(FeedbackError::NotFound)?;
    let steps = store::steps(&mut tx, id).await?;
    let reports = store::open_reports(&mut tx, id).await?;
    audit::record_in(&mut tx, actor.event(Action::FeedbackRead, id)).await?;
    tx.commit().await?;
    Ok((item, steps, reports))
}

/// An item and its history by its reference, for the person.
pub async fn track(db: &Db, reference: &str) -> Result<(Feedback, Vec<StepRow>)> {
    let mut conn = db.pool().acquire().await?;
    let item = store::by_reference(&mut conn, reference.trim())
        .await?
        .ok_or(FeedbackError::NotFound)?;
    let steps = store::steps(&mut conn, item.id).await?;
    Ok((item, steps))
}

/// A step of a complaint with the words it carries.
#[derive(Debug, Clone)]
pub enum StepInput {
    Respond {
        outcome: Outcome,
        response: String,
    },
    ExtendFrontline {
        reason: String,
    },
    Escalate {
        note: String,
    },
    Acknowledge,
    ExtendInvestigation {
        reason: String,
        new_due: Date,
    },
    Decide {
        outcome: Outcome,
        decision: String,
        learning: String,
        changes: String,
    },
}

impl StepInput {
    fn step(&self) -> Step {
        match self {
            StepInput::Respond { outcome, .. } => Step::RespondFrontline { outcome: *outcome },
            StepInput::ExtendFrontline { reason } => Step::ExtendFrontline {
                reason_given: !reason.trim().is_empty(),
            },
            StepInput::Escalate { .. } => Step::Escalate,
            StepInput::Acknowledge => Step::Acknowledge,
            StepInput::ExtendInvestigation { reason, new_due } => Step::ExtendInvestigation {
                reason_given: !reason.trim().is_empty(),
                new_due: *new_due,
            },
            StepInput::Decide {
                outcome, learning, ..
            } => Step::Decide {
                outcome: *outcome,
                learning_given: !learning.trim().is_empty(),
            },
        }
    }

    /// The words kept on the item, and the note kept with the step.
    fn words(&self) -> (Words<'_>, String) {
        match self {
            StepInput::Respond { outcome, response } => (
                Words {
                    frontline_response: Some(response),
                    ..Words::default()
                },
                format!("{}: {response}", outcome.key()),
            ),
            StepInput::ExtendFrontline { reason } => (
                Words {
                    frontline_extension_reason: Some(reason),
                    ..Words::default()
                },
                reason.clone(),
            ),
            StepInput::Escalate { note } => (Words::default(), note.clone()),
            StepInput::Acknowledge => (Words::default(), String::new()),
            StepInput::ExtendInvestigation { reason, .. } => (Words::default(), reason.clone()),
            StepInput::Decide {
                outcome,
                decision,
                learning,
                changes,
            } => (
                Words {
                    decision: Some(decision),
                    learning: Some(learning),
                    changes: Some(changes),
                    ..Words::default()
                },
                format!("{}: {decision}", outcome.key()),
            ),
        }
    }
}

/// Takes one step on a complaint on `today`: the engine checks it, the
/// dates and words are written only if nobody moved it meanwhile, and the
/// history and audit rows go in the same transaction.
pub async fn take_step(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &StepInput,
    calendar: &WorkingCalendar,
    today: Date,
) -> Result<Feedback> {
    let mut tx = db.begin_write().await?;
    let item = store::find(&mut tx, &actor.reach, id)
        .await?
        .ok_or(FeedbackError::NotFound)?;
    let case = item.case.as_ref().ok_or(FeedbackError::NotAComplaint)?;
    let step = input.step();
    let next = case
        .apply(&step, today, calendar)
        .map_err(FeedbackError::Refused)?;
    let (words, note) = input.words();
    if !store::save_case(&mut tx, id, case.status().key(), &next, &words).await? {
        return Err(FeedbackError::MovedOn);
    }
    let new_date = match input {
        StepInput::ExtendFrontline { .. } => next.frontline.as_ref().map(|f| f.due.to_string()),
        StepInput::ExtendInvestigation { new_due, .. } => Some(new_due.to_string()),
        StepInput::Escalate { .. } => next.investigation.as_ref().map(|i| i.due.to_string()),
        _ => None,
    };
    store::add_step(
        &mut tx,
        id,
        step.key(),
        &today.to_string(),
        db::now(),
        actor.account_id,
        &note,
        new_date,
    )
    .await?;
    audit::record_in(
        &mut tx,
        actor.event(Action::ComplaintStepTaken, id).detail(format!(
            "{} → {}",
            step.key(),
            next.status().key()
        )),
    )
    .await?;
    let item = store::find(&mut tx, &actor.reach, id)
        .await?
        .ok_or(FeedbackError::NotFound)?;
    tx.commit().await?;
    Ok(item)
}

/// Publishes an item with words staff have checked hold nothing personal,
/// or (with `None`) withdraws it; audited, with a step in its history.
pub async fn publish(
    db: &Db,
    actor: &Actor,
    id: i64,
    words: Option<(&str, &str)>,
    today: Date,
) -> Result<()> {
    let mut tx = db.begin_write().await?;
    store::find(&mut tx, &actor.reach, id)
        .await?
        .ok_or(FeedbackError::NotFound)?;
    let now = db::now();
    store::set_published(&mut tx, id, words, actor.account_id, now).await?;
    store::add_step(
        &mut tx,
        id,
        if words.is_some() {
            "published"
        } else {
            "withdrawn"
        },
        &today.to_string(),
        now,
        actor.account_id,
        "",
        None,
    )
    .await?;
    audit::record_in(
        &mut tx,
        actor
            .event(Action::FeedbackPublished, id)
            .detail(if words.is_some() {
                "published"
            } else {
                "withdrawn"
            }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records a report that a published item is abusive. Only published
/// items can be reported; others are not there.
pub async fn report_abuse(db: &Db, id: i64, reason: &str) -> Result<()> {
    let mut tx = db.begin_write().await?;
    if !store::is_published(&mut tx, id).await? {
        return Err(FeedbackError::NotFound);
    }
    store::report_abuse(&mut tx, id, reason, db::now()).await?;
    tx.commit().await?;
    Ok(())
}

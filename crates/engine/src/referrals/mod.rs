//! Social prescribing referrals: the life-cycle of one referral as a state
//! machine, working-day due dates, stalled referrals, the uptake funnel and
//! the change in measured wellbeing.
//!
//! A referral is made (`referred`); the receiving organisation accepts or
//! declines it; once accepted the person is contacted, attends for the
//! first time and completes, or does not attend; either side may record
//! that it was withdrawn. `completed`, `declined`, `did_not_attend` and
//! `withdrawn` are final: nothing moves a referral out of them. Every step
//! carries who took it, when, and through which channel, so the history
//! can always answer "who said so, and when".

/// Working days, bank holidays and due dates: the shared
/// [`crate::working_days`], under the name referrals first gave it.
pub mod calendar {
    pub use crate::working_days::*;
}
/// Referred → accepted → attended → completed, by group, with small cells withheld.
pub mod funnel;
/// Change in measured wellbeing between the start and a review.
pub mod outcomes;
/// Referrals that have stalled: no answer, no contact, no attendance.
pub mod stall;
/// The Talking Points personal outcomes, rated at the start and at reviews.
pub mod talking_points;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// Where a referral stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Referred,
    Accepted,
    Contacted,
    FirstAttended,
    Completed,
    Declined,
    DidNotAttend,
    Withdrawn,
}

impl Status {
    /// In the order of the life-cycle, the final states last.
    pub const ALL: [Status; 8] = [
        Status::Referred,
        Status::Accepted,
        Status::Contacted,
        Status::FirstAttended,
        Status::Completed,
        Status::Declined,
        Status::DidNotAttend,
        Status::Withdrawn,
    ];

    /// The machine name, as stored and in the API.
    pub const fn key(self) -> &'static str {
        match self {
            Status::Referred => "referred",
            Status::Accepted => "accepted",
            Status::Contacted => "contacted",
            Status::FirstAttended => "first_attended",
            Status::Completed => "completed",
            Status::Declined => "declined",
            Status::DidNotAttend => "did_not_attend",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|s| s.key() == raw.trim())
            .ok_or(Invalid::new("error.referral.status"))
    }

    /// A final state: the referral's story has ended.
    pub const fn is_final(self) -> bool {
        matches!(
            self,
            Status::Completed | Status::Declined | Status::DidNotAttend | Status::Withdrawn
        )
    }

    /// The states a referral may move to next from this one, and which
    /// side may move it there.
    pub fn next(self) -> &'static [(Status, Side)] {
        use Side::{Either, Receiver};
        match self {
            Status::Referred => &[
                (Status::Accepted, Receiver),
                (Status::Declined, Receiver),
                (Status::Withdrawn, Either),
            ],
            Status::Accepted => &[
                (Status::Contacted, Receiver),
                (Status::FirstAttended, Receiver),
                (Status::DidNotAttend, Receiver),
                (Status::Withdrawn, Either),
            ],
            Status::Contacted => &[
                (Status::FirstAttended, Receiver),
                (Status::DidNotAttend, Receiver),
                (Status::Withdrawn, Either),
            ],
            Status::FirstAttended => &[(Status::Completed, Receiver), (Status::Withdrawn, Either)],
            Status::Completed | Status::Declined | Status::DidNotAttend | Status::Withdrawn => &[],
        }
    }

    /// Whether `side` may move a referral from this state to `to`.
    pub fn may_move(self, to: Status, side: Side) -> bool {
        self.next()
            .iter()
            .any(|&(next, who)| next == to && who.admits(side))
    }

    /// How far along the funnel this state has come: 0 referred, 1
    /// accepted, 2 attended, 3 completed. A final state that ended early
    /// says nothing by itself; [`funnel::Reached`] reads the whole history.
    pub const fn funnel_stage(self) -> u8 {
        match self {
            Status::Referred | Status::Declined | Status::Withdrawn | Status::DidNotAttend => 0,
            Status::Accepted | Status::Contacted => 1,
            Status::FirstAttended => 2,
            Status::Completed => 3,
        }
    }
}

/// The two sides of a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Whoever made the referral (or the person themselves).
    Referrer,
    /// The organisation receiving it.
    Receiver,
    /// Either of them.
    Either,
}

impl Side {
    fn admits(self, side: Side) -> bool {
        self == Side::Either || self == side || side == Side::Either
    }
}

/// Who took a step. There is always someone: a person's account, an
/// organisation's system (its API token), or the operator at the command
/// line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Actor {
    Account(i64),
    Token(i64),
    Operator,
}

/// How a step was taken or heard of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Online,
    Phone,
    Email,
    Paper,
    InPerson,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Online,
        Channel::Phone,
        Channel::Email,
        Channel::Paper,
        Channel::InPerson,
    ];

    pub const fn key(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Phone => "phone",
            Channel::Email => "email",
            Channel::Paper => "paper",
            Channel::InPerson => "in_person",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|c| c.key() == raw.trim())
            .ok_or(Invalid::new("error.referral.channel"))
    }
}

/// One step of a referral's life: the state it reached, when (Unix
/// seconds), who took it and how. A step cannot be made without an actor
/// or a time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub status: Status,
    pub at: i64,
    pub actor: Actor,
    pub channel: Channel,
    /// The reason for a decline or withdrawal, a note otherwise.
    pub note: String,
}

/// Why a step was refused. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    #[error("a referral that is {} cannot change any more", .0.key())]
    Final(Status),
    #[error("a referral cannot go from {} to {}", .from.key(), .to.key())]
    NotNext { from: Status, to: Status },
    #[error("that side may not make this step")]
    WrongSide,
    #[error("a reason is needed")]
    ReasonMissing,
    #[error("a step cannot be earlier than the one before it")]
    BeforePrevious,
}

impl StepError {
    /// The message catalogue key.
    pub const fn key(&self) -> &'static str {
        match self {
            StepError::Final(_) => "error.referral.final",
            StepError::NotNext { .. } => "error.referral.not_next",
            StepError::WrongSide => "error.referral.wrong_side",
            StepError::ReasonMissing => "error.referral.reason_missing",
            StepError::BeforePrevious => "error.referral.before_previous",
        }
    }

    /// A stable code for redirects and the API.
    pub const fn code(&self) -> &'static str {
        match self {
            StepError::Final(_) => "final",
            StepError::NotNext { .. } => "not_next",
            StepError::WrongSide => "wrong_side",
            StepError::ReasonMissing => "reason_missing",
            StepError::BeforePrevious => "before_previous",
        }
    }
}

/// A referral's history: its first step is always `referred`, and each
/// later step is one the state machine allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    steps: Vec<Step>,
}

impl History {
    /// A new referral, made by `actor` at `at`.
    pub fn referred(at: i64, actor: Actor, channel: Channel) -> Self {
        Self {
            steps: vec![Step {
                status: Status::Referred,
                at,
                actor,
                channel,
                note: String::new(),
            }],
        }
    }

    /// A stored history, checked step by step.
    pub fn replay(steps: impl IntoIterator<Item = (Step, Side)>) -> Result<Self, StepError> {
        let mut steps = steps.into_iter();
        let Some((first, _)) = steps.next() else {
            return Err(StepError::NotNext {
                from: Status::Referred,
                to: Status::Referred,
            });
        };
        if first.status != Status::Referred {
            return Err(StepError::NotNext {
                from: Status::Referred,
                to: first.status,
            });
        }
        let mut history = Self { steps: vec![first] };
        for (step, side) in steps {
            history.take(step, side)?;
        }
        Ok(history)
    }

    pub fn status(&self) -> Status {
        self.steps.last().map_or(Status::Referred, |s| s.status)
    }

    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// When the referral was made.
    pub fn referred_at(&self) -> i64 {
        self.steps.first().map_or(0, |s| s.at)
    }

    /// When it last reached `status`, if it has.
    pub fn reached(&self, status: Status) -> Option<i64> {
        self.steps
            .iter()
            .rev()
            .find(|s| s.status == status)
            .map(|s| s.at)
    }

    /// Checks a step against the current state without taking it.
    pub fn check(&self, step: &Step, side: Side) -> Result<(), StepError> {
        let from = self.status();
        if from.is_final() {
            return Err(StepError::Final(from));
        }
        if !from.next().iter().any(|&(to, _)| to == step.status) {
            return Err(StepError::NotNext {
                from,
                to: step.status,
            });
        }
        if !from.may_move(step.status, side) {
            return Err(StepError::WrongSide);
        }
        if matches!(step.status, Status::Declined | Status::Withdrawn)
            && step.note.trim().is_empty()
        {
            return Err(StepError::ReasonMissing);
        }
        if self.steps.last().is_some_and(|last| step.at < last.at) {
            return Err(StepError::BeforePrevious);
        }
        Ok(())
    }

    /// Takes a step, or refuses it and changes nothing.
    pub fn take(&mut self, step: Step, side: Side) -> Result<(), StepError> {
        self.check(&step, side)?;
        self.steps.push(step);
        Ok(())
    }
}

/// What the receiving organisation may be shown of the person referred.
/// The person (or whoever speaks for them) chooses; nothing else about them
/// reaches the receiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SharedField {
    Name,
    Phone,
    Email,
    /// What matters to them: the reason for the referral, in their words.
    Reason,
    AgeBand,
}

impl SharedField {
    pub const ALL: [SharedField; 5] = [
        SharedField::Name,
        SharedField::Phone,
        SharedField::Email,
        SharedField::Reason,
        SharedField::AgeBand,
    ];

    pub const fn key(self) -> &'static str {
        match self {
            SharedField::Name => "name",
            SharedField::Phone => "phone",
            SharedField::Email => "email",
            SharedField::Reason => "reason",
            SharedField::AgeBand => "age_band",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|f| f.key() == raw.trim())
            .ok_or(Invalid::new("error.referral.shared_field"))
    }
}

/// The fields shared with the receiver: at least one, each once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sharing(Vec<SharedField>);

impl Sharing {
    /// Parses the chosen fields; none chosen is refused, since a referral
    /// nobody can act on is no referral.
    pub fn parse<'a>(raw: impl IntoIterator<Item = &'a str>) -> Result<Self, Invalid> {
        let mut fields = Vec::new();
        for item in raw {
            if item.trim().is_empty() {
                continue;
            }
            let field = SharedField::parse(item)?;
            if !fields.contains(&field) {
                fields.push(field);
            }
        }
        if fields.is_empty() {
            return Err(Invalid::new("error.referral.share_nothing"));
        }
        fields.sort();
        Ok(Self(fields))
    }

    pub fn shares(&self, field: SharedField) -> bool {
        self.0.contains(&field)
    }

    pub fn fields(&self) -> &[SharedField] {
        &self.0
    }

    /// As stored: the keys, comma-separated.
    pub fn to_stored(&self) -> String {
        self.0.iter().map(|f| f.key()).collect::<Vec<_>>().join(",")
    }

    pub fn from_stored(raw: &str) -> Result<Self, Invalid> {
        Self::parse(raw.split(','))
    }
}

/// Who made the referral, as recorded: the kind of referrer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferrerKind {
    LinkWorker,
    GpPractice,
    Nurse,
    Coordinator,
    OtherStaff,
    /// The person referred themselves.
    SelfReferral,
}

impl ReferrerKind {
    pub const ALL: [ReferrerKind; 6] = [
        ReferrerKind::LinkWorker,
        ReferrerKind::GpPractice,
        ReferrerKind::Nurse,
        ReferrerKind::Coordinator,
        ReferrerKind::OtherStaff,
        ReferrerKind::SelfReferral,
    ];

    pub const fn key(self) -> &'static str {
        match self {
            ReferrerKind::LinkWorker => "link_worker",
            ReferrerKind::GpPractice => "gp_practice",
            ReferrerKind::Nurse => "nurse",
            ReferrerKind::Coordinator => "coordinator",
            ReferrerKind::OtherStaff => "other_staff",
            ReferrerKind::SelfReferral => "self",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|k| k.key() == raw.trim())
            .ok_or(Invalid::new("error.referral.referrer_kind"))
    }
}

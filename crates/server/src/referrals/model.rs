//! The records of referrals: the referral itself, its steps and the
//! wellbeing measures taken along the way, and which side of a referral
//! someone stands on.

use coprod_engine::{
    referrals::{
        Actor as StepActor, Channel, History, ReferrerKind, Sharing, Side, Status, Step, StepError,
        outcomes::{Measure, Stage},
    },
    schedule::Date,
};

use crate::access::Reach;

/// Where a referral goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A service on the asset map.
    Service,
    /// An organisation's volunteer desk: a request for help once accepted.
    Desk,
}

impl Target {
    pub const fn key(self) -> &'static str {
        match self {
            Target::Service => "service",
            Target::Desk => "desk",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "service" => Some(Target::Service),
            "desk" => Some(Target::Desk),
            _ => None,
        }
    }
}

/// A stored referral.
#[derive(Debug, Clone)]
pub struct Referral {
    pub id: i64,
    pub person_id: i64,
    /// The organisation holding the person's record when referred (`None`:
    /// the partnership).
    pub referring_organisation_id: Option<i64>,
    pub referred_by: Option<i64>,
    pub referrer_kind: ReferrerKind,
    pub referrer_role: String,
    pub target: Target,
    pub service_id: Option<String>,
    pub service_name: String,
    pub receiving_organisation_id: i64,
    pub help_category: Option<String>,
    pub postcode: String,
    pub reason: String,
    pub sharing: Sharing,
    pub consent_id: i64,
    pub simd_quintile: Option<u8>,
    pub age_band: Option<String>,
    pub status: Status,
    pub referred_at: i64,
    pub respond_by: Date,
    pub escalated_at: Option<i64>,
    pub help_request_id: Option<i64>,
}

impl Referral {
    /// The side of this referral that `reach` stands on, if any: the
    /// referrer's (the organisation holding the person's record), the
    /// receiver's, or both. `None`: the referral is none of theirs.
    pub fn side_of(&self, reach: &Reach) -> Option<Side> {
        let referrer = reach.covers(self.referring_organisation_id);
        let receiver = reach.covers(Some(self.receiving_organisation_id));
        match (referrer, receiver) {
            (true, true) => Some(Side::Either),
            (true, false) => Some(Side::Referrer),
            (false, true) => Some(Side::Receiver),
            (false, false) => None,
        }
    }
}

/// One stored step.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: i64,
    pub step: Step,
    pub side: Side,
}

/// A referral's steps as the engine's history, checked again.
pub fn history(events: &[Event]) -> Result<History, StepError> {
    History::replay(events.iter().map(|e| (e.step.clone(), e.side)))
}

/// How a side is stored.
pub fn side_key(side: Side) -> &'static str {
    match side {
        Side::Referrer => "referrer",
        Side::Receiver => "receiver",
        Side::Either => "either",
    }
}

pub fn side_from(raw: &str) -> Option<Side> {
    match raw {
        "referrer" => Some(Side::Referrer),
        "receiver" => Some(Side::Receiver),
        "either" => Some(Side::Either),
        _ => None,
    }
}

/// How an actor is stored: a kind and an id.
pub fn actor_columns(actor: StepActor) -> (&'static str, Option<i64>) {
    match actor {
        StepActor::Account(id) => ("account", Some(id)),
        StepActor::Token(id) => ("token", Some(id)),
        StepActor::Operator => ("operator", None),
    }
}

pub fn actor_from(kind: &str, id: Option<i64>) -> Option<StepActor> {
    match (kind, id) {
        ("account", Some(id)) => Some(StepActor::Account(id)),
        ("token", Some(id)) => Some(StepActor::Token(id)),
        ("operator", None) => Some(StepActor::Operator),
        _ => None,
    }
}

/// A stored wellbeing measure.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub id: i64,
    pub person_id: i64,
    pub referral_id: Option<i64>,
    pub measure: Measure,
    pub stage: Stage,
    pub recorded_at: i64,
    pub items: Vec<i64>,
    pub channel: Channel,
    pub entered_by: Option<i64>,
}

/// The catalogue key for a status.
pub fn status_label(status: Status) -> String {
    format!("referrals.status.{}", status.key())
}

/// The design system tag colour for a status.
pub fn status_tag(status: Status) -> &'static str {
    match status {
        Status::Referred => "ds_tag--grey",
        Status::Accepted | Status::Contacted => "ds_tag--blue",
        Status::FirstAttended | Status::Completed => "ds_tag--green",
        Status::Declined | Status::DidNotAttend | Status::Withdrawn => "ds_tag--orange",
    }
}

//! Feedback, compliments and complaints, and the clocks of the Scottish
//! public services model complaints handling procedure.
//!
//! Feedback and compliments are read and, if the organisation chooses,
//! answered in public; they have no clock. A complaint has two stages:
//!
//! - **stage 1, frontline response**: answered within 5 working days of
//!   receipt, which may be extended once, with a recorded reason, to 10;
//! - **stage 2, investigation**: taken straight to stage 2 at receipt, or
//!   when the person is not satisfied with the frontline response. It is
//!   acknowledged within 3 working days and decided within 20, both counted
//!   from the day it began; the decision may be put back with a recorded
//!   reason and a new date told to the person.
//!
//! Working days are counted from the next working day after the start
//! ([`WorkingCalendar::add_working_days`]): a complaint received on a
//! Friday has its first working day on the Monday. Every response closes
//! its stage with an outcome (upheld, partly upheld, not upheld, resolved);
//! the stage 2 decision also records what was learned and what changes,
//! and ends with the person told how to take the complaint to the Scottish
//! Public Services Ombudsman.

/// The life-cycle of one complaint: steps, statuses and clocks.
pub mod complaint;

#[cfg(test)]
mod tests;

pub use complaint::{Case, Clock, Outcome, Status, Step, StepError};

use serde::{Deserialize, Serialize};

use crate::{Invalid, schedule::Date, working_days::WorkingCalendar};

/// Stage 1's target, in working days from receipt.
pub const FRONTLINE_DAYS: u32 = 5;
/// Stage 1's target once extended (once only).
pub const FRONTLINE_EXTENDED_DAYS: u32 = 10;
/// Stage 2's acknowledgement, in working days from its start.
pub const ACKNOWLEDGE_DAYS: u32 = 3;
/// Stage 2's decision, in working days from its start.
pub const INVESTIGATION_DAYS: u32 = 20;

/// What someone is telling the organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Feedback,
    Compliment,
    Complaint,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Feedback, Kind::Compliment, Kind::Complaint];

    /// The machine name, as stored and in the API.
    pub const fn key(self) -> &'static str {
        match self {
            Kind::Feedback => "feedback",
            Kind::Compliment => "compliment",
            Kind::Complaint => "complaint",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|k| k.key() == raw.trim())
            .ok_or(Invalid::new("error.feedback.kind"))
    }
}

/// How it reached the organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The person used the site.
    Online,
    Phone,
    Letter,
    InPerson,
    Email,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Online,
        Channel::Phone,
        Channel::Letter,
        Channel::InPerson,
        Channel::Email,
    ];

    /// What staff may record on someone's behalf (everything but online).
    pub const ON_BEHALF: [Channel; 4] = [
        Channel::Phone,
        Channel::Letter,
        Channel::InPerson,
        Channel::Email,
    ];

    pub const fn key(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Phone => "phone",
            Channel::Letter => "letter",
            Channel::InPerson => "in_person",
            Channel::Email => "email",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|c| c.key() == raw.trim())
            .ok_or(Invalid::new("error.feedback.channel"))
    }
}

/// The stage a due date is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Frontline,
    Investigation,
}

impl Stage {
    pub const fn key(self) -> &'static str {
        match self {
            Stage::Frontline => "frontline",
            Stage::Investigation => "investigation",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw.trim() {
            "frontline" => Ok(Stage::Frontline),
            "investigation" => Ok(Stage::Investigation),
            _ => Err(Invalid::new("error.feedback.stage")),
        }
    }
}

/// The stage's due date for something received (or escalated) on
/// `received`. `extended` asks for stage 1's one extension (10 working
/// days). Stage 2 has no fixed extension: the investigator sets a new date
/// and tells the person ([`Step::ExtendInvestigation`]), so asking for an
/// extended stage 2 date is refused.
pub fn due_date(
    calendar: &WorkingCalendar,
    received: Date,
    stage: Stage,
    extended: bool,
) -> Result<Date, Invalid> {
    let days = match (stage, extended) {
        (Stage::Frontline, false) => FRONTLINE_DAYS,
        (Stage::Frontline, true) => FRONTLINE_EXTENDED_DAYS,
        (Stage::Investigation, false) => INVESTIGATION_DAYS,
        (Stage::Investigation, true) => {
            return Err(Invalid::new("error.feedback.investigation_extension"));
        }
    };
    Ok(calendar.add_working_days(received, days))
}

/// Stage 2's acknowledgement date for an investigation begun on `started`.
pub fn acknowledge_by(calendar: &WorkingCalendar, started: Date) -> Date {
    calendar.add_working_days(started, ACKNOWLEDGE_DAYS)
}

/// Working days taken to answer: from the start, up to and including the
/// day of the answer (an answer on the day itself took 0).
pub fn working_days_taken(calendar: &WorkingCalendar, started: Date, answered: Date) -> u32 {
    calendar.working_days_between(started, answered)
}

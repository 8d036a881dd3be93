//! One complaint as a state machine. A [`Case`] holds the dates that
//! matter; [`Case::apply`] takes one [`Step`] on a day and answers the case
//! that follows, or why the step cannot be taken. The status is read from
//! the dates, so what is stored cannot disagree with it.
//!
//! ```text
//! frontline ──respond──▶ frontline_closed ──escalate──▶ investigation
//!     │  └─extend (once)                                    │  ├─acknowledge─▶ acknowledged
//!     └──────────────escalate──────────────────────────────▶│  └─extend (reason, new date)
//!                                                           └──decide──▶ decided (final)
//! ```
//!
//! A complaint may also begin at stage 2 ([`Case::open`] with
//! `investigation`).

use serde::{Deserialize, Serialize};

use super::{ACKNOWLEDGE_DAYS, FRONTLINE_DAYS, FRONTLINE_EXTENDED_DAYS, INVESTIGATION_DAYS};
use crate::{Invalid, schedule::Date, working_days::WorkingCalendar};

/// Where a complaint stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Stage 1, waiting for the frontline response.
    Frontline,
    /// Stage 1 answered; the person may still ask for an investigation.
    FrontlineClosed,
    /// Stage 2, not yet acknowledged.
    Investigation,
    /// Stage 2, acknowledged, waiting for the decision.
    Acknowledged,
    /// Stage 2 decided; the person has been told about the ombudsman.
    Decided,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Frontline,
        Status::FrontlineClosed,
        Status::Investigation,
        Status::Acknowledged,
        Status::Decided,
    ];

    pub const fn key(self) -> &'static str {
        match self {
            Status::Frontline => "frontline",
            Status::FrontlineClosed => "frontline_closed",
            Status::Investigation => "investigation",
            Status::Acknowledged => "acknowledged",
            Status::Decided => "decided",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|s| s.key() == raw.trim())
            .ok_or(Invalid::new("error.feedback.status"))
    }

    /// Someone still owes the person an answer.
    pub const fn is_open(self) -> bool {
        matches!(
            self,
            Status::Frontline | Status::Investigation | Status::Acknowledged
        )
    }
}

/// How a stage ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Upheld,
    PartlyUpheld,
    NotUpheld,
    /// Settled with the person without deciding whether it was upheld.
    Resolved,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Upheld,
        Outcome::PartlyUpheld,
        Outcome::NotUpheld,
        Outcome::Resolved,
    ];

    pub const fn key(self) -> &'static str {
        match self {
            Outcome::Upheld => "upheld",
            Outcome::PartlyUpheld => "partly_upheld",
            Outcome::NotUpheld => "not_upheld",
            Outcome::Resolved => "resolved",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|o| o.key() == raw.trim())
            .ok_or(Invalid::new("error.feedback.outcome"))
    }
}

/// Stage 1's dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frontline {
    pub due: Date,
    /// Set once, when the stage was extended to 10 working days.
    pub extended: bool,
    pub responded: Option<Date>,
    pub outcome: Option<Outcome>,
}

/// Stage 2's dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Investigation {
    pub started: Date,
    pub acknowledge_by: Date,
    pub acknowledged: Option<Date>,
    pub due: Date,
    /// How many times the decision has been put back.
    pub extensions: u32,
    pub decided: Option<Date>,
    pub outcome: Option<Outcome>,
}

/// A complaint's dates: everything its status and clocks are read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub received: Date,
    /// `None` when the complaint went straight to stage 2.
    pub frontline: Option<Frontline>,
    pub investigation: Option<Investigation>,
}

/// One thing done to a complaint. The words (the response, the reason, what
/// was learned) are kept by the caller; the engine needs only to know that
/// a reason was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Stage 1 answered.
    RespondFrontline { outcome: Outcome },
    /// Stage 1 put back to 10 working days, once, for a reason.
    ExtendFrontline { reason_given: bool },
    /// Taken to stage 2, from stage 1 open or answered.
    Escalate,
    /// Stage 2 acknowledged.
    Acknowledge,
    /// Stage 2's decision put back to a new date, for a reason.
    ExtendInvestigation { reason_given: bool, new_due: Date },
    /// Stage 2 decided, with what was learned.
    Decide {
        outcome: Outcome,
        learning_given: bool,
    },
}

impl Step {
    pub const fn key(&self) -> &'static str {
        match self {
            Step::RespondFrontline { .. } => "respond",
            Step::ExtendFrontline { .. } => "extend_frontline",
            Step::Escalate => "escalate",
            Step::Acknowledge => "acknowledge",
            Step::ExtendInvestigation { .. } => "extend_investigation",
            Step::Decide { .. } => "decide",
        }
    }
}

/// Why a step was refused. Each names a catalogue key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    #[error("error.feedback.step_not_allowed")]
    NotAllowed,
    #[error("error.feedback.already_extended")]
    AlreadyExtended,
    #[error("error.feedback.reason_required")]
    ReasonRequired,
    #[error("error.feedback.learning_required")]
    LearningRequired,
    #[error("error.feedback.new_date_not_later")]
    NewDateNotLater,
    #[error("error.feedback.new_date_not_working_day")]
    NewDateNotWorkingDay,
    #[error("error.feedback.before_start")]
    BeforeStart,
}

impl StepError {
    /// The catalogue key.
    pub const fn key(self) -> &'static str {
        match self {
            StepError::NotAllowed => "error.feedback.step_not_allowed",
            StepError::AlreadyExtended => "error.feedback.already_extended",
            StepError::ReasonRequired => "error.feedback.reason_required",
            StepError::LearningRequired => "error.feedback.learning_required",
            StepError::NewDateNotLater => "error.feedback.new_date_not_later",
            StepError::NewDateNotWorkingDay => "error.feedback.new_date_not_working_day",
            StepError::BeforeStart => "error.feedback.before_start",
        }
    }
}

/// The clock that is running, and when it runs out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "clock", content = "due")]
pub enum Clock {
    /// Stage 1's response.
    Frontline(Date),
    /// Stage 2's acknowledgement.
    Acknowledge(Date),
    /// Stage 2's decision.
    Decision(Date),
}

impl Clock {
    pub const fn due(self) -> Date {
        match self {
            Clock::Frontline(d) | Clock::Acknowledge(d) | Clock::Decision(d) => d,
        }
    }

    pub const fn key(self) -> &'static str {
        match self {
            Clock::Frontline(_) => "frontline",
            Clock::Acknowledge(_) => "acknowledge",
            Clock::Decision(_) => "decision",
        }
    }
}

fn investigation_from(calendar: &WorkingCalendar, started: Date) -> Investigation {
    Investigation {
        started,
        acknowledge_by: calendar.add_working_days(started, ACKNOWLEDGE_DAYS),
        acknowledged: None,
        due: calendar.add_working_days(started, INVESTIGATION_DAYS),
        extensions: 0,
        decided: None,
        outcome: None,
    }
}

impl Case {
    /// A complaint received on `received`, at stage 1 or straight to stage 2.
    pub fn open(calendar: &WorkingCalendar, received: Date, investigation: bool) -> Self {
        if investigation {
            Self {
                received,
                frontline: None,
                investigation: Some(investigation_from(calendar, received)),
            }
        } else {
            Self {
                received,
                frontline: Some(Frontline {
                    due: calendar.add_working_days(received, FRONTLINE_DAYS),
                    extended: false,
                    responded: None,
                    outcome: None,
                }),
                investigation: None,
            }
        }
    }

    pub fn status(&self) -> Status {
        match (&self.frontline, &self.investigation) {
            (_, Some(stage)) if stage.decided.is_some() => Status::Decided,
            (_, Some(stage)) if stage.acknowledged.is_some() => Status::Acknowledged,
            (_, Some(_)) => Status::Investigation,
            (Some(stage), None) if stage.responded.is_some() => Status::FrontlineClosed,
            _ => Status::Frontline,
        }
    }

    /// The clock now running, if someone owes the person something.
    pub fn clock(&self) -> Option<Clock> {
        match self.status() {
            Status::Frontline => self.frontline.as_ref().map(|s| Clock::Frontline(s.due)),
            Status::Investigation => self
                .investigation
                .as_ref()
                .map(|s| Clock::Acknowledge(s.acknowledge_by)),
            Status::Acknowledged => self.investigation.as_ref().map(|s| Clock::Decision(s.due)),
            Status::FrontlineClosed | Status::Decided => None,
        }
    }

    /// The running clock, when `today` is past its day.
    pub fn overdue(&self, today: Date) -> Option<Clock> {
        self.clock().filter(|clock| clock.due() < today)
    }

    /// The final outcome so far: stage 2's if decided, else stage 1's.
    pub fn outcome(&self) -> Option<Outcome> {
        self.investigation
            .as_ref()
            .and_then(|s| s.outcome)
            .or_else(|| self.frontline.as_ref().and_then(|s| s.outcome))
    }

    /// Stage 1 answered by its due date (`None` while unanswered or when
    /// the complaint began at stage 2).
    pub fn frontline_on_time(&self) -> Option<bool> {
        let stage = self.frontline.as_ref()?;
        stage.responded.map(|day| day <= stage.due)
    }

    /// Stage 2 decided by its (possibly extended) due date.
    pub fn investigation_on_time(&self) -> Option<bool> {
        let stage = self.investigation.as_ref()?;
        stage.decided.map(|day| day <= stage.due)
    }

    /// The day the current stage began.
    fn stage_start(&self) -> Date {
        self.investigation
            .as_ref()
            .map_or(self.received, |stage| stage.started)
    }

    /// Take `step` on `on`.
    pub fn apply(
        &self,
        step: &Step,
        on: Date,
        calendar: &WorkingCalendar,
    ) -> Result<Case, StepError> {
        if on < self.stage_start() {
            return Err(StepError::BeforeStart);
        }
        let mut next = self.clone();
        match (self.status(), step) {
            (Status::Frontline, Step::RespondFrontline { outcome }) => {
                let stage = next.frontline.as_mut().ok_or(StepError::NotAllowed)?;
                stage.responded = Some(on);
                stage.outcome = Some(*outcome);
            }
            (Status::Frontline, Step::ExtendFrontline { reason_given }) => {
                let stage = next.frontline.as_mut().ok_or(StepError::NotAllowed)?;
                if stage.extended {
                    return Err(StepError::AlreadyExtended);
                }
                if !reason_given {
                    return Err(StepError::ReasonRequired);
                }
                stage.extended = true;
                stage.due = calendar
                    .add_working_days(self.received, FRONTLINE_EXTENDED_DAYS)
                    .max(stage.due);
            }
            (Status::Frontline | Status::FrontlineClosed, Step::Escalate) => {
                next.investigation = Some(investigation_from(calendar, on));
            }
            (Status::Investigation, Step::Acknowledge) => {
                let stage = next.investigation.as_mut().ok_or(StepError::NotAllowed)?;
                stage.acknowledged = Some(on);
            }
            (
                Status::Investigation | Status::Acknowledged,
                Step::ExtendInvestigation {
                    reason_given,
                    new_due,
                },
            ) => {
                let stage = next.investigation.as_mut().ok_or(StepError::NotAllowed)?;
                if !reason_given {
                    return Err(StepError::ReasonRequired);
                }
                if *new_due <= stage.due {
                    return Err(StepError::NewDateNotLater);
                }
                if !calendar.is_working_day(*new_due) {
                    return Err(StepError::NewDateNotWorkingDay);
                }
                stage.due = *new_due;
                stage.extensions += 1;
            }
            (
                Status::Investigation | Status::Acknowledged,
                Step::Decide {
                    outcome,
                    learning_given,
                },
            ) => {
                if !learning_given {
                    return Err(StepError::LearningRequired);
                }
                let stage = next.investigation.as_mut().ok_or(StepError::NotAllowed)?;
                // A decision sent before any acknowledgement acknowledges it.
                stage.acknowledged.get_or_insert(on);
                stage.decided = Some(on);
                stage.outcome = Some(*outcome);
            }
            _ => return Err(StepError::NotAllowed),
        }
        Ok(next)
    }

    /// The steps that may be taken now, by key, for pages to offer.
    pub fn allowed_steps(&self) -> &'static [&'static str] {
        match self.status() {
            Status::Frontline => {
                if self.frontline.as_ref().is_some_and(|s| s.extended) {
                    &["respond", "escalate"]
                } else {
                    &["respond", "extend_frontline", "escalate"]
                }
            }
            Status::FrontlineClosed => &["escalate"],
            Status::Investigation => &["acknowledge", "extend_investigation", "decide"],
            Status::Acknowledged => &["extend_investigation", "decide"],
            Status::Decided => &[],
        }
    }
}

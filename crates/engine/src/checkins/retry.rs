//! What a call came to, and the rule for an unanswered one: it is tried
//! again a number of working days later (so a call that rang out on Friday
//! afternoon is tried again on Monday, or after a bank holiday), up to a
//! limit of attempts; when the last attempt goes unanswered too, the
//! coordinator is alerted.

use serde::{Deserialize, Serialize};

use crate::{Invalid, referrals::calendar::WorkingCalendar, schedule::Date};

/// What came of one attempt at a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The caller spoke with the person and all was well.
    Spoke,
    /// Nobody answered.
    NoAnswer,
    /// The caller left a message.
    LeftMessage,
    /// The caller spoke with the person and is worried about them.
    Concern,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Spoke,
        Outcome::NoAnswer,
        Outcome::LeftMessage,
        Outcome::Concern,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Outcome::Spoke => "spoke",
            Outcome::NoAnswer => "no_answer",
            Outcome::LeftMessage => "left_message",
            Outcome::Concern => "concern",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|o| o.key() == raw.trim())
            .ok_or(Invalid::new("error.checkins.outcome"))
    }

    /// Whether the person was not reached.
    pub fn is_unanswered(self) -> bool {
        matches!(self, Outcome::NoAnswer | Outcome::LeftMessage)
    }
}

/// The most attempts a plan may ask for.
pub const MAX_ATTEMPTS: u8 = 5;
/// The most working days a plan may wait between attempts.
pub const MAX_SPACING: u8 = 5;

/// How often an unanswered call is tried, and how far apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RetryRule {
    attempts: u8,
    spacing: u8,
}

impl Default for RetryRule {
    /// Three attempts, each on the next working day.
    fn default() -> Self {
        Self {
            attempts: 3,
            spacing: 1,
        }
    }
}

impl RetryRule {
    /// `attempts` in all (the first call included), 1 to [`MAX_ATTEMPTS`];
    /// `spacing` working days apart, 0 (later the same day) to
    /// [`MAX_SPACING`].
    pub fn new(attempts: u8, spacing: u8) -> Result<Self, Invalid> {
        if !(1..=MAX_ATTEMPTS).contains(&attempts) {
            return Err(Invalid::new("error.checkins.attempts"));
        }
        if spacing > MAX_SPACING {
            return Err(Invalid::new("error.checkins.spacing"));
        }
        Ok(Self { attempts, spacing })
    }

    pub fn attempts(self) -> u8 {
        self.attempts
    }

    pub fn spacing(self) -> u8 {
        self.spacing
    }
}

/// What follows a logged attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Next {
    /// Nothing: the person was reached (a concern goes its own way).
    Done,
    /// Attempt number `attempt` is due on `on`.
    Retry { attempt: u8, on: Date },
    /// The last attempt went unanswered: alert the coordinator.
    Escalate,
}

/// What follows attempt number `attempt` (1 for the first call), logged
/// with `outcome` on `logged_on`. An attempt number past the rule's limit
/// (a rule made stricter since) escalates at once.
pub fn after(
    rule: RetryRule,
    outcome: Outcome,
    attempt: u8,
    logged_on: Date,
    calendar: &WorkingCalendar,
) -> Next {
    if !outcome.is_unanswered() {
        return Next::Done;
    }
    if attempt >= rule.attempts {
        return Next::Escalate;
    }
    Next::Retry {
        attempt: attempt + 1,
        on: calendar.add_working_days(logged_on, u32::from(rule.spacing)),
    }
}

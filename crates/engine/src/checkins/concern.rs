//! A wellbeing concern, raised by a caller or a volunteer on a visit (or by
//! the sweep, when a person could not be reached): how urgent it is, and
//! its life from open to acknowledged to acted on, or closed.

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// How soon someone must act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Worth knowing; deal with it in the usual way.
    Routine,
    /// Someone should look at it within a day or two.
    Soon,
    /// Someone should act today.
    Urgent,
}

impl Urgency {
    pub const ALL: [Urgency; 3] = [Urgency::Urgent, Urgency::Soon, Urgency::Routine];

    pub fn key(self) -> &'static str {
        match self {
            Urgency::Routine => "routine",
            Urgency::Soon => "soon",
            Urgency::Urgent => "urgent",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|u| u.key() == raw.trim())
            .ok_or(Invalid::new("error.checkins.urgency"))
    }
}

/// Where a concern stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Raised, and nobody has said they have seen it.
    Open,
    /// A coordinator has seen it and is dealing with it.
    Acknowledged,
    /// Something was done, and what is recorded.
    ActedOn,
    /// Closed without action, and why is recorded.
    Closed,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Open,
        Status::Acknowledged,
        Status::ActedOn,
        Status::Closed,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Acknowledged => "acknowledged",
            Status::ActedOn => "acted_on",
            Status::Closed => "closed",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|s| s.key() == raw.trim())
            .ok_or(Invalid::new("error.checkins.status"))
    }

    /// Acted on or closed: nothing follows.
    pub fn is_final(self) -> bool {
        matches!(self, Status::ActedOn | Status::Closed)
    }

    /// Whether a concern may move from here to `to`: open → acknowledged;
    /// open or acknowledged → acted on or closed (what was done, or why
    /// nothing was, is always recorded with it).
    pub fn may_move(self, to: Status) -> bool {
        matches!(
            (self, to),
            (Status::Open, Status::Acknowledged)
                | (
                    Status::Open | Status::Acknowledged,
                    Status::ActedOn | Status::Closed
                )
        )
    }
}

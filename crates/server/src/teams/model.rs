//! A team, its members, its caseload and the handovers between members,
//! as the pages read them.

use coprod_engine::schedule::Date;

/// A team of one organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub id: i64,
    pub organisation_id: i64,
    pub organisation: String,
    pub name: String,
    pub purpose: String,
}

/// A member of a team, and how many people they lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub account_id: i64,
    pub name: String,
    pub email: String,
    pub leads: i64,
}

/// A person on a team's caseload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub team_id: i64,
    pub person_id: i64,
    pub name: String,
    pub preferred_name: String,
    /// The lead (a member), and their name; `None` when their account is gone.
    pub lead: Option<(i64, String)>,
    pub handover_note: String,
    pub added_at: i64,
    /// When the person's plan is next reviewed.
    pub review_on: Option<Date>,
}

/// One change of lead, kept for good.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    /// `None`: taken onto the caseload (nobody led before), or an account
    /// since removed.
    pub from: Option<String>,
    pub to: Option<String>,
    pub by: Option<String>,
    pub at: i64,
    pub note: String,
}

/// A check-in call due today, not yet logged, for someone on the caseload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallDue {
    pub person_id: i64,
    pub person: String,
    /// The caller's name; empty when nobody is assigned.
    pub caller: String,
    pub attempt: i64,
}

/// A wellbeing concern not yet acted on, about someone on the caseload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenConcern {
    pub id: i64,
    pub person_id: i64,
    pub person: String,
    pub urgency: String,
    pub status: String,
}

/// A day of agreed help for someone on the caseload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub person_id: i64,
    pub person: String,
    pub helper: String,
    pub what: String,
    /// Minutes after midnight.
    pub starts: i64,
    pub ends: i64,
    pub status: String,
}

/// Which of a person's caseloads there are, and which the reader is on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holding {
    /// Every team holding the person on its caseload: (id, name).
    pub teams: Vec<(i64, String)>,
    /// Those of them the reader is a member of.
    pub reader_teams: Vec<(i64, String)>,
}

impl Holding {
    /// Whether the person is on any caseload at all.
    pub fn on_a_caseload(&self) -> bool {
        !self.teams.is_empty()
    }
}

//! The records: an item of feedback as stored, read back into the engine's
//! types, and what it is about.

use coprod_engine::{
    feedback::{Case, Channel, Kind, Outcome, Status, complaint},
    schedule::Date,
};

use crate::db::{StoreError, StoreResult};

/// What an item is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum About {
    Organisation,
    Service,
    Process,
    Survey,
}

impl About {
    pub const ALL: [About; 4] = [
        About::Organisation,
        About::Service,
        About::Process,
        About::Survey,
    ];

    pub const fn key(self) -> &'static str {
        match self {
            About::Organisation => "organisation",
            About::Service => "service",
            About::Process => "process",
            About::Survey => "survey",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.key() == raw)
    }
}

/// A row of `feedback`, as the database gives it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Row {
    pub id: i64,
    pub reference: String,
    pub kind: String,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub about_kind: String,
    pub about_id: Option<String>,
    pub about_name: String,
    pub channel: String,
    pub account_id: Option<i64>,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub body: String,
    pub entered_by: Option<i64>,
    pub received_on: String,
    pub created_at: i64,
    pub status: Option<String>,
    pub frontline_due: Option<String>,
    pub frontline_extended: i64,
    pub frontline_extension_reason: String,
    pub frontline_responded_on: Option<String>,
    pub frontline_outcome: Option<String>,
    pub frontline_response: String,
    pub investigation_started: Option<String>,
    pub acknowledge_by: Option<String>,
    pub acknowledged_on: Option<String>,
    pub investigation_due: Option<String>,
    pub investigation_extensions: i64,
    pub decided_on: Option<String>,
    pub outcome: Option<String>,
    pub decision: String,
    pub learning: String,
    pub changes: String,
    pub public_summary: String,
    pub public_response: String,
    pub published_at: Option<i64>,
}

/// An item of feedback, read.
#[derive(Debug, Clone)]
pub struct Feedback {
    pub id: i64,
    pub reference: String,
    pub kind: Kind,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub about: About,
    pub about_id: Option<String>,
    pub about_name: String,
    pub channel: Channel,
    pub account_id: Option<i64>,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub body: String,
    pub entered_by: Option<i64>,
    pub received_on: Date,
    pub created_at: i64,
    /// A complaint's dates; `None` for feedback and compliments.
    pub case: Option<Case>,
    pub frontline_extension_reason: String,
    pub frontline_response: String,
    pub decision: String,
    pub learning: String,
    pub changes: String,
    pub public_summary: String,
    pub public_response: String,
    pub published_at: Option<i64>,
}

impl Feedback {
    pub fn status(&self) -> Option<Status> {
        self.case.as_ref().map(Case::status)
    }
}

fn bad(what: &str) -> StoreError {
    StoreError::invalid("feedback", what)
}

fn date(raw: &str, what: &str) -> StoreResult<Date> {
    Date::parse(raw).map_err(|_| bad(what))
}

fn opt_date(raw: Option<&str>, what: &str) -> StoreResult<Option<Date>> {
    raw.map(|r| date(r, what)).transpose()
}

fn opt_outcome(raw: Option<&str>) -> StoreResult<Option<Outcome>> {
    raw.map(|r| Outcome::parse(r).map_err(|_| bad("outcome")))
        .transpose()
}

impl TryFrom<Row> for Feedback {
    type Error = StoreError;

    fn try_from(row: Row) -> StoreResult<Self> {
        let kind = Kind::parse(&row.kind).map_err(|_| bad("kind"))?;
        let received_on = date(&row.received_on, "received_on")?;
        let case = if kind == Kind::Complaint {
            let frontline = match row.frontline_due.as_deref() {
                Some(due) => Some(complaint::Frontline {
                    due: date(due, "frontline_due")?,
                    extended: row.frontline_extended != 0,
                    responded: opt_date(row.frontline_responded_on.as_deref(), "responded")?,
                    outcome: opt_outcome(row.frontline_outcome.as_deref())?,
                }),
                None => None,
            };
            let investigation = match (
                row.investigation_started.as_deref(),
                row.acknowledge_by.as_deref(),
                row.investigation_due.as_deref(),
            ) {
                (Some(started), Some(ack), Some(due)) => Some(complaint::Investigation {
                    started: date(started, "investigation_started")?,
                    acknowledge_by: date(ack, "acknowledge_by")?,
                    acknowledged: opt_date(row.acknowledged_on.as_deref(), "acknowledged_on")?,
                    due: date(due, "investigation_due")?,
                    extensions: u32::try_from(row.investigation_extensions).unwrap_or(0),
                    decided: opt_date(row.decided_on.as_deref(), "decided_on")?,
                    outcome: opt_outcome(row.outcome.as_deref())?,
                }),
                (None, _, _) => None,
                _ => return Err(bad("investigation dates")),
            };
            Some(Case {
                received: received_on,
                frontline,
                investigation,
            })
        } else {
            None
        };
        Ok(Self {
            id: row.id,
            reference: row.reference,
            kind,
            organisation_id: row.organisation_id,
            organisation_name: row.organisation_name,
            about: About::parse(&row.about_kind).ok_or_else(|| bad("about_kind"))?,
            about_id: row.about_id,
            about_name: row.about_name,
            channel: Channel::parse(&row.channel).map_err(|_| bad("channel"))?,
            account_id: row.account_id,
            name: row.name,
            email: row.email,
            phone: row.phone,
            body: row.body,
            entered_by: row.entered_by,
            received_on,
            created_at: row.created_at,
            case,
            frontline_extension_reason: row.frontline_extension_reason,
            frontline_response: row.frontline_response,
            decision: row.decision,
            learning: row.learning,
            changes: row.changes,
            public_summary: row.public_summary,
            public_response: row.public_response,
            published_at: row.published_at,
        })
    }
}

/// One step in an item's history.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StepRow {
    pub step: String,
    pub on_date: String,
    pub at: i64,
    pub by_name: Option<String>,
    pub note: String,
    pub new_date: Option<String>,
}

/// Something an item may be about, for the form's choices.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Subject {
    pub about_id: String,
    pub name: String,
    pub organisation_id: i64,
}

/// What a new item says, checked.
#[derive(Debug, Clone)]
pub struct NewFeedback {
    pub kind: Kind,
    pub organisation_id: i64,
    pub about: About,
    pub about_id: Option<String>,
    pub about_name: String,
    pub channel: Channel,
    pub account_id: Option<i64>,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub body: String,
    pub entered_by: Option<i64>,
    pub received_on: Date,
    /// A complaint taken straight to stage 2.
    pub investigation: bool,
}

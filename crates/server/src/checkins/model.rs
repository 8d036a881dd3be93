//! The records of check-in calls: a person's schedule (and the engine's
//! plan it stands for), one attempt at a call, and a wellbeing concern.
//! Each is held by the organisation holding the person's record.

use coprod_engine::{
    checkins::{
        Every, Kind, Plan,
        concern::{Status, Urgency},
        retry::{Outcome, RetryRule},
    },
    schedule::{Date, Weekday},
};

/// How a call was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallChannel {
    Phone,
    Video,
    InPerson,
}

impl CallChannel {
    pub const ALL: [CallChannel; 3] = [
        CallChannel::Phone,
        CallChannel::Video,
        CallChannel::InPerson,
    ];

    pub fn key(self) -> &'static str {
        match self {
            CallChannel::Phone => "phone",
            CallChannel::Video => "video",
            CallChannel::InPerson => "in_person",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.key() == raw.trim())
    }
}

/// Where a concern came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A caller raised it when logging a call.
    Call,
    /// A volunteer raised it after a round visit.
    Visit,
    /// The sweep raised it: the person could not be reached.
    Unreached,
}

impl Source {
    pub fn key(self) -> &'static str {
        match self {
            Source::Call => "call",
            Source::Visit => "visit",
            Source::Unreached => "unreached",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Source::Call, Source::Visit, Source::Unreached]
            .into_iter()
            .find(|s| s.key() == raw)
    }
}

/// A person's schedule of calls, as stored.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub id: i64,
    pub person_id: i64,
    /// The organisation holding the person's record (`None`: the partnership).
    pub holder: Option<i64>,
    pub plan: Plan,
    pub message: String,
    pub caller_account_id: Option<i64>,
    /// The caller's name, for lists.
    pub caller_name: String,
    pub retry: RetryRule,
    pub materialised_through: Option<Date>,
    pub created_at: i64,
    pub stopped_at: Option<i64>,
}

impl Schedule {
    /// Whether calls are still being made from it.
    pub fn is_live(&self, today: Date) -> bool {
        self.stopped_at.is_none() && self.plan.last_day().is_none_or(|last| last >= today)
    }
}

/// The fields a new schedule is stored from.
#[derive(Debug, Clone)]
pub struct NewSchedule {
    pub person_id: i64,
    pub plan: Plan,
    pub message: String,
    pub caller_account_id: Option<i64>,
    pub retry: RetryRule,
    pub created_by: Option<i64>,
}

/// The columns that store a plan: `kind`, `cadence`, `starts_on`,
/// `ends_on`, `born_on`, `weeks` and `weekdays`.
pub struct PlanColumns {
    pub kind: &'static str,
    pub cadence: Option<&'static str>,
    pub starts_on: String,
    pub ends_on: Option<String>,
    pub born_on: Option<String>,
    pub weeks: Option<i64>,
    pub weekdays: String,
}

impl PlanColumns {
    pub fn of(plan: &Plan) -> Self {
        let mut columns = PlanColumns {
            kind: plan.kind().key(),
            cadence: None,
            starts_on: String::new(),
            ends_on: None,
            born_on: None,
            weeks: None,
            weekdays: String::new(),
        };
        match plan {
            Plan::Regular { every, start, end } => {
                columns.cadence = Some(every.key());
                columns.starts_on = start.to_string();
                columns.ends_on = end.map(|d| d.to_string());
            }
            Plan::Birthday { born, start, end } => {
                columns.born_on = Some(born.to_string());
                columns.starts_on = start.to_string();
                columns.ends_on = end.map(|d| d.to_string());
            }
            Plan::Discharge {
                discharged,
                weeks,
                days,
            } => {
                columns.starts_on = discharged.to_string();
                columns.weeks = Some(i64::from(*weeks));
                columns.weekdays = days
                    .iter()
                    .map(|d| d.as_rrule())
                    .collect::<Vec<_>>()
                    .join(",");
            }
            Plan::Broadcast { on } => columns.starts_on = on.to_string(),
        }
        columns
    }

    /// The plan these columns store, or `None` when they do not make one.
    pub fn plan(
        kind: &str,
        cadence: Option<&str>,
        starts_on: &str,
        ends_on: Option<&str>,
        born_on: Option<&str>,
        weeks: Option<i64>,
        weekdays: &str,
    ) -> Option<Plan> {
        let start = Date::parse(starts_on).ok()?;
        let end = match ends_on {
            Some(raw) => Some(Date::parse(raw).ok()?),
            None => None,
        };
        Some(match Kind::parse(kind).ok()? {
            Kind::Regular => Plan::Regular {
                every: Every::parse(cadence?).ok()?,
                start,
                end,
            },
            Kind::Birthday => Plan::Birthday {
                born: Date::parse(born_on?).ok()?,
                start,
                end,
            },
            Kind::Discharge => Plan::Discharge {
                discharged: start,
                weeks: u8::try_from(weeks?).ok()?,
                days: weekdays
                    .split(',')
                    .filter(|d| !d.is_empty())
                    .map(Weekday::from_rrule)
                    .collect::<Result<_, _>>()
                    .ok()?,
            },
            Kind::Broadcast => Plan::Broadcast { on: start },
        })
    }
}

/// One attempt at a call, with what a caller needs to make it.
#[derive(Debug, Clone)]
pub struct Call {
    pub id: i64,
    pub schedule_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub phone: String,
    /// The organisation holding the person's record.
    pub holder: Option<i64>,
    pub kind: Kind,
    pub message: String,
    pub due_on: Date,
    pub attempt: u8,
    pub caller_account_id: Option<i64>,
    pub caller_name: String,
    pub outcome: Option<Outcome>,
    pub note: String,
    pub channel: Option<CallChannel>,
    pub logged_at: Option<i64>,
    /// The schedule's retry rule.
    pub retry: RetryRule,
}

/// A wellbeing concern.
#[derive(Debug, Clone)]
pub struct Concern {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub holder: Option<i64>,
    pub source: Source,
    pub call_id: Option<i64>,
    pub occurrence_id: Option<i64>,
    pub raised_by: Option<i64>,
    pub raised_by_name: String,
    pub raised_at: i64,
    pub urgency: Urgency,
    pub noticed: String,
    pub status: Status,
    pub acknowledged_by_name: String,
    pub acknowledged_at: Option<i64>,
    pub closed_by_name: String,
    pub closed_at: Option<i64>,
    pub action_taken: String,
}

/// A concern to raise.
#[derive(Debug, Clone)]
pub struct NewConcern {
    pub person_id: i64,
    pub source: Source,
    pub call_id: Option<i64>,
    pub occurrence_id: Option<i64>,
    pub raised_by: Option<i64>,
    pub urgency: Urgency,
    pub noticed: String,
}

/// A round visit, as far as raising a concern from it needs.
#[derive(Debug, Clone)]
pub struct Visit {
    pub id: i64,
    pub on_date: Date,
    /// The person visited, and who holds their record.
    pub person_id: i64,
    pub person_name: String,
    pub holder: Option<i64>,
    /// The helper's account, if they have one.
    pub helper_account_id: Option<i64>,
}

/// The design system's tag colour for an urgency.
pub fn urgency_tag(urgency: Urgency) -> &'static str {
    match urgency {
        Urgency::Urgent => "ds_tag--red",
        Urgency::Soon => "ds_tag--orange",
        Urgency::Routine => "ds_tag--grey",
    }
}

/// The design system's tag colour for a concern's status.
pub fn status_tag(status: Status) -> &'static str {
    match status {
        Status::Open => "ds_tag--red",
        Status::Acknowledged => "ds_tag--orange",
        Status::ActedOn => "ds_tag--green",
        Status::Closed => "ds_tag--grey",
    }
}

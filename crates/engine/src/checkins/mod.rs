//! Planned check-in calls (proactive telecare, after Barcelona's model):
//! contact that reduces loneliness, not only alarms.
//!
//! A person's [`Plan`] says on which days a call is due: every week, every
//! fortnight or every month from a start date; on their birthday; for a
//! few weeks after a hospital discharge; or once, as part of a broadcast to
//! a list of people (a weather warning, a local event). [`due_between`]
//! lists the days a plan makes a call due, never the same day twice, and
//! [`retry`] decides what follows an unanswered call: another attempt on a
//! later working day, or, after the last attempt, escalation to the
//! coordinator. [`concern`] holds the life of a wellbeing concern raised on
//! a call or a visit.

/// Wellbeing concerns: how urgent, and open → acknowledged → acted on or closed.
pub mod concern;
/// What a call came to, and what follows an unanswered one.
pub mod retry;

use serde::{Deserialize, Serialize};

use crate::{
    Invalid,
    schedule::{Date, Weekday, days_in_month},
};

/// How often a regular plan calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Every {
    /// Every 7 days from the start.
    Week,
    /// Every 14 days from the start.
    Fortnight,
    /// On the start's day of the month, or the month's last day when the
    /// month is shorter (a plan starting on 31 January calls on 28 or 29
    /// February, then 31 March).
    Month,
}

impl Every {
    pub const ALL: [Every; 3] = [Every::Week, Every::Fortnight, Every::Month];

    pub fn key(self) -> &'static str {
        match self {
            Every::Week => "weekly",
            Every::Fortnight => "fortnightly",
            Every::Month => "monthly",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|e| e.key() == raw.trim())
            .ok_or(Invalid::new("error.checkins.cadence"))
    }
}

/// The kinds of plan, as stored and chosen on forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Regular,
    Birthday,
    Discharge,
    Broadcast,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::Regular,
        Kind::Birthday,
        Kind::Discharge,
        Kind::Broadcast,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Kind::Regular => "regular",
            Kind::Birthday => "birthday",
            Kind::Discharge => "discharge",
            Kind::Broadcast => "broadcast",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|k| k.key() == raw.trim())
            .ok_or(Invalid::new("error.checkins.kind"))
    }
}

/// The longest a plan after discharge may run, in weeks.
pub const MAX_DISCHARGE_WEEKS: u8 = 26;

/// When a person's calls are due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Plan {
    /// Every week, fortnight or month from `start` (the first call), until
    /// `end` if it ends.
    Regular {
        every: Every,
        start: Date,
        end: Option<Date>,
    },
    /// On the anniversary of `born`, from `start` until `end`. Someone born
    /// on 29 February is called on 28 February in other years.
    Birthday {
        born: Date,
        start: Date,
        end: Option<Date>,
    },
    /// For `weeks` weeks after a hospital discharge on `discharged`: a call
    /// on each of `days` from the day after the discharge to the last day
    /// of the last week (`discharged + 7 × weeks`). No days chosen means
    /// every day.
    Discharge {
        discharged: Date,
        weeks: u8,
        days: Vec<Weekday>,
    },
    /// One call on `on`, part of a broadcast to a list of people.
    Broadcast { on: Date },
}

impl Plan {
    /// Checks a plan's dates make sense: an end not before its start, a
    /// birth date not in the future of the start, between 1 and
    /// [`MAX_DISCHARGE_WEEKS`] weeks after a discharge.
    pub fn checked(self) -> Result<Self, Invalid> {
        match &self {
            Plan::Regular {
                start,
                end: Some(end),
                ..
            }
            | Plan::Birthday {
                start,
                end: Some(end),
                ..
            } if end < start => Err(Invalid::new("error.checkins.end_before_start")),
            Plan::Birthday { born, start, .. } if born > start => {
                Err(Invalid::new("error.checkins.born_after_start"))
            }
            Plan::Discharge { weeks, .. } if *weeks == 0 || *weeks > MAX_DISCHARGE_WEEKS => {
                Err(Invalid::new("error.checkins.weeks"))
            }
            _ => Ok(self),
        }
    }

    /// The kind of plan.
    pub fn kind(&self) -> Kind {
        match self {
            Plan::Regular { .. } => Kind::Regular,
            Plan::Birthday { .. } => Kind::Birthday,
            Plan::Discharge { .. } => Kind::Discharge,
            Plan::Broadcast { .. } => Kind::Broadcast,
        }
    }

    /// The first day a call could be due.
    pub fn first_day(&self) -> Date {
        match self {
            Plan::Regular { start, .. } | Plan::Birthday { start, .. } => *start,
            Plan::Discharge { discharged, .. } => discharged.next_day(),
            Plan::Broadcast { on } => *on,
        }
    }

    /// The last day a call could be due; `None` for a plan with no end.
    pub fn last_day(&self) -> Option<Date> {
        match self {
            Plan::Regular { end, .. } | Plan::Birthday { end, .. } => *end,
            Plan::Discharge {
                discharged, weeks, ..
            } => Some(discharged.add_days(7 * i64::from(*weeks))),
            Plan::Broadcast { on } => Some(*on),
        }
    }

    /// Whether a call is due on `date`.
    pub fn is_due(&self, date: Date) -> bool {
        if date < self.first_day() || self.last_day().is_some_and(|last| date > last) {
            return false;
        }
        match self {
            Plan::Regular { every, start, .. } => {
                let days = date.days_since_epoch() - start.days_since_epoch();
                match every {
                    Every::Week => days % 7 == 0,
                    Every::Fortnight => days % 14 == 0,
                    Every::Month => date.day == clamped_day(date.year, date.month, start.day),
                }
            }
            Plan::Birthday { born, .. } => {
                date.month == born.month && date.day == clamped_day(date.year, born.month, born.day)
            }
            Plan::Discharge { days, .. } => days.is_empty() || days.contains(&date.weekday()),
            Plan::Broadcast { on } => date == *on,
        }
    }
}

/// `day` in a month, or the month's last day when the month is shorter.
fn clamped_day(year: i32, month: u8, day: u8) -> u8 {
    day.min(days_in_month(year, month))
}

/// The longest stretch [`due_between`] looks through, in days: a plan
/// whose calls were not made for longer than this is not made to catch up
/// on every one.
pub const MAX_SPAN_DAYS: i64 = 366;

/// The days from `from` to `to` (both included) on which `plan` makes a
/// call due, in order and without repeats. A stretch longer than
/// [`MAX_SPAN_DAYS`] is cut to its last [`MAX_SPAN_DAYS`] days.
pub fn due_between(plan: &Plan, from: Date, to: Date) -> Vec<Date> {
    let mut start = from.max(plan.first_day());
    let mut end = to;
    if let Some(last) = plan.last_day() {
        end = end.min(last);
    }
    if end.days_since_epoch() - start.days_since_epoch() >= MAX_SPAN_DAYS {
        start = end.add_days(1 - MAX_SPAN_DAYS);
    }
    let mut due = Vec::new();
    let mut date = start;
    while date <= end {
        if plan.is_due(date) {
            due.push(date);
        }
        date = date.next_day();
    }
    due
}

/// The calls due on `on` among several plans: the keys of the plans that
/// make a call due that day.
pub fn due_on<'a, K: Copy>(plans: impl IntoIterator<Item = (K, &'a Plan)>, on: Date) -> Vec<K> {
    plans
        .into_iter()
        .filter(|(_, plan)| plan.is_due(on))
        .map(|(key, _)| key)
        .collect()
}

#[cfg(test)]
mod tests;

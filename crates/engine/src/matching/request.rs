//! What people ask for: which help, when, where, and what the helper must
//! be able to do.

use serde::{Deserialize, Serialize};

use super::time::{TimeWindow, WeeklyWindow};
use super::vocabulary::{CategoryId, Gender, Language, PersonId, RequestId};
use crate::place::Coordinates;
use crate::schedule::Date;

/// How soon help is needed. It does not change who suits a request, only
/// which requests the batch serves first when volunteers are scarce.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    #[default]
    Routine,
    Soon,
    Urgent,
}

/// When help is wanted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum When {
    /// On one day, some time within the window (a lift to a clinic).
    Once { date: Date, window: TimeWindow },
    /// Every week from `first` (until `last`, if the help has an end), at a
    /// time within any one of `windows`: "Tuesday or Thursday morning"
    /// gives the matcher two chances. Help wanted twice a week is two
    /// requests, so each can find its own helper.
    Weekly {
        windows: Vec<WeeklyWindow>,
        first: Date,
        last: Option<Date>,
    },
}

/// What the helper must offer beyond the help itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Needs {
    /// The helper must speak one of these; empty when any will do.
    pub languages: Vec<Language>,
    /// The helper must be of the gender the person has stated.
    pub same_gender_helper: bool,
    /// The place, vehicle or equipment must take a wheelchair.
    pub wheelchair_access: bool,
}

/// One request for help, as the matcher needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub id: RequestId,
    /// The person to be helped.
    pub requester: PersonId,
    pub category: CategoryId,
    pub when: When,
    /// How long the help takes each time.
    pub duration_minutes: u16,
    /// Where help is needed, or where the person sets out from to reach a
    /// place: a postcode's centre is enough, and the exact address stays
    /// out of the engine.
    pub location: Coordinates,
    /// How far the person will go to a place, or how local they want their
    /// helper to be; `None` when they have not said.
    pub max_distance_metres: Option<u32>,
    pub urgency: Urgency,
    pub needs: Needs,
    /// Only if the person has chosen to say.
    pub requester_gender: Option<Gender>,
    /// A vulnerable adult is only ever matched with volunteers whose PVG
    /// check is current for every day of the help.
    pub vulnerable_adult: bool,
}

impl Request {
    /// Whether the help happens every week.
    pub fn is_recurring(&self) -> bool {
        matches!(self.when, When::Weekly { .. })
    }

    /// The times in the week the help could happen.
    pub fn windows(&self) -> Vec<WeeklyWindow> {
        match &self.when {
            When::Once { date, window } => vec![WeeklyWindow {
                day: date.weekday(),
                time: *window,
            }],
            When::Weekly { windows, .. } => windows.clone(),
        }
    }

    /// The days of help still to come, seen from `today`: one day for a
    /// one-off, or from the later of `first` and `today` to `last` (open
    /// when `None`) for weekly help.
    pub fn days_ahead(&self, today: Date) -> (Date, Option<Date>) {
        match &self.when {
            When::Once { date, .. } => (*date, Some(*date)),
            When::Weekly { first, last, .. } => ((*first).max(today), *last),
        }
    }

    /// The days a helper's checks must hold for. Open-ended weekly help is
    /// checked `horizon_days` ahead, because nobody can promise to be
    /// available forever; coordinators review arrangements long before a
    /// check made today could lapse unnoticed.
    pub fn days_to_check(&self, today: Date, horizon_days: u32) -> (Date, Date) {
        let (first, last) = self.days_ahead(today);
        let horizon = first.add_days(i64::from(horizon_days));
        (first, last.unwrap_or(horizon))
    }

    /// The date a one-off falls on.
    pub fn one_off_date(&self) -> Option<Date> {
        match self.when {
            When::Once { date, .. } => Some(date),
            When::Weekly { .. } => None,
        }
    }
}

//! Times of the week: the slots a volunteer gives and the windows a person
//! can be helped in.
//!
//! A *slot* is one stretch of time an offer gives every week ("Tuesdays
//! 10:00–12:00"). It holds one piece of help at a time, which is what makes
//! double-booking a precise idea: two requests may never hold the same slot
//! on the same day. A volunteer who can make two visits on a Tuesday
//! afternoon offers two slots. A *window* is when a person can be helped; the
//! help takes less time than the window, so it fits a slot when the two
//! overlap for at least that long.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Invalid;
use crate::schedule::{Date, Weekday, parse_clock};

const MINUTES_PER_DAY: u16 = 1_440;

/// A part of one day, from `start` up to (not including) `end`, in minutes
/// since midnight. Help does not run past midnight, so `start < end <= 1440`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TimeWindow {
    pub start: u16,
    pub end: u16,
}

impl TimeWindow {
    pub fn new(start: u16, end: u16) -> Result<Self, Invalid> {
        if start < end && end <= MINUTES_PER_DAY {
            Ok(Self { start, end })
        } else {
            Err(Invalid::new("error.schedule.time"))
        }
    }

    /// Reads two clock times such as "10:00" and "12:00".
    pub fn parse(start: &str, end: &str) -> Result<Self, Invalid> {
        Self::new(parse_clock(start)?, parse_clock(end)?)
    }

    /// How long the window lasts; zero for a window built by hand the wrong
    /// way round, so that it never fits anything.
    pub fn minutes(self) -> u16 {
        self.end.saturating_sub(self.start)
    }

    /// The time both windows share, if any.
    pub fn overlap(self, other: TimeWindow) -> Option<TimeWindow> {
        let start = self.start.max(other.start);
        let end = self.end.min(other.end);
        (start < end).then_some(TimeWindow { start, end })
    }
}

impl fmt::Display for TimeWindow {
    /// "10:00–12:00".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", clock(self.start), clock(self.end))
    }
}

/// "09:05" for minute 545 of the day.
fn clock(minute_of_day: u16) -> String {
    format!("{:02}:{:02}", minute_of_day / 60, minute_of_day % 60)
}

/// Names a slot within its offer. Stored with the offer's id, the pair is
/// what a booking holds (and what a database can keep unique per day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SlotId(pub u32);

impl fmt::Display for SlotId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// One stretch of time an offer gives every week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WeeklySlot {
    pub id: SlotId,
    pub day: Weekday,
    pub time: TimeWindow,
}

/// A time in the week a person could be helped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WeeklyWindow {
    pub day: Weekday,
    pub time: TimeWindow,
}

/// Whether some day from `first` to `last` (open-ended when `None`) falls on
/// `day`: only then can a booking of a slot on that weekday be in the way.
pub(crate) fn has_weekday_between(first: Date, last: Option<Date>, day: Weekday) -> bool {
    let Some(last) = last else {
        return true;
    };
    let mut date = first;
    // A week holds every weekday, so at most seven days need looking at.
    for _ in 0..7 {
        if date > last {
            return false;
        }
        if date.weekday() == day {
            return true;
        }
        date = date.next_day();
    }
    false
}

/// The later start and the earlier end of two spans whose end may be open;
/// `None` when they share no day.
pub(crate) fn shared_days(
    (first_a, last_a): (Date, Option<Date>),
    (first_b, last_b): (Date, Option<Date>),
) -> Option<(Date, Option<Date>)> {
    let first = first_a.max(first_b);
    let last = match (last_a, last_b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (one, other) => one.or(other),
    };
    match last {
        Some(last) if last < first => None,
        _ => Some((first, last)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(raw: &str) -> Date {
        Date::parse(raw).unwrap()
    }

    #[test]
    fn windows_are_checked_and_shown_as_clock_times() {
        let morning = TimeWindow::parse("10:00", "12:00").unwrap();
        assert_eq!(morning.minutes(), 120);
        assert_eq!(morning.to_string(), "10:00–12:00");
        assert!(TimeWindow::parse("12:00", "10:00").is_err());
        assert!(TimeWindow::parse("12:00", "12:00").is_err());
        assert_eq!(TimeWindow::parse("22:00", "24:00").unwrap().end, 1_440);
        let backwards = TimeWindow {
            start: 600,
            end: 500,
        };
        assert_eq!(backwards.minutes(), 0);
    }

    #[test]
    fn overlap_is_the_shared_time() {
        let slot = TimeWindow::parse("09:00", "12:00").unwrap();
        let window = TimeWindow::parse("11:00", "15:00").unwrap();
        assert_eq!(
            slot.overlap(window),
            Some(TimeWindow::parse("11:00", "12:00").unwrap())
        );
        let afternoon = TimeWindow::parse("12:00", "13:00").unwrap();
        assert_eq!(slot.overlap(afternoon), None);
    }

    #[test]
    fn weekdays_inside_a_span() {
        // 2026-03-10 is a Tuesday.
        let tuesday = date("2026-03-10");
        assert!(has_weekday_between(
            tuesday,
            Some(tuesday),
            Weekday::Tuesday
        ));
        assert!(!has_weekday_between(
            tuesday,
            Some(tuesday),
            Weekday::Monday
        ));
        assert!(has_weekday_between(
            tuesday,
            Some(date("2026-03-16")),
            Weekday::Monday
        ));
        assert!(!has_weekday_between(
            tuesday,
            Some(date("2026-03-15")),
            Weekday::Monday
        ));
        assert!(has_weekday_between(tuesday, None, Weekday::Sunday));
        assert!(!has_weekday_between(
            tuesday,
            Some(date("2026-03-01")),
            Weekday::Tuesday
        ));
    }

    #[test]
    fn spans_share_days() {
        let a = (date("2026-03-01"), Some(date("2026-03-31")));
        let b = (date("2026-03-15"), None);
        assert_eq!(
            shared_days(a, b),
            Some((date("2026-03-15"), Some(date("2026-03-31"))))
        );
        assert_eq!(
            shared_days(b, (date("2026-01-01"), None)),
            Some((date("2026-03-15"), None))
        );
        assert_eq!(shared_days(a, (date("2026-04-01"), None)), None);
    }
}

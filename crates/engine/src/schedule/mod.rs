//! Opening times: when a service is open, in the clock time of the people
//! who use it.
//!
//! Services publish weekly rules (Open Referral HSDS `schedule` objects,
//! which borrow the iCalendar RRULE vocabulary) and exceptions such as a
//! Christmas closure. Answering "is it open now?" needs UK civil time, and
//! the engine deliberately carries no date-time dependency, so the small part
//! of the calendar this needs lives here: the proleptic Gregorian calendar
//! and the UK summer-time rule.

/// Days, dates and UK civil time: the small part of the calendar the rules need.
mod calendar;

use serde::{Deserialize, Serialize};

use crate::Invalid;

pub use calendar::*;

/// Reads a clock time in seconds since midnight. "24:00" is the end of the
/// day, as ISO 8601 allows, so a closing time can reach midnight without
/// wrapping into the next day.
fn parse_clock_seconds(raw: &str) -> Result<u32, Invalid> {
    let invalid = || Invalid::new("error.schedule.time");
    let mut fields = [0u32; 3];
    let mut count = 0;
    for part in raw.trim().split(':') {
        let two_digits = part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit());
        if !two_digits || count == fields.len() {
            return Err(invalid());
        }
        fields[count] = part.parse().map_err(|_| invalid())?;
        count += 1;
    }
    let [hours, minutes, seconds] = fields;
    let in_day = hours < 24 && minutes < 60 && seconds < 60;
    let end_of_day = hours == 24 && minutes == 0 && seconds == 0;
    if count >= 2 && (in_day || end_of_day) {
        Ok(hours * 3_600 + minutes * 60 + seconds)
    } else {
        Err(invalid())
    }
}

/// Parses a clock time, `HH:MM` or `HH:MM:SS` (HSDS `opens_at` and
/// `closes_at`), into a minute of the day; seconds are dropped.
///
/// "24:00" gives 1440, the end of the day. Times with a zone designator
/// ("10:00Z") are refused: a fixed offset names a different UK clock time in
/// summer and winter, so it cannot describe a weekly opening.
pub fn parse_clock(raw: &str) -> Result<u16, Invalid> {
    let seconds = parse_clock_seconds(raw)?;
    u16::try_from(seconds / 60).map_err(|_| Invalid::new("error.schedule.time"))
}

/// A weekly opening, the part of an HSDS `schedule` this platform can
/// answer questions about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WeeklyOpening {
    /// The days an opening starts on.
    pub days: Vec<Weekday>,
    /// Minute of the day it opens, 0 to 1439.
    pub opens: u16,
    /// Minute of the day it closes, 1440 being midnight at the end of the
    /// day. At or before `opens`, the opening runs past midnight into the
    /// next day (a night shelter from 20:00 to 08:00); equal to `opens`, it
    /// lasts 24 hours.
    pub closes: u16,
    /// The first date an opening may start on.
    pub valid_from: Option<Date>,
    /// The last date an opening may start on; an overnight opening that
    /// starts then still runs into the next morning.
    pub valid_to: Option<Date>,
}

impl WeeklyOpening {
    /// Reads the fields of an HSDS 3.0 `schedule`.
    ///
    /// `Ok(None)` means the schedule is well formed but not a plain weekly
    /// opening (a `MONTHLY` rule, an ordinal day such as "1MO", no opening
    /// time), so it can be kept and shown as written but not reasoned about.
    /// Malformed values are refused whatever the frequency, so a typo is
    /// reported rather than silently ignored.
    pub fn from_hsds(
        freq: Option<&str>,
        byday: Option<&str>,
        opens_at: Option<&str>,
        closes_at: Option<&str>,
        valid_from: Option<&str>,
        valid_to: Option<&str>,
    ) -> Result<Option<Self>, Invalid> {
        // HSDS producers write empty strings for fields they leave out.
        fn given(value: Option<&str>) -> Option<&str> {
            value.map(str::trim).filter(|v| !v.is_empty())
        }
        let days = given(byday).map(parse_byday).transpose()?;
        let opens = given(opens_at).map(parse_clock_seconds).transpose()?;
        let closes = given(closes_at).map(parse_clock_seconds).transpose()?;
        if opens.is_some_and(|opens| opens >= SECONDS_PER_CLOCK_DAY) {
            return Err(Invalid::new("error.schedule.time"));
        }
        let valid_from = given(valid_from).map(Date::parse).transpose()?;
        let valid_to = given(valid_to).map(Date::parse).transpose()?;
        if let (Some(from), Some(to)) = (valid_from, valid_to)
            && from > to
        {
            return Err(Invalid::new("error.schedule.date"));
        }
        // Without a frequency, a list of days can only mean every week.
        let weekly = given(freq).is_none_or(|f| f.eq_ignore_ascii_case("WEEKLY"));
        let (Some(Some(days)), Some(opens), Some(closes)) = (days, opens, closes) else {
            return Ok(None);
        };
        if !weekly {
            return Ok(None);
        }
        // A closing time with seconds ("17:29:59", or "23:59:59" for the end
        // of the day) means open through that minute, so round it up.
        let closes = closes.div_ceil(60);
        Ok(Some(Self {
            days,
            opens: u16::try_from(opens / 60).map_err(|_| Invalid::new("error.schedule.time"))?,
            closes: u16::try_from(closes).map_err(|_| Invalid::new("error.schedule.time"))?,
            valid_from,
            valid_to,
        }))
    }

    /// Whether an opening that starts on one day runs past midnight.
    pub fn is_overnight(&self) -> bool {
        self.closes <= self.opens
    }

    /// Whether an opening of this rule starts on `date`. The weekday is
    /// passed in rather than computed, so that a `LocalTime` is judged by the
    /// weekday it carries.
    fn starts_on(&self, date: Date, weekday: Weekday, closures: &[Closure]) -> bool {
        self.days.contains(&weekday)
            && self.valid_from.is_none_or(|from| from <= date)
            && self.valid_to.is_none_or(|to| date <= to)
            && !closures.iter().any(|closure| closure.covers(date))
    }
}

/// Reads an iCalendar `BYDAY` list ("MO,TU"), sorted and without repeats.
/// `None` when any entry has an ordinal ("1MO", "-1FR"), which picks one
/// week of the month and so is not a weekly rule.
fn parse_byday(raw: &str) -> Result<Option<Vec<Weekday>>, Invalid> {
    let invalid = || Invalid::new("error.schedule.byday");
    let mut days = Vec::new();
    let mut ordinal = false;
    // Empty entries ("MO,,TU", "MO,TU,") are tolerated: the meaning is plain.
    for entry in raw.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let (prefix, code) = entry
            .len()
            .checked_sub(2)
            .and_then(|at| entry.split_at_checked(at))
            .ok_or_else(invalid)?;
        days.push(Weekday::from_rrule(code)?);
        if !prefix.is_empty() {
            let number = prefix.strip_prefix(['+', '-']).unwrap_or(prefix);
            let week_number = (1..=2).contains(&number.len())
                && number.bytes().all(|b| b.is_ascii_digit())
                && number.bytes().any(|b| b != b'0');
            if !week_number {
                return Err(invalid());
            }
            ordinal = true;
        }
    }
    if ordinal || days.is_empty() {
        return Ok(None);
    }
    days.sort_unstable();
    days.dedup();
    Ok(Some(days))
}

/// Dates a service is shut whatever its weekly rules say, such as over
/// Christmas. Both ends are included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Closure {
    /// The first day closed.
    pub from: Date,
    /// The last day closed; before `from`, the closure covers nothing.
    pub to: Date,
}

impl Closure {
    /// Whether `date` is one of the closed days.
    pub fn covers(&self, date: Date) -> bool {
        self.from <= date && date <= self.to
    }
}

/// Whether the service is open at `at`: some rule has an opening, not
/// closed, that started that day and has not yet closed, or that started
/// the day before and runs past midnight.
///
/// Closures and validity dates apply to the day an opening starts, so a
/// night shelter open on Christmas Eve still runs into the small hours of
/// Christmas Day even if it is closed for Christmas Day itself.
pub fn is_open(openings: &[WeeklyOpening], closures: &[Closure], at: LocalTime) -> bool {
    let minute = at.minute_of_day;
    let yesterday = at.date.previous_day();
    openings.iter().any(|rule| {
        let overnight = rule.is_overnight();
        let started_today = minute >= rule.opens
            && (overnight || minute < rule.closes)
            && rule.starts_on(at.date, at.weekday, closures);
        let from_yesterday = overnight
            && minute < rule.closes
            && rule.starts_on(yesterday, at.weekday.preceding(), closures);
        started_today || from_yesterday
    })
}

/// Whether the service opens at some time starting on `date`; an overnight
/// opening counts for the day it starts, not the morning it ends.
pub fn open_on(openings: &[WeeklyOpening], closures: &[Closure], date: Date) -> bool {
    let weekday = date.weekday();
    openings
        .iter()
        .any(|rule| rule.opens < MINUTES_PER_DAY && rule.starts_on(date, weekday, closures))
}

#[cfg(test)]
mod tests;

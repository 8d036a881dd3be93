//! Opening times: when a service is open, in the clock time of the people
//! who use it.
//!
//! Services publish weekly rules (Open Referral HSDS `schedule` objects,
//! which borrow the iCalendar RRULE vocabulary) and exceptions such as a
//! Christmas closure. Answering "is it open now?" needs UK civil time, and
//! the engine deliberately carries no date-time dependency, so the small part
//! of the calendar this needs lives here: the proleptic Gregorian calendar
//! and the UK summer-time rule.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Invalid;

const SECONDS_PER_DAY: i64 = 86_400;
const MINUTES_PER_DAY: u16 = 1_440;
const SECONDS_PER_CLOCK_DAY: u32 = 86_400;

/// A day of the week, Monday first as in ISO 8601.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    /// Every day, Monday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// Parses an iCalendar `BYDAY` code ("MO" … "SU") in any letter case.
    /// Ordinal forms such as "1MO" are refused: they are not a weekday.
    pub fn from_rrule(code: &str) -> Result<Self, Invalid> {
        let code = code.trim();
        Self::ALL
            .into_iter()
            .find(|day| day.as_rrule().eq_ignore_ascii_case(code))
            .ok_or(Invalid::new("error.schedule.byday"))
    }

    /// The iCalendar code, upper case ("MO").
    pub const fn as_rrule(self) -> &'static str {
        match self {
            Weekday::Monday => "MO",
            Weekday::Tuesday => "TU",
            Weekday::Wednesday => "WE",
            Weekday::Thursday => "TH",
            Weekday::Friday => "FR",
            Weekday::Saturday => "SA",
            Weekday::Sunday => "SU",
        }
    }

    /// The day before, wrapping from Monday to Sunday.
    #[must_use]
    pub const fn preceding(self) -> Self {
        match self {
            Weekday::Monday => Weekday::Sunday,
            Weekday::Tuesday => Weekday::Monday,
            Weekday::Wednesday => Weekday::Tuesday,
            Weekday::Thursday => Weekday::Wednesday,
            Weekday::Friday => Weekday::Thursday,
            Weekday::Saturday => Weekday::Friday,
            Weekday::Sunday => Weekday::Saturday,
        }
    }

    /// The day after, wrapping from Sunday to Monday.
    #[must_use]
    pub const fn following(self) -> Self {
        match self {
            Weekday::Monday => Weekday::Tuesday,
            Weekday::Tuesday => Weekday::Wednesday,
            Weekday::Wednesday => Weekday::Thursday,
            Weekday::Thursday => Weekday::Friday,
            Weekday::Friday => Weekday::Saturday,
            Weekday::Saturday => Weekday::Sunday,
            Weekday::Sunday => Weekday::Monday,
        }
    }

    /// The weekday of a day counted from 1970-01-01, which was a Thursday.
    const fn from_days_since_epoch(days: i64) -> Self {
        match (days + 3).rem_euclid(7) {
            0 => Weekday::Monday,
            1 => Weekday::Tuesday,
            2 => Weekday::Wednesday,
            3 => Weekday::Thursday,
            4 => Weekday::Friday,
            5 => Weekday::Saturday,
            _ => Weekday::Sunday,
        }
    }
}

impl TryFrom<String> for Weekday {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::from_rrule(&value)
    }
}

impl From<Weekday> for &'static str {
    fn from(value: Weekday) -> Self {
        value.as_rrule()
    }
}

/// A day in the Gregorian calendar.
///
/// The fields are in year, month, day order so the derived ordering is
/// chronological. Build one with [`Date::parse`] or [`Date::new`] to have it
/// checked; a date assembled by hand from impossible numbers is never
/// refused later, only misread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date {
    /// The year of the common era; 0 is 1 BC.
    pub year: i32,
    /// 1 to 12.
    pub month: u8,
    /// 1 to the length of the month.
    pub day: u8,
}

impl Date {
    /// Checks that the day exists, leap years included.
    pub fn new(year: i32, month: u8, day: u8) -> Result<Self, Invalid> {
        if (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month) {
            Ok(Self { year, month, day })
        } else {
            Err(Invalid::new("error.schedule.date"))
        }
    }

    /// Parses an ISO 8601 calendar date, `YYYY-MM-DD`, the form HSDS uses for
    /// `valid_from` and `valid_to`.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let invalid = || Invalid::new("error.schedule.date");
        let raw = raw.trim();
        let bytes = raw.as_bytes();
        let shaped = bytes.len() == 10
            && bytes.iter().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    *b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if !shaped {
            return Err(invalid());
        }
        // The shape check has made every slice ASCII digits, so these parse.
        let year = raw[..4].parse().map_err(|_| invalid())?;
        let month = raw[5..7].parse().map_err(|_| invalid())?;
        let day = raw[8..].parse().map_err(|_| invalid())?;
        Self::new(year, month, day)
    }

    /// The day of the week this date falls on.
    pub fn weekday(self) -> Weekday {
        Weekday::from_days_since_epoch(self.days_since_epoch())
    }

    /// Days since 1970-01-01, negative before it.
    pub fn days_since_epoch(self) -> i64 {
        days_from_civil(i64::from(self.year), self.month, self.day)
    }

    /// The day before, across month and year ends.
    #[must_use]
    pub fn previous_day(self) -> Self {
        Self::from_days_since_epoch(self.days_since_epoch() - 1)
    }

    /// The day after, across month and year ends.
    #[must_use]
    pub fn next_day(self) -> Self {
        Self::from_days_since_epoch(self.days_since_epoch() + 1)
    }

    /// The date a number of days later (earlier, when negative).
    #[must_use]
    pub fn add_days(self, days: i64) -> Self {
        Self::from_days_since_epoch(self.days_since_epoch() + days)
    }

    /// The inverse of [`Date::days_since_epoch`]. Only day counts far beyond
    /// any instant [`uk_local`] produces could leave the `i32` year range,
    /// and those saturate rather than wrap.
    fn from_days_since_epoch(days: i64) -> Self {
        let (year, month, day) = civil_from_days(days);
        let year = i32::try_from(year).unwrap_or(if year < 0 { i32::MIN } else { i32::MAX });
        Self { year, month, day }
    }
}

impl TryFrom<String> for Date {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Date> for String {
    fn from(value: Date) -> Self {
        value.to_string()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A stretch of whole days, both ends included: when a volunteer is away,
/// the weeks an offer stands, the period of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateRange {
    /// The first day in the range.
    pub first: Date,
    /// The last day in the range; before `first`, the range is empty.
    pub last: Date,
}

impl DateRange {
    /// Refuses a range that ends before it starts, which is almost always two
    /// dates typed the wrong way round rather than a wish for nothing.
    pub fn new(first: Date, last: Date) -> Result<Self, Invalid> {
        if first <= last {
            Ok(Self { first, last })
        } else {
            Err(Invalid::new("error.schedule.date"))
        }
    }

    /// Whether `date` is one of the days in the range.
    pub fn contains(&self, date: Date) -> bool {
        self.first <= date && date <= self.last
    }

    /// Whether the two ranges share at least one day.
    pub fn overlaps(&self, other: &DateRange) -> bool {
        self.first <= other.last
            && other.first <= self.last
            && !self.is_empty()
            && !other.is_empty()
    }

    /// Whether the range holds no day at all.
    pub fn is_empty(&self) -> bool {
        self.last < self.first
    }
}

const fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

const fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// The two conversions below count years from 1 March, so that the leap day
// falls at the very end of a counted year and every month before it has a
// fixed position. Years are grouped into 400-year cycles of 146 097 days,
// after which the Gregorian calendar repeats exactly; `div_euclid` keeps
// negative (pre-1970 and BC) days on the same footing as positive ones.

/// Days from 0000-03-01 to 1970-01-01.
const EPOCH_FROM_MARCH_ZERO: i64 = 719_468;
const DAYS_PER_CYCLE: i64 = 146_097;

const fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let month = month as i64;
    let year = if month <= 2 { year - 1 } else { year };
    let cycle = year.div_euclid(400);
    let year_of_cycle = year - cycle * 400;
    // Months since March: March is 0, February 11.
    let march_month = (month + 9) % 12;
    // 153 days per five months (31+30+31+30+31) gives each month's start.
    let day_of_year = (153 * march_month + 2) / 5 + day as i64 - 1;
    let day_of_cycle = year_of_cycle * 365 + year_of_cycle / 4 - year_of_cycle / 100 + day_of_year;
    cycle * DAYS_PER_CYCLE + day_of_cycle - EPOCH_FROM_MARCH_ZERO
}

fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let shifted = days + EPOCH_FROM_MARCH_ZERO;
    let cycle = shifted.div_euclid(DAYS_PER_CYCLE);
    let day_of_cycle = shifted - cycle * DAYS_PER_CYCLE;
    // Undo the leap days that came before this one in the cycle (every 4th
    // year, except every 100th, and the 400th that ends the cycle) so that a
    // plain division by 365 finds the year.
    let year_of_cycle = (day_of_cycle - day_of_cycle / 1_460 + day_of_cycle / 36_524
        - day_of_cycle / (DAYS_PER_CYCLE - 1))
        / 365;
    let day_of_year =
        day_of_cycle - (365 * year_of_cycle + year_of_cycle / 4 - year_of_cycle / 100);
    let march_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * march_month + 2) / 5 + 1;
    let month = if march_month < 10 {
        march_month + 3
    } else {
        march_month - 9
    };
    let year = cycle * 400 + year_of_cycle + i64::from(month <= 2);
    // Both are in range by construction: month 1..=12, day 1..=31.
    (
        year,
        u8::try_from(month).unwrap_or(1),
        u8::try_from(day).unwrap_or(1),
    )
}

/// A moment as a UK clock shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LocalTime {
    /// The local date, which differs from the UTC date in the hour after
    /// midnight in summer.
    pub date: Date,
    /// The weekday of `date`, kept alongside it because rules ask for it.
    pub weekday: Weekday,
    /// Minutes since local midnight, 0 to 1439.
    pub minute_of_day: u16,
    /// 0 in Greenwich Mean Time, 60 in British Summer Time.
    pub utc_offset_minutes: i16,
}

// Instants are held to years 0000 to 9999, the years a `Date` can be written
// in, so that no arithmetic on an extreme `i64` can overflow.
const EARLIEST_INSTANT: i64 = days_from_civil(0, 1, 1) * SECONDS_PER_DAY;
const LATEST_INSTANT: i64 = days_from_civil(9999, 12, 31) * SECONDS_PER_DAY + SECONDS_PER_DAY - 1;

/// The instant UK clocks change in `month` of `year`: 01:00 UTC on the last
/// Sunday. Both months the rule names have 31 days.
const fn clock_change(year: i64, month: u8) -> i64 {
    let last_day = days_from_civil(year, month, 31);
    // 1970-01-01 was a Thursday, four days after a Sunday.
    let since_sunday = (last_day + 4).rem_euclid(7);
    (last_day - since_sunday) * SECONDS_PER_DAY + 3_600
}

/// Converts a UTC instant (seconds since 1970-01-01T00:00:00Z) to the time
/// shown on clocks in the UK.
///
/// Applies the rule in force since 1996 — British Summer Time (UTC+1) from
/// 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
/// October, Greenwich Mean Time otherwise — to every year, because opening
/// times only ever concern the present. Instants outside the years 0000 to
/// 9999 are treated as the nearest one inside.
pub fn uk_local(unix_seconds: i64) -> LocalTime {
    let instant = unix_seconds.clamp(EARLIEST_INSTANT, LATEST_INSTANT);
    // Both changes fall in spring and autumn, far from New Year, so the UTC
    // year is always the year whose rule applies.
    let (year, _, _) = civil_from_days(instant.div_euclid(SECONDS_PER_DAY));
    let summer = (clock_change(year, 3)..clock_change(year, 10)).contains(&instant);
    let utc_offset_minutes: i16 = if summer { 60 } else { 0 };
    let local = instant + i64::from(utc_offset_minutes) * 60;
    let days = local.div_euclid(SECONDS_PER_DAY);
    let minute_of_day = u16::try_from(local.rem_euclid(SECONDS_PER_DAY) / 60).unwrap_or(0);
    LocalTime {
        date: Date::from_days_since_epoch(days),
        weekday: Weekday::from_days_since_epoch(days),
        minute_of_day,
        utc_offset_minutes,
    }
}

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
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(raw: &str) -> Date {
        Date::parse(raw).unwrap()
    }

    /// A clock reading on a date; the offset does not matter to the rules.
    fn at(day: &str, hours: u16, minutes: u16) -> LocalTime {
        let date = date(day);
        LocalTime {
            date,
            weekday: date.weekday(),
            minute_of_day: hours * 60 + minutes,
            utc_offset_minutes: 0,
        }
    }

    fn weekly(days: &[Weekday], opens: &str, closes: &str) -> WeeklyOpening {
        WeeklyOpening {
            days: days.to_vec(),
            opens: parse_clock(opens).unwrap(),
            closes: parse_clock(closes).unwrap(),
            valid_from: None,
            valid_to: None,
        }
    }

    /// Seconds since the epoch of a UTC date and time.
    fn utc(day: &str, hours: i64, minutes: i64, seconds: i64) -> i64 {
        date(day).days_since_epoch() * SECONDS_PER_DAY + hours * 3_600 + minutes * 60 + seconds
    }

    fn clock(local: LocalTime) -> (String, u16, u16, i16) {
        (
            local.date.to_string(),
            local.minute_of_day / 60,
            local.minute_of_day % 60,
            local.utc_offset_minutes,
        )
    }

    #[test]
    fn clocks_go_forward_on_the_last_sunday_of_march() {
        let before = uk_local(utc("2026-03-29", 0, 59, 59));
        assert_eq!(clock(before), ("2026-03-29".into(), 0, 59, 0));
        let after = uk_local(utc("2026-03-29", 1, 0, 0));
        assert_eq!(clock(after), ("2026-03-29".into(), 2, 0, 60));
        assert_eq!(after.weekday, Weekday::Sunday);
    }

    #[test]
    fn clocks_go_back_on_the_last_sunday_of_october() {
        let before = uk_local(utc("2026-10-25", 0, 59, 59));
        assert_eq!(clock(before), ("2026-10-25".into(), 1, 59, 60));
        let after = uk_local(utc("2026-10-25", 1, 0, 0));
        assert_eq!(clock(after), ("2026-10-25".into(), 1, 0, 0));
    }

    #[test]
    fn summer_time_can_move_the_date() {
        let late = uk_local(utc("2026-07-31", 23, 30, 0));
        assert_eq!(clock(late), ("2026-08-01".into(), 0, 30, 60));
        assert_eq!(late.weekday, Weekday::Saturday);
    }

    #[test]
    fn instants_before_1970_and_at_the_extremes() {
        let local = uk_local(-1);
        assert_eq!(clock(local), ("1969-12-31".into(), 23, 59, 0));
        assert_eq!(local.weekday, Weekday::Wednesday);
        assert_eq!(uk_local(0).weekday, Weekday::Thursday);
        assert_eq!(uk_local(i64::MIN).date, date("0000-01-01"));
        assert_eq!(uk_local(i64::MAX).date, date("9999-12-31"));
    }

    #[test]
    fn weekdays_of_known_dates() {
        assert_eq!(date("2026-11-23").weekday(), Weekday::Monday);
        assert_eq!(date("1970-01-01").weekday(), Weekday::Thursday);
        assert_eq!(date("2000-02-29").weekday(), Weekday::Tuesday);
        assert_eq!(date("1900-01-01").weekday(), Weekday::Monday);
        assert_eq!(date("2000-01-01").weekday(), Weekday::Saturday);
    }

    #[test]
    fn dates_are_checked() {
        assert_eq!(
            date("2024-02-29"),
            Date {
                year: 2024,
                month: 2,
                day: 29
            }
        );
        assert!(Date::parse("2000-02-29").is_ok());
        for bad in [
            "2026-02-29",
            "1900-02-29",
            "2026-04-31",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "2026-1-01",
            "26-01-01",
            "2026/01/01",
            "+026-01-01",
            "2026-01-01T00:00",
            "",
        ] {
            assert_eq!(
                Date::parse(bad),
                Err(Invalid::new("error.schedule.date")),
                "{bad}"
            );
        }
    }

    #[test]
    fn dates_order_chronologically() {
        assert!(date("2026-01-31") < date("2026-02-01"));
        assert!(date("2025-12-31") < date("2026-01-01"));
        assert_eq!(date("2026-03-01").previous_day(), date("2026-02-28"));
        assert_eq!(date("2024-02-28").next_day(), date("2024-02-29"));
        assert_eq!(date("2026-12-31").next_day(), date("2027-01-01"));
    }

    #[test]
    fn adding_days_crosses_months_years_and_leap_days() {
        assert_eq!(date("2024-02-28").add_days(1), date("2024-02-29"));
        assert_eq!(date("2026-12-31").add_days(1), date("2027-01-01"));
        assert_eq!(date("2026-03-01").add_days(-1), date("2026-02-28"));
        assert_eq!(date("2026-01-01").add_days(365), date("2027-01-01"));
        assert_eq!(date("2026-05-05").add_days(0), date("2026-05-05"));
    }

    #[test]
    fn date_ranges() {
        let march = DateRange::new(date("2026-03-01"), date("2026-03-31")).unwrap();
        assert!(march.contains(date("2026-03-01")));
        assert!(march.contains(date("2026-03-31")));
        assert!(!march.contains(date("2026-04-01")));
        let spring = DateRange::new(date("2026-03-31"), date("2026-05-31")).unwrap();
        let april = DateRange::new(date("2026-04-01"), date("2026-04-30")).unwrap();
        assert!(march.overlaps(&spring) && spring.overlaps(&march));
        assert!(!march.overlaps(&april));
        assert!(DateRange::new(date("2026-04-01"), date("2026-03-31")).is_err());
        let backwards = DateRange {
            first: date("2026-03-10"),
            last: date("2026-03-01"),
        };
        assert!(backwards.is_empty());
        assert!(!backwards.overlaps(&march) && !march.overlaps(&backwards));
    }

    #[test]
    fn weekday_codes() {
        assert_eq!(Weekday::from_rrule("mo"), Ok(Weekday::Monday));
        assert_eq!(Weekday::from_rrule("Su"), Ok(Weekday::Sunday));
        assert_eq!(
            Weekday::from_rrule("XX"),
            Err(Invalid::new("error.schedule.byday"))
        );
        assert!(Weekday::from_rrule("1MO").is_err());
        for day in Weekday::ALL {
            assert_eq!(Weekday::from_rrule(day.as_rrule()), Ok(day));
            assert_eq!(day.following().preceding(), day);
        }
    }

    #[test]
    fn clock_times() {
        assert_eq!(parse_clock("09:30"), Ok(570));
        assert_eq!(parse_clock("09:30:59"), Ok(570));
        assert_eq!(parse_clock("00:00"), Ok(0));
        assert_eq!(parse_clock("24:00:00"), Ok(1_440));
        for bad in [
            "9:30",
            "24:01",
            "12:60",
            "12:00:60",
            "12",
            "12:00:00:00",
            "10:00Z",
            "",
            "ab:cd",
        ] {
            assert_eq!(
                parse_clock(bad),
                Err(Invalid::new("error.schedule.time")),
                "{bad}"
            );
        }
    }

    #[test]
    fn lunch_club_on_tuesdays() {
        let rules = [weekly(&[Weekday::Tuesday], "12:00", "14:00")];
        assert!(is_open(&rules, &[], at("2026-11-24", 12, 0)));
        assert!(is_open(&rules, &[], at("2026-11-24", 13, 59)));
        assert!(!is_open(&rules, &[], at("2026-11-24", 14, 0)));
        assert!(!is_open(&rules, &[], at("2026-11-24", 11, 59)));
        assert!(!is_open(&rules, &[], at("2026-11-25", 12, 30)));
        assert!(open_on(&rules, &[], date("2026-11-24")));
        assert!(!open_on(&rules, &[], date("2026-11-25")));
    }

    #[test]
    fn friday_night_runs_into_saturday() {
        let rules = [weekly(&[Weekday::Friday], "22:00", "02:00")];
        // 2026-11-27 is a Friday.
        assert!(is_open(&rules, &[], at("2026-11-27", 22, 0)));
        assert!(is_open(&rules, &[], at("2026-11-27", 23, 59)));
        assert!(is_open(&rules, &[], at("2026-11-28", 1, 30)));
        assert!(!is_open(&rules, &[], at("2026-11-28", 2, 0)));
        assert!(!is_open(&rules, &[], at("2026-11-27", 1, 30)));
        assert!(!is_open(&rules, &[], at("2026-11-27", 21, 59)));
        assert!(open_on(&rules, &[], date("2026-11-27")));
        assert!(!open_on(&rules, &[], date("2026-11-28")));
    }

    #[test]
    fn open_until_midnight_does_not_spill_over() {
        let rules = [weekly(&[Weekday::Friday], "20:00", "24:00")];
        assert!(!rules[0].is_overnight());
        assert!(is_open(&rules, &[], at("2026-11-27", 23, 59)));
        assert!(!is_open(&rules, &[], at("2026-11-28", 0, 0)));
        let wrapping = [weekly(&[Weekday::Friday], "20:00", "00:00")];
        assert!(is_open(&wrapping, &[], at("2026-11-27", 23, 59)));
        assert!(!is_open(&wrapping, &[], at("2026-11-28", 0, 0)));
    }

    #[test]
    fn twenty_four_hours() {
        let rules = [weekly(&[Weekday::Monday], "09:00", "09:00")];
        // From 09:00 on Monday 2026-11-23 to 09:00 on Tuesday.
        assert!(!is_open(&rules, &[], at("2026-11-23", 8, 59)));
        assert!(is_open(&rules, &[], at("2026-11-23", 9, 0)));
        assert!(is_open(&rules, &[], at("2026-11-23", 23, 59)));
        assert!(is_open(&rules, &[], at("2026-11-24", 0, 0)));
        assert!(is_open(&rules, &[], at("2026-11-24", 8, 59)));
        assert!(!is_open(&rules, &[], at("2026-11-24", 9, 0)));
        let every_day = [weekly(&Weekday::ALL, "00:00", "00:00")];
        for hour in 0..24 {
            assert!(is_open(&every_day, &[], at("2026-11-25", hour, 0)));
        }
    }

    #[test]
    fn validity_bounds_the_day_an_opening_starts() {
        let mut rule = weekly(&[Weekday::Friday], "22:00", "02:00");
        rule.valid_from = Some(date("2026-11-20"));
        rule.valid_to = Some(date("2026-11-27"));
        let rules = [rule];
        // Before: Friday 13th and the morning after it.
        assert!(!is_open(&rules, &[], at("2026-11-13", 23, 0)));
        assert!(!is_open(&rules, &[], at("2026-11-14", 1, 0)));
        // The first and last valid Fridays, and the morning after the last.
        assert!(is_open(&rules, &[], at("2026-11-20", 23, 0)));
        assert!(is_open(&rules, &[], at("2026-11-27", 23, 0)));
        assert!(is_open(&rules, &[], at("2026-11-28", 1, 30)));
        // After.
        assert!(!is_open(&rules, &[], at("2026-12-04", 23, 0)));
        assert!(!is_open(&rules, &[], at("2026-12-05", 1, 0)));
        assert!(!open_on(&rules, &[], date("2026-12-04")));
    }

    #[test]
    fn closed_over_christmas() {
        let weekdays = [
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
            Weekday::Thursday,
            Weekday::Friday,
        ];
        let rules = [weekly(&weekdays, "09:00", "17:00")];
        let christmas = [Closure {
            from: date("2026-12-24"),
            to: date("2027-01-02"),
        }];
        assert!(is_open(&rules, &christmas, at("2026-12-23", 10, 0)));
        assert!(!is_open(&rules, &christmas, at("2026-12-24", 10, 0)));
        assert!(!is_open(&rules, &christmas, at("2026-12-25", 10, 0)));
        assert!(!is_open(&rules, &christmas, at("2027-01-01", 10, 0)));
        assert!(is_open(&rules, &christmas, at("2027-01-04", 10, 0)));
        assert!(!open_on(&rules, &christmas, date("2026-12-29")));
        assert!(open_on(&rules, &christmas, date("2027-01-04")));
    }

    #[test]
    fn a_closure_follows_the_night_it_starts() {
        let shelter = [weekly(&Weekday::ALL, "20:00", "08:00")];
        let christmas_day = [Closure {
            from: date("2026-12-25"),
            to: date("2026-12-25"),
        }];
        // Christmas Eve's night still runs into Christmas morning…
        assert!(is_open(&shelter, &christmas_day, at("2026-12-25", 7, 0)));
        // …but Christmas night does not open, nor run into Boxing Day.
        assert!(!is_open(&shelter, &christmas_day, at("2026-12-25", 21, 0)));
        assert!(!is_open(&shelter, &christmas_day, at("2026-12-26", 7, 0)));
        assert!(is_open(&shelter, &christmas_day, at("2026-12-26", 21, 0)));
    }

    #[test]
    fn reads_the_hsds_example_schedule() {
        let rule = WeeklyOpening::from_hsds(
            Some("WEEKLY"),
            Some("TH,FR"),
            Some("10:00:00"),
            Some("18:00:00"),
            None,
            None,
        );
        assert_eq!(
            rule,
            Ok(Some(WeeklyOpening {
                days: vec![Weekday::Thursday, Weekday::Friday],
                opens: 600,
                closes: 1_080,
                valid_from: None,
                valid_to: None,
            }))
        );
    }

    #[test]
    fn hsds_schedules_that_are_not_weekly() {
        let read = |freq, byday, opens| {
            WeeklyOpening::from_hsds(freq, byday, opens, Some("18:00"), None, None)
        };
        assert_eq!(read(Some("MONTHLY"), Some("MO"), Some("10:00")), Ok(None));
        assert_eq!(read(Some("WEEKLY"), Some("1MO"), Some("10:00")), Ok(None));
        assert_eq!(read(None, Some("MO,-1FR"), Some("10:00")), Ok(None));
        assert_eq!(read(Some("WEEKLY"), Some("MO"), None), Ok(None));
        assert_eq!(read(Some("WEEKLY"), None, Some("10:00")), Ok(None));
        assert_eq!(read(None, None, Some("10:00")), Ok(None));
        assert_eq!(read(Some("WEEKLY"), Some(" "), Some("10:00")), Ok(None));
    }

    #[test]
    fn hsds_weekly_variants() {
        let read = |freq, byday, closes, valid_from, valid_to| {
            WeeklyOpening::from_hsds(freq, byday, Some("09:00"), closes, valid_from, valid_to)
        };
        let rule = read(None, Some("fr, mo,MO,"), Some("23:59:59"), None, None)
            .unwrap()
            .unwrap();
        assert_eq!(rule.days, vec![Weekday::Monday, Weekday::Friday]);
        assert_eq!(rule.closes, 1_440);
        let rule = read(
            Some("weekly"),
            Some("SA"),
            Some("01:00"),
            Some("2026-01-01"),
            Some("2026-12-31"),
        )
        .unwrap()
        .unwrap();
        assert!(rule.is_overnight());
        assert_eq!(rule.valid_from, Some(date("2026-01-01")));
        assert_eq!(rule.valid_to, Some(date("2026-12-31")));
    }

    #[test]
    fn hsds_malformed_values_are_refused() {
        let byday = Err(Invalid::new("error.schedule.byday"));
        let time = Err(Invalid::new("error.schedule.time"));
        let day = Err(Invalid::new("error.schedule.date"));
        let read = |byday, opens, valid_from, valid_to| {
            WeeklyOpening::from_hsds(
                Some("WEEKLY"),
                Some(byday),
                Some(opens),
                Some("17:00"),
                valid_from,
                valid_to,
            )
        };
        assert_eq!(read("MO,XX", "09:00", None, None), byday);
        assert_eq!(read("M", "09:00", None, None), byday);
        assert_eq!(read("0MO", "09:00", None, None), byday);
        assert_eq!(read("XMO", "09:00", None, None), byday);
        assert_eq!(read("MO", "9am", None, None), time);
        assert_eq!(read("MO", "24:00", None, None), time);
        assert_eq!(read("MO", "09:00", Some("2026-02-30"), None), day);
        assert_eq!(
            read("MO", "09:00", Some("2026-06-01"), Some("2026-05-01")),
            day
        );
        // A typo is reported even in a schedule that could not be used.
        assert_eq!(
            WeeklyOpening::from_hsds(Some("MONTHLY"), Some("1MO"), Some("10"), None, None, None),
            time
        );
    }

    #[test]
    fn open_through_the_night_the_clocks_go_forward() {
        // Saturday 2026-03-28, 22:00 to 06:00; at 01:00 UTC on Sunday the
        // clocks jump from 01:00 to 02:00, so the night is an hour shorter.
        let rules = [weekly(&[Weekday::Saturday], "22:00", "06:00")];
        let open_at = |day, h, m| is_open(&rules, &[], uk_local(utc(day, h, m, 0)));
        assert!(!open_at("2026-03-28", 21, 59));
        assert!(open_at("2026-03-28", 22, 0));
        assert!(open_at("2026-03-29", 0, 59));
        assert!(open_at("2026-03-29", 1, 0));
        assert!(open_at("2026-03-29", 4, 59));
        assert!(!open_at("2026-03-29", 5, 0));
    }

    /// The date and time of a non-negative instant found by counting whole
    /// years and months from 1970, independently of the cycle arithmetic.
    fn naive_utc(seconds: i64) -> (i32, u8, u8, u16) {
        let mut days = seconds / SECONDS_PER_DAY;
        let minute = u16::try_from(seconds % SECONDS_PER_DAY / 60).unwrap();
        let mut year = 1970;
        loop {
            let length = if is_leap_year(year) { 366 } else { 365 };
            if days < length {
                break;
            }
            days -= length;
            year += 1;
        }
        let mut month = 1;
        loop {
            let length = i64::from(days_in_month(year, month));
            if days < length {
                break;
            }
            days -= length;
            month += 1;
        }
        (year, month, u8::try_from(days + 1).unwrap(), minute)
    }

    /// 01:00 UTC on the last Sunday of a month, found by walking back from
    /// its last day.
    fn naive_change(year: i32, month: u8) -> i64 {
        let mut day = Date::new(year, month, days_in_month(year, month)).unwrap();
        while day.weekday() != Weekday::Sunday {
            day = day.previous_day();
        }
        utc(&day.to_string(), 1, 0, 0)
    }

    proptest! {
        #[test]
        fn uk_local_agrees_with_counting(instant in 0i64..4_102_444_800) {
            let local = uk_local(instant);
            let (year, ..) = naive_utc(instant);
            let summer = (naive_change(year, 3)..naive_change(year, 10)).contains(&instant);
            prop_assert_eq!(local.utc_offset_minutes, if summer { 60 } else { 0 });
            let shifted = instant + i64::from(local.utc_offset_minutes) * 60;
            let (year, month, day, minute) = naive_utc(shifted);
            prop_assert_eq!(local.date, Date { year, month, day });
            prop_assert_eq!(local.minute_of_day, minute);
            prop_assert_eq!(local.weekday, local.date.weekday());
        }

        #[test]
        fn days_round_trip(
            days in EARLIEST_INSTANT / SECONDS_PER_DAY..=LATEST_INSTANT / SECONDS_PER_DAY,
        ) {
            let date = Date::from_days_since_epoch(days);
            prop_assert_eq!(date.days_since_epoch(), days);
            prop_assert_eq!(Date::parse(&date.to_string()), Ok(date));
            prop_assert_eq!(date.next_day().previous_day(), date);
            prop_assert_eq!(date.next_day().weekday(), date.weekday().following());
        }

        #[test]
        fn a_day_rule_is_open_at_opening_and_closed_at_closing(
            mask in 1u8..128,
            pick in 0usize..7,
            opens in 0u16..1_439,
            length in 1u16..1_440,
            week in 0i64..520,
        ) {
            let days: Vec<Weekday> = Weekday::ALL
                .into_iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, day)| day)
                .collect();
            let day = days[pick % days.len()];
            let closes = (opens + length).min(1_439);
            prop_assume!(opens < closes);
            let rules = [WeeklyOpening {
                days,
                opens,
                closes,
                valid_from: None,
                valid_to: None,
            }];
            // Monday 2026-11-23, moved on whole weeks, then to the day.
            let offset = i64::try_from(Weekday::ALL.iter().position(|d| *d == day).unwrap()).unwrap();
            let date = Date::from_days_since_epoch(
                date("2026-11-23").days_since_epoch() + week * 7 + offset,
            );
            let when = |minute_of_day| LocalTime {
                date,
                weekday: date.weekday(),
                minute_of_day,
                utc_offset_minutes: 0,
            };
            prop_assert_eq!(date.weekday(), day);
            prop_assert!(is_open(&rules, &[], when(opens)));
            prop_assert!(!is_open(&rules, &[], when(closes)));
        }
    }
}

//! Days of the week, dates, date ranges and UK civil time (GMT and British
//! Summer Time), computed without a date-time dependency.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Invalid;

pub(super) const SECONDS_PER_DAY: i64 = 86_400;
pub(super) const MINUTES_PER_DAY: u16 = 1_440;
pub(super) const SECONDS_PER_CLOCK_DAY: u32 = 86_400;

/// A day of the week, Monday first as in ISO 8601.
///
/// Its number is [`Weekday::index`]: Monday is 0 and Sunday 6, the one
/// convention the code uses. A table that stores another numbering says so
/// where it is read and written.
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

    /// The day's place in the week: Monday is 0, Sunday 6.
    pub const fn index(self) -> u8 {
        match self {
            Weekday::Monday => 0,
            Weekday::Tuesday => 1,
            Weekday::Wednesday => 2,
            Weekday::Thursday => 3,
            Weekday::Friday => 4,
            Weekday::Saturday => 5,
            Weekday::Sunday => 6,
        }
    }

    /// The day at a place in the week (Monday is 0, Sunday 6), the inverse
    /// of [`Weekday::index`]; `None` past Sunday.
    pub fn from_index(index: impl TryInto<usize>) -> Option<Self> {
        let index: usize = index.try_into().ok()?;
        Self::ALL.get(index).copied()
    }

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
    pub(super) const fn from_days_since_epoch(days: i64) -> Self {
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

    /// The date in UTC of an instant in Unix seconds.
    pub fn of_unix_seconds(seconds: i64) -> Self {
        Self::from_days_since_epoch(seconds.div_euclid(SECONDS_PER_DAY))
    }

    /// The start of this day in UTC, in Unix seconds.
    pub fn unix_midnight(self) -> i64 {
        self.days_since_epoch() * SECONDS_PER_DAY
    }

    /// The inverse of [`Date::days_since_epoch`]. Only day counts far beyond
    /// any instant [`uk_local`] produces could leave the `i32` year range,
    /// and those saturate rather than wrap.
    pub(super) fn from_days_since_epoch(days: i64) -> Self {
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

pub(super) const fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The number of days in a month of a year, leap years included.
pub const fn days_in_month(year: i32, month: u8) -> u8 {
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
pub(super) const EARLIEST_INSTANT: i64 = days_from_civil(0, 1, 1) * SECONDS_PER_DAY;
pub(super) const LATEST_INSTANT: i64 =
    days_from_civil(9999, 12, 31) * SECONDS_PER_DAY + SECONDS_PER_DAY - 1;

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

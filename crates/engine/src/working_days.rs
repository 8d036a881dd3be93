//! Working days: Monday to Friday, except the holidays the partnership
//! keeps. Every clock counted in working days is counted here: a
//! receiving organisation's answer to a referral, a check-in call's retry,
//! and the stages of a complaint.
//!
//! The default holidays are Scotland's bank holidays, as published for
//! 2025 to 2028 (with the substitute days when a holiday falls at a
//! weekend). Local holidays differ between council areas, so the
//! settings can replace the list.

use std::collections::BTreeSet;

use crate::schedule::{Date, Weekday};

/// Scotland's bank holidays, 2025 to 2028, as `YYYY-MM-DD`.
pub const SCOTTISH_BANK_HOLIDAYS: &[&str] = &[
    "2025-01-01",
    "2025-01-02",
    "2025-04-18",
    "2025-05-05",
    "2025-05-26",
    "2025-08-04",
    "2025-12-01",
    "2025-12-25",
    "2025-12-26",
    "2026-01-01",
    "2026-01-02",
    "2026-04-03",
    "2026-05-04",
    "2026-05-25",
    "2026-08-03",
    "2026-11-30",
    "2026-12-25",
    "2026-12-28",
    "2027-01-01",
    "2027-01-04",
    "2027-03-26",
    "2027-05-03",
    "2027-05-31",
    "2027-08-02",
    "2027-11-30",
    "2027-12-27",
    "2027-12-28",
    "2028-01-03",
    "2028-01-04",
    "2028-04-14",
    "2028-05-01",
    "2028-05-29",
    "2028-08-07",
    "2028-11-30",
    "2028-12-25",
    "2028-12-26",
];

/// Which days are working days.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkingCalendar {
    holidays: BTreeSet<Date>,
}

impl WorkingCalendar {
    /// Weekdays, less these holidays.
    pub fn new(holidays: impl IntoIterator<Item = Date>) -> Self {
        Self {
            holidays: holidays.into_iter().collect(),
        }
    }

    /// Scotland's bank holidays ([`SCOTTISH_BANK_HOLIDAYS`]).
    pub fn scotland() -> Self {
        Self::new(
            SCOTTISH_BANK_HOLIDAYS
                .iter()
                .filter_map(|raw| Date::parse(raw).ok()),
        )
    }

    /// The holidays, in date order.
    pub fn holidays(&self) -> impl Iterator<Item = Date> + '_ {
        self.holidays.iter().copied()
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
            && !self.holidays.contains(&date)
    }

    /// The day `n` working days after `from` (`from` itself never counts;
    /// with `n` = 0, `from`). Counting stops after ten years of holidays,
    /// which no real list comes near.
    pub fn add_working_days(&self, from: Date, n: u32) -> Date {
        let mut date = from;
        let mut left = n;
        let mut guard = 0;
        while left > 0 && guard < 3_660 {
            date = date.next_day();
            guard += 1;
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// How many working days come after `from`, up to and including `to`;
    /// 0 when `to` is not after `from`.
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let mut count = 0;
        let mut date = from;
        while date < to {
            date = date.next_day();
            if self.is_working_day(date) {
                count += 1;
            }
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(raw: &str) -> Date {
        Date::parse(raw).unwrap()
    }

    #[test]
    fn scotlands_holidays_all_fall_on_weekdays() {
        let calendar = WorkingCalendar::scotland();
        assert_eq!(calendar.holidays.len(), SCOTTISH_BANK_HOLIDAYS.len());
        for day in &calendar.holidays {
            assert!(
                !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday),
                "{day} is a weekend"
            );
        }
    }

    #[test]
    fn weekends_and_holidays_are_skipped() {
        let calendar = WorkingCalendar::scotland();
        // Friday 2026-11-27 + 1 working day: Monday 30th is St Andrew's Day.
        assert_eq!(
            calendar.add_working_days(d("2026-11-27"), 1),
            d("2026-12-01")
        );
        // Over Christmas 2026: Thu 24th + 3 = Tue 29th, Wed 30th, Thu 31st.
        assert_eq!(
            calendar.add_working_days(d("2026-12-24"), 3),
            d("2026-12-31")
        );
        // Across New Year: 2026-12-31 + 1 skips 1 and 2 January.
        assert_eq!(
            calendar.add_working_days(d("2026-12-31"), 1),
            d("2027-01-05")
        );
        // With no holidays, Monday + 5 is next Monday.
        let plain = WorkingCalendar::default();
        assert_eq!(plain.add_working_days(d("2026-12-07"), 5), d("2026-12-14"));
        assert_eq!(plain.add_working_days(d("2026-12-07"), 0), d("2026-12-07"));
        assert_eq!(
            plain.working_days_between(d("2026-12-07"), d("2026-12-14")),
            5
        );
        assert_eq!(
            plain.working_days_between(d("2026-12-14"), d("2026-12-07")),
            0
        );
    }

    proptest! {
        #[test]
        fn a_due_date_is_a_working_day_exactly_n_working_days_on(
            start in 20_000i64..21_000,
            n in 1u32..40,
        ) {
            let calendar = WorkingCalendar::scotland();
            let from = Date::parse("1970-01-01").unwrap().add_days(start);
            let due = calendar.add_working_days(from, n);
            prop_assert!(calendar.is_working_day(due));
            prop_assert!(due > from);
            prop_assert_eq!(calendar.working_days_between(from, due), n);
            // And no earlier day would do.
            prop_assert_eq!(calendar.working_days_between(from, due.previous_day()), n - 1);
        }
    }
}

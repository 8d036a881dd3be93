//! Tests of opening times and of the calendar beneath them.

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
fn weekdays_are_numbered_from_monday_at_zero() {
    assert_eq!(Weekday::Monday.index(), 0);
    assert_eq!(Weekday::Sunday.index(), 6);
    for (place, day) in Weekday::ALL.into_iter().enumerate() {
        assert_eq!(usize::from(day.index()), place);
        assert_eq!(Weekday::from_index(day.index()), Some(day));
    }
    assert_eq!(Weekday::from_index(7_u8), None);
    assert_eq!(Weekday::from_index(-1_i64), None);
}

#[test]
fn dates_of_unix_instants_are_utc_days() {
    let day = date("2027-03-01");
    assert_eq!(day.unix_midnight(), 1_803_859_200);
    assert_eq!(Date::of_unix_seconds(day.unix_midnight()), day);
    assert_eq!(Date::of_unix_seconds(day.unix_midnight() + 86_399), day);
    assert_eq!(
        Date::of_unix_seconds(day.unix_midnight() - 1),
        date("2027-02-28")
    );
    assert_eq!(Date::of_unix_seconds(-1), date("1969-12-31"));
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

use proptest::prelude::*;

use super::{
    Every, Plan,
    concern::Status,
    due_between, due_on,
    retry::{Next, Outcome, RetryRule, after},
};
use crate::{
    referrals::calendar::WorkingCalendar,
    schedule::{Date, Weekday},
};

fn d(raw: &str) -> Date {
    Date::parse(raw).unwrap()
}

#[test]
fn weekly_and_fortnightly_count_from_the_start() {
    let weekly = Plan::Regular {
        every: Every::Week,
        start: d("2026-12-07"),
        end: None,
    };
    assert_eq!(
        due_between(&weekly, d("2026-12-01"), d("2026-12-31")),
        vec![
            d("2026-12-07"),
            d("2026-12-14"),
            d("2026-12-21"),
            d("2026-12-28")
        ]
    );
    let fortnightly = Plan::Regular {
        every: Every::Fortnight,
        start: d("2026-12-07"),
        end: Some(d("2027-01-04")),
    };
    assert_eq!(
        due_between(&fortnightly, d("2026-12-01"), d("2027-02-01")),
        vec![d("2026-12-07"), d("2026-12-21"), d("2027-01-04")]
    );
}

#[test]
fn monthly_keeps_the_day_and_clamps_to_the_month_end() {
    let monthly = Plan::Regular {
        every: Every::Month,
        start: d("2027-01-31"),
        end: None,
    };
    assert_eq!(
        due_between(&monthly, d("2027-01-01"), d("2027-04-30")),
        vec![
            d("2027-01-31"),
            d("2027-02-28"),
            d("2027-03-31"),
            d("2027-04-30")
        ]
    );
    let leap = Plan::Regular {
        every: Every::Month,
        start: d("2028-01-30"),
        end: None,
    };
    assert!(leap.is_due(d("2028-02-29")));
}

#[test]
fn a_birthday_comes_once_a_year_and_a_leap_day_on_the_28th() {
    let plan = Plan::Birthday {
        born: d("1944-02-29"),
        start: d("2026-01-01"),
        end: None,
    };
    assert_eq!(
        due_between(&plan, d("2026-01-01"), d("2026-12-31")),
        vec![d("2026-02-28")]
    );
    assert!(plan.is_due(d("2027-02-28")));
    assert!(plan.is_due(d("2028-02-29")));
    assert!(!plan.is_due(d("2028-02-28")));
    // A long-neglected plan is not made to catch up on years of calls.
    let weekly = Plan::Regular {
        every: Every::Week,
        start: d("2020-01-06"),
        end: None,
    };
    let due = due_between(&weekly, d("2020-01-01"), d("2026-12-31"));
    assert!(due.len() <= 53);
    assert!(due[0] > d("2025-12-31"));
}

#[test]
fn after_discharge_calls_on_the_chosen_days_for_the_weeks_given() {
    // Discharged on Monday 7 December 2026: two weeks, Mondays and Thursdays.
    let plan = Plan::Discharge {
        discharged: d("2026-12-07"),
        weeks: 2,
        days: vec![Weekday::Monday, Weekday::Thursday],
    };
    assert_eq!(
        due_between(&plan, d("2026-12-01"), d("2027-01-31")),
        vec![
            d("2026-12-10"),
            d("2026-12-14"),
            d("2026-12-17"),
            d("2026-12-21")
        ]
    );
    let daily = Plan::Discharge {
        discharged: d("2026-12-07"),
        weeks: 1,
        days: vec![],
    };
    assert_eq!(
        due_between(&daily, d("2026-12-01"), d("2026-12-31")).len(),
        7
    );
}

#[test]
fn a_broadcast_is_due_once() {
    let plan = Plan::Broadcast {
        on: d("2026-12-09"),
    };
    assert_eq!(
        due_between(&plan, d("2026-12-01"), d("2026-12-31")),
        vec![d("2026-12-09")]
    );
    let plans = [
        (1, &plan),
        (
            2,
            &Plan::Broadcast {
                on: d("2026-12-10"),
            },
        ),
    ];
    assert_eq!(due_on(plans, d("2026-12-09")), vec![1]);
}

#[test]
fn plans_that_make_no_sense_are_refused() {
    let backwards = Plan::Regular {
        every: Every::Week,
        start: d("2026-12-07"),
        end: Some(d("2026-12-01")),
    };
    assert!(backwards.checked().is_err());
    let no_weeks = Plan::Discharge {
        discharged: d("2026-12-07"),
        weeks: 0,
        days: vec![],
    };
    assert!(no_weeks.checked().is_err());
    let unborn = Plan::Birthday {
        born: d("2027-01-01"),
        start: d("2026-12-07"),
        end: None,
    };
    assert!(unborn.checked().is_err());
}

#[test]
fn an_unanswered_call_is_retried_next_working_day_then_escalated() {
    let calendar = WorkingCalendar::scotland();
    let rule = RetryRule::default();
    // Friday 4 December 2026 rings out: tried again on Monday.
    assert_eq!(
        after(rule, Outcome::NoAnswer, 1, d("2026-12-04"), &calendar),
        Next::Retry {
            attempt: 2,
            on: d("2026-12-07")
        }
    );
    // Christmas Eve: Christmas Day and Boxing Day (and the weekend) pass.
    assert_eq!(
        after(rule, Outcome::LeftMessage, 2, d("2026-12-24"), &calendar),
        Next::Retry {
            attempt: 3,
            on: d("2026-12-29")
        }
    );
    assert_eq!(
        after(rule, Outcome::NoAnswer, 3, d("2026-12-29"), &calendar),
        Next::Escalate
    );
    assert_eq!(
        after(rule, Outcome::Spoke, 1, d("2026-12-29"), &calendar),
        Next::Done
    );
    assert_eq!(
        after(rule, Outcome::Concern, 3, d("2026-12-29"), &calendar),
        Next::Done
    );
    let same_day = RetryRule::new(2, 0).unwrap();
    assert_eq!(
        after(same_day, Outcome::NoAnswer, 1, d("2026-12-08"), &calendar),
        Next::Retry {
            attempt: 2,
            on: d("2026-12-08")
        }
    );
    assert!(RetryRule::new(0, 1).is_err());
    assert!(RetryRule::new(6, 1).is_err());
    assert!(RetryRule::new(3, 6).is_err());
}

#[test]
fn a_concern_moves_forward_only() {
    assert!(Status::Open.may_move(Status::Acknowledged));
    assert!(Status::Acknowledged.may_move(Status::ActedOn));
    assert!(Status::Open.may_move(Status::Closed));
    assert!(!Status::Acknowledged.may_move(Status::Open));
    assert!(!Status::Acknowledged.may_move(Status::Acknowledged));
    for from in [Status::ActedOn, Status::Closed] {
        for to in Status::ALL {
            assert!(!from.may_move(to));
        }
    }
}

fn date() -> impl Strategy<Value = Date> {
    (0i64..3_000).prop_map(|n| d("2024-01-01").add_days(n))
}

fn plan() -> impl Strategy<Value = Plan> {
    let every = proptest::sample::select(Every::ALL.to_vec());
    let days = proptest::sample::subsequence(Weekday::ALL.to_vec(), 0..=7);
    prop_oneof![
        (every, date(), proptest::option::of(0i64..900)).prop_map(|(every, start, len)| {
            Plan::Regular {
                every,
                start,
                end: len.map(|n| start.add_days(n)),
            }
        }),
        (date(), 0i64..30_000).prop_map(|(start, age)| Plan::Birthday {
            born: start.add_days(-age),
            start,
            end: None,
        }),
        (date(), 1u8..=26, days).prop_map(|(discharged, weeks, days)| Plan::Discharge {
            discharged,
            weeks,
            days,
        }),
        date().prop_map(|on| Plan::Broadcast { on }),
    ]
}

proptest! {
    /// No day is due twice, the days are in order, inside the stretch and
    /// the plan's own bounds, and they are exactly the days `is_due` names.
    #[test]
    fn due_days_are_unique_ordered_and_within_bounds(plan in plan(), from in date(), len in 0i64..366) {
        let to = from.add_days(len);
        let due = due_between(&plan, from, to);
        for pair in due.windows(2) {
            prop_assert!(pair[0] < pair[1]);
        }
        for day in &due {
            prop_assert!(*day >= from && *day <= to);
            prop_assert!(*day >= plan.first_day());
            prop_assert!(plan.last_day().is_none_or(|last| *day <= last));
            prop_assert!(plan.is_due(*day));
        }
        let mut day = from;
        let mut expected = 0;
        while day <= to {
            if plan.is_due(day) { expected += 1; }
            day = day.next_day();
        }
        prop_assert_eq!(due.len(), expected);
    }

    /// Splitting a stretch in two gives the same days as the whole: the
    /// sweep may run daily or weekly and never makes a call due twice.
    #[test]
    fn due_days_split_cleanly(plan in plan(), from in date(), a in 0i64..180, b in 0i64..180) {
        let middle = from.add_days(a);
        let to = middle.add_days(b + 1);
        let mut parts = due_between(&plan, from, middle);
        parts.extend(due_between(&plan, middle.next_day(), to));
        prop_assert_eq!(parts, due_between(&plan, from, to));
    }

    /// Following the rule from the first attempt, a call is tried at most
    /// the rule's number of times, each attempt on or after the one before,
    /// and always ends in escalation when nobody ever answers.
    #[test]
    fn attempts_never_exceed_the_limit(attempts in 1u8..=5, spacing in 0u8..=5, start in date(), answer_at in proptest::option::of(1u8..=6)) {
        let calendar = WorkingCalendar::scotland();
        let rule = RetryRule::new(attempts, spacing).unwrap();
        let mut attempt = 1;
        let mut on = start;
        let mut made = 1;
        loop {
            let outcome = if answer_at == Some(attempt) { Outcome::Spoke } else { Outcome::NoAnswer };
            match after(rule, outcome, attempt, on, &calendar) {
                Next::Done => {
                    prop_assert_eq!(Some(attempt), answer_at);
                    break;
                }
                Next::Escalate => {
                    prop_assert_eq!(attempt, attempts);
                    prop_assert!(answer_at.is_none_or(|a| a > attempts));
                    break;
                }
                Next::Retry { attempt: next, on: next_on } => {
                    prop_assert_eq!(next, attempt + 1);
                    prop_assert!(next_on >= on);
                    attempt = next;
                    on = next_on;
                    made += 1;
                }
            }
        }
        prop_assert!(made <= attempts);
    }
}

use proptest::prelude::*;

use super::*;
use crate::working_days::WorkingCalendar;

fn d(raw: &str) -> Date {
    Date::parse(raw).unwrap()
}

fn scotland() -> WorkingCalendar {
    WorkingCalendar::scotland()
}

#[test]
fn a_friday_complaint_counts_from_monday() {
    let c = scotland();
    // Friday 2026-12-04: Monday 7th is day one, Friday 11th day five.
    assert_eq!(
        due_date(&c, d("2026-12-04"), Stage::Frontline, false),
        Ok(d("2026-12-11"))
    );
    assert_eq!(
        due_date(&c, d("2026-12-04"), Stage::Frontline, true),
        Ok(d("2026-12-18"))
    );
}

#[test]
fn christmas_and_new_year_2026() {
    let c = scotland();
    // Wed 23 Dec: Thu 24 (1); Fri 25, Mon 28 (Boxing Day's substitute) off;
    // Tue 29 (2), Wed 30 (3), Thu 31 (4); Fri 1 Jan and Mon 4 Jan (2 Jan's
    // substitute) off; Tue 5 Jan (5).
    assert_eq!(
        due_date(&c, d("2026-12-23"), Stage::Frontline, false),
        Ok(d("2027-01-05"))
    );
    assert_eq!(
        due_date(&c, d("2026-12-23"), Stage::Frontline, true),
        Ok(d("2027-01-12"))
    );
    assert_eq!(acknowledge_by(&c, d("2026-12-23")), d("2026-12-30"));
}

#[test]
fn christmas_and_new_year_2027_both_at_weekends() {
    let c = scotland();
    // Christmas 2027 and New Year 2028 fall at weekends: Mon 27, Tue 28 Dec
    // and Mon 3, Tue 4 Jan are the substitute days.
    assert_eq!(
        due_date(&c, d("2027-12-24"), Stage::Frontline, false),
        Ok(d("2028-01-06"))
    );
    assert_eq!(
        due_date(&c, d("2027-12-24"), Stage::Investigation, false),
        Ok(d("2028-01-27"))
    );
}

#[test]
fn easter_has_good_friday_but_no_easter_monday_in_scotland() {
    let c = scotland();
    // Good Friday 26 March 2027; Easter Monday is a working day.
    assert_eq!(
        due_date(&c, d("2027-03-24"), Stage::Frontline, false),
        Ok(d("2027-04-01"))
    );
    assert_eq!(acknowledge_by(&c, d("2027-03-24")), d("2027-03-30"));
    // Good Friday 3 April 2026, received the day before.
    assert_eq!(
        due_date(&c, d("2026-04-02"), Stage::Frontline, false),
        Ok(d("2026-04-10"))
    );
}

#[test]
fn stage_two_has_no_fixed_extension() {
    assert_eq!(
        due_date(&scotland(), d("2026-12-07"), Stage::Investigation, true),
        Err(Invalid::new("error.feedback.investigation_extension"))
    );
    assert_eq!(Stage::parse("frontline"), Ok(Stage::Frontline));
    assert!(Stage::parse("stage1").is_err());
}

#[test]
fn a_complaint_through_both_stages() {
    let c = scotland();
    let case = Case::open(&c, d("2026-12-07"), false);
    assert_eq!(case.status(), Status::Frontline);
    assert_eq!(case.clock(), Some(Clock::Frontline(d("2026-12-14"))));

    let reason = Step::ExtendFrontline { reason_given: true };
    let case = case.apply(&reason, d("2026-12-08"), &c).unwrap();
    assert_eq!(case.clock(), Some(Clock::Frontline(d("2026-12-21"))));
    assert_eq!(
        case.apply(&reason, d("2026-12-09"), &c),
        Err(StepError::AlreadyExtended)
    );

    let case = case
        .apply(
            &Step::RespondFrontline {
                outcome: Outcome::NotUpheld,
            },
            d("2026-12-15"),
            &c,
        )
        .unwrap();
    assert_eq!(case.status(), Status::FrontlineClosed);
    assert_eq!(case.frontline_on_time(), Some(true));
    assert_eq!(case.clock(), None);

    let case = case.apply(&Step::Escalate, d("2026-12-17"), &c).unwrap();
    assert_eq!(case.status(), Status::Investigation);
    // Fri 18 (1), then Christmas: Tue 22 Dec is day 3.
    assert_eq!(case.clock(), Some(Clock::Acknowledge(d("2026-12-22"))));
    let case = case.apply(&Step::Acknowledge, d("2026-12-18"), &c).unwrap();
    let Some(Clock::Decision(due)) = case.clock() else {
        panic!("decision clock")
    };
    assert_eq!(
        case.apply(
            &Step::ExtendInvestigation {
                reason_given: true,
                new_due: due
            },
            d("2026-12-21"),
            &c
        ),
        Err(StepError::NewDateNotLater)
    );
    assert_eq!(
        case.apply(
            &Step::ExtendInvestigation {
                reason_given: true,
                new_due: d("2027-03-26")
            },
            d("2026-12-21"),
            &c
        ),
        Err(StepError::NewDateNotWorkingDay)
    );
    assert_eq!(
        case.apply(
            &Step::Decide {
                outcome: Outcome::Upheld,
                learning_given: false
            },
            d("2026-12-21"),
            &c
        ),
        Err(StepError::LearningRequired)
    );
    let case = case
        .apply(
            &Step::Decide {
                outcome: Outcome::PartlyUpheld,
                learning_given: true,
            },
            d("2027-01-08"),
            &c,
        )
        .unwrap();
    assert_eq!(case.status(), Status::Decided);
    assert_eq!(case.outcome(), Some(Outcome::PartlyUpheld));
    assert_eq!(case.investigation_on_time(), Some(true));
    assert!(case.allowed_steps().is_empty());
    assert_eq!(
        case.apply(&Step::Escalate, d("2027-01-09"), &c),
        Err(StepError::NotAllowed)
    );
}

#[test]
fn straight_to_stage_two_and_overdue() {
    let c = scotland();
    let case = Case::open(&c, d("2026-12-07"), true);
    assert_eq!(case.status(), Status::Investigation);
    assert!(case.frontline.is_none());
    assert_eq!(case.overdue(d("2026-12-10")), None);
    assert_eq!(
        case.overdue(d("2026-12-11")),
        Some(Clock::Acknowledge(d("2026-12-10")))
    );
    assert_eq!(
        case.apply(&Step::Acknowledge, d("2026-12-06"), &c),
        Err(StepError::BeforeStart)
    );
    assert_eq!(
        case.apply(
            &Step::RespondFrontline {
                outcome: Outcome::Resolved
            },
            d("2026-12-08"),
            &c
        ),
        Err(StepError::NotAllowed)
    );
}

fn any_date() -> impl Strategy<Value = Date> {
    // 2025 to 2028, the years the built-in calendar covers.
    (0i64..1_430).prop_map(|n| d("2025-01-01").add_days(n))
}

fn any_step() -> impl Strategy<Value = (Step, i64)> {
    let outcome = prop::sample::select(Outcome::ALL.to_vec());
    let step = prop_oneof![
        outcome
            .clone()
            .prop_map(|outcome| Step::RespondFrontline { outcome }),
        any::<bool>().prop_map(|reason_given| Step::ExtendFrontline { reason_given }),
        Just(Step::Escalate),
        Just(Step::Acknowledge),
        (any::<bool>(), 0i64..60).prop_map(|(reason_given, later)| {
            Step::ExtendInvestigation {
                reason_given,
                new_due: d("2025-01-01").add_days(later * 25),
            }
        }),
        (outcome, any::<bool>()).prop_map(|(outcome, learning_given)| Step::Decide {
            outcome,
            learning_given
        }),
    ];
    (step, 0i64..15)
}

proptest! {
    #[test]
    fn a_due_date_is_never_a_weekend_or_holiday(
        received in any_date(),
        investigation in any::<bool>(),
        extended in any::<bool>(),
    ) {
        let c = scotland();
        let stage = if investigation { Stage::Investigation } else { Stage::Frontline };
        if let Ok(due) = due_date(&c, received, stage, extended) {
            prop_assert!(c.is_working_day(due), "{due} is not a working day");
            prop_assert!(due > received);
        }
        prop_assert!(c.is_working_day(acknowledge_by(&c, received)));
        let case = Case::open(&c, received, investigation);
        if let Some(clock) = case.clock() {
            prop_assert!(c.is_working_day(clock.due()));
        }
    }

    #[test]
    fn extending_never_moves_a_date_earlier(received in any_date()) {
        let c = scotland();
        let plain = due_date(&c, received, Stage::Frontline, false).unwrap();
        let extended = due_date(&c, received, Stage::Frontline, true).unwrap();
        prop_assert!(extended > plain);
        prop_assert_eq!(c.working_days_between(received, extended), FRONTLINE_EXTENDED_DAYS);
    }

    /// Whatever steps are taken, on whatever days, a stage's due date
    /// never moves earlier and every clock falls on a working day.
    #[test]
    fn no_sequence_of_steps_moves_a_clock_earlier(
        received in any_date(),
        investigation in any::<bool>(),
        steps in prop::collection::vec(any_step(), 0..12),
    ) {
        let c = scotland();
        let mut case = Case::open(&c, received, investigation);
        let mut on = received;
        for (step, gap) in steps {
            on = on.add_days(gap);
            let Ok(next) = case.apply(&step, on, &c) else { continue };
            if let (Some(before), Some(after)) = (&case.frontline, &next.frontline) {
                prop_assert!(after.due >= before.due);
            }
            if let (Some(before), Some(after)) = (&case.investigation, &next.investigation) {
                prop_assert!(after.due >= before.due);
                prop_assert!(after.acknowledge_by == before.acknowledge_by);
            }
            if let Some(clock) = next.clock() {
                prop_assert!(c.is_working_day(clock.due()));
            }
            prop_assert!(next.status() != Status::Decided || next.outcome().is_some());
            case = next;
        }
    }
}

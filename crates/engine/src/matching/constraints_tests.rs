//! Tests of each hard constraint on its own, then all at once: the
//! volunteer and request from `fixtures` suit each other, and each test
//! bends one of them until a rule fails.

use super::*;
use crate::matching::fixtures::*;
use crate::matching::offer::{Booking, CapacityUnit, OfferKind, PvgCheck};
use crate::matching::request::When;
use crate::matching::time::{SlotId, WeeklyWindow};
use crate::matching::vocabulary::Gender;
use crate::schedule::Weekday;

fn unmet(request: &Request, offer: &Offer) -> Vec<Unmet> {
    check(request, offer, today(), &MatchingRules::default())
        .err()
        .unwrap_or_default()
}

fn fit(request: &Request, offer: &Offer) -> Fit {
    check(request, offer, today(), &MatchingRules::default()).unwrap()
}

fn gender(raw: &str) -> Gender {
    Gender::parse(raw).unwrap()
}

#[test]
fn the_plain_pair_fits() {
    let fit = fit(&shopping("r1", "ann"), &volunteer("jean"));
    assert!(fit.distance_metres < 1.0);
    assert_eq!(fit.slots.len(), 1);
    assert_eq!(fit.slots[0].time, window("10:00", "12:00"));
    assert_eq!(fit.slots[0].date, None);
    assert!(fit.facts.is_empty() && fit.cautions.is_empty());
}

#[test]
fn nobody_is_matched_with_their_own_offer() {
    assert_eq!(
        unmet(&shopping("r1", "jean"), &volunteer("jean")),
        [Unmet::OwnOffer]
    );
}

#[test]
fn the_offer_must_cover_the_category() {
    let mut request = shopping("r1", "ann");
    request.category = "gardening".into();
    assert_eq!(
        unmet(&request, &volunteer("jean")),
        [Unmet::Category {
            wanted: "gardening".into()
        }]
    );
}

#[test]
fn distance_must_suit_both_sides() {
    let mut far = volunteer("jean");
    far.location = east(6_000.0);
    assert_eq!(
        unmet(&shopping("r1", "ann"), &far),
        [Unmet::TooFar {
            metres: 6_000,
            offer_limit_metres: 5_000,
            requester_limit_metres: None
        }]
    );
    let mut near = volunteer("jean");
    near.location = east(3_000.0);
    let mut local_only = shopping("r1", "ann");
    local_only.max_distance_metres = Some(2_000);
    assert_eq!(
        unmet(&local_only, &near),
        [Unmet::TooFar {
            metres: 3_000,
            offer_limit_metres: 5_000,
            requester_limit_metres: Some(2_000)
        }]
    );
    local_only.max_distance_metres = Some(3_100);
    assert!(unmet(&local_only, &near).is_empty());
}

#[test]
fn commitment_preferences() {
    let mut one_off_only = volunteer("jean");
    one_off_only.preferences.commitment = Commitment::OneOffOnly;
    assert_eq!(
        unmet(&shopping("r1", "ann"), &one_off_only),
        [Unmet::WantsOneOffOnly]
    );
    assert!(unmet(&lift("r2", "ann"), &one_off_only).is_empty());
    let mut regular_only = volunteer("jean");
    regular_only.preferences.commitment = Commitment::RecurringOnly;
    assert_eq!(
        unmet(&lift("r2", "ann"), &regular_only),
        [Unmet::WantsRecurringOnly]
    );
}

#[test]
fn capacity_in_people_and_in_minutes() {
    let mut full = volunteer("jean");
    full.capacity.in_use = 3;
    assert_eq!(
        unmet(&shopping("r1", "ann"), &full),
        [Unmet::NoSpareCapacity {
            unit: CapacityUnit::People,
            spare: 0,
            needed: 1
        }]
    );
    let mut hours = volunteer("jean");
    hours.capacity.unit = CapacityUnit::MinutesPerWeek;
    hours.capacity.limit = 120;
    hours.capacity.in_use = 70;
    assert_eq!(
        unmet(&shopping("r1", "ann"), &hours),
        [Unmet::NoSpareCapacity {
            unit: CapacityUnit::MinutesPerWeek,
            spare: 50,
            needed: 60
        }]
    );
    hours.capacity.in_use = 60;
    assert!(unmet(&shopping("r1", "ann"), &hours).is_empty());
}

#[test]
fn a_vulnerable_adult_needs_a_pvg_check_current_throughout() {
    let mut request = shopping("r1", "ann");
    request.vulnerable_adult = true;
    let mut jean = volunteer("jean");
    assert_eq!(unmet(&request, &jean), [Unmet::NoPvgCheck]);
    // Open-ended help from 3 March is checked 91 days ahead, to 2 June.
    jean.pvg = Some(PvgCheck {
        valid_until: date("2026-06-01"),
    });
    assert_eq!(
        unmet(&request, &jean),
        [Unmet::PvgLapses {
            valid_until: date("2026-06-01"),
            needed_until: date("2026-06-02")
        }]
    );
    jean.pvg = Some(PvgCheck {
        valid_until: date("2026-06-02"),
    });
    assert_eq!(
        fit(&request, &jean).facts,
        [Reason::PvgValid {
            until: date("2026-06-02")
        }]
    );
    // Help with an end date is checked to that date.
    request.when = When::Weekly {
        windows: request.windows(),
        first: date("2026-03-03"),
        last: Some(date("2026-12-31")),
    };
    assert_eq!(
        unmet(&request, &jean),
        [Unmet::PvgLapses {
            valid_until: date("2026-06-02"),
            needed_until: date("2026-12-31")
        }]
    );
    // A one-off needs the check on its day only.
    let mut lift = lift("r2", "ann");
    lift.vulnerable_adult = true;
    jean.pvg = Some(PvgCheck {
        valid_until: date("2026-03-10"),
    });
    assert!(unmet(&lift, &jean).is_empty());
}

#[test]
fn a_lapsed_check_does_not_matter_to_others_and_is_not_shown() {
    let mut jean = volunteer("jean");
    jean.pvg = Some(PvgCheck {
        valid_until: date("2026-01-01"),
    });
    assert!(fit(&shopping("r1", "ann"), &jean).facts.is_empty());
}

#[test]
fn the_helper_must_speak_a_language_the_person_needs() {
    let mut request = shopping("r1", "ann");
    request.needs.languages = vec![language("pl"), language("ru")];
    let mut jean = volunteer("jean");
    assert_eq!(
        unmet(&request, &jean),
        [Unmet::Language {
            needed: vec![language("pl"), language("ru")]
        }]
    );
    jean.languages.push(language("RU"));
    assert_eq!(
        fit(&request, &jean).facts,
        [Reason::SpeaksLanguage {
            language: language("ru")
        }]
    );
}

#[test]
fn same_gender_needs_both_genders_stated_and_equal() {
    let mut request = shopping("r1", "ann");
    request.needs.same_gender_helper = true;
    let mut jean = volunteer("jean");
    jean.gender = Some(gender("woman"));
    assert_eq!(unmet(&request, &jean), [Unmet::RequesterGenderUnknown]);
    request.requester_gender = Some(gender("Woman"));
    assert_eq!(fit(&request, &jean).facts, [Reason::SameGender]);
    jean.gender = Some(gender("man"));
    assert_eq!(unmet(&request, &jean), [Unmet::NotSameGender]);
    jean.gender = None;
    assert_eq!(unmet(&request, &jean), [Unmet::NotSameGender]);
}

#[test]
fn a_volunteer_may_help_their_own_gender_only() {
    let mut jean = volunteer("jean");
    jean.gender = Some(gender("woman"));
    jean.preferences.same_gender_only = true;
    let mut request = shopping("r1", "ann");
    assert_eq!(unmet(&request, &jean), [Unmet::HelpsOwnGenderOnly]);
    request.requester_gender = Some(gender("man"));
    assert_eq!(unmet(&request, &jean), [Unmet::HelpsOwnGenderOnly]);
    request.requester_gender = Some(gender("woman"));
    assert!(unmet(&request, &jean).is_empty());
}

#[test]
fn wheelchair_access() {
    let mut request = shopping("r1", "ann");
    request.needs.wheelchair_access = true;
    let mut car = volunteer("jean");
    car.wheelchair = WheelchairAccess::NotAccessible;
    assert_eq!(unmet(&request, &car), [Unmet::NotWheelchairAccessible]);
    car.wheelchair = WheelchairAccess::Accessible;
    assert_eq!(fit(&request, &car).facts, [Reason::WheelchairAccessible]);
    car.wheelchair = WheelchairAccess::NotApplicable;
    assert!(fit(&request, &car).facts.is_empty());
}

#[test]
fn places_and_things_bring_nobody_so_person_rules_do_not_apply() {
    let mut request = shopping("r1", "ann");
    request.vulnerable_adult = true;
    request.needs.same_gender_helper = true;
    request.needs.languages = vec![language("pl")];
    let mut hall = volunteer("hall-trust");
    hall.kind = OfferKind::Place;
    assert!(unmet(&request, &hall).is_empty());
    hall.kind = OfferKind::Skill;
    assert_eq!(
        unmet(&request, &hall),
        [
            Unmet::NoPvgCheck,
            Unmet::Language {
                needed: vec![language("pl")]
            },
            Unmet::RequesterGenderUnknown
        ]
    );
}

#[test]
fn the_offer_must_stand_on_every_day_checked() {
    let mut term_time = volunteer("jean");
    term_time.availability.periods = vec![range("2026-01-05", "2026-04-30")];
    // Open-ended help from 3 March is checked to 2 June.
    assert_eq!(
        unmet(&shopping("r1", "ann"), &term_time),
        [Unmet::NotAvailableThen {
            needed: range("2026-03-03", "2026-06-02")
        }]
    );
    assert!(unmet(&lift("r2", "ann"), &term_time).is_empty());
    // With the summer term joined on, it stands, with a caution.
    term_time
        .availability
        .periods
        .push(range("2026-05-01", "2026-07-31"));
    assert_eq!(
        fit(&shopping("r1", "ann"), &term_time).cautions,
        [Reason::StandsUntil {
            last: date("2026-07-31")
        }]
    );
}

#[test]
fn days_away_rule_out_a_one_off_and_are_cover_for_weekly_help() {
    let mut jean = volunteer("jean");
    jean.availability.away = vec![range("2026-03-09", "2026-03-13")];
    assert_eq!(
        unmet(&lift("r2", "ann"), &jean),
        [Unmet::Away {
            dates: range("2026-03-09", "2026-03-13")
        }]
    );
    assert_eq!(
        fit(&shopping("r1", "ann"), &jean).cautions,
        [Reason::AwayDuring {
            dates: range("2026-03-09", "2026-03-13")
        }]
    );
    // A holiday already over is no caution.
    jean.availability.away = vec![range("2026-02-01", "2026-02-14")];
    assert!(fit(&shopping("r1", "ann"), &jean).cautions.is_empty());
}

#[test]
fn the_slot_must_overlap_a_window_for_the_length_of_the_help() {
    let mut request = shopping("r1", "ann");
    let mut jean = volunteer("jean");
    jean.availability.slots = vec![slot(1, Weekday::Wednesday, "10:00", "12:00")];
    assert_eq!(unmet(&request, &jean), [Unmet::NoCommonTime]);
    // Tuesday 11:30 to 13:00 shares only half an hour with 09:00–12:00.
    jean.availability.slots = vec![slot(1, Weekday::Tuesday, "11:30", "13:00")];
    assert_eq!(unmet(&request, &jean), [Unmet::NoCommonTime]);
    request.duration_minutes = 30;
    assert_eq!(fit(&request, &jean).slots[0].time, window("11:30", "12:00"));
}

#[test]
fn any_one_window_will_do_and_each_slot_takes_its_best() {
    let mut request = shopping("r1", "ann");
    request.when = When::Weekly {
        windows: vec![
            WeeklyWindow {
                day: Weekday::Thursday,
                time: window("14:00", "15:00"),
            },
            WeeklyWindow {
                day: Weekday::Thursday,
                time: window("09:00", "12:00"),
            },
        ],
        first: date("2026-03-03"),
        last: None,
    };
    let mut jean = volunteer("jean");
    jean.availability.slots = vec![
        slot(1, Weekday::Tuesday, "10:00", "12:00"),
        slot(2, Weekday::Thursday, "08:00", "17:00"),
    ];
    let fit = fit(&request, &jean);
    assert_eq!(fit.slots.len(), 1);
    assert_eq!(fit.slots[0].slot, SlotId(2));
    assert_eq!(fit.slots[0].time, window("09:00", "12:00"));
}

#[test]
fn booked_slots_are_not_offered_again() {
    let mut jean = volunteer("jean");
    jean.availability
        .slots
        .push(slot(2, Weekday::Tuesday, "09:00", "11:00"));
    jean.availability.bookings = vec![Booking {
        slot: SlotId(1),
        first: date("2026-01-06"),
        last: None,
    }];
    let fit = fit(&shopping("r1", "ann"), &jean);
    assert_eq!(fit.slots.len(), 1);
    assert_eq!(fit.slots[0].slot, SlotId(2));
    jean.availability.bookings.push(Booking {
        slot: SlotId(2),
        first: date("2026-03-10"),
        last: Some(date("2026-03-10")),
    });
    assert_eq!(unmet(&shopping("r1", "ann"), &jean), [Unmet::SlotsTaken]);
}

#[test]
fn a_one_off_only_clashes_with_bookings_on_its_day() {
    let mut jean = volunteer("jean");
    jean.availability.bookings = vec![
        Booking {
            slot: SlotId(1),
            first: date("2026-03-03"),
            last: Some(date("2026-03-03")),
        },
        Booking {
            slot: SlotId(1),
            first: date("2026-03-17"),
            last: None,
        },
    ];
    // 10 March falls between the two.
    assert_eq!(
        fit(&lift("r2", "ann"), &jean).slots[0].date,
        Some(date("2026-03-10"))
    );
    // Weekly help from 3 March clashes with both.
    assert_eq!(unmet(&shopping("r1", "ann"), &jean), [Unmet::SlotsTaken]);
    // A weekly booking that has ended is no clash.
    jean.availability.bookings = vec![Booking {
        slot: SlotId(1),
        first: date("2025-09-02"),
        last: Some(date("2026-02-24")),
    }];
    assert!(unmet(&shopping("r1", "ann"), &jean).is_empty());
}

#[test]
fn every_failed_rule_is_listed() {
    let mut request = shopping("r1", "ann");
    request.vulnerable_adult = true;
    request.category = "gardening".into();
    let mut jean = volunteer("jean");
    jean.location = east(9_000.0);
    jean.capacity.in_use = 5;
    jean.availability.slots.clear();
    assert_eq!(
        unmet(&request, &jean),
        [
            Unmet::Category {
                wanted: "gardening".into()
            },
            Unmet::TooFar {
                metres: 9_000,
                offer_limit_metres: 5_000,
                requester_limit_metres: None
            },
            Unmet::NoSpareCapacity {
                unit: CapacityUnit::People,
                spare: 0,
                needed: 1
            },
            Unmet::NoPvgCheck,
            Unmet::NoCommonTime,
        ]
    );
}

#[test]
fn help_whose_days_have_passed_suits_nobody() {
    let mut lift = lift("r2", "ann");
    lift.when = When::Once {
        date: date("2026-02-24"),
        window: window("10:00", "12:00"),
    };
    assert_eq!(unmet(&lift, &volunteer("jean")), [Unmet::DatesPassed]);
    let mut ended = shopping("r1", "ann");
    ended.when = When::Weekly {
        windows: ended.windows(),
        first: date("2026-01-06"),
        last: Some(date("2026-02-24")),
    };
    assert_eq!(unmet(&ended, &volunteer("jean")), [Unmet::DatesPassed]);
    // Weekly help that began before today still has its weeks ahead.
    let mut running = shopping("r1", "ann");
    running.when = When::Weekly {
        windows: running.windows(),
        first: date("2026-01-06"),
        last: None,
    };
    assert!(unmet(&running, &volunteer("jean")).is_empty());
}

//! Builders for tests: a small town, one volunteer who suits, and one
//! request she suits, which each test then bends out of shape.

use super::offer::{
    Availability, Capacity, CapacityUnit, Offer, OfferKind, OfferPreferences, WheelchairAccess,
};
use super::request::{Needs, Request, Urgency, When};
use super::time::{SlotId, TimeWindow, WeeklySlot, WeeklyWindow};
use super::vocabulary::Language;
use crate::place::Coordinates;
use crate::schedule::{Date, DateRange, Weekday};

/// Sunday 1 March 2026.
pub(crate) fn today() -> Date {
    date("2026-03-01")
}

pub(crate) fn date(raw: &str) -> Date {
    Date::parse(raw).unwrap()
}

pub(crate) fn range(first: &str, last: &str) -> DateRange {
    DateRange::new(date(first), date(last)).unwrap()
}

/// The middle of the town.
pub(crate) fn centre() -> Coordinates {
    Coordinates::new(55.07, -3.605).unwrap()
}

/// A point this many metres east of the centre.
pub(crate) fn east(metres: f64) -> Coordinates {
    let centre = centre();
    let metres_per_degree = 111_195.0 * centre.latitude.to_radians().cos();
    Coordinates::new(
        centre.latitude,
        centre.longitude + metres / metres_per_degree,
    )
    .unwrap()
}

pub(crate) fn window(start: &str, end: &str) -> TimeWindow {
    TimeWindow::parse(start, end).unwrap()
}

pub(crate) fn slot(id: u32, day: Weekday, start: &str, end: &str) -> WeeklySlot {
    WeeklySlot {
        id: SlotId(id),
        day,
        time: window(start, end),
    }
}

pub(crate) fn language(raw: &str) -> Language {
    Language::parse(raw).unwrap()
}

/// A volunteer in the centre who shops and befriends, free on Tuesdays
/// 10:00–12:00, travels 5 km, and can help three people.
pub(crate) fn volunteer(id: &str) -> Offer {
    Offer {
        id: format!("offer-{id}").as_str().into(),
        person: id.into(),
        kind: OfferKind::Time,
        categories: vec!["shopping".into(), "befriending".into()],
        location: centre(),
        max_distance_metres: 5_000,
        availability: Availability {
            slots: vec![slot(1, Weekday::Tuesday, "10:00", "12:00")],
            ..Availability::default()
        },
        capacity: Capacity {
            unit: CapacityUnit::People,
            limit: 3,
            in_use: 0,
        },
        preferences: OfferPreferences::default(),
        pvg: None,
        languages: vec![language("en")],
        gender: None,
        wheelchair: WheelchairAccess::NotApplicable,
    }
}

/// Weekly shopping for an hour on Tuesday mornings from 3 March 2026, in
/// the centre, with no end date.
pub(crate) fn shopping(id: &str, requester: &str) -> Request {
    Request {
        id: id.into(),
        requester: requester.into(),
        category: "shopping".into(),
        when: When::Weekly {
            windows: vec![WeeklyWindow {
                day: Weekday::Tuesday,
                time: window("09:00", "12:00"),
            }],
            first: date("2026-03-03"),
            last: None,
        },
        duration_minutes: 60,
        location: centre(),
        max_distance_metres: None,
        urgency: Urgency::Routine,
        needs: Needs::default(),
        requester_gender: None,
        vulnerable_adult: false,
    }
}

/// A lift on Tuesday 10 March 2026, some time from 10:00 to 12:00.
pub(crate) fn lift(id: &str, requester: &str) -> Request {
    Request {
        when: When::Once {
            date: date("2026-03-10"),
            window: window("10:00", "12:00"),
        },
        ..shopping(id, requester)
    }
}

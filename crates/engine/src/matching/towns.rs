//! Random small towns for property tests: offers and requests drawn so
//! that about one pair in five meets every rule, and the rest fail one or
//! several, which `properties` checks is so.

use proptest::prelude::*;

use super::history::{History, PastMatch};
use super::offer::{
    Availability, Booking, Capacity, CapacityUnit, Commitment, Offer, OfferKind, OfferPreferences,
    PvgCheck, WheelchairAccess,
};
use super::request::{Needs, Request, Urgency, When};
use super::time::{SlotId, TimeWindow, WeeklySlot, WeeklyWindow};
use super::vocabulary::{CategoryId, Gender, Language};
use crate::place::Coordinates;
use crate::schedule::{Date, DateRange, Weekday};

/// Sunday 1 March 2026, the day every town is seen from.
pub(crate) fn today() -> Date {
    Date::parse("2026-03-01").unwrap()
}

pub(crate) fn days_from_today(offset: i64) -> Date {
    today().add_days(offset)
}

fn weekday() -> impl Strategy<Value = Weekday> {
    prop::sample::select(vec![Weekday::Monday, Weekday::Tuesday])
}

/// Mornings into afternoons, in half-hour steps, two to five hours long:
/// close enough together that slots and windows often meet.
fn time_window() -> impl Strategy<Value = TimeWindow> {
    (16_u16..24, 4_u16..=10).prop_map(|(start, length)| TimeWindow {
        start: start * 30,
        end: (start + length) * 30,
    })
}

/// Within about 3 km of the centre.
fn place() -> impl Strategy<Value = Coordinates> {
    (-0.02_f64..0.02, -0.03_f64..0.03)
        .prop_map(|(north, east)| Coordinates::new(55.07 + north, -3.605 + east).unwrap())
}

fn date_range(starts: std::ops::Range<i64>, longest: i64) -> impl Strategy<Value = DateRange> {
    (starts, 0..longest).prop_map(|(start, length)| DateRange {
        first: days_from_today(start),
        last: days_from_today(start + length),
    })
}

fn category() -> impl Strategy<Value = CategoryId> {
    prop::sample::select(vec!["shopping", "befriending"]).prop_map(Into::into)
}

fn language() -> impl Strategy<Value = Language> {
    prop::sample::select(vec!["en", "pl", "gd"]).prop_map(|raw| Language::parse(raw).unwrap())
}

fn gender() -> impl Strategy<Value = Option<Gender>> {
    prop::option::of(prop::sample::select(vec!["woman", "man"]))
        .prop_map(|raw| raw.map(|raw| Gender::parse(raw).unwrap()))
}

fn maybe<T: std::fmt::Debug>(
    chance: f64,
    inner: impl Strategy<Value = T>,
) -> impl Strategy<Value = Option<T>> {
    prop::option::weighted(chance, inner)
}

fn availability() -> impl Strategy<Value = Availability> {
    (
        prop::collection::vec((weekday(), time_window()), 1..=3),
        maybe(0.2, prop::collection::vec(date_range(-30..30, 300), 1..=2)),
        maybe(0.3, date_range(0..60, 14)),
        prop::collection::vec((0_u32..3, -30_i64..60, maybe(0.5, 0_i64..60)), 0..=1),
    )
        .prop_map(|(slots, periods, away, bookings)| Availability {
            slots: slots
                .into_iter()
                .zip(0..)
                .map(|((day, time), id)| WeeklySlot {
                    id: SlotId(id),
                    day,
                    time,
                })
                .collect(),
            periods: periods.unwrap_or_default(),
            away: away.into_iter().collect(),
            bookings: bookings
                .into_iter()
                .map(|(slot, start, length)| Booking {
                    slot: SlotId(slot),
                    first: days_from_today(start),
                    last: length.map(|length| days_from_today(start + length)),
                })
                .collect(),
        })
}

fn capacity() -> impl Strategy<Value = Capacity> {
    prop_oneof![
        (1_u32..=3, prop::bool::weighted(0.3)).prop_map(|(limit, in_use)| Capacity {
            unit: CapacityUnit::People,
            limit,
            in_use: u32::from(in_use),
        }),
        (3_u32..=8, 0_u32..=2).prop_map(|(limit, in_use)| Capacity {
            unit: CapacityUnit::MinutesPerWeek,
            limit: limit * 30,
            in_use: in_use * 30,
        }),
    ]
}

pub(crate) fn offer(index: usize) -> impl Strategy<Value = Offer> {
    (
        (
            prop::sample::select(vec![
                OfferKind::Time,
                OfferKind::Time,
                OfferKind::Skill,
                OfferKind::Place,
                OfferKind::Thing,
            ]),
            prop::collection::vec(category(), 1..=3),
            place(),
            2_000_u32..9_000,
        ),
        availability(),
        capacity(),
        (
            prop::bool::weighted(0.1),
            prop::sample::select(vec![
                Commitment::Either,
                Commitment::Either,
                Commitment::Either,
                Commitment::Either,
                Commitment::OneOffOnly,
                Commitment::RecurringOnly,
            ]),
        ),
        maybe(0.7, -30_i64..900),
        prop::collection::vec(language(), 0..=2),
        gender(),
        prop::sample::select(vec![
            WheelchairAccess::Accessible,
            WheelchairAccess::NotAccessible,
            WheelchairAccess::NotApplicable,
        ]),
    )
        .prop_map(
            move |(
                (kind, categories, location, reach),
                availability,
                capacity,
                (same_gender_only, commitment),
                pvg,
                languages,
                gender,
                wheelchair,
            )| Offer {
                id: format!("offer-{index}").as_str().into(),
                person: format!("p{index}").as_str().into(),
                kind,
                categories,
                location,
                max_distance_metres: reach,
                availability,
                capacity,
                preferences: OfferPreferences {
                    same_gender_only,
                    commitment,
                },
                pvg: pvg.map(|offset| PvgCheck {
                    valid_until: days_from_today(offset),
                }),
                languages,
                gender,
                wheelchair,
            },
        )
}

fn when() -> impl Strategy<Value = When> {
    prop_oneof![
        // The week before Monday 2 March 2026 (already past) and the weeks after,
        // on the days slots use.
        (-1_i64..6, prop::bool::ANY, time_window()).prop_map(|(week, tuesday, window)| {
            When::Once {
                date: days_from_today(1 + 7 * week + i64::from(tuesday)),
                window,
            }
        }),
        (
            prop::collection::vec((weekday(), time_window()), 1..=2),
            -10_i64..30,
            maybe(0.5, 20_i64..200),
        )
            .prop_map(|(windows, start, length)| When::Weekly {
                windows: windows
                    .into_iter()
                    .map(|(day, time)| WeeklyWindow { day, time })
                    .collect(),
                first: days_from_today(start),
                last: length.map(|length| days_from_today(start + length)),
            }),
    ]
}

pub(crate) fn request(index: usize) -> impl Strategy<Value = Request> {
    (
        (
            prop::sample::select(vec!["ann", "bill", "cat", "p0"]),
            prop::sample::select(vec!["shopping", "shopping", "befriending"]).prop_map(Into::into),
            when(),
            1_u16..=3,
            place(),
            maybe(0.3, 1_000_u32..9_000),
        ),
        prop::sample::select(vec![Urgency::Routine, Urgency::Soon, Urgency::Urgent]),
        (
            maybe(0.2, prop::collection::vec(language(), 1..=2)),
            prop::bool::weighted(0.15),
            prop::bool::weighted(0.15),
        ),
        gender(),
        prop::bool::weighted(0.2),
    )
        .prop_map(
            move |(
                (requester, category, when, half_hours, location, reach),
                urgency,
                (languages, same_gender_helper, wheelchair_access),
                requester_gender,
                vulnerable_adult,
            )| Request {
                id: format!("request-{index}").as_str().into(),
                requester: requester.into(),
                category,
                when,
                duration_minutes: half_hours * 30,
                location,
                max_distance_metres: reach,
                urgency,
                needs: Needs {
                    languages: languages.unwrap_or_default(),
                    same_gender_helper,
                    wheelchair_access,
                },
                requester_gender,
                vulnerable_adult,
            },
        )
}

pub(crate) fn offers(most: usize) -> impl Strategy<Value = Vec<Offer>> {
    (0..=most).prop_flat_map(|count| (0..count).map(offer).collect::<Vec<_>>())
}

pub(crate) fn requests(most: usize) -> impl Strategy<Value = Vec<Request>> {
    (0..=most).prop_flat_map(|count| (0..count).map(request).collect::<Vec<_>>())
}

pub(crate) fn history() -> impl Strategy<Value = History> {
    prop::collection::vec(
        (
            prop::sample::select(vec!["ann", "bill"]),
            0_usize..4,
            -100_i64..0,
        ),
        0..4,
    )
    .prop_map(|rows| {
        rows.iter()
            .map(|(requester, helper, offset)| PastMatch {
                requester: (*requester).into(),
                helper: format!("p{helper}").as_str().into(),
                on: days_from_today(*offset),
            })
            .collect::<Vec<_>>()
            .iter()
            .collect()
    })
}

//! What people offer: their time or a skill, a place or a thing, with when,
//! how far and how much.

use serde::{Deserialize, Serialize};

use super::time::{SlotId, WeeklySlot, has_weekday_between, shared_days};
use super::vocabulary::{CategoryId, Gender, Language, OfferId, PersonId};
use crate::place::Coordinates;
use crate::schedule::{Date, DateRange};

/// The four sorts of thing people offer. Time and skills bring a person into
/// contact with whoever is helped, which is why safeguarding and same-gender
/// rules apply to them and not to a hall or a lent wheelchair. A minibus that
/// comes with its driver is the driver's offer of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    /// Time to help: shopping, visiting, lifts.
    Time,
    /// A particular skill: form-filling, gardening, a language.
    Skill,
    /// A room or a hall.
    Place,
    /// Equipment or a vehicle.
    Thing,
}

impl OfferKind {
    /// Whether taking up the offer puts its person alongside the one helped.
    pub fn brings_a_person(self) -> bool {
        matches!(self, OfferKind::Time | OfferKind::Skill)
    }
}

/// How an offer's capacity is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CapacityUnit {
    /// People helped (or, for a place, bookings held) at once; each request
    /// takes one.
    People,
    /// Minutes of help a week; each request takes its length.
    MinutesPerWeek,
}

/// How much an offer can take on, and how much it already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Capacity {
    pub unit: CapacityUnit,
    /// The most the person is willing to take on.
    pub limit: u32,
    /// What they are already committed to, in the same unit. It can exceed
    /// the limit when someone lowers their limit after agreeing to help.
    pub in_use: u32,
}

impl Capacity {
    /// What is left before the limit.
    pub fn spare(&self) -> u32 {
        self.limit.saturating_sub(self.in_use)
    }

    /// How much of the capacity one piece of help of this length takes.
    pub fn needed_for(&self, duration_minutes: u16) -> u32 {
        match self.unit {
            CapacityUnit::People => 1,
            CapacityUnit::MinutesPerWeek => u32::from(duration_minutes),
        }
    }

    /// The share of the limit still free, from 0 to 1.
    pub fn share_free(&self) -> f64 {
        if self.limit == 0 {
            0.0
        } else {
            f64::from(self.spare()) / f64::from(self.limit)
        }
    }
}

/// A slot already promised to someone: from `first` to `last` for a weekly
/// commitment (open-ended when `last` is `None`), or one day for a one-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Booking {
    pub slot: SlotId,
    pub first: Date,
    pub last: Option<Date>,
}

/// When an offer can be taken up.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Availability {
    /// The weekly slots given.
    pub slots: Vec<WeeklySlot>,
    /// The dates the offer stands (a term, a summer); empty means always.
    pub periods: Vec<DateRange>,
    /// Holidays and other days away. They rule out one-off help on those
    /// days; for weekly help they are gaps someone must cover, not a reason
    /// to look elsewhere.
    pub away: Vec<DateRange>,
    /// Slots already taken.
    pub bookings: Vec<Booking>,
}

impl Availability {
    /// Whether the periods, taken together, cover every day from `first` to
    /// `last`. Adjacent periods join up, so "January" and "February" cover
    /// a span that crosses the month end.
    pub fn stands_throughout(&self, first: Date, last: Date) -> bool {
        self.periods.is_empty() || self.covered_from(first).is_some_and(|until| until >= last)
    }

    /// The last day the offer stands without a break from `date`, once
    /// periods are joined up; `None` when it stands indefinitely (no
    /// periods) or not on `date` at all.
    pub fn stands_until(&self, date: Date) -> Option<Date> {
        self.covered_from(date)
    }

    fn covered_from(&self, date: Date) -> Option<Date> {
        let mut periods: Vec<DateRange> = self
            .periods
            .iter()
            .copied()
            .filter(|period| !period.is_empty() && period.last >= date)
            .collect();
        periods.sort_by_key(|period| period.first);
        let mut covered_until: Option<Date> = None;
        for period in periods {
            let joins = match covered_until {
                None => period.first <= date,
                Some(until) => period.first <= until.next_day(),
            };
            if !joins {
                break;
            }
            covered_until = Some(covered_until.map_or(period.last, |until| until.max(period.last)));
        }
        covered_until
    }

    /// Whether a booking already holds `slot` on some day from `first` to
    /// `last` (open-ended when `None`) that falls on the slot's weekday.
    pub fn is_booked(&self, slot: &WeeklySlot, (first, last): (Date, Option<Date>)) -> bool {
        self.bookings
            .iter()
            .filter(|booking| booking.slot == slot.id)
            .filter_map(|booking| shared_days((booking.first, booking.last), (first, last)))
            .any(|(first, last)| has_weekday_between(first, last, slot.day))
    }
}

/// Whether a volunteer wants one-off jobs, a regular commitment, or either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Commitment {
    #[default]
    Either,
    OneOffOnly,
    RecurringOnly,
}

/// What the person offering has asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct OfferPreferences {
    /// Only help people who have stated the same gender as the volunteer.
    pub same_gender_only: bool,
    pub commitment: Commitment,
}

/// A Protecting Vulnerable Groups scheme membership, recorded with the day
/// it stops being current (five years after issue).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PvgCheck {
    /// The last day the check is current.
    pub valid_until: Date,
}

/// Whether someone using a wheelchair can take up the offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WheelchairAccess {
    /// A step-free hall, a car or minibus that takes a wheelchair.
    Accessible,
    NotAccessible,
    /// The help happens where the person already is (a visit at home, a
    /// phone call), so access is not the offer's to give.
    NotApplicable,
}

/// One offer, as the matcher needs it. Exact addresses are not here: the
/// engine needs only coordinates (a postcode's centre is close enough).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Offer {
    pub id: OfferId,
    /// The volunteer, or the steward of the place or thing.
    pub person: PersonId,
    pub kind: OfferKind,
    /// Taxonomy terms the offer helps with. A volunteer with several skills
    /// is best recorded as one offer with several categories, so that their
    /// time and capacity are counted once.
    pub categories: Vec<CategoryId>,
    /// Where the volunteer sets out from, or where the place or thing is.
    pub location: Coordinates,
    /// How far the volunteer will travel, or how far from the place or thing
    /// the offer is open to people.
    pub max_distance_metres: u32,
    pub availability: Availability,
    pub capacity: Capacity,
    pub preferences: OfferPreferences,
    pub pvg: Option<PvgCheck>,
    /// Languages the volunteer can help in.
    pub languages: Vec<Language>,
    /// Only if the volunteer has chosen to say.
    pub gender: Option<Gender>,
    pub wheelchair: WheelchairAccess,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(raw: &str) -> Date {
        Date::parse(raw).unwrap()
    }

    fn range(first: &str, last: &str) -> DateRange {
        DateRange::new(date(first), date(last)).unwrap()
    }

    fn with_periods(periods: Vec<DateRange>) -> Availability {
        Availability {
            periods,
            ..Availability::default()
        }
    }

    #[test]
    fn no_periods_means_always() {
        let always = with_periods(vec![]);
        assert!(always.stands_throughout(date("2026-01-01"), date("2030-01-01")));
        assert_eq!(always.stands_until(date("2026-01-01")), None);
    }

    #[test]
    fn adjacent_periods_join_up() {
        let winter = with_periods(vec![
            range("2026-02-01", "2026-02-28"),
            range("2026-01-01", "2026-01-31"),
            range("2026-04-01", "2026-04-30"),
        ]);
        assert!(winter.stands_throughout(date("2026-01-20"), date("2026-02-10")));
        assert!(!winter.stands_throughout(date("2026-02-20"), date("2026-03-02")));
        assert!(!winter.stands_throughout(date("2025-12-31"), date("2026-01-02")));
        assert!(winter.stands_throughout(date("2026-04-02"), date("2026-04-02")));
        assert_eq!(
            winter.stands_until(date("2026-01-05")),
            Some(date("2026-02-28"))
        );
        assert_eq!(winter.stands_until(date("2026-03-05")), None);
    }

    #[test]
    fn overlapping_periods_join_up() {
        let terms = with_periods(vec![
            range("2026-01-01", "2026-03-31"),
            range("2026-03-01", "2026-06-30"),
        ]);
        assert!(terms.stands_throughout(date("2026-02-01"), date("2026-06-30")));
        assert!(!terms.stands_throughout(date("2026-02-01"), date("2026-07-01")));
    }

    #[test]
    fn capacity_in_people_and_minutes() {
        let people = Capacity {
            unit: CapacityUnit::People,
            limit: 4,
            in_use: 1,
        };
        assert_eq!(people.spare(), 3);
        assert_eq!(people.needed_for(90), 1);
        assert!((people.share_free() - 0.75).abs() < 1e-9);
        let minutes = Capacity {
            unit: CapacityUnit::MinutesPerWeek,
            limit: 120,
            in_use: 150,
        };
        assert_eq!(minutes.spare(), 0);
        assert_eq!(minutes.needed_for(90), 90);
        let none = Capacity {
            unit: CapacityUnit::People,
            limit: 0,
            in_use: 0,
        };
        assert!(none.share_free().abs() < 1e-9);
    }
}

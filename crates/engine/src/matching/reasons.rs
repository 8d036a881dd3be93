//! Why a helper was proposed, and why another was not, as data a page can
//! render in any language, with the plain English the engine writes itself.
//!
//! A coordinator trusts a proposal they can check ("2.1 km away · free
//! Tuesdays 10:00–12:00 · PVG valid to 14 March 2028") and needs a straight
//! answer to "why not Jean?", so every exclusion names each rule it failed.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::offer::CapacityUnit;
use super::time::{SlotId, TimeWindow};
use super::vocabulary::{CategoryId, Language};
use crate::plain;
use crate::schedule::{Date, DateRange, Weekday};

/// A slot that suits the request: when the helper is free and the person
/// can be helped. `date` is set for one-off help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SlotFit {
    pub slot: SlotId,
    pub day: Weekday,
    pub date: Option<Date>,
    /// The time the slot and the person's window share.
    pub time: TimeWindow,
}

/// A fact in a candidate's favour, or a caution the coordinator should see.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    Distance {
        metres: u32,
    },
    Free(SlotFit),
    SpareCapacity {
        unit: CapacityUnit,
        spare: u32,
        limit: u32,
    },
    PvgValid {
        until: Date,
    },
    SpeaksLanguage {
        language: Language,
    },
    SameGender,
    WheelchairAccessible,
    HelpedBefore {
        last: Date,
    },
    LastMatched {
        on: Date,
    },
    /// The helper's latest match is agreed but starts after today.
    MatchStarting {
        on: Date,
    },
    /// The helper has agreed to help this person, starting after today.
    HelpingFrom {
        first: Date,
    },
    NotMatchedYet,
    /// A caution: the helper is away during weekly help, so someone must
    /// cover those weeks.
    AwayDuring {
        dates: DateRange,
    },
    /// A caution: the offer stands only until this day, before the weekly
    /// help ends.
    StandsUntil {
        last: Date,
    },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Distance { metres } => write!(f, "{} away", plain::distance(*metres)),
            Reason::Free(fit) => match fit.date {
                Some(date) => write!(
                    f,
                    "free on {} {}, {}",
                    plain::weekday(fit.day),
                    plain::date(date),
                    fit.time
                ),
                None => write!(f, "free {}s {}", plain::weekday(fit.day), fit.time),
            },
            Reason::SpareCapacity { unit, spare, limit } => match unit {
                CapacityUnit::People => {
                    let noun = if *spare == 1 { "person" } else { "people" };
                    write!(f, "room for {spare} more {noun} (of {limit})")
                }
                CapacityUnit::MinutesPerWeek => write!(
                    f,
                    "{} a week to spare (of {})",
                    plain::minutes((*spare).into()),
                    plain::minutes((*limit).into())
                ),
            },
            Reason::PvgValid { until } => write!(f, "PVG valid to {}", plain::date(*until)),
            Reason::SpeaksLanguage { language } => write!(f, "speaks {language}"),
            Reason::SameGender => f.write_str("same gender, as asked"),
            Reason::WheelchairAccessible => f.write_str("wheelchair accessible"),
            Reason::HelpedBefore { last } => {
                write!(
                    f,
                    "helped this person before (last on {})",
                    plain::date(*last)
                )
            }
            Reason::LastMatched { on } => write!(f, "last matched on {}", plain::date(*on)),
            Reason::MatchStarting { on } => {
                write!(f, "already matched, starting {}", plain::date(*on))
            }
            Reason::HelpingFrom { first } => {
                write!(f, "agreed to help this person from {}", plain::date(*first))
            }
            Reason::NotMatchedYet => f.write_str("not matched with anyone yet"),
            Reason::AwayDuring { dates } => write!(
                f,
                "away {} to {}: cover needed",
                plain::date(dates.first),
                plain::date(dates.last)
            ),
            Reason::StandsUntil { last } => {
                write!(f, "available only until {}", plain::date(*last))
            }
        }
    }
}

/// A rule an offer fails for a request.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Unmet {
    /// The offer is the requester's own.
    OwnOffer,
    Category {
        wanted: CategoryId,
    },
    TooFar {
        metres: u32,
        /// How far the helper will travel, or the place serves.
        offer_limit_metres: u32,
        /// How far the person asking will go, or how local they want help.
        requester_limit_metres: Option<u32>,
    },
    /// The volunteer wants one-off jobs and this is weekly help.
    WantsOneOffOnly,
    /// The volunteer wants a weekly commitment and this is a one-off.
    WantsRecurringOnly,
    NoSpareCapacity {
        unit: CapacityUnit,
        spare: u32,
        needed: u32,
    },
    NoPvgCheck,
    PvgLapses {
        valid_until: Date,
        needed_until: Date,
    },
    Language {
        needed: Vec<Language>,
    },
    /// A same-gender helper was asked for, but the person's gender is not
    /// recorded, so no helper can be shown to meet it.
    RequesterGenderUnknown,
    NotSameGender,
    /// The volunteer helps people of their own gender only, and this
    /// person's gender is different or not recorded.
    HelpsOwnGenderOnly,
    NotWheelchairAccessible,
    /// Every day of the help is before today (or a weekly request ends
    /// before it starts), so no offer can meet it.
    DatesPassed,
    /// The offer does not stand on every day the help needs.
    NotAvailableThen {
        needed: DateRange,
    },
    /// The helper is away on the day of one-off help.
    Away {
        dates: DateRange,
    },
    /// No slot overlaps a time the person can be helped for long enough.
    NoCommonTime,
    /// Slots fit, but every one is already booked then.
    SlotsTaken,
}

impl fmt::Display for Unmet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unmet::OwnOffer => f.write_str("this is the requester's own offer"),
            Unmet::Category { wanted } => write!(f, "does not offer {wanted}"),
            Unmet::TooFar {
                metres,
                offer_limit_metres,
                requester_limit_metres,
            } => {
                let away = plain::distance(*metres);
                if metres > offer_limit_metres {
                    write!(
                        f,
                        "{away} away, beyond the offer's {}",
                        plain::distance(*offer_limit_metres)
                    )
                } else {
                    let theirs = requester_limit_metres.unwrap_or(*offer_limit_metres);
                    write!(
                        f,
                        "{away} away, beyond the {} the person asked for",
                        plain::distance(theirs)
                    )
                }
            }
            Unmet::WantsOneOffOnly => {
                f.write_str("wants one-off jobs only, not a weekly commitment")
            }
            Unmet::WantsRecurringOnly => f.write_str("wants a weekly commitment, not one-off jobs"),
            Unmet::NoSpareCapacity {
                unit,
                spare,
                needed,
            } => match unit {
                CapacityUnit::People => write!(f, "no room for another person ({spare} spare)"),
                CapacityUnit::MinutesPerWeek => write!(
                    f,
                    "only {} a week to spare, {} needed",
                    plain::minutes((*spare).into()),
                    plain::minutes((*needed).into())
                ),
            },
            Unmet::NoPvgCheck => {
                f.write_str("no PVG check recorded, and the person is a vulnerable adult")
            }
            Unmet::PvgLapses {
                valid_until,
                needed_until,
            } => write!(
                f,
                "PVG valid only to {}, and the help runs to {}",
                plain::date(*valid_until),
                plain::date(*needed_until)
            ),
            Unmet::Language { needed } => {
                let names: Vec<&str> = needed.iter().map(Language::as_str).collect();
                write!(f, "does not speak {}", names.join(" or "))
            }
            Unmet::RequesterGenderUnknown => f.write_str(
                "a same-gender helper was asked for, but the person's gender is not recorded",
            ),
            Unmet::NotSameGender => f.write_str("not the same gender, which the person asked for"),
            Unmet::HelpsOwnGenderOnly => f.write_str("helps people of their own gender only"),
            Unmet::NotWheelchairAccessible => f.write_str("not wheelchair accessible"),
            Unmet::DatesPassed => f.write_str("the days this help was wanted have passed"),
            Unmet::NotAvailableThen { needed } => write!(
                f,
                "not available for every day from {} to {}",
                plain::date(needed.first),
                plain::date(needed.last)
            ),
            Unmet::Away { dates } => write!(
                f,
                "away from {} to {}",
                plain::date(dates.first),
                plain::date(dates.last)
            ),
            Unmet::NoCommonTime => f.write_str("not free at any time the person can be helped"),
            Unmet::SlotsTaken => f.write_str("already booked at every time that would suit"),
        }
    }
}

/// Items joined with " · ", the way a page lists them on one line.
pub fn one_line<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" · ")
}

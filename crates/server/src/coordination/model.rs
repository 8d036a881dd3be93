//! The records co-delivery stores, and the small vocabularies (channels,
//! statuses) their columns hold. Offers and requests turn into the
//! engine's own types here, so the matcher sees exactly what was stored.

use coprod_engine::{
    matching::{
        Availability, Booking, Capacity, CapacityUnit, CategoryId, Commitment, Gender, Language,
        Needs, Offer, OfferKind, OfferPreferences, PersonId, PvgCheck, Reason, Request, RequestId,
        SlotId, TimeWindow, Urgency, WeeklySlot, WeeklyWindow, WheelchairAccess, When,
    },
    place::Coordinates,
    schedule::{Date, DateRange, Weekday, uk_local},
};
use serde::{Serialize, de::DeserializeOwned};

use crate::db;

/// How a record reached the service: the person themselves online, or a
/// member of staff on their behalf from a call, a paper form or a visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Online,
    Phone,
    Paper,
    InPerson,
}

impl Channel {
    /// The channels staff can record for someone else.
    pub const ON_BEHALF: [Channel; 3] = [Channel::Phone, Channel::Paper, Channel::InPerson];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Phone => "phone",
            Channel::Paper => "paper",
            Channel::InPerson => "in_person",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            Channel::Online,
            Channel::Phone,
            Channel::Paper,
            Channel::InPerson,
        ]
        .into_iter()
        .find(|c| c.as_str() == raw)
    }

    /// The catalogue key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            Channel::Online => "coordination.channel.online",
            Channel::Phone => "coordination.channel.phone",
            Channel::Paper => "coordination.channel.paper",
            Channel::InPerson => "coordination.channel.in_person",
        }
    }
}

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchStatus {
    /// Waiting for the volunteer's answer.
    Proposed,
    /// Agreed: contact details are shared and the help goes ahead.
    Accepted,
    Declined,
    /// Taken back by a coordinator before it was agreed.
    Withdrawn,
    /// One-off help that happened.
    Done,
    /// One-off help that did not happen.
    NotDone,
    /// Weekly help that has come to an end.
    Ended,
}

impl MatchStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchStatus::Proposed => "proposed",
            MatchStatus::Accepted => "accepted",
            MatchStatus::Declined => "declined",
            MatchStatus::Withdrawn => "withdrawn",
            MatchStatus::Done => "done",
            MatchStatus::NotDone => "not_done",
            MatchStatus::Ended => "ended",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            MatchStatus::Proposed,
            MatchStatus::Accepted,
            MatchStatus::Declined,
            MatchStatus::Withdrawn,
            MatchStatus::Done,
            MatchStatus::NotDone,
            MatchStatus::Ended,
        ]
        .into_iter()
        .find(|s| s.as_str() == raw)
    }

    /// Proposed or agreed: the match holds its slot.
    pub fn is_live(self) -> bool {
        matches!(self, MatchStatus::Proposed | MatchStatus::Accepted)
    }

    /// Whether both sides have agreed, so each may see the other's contact
    /// details (and the helper the exact address).
    pub fn was_agreed(self) -> bool {
        matches!(
            self,
            MatchStatus::Accepted | MatchStatus::Done | MatchStatus::NotDone | MatchStatus::Ended
        )
    }

    pub fn label_key(self) -> &'static str {
        match self {
            MatchStatus::Proposed => "coordination.match_status.proposed",
            MatchStatus::Accepted => "coordination.match_status.accepted",
            MatchStatus::Declined => "coordination.match_status.declined",
            MatchStatus::Withdrawn => "coordination.match_status.withdrawn",
            MatchStatus::Done => "coordination.match_status.done",
            MatchStatus::NotDone => "coordination.match_status.not_done",
            MatchStatus::Ended => "coordination.match_status.ended",
        }
    }
}

/// What became of one day's help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OccurrenceStatus {
    Planned,
    Done,
    /// It was due and did not happen.
    Missed,
    /// Called off beforehand.
    Cancelled,
}

impl OccurrenceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OccurrenceStatus::Planned => "planned",
            OccurrenceStatus::Done => "done",
            OccurrenceStatus::Missed => "missed",
            OccurrenceStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            OccurrenceStatus::Planned,
            OccurrenceStatus::Done,
            OccurrenceStatus::Missed,
            OccurrenceStatus::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str() == raw)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            OccurrenceStatus::Planned => "coordination.occurrence_status.planned",
            OccurrenceStatus::Done => "coordination.occurrence_status.done",
            OccurrenceStatus::Missed => "coordination.occurrence_status.missed",
            OccurrenceStatus::Cancelled => "coordination.occurrence_status.cancelled",
        }
    }
}

/// A person who offers or asks for help.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: i64,
    pub account_id: Option<i64>,
    /// The organisation holding the record (`None`: the partnership).
    pub organisation_id: Option<i64>,
    pub display_name: String,
    pub phone: String,
    pub email: Option<String>,
    pub gender: Option<String>,
    pub pays_own_time: bool,
    pub channel: Channel,
    pub created_at: i64,
}

/// An offer as stored, with its categories, slots and days away.
#[derive(Debug, Clone)]
pub struct OfferRecord {
    pub id: i64,
    pub person_id: i64,
    pub kind: OfferKind,
    pub description: String,
    pub postcode: String,
    pub location: Coordinates,
    pub max_distance_metres: u32,
    pub capacity_unit: CapacityUnit,
    pub capacity_limit: u32,
    pub commitment: Commitment,
    pub same_gender_only: bool,
    pub languages: Vec<Language>,
    pub wheelchair: WheelchairAccess,
    pub stands: Option<DateRange>,
    pub open: bool,
    pub channel: Channel,
    pub created_at: i64,
    pub categories: Vec<String>,
    pub slots: Vec<WeeklySlot>,
    /// (id, dates) of each spell away.
    pub away: Vec<(i64, DateRange)>,
}

/// What the engine needs about an offer besides the offer itself.
#[derive(Debug, Clone, Default)]
pub struct OfferLoad {
    pub bookings: Vec<Booking>,
    pub in_use: u32,
    pub pvg_until: Option<Date>,
    pub gender: Option<Gender>,
}

impl OfferRecord {
    /// The offer as the matcher sees it.
    pub fn to_engine(&self, load: OfferLoad) -> Offer {
        Offer {
            id: self.id.to_string().as_str().into(),
            person: PersonId(self.person_id.to_string()),
            kind: self.kind,
            categories: self
                .categories
                .iter()
                .map(|c| CategoryId(c.clone()))
                .collect(),
            location: self.location,
            max_distance_metres: self.max_distance_metres,
            availability: Availability {
                slots: self.slots.clone(),
                periods: self.stands.into_iter().collect(),
                away: self.away.iter().map(|(_, dates)| *dates).collect(),
                bookings: load.bookings,
            },
            capacity: Capacity {
                unit: self.capacity_unit,
                limit: self.capacity_limit,
                in_use: load.in_use,
            },
            preferences: OfferPreferences {
                same_gender_only: self.same_gender_only,
                commitment: self.commitment,
            },
            pvg: load.pvg_until.map(|valid_until| PvgCheck { valid_until }),
            languages: self.languages.clone(),
            gender: load.gender,
            wheelchair: self.wheelchair,
        }
    }

    /// The slot with this number.
    pub fn slot(&self, slot_no: u32) -> Option<&WeeklySlot> {
        self.slots.iter().find(|s| s.id == SlotId(slot_no))
    }
}

/// A request as stored, with the windows the person can be helped in.
#[derive(Debug, Clone)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "the flags are the independent yes-or-no questions a request answers"
)]
pub struct RequestRecord {
    pub id: i64,
    pub person_id: i64,
    /// The organisation holding the person's record (`None`: the
    /// partnership itself); it decides which coordinators reach it.
    pub holder: Option<i64>,
    pub category: String,
    pub description: String,
    pub recurring: bool,
    pub first_date: Date,
    pub last_date: Option<Date>,
    pub duration_minutes: u16,
    pub postcode: String,
    pub location: Coordinates,
    pub address: String,
    pub max_distance_metres: Option<u32>,
    pub urgency: Urgency,
    pub languages: Vec<Language>,
    pub same_gender_helper: bool,
    pub wheelchair_access: bool,
    pub vulnerable_adult: bool,
    pub status: String,
    pub channel: Channel,
    pub created_at: i64,
    pub windows: Vec<WeeklyWindow>,
}

impl RequestRecord {
    /// When help is wanted, in the engine's terms.
    pub fn when(&self) -> When {
        if self.recurring {
            When::Weekly {
                windows: self.windows.clone(),
                first: self.first_date,
                last: self.last_date,
            }
        } else {
            let window = self.windows.first().map_or(
                TimeWindow {
                    start: 0,
                    end: 1_440,
                },
                |w| w.time,
            );
            When::Once {
                date: self.first_date,
                window,
            }
        }
    }

    /// The request as the matcher sees it; `gender` is the requester's.
    pub fn to_engine(&self, gender: Option<Gender>) -> Request {
        Request {
            id: RequestId(self.id.to_string()),
            requester: PersonId(self.person_id.to_string()),
            category: CategoryId(self.category.clone()),
            when: self.when(),
            duration_minutes: self.duration_minutes,
            location: self.location,
            max_distance_metres: self.max_distance_metres,
            urgency: self.urgency,
            needs: Needs {
                languages: self.languages.clone(),
                same_gender_helper: self.same_gender_helper,
                wheelchair_access: self.wheelchair_access,
            },
            requester_gender: gender,
            vulnerable_adult: self.vulnerable_adult,
        }
    }

    /// The postcode district and sector ("AV1 2"): near enough for a
    /// volunteer deciding, far from an address.
    pub fn area_hint(&self) -> String {
        area_hint(&self.postcode)
    }

    pub fn is_open(&self) -> bool {
        self.status == "open"
    }
}

/// "AV1 2BD" → "AV1 2".
pub fn area_hint(postcode: &str) -> String {
    match postcode.split_once(' ') {
        Some((outward, inward)) => format!("{outward} {}", inward.chars().next().unwrap_or(' '))
            .trim()
            .to_owned(),
        None => postcode.to_owned(),
    }
}

/// A proposal or an agreed match.
#[derive(Debug, Clone)]
pub struct MatchRecord {
    pub id: i64,
    pub request_id: i64,
    pub offer_id: i64,
    pub slot_no: u32,
    pub weekday: Weekday,
    pub time: TimeWindow,
    pub recurring: bool,
    pub first_date: Date,
    pub last_date: Option<Date>,
    pub is_cover: bool,
    pub score: i64,
    pub reasons: Vec<Reason>,
    pub status: MatchStatus,
    pub proposed_by: Option<i64>,
    pub proposed_at: i64,
    pub answered_at: Option<i64>,
    pub decline_reason: String,
    pub finished_at: Option<i64>,
    pub finished_note: String,
}

impl MatchRecord {
    /// The slot this match holds, as a booking the engine respects.
    pub fn booking(&self) -> Booking {
        Booking {
            slot: SlotId(self.slot_no),
            first: self.first_date,
            last: if self.recurring {
                self.last_date
            } else {
                Some(self.first_date)
            },
        }
    }
}

/// One day's help.
#[derive(Debug, Clone)]
pub struct Occurrence {
    pub id: i64,
    pub match_id: i64,
    pub offer_id: i64,
    pub slot_no: u32,
    pub on_date: Date,
    pub status: OccurrenceStatus,
    pub needs_cover: bool,
    pub cover_match_id: Option<i64>,
    pub note: String,
    pub transfer_id: Option<i64>,
}

/// Today in the UK, the day every "ahead" and "past" is measured from.
pub fn today() -> Date {
    uk_local(db::now()).date
}

/// An engine enum as the snake-case word it serialises to.
pub fn word<T: Serialize>(value: T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        _ => String::new(),
    }
}

/// An engine enum from its snake-case word.
pub fn from_word<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}

/// Languages as stored: lower case, comma-separated.
pub fn languages_text(languages: &[Language]) -> String {
    languages
        .iter()
        .map(Language::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

/// Languages from their stored text; unreadable pieces are skipped.
pub fn languages_from(text: &str) -> Vec<Language> {
    text.split(',')
        .filter(|piece| !piece.trim().is_empty())
        .filter_map(|piece| Language::parse(piece).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_words_round_trip() {
        assert_eq!(word(CapacityUnit::MinutesPerWeek), "minutes_per_week");
        assert_eq!(
            from_word::<Commitment>("one_off_only"),
            Some(Commitment::OneOffOnly)
        );
        assert_eq!(from_word::<Urgency>("whenever"), None);
    }

    #[test]
    fn an_area_hint_stops_at_the_sector() {
        assert_eq!(area_hint("AV1 2BD"), "AV1 2");
        assert_eq!(area_hint("AV1"), "AV1");
    }

    #[test]
    fn languages_are_stored_as_a_list() {
        let languages = languages_from("gd, Polish,,");
        assert_eq!(languages_text(&languages), "gd,polish");
    }
}

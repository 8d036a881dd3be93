//! Matching what people offer to what people ask for: "the dream app" of
//! co-production, which today coordinators do with spreadsheets and phone
//! calls.
//!
//! [`vocabulary`], [`time`], [`offer`] and [`request`] describe the two
//! sides; [`history`] and [`rules`] are what the matcher is told besides;
//! [`reasons`] are what it answers with.
//!
//! Everything here is pure: the caller loads offers, requests and history,
//! and stores what a coordinator accepts. Types derive serde so they can be
//! stored and sent as they are.

/// Who has helped whom, and when helpers were last matched.
pub mod history;
/// What people offer.
pub mod offer;
/// Why an offer was proposed or left out.
pub mod reasons;
/// What people ask for.
pub mod request;
/// The weights and settings a partnership tunes.
pub mod rules;
/// Weekly slots and windows.
pub mod time;
/// Ids, languages and genders.
pub mod vocabulary;

pub use history::{History, PastMatch};
pub use offer::{
    Availability, Booking, Capacity, CapacityUnit, Commitment, Offer, OfferKind, OfferPreferences,
    PvgCheck, WheelchairAccess,
};
pub use reasons::{Reason, SlotFit, Unmet};
pub use request::{Needs, Request, Urgency, When};
pub use rules::{MatchingRules, UrgencyBonus, Weights};
pub use time::{SlotId, TimeWindow, WeeklySlot, WeeklyWindow};
pub use vocabulary::{CategoryId, Gender, Language, OfferId, PersonId, RequestId};

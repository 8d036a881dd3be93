//! Matching what people offer to what people ask for: "the dream app" of
//! co-production, which today coordinators do with spreadsheets and phone
//! calls.
//!
//! Read it in this order. [`vocabulary`], [`time`], [`offer`] and
//! [`request`] describe the two sides; [`history`] and [`rules`] are what
//! the matcher is told besides. `constraints` holds the hard rules an offer
//! must meet (skill, time, distance, capacity, safeguarding, language,
//! preferences), [`score`] weighs the offers that meet them, and
//! [`reasons`] says why, in data and in plain English. [`rank`] puts these
//! together for one request; [`batch`] assigns many requests at once with
//! the exact optimiser in `assignment`, built on the minimum-cost flow in
//! `flow`. [`index`] narrows the offers looked at for one request to those
//! in its category and within reach, for partnerships with many offers.
//!
//! Everything here is pure: the caller loads offers, requests and history,
//! and stores what a coordinator accepts. Types derive serde so they can be
//! stored and sent as they are.

/// The exact optimiser: bookings under slot and capacity limits.
mod assignment;
/// Assigning many requests at once.
pub mod batch;
/// The hard constraints an offer must meet.
mod constraints;
/// Minimum-cost flow, the exact method under the batch.
mod flow;
/// Who has helped whom, and when helpers were last matched.
pub mod history;
/// Offers filed by category and place, for ranking at scale.
pub mod index;
/// What people offer.
pub mod offer;
/// Ranking the offers for one request.
pub mod rank;
/// Why an offer was proposed or left out.
pub mod reasons;
/// What people ask for.
pub mod request;
/// The weights and settings a partnership tunes.
pub mod rules;
/// The score and its parts.
pub mod score;
/// Weekly slots and windows.
pub mod time;
/// Ids, languages and genders.
pub mod vocabulary;

pub use batch::{Assignment, BatchGoal, BatchPlan, Unassigned};
pub use history::{History, PastMatch};
pub use index::OfferIndex;
pub use offer::{
    Availability, Booking, Capacity, CapacityUnit, Commitment, Offer, OfferKind, OfferPreferences,
    PvgCheck, WheelchairAccess,
};
pub use rank::{Assessment, Candidate, Exclusion, Matcher, Ranking};
pub use reasons::{Reason, SlotFit, Unmet};
pub use request::{Needs, Request, Urgency, When};
pub use rules::{MatchingRules, UrgencyBonus, Weights};
pub use score::Score;
pub use time::{SlotId, TimeWindow, WeeklySlot, WeeklyWindow};
pub use vocabulary::{CategoryId, Gender, Language, OfferId, PersonId, RequestId};

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod properties;
#[cfg(test)]
mod towns;

//! The hard constraints: the rules an offer must meet before it can be
//! proposed for a request at all.
//!
//! Every rule is checked, even after one has failed, so that the answer to
//! "why not Jean?" is complete: she may be too far away *and* have no PVG
//! check, and the coordinator should learn both at once.

use super::offer::{Commitment, Offer, WheelchairAccess};
use super::reasons::{Reason, SlotFit, Unmet};
use super::request::Request;
use super::rules::MatchingRules;
use super::time::shared_days;
use crate::schedule::{Date, DateRange};

/// What an offer that meets every rule brings to the request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fit {
    pub distance_metres: f64,
    /// The free slots that suit, in the offer's order.
    pub slots: Vec<SlotFit>,
    /// Rules met that the coordinator will want to see (PVG, language…).
    pub facts: Vec<Reason>,
    /// Things to arrange around, such as weeks the helper is away.
    pub cautions: Vec<Reason>,
}

/// Checks every hard constraint; on failure, lists each one unmet.
pub(crate) fn check(
    request: &Request,
    offer: &Offer,
    today: Date,
    rules: &MatchingRules,
) -> Result<Fit, Vec<Unmet>> {
    let mut unmet = Vec::new();
    let mut facts = Vec::new();
    let mut cautions = Vec::new();

    if offer.person == request.requester {
        unmet.push(Unmet::OwnOffer);
    }
    if !offer.categories.contains(&request.category) {
        unmet.push(Unmet::Category {
            wanted: request.category.clone(),
        });
    }
    let distance_metres = request.location.distance_metres(offer.location);
    unmet.extend(check_distance(request, offer, distance_metres));
    unmet.extend(check_commitment(request, offer));
    unmet.extend(check_capacity(request, offer));
    if offer.kind.brings_a_person() {
        check_safeguarding(request, offer, today, rules, &mut unmet, &mut facts);
        check_language(request, offer, &mut unmet, &mut facts);
        check_gender(request, offer, &mut unmet, &mut facts);
    }
    match (request.needs.wheelchair_access, offer.wheelchair) {
        (true, WheelchairAccess::NotAccessible) => unmet.push(Unmet::NotWheelchairAccessible),
        (true, WheelchairAccess::Accessible) => facts.push(Reason::WheelchairAccessible),
        _ => {}
    }
    check_dates(request, offer, today, rules, &mut unmet, &mut cautions);
    let slots = match free_slots(request, offer, today) {
        Ok(slots) => slots,
        Err(problem) => {
            unmet.push(problem);
            Vec::new()
        }
    };

    if unmet.is_empty() {
        Ok(Fit {
            distance_metres,
            slots,
            facts,
            cautions,
        })
    } else {
        Err(unmet)
    }
}

/// Within the helper's reach and, if the person has said, within theirs.
fn check_distance(request: &Request, offer: &Offer, metres: f64) -> Option<Unmet> {
    let beyond = |limit: u32| metres > f64::from(limit);
    let too_far =
        beyond(offer.max_distance_metres) || request.max_distance_metres.is_some_and(beyond);
    too_far.then(|| Unmet::TooFar {
        metres: whole_metres(metres),
        offer_limit_metres: offer.max_distance_metres,
        requester_limit_metres: request.max_distance_metres,
    })
}

/// A distance rounded to the metre, for showing.
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "held between 0 and u32::MAX before the cast"
)]
pub(crate) fn whole_metres(metres: f64) -> u32 {
    if metres.is_nan() {
        return 0;
    }
    metres.round().clamp(0.0, f64::from(u32::MAX)) as u32
}

fn check_commitment(request: &Request, offer: &Offer) -> Option<Unmet> {
    match (offer.preferences.commitment, request.is_recurring()) {
        (Commitment::OneOffOnly, true) => Some(Unmet::WantsOneOffOnly),
        (Commitment::RecurringOnly, false) => Some(Unmet::WantsRecurringOnly),
        _ => None,
    }
}

fn check_capacity(request: &Request, offer: &Offer) -> Option<Unmet> {
    let capacity = offer.capacity;
    let needed = capacity.needed_for(request.duration_minutes);
    (capacity.spare() < needed).then_some(Unmet::NoSpareCapacity {
        unit: capacity.unit,
        spare: capacity.spare(),
        needed,
    })
}

/// A vulnerable adult's helper must hold a PVG check current on every day
/// of the help. A check is worth showing whenever it covers the help.
fn check_safeguarding(
    request: &Request,
    offer: &Offer,
    today: Date,
    rules: &MatchingRules,
    unmet: &mut Vec<Unmet>,
    facts: &mut Vec<Reason>,
) {
    let (_, needed_until) = request.days_to_check(today, rules.open_ended_check_days);
    match offer.pvg {
        Some(check) if check.valid_until >= needed_until => facts.push(Reason::PvgValid {
            until: check.valid_until,
        }),
        Some(check) if request.vulnerable_adult => unmet.push(Unmet::PvgLapses {
            valid_until: check.valid_until,
            needed_until,
        }),
        None if request.vulnerable_adult => unmet.push(Unmet::NoPvgCheck),
        _ => {}
    }
}

fn check_language(
    request: &Request,
    offer: &Offer,
    unmet: &mut Vec<Unmet>,
    facts: &mut Vec<Reason>,
) {
    let needed = &request.needs.languages;
    if needed.is_empty() {
        return;
    }
    match needed
        .iter()
        .find(|language| offer.languages.contains(language))
    {
        Some(language) => facts.push(Reason::SpeaksLanguage {
            language: language.clone(),
        }),
        None => unmet.push(Unmet::Language {
            needed: needed.clone(),
        }),
    }
}

/// Both sides' wishes about gender: the person may ask for a helper of
/// their gender, and a volunteer may help people of their own gender only.
/// A gender nobody has stated never counts as a match.
fn check_gender(request: &Request, offer: &Offer, unmet: &mut Vec<Unmet>, facts: &mut Vec<Reason>) {
    let same = match (&request.requester_gender, &offer.gender) {
        (Some(theirs), Some(helpers)) => theirs == helpers,
        _ => false,
    };
    if request.needs.same_gender_helper {
        if request.requester_gender.is_none() {
            unmet.push(Unmet::RequesterGenderUnknown);
        } else if same {
            facts.push(Reason::SameGender);
        } else {
            unmet.push(Unmet::NotSameGender);
        }
    }
    if offer.preferences.same_gender_only && !same {
        unmet.push(Unmet::HelpsOwnGenderOnly);
    }
}

/// The help must still lie ahead, and the offer must stand on every day of
/// it. Days away rule out a one-off on that day; during weekly help they
/// are cover to arrange.
fn check_dates(
    request: &Request,
    offer: &Offer,
    today: Date,
    rules: &MatchingRules,
    unmet: &mut Vec<Unmet>,
    cautions: &mut Vec<Reason>,
) {
    let availability = &offer.availability;
    let (first, last) = request.days_to_check(today, rules.open_ended_check_days);
    if first < today || last < first {
        unmet.push(Unmet::DatesPassed);
        return;
    }
    if !availability.stands_throughout(first, last) {
        unmet.push(Unmet::NotAvailableThen {
            needed: DateRange { first, last },
        });
        return;
    }
    if let Some(date) = request.one_off_date() {
        for away in availability.away.iter().filter(|away| away.contains(date)) {
            unmet.push(Unmet::Away { dates: *away });
        }
        return;
    }
    let ahead = request.days_ahead(today);
    for away in &availability.away {
        if !away.is_empty() && shared_days((away.first, Some(away.last)), ahead).is_some() {
            cautions.push(Reason::AwayDuring { dates: *away });
        }
    }
    if let Some(until) = availability.stands_until(first)
        && ahead.1.is_none_or(|last| until < last)
    {
        cautions.push(Reason::StandsUntil { last: until });
    }
}

/// The slots that overlap one of the person's windows for the length of the
/// help and are not booked on any day of it.
fn free_slots(request: &Request, offer: &Offer, today: Date) -> Result<Vec<SlotFit>, Unmet> {
    let windows = request.windows();
    let ahead = request.days_ahead(today);
    let date = request.one_off_date();
    let mut fitting = 0;
    let mut free = Vec::new();
    for slot in &offer.availability.slots {
        let best = windows
            .iter()
            .filter(|window| window.day == slot.day)
            .filter_map(|window| window.time.overlap(slot.time))
            .filter(|shared| shared.minutes() >= request.duration_minutes)
            .max_by_key(|shared| (shared.minutes(), std::cmp::Reverse(shared.start)));
        let Some(time) = best else {
            continue;
        };
        fitting += 1;
        if !offer.availability.is_booked(slot, ahead) {
            free.push(SlotFit {
                slot: slot.id,
                day: slot.day,
                date,
                time,
            });
        }
    }
    match (fitting, free.is_empty()) {
        (0, _) => Err(Unmet::NoCommonTime),
        (_, true) => Err(Unmet::SlotsTaken),
        (_, false) => Ok(free),
    }
}

#[cfg(test)]
#[path = "constraints_tests.rs"]
mod tests;

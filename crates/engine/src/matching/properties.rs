//! Property tests over random small towns: the matcher agrees with a plain
//! restatement of every hard constraint, and the batch keeps every rule and
//! is as good as trying every plan.
//!
//! The restatement below deliberately works differently from the matcher:
//! it walks day by day where the matcher reasons about spans and weekdays,
//! so the two are unlikely to share a mistake.

use proptest::prelude::*;

use super::batch::BatchGoal;
use super::history::History;
use super::offer::{CapacityUnit, Commitment, Offer, OfferKind, WheelchairAccess};
use super::rank::{Assessment, Matcher};
use super::request::{Request, Urgency, When};
use super::rules::MatchingRules;
use super::time::{SlotId, WeeklyWindow};
use super::towns::{history, offers, request, requests, today};
use crate::schedule::Date;

/// Far beyond any date the generators make, where "open-ended" stops.
fn end_of_time() -> Date {
    Date::parse("2029-12-31").unwrap()
}

fn each_day(first: Date, last: Date) -> impl Iterator<Item = Date> {
    std::iter::successors(Some(first), |day| Some(day.next_day()))
        .take_while(move |day| *day <= last)
}

// ---- the restatement ----------------------------------------------------

/// The days the checks must hold for, as the rules in the request's
/// documentation describe them.
fn days_to_check(request: &Request, rules: &MatchingRules) -> (Date, Date) {
    match &request.when {
        When::Once { date, .. } => (*date, *date),
        When::Weekly { first, last, .. } => {
            let start = if *first < today() { today() } else { *first };
            let end =
                last.unwrap_or_else(|| start.add_days(i64::from(rules.open_ended_check_days)));
            (start, end)
        }
    }
}

/// The days of help still ahead, open ends cut at `end_of_time`.
fn days_ahead(request: &Request) -> (Date, Date) {
    match &request.when {
        When::Once { date, .. } => (*date, *date),
        When::Weekly { first, last, .. } => {
            let start = if *first < today() { today() } else { *first };
            (start, last.unwrap_or_else(end_of_time))
        }
    }
}

fn windows(request: &Request) -> Vec<WeeklyWindow> {
    match &request.when {
        When::Once { date, window } => vec![WeeklyWindow {
            day: date.weekday(),
            time: *window,
        }],
        When::Weekly { windows, .. } => windows.clone(),
    }
}

/// Slots that share enough time with a window and that no booking holds on
/// any day of the help falling on the slot's weekday.
fn free_fitting_slots(request: &Request, offer: &Offer) -> Vec<SlotId> {
    let (first, last) = days_ahead(request);
    offer
        .availability
        .slots
        .iter()
        .filter(|slot| {
            windows(request).iter().any(|window| {
                let start = window.time.start.max(slot.time.start);
                let end = window.time.end.min(slot.time.end);
                window.day == slot.day && end >= start + request.duration_minutes
            })
        })
        .filter(|slot| {
            offer
                .availability
                .bookings
                .iter()
                .filter(|booking| booking.slot == slot.id)
                .all(|booking| {
                    let booked_last = booking.last.unwrap_or_else(end_of_time);
                    each_day(first.max(booking.first), last.min(booked_last))
                        .all(|day| day.weekday() != slot.day)
                })
        })
        .map(|slot| slot.id)
        .collect()
}

fn meets_every_rule(request: &Request, offer: &Offer, rules: &MatchingRules) -> bool {
    let distance = request.location.distance_metres(offer.location);
    let near_enough = distance <= f64::from(offer.max_distance_metres)
        && request
            .max_distance_metres
            .is_none_or(|limit| distance <= f64::from(limit));
    let commitment = match offer.preferences.commitment {
        Commitment::Either => true,
        Commitment::OneOffOnly => matches!(request.when, When::Once { .. }),
        Commitment::RecurringOnly => matches!(request.when, When::Weekly { .. }),
    };
    let needed = match offer.capacity.unit {
        CapacityUnit::People => 1,
        CapacityUnit::MinutesPerWeek => u64::from(request.duration_minutes),
    };
    let room = u64::from(offer.capacity.in_use) + needed <= u64::from(offer.capacity.limit);
    let (first, last) = days_to_check(request, rules);
    let person = matches!(offer.kind, OfferKind::Time | OfferKind::Skill);
    let same_gender =
        request.requester_gender.is_some() && request.requester_gender == offer.gender;
    let person_rules = !person
        || ((!request.vulnerable_adult
            || offer.pvg.is_some_and(|check| check.valid_until >= last))
            && (request.needs.languages.is_empty()
                || request
                    .needs
                    .languages
                    .iter()
                    .any(|language| offer.languages.contains(language)))
            && (!request.needs.same_gender_helper || same_gender)
            && (!offer.preferences.same_gender_only || same_gender));
    let wheelchair =
        !request.needs.wheelchair_access || offer.wheelchair != WheelchairAccess::NotAccessible;
    let periods = &offer.availability.periods;
    let stands = periods.is_empty()
        || each_day(first, last).all(|day| periods.iter().any(|period| period.contains(day)));
    let not_away = match &request.when {
        When::Once { date, .. } => !offer
            .availability
            .away
            .iter()
            .any(|away| away.contains(*date)),
        When::Weekly { .. } => true,
    };
    let ahead = first >= today() && first <= last;
    offer.person != request.requester
        && ahead
        && offer.categories.contains(&request.category)
        && near_enough
        && commitment
        && room
        && person_rules
        && wheelchair
        && stands
        && not_away
        && !free_fitting_slots(request, offer).is_empty()
}

// ---- the batch, tried every way ------------------------------------------

/// Every plan for the candidates the restatement allows, with the
/// matcher's values: the best (met, value) pair for the goal.
fn best_by_trying_everything(
    matcher: &Matcher,
    requests: &[Request],
    offers: &[Offer],
    rules: &MatchingRules,
    goal: BatchGoal,
) -> (u64, u64) {
    // Per request: (offer, slot, value) options.
    let options: Vec<Vec<(usize, SlotId, u64)>> = requests
        .iter()
        .map(|request| {
            let mut options = Vec::new();
            for (o, offer) in offers.iter().enumerate() {
                if !meets_every_rule(request, offer, rules) {
                    continue;
                }
                let Assessment::Candidate(candidate) = matcher.assess(request, offer) else {
                    continue;
                };
                let bonus = match request.urgency {
                    Urgency::Routine => 0,
                    Urgency::Soon => rules.urgency_bonus.soon,
                    Urgency::Urgent => rules.urgency_bonus.urgent,
                };
                let value = candidate.score.total() + u64::from(bonus) * 1_000;
                for slot in free_fitting_slots(request, offer) {
                    options.push((o, slot, value));
                }
            }
            options
        })
        .collect();
    let mut best = (0, 0);
    let mut picked: Vec<Option<(usize, SlotId, u64)>> = Vec::new();
    try_every_plan(requests, offers, &options, &mut picked, goal, &mut best);
    best
}

fn try_every_plan(
    requests: &[Request],
    offers: &[Offer],
    options: &[Vec<(usize, SlotId, u64)>],
    picked: &mut Vec<Option<(usize, SlotId, u64)>>,
    goal: BatchGoal,
    best: &mut (u64, u64),
) {
    let r = picked.len();
    if r == requests.len() {
        let chosen: Vec<(usize, usize, SlotId, u64)> = picked
            .iter()
            .enumerate()
            .filter_map(|(r, pick)| pick.map(|(o, slot, value)| (r, o, slot, value)))
            .collect();
        if keeps_every_limit(requests, offers, &chosen) {
            let met = chosen.len() as u64;
            let value: u64 = chosen.iter().map(|(.., value)| value).sum();
            let key = match goal {
                BatchGoal::MostRequestsMet => (met, value),
                BatchGoal::HighestTotalScore => (value, met),
            };
            *best = (*best).max(key);
        }
        return;
    }
    picked.push(None);
    try_every_plan(requests, offers, options, picked, goal, best);
    picked.pop();
    for option in &options[r] {
        picked.push(Some(*option));
        try_every_plan(requests, offers, options, picked, goal, best);
        picked.pop();
    }
}

/// No slot twice, and no offer beyond its capacity.
fn keeps_every_limit(
    requests: &[Request],
    offers: &[Offer],
    chosen: &[(usize, usize, SlotId, u64)],
) -> bool {
    let mut slots: Vec<(usize, SlotId)> = chosen.iter().map(|&(_, o, slot, _)| (o, slot)).collect();
    slots.sort_unstable();
    let before = slots.len();
    slots.dedup();
    if slots.len() != before {
        return false;
    }
    offers.iter().enumerate().all(|(o, offer)| {
        let taken: u64 = chosen
            .iter()
            .filter(|(_, at, ..)| *at == o)
            .map(|(r, ..)| match offer.capacity.unit {
                CapacityUnit::People => 1,
                CapacityUnit::MinutesPerWeek => u64::from(requests[*r].duration_minutes),
            })
            .sum();
        u64::from(offer.capacity.in_use) + taken <= u64::from(offer.capacity.limit) || taken == 0
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Candidates are exactly the offers that meet every rule, with exactly
    /// the free slots that suit; every other offer is excluded with at
    /// least one rule named; candidates come best first.
    #[test]
    fn candidates_are_exactly_the_offers_meeting_every_rule(
        request in request(0),
        offers in offers(6),
        history in history(),
    ) {
        let rules = MatchingRules::default();
        let matcher = Matcher::new(&rules, &history, today());
        let ranking = matcher.rank(&request, &offers);
        prop_assert_eq!(ranking.candidates.len() + ranking.excluded.len(), offers.len());
        for offer in &offers {
            let candidate = ranking.candidates.iter().find(|c| c.offer == offer.id);
            let excluded = ranking.excluded.iter().find(|e| e.offer == offer.id);
            if meets_every_rule(&request, offer, &rules) {
                let candidate = candidate.expect("an offer meeting every rule is a candidate");
                let slots: Vec<SlotId> = candidate.slots.iter().map(|fit| fit.slot).collect();
                prop_assert_eq!(slots, free_fitting_slots(&request, offer));
                prop_assert!(excluded.is_none());
            } else {
                let excluded = excluded.expect("an offer failing a rule is excluded");
                prop_assert!(!excluded.unmet.is_empty());
                prop_assert!(candidate.is_none());
            }
        }
        let totals: Vec<u64> = ranking.candidates.iter().map(|c| c.score.total()).collect();
        prop_assert!(totals.windows(2).all(|pair| pair[0] >= pair[1]));
    }

    /// The batch books only pairs that meet every rule, in slots that are
    /// free and suit, never a slot twice nor an offer past its capacity,
    /// and no plan of any kind does better.
    #[test]
    fn the_batch_keeps_every_rule_and_no_plan_beats_it(
        requests in requests(4),
        offers in offers(3),
        history in history(),
    ) {
        // Room to search to the end, so the plan is always proven best.
        let rules = MatchingRules { batch_search_limit: 100_000, ..MatchingRules::default() };
        let matcher = Matcher::new(&rules, &history, today());
        for goal in [BatchGoal::MostRequestsMet, BatchGoal::HighestTotalScore] {
            let plan = matcher.assign(&requests, &offers, goal);
            prop_assert!(plan.proven_optimal);
            prop_assert_eq!(plan.assignments.len() + plan.unassigned.len(), requests.len());
            let mut chosen = Vec::new();
            for assignment in &plan.assignments {
                let r = requests.iter().position(|q| q.id == assignment.request).unwrap();
                let o = offers.iter().position(|f| f.id == assignment.offer).unwrap();
                prop_assert!(meets_every_rule(&requests[r], &offers[o], &rules));
                prop_assert!(free_fitting_slots(&requests[r], &offers[o]).contains(&assignment.slot.slot));
                prop_assert_eq!(&assignment.person, &offers[o].person);
                chosen.push((r, o, assignment.slot.slot, assignment.value));
            }
            let mut met: Vec<usize> = chosen.iter().map(|(r, ..)| *r).collect();
            met.dedup();
            prop_assert_eq!(met.len(), chosen.len());
            prop_assert!(keeps_every_limit(&requests, &offers, &chosen));
            let value: u64 = chosen.iter().map(|(.., value)| value).sum();
            prop_assert_eq!(value, plan.total_value);
            let key = match goal {
                BatchGoal::MostRequestsMet => (chosen.len() as u64, value),
                BatchGoal::HighestTotalScore => (value, chosen.len() as u64),
            };
            prop_assert_eq!(key, best_by_trying_everything(&matcher, &requests, &offers, &rules, goal));
        }
    }
}

/// The random towns are only a fair test if a good share of pairs meet
/// every rule and a good share do not.
#[test]
fn random_towns_have_both_fits_and_misfits() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let rules = MatchingRules::default();
    let mut runner = TestRunner::deterministic();
    let (mut fits, mut pairs) = (0, 0);
    for _ in 0..300 {
        let request = request(0).new_tree(&mut runner).unwrap().current();
        let offers = offers(6).new_tree(&mut runner).unwrap().current();
        for offer in &offers {
            pairs += 1;
            fits += usize::from(meets_every_rule(&request, offer, &rules));
        }
    }
    assert!(fits * 6 > pairs, "{fits} of {pairs} pairs fit");
    assert!(fits * 2 < pairs, "{fits} of {pairs} pairs fit");
}

#[test]
fn no_plan_at_all_for_nobody() {
    let rules = MatchingRules::default();
    let history = History::new();
    let matcher = Matcher::new(&rules, &history, today());
    let plan = matcher.assign(&[], &[], BatchGoal::MostRequestsMet);
    assert!(plan.assignments.is_empty() && plan.unassigned.is_empty());
    assert!(plan.proven_optimal);
}

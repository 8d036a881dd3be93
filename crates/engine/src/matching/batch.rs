//! Batch mode: propose helpers for many open requests at once, never
//! booking a slot twice or an offer beyond its capacity, with the best
//! total score (see [`BatchGoal`] for what "best" means).
//!
//! Each request's candidates come from the same hard constraints and scores
//! as ranking one request; the exact optimiser in `assignment` then picks
//! one slot per request. Two simplifications keep the plan safe rather than
//! clever. Every booking in one batch takes its slot and its share of the
//! offer's weekly capacity as if all fell in the same week, so two one-offs
//! on different Tuesdays will not share a volunteer's Tuesday slot in one
//! run (they can in two). And scores use each offer's load and last match
//! from before the batch, so spreading the load within a batch rests on the
//! capacity limits and the spare-capacity points each helper starts with.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::assignment::{self, Budget, Choice, Problem};
use super::offer::{CapacityUnit, Offer};
use super::rank::{Assessment, Matcher};
use super::reasons::SlotFit;
use super::request::{Request, Urgency};
use super::score::{MILLIPOINTS_PER_POINT, Score};
use super::time::SlotId;
use super::vocabulary::{OfferId, PersonId, RequestId};

pub use super::assignment::BatchGoal;

/// One request given one slot of one offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub request: RequestId,
    pub offer: OfferId,
    pub person: PersonId,
    pub slot: SlotFit,
    /// The same score ranking shows for this pair.
    pub score: Score,
    /// The score plus the request's urgency bonus, in thousandths of a
    /// point: what the batch adds up.
    pub value: u64,
}

/// A request the batch could not place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unassigned {
    pub request: RequestId,
    /// How many offers met every hard constraint. Zero means nobody suits;
    /// more means the suitable helpers were needed for other requests.
    pub candidates: usize,
}

/// The batch's proposal.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BatchPlan {
    /// In the order the requests were given.
    pub assignments: Vec<Assignment>,
    /// In the order the requests were given.
    pub unassigned: Vec<Unassigned>,
    /// The sum of the assignments' values.
    pub total_value: u64,
    /// False only when hours-per-week limits made the search reach
    /// `MatchingRules::batch_search_limit`; the plan still keeps every rule,
    /// but a better one may exist.
    pub proven_optimal: bool,
}

impl Matcher<'_> {
    /// Proposes helpers for every request at once.
    pub fn assign(&self, requests: &[Request], offers: &[Offer], goal: BatchGoal) -> BatchPlan {
        let mut problem = Problem {
            requests: requests.len(),
            slot_offer: Vec::new(),
            budgets: offers.iter().map(budget).collect(),
            choices: Vec::new(),
        };
        let mut slot_index: HashMap<(usize, SlotId), usize> = HashMap::new();
        for (o, offer) in offers.iter().enumerate() {
            for slot in &offer.availability.slots {
                slot_index.entry((o, slot.id)).or_insert_with(|| {
                    problem.slot_offer.push(o);
                    problem.slot_offer.len() - 1
                });
            }
        }
        // What each choice stands for, beside the optimiser's numbers.
        let mut booked: Vec<(Score, SlotFit, u64)> = Vec::new();
        let mut candidates = vec![0_usize; requests.len()];
        for (r, request) in requests.iter().enumerate() {
            let bonus = self.urgency_bonus(request.urgency);
            for (o, offer) in offers.iter().enumerate() {
                let Assessment::Candidate(candidate) = self.assess(request, offer) else {
                    continue;
                };
                candidates[r] += 1;
                let value = candidate.score.total().saturating_add(bonus);
                for fit in &candidate.slots {
                    let Some(&slot) = slot_index.get(&(o, fit.slot)) else {
                        continue;
                    };
                    problem.choices.push(Choice {
                        request: r,
                        offer: o,
                        slot,
                        value: i64::try_from(value).unwrap_or(i64::MAX),
                        minutes: offer.capacity.needed_for(request.duration_minutes),
                    });
                    booked.push((candidate.score, *fit, value));
                }
            }
        }

        // Choices were made request by request and come back in that order.
        let solution = assignment::solve(&problem, goal, self.rules.batch_search_limit);
        let mut plan = BatchPlan {
            proven_optimal: solution.proven_optimal,
            ..BatchPlan::default()
        };
        let mut placed = vec![false; requests.len()];
        for &c in &solution.chosen {
            let choice = problem.choices[c];
            let (score, slot, value) = booked[c];
            placed[choice.request] = true;
            plan.total_value += value;
            plan.assignments.push(Assignment {
                request: requests[choice.request].id.clone(),
                offer: offers[choice.offer].id.clone(),
                person: offers[choice.offer].person.clone(),
                slot,
                score,
                value,
            });
        }
        for (r, request) in requests.iter().enumerate() {
            if !placed[r] {
                plan.unassigned.push(Unassigned {
                    request: request.id.clone(),
                    candidates: candidates[r],
                });
            }
        }
        plan
    }

    fn urgency_bonus(&self, urgency: Urgency) -> u64 {
        let points = match urgency {
            Urgency::Routine => 0,
            Urgency::Soon => self.rules.urgency_bonus.soon,
            Urgency::Urgent => self.rules.urgency_bonus.urgent,
        };
        u64::from(points) * u64::from(MILLIPOINTS_PER_POINT)
    }
}

fn budget(offer: &Offer) -> Budget {
    let spare = offer.capacity.spare();
    match offer.capacity.unit {
        CapacityUnit::People => Budget::Requests(spare),
        CapacityUnit::MinutesPerWeek => Budget::Minutes(spare),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::history::History;
    use super::super::request::When;
    use super::super::rules::MatchingRules;
    use super::super::time::{SlotId, WeeklyWindow};
    use super::*;
    use crate::schedule::Weekday;

    fn plan(requests: &[Request], offers: &[Offer], goal: BatchGoal) -> BatchPlan {
        let rules = MatchingRules::default();
        let history = History::new();
        Matcher::new(&rules, &history, today()).assign(requests, offers, goal)
    }

    fn pairs(plan: &BatchPlan) -> Vec<(&str, &str)> {
        plan.assignments
            .iter()
            .map(|a| (a.request.as_str(), a.person.as_str()))
            .collect()
    }

    /// Ann would rather have Jean, but only Jean can reach Bill: taking
    /// each request's favourite in turn would leave Bill without help.
    #[test]
    fn gives_way_where_a_greedy_choice_would_strand_someone() {
        let jean = volunteer("jean");
        let mut kate = volunteer("kate");
        kate.location = east(4_000.0);
        let mut jean_once = jean.clone();
        jean_once.capacity.limit = 1;
        let ann = shopping("ann-shopping", "ann");
        let mut bill = shopping("bill-shopping", "bill");
        bill.location = east(-1_500.0);
        let plan = plan(&[ann, bill], &[jean_once, kate], BatchGoal::MostRequestsMet);
        assert_eq!(
            pairs(&plan),
            [("ann-shopping", "kate"), ("bill-shopping", "jean")]
        );
        assert!(plan.unassigned.is_empty());
        assert!(plan.proven_optimal);
        assert_eq!(
            plan.total_value,
            plan.assignments.iter().map(|a| a.value).sum::<u64>()
        );
    }

    #[test]
    fn a_slot_is_never_booked_twice_whatever_the_capacity() {
        let jean = volunteer("jean");
        let plan = plan(
            &[shopping("r1", "ann"), shopping("r2", "bill")],
            std::slice::from_ref(&jean),
            BatchGoal::MostRequestsMet,
        );
        assert_eq!(plan.assignments.len(), 1);
        assert_eq!(
            plan.unassigned,
            [Unassigned {
                request: "r2".into(),
                candidates: 1
            }]
        );
        // A second slot takes the second request.
        let mut two_slots = jean;
        two_slots
            .availability
            .slots
            .push(slot(2, Weekday::Tuesday, "09:00", "10:00"));
        let plan = plan_for_two(&two_slots);
        let mut slots: Vec<SlotId> = plan.assignments.iter().map(|a| a.slot.slot).collect();
        slots.sort_unstable();
        assert_eq!(slots, [SlotId(1), SlotId(2)]);
    }

    fn plan_for_two(offer: &Offer) -> BatchPlan {
        plan(
            &[shopping("r1", "ann"), shopping("r2", "bill")],
            std::slice::from_ref(offer),
            BatchGoal::MostRequestsMet,
        )
    }

    #[test]
    fn capacity_limits_hold_in_people_and_in_minutes() {
        let mut busy = volunteer("jean");
        busy.availability
            .slots
            .push(slot(2, Weekday::Tuesday, "09:00", "10:00"));
        busy.capacity.in_use = 2;
        assert_eq!(plan_for_two(&busy).assignments.len(), 1);
        busy.capacity.unit = CapacityUnit::MinutesPerWeek;
        busy.capacity.limit = 150;
        busy.capacity.in_use = 30;
        assert_eq!(plan_for_two(&busy).assignments.len(), 2);
        busy.capacity.in_use = 31;
        let plan = plan_for_two(&busy);
        assert_eq!(plan.assignments.len(), 1);
        assert!(plan.proven_optimal);
    }

    #[test]
    fn urgent_requests_come_first_when_helpers_are_scarce() {
        let jean = volunteer("jean");
        let mut near = shopping("near", "ann");
        near.location = east(100.0);
        let mut urgent = shopping("urgent", "bill");
        urgent.location = east(3_000.0);
        urgent.urgency = Urgency::Urgent;
        let plan = plan(&[near, urgent], &[jean], BatchGoal::MostRequestsMet);
        assert_eq!(pairs(&plan), [("urgent", "jean")]);
        // 50 points of urgency on top of the score.
        let assignment = &plan.assignments[0];
        assert_eq!(assignment.value, assignment.score.total() + 50_000);
        assert_eq!(plan.unassigned[0].request, RequestId::from("near"));
    }

    #[test]
    fn nobody_suits_is_told_apart_from_nobody_left() {
        let mut gardening = shopping("garden", "ann");
        gardening.category = "gardening".into();
        let plan = plan(
            &[gardening],
            &[volunteer("jean")],
            BatchGoal::MostRequestsMet,
        );
        assert_eq!(
            plan.unassigned,
            [Unassigned {
                request: "garden".into(),
                candidates: 0
            }]
        );
        assert_eq!(plan.total_value, 0);
    }

    /// One volunteer with two hours; one long visit scores better than two
    /// short ones together, so the goals part ways.
    #[test]
    fn the_goal_decides_between_more_help_and_better_matches() {
        let mut jean = volunteer("jean");
        jean.capacity.unit = CapacityUnit::MinutesPerWeek;
        jean.capacity.limit = 120;
        jean.availability.slots = vec![
            slot(1, Weekday::Tuesday, "09:00", "12:00"),
            slot(2, Weekday::Tuesday, "13:00", "16:00"),
        ];
        let mut long = shopping("long", "ann");
        long.duration_minutes = 120;
        long.urgency = Urgency::Urgent;
        let mut short_a = shopping("short-a", "bill");
        short_a.duration_minutes = 60;
        short_a.location = east(4_000.0);
        let mut short_b = short_a.clone();
        short_b.id = "short-b".into();
        short_b.requester = "cat".into();
        short_b.when = When::Weekly {
            windows: vec![WeeklyWindow {
                day: Weekday::Tuesday,
                time: window("13:00", "16:00"),
            }],
            first: date("2026-03-03"),
            last: None,
        };
        let requests = [long, short_a, short_b];
        let most = plan(
            &requests,
            std::slice::from_ref(&jean),
            BatchGoal::MostRequestsMet,
        );
        assert_eq!(pairs(&most), [("short-a", "jean"), ("short-b", "jean")]);
        let best = plan(&requests, &[jean], BatchGoal::HighestTotalScore);
        assert_eq!(pairs(&best), [("long", "jean")]);
        assert!(best.total_value > most.total_value);
        assert!(most.proven_optimal && best.proven_optimal);
    }
}

//! The exact optimiser under the batch: choose at most one booking for each
//! request so that no slot is booked twice and no offer goes over its
//! capacity, with the best total value.
//!
//! With capacity counted in people this is a minimum-cost flow, solved
//! exactly: source → request → slot → offer → sink, where each request and
//! each slot carries one unit and each offer as many as it has room for.
//!
//! Capacity in minutes a week turns it into the generalised assignment
//! problem, which is NP-hard: a knapsack inside the flow, which no flow can
//! express. For those, the flow is first solved with each offer's minutes
//! turned into the most requests that could fit (a relaxation: every true
//! plan is still allowed, so its value bounds theirs). If a plan it returns
//! overfills some offer, at least one of the requests it put there must go
//! elsewhere in any true plan, so the search branches on which one, and
//! discards any branch whose relaxed value cannot beat the best true plan
//! found. Each relaxed plan is also turned into a true one (overfilled
//! offers keep their most valuable bookings, and the requests dropped are
//! planned again into what is left), so a search cut short by its limit
//! still returns a good plan, and says it is not proven best. Small rounds
//! finish the search; large ones with many hours-counted helpers rarely do.

use super::flow::{EdgeId, FlowNetwork, Stop};
use serde::{Deserialize, Serialize};

/// What the batch tries to achieve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchGoal {
    /// Help as many requests as possible, and among plans that help that
    /// many, take the one with the highest total value. A coordinator
    /// would rather everyone is helped by a decent match than some by a
    /// perfect one and others not at all.
    #[default]
    MostRequestsMet,
    /// The highest total value, even if fewer requests are met; among
    /// equal totals, the plan meeting more requests.
    HighestTotalScore,
}

/// How much more an offer can take on in this batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Budget {
    Requests(u32),
    Minutes(u32),
}

/// One possible booking: this request in this slot of this offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Choice {
    pub request: usize,
    pub offer: usize,
    pub slot: usize,
    /// Never negative.
    pub value: i64,
    /// What the booking takes from a budget counted in minutes.
    pub minutes: u32,
}

/// The optimiser's whole input, in positions rather than ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub requests: usize,
    /// The offer each slot belongs to.
    pub slot_offer: Vec<usize>,
    pub budgets: Vec<Budget>,
    pub choices: Vec<Choice>,
}

/// The chosen bookings, as positions in `Problem::choices`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Solution {
    pub chosen: Vec<usize>,
    pub proven_optimal: bool,
}

/// How good a plan is, compared field by field, greatest best.
pub(crate) fn rank_key(problem: &Problem, chosen: &[usize], goal: BatchGoal) -> (i64, i64) {
    let met = i64::try_from(chosen.len()).unwrap_or(i64::MAX);
    let value = chosen.iter().map(|&c| problem.choices[c].value).sum();
    match goal {
        BatchGoal::MostRequestsMet => (met, value),
        BatchGoal::HighestTotalScore => (value, met),
    }
}

/// The best plan, or the best found within `search_limit` relaxed solves.
pub(crate) fn solve(problem: &Problem, goal: BatchGoal, search_limit: u32) -> Solution {
    let mut best: Option<((i64, i64), Vec<usize>)> = None;
    // Each entry is a branch: the (request, offer) pairs it rules out.
    let mut branches: Vec<Vec<(usize, usize)>> = vec![Vec::new()];
    let mut solves = 0;
    while let Some(ruled_out) = branches.pop() {
        if solves >= search_limit.max(1) {
            branches.push(ruled_out);
            break;
        }
        solves += 1;
        let allowed: Vec<usize> = (0..problem.choices.len())
            .filter(|&c| {
                let choice = problem.choices[c];
                !ruled_out.contains(&(choice.request, choice.offer))
            })
            .collect();
        let relaxed = solve_relaxed(problem, &allowed, &problem.budgets, goal);
        let bound = rank_key(problem, &relaxed, goal);
        if best.as_ref().is_some_and(|(key, _)| bound <= *key) {
            continue;
        }
        let Some((offer, mut crowded)) = first_overfilled(problem, &relaxed) else {
            best = Some((bound, relaxed));
            continue;
        };
        let plan = feasible_plan(problem, &allowed, relaxed, goal);
        let key = rank_key(problem, &plan, goal);
        if best.as_ref().is_none_or(|(best_key, _)| key > *best_key) {
            best = Some((key, plan));
        }
        // The least valuable booking is the likeliest to be the one that
        // must go, so its branch is pushed last and explored first.
        crowded.sort_by_key(|&c| (std::cmp::Reverse(problem.choices[c].value), c));
        for c in crowded {
            let mut narrower = ruled_out.clone();
            narrower.push((problem.choices[c].request, offer));
            branches.push(narrower);
        }
    }
    let mut chosen = best.map(|(_, chosen)| chosen).unwrap_or_default();
    chosen.sort_unstable();
    Solution {
        chosen,
        proven_optimal: branches.is_empty(),
    }
}

/// A true plan close to a relaxed one: each overfilled offer keeps its most
/// valuable bookings that fit, then the requests left out are planned again
/// into what is left, for as long as that places anyone.
fn feasible_plan(
    problem: &Problem,
    allowed: &[usize],
    relaxed: Vec<usize>,
    goal: BatchGoal,
) -> Vec<usize> {
    let mut chosen = keep_what_fits(problem, relaxed, &problem.budgets);
    loop {
        let left = budgets_left(problem, &chosen);
        let mut placed = vec![false; problem.requests];
        let mut taken = vec![false; problem.slot_offer.len()];
        for &c in &chosen {
            placed[problem.choices[c].request] = true;
            taken[problem.choices[c].slot] = true;
        }
        let open: Vec<usize> = allowed
            .iter()
            .copied()
            .filter(|&c| {
                let choice = problem.choices[c];
                !placed[choice.request] && !taken[choice.slot]
            })
            .collect();
        if open.is_empty() {
            break;
        }
        let more = keep_what_fits(problem, solve_relaxed(problem, &open, &left, goal), &left);
        if more.is_empty() {
            break;
        }
        chosen.extend(more);
    }
    chosen
}

/// Each offer's budget less what `chosen` already takes from it.
fn budgets_left(problem: &Problem, chosen: &[usize]) -> Vec<Budget> {
    let mut left = problem.budgets.clone();
    for &c in chosen {
        let choice = problem.choices[c];
        left[choice.offer] = match left[choice.offer] {
            Budget::Requests(count) => Budget::Requests(count.saturating_sub(1)),
            Budget::Minutes(minutes) => Budget::Minutes(minutes.saturating_sub(choice.minutes)),
        };
    }
    left
}

/// The flow solution over the `allowed` choices, with minute budgets
/// loosened to request counts.
fn solve_relaxed(
    problem: &Problem,
    allowed: &[usize],
    budgets: &[Budget],
    goal: BatchGoal,
) -> Vec<usize> {
    let most_value = allowed
        .iter()
        .map(|&c| problem.choices[c].value)
        .max()
        .unwrap_or(0);

    let (source, sink) = (0, 1);
    let request_node = |r: usize| 2 + r;
    let slot_node = |s: usize| 2 + problem.requests + s;
    let offer_node = |o: usize| 2 + problem.requests + problem.slot_offer.len() + o;
    let mut network =
        FlowNetwork::new(2 + problem.requests + problem.slot_offer.len() + problem.budgets.len());
    for r in 0..problem.requests {
        network.add_edge(source, request_node(r), 1, 0);
    }
    // Every unit of flow crosses exactly one choice edge, so costing each
    // as `most_value - value` makes the cheapest flow of any size the most
    // valuable, with no negative costs.
    let edges: Vec<(usize, EdgeId)> = allowed
        .iter()
        .map(|&c| {
            let choice = problem.choices[c];
            let edge = network.add_edge(
                request_node(choice.request),
                slot_node(choice.slot),
                1,
                most_value - choice.value,
            );
            (c, edge)
        })
        .collect();
    for (slot, &offer) in problem.slot_offer.iter().enumerate() {
        network.add_edge(slot_node(slot), offer_node(offer), 1, 0);
    }
    for (offer, budget) in budgets.iter().enumerate() {
        let room = most_requests_that_fit(problem, allowed, offer, *budget);
        network.add_edge(offer_node(offer), sink, i64::from(room), 0);
    }
    let stop = match goal {
        BatchGoal::MostRequestsMet => Stop::AtMaximumFlow,
        // A path costing `most_value` adds nothing; one costing more loses.
        // Taking the free ones meets more requests at the same total.
        BatchGoal::HighestTotalScore => Stop::BeforePathCost(most_value + 1),
    };
    network.send(source, sink, stop);
    edges
        .into_iter()
        .filter(|&(_, edge)| network.flow(edge) > 0)
        .map(|(c, _)| c)
        .collect()
}

/// How many requests an offer could take at most: its count, or as many of
/// the shortest requests that could go to it as fit in its minutes.
fn most_requests_that_fit(
    problem: &Problem,
    allowed: &[usize],
    offer: usize,
    budget: Budget,
) -> u32 {
    let minutes_left = match budget {
        Budget::Requests(count) => return count,
        Budget::Minutes(minutes) => minutes,
    };
    let mut lengths: Vec<(usize, u32)> = allowed
        .iter()
        .map(|&c| problem.choices[c])
        .filter(|choice| choice.offer == offer)
        .map(|choice| (choice.request, choice.minutes))
        .collect();
    // One length per request, however many slots it could use.
    lengths.sort_unstable();
    lengths.dedup_by_key(|(request, _)| *request);
    let mut lengths: Vec<u32> = lengths.into_iter().map(|(_, minutes)| minutes).collect();
    lengths.sort_unstable();
    let mut used = 0_u32;
    let mut count = 0;
    for minutes in lengths {
        used = used.saturating_add(minutes);
        if used > minutes_left {
            break;
        }
        count += 1;
    }
    count
}

/// An offer whose minutes the plan overfills, with the bookings it holds.
fn first_overfilled(problem: &Problem, chosen: &[usize]) -> Option<(usize, Vec<usize>)> {
    problem
        .budgets
        .iter()
        .enumerate()
        .find_map(|(offer, budget)| {
            let Budget::Minutes(limit) = *budget else {
                return None;
            };
            let here: Vec<usize> = chosen
                .iter()
                .copied()
                .filter(|&c| problem.choices[c].offer == offer)
                .collect();
            let used: u64 = here
                .iter()
                .map(|&c| u64::from(problem.choices[c].minutes))
                .sum();
            (used > u64::from(limit)).then_some((offer, here))
        })
}

/// Keeps, offer by offer, the most valuable bookings whose minutes fit
/// the budget, and drops the rest. Counted budgets the flow already kept.
fn keep_what_fits(problem: &Problem, mut chosen: Vec<usize>, budgets: &[Budget]) -> Vec<usize> {
    chosen.sort_by_key(|&c| (std::cmp::Reverse(problem.choices[c].value), c));
    let mut used = vec![0_u64; budgets.len()];
    chosen.retain(|&c| {
        let choice = problem.choices[c];
        let Budget::Minutes(limit) = budgets[choice.offer] else {
            return true;
        };
        let minutes = u64::from(choice.minutes);
        let fits = used[choice.offer] + minutes <= u64::from(limit);
        if fits {
            used[choice.offer] += minutes;
        }
        fits
    });
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every plan within the rules, tried one by one: the best key.
    fn brute_force(problem: &Problem, goal: BatchGoal) -> (i64, i64) {
        fn walk(
            problem: &Problem,
            goal: BatchGoal,
            request: usize,
            chosen: &mut Vec<usize>,
            best: &mut (i64, i64),
        ) {
            if request == problem.requests {
                if is_allowed(problem, chosen) {
                    *best = (*best).max(rank_key(problem, chosen, goal));
                }
                return;
            }
            walk(problem, goal, request + 1, chosen, best);
            for (c, choice) in problem.choices.iter().enumerate() {
                if choice.request == request {
                    chosen.push(c);
                    walk(problem, goal, request + 1, chosen, best);
                    chosen.pop();
                }
            }
        }
        let mut best = (i64::MIN, i64::MIN);
        walk(problem, goal, 0, &mut Vec::new(), &mut best);
        best
    }

    /// No request twice, no slot twice, no budget exceeded.
    fn is_allowed(problem: &Problem, chosen: &[usize]) -> bool {
        let mut requests = vec![false; problem.requests];
        let mut slots = vec![false; problem.slot_offer.len()];
        let mut used = vec![0_u64; problem.budgets.len()];
        for &c in chosen {
            let choice = problem.choices[c];
            if requests[choice.request] || slots[choice.slot] {
                return false;
            }
            requests[choice.request] = true;
            slots[choice.slot] = true;
            used[choice.offer] += match problem.budgets[choice.offer] {
                Budget::Requests(_) => 1,
                Budget::Minutes(_) => u64::from(choice.minutes),
            };
        }
        problem
            .budgets
            .iter()
            .zip(used)
            .all(|(budget, used)| match *budget {
                Budget::Requests(limit) | Budget::Minutes(limit) => used <= u64::from(limit),
            })
    }

    /// Requests, offers, slots and links drawn at random, with small values
    /// so that ties are common.
    fn problems() -> impl Strategy<Value = Problem> {
        (1..=3_usize, 0..=5_usize)
            .prop_flat_map(|(offers, requests)| {
                let budget = prop_oneof![
                    (0..=3_u32).prop_map(Budget::Requests),
                    (0..=8_u32).prop_map(|halves| Budget::Minutes(halves * 30)),
                ];
                (
                    Just(requests),
                    prop::collection::vec(1..=2_usize, offers),
                    prop::collection::vec(budget, offers),
                    prop::collection::vec(1..=4_u32, requests),
                    prop::collection::vec(
                        prop::collection::vec((any::<bool>(), 1..=3_u8, 0..=40_i64), offers),
                        requests,
                    ),
                )
            })
            .prop_map(|(requests, slots_per_offer, budgets, lengths, links)| {
                let mut slot_offer = Vec::new();
                let mut first_slot = Vec::new();
                for (offer, &count) in slots_per_offer.iter().enumerate() {
                    first_slot.push(slot_offer.len());
                    slot_offer.extend(std::iter::repeat_n(offer, count));
                }
                let mut choices = Vec::new();
                for (request, row) in links.iter().enumerate() {
                    for (offer, &(linked, slot_mask, value)) in row.iter().enumerate() {
                        for slot in 0..slots_per_offer[offer] {
                            if linked && slot_mask & (1 << slot) != 0 {
                                choices.push(Choice {
                                    request,
                                    offer,
                                    slot: first_slot[offer] + slot,
                                    value,
                                    minutes: lengths[request] * 30,
                                });
                            }
                        }
                    }
                }
                Problem {
                    requests,
                    slot_offer,
                    budgets,
                    choices,
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn the_plan_is_allowed_and_as_good_as_any(problem in problems()) {
            for goal in [BatchGoal::MostRequestsMet, BatchGoal::HighestTotalScore] {
                let solution = solve(&problem, goal, 100_000);
                prop_assert!(solution.proven_optimal);
                prop_assert!(is_allowed(&problem, &solution.chosen));
                prop_assert_eq!(
                    rank_key(&problem, &solution.chosen, goal),
                    brute_force(&problem, goal)
                );
            }
        }
    }

    /// One offer with 90 minutes a week and two slots-worth of requests:
    /// two short ones, or the one long, valuable one.
    fn short_or_long() -> Problem {
        let choice = |request, slot, value, minutes| Choice {
            request,
            offer: 0,
            slot,
            value,
            minutes,
        };
        Problem {
            requests: 3,
            slot_offer: vec![0, 0],
            budgets: vec![Budget::Minutes(90)],
            choices: vec![
                choice(0, 0, 50, 30),
                choice(1, 1, 10, 30),
                choice(2, 0, 100, 90),
                choice(2, 1, 100, 90),
            ],
        }
    }

    #[test]
    fn minutes_decide_between_many_short_and_one_long() {
        let problem = short_or_long();
        let most = solve(&problem, BatchGoal::MostRequestsMet, 100);
        assert_eq!(most.chosen, vec![0, 1]);
        assert!(most.proven_optimal);
        let valuable = solve(&problem, BatchGoal::HighestTotalScore, 100);
        assert_eq!(
            rank_key(&problem, &valuable.chosen, BatchGoal::HighestTotalScore),
            (100, 1)
        );
        assert!(valuable.proven_optimal);
    }

    #[test]
    fn a_search_cut_short_says_so_and_still_keeps_within_the_rules() {
        let problem = short_or_long();
        // The first relaxed plan books the long request and the 50 together,
        // 120 minutes; one solve leaves only the repaired plan.
        let cut = solve(&problem, BatchGoal::MostRequestsMet, 1);
        assert!(!cut.proven_optimal);
        assert!(is_allowed(&problem, &cut.chosen));
        assert_eq!(
            rank_key(&problem, &cut.chosen, BatchGoal::MostRequestsMet),
            (1, 100)
        );
    }

    /// Offer 0 has 90 minutes: the relaxed plan gives it the long request
    /// and a short one (two requests could fit, had both been short). The
    /// short one is dropped to fit, then planned again into offer 1.
    #[test]
    fn a_request_dropped_to_fit_the_minutes_is_placed_elsewhere() {
        let choice = |request, offer, slot, value, minutes| Choice {
            request,
            offer,
            slot,
            value,
            minutes,
        };
        let problem = Problem {
            requests: 4,
            slot_offer: vec![0, 0, 1, 1],
            budgets: vec![Budget::Minutes(90), Budget::Requests(2)],
            choices: vec![
                choice(0, 0, 0, 100, 90),
                choice(1, 0, 1, 60, 30),
                choice(1, 1, 2, 10, 30),
                choice(2, 1, 3, 20, 30),
                choice(3, 0, 1, 1, 30),
            ],
        };
        let goal = BatchGoal::HighestTotalScore;
        let first = solve(&problem, goal, 1);
        assert!(!first.proven_optimal);
        assert_eq!(first.chosen, vec![0, 2, 3]);
        let full = solve(&problem, goal, 100);
        assert!(full.proven_optimal);
        assert_eq!(full.chosen, first.chosen);
    }

    #[test]
    fn nothing_to_plan() {
        let problem = Problem {
            requests: 2,
            slot_offer: vec![0],
            budgets: vec![Budget::Requests(1)],
            choices: vec![],
        };
        let solution = solve(&problem, BatchGoal::MostRequestsMet, 10);
        assert!(solution.chosen.is_empty());
        assert!(solution.proven_optimal);
    }
}

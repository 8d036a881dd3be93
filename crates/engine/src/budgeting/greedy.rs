//! Greedy counting: projects in order of score, each funded if it still fits
//! in what is left of the budget (`greedy`), or counting stops at the first
//! that does not (`greedy-no-skip`). The same pass fills the money equal
//! shares leaves over (`mes-add1-greedy`).
//!
//! Ties in score go to the project listed first in the election (see the
//! module documentation of `budgeting`, "Ties").

use std::cmp::Reverse;

use super::decimal::Decimal;
use super::election::Election;
use super::outcome::{Funded, Ranked, WhyFunded, WhyNotFunded};

/// What one greedy pass decided.
#[derive(Debug, Default)]
pub(crate) struct Pass {
    /// Funded projects in funding order.
    pub funded: Vec<Funded>,
    /// Why each project the pass considered (or ruled out by score) was not
    /// funded.
    pub not_funded: Vec<(usize, WhyNotFunded)>,
}

/// How a greedy pass treats a project that does not fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WhenTooDear {
    /// Skip it and try the next.
    Skip,
    /// Stop counting.
    Stop,
}

/// Runs greedy over the projects not in `already_funded`, with `budget_left`
/// to spend. Projects scoring below `min_score` are not considered. With
/// `filling`, funded projects are explained as filling money left over.
pub(crate) fn pass(
    election: &Election,
    scores: &[Decimal],
    min_score: Option<Decimal>,
    already_funded: &[bool],
    mut budget_left: Decimal,
    when_too_dear: WhenTooDear,
    filling: bool,
) -> Pass {
    let mut result = Pass::default();
    let mut order: Vec<usize> = Vec::new();
    for (index, &score) in scores.iter().enumerate() {
        if already_funded.get(index).copied().unwrap_or(false) {
            continue;
        }
        match min_score {
            Some(threshold) if score < threshold => result
                .not_funded
                .push((index, WhyNotFunded::BelowThreshold { score, threshold })),
            _ => order.push(index),
        }
    }
    // A stable sort: equal scores keep the election's order.
    order.sort_by_key(|&index| Reverse(scores[index]));
    let mut stopped_at = None;
    for (position, &index) in order.iter().enumerate() {
        let rank = position + 1;
        let score = scores[index];
        if let Some(stopped_at) = stopped_at {
            result.not_funded.push((
                index,
                WhyNotFunded::CountingStopped {
                    rank,
                    score,
                    stopped_at,
                },
            ));
            continue;
        }
        let cost = election.projects[index].cost;
        let ranked = Ranked {
            rank,
            score,
            budget_left_before: budget_left,
        };
        if cost <= budget_left {
            budget_left = budget_left.checked_sub(cost).unwrap_or(Decimal::ZERO);
            let why = if filling {
                WhyFunded::FilledLeftover(ranked)
            } else {
                WhyFunded::ByScore(ranked)
            };
            result.funded.push(Funded {
                project: index,
                cost,
                why,
            });
        } else {
            result
                .not_funded
                .push((index, WhyNotFunded::DidNotFit(ranked)));
            if when_too_dear == WhenTooDear::Stop {
                stopped_at = Some(index);
            }
        }
    }
    result
}

//! The Method of Equal Shares with cost utilities, in exact arithmetic.
//!
//! Every voter gets an equal share of the budget. In each round, every
//! project still in play asks its supporters to pay for it, each paying the
//! same amount `q`, or all they have left if that is less; `q` is the
//! smallest amount that covers the cost. A supporter's satisfaction from a
//! project is its cost (cost utilities), so the price of one unit of
//! satisfaction is `q ÷ cost`, and the project with the lowest price is
//! funded. Rounds continue until no project can be paid for. This is the
//! rule of equalshares.net and pabutools' `method_of_equal_shares` with
//! `Cost_Sat`; every decision is taken on exact fractions, as pabutools'
//! are, so the two agree to the last project.
//!
//! **Ties.** When two projects have exactly the same price, the one listed
//! first in the election is funded first (see the module documentation of
//! `budgeting`, "Ties").
//!
//! **Speed.** What keeps this fast on city-wide elections:
//! - voters who approve the same projects are one weighted class
//!   ([`ApprovalClasses`]), and classes with the same history share a
//!   purse (`purses.rs`), so a project is priced over a few hundred purses
//!   rather than tens of thousands of voters;
//! - money is exact integers over one common denominator (`ledger.rs`), and
//!   purses are sorted by `f64` approximations with proven error bounds; the
//!   exact integers settle only what the approximations cannot;
//! - a project's price from an earlier round is a lower bound on its price
//!   now (its supporters only get poorer), so a round only prices projects
//!   whose bound beats the best price found so far;
//! - every amount is affine in the starting share, and each decision is
//!   recorded in a [`Horizon`]: how far the starting share can rise before
//!   that decision could go the other way. The add-one completion
//!   (`add_one.rs`) uses it to jump over raises that change nothing.
//!
//! Why the bounds hold for any starting share `b'` up to the horizon: a
//! project's price is the largest of `(cost − Σ_D money) ÷ (payers × cost)`
//! over all ways `D` of choosing who pays all they have, because
//! `Σ min(money, q) ≤ Σ_D money + payers × q` for every `D`. So the affine
//! price found at `b` for the `D` chosen there stays a lower bound at every
//! `b'`, and only the winner's choice of `D` — which decides what everyone
//! holds afterwards — has to be checked purse by purse.

use num_bigint::BigInt;
use num_rational::BigRational;

use super::decimal::Decimal;
use super::election::Election;
use super::exact::Linear;
use super::explain_shares::Explanation;
use super::outcome::WhyNotFunded;
use super::pricing::{Bound, Priced, Pricing};
use super::support::ApprovalClasses;

/// What stays fixed across runs with different starting shares.
pub(crate) struct Setup<'e> {
    pub election: &'e Election,
    pub classes: ApprovalClasses,
    /// Project costs in millionths.
    pub costs: Vec<BigInt>,
    /// Projects that take part in the rounds: supported, costing something,
    /// and scoring at least the threshold.
    in_play: Vec<usize>,
    /// Supported projects that cost nothing: funded before the first round.
    pub free: Vec<usize>,
    /// Why each project that cannot take part is left out.
    pub left_out: Vec<(usize, WhyNotFunded)>,
    /// Each project's place in the election, for breaking ties in price.
    tie_rank: Vec<usize>,
    /// Voters approving each project.
    pub support: Vec<u64>,
}

impl<'e> Setup<'e> {
    pub fn new(election: &'e Election, scores: &[Decimal], min_score: Option<Decimal>) -> Self {
        let classes = ApprovalClasses::of(election);
        let count = election.projects.len();
        let support: Vec<u64> = (0..count).map(|p| classes.support(p)).collect();
        let tie_rank: Vec<usize> = (0..count).collect();
        let mut in_play = Vec::new();
        let mut free = Vec::new();
        let mut left_out = Vec::new();
        for project in 0..count {
            let score = scores[project];
            if let Some(threshold) = min_score.filter(|&threshold| score < threshold) {
                left_out.push((project, WhyNotFunded::BelowThreshold { score, threshold }));
            } else if support[project] == 0 {
                left_out.push((project, WhyNotFunded::NoSupporters));
            } else if election.projects[project].cost == Decimal::ZERO {
                free.push(project);
            } else {
                in_play.push(project);
            }
        }
        free.sort_by_key(|&project| tie_rank[project]);
        let costs = election
            .projects
            .iter()
            .map(|project| BigInt::from(project.cost.millionths()))
            .collect();
        Self {
            election,
            classes,
            costs,
            in_play,
            free,
            left_out,
            tie_rank,
            support,
        }
    }

    /// Every voter, including those whose ballot names no project.
    pub fn voters(&self) -> u64 {
        self.classes.voters
    }

    /// A project's cost.
    pub fn cost(&self, project: usize) -> Decimal {
        self.election.projects[project].cost
    }

    /// The projects that take part in the rounds.
    pub fn in_play(&self) -> &[usize] {
        &self.in_play
    }

    /// The budget divided equally among the voters, in millionths.
    pub fn first_share(&self) -> Option<BigRational> {
        (self.classes.voters > 0).then(|| {
            BigRational::new(
                BigInt::from(self.election.budget.millionths()),
                BigInt::from(self.classes.voters),
            )
        })
    }
}

/// A finished run.
pub(crate) struct Run {
    /// Funded projects in funding order, free ones first.
    pub funded: Vec<usize>,
    /// How far (in millionths) the starting share may rise with every
    /// decision of this run still going the same way; `None` if without
    /// limit. Only worked out when asked for.
    pub horizon: Option<f64>,
    /// What explains the outcome, when asked for.
    pub explanation: Option<Explanation>,
}

/// One run of equal shares, every voter starting with `share` (millionths).
/// With `track`, the run also works out its horizon; with `explain`, it
/// keeps what the explanation of the outcome needs.
pub(crate) fn run(setup: &Setup<'_>, share: &BigRational, track: bool, explain: bool) -> Run {
    let mut pricing = Pricing::new(setup, share, track);
    let mut explanation = explain.then(Explanation::default);
    let mut lower_bound: Vec<Bound> = setup
        .support
        .iter()
        .map(|&support| Bound::before_any_round(support))
        .collect();
    let mut in_play = setup.in_play.clone();
    let mut funded = setup.free.clone();
    loop {
        // Cheapest bound first, so the best price is found early and the
        // projects that cannot beat it are never priced.
        in_play.sort_by(|&a, &b| {
            lower_bound[a]
                .low()
                .total_cmp(&lower_bound[b].low())
                .then(setup.tie_rank[a].cmp(&setup.tie_rank[b]))
        });
        let mut priced: Vec<Priced> = Vec::new();
        let mut not_priced: Vec<usize> = Vec::new();
        let mut unaffordable: Vec<usize> = Vec::new();
        let mut best_high = f64::INFINITY;
        for &project in &in_play {
            if lower_bound[project].low() > best_high {
                not_priced.push(project);
                continue;
            }
            match pricing.price(project) {
                None => unaffordable.push(project),
                Some(price) => {
                    lower_bound[project] = price.bound().clone();
                    best_high = best_high.min(price.bound().high());
                    priced.push(price);
                }
            }
        }
        if priced.is_empty() {
            break;
        }
        let winner = choose_winner(setup, &mut pricing, &mut priced);
        let winner = priced.swap_remove(winner);
        if pricing.is_tracking() {
            // The winner must stay no dearer than every project priced this
            // round, and than the bound of every project not priced.
            let winner_bound = winner.bound();
            for other in &priced {
                pricing.stays_dearer(other.bound(), winner_bound);
            }
            for &project in &not_priced {
                pricing.stays_dearer(&lower_bound[project], winner_bound);
            }
            pricing.winner_stays_split(&winner);
        }
        in_play.retain(|&project| project != winner.project && !unaffordable.contains(&project));
        if let Some(explanation) = explanation.as_mut() {
            explanation.record_round(setup, pricing.ledger(), pricing.purses(), &winner);
        }
        pricing.pay(&winner);
        funded.push(winner.project);
    }
    let (horizon, ledger, purses) = pricing.finish();
    if let Some(explanation) = explanation.as_mut() {
        explanation.record_end(ledger, purses);
    }
    Run {
        funded,
        horizon,
        explanation,
    }
}

/// The index of the cheapest priced project, ties going to the smaller
/// `project_id`. Approximate prices settle it when one interval lies below
/// all others; otherwise the projects whose intervals overlap the lowest
/// are priced exactly and compared exactly. The winner always ends up with
/// its exact price.
fn choose_winner(setup: &Setup<'_>, pricing: &mut Pricing<'_, '_>, priced: &mut [Priced]) -> usize {
    let lowest_high = priced
        .iter()
        .map(|price| price.bound().high())
        .fold(f64::INFINITY, f64::min);
    let contenders: Vec<usize> = (0..priced.len())
        .filter(|&index| priced[index].bound().low() <= lowest_high)
        .collect();
    let exact: Vec<(usize, Linear)> = contenders
        .iter()
        .map(|&index| (index, pricing.exact_price(&mut priced[index])))
        .collect();
    let winner = exact
        .iter()
        .min_by(|(a, price_a), (b, price_b)| {
            price_a
                .cmp_value(price_b)
                .then(setup.tie_rank[priced[*a].project].cmp(&setup.tie_rank[priced[*b].project]))
        })
        .map_or(0, |(index, _)| *index);
    pricing.exact_price(&mut priced[winner]);
    winner
}

//! What a count decided, and why, for every project.
//!
//! The explanation is data, not prose: a results page renders it in the
//! reader's language, and an API returns it as JSON. Projects are referred
//! to by their index in [`super::election::Election::projects`].

use serde::Serialize;

use super::decimal::Decimal;
use super::exact::Fraction;
use super::rule::Rule;

/// The result of counting one election with one rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub rule: Rule,
    pub budget: Decimal,
    /// The total cost of the funded projects.
    pub spent: Decimal,
    /// The funded projects, in the order the rule funded them.
    pub funded: Vec<Funded>,
    /// Every other project, in the order of the file.
    pub not_funded: Vec<NotFunded>,
    /// How the voters' shares were set, for the equal-shares rules.
    pub equal_shares: Option<SharesSummary>,
}

impl Outcome {
    /// The indexes of the funded projects, in funding order.
    pub fn selected(&self) -> impl Iterator<Item = usize> + '_ {
        self.funded.iter().map(|funded| funded.project)
    }
}

/// A funded project and the reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Funded {
    pub project: usize,
    pub cost: Decimal,
    pub why: WhyFunded,
}

/// Why a project was funded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WhyFunded {
    /// Greedy: it was `rank`-th by score and still fitted in what was left.
    ByScore(Ranked),
    /// Equal shares: its supporters could pay for it from their shares.
    SharedOut(Shares),
    /// Equal shares costs nothing to fund when it costs nothing; such a
    /// project with at least one supporter is funded first.
    Free { supporters: u64 },
    /// After equal shares, the money left over went to projects in order
    /// of score, and this one fitted.
    FilledLeftover(Ranked),
}

/// A project's place in the order of score, and the money left when its
/// turn came.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    /// 1 for the highest score among the projects considered.
    pub rank: usize,
    pub score: Decimal,
    pub budget_left_before: Decimal,
}

/// How the supporters of a project funded by equal shares paid for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shares {
    /// 1 for the first project funded.
    pub round: usize,
    /// What each supporter who could afford it paid, in currency units.
    pub share: Fraction,
    /// The share divided by the project's cost: the price of one unit of
    /// satisfaction. The lowest price wins each round.
    pub price_per_unit: Fraction,
    pub supporters: u64,
    /// Supporters who paid the full share.
    pub paid_share: u64,
    /// Supporters who had less than the share left and paid all of it.
    pub paid_all_they_had: u64,
}

/// A project that was not funded and the reasons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotFunded {
    pub project: usize,
    /// One reason per stage of the rule (equal shares, then the greedy fill).
    pub why: Vec<WhyNotFunded>,
}

/// Why a project was not funded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WhyNotFunded {
    /// Its score is below META `min_project_score_threshold`.
    BelowThreshold { score: Decimal, threshold: Decimal },
    /// Greedy: when its turn came, it cost more than was left.
    DidNotFit(Ranked),
    /// Greedy without skipping: counting stopped at an earlier project that
    /// did not fit.
    CountingStopped {
        rank: usize,
        score: Decimal,
        stopped_at: usize,
    },
    /// Equal shares: nobody voted for it.
    NoSupporters,
    /// Equal shares: its supporters' shares ran out before it could be paid
    /// for, mostly spent on the projects in `taken_by`.
    SupportersRanOut {
        supporters: u64,
        cost: Decimal,
        /// What its supporters had left at the end.
        money_left: Fraction,
        /// The funded projects its supporters paid towards, largest first.
        taken_by: Vec<MoneyTaken>,
    },
}

/// Money that a funded project took from another project's supporters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MoneyTaken {
    pub project: usize,
    pub amount: Fraction,
}

/// How equal shares set each voter's share of the budget.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SharesSummary {
    /// Every voter, including those whose ballot was empty.
    pub voters: u64,
    /// The budget divided by the number of voters.
    pub first_share: Fraction,
    /// The share that produced the outcome (larger after add-one raises).
    pub final_share: Fraction,
    /// How many one-unit raises the final share is above the first.
    pub raises: u64,
    /// How many of those raises were actually run; the others provably
    /// could not change any decision.
    pub runs: u64,
}

//! Pricing projects within one run of equal shares, and paying for the
//! winner.
//!
//! A price is first worked out in `f64` over the purses' approximations,
//! together with a proven bound on its error, and the split between
//! supporters who pay the full share and those who pay all they hold is
//! checked against that bound. Most projects never need more: their price
//! interval lies clear of the winner's. The winner, and any project whose
//! interval overlaps the cheapest, are then priced exactly with the
//! [`Ledger`]'s integers, and if the `f64` split could not be proven, the
//! split is found again with exact money throughout.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Signed;

use super::equal_shares::Setup;
use super::exact::{Horizon, Linear};
use super::ledger::{Amount, Approx, Ledger};
use super::purses::{EMPTY, PurseId, Purses};

/// `f64`'s machine epsilon: twice the largest relative rounding error.
const EPSILON: f64 = f64::EPSILON;

#[expect(clippy::cast_precision_loss, reason = "voter counts, far below 2^52")]
fn as_f64(count: u64) -> f64 {
    count as f64
}

/// A price (share ÷ cost) as an interval that certainly holds the exact
/// value, with its slope in the same way, and the exact price once known.
/// A project priced in an earlier round keeps its last bound: its price
/// can only have risen since.
#[derive(Debug, Clone)]
pub(crate) struct Bound {
    value: f64,
    value_error: f64,
    slope: f64,
    slope_error: f64,
    exact: Option<Linear>,
}

impl Bound {
    /// Before any round, a price is at least 1 ÷ supporters: even if every
    /// supporter could pay, each would pay cost ÷ supporters.
    pub fn before_any_round(supporters: u64) -> Self {
        Self::exactly(Linear::fixed(
            BigInt::from(1),
            BigInt::from(supporters.max(1)),
        ))
    }

    fn exactly(price: Linear) -> Self {
        let (value, slope) = price.approx();
        Self {
            value,
            value_error: 4.0 * EPSILON * value.abs(),
            slope,
            slope_error: 4.0 * EPSILON * slope.abs(),
            exact: Some(price),
        }
    }

    /// The price is certainly no lower than this.
    pub fn low(&self) -> f64 {
        self.value - self.value_error
    }

    /// The price is certainly no higher than this.
    pub fn high(&self) -> f64 {
        self.value + self.value_error
    }
}

/// A project's price this round, and who pays what.
pub(crate) struct Priced {
    pub project: usize,
    /// The supporters' purses (none empty) with their voter counts; the
    /// first `drained` pay all they hold, the others the full share.
    pub held: Vec<(PurseId, u64)>,
    pub drained: usize,
    /// Voters who pay the full share.
    pub payers: u64,
    bound: Bound,
    /// The share is `numerator ÷ (ledger denominator × payers)`, once worked
    /// out exactly.
    numerator: Option<Amount>,
}

impl Priced {
    pub fn bound(&self) -> &Bound {
        &self.bound
    }

    /// The exact share's numerator, for a project priced exactly.
    pub fn numerator(&self) -> Option<&Amount> {
        self.numerator.as_ref()
    }

    /// The exact price, for a project priced exactly.
    pub fn exact(&self) -> Option<&Linear> {
        self.bound.exact.as_ref()
    }
}

/// The working state of one run: the money, the purses, the horizon, and
/// buffers reused from one pricing to the next.
pub(crate) struct Pricing<'s, 'e> {
    setup: &'s Setup<'e>,
    ledger: Ledger,
    purses: Purses,
    horizon: Horizon,
    weight_of_purse: Vec<u64>,
    touched: Vec<PurseId>,
    paid_by: Vec<u64>,
    next_purse: Vec<PurseId>,
}

impl<'s, 'e> Pricing<'s, 'e> {
    /// Every voter holding `share` (millionths); with `track`, decisions
    /// are recorded in a horizon.
    pub fn new(setup: &'s Setup<'e>, share: &BigRational, track: bool) -> Self {
        let ledger = Ledger::new(share);
        Self {
            setup,
            purses: Purses::new(setup.classes.weights.len(), &ledger),
            ledger,
            horizon: Horizon::new(track),
            weight_of_purse: Vec::new(),
            touched: Vec::new(),
            paid_by: Vec::new(),
            next_purse: Vec::new(),
        }
    }

    pub fn is_tracking(&self) -> bool {
        self.horizon.is_enabled()
    }

    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    pub fn purses(&self) -> &Purses {
        &self.purses
    }

    /// The horizon, and the money as it stands.
    pub fn finish(self) -> (Option<f64>, Ledger, Purses) {
        (self.horizon.nearest(), self.ledger, self.purses)
    }

    /// The purses (none empty) of a project's supporters, with how many
    /// voters hold each.
    fn supporters_purses(&mut self, project: usize) -> Vec<(PurseId, u64)> {
        let classes = &self.setup.classes;
        self.weight_of_purse.resize(self.purses.count(), 0);
        for &class in &classes.supporters[project] {
            let purse = self.purses.of_class[class as usize];
            if purse == EMPTY {
                continue;
            }
            let weight = &mut self.weight_of_purse[purse as usize];
            if *weight == 0 {
                self.touched.push(purse);
            }
            *weight += classes.weights[class as usize];
        }
        let weight_of_purse = &mut self.weight_of_purse;
        self.touched
            .drain(..)
            .map(|purse| (purse, std::mem::take(&mut weight_of_purse[purse as usize])))
            .collect()
    }

    /// What the given purses hold together, exactly.
    fn held_by(&mut self, held: &[(PurseId, u64)]) -> Amount {
        self.paid_by.clear();
        self.paid_by.resize(self.ledger.rounds(), 0);
        let mut voters = 0;
        for &(purse, weight) in held {
            voters += weight;
            for &round in self.purses.history(purse) {
                self.paid_by[round as usize] += weight;
            }
        }
        self.ledger.held_by(voters, &self.paid_by)
    }

    fn cost(&self, project: usize) -> Amount {
        self.ledger.fixed(&self.setup.costs[project])
    }

    /// Prices a project over its supporters' purses, or `None` if together
    /// they hold less than its cost (recorded in the horizon).
    pub fn price(&mut self, project: usize) -> Option<Priced> {
        let mut held = self.supporters_purses(project);
        #[expect(
            clippy::cast_precision_loss,
            reason = "an approximation; close calls are settled exactly"
        )]
        let cost = self.setup.election.projects[project].cost.millionths() as f64;
        match self.affordable_approx(&held, cost) {
            Some(true) => {}
            Some(false) => return None,
            None => {
                let shortfall = self.cost(project).minus(&self.held_by(&held));
                if shortfall.value.is_positive() {
                    self.horizon.holds_ratio(&shortfall.value, &shortfall.slope);
                    return None;
                }
            }
        }
        if let Some(drained) = self.approximate_split(&mut held, cost)
            && let Some((bound, payers)) = self.approximate_price(&held, drained, cost)
        {
            return Some(Priced {
                project,
                held,
                drained,
                payers,
                bound,
                numerator: None,
            });
        }
        let (drained, numerator, payers) = self.exact_split(project, &mut held);
        let price = self.exact_price_of(project, &numerator, payers);
        Some(Priced {
            project,
            held,
            drained,
            payers,
            bound: Bound::exactly(price),
            numerator: Some(numerator),
        })
    }

    /// Whether the purses together certainly hold the cost (`Some(true)`),
    /// certainly do not (`Some(false)`, recorded in the horizon), or are too
    /// close to call without exact money (`None`).
    fn affordable_approx(&mut self, held: &[(PurseId, u64)], cost: f64) -> Option<bool> {
        let full = self.ledger.share_approx().value;
        let (mut total, mut error, mut slope, mut slope_error) = (0.0, 0.0, 0.0, 0.0);
        for &(purse, weight) in held {
            let weight = as_f64(weight);
            let entry = self.purses.get(purse);
            total += weight * entry.approx.value;
            error += weight * entry.value_error(full);
            slope += weight * entry.approx.slope;
            slope_error += weight * entry.slope_error();
        }
        // Each product and sum rounds once, by at most EPSILON × the running
        // total; allow twice that.
        let steps = as_f64(held.len() as u64 + 2);
        error += 2.0 * steps * EPSILON * total.abs();
        slope_error += 2.0 * steps * EPSILON * (slope.abs() + slope_error);
        if total - error >= cost {
            return Some(true);
        }
        if total + error < cost {
            // The shortfall stays positive until the money grows by it, and
            // the money grows by at most `slope + error` per unit.
            let fastest = slope + slope_error;
            if fastest > 0.0 {
                let shortfall = cost - total - error;
                self.horizon
                    .reach_at_least(shortfall / fastest * (1.0 - 1e-9));
            }
            return Some(false);
        }
        None
    }

    /// Splits the purses, by `f64` arithmetic, into those that pay all they
    /// hold (moved to the front) and those that pay the full share, and
    /// returns how many pay all. Starting from "everyone pays the share",
    /// each pass moves the purses holding less than the current share to
    /// the front and works the share out again, until no purse moves (the
    /// "poor and rich" iteration). `None` if no split is found.
    fn approximate_split(&self, held: &mut [(PurseId, u64)], cost: f64) -> Option<usize> {
        let mut payers = as_f64(held.iter().map(|&(_, weight)| weight).sum::<u64>());
        let mut drained = 0;
        let mut drained_money = 0.0;
        loop {
            if payers <= 0.0 {
                return None;
            }
            let share = (cost - drained_money) / payers;
            let before = drained;
            for position in before..held.len() {
                let (purse, weight) = held[position];
                let money = self.purses.get(purse).approx.value;
                if money < share {
                    drained_money += as_f64(weight) * money;
                    payers -= as_f64(weight);
                    held.swap(drained, position);
                    drained += 1;
                }
            }
            if drained == before {
                return Some(drained);
            }
        }
    }

    /// The price for a split, as a proven interval, with the number of
    /// voters paying the full share; `None` if the interval cannot prove
    /// that every purse is on the right side of the share.
    fn approximate_price(
        &self,
        held: &[(PurseId, u64)],
        drained: usize,
        cost: f64,
    ) -> Option<(Bound, u64)> {
        let payers: u64 = held[drained..].iter().map(|&(_, weight)| weight).sum();
        if payers == 0 {
            return None;
        }
        let full = self.ledger.share_approx().value;
        let (mut money, mut money_size, mut money_error) = (0.0, 0.0, 0.0);
        let (mut slope, mut slope_size, mut slope_error) = (0.0, 0.0, 0.0);
        for &(purse, weight) in &held[..drained] {
            let weight = as_f64(weight);
            let entry = self.purses.get(purse);
            money += weight * entry.approx.value;
            money_size += weight * entry.approx.value.abs();
            money_error += weight * entry.value_error(full);
            slope += weight * entry.approx.slope;
            slope_size += weight * entry.approx.slope.abs();
            slope_error += weight * entry.slope_error();
        }
        let rounding = 2.0 * as_f64(drained as u64 + 4) * EPSILON;
        money_error += rounding * (money_size + cost);
        slope_error += rounding * slope_size;
        let payers_f = as_f64(payers);
        let share = (cost - money) / payers_f;
        let share_error = money_error / payers_f + 4.0 * EPSILON * share.abs();
        let share_slope = -slope / payers_f;
        let share_slope_error = slope_error / payers_f + 4.0 * EPSILON * share_slope.abs();
        let proven = held.iter().enumerate().all(|(position, &(purse, _))| {
            let entry = self.purses.get(purse);
            let margin = entry.value_error(full) + share_error;
            if position < drained {
                entry.approx.value + margin < share
            } else {
                entry.approx.value - margin > share
            }
        });
        if !proven {
            return None;
        }
        let price = share / cost;
        let price_slope = share_slope / cost;
        let bound = Bound {
            value: price,
            value_error: share_error / cost + 4.0 * EPSILON * price.abs(),
            slope: price_slope,
            slope_error: share_slope_error / cost + 4.0 * EPSILON * price_slope.abs(),
            exact: None,
        };
        Some((bound, payers))
    }

    /// Finds the split with exact money throughout: the slow path, taken
    /// only when the approximations cannot prove a split.
    fn exact_split(&mut self, project: usize, held: &mut [(PurseId, u64)]) -> (usize, Amount, u64) {
        let cost = self.cost(project);
        let mut with_money: Vec<(BigInt, PurseId, u64)> = held
            .iter()
            .map(|&(purse, weight)| (self.purses.exact(purse, &self.ledger).value, purse, weight))
            .collect();
        with_money.sort_by(|a, b| a.0.cmp(&b.0));
        for (slot, (_, purse, weight)) in held.iter_mut().zip(&with_money) {
            *slot = (*purse, *weight);
        }
        let mut payers: u64 = held.iter().map(|&(_, weight)| weight).sum();
        let mut numerator = cost.value.clone();
        let mut drained = 0;
        for (money, _, weight) in &with_money {
            // The share is numerator ÷ (D × payers); a purse holds money ÷ D.
            if numerator <= money * payers {
                break;
            }
            numerator -= money * *weight;
            payers -= weight;
            drained += 1;
        }
        if drained == held.len() {
            // Unreachable: the purses hold at least the cost, so the richest
            // can always pay the last share. Keep everyone paying the share.
            drained = 0;
        }
        let payers = held[drained..].iter().map(|&(_, weight)| weight).sum();
        let numerator = cost.minus(&self.held_by(&held[..drained]));
        (drained, numerator, payers)
    }

    fn exact_price_of(&self, project: usize, numerator: &Amount, payers: u64) -> Linear {
        self.ledger.linear(
            numerator,
            &(BigInt::from(payers) * &self.setup.costs[project]),
        )
    }

    /// The exact price of a priced project, working out its exact share
    /// first if need be (the split is already proven).
    pub fn exact_price(&mut self, priced: &mut Priced) -> Linear {
        if let Some(price) = &priced.bound.exact {
            return price.clone();
        }
        let numerator = self
            .cost(priced.project)
            .minus(&self.held_by(&priced.held[..priced.drained]));
        let price = self.exact_price_of(priced.project, &numerator, priced.payers);
        priced.numerator = Some(numerator);
        priced.bound = Bound::exactly(price.clone());
        price
    }

    /// Records that a project's price (or lower bound) stays at least the
    /// winner's.
    pub fn stays_dearer(&mut self, other: &Bound, winner: &Bound) {
        let gap = other.low() - winner.high();
        if gap <= 0.0 {
            if let (Some(other), Some(winner)) = (&other.exact, &winner.exact) {
                self.horizon.holds_order(other, winner);
            } else {
                self.horizon.reach_at_least(0.0);
            }
            return;
        }
        let slope = other.slope - winner.slope;
        let slope_error = other.slope_error + winner.slope_error;
        if slope - slope_error < 0.0 {
            self.horizon
                .reach_at_least(gap / (slope_error - slope) * (1.0 - 1e-9));
        }
    }

    /// Records in the horizon that each of the winner's purses stays on its
    /// side of the share: at most the share if it pays all it holds, at
    /// least the share otherwise. Approximations give a safe lower bound on
    /// how far that holds; exact money settles the close calls.
    pub fn winner_stays_split(&mut self, winner: &Priced) {
        let Some(numerator) = &winner.numerator else {
            self.horizon.reach_at_least(0.0);
            return;
        };
        let share = self.ledger.share_approx_of(numerator, winner.payers);
        let full = self.ledger.share_approx().value;
        for (position, &(purse, _)) in winner.held.iter().enumerate() {
            let drains = position < winner.drained;
            let entry = self.purses.get(purse);
            let sign = if drains { 1.0 } else { -1.0 };
            let gap = Approx {
                value: sign * (share.value - entry.approx.value),
                slope: sign * (share.slope - entry.approx.slope),
            };
            let value_error = entry.value_error(full) + 4.0 * EPSILON * share.value.abs();
            let slope_error = entry.slope_error() + 4.0 * EPSILON * share.slope.abs();
            if gap.slope - slope_error >= 0.0 {
                continue;
            }
            if gap.value - value_error > 0.0 {
                let steepest = slope_error - gap.slope;
                self.horizon
                    .reach_at_least((gap.value - value_error) / steepest * (1.0 - 1e-9));
                continue;
            }
            let money = self.purses.exact(purse, &self.ledger);
            let payers = BigInt::from(winner.payers);
            let value = &numerator.value - &money.value * &payers;
            let slope = &numerator.slope - &money.slope * &payers;
            if drains {
                self.horizon.holds_ratio(&value, &slope);
            } else {
                self.horizon.holds_ratio(&-value, &-slope);
            }
        }
    }

    /// Takes the winner's cost out of its supporters' purses.
    pub fn pay(&mut self, winner: &Priced) {
        let Some(numerator) = &winner.numerator else {
            return;
        };
        let round = self.ledger.record_share(numerator, winner.payers);
        self.next_purse.resize(self.purses.count(), EMPTY);
        for &(purse, _) in &winner.held[winner.drained..] {
            self.next_purse[purse as usize] = self.purses.after_paying(purse, round, &self.ledger);
        }
        for &class in &self.setup.classes.supporters[winner.project] {
            let purse = &mut self.purses.of_class[class as usize];
            if *purse != EMPTY {
                *purse = self.next_purse[*purse as usize];
            }
        }
        for &(purse, _) in &winner.held {
            self.next_purse[purse as usize] = EMPTY;
        }
    }
}

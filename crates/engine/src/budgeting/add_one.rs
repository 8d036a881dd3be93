//! The "add one" completion of equal shares, as equalshares.net and
//! pabutools (`voter_budget_increment=1`) define it.
//!
//! Equal shares on its own usually leaves money unspent. So the voters'
//! share starts at exactly budget ÷ voters and is raised by one currency
//! unit at a time, running equal shares again each time, until either
//! - the outcome is exhaustive — no project in play that was not funded
//!   would fit in what is left of the real budget — and it stands; or
//! - the outcome costs more than the real budget, and the outcome of the
//!   raise before it stands.
//!
//! Running every raise is what makes the reference implementation slow
//! (minutes on a city-wide election). Here each run also reports its
//! horizon: how far the share can rise with every one of its decisions
//! still going the same way (see `equal_shares.rs`). Every raise below the
//! horizon would repeat this run's outcome exactly, so the loop jumps to the
//! first raise at or past the horizon. The raises it jumps over are not
//! guessed: each would have made the same comparisons with the same results.
//!
//! (A second way to jump was tried and dropped: for a fixed order of
//! winners, more money never leaves anyone poorer, so a run at the far end
//! of a jump bounds every price in between. On the shared elections that
//! bound almost never proved even a single raise, because some round always
//! has a runner-up within a raise's drift of the winner.)

use num_bigint::BigInt;
use num_rational::BigRational;

use super::decimal::Decimal;
use super::equal_shares::{Run, Setup, run};

/// One currency unit, in millionths.
const ONE_UNIT: i64 = 1_000_000;

/// The run that stands, and how it was reached.
pub(crate) struct Completed {
    pub run: Run,
    /// The share (millionths) of the run that stands.
    pub share: BigRational,
    /// How many one-unit raises above budget ÷ voters that share is.
    pub raises: u64,
    /// How many runs were actually computed.
    pub runs: u64,
}

/// Equal shares with the add-one completion. `None` when nobody voted.
pub(crate) fn complete(setup: &Setup<'_>, budget: Decimal) -> Option<Completed> {
    let first_share = setup.first_share()?;
    let unit = BigRational::from_integer(BigInt::from(ONE_UNIT));
    let share_at = |raises: u64| &first_share + &unit * BigInt::from(raises);
    let mut raises: u64 = 0;
    let mut runs: u64 = 0;
    loop {
        let current = run(setup, &share_at(raises), true, false);
        runs += 1;
        let spent = cost_of(setup, &current.funded);
        if spent > budget {
            // The raise before this one stands: it repeats the outcome of
            // the last computed run, as every raise jumped over does. (The
            // first run never overspends: the shares add up to the budget.)
            let before = raises.saturating_sub(1);
            return Some(finish(setup, share_at(before), before, runs));
        }
        if is_exhaustive(setup, &current.funded, budget, spent) {
            return Some(finish(setup, share_at(raises), raises, runs));
        }
        let Some(horizon) = current.horizon else {
            // No decision can ever change, so no raise can make the outcome
            // exhaustive or overspend: this outcome is final.
            return Some(finish(setup, share_at(raises), raises, runs));
        };
        raises = raises.saturating_add(raises_to_reach(horizon));
    }
}

/// The smallest number of raises (at least one) that reaches `horizon`
/// (millionths). The horizon is already rounded down, and the quotient is
/// shrunk a little more so that `f64` rounding cannot carry it past a whole
/// number it did not reach.
fn raises_to_reach(horizon: f64) -> u64 {
    #[expect(clippy::cast_precision_loss, reason = "one unit is exactly 10^6")]
    let units = horizon / ONE_UNIT as f64 * (1.0 - 1e-12);
    if units >= 1.8e19 {
        return u64::MAX;
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a non-negative whole number below 2^64, checked above"
    )]
    let raises = units.ceil() as u64;
    raises.max(1)
}

/// Runs the standing share once more, keeping what the explanation needs.
fn finish(setup: &Setup<'_>, share: BigRational, raises: u64, runs: u64) -> Completed {
    let run = run(setup, &share, false, true);
    Completed {
        run,
        share,
        raises,
        runs,
    }
}

/// The total cost of the funded projects.
pub(crate) fn cost_of(setup: &Setup<'_>, funded: &[usize]) -> Decimal {
    funded.iter().map(|&project| setup.cost(project)).sum()
}

/// True when no project in play that was not funded fits in what is left.
fn is_exhaustive(setup: &Setup<'_>, funded: &[usize], budget: Decimal, spent: Decimal) -> bool {
    let left = budget.checked_sub(spent).unwrap_or(Decimal::ZERO);
    setup
        .in_play()
        .iter()
        .all(|project| funded.contains(project) || setup.cost(*project) > left)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jumps_to_the_first_raise_at_or_past_the_horizon() {
        let unit = 1_000_000.0;
        assert_eq!(raises_to_reach(0.0), 1);
        assert_eq!(raises_to_reach(unit / 3.0), 1);
        assert_eq!(raises_to_reach(unit), 1);
        assert_eq!(raises_to_reach(unit + 1.0), 2);
        assert_eq!(raises_to_reach(5.0 * unit), 5);
        assert_eq!(raises_to_reach(1e40), u64::MAX);
    }
}

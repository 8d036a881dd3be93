//! The exact money of one run of equal shares, kept cheap.
//!
//! A voter's money left is always the starting share minus the full shares
//! they paid so far (`b − q₁ − q₂ − …`), or nothing at all once they have
//! paid all they had. So the run never stores a voter's money as a number:
//! it stores which rounds' shares they paid (their purse's history, see
//! `equal_shares.rs`), and the [`Ledger`] holds the starting share and each
//! round's share as integers over one common denominator. Adding up what a
//! group of voters holds is then one integer multiply-add per round, not one
//! fraction addition per voter, and no greatest common divisor is ever
//! computed in the inner loop.
//!
//! Each amount also carries its slope (how it moves as the starting share
//! rises), for the horizon, and an `f64` approximation for quick sorting;
//! decisions that the approximation cannot settle beyond doubt are settled
//! with the exact integers.

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, ToPrimitive, Zero};

use super::exact::{Linear, ratio_to_f64};

/// An amount as numerators over the ledger's denominator: its value at the
/// current starting share, and its slope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Amount {
    pub value: BigInt,
    pub slope: BigInt,
}

impl Amount {
    fn zero() -> Self {
        Self {
            value: BigInt::zero(),
            slope: BigInt::zero(),
        }
    }

    pub fn minus(&self, other: &Self) -> Self {
        Self {
            value: &self.value - &other.value,
            slope: &self.slope - &other.slope,
        }
    }

    fn scale(&mut self, factor: &BigInt) {
        self.value *= factor;
        self.slope *= factor;
    }

    fn add_times(&mut self, other: &Self, times: u64) {
        if times == 1 {
            self.value += &other.value;
            self.slope += &other.slope;
        } else if times != 0 {
            self.value += &other.value * times;
            self.slope += &other.slope * times;
        }
    }

    fn sub_times(&mut self, other: &Self, times: u64) {
        if times == 1 {
            self.value -= &other.value;
            self.slope -= &other.slope;
        } else if times != 0 {
            self.value -= &other.value * times;
            self.slope -= &other.slope * times;
        }
    }
}

/// An `f64` view of an amount, for sorting and quick comparisons.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Approx {
    pub value: f64,
    pub slope: f64,
}

/// The starting share and each round's share, over one denominator.
#[derive(Debug, Clone)]
pub(crate) struct Ledger {
    denominator: BigInt,
    share: Amount,
    paid: Vec<Amount>,
    share_approx: Approx,
    paid_approx: Vec<Approx>,
}

impl Ledger {
    /// A ledger for a run where every voter starts with `share`, which
    /// rises one for one with itself.
    pub fn new(share: &BigRational) -> Self {
        let denominator = share.denom().clone();
        let share = Amount {
            value: share.numer().clone(),
            slope: denominator.clone(),
        };
        let share_approx = Approx {
            value: ratio_to_f64(&share.value, &denominator),
            slope: 1.0,
        };
        Self {
            denominator,
            share,
            paid: Vec::new(),
            share_approx,
            paid_approx: Vec::new(),
        }
    }

    pub fn denominator(&self) -> &BigInt {
        &self.denominator
    }

    /// The starting share, approximately.
    pub fn share_approx(&self) -> Approx {
        self.share_approx
    }

    /// A round's share, approximately.
    pub fn paid_approx(&self, round: usize) -> Approx {
        self.paid_approx[round]
    }

    /// How many rounds have been paid for.
    pub fn rounds(&self) -> usize {
        self.paid.len()
    }

    /// A fixed amount in millionths, such as a cost.
    pub fn fixed(&self, millionths: &BigInt) -> Amount {
        Amount {
            value: millionths * &self.denominator,
            slope: BigInt::zero(),
        }
    }

    /// What `voters` voters hold together, given how many of them paid each
    /// round's share (`paid_by[round]`). Every one of them must hold
    /// something (none has paid all they had).
    pub fn held_by(&self, voters: u64, paid_by: &[u64]) -> Amount {
        let mut total = Amount::zero();
        total.add_times(&self.share, voters);
        for (round, &count) in paid_by.iter().enumerate() {
            total.sub_times(&self.paid[round], count);
        }
        total
    }

    /// What one voter holds after paying the shares of `rounds`.
    pub fn purse(&self, rounds: &[u32]) -> Amount {
        let mut amount = self.share.clone();
        for &round in rounds {
            amount.sub_times(&self.paid[round as usize], 1);
        }
        amount
    }

    /// Records a new round's share, `numerator ÷ (denominator × payers)`,
    /// and returns its round number. The common denominator grows by as
    /// little as it must, and every amount is rewritten over it.
    pub fn record_share(&mut self, numerator: &Amount, payers: u64) -> usize {
        // The common factor of the numerator and the (small) payer count,
        // found from the remainders so that no big-number gcd is needed.
        let common = [&numerator.value, &numerator.slope]
            .iter()
            .fold(payers, |common, part| {
                if common <= 1 {
                    return common;
                }
                // A remainder of zero means `common` divides this part.
                let remainder = part.mod_floor(&BigInt::from(common)).to_u64().unwrap_or(0);
                remainder.gcd(&common)
            })
            .max(1);
        let factor = BigInt::from(payers / common);
        let mut share = numerator.clone();
        if common > 1 {
            share.value /= common;
            share.slope /= common;
        }
        if !factor.is_one() {
            self.denominator *= &factor;
            self.share.scale(&factor);
            for paid in &mut self.paid {
                paid.scale(&factor);
            }
        }
        let approx = self.approx(&share);
        self.paid.push(share);
        self.paid_approx.push(approx);
        self.paid.len() - 1
    }

    /// An amount (over this ledger's denominator, divided further by
    /// `divisor`) as exact fractions.
    pub fn linear(&self, amount: &Amount, divisor: &BigInt) -> Linear {
        Linear {
            value: amount.value.clone(),
            slope: amount.slope.clone(),
            denominator: &self.denominator * divisor,
        }
    }

    /// The share `numerator ÷ (denominator × payers)` as `f64`s.
    pub fn share_approx_of(&self, numerator: &Amount, payers: u64) -> Approx {
        let denominator = &self.denominator * payers;
        Approx {
            value: ratio_to_f64(&numerator.value, &denominator),
            slope: ratio_to_f64(&numerator.slope, &denominator),
        }
    }

    /// An amount as `f64`s.
    pub fn approx(&self, amount: &Amount) -> Approx {
        Approx {
            value: ratio_to_f64(&amount.value, &self.denominator),
            slope: ratio_to_f64(&amount.slope, &self.denominator),
        }
    }
}

//! Exact fractions, amounts that move in a straight line as the voters'
//! starting share is raised, and the horizon up to which a run's decisions
//! provably hold.
//!
//! Within a stretch of starting shares `b` where a run of equal shares
//! makes the same decisions, every amount in it — a voter's money left, a
//! project's price — is an affine function of `b`: `value + slope × (b − b₀)`.
//! [`Linear`] carries both parts. Each decision rests on some amount being at
//! least zero; the [`Horizon`] records, for each, how far `b` can rise before
//! that amount could reach zero, and keeps the nearest.

use std::cmp::Ordering;
use std::fmt;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};
use serde::{Serialize, Serializer};

/// An exact fraction, shown as a decimal and serialised with both its exact
/// form and an approximation for charts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fraction(pub BigRational);

impl Fraction {
    /// The nearest `f64`, for display; never used for decisions.
    pub fn to_f64(&self) -> f64 {
        self.0.to_f64().unwrap_or(f64::NAN)
    }

    /// An amount of millionths (how [`super::decimal::Decimal`] counts) as a
    /// fraction of whole units.
    pub(crate) fn from_millionths(millionths: &BigRational) -> Self {
        Self(millionths / BigInt::from(1_000_000))
    }
}

impl fmt::Display for Fraction {
    /// Up to six decimal places, trailing zeros dropped; a `…` marks a
    /// value that was cut short.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scale = BigInt::from(1_000_000);
        let scaled = &self.0 * BigRational::from_integer(scale.clone());
        let rounded = scaled.round().to_integer();
        let sign = if rounded.is_negative() { "-" } else { "" };
        let magnitude = rounded.abs();
        let whole = &magnitude / &scale;
        let part = (&magnitude % &scale).to_u64().unwrap_or(0);
        let digits = format!("{part:06}");
        let digits = digits.trim_end_matches('0');
        let cut = if scaled.is_integer() { "" } else { "…" };
        if digits.is_empty() {
            write!(f, "{sign}{whole}{cut}")
        } else {
            write!(f, "{sign}{whole}.{digits}{cut}")
        }
    }
}

impl Serialize for Fraction {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut fields = serializer.serialize_struct("Fraction", 2)?;
        fields.serialize_field("exact", &self.0.to_string())?;
        fields.serialize_field("approx", &self.to_f64())?;
        fields.end()
    }
}

/// An exact amount at the current starting share, with how fast it changes
/// as that share rises: `value ÷ denominator` and `slope ÷ denominator`.
/// The fraction is left unreduced (reducing costs a greatest common divisor
/// and comparisons do not need it); the denominator is always positive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Linear {
    pub value: BigInt,
    pub slope: BigInt,
    pub denominator: BigInt,
}

impl Linear {
    /// A fixed fraction.
    pub fn fixed(numerator: BigInt, denominator: BigInt) -> Self {
        Self {
            value: numerator,
            slope: BigInt::zero(),
            denominator,
        }
    }

    /// Orders by the current value alone.
    pub fn cmp_value(&self, other: &Self) -> Ordering {
        (&self.value * &other.denominator).cmp(&(&other.value * &self.denominator))
    }

    /// The current value and slope as `f64`s, each within about one unit
    /// in the last place.
    pub fn approx(&self) -> (f64, f64) {
        (
            ratio_to_f64(&self.value, &self.denominator),
            ratio_to_f64(&self.slope, &self.denominator),
        )
    }
}

/// `numerator ÷ denominator` as an `f64`, even when both are far beyond
/// `f64`'s range: each is cut to its top 64 bits first, so the result is
/// within about one unit in the last place of the true quotient.
pub(crate) fn ratio_to_f64(numerator: &BigInt, denominator: &BigInt) -> f64 {
    let (top_n, shift_n) = top_bits(numerator);
    let (top_d, shift_d) = top_bits(denominator);
    let exponent = i32::try_from(shift_n - shift_d).unwrap_or(i32::MAX);
    top_n / top_d * 2_f64.powi(exponent)
}

/// The top 64 bits of an integer as an `f64`, and how far they were shifted.
fn top_bits(number: &BigInt) -> (f64, i64) {
    let bits = number.bits();
    let shift = bits.saturating_sub(64);
    let top = (number >> shift).to_f64().unwrap_or(f64::NAN);
    (top, i64::try_from(shift).unwrap_or(i64::MAX))
}

/// Rounding slack for turning an exact distance into an `f64` that is
/// certainly no larger: `f64` division is off by at most half a unit in the
/// last place, far below this.
const SHRINK: f64 = 1.0 - 1e-12;

/// How far the starting share can rise (in millionths) with every recorded
/// fact still holding. Each fact is "this amount is at least zero at the
/// current share"; an amount with a negative slope reaches zero after
/// `value ÷ −slope`. The horizon is the nearest such reach, rounded down,
/// so it never claims more than is true.
#[derive(Debug)]
pub(crate) struct Horizon {
    nearest: f64,
    enabled: bool,
}

impl Horizon {
    /// A horizon that records facts; a disabled one ignores them, for runs
    /// done only once.
    pub fn new(enabled: bool) -> Self {
        Self {
            nearest: f64::INFINITY,
            enabled,
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Records a reach already known to be no larger than the true one.
    pub fn reach_at_least(&mut self, reach: f64) {
        if self.enabled {
            self.nearest = self.nearest.min(reach.max(0.0));
        }
    }

    /// Records that `value ÷ d` is at least zero and moves by `slope ÷ d`,
    /// for any positive `d`.
    pub fn holds_ratio(&mut self, value: &BigInt, slope: &BigInt) {
        if !self.enabled || !slope.is_negative() {
            return;
        }
        let reach = BigRational::new_raw(value.clone(), -slope);
        self.reach_at_least(reach.to_f64().unwrap_or(0.0) * SHRINK);
    }

    /// Records that `larger − smaller` is at least zero.
    pub fn holds_order(&mut self, larger: &Linear, smaller: &Linear) {
        if !self.enabled {
            return;
        }
        // Over the common denominator `larger.d × smaller.d`:
        let value = &larger.value * &smaller.denominator - &smaller.value * &larger.denominator;
        let slope = &larger.slope * &smaller.denominator - &smaller.slope * &larger.denominator;
        self.holds_ratio(&value, &slope);
    }

    /// The horizon in millionths of the share; `None` when no fact can ever
    /// stop holding.
    pub fn nearest(&self) -> Option<f64> {
        self.nearest.is_finite().then_some(self.nearest)
    }
}

//! Exact decimal amounts: budgets, costs and published scores.
//!
//! Money must never be rounded while counting, and pabulib files write
//! amounts as decimals ("2228141.75", "150000.0"). A [`Decimal`] holds such a
//! number exactly as a whole count of millionths, so sums and comparisons are
//! plain integer arithmetic and `0.1 + 0.2` is exactly `0.3`.

use std::fmt;

use num_bigint::BigInt;
use num_rational::BigRational;
use serde::{Serialize, Serializer};

/// How many decimal places a [`Decimal`] keeps.
pub const DECIMAL_PLACES: u32 = 6;
/// The number of millionths in one whole unit.
const ONE: i64 = 10_i64.pow(DECIMAL_PLACES);

/// An exact decimal number with up to six decimal places.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Decimal {
    millionths: i64,
}

/// Why some text is not a decimal number this module accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    #[error("{0:?} is not a number")]
    NotANumber(String),
    #[error("{0:?} has more than {DECIMAL_PLACES} decimal places")]
    TooPrecise(String),
    #[error("{0:?} is too large")]
    TooLarge(String),
}

impl Decimal {
    /// Zero.
    pub const ZERO: Self = Self { millionths: 0 };

    /// A whole number.
    pub const fn from_whole(whole: i64) -> Self {
        Self {
            millionths: whole * ONE,
        }
    }

    /// Reads `123`, `-4`, `150000.0` or `2228141.75`. Surrounding spaces are
    /// ignored; exponents, thousands separators and commas are refused.
    pub fn parse(text: &str) -> Result<Self, DecimalError> {
        let trimmed = text.trim();
        let not_a_number = || DecimalError::NotANumber(text.to_owned());
        let (negative, unsigned) = match trimmed.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
        };
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
            return Err(not_a_number());
        }
        let fraction = fraction.trim_end_matches('0');
        if fraction.len() > DECIMAL_PLACES as usize {
            return Err(DecimalError::TooPrecise(text.to_owned()));
        }
        let too_large = || DecimalError::TooLarge(text.to_owned());
        let whole: i64 = whole.parse().map_err(|_| too_large())?;
        let mut millionths = whole.checked_mul(ONE).ok_or_else(too_large)?;
        if !fraction.is_empty() {
            let places = u32::try_from(fraction.len()).map_err(|_| not_a_number())?;
            let digits: i64 = fraction.parse().map_err(|_| not_a_number())?;
            millionths += digits * 10_i64.pow(DECIMAL_PLACES - places);
        }
        Ok(Self {
            millionths: if negative { -millionths } else { millionths },
        })
    }

    /// The amount as a whole count of millionths.
    pub const fn millionths(self) -> i64 {
        self.millionths
    }

    /// Builds an amount from a whole count of millionths.
    pub const fn from_millionths(millionths: i64) -> Self {
        Self { millionths }
    }

    /// True when the amount is below zero.
    pub const fn is_negative(self) -> bool {
        self.millionths < 0
    }

    /// The sum, or `None` if it does not fit.
    pub fn checked_add(self, other: Self) -> Option<Self> {
        self.millionths
            .checked_add(other.millionths)
            .map(Self::from_millionths)
    }

    /// The difference, or `None` if it does not fit.
    pub fn checked_sub(self, other: Self) -> Option<Self> {
        self.millionths
            .checked_sub(other.millionths)
            .map(Self::from_millionths)
    }

    /// The exact value as a fraction of whole units.
    pub fn to_rational(self) -> BigRational {
        BigRational::new(BigInt::from(self.millionths), BigInt::from(ONE))
    }

    /// The nearest `f64`, for charts and JSON; never used for decisions.
    #[expect(
        clippy::cast_precision_loss,
        reason = "an approximation for display; counting uses the exact value"
    )]
    pub fn to_f64(self) -> f64 {
        self.millionths as f64 / ONE as f64
    }

    /// The value as a JSON number: an integer when it is whole, otherwise
    /// the shortest decimal that reads back as the same `f64`.
    pub fn to_json(self) -> serde_json::Value {
        if self.millionths % ONE == 0 {
            serde_json::Value::from(self.millionths / ONE)
        } else {
            serde_json::Value::from(self.to_f64())
        }
    }
}

impl fmt::Display for Decimal {
    /// Writes the shortest exact form: `150000`, `2228141.75`, `-0.5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.millionths < 0 { "-" } else { "" };
        let magnitude = self.millionths.unsigned_abs();
        let one = ONE.unsigned_abs();
        let (whole, fraction) = (magnitude / one, magnitude % one);
        if fraction == 0 {
            return write!(f, "{sign}{whole}");
        }
        let digits = format!("{fraction:06}");
        write!(f, "{sign}{whole}.{}", digits.trim_end_matches('0'))
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl std::iter::Sum for Decimal {
    /// Sums amounts. Amounts read from a file are bounded well below the
    /// limit, so an overflow here is a programming error and saturates.
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        Self::from_millionths(iter.fold(0_i64, |total, amount| {
            total.saturating_add(amount.millionths)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_the_shortest_exact_form() {
        for (text, shown) in [
            ("150000", "150000"),
            ("150000.0", "150000"),
            ("2228141.75", "2228141.75"),
            (" 0.000001 ", "0.000001"),
            ("-3.50", "-3.5"),
            ("+7", "7"),
        ] {
            assert_eq!(Decimal::parse(text).unwrap().to_string(), shown, "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_plain_decimal() {
        for text in ["", "1e6", "1,5", "12a", ".5", "1.2.3", "--1"] {
            assert!(
                matches!(Decimal::parse(text), Err(DecimalError::NotANumber(_))),
                "{text}"
            );
        }
        assert!(matches!(
            Decimal::parse("0.0000001"),
            Err(DecimalError::TooPrecise(_))
        ));
        assert!(matches!(
            Decimal::parse("99999999999999999999"),
            Err(DecimalError::TooLarge(_))
        ));
    }

    #[test]
    fn sums_exactly() {
        let tenth = Decimal::parse("0.1").unwrap();
        let fifth = Decimal::parse("0.2").unwrap();
        assert_eq!(
            tenth.checked_add(fifth),
            Some(Decimal::parse("0.3").unwrap())
        );
        assert_eq!(
            Decimal::parse("1.25").unwrap().to_json(),
            serde_json::json!(1.25)
        );
        assert_eq!(Decimal::from_whole(4).to_json(), serde_json::json!(4));
    }
}

//! How much the SROI ratio depends on each assumption.
//!
//! Each assumption is moved 25% down and 25% up (relative: a deadweight of
//! 0.4 becomes 0.3 and 0.5) for every outcome at once, everything else held
//! at its base value, and the case is worked out again. Rules where a
//! relative change needs one:
//!
//! - fractions and the discount rate are capped at 1, and the row says so;
//! - durations are rounded to whole years (halves upwards: 2 × 1.25 = 2.5
//!   becomes 3) and never fall below 1 year, which the row also flags;
//! - an assumption that is 0 stays 0 — a relative change cannot move it,
//!   which is worth knowing when reading the table;
//! - inputs are moved by scaling money, staff hours and volunteer hours,
//!   leaving the hourly rates alone, so the total moves by exactly 25%.

use serde::{Deserialize, Serialize};

use super::appraisal::appraise;
use super::model::{BusinessCase, FieldError, MAX_DURATION_YEARS};

/// The relative change each assumption is moved by.
pub const SENSITIVITY_STEP: f64 = 0.25;

/// An assumption the table varies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Assumption {
    Quantity,
    FinancialProxy,
    Deadweight,
    Displacement,
    Attribution,
    DropOff,
    Duration,
    DiscountRate,
    Inputs,
}

impl Assumption {
    /// In the order the table shows them: the outcome's size and value,
    /// the deductions, time, then what goes in.
    pub const ALL: [Assumption; 9] = [
        Assumption::Quantity,
        Assumption::FinancialProxy,
        Assumption::Deadweight,
        Assumption::Displacement,
        Assumption::Attribution,
        Assumption::DropOff,
        Assumption::Duration,
        Assumption::DiscountRate,
        Assumption::Inputs,
    ];
}

/// The case worked out with one assumption moved.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Variation {
    pub present_value: f64,
    /// `None` when there are no inputs.
    pub sroi_ratio: Option<f64>,
    /// True when a cap or the one-year floor kept a value from moving the
    /// full 25%.
    pub limited: bool,
}

/// One row: an assumption 25% down and 25% up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitivityRow {
    pub assumption: Assumption,
    pub lower: Variation,
    pub upper: Variation,
}

/// The sensitivity table, with the base case for comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sensitivity {
    pub base: Variation,
    pub rows: Vec<SensitivityRow>,
}

/// Works out the sensitivity table for a case.
pub fn sensitivity(case: &BusinessCase) -> Result<Sensitivity, Vec<FieldError>> {
    let base = appraise(case)?;
    let rows = Assumption::ALL
        .into_iter()
        .map(|assumption| {
            let vary = |factor| {
                let (varied, limited) = vary(case, assumption, factor);
                // Moving a valid case within the caps keeps it valid, so
                // this is the same check `appraise` made above.
                appraise(&varied).map(|appraisal| Variation {
                    present_value: appraisal.present_value,
                    sroi_ratio: appraisal.sroi_ratio,
                    limited,
                })
            };
            Ok(SensitivityRow {
                assumption,
                lower: vary(1.0 - SENSITIVITY_STEP)?,
                upper: vary(1.0 + SENSITIVITY_STEP)?,
            })
        })
        .collect::<Result<_, Vec<FieldError>>>()?;
    Ok(Sensitivity {
        base: Variation {
            present_value: base.present_value,
            sroi_ratio: base.sroi_ratio,
            limited: false,
        },
        rows,
    })
}

/// A copy of `case` with `assumption` multiplied by `factor`, and whether
/// a cap or floor stopped any value short.
fn vary(case: &BusinessCase, assumption: Assumption, factor: f64) -> (BusinessCase, bool) {
    let mut varied = case.clone();
    let mut limited = false;
    match assumption {
        Assumption::DiscountRate => limited = scale_fraction(&mut varied.discount_rate, factor),
        Assumption::Inputs => {
            varied.inputs.money *= factor;
            varied.inputs.staff_hours *= factor;
            varied.inputs.volunteer_hours *= factor;
        }
        _ => {
            for outcome in &mut varied.outcomes {
                let held = match assumption {
                    Assumption::Quantity => {
                        outcome.quantity *= factor;
                        false
                    }
                    Assumption::FinancialProxy => {
                        outcome.proxy.value *= factor;
                        false
                    }
                    Assumption::Deadweight => scale_fraction(&mut outcome.deadweight, factor),
                    Assumption::Displacement => scale_fraction(&mut outcome.displacement, factor),
                    Assumption::Attribution => scale_fraction(&mut outcome.attribution, factor),
                    Assumption::DropOff => scale_fraction(&mut outcome.drop_off, factor),
                    Assumption::Duration => {
                        let (years, held) = scaled_duration(outcome.duration_years, factor);
                        outcome.duration_years = years;
                        held
                    }
                    Assumption::DiscountRate | Assumption::Inputs => false,
                };
                limited |= held;
            }
        }
    }
    (varied, limited)
}

/// Multiplies a fraction by `factor`, capped at 1; true if the cap held it.
fn scale_fraction(value: &mut f64, factor: f64) -> bool {
    let moved = *value * factor;
    *value = moved.min(1.0);
    moved > 1.0
}

/// A duration times `factor`, rounded to whole years (halves up), kept
/// within 1 to the longest duration allowed; and whether it was held.
fn scaled_duration(years: u32, factor: f64) -> (u32, bool) {
    let scaled = (f64::from(years) * factor).round();
    let maximum = f64::from(MAX_DURATION_YEARS);
    let held = !(1.0..=maximum).contains(&scaled);
    let kept = scaled.clamp(1.0, maximum);
    // `kept` is a whole number from 1 to 100, so the conversion is exact.
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a whole number clamped to 1..=100"
    )]
    let whole = kept as u32;
    (whole, held)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::business_case::model::{FinancialProxy, Inputs, Outcome};
    use proptest::prelude::*;

    fn case(deadweight: f64, drop_off: f64, duration_years: u32) -> BusinessCase {
        BusinessCase {
            inputs: Inputs {
                money: 1_000.0,
                staff_hours: 10.0,
                staff_hourly_cost: 20.0,
                volunteer_hours: 0.0,
                volunteer_hourly_value: 12.0,
            },
            outcomes: vec![Outcome {
                description: "Nights in hospital avoided".into(),
                quantity: 4.0,
                proxy: FinancialProxy {
                    value: 500.0,
                    source: "A worked example".into(),
                    price_year: 2024,
                },
                deadweight,
                displacement: 0.0,
                attribution: 0.0,
                drop_off,
                duration_years,
            }],
            discount_rate: 0.0,
        }
    }

    fn row(table: &Sensitivity, assumption: Assumption) -> &SensitivityRow {
        table
            .rows
            .iter()
            .find(|r| r.assumption == assumption)
            .unwrap()
    }

    fn ratio(variation: Variation) -> f64 {
        variation.sroi_ratio.unwrap()
    }

    #[test]
    fn a_table_worked_by_hand() {
        // Inputs £1,000 + 10 h × £20 = £1,200. One outcome: 4 × £500 =
        // £2,000 gross, deadweight 0.4 → £1,200 a year, no drop-off,
        // 2 years, r = 0 → PV £2,400, ratio 2.
        let table = sensitivity(&case(0.4, 0.0, 2)).unwrap();
        assert!((ratio(table.base) - 2.0).abs() < 1e-12);

        // Quantity ×0.75 → PV 1,800, ratio 1.5; ×1.25 → PV 3,000, ratio 2.5.
        let quantity = row(&table, Assumption::Quantity);
        assert!((ratio(quantity.lower) - 1.5).abs() < 1e-12);
        assert!((ratio(quantity.upper) - 2.5).abs() < 1e-12);

        // Deadweight 0.3 → 2,000 × 0.7 × 2 = 2,800, ratio 2.3333;
        // 0.5 → 2,000 × 0.5 × 2 = 2,000, ratio 1.6667.
        let deadweight = row(&table, Assumption::Deadweight);
        assert!((ratio(deadweight.lower) - 2_800.0 / 1_200.0).abs() < 1e-12);
        assert!((ratio(deadweight.upper) - 2_000.0 / 1_200.0).abs() < 1e-12);

        // Duration 2 × 0.75 = 1.5 → 2 years (no change); 2 × 1.25 = 2.5 →
        // 3 years: PV 3,600, ratio 3.
        let duration = row(&table, Assumption::Duration);
        assert!((ratio(duration.lower) - 2.0).abs() < 1e-12);
        assert!((ratio(duration.upper) - 3.0).abs() < 1e-12);

        // Inputs £900 and £1,500: ratios 2,400/900 and 2,400/1,500 = 1.6.
        let inputs = row(&table, Assumption::Inputs);
        assert!((ratio(inputs.lower) - 2_400.0 / 900.0).abs() < 1e-12);
        assert!((ratio(inputs.upper) - 1.6).abs() < 1e-12);

        // Drop-off, displacement, attribution and the rate are 0 and stay
        // 0: their rows equal the base.
        for zero in [
            Assumption::DropOff,
            Assumption::Displacement,
            Assumption::Attribution,
            Assumption::DiscountRate,
        ] {
            let r = row(&table, zero);
            assert_eq!((r.lower, r.upper), (table.base, table.base), "{zero:?}");
        }
        assert_eq!(table.rows.len(), Assumption::ALL.len());
    }

    #[test]
    fn caps_and_floors_are_flagged() {
        // Deadweight 0.9 × 1.25 = 1.125 is capped at 1: nothing is left.
        let table = sensitivity(&case(0.9, 0.0, 1)).unwrap();
        let deadweight = row(&table, Assumption::Deadweight);
        assert!(deadweight.upper.limited);
        assert!(deadweight.upper.present_value.abs() < f64::EPSILON);
        assert!(!deadweight.lower.limited);
        // One year × 0.75 = 0.75 rounds to 1 year, a real whole-year
        // answer, so it is not flagged; × 0.25 would round to 0 and is
        // held at 1, and 100 years × 1.25 is held at the longest allowed.
        let duration = row(&table, Assumption::Duration);
        assert_eq!(scaled_duration(1, 0.75), (1, false));
        assert!(!duration.lower.limited);
        assert_eq!(scaled_duration(1, 0.25), (1, true));
        assert_eq!(scaled_duration(100, 1.25), (100, true));
    }

    #[test]
    fn an_invalid_case_has_no_table() {
        assert!(sensitivity(&case(1.2, 0.0, 1)).is_err());
    }

    proptest! {
        #[test]
        fn deductions_move_the_ratio_the_opposite_way(
            deadweight in 0.0f64..=1.0,
            drop_off in 0.0f64..=1.0,
            duration in 1u32..20,
        ) {
            let table = sensitivity(&case(deadweight, drop_off, duration)).unwrap();
            let base = ratio(table.base);
            for assumption in [Assumption::Deadweight, Assumption::DropOff, Assumption::Inputs] {
                let r = row(&table, assumption);
                prop_assert!(ratio(r.lower) >= base - 1e-12, "{assumption:?}");
                prop_assert!(ratio(r.upper) <= base + 1e-12, "{assumption:?}");
            }
            for assumption in [Assumption::Quantity, Assumption::FinancialProxy, Assumption::Duration] {
                let r = row(&table, assumption);
                prop_assert!(ratio(r.lower) <= base + 1e-12, "{assumption:?}");
                prop_assert!(ratio(r.upper) >= base - 1e-12, "{assumption:?}");
            }
        }
    }
}

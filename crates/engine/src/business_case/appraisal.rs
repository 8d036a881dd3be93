//! The arithmetic of a business case, kept step by step.
//!
//! For each outcome (the SROI Guide's convention):
//!
//! ```text
//! gross  = quantity × proxy
//! V₁     = gross × (1 − deadweight) × (1 − displacement) × (1 − attribution)
//! Vₜ     = Vₜ₋₁ × (1 − drop-off)                for t = 2 … duration
//! PV     = Σₜ Vₜ ∕ (1 + r)ᵗ                      for t = 1 … duration
//! ```
//!
//! and for the initiative: inputs = money + staff hours × staff cost +
//! volunteer hours × volunteer value; present value = Σ outcomes' PV; net
//! value = present value − inputs; SROI ratio = present value ∕ inputs.
//!
//! Every intermediate value is kept in the result, in the order it is
//! worked out, and each is exactly the number the next step uses (the
//! divisor (1 + r)ᵗ is built by repeated multiplication for the same
//! reason), so a page that shows the steps shows the real arithmetic.

use serde::{Deserialize, Serialize};

use super::model::{BusinessCase, FieldError, Inputs, Outcome};

/// The full working of a business case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Appraisal {
    pub inputs: InputsWorking,
    pub discount_rate: f64,
    pub outcomes: Vec<OutcomeWorking>,
    /// The outcomes added up year by year, for the payback period.
    pub years: Vec<YearWorking>,
    /// Σ of the outcomes' present values.
    pub present_value: f64,
    /// present value − inputs.
    pub net_value: f64,
    /// present value ∕ inputs; `None` when there are no inputs, where the
    /// ratio has no meaning.
    pub sroi_ratio: Option<f64>,
    /// See [`payback_years`]; `None` when the inputs are not paid back
    /// within the outcomes' durations.
    pub payback_years: Option<f64>,
}

/// How the inputs add up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputsWorking {
    pub money: f64,
    pub staff_hours: f64,
    pub staff_hourly_cost: f64,
    /// staff hours × staff hourly cost.
    pub staff_cost: f64,
    pub volunteer_hours: f64,
    pub volunteer_hourly_value: f64,
    /// volunteer hours × volunteer hourly value.
    pub volunteer_value: f64,
    /// money + staff cost + volunteer value.
    pub total: f64,
}

/// How one outcome's value is worked out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeWorking {
    pub description: String,
    pub quantity: f64,
    pub proxy_value: f64,
    /// quantity × proxy value.
    pub gross_value: f64,
    pub deadweight: f64,
    /// gross value × (1 − deadweight).
    pub after_deadweight: f64,
    pub displacement: f64,
    /// after deadweight × (1 − displacement).
    pub after_displacement: f64,
    pub attribution: f64,
    /// V₁ = after displacement × (1 − attribution).
    pub first_year_value: f64,
    pub drop_off: f64,
    pub years: Vec<OutcomeYear>,
    /// Σ of the years' present values.
    pub present_value: f64,
}

/// One year of one outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeYear {
    /// 1 for the first year.
    pub year: u32,
    /// Vₜ: V₁ in the first year, then the year before × (1 − drop-off).
    pub value: f64,
    /// (1 + r)ᵗ.
    pub discount_divisor: f64,
    /// value ∕ discount divisor.
    pub present_value: f64,
}

/// All outcomes in one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearWorking {
    pub year: u32,
    /// Σ of the outcomes' Vₜ this year.
    pub value: f64,
    /// Σ of the outcomes' present values this year.
    pub present_value: f64,
    /// The present values of this year and every year before.
    pub cumulative_present_value: f64,
}

/// Checks the case and works it out.
pub fn appraise(case: &BusinessCase) -> Result<Appraisal, Vec<FieldError>> {
    case.check()?;
    let inputs = work_inputs(&case.inputs);
    let outcomes: Vec<OutcomeWorking> = case
        .outcomes
        .iter()
        .map(|o| work_outcome(o, case.discount_rate))
        .collect();
    let present_value: f64 = outcomes.iter().map(|o| o.present_value).sum();
    let years = year_totals(&outcomes);
    let payback = payback_years(inputs.total, &years);
    Ok(Appraisal {
        discount_rate: case.discount_rate,
        net_value: present_value - inputs.total,
        sroi_ratio: (inputs.total > 0.0).then(|| present_value / inputs.total),
        payback_years: payback,
        present_value,
        outcomes,
        years,
        inputs,
    })
}

fn work_inputs(inputs: &Inputs) -> InputsWorking {
    let staff_cost = inputs.staff_hours * inputs.staff_hourly_cost;
    let volunteer_value = inputs.volunteer_hours * inputs.volunteer_hourly_value;
    InputsWorking {
        money: inputs.money,
        staff_hours: inputs.staff_hours,
        staff_hourly_cost: inputs.staff_hourly_cost,
        staff_cost,
        volunteer_hours: inputs.volunteer_hours,
        volunteer_hourly_value: inputs.volunteer_hourly_value,
        volunteer_value,
        total: inputs.money + staff_cost + volunteer_value,
    }
}

fn work_outcome(outcome: &Outcome, discount_rate: f64) -> OutcomeWorking {
    let gross_value = outcome.quantity * outcome.proxy.value;
    let after_deadweight = gross_value * (1.0 - outcome.deadweight);
    let after_displacement = after_deadweight * (1.0 - outcome.displacement);
    let first_year_value = after_displacement * (1.0 - outcome.attribution);

    let mut years = Vec::new();
    let mut value = first_year_value;
    let mut discount_divisor = 1.0 + discount_rate;
    for year in 1..=outcome.duration_years {
        if year > 1 {
            value *= 1.0 - outcome.drop_off;
            discount_divisor *= 1.0 + discount_rate;
        }
        years.push(OutcomeYear {
            year,
            value,
            discount_divisor,
            present_value: value / discount_divisor,
        });
    }
    OutcomeWorking {
        description: outcome.description.clone(),
        quantity: outcome.quantity,
        proxy_value: outcome.proxy.value,
        gross_value,
        deadweight: outcome.deadweight,
        after_deadweight,
        displacement: outcome.displacement,
        after_displacement,
        attribution: outcome.attribution,
        first_year_value,
        drop_off: outcome.drop_off,
        present_value: years.iter().map(|y| y.present_value).sum(),
        years,
    }
}

fn year_totals(outcomes: &[OutcomeWorking]) -> Vec<YearWorking> {
    let last_year = outcomes
        .iter()
        .filter_map(|o| o.years.last())
        .map(|y| y.year)
        .max()
        .unwrap_or(0);
    let mut cumulative = 0.0;
    (1..=last_year)
        .map(|year| {
            let this_year = || {
                outcomes
                    .iter()
                    .filter_map(move |o| o.years.iter().find(|y| y.year == year))
            };
            let present_value: f64 = this_year().map(|y| y.present_value).sum();
            cumulative += present_value;
            YearWorking {
                year,
                value: this_year().map(|y| y.value).sum(),
                present_value,
                cumulative_present_value: cumulative,
            }
        })
        .collect()
}

/// The payback period in years: how long until the discounted value
/// reaches the inputs, taking each year's value to arrive evenly through
/// that year.
///
/// If the cumulative present value first reaches the inputs in year t,
/// payback = (t − 1) + (inputs − cumulative to year t − 1) ∕ (present value
/// in year t). Zero inputs pay back at once (0 years); inputs the value
/// never reaches give `None`. Discounted rather than the simple "inputs ∕
/// first-year value", so drop-off and discounting count here as they do
/// in the ratio.
pub fn payback_years(inputs: f64, years: &[YearWorking]) -> Option<f64> {
    if inputs <= 0.0 {
        return Some(0.0);
    }
    let mut before = 0.0;
    for year in years {
        if year.cumulative_present_value >= inputs && year.present_value > 0.0 {
            let part = (inputs - before) / year.present_value;
            return Some(f64::from(year.year - 1) + part);
        }
        before = year.cumulative_present_value;
    }
    None
}

#[cfg(test)]
#[path = "appraisal_tests.rs"]
mod tests;

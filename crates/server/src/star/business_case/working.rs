//! The working of a business case as text ready to show: every step of the
//! arithmetic the engine did, and the sensitivity table.

use coprod_engine::business_case::{
    Appraisal, BusinessCase,
    sensitivity::{Assumption, Sensitivity, Variation},
};

use crate::{
    star::numbers::{for_input, percent, pounds, two_decimals},
    web::Shell,
};

/// One line of the sensitivity table.
pub struct SensitivityLine {
    pub assumption: String,
    pub lower: String,
    pub upper: String,
}

/// One line of the arithmetic: what, how, and the result.
pub struct Step {
    pub label: String,
    pub working: String,
    pub value: String,
}

pub struct OutcomeView {
    pub description: String,
    pub proxy_note: String,
    pub steps: Vec<Step>,
    /// (year, value that year, discount divisor, present value).
    pub years: Vec<(u32, String, String, String)>,
    pub present_value: String,
}

/// The whole working, as text ready to show.
pub struct Working {
    pub inputs: Vec<Step>,
    pub inputs_total: String,
    pub outcomes: Vec<OutcomeView>,
    /// (year, value, present value, running total of present value).
    pub years: Vec<(u32, String, String, String)>,
    pub discount_rate: String,
    pub present_value: String,
    pub net_value: String,
    pub ratio: String,
    pub payback: String,
}

pub(super) fn hours(value: f64) -> String {
    for_input(value)
}

#[expect(
    clippy::too_many_lines,
    reason = "every step of the working, in the order the page shows it"
)]
pub(super) fn working(shell: &Shell, case: &BusinessCase, appraisal: &Appraisal) -> Working {
    let i = &appraisal.inputs;
    let step = |label: &str, working: String, value: f64| Step {
        label: shell.t(label),
        working,
        value: pounds(value),
    };
    let outcomes = appraisal
        .outcomes
        .iter()
        .zip(&case.outcomes)
        .map(|(o, given)| OutcomeView {
            description: o.description.clone(),
            proxy_note: shell.tn(
                "star.case.proxy_note",
                &[&given.proxy.source, &given.proxy.price_year.to_string()],
            ),
            steps: vec![
                step(
                    "star.case.step.gross",
                    format!("{} × {}", hours(o.quantity), pounds(o.proxy_value)),
                    o.gross_value,
                ),
                step(
                    "star.case.step.deadweight",
                    format!(
                        "{} × (1 − {})",
                        pounds(o.gross_value),
                        percent(o.deadweight)
                    ),
                    o.after_deadweight,
                ),
                step(
                    "star.case.step.displacement",
                    format!(
                        "{} × (1 − {})",
                        pounds(o.after_deadweight),
                        percent(o.displacement)
                    ),
                    o.after_displacement,
                ),
                step(
                    "star.case.step.attribution",
                    format!(
                        "{} × (1 − {})",
                        pounds(o.after_displacement),
                        percent(o.attribution)
                    ),
                    o.first_year_value,
                ),
            ],
            years: o
                .years
                .iter()
                .map(|y| {
                    (
                        y.year,
                        pounds(y.value),
                        format!("{:.4}", y.discount_divisor),
                        pounds(y.present_value),
                    )
                })
                .collect(),
            present_value: pounds(o.present_value),
        })
        .collect();
    Working {
        inputs: vec![
            step("star.case.step.money", String::new(), i.money),
            step(
                "star.case.step.staff",
                format!("{} × {}", hours(i.staff_hours), pounds(i.staff_hourly_cost)),
                i.staff_cost,
            ),
            step(
                "star.case.step.volunteers",
                format!(
                    "{} × {}",
                    hours(i.volunteer_hours),
                    pounds(i.volunteer_hourly_value)
                ),
                i.volunteer_value,
            ),
        ],
        inputs_total: pounds(i.total),
        outcomes,
        years: appraisal
            .years
            .iter()
            .map(|y| {
                (
                    y.year,
                    pounds(y.value),
                    pounds(y.present_value),
                    pounds(y.cumulative_present_value),
                )
            })
            .collect(),
        discount_rate: percent(appraisal.discount_rate),
        present_value: pounds(appraisal.present_value),
        net_value: pounds(appraisal.net_value),
        ratio: appraisal
            .sroi_ratio
            .map_or_else(|| shell.t("star.case.no_ratio"), two_decimals),
        payback: appraisal.payback_years.map_or_else(
            || shell.t("star.case.no_payback"),
            |y| shell.t1("star.case.years", &format!("{y:.1}")),
        ),
    }
}

pub(super) fn variation_text(shell: &Shell, variation: &Variation) -> String {
    let ratio = variation
        .sroi_ratio
        .map_or_else(|| shell.t("star.case.no_ratio"), two_decimals);
    let mut text = shell.tn(
        "star.case.variation",
        &[&ratio, &pounds(variation.present_value)],
    );
    if variation.limited {
        text.push_str(&shell.t("star.case.limited"));
    }
    text
}

pub(super) fn sensitivity_lines(shell: &Shell, table: &Sensitivity) -> Vec<SensitivityLine> {
    table
        .rows
        .iter()
        .map(|row| SensitivityLine {
            assumption: shell.t(&format!(
                "star.assumption.{}",
                assumption_key(row.assumption)
            )),
            lower: variation_text(shell, &row.lower),
            upper: variation_text(shell, &row.upper),
        })
        .collect()
}

pub(super) fn assumption_key(assumption: Assumption) -> &'static str {
    match assumption {
        Assumption::Quantity => "quantity",
        Assumption::FinancialProxy => "financial_proxy",
        Assumption::Deadweight => "deadweight",
        Assumption::Displacement => "displacement",
        Assumption::Attribution => "attribution",
        Assumption::DropOff => "drop_off",
        Assumption::Duration => "duration",
        Assumption::DiscountRate => "discount_rate",
        Assumption::Inputs => "inputs",
    }
}

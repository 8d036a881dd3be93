//! The business case form as typed: inputs and outcomes as people know
//! them, checked into the engine's case with every problem named by field.

use std::{borrow::Cow, collections::BTreeMap};

use coprod_engine::business_case::{
    BusinessCase, FinancialProxy, Inputs, Outcome,
    model::{DEFAULT_DISCOUNT_RATE, FieldProblem},
};

use crate::{
    star::numbers::{self, for_input, money_for_input, percent_for_input},
    web::{FieldErrors, Shell},
};

/// The most outcomes one case may value.
pub const MAX_OUTCOMES: usize = 12;

/// The default value of an hour of volunteering, in pounds, offered when
/// a case is first written. Organisations set their own; the figure is
/// only a starting point and is shown, never assumed silently.
pub const DEFAULT_VOLUNTEER_HOURLY_VALUE: f64 = 12.60;

pub(super) const INPUT_FIELDS: [&str; 6] = [
    "money",
    "staff_hours",
    "staff_hourly_cost",
    "volunteer_hours",
    "volunteer_hourly_value",
    "discount_rate",
];

/// The form's field names for each outcome row, made once: the error
/// summary links to fields by `'static` names.
pub(super) const OUTCOME_PARTS: [&str; 10] = [
    "description",
    "quantity",
    "proxy",
    "source",
    "year",
    "deadweight",
    "displacement",
    "attribution",
    "drop_off",
    "duration",
];
/// The field of one part of an outcome row: `o2_proxy`.
pub(super) fn field_of(row: usize, part: usize) -> String {
    format!("o{row}_{}", OUTCOME_PARTS[part])
}

/// The form as typed.
#[derive(Debug, Clone, Default)]
pub struct CaseForm {
    pub(super) fields: BTreeMap<String, String>,
    /// How many outcome rows to show.
    pub rows: usize,
}

impl CaseForm {
    pub fn value(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }

    #[expect(
        clippy::trivially_copy_pass_by_ref,
        clippy::unused_self,
        reason = "askama passes template arguments by reference and calls through the form"
    )]
    pub fn row_field(&self, row: &usize, part: &usize) -> String {
        field_of(*row, *part)
    }

    pub(super) fn from_case(case: &BusinessCase) -> Self {
        let mut fields = BTreeMap::new();
        let inputs = &case.inputs;
        for (name, value) in [
            ("money", money_for_input(inputs.money)),
            ("staff_hours", for_input(inputs.staff_hours)),
            (
                "staff_hourly_cost",
                money_for_input(inputs.staff_hourly_cost),
            ),
            ("volunteer_hours", for_input(inputs.volunteer_hours)),
            (
                "volunteer_hourly_value",
                money_for_input(inputs.volunteer_hourly_value),
            ),
            ("discount_rate", percent_for_input(case.discount_rate)),
        ] {
            fields.insert(name.to_owned(), value);
        }
        for (row, outcome) in case.outcomes.iter().enumerate().take(MAX_OUTCOMES) {
            let values = [
                outcome.description.clone(),
                for_input(outcome.quantity),
                money_for_input(outcome.proxy.value),
                outcome.proxy.source.clone(),
                outcome.proxy.price_year.to_string(),
                percent_for_input(outcome.deadweight),
                percent_for_input(outcome.displacement),
                percent_for_input(outcome.attribution),
                percent_for_input(outcome.drop_off),
                outcome.duration_years.to_string(),
            ];
            for (part, value) in values.into_iter().enumerate() {
                fields.insert(field_of(row, part), value);
            }
        }
        Self {
            rows: (case.outcomes.len() + 1).clamp(1, MAX_OUTCOMES),
            fields,
        }
    }

    pub(super) fn blank() -> Self {
        let mut fields = BTreeMap::new();
        fields.insert(
            "discount_rate".to_owned(),
            percent_for_input(DEFAULT_DISCOUNT_RATE),
        );
        fields.insert(
            "volunteer_hourly_value".to_owned(),
            money_for_input(DEFAULT_VOLUNTEER_HOURLY_VALUE),
        );
        Self { fields, rows: 1 }
    }

    pub(super) fn row_is_blank(&self, row: usize) -> bool {
        (0..OUTCOME_PARTS.len()).all(|part| self.value(&field_of(row, part)).trim().is_empty())
    }

    /// Reads every field; blank outcome rows are skipped. Problems are
    /// named against the field that has them.
    pub(super) fn parse(&self, shell: &Shell, errors: &mut FieldErrors) -> Option<BusinessCase> {
        let cleaned = |field: &str| -> String {
            let raw = self.value(field).trim().replace([',', '£'], "");
            raw.strip_suffix('%').unwrap_or(&raw).trim().to_owned()
        };
        let number = |field: &str, errors: &mut FieldErrors| -> f64 {
            let raw = cleaned(field);
            if raw.is_empty() {
                return 0.0;
            }
            match raw.parse::<f64>() {
                Ok(value) if value.is_finite() => value,
                _ => {
                    errors.add(field.to_owned(), shell.t("star.error.number"));
                    f64::NAN
                }
            }
        };
        // A percentage as the fraction nearest its decimal digits: `3.5`
        // is kept as 0.035 exactly as typed, not as 3.5 / 100.
        let percentage = |field: &str, errors: &mut FieldErrors| -> f64 {
            let value = number(field, errors);
            numbers::fraction_of_percent(&cleaned(field)).unwrap_or(value / 100.0)
        };
        let whole = |field: &str, errors: &mut FieldErrors| -> Option<u32> {
            let raw = self.value(field).trim();
            if let Ok(value) = raw.parse::<u32>() {
                Some(value)
            } else {
                errors.add(field.to_owned(), shell.t("star.error.whole_number"));
                None
            }
        };
        let before = errors.all().len();
        let inputs = Inputs {
            money: number("money", errors),
            staff_hours: number("staff_hours", errors),
            staff_hourly_cost: number("staff_hourly_cost", errors),
            volunteer_hours: number("volunteer_hours", errors),
            volunteer_hourly_value: number("volunteer_hourly_value", errors),
        };
        let discount_rate = percentage("discount_rate", errors);
        let mut outcomes = Vec::new();
        let mut rows_used = Vec::new();
        for row in 0..self.rows.min(MAX_OUTCOMES) {
            if self.row_is_blank(row) {
                continue;
            }
            let f = |part| field_of(row, part);
            let year = whole(&f(4), errors);
            let duration = whole(&f(9), errors);
            outcomes.push(Outcome {
                description: self.value(&f(0)).trim().to_owned(),
                quantity: number(&f(1), errors),
                proxy: FinancialProxy {
                    value: number(&f(2), errors),
                    source: self.value(&f(3)).trim().to_owned(),
                    price_year: year.and_then(|y| u16::try_from(y).ok()).unwrap_or(0),
                },
                deadweight: percentage(&f(5), errors),
                displacement: percentage(&f(6), errors),
                attribution: percentage(&f(7), errors),
                drop_off: percentage(&f(8), errors),
                duration_years: duration.unwrap_or(1),
            });
            rows_used.push(row);
        }
        let case = BusinessCase {
            inputs,
            outcomes,
            discount_rate,
        };
        if errors.all().len() > before {
            return None;
        }
        if let Err(problems) = case.check() {
            for problem in problems {
                let field = form_field(&problem.field, &rows_used);
                let message = match problem.problem {
                    // Percentages on the form, fractions in the engine.
                    FieldProblem::NotAFraction => shell.t("star.error.percentage"),
                    other => shell.t(other.key()),
                };
                errors.add(field, message);
            }
            return None;
        }
        Some(case)
    }
}

/// The form field for an engine field path (`outcomes[1].proxy.value`).
pub(super) fn form_field(path: &str, rows_used: &[usize]) -> Cow<'static, str> {
    if let Some(name) = path.strip_prefix("inputs.") {
        return INPUT_FIELDS
            .into_iter()
            .find(|f| *f == name)
            .unwrap_or("money")
            .into();
    }
    if path == "discount_rate" {
        return "discount_rate".into();
    }
    let Some(rest) = path.strip_prefix("outcomes[") else {
        return "money".into();
    };
    let (index, name) = rest.split_once("].").unwrap_or(("0", "description"));
    let row = index
        .parse::<usize>()
        .ok()
        .and_then(|i| rows_used.get(i).copied())
        .unwrap_or(0);
    let part = match name {
        "quantity" => 1,
        "proxy.value" => 2,
        "proxy.source" => 3,
        "proxy.price_year" => 4,
        "deadweight" => 5,
        "displacement" => 6,
        "attribution" => 7,
        "drop_off" => 8,
        "duration_years" => 9,
        _ => 0,
    };
    field_of(row, part).into()
}

//! Focus it: an initiative's business case. The form takes inputs and
//! outcomes as people know them (percentages for the deductions and the
//! discount rate); the page shows every step of the arithmetic the engine
//! did, the sensitivity table and the initiative's rank by impact.

use std::{borrow::Cow, collections::BTreeMap};

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::business_case::{
    Appraisal, BusinessCase, FinancialProxy, Inputs, Outcome, appraise,
    model::{DEFAULT_DISCOUNT_RATE, FieldProblem},
    sensitivity::{Assumption, SENSITIVITY_STEP, Sensitivity, Variation, sensitivity},
};
use serde::Deserialize;

use super::{
    numbers::{self, for_input, money_for_input, percent, percent_for_input, pounds, two_decimals},
    scope,
    store::{
        cases,
        initiatives::{self, Initiative},
    },
};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    error::{AppError, Result},
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status},
};

/// The most outcomes one case may value.
pub const MAX_OUTCOMES: usize = 12;

/// The default value of an hour of volunteering, in pounds, offered when
/// a case is first written. Organisations set their own; the figure is
/// only a starting point and is shown, never assumed silently.
pub const DEFAULT_VOLUNTEER_HOURLY_VALUE: f64 = 12.60;

const INPUT_FIELDS: [&str; 6] = [
    "money",
    "staff_hours",
    "staff_hourly_cost",
    "volunteer_hours",
    "volunteer_hourly_value",
    "discount_rate",
];

/// The form's field names for each outcome row, made once: the error
/// summary links to fields by `'static` names.
const OUTCOME_PARTS: [&str; 10] = [
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
fn field_of(row: usize, part: usize) -> String {
    format!("o{row}_{}", OUTCOME_PARTS[part])
}

/// The form as typed.
#[derive(Debug, Clone, Default)]
pub struct CaseForm {
    fields: BTreeMap<String, String>,
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

    fn from_case(case: &BusinessCase) -> Self {
        let mut fields = BTreeMap::new();
        let inputs = &case.inputs;
        for (name, value) in [
            ("money", money_for_input(inputs.money)),
            ("staff_hours", for_input(inputs.staff_hours)),
            ("staff_hourly_cost", money_for_input(inputs.staff_hourly_cost)),
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

    fn blank() -> Self {
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

    fn row_is_blank(&self, row: usize) -> bool {
        (0..OUTCOME_PARTS.len()).all(|part| self.value(&field_of(row, part)).trim().is_empty())
    }

    /// Reads every field; blank outcome rows are skipped. Problems are
    /// named against the field that has them.
    fn parse(&self, shell: &Shell, errors: &mut FieldErrors) -> Option<BusinessCase> {
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
fn form_field(path: &str, rows_used: &[usize]) -> Cow<'static, str> {
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

/// One line of the sensitivity table.
pub struct SensitivityLine {
    pub assumption: String,
    pub lower: String,
    pub upper: String,
}

#[derive(Template)]
#[template(path = "star/business_case.html")]
struct CasePage {
    shell: Shell,
    initiative: Initiative,
    organisation_name: String,
    working: Option<Working>,
    sensitivity: Vec<SensitivityLine>,
    rank: Option<(usize, usize)>,
    form: CaseForm,
    errors: FieldErrors,
    done: bool,
    step: String,
    parts: Vec<String>,
    /// What coprod measured, beside the case.
    evidence: super::evidence::Evidence,
    /// After the volunteer hours were taken from the time bank.
    notice: String,
}

impl CasePage {
    /// The hint under an outcome's field: percentages for the
    /// deductions, pounds for the proxy.
    #[expect(
        clippy::trivially_copy_pass_by_ref,
        reason = "askama passes template arguments by reference"
    )]
    fn hint(&self, part: &usize) -> String {
        match *part {
            5..=8 => self.shell.t("star.case.field.percent_hint"),
            2 => self.shell.t("star.case.field.pounds_hint"),
            4 => self.shell.t("star.case.field.year_hint"),
            _ => String::new(),
        }
    }
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

fn hours(value: f64) -> String {
    for_input(value)
}

#[expect(
    clippy::too_many_lines,
    reason = "every step of the working, in the order the page shows it"
)]
fn working(shell: &Shell, case: &BusinessCase, appraisal: &Appraisal) -> Working {
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

fn variation_text(shell: &Shell, variation: &Variation) -> String {
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

fn sensitivity_lines(shell: &Shell, table: &Sensitivity) -> Vec<SensitivityLine> {
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

fn assumption_key(assumption: Assumption) -> &'static str {
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

/// The initiative's rank by SROI ratio among the organisation's cases:
/// (rank, how many are ranked).
async fn rank_of(state: &AppState, initiative: &Initiative) -> Result<Option<(usize, usize)>> {
    use coprod_engine::business_case::ranking::{ImpactMeasure, rank_by_impact};
    let all = cases::for_organisation(&state.db, initiative.organisation_id).await?;
    let appraised: Vec<(i64, Appraisal)> = all
        .iter()
        .filter_map(|(id, case)| appraise(case).ok().map(|a| (*id, a)))
        .collect();
    let pairs: Vec<(i64, &Appraisal)> = appraised.iter().map(|(id, a)| (*id, a)).collect();
    let ranked = rank_by_impact(&pairs, ImpactMeasure::SroiRatio);
    let out_of = ranked.iter().filter(|r| r.rank.is_some()).count();
    Ok(ranked
        .iter()
        .find(|r| r.initiative == initiative.id)
        .and_then(|r| r.rank)
        .map(|rank| (rank, out_of)))
}

async fn initiative_for(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<(Initiative, String)> {
    let initiative = initiatives::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let organisation = scope::organisation(&state.db, user, initiative.organisation_id).await?;
    Ok((initiative, organisation.name))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Done {
    done: String,
}

fn parts(shell: &Shell) -> Vec<String> {
    OUTCOME_PARTS
        .iter()
        .map(|part| shell.t(&format!("star.case.field.{part}")))
        .collect()
}

pub async fn show(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    Query(done): Query<Done>,
) -> Result<Response> {
    let (initiative, organisation_name) = initiative_for(&state, &user, id).await?;
    let case = cases::find(&state.db, id).await?;
    let (working_view, table, form) = match &case {
        Some(case) => (
            appraise(case).ok().map(|a| working(&shell, case, &a)),
            sensitivity(case)
                .ok()
                .map(|t| sensitivity_lines(&shell, &t))
                .unwrap_or_default(),
            CaseForm::from_case(case),
        ),
        None => (None, Vec::new(), CaseForm::blank()),
    };
    let notice = match done.done.as_str() {
        "hours" => shell.t("star.evidence.hours_used"),
        "no_case" => shell.t("star.evidence.no_case"),
        _ => String::new(),
    };
    page(&CasePage {
        evidence: super::evidence::gather(&state, &shell, &initiative).await?,
        notice,
        rank: rank_of(&state, &initiative).await?,
        step: numbers::percent(SENSITIVITY_STEP),
        parts: parts(&shell),
        working: working_view,
        sensitivity: table,
        form,
        errors: FieldErrors::default(),
        done: done.done == "saved",
        initiative,
        organisation_name,
        shell,
    })
}

pub async fn save(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(mut fields): StrictForm<BTreeMap<String, String>>,
) -> Result<Response> {
    let (initiative, organisation_name) = initiative_for(&state, &user, id).await?;
    let rows: usize = fields
        .remove("rows")
        .and_then(|r| r.parse().ok())
        .unwrap_or(1)
        .clamp(1, MAX_OUTCOMES);
    let another = fields.remove("another").is_some();
    let mut form = CaseForm { fields, rows };
    let mut errors = FieldErrors::default();
    if another {
        // Only adds a row to fill in; nothing is saved yet.
        form.rows = (rows + 1).min(MAX_OUTCOMES);
    } else if let Some(case) = form.parse(&shell, &mut errors) {
        let mut tx = state.db.begin_write().await?;
        cases::save(&mut tx, id, &case, Some(user.account_id)).await?;
        audit::record_in(
            &mut tx,
            Event::new(Action::StarBusinessCaseSaved, Some(user.account_id), &ip)
                .subject("star_initiative", id)
                .detail(&initiative.name),
        )
        .await?;
        tx.commit().await?;
        return Ok(redirect(&format!(
            "/star/initiatives/{id}/business-case?done=saved#working"
        )));
    }
    let case = cases::find(&state.db, id).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with_status(
        status,
        &CasePage {
            evidence: super::evidence::gather(&state, &shell, &initiative).await?,
            notice: String::new(),
            rank: rank_of(&state, &initiative).await?,
            step: numbers::percent(SENSITIVITY_STEP),
            parts: parts(&shell),
            working: case
                .as_ref()
                .and_then(|c| appraise(c).ok().map(|a| working(&shell, c, &a))),
            sensitivity: case
                .as_ref()
                .and_then(|c| sensitivity(c).ok())
                .map(|t| sensitivity_lines(&shell, &t))
                .unwrap_or_default(),
            form,
            errors,
            done: false,
            initiative,
            organisation_name,
            shell,
        },
    )
}

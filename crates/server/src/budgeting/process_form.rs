//! The organisers' form to set up a process: what is decided, who may vote,
//! the ballot, the counting rule and the phase dates. A process can be
//! changed until voting opens; after that its ballot and rules are fixed,
//! and only its phases move on.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::{people::LineOfText, place::GssCode};
use serde::Deserialize;

use super::{
    store::{self, Process, ProcessSettings},
    ties::TieBreak,
};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    error::{AppError, Result},
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status},
};
use coprod_engine::budgeting::process::{
    BALLOT_TYPES, BallotRules, COUNTING_RULES, PhaseDates, date_input, money_input, parse_date,
    parse_money,
};

/// Longest description accepted.
pub const MAX_DESCRIPTION_CHARS: usize = 5_000;
/// A day, in seconds: voting closes at the end of its last day.
const DAY: i64 = 24 * 60 * 60;

/// The form's fields, as typed.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct ProcessForm {
    pub title: String,
    pub description: String,
    pub area_code: String,
    pub budget: String,
    pub minimum_age: String,
    pub ballot_type: String,
    pub max_choices: String,
    pub max_total_cost: String,
    pub points_total: String,
    pub ranks: String,
    pub counting_rule: String,
    pub score_threshold: String,
    pub tie_break: String,
    pub show_running_totals: String,
    pub proposals_open: String,
    pub review_starts: String,
    pub voting_opens: String,
    pub voting_last_day: String,
    pub delivery_starts: String,
}

/// A whole number in `range`; `None` when blank (an error unless
/// `optional`) or wrong (an error).
fn whole_number(
    raw: &str,
    range: std::ops::RangeInclusive<i64>,
    field: &'static str,
    optional: bool,
    shell: &Shell,
    errors: &mut FieldErrors,
) -> Option<i64> {
    let raw = raw.trim();
    if raw.is_empty() {
        if !optional {
            errors.add(field, shell.t("budgeting.error.number_missing"));
        }
        return None;
    }
    match raw.parse::<i64>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            errors.add(
                field,
                shell.tn(
                    "budgeting.error.number_range",
                    &[&range.start().to_string(), &range.end().to_string()],
                ),
            );
            None
        }
    }
}

impl ProcessForm {
    /// The form filled in from a stored process.
    pub fn from_process(process: &Process) -> Self {
        let s = &process.settings;
        let (max_choices, max_total_cost, points_total) = s.ballot.columns();
        let ranked = matches!(s.ballot, BallotRules::Ranked { .. });
        let text = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        Self {
            title: s.title.clone(),
            description: s.description.clone(),
            area_code: s.area_code.clone().unwrap_or_default(),
            budget: money_input(s.budget_pence),
            minimum_age: text(s.minimum_age),
            ballot_type: s.ballot.kind().to_owned(),
            max_choices: if ranked {
                String::new()
            } else {
                text(max_choices)
            },
            max_total_cost: max_total_cost.map(money_input).unwrap_or_default(),
            points_total: text(points_total),
            ranks: if ranked {
                text(max_choices)
            } else {
                String::new()
            },
            counting_rule: s.counting_rule.clone(),
            score_threshold: text(s.score_threshold),
            tie_break: s.tie_break.key().to_owned(),
            show_running_totals: if s.show_running_totals {
                "yes".into()
            } else {
                String::new()
            },
            proposals_open: date_input(s.dates.proposals_open_at),
            review_starts: date_input(s.dates.review_starts_at),
            voting_opens: date_input(s.dates.voting_opens_at),
            voting_last_day: date_input(s.dates.voting_closes_at - 1),
            delivery_starts: date_input(s.dates.delivery_starts_at),
        }
    }

    /// Checks every field. `area_known` says whether the postcode directory
    /// knows the area code typed (the caller looks it up).
    pub fn check(
        &self,
        shell: &Shell,
        area_known: bool,
        errors: &mut FieldErrors,
    ) -> Option<ProcessSettings> {
        let title = LineOfText::parse(&self.title)
            .map_err(|e| errors.add("title", shell.t(e.key)))
            .ok();
        let description = self.description.trim().to_owned();
        if description.is_empty() {
            errors.add(
                "description",
                shell.t("budgeting.error.description_missing"),
            );
        } else if description.chars().count() > MAX_DESCRIPTION_CHARS {
            errors.add("description", shell.t("budgeting.error.description_long"));
        }
        let area_code = self.area_code.trim().to_uppercase();
        if !area_code.is_empty()
            && let Err(invalid) = GssCode::parse(&area_code)
        {
            errors.add("area_code", shell.t(invalid.key));
        } else if !area_code.is_empty() && !area_known {
            errors.add("area_code", shell.t("budgeting.error.area_unknown"));
        }
        let budget = parse_money(&self.budget)
            .map_err(|invalid| errors.add("budget", shell.t(invalid.key)))
            .ok();
        let minimum_age = whole_number(
            &self.minimum_age,
            0..=120,
            "minimum_age",
            true,
            shell,
            errors,
        );
        let ballot = self.check_ballot(shell, errors);
        let counting_rule = COUNTING_RULES
            .iter()
            .find(|r| **r == self.counting_rule)
            .copied();
        if counting_rule.is_none() {
            errors.add("counting_rule", shell.t("budgeting.error.rule_unknown"));
        }
        let threshold_needed = counting_rule == Some("greedy-threshold");
        let score_threshold = whole_number(
            &self.score_threshold,
            0..=1_000_000_000,
            "score_threshold",
            !threshold_needed,
            shell,
            errors,
        );
        // Lower cost first unless the organiser draws lots; an imported
        // process keeps its file's order.
        let tie_break = if self.tie_break.is_empty() {
            Some(TieBreak::LowerCost)
        } else {
            TieBreak::parse(&self.tie_break)
        };
        if tie_break.is_none() {
            errors.add("tie_break", shell.t("budgeting.error.tie_break_unknown"));
        }
        let dates = self.check_dates(shell, errors);
        if !errors.is_empty() {
            return None;
        }
        Some(ProcessSettings {
            title: title?.to_string(),
            description,
            area_code: Some(area_code).filter(|c| !c.is_empty()),
            budget_pence: budget?,
            currency: "GBP".into(),
            minimum_age,
            ballot: ballot?,
            counting_rule: counting_rule?.to_owned(),
            score_threshold,
            tie_break: tie_break?,
            // The store keeps a process's seed, or draws one for a lot.
            tie_seed: None,
            show_running_totals: !self.show_running_totals.is_empty(),
            dates: dates?,
        })
    }

    fn check_ballot(&self, shell: &Shell, errors: &mut FieldErrors) -> Option<BallotRules> {
        match self.ballot_type.as_str() {
            "approval" => {
                let max_choices = whole_number(
                    &self.max_choices,
                    1..=1_000,
                    "max_choices",
                    true,
                    shell,
                    errors,
                );
                let max_total_cost = if self.max_total_cost.trim().is_empty() {
                    None
                } else {
                    parse_money(&self.max_total_cost)
                        .map_err(|invalid| errors.add("max_total_cost", shell.t(invalid.key)))
                        .ok()
                };
                Some(BallotRules::Approval {
                    max_choices,
                    max_total_cost,
                })
            }
            "cumulative" => {
                let points = whole_number(
                    &self.points_total,
                    1..=10_000,
                    "points_total",
                    false,
                    shell,
                    errors,
                );
                Some(BallotRules::Cumulative {
                    points_total: points?,
                })
            }
            "ranked" => {
                let ranks = whole_number(&self.ranks, 1..=20, "ranks", false, shell, errors);
                Some(BallotRules::Ranked { ranks: ranks? })
            }
            _ => {
                errors.add("ballot_type", shell.t("budgeting.error.ballot_type"));
                None
            }
        }
    }

    fn check_dates(&self, shell: &Shell, errors: &mut FieldErrors) -> Option<PhaseDates> {
        let mut date = |raw: &str, field: &'static str| {
            parse_date(raw)
                .map_err(|invalid| errors.add(field, shell.t(invalid.key)))
                .ok()
        };
        let proposals = date(&self.proposals_open, "proposals_open");
        let review = date(&self.review_starts, "review_starts");
        let opens = date(&self.voting_opens, "voting_opens");
        let last_day = date(&self.voting_last_day, "voting_last_day");
        let delivery = date(&self.delivery_starts, "delivery_starts");
        let dates = PhaseDates {
            proposals_open_at: proposals?,
            review_starts_at: review?,
            voting_opens_at: opens?,
            voting_closes_at: last_day? + DAY,
            delivery_starts_at: delivery?,
        };
        let order = shell.t("budgeting.error.date_order");
        if dates.review_starts_at < dates.proposals_open_at {
            errors.add("review_starts", order);
        } else if dates.voting_opens_at < dates.review_starts_at {
            errors.add("voting_opens", order);
        } else if dates.voting_closes_at - DAY < dates.voting_opens_at {
            errors.add("voting_last_day", order);
        } else if dates.delivery_starts_at < dates.voting_closes_at {
            errors.add("delivery_starts", order);
        }
        dates.in_order().then_some(dates)
    }
}

// Options in the form's lists compare with the submitted text.
#[derive(Template)]
#[template(path = "budgeting/process_form.html")]
struct FormPage {
    shell: Shell,
    action: String,
    heading_key: &'static str,
    form: ProcessForm,
    errors: FieldErrors,
}

impl FormPage {
    fn ballot_types(&self) -> Vec<(&'static str, String)> {
        BALLOT_TYPES
            .iter()
            .map(|kind| {
                (
                    *kind,
                    self.shell.t(&format!("budgeting.ballot_type.{kind}")),
                )
            })
            .collect()
    }

    fn rules(&self) -> Vec<(&'static str, String)> {
        COUNTING_RULES
            .iter()
            .map(|rule| (*rule, self.shell.t(&format!("budgeting.rule.{rule}"))))
            .collect()
    }

    /// The tie-breaking rules on offer: the organiser's two, and the file's
    /// order for a process that has it (an import).
    fn tie_rules(&self) -> Vec<(&'static str, String)> {
        let mut rules: Vec<TieBreak> = TieBreak::CHOICES.to_vec();
        if self.form.tie_break == TieBreak::Listed.key() {
            rules.insert(0, TieBreak::Listed);
        }
        rules
            .into_iter()
            .map(|rule| {
                (
                    rule.key(),
                    self.shell.t(&format!("budgeting.tie_break.{}", rule.key())),
                )
            })
            .collect()
    }
}

pub async fn new_form(shell: Shell) -> Result<Response> {
    page(&FormPage {
        shell,
        action: "/budgeting/new".into(),
        heading_key: "budgeting.form.new_title",
        form: ProcessForm {
            ballot_type: "approval".into(),
            counting_rule: "greedy".into(),
            tie_break: TieBreak::LowerCost.key().into(),
            ..ProcessForm::default()
        },
        errors: FieldErrors::default(),
    })
}

/// Checks the form; the settings, or the form again with its errors.
async fn checked(
    state: &AppState,
    shell: Shell,
    form: ProcessForm,
    action: String,
    heading_key: &'static str,
) -> Result<std::result::Result<ProcessSettings, Response>> {
    let code = form.area_code.trim().to_uppercase();
    let area_known = !code.is_empty() && store::area_is_known(&state.db, &code).await?;
    let mut errors = FieldErrors::default();
    match form.check(&shell, area_known, &mut errors) {
        Some(settings) => Ok(Ok(settings)),
        None => Ok(Err(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &FormPage {
                shell,
                action,
                heading_key,
                form,
                errors,
            },
        )?)),
    }
}

pub async fn create(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    StrictForm(form): StrictForm<ProcessForm>,
) -> Result<Response> {
    let settings = match checked(
        &state,
        shell,
        form,
        "/budgeting/new".into(),
        "budgeting.form.new_title",
    )
    .await?
    {
        Ok(settings) => settings,
        Err(response) => return Ok(response),
    };
    let mut tx = state.db.begin_write().await?;
    let id = store::insert_process(&mut tx, &settings, Some(user.account_id), false).await?;
    audit::record_in(
        &mut tx,
        Event::new(Action::BudgetProcessCreated, Some(user.account_id), &ip)
            .subject("pb_process", id)
            .detail(settings.title),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!("/budgeting/{id}/manage")))
}

/// A process whose settings may still change: before voting opens.
async fn changeable(state: &AppState, id: i64) -> Result<Process> {
    let process = store::find_process(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !process.in_review() {
        return Err(AppError::BadRequest {
            key: "budgeting.error.settings_fixed",
            field: None,
        });
    }
    Ok(process)
}

pub async fn edit_form(
    _organised: super::Organised,
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<i64>,
) -> Result<Response> {
    let process = changeable(&state, id).await?;
    page(&FormPage {
        shell,
        action: format!("/budgeting/{id}/edit"),
        heading_key: "budgeting.form.edit_title",
        form: ProcessForm::from_process(&process),
        errors: FieldErrors::default(),
    })
}

pub async fn update(
    _organised: super::Organised,
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<ProcessForm>,
) -> Result<Response> {
    changeable(&state, id).await?;
    let settings = match checked(
        &state,
        shell,
        form,
        format!("/budgeting/{id}/edit"),
        "budgeting.form.edit_title",
    )
    .await?
    {
        Ok(settings) => settings,
        Err(response) => return Ok(response),
    };
    store::update_process(&state.db, id, &settings).await?;
    Ok(redirect(&format!("/budgeting/{id}/manage")))
}

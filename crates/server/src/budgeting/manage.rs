//! The organisers' pages: every process, and one process's dashboard —
//! starting the next phase, categories, the proposals to review, voting
//! codes, paper ballots, the count and delivery.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::people::LineOfText;
use serde::Deserialize;

use super::{
    ballot_box, counting,
    pages::{Step, area_label, existing, timeline},
    store::{self, Category, Process, Proposal},
};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    db,
    error::{AppError, Result},
    web::{ClientIp, FieldErrors, NoFields, Shell, StrictForm, page, page_with_status},
};
use coprod_engine::budgeting::process::{Phase, parse_money};

#[derive(Template)]
#[template(path = "budgeting/manage_list.html")]
struct ListPage {
    shell: Shell,
    processes: Vec<Process>,
}

/// The processes the organiser runs: those of the organisations within
/// their reach.
pub async fn list(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    shell: Shell,
) -> Result<Response> {
    let mut processes = store::list_processes(&state.db).await?;
    let mut mine = Vec::with_capacity(processes.len());
    for process in processes.drain(..) {
        let run_by = store::run_by(&state.db, process.id).await?;
        if run_by.is_some_and(|organisation| user.may(super::ORGANISER_ROLES, organisation)) {
            mine.push(process);
        }
    }
    page(&ListPage {
        processes: mine,
        shell,
    })
}

/// The category form's fields.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct CategoryForm {
    pub name: String,
    pub category_budget: String,
}

/// `?done=…` after an action, naming what was done.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Done {
    entered: Option<String>,
    reviewed: Option<String>,
    phase: Option<String>,
    category: Option<String>,
    delivery: Option<String>,
}

impl Done {
    /// The message key of the notice to show, if any.
    fn notice_key(&self) -> &'static str {
        if self.entered.is_some() {
            "budgeting.manage.done_entered"
        } else if self.reviewed.is_some() {
            "budgeting.manage.done_reviewed"
        } else if self.phase.is_some() {
            "budgeting.manage.done_phase"
        } else if self.category.is_some() {
            "budgeting.manage.done_category"
        } else if self.delivery.is_some() {
            "budgeting.manage.done_delivery"
        } else {
            ""
        }
    }
}

#[derive(Template)]
#[template(path = "budgeting/manage.html")]
struct Dashboard {
    shell: Shell,
    process: Process,
    phase: Phase,
    area: String,
    steps: Vec<Step>,
    next_phase: String,
    categories: Vec<(Category, String)>,
    proposals: Vec<Proposal>,
    codes_issued: i64,
    codes_used: i64,
    turnout: Vec<(String, i64)>,
    counted: bool,
    funded: Vec<Proposal>,
    category_form: CategoryForm,
    errors: FieldErrors,
    notice: &'static str,
}

impl Dashboard {
    fn status_label(&self, proposal: &Proposal) -> String {
        self.shell
            .t(&format!("budgeting.status.{}", proposal.status))
    }

    fn channel_label(&self, channel: &str) -> String {
        self.shell.t(&format!("budgeting.channel.{channel}"))
    }

    fn rule_label(&self) -> String {
        self.shell.t(&format!(
            "budgeting.rule.{}",
            self.process.settings.counting_rule
        ))
    }

    fn cost(&self, proposal: &Proposal) -> String {
        self.process.money(proposal.cost_pence())
    }

    fn can_issue_codes(&self) -> bool {
        matches!(self.phase, Phase::Review | Phase::Voting)
    }

    fn takes_paper_ballots(&self) -> bool {
        self.phase == Phase::Voting || (self.phase >= Phase::Results && !self.counted)
    }

    fn can_count(&self) -> bool {
        self.phase >= Phase::Results && !self.counted
    }
}

/// The dashboard, with any errors of its category or codes forms.
pub(super) async fn dashboard_page(
    state: &AppState,
    shell: Shell,
    id: i64,
    category_form: CategoryForm,
    errors: FieldErrors,
    notice: &'static str,
) -> Result<Response> {
    let process = existing(state, id).await?;
    let phase = process.phase();
    let next_phase = Phase::ALL
        .iter()
        .find(|p| **p > phase)
        .map(|p| shell.t(&p.label_key()))
        .unwrap_or_default();
    let categories = store::categories(&state.db, id)
        .await?
        .into_iter()
        .map(|c| {
            let budget = c.budget_pence.map(|b| process.money(b)).unwrap_or_default();
            (c, budget)
        })
        .collect();
    let proposals = store::proposals(&state.db, id).await?;
    let funded_ids = counting::funded_ids(&state.db, id).await?;
    let funded = proposals
        .iter()
        .filter(|p| funded_ids.contains(&p.id))
        .cloned()
        .collect();
    let (codes_issued, codes_used) = ballot_box::code_counts(&state.db, id).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with_status(
        status,
        &Dashboard {
            area: area_label(&state, &shell, &process).await?,
            steps: timeline(&shell, &process),
            turnout: ballot_box::turnout(&state.db, id).await?,
            counted: counting::is_counted(&state.db, id).await?,
            shell,
            process,
            phase,
            next_phase,
            categories,
            proposals,
            codes_issued,
            codes_used,
            funded,
            category_form,
            errors,
            notice,
        },
    )
}

pub async fn dashboard(
    _organised: super::Organised,
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<i64>,
    Query(done): Query<Done>,
) -> Result<Response> {
    dashboard_page(
        &state,
        shell,
        id,
        CategoryForm::default(),
        FieldErrors::default(),
        done.notice_key(),
    )
    .await
}

/// Starts the next phase now. Closing the vote seals it at once.
pub async fn next_phase(
    _organised: super::Organised,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    let process = existing(&state, id).await?;
    let now = db::now();
    let refuse = |key| AppError::BadRequest { key, field: None };
    let dates = process
        .settings
        .dates
        .start_next_phase(now)
        .ok_or(refuse("budgeting.error.no_next_phase"))?;
    let next = dates.phase_at(now);
    if next == Phase::Voting && store::ballot_proposals(&state.db, id).await?.is_empty() {
        return Err(refuse("budgeting.error.nothing_on_ballot"));
    }
    if next == Phase::Delivery && !counting::is_counted(&state.db, id).await? {
        return Err(refuse("budgeting.error.count_first"));
    }
    let sealing = next == Phase::Results;
    let mut tx = state.db.begin_write().await?;
    store::set_dates(&mut tx, id, dates).await?;
    if sealing {
        ballot_box::seal_in(&mut tx, id).await?;
    }
    audit::record_in(
        &mut tx,
        Event::new(Action::BudgetPhaseStarted, Some(user.account_id), &ip)
            .subject("pb_process", id)
            .detail(next.as_str()),
    )
    .await?;
    tx.commit().await?;
    if sealing {
        state.db.scrub_freed_pages().await?;
    }
    Ok(redirect(&format!("/budgeting/{id}/manage?phase=1")))
}

pub async fn add_category(
    _organised: super::Organised,
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<CategoryForm>,
) -> Result<Response> {
    let process = existing(&state, id).await?;
    if !process.in_review() {
        return Err(AppError::BadRequest {
            key: "budgeting.error.settings_fixed",
            field: None,
        });
    }
    let mut errors = FieldErrors::default();
    let name = LineOfText::parse(&form.name)
        .map_err(|e| errors.add("name", shell.t(e.key)))
        .ok();
    let budget = if form.category_budget.trim().is_empty() {
        Some(None)
    } else {
        parse_money(&form.category_budget)
            .map(Some)
            .map_err(|invalid| errors.add("category_budget", shell.t(invalid.key)))
            .ok()
    };
    if let (Some(name), Some(budget)) = (&name, budget) {
        let categories = store::categories(&state.db, id).await?;
        let shared: i64 = categories.iter().filter_map(|c| c.budget_pence).sum();
        if budget.is_some_and(|b| shared + b > process.settings.budget_pence) {
            errors.add(
                "category_budget",
                shell.t("budgeting.error.category_budget"),
            );
        } else if store::add_category(&state.db, id, name.as_str(), budget)
            .await?
            .is_none()
        {
            errors.add("name", shell.t("budgeting.error.category_taken"));
        }
    }
    if errors.is_empty() {
        return Ok(redirect(&format!("/budgeting/{id}/manage?category=1")));
    }
    dashboard_page(&state, shell, id, form, errors, "").await
}

/// Counts the closed vote with the process's rule and publishes the result.
/// Sealing first means the count only ever sees ballots no one can trace.
pub async fn count(
    _organised: super::Organised,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    let process = existing(&state, id).await?;
    if process.phase() < Phase::Results {
        return Err(AppError::BadRequest {
            key: "budgeting.error.still_voting",
            field: None,
        });
    }
    ballot_box::seal(&state.db, id).await?;
    let counted = Event::new(Action::BudgetVoteCounted, Some(user.account_id), &ip)
        .subject("pb_process", id)
        .detail(process.settings.counting_rule.clone());
    if !counting::count_and_publish(&state.db, &process, Some(user.account_id), Some(counted))
        .await?
    {
        return Err(AppError::BadRequest {
            key: "budgeting.error.already_counted",
            field: None,
        });
    }
    Ok(redirect(&format!("/budgeting/{id}/results")))
}

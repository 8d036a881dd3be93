//! Focus it: an initiative's business case. The form takes inputs and
//! outcomes as people know them (percentages for the deductions and the
//! discount rate); the page shows every step of the arithmetic the engine
//! did, the sensitivity table and the initiative's rank by impact.
//!
//! The form (`form`) and the working shown step by step (`working`) are in
//! files of their own; this one holds the page and its handlers.

/// The form as typed, and turning it into the engine's case.
mod form;
/// Every step of the arithmetic, and the sensitivity table, as text.
mod working;

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::business_case::{
    Appraisal, appraise,
    sensitivity::{SENSITIVITY_STEP, sensitivity},
};
use serde::Deserialize;

use super::{
    numbers, scope,
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
use form::{CaseForm, MAX_OUTCOMES, OUTCOME_PARTS};
use working::{SensitivityLine, Working, sensitivity_lines, working};

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

//! Community plans in coprod's JSON API, read-only: the published plans,
//! and one plan with its outcomes, priorities, indicators, figures and
//! what serves each outcome. Plans are public, so any token reads them.

use axum::{
    Json,
    extract::{Path, State},
};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    model::Plan,
    store,
    view::{self, IndicatorView},
};
use crate::{
    app::AppState,
    error::{AppError, Result},
    web::Shell,
};

/// A plan, without its parts.
#[derive(Serialize, ToSchema)]
pub struct PlanSummary {
    pub id: i64,
    /// `loip` (the partnership's Local Outcomes Improvement Plan) or `locality`.
    pub kind: String,
    pub title: String,
    pub summary: String,
    /// The locality a locality plan covers; absent for the LOIP.
    pub locality_id: Option<i64>,
    pub locality: Option<String>,
    pub starts_in: i64,
    pub ends_in: i64,
    /// When it last changed, in seconds since the Unix epoch.
    pub updated_at: i64,
}

fn summary(plan: &Plan) -> PlanSummary {
    PlanSummary {
        id: plan.id,
        kind: plan.kind.clone(),
        title: plan.title.clone(),
        summary: plan.summary.clone(),
        locality_id: plan.locality_id,
        locality: plan.locality_name.clone(),
        starts_in: plan.starts_in,
        ends_in: plan.ends_in,
        updated_at: plan.updated_at,
    }
}

/// The published plans, the LOIP first.
#[derive(Serialize, ToSchema)]
pub struct PlanList {
    pub items: Vec<PlanSummary>,
}

/// One figure of an indicator.
#[derive(Serialize, ToSchema)]
pub struct FigureItem {
    /// `2024` (a calendar year) or `2024/25` (a financial year).
    pub period: String,
    pub value: f64,
    /// Where the figure came from.
    pub source: String,
}

/// An indicator, its figures in time order, and what they say.
#[derive(Serialize, ToSchema)]
pub struct IndicatorItem {
    pub id: i64,
    pub name: String,
    pub unit: String,
    /// `up` (more is better) or `down` (less is better).
    pub direction: String,
    pub target: Option<f64>,
    pub figures: Vec<FigureItem>,
    /// Between the last two figures: `improving`, `worsening`, `steady` or
    /// `too_few_figures`.
    pub trend: String,
    /// The share of the way from the first figure to the target the latest
    /// has come, in whole per cent; absent without a target or figures.
    pub progress_percent: Option<u8>,
    pub target_met: Option<bool>,
}

fn indicator(view: &IndicatorView) -> IndicatorItem {
    IndicatorItem {
        id: view.indicator.id,
        name: view.indicator.name.clone(),
        unit: view.indicator.unit.clone(),
        direction: view.indicator.direction().as_str().to_owned(),
        target: view.indicator.target,
        figures: view
            .figures
            .iter()
            .map(|f| FigureItem {
                period: f.period.clone(),
                value: f.value,
                source: f.source.clone(),
            })
            .collect(),
        trend: view.trend.as_str().to_owned(),
        progress_percent: view.progress.map(|p| p.percent),
        target_met: view.progress.map(|p| p.met),
    }
}

/// Something that serves an outcome.
#[derive(Serialize, ToSchema)]
pub struct LinkItem {
    /// `star_initiative`, `budgeting_process`, `survey` or `service`.
    pub kind: String,
    /// Its id in its own part of the API (a service's is text).
    pub id: String,
    /// Its name; absent when it has gone.
    pub name: Option<String>,
}

/// An outcome with its parts.
#[derive(Serialize, ToSchema)]
pub struct OutcomeItem {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub priorities: Vec<String>,
    pub indicators: Vec<IndicatorItem>,
    pub served_by: Vec<LinkItem>,
}

/// A plan with its outcomes.
#[derive(Serialize, ToSchema)]
pub struct PlanDetail {
    #[serde(flatten)]
    pub plan: PlanSummary,
    pub outcomes: Vec<OutcomeItem>,
}

/// Every published plan.
#[utoipa::path(get, path = "/api/v1/plans", tag = "planning",
    responses((status = 200, body = PlanList), (status = 401, body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn plans(State(state): State<AppState>) -> Result<Json<PlanList>> {
    let mut conn = state.db.pool().acquire().await?;
    let items = store::published(&mut conn)
        .await?
        .iter()
        .map(summary)
        .collect();
    Ok(Json(PlanList { items }))
}

/// One published plan with its outcomes, priorities, indicators and their
/// figures, and what serves each outcome.
#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "planning",
    params(("id" = i64, Path, description = "Plan id")),
    responses((status = 200, body = PlanDetail), (status = 404, body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn plan(
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<i64>,
) -> Result<Json<PlanDetail>> {
    let mut conn = state.db.pool().acquire().await?;
    let plan = store::find(&mut conn, id)
        .await?
        .filter(Plan::is_published)
        .ok_or(AppError::NotFoundKey("planning.error.no_plan"))?;
    let head = summary(&plan);
    let view = view::read(&mut conn, plan, &shell).await?;
    let outcomes = view
        .outcomes
        .iter()
        .map(|o| OutcomeItem {
            id: o.outcome.id,
            title: o.outcome.title.clone(),
            description: o.outcome.description.clone(),
            priorities: o.priorities.iter().map(|p| p.title.clone()).collect(),
            indicators: o.indicators.iter().map(indicator).collect(),
            served_by: o
                .links
                .iter()
                .map(|l| LinkItem {
                    kind: l.kind.clone(),
                    id: l.target.clone(),
                    name: l.name.clone(),
                })
                .collect(),
        })
        .collect();
    Ok(Json(PlanDetail {
        plan: head,
        outcomes,
    }))
}

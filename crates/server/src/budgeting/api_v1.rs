//! Participatory budgeting in coprod's JSON API: processes, their projects
//! (with running totals only when the process shows them), and counted
//! results with every project's reason. Like the pages, nothing here ever
//! names a voter or shows a ballot.

use axum::{
    Json,
    extract::{Path, State},
};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    ballot_box,
    counting::{self, Pot, Reason},
    store::{self, Process},
};
use crate::{
    app::AppState,
    error::{AppError, Result},
};

/// A process: what is decided, by whom and when.
#[derive(Serialize, ToSchema)]
pub struct ProcessSummary {
    pub id: i64,
    pub title: String,
    pub description: String,
    /// `upcoming`, `proposals`, `review`, `voting`, `results` or `delivery`.
    pub phase: String,
    /// GSS code of the area whose residents may vote; absent for the whole
    /// partnership.
    pub area_code: Option<String>,
    pub minimum_age: Option<i64>,
    pub budget_pence: i64,
    pub currency: String,
    /// `approval`, `cumulative` or `ranked`.
    pub ballot_type: String,
    pub counting_rule: String,
    /// When each phase starts, in seconds since the Unix epoch.
    pub proposals_open_at: i64,
    pub review_starts_at: i64,
    pub voting_opens_at: i64,
    pub voting_closes_at: i64,
    pub delivery_starts_at: i64,
    pub counted: bool,
}

fn summary(process: &Process, counted: bool) -> ProcessSummary {
    let s = &process.settings;
    ProcessSummary {
        id: process.id,
        title: s.title.clone(),
        description: s.description.clone(),
        phase: process.phase().as_str().to_owned(),
        area_code: s.area_code.clone(),
        minimum_age: s.minimum_age,
        budget_pence: s.budget_pence,
        currency: s.currency.clone(),
        ballot_type: s.ballot.kind().to_owned(),
        counting_rule: s.counting_rule.clone(),
        proposals_open_at: s.dates.proposals_open_at,
        review_starts_at: s.dates.review_starts_at,
        voting_opens_at: s.dates.voting_opens_at,
        voting_closes_at: s.dates.voting_closes_at,
        delivery_starts_at: s.dates.delivery_starts_at,
        counted,
    }
}

/// Every process.
#[derive(Serialize, ToSchema)]
pub struct ProcessList {
    pub items: Vec<ProcessSummary>,
}

/// A proposal and where it stands.
#[derive(Serialize, ToSchema)]
pub struct ProjectItem {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub location: String,
    pub category: Option<String>,
    pub estimated_cost_pence: i64,
    /// The cost the ballot uses: the reviewed cost if there is one.
    pub cost_pence: i64,
    /// `submitted`, `accepted`, `rejected` or `merged`.
    pub status: String,
    /// The review's public reason.
    pub review_reason: String,
    pub merged_into: Option<i64>,
    /// How it was sent in: `online`, `paper`, `event`, `phone` or `imported`.
    pub channel: String,
    /// Ballots naming it so far; present only when the process shows totals.
    pub votes: Option<i64>,
    /// Its score so far (points for points and ranked ballots); present only
    /// when the process shows totals.
    pub score: Option<i64>,
}

/// A process with its proposals.
#[derive(Serialize, ToSchema)]
pub struct ProcessDetail {
    #[serde(flatten)]
    pub process: ProcessSummary,
    pub projects: Vec<ProjectItem>,
}

/// Ballots cast on one channel.
#[derive(Serialize, ToSchema)]
pub struct Turnout {
    /// `online`, `in_person`, `paper` or `imported`.
    pub channel: String,
    pub ballots: i64,
}

/// One project's result.
#[derive(Serialize, ToSchema)]
pub struct ProjectResult {
    pub id: i64,
    pub title: String,
    pub category: Option<String>,
    pub cost_pence: i64,
    pub votes: i64,
    pub score: i64,
    pub funded: bool,
    /// 1 for the first project funded, and so on.
    pub funded_order: Option<i64>,
    /// The counting engine's reasons, one per stage of the rule.
    pub reasons: Vec<Reason>,
}

/// A counted vote.
#[derive(Serialize, ToSchema)]
pub struct Results {
    pub process_id: i64,
    pub counting_rule: String,
    /// When it was counted, in seconds since the Unix epoch.
    pub counted_at: i64,
    pub budget_pence: i64,
    pub spent_pence: i64,
    pub ballots: i64,
    pub turnout: Vec<Turnout>,
    /// Each theme with its own budget counted on its own, then the rest.
    pub pots: Vec<Pot>,
    /// Funded projects in funding order, then the others by score.
    pub projects: Vec<ProjectResult>,
}

async fn found(state: &AppState, id: i64) -> Result<Process> {
    store::find_process(&state.db, id)
        .await?
        .ok_or(AppError::NotFoundKey("budgeting.error.no_process"))
}

/// Every participatory budgeting process.
#[utoipa::path(get, path = "/api/v1/budgeting/processes", tag = "budgeting",
    responses((status = 200, body = ProcessList), (status = 401, body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn processes(State(state): State<AppState>) -> Result<Json<ProcessList>> {
    let mut items = Vec::new();
    for process in store::list_processes(&state.db).await? {
        let counted = counting::is_counted(&state.db, process.id).await?;
        items.push(summary(&process, counted));
    }
    Ok(Json(ProcessList { items }))
}

/// One process and its proposals. Votes so far are included only when the
/// process shows them: after voting, or during it if it says so.
#[utoipa::path(get, path = "/api/v1/budgeting/processes/{id}", tag = "budgeting",
    params(("id" = i64, Path, description = "Process id")),
    responses((status = 200, body = ProcessDetail), (status = 404, body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn process(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<ProcessDetail>> {
    let process = found(&state, id).await?;
    let tallies = if process.totals_visible() {
        Some(ballot_box::tallies(&state.db, id, process.settings.ballot.ranks()).await?)
    } else {
        None
    };
    let projects = store::proposals(&state.db, id)
        .await?
        .into_iter()
        .map(|p| {
            let tally = tallies
                .as_ref()
                .map(|t| t.get(&p.id).copied().unwrap_or_default());
            ProjectItem {
                id: p.id,
                cost_pence: p.cost_pence(),
                title: p.title,
                description: p.description,
                location: p.location,
                category: Some(p.category).filter(|c| !c.is_empty()),
                estimated_cost_pence: p.estimated_cost_pence,
                status: p.status,
                review_reason: p.review_reason,
                merged_into: p.merged_into,
                channel: p.channel,
                votes: tally.map(|t| t.votes),
                score: tally.map(|t| t.score),
            }
        })
        .collect();
    let counted = counting::is_counted(&state.db, id).await?;
    Ok(Json(ProcessDetail {
        process: summary(&process, counted),
        projects,
    }))
}

/// A process's counted results, with every project's reason. 404 until the
/// votes are counted.
#[utoipa::path(get, path = "/api/v1/budgeting/processes/{id}/results", tag = "budgeting",
    params(("id" = i64, Path, description = "Process id")),
    responses((status = 200, body = Results), (status = 404, body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn results(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Json<Results>> {
    let process = found(&state, id).await?;
    let count = counting::stored(&state.db, id)
        .await?
        .ok_or(AppError::NotFoundKey("budgeting.error.not_counted"))?;
    let proposals = store::proposals(&state.db, id).await?;
    let turnout = ballot_box::turnout(&state.db, id)
        .await?
        .into_iter()
        .map(|(channel, ballots)| Turnout { channel, ballots })
        .collect();
    let projects = count
        .projects
        .iter()
        .map(|r| {
            let proposal = proposals.iter().find(|p| p.id == r.proposal_id);
            ProjectResult {
                id: r.proposal_id,
                title: proposal.map(|p| p.title.clone()).unwrap_or_default(),
                category: proposal
                    .map(|p| p.category.clone())
                    .filter(|c| !c.is_empty()),
                cost_pence: r.cost_pence,
                votes: r.tally.votes,
                score: r.tally.score,
                funded: r.funded,
                funded_order: r.funded_order,
                reasons: r.reasons.clone(),
            }
        })
        .collect();
    Ok(Json(Results {
        process_id: id,
        counting_rule: count.rule.clone(),
        counted_at: count.counted_at,
        budget_pence: process.settings.budget_pence,
        spent_pence: count.pots.iter().map(|p| p.spent_pence).sum(),
        ballots: count.ballots,
        turnout,
        pots: count.pots,
        projects,
    }))
}

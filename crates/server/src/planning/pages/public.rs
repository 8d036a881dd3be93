//! The public pages: the plans, each plan's progress and its easy-read
//! version, and "you said, we did" for the partnership and each locality
//! that has joined. An unpublished plan answers 404 to all but those who
//! keep it, who see it as it will be.

use askama::Template;
use axum::{
    extract::{Path, State},
    response::Response,
};
use sqlx::AnyConnection;

use crate::{
    app::AppState,
    error::{AppError, Result},
    planning::{
        keeps,
        model::{Entry, Evidence, Plan},
        store::{self, entries},
        view::{self, PlanView},
    },
    web::{Shell, page},
};

/// An entry with its evidence, as pages show it.
pub struct EntryView {
    pub entry: Entry,
    pub evidence: Vec<Evidence>,
    /// The plan it belongs to, where a page mixes plans.
    pub plan_title: String,
}

/// `entries` with their evidence.
pub async fn with_evidence(
    conn: &mut AnyConnection,
    entries: Vec<Entry>,
    plans: &[Plan],
) -> Result<Vec<EntryView>> {
    let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
    let mut evidence = entries::evidence(conn, &ids).await?;
    Ok(entries
        .into_iter()
        .map(|entry| EntryView {
            evidence: evidence
                .extract_if(.., |v| v.entry_id == entry.id)
                .collect(),
            plan_title: plans
                .iter()
                .find(|p| p.id == entry.plan_id)
                .map(|p| p.title.clone())
                .unwrap_or_default(),
            entry,
        })
        .collect())
}

#[derive(Template)]
#[template(path = "planning/plans.html")]
struct ListPage {
    shell: Shell,
    plans: Vec<Plan>,
}

/// `GET /plans`
pub async fn list(State(state): State<AppState>, shell: Shell) -> Result<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let plans = store::published(&mut conn).await?;
    page(&ListPage { shell, plans })
}

/// The plan `id` if the reader may see it: published, or kept by them.
async fn visible(conn: &mut AnyConnection, shell: &Shell, id: i64) -> Result<Plan> {
    let plan = store::find(conn, id)
        .await?
        .ok_or(AppError::NotFoundKey("planning.error.no_plan"))?;
    let keeper = shell.user.as_ref().is_some_and(|u| keeps(u, &plan));
    if plan.is_published() || keeper {
        Ok(plan)
    } else {
        Err(AppError::NotFoundKey("planning.error.no_plan"))
    }
}

#[derive(Template)]
#[template(path = "planning/plan.html")]
struct PlanPage {
    shell: Shell,
    view: PlanView,
    entries: Vec<EntryView>,
    you_said_href: String,
    updated: String,
}

fn you_said_href(plan: &Plan) -> String {
    match plan.locality_id {
        Some(id) => format!("/you-said-we-did/localities/{id}"),
        None => "/you-said-we-did".to_owned(),
    }
}

fn updated(plan: &Plan) -> String {
    coprod_engine::plain::date(coprod_engine::schedule::Date::of_unix_seconds(
        plan.updated_at,
    ))
}

/// `GET /plans/{id}`
pub async fn plan(
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<i64>,
) -> Result<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let plan = visible(&mut conn, &shell, id).await?;
    let recent = entries::of_plan(&mut conn, plan.id, true).await?;
    let recent: Vec<Entry> = recent.into_iter().take(3).collect();
    let entries = with_evidence(&mut conn, recent, &[]).await?;
    let you_said_href = you_said_href(&plan);
    let updated = updated(&plan);
    let view = view::read(&mut conn, plan, &shell).await?;
    page(&PlanPage {
        shell,
        view,
        entries,
        you_said_href,
        updated,
    })
}

#[derive(Template)]
#[template(path = "planning/easy_read.html")]
struct EasyReadPage {
    shell: Shell,
    view: PlanView,
    /// The plan's easy-read summary, a line each.
    summary: Vec<String>,
    entries: Vec<EntryView>,
    you_said_href: String,
}

/// Lines of easy-read text: one idea per line, empty lines dropped.
pub fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `GET /plans/{id}/easy-read`
pub async fn easy_read(
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<i64>,
) -> Result<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let plan = visible(&mut conn, &shell, id).await?;
    let recent = entries::of_plan(&mut conn, plan.id, true).await?;
    let entries = with_evidence(&mut conn, recent.into_iter().take(3).collect(), &[]).await?;
    let summary = lines(if plan.easy_read.is_empty() {
        &plan.summary
    } else {
        &plan.easy_read
    });
    let you_said_href = you_said_href(&plan);
    let view = view::read(&mut conn, plan, &shell).await?;
    page(&EasyReadPage {
        shell,
        view,
        summary,
        entries,
        you_said_href,
    })
}

#[derive(Template)]
#[template(path = "planning/you_said.html")]
struct YouSaidPage {
    shell: Shell,
    heading: String,
    entries: Vec<EntryView>,
    plans: Vec<Plan>,
    /// The other localities that have joined: (id, name, entries).
    localities: Vec<(i64, String, i64)>,
    /// On a locality's page, its id.
    locality: Option<i64>,
}

/// `GET /you-said-we-did`: the partnership's entries, and the localities
/// that have joined.
pub async fn you_said(State(state): State<AppState>, shell: Shell) -> Result<Response> {
    you_said_page(&state, shell, None).await
}

/// `GET /you-said-we-did/localities/{id}`
pub async fn you_said_locality(
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<i64>,
) -> Result<Response> {
    you_said_page(&state, shell, Some(id)).await
}

async fn you_said_page(state: &AppState, shell: Shell, locality: Option<i64>) -> Result<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let localities = entries::localities_joined(&mut conn).await?;
    let heading = match locality {
        None => shell.t("planning.you_said.heading"),
        Some(id) => {
            let (_, name, _) = localities
                .iter()
                .find(|(l, _, _)| *l == id)
                .ok_or(AppError::NotFoundKey("planning.error.no_locality"))?;
            shell.t1("planning.you_said.heading_locality", name)
        }
    };
    let plans: Vec<Plan> = store::published(&mut conn)
        .await?
        .into_iter()
        .filter(|p| p.locality_id == locality)
        .collect();
    let found = entries::public_for(&mut conn, locality).await?;
    let entries = with_evidence(&mut conn, found, &plans).await?;
    let localities = localities
        .into_iter()
        .filter(|(id, _, _)| Some(*id) != locality)
        .collect();
    page(&YouSaidPage {
        shell,
        heading,
        entries,
        plans,
        localities,
        locality,
    })
}

//! The SQL of community planning: plans and their outcomes, priorities,
//! indicators and figures here; what serves an outcome in [`links`]; "you
//! said, we did" entries and their evidence in [`entries`]. Every function
//! takes the caller's connection, so a page changes a plan and writes its
//! audit row in one transaction.

/// "You said, we did" entries and their evidence.
pub mod entries;
/// What serves an outcome, and the records that may.
pub mod links;

use coprod_engine::planning::{Direction, Period};
use sqlx::AnyConnection;

use super::model::{FigureRow, Indicator, Outcome, Plan, Priority};
use crate::db::StoreResult;

const PLAN: &str = "SELECT p.id, p.kind, p.locality_id, l.name AS locality_name, \
     p.organisation_id, o.name AS organisation_name, p.title, p.summary, p.easy_read, \
     p.starts_in, p.ends_in, p.published, p.updated_at \
     FROM plans p LEFT JOIN localities l ON l.id = p.locality_id \
     LEFT JOIN organisations o ON o.id = p.organisation_id";

/// The partnership's plan first, then locality plans by locality.
const PLAN_ORDER: &str =
    "ORDER BY CASE WHEN p.locality_id IS NULL THEN 0 ELSE 1 END, l.name, p.starts_in DESC, p.id";

/// A plan's details as a form gives them.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanDetails {
    pub title: String,
    pub summary: String,
    pub easy_read: String,
    pub starts_in: i64,
    pub ends_in: i64,
    pub published: bool,
}

/// Every plan, published or not.
pub async fn all(conn: &mut AnyConnection) -> StoreResult<Vec<Plan>> {
    Ok(sqlx::query_as(&format!("{PLAN} {PLAN_ORDER}"))
        .fetch_all(&mut *conn)
        .await?)
}

/// The published plans, for the public.
pub async fn published(conn: &mut AnyConnection) -> StoreResult<Vec<Plan>> {
    Ok(
        sqlx::query_as(&format!("{PLAN} WHERE p.published = 1 {PLAN_ORDER}"))
            .fetch_all(&mut *conn)
            .await?,
    )
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<Plan>> {
    Ok(sqlx::query_as(&format!("{PLAN} WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// Stores a new plan: for `locality` (`None`: the partnership's LOIP),
/// kept by `organisation` (`None`: the partnership itself).
pub async fn create(
    conn: &mut AnyConnection,
    locality: Option<i64>,
    organisation: Option<i64>,
    details: &PlanDetails,
    by: i64,
    at: i64,
) -> StoreResult<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO plans (kind, locality_id, organisation_id, title, summary, easy_read, \
         starts_in, ends_in, published, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(if locality.is_some() {
        "locality"
    } else {
        "loip"
    })
    .bind(locality)
    .bind(organisation)
    .bind(&details.title)
    .bind(&details.summary)
    .bind(&details.easy_read)
    .bind(details.starts_in)
    .bind(details.ends_in)
    .bind(i64::from(details.published))
    .bind(by)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    details: &PlanDetails,
    at: i64,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE plans SET title = $1, summary = $2, easy_read = $3, starts_in = $4, \
         ends_in = $5, published = $6, updated_at = $7 WHERE id = $8",
    )
    .bind(&details.title)
    .bind(&details.summary)
    .bind(&details.easy_read)
    .bind(details.starts_in)
    .bind(details.ends_in)
    .bind(i64::from(details.published))
    .bind(at)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Marks a plan changed, for "last updated".
pub async fn touch(conn: &mut AnyConnection, id: i64, at: i64) -> StoreResult<()> {
    sqlx::query("UPDATE plans SET updated_at = $1 WHERE id = $2")
        .bind(at)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A plan's outcomes in order.
pub async fn outcomes(conn: &mut AnyConnection, plan_id: i64) -> StoreResult<Vec<Outcome>> {
    Ok(sqlx::query_as(
        "SELECT id, plan_id, position, title, description, easy_read FROM plan_outcomes \
         WHERE plan_id = $1 ORDER BY position, id",
    )
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Adds an outcome at the end of the plan's list.
pub async fn add_outcome(
    conn: &mut AnyConnection,
    plan_id: i64,
    title: &str,
    description: &str,
    easy_read: &str,
) -> StoreResult<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO plan_outcomes (plan_id, position, title, description, easy_read) \
         VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM plan_outcomes WHERE plan_id = $1), \
         $2, $3, $4) RETURNING id",
    )
    .bind(plan_id)
    .bind(title)
    .bind(description)
    .bind(easy_read)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// The priorities of every outcome of a plan, in order.
pub async fn priorities(conn: &mut AnyConnection, plan_id: i64) -> StoreResult<Vec<Priority>> {
    Ok(sqlx::query_as(
        "SELECT r.id, r.outcome_id, r.title FROM plan_priorities r \
         JOIN plan_outcomes o ON o.id = r.outcome_id WHERE o.plan_id = $1 \
         ORDER BY r.outcome_id, r.position, r.id",
    )
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?)
}

pub async fn add_priority(
    conn: &mut AnyConnection,
    outcome_id: i64,
    title: &str,
) -> StoreResult<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO plan_priorities (outcome_id, position, title) VALUES ($1, \
         (SELECT COALESCE(MAX(position), 0) + 1 FROM plan_priorities WHERE outcome_id = $1), $2) \
         RETURNING id",
    )
    .bind(outcome_id)
    .bind(title)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// The indicators of every outcome of a plan.
pub async fn indicators(conn: &mut AnyConnection, plan_id: i64) -> StoreResult<Vec<Indicator>> {
    Ok(sqlx::query_as(
        "SELECT i.id, i.outcome_id, i.name, i.unit, i.direction, i.target, i.easy_read \
         FROM plan_indicators i JOIN plan_outcomes o ON o.id = i.outcome_id \
         WHERE o.plan_id = $1 ORDER BY o.position, i.id",
    )
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// An indicator as a form gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewIndicator {
    pub name: String,
    pub unit: String,
    pub direction: Direction,
    pub target: Option<f64>,
    pub easy_read: String,
}

pub async fn add_indicator(
    conn: &mut AnyConnection,
    outcome_id: i64,
    indicator: &NewIndicator,
) -> StoreResult<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO plan_indicators (outcome_id, name, unit, direction, target, easy_read) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(outcome_id)
    .bind(&indicator.name)
    .bind(&indicator.unit)
    .bind(indicator.direction.as_str())
    .bind(indicator.target)
    .bind(&indicator.easy_read)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Every figure of a plan's indicators, in time order.
pub async fn figures(conn: &mut AnyConnection, plan_id: i64) -> StoreResult<Vec<FigureRow>> {
    Ok(sqlx::query_as(
        "SELECT f.id, f.indicator_id, f.period, f.value, f.source FROM plan_figures f \
         JOIN plan_indicators i ON i.id = f.indicator_id \
         JOIN plan_outcomes o ON o.id = i.outcome_id \
         WHERE o.plan_id = $1 ORDER BY f.indicator_id, f.period_start, f.period",
    )
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Records an indicator's figure for a period, replacing one already
/// there. Whether one was replaced is returned, for the audit row.
pub async fn record_figure(
    conn: &mut AnyConnection,
    indicator_id: i64,
    period: Period,
    value: f64,
    source: &str,
    by: i64,
    at: i64,
) -> StoreResult<bool> {
    let replaced = sqlx::query("DELETE FROM plan_figures WHERE indicator_id = $1 AND period = $2")
        .bind(indicator_id)
        .bind(period.to_string())
        .execute(&mut *conn)
        .await?
        .rows_affected()
        > 0;
    sqlx::query(
        "INSERT INTO plan_figures (indicator_id, period, period_start, value, source, \
         recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(indicator_id)
    .bind(period.to_string())
    .bind(i64::from(period.start_year))
    .bind(value)
    .bind(source)
    .bind(by)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(replaced)
}

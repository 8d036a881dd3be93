//! The SQL of a count: the result stored once (the database lets only one
//! count of a process in), and read back for the results page and the API.

use sqlx::{AnyConnection, Row};

use super::ballot_box::Tally;
use crate::{
    budgeting::counting::{Pot, Reason},
    db::{Db, StoreError, StoreResult},
};

/// How many ballots of the process are stored now, in the caller's
/// transaction.
pub async fn ballots_stored(tx: &mut AnyConnection, process_id: i64) -> StoreResult<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM pb_ballots WHERE process_id = $1")
        .bind(process_id)
        .fetch_one(tx)
        .await?;
    Ok(n)
}

/// A count's summary, as stored.
pub struct NewCount<'a> {
    pub process_id: i64,
    pub rule: &'a str,
    pub counted_at: i64,
    pub counted_by: Option<i64>,
    pub ballots: i64,
    /// The pots as JSON.
    pub summary: String,
}

/// Stores a count's summary in the caller's transaction; `false` when the
/// process had been counted already (nothing is written then).
pub async fn insert_count(tx: &mut AnyConnection, new: NewCount<'_>) -> StoreResult<bool> {
    let inserted = sqlx::query(
        "INSERT INTO pb_counts (process_id, rule, counted_at, counted_by, ballots, summary) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (process_id) DO NOTHING",
    )
    .bind(new.process_id)
    .bind(new.rule)
    .bind(new.counted_at)
    .bind(new.counted_by)
    .bind(new.ballots)
    .bind(new.summary)
    .execute(tx)
    .await?
    .rows_affected();
    Ok(inserted > 0)
}

/// One project's result, as stored.
pub struct NewResult {
    pub proposal_id: i64,
    pub process_id: i64,
    pub funded: bool,
    pub funded_order: Option<i64>,
    pub tally: Tally,
    pub cost_pence: i64,
    /// The engine's reasons as JSON.
    pub explanation: String,
}

/// Stores one project's result in the caller's transaction.
pub async fn insert_result(tx: &mut AnyConnection, new: NewResult) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO pb_project_results (proposal_id, process_id, funded, funded_order, votes, score, cost_pence, explanation) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new.proposal_id)
    .bind(new.process_id)
    .bind(i64::from(new.funded))
    .bind(new.funded_order)
    .bind(new.tally.votes)
    .bind(new.tally.score)
    .bind(new.cost_pence)
    .bind(new.explanation)
    .execute(tx)
    .await?;
    Ok(())
}

/// Whether the process's vote has been counted.
pub async fn is_counted(db: &Db, process_id: i64) -> StoreResult<bool> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM pb_counts WHERE process_id = $1")
        .bind(process_id)
        .fetch_one(db.pool())
        .await?;
    Ok(n > 0)
}

/// The funded projects of a counted process, in funding order.
pub async fn funded_ids(db: &Db, process_id: i64) -> StoreResult<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT proposal_id FROM pb_project_results WHERE process_id = $1 AND funded = 1 \
         ORDER BY funded_order",
    )
    .bind(process_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// A stored count.
#[derive(Debug, Clone)]
pub struct Count {
    pub rule: String,
    pub counted_at: i64,
    pub ballots: i64,
    pub pots: Vec<Pot>,
    pub projects: Vec<ProjectResult>,
}

/// One project's stored result.
#[derive(Debug, Clone)]
pub struct ProjectResult {
    pub proposal_id: i64,
    pub funded: bool,
    pub funded_order: Option<i64>,
    pub tally: Tally,
    pub cost_pence: i64,
    pub reasons: Vec<Reason>,
}

/// The stored count of a process, funded projects first in funding order,
/// then the rest by score.
pub async fn stored(db: &Db, process_id: i64) -> StoreResult<Option<Count>> {
    let Some(row) = sqlx::query(
        "SELECT rule, counted_at, ballots, summary FROM pb_counts WHERE process_id = $1",
    )
    .bind(process_id)
    .fetch_optional(db.pool())
    .await?
    else {
        return Ok(None);
    };
    let summary: String = row.try_get("summary")?;
    let rows = sqlx::query(
        "SELECT proposal_id, funded, funded_order, votes, score, cost_pence, explanation \
         FROM pb_project_results WHERE process_id = $1",
    )
    .bind(process_id)
    .fetch_all(db.pool())
    .await?;
    let mut projects = rows
        .iter()
        .map(|r| {
            let explanation: String = r.try_get("explanation")?;
            Ok(ProjectResult {
                proposal_id: r.try_get("proposal_id")?,
                funded: r.try_get::<i64, _>("funded")? != 0,
                funded_order: r.try_get("funded_order")?,
                tally: Tally {
                    votes: r.try_get("votes")?,
                    score: r.try_get("score")?,
                },
                cost_pence: r.try_get("cost_pence")?,
                reasons: serde_json::from_str(&explanation)
                    .map_err(|e| StoreError::invalid("pb_project_results.explanation", e))?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    projects.sort_by_key(|p| {
        (
            !p.funded,
            p.funded_order.unwrap_or(i64::MAX),
            -p.tally.score,
            p.proposal_id,
        )
    });
    Ok(Some(Count {
        rule: row.try_get("rule")?,
        counted_at: row.try_get("counted_at")?,
        ballots: row.try_get("ballots")?,
        pots: serde_json::from_str(&summary)
            .map_err(|e| StoreError::invalid("pb_counts.summary", e))?,
        projects,
    }))
}

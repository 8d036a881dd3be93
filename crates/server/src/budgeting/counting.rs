//! Counting a closed vote with the engine's rules, and the stored result.

use crate::db::Db;

/// Whether the process's vote has been counted.
pub async fn is_counted(db: &Db, process_id: i64) -> Result<bool, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM pb_counts WHERE process_id = $1")
        .bind(process_id)
        .fetch_one(db.pool())
        .await?;
    Ok(n > 0)
}

/// The funded projects of a counted process, in funding order.
pub async fn funded_ids(db: &Db, process_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT proposal_id FROM pb_project_results WHERE process_id = $1 AND funded = 1 \
         ORDER BY funded_order",
    )
    .bind(process_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

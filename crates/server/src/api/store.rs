//! Storage of API tokens: only their hashes, their names and keepers,
//! and when they were last used or revoked.

use coprod_engine::people::LineOfText;
use sqlx::{AnyConnection, Row};

use super::ApiClient;
use crate::{
    crypto,
    db::{self, Db, StoreResult},
    web::utc_time,
};

/// The client a presented token belongs to, if it is live.
pub async fn authenticate(db: &Db, token: &str) -> StoreResult<Option<ApiClient>> {
    let hash = crypto::token_hash(token);
    let row = sqlx::query("SELECT id, name, organisation_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
        .bind(&hash)
        .fetch_optional(db.pool())
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let token_id: i64 = row.try_get("id")?;
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(db::now())
        .bind(token_id)
        .execute(db.pool())
        .await?;
    Ok(Some(ApiClient {
        token_id,
        token_name: row.try_get("name")?,
        organisation_id: row.try_get("organisation_id")?,
    }))
}

/// Whether a token in use has this name.
pub async fn active_named(db: &Db, name: &str) -> StoreResult<bool> {
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM api_tokens WHERE name = $1 AND revoked_at IS NULL")
            .bind(name)
            .fetch_one(db.pool())
            .await?;
    Ok(count > 0)
}

/// Revokes every token in use with this name; returns their ids.
pub async fn revoke_named(db: &Db, name: &str) -> StoreResult<Vec<i64>> {
    sqlx::query_scalar(
        "UPDATE api_tokens SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL RETURNING id",
    )
    .bind(db::now())
    .bind(name)
    .fetch_all(db.pool())
    .await
    .map_err(Into::into)
}

/// Creates a token and returns it in full — the only time it exists outside
/// its holder's hands.
pub async fn issue(
    db: &Db,
    name: &LineOfText,
    organisation_id: i64,
    created_by: Option<i64>,
) -> StoreResult<(i64, String)> {
    let mut conn = db.pool().acquire().await?;
    issue_in(&mut conn, name, organisation_id, created_by).await
}

/// [`issue`] on `conn`, in the caller's transaction.
pub async fn issue_in(
    conn: &mut AnyConnection,
    name: &LineOfText,
    organisation_id: i64,
    created_by: Option<i64>,
) -> StoreResult<(i64, String)> {
    let token = format!("coprod_{}", crypto::random_token());
    let row = sqlx::query(
        "INSERT INTO api_tokens (name, token_hash, organisation_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(name.as_str())
    .bind(crypto::token_hash(&token))
    .bind(organisation_id)
    .bind(created_by)
    .bind(db::now())
    .fetch_one(&mut *conn)
    .await?;
    Ok((row.try_get("id")?, token))
}

/// A token as listed (never the token itself).
#[derive(Debug, Clone)]
pub struct TokenSummary {
    pub id: i64,
    pub name: String,
    pub organisation: String,
    pub revoked: bool,
    pub last_used: String,
}

/// Every token, newest first.
pub async fn summaries(db: &Db) -> StoreResult<Vec<TokenSummary>> {
    let rows = sqlx::query(
        "SELECT t.id, t.name, o.name AS organisation, t.revoked_at, t.last_used_at FROM api_tokens t \
         JOIN organisations o ON o.id = t.organisation_id ORDER BY t.id DESC",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let last_used: Option<i64> = row.try_get("last_used_at")?;
            Ok(TokenSummary {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                organisation: row.try_get("organisation")?,
                revoked: row.try_get::<Option<i64>, _>("revoked_at")?.is_some(),
                last_used: last_used.map(utc_time).unwrap_or_default(),
            })
        })
        .collect()
}

/// Revokes one token; false when there is no such token in use.
pub async fn revoke(conn: &mut AnyConnection, id: i64) -> StoreResult<bool> {
    let result =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(db::now())
            .bind(id)
            .execute(&mut *conn)
            .await?;
    Ok(result.rows_affected() > 0)
}

//! One-time invitation links: only each token's SHA-256 is kept.

use crate::db::{StoreError, StoreResult};
use coprod_engine::surveys::Audience;
use sqlx::{AnyConnection, Row};

use super::{audience_key, parse_audience};
use crate::{
    crypto,
    db::{self, Db},
};

/// An invitation found by its token.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: i64,
    pub survey_id: i64,
    pub audience: Audience,
    pub used: bool,
}

/// Stores a new invitation; only the token's hash is kept, and the email
/// address only when `email` is given.
pub async fn create_invitation(
    db: &Db,
    survey_id: i64,
    audience: Audience,
    token: &str,
    email: Option<&str>,
    created_by: i64,
) -> StoreResult<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO survey_invitations (survey_id, audience, token_hash, email, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(survey_id)
    .bind(audience_key(audience))
    .bind(crypto::token_hash(token))
    .bind(email.map(str::to_owned))
    .bind(created_by)
    .bind(db::now())
    .fetch_one(db.pool())
    .await?;
    Ok(id)
}

/// The invitation a token opens, used or not.
pub async fn invitation(db: &Db, token: &str) -> StoreResult<Option<Invitation>> {
    let row = sqlx::query(
        "SELECT id, survey_id, audience, used_at FROM survey_invitations WHERE token_hash = $1",
    )
    .bind(crypto::token_hash(token))
    .fetch_optional(db.pool())
    .await?;
    row.map(|row| {
        let audience: String = row.try_get("audience")?;
        let used_at: Option<i64> = row.try_get("used_at")?;
        Ok(Invitation {
            id: row.try_get("id")?,
            survey_id: row.try_get("survey_id")?,
            audience: parse_audience(&audience).ok_or_else(|| {
                StoreError::invalid(
                    "survey_invitations.audience",
                    format!("unknown audience {audience}"),
                )
            })?,
            used: used_at.is_some(),
        })
    })
    .transpose()
}

/// How many invitations a survey has sent, and how many were answered.
pub async fn invitation_counts(db: &Db, survey_id: i64) -> StoreResult<(i64, i64)> {
    sqlx::query_as("SELECT COUNT(*), COUNT(used_at) FROM survey_invitations WHERE survey_id = $1")
        .bind(survey_id)
        .fetch_one(db.pool())
        .await
        .map_err(Into::into)
}

/// Removes an invitation that could not be delivered.
pub async fn delete_invitation(conn: &mut AnyConnection, id: i64) -> StoreResult<()> {
    sqlx::query("DELETE FROM survey_invitations WHERE id = $1 AND used_at IS NULL")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

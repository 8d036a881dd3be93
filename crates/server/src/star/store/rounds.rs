//! Self-assessment rounds and the ratings given in each.

use crate::db::StoreResult;
use coprod_engine::{
    self_assessment::{Maturity, Rating, Role},
    surveys::question::Code,
};
use sqlx::{AnyConnection, Connection, Row};

use super::{SaveError, unknown};
use crate::db::{self, Db};

/// A round of the self-assessment.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Round {
    pub id: i64,
    pub organisation_id: i64,
    pub name: String,
    /// ISO 8601 date.
    pub held_on: String,
    /// How many people have rated in it.
    pub raters: i64,
}

const SELECT: &str = "SELECT r.id, r.organisation_id, r.name, r.held_on, \
     (SELECT COUNT(DISTINCT t.rater) FROM star_ratings t WHERE t.round_id = r.id) AS raters \
     FROM star_rounds r";

/// An organisation's rounds, oldest first.
pub async fn list(db: &Db, organisation_id: i64) -> StoreResult<Vec<Round>> {
    let rows: Vec<Round> = sqlx::query_as(&format!(
        "{SELECT} WHERE r.organisation_id = $1 ORDER BY r.held_on, r.id"
    ))
    .bind(organisation_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows)
}

pub async fn find(db: &Db, id: i64) -> StoreResult<Option<Round>> {
    let row: Option<Round> = sqlx::query_as(&format!("{SELECT} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row)
}

pub async fn create(
    db: &Db,
    organisation_id: i64,
    name: &str,
    held_on: &str,
    created_by: Option<i64>,
) -> Result<i64, SaveError> {
    let row = sqlx::query(
        "INSERT INTO star_rounds (organisation_id, name, held_on, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(organisation_id)
    .bind(name)
    .bind(held_on)
    .bind(created_by)
    .bind(db::now())
    .fetch_one(db.pool())
    .await
    .map_err(SaveError::classify)?;
    Ok(row.try_get("id")?)
}

/// Every rating of a round, rater by rater.
pub async fn ratings(db: &Db, round_id: i64) -> StoreResult<Vec<Rating>> {
    let rows = sqlx::query(
        "SELECT rater, role, statement, maturity, evidence, action FROM star_ratings \
         WHERE round_id = $1 ORDER BY id",
    )
    .bind(round_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let role: String = row.try_get("role")?;
            let statement: String = row.try_get("statement")?;
            let maturity: i64 = row.try_get("maturity")?;
            Ok(Rating {
                rater: row.try_get("rater")?,
                role: Role::parse(&role).map_err(|_| unknown("star_ratings.role", &role))?,
                statement: Code::parse(&statement)
                    .map_err(|_| unknown("star_ratings.statement", &statement))?,
                maturity: u8::try_from(maturity)
                    .ok()
                    .and_then(|m| Maturity::parse(m).ok())
                    .ok_or_else(|| unknown("star_ratings.maturity", &maturity.to_string()))?,
                evidence: row.try_get("evidence")?,
                action: row.try_get("action")?,
            })
        })
        .collect()
}

/// Stores one rater's ratings, all or nothing. A name already used in the
/// round is refused, so nobody's ratings are overwritten by someone who
/// shares their name.
pub async fn record(
    conn: &mut AnyConnection,
    round_id: i64,
    ratings: &[Rating],
    entered_by: Option<i64>,
) -> Result<(), SaveError> {
    let mut tx = conn.begin().await?;
    for rating in ratings {
        sqlx::query(
            "INSERT INTO star_ratings (round_id, rater, role, statement, maturity, evidence, action, entered_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(round_id)
        .bind(&rating.rater)
        .bind(rating.role.key())
        .bind(rating.statement.as_str())
        .bind(i64::from(rating.maturity.get()))
        .bind(rating.evidence.as_deref())
        .bind(rating.action.as_deref())
        .bind(entered_by)
        .execute(&mut *tx)
        .await
        .map_err(SaveError::classify)?;
    }
    tx.commit().await?;
    Ok(())
}

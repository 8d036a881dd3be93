use crate::db::{StoreError, StoreResult};
use coprod_engine::people::{LineOfText, Sector};
use serde::Serialize;
use sqlx::{AnyConnection, Row};

use crate::db::{self, Db};

/// An organisation as stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    /// `public`, `third` or `independent`.
    pub sector: String,
    pub locality_id: Option<i64>,
    pub locality_name: Option<String>,
}

/// A planning area of the partnership.
#[derive(Debug, Clone, Serialize)]
pub struct Locality {
    pub id: i64,
    pub name: String,
    pub gss_code: Option<String>,
}

/// Why an organisation could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("an organisation with that name already exists")]
    NameTaken,
    #[error("that locality does not exist")]
    UnknownLocality,
    #[error(transparent)]
    Database(#[from] StoreError),
}

impl From<sqlx::Error> for SaveError {
    fn from(error: sqlx::Error) -> Self {
        SaveError::Database(error.into())
    }
}

fn classify(error: sqlx::Error) -> SaveError {
    match StoreError::from(error) {
        error if error.is_unique_violation() => SaveError::NameTaken,
        error if error.is_foreign_key_violation() => SaveError::UnknownLocality,
        error => SaveError::Database(error),
    }
}

const SELECT: &str = "SELECT o.id, o.name, o.sector, o.locality_id, l.name AS locality_name \
     FROM organisations o LEFT JOIN localities l ON l.id = o.locality_id";

pub async fn list(db: &Db) -> StoreResult<Vec<Organisation>> {
    let rows: Vec<Organisation> = sqlx::query_as(&format!("{SELECT} ORDER BY o.name"))
        .fetch_all(db.pool())
        .await?;
    Ok(rows)
}

pub async fn find(db: &Db, id: i64) -> StoreResult<Option<Organisation>> {
    let row: Option<Organisation> = sqlx::query_as(&format!("{SELECT} WHERE o.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row)
}

pub async fn create(
    db: &Db,
    name: &LineOfText,
    sector: Sector,
    locality_id: Option<i64>,
) -> Result<i64, SaveError> {
    let mut conn = db.pool().acquire().await?;
    create_in(&mut conn, name, sector, locality_id).await
}

/// [`create`] on `conn`, in the caller's transaction (beside its audit row).
pub async fn create_in(
    conn: &mut AnyConnection,
    name: &LineOfText,
    sector: Sector,
    locality_id: Option<i64>,
) -> Result<i64, SaveError> {
    let row = sqlx::query(
        "INSERT INTO organisations (name, sector, locality_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(name.as_str())
    .bind(sector.as_str())
    .bind(locality_id)
    .bind(db::now())
    .fetch_one(&mut *conn)
    .await
    .map_err(classify)?;
    Ok(row.try_get("id")?)
}

pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    name: &LineOfText,
    sector: Sector,
    locality_id: Option<i64>,
) -> Result<bool, SaveError> {
    let result = sqlx::query(
        "UPDATE organisations SET name = $1, sector = $2, locality_id = $3 WHERE id = $4",
    )
    .bind(name.as_str())
    .bind(sector.as_str())
    .bind(locality_id)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map_err(classify)?;
    Ok(result.rows_affected() == 1)
}

pub async fn localities(db: &Db) -> StoreResult<Vec<Locality>> {
    let rows = sqlx::query("SELECT id, name, gss_code FROM localities ORDER BY name")
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Locality {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                gss_code: row.try_get("gss_code")?,
            })
        })
        .collect()
}

pub async fn create_locality(
    db: &Db,
    name: &LineOfText,
    gss_code: Option<&str>,
) -> StoreResult<i64> {
    let row = sqlx::query("INSERT INTO localities (name, gss_code) VALUES ($1, $2) RETURNING id")
        .bind(name.as_str())
        .bind(gss_code)
        .fetch_one(db.pool())
        .await?;
    row.try_get("id").map_err(Into::into)
}

/// The people holding roles in an organisation: (account id, name, email, role).
pub async fn members(
    db: &Db,
    organisation_id: i64,
) -> StoreResult<Vec<(i64, String, String, String)>> {
    sqlx::query_as(
        "SELECT a.id, a.display_name, a.email, m.role FROM memberships m \
         JOIN accounts a ON a.id = m.account_id WHERE m.organisation_id = $1 \
         ORDER BY a.display_name, m.role",
    )
    .bind(organisation_id)
    .fetch_all(db.pool())
    .await
    .map_err(Into::into)
}

/// Every organisation's id and name, by name.
pub async fn names(db: &Db) -> StoreResult<Vec<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT id, name FROM organisations ORDER BY name")
            .fetch_all(db.pool())
            .await?,
    )
}

/// One organisation's name, inside the caller's transaction.
pub async fn name_in(conn: &mut sqlx::AnyConnection, id: i64) -> StoreResult<String> {
    Ok(
        sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?,
    )
}

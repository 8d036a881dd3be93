use coprod_engine::place::{Coordinates, Postcode};
use serde::Serialize;
use sqlx::{Acquire, Row};

use super::simd::SimdRecord;
use crate::db::{self, Db, StoreResult};

/// One postcode of the directory.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PostcodeRecord {
    /// Canonical form, e.g. `AV1 2BD`.
    #[schema(value_type = String)]
    pub postcode: Postcode,
    pub latitude: f64,
    pub longitude: f64,
    /// GSS code of the data zone (S01…), if known.
    pub data_zone: Option<String>,
    /// GSS code of the council area (S12…), if known.
    pub council_area: Option<String>,
    /// GSS code of the electoral ward (S13…), if known.
    pub electoral_ward: Option<String>,
    /// GSS code of the health board (S08…), if known.
    pub health_board: Option<String>,
}

impl PostcodeRecord {
    pub fn coordinates(&self) -> Coordinates {
        Coordinates {
            latitude: self.latitude,
            longitude: self.longitude,
        }
    }
}

/// Rows per INSERT: well under both backends' limits on bound parameters.
const BATCH: usize = 500;

/// Adds or replaces every record in one transaction: either all of them
/// are stored or, on any failure, none.
pub async fn import(db: &Db, records: &[PostcodeRecord]) -> StoreResult<u64> {
    let mut conn = db.pool().acquire().await?;
    let mut tx = conn.begin().await?;
    let now = db::now();
    for chunk in records.chunks(BATCH) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p = i * 8;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    p + 1,
                    p + 2,
                    p + 3,
                    p + 4,
                    p + 5,
                    p + 6,
                    p + 7,
                    p + 8
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO postcodes (postcode, latitude, longitude, data_zone, council_area, electoral_ward, health_board, imported_at) \
             VALUES {} ON CONFLICT (postcode) DO UPDATE SET latitude = excluded.latitude, longitude = excluded.longitude, \
             data_zone = excluded.data_zone, council_area = excluded.council_area, \
             electoral_ward = excluded.electoral_ward, health_board = excluded.health_board, imported_at = excluded.imported_at",
            rows.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for record in chunk {
            query = query
                .bind(record.postcode.as_str().to_owned())
                .bind(record.latitude)
                .bind(record.longitude)
                .bind(record.data_zone.clone())
                .bind(record.council_area.clone())
                .bind(record.electoral_ward.clone())
                .bind(record.health_board.clone())
                .bind(now);
        }
        query.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(records.len() as u64)
}

pub async fn lookup(db: &Db, postcode: &Postcode) -> StoreResult<Option<PostcodeRecord>> {
    let row = sqlx::query(
        "SELECT latitude, longitude, data_zone, council_area, electoral_ward, health_board \
         FROM postcodes WHERE postcode = $1",
    )
    .bind(postcode.as_str())
    .fetch_optional(db.pool())
    .await?;
    row.map(|row| {
        Ok(PostcodeRecord {
            postcode: postcode.clone(),
            latitude: row.try_get("latitude")?,
            longitude: row.try_get("longitude")?,
            data_zone: row.try_get("data_zone")?,
            council_area: row.try_get("council_area")?,
            electoral_ward: row.try_get("electoral_ward")?,
            health_board: row.try_get("health_board")?,
        })
    })
    .transpose()
}

pub async fn count(db: &Db) -> StoreResult<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM postcodes")
        .fetch_one(db.pool())
        .await?;
    Ok(n)
}

/// Adds or replaces every SIMD record in one transaction.
pub async fn simd_import(db: &Db, records: &[SimdRecord]) -> StoreResult<u64> {
    let now = db::now();
    let mut tx = db.pool().begin().await?;
    for chunk in records.chunks(BATCH) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p = i * 5;
                format!(
                    "(${}, ${}, ${}, ${}, ${})",
                    p + 1,
                    p + 2,
                    p + 3,
                    p + 4,
                    p + 5
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO simd_data_zones (data_zone, simd_rank, decile, quintile, imported_at) VALUES {} \
             ON CONFLICT (data_zone) DO UPDATE SET simd_rank = excluded.simd_rank, decile = excluded.decile, \
             quintile = excluded.quintile, imported_at = excluded.imported_at",
            rows.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for record in chunk {
            query = query
                .bind(record.data_zone.as_str().to_owned())
                .bind(record.rank)
                .bind(record.decile.map(i64::from))
                .bind(i64::from(record.quintile))
                .bind(now);
        }
        query.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(records.len() as u64)
}

/// How many data zones have SIMD figures.
pub async fn simd_count(db: &Db) -> StoreResult<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM simd_data_zones")
        .fetch_one(db.pool())
        .await?;
    Ok(n)
}

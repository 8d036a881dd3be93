use coprod_engine::place::{Coordinates, Postcode};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

use sqlx::{Acquire, AnyConnection, Row};

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
    import_with_names(db, records, &BTreeMap::new()).await
}

/// Adds or replaces every record, and the areas' names, in one
/// transaction.
pub async fn import_with_names(
    db: &Db,
    records: &[PostcodeRecord],
    names: &BTreeMap<String, String>,
) -> StoreResult<u64> {
    let mut conn = db.pool().acquire().await?;
    let mut tx = conn.begin().await?;
    let now = db::now();
    store_names(&mut tx, names, now).await?;
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
    let names: BTreeMap<String, String> = records
        .iter()
        .filter_map(|r| Some((r.data_zone.as_str().to_owned(), r.name.clone()?)))
        .collect();
    store_names(&mut tx, &names, now).await?;
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

/// Adds or replaces the names of areas, by GSS code.
async fn store_names(
    conn: &mut AnyConnection,
    names: &BTreeMap<String, String>,
    now: i64,
) -> StoreResult<()> {
    for (code, name) in names {
        sqlx::query(
            "INSERT INTO area_names (code, name, imported_at) VALUES ($1, $2, $3) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, imported_at = excluded.imported_at",
        )
        .bind(code)
        .bind(name)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The names known for these GSS codes; codes without one are left out.
pub async fn area_names_in(
    conn: &mut AnyConnection,
    codes: &[String],
) -> StoreResult<HashMap<String, String>> {
    let mut names = HashMap::new();
    for chunk in codes.chunks(BATCH) {
        let within: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT code, name FROM area_names WHERE code IN ({})",
            within.join(", ")
        );
        let mut query = sqlx::query_as::<_, (String, String)>(&sql);
        for code in chunk {
            query = query.bind(code);
        }
        names.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(names)
}

/// [`area_names_in`] on a connection of its own.
pub async fn area_names(db: &Db, codes: &[String]) -> StoreResult<HashMap<String, String>> {
    let mut conn = db.pool().acquire().await?;
    area_names_in(&mut conn, codes).await
}

/// One area's name, if known.
pub async fn area_name(db: &Db, code: &str) -> StoreResult<Option<String>> {
    Ok(area_names(db, &[code.to_owned()]).await?.remove(code))
}

//! Weekly opening times, projected from a service's HSDS schedules so
//! "open now" and "open on a day" can be asked of the database.

use coprod_engine::{hsds::ServiceProjection, schedule::WeeklyOpening};
use sqlx::{Any, Transaction};

use crate::db::StoreResult;

/// Replaces the stored openings of a service (the caller has deleted the
/// old ones). Schedules that are not weekly rules (monthly, one-off) stay in
/// the document but have no projection.
pub async fn save(
    tx: &mut Transaction<'_, Any>,
    projection: &ServiceProjection,
) -> StoreResult<()> {
    for fields in &projection.schedules {
        let Ok(Some(opening)) = WeeklyOpening::from_hsds(
            fields.freq.as_deref(),
            fields.byday.as_deref(),
            fields.opens_at.as_deref(),
            fields.closes_at.as_deref(),
            fields.valid_from.as_deref(),
            fields.valid_to.as_deref(),
        ) else {
            continue;
        };
        for day in &opening.days {
            sqlx::query(
                "INSERT INTO service_openings (service_id, weekday, opens, closes, valid_from, valid_to) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&projection.id)
            .bind(i64::from(day.index()))
            .bind(i64::from(opening.opens))
            .bind(i64::from(opening.closes))
            .bind(fields.valid_from.clone())
            .bind(fields.valid_to.clone())
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

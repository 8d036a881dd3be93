//! Business cases: an initiative's inputs and its valued outcomes, stored
//! exactly as the engine reads them.

use crate::db::StoreResult;
use std::collections::HashMap;

use coprod_engine::business_case::{BusinessCase, FinancialProxy, Inputs, Outcome};
use sqlx::{AnyConnection, Connection, Row, any::AnyRow};

use crate::db::{self, Db};

fn number(row: &AnyRow, column: &str) -> StoreResult<f64> {
    row.try_get(column).map_err(Into::into)
}

fn whole(row: &AnyRow, column: &str) -> StoreResult<i64> {
    row.try_get(column).map_err(Into::into)
}

fn outcome_from(row: &AnyRow) -> StoreResult<Outcome> {
    Ok(Outcome {
        description: row.try_get("description")?,
        quantity: number(row, "quantity")?,
        proxy: FinancialProxy {
            value: number(row, "proxy_value")?,
            source: row.try_get("proxy_source")?,
            price_year: u16::try_from(whole(row, "price_year")?).unwrap_or_default(),
        },
        deadweight: number(row, "deadweight")?,
        displacement: number(row, "displacement")?,
        attribution: number(row, "attribution")?,
        drop_off: number(row, "drop_off")?,
        duration_years: u32::try_from(whole(row, "duration_years")?).unwrap_or_default(),
    })
}

fn case_from(row: &AnyRow) -> StoreResult<BusinessCase> {
    Ok(BusinessCase {
        inputs: Inputs {
            money: number(row, "money")?,
            staff_hours: number(row, "staff_hours")?,
            staff_hourly_cost: number(row, "staff_hourly_cost")?,
            volunteer_hours: number(row, "volunteer_hours")?,
            volunteer_hourly_value: number(row, "volunteer_hourly_value")?,
        },
        outcomes: Vec::new(),
        discount_rate: number(row, "discount_rate")?,
    })
}

const CASE_COLUMNS: &str = "c.initiative_id, c.money, c.staff_hours, c.staff_hourly_cost, \
     c.volunteer_hours, c.volunteer_hourly_value, c.discount_rate";
const OUTCOME_COLUMNS: &str = "o.initiative_id, o.description, o.quantity, o.proxy_value, \
     o.proxy_source, o.price_year, o.deadweight, o.displacement, o.attribution, o.drop_off, \
     o.duration_years";

/// The business case of one initiative, if it has one.
pub async fn find(db: &Db, initiative_id: i64) -> StoreResult<Option<BusinessCase>> {
    let cases = load(db, "c.initiative_id", initiative_id).await?;
    Ok(cases.into_values().next())
}

/// Every business case of an organisation's initiatives, by initiative.
pub async fn for_organisation(
    db: &Db,
    organisation_id: i64,
) -> StoreResult<HashMap<i64, BusinessCase>> {
    load(db, "i.organisation_id", organisation_id).await
}

async fn load(db: &Db, filter: &str, key: i64) -> StoreResult<HashMap<i64, BusinessCase>> {
    let rows = sqlx::query(&format!(
        "SELECT {CASE_COLUMNS} FROM star_business_cases c \
         JOIN star_initiatives i ON i.id = c.initiative_id WHERE {filter} = $1"
    ))
    .bind(key)
    .fetch_all(db.pool())
    .await?;
    let mut cases = HashMap::new();
    for row in &rows {
        cases.insert(whole(row, "initiative_id")?, case_from(row)?);
    }
    let rows = sqlx::query(&format!(
        "SELECT {OUTCOME_COLUMNS} FROM star_case_outcomes o \
         JOIN star_business_cases c ON c.initiative_id = o.initiative_id \
         JOIN star_initiatives i ON i.id = c.initiative_id WHERE {filter} = $1 \
         ORDER BY o.initiative_id, o.position"
    ))
    .bind(key)
    .fetch_all(db.pool())
    .await?;
    for row in &rows {
        if let Some(case) = cases.get_mut(&whole(row, "initiative_id")?) {
            case.outcomes.push(outcome_from(row)?);
        }
    }
    Ok(cases)
}

/// Saves the whole case in one transaction: the outcomes stored are
/// exactly the ones given, in their order.
pub async fn save(
    conn: &mut AnyConnection,
    initiative_id: i64,
    case: &BusinessCase,
    saved_by: Option<i64>,
) -> StoreResult<()> {
    let mut tx = conn.begin().await?;
    let inputs = &case.inputs;
    sqlx::query(
        "INSERT INTO star_business_cases (initiative_id, money, staff_hours, staff_hourly_cost, \
         volunteer_hours, volunteer_hourly_value, discount_rate, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (initiative_id) DO UPDATE SET money = excluded.money, \
         staff_hours = excluded.staff_hours, staff_hourly_cost = excluded.staff_hourly_cost, \
         volunteer_hours = excluded.volunteer_hours, \
         volunteer_hourly_value = excluded.volunteer_hourly_value, \
         discount_rate = excluded.discount_rate, updated_by = excluded.updated_by, \
         updated_at = excluded.updated_at",
    )
    .bind(initiative_id)
    .bind(inputs.money)
    .bind(inputs.staff_hours)
    .bind(inputs.staff_hourly_cost)
    .bind(inputs.volunteer_hours)
    .bind(inputs.volunteer_hourly_value)
    .bind(case.discount_rate)
    .bind(saved_by)
    .bind(db::now())
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM star_case_outcomes WHERE initiative_id = $1")
        .bind(initiative_id)
        .execute(&mut *tx)
        .await?;
    for (position, outcome) in (1_i64..).zip(&case.outcomes) {
        sqlx::query(
            "INSERT INTO star_case_outcomes (initiative_id, position, description, quantity, \
             proxy_value, proxy_source, price_year, deadweight, displacement, attribution, \
             drop_off, duration_years) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(initiative_id)
        .bind(position)
        .bind(&outcome.description)
        .bind(outcome.quantity)
        .bind(outcome.proxy.value)
        .bind(&outcome.proxy.source)
        .bind(i64::from(outcome.proxy.price_year))
        .bind(outcome.deadweight)
        .bind(outcome.displacement)
        .bind(outcome.attribution)
        .bind(outcome.drop_off)
        .bind(i64::from(outcome.duration_years))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await.map_err(Into::into)
}

/// Minutes of help volunteers gave, through the time bank, to people the
/// organisation holds, on days from `since` (an ISO date) on: each logged
/// day counts the minutes the time bank credited for it, so a day logged
/// and then undone counts nothing.
pub async fn minutes_given_to_people_held_by(
    conn: &mut sqlx::AnyConnection,
    organisation_id: i64,
    since: &str,
) -> StoreResult<i64> {
    let (minutes,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(tm.minutes), 0) AS BIGINT) FROM occurrences o \
         JOIN matches m ON m.id = o.match_id \
         JOIN help_requests r ON r.id = m.request_id \
         JOIN coordination_people p ON p.id = r.person_id \
         JOIN timebank_movements tm ON tm.transfer_id = o.transfer_id AND tm.side = 1 \
         WHERE o.status = 'done' AND p.organisation_id = $1 AND o.on_date >= $2",
    )
    .bind(organisation_id)
    .bind(since)
    .fetch_one(&mut *conn)
    .await?;
    Ok(minutes)
}

/// Sets a case's volunteer hours to a measured figure; false when the
/// initiative has no case yet.
pub async fn set_volunteer_hours(
    conn: &mut sqlx::AnyConnection,
    initiative_id: i64,
    hours: f64,
    set_by: Option<i64>,
) -> StoreResult<bool> {
    let changed = sqlx::query(
        "UPDATE star_business_cases SET volunteer_hours = $1, updated_by = $2, updated_at = $3 \
         WHERE initiative_id = $4",
    )
    .bind(hours)
    .bind(set_by)
    .bind(db::now())
    .bind(initiative_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(changed > 0)
}

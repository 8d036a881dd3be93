use sqlx::{AnyConnection, Row, any::AnyRow};

use crate::{
    coordination::store::{flag, word},
    db,
    people::model::{Layer, NewTie, Tie},
};

fn tie(row: &AnyRow) -> Result<Tie, sqlx::Error> {
    let service_id: Option<String> = row.try_get("service_id")?;
    let service_name: Option<String> = row.try_get("service_name")?;
    Ok(Tie {
        id: row.try_get("id")?,
        person_id: row.try_get("person_id")?,
        layer: word(row, "layer", Layer::parse)?,
        name: row.try_get("name")?,
        role: row.try_get("role")?,
        what_they_do: row.try_get("what_they_do")?,
        how_often: row.try_get("how_often")?,
        contact: row.try_get("contact")?,
        in_plan: flag(row, "in_plan")?,
        service: service_id.map(|id| (id, service_name.unwrap_or_default())),
    })
}

/// The person's ties, ring by ring from the household outwards.
pub async fn list(conn: &mut AnyConnection, person_id: i64) -> Result<Vec<Tie>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT t.id, t.person_id, t.layer, t.name, t.role, t.what_they_do, t.how_often, t.contact, \
         t.in_plan, t.service_id, s.name AS service_name \
         FROM circle_ties t LEFT JOIN services s ON s.id = t.service_id \
         WHERE t.person_id = $1 ORDER BY t.id",
    )
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut ties = rows.iter().map(tie).collect::<Result<Vec<_>, _>>()?;
    ties.sort_by_key(|t| (t.layer, t.id));
    Ok(ties)
}

/// Adds a tie to the person's circle.
pub async fn add(
    conn: &mut AnyConnection,
    person_id: i64,
    new: &NewTie,
    by: Option<i64>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO circle_ties (person_id, layer, name, role, what_they_do, how_often, contact, \
         in_plan, service_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(person_id)
    .bind(new.layer.key())
    .bind(&new.name)
    .bind(&new.role)
    .bind(&new.what_they_do)
    .bind(&new.how_often)
    .bind(&new.contact)
    .bind(i64::from(new.in_plan))
    .bind(new.service_id.as_deref())
    .bind(by)
    .bind(db::now())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// The name of tie `tie_id` if it belongs to `person_id`'s circle.
pub async fn name_of(
    conn: &mut AnyConnection,
    person_id: i64,
    tie_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let found: Option<(String,)> =
        sqlx::query_as("SELECT name FROM circle_ties WHERE id = $1 AND person_id = $2")
            .bind(tie_id)
            .bind(person_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(found.map(|(name,)| name))
}

/// Marks a tie as part of the plan (an action of the plan names it).
pub async fn mark_in_plan(conn: &mut AnyConnection, tie_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE circle_ties SET in_plan = 1 WHERE id = $1")
        .bind(tie_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Removes a tie from `person_id`'s circle; actions that named it keep
/// their words. False when there was no such tie in this circle.
pub async fn remove(
    conn: &mut AnyConnection,
    person_id: i64,
    tie_id: i64,
) -> Result<bool, sqlx::Error> {
    let removed = sqlx::query("DELETE FROM circle_ties WHERE id = $1 AND person_id = $2")
        .bind(tie_id)
        .bind(person_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(removed == 1)
}

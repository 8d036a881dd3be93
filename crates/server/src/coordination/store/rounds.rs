use coprod_engine::schedule::Date;
use sqlx::{AnyConnection, Row, any::AnyRow};

use super::{count, date, flag, word};
use crate::{
    access::Reach,
    coordination::model::{MatchRecord, Occurrence, OccurrenceStatus},
    db,
};

fn occurrence(row: &AnyRow) -> Result<Occurrence, sqlx::Error> {
    Ok(Occurrence {
        id: row.try_get("id")?,
        match_id: row.try_get("match_id")?,
        offer_id: row.try_get("offer_id")?,
        slot_no: count(row, "slot_no")?,
        on_date: date(row, "on_date")?,
        status: word(row, "status", OccurrenceStatus::parse)?,
        needs_cover: flag(row, "needs_cover")?,
        cover_match_id: row.try_get("cover_match_id")?,
        note: row.try_get("note")?,
        transfer_id: row.try_get("transfer_id")?,
    })
}

const COLUMNS: &str = "c.id, c.match_id, c.offer_id, c.slot_no, c.on_date, c.status, c.needs_cover, \
                       c.cover_match_id, c.note, c.transfer_id";

/// Books a match's slot on one day. Two bookings of one slot on one day
/// are refused by the database (`occurrences_slot_free`), whichever
/// instance makes them.
pub async fn book(
    conn: &mut AnyConnection,
    held: &MatchRecord,
    on: Date,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO occurrences (match_id, offer_id, slot_no, on_date, status) \
         VALUES ($1, $2, $3, $4, 'planned') RETURNING id",
    )
    .bind(held.id)
    .bind(held.offer_id)
    .bind(i64::from(held.slot_no))
    .bind(on.to_string())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Books the weeks of a weekly match that are not yet booked, up to
/// `until` (and never past its last day). A week already booked for this
/// match is left as it is; a week whose slot another match holds is
/// refused, as ever.
pub async fn extend(
    conn: &mut AnyConnection,
    held: &MatchRecord,
    until: Date,
) -> Result<u32, sqlx::Error> {
    let until = held.last_date.map_or(until, |last| last.min(until));
    let mut on = held.first_date;
    let mut added = 0;
    while on <= until {
        let done = sqlx::query(
            "INSERT INTO occurrences (match_id, offer_id, slot_no, on_date, status) \
             VALUES ($1, $2, $3, $4, 'planned') ON CONFLICT (match_id, on_date) DO NOTHING",
        )
        .bind(held.id)
        .bind(held.offer_id)
        .bind(i64::from(held.slot_no))
        .bind(on.to_string())
        .execute(&mut *conn)
        .await?;
        added += u32::try_from(done.rows_affected()).unwrap_or(0);
        on = on.add_days(7);
    }
    Ok(added)
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<Occurrence>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM occurrences c WHERE c.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .map(|row| occurrence(&row))
    .transpose()
}

/// A match's days, in date order.
pub async fn for_match(
    conn: &mut AnyConnection,
    match_id: i64,
) -> Result<Vec<Occurrence>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM occurrences c WHERE c.match_id = $1 ORDER BY c.on_date"
    ))
    .bind(match_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(occurrence).collect()
}

/// Days of agreed help from `first` to `last`, for people whose records
/// are within `reach`, optionally only one helper's, in date order.
pub async fn agreed_between(
    conn: &mut AnyConnection,
    reach: &Reach,
    first: Date,
    last: Date,
    helper: Option<i64>,
) -> Result<Vec<Occurrence>, sqlx::Error> {
    let held = reach.sql_condition("p.organisation_id");
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM occurrences c JOIN matches m ON m.id = c.match_id \
         JOIN offers o ON o.id = c.offer_id \
         JOIN help_requests r ON r.id = m.request_id \
         JOIN coordination_people p ON p.id = r.person_id \
         WHERE c.on_date >= $1 AND c.on_date <= $2 AND m.status IN ('accepted', 'done', 'not_done', 'ended') \
         AND ($3 = 0 OR o.person_id = $3) AND ({held}) ORDER BY c.on_date, c.id"
    ))
    .bind(first.to_string())
    .bind(last.to_string())
    .bind(helper.unwrap_or(0))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(occurrence).collect()
}

/// Records what became of a day's help, if it is still in one of `from`.
/// False when someone else changed it first.
pub async fn log(
    conn: &mut AnyConnection,
    id: i64,
    from: OccurrenceStatus,
    to: OccurrenceStatus,
    needs_cover: bool,
    note: &str,
    logged_by: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE occurrences SET status = $1, needs_cover = $2, note = $3, logged_by = $4, logged_at = $5 \
         WHERE id = $6 AND status = $7",
    )
    .bind(to.as_str())
    .bind(i64::from(needs_cover))
    .bind(note)
    .bind(logged_by)
    .bind(db::now())
    .bind(id)
    .bind(from.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Links (or unlinks) the time bank transfer that paid for a day's help.
pub async fn set_transfer(
    conn: &mut AnyConnection,
    id: i64,
    transfer: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE occurrences SET transfer_id = $1 WHERE id = $2")
        .bind(transfer)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Links (or unlinks) the match standing in for a day's help.
pub async fn set_cover(
    conn: &mut AnyConnection,
    id: i64,
    cover: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE occurrences SET cover_match_id = $1 WHERE id = $2")
        .bind(cover)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Calls off a match's planned days from `from` on.
pub async fn cancel_from(
    conn: &mut AnyConnection,
    match_id: i64,
    from: Date,
    note: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE occurrences SET status = 'cancelled', note = $1, logged_at = $2 \
         WHERE match_id = $3 AND on_date >= $4 AND status = 'planned'",
    )
    .bind(note)
    .bind(db::now())
    .bind(match_id)
    .bind(from.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Weekly matches (proposed or agreed) whose days should be booked ahead.
pub async fn weekly_live(conn: &mut AnyConnection) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM matches WHERE recurring = 1 AND status IN ('proposed', 'accepted') ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

use coprod_engine::{
    matching::{PastMatch, PersonId, Reason, TimeWindow},
    schedule::{Date, Weekday},
};
use sqlx::{AnyConnection, Row, any::AnyRow};

use super::{corrupt, count, date, flag, optional_date, stored_weekday, weekday_from_stored, word};
use crate::{
    coordination::model::{MatchRecord, MatchStatus},
    db,
};

/// A proposal about to be stored.
#[derive(Debug, Clone)]
pub struct NewMatch {
    pub request_id: i64,
    pub offer_id: i64,
    pub slot_no: u32,
    pub weekday: Weekday,
    pub time: TimeWindow,
    pub recurring: bool,
    pub first_date: Date,
    pub last_date: Option<Date>,
    pub is_cover: bool,
    pub score: u64,
    pub reasons: Vec<Reason>,
    pub proposed_by: Option<i64>,
}

/// Stores a proposal. A request already holding a live proposal or match
/// is refused by the database (`matches_one_live_per_request`).
pub async fn insert(conn: &mut AnyConnection, new: &NewMatch) -> Result<i64, sqlx::Error> {
    let reasons =
        serde_json::to_string(&new.reasons).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO matches (request_id, offer_id, slot_no, weekday, starts, ends, recurring, first_date, \
         last_date, is_cover, score, reasons, status, proposed_by, proposed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'proposed', $13, $14) RETURNING id",
    )
    .bind(new.request_id)
    .bind(new.offer_id)
    .bind(i64::from(new.slot_no))
    .bind(stored_weekday(new.weekday))
    .bind(i64::from(new.time.start))
    .bind(i64::from(new.time.end))
    .bind(i64::from(new.recurring))
    .bind(new.first_date.to_string())
    .bind(new.last_date.map(|d| d.to_string()))
    .bind(i64::from(new.is_cover))
    .bind(i64::try_from(new.score).unwrap_or(i64::MAX))
    .bind(reasons)
    .bind(new.proposed_by)
    .bind(db::now())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

fn record(row: &AnyRow) -> Result<MatchRecord, sqlx::Error> {
    let weekday: i64 = row.try_get("weekday")?;
    let start = u16::try_from(count(row, "starts")?).map_err(|_| corrupt("starts", ""))?;
    let end = u16::try_from(count(row, "ends")?).map_err(|_| corrupt("ends", ""))?;
    let reasons: String = row.try_get("reasons")?;
    Ok(MatchRecord {
        id: row.try_get("id")?,
        request_id: row.try_get("request_id")?,
        offer_id: row.try_get("offer_id")?,
        slot_no: count(row, "slot_no")?,
        weekday: weekday_from_stored(weekday)
            .ok_or_else(|| corrupt("weekday", &weekday.to_string()))?,
        time: TimeWindow { start, end },
        recurring: flag(row, "recurring")?,
        first_date: date(row, "first_date")?,
        last_date: optional_date(row, "last_date")?,
        is_cover: flag(row, "is_cover")?,
        score: row.try_get("score")?,
        reasons: serde_json::from_str(&reasons).map_err(|_| corrupt("reasons", &reasons))?,
        status: word(row, "status", MatchStatus::parse)?,
        proposed_by: row.try_get("proposed_by")?,
        proposed_at: row.try_get("proposed_at")?,
        answered_at: row.try_get("answered_at")?,
        decline_reason: row.try_get("decline_reason")?,
        finished_at: row.try_get("finished_at")?,
        finished_note: row.try_get("finished_note")?,
    })
}

async fn load(
    conn: &mut AnyConnection,
    filter: &str,
    value: Option<i64>,
) -> Result<Vec<MatchRecord>, sqlx::Error> {
    let sql = format!("SELECT m.* FROM matches m WHERE {filter} ORDER BY m.id DESC");
    let mut query = sqlx::query(&sql);
    if let Some(value) = value {
        query = query.bind(value);
    }
    query
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(record)
        .collect()
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<MatchRecord>, sqlx::Error> {
    Ok(load(conn, "m.id = $1", Some(id)).await?.pop())
}

/// Matches of one request, newest first.
pub async fn for_request(
    conn: &mut AnyConnection,
    request_id: i64,
) -> Result<Vec<MatchRecord>, sqlx::Error> {
    load(conn, "m.request_id = $1", Some(request_id)).await
}

/// Matches where this person is the helper, newest first.
pub async fn for_helper(
    conn: &mut AnyConnection,
    person_id: i64,
) -> Result<Vec<MatchRecord>, sqlx::Error> {
    load(
        conn,
        "m.offer_id IN (SELECT o.id FROM offers o WHERE o.person_id = $1)",
        Some(person_id),
    )
    .await
}

/// Matches where this person is helped, newest first.
pub async fn for_requester(
    conn: &mut AnyConnection,
    person_id: i64,
) -> Result<Vec<MatchRecord>, sqlx::Error> {
    load(
        conn,
        "m.request_id IN (SELECT r.id FROM help_requests r WHERE r.person_id = $1)",
        Some(person_id),
    )
    .await
}

/// Proposals waiting for an answer, oldest first.
pub async fn waiting(conn: &mut AnyConnection) -> Result<Vec<MatchRecord>, sqlx::Error> {
    let mut waiting = load(conn, "m.status = 'proposed'", None).await?;
    waiting.reverse();
    Ok(waiting)
}

/// Every live match (proposed or agreed) with the length of its help: what
/// holds the offers' slots and capacity.
pub async fn live(conn: &mut AnyConnection) -> Result<Vec<(MatchRecord, u16)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT m.*, r.duration_minutes FROM matches m JOIN help_requests r ON r.id = m.request_id \
         WHERE m.status IN ('proposed', 'accepted') ORDER BY m.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let minutes = count(row, "duration_minutes")?;
            Ok((record(row)?, u16::try_from(minutes).unwrap_or(u16::MAX)))
        })
        .collect()
}

/// Agreed matches as the engine's history: who has helped whom, with the
/// latest day help was given (or agreed to start).
pub async fn history(conn: &mut AnyConnection) -> Result<Vec<PastMatch>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT r.person_id AS requester, o.person_id AS helper, \
         COALESCE((SELECT MAX(c.on_date) FROM occurrences c WHERE c.match_id = m.id AND c.status = 'done'), \
         m.first_date) AS latest \
         FROM matches m JOIN help_requests r ON r.id = m.request_id JOIN offers o ON o.id = m.offer_id \
         WHERE m.status IN ('accepted', 'done', 'ended')",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(PastMatch {
                requester: PersonId(row.try_get::<i64, _>("requester")?.to_string()),
                helper: PersonId(row.try_get::<i64, _>("helper")?.to_string()),
                on: date(row, "latest")?,
            })
        })
        .collect()
}

/// The volunteer's answer. False when the proposal was no longer waiting.
pub async fn answer(
    conn: &mut AnyConnection,
    id: i64,
    accept: bool,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    let status = if accept {
        MatchStatus::Accepted
    } else {
        MatchStatus::Declined
    };
    let done = sqlx::query(
        "UPDATE matches SET status = $1, answered_at = $2, decline_reason = $3 \
         WHERE id = $4 AND status = 'proposed'",
    )
    .bind(status.as_str())
    .bind(db::now())
    .bind(reason)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves a match from one of `from` to `to`, noting why. False when it
/// was in none of them.
pub async fn finish(
    conn: &mut AnyConnection,
    id: i64,
    from: &[MatchStatus],
    to: MatchStatus,
    note: &str,
    last_date: Option<Date>,
) -> Result<bool, sqlx::Error> {
    let allowed: Vec<String> = from.iter().map(|s| format!("'{}'", s.as_str())).collect();
    let sql = format!(
        "UPDATE matches SET status = $1, finished_at = $2, finished_note = $3, \
         last_date = COALESCE($4, last_date) WHERE id = $5 AND status IN ({})",
        allowed.join(", ")
    );
    let done = sqlx::query(&sql)
        .bind(to.as_str())
        .bind(db::now())
        .bind(note)
        .bind(last_date.map(|d| d.to_string()))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

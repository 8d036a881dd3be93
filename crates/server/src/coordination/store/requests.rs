use std::collections::HashMap;

use coprod_engine::{
    matching::{Language, TimeWindow, Urgency, WeeklyWindow},
    place::Coordinates,
    schedule::Date,
};
use sqlx::{AnyConnection, Row, any::AnyRow};

use super::{corrupt, count, date, flag, optional_date, stored_weekday, weekday_from_stored, word};
use crate::{
    coordination::model::{
        self, Channel, RequestRecord, from_word, languages_from, languages_text,
    },
    db,
};

/// A checked request about to be stored.
#[derive(Debug, Clone)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "the flags are the independent yes-or-no questions a request answers"
)]
pub struct NewRequest {
    pub category: String,
    pub description: String,
    pub recurring: bool,
    pub first_date: Date,
    pub last_date: Option<Date>,
    pub duration_minutes: u16,
    pub postcode: String,
    pub location: Coordinates,
    pub address: String,
    pub max_distance_metres: Option<u32>,
    pub urgency: Urgency,
    pub languages: Vec<Language>,
    pub same_gender_helper: bool,
    pub wheelchair_access: bool,
    pub vulnerable_adult: bool,
    pub windows: Vec<WeeklyWindow>,
    pub channel: Channel,
}

/// Stores a request with its windows. Run it inside a transaction.
pub async fn create(
    conn: &mut AnyConnection,
    person_id: i64,
    new: &NewRequest,
    entered_by: Option<i64>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO help_requests (person_id, category, description, recurring, first_date, last_date, \
         duration_minutes, postcode, latitude, longitude, address, max_distance_metres, urgency, languages, \
         same_gender_helper, wheelchair_access, vulnerable_adult, status, channel, entered_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'open', $18, $19, $20) \
         RETURNING id",
    )
    .bind(person_id)
    .bind(&new.category)
    .bind(&new.description)
    .bind(i64::from(new.recurring))
    .bind(new.first_date.to_string())
    .bind(new.last_date.map(|d| d.to_string()))
    .bind(i64::from(new.duration_minutes))
    .bind(&new.postcode)
    .bind(new.location.latitude)
    .bind(new.location.longitude)
    .bind(&new.address)
    .bind(new.max_distance_metres.map(i64::from))
    .bind(model::word(new.urgency))
    .bind(languages_text(&new.languages))
    .bind(i64::from(new.same_gender_helper))
    .bind(i64::from(new.wheelchair_access))
    .bind(i64::from(new.vulnerable_adult))
    .bind(new.channel.as_str())
    .bind(entered_by)
    .bind(db::now())
    .fetch_one(&mut *conn)
    .await?;
    for window in &new.windows {
        sqlx::query(
            "INSERT INTO request_windows (request_id, weekday, starts, ends) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(stored_weekday(window.day))
        .bind(i64::from(window.time.start))
        .bind(i64::from(window.time.end))
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

fn request(row: &AnyRow) -> Result<RequestRecord, sqlx::Error> {
    let duration = count(row, "duration_minutes")?;
    let max_distance: Option<i64> = row.try_get("max_distance_metres")?;
    Ok(RequestRecord {
        id: row.try_get("id")?,
        person_id: row.try_get("person_id")?,
        holder: row.try_get("holder")?,
        category: row.try_get("category")?,
        description: row.try_get("description")?,
        recurring: flag(row, "recurring")?,
        first_date: date(row, "first_date")?,
        last_date: optional_date(row, "last_date")?,
        duration_minutes: u16::try_from(duration)
            .map_err(|_| corrupt("duration_minutes", &duration.to_string()))?,
        postcode: row.try_get("postcode")?,
        location: Coordinates {
            latitude: row.try_get("latitude")?,
            longitude: row.try_get("longitude")?,
        },
        address: row.try_get("address")?,
        max_distance_metres: max_distance.and_then(|m| u32::try_from(m).ok()),
        urgency: word(row, "urgency", from_word)?,
        languages: languages_from(&row.try_get::<String, _>("languages")?),
        same_gender_helper: flag(row, "same_gender_helper")?,
        wheelchair_access: flag(row, "wheelchair_access")?,
        vulnerable_adult: flag(row, "vulnerable_adult")?,
        status: row.try_get("status")?,
        channel: word(row, "channel", Channel::parse)?,
        created_at: row.try_get("created_at")?,
        windows: Vec::new(),
    })
}

/// Requests matching `filter` (a condition on `r`, with at most one `$1`),
/// with their windows, in `order`.
async fn load(
    conn: &mut AnyConnection,
    filter: &str,
    value: Option<i64>,
    order: &str,
) -> Result<Vec<RequestRecord>, sqlx::Error> {
    let sql = format!(
        "SELECT r.*, p.organisation_id AS holder FROM help_requests r \
         JOIN coordination_people p ON p.id = r.person_id WHERE {filter} ORDER BY {order}"
    );
    let mut query = sqlx::query(&sql);
    if let Some(value) = value {
        query = query.bind(value);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut requests: Vec<RequestRecord> = rows.iter().map(request).collect::<Result<_, _>>()?;
    if requests.is_empty() {
        return Ok(requests);
    }
    let index: HashMap<i64, usize> = requests
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id, i))
        .collect();
    let sql = format!(
        "SELECT request_id, weekday, starts, ends FROM request_windows \
         WHERE request_id IN (SELECT r.id FROM help_requests r WHERE {filter}) \
         ORDER BY request_id, weekday, starts"
    );
    let mut query = sqlx::query(&sql);
    if let Some(value) = value {
        query = query.bind(value);
    }
    for row in query.fetch_all(&mut *conn).await? {
        if let Some(&i) = index.get(&row.try_get::<i64, _>("request_id")?) {
            let weekday: i64 = row.try_get("weekday")?;
            let day = weekday_from_stored(weekday)
                .ok_or_else(|| corrupt("weekday", &weekday.to_string()))?;
            let start = u16::try_from(count(&row, "starts")?).map_err(|_| corrupt("starts", ""))?;
            let end = u16::try_from(count(&row, "ends")?).map_err(|_| corrupt("ends", ""))?;
            requests[i].windows.push(WeeklyWindow {
                day,
                time: TimeWindow { start, end },
            });
        }
    }
    Ok(requests)
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<RequestRecord>, sqlx::Error> {
    Ok(load(conn, "r.id = $1", Some(id), "r.id").await?.pop())
}

/// A person's requests, newest first.
pub async fn for_person(
    conn: &mut AnyConnection,
    person_id: i64,
) -> Result<Vec<RequestRecord>, sqlx::Error> {
    load(conn, "r.person_id = $1", Some(person_id), "r.id DESC").await
}

/// Open requests nobody has been proposed for yet: the most urgent first,
/// then the oldest.
pub async fn unmatched(conn: &mut AnyConnection) -> Result<Vec<RequestRecord>, sqlx::Error> {
    load(
        conn,
        "r.status = 'open' AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.request_id = r.id \
         AND m.is_cover = 0 AND m.status IN ('proposed', 'accepted'))",
        None,
        "CASE r.urgency WHEN 'urgent' THEN 0 WHEN 'soon' THEN 1 ELSE 2 END, r.id",
    )
    .await
}

/// Every request still open, matched or not.
pub async fn open(conn: &mut AnyConnection) -> Result<Vec<RequestRecord>, sqlx::Error> {
    load(conn, "r.status = 'open'", None, "r.id").await
}

/// Moves an open request to `status` (`closed` or `withdrawn`).
pub async fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    status: &str,
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE help_requests SET status = $1 WHERE id = $2 AND status = 'open'")
            .bind(status)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

use std::collections::HashMap;

use coprod_engine::{
    matching::{
        CapacityUnit, Commitment, Language, OfferKind, SlotId, TimeWindow, WeeklySlot,
        WheelchairAccess,
    },
    place::Coordinates,
    schedule::{DateRange, Weekday},
};
use sqlx::{AnyConnection, Row, any::AnyRow};

use super::{corrupt, count, date, flag, optional_date, stored_weekday, weekday_from_stored, word};
use crate::{
    coordination::model::{self, Channel, OfferRecord, from_word, languages_from, languages_text},
    db,
};

/// A checked offer about to be stored.
#[derive(Debug, Clone)]
pub struct NewOffer {
    pub kind: OfferKind,
    pub description: String,
    pub postcode: String,
    pub location: Coordinates,
    pub max_distance_metres: u32,
    pub capacity_unit: CapacityUnit,
    pub capacity_limit: u32,
    pub commitment: Commitment,
    pub same_gender_only: bool,
    pub languages: Vec<Language>,
    pub wheelchair: WheelchairAccess,
    pub stands: Option<DateRange>,
    pub categories: Vec<String>,
    /// Numbered from 1 in this order.
    pub slots: Vec<(Weekday, TimeWindow)>,
    pub channel: Channel,
}

/// Stores an offer with its categories and slots. Run it inside a
/// transaction.
pub async fn create(
    conn: &mut AnyConnection,
    person_id: i64,
    new: &NewOffer,
    entered_by: Option<i64>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO offers (person_id, kind, description, postcode, latitude, longitude, \
         max_distance_metres, capacity_unit, capacity_limit, commitment, same_gender_only, languages, \
         wheelchair, stands_from, stands_until, status, channel, entered_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'open', $16, $17, $18) \
         RETURNING id",
    )
    .bind(person_id)
    .bind(model::word(new.kind))
    .bind(&new.description)
    .bind(&new.postcode)
    .bind(new.location.latitude)
    .bind(new.location.longitude)
    .bind(i64::from(new.max_distance_metres))
    .bind(model::word(new.capacity_unit))
    .bind(i64::from(new.capacity_limit))
    .bind(model::word(new.commitment))
    .bind(i64::from(new.same_gender_only))
    .bind(languages_text(&new.languages))
    .bind(model::word(new.wheelchair))
    .bind(new.stands.map(|r| r.first.to_string()))
    .bind(new.stands.map(|r| r.last.to_string()))
    .bind(new.channel.as_str())
    .bind(entered_by)
    .bind(db::now())
    .fetch_one(&mut *conn)
    .await?;
    for term in &new.categories {
        sqlx::query("INSERT INTO offer_categories (offer_id, term_id) VALUES ($1, $2)")
            .bind(id)
            .bind(term)
            .execute(&mut *conn)
            .await?;
    }
    for (n, (day, time)) in (1_i64..).zip(&new.slots) {
        sqlx::query(
            "INSERT INTO offer_slots (offer_id, slot_no, weekday, starts, ends) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(n)
        .bind(stored_weekday(*day))
        .bind(i64::from(time.start))
        .bind(i64::from(time.end))
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

fn offer(row: &AnyRow) -> Result<OfferRecord, sqlx::Error> {
    let stands = match (
        optional_date(row, "stands_from")?,
        optional_date(row, "stands_until")?,
    ) {
        (Some(first), Some(last)) => Some(DateRange { first, last }),
        _ => None,
    };
    let status: String = row.try_get("status")?;
    Ok(OfferRecord {
        id: row.try_get("id")?,
        person_id: row.try_get("person_id")?,
        kind: word(row, "kind", from_word)?,
        description: row.try_get("description")?,
        postcode: row.try_get("postcode")?,
        location: Coordinates {
            latitude: row.try_get("latitude")?,
            longitude: row.try_get("longitude")?,
        },
        max_distance_metres: count(row, "max_distance_metres")?,
        capacity_unit: word(row, "capacity_unit", from_word)?,
        capacity_limit: count(row, "capacity_limit")?,
        commitment: word(row, "commitment", from_word)?,
        same_gender_only: flag(row, "same_gender_only")?,
        languages: languages_from(&row.try_get::<String, _>("languages")?),
        wheelchair: word(row, "wheelchair", from_word)?,
        stands,
        open: status == "open",
        channel: word(row, "channel", Channel::parse)?,
        created_at: row.try_get("created_at")?,
        categories: Vec::new(),
        slots: Vec::new(),
        away: Vec::new(),
    })
}

/// Offers matching `filter` (a condition on `o`, with at most one `$1`),
/// each with its categories, slots and days away, in id order.
async fn load(
    conn: &mut AnyConnection,
    filter: &str,
    value: Option<i64>,
) -> Result<Vec<OfferRecord>, sqlx::Error> {
    let sql = format!("SELECT o.* FROM offers o WHERE {filter} ORDER BY o.id");
    let mut query = sqlx::query(&sql);
    if let Some(value) = value {
        query = query.bind(value);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut offers: Vec<OfferRecord> = rows.iter().map(offer).collect::<Result<_, _>>()?;
    if offers.is_empty() {
        return Ok(offers);
    }
    let index: HashMap<i64, usize> = offers.iter().enumerate().map(|(i, o)| (o.id, i)).collect();
    let within = format!("SELECT o.id FROM offers o WHERE {filter}");

    let sql = format!(
        "SELECT offer_id, term_id FROM offer_categories WHERE offer_id IN ({within}) ORDER BY offer_id, term_id"
    );
    let mut query = sqlx::query(&sql);
    if let Some(value) = value {
        query = query.bind(value);
    }
    for row in query.fetch_all(&mut *conn).await? {
        if let Some(&i) = index.get(&row.try_get::<i64, _>("offer_id")?) {
            offers[i].categories.push(row.try_get("term_id")?);
        }
    }

    let sql = format!(
        "SELECT offer_id, slot_no, weekday, starts, ends FROM offer_slots WHERE offer_id IN ({within}) ORDER BY offer_id, slot_no"
    );
    let mut query = sqlx::query(&sql);
    if let Some(value) = value {
        query = query.bind(value);
    }
    for row in query.fetch_all(&mut *conn).await? {
        if let Some(&i) = index.get(&row.try_get::<i64, _>("offer_id")?) {
            let weekday: i64 = row.try_get("weekday")?;
            let day = weekday_from_stored(weekday)
                .ok_or_else(|| corrupt("weekday", &weekday.to_string()))?;
            let start = u16::try_from(count(&row, "starts")?).map_err(|_| corrupt("starts", ""))?;
            let end = u16::try_from(count(&row, "ends")?).map_err(|_| corrupt("ends", ""))?;
            offers[i].slots.push(WeeklySlot {
                id: SlotId(count(&row, "slot_no")?),
                day,
                time: TimeWindow { start, end },
            });
        }
    }

    let sql = format!(
        "SELECT id, offer_id, first_date, last_date FROM offer_away WHERE offer_id IN ({within}) ORDER BY first_date, id"
    );
    let mut query = sqlx::query(&sql);
    if let Some(value) = value {
        query = query.bind(value);
    }
    for row in query.fetch_all(&mut *conn).await? {
        if let Some(&i) = index.get(&row.try_get::<i64, _>("offer_id")?) {
            offers[i].away.push((
                row.try_get("id")?,
                DateRange {
                    first: date(&row, "first_date")?,
                    last: date(&row, "last_date")?,
                },
            ));
        }
    }
    Ok(offers)
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<OfferRecord>, sqlx::Error> {
    Ok(load(conn, "o.id = $1", Some(id)).await?.pop())
}

/// A person's offers, open and withdrawn.
pub async fn for_person(
    conn: &mut AnyConnection,
    person_id: i64,
) -> Result<Vec<OfferRecord>, sqlx::Error> {
    load(conn, "o.person_id = $1", Some(person_id)).await
}

/// Every offer still open, for the matcher.
pub async fn open(conn: &mut AnyConnection) -> Result<Vec<OfferRecord>, sqlx::Error> {
    load(conn, "o.status = 'open'", None).await
}

/// Stops an offer being proposed for anything new. Help already agreed
/// carries on until someone ends it.
pub async fn withdraw(conn: &mut AnyConnection, id: i64) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE offers SET status = 'withdrawn' WHERE id = $1 AND status = 'open'")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Records days the volunteer is away.
pub async fn add_away(
    conn: &mut AnyConnection,
    offer_id: i64,
    dates: DateRange,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO offer_away (offer_id, first_date, last_date) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(offer_id)
    .bind(dates.first.to_string())
    .bind(dates.last.to_string())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Takes the offer's turn to be booked: bookings of one offer run one at a
/// time, on `PostgreSQL` by the row lock this update holds until commit and
/// on `SQLite` by its single writer. False when the offer is not open.
pub async fn take_booking_turn(conn: &mut AnyConnection, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE offers SET bookings_version = bookings_version + 1 WHERE id = $1 AND status = 'open'",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

use std::collections::HashMap;

use coprod_engine::schedule::Date;
use sqlx::{AnyConnection, Row, any::AnyRow};

use super::{date, flag, word};
use crate::{
    access::Reach,
    coordination::model::{Channel, Person},
    db,
    people::reach::Caseloads,
};

/// A person about to be recorded.
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub account_id: Option<i64>,
    /// The organisation that will hold the record (`None`: the partnership).
    pub organisation_id: Option<i64>,
    pub display_name: String,
    pub phone: String,
    pub email: Option<String>,
    pub gender: Option<String>,
    pub pays_own_time: bool,
    pub channel: Channel,
}

const COLUMNS: &str = "id, account_id, organisation_id, display_name, phone, email, gender, pays_own_time, channel, created_at";

fn person(row: &AnyRow) -> Result<Person, sqlx::Error> {
    Ok(Person {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        organisation_id: row.try_get("organisation_id")?,
        display_name: row.try_get("display_name")?,
        phone: row.try_get("phone")?,
        email: row.try_get("email")?,
        gender: row.try_get("gender")?,
        pays_own_time: flag(row, "pays_own_time")?,
        channel: word(row, "channel", Channel::parse)?,
        created_at: row.try_get("created_at")?,
    })
}

/// Records a person and opens their time bank account. Run it inside a
/// transaction so that neither is stored without the other.
pub async fn create(
    conn: &mut AnyConnection,
    new: &NewPerson,
    entered_by: Option<i64>,
) -> Result<i64, sqlx::Error> {
    let now = db::now();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO coordination_people \
         (account_id, organisation_id, display_name, phone, email, gender, pays_own_time, channel, \
          entered_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(new.account_id)
    .bind(new.organisation_id)
    .bind(&new.display_name)
    .bind(&new.phone)
    .bind(new.email.as_deref())
    .bind(new.gender.as_deref())
    .bind(i64::from(new.pays_own_time))
    .bind(new.channel.as_str())
    .bind(entered_by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("INSERT INTO timebank_members (person_id, opened_at) VALUES ($1, $2)")
        .bind(id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(id)
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<Person>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM coordination_people WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .map(|row| person(&row))
    .transpose()
}

/// The record belonging to a sign-in, if the person has one yet.
pub async fn for_account(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Option<Person>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM coordination_people WHERE account_id = $1"
    ))
    .bind(account_id)
    .fetch_optional(&mut *conn)
    .await?
    .map(|row| person(&row))
    .transpose()
}

/// People within `reach`, and open to the reader under the caseload rule
/// (`people::reach`), whose name, phone or email contains `search`
/// (everyone when it is empty), by name, at most `limit`.
pub async fn list(
    conn: &mut AnyConnection,
    reach: &Reach,
    open: Caseloads,
    search: &str,
    limit: i64,
) -> Result<Vec<Person>, sqlx::Error> {
    let pattern = format!("%{}%", search.trim().to_lowercase());
    let held = reach.sql_condition("organisation_id");
    let open = open.sql_condition("coordination_people.id");
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM coordination_people \
         WHERE ({held}) AND (LOWER(display_name) LIKE $1 OR LOWER(phone) LIKE $1 \
         OR LOWER(COALESCE(email, '')) LIKE $1) AND {open} \
         ORDER BY display_name, id LIMIT $2"
    ))
    .bind(pattern)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(person).collect()
}

/// Names by id, for lists that mention many people.
pub async fn names(conn: &mut AnyConnection) -> Result<HashMap<i64, String>, sqlx::Error> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, display_name FROM coordination_people")
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows.into_iter().collect())
}

/// Changes the phone number and gender a person gave.
pub async fn update_details(
    conn: &mut AnyConnection,
    id: i64,
    phone: &str,
    gender: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE coordination_people SET phone = $1, gender = $2 WHERE id = $3")
        .bind(phone)
        .bind(gender)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Records the area a member lives in, the first time it becomes known.
pub async fn set_area_if_unknown(
    conn: &mut AnyConnection,
    id: i64,
    area: Option<&str>,
) -> Result<(), sqlx::Error> {
    if let Some(area) = area {
        sqlx::query("UPDATE timebank_members SET area = $1 WHERE person_id = $2 AND area IS NULL")
            .bind(area)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Records a PVG check.
pub async fn record_pvg(
    conn: &mut AnyConnection,
    person_id: i64,
    valid_until: Date,
    recorded_by: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO pvg_checks (person_id, valid_until, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(person_id)
    .bind(valid_until.to_string())
    .bind(recorded_by)
    .bind(db::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The last day of each person's latest recorded PVG check.
pub async fn pvg_checks(conn: &mut AnyConnection) -> Result<HashMap<i64, Date>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.person_id, p.valid_until FROM pvg_checks p \
         WHERE p.id = (SELECT MAX(q.id) FROM pvg_checks q WHERE q.person_id = p.person_id)",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("person_id")?, date(row, "valid_until")?)))
        .collect()
}

/// One person's latest PVG check.
pub async fn pvg_check(
    conn: &mut AnyConnection,
    person_id: i64,
) -> Result<Option<Date>, sqlx::Error> {
    sqlx::query("SELECT valid_until FROM pvg_checks WHERE person_id = $1 ORDER BY id DESC LIMIT 1")
        .bind(person_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|row| date(&row, "valid_until"))
        .transpose()
}

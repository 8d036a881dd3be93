use coprod_engine::schedule::Date;
use sqlx::{AnyConnection, Row, any::AnyRow};

use crate::{
    coordination::store::{
        optional_date,
        people::{self as coordination_people, NewPerson},
    },
    people::{
        model::{ContactBy, Details, Record},
        reach::Reader,
    },
    privacy::consent::RecordKind,
};

const DETAILS: &str = "preferred_name, date_of_birth, address, postcode, contact_by, languages, \
     communication_needs, speaks_for_them, what_matters, plan_review_on";

fn contact_by(row: &AnyRow) -> Result<Option<ContactBy>, sqlx::Error> {
    let raw: String = row.try_get("contact_by")?;
    Ok(ContactBy::parse(&raw))
}

/// The whole record of person `id`, or `None`.
pub async fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<Record>, sqlx::Error> {
    let Some(person) = coordination_people::find(conn, id).await? else {
        return Ok(None);
    };
    let row = sqlx::query(&format!(
        "SELECT {DETAILS} FROM coordination_people WHERE id = $1"
    ))
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some(Record {
        person,
        preferred_name: row.try_get("preferred_name")?,
        date_of_birth: optional_date(&row, "date_of_birth")?,
        address: row.try_get("address")?,
        postcode: row.try_get("postcode")?,
        contact_by: contact_by(&row)?,
        languages: row.try_get("languages")?,
        communication_needs: row.try_get("communication_needs")?,
        speaks_for_them: row.try_get("speaks_for_them")?,
        what_matters: row.try_get("what_matters")?,
        plan_review_on: optional_date(&row, "plan_review_on")?,
    }))
}

/// A person as a line of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub id: i64,
    pub organisation_id: Option<i64>,
    pub name: String,
    pub preferred_name: String,
    pub organisation: String,
    pub review_on: Option<Date>,
}

/// People `reader` may read (the rule of `people::reach`: within their
/// reach and, when on a team's caseload, on such a team or an
/// administrator) whose name or preferred name contains `search`
/// (everyone when it is empty), by name, at most `limit`.
pub async fn list(
    conn: &mut AnyConnection,
    reader: &Reader,
    search: &str,
    limit: i64,
) -> Result<Vec<Listed>, sqlx::Error> {
    let pattern = format!("%{}%", search.trim().to_lowercase());
    let held = reader.reach.sql_condition("p.organisation_id");
    let open = reader.caseloads().sql_condition("p.id");
    let rows = sqlx::query(&format!(
        "SELECT p.id, p.organisation_id, p.display_name, p.preferred_name, p.plan_review_on, \
         o.name AS organisation \
         FROM coordination_people p LEFT JOIN organisations o ON o.id = p.organisation_id \
         WHERE ({held}) AND (LOWER(p.display_name) LIKE $1 OR LOWER(p.preferred_name) LIKE $1) \
         AND {open} ORDER BY p.display_name, p.id LIMIT $2"
    ))
    .bind(pattern)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Listed {
                id: row.try_get("id")?,
                organisation_id: row.try_get("organisation_id")?,
                name: row.try_get("display_name")?,
                preferred_name: row.try_get("preferred_name")?,
                organisation: row
                    .try_get::<Option<String>, _>("organisation")?
                    .unwrap_or_default(),
                review_on: optional_date(row, "plan_review_on")?,
            })
        })
        .collect()
}

/// Records a person (with their time bank account, as every co-delivery
/// person has one) and the details of their record. Run it inside a
/// transaction with the consent and the audit row.
pub async fn create(
    conn: &mut AnyConnection,
    new: &NewPerson,
    details: &Details,
    entered_by: Option<i64>,
) -> Result<i64, sqlx::Error> {
    let id = coordination_people::create(conn, new, entered_by).await?;
    save_details(conn, id, details).await?;
    Ok(id)
}

/// Replaces what the record adds to the person.
pub async fn save_details(
    conn: &mut AnyConnection,
    id: i64,
    details: &Details,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE coordination_people SET preferred_name = $1, date_of_birth = $2, address = $3, \
         postcode = $4, contact_by = $5, languages = $6, communication_needs = $7, \
         speaks_for_them = $8, what_matters = $9 WHERE id = $10",
    )
    .bind(&details.preferred_name)
    .bind(details.date_of_birth.map(|d| d.to_string()))
    .bind(&details.address)
    .bind(&details.postcode)
    .bind(details.contact_by.map_or("", ContactBy::key))
    .bind(&details.languages)
    .bind(&details.communication_needs)
    .bind(&details.speaks_for_them)
    .bind(&details.what_matters)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Changes the name, phone and email the co-delivery desk also shows.
pub async fn save_contact(
    conn: &mut AnyConnection,
    id: i64,
    display_name: &str,
    phone: &str,
    email: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE coordination_people SET display_name = $1, phone = $2, email = $3 WHERE id = $4",
    )
    .bind(display_name)
    .bind(phone)
    .bind(email)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Sets (or clears) when the plan is next reviewed.
pub async fn set_review(
    conn: &mut AnyConnection,
    id: i64,
    on: Option<Date>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE coordination_people SET plan_review_on = $1 WHERE id = $2")
        .bind(on.map(|d| d.to_string()))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Where the consent (or other lawful basis) for the record of support
/// stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// One stands: the record may be kept and changed.
    Stands,
    /// Every one recorded was withdrawn: nothing more may be added.
    Withdrawn,
    /// None was recorded (a person recorded before records of support).
    Unrecorded,
}

pub async fn basis(conn: &mut AnyConnection, id: i64) -> Result<Basis, sqlx::Error> {
    let (all, standing): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN withdrawn_at IS NULL THEN 1 ELSE 0 END), 0) \
         FROM consents WHERE coordination_person_id = $1 AND record_kind = $2",
    )
    .bind(id)
    .bind(RecordKind::Support.as_str())
    .fetch_one(&mut *conn)
    .await?;
    Ok(match (all, standing) {
        (0, _) => Basis::Unrecorded,
        (_, 0) => Basis::Withdrawn,
        _ => Basis::Stands,
    })
}

/// The services of the asset map a plan or a tie may name, by name.
pub async fn services(conn: &mut AnyConnection) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name FROM services WHERE status IN ('active', 'temporarily closed') \
         ORDER BY name, id LIMIT 1000",
    )
    .fetch_all(&mut *conn)
    .await
}

/// Whether `id` is a service of the asset map.
pub async fn service_exists(conn: &mut AnyConnection, id: &str) -> Result<bool, sqlx::Error> {
    let found: Option<(String,)> = sqlx::query_as("SELECT id FROM services WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(found.is_some())
}

/// The minutes the person has given others through the time bank: what
/// exchanges paid into their account.
pub async fn minutes_given(conn: &mut AnyConnection, id: i64) -> Result<i64, sqlx::Error> {
    let (minutes,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(mv.minutes), 0) AS BIGINT) FROM timebank_movements mv \
         JOIN timebank_transfers t ON t.id = mv.transfer_id \
         WHERE mv.person_id = $1 AND mv.side = 1 AND t.purpose = 'exchange'",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(minutes)
}

/// The personal stars of the person, kept on their record or made with
/// their account, whose consent stands: (id, organisation id).
pub async fn personal_stars(
    conn: &mut AnyConnection,
    person_id: i64,
    account_id: Option<i64>,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT p.id, p.organisation_id FROM star_person_stars p \
         WHERE (p.person_id = $1 OR p.person_account_id = $2) AND {} ORDER BY p.id",
        crate::privacy::store::consents::PERSONAL_STAR_CONSENT_STANDS
    ))
    .bind(person_id)
    .bind(account_id)
    .fetch_all(&mut *conn)
    .await
}

/// The name of the organisation holding a record (`None`: the
/// partnership itself, or an organisation no longer there).
pub async fn holder_name(
    conn: &mut AnyConnection,
    organisation_id: Option<i64>,
) -> Result<Option<String>, sqlx::Error> {
    let Some(id) = organisation_id else {
        return Ok(None);
    };
    let found: Option<(String,)> = sqlx::query_as("SELECT name FROM organisations WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(found.map(|(name,)| name))
}

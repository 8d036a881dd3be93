//! The dementia-friendly star of one person: who may see it, and their
//! ratings over time.

use crate::db::StoreResult;
use sqlx::{AnyConnection, Connection, Row};

use crate::{
    coordination::model::Channel,
    db::{self, Db},
    privacy::consent,
};

/// One person's star record (without its ratings).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PersonStar {
    pub id: i64,
    pub organisation_id: i64,
    pub person_name: String,
    pub person_account_id: Option<i64>,
    pub carer_name: String,
    pub carer_account_id: Option<i64>,
    pub consent_purpose: String,
    /// The person's record, when the star belongs to one.
    pub person_id: Option<i64>,
}

/// One conversation's ratings at the three levels, 1–5.
#[derive(Debug, Clone, Default)]
pub struct PersonRating {
    pub rated_on: String,
    pub home_level: i64,
    pub home_note: String,
    pub community_level: i64,
    pub community_note: String,
    pub services_level: i64,
    pub services_note: String,
    pub contributes: String,
}

pub struct NewPersonStar<'a> {
    pub organisation_id: i64,
    pub person_name: &'a str,
    pub person_account_id: Option<i64>,
    pub carer_name: &'a str,
    pub carer_account_id: Option<i64>,
    pub consent_purpose: &'a str,
    pub worker: i64,
    /// The person's record it belongs to, already checked as readable.
    pub person_id: Option<i64>,
}

const SELECT: &str = "SELECT p.id, p.organisation_id, p.person_name, p.person_account_id, \
     p.carer_name, p.carer_account_id, p.consent_purpose, p.person_id FROM star_person_stars p";

/// Only stars whose consent stands are read: withdrawing it hides the star
/// from everyone and stops new ratings (see `privacy::consent::withdraw`).
const CONSENTED: &str = crate::privacy::store::consents::PERSONAL_STAR_CONSENT_STANDS;

/// Creates the record with its consent in the register and the creating
/// worker as its first worker, in one transaction.
pub async fn create(conn: &mut AnyConnection, new: &NewPersonStar<'_>) -> StoreResult<i64> {
    let now = db::now();
    let mut tx = conn.begin().await?;
    let row = sqlx::query(
        "INSERT INTO star_person_stars (organisation_id, person_name, person_account_id, carer_name, \
         carer_account_id, consent_purpose, consent_recorded_at, created_by, created_at, person_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $9) RETURNING id",
    )
    .bind(new.organisation_id)
    .bind(new.person_name)
    .bind(new.person_account_id)
    .bind(new.carer_name)
    .bind(new.carer_account_id)
    .bind(new.consent_purpose)
    .bind(now)
    .bind(new.worker)
    .bind(new.person_id)
    .fetch_one(&mut *tx)
    .await?;
    let id: i64 = row.try_get("id")?;
    consent::give(
        &mut tx,
        &consent::NewConsent {
            account_id: new.person_account_id,
            coordination_person_id: new.person_id,
            record_kind: consent::RecordKind::PersonalStar,
            record_id: Some(id),
            purpose: new.consent_purpose,
            lawful_basis: consent::LawfulBasis::Consent,
            given_by: Some(new.worker),
            channel: Channel::InPerson,
        },
        now,
    )
    .await?;
    sqlx::query("INSERT INTO star_person_workers (person_star_id, account_id) VALUES ($1, $2)")
        .bind(id)
        .bind(new.worker)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<PersonStar>> {
    let row: Option<PersonStar> =
        sqlx::query_as(&format!("{SELECT} WHERE p.id = $1 AND {CONSENTED}"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row)
}

pub async fn is_worker(conn: &mut AnyConnection, id: i64, account_id: i64) -> StoreResult<bool> {
    let found: Option<(i64,)> = sqlx::query_as(
        "SELECT person_star_id FROM star_person_workers WHERE person_star_id = $1 AND account_id = $2",
    )
    .bind(id)
    .bind(account_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found.is_some())
}

/// The stars of an organisation that `worker` works on, and those that
/// belong to people's records (opening one checks the record's rule).
pub async fn for_worker(
    db: &Db,
    organisation_id: i64,
    worker: i64,
) -> StoreResult<Vec<PersonStar>> {
    let rows: Vec<PersonStar> = sqlx::query_as(&format!(
        "{SELECT} WHERE p.organisation_id = $1 AND {CONSENTED} AND (p.person_id IS NOT NULL OR EXISTS \
         (SELECT 1 FROM star_person_workers w WHERE w.person_star_id = p.id AND w.account_id = $2)) \
         ORDER BY p.person_name, p.id"
    ))
    .bind(organisation_id)
    .bind(worker)
    .fetch_all(db.pool())
    .await?;
    Ok(rows)
}

/// The stars where `account_id` is the person or their carer.
pub async fn for_person_or_carer(db: &Db, account_id: i64) -> StoreResult<Vec<PersonStar>> {
    let rows: Vec<PersonStar> = sqlx::query_as(&format!(
        "{SELECT} WHERE (p.person_account_id = $1 OR p.carer_account_id = $1) AND {CONSENTED} \
         ORDER BY p.id"
    ))
    .bind(account_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows)
}

pub async fn ratings(conn: &mut AnyConnection, id: i64) -> StoreResult<Vec<PersonRating>> {
    let rows = sqlx::query(
        "SELECT rated_on, home_level, home_note, community_level, community_note, services_level, \
         services_note, contributes FROM star_person_ratings WHERE person_star_id = $1 ORDER BY rated_on, id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(PersonRating {
                rated_on: row.try_get("rated_on")?,
                home_level: row.try_get("home_level")?,
                home_note: row.try_get("home_note")?,
                community_level: row.try_get("community_level")?,
                community_note: row.try_get("community_note")?,
                services_level: row.try_get("services_level")?,
                services_note: row.try_get("services_note")?,
                contributes: row.try_get("contributes")?,
            })
        })
        .collect()
}

pub async fn add_rating(
    conn: &mut AnyConnection,
    id: i64,
    rating: &PersonRating,
    entered_by: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO star_person_ratings (person_star_id, rated_on, home_level, home_note, \
         community_level, community_note, services_level, services_note, contributes, entered_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(id)
    .bind(&rating.rated_on)
    .bind(rating.home_level)
    .bind(&rating.home_note)
    .bind(rating.community_level)
    .bind(&rating.community_note)
    .bind(rating.services_level)
    .bind(&rating.services_note)
    .bind(&rating.contributes)
    .bind(entered_by)
    .bind(db::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

//! Storage of who keeps which listing: keepers, claims on listings nobody
//! keeps, and the reports people make about a listing.

use sqlx::{AnyConnection, Connection, Row};

use crate::db::{self, Db, StoreResult};

/// A listing's name and the organisation that keeps it, if any.
pub async fn listing_keeper(
    db: &Db,
    service_id: &str,
) -> StoreResult<Option<(String, Option<i64>)>> {
    Ok(
        sqlx::query_as("SELECT name, managed_by FROM services WHERE id = $1")
            .bind(service_id)
            .fetch_optional(db.pool())
            .await?,
    )
}

/// One kept listing, for its keepers' list.
#[derive(Debug, sqlx::FromRow)]
pub struct KeptRow {
    pub id: String,
    pub name: String,
    pub organisation: String,
    pub managed_by: i64,
    pub checked_at: Option<i64>,
    pub open_reports: i64,
}

/// Every kept listing of the organisations `keepers`, by name.
pub async fn kept_listings(db: &Db, keepers: &[i64]) -> StoreResult<Vec<KeptRow>> {
    let rows: Vec<KeptRow> = sqlx::query_as(
        "SELECT s.id, s.name, o.name AS organisation, s.managed_by, s.checked_at, \
         (SELECT COUNT(*) FROM listing_reports r WHERE r.service_id = s.id AND r.status = 'open') AS open_reports \
         FROM services s JOIN organisations o ON o.id = s.managed_by ORDER BY s.name, s.id",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .filter(|row| keepers.contains(&row.managed_by))
        .collect())
}

/// The taxonomy's terms: (id, name), by name.
pub async fn terms(db: &Db) -> StoreResult<Vec<(String, String)>> {
    Ok(
        sqlx::query_as("SELECT id, name FROM taxonomy_terms ORDER BY name, id")
            .fetch_all(db.pool())
            .await?,
    )
}

/// The directory document of the partnership organisation, if it has one.
pub async fn directory_organization_of(
    conn: &mut sqlx::AnyConnection,
    organisation_id: i64,
) -> StoreResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT document FROM directory_organizations WHERE organisation_id = $1",
    )
    .bind(organisation_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Records that the listing was checked (and is kept by `organisation_id`)
/// at `now`.
pub async fn keep(
    conn: &mut sqlx::AnyConnection,
    service_id: &str,
    organisation_id: i64,
    now: i64,
) -> StoreResult<()> {
    sqlx::query("UPDATE services SET managed_by = $1, checked_at = $2 WHERE id = $3")
        .bind(organisation_id)
        .bind(now)
        .bind(service_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Records that the listing was checked at `now` and is still right.
pub async fn confirm(db: &Db, service_id: &str, now: i64) -> StoreResult<()> {
    sqlx::query("UPDATE services SET checked_at = $1 WHERE id = $2")
        .bind(now)
        .bind(service_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Asks for `organisation_id` to keep a listing. An organisation has at
/// most one pending claim on a listing: a second is refused by a unique
/// key, which the caller tells the person about.
pub async fn add_claim(
    db: &Db,
    service_id: &str,
    organisation_id: i64,
    requested_by: i64,
    note: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO listing_claims (service_id, organisation_id, requested_by, note, status, requested_at) \
         VALUES ($1, $2, $3, $4, 'pending', $5)",
    )
    .bind(service_id)
    .bind(organisation_id)
    .bind(requested_by)
    .bind(note)
    .bind(db::now())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// A claim waiting for a decision, as stored.
#[derive(Debug, sqlx::FromRow)]
pub struct PendingClaimRow {
    pub id: i64,
    pub service_id: String,
    pub service_name: String,
    pub organisation: String,
    pub requested_by: String,
    pub requested_at: i64,
    pub note: String,
}

/// Every pending claim, oldest first.
pub async fn pending_claims(db: &Db) -> StoreResult<Vec<PendingClaimRow>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.service_id, s.name AS service_name, o.name AS organisation, \
         COALESCE(a.display_name, '') AS requested_by, c.requested_at, c.note \
         FROM listing_claims c JOIN services s ON s.id = c.service_id \
         JOIN organisations o ON o.id = c.organisation_id LEFT JOIN accounts a ON a.id = c.requested_by \
         WHERE c.status = 'pending' ORDER BY c.requested_at, c.id",
    )
    .fetch_all(db.pool())
    .await?)
}

/// What deciding a claim came to.
#[derive(Debug)]
pub enum Decided {
    /// No pending claim has that id.
    NoSuchClaim,
    /// Approved, but another organisation came to keep the listing first.
    AlreadyKept,
    /// Decided: the listing and the organisation that claimed it.
    Done {
        service_id: String,
        organisation_id: i64,
    },
}

/// Approves or refuses a pending claim, in one transaction. Approving
/// makes the organisation the keeper only while nobody keeps the listing
/// (of two approved claims, the first wins) and refuses the other
/// organisations' pending claims on it.
pub async fn decide_claim(
    conn: &mut AnyConnection,
    id: i64,
    approve: bool,
    decided_by: i64,
    note: &str,
) -> StoreResult<Decided> {
    let now = db::now();
    let mut tx = conn.begin().await?;
    let row = sqlx::query(
        "SELECT service_id, organisation_id FROM listing_claims WHERE id = $1 AND status = 'pending'",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Ok(Decided::NoSuchClaim);
    };
    let service_id: String = row.try_get("service_id")?;
    let organisation_id: i64 = row.try_get("organisation_id")?;
    if approve {
        let taken =
            sqlx::query("UPDATE services SET managed_by = $1 WHERE id = $2 AND managed_by IS NULL")
                .bind(organisation_id)
                .bind(&service_id)
                .execute(&mut *tx)
                .await?;
        if taken.rows_affected() == 0 {
            return Ok(Decided::AlreadyKept);
        }
        sqlx::query(
            "UPDATE listing_claims SET status = 'refused', decided_by = $1, decided_at = $2, decision_note = $3 \
             WHERE service_id = $4 AND status = 'pending' AND id <> $5",
        )
        .bind(decided_by)
        .bind(now)
        .bind("another organisation's claim was approved")
        .bind(&service_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "UPDATE listing_claims SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4 WHERE id = $5",
    )
    .bind(if approve { "approved" } else { "refused" })
    .bind(decided_by)
    .bind(now)
    .bind(note)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Decided::Done {
        service_id,
        organisation_id,
    })
}

/// A listing's name.
pub async fn listing_name(db: &Db, service_id: &str) -> StoreResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT name FROM services WHERE id = $1")
            .bind(service_id)
            .fetch_optional(db.pool())
            .await?,
    )
}

/// How many reports on a listing are open.
pub async fn open_report_count(db: &Db, service_id: &str) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM listing_reports WHERE service_id = $1 AND status = 'open'",
    )
    .bind(service_id)
    .fetch_one(db.pool())
    .await?)
}

/// A report about a listing, as made.
pub struct NewReport<'a> {
    pub service_id: &'a str,
    pub kind: &'a str,
    pub details: &'a str,
    pub reporter_email: Option<&'a str>,
    pub reporter_account_id: Option<i64>,
}

/// Stores a report, open.
pub async fn add_report(db: &Db, report: &NewReport<'_>) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO listing_reports (service_id, kind, details, reporter_email, reporter_account_id, reported_at, status) \
         VALUES ($1, $2, $3, $4, $5, $6, 'open')",
    )
    .bind(report.service_id)
    .bind(report.kind)
    .bind(report.details)
    .bind(report.reporter_email)
    .bind(report.reporter_account_id)
    .bind(db::now())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// An open report, as stored, with its listing's name and keeper.
#[derive(Debug, sqlx::FromRow)]
pub struct OpenReportRow {
    pub id: i64,
    pub service_id: String,
    pub name: String,
    pub managed_by: Option<i64>,
    pub kind: String,
    pub details: String,
    pub reporter_email: Option<String>,
    pub reported_at: i64,
}

/// Every open report, oldest first.
pub async fn open_reports(db: &Db) -> StoreResult<Vec<OpenReportRow>> {
    Ok(sqlx::query_as(
        "SELECT r.id, r.service_id, s.name, s.managed_by, r.kind, r.details, r.reporter_email, r.reported_at \
         FROM listing_reports r JOIN services s ON s.id = r.service_id \
         WHERE r.status = 'open' ORDER BY r.reported_at, r.id",
    )
    .fetch_all(db.pool())
    .await?)
}

/// The keeper of the listing an open report is about: `None` when there
/// is no such open report, `Some(None)` when nobody keeps the listing.
pub async fn open_report_keeper(db: &Db, id: i64) -> StoreResult<Option<Option<i64>>> {
    Ok(sqlx::query_scalar(
        "SELECT s.managed_by FROM listing_reports r JOIN services s ON s.id = r.service_id \
         WHERE r.id = $1 AND r.status = 'open'",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?)
}

/// Marks an open report resolved.
pub async fn resolve_report(db: &Db, id: i64, resolved_by: i64, note: &str) -> StoreResult<()> {
    sqlx::query(
        "UPDATE listing_reports SET status = 'resolved', resolved_by = $1, resolved_at = $2, resolution_note = $3 \
         WHERE id = $4 AND status = 'open'",
    )
    .bind(resolved_by)
    .bind(db::now())
    .bind(note)
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The open reports on the listings `organisation_id` keeps, oldest first.
pub async fn open_reports_kept_by(
    db: &Db,
    organisation_id: i64,
) -> StoreResult<Vec<OpenReportRow>> {
    Ok(sqlx::query_as(
        "SELECT r.id, r.service_id, s.name, s.managed_by, r.kind, r.details, r.reporter_email, r.reported_at \
         FROM listing_reports r JOIN services s ON s.id = r.service_id \
         WHERE r.status = 'open' AND s.managed_by = $1 ORDER BY r.reported_at, r.id",
    )
    .bind(organisation_id)
    .fetch_all(db.pool())
    .await?)
}

/// Marks an open report on a listing `organisation_id` keeps resolved (an
/// API client has no account to name); false when there is no such report.
pub async fn resolve_report_kept_by(
    db: &Db,
    id: i64,
    organisation_id: i64,
    note: &str,
) -> StoreResult<bool> {
    let updated = sqlx::query(
        "UPDATE listing_reports SET status = 'resolved', resolved_at = $1, resolution_note = $2 \
         WHERE id = $3 AND status = 'open' AND service_id IN (SELECT id FROM services WHERE managed_by = $4)",
    )
    .bind(db::now())
    .bind(note)
    .bind(id)
    .bind(organisation_id)
    .execute(db.pool())
    .await?;
    Ok(updated.rows_affected() > 0)
}

/// Whether a service with this id is stored.
pub async fn service_exists(db: &Db, service_id: &str) -> StoreResult<bool> {
    Ok(listing_keeper(db, service_id).await?.is_some())
}

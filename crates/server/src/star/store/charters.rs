//! Co-production charters: per service, versioned, approved, published.

use crate::db::StoreResult;
use sqlx::{AnyConnection, Row, any::AnyRow};

use super::{SaveError, unknown};
use crate::{
    db::{self, Db},
    star::model::Party,
};

/// What one party to a charter does and gets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartyTerms {
    pub role: String,
    pub responsibilities: String,
    pub incentives: String,
}

/// One version of a charter.
#[derive(Debug, Clone)]
pub struct Charter {
    pub id: i64,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub service: String,
    pub version: i64,
    pub approved: bool,
    /// Seconds since the epoch.
    pub approved_at: Option<i64>,
    pub approved_by: Option<String>,
    /// In [`Party::ALL`] order; a party left out has no terms.
    pub parties: Vec<(Party, PartyTerms)>,
}

impl Charter {
    pub fn terms(&self, party: Party) -> Option<&PartyTerms> {
        self.parties
            .iter()
            .find(|(p, _)| *p == party)
            .map(|(_, t)| t)
    }
}

const SELECT: &str = "SELECT c.id, c.organisation_id, o.name AS organisation_name, c.service, \
     c.version, c.status, c.approved_at, a.display_name AS approved_by \
     FROM star_charters c JOIN organisations o ON o.id = c.organisation_id \
     LEFT JOIN accounts a ON a.id = c.approved_by";

fn charter_from(row: &AnyRow) -> StoreResult<Charter> {
    let status: String = row.try_get("status")?;
    Ok(Charter {
        id: row.try_get("id")?,
        organisation_id: row.try_get("organisation_id")?,
        organisation_name: row.try_get("organisation_name")?,
        service: row.try_get("service")?,
        version: row.try_get("version")?,
        approved: status == "approved",
        approved_at: row.try_get("approved_at")?,
        approved_by: row.try_get("approved_by")?,
        parties: Vec::new(),
    })
}

async fn with_parties(db: &Db, mut charter: Charter) -> StoreResult<Charter> {
    let rows = sqlx::query(
        "SELECT party, role, responsibilities, incentives FROM star_charter_parties WHERE charter_id = $1",
    )
    .bind(charter.id)
    .fetch_all(db.pool())
    .await?;
    for row in &rows {
        let party: String = row.try_get("party")?;
        let party =
            Party::parse(&party).ok_or_else(|| unknown("star_charter_parties.party", &party))?;
        charter.parties.push((
            party,
            PartyTerms {
                role: row.try_get("role")?,
                responsibilities: row.try_get("responsibilities")?,
                incentives: row.try_get("incentives")?,
            },
        ));
    }
    charter.parties.sort_by_key(|(p, _)| *p);
    Ok(charter)
}

pub async fn find(db: &Db, id: i64) -> StoreResult<Option<Charter>> {
    let row = sqlx::query(&format!("{SELECT} WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    match row {
        Some(row) => Ok(Some(with_parties(db, charter_from(&row)?).await?)),
        None => Ok(None),
    }
}

/// Every version of an organisation's charters, newest version first
/// within each service.
pub async fn list(db: &Db, organisation_id: i64) -> StoreResult<Vec<Charter>> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE c.organisation_id = $1 ORDER BY c.service, c.version DESC"
    ))
    .bind(organisation_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(charter_from).collect()
}

/// The charters anyone may read: the latest approved version of each.
pub async fn published(db: &Db) -> StoreResult<Vec<Charter>> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE c.status = 'approved' AND c.version = (SELECT MAX(x.version) \
         FROM star_charters x WHERE x.organisation_id = c.organisation_id \
         AND x.service = c.service AND x.status = 'approved') \
         ORDER BY o.name, c.service"
    ))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(charter_from).collect()
}

/// The latest approved version of the charter `id` belongs to, if any:
/// what the public page shows when someone follows an older link.
pub async fn latest_approved_like(db: &Db, id: i64) -> StoreResult<Option<Charter>> {
    let row = sqlx::query(&format!(
        "{SELECT} WHERE c.status = 'approved' AND EXISTS (SELECT 1 FROM star_charters y \
         WHERE y.id = $1 AND y.organisation_id = c.organisation_id AND y.service = c.service) \
         ORDER BY c.version DESC LIMIT 1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    match row {
        Some(row) => Ok(Some(with_parties(db, charter_from(&row)?).await?)),
        None => Ok(None),
    }
}

/// Saves the terms as a draft: the service's open draft is changed in
/// place; if its latest version is approved, a new version is started, so
/// an approved charter is never changed. Returns the draft's id.
pub async fn save_draft(
    db: &Db,
    organisation_id: i64,
    service: &str,
    parties: &[(Party, PartyTerms)],
) -> Result<i64, SaveError> {
    let mut tx = db.begin_write().await?;
    let latest: Option<(i64, i64, String)> = sqlx::query_as(
        "SELECT id, version, status FROM star_charters WHERE organisation_id = $1 AND service = $2 \
         ORDER BY version DESC LIMIT 1",
    )
    .bind(organisation_id)
    .bind(service)
    .fetch_optional(&mut *tx)
    .await?;
    let id = match latest {
        Some((id, _, status)) if status == "draft" => id,
        other => {
            let version = other.map_or(1, |(_, version, _)| version + 1);
            let row = sqlx::query(
                "INSERT INTO star_charters (organisation_id, service, version, status, created_at) \
                 VALUES ($1, $2, $3, 'draft', $4) RETURNING id",
            )
            .bind(organisation_id)
            .bind(service)
            .bind(version)
            .bind(db::now())
            .fetch_one(&mut *tx)
            .await
            .map_err(SaveError::classify)?;
            row.try_get("id")?
        }
    };
    sqlx::query("DELETE FROM star_charter_parties WHERE charter_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for (party, terms) in parties {
        sqlx::query(
            "INSERT INTO star_charter_parties (charter_id, party, role, responsibilities, incentives) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(party.key())
        .bind(&terms.role)
        .bind(&terms.responsibilities)
        .bind(&terms.incentives)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Approves a draft; `false` if it was not a draft.
pub async fn approve(conn: &mut AnyConnection, id: i64, approved_by: i64) -> StoreResult<bool> {
    let result = sqlx::query(
        "UPDATE star_charters SET status = 'approved', approved_by = $1, approved_at = $2 \
         WHERE id = $3 AND status = 'draft'",
    )
    .bind(approved_by)
    .bind(db::now())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

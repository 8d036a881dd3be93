//! The SQL of the referrals sweep: the open referrals with where each
//! stands, escalating the overdue, the record of each reminder (one per
//! referral and kind of stall), and whom a reminder goes to.

use std::collections::HashSet;

use coprod_engine::{referrals::Status, schedule::Date};
use sqlx::{AnyConnection, Row};

use crate::db::{StoreError, StoreResult};

/// An open referral as the sweep sees it.
#[derive(Debug, Clone)]
pub struct Open {
    pub id: i64,
    pub status: Status,
    pub respond_by: Date,
    pub escalated: bool,
    /// When it reached its present status (its last step).
    pub since: i64,
    pub target: String,
    pub service_name: String,
    pub receiving_organisation_id: i64,
    pub referred_by: Option<i64>,
}

fn unreadable(column: &str, value: &str) -> StoreError {
    StoreError::InvalidData {
        what: format!("unreadable value {value:?}"),
        at: format!("referrals.{column}"),
    }
}

/// Every referral still waiting for an answer, contact or attendance.
pub async fn open(conn: &mut AnyConnection) -> StoreResult<Vec<Open>> {
    let rows = sqlx::query(
        "SELECT r.id, r.status, r.respond_by, r.escalated_at, r.referred_at, r.target, r.service_name, \
         r.receiving_organisation_id, r.referred_by, \
         (SELECT MAX(e.occurred_at) FROM referral_events e WHERE e.referral_id = r.id) AS since \
         FROM referrals r WHERE r.status IN ('referred', 'accepted', 'contacted') ORDER BY r.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let status: String = row.try_get("status")?;
            let respond_by: String = row.try_get("respond_by")?;
            let escalated_at: Option<i64> = row.try_get("escalated_at")?;
            let referred_at: i64 = row.try_get("referred_at")?;
            let since: Option<i64> = row.try_get("since")?;
            Ok(Open {
                id: row.try_get("id")?,
                status: Status::parse(&status).map_err(|_| unreadable("status", &status))?,
                respond_by: Date::parse(&respond_by)
                    .map_err(|_| unreadable("respond_by", &respond_by))?,
                escalated: escalated_at.is_some(),
                since: since.unwrap_or(referred_at),
                target: row.try_get("target")?,
                service_name: row.try_get("service_name")?,
                receiving_organisation_id: row.try_get("receiving_organisation_id")?,
                referred_by: row.try_get("referred_by")?,
            })
        })
        .collect()
}

/// The reminders already noticed for open referrals: (referral, stall).
pub async fn noticed(conn: &mut AnyConnection) -> StoreResult<HashSet<(i64, String)>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT m.referral_id, m.stall FROM referral_reminders m JOIN referrals r ON r.id = m.referral_id \
         WHERE r.status IN ('referred', 'accepted', 'contacted')",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().collect())
}

/// Marks a referral escalated, once: false if it already was.
pub async fn escalate(conn: &mut AnyConnection, id: i64, now: i64) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE referrals SET escalated_at = $1 WHERE id = $2 AND escalated_at IS NULL \
         AND status = 'referred'",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(done == 1)
}

/// Records that a referral stalled in this way; the reminder's id, or
/// `None` if it was recorded before.
pub async fn notice(
    conn: &mut AnyConnection,
    referral_id: i64,
    stall: &str,
    now: i64,
) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO referral_reminders (referral_id, stall, noticed_at) VALUES ($1, $2, $3) \
         ON CONFLICT (referral_id, stall) DO NOTHING RETURNING id",
    )
    .bind(referral_id)
    .bind(stall)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Who hears of a stalled referral: the coordinators and managers of the
/// receiving organisation, and the account that made the referral; each
/// once, none disabled.
pub async fn recipients(
    conn: &mut AnyConnection,
    receiving_organisation_id: i64,
    referred_by: Option<i64>,
) -> StoreResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT a.id FROM accounts a WHERE a.disabled_at IS NULL AND (a.id = $2 OR EXISTS (\
         SELECT 1 FROM memberships m WHERE m.account_id = a.id AND m.organisation_id = $1 \
         AND m.role IN ('coordinator', 'manager'))) ORDER BY a.id",
    )
    .bind(receiving_organisation_id)
    .bind(referred_by.unwrap_or(0))
    .fetch_all(&mut *conn)
    .await?)
}

/// Where an account may be written to, unless it is disabled.
pub async fn email_of(conn: &mut AnyConnection, account_id: i64) -> StoreResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT email FROM accounts WHERE id = $1 AND disabled_at IS NULL")
            .bind(account_id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

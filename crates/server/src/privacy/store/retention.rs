//! The statements of the retention periods. Each takes the moment before
//! which records have been kept long enough, returns how many rows it
//! changed, and changes nothing when run again.

use crate::db::{Db, StoreResult};

async fn run(db: &Db, sql: &str, before: i64) -> StoreResult<u64> {
    Ok(sqlx::query(sql)
        .bind(before)
        .execute(db.pool())
        .await?
        .rows_affected())
}

/// Deletes failed sign-ins older than `sign_ins_before`, and password
/// reset requests and sign-ups older than `requests_before`.
pub async fn delete_login_attempts(
    db: &Db,
    sign_ins_before: i64,
    requests_before: i64,
) -> StoreResult<u64> {
    Ok(sqlx::query(
        "DELETE FROM login_attempts WHERE (action = 'sign_in' AND attempted_at < $1) \
         OR (action <> 'sign_in' AND attempted_at < $2)",
    )
    .bind(sign_ins_before)
    .bind(requests_before)
    .execute(db.pool())
    .await?
    .rows_affected())
}

/// Empties the details (a typed email, once) of failed and paused
/// sign-ins in the audit log.
pub async fn blank_failed_sign_in_details(db: &Db, before: i64) -> StoreResult<u64> {
    run(
        db,
        "UPDATE audit_events SET detail = '' WHERE action IN ('sign_in_failed', 'sign_in_paused') \
         AND detail <> '' AND occurred_at < $1",
        before,
    )
    .await
}

/// Blanks the free text of closed and withdrawn requests, and of
/// withdrawn offers.
pub async fn blank_help_records(db: &Db, before: i64) -> StoreResult<u64> {
    let requests = run(
        db,
        "UPDATE help_requests SET description = '', address = '', postcode = '' \
         WHERE status IN ('closed', 'withdrawn') AND created_at < $1 \
         AND (description <> '' OR address <> '' OR postcode <> '')",
        before,
    )
    .await?;
    let offers = run(
        db,
        "UPDATE offers SET description = '', postcode = '' WHERE status = 'withdrawn' \
         AND created_at < $1 AND (description <> '' OR postcode <> '')",
        before,
    )
    .await?;
    Ok(requests + offers)
}

/// Deletes personal stars whose consent was withdrawn before `before`
/// (and has not been given again).
pub async fn delete_withdrawn_stars(db: &Db, before: i64) -> StoreResult<u64> {
    run(
        db,
        "DELETE FROM star_person_stars WHERE id IN (SELECT c.record_id FROM consents c \
         WHERE c.record_kind = 'personal_star' AND c.withdrawn_at < $1) \
         AND NOT EXISTS (SELECT 1 FROM consents s WHERE s.record_kind = 'personal_star' \
             AND s.record_id = star_person_stars.id AND s.withdrawn_at IS NULL)",
        before,
    )
    .await
}

/// Removes the address from survey invitations created before `before`.
pub async fn forget_invitation_emails(db: &Db, before: i64) -> StoreResult<u64> {
    run(
        db,
        "UPDATE survey_invitations SET email = NULL WHERE email IS NOT NULL AND created_at < $1",
        before,
    )
    .await
}

/// Removes the reporter's address from listing reports made before `before`.
pub async fn forget_reporter_emails(db: &Db, before: i64) -> StoreResult<u64> {
    run(
        db,
        "UPDATE listing_reports SET reporter_email = NULL WHERE reporter_email IS NOT NULL \
         AND reported_at < $1",
        before,
    )
    .await
}

/// Empties the details and removes the ip of audit events older than
/// `before` (the audit log's rule allows exactly this change).
pub async fn blank_audit_events(db: &Db, before: i64) -> StoreResult<u64> {
    run(
        db,
        "UPDATE audit_events SET detail = '', ip = NULL WHERE occurred_at < $1 \
         AND (detail <> '' OR ip IS NOT NULL)",
        before,
    )
    .await
}

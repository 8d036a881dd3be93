//! Retention: each kind of record about a person is kept only as long as
//! the settings say (`[retention]`), then its identifying parts go. Every
//! step is idempotent, so housekeeping may run it on several instances.

use crate::{
    db::Db,
    settings::{RetentionSettings, Settings},
};

const DAY: i64 = 24 * 60 * 60;

/// What one pass changed, row counts by kind of record.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Retained {
    pub sign_in_attempts: u64,
    pub failed_sign_in_details: u64,
    pub help_records: u64,
    pub withdrawn_stars: u64,
    pub survey_invitations: u64,
    pub listing_reports: u64,
    pub audit_events: u64,
}

async fn run(db: &Db, sql: &str, before: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(sql)
        .bind(before)
        .execute(db.pool())
        .await?
        .rows_affected())
}

/// Failed sign-ins keep the typed email no longer than the throttling
/// window, and password reset requests and sign-ups no longer than theirs:
/// the attempts themselves go, and so does any email an older version wrote
/// into the audit log's details. Runs with every sweep.
pub async fn forget_typed_emails(
    db: &Db,
    settings: &Settings,
    now: i64,
) -> Result<(u64, u64), sqlx::Error> {
    let before = now - settings.throttle_window_minutes.max(0) * 60;
    let requests_before = now - settings.request_window_minutes.max(0) * 60;
    let attempts = sqlx::query(
        "DELETE FROM login_attempts WHERE (action = 'sign_in' AND attempted_at < $1) \
         OR (action <> 'sign_in' AND attempted_at < $2)",
    )
    .bind(before)
    .bind(requests_before)
    .execute(db.pool())
    .await?
    .rows_affected();
    let details = run(
        db,
        "UPDATE audit_events SET detail = '' WHERE action IN ('sign_in_failed', 'sign_in_paused') \
         AND detail <> '' AND occurred_at < $1",
        before,
    )
    .await?;
    Ok((attempts, details))
}

/// Applies every retention period as of `now`.
pub async fn apply(db: &Db, settings: &Settings, now: i64) -> Result<Retained, sqlx::Error> {
    let RetentionSettings {
        help_records_days,
        withdrawn_star_days,
        survey_invitation_days,
        listing_report_days,
        audit_days,
    } = settings.retention;
    let (sign_in_attempts, failed_sign_in_details) = forget_typed_emails(db, settings, now).await?;
    let cutoff = |days: i64| now - days.max(0) * DAY;
    let mut help_records = run(
        db,
        "UPDATE help_requests SET description = '', address = '', postcode = '' \
         WHERE status IN ('closed', 'withdrawn') AND created_at < $1 \
         AND (description <> '' OR address <> '' OR postcode <> '')",
        cutoff(help_records_days),
    )
    .await?;
    help_records += run(
        db,
        "UPDATE offers SET description = '', postcode = '' WHERE status = 'withdrawn' \
         AND created_at < $1 AND (description <> '' OR postcode <> '')",
        cutoff(help_records_days),
    )
    .await?;
    let withdrawn_stars = run(
        db,
        "DELETE FROM star_person_stars WHERE id IN (SELECT c.record_id FROM consents c \
         WHERE c.record_kind = 'personal_star' AND c.withdrawn_at < $1) \
         AND NOT EXISTS (SELECT 1 FROM consents s WHERE s.record_kind = 'personal_star' \
             AND s.record_id = star_person_stars.id AND s.withdrawn_at IS NULL)",
        cutoff(withdrawn_star_days),
    )
    .await?;
    let survey_invitations = run(
        db,
        "UPDATE survey_invitations SET email = NULL WHERE email IS NOT NULL AND created_at < $1",
        cutoff(survey_invitation_days),
    )
    .await?;
    let listing_reports = run(
        db,
        "UPDATE listing_reports SET reporter_email = NULL WHERE reporter_email IS NOT NULL \
         AND reported_at < $1",
        cutoff(listing_report_days),
    )
    .await?;
    // The audit log's rule lets a detail be emptied and an ip removed.
    let audit_events = run(
        db,
        "UPDATE audit_events SET detail = '', ip = NULL WHERE occurred_at < $1 \
         AND (detail <> '' OR ip IS NOT NULL)",
        cutoff(audit_days),
    )
    .await?;
    Ok(Retained {
        sign_in_attempts,
        failed_sign_in_details,
        help_records,
        withdrawn_stars,
        survey_invitations,
        listing_reports,
        audit_events,
    })
}

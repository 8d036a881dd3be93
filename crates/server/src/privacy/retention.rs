//! Retention: each kind of record about a person is kept only as long as
//! the settings say (`[retention]`), then its identifying parts go. Every
//! step is idempotent, so housekeeping may run it on several instances.

use super::store::retention as store;
use crate::{
    db::{Db, StoreResult},
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

/// Failed sign-ins keep the typed email no longer than the throttling
/// window, and password reset requests and sign-ups no longer than theirs:
/// the attempts themselves go, and so does any email an older version wrote
/// into the audit log's details. Runs with every sweep.
pub async fn forget_typed_emails(
    db: &Db,
    settings: &Settings,
    now: i64,
) -> StoreResult<(u64, u64)> {
    let before = now - settings.throttle_window_minutes.max(0) * 60;
    let requests_before = now - settings.request_window_minutes.max(0) * 60;
    let attempts = store::delete_login_attempts(db, before, requests_before).await?;
    let details = store::blank_failed_sign_in_details(db, before).await?;
    Ok((attempts, details))
}

/// Applies every retention period as of `now`.
pub async fn apply(db: &Db, settings: &Settings, now: i64) -> StoreResult<Retained> {
    let RetentionSettings {
        help_records_days,
        withdrawn_star_days,
        survey_invitation_days,
        listing_report_days,
        audit_days,
    } = settings.retention;
    let (sign_in_attempts, failed_sign_in_details) = forget_typed_emails(db, settings, now).await?;
    let cutoff = |days: i64| now - days.max(0) * DAY;
    Ok(Retained {
        sign_in_attempts,
        failed_sign_in_details,
        help_records: store::blank_help_records(db, cutoff(help_records_days)).await?,
        withdrawn_stars: store::delete_withdrawn_stars(db, cutoff(withdrawn_star_days)).await?,
        survey_invitations: store::forget_invitation_emails(db, cutoff(survey_invitation_days))
            .await?,
        listing_reports: store::forget_reporter_emails(db, cutoff(listing_report_days)).await?,
        audit_events: store::blank_audit_events(db, cutoff(audit_days)).await?,
    })
}

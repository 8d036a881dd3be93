//! The audit log: an append-only record (the database refuses updates and
//! deletes) of sign-ins, failed sign-ins, role changes, and every time staff
//! read a person's record. Later capabilities call [`person_read`] from any
//! handler that shows a person's details to staff.

/// The administrators' view of the log.
mod pages;

use axum::{http::Method, routing::get};
use sqlx::{AnyConnection, Row};

use crate::{
    access::{self, Route},
    accounts::CurrentUser,
    db::{self, Db},
};

pub fn routes() -> Vec<Route> {
    vec![Route::new(
        Method::GET,
        "/admin/audit",
        access::ADMIN,
        get(pages::list),
    )]
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SignedIn,
    SignInFailed,
    SignInPaused,
    SignedOut,
    SignedUp,
    PasswordChanged,
    PasswordReset,
    RoleGranted,
    RoleRevoked,
    AccountDisabled,
    AccountEnabled,
    PersonRead,
    OrganisationCreated,
    OrganisationUpdated,
    ApiTokenCreated,
    ApiTokenRevoked,
    ListingClaimApproved,
    ListingClaimRefused,
    BudgetProcessCreated,
    BudgetPhaseStarted,
    BudgetProposalEntered,
    BudgetProposalReviewed,
    BudgetCodesIssued,
    BudgetPaperBallotEntered,
    BudgetVoteCounted,
    BudgetDeliveryUpdated,
    SurveyCreated,
    SurveyOpened,
    SurveyClosed,
    SurveyVersionStarted,
    SurveyPaperEntered,
    SurveyInvitationsSent,
    SurveyResponsesExported,
    HelpEnteredOnBehalf,
    MatchProposed,
    PvgRecorded,
    TimeGifted,
    DayLogged,
    StarInitiativeSaved,
    StarBusinessCaseSaved,
    StarRatingsEntered,
    StarCharterApproved,
    StarPersonRead,
    StarPersonRated,
    ConsentGiven,
    ConsentWithdrawn,
    PersonExported,
    PersonErased,
    ReferralMade,
    ReferralStepTaken,
    OutcomeRecorded,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::SignedIn => "signed_in",
            Action::SignInFailed => "sign_in_failed",
            Action::SignInPaused => "sign_in_paused",
            Action::SignedOut => "signed_out",
            Action::SignedUp => "signed_up",
            Action::PasswordChanged => "password_changed",
            Action::PasswordReset => "password_reset",
            Action::RoleGranted => "role_granted",
            Action::RoleRevoked => "role_revoked",
            Action::AccountDisabled => "account_disabled",
            Action::AccountEnabled => "account_enabled",
            Action::PersonRead => "person_read",
            Action::OrganisationCreated => "organisation_created",
            Action::OrganisationUpdated => "organisation_updated",
            Action::ApiTokenCreated => "api_token_created",
            Action::ApiTokenRevoked => "api_token_revoked",
            Action::ListingClaimApproved => "listing_claim_approved",
            Action::ListingClaimRefused => "listing_claim_refused",
            Action::BudgetProcessCreated => "budget_process_created",
            Action::BudgetPhaseStarted => "budget_phase_started",
            Action::BudgetProposalEntered => "budget_proposal_entered",
            Action::BudgetProposalReviewed => "budget_proposal_reviewed",
            Action::BudgetCodesIssued => "budget_codes_issued",
            Action::BudgetPaperBallotEntered => "budget_paper_ballot_entered",
            Action::BudgetVoteCounted => "budget_vote_counted",
            Action::BudgetDeliveryUpdated => "budget_delivery_updated",
            Action::SurveyCreated => "survey_created",
            Action::SurveyOpened => "survey_opened",
            Action::SurveyClosed => "survey_closed",
            Action::SurveyVersionStarted => "survey_version_started",
            Action::SurveyPaperEntered => "survey_paper_entered",
            Action::SurveyInvitationsSent => "survey_invitations_sent",
            Action::SurveyResponsesExported => "survey_responses_exported",
            Action::HelpEnteredOnBehalf => "help_entered_on_behalf",
            Action::MatchProposed => "match_proposed",
            Action::PvgRecorded => "pvg_recorded",
            Action::TimeGifted => "time_gifted",
            Action::DayLogged => "day_logged",
            Action::StarInitiativeSaved => "star_initiative_saved",
            Action::StarBusinessCaseSaved => "star_business_case_saved",
            Action::StarRatingsEntered => "star_ratings_entered",
            Action::StarCharterApproved => "star_charter_approved",
            Action::StarPersonRead => "star_person_read",
            Action::StarPersonRated => "star_person_rated",
            Action::ConsentGiven => "consent_given",
            Action::ConsentWithdrawn => "consent_withdrawn",
            Action::PersonExported => "person_exported",
            Action::PersonErased => "person_erased",
            Action::ReferralMade => "referral_made",
            Action::ReferralStepTaken => "referral_step_taken",
            Action::OutcomeRecorded => "outcome_recorded",
        }
    }
}

/// One event to append.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub action: Action,
    pub actor: Option<i64>,
    /// The API token an organisation's system acted through.
    pub token: Option<i64>,
    pub subject: Option<(&'static str, i64)>,
    pub ip: &'a str,
    /// Free text for people reading the log; never a password or token.
    pub detail: String,
}

impl<'a> Event<'a> {
    pub fn new(action: Action, actor: Option<i64>, ip: &'a str) -> Self {
        Self {
            action,
            actor,
            token: None,
            subject: None,
            ip,
            detail: String::new(),
        }
    }

    #[must_use]
    pub fn subject(mut self, kind: &'static str, id: i64) -> Self {
        self.subject = Some((kind, id));
        self
    }

    /// Names the API token behind the event.
    #[must_use]
    pub fn token(mut self, token: Option<i64>) -> Self {
        self.token = token;
        self
    }

    #[must_use]
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
}

/// Appends an event on its own.
pub async fn record(db: &Db, event: Event<'_>) -> Result<(), sqlx::Error> {
    record_in(&mut *db.pool().acquire().await?, event).await
}

/// Appends an event inside the caller's transaction, so the work and its
/// record commit together or not at all.
pub async fn record_in(conn: &mut AnyConnection, event: Event<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_events \
         (occurred_at, actor_account_id, actor_token_id, action, subject_kind, subject_id, ip, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(db::now())
    .bind(event.actor)
    .bind(event.token)
    .bind(event.action.as_str())
    .bind(event.subject.map(|(kind, _)| kind))
    .bind(event.subject.map(|(_, id)| id))
    .bind(event.ip)
    .bind(event.detail)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records that a member of staff was shown a person's record. Call it from
/// every handler that displays a person's details to someone other than
/// that person.
pub async fn person_read(
    db: &Db,
    reader: &CurrentUser,
    person_id: i64,
    ip: &str,
    why: &str,
) -> Result<(), sqlx::Error> {
    if reader.account_id == person_id {
        return Ok(());
    }
    record(
        db,
        Event::new(Action::PersonRead, Some(reader.account_id), ip)
            .subject("account", person_id)
            .detail(why),
    )
    .await
}

/// One stored event, for display.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub id: i64,
    pub occurred_at: i64,
    pub actor: Option<String>,
    pub action: String,
    pub subject: String,
    pub ip: String,
    pub detail: String,
}

impl StoredEvent {
    /// When it happened, as people read it.
    pub fn when(&self) -> String {
        crate::web::utc_time(self.occurred_at)
    }
}

/// Newest first, optionally only one action, a page at a time.
pub async fn list(
    db: &Db,
    action: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<StoredEvent>, i64), sqlx::Error> {
    let action = action.unwrap_or("");
    let rows = sqlx::query(
        "SELECT e.id, e.occurred_at, a.email AS actor, e.action, e.subject_kind, e.subject_id, e.ip, e.detail \
         FROM audit_events e LEFT JOIN accounts a ON a.id = e.actor_account_id \
         WHERE ($1 = '' OR e.action = $1) ORDER BY e.id DESC LIMIT $2 OFFSET $3",
    )
    .bind(action)
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await?;
    let (total,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_events WHERE ($1 = '' OR action = $1)")
            .bind(action)
            .fetch_one(db.pool())
            .await?;
    let events = rows
        .iter()
        .map(|row| {
            let kind: Option<String> = row.try_get("subject_kind")?;
            let id: Option<i64> = row.try_get("subject_id")?;
            Ok(StoredEvent {
                id: row.try_get("id")?,
                occurred_at: row.try_get("occurred_at")?,
                actor: row.try_get("actor")?,
                action: row.try_get("action")?,
                subject: match (kind, id) {
                    (Some(kind), Some(id)) => format!("{kind} {id}"),
                    _ => String::new(),
                },
                ip: row.try_get::<Option<String>, _>("ip")?.unwrap_or_default(),
                detail: row.try_get("detail")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok((events, total))
}

//! The audit log: an append-only record (the database refuses updates and
//! deletes) of sign-ins, failed sign-ins, role changes, and every time staff
//! read a person's record. Later capabilities call [`person_read`] from any
//! handler that shows a person's details to staff.

/// The administrators' view of the log.
mod pages;
/// Appending events and reading them back.
mod store;

pub use store::{StoredEvent, list, record, record_in};

use axum::{http::Method, routing::get};
use sqlx::AnyConnection;

use crate::{
    access::{self, Route},
    accounts::CurrentUser,
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
    /// Staff were shown a list of people (the accounts they searched).
    PeopleListed,
    PersonRecordCreated,
    PersonRecordUpdated,
    PersonPlanChanged,
    PersonCircleChanged,
    ReferralMade,
    ReferralStepTaken,
    OutcomeRecorded,
    /// The referrals sweep marked a referral escalated (no answer by its date).
    ReferralEscalated,
    /// A reminder about a stalled referral was mailed.
    ReferralReminderSent,
    /// An administrator gave a failed background job another go.
    JobRetried,
    TeamSetUp,
    TeamMembersChanged,
    /// A person taken onto or off a team's caseload.
    CaseloadChanged,
    /// A person handed over from one lead to another.
    CaseloadHandedOver,
    /// Check-in calls were planned for a person, or a plan was stopped.
    CheckinsPlanned,
    CheckinCallLogged,
    /// A wellbeing concern was raised (by a caller, a helper, or the sweep).
    ConcernRaised,
    /// A concern was acknowledged, acted on or closed.
    ConcernMoved,
    /// Feedback, a compliment or a complaint was received (or entered for someone).
    FeedbackReceived,
    /// Staff were shown an item of feedback with the person's details.
    FeedbackRead,
    /// A step of the complaints procedure was taken.
    ComplaintStepTaken,
    /// An item was published with a public response, or withdrawn.
    FeedbackPublished,
    /// A community plan was set up, or its details changed.
    PlanSaved,
    /// An outcome, priority or indicator was added to a plan.
    PlanPartAdded,
    /// An indicator's figure was recorded or corrected.
    PlanFigureRecorded,
    /// Something was linked to a plan's outcome, or unlinked.
    PlanLinkChanged,
    /// A "you said, we did" entry was drafted or changed, or its evidence.
    YouSaidSaved,
    /// A "you said, we did" entry was signed off, and so made public.
    YouSaidSignedOff,
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
            Action::PeopleListed => "people_listed",
            Action::PersonRecordCreated => "person_record_created",
            Action::PersonRecordUpdated => "person_record_updated",
            Action::PersonPlanChanged => "person_plan_changed",
            Action::PersonCircleChanged => "person_circle_changed",
            Action::ReferralMade => "referral_made",
            Action::ReferralStepTaken => "referral_step_taken",
            Action::OutcomeRecorded => "outcome_recorded",
            Action::ReferralEscalated => "referral_escalated",
            Action::ReferralReminderSent => "referral_reminder_sent",
            Action::JobRetried => "job_retried",
            Action::TeamSetUp => "team_set_up",
            Action::TeamMembersChanged => "team_members_changed",
            Action::CaseloadChanged => "caseload_changed",
            Action::CaseloadHandedOver => "caseload_handed_over",
            Action::CheckinsPlanned => "checkins_planned",
            Action::CheckinCallLogged => "checkin_call_logged",
            Action::ConcernRaised => "concern_raised",
            Action::ConcernMoved => "concern_moved",
            Action::FeedbackReceived => "feedback_received",
            Action::FeedbackRead => "feedback_read",
            Action::ComplaintStepTaken => "complaint_step_taken",
            Action::FeedbackPublished => "feedback_published",
            Action::PlanSaved => "plan_saved",
            Action::PlanPartAdded => "plan_part_added",
            Action::PlanFigureRecorded => "plan_figure_recorded",
            Action::PlanLinkChanged => "plan_link_changed",
            Action::YouSaidSaved => "you_said_saved",
            Action::YouSaidSignedOff => "you_said_signed_off",
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

/// Whose record a member of staff was shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOf {
    /// A person's account.
    Account(i64),
    /// A co-delivery person's record (the person's record).
    Person(i64),
}

/// Records that a member of staff was shown a person's record, inside the
/// caller's transaction (the read and its record commit together). Call
/// it from every handler that displays a person's details to someone
/// other than that person.
pub async fn person_read(
    conn: &mut AnyConnection,
    reader: &CurrentUser,
    whose: ReadOf,
    ip: &str,
    why: &str,
) -> crate::db::StoreResult<()> {
    let subject = match whose {
        ReadOf::Account(id) if id == reader.account_id => return Ok(()),
        ReadOf::Account(id) => ("account", id),
        ReadOf::Person(id) => ("coordination_person", id),
    };
    record_in(
        conn,
        Event::new(Action::PersonRead, Some(reader.account_id), ip)
            .subject(subject.0, subject.1)
            .detail(why),
    )
    .await
}

impl StoredEvent {
    /// When it happened, as people read it.
    pub fn when(&self) -> String {
        crate::web::utc_time(self.occurred_at)
    }
}

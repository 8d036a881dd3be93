//! The consent register: for each kind of record about a person, on what
//! lawful basis it is kept, for which purpose, and whether consent was
//! given or withdrawn, when, by whom and through which channel.
//!
//! Withdrawing stops processing for that purpose ([`withdraw`] says what
//! each kind of record does on withdrawal).

use sqlx::{AnyConnection, Row, any::AnyRow};

use crate::coordination::model::Channel;

/// The kinds of record about a person that the register covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// The account: sign-in, name and email.
    Account,
    /// Co-delivery: the person's record, offers, requests and matches.
    Coordination,
    /// The time bank's account and movements.
    TimeBank,
    /// One personal (dementia-friendly) star.
    PersonalStar,
    /// Identified survey responses and invitations.
    Survey,
    /// Participatory budgeting proposals.
    Budgeting,
    /// The person's record of support: what matters to them, the
    /// conversation, the agreed plan and the circle of support.
    Support,
}

impl RecordKind {
    pub const ALL: [RecordKind; 7] = [
        RecordKind::Account,
        RecordKind::Coordination,
        RecordKind::TimeBank,
        RecordKind::PersonalStar,
        RecordKind::Survey,
        RecordKind::Budgeting,
        RecordKind::Support,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Account => "account",
            RecordKind::Coordination => "coordination",
            RecordKind::TimeBank => "time_bank",
            RecordKind::PersonalStar => "personal_star",
            RecordKind::Survey => "survey",
            RecordKind::Budgeting => "budgeting",
            RecordKind::Support => "support",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

/// The lawful bases of UK GDPR Article 6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LawfulBasis {
    Consent,
    Contract,
    LegalObligation,
    VitalInterests,
    PublicTask,
    LegitimateInterests,
}

impl LawfulBasis {
    pub const ALL: [LawfulBasis; 6] = [
        LawfulBasis::Consent,
        LawfulBasis::Contract,
        LawfulBasis::LegalObligation,
        LawfulBasis::VitalInterests,
        LawfulBasis::PublicTask,
        LawfulBasis::LegitimateInterests,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LawfulBasis::Consent => "consent",
            LawfulBasis::Contract => "contract",
            LawfulBasis::LegalObligation => "legal_obligation",
            LawfulBasis::VitalInterests => "vital_interests",
            LawfulBasis::PublicTask => "public_task",
            LawfulBasis::LegitimateInterests => "legitimate_interests",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == raw)
    }
}

/// One row of the register, as pages and exports show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Consent {
    pub id: i64,
    pub account_id: Option<i64>,
    pub coordination_person_id: Option<i64>,
    pub record_kind: String,
    pub record_id: Option<i64>,
    pub purpose: String,
    pub lawful_basis: String,
    pub given_at: i64,
    pub given_by: Option<i64>,
    pub given_channel: String,
    pub withdrawn_at: Option<i64>,
    pub withdrawn_by: Option<i64>,
    pub withdrawn_channel: Option<String>,
}

impl Consent {
    pub fn is_withdrawn(&self) -> bool {
        self.withdrawn_at.is_some()
    }

    /// When it was given, as people read it.
    pub fn given(&self) -> String {
        crate::web::utc_time(self.given_at)
    }

    /// When it was withdrawn, as people read it; empty while it stands.
    pub fn withdrawn(&self) -> String {
        self.withdrawn_at
            .map(crate::web::utc_time)
            .unwrap_or_default()
    }
}

/// A consent (or another lawful basis) to record.
#[derive(Debug, Clone)]
pub struct NewConsent<'a> {
    pub account_id: Option<i64>,
    pub coordination_person_id: Option<i64>,
    pub record_kind: RecordKind,
    pub record_id: Option<i64>,
    pub purpose: &'a str,
    pub lawful_basis: LawfulBasis,
    /// The account recording it: the person themselves, or staff.
    pub given_by: Option<i64>,
    pub channel: Channel,
}

const SELECT: &str = "SELECT id, account_id, coordination_person_id, record_kind, record_id, purpose, \
     lawful_basis, given_at, given_by, given_channel, withdrawn_at, withdrawn_by, withdrawn_channel \
     FROM consents";

fn from_row(row: &AnyRow) -> Result<Consent, sqlx::Error> {
    Ok(Consent {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        coordination_person_id: row.try_get("coordination_person_id")?,
        record_kind: row.try_get("record_kind")?,
        record_id: row.try_get("record_id")?,
        purpose: row.try_get("purpose")?,
        lawful_basis: row.try_get("lawful_basis")?,
        given_at: row.try_get("given_at")?,
        given_by: row.try_get("given_by")?,
        given_channel: row.try_get("given_channel")?,
        withdrawn_at: row.try_get("withdrawn_at")?,
        withdrawn_by: row.try_get("withdrawn_by")?,
        withdrawn_channel: row.try_get("withdrawn_channel")?,
    })
}

/// Records a consent inside the caller's transaction.
pub async fn give(
    conn: &mut AnyConnection,
    new: &NewConsent<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO consents (account_id, coordination_person_id, record_kind, record_id, purpose, \
         lawful_basis, given_at, given_by, given_channel) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         RETURNING id",
    )
    .bind(new.account_id)
    .bind(new.coordination_person_id)
    .bind(new.record_kind.as_str())
    .bind(new.record_id)
    .bind(new.purpose)
    .bind(new.lawful_basis.as_str())
    .bind(now)
    .bind(new.given_by)
    .bind(new.channel.as_str())
    .fetch_one(conn)
    .await?;
    row.try_get("id")
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<Consent>, sqlx::Error> {
    let row = sqlx::query(&format!("{SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Every consent about a person: those naming their account or their
/// coordination record, and those of the personal stars about them.
pub async fn for_person(
    conn: &mut AnyConnection,
    account_id: Option<i64>,
    person_id: Option<i64>,
) -> Result<Vec<Consent>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE account_id = $1 OR coordination_person_id = $2 \
         OR (record_kind = 'personal_star' AND record_id IN \
             (SELECT id FROM star_person_stars WHERE person_account_id = $1)) \
         ORDER BY given_at, id"
    ))
    .bind(account_id)
    .bind(person_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// What withdrawing a consent did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withdrawn {
    /// It was withdrawn now.
    Now,
    /// It had been withdrawn before; nothing changed.
    Already,
}

/// Withdraws a consent, inside the caller's transaction, and stops the
/// processing it allowed:
///
/// - a **personal star** is hidden from everyone at once (the star's
///   queries read only stars whose consent stands, so nobody can open or
///   rate it) and housekeeping deletes it after the retention period;
/// - **co-delivery**: the person's open offers and requests are withdrawn,
///   so they are matched no more;
/// - an **identified survey**: the person's answers stay in the counts but
///   no longer say whose they are, and invitations not yet used lose the
///   address they were sent to;
/// - the **record of support** takes no more changes: its plan and
///   circle stay as they were for staff to act on (and erase on request);
/// - a **referral's** consent to share: the referral is withdrawn, so the
///   receiving organisation acts on it no more;
/// - the other kinds are kept on another basis as well (the time bank's
///   books are a legal record; an account is needed to sign in; a
///   budgeting proposal is public once sent), so the withdrawal is
///   recorded for staff to act on and the person can ask for erasure.
pub async fn withdraw(
    conn: &mut AnyConnection,
    consent: &Consent,
    by: Option<i64>,
    channel: Channel,
    now: i64,
) -> Result<Withdrawn, sqlx::Error> {
    let changed = sqlx::query(
        "UPDATE consents SET withdrawn_at = $1, withdrawn_by = $2, withdrawn_channel = $3 \
         WHERE id = $4 AND withdrawn_at IS NULL",
    )
    .bind(now)
    .bind(by)
    .bind(channel.as_str())
    .bind(consent.id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if changed == 0 {
        return Ok(Withdrawn::Already);
    }
    if let Some(referral) = crate::referrals::store::for_consent(conn, consent.id).await? {
        // The consent to share for one referral: the referral is withdrawn
        // (unless its story has already ended), and nothing else stops.
        crate::referrals::workflow::withdraw_for_consent(conn, &referral, by, channel, now).await?;
        return Ok(Withdrawn::Now);
    }
    if RecordKind::parse(&consent.record_kind) == Some(RecordKind::Coordination)
        && let Some(person) = consent.coordination_person_id
    {
        sqlx::query(
            "UPDATE offers SET status = 'withdrawn' WHERE person_id = $1 AND status = 'open'",
        )
        .bind(person)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "UPDATE help_requests SET status = 'withdrawn' WHERE person_id = $1 AND status = 'open'",
        )
        .bind(person)
        .execute(&mut *conn)
        .await?;
    }
    if RecordKind::parse(&consent.record_kind) == Some(RecordKind::Survey)
        && let Some(account) = consent.account_id
    {
        sqlx::query(
            "UPDATE survey_responses SET respondent_account_id = NULL, invitation_id = NULL \
             WHERE respondent_account_id = $1",
        )
        .bind(account)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "UPDATE survey_invitations SET email = NULL WHERE used_at IS NULL \
             AND LOWER(email) = (SELECT LOWER(email) FROM accounts WHERE id = $1)",
        )
        .bind(account)
        .execute(&mut *conn)
        .await?;
    }
    Ok(Withdrawn::Now)
}

/// The SQL condition, on a `star_person_stars` row aliased `p`, that its
/// consent stands. Every query that reads personal stars uses it.
pub const PERSONAL_STAR_CONSENT_STANDS: &str = "EXISTS (SELECT 1 FROM consents c \
     WHERE c.record_kind = 'personal_star' AND c.record_id = p.id AND c.withdrawn_at IS NULL)";

//! The consent register: for each kind of record about a person, on what
//! lawful basis it is kept, for which purpose, and whether consent was
//! given or withdrawn, when, by whom and through which channel.
//!
//! Withdrawing stops processing for that purpose ([`withdraw`] says what
//! each kind of record does on withdrawal).

use sqlx::AnyConnection;

use super::store::consents as store;
pub use super::store::consents::{find, for_person, give};
use crate::{coordination::model::Channel, db::StoreResult};

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
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
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
) -> StoreResult<Withdrawn> {
    if !store::mark_withdrawn(conn, consent.id, by, channel, now).await? {
        return Ok(Withdrawn::Already);
    }
    if let Some(referral) = crate::referrals::store::for_consent(conn, consent.id).await? {
        // The consent to share for one referral: the referral is withdrawn
        // (unless its story has already ended), and nothing else stops.
        crate::referrals::workflow::withdraw_for_consent(conn, &referral, by, channel, now).await?;
        return Ok(Withdrawn::Now);
    }
    match RecordKind::parse(&consent.record_kind) {
        Some(RecordKind::Coordination) => {
            if let Some(person) = consent.coordination_person_id {
                store::stop_coordination(conn, person).await?;
            }
        }
        Some(RecordKind::Survey) => {
            if let Some(account) = consent.account_id {
                store::stop_surveys(conn, account).await?;
            }
        }
        _ => {}
    }
    Ok(Withdrawn::Now)
}

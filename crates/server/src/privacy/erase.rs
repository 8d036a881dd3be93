//! Erasure: a person's identifying data is removed everywhere, while what
//! others rely on stays whole.
//!
//! Removed: names, email addresses, phone numbers, addresses and postcodes,
//! gender, the record of support (what matters, the conversation, the plan
//! and the circle of support), their referrals (with every step) and
//! wellbeing measures, the notes of their check-in calls and what their
//! wellbeing concerns said (the calls and concerns stay, blank, in the
//! counts; their call plans stop), the free text of their offers, requests and personal
//! star notes,
//! notes about their matches and days, their sessions, roles, reset links
//! and sign-in attempts, and their addresses (ip) in the audit log. Where
//! a name or email was, the pseudonym `erased-person-<random>` stands,
//! in the audit log's details too.
//!
//! Kept: every row others' figures are built from — time bank transfers
//! and movements (so everyone's balance stays right), ballots and results,
//! survey responses and their scores, budgeting proposals, PVG dates and
//! star levels — now tied only to the pseudonymous record. The account row
//! stays (disabled, no password) because those rows point at it.
//!
//! After the transaction commits, [`Db::scrub_freed_pages`] makes sure the
//! old values are in no database file (on `SQLite`, the freed space is zeroed
//! and the write-ahead log emptied).

use super::{store::erasure as store, subject::Found};
use crate::{
    audit::{self, Action, Event},
    crypto,
    db::{self, Db, StoreResult},
};

/// What an erasure would touch, for the confirmation step.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Kind of record and how many rows lose identifying data.
    pub counts: Vec<(&'static str, i64)>,
}

/// What the erasure left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erased {
    pub pseudonym: String,
}

/// Who erases, for the record.
#[derive(Debug, Clone, Copy)]
pub struct Eraser<'a> {
    /// The administrator; `None` for an operator at the command line.
    pub account_id: Option<i64>,
    pub ip: &'a str,
}

/// What [`erase`] would do to `found`, changing nothing.
pub async fn plan(db: &Db, found: &Found) -> StoreResult<Plan> {
    let mut conn = db.pool().acquire().await?;
    let who = store::identity(&mut conn, found).await?;
    let counts = store::counts(&mut conn, found).await?;
    Ok(Plan {
        name: found.name.clone(),
        email: who
            .account
            .as_ref()
            .map(|(email, _)| email.clone())
            .or_else(|| who.person.as_ref().and_then(|(_, email, _)| email.clone())),
        phone: who
            .person
            .as_ref()
            .map(|(_, _, phone)| phone.clone())
            .filter(|p| !p.is_empty()),
        counts,
    })
}

/// Erases `found`'s identifying data in one transaction (with its audit
/// row), then removes the old values from the database files.
pub async fn erase(db: &Db, found: &Found, by: Eraser<'_>) -> StoreResult<Erased> {
    let now = db::now();
    let pseudonym = format!(
        "erased-person-{}",
        &crypto::token_hash(&crypto::random_token())[..12]
    );
    let mut tx = db.begin_write().await?;
    let who = store::identity(&mut tx, found).await?;
    store::erase(&mut tx, found, &who, &pseudonym, by.account_id, now).await?;
    let event = Event::new(Action::PersonErased, by.account_id, by.ip).detail(pseudonym.clone());
    audit::record_in(&mut tx, found.audit_subject(event)).await?;
    tx.commit().await?;
    db.scrub_freed_pages().await?;
    Ok(Erased { pseudonym })
}

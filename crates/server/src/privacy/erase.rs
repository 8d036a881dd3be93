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

use sqlx::AnyConnection;

use super::subject::Found;
use crate::{
    audit::{self, Action, Event},
    crypto,
    db::{self, Db},
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

/// The identifying values held about a person, read before they go.
#[derive(Debug, Default)]
struct Identity {
    account: Option<(String, String)>,
    person: Option<(String, Option<String>, String)>,
}

async fn identity(conn: &mut AnyConnection, found: &Found) -> Result<Identity, sqlx::Error> {
    let account: Option<(String, String)> =
        sqlx::query_as("SELECT email, display_name FROM accounts WHERE id = $1")
            .bind(found.account_id)
            .fetch_optional(&mut *conn)
            .await?;
    let person: Option<(String, Option<String>, String)> =
        sqlx::query_as("SELECT display_name, email, phone FROM coordination_people WHERE id = $1")
            .bind(found.person_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(Identity { account, person })
}

impl Identity {
    /// Every value to replace in free text, longest first (so a name
    /// inside an email is not replaced before the email).
    fn values(&self) -> Vec<String> {
        let mut values = Vec::new();
        if let Some((email, name)) = &self.account {
            values.push(email.clone());
            values.push(name.clone());
        }
        if let Some((name, email, phone)) = &self.person {
            values.push(name.clone());
            values.extend(email.iter().flat_map(|e| [e.clone(), e.to_lowercase()]));
            values.push(phone.clone());
        }
        values.retain(|v| v.trim().chars().count() >= 3);
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        values.dedup();
        values
    }
}

const COUNTS: &[(&str, &str)] = &[
    (
        "offers",
        "SELECT COUNT(*) FROM offers WHERE person_id = $2 AND ($1 IS NULL OR TRUE)",
    ),
    (
        "requests",
        "SELECT COUNT(*) FROM help_requests WHERE person_id = $2 AND ($1 IS NULL OR TRUE)",
    ),
    (
        "plan_goals",
        "SELECT COUNT(*) FROM plan_goals WHERE person_id = $2 AND ($1 IS NULL OR TRUE)",
    ),
    (
        "circle_of_support",
        "SELECT COUNT(*) FROM circle_ties WHERE person_id = $2 AND ($1 IS NULL OR TRUE)",
    ),
    (
        "personal_stars",
        "SELECT COUNT(*) FROM star_person_stars WHERE person_account_id = $1 OR carer_account_id = $1 \
         OR person_id = $2",
    ),
    (
        "referrals",
        "SELECT COUNT(*) FROM referrals WHERE person_id = $2 AND ($1 IS NULL OR TRUE)",
    ),
    (
        "outcome_measures",
        "SELECT COUNT(*) FROM outcome_measures WHERE person_id = $2 AND ($1 IS NULL OR TRUE)",
    ),
    (
        "sessions",
        "SELECT COUNT(*) FROM sessions WHERE account_id = $1 AND ($2 IS NULL OR TRUE)",
    ),
    (
        "roles",
        "SELECT COUNT(*) FROM memberships WHERE account_id = $1 AND ($2 IS NULL OR TRUE)",
    ),
    (
        "audit_events",
        "SELECT COUNT(*) FROM audit_events WHERE actor_account_id = $1 \
         OR (subject_kind = 'account' AND subject_id = $1) \
         OR (subject_kind = 'coordination_person' AND subject_id = $2)",
    ),
];

/// What [`erase`] would do to `found`, changing nothing.
pub async fn plan(db: &Db, found: &Found) -> Result<Plan, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    let who = identity(&mut conn, found).await?;
    let mut counts = Vec::new();
    for (kind, sql) in COUNTS {
        let (n,): (i64,) = sqlx::query_as(sql)
            .bind(found.account_id)
            .bind(found.person_id)
            .fetch_one(&mut *conn)
            .await?;
        counts.push((*kind, n));
    }
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

/// Runs one statement with the account id, the person id and the
/// pseudonym as `$1`, `$2` and `$3`, and the time as `$4`.
async fn run(
    conn: &mut AnyConnection,
    sql: &str,
    found: &Found,
    pseudonym: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(sql)
        .bind(found.account_id)
        .bind(found.person_id)
        .bind(pseudonym)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// The statements of an erasure, in order. Each names all four parameters
/// (`$1` account, `$2` person, `$3` pseudonym, `$4` now), so one binding
/// serves every statement on both backends.
const STEPS: &[&str] = &[
    // The account: no name, no email, no password, no way in.
    "UPDATE accounts SET email = $3 || '@erased.invalid', display_name = $3, password_hash = '!', \
     disabled_at = COALESCE(disabled_at, $4) WHERE id = $1 AND ($2 IS NULL OR TRUE)",
    "DELETE FROM sessions WHERE account_id = $1 AND ($2 IS NULL OR $3 IS NULL OR $4 IS NULL OR TRUE)",
    "DELETE FROM password_resets WHERE account_id = $1 AND ($2 IS NULL OR $3 IS NULL OR $4 IS NULL OR TRUE)",
    "DELETE FROM memberships WHERE account_id = $1 AND ($2 IS NULL OR $3 IS NULL OR $4 IS NULL OR TRUE)",
    // Listing reports keep what was reported, not who reported it.
    "UPDATE listing_reports SET reporter_email = NULL WHERE reporter_account_id = $1 \
     AND ($2 IS NULL OR $3 IS NULL OR $4 IS NULL OR TRUE)",
    // Personal stars keep their levels; names and notes go.
    "UPDATE star_person_ratings SET home_note = '', community_note = '', services_note = '', contributes = '' \
     WHERE person_star_id IN (SELECT id FROM star_person_stars WHERE person_account_id = $1 OR person_id = $2) \
     AND ($3 IS NULL OR $4 IS NULL OR TRUE)",
    "UPDATE star_person_stars SET person_name = $3, carer_name = '' WHERE (person_account_id = $1 OR person_id = $2) \
     AND ($4 IS NULL OR TRUE)",
    "UPDATE star_person_stars SET carer_name = '' WHERE carer_account_id = $1 \
     AND ($2 IS NULL OR $3 IS NULL OR $4 IS NULL OR TRUE)",
    // The co-delivery record: the pseudonym for a name, nothing else.
    "UPDATE coordination_people SET display_name = $3, phone = '', email = NULL, gender = NULL, \
     preferred_name = '', date_of_birth = NULL, address = '', postcode = '', contact_by = '', \
     languages = '', communication_needs = '', speaks_for_them = '', what_matters = '', \
     plan_review_on = NULL WHERE id = $2 AND ($1 IS NULL OR $4 IS NULL OR TRUE)",
    // The record of support is theirs alone: the conversation, the plan
    // and the circle (with the names and numbers of people around them) go.
    "DELETE FROM person_conversation_notes WHERE person_id = $2 \
     AND ($1 IS NULL OR $3 IS NULL OR $4 IS NULL OR TRUE)",
    "DELETE FROM plan_actions WHERE goal_id IN (SELECT id FROM plan_goals WHERE person_id = $2) \
     AND ($1 IS NULL OR $3 IS NULL OR $4 IS NULL OR TRUE)",
    "DELETE FROM plan_goals WHERE person_id = $2 AND ($1 IS NULL OR $3 IS NULL OR $4 IS NULL OR TRUE)",
    "DELETE FROM circle_ties WHERE person_id = $2 AND ($1 IS NULL OR $3 IS NULL OR $4 IS NULL OR TRUE)",
    // So are the team's notes about them: their place on caseloads and
    // every handover note go.
    "DELETE FROM team_handovers WHERE person_id = $2 AND ($1 IS NULL OR $3 IS NULL OR $4 IS NULL OR TRUE)",
    "DELETE FROM team_caseload WHERE person_id = $2 AND ($1 IS NULL OR $3 IS NULL OR $4 IS NULL OR TRUE)",
    "UPDATE matches SET decline_reason = '', finished_note = '' \
     WHERE (request_id IN (SELECT id FROM help_requests WHERE person_id = $2) \
        OR offer_id IN (SELECT id FROM offers WHERE person_id = $2)) \
     AND ($1 IS NULL OR $3 IS NULL OR $4 IS NULL OR TRUE)",
    "UPDATE occurrences SET note = '' WHERE match_id IN (SELECT m.id FROM matches m \
        WHERE m.request_id IN (SELECT id FROM help_requests WHERE person_id = $2) \
           OR m.offer_id IN (SELECT id FROM offers WHERE person_id = $2)) \
     AND ($1 IS NULL OR $3 IS NULL OR $4 IS NULL OR TRUE)",
    "UPDATE offers SET description = '', postcode = '', latitude = 0, longitude = 0, \
     status = 'withdrawn' WHERE person_id = $2 AND ($1 IS NULL OR $3 IS NULL OR $4 IS NULL OR TRUE)",
    "DELETE FROM offer_away WHERE offer_id IN (SELECT id FROM offers WHERE person_id = $2) \
     AND ($1 IS NULL OR $3 IS NULL OR $4 IS NULL OR TRUE)",
    "UPDATE help_requests SET description = '', address = '', postcode = '', latitude = 0, longitude = 0, \
     status = CASE WHEN status = 'open' THEN 'withdrawn' ELSE status END \
     WHERE person_id = $2 AND ($1 IS NULL OR $3 IS NULL OR $4 IS NULL OR TRUE)",
    // Referrals and wellbeing measures are about the person alone: they
    // go, steps and all. The consents they were made under stay, as the
    // record of what was agreed.
    "DELETE FROM outcome_measures WHERE person_id = $2 AND ($1 IS NULL OR $3 IS NULL OR $4 IS NULL OR TRUE)",
    "DELETE FROM referral_events WHERE referral_id IN (SELECT id FROM referrals WHERE person_id = $2) \
     AND ($1 IS NULL OR $3 IS NULL OR $4 IS NULL OR TRUE)",
    "DELETE FROM referrals WHERE person_id = $2 AND ($1 IS NULL OR $3 IS NULL OR $4 IS NULL OR TRUE)",
    // Check-in calls and concerns stay counted, but say nothing about the
    // person any more: notes, what was noticed and what was done are
    // blanked, broadcast messages too, and their plans stop (a birthday
    // plan's date of birth becomes the first of January of that year).
    "UPDATE checkin_calls SET note = '' WHERE person_id = $2 AND ($1 IS NULL OR $3 IS NULL OR $4 IS NULL OR TRUE)",
    "UPDATE checkin_concerns SET noticed = '', action_taken = '' \
     WHERE person_id = $2 AND ($1 IS NULL OR $3 IS NULL OR $4 IS NULL OR TRUE)",
    "UPDATE checkin_schedules SET message = '', \
     born_on = CASE WHEN born_on IS NULL THEN NULL ELSE SUBSTR(born_on, 1, 4) || '-01-01' END, \
     stopped_at = COALESCE(stopped_at, $4) WHERE person_id = $2 AND ($1 IS NULL OR $3 IS NULL OR TRUE)",
    // Their own addresses in the audit log.
    "UPDATE audit_events SET ip = NULL WHERE actor_account_id = $1 AND ip IS NOT NULL \
     AND ($2 IS NULL OR $3 IS NULL OR $4 IS NULL OR TRUE)",
];

/// Erases `found`'s identifying data in one transaction (with its audit
/// row), then removes the old values from the database files.
pub async fn erase(db: &Db, found: &Found, by: Eraser<'_>) -> Result<Erased, sqlx::Error> {
    let now = db::now();
    let pseudonym = format!(
        "erased-person-{}",
        &crypto::token_hash(&crypto::random_token())[..12]
    );
    let mut tx = db.begin_write().await?;
    let who = identity(&mut tx, found).await?;
    sqlx::query(
        "INSERT INTO erasures (pseudonym, account_id, coordination_person_id, erased_by, erased_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&pseudonym)
    .bind(found.account_id)
    .bind(found.person_id)
    .bind(by.account_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let emails: Vec<String> = who
        .account
        .iter()
        .map(|(email, _)| email.clone())
        .chain(who.person.iter().filter_map(|(_, email, _)| email.clone()))
        .map(|email| email.to_lowercase())
        .collect();
    for email in &emails {
        sqlx::query("DELETE FROM login_attempts WHERE email = $1")
            .bind(email)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE survey_invitations SET email = NULL WHERE LOWER(email) = $1")
            .bind(email)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE listing_reports SET reporter_email = NULL WHERE LOWER(reporter_email) = $1",
        )
        .bind(email)
        .execute(&mut *tx)
        .await?;
    }
    if let Some(account) = found.account_id {
        // Identified survey answers stay in every count and score, but no
        // longer say whose they are, and an answer that names the person
        // names the pseudonym instead.
        for value in who.values() {
            sqlx::query(
                "UPDATE survey_responses SET answers = REPLACE(answers, $1, $2) \
                 WHERE respondent_account_id = $3 AND answers LIKE '%' || $1 || '%'",
            )
            .bind(&value)
            .bind(&pseudonym)
            .bind(account)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "UPDATE survey_responses SET respondent_account_id = NULL, invitation_id = NULL \
             WHERE respondent_account_id = $1",
        )
        .bind(account)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM survey_participants WHERE account_id = $1")
            .bind(account)
            .execute(&mut *tx)
            .await?;
    }
    for step in STEPS {
        run(&mut tx, step, found, &pseudonym, now).await?;
    }
    // Wherever the audit log's details name them (a typed email of a
    // failed sign-in, a name), the pseudonym takes its place. The log's
    // trigger allows exactly this change.
    for value in who.values() {
        sqlx::query(
            "UPDATE audit_events SET detail = REPLACE(detail, $1, $2) WHERE detail LIKE '%' || $1 || '%'",
        )
        .bind(&value)
        .bind(&pseudonym)
        .execute(&mut *tx)
        .await?;
    }
    let event = Event::new(Action::PersonErased, by.account_id, by.ip).detail(pseudonym.clone());
    let event = match (found.account_id, found.person_id) {
        (Some(account), _) => event.subject("account", account),
        (None, Some(person)) => event.subject("coordination_person", person),
        (None, None) => event,
    };
    audit::record_in(&mut tx, event).await?;
    tx.commit().await?;
    db.scrub_freed_pages().await?;
    Ok(Erased { pseudonym })
}

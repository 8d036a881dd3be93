//! The SQL of an erasure: what is held (read first, for the confirmation
//! step and for the values to replace in free text), and the statements
//! that remove a person's identifying data. `privacy::erase` runs them in
//! one transaction with the audit row.

use sqlx::AnyConnection;

use super::export::feedback_of;
use crate::{db::StoreResult, privacy::subject::Found};

/// The identifying values held about a person, read before they go.
#[derive(Debug, Default)]
pub struct Identity {
    /// The account's email and name.
    pub account: Option<(String, String)>,
    /// The co-delivery record's name, email and phone.
    pub person: Option<(String, Option<String>, String)>,
}

/// What is held about `found` that identifies them.
pub async fn identity(conn: &mut AnyConnection, found: &Found) -> StoreResult<Identity> {
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
    pub fn values(&self) -> Vec<String> {
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
        "feedback",
        concat!(
            "SELECT COUNT(*) FROM feedback WHERE ",
            feedback_of!("feedback")
        ),
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

/// For each kind of record, how many rows about `found` an erasure would
/// touch.
pub async fn counts(
    conn: &mut AnyConnection,
    found: &Found,
) -> StoreResult<Vec<(&'static str, i64)>> {
    let mut counts = Vec::new();
    for (kind, sql) in COUNTS {
        let (n,): (i64,) = sqlx::query_as(sql)
            .bind(found.account_id)
            .bind(found.person_id)
            .fetch_one(&mut *conn)
            .await?;
        counts.push((*kind, n));
    }
    Ok(counts)
}

/// Runs one statement with the account id, the person id and the
/// pseudonym as `$1`, `$2` and `$3`, and the time as `$4`.
async fn run(
    conn: &mut AnyConnection,
    sql: &str,
    found: &Found,
    pseudonym: &str,
    now: i64,
) -> StoreResult<()> {
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

/// Removes `who`'s identifying data everywhere, in the caller's
/// transaction, leaving `pseudonym` where a name or email was, and records
/// the erasure by `erased_by` (but not its audit row: the caller writes it).
pub async fn erase(
    conn: &mut AnyConnection,
    found: &Found,
    who: &Identity,
    pseudonym: &str,
    erased_by: Option<i64>,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO erasures (pseudonym, account_id, coordination_person_id, erased_by, erased_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(pseudonym)
    .bind(found.account_id)
    .bind(found.person_id)
    .bind(erased_by)
    .bind(now)
    .execute(&mut *conn)
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
            .execute(&mut *conn)
            .await?;
        sqlx::query("UPDATE survey_invitations SET email = NULL WHERE LOWER(email) = $1")
            .bind(email)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "UPDATE listing_reports SET reporter_email = NULL WHERE LOWER(reporter_email) = $1",
        )
        .bind(email)
        .execute(&mut *conn)
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
            .bind(pseudonym)
            .bind(account)
            .execute(&mut *conn)
            .await?;
        }
        sqlx::query(
            "UPDATE survey_responses SET respondent_account_id = NULL, invitation_id = NULL \
             WHERE respondent_account_id = $1",
        )
        .bind(account)
        .execute(&mut *conn)
        .await?;
        sqlx::query("DELETE FROM survey_participants WHERE account_id = $1")
            .bind(account)
            .execute(&mut *conn)
            .await?;
    }
    // Feedback they gave stays counted and answered, but no longer says
    // who gave it: name, email and phone go, and wherever the item or its
    // steps name them the pseudonym takes their place. Found before the
    // account's email changes below.
    let given: Vec<(i64,)> = sqlx::query_as(concat!(
        "SELECT id FROM feedback WHERE ",
        feedback_of!("feedback")
    ))
    .bind(found.account_id)
    .bind(found.person_id)
    .fetch_all(&mut *conn)
    .await?;
    for (id,) in given {
        for value in who.values() {
            sqlx::query(
                "UPDATE feedback SET body = REPLACE(body, $1, $2), \
                 frontline_response = REPLACE(frontline_response, $1, $2), \
                 frontline_extension_reason = REPLACE(frontline_extension_reason, $1, $2), \
                 decision = REPLACE(decision, $1, $2), learning = REPLACE(learning, $1, $2), \
                 changes = REPLACE(changes, $1, $2), public_summary = REPLACE(public_summary, $1, $2), \
                 public_response = REPLACE(public_response, $1, $2) WHERE id = $3",
            )
            .bind(&value)
            .bind(pseudonym)
            .bind(id)
            .execute(&mut *conn)
            .await?;
            sqlx::query(
                "UPDATE feedback_steps SET note = REPLACE(note, $1, $2) WHERE feedback_id = $3",
            )
            .bind(&value)
            .bind(pseudonym)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        }
        sqlx::query(
            "UPDATE feedback SET name = $1, email = '', phone = '', account_id = NULL WHERE id = $2",
        )
        .bind(pseudonym)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    }
    for step in STEPS {
        run(&mut *conn, step, found, pseudonym, now).await?;
    }
    // Wherever the audit log's details name them (a typed email of a
    // failed sign-in, a name), the pseudonym takes its place. The log's
    // trigger allows exactly this change.
    for value in who.values() {
        sqlx::query(
            "UPDATE audit_events SET detail = REPLACE(detail, $1, $2) WHERE detail LIKE '%' || $1 || '%'",
        )
        .bind(&value)
        .bind(pseudonym)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

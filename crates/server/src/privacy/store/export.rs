//! The SQL of subject access: every kind of record held about a person,
//! read as JSON objects column by column, whatever the table.

use serde_json::{Map, Value, json};
use sqlx::{AnyConnection, Column, Row, TypeInfo, ValueRef, any::AnyTypeInfoKind};

use crate::db::StoreResult;

/// The feedback a person gave: through their account, or under an email
/// address of theirs (the account's, or their co-delivery record's), as a
/// condition on the table aliased `$t` with `$1` the account id and `$2`
/// the co-delivery person id.
macro_rules! feedback_of {
    ($t:literal) => {
        concat!(
            "(", $t, ".account_id = $1 OR (", $t, ".email <> '' AND LOWER(", $t, ".email) IN \
             (SELECT LOWER(email) FROM accounts WHERE id = $1 \
              UNION SELECT LOWER(email) FROM coordination_people WHERE id = $2 AND email IS NOT NULL)))"
        )
    };
}
pub(crate) use feedback_of;

/// The queries, one per kind of record. `$1` is the account id and `$2`
/// the coordination person id (either may be NULL, which matches nothing).
const LISTS: &[(&str, &str)] = &[
    (
        "roles",
        "SELECT m.role, o.name AS organisation, m.granted_at FROM memberships m \
         LEFT JOIN organisations o ON o.id = m.organisation_id WHERE m.account_id = $1 AND ($2 IS NULL OR TRUE) ORDER BY m.id",
    ),
    (
        "pvg_checks",
        "SELECT valid_until, recorded_at FROM pvg_checks WHERE person_id = $2 AND ($1 IS NULL OR TRUE) ORDER BY id",
    ),
    (
        "offers",
        "SELECT * FROM offers WHERE person_id = $2 AND ($1 IS NULL OR TRUE) ORDER BY id",
    ),
    (
        "requests",
        "SELECT * FROM help_requests WHERE person_id = $2 AND ($1 IS NULL OR TRUE) ORDER BY id",
    ),
    (
        "matches",
        "SELECT * FROM matches WHERE ($1 IS NULL OR TRUE) AND (request_id IN (SELECT id FROM help_requests WHERE person_id = $2) \
         OR offer_id IN (SELECT id FROM offers WHERE person_id = $2)) ORDER BY id",
    ),
    (
        "time_bank_movements",
        "SELECT t.id AS transfer_id, t.on_date, t.purpose, t.reference, mv.minutes \
         FROM timebank_movements mv JOIN timebank_transfers t ON t.id = mv.transfer_id \
         WHERE mv.person_id = $2 AND ($1 IS NULL OR TRUE) ORDER BY t.id",
    ),
    (
        "conversation_notes",
        "SELECT outcome, note, recorded_at FROM person_conversation_notes \
         WHERE person_id = $2 AND ($1 IS NULL OR TRUE) ORDER BY outcome",
    ),
    (
        "plan_goals",
        "SELECT id, goal, outcome, status, created_at FROM plan_goals \
         WHERE person_id = $2 AND ($1 IS NULL OR TRUE) ORDER BY id",
    ),
    (
        "plan_actions",
        "SELECT a.id, a.goal_id, a.action, a.by_whom, a.who_name, a.tie_id, a.service_id, a.due_on, a.done, a.created_at \
         FROM plan_actions a JOIN plan_goals g ON g.id = a.goal_id \
         WHERE g.person_id = $2 AND ($1 IS NULL OR TRUE) ORDER BY a.id",
    ),
    (
        "circle_of_support",
        "SELECT id, layer, name, role, what_they_do, how_often, contact, in_plan, service_id, created_at \
         FROM circle_ties WHERE person_id = $2 AND ($1 IS NULL OR TRUE) ORDER BY id",
    ),
    (
        "team_caseloads",
        "SELECT t.name AS team, c.handover_note, c.added_at FROM team_caseload c \
         JOIN teams t ON t.id = c.team_id WHERE c.person_id = $2 AND ($1 IS NULL OR TRUE) ORDER BY t.id",
    ),
    (
        "team_handovers",
        "SELECT t.name AS team, h.note, h.handed_at FROM team_handovers h \
         JOIN teams t ON t.id = h.team_id WHERE h.person_id = $2 AND ($1 IS NULL OR TRUE) ORDER BY h.id",
    ),
    (
        "personal_stars",
        "SELECT p.id, p.organisation_id, p.person_name, p.carer_name, p.consent_purpose, p.created_at \
         FROM star_person_stars p WHERE p.person_account_id = $1 OR p.person_id = $2 ORDER BY p.id",
    ),
    (
        "personal_star_ratings",
        "SELECT r.person_star_id, r.rated_on, r.home_level, r.home_note, r.community_level, r.community_note, \
         r.services_level, r.services_note, r.contributes FROM star_person_ratings r \
         JOIN star_person_stars p ON p.id = r.person_star_id \
         WHERE p.person_account_id = $1 OR p.person_id = $2 ORDER BY r.person_star_id, r.rated_on, r.id",
    ),
    (
        "survey_responses",
        "SELECT id, version_id, audience, channel, answers, data_zone, simd_quintile, age_band, submitted_at \
         FROM survey_responses WHERE respondent_account_id = $1 AND ($2 IS NULL OR TRUE) ORDER BY id",
    ),
    (
        "survey_invitations",
        "SELECT id, survey_id, audience, created_at, used_at FROM survey_invitations \
         WHERE email = (SELECT email FROM accounts WHERE id = $1) AND ($2 IS NULL OR TRUE) ORDER BY id",
    ),
    (
        "budgeting_proposals",
        "SELECT id, process_id, title, description, location, channel, status, submitted_at FROM pb_proposals \
         WHERE proposer_account_id = $1 AND ($2 IS NULL OR TRUE) ORDER BY id",
    ),
    (
        "listing_claims",
        "SELECT id, service_id, organisation_id, note, status, requested_at FROM listing_claims \
         WHERE requested_by = $1 AND ($2 IS NULL OR TRUE) ORDER BY id",
    ),
    (
        "listing_reports",
        "SELECT id, service_id, kind, details, reporter_email, reported_at, status FROM listing_reports \
         WHERE (reporter_account_id = $1 OR reporter_email = (SELECT email FROM accounts WHERE id = $1)) \
         AND ($2 IS NULL OR TRUE) ORDER BY id",
    ),
    (
        "referrals",
        "SELECT id, referring_organisation_id, referrer_kind, referrer_role, target, service_id, service_name, \
         receiving_organisation_id, help_category, postcode, reason, shared_fields, consent_id, simd_quintile, \
         age_band, status, referred_at, respond_by, escalated_at, help_request_id FROM referrals \
         WHERE person_id = $2 AND ($1 IS NULL OR TRUE) ORDER BY id",
    ),
    (
        "referral_events",
        "SELECT e.referral_id, e.status, e.occurred_at, e.side, e.channel, e.note FROM referral_events e \
         JOIN referrals r ON r.id = e.referral_id WHERE r.person_id = $2 AND ($1 IS NULL OR TRUE) \
         ORDER BY e.referral_id, e.occurred_at, e.id",
    ),
    (
        "outcome_measures",
        "SELECT id, referral_id, instrument, stage, recorded_at, items, channel FROM outcome_measures \
         WHERE person_id = $2 AND ($1 IS NULL OR TRUE) ORDER BY id",
    ),
    (
        "checkin_schedules",
        "SELECT id, kind, cadence, starts_on, ends_on, born_on, weeks, weekdays, message, caller_account_id, \
         max_attempts, retry_spacing, created_at, stopped_at FROM checkin_schedules \
         WHERE person_id = $2 AND ($1 IS NULL OR TRUE) ORDER BY id",
    ),
    (
        "checkin_calls",
        "SELECT id, schedule_id, due_on, attempt, caller_account_id, outcome, note, channel, logged_at \
         FROM checkin_calls WHERE person_id = $2 AND ($1 IS NULL OR TRUE) ORDER BY id",
    ),
    (
        "wellbeing_concerns",
        "SELECT id, source, call_id, raised_at, urgency, noticed, status, acknowledged_at, closed_at, action_taken \
         FROM checkin_concerns WHERE person_id = $2 AND ($1 IS NULL OR TRUE) ORDER BY id",
    ),
    (
        "feedback",
        concat!(
            "SELECT id, reference, kind, about_kind, about_name, channel, name, email, phone, body, \
             received_on, status, frontline_due, frontline_responded_on, frontline_outcome, \
             frontline_response, investigation_started, acknowledged_on, investigation_due, decided_on, \
             outcome, decision, public_summary, public_response, published_at FROM feedback WHERE ",
            feedback_of!("feedback"),
            " ORDER BY id"
        ),
    ),
    (
        "feedback_steps",
        concat!(
            "SELECT s.feedback_id, s.step, s.on_date, s.note, s.new_date FROM feedback_steps s \
             JOIN feedback f ON f.id = s.feedback_id WHERE ",
            feedback_of!("f"),
            " ORDER BY s.feedback_id, s.id"
        ),
    ),
    (
        "audit_events",
        "SELECT id, occurred_at, actor_account_id, action, subject_kind, subject_id, ip, detail FROM audit_events \
         WHERE actor_account_id = $1 OR (subject_kind = 'account' AND subject_id = $1) \
         OR (subject_kind = 'coordination_person' AND subject_id = $2) ORDER BY id",
    ),
];

/// Every record about the account `a` and the co-delivery record `p`
/// (either may be `None`), keyed by kind of record: the account, the
/// number of its sessions, the co-delivery record and the time bank
/// account as one object each (or null), every other kind as a list.
pub async fn records(
    conn: &mut AnyConnection,
    a: Option<i64>,
    p: Option<i64>,
) -> StoreResult<Map<String, Value>> {
    let mut document = Map::new();
    let account = rows(
        conn,
        "SELECT id, email, display_name, created_at, disabled_at FROM accounts WHERE id = $1 AND ($2 IS NULL OR TRUE)",
        a,
        p,
    )
    .await?;
    document.insert("account".into(), first(account));
    let (sessions,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions WHERE account_id = $1")
        .bind(a)
        .fetch_one(&mut *conn)
        .await?;
    document.insert("sessions".into(), json!({ "count": sessions }));
    let person = rows(
        conn,
        "SELECT id, display_name, phone, email, gender, pays_own_time, channel, created_at, \
         preferred_name, date_of_birth, address, postcode, contact_by, languages, communication_needs, \
         speaks_for_them, what_matters, plan_review_on \
         FROM coordination_people WHERE id = $2 AND ($1 IS NULL OR TRUE)",
        a,
        p,
    )
    .await?;
    document.insert("coordination_person".into(), first(person));
    let member = rows(
        conn,
        "SELECT area, max_debt_minutes, max_balance_minutes, opened_at FROM timebank_members \
         WHERE person_id = $2 AND ($1 IS NULL OR TRUE)",
        a,
        p,
    )
    .await?;
    document.insert("time_bank_account".into(), first(member));
    for (key, sql) in LISTS {
        let list = rows(conn, sql, a, p).await?;
        document.insert((*key).into(), Value::Array(list));
    }
    Ok(document)
}

fn first(mut list: Vec<Value>) -> Value {
    if list.is_empty() {
        Value::Null
    } else {
        list.swap_remove(0)
    }
}

/// Runs a query and turns each row into a JSON object, column by column,
/// whatever the table: integers, reals, text and NULLs as themselves.
async fn rows(
    conn: &mut AnyConnection,
    sql: &str,
    account: Option<i64>,
    person: Option<i64>,
) -> StoreResult<Vec<Value>> {
    let rows = sqlx::query(sql)
        .bind(account)
        .bind(person)
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|row| {
            let mut object = Map::new();
            for (i, column) in row.columns().iter().enumerate() {
                let raw = row.try_get_raw(i)?;
                let value = if raw.is_null() {
                    Value::Null
                } else {
                    match raw.type_info().kind() {
                        AnyTypeInfoKind::Bool => json!(row.try_get::<bool, _>(i)?),
                        AnyTypeInfoKind::SmallInt
                        | AnyTypeInfoKind::Integer
                        | AnyTypeInfoKind::BigInt => json!(row.try_get::<i64, _>(i)?),
                        AnyTypeInfoKind::Real | AnyTypeInfoKind::Double => {
                            json!(row.try_get::<f64, _>(i)?)
                        }
                        AnyTypeInfoKind::Text => json!(row.try_get::<String, _>(i)?),
                        AnyTypeInfoKind::Null | AnyTypeInfoKind::Blob => {
                            json!(raw.type_info().name())
                        }
                    }
                };
                object.insert(column.name().to_owned(), value);
            }
            Ok(Value::Object(object))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

//! The SQL of teams: the teams themselves, their members, their caseload
//! and its handovers, and what the team's view of today reads about the
//! people on it. Every function takes the caller's connection, so a page
//! changes a caseload and writes its audit row in one transaction.

use coprod_engine::schedule::Date;
use sqlx::{AnyConnection, Row, any::AnyRow};

use super::model::{CallDue, Entry, Handover, Holding, Member, OpenConcern, Team, Visit};
use crate::db::{StoreError, StoreResult};

/// The roles that make an account staff of an organisation, as stored.
const STAFF_ROLE_NAMES: &str = "('coordinator', 'link_worker', 'manager', 'admin')";

fn team(row: &AnyRow) -> StoreResult<Team> {
    Ok(Team {
        id: row.try_get("id")?,
        organisation_id: row.try_get("organisation_id")?,
        organisation: row.try_get("organisation")?,
        name: row.try_get("name")?,
        purpose: row.try_get("purpose")?,
    })
}

const TEAM: &str = "SELECT t.id, t.organisation_id, o.name AS organisation, t.name, t.purpose \
                    FROM teams t JOIN organisations o ON o.id = t.organisation_id";

/// Stores a new team; a name the organisation already uses is a
/// `Conflict` the caller names against the field.
pub async fn create(
    conn: &mut AnyConnection,
    organisation_id: i64,
    name: &str,
    purpose: &str,
    by: i64,
    at: i64,
) -> StoreResult<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO teams (organisation_id, name, purpose, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(organisation_id)
    .bind(name)
    .bind(purpose)
    .bind(by)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<Team>> {
    sqlx::query(&format!("{TEAM} WHERE t.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|row| team(&row))
        .transpose()
}

/// Every team, by organisation and name.
pub async fn all(conn: &mut AnyConnection) -> StoreResult<Vec<Team>> {
    let rows = sqlx::query(&format!("{TEAM} ORDER BY o.name, t.name, t.id"))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(team).collect()
}

/// The teams `account_id` is a member of.
pub async fn teams_of(conn: &mut AnyConnection, account_id: i64) -> StoreResult<Vec<i64>> {
    let rows: Vec<(i64,)> =
        sqlx::query_as("SELECT team_id FROM team_members WHERE account_id = $1 ORDER BY team_id")
            .bind(account_id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// A team's members by name, with how many people each leads.
pub async fn members(conn: &mut AnyConnection, team_id: i64) -> StoreResult<Vec<Member>> {
    let rows = sqlx::query(
        "SELECT a.id, a.display_name, a.email, \
         (SELECT COUNT(*) FROM team_caseload c WHERE c.team_id = m.team_id AND c.lead_account_id = a.id) AS leads \
         FROM team_members m JOIN accounts a ON a.id = m.account_id \
         WHERE m.team_id = $1 ORDER BY a.display_name, a.id",
    )
    .bind(team_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Member {
                account_id: row.try_get("id")?,
                name: row.try_get("display_name")?,
                email: row.try_get("email")?,
                leads: row.try_get("leads")?,
            })
        })
        .collect()
}

pub async fn is_member(
    conn: &mut AnyConnection,
    team_id: i64,
    account_id: i64,
) -> StoreResult<bool> {
    let found: Option<(i64,)> =
        sqlx::query_as("SELECT team_id FROM team_members WHERE team_id = $1 AND account_id = $2")
            .bind(team_id)
            .bind(account_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(found.is_some())
}

/// Adds a member; `false` if they already were one.
pub async fn add_member(
    conn: &mut AnyConnection,
    team_id: i64,
    account_id: i64,
    by: i64,
    at: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO team_members (team_id, account_id, added_by, added_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (team_id, account_id) DO NOTHING",
    )
    .bind(team_id)
    .bind(account_id)
    .bind(by)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes a member; `false` if they were not one.
pub async fn remove_member(
    conn: &mut AnyConnection,
    team_id: i64,
    account_id: i64,
) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM team_members WHERE team_id = $1 AND account_id = $2")
        .bind(team_id)
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The accounts holding a staff role in `organisation_id`: (id, name,
/// email), by name, at most 500.
pub async fn staff_of(
    conn: &mut AnyConnection,
    organisation_id: i64,
) -> StoreResult<Vec<(i64, String, String)>> {
    Ok(sqlx::query_as(&format!(
        "SELECT DISTINCT a.id, a.display_name, a.email FROM accounts a \
         JOIN memberships m ON m.account_id = a.id \
         WHERE m.organisation_id = $1 AND m.role IN {STAFF_ROLE_NAMES} AND a.disabled_at IS NULL \
         ORDER BY a.display_name, a.id LIMIT 500"
    ))
    .bind(organisation_id)
    .fetch_all(&mut *conn)
    .await?)
}

const ENTRY: &str = "SELECT c.team_id, c.person_id, p.display_name, p.preferred_name, c.lead_account_id, \
     a.display_name AS lead_name, c.handover_note, c.added_at, p.plan_review_on \
     FROM team_caseload c JOIN coordination_people p ON p.id = c.person_id \
     LEFT JOIN accounts a ON a.id = c.lead_account_id";

fn entry(row: &AnyRow) -> StoreResult<Entry> {
    let lead_id: Option<i64> = row.try_get("lead_account_id")?;
    let lead_name: Option<String> = row.try_get("lead_name")?;
    let review: Option<String> = row.try_get("plan_review_on")?;
    let review_on = match review {
        None => None,
        Some(raw) => Some(
            Date::parse(&raw)
                .map_err(|_| StoreError::invalid("coordination_people.plan_review_on", &raw))?,
        ),
    };
    Ok(Entry {
        team_id: row.try_get("team_id")?,
        person_id: row.try_get("person_id")?,
        name: row.try_get("display_name")?,
        preferred_name: row.try_get("preferred_name")?,
        lead: lead_id.zip(lead_name),
        handover_note: row.try_get("handover_note")?,
        added_at: row.try_get("added_at")?,
        review_on,
    })
}

/// A team's caseload, by name.
pub async fn caseload(conn: &mut AnyConnection, team_id: i64) -> StoreResult<Vec<Entry>> {
    let rows = sqlx::query(&format!(
        "{ENTRY} WHERE c.team_id = $1 ORDER BY p.display_name, p.id"
    ))
    .bind(team_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(entry).collect()
}

/// One person on a team's caseload, or `None`.
pub async fn entry_of(
    conn: &mut AnyConnection,
    team_id: i64,
    person_id: i64,
) -> StoreResult<Option<Entry>> {
    sqlx::query(&format!(
        "{ENTRY} WHERE c.team_id = $1 AND c.person_id = $2"
    ))
    .bind(team_id)
    .bind(person_id)
    .fetch_optional(&mut *conn)
    .await?
    .map(|row| entry(&row))
    .transpose()
}

/// A change of lead about to be stored.
#[derive(Debug, Clone)]
pub struct NewHandover<'a> {
    pub team_id: i64,
    pub person_id: i64,
    pub from: Option<i64>,
    pub to: i64,
    pub note: &'a str,
    pub by: i64,
    pub at: i64,
}

async fn log_handover(conn: &mut AnyConnection, new: &NewHandover<'_>) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO team_handovers (team_id, person_id, from_account_id, to_account_id, note, handed_by, handed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new.team_id)
    .bind(new.person_id)
    .bind(new.from)
    .bind(new.to)
    .bind(new.note)
    .bind(new.by)
    .bind(new.at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Puts a person on the caseload with their first lead (`first.to`) and
/// note, and keeps it as the first line of the handover history. A person
/// already on it is a unique `Conflict`.
pub async fn add_to_caseload(conn: &mut AnyConnection, first: &NewHandover<'_>) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO team_caseload (team_id, person_id, lead_account_id, handover_note, added_by, added_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(first.team_id)
    .bind(first.person_id)
    .bind(first.to)
    .bind(first.note)
    .bind(first.by)
    .bind(first.at)
    .execute(&mut *conn)
    .await?;
    log_handover(conn, first).await
}

/// Hands the person over from their lead to `handover.to`, with the note,
/// and keeps the handover in the history. `false` (and nothing stored) if
/// the lead changed since the caller read it (`handover.from`).
pub async fn hand_over(conn: &mut AnyConnection, handover: &NewHandover<'_>) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE team_caseload SET lead_account_id = $1, handover_note = $2 \
         WHERE team_id = $3 AND person_id = $4 AND COALESCE(lead_account_id, 0) = $5",
    )
    .bind(handover.to)
    .bind(handover.note)
    .bind(handover.team_id)
    .bind(handover.person_id)
    .bind(handover.from.unwrap_or(0))
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    log_handover(conn, handover).await?;
    Ok(true)
}

/// Takes a person off the caseload (their handover history stays);
/// `false` if they were not on it.
pub async fn remove_from_caseload(
    conn: &mut AnyConnection,
    team_id: i64,
    person_id: i64,
) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM team_caseload WHERE team_id = $1 AND person_id = $2")
        .bind(team_id)
        .bind(person_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The handovers of one person on one team, newest first.
pub async fn handovers(
    conn: &mut AnyConnection,
    team_id: i64,
    person_id: i64,
) -> StoreResult<Vec<Handover>> {
    let rows = sqlx::query(
        "SELECT f.display_name AS from_name, t.display_name AS to_name, b.display_name AS by_name, \
         h.handed_at, h.note FROM team_handovers h \
         LEFT JOIN accounts f ON f.id = h.from_account_id \
         LEFT JOIN accounts t ON t.id = h.to_account_id \
         LEFT JOIN accounts b ON b.id = h.handed_by \
         WHERE h.team_id = $1 AND h.person_id = $2 ORDER BY h.handed_at DESC, h.id DESC",
    )
    .bind(team_id)
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Handover {
                from: row.try_get("from_name")?,
                to: row.try_get("to_name")?,
                by: row.try_get("by_name")?,
                at: row.try_get("handed_at")?,
                note: row.try_get("note")?,
            })
        })
        .collect()
}

/// An SQL condition, true where the person whose id is in `person_column`
/// is on no team's caseload or on the caseload of a team `account_id` is a
/// member of (`people::reach::Caseloads`). The ids are numbers, written in
/// as such.
pub fn open_to_member(person_column: &str, account_id: i64) -> String {
    format!(
        "(NOT EXISTS (SELECT 1 FROM team_caseload oc WHERE oc.person_id = {person_column}) \
         OR EXISTS (SELECT 1 FROM team_caseload oc JOIN team_members om ON om.team_id = oc.team_id \
         WHERE oc.person_id = {person_column} AND om.account_id = {account_id}))"
    )
}

/// The teams holding `person_id` on their caseload, and which of them
/// `account_id` is a member of: what the record's access rule
/// (`people::reach`) decides on.
pub async fn holding(
    conn: &mut AnyConnection,
    person_id: i64,
    account_id: i64,
) -> StoreResult<Holding> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT t.id, t.name, \
         (SELECT COUNT(*) FROM team_members m WHERE m.team_id = t.id AND m.account_id = $2) AS member \
         FROM team_caseload c JOIN teams t ON t.id = c.team_id WHERE c.person_id = $1 ORDER BY t.name, t.id",
    )
    .bind(person_id)
    .bind(account_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut holding = Holding::default();
    for (id, name, member) in rows {
        if member > 0 {
            holding.reader_teams.push((id, name.clone()));
        }
        holding.teams.push((id, name));
    }
    Ok(holding)
}

/// The days of agreed help on `on` for people on a team's caseload, by
/// time.
pub async fn visits_on(
    conn: &mut AnyConnection,
    team_id: i64,
    on: Date,
) -> StoreResult<Vec<Visit>> {
    let rows = sqlx::query(
        "SELECT p.id AS person_id, p.display_name AS person, h.display_name AS helper, r.description, \
         m.starts, m.ends, o.status FROM occurrences o \
         JOIN matches m ON m.id = o.match_id \
         JOIN help_requests r ON r.id = m.request_id \
         JOIN coordination_people p ON p.id = r.person_id \
         JOIN offers f ON f.id = o.offer_id \
         JOIN coordination_people h ON h.id = f.person_id \
         JOIN team_caseload c ON c.person_id = p.id AND c.team_id = $1 \
         WHERE o.on_date = $2 AND o.status <> 'cancelled' \
         AND m.status IN ('accepted', 'done', 'not_done', 'ended') \
         ORDER BY m.starts, p.display_name, o.id",
    )
    .bind(team_id)
    .bind(on.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Visit {
                person_id: row.try_get("person_id")?,
                person: row.try_get("person")?,
                helper: row.try_get("helper")?,
                what: row.try_get("description")?,
                starts: row.try_get("starts")?,
                ends: row.try_get("ends")?,
                status: row.try_get("status")?,
            })
        })
        .collect()
}

/// The record `organisation_id` holds under this name, if one (the
/// lowest id if several).
pub async fn held_named(
    conn: &mut AnyConnection,
    organisation_id: i64,
    name: &str,
) -> StoreResult<Option<i64>> {
    let found: Option<(i64,)> = sqlx::query_as(
        "SELECT MIN(id) FROM coordination_people WHERE organisation_id = $1 AND display_name = $2 \
         HAVING COUNT(*) > 0",
    )
    .bind(organisation_id)
    .bind(name)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found.map(|(id,)| id))
}

/// Check-in calls due on `on` and not yet logged, for people on the
/// team's caseload, by person.
pub async fn calls_due_on(
    conn: &mut AnyConnection,
    team_id: i64,
    on: Date,
) -> StoreResult<Vec<CallDue>> {
    let rows = sqlx::query(
        "SELECT p.id AS person_id, p.display_name AS person, COALESCE(a.display_name, '') AS caller, \
         k.attempt FROM checkin_calls k \
         JOIN checkin_schedules s ON s.id = k.schedule_id \
         JOIN coordination_people p ON p.id = k.person_id \
         JOIN team_caseload c ON c.person_id = p.id AND c.team_id = $1 \
         LEFT JOIN accounts a ON a.id = k.caller_account_id \
         WHERE k.due_on = $2 AND k.outcome IS NULL AND s.stopped_at IS NULL \
         ORDER BY p.display_name, k.id",
    )
    .bind(team_id)
    .bind(on.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(CallDue {
                person_id: row.try_get("person_id")?,
                person: row.try_get("person")?,
                caller: row.try_get("caller")?,
                attempt: row.try_get("attempt")?,
            })
        })
        .collect()
}

/// Wellbeing concerns not yet acted on about people on the team's
/// caseload, the most urgent and oldest first.
pub async fn open_concerns(
    conn: &mut AnyConnection,
    team_id: i64,
) -> StoreResult<Vec<OpenConcern>> {
    let rows = sqlx::query(
        "SELECT k.id, p.id AS person_id, p.display_name AS person, k.urgency, k.status \
         FROM checkin_concerns k \
         JOIN coordination_people p ON p.id = k.person_id \
         JOIN team_caseload c ON c.person_id = p.id AND c.team_id = $1 \
         WHERE k.status IN ('open', 'acknowledged') \
         ORDER BY CASE k.urgency WHEN 'urgent' THEN 0 WHEN 'soon' THEN 1 ELSE 2 END, k.raised_at, k.id",
    )
    .bind(team_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(OpenConcern {
                id: row.try_get("id")?,
                person_id: row.try_get("person_id")?,
                person: row.try_get("person")?,
                urgency: row.try_get("urgency")?,
                status: row.try_get("status")?,
            })
        })
        .collect()
}

//! The SQL of check-in calls. Every function takes a connection, so one
//! query serves a plain read and a step inside a transaction. Reach is
//! always the organisation holding the person's record, joined in.

use coprod_engine::{
    checkins::{
        Kind,
        concern::{Status, Urgency},
        retry::{Outcome, RetryRule},
    },
    schedule::Date,
};
use sqlx::{AnyConnection, Row, any::AnyRow};

use super::model::{
    Call, CallChannel, Concern, NewConcern, NewSchedule, PlanColumns, Schedule, Source, Visit,
};
use crate::{
    access::Reach,
    db::{StoreError, StoreResult},
    people::reach::Caseloads,
};

fn text(row: &AnyRow, column: &str) -> StoreResult<String> {
    Ok(row.try_get(column)?)
}

fn date(row: &AnyRow, column: &str) -> StoreResult<Date> {
    let raw = text(row, column)?;
    Date::parse(&raw).map_err(|_| StoreError::invalid(column, format!("not a date: {raw:?}")))
}

fn optional_date(row: &AnyRow, column: &str) -> StoreResult<Option<Date>> {
    let raw: Option<String> = row.try_get(column)?;
    raw.map(|raw| {
        Date::parse(&raw).map_err(|_| StoreError::invalid(column, format!("not a date: {raw:?}")))
    })
    .transpose()
}

fn word<T>(row: &AnyRow, column: &str, parse: impl Fn(&str) -> Option<T>) -> StoreResult<T> {
    let raw = text(row, column)?;
    parse(&raw).ok_or_else(|| StoreError::invalid(column, format!("unknown value {raw:?}")))
}

fn optional_word<T>(
    row: &AnyRow,
    column: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> StoreResult<Option<T>> {
    let raw: Option<String> = row.try_get(column)?;
    raw.map(|raw| {
        parse(&raw).ok_or_else(|| StoreError::invalid(column, format!("unknown value {raw:?}")))
    })
    .transpose()
}

fn retry_rule(row: &AnyRow) -> StoreResult<RetryRule> {
    let attempts: i64 = row.try_get("max_attempts")?;
    let spacing: i64 = row.try_get("retry_spacing")?;
    u8::try_from(attempts)
        .ok()
        .zip(u8::try_from(spacing).ok())
        .and_then(|(a, s)| RetryRule::new(a, s).ok())
        .ok_or_else(|| StoreError::invalid("checkin_schedules.max_attempts", "out of range"))
}

const SCHEDULE: &str = "SELECT s.id, s.person_id, p.organisation_id AS holder, s.kind, s.cadence, \
     s.starts_on, s.ends_on, s.born_on, s.weeks, s.weekdays, s.message, s.caller_account_id, \
     COALESCE(a.display_name, '') AS caller_name, s.max_attempts, s.retry_spacing, \
     s.materialised_through, s.created_at, s.stopped_at \
     FROM checkin_schedules s JOIN coordination_people p ON p.id = s.person_id \
     LEFT JOIN accounts a ON a.id = s.caller_account_id";

fn schedule(row: &AnyRow) -> StoreResult<Schedule> {
    let id: i64 = row.try_get("id")?;
    let cadence: Option<String> = row.try_get("cadence")?;
    let ends_on: Option<String> = row.try_get("ends_on")?;
    let born_on: Option<String> = row.try_get("born_on")?;
    let plan = PlanColumns::plan(
        &text(row, "kind")?,
        cadence.as_deref(),
        &text(row, "starts_on")?,
        ends_on.as_deref(),
        born_on.as_deref(),
        row.try_get("weeks")?,
        &text(row, "weekdays")?,
    )
    .ok_or_else(|| StoreError::invalid(format!("checkin_schedules {id}"), "not a plan"))?;
    Ok(Schedule {
        id,
        person_id: row.try_get("person_id")?,
        holder: row.try_get("holder")?,
        plan,
        message: text(row, "message")?,
        caller_account_id: row.try_get("caller_account_id")?,
        caller_name: text(row, "caller_name")?,
        retry: retry_rule(row)?,
        materialised_through: optional_date(row, "materialised_through")?,
        created_at: row.try_get("created_at")?,
        stopped_at: row.try_get("stopped_at")?,
    })
}

/// Stores a schedule.
pub async fn create_schedule(
    conn: &mut AnyConnection,
    new: &NewSchedule,
    now: i64,
) -> StoreResult<i64> {
    let columns = PlanColumns::of(&new.plan);
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO checkin_schedules (person_id, kind, cadence, starts_on, ends_on, born_on, weeks, \
         weekdays, message, caller_account_id, max_attempts, retry_spacing, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(new.person_id)
    .bind(columns.kind)
    .bind(columns.cadence)
    .bind(columns.starts_on)
    .bind(columns.ends_on)
    .bind(columns.born_on)
    .bind(columns.weeks)
    .bind(columns.weekdays)
    .bind(&new.message)
    .bind(new.caller_account_id)
    .bind(i64::from(new.retry.attempts()))
    .bind(i64::from(new.retry.spacing()))
    .bind(new.created_by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn find_schedule(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<Schedule>> {
    sqlx::query(&format!("{SCHEDULE} WHERE s.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|row| schedule(&row))
        .transpose()
}

/// A person's schedules, newest first.
pub async fn schedules_of(conn: &mut AnyConnection, person_id: i64) -> StoreResult<Vec<Schedule>> {
    let rows = sqlx::query(&format!(
        "{SCHEDULE} WHERE s.person_id = $1 ORDER BY s.id DESC"
    ))
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(schedule).collect()
}

/// Schedules not stopped whose calls may not all be made yet.
pub async fn unfinished_schedules(conn: &mut AnyConnection) -> StoreResult<Vec<Schedule>> {
    let rows = sqlx::query(&format!(
        "{SCHEDULE} WHERE s.stopped_at IS NULL ORDER BY s.id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(schedule).collect()
}

/// Stops a schedule; false when it was already stopped.
pub async fn stop_schedule(
    conn: &mut AnyConnection,
    id: i64,
    by: Option<i64>,
    now: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE checkin_schedules SET stopped_by = $1, stopped_at = $2 WHERE id = $3 AND stopped_at IS NULL",
    )
    .bind(by)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Notes that calls were made for a schedule up to `through`.
pub async fn set_materialised(conn: &mut AnyConnection, id: i64, through: Date) -> StoreResult<()> {
    sqlx::query("UPDATE checkin_schedules SET materialised_through = $1 WHERE id = $2")
        .bind(through.to_string())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Makes attempt `attempt` of a schedule's call due on `due_on`, unless it
/// was made already; true when it is new.
pub async fn make_call(
    conn: &mut AnyConnection,
    schedule: &Schedule,
    due_on: Date,
    attempt: u8,
    caller: Option<i64>,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO checkin_calls (schedule_id, person_id, due_on, attempt, caller_account_id) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (schedule_id, due_on, attempt) DO NOTHING",
    )
    .bind(schedule.id)
    .bind(schedule.person_id)
    .bind(due_on.to_string())
    .bind(i64::from(attempt))
    .bind(caller)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

const CALL: &str = "SELECT c.id, c.schedule_id, c.person_id, p.display_name AS person_name, p.phone, \
     p.organisation_id AS holder, s.kind, s.message, c.due_on, c.attempt, c.caller_account_id, \
     COALESCE(a.display_name, '') AS caller_name, c.outcome, c.note, c.channel, c.logged_at, \
     s.max_attempts, s.retry_spacing \
     FROM checkin_calls c JOIN checkin_schedules s ON s.id = c.schedule_id \
     JOIN coordination_people p ON p.id = c.person_id \
     LEFT JOIN accounts a ON a.id = c.caller_account_id";

fn call(row: &AnyRow) -> StoreResult<Call> {
    let attempt: i64 = row.try_get("attempt")?;
    Ok(Call {
        id: row.try_get("id")?,
        schedule_id: row.try_get("schedule_id")?,
        person_id: row.try_get("person_id")?,
        person_name: text(row, "person_name")?,
        phone: text(row, "phone")?,
        holder: row.try_get("holder")?,
        kind: word(row, "kind", |k| Kind::parse(k).ok())?,
        message: text(row, "message")?,
        due_on: date(row, "due_on")?,
        attempt: u8::try_from(attempt)
            .map_err(|_| StoreError::invalid("checkin_calls.attempt", attempt))?,
        caller_account_id: row.try_get("caller_account_id")?,
        caller_name: text(row, "caller_name")?,
        outcome: optional_word(row, "outcome", |o| Outcome::parse(o).ok())?,
        note: text(row, "note")?,
        channel: optional_word(row, "channel", CallChannel::parse)?,
        logged_at: row.try_get("logged_at")?,
        retry: retry_rule(row)?,
    })
}

pub async fn find_call(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<Call>> {
    sqlx::query(&format!("{CALL} WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|row| call(&row))
        .transpose()
}

/// Whose calls a list shows.
#[derive(Debug, Clone)]
pub enum Callers<'a> {
    /// Only those assigned to this account.
    Assigned(i64),
    /// Those of every person held within reach and open to the account
    /// under the caseload rule (`people::reach`), and those assigned to
    /// the account.
    Within(&'a Reach, Caseloads, i64),
}

impl Callers<'_> {
    fn condition(&self) -> String {
        match self {
            Callers::Assigned(account) => format!("c.caller_account_id = {account}"),
            Callers::Within(reach, open, account) => format!(
                "(({} AND {}) OR c.caller_account_id = {account})",
                reach.sql_condition("p.organisation_id"),
                open.sql_condition("p.id")
            ),
        }
    }
}

/// The calls still to make up to `through` (overdue ones first), and
/// those logged since `since` (an instant), for `whose`.
pub async fn calls_for(
    conn: &mut AnyConnection,
    whose: &Callers<'_>,
    through: Date,
    since: i64,
) -> StoreResult<(Vec<Call>, Vec<Call>)> {
    let condition = whose.condition();
    let open = sqlx::query(&format!(
        "{CALL} WHERE {condition} AND c.outcome IS NULL AND c.due_on <= $1 \
         ORDER BY c.due_on, p.display_name, c.id LIMIT 500"
    ))
    .bind(through.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let logged = sqlx::query(&format!(
        "{CALL} WHERE {condition} AND c.logged_at >= $1 ORDER BY c.logged_at DESC, c.id LIMIT 500"
    ))
    .bind(since)
    .fetch_all(&mut *conn)
    .await?;
    Ok((
        open.iter().map(call).collect::<StoreResult<_>>()?,
        logged.iter().map(call).collect::<StoreResult<_>>()?,
    ))
}

/// A person's calls, newest first.
pub async fn calls_of(conn: &mut AnyConnection, person_id: i64) -> StoreResult<Vec<Call>> {
    let rows = sqlx::query(&format!(
        "{CALL} WHERE c.person_id = $1 ORDER BY c.due_on DESC, c.attempt DESC, c.id DESC LIMIT 100"
    ))
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(call).collect()
}

/// What the retry rule decided for a call logged unanswered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUp {
    Retry(Date),
    Escalate,
}

/// A call's outcome, recorded once; false when it was logged already.
pub struct Logged<'a> {
    pub outcome: Outcome,
    pub note: &'a str,
    pub channel: CallChannel,
    pub by: Option<i64>,
    pub at: i64,
    pub follow_up: Option<FollowUp>,
}

pub async fn log_call(conn: &mut AnyConnection, id: i64, logged: &Logged<'_>) -> StoreResult<bool> {
    let (follow_up, retry_on) = match logged.follow_up {
        None => (None, None),
        Some(FollowUp::Retry(on)) => (Some("retry"), Some(on.to_string())),
        Some(FollowUp::Escalate) => (Some("escalate"), None),
    };
    let done = sqlx::query(
        "UPDATE checkin_calls SET outcome = $1, note = $2, channel = $3, logged_by = $4, logged_at = $5, \
         follow_up = $6, retry_on = $7 WHERE id = $8 AND outcome IS NULL",
    )
    .bind(logged.outcome.key())
    .bind(logged.note)
    .bind(logged.channel.key())
    .bind(logged.by)
    .bind(logged.at)
    .bind(follow_up)
    .bind(retry_on)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A call whose follow-up is due: (call id, follow-up).
pub async fn follow_ups_due(
    conn: &mut AnyConnection,
    today: Date,
) -> StoreResult<Vec<(i64, FollowUp)>> {
    let rows = sqlx::query(
        "SELECT id, follow_up, retry_on FROM checkin_calls WHERE followed_up_at IS NULL \
         AND (follow_up = 'escalate' OR (follow_up = 'retry' AND retry_on <= $1)) ORDER BY id",
    )
    .bind(today.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let id: i64 = row.try_get("id")?;
            let follow_up = match text(row, "follow_up")?.as_str() {
                "retry" => FollowUp::Retry(date(row, "retry_on")?),
                _ => FollowUp::Escalate,
            };
            Ok((id, follow_up))
        })
        .collect()
}

/// Claims a call's follow-up for this sweep; false when another sweep
/// already did it.
pub async fn claim_follow_up(conn: &mut AnyConnection, id: i64, now: i64) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE checkin_calls SET followed_up_at = $1 WHERE id = $2 AND followed_up_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

const CONCERN: &str = "SELECT k.id, k.person_id, p.display_name AS person_name, p.organisation_id AS holder, \
     k.source, k.call_id, k.occurrence_id, k.raised_by, COALESCE(r.display_name, '') AS raised_by_name, \
     k.raised_at, k.urgency, k.noticed, k.status, COALESCE(ak.display_name, '') AS acknowledged_by_name, \
     k.acknowledged_at, COALESCE(ac.display_name, '') AS closed_by_name, k.closed_at, k.action_taken \
     FROM checkin_concerns k JOIN coordination_people p ON p.id = k.person_id \
     LEFT JOIN accounts r ON r.id = k.raised_by \
     LEFT JOIN accounts ak ON ak.id = k.acknowledged_by \
     LEFT JOIN accounts ac ON ac.id = k.closed_by";

fn concern(row: &AnyRow) -> StoreResult<Concern> {
    Ok(Concern {
        id: row.try_get("id")?,
        person_id: row.try_get("person_id")?,
        person_name: text(row, "person_name")?,
        holder: row.try_get("holder")?,
        source: word(row, "source", Source::parse)?,
        call_id: row.try_get("call_id")?,
        occurrence_id: row.try_get("occurrence_id")?,
        raised_by: row.try_get("raised_by")?,
        raised_by_name: text(row, "raised_by_name")?,
        raised_at: row.try_get("raised_at")?,
        urgency: word(row, "urgency", |u| Urgency::parse(u).ok())?,
        noticed: text(row, "noticed")?,
        status: word(row, "status", |s| Status::parse(s).ok())?,
        acknowledged_by_name: text(row, "acknowledged_by_name")?,
        acknowledged_at: row.try_get("acknowledged_at")?,
        closed_by_name: text(row, "closed_by_name")?,
        closed_at: row.try_get("closed_at")?,
        action_taken: text(row, "action_taken")?,
    })
}

pub async fn raise_concern(
    conn: &mut AnyConnection,
    new: &NewConcern,
    now: i64,
) -> StoreResult<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO checkin_concerns (person_id, source, call_id, occurrence_id, raised_by, raised_at, \
         urgency, noticed, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open') RETURNING id",
    )
    .bind(new.person_id)
    .bind(new.source.key())
    .bind(new.call_id)
    .bind(new.occurrence_id)
    .bind(new.raised_by)
    .bind(now)
    .bind(new.urgency.key())
    .bind(&new.noticed)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn find_concern(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<Concern>> {
    sqlx::query(&format!("{CONCERN} WHERE k.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|row| concern(&row))
        .transpose()
}

/// The concerns about people held within reach and `open` to the reader:
/// open ones first, then
/// acknowledged, the most urgent and the oldest first; then the latest
/// finished ones.
pub async fn concerns_within(
    conn: &mut AnyConnection,
    reach: &Reach,
    open: Caseloads,
) -> StoreResult<Vec<Concern>> {
    let held = reach.sql_condition("p.organisation_id");
    let open = open.sql_condition("p.id");
    let rows = sqlx::query(&format!(
        "{CONCERN} WHERE {held} AND {open} ORDER BY \
         CASE k.status WHEN 'open' THEN 0 WHEN 'acknowledged' THEN 1 ELSE 2 END, \
         CASE WHEN k.status IN ('open', 'acknowledged') THEN \
           CASE k.urgency WHEN 'urgent' THEN 0 WHEN 'soon' THEN 1 ELSE 2 END ELSE 0 END, \
         CASE WHEN k.status IN ('open', 'acknowledged') THEN k.raised_at ELSE -k.closed_at END, k.id \
         LIMIT 300"
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(concern).collect()
}

/// A person's concerns, newest first.
pub async fn concerns_of(conn: &mut AnyConnection, person_id: i64) -> StoreResult<Vec<Concern>> {
    let rows = sqlx::query(&format!(
        "{CONCERN} WHERE k.person_id = $1 ORDER BY k.raised_at DESC, k.id DESC"
    ))
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(concern).collect()
}

/// How many concerns about people held within reach are still open.
pub async fn open_count(
    conn: &mut AnyConnection,
    reach: &Reach,
    open: Caseloads,
) -> StoreResult<i64> {
    let held = reach.sql_condition("p.organisation_id");
    let open = open.sql_condition("p.id");
    let (count,): (i64,) = sqlx::query_as(&format!(
        "SELECT COUNT(*) FROM checkin_concerns k JOIN coordination_people p ON p.id = k.person_id \
         WHERE k.status = 'open' AND {held} AND {open}"
    ))
    .fetch_one(&mut *conn)
    .await?;
    Ok(count)
}

/// Moves a concern on from `from`; false when someone else moved it first.
pub async fn move_concern(
    conn: &mut AnyConnection,
    id: i64,
    from: Status,
    to: Status,
    by: Option<i64>,
    now: i64,
    action_taken: &str,
) -> StoreResult<bool> {
    let sql = if to == Status::Acknowledged {
        "UPDATE checkin_concerns SET status = $1, acknowledged_by = $2, acknowledged_at = $3 \
         WHERE id = $4 AND status = $5 AND ($6 = '' OR TRUE)"
    } else {
        "UPDATE checkin_concerns SET status = $1, closed_by = $2, closed_at = $3, action_taken = $6 \
         WHERE id = $4 AND status = $5"
    };
    let done = sqlx::query(sql)
        .bind(to.key())
        .bind(by)
        .bind(now)
        .bind(id)
        .bind(from.key())
        .bind(action_taken)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The people who can be asked to make calls for a person held by
/// `holder`: volunteers, coordinators and link workers of that
/// organisation (of any, for the partnership), by name.
pub async fn callers(
    conn: &mut AnyConnection,
    holder: Option<i64>,
) -> StoreResult<Vec<(i64, String)>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT DISTINCT a.id, a.display_name FROM accounts a JOIN memberships m ON m.account_id = a.id \
         WHERE a.disabled_at IS NULL AND m.role IN ('volunteer', 'coordinator', 'link_worker') \
         AND ($1 IS NULL OR m.organisation_id = $1) ORDER BY a.display_name, a.id LIMIT 500",
    )
    .bind(holder)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows)
}

/// A round visit (a day of help) with the person visited and the helper.
pub async fn visit(conn: &mut AnyConnection, occurrence_id: i64) -> StoreResult<Option<Visit>> {
    let row = sqlx::query(
        "SELECT c.id, c.on_date, r.person_id, p.display_name, p.organisation_id, h.account_id \
         FROM occurrences c JOIN matches m ON m.id = c.match_id \
         JOIN help_requests r ON r.id = m.request_id \
         JOIN coordination_people p ON p.id = r.person_id \
         JOIN offers o ON o.id = m.offer_id \
         JOIN coordination_people h ON h.id = o.person_id WHERE c.id = $1",
    )
    .bind(occurrence_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| {
        Ok(Visit {
            id: row.try_get("id")?,
            on_date: date(&row, "on_date")?,
            person_id: row.try_get("person_id")?,
            person_name: text(&row, "display_name")?,
            holder: row.try_get("organisation_id")?,
            helper_account_id: row.try_get("account_id")?,
        })
    })
    .transpose()
}

/// The email addresses of the coordinators of `holder` (of the
/// partnership-wide ones, for the partnership), to alert.
pub async fn coordinator_emails(
    conn: &mut AnyConnection,
    holder: Option<i64>,
) -> StoreResult<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT DISTINCT a.email FROM accounts a JOIN memberships m ON m.account_id = a.id \
         WHERE a.disabled_at IS NULL AND m.role = 'coordinator' \
         AND ((m.organisation_id IS NULL AND $1 IS NULL) OR m.organisation_id = $1) ORDER BY a.email",
    )
    .bind(holder)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(email,)| email).collect())
}

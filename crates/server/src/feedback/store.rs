//! The SQL of feedback, compliments and complaints. Every query takes the
//! caller's connection, so a read and its audit row, or a step and its
//! history and audit rows, commit together. Reach is applied here, in SQL,
//! through [`Reach::sql_condition`] on the owning organisation.

use coprod_engine::feedback::{Case, Outcome};
use sqlx::AnyConnection;

use super::model::{Feedback, NewFeedback, Row, StepRow, Subject};
use crate::{access::Reach, db::StoreResult};

const COLUMNS: &str = "f.id, f.reference, f.kind, f.organisation_id, o.name AS organisation_name, \
    f.about_kind, f.about_id, f.about_name, f.channel, f.account_id, f.name, f.email, f.phone, \
    f.body, f.entered_by, f.received_on, f.created_at, f.status, f.frontline_due, \
    f.frontline_extended, f.frontline_extension_reason, f.frontline_responded_on, \
    f.frontline_outcome, f.frontline_response, f.investigation_started, f.acknowledge_by, \
    f.acknowledged_on, f.investigation_due, f.investigation_extensions, f.decided_on, f.outcome, \
    f.decision, f.learning, f.changes, f.public_summary, f.public_response, f.published_at";

fn select(condition: &str) -> String {
    format!(
        "SELECT {COLUMNS} FROM feedback f JOIN organisations o ON o.id = f.organisation_id \
         WHERE {condition}"
    )
}

fn read_all(rows: Vec<Row>) -> StoreResult<Vec<Feedback>> {
    rows.into_iter().map(Feedback::try_from).collect()
}

/// Stores a new item with its first dates and its `received` step.
pub async fn insert(
    conn: &mut AnyConnection,
    new: &NewFeedback,
    reference: &str,
    case: Option<&Case>,
    now: i64,
) -> StoreResult<i64> {
    let frontline = case.and_then(|c| c.frontline.as_ref());
    let investigation = case.and_then(|c| c.investigation.as_ref());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO feedback (reference, kind, organisation_id, about_kind, about_id, about_name, \
         channel, account_id, name, email, phone, body, entered_by, received_on, created_at, \
         status, frontline_due, investigation_started, acknowledge_by, investigation_due) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
         $19, $20) RETURNING id",
    )
    .bind(reference)
    .bind(new.kind.key())
    .bind(new.organisation_id)
    .bind(new.about.key())
    .bind(new.about_id.clone())
    .bind(&new.about_name)
    .bind(new.channel.key())
    .bind(new.account_id)
    .bind(&new.name)
    .bind(&new.email)
    .bind(&new.phone)
    .bind(&new.body)
    .bind(new.entered_by)
    .bind(new.received_on.to_string())
    .bind(now)
    .bind(case.map(|c| c.status().key()))
    .bind(frontline.map(|f| f.due.to_string()))
    .bind(investigation.map(|i| i.started.to_string()))
    .bind(investigation.map(|i| i.acknowledge_by.to_string()))
    .bind(investigation.map(|i| i.due.to_string()))
    .fetch_one(&mut *conn)
    .await?;
    add_step(
        conn,
        id,
        "received",
        &new.received_on.to_string(),
        now,
        new.entered_by.or(new.account_id),
        "",
        None,
    )
    .await?;
    Ok(id)
}

/// Appends a step to an item's history.
#[expect(clippy::too_many_arguments, reason = "one column each")]
pub async fn add_step(
    conn: &mut AnyConnection,
    id: i64,
    step: &str,
    on_date: &str,
    at: i64,
    by: Option<i64>,
    note: &str,
    new_date: Option<String>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO feedback_steps (feedback_id, step, on_date, at, by_account, note, new_date) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(step)
    .bind(on_date)
    .bind(at)
    .bind(by)
    .bind(note)
    .bind(new_date)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The words a step leaves on the item (only the ones it sets).
#[derive(Debug, Default)]
pub struct Words<'a> {
    pub frontline_extension_reason: Option<&'a str>,
    pub frontline_response: Option<&'a str>,
    pub decision: Option<&'a str>,
    pub learning: Option<&'a str>,
    pub changes: Option<&'a str>,
}

/// Writes a complaint's dates after a step, only if its status is still
/// `expected` (so two people answering at once cannot both win). Answers
/// whether it was written.
pub async fn save_case(
    conn: &mut AnyConnection,
    id: i64,
    expected: &str,
    case: &Case,
    words: &Words<'_>,
) -> StoreResult<bool> {
    let f = case.frontline.as_ref();
    let i = case.investigation.as_ref();
    let text = |d: Option<coprod_engine::schedule::Date>| d.map(|d| d.to_string());
    let done = sqlx::query(
        "UPDATE feedback SET status = $1, frontline_due = $2, frontline_extended = $3, \
         frontline_responded_on = $4, frontline_outcome = $5, investigation_started = $6, \
         acknowledge_by = $7, acknowledged_on = $8, investigation_due = $9, \
         investigation_extensions = $10, decided_on = $11, outcome = $12, \
         frontline_extension_reason = COALESCE($13, frontline_extension_reason), \
         frontline_response = COALESCE($14, frontline_response), \
         decision = COALESCE($15, decision), learning = COALESCE($16, learning), \
         changes = COALESCE($17, changes) \
         WHERE id = $18 AND status = $19",
    )
    .bind(case.status().key())
    .bind(text(f.map(|f| f.due)))
    .bind(i64::from(f.is_some_and(|f| f.extended)))
    .bind(text(f.and_then(|f| f.responded)))
    .bind(f.and_then(|f| f.outcome).map(Outcome::key))
    .bind(text(i.map(|i| i.started)))
    .bind(text(i.map(|i| i.acknowledge_by)))
    .bind(text(i.and_then(|i| i.acknowledged)))
    .bind(text(i.map(|i| i.due)))
    .bind(i.map_or(0, |i| i64::from(i.extensions)))
    .bind(text(i.and_then(|i| i.decided)))
    .bind(i.and_then(|i| i.outcome).map(Outcome::key))
    .bind(words.frontline_extension_reason)
    .bind(words.frontline_response)
    .bind(words.decision)
    .bind(words.learning)
    .bind(words.changes)
    .bind(id)
    .bind(expected)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One item, if within reach.
pub async fn find(
    conn: &mut AnyConnection,
    reach: &Reach,
    id: i64,
) -> StoreResult<Option<Feedback>> {
    let sql = select(&format!(
        "f.id = $1 AND {}",
        reach.sql_condition("f.organisation_id")
    ));
    let row: Option<Row> = sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(Feedback::try_from).transpose()
}

/// One item by the reference its person was given.
pub async fn by_reference(
    conn: &mut AnyConnection,
    reference: &str,
) -> StoreResult<Option<Feedback>> {
    let row: Option<Row> = sqlx::query_as(&select("f.reference = $1"))
        .bind(reference)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(Feedback::try_from).transpose()
}

/// The items within reach, newest first, a page at a time.
pub async fn list(
    conn: &mut AnyConnection,
    reach: &Reach,
    limit: i64,
    offset: i64,
) -> StoreResult<Vec<Feedback>> {
    let sql = format!(
        "{} ORDER BY f.created_at DESC, f.id DESC LIMIT $1 OFFSET $2",
        select(&reach.sql_condition("f.organisation_id"))
    );
    let rows: Vec<Row> = sqlx::query_as(&sql)
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await?;
    read_all(rows)
}

/// How many items are within reach.
pub async fn count(conn: &mut AnyConnection, reach: &Reach) -> StoreResult<i64> {
    let sql = format!(
        "SELECT COUNT(*) FROM feedback f WHERE {}",
        reach.sql_condition("f.organisation_id")
    );
    Ok(sqlx::query_scalar(&sql).fetch_one(&mut *conn).await?)
}

/// A person's own items, newest first.
pub async fn of_account(conn: &mut AnyConnection, account: i64) -> StoreResult<Vec<Feedback>> {
    let sql = format!(
        "{} ORDER BY f.created_at DESC, f.id DESC",
        select("f.account_id = $1")
    );
    let rows: Vec<Row> = sqlx::query_as(&sql)
        .bind(account)
        .fetch_all(&mut *conn)
        .await?;
    read_all(rows)
}

/// Published items, newest first, with their public words only.
pub async fn published(conn: &mut AnyConnection, limit: i64) -> StoreResult<Vec<Feedback>> {
    let sql = format!(
        "{} ORDER BY f.published_at DESC, f.id DESC LIMIT $1",
        select("f.published_at IS NOT NULL")
    );
    let rows: Vec<Row> = sqlx::query_as(&sql)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    read_all(rows)
}

/// Whether a published item exists with this id.
pub async fn is_published(conn: &mut AnyConnection, id: i64) -> StoreResult<bool> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM feedback WHERE id = $1 AND published_at IS NOT NULL")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(found.is_some())
}

/// Publishes an item with its public words, or (with `None`) withdraws it.
pub async fn set_published(
    conn: &mut AnyConnection,
    id: i64,
    words: Option<(&str, &str)>,
    by: Option<i64>,
    now: i64,
) -> StoreResult<()> {
    let (summary, response) = words.unwrap_or(("", ""));
    sqlx::query(
        "UPDATE feedback SET public_summary = $1, public_response = $2, published_at = $3, \
         published_by = $4 WHERE id = $5",
    )
    .bind(summary)
    .bind(response)
    .bind(words.map(|_| now))
    .bind(words.and(by))
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if words.is_none() {
        sqlx::query("UPDATE feedback_abuse_reports SET seen_at = $1 WHERE feedback_id = $2 AND seen_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// An item's history, first to last.
pub async fn steps(conn: &mut AnyConnection, id: i64) -> StoreResult<Vec<StepRow>> {
    Ok(sqlx::query_as(
        "SELECT s.step, s.on_date, s.at, a.display_name AS by_name, s.note, s.new_date \
         FROM feedback_steps s LEFT JOIN accounts a ON a.id = s.by_account \
         WHERE s.feedback_id = $1 ORDER BY s.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Records a report that a published item is abusive.
pub async fn report_abuse(
    conn: &mut AnyConnection,
    id: i64,
    reason: &str,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO feedback_abuse_reports (feedback_id, reason, created_at) VALUES ($1, $2, $3)",
    )
    .bind(id)
    .bind(reason)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Reports of abuse not yet dealt with, for an item.
pub async fn open_reports(conn: &mut AnyConnection, id: i64) -> StoreResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT reason FROM feedback_abuse_reports WHERE feedback_id = $1 AND seen_at IS NULL \
         ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The partnership's organisations, for the form.
pub async fn organisations(conn: &mut AnyConnection) -> StoreResult<Vec<Subject>> {
    Ok(sqlx::query_as(
        "SELECT CAST(id AS TEXT) AS about_id, name, id AS organisation_id FROM organisations \
         ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// Services an organisation keeps on the asset map (so someone answers for them).
pub async fn services(conn: &mut AnyConnection) -> StoreResult<Vec<Subject>> {
    Ok(sqlx::query_as(
        "SELECT id AS about_id, name, managed_by AS organisation_id FROM services \
         WHERE managed_by IS NOT NULL ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// Budgeting processes, each run by an organisation.
pub async fn processes(conn: &mut AnyConnection) -> StoreResult<Vec<Subject>> {
    Ok(sqlx::query_as(
        "SELECT CAST(id AS TEXT) AS about_id, title AS name, organisation_id FROM pb_processes \
         WHERE organisation_id IS NOT NULL ORDER BY title",
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// Surveys, each run by an organisation.
pub async fn surveys(conn: &mut AnyConnection) -> StoreResult<Vec<Subject>> {
    Ok(sqlx::query_as(
        "SELECT CAST(id AS TEXT) AS about_id, title AS name, organisation_id FROM surveys \
         WHERE organisation_id IS NOT NULL ORDER BY title",
    )
    .fetch_all(&mut *conn)
    .await?)
}

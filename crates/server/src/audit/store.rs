//! Storage of the audit log: appending events and reading them back.

use sqlx::{AnyConnection, Row};

use super::Event;
use crate::db::{self, Db, StoreResult};

/// Appends an event on its own connection. Only for events that come
/// with no other write to share a transaction with: a refused sign-in
/// (`SignInFailed`) and a paused one (`SignInPaused`), whose throttling
/// count is kept apart on purpose. Everything else calls [`record_in`] in
/// the transaction of its work.
pub async fn record(db: &Db, event: Event<'_>) -> StoreResult<()> {
    record_in(&mut *db.pool().acquire().await?, event).await
}

/// Appends an event inside the caller's transaction, so the work and its
/// record commit together or not at all.
pub async fn record_in(conn: &mut AnyConnection, event: Event<'_>) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO audit_events \
         (occurred_at, actor_account_id, actor_token_id, action, subject_kind, subject_id, ip, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(db::now())
    .bind(event.actor)
    .bind(event.token)
    .bind(event.action.as_str())
    .bind(event.subject.map(|(kind, _)| kind))
    .bind(event.subject.map(|(_, id)| id))
    .bind(event.ip)
    .bind(event.detail)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One stored event, for display.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub id: i64,
    pub occurred_at: i64,
    pub actor: Option<String>,
    pub action: String,
    pub subject: String,
    pub ip: String,
    pub detail: String,
}

/// Newest first, optionally only one action, a page at a time.
pub async fn list(
    db: &Db,
    action: Option<&str>,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<StoredEvent>, i64)> {
    let action = action.unwrap_or("");
    let rows = sqlx::query(
        "SELECT e.id, e.occurred_at, a.email AS actor, e.action, e.subject_kind, e.subject_id, e.ip, e.detail \
         FROM audit_events e LEFT JOIN accounts a ON a.id = e.actor_account_id \
         WHERE ($1 = '' OR e.action = $1) ORDER BY e.id DESC LIMIT $2 OFFSET $3",
    )
    .bind(action)
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await?;
    let (total,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_events WHERE ($1 = '' OR action = $1)")
            .bind(action)
            .fetch_one(db.pool())
            .await?;
    let events = rows
        .iter()
        .map(|row| {
            let kind: Option<String> = row.try_get("subject_kind")?;
            let id: Option<i64> = row.try_get("subject_id")?;
            Ok(StoredEvent {
                id: row.try_get("id")?,
                occurred_at: row.try_get("occurred_at")?,
                actor: row.try_get("actor")?,
                action: row.try_get("action")?,
                subject: match (kind, id) {
                    (Some(kind), Some(id)) => format!("{kind} {id}"),
                    _ => String::new(),
                },
                ip: row.try_get::<Option<String>, _>("ip")?.unwrap_or_default(),
                detail: row.try_get("detail")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok((events, total))
}

//! "You said, we did" entries and the evidence behind them.

use coprod_engine::planning::EvidenceKind;
use sqlx::AnyConnection;

use crate::{
    db::StoreResult,
    planning::model::{Entry, Evidence},
};

const ENTRY: &str = "SELECT e.id, e.plan_id, e.said, e.did, e.happened_on, e.status, \
     a.display_name AS signed_off_by_name, e.signed_off_at, e.updated_at \
     FROM you_said_entries e LEFT JOIN accounts a ON a.id = e.signed_off_by";

/// What an entry says, as a form gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryText {
    pub said: String,
    pub did: String,
    /// Midnight UTC of the day of the change.
    pub happened_on: i64,
}

/// A plan's entries, newest change first; only the signed-off ones when
/// `public`.
pub async fn of_plan(
    conn: &mut AnyConnection,
    plan_id: i64,
    public: bool,
) -> StoreResult<Vec<Entry>> {
    let only = if public {
        " AND e.status = 'signed_off'"
    } else {
        ""
    };
    Ok(sqlx::query_as(&format!(
        "{ENTRY} WHERE e.plan_id = $1{only} ORDER BY e.happened_on DESC, e.id DESC"
    ))
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The signed-off entries of the published plans for `locality`, or
/// (`None`) of the partnership's own plans, newest change first.
pub async fn public_for(
    conn: &mut AnyConnection,
    locality: Option<i64>,
) -> StoreResult<Vec<Entry>> {
    let area = match locality {
        Some(id) => format!("p.locality_id = {id}"),
        None => "p.locality_id IS NULL".to_owned(),
    };
    // The locality's id is an integer written in place: nothing from a
    // request reaches the SQL text as text.
    Ok(sqlx::query_as(&format!(
        "{ENTRY} JOIN plans p ON p.id = e.plan_id \
         WHERE e.status = 'signed_off' AND p.published = 1 AND {area} \
         ORDER BY e.happened_on DESC, e.id DESC"
    ))
    .fetch_all(&mut *conn)
    .await?)
}

/// The localities that have joined: those with a published plan. Each
/// with the number of signed-off entries it has.
pub async fn localities_joined(conn: &mut AnyConnection) -> StoreResult<Vec<(i64, String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT l.id, l.name, (SELECT COUNT(*) FROM you_said_entries e \
         JOIN plans q ON q.id = e.plan_id WHERE q.locality_id = l.id AND q.published = 1 \
         AND e.status = 'signed_off') AS entries FROM localities l \
         WHERE EXISTS (SELECT 1 FROM plans p WHERE p.locality_id = l.id AND p.published = 1) \
         ORDER BY l.name",
    )
    .fetch_all(&mut *conn)
    .await?)
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<Entry>> {
    Ok(sqlx::query_as(&format!("{ENTRY} WHERE e.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// Stores a draft entry.
pub async fn create(
    conn: &mut AnyConnection,
    plan_id: i64,
    text: &EntryText,
    by: i64,
    at: i64,
) -> StoreResult<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO you_said_entries (plan_id, said, did, happened_on, status, created_by, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, 'draft', $5, $6, $6) RETURNING id",
    )
    .bind(plan_id)
    .bind(&text.said)
    .bind(&text.did)
    .bind(text.happened_on)
    .bind(by)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Changes what an entry says, taking it back to a draft. Whether it had
/// been signed off is returned, for the page and the audit row.
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    text: &EntryText,
    at: i64,
) -> StoreResult<bool> {
    let (status,): (String,) = sqlx::query_as("SELECT status FROM you_said_entries WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE you_said_entries SET said = $1, did = $2, happened_on = $3, status = 'draft', \
         signed_off_by = NULL, signed_off_at = NULL, updated_at = $4 WHERE id = $5",
    )
    .bind(&text.said)
    .bind(&text.did)
    .bind(text.happened_on)
    .bind(at)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(status == "signed_off")
}

/// Signs a draft off. False when it was already signed off (nothing
/// changes: the first sign-off stands).
pub async fn sign_off(conn: &mut AnyConnection, id: i64, by: i64, at: i64) -> StoreResult<bool> {
    let changed = sqlx::query(
        "UPDATE you_said_entries SET status = 'signed_off', signed_off_by = $1, \
         signed_off_at = $2, updated_at = $2 WHERE id = $3 AND status = 'draft'",
    )
    .bind(by)
    .bind(at)
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

/// The evidence of the given entries.
pub async fn evidence(conn: &mut AnyConnection, entry_ids: &[i64]) -> StoreResult<Vec<Evidence>> {
    if entry_ids.is_empty() {
        return Ok(Vec::new());
    }
    // Ids are integers written in place: nothing from a request reaches
    // the SQL text.
    let ids: Vec<String> = entry_ids.iter().map(i64::to_string).collect();
    Ok(sqlx::query_as(&format!(
        "SELECT v.id, v.entry_id, v.kind, v.target, v.label, p.process_id FROM you_said_evidence v \
         LEFT JOIN pb_proposals p ON v.kind = 'budgeting_project' AND CAST(p.id AS TEXT) = v.target \
         WHERE v.entry_id IN ({}) ORDER BY v.entry_id, v.id",
        ids.join(", ")
    ))
    .fetch_all(&mut *conn)
    .await?)
}

pub async fn add_evidence(
    conn: &mut AnyConnection,
    entry_id: i64,
    kind: EvidenceKind,
    target: &str,
    label: &str,
    by: i64,
    at: i64,
) -> StoreResult<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO you_said_evidence (entry_id, kind, target, label, added_by, added_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(entry_id)
    .bind(kind.as_str())
    .bind(target)
    .bind(label)
    .bind(by)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Removes a piece of an entry's evidence; whether it was there.
pub async fn remove_evidence(
    conn: &mut AnyConnection,
    entry_id: i64,
    evidence_id: i64,
) -> StoreResult<bool> {
    Ok(
        sqlx::query("DELETE FROM you_said_evidence WHERE id = $1 AND entry_id = $2")
            .bind(evidence_id)
            .bind(entry_id)
            .execute(&mut *conn)
            .await?
            .rows_affected()
            == 1,
    )
}

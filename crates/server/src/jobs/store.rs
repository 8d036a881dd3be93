//! The SQL of the job queue. Claiming takes the row lock in a way that
//! differs between the backends; `db::Backend::skip_locked` holds that
//! difference.

use sqlx::{AnyConnection, Row, any::AnyRow};

use crate::db::{Db, StoreResult};

/// A stored job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    /// JSON text.
    pub payload: String,
    pub dedupe_key: Option<String>,
    pub run_at: i64,
    /// Claims so far, this one included while it runs.
    pub attempts: i64,
    pub max_attempts: i64,
    pub last_error: Option<String>,
    pub locked_by: Option<String>,
    pub locked_until: Option<i64>,
    pub created_at: i64,
    pub done_at: Option<i64>,
    pub failed_at: Option<i64>,
}

impl Job {
    /// The payload, read as `T`.
    pub fn payload<T: serde::de::DeserializeOwned>(&self) -> Result<T, super::JobError> {
        serde_json::from_str(&self.payload).map_err(|e| {
            super::JobError(format!(
                "the payload of a {} job cannot be read: {e}",
                self.kind
            ))
        })
    }
}

const COLUMNS: &str = "id, kind, payload, dedupe_key, run_at, attempts, max_attempts, last_error, \
     locked_by, locked_until, created_at, done_at, failed_at";

fn job(row: &AnyRow) -> Result<Job, sqlx::Error> {
    Ok(Job {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        payload: row.try_get("payload")?,
        dedupe_key: row.try_get("dedupe_key")?,
        run_at: row.try_get("run_at")?,
        attempts: row.try_get("attempts")?,
        max_attempts: row.try_get("max_attempts")?,
        last_error: row.try_get("last_error")?,
        locked_by: row.try_get("locked_by")?,
        locked_until: row.try_get("locked_until")?,
        created_at: row.try_get("created_at")?,
        done_at: row.try_get("done_at")?,
        failed_at: row.try_get("failed_at")?,
    })
}

/// A job about to be enqueued.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: &'static str,
    /// JSON text.
    pub payload: String,
    /// Enqueued only once under this key, however often asked.
    pub dedupe_key: Option<String>,
    pub run_at: i64,
    pub max_attempts: i64,
}

impl NewJob {
    /// A job of `kind` due at `run_at`, tried up to five times.
    pub fn new(kind: &'static str, payload: &impl serde::Serialize, run_at: i64) -> Self {
        Self {
            kind,
            payload: serde_json::to_string(payload).unwrap_or_else(|_| "{}".to_owned()),
            dedupe_key: None,
            run_at,
            max_attempts: 5,
        }
    }

    /// Enqueued at most once under `key`.
    #[must_use]
    pub fn once(mut self, key: String) -> Self {
        self.dedupe_key = Some(key);
        self
    }

    #[must_use]
    pub fn attempts(mut self, max: i64) -> Self {
        self.max_attempts = max.max(1);
        self
    }
}

/// Enqueues a job inside the caller's transaction, so the job exists if
/// and only if the work that asked for it commits. `None`: a job with the
/// same dedupe key already exists, and nothing was added.
pub async fn enqueue_in(conn: &mut AnyConnection, new: &NewJob) -> StoreResult<Option<i64>> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO jobs (kind, payload, dedupe_key, run_at, max_attempts, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
    )
    .bind(new.kind)
    .bind(&new.payload)
    .bind(new.dedupe_key.as_deref())
    .bind(new.run_at)
    .bind(new.max_attempts)
    .bind(crate::db::now())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(id)
}

/// Enqueues a job on its own.
pub async fn enqueue(db: &Db, new: &NewJob) -> StoreResult<Option<i64>> {
    enqueue_in(&mut *db.pool().acquire().await?, new).await
}

/// Claims the next due job for `worker` until `lease_until`, counting the
/// attempt, in a transaction of its own. On `PostgreSQL` the row is chosen
/// with `FOR UPDATE SKIP LOCKED`, so a job another transaction holds is
/// passed over; on `SQLite` the transaction holds the write lock.
pub async fn claim(db: &Db, worker: &str, now: i64, lease_until: i64) -> StoreResult<Option<Job>> {
    let mut tx = db.begin_write().await?;
    let id: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT id FROM jobs WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= $1 \
         AND (locked_until IS NULL OR locked_until < $1) ORDER BY run_at, id LIMIT 1{}",
        db.backend().skip_locked()
    ))
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(id) = id else {
        tx.commit().await?;
        return Ok(None);
    };
    let row = sqlx::query(&format!(
        "UPDATE jobs SET locked_by = $1, locked_until = $2, attempts = attempts + 1 \
         WHERE id = $3 RETURNING {COLUMNS}"
    ))
    .bind(worker)
    .bind(lease_until)
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let claimed = job(&row)?;
    tx.commit().await?;
    Ok(Some(claimed))
}

/// Inside the transaction that will run the job: takes its row again
/// (waiting for any other transaction on it) and answers whether `worker`
/// still holds the claim on an unfinished job. False: the lease ran out
/// and another worker took it, or it is already done; leave it alone.
pub async fn hold(conn: &mut AnyConnection, id: i64, worker: &str) -> StoreResult<bool> {
    let held = sqlx::query(
        "UPDATE jobs SET locked_by = locked_by WHERE id = $1 AND locked_by = $2 \
         AND done_at IS NULL AND failed_at IS NULL",
    )
    .bind(id)
    .bind(worker)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(held == 1)
}

/// Marks a held job done, in the transaction that did its work.
pub async fn mark_done(conn: &mut AnyConnection, id: i64, now: i64) -> StoreResult<()> {
    sqlx::query("UPDATE jobs SET done_at = $1, locked_until = NULL WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// After a failed attempt: records why, releases the claim, and either
/// schedules the job again at `retry_at` or, when it has used all its
/// attempts, marks it failed for good. Answers the job as it now stands;
/// `None` if `worker` no longer held it.
pub async fn record_failure(
    db: &Db,
    id: i64,
    worker: &str,
    error: &str,
    now: i64,
    retry_at: i64,
) -> StoreResult<Option<Job>> {
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(&format!(
        "UPDATE jobs SET last_error = $1, locked_until = NULL, \
         run_at = CASE WHEN attempts >= max_attempts THEN run_at ELSE $2 END, \
         failed_at = CASE WHEN attempts >= max_attempts THEN $3 ELSE NULL END \
         WHERE id = $4 AND locked_by = $5 AND done_at IS NULL AND failed_at IS NULL \
         RETURNING {COLUMNS}"
    ))
    .bind(error)
    .bind(retry_at)
    .bind(now)
    .bind(id)
    .bind(worker)
    .fetch_optional(&mut *tx)
    .await?;
    let stood = row.as_ref().map(job).transpose()?;
    tx.commit().await?;
    Ok(stood)
}

/// One job.
pub async fn find(db: &Db, id: i64) -> StoreResult<Option<Job>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM jobs WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.as_ref().map(job).transpose()?)
}

/// Where jobs stand, for the administrators' page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Waiting for its time or for a worker.
    Waiting,
    /// Claimed, and the claim still holds.
    Running,
    /// Out of attempts.
    Failed,
}

/// Up to `limit` jobs standing as `standing` at `now`, soonest (or, for
/// failed ones, latest) first, and how many there are in all.
pub async fn list(
    db: &Db,
    standing: Standing,
    now: i64,
    limit: i64,
) -> StoreResult<(Vec<Job>, i64)> {
    let (condition, order) = match standing {
        Standing::Waiting => (
            "done_at IS NULL AND failed_at IS NULL AND (locked_until IS NULL OR locked_until < $1)",
            "run_at, id",
        ),
        Standing::Running => (
            "done_at IS NULL AND failed_at IS NULL AND locked_until >= $1",
            "locked_until, id",
        ),
        Standing::Failed => (
            "failed_at IS NOT NULL AND $1 = $1",
            "failed_at DESC, id DESC",
        ),
    };
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM jobs WHERE {condition} ORDER BY {order} LIMIT $2"
    ))
    .bind(now)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM jobs WHERE {condition}"))
        .bind(now)
        .fetch_one(db.pool())
        .await?;
    let jobs = rows.iter().map(job).collect::<Result<_, _>>()?;
    Ok((jobs, total))
}

/// Gives a job that failed for good a fresh set of attempts, due at
/// `now`, inside the caller's transaction. False: no failed job has `id`.
pub async fn retry_in(conn: &mut AnyConnection, id: i64, now: i64) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE jobs SET failed_at = NULL, attempts = 0, run_at = $1, locked_until = NULL \
         WHERE id = $2 AND failed_at IS NOT NULL",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(done == 1)
}

/// Removes jobs done before `before`; failed ones stay for administrators.
pub async fn remove_done_before(db: &Db, before: i64) -> StoreResult<u64> {
    Ok(sqlx::query("DELETE FROM jobs WHERE done_at < $1")
        .bind(before)
        .execute(db.pool())
        .await?
        .rows_affected())
}

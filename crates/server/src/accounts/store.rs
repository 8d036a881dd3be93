//! Storage of accounts and the roles they hold.

use crate::db::{StoreError, StoreResult};
use coprod_engine::people::{EmailAddress, LineOfText, Role};
use sqlx::{AnyConnection, Row};

use crate::db::{self, Db};

/// A person's account as stored (never with its password hash).
#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub created_at: i64,
    pub disabled: bool,
}

/// A role held in an organisation, or across the partnership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub id: i64,
    pub organisation_id: Option<i64>,
    pub organisation_name: Option<String>,
    pub role: Role,
}

impl Membership {
    /// "Coordinator, Ness Bank Lunch Club" or "Citizen, whole partnership".
    pub fn place(&self) -> &str {
        self.organisation_name.as_deref().unwrap_or("")
    }
}

/// Why an account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateAccountError {
    #[error("that email address already has an account")]
    EmailTaken,
    #[error(transparent)]
    Database(#[from] StoreError),
}

impl From<sqlx::Error> for CreateAccountError {
    fn from(error: sqlx::Error) -> Self {
        CreateAccountError::Database(error.into())
    }
}

pub async fn create(
    db: &Db,
    email: &EmailAddress,
    name: &LineOfText,
    password_hash: &str,
) -> Result<i64, CreateAccountError> {
    let mut conn = db.pool().acquire().await?;
    create_in(&mut conn, email, name, password_hash).await
}

/// [`create`] on `conn`, in the caller's transaction.
pub async fn create_in(
    conn: &mut AnyConnection,
    email: &EmailAddress,
    name: &LineOfText,
    password_hash: &str,
) -> Result<i64, CreateAccountError> {
    let row = sqlx::query(
        "INSERT INTO accounts (email, display_name, password_hash, created_at) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(email.as_str())
    .bind(name.as_str())
    .bind(password_hash)
    .bind(db::now())
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| match StoreError::from(e) {
        error if error.is_unique_violation() => CreateAccountError::EmailTaken,
        error => CreateAccountError::Database(error),
    })?;
    Ok(row.try_get("id")?)
}

fn account_from(row: &sqlx::any::AnyRow) -> StoreResult<Account> {
    Ok(Account {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        created_at: row.try_get("created_at")?,
        disabled: row.try_get::<Option<i64>, _>("disabled_at")?.is_some(),
    })
}

/// The account and its password hash, for signing in.
pub async fn find_for_sign_in(db: &Db, email: &str) -> StoreResult<Option<(Account, String)>> {
    let row = sqlx::query(
        "SELECT id, email, display_name, created_at, disabled_at, password_hash \
         FROM accounts WHERE email = $1",
    )
    .bind(email)
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| Ok((account_from(&r)?, r.try_get("password_hash")?)))
        .transpose()
}

pub async fn find(db: &Db, id: i64) -> StoreResult<Option<Account>> {
    let row = sqlx::query(
        "SELECT id, email, display_name, created_at, disabled_at FROM accounts WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(account_from).transpose()
}

pub async fn find_by_email(db: &Db, email: &str) -> StoreResult<Option<Account>> {
    let row = sqlx::query(
        "SELECT id, email, display_name, created_at, disabled_at FROM accounts WHERE email = $1",
    )
    .bind(email)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(account_from).transpose()
}

/// Accounts whose name or email contains `filter`, alphabetically, a page at a time.
pub async fn list(
    db: &Db,
    filter: &str,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<Account>, i64)> {
    let mut conn = db.pool().acquire().await?;
    list_on(&mut conn, filter, limit, offset).await
}

/// As [`list`], on a connection (a transaction's, say, so that whoever
/// reads the list is audited with it).
pub async fn list_on(
    conn: &mut sqlx::AnyConnection,
    filter: &str,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<Account>, i64)> {
    let pattern = format!("%{}%", filter.to_lowercase().replace(['%', '_'], ""));
    let rows = sqlx::query(
        "SELECT id, email, display_name, created_at, disabled_at FROM accounts \
         WHERE LOWER(display_name) LIKE $1 OR email LIKE $1 \
         ORDER BY display_name, id LIMIT $2 OFFSET $3",
    )
    .bind(&pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await?;
    let (total,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM accounts WHERE LOWER(display_name) LIKE $1 OR email LIKE $1",
    )
    .bind(&pattern)
    .fetch_one(&mut *conn)
    .await?;
    Ok((
        rows.iter().map(account_from).collect::<Result<_, _>>()?,
        total,
    ))
}

/// Stops (or, with `false`, restores) an account's ability to sign in.
/// Returns whether anything changed.
pub async fn set_disabled(
    conn: &mut AnyConnection,
    account_id: i64,
    disabled: bool,
) -> StoreResult<bool> {
    let result = if disabled {
        sqlx::query("UPDATE accounts SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL")
            .bind(db::now())
            .bind(account_id)
            .execute(&mut *conn)
            .await?
    } else {
        sqlx::query(
            "UPDATE accounts SET disabled_at = NULL WHERE id = $1 AND disabled_at IS NOT NULL",
        )
        .bind(account_id)
        .execute(&mut *conn)
        .await?
    };
    Ok(result.rows_affected() == 1)
}

pub async fn set_password(
    conn: &mut AnyConnection,
    account_id: i64,
    password_hash: &str,
) -> StoreResult<()> {
    sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Every role the account holds, partnership-wide ones first.
pub async fn memberships(db: &Db, account_id: i64) -> StoreResult<Vec<Membership>> {
    memberships_in(&mut *db.pool().acquire().await?, account_id).await
}

/// [`memberships`] on `conn`.
pub async fn memberships_in(
    conn: &mut AnyConnection,
    account_id: i64,
) -> StoreResult<Vec<Membership>> {
    let rows = sqlx::query(
        "SELECT m.id, m.organisation_id, o.name AS organisation_name, m.role \
         FROM memberships m LEFT JOIN organisations o ON o.id = m.organisation_id \
         WHERE m.account_id = $1 ORDER BY COALESCE(o.name, ''), m.role",
    )
    .bind(account_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let role: String = row.try_get("role")?;
            Ok(Membership {
                id: row.try_get("id")?,
                organisation_id: row.try_get("organisation_id")?,
                organisation_name: row.try_get("organisation_name")?,
                role: Role::parse(&role).map_err(|e| StoreError::invalid("memberships.role", e))?,
            })
        })
        .collect()
}

/// Gives a role; granting one already held changes nothing. Returns whether
/// the role is new.
pub async fn grant(
    db: &Db,
    account_id: i64,
    organisation_id: Option<i64>,
    role: Role,
) -> StoreResult<bool> {
    grant_in(
        &mut *db.pool().acquire().await?,
        account_id,
        organisation_id,
        role,
    )
    .await
}

/// [`grant`] on `conn`, in the caller's transaction.
pub async fn grant_in(
    conn: &mut AnyConnection,
    account_id: i64,
    organisation_id: Option<i64>,
    role: Role,
) -> StoreResult<bool> {
    let result = sqlx::query(
        "INSERT INTO memberships (account_id, organisation_id, role, granted_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(account_id)
    .bind(organisation_id)
    .bind(role.as_str())
    .bind(db::now())
    .execute(&mut *conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Removes one membership of one account; returns it if it existed.
pub async fn revoke(
    conn: &mut AnyConnection,
    account_id: i64,
    membership_id: i64,
) -> StoreResult<Option<Membership>> {
    let held = memberships_in(conn, account_id).await?;
    let Some(found) = held.into_iter().find(|m| m.id == membership_id) else {
        return Ok(None);
    };
    sqlx::query("DELETE FROM memberships WHERE id = $1 AND account_id = $2")
        .bind(membership_id)
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    Ok(Some(found))
}

/// Deletes the sessions that expired by `now`; how many.
pub async fn remove_expired_sessions(db: &Db, now: i64) -> StoreResult<u64> {
    Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(db.pool())
        .await?
        .rows_affected())
}

/// Deletes the sign-in attempts made before `before`; how many.
pub async fn remove_login_attempts_before(db: &Db, before: i64) -> StoreResult<u64> {
    Ok(
        sqlx::query("DELETE FROM login_attempts WHERE attempted_at < $1")
            .bind(before)
            .execute(db.pool())
            .await?
            .rows_affected(),
    )
}

/// Deletes the reset links that expired before `before`; how many.
pub async fn remove_reset_links_expired_before(db: &Db, before: i64) -> StoreResult<u64> {
    Ok(
        sqlx::query("DELETE FROM password_resets WHERE expires_at < $1")
            .bind(before)
            .execute(db.pool())
            .await?
            .rows_affected(),
    )
}

/// Stores a new session under the hash of its token.
pub async fn insert_session(
    conn: &mut AnyConnection,
    token_hash: &str,
    account_id: i64,
    now: i64,
    expires_at: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $3, $4)",
    )
    .bind(token_hash)
    .bind(account_id)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Deletes one session.
pub async fn delete_session(conn: &mut AnyConnection, token_hash: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Deletes every session of an account but the one with `kept_hash`.
pub async fn delete_sessions_but(
    conn: &mut AnyConnection,
    account_id: i64,
    kept_hash: &str,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2")
        .bind(account_id)
        .bind(kept_hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A session that has not expired, of an account that is not disabled.
#[derive(Debug, sqlx::FromRow)]
pub struct LiveSession {
    pub last_seen_at: i64,
    /// The account's id.
    pub id: i64,
    pub email: String,
    pub display_name: String,
}

/// The live session with the hash `token_hash` at `now`, if there is one.
pub async fn live_session(db: &Db, token_hash: &str, now: i64) -> StoreResult<Option<LiveSession>> {
    Ok(sqlx::query_as(
        "SELECT s.last_seen_at, a.id, a.email, a.display_name FROM sessions s \
         JOIN accounts a ON a.id = s.account_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND a.disabled_at IS NULL",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db.pool())
    .await?)
}

/// Marks a session as used at `now`, moving its expiry on.
pub async fn touch_session(
    db: &Db,
    token_hash: &str,
    now: i64,
    expires_at: i64,
) -> StoreResult<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3")
        .bind(now)
        .bind(expires_at)
        .bind(token_hash)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The attempts at `action` since `since` whose `succeeded` is below
/// `counted_below`, by one email address or one client address:
/// `by` is `("email", …)` or `("ip", …)`.
pub async fn count_attempts(
    db: &Db,
    action: &str,
    by: (&'static str, &str),
    since: i64,
    counted_below: i64,
) -> StoreResult<i64> {
    let column = match by.0 {
        "ip" => "ip",
        _ => "email",
    };
    let (count,): (i64,) = sqlx::query_as(&format!(
        "SELECT COUNT(*) FROM login_attempts \
          WHERE action = $1 AND {column} = $2 AND attempted_at > $3 AND succeeded < $4"
    ))
    .bind(action)
    .bind(by.1)
    .bind(since)
    .bind(counted_below)
    .fetch_one(db.pool())
    .await?;
    Ok(count)
}

/// Forgets the failed attempts at `action` for `email`.
pub async fn clear_failed_sign_ins(db: &Db, action: &str, email: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM login_attempts WHERE action = $1 AND email = $2 AND succeeded = 0")
        .bind(action)
        .bind(email)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Records one attempt.
pub async fn insert_attempt(
    db: &Db,
    action: &str,
    email: &str,
    ip: &str,
    at: i64,
    succeeded: bool,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO login_attempts (action, email, ip, attempted_at, succeeded) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(action)
    .bind(email)
    .bind(ip)
    .bind(at)
    .bind(i64::from(succeeded))
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Stores a password reset link under the hash of its token.
pub async fn insert_reset_link(
    db: &Db,
    token_hash: &str,
    account_id: i64,
    now: i64,
    expires_at: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO password_resets (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(account_id)
    .bind(now)
    .bind(expires_at)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The account whose unused link has the hash `token_hash` and is still
/// live at `now`.
pub async fn live_reset_link(db: &Db, token_hash: &str, now: i64) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT account_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db.pool())
    .await?)
}

/// Marks a link used; false when it had been used already (of two
/// simultaneous uses, only one succeeds).
pub async fn use_reset_link(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: i64,
) -> StoreResult<bool> {
    let claimed = sqlx::query(
        "UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
    )
    .bind(now)
    .bind(token_hash)
    .execute(&mut *conn)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

//! Storage of accounts and the roles they hold.

use crate::db::{StoreError, StoreResult};
use coprod_engine::people::{EmailAddress, LineOfText, Role};
use sqlx::Row;

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
    let row = sqlx::query(
        "INSERT INTO accounts (email, display_name, password_hash, created_at) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(email.as_str())
    .bind(name.as_str())
    .bind(password_hash)
    .bind(db::now())
    .fetch_one(db.pool())
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
    let pattern = format!("%{}%", filter.to_lowercase().replace(['%', '_'], ""));
    let rows = sqlx::query(
        "SELECT id, email, display_name, created_at, disabled_at FROM accounts \
         WHERE LOWER(display_name) LIKE $1 OR email LIKE $1 \
         ORDER BY display_name, id LIMIT $2 OFFSET $3",
    )
    .bind(&pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await?;
    let (total,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM accounts WHERE LOWER(display_name) LIKE $1 OR email LIKE $1",
    )
    .bind(&pattern)
    .fetch_one(db.pool())
    .await?;
    Ok((
        rows.iter().map(account_from).collect::<Result<_, _>>()?,
        total,
    ))
}

/// Stops (or, with `false`, restores) an account's ability to sign in.
/// Returns whether anything changed.
pub async fn set_disabled(db: &Db, account_id: i64, disabled: bool) -> StoreResult<bool> {
    let result = if disabled {
        sqlx::query("UPDATE accounts SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL")
            .bind(db::now())
            .bind(account_id)
            .execute(db.pool())
            .await?
    } else {
        sqlx::query(
            "UPDATE accounts SET disabled_at = NULL WHERE id = $1 AND disabled_at IS NOT NULL",
        )
        .bind(account_id)
        .execute(db.pool())
        .await?
    };
    Ok(result.rows_affected() == 1)
}

pub async fn set_password(db: &Db, account_id: i64, password_hash: &str) -> StoreResult<()> {
    sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(account_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Every role the account holds, partnership-wide ones first.
pub async fn memberships(db: &Db, account_id: i64) -> StoreResult<Vec<Membership>> {
    let rows = sqlx::query(
        "SELECT m.id, m.organisation_id, o.name AS organisation_name, m.role \
         FROM memberships m LEFT JOIN organisations o ON o.id = m.organisation_id \
         WHERE m.account_id = $1 ORDER BY COALESCE(o.name, ''), m.role",
    )
    .bind(account_id)
    .fetch_all(db.pool())
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
    let result = sqlx::query(
        "INSERT INTO memberships (account_id, organisation_id, role, granted_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(account_id)
    .bind(organisation_id)
    .bind(role.as_str())
    .bind(db::now())
    .execute(db.pool())
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Removes one membership of one account; returns it if it existed.
pub async fn revoke(
    db: &Db,
    account_id: i64,
    membership_id: i64,
) -> StoreResult<Option<Membership>> {
    let held = memberships(db, account_id).await?;
    let Some(found) = held.into_iter().find(|m| m.id == membership_id) else {
        return Ok(None);
    };
    sqlx::query("DELETE FROM memberships WHERE id = $1 AND account_id = $2")
        .bind(membership_id)
        .bind(account_id)
        .execute(db.pool())
        .await?;
    Ok(Some(found))
}

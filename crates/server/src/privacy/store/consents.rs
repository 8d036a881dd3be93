//! The consent register's rows, and the statements that stop processing
//! when a consent is withdrawn (`privacy::consent::withdraw` decides which
//! run).

use sqlx::AnyConnection;

use crate::{
    coordination::model::Channel,
    db::StoreResult,
    privacy::consent::{Consent, NewConsent},
};

/// The SQL condition, on a `star_person_stars` row aliased `p`, that its
/// consent stands. Every query that reads personal stars uses it.
pub const PERSONAL_STAR_CONSENT_STANDS: &str = "EXISTS (SELECT 1 FROM consents c \
     WHERE c.record_kind = 'personal_star' AND c.record_id = p.id AND c.withdrawn_at IS NULL)";

const SELECT: &str = "SELECT id, account_id, coordination_person_id, record_kind, record_id, purpose, \
     lawful_basis, given_at, given_by, given_channel, withdrawn_at, withdrawn_by, withdrawn_channel \
     FROM consents";

/// Records a consent inside the caller's transaction.
pub async fn give(conn: &mut AnyConnection, new: &NewConsent<'_>, now: i64) -> StoreResult<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO consents (account_id, coordination_person_id, record_kind, record_id, purpose, \
         lawful_basis, given_at, given_by, given_channel) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         RETURNING id",
    )
    .bind(new.account_id)
    .bind(new.coordination_person_id)
    .bind(new.record_kind.as_str())
    .bind(new.record_id)
    .bind(new.purpose)
    .bind(new.lawful_basis.as_str())
    .bind(now)
    .bind(new.given_by)
    .bind(new.channel.as_str())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<Consent>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

/// Every consent about a person: those naming their account or their
/// coordination record, and those of the personal stars about them.
pub async fn for_person(
    conn: &mut AnyConnection,
    account_id: Option<i64>,
    person_id: Option<i64>,
) -> StoreResult<Vec<Consent>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE account_id = $1 OR coordination_person_id = $2 \
         OR (record_kind = 'personal_star' AND record_id IN \
             (SELECT id FROM star_person_stars WHERE person_account_id = $1)) \
         ORDER BY given_at, id"
    ))
    .bind(account_id)
    .bind(person_id)
    .fetch_all(conn)
    .await?)
}

/// The account of the person a personal star is about, if it has one
/// (whether or not the star's consent stands).
pub async fn star_person_account(
    conn: &mut AnyConnection,
    star: Option<i64>,
) -> StoreResult<Option<i64>> {
    let person: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT person_account_id FROM star_person_stars WHERE id = $1")
            .bind(star)
            .fetch_optional(conn)
            .await?;
    Ok(person.and_then(|(account,)| account))
}

/// Marks a consent withdrawn; false when it had been withdrawn before
/// (nothing changes then).
pub async fn mark_withdrawn(
    conn: &mut AnyConnection,
    id: i64,
    by: Option<i64>,
    channel: Channel,
    now: i64,
) -> StoreResult<bool> {
    let changed = sqlx::query(
        "UPDATE consents SET withdrawn_at = $1, withdrawn_by = $2, withdrawn_channel = $3 \
         WHERE id = $4 AND withdrawn_at IS NULL",
    )
    .bind(now)
    .bind(by)
    .bind(channel.as_str())
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(changed > 0)
}

/// Withdraws a co-delivery person's open offers and requests, so they are
/// matched no more.
pub async fn stop_coordination(conn: &mut AnyConnection, person: i64) -> StoreResult<()> {
    sqlx::query("UPDATE offers SET status = 'withdrawn' WHERE person_id = $1 AND status = 'open'")
        .bind(person)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE help_requests SET status = 'withdrawn' WHERE person_id = $1 AND status = 'open'",
    )
    .bind(person)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// An account's survey answers stop saying whose they are, and the
/// invitations to its address not yet used lose the address.
pub async fn stop_surveys(conn: &mut AnyConnection, account: i64) -> StoreResult<()> {
    sqlx::query(
        "UPDATE survey_responses SET respondent_account_id = NULL, invitation_id = NULL \
         WHERE respondent_account_id = $1",
    )
    .bind(account)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE survey_invitations SET email = NULL WHERE used_at IS NULL \
         AND LOWER(email) = (SELECT LOWER(email) FROM accounts WHERE id = $1)",
    )
    .bind(account)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

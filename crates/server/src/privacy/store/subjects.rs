//! Finding a person: their account (id and name) and their co-delivery
//! record (id, account and name), by email or by id.

use sqlx::AnyConnection;

use crate::db::StoreResult;

/// An account's id and name.
pub type AccountRow = (i64, String);
/// A co-delivery record's id, account and name.
pub type PersonRow = (i64, Option<i64>, String);

/// The account with this email (already trimmed and lower-cased).
pub async fn account_by_email(
    conn: &mut AnyConnection,
    email: &str,
) -> StoreResult<Option<AccountRow>> {
    Ok(
        sqlx::query_as("SELECT id, display_name FROM accounts WHERE email = $1")
            .bind(email)
            .fetch_optional(conn)
            .await?,
    )
}

pub async fn account(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<AccountRow>> {
    Ok(
        sqlx::query_as("SELECT id, display_name FROM accounts WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

/// The co-delivery record of an account.
pub async fn person_of_account(
    conn: &mut AnyConnection,
    account: i64,
) -> StoreResult<Option<PersonRow>> {
    Ok(sqlx::query_as(
        "SELECT id, account_id, display_name FROM coordination_people WHERE account_id = $1",
    )
    .bind(account)
    .fetch_optional(conn)
    .await?)
}

/// The first co-delivery record with this email (already trimmed and
/// lower-cased; the record's is compared lower-cased).
pub async fn person_by_email(
    conn: &mut AnyConnection,
    email: &str,
) -> StoreResult<Option<PersonRow>> {
    Ok(sqlx::query_as(
        "SELECT id, account_id, display_name FROM coordination_people \
         WHERE LOWER(email) = $1 ORDER BY id LIMIT 1",
    )
    .bind(email)
    .fetch_optional(conn)
    .await?)
}

pub async fn person(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<PersonRow>> {
    Ok(
        sqlx::query_as(
            "SELECT id, account_id, display_name FROM coordination_people WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(conn)
        .await?,
    )
}

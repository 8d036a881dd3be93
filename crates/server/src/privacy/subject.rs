//! Whose data: a person found by email, by account or by coordination
//! record, with both their account and their coordination record when
//! they have both.

use sqlx::AnyConnection;

/// How an operator or a page names a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// An email address: an account's, or else a coordination record's.
    Email(String),
    /// An account id.
    Account(i64),
    /// A coordination person record's id (people without an email too).
    Person(i64),
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Subject::Email(email) => write!(f, "the person with email {email}"),
            Subject::Account(id) => write!(f, "account {id}"),
            Subject::Person(id) => write!(f, "coordination person {id}"),
        }
    }
}

/// A person as the database holds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub account_id: Option<i64>,
    pub person_id: Option<i64>,
    /// Their name, for staff pages (an account's name, else the record's).
    pub name: String,
}

/// Finds the person a [`Subject`] names, or `None`.
pub async fn resolve(
    conn: &mut AnyConnection,
    subject: &Subject,
) -> Result<Option<Found>, sqlx::Error> {
    let account: Option<(i64, String)> = match subject {
        Subject::Email(email) => {
            sqlx::query_as("SELECT id, display_name FROM accounts WHERE email = $1")
                .bind(email.trim().to_lowercase())
                .fetch_optional(&mut *conn)
                .await?
        }
        Subject::Account(id) => {
            sqlx::query_as("SELECT id, display_name FROM accounts WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
        }
        Subject::Person(_) => None,
    };
    let person: Option<(i64, Option<i64>, String)> = match (subject, &account) {
        (_, Some((account_id, _))) => sqlx::query_as(
            "SELECT id, account_id, display_name FROM coordination_people WHERE account_id = $1",
        )
        .bind(account_id)
        .fetch_optional(&mut *conn)
        .await?,
        (Subject::Email(email), None) => {
            sqlx::query_as(
                "SELECT id, account_id, display_name FROM coordination_people \
                 WHERE LOWER(email) = $1 ORDER BY id LIMIT 1",
            )
            .bind(email.trim().to_lowercase())
            .fetch_optional(&mut *conn)
            .await?
        }
        (Subject::Person(id), None) => {
            sqlx::query_as(
                "SELECT id, account_id, display_name FROM coordination_people WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
        }
        (Subject::Account(_), None) => None,
    };
    Ok(match (account, person) {
        (Some((account_id, name)), person) => Some(Found {
            account_id: Some(account_id),
            person_id: person.map(|(id, _, _)| id),
            name,
        }),
        (None, Some((id, account_id, name))) => Some(Found {
            account_id,
            person_id: Some(id),
            name,
        }),
        (None, None) => None,
    })
}

//! Whose data: a person found by email, by account or by coordination
//! record, with both their account and their coordination record when
//! they have both.

use sqlx::AnyConnection;

use super::store::subjects as store;
use crate::{audit::Event, db::StoreResult};

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

impl Found {
    /// The audit event's subject: the account, else the co-delivery record.
    pub fn audit_subject<'a>(&self, event: Event<'a>) -> Event<'a> {
        match (self.account_id, self.person_id) {
            (Some(account), _) => event.subject("account", account),
            (None, Some(person)) => event.subject("coordination_person", person),
            (None, None) => event,
        }
    }
}

/// Finds the person a [`Subject`] names, or `None`.
pub async fn resolve(conn: &mut AnyConnection, subject: &Subject) -> StoreResult<Option<Found>> {
    let account = match subject {
        Subject::Email(email) => {
            store::account_by_email(&mut *conn, &email.trim().to_lowercase()).await?
        }
        Subject::Account(id) => store::account(&mut *conn, *id).await?,
        Subject::Person(_) => None,
    };
    let person = match (subject, &account) {
        (_, Some((account_id, _))) => store::person_of_account(&mut *conn, *account_id).await?,
        (Subject::Email(email), None) => {
            store::person_by_email(&mut *conn, &email.trim().to_lowercase()).await?
        }
        (Subject::Person(id), None) => store::person(&mut *conn, *id).await?,
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

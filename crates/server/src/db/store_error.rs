//! What a store can fail with. Every store function returns
//! [`StoreError`]: the driver's error is sorted once, here, into "no such
//! record", "a constraint said no", "what is stored cannot be read" and
//! "the database failed"; `crate::error` then maps each kind once to what
//! the user sees.

use std::fmt;

/// The result of a store function.
pub type StoreResult<T> = Result<T, StoreError>;

/// Why a store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A query that must find a row found none.
    #[error("no such record")]
    NotFound,
    /// A constraint of the schema refused the write: a unique key already
    /// taken, a reference to a row that is not there (any more), a check.
    #[error("{kind} constraint {} refused the write", .constraint.as_deref().unwrap_or("(unnamed)"))]
    Conflict {
        kind: ConstraintKind,
        /// The constraint's name as the backend reports it: `PostgreSQL`
        /// names every constraint (`accounts_email_key`); `SQLite` names
        /// the columns of a unique key (`accounts.email`) and the name of
        /// a check, but not a foreign key.
        constraint: Option<String>,
        #[source]
        source: sqlx::Error,
    },
    /// A stored value cannot be read back as what it should be: a JSON
    /// document that does not parse, a role name the code does not know,
    /// a row that breaks a rule the writes keep.
    #[error("invalid stored data at {at}: {what}")]
    InvalidData {
        /// What is wrong with it.
        what: String,
        /// Where it is stored (table and column, or the record).
        at: String,
    },
    /// Anything else the database or the driver reported.
    #[error(transparent)]
    Database(sqlx::Error),
}

/// The kind of schema constraint that refused a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstraintKind {
    Unique,
    ForeignKey,
    Check,
}

impl fmt::Display for ConstraintKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConstraintKind::Unique => "unique",
            ConstraintKind::ForeignKey => "foreign key",
            ConstraintKind::Check => "check",
        })
    }
}

impl StoreError {
    /// Stored data at `at` that cannot be read: `what` says why.
    pub fn invalid(at: impl Into<String>, what: impl fmt::Display) -> Self {
        StoreError::InvalidData {
            what: what.to_string(),
            at: at.into(),
        }
    }

    /// True when a unique key refused the write ("that name is taken").
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            StoreError::Conflict {
                kind: ConstraintKind::Unique,
                ..
            }
        )
    }

    /// True when a foreign key refused the write (the row referred to
    /// does not exist).
    pub fn is_foreign_key_violation(&self) -> bool {
        matches!(
            self,
            StoreError::Conflict {
                kind: ConstraintKind::ForeignKey,
                ..
            }
        )
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        use sqlx::error::ErrorKind;
        match &error {
            sqlx::Error::RowNotFound => return StoreError::NotFound,
            sqlx::Error::Database(db) => {
                let kind = match db.kind() {
                    ErrorKind::UniqueViolation => Some(ConstraintKind::Unique),
                    ErrorKind::ForeignKeyViolation => Some(ConstraintKind::ForeignKey),
                    ErrorKind::CheckViolation => Some(ConstraintKind::Check),
                    _ => None,
                };
                if let Some(kind) = kind {
                    let constraint = db
                        .constraint()
                        .map(str::to_owned)
                        .or_else(|| sqlite_constraint(db.message()));
                    return StoreError::Conflict {
                        kind,
                        constraint,
                        source: error,
                    };
                }
            }
            _ => {}
        }
        StoreError::Database(error)
    }
}

/// `SQLite` reports no constraint name, but its message ends with the
/// columns of a unique key or the name of a check:
/// `UNIQUE constraint failed: accounts.email`.
fn sqlite_constraint(message: &str) -> Option<String> {
    let (_, named) = message.split_once("constraint failed: ")?;
    Some(named.trim().to_owned())
}

/// Code that still speaks `sqlx::Error` (capabilities whose stores are not
/// yet converted) can call a converted store with `?`. The driver's own
/// error comes back unchanged; stored data that cannot be read becomes a
/// decoding error, which is what it is.
impl From<StoreError> for sqlx::Error {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => sqlx::Error::RowNotFound,
            StoreError::Conflict { source, .. } | StoreError::Database(source) => source,
            invalid @ StoreError::InvalidData { .. } => sqlx::Error::Decode(Box::new(invalid)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_row_is_not_found() {
        assert!(matches!(
            StoreError::from(sqlx::Error::RowNotFound),
            StoreError::NotFound
        ));
    }

    #[test]
    fn sqlite_messages_name_the_columns_or_the_check() {
        assert_eq!(
            sqlite_constraint("UNIQUE constraint failed: accounts.email").as_deref(),
            Some("accounts.email")
        );
        assert_eq!(
            sqlite_constraint("CHECK constraint failed: positive_budget").as_deref(),
            Some("positive_budget")
        );
        assert_eq!(sqlite_constraint("FOREIGN KEY constraint failed"), None);
    }

    #[test]
    fn other_driver_errors_stay_database_errors() {
        let error = StoreError::from(sqlx::Error::PoolTimedOut);
        assert!(matches!(
            error,
            StoreError::Database(sqlx::Error::PoolTimedOut)
        ));
        assert!(!error.is_unique_violation());
    }
}

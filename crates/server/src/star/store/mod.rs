//! Storage of the toolkit, one file per part, over either backend.

/// Business cases and their valued outcomes.
pub mod cases;
/// Charters, their versions and parties.
pub mod charters;
/// Initiatives and what they link to.
pub mod initiatives;
/// The person-level dementia-friendly star.
pub mod people;
/// Self-assessment rounds and ratings.
pub mod rounds;

use crate::db::StoreError;

/// Why something could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// A name that must be unique is taken (an initiative, a round, a
    /// rater within a round).
    #[error("that name is already used")]
    NameTaken,
    #[error(transparent)]
    Database(#[from] StoreError),
}

impl From<sqlx::Error> for SaveError {
    fn from(error: sqlx::Error) -> Self {
        SaveError::Database(error.into())
    }
}

impl SaveError {
    pub(super) fn classify(error: sqlx::Error) -> Self {
        match StoreError::from(error) {
            error if error.is_unique_violation() => SaveError::NameTaken,
            error => SaveError::Database(error),
        }
    }
}

/// A stored value at `at` that the toolkit does not know.
pub(super) fn unknown(at: &'static str, value: &str) -> StoreError {
    StoreError::invalid(at, format!("unknown value {value:?}"))
}

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

use crate::db;

/// Why something could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// A name that must be unique is taken (an initiative, a round, a
    /// rater within a round).
    #[error("that name is already used")]
    NameTaken,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl SaveError {
    pub(super) fn classify(error: sqlx::Error) -> Self {
        if db::is_unique_violation(&error) {
            SaveError::NameTaken
        } else {
            SaveError::Database(error)
        }
    }
}

pub(super) fn decode_error(message: String) -> sqlx::Error {
    sqlx::Error::Decode(message.into())
}

//! The SQL of people's rights over their data, one file per part. Every
//! function returns [`crate::db::StoreResult`]; those that change records
//! take the caller's connection, so the change and its audit row commit in
//! one transaction.

/// The consent register, and what withdrawing a consent stops.
pub mod consents;
/// What an erasure reads first and the statements that erase.
pub mod erasure;
/// Every kind of record about a person, read as JSON for subject access.
pub mod export;
/// The retention periods' statements, run by housekeeping.
pub mod retention;
/// Finding a person's account and co-delivery record.
pub mod subjects;

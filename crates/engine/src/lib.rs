//! Pure domain rules for coprod: the types that make invalid states
//! unrepresentable, and (in later capabilities) the algorithms that matter —
//! matching, counting, scoring. Nothing here does I/O or async work, so every
//! rule can be unit- and property-tested and benchmarked on its own.

/// Participatory budgeting: pabulib files and the counting rules.
pub mod budgeting;
/// Open Referral HSDS service documents: checks and search projection.
pub mod hsds;
/// Validation errors shared by every `parse` in this crate.
pub mod invalid;
/// People, organisations and the roles that join them.
pub mod people;
/// Postcodes, coordinates, distances and GSS area codes.
pub mod place;
/// Opening times: weekly rules, exceptions, and UK local time.
pub mod schedule;

pub use invalid::Invalid;

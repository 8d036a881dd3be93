//! The SQL of the person's record: the record itself (`record`), the
//! circle of support (`circle`) and the conversation and agreed plan
//! (`plan`). Every function takes the caller's connection, so a page reads
//! or changes a record and writes its audit row in one transaction.

/// The circle of support's ties.
pub mod circle;
/// The conversation on the Talking Points outcomes, goals and actions.
pub mod plan;
/// Who the person is, how to reach them, what matters to them.
pub mod record;

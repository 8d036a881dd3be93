//! Pure domain rules for coprod: the types that make invalid states
//! unrepresentable, and (in later capabilities) the algorithms that matter —
//! matching, counting, scoring. Nothing here does I/O or async work, so every
//! rule can be unit- and property-tested and benchmarked on its own.

/// Participatory budgeting: pabulib files and the counting rules.
pub mod budgeting;
/// Business cases for co-production initiatives: SROI, payback, sensitivity.
pub mod business_case;
/// Planned check-in calls: schedules, due days, retries and concerns.
pub mod checkins;
/// The Explorer: services × Four Co's, with the gaps.
pub mod explorer;
/// Feedback, compliments and complaints: the model complaints procedure's clocks.
pub mod feedback;
/// Open Referral HSDS service documents: checks and search projection.
pub mod hsds;
/// Validation errors shared by every `parse` in this crate.
pub mod invalid;
/// Matching offers of help to requests: one at a time and in batches.
pub mod matching;
/// People, organisations and the roles that join them.
pub mod people;
/// Postcodes, coordinates, distances and GSS area codes.
pub mod place;
/// Plain English for dates, lengths of time and distances.
pub mod plain;
/// Community planning: plans' indicators, their trend and progress, and charts.
pub mod planning;
/// Social prescribing referrals: life-cycle, due dates, stalls, funnel, outcomes.
pub mod referrals;
/// Opening times: weekly rules, exceptions, and UK local time.
pub mod schedule;
/// The Co-Production Star self-assessment: ratings combined per Co and Step.
pub mod self_assessment;
/// Surveys: building, answering, templates, validated measures and results.
pub mod surveys;
/// Time credits in a double-entry ledger.
pub mod timebank;
/// Working days: weekends and Scotland's bank holidays skipped.
pub mod working_days;

pub use invalid::Invalid;

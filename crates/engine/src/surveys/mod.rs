//! Surveys and consultations: the model a survey is built from, the checks
//! on its design and its answers, the built-in templates, and the
//! arithmetic of its results.
//!
//! Co-design starts by asking, and by asking both sides the same question.
//! Everything here is pure, so the pages, the storage and the
//! `coprod survey score` command stay thin, and the numbers a council
//! publishes can be checked against hand-worked tests.
//!
//! Read in this order: [`question`] and [`definition`] (what a survey is),
//! [`answers`] (what a response is and when it is valid), the templates and
//! their scores ([`coproduction`], [`willingness`], [`perception_gap`],
//! [`instruments`]), then the results helpers ([`statistics`],
//! [`breakdown`], [`results`], [`tables`]).

/// Answers, responses, which questions are shown, and answer checks.
pub mod answers;
/// Results by area, deprivation quintile or age, with small cells withheld.
pub mod breakdown;
/// The co-production survey and its 0–100 index per domain.
pub mod coproduction;
/// A whole survey and the checks on its design.
pub mod definition;
/// SWEMWBS, ONS4 and UCLA-3, scored as published.
pub mod instruments;
/// What citizens say they need beside what staff think they need.
pub mod perception_gap;
/// Codes, wording, scales and the kinds of question.
pub mod question;
/// Response counts and per-question distributions.
pub mod results;
/// Means with 95% t-intervals.
pub mod statistics;
/// Responses and results as rows for CSV.
pub mod tables;
/// Willingness to do more, in hours a month.
pub mod willingness;

pub use answers::{Answer, AnswerSet, Channel, Response, check_answers};
pub use definition::{Section, Survey};
pub use question::{Audience, Code, Question, QuestionKind};

//! The `coprod` command's integration tests, one binary: each module runs the
//! built command as an operator would.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot proceed should fail loudly, right there"
)]

mod cli;
mod feedback;
mod jobs;
mod pb;
mod pb_import_export;
mod people;
mod survey_score;
mod token;

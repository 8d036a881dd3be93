//! The pages: today's calls and the log-call form (`calls`), a person's
//! schedules and the broadcast form (`schedules`), and concerns — the
//! alert list, one concern, and raising one from a round visit
//! (`concerns`).

/// Today's calls and logging one.
pub mod calls;
/// Concerns: the alerts, acknowledging and acting, and visits.
pub mod concerns;
/// A person's schedules, and broadcasts.
pub mod schedules;

use coprod_engine::checkins::concern::Urgency;
use serde::Deserialize;

use super::workflow::CheckinError;
use crate::{error::AppError, web::Shell};

/// A refusal as a page error: what is not theirs is not there.
pub fn page_error(error: CheckinError) -> AppError {
    match error {
        CheckinError::Store(error) => error.into(),
        _ => AppError::NotFound,
    }
}

/// What a redirect after a form asks the next page to say.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct Flash {
    pub done: String,
    pub problem: String,
}

const DONE: &[&str] = &[
    "logged",
    "logged_concern",
    "planned",
    "stopped",
    "broadcast",
    "raised",
    "acknowledged",
    "acted_on",
    "closed",
];
const PROBLEMS: &[&str] = &["already_logged", "not_next"];

impl Flash {
    /// (success, problem) messages, from the catalogue.
    pub fn messages(&self, shell: &Shell) -> (String, String) {
        let pick = |code: &str, known: &[&str], prefix: &str| {
            if known.contains(&code) {
                shell.t(&format!("checkins.{prefix}.{code}"))
            } else {
                String::new()
            }
        };
        (
            pick(&self.done, DONE, "done"),
            pick(&self.problem, PROBLEMS, "problem"),
        )
    }
}

/// The urgency choices, most urgent first, with their plain words.
pub fn urgency_choices(shell: &Shell) -> Vec<(String, String, String)> {
    Urgency::ALL
        .iter()
        .map(|u| {
            (
                u.key().to_owned(),
                shell.t(&format!("checkins.urgency.{}", u.key())),
                shell.t(&format!("checkins.urgency.{}_hint", u.key())),
            )
        })
        .collect()
}

/// The longest note or description kept.
pub const MAX_TEXT: usize = 2_000;

/// Trimmed text, or the error key when it is too long or holds control
/// characters other than line breaks.
pub fn clean_text(raw: &str) -> Result<String, &'static str> {
    let text = raw.trim().replace("\r\n", "\n");
    if text.chars().count() > MAX_TEXT {
        return Err("checkins.error.too_long");
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err("error.text.control");
    }
    Ok(text)
}

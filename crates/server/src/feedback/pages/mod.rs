//! The pages: the form anyone uses to give feedback, compliments and
//! complaints, the page a reference opens, a person's own list and the
//! published feedback (`public`); the staff queue with its clocks, the
//! form for entering an item on someone's behalf, and one item with every
//! step of the procedure (`staff`).

/// Giving feedback, following it, and the published items.
pub mod public;
/// The queue, entering for someone, and each step.
pub mod staff;

use coprod_engine::{
    feedback::{Case, Clock, Kind, Outcome},
    plain,
    schedule::Date,
};
use serde::Deserialize;

use super::{
    model::{About, Feedback, StepRow, Subject},
    store,
    workflow::FeedbackError,
};
use crate::{
    db::{Db, StoreResult},
    error::AppError,
    web::Shell,
};

/// A refusal as a page error: what is not theirs is not there.
pub fn page_error(error: FeedbackError) -> AppError {
    match error {
        FeedbackError::Store(error) => error.into(),
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
    "received",
    "respond",
    "extend_frontline",
    "escalate",
    "acknowledge",
    "extend_investigation",
    "decide",
    "published",
    "withdrawn",
    "reported",
];
const PROBLEMS: &[&str] = &["moved_on"];

impl Flash {
    /// (success, problem) messages, from the catalogue.
    pub fn messages(&self, shell: &Shell) -> (String, String) {
        let pick = |code: &str, known: &[&str], prefix: &str| {
            if known.contains(&code) {
                shell.t(&format!("feedback.{prefix}.{code}"))
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

/// The longest text kept in one field.
pub const MAX_TEXT: usize = 4_000;

/// Trimmed text, or the error key when it is too long or holds control
/// characters other than line breaks.
pub fn clean_text(raw: &str) -> Result<String, &'static str> {
    let text = raw.trim().replace("\r\n", "\n");
    if text.chars().count() > MAX_TEXT {
        return Err("feedback.error.too_long");
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err("error.text.control");
    }
    Ok(text)
}

/// Every subject an item may be about, as (`kind:id`, label, organisation).
pub async fn subjects(db: &Db, shell: &Shell) -> StoreResult<Vec<(String, String, i64)>> {
    let mut conn = db.pool().acquire().await?;
    let mut all = Vec::new();
    for about in About::ALL {
        let found: Vec<Subject> = match about {
            About::Organisation => store::organisations(&mut conn).await?,
            About::Service => store::services(&mut conn).await?,
            About::Process => store::processes(&mut conn).await?,
            About::Survey => store::surveys(&mut conn).await?,
        };
        let prefix = shell.t(&format!("feedback.about.{}", about.key()));
        all.extend(found.into_iter().map(|s| {
            (
                format!("{}:{}", about.key(), s.about_id),
                format!("{prefix}: {}", s.name),
                s.organisation_id,
            )
        }));
    }
    Ok(all)
}

/// The kind, in words.
pub fn kind_word(shell: &Shell, kind: Kind) -> String {
    shell.t(&format!("feedback.kind.{}", kind.key()))
}

/// Where an item stands, in words, with the tag's class.
pub fn status_words(shell: &Shell, item: &Feedback) -> (String, &'static str) {
    match item.status() {
        Some(status) => (
            shell.t(&format!("feedback.status.{}", status.key())),
            if status.is_open() {
                "ds_tag--blue"
            } else {
                "ds_tag--grey"
            },
        ),
        None => (shell.t("feedback.status.received"), "ds_tag--grey"),
    }
}

/// The running clock, in words: what is due and when.
pub fn clock_words(shell: &Shell, case: Option<&Case>, today: Date) -> (String, bool) {
    let Some(clock) = case.and_then(Case::clock) else {
        return (String::new(), false);
    };
    let overdue = clock.due() < today;
    let key = match clock {
        Clock::Frontline(_) => "feedback.clock.frontline",
        Clock::Acknowledge(_) => "feedback.clock.acknowledge",
        Clock::Decision(_) => "feedback.clock.decision",
    };
    (shell.t1(key, &plain::date(clock.due())), overdue)
}

/// The outcome, in words.
pub fn outcome_word(shell: &Shell, outcome: Option<Outcome>) -> String {
    outcome.map_or_else(String::new, |o| {
        shell.t(&format!("feedback.outcome.{}", o.key()))
    })
}

/// The outcome choices, for the forms.
pub fn outcome_choices(shell: &Shell) -> Vec<(String, String)> {
    Outcome::ALL
        .iter()
        .map(|o| {
            (
                o.key().to_owned(),
                shell.t(&format!("feedback.outcome.{}", o.key())),
            )
        })
        .collect()
}

/// A step of the history, as a line.
pub struct HistoryLine {
    pub what: String,
    pub on: String,
    pub by: String,
    pub note: String,
    pub new_date: String,
}

/// The history, worded; staff names only when `with_names`.
pub fn history(shell: &Shell, steps: &[StepRow], with_names: bool) -> Vec<HistoryLine> {
    steps
        .iter()
        .map(|s| HistoryLine {
            what: shell.t(&format!("feedback.step.{}", s.step)),
            on: Date::parse(&s.on_date).map_or_else(|_| s.on_date.clone(), plain::date),
            by: if with_names {
                s.by_name.clone().unwrap_or_default()
            } else {
                String::new()
            },
            note: if with_names || s.step != "received" {
                s.note.clone()
            } else {
                String::new()
            },
            new_date: s
                .new_date
                .as_deref()
                .and_then(|d| Date::parse(d).ok())
                .map_or_else(String::new, plain::date),
        })
        .collect()
}

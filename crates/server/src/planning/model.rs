//! A plan and its parts as stored, and a "you said, we did" entry with its
//! evidence.

use coprod_engine::planning::{Direction, EntryStatus, Figure, Period};
use serde::Serialize;

/// A plan: the partnership's LOIP or a locality plan.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Plan {
    pub id: i64,
    /// `loip` or `locality`.
    pub kind: String,
    pub locality_id: Option<i64>,
    pub locality_name: Option<String>,
    /// The organisation that keeps it; `None`: the partnership itself.
    pub organisation_id: Option<i64>,
    pub organisation_name: Option<String>,
    pub title: String,
    pub summary: String,
    pub easy_read: String,
    pub starts_in: i64,
    pub ends_in: i64,
    published: i64,
    pub updated_at: i64,
}

impl Plan {
    pub fn is_published(&self) -> bool {
        self.published != 0
    }

    pub fn is_loip(&self) -> bool {
        self.kind == "loip"
    }

    /// "2023 to 2028".
    pub fn years(&self) -> String {
        format!("{} to {}", self.starts_in, self.ends_in)
    }

    /// Where the plan is about: the locality, or the whole partnership.
    pub fn area(&self) -> &str {
        self.locality_name.as_deref().unwrap_or("")
    }
}

/// An outcome a plan works towards.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Outcome {
    pub id: i64,
    pub plan_id: i64,
    pub position: i64,
    pub title: String,
    pub description: String,
    pub easy_read: String,
}

/// What the partners concentrate on for an outcome.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Priority {
    pub id: i64,
    pub outcome_id: i64,
    pub title: String,
}

/// How an outcome is measured.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Indicator {
    pub id: i64,
    pub outcome_id: i64,
    pub name: String,
    pub unit: String,
    direction: String,
    pub target: Option<f64>,
    pub easy_read: String,
}

impl Indicator {
    /// Which way is better; a stored word the engine does not know reads
    /// as "up", the database's check allowing only the two.
    pub fn direction(&self) -> Direction {
        Direction::parse(&self.direction).unwrap_or(Direction::Up)
    }
}

/// One figure of an indicator, with where it came from.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct FigureRow {
    pub id: i64,
    pub indicator_id: i64,
    pub period: String,
    pub value: f64,
    pub source: String,
}

impl FigureRow {
    /// The engine's figure; a stored period that no longer parses is left
    /// out of the trend and the chart (the table still shows it).
    pub fn figure(&self) -> Option<Figure> {
        Period::parse(&self.period).ok().map(|period| Figure {
            period,
            value: self.value,
        })
    }
}

/// Something that serves an outcome, named through its own table.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Link {
    pub id: i64,
    pub outcome_id: i64,
    pub kind: String,
    pub target: String,
    /// Its name, or `None` when it has gone.
    pub name: Option<String>,
}

impl Link {
    /// Where the public can read about it, if anywhere.
    pub fn public_href(&self) -> Option<String> {
        self.name.as_ref()?;
        match self.kind.as_str() {
            "service" => Some(format!("/services/{}", self.target)),
            "budgeting_process" => Some(format!("/budgeting/{}", self.target)),
            _ => None,
        }
    }

    /// Where staff work on it.
    pub fn staff_href(&self) -> Option<String> {
        self.name.as_ref()?;
        match self.kind.as_str() {
            "star_initiative" => Some(format!("/star/initiatives/{}", self.target)),
            "survey" => Some(format!("/surveys/{}", self.target)),
            _ => self.public_href(),
        }
    }
}

/// A record that may serve an outcome or evidence an entry: its kind, id
/// and name, offered in the forms' lists.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Linkable {
    pub kind: String,
    pub target: String,
    pub name: String,
}

impl Linkable {
    /// The value a form's list sends: `kind:id`.
    pub fn value(&self) -> String {
        format!("{}:{}", self.kind, self.target)
    }
}

/// A plan outcome something serves, for that thing's own page.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Served {
    pub plan_id: i64,
    pub plan_title: String,
    pub outcome_title: String,
}

/// A "you said, we did" entry.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Entry {
    pub id: i64,
    pub plan_id: i64,
    pub said: String,
    pub did: String,
    /// The day of the change, midnight UTC in Unix seconds.
    pub happened_on: i64,
    status: String,
    pub signed_off_by_name: Option<String>,
    pub signed_off_at: Option<i64>,
    pub updated_at: i64,
}

impl Entry {
    pub fn status(&self) -> EntryStatus {
        EntryStatus::parse(&self.status).unwrap_or(EntryStatus::Draft)
    }

    pub fn is_signed_off(&self) -> bool {
        self.status() == EntryStatus::SignedOff
    }

    /// The day of the change as `YYYY-MM-DD`.
    pub fn day(&self) -> String {
        coprod_engine::schedule::Date::of_unix_seconds(self.happened_on).to_string()
    }

    /// The day of the change in words: "14 March 2026".
    pub fn day_in_words(&self) -> String {
        coprod_engine::plain::date(coprod_engine::schedule::Date::of_unix_seconds(
            self.happened_on,
        ))
    }

    /// The day it was signed off, in words.
    pub fn signed_off_in_words(&self) -> String {
        self.signed_off_at
            .map(|at| {
                coprod_engine::plain::date(coprod_engine::schedule::Date::of_unix_seconds(at))
            })
            .unwrap_or_default()
    }
}

/// One piece of evidence behind an entry.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Evidence {
    pub id: i64,
    pub entry_id: i64,
    pub kind: String,
    pub target: String,
    pub label: String,
    /// For a budgeting project, the process it belongs to.
    pub process_id: Option<i64>,
}

impl Evidence {
    /// Where the public can read it, if anywhere. Complaints' learning
    /// and feedback themes are named by their label until the feedback
    /// capability gives them pages.
    pub fn public_href(&self) -> Option<String> {
        match self.kind.as_str() {
            "service" => Some(format!("/services/{}", self.target)),
            "budgeting_process" => Some(format!("/budgeting/{}/results", self.target)),
            "budgeting_project" => self
                .process_id
                .map(|process| format!("/budgeting/{process}/proposals/{}", self.target)),
            _ => None,
        }
    }
}

//! One participatory budgeting election: its settings, projects and ballots,
//! as read from (or written to) a pabulib file.

use super::decimal::Decimal;

/// How voters filled in their ballots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VoteType {
    /// Tick any number of projects (within the ballot's limits).
    Approval,
    /// Share out points among projects.
    Cumulative,
    /// Rank projects; the city turned ranks into the published `score`.
    Ordinal,
    /// Tick exactly one project.
    ChooseOne,
}

impl VoteType {
    /// The name pabulib uses in META `vote_type`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Approval => "approval",
            Self::Cumulative => "cumulative",
            Self::Ordinal => "ordinal",
            Self::ChooseOne => "choose-1",
        }
    }

    /// The vote type for a META `vote_type` value, if coprod knows it.
    pub fn from_name(name: &str) -> Option<Self> {
        [
            Self::Approval,
            Self::Cumulative,
            Self::Ordinal,
            Self::ChooseOne,
        ]
        .into_iter()
        .find(|vote_type| vote_type.name() == name)
    }
}

/// The META section: keys and values in file order, plus the line each was
/// read from so that a problem found later can point at it.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    entries: Vec<(String, String)>,
    lines: Vec<usize>,
}

impl PartialEq for Meta {
    /// Two META sections are equal when they hold the same keys and values
    /// in the same order, wherever in a file they were read from.
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

impl Meta {
    /// Adds an entry, remembering the line it came from (0 when it did not
    /// come from a file). Returns the line of an earlier entry with the same
    /// key instead of adding a second one.
    pub fn insert(&mut self, key: &str, value: &str, line: usize) -> Result<(), usize> {
        if let Some(earlier) = self.position(key) {
            return Err(self.lines[earlier]);
        }
        self.entries.push((key.to_owned(), value.to_owned()));
        self.lines.push(line);
        Ok(())
    }

    /// Sets a key's value, keeping its place if it is already present.
    pub fn set(&mut self, key: &str, value: &str) {
        if let Some(index) = self.position(key) {
            value.clone_into(&mut self.entries[index].1);
        } else {
            self.entries.push((key.to_owned(), value.to_owned()));
            self.lines.push(0);
        }
    }

    /// The value for a key.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.position(key)
            .map(|index| self.entries[index].1.as_str())
    }

    /// The line a key was read from, if it was read from a file.
    pub fn line_of(&self, key: &str) -> Option<usize> {
        self.position(key)
            .map(|index| self.lines[index])
            .filter(|&line| line > 0)
    }

    /// Every key and value, in file order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.entries.iter().position(|(k, _)| k == key)
    }
}

/// A project on the ballot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// The `project_id`: what ballots name and what results list.
    pub id: String,
    pub cost: Decimal,
    /// The published number of votes, when the file has a `votes` column.
    pub votes: Option<u64>,
    /// The published score, when the file has a `score` column (ordinal
    /// elections publish their points here).
    pub score: Option<Decimal>,
    /// The published outcome, when the file has a `selected` column.
    pub selected: Option<bool>,
    /// Values of the election's other project columns, in the same order as
    /// [`Election::project_columns`].
    pub other: Vec<String>,
}

/// One voter's ballot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    pub voter_id: String,
    /// The projects named, as indexes into [`Election::projects`], in the
    /// order written (for ordinal ballots, best first).
    pub choices: Vec<u32>,
    /// Points per choice, for cumulative ballots; empty otherwise.
    pub points: Vec<u32>,
    /// Values of the election's other vote columns, in the same order as
    /// [`Election::ballot_columns`].
    pub other: Vec<String>,
}

/// A whole election.
#[derive(Debug, Clone, PartialEq)]
pub struct Election {
    /// Every META entry, including `budget` and `vote_type`.
    pub meta: Meta,
    pub budget: Decimal,
    pub vote_type: VoteType,
    pub projects: Vec<Project>,
    /// Names of project columns other than `project_id`, `cost`, `votes`,
    /// `score` and `selected`.
    pub project_columns: Vec<String>,
    pub ballots: Vec<Ballot>,
    /// Names of vote columns other than `voter_id`, `vote` and `points`.
    pub ballot_columns: Vec<String>,
}

impl Election {
    /// The project with this `project_id`.
    pub fn project_index(&self, id: &str) -> Option<usize> {
        self.projects.iter().position(|project| project.id == id)
    }

    /// META `min_project_score_threshold`, when present and a number.
    pub fn score_threshold(&self) -> Option<Decimal> {
        self.meta
            .get("min_project_score_threshold")
            .and_then(|value| Decimal::parse(value).ok())
    }
}

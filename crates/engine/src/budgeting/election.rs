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
    /// The published outcome, when the file has a `selected` column, as
    /// written there: 0 not funded, 1 funded by the counting rule, and any
    /// larger number (pabulib files use 2) funded outside the counting rule,
    /// by the city's own decision. See [`Project::funded_by_rule`].
    pub selected: Option<u64>,
    /// Values of the election's other project columns, in the same order as
    /// [`Election::project_columns`].
    pub other: Vec<String>,
}

impl Project {
    /// Whether the published outcome funded it by the counting rule (the
    /// rule's own outcome, which a count reproduces); `None` when the file
    /// publishes no outcome for it.
    pub fn funded_by_rule(&self) -> Option<bool> {
        self.selected.map(|s| s == 1)
    }

    /// Whether the published outcome funded it outside the counting rule
    /// (`selected` 2 or more).
    pub fn funded_outside_rule(&self) -> bool {
        self.selected.is_some_and(|s| s >= 2)
    }
}

/// One voter's ballot, borrowed from [`Ballots`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ballot<'b> {
    pub voter_id: &'b str,
    /// The projects named, as indexes into [`Election::projects`], in the
    /// order written (for ordinal ballots, best first).
    pub choices: &'b [u32],
    /// Points per choice, for cumulative ballots; empty otherwise.
    pub points: &'b [u32],
    other: &'b [Span],
    text: &'b str,
}

impl<'b> Ballot<'b> {
    /// The value in the ballot's `index`-th other column (see
    /// [`Ballots::columns`]).
    pub fn other(&self, index: usize) -> Option<&'b str> {
        self.other.get(index).map(|span| span.of(self.text))
    }
}

/// Where a piece of text sits in a longer one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: u32,
    end: u32,
}

impl Span {
    fn of(self, text: &str) -> &str {
        &text[self.start as usize..self.end as usize]
    }
}

/// Every ballot, stored column by column in a few long buffers.
///
/// A city-wide election has tens of thousands of ballots; one small string
/// and vector per ballot and field would make reading a file mostly memory
/// allocation. Here adding a ballot only appends to buffers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ballots {
    columns: Vec<String>,
    /// Voter ids and other-column values, one after another.
    text: String,
    voter_ids: Vec<Span>,
    /// Every ballot's choices, one after another; ballot `i`'s are
    /// `choices[choice_ends[i - 1]..choice_ends[i]]`.
    choices: Vec<u32>,
    choice_ends: Vec<u32>,
    /// Parallel to `choices` for cumulative ballots, else empty.
    points: Vec<u32>,
    /// `columns.len()` values per ballot.
    other: Vec<Span>,
}

/// Why a ballot could not be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BallotsFull {
    #[error("the ballots hold more than 4 GB of text or 4 billion choices")]
    TooLarge,
    #[error("a ballot has a different number of points than choices")]
    PointsDoNotMatch,
    #[error("a ballot has a different number of values than there are columns")]
    ValuesDoNotMatch,
}

impl Ballots {
    /// No ballots yet; each will have a value for each of `columns` (the
    /// columns other than `voter_id`, `vote` and `points`).
    pub fn new(columns: Vec<String>) -> Self {
        Self {
            columns,
            ..Self::default()
        }
    }

    /// Makes room for `ballots` more ballots (a few choices each).
    pub fn reserve(&mut self, ballots: usize) {
        let ballots = ballots.min(10_000_000);
        self.voter_ids.reserve(ballots);
        self.choice_ends.reserve(ballots);
        self.choices.reserve(ballots * 3);
        self.other.reserve(ballots * self.columns.len());
        self.text.reserve(ballots * (12 + 8 * self.columns.len()));
    }

    /// The names of the other columns.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    pub fn len(&self) -> usize {
        self.voter_ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.voter_ids.is_empty()
    }

    /// Adds a ballot. `points` is empty unless the election is cumulative,
    /// and then has one entry per choice.
    pub fn push<'v>(
        &mut self,
        voter_id: &str,
        choices: &[u32],
        points: &[u32],
        other: impl IntoIterator<Item = &'v str>,
    ) -> Result<(), BallotsFull> {
        if !points.is_empty() && points.len() != choices.len() {
            return Err(BallotsFull::PointsDoNotMatch);
        }
        let values_before = self.other.len();
        let voter_id = self.append_text(voter_id)?;
        for value in other {
            let span = self.append_text(value)?;
            self.other.push(span);
        }
        if self.other.len() - values_before != self.columns.len() {
            self.other.truncate(values_before);
            return Err(BallotsFull::ValuesDoNotMatch);
        }
        self.voter_ids.push(voter_id);
        self.choices.extend_from_slice(choices);
        self.points.extend_from_slice(points);
        let end = u32::try_from(self.choices.len()).map_err(|_| BallotsFull::TooLarge)?;
        self.choice_ends.push(end);
        Ok(())
    }

    fn append_text(&mut self, value: &str) -> Result<Span, BallotsFull> {
        let start = u32::try_from(self.text.len()).map_err(|_| BallotsFull::TooLarge)?;
        self.text.push_str(value);
        let end = u32::try_from(self.text.len()).map_err(|_| BallotsFull::TooLarge)?;
        Ok(Span { start, end })
    }

    /// The `index`-th ballot.
    pub fn get(&self, index: usize) -> Option<Ballot<'_>> {
        (index < self.len()).then(|| self.at(index))
    }

    /// Every ballot, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Ballot<'_>> + '_ {
        (0..self.len()).map(|index| self.at(index))
    }

    /// The `index`-th ballot, which must exist.
    fn at(&self, index: usize) -> Ballot<'_> {
        let voter_id = self.voter_ids[index];
        let start = if index == 0 {
            0
        } else {
            self.choice_ends[index - 1] as usize
        };
        let end = self.choice_ends[index] as usize;
        let width = self.columns.len();
        Ballot {
            voter_id: voter_id.of(&self.text),
            choices: &self.choices[start..end],
            points: if self.points.is_empty() {
                &[]
            } else {
                &self.points[start..end]
            },
            other: &self.other[index * width..(index + 1) * width],
            text: &self.text,
        }
    }
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
    pub ballots: Ballots,
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

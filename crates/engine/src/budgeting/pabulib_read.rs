//! Reading the pabulib `.pb` format (pabulib.org/format).
//!
//! A file has three sections, each a marker line (`META`, `PROJECTS`,
//! `VOTES`) followed by a header row and data rows, all semicolon-separated
//! CSV. Fields may be quoted and quoted fields may hold semicolons, so the
//! text goes through a real CSV reader (the `csv` crate), never `split(';')`.
//!
//! Everything is checked as it is read, and the first problem stops the
//! reading with a [`PabulibError`] that names the section, the line and what
//! is wrong, so that an operator can open the file at that line.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

use super::decimal::Decimal;
use super::election::{Ballots, Election, Meta, Project, VoteType};

/// The three parts of a pabulib file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Meta,
    Projects,
    Votes,
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Meta => "META",
            Self::Projects => "PROJECTS",
            Self::Votes => "VOTES",
        })
    }
}

/// What is wrong with a pabulib file, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{section} line {line}: {problem}")]
pub struct PabulibError {
    pub section: Section,
    /// The 1-based line in the file.
    pub line: usize,
    pub problem: String,
}

impl PabulibError {
    pub(crate) fn new(section: Section, line: usize, problem: impl Into<String>) -> Self {
        Self {
            section,
            line,
            problem: problem.into(),
        }
    }
}

/// Reads a whole pabulib file. A leading byte-order mark is ignored.
pub fn read(text: &str) -> Result<Election, PabulibError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut builder = Builder::default();
    let mut record = csv::StringRecord::new();
    loop {
        let line = usize::try_from(reader.position().line()).unwrap_or(usize::MAX);
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record
                    .position()
                    .and_then(|p| usize::try_from(p.line()).ok())
                    .unwrap_or(line);
                builder.row(&record, line)?;
            }
            Err(error) => {
                let line = error
                    .position()
                    .and_then(|p| usize::try_from(p.line()).ok())
                    .unwrap_or(line);
                let problem = match error.kind() {
                    csv::ErrorKind::Utf8 { .. } => "the text is not valid UTF-8".to_owned(),
                    _ => format!("unreadable CSV: {error}"),
                };
                return Err(PabulibError::new(builder.section_or_meta(), line, problem));
            }
        }
    }
    builder.finish(|| text.lines().count().max(1))
}

/// Where the reader is: which section, and whether its header row has been
/// read yet.
#[derive(Default)]
struct Builder {
    section: Option<Section>,
    header_seen: bool,
    section_line: usize,
    meta: Meta,
    settings: Option<Settings>,
    projects: ProjectsTable,
    votes: VotesTable,
}

/// What META must say before the projects can be read.
struct Settings {
    budget: Decimal,
    vote_type: VoteType,
}

#[derive(Default)]
struct ProjectsTable {
    columns: Columns,
    rows: Vec<Project>,
    by_id: HashMap<String, u32, BuildHasherDefault<Fnv>>,
    lines: Vec<usize>,
}

#[derive(Default)]
struct VotesTable {
    columns: Columns,
    /// Where `voter_id`, `vote` and `points` are.
    voter_id: usize,
    vote: usize,
    points: Option<usize>,
    rows: Ballots,
    lines: Vec<usize>,
    // Reused for each row.
    choices: Vec<u32>,
    given: Vec<u32>,
}

/// A section's header: where the known columns are, and the names of the
/// others in order.
#[derive(Default)]
struct Columns {
    width: usize,
    known: HashMap<&'static str, usize>,
    other: Vec<(usize, String)>,
}

impl Columns {
    fn parse(
        record: &csv::StringRecord,
        known_names: &[&'static str],
        required: &[&'static str],
        section: Section,
        line: usize,
    ) -> Result<Self, PabulibError> {
        let mut columns = Self {
            width: record.len(),
            ..Self::default()
        };
        let mut seen = HashMap::new();
        for (index, raw) in record.iter().enumerate() {
            let name = raw.trim();
            if name.is_empty() {
                return Err(PabulibError::new(
                    section,
                    line,
                    format!("column {} of the header has no name", index + 1),
                ));
            }
            if seen.insert(name.to_owned(), index).is_some() {
                return Err(PabulibError::new(
                    section,
                    line,
                    format!("the header names the column {name:?} twice"),
                ));
            }
            match known_names.iter().find(|known| **known == name) {
                Some(known) => {
                    columns.known.insert(known, index);
                }
                None => columns.other.push((index, name.to_owned())),
            }
        }
        for name in required {
            if !columns.known.contains_key(name) {
                return Err(PabulibError::new(
                    section,
                    line,
                    format!("the header has no {name:?} column"),
                ));
            }
        }
        Ok(columns)
    }

    /// The trimmed value in a known column, `None` when the file has no such
    /// column or the value is empty or `None` (pabulib's missing value).
    fn value<'r>(&self, record: &'r csv::StringRecord, name: &str) -> Option<&'r str> {
        let value = missing_as_empty(record.get(*self.known.get(name)?)?);
        (!value.is_empty()).then_some(value)
    }

    fn check_width(
        &self,
        record: &csv::StringRecord,
        section: Section,
        line: usize,
    ) -> Result<(), PabulibError> {
        if record.len() == self.width {
            return Ok(());
        }
        Err(PabulibError::new(
            section,
            line,
            format!(
                "the row has {} fields but the header has {}",
                record.len(),
                self.width
            ),
        ))
    }

    fn others(&self, record: &csv::StringRecord) -> Vec<String> {
        self.other
            .iter()
            .map(|(index, _)| record.get(*index).unwrap_or("").trim().to_owned())
            .collect()
    }

    fn other_names(&self) -> Vec<String> {
        self.other.iter().map(|(_, name)| name.clone()).collect()
    }
}

const PROJECT_COLUMNS: &[&str] = &["project_id", "cost", "votes", "score", "selected"];
const VOTE_COLUMNS: &[&str] = &["voter_id", "vote", "points"];

impl Builder {
    fn section_or_meta(&self) -> Section {
        self.section.unwrap_or(Section::Meta)
    }

    fn row(&mut self, record: &csv::StringRecord, line: usize) -> Result<(), PabulibError> {
        if record.iter().all(|field| trim(field).is_empty()) {
            return Ok(());
        }
        let joined = record.as_slice();
        if joined.contains('\n') || joined.contains('\r') {
            // pabulib fields are single-line; a field running on usually
            // means a quote was opened and never closed.
            return Err(PabulibError::new(
                self.section_or_meta(),
                line,
                "a quoted field runs on over the end of the line; is a closing quote missing?",
            ));
        }
        if let Some(next) = section_marker(record) {
            return self.start_section(next, line);
        }
        let Some(section) = self.section else {
            return Err(PabulibError::new(
                Section::Meta,
                line,
                "the file must start with the line META",
            ));
        };
        if !self.header_seen {
            self.header_seen = true;
            return self.header(section, record, line);
        }
        match section {
            Section::Meta => self.meta_row(record, line),
            Section::Projects => self.project_row(record, line),
            Section::Votes => self.vote_row(record, line),
        }
    }

    fn start_section(&mut self, next: Section, line: usize) -> Result<(), PabulibError> {
        let expected = match self.section {
            None => Section::Meta,
            Some(Section::Meta) => Section::Projects,
            Some(Section::Projects) => Section::Votes,
            Some(Section::Votes) => {
                return Err(PabulibError::new(
                    next,
                    line,
                    format!("{next} appears again after VOTES"),
                ));
            }
        };
        if next != expected {
            return Err(PabulibError::new(
                next,
                line,
                format!("expected the {expected} section here, not {next}"),
            ));
        }
        if let Some(current) = self.section {
            self.end_section(current, line)?;
        }
        self.section = Some(next);
        self.section_line = line;
        self.header_seen = false;
        Ok(())
    }

    fn end_section(&mut self, section: Section, next_line: usize) -> Result<(), PabulibError> {
        if !self.header_seen {
            return Err(PabulibError::new(
                section,
                next_line,
                format!("the {section} section has no header row"),
            ));
        }
        if section == Section::Meta {
            self.settings = Some(self.settings_from_meta()?);
        }
        Ok(())
    }

    fn header(
        &mut self,
        section: Section,
        record: &csv::StringRecord,
        line: usize,
    ) -> Result<(), PabulibError> {
        match section {
            Section::Meta => {
                let names: Vec<&str> = record.iter().map(str::trim).collect();
                if names != ["key", "value"] {
                    return Err(PabulibError::new(
                        section,
                        line,
                        "the header row must be key;value",
                    ));
                }
            }
            Section::Projects => {
                // Ordinal ballots are counted by the points the city gave
                // each rank, which only the published score records.
                let required: &[&str] = if self.vote_type() == VoteType::Ordinal {
                    &["project_id", "cost", "score"]
                } else {
                    &["project_id", "cost"]
                };
                self.projects.columns =
                    Columns::parse(record, PROJECT_COLUMNS, required, section, line)?;
            }
            Section::Votes => {
                let cumulative = self.vote_type() == VoteType::Cumulative;
                let required: &[&str] = if cumulative {
                    &["voter_id", "vote", "points"]
                } else {
                    &["voter_id", "vote"]
                };
                let columns = Columns::parse(record, VOTE_COLUMNS, required, section, line)?;
                self.votes.voter_id = columns.known.get("voter_id").copied().unwrap_or(0);
                self.votes.vote = columns.known.get("vote").copied().unwrap_or(0);
                self.votes.points = columns.known.get("points").copied();
                self.votes.rows = Ballots::new(columns.other_names());
                if let Some(expected) = self.meta.get("num_votes").and_then(|n| n.parse().ok()) {
                    self.votes.rows.reserve(expected);
                    self.votes.lines.reserve(expected);
                }
                self.votes.columns = columns;
            }
        }
        Ok(())
    }

    fn meta_row(&mut self, record: &csv::StringRecord, line: usize) -> Result<(), PabulibError> {
        let key = record.get(0).unwrap_or("").trim();
        if key.is_empty() {
            return Err(PabulibError::new(Section::Meta, line, "the key is empty"));
        }
        let Some(value) = record.get(1) else {
            return Err(PabulibError::new(
                Section::Meta,
                line,
                format!("{key:?} has no value"),
            ));
        };
        if record.len() > 2 && record.iter().skip(2).any(|f| !f.trim().is_empty()) {
            return Err(PabulibError::new(
                Section::Meta,
                line,
                format!("{key:?} has more than one value (quote a value that holds a semicolon)"),
            ));
        }
        self.meta
            .insert(key, value.trim(), line)
            .map_err(|earlier| {
                PabulibError::new(
                    Section::Meta,
                    line,
                    format!("{key:?} is already given on line {earlier}"),
                )
            })
    }

    /// Checks the META entries that counting depends on.
    fn settings_from_meta(&self) -> Result<Settings, PabulibError> {
        let at = |key: &str| self.meta.line_of(key).unwrap_or(self.section_line);
        let required = |key: &str| {
            self.meta.get(key).ok_or_else(|| {
                PabulibError::new(
                    Section::Meta,
                    self.section_line,
                    format!("META has no {key}"),
                )
            })
        };
        let budget = Decimal::parse(required("budget")?)
            .map_err(|e| PabulibError::new(Section::Meta, at("budget"), format!("budget: {e}")))?;
        if budget.is_negative() {
            return Err(PabulibError::new(
                Section::Meta,
                at("budget"),
                "the budget is negative",
            ));
        }
        let vote_type_name = required("vote_type")?;
        let vote_type = VoteType::from_name(vote_type_name).ok_or_else(|| {
            PabulibError::new(
                Section::Meta,
                at("vote_type"),
                format!(
                    "vote_type {vote_type_name:?} is not one of approval, cumulative, ordinal, choose-1"
                ),
            )
        })?;
        for key in ["min_project_score_threshold", "max_sum_cost"] {
            if let Some(value) = self.meta.get(key) {
                Decimal::parse(value).map_err(|e| {
                    PabulibError::new(Section::Meta, at(key), format!("{key}: {e}"))
                })?;
            }
        }
        for key in ["num_projects", "num_votes"] {
            if let Some(value) = self.meta.get(key) {
                value.parse::<u64>().map_err(|_| {
                    PabulibError::new(
                        Section::Meta,
                        at(key),
                        format!("{key} {value:?} is not a whole number"),
                    )
                })?;
            }
        }
        Ok(Settings { budget, vote_type })
    }

    fn vote_type(&self) -> VoteType {
        self.settings
            .as_ref()
            .map_or(VoteType::Approval, |settings| settings.vote_type)
    }

    fn project_row(&mut self, record: &csv::StringRecord, line: usize) -> Result<(), PabulibError> {
        let section = Section::Projects;
        let table = &mut self.projects;
        table.columns.check_width(record, section, line)?;
        let fail = |problem: String| PabulibError::new(section, line, problem);
        let id = table
            .columns
            .value(record, "project_id")
            .ok_or_else(|| fail("the project_id is empty".to_owned()))?;
        if let Some(&earlier) = table.by_id.get(id) {
            let earlier_line = table.lines[earlier as usize];
            return Err(fail(format!(
                "project {id:?} is already listed on line {earlier_line}"
            )));
        }
        let cost_text = table
            .columns
            .value(record, "cost")
            .ok_or_else(|| fail(format!("project {id:?} has no cost")))?;
        let cost = Decimal::parse(cost_text)
            .map_err(|e| fail(format!("the cost of project {id:?}: {e}")))?;
        if cost.is_negative() {
            return Err(fail(format!("project {id:?} has a negative cost")));
        }
        let votes = match table.columns.value(record, "votes") {
            Some(text) => Some(text.parse::<u64>().map_err(|_| {
                fail(format!(
                    "the votes of project {id:?} ({text:?}) are not a whole number"
                ))
            })?),
            None => None,
        };
        let score = match table.columns.value(record, "score") {
            Some(text) => Some(
                Decimal::parse(text)
                    .map_err(|e| fail(format!("the score of project {id:?}: {e}")))?,
            ),
            None => None,
        };
        if score.is_none()
            && self
                .settings
                .as_ref()
                .is_some_and(|s| s.vote_type == VoteType::Ordinal)
        {
            return Err(fail(format!(
                "project {id:?} has no score, which ordinal elections are counted by"
            )));
        }
        // 0 and 1 are the rule's outcome; published files also use 2 (and
        // could use more) for projects funded outside the counting rule.
        // Any whole number is kept as written.
        let selected = match table.columns.value(record, "selected") {
            None => None,
            Some(text) => Some(
                text.parse::<u64>()
                    .ok()
                    .filter(|_| text.bytes().all(|b| b.is_ascii_digit()))
                    .ok_or_else(|| {
                        fail(format!(
                            "selected must be a whole number of 0 or more for project {id:?}, not {text:?}"
                        ))
                    })?,
            ),
        };
        let index =
            u32::try_from(table.rows.len()).map_err(|_| fail("too many projects".to_owned()))?;
        table.by_id.insert(id.to_owned(), index);
        table.lines.push(line);
        table.rows.push(Project {
            id: id.to_owned(),
            cost,
            votes,
            score,
            selected,
            other: table.columns.others(record),
        });
        Ok(())
    }

    fn vote_row(&mut self, record: &csv::StringRecord, line: usize) -> Result<(), PabulibError> {
        let section = Section::Votes;
        let cumulative = self.vote_type() == VoteType::Cumulative;
        let projects = &self.projects;
        let table = &mut self.votes;
        table.columns.check_width(record, section, line)?;
        let fail = |problem: String| PabulibError::new(section, line, problem);
        let field = |index: usize| missing_as_empty(record.get(index).unwrap_or(""));
        let voter_id = field(table.voter_id);
        if voter_id.is_empty() {
            return Err(fail("the voter_id is empty".to_owned()));
        }
        table.choices.clear();
        for name in field(table.vote).split(',') {
            let name = trim(name);
            if name.is_empty() {
                continue;
            }
            let index = projects.by_id.get(name).ok_or_else(|| {
                fail(format!(
                    "voter {voter_id:?} votes for project {name:?}, which is not in PROJECTS"
                ))
            })?;
            table.choices.push(*index);
        }
        table.given.clear();
        if cumulative {
            let text = table.points.map_or("", field);
            for item in text.split(',').filter(|item| !item.trim().is_empty()) {
                table.given.push(item.trim().parse::<u32>().map_err(|_| {
                    fail(format!(
                        "voter {voter_id:?} gives {item:?} points, which is not a whole number"
                    ))
                })?);
            }
            if table.given.len() != table.choices.len() {
                return Err(fail(format!(
                    "voter {voter_id:?} names {} projects but gives {} points",
                    table.choices.len(),
                    table.given.len()
                )));
            }
        }
        let other = table
            .columns
            .other
            .iter()
            .map(|&(index, _)| trim(record.get(index).unwrap_or("")));
        table
            .rows
            .push(voter_id, &table.choices, &table.given, other)
            .map_err(|e| fail(e.to_string()))?;
        table.lines.push(line);
        Ok(())
    }

    /// Each voter may vote once: the first repeated `voter_id` is an error
    /// naming both lines.
    fn check_voters_unique(&self) -> Result<(), PabulibError> {
        let ballots = &self.votes.rows;
        let mut first: HashMap<&str, usize, BuildHasherDefault<Fnv>> =
            HashMap::with_capacity_and_hasher(ballots.len(), BuildHasherDefault::default());
        for (index, ballot) in ballots.iter().enumerate() {
            if let Some(earlier) = first.insert(ballot.voter_id, index) {
                return Err(PabulibError::new(
                    Section::Votes,
                    self.votes.lines[index],
                    format!(
                        "voter {:?} already voted on line {}",
                        ballot.voter_id, self.votes.lines[earlier]
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Checks that the file was complete; `last_line` is only counted when
    /// an error needs it.
    fn finish(mut self, last_line: impl Fn() -> usize) -> Result<Election, PabulibError> {
        match self.section {
            Some(Section::Votes) if self.header_seen => {}
            Some(section) if !self.header_seen => {
                return Err(PabulibError::new(
                    section,
                    last_line(),
                    format!("the file ends before the {section} header row"),
                ));
            }
            Some(section) => {
                let missing = if section == Section::Meta {
                    Section::Projects
                } else {
                    Section::Votes
                };
                return Err(PabulibError::new(
                    missing,
                    last_line(),
                    format!("the file ends without a {missing} section"),
                ));
            }
            None => {
                return Err(PabulibError::new(
                    Section::Meta,
                    last_line(),
                    "the file has no META section",
                ));
            }
        }
        self.check_counts()?;
        self.check_voters_unique()?;
        let Settings { budget, vote_type } = self
            .settings
            .take()
            .ok_or_else(|| PabulibError::new(Section::Meta, 1, "META was not read"))?;
        Ok(Election {
            meta: self.meta,
            budget,
            vote_type,
            project_columns: self.projects.columns.other_names(),
            projects: self.projects.rows,
            ballots: self.votes.rows,
        })
    }

    /// META `num_projects` and `num_votes`, when given, must match what the
    /// file holds: a mismatch usually means a truncated or spliced file.
    fn check_counts(&self) -> Result<(), PabulibError> {
        for (key, actual, what) in [
            ("num_projects", self.projects.rows.len(), "projects"),
            ("num_votes", self.votes.rows.len(), "ballots"),
        ] {
            let Some(stated) = self.meta.get(key).and_then(|v| v.parse::<usize>().ok()) else {
                continue;
            };
            if stated != actual {
                return Err(PabulibError::new(
                    Section::Meta,
                    self.meta.line_of(key).unwrap_or(1),
                    format!("{key} is {stated} but the file holds {actual} {what}"),
                ));
            }
        }
        Ok(())
    }
}

/// A field without surrounding white space. Most fields have none, and
/// checking the first and last byte is much cheaper than `str::trim`.
fn trim(field: &str) -> &str {
    let plain = |byte: Option<&u8>| byte.is_some_and(|b| b.is_ascii() && !b.is_ascii_whitespace());
    let bytes = field.as_bytes();
    if plain(bytes.first()) && plain(bytes.last()) {
        field
    } else {
        field.trim()
    }
}

/// A field trimmed, with pabulib's missing value `None` read as empty.
fn missing_as_empty(field: &str) -> &str {
    let field = trim(field);
    if field.eq_ignore_ascii_case("none") {
        ""
    } else {
        field
    }
}

/// The FNV-1a hash: for the short keys here (project and voter ids) much
/// faster than the standard library's collision-resistant default, and a
/// file cannot gain anything by making its own ids collide.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The section a row starts, if it is a marker line (`META`, `PROJECTS` or
/// `VOTES`, in any case, alone on its line).
fn section_marker(record: &csv::StringRecord) -> Option<Section> {
    let first = record.get(0)?.trim();
    if record.iter().skip(1).any(|field| !field.trim().is_empty()) {
        return None;
    }
    match first.to_ascii_lowercase().as_str() {
        "meta" => Some(Section::Meta),
        "projects" => Some(Section::Projects),
        "votes" => Some(Section::Votes),
        _ => None,
    }
}

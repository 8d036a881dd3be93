//! Community planning: the partnership's Local Outcomes Improvement Plan
//! and its locality plans. A plan has outcomes; an outcome has priorities
//! and indicators; an indicator has figures over time (a period, a value
//! and where the value came from) and, perhaps, a target.
//!
//! The rules here are the ones people read off a plan's public page: the
//! order of periods, which way an indicator is moving and whether that is
//! good ([`trend`]), how far it has come from its first figure towards its
//! target ([`progress`]), and the shape of its chart ([`chart`]). The kinds
//! of thing a plan's outcomes are served by, and the kinds of evidence a
//! "you said, we did" entry points to, are here too, so the pages, the
//! API and the database all accept the same words.

/// The layout of an indicator's line chart.
pub mod chart;
#[cfg(test)]
mod tests;

use std::{cmp::Ordering, fmt};

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// The longest a period's label may be.
const PERIOD_CHARS: usize = 7;

/// The time a figure covers: a calendar year (`2024`) or a financial year
/// (`2024/25`, April to March), the two ways Scottish public bodies report.
/// Periods sort by the year they start in, a calendar year before the
/// financial year that starts in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    /// The year the period starts in.
    pub start_year: u16,
    /// A financial year, April to March.
    pub financial: bool,
}

impl Period {
    /// Parses `YYYY` or `YYYY/YY`, where the second year follows the first.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let invalid = || Invalid::new("error.planning.period");
        let raw = raw.trim();
        if raw.is_empty() || raw.len() > PERIOD_CHARS || !raw.is_ascii() {
            return Err(invalid());
        }
        let year = |text: &str| -> Result<u16, Invalid> {
            if text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()) {
                text.parse::<u16>()
                    .ok()
                    .filter(|y| (1900..=2199).contains(y))
                    .ok_or_else(invalid)
            } else {
                Err(invalid())
            }
        };
        match raw.split_once('/') {
            None => Ok(Self {
                start_year: year(raw)?,
                financial: false,
            }),
            Some((first, second)) => {
                let start_year = year(first)?;
                let expected = (start_year + 1) % 100;
                let follows = second.len() == 2
                    && second.bytes().all(|b| b.is_ascii_digit())
                    && second.parse::<u16>().ok() == Some(expected);
                if follows {
                    Ok(Self {
                        start_year,
                        financial: true,
                    })
                } else {
                    Err(invalid())
                }
            }
        }
    }
}

impl Ord for Period {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.start_year, self.financial).cmp(&(other.start_year, other.financial))
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.financial {
            write!(f, "{}/{:02}", self.start_year, (self.start_year + 1) % 100)
        } else {
            write!(f, "{}", self.start_year)
        }
    }
}

impl TryFrom<String> for Period {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Period> for String {
    fn from(value: Period) -> Self {
        value.to_string()
    }
}

/// A figure's value: a finite number, within what a page can show.
pub fn parse_value(raw: &str) -> Result<f64, Invalid> {
    let cleaned: String = raw.trim().chars().filter(|c| *c != ',').collect();
    let cleaned = cleaned.strip_suffix('%').unwrap_or(&cleaned).trim();
    match cleaned.parse::<f64>() {
        Ok(value) if value.is_finite() && value.abs() < 1e12 => Ok(value),
        _ => Err(Invalid::new("error.planning.value")),
    }
}

/// A number as people read it: no more than two decimal places, none
/// when it is whole, and thousands grouped with commas ("12,400", "62.5").
pub fn plain_number(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    let text = format!("{:.2}", rounded.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let fraction = fraction.trim_end_matches('0');
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if rounded < 0.0 { "-" } else { "" };
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{fraction}")
    }
}

/// Which way is better for an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// More is better: people who feel they have a say, volunteers.
    Up,
    /// Less is better: emergency admissions, people waiting.
    Down,
}

impl Direction {
    pub const ALL: [Direction; 2] = [Direction::Up, Direction::Down];

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|d| d.as_str() == raw.trim())
            .ok_or(Invalid::new("error.planning.direction"))
    }

    /// Whether moving from `from` to `to` is a step the right way.
    fn better(self, from: f64, to: f64) -> bool {
        match self {
            Direction::Up => to > from,
            Direction::Down => to < from,
        }
    }
}

/// One figure of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub period: Period,
    pub value: f64,
}

/// Figures in time order, one per period (the last given for a period
/// wins, as a corrected figure replaces the first).
pub fn in_order(figures: &[Figure]) -> Vec<Figure> {
    let mut sorted: Vec<Figure> = Vec::with_capacity(figures.len());
    for figure in figures {
        match sorted.iter_mut().find(|f| f.period == figure.period) {
            Some(existing) => *existing = *figure,
            None => sorted.push(*figure),
        }
    }
    sorted.sort_by_key(|f| f.period);
    sorted
}

/// Which way an indicator moved between its last two figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    /// Moved the way that is better.
    Improving,
    /// Moved the way that is worse.
    Worsening,
    /// Did not move (within a hundredth).
    Steady,
    /// Fewer than two figures: nothing to compare.
    TooFewFigures,
}

impl Trend {
    pub fn as_str(self) -> &'static str {
        match self {
            Trend::Improving => "improving",
            Trend::Worsening => "worsening",
            Trend::Steady => "steady",
            Trend::TooFewFigures => "too_few_figures",
        }
    }
}

/// Differences smaller than this are no change at all.
const STEADY: f64 = 0.005;

/// The trend from the last-but-one figure to the last, in time order.
pub fn trend(figures: &[Figure], direction: Direction) -> Trend {
    let sorted = in_order(figures);
    match sorted.as_slice() {
        [.., before, last] => {
            if (last.value - before.value).abs() < STEADY {
                Trend::Steady
            } else if direction.better(before.value, last.value) {
                Trend::Improving
            } else {
                Trend::Worsening
            }
        }
        _ => Trend::TooFewFigures,
    }
}

/// How far an indicator has come towards its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// The share of the way from the first figure to the target covered by
    /// the latest, in whole per cent: 0 when it has not moved or moved the
    /// wrong way, 100 when the target is met.
    pub percent: u8,
    /// The latest figure is at or beyond the target.
    pub met: bool,
}

/// Progress from the first figure (the baseline) to `target`, judged by
/// the latest. `None` without a target or a figure.
pub fn progress(figures: &[Figure], target: Option<f64>, direction: Direction) -> Option<Progress> {
    let target = target?;
    let sorted = in_order(figures);
    let (first, latest) = (sorted.first()?, sorted.last()?);
    let met = !direction.better(latest.value, target);
    if met {
        return Some(Progress { percent: 100, met });
    }
    let whole = target - first.value;
    let made = latest.value - first.value;
    // The baseline itself short of the target, so `whole` points the
    // better way and is not zero.
    let share = if whole.abs() < f64::EPSILON {
        0.0
    } else {
        (made / whole).clamp(0.0, 0.99)
    };
    Some(Progress {
        percent: percent_of(share),
        met,
    })
}

/// A share from 0 to 1 as whole per cent, rounded down.
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "clamped to 0..=100 before the conversion"
)]
fn percent_of(share: f64) -> u8 {
    (share * 100.0).floor().clamp(0.0, 100.0) as u8
}

/// What a plan's outcome can be served by: things kept elsewhere in coprod.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// An initiative of the Co-Production Star toolkit.
    StarInitiative,
    /// A participatory budgeting process.
    BudgetingProcess,
    /// A survey or consultation.
    Survey,
    /// A service on the community asset map.
    Service,
}

impl LinkKind {
    pub const ALL: [LinkKind; 4] = [
        LinkKind::StarInitiative,
        LinkKind::BudgetingProcess,
        LinkKind::Survey,
        LinkKind::Service,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::StarInitiative => "star_initiative",
            LinkKind::BudgetingProcess => "budgeting_process",
            LinkKind::Survey => "survey",
            LinkKind::Service => "service",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == raw.trim())
            .ok_or(Invalid::new("error.planning.link_kind"))
    }
}

/// What a "you said, we did" entry can point to as its evidence. The
/// first five are records coprod keeps; a complaint's learning and a
/// theme of feedback are kept by the feedback capability and are stored
/// by kind and id until it can name them; a document is somewhere else
/// altogether, named by its label alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    Survey,
    BudgetingProcess,
    /// A project decided by participatory budgeting, with its delivery.
    BudgetingProject,
    StarInitiative,
    Service,
    /// What was learned from a complaint, and what changes.
    Complaint,
    /// A theme drawn from feedback and complaints.
    FeedbackTheme,
    /// A report or minute kept outside coprod.
    Document,
}

impl EvidenceKind {
    pub const ALL: [EvidenceKind; 8] = [
        EvidenceKind::Survey,
        EvidenceKind::BudgetingProcess,
        EvidenceKind::BudgetingProject,
        EvidenceKind::StarInitiative,
        EvidenceKind::Service,
        EvidenceKind::Complaint,
        EvidenceKind::FeedbackTheme,
        EvidenceKind::Document,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Survey => "survey",
            EvidenceKind::BudgetingProcess => "budgeting_process",
            EvidenceKind::BudgetingProject => "budgeting_project",
            EvidenceKind::StarInitiative => "star_initiative",
            EvidenceKind::Service => "service",
            EvidenceKind::Complaint => "complaint",
            EvidenceKind::FeedbackTheme => "feedback_theme",
            EvidenceKind::Document => "document",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == raw.trim())
            .ok_or(Invalid::new("error.planning.evidence_kind"))
    }

    /// Whether the evidence names a record by id. A document is its
    /// label alone.
    pub fn names_a_record(self) -> bool {
        self != EvidenceKind::Document
    }
}

/// Where a "you said, we did" entry stands. Only signed-off entries are
/// public; changing one takes it back to a draft, to be signed off again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    Draft,
    SignedOff,
}

impl EntryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryStatus::Draft => "draft",
            EntryStatus::SignedOff => "signed_off",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw.trim() {
            "draft" => Ok(EntryStatus::Draft),
            "signed_off" => Ok(EntryStatus::SignedOff),
            _ => Err(Invalid::new("error.planning.status")),
        }
    }

    /// Whether the public may read an entry in this state.
    pub fn is_public(self) -> bool {
        self == EntryStatus::SignedOff
    }
}

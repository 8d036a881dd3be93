//! The Co-Production Star self-assessment ("People it"): how far an
//! organisation has come on each of the Four Co's and each of the Five
//! Steps, in the eyes of its staff, its managers and the people who use
//! its services.
//!
//! Each statement belongs to one Co or one Step and is rated on a 1–5
//! maturity scale by several people. Ratings are combined per statement
//! and per Co or Step (mean and median of every rating given, so each
//! rating counts once). Two rules look for disagreement on a statement:
//!
//! - **spread**: the ratings span [`DISAGREEMENT_RANGE`] points or more
//!   (somebody says 2, somebody else 4) — the statement is flagged;
//! - **between roles**: the mean ratings of two roles differ by
//!   [`DISAGREEMENT_ROLE_GAP`] or more (managers at 4.5, service users at
//!   3) — staff and the people they serve see it differently, which is
//!   what co-production most needs to hear.
//!
//! Every role mean lies between the lowest and highest rating, so a role
//! gap of 1.5 always comes with a spread of at least 2: the second rule
//! never flags a statement the first has not, but it says *why* — the
//! groups differ, not one person. Both are reported. The gap is compared
//! in exact integer arithmetic, so a gap of exactly 1.5 always counts.
//! The combined mean per Co and Step is what the star chart draws.
//!
//! Statement wording is written for coprod in plain language.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::Invalid;
use crate::surveys::question::{Code, known_code};
use crate::surveys::statistics::count_as_f64;

/// Ratings this many points apart are a disagreement.
pub const DISAGREEMENT_RANGE: u8 = 2;

/// Role means this far apart are a disagreement.
pub const DISAGREEMENT_ROLE_GAP: f64 = 1.5;

/// The same threshold as a fraction, for exact comparison.
const ROLE_GAP_NUMERATOR: u64 = 3;
const ROLE_GAP_DENOMINATOR: u64 = 2;

/// The Four Co's: the ways citizens take part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Co {
    CoCommissioning,
    CoDesign,
    CoDelivery,
    CoAssessment,
}

impl Co {
    pub const ALL: [Co; 4] = [
        Co::CoCommissioning,
        Co::CoDesign,
        Co::CoDelivery,
        Co::CoAssessment,
    ];

    /// The machine name, as in forms and the star report (`co_design`).
    pub const fn key(self) -> &'static str {
        Dimension::Co(self).key()
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|co| co.key() == raw)
            .ok_or(Invalid::new("error.star.co"))
    }
}

/// The Five Steps an organisation takes to roll co-production out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    MapIt,
    FocusIt,
    PeopleIt,
    MarketIt,
    GrowIt,
}

/// A point of the star: one Co or one Step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Dimension {
    Co(Co),
    Step(Step),
}

impl Dimension {
    /// The nine points of the star: the Co's, then the Steps in order.
    pub const ALL: [Dimension; 9] = [
        Dimension::Co(Co::CoCommissioning),
        Dimension::Co(Co::CoDesign),
        Dimension::Co(Co::CoDelivery),
        Dimension::Co(Co::CoAssessment),
        Dimension::Step(Step::MapIt),
        Dimension::Step(Step::FocusIt),
        Dimension::Step(Step::PeopleIt),
        Dimension::Step(Step::MarketIt),
        Dimension::Step(Step::GrowIt),
    ];

    /// The machine name, as in the star report (`co_design`, `map_it`).
    pub const fn key(self) -> &'static str {
        match self {
            Dimension::Co(Co::CoCommissioning) => "co_commissioning",
            Dimension::Co(Co::CoDesign) => "co_design",
            Dimension::Co(Co::CoDelivery) => "co_delivery",
            Dimension::Co(Co::CoAssessment) => "co_assessment",
            Dimension::Step(Step::MapIt) => "map_it",
            Dimension::Step(Step::FocusIt) => "focus_it",
            Dimension::Step(Step::PeopleIt) => "people_it",
            Dimension::Step(Step::MarketIt) => "market_it",
            Dimension::Step(Step::GrowIt) => "grow_it",
        }
    }
}

/// A rating on the 1–5 maturity scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Maturity(u8);

impl Maturity {
    pub fn parse(value: u8) -> Result<Self, Invalid> {
        if (1..=5).contains(&value) {
            Ok(Self(value))
        } else {
            Err(Invalid::new("error.self_assessment.maturity"))
        }
    }

    pub const fn get(self) -> u8 {
        self.0
    }

    /// What each level means, in plain words.
    pub const fn label(self) -> &'static str {
        match self.0 {
            1 => "Not started",
            2 => "Early days",
            3 => "Happening in places",
            4 => "Happening in most places",
            _ => "How we always work",
        }
    }
}

impl TryFrom<u8> for Maturity {
    type Error = Invalid;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl From<Maturity> for u8 {
    fn from(value: Maturity) -> Self {
        value.0
    }
}

/// Who a rater is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Staff,
    Manager,
    ServiceUser,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Staff, Role::Manager, Role::ServiceUser];

    pub const fn key(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::Manager => "manager",
            Role::ServiceUser => "service_user",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|role| role.key() == raw)
            .ok_or(Invalid::new("error.self_assessment.role"))
    }
}

/// A statement to rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub id: Code,
    pub dimension: Dimension,
    pub text: String,
}

/// One person's rating of one statement, with what backs it up and what
/// should happen next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    /// Who rated: any identifier unique within the round.
    pub rater: String,
    pub role: Role,
    pub statement: Code,
    pub maturity: Maturity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
}

/// The built-in statements: two for each Co and each Step.
pub fn default_statements() -> Vec<Statement> {
    let texts: [(Dimension, [&str; 2]); 9] = [
        (
            Dimension::Co(Co::CoCommissioning),
            [
                "People who use our services help decide what we spend money on.",
                "Local people help set the priorities in our plans.",
            ],
        ),
        (
            Dimension::Co(Co::CoDesign),
            [
                "We design and change services together with the people who use them.",
                "People who use our services can see how their ideas changed what we do.",
            ],
        ),
        (
            Dimension::Co(Co::CoDelivery),
            [
                "People who use our services, their families and volunteers help to run parts of our services.",
                "We make it easy for local people to offer their time and skills.",
            ],
        ),
        (
            Dimension::Co(Co::CoAssessment),
            [
                "People who use our services help us judge how well we are doing.",
                "We tell people what we changed because of what they told us.",
            ],
        ),
        (
            Dimension::Step(Step::MapIt),
            [
                "We know where co-production already happens across our organisation.",
                "We know which services have no co-production yet, and why.",
            ],
        ),
        (
            Dimension::Step(Step::FocusIt),
            [
                "We know which co-production work makes the most difference, and what it costs.",
                "We put our effort into the co-production work that does the most good.",
            ],
        ),
        (
            Dimension::Step(Step::PeopleIt),
            [
                "We know who in our community already helps out, and who would do more.",
                "Our staff have the skills and the time to work alongside the people who use our services.",
            ],
        ),
        (
            Dimension::Step(Step::MarketIt),
            [
                "Everyone involved knows what is expected of them and what they get back.",
                "We thank and reward people for the time they give.",
            ],
        ),
        (
            Dimension::Step(Step::GrowIt),
            [
                "We look back at our co-production work with the people who use our services and with our staff.",
                "We share what works so that other teams can do it too.",
            ],
        ),
    ];
    texts
        .into_iter()
        .flat_map(|(dimension, pair)| {
            pair.into_iter().zip(1..).map(move |(text, n)| Statement {
                id: known_code(&format!("{}_{n}", dimension.key())),
                dimension,
                text: text.to_owned(),
            })
        })
        .collect()
}

/// The widest gap between two roles' mean ratings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RoleGap {
    /// The role with the lower mean.
    pub lower: Role,
    /// The role with the higher mean.
    pub higher: Role,
    pub gap: f64,
}

/// What somebody wrote with a rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub role: Role,
    pub text: String,
}

/// One statement's ratings combined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatementResult {
    pub statement: Code,
    pub dimension: Dimension,
    pub summary: Summary,
    /// Highest rating minus lowest; `None` when unrated.
    pub range: Option<u8>,
    /// The mean rating of each role that rated the statement.
    pub role_means: BTreeMap<Role, f64>,
    /// `None` unless at least two roles rated the statement.
    pub widest_role_gap: Option<RoleGap>,
    /// The spread rule: the range reaches [`DISAGREEMENT_RANGE`].
    pub disagreement: bool,
    /// The between-roles rule: the widest role gap reaches
    /// [`DISAGREEMENT_ROLE_GAP`]. Implies `disagreement`.
    pub roles_disagree: bool,
    pub evidence: Vec<Note>,
    pub actions: Vec<Note>,
}

/// Mean and median of a set of ratings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub ratings: u64,
    /// `None` when there are no ratings.
    pub mean: Option<f64>,
    pub median: Option<f64>,
}

/// One Co or Step, combined over its statements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionResult {
    pub dimension: Dimension,
    /// Over every rating of every statement of this Co or Step.
    pub summary: Summary,
    /// The statements flagged for disagreement.
    pub disagreements: Vec<Code>,
}

/// A whole round, combined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Combined {
    /// In the order the statements were given.
    pub statements: Vec<StatementResult>,
    /// All nine points of the star, in [`Dimension::ALL`] order.
    pub dimensions: Vec<DimensionResult>,
}

impl Combined {
    /// The star: each point's mean rating (1–5), `None` if unrated.
    pub fn star(&self) -> BTreeMap<Dimension, Option<f64>> {
        self.dimensions
            .iter()
            .map(|d| (d.dimension, d.summary.mean))
            .collect()
    }
}

/// A rating that cannot be counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum RatingProblem {
    #[error("{rater} rated {statement}, which is not in this assessment")]
    UnknownStatement { rater: String, statement: Code },
    #[error("{rater} rated {statement} more than once")]
    RatedTwice { rater: String, statement: Code },
}

/// Combines a round of ratings, reporting every rating that cannot count.
pub fn combine(
    statements: &[Statement],
    ratings: &[Rating],
) -> Result<Combined, Vec<RatingProblem>> {
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for rating in ratings {
        if !statements.iter().any(|s| s.id == rating.statement) {
            problems.push(RatingProblem::UnknownStatement {
                rater: rating.rater.clone(),
                statement: rating.statement.clone(),
            });
        } else if !seen.insert((&rating.rater, &rating.statement)) {
            problems.push(RatingProblem::RatedTwice {
                rater: rating.rater.clone(),
                statement: rating.statement.clone(),
            });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let results: Vec<StatementResult> = statements
        .iter()
        .map(|statement| {
            let given: Vec<&Rating> = ratings
                .iter()
                .filter(|r| r.statement == statement.id)
                .collect();
            statement_result(statement, &given)
        })
        .collect();
    let dimensions = Dimension::ALL
        .into_iter()
        .map(|dimension| {
            let pooled: Vec<u8> = ratings
                .iter()
                .filter(|r| {
                    statements
                        .iter()
                        .any(|s| s.id == r.statement && s.dimension == dimension)
                })
                .map(|r| r.maturity.get())
                .collect();
            DimensionResult {
                dimension,
                summary: summarise(&pooled),
                disagreements: results
                    .iter()
                    .filter(|r| r.dimension == dimension && r.disagreement)
                    .map(|r| r.statement.clone())
                    .collect(),
            }
        })
        .collect();
    Ok(Combined {
        statements: results,
        dimensions,
    })
}

fn statement_result(statement: &Statement, given: &[&Rating]) -> StatementResult {
    let values: Vec<u8> = given.iter().map(|r| r.maturity.get()).collect();
    let range = values
        .iter()
        .max()
        .zip(values.iter().min())
        .map(|(high, low)| high - low);

    // Per role: (sum, count), kept as integers for the exact gap test.
    let mut by_role: BTreeMap<Role, (u64, u64)> = BTreeMap::new();
    for rating in given {
        let entry = by_role.entry(rating.role).or_default();
        entry.0 += u64::from(rating.maturity.get());
        entry.1 += 1;
    }
    let lowest = by_role.iter().min_by(|a, b| compare_means(*a.1, *b.1));
    let highest = by_role.iter().max_by(|a, b| compare_means(*a.1, *b.1));
    let (widest_role_gap, role_gap_reached) = match (lowest, highest) {
        (Some((&lower, &low)), Some((&higher, &high))) if lower != higher => {
            let gap = mean_of(high) - mean_of(low);
            // high/hn − low/ln ≥ 3/2  ⇔  2(high·ln − low·hn) ≥ 3·hn·ln
            let (high_sum, high_n) = high;
            let (low_sum, low_n) = low;
            let reached = ROLE_GAP_DENOMINATOR * (high_sum * low_n - low_sum * high_n)
                >= ROLE_GAP_NUMERATOR * high_n * low_n;
            (Some(RoleGap { lower, higher, gap }), reached)
        }
        _ => (None, false),
    };

    let notes = |pick: fn(&Rating) -> &Option<String>| -> Vec<Note> {
        given
            .iter()
            .filter_map(|r| {
                pick(r)
                    .as_ref()
                    .filter(|t| !t.trim().is_empty())
                    .map(|text| Note {
                        role: r.role,
                        text: text.clone(),
                    })
            })
            .collect()
    };
    StatementResult {
        statement: statement.id.clone(),
        dimension: statement.dimension,
        summary: summarise(&values),
        range,
        role_means: by_role
            .iter()
            .map(|(&role, &totals)| (role, mean_of(totals)))
            .collect(),
        widest_role_gap,
        disagreement: range.is_some_and(|r| r >= DISAGREEMENT_RANGE),
        roles_disagree: role_gap_reached,
        evidence: notes(|r| &r.evidence),
        actions: notes(|r| &r.action),
    }
}

/// Orders two (sum, count) means exactly: a/b against c/d is ad against cb.
fn compare_means((a, b): (u64, u64), (c, d): (u64, u64)) -> std::cmp::Ordering {
    (a * d).cmp(&(c * b))
}

fn mean_of((sum, count): (u64, u64)) -> f64 {
    count_as_f64(sum) / count_as_f64(count)
}

/// Mean and median; the median of an even number of ratings is the mean
/// of the middle two, which may end in .5.
fn summarise(values: &[u8]) -> Summary {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    let median = match n {
        0 => None,
        _ if n % 2 == 1 => Some(f64::from(sorted[n / 2])),
        _ => Some(f64::midpoint(
            f64::from(sorted[n / 2 - 1]),
            f64::from(sorted[n / 2]),
        )),
    };
    let sum: u64 = sorted.iter().map(|&v| u64::from(v)).sum();
    let ratings = u64::try_from(n).unwrap_or(u64::MAX);
    Summary {
        ratings,
        mean: (n > 0).then(|| mean_of((sum, ratings))),
        median,
    }
}

#[cfg(test)]
#[path = "self_assessment_tests.rs"]
mod tests;

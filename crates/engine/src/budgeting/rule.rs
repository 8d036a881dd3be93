//! The counting rules by name, and how `auto` picks one from a file's META.

use std::fmt;

use serde::{Serialize, Serializer};

use super::decimal::Decimal;
use super::election::Election;
use super::pabulib_read::{PabulibError, Section};

/// A counting rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// Projects in order of score, funding each that still fits.
    Greedy,
    /// Projects in order of score, stopping at the first that does not fit.
    GreedyNoSkip,
    /// Greedy among projects whose score reaches META
    /// `min_project_score_threshold`.
    GreedyThreshold,
    /// The Method of Equal Shares with cost utilities, without completion.
    EqualShares,
    /// Equal shares with the add-one completion.
    EqualSharesAddOne,
    /// Equal shares with add-one, then greedy filling of what is left.
    EqualSharesAddOneGreedy,
}

impl Rule {
    /// Every rule, in the order the command line lists them.
    pub const ALL: [Self; 6] = [
        Self::Greedy,
        Self::GreedyNoSkip,
        Self::GreedyThreshold,
        Self::EqualShares,
        Self::EqualSharesAddOne,
        Self::EqualSharesAddOneGreedy,
    ];

    /// The rule's name on the command line and in JSON.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Greedy => "greedy",
            Self::GreedyNoSkip => "greedy-no-skip",
            Self::GreedyThreshold => "greedy-threshold",
            Self::EqualShares => "mes",
            Self::EqualSharesAddOne => "mes-add1",
            Self::EqualSharesAddOneGreedy => "mes-add1-greedy",
        }
    }

    /// The rule with this command-line name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|rule| rule.name() == name)
    }

    /// The rule a pabulib META `rule` value stands for. pabulib writes the
    /// Method of Equal Shares as `equalshares` and its add-one completion
    /// as `equalshares/add1`.
    pub fn from_meta_name(name: &str) -> Option<Self> {
        match name {
            "equalshares" => Some(Self::EqualShares),
            "equalshares/add1" => Some(Self::EqualSharesAddOne),
            other => Self::from_name(other),
        }
    }

    /// Whether the rule is one of the equal-shares family.
    pub const fn is_equal_shares(self) -> bool {
        matches!(
            self,
            Self::EqualShares | Self::EqualSharesAddOne | Self::EqualSharesAddOneGreedy
        )
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// What the person counting asked for: a named rule, or whatever the file's
/// META says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleChoice {
    /// The META `rule`, with META `min_project_score_threshold` applied
    /// whatever the rule (the cities did so).
    Auto,
    /// This rule; only `greedy-threshold` reads the META threshold.
    Named(Rule),
}

impl RuleChoice {
    /// `auto` or a rule's name.
    pub fn from_name(name: &str) -> Option<Self> {
        if name == "auto" {
            Some(Self::Auto)
        } else {
            Rule::from_name(name).map(Self::Named)
        }
    }
}

/// A rule ready to run: which one, and the lowest score a project needs to
/// be considered at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counting {
    pub rule: Rule,
    pub min_score: Option<Decimal>,
}

impl Counting {
    /// Settles the rule and threshold for an election. Fails, pointing at
    /// META, when `auto` meets a rule coprod does not know or when
    /// `greedy-threshold` has no threshold to apply.
    pub fn settle(election: &Election, choice: RuleChoice) -> Result<Self, PabulibError> {
        let threshold = election.score_threshold();
        let meta_line = |key: &str| election.meta.line_of(key).unwrap_or(1);
        let rule = match choice {
            RuleChoice::Named(rule) => rule,
            RuleChoice::Auto => {
                let Some(name) = election.meta.get("rule") else {
                    return Err(PabulibError::new(
                        Section::Meta,
                        1,
                        "META has no rule, so --rule auto cannot choose one; name a rule",
                    ));
                };
                Rule::from_meta_name(name).ok_or_else(|| {
                    PabulibError::new(
                        Section::Meta,
                        meta_line("rule"),
                        format!(
                            "rule {name:?} is not one coprod can count; name a rule instead of auto"
                        ),
                    )
                })?
            }
        };
        let min_score = match (choice, rule) {
            (RuleChoice::Auto, _) => threshold,
            (RuleChoice::Named(Rule::GreedyThreshold), _) => Some(threshold.ok_or_else(|| {
                PabulibError::new(
                    Section::Meta,
                    1,
                    "greedy-threshold needs META min_project_score_threshold",
                )
            })?),
            (RuleChoice::Named(_), _) => None,
        };
        Ok(Self { rule, min_score })
    }
}

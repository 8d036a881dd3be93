//! The Talking Points personal outcomes (Scotland) as a measure taken at
//! the start of a referral and at reviews. The person and their worker go
//! through the fifteen outcomes together — six on quality of life, five on
//! how they are supported, four on change — and record, for each, whether
//! it is met for them now, partly met, not met, or does not apply to them.
//!
//! The one number a change is measured on is the share of the outcomes
//! that apply to them which are met, counting a partly met outcome as
//! half, as a percentage (0–100).

use serde::{Deserialize, Serialize};

/// How many outcomes are rated, in the order of the framework: quality of
/// life (feeling safe, things to do, seeing people, staying well, living
/// as they want, dealing with stigma), process (listened to, having a say,
/// treated with respect, responded to, reliability), change (confidence,
/// skills, mobility, reduced symptoms).
pub const OUTCOMES: usize = 15;

/// Where each group of outcomes ends, as indexes into the fifteen.
pub const GROUPS: [(Group, std::ops::Range<usize>); 3] = [
    (Group::QualityOfLife, 0..6),
    (Group::Process, 6..11),
    (Group::Change, 11..15),
];

/// The three kinds of outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    QualityOfLife,
    Process,
    Change,
}

impl Group {
    pub const fn key(self) -> &'static str {
        match self {
            Group::QualityOfLife => "quality_of_life",
            Group::Process => "process",
            Group::Change => "change",
        }
    }
}

/// One outcome's rating, stored as its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// Not relevant to them now.
    DoesNotApply = 0,
    NotMet = 1,
    PartlyMet = 2,
    Met = 3,
}

impl Rating {
    pub const ALL: [Rating; 4] = [
        Rating::Met,
        Rating::PartlyMet,
        Rating::NotMet,
        Rating::DoesNotApply,
    ];

    pub const fn value(self) -> i64 {
        self as i64
    }

    pub const fn key(self) -> &'static str {
        match self {
            Rating::DoesNotApply => "does_not_apply",
            Rating::NotMet => "not_met",
            Rating::PartlyMet => "partly_met",
            Rating::Met => "met",
        }
    }

    pub fn from_value(value: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.value() == value)
    }
}

/// How many outcomes fell in each rating.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub met: u8,
    pub partly_met: u8,
    pub not_met: u8,
    pub does_not_apply: u8,
}

impl Tally {
    fn add(&mut self, rating: Rating) {
        let slot = match rating {
            Rating::Met => &mut self.met,
            Rating::PartlyMet => &mut self.partly_met,
            Rating::NotMet => &mut self.not_met,
            Rating::DoesNotApply => &mut self.does_not_apply,
        };
        *slot += 1;
    }

    /// The share of applicable outcomes met, partly met counting half, as a
    /// percentage; `None` when none applies.
    pub fn percent_met(&self) -> Option<f64> {
        let applies = self.met + self.partly_met + self.not_met;
        (applies > 0).then(|| {
            (f64::from(self.met) + f64::from(self.partly_met) / 2.0) * 100.0 / f64::from(applies)
        })
    }
}

/// A scored Talking Points conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TalkingPointsScore {
    ratings: Vec<Rating>,
}

impl TalkingPointsScore {
    /// Checks and scores fifteen ratings, given as their numbers (0–3).
    pub fn score(values: &[i64]) -> Result<Self, RatingError> {
        if values.len() != OUTCOMES {
            return Err(RatingError::Count {
                expected: OUTCOMES,
                given: values.len(),
            });
        }
        let ratings = values
            .iter()
            .zip(1..)
            .map(|(&value, item)| {
                Rating::from_value(value).ok_or(RatingError::Rating { item, value })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { ratings })
    }

    pub fn ratings(&self) -> &[Rating] {
        &self.ratings
    }

    /// All fifteen outcomes together.
    pub fn tally(&self) -> Tally {
        Self::tally_of(&self.ratings)
    }

    /// The outcomes of one group.
    pub fn group(&self, group: Group) -> Tally {
        GROUPS
            .iter()
            .find(|(g, _)| *g == group)
            .map_or_else(Tally::default, |(_, range)| {
                Self::tally_of(&self.ratings[range.clone()])
            })
    }

    fn tally_of(ratings: &[Rating]) -> Tally {
        let mut tally = Tally::default();
        for rating in ratings {
            tally.add(*rating);
        }
        tally
    }
}

/// Why a row of ratings cannot be scored; items count from 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum RatingError {
    #[error("Talking Points has {expected} outcomes, but {given} were rated")]
    Count { expected: usize, given: usize },
    #[error("outcome {item} is rated {value}, but ratings run from 0 to 3")]
    Rating { item: usize, value: i64 },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partly_met_counts_half_and_outcomes_that_do_not_apply_are_left_out() {
        // Quality of life: 3 met, 2 partly, 1 does not apply; process: all
        // met; change: all not met. Applicable: 14; met 8 + 2 halves = 9.
        let values = [3, 3, 3, 2, 2, 0, 3, 3, 3, 3, 3, 1, 1, 1, 1];
        let score = TalkingPointsScore::score(&values).unwrap();
        let percent = score.tally().percent_met().unwrap();
        assert!((percent - 900.0 / 14.0).abs() < 1e-9, "{percent}");
        assert_eq!(
            score.group(Group::QualityOfLife),
            Tally {
                met: 3,
                partly_met: 2,
                not_met: 0,
                does_not_apply: 1
            }
        );
        assert_eq!(score.group(Group::Change).percent_met(), Some(0.0));
        assert_eq!(score.group(Group::Process).percent_met(), Some(100.0));
    }

    #[test]
    fn nothing_applies_gives_no_number() {
        let score = TalkingPointsScore::score(&[0; OUTCOMES]).unwrap();
        assert_eq!(score.tally().percent_met(), None);
    }

    #[test]
    fn wrong_counts_and_ratings_are_refused_naming_the_outcome() {
        assert_eq!(
            TalkingPointsScore::score(&[3; 14]),
            Err(RatingError::Count {
                expected: 15,
                given: 14
            })
        );
        let mut values = [3; OUTCOMES];
        values[6] = 4;
        assert_eq!(
            TalkingPointsScore::score(&values),
            Err(RatingError::Rating { item: 7, value: 4 })
        );
    }

    #[test]
    fn the_groups_cover_every_outcome_once() {
        let mut covered: Vec<usize> = GROUPS.iter().flat_map(|(_, r)| r.clone()).collect();
        covered.sort_unstable();
        assert_eq!(covered, (0..OUTCOMES).collect::<Vec<_>>());
    }
}

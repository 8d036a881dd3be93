//! Wellbeing measured at the start of a referral and at a review, and the
//! change between them. A person counts when they have both a start and a
//! review score on an instrument: the change is the latest review's score
//! less the earliest start's. SWEMWBS changes are of the metric score (the
//! raw sum converted through the published table), UCLA-3 of its total
//! (3–9, higher is lonelier). ONS4's four ratings are never combined into
//! one number, so they have no single change.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{
    Invalid,
    surveys::instruments::{Instrument, InstrumentScore, ScoreError},
};

/// When in a referral a measure was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Start,
    Review,
}

impl Stage {
    pub const ALL: [Stage; 2] = [Stage::Start, Stage::Review];

    pub const fn key(self) -> &'static str {
        match self {
            Stage::Start => "start",
            Stage::Review => "review",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|s| s.key() == raw.trim())
            .ok_or(Invalid::new("error.outcome.stage"))
    }
}

/// The one number a change is measured on, for instruments that have one.
pub fn headline(score: &InstrumentScore) -> Option<f64> {
    match score {
        InstrumentScore::Swemwbs(s) => Some(s.metric()),
        InstrumentScore::Ucla3 { score } => Some(f64::from(*score)),
        InstrumentScore::Ons4(_) => None,
    }
}

/// One measure, scored.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    pub person: i64,
    pub instrument: Instrument,
    pub stage: Stage,
    /// Unix seconds.
    pub recorded_at: i64,
    pub score: InstrumentScore,
}

impl Measured {
    /// Scores a person's item answers, refusing answers that do not fit.
    pub fn score(
        person: i64,
        instrument: Instrument,
        stage: Stage,
        recorded_at: i64,
        items: &[i64],
    ) -> Result<Self, ScoreError> {
        Ok(Self {
            person,
            instrument,
            stage,
            recorded_at,
            score: instrument.score(items)?,
        })
    }
}

/// The change on one instrument across the people who have both scores.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// How many people have both a start and a review score.
    pub n: u64,
    /// Their mean change (review less start); `None` when `n` is 0.
    pub mean_change: Option<f64>,
}

/// Each person's change on `instrument`: their latest review less their
/// earliest start, for those with both.
pub fn changes(measures: &[Measured], instrument: Instrument) -> BTreeMap<i64, f64> {
    let mut starts: BTreeMap<i64, (i64, f64)> = BTreeMap::new();
    let mut reviews: BTreeMap<i64, (i64, f64)> = BTreeMap::new();
    for m in measures.iter().filter(|m| m.instrument == instrument) {
        let Some(value) = headline(&m.score) else {
            continue;
        };
        match m.stage {
            Stage::Start => {
                let entry = starts.entry(m.person).or_insert((m.recorded_at, value));
                if m.recorded_at < entry.0 {
                    *entry = (m.recorded_at, value);
                }
            }
            Stage::Review => {
                let entry = reviews.entry(m.person).or_insert((m.recorded_at, value));
                if m.recorded_at >= entry.0 {
                    *entry = (m.recorded_at, value);
                }
            }
        }
    }
    starts
        .into_iter()
        .filter_map(|(person, (_, start))| {
            reviews
                .get(&person)
                .map(|(_, review)| (person, review - start))
        })
        .collect()
}

/// The mean change on `instrument`.
pub fn mean_change(measures: &[Measured], instrument: Instrument) -> Change {
    let each = changes(measures, instrument);
    let n = u64::try_from(each.len()).unwrap_or(u64::MAX);
    #[expect(
        clippy::cast_precision_loss,
        reason = "the number of people is far below 2^52"
    )]
    let mean_change = (n > 0).then(|| each.values().sum::<f64>() / n as f64);
    Change { n, mean_change }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(person: i64, instrument: Instrument, stage: Stage, at: i64, items: &[i64]) -> Measured {
        Measured::score(person, instrument, stage, at, items).unwrap()
    }

    #[test]
    fn swemwbs_change_is_of_the_metric_score() {
        let measures = vec![
            // Raw 14 → 15.32, then raw 21 → 19.25: +3.93.
            m(
                1,
                Instrument::Swemwbs,
                Stage::Start,
                10,
                &[2, 2, 2, 2, 2, 2, 2],
            ),
            m(
                1,
                Instrument::Swemwbs,
                Stage::Review,
                20,
                &[3, 3, 3, 3, 3, 3, 3],
            ),
            // Raw 7 → 7.00, then raw 8 → 9.51: +2.51.
            m(2, Instrument::Swemwbs, Stage::Start, 10, &[1; 7]),
            m(
                2,
                Instrument::Swemwbs,
                Stage::Review,
                20,
                &[2, 1, 1, 1, 1, 1, 1],
            ),
            // Only a start: not counted.
            m(3, Instrument::Swemwbs, Stage::Start, 10, &[5; 7]),
        ];
        let change = mean_change(&measures, Instrument::Swemwbs);
        assert_eq!(change.n, 2);
        let mean = change.mean_change.unwrap();
        assert!((mean - f64::midpoint(3.93, 2.51)).abs() < 1e-9, "{mean}");
    }

    #[test]
    fn the_latest_review_and_earliest_start_count() {
        let measures = vec![
            m(1, Instrument::Ucla3, Stage::Start, 30, &[2, 2, 2]),
            m(1, Instrument::Ucla3, Stage::Start, 10, &[3, 3, 3]),
            m(1, Instrument::Ucla3, Stage::Review, 40, &[1, 2, 1]),
            m(1, Instrument::Ucla3, Stage::Review, 50, &[1, 1, 1]),
        ];
        assert_eq!(
            changes(&measures, Instrument::Ucla3),
            BTreeMap::from([(1, -6.0)])
        );
        assert_eq!(
            mean_change(&[], Instrument::Ucla3),
            Change {
                n: 0,
                mean_change: None
            }
        );
    }

    #[test]
    fn answers_out_of_range_are_refused_naming_the_item() {
        let error = Measured::score(1, Instrument::Ucla3, Stage::Start, 0, &[1, 4, 1]).unwrap_err();
        assert_eq!(
            error,
            ScoreError::OutOfRange {
                item: 2,
                value: 4,
                lowest: 1,
                highest: 3
            }
        );
        assert!(Measured::score(1, Instrument::Ons4, Stage::Start, 0, &[1, 2, 3]).is_err());
        assert!(headline(&Instrument::Ons4.score(&[1, 2, 3, 4]).unwrap()).is_none());
    }
}

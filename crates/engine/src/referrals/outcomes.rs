//! Wellbeing measured at the start of a referral and at a review, and the
//! change between them. Someone counts when they have both a start and a
//! review score on a measure: the change is the latest review's score less
//! the earliest start's. SWEMWBS changes are of the metric score (the raw
//! sum converted through the published table), UCLA-3 of its total (3–9,
//! higher is lonelier), Talking Points of the share of applicable outcomes
//! met (0–100). ONS4's four ratings are never combined into one number, so
//! they have no single change.
//!
//! Changes are kept per person for the partnership's headline, and per
//! referral when they are set beside the service or the source of the
//! referral; a mean change comes with its n and 95% t-interval.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{
    Invalid,
    referrals::talking_points::{RatingError, TalkingPointsScore},
    surveys::{
        instruments::{Instrument, InstrumentScore, ScoreError},
        statistics::MeanEstimate,
    },
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

/// What was measured: one of the validated survey instruments, or the
/// Talking Points outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measure {
    Instrument(Instrument),
    TalkingPoints,
}

impl Measure {
    pub const ALL: [Measure; 4] = [
        Measure::Instrument(Instrument::Swemwbs),
        Measure::Instrument(Instrument::Ons4),
        Measure::Instrument(Instrument::Ucla3),
        Measure::TalkingPoints,
    ];

    /// The measures with one number whose change can be averaged.
    pub const WITH_HEADLINE: [Measure; 3] = [
        Measure::Instrument(Instrument::Swemwbs),
        Measure::Instrument(Instrument::Ucla3),
        Measure::TalkingPoints,
    ];

    /// The stored name.
    pub const fn key(self) -> &'static str {
        match self {
            Measure::Instrument(instrument) => instrument.key(),
            Measure::TalkingPoints => "talking_points",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.key() == key.trim())
    }

    pub const fn item_count(self) -> usize {
        match self {
            Measure::Instrument(instrument) => instrument.item_count(),
            Measure::TalkingPoints => crate::referrals::talking_points::OUTCOMES,
        }
    }

    /// The lowest and highest answer to each item.
    pub const fn answer_range(self) -> (u8, u8) {
        match self {
            Measure::Instrument(instrument) => instrument.answer_range(),
            Measure::TalkingPoints => (0, 3),
        }
    }

    /// Scores item answers given in the measure's order.
    pub fn score(self, items: &[i64]) -> Result<MeasureScore, MeasureError> {
        Ok(match self {
            Measure::Instrument(instrument) => MeasureScore::Instrument(instrument.score(items)?),
            Measure::TalkingPoints => {
                MeasureScore::TalkingPoints(TalkingPointsScore::score(items)?)
            }
        })
    }
}

/// A scored measure.
#[derive(Debug, Clone, PartialEq)]
pub enum MeasureScore {
    Instrument(InstrumentScore),
    TalkingPoints(TalkingPointsScore),
}

/// Why answers cannot be scored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeasureError {
    #[error(transparent)]
    Instrument(#[from] ScoreError),
    #[error(transparent)]
    TalkingPoints(#[from] RatingError),
}

/// The one number a change is measured on, for measures that have one.
pub fn headline(score: &MeasureScore) -> Option<f64> {
    match score {
        MeasureScore::Instrument(InstrumentScore::Swemwbs(s)) => Some(s.metric()),
        MeasureScore::Instrument(InstrumentScore::Ucla3 { score }) => Some(f64::from(*score)),
        MeasureScore::Instrument(InstrumentScore::Ons4(_)) => None,
        MeasureScore::TalkingPoints(s) => s.tally().percent_met(),
    }
}

/// One measure, scored.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    pub person: i64,
    pub measure: Measure,
    pub stage: Stage,
    /// Unix seconds.
    pub recorded_at: i64,
    pub score: MeasureScore,
}

impl Measured {
    /// Scores a person's item answers, refusing answers that do not fit.
    pub fn score(
        person: i64,
        measure: Measure,
        stage: Stage,
        recorded_at: i64,
        items: &[i64],
    ) -> Result<Self, MeasureError> {
        Ok(Self {
            person,
            measure,
            stage,
            recorded_at,
            score: measure.score(items)?,
        })
    }
}

/// The change on one measure across the people who have both scores.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// How many people have both a start and a review score.
    pub n: u64,
    /// Their mean change (review less start); `None` when `n` is 0.
    pub mean_change: Option<f64>,
}

/// The change on `measure` for each key (a person, a referral) that has
/// both a start and a review: its latest review less its earliest start.
pub fn changes_by<'a, K: Ord + Copy>(
    measures: impl IntoIterator<Item = (K, &'a Measured)>,
    measure: Measure,
) -> BTreeMap<K, f64> {
    let mut starts: BTreeMap<K, (i64, f64)> = BTreeMap::new();
    let mut reviews: BTreeMap<K, (i64, f64)> = BTreeMap::new();
    for (key, m) in measures.into_iter().filter(|(_, m)| m.measure == measure) {
        let Some(value) = headline(&m.score) else {
            continue;
        };
        match m.stage {
            Stage::Start => {
                let entry = starts.entry(key).or_insert((m.recorded_at, value));
                if m.recorded_at < entry.0 {
                    *entry = (m.recorded_at, value);
                }
            }
            Stage::Review => {
                let entry = reviews.entry(key).or_insert((m.recorded_at, value));
                if m.recorded_at >= entry.0 {
                    *entry = (m.recorded_at, value);
                }
            }
        }
    }
    starts
        .into_iter()
        .filter_map(|(key, (_, start))| reviews.get(&key).map(|(_, review)| (key, review - start)))
        .collect()
}

/// Each person's change on `measure`.
pub fn changes(measures: &[Measured], measure: Measure) -> BTreeMap<i64, f64> {
    changes_by(measures.iter().map(|m| (m.person, m)), measure)
}

/// The mean change on `measure`, person by person.
pub fn mean_change(measures: &[Measured], measure: Measure) -> Change {
    let each = changes(measures, measure);
    let n = u64::try_from(each.len()).unwrap_or(u64::MAX);
    #[expect(
        clippy::cast_precision_loss,
        reason = "the number of people is far below 2^52"
    )]
    let mean_change = (n > 0).then(|| each.values().sum::<f64>() / n as f64);
    Change { n, mean_change }
}

/// The mean change with its n and 95% t-interval for each group of keyed
/// changes (by service, by source of the referral); `group` names the
/// group a key belongs to.
pub fn estimates_by<K, G: Ord>(
    changes: &BTreeMap<K, f64>,
    group: impl Fn(&K) -> G,
) -> BTreeMap<G, MeanEstimate> {
    let mut values: BTreeMap<G, Vec<f64>> = BTreeMap::new();
    for (key, change) in changes {
        values.entry(group(key)).or_default().push(*change);
    }
    values
        .into_iter()
        .map(|(g, v)| (g, MeanEstimate::of(v)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(person: i64, instrument: Instrument, stage: Stage, at: i64, items: &[i64]) -> Measured {
        Measured::score(person, Measure::Instrument(instrument), stage, at, items).unwrap()
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
        let change = mean_change(&measures, Measure::Instrument(Instrument::Swemwbs));
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
            changes(&measures, Measure::Instrument(Instrument::Ucla3)),
            BTreeMap::from([(1, -6.0)])
        );
        assert_eq!(
            mean_change(&[], Measure::Instrument(Instrument::Ucla3)),
            Change {
                n: 0,
                mean_change: None
            }
        );
    }

    #[test]
    fn answers_out_of_range_are_refused_naming_the_item() {
        let error = Measured::score(
            1,
            Measure::Instrument(Instrument::Ucla3),
            Stage::Start,
            0,
            &[1, 4, 1],
        )
        .unwrap_err();
        assert_eq!(
            error,
            MeasureError::Instrument(ScoreError::OutOfRange {
                item: 2,
                value: 4,
                lowest: 1,
                highest: 3
            })
        );
        let ons4 = Measure::Instrument(Instrument::Ons4);
        assert!(Measured::score(1, ons4, Stage::Start, 0, &[1, 2, 3]).is_err());
        assert!(headline(&ons4.score(&[1, 2, 3, 4]).unwrap()).is_none());
    }

    #[test]
    fn talking_points_change_is_of_the_share_met() {
        let tp = Measure::TalkingPoints;
        let start = Measured::score(1, tp, Stage::Start, 10, &[1; 15]).unwrap();
        let review = Measured::score(1, tp, Stage::Review, 20, &[3; 15]).unwrap();
        assert_eq!(changes(&[start, review], tp), BTreeMap::from([(1, 100.0)]));
        assert_eq!(Measure::from_key("talking_points"), Some(tp));
        assert_eq!(
            Measure::from_key("swemwbs"),
            Some(Measure::Instrument(Instrument::Swemwbs))
        );
        assert!(Measure::from_key("sf36").is_none());
    }

    #[test]
    fn changes_are_kept_per_referral_and_estimated_per_group() {
        let ucla = Measure::Instrument(Instrument::Ucla3);
        // One person, two referrals: each referral has its own change.
        let measures = [
            (100, m(1, Instrument::Ucla3, Stage::Start, 1, &[3, 3, 3])),
            (100, m(1, Instrument::Ucla3, Stage::Review, 2, &[2, 2, 2])),
            (200, m(1, Instrument::Ucla3, Stage::Start, 3, &[2, 2, 2])),
            (200, m(1, Instrument::Ucla3, Stage::Review, 4, &[1, 1, 2])),
            (300, m(2, Instrument::Ucla3, Stage::Start, 1, &[3, 3, 3])),
            (300, m(2, Instrument::Ucla3, Stage::Review, 2, &[3, 3, 2])),
        ];
        let per_referral = changes_by(measures.iter().map(|(r, m)| (*r, m)), ucla);
        assert_eq!(
            per_referral,
            BTreeMap::from([(100, -3.0), (200, -2.0), (300, -1.0)])
        );
        // Referrals 100 and 300 went to one service, 200 to another.
        let by_service = estimates_by(&per_referral, |r| if *r == 200 { "b" } else { "a" });
        let a = by_service["a"];
        assert_eq!(a.n, 2);
        assert_eq!(a.mean, Some(-2.0));
        // Values -3 and -1: s = √2, t(1) = 12.706…, half-width 12.706.
        let interval = a.interval.unwrap();
        assert!((interval.upper - interval.lower - 2.0 * 12.706_204_7).abs() < 1e-4);
        let b = by_service["b"];
        assert_eq!((b.n, b.mean, b.interval), (1, Some(-2.0), None));
    }
}

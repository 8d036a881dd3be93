//! How well a candidate suits a request, as four parts a coordinator can see
//! and weigh: distance, spare capacity, continuity and fairness.
//!
//! Each part is its weight times a share from 0 to 1. Parts are kept in
//! thousandths of a point, as integers, so that a total is exactly the sum
//! of its parts and the batch compares sums without rounding drift.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::offer::Capacity;
use super::rules::MatchingRules;
use crate::schedule::Date;

/// Thousandths of a point in one whole point.
pub const MILLIPOINTS_PER_POINT: u32 = 1_000;

/// A candidate's score, part by part, in thousandths of a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Score {
    pub distance: u32,
    pub spare_capacity: u32,
    pub continuity: u32,
    pub fairness: u32,
}

impl Score {
    /// The sum of the parts, in thousandths of a point.
    pub fn total(&self) -> u64 {
        u64::from(self.distance)
            + u64::from(self.spare_capacity)
            + u64::from(self.continuity)
            + u64::from(self.fairness)
    }
}

/// "83.5 points (distance 36.0, spare capacity 10.0, continuity 25.0,
/// fairness 12.5)".
impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} points (distance {}, spare capacity {}, continuity {}, fairness {})",
            points(self.total()),
            points(self.distance.into()),
            points(self.spare_capacity.into()),
            points(self.continuity.into()),
            points(self.fairness.into()),
        )
    }
}

/// Thousandths of a point as points with one decimal, rounded half up.
fn points(millipoints: u64) -> String {
    let tenths = (millipoints + 50) / 100;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// What the score looks at, gathered by the matcher.
pub(crate) struct ScoreInputs {
    pub distance_metres: f64,
    pub capacity: Capacity,
    /// When this helper last helped this person.
    pub last_helped: Option<Date>,
    /// When this helper was last matched with anyone.
    pub last_matched: Option<Date>,
    pub today: Date,
}

pub(crate) fn score(rules: &MatchingRules, inputs: &ScoreInputs) -> Score {
    let weights = rules.weights;
    let half = f64::from(rules.half_score_distance_metres.max(1));
    let nearness = half / (half + inputs.distance_metres.max(0.0));
    let continuity = if inputs.last_helped.is_some() {
        1.0
    } else {
        0.0
    };
    let fairness = match inputs.last_matched {
        None => 1.0,
        Some(_) if rules.fairness_full_after_days == 0 => 1.0,
        Some(last) => {
            let days = (inputs.today.days_since_epoch() - last.days_since_epoch()).max(0);
            let days = u32::try_from(days).unwrap_or(u32::MAX);
            f64::from(days) / f64::from(rules.fairness_full_after_days)
        }
    };
    Score {
        distance: part(weights.distance, nearness),
        spare_capacity: part(weights.spare_capacity, inputs.capacity.share_free()),
        continuity: part(weights.continuity, continuity),
        fairness: part(weights.fairness, fairness),
    }
}

/// A weight times a share, in thousandths of a point; shares outside 0 to 1
/// are held to it.
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "the value is rounded, non-negative and at most u32::MAX"
)]
fn part(weight: u32, share: f64) -> u32 {
    let share = if share.is_nan() {
        0.0
    } else {
        share.clamp(0.0, 1.0)
    };
    let value = f64::from(weight) * f64::from(MILLIPOINTS_PER_POINT) * share;
    value.round().min(f64::from(u32::MAX)) as u32
}

#[cfg(test)]
mod tests {
    use super::super::offer::CapacityUnit;
    use super::*;

    fn date(raw: &str) -> Date {
        Date::parse(raw).unwrap()
    }

    fn inputs(distance_metres: f64) -> ScoreInputs {
        ScoreInputs {
            distance_metres,
            capacity: Capacity {
                unit: CapacityUnit::People,
                limit: 4,
                in_use: 3,
            },
            last_helped: None,
            last_matched: None,
            today: date("2026-03-01"),
        }
    }

    #[test]
    fn each_part_is_its_weight_times_a_share() {
        let rules = MatchingRules::default();
        // 3 km is the default half-score distance.
        let score = score(&rules, &inputs(3_000.0));
        assert_eq!(score.distance, 20_000);
        assert_eq!(score.spare_capacity, 5_000);
        assert_eq!(score.continuity, 0);
        assert_eq!(score.fairness, 15_000);
        assert_eq!(score.total(), 40_000);
        assert_eq!(
            score.to_string(),
            "40.0 points (distance 20.0, spare capacity 5.0, continuity 0.0, fairness 15.0)"
        );
    }

    #[test]
    fn nearer_is_better_and_never_negative() {
        let rules = MatchingRules::default();
        let at = |metres| score(&rules, &inputs(metres)).distance;
        assert_eq!(at(0.0), 40_000);
        assert!(at(1_000.0) > at(2_000.0));
        assert!(at(1_000_000.0) < 200);
        assert_eq!(at(-5.0), 40_000);
    }

    #[test]
    fn continuity_and_fairness_look_back() {
        let rules = MatchingRules::default();
        let mut seen = inputs(0.0);
        seen.last_helped = Some(date("2025-12-01"));
        seen.last_matched = Some(date("2026-02-15"));
        let score = score(&rules, &seen);
        assert_eq!(score.continuity, 25_000);
        // 14 of 28 days: half the fairness points.
        assert_eq!(score.fairness, 7_500);
        seen.last_matched = Some(date("2026-03-05"));
        assert_eq!(super::score(&rules, &seen).fairness, 0);
        seen.last_matched = Some(date("2025-01-01"));
        assert_eq!(super::score(&rules, &seen).fairness, 15_000);
    }

    #[test]
    fn shares_are_held_between_nothing_and_everything() {
        assert_eq!(part(10, 2.0), 10_000);
        assert_eq!(part(10, -1.0), 0);
        assert_eq!(part(10, f64::NAN), 0);
        assert_eq!(part(u32::MAX, 1.0), u32::MAX);
        assert_eq!(points(1_949), "1.9");
        assert_eq!(points(1_950), "2.0");
    }
}

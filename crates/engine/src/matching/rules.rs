//! The settings a partnership tunes: how much each part of the score counts,
//! and the few lengths of time and distance the rules depend on.
//!
//! They are plain data with defaults, so an organisation's choices can be
//! stored as they are and shown beside every score they produced.

use serde::{Deserialize, Serialize};

/// Points each part of the score can earn at most. The defaults add up to
/// 100, so a score reads as a mark out of 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Weights {
    /// Nearer helpers save travel and tend to be neighbours.
    pub distance: u32,
    /// Helpers with more of their capacity free, so that the willing few
    /// are not worn out while others wait.
    pub spare_capacity: u32,
    /// The same helper as before: people, older people especially, value
    /// seeing a face they know.
    pub continuity: u32,
    /// Helpers not matched lately, so everyone who offered gets to help.
    pub fairness: u32,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            distance: 40,
            spare_capacity: 20,
            continuity: 25,
            fairness: 15,
        }
    }
}

/// Points added to every assignment of a request in the batch, so that when
/// helpers are scarce the urgent requests are served first. They take no
/// part in ranking helpers for one request, where they would be the same
/// for every candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UrgencyBonus {
    pub soon: u32,
    pub urgent: u32,
}

impl Default for UrgencyBonus {
    fn default() -> Self {
        Self {
            soon: 20,
            urgent: 50,
        }
    }
}

/// Everything the matcher can be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MatchingRules {
    pub weights: Weights,
    /// The distance at which a helper earns half the distance points; the
    /// points fall off smoothly, so 1 km and 2 km still differ when both are
    /// near.
    pub half_score_distance_metres: u32,
    /// Days without a match after which a helper earns all the fairness
    /// points; the points grow evenly up to then.
    pub fairness_full_after_days: u32,
    /// How far ahead the checks (PVG, the dates an offer stands) must hold
    /// for weekly help with no end date.
    pub open_ended_check_days: u32,
    pub urgency_bonus: UrgencyBonus,
    /// How many relaxed plans the batch may try when hours-per-week limits
    /// clash, before settling for the best true plan found and saying so.
    /// Each try costs about as much as a whole batch counted in people
    /// (half a second for 600 requests and 200 offers), and plans with only
    /// people-counted capacity never need more than one.
    pub batch_search_limit: u32,
}

impl Default for MatchingRules {
    fn default() -> Self {
        Self {
            weights: Weights::default(),
            half_score_distance_metres: 3_000,
            fairness_full_after_days: 28,
            open_ended_check_days: 91,
            urgency_bonus: UrgencyBonus::default(),
            batch_search_limit: 8,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_weights_make_a_mark_out_of_a_hundred() {
        let w = Weights::default();
        assert_eq!(
            w.distance + w.spare_capacity + w.continuity + w.fairness,
            100
        );
    }

    #[test]
    fn stored_rules_may_leave_fields_out() {
        let rules: MatchingRules =
            serde_json::from_str(r#"{"weights": {"distance": 10}, "fairness_full_after_days": 7}"#)
                .unwrap();
        assert_eq!(rules.weights.distance, 10);
        assert_eq!(rules.weights.continuity, Weights::default().continuity);
        assert_eq!(rules.fairness_full_after_days, 7);
        assert_eq!(rules.open_ended_check_days, 91);
    }
}

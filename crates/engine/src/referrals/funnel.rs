//! The uptake funnel: of the referrals made, how many were accepted, how
//! many people attended and how many completed. Uptake is the known weak
//! point of social prescribing, so the funnel is read by service, by
//! referrer, by deprivation (SIMD quintile) and by age band.
//!
//! A breakdown names groups of people, so it withholds small groups by the
//! same rule as survey results ([`suppressed_cells`]): a group of fewer
//! than five referrals is not shown, and when only one group is that
//! small, the next smallest is withheld as well.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Status;
use crate::surveys::breakdown::{Cell, suppressed_cells};

/// How far one referral got, whatever became of it later.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reached {
    pub accepted: bool,
    pub attended: bool,
    pub completed: bool,
}

impl Reached {
    /// From every status a referral has been in.
    pub fn of(statuses: impl IntoIterator<Item = Status>) -> Self {
        let furthest = statuses
            .into_iter()
            .map(Status::funnel_stage)
            .max()
            .unwrap_or(0);
        Self {
            accepted: furthest >= 1,
            attended: furthest >= 2,
            completed: furthest >= 3,
        }
    }
}

/// The counts at each stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funnel {
    pub referred: u64,
    pub accepted: u64,
    pub attended: u64,
    pub completed: u64,
}

impl Funnel {
    pub fn add(&mut self, reached: Reached) {
        self.referred += 1;
        self.accepted += u64::from(reached.accepted);
        self.attended += u64::from(reached.attended);
        self.completed += u64::from(reached.completed);
    }

    pub fn of(referrals: impl IntoIterator<Item = Reached>) -> Self {
        let mut funnel = Self::default();
        for reached in referrals {
            funnel.add(reached);
        }
        funnel
    }

    /// Attended as a share of referred (0 when none were referred).
    pub fn uptake(&self) -> f64 {
        if self.referred == 0 {
            0.0
        } else {
            #[expect(
                clippy::cast_precision_loss,
                reason = "counts of referrals are far below 2^52"
            )]
            let rate = self.attended as f64 / self.referred as f64;
            rate
        }
    }
}

/// The funnel of each group, in the groups' order, small groups withheld.
pub fn by_group<K: Ord + Clone>(
    referrals: impl IntoIterator<Item = (K, Reached)>,
) -> Vec<(K, Cell<Funnel>)> {
    let mut groups: BTreeMap<K, Funnel> = BTreeMap::new();
    for (key, reached) in referrals {
        groups.entry(key).or_default().add(reached);
    }
    let sizes: Vec<u64> = groups.values().map(|f| f.referred).collect();
    groups
        .into_iter()
        .zip(suppressed_cells(&sizes))
        .map(|((key, funnel), hide)| {
            let cell = if hide {
                Cell::Suppressed
            } else {
                Cell::Shown {
                    respondents: funnel.referred,
                    value: funnel,
                }
            };
            (key, cell)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surveys::breakdown::MIN_CELL_RESPONDENTS;
    use proptest::prelude::*;

    #[test]
    fn a_referral_counts_at_every_stage_it_passed() {
        let dna = Reached::of([Status::Referred, Status::Accepted, Status::DidNotAttend]);
        assert_eq!(
            dna,
            Reached {
                accepted: true,
                attended: false,
                completed: false
            }
        );
        let done = Reached::of([
            Status::Referred,
            Status::Accepted,
            Status::Contacted,
            Status::FirstAttended,
            Status::Completed,
        ]);
        assert!(done.completed && done.attended && done.accepted);
        let funnel = Funnel::of([dna, done, Reached::default()]);
        assert_eq!(
            funnel,
            Funnel {
                referred: 3,
                accepted: 2,
                attended: 1,
                completed: 1
            }
        );
        assert!((funnel.uptake() - 1.0 / 3.0).abs() < 1e-12);
        assert!(Funnel::default().uptake().abs() < f64::EPSILON);
    }

    #[test]
    fn small_groups_are_withheld_with_the_next_smallest() {
        let rows = (0..6)
            .map(|_| ("a", Reached::default()))
            .chain((0..7).map(|_| ("b", Reached::default())))
            .chain((0..2).map(|_| ("c", Reached::default())));
        let cells = by_group(rows);
        assert_eq!(cells.len(), 3);
        assert_eq!(cells[0].1, Cell::Suppressed, "a is next smallest");
        assert!(matches!(cells[1].1, Cell::Shown { respondents: 7, .. }));
        assert_eq!(cells[2].1, Cell::Suppressed);
    }

    proptest! {
        #[test]
        fn a_shown_group_is_never_small_and_never_alone_in_hiding_one(
            groups in proptest::collection::vec((0u8..6, 0u8..4), 0..80)
        ) {
            let rows = groups.iter().map(|&(key, stage)| {
                (key, Reached { accepted: stage >= 1, attended: stage >= 2, completed: stage >= 3 })
            });
            let cells = by_group(rows);
            let hidden = cells.iter().filter(|(_, c)| *c == Cell::Suppressed).count();
            prop_assert!(hidden != 1 || cells.len() == 1);
            for (_, cell) in &cells {
                if let Cell::Shown { respondents, value } = cell {
                    prop_assert!(*respondents >= MIN_CELL_RESPONDENTS);
                    prop_assert!(value.referred >= value.accepted);
                    prop_assert!(value.accepted >= value.attended);
                    prop_assert!(value.attended >= value.completed);
                }
            }
        }
    }
}

//! Initiatives ranked by impact, so an organisation can focus on the best.
//!
//! "Impact" can be read three ways and each answers a different question,
//! so the caller chooses: the SROI ratio (value per pound put in — which
//! initiative uses resources best), net value (value left after the inputs
//! — which adds most overall), or present value (value created, whatever
//! it cost). Ranks are standard competition ranks ("1, 2, 2, 4"); an
//! initiative without a value for the measure (no ratio because nothing
//! went in) comes last, unranked. Equal values keep the order they were
//! given in.

use serde::{Deserialize, Serialize};

use super::appraisal::Appraisal;

/// What initiatives are ranked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImpactMeasure {
    SroiRatio,
    NetValue,
    PresentValue,
}

impl ImpactMeasure {
    /// The measure's value for one appraisal.
    pub fn of(self, appraisal: &Appraisal) -> Option<f64> {
        match self {
            ImpactMeasure::SroiRatio => appraisal.sroi_ratio,
            ImpactMeasure::NetValue => Some(appraisal.net_value),
            ImpactMeasure::PresentValue => Some(appraisal.present_value),
        }
    }
}

/// One initiative's place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranked<K> {
    pub initiative: K,
    /// 1 for the highest; `None` when the measure has no value.
    pub rank: Option<usize>,
    pub value: Option<f64>,
}

/// Ranks initiatives, each given with its appraisal, highest first.
pub fn rank_by_impact<K: Clone>(
    initiatives: &[(K, &Appraisal)],
    measure: ImpactMeasure,
) -> Vec<Ranked<K>> {
    let mut ranked: Vec<Ranked<K>> = initiatives
        .iter()
        .map(|(initiative, appraisal)| Ranked {
            initiative: initiative.clone(),
            rank: None,
            value: measure.of(appraisal),
        })
        .collect();
    // Highest first, missing values last; the sort is stable.
    ranked.sort_by(|a, b| match (a.value, b.value) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let mut previous: Option<(f64, usize)> = None;
    for (position, entry) in ranked.iter_mut().enumerate() {
        let Some(value) = entry.value else {
            break;
        };
        let rank = match previous {
            Some((before, rank)) if before.total_cmp(&value).is_eq() => rank,
            _ => position + 1,
        };
        entry.rank = Some(rank);
        previous = Some((value, rank));
    }
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::business_case::appraisal::appraise;
    use crate::business_case::model::{BusinessCase, FinancialProxy, Inputs, Outcome};

    /// A case with `money` in and one year of `value` out, at r = 0.
    fn appraisal(money: f64, value: f64) -> Appraisal {
        let case = BusinessCase {
            inputs: Inputs {
                money,
                staff_hours: 0.0,
                staff_hourly_cost: 0.0,
                volunteer_hours: 0.0,
                volunteer_hourly_value: 0.0,
            },
            outcomes: vec![Outcome {
                description: "Value".into(),
                quantity: 1.0,
                proxy: FinancialProxy {
                    value,
                    source: "A worked example".into(),
                    price_year: 2024,
                },
                deadweight: 0.0,
                displacement: 0.0,
                attribution: 0.0,
                drop_off: 0.0,
                duration_years: 1,
            }],
            discount_rate: 0.0,
        };
        appraise(&case).unwrap()
    }

    fn order<'a>(ranked: &[Ranked<&'a str>]) -> Vec<(&'a str, Option<usize>)> {
        ranked.iter().map(|r| (r.initiative, r.rank)).collect()
    }

    #[test]
    fn each_measure_gives_its_own_order() {
        // food train: 10,000 in, 30,000 out → ratio 3, net 20,000
        // speed watch: 1,000 in, 4,000 out → ratio 4, net 3,000
        // care website: 50,000 in, 100,000 out → ratio 2, net 50,000
        // drop-in: nothing in, 500 out → no ratio, net 500
        let food = appraisal(10_000.0, 30_000.0);
        let speed = appraisal(1_000.0, 4_000.0);
        let website = appraisal(50_000.0, 100_000.0);
        let drop_in = appraisal(0.0, 500.0);
        let all = [
            ("food train", &food),
            ("speed watch", &speed),
            ("care website", &website),
            ("drop-in", &drop_in),
        ];
        assert_eq!(
            order(&rank_by_impact(&all, ImpactMeasure::SroiRatio)),
            vec![
                ("speed watch", Some(1)),
                ("food train", Some(2)),
                ("care website", Some(3)),
                ("drop-in", None)
            ]
        );
        assert_eq!(
            order(&rank_by_impact(&all, ImpactMeasure::NetValue)),
            vec![
                ("care website", Some(1)),
                ("food train", Some(2)),
                ("speed watch", Some(3)),
                ("drop-in", Some(4))
            ]
        );
        let by_value = rank_by_impact(&all, ImpactMeasure::PresentValue);
        assert_eq!(by_value[0].value, Some(100_000.0));
    }

    #[test]
    fn ties_share_a_rank_and_keep_their_order() {
        // Ratios 2, 3, 2, 1: the two 2s share rank 2, then rank 4.
        let a = appraisal(100.0, 200.0);
        let b = appraisal(100.0, 300.0);
        let c = appraisal(50.0, 100.0);
        let d = appraisal(100.0, 100.0);
        let ranked = rank_by_impact(
            &[("a", &a), ("b", &b), ("c", &c), ("d", &d)],
            ImpactMeasure::SroiRatio,
        );
        assert_eq!(
            order(&ranked),
            vec![
                ("b", Some(1)),
                ("a", Some(2)),
                ("c", Some(2)),
                ("d", Some(4))
            ]
        );
    }
}

use proptest::prelude::*;

use super::*;
use crate::business_case::model::{DEFAULT_DISCOUNT_RATE, FinancialProxy, Inputs, Outcome};

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() <= 1e-9 * expected.abs().max(1.0)
}

macro_rules! assert_close {
    ($actual:expr, $expected:expr) => {{
        let (actual, expected) = ($actual, $expected);
        assert!(close(actual, expected), "{actual} is not {expected}");
    }};
}

fn outcome(quantity: f64, proxy: f64, fractions: [f64; 4], duration_years: u32) -> Outcome {
    let [deadweight, displacement, attribution, drop_off] = fractions;
    Outcome {
        description: "An outcome".into(),
        quantity,
        proxy: FinancialProxy {
            value: proxy,
            source: "A worked example".into(),
            price_year: 2024,
        },
        deadweight,
        displacement,
        attribution,
        drop_off,
        duration_years,
    }
}

fn money_only(money: f64) -> Inputs {
    Inputs {
        money,
        staff_hours: 0.0,
        staff_hourly_cost: 0.0,
        volunteer_hours: 0.0,
        volunteer_hourly_value: 0.0,
    }
}

/// A befriending scheme with two outcomes, at the default 3.5%.
fn befriending() -> BusinessCase {
    BusinessCase {
        inputs: Inputs {
            money: 5_000.0,
            staff_hours: 100.0,
            staff_hourly_cost: 30.0,
            volunteer_hours: 500.0,
            volunteer_hourly_value: 10.0,
        },
        outcomes: vec![
            // 40 people × £200 of GP time; 25% would have happened anyway,
            // nothing displaced, 20% owed to others; half is lost each
            // year; lasts 3 years.
            outcome(40.0, 200.0, [0.25, 0.0, 0.2, 0.5], 3),
            // 30 people × £1,000 of wellbeing; 40% deadweight, 10%
            // displacement, 50% attribution; no drop-off; lasts 2 years.
            outcome(30.0, 1_000.0, [0.4, 0.1, 0.5, 0.0], 2),
        ],
        discount_rate: DEFAULT_DISCOUNT_RATE,
    }
}

#[test]
fn the_befriending_scheme_worked_by_hand() {
    let appraisal = appraise(&befriending()).unwrap();

    // Inputs: £5,000 + 100 h × £30 (= £3,000) + 500 h × £10 (= £5,000)
    // = £13,000.
    let inputs = &appraisal.inputs;
    assert_close!(inputs.staff_cost, 3_000.0);
    assert_close!(inputs.volunteer_value, 5_000.0);
    assert_close!(inputs.total, 13_000.0);

    // Outcome 1: gross 40 × 200 = 8,000; × 0.75 = 6,000; × 1 = 6,000;
    // × 0.8 = V₁ 4,800. V₂ = 2,400, V₃ = 1,200. Divisors 1.035,
    // 1.035² = 1.071225, 1.035³ = 1.108717875.
    // PV = 4,800/1.035 + 2,400/1.071225 + 1,200/1.108717875
    //    = 4,637.681159 + 2,240.425681 + 1,082.331247 = 7,960.438087.
    let first = &appraisal.outcomes[0];
    assert_close!(first.gross_value, 8_000.0);
    assert_close!(first.after_deadweight, 6_000.0);
    assert_close!(first.after_displacement, 6_000.0);
    assert_close!(first.first_year_value, 4_800.0);
    let values: Vec<f64> = first.years.iter().map(|y| y.value).collect();
    assert_eq!(values, vec![4_800.0, 2_400.0, 1_200.0]);
    assert_close!(first.years[2].discount_divisor, 1.108_717_875);
    assert_close!(first.years[0].present_value, 4_637.681_159_420_29);
    assert_close!(first.years[1].present_value, 2_240.425_680_879_367);
    assert_close!(first.years[2].present_value, 1_082.331_246_801_626);
    assert_close!(first.present_value, 7_960.438_087_101_283);

    // Outcome 2: gross 30 × 1,000 = 30,000; × 0.6 = 18,000; × 0.9 =
    // 16,200; × 0.5 = V₁ 8,100; V₂ = 8,100.
    // PV = 8,100/1.035 + 8,100/1.071225 = 7,826.086957 + 7,561.436673
    //    = 15,387.523630.
    let second = &appraisal.outcomes[1];
    assert_close!(second.after_deadweight, 18_000.0);
    assert_close!(second.after_displacement, 16_200.0);
    assert_close!(second.first_year_value, 8_100.0);
    assert_close!(second.present_value, 15_387.523_629_489_603);

    // Present value 7,960.438087 + 15,387.523629 = 23,347.961717;
    // net 23,347.961717 − 13,000 = 10,347.961717;
    // ratio 23,347.961717 / 13,000 = 1.795997.
    assert_close!(appraisal.present_value, 23_347.961_716_590_886);
    assert_close!(appraisal.net_value, 10_347.961_716_590_886);
    assert_close!(appraisal.sroi_ratio.unwrap(), 1.795_997_055_122_375_8);

    // Year 1: 4,637.681159 + 7,826.086957 = 12,463.768116 (short of
    // 13,000 by 536.231884). Year 2 brings 2,240.425681 + 7,561.436673
    // = 9,801.862354, so payback = 1 + 536.231884 / 9,801.862354
    // = 1.054707 years.
    let year_values: Vec<f64> = appraisal.years.iter().map(|y| y.value).collect();
    assert_eq!(year_values, vec![12_900.0, 10_500.0, 1_200.0]);
    assert_close!(appraisal.years[0].present_value, 12_463.768_115_942_028);
    assert_close!(appraisal.years[1].present_value, 9_801.862_353_847_231);
    assert_close!(
        appraisal.years[2].cumulative_present_value,
        appraisal.present_value
    );
    assert_close!(appraisal.payback_years.unwrap(), 1.054_707_142_857_142_8);
}

#[test]
fn no_discounting_and_no_drop_off_by_hand() {
    // £1,000 in; 10 × £50 = £500 a year for 4 years, nothing deducted,
    // r = 0: PV = 4 × 500 = 2,000; ratio 2; net 1,000. Cumulative 500,
    // 1,000 → paid back exactly at the end of year 2.
    let case = BusinessCase {
        inputs: money_only(1_000.0),
        outcomes: vec![outcome(10.0, 50.0, [0.0; 4], 4)],
        discount_rate: 0.0,
    };
    let appraisal = appraise(&case).unwrap();
    assert_close!(appraisal.present_value, 2_000.0);
    assert_close!(appraisal.sroi_ratio.unwrap(), 2.0);
    assert_close!(appraisal.net_value, 1_000.0);
    assert_close!(appraisal.payback_years.unwrap(), 2.0);
}

#[test]
fn inputs_never_paid_back_have_no_payback() {
    // £10,000 in; 1 × £2,000 for one year at r = 0 → PV 2,000, ratio 0.2,
    // net −8,000, never paid back.
    let case = BusinessCase {
        inputs: money_only(10_000.0),
        outcomes: vec![outcome(1.0, 2_000.0, [0.0; 4], 1)],
        discount_rate: 0.0,
    };
    let appraisal = appraise(&case).unwrap();
    assert_close!(appraisal.sroi_ratio.unwrap(), 0.2);
    assert_close!(appraisal.net_value, -8_000.0);
    assert_eq!(appraisal.payback_years, None);
}

#[test]
fn no_inputs_means_no_ratio_and_instant_payback() {
    let case = BusinessCase {
        inputs: money_only(0.0),
        outcomes: vec![outcome(3.0, 10.0, [0.0; 4], 1)],
        discount_rate: 0.0,
    };
    let appraisal = appraise(&case).unwrap();
    assert_eq!(appraisal.sroi_ratio, None);
    assert_eq!(appraisal.payback_years, Some(0.0));
    assert_close!(appraisal.net_value, 30.0);
}

#[test]
fn an_invalid_case_is_not_worked_out() {
    let mut case = befriending();
    case.outcomes[1].attribution = 2.0;
    let errors = appraise(&case).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "outcomes[1].attribution");
}

/// Any valid outcome.
fn any_outcome() -> impl Strategy<Value = Outcome> {
    (
        0.0f64..1_000.0,
        0.0f64..10_000.0,
        [0.0f64..=1.0, 0.0f64..=1.0, 0.0f64..=1.0, 0.0f64..=1.0],
        1u32..=15,
    )
        .prop_map(|(quantity, proxy, fractions, duration)| {
            outcome(quantity, proxy, fractions, duration)
        })
}

fn case_of(outcomes: Vec<Outcome>, discount_rate: f64) -> BusinessCase {
    BusinessCase {
        inputs: money_only(5_000.0),
        outcomes,
        discount_rate,
    }
}

proptest! {
    #[test]
    fn more_deadweight_never_raises_present_value(
        outcomes in prop::collection::vec(any_outcome(), 1..5),
        which in any::<prop::sample::Index>(),
        extra in 0.0f64..=1.0,
        rate in 0.0f64..0.2,
    ) {
        let before = appraise(&case_of(outcomes.clone(), rate)).unwrap().present_value;
        let mut more = outcomes;
        let at = which.index(more.len());
        more[at].deadweight = (more[at].deadweight + extra).min(1.0);
        let after = appraise(&case_of(more, rate)).unwrap().present_value;
        prop_assert!(after <= before, "{after} > {before}");
    }

    #[test]
    fn no_drop_off_and_no_discount_gives_duration_times_first_year(
        mut single in any_outcome(),
    ) {
        single.drop_off = 0.0;
        let appraisal = appraise(&case_of(vec![single.clone()], 0.0)).unwrap();
        let working = &appraisal.outcomes[0];
        let expected = f64::from(single.duration_years) * working.first_year_value;
        prop_assert!(close(appraisal.present_value, expected), "{} vs {expected}", appraisal.present_value);
    }

    #[test]
    fn a_higher_discount_rate_never_raises_present_value(
        outcomes in prop::collection::vec(any_outcome(), 1..5),
        low in 0.0f64..0.5,
        step in 0.0f64..0.5,
    ) {
        let at_low = appraise(&case_of(outcomes.clone(), low)).unwrap().present_value;
        let at_high = appraise(&case_of(outcomes, low + step)).unwrap().present_value;
        prop_assert!(at_high <= at_low);
    }

    #[test]
    fn value_is_never_negative_nor_above_the_undeducted_total(
        outcomes in prop::collection::vec(any_outcome(), 0..5),
        rate in 0.0f64..=1.0,
    ) {
        let ceiling: f64 = outcomes
            .iter()
            .map(|o| o.quantity * o.proxy.value * f64::from(o.duration_years))
            .sum();
        let appraisal = appraise(&case_of(outcomes, rate)).unwrap();
        prop_assert!(appraisal.present_value >= 0.0);
        prop_assert!(appraisal.present_value <= ceiling * (1.0 + 1e-12));
        if let Some(payback) = appraisal.payback_years {
            let longest = appraisal.years.len();
            prop_assert!(payback >= 0.0 && payback <= f64::from(u32::try_from(longest).unwrap()));
        }
    }
}

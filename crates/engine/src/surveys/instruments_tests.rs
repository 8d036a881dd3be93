use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;
use crate::surveys::answers::check_answers;
use crate::surveys::definition::Survey;
use crate::surveys::question::{Audience, Code};

/// The conversion table exactly as DOMAIN.md prints it.
const PUBLISHED_TABLE: [(u8, &str); 29] = [
    (7, "7.00"),
    (8, "9.51"),
    (9, "11.25"),
    (10, "12.40"),
    (11, "13.33"),
    (12, "14.08"),
    (13, "14.75"),
    (14, "15.32"),
    (15, "15.84"),
    (16, "16.36"),
    (17, "16.88"),
    (18, "17.43"),
    (19, "17.98"),
    (20, "18.59"),
    (21, "19.25"),
    (22, "19.98"),
    (23, "20.73"),
    (24, "21.54"),
    (25, "22.35"),
    (26, "23.21"),
    (27, "24.11"),
    (28, "25.03"),
    (29, "26.02"),
    (30, "27.03"),
    (31, "28.13"),
    (32, "29.31"),
    (33, "30.70"),
    (34, "32.55"),
    (35, "35.00"),
];

#[test]
fn swemwbs_converts_every_raw_score_as_published() {
    for (raw, metric) in PUBLISHED_TABLE {
        let score = SwemwbsScore::from_raw(raw).unwrap();
        assert_eq!(score.raw(), raw);
        assert_eq!(score.metric_text(), metric, "raw {raw}");
        let expected: f64 = metric.parse().unwrap();
        assert!(
            (score.metric() - expected).abs() < f64::EPSILON,
            "raw {raw}"
        );
    }
    assert_eq!(SwemwbsScore::from_raw(6), None);
    assert_eq!(SwemwbsScore::from_raw(36), None);
}

#[test]
fn swemwbs_scores_a_row_of_items() {
    // 1 + 2 + 3 + 4 + 5 + 3 + 2 = 20 → 18.59.
    let InstrumentScore::Swemwbs(score) =
        Instrument::Swemwbs.score(&[1, 2, 3, 4, 5, 3, 2]).unwrap()
    else {
        panic!("not a SWEMWBS score");
    };
    assert_eq!((score.raw(), score.metric_text()), (20, "18.59".to_owned()));
}

#[test]
fn ons4_bands_for_every_score() {
    use Ons4Band::{High, Low, Medium, VeryHigh, VeryLow};
    // Scores 0 to 10 in order.
    let positive = [
        Low, Low, Low, Low, Low, Medium, Medium, High, High, VeryHigh, VeryHigh,
    ];
    let anxiety = [
        VeryLow, VeryLow, Low, Low, Medium, Medium, High, High, High, High, High,
    ];
    for score in 0..=10u8 {
        let at = usize::from(score);
        for measure in [
            Ons4Measure::LifeSatisfaction,
            Ons4Measure::Worthwhile,
            Ons4Measure::Happy,
        ] {
            assert_eq!(measure.band(score), positive[at], "{measure:?} {score}");
        }
        assert_eq!(
            Ons4Measure::Anxious.band(score),
            anxiety[at],
            "anxious {score}"
        );
    }
}

#[test]
fn ons4_keeps_its_four_scores_apart() {
    let score = Instrument::Ons4.score(&[7, 8, 6, 3]).unwrap();
    assert_eq!(
        score,
        InstrumentScore::Ons4(Ons4Scores {
            life_satisfaction: 7,
            worthwhile: 8,
            happy: 6,
            anxious: 3
        })
    );
    let json = serde_json::to_value(score).unwrap();
    assert_eq!(json["anxious"], 3);
    assert_eq!(json["instrument"], "ons4");
}

#[test]
fn ucla3_sums_its_items() {
    assert_eq!(
        Instrument::Ucla3.score(&[1, 2, 3]).unwrap(),
        InstrumentScore::Ucla3 { score: 6 }
    );
    assert_eq!(
        Instrument::Ucla3.score(&[1, 1, 1]).unwrap(),
        InstrumentScore::Ucla3 { score: 3 }
    );
}

#[test]
fn bad_rows_name_the_item() {
    assert_eq!(
        Instrument::Ucla3.score(&[1, 4, 0]),
        Err(ScoreError::OutOfRange {
            item: 2,
            value: 4,
            lowest: 1,
            highest: 3
        })
    );
    assert_eq!(
        Instrument::Ons4.score(&[1, 2, 3, -1]),
        Err(ScoreError::OutOfRange {
            item: 4,
            value: -1,
            lowest: 0,
            highest: 10
        })
    );
    assert_eq!(
        Instrument::Swemwbs.score(&[3; 6]),
        Err(ScoreError::ItemCount {
            instrument: Instrument::Swemwbs,
            expected: 7,
            given: 6
        })
    );
    assert_eq!(
        Instrument::Ons4
            .score(&[1, 2, 3, 300])
            .unwrap_err()
            .to_string(),
        "q4 is 300, but answers run from 0 to 10"
    );
}

#[test]
fn instruments_are_named_as_the_command_line_names_them() {
    for instrument in Instrument::ALL {
        assert_eq!(Instrument::from_key(instrument.key()), Some(instrument));
    }
    assert_eq!(Instrument::from_key("phq9"), None);
}

/// Stand-in wording for tests; real wording comes from the publisher.
fn wording(instrument: Instrument) -> PublishedWording {
    PublishedWording {
        title: format!("{instrument:?}"),
        instructions: "Answer each item".into(),
        items: (1..=instrument.item_count())
            .map(|n| format!("Item {n}"))
            .collect(),
        answer_labels: (1..=instrument.answer_label_count())
            .map(|n| format!("Label {n}"))
            .collect(),
    }
}

fn survey_of(section: Section) -> Survey {
    Survey::new(BTreeSet::from([Audience::Citizens]), vec![section]).unwrap()
}

#[test]
fn swemwbs_section_carries_the_copyright_line_and_scores_answers() {
    let section = Instrument::Swemwbs
        .section(&wording(Instrument::Swemwbs))
        .unwrap();
    assert_eq!(section.notice.as_deref(), Some(SWEMWBS_COPYRIGHT));
    let survey = survey_of(section);
    let code = |raw: &str| Code::parse(raw).unwrap();
    let answers = AnswerSet::from([(
        code("swemwbs"),
        Answer::Items(
            (1..=7)
                .map(|n| (code(&n.to_string()), code(if n <= 3 { "5" } else { "4" })))
                .collect(),
        ),
    )]);
    assert_eq!(check_answers(&survey, &answers), Ok(()));
    // 3 × 5 + 4 × 4 = 31 → 28.13.
    let values = Instrument::Swemwbs.item_values(&answers).unwrap();
    assert_eq!(values, vec![5, 5, 5, 4, 4, 4, 4]);
    let InstrumentScore::Swemwbs(score) = Instrument::Swemwbs.score(&values).unwrap() else {
        panic!("not a SWEMWBS score");
    };
    assert_eq!(score.metric_text(), "28.13");
}

#[test]
fn ons4_and_ucla3_sections_round_trip_answers() {
    let ons4 = survey_of(
        Instrument::Ons4
            .section(&wording(Instrument::Ons4))
            .unwrap(),
    );
    assert_eq!(ons4.questions().count(), 4);
    let answers: AnswerSet = Ons4Measure::ALL
        .iter()
        .zip([9u8, 10, 2, 0])
        .map(|(m, r)| (Code::parse(m.key()).unwrap(), Answer::Rating(r)))
        .collect();
    assert_eq!(check_answers(&ons4, &answers), Ok(()));
    assert_eq!(
        Instrument::Ons4.item_values(&answers),
        Some(vec![9, 10, 2, 0])
    );

    let ucla = Instrument::Ucla3
        .section(&wording(Instrument::Ucla3))
        .unwrap();
    assert_eq!(ucla.notice, None);
    let survey = survey_of(ucla);
    let QuestionKind::Battery { scale, .. } = &survey.questions().next().unwrap().kind else {
        panic!("UCLA-3 is a battery");
    };
    assert_eq!(scale.value_range(), Some((1, 3)));
    // A missing item leaves nothing to score.
    let partial = AnswerSet::from([(
        Code::parse("ucla3").unwrap(),
        Answer::Items([(Code::parse("1").unwrap(), Code::parse("2").unwrap())].into()),
    )]);
    assert_eq!(Instrument::Ucla3.item_values(&partial), None);
}

#[test]
fn wording_must_fit_the_instrument() {
    let mut short = wording(Instrument::Swemwbs);
    short.items.pop();
    assert_eq!(
        Instrument::Swemwbs.section(&short),
        Err(WordingError::ItemCount {
            expected: 7,
            given: 6
        })
    );
    assert_eq!(
        Instrument::Ons4.section(&wording(Instrument::Ucla3)),
        Err(WordingError::ItemCount {
            expected: 4,
            given: 3
        })
    );
    let mut labels = wording(Instrument::Ucla3);
    labels.answer_labels.push("Extra".into());
    assert_eq!(
        Instrument::Ucla3.section(&labels),
        Err(WordingError::LabelCount {
            expected: 3,
            given: 4
        })
    );
    let mut blank = wording(Instrument::Ons4);
    blank.items[2] = " ".into();
    assert_eq!(Instrument::Ons4.section(&blank), Err(WordingError::Blank));
}

#[test]
fn ons4_summary_by_hand() {
    // Life satisfaction 4, 7, 10 → mean 7; bands low, high, very high.
    let scores = [
        Ons4Scores {
            life_satisfaction: 4,
            worthwhile: 5,
            happy: 6,
            anxious: 0,
        },
        Ons4Scores {
            life_satisfaction: 7,
            worthwhile: 5,
            happy: 6,
            anxious: 5,
        },
        Ons4Scores {
            life_satisfaction: 10,
            worthwhile: 5,
            happy: 6,
            anxious: 10,
        },
    ];
    let summary = summarise_ons4(&scores);
    let life = &summary[&Ons4Measure::LifeSatisfaction];
    assert_eq!(life.mean.mean, Some(7.0));
    assert_eq!(life.bands[&Ons4Band::Low], 1);
    assert_eq!(life.bands[&Ons4Band::High], 1);
    assert_eq!(life.bands[&Ons4Band::VeryHigh], 1);
    assert_eq!(life.bands[&Ons4Band::Medium], 0);
    let anxious = &summary[&Ons4Measure::Anxious];
    assert_eq!(
        (
            anxious.bands[&Ons4Band::VeryLow],
            anxious.bands[&Ons4Band::Medium],
            anxious.bands[&Ons4Band::High]
        ),
        (1, 1, 1)
    );
    // All three said 5 for worthwhile: no spread, an interval of width 0.
    let worthwhile = summary[&Ons4Measure::Worthwhile].mean;
    assert_eq!(worthwhile.standard_deviation, Some(0.0));
}

proptest! {
    #[test]
    fn swemwbs_metric_rises_with_raw_and_stays_in_range(items in prop::collection::vec(1i64..=5, 7)) {
        let InstrumentScore::Swemwbs(score) = Instrument::Swemwbs.score(&items).unwrap() else {
            panic!("not a SWEMWBS score");
        };
        prop_assert!((7.0..=35.0).contains(&score.metric()));
        if let Some(next) = SwemwbsScore::from_raw(score.raw() + 1) {
            prop_assert!(next.metric() > score.metric());
        }
    }

    #[test]
    fn ucla3_stays_within_3_and_9(items in prop::collection::vec(1i64..=3, 3)) {
        let InstrumentScore::Ucla3 { score } = Instrument::Ucla3.score(&items).unwrap() else {
            panic!("not a UCLA-3 score");
        };
        prop_assert!((3..=9).contains(&score));
    }
}

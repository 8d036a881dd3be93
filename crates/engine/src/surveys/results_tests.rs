use std::collections::BTreeSet;

use super::*;
use crate::surveys::answers::AnswerSet;
use crate::surveys::breakdown::RespondentFacts;
use crate::surveys::definition::Section;
use crate::surveys::question::{Choice, Condition, Prompt, Wording, known_code};

/// carer (yes/no) → hours (number, only for carers) → mood (0–10) →
/// habits (a two-item frequency battery) → help (multiple choice) →
/// story (free text) → agree (Likert).
fn survey() -> Survey {
    let prompt = || Prompt::same_for_all(Wording::plain("Question"));
    let choices = |codes: &[&str]| -> Vec<Choice> {
        codes
            .iter()
            .map(|c| Choice {
                code: known_code(c),
                label: Wording::plain(c),
            })
            .collect()
    };
    let mut hours = Question::new(
        known_code("hours"),
        prompt(),
        QuestionKind::Number {
            min: Some(0.0),
            max: None,
            whole_numbers: false,
        },
    );
    hours.show_if = Some(Condition {
        question: known_code("carer"),
        equals: known_code("yes"),
    });
    let questions = vec![
        Question::new(
            known_code("carer"),
            prompt(),
            QuestionKind::SingleChoice {
                options: choices(&["yes", "no"]),
            },
        ),
        hours,
        Question::new(
            known_code("mood"),
            prompt(),
            QuestionKind::ZeroToTen {
                low_anchor: None,
                high_anchor: None,
            },
        ),
        Question::new(
            known_code("habits"),
            prompt(),
            QuestionKind::Battery {
                scale: Scale::frequency(),
                items: ["a", "b"]
                    .iter()
                    .map(|c| crate::surveys::question::BatteryItem {
                        code: known_code(c),
                        prompt: prompt(),
                    })
                    .collect(),
            },
        ),
        Question::new(
            known_code("help"),
            prompt(),
            QuestionKind::MultipleChoice {
                options: choices(&["shopping", "lifts", "company"]),
                max_choices: None,
            },
        ),
        Question::new(
            known_code("story"),
            prompt(),
            QuestionKind::FreeText { max_chars: 100 },
        ),
        Question::new(
            known_code("agree"),
            prompt(),
            QuestionKind::Likert {
                scale: Scale::agreement(),
            },
        ),
    ];
    Survey::new(
        BTreeSet::from([Audience::Citizens, Audience::Staff]),
        vec![Section::new(Wording::plain("All"), questions)],
    )
    .unwrap()
}

fn respond(audience: Audience, channel: Channel, answers: Vec<(&str, Answer)>) -> Response {
    Response {
        audience,
        channel,
        facts: RespondentFacts::default(),
        answers: answers
            .into_iter()
            .map(|(q, a)| (known_code(q), a))
            .collect::<AnswerSet>(),
    }
}

fn choice(code: &str) -> Answer {
    Answer::Choice(known_code(code))
}

fn responses() -> Vec<Response> {
    vec![
        respond(
            Audience::Citizens,
            Channel::Online,
            vec![
                ("carer", choice("yes")),
                ("hours", Answer::Number(10.0)),
                ("mood", Answer::Rating(8)),
                (
                    "habits",
                    Answer::Items(
                        [
                            (known_code("a"), known_code("often")),
                            (known_code("b"), known_code("never")),
                        ]
                        .into(),
                    ),
                ),
                (
                    "help",
                    Answer::Choices([known_code("shopping"), known_code("lifts")].into()),
                ),
                ("story", Answer::Text("We manage".into())),
                ("agree", choice("agree")),
            ],
        ),
        respond(
            Audience::Citizens,
            Channel::Paper,
            vec![
                ("carer", choice("yes")),
                ("hours", Answer::Number(2.5)),
                ("mood", Answer::Rating(4)),
                (
                    "habits",
                    Answer::Items([(known_code("a"), known_code("often"))].into()),
                ),
                ("help", Answer::Choices([known_code("shopping")].into())),
                ("story", Answer::Text("   ".into())),
            ],
        ),
        respond(
            Audience::Staff,
            Channel::Online,
            vec![
                ("carer", choice("no")),
                // Hidden for non-carers, so not counted.
                ("hours", Answer::Number(99.0)),
                ("mood", Answer::Rating(6)),
                ("agree", choice("strongly_agree")),
            ],
        ),
        respond(Audience::Citizens, Channel::Online, vec![]),
    ]
}

#[test]
fn counts_by_audience_and_channel() {
    let counts = response_counts(&responses());
    let summary: Vec<(Audience, Channel, u64)> = counts
        .iter()
        .map(|c| (c.audience, c.channel, c.responses))
        .collect();
    assert_eq!(
        summary,
        vec![
            (Audience::Citizens, Channel::Online, 2),
            (Audience::Citizens, Channel::Paper, 1),
            (Audience::Staff, Channel::Online, 1),
        ]
    );
}

fn options_of(distribution: &Distribution) -> Vec<(&str, u64, f64)> {
    let Detail::Options { options } = &distribution.detail else {
        panic!("{distribution:?} has no options");
    };
    options
        .iter()
        .map(|o| (o.option.as_str(), o.count, o.percent))
        .collect()
}

#[test]
fn every_question_is_counted_by_hand() {
    let found = distributions(&survey(), &responses());
    let by_id = |id: &str| found.iter().find(|d| d.question.as_str() == id).unwrap();

    // carer: shown to all four, answered by three: yes 2 (66.67%), no 1.
    let carer = by_id("carer");
    assert_eq!((carer.shown_to, carer.answered), (4, 3));
    assert_eq!(options_of(carer)[0].0, "yes");
    assert_eq!(options_of(carer)[0].1, 2);
    assert!((options_of(carer)[0].2 - 200.0 / 3.0).abs() < 1e-12);

    // hours: shown to the two carers only; 10 and 2.5 → mean 6.25.
    let hours = by_id("hours");
    assert_eq!((hours.shown_to, hours.answered), (2, 2));
    let Detail::Numbers { mean, min, max } = &hours.detail else {
        panic!("hours is a number");
    };
    assert_eq!((mean.mean, *min, *max), (Some(6.25), Some(2.5), Some(10.0)));

    // mood: 8, 4, 6 → mean 6; one each at 4, 6 and 8.
    let Detail::Ratings { counts, mean } = &by_id("mood").detail else {
        panic!("mood is 0–10");
    };
    assert_eq!(mean.mean, Some(6.0));
    assert_eq!(
        (counts[4], counts[6], counts[8], counts.iter().sum::<u64>()),
        (1, 1, 1, 3)
    );

    // habits: item a often ×2; item b never ×1.
    let habits = by_id("habits");
    assert_eq!(habits.answered, 2);
    let Detail::Items { items } = &habits.detail else {
        panic!("habits is a battery");
    };
    assert_eq!((items[0].answered, items[0].options[2].count), (2, 2));
    assert_eq!((items[1].answered, items[1].options[0].count), (1, 1));
    assert!((items[1].options[0].percent - 100.0).abs() < f64::EPSILON);

    // help: shopping 2 of 2 = 100%, lifts 1 of 2 = 50%, company 0.
    let help: Vec<(&str, u64)> = options_of(by_id("help"))
        .into_iter()
        .map(|(o, c, _)| (o, c))
        .collect();
    assert_eq!(help, vec![("shopping", 2), ("lifts", 1), ("company", 0)]);

    // story: the blank one does not count.
    let story = by_id("story");
    assert_eq!((story.answered, &story.detail), (1, &Detail::Text));

    // agree: the Likert scale in order, one agree and one strongly agree.
    let agree: Vec<u64> = options_of(by_id("agree")).iter().map(|o| o.1).collect();
    assert_eq!(agree, vec![0, 0, 0, 1, 1]);
}

#[test]
fn nobody_answering_gives_zero_percents() {
    let found = distributions(&survey(), &[]);
    assert_eq!(found.len(), 7);
    assert!(options_of(&found[0]).iter().all(|o| o.1 == 0 && o.2 == 0.0));
}

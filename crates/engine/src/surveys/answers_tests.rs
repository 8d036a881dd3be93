use super::*;
use crate::surveys::definition::Section;
use crate::surveys::question::{BatteryItem, Choice, Condition, Prompt, Scale, Wording};

fn code(raw: &str) -> Code {
    Code::parse(raw).unwrap()
}

fn prompt() -> Prompt {
    Prompt::same_for_all(Wording::plain("Question"))
}

fn options(codes: &[&str]) -> Vec<Choice> {
    codes
        .iter()
        .map(|c| Choice {
            code: code(c),
            label: Wording::plain(c),
        })
        .collect()
}

/// carer (required single choice) → hours (number, shown if carer = yes)
/// → who (multiple choice, at most 2, shown if carer = yes)
/// → habits (required battery) → wellbeing (0–10) → story (text ≤ 20).
fn survey() -> Survey {
    let mut carer = Question::new(
        code("carer"),
        prompt(),
        QuestionKind::SingleChoice {
            options: options(&["yes", "no"]),
        },
    );
    carer.required = true;
    let when_carer = Some(Condition {
        question: code("carer"),
        equals: code("yes"),
    });
    let mut hours = Question::new(
        code("hours"),
        prompt(),
        QuestionKind::Number {
            min: Some(0.0),
            max: Some(168.0),
            whole_numbers: true,
        },
    );
    hours.required = true;
    hours.show_if.clone_from(&when_carer);
    let mut who = Question::new(
        code("who"),
        prompt(),
        QuestionKind::MultipleChoice {
            options: options(&["parent", "child", "partner"]),
            max_choices: Some(2),
        },
    );
    who.show_if = when_carer;
    let mut habits = Question::new(
        code("habits"),
        prompt(),
        QuestionKind::Battery {
            scale: Scale::frequency(),
            items: ["1", "2"]
                .iter()
                .map(|c| BatteryItem {
                    code: code(c),
                    prompt: prompt(),
                })
                .collect(),
        },
    );
    habits.required = true;
    let wellbeing = Question::new(
        code("wellbeing"),
        prompt(),
        QuestionKind::ZeroToTen {
            low_anchor: None,
            high_anchor: None,
        },
    );
    let story = Question::new(
        code("story"),
        prompt(),
        QuestionKind::FreeText { max_chars: 20 },
    );
    Survey::new(
        BTreeSet::from([Audience::Citizens]),
        vec![Section::new(
            Wording::plain("You"),
            vec![carer, hours, who, habits, wellbeing, story],
        )],
    )
    .unwrap()
}

fn items(pairs: &[(&str, &str)]) -> Answer {
    Answer::Items(pairs.iter().map(|(i, o)| (code(i), code(o))).collect())
}

fn problems(answers: &[(&str, Answer)]) -> Vec<(String, AnswerFault)> {
    let set: AnswerSet = answers.iter().map(|(q, a)| (code(q), a.clone())).collect();
    match check_answers(&survey(), &set) {
        Ok(()) => vec![],
        Err(problems) => problems
            .into_iter()
            .map(|p| (p.question.to_string(), p.fault))
            .collect(),
    }
}

#[test]
fn a_complete_carer_response_passes() {
    let found = problems(&[
        ("carer", Answer::Choice(code("yes"))),
        ("hours", Answer::Number(35.0)),
        (
            "who",
            Answer::Choices(BTreeSet::from([code("parent"), code("child")])),
        ),
        ("habits", items(&[("1", "often"), ("2", "never")])),
        ("wellbeing", Answer::Rating(10)),
        ("story", Answer::Text("Twenty characters ok".into())),
    ]);
    assert_eq!(found, vec![]);
}

#[test]
fn follow_ups_stay_hidden_unless_their_condition_holds() {
    let survey = survey();
    let with = |carer: &str| {
        let answers = AnswerSet::from([(code("carer"), Answer::Choice(code(carer)))]);
        shown_questions(&survey, &answers)
            .into_iter()
            .map(Code::as_str)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        with("yes"),
        ["carer", "habits", "hours", "story", "wellbeing", "who"]
    );
    assert_eq!(with("no"), ["carer", "habits", "story", "wellbeing"]);
}

#[test]
fn hiding_cascades_down_a_chain_of_conditions() {
    // who (shown if carer = yes) → why (shown if who = parent). A
    // non-carer's leftover answers to `who` must not reveal `why`.
    let mut survey = survey();
    let mut sections = survey.sections().to_vec();
    let mut why = Question::new(
        code("why"),
        prompt(),
        QuestionKind::FreeText { max_chars: 50 },
    );
    why.show_if = Some(Condition {
        question: code("who"),
        equals: code("parent"),
    });
    sections[0].questions.push(why);
    survey = Survey::new(BTreeSet::from([Audience::Citizens]), sections).unwrap();
    let answers = |carer: &str| {
        AnswerSet::from([
            (code("carer"), Answer::Choice(code(carer))),
            (
                code("who"),
                Answer::Choices(BTreeSet::from([code("parent")])),
            ),
        ])
    };
    assert!(shown_questions(&survey, &answers("yes")).contains(&code("why")));
    let hidden = shown_questions(&survey, &answers("no"));
    assert!(!hidden.contains(&code("who")) && !hidden.contains(&code("why")));
    let visibility = Visibility::of(&survey);
    let position = survey.position(&code("why")).unwrap();
    assert!(visibility.is_shown(position, &answers("yes")));
    assert!(!visibility.is_shown(position, &answers("no")));
}

#[test]
fn every_problem_is_named_by_its_question() {
    let found = problems(&[
        ("carer", Answer::Choice(code("no"))),
        ("hours", Answer::Number(3.0)),
        ("habits", items(&[("1", "always"), ("9", "often")])),
        ("wellbeing", Answer::Rating(11)),
        ("story", Answer::Number(4.0)),
        ("shoe_size", Answer::Number(9.0)),
    ]);
    assert_eq!(
        found,
        vec![
            ("hours".into(), AnswerFault::AnsweredWhileHidden),
            (
                "habits".into(),
                AnswerFault::ItemOptionNotOffered {
                    item: code("1"),
                    option: code("always")
                }
            ),
            (
                "habits".into(),
                AnswerFault::UnknownItem { item: code("9") }
            ),
            (
                "habits".into(),
                AnswerFault::ItemMissing { item: code("2") }
            ),
            (
                "wellbeing".into(),
                AnswerFault::RatingOutOfRange { rating: 11 }
            ),
            ("story".into(), AnswerFault::WrongKind),
            ("shoe_size".into(), AnswerFault::UnknownQuestion),
        ]
    );
}

#[test]
fn required_questions_must_be_answered_when_shown() {
    let found = problems(&[
        ("carer", Answer::Choice(code("yes"))),
        ("hours", Answer::Number(-1.5)),
        (
            "who",
            Answer::Choices(BTreeSet::from([
                code("parent"),
                code("child"),
                code("friend"),
            ])),
        ),
        ("habits", Answer::Items(BTreeMap::new())),
        ("story", Answer::Text("x".repeat(21))),
    ]);
    assert_eq!(
        found,
        vec![
            (
                "hours".into(),
                AnswerFault::NumberOutOfRange {
                    min: Some(0.0),
                    max: Some(168.0)
                }
            ),
            ("hours".into(), AnswerFault::NotAWholeNumber),
            (
                "who".into(),
                AnswerFault::OptionNotOffered {
                    option: code("friend")
                }
            ),
            ("who".into(), AnswerFault::TooManyChoices { max: 2 }),
            ("habits".into(), AnswerFault::Missing),
            ("story".into(), AnswerFault::TextTooLong { max_chars: 20 }),
        ]
    );
    assert_eq!(
        problems(&[])
            .into_iter()
            .map(|(q, f)| (q, f.key()))
            .collect::<Vec<_>>(),
        vec![
            ("carer".to_owned(), "error.survey.answer.missing"),
            ("habits".to_owned(), "error.survey.answer.missing"),
        ]
    );
}

#[test]
fn problems_serialise_flat_for_the_api() {
    let problem = AnswerProblem {
        question: code("hours"),
        fault: AnswerFault::NumberOutOfRange {
            min: Some(0.0),
            max: Some(168.0),
        },
    };
    assert_eq!(
        serde_json::to_value(&problem).unwrap(),
        serde_json::json!({
            "question": "hours",
            "problem": "number_out_of_range",
            "min": 0.0,
            "max": 168.0
        })
    );
}

#[test]
fn numbers_must_be_finite() {
    let found = problems(&[
        ("carer", Answer::Choice(code("yes"))),
        ("hours", Answer::Number(f64::NAN)),
        ("habits", items(&[("1", "often"), ("2", "often")])),
    ]);
    assert_eq!(found, vec![("hours".into(), AnswerFault::NotANumber)]);
}

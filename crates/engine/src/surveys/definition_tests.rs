use super::*;
use crate::surveys::question::{Choice, Condition, Prompt};

fn code(raw: &str) -> Code {
    Code::parse(raw).unwrap()
}

fn choice(question: &str, options: &[&str]) -> Question {
    Question::new(
        code(question),
        Prompt::same_for_all(Wording::plain("Pick one")),
        QuestionKind::SingleChoice {
            options: options
                .iter()
                .map(|o| Choice {
                    code: code(o),
                    label: Wording::plain(o),
                })
                .collect(),
        },
    )
}

fn text(question: &str) -> Question {
    Question::new(
        code(question),
        Prompt::same_for_all(Wording::plain("Tell us")),
        QuestionKind::FreeText { max_chars: 100 },
    )
}

fn one_section(questions: Vec<Question>) -> Vec<Section> {
    vec![Section::new(Wording::plain("About you"), questions)]
}

fn citizens() -> BTreeSet<Audience> {
    BTreeSet::from([Audience::Citizens])
}

fn faults_of(result: Result<Survey, DefinitionProblems>) -> Vec<(Option<String>, Fault)> {
    result
        .unwrap_err()
        .0
        .into_iter()
        .map(|p| (p.question.map(String::from), p.fault))
        .collect()
}

#[test]
fn a_condition_on_an_earlier_option_is_accepted() {
    let mut follow_up = text("why");
    follow_up.show_if = Some(Condition {
        question: code("carer"),
        equals: code("yes"),
    });
    let survey = Survey::new(
        citizens(),
        one_section(vec![choice("carer", &["yes", "no"]), follow_up]),
    )
    .unwrap();
    assert_eq!(survey.questions().count(), 2);
    assert!(survey.question(&code("why")).is_some());
}

#[test]
fn conditions_must_look_back_at_an_existing_option() {
    let condition = |question: &str, equals: &str| {
        Some(Condition {
            question: code(question),
            equals: code(equals),
        })
    };
    let mut forward = text("forward");
    forward.show_if = condition("later", "yes");
    let mut own = choice("own", &["yes"]);
    own.show_if = condition("own", "yes");
    let mut unknown = text("unknown");
    unknown.show_if = condition("nowhere", "yes");
    let mut on_text = text("on_text");
    on_text.show_if = condition("forward", "yes");
    let mut bad_option = text("bad_option");
    bad_option.show_if = condition("later", "maybe");
    let later = choice("later", &["yes", "no"]);

    let faults = faults_of(Survey::new(
        citizens(),
        one_section(vec![forward, own, unknown, on_text, later, bad_option]),
    ));
    assert_eq!(
        faults,
        vec![
            (
                Some("forward".into()),
                Fault::ConditionOnLaterQuestion {
                    refers_to: code("later")
                }
            ),
            (
                Some("own".into()),
                Fault::ConditionOnLaterQuestion {
                    refers_to: code("own")
                }
            ),
            (
                Some("unknown".into()),
                Fault::ConditionOnUnknownQuestion {
                    refers_to: code("nowhere")
                }
            ),
            (
                Some("on_text".into()),
                Fault::ConditionOnUnchoosable {
                    refers_to: code("forward")
                }
            ),
            (
                Some("bad_option".into()),
                Fault::ConditionOptionNotOffered {
                    refers_to: code("later"),
                    option: code("maybe")
                }
            ),
        ]
    );
}

#[test]
fn every_design_problem_is_reported_together() {
    let mut upside_down = Scale::frequency();
    upside_down.points.reverse();
    let battery = Question::new(
        code("battery"),
        Prompt::same_for_all(Wording::plain("How often?")),
        QuestionKind::Battery {
            scale: upside_down,
            items: vec![],
        },
    );
    let number = Question::new(
        code("age"),
        Prompt::same_for_all(Wording::plain("  ")),
        QuestionKind::Number {
            min: Some(120.0),
            max: Some(16.0),
            whole_numbers: true,
        },
    );
    let many = Question::new(
        code("many"),
        Prompt::same_for_all(Wording::plain("Pick")),
        QuestionKind::MultipleChoice {
            options: vec![],
            max_choices: Some(3),
        },
    );
    let faults = faults_of(Survey::new(
        BTreeSet::new(),
        one_section(vec![
            battery,
            number,
            many,
            choice("twice", &["a", "a"]),
            choice("twice", &["b"]),
        ]),
    ));
    let expected = vec![
        (None, Fault::NoAudiences),
        (Some("battery".into()), Fault::ScaleNotRising),
        (Some("battery".into()), Fault::NoItems),
        (Some("age".into()), Fault::BlankWording),
        (Some("age".into()), Fault::NumberBoundsInvalid),
        (Some("many".into()), Fault::NoOptions),
        (Some("many".into()), Fault::MaxChoicesOutOfRange),
        (
            Some("twice".into()),
            Fault::DuplicateOption { option: code("a") },
        ),
        (Some("twice".into()), Fault::DuplicateQuestion),
    ];
    assert_eq!(faults, expected);
}

#[test]
fn csv_columns_must_not_clash() {
    let mut many = choice("a", &["b", "c"]);
    many.kind = QuestionKind::MultipleChoice {
        options: vec![Choice {
            code: code("b"),
            label: Wording::plain("B"),
        }],
        max_choices: None,
    };
    let faults = faults_of(Survey::new(
        citizens(),
        one_section(vec![many, text("a_b")]),
    ));
    assert_eq!(
        faults,
        vec![(
            Some("a_b".into()),
            Fault::ColumnClash {
                column: "a_b".into()
            }
        )]
    );
}

#[test]
fn a_survey_needs_questions() {
    let faults = faults_of(Survey::new(citizens(), one_section(vec![])));
    assert_eq!(
        faults,
        vec![
            (None, Fault::NoQuestions),
            (None, Fault::EmptySection { section: 0 })
        ]
    );
}

#[test]
fn deserialising_runs_the_same_checks() {
    let survey = Survey::new(citizens(), one_section(vec![choice("q", &["a", "b"])])).unwrap();
    let json = serde_json::to_string(&survey).unwrap();
    let back: Survey = serde_json::from_str(&json).unwrap();
    assert_eq!(back, survey);

    let broken = json.replace("\"b\"", "\"a\"");
    let error = serde_json::from_str::<Survey>(&broken).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("error.survey.design.duplicate_option"),
        "{error}"
    );
}

//! How a response's answers are stored: one compact JSON object keyed by
//! question id, read back with the version's questions.
//!
//! The engine's own serialisation tags every answer with its kind
//! (`{"type":"choice","value":"often"}`). Stored that way a response of
//! thirty questions takes about three times the space, and a million of
//! them take three times as long to read. The question says what kind an
//! answer is, so the stored form leaves the tag out: a code or text is a
//! string, a multiple choice a list of codes, a rating or number a number,
//! and a battery an object of item codes to scale codes.

use serde_json::{Map, Value};

use coprod_engine::surveys::{Answer, AnswerSet, Code, QuestionKind, Survey, question::Question};

/// A stored answer that does not fit its question: the data has been
/// changed outside coprod.
#[derive(Debug, thiserror::Error)]
#[error("stored answer to {question} does not fit the question: {reason}")]
pub struct CodecError {
    question: String,
    reason: &'static str,
}

/// The stored form of a set of answers. Answers to questions the survey
/// does not have are left out (a checked response has none).
pub fn encode(survey: &Survey, answers: &AnswerSet) -> String {
    let mut object = Map::new();
    for (id, answer) in answers {
        if survey.question(id).is_none() {
            continue;
        }
        let value = match answer {
            Answer::Choice(code) => Value::String(code.to_string()),
            Answer::Choices(codes) => codes.iter().map(|c| Value::String(c.to_string())).collect(),
            Answer::Rating(rating) => Value::from(*rating),
            Answer::Number(number) => Value::from(*number),
            Answer::Text(text) => Value::String(text.clone()),
            Answer::Items(items) => Value::Object(
                items
                    .iter()
                    .map(|(item, code)| (item.to_string(), Value::String(code.to_string())))
                    .collect(),
            ),
        };
        object.insert(id.to_string(), value);
    }
    Value::Object(object).to_string()
}

/// Reads stored answers back, using each question's kind.
pub fn decode(survey: &Survey, stored: &str) -> Result<AnswerSet, CodecError> {
    let object: Map<String, Value> = serde_json::from_str(stored).map_err(|_| CodecError {
        question: String::new(),
        reason: "not a JSON object",
    })?;
    let mut answers = AnswerSet::new();
    for (id, value) in object {
        let code = Code::parse(&id).map_err(|_| CodecError {
            question: id.clone(),
            reason: "not a question code",
        })?;
        let Some(question) = survey.question(&code) else {
            continue;
        };
        let answer = decode_answer(question, value).map_err(|reason| CodecError {
            question: id.clone(),
            reason,
        })?;
        answers.insert(code, answer);
    }
    Ok(answers)
}

fn code_of(value: &Value) -> Result<Code, &'static str> {
    value
        .as_str()
        .and_then(|s| Code::parse(s).ok())
        .ok_or("expected a code")
}

fn decode_answer(question: &Question, value: Value) -> Result<Answer, &'static str> {
    Ok(match &question.kind {
        QuestionKind::SingleChoice { .. }
        | QuestionKind::Frequency { .. }
        | QuestionKind::Likert { .. } => Answer::Choice(code_of(&value)?),
        QuestionKind::MultipleChoice { .. } => Answer::Choices(
            value
                .as_array()
                .ok_or("expected a list")?
                .iter()
                .map(code_of)
                .collect::<Result<_, _>>()?,
        ),
        QuestionKind::ZeroToTen { .. } => Answer::Rating(
            value
                .as_u64()
                .and_then(|n| u8::try_from(n).ok())
                .ok_or("expected a rating")?,
        ),
        QuestionKind::Number { .. } => Answer::Number(value.as_f64().ok_or("expected a number")?),
        QuestionKind::FreeText { .. } => match value {
            Value::String(text) => Answer::Text(text),
            _ => return Err("expected text"),
        },
        QuestionKind::Battery { .. } => Answer::Items(
            value
                .as_object()
                .ok_or("expected items")?
                .iter()
                .map(|(item, code)| {
                    Ok((
                        Code::parse(item).map_err(|_| "expected an item code")?,
                        code_of(code)?,
                    ))
                })
                .collect::<Result<_, &'static str>>()?,
        ),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use super::*;
    use coprod_engine::surveys::{
        Section,
        coproduction::Domain,
        perception_gap::needs_question,
        question::{Prompt, Wording},
        willingness::willingness_question,
    };

    fn code(raw: &str) -> Code {
        Code::parse(raw).unwrap()
    }

    #[test]
    fn every_kind_of_answer_round_trips_compactly() {
        let rating = Question::new(
            code("rating"),
            Prompt::same_for_all(Wording::plain("How much?")),
            QuestionKind::ZeroToTen {
                low_anchor: None,
                high_anchor: None,
            },
        );
        let number = Question::new(
            code("age"),
            Prompt::same_for_all(Wording::plain("Age?")),
            QuestionKind::Number {
                min: None,
                max: None,
                whole_numbers: false,
            },
        );
        let text = Question::new(
            code("story"),
            Prompt::same_for_all(Wording::plain("Tell us")),
            QuestionKind::FreeText { max_chars: 100 },
        );
        let survey = Survey::new(
            [coprod_engine::surveys::Audience::Citizens].into(),
            vec![Section::new(
                Wording::plain("All"),
                vec![
                    Domain::Health.question(),
                    willingness_question(),
                    needs_question(),
                    rating,
                    number,
                    text,
                ],
            )],
        )
        .unwrap();
        let answers = AnswerSet::from([
            (
                code("health"),
                Answer::Items([(code("1"), code("often")), (code("2"), code("never"))].into()),
            ),
            (code("willing_to_do_more"), Answer::Choice(code("no"))),
            (
                code("needs_most"),
                Answer::Choices([code("making_friends"), code("help_at_home")].into()),
            ),
            (code("rating"), Answer::Rating(7)),
            (code("age"), Answer::Number(81.5)),
            (code("story"), Answer::Text("\"Quoted\" words".into())),
        ]);
        let stored = encode(&survey, &answers);
        assert!(!stored.contains("type"), "{stored}");
        assert_eq!(decode(&survey, &stored).unwrap(), answers);
        assert!(decode(&survey, r#"{"rating":"seven"}"#).is_err());
        assert!(decode(&survey, "[]").is_err());
    }
}

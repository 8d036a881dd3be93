//! Answers to a survey, which questions a respondent is shown, and the
//! check that turns a filled-in form into a list of problems by question.
//!
//! Every problem is reported at once, each against its question id, so a
//! page can show each message next to its question and a paper response
//! typed in by staff can be corrected in one pass.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::definition::Survey;
use super::question::{Audience, Code, Question, QuestionKind};

/// One answer, shaped by the kind of question it answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Answer {
    /// Single choice, frequency and Likert questions: the chosen code.
    Choice(Code),
    /// Multiple choice: every chosen code.
    Choices(BTreeSet<Code>),
    /// A 0–10 rating.
    Rating(u8),
    Number(f64),
    Text(String),
    /// A battery: the scale code chosen for each item.
    Items(BTreeMap<Code, Code>),
}

impl Answer {
    /// Whether the respondent left it blank: nothing chosen, nothing typed.
    /// A blank answer counts as no answer.
    pub fn is_blank(&self) -> bool {
        match self {
            Self::Choices(codes) => codes.is_empty(),
            Self::Text(text) => text.trim().is_empty(),
            Self::Items(items) => items.is_empty(),
            Self::Choice(_) | Self::Rating(_) | Self::Number(_) => false,
        }
    }

    /// Whether this answer picked `option`, the test a display condition
    /// makes.
    fn picked(&self, option: &Code) -> bool {
        match self {
            Self::Choice(code) => code == option,
            Self::Choices(codes) => codes.contains(option),
            _ => false,
        }
    }
}

/// A respondent's answers, by question id.
pub type AnswerSet = BTreeMap<Code, Answer>;

/// How a response reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Online,
    EasyRead,
    /// A paper form typed in by staff.
    Paper,
}

/// One person's completed survey, with the facts used to break results
/// down.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    pub audience: Audience,
    pub channel: Channel,
    #[serde(default)]
    pub facts: super::breakdown::RespondentFacts,
    pub answers: AnswerSet,
}

/// What is wrong with one answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum AnswerFault {
    /// A required question that was shown was not answered.
    Missing,
    /// An answer was given to a question the respondent was not shown.
    AnsweredWhileHidden,
    /// An answer to a question the survey does not have.
    UnknownQuestion,
    /// The answer is of another kind (text for a choice, say).
    WrongKind,
    OptionNotOffered {
        option: Code,
    },
    TooManyChoices {
        max: u16,
    },
    RatingOutOfRange {
        rating: u8,
    },
    NotANumber,
    NumberOutOfRange {
        min: Option<f64>,
        max: Option<f64>,
    },
    NotAWholeNumber,
    TextTooLong {
        max_chars: u32,
    },
    UnknownItem {
        item: Code,
    },
    ItemOptionNotOffered {
        item: Code,
        option: Code,
    },
    /// A required battery was answered in part.
    ItemMissing {
        item: Code,
    },
}

impl AnswerFault {
    /// The message catalogue key.
    pub fn key(&self) -> &'static str {
        match self {
            Self::Missing => "error.survey.answer.missing",
            Self::AnsweredWhileHidden => "error.survey.answer.hidden",
            Self::UnknownQuestion => "error.survey.answer.unknown_question",
            Self::WrongKind => "error.survey.answer.wrong_kind",
            Self::OptionNotOffered { .. } => "error.survey.answer.option",
            Self::TooManyChoices { .. } => "error.survey.answer.too_many",
            Self::RatingOutOfRange { .. } => "error.survey.answer.rating_range",
            Self::NotANumber => "error.survey.answer.not_a_number",
            Self::NumberOutOfRange { .. } => "error.survey.answer.number_range",
            Self::NotAWholeNumber => "error.survey.answer.whole_number",
            Self::TextTooLong { .. } => "error.survey.answer.too_long",
            Self::UnknownItem { .. } => "error.survey.answer.unknown_item",
            Self::ItemOptionNotOffered { .. } => "error.survey.answer.item_option",
            Self::ItemMissing { .. } => "error.survey.answer.item_missing",
        }
    }
}

/// One problem with a set of answers, against its question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerProblem {
    pub question: Code,
    #[serde(flatten)]
    pub fault: AnswerFault,
}

/// Which questions a respondent is shown, worked out for many respondents
/// at once: the conditions are resolved to question positions once per
/// survey, so each response costs one walk over the questions and, for a
/// survey without conditions, no work at all.
///
/// Questions are walked in order. A question with a condition is shown when
/// the question it depends on was itself shown and its answer picked the
/// named option; an answer to a hidden question counts for nothing, so
/// hiding cascades down a chain of conditions.
#[derive(Debug, Clone)]
pub struct Visibility<'a> {
    /// Per question, in survey order: the position and id of the question
    /// it depends on, and the option that shows it.
    conditions: Vec<Option<(usize, &'a Code, &'a Code)>>,
    unconditional: bool,
}

impl<'a> Visibility<'a> {
    pub fn of(survey: &'a Survey) -> Self {
        let questions: Vec<&Question> = survey.questions().collect();
        let conditions: Vec<Option<(usize, &Code, &Code)>> = questions
            .iter()
            .map(|question| {
                let condition = question.show_if.as_ref()?;
                // A checked survey's conditions always name an earlier
                // question; one that does not is treated as never met.
                let position = questions.iter().position(|q| q.id == condition.question)?;
                Some((position, &condition.question, &condition.equals))
            })
            .collect();
        let unconditional = questions.iter().all(|q| q.show_if.is_none());
        Self {
            conditions,
            unconditional,
        }
    }

    /// Whether each question is shown, in survey order.
    pub fn flags(&self, answers: &AnswerSet) -> Vec<bool> {
        if self.unconditional {
            return vec![true; self.conditions.len()];
        }
        let mut shown = Vec::with_capacity(self.conditions.len());
        for condition in &self.conditions {
            let visible = match condition {
                None => true,
                Some((position, question, option)) => {
                    shown.get(*position).copied().unwrap_or(false)
                        && answers
                            .get(*question)
                            .is_some_and(|answer| answer.picked(option))
                }
            };
            shown.push(visible);
        }
        shown
    }

    /// Whether the question at `position` (in survey order) is shown.
    pub fn is_shown(&self, position: usize, answers: &AnswerSet) -> bool {
        self.unconditional || self.flags(answers).get(position).copied().unwrap_or(false)
    }
}

/// The ids of the questions this respondent is shown; see [`Visibility`].
pub fn shown_questions<'a>(survey: &'a Survey, answers: &AnswerSet) -> BTreeSet<&'a Code> {
    let flags = Visibility::of(survey).flags(answers);
    survey
        .questions()
        .zip(flags)
        .filter_map(|(question, shown)| shown.then_some(&question.id))
        .collect()
}

/// Checks a respondent's answers against the survey and reports every
/// problem, in survey order (answers to unknown questions last).
pub fn check_answers(survey: &Survey, answers: &AnswerSet) -> Result<(), Vec<AnswerProblem>> {
    let shown = shown_questions(survey, answers);
    let mut problems = Vec::new();
    for question in survey.questions() {
        let answer = answers.get(&question.id).filter(|a| !a.is_blank());
        let faults = match (shown.contains(&question.id), answer) {
            (false, Some(_)) => vec![AnswerFault::AnsweredWhileHidden],
            (true, None) if question.required => vec![AnswerFault::Missing],
            (_, None) => vec![],
            (true, Some(answer)) => answer_faults(question, answer),
        };
        problems.extend(faults.into_iter().map(|fault| AnswerProblem {
            question: question.id.clone(),
            fault,
        }));
    }
    for id in answers.keys() {
        if survey.question(id).is_none() {
            problems.push(AnswerProblem {
                question: id.clone(),
                fault: AnswerFault::UnknownQuestion,
            });
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn answer_faults(question: &Question, answer: &Answer) -> Vec<AnswerFault> {
    let not_offered = |option: &Code| AnswerFault::OptionNotOffered {
        option: option.clone(),
    };
    match (&question.kind, answer) {
        (
            QuestionKind::SingleChoice { .. }
            | QuestionKind::Frequency { .. }
            | QuestionKind::Likert { .. },
            Answer::Choice(option),
        ) => {
            if question.kind.offers(option) {
                vec![]
            } else {
                vec![not_offered(option)]
            }
        }
        (QuestionKind::MultipleChoice { max_choices, .. }, Answer::Choices(options)) => {
            let mut faults: Vec<AnswerFault> = options
                .iter()
                .filter(|option| !question.kind.offers(option))
                .map(not_offered)
                .collect();
            if let Some(max) = *max_choices
                && options.len() > usize::from(max)
            {
                faults.push(AnswerFault::TooManyChoices { max });
            }
            faults
        }
        (QuestionKind::ZeroToTen { .. }, Answer::Rating(rating)) => {
            if *rating <= 10 {
                vec![]
            } else {
                vec![AnswerFault::RatingOutOfRange { rating: *rating }]
            }
        }
        (
            QuestionKind::Number {
                min,
                max,
                whole_numbers,
            },
            Answer::Number(value),
        ) => number_faults(*value, *min, *max, *whole_numbers),
        (QuestionKind::FreeText { max_chars }, Answer::Text(text)) => {
            let too_long = text.chars().count() > usize::try_from(*max_chars).unwrap_or(usize::MAX);
            if too_long {
                vec![AnswerFault::TextTooLong {
                    max_chars: *max_chars,
                }]
            } else {
                vec![]
            }
        }
        (QuestionKind::Battery { scale, items }, Answer::Items(given)) => {
            let mut faults = Vec::new();
            for (item, option) in given {
                if !items.iter().any(|i| &i.code == item) {
                    faults.push(AnswerFault::UnknownItem { item: item.clone() });
                } else if scale.point(option).is_none() {
                    faults.push(AnswerFault::ItemOptionNotOffered {
                        item: item.clone(),
                        option: option.clone(),
                    });
                }
            }
            if question.required {
                faults.extend(
                    items
                        .iter()
                        .filter(|i| !given.contains_key(&i.code))
                        .map(|i| AnswerFault::ItemMissing {
                            item: i.code.clone(),
                        }),
                );
            }
            faults
        }
        _ => vec![AnswerFault::WrongKind],
    }
}

fn number_faults(value: f64, min: Option<f64>, max: Option<f64>, whole: bool) -> Vec<AnswerFault> {
    if !value.is_finite() {
        return vec![AnswerFault::NotANumber];
    }
    let mut faults = Vec::new();
    let below = min.is_some_and(|lo| value < lo);
    let above = max.is_some_and(|hi| value > hi);
    if below || above {
        faults.push(AnswerFault::NumberOutOfRange { min, max });
    }
    if whole && value.fract() != 0.0 {
        faults.push(AnswerFault::NotAWholeNumber);
    }
    faults
}

#[cfg(test)]
#[path = "answers_tests.rs"]
mod tests;

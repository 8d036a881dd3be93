//! A whole survey: its audiences, its sections and the checks that make a
//! [`Survey`] safe to publish.
//!
//! A [`Survey`] can only be made through [`Survey::new`] (or deserialised,
//! which runs the same checks), so code that scores answers never has to
//! wonder whether a scale is upside down or a condition points nowhere.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::question::{Audience, Code, Question, QuestionKind, Scale, Wording};

/// A titled group of questions, shown together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub title: Wording,
    /// Shown under the title: how to answer, or what the section is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduction: Option<Wording>,
    /// A line that must be shown wherever the section is, such as the
    /// copyright line a validated instrument's licence requires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    pub questions: Vec<Question>,
}

impl Section {
    /// A section with a title and questions, and nothing else.
    pub fn new(title: Wording, questions: Vec<Question>) -> Self {
        Self {
            title,
            introduction: None,
            notice: None,
            questions,
        }
    }
}

/// What is wrong with a survey's design.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fault", rename_all = "snake_case")]
pub enum Fault {
    NoAudiences,
    NoQuestions,
    EmptySection {
        section: usize,
    },
    BlankWording,
    DuplicateQuestion,
    NoOptions,
    DuplicateOption {
        option: Code,
    },
    ScaleTooShort,
    ScaleNotRising,
    MaxChoicesOutOfRange,
    NumberBoundsInvalid,
    TextLimitZero,
    NoItems,
    DuplicateItem {
        item: Code,
    },
    /// The condition names a question the survey does not have.
    ConditionOnUnknownQuestion {
        refers_to: Code,
    },
    /// The condition names this question or one after it; a respondent
    /// cannot have answered it yet.
    ConditionOnLaterQuestion {
        refers_to: Code,
    },
    /// The condition names a question that is not answered by picking.
    ConditionOnUnchoosable {
        refers_to: Code,
    },
    ConditionOptionNotOffered {
        refers_to: Code,
        option: Code,
    },
    /// Two questions would fill the same CSV column (question `a` with
    /// option `b`, and a question `a_b`).
    ColumnClash {
        column: String,
    },
}

impl Fault {
    /// The message catalogue key.
    pub fn key(&self) -> &'static str {
        match self {
            Self::NoAudiences => "error.survey.design.no_audiences",
            Self::NoQuestions => "error.survey.design.no_questions",
            Self::EmptySection { .. } => "error.survey.design.empty_section",
            Self::BlankWording => "error.survey.design.blank_wording",
            Self::DuplicateQuestion => "error.survey.design.duplicate_question",
            Self::NoOptions => "error.survey.design.no_options",
            Self::DuplicateOption { .. } => "error.survey.design.duplicate_option",
            Self::ScaleTooShort => "error.survey.design.scale_too_short",
            Self::ScaleNotRising => "error.survey.design.scale_not_rising",
            Self::MaxChoicesOutOfRange => "error.survey.design.max_choices",
            Self::NumberBoundsInvalid => "error.survey.design.number_bounds",
            Self::TextLimitZero => "error.survey.design.text_limit",
            Self::NoItems => "error.survey.design.no_items",
            Self::DuplicateItem { .. } => "error.survey.design.duplicate_item",
            Self::ConditionOnUnknownQuestion { .. } => "error.survey.design.condition_unknown",
            Self::ConditionOnLaterQuestion { .. } => "error.survey.design.condition_later",
            Self::ConditionOnUnchoosable { .. } => "error.survey.design.condition_unchoosable",
            Self::ConditionOptionNotOffered { .. } => "error.survey.design.condition_option",
            Self::ColumnClash { .. } => "error.survey.design.column_clash",
        }
    }
}

/// One problem with a survey's design, and the question it is about (none
/// for problems with the survey as a whole).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefinitionProblem {
    pub question: Option<Code>,
    #[serde(flatten)]
    pub fault: Fault,
}

/// Every problem found in a survey's design, in the order of the survey.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct DefinitionProblems(pub Vec<DefinitionProblem>);

impl fmt::Display for DefinitionProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let described: Vec<String> = self
            .0
            .iter()
            .map(|p| match &p.question {
                Some(q) => format!("{q}: {}", p.fault.key()),
                None => p.fault.key().to_owned(),
            })
            .collect();
        write!(f, "{}", described.join("; "))
    }
}

/// A survey whose design has been checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SurveyDraft")]
pub struct Survey {
    audiences: BTreeSet<Audience>,
    sections: Vec<Section>,
}

/// A survey as it arrives from a form or from storage, before its checks.
#[derive(Debug, Clone, Deserialize)]
struct SurveyDraft {
    audiences: BTreeSet<Audience>,
    sections: Vec<Section>,
}

impl TryFrom<SurveyDraft> for Survey {
    type Error = DefinitionProblems;
    fn try_from(draft: SurveyDraft) -> Result<Self, Self::Error> {
        Survey::new(draft.audiences, draft.sections)
    }
}

impl Survey {
    /// Checks the design and reports every problem at once, so an author can
    /// fix them all in one go.
    pub fn new(
        audiences: BTreeSet<Audience>,
        sections: Vec<Section>,
    ) -> Result<Self, DefinitionProblems> {
        let problems = design_problems(&audiences, &sections);
        if problems.is_empty() {
            Ok(Self {
                audiences,
                sections,
            })
        } else {
            Err(DefinitionProblems(problems))
        }
    }

    /// A survey written into this crate as a template. Templates are
    /// checked by their tests; checking them again at run time could only
    /// turn a programming error into a crash, so debug builds assert and
    /// release builds trust.
    pub(crate) fn built_in(audiences: BTreeSet<Audience>, sections: Vec<Section>) -> Self {
        debug_assert_eq!(design_problems(&audiences, &sections), vec![]);
        Self {
            audiences,
            sections,
        }
    }

    pub fn audiences(&self) -> &BTreeSet<Audience> {
        &self.audiences
    }

    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    /// Every question, in the order respondents meet them.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.sections.iter().flat_map(|s| s.questions.iter())
    }

    /// The question with this id.
    pub fn question(&self, id: &Code) -> Option<&Question> {
        self.questions().find(|q| &q.id == id)
    }

    /// Where the question with this id comes, counting from 0 in the order
    /// of [`Survey::questions`].
    pub fn position(&self, id: &Code) -> Option<usize> {
        self.questions().position(|q| &q.id == id)
    }
}

fn design_problems(audiences: &BTreeSet<Audience>, sections: &[Section]) -> Vec<DefinitionProblem> {
    let mut problems = Vec::new();
    let whole = |fault| DefinitionProblem {
        question: None,
        fault,
    };
    if audiences.is_empty() {
        problems.push(whole(Fault::NoAudiences));
    }
    if sections.iter().all(|s| s.questions.is_empty()) {
        problems.push(whole(Fault::NoQuestions));
    }
    for (index, section) in sections.iter().enumerate() {
        if section.title.is_blank() || section.introduction.as_ref().is_some_and(Wording::is_blank)
        {
            problems.push(whole(Fault::BlankWording));
        }
        if section.questions.is_empty() {
            problems.push(whole(Fault::EmptySection { section: index }));
        }
    }

    // Questions seen so far, so a condition can only look backwards.
    let mut earlier: HashMap<&Code, &QuestionKind> = HashMap::new();
    let mut columns: HashSet<String> = HashSet::new();
    let all_ids: HashSet<&Code> = sections
        .iter()
        .flat_map(|s| &s.questions)
        .map(|q| &q.id)
        .collect();
    for question in sections.iter().flat_map(|s| &s.questions) {
        let mut faults = Vec::new();
        if earlier.contains_key(&question.id) {
            faults.push(Fault::DuplicateQuestion);
        }
        if question.prompt.is_blank() {
            faults.push(Fault::BlankWording);
        }
        faults.extend(kind_faults(&question.kind));
        if let Some(condition) = &question.show_if {
            let refers_to = condition.question.clone();
            match earlier.get(&condition.question) {
                None if all_ids.contains(&condition.question) => {
                    faults.push(Fault::ConditionOnLaterQuestion { refers_to });
                }
                None => faults.push(Fault::ConditionOnUnknownQuestion { refers_to }),
                Some(kind) if kind.option_codes().is_none() => {
                    faults.push(Fault::ConditionOnUnchoosable { refers_to });
                }
                Some(kind) if !kind.offers(&condition.equals) => {
                    faults.push(Fault::ConditionOptionNotOffered {
                        refers_to,
                        option: condition.equals.clone(),
                    });
                }
                Some(_) => {}
            }
        }
        if !earlier.contains_key(&question.id) {
            for column in question.csv_columns() {
                if !columns.insert(column.clone()) {
                    faults.push(Fault::ColumnClash { column });
                }
            }
        }
        problems.extend(faults.into_iter().map(|fault| DefinitionProblem {
            question: Some(question.id.clone()),
            fault,
        }));
        earlier.entry(&question.id).or_insert(&question.kind);
    }
    problems
}

fn kind_faults(kind: &QuestionKind) -> Vec<Fault> {
    let mut faults = Vec::new();
    match kind {
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options, .. } => {
            if options.is_empty() {
                faults.push(Fault::NoOptions);
            }
            faults.extend(
                duplicates(options.iter().map(|o| &o.code))
                    .map(|option| Fault::DuplicateOption { option }),
            );
            if options.iter().any(|o| o.label.is_blank()) {
                faults.push(Fault::BlankWording);
            }
            if let QuestionKind::MultipleChoice {
                max_choices: Some(max),
                ..
            } = kind
                && (*max == 0 || usize::from(*max) > options.len())
            {
                faults.push(Fault::MaxChoicesOutOfRange);
            }
        }
        QuestionKind::Frequency { scale } | QuestionKind::Likert { scale } => {
            faults.extend(scale_faults(scale));
        }
        QuestionKind::ZeroToTen {
            low_anchor,
            high_anchor,
        } => {
            if [low_anchor, high_anchor]
                .into_iter()
                .flatten()
                .any(Wording::is_blank)
            {
                faults.push(Fault::BlankWording);
            }
        }
        QuestionKind::Number { min, max, .. } => {
            let finite = [min, max].into_iter().flatten().all(|b| b.is_finite());
            let ordered = match (min, max) {
                (Some(lo), Some(hi)) => lo <= hi,
                _ => true,
            };
            if !(finite && ordered) {
                faults.push(Fault::NumberBoundsInvalid);
            }
        }
        QuestionKind::FreeText { max_chars } => {
            if *max_chars == 0 {
                faults.push(Fault::TextLimitZero);
            }
        }
        QuestionKind::Battery { scale, items } => {
            faults.extend(scale_faults(scale));
            if items.is_empty() {
                faults.push(Fault::NoItems);
            }
            faults.extend(
                duplicates(items.iter().map(|i| &i.code)).map(|item| Fault::DuplicateItem { item }),
            );
            if items.iter().any(|i| i.prompt.is_blank()) {
                faults.push(Fault::BlankWording);
            }
        }
    }
    faults
}

fn scale_faults(scale: &Scale) -> Vec<Fault> {
    let mut faults = Vec::new();
    if scale.points.len() < 2 {
        faults.push(Fault::ScaleTooShort);
    }
    if scale.points.windows(2).any(|w| w[0].value >= w[1].value) {
        faults.push(Fault::ScaleNotRising);
    }
    faults.extend(
        duplicates(scale.points.iter().map(|p| &p.code))
            .map(|option| Fault::DuplicateOption { option }),
    );
    if scale.points.iter().any(|p| p.label.is_blank()) {
        faults.push(Fault::BlankWording);
    }
    faults
}

/// Each code that appears more than once, reported once.
fn duplicates<'a>(codes: impl Iterator<Item = &'a Code>) -> impl Iterator<Item = Code> {
    let mut seen = HashSet::new();
    let mut reported = BTreeSet::new();
    for code in codes {
        if !seen.insert(code) {
            reported.insert(code.clone());
        }
    }
    reported.into_iter()
}

#[cfg(test)]
#[path = "definition_tests.rs"]
mod tests;

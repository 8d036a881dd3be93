//! Answers as form fields, and questions as the page shows them.
//!
//! Every question's answer has its own field names — `q-<id>` for one
//! value, `q-<id>-<option>` for each option of a multiple choice and
//! `q-<id>-<item>` for each statement of a battery — so a survey split over
//! several pages can carry the answers of the other pages along as hidden
//! fields. Nothing is stored until the last page is sent and every answer
//! has been checked by the engine: there is no half-finished response in
//! the database, and no session to keep.

use std::collections::{BTreeMap, BTreeSet};

use coprod_engine::surveys::{
    Answer, AnswerSet, Audience, Code, Question, QuestionKind, Survey,
    answers::{AnswerFault, AnswerProblem, shown_questions},
    question::Reading,
};

use super::overview::option_label;
use crate::web::Shell;

/// How the survey is being filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Online, a section to a page.
    Standard,
    /// Larger text, plain words, one question to a page.
    EasyRead,
    /// Staff typing in a paper form: everything on one page.
    Paper,
}

impl Mode {
    pub fn reading(self) -> Reading {
        match self {
            Mode::EasyRead => Reading::EasyRead,
            Mode::Standard | Mode::Paper => Reading::Standard,
        }
    }
}

/// The field holding a question's single answer.
pub fn field(question: &Code) -> String {
    format!("q-{question}")
}

/// The field for one option or statement of a question.
pub fn part_field(question: &Code, part: &Code) -> String {
    format!("q-{question}-{part}")
}

/// The questions on each page, as positions in survey order.
pub fn pages(survey: &Survey, mode: Mode) -> Vec<Vec<usize>> {
    let mut at = 0;
    let mut pages = Vec::new();
    for section in survey.sections() {
        let positions: Vec<usize> = (at..at + section.questions.len()).collect();
        at += section.questions.len();
        match mode {
            Mode::Standard => pages.push(positions),
            Mode::EasyRead => pages.extend(positions.into_iter().map(|p| vec![p])),
            Mode::Paper => {
                if pages.is_empty() {
                    pages.push(Vec::new());
                }
                pages[0].extend(positions);
            }
        }
    }
    pages.retain(|p| !p.is_empty());
    pages
}

/// Reads the answers to every question of `survey` from the fields, with
/// a problem for every value that cannot be an answer at all (a word in a
/// number box). Blank fields are no answer.
pub fn read(survey: &Survey, fields: &BTreeMap<String, String>) -> (AnswerSet, Vec<AnswerProblem>) {
    let mut answers = AnswerSet::new();
    let mut problems = Vec::new();
    let value = |name: &str| fields.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    for question in survey.questions() {
        let id = &question.id;
        let problem = |fault| AnswerProblem {
            question: id.clone(),
            fault,
        };
        let read = match &question.kind {
            QuestionKind::SingleChoice { .. }
            | QuestionKind::Frequency { .. }
            | QuestionKind::Likert { .. } => value(&field(id)).map(|v| {
                Code::parse(v)
                    .map(Answer::Choice)
                    .map_err(|_| AnswerFault::WrongKind)
            }),
            QuestionKind::MultipleChoice { options, .. } => {
                let chosen: BTreeSet<Code> = options
                    .iter()
                    .filter(|o| value(&part_field(id, &o.code)).is_some())
                    .map(|o| o.code.clone())
                    .collect();
                (!chosen.is_empty()).then_some(Ok(Answer::Choices(chosen)))
            }
            QuestionKind::ZeroToTen { .. } => value(&field(id)).map(|v| {
                v.parse::<u8>()
                    .map(Answer::Rating)
                    .map_err(|_| AnswerFault::NotANumber)
            }),
            QuestionKind::Number { .. } => value(&field(id)).map(|v| {
                v.replace(',', "")
                    .parse::<f64>()
                    .map(Answer::Number)
                    .map_err(|_| AnswerFault::NotANumber)
            }),
            QuestionKind::FreeText { .. } => {
                value(&field(id)).map(|v| Ok(Answer::Text(v.to_owned())))
            }
            QuestionKind::Battery { items, .. } => {
                let mut given = BTreeMap::new();
                let mut bad = false;
                for item in items {
                    if let Some(v) = value(&part_field(id, &item.code)) {
                        match Code::parse(v) {
                            Ok(code) => {
                                given.insert(item.code.clone(), code);
                            }
                            Err(_) => bad = true,
                        }
                    }
                }
                if bad {
                    Some(Err(AnswerFault::WrongKind))
                } else {
                    (!given.is_empty()).then_some(Ok(Answer::Items(given)))
                }
            }
        };
        match read {
            Some(Ok(answer)) => {
                answers.insert(id.clone(), answer);
            }
            Some(Err(fault)) => problems.push(problem(fault)),
            None => {}
        }
    }
    (answers, problems)
}

/// Leaves out answers to questions the respondent was not shown: on a page
/// where a question and the one it depends on sit together, both can be
/// filled in before the first is changed. An answer to a hidden question
/// counts for nothing, so it is dropped rather than refused.
pub fn drop_hidden(survey: &Survey, answers: &mut AnswerSet) {
    let shown: BTreeSet<Code> = shown_questions(survey, answers)
        .into_iter()
        .cloned()
        .collect();
    answers.retain(|id, _| shown.contains(id));
}

/// The answers as hidden fields, to carry them to the next page; the
/// questions in `except` (the ones on the page) are left out.
pub fn hidden_fields(answers: &AnswerSet, except: &BTreeSet<&Code>) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for (id, answer) in answers {
        if except.contains(id) {
            continue;
        }
        match answer {
            Answer::Choice(code) => fields.push((field(id), code.to_string())),
            Answer::Choices(codes) => {
                fields.extend(codes.iter().map(|c| (part_field(id, c), "yes".to_owned())));
            }
            Answer::Rating(rating) => fields.push((field(id), rating.to_string())),
            Answer::Number(number) => fields.push((field(id), number.to_string())),
            Answer::Text(text) => fields.push((field(id), text.clone())),
            Answer::Items(items) => fields.extend(
                items
                    .iter()
                    .map(|(item, code)| (part_field(id, item), code.to_string())),
            ),
        }
    }
    fields
}

/// One radio button or checkbox.
#[derive(Debug, Clone)]
pub struct Choice {
    pub id: String,
    pub name: String,
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// One statement of a battery with its scale.
#[derive(Debug, Clone)]
pub struct ItemView {
    pub legend: String,
    pub choices: Vec<Choice>,
}

/// A question as the page shows it.
#[derive(Debug, Clone)]
pub struct QuestionView {
    /// The id of its fieldset or input, which error links point at.
    pub anchor: String,
    /// The field name, for questions with one field.
    pub name: String,
    /// `radios`, `checkboxes`, `number`, `text` or `battery`.
    pub control: &'static str,
    pub text: String,
    pub hint: String,
    pub required: bool,
    pub error: String,
    pub choices: Vec<Choice>,
    pub items: Vec<ItemView>,
    pub value: String,
    pub max_chars: u32,
    /// Whether the 0–10 scale's radios are laid out in a row.
    pub inline: bool,
}

impl QuestionView {
    /// The ids the control is described by: its hint and error.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("{}-hint", self.anchor));
        }
        if !self.error.is_empty() {
            ids.push(format!("{}-error", self.anchor));
        }
        ids.join(" ")
    }
}

/// One radio button of the field `name`.
fn radio(name: &str, value: &str, label: &str, checked: bool) -> Choice {
    Choice {
        id: format!("{name}-{value}"),
        name: name.to_owned(),
        value: value.to_owned(),
        label: label.to_owned(),
        checked,
    }
}

/// Builds the view of one question.
pub struct Viewer<'a> {
    pub shell: &'a Shell,
    pub survey: &'a Survey,
    pub audience: Audience,
    pub mode: Mode,
    pub answers: &'a AnswerSet,
    /// What the respondent typed, shown again when it could not be read.
    pub fields: &'a BTreeMap<String, String>,
    pub problems: &'a [AnswerProblem],
}

impl Viewer<'_> {
    fn reading(&self) -> Reading {
        self.mode.reading()
    }

    /// The view of `question`; `with_condition` adds "only if" to its hint
    /// when the question it depends on is on the same page.
    pub fn view(&self, question: &Question, with_condition: bool) -> QuestionView {
        let id = &question.id;
        let mut view = QuestionView {
            anchor: field(id),
            name: field(id),
            control: "radios",
            text: question
                .prompt
                .text(self.audience, self.reading())
                .to_owned(),
            hint: String::new(),
            required: question.required,
            error: self.error(id),
            choices: Vec::new(),
            items: Vec::new(),
            value: String::new(),
            max_chars: 0,
            inline: false,
        };
        let mut hints = Vec::new();
        if with_condition && let Some(hint) = self.condition_hint(question) {
            hints.push(hint);
        }
        hints.extend(self.fill(question, &mut view));
        view.hint = hints.join(" ");
        view
    }

    /// "Answer this only if you chose … for …".
    fn condition_hint(&self, question: &Question) -> Option<String> {
        let condition = question.show_if.as_ref()?;
        let asked = self.survey.question(&condition.question)?;
        let option = option_label(&asked.kind, &condition.equals)
            .unwrap_or_else(|| condition.equals.to_string());
        Some(self.shell.tn(
            "survey.answer.only_if",
            &[&option, asked.prompt.text(self.audience, self.reading())],
        ))
    }

    /// Fills in the controls for the kind of question; returns its hints.
    fn fill(&self, question: &Question, view: &mut QuestionView) -> Vec<String> {
        let reading = self.reading();
        let answer = self.answers.get(&question.id);
        let picked = |code: &Code| matches!(answer, Some(Answer::Choice(c)) if c == code);
        match &question.kind {
            QuestionKind::SingleChoice { options } => {
                view.choices = options
                    .iter()
                    .map(|o| {
                        radio(
                            &view.name,
                            o.code.as_str(),
                            o.label.text(reading),
                            picked(&o.code),
                        )
                    })
                    .collect();
                Vec::new()
            }
            QuestionKind::Frequency { scale } | QuestionKind::Likert { scale } => {
                view.choices = scale
                    .points
                    .iter()
                    .map(|p| {
                        radio(
                            &view.name,
                            p.code.as_str(),
                            p.label.text(reading),
                            picked(&p.code),
                        )
                    })
                    .collect();
                Vec::new()
            }
            QuestionKind::MultipleChoice {
                options,
                max_choices,
            } => {
                view.control = "checkboxes";
                view.choices = self.checkboxes(question, options);
                vec![match max_choices {
                    Some(max) => self
                        .shell
                        .t1("survey.answer.choose_up_to", &max.to_string()),
                    None => self.shell.t("survey.answer.choose_any"),
                }]
            }
            QuestionKind::ZeroToTen {
                low_anchor,
                high_anchor,
            } => {
                view.inline = true;
                view.choices = (0..=10u8)
                    .map(|n| {
                        let checked = matches!(answer, Some(Answer::Rating(r)) if *r == n);
                        radio(&view.name, &n.to_string(), &n.to_string(), checked)
                    })
                    .collect();
                let ends = [low_anchor, high_anchor].map(|w| w.as_ref().map(|w| w.text(reading)));
                vec![if let [Some(low), Some(high)] = ends {
                    self.shell
                        .tn("survey.answer.zero_to_ten_ends", &[low, high])
                } else {
                    self.shell.t("survey.answer.zero_to_ten")
                }]
            }
            QuestionKind::Number { min, max, .. } => {
                view.control = "number";
                view.value = match answer {
                    Some(Answer::Number(n)) => n.to_string(),
                    _ => self.typed(&view.name),
                };
                self.bounds_hint(*min, *max).into_iter().collect()
            }
            QuestionKind::FreeText { max_chars } => {
                view.control = "text";
                view.max_chars = *max_chars;
                view.value = match answer {
                    Some(Answer::Text(t)) => t.clone(),
                    _ => self.typed(&view.name),
                };
                Vec::new()
            }
            QuestionKind::Battery { scale, items } => {
                view.control = "battery";
                view.items = self.battery_items(question, scale, items);
                Vec::new()
            }
        }
    }

    /// A checkbox for each option of a multiple choice.
    fn checkboxes(
        &self,
        question: &Question,
        options: &[coprod_engine::surveys::question::Choice],
    ) -> Vec<Choice> {
        let answer = self.answers.get(&question.id);
        options
            .iter()
            .map(|o| {
                let name = part_field(&question.id, &o.code);
                let checked = matches!(answer, Some(Answer::Choices(c)) if c.contains(&o.code));
                Choice {
                    id: name.clone(),
                    name,
                    value: "yes".into(),
                    label: o.label.text(self.reading()).to_owned(),
                    checked,
                }
            })
            .collect()
    }

    /// Each statement of a battery with the battery's scale.
    fn battery_items(
        &self,
        question: &Question,
        scale: &coprod_engine::surveys::question::Scale,
        items: &[coprod_engine::surveys::question::BatteryItem],
    ) -> Vec<ItemView> {
        let reading = self.reading();
        let answer = self.answers.get(&question.id);
        items
            .iter()
            .map(|item| {
                let name = part_field(&question.id, &item.code);
                let given = match answer {
                    Some(Answer::Items(given)) => given.get(&item.code),
                    _ => None,
                };
                ItemView {
                    legend: item.prompt.text(self.audience, reading).to_owned(),
                    choices: scale
                        .points
                        .iter()
                        .map(|p| {
                            let checked = given == Some(&p.code);
                            radio(&name, p.code.as_str(), p.label.text(reading), checked)
                        })
                        .collect(),
                }
            })
            .collect()
    }

    /// "A number from 1 to 10", "of at least 0", "of at most 120".
    fn bounds_hint(&self, min: Option<f64>, max: Option<f64>) -> Option<String> {
        match (min, max) {
            (Some(lo), Some(hi)) => Some(
                self.shell
                    .tn("survey.answer.between", &[&lo.to_string(), &hi.to_string()]),
            ),
            (Some(lo), None) => Some(self.shell.t1("survey.answer.at_least", &lo.to_string())),
            (None, Some(hi)) => Some(self.shell.t1("survey.answer.at_most", &hi.to_string())),
            (None, None) => None,
        }
    }

    fn typed(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }

    fn error(&self, id: &Code) -> String {
        self.problems
            .iter()
            .find(|p| &p.question == id)
            .map(|p| self.shell.t(p.fault.key()))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use super::*;
    use coprod_engine::surveys::{coproduction::coproduction_survey, perception_gap::needs_survey};

    fn code(raw: &str) -> Code {
        Code::parse(raw).unwrap()
    }

    #[test]
    fn answers_survive_being_carried_as_hidden_fields() {
        let survey = needs_survey();
        let answers = AnswerSet::from([(
            code("needs_most"),
            Answer::Choices([code("making_friends"), code("getting_out")].into()),
        )]);
        let fields: BTreeMap<String, String> = hidden_fields(&answers, &BTreeSet::new())
            .into_iter()
            .collect();
        assert_eq!(fields["q-needs_most-making_friends"], "yes");
        let (read_back, problems) = read(&survey, &fields);
        assert!(problems.is_empty());
        assert_eq!(read_back, answers);

        let survey = coproduction_survey();
        let mut fields = BTreeMap::new();
        fields.insert("q-health-1".to_owned(), "often".to_owned());
        fields.insert("q-health-3".to_owned(), "never".to_owned());
        fields.insert("q-willing_to_do_more".to_owned(), "Not A Code".to_owned());
        let (answers, problems) = read(&survey, &fields);
        assert_eq!(
            answers[&code("health")],
            Answer::Items([(code("1"), code("often")), (code("3"), code("never"))].into())
        );
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].fault, AnswerFault::WrongKind);
        let carried: BTreeMap<String, String> = hidden_fields(&answers, &BTreeSet::new())
            .into_iter()
            .collect();
        assert_eq!(read(&survey, &carried).0, answers);
    }

    #[test]
    fn easy_read_gives_each_question_a_page() {
        let survey = coproduction_survey();
        assert_eq!(pages(&survey, Mode::Standard), vec![vec![0, 1, 2], vec![3]]);
        assert_eq!(pages(&survey, Mode::EasyRead).len(), 4);
        assert_eq!(pages(&survey, Mode::Paper), vec![vec![0, 1, 2, 3]]);
    }
}

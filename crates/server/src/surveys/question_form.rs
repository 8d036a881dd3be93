//! The form an author fills in for one question, and turning it into the
//! engine's [`Question`] and back.
//!
//! Options, scale points and battery items are typed one per line, with an
//! optional easy-read wording after a bar: `Meeting people | Making
//! friends`. Option codes are made from the wording (and kept when an
//! edited line still has the same wording, so conditions and results stay
//! attached); custom scale points are coded by their number and battery
//! items by their position, as the co-production batteries are.

use coprod_engine::surveys::{
    Audience, Code, Question, QuestionKind,
    question::{
        BatteryItem, Choice, Condition, DEFAULT_MAX_TEXT_CHARS, MAX_CODE_CHARS, Prompt, Scale,
        ScalePoint, Wording,
    },
};
use serde::Deserialize;

use super::overview::{kind_name, option_label};
use super::store::Draft;
use crate::web::{FieldErrors, Shell, form::MAX_FIELD_CHARS};

/// The kinds of question an author can choose, in the order offered.
pub const KINDS: [&str; 8] = [
    "single_choice",
    "multiple_choice",
    "frequency",
    "likert",
    "zero_to_ten",
    "number",
    "free_text",
    "battery",
];

/// Longest wording of a question, option or item.
const MAX_WORDING_CHARS: usize = 500;

/// The form's fields, as typed.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct QuestionForm {
    pub kind: String,
    pub id: String,
    pub text: String,
    pub easy_text: String,
    pub text_citizens: String,
    pub easy_text_citizens: String,
    pub text_staff: String,
    pub easy_text_staff: String,
    pub options: String,
    pub max_choices: String,
    pub scale: String,
    pub scale_points: String,
    pub scale_start: String,
    pub items: String,
    pub low_anchor: String,
    pub high_anchor: String,
    pub min: String,
    pub max: String,
    pub whole_numbers: String,
    pub max_chars: String,
    pub required: String,
    pub show_if: String,
}

/// "label" or "label | easy-read label" for each wording.
fn wording_lines<'a>(wordings: impl Iterator<Item = &'a Wording>) -> String {
    wordings
        .map(|w| match &w.easy_read {
            Some(easy) => format!("{} | {easy}", w.standard),
            None => w.standard.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn optional(value: Option<impl ToString>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn flag(on: bool) -> String {
    if on { "yes".into() } else { String::new() }
}

impl QuestionForm {
    /// A blank form for a new question of `kind`, with sensible defaults.
    pub fn blank(kind: &str) -> Self {
        Self {
            kind: kind.to_owned(),
            scale: if kind == "likert" {
                "agreement"
            } else {
                "frequency"
            }
            .to_owned(),
            scale_start: if kind == "likert" { "1" } else { "0" }.to_owned(),
            max_chars: DEFAULT_MAX_TEXT_CHARS.to_string(),
            ..Self::default()
        }
    }

    /// The form filled in from a question, for editing.
    pub fn of(question: &Question) -> Self {
        let mut form = Self::blank(kind_name(&question.kind));
        form.id = question.id.to_string();
        form.text.clone_from(&question.prompt.everyone.standard);
        form.easy_text = optional(question.prompt.everyone.easy_read.as_ref());
        for (audience, wording) in &question.prompt.per_audience {
            let (text, easy) = match audience {
                Audience::Citizens => (&mut form.text_citizens, &mut form.easy_text_citizens),
                Audience::Staff => (&mut form.text_staff, &mut form.easy_text_staff),
            };
            text.clone_from(&wording.standard);
            *easy = optional(wording.easy_read.as_ref());
        }
        form.required = flag(question.required);
        form.show_if = question
            .show_if
            .as_ref()
            .map(|c| format!("{}={}", c.question, c.equals))
            .unwrap_or_default();
        match &question.kind {
            QuestionKind::SingleChoice { options } => {
                form.options = wording_lines(options.iter().map(|o| &o.label));
            }
            QuestionKind::MultipleChoice {
                options,
                max_choices,
            } => {
                form.options = wording_lines(options.iter().map(|o| &o.label));
                form.max_choices = optional(*max_choices);
            }
            QuestionKind::Frequency { scale } | QuestionKind::Likert { scale } => {
                form.set_scale(scale);
            }
            QuestionKind::Battery { scale, items } => {
                form.set_scale(scale);
                form.items = wording_lines(items.iter().map(|i| &i.prompt.everyone));
            }
            QuestionKind::ZeroToTen {
                low_anchor,
                high_anchor,
            } => {
                form.low_anchor = optional(low_anchor.as_ref().map(|w| &w.standard));
                form.high_anchor = optional(high_anchor.as_ref().map(|w| &w.standard));
            }
            QuestionKind::Number {
                min,
                max,
                whole_numbers,
            } => {
                form.min = optional(*min);
                form.max = optional(*max);
                form.whole_numbers = flag(*whole_numbers);
            }
            QuestionKind::FreeText { max_chars } => form.max_chars = max_chars.to_string(),
        }
        form
    }

    fn set_scale(&mut self, scale: &Scale) {
        if *scale == Scale::frequency() {
            "frequency".clone_into(&mut self.scale);
        } else if *scale == Scale::agreement() {
            "agreement".clone_into(&mut self.scale);
        } else {
            "custom".clone_into(&mut self.scale);
            self.scale_points = wording_lines(scale.points.iter().map(|p| &p.label));
            self.scale_start = optional(scale.points.first().map(|p| p.value));
        }
    }

    /// Whether this kind of question is answered on a scale.
    pub fn has_scale(&self) -> bool {
        matches!(self.kind.as_str(), "frequency" | "likert" | "battery")
    }

    /// Checks every field and builds the question. `existing` is the
    /// question being edited, whose codes are kept where its wording is;
    /// `draft` gives the ids already taken.
    pub fn build(
        &self,
        shell: &Shell,
        draft: &Draft,
        existing: Option<&Question>,
        errors: &mut FieldErrors,
    ) -> Option<Question> {
        let id = self.check_id(shell, draft, existing, errors);
        let prompt = self.check_prompt(shell, errors);
        let kind = self.check_kind(shell, existing, errors);
        let show_if = self.check_condition(shell, errors);
        if !errors.is_empty() {
            return None;
        }
        let mut question = Question::new(id?, prompt?, kind?);
        question.required = !self.required.is_empty();
        question.show_if = show_if.ok()?;
        Some(question)
    }

    fn check_id(
        &self,
        shell: &Shell,
        draft: &Draft,
        existing: Option<&Question>,
        errors: &mut FieldErrors,
    ) -> Option<Code> {
        let taken = |code: &Code| {
            existing.is_none_or(|q| &q.id != code)
                && draft
                    .sections
                    .iter()
                    .flat_map(|s| &s.questions)
                    .any(|q| &q.id == code)
        };
        if self.id.trim().is_empty() {
            if let Some(question) = existing {
                return Some(question.id.clone());
            }
            // The first free q1, q2, …: a short, stable name for the results.
            return (1..=10_000)
                .map(|n| Code::parse(&format!("q{n}")))
                .filter_map(Result::ok)
                .find(|code| !taken(code));
        }
        match Code::parse(&self.id) {
            Ok(code) if taken(&code) => {
                errors.add("id", shell.t("error.survey.design.duplicate_question"));
                None
            }
            Ok(code) => Some(code),
            Err(e) => {
                errors.add("id", shell.t(e.key));
                None
            }
        }
    }

    fn check_prompt(&self, shell: &Shell, errors: &mut FieldErrors) -> Option<Prompt> {
        let everyone = wording(shell, "text", &self.text, &self.easy_text, errors);
        if self.text.trim().is_empty() {
            errors.add("text", shell.t("survey.error.text_missing"));
        }
        let mut prompt = Prompt::same_for_all(everyone?);
        for (audience, field, text, easy) in [
            (
                Audience::Citizens,
                "text_citizens",
                &self.text_citizens,
                &self.easy_text_citizens,
            ),
            (
                Audience::Staff,
                "text_staff",
                &self.text_staff,
                &self.easy_text_staff,
            ),
        ] {
            if text.trim().is_empty() {
                if !easy.trim().is_empty() {
                    errors.add(field, shell.t("survey.error.audience_text_missing"));
                }
                continue;
            }
            if let Some(own) = wording(shell, field, text, easy, errors) {
                prompt = prompt.for_audience(audience, own);
            }
        }
        Some(prompt)
    }

    fn check_kind(
        &self,
        shell: &Shell,
        existing: Option<&Question>,
        errors: &mut FieldErrors,
    ) -> Option<QuestionKind> {
        let old_options: Vec<&Choice> = match existing.map(|q| &q.kind) {
            Some(
                QuestionKind::SingleChoice { options }
                | QuestionKind::MultipleChoice { options, .. },
            ) => options.iter().collect(),
            _ => Vec::new(),
        };
        match self.kind.as_str() {
            "single_choice" => Some(QuestionKind::SingleChoice {
                options: self.check_options(shell, &old_options, errors)?,
            }),
            "multiple_choice" => {
                let options = self.check_options(shell, &old_options, errors);
                let max_choices = number_field::<u16>(&self.max_choices)
                    .map_err(|()| errors.add("max_choices", shell.t("survey.error.whole_number")))
                    .ok()?;
                Some(QuestionKind::MultipleChoice {
                    options: options?,
                    max_choices,
                })
            }
            "frequency" => Some(QuestionKind::Frequency {
                scale: self.check_scale(shell, errors)?,
            }),
            "likert" => Some(QuestionKind::Likert {
                scale: self.check_scale(shell, errors)?,
            }),
            "battery" => {
                let scale = self.check_scale(shell, errors);
                let items = self.check_items(shell, errors);
                Some(QuestionKind::Battery {
                    scale: scale?,
                    items: items?,
                })
            }
            "zero_to_ten" => {
                let anchor = |text: &str| {
                    let text = text.trim();
                    (!text.is_empty()).then(|| Wording::plain(text))
                };
                for (field, text) in [
                    ("low_anchor", &self.low_anchor),
                    ("high_anchor", &self.high_anchor),
                ] {
                    if text.chars().count() > MAX_WORDING_CHARS {
                        errors.add(field, shell.t("survey.error.wording_long"));
                    }
                }
                Some(QuestionKind::ZeroToTen {
                    low_anchor: anchor(&self.low_anchor),
                    high_anchor: anchor(&self.high_anchor),
                })
            }
            "number" => {
                let min = number_field::<f64>(&self.min)
                    .map_err(|()| errors.add("min", shell.t("survey.error.number")))
                    .ok();
                let max = number_field::<f64>(&self.max)
                    .map_err(|()| errors.add("max", shell.t("survey.error.number")))
                    .ok();
                let (min, max) = (min?, max?);
                if let (Some(lo), Some(hi)) = (min, max)
                    && lo > hi
                {
                    errors.add("min", shell.t("error.survey.design.number_bounds"));
                    return None;
                }
                Some(QuestionKind::Number {
                    min,
                    max,
                    whole_numbers: !self.whole_numbers.is_empty(),
                })
            }
            "free_text" => {
                let limit = u32::try_from(MAX_FIELD_CHARS).unwrap_or(u32::MAX);
                match number_field::<u32>(&self.max_chars) {
                    Ok(Some(max_chars)) if (1..=limit).contains(&max_chars) => {
                        Some(QuestionKind::FreeText { max_chars })
                    }
                    Ok(None) => Some(QuestionKind::FreeText {
                        max_chars: DEFAULT_MAX_TEXT_CHARS,
                    }),
                    _ => {
                        errors.add(
                            "max_chars",
                            shell.t1("survey.error.max_chars", &limit.to_string()),
                        );
                        None
                    }
                }
            }
            _ => {
                errors.add("kind", shell.t("survey.error.kind"));
                None
            }
        }
    }

    fn check_options(
        &self,
        shell: &Shell,
        old: &[&Choice],
        errors: &mut FieldErrors,
    ) -> Option<Vec<Choice>> {
        let lines = lines(shell, "options", &self.options, errors)?;
        if lines.is_empty() {
            errors.add("options", shell.t("error.survey.design.no_options"));
            return None;
        }
        let mut options: Vec<Choice> = Vec::new();
        for (at, label) in lines.into_iter().enumerate() {
            let code = old
                .iter()
                .find(|o| o.label.standard == label.standard)
                .map_or_else(
                    || code_from_words(&label.standard, at + 1),
                    |o| Some(o.code.clone()),
                );
            let Some(code) = code.filter(|c| options.iter().all(|o| &o.code != c)) else {
                errors.add("options", shell.t("survey.error.options_alike"));
                return None;
            };
            options.push(Choice { code, label });
        }
        Some(options)
    }

    fn check_scale(&self, shell: &Shell, errors: &mut FieldErrors) -> Option<Scale> {
        match self.scale.as_str() {
            "frequency" => Some(Scale::frequency()),
            "agreement" => Some(Scale::agreement()),
            "custom" => {
                let start = match number_field::<i32>(&self.scale_start) {
                    Ok(start) if start.is_none_or(|s| s.abs() <= 1_000) => start.unwrap_or(0),
                    _ => {
                        errors.add("scale_start", shell.t("survey.error.whole_number"));
                        return None;
                    }
                };
                let lines = lines(shell, "scale_points", &self.scale_points, errors)?;
                if lines.len() < 2 {
                    errors.add(
                        "scale_points",
                        shell.t("error.survey.design.scale_too_short"),
                    );
                    return None;
                }
                Some(Scale {
                    points: lines
                        .into_iter()
                        .zip(start..)
                        .filter_map(|(label, value)| {
                            Some(ScalePoint {
                                code: Code::parse(&value.to_string().replace('-', "minus_"))
                                    .ok()?,
                                label,
                                value,
                            })
                        })
                        .collect(),
                })
            }
            _ => {
                errors.add("scale", shell.t("survey.error.scale"));
                None
            }
        }
    }

    fn check_items(&self, shell: &Shell, errors: &mut FieldErrors) -> Option<Vec<BatteryItem>> {
        let lines = lines(shell, "items", &self.items, errors)?;
        if lines.is_empty() {
            errors.add("items", shell.t("error.survey.design.no_items"));
            return None;
        }
        Some(
            lines
                .into_iter()
                .zip(1..)
                .filter_map(|(wording, n): (Wording, u32)| {
                    Some(BatteryItem {
                        code: Code::parse(&n.to_string()).ok()?,
                        prompt: Prompt::same_for_all(wording),
                    })
                })
                .collect(),
        )
    }

    /// The condition chosen: none, one, or `Err` when it cannot be read.
    fn check_condition(
        &self,
        shell: &Shell,
        errors: &mut FieldErrors,
    ) -> Result<Option<Condition>, ()> {
        if self.show_if.is_empty() {
            return Ok(None);
        }
        let parsed = self.show_if.split_once('=').and_then(|(q, o)| {
            Some(Condition {
                question: Code::parse(q).ok()?,
                equals: Code::parse(o).ok()?,
            })
        });
        if parsed.is_none() {
            errors.add("show_if", shell.t("error.survey.design.condition_unknown"));
        }
        parsed.map(Some).ok_or(())
    }
}

/// A wording with its optional easy-read alternative.
fn wording(
    shell: &Shell,
    field: &'static str,
    standard: &str,
    easy: &str,
    errors: &mut FieldErrors,
) -> Option<Wording> {
    let (standard, easy) = (standard.trim(), easy.trim());
    if standard.chars().count() > MAX_WORDING_CHARS || easy.chars().count() > MAX_WORDING_CHARS {
        errors.add(field, shell.t("survey.error.wording_long"));
        return None;
    }
    Some(if easy.is_empty() {
        Wording::plain(standard)
    } else {
        Wording::with_easy_read(standard, easy)
    })
}

/// One wording per non-empty line, easy read after a `|`.
fn lines(
    shell: &Shell,
    field: &'static str,
    text: &str,
    errors: &mut FieldErrors,
) -> Option<Vec<Wording>> {
    let mut wordings = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (standard, easy) = line.split_once('|').unwrap_or((line, ""));
        if standard.trim().is_empty() {
            errors.add(field, shell.t("error.survey.design.blank_wording"));
            return None;
        }
        wordings.push(wording(shell, field, standard, easy, errors)?);
    }
    Some(wordings)
}

/// An empty field is `None`; anything else must parse.
fn number_field<T: std::str::FromStr>(raw: &str) -> Result<Option<T>, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse().map(Some).map_err(|_| ())
}

/// A code from the words of an option: lower-case letters and digits, with
/// underscores between words (`Meeting people` → `meeting_people`), or
/// `option_<n>` for wording with no letters or digits in it.
pub fn code_from_words(words: &str, position: usize) -> Option<Code> {
    let mut code = String::new();
    for c in words.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            code.push(c);
        } else if !code.ends_with('_') && !code.is_empty() {
            code.push('_');
        }
        if code.len() >= MAX_CODE_CHARS {
            break;
        }
    }
    let code = code.trim_end_matches('_');
    Code::parse(code)
        .or_else(|_| Code::parse(&format!("option_{position}")))
        .ok()
}

/// The conditions an author can choose for a question at `position` (in
/// survey order): every option of every earlier choice or scale question.
pub fn condition_choices(draft: &Draft, position: usize) -> Vec<(String, String)> {
    draft
        .sections
        .iter()
        .flat_map(|s| &s.questions)
        .take(position)
        .flat_map(|question| {
            question
                .kind
                .option_codes()
                .unwrap_or_default()
                .into_iter()
                .map(move |code| {
                    (
                        format!("{}={code}", question.id),
                        format!(
                            "{} – {}",
                            question.prompt.everyone.standard,
                            option_label(&question.kind, code).unwrap_or_else(|| code.to_string())
                        ),
                    )
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_come_from_the_words() {
        let code = |words: &str, at| code_from_words(words, at).unwrap().to_string();
        assert_eq!(code("Meeting people!", 1), "meeting_people");
        assert_eq!(code("  ", 3), "option_3");
        assert_eq!(code("Còmhradh", 2), "c_mhradh");
        assert!(code(&"word ".repeat(30), 1).len() <= MAX_CODE_CHARS);
    }
}

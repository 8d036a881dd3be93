//! The pieces a survey question is made of: machine names, wording for each
//! audience and for easy-read, answer scales and the kinds of question.
//!
//! Wording is kept apart from meaning on purpose. Staff and citizens are
//! asked the *same* question in words that fit them ("What do you need
//! most?" / "What do you think they need most?"), and the analysis only works
//! because both answers land on the same question id and the same option
//! codes.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// Longest machine name accepted; long enough to be readable, short enough
/// to make a sensible CSV column heading.
pub const MAX_CODE_CHARS: usize = 40;

/// A short machine name for a question, an option or a battery item:
/// lower-case ASCII letters, digits and underscores, such as `needs_most`,
/// `often` or `3`.
///
/// Codes become CSV column names (`health_3`) and stay the same when the
/// wording is edited or translated, so results stay comparable.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Code(String);

impl Code {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(Invalid::new("error.survey.code.missing"));
        }
        if value.len() > MAX_CODE_CHARS {
            return Err(Invalid::new("error.survey.code.too_long"));
        }
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
        if !value.chars().all(allowed) {
            return Err(Invalid::new("error.survey.code.format"));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Code {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Code> for String {
    fn from(value: Code) -> Self {
        value.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who a survey is put to. The perception gap compares the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// People who use services, carers and other residents.
    Citizens,
    /// People who work in or for the services.
    Staff,
}

/// How a respondent is reading the survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reading {
    Standard,
    /// Larger text, one question per page, plain words.
    EasyRead,
}

/// One piece of text with an optional easy-read alternative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wording {
    pub standard: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub easy_read: Option<String>,
}

impl Wording {
    /// Wording with no easy-read alternative.
    pub fn plain(standard: &str) -> Self {
        Self {
            standard: standard.to_owned(),
            easy_read: None,
        }
    }

    /// Wording with an easy-read alternative.
    pub fn with_easy_read(standard: &str, easy_read: &str) -> Self {
        Self {
            standard: standard.to_owned(),
            easy_read: Some(easy_read.to_owned()),
        }
    }

    /// The text for a reading mode, falling back to the standard text when
    /// no easy-read text was written.
    pub fn text(&self, reading: Reading) -> &str {
        match (reading, &self.easy_read) {
            (Reading::EasyRead, Some(easy)) => easy,
            _ => &self.standard,
        }
    }

    pub(crate) fn is_blank(&self) -> bool {
        self.standard.trim().is_empty()
    }
}

/// What a question says, for everyone and, where it differs, per audience.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prompt {
    /// Used for any audience without its own wording.
    pub everyone: Wording,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub per_audience: BTreeMap<Audience, Wording>,
}

impl Prompt {
    /// The same words for every audience.
    pub fn same_for_all(everyone: Wording) -> Self {
        Self {
            everyone,
            per_audience: BTreeMap::new(),
        }
    }

    /// Adds wording for one audience.
    #[must_use]
    pub fn for_audience(mut self, audience: Audience, wording: Wording) -> Self {
        self.per_audience.insert(audience, wording);
        self
    }

    /// The text a respondent sees.
    ///
    /// An audience's own wording wins, and its easy-read falls back to that
    /// audience's standard text rather than to the general easy-read text,
    /// because the general text is phrased for somebody else.
    pub fn text(&self, audience: Audience, reading: Reading) -> &str {
        self.per_audience
            .get(&audience)
            .unwrap_or(&self.everyone)
            .text(reading)
    }

    pub(crate) fn is_blank(&self) -> bool {
        self.everyone.is_blank() || self.per_audience.values().any(Wording::is_blank)
    }
}

/// One option of a choice question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub code: Code,
    pub label: Wording,
}

/// One point of an ordered answer scale, with the number it scores as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScalePoint {
    pub code: Code,
    pub label: Wording,
    pub value: i32,
}

/// An ordered answer scale, lowest first. Checked when the survey is built:
/// at least two points, distinct codes, values strictly rising.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scale {
    pub points: Vec<ScalePoint>,
}

impl Scale {
    /// never (0) / sometimes (1) / often (2): the scale of the co-production
    /// survey, numbered as the `coprod survey score` interface expects.
    pub fn frequency() -> Self {
        Self::from_labels(&[
            ("never", "Never", "Never", 0),
            ("sometimes", "Sometimes", "Sometimes", 1),
            ("often", "Often", "Often", 2),
        ])
    }

    /// A five-point agreement scale scored 1–5.
    pub fn agreement() -> Self {
        Self::from_labels(&[
            (
                "strongly_disagree",
                "Strongly disagree",
                "No, not at all",
                1,
            ),
            ("disagree", "Disagree", "No", 2),
            ("neither", "Neither agree nor disagree", "Not sure", 3),
            ("agree", "Agree", "Yes", 4),
            ("strongly_agree", "Strongly agree", "Yes, very much", 5),
        ])
    }

    /// Builds a scale from `(code, label, easy-read label, value)` rows
    /// written in this crate; the codes are known to be well formed.
    pub(crate) fn from_labels(rows: &[(&str, &str, &str, i32)]) -> Self {
        Self {
            points: rows
                .iter()
                .map(|&(code, label, easy, value)| ScalePoint {
                    code: Code(code.to_owned()),
                    label: Wording::with_easy_read(label, easy),
                    value,
                })
                .collect(),
        }
    }

    /// The point with this code.
    pub fn point(&self, code: &Code) -> Option<&ScalePoint> {
        self.points.iter().find(|point| &point.code == code)
    }

    /// The lowest and highest values, for min–max scaling. `None` only for a
    /// scale with no points, which a checked survey never holds.
    pub fn value_range(&self) -> Option<(i32, i32)> {
        let lowest = self.points.iter().map(|p| p.value).min()?;
        let highest = self.points.iter().map(|p| p.value).max()?;
        Some((lowest, highest))
    }
}

/// One statement of a battery, answered on the battery's shared scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatteryItem {
    pub code: Code,
    pub prompt: Prompt,
}

/// Longest free-text answer accepted unless a question says otherwise.
pub const DEFAULT_MAX_TEXT_CHARS: u32 = 2_000;

/// What kind of answer a question takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionKind {
    /// Pick one option.
    SingleChoice { options: Vec<Choice> },
    /// Pick any number of options, up to `max_choices` if given.
    MultipleChoice {
        options: Vec<Choice>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_choices: Option<u16>,
    },
    /// How often: an ordered scale such as [`Scale::frequency`].
    Frequency { scale: Scale },
    /// How much one agrees: an ordered scale such as [`Scale::agreement`].
    Likert { scale: Scale },
    /// A whole number from 0 to 10, with optional words for the two ends.
    ZeroToTen {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        low_anchor: Option<Wording>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        high_anchor: Option<Wording>,
    },
    /// A number, optionally bounded and optionally whole.
    Number {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
        #[serde(default)]
        whole_numbers: bool,
    },
    /// Words in the respondent's own voice.
    FreeText { max_chars: u32 },
    /// Several statements answered on one shared scale.
    Battery {
        scale: Scale,
        items: Vec<BatteryItem>,
    },
}

impl QuestionKind {
    /// The codes a respondent can choose from, for questions answered by
    /// picking (choice questions and single scales). Batteries are answered
    /// item by item, so they have none here.
    pub fn option_codes(&self) -> Option<Vec<&Code>> {
        match self {
            Self::SingleChoice { options } | Self::MultipleChoice { options, .. } => {
                Some(options.iter().map(|o| &o.code).collect())
            }
            Self::Frequency { scale } | Self::Likert { scale } => {
                Some(scale.points.iter().map(|p| &p.code).collect())
            }
            _ => None,
        }
    }

    /// Whether this kind offers the option `code`.
    pub fn offers(&self, code: &Code) -> bool {
        self.option_codes()
            .is_some_and(|codes| codes.contains(&code))
    }
}

/// "Show this question only if question `question` was answered `equals`".
/// For a multiple-choice question, "answered" means "among the choices".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    pub question: Code,
    pub equals: Code,
}

/// One question of a survey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub id: Code,
    pub prompt: Prompt,
    pub kind: QuestionKind,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<Condition>,
}

impl Question {
    /// A question shown to everyone and not required; adjust the fields
    /// for anything else.
    pub fn new(id: Code, prompt: Prompt, kind: QuestionKind) -> Self {
        Self {
            id,
            prompt,
            kind,
            required: false,
            show_if: None,
        }
    }
}

impl Question {
    /// The CSV columns this question's answers fill, in order: the question
    /// id, or `<id>_<code>` for each option of a multiple-choice question
    /// and each item of a battery (so the co-production batteries give
    /// `health_1` … `health_4`).
    pub fn csv_columns(&self) -> Vec<String> {
        let joined = |code: &Code| format!("{}_{}", self.id, code);
        match &self.kind {
            QuestionKind::MultipleChoice { options, .. } => {
                options.iter().map(|o| joined(&o.code)).collect()
            }
            QuestionKind::Battery { items, .. } => items.iter().map(|i| joined(&i.code)).collect(),
            _ => vec![self.id.to_string()],
        }
    }
}

/// Codes written in this crate's templates, known to be well formed.
pub fn known_code(code: &str) -> Code {
    debug_assert!(Code::parse(code).is_ok(), "bad built-in code {code}");
    Code(code.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_short_lower_case_machine_names() {
        assert_eq!(Code::parse(" health_3 ").unwrap().as_str(), "health_3");
        assert_eq!(Code::parse("7").unwrap().as_str(), "7");
        for (raw, key) in [
            ("", "error.survey.code.missing"),
            ("Health", "error.survey.code.format"),
            ("two words", "error.survey.code.format"),
            ("a-b", "error.survey.code.format"),
        ] {
            assert_eq!(Code::parse(raw).unwrap_err().key, key, "{raw:?}");
        }
        let long = "a".repeat(MAX_CODE_CHARS + 1);
        assert_eq!(
            Code::parse(&long).unwrap_err().key,
            "error.survey.code.too_long"
        );
    }

    #[test]
    fn each_audience_reads_its_own_words() {
        let prompt = Prompt::same_for_all(Wording::with_easy_read(
            "What do you need most?",
            "What help do you want?",
        ))
        .for_audience(
            Audience::Staff,
            Wording::plain("What do you think they need most?"),
        );
        assert_eq!(
            prompt.text(Audience::Citizens, Reading::Standard),
            "What do you need most?"
        );
        assert_eq!(
            prompt.text(Audience::Citizens, Reading::EasyRead),
            "What help do you want?"
        );
        assert_eq!(
            prompt.text(Audience::Staff, Reading::Standard),
            "What do you think they need most?"
        );
        // Staff have no easy-read wording of their own; the citizens' one
        // would ask them the wrong question.
        assert_eq!(
            prompt.text(Audience::Staff, Reading::EasyRead),
            "What do you think they need most?"
        );
    }

    #[test]
    fn built_in_scales_rise_from_lowest_to_highest() {
        assert_eq!(Scale::frequency().value_range(), Some((0, 2)));
        assert_eq!(Scale::agreement().value_range(), Some((1, 5)));
        let never = Code::parse("never").unwrap();
        assert_eq!(Scale::frequency().point(&never).unwrap().value, 0);
    }

    #[test]
    fn csv_columns_name_options_and_items() {
        let battery = Question::new(
            Code::parse("health").unwrap(),
            Prompt::same_for_all(Wording::plain("How often?")),
            QuestionKind::Battery {
                scale: Scale::frequency(),
                items: ["1", "2"]
                    .iter()
                    .map(|c| BatteryItem {
                        code: Code::parse(c).unwrap(),
                        prompt: Prompt::same_for_all(Wording::plain(c)),
                    })
                    .collect(),
            },
        );
        assert_eq!(battery.csv_columns(), ["health_1", "health_2"]);
        let text = Question::new(
            Code::parse("story").unwrap(),
            Prompt::same_for_all(Wording::plain("Tell us")),
            QuestionKind::FreeText { max_chars: 10 },
        );
        assert_eq!(text.csv_columns(), ["story"]);
    }

    #[test]
    fn kinds_know_which_options_they_offer() {
        let often = Code::parse("often").unwrap();
        let kind = QuestionKind::Frequency {
            scale: Scale::frequency(),
        };
        assert!(kind.offers(&often));
        assert!(!kind.offers(&Code::parse("always").unwrap()));
        let free = QuestionKind::FreeText { max_chars: 10 };
        assert!(!free.offers(&often));
        assert_eq!(free.option_codes(), None);
    }
}

//! Validated wellbeing measures: SWEMWBS, ONS4 and UCLA-3, scored exactly
//! as published.
//!
//! These instruments are only comparable with national figures when they
//! are asked word for word, and their wording belongs to their publishers
//! (SWEMWBS is licensed to registered users, who must show its copyright
//! line). So coprod does not ship or rewrite their questions: an operator
//! who has the published wording supplies it as [`PublishedWording`], and
//! [`Instrument::section`] builds the survey section from it, with the
//! copyright line attached for SWEMWBS. The scoring, which is fact rather
//! than wording, lives here in full:
//!
//! - SWEMWBS: seven items scored 1–5; the raw sum 7–35 is converted to the
//!   metric score with the published table (kept as exact hundredths).
//! - ONS4: four separate 0–10 scores, never summed, each with its bands.
//! - UCLA-3: three items scored 1–3, summed to 3–9.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::answers::{Answer, AnswerSet};
use super::definition::Section;
use super::question::{
    BatteryItem, Prompt, Question, QuestionKind, Scale, ScalePoint, Wording, known_code,
};
use super::statistics::MeanEstimate;

/// The copyright line the SWEMWBS licence requires on every copy of the
/// scale and in every report of its results.
pub const SWEMWBS_COPYRIGHT: &str = "Short Warwick Edinburgh Mental Wellbeing Scale (SWEMWBS) © NHS Health Scotland, University of Warwick and University of Edinburgh, 2008, all rights reserved.";

/// The SWEMWBS raw-to-metric conversion table, in hundredths, for raw
/// scores 7 to 35 in order.
const SWEMWBS_METRIC_HUNDREDTHS: [u16; 29] = [
    700, 951, 1125, 1240, 1333, 1408, 1475, 1532, 1584, 1636, 1688, 1743, 1798, 1859, 1925, 1998,
    2073, 2154, 2235, 2321, 2411, 2503, 2602, 2703, 2813, 2931, 3070, 3255, 3500,
];

/// A validated instrument coprod can score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    Swemwbs,
    Ons4,
    Ucla3,
}

/// Why a row of item values cannot be scored. Items count from 1, as in
/// the columns `q1`…`qN`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ScoreError {
    #[error("{instrument:?} has {expected} items, but {given} were given")]
    ItemCount {
        instrument: Instrument,
        expected: usize,
        given: usize,
    },
    #[error("q{item} is {value}, but answers run from {lowest} to {highest}")]
    OutOfRange {
        item: usize,
        value: i64,
        lowest: u8,
        highest: u8,
    },
}

/// A SWEMWBS score: the raw sum and its metric conversion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwemwbsScore {
    raw: u8,
    metric_hundredths: u16,
}

impl SwemwbsScore {
    /// The score for a raw sum, if the sum is possible (7–35).
    pub fn from_raw(raw: u8) -> Option<Self> {
        let at = usize::from(raw.checked_sub(7)?);
        Some(Self {
            raw,
            metric_hundredths: *SWEMWBS_METRIC_HUNDREDTHS.get(at)?,
        })
    }

    pub fn raw(self) -> u8 {
        self.raw
    }

    /// The metric score, which the table gives to two decimals; this is
    /// the nearest float to that decimal.
    pub fn metric(self) -> f64 {
        f64::from(self.metric_hundredths) / 100.0
    }

    /// The metric score as printed in the table ("9.51").
    pub fn metric_text(self) -> String {
        format!(
            "{}.{:02}",
            self.metric_hundredths / 100,
            self.metric_hundredths % 100
        )
    }
}

/// One of the four ONS personal wellbeing measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ons4Measure {
    LifeSatisfaction,
    Worthwhile,
    Happy,
    Anxious,
}

impl Ons4Measure {
    /// In the order the questions are asked.
    pub const ALL: [Ons4Measure; 4] = [
        Ons4Measure::LifeSatisfaction,
        Ons4Measure::Worthwhile,
        Ons4Measure::Happy,
        Ons4Measure::Anxious,
    ];

    /// The machine name: the question id and the JSON key.
    pub const fn key(self) -> &'static str {
        match self {
            Ons4Measure::LifeSatisfaction => "life_satisfaction",
            Ons4Measure::Worthwhile => "worthwhile",
            Ons4Measure::Happy => "happy",
            Ons4Measure::Anxious => "anxious",
        }
    }

    /// The band a score (0–10) falls in. For anxiety a high score is bad,
    /// so its bands are cut differently.
    pub fn band(self, score: u8) -> Ons4Band {
        if self == Ons4Measure::Anxious {
            match score {
                0..=1 => Ons4Band::VeryLow,
                2..=3 => Ons4Band::Low,
                4..=5 => Ons4Band::Medium,
                _ => Ons4Band::High,
            }
        } else {
            match score {
                0..=4 => Ons4Band::Low,
                5..=6 => Ons4Band::Medium,
                7..=8 => Ons4Band::High,
                _ => Ons4Band::VeryHigh,
            }
        }
    }
}

/// The published ONS4 bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ons4Band {
    VeryLow,
    Low,
    Medium,
    High,
    VeryHigh,
}

/// The four ONS4 scores of one respondent, kept separate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ons4Scores {
    pub life_satisfaction: u8,
    pub worthwhile: u8,
    pub happy: u8,
    pub anxious: u8,
}

impl Ons4Scores {
    pub fn score(&self, measure: Ons4Measure) -> u8 {
        match measure {
            Ons4Measure::LifeSatisfaction => self.life_satisfaction,
            Ons4Measure::Worthwhile => self.worthwhile,
            Ons4Measure::Happy => self.happy,
            Ons4Measure::Anxious => self.anxious,
        }
    }
}

/// One respondent's score on an instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "instrument", rename_all = "snake_case")]
pub enum InstrumentScore {
    Swemwbs(SwemwbsScore),
    Ons4(Ons4Scores),
    Ucla3 { score: u8 },
}

impl Instrument {
    pub const ALL: [Instrument; 3] = [Instrument::Swemwbs, Instrument::Ons4, Instrument::Ucla3];

    /// The machine name, as `coprod survey score --instrument` takes it.
    pub const fn key(self) -> &'static str {
        match self {
            Instrument::Swemwbs => "swemwbs",
            Instrument::Ons4 => "ons4",
            Instrument::Ucla3 => "ucla3",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.key() == key)
    }

    pub const fn item_count(self) -> usize {
        match self {
            Instrument::Swemwbs => 7,
            Instrument::Ons4 => 4,
            Instrument::Ucla3 => 3,
        }
    }

    /// The lowest and highest answer to each item.
    pub const fn answer_range(self) -> (u8, u8) {
        match self {
            Instrument::Swemwbs => (1, 5),
            Instrument::Ons4 => (0, 10),
            Instrument::Ucla3 => (1, 3),
        }
    }

    /// The copyright line to show with the instrument, where its licence
    /// asks for one.
    pub const fn notice(self) -> Option<&'static str> {
        match self {
            Instrument::Swemwbs => Some(SWEMWBS_COPYRIGHT),
            Instrument::Ons4 | Instrument::Ucla3 => None,
        }
    }

    /// Scores one respondent's item values, given in the instrument's item
    /// order.
    pub fn score(self, values: &[i64]) -> Result<InstrumentScore, ScoreError> {
        let items = self.checked_items(values)?;
        let sum: u8 = items.iter().sum();
        Ok(match self {
            // Seven checked items of 1–5 always sum to 7–35, the rows of
            // the table, so the index is in bounds.
            Instrument::Swemwbs => InstrumentScore::Swemwbs(SwemwbsScore {
                raw: sum,
                metric_hundredths: SWEMWBS_METRIC_HUNDREDTHS[usize::from(sum) - 7],
            }),
            Instrument::Ons4 => InstrumentScore::Ons4(Ons4Scores {
                life_satisfaction: items[0],
                worthwhile: items[1],
                happy: items[2],
                anxious: items[3],
            }),
            Instrument::Ucla3 => InstrumentScore::Ucla3 { score: sum },
        })
    }

    fn checked_items(self, values: &[i64]) -> Result<Vec<u8>, ScoreError> {
        if values.len() != self.item_count() {
            return Err(ScoreError::ItemCount {
                instrument: self,
                expected: self.item_count(),
                given: values.len(),
            });
        }
        let (lowest, highest) = self.answer_range();
        values
            .iter()
            .zip(1..)
            .map(|(&value, item)| {
                u8::try_from(value)
                    .ok()
                    .filter(|v| (lowest..=highest).contains(v))
                    .ok_or(ScoreError::OutOfRange {
                        item,
                        value,
                        lowest,
                        highest,
                    })
            })
            .collect()
    }

    /// The number of answer labels the published wording must give: one
    /// per scale point, or for ONS4 the two ends of the 0–10 line.
    pub const fn answer_label_count(self) -> usize {
        match self {
            Instrument::Swemwbs => 5,
            Instrument::Ons4 => 2,
            Instrument::Ucla3 => 3,
        }
    }

    /// The question ids of the section [`Instrument::section`] builds:
    /// one battery for SWEMWBS and UCLA-3, four 0–10 questions for ONS4.
    fn question_ids(self) -> Vec<&'static str> {
        match self {
            Instrument::Swemwbs => vec!["swemwbs"],
            Instrument::Ons4 => Ons4Measure::ALL.iter().map(|m| m.key()).collect(),
            Instrument::Ucla3 => vec!["ucla3"],
        }
    }

    /// Builds the survey section from the published wording.
    pub fn section(self, wording: &PublishedWording) -> Result<Section, WordingError> {
        wording.check(self)?;
        let words = |text: &String| Prompt::same_for_all(Wording::plain(text));
        let questions = match self {
            Instrument::Swemwbs | Instrument::Ucla3 => {
                let (lowest, _) = self.answer_range();
                let points = wording
                    .answer_labels
                    .iter()
                    .zip(lowest..)
                    .map(|(label, value)| ScalePoint {
                        code: known_code(&value.to_string()),
                        label: Wording::plain(label),
                        value: i32::from(value),
                    })
                    .collect();
                let items = wording
                    .items
                    .iter()
                    .zip(1..)
                    .map(|(text, n)| BatteryItem {
                        code: known_code(&format!("{n}")),
                        prompt: words(text),
                    })
                    .collect();
                vec![Question::new(
                    known_code(self.question_ids()[0]),
                    Prompt::same_for_all(Wording::plain(&wording.instructions)),
                    QuestionKind::Battery {
                        scale: Scale { points },
                        items,
                    },
                )]
            }
            Instrument::Ons4 => Ons4Measure::ALL
                .iter()
                .zip(&wording.items)
                .map(|(measure, text)| {
                    Question::new(
                        known_code(measure.key()),
                        words(text),
                        QuestionKind::ZeroToTen {
                            low_anchor: Some(Wording::plain(&wording.answer_labels[0])),
                            high_anchor: Some(Wording::plain(&wording.answer_labels[1])),
                        },
                    )
                })
                .collect(),
        };
        let mut section = Section::new(Wording::plain(&wording.title), questions);
        if self == Instrument::Ons4 {
            section.introduction = Some(Wording::plain(&wording.instructions));
        }
        section.notice = self.notice().map(str::to_owned);
        Ok(section)
    }

    /// The item values of a response to a section built by
    /// [`Instrument::section`], in item order; `None` if any is missing.
    pub fn item_values(self, answers: &AnswerSet) -> Option<Vec<i64>> {
        match self {
            Instrument::Swemwbs | Instrument::Ucla3 => {
                let Answer::Items(items) = answers.get(&known_code(self.question_ids()[0]))? else {
                    return None;
                };
                (1..=self.item_count())
                    .map(|n| {
                        items
                            .get(&known_code(&n.to_string()))?
                            .as_str()
                            .parse()
                            .ok()
                    })
                    .collect()
            }
            Instrument::Ons4 => self
                .question_ids()
                .into_iter()
                .map(|id| match answers.get(&known_code(id))? {
                    Answer::Rating(rating) => Some(i64::from(*rating)),
                    _ => None,
                })
                .collect(),
        }
    }
}

/// An instrument's wording as its publisher gives it, supplied by the
/// operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedWording {
    pub title: String,
    /// What respondents are asked to do.
    pub instructions: String,
    /// Each item, in the published order.
    pub items: Vec<String>,
    /// The answer labels, lowest first (for ONS4 the two ends of 0–10).
    pub answer_labels: Vec<String>,
}

/// Why supplied wording does not fit an instrument.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WordingError {
    #[error("{expected} items are needed, {given} were given")]
    ItemCount { expected: usize, given: usize },
    #[error("{expected} answer labels are needed, {given} were given")]
    LabelCount { expected: usize, given: usize },
    #[error("a piece of the wording is blank")]
    Blank,
}

impl PublishedWording {
    fn check(&self, instrument: Instrument) -> Result<(), WordingError> {
        if self.items.len() != instrument.item_count() {
            return Err(WordingError::ItemCount {
                expected: instrument.item_count(),
                given: self.items.len(),
            });
        }
        if self.answer_labels.len() != instrument.answer_label_count() {
            return Err(WordingError::LabelCount {
                expected: instrument.answer_label_count(),
                given: self.answer_labels.len(),
            });
        }
        let all = [&self.title, &self.instructions]
            .into_iter()
            .chain(&self.items)
            .chain(&self.answer_labels);
        if all.into_iter().any(|text| text.trim().is_empty()) {
            return Err(WordingError::Blank);
        }
        Ok(())
    }
}

/// Mean and bands of one ONS4 measure over many respondents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ons4MeasureSummary {
    pub mean: MeanEstimate,
    /// How many fell in each band; every band is present.
    pub bands: BTreeMap<Ons4Band, u64>,
}

/// Summarises ONS4 scores measure by measure.
pub fn summarise_ons4<'a>(
    scores: impl IntoIterator<Item = &'a Ons4Scores>,
) -> BTreeMap<Ons4Measure, Ons4MeasureSummary> {
    let scores: Vec<&Ons4Scores> = scores.into_iter().collect();
    Ons4Measure::ALL
        .into_iter()
        .map(|measure| {
            let mut bands: BTreeMap<Ons4Band, u64> = [
                Ons4Band::VeryLow,
                Ons4Band::Low,
                Ons4Band::Medium,
                Ons4Band::High,
                Ons4Band::VeryHigh,
            ]
            .into_iter()
            .map(|b| (b, 0))
            .collect();
            for s in &scores {
                *bands.entry(measure.band(s.score(measure))).or_default() += 1;
            }
            let mean = MeanEstimate::of(scores.iter().map(|s| f64::from(s.score(measure))));
            (measure, Ons4MeasureSummary { mean, bands })
        })
        .collect()
}

#[cfg(test)]
#[path = "instruments_tests.rs"]
mod tests;

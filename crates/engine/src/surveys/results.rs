//! Results helpers: response counts, how each question was answered, and
//! tables ready to write as CSV.
//!
//! Everything is worked out in one pass over the responses, so a survey
//! with a million responses costs a million visits, not a million per
//! question. Answers that do not fit their question (an option the
//! question does not offer, a rating above 10) are left out of counts;
//! responses are checked with [`super::answers::check_answers`] before they
//! are stored, so this only guards against stored data changing under us.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::answers::{Answer, Channel, Response, Visibility};
use super::definition::Survey;
use super::question::{Audience, Code, Question, QuestionKind, Scale};
use super::statistics::{MeanEstimate, RunningMean, count_as_f64};

/// How many responses came from one audience through one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseCount {
    pub audience: Audience,
    pub channel: Channel,
    pub responses: u64,
}

/// Responses by audience and channel, in that order; combinations with no
/// responses are left out.
pub fn response_counts<'a>(
    responses: impl IntoIterator<Item = &'a Response>,
) -> Vec<ResponseCount> {
    let mut counts: BTreeMap<(Audience, Channel), u64> = BTreeMap::new();
    for response in responses {
        *counts
            .entry((response.audience, response.channel))
            .or_default() += 1;
    }
    counts
        .into_iter()
        .map(|((audience, channel), responses)| ResponseCount {
            audience,
            channel,
            responses,
        })
        .collect()
}

/// How often one option was chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionCount {
    pub option: Code,
    pub count: u64,
    /// 100 × count ∕ respondents who answered, unrounded; 0 when nobody
    /// answered. Multiple-choice percents can add up to more than 100.
    pub percent: f64,
}

/// How one battery item was answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemDistribution {
    pub item: Code,
    pub answered: u64,
    pub options: Vec<OptionCount>,
}

/// The shape of a question's answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Detail {
    /// Choice and scale questions, in the question's option order.
    Options { options: Vec<OptionCount> },
    /// A 0–10 question: how many gave each rating, and the mean.
    Ratings {
        counts: [u64; 11],
        mean: MeanEstimate,
    },
    Numbers {
        mean: MeanEstimate,
        min: Option<f64>,
        max: Option<f64>,
    },
    /// A battery, item by item.
    Items { items: Vec<ItemDistribution> },
    /// Free text is read, not counted; only how many wrote something.
    Text,
}

/// How one question was answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    pub question: Code,
    /// Respondents who were shown the question.
    pub shown_to: u64,
    /// Respondents who answered it (a blank answer is not an answer).
    pub answered: u64,
    pub detail: Detail,
}

/// The running totals for one question.
enum Tally {
    Options(Vec<u64>),
    Ratings([u64; 11], RunningMean),
    Numbers(RunningMean, Option<f64>, Option<f64>),
    Items(Vec<(u64, Vec<u64>)>),
    Text,
}

/// Every question's distribution, in survey order.
pub fn distributions<'a>(
    survey: &Survey,
    responses: impl IntoIterator<Item = &'a Response>,
) -> Vec<Distribution> {
    let questions: Vec<&Question> = survey.questions().collect();
    let mut shown_to = vec![0_u64; questions.len()];
    let mut answered = vec![0_u64; questions.len()];
    let mut tallies: Vec<Tally> = questions.iter().map(|q| empty_tally(&q.kind)).collect();

    let visibility = Visibility::of(survey);
    for response in responses {
        let shown = visibility.flags(&response.answers);
        for ((at, question), visible) in questions.iter().enumerate().zip(shown) {
            if !visible {
                continue;
            }
            shown_to[at] += 1;
            let Some(answer) = response.answers.get(&question.id).filter(|a| !a.is_blank()) else {
                continue;
            };
            if count_answer(&question.kind, answer, &mut tallies[at]) {
                answered[at] += 1;
            }
        }
    }

    questions
        .iter()
        .zip(tallies)
        .enumerate()
        .map(|(at, (question, tally))| Distribution {
            question: question.id.clone(),
            shown_to: shown_to[at],
            answered: answered[at],
            detail: finish(&question.kind, tally, answered[at]),
        })
        .collect()
}

fn empty_tally(kind: &QuestionKind) -> Tally {
    match kind {
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options, .. } => {
            Tally::Options(vec![0; options.len()])
        }
        QuestionKind::Frequency { scale } | QuestionKind::Likert { scale } => {
            Tally::Options(vec![0; scale.points.len()])
        }
        QuestionKind::ZeroToTen { .. } => Tally::Ratings([0; 11], RunningMean::default()),
        QuestionKind::Number { .. } => Tally::Numbers(RunningMean::default(), None, None),
        QuestionKind::FreeText { .. } => Tally::Text,
        QuestionKind::Battery { scale, items } => {
            Tally::Items(vec![(0, vec![0; scale.points.len()]); items.len()])
        }
    }
}

/// Adds one answer to its tally; false if the answer does not fit.
fn count_answer(kind: &QuestionKind, answer: &Answer, tally: &mut Tally) -> bool {
    let position = |code: &Code| kind.option_codes()?.iter().position(|c| *c == code);
    match (tally, answer) {
        (Tally::Options(counts), Answer::Choice(code)) => {
            position(code).map(|at| counts[at] += 1).is_some()
        }
        (Tally::Options(counts), Answer::Choices(codes)) => {
            let offered: Vec<usize> = codes.iter().filter_map(position).collect();
            for &at in &offered {
                counts[at] += 1;
            }
            !offered.is_empty()
        }
        (Tally::Ratings(counts, mean), Answer::Rating(rating)) if *rating <= 10 => {
            counts[usize::from(*rating)] += 1;
            mean.add(f64::from(*rating));
            true
        }
        (Tally::Numbers(mean, min, max), Answer::Number(value)) if value.is_finite() => {
            mean.add(*value);
            *min = Some(min.map_or(*value, |m| m.min(*value)));
            *max = Some(max.map_or(*value, |m| m.max(*value)));
            true
        }
        (Tally::Text, Answer::Text(_)) => true,
        (Tally::Items(per_item), Answer::Items(given)) => {
            let QuestionKind::Battery { scale, items } = kind else {
                return false;
            };
            let mut any = false;
            for (item, (item_answered, counts)) in items.iter().zip(per_item.iter_mut()) {
                let Some(code) = given.get(&item.code) else {
                    continue;
                };
                if let Some(at) = scale.points.iter().position(|p| &p.code == code) {
                    *item_answered += 1;
                    counts[at] += 1;
                    any = true;
                }
            }
            any
        }
        _ => false,
    }
}

fn finish(kind: &QuestionKind, tally: Tally, answered: u64) -> Detail {
    match (kind, tally) {
        (QuestionKind::Battery { scale, items }, Tally::Items(per_item)) => Detail::Items {
            items: items
                .iter()
                .zip(per_item)
                .map(|(item, (item_answered, counts))| ItemDistribution {
                    item: item.code.clone(),
                    answered: item_answered,
                    options: option_counts(scale_codes(scale), &counts, item_answered),
                })
                .collect(),
        },
        (_, Tally::Options(counts)) => Detail::Options {
            options: option_counts(kind.option_codes().unwrap_or_default(), &counts, answered),
        },
        (_, Tally::Ratings(counts, mean)) => Detail::Ratings {
            counts,
            mean: mean.estimate(),
        },
        (_, Tally::Numbers(mean, min, max)) => Detail::Numbers {
            mean: mean.estimate(),
            min,
            max,
        },
        (_, Tally::Text | Tally::Items(_)) => Detail::Text,
    }
}

fn scale_codes(scale: &Scale) -> Vec<&Code> {
    scale.points.iter().map(|p| &p.code).collect()
}

fn option_counts(codes: Vec<&Code>, counts: &[u64], answered: u64) -> Vec<OptionCount> {
    codes
        .into_iter()
        .zip(counts)
        .map(|(code, &count)| OptionCount {
            option: code.clone(),
            count,
            percent: percent(count, answered),
        })
        .collect()
}

/// 100 × count ∕ of, or 0 when `of` is 0.
pub(crate) fn percent(count: u64, of: u64) -> f64 {
    if of == 0 {
        0.0
    } else {
        100.0 * count_as_f64(count) / count_as_f64(of)
    }
}

#[cfg(test)]
#[path = "results_tests.rs"]
mod tests;

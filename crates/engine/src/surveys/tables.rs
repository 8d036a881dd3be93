//! Responses and results as rows of text, ready for a CSV writer.
//!
//! The engine has no CSV dependency; the server and CLI write these rows
//! with theirs. Conventions, chosen so the files open cleanly in a
//! spreadsheet and feed `coprod survey score`:
//!
//! - one row per response; a question not shown or not answered is an
//!   empty cell;
//! - scale answers (frequency, Likert, battery items) are written as the
//!   scale's numbers, choice answers as option codes, and each option of a
//!   multiple-choice question is its own column holding 1 (chosen) or 0;
//! - free text that starts with `=`, `+`, `-`, `@`, a tab or a carriage
//!   return gets a leading apostrophe, so a spreadsheet shows it instead of
//!   running it as a formula;
//! - percentages are rounded to one decimal place and means to two, as
//!   Rust's formatting rounds the exact binary value (ties to even).

use serde::{Deserialize, Serialize};

use super::answers::{Answer, Response, Visibility};
use super::breakdown::GroupKey;
use super::definition::Survey;
use super::question::{Question, QuestionKind};
use super::results::{Detail, Distribution, OptionCount, percent};

/// A header and rows of cells, each row as long as the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// The fixed columns before the answers.
const FACT_COLUMNS: [&str; 5] = ["audience", "channel", "area", "simd_quintile", "age_band"];

/// Every response, one row each.
pub fn responses_table<'a>(
    survey: &Survey,
    responses: impl IntoIterator<Item = &'a Response>,
) -> Table {
    let mut header: Vec<String> = FACT_COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    header.extend(survey.questions().flat_map(Question::csv_columns));
    let visibility = Visibility::of(survey);
    let rows = responses
        .into_iter()
        .map(|response| {
            let mut row = vec![
                key_of(&response.audience),
                key_of(&response.channel),
                response
                    .facts
                    .area
                    .as_ref()
                    .map(|a| a.as_str().to_owned())
                    .unwrap_or_default(),
                response
                    .facts
                    .simd_quintile
                    .map(|q| GroupKey::SimdQuintile(q).to_string())
                    .unwrap_or_default(),
                response
                    .facts
                    .age_band
                    .map(|b| b.key().to_owned())
                    .unwrap_or_default(),
            ];
            let shown = visibility.flags(&response.answers);
            for (question, visible) in survey.questions().zip(shown) {
                let answer = response.answers.get(&question.id).filter(|_| visible);
                row.extend(answer_cells(question, answer));
            }
            row
        })
        .collect();
    Table { header, rows }
}

/// A unit enum's serde name (`citizens`, `easy_read`).
fn key_of(value: &impl Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The cells one answer fills, as many as [`Question::csv_columns`].
fn answer_cells(question: &Question, answer: Option<&Answer>) -> Vec<String> {
    let blank = || vec![String::new(); question.csv_columns().len()];
    let Some(answer) = answer.filter(|a| !a.is_blank()) else {
        return blank();
    };
    match (&question.kind, answer) {
        (QuestionKind::MultipleChoice { options, .. }, Answer::Choices(chosen)) => options
            .iter()
            .map(|o| if chosen.contains(&o.code) { "1" } else { "0" }.to_owned())
            .collect(),
        (QuestionKind::Battery { scale, items }, Answer::Items(given)) => items
            .iter()
            .map(|item| {
                given
                    .get(&item.code)
                    .and_then(|code| scale.point(code))
                    .map(|p| p.value.to_string())
                    .unwrap_or_default()
            })
            .collect(),
        (
            QuestionKind::Frequency { scale } | QuestionKind::Likert { scale },
            Answer::Choice(code),
        ) => {
            vec![
                scale
                    .point(code)
                    .map(|p| p.value.to_string())
                    .unwrap_or_default(),
            ]
        }
        (QuestionKind::SingleChoice { .. }, Answer::Choice(code)) => vec![code.to_string()],
        (QuestionKind::ZeroToTen { .. }, Answer::Rating(rating)) => vec![rating.to_string()],
        (QuestionKind::Number { .. }, Answer::Number(value)) => vec![value.to_string()],
        (QuestionKind::FreeText { .. }, Answer::Text(text)) => vec![defuse(text)],
        _ => blank(),
    }
}

/// Stops a spreadsheet reading text as a formula.
fn defuse(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// Every question's distribution as rows of
/// `question, item, answer, count, percent, value`: one row per option (per
/// item for batteries) with its count and percent of those who answered;
/// 0–10 ratings add a `mean` row and numbers give `mean`, `min` and `max`
/// in `value`; free text gives one `answered` row.
pub fn results_table(distributions: &[Distribution]) -> Table {
    let header = ["question", "item", "answer", "count", "percent", "value"]
        .iter()
        .map(|c| (*c).to_owned())
        .collect();
    let mut rows = Vec::new();
    for distribution in distributions {
        let question = distribution.question.to_string();
        let row = |item: &str, answer: &str, count: String, percent: String, value: String| {
            vec![
                question.clone(),
                item.to_owned(),
                answer.to_owned(),
                count,
                percent,
                value,
            ]
        };
        let option_rows = |item: &str, options: &[OptionCount]| -> Vec<Vec<String>> {
            options
                .iter()
                .map(|o| {
                    row(
                        item,
                        o.option.as_str(),
                        o.count.to_string(),
                        format!("{:.1}", o.percent),
                        String::new(),
                    )
                })
                .collect()
        };
        let statistic = |name: &str, value: Option<f64>| {
            row(
                "",
                name,
                String::new(),
                String::new(),
                value.map(|v| format!("{v:.2}")).unwrap_or_default(),
            )
        };
        match &distribution.detail {
            Detail::Options { options } => rows.extend(option_rows("", options)),
            Detail::Items { items } => {
                for item in items {
                    rows.extend(option_rows(item.item.as_str(), &item.options));
                }
            }
            Detail::Ratings { counts, mean } => {
                let options: Vec<OptionCount> = (0..=10u8)
                    .zip(counts)
                    .map(|(rating, &count)| OptionCount {
                        option: super::question::known_code(&rating.to_string()),
                        count,
                        percent: percent(count, distribution.answered),
                    })
                    .collect();
                rows.extend(option_rows("", &options));
                rows.push(statistic("mean", mean.mean));
            }
            Detail::Numbers { mean, min, max } => {
                rows.push(statistic("mean", mean.mean));
                rows.push(statistic("min", *min));
                rows.push(statistic("max", *max));
            }
            Detail::Text => rows.push(row(
                "",
                "answered",
                distribution.answered.to_string(),
                String::new(),
                String::new(),
            )),
        }
    }
    Table { header, rows }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surveys::answers::{AnswerSet, Channel};
    use crate::surveys::breakdown::{AgeBand, RespondentFacts, SimdQuintile};
    use crate::surveys::coproduction::Domain;
    use crate::surveys::definition::Section;
    use crate::surveys::question::{Audience, Prompt, Wording, known_code};
    use crate::surveys::results::distributions;
    use crate::surveys::willingness::{WILLINGNESS_QUESTION, willingness_question};

    fn survey() -> Survey {
        let story = Question::new(
            known_code("story"),
            Prompt::same_for_all(Wording::plain("Anything else?")),
            QuestionKind::FreeText { max_chars: 200 },
        );
        Survey::new(
            [Audience::Citizens].into(),
            vec![Section::new(
                Wording::plain("All"),
                vec![Domain::Health.question(), willingness_question(), story],
            )],
        )
        .unwrap()
    }

    fn response(items: &[&str], willing: Option<&str>, story: Option<&str>) -> Response {
        let mut answers = AnswerSet::new();
        if !items.is_empty() {
            answers.insert(
                known_code("health"),
                Answer::Items(
                    items
                        .iter()
                        .zip(1..)
                        .map(|(code, n)| (known_code(&n.to_string()), known_code(code)))
                        .collect(),
                ),
            );
        }
        if let Some(willing) = willing {
            answers.insert(
                known_code(WILLINGNESS_QUESTION),
                Answer::Choice(known_code(willing)),
            );
        }
        if let Some(story) = story {
            answers.insert(known_code("story"), Answer::Text(story.to_owned()));
        }
        Response {
            audience: Audience::Citizens,
            channel: Channel::Paper,
            facts: RespondentFacts {
                area: None,
                simd_quintile: Some(SimdQuintile::parse(2).unwrap()),
                age_band: Some(AgeBand::From75To84),
            },
            answers,
        }
    }

    #[test]
    fn responses_become_rows_the_scorer_can_read() {
        let table = responses_table(
            &survey(),
            &[
                response(
                    &["never", "sometimes", "often", "often"],
                    Some("no"),
                    Some("=SUM(A1)"),
                ),
                response(&["often", "often"], None, None),
            ],
        );
        assert_eq!(
            table.header,
            [
                "audience",
                "channel",
                "area",
                "simd_quintile",
                "age_band",
                "health_1",
                "health_2",
                "health_3",
                "health_4",
                "willing_to_do_more",
                "story"
            ]
        );
        assert_eq!(
            table.rows,
            vec![
                vec![
                    "citizens",
                    "paper",
                    "",
                    "2",
                    "75_84",
                    "0",
                    "1",
                    "2",
                    "2",
                    "no",
                    "'=SUM(A1)"
                ],
                vec![
                    "citizens", "paper", "", "2", "75_84", "2", "2", "", "", "", ""
                ],
            ]
        );
        assert!(table.rows.iter().all(|r| r.len() == table.header.len()));
    }

    #[test]
    fn multiple_choice_options_are_columns_of_ones_and_zeros() {
        use crate::surveys::perception_gap::{NEEDS_QUESTION, needs_survey};
        let chosen = ["making_friends", "help_at_home"].map(known_code);
        let answers = AnswerSet::from([(
            known_code(NEEDS_QUESTION),
            Answer::Choices(chosen.into_iter().collect()),
        )]);
        let response = Response {
            audience: Audience::Staff,
            channel: Channel::Online,
            facts: RespondentFacts::default(),
            answers,
        };
        let table = responses_table(&needs_survey(), &[response]);
        assert_eq!(table.header[5], "needs_most_making_friends");
        assert_eq!(table.rows[0][..2], ["staff", "online"]);
        assert_eq!(table.rows[0][5..], ["1", "0", "0", "0", "0", "1"]);
    }

    #[test]
    fn results_rows_round_for_reading() {
        // Three answered health item 1: never, often, often → 33.3% and
        // 66.7%; item 3 was answered by two people, one each way.
        let responses = [
            response(
                &["never", "never", "never", "never"],
                Some("few_hours_week"),
                None,
            ),
            response(&["often", "often", "often", "often"], None, Some("Thanks")),
            response(&["often", "sometimes"], Some("no"), None),
        ];
        let survey = survey();
        let table = results_table(&distributions(&survey, &responses));
        let find = |question: &str, item: &str, answer: &str| {
            table
                .rows
                .iter()
                .find(|r| r[0] == question && r[1] == item && r[2] == answer)
                .cloned()
                .unwrap()
        };
        assert_eq!(find("health", "1", "often")[3..5], ["2", "66.7"]);
        assert_eq!(find("health", "1", "never")[3..5], ["1", "33.3"]);
        assert_eq!(find("health", "3", "often")[3..5], ["1", "50.0"]);
        assert_eq!(find("willing_to_do_more", "", "no")[3..5], ["1", "50.0"]);
        assert_eq!(find("story", "", "answered")[3], "1");
        let code_count = table.rows.iter().filter(|r| r[0] == "health").count();
        assert_eq!(code_count, 4 * 3);
    }
}

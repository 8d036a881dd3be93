//! Willingness to do more: the unused time people would give, and what it
//! adds up to in hours a month.
//!
//! The question offers three answers — no, a few hours a month, a few hours
//! a week — because people answer that honestly where they would not name
//! an exact number. Turning the answers into hours needs an assumption
//! about what "a few" means; [`HoursAssumption`] makes it explicit and
//! changeable, and every result carries the assumption it used.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::answers::{Answer, Response, Visibility};
use super::definition::{Section, Survey};
use super::question::{
    Audience, Choice, Code, Prompt, Question, QuestionKind, Wording, known_code,
};
use super::statistics::count_as_f64;

/// The question id of the willingness question.
pub const WILLINGNESS_QUESTION: &str = "willing_to_do_more";

/// Average weeks in a month: 52 weeks ÷ 12 months.
const WEEKS_PER_MONTH: f64 = 52.0 / 12.0;

/// An answer to the willingness question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Willingness {
    No,
    FewHoursAMonth,
    FewHoursAWeek,
}

impl Willingness {
    pub const ALL: [Willingness; 3] = [
        Willingness::No,
        Willingness::FewHoursAMonth,
        Willingness::FewHoursAWeek,
    ];

    /// The option code in the survey.
    pub const fn code(self) -> &'static str {
        match self {
            Willingness::No => "no",
            Willingness::FewHoursAMonth => "few_hours_month",
            Willingness::FewHoursAWeek => "few_hours_week",
        }
    }

    pub fn from_code(code: &Code) -> Option<Self> {
        Self::ALL.into_iter().find(|w| w.code() == code.as_str())
    }

    fn label(self) -> Wording {
        match self {
            Willingness::No => Wording::with_easy_read("No", "No"),
            Willingness::FewHoursAMonth => {
                Wording::with_easy_read("Yes, a few hours a month", "Yes, a few hours each month")
            }
            Willingness::FewHoursAWeek => {
                Wording::with_easy_read("Yes, a few hours a week", "Yes, a few hours each week")
            }
        }
    }
}

/// The willingness question: the same meaning for citizens and staff, in
/// words that fit each.
pub fn willingness_question() -> Question {
    let prompt = Prompt::same_for_all(Wording::with_easy_read(
        "Would you be willing to give more of your time to help in your area, or to help make local services better?",
        "Would you like to help more in your area?",
    ))
    .for_audience(
        Audience::Staff,
        Wording::plain(
            "Would you be willing to give more of your time to working alongside the people who use your service?",
        ),
    );
    Question::new(
        known_code(WILLINGNESS_QUESTION),
        prompt,
        QuestionKind::SingleChoice {
            options: Willingness::ALL
                .into_iter()
                .map(|w| Choice {
                    code: known_code(w.code()),
                    label: w.label(),
                })
                .collect(),
        },
    )
}

/// A section holding the willingness question alone.
pub fn willingness_section() -> Section {
    Section::new(
        Wording::with_easy_read("Doing more", "Helping more"),
        vec![willingness_question()],
    )
}

/// A survey of the willingness question alone, for citizens and staff.
pub fn willingness_survey() -> Survey {
    Survey::built_in(
        [Audience::Citizens, Audience::Staff].into(),
        vec![willingness_section()],
    )
}

/// What "a few hours" is taken to mean. An assumption, not a measurement:
/// pages show it beside every total so readers can judge it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HoursAssumption {
    /// Hours a month for "a few hours a month".
    pub few_hours_a_month: f64,
    /// Hours a week for "a few hours a week"; a month has 52 ∕ 12 weeks.
    pub few_hours_a_week: f64,
}

impl Default for HoursAssumption {
    /// "A few" is taken as three: 3 hours a month, and 3 hours a week,
    /// which is 3 × 52 ∕ 12 = 13 hours a month. Three is the smallest
    /// number people usually mean by "a few", so the totals lean low.
    fn default() -> Self {
        Self {
            few_hours_a_month: 3.0,
            few_hours_a_week: 3.0,
        }
    }
}

impl HoursAssumption {
    /// The hours a month an answer stands for.
    pub fn hours_per_month(&self, answer: Willingness) -> f64 {
        match answer {
            Willingness::No => 0.0,
            Willingness::FewHoursAMonth => self.few_hours_a_month,
            Willingness::FewHoursAWeek => self.few_hours_a_week * WEEKS_PER_MONTH,
        }
    }
}

/// The time respondents would give, added up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WillingnessPotential {
    pub assumption: HoursAssumption,
    /// Respondents who answered the question.
    pub respondents: u64,
    /// How many gave each answer; every answer is present.
    pub answers: BTreeMap<Willingness, u64>,
    /// Hours a month the respondents would give between them.
    pub hours_per_month: f64,
    /// The same per respondent; `None` when nobody answered.
    pub hours_per_month_per_respondent: Option<f64>,
    /// Hours a month across a population of the size given, if the
    /// respondents were like that population. Surveys tend to reach the
    /// already willing, so treat this as an upper figure.
    pub hours_per_month_across_population: Option<f64>,
}

/// Adds up the willingness answers of `responses` (answers to the question
/// when it was not shown, or not one of its options, are left out), and
/// scales the mean to `population` people when a population is given.
pub fn willingness_potential<'a>(
    survey: &Survey,
    responses: impl IntoIterator<Item = &'a Response>,
    assumption: HoursAssumption,
    population: Option<u64>,
) -> WillingnessPotential {
    let id = known_code(WILLINGNESS_QUESTION);
    let visibility = Visibility::of(survey);
    let position = survey.position(&id);
    let mut answers: BTreeMap<Willingness, u64> =
        Willingness::ALL.into_iter().map(|w| (w, 0)).collect();
    for response in responses {
        let Some(Answer::Choice(code)) = response.answers.get(&id) else {
            continue;
        };
        let Some(answer) = Willingness::from_code(code) else {
            continue;
        };
        if position.is_some_and(|at| visibility.is_shown(at, &response.answers)) {
            *answers.entry(answer).or_default() += 1;
        }
    }
    let respondents: u64 = answers.values().sum();
    let hours_per_month: f64 = answers
        .iter()
        .map(|(&answer, &count)| count_as_f64(count) * assumption.hours_per_month(answer))
        .sum();
    let per_respondent = (respondents > 0).then(|| hours_per_month / count_as_f64(respondents));
    WillingnessPotential {
        assumption,
        respondents,
        answers,
        hours_per_month,
        hours_per_month_per_respondent: per_respondent,
        hours_per_month_across_population: per_respondent
            .zip(population)
            .map(|(mean, people)| mean * count_as_f64(people)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surveys::answers::{AnswerSet, Channel};

    fn reply(audience: Audience, code: &str) -> Response {
        Response {
            audience,
            channel: Channel::Paper,
            facts: crate::surveys::breakdown::RespondentFacts::default(),
            answers: AnswerSet::from([(
                known_code(WILLINGNESS_QUESTION),
                Answer::Choice(known_code(code)),
            )]),
        }
    }

    #[test]
    fn the_assumption_converts_answers_to_hours_a_month() {
        let assumption = HoursAssumption::default();
        assert!(assumption.hours_per_month(Willingness::No).abs() < f64::EPSILON);
        assert!((assumption.hours_per_month(Willingness::FewHoursAMonth) - 3.0).abs() < 1e-12);
        assert!((assumption.hours_per_month(Willingness::FewHoursAWeek) - 13.0).abs() < 1e-12);
    }

    #[test]
    fn the_seed_shares_add_up_by_hand() {
        // 29 would not do more, 43 a few hours a month, 28 a few hours a
        // week (DOMAIN.md). Hours: 43 × 3 + 28 × 13 = 129 + 364 = 493 a
        // month, 4.93 per respondent; for 2,000 people 9,860 hours.
        let survey = willingness_survey();
        let mut responses = Vec::new();
        for (code, count) in [("no", 29), ("few_hours_month", 43), ("few_hours_week", 28)] {
            responses.extend((0..count).map(|_| reply(Audience::Citizens, code)));
        }
        responses.push(reply(Audience::Citizens, "maybe"));
        let potential =
            willingness_potential(&survey, &responses, HoursAssumption::default(), Some(2_000));
        assert_eq!(potential.respondents, 100);
        assert_eq!(potential.answers[&Willingness::FewHoursAWeek], 28);
        assert!((potential.hours_per_month - 493.0).abs() < 1e-9);
        assert!((potential.hours_per_month_per_respondent.unwrap() - 4.93).abs() < 1e-12);
        assert!((potential.hours_per_month_across_population.unwrap() - 9_860.0).abs() < 1e-6);
    }

    #[test]
    fn nobody_answering_gives_no_mean() {
        let survey = willingness_survey();
        let potential = willingness_potential(&survey, &[], HoursAssumption::default(), Some(10));
        assert_eq!(potential.respondents, 0);
        assert_eq!(potential.hours_per_month_per_respondent, None);
        assert_eq!(potential.hours_per_month_across_population, None);
    }

    #[test]
    fn staff_are_asked_in_their_own_words() {
        use crate::surveys::question::Reading;
        let question = willingness_question();
        let staff = question.prompt.text(Audience::Staff, Reading::Standard);
        let citizens = question.prompt.text(Audience::Citizens, Reading::Standard);
        assert_ne!(staff, citizens);
        assert!(staff.contains("your service"));
    }
}

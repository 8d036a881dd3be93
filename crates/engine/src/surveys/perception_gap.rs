//! The perception gap: what people say they need beside what staff think
//! they need.
//!
//! Both audiences answer the same question with the same options, phrased
//! for each. For every option the analysis gives its share among citizens
//! and among staff, its rank in each list, and the difference in percentage
//! points, and marks the option where the two sides are furthest apart.
//!
//! A share is the number of respondents in the audience who chose the
//! option, divided by the number in that audience who answered the
//! question; with a multiple-choice question the shares of one audience can
//! add up to more than 100%. Ranks are standard competition ranks ("1, 2,
//! 2, 4"): options with equal shares share a rank. If either audience has
//! fewer respondents than the anonymity threshold, no gap is shown, because
//! a share among three people is close to telling what each one said.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::answers::{Answer, Response, Visibility};
use super::breakdown::MIN_CELL_RESPONDENTS;
use super::definition::{Section, Survey};
use super::question::{
    Audience, Choice, Code, Prompt, Question, QuestionKind, Wording, known_code,
};
use super::statistics::count_as_f64;

/// The question id of the built-in needs question.
pub const NEEDS_QUESTION: &str = "needs_most";

/// The built-in needs question: a multiple choice put to citizens and staff
/// in their own words, with options written for coprod.
pub fn needs_question() -> Question {
    let options = [
        (
            "making_friends",
            "Meeting people and making friends",
            "Making friends",
        ),
        (
            "talking_things_through",
            "Someone to talk to about personal things",
            "Someone to talk to",
        ),
        (
            "information_services",
            "Information about the services there are",
            "Finding out about services",
        ),
        (
            "information_support",
            "Information about the help and support on offer",
            "Finding out about help",
        ),
        (
            "getting_out",
            "Help getting out and about",
            "Help to get out",
        ),
        (
            "help_at_home",
            "Help with jobs around the home",
            "Help at home",
        ),
    ];
    let prompt = Prompt::same_for_all(Wording::with_easy_read(
        "Which of these would help you most? Choose as many as you like.",
        "What help would you like? You can choose more than one.",
    ))
    .for_audience(
        Audience::Staff,
        Wording::plain(
            "Which of these do you think would help the people who use your service most? Choose as many as you like.",
        ),
    );
    Question::new(
        known_code(NEEDS_QUESTION),
        prompt,
        QuestionKind::MultipleChoice {
            options: options
                .into_iter()
                .map(|(code, label, easy)| Choice {
                    code: known_code(code),
                    label: Wording::with_easy_read(label, easy),
                })
                .collect(),
            max_choices: None,
        },
    )
}

/// The two-sided needs survey, for citizens and staff.
pub fn needs_survey() -> Survey {
    Survey::built_in(
        [Audience::Citizens, Audience::Staff].into(),
        vec![Section::new(
            Wording::with_easy_read("What would help", "What would help"),
            vec![needs_question()],
        )],
    )
}

/// How many in one audience chose an option.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Share {
    pub chose: u64,
    pub answered: u64,
    /// 100 × chose ∕ answered, unrounded.
    pub percent: f64,
    /// 1 for the most chosen option in this audience.
    pub rank: usize,
}

/// One option, seen from both sides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapRow {
    pub option: Code,
    pub citizens: Share,
    pub staff: Share,
    /// Citizens' percent minus staff's percent: positive where people want
    /// something more than staff think.
    pub difference_points: f64,
    /// True for the option (or options, when tied) with the largest
    /// difference either way.
    pub largest_gap: bool,
}

/// The perception gap for one question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PerceptionGap {
    /// Rows in the order of the citizens' ranking (then the staff's, then
    /// the question's order).
    Shown { rows: Vec<GapRow> },
    /// These audiences had fewer respondents than the anonymity threshold.
    Suppressed { too_few: BTreeSet<Audience> },
}

/// Why there is no gap to work out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GapError {
    #[error("the survey has no question {0}")]
    UnknownQuestion(Code),
    #[error("question {0} is not answered by choosing options")]
    NotAChoiceQuestion(Code),
}

/// Works out the perception gap for a single- or multiple-choice question.
pub fn perception_gap<'a>(
    survey: &Survey,
    question: &Code,
    responses: impl IntoIterator<Item = &'a Response>,
) -> Result<PerceptionGap, GapError> {
    let found = survey
        .question(question)
        .ok_or_else(|| GapError::UnknownQuestion(question.clone()))?;
    let options: Vec<&Code> = match &found.kind {
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options, .. } => {
            options.iter().map(|o: &Choice| &o.code).collect()
        }
        _ => return Err(GapError::NotAChoiceQuestion(question.clone())),
    };

    let visibility = Visibility::of(survey);
    let position = survey.position(question);
    let mut citizens = Tally::new(options.len());
    let mut staff = Tally::new(options.len());
    for response in responses {
        let Some(answer) = response.answers.get(question).filter(|a| !a.is_blank()) else {
            continue;
        };
        if !position.is_some_and(|at| visibility.is_shown(at, &response.answers)) {
            continue;
        }
        let tally = match response.audience {
            Audience::Citizens => &mut citizens,
            Audience::Staff => &mut staff,
        };
        tally.add(&options, answer);
    }

    let too_few: BTreeSet<Audience> = [(Audience::Citizens, &citizens), (Audience::Staff, &staff)]
        .into_iter()
        .filter(|(_, tally)| tally.answered < MIN_CELL_RESPONDENTS)
        .map(|(audience, _)| audience)
        .collect();
    if !too_few.is_empty() {
        return Ok(PerceptionGap::Suppressed { too_few });
    }

    let citizen_shares = citizens.shares();
    let staff_shares = staff.shares();
    let mut rows: Vec<GapRow> = options
        .iter()
        .zip(citizen_shares.into_iter().zip(staff_shares))
        .map(|(&option, (citizens, staff))| GapRow {
            option: option.clone(),
            citizens,
            staff,
            difference_points: citizens.percent - staff.percent,
            largest_gap: false,
        })
        .collect();
    let largest = rows
        .iter()
        .map(|r| r.difference_points.abs())
        .fold(0.0_f64, f64::max);
    for row in &mut rows {
        // Exact comparison is right: equal counts give bit-equal results.
        #[expect(clippy::float_cmp, reason = "ties come from identical arithmetic")]
        let is_largest = row.difference_points.abs() == largest;
        row.largest_gap = is_largest && largest > 0.0;
    }
    // A stable sort keeps the question's order among full ties.
    rows.sort_by_key(|r| (r.citizens.rank, r.staff.rank));
    Ok(PerceptionGap::Shown { rows })
}

/// Choices counted for one audience, in the question's option order.
struct Tally {
    answered: u64,
    chose: Vec<u64>,
}

impl Tally {
    fn new(options: usize) -> Self {
        Self {
            answered: 0,
            chose: vec![0; options],
        }
    }

    /// Counts one answer; codes the question does not offer are ignored.
    fn add(&mut self, options: &[&Code], answer: &Answer) {
        let picked: Vec<&Code> = match answer {
            Answer::Choice(code) => vec![code],
            Answer::Choices(codes) => codes.iter().collect(),
            _ => return,
        };
        self.answered += 1;
        for code in picked {
            if let Some(at) = options.iter().position(|o| *o == code) {
                self.chose[at] += 1;
            }
        }
    }

    fn shares(&self) -> Vec<Share> {
        self.chose
            .iter()
            .map(|&chose| Share {
                chose,
                answered: self.answered,
                percent: 100.0 * count_as_f64(chose) / count_as_f64(self.answered),
                // Competition rank: one more than the options chosen more.
                rank: 1 + self.chose.iter().filter(|&&other| other > chose).count(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surveys::answers::{AnswerSet, Channel};

    fn answer(audience: Audience, chosen: &[&str]) -> Response {
        Response {
            audience,
            channel: Channel::Online,
            facts: crate::surveys::breakdown::RespondentFacts::default(),
            answers: AnswerSet::from([(
                known_code(NEEDS_QUESTION),
                Answer::Choices(chosen.iter().map(|c| known_code(c)).collect()),
            )]),
        }
    }

    /// `count` respondents of `audience`; each option is chosen by the
    /// number of people given, taken as consecutive blocks round the
    /// circle of respondents so that everyone chooses something.
    fn audience_of(audience: Audience, count: usize, chosen_by: &[(&str, usize)]) -> Vec<Response> {
        let starts: Vec<usize> = chosen_by
            .iter()
            .scan(0, |start, (_, n)| {
                let this = *start;
                *start += n;
                Some(this)
            })
            .collect();
        (0..count)
            .map(|person| {
                let chosen: Vec<&str> = chosen_by
                    .iter()
                    .zip(&starts)
                    .filter(|((_, n), start)| (person + count - *start % count) % count < *n)
                    .map(|((code, _), _)| *code)
                    .collect();
                assert!(!chosen.is_empty(), "person {person} chose nothing");
                answer(audience, &chosen)
            })
            .collect()
    }

    #[test]
    fn the_seed_finding_by_hand() {
        // DOMAIN.md: staff said information about services 64%, support
        // 54%, making friends 36%, talking 18%; people said making friends
        // 91%, talking 62%, services 53%, support 47%. With 100 on each
        // side every count is its percent.
        let mut responses = audience_of(
            Audience::Citizens,
            100,
            &[
                ("making_friends", 91),
                ("talking_things_through", 62),
                ("information_services", 53),
                ("information_support", 47),
            ],
        );
        responses.extend(audience_of(
            Audience::Staff,
            100,
            &[
                ("information_services", 64),
                ("information_support", 54),
                ("making_friends", 36),
                ("talking_things_through", 18),
            ],
        ));
        let gap = perception_gap(&needs_survey(), &known_code(NEEDS_QUESTION), &responses).unwrap();
        let PerceptionGap::Shown { rows } = gap else {
            panic!("expected a gap, got {gap:?}");
        };
        let summary: Vec<(&str, usize, usize, f64, bool)> = rows
            .iter()
            .map(|r| {
                (
                    r.option.as_str(),
                    r.citizens.rank,
                    r.staff.rank,
                    r.difference_points,
                    r.largest_gap,
                )
            })
            .collect();
        // making friends 91 − 36 = +55 (the largest); talking 62 − 18 =
        // +44; services 53 − 64 = −11; support 47 − 54 = −7. The two
        // options nobody chose tie at rank 5 on both sides.
        assert_eq!(
            summary,
            vec![
                ("making_friends", 1, 3, 55.0, true),
                ("talking_things_through", 2, 4, 44.0, false),
                ("information_services", 3, 1, -11.0, false),
                ("information_support", 4, 2, -7.0, false),
                ("getting_out", 5, 5, 0.0, false),
                ("help_at_home", 5, 5, 0.0, false),
            ]
        );
        assert_eq!(rows[0].citizens.answered, 100);
        assert!((rows[0].citizens.percent - 91.0).abs() < 1e-12);
    }

    #[test]
    fn shares_are_of_those_who_answered() {
        // 6 citizens: 3 chose making friends, 1 chose nothing (not
        // counted), so 3 of 5 = 60%. 5 staff: 1 chose it = 20%.
        let mut responses = vec![
            answer(Audience::Citizens, &["making_friends"]),
            answer(Audience::Citizens, &["making_friends", "getting_out"]),
            answer(Audience::Citizens, &["making_friends"]),
            answer(Audience::Citizens, &["getting_out"]),
            answer(Audience::Citizens, &["help_at_home"]),
            answer(Audience::Citizens, &[]),
        ];
        responses.push(answer(Audience::Staff, &["making_friends"]));
        responses.extend((0..4).map(|_| answer(Audience::Staff, &["information_services"])));
        let PerceptionGap::Shown { rows } =
            perception_gap(&needs_survey(), &known_code(NEEDS_QUESTION), &responses).unwrap()
        else {
            panic!("expected a gap");
        };
        let friends = rows
            .iter()
            .find(|r| r.option.as_str() == "making_friends")
            .unwrap();
        assert_eq!((friends.citizens.chose, friends.citizens.answered), (3, 5));
        assert!((friends.citizens.percent - 60.0).abs() < 1e-12);
        assert!((friends.difference_points - 40.0).abs() < 1e-12);
        // Staff: services 80% − citizens 0% = −80, the largest gap.
        let services = rows
            .iter()
            .find(|r| r.option.as_str() == "information_services")
            .unwrap();
        assert!(services.largest_gap);
        assert!(!friends.largest_gap);
    }

    #[test]
    fn small_audiences_are_not_shown() {
        let mut responses: Vec<Response> = (0..20)
            .map(|_| answer(Audience::Citizens, &["making_friends"]))
            .collect();
        responses.extend((0..4).map(|_| answer(Audience::Staff, &["getting_out"])));
        let gap = perception_gap(&needs_survey(), &known_code(NEEDS_QUESTION), &responses).unwrap();
        assert_eq!(
            gap,
            PerceptionGap::Suppressed {
                too_few: BTreeSet::from([Audience::Staff])
            }
        );
    }

    #[test]
    fn only_choice_questions_have_a_gap() {
        let survey = crate::surveys::coproduction::coproduction_survey();
        assert_eq!(
            perception_gap(&survey, &known_code("health"), &[]),
            Err(GapError::NotAChoiceQuestion(known_code("health")))
        );
        assert_eq!(
            perception_gap(&survey, &known_code("nothing"), &[]),
            Err(GapError::UnknownQuestion(known_code("nothing")))
        );
    }
}

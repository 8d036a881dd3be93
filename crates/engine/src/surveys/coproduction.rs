//! The co-production survey and its index.
//!
//! People are asked how often they do everyday things that help public
//! services work — locking up, recycling, keeping active, looking out for a
//! neighbour — in three domains: community safety, the local environment
//! and health. For each domain the answers are min–max scaled to 0–100:
//! 0 when every item is answered with the lowest point of the scale
//! ("never"), 100 when every item is answered with the highest ("often").
//! The index shows how much co-production already happens, before anyone
//! asks people to do more.
//!
//! The item wording here is written for coprod in plain language.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::answers::{Answer, AnswerSet, Response, Visibility};
use super::breakdown::{GroupCell, Grouping, RespondentFacts, breakdown};
use super::definition::{Section, Survey};
use super::question::{
    Audience, BatteryItem, Code, Prompt, Question, QuestionKind, Scale, Wording, known_code,
};
use super::statistics::{MeanEstimate, RunningMean};

/// A domain of everyday co-production.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Domain {
    CommunitySafety,
    LocalEnvironment,
    Health,
}

/// `(standard, easy-read)` wording of one item.
type ItemText = (&'static str, &'static str);

impl Domain {
    pub const ALL: [Domain; 3] = [
        Domain::CommunitySafety,
        Domain::LocalEnvironment,
        Domain::Health,
    ];

    /// The machine name: the battery's question id, the key in JSON, and
    /// the stem of the CSV columns `<domain>_<n>`.
    pub const fn key(self) -> &'static str {
        match self {
            Domain::CommunitySafety => "community_safety",
            Domain::LocalEnvironment => "local_environment",
            Domain::Health => "health",
        }
    }

    /// The domain with this machine name.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.key() == key)
    }

    /// The question id of this domain's battery.
    pub fn question_id(self) -> Code {
        known_code(self.key())
    }

    fn stem(self) -> ItemText {
        match self {
            Domain::CommunitySafety => (
                "How often do you do these things to help keep your area safe?",
                "How often do you do these things to keep your area safe?",
            ),
            Domain::LocalEnvironment => (
                "How often do you do these things to look after your local area?",
                "How often do you do these things to look after your area?",
            ),
            Domain::Health => (
                "How often do you do these things to stay well, or to help other people stay well?",
                "How often do you do these things to stay well or help others?",
            ),
        }
    }

    fn items(self) -> [ItemText; 4] {
        match self {
            Domain::CommunitySafety => [
                (
                    "Lock your doors and windows when you go out",
                    "Lock your doors and windows when you go out",
                ),
                (
                    "Keep an eye on a neighbour's home while they are away",
                    "Look after a neighbour's home when they are away",
                ),
                (
                    "Tell the police or the council when you see a crime or something that worries you",
                    "Tell the police or the council about a crime",
                ),
                (
                    "Take part in a group that helps keep the area safe, such as a community watch",
                    "Join a group that helps keep your area safe",
                ),
            ],
            Domain::LocalEnvironment => [
                (
                    "Sort your rubbish so that it can be recycled",
                    "Sort your rubbish for recycling",
                ),
                (
                    "Save energy at home, for example by switching off lights and heating you do not need",
                    "Switch off lights and heating you do not need",
                ),
                (
                    "Help keep your street, park or other green space clean and tidy",
                    "Help keep your street or park tidy",
                ),
                (
                    "Walk, cycle, take the bus or share a lift instead of driving on your own",
                    "Walk, cycle or take the bus instead of driving",
                ),
            ],
            Domain::Health => [
                (
                    "Eat healthy food such as fruit and vegetables",
                    "Eat fruit and vegetables",
                ),
                (
                    "Keep active, for example by walking, dancing or gardening",
                    "Keep active, like walking or gardening",
                ),
                (
                    "Go to a group that helps people stay well, such as a walking group or a support group",
                    "Go to a group that helps people stay well",
                ),
                (
                    "Help someone who is unwell or frail, for example with shopping or a lift to an appointment",
                    "Help someone who is ill or frail",
                ),
            ],
        }
    }

    /// This domain's battery: the items numbered from 1, answered on the
    /// never / sometimes / often scale. Not required, so nobody is forced
    /// to answer; a respondent who skips an item has no index for the
    /// domain.
    pub fn question(self) -> Question {
        let (stem, easy_stem) = self.stem();
        let items = self
            .items()
            .iter()
            .zip(1..)
            .map(|(&(standard, easy), number)| BatteryItem {
                code: known_code(&number.to_string()),
                prompt: Prompt::same_for_all(Wording::with_easy_read(standard, easy)),
            })
            .collect();
        Question::new(
            self.question_id(),
            Prompt::same_for_all(Wording::with_easy_read(stem, easy_stem)),
            QuestionKind::Battery {
                scale: Scale::frequency(),
                items,
            },
        )
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The co-production section: one battery per domain.
pub fn coproduction_section() -> Section {
    let mut section = Section::new(
        Wording::with_easy_read("Things you do in your area", "Things you do"),
        Domain::ALL.into_iter().map(Domain::question).collect(),
    );
    section.introduction = Some(Wording::with_easy_read(
        "Public services work better when people play their part. Tell us how often you do each of these things. There are no right or wrong answers.",
        "Tell us how often you do these things. There are no right or wrong answers.",
    ));
    section
}

/// The co-production survey for citizens: the three domains, then whether
/// they would do more (see [`super::willingness`]).
pub fn coproduction_survey() -> Survey {
    Survey::built_in(
        BTreeSet::from([Audience::Citizens]),
        vec![
            coproduction_section(),
            super::willingness::willingness_section(),
        ],
    )
}

/// Why a set of item values has no index.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    #[error("there are no items to score")]
    NoItems,
    #[error("the scale's lowest value must be below its highest")]
    EmptyScale,
    /// `item` counts from 1.
    #[error("item {item} is {value}, outside {lowest}–{highest}")]
    OutOfRange {
        item: usize,
        value: i32,
        lowest: i32,
        highest: i32,
    },
}

/// The min–max index of item values on a scale from `lowest` to `highest`:
/// 100 × (sum − items × lowest) ∕ (items × (highest − lowest)).
///
/// The subtraction and products are exact integers; the one division is
/// the only rounding, so all-lowest is exactly 0 and all-highest exactly
/// 100.
pub fn min_max_index(values: &[i32], lowest: i32, highest: i32) -> Result<f64, IndexError> {
    if values.is_empty() {
        return Err(IndexError::NoItems);
    }
    if lowest >= highest {
        return Err(IndexError::EmptyScale);
    }
    if let Some((position, &value)) = values
        .iter()
        .enumerate()
        .find(|(_, v)| !(lowest..=highest).contains(*v))
    {
        return Err(IndexError::OutOfRange {
            item: position + 1,
            value,
            lowest,
            highest,
        });
    }
    let above_lowest: i64 = values
        .iter()
        .map(|&v| i64::from(v) - i64::from(lowest))
        .sum();
    Ok(scaled_to_100(above_lowest, values.len(), lowest, highest))
}

/// 100 × `above_lowest` ∕ (items × (highest − lowest)), for checked values.
fn scaled_to_100(above_lowest: i64, items: usize, lowest: i32, highest: i32) -> f64 {
    let widest =
        i64::try_from(items).unwrap_or(i64::MAX) * (i64::from(highest) - i64::from(lowest));
    100.0 * exact_f64(above_lowest) / exact_f64(widest)
}

/// An integer as a float; the sums here are far below 2⁵³.
#[expect(
    clippy::cast_precision_loss,
    reason = "item sums are far below 2^53, where every integer is exact"
)]
fn exact_f64(value: i64) -> f64 {
    value as f64
}

/// The min–max index of one battery answer, or `None` when an item is
/// unanswered or answered off the scale (the index is defined only over
/// every item).
pub fn battery_index(question: &Question, answer: &Answer) -> Option<f64> {
    let (QuestionKind::Battery { scale, items }, Answer::Items(given)) = (&question.kind, answer)
    else {
        return None;
    };
    let (lowest, highest) = scale.value_range()?;
    if items.is_empty() || lowest >= highest {
        return None;
    }
    let mut above_lowest = 0_i64;
    for item in items {
        let value = scale.point(given.get(&item.code)?)?.value;
        above_lowest += i64::from(value) - i64::from(lowest);
    }
    Some(scaled_to_100(above_lowest, items.len(), lowest, highest))
}

/// The domain batteries a survey holds, found once for many respondents.
struct DomainBatteries<'a> {
    visibility: Visibility<'a>,
    /// Each domain the survey asks about, with its battery's position.
    batteries: Vec<(Domain, usize, &'a Question)>,
}

impl<'a> DomainBatteries<'a> {
    fn of(survey: &'a Survey) -> Self {
        let batteries = Domain::ALL
            .into_iter()
            .filter_map(|domain| {
                let id = domain.question_id();
                Some((domain, survey.position(&id)?, survey.question(&id)?))
            })
            .collect();
        Self {
            visibility: Visibility::of(survey),
            batteries,
        }
    }

    fn indices(&self, answers: &AnswerSet) -> impl Iterator<Item = (Domain, f64)> {
        let shown = self.visibility.flags(answers);
        self.batteries
            .iter()
            .filter(move |(_, position, _)| shown.get(*position).copied().unwrap_or(false))
            .filter_map(|&(domain, _, question)| {
                Some((domain, battery_index(question, answers.get(&question.id)?)?))
            })
    }
}

/// One respondent's index per domain; a domain is absent when its battery
/// is missing from the survey, was not shown, or was not fully answered.
pub fn respondent_indices(survey: &Survey, answers: &AnswerSet) -> BTreeMap<Domain, f64> {
    DomainBatteries::of(survey).indices(answers).collect()
}

/// The mean index per domain over the respondents who have one, with its
/// 95% t-interval kept within 0–100 (see [`super::statistics`]). Every
/// domain is present, with `n` = 0 when nobody has an index for it.
pub fn domain_indices<'a>(
    survey: &Survey,
    responses: impl IntoIterator<Item = &'a Response>,
) -> BTreeMap<Domain, MeanEstimate> {
    let batteries = DomainBatteries::of(survey);
    let mut running: BTreeMap<Domain, RunningMean> = Domain::ALL
        .into_iter()
        .map(|d| (d, RunningMean::default()))
        .collect();
    for response in responses {
        for (domain, index) in batteries.indices(&response.answers) {
            if let Some(mean) = running.get_mut(&domain) {
                mean.add(index);
            }
        }
    }
    running
        .into_iter()
        .map(|(domain, mean)| (domain, mean.estimate().within(0.0, 100.0)))
        .collect()
}

/// The mean index per domain broken down by `grouping`, each group's mean
/// with its interval, and groups under the anonymity threshold withheld
/// (see [`super::breakdown`]). A respondent counts in a domain's groups
/// only if they have an index for that domain.
pub fn domain_indices_by<'a>(
    survey: &Survey,
    responses: impl IntoIterator<Item = &'a Response>,
    grouping: Grouping,
) -> BTreeMap<Domain, Vec<GroupCell<MeanEstimate>>> {
    let batteries = DomainBatteries::of(survey);
    let mut per_domain: BTreeMap<Domain, Vec<(&RespondentFacts, f64)>> =
        Domain::ALL.into_iter().map(|d| (d, Vec::new())).collect();
    for response in responses {
        for (domain, index) in batteries.indices(&response.answers) {
            per_domain
                .entry(domain)
                .or_default()
                .push((&response.facts, index));
        }
    }
    per_domain
        .into_iter()
        .map(|(domain, rows)| {
            let cells = breakdown(rows, grouping, |indices: &[f64]| {
                MeanEstimate::of(indices.iter().copied()).within(0.0, 100.0)
            });
            (domain, cells)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surveys::answers::Channel;
    use crate::surveys::answers::check_answers;
    use proptest::prelude::*;

    fn battery_answer(codes: &[&str]) -> Answer {
        Answer::Items(
            codes
                .iter()
                .zip(1..)
                .map(|(c, n)| (known_code(&n.to_string()), known_code(c)))
                .collect(),
        )
    }

    fn response(per_domain: [&[&str]; 3]) -> Response {
        let answers = Domain::ALL
            .into_iter()
            .zip(per_domain)
            .filter(|(_, codes)| !codes.is_empty())
            .map(|(domain, codes)| (domain.question_id(), battery_answer(codes)))
            .collect();
        Response {
            audience: Audience::Citizens,
            channel: Channel::Online,
            facts: crate::surveys::breakdown::RespondentFacts::default(),
            answers,
        }
    }

    #[test]
    fn the_built_in_survey_is_valid_and_answerable() {
        let survey = coproduction_survey();
        assert_eq!(survey.questions().count(), 4);
        let all_often = response([&["often"; 4], &["often"; 4], &["often"; 4]]);
        assert_eq!(check_answers(&survey, &all_often.answers), Ok(()));
        for domain in Domain::ALL {
            assert_eq!(Domain::from_key(domain.key()), Some(domain));
        }
    }

    #[test]
    fn hand_worked_indices() {
        // Four items on 0–2, so the widest sum above the lowest is 8.
        // never, sometimes, often, often → 0+1+2+2 = 5 → 100 × 5/8 = 62.5
        assert_eq!(min_max_index(&[0, 1, 2, 2], 0, 2), Ok(62.5));
        // A 1–5 scale, three items: 2, 3, 5 → (1+2+4)/(3×4) = 7/12 → 58.333…
        let index = min_max_index(&[2, 3, 5], 1, 5).unwrap();
        assert!((index - 700.0 / 12.0).abs() < 1e-12);
        assert_eq!(min_max_index(&[0; 4], 0, 2), Ok(0.0));
        assert_eq!(min_max_index(&[2; 4], 0, 2), Ok(100.0));
    }

    #[test]
    fn values_off_the_scale_have_no_index() {
        assert_eq!(min_max_index(&[], 0, 2), Err(IndexError::NoItems));
        assert_eq!(min_max_index(&[1], 2, 2), Err(IndexError::EmptyScale));
        assert_eq!(
            min_max_index(&[0, 3], 0, 2),
            Err(IndexError::OutOfRange {
                item: 2,
                value: 3,
                lowest: 0,
                highest: 2
            })
        );
    }

    #[test]
    fn a_respondent_scores_only_fully_answered_domains() {
        let survey = coproduction_survey();
        let person = response([
            &["never", "sometimes", "often", "often"],
            &["often", "often", "sometimes"],
            &["never", "never", "never", "sometimes"],
        ]);
        let indices = respondent_indices(&survey, &person.answers);
        assert_eq!(
            indices,
            BTreeMap::from([(Domain::CommunitySafety, 62.5), (Domain::Health, 12.5)])
        );
    }

    #[test]
    fn domain_means_come_with_an_interval() {
        let survey = coproduction_survey();
        // Safety indices 62.5, 12.5, 100 and 0: mean 175/4 = 43.75.
        // Deviations 18.75, −31.25, 56.25, −43.75; squares sum to
        // 351.5625 + 976.5625 + 3164.0625 + 1914.0625 = 6406.25;
        // s² = 6406.25/3 = 2135.4167, s = 46.2106; s/√4 = 23.1053;
        // t(3) = 3.182446 → half width 73.5315, so the interval
        // (−29.78, 117.28) is clamped to 0–100.
        let people = [
            response([&["never", "sometimes", "often", "often"], &[], &[]]),
            response([&["never", "never", "never", "sometimes"], &[], &[]]),
            response([&["often"; 4], &[], &[]]),
            response([&["never"; 4], &["sometimes"; 4], &[]]),
        ];
        let indices = domain_indices(&survey, &people);
        let safety = indices[&Domain::CommunitySafety];
        assert_eq!(safety.n, 4);
        assert_eq!(safety.mean, Some(43.75));
        assert!((safety.standard_deviation.unwrap() - 46.210_569).abs() < 1e-5);
        let interval = safety.interval.unwrap();
        assert_eq!((interval.lower, interval.upper), (0.0, 100.0));

        let environment = indices[&Domain::LocalEnvironment];
        assert_eq!((environment.n, environment.mean), (1, Some(50.0)));
        assert_eq!(environment.interval, None);
        assert_eq!(indices[&Domain::Health].n, 0);
    }

    #[test]
    fn domain_means_by_quintile_withhold_small_groups() {
        // Quintile 1: five people at 50 (all "sometimes") and one at 100,
        // so 5 × 50 + 100 = 350 over 6 people, mean 58.33. Quintile 5 has
        // three people and is withheld; that leaves the five people of
        // unknown quintile as the smallest group shown, withheld too so
        // quintile 5 cannot be found by subtraction.
        use crate::surveys::breakdown::{Cell, GroupKey, SimdQuintile};
        let survey = coproduction_survey();
        let in_quintile = |q: Option<u8>, codes: &[&str]| {
            let mut person = response([codes, &[], &[]]);
            person.facts.simd_quintile = q.map(|q| SimdQuintile::parse(q).unwrap());
            person
        };
        let mut people: Vec<Response> = (0..5)
            .map(|_| in_quintile(Some(1), &["sometimes"; 4]))
            .collect();
        people.push(in_quintile(Some(1), &["often"; 4]));
        people.extend((0..3).map(|_| in_quintile(Some(5), &["often"; 4])));
        people.extend((0..5).map(|_| in_quintile(None, &["never"; 4])));
        let by_quintile = domain_indices_by(&survey, &people, Grouping::SimdQuintile);
        let safety = &by_quintile[&Domain::CommunitySafety];
        assert_eq!(safety.len(), 3);
        assert_eq!(
            safety[0].group,
            GroupKey::SimdQuintile(SimdQuintile::parse(1).unwrap())
        );
        let Cell::Shown { respondents, value } = &safety[0].cell else {
            panic!("quintile 1 has six people and is shown");
        };
        assert_eq!(*respondents, 6);
        assert!((value.mean.unwrap() - 350.0 / 6.0).abs() < 1e-12);
        assert_eq!(safety[1].cell, Cell::Suppressed);
        assert_eq!(
            (&safety[2].group, &safety[2].cell),
            (&GroupKey::NotKnown, &Cell::Suppressed)
        );
        // Nobody answered the other domains, so they have no groups.
        assert!(by_quintile[&Domain::Health].is_empty());
    }

    proptest! {
        #[test]
        fn an_index_is_always_within_0_and_100(
            lowest in -5i32..5,
            width in 1i32..10,
            picks in prop::collection::vec(0i32..100, 1..30),
        ) {
            let highest = lowest + width;
            let values: Vec<i32> = picks.iter().map(|p| lowest + p % (width + 1)).collect();
            let index = min_max_index(&values, lowest, highest).unwrap();
            prop_assert!((0.0..=100.0).contains(&index));
            let all_lowest = vec![lowest; values.len()];
            let all_highest = vec![highest; values.len()];
            // Exactly 0 and exactly 100, bit for bit.
            let exact = |values: &[i32]| min_max_index(values, lowest, highest).unwrap().to_bits();
            prop_assert_eq!(exact(&all_lowest), 0.0f64.to_bits());
            prop_assert_eq!(exact(&all_highest), 100.0f64.to_bits());
        }

        #[test]
        fn answering_higher_never_lowers_an_index(
            values in prop::collection::vec(0i32..=2, 1..12),
            bump in any::<prop::sample::Index>(),
        ) {
            let before = min_max_index(&values, 0, 2).unwrap();
            let mut raised = values.clone();
            let at = bump.index(raised.len());
            raised[at] = (raised[at] + 1).min(2);
            prop_assert!(min_max_index(&raised, 0, 2).unwrap() >= before);
        }
    }
}

//! Ranking the offers for one request: keep those that meet every hard
//! constraint, score them, and say why, for those kept and those not.

use std::cmp::Reverse;

use serde::{Deserialize, Serialize};

use super::constraints::{self, Fit, whole_metres};
use super::history::History;
use super::offer::Offer;
use super::reasons::{Reason, SlotFit, Unmet, one_line};
use super::request::Request;
use super::rules::MatchingRules;
use super::score::{Score, ScoreInputs, score};
use super::vocabulary::{CategoryId, OfferId, PersonId};
use crate::schedule::Date;

/// An offer that meets every hard constraint, with its score and reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub offer: OfferId,
    pub person: PersonId,
    pub score: Score,
    /// The free slots that suit, in the offer's order; the batch books one.
    pub slots: Vec<SlotFit>,
    /// What a coordinator sees beside the name: facts, then cautions.
    pub reasons: Vec<Reason>,
    /// Kept unrounded for the sort: equal scores go to the nearer helper.
    #[serde(skip)]
    pub(crate) distance_metres: f64,
}

impl Candidate {
    /// The reasons on one line: "2.1 km away · free Tuesdays 10:00–12:00 ·
    /// PVG valid to 14 March 2028".
    pub fn plain_english(&self) -> String {
        one_line(&self.reasons)
    }
}

/// An offer left out, with every rule it failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    pub offer: OfferId,
    pub person: PersonId,
    pub unmet: Vec<Unmet>,
}

impl Exclusion {
    /// The answer to "why not Jean?" on one line.
    pub fn plain_english(&self) -> String {
        one_line(&self.unmet)
    }

    /// The same line with each category named by `name` ("does not offer
    /// Transport and lifts"), for pages that know the taxonomy's names.
    pub fn plain_english_named(&self, name: impl Fn(&CategoryId) -> String) -> String {
        self.unmet
            .iter()
            .map(|unmet| match unmet {
                Unmet::Category { wanted } => format!("does not offer {}", name(wanted)),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// Either side of the verdict on one offer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Assessment {
    Candidate(Candidate),
    Excluded(Exclusion),
}

/// Every offer looked at for a request, candidates best first.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Ranking {
    pub candidates: Vec<Candidate>,
    pub excluded: Vec<Exclusion>,
}

/// The matcher with the partnership's rules, the history of past matches,
/// and today's date (for what is ahead and for how long ago).
#[derive(Debug, Clone)]
pub struct Matcher<'a> {
    pub(crate) rules: &'a MatchingRules,
    history: &'a History,
    pub(crate) today: Date,
}

impl<'a> Matcher<'a> {
    pub fn new(rules: &'a MatchingRules, history: &'a History, today: Date) -> Self {
        Self {
            rules,
            history,
            today,
        }
    }

    /// The verdict on one offer for one request.
    pub fn assess(&self, request: &Request, offer: &Offer) -> Assessment {
        match constraints::check(request, offer, self.today, self.rules) {
            Ok(fit) => Assessment::Candidate(self.candidate(request, offer, fit)),
            Err(unmet) => Assessment::Excluded(Exclusion {
                offer: offer.id.clone(),
                person: offer.person.clone(),
                unmet,
            }),
        }
    }

    /// Every offer given, sorted into candidates (best score first; equal
    /// scores by distance, then offer id, so the order never depends on
    /// the order offers arrive in) and exclusions (in the order given).
    /// The offers may come from an index that has already set aside ones
    /// that could not qualify; those simply go unmentioned.
    pub fn rank<'o>(
        &self,
        request: &Request,
        offers: impl IntoIterator<Item = &'o Offer>,
    ) -> Ranking {
        let mut ranking = Ranking::default();
        for offer in offers {
            match self.assess(request, offer) {
                Assessment::Candidate(candidate) => ranking.candidates.push(candidate),
                Assessment::Excluded(exclusion) => ranking.excluded.push(exclusion),
            }
        }
        ranking.candidates.sort_by(|a, b| {
            Reverse(a.score.total())
                .cmp(&Reverse(b.score.total()))
                .then(a.distance_metres.total_cmp(&b.distance_metres))
                .then_with(|| a.offer.cmp(&b.offer))
        });
        ranking
    }

    fn candidate(&self, request: &Request, offer: &Offer, fit: Fit) -> Candidate {
        let last_helped = self.history.last_helped(&offer.person, &request.requester);
        let last_matched = self.history.last_matched(&offer.person);
        let score = score(
            self.rules,
            &ScoreInputs {
                distance_metres: fit.distance_metres,
                capacity: offer.capacity,
                last_helped,
                last_matched,
                today: self.today,
            },
        );
        let mut reasons = vec![Reason::Distance {
            metres: whole_metres(fit.distance_metres),
        }];
        reasons.extend(fit.slots.iter().copied().map(Reason::Free));
        reasons.push(Reason::SpareCapacity {
            unit: offer.capacity.unit,
            spare: offer.capacity.spare(),
            limit: offer.capacity.limit,
        });
        reasons.extend(fit.facts);
        // An agreed match counts from its first day, which may be after
        // today: say so rather than name a day to come as the past.
        if let Some(last) = last_helped {
            reasons.push(if last > self.today {
                Reason::HelpingFrom { first: last }
            } else {
                Reason::HelpedBefore { last }
            });
        }
        reasons.push(match last_matched {
            Some(on) if on > self.today => Reason::MatchStarting { on },
            Some(on) => Reason::LastMatched { on },
            None => Reason::NotMatchedYet,
        });
        reasons.extend(fit.cautions);
        Candidate {
            offer: offer.id.clone(),
            person: offer.person.clone(),
            score,
            slots: fit.slots,
            reasons,
            distance_metres: fit.distance_metres,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::history::PastMatch;
    use super::super::offer::PvgCheck;
    use super::*;

    fn past(requester: &str, helper: &str, on: &str) -> PastMatch {
        PastMatch {
            requester: requester.into(),
            helper: helper.into(),
            on: date(on),
        }
    }

    #[test]
    fn a_candidate_says_why_in_plain_english() {
        let rules = MatchingRules::default();
        let history: History = [past("ann", "jean", "2026-02-10")].iter().collect();
        let matcher = Matcher::new(&rules, &history, today());
        let mut jean = volunteer("jean");
        jean.location = east(2_100.0);
        jean.capacity.in_use = 1;
        jean.pvg = Some(PvgCheck {
            valid_until: date("2028-03-14"),
        });
        let ranking = matcher.rank(&shopping("r1", "ann"), [&jean]);
        assert!(ranking.excluded.is_empty());
        assert_eq!(
            ranking.candidates[0].plain_english(),
            "2.1 km away · free Tuesdays 10:00–12:00 · room for 2 more people (of 3) · \
             PVG valid to 14 March 2028 · helped this person before (last on 10 February 2026) · \
             last matched on 10 February 2026"
        );
    }

    #[test]
    fn a_match_still_to_start_is_not_called_the_last() {
        let rules = MatchingRules::default();
        let later = date("2026-03-10");
        let history: History = [PastMatch {
            requester: "ann".into(),
            helper: "jean".into(),
            on: later,
        }]
        .iter()
        .collect();
        let matcher = Matcher::new(&rules, &history, today());
        assert!(later > today());
        let ranking = matcher.rank(&shopping("r1", "ann"), [&volunteer("jean")]);
        let line = ranking.candidates[0].plain_english();
        assert!(!line.contains("last matched"), "{line}");
        assert!(
            line.contains("already matched, starting 10 March 2026"),
            "{line}"
        );
        assert!(
            line.contains("agreed to help this person from 10 March 2026"),
            "{line}"
        );
    }

    #[test]
    fn an_exclusion_names_the_category() {
        let rules = MatchingRules::default();
        let history = History::new();
        let matcher = Matcher::new(&rules, &history, today());
        let mut request = shopping("r1", "ann");
        request.category = CategoryId("52b19e22".into());
        let ranking = matcher.rank(&request, [&volunteer("jean")]);
        let why = ranking.excluded[0].plain_english_named(|id| {
            if id.0 == "52b19e22" {
                "Transport and lifts".into()
            } else {
                id.0.clone()
            }
        });
        assert!(why.contains("does not offer Transport and lifts"), "{why}");
        assert!(!why.contains("52b19e22"), "{why}");
    }

    #[test]
    fn a_one_off_names_its_day() {
        let rules = MatchingRules::default();
        let history = History::new();
        let matcher = Matcher::new(&rules, &history, today());
        let Assessment::Candidate(candidate) =
            matcher.assess(&lift("r2", "ann"), &volunteer("jean"))
        else {
            panic!("Jean suits the lift");
        };
        assert_eq!(
            candidate.plain_english(),
            "0 m away · free on Tuesday 10 March 2026, 10:00–12:00 · room for 3 more people (of 3) · \
             not matched with anyone yet"
        );
    }

    #[test]
    fn why_not_jean() {
        let rules = MatchingRules::default();
        let history = History::new();
        let matcher = Matcher::new(&rules, &history, today());
        let mut request = shopping("r1", "ann");
        request.vulnerable_adult = true;
        let mut jean = volunteer("jean");
        jean.location = east(7_250.0);
        let ranking = matcher.rank(&request, [&jean]);
        assert!(ranking.candidates.is_empty());
        assert_eq!(ranking.excluded[0].person, PersonId::from("jean"));
        assert_eq!(
            ranking.excluded[0].plain_english(),
            "7.3 km away, beyond the offer's 5.0 km · \
             no PVG check recorded, and the person is a vulnerable adult"
        );
    }

    #[test]
    fn candidates_are_best_first_and_ties_go_to_the_nearer_then_by_id() {
        let rules = MatchingRules::default();
        let history: History = [
            past("ann", "moira", "2026-01-20"),
            past("bill", "fiona", "2026-02-27"),
        ]
        .iter()
        .collect();
        let matcher = Matcher::new(&rules, &history, today());
        let mut fiona = volunteer("fiona");
        fiona.location = east(500.0);
        let mut moira = volunteer("moira");
        moira.location = east(1_500.0);
        let mut anna = volunteer("anna");
        anna.location = east(1_000.0);
        let mut zoe = volunteer("zoe");
        zoe.location = east(1_000.0);
        let mut far = volunteer("far");
        far.location = east(20_000.0);
        let ranking = matcher.rank(&shopping("r1", "ann"), [&zoe, &far, &fiona, &anna, &moira]);
        let order: Vec<&str> = ranking
            .candidates
            .iter()
            .map(|candidate| candidate.person.as_str())
            .collect();
        // Moira helped Ann before; Fiona is nearest but was matched two days ago.
        assert_eq!(order, ["moira", "anna", "zoe", "fiona"]);
        assert_eq!(ranking.candidates[1].score, ranking.candidates[2].score);
        let totals: Vec<u64> = ranking.candidates.iter().map(|c| c.score.total()).collect();
        assert!(totals.windows(2).all(|pair| pair[0] >= pair[1]));
        assert_eq!(ranking.excluded.len(), 1);
        assert_eq!(ranking.excluded[0].person, PersonId::from("far"));
    }

    #[test]
    fn weights_change_the_order() {
        let history: History = [past("ann", "moira", "2026-01-20")].iter().collect();
        let mut moira = volunteer("moira");
        moira.location = east(4_000.0);
        let near = volunteer("near");
        let request = shopping("r1", "ann");
        let mut rules = MatchingRules::default();
        let first = |rules: &MatchingRules| {
            Matcher::new(rules, &history, today())
                .rank(&request, [&near, &moira])
                .candidates[0]
                .person
                .clone()
        };
        assert_eq!(first(&rules), PersonId::from("moira"));
        rules.weights.continuity = 0;
        assert_eq!(first(&rules), PersonId::from("near"));
    }

    #[test]
    fn verdicts_serialise_for_pages_and_the_api() {
        let rules = MatchingRules::default();
        let history = History::new();
        let matcher = Matcher::new(&rules, &history, today());
        let mut request = shopping("r1", "ann");
        request.category = "gardening".into();
        let verdict = serde_json::to_value(matcher.assess(&request, &volunteer("jean"))).unwrap();
        assert_eq!(
            verdict,
            serde_json::json!({
                "verdict": "excluded",
                "offer": "offer-jean",
                "person": "jean",
                "unmet": [{"rule": "category", "wanted": "gardening"}]
            })
        );
        let candidate = matcher.assess(&shopping("r1", "ann"), &volunteer("jean"));
        let value = serde_json::to_value(&candidate).unwrap();
        assert_eq!(
            value["reasons"][0],
            serde_json::json!({"reason": "distance", "metres": 0})
        );
        assert_eq!(
            value["reasons"][1],
            serde_json::json!({
                "reason": "free", "slot": 1, "day": "TU", "date": null,
                "time": {"start": 600, "end": 720}
            })
        );
        let back: Assessment = serde_json::from_value(value).unwrap();
        let Assessment::Candidate(back) = back else {
            panic!("a candidate reads back as one");
        };
        let Assessment::Candidate(candidate) = candidate else {
            panic!("Jean suits");
        };
        assert_eq!(back.reasons, candidate.reasons);
        assert_eq!(back.score, candidate.score);
    }
}

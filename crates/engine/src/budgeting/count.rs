//! Counting an election with a settled rule: runs the rule's stages and
//! gathers their decisions and reasons into one [`Outcome`].

use num_rational::BigRational;
use num_traits::Zero;

use super::add_one;
use super::decimal::Decimal;
use super::election::Election;
use super::equal_shares::{self, Setup};
use super::exact::Fraction;
use super::greedy::{self, WhenTooDear};
use super::outcome::{Funded, NotFunded, Outcome, SharesSummary, WhyNotFunded};
use super::rule::{Counting, Rule};
use super::support::scores;

/// Counts the election. Pure and deterministic: the same election and rule
/// always give the same outcome, whatever the order of the ballots.
pub fn count(election: &Election, counting: Counting) -> Outcome {
    let scores = scores(election);
    let Counting { rule, min_score } = counting;
    let mut reasons: Vec<Vec<WhyNotFunded>> = vec![Vec::new(); election.projects.len()];
    let (funded, equal_shares) = match rule {
        Rule::Greedy | Rule::GreedyThreshold | Rule::GreedyNoSkip => {
            let when_too_dear = if rule == Rule::GreedyNoSkip {
                WhenTooDear::Stop
            } else {
                WhenTooDear::Skip
            };
            let pass = greedy::pass(
                election,
                &scores,
                min_score,
                &[],
                election.budget,
                when_too_dear,
                false,
            );
            note(&mut reasons, pass.not_funded);
            (pass.funded, None)
        }
        Rule::EqualShares | Rule::EqualSharesAddOne | Rule::EqualSharesAddOneGreedy => {
            let setup = Setup::new(election, &scores, min_score);
            let first_share = setup.first_share().unwrap_or_else(BigRational::zero);
            let (run, summary) = if rule == Rule::EqualShares {
                let run = equal_shares::run(&setup, &first_share, false, true);
                let summary = summary(&setup, &first_share, &first_share, 0, 1);
                (run, summary)
            } else if let Some(completed) = add_one::complete(&setup, election.budget) {
                let summary = summary(
                    &setup,
                    &first_share,
                    &completed.share,
                    completed.raises,
                    completed.runs,
                );
                (completed.run, summary)
            } else {
                let run = equal_shares::run(&setup, &first_share, false, true);
                (run, summary(&setup, &first_share, &first_share, 0, 0))
            };
            let mut funded = run.explain_funded(&setup);
            note(&mut reasons, run.explain_not_funded(&setup));
            if rule == Rule::EqualSharesAddOneGreedy {
                let spent: Decimal = funded.iter().map(|f| f.cost).sum();
                let mut already = vec![false; election.projects.len()];
                for f in &funded {
                    already[f.project] = true;
                }
                let fill = greedy::pass(
                    election,
                    &scores,
                    min_score,
                    &already,
                    election.budget.checked_sub(spent).unwrap_or(Decimal::ZERO),
                    WhenTooDear::Skip,
                    true,
                );
                funded.extend(fill.funded);
                note(&mut reasons, fill.not_funded);
            }
            (funded, Some(summary))
        }
    };
    let spent = funded.iter().map(|f| f.cost).sum();
    let mut is_funded = vec![false; election.projects.len()];
    for f in &funded {
        is_funded[f.project] = true;
    }
    let not_funded = reasons
        .into_iter()
        .enumerate()
        .filter(|&(project, _)| !is_funded[project])
        .map(|(project, why)| NotFunded { project, why })
        .collect();
    Outcome {
        rule,
        budget: election.budget,
        spent,
        funded,
        not_funded,
        equal_shares,
    }
}

/// Adds a stage's reasons, leaving out one already given by an earlier
/// stage (a score below the threshold rules a project out of both).
fn note(reasons: &mut [Vec<WhyNotFunded>], stage: Vec<(usize, WhyNotFunded)>) {
    for (project, why) in stage {
        if !reasons[project].contains(&why) {
            reasons[project].push(why);
        }
    }
}

fn summary(
    setup: &Setup<'_>,
    first: &BigRational,
    last: &BigRational,
    raises: u64,
    runs: u64,
) -> SharesSummary {
    SharesSummary {
        voters: setup.voters(),
        first_share: Fraction::from_millionths(first),
        final_share: Fraction::from_millionths(last),
        raises,
        runs,
    }
}

/// The funded projects' ids, in funding order.
pub fn selected_ids<'e>(election: &'e Election, funded: &[Funded]) -> Vec<&'e str> {
    funded
        .iter()
        .map(|f| election.projects[f.project].id.as_str())
        .collect()
}

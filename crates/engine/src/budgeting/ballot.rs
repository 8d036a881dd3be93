//! Reading a ballot from its form fields and checking it against the
//! process's rules. The same form fields serve a voter online, a voter with a code
//! and staff typing in a paper ballot:
//!
//! - approval: a checkbox `p{id}` per project, ticked or not;
//! - cumulative: a points box `p{id}` per project (blank means none);
//! - ranked: one list per rank, `rank1`, `rank2` …, each naming a project.

use std::collections::BTreeMap;

use super::process::{BallotRules, format_money};

/// One project on a ballot, as stored: approval choices carry neither
/// points nor a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub proposal_id: i64,
    pub points: Option<i64>,
    pub position: Option<i64>,
}

/// A project as the ballot offers it: its id and the cost the ballot uses.
#[derive(Debug, Clone, Copy)]
pub struct OnBallot {
    pub proposal_id: i64,
    pub cost_pence: i64,
}

/// A problem with a ballot: the field to point at, the message key, and a
/// value for the message's `{}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BallotProblem {
    pub field: String,
    pub key: &'static str,
    pub value: String,
}

/// Why a ballot was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BallotError {
    /// Something the voter can put right, shown beside the fields.
    Problems(Vec<BallotProblem>),
    /// A field no ballot form has: the form was not ours.
    Tampered,
}

/// The most points anyone may give one project: far above any real points
/// total, and it keeps sums far from overflowing.
const MAX_POINTS: i64 = 1_000_000;

/// Reads the ballot fields out of `fields`, skipping those named in
/// `other_fields` (the code, for instance).
pub fn read(
    rules: BallotRules,
    currency: &str,
    projects: &[OnBallot],
    fields: &BTreeMap<String, String>,
    other_fields: &[&str],
) -> Result<Vec<Choice>, BallotError> {
    let ballot_fields: BTreeMap<&str, &str> = fields
        .iter()
        .filter(|(name, _)| !other_fields.contains(&name.as_str()))
        .map(|(name, value)| (name.as_str(), value.trim()))
        .collect();
    match rules {
        BallotRules::Approval {
            max_choices,
            max_total_cost,
        } => read_approval(
            projects,
            &ballot_fields,
            max_choices,
            max_total_cost.map(|most| (most, currency)),
        ),
        BallotRules::Cumulative { points_total } => {
            read_cumulative(projects, &ballot_fields, points_total)
        }
        BallotRules::Ranked { ranks } => read_ranked(projects, &ballot_fields, ranks),
    }
}

/// The project a `p{id}` field names, if it is on the ballot.
fn project_field(projects: &[OnBallot], name: &str) -> Option<OnBallot> {
    let id: i64 = name.strip_prefix('p')?.parse().ok()?;
    projects.iter().find(|p| p.proposal_id == id).copied()
}

fn first_field(projects: &[OnBallot]) -> String {
    projects
        .first()
        .map_or_else(String::new, |p| format!("p{}", p.proposal_id))
}

fn problem(field: String, key: &'static str, value: impl Into<String>) -> BallotError {
    BallotError::Problems(vec![BallotProblem {
        field,
        key,
        value: value.into(),
    }])
}

fn read_approval(
    projects: &[OnBallot],
    fields: &BTreeMap<&str, &str>,
    max_choices: Option<i64>,
    max_total_cost: Option<(i64, &str)>,
) -> Result<Vec<Choice>, BallotError> {
    let mut chosen = Vec::new();
    for (name, value) in fields {
        let project = project_field(projects, name).ok_or(BallotError::Tampered)?;
        if !value.is_empty() {
            chosen.push(project);
        }
    }
    if chosen.is_empty() {
        return Err(problem(
            first_field(projects),
            "budgeting.ballot.error.none",
            "",
        ));
    }
    let count = i64::try_from(chosen.len()).unwrap_or(i64::MAX);
    if let Some(most) = max_choices
        && count > most
    {
        return Err(problem(
            first_field(projects),
            "budgeting.ballot.error.too_many",
            most.to_string(),
        ));
    }
    let cost: i64 = chosen.iter().map(|p| p.cost_pence).sum();
    if let Some((most, currency)) = max_total_cost
        && cost > most
    {
        return Err(problem(
            first_field(projects),
            "budgeting.ballot.error.too_dear",
            format_money(most, currency),
        ));
    }
    Ok(chosen
        .into_iter()
        .map(|p| Choice {
            proposal_id: p.proposal_id,
            points: None,
            position: None,
        })
        .collect())
}

fn read_cumulative(
    projects: &[OnBallot],
    fields: &BTreeMap<&str, &str>,
    points_total: i64,
) -> Result<Vec<Choice>, BallotError> {
    let mut problems = Vec::new();
    let mut chosen = Vec::new();
    for (name, value) in fields {
        let project = project_field(projects, name).ok_or(BallotError::Tampered)?;
        if value.is_empty() {
            continue;
        }
        match value.parse::<i64>() {
            Ok(0) => {}
            Ok(points) if (1..=MAX_POINTS).contains(&points) => chosen.push(Choice {
                proposal_id: project.proposal_id,
                points: Some(points),
                position: None,
            }),
            _ => problems.push(BallotProblem {
                field: (*name).to_owned(),
                key: "budgeting.ballot.error.points_number",
                value: String::new(),
            }),
        }
    }
    if !problems.is_empty() {
        return Err(BallotError::Problems(problems));
    }
    let given: i64 = chosen.iter().filter_map(|c| c.points).sum();
    if given == 0 {
        return Err(problem(
            first_field(projects),
            "budgeting.ballot.error.no_points",
            "",
        ));
    }
    if given > points_total {
        return Err(problem(
            first_field(projects),
            "budgeting.ballot.error.too_many_points",
            points_total.to_string(),
        ));
    }
    Ok(chosen)
}

fn read_ranked(
    projects: &[OnBallot],
    fields: &BTreeMap<&str, &str>,
    ranks: i64,
) -> Result<Vec<Choice>, BallotError> {
    let mut by_rank: Vec<Option<i64>> = Vec::new();
    for rank in 1..=ranks {
        by_rank.push(fields.get(format!("rank{rank}").as_str()).and_then(|v| {
            if v.is_empty() {
                None
            } else {
                Some(v.parse::<i64>().unwrap_or(-1))
            }
        }));
    }
    let known_rank = |name: &str| {
        name.strip_prefix("rank")
            .and_then(|n| n.parse::<i64>().ok())
            .is_some_and(|n| (1..=ranks).contains(&n))
    };
    if fields.keys().any(|name| !known_rank(name)) {
        return Err(BallotError::Tampered);
    }
    let mut chosen: Vec<Choice> = Vec::new();
    let mut gap_at = None;
    for (index, project) in by_rank.iter().enumerate() {
        let position = i64::try_from(index + 1).unwrap_or(i64::MAX);
        let field = format!("rank{position}");
        match project {
            None => {
                gap_at.get_or_insert(field);
            }
            Some(id) => {
                if !projects.iter().any(|p| p.proposal_id == *id) {
                    return Err(BallotError::Tampered);
                }
                if let Some(gap) = gap_at.take() {
                    return Err(problem(gap, "budgeting.ballot.error.rank_gap", ""));
                }
                if chosen.iter().any(|c| c.proposal_id == *id) {
                    return Err(problem(field, "budgeting.ballot.error.rank_twice", ""));
                }
                chosen.push(Choice {
                    proposal_id: *id,
                    points: None,
                    position: Some(position),
                });
            }
        }
    }
    if chosen.is_empty() {
        return Err(problem(
            "rank1".to_owned(),
            "budgeting.ballot.error.no_rank",
            "",
        ));
    }
    Ok(chosen)
}

/// The points a ranked ballot gives each rank: with `ranks` ranks, the first
/// choice gets `ranks` points, the second one fewer, and so on (a Borda
/// count truncated to the ranks the ballot has). Counting ranks projects by
/// these points; the equal-shares rules read each ranked project as
/// approved.
pub fn rank_points(ranks: i64, position: i64) -> i64 {
    (ranks - position + 1).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn projects() -> Vec<OnBallot> {
        vec![
            OnBallot {
                proposal_id: 1,
                cost_pence: 500_000,
            },
            OnBallot {
                proposal_id: 2,
                cost_pence: 300_000,
            },
            OnBallot {
                proposal_id: 3,
                cost_pence: 100_000,
            },
        ]
    }

    fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn key(result: Result<Vec<Choice>, BallotError>) -> &'static str {
        match result {
            Err(BallotError::Problems(problems)) => problems[0].key,
            other => panic!("expected a problem, got {other:?}"),
        }
    }

    #[test]
    fn approval_ballots_respect_their_caps() {
        let rules = BallotRules::Approval {
            max_choices: Some(2),
            max_total_cost: Some(700_000),
        };
        let ok = read(
            rules,
            "GBP",
            &projects(),
            &form(&[("p2", "on"), ("p3", "on")]),
            &[],
        )
        .unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(
            key(read(rules, "GBP", &projects(), &form(&[]), &[])),
            "budgeting.ballot.error.none"
        );
        assert_eq!(
            key(read(
                rules,
                "GBP",
                &projects(),
                &form(&[("p1", "on"), ("p2", "on"), ("p3", "on")]),
                &[]
            )),
            "budgeting.ballot.error.too_many"
        );
        assert_eq!(
            key(read(
                rules,
                "GBP",
                &projects(),
                &form(&[("p1", "on"), ("p2", "on")]),
                &[]
            )),
            "budgeting.ballot.error.too_dear"
        );
        assert_eq!(
            read(rules, "GBP", &projects(), &form(&[("p9", "on")]), &[]),
            Err(BallotError::Tampered)
        );
        let with_code = read(
            rules,
            "GBP",
            &projects(),
            &form(&[("p3", "on"), ("code", "ABCD")]),
            &["code"],
        )
        .unwrap();
        assert_eq!(with_code[0].proposal_id, 3);
    }

    #[test]
    fn cumulative_ballots_share_out_at_most_their_points() {
        let rules = BallotRules::Cumulative { points_total: 10 };
        let ok = read(
            rules,
            "GBP",
            &projects(),
            &form(&[("p1", "6"), ("p2", "4"), ("p3", "")]),
            &[],
        )
        .unwrap();
        assert_eq!(ok.iter().filter_map(|c| c.points).sum::<i64>(), 10);
        assert_eq!(
            key(read(
                rules,
                "GBP",
                &projects(),
                &form(&[("p1", "6"), ("p2", "5")]),
                &[]
            )),
            "budgeting.ballot.error.too_many_points"
        );
        assert_eq!(
            key(read(rules, "GBP", &projects(), &form(&[("p1", "-1")]), &[])),
            "budgeting.ballot.error.points_number"
        );
        assert_eq!(
            key(read(rules, "GBP", &projects(), &form(&[("p1", "0")]), &[])),
            "budgeting.ballot.error.no_points"
        );
    }

    #[test]
    fn ranked_ballots_fill_ranks_in_order_without_repeats() {
        let rules = BallotRules::Ranked { ranks: 3 };
        let ok = read(
            rules,
            "GBP",
            &projects(),
            &form(&[("rank1", "3"), ("rank2", "1"), ("rank3", "")]),
            &[],
        )
        .unwrap();
        assert_eq!(ok[0].proposal_id, 3);
        assert_eq!(ok[1].position, Some(2));
        assert_eq!(
            key(read(
                rules,
                "GBP",
                &projects(),
                &form(&[("rank1", ""), ("rank2", "1")]),
                &[]
            )),
            "budgeting.ballot.error.rank_gap"
        );
        assert_eq!(
            key(read(
                rules,
                "GBP",
                &projects(),
                &form(&[("rank1", "1"), ("rank2", "1")]),
                &[]
            )),
            "budgeting.ballot.error.rank_twice"
        );
        assert_eq!(
            key(read(rules, "GBP", &projects(), &form(&[]), &[])),
            "budgeting.ballot.error.no_rank"
        );
        assert_eq!(
            read(rules, "GBP", &projects(), &form(&[("rank4", "1")]), &[]),
            Err(BallotError::Tampered)
        );
        assert_eq!(rank_points(3, 1), 3);
        assert_eq!(rank_points(3, 3), 1);
    }
}

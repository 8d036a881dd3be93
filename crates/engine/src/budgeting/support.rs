//! Who supports what: each project's score, and the voters grouped by the
//! exact set of projects they approve.
//!
//! Grouping is what makes equal shares fast. Voters who approve the same set
//! of projects start with the same share and always pay the same amounts, so
//! the method can treat each group as one voter with a weight. A city-wide
//! election with tens of thousands of ballots has far fewer distinct sets.

use std::collections::HashMap;

use super::decimal::Decimal;
use super::election::{Election, VoteType};

/// The score greedy rules rank projects by: the number of ballots naming the
/// project (approval, choose-1), the points given to it (cumulative), or the
/// published score (ordinal, where the city turned ranks into points).
///
/// A project named twice on one approval ballot counts once, as pabutools
/// counts it (one Warsaw 2026 ballot does this).
pub fn scores(election: &Election) -> Vec<Decimal> {
    let count = election.projects.len();
    match election.vote_type {
        VoteType::Ordinal => election
            .projects
            .iter()
            .map(|project| project.score.unwrap_or_default())
            .collect(),
        VoteType::Cumulative => {
            let mut points = vec![0_i64; count];
            for ballot in election.ballots.iter() {
                for (&project, &given) in ballot.choices.iter().zip(ballot.points) {
                    points[project as usize] += i64::from(given);
                }
            }
            points.into_iter().map(Decimal::from_whole).collect()
        }
        VoteType::Approval | VoteType::ChooseOne => approval_counts(election)
            .into_iter()
            .map(|votes| Decimal::from_whole(i64::try_from(votes).unwrap_or(i64::MAX)))
            .collect(),
    }
}

/// How many ballots name each project, each ballot counting once.
pub fn approval_counts(election: &Election) -> Vec<u64> {
    let mut counts = vec![0_u64; election.projects.len()];
    let mut seen = Vec::new();
    for ballot in election.ballots.iter() {
        approved_set(ballot.choices, &mut seen);
        for &project in &seen {
            counts[project as usize] += 1;
        }
    }
    counts
}

/// The ballot's projects sorted and without repeats, written into `set`.
fn approved_set(choices: &[u32], set: &mut Vec<u32>) {
    set.clear();
    set.extend_from_slice(choices);
    set.sort_unstable();
    set.dedup();
}

/// Voters grouped into classes that approve exactly the same projects.
/// Equal shares reads every ballot as approving the projects it names,
/// whatever the vote type (pabutools' cost satisfaction does the same).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalClasses {
    /// Every voter, including those whose ballot names no project.
    pub voters: u64,
    /// How many voters are in each class.
    pub weights: Vec<u64>,
    /// For each project, the classes that approve it, in ascending order.
    pub supporters: Vec<Vec<u32>>,
}

impl ApprovalClasses {
    /// Groups an election's ballots.
    pub fn of(election: &Election) -> Self {
        Self::from_ballots(
            election.projects.len(),
            election.ballots.iter().map(|ballot| ballot.choices),
        )
    }

    /// Groups ballots given as lists of project indexes below
    /// `project_count`.
    pub fn from_ballots<'b>(
        project_count: usize,
        ballots: impl IntoIterator<Item = &'b [u32]>,
    ) -> Self {
        let mut class_of_set: HashMap<Box<[u32]>, u32> = HashMap::new();
        let mut weights: Vec<u64> = Vec::new();
        let mut supporters = vec![Vec::new(); project_count];
        let mut voters = 0_u64;
        let mut set = Vec::new();
        for choices in ballots {
            voters += 1;
            approved_set(choices, &mut set);
            if set.is_empty() {
                continue;
            }
            if let Some(&class) = class_of_set.get(set.as_slice()) {
                weights[class as usize] += 1;
                continue;
            }
            let class = u32::try_from(weights.len()).unwrap_or(u32::MAX);
            for &project in &set {
                supporters[project as usize].push(class);
            }
            weights.push(1);
            class_of_set.insert(set.clone().into_boxed_slice(), class);
        }
        Self {
            voters,
            weights,
            supporters,
        }
    }

    /// How many voters approve a project.
    pub fn support(&self, project: usize) -> u64 {
        self.supporters[project]
            .iter()
            .map(|&class| self.weights[class as usize])
            .sum()
    }
}

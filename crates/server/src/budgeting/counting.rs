//! Counting a closed vote with the engine's rules, and keeping the result.
//!
//! A process is counted in *pots*: each theme with a budget of its own is
//! counted on its own, among its projects, and every other project shares
//! what is left of the whole budget. Each pot becomes one engine election:
//! its projects (by proposal id), its budget, and each ballot cut down to
//! the pot's projects (a ballot naming none of them takes no part in that
//! pot, so it neither adds nor dilutes a share under equal shares).
//! Ranked ballots are counted as the engine counts ordinal elections: by
//! each project's points ([`super::ballot::rank_points`]), and, under equal
//! shares, as approving every project they rank.
//!
//! The engine's reasons are kept with each project, with projects named by
//! proposal id, so the results page and the API explain every decision
//! without counting again.

use std::collections::BTreeMap;

use coprod_engine::budgeting::{
    self as engine, Counting, Decimal, Election, Meta, Project, Rule, VoteType, WhyFunded,
    WhyNotFunded, exact::Fraction,
};
use serde::{Deserialize, Serialize};

pub use super::store::counts::{Count, ProjectResult, funded_ids, is_counted, stored};
use super::{
    ballot_box::{self, CountedBallot, Tally},
    store::{
        self, Category, Process, Proposal,
        counts::{self, NewCount, NewResult},
    },
    ties,
};
use crate::{
    audit,
    db::{self, Db},
};
use coprod_engine::budgeting::{
    ballot::{Choice, rank_points},
    process::BallotRules,
};

/// Pence in one currency unit, and the engine's millionths in one penny.
const MILLIONTHS_PER_PENNY: i64 = 10_000;

fn decimal(pence: i64) -> Decimal {
    Decimal::from_millionths(pence.saturating_mul(MILLIONTHS_PER_PENNY))
}

fn pence(amount: Decimal) -> i64 {
    amount.millionths() / MILLIONTHS_PER_PENNY
}

/// An exact amount from the engine: the fraction as text, and its value in
/// pence rounded for display.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Amount {
    /// Exact, as `numerator/denominator` in currency units.
    pub exact: String,
    /// Rounded to the nearest penny.
    pub pence: i64,
}

impl Amount {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "a display value, rounded to the penny and far inside i64"
    )]
    fn of(fraction: &Fraction) -> Self {
        Self {
            exact: fraction.0.to_string(),
            pence: (fraction.to_f64() * 100.0).round() as i64,
        }
    }
}

/// Money a funded project took from another project's supporters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Taken {
    pub proposal_id: i64,
    pub amount: Amount,
}

/// Why a project was or was not funded, as the engine decided it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// Greedy: it was `rank`-th by score and fitted in what was left.
    ByScore {
        rank: u64,
        score: String,
        left_before_pence: i64,
    },
    /// Equal shares: its supporters paid for it from their shares, in
    /// `round`, at the lowest price per unit of satisfaction that round.
    SharedOut {
        round: u64,
        share: Amount,
        /// The share per currency unit of the project's cost.
        price_per_unit: String,
        supporters: u64,
        paid_share: u64,
        paid_all_they_had: u64,
    },
    /// Equal shares: it costs nothing and had supporters.
    Free { supporters: u64 },
    /// After equal shares, the money left went by score, and it fitted.
    FilledLeftover {
        rank: u64,
        score: String,
        left_before_pence: i64,
    },
    /// Its score was below the process's threshold.
    BelowThreshold { score: String, threshold: String },
    /// Greedy: it cost more than was left when its turn came.
    DidNotFit {
        rank: u64,
        score: String,
        left_before_pence: i64,
    },
    /// Greedy without skipping: counting had stopped at an earlier project.
    CountingStopped {
        rank: u64,
        score: String,
        stopped_at: i64,
    },
    /// Equal shares: nobody voted for it.
    NoSupporters,
    /// Equal shares: its supporters' money ran out, mostly to `taken_by`.
    SupportersRanOut {
        supporters: u64,
        cost_pence: i64,
        money_left: Amount,
        taken_by: Vec<Taken>,
    },
}

/// How equal shares set the voters' shares in a pot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SharesUsed {
    pub voters: u64,
    pub first_share: Amount,
    pub final_share: Amount,
    /// One-unit raises of the share above the first.
    pub raises: u64,
}

/// One pot of a count: a theme with its own budget, or the rest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Pot {
    /// The theme's name, or empty for the pot shared by everything else.
    pub category: String,
    pub budget_pence: i64,
    pub spent_pence: i64,
    /// Ballots that named at least one of the pot's projects.
    pub ballots: u64,
    pub equal_shares: Option<SharesUsed>,
}

fn usize_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// A project's decision and reasons, with projects named by proposal id.
#[derive(Debug, Clone)]
struct Decided {
    proposal_id: i64,
    funded: bool,
    reasons: Vec<Reason>,
}

/// The pots of a process, each with its projects; pots without projects
/// are left out.
fn pots(
    process: &Process,
    categories: &[Category],
    projects: &[Proposal],
) -> Vec<(Pot, Vec<Proposal>)> {
    let own_budget = |p: &Proposal| {
        p.category_id
            .and_then(|id| categories.iter().find(|c| c.id == id))
            .and_then(|c| c.budget_pence.map(|_| c.id))
    };
    let mut pots = Vec::new();
    for category in categories {
        let Some(budget) = category.budget_pence else {
            continue;
        };
        let members: Vec<Proposal> = projects
            .iter()
            .filter(|p| own_budget(p) == Some(category.id))
            .cloned()
            .collect();
        if !members.is_empty() {
            pots.push((pot(category.name.clone(), budget), members));
        }
    }
    let set_aside: i64 = categories.iter().filter_map(|c| c.budget_pence).sum();
    let rest: Vec<Proposal> = projects
        .iter()
        .filter(|p| own_budget(p).is_none())
        .cloned()
        .collect();
    if !rest.is_empty() {
        let budget = (process.settings.budget_pence - set_aside).max(0);
        pots.push((pot(String::new(), budget), rest));
    }
    pots
}

fn pot(category: String, budget_pence: i64) -> Pot {
    Pot {
        category,
        budget_pence,
        spent_pence: 0,
        ballots: 0,
        equal_shares: None,
    }
}

/// The engine's election for one pot.
fn election(
    process: &Process,
    budget_pence: i64,
    projects: &[Proposal],
    ballots: &[CountedBallot],
) -> Result<Election, engine::election::BallotsFull> {
    let index: BTreeMap<i64, u32> = projects
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, u32::try_from(i).unwrap_or(u32::MAX)))
        .collect();
    let ranks = process.settings.ballot.ranks();
    let vote_type = match process.settings.ballot {
        BallotRules::Approval { .. } => VoteType::Approval,
        BallotRules::Cumulative { .. } => VoteType::Cumulative,
        BallotRules::Ranked { .. } => VoteType::Ordinal,
    };
    let mut rank_scores = vec![0_i64; projects.len()];
    let mut cast = engine::election::Ballots::new(Vec::new());
    for ballot in ballots {
        let mut mine: Vec<&Choice> = ballot
            .choices
            .iter()
            .filter(|c| index.contains_key(&c.proposal_id))
            .collect();
        if mine.is_empty() {
            continue;
        }
        mine.sort_by_key(|c| (c.position, c.proposal_id));
        let choices: Vec<u32> = mine.iter().map(|c| index[&c.proposal_id]).collect();
        if let Some(ranks) = ranks {
            for c in &mine {
                let slot = index[&c.proposal_id] as usize;
                rank_scores[slot] += rank_points(ranks, c.position.unwrap_or(ranks));
            }
        }
        let points: Vec<u32> = if vote_type == VoteType::Cumulative {
            mine.iter()
                .map(|c| u32::try_from(c.points.unwrap_or(0)).unwrap_or(u32::MAX))
                .collect()
        } else {
            Vec::new()
        };
        cast.push(&(cast.len() + 1).to_string(), &choices, &points, [])?;
    }
    let mut meta = Meta::default();
    meta.set("budget", &decimal(budget_pence).to_string());
    meta.set("vote_type", vote_type.name());
    Ok(Election {
        meta,
        budget: decimal(budget_pence),
        vote_type,
        projects: projects
            .iter()
            .enumerate()
            .map(|(i, p)| Project {
                id: p.id.to_string(),
                cost: decimal(p.cost_pence()),
                votes: None,
                score: ranks.map(|_| Decimal::from_whole(rank_scores[i])),
                selected: None,
                other: Vec::new(),
            })
            .collect(),
        project_columns: Vec::new(),
        ballots: cast,
    })
}

/// The process's rule, ready for the engine. A score threshold applies
/// whatever the rule, as cities apply theirs (`greedy-threshold` requires
/// one).
fn counting(process: &Process) -> Counting {
    Counting {
        rule: Rule::from_name(&process.settings.counting_rule).unwrap_or(Rule::Greedy),
        min_score: process.settings.score_threshold.map(Decimal::from_whole),
    }
}

/// Counts one pot, returning its decisions in funding order first.
fn count_pot(
    process: &Process,
    pot: &mut Pot,
    projects: &[Proposal],
    ballots: &[CountedBallot],
) -> Result<Vec<Decided>, engine::election::BallotsFull> {
    // The engine gives a tie to the project listed first.
    let projects = &ties::in_tie_order(
        process.settings.tie_break,
        process.settings.tie_seed.as_deref(),
        projects,
    );
    let election = election(process, pot.budget_pence, projects, ballots)?;
    pot.ballots = usize_u64(election.ballots.len());
    let outcome = engine::count(&election, counting(process));
    pot.spent_pence = pence(outcome.spent);
    pot.equal_shares = outcome.equal_shares.as_ref().map(|s| SharesUsed {
        voters: s.voters,
        first_share: Amount::of(&s.first_share),
        final_share: Amount::of(&s.final_share),
        raises: s.raises,
    });
    let id = |index: usize| projects.get(index).map_or(0, |p| p.id);
    let mut decided: Vec<Decided> = outcome
        .funded
        .iter()
        .map(|f| Decided {
            proposal_id: id(f.project),
            funded: true,
            reasons: vec![funded_reason(&f.why)],
        })
        .collect();
    decided.extend(outcome.not_funded.iter().map(|n| {
        Decided {
            proposal_id: id(n.project),
            funded: false,
            reasons: n
                .why
                .iter()
                .map(|why| not_funded_reason(why, &id))
                .collect(),
        }
    }));
    Ok(decided)
}

fn funded_reason(why: &WhyFunded) -> Reason {
    match why {
        WhyFunded::ByScore(r) => Reason::ByScore {
            rank: usize_u64(r.rank),
            score: r.score.to_string(),
            left_before_pence: pence(r.budget_left_before),
        },
        WhyFunded::FilledLeftover(r) => Reason::FilledLeftover {
            rank: usize_u64(r.rank),
            score: r.score.to_string(),
            left_before_pence: pence(r.budget_left_before),
        },
        WhyFunded::SharedOut(s) => Reason::SharedOut {
            round: usize_u64(s.round),
            share: Amount::of(&s.share),
            price_per_unit: s.price_per_unit.to_string(),
            supporters: s.supporters,
            paid_share: s.paid_share,
            paid_all_they_had: s.paid_all_they_had,
        },
        WhyFunded::Free { supporters } => Reason::Free {
            supporters: *supporters,
        },
    }
}

fn not_funded_reason(why: &WhyNotFunded, id: &dyn Fn(usize) -> i64) -> Reason {
    match why {
        WhyNotFunded::BelowThreshold { score, threshold } => Reason::BelowThreshold {
            score: score.to_string(),
            threshold: threshold.to_string(),
        },
        WhyNotFunded::DidNotFit(r) => Reason::DidNotFit {
            rank: usize_u64(r.rank),
            score: r.score.to_string(),
            left_before_pence: pence(r.budget_left_before),
        },
        WhyNotFunded::CountingStopped {
            rank,
            score,
            stopped_at,
        } => Reason::CountingStopped {
            rank: usize_u64(*rank),
            score: score.to_string(),
            stopped_at: id(*stopped_at),
        },
        WhyNotFunded::NoSupporters => Reason::NoSupporters,
        WhyNotFunded::SupportersRanOut {
            supporters,
            cost,
            money_left,
            taken_by,
        } => Reason::SupportersRanOut {
            supporters: *supporters,
            cost_pence: pence(*cost),
            money_left: Amount::of(money_left),
            taken_by: taken_by
                .iter()
                .map(|t| Taken {
                    proposal_id: id(t.project),
                    amount: Amount::of(&t.amount),
                })
                .collect(),
        },
    }
}

/// Counts a closed, sealed vote and stores the result, with `audit` (the
/// organiser's "counted" row) in the same transaction. `false` when it had
/// already been counted (the database lets only one count in).
pub async fn count_and_publish(
    db: &Db,
    process: &Process,
    counted_by: Option<i64>,
    audit: Option<audit::Event<'_>>,
) -> anyhow::Result<bool> {
    // Paper ballots may still be going in while an organiser counts. The
    // count reads and counts without holding anything, then takes the
    // process's lock (which entering a ballot also takes) and stores the
    // result only if no ballot arrived meanwhile; otherwise it counts again.
    for _ in 0..COUNT_ATTEMPTS {
        if is_counted(db, process.id).await? {
            return Ok(false);
        }
        let projects = store::ballot_proposals(db, process.id).await?;
        let categories = store::categories(db, process.id).await?;
        let ballots = ballot_box::all_ballots(db, process.id).await?;
        let tallies = ballot_box::tallies(db, process.id, process.settings.ballot.ranks()).await?;
        let mut pots_counted = Vec::new();
        let mut decided = Vec::new();
        for (mut pot, members) in pots(process, &categories, &projects) {
            decided.extend(count_pot(process, &mut pot, &members, &ballots)?);
            pots_counted.push(pot);
        }
        let mut tx = db.begin_write().await?;
        ballot_box::lock_process(&mut tx, process.id).await?;
        let now_stored = counts::ballots_stored(&mut tx, process.id).await?;
        if usize::try_from(now_stored).ok() != Some(ballots.len()) {
            tx.rollback().await?;
            continue;
        }
        let stored = store_count(
            tx,
            process,
            counted_by,
            Counted {
                pots: &pots_counted,
                decided: &decided,
                ballots: ballots.len(),
                projects: &projects,
                tallies: &tallies,
            },
            audit,
        )
        .await?;
        if stored {
            db.scrub_freed_pages().await?;
        }
        return Ok(stored);
    }
    anyhow::bail!("ballots kept arriving while counting; try again")
}

/// How many times a count starts again when ballots arrive while it runs.
const COUNT_ATTEMPTS: usize = 5;

/// A finished count, ready to store.
struct Counted<'a> {
    pots: &'a [Pot],
    decided: &'a [Decided],
    ballots: usize,
    projects: &'a [Proposal],
    tallies: &'a BTreeMap<i64, Tally>,
}

/// Stores a count in the transaction that holds the process's lock; `false`
/// if another count got there first.
async fn store_count(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    process: &Process,
    counted_by: Option<i64>,
    counted: Counted<'_>,
    audit: Option<audit::Event<'_>>,
) -> anyhow::Result<bool> {
    let Counted {
        pots,
        decided,
        ballots,
        projects,
        tallies,
    } = counted;
    let first = counts::insert_count(
        &mut tx,
        NewCount {
            process_id: process.id,
            rule: &process.settings.counting_rule,
            counted_at: db::now(),
            counted_by,
            ballots: i64::try_from(ballots).unwrap_or(i64::MAX),
            summary: serde_json::to_string(pots)?,
        },
    )
    .await?;
    if !first {
        tx.rollback().await?;
        return Ok(false);
    }
    // Paper ballots may have gone in since the seal, each in the
    // transaction that spent its code: no more can come now, so shuffle
    // them in with the rest once and for all.
    ballot_box::rewrite_in_random_order(&mut tx, process.id).await?;
    let mut order = 0;
    for d in decided {
        let funded_order = d.funded.then(|| {
            order += 1;
            order
        });
        let tally = tallies.get(&d.proposal_id).copied().unwrap_or_default();
        let cost = projects
            .iter()
            .find(|p| p.id == d.proposal_id)
            .map_or(0, Proposal::cost_pence);
        counts::insert_result(
            &mut tx,
            NewResult {
                proposal_id: d.proposal_id,
                process_id: process.id,
                funded: d.funded,
                funded_order,
                tally,
                cost_pence: cost,
                explanation: serde_json::to_string(&d.reasons)?,
            },
        )
        .await?;
    }
    if let Some(event) = audit {
        audit::record_in(&mut tx, event).await?;
    }
    tx.commit().await?;
    Ok(true)
}

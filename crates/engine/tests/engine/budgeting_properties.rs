//! Properties of the counting rules on random elections:
//! - no rule ever spends more than the budget;
//! - under greedy, one more approval for a funded project never unfunds it;
//! - equal shares does not depend on the order of the ballots;
//! - equal shares, its add-one completion and the greedy fill agree, project
//!   for project and in order, with a plain exact implementation written
//!   here from the definition (every voter a fraction, every raise run).

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Zero;
use proptest::prelude::*;

use coprod_engine::budgeting::{
    self, Ballots, Counting, Decimal, Election, Meta, Project, Rule, VoteType,
};

/// A random approval election: a few projects with ids whose text order
/// differs from their listed order ("p10" < "p4"; ties go by the listed
/// order, not the ids), costs in whole units or
/// cents, and ballots approving random subsets.
#[derive(Debug, Clone)]
struct Sketch {
    budget: i64,
    /// Cost in cents.
    costs: Vec<i64>,
    ballots: Vec<Vec<u32>>,
}

fn sketch() -> impl Strategy<Value = Sketch> {
    sized_sketch(7, 14, 1)
}

/// Up to `max_projects` projects and `max_voters` voters; costs of up to
/// 60 units times `scale`, and a budget that is a share of the total cost,
/// so that choices matter.
fn sized_sketch(
    max_projects: usize,
    max_voters: usize,
    scale: i64,
) -> impl Strategy<Value = Sketch> {
    (1_usize..max_projects).prop_flat_map(move |projects| {
        let cost = prop_oneof![
            3 => (1_i64..60).prop_map(move |units| units * 100 * scale),
            1 => (1_i64..6000).prop_map(move |cents| cents * scale),
            1 => Just(0_i64),
        ];
        let ballot = proptest::collection::vec(0..u32::try_from(projects).unwrap(), 0..5);
        (
            5_i64..95,
            proptest::collection::vec(cost, projects),
            proptest::collection::vec(ballot, 1..max_voters),
        )
            .prop_map(move |(percent, costs, ballots)| {
                let total_units = costs.iter().sum::<i64>() / 100;
                Sketch {
                    budget: (total_units * percent / 100).max(1),
                    costs,
                    ballots,
                }
            })
    })
}

fn election(sketch: &Sketch) -> Election {
    let mut meta = Meta::default();
    meta.insert("budget", &sketch.budget.to_string(), 0)
        .unwrap();
    meta.insert("vote_type", "approval", 0).unwrap();
    let projects = sketch
        .costs
        .iter()
        .enumerate()
        .map(|(index, &cents)| Project {
            id: format!("p{}", index * 3 + 1),
            cost: Decimal::from_millionths(cents * 10_000),
            votes: None,
            score: None,
            selected: None,
            other: Vec::new(),
        })
        .collect();
    let mut ballots = Ballots::new(Vec::new());
    for (voter, choices) in sketch.ballots.iter().enumerate() {
        ballots
            .push(&voter.to_string(), choices, &[], std::iter::empty())
            .unwrap();
    }
    Election {
        meta,
        budget: Decimal::from_whole(sketch.budget),
        vote_type: VoteType::Approval,
        projects,
        project_columns: Vec::new(),
        ballots,
    }
}

fn selected(election: &Election, rule: Rule) -> Vec<String> {
    let outcome = budgeting::count(
        election,
        Counting {
            rule,
            min_score: None,
        },
    );
    budgeting::selected_ids(election, &outcome.funded)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

// ---- A plain implementation of equal shares, straight from the definition.

fn fraction(cents: i64) -> BigRational {
    BigRational::new(BigInt::from(cents), BigInt::from(100))
}

/// Projects funded by equal shares when every voter starts with `share`.
fn reference_mes(sketch: &Sketch, share: &BigRational) -> Vec<usize> {
    let costs: Vec<BigRational> = sketch.costs.iter().map(|&c| fraction(c)).collect();
    let mut money = vec![share.clone(); sketch.ballots.len()];
    let supporters: Vec<Vec<usize>> = (0..costs.len())
        .map(|project| {
            (0..sketch.ballots.len())
                .filter(|&voter| sketch.ballots[voter].contains(&u32::try_from(project).unwrap()))
                .collect()
        })
        .collect();
    let mut free: Vec<usize> = (0..costs.len())
        .filter(|&p| costs[p].is_zero() && !supporters[p].is_empty())
        .collect();
    free.sort_unstable();
    let mut funded = free;
    loop {
        let mut best: Option<(BigRational, usize)> = None;
        for project in 0..costs.len() {
            if funded.contains(&project)
                || supporters[project].is_empty()
                || costs[project].is_zero()
            {
                continue;
            }
            let cost = &costs[project];
            let mut held: Vec<BigRational> = supporters[project]
                .iter()
                .map(|&v| money[v].clone())
                .collect();
            let total: BigRational = held.iter().sum();
            if &total < cost {
                continue;
            }
            held.sort();
            let mut paid = BigRational::zero();
            let mut payers = held.len();
            let mut share = BigRational::zero();
            for amount in &held {
                share = (cost - &paid) / BigInt::from(payers);
                if &share <= amount {
                    break;
                }
                paid += amount;
                payers -= 1;
            }
            let price = share / cost;
            let better = match &best {
                None => true,
                Some((best_price, best_project)) => {
                    price < *best_price || (price == *best_price && project < *best_project)
                }
            };
            if better {
                best = Some((price, project));
            }
        }
        let Some((price, project)) = best else {
            return funded;
        };
        let share = price * &costs[project];
        for &voter in &supporters[project] {
            let pay = money[voter].clone().min(share.clone());
            money[voter] -= pay;
        }
        funded.push(project);
    }
}

fn cost_of(sketch: &Sketch, funded: &[usize]) -> BigRational {
    funded.iter().map(|&p| fraction(sketch.costs[p])).sum()
}

/// Equal shares with the add-one completion, running every raise.
fn reference_add_one(sketch: &Sketch) -> Vec<usize> {
    let budget = BigRational::from_integer(BigInt::from(sketch.budget));
    let first = &budget / BigInt::from(sketch.ballots.len());
    let in_play: Vec<usize> = (0..sketch.costs.len())
        .filter(|&p| {
            sketch.costs[p] > 0
                && sketch
                    .ballots
                    .iter()
                    .any(|b| b.contains(&u32::try_from(p).unwrap()))
        })
        .collect();
    let mut previous = None;
    for raise in 0_i64.. {
        let share = &first + BigInt::from(raise);
        let funded = reference_mes(sketch, &share);
        let spent = cost_of(sketch, &funded);
        if spent > budget {
            return previous.unwrap_or(funded);
        }
        let left = &budget - &spent;
        let exhaustive = in_play
            .iter()
            .all(|p| funded.contains(p) || fraction(sketch.costs[*p]) > left);
        if exhaustive {
            return funded;
        }
        previous = Some(funded);
    }
    unreachable!()
}

/// Then greedy over the money left: most approvals first, ties to the
/// project listed first.
fn reference_fill(sketch: &Sketch, mut funded: Vec<usize>) -> Vec<usize> {
    let approvals = |p: usize| {
        sketch
            .ballots
            .iter()
            .filter(|b| b.contains(&u32::try_from(p).unwrap()))
            .count()
    };
    let mut rest: Vec<usize> = (0..sketch.costs.len())
        .filter(|p| !funded.contains(p))
        .collect();
    rest.sort_by(|&a, &b| approvals(b).cmp(&approvals(a)).then(a.cmp(&b)));
    let budget = BigRational::from_integer(BigInt::from(sketch.budget));
    for project in rest {
        if cost_of(sketch, &funded) + fraction(sketch.costs[project]) <= budget {
            funded.push(project);
        }
    }
    funded
}

fn names(ids: &[String], funded: &[usize]) -> Vec<String> {
    funded.iter().map(|&p| ids[p].clone()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn no_rule_ever_overspends(sketch in sketch(), threshold in 0_i64..4) {
        let election = election(&sketch);
        for rule in Rule::ALL {
            let min_score = (rule == Rule::GreedyThreshold).then(|| Decimal::from_whole(threshold));
            let outcome = budgeting::count(&election, Counting { rule, min_score });
            let spent: Decimal = outcome.funded.iter().map(|f| election.projects[f.project].cost).sum();
            prop_assert_eq!(spent, outcome.spent);
            prop_assert!(outcome.spent <= election.budget, "{} spent {} of {}", rule, outcome.spent, election.budget);
            let mut projects: Vec<usize> = outcome.selected().collect();
            projects.sort_unstable();
            projects.dedup();
            prop_assert_eq!(projects.len(), outcome.funded.len());
            prop_assert_eq!(outcome.funded.len() + outcome.not_funded.len(), election.projects.len());
        }
    }

    #[test]
    fn another_approval_never_unfunds_a_funded_project_under_greedy(
        sketch in sketch(),
        pick in any::<prop::sample::Index>(),
        voter in any::<prop::sample::Index>(),
    ) {
        for rule in [Rule::Greedy, Rule::GreedyNoSkip] {
            let before = election(&sketch);
            let funded = selected(&before, rule);
            if funded.is_empty() {
                continue;
            }
            let id = pick.get(&funded).clone();
            let project = u32::try_from(before.project_index(&id).unwrap()).unwrap();
            let mut more = sketch.clone();
            let ballot = voter.index(more.ballots.len());
            if more.ballots[ballot].contains(&project) {
                continue;
            }
            more.ballots[ballot].push(project);
            let after = selected(&election(&more), rule);
            prop_assert!(after.contains(&id), "{rule}: {id} funded before, not after: {after:?}");
        }
    }

    #[test]
    fn equal_shares_does_not_depend_on_the_order_of_ballots(
        sketch in sketch(),
        seed in any::<u64>(),
    ) {
        let mut shuffled = sketch.clone();
        // A deterministic shuffle from the seed (Fisher–Yates with an LCG).
        let mut state = seed | 1;
        for i in (1..shuffled.ballots.len()).rev() {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let j = usize::try_from(state >> 33).unwrap() % (i + 1);
            shuffled.ballots.swap(i, j);
        }
        for rule in [Rule::EqualShares, Rule::EqualSharesAddOne, Rule::EqualSharesAddOneGreedy] {
            prop_assert_eq!(selected(&election(&sketch), rule), selected(&election(&shuffled), rule));
        }
    }

    #[test]
    fn equal_shares_agrees_with_a_plain_exact_implementation(sketch in sketch()) {
        agrees_with_reference(&sketch)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// More voters and projects: longer purse histories, more rounds, and
    /// more raises for the add-one completion to jump over.
    #[test]
    fn equal_shares_agrees_with_a_plain_exact_implementation_on_larger_elections(
        sketch in sized_sketch(12, 60, 10)
    ) {
        agrees_with_reference(&sketch)?;
    }
}

fn agrees_with_reference(sketch: &Sketch) -> Result<(), TestCaseError> {
    {
        let election = election(sketch);
        let ids: Vec<String> = election.projects.iter().map(|p| p.id.clone()).collect();
        let first = BigRational::new(
            BigInt::from(sketch.budget),
            BigInt::from(sketch.ballots.len()),
        );
        prop_assert_eq!(
            selected(&election, Rule::EqualShares),
            names(&ids, &reference_mes(sketch, &first))
        );
        let add_one = reference_add_one(sketch);
        prop_assert_eq!(
            selected(&election, Rule::EqualSharesAddOne),
            names(&ids, &add_one)
        );
        prop_assert_eq!(
            selected(&election, Rule::EqualSharesAddOneGreedy),
            names(&ids, &reference_fill(sketch, add_one))
        );
    }
    Ok(())
}

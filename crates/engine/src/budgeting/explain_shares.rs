//! Explaining an outcome of equal shares: for each funded project, who paid
//! and at what price; for each project not funded, what its supporters had
//! left and which funded projects took their money.

use std::collections::HashMap;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Zero;

use super::equal_shares::{Run, Setup};
use super::exact::{Fraction, Linear};
use super::ledger::Ledger;
use super::outcome::{Funded, MoneyTaken, Shares, WhyFunded, WhyNotFunded};
use super::pricing::Priced;
use super::purses::{EMPTY, PurseId, Purses};

/// What a run kept to explain its outcome.
#[derive(Default)]
pub(crate) struct Explanation {
    rounds: Vec<Round>,
    /// For each class that paid all it had: in which round, and the purse
    /// it held just before (whose history tells which full shares it paid).
    drained_in: HashMap<u32, (usize, PurseId)>,
    /// The money at the end of the run.
    end: Option<(Ledger, Purses)>,
}

/// One funded project. Amounts are numerators over `denominator`.
struct Round {
    project: usize,
    share: BigInt,
    price: Linear,
    payers: u64,
    /// What one voter paid from each purse that paid all it held.
    drained_paid: HashMap<PurseId, BigInt>,
    denominator: BigInt,
}

impl Explanation {
    /// Records a round before its winner is paid for.
    pub fn record_round(
        &mut self,
        setup: &Setup<'_>,
        ledger: &Ledger,
        purses: &Purses,
        winner: &Priced,
    ) {
        // The share is numerator ÷ (D × payers) and a purse holds
        // money ÷ D, so both are numerators over D × payers.
        let (Some(numerator), Some(price)) = (winner.numerator(), winner.exact()) else {
            return;
        };
        let round = self.rounds.len();
        let drained: HashMap<PurseId, BigInt> = winner.held[..winner.drained]
            .iter()
            .map(|&(purse, _)| (purse, purses.exact(purse, ledger).value * winner.payers))
            .collect();
        for &class in &setup.classes.supporters[winner.project] {
            let purse = purses.of_class[class as usize];
            if drained.contains_key(&purse) {
                self.drained_in.insert(class, (round, purse));
            }
        }
        self.rounds.push(Round {
            project: winner.project,
            share: numerator.value.clone(),
            price: price.clone(),
            payers: winner.payers,
            drained_paid: drained,
            denominator: ledger.denominator() * winner.payers,
        });
    }

    /// Keeps the money as it stands at the end of the run.
    pub fn record_end(&mut self, ledger: Ledger, purses: Purses) {
        self.end = Some((ledger, purses));
    }
}

/// `numerator ÷ denominator` millionths as a fraction of whole units, left
/// unreduced: reducing costs a greatest common divisor, and comparing,
/// showing and approximating do not need it.
fn units(numerator: BigInt, denominator: &BigInt) -> Fraction {
    Fraction(BigRational::new_raw(numerator, denominator * 1_000_000))
}

impl Run {
    /// The funded projects with how each was paid for.
    pub fn explain_funded(&self, setup: &Setup<'_>) -> Vec<Funded> {
        let mut funded: Vec<Funded> = setup
            .free
            .iter()
            .map(|&project| Funded {
                project,
                cost: setup.cost(project),
                why: WhyFunded::Free {
                    supporters: setup.support[project],
                },
            })
            .collect();
        let rounds = self.explanation.iter().flat_map(|e| &e.rounds);
        for (index, round) in rounds.enumerate() {
            let supporters = setup.support[round.project];
            funded.push(Funded {
                project: round.project,
                cost: setup.cost(round.project),
                why: WhyFunded::SharedOut(Shares {
                    round: index + 1,
                    share: units(round.share.clone(), &round.denominator),
                    price_per_unit: Fraction(BigRational::new_raw(
                        round.price.value.clone(),
                        round.price.denominator.clone(),
                    )),
                    supporters,
                    paid_share: round.payers,
                    paid_all_they_had: supporters - round.payers,
                }),
            });
        }
        funded
    }

    /// Why each project that was not funded was not.
    pub fn explain_not_funded(&self, setup: &Setup<'_>) -> Vec<(usize, WhyNotFunded)> {
        let mut reasons = setup.left_out.clone();
        let Some(explanation) = &self.explanation else {
            return reasons;
        };
        let Some((ledger, purses)) = &explanation.end else {
            return reasons;
        };
        let classes = &setup.classes;
        let rounds = &explanation.rounds;
        for &project in setup.in_play() {
            if self.funded.contains(&project) {
                continue;
            }
            // Full shares paid per round, what was drained per round, and
            // what is left, over this project's supporters.
            let mut paid_share = vec![0_u64; rounds.len()];
            let mut paid_all = vec![BigInt::zero(); rounds.len()];
            let mut still_paid = vec![0_u64; ledger.rounds()];
            let mut holding = 0;
            for &class in &classes.supporters[project] {
                let weight = classes.weights[class as usize];
                let history = if let Some(&(round, purse)) = explanation.drained_in.get(&class) {
                    if let Some(paid) = rounds[round].drained_paid.get(&purse) {
                        paid_all[round] += paid * weight;
                    }
                    purse
                } else {
                    let purse = purses.of_class[class as usize];
                    if purse != EMPTY {
                        holding += weight;
                        for &round in purses.history(purse) {
                            still_paid[round as usize] += weight;
                        }
                    }
                    purse
                };
                for &round in purses.history(history) {
                    paid_share[round as usize] += weight;
                }
            }
            let left = ledger.held_by(holding, &still_paid);
            let mut taken_by: Vec<MoneyTaken> = rounds
                .iter()
                .zip(paid_share.iter().zip(paid_all))
                .filter(|(_, (shares, all))| **shares > 0 || !all.is_zero())
                .map(|(round, (&shares, all))| MoneyTaken {
                    project: round.project,
                    amount: units(&round.share * shares + all, &round.denominator),
                })
                .collect();
            taken_by.sort_by(|a, b| b.amount.cmp(&a.amount));
            reasons.push((
                project,
                WhyNotFunded::SupportersRanOut {
                    supporters: setup.support[project],
                    cost: setup.cost(project),
                    money_left: units(left.value, ledger.denominator()),
                    taken_by,
                },
            ));
        }
        reasons
    }
}

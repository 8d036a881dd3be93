//! The counting engine's reasons in plain words, for the results page.

use std::collections::BTreeMap;

use super::{
    counting::{Pot, Reason, Taken},
    store::Process,
};
use crate::web::{Shell, i18n::fill};

/// Turns reasons into sentences in the reader's language.
pub struct Explainer<'a> {
    pub shell: &'a Shell,
    pub process: &'a Process,
    /// Every proposal's title, by id, to name the projects a reason mentions.
    pub titles: &'a BTreeMap<i64, String>,
    /// What a score counts: "votes" or "points".
    pub score_unit: &'static str,
}

/// A score in words: "1 vote", "12 votes", "7 points". `unit` is "votes"
/// or "points".
pub fn score_words(shell: &Shell, unit: &str, score: &str) -> String {
    let key = if score == "1" {
        format!("budgeting.results.score_one_{unit}")
    } else {
        format!("budgeting.results.score_{unit}")
    };
    shell.t1(&key, score)
}

impl Explainer<'_> {
    fn money(&self, pence: i64) -> String {
        self.process.money(pence)
    }

    fn score(&self, score: &str) -> String {
        score_words(self.shell, self.score_unit, score)
    }

    fn title(&self, id: i64) -> String {
        self.titles.get(&id).cloned().unwrap_or_default()
    }

    fn say(&self, key: &str, values: &[&str]) -> String {
        fill(&self.shell.t(key), values)
    }

    /// A price per unit of satisfaction — with cost utilities, the share
    /// paid per pound of the project's cost — in pence per pound.
    fn price(price_per_unit: &str) -> String {
        price_per_unit
            .trim_end_matches('…')
            .parse::<f64>()
            .map_or_else(
                |_| price_per_unit.to_owned(),
                |price| format!("{:.2}p", price * 100.0),
            )
    }

    /// One reason for a project costing `cost_pence`. `after_shares` says
    /// the reason comes from the greedy fill that follows equal shares, where
    /// ranks count only the projects still unfunded.
    pub fn explain(&self, reason: &Reason, cost_pence: i64, after_shares: bool) -> String {
        let cost = self.money(cost_pence);
        match reason {
            Reason::ByScore {
                rank,
                score,
                left_before_pence,
            } => self.say(
                "budgeting.why.by_score",
                &[
                    &rank.to_string(),
                    &self.score(score),
                    &cost,
                    &self.money(*left_before_pence),
                ],
            ),
            Reason::FilledLeftover {
                rank,
                score,
                left_before_pence,
            } => self.say(
                "budgeting.why.filled_leftover",
                &[
                    &rank.to_string(),
                    &self.score(score),
                    &cost,
                    &self.money(*left_before_pence),
                ],
            ),
            Reason::DidNotFit {
                rank,
                score,
                left_before_pence,
            } => self.say(
                if after_shares {
                    "budgeting.why.did_not_fit_leftover"
                } else {
                    "budgeting.why.did_not_fit"
                },
                &[
                    &rank.to_string(),
                    &self.score(score),
                    &self.money(*left_before_pence),
                    &cost,
                ],
            ),
            Reason::SharedOut {
                round,
                share,
                price_per_unit,
                supporters,
                paid_share,
                paid_all_they_had,
            } => self.shared_out(
                *round,
                *supporters,
                (*paid_share, *paid_all_they_had),
                share.pence,
                price_per_unit,
            ),
            Reason::Free { supporters } => {
                self.say("budgeting.why.free", &[&supporters.to_string()])
            }
            Reason::BelowThreshold { score, threshold } => self.say(
                "budgeting.why.below_threshold",
                &[&self.score(score), &self.score(threshold)],
            ),
            Reason::CountingStopped {
                rank,
                score,
                stopped_at,
            } => self.say(
                "budgeting.why.counting_stopped",
                &[
                    &rank.to_string(),
                    &self.score(score),
                    &self.title(*stopped_at),
                ],
            ),
            Reason::NoSupporters => self.shell.t("budgeting.why.no_supporters"),
            Reason::SupportersRanOut {
                supporters,
                cost_pence,
                money_left,
                taken_by,
            } => self.ran_out(*supporters, *cost_pence, money_left.pence, taken_by),
        }
    }

    /// Equal shares funded it: who paid how much, and at what price.
    fn shared_out(
        &self,
        round: u64,
        supporters: u64,
        (paid_share, paid_all_they_had): (u64, u64),
        share_pence: i64,
        price_per_unit: &str,
    ) -> String {
        let round = round.to_string();
        let supporters = supporters.to_string();
        let share = self.money(share_pence);
        let price = Self::price(price_per_unit);
        if paid_all_they_had == 0 {
            self.say(
                "budgeting.why.shared_out",
                &[&round, &supporters, &share, &price],
            )
        } else {
            self.say(
                "budgeting.why.shared_out_partly",
                &[
                    &round,
                    &supporters,
                    &paid_share.to_string(),
                    &share,
                    &paid_all_they_had.to_string(),
                    &price,
                ],
            )
        }
    }

    /// Equal shares could not fund it: what its supporters had left, and
    /// where their money went.
    fn ran_out(
        &self,
        supporters: u64,
        cost_pence: i64,
        left_pence: i64,
        taken_by: &[Taken],
    ) -> String {
        let mut text = self.say(
            "budgeting.why.ran_out",
            &[
                &supporters.to_string(),
                &self.money(left_pence),
                &self.money(cost_pence),
            ],
        );
        if !taken_by.is_empty() {
            let list: Vec<String> = taken_by
                .iter()
                .map(|t| {
                    format!(
                        "{} ({})",
                        self.title(t.proposal_id),
                        self.money(t.amount.pence)
                    )
                })
                .collect();
            text.push(' ');
            text.push_str(&self.shell.t1("budgeting.why.taken_by", &list.join(", ")));
        }
        text
    }

    /// How a pot's voters' shares were set, for the equal-shares rules.
    pub fn shares(&self, pot: &Pot) -> Option<String> {
        let shares = pot.equal_shares.as_ref()?;
        let mut text = self.say(
            "budgeting.results.shares",
            &[
                &shares.voters.to_string(),
                &self.money(shares.first_share.pence),
            ],
        );
        if shares.raises > 0 {
            text.push(' ');
            text.push_str(&self.say(
                "budgeting.results.shares_raised",
                &[
                    &shares.raises.to_string(),
                    &self.money(shares.final_share.pence),
                ],
            ));
        }
        if !pot.category.is_empty() {
            text = format!("{}: {text}", pot.category);
        }
        Some(text)
    }
}

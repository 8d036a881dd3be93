//! The results page: what was funded, what was spent in each theme, how
//! many voted on each channel, a chart of the votes with its data beside
//! it, and for every project the counting engine's reason in plain words.

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    extract::{Path, State},
    response::Response,
};

use super::{
    ballot_box,
    counting::{self, Count, ProjectResult},
    pages::existing,
    store::{self, Process, Proposal},
    ties::TieBreak,
    why::{Explainer, score_words},
};
use crate::{
    app::AppState,
    error::Result,
    web::{Shell, page},
};
use coprod_engine::budgeting::process::{BallotRules, Phase, format_date};

/// A share of a whole, as people read it: "42%".
fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "0%".into();
    }
    format!("{}%", (part * 100 + whole / 2) / whole)
}

/// One project in the results.
pub struct Row {
    pub id: i64,
    pub title: String,
    pub category: String,
    pub cost: String,
    pub votes: i64,
    /// The score as a number, and as people read it ("12 votes").
    pub points: i64,
    pub score: String,
    /// The share of ballots that chose it.
    pub share: String,
    pub funded: bool,
    pub why: Vec<String>,
    /// The latest delivery stage of a funded project, if any.
    pub delivery: String,
    /// For a project an imported file marks as funded outside the counting
    /// rule, what it says; empty otherwise.
    pub outside_rule: String,
}

/// One bar of the chart, in the SVG's own units.
pub struct Bar {
    pub label: String,
    pub value: String,
    pub label_y: i64,
    pub y: i64,
    pub width: i64,
    pub value_x: i64,
    pub funded: bool,
}

/// A horizontal bar chart of every project's score.
pub struct Chart {
    pub height: i64,
    pub bars: Vec<Bar>,
}

/// Chart geometry: the longest bar, and the height of one project's row.
const BAR_MAX: i64 = 420;
const ROW: i64 = 46;

/// The spend in one theme.
pub struct ThemeSpend {
    pub name: String,
    pub budget: String,
    pub projects: usize,
    pub spent: String,
}

#[derive(Template)]
#[template(path = "budgeting/results.html")]
struct ResultsPage {
    shell: Shell,
    process: Process,
    phase: Phase,
    counted: bool,
    counted_on: String,
    rule: String,
    /// How ties were broken, in words (with the seed of a lot).
    tie_break: String,
    ballots: i64,
    turnout: Vec<(String, i64, String)>,
    budget: String,
    spent: String,
    left: String,
    funded: Vec<Row>,
    not_funded: Vec<Row>,
    themes: Vec<ThemeSpend>,
    shares: Vec<String>,
    chart: Chart,
}

impl ResultsPage {
    fn all_rows(&self) -> impl Iterator<Item = &Row> {
        self.funded.iter().chain(self.not_funded.iter())
    }

    /// Whether any project has a theme, so the theme column says something.
    fn has_themes(&self) -> bool {
        self.all_rows().any(|row| !row.category.is_empty())
    }
}

/// What a process's scores count: "votes" (approval) or "points".
fn score_unit(process: &Process) -> &'static str {
    match process.settings.ballot {
        BallotRules::Approval { .. } => "votes",
        _ => "points",
    }
}

/// What the funded projects cost in each theme, in the order first funded.
fn themes(
    shell: &Shell,
    process: &Process,
    count: &Count,
    proposals: &[Proposal],
) -> Vec<ThemeSpend> {
    let theme_of = |result: &ProjectResult| {
        proposals
            .iter()
            .find(|p| p.id == result.proposal_id)
            .map(|p| p.category.clone())
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| shell.t("budgeting.results.no_theme"))
    };
    let mut themes: Vec<(String, usize, i64)> = Vec::new();
    for result in count.projects.iter().filter(|p| p.funded) {
        let name = theme_of(result);
        match themes.iter_mut().find(|(n, _, _)| *n == name) {
            Some((_, projects, pence)) => {
                *projects += 1;
                *pence += result.cost_pence;
            }
            None => themes.push((name, 1, result.cost_pence)),
        }
    }
    themes
        .into_iter()
        .map(|(name, projects, pence)| ThemeSpend {
            budget: count
                .pots
                .iter()
                .find(|pot| pot.category == name)
                .map(|pot| process.money(pot.budget_pence))
                .unwrap_or_default(),
            name,
            projects,
            spent: process.money(pence),
        })
        .collect()
}

fn results_page(
    shell: Shell,
    process: Process,
    count: &Count,
    proposals: &[Proposal],
    turnout: &[(String, i64)],
    latest: &BTreeMap<i64, String>,
) -> ResultsPage {
    let titles: BTreeMap<i64, String> = proposals.iter().map(|p| (p.id, p.title.clone())).collect();
    let unit = score_unit(&process);
    let explainer = Explainer {
        shell: &shell,
        process: &process,
        titles: &titles,
        score_unit: unit,
    };
    let row = |result: &ProjectResult| {
        let proposal = proposals.iter().find(|p| p.id == result.proposal_id);
        Row {
            id: result.proposal_id,
            title: titles.get(&result.proposal_id).cloned().unwrap_or_default(),
            category: proposal.map(|p| p.category.clone()).unwrap_or_default(),
            cost: process.money(result.cost_pence),
            votes: result.tally.votes,
            points: result.tally.score,
            score: score_words(&shell, unit, &result.tally.score.to_string()),
            share: percent(result.tally.votes, count.ballots),
            funded: result.funded,
            why: result
                .reasons
                .iter()
                .enumerate()
                .map(|(stage, r)| explainer.explain(r, result.cost_pence, stage > 0))
                .collect(),
            delivery: latest
                .get(&result.proposal_id)
                .map(|status| shell.t(&format!("budgeting.delivery.status.{status}")))
                .unwrap_or_default(),
            outside_rule: proposal
                .and_then(|p| p.published_selected)
                .filter(|selected| *selected >= 2)
                .map(|selected| {
                    shell.t1(
                        "budgeting.results.funded_outside_rule_why",
                        &selected.to_string(),
                    )
                })
                .unwrap_or_default(),
        }
    };
    let funded: Vec<Row> = count
        .projects
        .iter()
        .filter(|p| p.funded)
        .map(row)
        .collect();
    let not_funded: Vec<Row> = count
        .projects
        .iter()
        .filter(|p| !p.funded)
        .map(row)
        .collect();
    let spent: i64 = count.pots.iter().map(|p| p.spent_pence).sum();
    let themes = themes(&shell, &process, count, proposals);
    let shares = count
        .pots
        .iter()
        .filter_map(|pot| explainer.shares(pot))
        .collect();
    let chart = chart(funded.iter().chain(not_funded.iter()));
    ResultsPage {
        phase: process.phase(),
        counted: true,
        counted_on: format_date(count.counted_at),
        rule: shell.t(&format!("budgeting.rule.{}", count.rule)),
        tie_break: match (process.settings.tie_break, &process.settings.tie_seed) {
            (TieBreak::Lot, Some(seed)) => shell.t1("budgeting.results.tie_break_lot", seed),
            (rule, _) => shell.t(&format!("budgeting.tie_break.{}", rule.key())),
        },
        ballots: count.ballots,
        turnout: turnout
            .iter()
            .map(|(channel, n)| {
                (
                    shell.t(&format!("budgeting.channel.{channel}")),
                    *n,
                    percent(*n, count.ballots),
                )
            })
            .collect(),
        budget: process.budget(),
        spent: process.money(spent),
        left: process.money(process.settings.budget_pence - spent),
        funded,
        not_funded,
        themes,
        shares,
        chart,
        shell,
        process,
    }
}

/// The chart of every project's score, highest first.
fn chart<'r>(rows: impl Iterator<Item = &'r Row>) -> Chart {
    let mut rows: Vec<&Row> = rows.collect();
    rows.sort_by_key(|row| std::cmp::Reverse(row.points));
    let max = rows.iter().map(|row| row.points).max().unwrap_or(0).max(1);
    let bars = rows
        .iter()
        .enumerate()
        .map(|(n, row)| {
            let top = i64::try_from(n).unwrap_or(0) * ROW;
            let width = (row.points * BAR_MAX / max).max(2);
            Bar {
                label: row.title.clone(),
                value: format!("{} ({})", row.score, row.share),
                label_y: top + 16,
                y: top + 22,
                width,
                value_x: width + 8,
                funded: row.funded,
            }
        })
        .collect();
    Chart {
        height: i64::try_from(rows.len()).unwrap_or(0) * ROW + 8,
        bars,
    }
}

pub async fn page_of(
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<i64>,
) -> Result<Response> {
    let process = existing(&state, id).await?;
    let Some(count) = counting::stored(&state.db, id).await? else {
        return page(&ResultsPage {
            phase: process.phase(),
            counted: false,
            counted_on: String::new(),
            rule: String::new(),
            tie_break: String::new(),
            ballots: 0,
            turnout: Vec::new(),
            budget: process.budget(),
            spent: String::new(),
            left: String::new(),
            funded: Vec::new(),
            not_funded: Vec::new(),
            themes: Vec::new(),
            shares: Vec::new(),
            chart: Chart {
                height: 0,
                bars: Vec::new(),
            },
            shell,
            process,
        });
    };
    let proposals = store::proposals(&state.db, id).await?;
    let turnout = ballot_box::turnout(&state.db, id).await?;
    let mut latest = BTreeMap::new();
    for update in store::delivery_updates(&state.db, id).await? {
        latest.insert(update.proposal_id, update.status);
    }
    page(&results_page(
        shell, process, &count, &proposals, &turnout, &latest,
    ))
}

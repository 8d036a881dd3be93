//! The ballot as a form: what `templates/budgeting/ballot_fields.html`
//! needs to draw it (for voting online, with a code, or typing in a paper
//! ballot), and reading one back, with errors against fields named at run
//! time (`p12`, `rank2`).

use std::collections::BTreeMap;

use super::store::{Process, Proposal};
use crate::{
    error::AppError,
    web::{FieldErrors, Shell},
};
use coprod_engine::budgeting::{
    ballot::{BallotError, BallotProblem, Choice, OnBallot},
    process::BallotRules,
};

/// Adds a ballot's problems to `errors`, each in the reader's language and
/// against the field it names (`p12`, `rank2`).
fn add_problems(errors: &mut FieldErrors, shell: &Shell, problems: &[BallotProblem]) {
    for p in problems {
        errors.add(p.field.clone(), shell.t1(p.key, &p.value));
    }
}

/// A project on the ballot form.
#[derive(Debug, Clone)]
pub struct Line {
    pub id: i64,
    /// The field's name and id: `p{id}`.
    pub field: String,
    pub title: String,
    pub cost: String,
    pub category: String,
    /// What the field holds: "on" when ticked, or a number of points.
    pub value: String,
}

/// One rank of a ranked ballot.
#[derive(Debug, Clone)]
pub struct Rank {
    /// The field's name and id: `rank{n}`.
    pub field: String,
    pub label: String,
    /// The proposal id chosen, as text, or "".
    pub selected: String,
}

/// Everything the ballot fields need.
#[derive(Debug, Clone)]
pub struct BallotView {
    /// "approval", "cumulative" or "ranked".
    pub kind: &'static str,
    /// What the voter may do, in a sentence.
    pub instructions: String,
    pub lines: Vec<Line>,
    pub ranks: Vec<Rank>,
    /// The projects as (id, "title (cost)") for the ranked lists.
    pub options: Vec<(String, String)>,
    /// A problem with the ballot as a whole, shown above it.
    pub problem: String,
}

/// The projects on the ballot, as the checks need them.
pub fn on_ballot(proposals: &[Proposal]) -> Vec<OnBallot> {
    proposals
        .iter()
        .map(|p| OnBallot {
            proposal_id: p.id,
            cost_pence: p.cost_pence(),
        })
        .collect()
}

/// A stored ballot as the form fields that would produce it.
pub fn fields_of(choices: &[Choice]) -> BTreeMap<String, String> {
    choices
        .iter()
        .map(|c| match (c.position, c.points) {
            (Some(position), _) => (format!("rank{position}"), c.proposal_id.to_string()),
            (None, Some(points)) => (format!("p{}", c.proposal_id), points.to_string()),
            (None, None) => (format!("p{}", c.proposal_id), "on".to_owned()),
        })
        .collect()
}

/// Builds the form. `values` are the fields as last submitted or stored;
/// `errors` may hold a problem for the ballot as a whole.
pub fn build(
    shell: &Shell,
    process: &Process,
    proposals: &[Proposal],
    values: &BTreeMap<String, String>,
    errors: &FieldErrors,
) -> BallotView {
    let rules = process.settings.ballot;
    let lines: Vec<Line> = proposals
        .iter()
        .map(|p| {
            let field = format!("p{}", p.id);
            Line {
                id: p.id,
                value: values.get(&field).cloned().unwrap_or_default(),
                field,
                title: p.title.clone(),
                cost: process.money(p.cost_pence()),
                category: p.category.clone(),
            }
        })
        .collect();
    let ranks = match rules {
        BallotRules::Ranked { ranks } => (1..=ranks)
            .map(|n| {
                let field = format!("rank{n}");
                Rank {
                    label: shell.t1("budgeting.ballot.rank", &n.to_string()),
                    selected: values.get(&field).cloned().unwrap_or_default(),
                    field,
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    let first = lines.first().map(|l| l.field.clone()).unwrap_or_default();
    let problem_field = match rules {
        BallotRules::Ranked { .. } => "rank1".to_owned(),
        _ => first,
    };
    BallotView {
        kind: rules.kind(),
        instructions: instructions(shell, process),
        options: lines
            .iter()
            .map(|l| (l.id.to_string(), format!("{} ({})", l.title, l.cost)))
            .collect(),
        problem: errors.get(&problem_field),
        lines,
        ranks,
    }
}

/// What a voter may do, in a sentence or two.
fn instructions(shell: &Shell, process: &Process) -> String {
    match process.settings.ballot {
        BallotRules::Approval {
            max_choices,
            max_total_cost,
        } => {
            let mut text = shell.t("budgeting.ballot.approval");
            if let Some(most) = max_choices {
                text.push(' ');
                text.push_str(&shell.t1("budgeting.ballot.approval_most", &most.to_string()));
            }
            if let Some(most) = max_total_cost {
                text.push(' ');
                text.push_str(&shell.t1("budgeting.ballot.approval_cost", &process.money(most)));
            }
            text
        }
        BallotRules::Cumulative { points_total } => {
            shell.t1("budgeting.ballot.cumulative", &points_total.to_string())
        }
        BallotRules::Ranked { ranks } => shell.t1("budgeting.ballot.ranked", &ranks.to_string()),
    }
}

/// Reads the ballot from submitted fields; on problems, fills `errors` and
/// gives `None`. A form with fields no ballot has is refused outright.
pub fn read(
    shell: &Shell,
    process: &Process,
    proposals: &[Proposal],
    fields: &BTreeMap<String, String>,
    other_fields: &[&str],
    errors: &mut FieldErrors,
) -> Result<Option<Vec<Choice>>, AppError> {
    match coprod_engine::budgeting::ballot::read(
        process.settings.ballot,
        &process.settings.currency,
        &on_ballot(proposals),
        fields,
        other_fields,
    ) {
        Ok(choices) => Ok(Some(choices)),
        Err(BallotError::Problems(problems)) => {
            add_problems(errors, shell, &problems);
            Ok(None)
        }
        Err(BallotError::Tampered) => Err(AppError::BadRequest {
            key: "budgeting.ballot.error.tampered",
            field: None,
        }),
    }
}

//! `coprod pb`: participatory budgeting elections in the pabulib format.
//!
//! `coprod pb import FILE.pb` turns an election into a closed process with
//! its projects and ballots, ready to be counted from its page; `coprod pb
//! export PROCESS FILE.pb` writes a closed process out as an election.
//!
//! `coprod pb count FILE.pb [--rule RULE] [--json]` counts an election and
//! prints the funded projects. Its interface is fixed because other tools
//! call it: with `--json` it prints exactly one object
//! `{"rule": …, "budget": N, "spent": N, "selected": [project_id, …]}`
//! (`selected` in funding order), and a file that cannot be counted gives a
//! one-line error on standard error and exit status 2. It touches no
//! database, so it starts as fast as the binary loads.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Subcommand;
use clap::builder::PossibleValuesParser;
use coprod_server::budgeting::pabulib;
use coprod_server::coprod_engine::budgeting::{
    self, Counting, Election, Outcome, Rule, RuleChoice, WhyFunded, WhyNotFunded,
    outcome::{Ranked, Shares},
};
use coprod_server::db::Db;

/// The status for a file that cannot be counted, as for a usage error.
const CANNOT_COUNT: i32 = 2;

#[derive(Subcommand)]
pub enum PbCommand {
    /// Count a pabulib (.pb) election and show the funded projects. Exits
    /// with status 2 and a one-line error if the file cannot be read or is
    /// malformed.
    Count {
        /// The .pb file.
        file: PathBuf,
        /// The counting rule; auto takes META rule and applies META
        /// `min_project_score_threshold`.
        #[arg(long, default_value = "auto", value_parser = rule_names())]
        rule: String,
        /// Print one JSON object: rule, budget, spent and selected (project ids in funding order).
        #[arg(long)]
        json: bool,
    },
    /// Turn a pabulib (.pb) election into a closed process with its projects
    /// and ballots. All or nothing; count it afterwards from its page.
    Import {
        /// The .pb file.
        file: PathBuf,
    },
    /// Write a closed process out as a pabulib (.pb) election.
    Export {
        /// The process's id (the number in its address, /budgeting/ID).
        process: i64,
        /// Where to write it; `-` for standard output.
        file: PathBuf,
    },
}

fn rule_names() -> PossibleValuesParser {
    PossibleValuesParser::new(
        std::iter::once("auto").chain(Rule::ALL.iter().map(|rule| rule.name())),
    )
}

/// Runs a `coprod pb` command. Counting touches no database; importing and
/// exporting open it with `open_db`, only then.
pub async fn run<F, Fut>(command: PbCommand, open_db: F) -> anyhow::Result<()>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = anyhow::Result<Db>>,
{
    match command {
        PbCommand::Import { file } => import(&open_db().await?, &file).await,
        PbCommand::Export { process, file } => export(&open_db().await?, process, &file).await,
        PbCommand::Count { file, rule, json } => count_file(&file, &rule, json),
    }
}

/// `coprod pb count`: pure, with no database; exits with status 2 when the
/// file cannot be counted.
pub fn count_file(file: &Path, rule: &str, json: bool) -> anyhow::Result<()> {
    let choice =
        RuleChoice::from_name(rule).with_context(|| format!("{rule:?} is not a counting rule"))?;
    let (election, outcome) = match count(file, choice) {
        Ok(counted) => counted,
        Err(problem) => {
            eprintln!("{}: {problem}", file.display());
            std::process::exit(CANNOT_COUNT);
        }
    };
    let text = if json {
        as_json(&election, &outcome)?
    } else {
        as_text(file, &election, &outcome)
    };
    crate::standard_output::write(&format!("{text}\n"))
}

/// `coprod pb import`: the file must read cleanly; the whole election then
/// goes in, or nothing does.
async fn import(db: &Db, file: &Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("could not read {}", file.display()))?;
    let election =
        budgeting::read(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let fallback = file.file_stem().map_or_else(
        || file.display().to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    let imported = pabulib::import(db, &election, &fallback)
        .await
        .with_context(|| format!("could not import {}", file.display()))?;
    db.close().await;
    println!(
        "Imported {} as process {} with {} projects and {} ballots. Count it at /budgeting/{}/manage.",
        file.display(),
        imported.process_id,
        imported.projects,
        imported.ballots,
        imported.process_id
    );
    for note in &imported.notes {
        println!("Note: {note}.");
    }
    Ok(())
}

/// `coprod pb export`: a closed process as a pabulib file.
async fn export(db: &Db, process: i64, file: &Path) -> anyhow::Result<()> {
    let election = pabulib::export(db, process).await?;
    db.close().await;
    let text = budgeting::write(&election);
    if file.as_os_str() == "-" {
        crate::standard_output::write(&text)?;
    } else {
        std::fs::write(file, text)
            .with_context(|| format!("could not write {}", file.display()))?;
        eprintln!(
            "Wrote process {process} to {} ({} projects, {} ballots).",
            file.display(),
            election.projects.len(),
            election.ballots.len()
        );
    }
    Ok(())
}

/// Reads and counts a file; the error is one line naming what is wrong.
fn count(file: &Path, choice: RuleChoice) -> Result<(Election, Outcome), String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read the file: {e}"))?;
    let election = budgeting::read(&text).map_err(|e| e.to_string())?;
    let counting = Counting::settle(&election, choice).map_err(|e| e.to_string())?;
    let outcome = budgeting::count(&election, counting);
    Ok((election, outcome))
}

fn as_json(election: &Election, outcome: &Outcome) -> anyhow::Result<String> {
    let selected = budgeting::selected_ids(election, &outcome.funded);
    Ok(format!(
        r#"{{"rule": {}, "budget": {}, "spent": {}, "selected": {}}}"#,
        serde_json::to_string(outcome.rule.name())?,
        outcome.budget.to_json(),
        outcome.spent.to_json(),
        serde_json::to_string(&selected)?,
    ))
}

/// A summary for people: the rule, the money, and every project with the
/// reason it was or was not funded.
fn as_text(file: &Path, election: &Election, outcome: &Outcome) -> String {
    let id = |project: usize| election.projects[project].id.as_str();
    let width = election
        .projects
        .iter()
        .map(|p| p.id.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = summary(file, election, outcome);
    let _ = writeln!(out, "\nFunded, in order:");
    for (order, funded) in outcome.funded.iter().enumerate() {
        let why = match &funded.why {
            WhyFunded::ByScore(ranked) => ranked_text(ranked),
            WhyFunded::FilledLeftover(ranked) => {
                format!("filled money left over: {}", ranked_text(ranked))
            }
            WhyFunded::SharedOut(shares) => shares_text(shares),
            WhyFunded::Free { supporters } => format!("costs nothing; {supporters} supporters"),
        };
        let _ = writeln!(
            out,
            "{:>4}. {:<width$}  cost {:>12}  {why}",
            order + 1,
            id(funded.project),
            funded.cost.to_string(),
        );
    }
    if !outcome.not_funded.is_empty() {
        let _ = writeln!(out, "\nNot funded:");
    }
    for not_funded in &outcome.not_funded {
        let why: Vec<String> = not_funded
            .why
            .iter()
            .map(|why| not_funded_text(why, &id))
            .collect();
        let _ = writeln!(
            out,
            "      {:<width$}  cost {:>12}  {}",
            id(not_funded.project),
            election.projects[not_funded.project].cost.to_string(),
            why.join("; then ")
        );
    }
    out.trim_end().to_owned()
}

/// The first lines: file, rule, money, and how voters' shares were set.
fn summary(file: &Path, election: &Election, outcome: &Outcome) -> String {
    let mut out = String::new();
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let meta_rule = election
        .meta
        .get("rule")
        .map_or(String::new(), |r| format!(" (META rule {r:?})"));
    let _ = writeln!(out, "{name}: counted with {}{meta_rule}", outcome.rule);
    let currency = election.meta.get("currency").unwrap_or("");
    let share_spent = if outcome.budget.millionths() > 0 {
        outcome.spent.to_f64() / outcome.budget.to_f64() * 100.0
    } else {
        0.0
    };
    let _ = writeln!(
        out,
        "Budget {} {currency}, spent {} ({share_spent:.1}%); {} of {} projects funded; {} ballots.",
        outcome.budget,
        outcome.spent,
        outcome.funded.len(),
        election.projects.len(),
        election.ballots.len(),
    );
    if let Some(shares) = &outcome.equal_shares {
        let raised = if shares.raises > 0 {
            format!(
                " and was raised {} times by one unit to {} ({} of those raises computed; \
                 the others provably changed nothing)",
                shares.raises, shares.final_share, shares.runs
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "Each of {} voters' share began at {}{raised}.",
            shares.voters, shares.first_share
        );
    }
    out
}

fn not_funded_text<'e>(why: &WhyNotFunded, id: &impl Fn(usize) -> &'e str) -> String {
    match why {
        WhyNotFunded::BelowThreshold { score, threshold } => {
            format!("score {score} is below the threshold {threshold}")
        }
        WhyNotFunded::DidNotFit(ranked) => format!(
            "rank {}, score {}: only {} was left",
            ranked.rank, ranked.score, ranked.budget_left_before
        ),
        WhyNotFunded::CountingStopped {
            rank,
            score,
            stopped_at,
        } => format!(
            "rank {rank}, score {score}: counting stopped at {}, which did not fit",
            id(*stopped_at)
        ),
        WhyNotFunded::NoSupporters => "nobody voted for it".to_owned(),
        WhyNotFunded::SupportersRanOut {
            supporters,
            money_left,
            taken_by,
            ..
        } => {
            let takers: Vec<String> = taken_by
                .iter()
                .take(3)
                .map(|taken| format!("{} took {}", id(taken.project), taken.amount))
                .collect();
            let takers = if takers.is_empty() {
                String::new()
            } else {
                format!("; {}", takers.join(", "))
            };
            format!("its {supporters} supporters had only {money_left} left{takers}")
        }
    }
}

fn ranked_text(ranked: &Ranked) -> String {
    format!(
        "rank {}, score {}; {} was left",
        ranked.rank, ranked.score, ranked.budget_left_before
    )
}

fn shares_text(shares: &Shares) -> String {
    let mut text = format!(
        "round {}: {} of {} supporters paid {} each",
        shares.round, shares.paid_share, shares.supporters, shares.share
    );
    if shares.paid_all_they_had > 0 {
        let _ = write!(
            text,
            ", {} paid all they had left",
            shares.paid_all_they_had
        );
    }
    let _ = write!(text, " (price {} per unit)", shares.price_per_unit);
    text
}

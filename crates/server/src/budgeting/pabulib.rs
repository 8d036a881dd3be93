//! Processes to and from pabulib elections (`coprod pb import` and
//! `coprod pb export`). The engine reads and writes the `.pb` text; this
//! module maps an election onto a process with its projects and ballots,
//! and a closed process back onto an election.
//!
//! An imported election arrives whole and already voted: it becomes a
//! process whose phases all lie in the past, its projects accepted onto the
//! ballot, its ballots stored with the channel `imported` and the vote
//! sealed from the start. Organisers then count it from its page like any
//! other. Only a closed vote can be exported, so an export never shows a
//! running total the process keeps hidden; ballots go out in no particular
//! order, numbered afresh.

use coprod_engine::{
    budgeting::{
        Decimal, Election, Meta, Project, Rule, VoteType,
        election::{Ballots, BallotsFull},
    },
    schedule::Date,
};

use super::{
    ballot_box, counting,
    store::{self, NewProposal, ProcessSettings, Proposal},
    ties::TieBreak,
};
use crate::db::{self, Db};
use coprod_engine::budgeting::{
    ballot::Choice,
    process::{BallotRules, Phase, PhaseDates},
};

/// Millionths of a currency unit (the engine's precision) in a penny.
const MILLIONTHS_PER_PENNY: i64 = 10_000;
/// A day, in seconds.
const DAY: i64 = 24 * 60 * 60;
/// The longest project title kept; longer names are cut.
const MAX_TITLE_CHARS: usize = 200;

/// Why a file could not become a process, or a process a file.
#[derive(Debug, thiserror::Error)]
pub enum PabulibError {
    #[error("{0}")]
    Unsupported(String),
    #[error("there is no process {0}")]
    NoProcess(i64),
    #[error("process {0} is still open: only a closed vote can be exported")]
    StillOpen(i64),
    #[error(transparent)]
    Ballots(#[from] BallotsFull),
    #[error(transparent)]
    Database(#[from] crate::db::StoreError),
}

impl From<sqlx::Error> for PabulibError {
    fn from(error: sqlx::Error) -> Self {
        PabulibError::Database(error.into())
    }
}

/// What an import made.
#[derive(Debug)]
pub struct Imported {
    pub process_id: i64,
    pub projects: usize,
    pub ballots: usize,
    /// What could not be carried over exactly, for the operator.
    pub notes: Vec<String>,
}

/// An amount in whole pence, or why not.
fn to_pence(amount: Decimal, what: &str) -> Result<i64, PabulibError> {
    let millionths = amount.millionths();
    if millionths % MILLIONTHS_PER_PENNY != 0 {
        return Err(PabulibError::Unsupported(format!(
            "{what} ({amount}) has more than two decimal places; coprod keeps money in pence"
        )));
    }
    Ok(millionths / MILLIONTHS_PER_PENNY)
}

fn decimal(pence: i64) -> Decimal {
    Decimal::from_millionths(pence.saturating_mul(MILLIONTHS_PER_PENNY))
}

/// A META date (`31.03.2024`, or `2024-03-31`), as the start of that day.
fn meta_date(meta: &Meta, key: &str) -> Option<i64> {
    let text = meta.get(key)?.trim();
    let day = text.split_whitespace().next()?;
    Date::parse(day)
        .ok()
        .or_else(|| dotted_date(day))
        .map(Date::unix_midnight)
}

/// A date in pabulib's `dd.mm.yyyy`, two digits for the day and month.
fn dotted_date(text: &str) -> Option<Date> {
    let mut parts = text.split('.');
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
    if parts.next().is_some() || !digits(day, 2) || !digits(month, 2) || !digits(year, 4) {
        return None;
    }
    Date::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?).ok()
}

/// A whole number from META, if present and whole.
fn meta_number(meta: &Meta, key: &str) -> Option<i64> {
    meta.get(key)?.trim().parse().ok()
}

/// The ballot's rules for an election.
fn ballot_rules(election: &Election) -> Result<BallotRules, PabulibError> {
    let meta = &election.meta;
    let longest = election
        .ballots
        .iter()
        .map(|b| i64::try_from(b.choices.len()).unwrap_or(i64::MAX))
        .max()
        .unwrap_or(1)
        .max(1);
    Ok(match election.vote_type {
        VoteType::Approval => BallotRules::Approval {
            max_choices: meta_number(meta, "max_length").filter(|n| *n > 0),
            max_total_cost: meta
                .get("max_sum_cost")
                .and_then(|v| Decimal::parse(v).ok())
                .map(|cost| to_pence(cost, "max_sum_cost"))
                .transpose()?
                .filter(|pence| *pence > 0),
        },
        VoteType::ChooseOne => BallotRules::Approval {
            max_choices: Some(1),
            max_total_cost: None,
        },
        VoteType::Cumulative => {
            let most_given = election
                .ballots
                .iter()
                .map(|b| b.points.iter().map(|p| i64::from(*p)).sum::<i64>())
                .max()
                .unwrap_or(1);
            BallotRules::Cumulative {
                points_total: meta_number(meta, "max_sum_points")
                    .unwrap_or(most_given)
                    .max(most_given)
                    .max(1),
            }
        }
        VoteType::Ordinal => BallotRules::Ranked {
            ranks: meta_number(meta, "max_length")
                .unwrap_or(longest)
                .max(longest),
        },
    })
}

/// The counting rule and score threshold for an election, with a note when
/// the file's rule is not one coprod counts.
fn rule_of(election: &Election, notes: &mut Vec<String>) -> (String, Option<i64>) {
    let rule = election
        .meta
        .get("rule")
        .and_then(Rule::from_meta_name)
        .unwrap_or_else(|| {
            notes.push(format!(
                "META rule {:?} is not one coprod counts; the process counts with greedy",
                election.meta.get("rule").unwrap_or("")
            ));
            Rule::Greedy
        });
    // Scores in coprod are whole numbers, so "at least 2.5" is "at least 3".
    let threshold = election.score_threshold().map(|t| {
        t.millionths().div_euclid(1_000_000) + i64::from(t.millionths().rem_euclid(1_000_000) != 0)
    });
    (rule.name().into(), threshold)
}

/// The value of a project's column, if the election has it.
fn column<'p>(election: &Election, project: &'p Project, name: &str) -> Option<&'p str> {
    let index = election.project_columns.iter().position(|c| c == name)?;
    project
        .other
        .get(index)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
}

fn title_of(election: &Election, project: &Project) -> String {
    let name = column(election, project, "name")
        .map_or_else(|| format!("Project {}", project.id), str::to_owned);
    name.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_TITLE_CHARS)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// What the process is called and about, from META.
fn describe(election: &Election, fallback_title: &str) -> (String, String) {
    let meta = &election.meta;
    let place: Vec<&str> = ["country", "unit", "subunit", "instance"]
        .iter()
        .filter_map(|key| meta.get(key))
        .filter(|v| !v.is_empty())
        .collect();
    let title = meta
        .get("description")
        .filter(|d| !d.trim().is_empty())
        .map_or_else(
            || {
                if place.is_empty() {
                    fallback_title.to_owned()
                } else {
                    place.join(" ")
                }
            },
            str::to_owned,
        );
    let mut description = format!("Imported from a pabulib file: {}.", place.join(", "));
    if let Some(comment) = meta.get("comment").filter(|c| !c.is_empty()) {
        description.push(' ');
        description.push_str(comment);
    }
    (title.chars().take(MAX_TITLE_CHARS).collect(), description)
}

/// Turns an election into a closed process with its projects and ballots,
/// in one transaction: all of it or nothing. `fallback_title` names the
/// process when META says nothing better (the file's name, say).
pub async fn import(
    db: &Db,
    election: &Election,
    fallback_title: &str,
) -> Result<Imported, PabulibError> {
    let mut notes = Vec::new();
    let budget_pence = to_pence(election.budget, "the budget")?;
    if budget_pence <= 0 {
        return Err(PabulibError::Unsupported(
            "the budget must be more than nothing".into(),
        ));
    }
    let (counting_rule, score_threshold) = rule_of(election, &mut notes);
    let now = db::now();
    let opened = meta_date(&election.meta, "date_begin").unwrap_or(now);
    let closed = meta_date(&election.meta, "date_end")
        .map_or(now, |day| day + DAY)
        .max(opened);
    let (title, description) = describe(election, fallback_title);
    let settings = ProcessSettings {
        title,
        description,
        area_code: None,
        budget_pence,
        currency: election.meta.get("currency").unwrap_or("GBP").to_owned(),
        minimum_age: None,
        ballot: ballot_rules(election)?,
        counting_rule,
        score_threshold,
        // Published results follow the file's PROJECTS order in a tie.
        tie_break: TieBreak::Listed,
        tie_seed: None,
        show_running_totals: false,
        dates: PhaseDates {
            proposals_open_at: opened,
            review_starts_at: opened,
            voting_opens_at: opened,
            voting_closes_at: closed,
            delivery_starts_at: closed,
        },
    };
    let mut tx = db.begin_write().await?;
    let process_id = store::insert_process(&mut tx, &settings, None, true).await?;
    let mut ids = Vec::with_capacity(election.projects.len());
    for project in &election.projects {
        let cost = to_pence(project.cost, &format!("the cost of project {}", project.id))?;
        if cost <= 0 {
            return Err(PabulibError::Unsupported(format!(
                "project {} costs nothing; coprod needs every project to have a cost",
                project.id
            )));
        }
        let new = NewProposal {
            process_id,
            title: title_of(election, project),
            description: column(election, project, "description")
                .unwrap_or("")
                .to_owned(),
            location: String::new(),
            category_id: None,
            estimated_cost_pence: cost,
            channel: "imported",
            proposer: None,
            entered_by: None,
        };
        let id = store::insert_proposal(&mut tx, &new, "accepted", Some(&project.id)).await?;
        if let Some(selected) = project.selected {
            let selected = i64::try_from(selected).map_err(|_| {
                PabulibError::Unsupported(format!(
                    "project {} has a selected value too large to keep",
                    project.id
                ))
            })?;
            store::set_published_selected(&mut tx, id, selected).await?;
        }
        ids.push(id);
    }
    let ordinal = election.vote_type == VoteType::Ordinal;
    let ballots: Vec<Vec<Choice>> = election
        .ballots
        .iter()
        .map(|ballot| {
            ballot
                .choices
                .iter()
                .enumerate()
                .filter(|(i, _)| ballot.points.get(*i).is_none_or(|p| *p > 0))
                .map(|(i, project)| Choice {
                    proposal_id: ids[*project as usize],
                    points: ballot.points.get(i).map(|p| i64::from(*p)),
                    position: ordinal.then(|| i64::try_from(i + 1).unwrap_or(i64::MAX)),
                })
                .collect()
        })
        .collect();
    ballot_box::insert_ballots(&mut tx, process_id, "imported", &ballots).await?;
    tx.commit().await?;
    Ok(Imported {
        process_id,
        projects: ids.len(),
        ballots: ballots.len(),
        notes,
    })
}

/// The pabulib name of a counting rule: its own for equal shares, coprod's
/// for the rest (which coprod reads back).
fn meta_rule(rule: &str) -> &str {
    match rule {
        "mes" => "equalshares",
        "mes-add1" => "equalshares/add1",
        other => other,
    }
}

/// A date in pabulib's `dd.mm.yyyy`.
fn pabulib_date(seconds: i64) -> String {
    let date = Date::of_unix_seconds(seconds);
    format!("{:02}.{:02}.{:04}", date.day, date.month, date.year)
}

/// How pabulib names a ballot's channel in `voting_method`.
fn voting_method(channel: &str) -> &'static str {
    match channel {
        "online" => "internet",
        "in_person" => "in-person",
        "paper" => "paper",
        _ => "",
    }
}

/// One line of text, for a field: line breaks become spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// META for a closed process: its settings in pabulib's keys.
fn export_meta(process: &super::store::Process, projects: usize, ballots: usize) -> Meta {
    let s = &process.settings;
    let mut meta = Meta::default();
    meta.set("description", &one_line(&s.title));
    meta.set("num_projects", &projects.to_string());
    meta.set("num_votes", &ballots.to_string());
    meta.set("budget", &decimal(s.budget_pence).to_string());
    meta.set("vote_type", vote_type_of(s.ballot).name());
    meta.set("rule", meta_rule(&s.counting_rule));
    meta.set("date_begin", &pabulib_date(s.dates.voting_opens_at));
    meta.set(
        "date_end",
        &pabulib_date((s.dates.voting_closes_at - 1).max(s.dates.voting_opens_at)),
    );
    match s.ballot {
        BallotRules::Approval {
            max_choices,
            max_total_cost,
        } => {
            if let Some(most) = max_choices {
                meta.set("max_length", &most.to_string());
            }
            if let Some(most) = max_total_cost {
                meta.set("max_sum_cost", &decimal(most).to_string());
            }
        }
        BallotRules::Cumulative { points_total } => {
            meta.set("max_sum_points", &points_total.to_string());
        }
        BallotRules::Ranked { ranks } => meta.set("max_length", &ranks.to_string()),
    }
    if let Some(threshold) = s.score_threshold {
        meta.set("min_project_score_threshold", &threshold.to_string());
    }
    meta.set("currency", &s.currency);
    meta.set("comment", &one_line(&s.description));
    meta
}

fn vote_type_of(ballot: BallotRules) -> VoteType {
    match ballot {
        BallotRules::Approval { .. } => VoteType::Approval,
        BallotRules::Cumulative { .. } => VoteType::Cumulative,
        BallotRules::Ranked { .. } => VoteType::Ordinal,
    }
}

/// Every ballot, numbered afresh, naming projects by their place in
/// `projects`, with its channel as pabulib's `voting_method`.
fn export_ballots(
    vote_type: VoteType,
    projects: &[Proposal],
    ballots: &[ballot_box::CountedBallot],
) -> Result<Ballots, BallotsFull> {
    let index: std::collections::BTreeMap<i64, u32> = projects
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, u32::try_from(i).unwrap_or(u32::MAX)))
        .collect();
    let mut cast = Ballots::new(vec!["voting_method".to_owned()]);
    cast.reserve(ballots.len());
    for (n, ballot) in ballots.iter().enumerate() {
        let mut choices: Vec<&Choice> = ballot
            .choices
            .iter()
            .filter(|c| index.contains_key(&c.proposal_id))
            .collect();
        choices.sort_by_key(|c| (c.position, c.proposal_id));
        let indexes: Vec<u32> = choices.iter().map(|c| index[&c.proposal_id]).collect();
        let points: Vec<u32> = if vote_type == VoteType::Cumulative {
            choices
                .iter()
                .map(|c| u32::try_from(c.points.unwrap_or(0)).unwrap_or(u32::MAX))
                .collect()
        } else {
            Vec::new()
        };
        cast.push(
            &(n + 1).to_string(),
            &indexes,
            &points,
            [voting_method(&ballot.channel)],
        )?;
    }
    Ok(cast)
}

/// The election of a closed process: its settings, the projects on its
/// ballot (with votes, score and, once counted, which were selected) and
/// every ballot.
pub async fn export(db: &Db, process_id: i64) -> Result<Election, PabulibError> {
    let process = store::find_process(db, process_id)
        .await?
        .ok_or(PabulibError::NoProcess(process_id))?;
    if process.phase() < Phase::Results {
        return Err(PabulibError::StillOpen(process_id));
    }
    let projects: Vec<Proposal> = store::ballot_proposals(db, process_id).await?;
    let ballots = ballot_box::all_ballots(db, process_id).await?;
    let tallies = ballot_box::tallies(db, process_id, process.settings.ballot.ranks()).await?;
    let funded = if counting::is_counted(db, process_id).await? {
        Some(counting::funded_ids(db, process_id).await?)
    } else {
        None
    };
    let vote_type = vote_type_of(process.settings.ballot);
    // Imported projects keep their file's ids, unless two would clash.
    let external: Vec<Option<&str>> = projects.iter().map(|p| p.external_id.as_deref()).collect();
    let mut unique = external.clone();
    unique.sort_unstable();
    unique.dedup();
    let keep_external = external.iter().all(Option::is_some) && unique.len() == external.len();
    let ranked = process.settings.ballot.ranks().is_some();
    let election_projects = projects
        .iter()
        .map(|p| {
            let tally = tallies.get(&p.id).copied().unwrap_or_default();
            Project {
                id: match (&p.external_id, keep_external) {
                    (Some(id), true) => id.clone(),
                    _ => p.id.to_string(),
                },
                cost: decimal(p.cost_pence()),
                votes: Some(u64::try_from(tally.votes).unwrap_or(0)),
                score: ranked.then(|| Decimal::from_whole(tally.score)),
                // A project the imported file marked as funded outside the
                // rule keeps its mark; the rest are this count's outcome.
                selected: match p.published_selected.and_then(|s| u64::try_from(s).ok()) {
                    Some(outside) if outside >= 2 => Some(outside),
                    _ => funded.as_ref().map(|f| u64::from(f.contains(&p.id))),
                },
                other: vec![
                    one_line(&p.title),
                    p.category.clone(),
                    one_line(&p.description),
                ],
            }
        })
        .collect();
    Ok(Election {
        meta: export_meta(&process, projects.len(), ballots.len()),
        budget: decimal(process.settings.budget_pence),
        vote_type,
        projects: election_projects,
        project_columns: vec!["name".into(), "category".into(), "description".into()],
        ballots: export_ballots(vote_type, &projects, &ballots)?,
    })
}

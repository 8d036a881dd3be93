//! Writing the pabulib `.pb` format, so that an election held in coprod can
//! be published and counted by other tools.
//!
//! The output reads back into an equal [`Election`]: fields are quoted only
//! when they must be (a semicolon, a quote or a line break inside), `budget`,
//! `vote_type`, `num_projects` and `num_votes` are written from the election
//! itself so that they always agree with the data (the budget keeps its
//! spelling when the amount is unchanged), and every other META entry and
//! column is kept as it was.
//!
//! Quoting is done here rather than through the `csv` crate's writer: the
//! rule is RFC 4180's (quote a field holding a semicolon, a quote or a line
//! break, doubling any quote), and writing into a `String` cannot fail, so
//! the writer's I/O error path would be dead code in every caller.

use super::decimal::Decimal;
use super::election::{Election, Project, VoteType};

/// The election as the text of a pabulib file.
pub fn write(election: &Election) -> String {
    let mut meta = election.meta.clone();
    // Keep the file's own spelling of the budget ("1000.50") when it is
    // the same amount.
    let budget_as_written = meta.get("budget").and_then(|b| Decimal::parse(b).ok());
    if budget_as_written != Some(election.budget) {
        meta.set("budget", &election.budget.to_string());
    }
    meta.set("vote_type", election.vote_type.name());
    meta.set("num_projects", &election.projects.len().to_string());
    meta.set("num_votes", &election.ballots.len().to_string());

    let mut out = Rows::default();
    out.row(["META"]);
    out.row(["key", "value"]);
    for (key, value) in meta.entries() {
        out.row([key, value]);
    }

    out.row(["PROJECTS"]);
    let has_votes = election.projects.iter().any(|p| p.votes.is_some());
    let has_score = election.projects.iter().any(|p| p.score.is_some());
    let has_selected = election.projects.iter().any(|p| p.selected.is_some());
    let mut header = vec!["project_id", "cost"];
    header.extend(has_votes.then_some("votes"));
    header.extend(has_score.then_some("score"));
    header.extend(election.project_columns.iter().map(String::as_str));
    header.extend(has_selected.then_some("selected"));
    out.row(header);
    for project in &election.projects {
        out.row(project_fields(project, has_votes, has_score, has_selected));
    }

    out.row(["VOTES"]);
    let cumulative = election.vote_type == VoteType::Cumulative;
    let mut header = vec!["voter_id", "vote"];
    header.extend(cumulative.then_some("points"));
    header.extend(election.ballots.columns().iter().map(String::as_str));
    out.row(header);
    let columns = election.ballots.columns().len();
    let mut fields: Vec<String> = Vec::new();
    for ballot in election.ballots.iter() {
        fields.clear();
        fields.push(ballot.voter_id.to_owned());
        let vote: Vec<&str> = ballot
            .choices
            .iter()
            .map(|&index| election.projects[index as usize].id.as_str())
            .collect();
        fields.push(vote.join(","));
        if cumulative {
            let points: Vec<String> = ballot.points.iter().map(u32::to_string).collect();
            fields.push(points.join(","));
        }
        fields.extend((0..columns).map(|index| ballot.other(index).unwrap_or("").to_owned()));
        out.row(&fields);
    }
    out.finish()
}

fn project_fields(
    project: &Project,
    has_votes: bool,
    has_score: bool,
    has_selected: bool,
) -> Vec<String> {
    let missing = || "None".to_owned();
    let mut fields = vec![project.id.clone(), project.cost.to_string()];
    if has_votes {
        fields.push(project.votes.map_or_else(missing, |v| v.to_string()));
    }
    if has_score {
        fields.push(project.score.map_or_else(missing, |s| s.to_string()));
    }
    fields.extend(project.other.iter().cloned());
    if has_selected {
        fields.push(project.selected.map_or_else(missing, |s| s.to_string()));
    }
    fields
}

/// Semicolon CSV rows of any width, quoted only where needed.
#[derive(Default)]
struct Rows {
    text: String,
}

impl Rows {
    fn row<I>(&mut self, fields: I)
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        for (index, field) in fields.into_iter().enumerate() {
            if index > 0 {
                self.text.push(';');
            }
            let field = field.as_ref();
            if field.contains([';', '"', '\n', '\r']) {
                self.text.push('"');
                self.text.push_str(&field.replace('"', "\"\""));
                self.text.push('"');
            } else {
                self.text.push_str(field);
            }
        }
        self.text.push('\n');
    }

    fn finish(self) -> String {
        self.text
    }
}

//! `coprod star report`: the Co-Production Star of one organisation or of
//! all of them, for people (a short summary) or for other tools (`--json`,
//! the shape the API's `/api/v1/star/report` also gives).

use std::fmt::Write as _;

use anyhow::bail;
use clap::{ArgGroup, Subcommand};
use coprod_server::{db::Db, star::report};

use crate::standard_output;

#[derive(Subcommand)]
pub enum StarCommand {
    /// Each organisation's latest star and its initiatives' business cases.
    #[command(group(ArgGroup::new("which").required(true).args(["organisation", "all"])))]
    Report {
        /// The organisation's id (see `/admin/organisations`).
        organisation: Option<i64>,
        /// Every organisation of the partnership.
        #[arg(long)]
        all: bool,
        /// Print one JSON object instead of a summary.
        #[arg(long)]
        json: bool,
    },
}

pub async fn run<F, Fut>(command: StarCommand, open: F) -> anyhow::Result<()>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<Db>>,
{
    let StarCommand::Report {
        organisation,
        all,
        json,
    } = command;
    let db = open().await?;
    let only = if all { None } else { organisation };
    let Some(built) = report::build(&db, only).await? else {
        db.close().await;
        bail!(
            "there is no organisation with id {}; `coprod star report --all` lists every one",
            organisation.unwrap_or_default()
        );
    };
    db.close().await;
    let text = if json {
        let mut text = serde_json::to_string_pretty(&built)?;
        text.push('\n');
        text
    } else {
        summary(&built)
    };
    standard_output::write(&text)
}

fn score(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.1}"))
}

fn summary(built: &report::StarReport) -> String {
    let mut out = String::new();
    for organisation in &built.organisations {
        let s = &organisation.star;
        let _ = writeln!(out, "{} (id {})", organisation.name, organisation.id);
        let _ = writeln!(
            out,
            "  Four Co's: commissioning {}, design {}, delivery {}, assessment {}",
            score(s.co_commissioning),
            score(s.co_design),
            score(s.co_delivery),
            score(s.co_assessment)
        );
        let _ = writeln!(
            out,
            "  Five Steps: map {}, focus {}, people {}, market {}, grow {}",
            score(s.map_it),
            score(s.focus_it),
            score(s.people_it),
            score(s.market_it),
            score(s.grow_it)
        );
        for initiative in &organisation.initiatives {
            let case = initiative.business_case.as_ref().map_or_else(
                || "no business case".to_owned(),
                |c| {
                    format!(
                        "£{:.2} in, present value £{:.2}, ratio {}",
                        c.inputs,
                        c.present_value,
                        c.sroi_ratio
                            .map_or_else(|| "–".to_owned(), |r| format!("{r:.2}"))
                    )
                },
            );
            let _ = writeln!(out, "  - {}: {}", initiative.name, case);
        }
    }
    out
}

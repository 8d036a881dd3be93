//! `coprod people export` and `coprod people erase`: a person's rights of
//! access and erasure, for an operator answering a request made by letter,
//! phone or email. They do what the administrators' pages do, and are
//! audited the same way (with no account as the actor).

use std::{fmt::Write as _, path::PathBuf};

use anyhow::{Context, bail};
use clap::{ArgGroup, Args, Subcommand};
use coprod_server::{
    db::Db,
    privacy::{
        erase::{self, Eraser},
        export::{self, Requester},
        subject::{self, Found, Subject},
    },
};

use crate::standard_output;

#[derive(Subcommand)]
pub enum PeopleCommand {
    /// Write everything held about a person as one JSON document (subject access).
    Export {
        #[command(flatten)]
        who: Who,
        /// Where to write it [default: standard output]
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Remove a person's identifying data everywhere (erasure). Hours in the
    /// time bank, votes and survey scores stay, without their name.
    Erase {
        #[command(flatten)]
        who: Who,
        /// Erase for real; without it, say what would be erased and stop.
        #[arg(long)]
        yes: bool,
    },
}

/// Which person: by email, or by coordination person id for people
/// without an email address.
#[derive(Args)]
#[command(group(ArgGroup::new("who").required(true).args(["email", "person"])))]
pub struct Who {
    /// The email address of their account (or of their co-delivery record).
    #[arg(long, value_name = "E")]
    email: Option<String>,
    /// The id of their co-delivery record (see `/coordination/people`).
    #[arg(long, value_name = "ID")]
    person: Option<i64>,
}

impl Who {
    fn subject(&self) -> Subject {
        match (&self.email, self.person) {
            (Some(email), _) => Subject::Email(email.clone()),
            (None, Some(id)) => Subject::Person(id),
            (None, None) => Subject::Person(0),
        }
    }
}

async fn find(db: &Db, subject: &Subject) -> anyhow::Result<Found> {
    let mut conn = db.pool().acquire().await?;
    match subject::resolve(&mut conn, subject).await? {
        Some(found) => Ok(found),
        None => bail!("there is no {subject} in this database"),
    }
}

pub async fn run<F, Fut>(command: PeopleCommand, open: F) -> anyhow::Result<()>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<Db>>,
{
    let db = open().await?;
    let result = match command {
        PeopleCommand::Export { who, out } => export_to(&db, &who.subject(), out).await,
        PeopleCommand::Erase { who, yes } => erase_now(&db, &who.subject(), yes).await,
    };
    db.close().await;
    result
}

async fn export_to(db: &Db, subject: &Subject, out: Option<PathBuf>) -> anyhow::Result<()> {
    let found = find(db, subject).await?;
    let document = export::export(
        db,
        &found,
        Requester {
            account_id: None,
            ip: "",
            channel: "command line",
        },
    )
    .await?;
    let mut text = serde_json::to_string_pretty(&document)?;
    text.push('\n');
    match out {
        Some(path) => std::fs::write(&path, text)
            .with_context(|| format!("could not write {}", path.display())),
        None => standard_output::write(&text),
    }
}

async fn erase_now(db: &Db, subject: &Subject, yes: bool) -> anyhow::Result<()> {
    let found = find(db, subject).await?;
    if !yes {
        let plan = erase::plan(db, &found).await?;
        let mut what = format!("this would erase {subject}: the name {:?}", plan.name);
        if let Some(email) = &plan.email {
            let _ = write!(what, ", the email address {email}");
        }
        if let Some(phone) = &plan.phone {
            let _ = write!(what, ", the phone number {phone}");
        }
        for (kind, n) in &plan.counts {
            let _ = write!(what, "; {n} {}", kind.replace('_', " "));
        }
        bail!(
            "{what}. Hours in the time bank, votes and survey scores stay. It cannot be undone: run again with --yes to erase"
        );
    }
    let erased = erase::erase(
        db,
        &found,
        Eraser {
            account_id: None,
            ip: "",
        },
    )
    .await?;
    standard_output::write(&format!(
        "erased {subject}; their records now read {}\n",
        erased.pseudonym
    ))
}

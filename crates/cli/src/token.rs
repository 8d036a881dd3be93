//! `coprod token create` and `coprod token revoke`: bearer tokens for an
//! organisation's systems, issued and withdrawn by an operator. `create`
//! prints the token and nothing else on standard output, so a script can
//! take it whole; it is shown once and only its hash is kept.

use anyhow::{Context as _, bail};
use clap::Subcommand;
use coprod_server::{
    api::tokens,
    audit::{self, Action, Event},
    coprod_engine::people::LineOfText,
    db::Db,
    organisations::store as organisations,
};

use crate::standard_output;

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Issue a token for an organisation's system; prints only the token.
    Create {
        /// The organisation the token acts for (see `/admin/organisations`).
        #[arg(long, value_name = "ORG_ID")]
        organisation: i64,
        /// A name to know it by, unique among tokens in use.
        #[arg(long)]
        name: String,
    },
    /// Stop the token with this name from working.
    Revoke {
        /// The name it was created with.
        name: String,
    },
}

pub async fn run<F, Fut>(command: TokenCommand, open: F) -> anyhow::Result<()>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<Db>>,
{
    let db = open().await?;
    match command {
        TokenCommand::Create { organisation, name } => {
            let name = LineOfText::parse(&name)
                .map_err(|_| anyhow::anyhow!("--name must be one line of text, not empty"))?;
            if organisations::find(&db, organisation).await?.is_none() {
                bail!("there is no organisation with id {organisation}");
            }
            if tokens::active_named(&db, name.as_str()).await? {
                bail!(
                    "a token named {:?} is already in use: revoke it first or choose another name",
                    name.as_str()
                );
            }
            let (id, token) = tokens::issue(&db, &name, organisation, None)
                .await
                .context("could not store the token")?;
            audit::record(
                &db,
                Event::new(Action::ApiTokenCreated, None, "")
                    .subject("api_token", id)
                    .detail("by the coprod command"),
            )
            .await?;
            standard_output::write(&format!("{token}\n"))
        }
        TokenCommand::Revoke { name } => {
            let revoked = tokens::revoke_named(&db, &name).await?;
            if revoked.is_empty() {
                bail!("there is no token in use named {name:?}");
            }
            for id in revoked {
                audit::record(
                    &db,
                    Event::new(Action::ApiTokenRevoked, None, "")
                        .subject("api_token", id)
                        .detail("by the coprod command"),
                )
                .await?;
            }
            eprintln!("revoked the token named {name:?}");
            Ok(())
        }
    }
}

//! The teams' pages: the list and setting a team up, its members, its
//! caseload with each person's lead and handovers, and its view of today.
//! A team none of whose doors the reader may open answers 404, as for any
//! record they may not know of.

/// The caseload: taking people on, one person's lead and handovers.
pub mod caseload;
/// The list, setting a team up, and its members.
pub mod teams;
/// The team's view of today.
pub mod today;

use serde::Deserialize;
use sqlx::AnyConnection;

use super::{Standing, model::Team, standing, store};
use crate::{
    accounts::CurrentUser,
    audit::{self, Action, Event},
    error::{AppError, Result},
    web::Shell,
};

/// The team `id`, if `user` stands with it as `allowed` asks; otherwise
/// not found.
pub async fn team_for(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    id: i64,
    allowed: fn(Standing) -> bool,
) -> Result<(Team, Standing)> {
    let team = store::find(conn, id).await?.ok_or(AppError::NotFound)?;
    let standing = standing(conn, user, &team).await?;
    if allowed(standing) {
        Ok((team, standing))
    } else {
        Err(AppError::NotFound)
    }
}

/// Records a change to a team, in the caller's transaction.
pub async fn team_changed(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    ip: &str,
    action: Action,
    team_id: i64,
    detail: String,
) -> Result<()> {
    audit::record_in(
        conn,
        Event::new(action, Some(user.account_id), ip)
            .subject("team", team_id)
            .detail(detail),
    )
    .await?;
    Ok(())
}

/// Records a read of, or a change to, a person's place on a team's
/// caseload, in the caller's transaction.
pub async fn person_event(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    ip: &str,
    action: Action,
    person_id: i64,
    detail: String,
) -> Result<()> {
    audit::record_in(
        conn,
        Event::new(action, Some(user.account_id), ip)
            .subject("coordination_person", person_id)
            .detail(detail),
    )
    .await?;
    Ok(())
}

/// What a redirect after a form asks the next page to say.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct Flash {
    pub done: String,
}

const DONE: &[&str] = &[
    "created",
    "member_added",
    "member_removed",
    "taken_on",
    "handed_over",
    "taken_off",
];

impl Flash {
    pub fn message(&self, shell: &Shell) -> String {
        if DONE.contains(&self.done.as_str()) {
            shell.t(&format!("teams.done.{}", self.done))
        } else {
            String::new()
        }
    }
}

//! The record's pages: the list, the record and its form, the plan and
//! the circle. Each reads the record and writes its audit row in one
//! transaction.

/// The circle of support: the rings, the table, adding and removing ties.
pub mod circle;
/// The people the reader's organisations hold.
pub mod list;
/// The conversation and the agreed plan.
pub mod plan;
/// The record: creating, reading and changing it.
pub mod record;

use serde::Deserialize;
use sqlx::AnyConnection;

use super::{PEOPLE_ROLES, model::Record, store};
use crate::{
    accounts::CurrentUser,
    audit::{self, Action, Event, ReadOf},
    error::{AppError, Result},
    web::Shell,
};

/// A record, if `user` works on records of the organisation holding it;
/// anyone else is told it is not there, as for any record they may not
/// know of.
pub async fn held(conn: &mut AnyConnection, user: &CurrentUser, id: i64) -> Result<Record> {
    store::record::find(conn, id)
        .await?
        .filter(|r| user.may(PEOPLE_ROLES, r.person.organisation_id))
        .ok_or(AppError::NotFound)
}

/// Records that `user` was shown record `id`, in the caller's transaction.
pub async fn read(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    ip: &str,
    id: i64,
    why: &str,
) -> Result<()> {
    audit::person_read(conn, user, ReadOf::Person(id), ip, why).await?;
    Ok(())
}

/// Records a change to record `id`, in the caller's transaction.
pub async fn changed(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    ip: &str,
    action: Action,
    id: i64,
    detail: String,
) -> Result<()> {
    audit::record_in(
        conn,
        Event::new(action, Some(user.account_id), ip)
            .subject("coordination_person", id)
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

/// Codes a page may report, each with its message under `people.done`.
const DONE: &[&str] = &[
    "created",
    "saved",
    "tie_added",
    "tie_removed",
    "conversation",
    "goal",
    "action",
    "review",
    "action_done",
    "goal_status",
];

impl Flash {
    pub fn message(&self, shell: &Shell) -> String {
        if DONE.contains(&self.done.as_str()) {
            shell.t(&format!("record.done.{}", self.done))
        } else {
            String::new()
        }
    }
}

/// Paragraphs of text as typed, for pages (blank lines part them).
pub fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

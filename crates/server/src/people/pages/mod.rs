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

use super::{
    model::Record,
    reach::{self, Reading},
    store,
};
use crate::{
    accounts::CurrentUser,
    audit::{self, Action, Event, ReadOf},
    error::{AppError, Result},
    web::Shell,
};

/// A record, and how `user` reads it, if the record's rule
/// ([`reach`](super::reach)) lets them: they work on records of the
/// organisation holding it and, when it is on a team's caseload, they are
/// on such a team or a partnership administrator. Anyone else is told it
/// is not there, as for any record they may not know of.
pub async fn held(conn: &mut AnyConnection, user: &CurrentUser, id: i64) -> Result<Held> {
    let Some(record) = store::record::find(conn, id).await? else {
        return Err(AppError::NotFound);
    };
    let reading = reach::reading(conn, user, &record)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Held { record, reading })
}

/// A record the reader may read, and how they came to.
pub struct Held {
    pub record: Record,
    pub reading: Reading,
}

/// Records that `user` was shown the record, in the caller's transaction,
/// with how they came to read it.
pub async fn read(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    ip: &str,
    held: &Held,
    why: &str,
) -> Result<()> {
    audit::person_read(
        conn,
        user,
        ReadOf::Person(held.record.id()),
        ip,
        &format!("{why}, {}", held.reading.describe()),
    )
    .await?;
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

//! The planning pages: public plans, their easy-read versions and "you
//! said, we did" (`public`); the managers' plan pages (`manage`) and
//! entries (`entries`). A plan the reader does not keep answers 404 on
//! every staff page, as for any record they may not know of.

/// Drafting, evidencing and signing off "you said, we did".
pub mod entries;
/// Managers' pages for a plan and its parts.
pub mod manage;
/// The public pages.
pub mod public;

use serde::Deserialize;
use sqlx::AnyConnection;

use super::{keeps, model::Plan, store};
use crate::{
    accounts::CurrentUser,
    audit::{self, Action, Event},
    error::{AppError, Result},
    web::Shell,
};

/// The plan `id`, if `user` keeps it; otherwise not found.
pub async fn kept_plan(conn: &mut AnyConnection, user: &CurrentUser, id: i64) -> Result<Plan> {
    let plan = store::find(conn, id).await?.ok_or(AppError::NotFound)?;
    if keeps(user, &plan) {
        Ok(plan)
    } else {
        Err(AppError::NotFound)
    }
}

/// Records a change to a plan, in the caller's transaction.
pub async fn plan_changed(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    ip: &str,
    action: Action,
    plan_id: i64,
    detail: String,
) -> Result<()> {
    audit::record_in(
        conn,
        Event::new(action, Some(user.account_id), ip)
            .subject("plan", plan_id)
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
    "saved",
    "outcome_added",
    "priority_added",
    "indicator_added",
    "figure_recorded",
    "figure_corrected",
    "linked",
    "already_linked",
    "unlinked",
    "entry_created",
    "entry_saved",
    "entry_reopened",
    "evidence_added",
    "evidence_removed",
    "signed_off",
    "already_signed_off",
];

impl Flash {
    pub fn message(&self, shell: &Shell) -> String {
        if DONE.contains(&self.done.as_str()) {
            shell.t(&format!("planning.done.{}", self.done))
        } else {
            String::new()
        }
    }
}

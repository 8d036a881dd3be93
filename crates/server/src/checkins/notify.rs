//! An urgent concern by email to the coordinators of the organisation
//! holding the person's record, through the outgoing mail. The email names
//! nobody: it says a concern is waiting and links to it, so nothing about
//! the person leaves the platform.

use coprod_engine::checkins::concern::Urgency;

use super::store;
use crate::{app::AppState, web::Shell};

/// Tells the coordinators of `holder` that an urgent concern is waiting.
/// Never fails the step that raised it: problems are logged.
pub async fn urgent(
    state: &AppState,
    shell: &Shell,
    concern_id: i64,
    holder: Option<i64>,
    urgency: Urgency,
) {
    if urgency != Urgency::Urgent {
        return;
    }
    if let Err(error) = try_urgent(state, shell, concern_id, holder).await {
        tracing::error!(concern_id, error = %error, "could not send an urgent concern alert");
    }
}

async fn try_urgent(
    state: &AppState,
    shell: &Shell,
    concern_id: i64,
    holder: Option<i64>,
) -> anyhow::Result<()> {
    let mut conn = state.db.pool().acquire().await?;
    let recipients = store::coordinator_emails(&mut conn, holder).await?;
    drop(conn);
    let link = format!(
        "{}/concerns/{concern_id}",
        state.settings.public_url.trim_end_matches('/')
    );
    let subject = shell.t("checkins.mail.urgent.subject");
    let body = shell.t1("checkins.mail.urgent.body", &link);
    for to in recipients {
        state.mailer.send(&to, &subject, &body).await?;
    }
    Ok(())
}

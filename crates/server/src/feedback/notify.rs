//! Telling the person by email, when they gave an address, that their item
//! was received or moved on. The mail says what happened and links to the
//! page their reference opens; the words of the response are on that page,
//! not in the mail. A failure to send never undoes the step: it is logged.

use super::model::Feedback;
use crate::{app::AppState, web::Shell};

/// Mails the person about `what` (`received`, or a step's key).
pub async fn person(state: &AppState, shell: &Shell, item: &Feedback, what: &str) {
    if item.email.is_empty() || !crate::mail::Mailer::deliverable(&item.email) {
        return;
    }
    let link = format!(
        "{}/feedback/track/{}",
        state.settings.public_url.trim_end_matches('/'),
        item.reference
    );
    let subject = shell.t1("feedback.mail.subject", &item.reference);
    let mut body = shell.tn(
        &format!("feedback.mail.{what}"),
        &[&item.reference, &item.about_name],
    );
    body.push_str("\n\n");
    body.push_str(&shell.t1("feedback.mail.link", &link));
    if what == "decide" {
        body.push_str("\n\n");
        body.push_str(&shell.t("feedback.spso"));
    }
    if let Err(error) = state.mailer.send(&item.email, &subject, &body).await {
        tracing::error!(feedback_id = item.id, error = %error, "could not tell the person by email");
    }
}

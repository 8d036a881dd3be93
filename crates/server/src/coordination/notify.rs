//! Email to the people a change concerns: a volunteer asked to help, a
//! coordinator told of an answer, both sides told when help is agreed,
//! ended or needs cover. Mail goes through the foundation's settings; a
//! message that cannot be sent is logged and the change stands. Messages
//! hold no address or contact details, only a link to sign in and see.

use sqlx::AnyConnection;

use super::{model::MatchRecord, store, views};
use crate::{app::AppState, web::Shell};

/// Where a person can be written to: their contact email, else their
/// sign-in's.
async fn email_of(conn: &mut AnyConnection, person_id: i64) -> Result<Option<String>, sqlx::Error> {
    let Some(person) = store::people::find(conn, person_id).await? else {
        return Ok(None);
    };
    if person.email.is_some() {
        return Ok(person.email);
    }
    let Some(account) = person.account_id else {
        return Ok(None);
    };
    let row: Option<(String,)> = sqlx::query_as("SELECT email FROM accounts WHERE id = $1")
        .bind(account)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|(email,)| email))
}

async fn account_email(
    conn: &mut AnyConnection,
    account: Option<i64>,
) -> Result<Option<String>, sqlx::Error> {
    let Some(account) = account else {
        return Ok(None);
    };
    let row: Option<(String,)> = sqlx::query_as("SELECT email FROM accounts WHERE id = $1")
        .bind(account)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|(email,)| email))
}

/// What changed, which decides who hears of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A coordinator proposed: the volunteer is asked.
    Proposed,
    /// The volunteer agreed: the person helped and the coordinator hear.
    Accepted,
    /// The volunteer declined: the coordinator hears.
    Declined,
    /// A coordinator took the proposal back: the volunteer hears.
    Withdrawn,
    /// Weekly help ended: both sides and the coordinator hear.
    Ended,
    /// A day was called off and needs someone to stand in: the coordinator
    /// hears.
    CoverNeeded,
}

impl Change {
    fn key(self) -> &'static str {
        match self {
            Change::Proposed => "proposed",
            Change::Accepted => "accepted",
            Change::Declined => "declined",
            Change::Withdrawn => "withdrawn",
            Change::Ended => "ended",
            Change::CoverNeeded => "cover_needed",
        }
    }
}

/// Tells those concerned about a change to `held`. Never fails the change:
/// problems are logged.
pub async fn tell(state: &AppState, shell: &Shell, held: &MatchRecord, change: Change) {
    if let Err(error) = try_tell(state, shell, held, change).await {
        tracing::error!(match_id = held.id, error = %error, "could not send a notification");
    }
}

async fn try_tell(
    state: &AppState,
    shell: &Shell,
    held: &MatchRecord,
    change: Change,
) -> anyhow::Result<()> {
    let mut conn = state.db.pool().acquire().await?;
    let offer = store::offers::find(&mut conn, held.offer_id).await?;
    let request = store::requests::find(&mut conn, held.request_id).await?;
    let (Some(offer), Some(request)) = (offer, request) else {
        return Ok(());
    };
    let helper = email_of(&mut conn, offer.person_id).await?;
    let requester = email_of(&mut conn, request.person_id).await?;
    let coordinator = account_email(&mut conn, held.proposed_by).await?;
    let recipients: Vec<Option<String>> = match change {
        Change::Proposed | Change::Withdrawn => vec![helper],
        Change::Accepted => vec![requester, coordinator],
        Change::Declined | Change::CoverNeeded => vec![coordinator],
        Change::Ended => vec![helper, requester, coordinator],
    };
    let terms = views::term_names(&mut conn).await?;
    let what = views::category(&terms, &request.category);
    let when = views::match_when(shell, held);
    let link = format!(
        "{}/help/matches/{}",
        state.settings.public_url.trim_end_matches('/'),
        held.id
    );
    let key = change.key();
    let subject = shell.t1(&format!("coordination.mail.{key}.subject"), &what);
    let body = crate::web::i18n::fill(
        &shell.t(&format!("coordination.mail.{key}.body")),
        &[&what, &when, &request.area_hint(), &link],
    );
    let mut sent = Vec::new();
    for to in recipients.into_iter().flatten() {
        if sent.contains(&to) {
            continue;
        }
        state.mailer.send(&to, &subject, &body).await?;
        sent.push(to);
    }
    Ok(())
}

//! Removing what has served its purpose: expired sessions, old sign-in
//! attempts and dead reset links, and the keys that linked online ballots
//! to voters once a vote has closed; the typed email of failed sign-ins
//! once the throttling window has passed; and, once a day, every retention
//! period of the settings (`privacy::retention`). Every instance may run
//! it; each step is idempotent, so running it twice at once does no harm.

use std::{sync::Arc, time::Duration};

use crate::{
    accounts::store as accounts,
    db::{self, Db, StoreResult},
    privacy::retention,
    settings::Settings,
};

/// How often the sweep runs in a serving process.
const EVERY: Duration = Duration::from_secs(15 * 60);
/// How often the retention periods are applied.
const DAILY: Duration = Duration::from_secs(24 * 60 * 60);
/// Sign-in attempts and spent reset links are kept this long, for
/// throttling and for looking into a complaint.
const KEEP_SECONDS: i64 = 24 * 60 * 60;

/// What one sweep removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub sessions: u64,
    pub login_attempts: u64,
    pub password_resets: u64,
    /// Budgeting votes sealed because their voting had closed.
    pub votes_sealed: u64,
}

/// Deletes everything that was dead before `now`.
pub async fn sweep(db: &Db, now: i64) -> StoreResult<Swept> {
    let sessions = accounts::remove_expired_sessions(db, now).await?;
    let login_attempts = accounts::remove_login_attempts_before(db, now - KEEP_SECONDS).await?;
    let password_resets =
        accounts::remove_reset_links_expired_before(db, now - KEEP_SECONDS).await?;
    let votes_sealed = crate::budgeting::ballot_box::seal_closed(db, now).await?;
    Ok(Swept {
        sessions,
        login_attempts,
        password_resets,
        votes_sealed: u64::try_from(votes_sealed).unwrap_or(u64::MAX),
    })
}

/// Runs [`sweep`] now and then every quarter of an hour, and the retention
/// periods now and then once a day, until the process ends.
pub fn spawn(db: Db, settings: Arc<Settings>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(EVERY);
        let mut retained_at: Option<tokio::time::Instant> = None;
        loop {
            ticks.tick().await;
            let due = retained_at.is_none_or(|at| at.elapsed() >= DAILY);
            let outcome = if due {
                retention::apply(&db, &settings, db::now())
                    .await
                    .map(|retained| {
                        retained_at = Some(tokio::time::Instant::now());
                        tracing::info!(?retained, "housekeeping applied the retention periods");
                    })
            } else {
                retention::forget_typed_emails(&db, &settings, db::now())
                    .await
                    .map(|_| ())
            };
            if let Err(error) = outcome {
                tracing::warn!(error = %error, "retention failed; it will try again");
            }
            match sweep(&db, db::now()).await {
                Ok(swept) if swept != Swept::default() => tracing::info!(
                    sessions = swept.sessions,
                    login_attempts = swept.login_attempts,
                    password_resets = swept.password_resets,
                    votes_sealed = swept.votes_sealed,
                    "housekeeping removed expired records"
                ),
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(error = %error, "housekeeping failed; it will try again");
                }
            }
        }
    })
}

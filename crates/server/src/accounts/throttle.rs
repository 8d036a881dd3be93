//! Sign-in throttling, kept in the database so every app instance sees the
//! same count: too many failures for one account, or from one address,
//! within the window, and further attempts are refused until it passes.

use crate::{app::AppState, db};

/// Whether a sign-in for `email` from `ip` must wait.
pub async fn is_paused(state: &AppState, email: &str, ip: &str) -> Result<bool, sqlx::Error> {
    let settings = &state.settings;
    let since = db::now() - settings.throttle_window_minutes * 60;
    let (by_account,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM login_attempts WHERE email = $1 AND attempted_at > $2 AND succeeded = 0",
    )
    .bind(email)
    .bind(since)
    .fetch_one(state.db.pool())
    .await?;
    if by_account >= settings.throttle_account_failures {
        return Ok(true);
    }
    let (by_ip,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM login_attempts WHERE ip = $1 AND attempted_at > $2 AND succeeded = 0",
    )
    .bind(ip)
    .bind(since)
    .fetch_one(state.db.pool())
    .await?;
    Ok(by_ip >= settings.throttle_ip_failures)
}

/// Records an attempt. A success clears the account's earlier failures, so a
/// person who finally remembers their password starts afresh.
pub async fn record(
    state: &AppState,
    email: &str,
    ip: &str,
    succeeded: bool,
) -> Result<(), sqlx::Error> {
    if succeeded {
        sqlx::query("DELETE FROM login_attempts WHERE email = $1 AND succeeded = 0")
            .bind(email)
            .execute(state.db.pool())
            .await?;
    }
    sqlx::query(
        "INSERT INTO login_attempts (email, ip, attempted_at, succeeded) VALUES ($1, $2, $3, $4)",
    )
    .bind(email)
    .bind(ip)
    .bind(db::now())
    .bind(i64::from(succeeded))
    .execute(state.db.pool())
    .await?;
    Ok(())
}

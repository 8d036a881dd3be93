//! Limits on what a stranger can ask for without signing in, kept in the
//! database so every app instance sees the same count. Each limited action
//! is counted per email address and per client address within a window; at
//! the limit, further attempts are refused until the window has moved on.
//!
//! - Sign-in counts failures only: too many for one account, or from one
//!   client, and sign-ins pause. A success clears the account's failures.
//! - A password reset request counts every request, whether or not the
//!   address has an account (so the limit reveals nothing): each may send
//!   a mail.
//! - A sign-up counts every form that got as far as hashing the password,
//!   including ones refused because the address is taken.

use super::store;
use crate::{
    app::AppState,
    db::{self, StoreResult},
    settings::Settings,
};

/// What was attempted, as stored in `login_attempts.action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    SignIn,
    PasswordReset,
    SignUp,
}

/// How many attempts of one kind are allowed, and over how long.
struct Limit {
    per_address: i64,
    per_client: i64,
    window_minutes: i64,
    failures_only: bool,
}

impl Attempt {
    fn as_str(self) -> &'static str {
        match self {
            Attempt::SignIn => "sign_in",
            Attempt::PasswordReset => "password_reset",
            Attempt::SignUp => "sign_up",
        }
    }

    fn limit(self, settings: &Settings) -> Limit {
        match self {
            Attempt::SignIn => Limit {
                per_address: settings.throttle_account_failures,
                per_client: settings.throttle_ip_failures,
                window_minutes: settings.throttle_window_minutes,
                failures_only: true,
            },
            Attempt::PasswordReset => Limit {
                per_address: settings.reset_requests_per_address,
                per_client: settings.reset_requests_per_client,
                window_minutes: settings.request_window_minutes,
                failures_only: false,
            },
            Attempt::SignUp => Limit {
                per_address: settings.sign_ups_per_address,
                per_client: settings.sign_ups_per_client,
                window_minutes: settings.request_window_minutes,
                failures_only: false,
            },
        }
    }

    /// The minutes to wait at most, for telling the person.
    pub fn window_minutes(self, settings: &Settings) -> i64 {
        self.limit(settings).window_minutes
    }
}

/// Whether an `attempt` for `email` (lower-cased) from `ip` must wait.
pub async fn is_paused(
    state: &AppState,
    attempt: Attempt,
    email: &str,
    ip: &str,
) -> StoreResult<bool> {
    let limit = attempt.limit(&state.settings);
    let since = db::now() - limit.window_minutes * 60;
    // `succeeded` is 0 or 1, so "below 1" is every failure and "below 2"
    // every attempt.
    let counted_below = if limit.failures_only { 1_i64 } else { 2 };
    let by_address = store::count_attempts(
        &state.db,
        attempt.as_str(),
        ("email", email),
        since,
        counted_below,
    )
    .await?;
    if by_address >= limit.per_address {
        return Ok(true);
    }
    let by_client = store::count_attempts(
        &state.db,
        attempt.as_str(),
        ("ip", ip),
        since,
        counted_below,
    )
    .await?;
    Ok(by_client >= limit.per_client)
}

/// Records an attempt. A successful sign-in clears the account's earlier
/// failures, so a person who finally remembers their password starts afresh.
pub async fn record(
    state: &AppState,
    attempt: Attempt,
    email: &str,
    ip: &str,
    succeeded: bool,
) -> StoreResult<()> {
    if succeeded && attempt == Attempt::SignIn {
        store::clear_failed_sign_ins(&state.db, attempt.as_str(), email).await?;
    }
    store::insert_attempt(&state.db, attempt.as_str(), email, ip, db::now(), succeeded).await?;
    Ok(())
}

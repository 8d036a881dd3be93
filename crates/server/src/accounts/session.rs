//! Server-side sessions, stored in the database so any number of app
//! instances can share them. The cookie holds a random token; the table
//! holds only its hash.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, header},
    middleware::Next,
    response::Response,
};
use coprod_engine::people::Role;
use sqlx::Row;

use super::store::{self, Membership};
use crate::{
    app::AppState,
    crypto, db,
    web::{cookies, csrf},
};

pub const COOKIE: &str = "coprod_session";

/// Extend a session's idle expiry at most this often, to spare the database
/// a write on every request.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// The person making this request, with every role they hold.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub account_id: i64,
    pub email: String,
    pub display_name: String,
    pub memberships: Vec<Membership>,
}

impl CurrentUser {
    pub fn has_role(&self, role: Role) -> bool {
        self.memberships.iter().any(|m| m.role == role)
    }

    pub fn is_admin(&self) -> bool {
        self.has_role(Role::Admin)
    }

    pub fn is_staff(&self) -> bool {
        self.memberships.iter().any(|m| m.role.is_staff())
    }
}

/// Starts a session for `account_id`; returns the cookie token.
pub async fn start(state: &AppState, account_id: i64) -> Result<String, sqlx::Error> {
    let token = crypto::random_token();
    let now = db::now();
    sqlx::query(
        "INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $3, $4)",
    )
    .bind(crypto::token_hash(&token))
    .bind(account_id)
    .bind(now)
    .bind(now + state.settings.session_idle_minutes * 60)
    .execute(state.db.pool())
    .await?;
    Ok(token)
}

/// Ends the session whose token is in the request's cookie, if any.
pub async fn end(state: &AppState, headers: &HeaderMap) -> Result<(), sqlx::Error> {
    if let Some(token) = cookies::read(headers, COOKIE) {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(crypto::token_hash(token))
            .execute(state.db.pool())
            .await?;
    }
    Ok(())
}

/// Ends every session of an account but, optionally, the one in use.
pub async fn end_all(
    state: &AppState,
    account_id: i64,
    keep: Option<&HeaderMap>,
) -> Result<(), sqlx::Error> {
    let kept = keep
        .and_then(|h| cookies::read(h, COOKIE))
        .map(crypto::token_hash)
        .unwrap_or_default();
    sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2")
        .bind(account_id)
        .bind(kept)
        .execute(state.db.pool())
        .await?;
    Ok(())
}

/// The `Set-Cookie` headers for a new session: its token, and the
/// anti-forgery token bound to it, so a token from before sign-in no longer
/// works.
pub fn cookies(state: &AppState, token: &str) -> [(header::HeaderName, HeaderValue); 2] {
    [
        (
            header::SET_COOKIE,
            cookies::set(
                COOKIE,
                token,
                cookies::Lifetime::Session,
                state.settings.cookies_secure(),
            ),
        ),
        csrf::cookie(state, &csrf::for_session(token)),
    ]
}

/// The `Set-Cookie` headers that end the session in the browser: the
/// session cookie removed, and a fresh anti-forgery token for signed-out
/// forms, unrelated to the session's.
pub fn removal_cookies(state: &AppState) -> [(header::HeaderName, HeaderValue); 2] {
    [
        (
            header::SET_COOKIE,
            cookies::set(
                COOKIE,
                "",
                cookies::Lifetime::Expired,
                state.settings.cookies_secure(),
            ),
        ),
        csrf::cookie(state, &crypto::random_token()),
    ]
}

/// Finds the signed-in person, if any, and puts them in the request's
/// extensions for the access guard, the page shell and handlers.
pub async fn layer(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if let Some(token) = cookies::read(request.headers(), COOKIE) {
        match load(&state, token).await {
            Ok(Some(user)) => {
                request.extensions_mut().insert(user);
            }
            Ok(None) => {}
            Err(error) => tracing::error!(error = %error, "could not load the session"),
        }
    }
    next.run(request).await
}

async fn load(state: &AppState, token: &str) -> Result<Option<CurrentUser>, sqlx::Error> {
    let now = db::now();
    let hash = crypto::token_hash(token);
    let row = sqlx::query(
        "SELECT s.last_seen_at, a.id, a.email, a.display_name FROM sessions s \
         JOIN accounts a ON a.id = s.account_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND a.disabled_at IS NULL",
    )
    .bind(&hash)
    .bind(now)
    .fetch_optional(state.db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let last_seen: i64 = row.try_get("last_seen_at")?;
    if now - last_seen >= TOUCH_EVERY_SECONDS {
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3")
            .bind(now)
            .bind(now + state.settings.session_idle_minutes * 60)
            .bind(&hash)
            .execute(state.db.pool())
            .await?;
    }
    let account_id: i64 = row.try_get("id")?;
    Ok(Some(CurrentUser {
        account_id,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        memberships: store::memberships(&state.db, account_id).await?,
    }))
}

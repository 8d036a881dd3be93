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
use sqlx::AnyConnection;

use super::store::{self, Membership};
use crate::{
    app::AppState,
    crypto,
    db::{self, StoreResult},
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
pub async fn start(
    state: &AppState,
    conn: &mut AnyConnection,
    account_id: i64,
) -> StoreResult<String> {
    let token = crypto::random_token();
    let now = db::now();
    store::insert_session(
        conn,
        &crypto::token_hash(&token),
        account_id,
        now,
        now + state.settings.session_idle_minutes * 60,
    )
    .await?;
    Ok(token)
}

/// Ends the session whose token is in the request's cookie, if any.
pub async fn end(conn: &mut AnyConnection, headers: &HeaderMap) -> StoreResult<()> {
    if let Some(token) = cookies::read(headers, COOKIE) {
        store::delete_session(conn, &crypto::token_hash(token)).await?;
    }
    Ok(())
}

/// Ends every session of an account but, optionally, the one in use.
pub async fn end_all(
    conn: &mut AnyConnection,
    account_id: i64,
    keep: Option<&HeaderMap>,
) -> StoreResult<()> {
    let kept = keep
        .and_then(|h| cookies::read(h, COOKIE))
        .map(crypto::token_hash)
        .unwrap_or_default();
    store::delete_sessions_but(conn, account_id, &kept).await
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

async fn load(state: &AppState, token: &str) -> StoreResult<Option<CurrentUser>> {
    let now = db::now();
    let hash = crypto::token_hash(token);
    let Some(session) = store::live_session(&state.db, &hash, now).await? else {
        return Ok(None);
    };
    if now - session.last_seen_at >= TOUCH_EVERY_SECONDS {
        let expires_at = now + state.settings.session_idle_minutes * 60;
        store::touch_session(&state.db, &hash, now, expires_at).await?;
    }
    Ok(Some(CurrentUser {
        account_id: session.id,
        email: session.email,
        display_name: session.display_name,
        memberships: store::memberships(&state.db, session.id).await?,
    }))
}

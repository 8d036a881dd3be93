//! Anti-forgery protection. Every state-changing form carries a token in a
//! hidden field, and a request is accepted only when it carries the token
//! this request expects:
//!
//! - before sign-in, by double submission: a random token lives in an
//!   `HttpOnly`, `SameSite` cookie and the form must repeat it;
//! - once signed in, the token is derived from the session's own secret
//!   token (see [`for_session`]), so it is bound to that session: a token
//!   from before sign-in, or from anyone else's session, is refused, and
//!   signing in or out changes it. The cookie then carries the same value,
//!   so nothing a page or a client does changes.
//!
//! It needs no server state, so it works across instances, and needs no
//! JavaScript: pages put the expected token in the form themselves.

use axum::{
    extract::Request,
    http::{HeaderValue, header},
    middleware::Next,
    response::Response,
};
use subtle::ConstantTimeEq;

use crate::{accounts::session, app::AppState, crypto, web::cookies};

pub const COOKIE: &str = "coprod_csrf";
/// The hidden form field every state-changing form carries.
pub const FIELD: &str = "csrf_token";
/// Keeps tokens derived for forms apart from any other use of the secret.
const PURPOSE: &str = "coprod anti-forgery token";

/// The token for this request, put in the request's extensions by [`layer`].
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

/// The token of the session whose secret cookie token is `session_token`.
pub fn for_session(session_token: &str) -> String {
    crypto::derived_token(PURPOSE, session_token)
}

/// The `Set-Cookie` header carrying `token`.
pub fn cookie(state: &AppState, token: &str) -> (header::HeaderName, HeaderValue) {
    (
        header::SET_COOKIE,
        cookies::set(
            COOKIE,
            token,
            cookies::Lifetime::Session,
            state.settings.cookies_secure(),
        ),
    )
}

/// Works out the token each request expects, and gives the visitor the
/// cookie for it on the first page where it is new.
pub async fn layer(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let in_cookie = cookies::read(request.headers(), COOKIE)
        .filter(|t| t.len() == crypto::TOKEN_CHARS)
        .map(str::to_owned);
    let token = match cookies::read(request.headers(), session::COOKIE) {
        Some(session_token) => for_session(session_token),
        None => in_cookie.clone().unwrap_or_else(crypto::random_token),
    };
    let fresh = in_cookie.as_deref() != Some(token.as_str());
    request.extensions_mut().insert(CsrfToken(token.clone()));
    let mut response = next.run(request).await;
    // Forms live only in pages; JSON, assets and metrics need no cookie. A
    // handler that signs someone in or out has set the next one itself.
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let set_by_handler = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.starts_with(&format!("{COOKIE}=")));
    if fresh && is_page && !set_by_handler {
        let (name, value) = cookie(&state, &token);
        response.headers_mut().append(name, value);
    }
    response
}

/// True when the submitted token is the one expected, compared in constant time.
pub fn matches(expected: &CsrfToken, submitted: Option<&str>) -> bool {
    submitted.is_some_and(|s| bool::from(s.as_bytes().ct_eq(expected.0.as_bytes())))
}

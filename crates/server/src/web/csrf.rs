//! Anti-forgery protection by double submission: a random token lives in an
//! `HttpOnly`, `SameSite` cookie and is repeated in a hidden field of every
//! form; a state-changing request is accepted only when the two match. It
//! needs no server state, so it works before sign-in and across instances.

use axum::{extract::Request, http::header, middleware::Next, response::Response};
use subtle::ConstantTimeEq;

use crate::{app::AppState, crypto, web::cookies};

pub const COOKIE: &str = "coprod_csrf";
/// The hidden form field every state-changing form carries.
pub const FIELD: &str = "csrf_token";

/// The token for this request, put in the request's extensions by [`layer`].
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

/// Ensures every visitor has a token, issuing one on their first response.
pub async fn layer(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let existing = cookies::read(request.headers(), COOKIE)
        .filter(|t| t.len() == crypto::TOKEN_CHARS)
        .map(str::to_owned);
    let (token, fresh) = match existing {
        Some(token) => (token, false),
        None => (crypto::random_token(), true),
    };
    request.extensions_mut().insert(CsrfToken(token.clone()));
    let mut response = next.run(request).await;
    // Forms live only in pages; JSON, assets and metrics need no cookie.
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if fresh && is_page {
        response.headers_mut().append(
            header::SET_COOKIE,
            cookies::set(
                COOKIE,
                &token,
                cookies::Lifetime::Session,
                state.settings.cookies_secure(),
            ),
        );
    }
    response
}

/// True when the submitted token matches the cookie's, compared in constant time.
pub fn matches(expected: &CsrfToken, submitted: Option<&str>) -> bool {
    submitted.is_some_and(|s| bool::from(s.as_bytes().ct_eq(expected.0.as_bytes())))
}

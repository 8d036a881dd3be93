//! The JSON API shell under `/api`: token authentication for machine
//! clients, the one error envelope (rendered by `web::layers`), and the
//! OpenAPI 3.1 document generated from the handlers' annotations.

/// The `OpenAPI` document.
pub mod openapi;
/// Storage of API tokens.
mod store;
/// API tokens: storage and the administrators' pages.
pub mod tokens;
/// Version 1 endpoints.
mod v1;

use axum::{
    extract::{Request, State},
    http::{Method, header},
    middleware::Next,
    response::Response,
    routing::{get, post},
};

use crate::{
    access::{self, Access, Route},
    app::AppState,
};

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::GET,
            "/api/openapi.json",
            Access::Public,
            get(openapi::document),
        ),
        Route::new(
            Method::GET,
            "/api/v1/token",
            Access::ApiToken,
            get(v1::token),
        ),
        Route::new(
            Method::GET,
            "/api/v1/organisations",
            Access::ApiToken,
            get(v1::organisations),
        ),
        Route::new(
            Method::GET,
            "/api/v1/organisations/{id}",
            Access::ApiToken,
            get(v1::organisation),
        ),
        Route::new(
            Method::GET,
            "/api/v1/organisations/{id}/members",
            Access::ApiToken,
            get(v1::members),
        ),
        Route::new(
            Method::GET,
            "/admin/tokens",
            access::ADMIN,
            get(tokens::list),
        ),
        Route::new(
            Method::POST,
            "/admin/tokens",
            access::ADMIN,
            post(tokens::create),
        ),
        Route::new(
            Method::POST,
            "/admin/tokens/{id}/revoke",
            access::ADMIN,
            post(tokens::revoke),
        ),
    ]
}

/// The machine client making an API request.
#[derive(Debug, Clone)]
pub struct ApiClient {
    pub token_id: i64,
    pub token_name: String,
    /// The organisation the token acts for; it may see that organisation's
    /// own data and the partnership's public directory.
    pub organisation_id: i64,
}

/// Recognises `Authorization: Bearer <token>` on API requests.
pub async fn token_layer(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if request.uri().path().starts_with("/api/") {
        let bearer = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .map(str::to_owned);
        if let Some(token) = bearer {
            match tokens::authenticate(&state.db, &token).await {
                Ok(Some(client)) => {
                    request.extensions_mut().insert(client);
                }
                Ok(None) => {}
                Err(error) => tracing::error!(error = %error, "could not check an API token"),
            }
        }
    }
    next.run(request).await
}

/// Reads a whole number from a JSON body whether it is written `7` or
/// `7.0`: JSON Schema counts both as integers, so a client that follows the
/// document may send either. Fractions and numbers out of range are refused.
pub fn whole_number<'de, D, T>(deserializer: D) -> std::result::Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i64>,
{
    use serde::{Deserialize as _, de::Error as _};
    let number = serde_json::Number::deserialize(deserializer)?;
    let whole = number.as_i64().or_else(|| {
        number
            .as_f64()
            .filter(|f| f.fract() == 0.0 && (-9.0e18..=9.0e18).contains(f))
            .map(|f| {
                #[expect(
                    clippy::cast_possible_truncation,
                    reason = "a whole number checked to lie well within i64"
                )]
                let whole = f as i64;
                whole
            })
    });
    whole
        .and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| D::Error::custom(format!("{number} is not a whole number in range")))
}

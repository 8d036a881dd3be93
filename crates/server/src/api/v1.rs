use axum::{
    Extension, Json,
    extract::{Path, State},
};
use serde::Serialize;
use utoipa::ToSchema;

use super::ApiClient;
use crate::{
    app::AppState,
    error::{AppError, Result},
    organisations::store::{self, Organisation},
};

/// The token making the request, and whom it acts for.
#[derive(Serialize, ToSchema)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub organisation_id: i64,
}

/// A page of items.
#[derive(Serialize, ToSchema)]
pub struct OrganisationList {
    pub items: Vec<Organisation>,
    pub total: usize,
}

/// Someone holding a role in an organisation.
#[derive(Serialize, ToSchema)]
pub struct Member {
    pub account_id: i64,
    pub display_name: String,
    pub email: String,
    pub role: String,
}

/// The members of an organisation.
#[derive(Serialize, ToSchema)]
pub struct MemberList {
    pub items: Vec<Member>,
}

/// Describes the token in use.
#[utoipa::path(get, path = "/api/v1/token", tag = "tokens",
    responses((status = 200, body = TokenInfo), (status = 401, body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn token(Extension(client): Extension<ApiClient>) -> Json<TokenInfo> {
    Json(TokenInfo {
        id: client.token_id,
        name: client.token_name,
        organisation_id: client.organisation_id,
    })
}

/// The partnership's organisations (a public directory).
#[utoipa::path(get, path = "/api/v1/organisations", tag = "organisations",
    responses((status = 200, body = OrganisationList), (status = 401, body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn organisations(State(state): State<AppState>) -> Result<Json<OrganisationList>> {
    let items = store::list(&state.db).await?;
    Ok(Json(OrganisationList {
        total: items.len(),
        items,
    }))
}

/// One organisation.
#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "organisations",
    params(("id" = i64, Path, description = "Organisation id")),
    responses((status = 200, body = Organisation), (status = 404, body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn organisation(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Organisation>> {
    store::find(&state.db, id)
        .await?
        .map(Json)
        .ok_or(AppError::NotFound)
}

/// The people holding roles in the token's own organisation; other
/// organisations' members are refused.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/members", tag = "organisations",
    params(("id" = i64, Path, description = "Organisation id")),
    responses((status = 200, body = MemberList), (status = 404, description = "Not the token's own organisation", body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn members(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    Path(id): Path<i64>,
) -> Result<Json<MemberList>> {
    if id != client.organisation_id {
        return Err(AppError::NotFound);
    }
    let items = store::members(&state.db, id)
        .await?
        .into_iter()
        .map(|(account_id, display_name, email, role)| Member {
            account_id,
            display_name,
            email,
            role,
        })
        .collect();
    Ok(Json(MemberList { items }))
}

use axum::{
    Json,
    extract::{Path, State},
};
use coprod_engine::place::Postcode;

use super::store::{self, PostcodeRecord};
use crate::{
    app::AppState,
    error::{AppError, Result},
};

/// Where a postcode is, and the areas it lies in.
#[utoipa::path(get, path = "/api/v1/postcodes/{postcode}", tag = "places",
    params(("postcode" = String, Path, description = "A UK postcode, in any case, with or without the space",
        pattern = r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$")),
    responses(
        (status = 200, body = PostcodeRecord),
        (status = 400, description = "Not shaped like a postcode", body = crate::api::openapi::ErrorEnvelope),
        (status = 404, description = "Not in the imported directory", body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn lookup(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Json<PostcodeRecord>> {
    let postcode = Postcode::parse(&raw).map_err(|e| AppError::bad_request(e.key, "postcode"))?;
    store::lookup(&state.db, &postcode)
        .await?
        .map(Json)
        .ok_or(AppError::NotFoundKey("error.postcode.unknown"))
}

use axum::Json;
use serde::Serialize;
use utoipa::{
    Modify, OpenApi, ToSchema,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

/// Every API error has this shape.
#[derive(Serialize, ToSchema)]
pub struct ErrorEnvelope {
    pub errors: Vec<ErrorItem>,
}

/// One error.
#[derive(Serialize, ToSchema)]
pub struct ErrorItem {
    /// Stable and machine-readable, e.g. `not_found`, `unauthenticated`.
    pub code: String,
    /// For people.
    pub message: String,
    /// The parameter or field at fault, if any.
    pub field: Option<String>,
}

struct BearerTokens;

impl Modify for BearerTokens {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "coprod API", description = "Machine access to a coprod partnership. \
        Authenticate with `Authorization: Bearer <token>`; tokens are issued by administrators \
        and act for one organisation. Errors always use the `ErrorEnvelope` shape."),
    paths(super::v1::token, super::v1::organisations, super::v1::organisation, super::v1::members, crate::places::api::lookup,
        crate::asset_map::api_v1::create, crate::asset_map::api_v1::replace,
        crate::asset_map::api_v1::reports, crate::asset_map::api_v1::resolve,
        crate::budgeting::api_v1::processes, crate::budgeting::api_v1::process,
        crate::budgeting::api_v1::results,
        crate::coordination::api::requests, crate::coordination::api::candidates,
        crate::coordination::api::propose, crate::coordination::api::round,
        crate::coordination::api::gaps, crate::coordination::api::log_day,
        crate::coordination::api::statement, crate::coordination::api::areas,
        crate::star::api::report, crate::star::api::initiatives, crate::star::api::create_initiative),
    components(schemas(ErrorEnvelope, ErrorItem)),
    modifiers(&BearerTokens),
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

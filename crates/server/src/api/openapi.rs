use axum::Json;
use serde::Serialize;
use utoipa::{
    Modify, OpenApi, ToSchema,
    openapi::{
        ContentBuilder, ObjectBuilder, Ref, RefOr, ResponseBuilder, Type,
        path::{Operation, ParameterIn},
        security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
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

/// A string schema allowing exactly `keys`, for the words the server parses
/// into its own types: built from those types' key lists, so the document
/// cannot drift from what the parser accepts.
pub fn one_of_keys(
    description: &str,
    keys: impl IntoIterator<Item = &'static str>,
) -> RefOr<utoipa::openapi::schema::Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .enum_values(Some(keys))
        .into()
}

/// A string schema for one line of text as `LineOfText::parse` accepts it:
/// 1 to 200 characters, at least one not white space, no control characters.
pub fn line_of_text() -> RefOr<utoipa::openapi::schema::Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(coprod_engine::people::MAX_LINE_CHARS))
        .pattern(Some(LINE_OF_TEXT))
        .into()
}

/// One line with something besides white space, and no control characters.
pub const LINE_OF_TEXT: &str =
    r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$";

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

/// The statuses every operation can answer with for the same reason, added
/// where a handler's annotation does not already say more: 401 on every
/// operation that needs a token (the token is missing, unknown or revoked);
/// 400 where a path or query parameter cannot be read as its type (such as
/// an id too large for a 64-bit integer); and 422 where a request body is
/// not JSON of the documented shape.
struct CommonRefusals;

impl CommonRefusals {
    fn envelope(description: &str) -> RefOr<utoipa::openapi::Response> {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorEnvelope")))
                    .build(),
            )
            .build()
            .into()
    }

    fn add(operation: &mut Operation) {
        let mut refusals = Vec::new();
        if operation.security.is_some() {
            refusals.push((
                "401",
                "`unauthenticated`: no token, or one that is unknown or revoked",
            ));
        }
        let reads_parameters = operation
            .parameters
            .iter()
            .flatten()
            .any(|p| matches!(p.parameter_in, ParameterIn::Path | ParameterIn::Query));
        if reads_parameters {
            refusals.push((
                "400",
                "A path or query parameter that cannot be read as its type or format",
            ));
        }
        if operation.request_body.is_some() {
            refusals.push((
                "422",
                "The body is not JSON of the documented shape; every problem with its field",
            ));
        }
        for (status, description) in refusals {
            operation
                .responses
                .responses
                .entry(status.to_owned())
                .or_insert_with(|| Self::envelope(description));
        }
    }
}

impl Modify for CommonRefusals {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                Self::add(operation);
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "coprod API", description = "Machine access to a coprod partnership. \
        Authenticate with `Authorization: Bearer <token>`; tokens are issued by administrators \
        and act for one organisation. Errors always use the `ErrorEnvelope` shape. \
        The Open Referral HSDS 3.0 directory under `/api/hsds/` needs no token and may be \
        read from any site."),
    paths(super::v1::token, super::v1::organisations, super::v1::organisation, super::v1::members, crate::places::api::lookup,
        crate::asset_map::api_v1::create, crate::asset_map::api_v1::replace,
        crate::asset_map::api_v1::reports, crate::asset_map::api_v1::resolve,
        crate::budgeting::api_v1::processes, crate::budgeting::api_v1::process,
        crate::budgeting::api_v1::results,
        crate::coordination::api::requests, crate::coordination::api::candidates,
        crate::coordination::api::propose, crate::coordination::api::round,
        crate::coordination::api::gaps, crate::coordination::api::log_day,
        crate::coordination::api::statement, crate::coordination::api::areas,
        crate::star::api::report, crate::star::api::initiatives, crate::star::api::create_initiative,
        crate::referrals::api::list, crate::referrals::api::summary,
        crate::asset_map::hsds_api::root, crate::asset_map::hsds_api::services,
        crate::asset_map::hsds_api::service, crate::asset_map::hsds_api::service_at_locations,
        crate::asset_map::hsds_api::organizations, crate::asset_map::hsds_api::organization,
        crate::asset_map::hsds_api::taxonomies, crate::asset_map::hsds_api::taxonomy,
        crate::asset_map::hsds_api::taxonomy_terms, crate::asset_map::hsds_api::taxonomy_term,
        crate::feedback::api::list, crate::planning::api::plans, crate::planning::api::plan,
        document),
    components(schemas(ErrorEnvelope, ErrorItem)),
    modifiers(&BearerTokens, &CommonRefusals),
)]
pub struct ApiDoc;

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "api",
    responses((status = 200, description = "The OpenAPI 3.1 document of every API operation", body = Object)))]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

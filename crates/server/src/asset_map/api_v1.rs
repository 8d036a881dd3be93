//! The asset map in coprod's own API, for an organisation's systems: put
//! listings (as HSDS service documents) and deal with reported problems.
//! A token acts for one organisation and may change only what it keeps.

use axum::{
    Extension, Json,
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::store::{self, SaveError, keeping};
use crate::{
    api::ApiClient,
    app::AppState,
    db,
    error::{AppError, Problem, Result},
    web::utc_time,
};

/// The body as JSON, or a clear error saying where it stopped parsing.
fn json_body(body: &Bytes) -> Result<Value> {
    serde_json::from_slice(body).map_err(|e| {
        AppError::Unprocessable(vec![Problem {
            field: String::new(),
            message: format!("the body is not JSON: {e}"),
        }])
    })
}

/// Saves a listing the token's organisation keeps (or a new one).
async fn put(
    state: &AppState,
    client: &ApiClient,
    document: &Value,
) -> Result<(StatusCode, Value)> {
    let id = document
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let existing = keeping::listing_keeper(&state.db, &id).await?;
    if let Some((_, managed_by)) = &existing
        && *managed_by != Some(client.organisation_id)
    {
        return Err(AppError::Forbidden);
    }
    let now = db::now();
    let mut tx = state.db.pool().begin().await?;
    let saved = store::save_service(&mut tx, state.db.backend(), document, "", now).await;
    let projection = match saved {
        Ok(projection) => projection,
        Err(SaveError::Invalid(problems)) => {
            return Err(AppError::Unprocessable(
                problems
                    .into_iter()
                    .map(|p| Problem {
                        field: p.path,
                        message: p.problem,
                    })
                    .collect(),
            ));
        }
        Err(SaveError::Database(error)) => return Err(error.into()),
    };
    keeping::keep(&mut tx, &projection.id, client.organisation_id, now).await?;
    tx.commit().await?;
    let stored = store::service_document(&state.db, &projection.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let status = if existing.is_some() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, stored))
}

/// An HSDS 3.0 service document. The fields described are those coprod
/// reads; the document may carry any other HSDS 3.0 service field
/// (`organization`, `attributes`, `service_at_locations`, `schedules`,
/// `languages`, `cost_options`, ...), each checked as HSDS 3.0 describes it,
/// and is stored whole. Problems are answered with 422 and their JSON path.
#[derive(ToSchema)]
#[expect(
    dead_code,
    reason = "describes the document for the OpenAPI document; the handler reads it as JSON"
)]
pub struct ServiceDocument {
    /// Unique among listings; not only white space.
    #[schema(min_length = 1, pattern = r"[^\s\x85]")]
    id: String,
    /// Not only white space.
    #[schema(min_length = 1, pattern = r"[^\s\x85]")]
    name: String,
    #[schema(schema_with = service_status)]
    status: String,
    description: Option<String>,
    /// Not above `maximum_age`.
    minimum_age: Option<f64>,
    maximum_age: Option<f64>,
    last_modified: Option<String>,
    assured_date: Option<String>,
}

fn service_status() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    crate::api::openapi::one_of_keys(
        "Whether the service runs",
        coprod_engine::hsds::STATUSES.iter().copied(),
    )
}

/// Adds a listing kept by the token's organisation.
#[utoipa::path(post, path = "/api/v1/services", tag = "asset map",
    request_body(content = ServiceDocument, description = "An HSDS 3.0 service document"),
    responses(
        (status = 201, description = "The stored document", body = Object),
        (status = 200, description = "A listing with that id, kept by the token's organisation, was replaced; the stored document", body = Object),
        (status = 403, description = "Another organisation keeps a listing with that id", body = crate::api::openapi::ErrorEnvelope),
        (status = 422, description = "Every problem with its JSON path", body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>)> {
    let document = json_body(&body)?;
    let (status, stored) = put(&state, &client, &document).await?;
    Ok((status, Json(stored)))
}

/// Replaces a listing the token's organisation keeps.
#[utoipa::path(put, path = "/api/v1/services/{id}", tag = "asset map",
    params(("id" = String, Path, description = "The service id")),
    request_body(content = ServiceDocument, description = "The whole HSDS 3.0 service document; its `id` must be the one in the address"),
    responses(
        (status = 200, description = "The stored document", body = Object),
        (status = 403, description = "The listing is kept by another organisation, or by none", body = crate::api::openapi::ErrorEnvelope),
        (status = 404, body = crate::api::openapi::ErrorEnvelope),
        (status = 422, description = "Every problem with its JSON path", body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn replace(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>> {
    let mut document = json_body(&body)?;
    if !keeping::service_exists(&state.db, &id).await? {
        return Err(AppError::NotFound);
    }
    match document.get("id").and_then(Value::as_str) {
        Some(given) if given != id => {
            return Err(AppError::Unprocessable(vec![Problem {
                field: "id".into(),
                message: "does not match the id in the address".into(),
            }]));
        }
        Some(_) => {}
        None => {
            if let Some(object) = document.as_object_mut() {
                object.insert("id".into(), Value::String(id));
            }
        }
    }
    Ok(Json(put(&state, &client, &document).await?.1))
}

/// A problem reported with one of the organisation's listings.
#[derive(Serialize, ToSchema)]
pub struct Report {
    pub id: i64,
    pub service_id: String,
    pub service_name: String,
    /// `closed`, `wrong_contact`, `wrong_details`, `not_in_area` or `other`
    pub kind: String,
    pub details: String,
    /// When it was reported, UTC.
    pub reported_at: String,
}

/// The open reports.
#[derive(Serialize, ToSchema)]
pub struct ReportList {
    pub items: Vec<Report>,
}

/// Problems reported with the organisation's listings, oldest first.
#[utoipa::path(get, path = "/api/v1/reports", tag = "asset map",
    responses((status = 200, body = ReportList), (status = 401, body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn reports(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
) -> Result<Json<ReportList>> {
    let items = keeping::open_reports_kept_by(&state.db, client.organisation_id)
        .await?
        .into_iter()
        .map(|row| Report {
            id: row.id,
            service_id: row.service_id,
            service_name: row.name,
            kind: row.kind,
            details: row.details,
            reported_at: utc_time(row.reported_at),
        })
        .collect();
    Ok(Json(ReportList { items }))
}

/// How a report was dealt with.
#[derive(Deserialize, ToSchema)]
pub struct Resolution {
    /// What was done about it: at most 2,000 characters, not only white space.
    #[schema(min_length = 1, max_length = 2000, pattern = r"[^\s\x85]")]
    pub note: String,
}

/// Marks a report on one of the organisation's listings as resolved.
#[utoipa::path(post, path = "/api/v1/reports/{id}/resolve", tag = "asset map",
    params(("id" = i64, Path, description = "The report id")),
    request_body = Resolution,
    responses((status = 204), (status = 404, body = crate::api::openapi::ErrorEnvelope), (status = 422, body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn resolve(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<StatusCode> {
    // Reports on other organisations' listings are "not found", before the
    // body is read: a token learns nothing about what it does not keep.
    let keeper = keeping::open_report_keeper(&state.db, id).await?;
    if keeper != Some(Some(client.organisation_id)) {
        return Err(AppError::NotFound);
    }
    let resolution: Resolution = serde_json::from_value(json_body(&body)?).map_err(|e| {
        AppError::Unprocessable(vec![Problem {
            field: "note".into(),
            message: e.to_string(),
        }])
    })?;
    let note = resolution.note.trim();
    if note.is_empty() || note.chars().count() > 2_000 {
        return Err(AppError::Unprocessable(vec![Problem {
            field: "note".into(),
            message: "say what was done, in at most 2,000 characters".into(),
        }]));
    }
    // Reports on other organisations' listings are "not found": a token
    // learns nothing about what it does not keep.
    let resolved =
        keeping::resolve_report_kept_by(&state.db, id, client.organisation_id, note).await?;
    if !resolved {
        return Err(AppError::NotFound);
    }
    Ok(StatusCode::NO_CONTENT)
}

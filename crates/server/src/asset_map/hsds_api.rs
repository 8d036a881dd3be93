//! The Open Referral HSDS 3.0 read API under `/api/hsds/`: public,
//! read-only, open to any origin, with the specification's page envelope.

use std::fmt::Write as _;

use axum::{
    Json,
    extract::{Path, Query, Request, State},
    http::{HeaderValue, header},
    middleware::Next,
    response::Response,
};
use coprod_engine::place::Postcode;
use serde::Deserialize;
use serde_json::{Value, json};
use sqlx::Row;

use super::store;
use crate::{
    app::AppState,
    db::{Db, full_text, params::Params},
    error::{AppError, Result},
    places::store as places,
};

/// The HSDS version these endpoints follow.
const HSDS_VERSION: &str = "3.0";
const DEFAULT_PER_PAGE: i64 = 50;
const MAX_PER_PAGE: i64 = 200;
/// Nearest first within this many metres when a postcode is given alone.
const DEFAULT_PROXIMITY_METRES: f64 = 5_000.0;
const MAX_PROXIMITY_METRES: f64 = 200_000.0;

/// The directory is public data meant for reuse: any site may read it,
/// errors included.
pub async fn allow_any_origin_on_hsds(request: Request, next: Next) -> Response {
    let is_hsds = request.uri().path().starts_with("/api/hsds/");
    let mut response = next.run(request).await;
    if is_hsds {
        response.headers_mut().insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    }
    response
}

/// `GET /api/hsds/`
pub async fn root(State(state): State<AppState>) -> Json<Value> {
    let base = state.settings.public_url.trim_end_matches('/');
    Json(json!({
        "version": HSDS_VERSION,
        "profile": "https://docs.openreferral.org/en/latest/hsds/overview.html",
        "openapi_url": format!("{base}/api/openapi.json"),
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    search: Option<String>,
    taxonomy_term_id: Option<String>,
    taxonomy_id: Option<String>,
    organization_id: Option<String>,
    modified_after: Option<String>,
    minimum_age: Option<String>,
    maximum_age: Option<String>,
    postcode: Option<String>,
    proximity: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

fn integer(raw: Option<&str>, field: &'static str) -> Result<Option<i64>> {
    raw.filter(|r| !r.trim().is_empty())
        .map(|r| {
            r.trim()
                .parse::<i64>()
                .map_err(|_| AppError::bad_request("error.query.integer", field))
        })
        .transpose()
}

fn number(raw: Option<&str>, field: &'static str) -> Result<Option<f64>> {
    raw.filter(|r| !r.trim().is_empty())
        .map(|r| match r.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(AppError::bad_request("error.query.number", field)),
        })
        .transpose()
}

/// Page number and size, checked.
struct PageRequest {
    number: i64,
    size: i64,
}

impl PageRequest {
    fn from(query: &ListQuery) -> Result<Self> {
        let number = integer(query.page.as_deref(), "page")?.unwrap_or(1);
        let size = integer(query.per_page.as_deref(), "per_page")?.unwrap_or(DEFAULT_PER_PAGE);
        if number < 1 {
            return Err(AppError::bad_request("error.query.page", "page"));
        }
        if !(1..=MAX_PER_PAGE).contains(&size) {
            return Err(AppError::bad_request("error.query.per_page", "per_page"));
        }
        Ok(Self { number, size })
    }

    fn offset(&self) -> i64 {
        (self.number - 1) * self.size
    }

    fn envelope(&self, total: i64, contents: &[Value]) -> Value {
        let total_pages = if total == 0 {
            0
        } else {
            (total + self.size - 1) / self.size
        };
        json!({
            "total_items": total,
            "total_pages": total_pages,
            "page_number": self.number,
            "size": contents.len(),
            "first_page": self.number == 1,
            "last_page": self.number >= total_pages,
            "empty": contents.is_empty(),
            "contents": contents,
        })
    }
}

/// The filters `/services` and `/service_at_locations` share, as SQL over
/// `services s`.
fn service_filters(db: &Db, query: &ListQuery, params: &mut Params) -> Result<(String, String)> {
    let mut joins = String::new();
    let mut conditions = vec!["1 = 1".to_owned()];
    if let Some(words) = query
        .search
        .as_deref()
        .and_then(|t| full_text::words_query(db.backend(), t))
    {
        let placeholder = params.text(words);
        let matching = full_text::matching_services(db.backend()).replace("$1", &placeholder);
        let _ = write!(joins, " JOIN ({matching}) m ON m.id = s.id");
    }
    if let Some(term) = query.taxonomy_term_id.as_deref().filter(|t| !t.is_empty()) {
        let p = params.text(term);
        conditions.push(format!(
            "s.id IN (SELECT service_id FROM service_terms WHERE term_id = {p})"
        ));
    }
    if let Some(taxonomy) = query.taxonomy_id.as_deref().filter(|t| !t.is_empty()) {
        let p = params.text(taxonomy);
        conditions.push(format!(
            "s.id IN (SELECT st.service_id FROM service_terms st JOIN taxonomy_terms t ON t.id = st.term_id WHERE t.taxonomy_id = {p})"
        ));
    }
    if let Some(organization) = query.organization_id.as_deref().filter(|t| !t.is_empty()) {
        let p = params.text(organization);
        conditions.push(format!("s.organization_id = {p}"));
    }
    if let Some(after) = query.modified_after.as_deref().filter(|t| !t.is_empty()) {
        let seconds = store::timestamp(after).ok_or(AppError::bad_request(
            "error.query.datetime",
            "modified_after",
        ))?;
        let p = params.int(seconds);
        conditions.push(format!("s.modified_at >= {p}"));
    }
    // The UK profile's age filters: a service suits an age when its range
    // (open-ended where unstated) includes it.
    if let Some(age) = number(query.minimum_age.as_deref(), "minimum_age")? {
        let p = params.real(age);
        conditions.push(format!("(s.maximum_age IS NULL OR s.maximum_age >= {p})"));
    }
    if let Some(age) = number(query.maximum_age.as_deref(), "maximum_age")? {
        let p = params.real(age);
        conditions.push(format!("(s.minimum_age IS NULL OR s.minimum_age <= {p})"));
    }
    Ok((joins, conditions.join(" AND ")))
}

/// A service as it appears in a list: without its nested collections.
pub fn list_item(full: &Value) -> Value {
    let mut item = full.clone();
    if let Some(object) = item.as_object_mut() {
        for key in [
            "phones",
            "schedules",
            "service_areas",
            "service_at_locations",
            "languages",
            "funding",
            "cost_options",
            "required_documents",
            "contacts",
            "attributes",
            "metadata",
        ] {
            object.remove(key);
        }
    }
    item
}

/// `GET /api/hsds/services`
pub async fn services(
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>> {
    let page = PageRequest::from(&query)?;
    let mut params = Params::default();
    let (joins, conditions) = service_filters(&state.db, &query, &mut params)?;
    let order = if joins.is_empty() {
        "s.name, s.id"
    } else {
        "m.rank DESC, s.name, s.id"
    };
    let (total,): (i64,) = {
        let sql = format!("SELECT COUNT(*) FROM services s{joins} WHERE {conditions}");
        let row = params.bind(&sql).fetch_one(state.db.pool()).await?;
        (row.try_get(0)?,)
    };
    let limit = params.int(page.size);
    let offset = params.int(page.offset());
    let sql = format!(
        "SELECT s.document, o.document AS organization FROM services s{joins} \
         LEFT JOIN directory_organizations o ON o.id = s.organization_id \
         WHERE {conditions} ORDER BY {order} LIMIT {limit} OFFSET {offset}"
    );
    let rows = params.bind(&sql).fetch_all(state.db.pool()).await?;
    let contents = rows
        .iter()
        .map(|row| store::full_document(row).map(|doc| list_item(&doc)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(page.envelope(total, &contents)))
}

/// `GET /api/hsds/services/{id}`
pub async fn service(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>> {
    store::service_document(&state.db, &id)
        .await?
        .map(Json)
        .ok_or(AppError::NotFoundKey("error.hsds.service_unknown"))
}

/// `GET /api/hsds/service_at_locations`, nearest first when a postcode is given.
pub async fn service_at_locations(
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>> {
    let page = PageRequest::from(&query)?;
    let mut params = Params::default();
    let (joins, mut conditions) = service_filters(&state.db, &query, &mut params)?;
    let mut centre = None;
    if let Some(raw) = query.postcode.as_deref().filter(|p| !p.trim().is_empty()) {
        let postcode =
            Postcode::parse(raw).map_err(|e| AppError::bad_request(e.key, "postcode"))?;
        let place = places::lookup(&state.db, &postcode)
            .await?
            .ok_or(AppError::BadRequest {
                key: "error.postcode.unknown",
                field: Some("postcode"),
            })?;
        let radius =
            number(query.proximity.as_deref(), "proximity")?.unwrap_or(DEFAULT_PROXIMITY_METRES);
        if !(1.0..=MAX_PROXIMITY_METRES).contains(&radius) {
            return Err(AppError::bad_request("error.query.proximity", "proximity"));
        }
        let coordinates = place.coordinates();
        let bounds = coordinates.bounding_box(radius);
        let (a, b, c, d) = (
            params.real(bounds.min_latitude),
            params.real(bounds.max_latitude),
            params.real(bounds.min_longitude),
            params.real(bounds.max_longitude),
        );
        let _ = write!(
            conditions,
            " AND l.latitude BETWEEN {a} AND {b} AND l.longitude BETWEEN {c} AND {d}"
        );
        centre = Some((coordinates, radius));
    } else if query.proximity.as_deref().is_some_and(|p| !p.is_empty()) {
        return Err(AppError::bad_request(
            "error.query.proximity_needs_postcode",
            "proximity",
        ));
    }
    let sql = format!(
        "SELECT l.service_at_location_id, l.location_id, l.latitude, l.longitude, s.document, o.document AS organization \
         FROM service_locations l JOIN services s ON s.id = l.service_id{joins} \
         LEFT JOIN directory_organizations o ON o.id = s.organization_id \
         WHERE {conditions} ORDER BY s.name, l.service_at_location_id"
    );
    let rows = params.bind(&sql).fetch_all(state.db.pool()).await?;
    let found = within_reach(&rows, centre)?;
    let total = i64::try_from(found.len()).unwrap_or(i64::MAX);
    let skip = usize::try_from(page.offset()).unwrap_or(usize::MAX);
    let take = usize::try_from(page.size).unwrap_or(0);
    let contents = found
        .iter()
        .skip(skip)
        .take(take)
        .map(|(_, row)| {
            let id: String = row.try_get("service_at_location_id")?;
            let location_id: String = row.try_get("location_id")?;
            let service = store::full_document(row)?;
            let entry = service
                .get("service_at_locations")
                .and_then(Value::as_array)
                .and_then(|all| {
                    all.iter()
                        .find(|e| e.get("id").and_then(Value::as_str) == Some(id.as_str()))
                })
                .cloned()
                .unwrap_or_else(|| json!({}));
            let mut item = json!({
                "id": id,
                "service_id": service.get("id").cloned().unwrap_or(Value::Null),
                "location_id": location_id,
                "service": list_item(&service),
            });
            if let Some(description) = entry.get("description") {
                item["description"] = description.clone();
            }
            if let Some(location) = entry.get("location").filter(|l| l.is_object()) {
                item["location"] = location.clone();
            }
            Ok(item)
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Json(page.envelope(total, &contents)))
}

/// The rows whose location lies within the radius of the centre, nearest
/// first; every row, undistanced, when there is no centre. The bounding box
/// in the query is only a pre-filter: the exact distance decides.
fn within_reach(
    rows: &[sqlx::any::AnyRow],
    centre: Option<(coprod_engine::place::Coordinates, f64)>,
) -> Result<Vec<(f64, &sqlx::any::AnyRow)>, sqlx::Error> {
    let mut found: Vec<(f64, &sqlx::any::AnyRow)> = Vec::with_capacity(rows.len());
    for row in rows {
        let distance = match centre {
            Some((origin, radius)) => {
                let (Some(latitude), Some(longitude)) = (
                    row.try_get::<Option<f64>, _>("latitude")?,
                    row.try_get::<Option<f64>, _>("longitude")?,
                ) else {
                    continue;
                };
                let d = origin.distance_metres(coprod_engine::place::Coordinates {
                    latitude,
                    longitude,
                });
                if d > radius {
                    continue;
                }
                d
            }
            None => 0.0,
        };
        found.push((distance, row));
    }
    found.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ok(found)
}

/// A simple list of stored documents from one table, optionally searched by name.
async fn document_page(
    db: &Db,
    table: &str,
    extra: Option<(&str, String)>,
    query: &ListQuery,
    strip: &[&str],
) -> Result<Value> {
    let page = PageRequest::from(query)?;
    let mut params = Params::default();
    let mut conditions = vec!["1 = 1".to_owned()];
    if let Some(words) = query.search.as_deref().filter(|s| !s.trim().is_empty()) {
        let p = params.text(format!(
            "%{}%",
            words.trim().to_lowercase().replace(['%', '_'], "")
        ));
        conditions.push(format!("LOWER(name) LIKE {p}"));
    }
    if let Some((column, value)) = extra {
        let p = params.text(value);
        conditions.push(format!("{column} = {p}"));
    }
    let conditions = conditions.join(" AND ");
    let count_sql = format!("SELECT COUNT(*) FROM {table} WHERE {conditions}");
    let total: i64 = params
        .bind(&count_sql)
        .fetch_one(db.pool())
        .await?
        .try_get(0)?;
    let limit = params.int(page.size);
    let offset = params.int(page.offset());
    let sql = format!(
        "SELECT document FROM {table} WHERE {conditions} ORDER BY name, id LIMIT {limit} OFFSET {offset}"
    );
    let rows = params.bind(&sql).fetch_all(db.pool()).await?;
    let contents = rows
        .iter()
        .map(|row| {
            let text: String = row.try_get("document")?;
            let mut value: Value =
                serde_json::from_str(&text).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            if let Some(object) = value.as_object_mut() {
                for key in strip {
                    object.remove(*key);
                }
            }
            Ok(value)
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(page.envelope(total, &contents))
}

async fn document(db: &Db, table: &str, id: &str, missing: &'static str) -> Result<Json<Value>> {
    let row = sqlx::query(&format!("SELECT document FROM {table} WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(AppError::NotFoundKey(missing))?;
    let text: String = row.try_get("document")?;
    Ok(Json(
        serde_json::from_str(&text).map_err(|e| AppError::Internal(e.into()))?,
    ))
}

/// `GET /api/hsds/organizations`
pub async fn organizations(
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>> {
    let strip = [
        "funding",
        "contacts",
        "phones",
        "locations",
        "programs",
        "organization_identifiers",
        "attributes",
        "metadata",
    ];
    Ok(Json(
        document_page(&state.db, "directory_organizations", None, &query, &strip).await?,
    ))
}

/// `GET /api/hsds/organizations/{id}`
pub async fn organization(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    document(
        &state.db,
        "directory_organizations",
        &id,
        "error.hsds.organization_unknown",
    )
    .await
}

/// `GET /api/hsds/taxonomies`
pub async fn taxonomies(
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>> {
    Ok(Json(
        document_page(&state.db, "taxonomies", None, &query, &[]).await?,
    ))
}

/// `GET /api/hsds/taxonomies/{id}`
pub async fn taxonomy(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    document(&state.db, "taxonomies", &id, "error.hsds.taxonomy_unknown").await
}

/// `GET /api/hsds/taxonomy_terms`
pub async fn taxonomy_terms(
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>> {
    let extra = query
        .taxonomy_id
        .clone()
        .filter(|t| !t.is_empty())
        .map(|t| ("taxonomy_id", t));
    Ok(Json(
        document_page(&state.db, "taxonomy_terms", extra, &query, &[]).await?,
    ))
}

/// `GET /api/hsds/taxonomy_terms/{id}`
pub async fn taxonomy_term(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    document(&state.db, "taxonomy_terms", &id, "error.hsds.term_unknown").await
}

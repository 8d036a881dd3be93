//! The Open Referral HSDS 3.0 read API under `/api/hsds/`: public,
//! read-only, open to any origin, with the specification's page envelope.

use std::{collections::HashMap, ops::Range};

use axum::{
    Json,
    extract::{Path, Query, Request, State},
    http::{HeaderValue, header},
    middleware::Next,
    response::Response,
};
use coprod_engine::place::{Coordinates, Postcode};
use serde::Deserialize;
use serde_json::{Value, json};
use sqlx::Row;

use super::store;
use crate::{
    app::AppState,
    db::{Db, StoreError, StoreResult, full_text, params::Params},
    error::{AppError, Result},
    places::store as places,
    web::paging::LAST_POSSIBLE_PAGE,
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
#[utoipa::path(get, path = "/api/hsds/", tag = "hsds",
    responses(
        (status = 200, body = crate::asset_map::hsds_doc::HsdsRoot),
        (status = 304, description = "Unchanged since the `ETag` given in `If-None-Match`; no body")))]
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
        if !(1..=LAST_POSSIBLE_PAGE).contains(&number) {
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
struct Filters {
    /// The words' matches, `SELECT id, name, rank`, to join as `m`.
    matching: Option<String>,
    conditions: Vec<String>,
}

impl Filters {
    fn joins(&self) -> String {
        self.matching
            .as_ref()
            .map(|m| format!(" JOIN ({m}) m ON m.id = s.id"))
            .unwrap_or_default()
    }

    fn conditions(&self) -> String {
        if self.conditions.is_empty() {
            "1 = 1".to_owned()
        } else {
            self.conditions.join(" AND ")
        }
    }

    /// Whether anything narrows the services at all.
    fn any(&self) -> bool {
        self.matching.is_some() || !self.conditions.is_empty()
    }
}

fn service_filters(db: &Db, query: &ListQuery, params: &mut Params) -> Result<Filters> {
    let mut conditions = Vec::new();
    let matching = query
        .search
        .as_deref()
        .and_then(|t| full_text::words_query(db.backend(), t))
        .map(|words| {
            let placeholder = params.text(words);
            full_text::matching_services_named(db.backend()).replace("$1", &placeholder)
        });
    if let Some(term) = query.taxonomy_term_id.as_deref().filter(|t| !t.is_empty()) {
        let p = params.text(term);
        conditions.push(format!(
            "EXISTS (SELECT 1 FROM service_terms st WHERE st.service_id = s.id AND st.term_id = {p})"
        ));
    }
    if let Some(taxonomy) = query.taxonomy_id.as_deref().filter(|t| !t.is_empty()) {
        let p = params.text(taxonomy);
        conditions.push(format!(
            "EXISTS (SELECT 1 FROM service_terms st JOIN taxonomy_terms t ON t.id = st.term_id \
             WHERE st.service_id = s.id AND t.taxonomy_id = {p})"
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
    Ok(Filters {
        matching,
        conditions,
    })
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

/// `GET /api/hsds/services`: best word match first when searching, then by
/// name.
///
/// The page is chosen on light rows (ids, names and ranks); only its own
/// documents are read.
#[utoipa::path(get, path = "/api/hsds/services", tag = "hsds",
    params(crate::asset_map::hsds_doc::HsdsSearch, crate::asset_map::hsds_doc::HsdsServiceFilters, crate::asset_map::hsds_doc::HsdsPaging),
    responses(
        (status = 200, body = crate::asset_map::hsds_doc::HsdsServicePage),
        (status = 304, description = "Unchanged since the `ETag` given in `If-None-Match`; no body"),
        (status = 400, description = "A parameter that cannot be used; its name is in `field`", body = crate::api::openapi::ErrorEnvelope)))]
pub async fn services(
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>> {
    let page = PageRequest::from(&query)?;
    let mut params = Params::default();
    let filters = service_filters(&state.db, &query, &mut params)?;
    let conditions = filters.conditions();
    let (from, key) = match &filters.matching {
        // The word index has every match's name: the services table is read
        // only for the page.
        Some(matching) if filters.conditions.is_empty() => (format!("({matching}) m"), "m"),
        Some(_) => (format!("services s{}", filters.joins()), "s"),
        None => ("services s".to_owned(), "s"),
    };
    let (rank, order) = if filters.matching.is_some() {
        ("m.rank", format!("m.rank DESC, {key}.name, {key}.id"))
    } else {
        ("0.0", "s.name, s.id".to_owned())
    };
    // Every match is ranked anyway, so counting them in the same pass costs
    // little; a plain listing reads its page from the name index and is
    // counted apart.
    let searching = filters.matching.is_some();
    let total_column = if searching {
        ", COUNT(*) OVER () AS total"
    } else {
        ""
    };
    let total_selected = if searching { "page.total, " } else { "" };
    let limit = params.int(page.size);
    let offset = params.int(page.offset());
    let sql = format!(
        "WITH page AS (SELECT {key}.id, {key}.name, {rank} AS rank{total_column} FROM {from} \
         WHERE {conditions} ORDER BY {order} LIMIT {limit} OFFSET {offset}) \
         SELECT {total_selected}s.document, o.document AS organization FROM page \
         JOIN services s ON s.id = page.id \
         LEFT JOIN directory_organizations o ON o.id = s.organization_id \
         ORDER BY page.rank DESC, page.name, page.id"
    );
    let rows = params.bind(&sql).fetch_all(state.db.pool()).await?;
    let total = if let Some(total) = page_total(&page, &rows, searching)? {
        total
    } else {
        let mut params = Params::default();
        let filters = service_filters(&state.db, &query, &mut params)?;
        let sql = format!(
            "SELECT COUNT(*) FROM services s{} WHERE {}",
            filters.joins(),
            filters.conditions()
        );
        params
            .bind(&sql)
            .fetch_one(state.db.pool())
            .await?
            .try_get(0)?
    };
    let contents = rows
        .iter()
        .map(|row| store::full_document(row).map(|doc| list_item(&doc)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(page.envelope(total, &contents)))
}

/// The number of items in every page, when the page's own rows tell it:
/// from their `total` column, or because a short page is the last one.
/// `None` means it has to be counted.
fn page_total(
    page: &PageRequest,
    rows: &[sqlx::any::AnyRow],
    windowed: bool,
) -> StoreResult<Option<i64>> {
    let shown = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    if let Some(first) = rows.first()
        && windowed
    {
        return Ok(Some(first.try_get("total")?));
    }
    if (shown > 0 && shown < page.size) || (shown == 0 && page.offset() == 0) {
        return Ok(Some(page.offset() + shown));
    }
    Ok(None)
}

/// `GET /api/hsds/services/{id}`
#[utoipa::path(get, path = "/api/hsds/services/{id}", tag = "hsds",
    params(("id" = String, Path, description = "The service id")),
    responses(
        (status = 200, body = crate::asset_map::hsds_doc::HsdsService),
        (status = 304, description = "Unchanged since the `ETag` given in `If-None-Match`; no body"),
        (status = 404, description = "No service has that id", body = crate::api::openapi::ErrorEnvelope)))]
pub async fn service(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>> {
    store::service_document(&state.db, &id)
        .await?
        .map(Json)
        .ok_or(AppError::NotFoundKey("error.hsds.service_unknown"))
}

/// Where a search is centred: the postcode's place and the radius in metres.
async fn search_centre(db: &Db, query: &ListQuery) -> Result<Option<(Coordinates, f64)>> {
    let Some(raw) = query.postcode.as_deref().filter(|p| !p.trim().is_empty()) else {
        if query.proximity.as_deref().is_some_and(|p| !p.is_empty()) {
            return Err(AppError::bad_request(
                "error.query.proximity_needs_postcode",
                "proximity",
            ));
        }
        return Ok(None);
    };
    let postcode = Postcode::parse(raw).map_err(|e| AppError::bad_request(e.key, "postcode"))?;
    let place = places::lookup(db, &postcode)
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
    Ok(Some((place.coordinates(), radius)))
}

/// One entry of `/service_at_locations`: the service as a list shows it,
/// and what the service's document says of this place.
struct Entry {
    id: String,
    location_id: String,
    service: Value,
}

impl Entry {
    fn item(&self) -> Value {
        let entry = self
            .service
            .get("service_at_locations")
            .and_then(Value::as_array)
            .and_then(|all| {
                all.iter()
                    .find(|e| e.get("id").and_then(Value::as_str) == Some(self.id.as_str()))
            });
        let mut item = json!({
            "id": self.id,
            "service_id": self.service.get("id").cloned().unwrap_or(Value::Null),
            "location_id": self.location_id,
            "service": list_item(&self.service),
        });
        if let Some(description) = entry.and_then(|e| e.get("description")) {
            item["description"] = description.clone();
        }
        if let Some(location) = entry
            .and_then(|e| e.get("location"))
            .filter(|l| l.is_object())
        {
            item["location"] = location.clone();
        }
        item
    }
}

/// `GET /api/hsds/service_at_locations`: nearest first when a postcode is
/// given, then by service name.
#[utoipa::path(get, path = "/api/hsds/service_at_locations", tag = "hsds",
    params(crate::asset_map::hsds_doc::HsdsSearch, crate::asset_map::hsds_doc::HsdsServiceFilters, crate::asset_map::hsds_doc::HsdsNear, crate::asset_map::hsds_doc::HsdsPaging),
    responses(
        (status = 200, body = crate::asset_map::hsds_doc::HsdsServiceAtLocationPage),
        (status = 304, description = "Unchanged since the `ETag` given in `If-None-Match`; no body"),
        (status = 400, description = "A parameter that cannot be used; its name is in `field`", body = crate::api::openapi::ErrorEnvelope)))]
pub async fn service_at_locations(
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>> {
    let page = PageRequest::from(&query)?;
    let (total, entries) = match search_centre(&state.db, &query).await? {
        Some(centre) => nearest(&state.db, &query, centre, &page).await?,
        None => by_name(&state.db, &query, &page).await?,
    };
    let contents: Vec<Value> = entries.iter().map(Entry::item).collect();
    Ok(Json(page.envelope(total, &contents)))
}

/// Every service at a location, by service name.
async fn by_name(db: &Db, query: &ListQuery, page: &PageRequest) -> Result<(i64, Vec<Entry>)> {
    let mut params = Params::default();
    let filters = service_filters(db, query, &mut params)?;
    let searching = filters.matching.is_some();
    let total_column = if searching {
        ", COUNT(*) OVER () AS total"
    } else {
        ""
    };
    let total_selected = if searching { "page.total, " } else { "" };
    let limit = params.int(page.size);
    let offset = params.int(page.offset());
    let sql = format!(
        "WITH page AS (SELECT l.service_at_location_id AS sal_id, l.location_id, l.service_id, s.name{total_column} \
         FROM service_locations l JOIN services s ON s.id = l.service_id{} WHERE {} \
         ORDER BY s.name, l.service_at_location_id LIMIT {limit} OFFSET {offset}) \
         SELECT page.sal_id, page.location_id, {total_selected}s.document, o.document AS organization FROM page \
         JOIN services s ON s.id = page.service_id \
         LEFT JOIN directory_organizations o ON o.id = s.organization_id \
         ORDER BY page.name, page.sal_id",
        filters.joins(),
        filters.conditions(),
    );
    let rows = params.bind(&sql).fetch_all(db.pool()).await?;
    let total = if let Some(total) = page_total(page, &rows, searching)? {
        total
    } else {
        let mut params = Params::default();
        let filters = service_filters(db, query, &mut params)?;
        let sql = format!(
            "SELECT COUNT(*) FROM service_locations l JOIN services s ON s.id = l.service_id{} WHERE {}",
            filters.joins(),
            filters.conditions()
        );
        params.bind(&sql).fetch_one(db.pool()).await?.try_get(0)?
    };
    let entries = rows
        .iter()
        .map(|row| {
            Ok(Entry {
                id: row.try_get("sal_id")?,
                location_id: row.try_get("location_id")?,
                service: store::full_document(row)?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok((total, entries))
}

/// The services at locations within `radius` metres of `origin`, nearest
/// first, then by service name.
///
/// Distances come from the engine's great-circle distance, worked out on
/// light rows (ids and coordinates); a page then needs the names of only
/// the entries at the distances it reaches into, and the documents of only
/// its own services. The bounding box lets an index narrow the rows; the
/// distance decides.
async fn nearest(
    db: &Db,
    query: &ListQuery,
    centre: (Coordinates, f64),
    page: &PageRequest,
) -> Result<(i64, Vec<Entry>)> {
    let mut params = Params::default();
    let filters = service_filters(db, query, &mut params)?;
    let (total, reached) = if filters.any() {
        filtered_within(db, &filters, params, centre, page).await?
    } else {
        all_within(db, centre, page).await?
    };
    let shown = match reached {
        Some((candidates, skip)) => in_page_order(candidates, skip, page),
        None => Vec::new(),
    };
    Ok((total, with_documents(db, shown).await?))
}

/// The bounding box of a radius search as SQL over `service_locations l`.
fn in_box(params: &mut Params, (origin, radius): (Coordinates, f64)) -> String {
    let bounds = origin.bounding_box(radius);
    let (a, b, c, d) = (
        params.real(bounds.min_latitude),
        params.real(bounds.max_latitude),
        params.real(bounds.min_longitude),
        params.real(bounds.max_longitude),
    );
    format!("l.latitude BETWEEN {a} AND {b} AND l.longitude BETWEEN {c} AND {d}")
}

fn distance_from(origin: Coordinates, row: &sqlx::any::AnyRow) -> StoreResult<f64> {
    Ok(origin.distance_metres(Coordinates {
        latitude: row.try_get("latitude")?,
        longitude: row.try_get("longitude")?,
    }))
}

/// An entry within reach, before its document is read.
struct Candidate {
    distance: f64,
    id: String,
    location_id: String,
    service_id: String,
    /// The service's name, read only for entries a page reaches into.
    name: String,
}

/// Which of `items`, sorted by distance and each standing for `weight`
/// entries, a page reaches into. Entries at one distance are ordered by
/// name, so a page takes in whole distances. Gives the range of items and
/// how many entries at its distances come before the page; `None` when the
/// page lies past the end.
fn page_reach<T>(
    items: &[T],
    distance: impl Fn(&T) -> f64,
    weight: impl Fn(&T) -> i64,
    page: &PageRequest,
) -> Option<(Range<usize>, i64)> {
    let (start, end) = (page.offset(), page.offset() + page.size);
    let (mut before, mut index) = (0, 0);
    let mut reach: Option<(Range<usize>, i64)> = None;
    for group in items.chunk_by(|a, b| distance(a).total_cmp(&distance(b)).is_eq()) {
        let here: i64 = group.iter().map(&weight).sum();
        if before + here > start && before < end {
            let (range, _) = reach.get_or_insert((index..index, start - before));
            range.end = index + group.len();
        }
        before += here;
        index += group.len();
    }
    reach
}

/// Within reach, when filters narrow the services: the matching entries,
/// read light, and the names of those the page reaches into.
async fn filtered_within(
    db: &Db,
    filters: &Filters,
    mut params: Params,
    centre: (Coordinates, f64),
    page: &PageRequest,
) -> Result<(i64, Option<(Vec<Candidate>, i64)>)> {
    let sql = format!(
        "SELECT l.service_at_location_id, l.location_id, l.service_id, l.latitude, l.longitude \
         FROM service_locations l JOIN services s ON s.id = l.service_id{} WHERE {} AND {}",
        filters.joins(),
        filters.conditions(),
        in_box(&mut params, centre),
    );
    let mut within = Vec::new();
    for row in params.bind(&sql).fetch_all(db.pool()).await? {
        let distance = distance_from(centre.0, &row)?;
        if distance <= centre.1 {
            within.push(Candidate {
                distance,
                id: row.try_get("service_at_location_id")?,
                location_id: row.try_get("location_id")?,
                service_id: row.try_get("service_id")?,
                name: String::new(),
            });
        }
    }
    within.sort_by(|a, b| a.distance.total_cmp(&b.distance));
    let total = i64::try_from(within.len()).unwrap_or(i64::MAX);
    let Some((range, skip)) = page_reach(&within, |c| c.distance, |_| 1, page) else {
        return Ok((total, None));
    };
    let mut reached: Vec<Candidate> = within.drain(range).collect();
    let mut params = Params::default();
    let mut ids: Vec<&str> = reached.iter().map(|c| c.service_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let placeholders: Vec<String> = ids.into_iter().map(|id| params.text(id)).collect();
    let sql = format!(
        "SELECT id, name FROM services WHERE id IN ({})",
        placeholders.join(", ")
    );
    let mut names = HashMap::new();
    for row in params.bind(&sql).fetch_all(db.pool()).await? {
        names.insert(
            row.try_get::<String, _>("id")?,
            row.try_get::<String, _>("name")?,
        );
    }
    for candidate in &mut reached {
        candidate.name = names.remove(&candidate.service_id).unwrap_or_default();
    }
    Ok((total, Some((reached, skip))))
}

/// A place some services are at.
struct Place {
    distance: f64,
    location_id: String,
    services: i64,
}

/// Within reach, when nothing narrows the services: many share a place, so
/// distances are worked out place by place from the location index alone.
/// Then the entries at the places the page reaches into are read, names
/// and all.
async fn all_within(
    db: &Db,
    centre: (Coordinates, f64),
    page: &PageRequest,
) -> Result<(i64, Option<(Vec<Candidate>, i64)>)> {
    let mut params = Params::default();
    let sql = format!(
        "SELECT l.latitude, l.longitude, l.location_id, COUNT(*) AS services \
         FROM service_locations l WHERE {} GROUP BY l.latitude, l.longitude, l.location_id",
        in_box(&mut params, centre)
    );
    let mut places = Vec::new();
    for row in params.bind(&sql).fetch_all(db.pool()).await? {
        let distance = distance_from(centre.0, &row)?;
        if distance <= centre.1 {
            places.push(Place {
                distance,
                location_id: row.try_get("location_id")?,
                services: row.try_get("services")?,
            });
        }
    }
    places.sort_by(|a, b| a.distance.total_cmp(&b.distance));
    let total = places.iter().map(|p| p.services).sum();
    let Some((range, skip)) = page_reach(&places, |p| p.distance, |p| p.services, page) else {
        return Ok((total, None));
    };
    let reached = &places[range];
    let (nearest, farthest) = (reached[0].distance, reached[reached.len() - 1].distance);
    let mut params = Params::default();
    let mut ids: Vec<&str> = reached.iter().map(|p| p.location_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let placeholders: Vec<String> = ids.into_iter().map(|id| params.text(id)).collect();
    let sql = format!(
        "SELECT l.service_at_location_id, l.location_id, l.service_id, l.latitude, l.longitude, s.name \
         FROM service_locations l JOIN services s ON s.id = l.service_id \
         WHERE l.location_id IN ({}) AND {}",
        placeholders.join(", "),
        in_box(&mut params, centre),
    );
    let mut candidates = Vec::new();
    for row in params.bind(&sql).fetch_all(db.pool()).await? {
        let distance = distance_from(centre.0, &row)?;
        // Another service may give a location id other coordinates: those
        // entries belong at other distances.
        if (nearest..=farthest).contains(&distance) {
            candidates.push(Candidate {
                distance,
                id: row.try_get("service_at_location_id")?,
                location_id: row.try_get("location_id")?,
                service_id: row.try_get("service_id")?,
                name: row.try_get("name")?,
            });
        }
    }
    Ok((total, Some((candidates, skip))))
}

/// The page's entries from those at the distances it reaches into.
fn in_page_order(mut candidates: Vec<Candidate>, skip: i64, page: &PageRequest) -> Vec<Candidate> {
    candidates.sort_by(|a, b| {
        a.distance
            .total_cmp(&b.distance)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    candidates
        .into_iter()
        .skip(usize::try_from(skip).unwrap_or(usize::MAX))
        .take(usize::try_from(page.size).unwrap_or(0))
        .collect()
}

/// The entries with their services' documents.
async fn with_documents(db: &Db, shown: Vec<Candidate>) -> Result<Vec<Entry>> {
    if shown.is_empty() {
        return Ok(Vec::new());
    }
    let mut params = Params::default();
    let mut ids: Vec<&str> = shown.iter().map(|s| s.service_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let placeholders: Vec<String> = ids.into_iter().map(|id| params.text(id)).collect();
    let sql = format!(
        "SELECT s.id, s.document, o.document AS organization FROM services s \
         LEFT JOIN directory_organizations o ON o.id = s.organization_id WHERE s.id IN ({})",
        placeholders.join(", ")
    );
    let mut documents = HashMap::new();
    for row in params.bind(&sql).fetch_all(db.pool()).await? {
        documents.insert(row.try_get::<String, _>("id")?, store::full_document(&row)?);
    }
    Ok(shown
        .into_iter()
        .filter_map(|s| {
            documents.get(&s.service_id).map(|service| Entry {
                id: s.id,
                location_id: s.location_id,
                service: service.clone(),
            })
        })
        .collect())
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
            let mut value: Value = serde_json::from_str(&text)
                .map_err(|e| StoreError::invalid(format!("{table}.document"), e))?;
            if let Some(object) = value.as_object_mut() {
                for key in strip {
                    object.remove(*key);
                }
            }
            Ok(value)
        })
        .collect::<StoreResult<Vec<_>>>()?;
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
#[utoipa::path(get, path = "/api/hsds/organizations", tag = "hsds",
    params(crate::asset_map::hsds_doc::HsdsSearch, crate::asset_map::hsds_doc::HsdsPaging),
    responses(
        (status = 200, body = crate::asset_map::hsds_doc::HsdsOrganizationPage),
        (status = 304, description = "Unchanged since the `ETag` given in `If-None-Match`; no body"),
        (status = 400, description = "A parameter that cannot be used; its name is in `field`", body = crate::api::openapi::ErrorEnvelope)))]
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
#[utoipa::path(get, path = "/api/hsds/organizations/{id}", tag = "hsds",
    params(("id" = String, Path, description = "The organisation id")),
    responses(
        (status = 200, body = crate::asset_map::hsds_doc::HsdsDirectoryOrganization),
        (status = 304, description = "Unchanged since the `ETag` given in `If-None-Match`; no body"),
        (status = 404, description = "No organisation has that id", body = crate::api::openapi::ErrorEnvelope)))]
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
#[utoipa::path(get, path = "/api/hsds/taxonomies", tag = "hsds",
    params(crate::asset_map::hsds_doc::HsdsSearch, crate::asset_map::hsds_doc::HsdsPaging),
    responses(
        (status = 200, body = crate::asset_map::hsds_doc::HsdsTaxonomyPage),
        (status = 304, description = "Unchanged since the `ETag` given in `If-None-Match`; no body"),
        (status = 400, description = "A parameter that cannot be used; its name is in `field`", body = crate::api::openapi::ErrorEnvelope)))]
pub async fn taxonomies(
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>> {
    Ok(Json(
        document_page(&state.db, "taxonomies", None, &query, &[]).await?,
    ))
}

/// `GET /api/hsds/taxonomies/{id}`
#[utoipa::path(get, path = "/api/hsds/taxonomies/{id}", tag = "hsds",
    params(("id" = String, Path, description = "The taxonomy id")),
    responses(
        (status = 200, body = crate::asset_map::hsds_doc::HsdsTaxonomy),
        (status = 304, description = "Unchanged since the `ETag` given in `If-None-Match`; no body"),
        (status = 404, description = "No taxonomy has that id", body = crate::api::openapi::ErrorEnvelope)))]
pub async fn taxonomy(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    document(&state.db, "taxonomies", &id, "error.hsds.taxonomy_unknown").await
}

/// `GET /api/hsds/taxonomy_terms`
#[utoipa::path(get, path = "/api/hsds/taxonomy_terms", tag = "hsds",
    params(crate::asset_map::hsds_doc::HsdsSearch, crate::asset_map::hsds_doc::HsdsTermFilter, crate::asset_map::hsds_doc::HsdsPaging),
    responses(
        (status = 200, body = crate::asset_map::hsds_doc::HsdsTaxonomyTermPage),
        (status = 304, description = "Unchanged since the `ETag` given in `If-None-Match`; no body"),
        (status = 400, description = "A parameter that cannot be used; its name is in `field`", body = crate::api::openapi::ErrorEnvelope)))]
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
#[utoipa::path(get, path = "/api/hsds/taxonomy_terms/{id}", tag = "hsds",
    params(("id" = String, Path, description = "The term id")),
    responses(
        (status = 200, body = crate::asset_map::hsds_doc::HsdsTaxonomyTerm),
        (status = 304, description = "Unchanged since the `ETag` given in `If-None-Match`; no body"),
        (status = 404, description = "No term has that id", body = crate::api::openapi::ErrorEnvelope)))]
pub async fn taxonomy_term(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    document(&state.db, "taxonomy_terms", &id, "error.hsds.term_unknown").await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(number: i64, size: i64) -> PageRequest {
        PageRequest { number, size }
    }

    #[test]
    fn a_page_reaches_into_whole_distances() {
        // Entries at 1 m, 1 m, 2 m, 3 m, 3 m and 3 m.
        let entries = [1.0, 1.0, 2.0, 3.0, 3.0, 3.0];
        let reach = |number, size| page_reach(&entries, |d| *d, |_| 1, &page(number, size));
        assert_eq!(reach(1, 2), Some((0..2, 0)));
        assert_eq!(reach(2, 2), Some((2..6, 0)), "2 m, then the first at 3 m");
        assert_eq!(reach(3, 2), Some((3..6, 1)), "one at 3 m went before");
        assert_eq!(reach(1, 1), Some((0..2, 0)));
        assert_eq!(reach(2, 1), Some((0..2, 1)));
        assert_eq!(reach(1, 50), Some((0..6, 0)));
        assert_eq!(reach(4, 2), None, "past the end");
        assert_eq!(page_reach(&[] as &[f64], |d| *d, |_| 1, &page(1, 50)), None);
    }

    #[test]
    fn places_stand_for_all_the_entries_at_them() {
        // Two places 10 m away with 3 and 2 services, one 20 m away with 4.
        let places = [(10.0, 3), (10.0, 2), (20.0, 4)];
        let reach = |number, size| page_reach(&places, |p| p.0, |p| p.1, &page(number, size));
        assert_eq!(reach(1, 4), Some((0..2, 0)));
        assert_eq!(reach(2, 4), Some((0..3, 4)), "the fifth at 10 m, then 20 m");
        assert_eq!(reach(3, 4), Some((2..3, 3)));
        assert_eq!(reach(4, 4), None);
    }
}
